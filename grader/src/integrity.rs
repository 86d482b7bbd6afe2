//! What a student's editable files may reach. A submission is untrusted
//! code, built and run on the grading machine beside the instructor's
//! files, so each editable crate is checked three ways:
//!
//! - before building, its Rust files are read token by token (comments and
//!   string contents are not code, so cannot trigger anything): a file may
//!   not pull other files in at compile time (`include!`, `include_str!`,
//!   `include_bytes!` under any path or alias, a `path = ...` attribute),
//!   carry JavaScript (`inline_js`, `module = ...`, `raw_module`), or reach
//!   the JavaScript around it to run or rewrite anything (`eval`,
//!   `Function`, `Reflect`, the global object, the page's `document`), and
//!   where the exercise gives the student no JavaScript to write, declare
//!   JavaScript imports (`extern` blocks);
//! - the JavaScript files a student writes (exercise 04's `page.js`) may
//!   not reach beyond the module and memory they are handed: no globals, no
//!   strings to compute property names from, no code from text;
//! - after building, the compiler's own list of the files it read for the
//!   crate (its dep-info) must hold only the crate's editable files —
//!   whatever spelling or macro trick the scan missed is caught there.
//!
//! Symbolic links are never followed (see [`crate::submission`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Macros that read a file at compile time.
const INCLUDES: &[&str] = &["include", "include_str", "include_bytes"];
/// Names through which Rust code reaches JavaScript beyond the bindings an
/// exercise needs: code from text, reflection, the global object, the page.
const JS_REACH: &[&str] = &["eval", "Function", "Reflect", "global", "globalThis", "document", "window"];
/// wasm-bindgen attributes that ship JavaScript with the crate.
const JS_CARRIERS: &[&str] = &["inline_js", "raw_module"];

/// Why a Rust source is not acceptable as a submission, one sentence per
/// kind of problem. `allows_js_imports` is whether the exercise has the
/// student write JavaScript (and so bind to it with `extern` blocks).
pub fn scan_rust(source: &str, allows_js_imports: bool) -> Vec<String> {
    let Ok(tokens) = TokenStream::from_str(source) else {
        // Not Rust: the compiler will say so, and it earns nothing.
        return Vec::new();
    };
    let mut problems = Vec::new();
    scan_tokens(tokens, false, allows_js_imports, &mut problems);
    problems.sort();
    problems.dedup();
    problems
}

