//! A class's grades in the shapes an instructor's tools take them: the
//! gradebook (`gradebook.csv`: a row per student, points per exercise and
//! milestone in the course's order, the totals, hint tiers, findings), and,
//! on request, the CSV files Canvas and Moodle import.
//!
//! A class folder names students by directory, which is rarely what a
//! gradebook is keyed by: GitHub Classroom's download names each
//! repository `<assignment>-<handle>`, and its roster export
//! (`identifier,github_username,github_id,name`) ties a handle to the
//! identifier the school uses. With a roster, each row carries both, and a
//! student on the roster with no submission still has a row (a zero, "no
//! submission") — the student a deadline is applied to is the one who did
//! not hand in.

use crate::model::{CourseReport, ErrorKind, Status};
use crate::report::json::Results;
use crate::report::points;
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

pub const GRADEBOOK: &str = "gradebook.csv";

/// The gradebooks of learning platforms, besides the grader's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Export {
    /// canvas.csv, for Canvas's Gradebook import (students matched by SIS Login ID).
    Canvas,
    /// moodle.csv, for Moodle's "Import grades from CSV" (map the identifier column to a user field).
    Moodle,
}

impl Export {
    fn file_name(self) -> &'static str {
        match self {
            Export::Canvas => "canvas.csv",
            Export::Moodle => "moodle.csv",
        }
    }
}

/// One student of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterStudent {
    /// What the school knows the student by (an e-mail, a student number).
    pub identifier: String,
    /// Their GitHub handle, when the roster links one.
    pub handle: String,
    pub name: String,
}

/// A class list: GitHub Classroom's roster export, or any CSV with an
/// `identifier` column and, to find a student's folder, a handle column
/// (`github_username`, `handle` or `username`).
#[derive(Debug, Clone, Default)]
pub struct Roster {
    students: Vec<RosterStudent>,
}

const HANDLE_COLUMNS: &[&str] = &["github_username", "handle", "username"];

impl Roster {
    pub fn read(path: &Path) -> Result<Roster> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the roster {}", path.display()))?;
        Roster::parse(&text).with_context(|| format!("the roster {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Roster> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        let column = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
        let Some(identifier) = column(&["identifier"]) else {
            bail!(
                "it has no `identifier` column (its columns: {}); export the roster from GitHub Classroom, or write \
                 one with the columns identifier,github_username,name",
                header.join(", ")
            );
        };
        let (handle, name) = (column(HANDLE_COLUMNS), column(&["name"]));
        let mut students = Vec::new();
        for record in reader.records() {
            let record = record?;
            let field = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or_default().trim().to_string();
            let student =
                RosterStudent { identifier: field(Some(identifier)), handle: field(handle), name: field(name) };
            if !student.identifier.is_empty() || !student.handle.is_empty() {
                students.push(student);
            }
        }
        Ok(Roster { students })
    }

    /// The roster's student whose work is in `folder`: the folder is named
    /// by their handle (alone, or after the assignment's name and a dash,
    /// as Classroom names repositories) or by their identifier. When two
    /// handles fit (`bob` and `x-bob` for `hw-x-bob`), the longer one is the
    /// student's.
    fn find(&self, folder: &str) -> Option<&RosterStudent> {
        let folder = folder.to_lowercase();
        let fits = |student: &&RosterStudent| {
            let handle = student.handle.to_lowercase();
            (!handle.is_empty() && (folder == handle || folder.ends_with(&format!("-{handle}"))))
                || (!student.identifier.is_empty() && folder == student.identifier.to_lowercase())
        };
        self.students.iter().filter(fits).max_by_key(|student| student.handle.len())
    }
}

/// A graded student's folder, and when the work was handed in as far as
/// the folder tells (its repository's last commit).
#[derive(Debug, Clone)]
pub struct Submission {
    pub folder: String,
    pub submitted: Option<String>,
}

/// One row of the gradebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The student's folder; empty for a roster's student who handed in nothing.
    pub folder: String,
    pub identifier: String,
    pub handle: String,
    pub name: String,
    pub submitted: String,
    /// Points per column of [`Gradebook::columns`].
    pub points: Vec<f64>,
    pub total: f64,
    pub max: f64,
    pub passed: bool,
    pub hints: usize,
    pub findings: Vec<String>,
    pub note: String,
}

