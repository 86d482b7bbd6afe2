//! The mix benchmark's WASM side. The page-facing rows (load, keystroke,
//! jump-and-render, memory) drive the core's own frame interface, re-exported
//! here exactly as the page uses it; the trace replay runs the same editing
//! history through the core's `Buffer` and through `ropey::Rope`, compiled
//! into this one module so both are measured in the same run and engine.
//! run.mjs times each call from JavaScript.

//!
//! The dependency named `mix` is the student's core here (mix/bench) and the
//! reference when built as solutions/mix_bench.

use mix::Buffer;
pub use mix::Core;
use ropey::Rope;
use wasm_bindgen::prelude::*;

/// What a core makes of `bytes`, through the buffer's public API: `[1,
/// valid_up_to]` if it refuses them, else `[0, len, char_len, line_count]`,
/// then where each line starts, then the byte offset of every seventh
/// character. The benchmark compares these between the scalar and the
/// `simd128` build of the same core: both must index every text alike.
#[wasm_bindgen]
pub fn index_summary(bytes: Vec<u8>) -> Vec<u32> {
    let buffer = match Buffer::from_bytes(bytes) {
        Ok(buffer) => buffer,
        Err(mix::BufferError::InvalidUtf8 { valid_up_to }) => return vec![1, valid_up_to as u32],
        Err(error) => panic!("from_bytes can only refuse bytes that are not UTF-8, not with {error}"),
    };
    let mut summary = vec![0, buffer.len() as u32, buffer.char_len() as u32, buffer.line_count() as u32];
    let line_starts = (0..buffer.line_count()).map(|line| buffer.line_start(line).expect("a line below line_count"));
    summary.extend(line_starts.map(|start| start as u32));
    let char_offsets = (0..=buffer.char_len()).step_by(7).map(|c| buffer.char_to_byte(c).expect("a character index"));
    summary.extend(char_offsets.map(|offset| offset as u32));
    summary
}

/// An editing trace, unpacked once by JavaScript before any timing:
/// `edits` holds `[position, deleted, inserted_bytes]` per edit, positions
/// and counts in characters, the inserted text of all edits concatenated.
#[wasm_bindgen]
pub struct Trace {
    start: String,
    edits: Vec<u32>,
    inserted: String,
    mix_result: Option<Buffer>,
    rope_result: Option<Rope>,
}

#[wasm_bindgen]
impl Trace {
    #[wasm_bindgen(constructor)]
    pub fn new(start: String, edits: Vec<u32>, inserted: String) -> Trace {
        Trace { start, edits, inserted, mix_result: None, rope_result: None }
    }

    /// Replays the whole trace through mix's buffer. Returns the number of
    /// edits applied (an error would mean the core rejected a valid edit).
    pub fn replay_mix(&mut self) -> Result<usize, JsError> {
        let mut buffer = Buffer::from_str(&self.start);
        let fail = |e: mix::BufferError| JsError::new(&format!("mix refused an edit of the trace: {e}"));
        let mut text_at = 0;
        for edit in self.edits.chunks_exact(3) {
            let (position, deleted, len) = (edit[0] as usize, edit[1] as usize, edit[2] as usize);
            let start = buffer.char_to_byte(position).map_err(fail)?;
            if deleted > 0 {
                let end = buffer.char_to_byte(position + deleted).map_err(fail)?;
                buffer.delete(start, end).map_err(fail)?;
            }
            if len > 0 {
                buffer.insert(start, &self.inserted[text_at..text_at + len]).map_err(fail)?;
                text_at += len;
            }
        }
        self.mix_result = Some(buffer);
        Ok(self.edits.len() / 3)
    }

    /// The same trace through a rope.
    pub fn replay_ropey(&mut self) -> usize {
        let mut rope = Rope::from_str(&self.start);
        let mut text_at = 0;
        for edit in self.edits.chunks_exact(3) {
            let (position, deleted, len) = (edit[0] as usize, edit[1] as usize, edit[2] as usize);
            if deleted > 0 {
                rope.remove(position..position + deleted);
            }
            if len > 0 {
                rope.insert(position, &self.inserted[text_at..text_at + len]);
                text_at += len;
            }
        }
        self.rope_result = Some(rope);
        self.edits.len() / 3
    }

    /// The final texts, checked against the trace's `endContent` after the
    /// timing: a fast replay to the wrong text would be worth nothing.
    pub fn mix_text(&self) -> Option<String> {
        self.mix_result.as_ref().map(Buffer::to_string)
    }

    pub fn ropey_text(&self) -> Option<String> {
        self.rope_result.as_ref().map(Rope::to_string)
    }
}
