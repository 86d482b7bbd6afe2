//! Tests for exercise 05. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! Copies are counted, not timed: this file installs a counting global
//! allocator for the whole test binary (the exercise cannot opt out of it),
//! and reads the number of 64 KiB pages before and after the hot call. The
//! allocator also notes the pages it grew memory by itself, so pages grown
//! around it (`memory_grow` called directly: a private arena) are told
//! apart from the allocator's own, which a first allocation may need. The
//! JS harness writes and reads the samples through views over
//! `wasm_bindgen::memory()`, as a page would.

use avoiding_copies::Signal;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::alloc::{GlobalAlloc, Layout, System};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Counts every allocation (and reallocation) made in WASM memory.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
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
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        growing(|| unsafe { System.alloc(layout) })
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        growing(|| unsafe { System.realloc(ptr, layout, new_size) })
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

/// What `f` did to memory while it ran.
struct Measured {
    allocations: usize,
    bytes: usize,
    /// Pages linear memory grew by, in all.
    pages: usize,
    /// Of those, the pages grown around the allocator (by `memory_grow`).
    private_pages: usize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Measured) {
    let pages = core::arch::wasm32::memory_size(0);
    let allocator_pages = ALLOCATOR_PAGES.load(Ordering::SeqCst);
    let (allocations, bytes) = (ALLOCATIONS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst));
    let result = f();
    let pages = core::arch::wasm32::memory_size(0) - pages;
    let measured = Measured {
        allocations: ALLOCATIONS.load(Ordering::SeqCst) - allocations,
        bytes: BYTES.load(Ordering::SeqCst) - bytes,
        pages,
        private_pages: pages - (ALLOCATOR_PAGES.load(Ordering::SeqCst) - allocator_pages),
    };
    (result, measured)
}

#[wasm_bindgen(inline_js = r#"
// The lesson's "direct memory access": one view at the module's pointer.
export function write_samples(memory, ptr, count) {
    const view = new Float64Array(memory.buffer, ptr, count);
    for (let i = 0; i < count; i++) view[i] = Math.sin(i) * 1000;
}
export function set_samples(memory, ptr, values) {
    new Float64Array(memory.buffer, ptr, values.length).set(values);
}
export function read_samples(memory, ptr, count) {
    return Float64Array.from(new Float64Array(memory.buffer, ptr, count));
}
export function javascript_array(count) {
    return Float64Array.from({ length: count }, (_, i) => i);
}
"#)]
extern "C" {
    fn write_samples(memory: &JsValue, ptr: usize, count: usize);
    fn set_samples(memory: &JsValue, ptr: usize, values: &js_sys::Float64Array);
    fn read_samples(memory: &JsValue, ptr: usize, count: usize) -> js_sys::Float64Array;
    /// Returned by value: the glue copies it into WASM memory.
    fn javascript_array(count: usize) -> Vec<f64>;
}

fn memory() -> JsValue {
    wasm_bindgen::memory()
}

const MILLION: usize = 1_000_000;

#[wasm_bindgen_test]
fn the_hot_call_allocates_nothing() {
    // Room for the samples, and nothing else: a buffer kept to rescale into
    // would let the hot call copy without allocating.
    let (mut signal, made) = measure(|| Signal::new(MILLION));
    write_samples(&memory(), signal.ptr(), MILLION);
    let ((), Measured { allocations, bytes, private_pages, .. }) = measure(|| signal.normalize(MILLION));
    assert_eq!(
        (allocations, bytes),
        (0, 0),
        "normalize(1,000,000) made {allocations} allocation(s), {bytes} bytes in all. The samples are \
         already in the module's buffer: find min and max, then rescale each sample where it is — a \
         temporary Vec is a copy of 8 MB the lesson's pattern avoids"
    );
    assert_eq!(
        private_pages,
        0,
        "normalize(1,000,000) allocated nothing, yet linear memory grew by {private_pages} page(s) of 64 KiB \
         ({} KiB) around the allocator: memory taken with memory_grow is a new buffer all the same, and this \
         test expects none. Rescale each sample where it is, in the buffer JavaScript wrote",
        private_pages * 64
    );
    assert!(
        made.bytes <= MILLION * 8,
        "new Signal(1,000,000) allocated {} bytes in {} allocation(s); its samples take 8,000,000. A second buffer \
         to rescale into, then copied back, allocates nothing in the hot call but still copies all 8 MB twice per \
         call — the copy the lesson's pattern avoids. Keep only the samples, and rescale each one where it is",
        made.bytes,
        made.allocations
    );
}

#[wasm_bindgen_test]
fn repeated_hot_calls_do_not_grow_memory() {
    let mut signal = Signal::new(MILLION);
    write_samples(&memory(), signal.ptr(), MILLION);
    signal.normalize(MILLION);
    let ((), Measured { pages, .. }) = measure(|| {
        for _ in 0..3 {
            signal.normalize(MILLION);
        }
    });
    assert_eq!(
        pages, 0,
        "three more calls of normalize grew linear memory by {pages} page(s) of 64 KiB: the hot call \
         must work inside the buffer it was given, keeping nothing new"
    );
}

