//! Tests for exercise 01. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! Half of each check runs in JavaScript: the harness below gets
//! `wasm_bindgen::memory()` and `wasm_bindgen::exports()` and looks at the
//! arena through real typed views, the way a page would.
//!
//! No `wasm_bindgen_test_configure!`: this suite runs in Node or in a browser
//! (the grader picks the browser when one is installed).

use typed_views::{grow_memory, memory_pages, Arena, ViewError, PAGE_SIZE};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
export function bytes_at(memory, ptr, count) {
    return Array.from(new Uint8Array(memory.buffer, ptr, count));
}
export function set_byte(memory, address, value) {
    new Uint8Array(memory.buffer)[address] = value;
}
export function data_view_i32(memory, address) {
    return new DataView(memory.buffer).getInt32(address, true);
}
export function int32_view_set(memory, address, value) {
    new Int32Array(memory.buffer, address, 1)[0] = value;
}
export function float64_view_get(memory, address) {
    return new Float64Array(memory.buffer, address, 1)[0];
}
export function float64_view_set(memory, address, value) {
    new Float64Array(memory.buffer, address, 1)[0] = value;
}
export function int32_view_error(memory, address) {
    try { new Int32Array(memory.buffer, address, 1); return ""; }
    catch (e) { return e.constructor.name; }
}
export function buffer_bytes(memory) {
    return memory.buffer.byteLength;
}
export function exported_memory_pages(exports) {
    return exports.memory_pages();
}
// The lesson's "direct memory access": one Float64Array over the module's
// memory at the pointer it exposes, and one set() call for all the values.
export function fill_with_one_set(memory, ptr, values) {
    new Float64Array(memory.buffer, ptr, values.length).set(values);
}
"#)]
extern "C" {
    fn bytes_at(memory: &JsValue, ptr: usize, count: usize) -> Vec<u8>;
    fn set_byte(memory: &JsValue, address: usize, value: u8);
    fn data_view_i32(memory: &JsValue, address: usize) -> i32;
    fn int32_view_set(memory: &JsValue, address: usize, value: i32);
    fn float64_view_get(memory: &JsValue, address: usize) -> f64;
    fn float64_view_set(memory: &JsValue, address: usize, value: f64);
    fn int32_view_error(memory: &JsValue, address: usize) -> String;
    fn buffer_bytes(memory: &JsValue) -> usize;
    fn exported_memory_pages(exports: &JsValue) -> usize;
    fn fill_with_one_set(memory: &JsValue, ptr: usize, values: &[f64]);
}

fn memory() -> JsValue {
    wasm_bindgen::memory()
}

#[wasm_bindgen_test]
fn arena_ptr_is_its_address_in_linear_memory() {
    let mut arena = Arena::new(64);
    let ptr = arena.ptr();
    assert!(
        ptr != 0 && ptr % 8 == 0,
        "ptr() returned {ptr}; expected the address of the arena's first byte, a non-zero \
         multiple of 8 (the arena is stored as u64 words). Hint: `self.words.as_ptr() as usize`."
    );
    assert!(
        ptr + arena.len() <= buffer_bytes(&memory()),
        "ptr() + len() = {} lies past the end of memory.buffer ({} bytes): \
         an address in linear memory must be inside it",
        ptr + arena.len(),
        buffer_bytes(&memory())
    );
    arena.bytes_mut()[5] = 0xAB;
    assert_eq!(
        bytes_at(&memory(), ptr + 5, 1),
        vec![0xAB],
        "Rust wrote 0xAB to byte 5 of the arena, but JavaScript reading memory.buffer at \
         ptr() + 5 saw something else: ptr() does not point at the arena's bytes"
    );
    set_byte(&memory(), ptr + 6, 0xCD);
    assert_eq!(arena.bytes()[6], 0xCD, "JavaScript wrote 0xCD at ptr() + 6 but byte 6 of the arena did not change");
}

#[wasm_bindgen_test]
fn i32_is_stored_little_endian() {
    let mut arena = Arena::new(64);
    arena.write_i32(4, 0x0102_0304).expect("write_i32(4, ..) is in bounds and aligned");
    let ptr = arena.ptr();
    assert_eq!(
        bytes_at(&memory(), ptr + 4, 4),
        vec![0x04, 0x03, 0x02, 0x01],
        "write_i32(4, 0x01020304) must leave the bytes 04 03 02 01 at offsets 4..8: WebAssembly \
         is little-endian (least significant byte first) and a Uint8Array shows the raw bytes"
    );
    assert_eq!(
        data_view_i32(&memory(), ptr + 4),
        0x0102_0304,
        "DataView.getInt32(ptr + 4, true) read a different number than write_i32 stored"
    );
    assert_eq!(arena.read_i32(4), Ok(0x0102_0304), "read_i32 must return what write_i32 stored");
}

