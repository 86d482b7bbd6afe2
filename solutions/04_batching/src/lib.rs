//! Exercise 04 — batching JS↔WASM calls (reference solution).
//!
//! Every call between JavaScript and WebAssembly costs far more than the
//! arithmetic of one item. The page hands the module a whole batch through
//! linear memory and one export call; the module hands all results back
//! through one import call.

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
    BATCH.with_borrow_mut(|batch| {
        batch.resize(len, 0.0);
        batch.as_mut_ptr()
    })
}

/// Transforms the first `len` items of the buffer in place and hands all the
/// results to `BatchingHost.receive_results` in one call.
#[wasm_bindgen]
pub fn process_batch(len: usize) {
    BATCH.with_borrow_mut(|batch| {
        let len = len.min(batch.len());
        for x in &mut batch[..len] {
            *x = transform(*x);
        }
        receive_results(batch.as_ptr(), len);
    });
}
