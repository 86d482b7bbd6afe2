//! Under GitHub Actions: a Markdown summary for the run's page
//! (`$GITHUB_STEP_SUMMARY`) and `::error` annotations on the student's
//! files, so a failure shows up where the code is.

use super::{points, why_not_passed};
use crate::model::{CourseReport, ExerciseReport, Status};
use anyhow::{Context, Result};
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

/// GitHub shows at most this many annotations of one kind per step; the
/// rest vanish without a word.
pub const SHOWN_PER_KIND: usize = 10;

/// What GitHub Classroom reads from the *Autograding report* notice.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ClassroomScore {
    total_points: f64,
    max_points: f64,
}

/// Workflow commands: the two notices GitHub Classroom reads for the score
/// (written as its own reporter writes them), one `::error` per exercise
/// that does not pass, on the file the student edits (at the panic's line
/// when it is in that file), and one `::warning` per finding. When there
/// are more than GitHub shows, the last of a kind says how many more and
/// points to the job summary.
pub fn commands(report: &CourseReport) -> String {
    let (total, max) = (report.score(), report.max_score());
    let mut out = format!("::notice title=Autograding complete::Points {total}/{max}\n");
    let summary =
        serde_json::to_string(&ClassroomScore { total_points: total, max_points: max }).expect("two numbers serialize");
    let _ = writeln!(out, "::notice title=Autograding report::{}", escape_data(&summary));

    let errors: Vec<String> = report
        .graded()
        .filter(|e| e.status != Status::Pass)
        .map(|exercise| {
            let (line, message) = problem(exercise);
            let line = line.map(|l| format!(",line={l}")).unwrap_or_default();
            format!(
                "::error file={}{line},title={}::{}",
                escape_property(&exercise.source_file),
                escape_property(&format!("{} does not pass", exercise.name)),
                escape_data(&message)
            )
        })
        .collect();
    push_capped(&mut out, errors, "error", "more exercises or milestones do not pass");
    let warnings: Vec<String> = report
        .findings
        .iter()
        .map(|finding| {
            format!(
                "::warning file={},title=flagged file::{}",
                escape_property(&finding.path),
                escape_data(&finding.message)
            )
        })
        .collect();
    push_capped(&mut out, warnings, "warning", "more files are flagged");
    out
}

fn push_capped(out: &mut String, commands: Vec<String>, kind: &str, more: &str) {
    let shown = if commands.len() > SHOWN_PER_KIND { SHOWN_PER_KIND - 1 } else { commands.len() };
    for command in &commands[..shown] {
        out.push_str(command);
        out.push('\n');
    }
    if commands.len() > shown {
        let _ = writeln!(
            out,
            "::{kind} title={} {more}::GitHub shows {SHOWN_PER_KIND} annotations of a kind; every result is in the job summary",
            commands.len() - shown
        );
    }
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

/// Under GitHub Actions: the workflow commands (Classroom's score notices
/// and the annotations) and the job summary. The runner reads workflow
/// commands from both streams; on stdout they would corrupt a
/// machine-readable report written there, so they go to stderr unless
/// stdout carries the human report.
pub fn publish(report: &CourseReport, stdout_is_human: bool) -> Result<()> {
    use std::io::Write as _;
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        let commands = commands(report);
        if stdout_is_human {
            write!(anstream::stdout(), "{commands}")?;
        } else {
            write!(std::io::stderr(), "{commands}")?;
        }
    }
    if let Some(file) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
        let mut summary_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
            .with_context(|| format!("cannot append to $GITHUB_STEP_SUMMARY ({})", file.to_string_lossy()))?;
        summary_file.write_all(summary(report).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::{course, exercise, test};
    use crate::model::TestStatus;

    /// Workflow commands as the runner reads them: `::name props::data`.
    fn parse(commands: &str) -> Vec<(String, String, String)> {
        commands
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("::")?;
                let (head, data) = rest.split_once("::")?;
                let (name, props) = head.split_once(' ').unwrap_or((head, ""));
                let data = data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%");
                Some((name.to_string(), props.to_string(), data))
            })
            .collect()
    }

    #[test]
    fn classroom_reads_the_score_from_two_notices() {
        let passing = exercise("a", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        let failing = exercise("b", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None);
        let commands = parse(&commands(&course(vec![passing, failing], None)));
        assert_eq!(commands[0], ("notice".into(), "title=Autograding complete".into(), "Points 10/20".into()));
        assert_eq!(commands[1].1, "title=Autograding report");
        let summary: serde_json::Value = serde_json::from_str(&commands[1].2).unwrap();
        assert_eq!(summary, serde_json::json!({ "totalPoints": 10.0, "maxPoints": 20.0 }));
        assert_eq!(commands.iter().filter(|c| c.0 == "error").count(), 1);
    }

    #[test]
    fn past_ten_errors_the_last_says_how_many_more() {
        let failing: Vec<_> = (0..12)
            .map(|i| exercise(&format!("e{i}"), Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None))
            .collect();
        let commands = parse(&commands(&course(failing, None)));
        let errors: Vec<_> = commands.iter().filter(|c| c.0 == "error").collect();
        assert_eq!(errors.len(), SHOWN_PER_KIND);
        assert!(errors[9].1.contains("3 more exercises"), "{:?}", errors[9]);
        assert!(errors[9].2.contains("job summary"));
    }
}
