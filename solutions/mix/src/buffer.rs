//! The text buffer: a piece table over the original file and an append-only
//! add buffer, with the pieces kept in small blocks that carry their byte,
//! character and newline totals. Finding an offset or a line walks the
//! block totals, then one block — never the text — so an edit costs the same
//! in a 10 MB document as in a 10 byte one, and the text loaded from a file
//! is never copied again.

use crate::scan::is_continuation;
use crate::source::Source;
use core::cell::Cell;
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
    fn grow(&mut self, by: &Piece) {
        self.len += by.len;
        self.chars += by.chars;
        self.newlines += by.newlines;
    }

    fn shrink(&mut self, by: &Piece) {
        self.len -= by.len;
        self.chars -= by.chars;
        self.newlines -= by.newlines;
    }

    fn recount(&mut self) {
        self.len = self.pieces.iter().map(|p| p.len).sum();
        self.chars = self.pieces.iter().map(|p| p.chars).sum();
        self.newlines = self.pieces.iter().map(|p| p.newlines).sum();
    }
}

/// Where a byte offset falls: `within` bytes into piece `piece` of block
/// `block`, or one past the last piece at the end of the text.
#[derive(Debug, Clone, Copy)]
struct Position {
    block: usize,
    piece: usize,
    within: usize,
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
    /// The block the last search ended in. Edits cluster (typing, a trace's
    /// next keystroke), so searching from here instead of from the first
    /// block makes finding the next edit's place independent of where in
    /// the document it is. Every edit leaves it on a block whose start it
    /// did not move.
    finger: Cell<Finger>,
}

