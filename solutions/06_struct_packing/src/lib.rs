//! Exercise 06 — struct packing (reference solution).
//!
//! The lesson's C structs in Rust. The same three fields — `a: u8`,
//! `b: f64`, `c: u8` — cost 24, 16 or 10 bytes depending on field order and
//! packing, and JavaScript can only read an array of records if it knows the
//! exact stride and offsets.

use wasm_bindgen::prelude::*;

/// Declaration order, C layout: 1 + 7 padding + 8 + 1 + 7 tail padding = 24.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BadRecord {
    pub a: u8,
    pub b: f64,
    pub c: u8,
}

/// Largest field first, C layout: 8 + 1 + 1 + 6 tail padding = 16. The
/// tail padding stays because an array element must start 8-aligned.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReorderedRecord {
    pub b: f64,
    pub a: u8,
    pub c: u8,
}

/// Reordered and packed, like the lesson's `#pragma pack(1)`: 10 bytes,
/// alignment 1. `b` may sit at any address, so Rust forbids `&record.b`:
/// read it by value (`{ record.b }`) instead.
#[repr(C, packed)]
#[derive(Debug, Clone, Copy)]
pub struct PackedRecord {
    pub b: f64,
    pub a: u8,
    pub c: u8,
}

/// The layout JavaScript reads with a `DataView`: record `i` starts at
/// `ptr + i * RECORD_STRIDE`; fields at these byte offsets, little-endian.
pub const RECORD_STRIDE: usize = core::mem::size_of::<PackedRecord>();
pub const OFFSET_B: usize = core::mem::offset_of!(PackedRecord, b);
pub const OFFSET_A: usize = core::mem::offset_of!(PackedRecord, a);
pub const OFFSET_C: usize = core::mem::offset_of!(PackedRecord, c);

/// The layout, exported for JavaScript: `[stride, offset_b, offset_a, offset_c]`.
#[wasm_bindgen]
pub fn record_layout() -> Vec<u32> {
    [RECORD_STRIDE, OFFSET_B, OFFSET_A, OFFSET_C].map(|n| n as u32).to_vec()
}

/// An array of packed records in linear memory, shared with JavaScript.
#[wasm_bindgen]
#[derive(Default)]
pub struct RecordTable {
    records: Vec<PackedRecord>,
}

#[wasm_bindgen]
impl RecordTable {
    #[wasm_bindgen(constructor)]
    pub fn new() -> RecordTable {
        RecordTable::default()
    }

    /// Room for `capacity` records without reallocating (a reallocation
    /// moves the records and invalidates `ptr()`).
    pub fn with_capacity(capacity: usize) -> RecordTable {
        RecordTable { records: Vec::with_capacity(capacity) }
    }

    pub fn push(&mut self, a: u8, b: f64, c: u8) {
        self.records.push(PackedRecord { b, a, c });
    }

    /// Appends `count` zeroed records for JavaScript to fill in place.
    pub fn push_zeroed(&mut self, count: usize) {
        self.records.resize(self.records.len() + count, PackedRecord { b: 0.0, a: 0, c: 0 });
    }

    /// Address of the first record in linear memory.
    pub fn ptr(&self) -> usize {
        self.records.as_ptr() as usize
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Bytes the records occupy: `len() * RECORD_STRIDE`.
    pub fn byte_len(&self) -> usize {
        core::mem::size_of_val(self.records.as_slice())
    }

    /// Field `b` of record `i` (copied out: never a reference into a packed struct).
    pub fn b(&self, i: usize) -> Option<f64> {
        self.records.get(i).map(|record| record.b)
    }

    pub fn a(&self, i: usize) -> Option<u8> {
        self.records.get(i).map(|record| record.a)
    }

    pub fn c(&self, i: usize) -> Option<u8> {
        self.records.get(i).map(|record| record.c)
    }

    /// Sum of every record's `b`.
    pub fn sum_b(&self) -> f64 {
        self.records.iter().map(|record| record.b).sum()
    }
}
