//! Exercise 02 — no garbage collection (reference solution).
//!
//! Linear memory has no garbage collector. Memory the module hands to
//! JavaScript stays allocated until JavaScript hands it back: `alloc` and
//! `free` are the lesson's `Module._malloc` and `Module._free`, and a
//! `Histogram` that Rust returns to JavaScript lives in linear memory until
//! JavaScript calls its `free()`.

use wasm_bindgen::prelude::*;

/// The lesson's `Module._malloc`: room for `len` zeroed bytes in linear
/// memory, owned by JavaScript from now on, until it calls `free(ptr, len)`.
#[wasm_bindgen]
pub fn alloc(len: usize) -> *mut u8 {
    // A boxed slice is exactly `len` bytes. `into_raw` gives up Rust's
    // ownership: nothing frees the bytes when this function returns.
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>()
}

/// The lesson's `Module._free`: takes back the `len` bytes at `ptr` that
/// `alloc(len)` handed out, and releases them.
///
/// # Safety
///
/// `ptr` and `len` must come from one call of `alloc(len)`, and be freed
/// once: the bytes are gone afterwards.
#[wasm_bindgen]
pub unsafe fn free(ptr: *mut u8, len: usize) {
    // Rust's allocator needs the size back (C's malloc keeps it in a header
    // instead): rebuild the Box that `alloc` gave away, and drop it.
    let bytes = core::ptr::slice_from_raw_parts_mut(ptr, len);
    drop(unsafe { Box::from_raw(bytes) });
}

/// How many times each byte value occurs. JavaScript gets it as an object
/// that lives in linear memory until its `free()` is called.
#[wasm_bindgen]
pub struct Histogram {
    counts: Vec<u32>,
}

#[wasm_bindgen]
impl Histogram {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Histogram {
        Histogram { counts: vec![0; 256] }
    }

    /// Counts the `len` bytes at `ptr` (memory from `alloc` that JavaScript
    /// filled). It only reads them: JavaScript still owns them, and frees them.
    ///
    /// # Safety
    ///
    /// `ptr .. ptr + len` must be allocated, e.g. by `alloc(len)`.
    pub unsafe fn add(&mut self, ptr: *const u8, len: usize) {
        // A borrowed slice, not a Box: dropping it frees nothing.
        let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
        for &byte in bytes {
            self.counts[usize::from(byte)] += 1;
        }
    }

    /// How many of the bytes counted so far equal `level`.
    pub fn count(&self, level: u8) -> u32 {
        self.counts[usize::from(level)]
    }

    /// The byte value counted most often (the lowest one on a tie).
    pub fn most_common(&self) -> u8 {
        let mut best = 0;
        for level in 1..self.counts.len() {
            if self.counts[level] > self.counts[best] {
                best = level;
            }
        }
        best as u8
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}
