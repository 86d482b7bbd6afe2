//! Tests for exercise 04. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! The crossings are counted in JavaScript, both ways:
//! - JS → WASM: the page (`page.js`, the crate's own) receives the module's
//!   exports with each function wrapped to count its calls;
//! - WASM → JS: the module's imports, `BatchingHost.receive_results` and
//!   `BatchingHost.receive_result`, are installed here and count their calls.
//!
//! A counting global allocator (the crate cannot opt out of it) shows
//! whether `process_batch` works where the items are or on a copy.

use batching::transform;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::alloc::{GlobalAlloc, Layout, System};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Counts every allocation and reallocation in WASM memory.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: CountingAllocator = CountingAllocator;

#[wasm_bindgen(inline_js = r#"
const host = { calls: 0, results: [], ptr: 0, len: 0 };
globalThis.BatchingHost = {
    receive_results(ptr, len) {
        host.calls++;
        host.ptr = ptr >>> 0;
        host.len = len >>> 0;
        // A length that runs past the end of memory is told by the tests,
        // not thrown here (through the module, with its buffer borrowed).
        if (host.ptr + host.len * 8 > globalThis.BatchingHost.memory.buffer.byteLength) return;
        // Read the results where the module left them: a view, no copy.
        const view = new Float64Array(globalThis.BatchingHost.memory.buffer, ptr >>> 0, len >>> 0);
        for (let i = 0; i < view.length; i++) host.results.push(view[i]);
    },
    receive_result(index, value) {
        host.calls++;
        host.results[index >>> 0] = value;
    },
};
let exportCalls = 0;
export function reset_host(memory) {
    globalThis.BatchingHost.memory = memory;
    host.calls = 0;
    host.results = [];
    host.ptr = 0;
    host.len = 0;
    exportCalls = 0;
}
// The exports object is frozen, so the page gets a copy whose functions
// count their calls before calling the real export.
export function counting(exports) {
    const wrapped = {};
    for (const [name, value] of Object.entries(exports)) {
        wrapped[name] = typeof value !== "function"
            ? value
            : (...args) => { exportCalls++; return value(...args); };
    }
    return wrapped;
}
export function export_calls() { return exportCalls; }
// More items than the whole of memory holds right now, made in JavaScript
// (so that making them does not change WASM memory): input_buffer cannot
// find room for them without growing memory.
export function items_larger_than_memory(memory) {
    const count = memory.buffer.byteLength / 8 + 65536;
    return Float64Array.from({ length: count }, (_, i) => (i % 1000) * 0.5 - 100);
}
export function buffer_bytes(memory) { return memory.buffer.byteLength; }
export function import_calls() { return host.calls; }
export function host_results() { return Float64Array.from(host.results); }
export function results_ptr() { return host.ptr; }
export function results_len() { return host.len; }
// The module's exports with the work taken out: process_batch hands the
// batch back as it lies in memory and process_item its item, each through
// the same BatchingHost call, so what arrives is what the page wrote.
export function passing_through(exports) {
    const module = counting(exports);
    let batch = 0;
    module.input_buffer = (len) => (batch = exports.input_buffer(len));
    module.process_batch = (len) => globalThis.BatchingHost.receive_results(batch, len);
    module.process_item = (index, x) => globalThis.BatchingHost.receive_result(index, x);
    return module;
}
"#)]
extern "C" {
    fn reset_host(memory: &JsValue);
    fn counting(exports: &JsValue) -> JsValue;
    fn export_calls() -> u32;
    fn items_larger_than_memory(memory: &JsValue) -> js_sys::Float64Array;
    fn buffer_bytes(memory: &JsValue) -> usize;
    fn import_calls() -> u32;
    fn host_results() -> Vec<f64>;
    fn results_ptr() -> usize;
    fn results_len() -> usize;
    fn passing_through(exports: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/page.js")]
extern "C" {
    /// The crate's own page code: how JavaScript hands a batch to the
    /// module. Caught, so that what it throws is explained.
    #[wasm_bindgen(js_name = processAll, catch)]
    fn try_process_all(wasm: &JsValue, memory: &JsValue, items: &js_sys::Float64Array) -> Result<(), JsValue>;
}

/// What to say when page.js threw `error`, with its likely cause when the
/// error shows one.
fn page_threw(error: &JsValue) -> String {
    let text = error.as_string().unwrap_or_else(|| String::from(js_sys::Error::from(error.clone()).to_string()));
    if text.contains("offset is out of bounds") {
        format!(
            "page.js threw {text}: input_buffer returns a byte address, but the offset of a Float64Array's \
             set(items, offset) counts f64 elements, so set(items, ptr) on a view of all of memory writes 8 times \
             further than the module's buffer, past the end of memory. Make the view at the address — new \
             Float64Array(memory.buffer, ptr, items.length).set(items) — or pass ptr / 8"
        )
    } else {
        format!("page.js threw {text}")
    }
}

/// Runs `page.js` on `items` and returns (results, JS→WASM calls, WASM→JS calls).
fn run_page(items: &[f64]) -> (Vec<f64>, u32, u32) {
    reset_host(&wasm_bindgen::memory());
    let exports = counting(&wasm_bindgen::exports());
    // A JavaScript-owned copy, like a page's data (a `&[f64]` argument would
    // be a view into WASM memory, detached as soon as memory grows).
    let items = js_sys::Float64Array::from(items);
    // Room for twice the batch, allocated and freed: input_buffer then finds
    // room without growing memory, so that only the test written for it
    // grows memory under the page.
    drop(std::hint::black_box(Vec::<f64>::with_capacity(2 * items.length() as usize)));
    if let Err(error) = try_process_all(&exports, &wasm_bindgen::memory(), &items) {
        panic!("{}", page_threw(&error));
    }
    (host_results(), export_calls(), import_calls())
}

fn expected(items: &[f64]) -> Vec<f64> {
    items.iter().copied().map(transform).collect()
}

#[wasm_bindgen_test]
fn a_batch_of_100000_items_crosses_into_wasm_once() {
    let items: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.001).collect();
    let (_, export_calls, _) = run_page(&items);
    assert!(
        export_calls <= 2,
        "page.js made {export_calls} calls into the module for 100,000 items. Batch them: one call \
         to get the buffer's address (input_buffer), one Float64Array.set to write every item, and \
         ONE call of process_batch — at most 2 crossings per batch, whatever its size"
    );
}

#[wasm_bindgen_test]
fn a_batch_of_100000_results_crosses_back_to_javascript_once() {
    let items: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.001).collect();
    let (_, _, import_calls) = run_page(&items);
    assert_eq!(
        import_calls, 1,
        "the module called into JavaScript {import_calls} times to hand over 100,000 results. \
         Leave the results in linear memory and make ONE call of BatchingHost.receive_results(ptr, len); \
         JavaScript reads them all through one view"
    );
}

