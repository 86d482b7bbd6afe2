//! mix milestone 7 — performance. One copy grades the student's `mix` crate
//! and the reference in `solutions/mix`.
//!
//! Graded on counts where a count can tell: a global allocator in this test
//! binary counts every byte the core allocates (and linear memory grown
//! around it, by `memory_grow` called directly, counts as allocated and
//! never freed: a private arena is no way out), so loading a 10 MB file
//! without copying it, keeping it under mix's memory target and typing
//! without allocating anything the size of the document are checked exactly,
//! whatever the machine's speed. The two times that are checked (a keystroke
//! and a jump with a screenful rendered) are medians against mix's original
//! 16 ms frame budget, a margin of two orders of magnitude over the
//! reference. The release benchmark (`node mix/bench/run.mjs`) measures the
//! spec's whole table.

use mix::{Core, KeyEvent, NAMED_KEY};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// Counts bytes handed out (a growing `realloc` counts its whole new size:
/// it may copy everything), bytes live, and the peak of live bytes.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Pages of 64 KiB that linear memory grew by inside the allocator.
static ALLOCATOR_PAGES: AtomicUsize = AtomicUsize::new(0);

const PAGE: usize = 65_536;

/// Runs one call of the real allocator, noting the pages it grew memory by.
fn growing(allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    let pages = core::arch::wasm32::memory_size(0);
    let ptr = allocate();
    ALLOCATOR_PAGES.fetch_add(core::arch::wasm32::memory_size(0) - pages, Relaxed);
    ptr
}

/// Linear memory's bytes that the allocator did not grow (the module's
/// initial memory, and whatever `memory_grow` added behind its back): only
/// differences between two calls mean anything.
fn grown_around_the_allocator() -> usize {
    (core::arch::wasm32::memory_size(0) - ALLOCATOR_PAGES.load(Relaxed)) * PAGE
}

/// Bytes handed out so far, counting memory grown around the allocator.
fn allocated() -> usize {
    ALLOCATED.load(Relaxed) + grown_around_the_allocator()
}

