//! What JavaScript a student's crate can call, decided from the module the
//! compiler built — not from its source text.
//!
//! Every way a wasm-bindgen crate reaches JavaScript ends as an import of
//! the linked test module: an `extern` block (whatever macro wrote it,
//! whatever string its `js_name` is), a js-sys or web-sys call (whatever
//! type inference hid), an `inline_js` snippet or a `module = ...`. wasm-
//! bindgen names each import `__wbg_<js name>_<hash>`, and the hash covers
//! the crate that declared it and everything that changes the JavaScript
//! the binding calls (namespace, snippet, call style) — so an import name
//! identifies one binding, and two crates' bindings of the same JavaScript
//! (the test runner's `constructor` getter, js-sys's) are different names.
//!
//! A submission may import what the exercise's shipped stub imports (the
//! test file and the test runner's own bindings included), measured by
//! building the instructor's copy with the same tests, plus what
//! `course.toml` lists for the exercise (`imports`: what its reference
//! solution needs beyond the stub, which `grader verify` checks). Anything
//! else fails the exercise. A module that cannot be read fails closed.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// wasm-bindgen's module for the bindings it generates JavaScript for.
const BINDINGS: &str = "__wbindgen_placeholder__";

/// One import of a built module.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Import {
    pub module: String,
    pub name: String,
}

impl Import {
    /// How `course.toml` spells it: the name alone for a wasm-bindgen
    /// binding, `module::name` otherwise.
    pub fn key(&self) -> String {
        if self.module == BINDINGS {
            self.name.clone()
        } else {
            format!("{}::{}", self.module, self.name)
        }
    }

    /// Parses [`Import::key`]'s spelling.
    pub fn from_key(key: &str) -> Import {
        match key.split_once("::") {
            Some((module, name)) => Import { module: module.to_string(), name: name.to_string() },
            None => Import { module: BINDINGS.to_string(), name: key.to_string() },
        }
    }

    /// The JavaScript name in a binding's import name, for people:
    /// `__wbg_eval_0123456789abcdef` reaches `eval`.
    pub fn javascript_name(&self) -> Option<&str> {
        if self.module != BINDINGS {
            return None;
        }
        let rest = self.name.strip_prefix("__wbg_")?;
        let (name, hash) = rest.rsplit_once('_')?;
        (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(name)
    }
}

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.javascript_name() {
            Some(name) => write!(f, "`{name}` (import {})", self.name),
            None => write!(f, "import {}", self.key()),
        }
    }
}

/// The imports of one WebAssembly module. Anything that does not parse as
/// a module is an error, never an empty list.
pub fn imports_of(wasm: &[u8]) -> Result<BTreeSet<Import>> {
    let mut imports = BTreeSet::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(section) = payload.context("not a WebAssembly module")? {
            for import in section {
                let import = import.context("an unreadable import")?;
                imports.insert(Import { module: import.module.to_string(), name: import.name.to_string() });
            }
        }
    }
    Ok(imports)
}

/// A test module cargo built: one test file's tests.
#[derive(Debug, Clone, PartialEq)]
pub struct TestModule {
    /// The test target, its file's stem (`typed_views` for
    /// `tests/typed_views.rs`).
    pub target: String,
    pub path: PathBuf,
}

/// The test modules cargo built for the crate whose manifest is
/// `manifest`, from `cargo build --message-format=json`'s output.
pub fn test_modules(cargo_json: &str, manifest: &Path) -> Vec<TestModule> {
    let artifacts = crate::parse::cargo_artifacts(cargo_json, manifest, &["test"]);
    artifacts
        .into_iter()
        .flat_map(|artifact| {
            let target = artifact.target;
            artifact
                .files
                .into_iter()
                .filter(|file| file.extension().is_some_and(|e| e == "wasm"))
                .map(move |path| TestModule { target: target.clone(), path })
        })
        .collect()
}

/// Every import of the test modules a build made for one crate; a build
/// that made none for it, or a module that cannot be read, is an error.
pub fn of_build(cargo_json: &str, manifest: &Path) -> Result<BTreeSet<Import>> {
    of_modules(&test_modules(cargo_json, manifest), manifest)
}

/// Every import of `modules`, the test modules built for the crate whose
/// manifest is `manifest`; none, or a module that cannot be read, is an
/// error.
pub fn of_modules(modules: &[TestModule], manifest: &Path) -> Result<BTreeSet<Import>> {
    if modules.is_empty() {
        bail!("the build reported no test module for {}", manifest.display());
    }
    let mut imports = BTreeSet::new();
    for TestModule { path, .. } in modules {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        imports.extend(imports_of(&bytes).with_context(|| format!("cannot read {}", path.display()))?);
    }
    Ok(imports)
}

/// What `found` imports that `allowed` does not allow.
pub fn beyond<'a>(found: &'a BTreeSet<Import>, allowed: &'a BTreeSet<Import>) -> Vec<&'a Import> {
    found.difference(allowed).collect()
}

