//! The seal a course ships (`grader seal`, course.seal.json): the hashes of
//! the instructor's files and the shipped text of the student's. A student
//! grading their own copy is warned that a protected file they changed will
//! not count (CI grades with the originals), and `reset` restores a file
//! from its shipped text.

use crate::discover::Course;
use crate::model::{Change, Finding};
use crate::submission::finding;
use crate::walk::files;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The seal a course ships for local warnings (`grader seal`).
pub const SEAL_FILE: &str = "course.seal.json";

/// What `grader seal` writes: the hashes of the instructor's files, and
/// the shipped text of every file a student edits (what `reset` restores).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Seal {
    pub protected: BTreeMap<String, String>,
    pub shipped: BTreeMap<String, String>,
}

impl Seal {
    pub fn load(course_root: &Path) -> Option<Seal> {
        serde_json::from_str(&std::fs::read_to_string(course_root.join(SEAL_FILE)).ok()?).ok()
    }
}

/// `grader seal`: the SHA-256 of every protected file and the text of
/// every editable one, written to course.seal.json.
pub fn seal(course: &Course) -> Result<Seal> {
    let mut seal = Seal::default();
    for path in files(&course.root).keys().filter(|p| *p != SEAL_FILE) {
        let bytes = std::fs::read(course.root.join(path))?;
        if course.ownership.is_protected(path) {
            seal.protected.insert(path.clone(), sha256(&bytes));
        } else if course.ownership.is_editable(path) {
            let text = String::from_utf8(bytes).with_context(|| format!("{path} is not UTF-8 text"))?;
            seal.shipped.insert(path.clone(), text);
        }
    }
    std::fs::write(course.root.join(SEAL_FILE), serde_json::to_string_pretty(&seal)? + "\n")?;
    Ok(seal)
}

/// The protected files that differ from the seal, if the course has one:
/// said to the student before grading, because CI grades with the originals.
pub fn check_seal(course: &Course) -> Vec<Finding> {
    let Some(seal) = Seal::load(&course.root) else { return Vec::new() };
    let present = files(&course.root);
    let mut findings = Vec::new();
    for (path, hash) in &seal.protected {
        match std::fs::read(course.root.join(path)) {
            Err(_) => findings.push(finding(path, Change::Removed, "is missing; CI grades with the original")),
            Ok(bytes) if sha256(&bytes) != *hash => findings.push(finding(
                path,
                Change::Modified,
                "was changed; CI grades with the original, so the change will not count (`git checkout` it to see what CI sees)",
            )),
            Ok(_) => {}
        }
    }
    for path in present
        .keys()
        .filter(|p| course.ownership.is_protected(p) && *p != SEAL_FILE && !seal.protected.contains_key(*p))
    {
        findings.push(finding(path, Change::Added, "is not part of the course; CI ignores it"));
    }
    findings
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;

    #[test]
    fn the_seal_holds_protected_hashes_and_shipped_editable_text_only() {
        let fake = FakeCourse::new();
        let seal = seal(&fake.course()).unwrap();
        for path in ["course.toml", "Cargo.lock", "exercises/01_alpha/tests/alpha.rs", "exercises/02_beta/harness.js"] {
            assert_eq!(seal.protected.get(path), Some(&sha256(fake.read(path).as_bytes())), "{path}");
        }
        assert_eq!(seal.shipped.get("exercises/02_beta/page.js"), Some(&fake.read("exercises/02_beta/page.js")));
        assert!(seal.shipped.contains_key("mix/src/buffer.rs"));
        let sealed: Vec<&String> = seal.protected.keys().chain(seal.shipped.keys()).collect();
        for path in sealed {
            assert!(!path.starts_with("solutions/") && !path.ends_with(".md") && path != SEAL_FILE, "{path}");
        }
        let loaded = Seal::load(fake.root()).expect("written to course.seal.json");
        assert_eq!(loaded.protected, seal.protected);
        assert_eq!(loaded.shipped, seal.shipped);
    }

    #[test]
    fn an_untouched_sealed_course_reports_nothing_and_an_edited_one_names_each_file() {
        let fake = FakeCourse::new();
        let course = fake.course();
        seal(&course).unwrap();
        assert!(check_seal(&course).is_empty());
        // The student's own files and prose are theirs to change.
        fake.write("exercises/01_alpha/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        fake.write("exercises/01_alpha/README.md", "notes\n");
        assert!(check_seal(&course).is_empty());
        fake.write("exercises/01_alpha/tests/alpha.rs", "// gone\n");
        fake.remove("mix/tests/motions.rs");
        fake.write("exercises/02_beta/build.rs", "fn main() {}\n");
        let mut found: Vec<(String, Change)> = check_seal(&course).into_iter().map(|f| (f.path, f.change)).collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            found,
            [
                ("exercises/01_alpha/tests/alpha.rs".to_string(), Change::Modified),
                ("exercises/02_beta/build.rs".to_string(), Change::Added),
                ("mix/tests/motions.rs".to_string(), Change::Removed),
            ]
        );
    }

    #[test]
    fn without_a_readable_seal_there_is_nothing_to_warn_about() {
        let fake = FakeCourse::new();
        let course = fake.course();
        fake.write("exercises/01_alpha/tests/alpha.rs", "// edited\n");
        assert!(check_seal(&course).is_empty());
        fake.write(SEAL_FILE, "{ not json");
        assert!(Seal::load(fake.root()).is_none());
        assert!(check_seal(&course).is_empty());
    }
}
