//! What the compiler says it read for a crate.

use std::path::{Path, PathBuf};

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

    #[test]
    fn dep_info_lists_the_files_rustc_read() {
        let dep_info = "/t/deps/typed_views-1.d: exercises/01_typed_views/src/lib.rs /course/solutions/a\\ b.rs\n\nexercises/01_typed_views/src/lib.rs:\n";
        assert_eq!(
            dep_info_sources(dep_info, Path::new("/course")),
            [PathBuf::from("/course/exercises/01_typed_views/src/lib.rs"), PathBuf::from("/course/solutions/a b.rs")]
        );
    }
}