/// What a solution imports beyond its stub and the `listed` extras. A
/// binding's import name depends on the package that declares it, and the
/// solution's package is not the stub's: a binding the package declares
/// itself (in its test files, or an `extern` block both have) has a
/// counterpart in the stub with the same JavaScript name and another hash,
/// and is not counted. (One the solution alone declares cannot be listed
/// for students at all: its name under their package is another; give the
/// stub the same declaration.)
pub fn unlisted<'a>(
    solution: &'a BTreeSet<Import>,
    stub: &BTreeSet<Import>,
    listed: &BTreeSet<Import>,
) -> Vec<&'a Import> {
    let counterparts: Vec<&Import> = stub.difference(solution).collect();
    solution
        .iter()
        .filter(|import| !stub.contains(import) && !listed.contains(import))
        .filter(|import| {
            import.javascript_name().is_none()
                || !counterparts.iter().any(|other| other.javascript_name() == import.javascript_name())
        })
        .collect()
}

/// The sentence that fails an exercise whose module imports `extra`.
pub fn describe(extra: &[&Import]) -> String {
    let list: Vec<String> = extra.iter().map(|import| import.to_string()).collect();
    format!(
        "its code reaches JavaScript the exercise does not give it: {}. Only what the shipped stub and \
         course.toml's `imports` allow may be called.",
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with the given function imports (all of type `() -> ()`).
    fn module(imports: &[(&str, &str)]) -> Vec<u8> {
        fn name(out: &mut Vec<u8>, text: &str) {
            out.push(text.len() as u8);
            out.extend_from_slice(text.as_bytes());
        }
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        // The type section: one function type, () -> ().
        bytes.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        let mut section = vec![imports.len() as u8];
        for (module, field) in imports {
            name(&mut section, module);
            name(&mut section, field);
            section.extend_from_slice(&[0, 0]); // a function of type 0
        }
        bytes.push(2);
        bytes.push(section.len() as u8);
        bytes.extend(section);
        bytes
    }

    #[test]
    fn every_import_of_a_module_is_read() {
        let wasm = module(&[(BINDINGS, "__wbg_eval_0123456789abcdef"), ("env", "host")]);
        let imports = imports_of(&wasm).unwrap();
        let keys: Vec<String> = imports.iter().map(Import::key).collect();
        assert_eq!(keys, ["__wbg_eval_0123456789abcdef", "env::host"]);
    }

    #[test]
    fn what_cannot_be_read_is_an_error_not_an_empty_list() {
        assert!(imports_of(b"not wasm").is_err());
        let mut truncated = module(&[(BINDINGS, "__wbg_eval_0123456789abcdef")]);
        truncated.truncate(truncated.len() - 3);
        assert!(imports_of(&truncated).is_err());
    }

    #[test]
    fn a_binding_is_named_by_its_javascript_name() {
        let eval = Import::from_key("__wbg_eval_0123456789abcdef");
        assert_eq!(eval.javascript_name(), Some("eval"));
        assert_eq!(eval.to_string(), "`eval` (import __wbg_eval_0123456789abcdef)");
        let getter = Import::from_key("__wbg_static_accessor_DOCUMENT_96fc2effb35d21d6");
        assert_eq!(getter.javascript_name(), Some("static_accessor_DOCUMENT"));
        let intrinsic = Import::from_key("__wbindgen_externref_xform__::__wbindgen_externref_table_grow");
        assert_eq!(intrinsic.javascript_name(), None);
        assert_eq!(Import::from_key(&intrinsic.key()), intrinsic);
    }

    #[test]
    fn only_what_is_allowed_passes_and_a_binding_of_another_crate_is_another_import() {
        let allowed: BTreeSet<Import> =
            ["__wbg_constructor_0e8dfad2469cbbe0", "__wbg_new_63f74d2c970f42cb"].map(Import::from_key).into();
        // The same JavaScript getter bound by another crate has another hash.
        let found: BTreeSet<Import> =
            ["__wbg_new_63f74d2c970f42cb", "__wbg_constructor_1111111111111111"].map(Import::from_key).into();
        let extra = beyond(&found, &allowed);
        assert_eq!(extra, [&Import::from_key("__wbg_constructor_1111111111111111")]);
        assert!(describe(&extra).contains("`constructor`"), "{}", describe(&extra));
        assert!(beyond(&allowed, &allowed).is_empty());
    }

    #[test]
    fn the_test_modules_of_one_crate_are_found_in_cargos_messages() {
        let manifest = Path::new("/c/exercises/07/Cargo.toml");
        let json = [
            r#"{"reason":"compiler-artifact","manifest_path":"/c/exercises/07/Cargo.toml","target":{"kind":["lib"]},"filenames":["/t/libg.rlib"]}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/c/exercises/07/Cargo.toml","target":{"kind":["test"],"name":"grayscale"},"filenames":["/t/grayscale-1.wasm"]}"#,
            r#"{"reason":"compiler-artifact","manifest_path":"/c/other/Cargo.toml","target":{"kind":["test"]},"filenames":["/t/other-1.wasm"]}"#,
            "not json",
        ]
        .join("\n");
        let module = TestModule { target: "grayscale".into(), path: PathBuf::from("/t/grayscale-1.wasm") };
        assert_eq!(test_modules(&json, manifest), [module]);
        assert!(of_build("", manifest).is_err(), "no module is an error");
    }
}
