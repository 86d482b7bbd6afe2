//! Output formats. Each renders from the result model in `crate::model`
//! and nothing else, so they always agree.

pub mod github;
pub mod gradescope;
pub mod human;
pub mod json;
pub mod junit;

use crate::model::{CourseReport, ExerciseReport, TestReport, TestStatus};

/// The formats of a whole run (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a person at a terminal.
    Human,
    /// Exercism's test-runner results (version 3), with points.
    Json,
    /// JUnit XML, for GitHub's and GitLab's test reporters.
    Junit,
    /// Gradescope's autograder results.json.
    Gradescope,
}

pub fn render(format: Format, report: &CourseReport) -> String {
    match format {
        Format::Human => human::course(report),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Gradescope => gradescope::render(report),
    }
}

/// `1 exercise`, `5 exercises`: a count with its noun (regular plurals only).
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Why a test did not pass, in one message: its panic, or what kept the
/// whole exercise from running it.
pub fn why_not_passed(exercise: &ExerciseReport, test: &TestReport) -> Option<String> {
    match test.status {
        TestStatus::Pass => None,
        TestStatus::Ignored => Some("the test is marked #[ignore], which never counts as a pass".into()),
        TestStatus::NotRun => Some(match &exercise.error {
            Some(error) => format!("not run: {}", error.message),
            None => "not run".into(),
        }),
        TestStatus::Fail => Some(match (&test.message, &test.location) {
            (Some(message), Some(location)) => format!("{message}\n  at {location}"),
            (Some(message), None) => message.clone(),
            (None, _) => "failed (no message)".into(),
        }),
    }
}

/// Points for people: whole numbers without decimals, others with two.
pub fn points(value: f64) -> String {
    // No "-0": a sum of nothing may come out as negative zero.
    let value = if value.abs() < 1e-9 { 0.0 } else { value };
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round())
    } else {
        format!("{value:.2}")
    }
}
