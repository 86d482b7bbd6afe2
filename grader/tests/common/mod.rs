//! Helpers for the grader's end-to-end tests: run the real grader binary on
//! the real course, or on a course assembled in a temporary directory from
//! the real crates and the fixtures in `tests/fixtures/`.
#![allow(dead_code)] // each test binary uses its own subset

use grader::process::{find_on_path, processes_with};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The course this grader ships with.
pub fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Builds made by the tests go here, away from the target directory the
/// outer `cargo test` holds, and shared so dependencies compile once.
pub fn test_target_dir() -> PathBuf {
    course_root().join("target").join("grader-tests")
}

/// What an end-to-end test uses, beyond the wasm32 target and the pinned
/// wasm-bindgen-cli that every one needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// Headless Chromium and chromedriver (the grader's default engine).
    Chromium,
    /// Firefox and geckodriver.
    Firefox,
    /// Node.js, to grade in it or to drive a page.
    Node,
    /// tmux, for the terminal tests.
    Tmux,
}

/// Provisions what a test uses, once per test binary and need, the way a
/// student's first run does it (`grader setup --runner ENGINE`: the wasm32
/// target, the pinned wasm-bindgen-cli and the browser), so
/// `cargo test` passes on a fresh machine with nothing installed by hand,
/// and a test that uses one engine waits for no other. Fails with the
/// command to run where it cannot install.
pub fn require(needs: &[Need]) {
    static PROVISIONED: std::sync::Mutex<std::collections::BTreeSet<Need>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut provisioned = PROVISIONED.lock().unwrap_or_else(|e| e.into_inner());
    for &need in needs {
        if provisioned.insert(need) {
            provision(need);
        }
    }
    for &need in needs {
        let tools: &[(&str, &str)] = match need {
            Need::Chromium => &[
                ("wasm-bindgen", "cargo install wasm-bindgen-cli --version <the version in Cargo.lock>"),
                ("chromedriver", "apt-get install chromium chromium-driver"),
                ("chromium", "apt-get install chromium chromium-driver"),
            ],
            Need::Firefox => {
                &[("firefox", "apt-get install firefox-esr"), ("geckodriver", "cargo install geckodriver")]
            }
            Need::Node => &[("node", "install Node.js 18 or later")],
            Need::Tmux => &[("tmux", "apt-get install tmux")],
        };
        for (tool, install) in tools {
            assert!(find_on_path(tool).is_some(), "{tool} is not on PATH after provisioning ({install})");
        }
    }
}

fn provision(need: Need) {
    let engine = match need {
        Need::Chromium => "chrome",
        Need::Firefox => "firefox",
        Need::Node => "node",
        Need::Tmux => {
            if find_on_path("tmux").is_none() {
                let _ = Command::new("apt-get").args(["update", "-qq"]).status();
                let installed = Command::new("apt-get")
                    .args(["install", "-y", "-qq", "tmux"])
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .status()
                    .is_ok_and(|status| status.success());
                assert!(installed, "tmux is missing and apt-get could not install it: `sudo apt-get install tmux`");
            }
            return;
        }
    };
    let setup = Command::new(env!("CARGO_BIN_EXE_grader"))
        .arg("--course")
        .arg(course_root())
        .args(["--runner", engine, "setup"])
        .output()
        .expect("the grader binary starts");
    assert!(
        setup.status.success(),
        "`grader --runner {engine} setup` could not provision the tests' tools:\n{}\n{}",
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr)
    );
    // geckodriver and the wasm tools land in cargo's bin directory, which may not be on PATH.
    if let Some(bin) = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin")) {
        let path = std::env::var_os("PATH").unwrap_or_default();
        if !std::env::split_paths(&path).any(|dir| dir == bin) {
            let joined = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).unwrap();
            std::env::set_var("PATH", joined);
        }
    }
}

/// What makes `instance` invalid against the JSON Schema `schema` (empty: valid).
pub fn schema_errors(schema: &str, instance: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator.iter_errors(instance).map(|e| e.to_string()).collect()
}

