//! Tests for exercise 06. They grade both the exercise and its reference
//! solution (the solution's Cargo.toml points here), so there is one copy.
//!
//! The layout checks use `size_of`, `align_of` and `offset_of!`; the JS
//! harness then reads and writes the records through a `DataView` at the
//! *documented* layout (stride 10; b at 0, a at 8, c at 9), exactly as a page
//! would, without asking the module.
//!
//! A layout that is right by luck passes all of that: Rust's default layout
//! may well put the fields where `#[repr(C)]` would, today. So the layout
//! tests also read each record's `#[repr]` in `src/lib.rs`.

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

/// The crate's own source: CARGO_MANIFEST_DIR is the crate under test, so
/// the exercise's tests read the exercise's file and the solution's read
/// the solution's.
const SOURCE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"));

/// `source` with its comments blanked out (string and character literals
/// kept as they are, so that a `//` inside one is no comment).
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('/', Some('/')) => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if (last, c) == ('*', '/') {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            ('"', _) => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The words of every `#[repr(...)]` on `struct name` in src/lib.rs (`C`,
/// `packed`, ...), or None when src/lib.rs declares no such struct.
fn repr_of(name: &str) -> Option<Vec<String>> {
    let code = without_comments(SOURCE);
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let at = code.match_indices("struct").map(|(at, _)| at).find(|&at| {
        let before = code[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        let rest = &code[at + "struct".len()..];
        let after = rest.trim_start();
        before
            && after.len() < rest.len()
            && after.strip_prefix(name).is_some_and(|tail| tail.chars().next().is_none_or(|c| !is_ident(c)))
    })?;
    // Back from `struct` over `pub` or `pub(...)`, then attribute by attribute.
    let mut head = code[..at].trim_end();
    if let Some(visibility) = head.rfind("pub").filter(|&p| {
        let tail = head[p + 3..].trim();
        tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')'))
    }) {
        head = head[..visibility].trim_end();
    }
    let mut words = Vec::new();
    while head.ends_with(']') {
        let mut depth = 0;
        let open = head.char_indices().rev().find_map(|(i, c)| {
            depth += match c {
                ']' => 1,
                '[' => -1,
                _ => 0,
            };
            (depth == 0).then_some(i)
        })?;
        let attribute: String = head[open + 1..head.len() - 1].chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(inner) = attribute.strip_prefix("repr(").and_then(|a| a.strip_suffix(')')) {
            words.extend(inner.split(',').map(|w| w.split('(').next().unwrap_or(w).to_string()));
        }
        head = head[..open].trim_end().strip_suffix('#')?.trim_end();
    }
    Some(words)
}

/// Fails unless src/lib.rs declares `struct name` with every one of `wanted`
/// in its `#[repr(...)]`; `why` is what README.md promises.
fn assert_repr(name: &str, wanted: &[&str], why: &str) {
    let declared = format!("#[repr({})]", wanted.join(", "));
    let Some(words) = repr_of(name) else {
        panic!("src/lib.rs declares no `struct {name}`: keep it there, where the exercise declares it, as {declared}")
    };
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !words.iter().any(|word| word == w)).collect();
    let has = if words.is_empty() { "no #[repr]".to_string() } else { format!("#[repr({})]", words.join(", ")) };
    assert!(
        missing.is_empty(),
        "{name} is declared in src/lib.rs with {has}, without {}: {why}. Declare it {declared}",
        missing.join(" and ")
    );
}

/// Fails, before JavaScript reads or writes through `ptr()`, when it is the
/// address of the table itself — where its Vec keeps its pointer, capacity
/// and length — instead of the first record's.
fn assert_ptr_is_the_first_record(table: &RecordTable) {
    let ptr = table.ptr();
    let header = table as *const RecordTable as usize;
    let size = core::mem::size_of_val(table);
    assert!(
        !(header..header + size).contains(&ptr),
        "ptr() returned {ptr}, an address inside the RecordTable itself ({size} bytes at {header}): that is where \
         its Vec keeps its pointer, capacity and length, not the records. JavaScript reading there sees those \
         numbers, and writing there overwrites them. Return the address of the first record: the Vec's as_ptr()"
    );
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
    assert_repr(
        "BadRecord",
        &["C"],
        "the lesson's Bad struct is C's layout, declaration order and padding; Rust's default layout promises \
         nothing and would reorder it",
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
    assert_repr(
        "ReorderedRecord",
        &["C"],
        "Rust's default layout promises nothing (README.md). These offsets are the compiler's choice today, and \
         any compiler release or flag (-Z randomize-layout) may change them under JavaScript, which reads fixed \
         offsets; #[repr(C)] makes declaration order the layout",
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
    assert_repr(
        "PackedRecord",
        &["C", "packed"],
        "packed alone removes the padding but leaves the order of the fields to the compiler, whose default \
         layout promises nothing (README.md): JavaScript reads b at 0, a at 8 and c at 9 because #[repr(C)] \
         keeps declaration order",
    );
}

#[wasm_bindgen_test]
fn records_keep_their_values() {
    let mut table = RecordTable::new();
    table.push(1, 0.5, 2);
    table.push(255, -1e300, 0);
    table.push(7, f64::MIN_POSITIVE, 9);
    assert_eq!(table.len(), 3);
    assert_eq!(
        table.byte_len(),
        3 * RECORD_STRIDE,
        "byte_len() is the bytes the 3 records occupy, 3 × RECORD_STRIDE, whatever room the Vec keeps beyond \
         them: size_of_val of the slice, or len() × RECORD_STRIDE — not capacity()"
    );
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
    assert_ptr_is_the_first_record(&table);
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
    assert_ptr_is_the_first_record(&table);
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
