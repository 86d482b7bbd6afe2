//! The loops over bytes under the index: checking that a file is UTF-8,
//! counting characters and newlines, finding the n-th newline.
//!
//! Each loop exists twice. `scalar` reads eight bytes at a time from a
//! `u64` and runs everywhere; `simd` reads sixteen at a time with
//! WebAssembly SIMD (`core::arch::wasm32`) and is compiled only into a build
//! with the `simd128` target feature. WebAssembly cannot detect features at
//! run time — a module with one SIMD instruction does not even validate on
//! an engine without them — so the build chooses: the benchmark page loads
//! the SIMD build where `WebAssembly.validate` accepts a SIMD instruction,
//! and the scalar build otherwise. The functions at the top of this module
//! are the ones the build chose; both versions must give identical results,
//! which the benchmark checks on every run (mix/bench, comparing the two
//! builds), and so do the tests below: in either build each validator
//! against the standard library's, and in a SIMD build (`RUSTFLAGS="-C
//! target-feature=+simd128" wasm-pack test --node -- --lib`) every SIMD loop
//! against its scalar twin.

use core::ops::{Add, AddAssign, Sub};

/// Characters and newlines in some bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub chars: usize,
    pub newlines: usize,
}

impl Add for Counts {
    type Output = Counts;
    fn add(self, other: Counts) -> Counts {
        Counts { chars: self.chars + other.chars, newlines: self.newlines + other.newlines }
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        *self = *self + other;
    }
}

impl Sub for Counts {
    type Output = Counts;
    fn sub(self, other: Counts) -> Counts {
        Counts { chars: self.chars - other.chars, newlines: self.newlines - other.newlines }
    }
}

pub fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

#[cfg(target_feature = "simd128")]
pub use simd::{advance_chars, counts, nth_newline, validate_and_count};

#[cfg(not(target_feature = "simd128"))]
pub use scalar::{advance_chars, counts, nth_newline, validate_and_count};

/// The rest of `advance_chars`, one byte at a time from `offset`, where
/// `count` characters have started: on to where character number `chars`
/// starts, or the end.
fn finish_advance(bytes: &[u8], mut offset: usize, mut count: usize, chars: usize) -> usize {
    while offset < bytes.len() && (count < chars || is_continuation(bytes[offset])) {
        count += usize::from(!is_continuation(bytes[offset]));
        offset += 1;
    }
    offset
}

pub mod scalar {
    use super::{is_continuation, Counts};

    const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;

    fn word(bytes: &[u8]) -> u64 {
        u64::from_le_bytes(bytes.try_into().expect("chunks of 8"))
    }

    /// The high bit of each byte of `word` that is a newline, exactly: the
    /// bytes equal to `\n` are the zero bytes of `word ^ NEWLINES`, and
    /// adding 0x7f to a byte's low seven bits sets its high bit unless they
    /// are all zero, without carrying into the next byte.
    fn newline_bits(word: u64) -> u64 {
        let x = word ^ NEWLINES;
        !(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS)
    }

    /// The high bit of each continuation byte (0b10xxxxxx: bit 7 set, bit 6
    /// clear; `word << 1` moves each byte's bit 6 to its bit 7).
    fn continuation_bits(word: u64) -> u64 {
        word & !(word << 1) & HIGH_BITS
    }

    pub fn counts(bytes: &[u8]) -> Counts {
        let mut words = bytes.chunks_exact(8);
        let (mut newlines, mut continuations) = (0, 0);
        for chunk in &mut words {
            let w = word(chunk);
            newlines += newline_bits(w).count_ones() as usize;
            continuations += continuation_bits(w).count_ones() as usize;
        }
        for &byte in words.remainder() {
            newlines += usize::from(byte == b'\n');
            continuations += usize::from(is_continuation(byte));
        }
        Counts { chars: bytes.len() - continuations, newlines }
    }

