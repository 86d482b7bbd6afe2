//! Grading one crate: compile its tests for wasm32, run them with
//! `wasm-pack test` in the chosen engine, and turn what happened into an
//! [`ExerciseReport`].
//!
//! Compiling is a separate step with cargo's JSON diagnostics so that a
//! compile error is reported as the first error rustc printed, and so the
//! test step's time limit measures the tests, not the first build of
//! wasm-bindgen. wasm-pack then finds everything built and only runs.

use crate::discover::{Course, Exercise, Variant};
use crate::integrity;
use crate::manifest::TestEnv;
use crate::model::{Engine, ErrorKind, ExerciseReport, GradeError, Status, TestReport, TestStatus};
use crate::parse::{first_compile_error, parse_test_output, TestRun};
use crate::points;
use crate::process::{run_limited, Finished};
use crate::progress::{Observer, Phase};
use crate::settings::Settings;
use crate::submission::{self, CrateRules, Ownership};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Grades one crate of `exercise` and reports every outcome as data: this
/// never fails, so the next exercise is always graded.
pub fn grade(
    course: &Course,
    exercise: &Exercise,
    variant: Variant,
    settings: &Settings,
    progress: &dyn Observer,
) -> ExerciseReport {
    let started = Instant::now();
    let mut report = blank_report(course, exercise, variant, settings.toolbox.engine);
    let mut tool_output = String::new();
    let outcome = run_stages(course, exercise, variant, settings, progress, &mut report.notes, &mut tool_output);
    if settings.verbose {
        report.tool_output = Some(tool_output);
    }
    match outcome {
        Ok(tests) => {
            let all_pass = tests.iter().all(|t| t.status == TestStatus::Pass);
            report.status = if all_pass { Status::Pass } else { Status::Fail };
            report.tests = tests;
        }
        Err((error, tests)) => {
            report.error = Some(error);
            report.tests = by_declaration(tests, &exercise.declared_tests());
        }
    }
    with_code(&mut report, exercise);
    points::award(&mut report, &exercise.entry.test_weights);
    report.duration = started.elapsed();
    report
}

/// Each test's body from its test file, for formats that show it.
fn with_code(report: &mut ExerciseReport, exercise: &Exercise) {
    let code = exercise.declared_test_code();
    for test in &mut report.tests {
        test.code = code.iter().find(|(name, _)| *name == test.name).map(|(_, body)| body.clone());
    }
}

/// The report of an exercise that was not graded at all, for `error`.
pub fn not_graded(
    course: &Course,
    exercise: &Exercise,
    variant: Variant,
    engine: Engine,
    error: GradeError,
) -> ExerciseReport {
    let mut report = blank_report(course, exercise, variant, engine);
    report.error = Some(error);
    report.tests = by_declaration(Vec::new(), &exercise.declared_tests());
    with_code(&mut report, exercise);
    points::award(&mut report, &exercise.entry.test_weights);
    report
}

fn blank_report(course: &Course, exercise: &Exercise, variant: Variant, engine: Engine) -> ExerciseReport {
    let crate_dir = exercise.crate_dir(variant);
    let entry = &exercise.entry;
    ExerciseReport {
        name: entry.name.clone(),
        kind: exercise.kind.clone(),
        title: entry.title.clone(),
        concept: entry.concept.clone(),
        hints: Default::default(),
        crate_dir: course.relative(crate_dir),
        source_file: course.relative(&crate_dir.join("src").join("lib.rs")),
        max_points: course.manifest.points(entry).into(),
        points: 0.0,
        status: Status::Error,
        error: None,
        tests: Vec::new(),
        notes: Vec::new(),
        engine,
        duration: Duration::ZERO,
        cached: false,
        tool_output: None,
    }
}

type StageError = (GradeError, Vec<TestReport>);

fn error(kind: ErrorKind, message: impl Into<String>) -> StageError {
    (GradeError { kind, message: message.into() }, Vec::new())
}

