//! The student's Rust files, read token by token.

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

}
