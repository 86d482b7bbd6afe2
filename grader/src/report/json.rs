//! `--format json`: the shape of Exercism's test-runner results, version 3
//! (<https://exercism.org/docs/building/tooling/test-runners/interface>):
//! a top-level status and message, and every test in file order with its
//! name, status, message, captured output (capped, with a notice) and
//! task id — here the exercise's place in the course, counting capstone
//! milestones after the exercises. Added fields: points per test and in
//! total, the pass mark, each exercise's summary and the tamper findings.

use super::why_not_passed;
use crate::model::Sandbox;
use crate::model::{CourseReport, ExerciseReport, Finding, GradeError, Status, TestStatus};
use serde::Serialize;

/// Exercism caps a test's output at 500 characters.
pub const OUTPUT_LIMIT: usize = 500;

/// The whole file: Exercism's fields first, then the course's.
#[derive(Serialize)]
struct Results<'a> {
    version: u32,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    tests: Vec<TestResult<'a>>,
    score: f64,
    max_score: f64,
    pass_mark: f64,
    passed: bool,
    runner: String,
    /// What confined the submission's builds and tests (`landlock`, `none`).
    sandbox: Sandbox,
    duration_ms: u64,
    exercises: Vec<ExerciseSummary<'a>>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct TestResult<'a> {
    /// `exercise: test`.
    name: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    test_code: Option<&'a str>,
    task_id: usize,
    points: f64,
    max_points: f64,
}

#[derive(Serialize)]
struct ExerciseSummary<'a> {
    task_id: usize,
    name: &'a str,
    title: &'a str,
    status: Status,
    error: &'a Option<GradeError>,
    points: f64,
    max_points: f64,
    tests_passed: usize,
    tests: usize,
    source_file: &'a str,
    /// The engine its tests ran in, and how it was confined.
    runner: String,
    duration_ms: u64,
    cached: bool,
    /// What the failures together point to (memory corruption), when they do.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<&'a str>,
    /// Hint tiers the student asked for, of how many.
    hints_revealed: usize,
    hints: usize,
}

pub fn render(report: &CourseReport) -> String {
    let graded: Vec<&ExerciseReport> = report.graded().collect();
    let tests = graded
        .iter()
        .enumerate()
        .flat_map(|(index, exercise)| {
            exercise.tests.iter().map(move |test| TestResult {
                name: format!("{}: {}", exercise.name, test.name),
                status: match test.status {
                    TestStatus::Pass => "pass",
                    TestStatus::Fail | TestStatus::TimedOut | TestStatus::Ignored => "fail",
                    TestStatus::NotRun => "error",
                },
                message: why_not_passed(exercise, test),
                output: test.output.as_deref().map(capped),
                test_code: test.code.as_deref(),
                task_id: index + 1,
                points: test.points,
                max_points: test.max_points,
            })
        })
        .collect();
    let exercises = graded
        .iter()
        .enumerate()
        .map(|(index, e)| ExerciseSummary {
            task_id: index + 1,
            name: &e.name,
            title: &e.title,
            status: e.status,
            error: &e.error,
            points: e.points,
            max_points: e.max_points,
            tests_passed: e.passed_count(),
            tests: e.tests.len(),
            source_file: &e.source_file,
            runner: e.runner(),
            duration_ms: e.duration.as_millis() as u64,
            cached: e.cached,
            diagnosis: e.diagnosis.as_deref(),
            hints_revealed: e.hints.revealed.len(),
            hints: e.hints.total,
        })
        .collect();
    let (status, message) = overall(report);
    let results = Results {
        version: 3,
        status,
        message,
        tests,
        score: report.score(),
        max_score: report.max_score(),
        pass_mark: report.pass_mark,
        passed: report.reached_pass_mark(),
        runner: report.runner(),
        sandbox: report.sandbox,
        duration_ms: report.duration.as_millis() as u64,
        exercises,
        findings: &report.findings,
    };
    serde_json::to_string_pretty(&results).expect("the results serialize") + "\n"
}

/// As Exercism defines them: `error` when no test could run at all (the
/// message says why), `fail` when some test fails or errs, `pass` when all
/// pass. Why a single exercise could not be graded is in its entry.
fn overall(report: &CourseReport) -> (&'static str, Option<String>) {
    let mut tests = report.graded().flat_map(|e| &e.tests).peekable();
    let none_ran =
        tests.peek().is_none() || report.graded().flat_map(|e| &e.tests).all(|t| t.status == TestStatus::NotRun);
    if none_ran {
        let reasons: Vec<String> = report
            .graded()
            .filter_map(|e| e.error.as_ref().map(|error| format!("{}: {}", e.name, error.message)))
            .collect();
        let message = if reasons.is_empty() { "no test ran".to_string() } else { reasons.join("\n") };
        return ("error", Some(message));
    }
    if report.graded().all(|e| e.status == Status::Pass) {
        ("pass", None)
    } else {
        ("fail", None)
    }
}

/// At most [`OUTPUT_LIMIT`] characters, the notice that it was cut included.
fn capped(output: &str) -> String {
    if output.chars().count() <= OUTPUT_LIMIT {
        return output.to_string();
    }
    let notice = format!("\n… Output was truncated. Please limit to {OUTPUT_LIMIT} chars.");
    let kept: String = output.chars().take(OUTPUT_LIMIT - notice.chars().count()).collect();
    format!("{kept}{notice}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_capped_at_the_limit_notice_included() {
        let long = "x".repeat(2 * OUTPUT_LIMIT);
        let capped = capped(&long);
        assert_eq!(capped.chars().count(), OUTPUT_LIMIT);
        assert!(capped.ends_with("Please limit to 500 chars."));
        assert_eq!(super::capped("short"), "short");
    }
}
