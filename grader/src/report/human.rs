//! The report a student reads in a terminal. Styles are plain ANSI; the
//! caller's stream (anstream) drops them when output is piped or NO_COLOR
//! is set.

use crate::model::Sandbox;
use crate::model::{CapstoneStatus, CourseReport, ErrorKind, ExerciseReport, Finding, Status, TestReport, TestStatus};
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// One line per exercise, the first problem of the first unfinished one with
/// its hint, then the progress line and the capstone.
pub fn course(report: &CourseReport) -> String {
    let mut out = String::new();
    for notice in &report.notices {
        let _ = writeln!(out, "{YELLOW}note:{YELLOW:#} {notice}");
    }
    match report.sandbox {
        Sandbox::Landlock => {
            let _ = writeln!(out, "Graded in {}, builds and tests in a Landlock sandbox.\n", report.runner());
        }
        Sandbox::None => {
            let _ = writeln!(out, "Graded in {}.\n", report.runner());
        }
    }
    out.push_str(&warnings(&report.findings));
    let milestones = report.capstone.iter().flat_map(|c| c.graded());
    let width = report.exercises.iter().chain(milestones.clone()).map(|e| e.name.len()).max().unwrap_or(0);
    let status_width = report.exercises.iter().chain(milestones).map(|e| status_text(e).len()).max().unwrap_or(0);
    for exercise in &report.exercises {
        let _ = writeln!(out, "{}", summary_line(exercise, width, status_width));
    }
    if let Some(capstone) = &report.capstone {
        let name = capstone.name();
        let _ = writeln!(out, "  {DIM}·{DIM:#} {name:width$}  {DIM}capstone{DIM:#}");
        for milestone in capstone.graded() {
            let _ = writeln!(out, "{}", summary_line(milestone, width, status_width));
        }
    }

    let total = report.exercises.len();
    let done = report.done_count();
    if let Some(next) = report.next_unfinished() {
        let _ = writeln!(out);
        out.push_str(&first_problem(next));
        out.push_str(&hints(next));
        let _ = writeln!(
            out,
            "\n{BOLD}{done} of {total} done{BOLD:#} — next: {} (edit {}). {}",
            next.name,
            next.source_file,
            score_text(report)
        );
    } else {
        let _ = writeln!(out, "\n{GREEN}{done} of {total} done{GREEN:#} — everything passes. {}", score_text(report));
    }
    if let Some(capstone) = &report.capstone {
        let _ = writeln!(out, "{}", capstone_line(capstone));
    }
    if let Some(costs) = &report.costs {
        let _ = writeln!(out, "{}", super::costs_line(costs));
    }
    out
}

/// A warning per changed protected file (a test file edited), then a
/// blank line; nothing when there are none.
pub fn warnings(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let _ = writeln!(out, "{YELLOW}warning:{YELLOW:#} {}", finding.message);
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    out
}

/// The hints the student has revealed, and how to see the next: never a
/// tier they did not ask for.
fn hints(report: &ExerciseReport) -> String {
    let mut out = String::new();
    let hints = &report.hints;
    for (index, tier) in hints.revealed.iter().enumerate() {
        let label = crate::hints::label(index + 1, hints.total);
        let _ = writeln!(
            out,
            "\n{BOLD}Hint {} of {} ({label}):{BOLD:#} {}",
            index + 1,
            hints.total,
            indent_after_first(tier, "  ")
        );
    }
    if !hints.all_revealed() {
        let next = hints.revealed.len() + 1;
        let what = if next == 1 {
            "a first hint: the idea, not the answer".to_string()
        } else {
            format!("hint {next} of {}", hints.total)
        };
        let _ = writeln!(
            out,
            "\n{DIM}Stuck? `cargo run -p grader -- hint {}` (h in watch) shows {what}.{DIM:#}",
            report.name
        );
    }
    out
}

fn score_text(report: &CourseReport) -> String {
    format!("{} of {} points.", super::points(report.score()), super::points(report.max_score()))
}