#[wasm_bindgen_test]
fn i32_written_by_javascript_is_read_by_rust() {
    let arena = Arena::new(64);
    int32_view_set(&memory(), arena.ptr() + 12, -123_456);
    assert_eq!(
        arena.read_i32(12),
        Ok(-123_456),
        "JavaScript stored -123456 through an Int32Array at ptr() + 12; read_i32(12) must \
         decode the same 4 little-endian bytes"
    );
    assert_eq!(arena.read_i32(8), Ok(0), "bytes next to the written value must stay untouched");
}

#[wasm_bindgen_test]
fn f64_round_trips_through_both_views() {
    let mut arena = Arena::new(64);
    arena.write_f64(8, 1.0).expect("write_f64(8, ..) is in bounds and aligned");
    assert_eq!(
        bytes_at(&memory(), arena.ptr() + 8, 8),
        vec![0, 0, 0, 0, 0, 0, 0xF0, 0x3F],
        "1.0 as an IEEE 754 double is 0x3FF0000000000000; little-endian, its bytes are \
         00 00 00 00 00 00 F0 3F"
    );
    arena.write_f64(16, core::f64::consts::PI).unwrap();
    assert_eq!(
        float64_view_get(&memory(), arena.ptr() + 16),
        core::f64::consts::PI,
        "a Float64Array at ptr() + 16 must see the f64 that write_f64(16, PI) stored"
    );
    float64_view_set(&memory(), arena.ptr() + 24, -0.5e300);
    assert_eq!(
        arena.read_f64(24),
        Ok(-0.5e300),
        "JavaScript stored -0.5e300 through a Float64Array at ptr() + 24; read_f64(24) must return it"
    );
}

#[wasm_bindgen_test]
fn misaligned_access_is_an_error_not_undefined_behaviour() {
    let mut arena = Arena::new(64);
    let ptr = arena.ptr();
    assert_eq!(
        int32_view_error(&memory(), ptr + 2),
        "RangeError",
        "JavaScript itself refuses an Int32Array at a byte offset that is not a multiple of 4"
    );
    assert_eq!(
        arena.write_i32(2, 7),
        Err(ViewError::Misaligned { address: ptr + 2, align: 4 }),
        "an i32 belongs on a 4-byte boundary; write_i32(2, ..) must refuse with \
         ViewError::Misaligned {{ address: ptr() + 2, align: 4 }}"
    );
    assert_eq!(
        arena.read_i32(6),
        Err(ViewError::Misaligned { address: ptr + 6, align: 4 }),
        "read_i32(6) is not on a 4-byte boundary and must be refused"
    );
    assert_eq!(
        arena.read_f64(4),
        Err(ViewError::Misaligned { address: ptr + 4, align: 8 }),
        "an f64 belongs on an 8-byte boundary: offset 4 is fine for an i32 but not for an f64"
    );
    assert_eq!(
        arena.write_f64(12, 1.0),
        Err(ViewError::Misaligned { address: ptr + 12, align: 8 }),
        "write_f64(12, ..) is not on an 8-byte boundary and must be refused"
    );
    assert!(arena.bytes().iter().all(|&b| b == 0), "a refused write must not change any byte");
}

#[wasm_bindgen_test]
fn out_of_bounds_access_is_an_error() {
    let mut arena = Arena::new(64);
    assert_eq!(
        arena.read_i32(64),
        Err(ViewError::OutOfBounds { offset: 64, size: 4, len: 64 }),
        "bytes 64..68 are past the end of a 64-byte arena: read_i32(64) must return \
         ViewError::OutOfBounds, not read the neighbouring memory"
    );
    assert_eq!(
        arena.write_f64(64, 1.0),
        Err(ViewError::OutOfBounds { offset: 64, size: 8, len: 64 }),
        "write_f64(64, ..) would write past the arena and must be refused"
    );
    assert_eq!(
        arena.read_i32(62),
        Err(ViewError::OutOfBounds { offset: 62, size: 4, len: 64 }),
        "read_i32(62) is both past the end (bytes 62..66 of 64) and misaligned: bounds are checked first, so \
         it must be ViewError::OutOfBounds, not Misaligned"
    );
    let huge = usize::MAX - 7;
    assert_eq!(
        arena.read_f64(huge),
        Err(ViewError::OutOfBounds { offset: huge, size: 8, len: 64 }),
        "offset + 8 overflows usize here: use checked_add so a huge offset is refused \
         as out of bounds instead of wrapping around to a small address"
    );
    // Each of the four accessors keeps both rules, not only the ones above:
    // bounds before alignment, and overflow-safe bounds.
    for (call, offset) in [
        ("read_i32", 62),
        ("write_i32", 62),
        ("read_f64", 60),
        ("write_f64", 60),
        ("read_i32", usize::MAX - 3),
        ("write_i32", usize::MAX - 3),
        ("read_f64", usize::MAX - 7),
        ("write_f64", usize::MAX - 7),
    ] {
        let (got, size) = match call {
            "read_i32" => (arena.read_i32(offset).map(drop), 4),
            "write_i32" => (arena.write_i32(offset, 1), 4),
            "read_f64" => (arena.read_f64(offset).map(drop), 8),
            _ => (arena.write_f64(offset, 1.0), 8),
        };
        assert_eq!(
            got,
            Err(ViewError::OutOfBounds { offset, size, len: 64 }),
            "{call}({offset}) in a 64-byte arena: bytes {offset}.. past the end (or an offset whose end \
             overflows usize) are out of bounds, and bounds are checked before alignment (README.md) — \
             in every accessor: check with offset.checked_add({size}) before the address's alignment"
        );
    }
    assert!(arena.bytes().iter().all(|&b| b == 0), "a refused write must not change any byte");
}

