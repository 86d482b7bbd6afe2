//! Running the test modules a crate's build made: each with
//! wasm-bindgen-test-runner in the chosen engine, under the test clock;
//! a module that stops answering narrowed to its tests; the exercise's
//! test for its most common memory bug run again alone when the runs show
//! memory corruption.

use super::{corruption_diagnosis, cut_note, error, run_submission, tail, Log};
use crate::capability::TestModule;
use crate::discover::{Course, DeclaredTest, Exercise};
use crate::model::{is_allocator_location, Engine, ErrorKind, GradeError, TestStatus};
use crate::narrow::{Attempt, Selection};
use crate::parse::{parse_test_output, TestRun};
use crate::process::Finished;
use crate::settings::Settings;
use crate::test_clock::{Overrun, TestClock, TestLimits};
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Of the modules the build made, `built`, the one for each of `targets`,
/// in their order.
pub(super) fn modules_of(targets: &[String], mut built: Vec<TestModule>) -> Result<Vec<TestModule>, GradeError> {
    targets
        .iter()
        .map(|target| {
            let at = built.iter().position(|module| module.target == *target).ok_or_else(|| {
                error(ErrorKind::Infrastructure, format!("cargo built no test module for tests/{target}.rs"))
            })?;
            Ok(built.swap_remove(at))
        })
        .collect()
}

/// What the test runs of one crate reported, a hang narrowed to its test.
pub(super) struct Tested {
    /// Every run's report, merged.
    pub(super) run: TestRun,
    /// A run that failed though none of its tests did: the runner's error.
    pub(super) failure: Option<String>,
    /// The runs stopped at their limit before every test had a result.
    pub(super) unresolved: bool,
    pub(super) hung_alone: Vec<String>,
    pub(super) finished_alone: Vec<String>,
    /// The limit of the tests of one module.
    pub(super) limit: Duration,
}

/// Runs a crate's test modules, with everything each run needs.
pub(super) struct Tester<'a> {
    pub(super) course: &'a Course,
    pub(super) crate_dir: &'a Path,
    pub(super) settings: &'a Settings,
    pub(super) permission: Option<&'static str>,
    pub(super) limits: TestLimits,
    pub(super) log: &'a Mutex<Log>,
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
    pub(super) fn run_all(&self, modules: &[TestModule]) -> Result<Tested, GradeError> {
        let mut tested = Tested {
            run: TestRun::default(),
            failure: None,
            unresolved: false,
            hung_alone: vec![],
            finished_alone: vec![],
            limit: self.limits.tests,
        };
        for module in modules {
            // Every test: all but none.
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
    pub(super) fn rerun_corruption_test(
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

/// The tools never got a module's tests going: the machine's fault.
fn startup_error(limit: Duration) -> GradeError {
    error(
        ErrorKind::Infrastructure,
        format!(
            "not graded: the tools did not get the tests going within {} s (wasm-bindgen, the driver or the browser \
             starting). The machine may be too busy: grade again, with fewer jobs (-j 1)",
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
pub(super) fn test_limits(course: &Course, exercise: &Exercise, settings: &Settings) -> TestLimits {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_test_output;

    #[test]
    fn each_test_file_runs_the_module_cargo_built_for_it_in_the_files_order() {
        let module = |target: &str, path: &str| TestModule { target: target.into(), path: path.into() };
        let built = vec![module("undo", "/t/undo-2.wasm"), module("buffer", "/t/buffer-1.wasm")];
        let targets = ["buffer".to_string(), "undo".to_string()];
        let modules = modules_of(&targets, built.clone()).unwrap();
        let run: Vec<_> = modules.iter().map(|m| (m.target.as_str(), m.path.to_str().unwrap())).collect();
        assert_eq!(run, [("buffer", "/t/buffer-1.wasm"), ("undo", "/t/undo-2.wasm")]);

        // A test file cargo built nothing for is the machine's problem, not
        // a file without tests.
        let missing = modules_of(&["search".to_string()], built).unwrap_err();
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
}
