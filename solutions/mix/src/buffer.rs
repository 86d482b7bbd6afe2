//! The text buffer: a piece table over the original file and an append-only
//! add buffer, with the pieces kept in small blocks that carry their byte,
//! character and newline totals. Finding an offset or a line walks the
//! block totals, then one block — never the text — so an edit costs the same
//! in a 10 MB document as in a 10 byte one, and the text loaded from a file
//! is never copied again.

use crate::source::{is_continuation, Source};
use core::fmt;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Original,
    Added,
}

/// A run of bytes of one source.
#[derive(Debug, Clone, Copy)]
struct Piece {
    origin: Origin,
    start: usize,
    len: usize,
    chars: usize,
    newlines: usize,
}

/// Pieces with their totals, so whole blocks can be skipped.
#[derive(Debug, Default)]
struct Block {
    pieces: Vec<Piece>,
    len: usize,
    chars: usize,
    newlines: usize,
}

impl Block {
    fn recount(&mut self) {
        self.len = self.pieces.iter().map(|p| p.len).sum();
        self.chars = self.pieces.iter().map(|p| p.chars).sum();
        self.newlines = self.pieces.iter().map(|p| p.newlines).sum();
    }
}

/// Blocks split when they reach this many pieces.
const MAX_PIECES: usize = 64;

#[derive(Debug)]
pub struct Buffer {
    original: Source,
    added: Source,
    blocks: Vec<Block>,
    len: usize,
    chars: usize,
    newlines: usize,
}

impl Default for Buffer {
    fn default() -> Self {
        Buffer::new()
    }
}

impl Buffer {
    pub fn new() -> Buffer {
        Buffer {
            original: Source::default(),
            added: Source::default(),
            blocks: Vec::new(),
            len: 0,
            chars: 0,
            newlines: 0,
        }
    }

