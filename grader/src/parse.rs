//! Reading what the tools print: wasm-bindgen-test's text report (it has no
//! machine-readable mode) and cargo's JSON diagnostics.
//!
//! The report mixes the runner's own lines with what the tests printed, and
//! the tests run the student's code, so what they print is untrusted. The
//! runner is run without `--nocapture`: whatever a test prints reaches the
//! report only inside its failure section (or the trailing `console output:`
//! block), every line indented. So results are read only from lines that
//! start at column 0, in the order the runner writes them — `running N
//! tests`, one `test NAME ... OUTCOME` per test, then the `failures:`
//! sections and the `test result:` summary — and the summary's counts must
//! agree with the result lines read. Anything else is output, never a result.

use crate::model::{TestReport, TestStatus};
use std::path::{Path, PathBuf};

/// What one test run reported, across all its suites.
#[derive(Debug, Default, PartialEq)]
pub struct TestRun {
    /// Result lines, in the order the runner printed them.
    pub tests: Vec<TestReport>,
    /// How many suites ran to their `test result:` summary.
    pub summaries: usize,
    /// Where the runner's own lines contradict each other (a summary whose
    /// counts differ from the result lines above it): a report that cannot
    /// be trusted.
    pub inconsistencies: Vec<String>,
    /// The runner's words when it skipped a suite built for another
    /// environment (a Node suite under `--chrome`, or the reverse).
    pub skipped_suite: Option<String>,
    /// The runner gave up waiting for the tests (its own timeout).
    pub runner_timed_out: bool,
    /// Lines a failing test printed as `measured: ...`, for the student's
    /// information only.
    pub notes: Vec<String>,
}

/// Where the reader is in the runner's report.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// Before `running N tests`, or after a summary.
    Outside,
    /// After `running N tests`: one result line per test. `first` is the
    /// suite's first result in [`TestRun::tests`].
    Results { announced: usize, first: usize },
    /// After `failures:`, until the summary.
    Failures { announced: usize, first: usize },
}

/// Parses the combined output of a run of wasm-bindgen-test-runner.
pub fn parse_test_output(output: &str) -> TestRun {
    let mut run = TestRun::default();
    let lines: Vec<&str> = output.lines().collect();
    let mut place = Place::Outside;
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("Failed to detect test as having been run")
            || (line.starts_with("Error: ") && line.contains("webdriver") && line.contains("timed out after"))
        {
            run.runner_timed_out = true;
        }
        // The runner's notice that it skipped the suite (printed indented, or
        // lower case): only before any suite ran, since what tests print can
        // come after one (the indented `console output:` block).
        let seen_a_suite = run.summaries > 0 || place != Place::Outside;
        if !seen_a_suite && line.trim_start().to_lowercase().starts_with("this test suite is only configured to run in")
        {
            run.skipped_suite.get_or_insert_with(|| skipped_sentence(&lines[index..]));
        }
        match place {
            Place::Outside => {
                if let Some(announced) = running_line(line) {
                    place = Place::Results { announced, first: run.tests.len() };
                }
            }
            Place::Results { announced, first } | Place::Failures { announced, first } => {
                if let Some(summary) = line.strip_prefix("test result: ") {
                    run.summaries += 1;
                    if let Err(why) = check_summary(summary, announced, &run.tests[first..]) {
                        run.inconsistencies.push(why);
                    }
                    place = Place::Outside;
                } else if *line == "failures:" {
                    place = Place::Failures { announced, first };
                } else if matches!(place, Place::Results { .. }) {
                    if let Some(test) = parse_test_line(line) {
                        run.tests.push(test);
                    }
                }
            }
        }
    }
    for (name, section) in failure_sections(&lines) {
        let captured = captured_output(&section);
        run.notes.extend(measurement_notes(&section));
        if let Some(test) = run.tests.iter_mut().find(|t| t.name == name) {
            let (location, message) = panic_message(&section);
            test.location = location;
            test.message = message;
            test.output = (!captured.is_empty()).then_some(captured);
        }
    }
    run
}

/// `running 3 tests` / `running 1 test`, as the runner writes it.
fn running_line(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("running ")?;
    let (count, noun) = rest.split_once(' ')?;
    matches!(noun, "test" | "tests").then_some(())?;
    count.parse().ok()
}

