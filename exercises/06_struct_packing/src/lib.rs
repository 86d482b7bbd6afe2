//! Exercise 06 — struct packing.
//!
//! The lesson's C structs in Rust. The same three fields — `a: u8`,
//! `b: f64`, `c: u8` — cost 24, 16 or 10 bytes depending on field order and
//! packing, and JavaScript can only read an array of records if it knows the
//! exact stride and offsets. Read README.md first, then fix the two record
//! layouts and replace every `todo!()`.
//!
//! Run the tests with `cargo run -p grader -- run struct_packing`.

use wasm_bindgen::prelude::*;

/// Declaration order, C layout: 1 + 7 padding + 8 + 1 + 7 tail padding = 24.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BadRecord {
    pub a: u8,
    pub b: f64,
    pub c: u8,
}

/// TODO: the same fields, largest first, still `#[repr(C)]`: 16 bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReorderedRecord {
    pub a: u8,
    pub b: f64,
    pub c: u8,
}

/// TODO: reordered *and* packed, like the lesson's `#pragma pack(1)`:
/// 10 bytes, alignment 1, `b` at offset 0, `a` at 8, `c` at 9. Once packed,
/// `b` may sit at any address, so Rust forbids `&record.b`: read it by value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PackedRecord {
    pub a: u8,
    pub b: f64,
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
        todo!("return the address of the first record")
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Bytes the records occupy: `len() * RECORD_STRIDE`.
    pub fn byte_len(&self) -> usize {
        todo!("return the bytes the records occupy")
    }

    /// Field `b` of record `i` (copied out: never a reference into a packed struct).
    pub fn b(&self, i: usize) -> Option<f64> {
        // TODO: `self.records.get(i)`, then copy the field out by value.
        let _ = i;
        todo!("copy field b of record i out (no reference into a packed struct)")
    }

    pub fn a(&self, i: usize) -> Option<u8> {
        let _ = i;
        todo!("copy field a of record i out")
    }

    pub fn c(&self, i: usize) -> Option<u8> {
        let _ = i;
        todo!("copy field c of record i out")
    }

    /// Sum of every record's `b`.
    pub fn sum_b(&self) -> f64 {
        todo!("add up every record's b")
    }
}
