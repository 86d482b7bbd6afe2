//! The JavaScript files a student writes (a page's half of an exercise).

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
        } else if bytes[index] == b'\\' {
            // `\u0065val` is `eval`: an escape can spell any name.
            problems.push("uses a `\\` escape outside a string, which can spell any name".to_string());
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

#[cfg(test)]
mod tests {
    use super::*;

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
            "gl\\u006fbalThis.x = 1;",
        ] {
            assert!(!scan_js(hostile).is_empty(), "not found: {hostile}");
        }
    }
}
