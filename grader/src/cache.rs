//! The grading cache: an exercise whose inputs are byte for byte what they
//! were when it was last graded is neither rebuilt nor rerun — its stored
//! report is used. The inputs are everything the result depends on: the
//! crate's files, the test files, the workspace's Cargo.toml, Cargo.lock,
//! toolchain file and course.toml, the grader itself, the tools and the
//! engine. Reports are stored under `target/grader/cache/` as JSON.

use crate::discover::{Course, Exercise, Variant};
use crate::model::{ErrorKind, ExerciseReport};
use crate::settings::Settings;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

const WORKSPACE_FILES: &[&str] = &["Cargo.toml", "rust-toolchain.toml", "course.toml"];
/// Cargo may rewrite the lockfile while building (a course whose packages
/// were renamed, say), so it is hashed apart from the rest: see [`Key`].
const LOCKFILE: &str = "Cargo.lock";

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    report: ExerciseReport,
}

impl Cache {
    pub fn new(course_root: &Path) -> Cache {
        Cache { dir: course_root.join("target").join("grader").join("cache") }
    }

    /// The stored report, if it was graded from exactly these inputs.
    pub fn load(&self, exercise: &Exercise, variant: Variant, key: &Key) -> Option<ExerciseReport> {
        let text = std::fs::read_to_string(self.file(exercise, variant)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        (entry.key == key.stored()).then_some(ExerciseReport { cached: true, ..entry.report })
    }

    /// Keeps a report for next time, unless it says nothing about the
    /// student's code: a missing tool or a timeout may not happen again.
    pub fn store(&self, exercise: &Exercise, variant: Variant, key: &Key, report: &ExerciseReport) {
        if report.error.as_ref().is_some_and(|e| e.kind.is_infrastructure() || e.kind == ErrorKind::Timeout) {
            return;
        }
        let entry = Entry { key: key.stored(), report: report.clone() };
        // A cache that cannot be written only costs time next run.
        let _ = std::fs::create_dir_all(&self.dir);
        if let Ok(json) = serde_json::to_string(&entry) {
            let _ = std::fs::write(self.file(exercise, variant), json);
        }
    }

    fn file(&self, exercise: &Exercise, variant: Variant) -> PathBuf {
        let variant = match variant {
            Variant::Exercise => "exercise",
            Variant::Solution => "solution",
        };
        self.dir.join(format!("{variant}-{}.json", exercise.slug()))
    }
}

/// What a report was graded from: digests of every input but the
/// lockfile, and of the lockfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    inputs: String,
    lockfile: String,
}

impl Key {
    fn stored(&self) -> String {
        format!("{}:{}", self.inputs, self.lockfile)
    }

    /// The key to store a report under, taken again after grading: when
    /// nothing but the lockfile changed meanwhile (cargo updated it), the
    /// report holds for the files as they are now; when anything else
    /// changed (the student saved a file), it is not stored at all.
    pub fn after_grading(&self, now: Key) -> Option<Key> {
        (now.inputs == self.inputs).then_some(now)
    }
}

/// The digests of every input of grading `exercise`.
pub fn key(course: &Course, exercise: &Exercise, variant: Variant, settings: &Settings) -> Key {
    Key {
        inputs: inputs_digest(course, exercise, variant, settings),
        lockfile: hex(&Sha256::digest(std::fs::read(course.root.join(LOCKFILE)).unwrap_or_default())),
    }
}

fn inputs_digest(course: &Course, exercise: &Exercise, variant: Variant, settings: &Settings) -> String {
    let mut hasher = Sha256::new();
    let mut add = |label: &str, bytes: &[u8]| {
        hasher.update((label.len() as u64).to_le_bytes());
        hasher.update(label.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    add("grader", env!("CARGO_PKG_VERSION").as_bytes());
    add("grader binary", identity(std::env::current_exe().ok().as_deref()).as_bytes());
    add("exercise", format!("{:?}", exercise.entry).as_bytes());
    add("runner", format!("{:?}", settings.toolbox.engine).as_bytes());
    add("wasm-pack", identity(Some(&settings.toolbox.wasm_pack)).as_bytes());
    if let Some(browser) = &settings.toolbox.browser {
        add("webdriver", identity(Some(&browser.driver)).as_bytes());
        add("browser", identity(Some(&browser.binary)).as_bytes());
    }
    add("test timeout", format!("{:?}", settings.test_timeout).as_bytes());
    for name in WORKSPACE_FILES {
        add(name, &std::fs::read(course.root.join(name)).unwrap_or_default());
    }
    let crate_dir = exercise.crate_dir(variant);
    for file in files_under(crate_dir) {
        add(&course.relative(&file), &std::fs::read(&file).unwrap_or_default());
    }
    for file in &exercise.test_files {
        add(&course.relative(file), &std::fs::read(file).unwrap_or_default());
    }
    hex(&hasher.finalize())
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A tool's path, size and modification time: a different build of it
/// changes at least one.
fn identity(path: Option<&Path>) -> String {
    let Some(path) = path else { return String::new() };
    let metadata = std::fs::metadata(path).ok();
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    format!("{} {:?} {:?}", path.display(), metadata.map(|m| m.len()), modified)
}

/// The files of a crate, sorted, without its build output.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != "target" && entry.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files
}
