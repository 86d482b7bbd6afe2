//! mix, the road to the buffer, step 2 — the line index. One copy grades the
//! student's `mix` crate and the reference in `solutions/mix`.
//!
//! Lines exact on small texts — counted, started, found from an offset, and
//! kept right through edits — then on the page's 10 MB sample. Still no
//! speed demand beyond finishing: the buffer milestone adds that.

use mix::{Buffer, BufferError};
use wasm_bindgen_test::wasm_bindgen_test;

/// What the line index must say about `text`, worked out from the String.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

#[wasm_bindgen_test]
fn counts_every_line_including_the_one_after_the_last_newline() {
    for (text, lines) in [("", 1), ("one line", 1), ("ends with a newline\n", 2), ("\n\n", 3), ("a\nb\nc", 3)] {
        assert_eq!(Buffer::from_str(text).line_count(), lines, "line_count() of {text:?}");
    }
}

#[wasm_bindgen_test]
fn finds_where_each_line_starts() {
    let buffer = Buffer::from_str("one\ntwo\n\nfour\n");
    let starts: Vec<usize> = (0..buffer.line_count()).map(|n| buffer.line_start(n).unwrap()).collect();
    assert_eq!(starts, [0, 4, 8, 9, 14], "line n starts one byte after the n-th newline; the last line is empty");
    assert_eq!(buffer.line_start(5), Err(BufferError::NoSuchLine { line: 5, lines: 5 }), "a missing line is an error");
}

#[wasm_bindgen_test]
fn gives_the_line_and_column_of_every_offset() {
    let text = "héllo\n\nwörld 😀\nend";
    let buffer = Buffer::from_str(text);
    let starts = line_starts(text);
    for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
        let line = starts.iter().rposition(|&start| start <= offset).unwrap();
        assert_eq!(
            buffer.line_col(offset),
            Ok((line, offset - starts[line])),
            "line_col({offset}): the line, and the column in bytes from its start"
        );
    }
    assert_eq!(buffer.line_col(2), Err(BufferError::NotCharBoundary { offset: 2 }), "inside é");
    assert_eq!(buffer.line_col(99), Err(BufferError::OutOfRange { offset: 99, len: text.len() }));
}

#[wasm_bindgen_test]
fn lines_stay_right_through_edits() {
    let mut model = String::from("first\nsecond\nthird");
    let mut buffer = Buffer::from_str(&model);
    // Each edit deletes start..end, then inserts at start.
    let edits: [(&str, usize, usize, &str); 6] = [
        ("a newline typed inside a line", 8, 8, "\n"),
        ("two lines pasted at the start", 0, 0, "new\nlines\n"),
        ("a newline deleted, joining two lines", 15, 16, ""),
        ("several lines deleted", 3, 20, ""),
        ("lines of multi-byte text added at the end", 11, 11, "é\n😀\n"),
        ("everything deleted", 0, 19, ""),
    ];
    for (what, start, end, insert) in edits {
        buffer.delete(start, end).unwrap();
        buffer.insert(start, insert).unwrap();
        model.replace_range(start..end, insert);
        let starts = line_starts(&model);
        assert_eq!(buffer.line_count(), starts.len(), "after {what}: line_count() of {model:?}");
        for (n, &start) in starts.iter().enumerate() {
            assert_eq!(buffer.line_start(n), Ok(start), "after {what}: line_start({n}) of {model:?}");
        }
    }
    assert_eq!(model, "", "the edits above end with an empty text");
}

#[wasm_bindgen_test]
fn indexes_the_10_mb_sample() {
    // The page's sample: one line of ASCII and multi-byte text, repeated.
    let line = "The quick brown fox jumps over the lazy dog — mix sample line ✓\n";
    let count = 10_000_000_usize.div_ceil(line.len());
    let buffer = Buffer::from_bytes(line.repeat(count).into_bytes()).expect("the sample is UTF-8");
    assert_eq!(buffer.line_count(), count + 1, "{count} lines and the empty one after the last newline");
    assert_eq!(buffer.char_len(), count * line.chars().count());
    for n in [0, 1, 4_095, 73_529, count - 1, count] {
        assert_eq!(buffer.line_start(n), Ok(n * line.len()), "line_start({n}) of the sample");
    }
    let dash = line.find('—').unwrap();
    for (offset, expected) in [(line.len() * 73_529 + dash, (73_529, dash)), (buffer.len(), (count, 0))] {
        assert_eq!(buffer.line_col(offset), Ok(expected), "line_col({offset}) of the sample");
    }
}