#[wasm_bindgen_test]
fn memory_grows_in_64_kib_pages() {
    let before = memory_pages();
    assert_eq!(
        buffer_bytes(&memory()),
        before * PAGE_SIZE,
        "memory_pages() returned {before}, but memory.buffer.byteLength / 65536 says otherwise"
    );
    assert_eq!(
        exported_memory_pages(&wasm_bindgen::exports()),
        before,
        "JavaScript calling the exported memory_pages() must see the same count"
    );
    assert_eq!(grow_memory(2), Ok(before), "grow_memory(2) must return the size before growing ({before} pages)");
    assert_eq!(memory_pages(), before + 2, "after grow_memory(2) memory must be 2 pages larger");
    assert_eq!(
        buffer_bytes(&memory()),
        (before + 2) * PAGE_SIZE,
        "memory.buffer must be exactly 2 × 65536 bytes larger after growing by 2 pages"
    );
    assert_eq!(
        grow_memory(1 << 20),
        Err(ViewError::GrowFailed { pages: 1 << 20 }),
        "growing by 2^20 pages (64 GiB) is refused by every engine; memory_grow then returns \
         usize::MAX, which grow_memory must turn into ViewError::GrowFailed"
    );
}

#[wasm_bindgen_test]
fn f64_view_is_remade_after_memory_grows() {
    let mut arena = Arena::new(32);
    arena.write_f64(0, 42.0).unwrap();
    let before = arena.f64_view();
    assert_eq!(before.length(), 4, "a 32-byte arena holds 4 f64 slots: f64_view() must cover exactly those");
    assert_eq!(before.get_index(0), 42.0, "f64_view()[0] must be the f64 at offset 0");
    before.set_index(3, -2.25);
    assert_eq!(
        arena.read_f64(24),
        Ok(-2.25),
        "JavaScript set f64_view()[3] to -2.25, but the arena's slot 3 (offset 24) did not change: f64_view() \
         returned a copy of the arena (Float64Array::from copies a slice into a new JavaScript array), not a view \
         over its bytes. Make the view over memory.buffer at ptr(): Float64Array::new_with_byte_offset_and_length"
    );

    grow_memory(1).expect("memory can grow by one page");
    assert_eq!(
        before.length(),
        0,
        "a view made before memory.grow is detached afterwards (length 0) — this is the \
         platform's rule, and why the next call must make a new view"
    );

    let after = arena.f64_view();
    assert_eq!(
        after.length(),
        4,
        "f64_view() after memory grew returned a detached view (length {}): growing memory \
         replaces memory.buffer, so re-create the view from the new buffer",
        after.length()
    );
    assert_eq!(after.get_index(0), 42.0, "the re-made view must still show the arena's data");
    after.set_index(1, 7.5);
    assert_eq!(arena.read_f64(8), Ok(7.5), "a value written through the re-made view must land in the arena");
}

#[wasm_bindgen_test]
fn javascript_fills_the_arena_with_one_set_call() {
    let mut arena = Arena::new(8 * 1000);
    let values: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
    fill_with_one_set(&memory(), arena.ptr(), &values);
    for (i, expected) in values.iter().enumerate() {
        assert_eq!(
            arena.read_f64(i * 8),
            Ok(*expected),
            "JavaScript wrote 1000 f64s with one Float64Array.set at ptr(); slot {i} must hold {expected}"
        );
    }
    let view = arena.f64_view();
    assert_eq!(view.length(), 1000, "f64_view() must cover all 1000 slots");
    assert_eq!(view.get_index(999), 499.5, "f64_view() must see what JavaScript wrote");
}
