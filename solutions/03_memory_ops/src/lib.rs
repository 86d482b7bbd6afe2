//! Exercise 03 — memory operations in WAT (reference solution).
//!
//! The work is `src/memory.wat`. This file is here because the grader grades
//! crates (wasm-pack builds and tests a Rust crate): the tests, which this
//! crate shares with the exercise, assemble `src/memory.wat` themselves.
