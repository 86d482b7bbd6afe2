//! Grading one crate: compile its tests for wasm32, run each test module
//! with wasm-bindgen-test-runner in the chosen engine, and turn what
//! happened into an [`ExerciseReport`].
//!
//! Compiling is a step of its own, with cargo's JSON diagnostics, so that a
//! compile error is reported as the first error rustc printed, the modules
//! it built are checked (what they import) before any of them runs, and the
//! test step's time limit measures the tests, not the first build of
//! wasm-bindgen. The modules checked are the modules run: the runner is
//! started on each directly, as `cargo test` would start it (what
//! `wasm-pack test` does), without a second cargo invocation to find
//! everything built (about 0.4 s a grade).
//!
//! A compile error quotes the lines it points at, so it is shown only once
//! the compiler's list of what it read holds nothing outside the student's
//! files (see `compile_error::compile_error_to_show`).
//!
//! Here, the stages in order and the verdict; beside them, what a failed
//! build may show (`compile_error`), what a submission may import
//! (`imports`), and the test runs (`test_runs`).

mod compile_error;
mod imports;
mod test_runs;

pub use imports::{allowed_imports, module_imports};

use compile_error::{compile_error_to_show, library_dep_info, read_outside, read_outside_error};
use test_runs::{modules_of, test_limits, Tested, Tester};

use crate::capability::{self, TestModule};
use crate::discover::{Course, DeclaredTest, Exercise, Variant};
use crate::manifest::TestEnv;
use crate::model::{
    is_allocator_location, Engine, ErrorKind, ExerciseReport, Finding, GradeError, Status, TestReport, TestStatus,
};
use crate::ownership::CrateRules;
use crate::parse::TestRun;
use crate::points;
use crate::process::{run_clocked_in, Clock, Finished, Wall, OUTPUT_CAP};
use crate::progress::{Observer, Phase};
use crate::sandbox::Allowed;
use crate::settings::Settings;
use crate::submission;
use crate::wasm_build;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

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
    // Read once: what the runner reports is checked against them, put in
    // their order and shown with their code.
    let declared = exercise.declared();
    let mut report = blank_report(course, exercise, variant, settings.toolbox.engine);
    report.node_permission = matches!(node_permission(settings), Ok(Some(_)));
    let stages = Stages {
        course,
        exercise,
        declared: &declared,
        variant,
        crate_dir: exercise.crate_dir(variant),
        settings,
        progress,
        log: Mutex::default(),
    };
    let Graded { outcome, log } = stages.run();
    (report.notes, report.diagnosis) = (log.notes, log.diagnosis);
    if settings.verbose {
        report.tool_output = Some(log.printed);
    }
    match outcome {
        Ok(tests) => {
            let all_pass = tests.iter().all(|t| t.status == TestStatus::Pass);
            report.status = if all_pass { Status::Pass } else { Status::Fail };
            report.tests = tests;
        }
        Err(Stopped { error, tests }) => {
            report.error = Some(error);
            report.tests = by_declaration(tests, &declared);
        }
    }
    with_code(&mut report, &declared);
    points::award(&mut report, &exercise.entry);
    report.duration = started.elapsed();
    report
}

/// Each test's body from its test file, for formats that show it.
fn with_code(report: &mut ExerciseReport, declared: &[DeclaredTest]) {
    for test in &mut report.tests {
        test.code = declared.iter().find(|d| d.name == test.name).map(|d| d.code.clone());
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
    let declared = exercise.declared();
    let mut report = blank_report(course, exercise, variant, engine);
    report.error = Some(error);
    report.tests = by_declaration(Vec::new(), &declared);
    with_code(&mut report, &declared);
    points::award(&mut report, &exercise.entry);
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
        visibility: course.manifest.visibility(entry),
        crate_dir: course.relative(crate_dir),
        source_file: course.relative(&crate_dir.join(entry.edit_file())),
        max_points: course.manifest.points(entry).into(),
        points: 0.0,
        status: Status::Error,
        error: None,
        tests: Vec::new(),
        notes: Vec::new(),
        diagnosis: None,
        engine,
        node_permission: false,
        duration: Duration::ZERO,
        cached: false,
        tool_output: None,
    }
}