/// `test some::name ... ok` (or `FAIL`, `ignored`, `ignored, reason`); the
/// name must look like a Rust path, as the runner makes it.
fn parse_test_line(line: &str) -> Option<TestReport> {
    let rest = line.strip_prefix("test ")?;
    let (name, outcome) = rest.split_once(" ... ")?;
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':') {
        return None;
    }
    let status = match outcome {
        "ok" => TestStatus::Pass,
        "FAIL" => TestStatus::Fail,
        "ignored" => TestStatus::Ignored,
        other if other.starts_with("ignored, ") => TestStatus::Ignored,
        _ => return None,
    };
    Some(TestReport::new(name, status))
}

/// Checks `ok. 1 passed; 1 failed; 1 ignored; 0 filtered out; ...` against
/// the suite's result lines.
fn check_summary(summary: &str, announced: usize, results: &[TestReport]) -> Result<(), String> {
    let count = |word: &str| -> Option<usize> {
        summary.split(';').find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse().ok())
    };
    let (Some(passed), Some(failed), Some(ignored)) = (count(" passed"), count(" failed"), count(" ignored")) else {
        return Err(format!("the runner's summary `test result: {summary}` could not be read"));
    };
    let seen = |status| results.iter().filter(|t| t.status == status).count();
    let lines = (seen(TestStatus::Pass), seen(TestStatus::Fail), seen(TestStatus::Ignored));
    let ok_word = summary.starts_with("ok.");
    if lines != (passed, failed, ignored) || results.len() != announced || ok_word != (failed == 0) {
        return Err(format!(
            "the runner announced {announced} tests and summed up {passed} passed, {failed} failed, {ignored} ignored, \
             but its result lines say {} passed, {} failed, {} ignored",
            lines.0, lines.1, lines.2
        ));
    }
    Ok(())
}

/// The runner's skip notice, joined into one sentence.
fn skipped_sentence(lines: &[&str]) -> String {
    let mut sentence = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        sentence.push(line);
    }
    sentence.join(" ")
}

/// `---- name output ----` blocks at column 0: (test name, the block's
/// lines with the runner's 4-space indent removed). A block is the indented
/// lines under its header; the first line back at column 0 ends it.
fn failure_sections<'a>(lines: &[&'a str]) -> Vec<(String, Vec<&'a str>)> {
    let mut sections = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let header = lines[index].strip_prefix("---- ").and_then(|rest| rest.strip_suffix(" output ----"));
        index += 1;
        if let Some(name) = header {
            let mut body = Vec::new();
            while index < lines.len() && (lines[index].is_empty() || lines[index].starts_with(' ')) {
                body.push(lines[index].strip_prefix("    ").unwrap_or(lines[index].trim_start()));
                index += 1;
            }
            sections.push((name.to_string(), body));
        }
    }
    sections
}

/// What a test printed: the bodies of its `debug`, `log`, `info`, `warn`
/// and `error output:` blocks, without their indent — less the course's own
/// `measured:` lines and the panic report the runner's panic hook appends to
/// `error output:` (the message is kept separately), so what is left is
/// what the code under test printed.
fn captured_output(section: &[&str]) -> String {
    let mut blocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in section {
        if !line.starts_with(' ') && !line.is_empty() {
            blocks.push((line, Vec::new()));
        } else if let Some((_, lines)) = blocks.last_mut() {
            lines.push(line.strip_prefix("    ").unwrap_or(line.trim_start()));
        }
    }
    let mut printed = Vec::new();
    for (header, mut lines) in blocks {
        if !matches!(header, "debug output:" | "log output:" | "info output:" | "warn output:" | "error output:") {
            continue;
        }
        if header == "error output:" {
            if let Some(panic) = lines.iter().rposition(|l| l.starts_with("panicked at ")) {
                lines.truncate(panic);
            }
        }
        printed.extend(lines.into_iter().filter(|l| !l.trim().is_empty() && !l.starts_with(MEASURED)));
    }
    printed.join("\n")
}

/// How a course's test marks a measurement it prints for the student (bytes
/// allocated, say): shown beside a failure, never graded.
const MEASURED: &str = "measured: ";

/// The course's `measured:` notes in a failure block.
fn measurement_notes(section: &[&str]) -> Vec<String> {
    section.iter().filter_map(|l| l.trim().strip_prefix(MEASURED)).map(|l| l.trim().to_string()).collect()
}

