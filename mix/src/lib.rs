//! mix — a text-editor core in WebAssembly: the course's capstone.
//!
//! Milestone 1 is the buffer: the text of the file being edited; milestone
//! 2 the editor's cursor and its motions. Read README.md for the milestones,
//! the design the tests expect (a piece table with a line index) and the
//! lesson concept behind each. Replace every `todo!()`; add the fields and
//! private helpers you need.
//!
//! Grade it with `cargo run -p grader -- run mix`.

use core::fmt;
use wasm_bindgen::prelude::*;

/// Why an edit or a query was refused; the buffer is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferError {
    /// An offset past the end of the text.
    OutOfRange { offset: usize, len: usize },
    /// An offset inside a multi-byte UTF-8 character.
    NotCharBoundary { offset: usize },
    /// `start > end`.
    BadRange { start: usize, end: usize },
    /// A line number past the last line.
    NoSuchLine { line: usize, lines: usize },
    /// The bytes loaded are not UTF-8; the first bad byte is at `valid_up_to`.
    InvalidUtf8 { valid_up_to: usize },
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BufferError::OutOfRange { offset, len } => write!(f, "offset {offset} is past the end ({len} bytes)"),
            BufferError::NotCharBoundary { offset } => {
                write!(f, "offset {offset} is inside a UTF-8 character")
            }
            BufferError::BadRange { start, end } => write!(f, "range {start}..{end} ends before it starts"),
            BufferError::NoSuchLine { line, lines } => write!(f, "line {line} does not exist ({lines} lines)"),
            BufferError::InvalidUtf8 { valid_up_to } => write!(f, "not UTF-8: bad byte at {valid_up_to}"),
        }
    }
}

/// The text being edited, as UTF-8 bytes. Offsets are byte offsets and
/// must fall on character boundaries.
#[derive(Debug)]
pub struct Buffer {
    // TODO: a piece table — the original bytes (never copied after loading),
    // an append-only add buffer, and a table of pieces that each say which
    // buffer, where and how long; plus what you need to find lines quickly.
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer::new()
    }
}

impl Buffer {
    /// An empty buffer.
    pub fn new() -> Buffer {
        todo!("an empty buffer")
    }

    /// Takes ownership of a file's bytes; refuses bytes that are not UTF-8.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Buffer, BufferError> {
        let _ = bytes;
        todo!("load UTF-8 bytes, or report where they stop being UTF-8")
    }

    pub fn from_str(text: &str) -> Buffer {
        Buffer::from_bytes(text.as_bytes().to_vec()).expect("a str is UTF-8")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        todo!("length in bytes")
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Length in characters (Unicode scalar values).
    pub fn char_len(&self) -> usize {
        todo!("length in characters")
    }

    /// Lines, counting the (possibly empty) one after the last newline.
    pub fn line_count(&self) -> usize {
        todo!("number of newlines + 1")
    }

    /// Inserts `text` at byte `offset`.
    pub fn insert(&mut self, offset: usize, text: &str) -> Result<(), BufferError> {
        let _ = (offset, text);
        todo!("insert text at a byte offset, or refuse a bad offset")
    }

    /// Deletes the bytes `start..end`.
    pub fn delete(&mut self, start: usize, end: usize) -> Result<(), BufferError> {
        let _ = (start, end);
        todo!("delete a byte range, or refuse a bad one")
    }

    /// The text of bytes `start..end`.
    pub fn text(&self, start: usize, end: usize) -> Result<String, BufferError> {
        let _ = (start, end);
        todo!("the text of a byte range")
    }

    /// The whole text.
    pub fn to_string(&self) -> String {
        self.text(0, self.len()).expect("the whole range is valid")
    }

    /// The byte offset where line `line` (0-based) starts.
    pub fn line_start(&self, line: usize) -> Result<usize, BufferError> {
        let _ = line;
        todo!("where line n starts, without scanning the whole text")
    }

    /// The line (0-based) and byte column of `offset`.
    pub fn line_col(&self, offset: usize) -> Result<(usize, usize), BufferError> {
        let _ = offset;
        todo!("the line and column of a byte offset")
    }

    /// The byte offset of character number `index` (the end for `char_len()`).
    pub fn char_to_byte(&self, index: usize) -> Result<usize, BufferError> {
        let _ = index;
        todo!("the byte offset of the index-th character")
    }
}

