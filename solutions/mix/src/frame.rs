//! The frame interface: how the page talks to the core with few calls and
//! no copies. Key events go in as an array of packed records written into
//! the core's memory; one call applies them all and returns a packed frame
//! summary; one call lays the visible lines out into a render area — their
//! bytes plus a packed line table — that the page reads through views.

use crate::buffer::Buffer;
use crate::editor::{Editor, Mode};
use crate::scan;
use crate::{FrameSummary, KeyEvent, LineRecord};
use wasm_bindgen::prelude::*;

/// Codes at and above this name keys that are not characters.
pub const NAMED_KEY: u32 = 0x11_0000;
pub const NAMED_KEYS: [&str; 11] =
    ["Escape", "Enter", "Backspace", "Delete", "Tab", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"];
pub const CTRL: u8 = 1;

/// `[key event size, summary size, line record size]`, for the page.
#[wasm_bindgen]
pub fn record_sizes() -> Vec<u32> {
    [size_of::<KeyEvent>(), size_of::<FrameSummary>(), size_of::<LineRecord>()].map(|n| n as u32).to_vec()
}

fn key_name(event: &KeyEvent) -> Option<String> {
    let name = match event.code.checked_sub(NAMED_KEY) {
        Some(index) => NAMED_KEYS.get(index as usize)?.to_string(),
        None => char::from_u32(event.code)?.to_string(),
    };
    Some(if event.modifiers & CTRL != 0 { format!("Ctrl+{name}") } else { name })
}

fn mode_code(mode: Mode) -> u8 {
    match mode {
        Mode::Normal => 0,
        Mode::Insert => 1,
        Mode::Visual => 2,
        Mode::Edit => 3,
    }
}

/// The core as the page sees it.
#[wasm_bindgen]
pub struct Core {
    editor: Editor,
    /// Where the page writes a file's bytes before `finish_load`.
    loading: Vec<u8>,
    keys: Vec<KeyEvent>,
    summary: FrameSummary,
    render_bytes: Vec<u8>,
    render_lines: Vec<LineRecord>,
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
        Core {
            editor: Editor::new(""),
            loading: Vec::new(),
            keys: Vec::new(),
            summary: FrameSummary::default(),
            render_bytes: Vec::new(),
            render_lines: Vec::new(),
        }
    }

    /// Room for a file of `len` bytes: the page writes it here with one
    /// `Uint8Array.set`, then calls `finish_load`.
    pub fn reserve_load(&mut self, len: usize) -> *mut u8 {
        self.loading = vec![0; len];
        self.loading.as_mut_ptr()
    }

    /// Makes the reserved bytes the document. They are moved into the
    /// buffer, not copied.
    pub fn finish_load(&mut self) -> Result<(), JsError> {
        let bytes = std::mem::take(&mut self.loading);
        let buffer = Buffer::from_bytes(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        self.editor = Editor::from_buffer(buffer);
        Ok(())
    }

    /// Room for `count` key events, written by the page at this address.
    pub fn key_buffer(&mut self, count: usize) -> *mut KeyEvent {
        self.keys.clear();
        self.keys.resize(count, KeyEvent::default());
        self.keys.as_mut_ptr()
    }

    /// Applies the first `count` key events and returns the address of the
    /// frame summary.
    pub fn apply_keys(&mut self, count: usize) -> *const FrameSummary {
        let revision = self.editor.revision();
        for event in self.keys.iter().take(count) {
            if let Some(key) = key_name(event) {
                self.editor.press(&key);
            }
        }
        self.summarize(self.editor.revision() != revision)
    }

    /// Moves the cursor to `column` (characters) of `line`, both clamped —
    /// a click on the page — and returns the address of the frame summary.
    pub fn set_cursor(&mut self, line: usize, column: usize) -> *const FrameSummary {
        self.editor.set_cursor(line, column);
        self.summarize(false)
    }

    /// Switches between the modal way of working (Normal mode) and the
    /// plain one (Edit mode); returns the address of the frame summary.
    pub fn set_modal(&mut self, modal: bool) -> *const FrameSummary {
        self.editor.set_modal(modal);
        self.summarize(false)
    }

    /// Lays out lines `first .. first + rows` (fewer at the end of the
    /// text): their bytes, without newlines, one after the other, and one
    /// `LineRecord` each. Returns the number of lines laid out.
    pub fn render(&mut self, first: usize, rows: usize) -> usize {
        let Core { editor, render_bytes, render_lines, .. } = self;
        render_bytes.clear();
        render_lines.clear();
        let buffer = editor.buffer();
        let last = (first + rows).min(buffer.line_count());
        if first >= last {
            return 0;
        }
        // Two lookups in the line index, then one walk over the visible
        // bytes that splits them at their newlines as it copies them.
        let start = buffer.line_start(first).expect("a line below line_count");
        let end = buffer.line_start(last).map_or(buffer.len(), |next| next - 1);
        let mut line = LineRecord { offset: 0, len: 0, number: first as u32 };
        buffer.for_each_slice(start, end, |mut slice| {
            while let Ok(newline) = scan::nth_newline(slice, 0) {
                render_bytes.extend_from_slice(&slice[..newline]);
                line.len = render_bytes.len() as u32 - line.offset;
                render_lines.push(line);
                line = LineRecord { offset: render_bytes.len() as u32, len: 0, number: line.number + 1 };
                slice = &slice[newline + 1..];
            }
            render_bytes.extend_from_slice(slice);
        });
        line.len = render_bytes.len() as u32 - line.offset;
        render_lines.push(line);
        render_lines.len()
    }

    pub fn render_bytes_ptr(&self) -> *const u8 {
        self.render_bytes.as_ptr()
    }

    pub fn render_bytes_len(&self) -> usize {
        self.render_bytes.len()
    }

    pub fn line_table_ptr(&self) -> *const LineRecord {
        self.render_lines.as_ptr()
    }

    /// The document, for saving or checking.
    pub fn text(&self) -> String {
        self.editor.text()
    }
}

impl Core {
    fn summarize(&mut self, changed: bool) -> *const FrameSummary {
        let (line, column) = self.editor.cursor();
        self.summary = FrameSummary {
            line: line as u32,
            column: column as u32,
            mode: mode_code(self.editor.mode()),
            changed: changed.into(),
            searching: self.editor.search_prompt().is_some().into(),
            reserved: 0,
            line_count: self.editor.buffer().line_count() as u32,
            len: self.editor.buffer().len() as u32,
        };
        &self.summary
    }
}
