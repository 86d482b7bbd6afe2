//! Tests for exercise 02. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! Memory is counted, not guessed: this file installs a counting global
//! allocator for the whole test binary (the exercise's code cannot opt out
//! of it), which knows how many bytes are live — allocated and not freed —
//! and the most that were live at once, and notes the pages it grew linear
//! memory by: pages grown around it (by `memory_grow`, or `memory.grow()` in
//! JavaScript) are a private arena that no free can give back. The JS
//! harness below uses the
//! module the way a page does (`alloc`, `free`, `new Histogram()`,
//! `.free()`, `Symbol.dispose`), and runs the crate's own `page.js` with
//! `lib.alloc`, `lib.free` and `lib.Histogram` wrapped to record what it
//! allocates and frees.

use core::sync::atomic::{AtomicUsize, Ordering};
use no_gc::Histogram;
use std::alloc::{GlobalAlloc, Layout, System};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

// Without it the runner skips this file when it runs in a browser; page.js
// may use `using`, which only browsers are sure to have.
wasm_bindgen_test_configure!(run_in_browser);

/// Counts the bytes every allocation, reallocation and free adds or removes.
struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Pages of 64 KiB that linear memory grew by inside the allocator.
static ALLOCATOR_PAGES: AtomicUsize = AtomicUsize::new(0);

/// Runs one call of the real allocator, noting the pages it grew memory by.
fn growing(allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    let pages = core::arch::wasm32::memory_size(0);
    let ptr = allocate();
    ALLOCATOR_PAGES.fetch_add(core::arch::wasm32::memory_size(0) - pages, Ordering::SeqCst);
    ptr
}

/// Pages of linear memory the allocator did not grow: only differences
/// between two calls mean anything.
fn pages_around_the_allocator() -> usize {
    core::arch::wasm32::memory_size(0) - ALLOCATOR_PAGES.load(Ordering::SeqCst)
}

