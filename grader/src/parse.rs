//! Reading what the tools print: wasm-bindgen-test's text report (it has no
//! machine-readable mode) and cargo's JSON diagnostics.

use crate::model::{TestReport, TestStatus};

/// What one `wasm-pack test` run reported, across all its suites.
#[derive(Debug, Default, PartialEq)]
pub struct TestRun {
    /// In the order the runner printed them.
    pub tests: Vec<TestReport>,
    /// How many `test result:` summaries were printed (one per suite run).
    pub summaries: usize,
    /// The runner's words when it skipped a suite built for another
    /// environment (a Node suite under `--chrome`, or the reverse).
    pub skipped_suite: Option<String>,
    /// The runner gave up waiting for the tests (its own timeout).
    pub runner_timed_out: bool,
    /// Lines the tests printed as `timing: ...`, for the student's information.
    pub notes: Vec<String>,
}

/// Parses the combined output of `wasm-pack test`.
pub fn parse_test_output(output: &str) -> TestRun {
    let mut run = TestRun::default();
    let lines: Vec<&str> = output.lines().collect();
    // What each test printed, by the `Invoking test:` line that precedes it.
    let mut printed: Vec<(String, String)> = Vec::new();
    // A failing test's output is printed twice: live, and again in its
    // `---- name output ----` section; its notes are taken from the first.
    let mut in_failure_section = false;
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("---- ") && line.ends_with(" output ----") {
            in_failure_section = true;
        } else if line.starts_with("failures:") || line.starts_with("test result:") {
            in_failure_section = false;
        }
        if let Some(name) = line.strip_prefix("Invoking test: ") {
            printed.push((name.trim().to_string(), String::new()));
        } else if let Some(test) = parse_test_line(line) {
            run.tests.push(test);
        } else if line.starts_with("test result:") {
            run.summaries += 1;
        } else if line.contains("is only configured to run in") {
            run.skipped_suite.get_or_insert_with(|| skipped_sentence(&lines[index..]));
        } else if line.contains("Failed to detect test as having been run")
            || (line.contains("webdriver") && line.contains("timed out after"))
        {
            run.runner_timed_out = true;
        } else if let Some(note) = line.trim_start().strip_prefix("timing: ") {
            if in_failure_section {
                continue;
            }
            run.notes.push(note.trim_end().to_string());
            if let Some((_, output)) = printed.last_mut() {
                output.push_str(line.trim());
                output.push('\n');
            }
        }
    }
    for (name, output) in printed.into_iter().filter(|(_, output)| !output.is_empty()) {
        if let Some(test) = run.tests.iter_mut().find(|t| t.name == name) {
            test.output = Some(output.trim_end().to_string());
        }
    }
    for (name, section) in failure_sections(&lines) {
        if let Some(test) = run.tests.iter_mut().find(|t| t.name == name) {
            let (location, message) = panic_message(section);
            test.location = location;
            test.message = message;
        }
    }
    run
}

/// `test some::name ... ok` (the runner may append a duration).
fn parse_test_line(line: &str) -> Option<TestReport> {
    let rest = line.strip_prefix("test ")?;
    let (name, outcome) = rest.split_once(" ... ")?;
    let status = match outcome.split_whitespace().next()? {
        "ok" => TestStatus::Pass,
        "FAIL" | "FAILED" => TestStatus::Fail,
        "ignored" => TestStatus::Ignored,
        _ => return None,
    };
    Some(TestReport::new(name.trim(), status))
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

/// `---- name output ----` blocks: (test name, the block's lines).
fn failure_sections<'a>(lines: &'a [&'a str]) -> Vec<(String, &'a [&'a str])> {
    let mut sections = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let header = lines[index].strip_prefix("---- ").and_then(|rest| rest.strip_suffix(" output ----"));
        if let Some(name) = header {
            let start = index + 1;
            let end = (start..lines.len())
                .find(|&i| lines[i].starts_with("---- ") || lines[i].starts_with("failures:"))
                .unwrap_or(lines.len());
            sections.push((name.trim().to_string(), &lines[start..end]));
            index = end;
        } else {
            index += 1;
        }
    }
    sections
}

/// The panic's location and message from a failure block, without the
/// JavaScript stack; failing that, the first line of the JS exception.
fn panic_message(section: &[&str]) -> (Option<String>, Option<String>) {
    if let Some(at) = section.iter().position(|l| l.trim_start().starts_with("panicked at ")) {
        let location = section[at].trim().trim_start_matches("panicked at ").trim_end_matches(':').to_string();
        let mut message: Vec<&str> =
            section[at + 1..].iter().map(|l| l.trim()).take_while(|l| *l != "Stack:").collect();
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

/// The first error cargo's `--message-format=json` reported, as rustc
/// rendered it for a person.
pub fn first_compile_error(cargo_json: &str) -> Option<String> {
    cargo_json
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-message" && msg["message"]["level"] == "error")
        .find_map(|msg| msg["message"]["rendered"].as_str().map(|s| s.trim_end().to_string()))
}

#[cfg(test)]
mod tests {
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
        let output = "test calls_js ... FAIL\n\nfailures:\n\n---- calls_js output ----\n    JS exception that was thrown:\n        TypeError: x is not a function\n            at foo\n\ntest result: FAILED. 0 passed; 1 failed\n";
        let run = parse_test_output(output);
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
    fn timing_lines_are_kept_as_notes() {
        let run = parse_test_output("Invoking test: t\ntiming: one batch: 8.9 ms, debug build\ntest t ... ok\n");
        assert_eq!(run.notes, ["one batch: 8.9 ms, debug build"]);
        assert_eq!(run.tests.len(), 1);
        assert_eq!(run.tests[0].output.as_deref(), Some("timing: one batch: 8.9 ms, debug build"));
    }

    #[test]
    fn a_failing_tests_timing_repeated_in_its_failure_section_is_kept_once() {
        let output = "Invoking test: t
timing: 3 ms
test t ... FAIL

failures:

---- t output ----
    timing: 3 ms
    panicked at src/lib.rs:1:1:
    no
";
        let run = parse_test_output(output);
        assert_eq!(run.notes, ["3 ms"]);
        assert_eq!(run.tests[0].message.as_deref(), Some("no"));
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
}
