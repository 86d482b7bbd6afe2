//! Exercise 05 — avoiding copies (reference solution).
//!
//! JavaScript writes its data straight into a buffer the module owns,
//! through a view at the address the module exposes; the module works on it
//! in place; JavaScript reads the result through a view at the same address.
//! The data is never copied across the boundary, and the hot call allocates
//! nothing.

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
        self.samples.as_ptr() as usize
    }

    pub fn capacity(&self) -> usize {
        self.samples.len()
    }

    /// The hot call: rescales the first `len` samples in place to 0..=1,
    /// `(x - min) / (max - min)`; if they are all equal they become 0.
    pub fn normalize(&mut self, len: usize) {
        let len = len.min(self.samples.len());
        let samples = &mut self.samples[..len];
        // Two passes over the same memory and no temporary buffer: min and
        // max first, then rescale where the values already are.
        let (min, max) = samples.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let range = max - min;
        for x in samples.iter_mut() {
            *x = if range > 0.0 { (*x - min) / range } else { 0.0 };
        }
    }
}
