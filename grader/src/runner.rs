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
//! A compile error quotes the lines it points at, so it is shown only once
//! the compiler's list of what it read holds nothing outside the student's
//! files (see `compile_error_to_show`).

use crate::capability::{self, Import, TestModule};
use crate::discover::{Course, DeclaredTest, Exercise, Variant};
use crate::integrity;
use crate::manifest::TestEnv;
use crate::model::{
    is_allocator_location, Engine, ErrorKind, ExerciseReport, Finding, GradeError, Status, TestReport, TestStatus,
};
use crate::narrow::{Attempt, Selection};
use crate::ownership::CrateRules;
use crate::parse::{first_compile_error, first_shown_compile_error, parse_test_output, TestRun};
use crate::points;
use crate::process::{run_clocked_in, run_limited, Clock, Finished, Wall, OUTPUT_CAP};
use crate::progress::{Observer, Phase};
use crate::sandbox::Allowed;
use crate::settings::{Reference, Settings};
use crate::submission;
use crate::test_clock::{Overrun, TestClock, TestLimits};
use crate::wasm_build;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
        self.check_imports(&built, &scanned)?;
        let tested = self.test(&targets, &built, permission)?;
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
    fn check_imports(&self, built: &Finished, scanned: &Scanned) -> Result<(), GradeError> {
        let (Some(reference), Some(_)) = (&self.settings.reference, scanned.rules) else { return Ok(()) };
        let found = capability::of_build(&built.stdout, &self.crate_dir.join("Cargo.toml")).map_err(|e| {
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
        built: &Finished,
        permission: Option<&'static str>,
    ) -> Result<Tested, GradeError> {
        self.progress.phase(&self.exercise.entry.name, Phase::Testing);
        let modules = modules_of(targets, &built.stdout, self.crate_dir)?;
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

/// The module the build (cargo's JSON report, `cargo_json`) made for each
/// of `targets`, in their order: the modules the import check read are the
/// ones that run.
fn modules_of(targets: &[String], cargo_json: &str, crate_dir: &Path) -> Result<Vec<TestModule>, GradeError> {
    let mut modules = capability::test_modules(cargo_json, &crate_dir.join("Cargo.toml"));
    targets
        .iter()
        .map(|target| {
            let at = modules.iter().position(|module| module.target == *target).ok_or_else(|| {
                error(ErrorKind::Infrastructure, format!("cargo built no test module for tests/{target}.rs"))
            })?;
            Ok(modules.swap_remove(at))
        })
        .collect()
}

/// What the test runs of one crate reported, a hang narrowed to its test.
struct Tested {
    /// Every run's report, merged.
    run: TestRun,
    /// A run that failed though none of its tests did: the runner's error.
    failure: Option<String>,
    /// The runs stopped at their limit before every test had a result.
    unresolved: bool,
    hung_alone: Vec<String>,
    finished_alone: Vec<String>,
    /// The limit of the tests of one module.
    limit: Duration,
}

/// Runs a crate's test modules, with everything each run needs.
struct Tester<'a> {
    course: &'a Course,
    crate_dir: &'a Path,
    settings: &'a Settings,
    permission: Option<&'static str>,
    limits: TestLimits,
    log: &'a Mutex<Log>,
}

/// What one run of a test module left.
struct TestRunOutput {
    run: TestRun,
    /// The limit it ran past, when it was stopped.
    overrun: Option<Overrun>,
    /// The runner's error, when it failed.
    failure: Option<String>,
    /// What it printed (for `--verbose`).
    printed: String,
    /// It printed more than the grader keeps.
    cut: bool,
}

impl TestRunOutput {
    /// The runner's error when nothing explains it: the run was not
    /// stopped, and none of its tests failed.
    fn unexplained_failure(&self) -> Option<&String> {
        let explained = self.overrun.is_some() || self.run.tests.iter().any(|t| t.status != TestStatus::Pass);
        self.failure.as_ref().filter(|_| !explained)
    }
}

impl Tester<'_> {
    /// Keeps what a run printed, and the note that one was cut, once.
    fn keep(&self, output: &TestRunOutput) {
        let mut log = self.log.lock().unwrap();
        log.printed.push_str(&output.printed);
        if output.cut && !log.notes.iter().any(|n| n.starts_with("the test run printed")) {
            log.notes.push(cut_note("the test run"));
        }
    }

    /// Runs each module in turn; when one stops answering, narrows it to
    /// its tests (see [`crate::narrow`]) and goes on with the next.
    fn run_all(&self, modules: &[TestModule]) -> Result<Tested, GradeError> {
        let mut tested = Tested {
            run: TestRun::default(),
            failure: None,
            unresolved: false,
            hung_alone: vec![],
            finished_alone: vec![],
            limit: self.limits.tests,
        };
        for module in modules {
            let output = self.run_module(&module.path, &Selection::AllBut(vec![]))?;
            self.keep(&output);
            tested.failure = tested.failure.or(output.unexplained_failure().cloned());
            match output.overrun {
                None => {
                    merge(&mut tested.run, output.run);
                    continue;
                }
                Some(Overrun::StartUp { limit }) => return Err(startup_error(limit)),
                Some(Overrun::Tests) => {}
            }
            // The order the module runs its tests in: without it there is
            // nothing to narrow.
            let Ok(order) = crate::narrow::run_order(&module.path) else {
                merge(&mut tested.run, output.run);
                tested.unresolved = true;
                break;
            };
            let mut run = output.run;
            forget_unexplained_failures(&mut run);
            let reported: Vec<String> = run.tests.iter().map(|t| t.name.clone()).collect();
            merge(&mut tested.run, run);
            // Narrowing is bounded too: a few rounds of the tests' limit.
            let budget = Instant::now() + (self.limits.startup.min(Duration::from_secs(30)) + self.limits.tests) * 4;
            let failure = Mutex::new(None);
            let narrowed = crate::narrow::narrow(
                &order,
                &reported,
                |selection| {
                    let output = self.run_module(&module.path, selection).map_err(|e| anyhow::anyhow!(e.message))?;
                    self.keep(&output);
                    if let Some(Overrun::StartUp { limit }) = output.overrun {
                        return Err(anyhow::anyhow!(startup_error(limit).message));
                    }
                    let mut failure = failure.lock().unwrap();
                    *failure = failure.take().or(output.unexplained_failure().cloned());
                    let mut run = output.run;
                    if output.overrun.is_some() {
                        forget_unexplained_failures(&mut run);
                    }
                    Ok(Attempt { run, stopped: output.overrun.is_some() })
                },
                || Instant::now() < budget && self.settings.limit(Duration::from_secs(1)) > Duration::ZERO,
            );
            let narrowed = narrowed.map_err(|e| error(ErrorKind::Infrastructure, format!("{e:#}")))?;
            tested.failure = tested.failure.or(failure.into_inner().unwrap());
            for run in narrowed.runs {
                merge(&mut tested.run, run);
            }
            tested.hung_alone.extend(narrowed.hung_alone);
            tested.finished_alone.extend(narrowed.finished_alone);
            if !narrowed.unresolved.is_empty() {
                tested.unresolved = true;
                break;
            }
        }
        Ok(tested)
    }

    /// When the failures show memory corruption, runs the exercise's
    /// `corruption_test` again alone, unless it failed in its own words
    /// already: another test's corruption may have cut it short, and its
    /// message names the student's mistake.
    fn rerun_corruption_test(
        &self,
        exercise: &Exercise,
        declared: &[DeclaredTest],
        modules: &[TestModule],
        tested: &mut Tested,
    ) -> Result<(), GradeError> {
        let Some(name) = &exercise.entry.corruption_test else { return Ok(()) };
        let result = tested.run.tests.iter().find(|t| t.name == *name);
        let own_words = result
            .is_some_and(|t| t.status == TestStatus::Pass || !t.location.as_deref().is_some_and(is_allocator_location));
        let corrupted = corruption_diagnosis(&tested.run.tests, &tested.finished_alone, None).is_some()
            || !tested.hung_alone.is_empty();
        // The module that declares it.
        let module = declared
            .iter()
            .find(|test| test.name == *name)
            .and_then(|test| modules.iter().find(|module| module.target == test.target));
        let Some(module) = module.filter(|_| corrupted && !own_words) else { return Ok(()) };
        let output = self.run_module(&module.path, &Selection::Only(name.clone()))?;
        self.log.lock().unwrap().printed.push_str(&output.printed);
        if let Some(alone) = output.run.tests.into_iter().find(|t| t.name == *name) {
            tested.run.tests.retain(|t| t.name != *name);
            tested.hung_alone.retain(|t| t != name);
            tested.run.tests.push(alone);
        }
        Ok(())
    }

    /// `selection` of the tests in `module`, built already: the runner on
    /// it directly, as `cargo test` would start it, without cargo's second
    /// look at the build (about 0.4 s a run even with nothing to build).
    fn run_module(&self, module: &Path, selection: &Selection) -> Result<TestRunOutput, GradeError> {
        // Each phase to the full, and the tests' limit once more: a page
        // may show its first line just before its launch time runs out.
        let backstop = self.settings.limit((self.limits.startup + self.limits.launch + self.limits.tests) * 2);
        let mut test = test_runner(module, selection, self.settings, backstop);
        test.current_dir(self.crate_dir);
        let settings = self.settings;
        let mut clock = TestClock::new(self.limits, backstop);
        let permission = self.permission;
        let finished = run_submission(self.course, test, &mut clock, settings, "the tests", |command, run_dir| {
            if let Some(flag) = permission {
                confine_node(command, flag, run_dir);
            }
        })?;
        Ok(TestRunOutput {
            run: parse_test_output(&format!("{}\n{}", finished.stdout, finished.stderr)),
            overrun: finished.timed_out.then(|| clock.overrun()),
            failure: (!finished.success()).then(|| tool_error(&finished)),
            printed: format!("{}{}", finished.stdout, finished.stderr),
            cut: finished.cut,
        })
    }
}

/// The tools never got a binary's tests going: the machine's fault.
fn startup_error(limit: Duration) -> GradeError {
    error(
        ErrorKind::Infrastructure,
        format!(
            "not graded: the tools did not get the tests going within {} s (cargo, wasm-bindgen, the driver or the \
             browser starting). The machine may be too busy: grade again, with fewer jobs (-j 1)",
            limit.as_secs()
        ),
    )
}

/// Forgets, in a run that was stopped, the failures whose message never
/// came: the runner prints them after the last test, which a run that
/// stops answering never reaches. Narrowing runs them again for it.
fn forget_unexplained_failures(run: &mut TestRun) {
    run.tests.retain(|test| test.status != TestStatus::Fail || test.message.is_some());
}

/// One test run's report added to what the runs before it reported.
fn merge(into: &mut TestRun, run: TestRun) {
    into.tests.extend(run.tests);
    into.summaries += run.summaries;
    into.inconsistencies.extend(run.inconsistencies);
    into.notes.extend(run.notes);
    into.runner_timed_out |= run.runner_timed_out;
    if into.skipped_suite.is_none() {
        into.skipped_suite = run.skipped_suite;
    }
}

/// The limits of an exercise's test runs: its tests' own, from course.toml
/// or `--timeout`, and the machine's around them.
fn test_limits(course: &Course, exercise: &Exercise, settings: &Settings) -> TestLimits {
    let tests = settings
        .test_timeout
        .unwrap_or_else(|| Duration::from_secs(course.manifest.test_timeout_secs(&exercise.entry)));
    TestLimits {
        startup: Duration::from_secs(course.manifest.defaults.startup_timeout_secs),
        launch: Duration::from_secs(BROWSER_LAUNCH_SECS),
        tests,
    }
}

/// How long a browser may take to show the test page, before its time
/// counts as the tests'. A page shows its first line while the module
/// compiles; one that shows none before its first test hangs (the runner
/// reads the page between tasks) spends this in full. About 2 s on a 2-core
/// machine under load (measured 2026-12-04).
const BROWSER_LAUNCH_SECS: u64 = 4;

/// The note on an exercise whose run printed more than the grader keeps.
fn cut_note(run: &str) -> String {
    let mib = OUTPUT_CAP / (1024 * 1024);
    format!("{run} printed more than {mib} MiB; the rest was cut (the first and last {} MiB were kept)", mib / 2)
}

/// What to show of a failed build. The first compile error, once the list
/// of what the compiler read for the student's library holds only the
/// crate's editable files — a list naming anything else is an integrity
/// error that shows none of the compiler's text. When rustc stopped before
/// writing the list (a parse error), only errors that point at files
/// anyone may see (see [`Showable`]) — unless some of the student's files
/// do not tokenize: the scan read nothing in them, so an error's very
/// message could carry what they pulled in (`compile_error!` of a file), and
/// only a parse of those files alone is shown (see [`parse_errors`]).
fn compile_error_to_show(
    course: &Course,
    crate_dir: &Path,
    rules: Option<&CrateRules>,
    untokenized: &[Finding],
    built: &Finished,
    since: SystemTime,
    settings: &Settings,
) -> Result<String, GradeError> {
    let shown = match rules {
        None => first_compile_error(&built.stdout),
        Some(rules) => {
            let dep_infos = library_dep_info(course, crate_dir, built, Some(since));
            if dep_infos.is_empty() && !untokenized.is_empty() {
                Some(parse_errors(course, crate_dir, untokenized, settings))
            } else if dep_infos.is_empty() {
                let showable = Showable::new(course, crate_dir, rules, settings);
                first_shown_compile_error(&built.stdout, |file| showable.allows(file))
            } else {
                let read = read_outside(course, crate_dir, rules, &dep_infos);
                if !read.is_empty() {
                    return Err(read_outside_error(&read));
                }
                first_compile_error(&built.stdout)
            }
        }
    };
    Ok(shown.unwrap_or_else(|| tail(&built.stderr, 15)))
}

/// Where each file that does not tokenize goes wrong, as rustfmt's parser
/// says it: each read from stdin, so nothing is expanded, no module is
/// followed and no other file is read — the errors quote the file alone.
fn parse_errors(course: &Course, crate_dir: &Path, files: &[Finding], settings: &Settings) -> String {
    let edition = edition(crate_dir);
    let mut said = Vec::new();
    for file in files {
        let mut rustfmt = Command::new("sh");
        rustfmt
            .current_dir(crate_dir)
            .args(["-c", "exec rustfmt --edition \"$1\" --emit stdout < \"$2\"", "sh", &edition])
            .arg(course.root.join(&file.path))
            .env("PATH", &settings.toolbox.child_path);
        match run_submission(course, rustfmt, &mut Wall::new(Duration::from_secs(60)), settings, "rustfmt", |_, _| ()) {
            Ok(parsed) if !parsed.success() && !parsed.stderr.trim().is_empty() => {
                said.push(parsed.stderr.replace("<stdin>", &file.path).trim_end().to_string());
            }
            _ => said.push(format!(
                "{}; the compiler's errors are withheld, since the grader cannot check what the file pulls in \
                 — `cargo build` in the exercise shows them",
                file.message
            )),
        }
    }
    said.join("\n\n")
}

/// The crate's Rust edition, its own or its workspace's.
fn edition(crate_dir: &Path) -> String {
    let manifest =
        |dir: &Path| -> Option<toml::Table> { std::fs::read_to_string(dir.join("Cargo.toml")).ok()?.parse().ok() };
    let edition = |package: Option<&toml::Value>| package?.get("edition")?.as_str().map(str::to_string);
    let own = manifest(crate_dir).and_then(|t| edition(t.get("package")));
    let shared = || manifest(&workspace_root(crate_dir)).and_then(|t| edition(t.get("workspace")?.get("package")));
    own.or_else(shared).unwrap_or_else(|| "2021".to_string())
}

fn read_outside_error(read: &[String]) -> GradeError {
    error(
        ErrorKind::Integrity,
        format!(
            "not graded: the compiler read {} for this crate, and only its editable files may go into it; \
             keep everything the crate uses inside them",
            read.join(", ")
        ),
    )
}

/// What the compiler read for the student's library, from its
/// `dep_infos`, that is not one of the crate's editable files — files and
/// environment variables other than cargo's own description of the package:
/// whatever a scan of the source missed is caught here. No list at all, or
/// one that cannot be read, counts as reading something outside: what is
/// not listed is not checked.
fn read_outside(course: &Course, crate_dir: &Path, rules: &CrateRules, dep_infos: &[PathBuf]) -> Vec<String> {
    if dep_infos.is_empty() {
        return vec!["files it did not list (cargo reported no dep-info for the library)".to_string()];
    }
    let workspace = workspace_root(crate_dir);
    let course_root = course.root.canonicalize().ok();
    let mut outside = Vec::new();
    for dep_info in dep_infos {
        let parsed = std::fs::read_to_string(dep_info)
            .map_err(|e| e.to_string())
            .and_then(|text| integrity::parse_dep_info(&text, &workspace));
        let info = match parsed {
            Ok(info) => info,
            Err(why) => {
                outside.push(format!("files it did not list readably ({}: {why})", dep_info.display()));
                continue;
            }
        };
        for source in info.files {
            let relative = source.canonicalize().ok().and_then(|real| {
                real.strip_prefix(course_root.as_ref()?).ok().map(|r| r.to_string_lossy().into_owned())
            });
            if !relative.as_deref().is_some_and(|r| rules.is_editable(r)) {
                outside.push(relative.unwrap_or_else(|| source.display().to_string()));
            }
        }
        let secrets = info.env_vars.into_iter().filter(|name| !integrity::is_cargo_package_var(name));
        outside.extend(secrets.map(|name| format!("the environment variable `{name}`")));
    }
    outside.sort();
    outside.dedup();
    outside
}

/// The dep-info of the student's library: beside the artifacts cargo
/// reported for it — or, when the library did not build (cargo reports no
/// artifact for a crate that failed) and `since` is given, the one rustc
/// wrote for this build, named by what `cargo build -v` said it ran (see
/// [`crate::parse::library_extra_filenames`]), if written since `since`.
/// Empty when there is none (rustc stops before writing it at a parse error).
fn library_dep_info(course: &Course, crate_dir: &Path, built: &Finished, since: Option<SystemTime>) -> Vec<PathBuf> {
    let artifacts =
        crate::parse::cargo_artifacts(&built.stdout, &crate_dir.join("Cargo.toml"), &["lib", "rlib", "cdylib"]);
    let found: Vec<PathBuf> =
        artifacts.iter().filter_map(|artifact| artifact.files.iter().find_map(|file| dep_info_beside(file))).collect();
    match (since, library_name(crate_dir)) {
        (Some(since), Some(name)) if found.is_empty() => {
            let deps = course.target_dir().join(crate::tools::WASM_TARGET).join("debug").join("deps");
            let extras = crate::parse::library_extra_filenames(&built.stderr, &name);
            extras
                .iter()
                .map(|extra| deps.join(format!("{name}{extra}.d")))
                .filter(|d| written_since(d, since))
                .collect()
        }
        _ => found,
    }
}

/// The library's name as rustc knows it: `[lib] name`, or the package's
/// name with `-` as `_`.
fn library_name(crate_dir: &Path) -> Option<String> {
    let manifest: toml::Table = std::fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?.parse().ok()?;
    let lib = manifest.get("lib").and_then(|lib| lib.get("name")).and_then(|name| name.as_str());
    let name = lib.or_else(|| manifest.get("package")?.get("name")?.as_str())?;
    Some(name.replace('-', "_"))
}

/// Whether `file` was modified since `since`, to the second (some file
/// systems keep no finer time): a dep-info older than the build is a
/// previous build's, of what the crate was then.
fn written_since(file: &Path, since: SystemTime) -> bool {
    let since = since.duration_since(UNIX_EPOCH).map_or(since, |d| UNIX_EPOCH + Duration::from_secs(d.as_secs()));
    file.metadata().and_then(|m| m.modified()).is_ok_and(|modified| modified >= since)
}

/// Where an error may point and still be shown before the compiler has
/// listed what it read (a rendered error quotes the lines it points at):
/// the crate's own files, editable or the instructor's, the toolchain's
/// sources and the dependencies' in cargo's home.
struct Showable {
    workspace: PathBuf,
    course_root: PathBuf,
    crate_prefix: String,
    trusted: Vec<PathBuf>,
}

impl Showable {
    fn new(course: &Course, crate_dir: &Path, rules: &CrateRules, settings: &Settings) -> Showable {
        let mut rustc = Command::new("rustc");
        rustc.current_dir(crate_dir).args(["--print", "sysroot"]).env("PATH", &settings.toolbox.child_path);
        let sysroot = run_limited(rustc, Duration::from_secs(60))
            .ok()
            .filter(Finished::success)
            .map(|printed| PathBuf::from(printed.stdout.trim()));
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
        let sources = cargo_home.iter().flat_map(|home| [home.join("registry/src"), home.join("git/checkouts")]);
        Showable {
            workspace: workspace_root(crate_dir),
            course_root: course.root.canonicalize().unwrap_or_else(|_| course.root.clone()),
            crate_prefix: rules.dir.clone(),
            trusted: sysroot.into_iter().chain(sources).filter_map(|dir| dir.canonicalize().ok()).collect(),
        }
    }

    fn allows(&self, file: &str) -> bool {
        let path = Path::new(file);
        if path.components().any(|c| c == Component::ParentDir) {
            return false;
        }
        // The standard library's sources, as the toolchain names them.
        if file.starts_with("/rustc/") {
            return true;
        }
        let Ok(real) = self.workspace.join(path).canonicalize() else { return false };
        match real.strip_prefix(&self.course_root) {
            Ok(relative) => relative.to_str().is_some_and(|r| r.starts_with(&self.crate_prefix)),
            Err(_) => self.trusted.iter().any(|dir| real.starts_with(dir)),
        }
    }
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

/// What the exercise's crate may import: what the instructor's copy of it
/// (the shipped stub, with the same tests) imports once built, and what
/// course.toml adds. A stub that does not build is the instructor's
/// problem, reported as such.
pub fn allowed_imports(
    course: &Course,
    exercise: &Exercise,
    reference: &Reference,
    settings: &Settings,
) -> Result<BTreeSet<Import>, GradeError> {
    let relative = course.relative(exercise.crate_dir(Variant::Student));
    let mut allowed = measure_reference(reference, &relative, exercise, settings).map_err(|e| {
        error(
            ErrorKind::Infrastructure,
            format!(
                "not graded: the instructor's copy of {relative} (in {}) could not be built to learn what \
                     the exercise may import: {e:#}",
                reference.root.display()
            ),
        )
    })?;
    allowed.extend(exercise.entry.imports.iter().map(|key| Import::from_key(key)));
    Ok(allowed)
}

/// The imports of the reference's crate at `relative`, built in the
/// reference's own target directory. cargo decides freshness by
/// modification times, and another copy of the course (same package names,
/// other content) may have built there last: a crate whose content is not
/// what was last measured there is cleaned first, so the module read is
/// always built from this reference. Measured once an exercise a run
/// (`Reference::measured`).
fn measure_reference(
    reference: &Reference,
    relative: &str,
    exercise: &Exercise,
    settings: &Settings,
) -> anyhow::Result<BTreeSet<Import>> {
    // Exercises graded side by side (`-j`) share the reference's crates (the
    // capstone's milestones, one crate): one measures at a time, so one's
    // cleaning never removes what another is reading.
    static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = MEASURING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let measured = || reference.measured.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(imports) = measured().get(&exercise.slug()) {
        return Ok(imports.clone());
    }
    let crate_dir = reference.root.join(relative);
    let package = crate::discover::package_name(&crate_dir)
        .ok_or_else(|| anyhow::anyhow!("{} has no package name", crate_dir.join("Cargo.toml").display()))?;
    let marker = reference.target_dir.join("measured").join(&package);
    let digest = submission::crate_digest(&reference.root, relative);
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(digest.as_str()) {
        let mut clean = wasm_build::cargo("clean", &crate_dir, &reference.target_dir, &settings.toolbox);
        clean.args(["-p", &package]);
        run_limited(clean, settings.limit(settings.build_timeout))?;
    }
    let imports = module_imports(&crate_dir, &reference.target_dir, exercise, settings)?;
    std::fs::create_dir_all(marker.parent().expect("a file in a directory"))?;
    std::fs::write(&marker, digest)?;
    measured().insert(exercise.slug(), imports.clone());
    Ok(imports)
}

/// Every import of the test modules of the crate at `crate_dir` built for
/// `exercise`'s tests (cargo finds them built when they are).
pub fn module_imports(
    crate_dir: &Path,
    target_dir: &Path,
    exercise: &Exercise,
    settings: &Settings,
) -> anyhow::Result<BTreeSet<Import>> {
    let build = wasm_build::tests(crate_dir, target_dir, &exercise.test_targets(), &settings.toolbox);
    let built = run_limited(build, settings.limit(settings.build_timeout))?;
    if !built.success() {
        anyhow::bail!("{}", first_compile_error(&built.stdout).unwrap_or_else(|| tail(&built.stderr, 15)));
    }
    capability::of_build(&built.stdout, &crate_dir.join("Cargo.toml"))
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

/// Node.js under its permission model for one run: wasm-bindgen-test-runner
/// writes the generated JavaScript and the .wasm into a directory of its
/// own in the run's TMPDIR, `run_dir`, and Node may read that and nothing
/// else; it may write nothing, nor start processes or workers (the model
/// refuses what no flag allows). NODE_OPTIONS reaches the `node` the runner
/// starts; NODE_ARGS, which the runner adds to Node's arguments, could
/// allow more, so it goes.
fn confine_node(command: &mut Command, flag: &str, run_dir: &Path) {
    let dir = run_dir.to_string_lossy().replace('\\', "\\\\").replace('"', "\\\"");
    command.env("NODE_OPTIONS", format!("{flag} --allow-fs-read=\"{dir}\"")).env_remove("NODE_ARGS");
}

/// Where wasm-bindgen-test-runner reads the WebDriver capabilities from
/// (by default a `webdriver.json` in its working directory, which is the
/// student's crate).
const CAPABILITIES_VAR: &str = "WASM_BINDGEN_TEST_WEBDRIVER_JSON";

/// wasm-bindgen-test-runner on a test module already built, in the chosen
/// engine (headless, with its driver), with `selection` of its tests. No
/// `--nocapture`: what the tests print (the student's code runs in them)
/// must stay in the runner's indented failure sections, where it cannot
/// pass for a result line.
fn test_runner(module: &Path, selection: &Selection, settings: &Settings, limit: Duration) -> Command {
    let toolbox = &settings.toolbox;
    let mut command = Command::new(&toolbox.test_runner);
    command.arg(module).arg("--exact");
    match selection {
        Selection::Only(name) => {
            command.arg(name);
        }
        Selection::AllBut(skip) => {
            command.args(skip.iter().flat_map(|name| ["--skip", name.as_str()]));
        }
    }
    match &toolbox.browser {
        Some(browser) => {
            let driver = if browser.engine == Engine::Firefox { "GECKODRIVER" } else { "CHROMEDRIVER" };
            command.env(driver, &browser.driver).env("WASM_BINDGEN_TEST_ONLY_WEB", "1");
            command.env("WASM_BINDGEN_USE_BROWSER", "1");
            if let Some(capabilities) = &browser.capabilities {
                command.env(CAPABILITIES_VAR, capabilities);
            }
        }
        None => {
            command.env("WASM_BINDGEN_TEST_ONLY_NODE", "1").env_remove("WASM_BINDGEN_USE_BROWSER");
        }
    }
    command
        .env("PATH", &toolbox.child_path)
        .env_remove("NO_HEADLESS")
        .env("NO_COLOR", "1")
        .env("WASM_BINDGEN_TEST_TIMEOUT", (limit.as_secs() + 30).to_string());
    command
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

/// The runner's own `Error:` lines, or the end of its output.
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
    fn each_test_file_runs_the_module_cargo_built_for_it_in_the_files_order() {
        let crate_dir = tempfile::tempdir().unwrap();
        let manifest = crate_dir.path().join("Cargo.toml");
        std::fs::write(&manifest, "").unwrap();
        let artifact = |kind: &str, name: &str, file: &str| {
            serde_json::json!({
                "reason": "compiler-artifact",
                "manifest_path": manifest.canonicalize().unwrap(),
                "target": { "kind": [kind], "name": name },
                "filenames": [file],
            })
            .to_string()
        };
        let json = [
            artifact("lib", "mix", "/t/libmix.rlib"),
            artifact("test", "undo", "/t/undo-2.wasm"),
            artifact("test", "buffer", "/t/buffer-1.wasm"),
        ]
        .join("\n");
        let targets = ["buffer".to_string(), "undo".to_string()];
        let modules = modules_of(&targets, &json, crate_dir.path()).unwrap();
        let run: Vec<_> = modules.iter().map(|m| (m.target.as_str(), m.path.to_str().unwrap())).collect();
        assert_eq!(run, [("buffer", "/t/buffer-1.wasm"), ("undo", "/t/undo-2.wasm")]);

        // A test file cargo built nothing for is the machine's problem, not
        // a file without tests.
        let missing = modules_of(&["search".to_string()], &json, crate_dir.path()).unwrap_err();
        assert_eq!(missing.kind, ErrorKind::Infrastructure);
        assert!(missing.message.contains("tests/search.rs"), "{}", missing.message);
    }

    #[test]
    fn a_run_that_failed_with_no_failing_test_and_no_stop_is_the_machines() {
        let output = |report: &str, overrun: Option<Overrun>| TestRunOutput {
            run: parse_test_output(report),
            overrun,
            failure: Some("Error: failed to start the driver".into()),
            printed: String::new(),
            cut: false,
        };
        let failing = "running 2 tests\ntest a ... ok\ntest b ... FAIL\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 filtered out\n";
        assert_eq!(output(failing, None).unexplained_failure(), None, "a failing test explains it");
        let stopped = Some(Overrun::Tests);
        assert_eq!(output("running 2 tests\ntest a ... ok\n", stopped).unexplained_failure(), None, "the stop does");
        let passing = "running 1 test\ntest a ... ok\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out\n";
        assert!(output(passing, None).unexplained_failure().is_some(), "every test passed");
        assert!(output("", None).unexplained_failure().is_some(), "nothing ran");
    }

    #[test]
    fn confined_node_may_read_only_the_run_directory() {
        let mut command = Command::new("wasm-bindgen-test-runner");
        command.env("NODE_ARGS", "--allow-child-process");
        confine_node(&mut command, "--permission", Path::new(r#"/tmp/run "one""#));
        let env = |name: &str| command.get_envs().find(|(key, _)| *key == name).map(|(_, value)| value);
        assert_eq!(
            env("NODE_OPTIONS"),
            Some(Some(std::ffi::OsStr::new(r#"--permission --allow-fs-read="/tmp/run \"one\"""#)))
        );
        assert_eq!(env("NODE_ARGS"), Some(None), "NODE_ARGS could allow more");
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
