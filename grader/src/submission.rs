//! Grading a submission against the instructor's pristine copy of the
//! course (`grade --reference DIR`), and sealing a course so a student is
//! warned locally (`grader seal`).
//!
//! Which files are whose: the student owns the files of each exercise
//! crate (and of the capstone crate) that course.toml calls editable —
//! `src/**` unless it says more, like exercise 04's `page.js`. Everything
//! else that decides a grade is the instructor's: every other file of
//! those crates (tests, JS harnesses, Cargo.toml), the workspace's
//! Cargo.toml, Cargo.lock, course.toml and rust-toolchain.toml, and
//! `.cargo/`. A submission is graded in a staged copy made of the
//! reference plus the student's editable files, so a changed test is
//! graded with the original and a build.rs the student added never runs;
//! each difference is reported as a finding. The student's tree is only
//! read, and never through a symbolic link.
//!
//! The staged copy holds no solutions (`solutions/`, and the grader's own
//! tests, whose fixtures are near-solutions): a submission cannot read what
//! is not there. An editable crate that breaks [`crate::integrity`]'s rules,
//! or holds a symbolic link, is graded as shipped (the reference's stubs),
//! so it scores what an untouched exercise scores, and the finding says why.

use crate::integrity;
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

/// What a student never gets (a student edition leaves them out) and a
/// submission is never built with: the solutions, and the grader's tests
/// (their fixtures are solutions with small changes).
pub const WITHHELD: &[&str] = &["solutions/", "grader/tests/"];

/// Who owns which file, from the manifest.
pub struct Ownership {
    crates: Vec<CrateRules>,
}

/// One graded crate: where it is and which of its files a student edits.
pub struct CrateRules {
    /// Relative to the course root, ending in `/`.
    pub dir: String,
    editable: GlobSet,
    /// The student writes JavaScript here (an editable `.js` file), and so
    /// may bind to it from Rust.
    pub has_javascript: bool,
}

impl CrateRules {
    /// Whether `path` (relative to the course root) is one of this crate's editable files.
    pub fn is_editable(&self, path: &str) -> bool {
        path.strip_prefix(self.dir.as_str()).is_some_and(|rest| self.editable.is_match(rest))
    }
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
            let has_javascript = globs.iter().any(|glob| glob.ends_with(".js") || glob.ends_with(".mjs"));
            crates.push(CrateRules { dir, editable: set.build()?, has_javascript });
        }
        Ok(Ownership { crates })
    }

    /// The rules of the crate at `dir` (relative to the course root).
    pub fn crate_at(&self, dir: &str) -> Option<&CrateRules> {
        let dir = format!("{}/", dir.trim_end_matches('/'));
        self.crates.iter().find(|rules| rules.dir == dir)
    }

    /// The crate a path belongs to.
    fn crate_of(&self, path: &str) -> Option<&CrateRules> {
        self.crates.iter().find(|rules| path.starts_with(rules.dir.as_str()))
    }

    /// A file the student may change (a relative, `/`-separated path).
    pub fn is_editable(&self, path: &str) -> bool {
        self.crates.iter().any(|rules| rules.is_editable(path))
    }

    /// A file that decides grades and belongs to the instructor. Prose
    /// (`*.md`) decides nothing: a student may keep notes in a README.
    pub fn is_protected(&self, path: &str) -> bool {
        if path.ends_with(".md") {
            return false;
        }
        ROOT_FILES.contains(&path)
            || path.starts_with(CARGO_CONFIG_DIR)
            || (self.crate_of(path).is_some() && !self.is_editable(path))
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

    let mut findings = compare(&ownership, &student, &reference, &theirs, &ours)?;
    let broken = violations(&ownership, &student, &theirs);
    // Crates whose editable files cannot be trusted are graded as shipped.
    let as_shipped: Vec<&str> =
        broken.iter().filter_map(|f| ownership.crate_of(&f.path)).map(|rules| rules.dir.as_str()).collect();
    findings.extend(broken.iter().cloned());
    let shipped = |path: &str| as_shipped.iter().any(|dir| path.starts_with(dir));

    let mut wanted: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, kind) in &ours {
        let withheld = WITHHELD.iter().any(|dir| path.starts_with(dir));
        if *kind == Entry::File && !withheld && (!ownership.is_editable(path) || shipped(path)) {
            wanted.insert(path.clone(), reference.join(path));
        }
    }
    for (path, kind) in &theirs {
        if *kind == Entry::File && ownership.is_editable(path) && !shipped(path) {
            wanted.insert(path.clone(), student.join(path));
        }
    }

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

