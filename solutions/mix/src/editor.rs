//! The editor: a buffer, a cursor, modes and the keys that drive them.
//!
//! Keys are named as the page's `KeyboardEvent.key` names them: `"h"`,
//! `"$"`, `"G"`, `"Escape"`, `"ArrowDown"`, `"Enter"`. The cursor is a byte
//! offset on a character boundary: in Normal and Visual mode never past the
//! last character of its line, in Insert and Edit mode possibly just after it.

use crate::buffer::Buffer;
use crate::scan::is_continuation;

/// The column `j` and `k` aim for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preferred {
    Column(usize),
    /// After `$`: the end of every line.
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Blank,
    Word,
    Punctuation,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Blank
    } else if c.is_alphanumeric() || c == '_' {
        Class::Word
    } else {
        Class::Punctuation
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

/// One change to the text: `deleted` was removed at `offset`, then
/// `inserted` put there.
#[derive(Debug, Clone)]
struct Change {
    offset: usize,
    deleted: String,
    inserted: String,
}

/// What one `u` undoes: an insert session, a typing run or a command.
#[derive(Debug, Clone, Default)]
struct UndoStep {
    changes: Vec<Change>,
    cursor_before: usize,
}

/// Yanked or deleted text, for `p`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Register {
    text: String,
    /// Whole lines (`dd`, `yy`): pasted as lines below the cursor's.
    linewise: bool,
}