/// A class's grades, built from every student's results.
#[derive(Debug, Clone)]
pub struct Gradebook {
    /// The assignment, as the platforms' imports name a column.
    pub title: String,
    /// The exercises and milestones, in the course's order.
    pub columns: Vec<String>,
    pub max: f64,
    pub rows: Vec<Row>,
}

impl Gradebook {
    /// The gradebook of `students` from their results in `out`
    /// (`<out>/<folder>/results.json`; a student without results has no
    /// row), keyed to `roster` when there is one.
    pub fn build(
        out: &Path,
        students: &[Submission],
        reference: &CourseReport,
        roster: Option<&Roster>,
    ) -> Result<Gradebook> {
        let columns: Vec<String> = reference.graded().map(|e| e.name.clone()).collect();
        let mut rows = Vec::new();
        let mut handed_in = Vec::new();
        for student in students {
            let Some(results) = results_of(out, &student.folder)? else { continue };
            let on_roster = roster.and_then(|roster| roster.find(&student.folder));
            handed_in.extend(on_roster.cloned());
            let mut row = row_of(&student.folder, &results, &columns);
            row.submitted = student.submitted.clone().unwrap_or_default();
            match on_roster {
                Some(found) => {
                    (row.identifier, row.handle, row.name) =
                        (found.identifier.clone(), found.handle.clone(), found.name.clone())
                }
                None if roster.is_some() => row.note = join_notes(&row.note, "not on the roster"),
                None => {}
            }
            rows.push(row);
        }
        for missing in roster.into_iter().flat_map(|r| &r.students).filter(|s| !handed_in.contains(s)) {
            rows.push(Row {
                folder: String::new(),
                identifier: missing.identifier.clone(),
                handle: missing.handle.clone(),
                name: missing.name.clone(),
                submitted: String::new(),
                points: vec![0.0; columns.len()],
                total: 0.0,
                max: reference.max_score(),
                passed: false,
                hints: 0,
                findings: Vec::new(),
                note: "no submission".to_string(),
            });
        }
        Ok(Gradebook { title: reference.title.clone(), columns, max: reference.max_score(), rows })
    }

    /// `gradebook.csv` and each export asked for, in `out`; their paths.
    pub fn write(&self, out: &Path, exports: &[Export]) -> Result<Vec<PathBuf>> {
        let mut written = vec![self.write_csv(&out.join(GRADEBOOK), Self::own_records)?];
        for export in exports {
            let records = match export {
                Export::Canvas => Self::canvas_records,
                Export::Moodle => Self::moodle_records,
            };
            written.push(self.write_csv(&out.join(export.file_name()), records)?);
        }
        Ok(written)
    }

    fn write_csv(&self, path: &Path, records: fn(&Gradebook) -> Vec<Vec<String>>) -> Result<PathBuf> {
        let mut csv = csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
        for record in records(self) {
            csv.write_record(&record)?;
        }
        csv.flush()?;
        Ok(path.to_path_buf())
    }

    /// The grader's own: every column it knows.
    fn own_records(&self) -> Vec<Vec<String>> {
        let mut header: Vec<String> = ["student", "identifier", "handle", "submitted"].map(String::from).into();
        header.extend(self.columns.iter().cloned());
        header.extend(["total", "max", "passed", "hints", "findings", "note"].map(String::from));
        let rows = self.rows.iter().map(|row| {
            let mut record =
                vec![row.folder.clone(), row.identifier.clone(), row.handle.clone(), row.submitted.clone()];
            record.extend(row.points.iter().map(|p| points(*p)));
            record.extend([
                points(row.total),
                points(row.max),
                if row.passed { "yes" } else { "no" }.to_string(),
                row.hints.to_string(),
                row.findings.join("; "),
                row.note.clone(),
            ]);
            record
        });
        std::iter::once(header).chain(rows).collect()
    }

