//! Output formats. Each renders from the result model in `crate::model`
//! and nothing else, so they always agree.

pub mod class;
pub mod classroom;
pub mod github;
pub mod gradescope;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod profile;
pub mod similarity;

use crate::model::{Costs, CourseReport, ExerciseReport, TestReport, TestStatus};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::io::Write;

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
    /// GitHub Classroom's runner result, as its official reporter reads it.
    Classroom,
}

/// Where one rendering of the results goes (`--output [FORMAT=]FILE`,
/// repeatable, so one grading run writes every file a workflow uploads).
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    /// `None`: the run's `--format`.
    pub format: Option<Format>,
    pub file: std::path::PathBuf,
}

impl std::str::FromStr for Destination {
    type Err = String;

    fn from_str(text: &str) -> Result<Destination, String> {
        use clap::ValueEnum;
        if let Some((name, file)) = text.split_once('=') {
            if let Ok(format) = Format::from_str(name, true) {
                if file.is_empty() {
                    return Err(format!("`{text}` names no file after `=`"));
                }
                return Ok(Destination { format: Some(format), file: file.into() });
            }
        }
        Ok(Destination { format: None, file: text.into() })
    }
}

pub fn render(format: Format, report: &CourseReport) -> String {
    match format {
        Format::Human => human::course(report),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Gradescope => gradescope::render(report),
        Format::Classroom => classroom::render(report),
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
        TestStatus::Fail | TestStatus::TimedOut => Some(match (&test.message, &test.location) {
            (Some(message), Some(location)) => format!("{message}\n  at {location}"),
            (Some(message), None) => message.clone(),
            (None, _) => "failed (no message)".into(),
        }),
    }
}

/// The capstone's measured costs in one line, for people.
pub fn costs_line(costs: &Costs) -> String {
    match costs {
        Costs::Measured { wasm_bytes, memory_bytes, workload_ms, workload } => format!(
            "Capstone costs, measured: .wasm {:.1} KiB; linear memory {:.1} MiB and {workload_ms:.0} ms after the \
             workload ({workload}).",
            *wasm_bytes as f64 / 1024.0,
            *memory_bytes as f64 / 1048576.0,
        ),
        Costs::NotMeasured { reason } => format!("Capstone costs not measured: {reason}"),
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

/// Writes the report where it was asked for: each `--output` file in its
/// format (the terminal then gets the human report), or `format` to the
/// terminal — as the [`Platform`] whose log stdout becomes may read it; under
/// GitHub Actions also what the platform reads ([`github::publish`]).
pub fn publish(report: &CourseReport, format: Format, outputs: &[Destination]) -> Result<()> {
    for destination in outputs {
        let format = destination.format.unwrap_or(format);
        // A file never gets a terminal's escape codes.
        let text = anstream::adapter::strip_str(&render(format, report)).to_string();
        std::fs::write(&destination.file, text)
            .with_context(|| format!("cannot write the results to {}", destination.file.display()))?;
    }
    let on_stdout = if outputs.is_empty() { format } else { Format::Human };
    let mut text = render(on_stdout, report);
    for destination in outputs {
        let format = destination.format.unwrap_or(format);
        let _ = writeln!(text, "Results ({format:?}) written to {}.", destination.file.display());
    }
    match Platform::of_environment() {
        Platform::GitHubActions => github::publish(report, on_stdout, &text)?,
        Platform::GitLabCi if on_stdout == Format::Human => write!(anstream::stdout(), "{}", plain(&text))?,
        Platform::GitLabCi | Platform::Other => write!(anstream::stdout(), "{text}")?,
    }
    github::write_summary(report)
}

/// The CI platform whose log the grader's stdout and stderr become, from
/// the variables each sets: each reads something in a log besides people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// `GITHUB_ACTIONS=true`: the runner obeys workflow commands in the log
    /// (see [`github`]).
    GitHubActions,
    /// `GITLAB_CI=true`: the job log obeys escape sequences, and a line
    /// `section_start:…` or `section_end:…` followed by `\r\e[0K` opens or
    /// closes a collapsible section; without an escape sequence none can
    /// be written.
    GitLabCi,
    /// A terminal or a file; or Gradescope, which takes the score only from
    /// results.json, written by the grader after every run of student code
    /// has ended.
    Other,
}

impl Platform {
    pub fn of_environment() -> Platform {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| value == "true");
        if set("GITHUB_ACTIONS") {
            Platform::GitHubActions
        } else if set("GITLAB_CI") {
            Platform::GitLabCi
        } else {
            Platform::Other
        }
    }

    /// Free text (a message that may quote a submission) as this platform's
    /// log may carry it.
    pub fn log_text(self, text: &str) -> String {
        match self {
            Platform::GitHubActions => github::neutralise(&plain(text), github::Spelling::Text),
            Platform::GitLabCi => plain(text),
            Platform::Other => text.to_string(),
        }
    }
}

