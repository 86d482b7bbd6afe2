//! Grading a submission against the instructor's pristine copy of the
//! course (`grade --reference DIR`), and sealing a course so a student is
//! warned locally (`grader seal`).
//!
//! Which files are whose: the student owns the files of each exercise
//! crate (and of the capstone crate) that course.toml calls editable —
//! `src/**` unless it says more, like exercise 02's `page.js`. Everything
//! else that decides a grade is the instructor's: every other file of
//! those crates (tests, JS harnesses, Cargo.toml), the workspace's
//! Cargo.toml, Cargo.lock, course.toml and rust-toolchain.toml, and
//! `.cargo/`. A submission is graded in a staged copy made of the
//! reference plus the student's editable files, so a changed test is
//! graded with the original and a build.rs the student added never runs;
//! each difference is reported as a finding. The student's tree is only
//! read.

use crate::manifest::{Manifest, MANIFEST_FILE};
use crate::model::{Change, Finding};
use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Files at the root that decide how everything builds and is graded.
const ROOT_FILES: &[&str] = &["Cargo.toml", "Cargo.lock", MANIFEST_FILE, "rust-toolchain.toml"];
/// Cargo configuration could change the runner, flags or dependencies.
const CARGO_CONFIG_DIR: &str = ".cargo/";
/// The seal a course ships for local warnings (`grader seal`).
pub const SEAL_FILE: &str = "course.seal.json";

/// Who owns which file, from the manifest.
pub struct Ownership {
    /// Each graded crate's directory (relative, ending in `/`) and the
    /// globs of its editable files.
    crates: Vec<(String, GlobSet)>,
}

impl Ownership {
    pub fn of(manifest: &Manifest) -> Result<Ownership> {
        let mut crates = Vec::new();
        let entries = manifest.exercises.iter().map(|e| (format!("exercises/{}/", e.dir), e.editable_globs()));
        let capstone = manifest.capstone.iter().map(|c| {
            let globs = if c.editable.is_empty() { vec!["src/**".to_string()] } else { c.editable.clone() };
            (format!("{}/", c.dir.trim_end_matches('/')), globs)
        });
        for (dir, globs) in entries.chain(capstone) {
            let mut set = GlobSetBuilder::new();
            for glob in &globs {
                set.add(Glob::new(glob).with_context(|| format!("course.toml: `{glob}` is not a valid glob"))?);
            }
            crates.push((dir, set.build()?));
        }
        Ok(Ownership { crates })
    }

    /// A file the student may change (a relative, `/`-separated path).
    pub fn is_editable(&self, path: &str) -> bool {
        self.crates.iter().any(|(dir, globs)| path.strip_prefix(dir.as_str()).is_some_and(|rest| globs.is_match(rest)))
    }

    /// A file that decides grades and belongs to the instructor. Prose
    /// (`*.md`) decides nothing: a student may keep notes in a README.
    pub fn is_protected(&self, path: &str) -> bool {
        if path.ends_with(".md") {
            return false;
        }
        ROOT_FILES.contains(&path)
            || path.starts_with(CARGO_CONFIG_DIR)
            || (self.crates.iter().any(|(dir, _)| path.starts_with(dir.as_str())) && !self.is_editable(path))
    }
}

/// A staged submission: where to grade it, and what was flagged.
pub struct Staged {
    pub root: PathBuf,
    pub findings: Vec<Finding>,
}

/// Builds (or brings up to date) the copy to grade in `work`: the
/// reference's files with the student's editable ones over them. Files
/// whose content is unchanged are not rewritten, so cargo's and the
/// grader's caches stay valid between runs.
pub fn stage(student: &Path, reference: &Path, work: &Path) -> Result<Staged> {
    let student =
        student.canonicalize().with_context(|| format!("cannot open the submission {}", student.display()))?;
    let reference = reference
        .canonicalize()
        .with_context(|| format!("cannot open the reference course {}", reference.display()))?;
    if student == reference {
        bail!("--reference must be the instructor's own copy of the course, not the submission being graded");
    }
    let manifest = Manifest::load(&reference).context("the reference course has no valid course.toml")?;
    let ownership = Ownership::of(&manifest)?;
    let theirs = files(&student);
    let ours = files(&reference);

    let mut wanted: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in ours.keys().filter(|p| !ownership.is_editable(p)) {
        wanted.insert(path.clone(), reference.join(path));
    }
    for path in theirs.keys().filter(|p| ownership.is_editable(p)) {
        wanted.insert(path.clone(), student.join(path));
    }
    let findings = compare(&ownership, &student, &reference, &theirs, &ours)?;

    let root = work.join("course");
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    for (path, source) in &wanted {
        let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        let target = root.join(path);
        if std::fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &bytes).with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    for stale in files(&root).keys().filter(|path| !wanted.contains_key(*path)) {
        std::fs::remove_file(root.join(stale))?;
    }
    Ok(Staged { root, findings })
}