fn scan_tokens(tokens: TokenStream, in_attribute: bool, allows_js_imports: bool, problems: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        let next = tokens.get(index + 1);
        let is_punct =
            |tree: Option<&TokenTree>, c: char| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c);
        match token {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name);
                if INCLUDES.contains(&name) {
                    problems.push(format!("pulls another file in at compile time (`{name}!`)"));
                } else if in_attribute && name == "path" && is_punct(next, '=') {
                    problems.push("loads a module from another file with a `path = ...` attribute".to_string());
                } else if JS_CARRIERS.contains(&name) || (in_attribute && name == "module" && is_punct(next, '=')) {
                    problems.push(format!("ships JavaScript inside Rust (`{name}`)"));
                } else if JS_REACH.contains(&name) {
                    problems.push(format!(
                        "reaches into the JavaScript around the module (`{name}`), which could run or rewrite anything"
                    ));
                } else if name == "extern" && !allows_js_imports && !matches!(next, Some(TokenTree::Ident(_))) {
                    // `extern crate x;` names a crate; `extern "C" {` or
                    // `extern {` declares imports.
                    problems.push(
                        "declares JavaScript imports (an `extern` block), and this exercise gives none to import"
                            .to_string(),
                    );
                }
            }
            TokenTree::Group(group) => {
                // `#[...]` and `#![...]`: an attribute, where `path =` and
                // `module =` mean what they mean to the compiler.
                let attribute = group.delimiter() == Delimiter::Bracket
                    && index >= 1
                    && (is_punct(tokens.get(index - 1), '#')
                        || (is_punct(tokens.get(index - 1), '!')
                            && index >= 2
                            && is_punct(tokens.get(index - 2), '#')));
                scan_tokens(group.stream(), in_attribute || attribute, allows_js_imports, problems);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Names a student's JavaScript may not use: they lead out of the module
/// and memory it is handed, to the page, the runner, or code from text.
const JS_FORBIDDEN: &[&str] = &[
    "document",
    "window",
    "globalThis",
    "self",
    "top",
    "parent",
    "frames",
    "eval",
    "Function",
    "constructor",
    "prototype",
    "__proto__",
    "import",
    "require",
    "process",
    "console",
    "Reflect",
    "Proxy",
    "Object",
    "String",
    "fromCharCode",
    "toString",
    "atob",
    "setTimeout",
    "setInterval",
    "fetch",
    "XMLHttpRequest",
    "WebSocket",
    "location",
    "with",
];

/// Why a student's JavaScript file is not acceptable. A deliberately plain
/// reading: comments are skipped, every word outside them is checked, and
/// string literals are refused outright (the exercise needs none, and text
/// is how property names are built to get around a list of names).
pub fn scan_js(source: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let bytes = source.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let rest = &source[index..];
        if rest.starts_with("//") {
            index += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            index += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if matches!(bytes[index], b'"' | b'\'' | b'`') {
            problems.push("uses a string literal, which this exercise's JavaScript has no need for".to_string());
            let quote = bytes[index];
            index += 1;
            while index < bytes.len() && bytes[index] != quote {
                index += if bytes[index] == b'\\' { 2 } else { 1 };
            }
            index += 1;
        } else if bytes[index].is_ascii_alphabetic() || bytes[index] == b'_' || bytes[index] == b'$' {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
            let word = &rest[..end];
            if JS_FORBIDDEN.contains(&word) {
                problems.push(format!("uses `{word}`, which reaches beyond the module and memory it is given"));
            }
            index += end;
        } else {
            index += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// The files rustc read for a crate, from its dep-info (`.d`) file: the
/// first rule's prerequisites, with `\ ` as an escaped space. Relative
/// paths are relative to `workspace_root`, where cargo runs rustc.
pub fn dep_info_sources(dep_info: &str, workspace_root: &Path) -> Vec<PathBuf> {
    let Some(rule) = dep_info.lines().find(|line| !line.trim().is_empty() && !line.starts_with('#')) else {
        return Vec::new();
    };
    // The target's own path ends at the first unescaped `: `.
    let Some(colon) = rule.find(": ").or_else(|| rule.strip_suffix(':').map(|r| r.len())) else {
        return Vec::new();
    };
    let mut sources = Vec::new();
    let mut current = String::new();
    let mut chars = rule[colon + 1..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                current.push(' ');
                chars.next();
            }
            ' ' => {
                if !current.is_empty() {
                    sources.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        sources.push(current);
    }
    sources.into_iter().map(|source| workspace_root.join(source)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(source: &str) -> bool {
        !scan_rust(source, false).is_empty()
    }

    #[test]
    fn every_spelling_of_a_compile_time_inclusion_is_found() {
        for source in [
            r#"const S: &str = include_str!("../../../solutions/01_typed_views/src/lib.rs");"#,
            r#"const S: &[u8] = std::include_bytes!("/abs/solutions/x.rs");"#,
            r#"core::include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../solutions/x.rs"));"#,
            r#"use std::include_str as text; const S: &str = text!("x");"#,
            r#"#[path = "../../../solutions/01_typed_views/src/lib.rs"] mod real; pub use real::*;"#,
            r##"#[path = r#"/work/solutions/lib.rs"#] mod real;"##,
            r#"#[cfg_attr(all(), path = "x.rs")] mod real;"#,
            r#"mod outer { #![path = "x"] }"#,
            r#"#[doc = include_str!("../tests/typed_views.rs")] pub struct S;"#,
        ] {
            assert!(flagged(source), "not found: {source}");
        }
    }

    #[test]
    fn javascript_in_rust_is_found() {
        for source in [
            r#"#[wasm_bindgen(inline_js = "export function f() {}")] extern "C" { fn f(); }"#,
            r#"#[wasm_bindgen(module = "/page.js")] extern "C" { fn f(); }"#,
            r#"#[wasm_bindgen(raw_module = "../x.js")] extern "C" { fn f(); }"#,
            r#"#[wasm_bindgen] extern "C" { fn alert(s: &str); }"#,
            r#"fn f() { js_sys::eval("document.body.textContent = ''").unwrap(); }"#,
            r#"fn f() { let g = js_sys::global(); js_sys::Reflect::get(&g, &"x".into()); }"#,
            r#"fn f() { js_sys::Function::new_no_args("return 1").call0(&JsValue::NULL); }"#,
        ] {
            assert!(flagged(source), "not found: {source}");
        }
    }

    #[test]
    fn ordinary_exercise_code_passes() {
        let source = r#"
            //! Mentions include_str! and #[path = "x"] and eval in a comment.
            use js_sys::{Float64Array, WebAssembly};
            use wasm_bindgen::{prelude::*, JsCast};
            extern crate alloc;
            /// "inline_js" in a doc comment is prose.
            #[wasm_bindgen]
            pub fn f64_view(path: usize) -> Float64Array {
                let message = "include_bytes! and module = are only words here";
                let path = path + message.len();
                let memory: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
                Float64Array::new_with_byte_offset(&memory.buffer(), path as u32)
            }
        "#;
        assert_eq!(scan_rust(source, false), Vec::<String>::new());
    }

    #[test]
    fn an_exercise_with_javascript_to_write_may_declare_imports() {
        let source = r#"#[wasm_bindgen] extern "C" { #[wasm_bindgen(js_namespace = BatchingHost)] fn receive_results(ptr: *const f64, len: usize); }"#;
        assert!(scan_rust(source, true).is_empty());
        assert!(!scan_rust(source, false).is_empty());
    }

    #[test]
    fn a_students_javascript_stays_within_what_it_is_handed() {
        let solution = "// Write every item at once.\nexport function processAll(wasm, memory, items) {\n    const ptr = wasm.input_buffer(items.length);\n    new Float64Array(memory.buffer, ptr, items.length).set(items);\n    wasm.process_batch(items.length);\n}\n";
        assert_eq!(scan_js(solution), Vec::<String>::new());
        for hostile in [
            "document.getElementById(x).textContent += y;",
            "const o = memory.constructor;",
            "wasm[`con` + `structor`];",
            "globalThis.x = 1;",
            "(14).toString(36);",
            "import(x);",
        ] {
            assert!(!scan_js(hostile).is_empty(), "not found: {hostile}");
        }
    }

    #[test]
    fn dep_info_lists_the_files_rustc_read() {
        let dep_info = "/t/deps/typed_views-1.d: exercises/01_typed_views/src/lib.rs /course/solutions/a\\ b.rs\n\nexercises/01_typed_views/src/lib.rs:\n";
        assert_eq!(
            dep_info_sources(dep_info, Path::new("/course")),
            [PathBuf::from("/course/exercises/01_typed_views/src/lib.rs"), PathBuf::from("/course/solutions/a b.rs")]
        );
    }
}