/// Why grading a crate stopped, with the results of the tests that had
/// run by then.
#[derive(Debug)]
struct Stopped {
    error: GradeError,
    tests: Vec<TestReport>,
}

impl From<GradeError> for Stopped {
    fn from(error: GradeError) -> Stopped {
        Stopped { error, tests: Vec::new() }
    }
}

fn error(kind: ErrorKind, message: impl Into<String>) -> GradeError {
    GradeError { kind, message: message.into() }
}

/// What grading said besides the tests' results, kept whichever stage it
/// stopped at.
#[derive(Default)]
struct Log {
    /// What the tools printed (for `--verbose`).
    printed: String,
    /// See [`ExerciseReport::notes`].
    notes: Vec<String>,
    /// See [`ExerciseReport::diagnosis`].
    diagnosis: Option<String>,
}

/// What grading one crate came to.
struct Graded {
    /// Every declared test's result, or why grading stopped.
    outcome: Result<Vec<TestReport>, Stopped>,
    log: Log,
}

/// Grading one crate, stage by stage: what every stage reads, and the log
/// they write to. Each stage returns what it found, or the error that
/// stops grading.
struct Stages<'a> {
    course: &'a Course,
    exercise: &'a Exercise,
    /// The tests the exercise's test files declare, read once.
    declared: &'a [DeclaredTest],
    variant: Variant,
    crate_dir: &'a Path,
    settings: &'a Settings,
    progress: &'a dyn Observer,
    /// Behind a lock: the runs that narrow a hang write to it from their
    /// own threads.
    log: Mutex<Log>,
}

/// What the integrity scan of the student's files found.
struct Scanned<'a> {
    /// The crate's ownership rules: none for a reference crate, which is
    /// trusted.
    rules: Option<&'a CrateRules>,
    /// Files whose text does not tokenize: the compiler's to judge first,
    /// since its error (a missing brace) is the student's to see.
    untokenized: Vec<Finding>,
}