/// What the student's editable files may not do (see
/// [`crate::integrity`]), and every symbolic link in the submission.
fn violations(ownership: &Ownership, student: &Path, theirs: &BTreeMap<String, Entry>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, kind) in theirs {
        if *kind == Entry::Symlink {
            let what = if ownership.crate_of(path).is_some() {
                "is a symbolic link, which is never followed; the exercise is graded as shipped"
            } else {
                "is a symbolic link, which is never followed; ignored"
            };
            findings.push(finding(path, Change::Forbidden, what));
        } else if let Some(rules) = ownership.crate_of(path).filter(|rules| rules.is_editable(path)) {
            findings.extend(file_problems(path, &student.join(path), rules));
        }
    }
    findings
}

/// The problems of one editable file, as findings that fail its exercise.
pub fn file_problems(path: &str, file: &Path, rules: &CrateRules) -> Vec<Finding> {
    let problems = match Path::new(path).extension().and_then(|e| e.to_str()) {
        Some("rs") => integrity::scan_rust(&std::fs::read_to_string(file).unwrap_or_default(), rules.has_javascript),
        Some("js" | "mjs") => integrity::scan_js(&std::fs::read_to_string(file).unwrap_or_default()),
        _ => Vec::new(),
    };
    if problems.is_empty() {
        return Vec::new();
    }
    let what = format!("{}; the exercise is graded as shipped", problems.join("; "));
    vec![finding(path, Change::Forbidden, &what)]
}

/// The findings that fail the crate at `crate_dir` in a course graded where
/// it is: its editable files' problems and symbolic links among them.
pub fn crate_problems(course_root: &Path, rules: &CrateRules) -> Vec<Finding> {
    let crate_root = course_root.join(&rules.dir);
    let entries = files(&crate_root);
    let mut findings = Vec::new();
    for (relative, kind) in entries {
        let path = format!("{}{relative}", rules.dir);
        if !rules.is_editable(&path) {
            continue;
        }
        if kind == Entry::Symlink {
            findings.push(finding(&path, Change::Forbidden, "is a symbolic link, which is never followed"));
        } else {
            findings.extend(file_problems(&path, &course_root.join(&path), rules));
        }
    }
    findings
}

/// Every protected file the submission changed, removed or added.
fn compare(
    ownership: &Ownership,
    student: &Path,
    reference: &Path,
    theirs: &BTreeMap<String, Entry>,
    ours: &BTreeMap<String, Entry>,
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

/// What a walk of a course tree finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File,
    /// Never followed: reported, never read.
    Symlink,
}

/// The regular files of a course tree (see [`files`]).
pub fn course_files(root: &Path) -> Vec<String> {
    files(root).into_iter().filter(|(_, kind)| *kind == Entry::File).map(|(path, _)| path).collect()
}

/// The files (and symbolic links) of a course tree, relative and
/// `/`-separated, without build output, version control or backups.
fn files(root: &Path) -> BTreeMap<String, Entry> {
    WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !matches!(e.file_name().to_str(), Some("target" | ".git" | ".grader"))
        })
        .filter_map(Result::ok)
        .filter_map(|e| {
            let kind = if e.path_is_symlink() {
                Entry::Symlink
            } else if e.file_type().is_file() {
                Entry::File
            } else {
                return None;
            };
            let relative = e.path().strip_prefix(root).ok()?;
            Some((relative.to_string_lossy().replace('\\', "/"), kind))
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
