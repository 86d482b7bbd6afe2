//! ARCHITECTURE.md's layers, held: every module of `grader/src` is in one
//! layer, none names (`crate::module`, in code) a module of a later layer, and the
//! imports have no cycle. A new module, or an import that climbs, fails
//! here until the document says where it belongs. No browser, no build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn grader_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The numbered list of layers in ARCHITECTURE.md: module name → layer.
fn layers() -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(grader_dir().join("../ARCHITECTURE.md")).unwrap();
    let mut layers = BTreeMap::new();
    for line in text.lines() {
        let Some((number, rest)) = line.split_once(". ") else { continue };
        let Ok(layer) = number.trim().parse::<usize>() else { continue };
        for name in rest.split('`').skip(1).step_by(2) {
            assert!(layers.insert(name.to_string(), layer).is_none(), "{name} is in two layers");
        }
    }
    layers
}

/// Each module of the library (a file of `src/`, or a folder with a
/// `mod.rs`) and the modules it names as `crate::name`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = grader_dir().join("src");
    let mut imports = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).unwrap();
        let module = relative.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = shipped_code(&std::fs::read_to_string(path).unwrap());
        let named: &mut BTreeSet<String> = imports.entry(module.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String =
                text[at + "crate::".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() && name != module {
                named.insert(name);
            }
        }
    }
    imports
}

/// The code that ships: no comments (a comment's `crate::name` is a link
/// for the reader) and no `#[cfg(test)]` items (a test may build its
/// fixtures with any module).
fn shipped_code(source: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let code = line.split_once("//").map_or(line, |(code, _)| code);
        if code.trim() != "#[cfg(test)]" {
            kept.push(code);
            continue;
        }
        // Skip the item: to its `;`, or to the brace that closes its first.
        let mut depth = 0i32;
        for line in lines.by_ref() {
            let code = line.split_once("//").map_or(line, |(code, _)| code);
            let opened = code.contains('{');
            depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
            if depth == 0 && (opened || code.contains('}') || code.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    kept.join("\n")
}

#[test]
fn test_items_are_left_out_and_the_code_after_them_kept() {
    let source = "use crate::a;\n#[cfg(test)]\nimpl X {\n    fn f() { crate::b::g(); }\n}\n\
                  fn h() { crate::c::i() } // crate::d\n#[cfg(test)]\nmod tests;\nuse crate::e;\n";
    let shipped = shipped_code(source);
    for (name, kept) in [("a", true), ("b", false), ("c", true), ("d", false), ("e", true)] {
        assert_eq!(shipped.contains(&format!("crate::{name}")), kept, "{name}:\n{shipped}");
    }
}

#[test]
fn no_module_imports_one_of_a_later_layer_and_none_is_left_out() {
    let layers = layers();
    let imports = imports();
    assert!(layers.len() > 10, "ARCHITECTURE.md's numbered list of layers was not found: {layers:?}");
    let mut wrong = Vec::new();
    for (module, named) in &imports {
        // `cli` is the command line's types, beside `main`.
        let Some(&own) = layers.get(module).or(layers.get("main").filter(|_| module == "cli")) else {
            wrong.push(format!("{module} is in no layer of ARCHITECTURE.md"));
            continue;
        };
        for name in named {
            match layers.get(name) {
                Some(&layer) if layer > own => {
                    wrong.push(format!("{module} (layer {own}) imports {name} (layer {layer}), a later layer"))
                }
                Some(_) => {}
                None => wrong.push(format!("{module} imports {name}, which is in no layer")),
            }
        }
    }
    for documented in layers.keys().filter(|name| *name != "main") {
        if !imports.contains_key(documented) {
            wrong.push(format!("ARCHITECTURE.md names {documented}, and there is no such module"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_imports_have_no_cycle() {
    let imports = imports();
    // Depth-first, with the path so far: a module met again on it closes a cycle.
    fn visit(
        module: &str,
        imports: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            let mut cycle = path[at..].to_vec();
            cycle.push(module.to_string());
            return Some(cycle);
        }
        if !done.insert(module.to_string()) {
            return None;
        }
        path.push(module.to_string());
        for next in imports.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, imports, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for module in imports.keys() {
        let cycle = visit(module, &imports, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "an import cycle: {}", cycle.unwrap().join(" → "));
    }
}