impl Stages<'_> {
    fn run(self) -> Graded {
        let outcome = self.stages();
        Graded { outcome, log: self.log.into_inner().unwrap() }
    }

    /// Each stage in turn; the first that stops grading says why.
    fn stages(&self) -> Result<Vec<TestReport>, Stopped> {
        let permission = self.engine()?;
        let targets = self.test_targets()?;
        let scanned = self.scan()?;
        let built = self.build(&targets, &scanned)?;
        // Read once from cargo's report: the modules checked are the
        // modules run.
        let modules = capability::test_modules(&built.stdout, &self.crate_dir.join("Cargo.toml"));
        self.check_imports(&modules, &scanned)?;
        let tested = self.test(&targets, modules, permission)?;
        self.classify(tested)
    }

    /// Whether the chosen engine can run the tests, and the flag that
    /// confines untrusted code in Node.js.
    fn engine(&self) -> Result<Option<&'static str>, GradeError> {
        if self.exercise.entry.env == TestEnv::Browser && self.settings.toolbox.engine == Engine::Node {
            return Err(error(
                ErrorKind::NeedsBrowser,
                format!(
                    "needs a browser: its tests use the DOM, so Node.js cannot run them. Install a headless \
                     browser and its driver — {} — and grade again.",
                    crate::tools::browser_install_advice()
                ),
            ));
        }
        node_permission(self.settings)
    }

    /// The crate's test targets, one per test file.
    fn test_targets(&self) -> Result<Vec<String>, GradeError> {
        let course = self.course;
        if !self.crate_dir.join("Cargo.toml").is_file() {
            return Err(error(
                ErrorKind::Infrastructure,
                format!("{} is missing (restore it with `git checkout {0}`)", course.relative(self.crate_dir)),
            ));
        }
        let targets = self.exercise.test_targets();
        if targets.is_empty() {
            return Err(error(
                ErrorKind::NoTests,
                format!(
                    "{}/tests has no test file, so there is nothing to grade",
                    course.relative(&self.exercise.exercise_dir)
                ),
            ));
        }
        Ok(targets)
    }

    /// The student's crate may only be built from its editable files: they
    /// are scanned before anything is built.
    fn scan(&self) -> Result<Scanned<'_>, GradeError> {
        let course = self.course;
        let rules = match self.variant {
            Variant::Student => course.ownership.crate_at(&course.relative(self.crate_dir)),
            Variant::Reference => None,
        };
        let Some(rules) = rules else { return Ok(Scanned { rules, untokenized: Vec::new() }) };
        let (untokenized, problems): (Vec<_>, Vec<_>) =
            submission::crate_problems(&course.root, rules).into_iter().partition(submission::compiler_decides);
        if !problems.is_empty() {
            let list: Vec<String> = problems.iter().map(|f| f.message.clone()).collect();
            return Err(error(ErrorKind::Integrity, format!("not graded: {}", list.join("\n"))));
        }
        Ok(Scanned { rules: Some(rules), untokenized })
    }

    /// The crate's tests built for wasm32 (cargo's report of it), once
    /// what the compiler read for the student's library is known to be the
    /// crate's editable files only.
    fn build(&self, targets: &[String], scanned: &Scanned) -> Result<Finished, GradeError> {
        let (course, crate_dir, settings) = (self.course, self.crate_dir, self.settings);
        let first = crate::tools::first_build(&course.target_dir());
        self.progress.phase(&self.exercise.entry.name, Phase::Building { first });
        let build = wasm_build::tests(crate_dir, &course.target_dir(), targets, &settings.toolbox);
        let build_limit = settings.limit(settings.build_timeout);
        let build_started = SystemTime::now();
        let built = run_submission(course, build, &mut Wall::new(build_limit), settings, "cargo", |_, _| ())?;
        {
            let mut log = self.log.lock().unwrap();
            log.printed.push_str(&built.stderr);
            if built.cut {
                log.notes.push(cut_note("the build"));
            }
        }
        if built.timed_out {
            return Err(error(
                ErrorKind::Timeout,
                format!("compiling took longer than {} s and was stopped", build_limit.as_secs()),
            ));
        }
        let Scanned { rules, untokenized } = scanned;
        if !built.success() {
            let message =
                compile_error_to_show(course, crate_dir, *rules, untokenized, &built, build_started, settings)?;
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
            let read = read_outside(course, crate_dir, rules, &library_dep_info(course, crate_dir, &built, None));
            if !read.is_empty() {
                return Err(read_outside_error(&read));
            }
        }
        if !untokenized.is_empty() {
            return Err(error(
                ErrorKind::Integrity,
                format!(
                    "not graded: {}; the compiler built it all the same, so the grader cannot check what it does \
                     — write it as Rust that both read alike",
                    untokenized.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
                ),
            ));
        }
        Ok(built)
    }

    /// A submission graded against the instructor's copy may call only the
    /// JavaScript the shipped stub calls, and what course.toml adds.
    fn check_imports(&self, modules: &[TestModule], scanned: &Scanned) -> Result<(), GradeError> {
        let (Some(reference), Some(_)) = (&self.settings.reference, scanned.rules) else { return Ok(()) };
        let found = capability::of_modules(modules, &self.crate_dir.join("Cargo.toml")).map_err(|e| {
            error(ErrorKind::Integrity, format!("not graded: the built module cannot be checked ({e:#})"))
        })?;
        let allowed = allowed_imports(self.course, self.exercise, reference, self.settings)?;
        let extra = capability::beyond(&found, &allowed);
        if !extra.is_empty() {
            return Err(error(ErrorKind::Integrity, format!("not graded: {}", capability::describe(&extra))));
        }
        Ok(())
    }

    /// Every test module run, a hang narrowed to its test, and the
    /// exercise's test for its most common memory bug run again alone when
    /// the runs show memory corruption.
    fn test(
        &self,
        targets: &[String],
        built: Vec<TestModule>,
        permission: Option<&'static str>,
    ) -> Result<Tested, GradeError> {
        self.progress.phase(&self.exercise.entry.name, Phase::Testing);
        let modules = modules_of(targets, built)?;
        let limits = test_limits(self.course, self.exercise, self.settings);
        let tester = Tester {
            course: self.course,
            crate_dir: self.crate_dir,
            settings: self.settings,
            permission,
            limits,
            log: &self.log,
        };
        let mut tested = tester.run_all(&modules)?;
        tester.rerun_corruption_test(self.exercise, self.declared, &modules, &mut tested)?;
        Ok(tested)
    }
}