#[derive(Debug)]
pub struct Editor {
    buffer: Buffer,
    /// Byte offset of the cursor's character.
    cursor: usize,
    preferred: Preferred,
    /// A key that waits for the next (`g` of `gg`, `d` of `dd`).
    pending: Option<char>,
    mode: Mode,
    /// Where Visual mode started.
    anchor: usize,
    register: Option<Register>,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// The step being recorded (closed by Escape, a command's end, a move).
    open_step: Option<UndoStep>,
    /// The pattern being typed after `/`.
    prompt: Option<String>,
    /// The last pattern searched, for `n` and `N`.
    last_search: Option<String>,
    /// Counts changes to the text (edits, undos, redos).
    revision: u64,
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        Editor::from_buffer(Buffer::from_str(text))
    }

    pub fn from_buffer(buffer: Buffer) -> Editor {
        Editor {
            buffer,
            cursor: 0,
            preferred: Preferred::Column(0),
            pending: None,
            mode: Mode::Normal,
            anchor: 0,
            register: None,
            undo: Vec::new(),
            redo: Vec::new(),
            open_step: None,
            prompt: None,
            last_search: None,
            revision: 0,
        }
    }

    /// A number that changes whenever the text does.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The search being typed, for the status line: `Some("pat")` after `/pat`.
    pub fn search_prompt(&self) -> Option<&str> {
        self.prompt.as_deref()
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Switches between the modal (Vim-style) way of working and the plain
    /// "just type" one.
    pub fn set_modal(&mut self, modal: bool) {
        self.mode = if modal { Mode::Normal } else { Mode::Edit };
        self.clamp();
    }

    /// Puts the cursor on `column` (characters) of `line`, both clamped to
    /// the text, as the page does for a click. It moves like a motion key:
    /// the column becomes the preferred one, a half-typed `gg` or `dd` is
    /// forgotten, and outside an insert session it ends the undo step.
    pub fn set_cursor(&mut self, line: usize, column: usize) {
        self.pending = None;
        self.set_column(line.min(self.buffer.line_count() - 1), column);
        if self.mode != Mode::Insert {
            self.close_step();
        }
    }

    /// The selection in Visual mode, as a byte range (inclusive of the
    /// character under the cursor).
    pub fn selection(&self) -> Option<(usize, usize)> {
        (self.mode == Mode::Visual).then(|| {
            let (start, last) = (self.anchor.min(self.cursor), self.anchor.max(self.cursor));
            (start, self.after_char(last))
        })
    }

    pub fn buffer(&self) -> &Buffer {
        &self.buffer
    }

    pub fn text(&self) -> String {
        self.buffer.to_string()
    }

    /// The cursor's line and column, both 0-based, the column in characters.
    pub fn cursor(&self) -> (usize, usize) {
        let (line, _) = self.buffer.line_col(self.cursor).expect("the cursor is always valid");
        (line, self.column_of(line, self.cursor))
    }

    /// The cursor as a byte offset.
    pub fn cursor_offset(&self) -> usize {
        self.cursor
    }

    /// Handles one key; keys it does not know are ignored.
    pub fn press(&mut self, key: &str) {
        if self.prompt.is_some() {
            return self.prompt_key(key);
        }
        match key {
            "Ctrl+z" => return self.undo(),
            "Ctrl+y" | "Ctrl+r" => return self.redo(),
            "u" if self.mode == Mode::Normal && self.pending.is_none() => return self.undo(),
            _ => {}
        }
        match self.mode {
            Mode::Normal => self.normal_key(key),
            Mode::Visual => self.visual_key(key),
            Mode::Insert | Mode::Edit => self.typing_key(key),
        }
        // A Normal-mode command is one step; typing stays one step until
        // Escape (Insert) or a key that is not typing (Edit).
        let typing = matches!(key, "Enter" | "Tab" | "Backspace" | "Delete")
            || (key.chars().count() == 1 && !key.chars().any(char::is_control));
        if matches!(self.mode, Mode::Normal | Mode::Visual) || (self.mode == Mode::Edit && !typing) {
            self.close_step();
        }
    }

    /// Undoes the last step; the cursor returns to where it was before it.
    pub fn undo(&mut self) {
        self.close_step();
        let Some(step) = self.undo.pop() else { return };
        for change in step.changes.iter().rev() {
            let end = change.offset + change.inserted.len();
            self.buffer.delete(change.offset, end).expect("undo replays exact ranges");
            self.buffer.insert(change.offset, &change.deleted).expect("undo replays exact ranges");
        }
        self.revision += 1;
        self.cursor = step.cursor_before.min(self.buffer.len());
        if self.mode == Mode::Insert || self.mode == Mode::Visual {
            self.mode = Mode::Normal;
        }
        self.clamp();
        self.redo.push(step);
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) {
        self.close_step();
        let Some(step) = self.redo.pop() else { return };
        for change in &step.changes {
            let end = change.offset + change.deleted.len();
            self.buffer.delete(change.offset, end).expect("redo replays exact ranges");
            self.buffer.insert(change.offset, &change.inserted).expect("redo replays exact ranges");
        }
        self.revision += 1;
        self.cursor = step.changes.first().map_or(self.cursor, |c| c.offset).min(self.buffer.len());
        self.clamp();
        self.undo.push(step);
    }

    fn close_step(&mut self) {
        if let Some(step) = self.open_step.take() {
            if !step.changes.is_empty() {
                self.undo.push(step);
            }
        }
    }

    /// Every change to the text goes through here or `delete`, so it can be undone.
    fn insert(&mut self, offset: usize, text: &str) {
        self.buffer.insert(offset, text).expect("edits are made on boundaries");
        self.record(Change { offset, deleted: String::new(), inserted: text.to_string() });
    }

    fn delete(&mut self, start: usize, end: usize) {
        let deleted = self.buffer.text(start, end).expect("edits are made on boundaries");
        self.buffer.delete(start, end).expect("edits are made on boundaries");
        self.record(Change { offset: start, deleted, inserted: String::new() });
    }

    fn record(&mut self, change: Change) {
        self.revision += 1;
        self.redo.clear();
        let cursor = self.cursor;
        self.open_step
            .get_or_insert_with(|| UndoStep { changes: Vec::new(), cursor_before: cursor })
            .changes
            .push(change);
    }

    fn normal_key(&mut self, key: &str) {
        if let Some(pending) = self.pending.take() {
            match (pending, key) {
                ('g', "g") => self.go_to_line(0),
                ('d', "d") => self.delete_line(),
                ('d', "w") => self.delete_word(),
                ('y', "y") => self.yank_line(),
                _ => {}
            }
            return;
        }
        let (line, column) = self.cursor();
        match key {
            "g" | "d" | "y" => self.pending = key.chars().next(),
            "i" => self.mode = Mode::Insert,
            "a" => {
                self.mode = Mode::Insert;
                if !self.line_text(line).is_empty() {
                    self.set_column(line, column + 1);
                }
            }
            "o" => self.open_line(line + 1),
            "O" => self.open_line(line),
            "x" | "Delete" => {
                let end = self.after_char(self.cursor);
                self.delete_into_register(self.cursor, end, false);
            }
            "p" => self.paste(),
            "/" => self.prompt = Some(String::new()),
            "n" => self.search(true),
            "N" => self.search(false),
            "v" => {
                self.mode = Mode::Visual;
                self.anchor = self.cursor;
            }
            _ => self.motion(key, line, column),
        }
    }

    /// Keys while a `/` search is being typed.
    fn prompt_key(&mut self, key: &str) {
        let prompt = self.prompt.as_mut().expect("a prompt is open");
        match key {
            "Escape" => self.prompt = None,
            "Enter" => {
                let pattern = self.prompt.take().unwrap_or_default();
                if !pattern.is_empty() {
                    self.last_search = Some(pattern);
                }
                self.search(true);
            }
            "Backspace" => {
                if prompt.pop().is_none() {
                    self.prompt = None;
                }
            }
            _ if key.chars().count() == 1 && !key.chars().any(char::is_control) => prompt.push_str(key),
            _ => {}
        }
    }

    /// Moves to the next (or previous) match of the last search, wrapping
    /// around the end (or start) of the text; stays put when there is none.
    fn search(&mut self, forward: bool) {
        let Some(pattern) = self.last_search.clone() else { return };
        let text = self.buffer.to_string();
        let after = self.after_char(self.cursor).min(text.len());
        let found = if forward {
            text[after..].find(&pattern).map(|i| after + i).or_else(|| text.find(&pattern))
        } else {
            text[..self.cursor].rfind(&pattern).or_else(|| text.rfind(&pattern))
        };
        if let Some(offset) = found {
            self.move_to(offset);
        }
    }

    fn visual_key(&mut self, key: &str) {
        let (line, column) = self.cursor();
        match key {
            "Escape" | "v" => self.leave_to_normal(),
            "d" | "x" | "y" => {
                let (start, end) = self.selection().expect("in Visual mode");
                let text = self.buffer.text(start, end).expect("a selection is on boundaries");
                self.register = Some(Register { text, linewise: false });
                if key != "y" {
                    self.delete(start, end);
                }
                self.cursor = start;
                self.leave_to_normal();
            }
            _ => self.motion(key, line, column),
        }
    }

    fn typing_key(&mut self, key: &str) {
        let (line, column) = self.cursor();
        match key {
            "Escape" if self.mode == Mode::Insert => {
                // Vim steps back onto the character just typed.
                self.close_step();
                self.mode = Mode::Normal;
                self.set_column(line, column.saturating_sub(1));
            }
            "Enter" => self.type_text("\n"),
            "Tab" => self.type_text("\t"),
            "Backspace" => {
                if let Some(previous) = self.previous_offset(self.cursor) {
                    self.delete(previous, self.cursor);
                    self.move_to(previous);
                }
            }
            "Delete" => {
                if self.cursor < self.buffer.len() {
                    let end = self.after_char(self.cursor);
                    self.delete(self.cursor, end);
                }
            }
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End" => self.motion(key, line, column),
            _ if key.chars().count() == 1 && !key.chars().any(char::is_control) => self.type_text(key),
            _ => {}
        }
    }

    fn motion(&mut self, key: &str, line: usize, column: usize) {
        match key {
            "h" | "ArrowLeft" => self.set_column(line, column.saturating_sub(1)),
            "l" | "ArrowRight" => self.set_column(line, column + 1),
            "j" | "ArrowDown" => self.vertical(line + 1),
            "k" | "ArrowUp" => self.vertical(line.wrapping_sub(1)),
            "0" | "Home" => self.set_column(line, 0),
            "^" => self.set_column(line, self.first_non_blank(line)),
            "$" | "End" => {
                self.set_column(line, usize::MAX);
                self.preferred = Preferred::End;
            }
            "g" => self.pending = Some('g'),
            "G" => self.go_to_line(self.buffer.line_count() - 1),
            "w" => self.word_forward(),
            "b" => self.word_backward(),
            "e" => self.word_end(),
            _ => {}
        }
    }

    fn type_text(&mut self, text: &str) {
        self.insert(self.cursor, text);
        self.move_to(self.cursor + text.len());
    }

    fn leave_to_normal(&mut self) {
        self.mode = Mode::Normal;
        self.clamp();
    }

    /// Keeps the cursor where the mode allows it.
    fn clamp(&mut self) {
        let (line, column) = self.cursor();
        self.set_column(line, column);
    }

    /// Opens an empty line that becomes line `line`, and types there.
    fn open_line(&mut self, line: usize) {
        self.cursor = match self.buffer.line_start(line) {
            Ok(start) => {
                self.insert(start, "\n");
                start
            }
            Err(_) => {
                let end = self.buffer.len();
                self.insert(end, "\n");
                end + 1
            }
        };
        self.mode = Mode::Insert;
        self.preferred = Preferred::Column(0);
    }

    /// The byte range of `line` with its newline (or the one before it, for
    /// the last line of a text with several).
    fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.buffer.line_start(line).expect("line exists");
        match self.buffer.line_start(line + 1) {
            Ok(next) => (start, next),
            Err(_) if line > 0 => (start - 1, self.buffer.len()),
            Err(_) => (start, self.buffer.len()),
        }
    }

    fn delete_line(&mut self) {
        let (line, _) = self.cursor();
        let text = self.line_text(line) + "\n";
        let (start, end) = self.line_range(line);
        self.delete(start, end);
        self.register = Some(Register { text, linewise: true });
        let line = line.min(self.buffer.line_count() - 1);
        self.go_to_line(line);
    }

    fn yank_line(&mut self) {
        let (line, _) = self.cursor();
        self.register = Some(Register { text: self.line_text(line) + "\n", linewise: true });
    }

    /// `dw`: to where `w` goes, but never past the end of the line.
    fn delete_word(&mut self) {
        let (line, _) = self.cursor();
        let start = self.cursor;
        let preferred = self.preferred;
        self.word_forward();
        let (end_line, _) = self.cursor();
        let mut end = self.cursor;
        if end_line != line || end == start {
            let line_end = self.line_range(line).0 + self.line_text(line).len();
            end = line_end;
        }
        self.cursor = start;
        self.preferred = preferred;
        self.delete_into_register(start, end, false);
    }

    fn delete_into_register(&mut self, start: usize, end: usize, linewise: bool) {
        if start >= end {
            return;
        }
        let text = self.buffer.text(start, end).expect("boundaries");
        self.delete(start, end);
        self.register = Some(Register { text, linewise });
        self.cursor = start.min(self.buffer.len());
        self.clamp();
    }

    fn paste(&mut self) {
        let Some(register) = self.register.clone() else { return };
        let (line, _) = self.cursor();
        if register.linewise {
            let below = self.line_range(line).0 + self.line_text(line).len();
            let text = format!("\n{}", register.text.trim_end_matches('\n'));
            let at = if self.buffer.line_start(line + 1).is_ok() { below } else { self.buffer.len() };
            self.insert(at, &text);
            self.go_to_line(line + 1);
        } else {
            let at = if self.buffer.is_empty() { 0 } else { self.after_char(self.cursor) };
            self.insert(at, &register.text);
            let last = self.previous_offset(at + register.text.len()).unwrap_or(0);
            self.move_to(last);
        }
    }

    /// The offset just after the character at `offset`.
    fn after_char(&self, offset: usize) -> usize {
        self.char_at(offset).map_or(offset, |c| offset + c.len_utf8())
    }

    /// Presses each character of `keys` as a key.
    pub fn type_keys(&mut self, keys: &str) {
        let mut utf8 = [0; 4];
        for c in keys.chars() {
            self.press(c.encode_utf8(&mut utf8));
        }
    }

    fn vertical(&mut self, line: usize) {
        if line >= self.buffer.line_count() {
            return;
        }
        let column = match self.preferred {
            Preferred::Column(column) => column,
            Preferred::End => usize::MAX,
        };
        self.cursor = self.offset_at(line, column);
    }

    fn go_to_line(&mut self, line: usize) {
        self.set_column(line, self.first_non_blank(line));
    }

    /// Moves to `column` of `line` (clamped) and makes it the preferred column.
    fn set_column(&mut self, line: usize, column: usize) {
        self.cursor = self.offset_at(line, column);
        self.preferred = Preferred::Column(self.column_of(line, self.cursor));
    }

    /// The offset of `column` on `line`, clamped to the line's last
    /// character — or, when typing, to just after it.
    fn offset_at(&self, line: usize, column: usize) -> usize {
        let text = self.line_text(line);
        let start = self.buffer.line_start(line).expect("line exists");
        let last = if matches!(self.mode, Mode::Insert | Mode::Edit) {
            text.len()
        } else {
            text.char_indices().last().map_or(0, |(i, _)| i)
        };
        start + text.char_indices().nth(column).map_or(last, |(i, _)| i)
    }

    fn column_of(&self, line: usize, offset: usize) -> usize {
        let start = self.buffer.line_start(line).expect("line exists");
        self.buffer.text(start, offset).expect("on a boundary").chars().count()
    }

    /// The text of `line` without its newline.
    fn line_text(&self, line: usize) -> String {
        let start = self.buffer.line_start(line).expect("line exists");
        let end = match self.buffer.line_start(line + 1) {
            Ok(next) => next - 1,
            Err(_) => self.buffer.len(),
        };
        self.buffer.text(start, end).expect("line bounds are boundaries")
    }

    fn first_non_blank(&self, line: usize) -> usize {
        let text = self.line_text(line);
        let count = text.chars().count();
        text.chars().position(|c| !c.is_whitespace()).unwrap_or(count.saturating_sub(1))
    }

    // Word motions walk the text a character at a time from the cursor.

    fn char_at(&self, offset: usize) -> Option<char> {
        let first = self.buffer.byte_at(offset)?;
        let width = match first {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        self.buffer.text(offset, offset + width).ok()?.chars().next()
    }

    fn next_offset(&self, offset: usize) -> Option<usize> {
        let c = self.char_at(offset)?;
        let next = offset + c.len_utf8();
        (next < self.buffer.len()).then_some(next)
    }

    fn previous_offset(&self, offset: usize) -> Option<usize> {
        let mut at = offset.checked_sub(1)?;
        while self.buffer.byte_at(at).is_some_and(is_continuation) {
            at -= 1;
        }
        Some(at)
    }

    fn class_at(&self, offset: usize) -> Class {
        self.char_at(offset).map_or(Class::Blank, class)
    }

    /// `w`: the start of the next word; the last character if there is none.
    fn word_forward(&mut self) {
        let start = self.class_at(self.cursor);
        let mut at = self.cursor;
        while self.class_at(at) == start && start != Class::Blank {
            match self.next_offset(at) {
                Some(next) => at = next,
                None => return self.move_to(at),
            }
        }
        while self.class_at(at) == Class::Blank {
            match self.next_offset(at) {
                Some(next) => at = next,
                None => return self.move_to(at),
            }
        }
        self.move_to(at);
    }

    /// `e`: the end of this word, or of the next one when already at an end.
    fn word_end(&mut self) {
        let Some(mut at) = self.next_offset(self.cursor) else { return };
        while self.class_at(at) == Class::Blank {
            match self.next_offset(at) {
                Some(next) => at = next,
                None => return self.move_to(at),
            }
        }
        let word = self.class_at(at);
        while let Some(next) = self.next_offset(at) {
            if self.class_at(next) != word {
                break;
            }
            at = next;
        }
        self.move_to(at);
    }

    /// `b`: the start of this word, or of the previous one when at a start.
    fn word_backward(&mut self) {
        let Some(mut at) = self.previous_offset(self.cursor) else { return };
        while self.class_at(at) == Class::Blank {
            match self.previous_offset(at) {
                Some(previous) => at = previous,
                None => return self.move_to(at),
            }
        }
        let word = self.class_at(at);
        while let Some(previous) = self.previous_offset(at) {
            if self.class_at(previous) != word {
                break;
            }
            at = previous;
        }
        self.move_to(at);
    }

    /// Puts the cursor on `offset`, off a newline (onto the line's last
    /// character), and makes its column the preferred one.
    fn move_to(&mut self, offset: usize) {
        let (line, _) = self.buffer.line_col(offset).expect("offset is valid");
        let column = self.column_of(line, offset);
        self.set_column(line, column);
    }
}
