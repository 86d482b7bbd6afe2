//! Exercise 04 — batching JS↔WASM calls.
//!
//! Every call between JavaScript and WebAssembly costs far more than the
//! arithmetic of one item. The page hands the module a whole batch through
//! linear memory and one export call; the module hands all results back
//! through one import call. Read README.md first, then replace every
//! `todo!()` here and the per-item loop in `page.js`.
//!
//! Run the tests with `cargo run -p grader -- run batching`.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The page's receiver for a whole batch of results (one crossing).
    #[wasm_bindgen(js_namespace = BatchingHost)]
    fn receive_results(ptr: *const f64, len: usize);

    /// The page's receiver for one result (one crossing per item).
    #[wasm_bindgen(js_namespace = BatchingHost)]
    fn receive_result(index: usize, value: f64);
}

/// The work done for each item.
pub fn transform(x: f64) -> f64 {
    x * x + 1.0
}

/// The lesson's slow pattern, kept for comparison: JavaScript calls this
/// once per item, and it answers with one import call per item.
#[wasm_bindgen]
pub fn process_item(index: usize, x: f64) {
    receive_result(index, transform(x));
}

thread_local! {
    /// The batch buffer the module owns; JavaScript writes into it.
    static BATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Room for `len` items in the module's buffer: JavaScript writes the whole
/// batch at the returned address with one `Float64Array.set`.
#[wasm_bindgen]
pub fn input_buffer(len: usize) -> *mut f64 {
    // TODO: make BATCH hold `len` items and return the address of the first.
    let _ = len;
    todo!("return the address of room for len f64 items in the module's buffer")
}

/// Transforms the first `len` items of the buffer in place and hands all the
/// results to `BatchingHost.receive_results` in one call.
#[wasm_bindgen]
pub fn process_batch(len: usize) {
    // TODO: apply `transform` to each item in place, then make ONE call of
    // `receive_results(ptr, len)` — not `receive_result` per item.
    let _ = len;
    // The one call that hands the whole batch to JavaScript (named here so
    // that the shipped module already imports it: a graded submission may
    // call only what the shipped exercise imports).
    let _hand_over: fn(*const f64, usize) = receive_results;
    todo!("transform the batch in place and hand it over with one receive_results call")
}