/// The note on an exercise whose run printed more than the grader keeps.
fn cut_note(run: &str) -> String {
    let mib = OUTPUT_CAP / (1024 * 1024);
    format!("{run} printed more than {mib} MiB; the rest was cut (the first and last {} MiB were kept)", mib / 2)
}

/// The flag of Node's permission model when untrusted code (a submission
/// graded against the reference) is to run in Node.js; none when the code
/// is trusted or runs in a browser. Without a permission model, untrusted
/// code is not run in Node.js at all.
fn node_permission(settings: &Settings) -> Result<Option<&'static str>, GradeError> {
    if settings.reference.is_none() || settings.toolbox.engine != Engine::Node {
        return Ok(None);
    }
    settings.toolbox.node_permission.map(Some).ok_or_else(|| {
        error(
            ErrorKind::NeedsBrowser,
            format!(
                "needs a browser here: this submission's code is untrusted, and the Node.js on this machine has no \
                 permission model to confine it (Node.js 20 and later have one), so it is not run in Node.js at all. \
                 Install Node.js 20 or later, or a headless browser and its driver — {} — and grade again.",
                crate::tools::browser_install_advice()
            ),
        )
    })
}

/// Runs `command`, which builds or runs the code of the course at
/// `course`, under a limit. A submission graded against the reference is
/// untrusted: its run is confined to the staged course, the toolchain, and
/// its target and temporary directories (see [`crate::sandbox`]).
/// `prepare` is given the command and the run's TMPDIR.
pub fn run_submission(
    course: &Course,
    command: Command,
    clock: &mut dyn Clock,
    settings: &Settings,
    name: &str,
    prepare: impl FnOnce(&mut Command, &Path),
) -> Result<Finished, GradeError> {
    run_clocked_in(command, clock, |command, run_dir| {
        prepare(command, run_dir);
        match &settings.reference {
            Some(reference) => {
                let allowed =
                    Allowed::for_submission(&course.root, &settings.toolbox.toolchain, &course.target_dir(), run_dir);
                reference.confiner.confine(command, &allowed)
            }
            None => Ok(()),
        }
    })
    .map_err(|e| error(ErrorKind::Infrastructure, format!("could not start {name}: {e}")))
}

