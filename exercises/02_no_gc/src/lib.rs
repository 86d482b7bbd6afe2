//! Exercise 02 — no garbage collection.
//!
//! Linear memory has no garbage collector. Memory the module hands to
//! JavaScript stays allocated until JavaScript hands it back: `alloc` and
//! `free` are the lesson's `Module._malloc` and `Module._free`, and a
//! `Histogram` that Rust returns to JavaScript lives in linear memory until
//! JavaScript calls its `free()`. Read README.md first, then replace every
//! `todo!()` here and finish `page.js`.
//!
//! Run the tests with `cargo run -p grader -- run no_gc`.

use wasm_bindgen::prelude::*;

/// The lesson's `Module._malloc`: room for `len` bytes in linear memory,
/// owned by JavaScript from now on, until it calls `free(ptr, len)`.
#[wasm_bindgen]
pub fn alloc(len: usize) -> *mut u8 {
    // TODO: allocate `len` bytes and give up Rust's ownership of them, so
    // that nothing frees them when this function returns. Return their
    // address.
    let _ = len;
    todo!("allocate len bytes that stay allocated after alloc returns")
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
    // TODO: take ownership back — rebuild what `alloc` gave away, with the
    // same length — and let Rust drop it.
    let _ = (ptr, len);
    todo!("take back the block alloc handed out and release it")
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
        // TODO: look at the bytes without taking ownership of them, and add
        // one to `self.counts[byte]` for each.
        let _ = (ptr, len);
        todo!("count the bytes at ptr without freeing them")
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