/// Everything about one exercise: every test, every failure message.
pub fn exercise(report: &ExerciseReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary_line(report, report.name.len(), 0));
    let _ = writeln!(out, "  {DIM}{} — {}{DIM:#}\n", report.title, report.concept);
    let said = failures_said(&report.tests);
    for (test, said) in report.tests.iter().zip(&said) {
        let (mark, style) = test_mark(test.status);
        let _ = writeln!(out, "  {style}{mark}{style:#} {} {DIM}({}){DIM:#}", test.title(), test.name);
        match said {
            Said::InFull => out.push_str(&failure(test, "      ")),
            Said::AsBefore(first) => {
                let _ = writeln!(out, "      {DIM}the same message as {first}{DIM:#}");
            }
            Said::Nothing | Said::Below => {}
        }
    }
    if let Some(index) = said.iter().position(|s| *s == Said::Below) {
        let count = said.iter().filter(|s| **s == Said::Below).count();
        let _ = writeln!(out, "\n  {BOLD}All {count} failing tests stop with the same message:{BOLD:#}");
        out.push_str(&failure(&report.tests[index], "  "));
    }
    if let Some(diagnosis) = &report.diagnosis {
        let _ = writeln!(out, "\n{BOLD}Likely cause:{BOLD:#} {}", indent_after_first(diagnosis, "  "));
    }
    if let Some(error) = &report.error {
        let _ = writeln!(out, "\n{RED}error:{RED:#} {}", indent_after_first(&error.message, "  "));
    }
    if !report.notes.is_empty() {
        let _ = writeln!(out, "\n{BOLD}Measured{BOLD:#} {DIM}(in this run, for information; never graded){DIM:#}");
        for note in &report.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    if let Some(output) = &report.tool_output {
        let _ = writeln!(out, "\n{BOLD}What cargo and the test runner printed{BOLD:#}\n{}", output.trim_end());
    }
    if report.status != Status::Pass {
        out.push_str(&hints(report));
    }
    let _ = writeln!(out, "\n{DIM}{}{DIM:#}", timing(report));
    out
}

/// How long grading took, and in what; a result from the cache says so,
/// since showing its time as just taken would misstate what happened.
fn timing(report: &ExerciseReport) -> String {
    // Name the engine only when the tests were started in it (a compile
    // error, or a check that refused the code, ran nothing).
    let seconds = report.duration.as_secs_f64();
    let started = match &report.error {
        None => true,
        Some(error) => {
            matches!(error.kind, ErrorKind::Timeout | ErrorKind::NoTests)
                || report.tests.iter().any(|t| t.status != TestStatus::NotRun)
        }
    };
    let runner = report.runner();
    match (started, report.cached) {
        (true, false) => format!("Graded in {runner} in {seconds:.1} s."),
        (true, true) => format!("Graded in {runner}, from the cache: nothing changed since that run ({seconds:.1} s)."),
        (false, false) => format!("No test ran ({seconds:.1} s)."),
        (false, true) => format!("No test ran, from the cache: nothing changed since that run ({seconds:.1} s)."),
    }
}

/// How a test's failure message is shown in the list of an exercise's
/// tests: a message several tests share (an assembler error every test
/// hits) is one problem, and is printed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said<'a> {
    /// It has no message (nor a place it stopped).
    Nothing,
    InFull,
    /// An earlier test, named, said the same.
    AsBefore(&'a str),
    /// Every test with a message says the same: printed once, below the list.
    Below,
}

fn failures_said(tests: &[TestReport]) -> Vec<Said<'_>> {
    fn said(t: &TestReport) -> Option<(&Option<String>, &Option<String>)> {
        (t.message.is_some() || t.location.is_some()).then_some((&t.message, &t.location))
    }
    let messages: Vec<_> = tests.iter().filter_map(said).collect();
    if messages.len() > 1 && messages.iter().all(|m| *m == messages[0]) {
        return tests.iter().map(|t| if said(t).is_some() { Said::Below } else { Said::Nothing }).collect();
    }
    tests
        .iter()
        .enumerate()
        .map(|(index, test)| match said(test) {
            None => Said::Nothing,
            Some(message) => match tests[..index].iter().find(|earlier| said(earlier) == Some(message)) {
                Some(first) => Said::AsBefore(&first.name),
                None => Said::InFull,
            },
        })
        .collect()
}

