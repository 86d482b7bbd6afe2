//! The student's Rust files, read token by token.

use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Macros that read a file at compile time.
const INCLUDES: &[&str] = &["include", "include_str", "include_bytes"];
/// Macros that read the grading machine's environment at compile time,
/// where a secret could be (`std::env` is refused with them: no exercise
/// needs the environment).
const ENVIRONMENT: &[&str] = &["env", "option_env"];
/// wasm-bindgen attributes that ship JavaScript with the crate. Which
/// JavaScript a crate may *call* is decided from its built module (see
/// `crate::capability`), not from names here: a word list is dodged by a
/// macro or a string, and refuses a student's variable called `window`.
const JS_CARRIERS: &[&str] = &["inline_js", "raw_module"];

/// What the scan says of Rust text that does not tokenize. Not a refusal by
/// itself: such text almost always fails to compile too, and then the
/// compiler's error (a missing brace, say) is what the student needs. So
/// its crate is built, the error shown once the dep-info check passes, and
/// the crate refused only if it builds (see `crate::submission::compiler_decides`).
pub const UNTOKENIZED: &str = "is not Rust the grader can read (a bracket that is not closed or does not match, \
                               or a string or comment that does not end)";

/// How deep brackets may nest. Ordinary code stays far below; deeper
/// nesting is refused before it is tokenized.
pub const MAX_NESTING: usize = 256;

/// Why a Rust source is not acceptable as a submission, one sentence per
/// kind of problem. A source the scan cannot read completely is a problem itself: what is not
/// read is not checked.
pub fn scan_rust(source: &str) -> Vec<String> {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    // rustc skips a first line starting `#!` (unless it opens an inner
    // attribute, `#![...]`) before it reads any token; the scan would read
    // it as code, and a `(` in it makes the rest unreadable.
    if text.starts_with("#!") && !text[2..].trim_start().starts_with('[') {
        return vec![
            "starts with a `#!` line, which the compiler skips unread and the grader cannot check; remove that line"
                .to_string(),
        ];
    }
    if bracket_depth(text) > MAX_NESTING {
        return vec![too_deep()];
    }
    let Ok(tokens) = TokenStream::from_str(source) else { return vec![UNTOKENIZED.to_string()] };
    let mut problems = scan_tokens(tokens);
    problems.sort();
    problems.dedup();
    problems
}

fn too_deep() -> String {
    format!("nests brackets more than {MAX_NESTING} deep, deeper than the grader reads; flatten the code")
}

/// The deepest the brackets nest, counting every bracket byte — those in
/// strings and comments too, so an honest count is only ever higher. This
/// bounds what the tokenizer is handed; closing brackets in a string could
/// lower the count below the real depth, which the token walk then measures
/// exactly.
fn bracket_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// One group being walked: its tokens, where the walk is in them, and
/// whether it is an attribute's brackets (or inside one).
struct Frame {
    tokens: Vec<TokenTree>,
    next: usize,
    in_attribute: bool,
}

