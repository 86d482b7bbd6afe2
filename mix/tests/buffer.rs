//! mix milestone 1 — the buffer. These tests grade the student's `mix` crate
//! and the reference in `solutions/mix` (which points here): one copy.
//!
//! Besides the API's promises (errors, not panics; UTF-8 boundaries; lines),
//! the buffer is checked against a plain `String` on thousands of random
//! edits, and against two real editing histories (tests/data, CC BY 4.0,
//! see tests/data/README.md) replayed keystroke by keystroke.

use mix::{Buffer, BufferError};
use std::io::Read;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn loads_utf8_and_refuses_anything_else() {
    let buffer = Buffer::from_bytes("héllo\nwörld".as_bytes().to_vec()).expect("valid UTF-8 loads");
    assert_eq!(buffer.len(), 13, "len() counts bytes: é and ö take 2 each");
    assert_eq!(buffer.char_len(), 11, "char_len() counts characters");
    assert_eq!(buffer.to_string(), "héllo\nwörld");
    assert_eq!(
        Buffer::from_bytes(vec![b'a', 0xFF, b'b']).err(),
        Some(BufferError::InvalidUtf8 { valid_up_to: 1 }),
        "0xFF is never UTF-8: from_bytes must refuse it and say where"
    );
    assert!(Buffer::new().is_empty(), "a new buffer is empty");
}

#[wasm_bindgen_test]
fn inserts_deletes_and_reads_ranges() {
    let mut buffer = Buffer::from_str("hello world");
    buffer.insert(5, ",").unwrap();
    buffer.insert(12, "!").unwrap();
    buffer.insert(0, "¡").unwrap();
    assert_eq!(buffer.to_string(), "¡hello, world!");
    buffer.delete(2, 8).unwrap();
    assert_eq!(buffer.to_string(), "¡ world!", "delete(2, 8) removes bytes 2..8 (¡ is bytes 0..2)");
    assert_eq!(buffer.text(3, 8).unwrap(), "world");
    buffer.delete(0, buffer.len()).unwrap();
    assert!(buffer.is_empty(), "deleting everything leaves an empty buffer");
    buffer.insert(0, "again").unwrap();
    assert_eq!(buffer.to_string(), "again");
}

#[wasm_bindgen_test]
fn bad_offsets_are_errors_and_change_nothing() {
    let mut buffer = Buffer::from_str("añb\n");
    let cases: [(&str, Result<(), BufferError>); 5] = [
        ("insert past the end", buffer.insert(6, "x")),
        ("insert inside ñ", buffer.insert(2, "x")),
        ("delete from inside ñ", buffer.delete(2, 4)),
        ("delete a reversed range", buffer.delete(3, 1)),
        ("delete past the end", buffer.delete(0, 9)),
    ];
    let expected = [
        Err(BufferError::OutOfRange { offset: 6, len: 5 }),
        Err(BufferError::NotCharBoundary { offset: 2 }),
        Err(BufferError::NotCharBoundary { offset: 2 }),
        Err(BufferError::BadRange { start: 3, end: 1 }),
        Err(BufferError::OutOfRange { offset: 9, len: 5 }),
    ];
    for ((what, got), want) in cases.into_iter().zip(expected) {
        assert_eq!(got, want, "{what}: must be refused with an error, never a panic");
    }
    assert_eq!(buffer.to_string(), "añb\n", "a refused edit must leave the text exactly as it was");
    assert_eq!(buffer.text(0, 2), Err(BufferError::NotCharBoundary { offset: 2 }), "text() checks too");
}

#[wasm_bindgen_test]
fn lines_and_columns() {
    let buffer = Buffer::from_str("one\ntwo\n\nfour");
    assert_eq!(buffer.line_count(), 4, "3 newlines make 4 lines");
    let starts: Vec<usize> = (0..4).map(|n| buffer.line_start(n).unwrap()).collect();
    assert_eq!(starts, [0, 4, 8, 9], "line n starts one byte after the n-th newline");
    assert_eq!(buffer.line_start(4), Err(BufferError::NoSuchLine { line: 4, lines: 4 }));
    assert_eq!(buffer.line_col(0).unwrap(), (0, 0));
    assert_eq!(buffer.line_col(6).unwrap(), (1, 2), "offset 6 is the 'o' of two");
    assert_eq!(buffer.line_col(8).unwrap(), (2, 0), "the empty third line");
    assert_eq!(buffer.line_col(13).unwrap(), (3, 4), "the end of the text is a valid position");
    assert_eq!(Buffer::from_str("ends with newline\n").line_count(), 2, "the line after a final newline counts");
}

