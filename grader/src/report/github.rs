//! Under GitHub Actions: what the platform reads — the two notices GitHub
//! Classroom takes the score from, `::error` annotations on the student's
//! files, a Markdown summary for the run's page (`$GITHUB_STEP_SUMMARY`) —
//! and a log in which nothing else is a workflow command.
//!
//! GitHub's runner reads every line of a step's stdout and stderr (a line
//! ends at `\n`, `\r` or `\r\n`); a line that, leading whitespace trimmed,
//! starts with `::` is a command, and so is `##[` anywhere in a line;
//! `::stop-commands::TOKEN` turns commands off until a line `::TOKEN::` (or
//! `##[TOKEN]`). The report quotes what the student's code printed, so it
//! is written between `::stop-commands::` and a token nobody can guess, and
//! with every such spelling [`neutralise`]d, so that neither a forged
//! command nor a forged resume can get through; the grader's own commands
//! come after it. A student's text inside a command is neutralised too and
//! escaped as the runner unescapes it.

use super::{points, why_not_passed, Format};
use crate::model::{CourseReport, ExerciseReport, Status};
use anyhow::{Context, Result};
use std::fmt::Write;

#[cfg(test)]
mod actions_runner;

/// How an output format spells a character without writing it: the
/// neutralised `::` and `##[` must still read as the same text to whoever
/// parses that format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// Text for people: a backslash between the two characters.
    Text,
    /// Inside a JSON string: `\u003a`, `\u0023` (a JSON document has `:`
    /// and `#` at a line start or before `[` only inside strings).
    Json,
    /// XML character references, in text and attribute values.
    Xml,
}

impl Spelling {
    pub fn of(format: Format) -> Spelling {
        match format {
            Format::Human => Spelling::Text,
            Format::Json | Format::Gradescope | Format::Classroom => Spelling::Json,
            Format::Junit => Spelling::Xml,
        }
    }

    /// What replaces the first `:` of a line-starting `::`.
    fn colon(self) -> &'static str {
        match self {
            Spelling::Text => ":\\",
            Spelling::Json => "\\u003a",
            Spelling::Xml => "&#58;",
        }
    }

    /// What replaces the first `#` of `##[`.
    fn hash(self) -> &'static str {
        match self {
            Spelling::Text => "#\\",
            Spelling::Json => "\\u0023",
            Spelling::Xml => "&#35;",
        }
    }
}

/// `text` with no line a workflow command: a `::` that starts a line (after
/// anything the runner might trim or skip) and every `##[` lose their first
/// character to its [`Spelling`]. Lines are taken to end wherever any
/// reader might end them, and a line's start to run past whitespace,
/// control characters and invisible ones — more than the runner does, so
/// that no reading of the line finds a command.
pub fn neutralise(text: &str, spelling: Spelling) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at_line_start = true;
    for (at, c) in text.char_indices() {
        let rest = &text[at..];
        if at_line_start && rest.starts_with("::") {
            out.push_str(spelling.colon());
            at_line_start = false;
        } else if rest.starts_with("##[") {
            out.push_str(spelling.hash());
            at_line_start = false;
        } else {
            out.push(c);
            at_line_start = ends_line(c) || (at_line_start && skipped_before_a_command(c));
        }
    }
    out
}

/// Line ends to .NET's `ReadLine` (`\n`, `\r`) and to Unicode.
fn ends_line(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// What may stand before a command's `::` and not count: whitespace (which
/// the runner trims), control characters (which a log viewer drops) and the
/// invisible default-ignorable characters (which .NET's comparisons skip).
fn skipped_before_a_command(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// A token for `::stop-commands::` that the student's code cannot guess:
/// 128 bits from the kernel, drawn after that code has finished. Hex digits
/// are never a command's name, which the runner refuses as a token.
fn unguessable_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for the token that fences the report off from GitHub's runner")?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The report for GitHub's log: plain, neutralised, and between
/// `::stop-commands::token` and `::token::`.
pub fn fenced(text: &str, token: &str) -> String {
    let mut quoted = neutralise(&super::plain(text), Spelling::Text);
    if !quoted.is_empty() && !quoted.ends_with('\n') {
        quoted.push('\n');
    }
    format!("::stop-commands::{token}\n{quoted}::{token}::\n")
}

/// The job summary: score, then one row per exercise and each finding. A
/// student's text in it (an error's first line, a flagged file's name) is
/// one line of Markdown that renders as itself.
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
            (Some(error), _) => format!("⚠️ {}", markdown_text(error.message.lines().next().unwrap_or_default())),
            (None, Status::Pass) => "✅ pass".into(),
            (None, _) => "❌ fail".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} | {}/{} |",
            exercise.name,
            status,
            exercise.passed_count(),
            exercise.tests.len(),
            points(exercise.points),
            points(exercise.max_points)
        );
    }
    if !report.findings.is_empty() {
        out.push_str("\n### Flagged\n\n");
        for finding in &report.findings {
            let _ = writeln!(out, "- {}: {}", code_span(&finding.path), markdown_text(&finding.message));
        }
    }
    out
}

