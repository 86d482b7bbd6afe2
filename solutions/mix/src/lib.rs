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
pub use frame::{record_sizes, Core, FrameSummary, KeyEvent, LineRecord, CTRL, NAMED_KEY, NAMED_KEYS};
