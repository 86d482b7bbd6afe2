//! mix, the road to the buffer, step 2 — the line index. One copy grades the
//! student's `mix` crate and the reference in `solutions/mix`.
//!
//! Lines exact on small texts — counted, started, found from an offset, and
//! kept right through edits — then on the page's 10 MB sample; and found
//! once, when the bytes arrive (a test changes the loaded text behind the
//! buffer's back, far from the lines it asks about). Still no speed demand
//! beyond finishing: the buffer milestone adds that.

use mix::{Buffer, BufferError};
use wasm_bindgen_test::wasm_bindgen_test;

mod memory;

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

#[wasm_bindgen_test]
fn lines_are_found_once_when_the_bytes_arrive() {
    // 4 MB of equal lines: line n starts at n × LINE.len().
    const LINE: &str = "line of the index test — ñ and ✓\n";
    const MB: usize = 1 << 20;
    let count = 4 * MB / LINE.len();
    let (mut buffer, loaded, loading) = memory::load(LINE.repeat(count).into_bytes());
    assert!(
        !loaded.freed() && loading < 2 * MB,
        "from_bytes copied the loaded bytes or let them go (it allocated {loading} bytes for 4 MB): this test needs \
         the pieces step's original buffer, the loaded bytes kept where they are, to look behind the index"
    );
    // Every line outside the middle 1 MB gets a second newline (the n of
    // "line"), in the loaded bytes themselves: an index made when the bytes
    // arrived still answers as loaded; a question that reads the text again
    // counts more lines than there were. The questions below are about lines
    // at least 256 KiB inside the middle.
    let kept = MB + MB / 2..2 * MB + MB / 2;
    for n in 0..count {
        let at = n * LINE.len() + 2;
        if !kept.contains(&at) {
            loaded.overwrite(at, b'\n');
        }
    }
    let why = "the test turned the n of \"line\" into a newline on every line of the loaded text outside its middle \
               megabyte, in memory, after from_bytes returned; a line index made when the bytes arrived — each \
               buffer's newlines found once, and each piece's count of them — still answers as loaded, while a \
               question that reads the text again (or an index made again from it) counts the new newlines";
    assert_eq!(buffer.line_count(), count + 1, "line_count() of {count} lines and the empty last one: {why}");
    let middle = count / 2;
    for n in [middle - 1000, middle, middle + 1000] {
        assert_eq!(buffer.line_start(n), Ok(n * LINE.len()), "line_start({n}): {why}");
        let dash = n * LINE.len() + LINE.find('—').unwrap();
        assert_eq!(buffer.line_col(dash), Ok((n, dash - n * LINE.len())), "line_col({dash}): {why}");
    }
    // An insert in the middle: its own newlines are indexed when they
    // arrive, and the loaded text's are not counted again.
    let at = middle * LINE.len();
    buffer.insert(at, "two\nnew lines\n").unwrap();
    let added = "two\nnew lines\n".len();
    let after = format!("after an insert of two lines at the start of line {middle}, ");
    assert_eq!(buffer.line_count(), count + 3, "{after}line_count(): {why}");
    assert_eq!(buffer.line_start(middle + 1), Ok(at + 4), "{after}line_start({}): {why}", middle + 1);
    let n = middle + 1000;
    assert_eq!(buffer.line_start(n + 2), Ok(n * LINE.len() + added), "{after}line_start({}): {why}", n + 2);
    let dash = n * LINE.len() + added + LINE.find('—').unwrap();
    assert_eq!(buffer.line_col(dash), Ok((n + 2, dash - n * LINE.len() - added)), "{after}line_col({dash}): {why}");
}

#[wasm_bindgen_test]
fn inserted_lines_are_found_once_when_they_arrive() {
    // 2 MB of equal lines inserted into an empty buffer: they go to the add
    // buffer, the largest block the insert allocates, where the test finds
    // them.
    const LINE: &str = "line of the index test — ñ and ✓\n";
    const MB: usize = 1 << 20;
    let count = 2 * MB / LINE.len();
    let text = LINE.repeat(count);
    let mut buffer = Buffer::new();
    let (inserted, add, size) = memory::largest_block_during(|| buffer.insert(0, &text));
    inserted.expect("inserting at 0 of an empty buffer");
    // SAFETY: the block is allocated (nothing was freed since the insert)
    // and holds `size` bytes; reading it changes nothing.
    let found = !add.is_null() && size >= text.len() && {
        let bytes = unsafe { std::slice::from_raw_parts(add, text.len()) };
        bytes == text.as_bytes()
    };
    assert!(
        found,
        "inserting 2 MB into an empty buffer allocated no block that starts with the inserted bytes: this test needs \
         the pieces step's add buffer — every insert appended, as it is, to one buffer — to look behind the index"
    );
    // Every line outside the middle 512 KiB of the inserted text gets a
    // second newline (the n of "line"), in the add buffer itself, after the
    // insert returned. Then one more character is typed at the end: its own
    // bytes are indexed when they arrive; the inserted lines were indexed
    // when they arrived, and are not found again.
    let kept = MB - MB / 4..MB + MB / 4;
    for n in 0..count {
        let at = n * LINE.len() + 2;
        if !kept.contains(&at) {
            // SAFETY: as above; the buffer holds no reference into its add
            // buffer while the test runs.
            unsafe { add.add(at).write(b'\n') };
        }
    }
    buffer.insert(text.len(), "x").expect("typing at the end");
    let why = "the test turned the n of \"line\" into a newline on every inserted line outside the middle 512 KiB, \
               in the add buffer, after the insert returned, then typed one character at the end. The inserted \
               bytes' newlines were found when they arrived and are counted in their piece: an index that finds the \
               newlines of the whole add buffer again at each insert (instead of those of the bytes just appended), \
               or a question that reads the text again, counts the new ones";
    assert_eq!(buffer.line_count(), count + 1, "line_count() of {count} inserted lines and the last one: {why}");
    let middle = count / 2;
    for n in [middle - 1000, middle, middle + 1000] {
        assert_eq!(buffer.line_start(n), Ok(n * LINE.len()), "line_start({n}): {why}");
        let dash = n * LINE.len() + LINE.find('—').unwrap();
        assert_eq!(buffer.line_col(dash), Ok((n, dash - n * LINE.len())), "line_col({dash}): {why}");
    }
}