fn run_stages(
    course: &Course,
    exercise: &Exercise,
    variant: Variant,
    settings: &Settings,
    progress: &dyn Observer,
    notes: &mut Vec<String>,
    tool_output: &mut String,
) -> Result<Vec<TestReport>, StageError> {
    let engine = settings.toolbox.engine;
    let crate_dir = exercise.crate_dir(variant);
    if exercise.entry.env == TestEnv::Browser && engine == Engine::Node {
        return Err(error(
            ErrorKind::NeedsBrowser,
            format!(
                "needs a browser: its tests use the DOM, so Node.js cannot run them. Install a headless browser \
                 and its driver — {} — and grade again.",
                crate::tools::browser_install_advice()
            ),
        ));
    }
    if !crate_dir.join("Cargo.toml").is_file() {
        return Err(error(
            ErrorKind::Infrastructure,
            format!("{} is missing (restore it with `git checkout {0}`)", course.relative(crate_dir)),
        ));
    }
    let targets = exercise.test_targets();
    if targets.is_empty() {
        return Err(error(
            ErrorKind::NoTests,
            format!("{}/tests has no test file, so there is nothing to grade", course.relative(&exercise.exercise_dir)),
        ));
    }
    let target_args: Vec<String> = targets.iter().flat_map(|t| ["--test".to_string(), t.clone()]).collect();
    // The student's crate may only be built from its editable files.
    let ownership = match variant {
        Variant::Exercise => Ownership::of(&course.manifest).ok(),
        Variant::Solution => None,
    };
    let rules = ownership.as_ref().and_then(|ownership| ownership.crate_at(&course.relative(crate_dir)));
    if let Some(rules) = rules {
        let problems = submission::crate_problems(&course.root, rules);
        if !problems.is_empty() {
            let list: Vec<String> = problems.iter().map(|f| f.message.clone()).collect();
            return Err(error(ErrorKind::Integrity, format!("not graded: {}", list.join("\n"))));
        }
    }

    progress.phase(&exercise.entry.name, Phase::Building);
    let mut build = Command::new("cargo");
    build
        .current_dir(crate_dir)
        .args(["build", "--target", "wasm32-unknown-unknown", "--message-format=json"])
        .args(&target_args)
        .env("CARGO_TARGET_DIR", course.target_dir())
        .env("PATH", &settings.toolbox.child_path)
        .env("CARGO_TERM_COLOR", "never");
    let build_limit = settings.limit(settings.build_timeout);
    let built = run_tool(build, build_limit, "cargo")?;
    tool_output.push_str(&built.stderr);
    if built.timed_out {
        return Err(error(
            ErrorKind::Timeout,
            format!("compiling took longer than {} s and was stopped", build_limit.as_secs()),
        ));
    }
    if !built.success() {
        let message = first_compile_error(&built.stdout).unwrap_or_else(|| tail(&built.stderr, 15));
        // The machine's fault, not the code's: no standard library for wasm32.
        if message.contains("can't find crate for `core`") || message.contains("target may not be installed") {
            return Err(error(
                ErrorKind::Infrastructure,
                format!(
                    "not graded: the {} target is not installed for this Rust. Install it with \
                     `rustup target add {0}` and grade again.",
                    crate::tools::WASM_TARGET
                ),
            ));
        }
        return Err(error(ErrorKind::Compile, format!("does not compile:\n{message}")));
    }
    if let Some(rules) = rules {
        let read = files_read_outside(course, crate_dir, rules, &built.stdout);
        if !read.is_empty() {
            return Err(error(
                ErrorKind::Integrity,
                format!(
                    "not graded: the compiler read {} for this crate, and only its editable files may go into it",
                    read.join(", ")
                ),
            ));
        }
    }

    progress.phase(&exercise.entry.name, Phase::Testing);
    let limit = settings.limit(
        settings
            .test_timeout
            .unwrap_or_else(|| Duration::from_secs(course.manifest.test_timeout_secs(&exercise.entry))),
    );
    let mut test = wasm_pack_test(crate_dir, settings, limit, &target_args);
    test.env("CARGO_TARGET_DIR", course.target_dir());
    let tested = run_tool(test, limit, "wasm-pack")?;
    tool_output.push_str(&tested.stdout);
    tool_output.push_str(&tested.stderr);
    let run = parse_test_output(&format!("{}\n{}", tested.stdout, tested.stderr));
    classify(exercise, engine, limit, &tested, run, notes)
}

