//! `--format json`: the shape of Exercism's test-runner results, version 3
//! (<https://exercism.org/docs/building/tooling/test-runners/interface>):
//! a top-level status and message, and every test in file order with its
//! name, status, message, captured output (capped, with a notice) and
//! task id — here the exercise's place in the course, counting capstone
//! milestones after the exercises. Added fields: points per test and in
//! total, the pass mark, each exercise's summary and the tamper findings.
//!
//! [`Results`] is the one type of that file, written here and read back by
//! `grader class` (each student's results, into the gradebook): a field
//! added to one is added to the other.

use super::why_not_passed;
use crate::model::Sandbox;
use crate::model::{Costs, CourseReport, ExerciseReport, Finding, GradeError, Status, TestStatus};
use serde::{Deserialize, Serialize};

/// Exercism caps a test's output at 500 characters.
pub const OUTPUT_LIMIT: usize = 500;

/// The whole file: Exercism's fields first, then the course's.
#[derive(Debug, Serialize, Deserialize)]
pub struct Results {
    pub version: u32,
    pub status: RunStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub tests: Vec<TestResult>,
    pub score: f64,
    pub max_score: f64,
    pub pass_mark: f64,
    pub passed: bool,
    pub runner: String,
    /// What confined the submission's builds and tests (`landlock`, `none`).
    pub sandbox: Sandbox,
    pub duration_ms: u64,
    pub exercises: Vec<ExerciseSummary>,
    pub findings: Vec<Finding>,
    /// The capstone's measured costs, when the run measured them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
}

/// Exercism's statuses, of a test and of the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Pass,
    Fail,
    Error,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TestResult {
    /// `exercise: test`, the test by its identifier.
    pub name: String,
    /// The test as a person reads it ("Arena ptr is its address").
    pub title: String,
    pub status: RunStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_code: Option<String>,
    pub task_id: usize,
    pub points: f64,
    pub max_points: f64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ExerciseSummary {
    pub task_id: usize,
    pub name: String,
    pub title: String,
    pub status: Status,
    pub error: Option<GradeError>,
    pub points: f64,
    pub max_points: f64,
    pub tests_passed: usize,
    pub tests: usize,
    pub source_file: String,
    /// The engine its tests ran in, and how it was confined.
    pub runner: String,
    pub duration_ms: u64,
    pub cached: bool,
    /// What the failures together point to (memory corruption), when they do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<String>,
    /// Hint tiers the student asked for, of how many.
    pub hints_revealed: usize,
    pub hints: usize,
}

pub fn render(report: &CourseReport) -> String {
    serde_json::to_string_pretty(&Results::of(report)).expect("the results serialize") + "\n"
}

impl Results {
    /// Results written by a grader: what `render` wrote, read back.
    pub fn parse(text: &str) -> serde_json::Result<Results> {
        serde_json::from_str(text)
    }

    pub fn of(report: &CourseReport) -> Results {
        let graded: Vec<&ExerciseReport> = report.graded().collect();
        let tests = graded
            .iter()
            .enumerate()
            .flat_map(|(index, exercise)| {
                exercise.tests.iter().map(move |test| TestResult {
                    name: format!("{}: {}", exercise.name, test.name),
                    title: test.title(),
                    status: match test.status {
                        TestStatus::Pass => RunStatus::Pass,
                        TestStatus::Fail | TestStatus::TimedOut | TestStatus::Ignored => RunStatus::Fail,
                        TestStatus::NotRun => RunStatus::Error,
                    },
                    message: why_not_passed(exercise, test),
                    output: test.output.as_deref().map(capped),
                    test_code: test.code.clone(),
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
                name: e.name.clone(),
                title: e.title.clone(),
                status: e.status,
                error: e.error.clone(),
                points: e.points,
                max_points: e.max_points,
                tests_passed: e.passed_count(),
                tests: e.tests.len(),
                source_file: e.source_file.clone(),
                runner: e.runner(),
                duration_ms: e.duration.as_millis() as u64,
                cached: e.cached,
                diagnosis: e.diagnosis.clone(),
                hints_revealed: e.hints.revealed.len(),
                hints: e.hints.total,
            })
            .collect();
        let (status, message) = overall(report);
        Results {
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
            findings: report.findings.clone(),
            costs: report.costs.clone(),
        }
    }
}

/// As Exercism defines them: `error` when no test could run at all (the
/// message says why), `fail` when some test fails or errs, `pass` when all
/// pass. Why a single exercise could not be graded is in its entry.
fn overall(report: &CourseReport) -> (RunStatus, Option<String>) {
    let mut tests = report.graded().flat_map(|e| &e.tests).peekable();
    let none_ran =
        tests.peek().is_none() || report.graded().flat_map(|e| &e.tests).all(|t| t.status == TestStatus::NotRun);
    if none_ran {
        let reasons: Vec<String> = report
            .graded()
            .filter_map(|e| e.error.as_ref().map(|error| format!("{}: {}", e.name, error.message)))
            .collect();
        let message = if reasons.is_empty() { "no test ran".to_string() } else { reasons.join("\n") };
        return (RunStatus::Error, Some(message));
    }
    if report.graded().all(|e| e.status == Status::Pass) {
        (RunStatus::Pass, None)
    } else {
        (RunStatus::Fail, None)
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