impl Stages<'_> {
    /// Decides pass, fail or error from what the test runs printed.
    fn classify(&self, tested: Tested) -> Result<Vec<TestReport>, Stopped> {
        let Tested { run, failure, unresolved, hung_alone, finished_alone, limit } = tested;
        if let Some(why) = untrustworthy(&run, self.declared) {
            return Err(error(
                ErrorKind::Integrity,
                format!("the test report cannot be trusted, so nothing is awarded: {why}"),
            )
            .into());
        }
        let mut tests = by_declaration(run.tests, self.declared);
        for test in tests.iter_mut().filter(|t| hung_alone.contains(&t.name)) {
            test.status = TestStatus::TimedOut;
            test.message = Some(format!(
                "did not finish within {} s, even run alone: it never ends (a loop, or code spinning in memory it \
                 broke), or it is far too slow",
                limit.as_secs()
            ));
        }
        {
            let mut log = self.log.lock().unwrap();
            log.notes.extend(run.notes);
            let corruption_test = self.exercise.entry.corruption_test.as_deref();
            log.diagnosis = corruption_diagnosis(&tests, &finished_alone, corruption_test);
        }
        let ran = tests.iter().filter(|t| t.status != TestStatus::NotRun).count();
        let fail = |kind, message: String| Err(Stopped { error: GradeError { kind, message }, tests: tests.clone() });

        if unresolved || run.runner_timed_out {
            return fail(
                ErrorKind::Timeout,
                format!(
                    "timed out: the tests did not finish within {} s and were stopped ({ran} have a result). A \
                     test that stops answering here is most often memory corruption — see the first failure — or \
                     a loop that never ends.",
                    limit.as_secs()
                ),
            );
        }
        if let Some(skipped) = run.skipped_suite {
            let engine = self.settings.toolbox.engine;
            let kind = if engine == Engine::Node { ErrorKind::NeedsBrowser } else { ErrorKind::Infrastructure };
            return fail(kind, format!("a test suite was skipped, which never counts as a pass: {skipped}"));
        }
        if ran == 0 {
            if let Some(failure) = failure {
                return fail(ErrorKind::Infrastructure, format!("the test runner failed:\n{failure}"));
            }
            return fail(ErrorKind::NoTests, "the test suite ran no tests, which never counts as a pass".into());
        }
        if let Some(failure) = failure {
            return fail(ErrorKind::Infrastructure, format!("the test runner failed though no test did:\n{failure}"));
        }
        Ok(tests)
    }
}

/// The diagnosis that names memory corruption as the likely cause, when the
/// tests show its signs: a panic inside the allocator (its own checks found
/// its records overwritten), a trap, or a test that stopped answering
/// among others but finished alone, or tests that never finish beside a
/// failing `corruption_test` (the test for the exercise's most common
/// memory bug).
fn corruption_diagnosis(
    tests: &[TestReport],
    finished_alone: &[String],
    corruption_test: Option<&str>,
) -> Option<String> {
    let broken_allocator = tests.iter().any(|t| t.location.as_deref().is_some_and(is_allocator_location));
    let trapped = tests.iter().any(|t| {
        t.message
            .as_deref()
            .is_some_and(|m| m.contains("RuntimeError: unreachable") || m.contains("memory access out of bounds"))
    });
    let hung = tests.iter().filter(|t| t.status == TestStatus::TimedOut).count();
    let bug_found = corruption_test
        .filter(|name| hung > 0 && tests.iter().any(|t| t.name == *name && t.status == TestStatus::Fail));
    if !(broken_allocator || trapped || !finished_alone.is_empty() || bug_found.is_some()) {
        return None;
    }
    let sign = if let Some(name) = bug_found {
        format!(
            "`{name}`, the test for this exercise's most common memory bug, failed, and {hung} test{} never \
             finished",
            if hung == 1 { "" } else { "s" }
        )
    } else if broken_allocator {
        "the allocator's own checks failed: its records in linear memory were overwritten".to_string()
    } else if trapped {
        "the module trapped (unreachable, or an access out of bounds)".to_string()
    } else {
        format!(
            "{} stopped answering among the other tests but finished when run alone",
            finished_alone.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
        )
    };
    Some(format!(
        "memory corruption — {sign}. Something wrote through an address it does not own — the \
         address of a struct instead of its data's (`as_ptr()` of the Vec or slice inside it), or of a Vec or Box \
         dropped when the function that handed it out returned (it was freed, and the allocator uses those bytes \
         again). Fix the first failure shown; the others often follow from it."
    ))
}

