//! mix — a text-editor core in WebAssembly (reference solution).
//!
//! Milestone 1, the buffer: a piece table (see `buffer`) whose byte,
//! character and newline indexes (see `source`) answer "where is line n"
//! and "which line is offset x" without rescanning the text.
//! Milestone 2, the cursor and its motions; milestone 3, modes and editing
//! (see `editor`).

mod buffer;
mod editor;
mod source;

pub use buffer::{Buffer, BufferError};
pub use editor::{Editor, Mode};