#[wasm_bindgen_test]
fn characters_map_to_bytes() {
    let buffer = Buffer::from_str("aé😀b");
    let offsets: Vec<usize> = (0..=4).map(|i| buffer.char_to_byte(i).unwrap()).collect();
    assert_eq!(offsets, [0, 1, 3, 7, 8], "a is 1 byte, é 2, 😀 4");
    assert_eq!(buffer.char_to_byte(5), Err(BufferError::OutOfRange { offset: 5, len: 4 }));
}

/// A small deterministic generator, so a failure always replays the same.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random character boundary of `text`.
fn boundary(text: &str, rng: &mut XorShift) -> usize {
    let count = text.chars().count();
    text.char_indices().map(|(i, _)| i).chain([text.len()]).nth(rng.below(count + 1)).unwrap()
}

#[wasm_bindgen_test]
fn random_edits_match_a_plain_string() {
    const PIECES: [&str; 8] = ["a", "bc", "\n", "é", "😀", "line\nbreak", "xyz\n\n", "ñ"];
    let mut rng = XorShift(0x5EED_1234_ABCD_0001);
    let mut model = String::from("start\nof the\ntext\n");
    let mut buffer = Buffer::from_str(&model);
    for step in 0..3000 {
        if rng.below(3) == 0 && !model.is_empty() {
            let (a, b) = (boundary(&model, &mut rng), boundary(&model, &mut rng));
            let (start, end) = (a.min(b), a.max(b));
            buffer.delete(start, end).unwrap();
            model.replace_range(start..end, "");
        } else {
            let at = boundary(&model, &mut rng);
            let text = PIECES[rng.below(PIECES.len())];
            buffer.insert(at, text).unwrap();
            model.insert_str(at, text);
        }
        assert_eq!(buffer.len(), model.len(), "step {step}: len differs from the String model");
        assert_eq!(buffer.line_count(), model.matches('\n').count() + 1, "step {step}: line_count");
        if step % 50 == 0 {
            assert_eq!(buffer.to_string(), model, "step {step}: the text differs from the String model");
            assert_eq!(buffer.char_len(), model.chars().count(), "step {step}: char_len");
            let line = rng.below(buffer.line_count());
            let expected_start = model.split('\n').take(line).map(|l| l.len() + 1).sum::<usize>();
            assert_eq!(buffer.line_start(line).unwrap(), expected_start, "step {step}: line_start({line})");
            let at = boundary(&model, &mut rng);
            let before = &model[..at];
            let expected = (before.matches('\n').count(), at - before.rfind('\n').map_or(0, |i| i + 1));
            assert_eq!(buffer.line_col(at).unwrap(), expected, "step {step}: line_col({at})");
        }
    }
}

/// Replays a trace from tests/data: positions and counts are in characters.
fn replay(gzipped: &[u8]) -> (Buffer, String, usize) {
    let mut json = String::new();
    flate2::read::GzDecoder::new(gzipped).read_to_string(&mut json).expect("the trace decompresses");
    let trace: serde_json::Value = serde_json::from_str(&json).expect("the trace is JSON");
    let mut buffer = Buffer::from_str(trace["startContent"].as_str().unwrap());
    let mut edits = 0;
    for txn in trace["txns"].as_array().unwrap() {
        for patch in txn["patches"].as_array().unwrap() {
            let position = patch[0].as_u64().unwrap() as usize;
            let deleted = patch[1].as_u64().unwrap() as usize;
            let inserted = patch[2].as_str().unwrap();
            let start = buffer.char_to_byte(position).unwrap();
            if deleted > 0 {
                let end = buffer.char_to_byte(position + deleted).unwrap();
                buffer.delete(start, end).unwrap();
            }
            buffer.insert(start, inserted).unwrap();
            edits += 1;
        }
    }
    (buffer, trace["endContent"].as_str().unwrap().to_string(), edits)
}

#[wasm_bindgen_test]
fn replays_the_blog_post_trace_to_its_final_text() {
    let (buffer, expected, edits) = replay(include_bytes!("data/seph-blog1.json.gz"));
    assert_eq!(edits, 137_993, "every patch of the trace was applied");
    assert!(buffer.to_string() == expected, "after 137,993 real edits the text differs from the trace's endContent");
    assert_eq!(buffer.line_count(), expected.matches('\n').count() + 1);
}

#[wasm_bindgen_test]
fn replays_the_automerge_paper_trace_to_its_final_text() {
    let (buffer, expected, edits) = replay(include_bytes!("data/automerge-paper.json.gz"));
    assert_eq!(edits, 259_778, "every patch of the trace was applied");
    assert_eq!(buffer.len(), 104_852, "the paper ends 104,852 characters (ASCII) long");
    assert!(buffer.to_string() == expected, "after 259,778 real edits the text differs from the trace's endContent");
}