    /// The offset of the `n`-th newline of `bytes` (0-based), or how many
    /// newlines there are if fewer.
    pub fn nth_newline(bytes: &[u8], n: usize) -> Result<usize, usize> {
        let mut words = bytes.chunks_exact(8);
        let mut seen = 0;
        let mut offset = 0;
        for chunk in &mut words {
            let mut found = newline_bits(word(chunk));
            let here = found.count_ones() as usize;
            if seen + here > n {
                for _ in seen..n {
                    found &= found - 1;
                }
                return Ok(offset + found.trailing_zeros() as usize / 8);
            }
            seen += here;
            offset += 8;
        }
        for (i, &byte) in words.remainder().iter().enumerate() {
            if byte == b'\n' {
                if seen == n {
                    return Ok(offset + i);
                }
                seen += 1;
            }
        }
        Err(seen)
    }

    /// The offset where character number `chars` of `bytes` starts (the
    /// end if there are fewer): words in which that character does not start
    /// are skipped by counting the characters that start in them.
    #[cfg_attr(all(target_feature = "simd128", not(test)), allow(dead_code))]
    pub fn advance_chars(bytes: &[u8], chars: usize) -> usize {
        let (mut offset, mut count) = (0, 0);
        for chunk in bytes.chunks_exact(8) {
            let starts = 8 - continuation_bits(word(chunk)).count_ones() as usize;
            if count + starts > chars {
                break;
            }
            count += starts;
            offset += 8;
        }
        super::finish_advance(bytes, offset, count, chars)
    }

    /// Checks that `bytes` are UTF-8 (or returns where they stop being) and
    /// calls `each` with the counts of every `block` bytes, the last block
    /// possibly shorter.
    // In a SIMD build, this and `advance_chars` are only what its tests
    // compare the SIMD versions with.
    #[cfg_attr(all(target_feature = "simd128", not(test)), allow(dead_code))]
    pub fn validate_and_count(bytes: &[u8], block: usize, mut each: impl FnMut(Counts)) -> Result<(), usize> {
        let mut checked = 0;
        for start in (0..bytes.len()).step_by(block) {
            let (valid_to, counts) = validate_and_count_block(bytes, checked, start..(start + block).min(bytes.len()))?;
            checked = valid_to;
            each(counts);
        }
        Ok(())
    }

    /// One block of `validate_and_count`: counts `bytes[block]`, and
    /// validates `bytes[checked..block.end]` except a character that the
    /// block's end cuts, which is left to the next block; returns where
    /// validation stopped. A function of its own, never inlined, for the
    /// reason given at `simd::validate_and_count_block`.
    #[inline(never)]
    fn validate_and_count_block(
        bytes: &[u8],
        checked: usize,
        block: core::ops::Range<usize>,
    ) -> Result<(usize, Counts), usize> {
        let mut end = block.end;
        if end < bytes.len() && is_continuation(bytes[end]) {
            // The character the end cuts starts at most three bytes before
            // it; with no start there, the end is inside no character.
            let starts = end.saturating_sub(3).max(checked)..end;
            end = starts.rev().find(|&i| !is_continuation(bytes[i])).unwrap_or(end);
        }
        core::str::from_utf8(&bytes[checked..end]).map_err(|error| checked + error.valid_up_to())?;
        Ok((end, counts(&bytes[block])))
    }
}

#[cfg(target_feature = "simd128")]
pub mod simd {
    use super::{scalar, Counts};
    use core::arch::wasm32::*;

    fn load(chunk: &[u8]) -> v128 {
        assert!(chunk.len() >= 16);
        // SAFETY: the 16 bytes are in bounds; v128_load needs no alignment.
        unsafe { v128_load(chunk.as_ptr().cast()) }
    }

    /// Newlines and continuation bytes counted per lane: a comparison's
    /// true lane is 0xff, which is -1, so subtracting it adds one. A lane
    /// holds up to 255, so a tally takes at most `RUN` bytes.
    struct Tally {
        newlines: v128,
        continuations: v128,
    }

    const RUN: usize = 255 * 16;

    impl Tally {
        fn new() -> Tally {
            Tally { newlines: u8x16_splat(0), continuations: u8x16_splat(0) }
        }

        fn add(&mut self, v: v128) {
            self.newlines = i8x16_sub(self.newlines, u8x16_eq(v, u8x16_splat(b'\n')));
            // Continuation bytes, 0x80..=0xbf, are the signed bytes below -64.
            self.continuations = i8x16_sub(self.continuations, i8x16_lt(v, i8x16_splat(-64)));
        }

