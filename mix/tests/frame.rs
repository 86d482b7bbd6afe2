//! mix milestone 6 — the frame interface. One copy grades the student's
//! `mix` crate and the reference in `solutions/mix`.
//!
//! The page's side is played by a JS harness over `wasm_bindgen::memory()`:
//! it writes key events and file bytes straight into the core's memory with
//! `DataView`/`Uint8Array`, and reads the frame summary, the rendered bytes
//! and the line table through views, at the documented layouts:
//!
//! - `KeyEvent`, 8 bytes: code u32 at 0, modifiers u8 at 4 (bit 0 Ctrl);
//! - `FrameSummary`, 20 bytes: line u32 at 0, column u32 at 4, mode u8 at 8
//!   (0 Normal, 1 Insert, 2 Visual, 3 Edit), changed u8 at 9, searching u8
//!   at 10, line_count u32 at 12, len u32 at 16;
//! - `LineRecord`, 12 bytes: offset u32 at 0, len u32 at 4, number u32 at 8.
//!
//! Rust's default layout may put the fields there too, today, by luck; so
//! the layout test also reads each record's `#[repr(C)]` in `src/lib.rs`.

use core::mem::{align_of, offset_of, size_of};
use mix::{record_sizes, Core, FrameSummary, KeyEvent, LineRecord, CTRL, NAMED_KEY, NAMED_KEYS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
export function write_keys(memory, ptr, codes, modifiers) {
    const view = new DataView(memory.buffer, ptr, codes.length * 8);
    for (let i = 0; i < codes.length; i++) {
        view.setUint32(i * 8, codes[i], true);
        view.setUint8(i * 8 + 4, modifiers[i]);
    }
}
export function read_summary(memory, ptr) {
    const v = new DataView(memory.buffer, ptr, 20);
    return [v.getUint32(0, true), v.getUint32(4, true), v.getUint8(8), v.getUint8(9),
            v.getUint8(10), v.getUint32(12, true), v.getUint32(16, true)];
}
// What the page draws: each line's number and text, decoded from the
// render area through one Uint8Array and the line table through a DataView.
export function read_screen(memory, bytes_ptr, bytes_len, table_ptr, rows) {
    const bytes = new Uint8Array(memory.buffer, bytes_ptr, bytes_len);
    const table = new DataView(memory.buffer, table_ptr, rows * 12);
    const decoder = new TextDecoder();
    const lines = [];
    for (let i = 0; i < rows; i++) {
        const offset = table.getUint32(i * 12, true), len = table.getUint32(i * 12 + 4, true);
        lines.push(table.getUint32(i * 12 + 8, true) + ":" + decoder.decode(bytes.subarray(offset, offset + len)));
    }
    return lines;
}
export function write_file(memory, ptr, text) {
    const bytes = new TextEncoder().encode(text);
    new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
    return bytes.length;
}
export function write_raw(memory, ptr, raw) {
    new Uint8Array(memory.buffer, ptr, raw.length).set(raw);
}
"#)]
extern "C" {
    fn write_keys(memory: &JsValue, ptr: usize, codes: &[u32], modifiers: &[u8]);
    fn read_summary(memory: &JsValue, ptr: usize) -> Vec<u32>;
    fn read_screen(memory: &JsValue, bytes_ptr: usize, bytes_len: usize, table_ptr: usize, rows: usize)
        -> Vec<JsValue>;
    fn write_file(memory: &JsValue, ptr: usize, text: &str) -> usize;
    fn write_raw(memory: &JsValue, ptr: usize, raw: &[u8]);
}

fn memory() -> JsValue {
    wasm_bindgen::memory()
}

fn code(key: &str) -> u32 {
    match NAMED_KEYS.iter().position(|k| *k == key) {
        Some(index) => NAMED_KEY + index as u32,
        None => key.chars().next().unwrap() as u32,
    }
}

/// Loads `text` the way the page does: one set() into reserved memory.
fn load(core: &mut Core, text: &str) {
    let ptr = core.reserve_load(text.len()) as usize;
    assert_eq!(write_file(&memory(), ptr, text), text.len());
    core.finish_load().expect("UTF-8 loads");
}

/// Sends one frame of keys (`Ctrl+x` for Ctrl) and returns the summary as
/// JavaScript reads it: [line, column, mode, changed, searching, line_count, len].
fn frame(core: &mut Core, keys: &[&str]) -> Vec<u32> {
    let codes: Vec<u32> = keys.iter().map(|k| code(k.strip_prefix("Ctrl+").unwrap_or(k))).collect();
    let modifiers: Vec<u8> = keys.iter().map(|k| if k.starts_with("Ctrl+") { CTRL } else { 0 }).collect();
    let ptr = core.key_buffer(keys.len()) as usize;
    write_keys(&memory(), ptr, &codes, &modifiers);
    let summary = core.apply_keys(keys.len()) as usize;
    read_summary(&memory(), summary)
}

fn screen(core: &mut Core, first: usize, rows: usize) -> Vec<String> {
    let laid_out = core.render(first, rows);
    read_screen(
        &memory(),
        core.render_bytes_ptr() as usize,
        core.render_bytes_len(),
        core.line_table_ptr() as usize,
        laid_out,
    )
    .into_iter()
    .map(|line| line.as_string().unwrap())
    .collect()
}

/// The crate's own source: CARGO_MANIFEST_DIR is the crate under test, so
/// the student's crate's tests read its src/lib.rs and the reference's read
/// the reference's.
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
        panic!("src/lib.rs declares no `struct {name}`: keep it there, where the stub declares it, as {declared}")
    };
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !words.iter().any(|word| word == w)).collect();
    let has = if words.is_empty() { "no #[repr]".to_string() } else { format!("#[repr({})]", words.join(", ")) };
    assert!(
        missing.is_empty(),
        "{name} is declared in src/lib.rs with {has}, without {}: {why}. Declare it {declared}",
        missing.join(" and ")
    );
}