#[wasm_bindgen_test]
fn a_batch_of_100000_items_gives_every_result() {
    let items: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.001 - 50.0).collect();
    let (results, _, _) = run_page(&items);
    assert_eq!(results.len(), items.len(), "every item must produce exactly one result");
    let want = expected(&items);
    if let Some(i) = (0..items.len()).find(|&i| results[i] != want[i]) {
        panic!("item {i}: transform({}) = {}, but JavaScript received {}", items[i], want[i], results[i]);
    }
}

#[wasm_bindgen_test]
fn single_and_odd_length_batches_are_right() {
    for items in [vec![3.0], vec![-1.5, 0.0, 2.5], vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]] {
        let (results, export_calls, import_calls) = run_page(&items);
        assert_eq!(results, expected(&items), "a batch of {} item(s) must give transform of each", items.len());
        assert!(
            export_calls <= 2 && import_calls == 1,
            "a batch of {} item(s) took {export_calls} call(s) in and {import_calls} out; \
             batching means the same 2 in and 1 out for any size",
            items.len()
        );
    }
}

#[wasm_bindgen_test]
fn an_empty_batch_gives_no_results_and_needs_no_more_calls() {
    let (results, export_calls, import_calls) = run_page(&[]);
    assert!(results.is_empty(), "no items, no results: got {results:?}");
    assert!(
        export_calls <= 2 && import_calls <= 1,
        "an empty batch took {export_calls} call(s) in and {import_calls} out; at most 2 and 1"
    );
}

#[wasm_bindgen_test]
fn consecutive_batches_do_not_mix() {
    let first: Vec<f64> = (0..1000).map(f64::from).collect();
    run_page(&first);
    let second = vec![10.0, 20.0];
    let (results, _, _) = run_page(&second);
    assert_eq!(
        results,
        expected(&second),
        "a second, smaller batch must give only its own results: process exactly `len` items"
    );
}