    /// Canvas's Gradebook import: its five identifying columns, then one
    /// column per assignment, with the "Points Possible" row Canvas's own
    /// export has. Canvas matches a row by any of ID, SIS User ID and SIS
    /// Login ID; the roster's identifier is the login here.
    fn canvas_records(&self) -> Vec<Vec<String>> {
        let header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"].map(String::from).into_iter();
        let header = header.chain([self.title.clone()]).collect();
        let possible = ["Points Possible", "", "", "", ""].map(String::from).into_iter();
        let possible = possible.chain([points(self.max)]).collect();
        let rows = self.rows.iter().map(|row| {
            let student = [&row.name, &row.handle, &row.folder].into_iter().find(|s| !s.is_empty()).cloned();
            vec![
                student.unwrap_or_default(),
                String::new(),
                String::new(),
                row.identifier.clone(),
                String::new(),
                points(row.total),
            ]
        });
        [header, possible].into_iter().chain(rows).collect()
    }

    /// Moodle's grade import: a user column (mapped on import to e-mail,
    /// username or ID number, whichever the roster's identifier is) and a
    /// grade column (mapped to the grade item).
    fn moodle_records(&self) -> Vec<Vec<String>> {
        let header = vec!["identifier".to_string(), self.title.clone()];
        let rows = self.rows.iter().filter(|row| !row.identifier.is_empty());
        std::iter::once(header).chain(rows.map(|row| vec![row.identifier.clone(), points(row.total)])).collect()
    }
}

/// Each student's results in a class's output: `<out>/<student>/results.json`.
pub const RESULTS: &str = "results.json";

/// The results `student` has in `out`, if there are any.
pub fn results_of(out: &Path, student: &str) -> Result<Option<Results>> {
    let file = out.join(student).join(RESULTS);
    let Ok(text) = std::fs::read_to_string(&file) else { return Ok(None) };
    let results = Results::parse(&text).with_context(|| format!("{} is not the grader's results", file.display()))?;
    Ok(Some(results))
}

fn row_of(folder: &str, results: &Results, columns: &[String]) -> Row {
    let points_of = |column: &String| results.exercises.iter().find(|e| e.name == *column).map(|e| e.points);
    Row {
        folder: folder.to_string(),
        identifier: String::new(),
        handle: String::new(),
        name: String::new(),
        submitted: String::new(),
        points: columns.iter().map(|column| points_of(column).unwrap_or(0.0)).collect(),
        total: results.score,
        max: results.max_score,
        passed: results.passed,
        hints: results.exercises.iter().map(|e| e.hints_revealed).sum(),
        findings: results.findings.iter().map(|f| f.path.clone()).collect(),
        note: note(results),
    }
}

fn join_notes(first: &str, second: &str) -> String {
    if first.is_empty() {
        second.to_string()
    } else {
        format!("{first}; {second}")
    }
}