/// The start of block `block`, in bytes and in characters.
#[derive(Debug, Clone, Copy, Default)]
struct Finger {
    block: usize,
    bytes: usize,
    chars: usize,
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
            finger: Cell::default(),
        }
    }

    /// Takes ownership of the loaded bytes: they become the original source
    /// and are never copied again.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Buffer, BufferError> {
        let mut buffer = Buffer::new();
        buffer.original = Source::load(bytes).map_err(|valid_up_to| BufferError::InvalidUtf8 { valid_up_to })?;
        let len = buffer.original.len();
        if len > 0 {
            let piece = buffer.piece(Origin::Original, 0, len);
            buffer.blocks.push(Block { pieces: vec![piece], ..Block::default() });
            buffer.blocks[0].recount();
            buffer.len = len;
            buffer.chars = piece.chars;
            buffer.newlines = piece.newlines;
        }
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
        let at = self.checked_position(offset)?;
        if text.is_empty() {
            return Ok(());
        }
        let added_at = self.added.len();
        self.added.append(text);
        let new = self.piece(Origin::Added, added_at, text.len());
        self.len += new.len;
        self.chars += new.chars;
        self.newlines += new.newlines;
        if self.blocks.is_empty() {
            self.blocks.push(Block::default());
        }
        // Typing appends to the add buffer right after the previous insert:
        // then the piece ending here just grows, and no piece is added.
        if at.within == 0 {
            if let Some((b, p)) = self.piece_before(at) {
                let piece = &mut self.blocks[b].pieces[p];
                if piece.origin == Origin::Added && piece.start + piece.len == added_at {
                    piece.len += new.len;
                    piece.chars += new.chars;
                    piece.newlines += new.newlines;
                    self.blocks[b].grow(&new);
                    // The piece that grew may be the last of the block
                    // before the finger's: that block's start moved.
                    let mut finger = self.finger.get();
                    if finger.block > b {
                        finger.bytes += new.len;
                        finger.chars += new.chars;
                        self.finger.set(finger);
                    }
                    return Ok(());
                }
            }
        }
        let Position { block: b, piece: p, within } = at;
        if within == 0 {
            self.blocks[b].pieces.insert(p, new);
        } else {
            let (head, tail) = self.split(self.blocks[b].pieces[p], within);
            self.blocks[b].pieces.splice(p..=p, [head, new, tail]);
        }
        self.blocks[b].grow(&new);
        self.rebalance(b);
        Ok(())
    }

    /// Deletes the bytes `start..end`.
    pub fn delete(&mut self, start: usize, end: usize) -> Result<(), BufferError> {
        if start > end {
            return Err(BufferError::BadRange { start, end });
        }
        self.checked_position(start)?;
        self.checked_position(end)?;
        if start == end {
            return Ok(());
        }
        self.split_at(end);
        let (first_block, first_piece) = self.split_at(start);
        // Remove whole pieces from `start` until `end - start` bytes are gone.
        let mut remaining = end - start;
        let (mut b, mut p) = (first_block, first_piece);
        while remaining > 0 {
            if p >= self.blocks[b].pieces.len() {
                b += 1;
                p = 0;
                continue;
            }
            let removed = self.blocks[b].pieces.remove(p);
            self.blocks[b].shrink(&removed);
            self.chars -= removed.chars;
            self.newlines -= removed.newlines;
            remaining -= removed.len;
        }
        self.len -= end - start;
        for emptied in (first_block..=b).rev() {
            if self.blocks[emptied].pieces.is_empty() {
                self.blocks.remove(emptied);
            }
        }
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
        let Some(finger) = self.find_block(index, |block| block.chars, |finger| finger.chars) else {
            return Ok(self.len);
        };
        let (mut wanted, mut at) = (index - finger.chars, finger.bytes);
        for piece in &self.blocks[finger.block].pieces {
            if wanted < piece.chars {
                let source = self.source(piece.origin);
                return Ok(at + source.advance_chars(piece.start, wanted) - piece.start);
            }
            wanted -= piece.chars;
            at += piece.len;
        }
        unreachable!("a block's chars are its pieces' chars")
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
                    return count + source.counts_in(piece.start, piece.start + offset - at).newlines;
                }
            }
        }
        count
    }

    fn check_offset(&self, offset: usize) -> Result<(), BufferError> {
        self.checked_position(offset).map(|_| ())
    }

    /// Where `offset` is, once it is known to be inside the text (or at its
    /// end) and on a character boundary.
    fn checked_position(&self, offset: usize) -> Result<Position, BufferError> {
        if offset > self.len {
            return Err(BufferError::OutOfRange { offset, len: self.len });
        }
        let at = self.locate(offset);
        if let Some(piece) = self.blocks.get(at.block).and_then(|block| block.pieces.get(at.piece)) {
            if is_continuation(self.source(piece.origin).bytes()[piece.start + at.within]) {
                return Err(BufferError::NotCharBoundary { offset });
            }
        }
        Ok(at)
    }

    /// The piece holding byte `offset`, found by skipping whole blocks by
    /// their totals; for the end of the text, one past the last piece.
    fn locate(&self, offset: usize) -> Position {
        let Some(finger) = self.find_block(offset, |block| block.len, |finger| finger.bytes) else {
            let last = self.blocks.len().saturating_sub(1);
            return Position {
                block: last,
                piece: self.blocks.get(last).map_or(0, |block| block.pieces.len()),
                within: 0,
            };
        };
        let mut at = finger.bytes;
        for (p, piece) in self.blocks[finger.block].pieces.iter().enumerate() {
            if offset < at + piece.len {
                return Position { block: finger.block, piece: p, within: offset - at };
            }
            at += piece.len;
        }
        unreachable!("a block's len is its pieces' len")
    }

    /// The block holding position `target` of a measure (bytes or
    /// characters), walking from the finger; `None` at the end of the text.
    fn find_block(&self, target: usize, size: fn(&Block) -> usize, start: fn(&Finger) -> usize) -> Option<Finger> {
        let mut finger = self.finger.get();
        if finger.block >= self.blocks.len() {
            finger = Finger::default();
        }
        while start(&finger) > target {
            finger.block -= 1;
            let block = &self.blocks[finger.block];
            finger.bytes -= block.len;
            finger.chars -= block.chars;
        }
        while finger.block < self.blocks.len() && start(&finger) + size(&self.blocks[finger.block]) <= target {
            let block = &self.blocks[finger.block];
            finger.bytes += block.len;
            finger.chars += block.chars;
            finger.block += 1;
        }
        (finger.block < self.blocks.len()).then(|| {
            self.finger.set(finger);
            finger
        })
    }

    /// The piece just before a piece boundary, if there is one.
    fn piece_before(&self, at: Position) -> Option<(usize, usize)> {
        if at.piece > 0 {
            Some((at.block, at.piece - 1))
        } else if at.block > 0 {
            Some((at.block - 1, self.blocks[at.block - 1].pieces.len() - 1))
        } else {
            None
        }
    }

    fn source(&self, origin: Origin) -> &Source {
        match origin {
            Origin::Original => &self.original,
            Origin::Added => &self.added,
        }
    }

    /// A piece with its counts, from the source's indexes (no scan).
    fn piece(&self, origin: Origin, start: usize, len: usize) -> Piece {
        let counts = self.source(origin).counts_in(start, start + len);
        Piece { origin, start, len, chars: counts.chars, newlines: counts.newlines }
    }

    /// `piece` cut `within` bytes in: the head's counts from the index, the
    /// tail's what the piece had left — no byte past the cut is read again.
    fn split(&self, piece: Piece, within: usize) -> (Piece, Piece) {
        let head = self.piece(piece.origin, piece.start, within);
        let tail = Piece {
            start: piece.start + within,
            len: piece.len - within,
            chars: piece.chars - head.chars,
            newlines: piece.newlines - head.newlines,
            ..piece
        };
        (head, tail)
    }

    /// Makes `offset` a piece boundary and returns the position of the
    /// piece that starts there (which may be one past the last).
    fn split_at(&mut self, offset: usize) -> (usize, usize) {
        let Position { block: b, piece: p, within } = self.locate(offset);
        if within == 0 {
            return (b, p);
        }
        // The two halves hold what the piece held: the block's totals stay.
        let (head, tail) = self.split(self.blocks[b].pieces[p], within);
        self.blocks[b].pieces.splice(p..=p, [head, tail]);
        self.rebalance_keeping(b, p + 1)
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
}
