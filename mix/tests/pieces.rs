//! mix, the road to the buffer, step 1 — a piece table on small texts. One
//! copy grades the student's `mix` crate and the reference in
//! `solutions/mix` (which points here).
//!
//! Correctness, on texts of a few dozen bytes: loading, lengths in bytes
//! and characters, inserts, deletes, ranges, and every bad offset refused
//! with an error and the text unchanged. Then the structure, by what the
//! buffer allocates and keeps (see `memory`): the loaded bytes stay where
//! they were, unchanged, and inserts go to one add buffer. No line index
//! yet (step 2), no speed (the buffer milestone replays real editing
//! histories).

use mix::{Buffer, BufferError};
use wasm_bindgen_test::wasm_bindgen_test;

mod memory;

#[wasm_bindgen_test]
fn an_empty_buffer_holds_nothing() {
    let buffer = Buffer::new();
    assert_eq!(buffer.len(), 0, "a new buffer has no bytes");
    assert_eq!(buffer.char_len(), 0, "and no characters");
    assert!(buffer.is_empty());
    assert_eq!(buffer.to_string(), "");
    assert_eq!(buffer.text(0, 0), Ok(String::new()), "the empty range of an empty text is valid");
}

#[wasm_bindgen_test]
fn loading_measures_bytes_and_characters() {
    let buffer = Buffer::from_bytes("añb😀".as_bytes().to_vec()).expect("valid UTF-8 loads");
    assert_eq!(buffer.to_string(), "añb😀");
    assert_eq!(buffer.len(), 8, "len() counts bytes: ñ is 2, 😀 is 4");
    assert_eq!(buffer.char_len(), 4, "char_len() counts characters");
    assert_eq!(
        Buffer::from_bytes(vec![b'o', b'k', 0xE2, 0x9C]).err(),
        Some(BufferError::InvalidUtf8 { valid_up_to: 2 }),
        "a character cut short at the end is not UTF-8: refused, saying where the valid text ends"
    );
    assert_eq!(
        Buffer::from_bytes(vec![0x80]).err(),
        Some(BufferError::InvalidUtf8 { valid_up_to: 0 }),
        "a continuation byte cannot start a text"
    );
}

#[wasm_bindgen_test]
fn inserts_at_the_start_the_middle_and_the_end() {
    let mut buffer = Buffer::from_str("mid");
    buffer.insert(0, "start ").unwrap();
    assert_eq!(buffer.to_string(), "start mid");
    buffer.insert(9, " end").unwrap();
    assert_eq!(buffer.to_string(), "start mid end");
    buffer.insert(7, "é").unwrap();
    assert_eq!(buffer.to_string(), "start méid end", "inserted between m and i, at byte 7");
    buffer.insert(9, "😀").unwrap();
    assert_eq!(buffer.to_string(), "start mé😀id end", "right after é, which is bytes 7..9");
    assert_eq!((buffer.len(), buffer.char_len()), (19, 15));
    buffer.insert(3, "").unwrap();
    assert_eq!(buffer.to_string(), "start mé😀id end", "inserting nothing changes nothing");
}

#[wasm_bindgen_test]
fn an_empty_buffer_takes_inserts() {
    let mut buffer = Buffer::new();
    buffer.insert(0, "b").unwrap();
    buffer.insert(0, "a").unwrap();
    buffer.insert(2, "c").unwrap();
    assert_eq!(buffer.to_string(), "abc");
}

#[wasm_bindgen_test]
fn deletes_ranges_and_reads_them_back() {
    let mut buffer = Buffer::from_str("one two three");
    assert_eq!(buffer.text(4, 7).unwrap(), "two", "text(start, end) is bytes start..end");
    buffer.delete(3, 7).unwrap();
    assert_eq!(buffer.to_string(), "one three");
    buffer.delete(0, 0).unwrap();
    assert_eq!(buffer.to_string(), "one three", "an empty range deletes nothing");
    buffer.insert(3, ", two,").unwrap();
    buffer.delete(0, 5).unwrap();
    assert_eq!(buffer.to_string(), "two, three", "a delete across an insert's edges");
    assert_eq!(buffer.text(3, 10).unwrap(), ", three");
    buffer.delete(0, buffer.len()).unwrap();
    assert!(buffer.is_empty(), "deleting everything leaves nothing");
}

#[wasm_bindgen_test]
fn bad_offsets_are_refused_and_change_nothing() {
    let mut buffer = Buffer::from_str("añ😀");
    let refused: [(&str, Result<(), BufferError>, BufferError); 9] = [
        ("insert past the end", buffer.insert(8, "x"), BufferError::OutOfRange { offset: 8, len: 7 }),
        ("insert inside ñ", buffer.insert(2, "x"), BufferError::NotCharBoundary { offset: 2 }),
        ("insert inside 😀", buffer.insert(5, "x"), BufferError::NotCharBoundary { offset: 5 }),
        ("delete up to inside 😀", buffer.delete(0, 4), BufferError::NotCharBoundary { offset: 4 }),
        ("delete a reversed range", buffer.delete(3, 1), BufferError::BadRange { start: 3, end: 1 }),
        ("delete past the end", buffer.delete(1, 8), BufferError::OutOfRange { offset: 8, len: 7 }),
        ("read inside ñ", buffer.text(0, 2).map(drop), BufferError::NotCharBoundary { offset: 2 }),
        ("read a reversed range", buffer.text(3, 1).map(drop), BufferError::BadRange { start: 3, end: 1 }),
        ("read past the end", buffer.text(1, 8).map(drop), BufferError::OutOfRange { offset: 8, len: 7 }),
    ];
    for (what, got, want) in refused {
        assert_eq!(got, Err(want), "{what}: refused with this error, never a panic");
    }
    assert_eq!(buffer.to_string(), "añ😀", "a refused edit leaves the text exactly as it was");
    assert_eq!((buffer.len(), buffer.char_len()), (7, 3));
}

