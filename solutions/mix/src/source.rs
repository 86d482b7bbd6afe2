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
        self.newlines.extend(memchr_all(b'\n', &self.bytes[start..]).map(|i| (start + i) as u32));
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

/// Positions of `needle` in `haystack`, skipping eight bytes at a time
/// where none of them is the needle.
fn memchr_all(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * needle as u64;
    haystack.chunks(8).enumerate().flat_map(move |(k, chunk)| {
        let skip = chunk.len() == 8 && {
            let word = u64::from_le_bytes(chunk.try_into().expect("a chunk of 8")) ^ pattern;
            // No byte of `word` is zero, so no byte of the chunk matched.
            word.wrapping_sub(ONES) & !word & HIGH_BITS == 0
        };
        let found = if skip { &[][..] } else { chunk };
        found.iter().enumerate().filter(move |(_, &b)| b == needle).map(move |(i, _)| k * 8 + i)
    })
}