#[wasm_bindgen_test]
fn javascript_reads_the_result_where_it_wrote_the_input() {
    let mut signal = Signal::new(8);
    let ptr = signal.ptr();
    // The address of the Vec instead of its samples, told before JavaScript
    // writes through it: it would overwrite the Vec's pointer, capacity and
    // length, and the tests after it would fail or hang in broken memory.
    let header = &signal as *const Signal as usize;
    assert!(
        !(header..header + core::mem::size_of_val(&signal)).contains(&ptr),
        "ptr() returned {ptr}, an address inside the Signal itself ({} bytes at {header}): that is where its \
         Vec keeps its pointer, capacity and length, not the samples. JavaScript writing there would overwrite \
         them. Return the address of the first sample: the Vec's as_ptr()",
        core::mem::size_of_val(&signal)
    );
    assert_eq!(
        ptr % 8,
        0,
        "ptr() returned {ptr}, not a multiple of 8: the first f64 sample's address always is (a Float64Array \
         view cannot even start there). Return the address of the first sample: the Vec's as_ptr()"
    );
    set_samples(&memory(), ptr, &js_sys::Float64Array::from(&[4.0, 8.0, 6.0, 2.0, 10.0][..]));
    signal.normalize(5);
    assert_eq!(signal.ptr(), ptr, "the samples must stay where JavaScript wrote them");
    assert_eq!(
        read_samples(&memory(), ptr, 5).to_vec(),
        vec![0.25, 0.75, 0.5, 0.0, 1.0],
        "JavaScript wrote [4, 8, 6, 2, 10] through a view at ptr(); after normalize(5) a view at the same \
         address must show (x - 2) / (10 - 2) for each: the result lives where the input was"
    );
    assert_eq!(read_samples(&memory(), ptr + 5 * 8, 3).to_vec(), vec![0.0; 3], "samples past len stay untouched");
}

#[wasm_bindgen_test]
fn empty_single_constant_and_odd_batches() {
    let mut signal = Signal::new(16);
    let ptr = signal.ptr();
    set_samples(&memory(), ptr, &js_sys::Float64Array::from(&[4.0, 8.0][..]));
    signal.normalize(0);
    assert_eq!(
        read_samples(&memory(), ptr, 2).to_vec(),
        vec![4.0, 8.0],
        "{}",
        // A buffer moved away reads as garbage at the old address: that is
        // the cause to name, not the zero.
        match signal.ptr() {
            now if now != ptr => format!(
                "the samples moved: ptr() was {ptr} before normalize(0) and is {now} after, so normalize \
                 replaced self.samples (a new Vec, collect(), a drain) and JavaScript's view at the old \
                 address now reads freed memory. Rescale the samples in place, in the buffer they are in"
            ),
            _ => "normalize(0) rescales no sample: the samples JavaScript wrote must stay as they were".into(),
        }
    );
    for (input, expected) in [
        (vec![5.0], vec![0.0]),
        (vec![2.0, 2.0, 2.0], vec![0.0, 0.0, 0.0]),
        (vec![1.0, 3.0, 2.0], vec![0.0, 1.0, 0.5]),
        (vec![-1.0, 1.0, 0.0, 0.5, -0.5, 1.0, -1.0], vec![0.0, 1.0, 0.5, 0.75, 0.25, 1.0, 0.0]),
    ] {
        set_samples(&memory(), ptr, &js_sys::Float64Array::from(&input[..]));
        signal.normalize(input.len());
        assert_eq!(
            read_samples(&memory(), ptr, input.len()).to_vec(),
            expected,
            "normalize of {input:?}: (x - min) / (max - min), and 0 for every sample when all are equal"
        );
    }
}

#[wasm_bindgen_test]
fn normalize_computes_the_documented_f64_arithmetic() {
    // Samples whose rescaled values are not exact in binary: f32 arithmetic,
    // or multiplying by 1 / (max - min) instead of dividing, rounds some of
    // them to another f64 than (x - min) / (max - min) does.
    let samples: Vec<f64> = (0..1000).map(|i| (f64::from(i) * 0.7).sin() * 1000.0 + 0.1).collect();
    let mut signal = Signal::new(samples.len());
    let ptr = signal.ptr();
    set_samples(&memory(), ptr, &js_sys::Float64Array::from(&samples[..]));
    signal.normalize(samples.len());
    let got = read_samples(&memory(), ptr, samples.len()).to_vec();
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (i, (&x, &got)) in samples.iter().zip(&got).enumerate() {
        let expected = (x - min) / (max - min);
        if got != expected {
            let how = if got == f64::from((x as f32 - min as f32) / (max as f32 - min as f32)) {
                "that is the f32 result: compute in f64, the samples' own type"
            } else if got == (x - min) * (1.0 / (max - min)) {
                "that is (x - min) × (1 / (max - min)), which rounds differently: divide by (max - min)"
            } else {
                "compute (x - min) / (max - min) in f64, as written"
            };
            panic!(
                "sample {i}: normalize turned {x} into {got}, but README.md's (x - min) / (max - min) in f64 is \
                 {expected} (min {min}, max {max}): {how}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn a_javascript_array_passed_by_value_is_copied_in() {
    let count = 100_000;
    let (values, Measured { allocations, bytes, .. }) = measure(|| javascript_array(count));
    assert_eq!(values.len(), count);
    assert!(
        allocations >= 1 && bytes >= count * 8,
        "handing a JavaScript array to WASM by value makes the glue allocate room in linear memory and \
         copy every element: {count} f64 should cost at least {} bytes, measured {bytes} in {allocations} \
         allocation(s). That copy is what writing through a view at the module's pointer avoids",
        count * 8
    );
}
