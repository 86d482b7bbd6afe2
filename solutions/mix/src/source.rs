//! A source of bytes for the piece table — the original file or the
//! append-only "add" buffer — with the indexes that let any range's newline
//! and character counts be found without rescanning the text.

/// Bytes between two character checkpoints.
const CHECKPOINT: usize = 4096;

#[derive(Debug)]
pub struct Source {
    bytes: Vec<u8>,
    /// Byte offsets of every `\n`, ascending.
    newlines: Vec<u32>,
    /// `chars_before[k]`: characters in `bytes[..k * CHECKPOINT]`.
    chars_before: Vec<u32>,
}

impl Default for Source {
    fn default() -> Source {
        Source::new(Vec::new())
    }
}

impl Source {
    /// Takes the bytes as they are (a loaded file is moved here, never
    /// copied) and indexes them.
    pub fn new(bytes: Vec<u8>) -> Source {
        let mut source = Source { bytes, newlines: Vec::new(), chars_before: vec![0] };
        source.index_from(0);
        source
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Appends `more` and indexes only the new bytes.
    pub fn append(&mut self, more: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(more);
        self.index_from(start);
    }

    /// Extends both indexes over `bytes[start..]`.
    fn index_from(&mut self, start: usize) {
        push_newlines(&self.bytes[start..], start, &mut self.newlines);
        let complete = self.bytes.len() / CHECKPOINT;
        while self.chars_before.len() <= complete {
            let k = self.chars_before.len();
            let from = (k - 1) * CHECKPOINT;
            let counted = count_chars(&self.bytes[from..k * CHECKPOINT]);
            self.chars_before.push(self.chars_before[k - 1] + counted as u32);
        }
    }

    /// Newlines in `bytes[start..end]`: two binary searches.
    pub fn newlines_in(&self, start: usize, end: usize) -> usize {
        self.newlines_before(end) - self.newlines_before(start)
    }

    fn newlines_before(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| (n as usize) < offset)
    }

    /// The offset of the `n`-th newline (0-based) at or after `start`.
    pub fn nth_newline_from(&self, start: usize, n: usize) -> usize {
        self.newlines[self.newlines_before(start) + n] as usize
    }

    /// Characters in `bytes[start..end]`: a short range is counted, a long
    /// one found from the checkpoints plus at most two short scans.
    pub fn chars_in(&self, start: usize, end: usize) -> usize {
        if end - start <= CHECKPOINT {
            return count_chars(&self.bytes[start..end]);
        }
        self.chars_before(end) - self.chars_before(start)
    }

    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / CHECKPOINT;
        self.chars_before[k] as usize + count_chars(&self.bytes[k * CHECKPOINT..offset])
    }

    /// The character boundary at or after `start` with `chars` characters
    /// between it and `start` (or the end). A short distance is scanned; a
    /// long one jumps by checkpoint, then scans at most one checkpoint.
    pub fn advance_chars(&self, start: usize, chars: usize) -> usize {
        let (mut offset, mut count, target) = if chars <= CHECKPOINT {
            (start, 0, chars)
        } else {
            let target = self.chars_before(start) + chars;
            let k = self.chars_before.partition_point(|&c| c as usize <= target).saturating_sub(1);
            let offset = (k * CHECKPOINT).max(start);
            (offset, self.chars_before(offset), target)
        };
        while offset < self.bytes.len() && (count < target || is_continuation(self.bytes[offset])) {
            if !is_continuation(self.bytes[offset]) {
                count += 1;
            }
            offset += 1;
        }
        offset
    }
}

pub fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

/// Characters in `bytes`: the bytes that do not continue a character,
/// counted eight at a time (a continuation byte is 0b10xxxxxx: bit 7 set,
/// bit 6 clear).
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut continuations = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of 8"));
        continuations += (word & !(word << 1) & HIGH_BITS).count_ones() as usize;
    }
    bytes.len() - continuations - words.remainder().iter().filter(|&&b| is_continuation(b)).count()
}

/// Appends `base + i` for each `\n` at `bytes[i]`, eight bytes at a time:
/// the newlines of a word are marked exactly by a bit trick and taken
/// lowest first. A load spends most of its time here, and a fresh module's
/// first load runs this before the engine has optimised it, so it is kept
/// to one tight loop.
fn push_newlines(bytes: &[u8], base: usize, out: &mut Vec<u32>) {
    const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut words = bytes.chunks_exact(8);
    let mut offset = base;
    for word in &mut words {
        // Zero exactly where the byte is a newline.
        let x = u64::from_le_bytes(word.try_into().expect("chunks of 8")) ^ NEWLINES;
        // The high bit of each zero byte of x: adding 0x7f to the low seven
        // bits sets it for any other byte, and never carries into the next.
        let mut found = !(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS);
        while found != 0 {
            out.push((offset + found.trailing_zeros() as usize / 8) as u32);
            found &= found - 1;
        }
        offset += 8;
    }
    let tail = words.remainder().iter().enumerate().filter(|(_, &b)| b == b'\n');
    out.extend(tail.map(|(i, _)| (offset + i) as u32));
}
