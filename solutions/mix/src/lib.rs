//! mix — a text-editor core in WebAssembly (reference solution).
//!
//! Milestone 1, the buffer: a piece table (see `buffer`) whose character
//! and newline indexes (see `source`) answer "where is line n" and "which
//! line is offset x" without rescanning the text; the loops over bytes
//! beneath them, scalar and SIMD, are in `scan`.
//! Milestones 2–5, the cursor and its motions, modes and editing, undo and
//! search (see `editor`); milestone 6, the frame interface the page uses
//! (see `frame`).

mod buffer;
mod editor;
mod frame;
mod scan;
mod source;

pub use buffer::{Buffer, BufferError};
pub use editor::{Editor, Mode};
pub use frame::{record_sizes, Core, CTRL, NAMED_KEY, NAMED_KEYS};

// The frame interface's records are declared here, where the student's
// crate declares them: the frame milestone reads their `#[repr]` in
// src/lib.rs (see mix/tests/frame.rs).

/// One key press, as the page writes it (8 bytes, little-endian).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyEvent {
    /// A Unicode scalar value for a character key, or `NAMED_KEY + n` for
    /// the n-th of [`NAMED_KEYS`].
    pub code: u32,
    /// Bit 0: Ctrl.
    pub modifiers: u8,
    pub reserved: [u8; 3],
}

/// What the page needs after a frame (20 bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameSummary {
    pub line: u32,
    /// In characters.
    pub column: u32,
    /// 0 Normal, 1 Insert, 2 Visual, 3 Edit.
    pub mode: u8,
    /// 1 if the frame's keys changed the text.
    pub changed: u8,
    /// 1 while a `/` search prompt is open.
    pub searching: u8,
    pub reserved: u8,
    pub line_count: u32,
    /// The text's length in bytes.
    pub len: u32,
}

/// One rendered line (12 bytes): where its bytes are in the render area.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineRecord {
    pub offset: u32,
    pub len: u32,
    /// The line's number in the document, 0-based.
    pub number: u32,
}
