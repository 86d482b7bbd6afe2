//! What a student's editable files may reach. A submission is untrusted
//! code, built and run on the grading machine beside the instructor's
//! files, so each editable crate is checked three ways:
//!
//! - before building, its Rust files are read token by token (comments and
//!   string contents are not code, so cannot trigger anything): a file may
//!   not pull other files in at compile time (`include!`, `include_str!`,
//!   `include_bytes!` under any path or alias, a `path = ...` attribute),
//!   or carry JavaScript (`inline_js`, `module = ...`, `raw_module`). Which
//!   JavaScript the crate may *call* is not judged from names in the text
//!   (a macro or a string dodges any list of words): with `--reference`,
//!   `crate::capability` reads it from the built module's imports;
//! - the JavaScript files a student writes (exercises 02's and 04's
//!   `page.js`) are parsed and must keep to a small grammar: names that
//!   resolve to the file's own parameters, locals and functions or to the
//!   exercise's allowlists, no text to compute property names from, no code
//!   from text — whatever is not in the grammar is refused;
//! - after building, the compiler's own list of the files it read for the
//!   crate (its dep-info) must hold only the crate's editable files —
//!   whatever spelling or macro trick the scan missed is caught there.
//!
//! Every check fails closed: what it cannot read completely — a `#!` line
//! the compiler skips, text that does not tokenize, brackets nested past
//! the scan's limit, a dep-info line that is not a rule — is a problem in
//! itself, never an empty (clean) reading. So is, for
//! [`crate::submission`], a file that is not UTF-8, too large or unreadable,
//! or a name the compiler's dep-info could not show faithfully.
//!
//! Symbolic links are never followed (see [`crate::submission`]).

mod dep_info;
mod javascript;
mod rust;

pub use dep_info::{is_cargo_package_var, parse_dep_info};
pub use javascript::{check_page, PageAllowlist};
pub use rust::{scan_rust, UNTOKENIZED};