/// A directory holding links to just these tools, to put on PATH in place
/// of the real one.
pub fn path_with_only(tools: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for tool in tools {
        let real = find_on_path(tool).unwrap_or_else(|| panic!("{tool} is not installed"));
        std::os::unix::fs::symlink(real, dir.path().join(tool)).unwrap();
    }
    dir
}

static NEXT_TAG: AtomicUsize = AtomicUsize::new(0);

/// A grader run, with a tag in its environment that every process it starts
/// inherits, so a test can prove none of them survived.
pub struct GraderRun {
    pub output: Output,
    pub stdout: String,
    pub stderr: String,
    tag: String,
}

impl GraderRun {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// Processes still alive that the grader started (the browser included).
    pub fn survivors(&self) -> Vec<String> {
        let needle = format!("GRADER_TEST_TAG={}\0", self.tag);
        processes_with(needle.as_bytes())
            .into_iter()
            .map(|pid| {
                let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                format!("{pid} {}", name.trim())
            })
            .collect()
    }
}

pub fn grader(course: &Path, args: &[&str]) -> GraderRun {
    grader_with(course, args, |_| {})
}

pub fn grader_with(course: &Path, args: &[&str], configure: impl FnOnce(&mut Command)) -> GraderRun {
    let tag = format!("{}-{}", std::process::id(), NEXT_TAG.fetch_add(1, Ordering::SeqCst));
    let mut command = Command::new(env!("CARGO_BIN_EXE_grader"));
    command
        .args(["--course"])
        .arg(course)
        .args(args)
        .env("CARGO_TARGET_DIR", test_target_dir())
        .env("GRADER_TEST_TAG", &tag)
        .env_remove("NO_COLOR");
    configure(&mut command);
    let output = command.output().expect("the grader binary starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    GraderRun { output, stdout, stderr, tag }
}

/// Grades `submission` as classroom CI does — `grade --reference` in
/// `runner`, JSON results, no cache — with `configure` adjusting the
/// grader's command. Leaves no process behind. The JSON results.
pub fn grade_against(
    submission: &Path,
    reference: &Path,
    runner: &str,
    configure: impl FnOnce(&mut Command),
) -> serde_json::Value {
    let out = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let results = out.path().join("results.json");
    let args = [
        "--runner",
        runner,
        "grade",
        "--reference",
        reference.to_str().unwrap(),
        "--work-dir",
        work.path().to_str().unwrap(),
        "--format",
        "json",
        "--output",
        results.to_str().unwrap(),
        "--no-cache",
    ];
    let run = grader_with(submission, &args, |command| {
        command.env_remove("GITHUB_ACTIONS").stdin(std::process::Stdio::null());
        configure(command);
    });
    assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());
    let text = std::fs::read_to_string(&results)
        .unwrap_or_else(|_| panic!("no results written:\n{}\n{}", run.stdout, run.stderr));
    serde_json::from_str(&text).unwrap()
}

/// A course in a temporary directory: the real workspace settings and
/// lockfile, and the exercises a test chooses.
pub struct TempCourse {
    pub dir: tempfile::TempDir,
}

