//! The grading cache: an exercise whose inputs are byte for byte what they
//! were when it was last graded is neither rebuilt nor rerun — its stored
//! report is used. The inputs are everything the result depends on: the
//! crate's files, the test files, the workspace's Cargo.toml, Cargo.lock,
//! toolchain file and course.toml, the grader itself, the tools and the
//! engine. Reports are stored under `target/grader/cache/` as JSON.

use crate::discover::{Course, Exercise, Variant};
use crate::model::ExerciseReport;
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
    /// In the course's own `target/`, even when builds go to a shared
    /// `CARGO_TARGET_DIR`: a key names what was graded, not which copy of
    /// the course, so copies sharing a cache would take each other's reports.
    pub fn new(course_root: &Path) -> Cache {
        Cache { dir: course_root.join("target").join("grader").join("cache") }
    }

    /// The stored report, if it was graded from exactly these inputs.
    pub fn load(&self, exercise: &Exercise, variant: Variant, key: &Key) -> Option<ExerciseReport> {
        let text = std::fs::read_to_string(self.file(exercise, variant)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        (entry.key == key.stored()).then_some(ExerciseReport { cached: true, ..entry.report })
    }

    /// The report last kept for `exercise`, whatever it was graded from:
    /// what the student last saw of it.
    pub fn last(&self, exercise: &Exercise, variant: Variant) -> Option<ExerciseReport> {
        let text = std::fs::read_to_string(self.file(exercise, variant)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        Some(ExerciseReport { cached: true, ..entry.report })
    }

    /// Keeps a report for next time, unless it says nothing about the
    /// student's code: a missing tool may be there next time. A timeout is
    /// the code's (its limits count the tests, not the machine's start-up),
    /// so it is kept like any other result, and paid for once.
    pub fn store(&self, exercise: &Exercise, variant: Variant, key: &Key, report: &ExerciseReport) {
        if report.error.as_ref().is_some_and(|e| e.kind.is_infrastructure()) {
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
            Variant::Student => "exercise",
            Variant::Reference => "solution",
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
    // Untrusted code confined in Node.js may fare otherwise than unconfined.
    if settings.reference.is_some() {
        add("node permission", settings.toolbox.node_permission.unwrap_or_default().as_bytes());
    }
    add("test runner", identity(Some(&settings.toolbox.test_runner)).as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;
    use crate::manifest::ExerciseEntry;
    use crate::model::fixtures;
    use crate::model::{Engine, ErrorKind, GradeError, Status, TestStatus};
    use crate::tools::Toolbox;
    use std::time::Duration;

    /// Settings with tools that need not exist: their identity is only a
    /// path, a size and a time, so a missing tool hashes the same each time.
    fn settings() -> Settings {
        Settings::new(Toolbox::absent(Engine::Chrome), Duration::from_secs(600))
    }

    fn alpha(course: &Course) -> Exercise {
        course.select("alpha").unwrap().remove(0)
    }

    fn alpha_key(fake: &FakeCourse) -> Key {
        let course = fake.course();
        key(&course, &alpha(&course), Variant::Student, &settings())
    }

    #[test]
    fn the_key_does_not_change_when_nothing_did() {
        let fake = FakeCourse::new();
        assert_eq!(alpha_key(&fake), alpha_key(&fake));
        // Neither when another exercise, the solutions or build output change.
        fake.write("exercises/02_beta/src/lib.rs", "pub fn answer() -> u32 { 2 }\n");
        let before = alpha_key(&fake);
        fake.write("exercises/01_alpha/target/debug/out.txt", "build output");
        fake.write("solutions/01_alpha/src/lib.rs", "changed\n");
        fake.write(".grader/hints.json", "{}");
        assert_eq!(alpha_key(&fake), before);
    }

    #[test]
    fn the_key_changes_with_each_input() {
        let fake = FakeCourse::new();
        let mut seen = vec![alpha_key(&fake).inputs];
        let mut changed = |what: &str, fake: &FakeCourse| {
            let now = alpha_key(fake);
            assert!(!seen.contains(&now.inputs), "{what} did not change the key");
            seen.push(now.inputs);
        };
        fake.write("exercises/01_alpha/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        changed("an editable file", &fake);
        fake.write("exercises/01_alpha/src/new.rs", "");
        changed("a new editable file", &fake);
        fake.write("exercises/01_alpha/tests/alpha.rs", "// edited\n");
        changed("a test file", &fake);
        fake.write("exercises/01_alpha/Cargo.toml", "[package]\nname = \"alpha\"\nversion = \"0.2.0\"\n");
        changed("the crate's Cargo.toml", &fake);
        fake.write("Cargo.toml", "[workspace]\n");
        changed("the workspace's Cargo.toml", &fake);
        fake.write("rust-toolchain.toml", "[toolchain]\nchannel = \"nightly\"\n");
        changed("the toolchain file", &fake);
        fake.write("course.toml", &fake.read("course.toml").replace("the second", "another"));
        changed("course.toml, even another exercise's entry", &fake);
    }

    #[test]
    fn the_key_changes_with_the_exercises_manifest_entry() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let before = key(&course, &exercise, Variant::Student, &settings());
        let changes: [fn(&mut ExerciseEntry); 5] = [
            |e: &mut ExerciseEntry| e.points = Some(99),
            |e: &mut ExerciseEntry| e.test_timeout_secs = Some(5),
            |e: &mut ExerciseEntry| {
                e.test_weights.insert("alpha_works".into(), 3.0);
            },
            |e: &mut ExerciseEntry| e.editable.push("page.js".into()),
            |e: &mut ExerciseEntry| e.env = crate::manifest::TestEnv::Browser,
        ];
        for change in changes {
            let mut other = exercise.clone();
            change(&mut other.entry);
            let after = key(&course, &other, Variant::Student, &settings());
            assert_ne!(after.inputs, before.inputs, "{:?}", other.entry);
        }
    }

    #[test]
    fn the_key_changes_with_the_settings_that_decide_the_result() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let before = key(&course, &exercise, Variant::Student, &settings());
        let mut timeout = settings();
        timeout.test_timeout = Some(Duration::from_secs(5));
        let mut node = settings();
        node.toolbox.engine = Engine::Node;
        let mut other_runner = settings();
        other_runner.toolbox.test_runner = PathBuf::from("/elsewhere/wasm-bindgen-test-runner");
        for (what, settings) in [("the test timeout", timeout), ("the engine", node), ("the test runner", other_runner)]
        {
            assert_ne!(key(&course, &exercise, Variant::Student, &settings), before, "{what}");
        }
        let mut quiet = settings();
        quiet.verbose = true;
        quiet.jobs = 4;
        assert_eq!(key(&course, &exercise, Variant::Student, &quiet), before, "how a run is organised is no input");
    }

    #[test]
    fn the_lockfile_is_keyed_apart_so_cargos_rewrite_keeps_the_report() {
        let fake = FakeCourse::new();
        let before = alpha_key(&fake);
        fake.write("Cargo.lock", &format!("{}\n# rewritten by cargo\n", fake.read("Cargo.lock")));
        let relocked = alpha_key(&fake);
        assert_eq!(relocked.inputs, before.inputs);
        assert_ne!(relocked.lockfile, before.lockfile);
        assert_ne!(relocked, before, "a different lockfile is a different key");
        assert_eq!(before.after_grading(relocked.clone()), Some(relocked), "stored under the new lockfile");
        fake.write("exercises/01_alpha/src/lib.rs", "saved while grading\n");
        assert_eq!(before.after_grading(alpha_key(&fake)), None, "the student saved meanwhile: not stored");
    }

    #[test]
    fn a_solution_is_keyed_by_its_own_files_and_the_exercises_tests() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let solution_key = |course: &Course| key(course, &exercise, Variant::Reference, &settings());
        let before = solution_key(&course);
        assert_ne!(before, key(&course, &exercise, Variant::Student, &settings()));
        fake.write("exercises/01_alpha/src/lib.rs", "the student's\n");
        assert_eq!(solution_key(&course), before, "the student's sources are not the solution's input");
        fake.write("solutions/01_alpha/src/lib.rs", "changed\n");
        let after_source = solution_key(&course);
        assert_ne!(after_source, before);
        fake.write("exercises/01_alpha/tests/alpha.rs", "// edited\n");
        assert_ne!(solution_key(&course), after_source, "the tests grade the solution too");
    }

    fn report(status: Status, error: Option<GradeError>) -> crate::model::ExerciseReport {
        let tests = vec![fixtures::test("alpha_works", TestStatus::Pass, None)];
        fixtures::exercise("alpha", status, tests, error)
    }

    #[test]
    fn a_stored_report_loads_back_under_its_key_only() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let cache = Cache::new(fake.root());
        let key = alpha_key(&fake);
        assert!(cache.load(&exercise, Variant::Student, &key).is_none(), "nothing stored yet");
        let stored = report(Status::Pass, None);
        cache.store(&exercise, Variant::Student, &key, &stored);
        let loaded = cache.load(&exercise, Variant::Student, &key).expect("stored");
        assert!(loaded.cached);
        let mut expected = serde_json::to_value(&stored).unwrap();
        expected["cached"] = true.into();
        assert_eq!(serde_json::to_value(&loaded).unwrap(), expected);
        assert!(cache.load(&exercise, Variant::Reference, &key).is_none(), "each variant has its own entry");
        fake.write("exercises/01_alpha/src/lib.rs", "changed\n");
        assert!(cache.load(&exercise, Variant::Student, &alpha_key(&fake)).is_none(), "a changed input is a miss");
    }

    #[test]
    fn a_corrupted_or_foreign_cache_file_is_a_miss() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let cache = Cache::new(fake.root());
        let key = alpha_key(&fake);
        cache.store(&exercise, Variant::Student, &key, &report(Status::Pass, None));
        let file = cache.file(&exercise, Variant::Student);
        assert!(file.starts_with(fake.root().join("target/grader/cache")), "{}", file.display());
        let whole = std::fs::read_to_string(&file).unwrap();
        for broken in [
            String::new(),
            whole[..whole.len() / 2].to_string(),
            "\u{0}\u{1}binary".to_string(),
            format!("{{\"key\": \"{}\", \"report\": 3}}", key.stored()),
            whole.replacen("\"report\"", "\"rapport\"", 1),
        ] {
            std::fs::write(&file, &broken).unwrap();
            assert!(cache.load(&exercise, Variant::Student, &key).is_none(), "{broken:.60}");
        }
        std::fs::remove_file(&file).unwrap();
        std::fs::create_dir_all(&file).unwrap();
        assert!(cache.load(&exercise, Variant::Student, &key).is_none(), "a directory where the file was");
    }

    #[test]
    fn missing_tools_are_never_stored_but_compile_errors_and_timeouts_are() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        let cache = Cache::new(fake.root());
        let key = alpha_key(&fake);
        let error = |kind| Some(GradeError { kind, message: "x".into() });
        for kind in [ErrorKind::Infrastructure, ErrorKind::NeedsBrowser] {
            cache.store(&exercise, Variant::Student, &key, &report(Status::Error, error(kind)));
            assert!(cache.load(&exercise, Variant::Student, &key).is_none(), "{kind:?} was stored");
        }
        for kind in [ErrorKind::Compile, ErrorKind::Timeout] {
            cache.store(&exercise, Variant::Student, &key, &report(Status::Error, error(kind)));
            let loaded = cache.load(&exercise, Variant::Student, &key).expect("the student's code's result");
            assert_eq!(loaded.error.unwrap().kind, kind);
            assert!(loaded.cached, "and labelled as from the cache");
        }
    }

    #[test]
    fn a_cache_that_cannot_be_written_costs_nothing_but_time() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let exercise = alpha(&course);
        // `target` is a file, so the cache directory cannot be made.
        fake.write("target", "not a directory");
        let cache = Cache::new(fake.root());
        let key = alpha_key(&fake);
        cache.store(&exercise, Variant::Student, &key, &report(Status::Pass, None));
        assert!(cache.load(&exercise, Variant::Student, &key).is_none());
    }
}