/// Walks the token tree with an explicit stack, so no nesting can exhaust
/// the grader's own stack.
fn scan_tokens(tokens: TokenStream) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stack = vec![Frame { tokens: tokens.into_iter().collect(), next: 0, in_attribute: false }];
    loop {
        let depth = stack.len();
        let Some(frame) = stack.last_mut() else { break };
        let index = frame.next;
        let Some(token) = frame.tokens.get(index) else {
            stack.pop();
            continue;
        };
        frame.next += 1;
        let tokens = &frame.tokens;
        let in_attribute = frame.in_attribute;
        let next = tokens.get(index + 1);
        let is_punct =
            |tree: Option<&TokenTree>, c: char| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c);
        match token {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.strip_prefix("r#").unwrap_or(&name);
                if INCLUDES.contains(&name) {
                    problems.push(format!("pulls another file in at compile time (`{name}!`)"));
                } else if ENVIRONMENT.contains(&name) {
                    problems.push(format!("reads the grading machine's environment (`{name}`)"));
                } else if in_attribute && name == "path" && is_punct(next, '=') {
                    problems.push("loads a module from another file with a `path = ...` attribute".to_string());
                } else if JS_CARRIERS.contains(&name) || (in_attribute && name == "module" && is_punct(next, '=')) {
                    problems.push(format!("ships JavaScript inside Rust (`{name}`)"));
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
                if depth > MAX_NESTING {
                    problems.push(too_deep());
                    break;
                }
                let inner = group.stream().into_iter().collect();
                stack.push(Frame { tokens: inner, next: 0, in_attribute: in_attribute || attribute });
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(source: &str) -> bool {
        !scan_rust(source).is_empty()
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
            r#"compile_error!(env!("GITHUB_TOKEN"));"#,
            r#"const T: Option<&str> = core::option_env!("CARGO_REGISTRY_TOKEN");"#,
        ] {
            assert!(flagged(source), "not found: {source}");
        }
    }

    #[test]
    fn javascript_shipped_inside_rust_is_found() {
        for source in [
            r#"#[wasm_bindgen(inline_js = "export function f() {}")] extern "C" { fn f(); }"#,
            r#"#[wasm_bindgen(module = "/page.js")] extern "C" { fn f(); }"#,
            r#"#[wasm_bindgen(raw_module = "../x.js")] extern "C" { fn f(); }"#,
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
        assert_eq!(scan_rust(source), Vec::<String>::new());
    }

    /// What JavaScript a crate calls is judged from its built module
    /// (`crate::capability`), so the source scan refuses no name: a
    /// variable called `window` or `document`, or an `extern` block, is
    /// ordinary text here.
    #[test]
    fn names_and_extern_blocks_are_left_to_the_import_check() {
        for source in [
            r#"#[wasm_bindgen] extern "C" { #[wasm_bindgen(js_namespace = BatchingHost)] fn receive_results(ptr: *const f64, len: usize); }"#,
            r#"pub fn visible(window: std::ops::Range<usize>, document: &str) -> usize { window.len() + document.len() }"#,
            r#"fn f() { js_sys::eval("1").unwrap(); }"#,
        ] {
            assert_eq!(scan_rust(source), Vec::<String>::new(), "{source}");
        }
    }

    #[test]
    fn a_shebang_line_is_a_problem_and_an_inner_attribute_is_not() {
        let hidden = "#!/bin/true (\nconst _: () = panic!(\"{}\", include_str!(\"../../../solutions/x.rs\"));\n";
        let problems = scan_rust(hidden);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`#!` line"), "{problems:?}");
        assert!(flagged("\u{feff}#!/usr/bin/env run-cargo-script\nfn main() {}\n"));
        assert!(scan_rust("#![allow(dead_code)]\npub fn f() {}\n").is_empty());
        assert!(scan_rust("#!\n  [allow(dead_code)]\npub fn f() {}\n").is_empty());
    }

    #[test]
    fn source_that_does_not_tokenize_is_a_problem() {
        for source in ["fn f() { (\n", "fn f() { ] }", "const S: &str = \"no end;", "/* no end"] {
            let problems = scan_rust(source);
            assert!(problems.iter().any(|p| p.contains("not Rust the grader can read")), "{source}: {problems:?}");
        }
    }

    #[test]
    fn deep_nesting_is_a_problem_and_never_overflows_the_stack() {
        let deep = format!("const X: () = {}{};", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(scan_rust(&deep), [too_deep()]);
        // Closing brackets in a string lower the byte count below the real
        // depth; the token walk still measures it, without recursion.
        let hidden =
            format!("const X: () = {}\"{}\"{}{};", "[".repeat(200), ")".repeat(200), "[".repeat(200), "]".repeat(400));
        assert!(bracket_depth(&hidden) <= MAX_NESTING);
        assert_eq!(scan_rust(&hidden), [too_deep()]);
        let fine = format!("const X: () = {}(){};", "[".repeat(MAX_NESTING - 1), "]".repeat(MAX_NESTING - 1));
        assert!(scan_rust(&fine).is_empty(), "{:?}", scan_rust(&fine));
    }
}