    /// Takes ownership of the loaded bytes: they become the original source
    /// and are never copied again.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Buffer, BufferError> {
        if let Err(error) = core::str::from_utf8(&bytes) {
            return Err(BufferError::InvalidUtf8 { valid_up_to: error.valid_up_to() });
        }
        let mut buffer = Buffer::new();
        buffer.original = Source::new(bytes);
        let len = buffer.original.len();
        if len > 0 {
            let piece = buffer.piece(Origin::Original, 0, len);
            buffer.blocks.push(Block { pieces: vec![piece], ..Block::default() });
            buffer.blocks[0].recount();
        }
        buffer.recount_totals();
        Ok(buffer)
    }

    pub fn from_str(text: &str) -> Buffer {
        Buffer::from_bytes(text.as_bytes().to_vec()).expect("a str is UTF-8")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Length in Unicode scalar values.
    pub fn char_len(&self) -> usize {
        self.chars
    }

    /// Lines, counting the (possibly empty) one after the last newline.
    pub fn line_count(&self) -> usize {
        self.newlines + 1
    }

    /// Inserts `text` at byte `offset`.
    pub fn insert(&mut self, offset: usize, text: &str) -> Result<(), BufferError> {
        self.check_offset(offset)?;
        if text.is_empty() {
            return Ok(());
        }
        let added_at = self.added.len();
        self.added.append(text.as_bytes());
        // Typing appends to the add buffer right after the previous insert:
        // then the piece ending here just grows, and no piece is added.
        if let Some((b, p)) = self.piece_ending_at(offset) {
            let piece = self.blocks[b].pieces[p];
            if piece.origin == Origin::Added && piece.start + piece.len == added_at {
                self.blocks[b].pieces[p] = Piece {
                    len: piece.len + text.len(),
                    chars: piece.chars + text.chars().count(),
                    newlines: piece.newlines + text.matches('\n').count(),
                    ..piece
                };
                self.blocks[b].recount();
                self.recount_totals();
                return Ok(());
            }
        }
        let new = self.piece(Origin::Added, added_at, text.len());
        let (b, p) = self.split_at(offset);
        self.blocks[b].pieces.insert(p, new);
        self.blocks[b].recount();
        self.rebalance(b);
        self.recount_totals();
        Ok(())
    }

    /// Deletes the bytes `start..end`.
    pub fn delete(&mut self, start: usize, end: usize) -> Result<(), BufferError> {
        if start > end {
            return Err(BufferError::BadRange { start, end });
        }
        self.check_offset(start)?;
        self.check_offset(end)?;
        if start == end {
            return Ok(());
        }
        self.split_at(end);
        let (first_block, first_piece) = self.split_at(start);
        // Remove whole pieces from `start` until `end - start` bytes are gone.
        let mut remaining = end - start;
        let mut b = first_block;
        let mut p = first_piece;
        while remaining > 0 {
            if p >= self.blocks[b].pieces.len() {
                b += 1;
                p = 0;
                continue;
            }
            let removed = self.blocks[b].pieces.remove(p);
            remaining -= removed.len;
        }
        for block in &mut self.blocks[first_block..=b] {
            block.recount();
        }
        self.blocks.retain(|block| !block.pieces.is_empty());
        self.recount_totals();
        Ok(())
    }

    /// The text of bytes `start..end`.
    pub fn text(&self, start: usize, end: usize) -> Result<String, BufferError> {
        if start > end {
            return Err(BufferError::BadRange { start, end });
        }
        self.check_offset(start)?;
        self.check_offset(end)?;
        let mut out = Vec::with_capacity(end - start);
        self.for_each_slice(start, end, |slice| out.extend_from_slice(slice));
        Ok(String::from_utf8(out).expect("pieces split only at character boundaries"))
    }

    /// The whole text.
    pub fn to_string(&self) -> String {
        self.text(0, self.len).expect("the whole range is valid")
    }

    /// Calls `f` with each contiguous slice of `start..end`, in order — for
    /// copying visible lines out without building strings.
    pub fn for_each_slice(&self, start: usize, end: usize, mut f: impl FnMut(&[u8])) {
        let mut at = 0;
        for block in &self.blocks {
            // Whole blocks before the range are skipped by their totals.
            if at + block.len <= start {
                at += block.len;
                continue;
            }
            for piece in &block.pieces {
                let (from, to) = (at.max(start), (at + piece.len).min(end));
                if from < to {
                    let bytes = self.source(piece.origin).bytes();
                    f(&bytes[piece.start + from - at..piece.start + to - at]);
                }
                at += piece.len;
                if at >= end {
                    return;
                }
            }
        }
    }

    /// The byte offset where line `line` (0-based) starts.
    pub fn line_start(&self, line: usize) -> Result<usize, BufferError> {
        if line >= self.line_count() {
            return Err(BufferError::NoSuchLine { line, lines: self.line_count() });
        }
        if line == 0 {
            return Ok(0);
        }
        // Find the piece holding the line-th newline; the line starts after it.
        let mut wanted = line - 1;
        let mut at = 0;
        for block in &self.blocks {
            if wanted >= block.newlines {
                wanted -= block.newlines;
                at += block.len;
                continue;
            }
            for piece in &block.pieces {
                if wanted < piece.newlines {
                    let source = self.source(piece.origin);
                    let newline = source.nth_newline_from(piece.start, wanted);
                    return Ok(at + newline - piece.start + 1);
                }
                wanted -= piece.newlines;
                at += piece.len;
            }
        }
        unreachable!("line_count counts every newline")
    }

    /// The line (0-based) and byte column of `offset`.
    pub fn line_col(&self, offset: usize) -> Result<(usize, usize), BufferError> {
        self.check_offset(offset)?;
        let line = self.newlines_before(offset);
        Ok((line, offset - self.line_start(line)?))
    }

    /// The byte offset of character number `index` (the end for `char_len()`).
    pub fn char_to_byte(&self, index: usize) -> Result<usize, BufferError> {
        if index > self.chars {
            return Err(BufferError::OutOfRange { offset: index, len: self.chars });
        }
        let mut wanted = index;
        let mut at = 0;
        for block in &self.blocks {
            if wanted >= block.chars {
                wanted -= block.chars;
                at += block.len;
                continue;
            }
            for piece in &block.pieces {
                if wanted < piece.chars {
                    let source = self.source(piece.origin);
                    return Ok(at + source.advance_chars(piece.start, wanted) - piece.start);
                }
                wanted -= piece.chars;
                at += piece.len;
            }
        }
        Ok(self.len)
    }

    /// The byte at `offset`, if any.
    pub fn byte_at(&self, offset: usize) -> Option<u8> {
        let mut found = None;
        if offset < self.len {
            self.for_each_slice(offset, offset + 1, |slice| found = Some(slice[0]));
        }
        found
    }

    fn newlines_before(&self, offset: usize) -> usize {
        let mut count = 0;
        let mut at = 0;
        for block in &self.blocks {
            if at + block.len <= offset {
                count += block.newlines;
                at += block.len;
                continue;
            }
            for piece in &block.pieces {
                if at + piece.len <= offset {
                    count += piece.newlines;
                    at += piece.len;
                } else {
                    let source = self.source(piece.origin);
                    return count + source.newlines_in(piece.start, piece.start + offset - at);
                }
            }
        }
        count
    }

    fn check_offset(&self, offset: usize) -> Result<(), BufferError> {
        if offset > self.len {
            return Err(BufferError::OutOfRange { offset, len: self.len });
        }
        if self.byte_at(offset).is_some_and(is_continuation) {
            return Err(BufferError::NotCharBoundary { offset });
        }
        Ok(())
    }

    fn source(&self, origin: Origin) -> &Source {
        match origin {
            Origin::Original => &self.original,
            Origin::Added => &self.added,
        }
    }

    /// A piece with its counts, from the source's indexes (no scan).
    fn piece(&self, origin: Origin, start: usize, len: usize) -> Piece {
        let source = self.source(origin);
        Piece {
            origin,
            start,
            len,
            chars: source.chars_in(start, start + len),
            newlines: source.newlines_in(start, start + len),
        }
    }

    /// The (block, piece) whose last byte is just before `offset`.
    fn piece_ending_at(&self, offset: usize) -> Option<(usize, usize)> {
        let mut at = 0;
        for (b, block) in self.blocks.iter().enumerate() {
            if at + block.len < offset {
                at += block.len;
                continue;
            }
            for (p, piece) in block.pieces.iter().enumerate() {
                at += piece.len;
                if at == offset {
                    return Some((b, p));
                }
                if at > offset {
                    return None;
                }
            }
        }
        None
    }

    /// Makes `offset` a piece boundary and returns the position of the
    /// piece that starts there (which may be one past the last).
    fn split_at(&mut self, offset: usize) -> (usize, usize) {
        if self.blocks.is_empty() {
            self.blocks.push(Block::default());
            return (0, 0);
        }
        let mut at = 0;
        for b in 0..self.blocks.len() {
            let block_len = self.blocks[b].len;
            if at + block_len < offset || (at + block_len == offset && b + 1 < self.blocks.len()) {
                at += block_len;
                continue;
            }
            for p in 0..self.blocks[b].pieces.len() {
                let piece = self.blocks[b].pieces[p];
                if at == offset {
                    return (b, p);
                }
                if offset < at + piece.len {
                    let left = offset - at;
                    let head = self.piece(piece.origin, piece.start, left);
                    let tail = self.piece(piece.origin, piece.start + left, piece.len - left);
                    self.blocks[b].pieces[p] = head;
                    self.blocks[b].pieces.insert(p + 1, tail);
                    self.blocks[b].recount();
                    return self.rebalance_keeping(b, p + 1);
                }
                at += piece.len;
            }
            return (b, self.blocks[b].pieces.len());
        }
        let last = self.blocks.len() - 1;
        (last, self.blocks[last].pieces.len())
    }

    /// Splits block `b` if it grew too large.
    fn rebalance(&mut self, b: usize) {
        if self.blocks[b].pieces.len() >= MAX_PIECES {
            let tail = self.blocks[b].pieces.split_off(MAX_PIECES / 2);
            let mut block = Block { pieces: tail, ..Block::default() };
            block.recount();
            self.blocks[b].recount();
            self.blocks.insert(b + 1, block);
        }
    }

    /// `rebalance`, reporting where piece `p` of block `b` ended up.
    fn rebalance_keeping(&mut self, b: usize, p: usize) -> (usize, usize) {
        let before = self.blocks[b].pieces.len();
        self.rebalance(b);
        let kept = self.blocks[b].pieces.len();
        if kept < before && p >= kept {
            (b + 1, p - kept)
        } else {
            (b, p)
        }
    }

    fn recount_totals(&mut self) {
        self.len = self.blocks.iter().map(|b| b.len).sum();
        self.chars = self.blocks.iter().map(|b| b.chars).sum();
        self.newlines = self.blocks.iter().map(|b| b.newlines).sum();
    }
}
