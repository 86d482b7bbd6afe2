//! What the compiler says it read for a crate.
//!
//! rustc's dep-info (`.d`) is a Makefile fragment: a rule per output
//! (`output: file file ...`), an empty rule per file it read (`file:`), and
//! a `# env-dep:NAME=value` line per environment variable the code read at
//! compile time (`env!`, `option_env!`). rustc escapes only spaces in file
//! names (`\ `): a `$` or `\` is written as it is, and a newline in a name
//! breaks its line. So every line is read, and a line that is neither a
//! rule nor an env-dep is an error — the caller then treats the crate as
//! having read something outside its files (it fails closed).

use std::path::{Path, PathBuf};

/// What one dep-info file says.
#[derive(Debug, PartialEq)]
pub struct DepInfo {
    /// What the rules are for (the `.d` itself, the `.rlib`, the `.rmeta`, a
    /// test's `.wasm`), as written.
    pub outputs: Vec<PathBuf>,
    /// Every file the compiler read, relative ones joined to the workspace root.
    pub files: Vec<PathBuf>,
    /// The environment variables read at compile time, by name only: their
    /// values could be secrets.
    pub env_vars: Vec<String>,
}

/// Environment variables cargo itself sets for rustc, describing the
/// package: reading them reveals nothing about the grading machine. Other
/// `CARGO_` variables can hold secrets (`CARGO_REGISTRY_TOKEN`).
const CARGO_SETS: &[&str] = &[
    "CARGO",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
];

/// Whether reading environment variable `name` at compile time is one of
/// cargo's descriptions of the package (`CARGO_PKG_NAME`, ...).
pub fn is_cargo_package_var(name: &str) -> bool {
    name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_BIN_EXE_") || CARGO_SETS.contains(&name)
}

/// Reads a dep-info file completely: every rule, every file in it, every
/// env-dep. Relative paths are relative to `workspace_root`, where cargo
/// runs rustc. `Err` says which line could not be read.
pub fn parse_dep_info(text: &str, workspace_root: &Path) -> Result<DepInfo, String> {
    let mut info = DepInfo { outputs: Vec::new(), files: Vec::new(), env_vars: Vec::new() };
    for (number, line) in text.lines().enumerate() {
        let unreadable = || format!("line {} of the compiler's dep-info is not a rule or an env-dep", number + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            // The value is escaped (`\n`, `\\`), so it never breaks the line.
            let var = comment.strip_prefix(" env-dep:").ok_or_else(unreadable)?;
            let name = var.split_once('=').map_or(var, |(name, _value)| name);
            info.env_vars.push(name.to_string());
            continue;
        }
        let words = words(line);
        // The outputs end at the first word ending in an unescaped `:`.
        let Some(colon) = words.iter().position(|word| word.ends_with(':')) else { return Err(unreadable()) };
        let mut targets = words[..=colon].to_vec();
        if let Some(last) = targets.last_mut() {
            last.pop();
        }
        if targets.iter().any(String::is_empty) {
            return Err(unreadable());
        }
        let prerequisites = &words[colon + 1..];
        let join = |name: &String| workspace_root.join(name);
        if prerequisites.is_empty() {
            // `file:` — a rule of its own for each file read.
            info.files.extend(targets.iter().map(join));
        } else {
            info.outputs.extend(targets.iter().map(PathBuf::from));
            info.files.extend(prerequisites.iter().map(join));
        }
    }
    if info.outputs.is_empty() {
        return Err("the compiler's dep-info has no rule for what it built".to_string());
    }
    info.files.sort();
    info.files.dedup();
    info.env_vars.sort();
    info.env_vars.dedup();
    Ok(info)
}

/// A rule's words, split at unescaped spaces, `\ ` read as a space.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                current.push(' ');
                chars.next();
            }
            ' ' => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What rustc 1.95 wrote for a crate that includes `a b$c\d.txt` and
    /// reads `CARGO_PKG_NAME` and `MY_SECRET` (value `s e\cret` + newline + `x`).
    const WRITTEN_BY_RUSTC: &str = "/t/deps/dd-40b4.d: src/lib.rs src/a\\ b$c\\d.txt\n\n\
        /t/deps/libdd-40b4.rlib: src/lib.rs src/a\\ b$c\\d.txt\n\n\
        /t/deps/libdd-40b4.rmeta: src/lib.rs src/a\\ b$c\\d.txt\n\n\
        src/lib.rs:\nsrc/a\\ b$c\\d.txt:\n\n\
        # env-dep:CARGO_PKG_NAME=dd\n# env-dep:MY_SECRET=s e\\\\cret\\nx\n# env-dep:UNSET\n";

    #[test]
    fn every_rule_every_file_and_every_env_dep_is_read() {
        let info = parse_dep_info(WRITTEN_BY_RUSTC, Path::new("/course")).unwrap();
        assert_eq!(
            info.outputs,
            ["/t/deps/dd-40b4.d", "/t/deps/libdd-40b4.rlib", "/t/deps/libdd-40b4.rmeta"].map(PathBuf::from)
        );
        assert_eq!(info.files, ["/course/src/a b$c\\d.txt", "/course/src/lib.rs"].map(PathBuf::from));
        assert_eq!(info.env_vars, ["CARGO_PKG_NAME", "MY_SECRET", "UNSET"]);
    }

    #[test]
    fn a_file_in_any_rule_is_read_not_only_the_first() {
        let text =
            "/t/x.d: src/lib.rs\n/t/libx.rlib: src/lib.rs /course/solutions/lib.rs\n\nsrc/lib.rs:\n/etc/passwd:\n";
        let info = parse_dep_info(text, Path::new("/course")).unwrap();
        assert_eq!(info.files, ["/course/solutions/lib.rs", "/course/src/lib.rs", "/etc/passwd"].map(PathBuf::from));
    }

    #[test]
    fn a_newline_in_a_file_name_makes_the_dep_info_unreadable() {
        // What rustc wrote for an included file named "n\nl.txt".
        let text = "/t/deps/dd-40b4.d: src/lib.rs src/n\nl.txt\n\nsrc/lib.rs:\nsrc/n\nl.txt:\n";
        let error = parse_dep_info(text, Path::new("/course")).unwrap_err();
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn anything_that_is_not_a_rule_or_an_env_dep_is_an_error() {
        for text in [
            "",
            "\n\n",
            "src/lib.rs:\n",
            "/t/x.d: src/lib.rs\n# checksum:abc\n",
            "/t/x.d: src/lib.rs\nno colon here\n",
            "/t/x.d: src/lib.rs\n: src/other.rs\n",
        ] {
            assert!(parse_dep_info(text, Path::new("/c")).is_err(), "read: {text:?}");
        }
    }

    #[test]
    fn only_cargos_descriptions_of_the_package_are_harmless_variables() {
        for name in ["CARGO_PKG_NAME", "CARGO_MANIFEST_DIR", "CARGO_CRATE_NAME", "CARGO"] {
            assert!(is_cargo_package_var(name), "{name}");
        }
        for name in ["CARGO_REGISTRY_TOKEN", "GITHUB_TOKEN", "HOME", "CARGO_HOME", "MY_SECRET"] {
            assert!(!is_cargo_package_var(name), "{name}");
        }
    }
}