/// The files the compiler read for the student's library (its dep-info,
/// found beside the artifacts cargo reported) that are not the crate's
/// editable files: whatever a scan of the source missed is caught here.
fn files_read_outside(course: &Course, crate_dir: &Path, rules: &CrateRules, cargo_json: &str) -> Vec<String> {
    let manifest = crate_dir.join("Cargo.toml");
    let mut outside = Vec::new();
    for message in cargo_json.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()) {
        let is_library = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| matches!(k.as_str(), Some("lib" | "rlib" | "cdylib"))));
        if message["reason"] != "compiler-artifact"
            || !is_library
            || message["manifest_path"].as_str().map(Path::new) != Some(manifest.as_path())
        {
            continue;
        }
        let filenames = message["filenames"].as_array().into_iter().flatten().filter_map(|f| f.as_str());
        let Some(dep_info) = filenames.map(Path::new).find_map(dep_info_beside) else { continue };
        let Ok(text) = std::fs::read_to_string(&dep_info) else { continue };
        let workspace = workspace_root(crate_dir);
        for source in integrity::dep_info_sources(&text, &workspace) {
            let relative = source.canonicalize().ok().and_then(|real| {
                real.strip_prefix(course.root.canonicalize().ok()?).ok().map(|r| r.to_string_lossy().replace('\\', "/"))
            });
            if !relative.as_deref().is_some_and(|r| rules.is_editable(r)) {
                outside.push(relative.unwrap_or_else(|| source.display().to_string()));
            }
        }
    }
    outside.sort();
    outside.dedup();
    outside
}

/// rustc writes `<name>-<hash>.d` beside `lib<name>-<hash>.rlib`.
fn dep_info_beside(artifact: &Path) -> Option<std::path::PathBuf> {
    let stem = artifact.file_stem()?.to_str()?;
    let dir = artifact.parent()?;
    let candidates = [stem.to_string(), stem.strip_prefix("lib").unwrap_or(stem).to_string()];
    candidates.iter().map(|name| dir.join(format!("{name}.d"))).find(|path| path.is_file())
}

/// Where cargo runs rustc: the workspace root (the nearest ancestor whose
/// Cargo.toml has a `[workspace]` table), against which dep-info paths are relative.
fn workspace_root(crate_dir: &Path) -> std::path::PathBuf {
    crate_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .ok()
                .and_then(|text| text.parse::<toml::Table>().ok())
                .is_some_and(|table| table.contains_key("workspace"))
        })
        .unwrap_or(crate_dir)
        .to_path_buf()
}

/// `wasm-pack test` for the chosen engine; never downloads anything.
fn wasm_pack_test(
    crate_dir: &std::path::Path,
    settings: &Settings,
    limit: Duration,
    target_args: &[String],
) -> Command {
    let toolbox = &settings.toolbox;
    let mut command = Command::new(&toolbox.wasm_pack);
    command.current_dir(crate_dir).arg("test").args(["--mode", "no-install"]);
    match &toolbox.browser {
        Some(browser) => {
            let (engine, driver) = match browser.engine {
                Engine::Firefox => ("--firefox", "--geckodriver"),
                _ => ("--chrome", "--chromedriver"),
            };
            command.args(["--headless", engine, driver]).arg(&browser.driver);
            // Suites that allow any engine are Node suites by default; this
            // makes the runner take them to the browser instead of skipping.
            command.env("WASM_BINDGEN_USE_BROWSER", "1");
        }
        None => {
            command.arg("--node").env_remove("WASM_BINDGEN_USE_BROWSER");
        }
    }
    command
        // No `--nocapture`: what the tests print (the student's code runs in
        // them) must stay in the runner's indented failure sections, where it
        // cannot pass for a result line.
        .arg("--")
        .args(target_args)
        .env("PATH", &toolbox.child_path)
        .env("CARGO_TERM_COLOR", "never")
        .env("NO_COLOR", "1")
        // The grader's wall clock is the limit; the runner's own timeout is
        // set past it so the two never race.
        .env("WASM_BINDGEN_TEST_TIMEOUT", (limit.as_secs() + 30).to_string());
    command
}

fn run_tool(command: Command, limit: Duration, name: &str) -> Result<Finished, StageError> {
    run_limited(command, limit).map_err(|e| error(ErrorKind::Infrastructure, format!("could not start {name}: {e}")))
}

