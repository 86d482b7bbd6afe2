//! Exercise 01 — typed views over linear memory (reference solution).
//!
//! A WebAssembly module has one linear memory: a flat array of bytes that
//! JavaScript sees as `memory.buffer` and reads through typed views
//! (`Uint8Array`, `Int32Array`, `Float64Array`, `DataView`). This crate owns a
//! region of that memory, an [`Arena`], and lets both sides read and write the
//! same bytes.

use core::fmt;
use js_sys::{Float64Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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
    /// The view handed out last; re-made when memory growth detaches it.
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
        self.words.as_ptr() as usize
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
    pub fn write_i32(&mut self, offset: usize, value: i32) -> Result<(), ViewError> {
        let range = self.checked_range(offset, 4)?;
        self.bytes_mut()[range].copy_from_slice(&value.to_le_bytes());
        Ok(())
    }

    /// Loads the i32 stored at `offset`.
    pub fn read_i32(&self, offset: usize) -> Result<i32, ViewError> {
        let range = self.checked_range(offset, 4)?;
        Ok(i32::from_le_bytes(self.bytes()[range].try_into().unwrap()))
    }

    /// Stores `value` at `offset` as 8 little-endian bytes (IEEE 754).
    pub fn write_f64(&mut self, offset: usize, value: f64) -> Result<(), ViewError> {
        let range = self.checked_range(offset, 8)?;
        self.bytes_mut()[range].copy_from_slice(&value.to_le_bytes());
        Ok(())
    }

    /// Loads the f64 stored at `offset`.
    pub fn read_f64(&self, offset: usize) -> Result<f64, ViewError> {
        let range = self.checked_range(offset, 8)?;
        Ok(f64::from_le_bytes(self.bytes()[range].try_into().unwrap()))
    }

    /// A `Float64Array` over the arena's bytes, valid now — even if memory
    /// has grown since the last call.
    pub fn f64_view(&mut self) -> Float64Array {
        // Growing memory replaces `memory.buffer`; the old buffer is detached
        // and every view on it reports length 0. Re-make the view then.
        let stale = match &self.view {
            Some(view) => view.byte_length() == 0 && self.len > 0,
            None => true,
        };
        if stale {
            let buffer = wasm_bindgen::memory().unchecked_into::<WebAssembly::Memory>().buffer();
            let view = Float64Array::new_with_byte_offset_and_length(&buffer, self.ptr() as u32, (self.len / 8) as u32);
            self.view = Some(view);
        }
        self.view.clone().unwrap()
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

    /// Checks bounds first (with overflow-safe arithmetic), then alignment of
    /// the absolute address, exactly as a typed view's constructor would.
    fn checked_range(&self, offset: usize, size: usize) -> Result<core::ops::Range<usize>, ViewError> {
        let end = offset.checked_add(size).filter(|&end| end <= self.len).ok_or(ViewError::OutOfBounds {
            offset,
            size,
            len: self.len,
        })?;
        let address = self.ptr() + offset;
        if address % size != 0 {
            return Err(ViewError::Misaligned { address, align: size });
        }
        Ok(offset..end)
    }
}

/// The current size of linear memory, in 64 KiB pages.
#[wasm_bindgen]
pub fn memory_pages() -> usize {
    core::arch::wasm32::memory_size(0)
}

/// Grows linear memory by `pages` pages and returns the size it had before.
#[wasm_bindgen]
pub fn grow_memory(pages: usize) -> Result<usize, ViewError> {
    match core::arch::wasm32::memory_grow(0, pages) {
        usize::MAX => Err(ViewError::GrowFailed { pages }),
        previous => Ok(previous),
    }
}