/// A small deterministic generator, so a failure always replays the same.
fn next(seed: &mut u64) -> usize {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed >> 16) as usize
}

/// A character boundary of `text`, chosen by `seed`.
fn boundary(text: &str, seed: &mut u64) -> usize {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    boundaries[next(seed) % boundaries.len()]
}

#[wasm_bindgen_test]
fn three_hundred_small_edits_match_a_string() {
    const INSERTS: [&str; 6] = ["x", "yz", "é", "😀", "ab\n", "ñ"];
    let mut seed = 0x0BAD_5EED_u64;
    let mut model = String::from("a small text");
    let mut buffer = Buffer::from_str(&model);
    for step in 0..300 {
        if next(&mut seed).is_multiple_of(3) {
            let (a, b) = (boundary(&model, &mut seed), boundary(&model, &mut seed));
            let (start, end) = (a.min(b), a.max(b));
            buffer.delete(start, end).unwrap();
            model.replace_range(start..end, "");
        } else {
            let at = boundary(&model, &mut seed);
            let text = INSERTS[next(&mut seed) % INSERTS.len()];
            buffer.insert(at, text).unwrap();
            model.insert_str(at, text);
        }
        assert_eq!(buffer.to_string(), model, "step {step}: the text differs from a String given the same edits");
        assert_eq!((buffer.len(), buffer.char_len()), (model.len(), model.chars().count()), "step {step}: lengths");
    }
}

/// About 1 MB of lines of ASCII and multi-byte text, each `LINE.len()` bytes.
const LINE: &str = "a line of the loaded text — ñ, 😀 and ✓ in it\n";
const LINES: usize = 20_000;

#[wasm_bindgen_test]
fn the_loaded_bytes_stay_where_they_are_and_edits_only_add() {
    let text = LINE.repeat(LINES);
    let (mut buffer, loaded, loading) = memory::load(text.clone().into_bytes());
    assert!(
        loading < text.len() / 2,
        "from_bytes allocated {loading} bytes for a text of {} bytes: the loaded bytes must become the original \
         buffer as they are (keep the Vec you are given), not be copied into another",
        text.len()
    );
    let mut model = text.clone();
    let (middle, inserted) = (LINES / 2 * LINE.len(), "inserted 😀 ");
    let near_the_end = (LINES - 6) * LINE.len() + 5;
    // Each edit deletes start..end, then inserts at start; from the end
    // towards the start, so each offset is one of the text as loaded (the
    // third counts the second's insert), on a character boundary.
    let edits: [(&str, usize, usize, &str); 5] = [
        ("an insert near the end", near_the_end, near_the_end, "the end\n"),
        ("an insert in the middle", middle, middle, inserted),
        ("a delete across the middle insert's edges", middle - 10, middle + inserted.len() + 10, ""),
        ("a delete of the first lines", 0, 3 * LINE.len(), ""),
        ("an insert at the start", 0, 0, "new first line\n"),
    ];
    for (what, start, end, insert) in edits {
        let before = memory::allocated();
        buffer.delete(start, end).unwrap();
        buffer.insert(start, insert).unwrap();
        let spent = memory::allocated() - before;
        model.replace_range(start..end, insert);
        assert!(
            spent < 64 * 1024,
            "{what} allocated {spent} bytes in a text of {} bytes: an edit appends what it inserts to the add \
             buffer and changes a few pieces — it never copies or rebuilds the text",
            model.len()
        );
    }
    assert!(
        !loaded.freed(),
        "after five edits the block of loaded bytes from_bytes was given is freed or reallocated: the piece table \
         keeps the loaded bytes as its original buffer for as long as it lives, untouched, and an edit only \
         changes its list of pieces — a String or Vec of the whole text, edited in place, moves"
    );
    if let Some(at) = loaded.first_change(text.as_bytes()) {
        panic!(
            "after five edits, byte {at} of the loaded bytes changed: the original buffer is never written — inserted \
             text goes to the add buffer, and a delete only drops pieces (or parts of pieces) from the list"
        );
    }
    assert!(buffer.to_string() == model, "after the five edits the text differs from a String given the same edits");
}

#[wasm_bindgen_test]
fn every_insert_is_appended_to_one_add_buffer() {
    let mut buffer = Buffer::from_str(&"0123456789".repeat(100));
    let mut seed = 0x0ADD_B0FF_u64;
    let inserts = 1000;
    let before = memory::allocations();
    for _ in 0..inserts {
        let at = next(&mut seed) % (buffer.len() + 1);
        buffer.insert(at, "x").unwrap();
    }
    let allocations = memory::allocations() - before;
    assert!(
        allocations < inserts / 2,
        "{inserts} one-character inserts at scattered offsets made {allocations} allocations: every insert's text \
         is appended to one add buffer that only grows (a Vec<u8>, whose capacity doubles), so most inserts \
         allocate nothing; a String, Vec or Box of its own for each inserted piece allocates on every insert"
    );
    assert_eq!(buffer.len(), 2000, "1000 bytes loaded and 1000 inserted");
}