/// Decides pass, fail or error from what the test run printed.
fn classify(
    exercise: &Exercise,
    engine: Engine,
    limit: Duration,
    tested: &Finished,
    run: TestRun,
    notes: &mut Vec<String>,
) -> Result<Vec<TestReport>, StageError> {
    let declared = exercise.declared_tests();
    if let Some(why) = untrustworthy(&run, &declared) {
        return Err(error(
            ErrorKind::Integrity,
            format!("the test report cannot be trusted, so nothing is awarded: {why}"),
        ));
    }
    let tests = by_declaration(run.tests, &declared);
    let ran = tests.iter().filter(|t| t.status != TestStatus::NotRun).count();
    let fail = |kind, message: String| Err((GradeError { kind, message }, tests.clone()));
    *notes = run.notes;

    if tested.timed_out || run.runner_timed_out {
        return fail(
            ErrorKind::Timeout,
            format!(
                "timed out: the tests did not finish within {} s and were stopped ({ran} finished). \
                 Look for a loop that never ends.",
                limit.as_secs()
            ),
        );
    }
    if let Some(skipped) = run.skipped_suite {
        let kind = if engine == Engine::Node { ErrorKind::NeedsBrowser } else { ErrorKind::Infrastructure };
        return fail(kind, format!("a test suite was skipped, which never counts as a pass: {skipped}"));
    }
    if ran == 0 {
        if !tested.success() {
            return fail(ErrorKind::Infrastructure, format!("wasm-pack test failed:\n{}", tool_error(tested)));
        }
        return fail(ErrorKind::NoTests, "the test suite ran no tests, which never counts as a pass".into());
    }
    let all_pass = tests.iter().all(|t| t.status == TestStatus::Pass);
    if all_pass && !tested.success() {
        return fail(
            ErrorKind::Infrastructure,
            format!("every test passed but wasm-pack reported a failure:\n{}", tool_error(tested)),
        );
    }
    Ok(tests)
}

/// Why the runner's report cannot be graded: every declared test is
/// reported at most once, no other name is reported, and each suite's
/// summary agrees with its result lines.
fn untrustworthy(run: &TestRun, declared: &[String]) -> Option<String> {
    let mut problems = run.inconsistencies.clone();
    let mut seen: Vec<&str> = Vec::new();
    for test in &run.tests {
        if !declared.contains(&test.name) {
            problems.push(format!("`{}` was reported, but no test file declares it", test.name));
        } else if seen.contains(&test.name.as_str()) {
            problems.push(format!("`{}` was reported more than once", test.name));
        }
        seen.push(&test.name);
    }
    problems.dedup();
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// One report per declared test, in the order the files declare them: the
/// runner's result where it printed one, not run where it did not.
fn by_declaration(mut reported: Vec<TestReport>, declared: &[String]) -> Vec<TestReport> {
    declared
        .iter()
        .map(|name| match reported.iter().position(|t| t.name == *name) {
            Some(at) => reported.swap_remove(at),
            None => TestReport::new(name.clone(), TestStatus::NotRun),
        })
        .collect()
}

/// wasm-pack's own `Error:` lines, or the end of its output.
fn tool_error(finished: &Finished) -> String {
    let errors: Vec<&str> = finished
        .stderr
        .lines()
        .chain(finished.stdout.lines())
        .filter(|l| l.starts_with("Error:") || l.starts_with("error:"))
        .collect();
    if errors.is_empty() {
        tail(&format!("{}{}", finished.stdout, finished.stderr), 15)
    } else {
        errors.join("\n")
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_test_output;

    fn declared() -> Vec<String> {
        vec!["a".to_string(), "b".to_string()]
    }

    #[test]
    fn each_declared_test_is_reported_once_and_nothing_else_counts() {
        let honest = parse_test_output(
            "running 2 tests\ntest b ... ok\ntest a ... FAIL\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 filtered out\n",
        );
        assert_eq!(untrustworthy(&honest, &declared()), None);
        let tests = by_declaration(honest.tests, &declared());
        let statuses: Vec<_> = tests.iter().map(|t| (t.name.as_str(), t.status)).collect();
        assert_eq!(statuses, [("a", TestStatus::Fail), ("b", TestStatus::Pass)]);

        let twice = parse_test_output(
            "running 2 tests\ntest a ... ok\ntest a ... ok\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 filtered out\n",
        );
        assert!(untrustworthy(&twice, &declared()).is_some_and(|why| why.contains("`a` was reported more than once")));

        let invented = parse_test_output(
            "running 3 tests\ntest a ... ok\ntest b ... ok\ntest c ... ok\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 filtered out\n",
        );
        assert!(untrustworthy(&invented, &declared()).is_some_and(|why| why.contains("no test file declares it")));
    }

    #[test]
    fn a_declared_test_the_runner_never_reported_did_not_run() {
        let tests = by_declaration(vec![TestReport::new("b", TestStatus::Pass)], &declared());
        assert_eq!(tests[0].status, TestStatus::NotRun);
        assert_eq!(tests[1].status, TestStatus::Pass);
    }
}