/// What keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Vim's Normal mode: keys move and edit.
    Normal,
    /// Vim's Insert mode: keys type, `Escape` returns to Normal.
    Insert,
    /// Vim's Visual mode: motions extend a selection.
    Visual,
    /// The plain "just type" mode: keys type, always.
    Edit,
}

impl Mode {
    /// For the status line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Insert => "INSERT",
            Mode::Visual => "VISUAL",
            Mode::Edit => "EDIT",
        }
    }
}

/// The editor: a buffer and a cursor moved by keys named like the page's
/// `KeyboardEvent.key` (`"h"`, `"$"`, `"G"`, `"ArrowDown"`, `"Enter"`).
#[derive(Debug)]
pub struct Editor {
    buffer: Buffer,
    // TODO: the cursor (a byte offset on a character), the column `j`/`k`
    // aim for, a key waiting for its second half (the `g` of `gg`, the `d`
    // of `dd`), the mode, where Visual mode started, the register that
    // `x`, `dd`, `dw`, `yy` and Visual `d`/`y` fill and `p` pastes, and the
    // undo and redo stacks (steps of recorded changes), and the search
    // prompt and last pattern.
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        Editor::from_buffer(Buffer::from_str(text))
    }

    pub fn from_buffer(buffer: Buffer) -> Editor {
        // TODO: start at the first character.
        Editor { buffer }
    }

    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }

    pub fn text(&self) -> String {
        self.buffer.to_string()
    }

    /// The cursor's line and column, 0-based, the column in characters.
    pub fn cursor(&self) -> (usize, usize) {
        todo!("the cursor's (line, column in characters)")
    }

    /// The cursor as a byte offset.
    pub fn cursor_offset(&self) -> usize {
        todo!("the cursor's byte offset")
    }

    /// Handles one key; keys it does not know are ignored. Normal mode:
    /// the motions h j k l (and arrows), 0 ^ $, gg G, w b e (milestone 2),
    /// and i a o O x dd dw yy p v (milestone 3). Insert and Edit mode: a
    /// printable key types it; Enter, Tab, Backspace, Delete, arrows, Home,
    /// End; Escape leaves Insert mode. Visual mode: motions, then d/x/y.
    /// Any mode: Ctrl+z undoes, Ctrl+y and Ctrl+r redo; Normal mode: u undoes
    /// (milestone 4). Normal mode: `/` opens a search prompt (typing,
    /// Backspace, Enter searches, Escape cancels), n and N repeat (milestone 5).
    pub fn press(&mut self, key: &str) {
        let _ = key;
        todo!("move the cursor, change mode or edit, for one key")
    }

    pub fn mode(&self) -> Mode {
        todo!("the current mode")
    }

    /// The search being typed, for the status line: `Some("pat")` after `/pat`.
    pub fn search_prompt(&self) -> Option<&str> {
        todo!("the pattern typed after / so far")
    }

    /// Undoes the last step (a Normal-mode command, an insert session, or a
    /// run of typing in Edit mode); the cursor returns to where it was.
    pub fn undo(&mut self) {
        todo!("undo the last step")
    }

    /// Redoes the last undone step; a new edit forgets what could be redone.
    pub fn redo(&mut self) {
        todo!("redo the last undone step")
    }

    /// Switches between the modal (Vim-style) way of working (Normal mode)
    /// and the plain "just type" one (Edit mode).
    pub fn set_modal(&mut self, modal: bool) {
        let _ = modal;
        todo!("switch between Normal and Edit mode")
    }

    /// Puts the cursor on `column` (characters) of `line`, both clamped to
    /// the text — a click on the page. Like a motion key, it sets the
    /// preferred column, forgets a half-typed `gg` or `dd`, and (outside an
    /// insert session) ends the undo step.
    pub fn set_cursor(&mut self, line: usize, column: usize) {
        let _ = (line, column);
        todo!("move the cursor to a line and column, clamped")
    }

    /// In Visual mode, the selected bytes `start..end`, the character under
    /// the cursor included; otherwise `None`.
    pub fn selection(&self) -> Option<(usize, usize)> {
        todo!("the Visual selection as a byte range")
    }

    /// Presses each character of `keys` as a key.
    pub fn type_keys(&mut self, keys: &str) {
        let mut utf8 = [0; 4];
        for c in keys.chars() {
            self.press(c.encode_utf8(&mut utf8));
        }
    }
}

// Milestone 6 — the frame interface: what the page calls.