/// The note of a student's row: why nothing was graded, or which
/// exercises ran out of time (their own limit, or the student's budget).
fn note(results: &Results) -> String {
    if results.exercises.iter().all(|e| e.status == Status::Error) {
        return results.message.clone().unwrap_or_default();
    }
    let timed_out: Vec<&str> = results
        .exercises
        .iter()
        .filter(|e| e.error.as_ref().is_some_and(|error| error.kind == ErrorKind::Timeout))
        .map(|e| e.name.as_str())
        .collect();
    if timed_out.is_empty() {
        String::new()
    } else {
        format!("timed out: {}", timed_out.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;
    use crate::grade;
    use crate::model::fixtures;
    use crate::model::{CapstoneStatus, Change, Engine, Finding, GradeError, TestStatus};
    use crate::report::{self, Format};

    /// Writes `report` as `<out>/<student>/results.json`.
    fn results(out: &Path, student: &str, report: &CourseReport) {
        std::fs::create_dir_all(out.join(student)).unwrap();
        std::fs::write(out.join(student).join(RESULTS), report::render(Format::Json, report)).unwrap();
    }

    fn finding(path: &str) -> Finding {
        Finding { path: path.into(), change: Change::Modified, message: format!("{path} was changed") }
    }

    fn read_csv(path: &Path) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(path).unwrap();
        reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
    }

    fn handed_in(folders: &[&str]) -> Vec<Submission> {
        folders.iter().map(|f| Submission { folder: f.to_string(), submitted: None }).collect()
    }

    /// The course's columns, from the fake course (alpha, beta, mix/buffer, mix/motions).
    fn reference(fake: &FakeCourse) -> CourseReport {
        grade::ungraded_course(&fake.course(), Engine::Chrome, "")
    }

    fn pass() -> Vec<crate::model::TestReport> {
        vec![fixtures::test("t", TestStatus::Pass, None)]
    }

    fn fail() -> Vec<crate::model::TestReport> {
        vec![fixtures::test("t", TestStatus::Fail, Some("no"))]
    }

    #[test]
    fn the_gradebook_has_a_column_per_exercise_in_course_order_then_the_totals() {
        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        // Listed out of order, a milestone missing: the columns still follow the course.
        let mut alice = fixtures::course(
            vec![
                fixtures::exercise("beta", Status::Pass, pass(), None),
                fixtures::exercise("alpha", Status::Fail, fail(), None),
            ],
            Some(CapstoneStatus::Graded {
                name: "mix".into(),
                title: "Mix".into(),
                milestones: vec![fixtures::milestone("buffer", Status::Pass, pass(), None)],
            }),
        );
        alice.findings = vec![finding("exercises/01_alpha/tests/alpha.rs"), finding(".cargo/config.toml")];
        alice.exercises[1].hints.revealed = vec!["the idea".into(), "the shape".into()];
        results(out.path(), "alice", &alice);
        let mut half = fixtures::course(
            vec![
                fixtures::exercise(
                    "alpha",
                    Status::Fail,
                    vec![fixtures::test("a", TestStatus::Pass, None), fixtures::test("b", TestStatus::Fail, None)],
                    None,
                ),
                fixtures::exercise("beta", Status::Fail, fail(), None),
            ],
            None,
        );
        half.pass_mark = 50.0;
        results(out.path(), "bob, \"the\" builder", &half);
        let mut students = handed_in(&["alice", "bob, \"the\" builder"]);
        students[0].submitted = Some("2026-12-01T17:59:58+01:00".into());
        let written = Gradebook::build(out.path(), &students, &reference(&fake), None).unwrap().write(out.path(), &[]);
        assert_eq!(written.unwrap(), [out.path().join(GRADEBOOK)], "no export asked for");
        let rows = read_csv(&out.path().join(GRADEBOOK));
        assert_eq!(
            rows[0],
            [
                "student",
                "identifier",
                "handle",
                "submitted",
                "alpha",
                "beta",
                "mix/buffer",
                "mix/motions",
                "total",
                "max",
                "passed",
                "hints",
                "findings",
                "note"
            ]
        );
        assert_eq!(
            rows[1],
            [
                "alice",
                "",
                "",
                "2026-12-01T17:59:58+01:00",
                "0",
                "10",
                "10",
                "0",
                "20",
                "30",
                "yes",
                "2",
                "exercises/01_alpha/tests/alpha.rs; .cargo/config.toml",
                ""
            ]
        );
        assert_eq!(
            rows[2],
            ["bob, \"the\" builder", "", "", "", "5", "0", "0", "0", "5", "20", "no", "0", "", ""],
            "quoted, fractional"
        );
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn an_ungraded_submission_has_a_row_of_zeros_and_the_reason() {
        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        let ungraded = grade::ungraded_course(&fake.course(), Engine::Chrome, "/x/carol holds no course.toml");
        results(out.path(), "carol", &ungraded);
        let gradebook = Gradebook::build(out.path(), &handed_in(&["carol"]), &reference(&fake), None).unwrap();
        let row = &gradebook.rows[0];
        assert_eq!((row.points.clone(), row.total, row.max, row.passed), (vec![0.0; 4], 0.0, 50.0, false));
        assert!(row.note.contains("not graded: /x/carol holds no course.toml"), "{}", row.note);
    }

    #[test]
    fn a_student_without_results_has_no_row_and_broken_results_are_an_error() {
        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(out.path().join("dan")).unwrap();
        let gradebook = Gradebook::build(out.path(), &handed_in(&["dan", "erin"]), &reference(&fake), None).unwrap();
        assert!(gradebook.rows.is_empty(), "{:?}", gradebook.rows);
        std::fs::write(out.path().join("dan").join(RESULTS), "{\"score\": 1}").unwrap();
        let error = Gradebook::build(out.path(), &handed_in(&["dan"]), &reference(&fake), None).unwrap_err();
        assert!(error.to_string().contains("is not the grader's results"), "{error}");
    }

    #[test]
    fn a_student_whose_time_ran_out_has_a_row_that_says_which_exercises() {
        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        let out_of_time = GradeError { kind: ErrorKind::Timeout, message: "the run's time budget ran out".into() };
        let report = fixtures::course(
            vec![
                fixtures::exercise("alpha", Status::Pass, pass(), None),
                fixtures::exercise("beta", Status::Error, vec![], Some(out_of_time)),
            ],
            None,
        );
        results(out.path(), "dan", &report);
        let gradebook = Gradebook::build(out.path(), &handed_in(&["dan"]), &reference(&fake), None).unwrap();
        assert_eq!(gradebook.rows[0].points[..2], [10.0, 0.0]);
        assert_eq!(gradebook.rows[0].note, "timed out: beta");
    }

    #[test]
    fn a_roster_names_each_folder_by_handle_and_gives_a_row_to_whoever_handed_in_nothing() {
        let roster = Roster::parse(
            "\"identifier\",\"github_username\",\"github_id\",\"name\"\n\
             \"s1001@uni.example\",\"Bob\",\"11\",\"Bob Builder\"\n\
             \"s1002@uni.example\",\"x-bob\",\"12\",\"Xavier Bob\"\n\
             \"s1003@uni.example\",\"\",\"\",\"Not Linked\"\n\
             \"s1004@uni.example\",\"carol\",\"14\",\"Carol\"\n",
        )
        .unwrap();
        // Classroom names a repository `<assignment>-<handle>`; the longer handle that fits wins.
        assert_eq!(roster.find("hw1-bob").unwrap().identifier, "s1001@uni.example", "case aside");
        assert_eq!(roster.find("hw1-x-bob").unwrap().identifier, "s1002@uni.example");
        assert_eq!(roster.find("s1003@uni.example").unwrap().name, "Not Linked", "by identifier");
        assert!(roster.find("hw1-bobby").is_none() && roster.find("carolyn").is_none());

        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        let solved = fixtures::course(vec![fixtures::exercise("alpha", Status::Pass, pass(), None)], None);
        for folder in ["hw1-bob", "hw1-x-bob", "hw1-mallory"] {
            results(out.path(), folder, &solved);
        }
        let students = handed_in(&["hw1-bob", "hw1-x-bob", "hw1-mallory"]);
        let gradebook = Gradebook::build(out.path(), &students, &reference(&fake), Some(&roster)).unwrap();
        let said: Vec<(&str, &str, &str, f64, &str)> = gradebook
            .rows
            .iter()
            .map(|r| (r.folder.as_str(), r.identifier.as_str(), r.handle.as_str(), r.total, r.note.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                ("hw1-bob", "s1001@uni.example", "Bob", 10.0, ""),
                ("hw1-x-bob", "s1002@uni.example", "x-bob", 10.0, ""),
                ("hw1-mallory", "", "", 10.0, "not on the roster"),
                ("", "s1003@uni.example", "", 0.0, "no submission"),
                ("", "s1004@uni.example", "carol", 0.0, "no submission"),
            ]
        );

        let written = gradebook.write(out.path(), &[Export::Canvas, Export::Moodle]).unwrap();
        assert_eq!(written.len(), 3);
        let canvas = read_csv(&out.path().join("canvas.csv"));
        assert_eq!(canvas[0], ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Fake course"]);
        assert_eq!(canvas[1], ["Points Possible", "", "", "", "", "50"]);
        assert_eq!(canvas[2], ["Bob Builder", "", "", "s1001@uni.example", "", "10"]);
        assert_eq!(
            canvas[4],
            ["hw1-mallory", "", "", "", "", "10"],
            "off the roster: named by folder, for a person to match"
        );
        assert_eq!(canvas.len(), 7);
        let moodle = read_csv(&out.path().join("moodle.csv"));
        assert_eq!(moodle[0], ["identifier", "Fake course"]);
        assert_eq!(moodle[1], ["s1001@uni.example", "10"]);
        assert_eq!(moodle.len(), 5, "everyone with an identifier: {moodle:?}");
    }

    #[test]
    fn a_roster_without_an_identifier_column_is_refused_with_what_it_has() {
        let error = Roster::parse("login,score\nbob,1\n").unwrap_err().to_string();
        assert!(error.contains("no `identifier` column (its columns: login, score)"), "{error}");
    }
}