impl TempCourse {
    pub fn new() -> TempCourse {
        let dir = tempfile::Builder::new().prefix("grader-course-").tempdir().unwrap();
        let root = course_root();
        let mut workspace: toml::Table =
            toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
        let settings = workspace.get_mut("workspace").unwrap().as_table_mut().unwrap();
        settings.insert("members".into(), toml::Value::Array(Vec::new())); // filled in by `manifest`
        settings.remove("default-members");
        std::fs::write(dir.path().join("Cargo.toml"), toml::to_string(&workspace).unwrap()).unwrap();
        for file in ["Cargo.lock", "rust-toolchain.toml", "solutions/Cargo.toml", "solutions/Cargo.lock"] {
            let to = dir.path().join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(file), to).unwrap();
        }
        TempCourse { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A copy of a whole course tree (a student's clone of it).
    pub fn copy_of(course: &Path) -> TempCourse {
        let dir = tempfile::Builder::new().prefix("grader-submission-").tempdir().unwrap();
        copy_tree(course, dir.path());
        TempCourse { dir }
    }

    /// Copies the real exercise `dir` and its solution.
    pub fn with_course_exercise(self, dir: &str) -> TempCourse {
        self.with_course_exercise_as(dir, dir)
    }

    /// Copies the real exercise `from` and its solution under the name `to`.
    pub fn with_course_exercise_as(self, from: &str, to: &str) -> TempCourse {
        let root = course_root();
        for top in ["exercises", "solutions"] {
            copy_tree(&root.join(top).join(from), &self.path().join(top).join(to));
        }
        let solution_manifest = format!("solutions/{to}/Cargo.toml");
        let text = self.read(&solution_manifest).replace(&format!("/exercises/{from}/"), &format!("/exercises/{to}/"));
        self.write(&solution_manifest, &text);
        self
    }

    /// Copies the real capstone crate and its solution.
    pub fn with_capstone(self) -> TempCourse {
        let root = course_root();
        copy_tree(&root.join("mix"), &self.path().join("mix"));
        copy_tree(&root.join("solutions/mix"), &self.path().join("solutions/mix"));
        self
    }

    /// Copies a fixture crate from tests/fixtures as exercise `dir`.
    pub fn with_fixture_exercise(self, fixture: &str, dir: &str) -> TempCourse {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(fixture);
        copy_tree(&from, &self.path().join("exercises").join(dir));
        self
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// Writes course.toml with one `[[exercise]]` per (name, dir), and the
    /// real course's capstone when the course has one.
    pub fn manifest(self, exercises: &[(&str, &str)]) -> TempCourse {
        self.give_packages_unique_names();
        self.list_workspace_members();
        let mut text = String::from("[course]\ntitle = \"test course\"\n");
        let real = grader::manifest::Manifest::load(&course_root()).unwrap();
        // The course's own limits, so that what a test measures is what a
        // student meets.
        let limits = &real.defaults;
        text.push_str(&format!(
            "\n[defaults]\ntest_timeout_secs = {}\nstartup_timeout_secs = {}\nbuild_timeout_secs = {}\n",
            limits.test_timeout_secs, limits.startup_timeout_secs, limits.build_timeout_secs
        ));
        for (name, dir) in exercises {
            text.push_str(&format!(
                "\n[[exercise]]\nname = \"{name}\"\ndir = \"{dir}\"\ntitle = \"{name} title\"\n\
                 concept = \"{name} concept\"\n\
                 hints = [\"hint for {name}: the idea\", \"hint for {name}: the code\"]\nenv = \"any\"\n"
            ));
            // The real exercise's editable files (02 has the student write
            // page.js) and what that page may name.
            if let Some(entry) = real.exercises.iter().find(|e| e.dir == *dir && !e.editable.is_empty()) {
                text.push_str(&format!("editable = {:?}\n", entry.editable));
                text.push_str(&format!(
                    "page_globals = {:?}\npage_members = {:?}\n",
                    entry.page_globals, entry.page_members
                ));
            }
            // And what a submission of it may import beyond its stub.
            if let Some(entry) = real.exercises.iter().find(|e| e.dir == *dir && !e.imports.is_empty()) {
                text.push_str(&format!("imports = {:?}\n", entry.imports));
            }
            // The file a student edits, and the tests that pass on the stub
            // and so carry no points.
            if let Some(entry) = real.exercises.iter().find(|e| e.dir == *dir) {
                text.push_str(&format!("demonstrations = {:?}\n", entry.demonstrations));
                // Its own limit, and the test written for its memory bug.
                if let Some(limit) = entry.test_timeout_secs {
                    text.push_str(&format!("test_timeout_secs = {limit}\n"));
                }
                if let Some(test) = &entry.corruption_test {
                    text.push_str(&format!("corruption_test = {test:?}\n"));
                }
                if let Some(edit) = &entry.edit {
                    text.push_str(&format!("edit = {edit:?}\n"));
                }
                // Its workload for `grader profile`: a table, so last.
                if let Some(workload) = &entry.workload {
                    text.push_str(&format!(
                        "[exercise.workload]\nabout = {:?}\nscript = {:?}\n",
                        workload.about, workload.script
                    ));
                }
            }
        }
        if self.path().join("mix").is_dir() {
            let real = std::fs::read_to_string(course_root().join("course.toml")).unwrap();
            text.push('\n');
            text.push_str(&real[real.find("[capstone]").expect("the course has a capstone")..]);
        }
        self.write("course.toml", &text);
        self.sync_lockfiles();
        self
    }

    /// Trims each lockfile to this course's crates, as cargo would on the
    /// first build, so that building never changes a file the instructor
    /// sealed.
    fn sync_lockfiles(&self) {
        let has_solutions = std::fs::read_dir(self.path().join("solutions"))
            .is_ok_and(|entries| entries.filter_map(Result::ok).any(|e| e.path().join("Cargo.toml").is_file()));
        let workspaces = [Some(self.path().to_path_buf()), has_solutions.then(|| self.path().join("solutions"))];
        for dir in workspaces.into_iter().flatten() {
            let run = Command::new("cargo")
                .args(["metadata", "--format-version", "1", "--offline"])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "cargo metadata in {}: {}",
                dir.display(),
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
}

impl TempCourse {
    /// Cargo names build artifacts after the package name and its path
    /// *relative to the workspace*, and judges them fresh by comparing
    /// mtimes: two courses sharing the test target directory would
    /// overwrite each other's test binaries, and the real course, whose
    /// files are older, would then run another course's build. A suffix
    /// unique to this test binary and course on every package name (the
    /// library keeps its name, which the tests import) keeps them apart.
    fn give_packages_unique_names(&self) {
        let suffix = format!("{}{}", env!("CARGO_CRATE_NAME"), NEXT_COURSE.fetch_add(1, Ordering::SeqCst));
        let crates = ["exercises", "solutions"]
            .iter()
            .filter_map(|top| std::fs::read_dir(self.path().join(top)).ok())
            .flatten()
            .map(|entry| entry.unwrap().path())
            .chain([self.path().join("mix")]);
        {
            for crate_dir in crates {
                let manifest_path = crate_dir.join("Cargo.toml");
                let Ok(text) = std::fs::read_to_string(&manifest_path) else { continue };
                let Ok(mut manifest) = toml::from_str::<toml::Table>(&text) else { continue };
                let Some(package) = manifest.get_mut("package").and_then(|p| p.as_table_mut()) else { continue };
                let name = package["name"].as_str().unwrap().to_string();
                package.insert("name".into(), format!("{name}_{suffix}").into());
                let lib = manifest.entry("lib").or_insert_with(|| toml::Table::new().into()).as_table_mut().unwrap();
                lib.entry("name").or_insert_with(|| name.replace('-', "_").into());
                std::fs::write(&manifest_path, toml::to_string(&manifest).unwrap()).unwrap();
            }
        }
    }
}

impl TempCourse {
    /// Each workspace (the course's, and the solutions' own) lists the
    /// crates this course has (a glob that matches nothing is an error to cargo).
    fn list_workspace_members(&self) {
        let crates_in = |top: &str| -> Vec<toml::Value> {
            let Ok(entries) = std::fs::read_dir(self.path().join(top)) else { return Vec::new() };
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.join("Cargo.toml").is_file())
                .map(|path| path.file_name().unwrap().to_string_lossy().into_owned().into())
                .collect()
        };
        let mut members: Vec<toml::Value> = crates_in("exercises")
            .into_iter()
            .map(|dir| format!("exercises/{}", dir.as_str().unwrap()).into())
            .collect();
        if self.path().join("mix").is_dir() {
            members.push("mix".into());
        }
        for (manifest, members) in [("Cargo.toml", members), ("solutions/Cargo.toml", crates_in("solutions"))] {
            let mut workspace: toml::Table = toml::from_str(&self.read(manifest)).unwrap();
            workspace["workspace"].as_table_mut().unwrap().insert("members".into(), toml::Value::Array(members));
            self.write(manifest, &toml::to_string(&workspace).unwrap());
        }
    }
}

static NEXT_COURSE: AtomicUsize = AtomicUsize::new(0);

/// The instructor's copy of a small course for the classroom templates'
/// tests: typed_views and struct_packing, 10 points each.
pub fn two_exercise_reference() -> TempCourse {
    TempCourse::new()
        .with_course_exercise("01_typed_views")
        .with_course_exercise("06_struct_packing")
        .manifest(&[("typed_views", "01_typed_views"), ("struct_packing", "06_struct_packing")])
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What a grader run must not leave in the system's temporary directory:
/// browser profiles (chromedriver's and geckodriver's), and the grader's
/// own per-run directories once the grader that made them has exited.
pub fn temporary_leftovers() -> std::collections::BTreeSet<String> {
    let grader_is_gone = |name: &str| {
        let pid = name.trim_start_matches("wasm-course-grader-").split('-').next().unwrap_or_default();
        !Path::new("/proc").join(pid).exists()
    };
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            name.starts_with("rust_mozprofile")
                || name.starts_with("org.chromium.Chromium.scoped_dir")
                || (name.starts_with("wasm-course-grader-") && grader_is_gone(name))
        })
        .collect()
}

/// A wrong version of an exercise: its solution, with `patches` applied.
pub struct WrongPattern {
    /// The exercise directory, e.g. `04_batching`, or a capstone milestone,
    /// `mix/pieces`.
    pub exercise: &'static str,
    /// (file relative to the crate, text the solution has, what replaces it);
    /// an empty text adds a file the solution does not have.
    pub patches: &'static [(&'static str, &'static str, &'static str)],
    /// The tests that must fail, and only they.
    pub fails: &'static [&'static str],
    /// What their messages must say: the promise the pattern breaks.
    pub says: &'static [&'static str],
}