/// Text for a CI log: no escape sequences (the grader's colours go too, as
/// a student's cannot be told from them), every carriage return a line
/// break, as the runners split lines, and any other control character
/// shown as an escape (`\u{7}`).
pub fn plain(text: &str) -> String {
    let stripped = anstream::adapter::strip_str(text).to_string().replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destination_is_a_file_with_an_optional_format() {
        let parsed: Destination = "junit=out/results.xml".parse().unwrap();
        assert_eq!(parsed, Destination { format: Some(Format::Junit), file: "out/results.xml".into() });
        let plain: Destination = "results.json".parse().unwrap();
        assert_eq!(plain, Destination { format: None, file: "results.json".into() });
        let odd: Destination = "a=b.json".parse().unwrap();
        assert_eq!(odd.format, None, "`a` is no format, so `a=b.json` is a file name");
        assert!("json=".parse::<Destination>().is_err());
    }

    /// One report with every case a renderer must handle: a pass, a failure
    /// with its message, location, output and code, a compile error, a
    /// milestone (hidden until the due date), a finding, a hint asked for,
    /// fractional points.
    fn everything() -> CourseReport {
        use crate::model::fixtures::{course, exercise, milestone, test};
        use crate::model::{CapstoneStatus, Change, ErrorKind, Finding, GradeError, Status};
        let mut failing =
            test("sums_are_right", TestStatus::Fail, Some("assertion `left == right` failed\n  left: 5\n right: 4"));
        failing.location = Some("exercises/batching/src/lib.rs:12:5".into());
        failing.output = Some("printed by the student <b>".into());
        failing.code = Some("assert_eq!(sum(&[2, 2]), 4);".into());
        let batching = exercise(
            "batching",
            Status::Fail,
            vec![test("one_crossing", TestStatus::Pass, None), failing, test("three_thirds", TestStatus::Pass, None)],
            None,
        );
        let compile = GradeError {
            kind: ErrorKind::Compile,
            message: "error[E0308]: mismatched types\n --> src/lib.rs:3:5".into(),
        };
        let mut report = course(
            vec![
                exercise("typed_views", Status::Pass, vec![test("views", TestStatus::Pass, None)], None),
                batching,
                exercise("grayscale", Status::Error, vec![TestReport::new("gray", TestStatus::NotRun)], Some(compile)),
            ],
            Some(CapstoneStatus::Graded {
                name: "mix".into(),
                title: "an editor".into(),
                milestones: vec![milestone(
                    "buffer",
                    Status::Fail,
                    vec![test("loads", TestStatus::Fail, Some("no"))],
                    None,
                )],
            }),
        );
        // A hint asked for, and a milestone shown only after the due date.
        report.exercises[1].hints.revealed = vec!["the idea".into()];
        if let Some(CapstoneStatus::Graded { milestones, .. }) = &mut report.capstone {
            milestones[0].visibility = crate::model::Visibility::AfterDueDate;
        }
        report.stdout_visibility = crate::model::Visibility::Hidden;
        report.costs = Some(Costs::Measured {
            wasm_bytes: 97_105,
            memory_bytes: 34_734_080,
            workload_ms: 219.3,
            workload: "a 10 MB file loaded, then 200 jumps".into(),
        });
        report.findings.push(Finding {
            path: "exercises/batching/tests/batching.rs".into(),
            change: Change::Modified,
            message: "a test file was changed; the reference's was used".into(),
        });
        report
    }

    /// Compares `actual` with `golden/<name>`; `UPDATE_GOLDEN=1` rewrites it
    /// (then read the diff before committing it).
    fn golden(name: &str, actual: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/golden").join(name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e}; create it with UPDATE_GOLDEN=1 cargo test -p grader --lib", path.display())
        });
        assert!(
            actual == expected,
            "{name} differs from {}. If the change is meant, UPDATE_GOLDEN=1 cargo test -p grader --lib and read the diff.\n\
             --- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }

    #[test]
    fn every_format_renders_the_same_report_as_its_golden_file() {
        let report = everything();
        golden("human.txt", &anstream::adapter::strip_str(&render(Format::Human, &report)).to_string());
        golden("results.json", &render(Format::Json, &report));
        golden("results.xml", &render(Format::Junit, &report));
        golden("gradescope.json", &render(Format::Gradescope, &report));
        golden("classroom.json", &render(Format::Classroom, &report));
        golden("github-commands.txt", &github::commands(&report));
        golden("github-summary.md", &github::summary(&report));
    }

    #[test]
    fn every_format_that_names_the_engine_names_node_permission_model() {
        use crate::model::{fixtures, Engine, Status, TestStatus};
        let mut exercise =
            fixtures::exercise("typed_views", Status::Pass, vec![fixtures::test("a", TestStatus::Pass, None)], None);
        (exercise.engine, exercise.node_permission) = (Engine::Node, true);
        let mut report = fixtures::course(vec![exercise], None);
        report.engine = Engine::Node;
        let human = anstream::adapter::strip_str(&render(Format::Human, &report)).to_string();
        assert!(human.contains("Graded in Node.js (permission model)."), "{human}");
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json, &report)).unwrap();
        assert_eq!(json["runner"], "Node.js (permission model)");
        assert_eq!(json["exercises"][0]["runner"], "Node.js (permission model)");
        assert!(render(Format::Gradescope, &report).contains("graded in Node.js (permission model)"));
        let single = anstream::adapter::strip_str(&human::exercise(&report.exercises[0])).to_string();
        assert!(single.contains("Graded in Node.js (permission model) in"), "{single}");
    }

    #[test]
    fn every_format_says_what_confined_the_submission() {
        use crate::model::Sandbox;
        use crate::model::{fixtures, Status, TestStatus};
        let exercise =
            fixtures::exercise("typed_views", Status::Pass, vec![fixtures::test("a", TestStatus::Pass, None)], None);
        for (sandbox, name) in [(Sandbox::Landlock, "landlock"), (Sandbox::None, "none")] {
            let report = CourseReport { sandbox, ..fixtures::course(vec![exercise.clone()], None) };
            let json: serde_json::Value = serde_json::from_str(&render(Format::Json, &report)).unwrap();
            assert_eq!(json["sandbox"], name);
            let classroom: serde_json::Value = serde_json::from_str(&render(Format::Classroom, &report)).unwrap();
            assert_eq!(classroom["sandbox"], name);
            let xml = render(Format::Junit, &report);
            assert!(xml.contains(&format!("<property name=\"sandbox\" value=\"{name}\"/>")), "{xml}");
            assert!(render(Format::Gradescope, &report).contains(&format!("(sandbox: {name})")));
            let human = anstream::adapter::strip_str(&render(Format::Human, &report)).to_string();
            assert_eq!(human.contains("in a Landlock sandbox"), sandbox == Sandbox::Landlock, "{human}");
        }
    }

    #[test]
    fn the_human_report_is_coloured_only_by_escape_codes() {
        let report = everything();
        let coloured = render(Format::Human, &report);
        assert!(coloured.contains('\x1b'), "the terminal's report has colour");
        assert_eq!(anstream::adapter::strip_str(&coloured).to_string().lines().count(), coloured.lines().count());
    }
}