#[wasm_bindgen_test]
fn the_records_have_the_documented_packed_layouts() {
    assert_eq!(
        (size_of::<KeyEvent>(), align_of::<KeyEvent>()),
        (8, 4),
        "KeyEvent: u32 code + u8 modifiers + 3 reserved"
    );
    assert_eq!((offset_of!(KeyEvent, code), offset_of!(KeyEvent, modifiers)), (0, 4));
    assert_eq!(
        (size_of::<FrameSummary>(), align_of::<FrameSummary>()),
        (20, 4),
        "FrameSummary: 20 bytes, no hidden padding"
    );
    assert_eq!(
        [
            offset_of!(FrameSummary, line),
            offset_of!(FrameSummary, column),
            offset_of!(FrameSummary, mode),
            offset_of!(FrameSummary, changed),
            offset_of!(FrameSummary, searching),
            offset_of!(FrameSummary, line_count),
            offset_of!(FrameSummary, len),
        ],
        [0, 4, 8, 9, 10, 12, 16]
    );
    assert_eq!((size_of::<LineRecord>(), align_of::<LineRecord>()), (12, 4));
    assert_eq!(
        [offset_of!(LineRecord, offset), offset_of!(LineRecord, len), offset_of!(LineRecord, number)],
        [0, 4, 8]
    );
    assert_eq!(record_sizes(), vec![8, 20, 12], "record_sizes() tells the page the same");
    for record in ["KeyEvent", "FrameSummary", "LineRecord"] {
        assert_repr(
            record,
            &["C"],
            "the records are fixed-layout #[repr(C)] records (README.md); Rust's default layout promises \
             nothing, so offsets that are right today are the compiler's choice, which a compiler release or \
             flag (-Z randomize-layout) may change under the page, which reads fixed offsets",
        );
    }
}

#[wasm_bindgen_test]
fn a_file_is_loaded_through_memory_the_page_writes() {
    let mut core = Core::new();
    load(&mut core, "héllo\nworld\n");
    assert_eq!(core.text(), "héllo\nworld\n");
    let summary = frame(&mut core, &[]);
    assert_eq!((summary[5], summary[6]), (3, 13), "3 lines, 13 bytes");
    let ptr = core.reserve_load(3) as usize;
    write_raw(&memory(), ptr, &[b'a', 0xC3, b'b']);
    assert!(core.finish_load().is_err(), "bytes that are not UTF-8 are refused");
}

#[wasm_bindgen_test]
fn one_call_applies_a_batch_of_keys_and_reports_the_frame() {
    let mut core = Core::new();
    load(&mut core, "world");
    let summary = frame(&mut core, &["i", "h", "e", "l", "l", "o", " ", "Escape"]);
    assert_eq!(core.text(), "hello world", "eight key events, one call");
    assert_eq!(&summary[..5], &[0, 5, 0, 1, 0], "cursor (0, 5) on the space, Normal mode, text changed, no prompt");
    let summary = frame(&mut core, &["w", "l"]);
    assert_eq!(&summary[..4], &[0, 7, 0, 0], "motions only: changed is 0");
    let summary = frame(&mut core, &["Ctrl+z"]);
    assert_eq!((core.text().as_str(), summary[3]), ("world", 1), "Ctrl (modifier bit 0) + z undoes the insert session");
    let summary = frame(&mut core, &["/", "o"]);
    assert_eq!((summary[2], summary[4]), (0, 1), "a search prompt is open: searching = 1");
    let summary = frame(&mut core, &["Enter", "v"]);
    assert_eq!((summary[1], summary[2], summary[4]), (1, 2, 0), "the match, Visual mode (2), prompt closed");
}

