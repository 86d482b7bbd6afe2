//! Exercise 05 — avoiding copies.
//!
//! JavaScript writes its data straight into a buffer the module owns,
//! through a view at the address the module exposes; the module works on it
//! in place; JavaScript reads the result through a view at the same address.
//! The data is never copied across the boundary, and the hot call allocates
//! nothing. Read README.md first, then replace every `todo!()`.
//!
//! Run the tests with `cargo run -p grader -- run avoiding_copies`.

use wasm_bindgen::prelude::*;

/// Samples in linear memory, shared with JavaScript.
#[wasm_bindgen]
pub struct Signal {
    samples: Vec<f64>,
}

#[wasm_bindgen]
impl Signal {
    /// Room for `capacity` samples, allocated once, here — never in the hot call.
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: usize) -> Signal {
        Signal { samples: vec![0.0; capacity] }
    }

    /// Address of the first sample: JavaScript's `byteOffset` for its views.
    pub fn ptr(&self) -> usize {
        todo!("return the address of the first sample")
    }

    pub fn capacity(&self) -> usize {
        self.samples.len()
    }

    /// The hot call: rescales the first `len` samples in place to 0..=1,
    /// `(x - min) / (max - min)`; if they are all equal they become 0.
    pub fn normalize(&mut self, len: usize) {
        // TODO: work on `self.samples[..len]` where it is: find min and max,
        // then rescale each sample in place. No Vec, no collect(), no
        // to_vec(): the test counts every allocation.
        let _ = len;
        todo!("rescale the first len samples in place, allocating nothing")
    }
}