/// One key press, as the page writes it: 8 bytes, `code` at 0 (u32,
/// little-endian), `modifiers` at 4.
// TODO: fix the layout so it is exactly the documented one (`#[repr(C)]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyEvent {
    /// A Unicode scalar value for a character key, or `NAMED_KEY + n` for
    /// the n-th of [`NAMED_KEYS`].
    pub code: u32,
    /// Bit 0: Ctrl.
    pub modifiers: u8,
    pub reserved: [u8; 3],
}

/// What the page needs after a frame: 20 bytes — line u32 at 0, column u32
/// at 4 (characters), mode u8 at 8 (0 Normal, 1 Insert, 2 Visual, 3 Edit),
/// changed u8 at 9, searching u8 at 10, line_count u32 at 12, len u32 at 16.
// TODO: the documented layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameSummary {
    pub line: u32,
    pub column: u32,
    pub mode: u8,
    pub changed: u8,
    pub searching: u8,
    pub reserved: u8,
    pub line_count: u32,
    pub len: u32,
}

/// One rendered line: 12 bytes — offset u32 at 0 (into the render bytes),
/// len u32 at 4, number u32 at 8 (the line's number in the document).
// TODO: the documented layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineRecord {
    pub offset: u32,
    pub len: u32,
    pub number: u32,
}

/// Codes at and above this name keys that are not characters.
pub const NAMED_KEY: u32 = 0x11_0000;
pub const NAMED_KEYS: [&str; 11] =
    ["Escape", "Enter", "Backspace", "Delete", "Tab", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
/// `KeyEvent::modifiers` bit for Ctrl: the key name becomes `Ctrl+<key>`.
pub const CTRL: u8 = 1;

/// `[key event size, summary size, line record size]`, for the page.
#[wasm_bindgen]
pub fn record_sizes() -> Vec<u32> {
    todo!("the three record sizes, from size_of")
}

/// The core as the page sees it: few calls, no copies.
#[wasm_bindgen]
pub struct Core {
    editor: Editor,
    // TODO: the load area, the key buffer, the summary, the render bytes
    // and the line table — all owned here, in linear memory.
}

impl Default for Core {
    fn default() -> Self {
        Core::new()
    }
}

#[wasm_bindgen]
impl Core {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Core {
        Core { editor: Editor::new("") }
    }

    /// Room for a file of `len` bytes, which the page writes with one
    /// `Uint8Array.set` before calling `finish_load`.
    pub fn reserve_load(&mut self, len: usize) -> *mut u8 {
        let _ = len;
        todo!("reserve len bytes and return their address")
    }

    /// Makes the reserved bytes the document — moved into the buffer, not
    /// copied; bytes that are not UTF-8 are an error.
    pub fn finish_load(&mut self) -> Result<(), JsError> {
        todo!("turn the reserved bytes into the document")
    }

    /// Room for `count` key events, written by the page at this address.
    pub fn key_buffer(&mut self, count: usize) -> *mut KeyEvent {
        let _ = count;
        todo!("room for count key events")
    }

    /// Applies the first `count` key events (one call for a whole frame) and
    /// returns the address of the frame summary.
    pub fn apply_keys(&mut self, count: usize) -> *const FrameSummary {
        let _ = count;
        todo!("press every key of the frame and fill the summary")
    }

    /// Moves the cursor to `column` of `line`, both clamped (the page's
    /// click), and returns the address of the frame summary.
    pub fn set_cursor(&mut self, line: usize, column: usize) -> *const FrameSummary {
        let _ = (line, column);
        todo!("move the cursor and fill the summary")
    }

    /// Switches between the modal way of working and the plain one (see
    /// `Editor::set_modal`) and returns the address of the frame summary.
    pub fn set_modal(&mut self, modal: bool) -> *const FrameSummary {
        let _ = modal;
        todo!("switch the way of working and fill the summary")
    }

    /// Lays out lines `first .. first + rows` (fewer at the end): their
    /// bytes without newlines, one after the other, and one LineRecord each.
    /// Returns the number of lines laid out.
    pub fn render(&mut self, first: usize, rows: usize) -> usize {
        let _ = (first, rows);
        todo!("lay out the visible lines")
    }

    pub fn render_bytes_ptr(&self) -> *const u8 {
        todo!("address of the render bytes")
    }

    pub fn render_bytes_len(&self) -> usize {
        todo!("length of the render bytes")
    }

    pub fn line_table_ptr(&self) -> *const LineRecord {
        todo!("address of the line table")
    }

    /// The document.
    pub fn text(&self) -> String {
        self.editor.text()
    }
}