#[wasm_bindgen_test]
fn rows_are_rendered_into_an_area_the_page_reads_through_views() {
    let mut core = Core::new();
    let text: String = (0..100).map(|n| format!("line {n} — ✓\n")).collect();
    load(&mut core, &text);
    assert_eq!(
        screen(&mut core, 10, 3),
        ["10:line 10 — ✓", "11:line 11 — ✓", "12:line 12 — ✓"],
        "rows 10..13: each line's number and bytes (without its newline), found through the line table"
    );
    assert_eq!(
        core.render_bytes_len(),
        3 * "line 10 — ✓".len(),
        "render_bytes_len() is the length of the bytes laid out, the three lines' one after the other — not the \
         capacity of the Vec that holds them"
    );
    assert_eq!(
        screen(&mut core, 99, 5),
        ["99:line 99 — ✓", "100:"],
        "past the end: only the lines that exist (the last is empty)"
    );
    assert_eq!(screen(&mut core, 500, 5), Vec::<String>::new(), "no lines at all past the end");
    frame(&mut core, &["G", "k", "d", "d"]);
    assert_eq!(
        screen(&mut core, 98, 3),
        ["98:line 98 — ✓", "99:"],
        "after dd on line 99 the render shows the new text: line 99 is gone"
    );
}

#[wasm_bindgen_test]
fn typed_text_arrives_through_the_same_frames() {
    let mut core = Core::new();
    load(&mut core, "");
    let summary = frame(&mut core, &["i", "a", "b", "Enter", "c", "Escape", "g", "g", "a"]);
    assert_eq!(core.text(), "ab\nc");
    assert_eq!(
        (summary[0], summary[1], summary[2]),
        (0, 1, 1),
        "a after gg: Insert mode (1) after the first character"
    );
    let summary = frame(&mut core, &["😀", "Escape"]);
    assert_eq!(
        (core.text().as_str(), summary[1]),
        ("a😀b\nc", 1),
        "a character key's code is its Unicode scalar value"
    );
}

#[wasm_bindgen_test]
fn a_click_places_the_cursor_and_the_way_of_working_switches() {
    let mut core = Core::new();
    load(&mut core, "first line\nsécond\n\nlast");
    let click = |core: &mut Core, line, column| read_summary(&memory(), core.set_cursor(line, column) as usize);
    assert_eq!(&click(&mut core, 1, 3)[..4], &[1, 3, 0, 0], "the clicked line and column, Normal mode, text unchanged");
    frame(&mut core, &["x"]);
    assert_eq!(core.text(), "first line\nsécnd\n\nlast", "column 3 counts characters: é is one, x deleted the o");
    assert_eq!(&click(&mut core, 0, 99)[..2], &[0, 9], "past the end of a line: its last character");
    assert_eq!(&click(&mut core, 99, 2)[..2], &[3, 2], "past the last line: the last line");
    assert_eq!(&frame(&mut core, &["k", "k", "k"])[..2], &[0, 2], "the clicked column is the one k aims for");
    frame(&mut core, &["d"]);
    click(&mut core, 1, 0);
    frame(&mut core, &["d"]);
    assert_eq!(core.text(), "first line\nsécnd\n\nlast", "a click forgets a half-typed dd");
    frame(&mut core, &["Escape"]);

    let summary = read_summary(&memory(), core.set_modal(false) as usize);
    assert_eq!((summary[2], summary[3]), (3, 0), "plain editing: Edit mode (3), text unchanged");
    assert_eq!(&click(&mut core, 0, 99)[..2], &[0, 10], "typing: the cursor may sit after the line's last character");
    frame(&mut core, &["!"]);
    click(&mut core, 3, 0);
    frame(&mut core, &[">", " "]);
    assert_eq!(core.text(), "first line!\nsécnd\n\n> last");
    frame(&mut core, &["Ctrl+z"]);
    assert_eq!(
        core.text(),
        "first line!\nsécnd\n\nlast",
        "the click ended the typing run: Ctrl+z undoes only what came after it"
    );
    let summary = read_summary(&memory(), core.set_modal(true) as usize);
    assert_eq!(&summary[..3], &[3, 0, 0], "modal again: Normal mode (0)");
}