/// A course of one exercise (or the capstone) whose student files are the
/// solution's with `case`'s patches, and the name to grade it by.
pub fn lay_over_solution(case: &WrongPattern) -> (TempCourse, &'static str) {
    require(&[Need::Chromium]);
    let (course, name, solution, student) = match case.exercise.split_once('/') {
        Some((capstone, _)) => {
            let course = TempCourse::new().with_capstone().manifest(&[]);
            let solution = course.path().join("solutions").join(capstone);
            let student = course.path().join(capstone);
            (course, case.exercise, solution, student)
        }
        None => {
            let name = case.exercise.split_once('_').expect("exercise directories are NN_name").1;
            let course = TempCourse::new().with_course_exercise(case.exercise).manifest(&[(name, case.exercise)]);
            let solution = course.path().join("solutions").join(case.exercise);
            let student = course.path().join("exercises").join(case.exercise);
            (course, name, solution, student)
        }
    };
    // The student's files of the solution (src/, and a page.js when the exercise has one)...
    std::fs::remove_dir_all(student.join("src")).unwrap();
    copy_tree(&solution.join("src"), &student.join("src"));
    if solution.join("page.js").is_file() {
        std::fs::copy(solution.join("page.js"), student.join("page.js")).unwrap();
    }
    // ...with the wrong pattern patched in.
    let crate_dir = solution.strip_prefix(course.path()).unwrap().display().to_string();
    for (file, from, to) in case.patches {
        let path = student.join(file);
        if from.is_empty() {
            assert!(!path.exists(), "{crate_dir}/{file} exists: a patch with no text to replace adds a file");
            std::fs::write(&path, to).unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            text.matches(from).count(),
            1,
            "the patch's text must occur exactly once in {crate_dir}/{file} (did the solution change?): {from:?}"
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    (course, name)
}

/// What headless Chromium shows of a page the grader wrote into `dir`, as
/// `script` (in grader/tests/js) prints it as JSON; the whole page's
/// screenshot is kept as target/grader-tests/artifacts/`screenshot`.
pub fn open_in_chromium(script: &str, dir: &Path, screenshot: &str) -> serde_json::Value {
    let screenshot = test_target_dir().join("artifacts").join(screenshot);
    std::fs::create_dir_all(screenshot.parent().unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js").join(script);
    let run = Command::new("node").arg(script).arg(dir).arg(&screenshot).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000, "a screenshot, kept as an artifact");
    serde_json::from_str(&stdout).unwrap()
}
