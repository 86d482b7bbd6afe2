//! `--format gradescope`: the `results.json` a Gradescope autograder writes
//! (<https://gradescope-autograders.readthedocs.io/en/latest/specs/>): the
//! score out of the maximum, the run's time, and one entry per test with
//! its number (exercise.test), score, status, output, tags (the exercise,
//! graded or demonstration) and the exercise's visibility from course.toml.
//! Each tamper finding is an entry worth nothing, so staff see it beside
//! the tests; `extra_data` keeps the findings and the hints asked for;
//! `leaderboard` has the capstone's measured costs, when they were measured.

use super::{points, why_not_passed};
use crate::model::{Change, Costs, CourseReport, TestStatus};
use serde::Serialize;
use std::fmt::Write;

/// Gradescope's results.json, the fields this course uses.
#[derive(Serialize)]
struct Results {
    score: f64,
    max_score: f64,
    execution_time: u64,
    output: String,
    /// Plain text: a message such as `left < right` is not HTML.
    output_format: &'static str,
    test_output_format: &'static str,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<TestResult>,
    /// The capstone's measured costs, when they were measured: Gradescope
    /// ranks the class by them (smallest first) when the assignment's
    /// leaderboard is on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    leaderboard: Vec<LeaderboardEntry>,
    /// Kept by Gradescope for staff: the findings and the hints each
    /// exercise's student asked for.
    extra_data: ExtraData,
}

#[derive(Serialize)]
struct LeaderboardEntry {
    name: &'static str,
    value: f64,
    order: &'static str,
}

/// The leaderboard's columns; Gradescope shows a value as it is given, so
/// each is rounded to what its unit can tell.
fn leaderboard(costs: Option<&Costs>) -> Vec<LeaderboardEntry> {
    let Some(Costs::Measured { wasm_bytes, memory_bytes, workload_ms, .. }) = costs else { return Vec::new() };
    let entry = |name, value: f64| LeaderboardEntry { name, value, order: "asc" };
    vec![
        entry(".wasm size (KiB)", (*wasm_bytes as f64 / 1024.0 * 10.0).round() / 10.0),
        entry("linear memory after the workload (MiB)", (*memory_bytes as f64 / 1048576.0 * 10.0).round() / 10.0),
        entry("workload time (ms)", workload_ms.round()),
    ]
}

#[derive(Serialize)]
struct ExtraData {
    /// Protected files the submission changed.
    findings: Vec<FindingData>,
    /// Exercise → hint tiers revealed, for exercises with any.
    hints_revealed: std::collections::BTreeMap<String, HintsData>,
}

#[derive(Serialize)]
struct FindingData {
    path: String,
    change: Change,
}

#[derive(Serialize)]
struct HintsData {
    revealed: usize,
    of: usize,
}

#[derive(Serialize)]
struct TestResult {
    name: String,
    /// `exercise.test`, both counted from 1; none for a finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    score: f64,
    max_score: f64,
    status: &'static str,
    output: String,
    /// The exercise's title, and whether the test carries points.
    tags: Vec<String>,
    visibility: &'static str,
}

pub fn render(report: &CourseReport) -> String {
    let mut tests = Vec::new();
    for (index, exercise) in report.graded().enumerate() {
        for (number, test) in exercise.tests.iter().enumerate() {
            let mut output = why_not_passed(exercise, test).unwrap_or_default();
            if let Some(printed) = &test.output {
                if !output.is_empty() {
                    output.push('\n');
                }
                output.push_str(printed);
            }
            tests.push(TestResult {
                name: format!("{}: {}", exercise.name, test.labelled()),
                number: Some(format!("{}.{}", index + 1, number + 1)),
                score: test.points,
                max_score: test.max_points,
                status: if test.status == TestStatus::Pass { "passed" } else { "failed" },
                output,
                tags: vec![
                    exercise.title.clone(),
                    if test.max_points > 0.0 { "graded" } else { "demonstration" }.to_string(),
                ],
                visibility: exercise.visibility.as_str(),
            });
        }
    }
    for finding in &report.findings {
        tests.push(TestResult {
            name: format!("integrity: {} ({:?})", finding.path, finding.change).to_lowercase(),
            number: None,
            score: 0.0,
            max_score: 0.0,
            status: "failed",
            output: finding.message.clone(),
            tags: vec!["integrity".to_string()],
            visibility: "visible",
        });
    }
    let results = Results {
        score: report.score(),
        max_score: report.max_score(),
        execution_time: report.duration.as_secs(),
        output: summary(report),
        output_format: "text",
        test_output_format: "text",
        visibility: "visible",
        stdout_visibility: report.stdout_visibility.as_str(),
        tests,
        leaderboard: leaderboard(report.costs.as_ref()),
        extra_data: ExtraData {
            findings: report.findings.iter().map(|f| FindingData { path: f.path.clone(), change: f.change }).collect(),
            hints_revealed: report
                .graded()
                .filter(|e| !e.hints.revealed.is_empty())
                .map(|e| (e.name.clone(), HintsData { revealed: e.hints.revealed.len(), of: e.hints.total }))
                .collect(),
        },
    };
    serde_json::to_string_pretty(&results).expect("the results serialize") + "\n"
}

/// The text above the tests: each exercise's points, what kept one from
/// being graded, and the findings.
fn summary(report: &CourseReport) -> String {
    let mut out = format!(
        "{}: {} of {} points (pass mark {}%), graded in {} (sandbox: {}).\n",
        report.title,
        points(report.score()),
        points(report.max_score()),
        points(report.pass_mark),
        report.runner(),
        report.sandbox
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
    if let Some(costs) = &report.costs {
        let _ = writeln!(out, "{}", super::costs_line(costs));
    }
    out
}