/// The panic's location and message from a failure block, without the
/// JavaScript stack; failing that, the first line of the JS exception. The
/// last `panicked at` is taken: a test's own prints come before its panic.
fn panic_message(section: &[&str]) -> (Option<String>, Option<String>) {
    if let Some(at) = section.iter().rposition(|l| l.trim_start().starts_with("panicked at ")) {
        let location = section[at].trim().trim_start_matches("panicked at ").trim_end_matches(':').to_string();
        let mut message: Vec<&str> = section[at + 1..]
            .iter()
            .take_while(|l| (l.is_empty() || l.starts_with(' ')) && l.trim() != "Stack:")
            .map(|l| l.trim())
            .collect();
        while message.last().is_some_and(|l| l.is_empty()) {
            message.pop();
        }
        return (Some(location), Some(message.join("\n")));
    }
    let thrown = section
        .iter()
        .position(|l| l.trim() == "JS exception that was thrown:")
        .and_then(|i| section.get(i + 1))
        .map(|l| l.trim().to_string());
    (None, thrown)
}

/// One artifact cargo reported: a target's name and the files built for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Artifact {
    /// The target's name: a test target's is its file's stem.
    pub target: String,
    pub files: Vec<PathBuf>,
}

/// Each artifact cargo reported (`--message-format=json`) for a target of
/// one of `kinds` ("lib", "test", ...) of the crate whose manifest is
/// `manifest`.
pub fn cargo_artifacts(cargo_json: &str, manifest: &Path, kinds: &[&str]) -> Vec<Artifact> {
    // cargo reports absolute paths.
    let manifest = manifest.canonicalize().unwrap_or_else(|_| manifest.to_path_buf());
    let mut artifacts = Vec::new();
    for message in cargo_json.lines().filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok()) {
        let of_kind = message["target"]["kind"]
            .as_array()
            .is_some_and(|found| found.iter().any(|k| k.as_str().is_some_and(|k| kinds.contains(&k))));
        if message["reason"] != "compiler-artifact"
            || !of_kind
            || message["manifest_path"].as_str().map(Path::new) != Some(manifest.as_path())
        {
            continue;
        }
        let files = message["filenames"].as_array().into_iter().flatten().filter_map(|f| f.as_str());
        let target = message["target"]["name"].as_str().unwrap_or_default().to_string();
        artifacts.push(Artifact { target, files: files.map(PathBuf::from).collect() });
    }
    artifacts
}

/// The `-C extra-filename` cargo gave rustc for the library (not a test
/// harness) of the crate named `crate_name`, from the commands `cargo
/// build -v` prints on stderr (`Running `... rustc --crate-name NAME ...``).
/// The hash in it depends on where the crate is, so `NAME{extra}.d` names
/// this build's dep-info even where another copy of the course builds a
/// crate of the same name into the same target directory at the same time.
/// Only a value made of letters, digits, `-` and `_` is taken: it becomes
/// part of a file name.
pub fn library_extra_filenames(cargo_stderr: &str, crate_name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in cargo_stderr.lines() {
        let Some(command) = line.trim_start().strip_prefix("Running `") else { continue };
        let words: Vec<&str> = command.split_whitespace().collect();
        let names_it = words.windows(2).any(|pair| pair == ["--crate-name", crate_name]);
        if !names_it || !words.contains(&"--crate-type") || words.contains(&"--test") {
            continue;
        }
        let extra = words
            .windows(2)
            .find_map(|pair| (pair[0] == "-C").then(|| pair[1].strip_prefix("extra-filename=")).flatten());
        if let Some(extra) = extra.filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
            found.push(extra.to_string());
        }
    }
    found
}

/// The first error cargo's `--message-format=json` reported, as rustc
/// rendered it for a person.
pub fn first_compile_error(cargo_json: &str) -> Option<String> {
    first_shown_compile_error(cargo_json, |_| true)
}

/// The first error whose every span — its own, those of the macros it was
/// expanded from, those of its notes — is in a file `may_show` accepts, as
/// rustc rendered it; with a sentence for the errors withheld (a rendered
/// error quotes the lines its spans point at).
pub fn first_shown_compile_error(cargo_json: &str, may_show: impl Fn(&str) -> bool) -> Option<String> {
    let mut shown = None;
    let mut withheld = 0;
    let errors = cargo_json
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-message" && msg["message"]["level"] == "error");
    for error in errors {
        if !files_pointed_at(&error["message"]).into_iter().all(&may_show) {
            withheld += 1;
        } else if shown.is_none() {
            shown = error["message"]["rendered"].as_str().map(|s| s.trim_end().to_string());
        }
    }
    if withheld == 0 {
        return shown;
    }
    let (count, point) =
        if withheld == 1 { ("1 error".to_string(), "points") } else { (format!("{withheld} errors"), "point") };
    let sentence = format!(
        "{count} of the compiler's {point} outside the editable files, and so {} withheld: keep everything the \
         crate uses inside its editable files.",
        if withheld == 1 { "is" } else { "are" }
    );
    Some(match shown {
        Some(shown) => format!("{shown}\n\n{sentence}"),
        None => sentence,
    })
}