        /// The counts of the `len` bytes tallied.
        fn counts(&self, len: usize) -> Counts {
            Counts { chars: len - sum(self.continuations), newlines: sum(self.newlines) }
        }
    }

    fn sum(lanes: v128) -> usize {
        let quads = u32x4_extadd_pairwise_u16x8(u16x8_extadd_pairwise_u8x16(lanes));
        let pairs = i32x4_add(quads, i32x4_shuffle::<2, 3, 0, 1>(quads, quads));
        (u32x4_extract_lane::<0>(pairs) + u32x4_extract_lane::<1>(pairs)) as usize
    }

    pub fn counts(bytes: &[u8]) -> Counts {
        let mut total = Counts::default();
        for run in bytes.chunks(RUN) {
            let mut tally = Tally::new();
            let mut vectors = run.chunks_exact(16);
            for chunk in &mut vectors {
                tally.add(load(chunk));
            }
            let tail = vectors.remainder();
            total += tally.counts(run.len() - tail.len()) + scalar::counts(tail);
        }
        total
    }

    pub fn nth_newline(bytes: &[u8], n: usize) -> Result<usize, usize> {
        let mut vectors = bytes.chunks_exact(16);
        let mut seen = 0;
        let mut offset = 0;
        for chunk in &mut vectors {
            let mut found = u8x16_bitmask(u8x16_eq(load(chunk), u8x16_splat(b'\n')));
            let here = found.count_ones() as usize;
            if seen + here > n {
                for _ in seen..n {
                    found &= found - 1;
                }
                return Ok(offset + found.trailing_zeros() as usize);
            }
            seen += here;
            offset += 16;
        }
        match scalar::nth_newline(vectors.remainder(), n - seen) {
            Ok(at) => Ok(offset + at),
            Err(more) => Err(seen + more),
        }
    }

    pub fn advance_chars(bytes: &[u8], chars: usize) -> usize {
        let (mut offset, mut count) = (0, 0);
        for chunk in bytes.chunks_exact(16) {
            let continuations = u8x16_bitmask(i8x16_lt(load(chunk), i8x16_splat(-64))).count_ones() as usize;
            if count + 16 - continuations > chars {
                break;
            }
            count += 16 - continuations;
            offset += 16;
        }
        super::finish_advance(bytes, offset, count, chars)
    }

    // UTF-8 validation sixteen bytes at a time, after Keiser and Lemire,
    // "Validating UTF-8 In Less Than One Instruction Per Byte" (2021): each
    // byte is checked against the one before it by looking up three 16-entry
    // tables — the previous byte's high nibble, its low nibble, this byte's
    // high nibble — each giving the set of errors that nibble is compatible
    // with. A byte pair is an error when all three lookups share an error
    // bit. Each bit is one kind of error:
    /// A lead byte not followed by a continuation.
    const TOO_SHORT: u8 = 1 << 0;
    /// ASCII followed by a continuation.
    const TOO_LONG: u8 = 1 << 1;
    /// E0 80..9F.
    const OVERLONG_3: u8 = 1 << 2;
    /// F4 90..BF and F5..FF 90..BF: above U+10FFFF.
    const TOO_LARGE: u8 = 1 << 3;
    /// ED A0..BF.
    const SURROGATE: u8 = 1 << 4;
    /// C0 or C1, then a continuation.
    const OVERLONG_2: u8 = 1 << 5;
    /// F5..FF 80..8F.
    const TOO_LARGE_1000: u8 = 1 << 6;
    /// F0 80..8F (sharing the bit with TOO_LARGE_1000: their lead bytes differ).
    const OVERLONG_4: u8 = 1 << 6;
    /// A continuation after a continuation.
    const TWO_CONTS: u8 = 1 << 7;
    /// What every low nibble is compatible with: the errors that depend only
    /// on the high nibbles.
    const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