fn grew(bytes: usize) {
    let live = LIVE_BYTES.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK_BYTES.fetch_max(live, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        growing(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::SeqCst);
        grew(new_size);
        growing(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// Bytes allocated and not yet freed, right now.
fn live() -> isize {
    LIVE_BYTES.load(Ordering::SeqCst) as isize
}

/// What `f` left allocated (negative: freed more than it allocated), and
/// the most it had allocated at once, in bytes; and the pages of 64 KiB
/// that memory grew by around the allocator. Only numbers cross back from
/// JavaScript inside `f`, so the harness itself allocates nothing here.
fn measure<T>(f: impl FnOnce() -> T) -> (T, isize, usize, usize) {
    let (before, pages) = (live(), pages_around_the_allocator());
    PEAK_BYTES.store(before as usize, Ordering::SeqCst);
    let result = f();
    (result, live() - before, PEAK_BYTES.load(Ordering::SeqCst) - before as usize, pages_around_the_allocator() - pages)
}

#[wasm_bindgen(inline_js = r#"
// The glue's Histogram class: what a page gets from `import { Histogram }`.
// A test cannot import the glue, so the class is taken from an instance.
let Histogram = null;
export function remember_class(sample) {
    Histogram = sample.constructor;
    sample.free();
}
export function js_alloc(exports, len) { return exports.alloc(len) >>> 0; }
export function js_free(exports, ptr, len) { exports.free(ptr, len); }
export function js_write(memory, ptr, bytes) { new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes); }
export function js_fill(memory, ptr, len, value) { new Uint8Array(memory.buffer, ptr, len).fill(value); }
export function js_read(memory, ptr, len) { return Uint8Array.from(new Uint8Array(memory.buffer, ptr, len)); }
export function buffer_bytes(memory) { return memory.buffer.byteLength; }
// One image with more bytes than all of memory holds right now, made in
// JavaScript (so that making it does not change WASM memory): lib.alloc
// cannot find room for it without growing memory. Every third byte is
// `level`, so that it is the most common.
export function image_larger_than_memory(memory, level) {
    const image = new Uint8Array(memory.buffer.byteLength + 65536);
    for (let j = 0; j < image.length; j++) image[j] = j % 3 === 0 ? level : (j * 7) & 255;
    return [image];
}

// A Histogram made, fed and released from JavaScript: by free() (how 0) or
// by Symbol.dispose (how 1), which wasm-bindgen points at the same free().
export function histogram_round_trip(ptr, len, how) {
    const histogram = new Histogram();
    histogram.add(ptr, len);
    if (histogram.count(7) !== len) throw new Error(`count(7) is ${histogram.count(7)}, not ${len}`);
    if (how === 0) histogram.free(); else histogram[Symbol.dispose]();
}
let kept = null;
export function keep_histogram() { kept = new Histogram(); }
export function drop_kept_histogram() { kept.free(); kept = null; }

// page.js, run with lib.alloc, lib.free and lib.Histogram recording what it
// allocates and frees. Returns 1 if it threw; the rest is read afterwards.
let run = null;
export function run_page(mostCommonLevels, exports, memory, images) {
    const blocks = new Map(); // ptr → len: handed out by lib.alloc, not freed yet
    const freedBlocks = new Map(); // ptr → len: given back with lib.free
    const r = { levels: [], error: "", wrongFrees: [], addsAfterFree: [], created: 0, freed: new Set(), unfreed: [] };
    run = r;
    class RecordedHistogram extends Histogram {
        constructor() { super(); r.created++; }
        free() { r.freed.add(this); super.free(); }
        [Symbol.dispose]() { this.free(); }
        // Counting bytes of a block that was freed reads memory the allocator
        // may already have handed out again.
        add(ptr, len) {
            const inside = (blocks) => [...blocks].some(([at, size]) => at <= ptr && ptr + len <= at + size);
            if (!inside(blocks) && inside(freedBlocks)) r.addsAfterFree.push(`add(${ptr}, ${len})`);
            super.add(ptr, len);
        }
    }
    const lib = {
        alloc(len) {
            const ptr = exports.alloc(len) >>> 0;
            blocks.set(ptr, len);
            return ptr;
        },
        free(ptr, len) {
            if (blocks.get(ptr) !== len) {
                // Not passed on: freeing what alloc did not hand out, or with
                // another length, would corrupt the allocator.
                r.wrongFrees.push(`free(${ptr}, ${len})`);
                return;
            }
            blocks.delete(ptr);
            freedBlocks.set(ptr, len);
            exports.free(ptr, len);
        },
        Histogram: RecordedHistogram,
    };
    try {
        r.levels = Array.from(mostCommonLevels(lib, memory, images));
    } catch (e) {
        r.error = `${e}`;
    }
    r.unfreed = [...blocks.values()];
    return r.error ? 1 : 0;
}
export function run_levels() { return Uint32Array.from(run.levels); }
export function run_error() { return run.error; }
export function run_unfreed() { return Uint32Array.from(run.unfreed); }
export function run_wrong_frees() { return run.wrongFrees.join(", "); }
export function run_adds_after_free() {
    const adds = run.addsAfterFree;
    return adds.length > 1 ? `${adds[0]} and ${adds.length - 1} more` : adds.join("");
}
export function run_created() { return run.created; }
export function run_freed() { return run.freed.size; }

// page.js with Histograms whose most_common() answers a sentinel no count
// of bytes gives: 1000 for the first Histogram made, 1001 for the next...
export function sentinel_levels(mostCommonLevels, exports, memory, images) {
    let made = 0;
    class SentinelHistogram extends Histogram {
        constructor() { super(); this.sentinel = 1000 + made++; }
        most_common() { return this.sentinel; }
    }
    const lib = {
        alloc(len) { return exports.alloc(len) >>> 0; },
        free(ptr, len) { exports.free(ptr, len); },
        Histogram: SentinelHistogram,
    };
    return Uint32Array.from(mostCommonLevels(lib, memory, images));
}
"#)]
extern "C" {
    fn remember_class(sample: JsValue);
    fn js_alloc(exports: &JsValue, len: usize) -> usize;
    fn js_free(exports: &JsValue, ptr: usize, len: usize);
    fn js_write(memory: &JsValue, ptr: usize, bytes: &[u8]);
    fn js_fill(memory: &JsValue, ptr: usize, len: usize, value: u8);
    fn js_read(memory: &JsValue, ptr: usize, len: usize) -> Vec<u8>;
    fn buffer_bytes(memory: &JsValue) -> usize;
    fn image_larger_than_memory(memory: &JsValue, level: u8) -> js_sys::Array;
    fn histogram_round_trip(ptr: usize, len: usize, how: u32);
    fn keep_histogram();
    fn drop_kept_histogram();
    fn run_page(most_common_levels: &JsValue, exports: &JsValue, memory: &JsValue, images: &JsValue) -> u32;
    fn run_levels() -> Vec<u32>;
    fn run_error() -> String;
    fn run_unfreed() -> Vec<u32>;
    fn run_wrong_frees() -> String;
    fn run_adds_after_free() -> String;
    fn run_created() -> u32;
    fn run_freed() -> u32;
    fn sentinel_levels(page: &JsValue, exports: &JsValue, memory: &JsValue, images: &JsValue) -> Vec<u32>;
}

#[wasm_bindgen(module = "/page.js")]
extern "C" {
    /// The crate's own page code, handed to the harness as a function.
    #[wasm_bindgen(thread_local_v2, js_name = mostCommonLevels)]
    static MOST_COMMON_LEVELS: JsValue;
}

fn exports() -> JsValue {
    wasm_bindgen::exports()
}

fn memory() -> JsValue {
    wasm_bindgen::memory()
}

const MIB: usize = 1 << 20;

/// Calls the module's part from Rust once, so a function still to be
/// written fails the test with its own message here, not as a trap deep
/// inside JavaScript; and gives the harness the Histogram class. `add` gets
/// no bytes: even an `add` that wrongly frees them cannot free nothing.
fn the_module_is_written() {
    let (before, pages) = (live(), pages_around_the_allocator());
    let ptr = no_gc::alloc(4);
    // The lesson's most common bug, told before free is called on its
    // result: freeing those bytes a second time would break the allocator's
    // records, and every test after it would fail inside the allocator.
    assert!(
        live() - before >= 4 || pages_around_the_allocator() != pages,
        "after alloc(4), no bytes are allocated: the block must stay allocated once alloc returns, until \
         JavaScript frees it. A Vec or Box dropped at the end of alloc frees its bytes and leaves JavaScript a \
         dangling address (which it writes over, while Rust's allocator hands the same bytes out again): give \
         up Rust's ownership (Box::into_raw, or mem::forget on a Vec) instead"
    );
    unsafe {
        no_gc::free(ptr, 4);
        Histogram::new().add(core::ptr::NonNull::dangling().as_ptr(), 0);
    }
    remember_class(Histogram::new().into());
}

#[wasm_bindgen_test]
fn alloc_hands_javascript_bytes_that_stay_allocated() {
    the_module_is_written();
    let exports = exports();
    let ((first, second), kept, _, private_pages) = measure(|| (js_alloc(&exports, 1000), js_alloc(&exports, 1000)));
    assert!(
        first != 0 && second != 0,
        "alloc(1000) returned address 0 ({first}, {second}): it must return the address of 1000 bytes in linear memory"
    );
    assert_eq!(
        private_pages, 0,
        "two calls of alloc(1000) grew linear memory by {private_pages} page(s) of 64 KiB around Rust's allocator \
         (memory_grow called directly): memory never shrinks, so no free can ever give those pages back. This \
         test expects every block to come from Rust's allocator (a Vec or Box), so that free can release it"
    );
    assert!(
        kept >= 2000,
        "after two calls of alloc(1000), only {kept} bytes are allocated: each block must stay allocated \
         once alloc returns, until JavaScript frees it. A Vec or Box dropped at the end of alloc frees its \
         bytes and leaves JavaScript a dangling address: give up Rust's ownership (Box::into_raw, or \
         mem::forget on a Vec) instead"
    );
    let end = first.max(second) + 1000;
    assert!(end <= buffer_bytes(&memory()), "alloc(1000) returned an address whose 1000 bytes end past memory.buffer");
    js_fill(&memory(), first, 1000, 0x11);
    js_fill(&memory(), second, 1000, 0x22);
    assert!(
        js_read(&memory(), first, 1000).iter().all(|&b| b == 0x11),
        "JavaScript filled two blocks from alloc(1000), at {first} and {second}, with 0x11 and 0x22; the first \
         no longer holds 0x11: two blocks that are both allocated must not overlap"
    );
    js_free(&exports, first, 1000);
    js_free(&exports, second, 1000);
}

#[wasm_bindgen_test]
fn free_gives_back_every_byte_alloc_handed_out() {
    the_module_is_written();
    let exports = exports();
    for len in [0, 1, 7, 1000, 65_536, MIB] {
        let ((), left, _, private_pages) = measure(|| {
            let ptr = js_alloc(&exports, len);
            js_free(&exports, ptr, len);
        });
        assert_eq!(
            private_pages, 0,
            "JavaScript called alloc({len}) and then free(ptr, {len}); linear memory grew by {private_pages} \
             page(s) of 64 KiB around Rust's allocator (memory_grow called directly), and memory never shrinks: \
             those bytes stay taken for good. This test expects alloc to take its block from Rust's allocator \
             (a Vec or Box) and free to give it back to it"
        );
        assert_eq!(
            left, 0,
            "JavaScript called alloc({len}) and then free(ptr, {len}); {left} byte(s) are still allocated. free must \
             take back exactly what alloc handed out and release it — rebuild the Box (Box::from_raw on a slice \
             of `len` bytes) and drop it. Without that, every free leaks its block: nothing else ever frees it"
        );
    }
}

#[wasm_bindgen_test]
fn freed_memory_is_used_again() {
    the_module_is_written();
    let exports = exports();
    let pages = |memory: &JsValue| buffer_bytes(memory) / 65_536;
    let before = pages(&memory());
    for _ in 0..64 {
        let ptr = js_alloc(&exports, MIB);
        js_free(&exports, ptr, MIB);
    }
    let grown = pages(&memory()) - before;
    assert!(
        grown <= 17,
        "64 rounds of alloc(1 MiB) then free grew linear memory by {grown} pages of 64 KiB ({} MiB). Freed \
         memory serves the next alloc, so one block's 16 pages should be enough; memory never shrinks, so \
         every block that is not really freed stays in it for good",
        grown / 16
    );
}

#[wasm_bindgen_test]
fn a_histogram_reads_the_bytes_without_taking_them() {
    let exports = exports();
    let pixels = [3, 1, 3, 3, 200, 1];
    let ptr = js_alloc(&exports, pixels.len());
    js_write(&memory(), ptr, &pixels);
    let mut histogram = Histogram::new();
    let ((), change, peak, _) = measure(|| unsafe { histogram.add(ptr as *const u8, pixels.len()) });
    assert!(
        change >= 0,
        "Histogram::add freed {} bytes that JavaScript owns: the bytes at ptr came from alloc and JavaScript \
         frees them with free(ptr, len). add must only read them — a borrowed slice \
         (core::slice::from_raw_parts), not a Box or Vec rebuilt from the pointer, which frees them when dropped",
        -change
    );
    assert_eq!(change, 0, "Histogram::add left {change} bytes allocated that nothing will ever free");
    assert_eq!(
        peak,
        0,
        "Histogram::add allocated {peak} bytes while it counted the {} bytes at ptr, and freed them again: it copied \
         the bytes JavaScript wrote (to_vec, Vec::from, collect) instead of borrowing them, so every image is in \
         linear memory twice while it is counted. Count them where they are, through a borrowed slice \
         (core::slice::from_raw_parts(ptr, len)); the counts live in the Histogram, made once by new()",
        pixels.len()
    );
    assert_eq!(
        (histogram.count(3), histogram.count(1), histogram.count(200), histogram.count(0)),
        (3, 2, 1, 0),
        "add over the bytes [3, 1, 3, 3, 200, 1] must count 3 three times, 1 twice, 200 once and 0 never"
    );
    assert_eq!(histogram.most_common(), 3);
    assert_eq!(js_read(&memory(), ptr, pixels.len()), pixels, "add must leave JavaScript's bytes as they were");
    js_free(&exports, ptr, pixels.len());
}

#[wasm_bindgen_test]
fn a_histogram_freed_from_javascript_gives_back_all_its_memory() {
    the_module_is_written();
    let sevens = vec![7u8; 300];
    for (how, released) in [(0, "histogram.free()"), (1, "histogram[Symbol.dispose]()")] {
        let ((), left, _, _) = measure(|| histogram_round_trip(sevens.as_ptr() as usize, sevens.len(), how));
        assert_eq!(
            left, 0,
            "JavaScript made a Histogram with new Histogram(), gave it 300 bytes with add, and released it with \
             {released}; {left} bytes stayed allocated. wasm-bindgen then drops the Rust value, so whatever it \
             owns must be freed by that drop: keep the counts in an owned field (a Vec), never leaked \
             (Box::leak, mem::forget)"
        );
    }
}

/// Eight grey images of different sizes, each with one level clearly the
/// most common, and those levels.
fn images() -> (Vec<Vec<u8>>, Vec<u32>) {
    let levels = [17u8, 250, 0, 128, 99, 3, 201, 64];
    let images = levels
        .iter()
        .enumerate()
        .map(|(i, &level)| {
            let len = 20_000 + i * 1_000;
            (0..len).map(|j| if j % 3 == 0 { level } else { (j * 7 + i) as u8 }).collect()
        })
        .collect();
    (images, levels.iter().map(|&l| u32::from(l)).collect())
}

/// Makes room for `images`, twice over, allocated and freed: lib.alloc then
/// finds room without growing memory, so that only the test written for it
/// grows memory under the page.
fn room_for(images: &[Vec<u8>]) {
    let total: usize = images.iter().map(Vec::len).sum();
    drop(std::hint::black_box(Vec::<u8>::with_capacity(2 * total)));
}

/// What running page.js over `images` did, measured.
struct PageRun {
    levels: Vec<u32>,
    error: String,
    /// Bytes still allocated after it returned.
    left: isize,
    /// The most it had allocated at once.
    peak: usize,
    /// Pages of 64 KiB memory grew by around the allocator (`memory.grow()`).
    private_pages: usize,
    /// Lengths of the blocks from lib.alloc never given to lib.free.
    unfreed: Vec<u32>,
    wrong_frees: String,
    /// Histogram.add calls on bytes of a block page.js had already freed.
    adds_after_free: String,
    created: u32,
    freed: u32,
}

impl PageRun {
    fn new(images: &[Vec<u8>]) -> PageRun {
        the_module_is_written();
        let list = js_sys::Array::new();
        for image in images {
            list.push(&js_sys::Uint8Array::from(&image[..]));
        }
        let (page, exports, memory) = (MOST_COMMON_LEVELS.with(JsValue::clone), exports(), memory());
        room_for(images);
        let (_, left, peak, private_pages) = measure(|| run_page(&page, &exports, &memory, &list));
        PageRun {
            levels: run_levels(),
            error: run_error(),
            left,
            peak,
            private_pages,
            unfreed: run_unfreed(),
            wrong_frees: run_wrong_frees(),
            adds_after_free: run_adds_after_free(),
            created: run_created(),
            freed: run_freed(),
        }
    }

    /// Fails the test when page.js threw: what it allocated is then beside the point.
    fn completed(self) -> PageRun {
        assert!(self.error.is_empty(), "page.js's mostCommonLevels threw: {}", self.error);
        self
    }

    /// Where the bytes still allocated come from, as far as page.js shows it.
    fn leak_summary(&self) -> String {
        let unfreed: u32 = self.unfreed.iter().sum();
        format!(
            "{} bytes stayed allocated after mostCommonLevels returned: {} block(s) from lib.alloc never freed \
             ({unfreed} bytes), {} of {} Histogram(s) never freed",
            self.left,
            self.unfreed.len(),
            self.created - self.freed,
            self.created,
        )
    }
}

#[wasm_bindgen_test]
fn the_page_finds_the_most_common_level_of_each_image() {
    let (images, expected) = images();
    let run = PageRun::new(&images).completed();
    assert_eq!(
        run.levels, expected,
        "mostCommonLevels must return, for each image, histogram.most_common() of its bytes"
    );
    // Then one image larger than all of memory: the other page tests leave
    // lib.alloc room to spare (room_for), so this is where lib.alloc grows
    // memory under the page, and a view made before it is detached.
    let memory = memory();
    let before = buffer_bytes(&memory);
    let images = image_larger_than_memory(&memory, 77);
    let len = before + 65_536;
    let threw = run_page(&MOST_COMMON_LEVELS.with(JsValue::clone), &exports(), &memory, &images) != 0;
    let after = buffer_bytes(&memory);
    // Any lib.alloc with room for the image has to grow memory here.
    let situation = if after > before {
        format!(
            "an image of {len} bytes is more than all of memory ({before} bytes), so lib.alloc had to grow memory, to \
             {after} bytes. memory.grow detaches every view made before it (exercise 01): a Uint8Array over \
             memory.buffer made before lib.alloc has length 0 afterwards"
        )
    } else {
        format!("an image of {len} bytes, more than all of memory ({before} bytes)")
    };
    if threw {
        panic!(
            "page.js threw {}: {situation}, and using it throws. Make the view after lib.alloc returns: \
             new Uint8Array(memory.buffer, ptr, image.length).set(image)",
            run_error()
        );
    }
    assert_eq!(
        run_levels(),
        vec![77],
        "mostCommonLevels returned {:?} for one image whose most common level is 77: {situation}, and writing \
         through it does nothing, so the image never reached the block the Histogram counted. Make the view after \
         lib.alloc returns",
        run_levels()
    );
}

#[wasm_bindgen_test]
fn the_page_frees_every_block_it_allocates() {
    let (images, _) = images();
    let run = PageRun::new(&images).completed();
    assert_eq!(
        run.private_pages, 0,
        "page.js grew linear memory by {} page(s) of 64 KiB itself (memory.grow) instead of taking room from \
         lib.alloc: memory never shrinks, so those bytes stay taken for good. This test expects every image's \
         room to come from lib.alloc and go back with lib.free",
        run.private_pages
    );
    assert!(
        run.wrong_frees.is_empty(),
        "page.js called {} on blocks lib.alloc did not hand out with that length: free(ptr, len) takes the \
         address alloc returned and the same len",
        run.wrong_frees
    );
    assert!(
        run.unfreed.is_empty(),
        "{}. Linear memory has no garbage collector: a block from lib.alloc stays allocated until \
         lib.free(ptr, len) gives it back, however long ago JavaScript dropped the address. Free each block \
         once the Histogram has counted its bytes",
        run.leak_summary()
    );
}

#[wasm_bindgen_test]
fn the_page_frees_each_block_only_after_its_histogram_counted_it() {
    let (images, _) = images();
    let run = PageRun::new(&images).completed();
    assert!(
        run.adds_after_free.is_empty(),
        "page.js called histogram.{} on blocks it had already given back with lib.free: a freed block's bytes \
         belong to the allocator again (it may write its own bookkeeping there, or hand them to the next alloc), \
         so the Histogram counted whatever was there by then. JavaScript owns the block until it frees it: copy \
         the image in, let the Histogram count it, and only then lib.free(ptr, len)",
        run.adds_after_free
    );
}

#[wasm_bindgen_test]
fn the_page_frees_every_histogram_it_creates() {
    let (images, _) = images();
    let run = PageRun::new(&images).completed();
    assert!(
        run.freed == run.created,
        "{}. A Histogram lives in linear memory until its free() runs: JavaScript's garbage collector sees \
         only the small wrapper object, and may finalize it much later or never. Call histogram.free() once \
         you have read most_common(), or declare it with `using` so that it is freed at the end of its block",
        run.leak_summary()
    );
}

#[wasm_bindgen_test]
fn the_page_holds_one_image_at_a_time() {
    let (images, _) = images();
    the_module_is_written();
    let ((), histogram_bytes, _, _) = measure(keep_histogram);
    drop_kept_histogram();
    let largest = images.iter().map(Vec::len).max().unwrap_or(0);
    let limit = largest + histogram_bytes.max(0) as usize;
    let run = PageRun::new(&images).completed();
    let total: usize = images.iter().map(Vec::len).sum();
    let page_freed_everything = run.unfreed.is_empty() && run.created == run.freed;
    if page_freed_everything && run.left > 0 {
        panic!(
            "page.js freed every block and every Histogram, yet up to {} bytes were allocated at once and {} \
             stayed allocated after it returned: the leak is in src/lib.rs — free must release the block alloc \
             handed out, and a Histogram must own nothing that its drop does not free",
            run.peak, run.left
        );
    }
    assert!(
        run.peak <= limit,
        "working through {} images of {} to {largest} bytes ({total} in all), up to {} bytes were allocated at \
         once; one image and one Histogram take {limit}. Allocate an image's room when you need it and free it \
         as soon as its Histogram has counted it (free the Histogram once read), before the next image: memory \
         in use then stays the size of one image. ({})",
        images.len(),
        images[0].len(),
        run.peak,
        run.leak_summary()
    );
}

#[wasm_bindgen_test]
fn the_page_returns_what_each_histogram_answers() {
    let (images, _) = images();
    the_module_is_written();
    let list = js_sys::Array::new();
    for image in &images {
        list.push(&js_sys::Uint8Array::from(&image[..]));
    }
    let page = MOST_COMMON_LEVELS.with(JsValue::clone);
    room_for(&images);
    let levels = sentinel_levels(&page, &exports(), &memory(), &list);
    let expected: Vec<u32> = (1000..).take(images.len()).collect();
    assert_eq!(
        levels, expected,
        "page.js was handed Histograms whose most_common() answers 1000, 1001, ... (one per Histogram, in the \
         order they are made) and returned {levels:?}. Each level must be what that image's Histogram answers: \
         the module counts the bytes; the page allocates, copies them in, asks most_common() and frees"
    );
}