/// A test's failure message and where it stopped, indented.
fn failure(test: &TestReport, indent: &str) -> String {
    let mut out = String::new();
    if let Some(message) = &test.message {
        let _ = writeln!(out, "{indent}{}", indent_after_first(message, indent));
    }
    if let Some(location) = &test.location {
        let _ = writeln!(out, "{indent}{DIM}at {location}{DIM:#}");
    }
    out
}

/// `  ✗ typed_views  3/9 tests  Typed views over linear memory`, with the
/// name and status padded to `width` and `status_width` so titles line up.
pub fn summary_line(report: &ExerciseReport, width: usize, status_width: usize) -> String {
    let name = &report.name;
    let status = format!("{:status_width$}", status_text(report));
    let title = &report.title;
    match (&report.error, report.status) {
        (None, Status::Pass) => format!("  {GREEN}✓{GREEN:#} {name:width$}  {status}  {title}"),
        (None, _) => format!("  {RED}✗{RED:#} {name:width$}  {status}  {title}"),
        (Some(_), _) => format!("  {RED}✗{RED:#} {name:width$}  {YELLOW}{status}{YELLOW:#}  {title}"),
    }
}

/// "3/9 tests", or what kept the tests from running.
fn status_text(report: &ExerciseReport) -> String {
    let Some(error) = &report.error else {
        return format!("{}/{} tests", report.passed_count(), report.tests.len());
    };
    error.kind.describe().to_string()
}

/// Why the exercise is not done: its error, or its first failing test.
fn first_problem(report: &ExerciseReport) -> String {
    let mut out = String::new();
    if let Some(error) = &report.error {
        let _ = writeln!(out, "{BOLD}{}{BOLD:#}: {}", report.name, indent_after_first(&error.message, "  "));
    } else if let Some(test) = report.first_failure() {
        let what = match test.status {
            TestStatus::Ignored => "is ignored",
            TestStatus::TimedOut => "did not finish",
            _ => "failed",
        };
        let _ = writeln!(
            out,
            "{BOLD}{}{BOLD:#}: {RED}{}{RED:#} {DIM}(test {}){DIM:#} {what}",
            report.name,
            test.title(),
            test.name
        );
        if let Some(message) = &test.message {
            let _ = writeln!(out, "  {}", indent_after_first(message, "  "));
        }
        if let Some(location) = &test.location {
            let _ = writeln!(out, "  {DIM}at {location}{DIM:#}");
        }
    }
    if let Some(diagnosis) = &report.diagnosis {
        let _ = writeln!(out, "{BOLD}Likely cause:{BOLD:#} {diagnosis}");
    }
    out
}

fn test_mark(status: TestStatus) -> (&'static str, Style) {
    match status {
        TestStatus::Pass => ("✓", GREEN),
        TestStatus::Fail | TestStatus::TimedOut => ("✗", RED),
        TestStatus::Ignored => ("-", YELLOW),
        TestStatus::NotRun => ("·", DIM),
    }
}

fn capstone_line(capstone: &CapstoneStatus) -> String {
    match capstone {
        CapstoneStatus::NotAvailable { name, title } => {
            format!("Capstone {name} ({title}): not yet available in this version of the course.")
        }
        CapstoneStatus::Locked { name, title, remaining, milestones, .. } => {
            let last = match remaining {
                1 => "every exercise passes (one to go)".to_string(),
                n => format!("every exercise passes ({n} to go)"),
            };
            format!("Capstone {name} ({title}): unlocks when {last}. Milestones: {}.", milestones.join("; "))
        }
        CapstoneStatus::Graded { name, title, milestones } => {
            let passed = milestones.iter().filter(|m| m.status == Status::Pass).count();
            format!("Capstone {name} ({title}): {passed} of {} milestones pass.", milestones.len())
        }
    }
}

fn indent_after_first(text: &str, indent: &str) -> String {
    text.trim_end().replace('\n', &format!("\n{indent}"))
}

#[cfg(test)]
mod tests {
    use super::exercise as exercise_text;
    use super::*;
    use crate::model::fixtures::{course as course_of, exercise, milestone, test};
    use crate::model::{Change, Engine, Finding, GradeError, TestReport};

