//! Exercise 01 — typed views over linear memory.
//!
//! A WebAssembly module has one linear memory: a flat array of bytes that
//! JavaScript sees as `memory.buffer` and reads through typed views
//! (`Uint8Array`, `Int32Array`, `Float64Array`, `DataView`). This crate owns a
//! region of that memory, an [`Arena`], and lets both sides read and write the
//! same bytes. Read README.md first, then replace every `todo!()`.
//!
//! Run the tests with `cargo run -p grader -- run typed_views`.

use core::fmt;
use js_sys::Float64Array;
use wasm_bindgen::prelude::*;

/// WebAssembly memory grows in pages of 64 KiB.
pub const PAGE_SIZE: usize = 64 * 1024;

/// Why a typed access was refused. Returned instead of reading garbage or
/// invoking undefined behaviour; JavaScript receives it as a thrown `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewError {
    /// `offset .. offset + size` does not fit in the arena's `len` bytes.
    OutOfBounds { offset: usize, size: usize, len: usize },
    /// The absolute address is not a multiple of the value's alignment.
    Misaligned { address: usize, align: usize },
    /// `memory.grow` refused to add `pages` pages.
    GrowFailed { pages: usize },
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ViewError::OutOfBounds { offset, size, len } => {
                write!(f, "out of bounds: {size} bytes at offset {offset} do not fit in an arena of {len} bytes")
            }
            ViewError::Misaligned { address, align } => {
                write!(f, "misaligned: address {address} is not a multiple of {align}")
            }
            ViewError::GrowFailed { pages } => {
                write!(f, "memory.grow refused {pages} more pages")
            }
        }
    }
}

impl From<ViewError> for JsValue {
    fn from(error: ViewError) -> JsValue {
        JsError::new(&error.to_string()).into()
    }
}

/// A region of linear memory owned by the module and shared with JavaScript.
#[wasm_bindgen]
pub struct Arena {
    /// Stored as `u64` words so the first byte sits on an 8-byte boundary:
    /// every f64 slot at an offset that is a multiple of 8 is then aligned.
    words: Vec<u64>,
    len: usize,
    /// Room to keep the view `f64_view` hands out (use it, or drop it).
    #[allow(dead_code)] // until f64_view is written
    view: Option<Float64Array>,
}

#[wasm_bindgen]
impl Arena {
    /// An arena of `len` zeroed bytes (rounded up to whole f64 slots).
    #[wasm_bindgen(constructor)]
    pub fn new(len: usize) -> Arena {
        let len = len.div_ceil(8) * 8;
        Arena { words: vec![0; len / 8], len, view: None }
    }

    /// The address of the arena's first byte in linear memory: the
    /// `byteOffset` JavaScript passes to `new Uint8Array(memory.buffer, ...)`.
    pub fn ptr(&self) -> usize {
        // TODO: a pointer *is* an address in linear memory on wasm32.
        todo!("return the address of the arena's first byte")
    }

    /// The arena's length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the arena has no bytes at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Stores `value` at `offset` as 4 little-endian bytes.
    ///
    /// Check the bounds first (`offset + 4` must not overflow nor pass
    /// `len`), then the alignment of the absolute address `ptr() + offset`.
    pub fn write_i32(&mut self, offset: usize, value: i32) -> Result<(), ViewError> {
        // TODO: refuse out-of-bounds and misaligned offsets, then write the
        // four bytes in WebAssembly's byte order.
        let _ = (offset, value);
        todo!("store an i32 as 4 little-endian bytes")
    }

    /// Loads the i32 stored at `offset` (same checks as `write_i32`).
    pub fn read_i32(&self, offset: usize) -> Result<i32, ViewError> {
        // TODO
        let _ = offset;
        todo!("load an i32 from 4 little-endian bytes")
    }

    /// Stores `value` at `offset` as 8 little-endian bytes (IEEE 754).
    pub fn write_f64(&mut self, offset: usize, value: f64) -> Result<(), ViewError> {
        // TODO: as write_i32, with an 8-byte size and alignment.
        let _ = (offset, value);
        todo!("store an f64 as 8 little-endian bytes")
    }

    /// Loads the f64 stored at `offset`.
    pub fn read_f64(&self, offset: usize) -> Result<f64, ViewError> {
        // TODO
        let _ = offset;
        todo!("load an f64 from 8 little-endian bytes")
    }

    /// A `Float64Array` over the arena's bytes, valid now — even if memory
    /// has grown since the last call.
    pub fn f64_view(&mut self) -> Float64Array {
        // TODO: build the view from `wasm_bindgen::memory()` (a
        // `js_sys::WebAssembly::Memory`), its `buffer()`, `ptr()` and the
        // number of f64 slots. Growth detaches old views: a view you keep
        // in `self.view` must be re-made once its `byte_length()` is 0.
        todo!("return a Float64Array over the arena that survives memory growth")
    }
}

impl Arena {
    /// The arena's bytes, for Rust callers.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `words` owns at least `len` initialised bytes, and u8 has
        // no alignment requirement.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }

    /// The arena's bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes the borrow unique.
        unsafe { core::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), self.len) }
    }
}

/// The current size of linear memory, in 64 KiB pages.
#[wasm_bindgen]
pub fn memory_pages() -> usize {
    // TODO: core::arch::wasm32 has an intrinsic for this (memory index 0).
    todo!("return the size of linear memory in pages")
}

/// Grows linear memory by `pages` pages and returns the size it had before.
#[wasm_bindgen]
pub fn grow_memory(pages: usize) -> Result<usize, ViewError> {
    // TODO: the intrinsic returns usize::MAX when the engine refuses.
    let _ = pages;
    todo!("grow linear memory and return the previous size in pages")
}