/// Every protected file the submission changed, removed or added.
fn compare(
    ownership: &Ownership,
    student: &Path,
    reference: &Path,
    theirs: &BTreeMap<String, ()>,
    ours: &BTreeMap<String, ()>,
) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for path in ours.keys().filter(|p| ownership.is_protected(p)) {
        if !theirs.contains_key(path) {
            findings.push(finding(
                path,
                Change::Removed,
                "is missing from the submission; graded with the reference copy",
            ));
        } else if std::fs::read(student.join(path))? != std::fs::read(reference.join(path))? {
            let what = describe_change(path, &student.join(path), &reference.join(path));
            findings.push(finding(path, Change::Modified, &what));
        }
    }
    for path in theirs.keys().filter(|p| ownership.is_protected(p) && !ours.contains_key(*p)) {
        let what = if path.ends_with("build.rs") {
            "adds a build script, which would run code while building; ignored"
        } else {
            "is not part of the course, in a part the student does not edit; ignored"
        };
        findings.push(finding(path, Change::Added, what));
    }
    Ok(findings)
}

fn finding(path: &str, change: Change, what: &str) -> Finding {
    Finding { path: path.to_string(), change, message: format!("{path} {what}") }
}

/// What a changed file means: a test edited, or a Cargo.toml that adds
/// dependencies or makes a proc-macro.
fn describe_change(path: &str, theirs: &Path, ours: &Path) -> String {
    let graded = "graded with the reference copy";
    if path.ends_with("Cargo.toml") {
        let table = |file: &Path| -> Option<toml::Table> { std::fs::read_to_string(file).ok()?.parse().ok() };
        let (Some(theirs), Some(ours)) = (table(theirs), table(ours)) else {
            return format!("differs from the reference; {graded}");
        };
        let mut added = Vec::new();
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let names = |t: &toml::Table| -> Vec<String> {
                t.get(section).and_then(|s| s.as_table()).map(|s| s.keys().cloned().collect()).unwrap_or_default()
            };
            let known = names(&ours);
            added.extend(names(&theirs).into_iter().filter(|n| !known.contains(n)).map(|n| format!("{n} ({section})")));
        }
        let proc_macro = theirs.get("lib").and_then(|l| l.get("proc-macro")).and_then(|v| v.as_bool()) == Some(true);
        let mut what = Vec::new();
        if !added.is_empty() {
            what.push(format!("adds {}", added.join(", ")));
        }
        if proc_macro {
            what.push("makes the crate a proc-macro".to_string());
        }
        if what.is_empty() {
            what.push("differs from the reference".to_string());
        }
        return format!("{}; ignored, {graded}", what.join(" and "));
    }
    if path.contains("/tests/") {
        return format!("(a test file) was edited; {graded}, so the edit earns nothing");
    }
    format!("differs from the reference; {graded}")
}

/// The files of a course tree, relative and `/`-separated, without build
/// output or version control.
fn files(root: &Path) -> BTreeMap<String, ()> {
    WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || (e.file_name() != "target" && e.file_name() != ".git"))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(root).ok()?;
            Some((relative.to_string_lossy().replace('\\', "/"), ()))
        })
        .collect()
}

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
pub fn seal(course_root: &Path, manifest: &Manifest) -> Result<Seal> {
    let ownership = Ownership::of(manifest)?;
    let mut seal = Seal::default();
    for path in files(course_root).keys().filter(|p| *p != SEAL_FILE) {
        let bytes = std::fs::read(course_root.join(path))?;
        if ownership.is_protected(path) {
            seal.protected.insert(path.clone(), sha256(&bytes));
        } else if ownership.is_editable(path) {
            let text = String::from_utf8(bytes).with_context(|| format!("{path} is not UTF-8 text"))?;
            seal.shipped.insert(path.clone(), text);
        }
    }
    std::fs::write(course_root.join(SEAL_FILE), serde_json::to_string_pretty(&seal)? + "\n")?;
    Ok(seal)
}

/// The protected files that differ from the seal, if the course has one:
/// said to the student before grading, because CI grades with the originals.
pub fn check_seal(course_root: &Path, manifest: &Manifest) -> Vec<Finding> {
    let Some(seal) = Seal::load(course_root) else { return Vec::new() };
    let Ok(ownership) = Ownership::of(manifest) else { return Vec::new() };
    let present = files(course_root);
    let mut findings = Vec::new();
    for (path, hash) in &seal.protected {
        match std::fs::read(course_root.join(path)) {
            Err(_) => findings.push(finding(path, Change::Removed, "is missing; CI grades with the original")),
            Ok(bytes) if sha256(&bytes) != *hash => findings.push(finding(
                path,
                Change::Modified,
                "was changed; CI grades with the original, so the change will not count (`git checkout` it to see what CI sees)",
            )),
            Ok(_) => {}
        }
    }
    for path in
        present.keys().filter(|p| ownership.is_protected(p) && *p != SEAL_FILE && !seal.protected.contains_key(*p))
    {
        findings.push(finding(path, Change::Added, "is not part of the course; CI ignores it"));
    }
    findings
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
