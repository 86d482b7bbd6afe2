//! `--format gradescope`: the `results.json` a Gradescope autograder writes
//! (<https://gradescope-autograders.readthedocs.io/en/latest/specs/>): the
//! score out of the maximum, the run's time, and one entry per test with
//! its number (exercise.test), score, status and output. Each tamper
//! finding is an entry worth nothing, so staff see it beside the tests.

use super::{points, why_not_passed};
use crate::model::{CourseReport, TestStatus};
use serde_json::{json, Value};
use std::fmt::Write;

pub fn render(report: &CourseReport) -> String {
    let mut tests: Vec<Value> = Vec::new();
    for (index, exercise) in report.graded().enumerate() {
        for (number, test) in exercise.tests.iter().enumerate() {
            let mut output = why_not_passed(exercise, test).unwrap_or_default();
            if let Some(printed) = &test.output {
                if !output.is_empty() {
                    output.push('\n');
                }
                output.push_str(printed);
            }
            tests.push(json!({
                "name": format!("{}: {}", exercise.name, test.name),
                "number": format!("{}.{}", index + 1, number + 1),
                "score": test.points,
                "max_score": test.max_points,
                "status": if test.status == TestStatus::Pass { "passed" } else { "failed" },
                "output": output,
                "visibility": "visible",
            }));
        }
    }
    for finding in &report.findings {
        tests.push(json!({
            "name": format!("integrity: {} ({:?})", finding.path, finding.change).to_lowercase(),
            "score": 0.0,
            "max_score": 0.0,
            "status": "failed",
            "output": finding.message,
            "visibility": "visible",
        }));
    }
    let results = json!({
        "score": report.score(),
        "max_score": report.max_score(),
        "execution_time": report.duration.as_secs(),
        "output": summary(report),
        // Plain text: a message such as `left < right` is not HTML.
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "visible",
        "tests": tests,
    });
    serde_json::to_string_pretty(&results).expect("JSON values serialize") + "\n"
}

/// The text above the tests: each exercise's points, what kept one from
/// being graded, and the findings.
fn summary(report: &CourseReport) -> String {
    let mut out = format!(
        "{}: {} of {} points (pass mark {}%), graded in {}.\n",
        report.title,
        points(report.score()),
        points(report.max_score()),
        points(report.pass_mark),
        report.runner.describe()
    );
    for exercise in report.graded() {
        let _ = write!(out, "{}: {}/{}", exercise.name, points(exercise.points), points(exercise.max_points));
        match &exercise.error {
            Some(error) => {
                let first = error.message.lines().next().unwrap_or_default();
                let _ = writeln!(out, " — {first}");
            }
            None => out.push('\n'),
        }
    }
    for finding in &report.findings {
        let _ = writeln!(out, "flagged: {}", finding.message);
    }
    out
}