/// Why the runner's report cannot be graded: every declared test is
/// reported at most once, no other name is reported, and each suite's
/// summary agrees with its result lines.
fn untrustworthy(run: &TestRun, declared: &[DeclaredTest]) -> Option<String> {
    let mut problems = run.inconsistencies.clone();
    let mut seen: Vec<&str> = Vec::new();
    for test in &run.tests {
        if !declared.iter().any(|d| d.name == test.name) {
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
fn by_declaration(mut reported: Vec<TestReport>, declared: &[DeclaredTest]) -> Vec<TestReport> {
    declared
        .iter()
        .map(|test| match reported.iter().position(|t| t.name == test.name) {
            Some(at) => reported.swap_remove(at),
            None => TestReport::new(test.name.clone(), TestStatus::NotRun),
        })
        .collect()
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_test_output;

    fn declared() -> Vec<DeclaredTest> {
        let test = |name: &str| DeclaredTest { name: name.into(), code: String::new(), target: "t".into() };
        vec![test("a"), test("b")]
    }

    fn settings(engine: Engine, untrusted: bool, node_permission: Option<&'static str>) -> Settings {
        let toolbox = crate::tools::Toolbox { node_permission, ..crate::tools::Toolbox::absent(engine) };
        let reference = untrusted.then(|| {
            crate::settings::Reference::new(
                "/the/reference".into(),
                "/the/target".into(),
                crate::sandbox::Confiner::Unavailable("a test".into()),
            )
        });
        Settings { reference, ..Settings::new(toolbox, Duration::from_secs(1)) }
    }

    #[test]
    fn untrusted_code_runs_in_node_only_under_its_permission_model() {
        let flag = Some("--experimental-permission");
        assert_eq!(node_permission(&settings(Engine::Node, true, flag)).unwrap(), flag);
        // Trusted code (the student's own run), or a browser: Node's flags do not apply.
        assert_eq!(node_permission(&settings(Engine::Node, false, None)).unwrap(), None);
        assert_eq!(node_permission(&settings(Engine::Chrome, true, None)).unwrap(), None);
        let refused = node_permission(&settings(Engine::Node, true, None)).unwrap_err();
        assert_eq!(refused.kind, ErrorKind::NeedsBrowser);
        assert!(refused.message.contains("no permission model") && refused.message.contains("Node.js 20"));
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

    #[test]
    fn memory_corruption_is_diagnosed_from_its_signs_and_only_then() {
        use crate::model::fixtures::test;
        let plain = [test("a", TestStatus::Fail, Some("expected 4, got 5")), test("b", TestStatus::Pass, None)];
        assert_eq!(corruption_diagnosis(&plain, &[], None), None, "a wrong answer is a wrong answer");

        let mut allocator = test("a", TestStatus::Fail, Some("assertion failed: psize <= size + max_overhead"));
        allocator.location = Some("/rust/deps/dlmalloc-0.2.11/src/dlmalloc.rs:1207:13".into());
        let said = corruption_diagnosis(&[allocator], &[], None).expect("a panic inside the allocator");
        assert!(said.starts_with("memory corruption — the allocator's own checks failed"), "{said}");
        assert!(said.contains("dropped when the function that handed it out returned"), "{said}");

        let trapped = [test("a", TestStatus::Fail, Some("RuntimeError: memory access out of bounds"))];
        assert!(corruption_diagnosis(&trapped, &[], None).unwrap().contains("the module trapped"));

        let said = corruption_diagnosis(&plain, &["b".to_string()], None).expect("a test that finished only alone");
        assert!(said.contains("`b` stopped answering among the other tests but finished when run alone"), "{said}");

        let hung = TestReport { message: Some("did not finish".into()), ..test("b", TestStatus::TimedOut, None) };
        let found = [test("a", TestStatus::Fail, Some("ptr() points into the struct")), hung];
        assert_eq!(corruption_diagnosis(&found, &[], None), None, "a hang alone may be a loop");
        let said = corruption_diagnosis(&found, &[], Some("a")).expect("the memory bug's own test failed");
        assert!(said.contains("`a`, the test for this exercise's most common memory bug, failed, and 1 test never"));
    }
}
