//! A source of bytes for the piece table — the original file or the
//! append-only "add" buffer — with the index that finds any range's newline
//! and character counts, and the n-th newline, without rescanning the text.
//!
//! The index is a checkpoint every `BLOCK` bytes: the characters and
//! newlines before it. A question about a range is answered from two
//! checkpoints plus at most two scans of less than a block each (see
//! `scan`: sixteen bytes per step with SIMD). Counts rather than the
//! position of every newline: a 10 MB file needs 20 KB of index instead of
//! 4 bytes per line, and loading it is one pass that checks the UTF-8 and
//! counts, with nothing to append per line — a load spent most of its time
//! writing that list into fresh memory.

use crate::scan::{self, Counts};

/// Bytes between two checkpoints: a multiple of the 16-byte vector, and
/// small enough that scanning a block costs less than a microsecond.
const BLOCK: usize = 4096;

/// Characters and newlines before a checkpoint.
#[derive(Debug, Clone, Copy, Default)]
struct Checkpoint {
    chars: u32,
    newlines: u32,
}

impl From<Checkpoint> for Counts {
    fn from(c: Checkpoint) -> Counts {
        Counts { chars: c.chars as usize, newlines: c.newlines as usize }
    }
}

impl From<Counts> for Checkpoint {
    fn from(c: Counts) -> Checkpoint {
        Checkpoint { chars: c.chars as u32, newlines: c.newlines as u32 }
    }
}

#[derive(Debug)]
pub struct Source {
    bytes: Vec<u8>,
    /// `checkpoints[k]`: the counts of `bytes[..k * BLOCK]`.
    checkpoints: Vec<Checkpoint>,
}

impl Default for Source {
    fn default() -> Source {
        Source { bytes: Vec::new(), checkpoints: vec![Checkpoint::default()] }
    }
}

impl Source {
    /// Takes a loaded file's bytes as they are (moved here, never copied),
    /// checks that they are UTF-8 and indexes them, in one pass. `Err`
    /// carries the offset where the bytes stop being UTF-8.
    pub fn load(bytes: Vec<u8>) -> Result<Source, usize> {
        let mut checkpoints = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut total = Counts::default();
        checkpoints.push(Checkpoint::default());
        scan::validate_and_count(&bytes, BLOCK, |block| {
            total += block;
            checkpoints.push(total.into());
        })?;
        // The last block, if it is short, has no checkpoint at its end.
        checkpoints.truncate(bytes.len() / BLOCK + 1);
        Ok(Source { bytes, checkpoints })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Appends `more` (already known to be UTF-8) and indexes only the
    /// blocks it completes.
    pub fn append(&mut self, more: &str) {
        self.bytes.extend_from_slice(more.as_bytes());
        while self.checkpoints.len() <= self.bytes.len() / BLOCK {
            let k = self.checkpoints.len();
            let block = scan::counts(&self.bytes[(k - 1) * BLOCK..k * BLOCK]);
            self.checkpoints.push((Counts::from(self.checkpoints[k - 1]) + block).into());
        }
    }

    /// Characters and newlines in `bytes[start..end]`: a short range is
    /// scanned, a long one found from the checkpoints and two short scans.
    pub fn counts_in(&self, start: usize, end: usize) -> Counts {
        if end - start <= BLOCK {
            return scan::counts(&self.bytes[start..end]);
        }
        self.counts_before(end) - self.counts_before(start)
    }

    fn counts_before(&self, offset: usize) -> Counts {
        let k = offset / BLOCK;
        Counts::from(self.checkpoints[k]) + scan::counts(&self.bytes[k * BLOCK..offset])
    }

    /// The offset of the `n`-th newline (0-based) at or after `start`; it
    /// must exist. The checkpoints say which block holds it, and only that
    /// block is scanned (and `start`'s, up to `start`): the text between
    /// the two is never read again.
    pub fn nth_newline_from(&self, start: usize, n: usize) -> usize {
        let wanted = self.counts_before(start).newlines + n;
        let k = self.checkpoints.partition_point(|c| c.newlines as usize <= wanted) - 1;
        let within = wanted - self.checkpoints[k].newlines as usize;
        k * BLOCK + scan::nth_newline(&self.bytes[k * BLOCK..], within).expect("the newline exists")
    }

    /// The character boundary at or after `start` with `chars` characters
    /// between it and `start` (or the end). A short distance is scanned; a
    /// long one jumps by checkpoint, then scans at most one block.
    pub fn advance_chars(&self, start: usize, chars: usize) -> usize {
        let (offset, count, target) = if chars <= BLOCK {
            (start, 0, chars)
        } else {
            let target = self.counts_before(start).chars + chars;
            let k = self.checkpoints.partition_point(|c| c.chars as usize <= target).saturating_sub(1);
            let offset = (k * BLOCK).max(start);
            (offset, self.counts_before(offset).chars, target)
        };
        offset + scan::advance_chars(&self.bytes[offset..], target - count)
    }
}