/// Every `file_name` anywhere in a diagnostic: its spans, their macro
/// expansions (call and definition sites), its children's. Walked with a
/// stack: the depth is the compiler's output's, never the grader's stack's.
fn files_pointed_at(diagnostic: &serde_json::Value) -> Vec<&str> {
    let mut files = Vec::new();
    let mut stack = vec![diagnostic];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(fields) => {
                for (key, field) in fields {
                    match (key.as_str(), field) {
                        ("file_name", serde_json::Value::String(file)) => files.push(file.as_str()),
                        _ => stack.push(field),
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    files
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_librarys_own_dep_info_is_named_by_the_rustc_command_cargo_ran() {
        let stderr = "   Compiling typed_views v0.1.0 (/course/exercises/01_typed_views)\n\
     Running `CARGO=/bin/cargo CARGO_CRATE_NAME=typed_views /rustup/bin/rustc --crate-name typed_views \
         --edition=2021 exercises/01_typed_views/src/lib.rs --error-format=json --crate-type cdylib \
         --crate-type rlib --emit=dep-info,link -C metadata=659f366e -C extra-filename=-36df22a6 \
         --out-dir /t/deps`\n\
     Running `/rustup/bin/rustc --crate-name typed_views --edition=2021 exercises/01_typed_views/src/lib.rs \
         --test -C metadata=df6769bd -C extra-filename=-434d2d6e --out-dir /t/deps`\n\
     Running `/rustup/bin/rustc --crate-name other --crate-type lib -C extra-filename=-aaaa`\n";
        assert_eq!(library_extra_filenames(stderr, "typed_views"), ["-36df22a6"]);
        assert!(library_extra_filenames(stderr, "typed").is_empty(), "the whole name, not a prefix");
        let climbing = "Running `rustc --crate-name typed_views --crate-type lib -C extra-filename=/../../x`";
        assert!(library_extra_filenames(climbing, "typed_views").is_empty(), "a value that is not a plain name");
        assert!(library_extra_filenames("", "typed_views").is_empty());
    }

    use super::*;

    // Shortened from a real run of exercise 01 as shipped, in Chromium.
    const FAILING_RUN: &str = r#"     Running tests/typed_views.rs (/work/target/wasm32-unknown-unknown/debug/deps/typed_views-df88.wasm)
Running headless tests in Chrome on `http://127.0.0.1:35339/`
Loading Wasm module...

running 3 tests
test out_of_bounds_access_is_an_error ... FAIL
test memory_grows_in_64_kib_pages ... ok
test ignored_one ... ignored

failures:

---- out_of_bounds_access_is_an_error output ----
    error output:
        panicked at exercises/01_typed_views/src/lib.rs:106:9:
        assertion `left == right` failed: read_i32(64) must be refused
          left: Ok(0)
         right: Err(OutOfBounds)
        
        Stack:
        
        Error
            at http://127.0.0.1:40247/wasm-bindgen-test:543:25
        
        
    
    JS exception that was thrown:
        RuntimeError: unreachable
            at typed_views-df88cf8d26bae00b.wasm.__rustc::__rust_abort (http://127.0.0.1:40247/wasm-bindgen-test_bg.wasm:wasm-function[3877]:0xb5ea2)

failures:

    out_of_bounds_access_is_an_error

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 filtered out; finished in 0.03s
"#;

    #[test]
    fn statuses_and_the_panic_message_without_the_stack() {
        let run = parse_test_output(FAILING_RUN);
        assert_eq!(run.summaries, 1);
        assert_eq!(run.skipped_suite, None);
        let statuses: Vec<_> = run.tests.iter().map(|t| (t.name.as_str(), t.status)).collect();
        assert_eq!(
            statuses,
            [
                ("out_of_bounds_access_is_an_error", TestStatus::Fail),
                ("memory_grows_in_64_kib_pages", TestStatus::Pass),
                ("ignored_one", TestStatus::Ignored),
            ]
        );
        let failed = &run.tests[0];
        assert_eq!(failed.location.as_deref(), Some("exercises/01_typed_views/src/lib.rs:106:9"));
        assert_eq!(
            failed.message.as_deref(),
            Some(
                "assertion `left == right` failed: read_i32(64) must be refused\nleft: Ok(0)\nright: Err(OutOfBounds)"
            )
        );
        assert_eq!(run.tests[1].message, None);
    }

    #[test]
    fn a_thrown_js_error_is_the_message_when_nothing_panicked() {
        let output = "running 1 test\ntest calls_js ... FAIL\n\nfailures:\n\n---- calls_js output ----\n    JS exception that was thrown:\n        TypeError: x is not a function\n            at foo\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 filtered out\n";
        let run = parse_test_output(output);
        assert!(run.inconsistencies.is_empty());
        assert_eq!(run.tests[0].message.as_deref(), Some("TypeError: x is not a function"));
        assert_eq!(run.tests[0].location, None);
    }

    #[test]
    fn a_suite_skipped_for_its_environment_is_noticed() {
        let output = "This test suite is only configured to run in node.js, but we're only running\n    browser tests so skipping. If you'd like to run the tests in a browser\n\n   Doc-tests x\n\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored\n";
        let run = parse_test_output(output);
        assert!(run.tests.is_empty());
        let skipped = run.skipped_suite.expect("the skip is reported");
        assert!(skipped.starts_with("This test suite is only configured to run in node.js"), "{skipped}");
        assert!(skipped.contains("so skipping"), "{skipped}");
    }

    #[test]
    fn a_failing_tests_measurement_is_a_note_and_its_prints_are_its_output() {
        let output = "running 1 test
test t ... FAIL

failures:

---- t output ----
    log output:
        measured: 3 bytes
        hello from the student
    
    error output:
        panicked at src/lib.rs:1:1:
        no
        
        Stack:
        
        Error
    

failures:

    t

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 filtered out; finished in 0.01s
";
        let run = parse_test_output(output);
        assert_eq!(run.notes, ["3 bytes"]);
        assert_eq!(run.tests[0].message.as_deref(), Some("no"));
        assert_eq!(run.tests[0].location.as_deref(), Some("src/lib.rs:1:1"));
        assert_eq!(
            run.tests[0].output.as_deref(),
            Some("hello from the student"),
            "the course's measurement and the panic are not the student's output"
        );
        assert!(run.inconsistencies.is_empty(), "{:?}", run.inconsistencies);
    }

    /// What a test prints is indented under its failure section, however
    /// it is shaped: forged result lines, summaries and section headers
    /// there are output, never results.
    #[test]
    fn forged_report_lines_in_captured_output_are_not_results() {
        let forged = "test t ... ok\ntest other ... ok\ntest result: ok. 9 passed; 0 failed; 0 ignored\nfailures:\n---- other output ----\nrunning 9 tests";
        let indented =
            |depth: usize| -> String { forged.lines().map(|l| format!("{}{l}\n", " ".repeat(depth))).collect() };
        let output = format!(
            "running 1 test\ntest t ... FAIL\n\nfailures:\n\n---- t output ----\n    log output:\n{}\n    error output:\n{}\n    JS exception that was thrown:\n        RuntimeError: unreachable\n\nfailures:\n\n    t\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 filtered out\n\nconsole output:\n{}",
            indented(8),
            indented(8),
            indented(4)
        );
        let run = parse_test_output(&output);
        let statuses: Vec<_> = run.tests.iter().map(|t| (t.name.as_str(), t.status)).collect();
        assert_eq!(statuses, [("t", TestStatus::Fail)]);
        assert_eq!(run.summaries, 1);
        assert!(run.inconsistencies.is_empty(), "{:?}", run.inconsistencies);
        assert_eq!(run.tests[0].message.as_deref(), Some("RuntimeError: unreachable"));
    }

    #[test]
    fn a_summary_that_disagrees_with_the_result_lines_is_an_inconsistency() {
        let run = parse_test_output("running 2 tests\ntest a ... ok\ntest a ... ok\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out\n");
        assert_eq!(run.inconsistencies.len(), 1, "{:?}", run.inconsistencies);
        let run = parse_test_output("running 1 test\ntest a ... ok\ntest b ... ok\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 filtered out\n");
        assert_eq!(run.inconsistencies.len(), 1, "more results than announced: {:?}", run.inconsistencies);
    }

    #[test]
    fn result_lines_outside_a_suite_are_not_results() {
        let run = parse_test_output("test a ... ok\nrunning 1 test\ntest b ... FAIL\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 filtered out\ntest c ... ok\n");
        let names: Vec<_> = run.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["b"]);
    }

    #[test]
    fn a_skip_notice_printed_by_a_test_is_not_the_runner_s() {
        let output = "running 1 test\ntest t ... FAIL\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 filtered out\n\nconsole output:\n    This test suite is only configured to run in node.js, but we're only running\n";
        assert_eq!(parse_test_output(output).skipped_suite, None);
        let skipped = parse_test_output("this test suite is only configured to run in a browser, but we're only testing node.js tests so skipping\n");
        assert!(skipped.skipped_suite.is_some());
    }

    #[test]
    fn the_runner_giving_up_is_a_timeout() {
        let run =
            parse_test_output("running 1 tests\nFailed to detect test as having been run. It might have timed out.\n");
        assert!(run.runner_timed_out);
        let run = parse_test_output("Error: webdriver POST /session/4356/execute/sync timed out after 19.9s\n");
        assert!(run.runner_timed_out, "the browser runner's own limit");
    }

    #[test]
    fn the_first_compiler_error_is_picked_from_cargo_json() {
        let json = [
            r#"{"reason":"compiler-artifact","target":{"name":"js-sys"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","rendered":"warning: unused"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","rendered":"error[E0308]: mismatched types\n --> src/lib.rs:3:5\n"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","rendered":"error: aborting due to 1 previous error\n"}}"#,
        ]
        .join("\n");
        assert_eq!(first_compile_error(&json).as_deref(), Some("error[E0308]: mismatched types\n --> src/lib.rs:3:5"));
        assert_eq!(first_compile_error(r#"{"reason":"build-finished","success":true}"#), None);
    }

    /// An error as cargo reports it, spans in `file`, with a macro
    /// expansion defined in `defined_in` and a note pointing at `noted_in`.
    fn error_at(file: &str, defined_in: &str, noted_in: &str, rendered: &str) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "level": "error",
                "rendered": rendered,
                "spans": [{
                    "file_name": file,
                    "expansion": {
                        "span": { "file_name": file, "expansion": null },
                        "def_site_span": { "file_name": defined_in, "expansion": null },
                        "macro_decl_name": "m!"
                    }
                }],
                "children": [{ "level": "note", "spans": [{ "file_name": noted_in }], "children": [] }]
            }
        })
        .to_string()
    }

    #[test]
    fn an_error_pointing_outside_the_shown_files_is_withheld_and_said_to_be() {
        let mine = |file: &str| file.starts_with("exercises/01/") || file.starts_with("/rustc/");
        let typo = error_at(
            "exercises/01/src/lib.rs",
            "/rustc/abc/library/core/src/macros/mod.rs",
            "exercises/01/src/lib.rs",
            "error: a typo\n",
        );
        assert_eq!(first_shown_compile_error(&typo, mine).as_deref(), Some("error: a typo"));

        for stolen in [
            error_at("solutions/01/src/lib.rs", "exercises/01/src/lib.rs", "exercises/01/src/lib.rs", "SOLUTION TEXT"),
            error_at("exercises/01/src/lib.rs", "solutions/01/src/lib.rs", "exercises/01/src/lib.rs", "SOLUTION TEXT"),
            error_at("exercises/01/src/lib.rs", "exercises/01/src/lib.rs", "/etc/passwd", "SOLUTION TEXT"),
        ] {
            let json = [stolen, typo.clone()].join("\n");
            let shown = first_shown_compile_error(&json, mine).unwrap();
            assert!(!shown.contains("SOLUTION TEXT"), "{shown}");
            assert!(shown.starts_with("error: a typo\n\n1 error of the compiler's points outside"), "{shown}");
        }
        let only_stolen =
            error_at("/course/solutions/x.rs", "/course/solutions/x.rs", "/course/solutions/x.rs", "SOLUTION TEXT");
        let shown = first_shown_compile_error(&[only_stolen.clone(), only_stolen].join("\n"), mine).unwrap();
        assert!(
            shown.starts_with("2 errors of the compiler's point outside the editable files, and so are withheld"),
            "{shown}"
        );
        assert_eq!(first_shown_compile_error(&typo, |_| false).as_deref().map(|s| s.contains("a typo")), Some(false));
    }
}