/// `text` as one line of Markdown that renders as itself: no markup, no
/// HTML, no math, no table cell ended early.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '~' | '&' | '|' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an inline code span, fenced by more backticks than it has in a
/// row (CommonMark's rule), so no backtick in it closes the span.
fn code_span(text: &str) -> String {
    let line = one_line(text);
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{line}{pad}{fence}")
}

fn one_line(text: &str) -> String {
    super::plain(text).replace(['\n', '\t'], " ")
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
    let _ = writeln!(out, "::notice title=Autograding report::{}", as_data(&summary));

    let errors: Vec<String> = report
        .graded()
        .filter(|e| e.status != Status::Pass)
        .map(|exercise| {
            let (line, message) = problem(exercise);
            let line = line.map(|l| format!(",line={l}")).unwrap_or_default();
            format!(
                "::error file={}{line},title={}::{}",
                as_property(&exercise.source_file),
                as_property(&format!("{} does not pass", exercise.name)),
                as_data(&message)
            )
        })
        .collect();
    push_capped(&mut out, errors, "error", "more exercises or milestones do not pass");
    let warnings: Vec<String> = report
        .findings
        .iter()
        .map(|finding| {
            format!("::warning file={},title=flagged file::{}", as_property(&finding.path), as_data(&finding.message))
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
    let message = format!("{}: {}", test.labelled(), why_not_passed(exercise, test).unwrap_or_default());
    (exercise.line_in_source(test), message)
}

/// Text as a command's data: plain and neutralised (the runner writes it
/// into the log too), then escaped as the runner unescapes it, so the
/// command stays one line and a `%0A` the student wrote stays `%0A`.
fn as_data(text: &str) -> String {
    neutralise(&super::plain(text), Spelling::Text).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Text as a command's property: as data, and no `:` or `,` that would end it.
fn as_property(text: &str) -> String {
    as_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Under GitHub Actions: stdout's `text` (in `format`) and the workflow
/// commands. The human report is [`fenced`], the commands after it on the
/// same stream, so the runner reads them in that order. A machine format
/// on stdout cannot be fenced without breaking it: it is neutralised in its
/// own [`Spelling`], which its readers read as the same document, and the
/// commands go to stderr (the runner reads both streams).
pub fn publish(report: &CourseReport, format: Format, text: &str) -> Result<()> {
    use std::io::Write as _;
    let commands = commands(report);
    if format == Format::Human {
        let token = unguessable_token()?;
        let mut stdout = std::io::stdout().lock();
        write!(stdout, "{}{commands}", fenced(text, &token))?;
        stdout.flush()?;
    } else {
        write!(std::io::stdout(), "{}", neutralise(text, Spelling::of(format)))?;
        write!(std::io::stderr(), "{commands}")?;
    }
    Ok(())
}

/// Appends the job summary to `$GITHUB_STEP_SUMMARY`, when it names a file.
pub fn write_summary(report: &CourseReport) -> Result<()> {
    use std::io::Write as _;
    let Some(file) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) else { return Ok(()) };
    let mut summary_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .with_context(|| format!("cannot append to $GITHUB_STEP_SUMMARY ({})", file.to_string_lossy()))?;
    summary_file.write_all(summary(report).as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::actions_runner::{self, Command};
    use super::*;
    use crate::model::fixtures::{course, exercise, test};
    use crate::model::{Change, Finding, TestStatus};
    use crate::report::{plain, render};

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    /// Lines a student's code may print to be obeyed by the runner: a
    /// forged score, commands after whatever the runner trims or a log
    /// viewer drops, at a line break only the runner sees, mid-line, in
    /// another case, and a stop that would silence the grader.
    fn hostile() -> Vec<String> {
        let forged = "notice title=Autograding complete::Points 210/210";
        vec![
            format!("::{forged}"),
            format!("   ::{forged}"),
            format!("\t \t::{forged}"),
            format!("all good\r::{forged}"),
            format!("\r\n::{forged}"),
            format!("\u{A0}\u{2003}\u{3000}::{forged}"),
            format!("\u{2028}::{forged}"),
            format!("\x1b[0m::{forged}"),
            "::NOTICE title=Autograding complete::Points 210/210".into(),
            "::not\u{131}ce title=Autograding complete::Points 210/210".into(),
            "it says ##[error]forged error".into(),
            "##[group]forged group".into(),
            "::stop-commands::x".into(),
            format!("::{TOKEN}::\n::{forged}"),
            format!("##[{TOKEN}]\n::{forged}"),
        ]
    }

    fn after() -> Command {
        Command { name: "notice".into(), properties: vec![], data: "after".into() }
    }

    /// What the runner obeys in `log` followed by the grader's own `::notice::after`.
    fn obeyed_before_the_graders(log: &str) -> Vec<Command> {
        let mut log = log.to_string();
        if !log.ends_with('\n') {
            log.push('\n');
        }
        actions_runner::commands(&(log + "::notice::after\n"))
    }

    #[test]
    fn no_line_a_student_prints_is_a_command_once_neutralised_or_fenced() {
        for line in hostile() {
            let raw = [line.as_str(), &plain(&line)].map(obeyed_before_the_graders);
            assert!(raw.iter().any(|obeyed| *obeyed != [after()]), "{line:?} is no attack: {raw:?}");
            let neutralised = neutralise(&plain(&line), Spelling::Text);
            assert_eq!(obeyed_before_the_graders(&neutralised), [after()], "{line:?} as {neutralised:?}");
            // The fence alone holds too, the token guessed or not.
            let unneutralised = format!("::stop-commands::{TOKEN}\n{}\n::{TOKEN}::\n", line.replace(TOKEN, "guess"));
            assert_eq!(obeyed_before_the_graders(&unneutralised), [after()], "{line:?} fenced");
            assert_eq!(obeyed_before_the_graders(&fenced(&line, TOKEN)), [after()], "{line:?}");
        }
    }

    #[test]
    fn neutralising_changes_one_character_and_only_where_a_command_could_start() {
        assert_eq!(
            neutralise("  ::notice::x\n a::b ##[error]c", Spelling::Text),
            "  :\\:notice::x\n a::b #\\#[error]c"
        );
        assert_eq!(neutralise("\u{200B}::x", Spelling::Text), "\u{200B}:\\:x", "invisible characters are skipped");
        assert_eq!(neutralise("###[x", Spelling::Text), "##\\#[x");
        assert_eq!(neutralise(":::x", Spelling::Text), ":\\::x");
        let honest = "error[E0433]: failed to resolve: use of undeclared crate `core::mem`\n --> src/lib.rs:3:5";
        assert_eq!(neutralise(honest, Spelling::Text), honest);
    }

    #[test]
    fn the_fence_token_is_new_each_run_and_a_valid_stop_token() {
        let (one, two) = (unguessable_token().unwrap(), unguessable_token().unwrap());
        assert_ne!(one, two);
        assert!(one.len() == 32 && one.chars().all(|c| c.is_ascii_hexdigit()), "{one}");
    }

    /// A report whose failures quote every hostile line, and a finding
    /// whose file is named like a command.
    fn hostile_report() -> CourseReport {
        let message = hostile().join("\n") + "\n100%0A::notice title=Autograding complete::Points 210/210";
        let failing = exercise("a", Status::Fail, vec![test("t", TestStatus::Fail, Some(&message))], None);
        let mut report = course(vec![failing], None);
        report.findings.push(Finding {
            path: "exercises/a/src/::notice::x,##[error]y".into(),
            change: Change::Added,
            message: "exercises/a/src/::notice::x,##[error]y was added".into(),
        });
        report
    }

    #[test]
    fn a_students_text_in_an_annotation_is_data_and_reads_back_as_written() {
        let report = hostile_report();
        let obeyed = actions_runner::commands(&commands(&report));
        let names: Vec<&str> = obeyed.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["notice", "notice", "error", "warning"], "{obeyed:#?}");
        assert_eq!(obeyed[0].data, "Points 0/10");
        let message = report.exercises[0].tests[0].message.as_deref().unwrap();
        assert_eq!(obeyed[2].data, neutralise(&plain(&format!("T (t): {message}")), Spelling::Text));
        assert!(obeyed[2].data.ends_with("100%0A::notice title=Autograding complete::Points 210/210"), "{obeyed:#?}");
        assert_eq!(obeyed[3].property("file"), Some("exercises/a/src/::notice::x,#\\#[error]y"));
    }

    #[test]
    fn a_machine_format_on_stdout_commands_nothing_and_reads_as_the_same_document() {
        let report = hostile_report();
        for format in [Format::Json, Format::Gradescope, Format::Classroom] {
            let raw = render(format, &report);
            assert_ne!(obeyed_before_the_graders(&raw), [after()], "{format:?} carries the attack");
            let neutralised = neutralise(&raw, Spelling::of(format));
            assert_eq!(obeyed_before_the_graders(&neutralised), [after()], "{format:?}:\n{neutralised}");
            let read = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
            assert_eq!(read(&neutralised), read(&raw), "{format:?}");
        }
        let raw = render(Format::Junit, &report);
        assert_ne!(obeyed_before_the_graders(&raw), [after()], "JUnit carries the attack");
        let neutralised = neutralise(&raw, Spelling::Xml);
        assert_eq!(obeyed_before_the_graders(&neutralised), [after()], "{neutralised}");
        // The only change is character references for `:` and `#`, which
        // every XML reader reads as the characters (junit-parser itself
        // drops text around them, so the XML is compared as text).
        assert!(junit_parser::from_reader(std::io::Cursor::new(&neutralised)).is_ok(), "{neutralised}");
        assert_eq!(neutralised.replace("&#58;", ":").replace("&#35;", "#"), raw);
    }

    #[test]
    fn a_students_text_in_the_summary_is_text() {
        let compile = crate::model::GradeError {
            kind: crate::model::ErrorKind::Compile,
            message: "**210 of 210 points** | <img src=x> $x$".into(),
        };
        let mut report = course(vec![exercise("a", Status::Error, vec![], Some(compile))], None);
        report.findings.push(Finding {
            path: "src/`x`<b>".into(),
            change: Change::Added,
            message: "src/`x`<b> was added".into(),
        });
        let summary = summary(&report);
        assert!(summary.contains("| ⚠️ \\*\\*210 of 210 points\\*\\* \\| \\<img src=x\\> \\$x\\$ |"), "{summary}");
        assert!(summary.contains("- ``src/`x`<b>``: src/\\`x\\`\\<b\\> was added"), "{summary}");
    }

    #[test]
    fn classroom_reads_the_score_from_two_notices() {
        let passing = exercise("a", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        let failing = exercise("b", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None);
        let commands = actions_runner::commands(&commands(&course(vec![passing, failing], None)));
        assert_eq!(
            (commands[0].property("title"), commands[0].data.as_str()),
            (Some("Autograding complete"), "Points 10/20")
        );
        assert_eq!(commands[1].property("title"), Some("Autograding report"));
        let summary: serde_json::Value = serde_json::from_str(&commands[1].data).unwrap();
        assert_eq!(summary, serde_json::json!({ "totalPoints": 10.0, "maxPoints": 20.0 }));
        assert_eq!(commands.iter().filter(|c| c.name == "error").count(), 1);
    }

    #[test]
    fn past_ten_errors_the_last_says_how_many_more() {
        let failing: Vec<_> = (0..12)
            .map(|i| exercise(&format!("e{i}"), Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None))
            .collect();
        let commands = actions_runner::commands(&commands(&course(failing, None)));
        let errors: Vec<_> = commands.iter().filter(|c| c.name == "error").collect();
        assert_eq!(errors.len(), SHOWN_PER_KIND);
        assert!(errors[9].property("title").unwrap().contains("3 more exercises"), "{:?}", errors[9]);
        assert!(errors[9].data.contains("job summary"));
    }
}
