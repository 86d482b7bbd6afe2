//! Under GitHub Actions: a Markdown summary for the run's page
//! (`$GITHUB_STEP_SUMMARY`) and `::error` annotations on the student's
//! files, so a failure shows up where the code is.

use super::{points, why_not_passed};
use crate::model::{CourseReport, ExerciseReport, Status};
use std::fmt::Write;

/// The job summary: score, then one row per exercise and each finding.
pub fn summary(report: &CourseReport) -> String {
    let mut out = format!(
        "## {}\n\n**{} of {} points** (pass mark {}%): {}\n\n| exercise | status | tests | points |\n|---|---|---|---|\n",
        report.title,
        points(report.score()),
        points(report.max_score()),
        points(report.pass_mark),
        if report.reached_pass_mark() { "passed ✅" } else { "not passed yet ❌" },
    );
    for exercise in report.graded() {
        let status = match (&exercise.error, exercise.status) {
            (Some(error), _) => format!("⚠️ {}", error.message.lines().next().unwrap_or_default()),
            (None, Status::Pass) => "✅ pass".into(),
            (None, _) => "❌ fail".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} | {}/{} |",
            exercise.name,
            status.replace('|', "\\|"),
            exercise.passed_count(),
            exercise.tests.len(),
            points(exercise.points),
            points(exercise.max_points)
        );
    }
    if !report.findings.is_empty() {
        out.push_str("\n### Flagged\n\n");
        for finding in &report.findings {
            let _ = writeln!(out, "- `{}`: {}", finding.path, finding.message);
        }
    }
    out
}

/// One `::error` workflow command per exercise that does not pass, on the
/// file the student edits (at the panic's line when it is in that file),
/// and one `::warning` per finding.
pub fn annotations(report: &CourseReport) -> String {
    let mut out = String::new();
    for exercise in report.graded().filter(|e| e.status != Status::Pass) {
        let (line, message) = problem(exercise);
        let line = line.map(|l| format!(",line={l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "::error file={}{line},title={}::{}",
            exercise.source_file,
            escape_property(&format!("{} does not pass", exercise.name)),
            escape_data(&message)
        );
    }
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "::warning file={},title=protected file changed::{}",
            finding.path,
            escape_data(&finding.message)
        );
    }
    out
}

/// The first problem, and its line in the student's file when it is there.
fn problem(exercise: &ExerciseReport) -> (Option<u32>, String) {
    if let Some(error) = &exercise.error {
        return (None, error.message.clone());
    }
    let Some(test) = exercise.first_failure() else { return (None, String::new()) };
    let message = format!("{}: {}", test.name, why_not_passed(exercise, test).unwrap_or_default());
    let line = test
        .location
        .as_deref()
        .and_then(|location| location.strip_prefix(exercise.source_file.as_str()))
        .and_then(|rest| rest.strip_prefix(':')?.split(':').next()?.parse().ok());
    (line, message)
}

// GitHub's workflow-command escaping.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