/// Bytes live now, counting memory grown around the allocator.
fn live() -> usize {
    LIVE.load(Relaxed) + grown_around_the_allocator()
}

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Relaxed);
        grew(layout.size());
        growing(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            ALLOCATED.fetch_add(new_size, Relaxed);
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        growing(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

#[wasm_bindgen]
extern "C" {
    // performance.now() exists in browsers and in Node.
    #[wasm_bindgen(js_namespace = performance)]
    fn now() -> f64;
}

const MB: usize = 1_000_000;
const SIZE: usize = 10 * MB;
const ROWS: usize = 40;
const ENTER: u32 = NAMED_KEY + 1;
const BACKSPACE: u32 = NAMED_KEY + 2;

/// 10 MB of mixed ASCII and multi-byte lines; the middle line says MIDDL
/// where the others say quick, so `/MIDDL` finds the middle.
fn sample() -> Vec<u8> {
    let line = "The quick brown fox jumps over the lazy dog — mix sample line ✓\n";
    let count = SIZE.div_ceil(line.len());
    let mut text = line.repeat(count);
    let middle = count / 2 * line.len();
    text.replace_range(middle + 4..middle + 9, "MIDDL");
    text.into_bytes()
}

/// Writes `bytes` where the core asks, as the page's `Uint8Array.set` does.
fn load(core: &mut Core, bytes: &[u8]) {
    let area = core.reserve_load(bytes.len());
    // SAFETY: reserve_load promises `bytes.len()` writable bytes at `area`.
    unsafe { std::slice::from_raw_parts_mut(area, bytes.len()) }.copy_from_slice(bytes);
    core.finish_load().expect("the sample is valid UTF-8");
}

/// One frame as the page runs it: the keys in, a screenful out.
fn frame(core: &mut Core, codes: &[u32]) {
    let area = core.key_buffer(codes.len());
    for (i, &code) in codes.iter().enumerate() {
        // SAFETY: key_buffer promises room for `codes.len()` events.
        unsafe { area.add(i).write(KeyEvent { code, ..KeyEvent::default() }) };
    }
    // SAFETY: apply_keys returns the address of the core's own summary.
    let line = unsafe { (*core.apply_keys(codes.len())).line } as usize;
    core.render(line.saturating_sub(ROWS / 2), ROWS);
}

fn keys(text: &str) -> Vec<u32> {
    text.chars().map(u32::from).collect()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// A core with the 10 MB sample open, the cursor on the middle line.
fn core_in_the_middle() -> Core {
    let mut core = Core::new();
    load(&mut core, &sample());
    let mut search = keys("/MIDDL");
    search.push(ENTER);
    frame(&mut core, &search);
    // SAFETY: as in frame().
    let line = unsafe { (*core.apply_keys(0)).line };
    assert_eq!(line, 73_529, "/MIDDL then Enter must move the cursor to the middle line (search milestone)");
    core
}

#[wasm_bindgen_test]
fn a_10_mb_file_is_loaded_without_a_copy_and_fits_mix_memory_target() {
    let live_before = live();
    let bytes = sample();
    let mut core = Core::new();
    let area = core.reserve_load(bytes.len());
    // SAFETY: as in load().
    unsafe { std::slice::from_raw_parts_mut(area, bytes.len()) }.copy_from_slice(&bytes);
    drop(bytes);
    PEAK.store(LIVE.load(Relaxed), Relaxed);
    let (allocated_before, around_before) = (allocated(), grown_around_the_allocator());
    core.finish_load().expect("the sample is valid UTF-8");
    frame(&mut core, &[]);
    let indexed = allocated() - allocated_before;
    let around = grown_around_the_allocator() - around_before;
    let peak = (PEAK.load(Relaxed) + grown_around_the_allocator()).saturating_sub(live_before);
    let live = live().saturating_sub(live_before);
    console_log!(
        "measured: 10 MB file: loading allocated {:.2} MB besides the file; the core holds {:.1} MB, {:.1} MB at the peak",
        indexed as f64 / MB as f64,
        live as f64 / MB as f64,
        peak as f64 / MB as f64
    );
    assert!(
        indexed < SIZE / 2,
        "finish_load allocated {indexed} bytes for a {SIZE}-byte file ({around} of them linear memory grown \
         around the allocator, by memory_grow, which count as allocated): the file must become the buffer's \
         original text as it is (move the Vec the page wrote into), not be copied; only indexes may be allocated"
    );
    assert!(
        peak < 50 * MB && live < 50 * MB,
        "with a 10 MB file open the core holds {live} bytes ({peak} at the peak): mix's target is under 50 MB"
    );
}

#[wasm_bindgen_test]
fn typing_in_a_10_mb_document_allocates_nothing_the_size_of_the_document() {
    let mut core = core_in_the_middle();
    frame(&mut core, &keys("i"));
    let typed = keys("typing into the middle of ten megabytes ");
    let mut largest = (0, 0);
    let mut times = Vec::new();
    let (allocated_before, around_before) = (allocated(), grown_around_the_allocator());
    for i in 0..1000 {
        let code = match i % 50 {
            49 => ENTER,
            19 | 39 => BACKSPACE,
            _ => typed[i % typed.len()],
        };
        let before = allocated();
        let start = now();
        frame(&mut core, &[code]);
        times.push(now() - start);
        largest = largest.max((allocated() - before, i));
    }
    let total = allocated() - allocated_before;
    let around = grown_around_the_allocator() - around_before;
    let median = median(times);
    // Bytes, not milliseconds: this is a debug build, whose times say
    // nothing about the release build the page runs.
    console_log!(
        "measured: 1,000 keystrokes in a 10 MB document allocated {:.0} bytes per key, at most {} for one key \
         (release times: node mix/bench/run.mjs --core student)",
        total as f64 / 1000.0,
        largest.0
    );
    assert!(
        largest.0 < MB,
        "keystroke {} allocated {} bytes in a 10 MB document (linear memory grown around the allocator, by \
         memory_grow, counts as allocated: {around} bytes over the 1,000 keys): something the size of the \
         document (the text, a copy of it, an index rebuilt) is being allocated per key; a piece table edits a \
         small table of pieces",
        largest.1,
        largest.0
    );
    assert!(
        total < 4 * MB,
        "1,000 keystrokes allocated {total} bytes in all ({around} of them linear memory grown around the \
         allocator, by memory_grow, which count as allocated): far more than the text they typed"
    );
    assert!(median < 16.0, "a keystroke takes {median:.2} ms (median): mix's target is a frame, under 16 ms");
}

#[wasm_bindgen_test]
fn jumping_anywhere_renders_a_screenful_without_scanning_the_document() {
    let mut core = Core::new();
    load(&mut core, &sample());
    let lines = 147_060; // 147,059 sample lines and the empty one after the last newline
    let mut times = Vec::new();
    let (allocated_before, around_before) = (allocated(), grown_around_the_allocator());
    let mut seed: u64 = 12345;
    for _ in 0..500 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let first = (seed >> 33) as usize % lines;
        let start = now();
        let rendered = core.render(first, ROWS);
        times.push(now() - start);
        assert_eq!(rendered, ROWS.min(lines - first), "render({first}, {ROWS}) lays out the lines that exist");
    }
    let allocated = allocated() - allocated_before;
    let around = grown_around_the_allocator() - around_before;
    let median = median(times);
    console_log!(
        "measured: 500 jumps rendering {ROWS} rows of a 10 MB document allocated {allocated} bytes in all \
         (release times: node mix/bench/run.mjs --core student)"
    );
    assert!(
        allocated < MB,
        "500 renders of {ROWS} rows allocated {allocated} bytes ({around} of them linear memory grown around the \
         allocator, by memory_grow, which count as allocated): reuse the render area instead of allocating per \
         call, and never the whole text"
    );
    assert!(median < 16.0, "a jump and a screenful take {median:.2} ms (median): mix's target is a frame, under 16 ms");
}