#[wasm_bindgen_test]
fn a_batch_for_which_input_buffer_grows_memory_arrives_whole() {
    let memory = wasm_bindgen::memory();
    reset_host(&memory);
    let items = items_larger_than_memory(&memory);
    let count = items.length() as usize;
    let before = buffer_bytes(&memory);
    let thrown = try_process_all(&counting(&wasm_bindgen::exports()), &memory, &items).err();
    let after = buffer_bytes(&memory);
    // Any input_buffer with room for the batch has to grow memory here; a page
    // that never calls it (one call per item) leaves memory as it was.
    let grew = after > before;
    let situation = if grew {
        format!(
            "a batch of {count} items ({} bytes) is more than all of memory ({before} bytes), so input_buffer had \
             to grow memory, to {after} bytes. memory.grow detaches every view made before it: a Float64Array \
             made before input_buffer has length 0 afterwards",
            count * 8
        )
    } else {
        format!("a batch of {count} items ({} bytes), more than all of memory ({before} bytes)", count * 8)
    };
    if let Some(error) = thrown {
        let told = page_threw(&error);
        if told.contains("a byte address") {
            panic!("{told}");
        }
        let advice = if grew { ", and using it throws. Make the view after input_buffer returns" } else { "" };
        panic!(
            "page.js threw {}: {situation}{advice}",
            error.as_string().unwrap_or_else(|| String::from(js_sys::Error::from(error).to_string()))
        );
    }
    let items = items.to_vec();
    let results = host_results();
    let want = expected(&items);
    assert_eq!(results.len(), want.len(), "{situation}. Every item must produce exactly one result");
    if let Some(i) = (0..want.len()).find(|&i| results[i] != want[i]) {
        let advice = if grew {
            ", and writing through it does nothing, so the items never reached the module's buffer. Make the \
             view after input_buffer returns"
        } else {
            ""
        };
        panic!(
            "item {i}: transform({}) = {}, but JavaScript received {}: {situation}{advice}",
            items[i], want[i], results[i]
        );
    }
}

#[wasm_bindgen_test]
fn the_results_are_the_modules_work_not_the_pages() {
    // With a module that transforms nothing, a page that only moves the
    // data gets its items back as they were.
    let items: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.5 - 100.0).collect();
    let memory = wasm_bindgen::memory();
    reset_host(&memory);
    let items_js = js_sys::Float64Array::from(&items[..]);
    if let Err(error) = try_process_all(&passing_through(&wasm_bindgen::exports()), &memory, &items_js) {
        panic!("{}", page_threw(&error));
    }
    let results = host_results();
    assert_eq!(results.len(), items.len(), "every item must reach the module, and through it BatchingHost");
    if let Some(i) = (0..items.len()).find(|&i| results[i] != items[i]) {
        panic!(
            "page.js was handed a module whose process_batch and process_item hand every item back unchanged, \
             and item {i} came back as {} instead of {}: the page changed the items itself. The work belongs to \
             the module: write the items as they are with one Float64Array.set, and let Rust's process_batch \
             transform them and hand them to BatchingHost.receive_results",
            results[i], items[i]
        );
    }
}

#[wasm_bindgen_test]
fn process_batch_transforms_the_items_where_they_are() {
    // The module's half alone, called as the page calls it: the items
    // written at input_buffer's address, then process_batch.
    let items: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.25 - 50.0).collect();
    reset_host(&wasm_bindgen::memory());
    let ptr = batching::input_buffer(items.len());
    // SAFETY: input_buffer returns room for `items.len()` f64 items.
    unsafe { std::slice::from_raw_parts_mut(ptr, items.len()) }.copy_from_slice(&items);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    batching::process_batch(items.len());
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(
        import_calls(),
        1,
        "process_batch of 1,000 items called into JavaScript {} times: it hands the whole batch over with one \
         BatchingHost.receive_results(ptr, len)",
        import_calls()
    );
    let handed = results_ptr();
    assert_eq!(
        handed, ptr as usize,
        "process_batch handed BatchingHost.receive_results the address {handed}, but the items are at {} \
         (input_buffer's address): process_batch applies transform to each item in place and hands over the \
         address where they were written — not a new buffer of results",
        ptr as usize
    );
    let len = results_len();
    assert_eq!(
        len,
        items.len(),
        "process_batch of 1,000 items called BatchingHost.receive_results(ptr, {len}): len is the number of f64 \
         results, which JavaScript reads as new Float64Array(memory.buffer, ptr, len) — not the bytes they take"
    );
    assert_eq!(
        allocations, 0,
        "process_batch of 1,000 items made {allocations} allocation(s): transforming the items in place needs \
         none — change each one where it is (iter_mut) instead of collecting the results into a new Vec"
    );
    assert_eq!(host_results(), expected(&items), "every result is transform of its item");
}

#[wasm_bindgen_test]
fn input_buffer_keeps_one_buffer_for_every_batch() {
    // The module's buffer, resized: once it has held 1,000 items, a batch of
    // 1,000 or of 10 fits in it as it is.
    let first = batching::input_buffer(1000);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let again = batching::input_buffer(1000);
    let smaller = batching::input_buffer(10);
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) - before;
    assert_eq!(
        allocations, 0,
        "after input_buffer(1000), input_buffer(1000) and input_buffer(10) made {allocations} allocation(s): both \
         batches fit in the room the module's buffer already has. input_buffer must resize the module's one buffer \
         (BATCH.resize(len, ..)) and return its address — a new Vec per batch allocates on every batch, and one \
         forgotten (mem::forget, Box::leak) is never freed, in a memory that never shrinks"
    );
    assert_eq!(
        (again as usize, smaller as usize),
        (first as usize, first as usize),
        "input_buffer(1000), input_buffer(1000) again and input_buffer(10) returned three addresses: a batch that \
         fits in the module's buffer is written where the last one was — resize the module's one buffer"
    );
}
