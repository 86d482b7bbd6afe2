//! The editor: a buffer, a cursor and the keys that move it.
//!
//! Keys are named as the page's `KeyboardEvent.key` names them: `"h"`,
//! `"$"`, `"G"`, `"Escape"`, `"ArrowDown"`. Milestone 2 covers Normal-mode
//! motions; the cursor is a byte offset kept on a character, and never past
//! the last character of its line.

use crate::buffer::Buffer;
use crate::source::is_continuation;

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

#[derive(Debug)]
pub struct Editor {
    buffer: Buffer,
    /// Byte offset of the cursor's character.
    cursor: usize,
    preferred: Preferred,
    /// A key that waits for the next (`g` of `gg`).
    pending: Option<char>,
}

impl Editor {
    pub fn new(text: &str) -> Editor {
        Editor::from_buffer(Buffer::from_str(text))
    }

    pub fn from_buffer(buffer: Buffer) -> Editor {
        Editor { buffer, cursor: 0, preferred: Preferred::Column(0), pending: None }
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
        if let Some(pending) = self.pending.take() {
            if pending == 'g' && key == "g" {
                self.go_to_line(0);
            }
            return;
        }
        let (line, column) = self.cursor();
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

    /// The offset of `column` on `line`, clamped to the line's last character.
    fn offset_at(&self, line: usize, column: usize) -> usize {
        let text = self.line_text(line);
        let start = self.buffer.line_start(line).expect("line exists");
        let last = text.char_indices().last().map_or(0, |(i, _)| i);
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