    fn plain(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    #[test]
    fn the_first_unfinished_exercise_shows_its_first_failure_and_hint() {
        let report = course_of(
            vec![
                exercise("first", Status::Pass, vec![test("a", TestStatus::Pass, None)], None),
                exercise(
                    "second",
                    Status::Fail,
                    vec![
                        test("ok_one", TestStatus::Pass, None),
                        test("broken_one", TestStatus::Fail, Some("expected 4, got 5")),
                        test("later_one", TestStatus::Fail, Some("not shown")),
                    ],
                    None,
                ),
                exercise(
                    "third",
                    Status::Error,
                    vec![],
                    Some(GradeError { kind: ErrorKind::Compile, message: "does not compile".into() }),
                ),
            ],
            Some(CapstoneStatus::Locked {
                name: "mix".into(),
                title: "editor".into(),
                remaining: 2,
                milestones: vec!["Buffer".into(), "Search".into()],
                milestone_points: vec![20.0, 10.0],
            }),
        );
        let text = plain(&course(&report));
        assert!(text.contains("✓ first   1/1 tests         first title"), "{text}");
        assert!(text.contains("✗ second  1/3 tests         second title"), "{text}");
        assert!(text.contains("✗ third   does not compile  third title"), "{text}");
        assert!(text.contains("second: Broken one (test broken_one) failed\n  expected 4, got 5"), "{text}");
        assert!(!text.contains("not shown"), "only the first failure is shown: {text}");
        assert!(
            text.contains("Stuck? `cargo run -p grader -- hint second` (h in watch) shows a first hint: the idea, not the answer."),
            "a hint is offered, not given: {text}"
        );
        assert!(!text.contains("hint third"), "{text}");
        assert!(text.contains("1 of 3 done — next: second (edit exercises/second/src/lib.rs)"), "{text}");
        assert!(
            text.contains(
                "Capstone mix (editor): unlocks when every exercise passes (2 to go). Milestones: Buffer; Search."
            ),
            "{text}"
        );
    }

    #[test]
    fn a_message_every_failing_test_shares_is_printed_once() {
        let assembler =
            "src/memory.wat does not assemble; the WAT assembler says:\nexpected `)`\n  --> src/memory.wat:9:5";
        let shared = |name| TestReport {
            location: Some("tests/memory_ops.rs:64:27".into()),
            ..test(name, TestStatus::Fail, Some(assembler))
        };
        let mut report =
            exercise("memory_ops", Status::Fail, vec![shared("store"), shared("load"), shared("byte")], None);
        assert_eq!(failures_said(&report.tests), [Said::Below; 3]);
        let text = plain(&exercise_text(&report));
        assert_eq!(text.matches("does not assemble").count(), 1, "{text}");
        assert_eq!(text.matches("at tests/memory_ops.rs:64:27").count(), 1, "{text}");
        assert!(
            text.contains(
                "✗ Byte (byte)\n\n  All 3 failing tests stop with the same message:\n  src/memory.wat does not"
            ),
            "{text}"
        );

        // Shared by some but not all: the first says it, the others point at it.
        report.tests.insert(1, test("other", TestStatus::Fail, Some("expected 4, got 5")));
        report.tests.push(test("passes", TestStatus::Pass, None));
        assert_eq!(
            failures_said(&report.tests),
            [Said::InFull, Said::InFull, Said::AsBefore("store"), Said::AsBefore("store"), Said::Nothing]
        );
        let text = plain(&exercise_text(&report));
        assert_eq!(text.matches("does not assemble").count(), 1, "{text}");
        assert!(text.contains("✗ Load (load)\n      the same message as store\n"), "{text}");
        // Alone, a message is the test's own.
        assert_eq!(failures_said(&report.tests[1..2]), [Said::InFull]);
    }

    #[test]
    fn a_result_from_the_cache_says_so_instead_of_a_time_just_taken() {
        let mut report = exercise("e", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None);
        report.duration = std::time::Duration::from_millis(69_300);
        assert!(plain(&exercise_text(&report)).contains("Graded in headless Chromium in 69.3 s."));
        report.cached = true;
        let text = plain(&exercise_text(&report));
        assert!(!text.contains("in 69.3 s"), "{text}");
        assert!(
            text.contains("Graded in headless Chromium, from the cache: nothing changed since that run (69.3 s)."),
            "{text}"
        );
    }

    #[test]
    fn only_the_tiers_asked_for_are_shown_and_the_next_is_offered() {
        let mut failing = exercise("e", Status::Fail, vec![test("t", TestStatus::Fail, Some("wrong"))], None);
        failing.hints = crate::model::Hints { revealed: vec!["Look up views.".into()], total: 3 };
        let text = plain(&exercise_text(&failing));
        assert!(text.contains("Hint 1 of 3 (the idea): Look up views."), "{text}");
        assert!(text.contains("`cargo run -p grader -- hint e` (h in watch) shows hint 2 of 3."), "{text}");
        failing.hints.revealed.extend(["Shape.".into(), "Line.".into()]);
        let text = plain(&exercise_text(&failing));
        assert!(text.contains("Hint 3 of 3 (the code): Line."), "{text}");
        assert!(!text.contains("Stuck?"), "nothing more to offer: {text}");
        let mut passing = exercise("p", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        passing.hints.revealed.push("Look up views.".into());
        assert!(!plain(&exercise_text(&passing)).contains("Hint"), "a passing exercise needs no hint");
    }

    #[test]
    fn once_the_exercises_pass_the_capstone_milestones_are_listed_and_next() {
        let report = course_of(
            vec![exercise("only", Status::Pass, vec![test("a", TestStatus::Pass, None)], None)],
            Some(CapstoneStatus::Graded {
                name: "mix".into(),
                title: "editor".into(),
                milestones: vec![
                    milestone("buffer", Status::Pass, vec![test("b", TestStatus::Pass, None)], None),
                    milestone("search", Status::Fail, vec![test("finds", TestStatus::Fail, Some("no match"))], None),
                ],
            }),
        );
        let text = plain(&course(&report));
        assert!(text.contains("· mix         capstone\n  ✓ mix/buffer  1/1 tests"), "{text}");
        assert!(text.contains("✗ mix/search  0/1 tests"), "{text}");
        assert!(text.contains("mix/search: Finds (test finds) failed\n  no match"), "{text}");
        assert!(text.contains("hint mix/search"), "{text}");
        assert!(text.contains("1 of 1 done — next: mix/search"), "{text}");
        assert!(text.contains("Capstone mix (editor): 1 of 2 milestones pass."), "{text}");
    }

    #[test]
    fn a_finished_course_says_so() {
        let mut report =
            course_of(vec![exercise("only", Status::Pass, vec![test("a", TestStatus::Pass, None)], None)], None);
        report.engine = Engine::Node;
        report.notices = vec!["no browser".into()];
        let text = plain(&course(&report));
        assert!(text.starts_with("note: no browser\nGraded in Node.js."), "{text}");
        assert!(text.contains("1 of 1 done — everything passes. 10 of 10 points."), "{text}");
    }

    #[test]
    fn points_and_changed_protected_files_are_shown() {
        let mut report = course_of(
            vec![exercise(
                "only",
                Status::Fail,
                vec![test("a", TestStatus::Pass, None), test("b", TestStatus::Fail, Some("no"))],
                None,
            )],
            Some(CapstoneStatus::Locked {
                name: "mix".into(),
                title: "editor".into(),
                remaining: 1,
                milestones: vec!["Buffer".into()],
                milestone_points: vec![20.0],
            }),
        );
        report.findings = vec![Finding {
            path: "exercises/only/tests/t.rs".into(),
            change: Change::Modified,
            message: "exercises/only/tests/t.rs was changed; CI grades with the original".into(),
        }];
        let text = plain(&course(&report));
        assert!(text.contains("0 of 1 done — next: only (edit exercises/only/src/lib.rs). 5 of 30 points."), "{text}");
        assert!(text.contains("warning: exercises/only/tests/t.rs was changed; CI grades with the original"), "{text}");
    }
}
