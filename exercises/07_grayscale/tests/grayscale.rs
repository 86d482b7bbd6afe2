//! Tests for exercise 07. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! Exact bytes first (the arithmetic is fixed in README.md), then the
//! pattern: in place, alpha untouched, no allocation in the hot call
//! (counted by a global allocator defined here, which also notes the pages
//! it grew memory by, so pages grown around it — `memory_grow` called
//! directly, a private arena — show too), and the browser path — a real
//! canvas in headless Chromium, one copy in, none out.

use core::sync::atomic::{AtomicUsize, Ordering};
use grayscale::{grayscale, luma, Frame, NotRgba};
use std::alloc::{GlobalAlloc, Layout, System};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// The canvas test needs a DOM.
wasm_bindgen_test_configure!(run_in_browser);

/// Counts every allocation (and reallocation) in WASM memory.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
/// Pages of 64 KiB that linear memory grew by inside the allocator.
static ALLOCATOR_PAGES: AtomicUsize = AtomicUsize::new(0);

/// Runs one call of the real allocator, noting the pages it grew memory by.
fn growing(allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    let pages = core::arch::wasm32::memory_size(0);
    let ptr = allocate();
    ALLOCATOR_PAGES.fetch_add(core::arch::wasm32::memory_size(0) - pages, Ordering::SeqCst);
    ptr
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        growing(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        growing(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

#[wasm_bindgen(inline_js = r#"
const copies = { into_wasm: 0, out_of_wasm: 0 };
// Draws a 7×3 test card of opaque colours (translucent canvas pixels would
// be premultiplied, changing their RGB), puts its pixels into the frame with
// one Uint8Array.set, and returns the canvas.
export function canvas_into_frame(memory, ptr, colours) {
    const canvas = document.createElement("canvas");
    canvas.width = 7;
    canvas.height = 3;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    for (let i = 0; i < 21; i++) {
        const [r, g, b] = colours.slice(i * 3, i * 3 + 3);
        ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
        ctx.fillRect(i % 7, Math.floor(i / 7), 1, 1);
    }
    const image = ctx.getImageData(0, 0, 7, 3);
    new Uint8Array(memory.buffer, ptr, image.data.length).set(image.data);
    copies.into_wasm++;
    return canvas;
}
// Shows the frame on the canvas straight from WASM memory (no copy out of
// WASM: the ImageData is a view), then reads the canvas back.
export function frame_onto_canvas(canvas, memory, ptr, len) {
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const view = new Uint8ClampedArray(memory.buffer, ptr, len);
    ctx.putImageData(new ImageData(view, canvas.width, canvas.height), 0, 0);
    return Uint8Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
}
export function copies_into_wasm() { return copies.into_wasm; }
"#)]
extern "C" {
    fn canvas_into_frame(memory: &JsValue, ptr: usize, colours: &[u8]) -> JsValue;
    fn frame_onto_canvas(canvas: &JsValue, memory: &JsValue, ptr: usize, len: usize) -> Vec<u8>;
    fn copies_into_wasm() -> u32;
}

#[wasm_bindgen_test]
fn white_black_and_pure_channels_have_exact_bytes() {
    for (rgb, gray, why) in [
        ((255, 255, 255), 255, "white must stay 255 (the lesson's truncation risks 254)"),
        ((0, 0, 0), 0, "black stays 0"),
        ((255, 0, 0), 76, "pure red: 0.299 × 255 = 76.245 → 76"),
        ((0, 255, 0), 150, "pure green: 0.587 × 255 = 149.685 → 150 (rounded, not truncated)"),
        ((0, 0, 255), 29, "pure blue: 0.114 × 255 = 29.07 → 29"),
        ((12, 200, 77), 130, "0.299 × 12 + 0.587 × 200 + 0.114 × 77 = 129.766 → 130"),
    ] {
        assert_eq!(luma(rgb.0, rgb.1, rgb.2), gray, "luma{rgb:?}: {why}");
    }
}

#[wasm_bindgen_test]
fn every_gray_level_stays_itself() {
    for v in 0..=255u8 {
        assert_eq!(
            luma(v, v, v),
            v,
            "a gray pixel ({v}, {v}, {v}) must stay {v}; in f32 the weighted sum can land a hair below \
             {v}, so truncating turns it darker — round to nearest instead"
        );
    }
}

#[wasm_bindgen_test]
fn pixels_turn_gray_in_place_and_alpha_is_untouched() {
    let original = [255, 0, 0, 0, 0, 255, 0, 17, 0, 0, 255, 128, 12, 200, 77, 255];
    let mut pixels = original.to_vec();
    grayscale(&mut pixels).expect("16 bytes are 4 whole pixels");
    for (i, (after, before)) in pixels.chunks(4).zip(original.chunks(4)).enumerate() {
        assert_eq!(
            after[3], before[3],
            "pixel {i}: alpha (its 4th byte) was {} and is now {}: grayscale writes r, g and b only, and must leave \
             alpha exactly as it was",
            before[3], after[3]
        );
        let gray = luma(before[0], before[1], before[2]);
        assert_eq!(
            after[..3],
            [gray; 3],
            "pixel {i} {:?}: r, g and b must all become luma(r, g, b) = {gray}, in place",
            &before[..3]
        );
    }
}

#[wasm_bindgen_test]
fn grayscale_rounds_each_pixel_to_the_nearest_level() {
    // Exact sums with a fraction of .5 or more, and gray pixels whose f32
    // sum lands a hair below their level: truncating gets all of them wrong.
    let cases: [([u8; 3], u8, &str); 5] = [
        ([0, 255, 0], 150, "0.587 × 255 = 149.685"),
        ([12, 200, 77], 130, "0.299 × 12 + 0.587 × 200 + 0.114 × 77 = 129.766"),
        ([37, 37, 37], 37, "a gray pixel stays itself; in f32 its sum is a hair below 37"),
        ([253, 253, 253], 253, "a gray pixel stays itself; in f32 its sum is a hair below 253"),
        ([255, 255, 255], 255, "white stays white"),
    ];
    let mut pixels: Vec<u8> = cases.iter().flat_map(|(rgb, _, _)| [rgb[0], rgb[1], rgb[2], 255]).collect();
    grayscale(&mut pixels).expect("whole pixels");
    for (i, (rgb, gray, why)) in cases.iter().enumerate() {
        let got = pixels[i * 4];
        assert_eq!(
            got, *gray,
            "pixel {i} {rgb:?}: gray expected {gray}, got {got} ({why}). The gray level is rounded to the nearest \
             integer — add 0.5 before converting with `as u8`; a bare `as u8` truncates"
        );
    }
}

#[wasm_bindgen_test]
fn the_gray_level_is_the_documented_f32_arithmetic() {
    // Pixels whose exact weighted sum is x.5: in f32, with the products
    // added r, g, b, the sum lands a hair below, and `+ 0.5` then `as u8`
    // gives x. f64, integer or fixed-point weights, a fused multiply-add or
    // another order of the products all give x + 1 on every one of them.
    let cases: [([u8; 3], u8, &str); 5] = [
        ([32, 20, 28], 24, "24.5"),
        ([62, 40, 13], 43, "43.5"),
        ([77, 117, 7], 92, "92.5"),
        ([107, 95, 103], 99, "99.5"),
        ([113, 53, 93], 75, "75.5"),
    ];
    let why = |rgb: &[u8; 3], gray: u8, got: u8, exact: &str| {
        format!(
            "pixel {rgb:?}: gray expected {gray}, got {got}. Its exact weighted sum is {exact}; README.md's arithmetic \
             — f32, the products added in the order r, g, b, then + 0.5 and `as u8` — gives {gray}. Computing in f64, \
             with integer or fixed-point weights, with mul_add or in another order rounds it the other way: compute \
             it exactly as README.md's \"The exact arithmetic\" says"
        )
    };
    for (rgb, gray, exact) in cases {
        let got = luma(rgb[0], rgb[1], rgb[2]);
        assert_eq!(got, gray, "luma: {}", why(&rgb, gray, got, exact));
    }
    let mut pixels: Vec<u8> = cases.iter().flat_map(|(rgb, _, _)| [rgb[0], rgb[1], rgb[2], 255]).collect();
    grayscale(&mut pixels).expect("whole pixels");
    for (i, (rgb, gray, exact)) in cases.iter().enumerate() {
        let got = pixels[i * 4];
        assert_eq!(got, *gray, "grayscale, pixel {i}: {}", why(rgb, *gray, got, exact));
    }
}

#[wasm_bindgen_test]
fn a_weighted_sum_of_exactly_one_half_rounds_up() {
    // Pixels whose f32 weighted sum is exactly x.5 with x even: `+ 0.5` and
    // `as u8` give x + 1, as every other arithmetic does here; rounding half
    // to even (round_ties_even, banker's rounding) gives x, and agrees with
    // README.md on every other pixel.
    let cases: [([u8; 3], u8, &str); 3] = [([0, 0, 250], 29, "28.5"), ([1, 13, 5], 9, "8.5"), ([1, 205, 69], 129, "128.5")];
    let why = |rgb: &[u8; 3], gray: u8, got: u8, sum: &str| {
        format!(
            "pixel {rgb:?}: gray expected {gray}, got {got}. Its weighted sum in f32 is exactly {sum}, and README.md \
             rounds by adding 0.5 and converting with `as u8`, which takes a half up, to {gray}. Rounding half to even \
             (round_ties_even) takes it down to the even {}: use `(sum + 0.5) as u8`",
            gray - 1
        )
    };
    for (rgb, gray, sum) in cases {
        let got = luma(rgb[0], rgb[1], rgb[2]);
        assert_eq!(got, gray, "luma: {}", why(&rgb, gray, got, sum));
    }
    let mut pixels: Vec<u8> = cases.iter().flat_map(|(rgb, _, _)| [rgb[0], rgb[1], rgb[2], 255]).collect();
    grayscale(&mut pixels).expect("whole pixels");
    for (i, (rgb, gray, sum)) in cases.iter().enumerate() {
        let got = pixels[i * 4];
        assert_eq!(got, *gray, "grayscale, pixel {i}: {}", why(rgb, *gray, got, sum));
    }
}

#[wasm_bindgen_test]
fn one_pixel_and_odd_sizes() {
    let mut one = vec![10, 20, 30, 40];
    grayscale(&mut one).unwrap();
    assert_eq!(one, vec![18, 18, 18, 40], "a 1×1 image: 0.299 × 10 + 0.587 × 20 + 0.114 × 30 = 18.15 → 18");

    // A 5×3 image, 15 pixels: an odd count, so no pair-wise shortcut works.
    let mut pixels: Vec<u8> = (0..60u32).map(|i| (i * 37 % 256) as u8).collect();
    let original = pixels.clone();
    grayscale(&mut pixels).unwrap();
    for (i, (after, before)) in pixels.chunks(4).zip(original.chunks(4)).enumerate() {
        let gray = luma(before[0], before[1], before[2]);
        assert_eq!(after, [gray, gray, gray, before[3]], "pixel {i} of a 5×3 image");
    }
}

#[wasm_bindgen_test]
fn a_length_that_is_not_whole_pixels_is_an_error() {
    let mut pixels = vec![1, 2, 3, 4, 5, 6];
    assert_eq!(
        grayscale(&mut pixels),
        Err(NotRgba { len: 6 }),
        "6 bytes are 1½ pixels: grayscale must refuse with NotRgba {{ len: 6 }}, not panic"
    );
    assert_eq!(pixels, vec![1, 2, 3, 4, 5, 6], "a refused buffer must not be changed at all");
}

#[wasm_bindgen_test]
fn a_full_hd_frame_is_processed_in_place_without_allocating() {
    let mut frame = Frame::new(1920, 1080);
    let ptr = frame.ptr();
    let (before, pages, allocator_pages) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        core::arch::wasm32::memory_size(0),
        ALLOCATOR_PAGES.load(Ordering::SeqCst),
    );
    frame.grayscale_in_place();
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - before;
    let private_pages =
        (core::arch::wasm32::memory_size(0) - pages) - (ALLOCATOR_PAGES.load(Ordering::SeqCst) - allocator_pages);
    assert_eq!(
        allocations, 0,
        "grayscale of a 1920×1080 frame made {allocations} allocation(s): the 8 MB of pixels are \
         already in the module's buffer — change them where they are, with no copy and no new buffer"
    );
    assert_eq!(
        private_pages,
        0,
        "grayscale of a 1920×1080 frame allocated nothing, yet linear memory grew by {private_pages} page(s) \
         of 64 KiB ({} KiB) around the allocator: memory taken with memory_grow is a new buffer all the same, \
         and this test expects none. Change the pixels where they are, in the frame's own buffer",
        private_pages * 64
    );
    assert_eq!(frame.ptr(), ptr, "the pixels must stay where JavaScript put them");
}

#[wasm_bindgen_test]
fn a_canvas_frame_goes_gray_with_one_copy_in_and_none_out() {
    // 21 opaque colours, 7 per row.
    let colours: Vec<u8> = (0..63u32).map(|i| (i * 53 % 256) as u8).collect();
    let mut frame = Frame::new(7, 3);
    // The address of the Frame instead of its pixels, told before JavaScript
    // writes 84 bytes through it.
    let (ptr, header, size) = (frame.ptr(), &frame as *const Frame as usize, core::mem::size_of::<Frame>());
    assert!(
        !(header..header + size).contains(&ptr),
        "ptr() returned {ptr}, an address inside the Frame itself ({size} bytes at {header}): that is where its Vec \
         keeps its pointer, capacity and length, not the pixels. JavaScript putting the canvas's pixels there would \
         overwrite them. Return the address of the first pixel: the Vec's as_ptr()"
    );
    let canvas = canvas_into_frame(&wasm_bindgen::memory(), frame.ptr(), &colours);
    frame.grayscale_in_place();
    let shown = frame_onto_canvas(&canvas, &wasm_bindgen::memory(), frame.ptr(), frame.len());
    assert_eq!(copies_into_wasm(), 1, "the test card crossed into WASM memory with one Uint8Array.set");
    for (i, rgb) in colours.chunks(3).enumerate() {
        let gray = luma(rgb[0], rgb[1], rgb[2]);
        assert_eq!(
            &shown[i * 4..i * 4 + 4],
            &[gray, gray, gray, 255],
            "canvas pixel {i} ({rgb:?}) after grayscale, putImageData straight from WASM memory and \
             getImageData: expected gray {gray} and alpha 255"
        );
    }
}