    const fn table(t: [u8; 16]) -> v128 {
        u8x16(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15])
    }

    /// By the previous byte's high nibble.
    #[rustfmt::skip]
    const PREVIOUS_HIGH: v128 = table([
        TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, // 0..7: ASCII
        TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS, // 8..B: continuation
        TOO_SHORT | OVERLONG_2,                              // C: two-byte lead
        TOO_SHORT,                                           // D: two-byte lead
        TOO_SHORT | OVERLONG_3 | SURROGATE,                  // E: three-byte lead
        TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4, // F: four-byte lead
    ]);

    /// By the previous byte's low nibble.
    #[rustfmt::skip]
    const PREVIOUS_LOW: v128 = table([
        CARRY | OVERLONG_2 | OVERLONG_3 | OVERLONG_4, // C0, E0, F0
        CARRY | OVERLONG_2,                           // C1
        CARRY,
        CARRY,
        CARRY | TOO_LARGE, // F4
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, // ED
        CARRY | TOO_LARGE | TOO_LARGE_1000,
        CARRY | TOO_LARGE | TOO_LARGE_1000,
    ]);

    /// By this byte's high nibble.
    #[rustfmt::skip]
    const CURRENT_HIGH: v128 = table([
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, // ASCII
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4, // 80..8F
        TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,                   // 90..9F
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                    // A0..AF
        TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                    // B0..BF
        TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, // leads
    ]);

    /// The error bits of the vector `input`, `previous` being the sixteen
    /// bytes before it. Non-zero exactly where a byte cannot follow the
    /// bytes before it — except that a continuation two or three bytes
    /// after a three- or four-byte lead *must* be TWO_CONTS, which the
    /// final exclusive or turns from an error into a requirement.
    fn errors(input: v128, previous: v128) -> v128 {
        let prev1 = i8x16_shuffle::<15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30>(previous, input);
        let prev2 = i8x16_shuffle::<14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29>(previous, input);
        let prev3 = i8x16_shuffle::<13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28>(previous, input);
        let nibble = u8x16_splat(0x0f);
        let special = v128_and(
            v128_and(
                u8x16_swizzle(PREVIOUS_HIGH, u8x16_shr(prev1, 4)),
                u8x16_swizzle(PREVIOUS_LOW, v128_and(prev1, nibble)),
            ),
            u8x16_swizzle(CURRENT_HIGH, u8x16_shr(input, 4)),
        );
        // The high bit set where the byte two back is a three- or four-byte
        // lead (>= 0xE0) or the byte three back a four-byte lead (>= 0xF0):
        // subtracting 0x60 (0x70) leaves 0x80 or more exactly for those.
        let must_continue =
            v128_or(u8x16_sub_sat(prev2, u8x16_splat(0xe0 - 0x80)), u8x16_sub_sat(prev3, u8x16_splat(0xf0 - 0x80)));
        v128_xor(v128_and(must_continue, u8x16_splat(0x80)), special)
    }

    /// One pass over the file: validation and counts together, so the
    /// bytes are read once. A suspected error is confirmed and placed by
    /// the standard library's validator, so a fault here could only ever
    /// refuse a valid file, never accept an invalid one — and the tests
    /// compare both on thousands of valid and broken texts.
    pub fn validate_and_count(bytes: &[u8], block: usize, mut each: impl FnMut(Counts)) -> Result<(), usize> {
        // Only the text's last vector may be padded.
        assert!(block.is_multiple_of(16), "blocks of whole vectors");
        let mut previous = u8x16_splat(0);
        let mut error = u8x16_splat(0);
        for chunk in bytes.chunks(block) {
            each(validate_and_count_block(chunk, &mut previous, &mut error));
        }
        // A text cannot end inside a character.
        error = v128_or(error, errors(u8x16_splat(0), previous));
        if v128_any_true(error) {
            core::str::from_utf8(bytes).map_err(|error| error.valid_up_to())?;
        }
        Ok(())
    }

    /// One block of `validate_and_count`. A function of its own, never
    /// inlined, because of how a browser runs a fresh module: a function
    /// first runs as its baseline compiler made it, and the optimised
    /// version, compiled in the background once the function has run a
    /// while, is used from its next call on — a call over the whole file
    /// would never get it.
    #[inline(never)]
    fn validate_and_count_block(block: &[u8], previous: &mut v128, error: &mut v128) -> Counts {
        let mut counts = Counts::default();
        for run in block.chunks(RUN) {
            let mut tally = Tally::new();
            let mut vectors = run.chunks_exact(16);
            for vector in &mut vectors {
                let input = load(vector);
                *error = v128_or(*error, errors(input, *previous));
                tally.add(input);
                *previous = input;
            }
            // The last bytes, padded with zeros: a zero is neither a newline
            // nor a continuation, and ends any character left unfinished,
            // which is then an error as it should be.
            let tail = vectors.remainder();
            if !tail.is_empty() {
                let mut padded = [0; 16];
                padded[..tail.len()].copy_from_slice(tail);
                let input = load(&padded);
                *error = v128_or(*error, errors(input, *previous));
                tally.add(input);
                *previous = input;
            }
            counts += tally.counts(run.len());
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    //! The build's loops (SIMD in a simd128 build) against the scalar ones,
    //! and both validators against the standard library's.
    use super::scalar;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn std_validation(text: &[u8]) -> Result<(), usize> {
        core::str::from_utf8(text).map(drop).map_err(|error| error.valid_up_to())
    }

    /// Texts of every length up to a few vectors, from pieces that
    /// cross the 16-byte lanes in every position, and broken copies.
    fn texts() -> Vec<Vec<u8>> {
        const PIECES: [&str; 7] = ["a", "\n", "é", "✓", "😀", "\n\n", "line"];
        let mut seed = 0x1234_5678_9abc_def0_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut texts = Vec::new();
        for _ in 0..3000 {
            let mut text = Vec::new();
            let target = (next() % 200) as usize;
            while text.len() < target {
                text.extend_from_slice(PIECES[(next() % 7) as usize].as_bytes());
            }
            let mut broken = text.clone();
            if !broken.is_empty() {
                let at = (next() as usize) % broken.len();
                broken[at] = next() as u8;
                texts.push(broken);
            }
            texts.push(text);
        }
        texts
    }

    #[wasm_bindgen_test]
    fn build_and_scalar_loops_agree() {
        for text in texts() {
            let mut simd_blocks = Vec::new();
            let mut scalar_blocks = Vec::new();
            let simd = super::validate_and_count(&text, 48, |c| simd_blocks.push(c));
            let scalar = scalar::validate_and_count(&text, 48, |c| scalar_blocks.push(c));
            assert_eq!(scalar, std_validation(&text), "scalar validation of {text:?}");
            assert_eq!(simd, scalar, "validation of {text:?}");
            if scalar.is_ok() {
                assert_eq!(simd_blocks, scalar_blocks, "block counts of {text:?}");
            }
            assert_eq!(super::counts(&text), scalar::counts(&text), "counts of {text:?}");
            for n in 0..=super::counts(&text).newlines {
                assert_eq!(super::nth_newline(&text, n), scalar::nth_newline(&text, n), "newline {n} of {text:?}");
            }
            for chars in 0..=text.len() + 1 {
                let (simd, scalar) = (super::advance_chars(&text, chars), scalar::advance_chars(&text, chars));
                assert_eq!(simd, scalar, "advancing {chars} characters in {text:?}");
            }
        }
    }

    /// Every pair of bytes, followed by continuations or not, placed so
    /// that the sequence straddles two vectors: each kind of error and
    /// each valid lead byte, at the place where a vector's state is
    /// carried over.
    #[wasm_bindgen_test]
    fn validation_agrees_on_every_byte_pair() {
        for first in 0..=255u8 {
            for second in 0..=255u8 {
                for tail in [&[][..], &[0x80], &[0x80, 0x80], &[0xbf, 0x80, b'\n']] {
                    let mut text = b"fourteen bytes".to_vec();
                    text.extend_from_slice(&[first, second]);
                    text.extend_from_slice(tail);
                    let simd = super::validate_and_count(&text, 16, |_| {});
                    let scalar = scalar::validate_and_count(&text, 16, |_| {});
                    assert_eq!(scalar, std_validation(&text), "scalar validation of {text:x?}");
                    assert_eq!(simd, scalar, "validation of {text:x?}");
                }
            }
        }
    }
}
