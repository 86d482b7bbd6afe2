//! Exercise 03 — memory operations in WAT.
//!
//! Your work is `src/memory.wat`, not this file: the lesson's `i32.store`,
//! `i32.load` and `i32.store8`, written by hand in WebAssembly's text
//! format. Read README.md first.
//!
//! This file is here because the grader grades crates (wasm-pack builds and
//! tests a Rust crate): the tests in `tests/memory_ops.rs` are this crate's,
//! and they assemble `src/memory.wat` themselves. Nothing here needs to change.
//!
//! Run the tests with `cargo run -p grader -- run memory_ops`.
