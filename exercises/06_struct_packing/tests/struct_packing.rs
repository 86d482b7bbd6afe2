//! Tests for exercise 06. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! The layout checks use `size_of`, `align_of` and `offset_of!`; the JS
//! harness then reads and writes the records through a `DataView` at the
//! *documented* layout (stride 10; b at 0, a at 8, c at 9), exactly as a page
//! would, without asking the module.

use core::mem::{align_of, offset_of, size_of};
use struct_packing::{record_layout, BadRecord, PackedRecord, RecordTable, ReorderedRecord, RECORD_STRIDE};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
const STRIDE = 10, B = 0, A = 8, C = 9; // the layout README.md documents
export function read_records(memory, ptr, count) {
    const view = new DataView(memory.buffer, ptr, count * STRIDE);
    const out = [];
    for (let i = 0; i < count; i++) {
        const at = i * STRIDE;
        out.push(view.getUint8(at + A), view.getFloat64(at + B, true), view.getUint8(at + C));
    }
    return out;
}
export function write_record(memory, ptr, index, a, b, c) {
    const view = new DataView(memory.buffer, ptr + index * STRIDE, STRIDE);
    view.setFloat64(B, b, true);
    view.setUint8(A, a);
    view.setUint8(C, c);
}
"#)]
extern "C" {
    fn read_records(memory: &JsValue, ptr: usize, count: usize) -> Vec<f64>;
    fn write_record(memory: &JsValue, ptr: usize, index: usize, a: u8, b: f64, c: u8);
}

#[wasm_bindgen_test]
fn declaration_order_pays_for_padding() {
    assert_eq!(
        (size_of::<BadRecord>(), align_of::<BadRecord>()),
        (24, 8),
        "the lesson's Bad struct: a (1 byte) + 7 padding so b starts 8-aligned + b (8) + c (1) \
         + 7 tail padding so the next array element is 8-aligned = 24 bytes"
    );
    assert_eq!(
        (offset_of!(BadRecord, a), offset_of!(BadRecord, b), offset_of!(BadRecord, c)),
        (0, 8, 16),
        "#[repr(C)] keeps declaration order: a at 0, b at 8, c at 16"
    );
}

#[wasm_bindgen_test]
fn largest_field_first_saves_eight_bytes() {
    assert_eq!(
        size_of::<ReorderedRecord>(),
        16,
        "ReorderedRecord must be 16 bytes: with b (f64) first, a and c follow at 8 and 9 with no gap, \
         and only 6 bytes of tail padding remain. Reorder its fields: b, a, c (keep #[repr(C)])"
    );
    assert_eq!(align_of::<ReorderedRecord>(), 8, "an f64 inside keeps the alignment at 8");
    assert_eq!(
        (offset_of!(ReorderedRecord, b), offset_of!(ReorderedRecord, a), offset_of!(ReorderedRecord, c)),
        (0, 8, 9),
        "ReorderedRecord's fields must sit at b 0, a 8, c 9"
    );
}

#[wasm_bindgen_test]
fn packing_removes_all_padding() {
    assert_eq!(
        size_of::<PackedRecord>(),
        10,
        "PackedRecord must be 10 bytes, like the lesson's #pragma pack(1) struct Good: 8 + 1 + 1 and no \
         padding at all. Use #[repr(C, packed)] with the fields in the order b, a, c"
    );
    assert_eq!(align_of::<PackedRecord>(), 1, "a packed struct has alignment 1: b may be at any address");
    assert_eq!(
        (offset_of!(PackedRecord, b), offset_of!(PackedRecord, a), offset_of!(PackedRecord, c)),
        (0, 8, 9),
        "PackedRecord's documented offsets are b 0, a 8, c 9"
    );
    assert_eq!(RECORD_STRIDE, 10, "RECORD_STRIDE is size_of::<PackedRecord>()");
    assert_eq!(record_layout(), vec![10, 0, 8, 9], "record_layout() exports [stride, b, a, c] for JavaScript");
}

#[wasm_bindgen_test]
fn records_keep_their_values() {
    let mut table = RecordTable::new();
    table.push(1, 0.5, 2);
    table.push(255, -1e300, 0);
    table.push(7, f64::MIN_POSITIVE, 9);
    assert_eq!(table.len(), 3);
    assert_eq!(
        (table.a(1), table.b(1), table.c(1)),
        (Some(255), Some(-1e300), Some(0)),
        "record 1 must read back exactly as pushed"
    );
    assert_eq!(
        (table.a(3), table.b(3), table.c(3)),
        (None, None, None),
        "there is no record 3: a(3), b(3) and c(3) are None, not a panic"
    );
    assert_eq!(table.sum_b(), 0.5 - 1e300 + f64::MIN_POSITIVE, "sum_b adds every record's b");
}

#[wasm_bindgen_test]
fn javascript_reads_packed_records_with_a_data_view() {
    let mut table = RecordTable::with_capacity(1000);
    for i in 0..1000u32 {
        table.push((i % 256) as u8, f64::from(i) * 1.25 - 300.0, (i * 7 % 256) as u8);
    }
    assert_eq!(table.byte_len(), 10_000, "1000 packed records take 10,000 bytes (the Bad layout would take 24,000)");
    let seen = read_records(&wasm_bindgen::memory(), table.ptr(), 1000);
    for i in 0..1000u32 {
        let at = i as usize * 3;
        let expected = [f64::from(i % 256), f64::from(i) * 1.25 - 300.0, f64::from(i * 7 % 256)];
        assert_eq!(
            &seen[at..at + 3],
            &expected,
            "JavaScript read record {i} with a DataView at ptr() + {i} * 10 (b at +0, a at +8, c at +9, \
             little-endian) and got [a, b, c] = {:?}, expected {expected:?}: the records in memory must \
             have exactly the documented packed layout",
            &seen[at..at + 3]
        );
    }
}

#[wasm_bindgen_test]
fn records_written_by_javascript_are_read_by_rust() {
    let mut table = RecordTable::new();
    table.push_zeroed(5);
    for i in 0..5u8 {
        write_record(&wasm_bindgen::memory(), table.ptr(), i.into(), i + 10, f64::from(i) / 4.0, 200 - i);
    }
    for i in 0..5u8 {
        let index = usize::from(i);
        assert_eq!(
            (table.a(index), table.b(index), table.c(index)),
            (Some(i + 10), Some(f64::from(i) / 4.0), Some(200 - i)),
            "JavaScript wrote record {i} at ptr() + {i} * 10 with a DataView; Rust must read the same \
             fields back, which works only if the records use the documented 10-byte layout"
        );
    }
    assert_eq!(table.sum_b(), 2.5, "0 + 0.25 + 0.5 + 0.75 + 1");
}
