//! `grader class`: a whole class on one machine. Every submission in a
//! folder (one directory per student, as GitHub Classroom's download or a
//! Gradescope export gives them) is graded against the instructor's
//! reference, one after another, in one shared work directory: the
//! dependencies are compiled once, each student's unchanged crates stay
//! built, and an exercise identical to one already graded comes from the
//! cache. Each student's results are written to `<out>/<student>/`
//! (`results.json`, `results.xml`), atomically, and a student whose
//! `results.json` exists is not graded again — so an interrupted run picks
//! up where it stopped. `gradebook.csv` is rebuilt from every student's
//! results at the end. A submission that is not a course (or cannot be
//! staged) is recorded with the reason; the others are graded all the same.

use crate::discover::Course;
use crate::grade;
use crate::manifest::MANIFEST_FILE;
use crate::model::{CourseReport, Finding, Status};
use crate::progress::Quiet;
use crate::report::{self, Format};
use crate::settings::Settings;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const GRADEBOOK: &str = "gradebook.csv";
const RESULTS: &str = "results.json";

/// What happened to one student in this run.
#[derive(Debug, Clone, PartialEq)]
pub enum StudentResult {
    Graded {
        score: f64,
        max_score: f64,
        elapsed: Duration,
    },
    /// Its results were already written by an earlier run.
    AlreadyGraded,
}

/// The submissions of `folder`: its directories, by name.
pub fn submissions(folder: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read the submissions folder {}", folder.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    found.sort();
    Ok(found)
}

/// Where a student's course is: the directory itself, or the one below it
/// holding course.toml (a repository uploaded as a zip of its folder).
fn course_in(submission: &Path) -> Option<PathBuf> {
    if submission.join(MANIFEST_FILE).is_file() {
        return Some(submission.to_path_buf());
    }
    std::fs::read_dir(submission)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join(MANIFEST_FILE).is_file())
}

/// One class being graded: against which reference, where results go,
/// where submissions are built, with what, and each student's time budget.
pub struct ClassRun<'a> {
    pub reference: &'a Course,
    pub out: &'a Path,
    pub work: &'a Path,
    pub settings: &'a Settings,
    pub budget: Option<Duration>,
}

impl ClassRun<'_> {
    /// Grades one student into `<out>/<name>/`, unless already done.
    pub fn grade_student(&self, name: &str, submission: &Path) -> Result<StudentResult> {
        let dir = self.out.join(name);
        if dir.join(RESULTS).is_file() {
            return Ok(StudentResult::AlreadyGraded);
        }
        let started = Instant::now();
        let engine = self.settings.toolbox.engine;
        let report = match course_in(submission) {
            Some(course) => grade::grade_against_reference(
                &course,
                self.reference,
                self.work,
                engine,
                |_| Ok(Settings { deadline: self.budget.map(|budget| started + budget), ..self.settings.clone() }),
                &Quiet,
            ),
            None => grade::ungraded_course(
                self.reference,
                engine,
                &format!("{} holds no {MANIFEST_FILE}: this is not a copy of the course", submission.display()),
            ),
        };
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // results.json last, each file complete before it has its name: a
        // student counts as graded only once everything is written.
        write_atomically(&dir.join("results.xml"), &report::render(Format::Junit, &report))?;
        write_atomically(&dir.join(RESULTS), &report::render(Format::Json, &report))?;
        Ok(StudentResult::Graded { score: report.score(), max_score: report.max_score(), elapsed: started.elapsed() })
    }

    /// `grader class`: every submission of `folder`, then the gradebook.
    /// Says on stderr how each student went, and on stdout where the
    /// gradebook is.
    pub fn grade_folder(&self, folder: &Path) -> Result<()> {
        let students = submissions(folder)?;
        std::fs::create_dir_all(self.out).with_context(|| format!("cannot create {}", self.out.display()))?;
        let started = Instant::now();
        let mut graded = 0;
        for (index, (name, path)) in students.iter().enumerate() {
            let counter = format!("[{}/{}] {name}", index + 1, students.len());
            eprintln!("{counter}: grading…");
            match self.grade_student(name, path)? {
                StudentResult::Graded { score, max_score, elapsed } => {
                    graded += 1;
                    eprintln!(
                        "{counter}: {} of {} points ({:.1} s)",
                        report::points(score),
                        report::points(max_score),
                        elapsed.as_secs_f64()
                    );
                }
                StudentResult::AlreadyGraded => eprintln!("{counter}: graded by an earlier run, kept"),
            }
        }
        let names: Vec<String> = students.into_iter().map(|(name, _)| name).collect();
        let columns = grade::ungraded_course(self.reference, self.settings.toolbox.engine, "");
        let gradebook = write_gradebook(self.out, &names, &columns)?;
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "Graded {} in {elapsed:.1} s ({:.1} s each); {} from earlier runs. Gradebook: {}",
            report::counted(graded, "submission"),
            if graded > 0 { elapsed / graded as f64 } else { 0.0 },
            names.len() - graded,
            gradebook.display()
        );
        Ok(())
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The parts of a student's results.json the gradebook needs.
#[derive(Deserialize)]
struct Results {
    score: f64,
    max_score: f64,
    passed: bool,
    exercises: Vec<ExerciseResult>,
    findings: Vec<Finding>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct ExerciseResult {
    name: String,
    points: f64,
    status: Status,
}

/// `gradebook.csv` from every student's results under `out`: a row per
/// student — points per exercise and milestone (in the course's order),
/// total, maximum, whether it reaches the pass mark, the flagged files, and
/// a note for a submission that could not be graded.
pub fn write_gradebook(out: &Path, students: &[String], reference: &CourseReport) -> Result<PathBuf> {
    let columns: Vec<String> = reference.graded().map(|e| e.name.clone()).collect();
    let path = out.join(GRADEBOOK);
    let mut csv = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut header = vec!["student".to_string()];
    header.extend(columns.iter().cloned());
    header.extend(["total", "max", "passed", "findings", "note"].map(String::from));
    csv.write_record(&header)?;
    for student in students {
        let file = out.join(student).join(RESULTS);
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let results: Results =
            serde_json::from_str(&text).with_context(|| format!("{} is not the grader's results", file.display()))?;
        let mut row = vec![student.clone()];
        for column in &columns {
            let points = results.exercises.iter().find(|e| e.name == *column).map(|e| e.points).unwrap_or(0.0);
            row.push(report::points(points));
        }
        row.push(report::points(results.score));
        row.push(report::points(results.max_score));
        row.push(if results.passed { "yes" } else { "no" }.to_string());
        row.push(results.findings.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join("; "));
        let graded = results.exercises.iter().any(|e| e.status != Status::Error);
        row.push(if graded { String::new() } else { results.message.unwrap_or_default() });
        csv.write_record(&row)?;
    }
    csv.flush()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;
    use crate::model::fixtures;
    use crate::model::{CapstoneStatus, Change, Engine, TestStatus};

    fn names(found: &[(String, PathBuf)]) -> Vec<&str> {
        found.iter().map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn submissions_are_the_folders_directories_sorted_without_files_or_hidden_ones() {
        let folder = tempfile::tempdir().unwrap();
        for dir in ["bob", "alice", "Zoe", ".git", ".DS_Store.d", "carol smith"] {
            std::fs::create_dir(folder.path().join(dir)).unwrap();
        }
        std::fs::write(folder.path().join("gradebook.csv"), "").unwrap();
        std::fs::write(folder.path().join("dave.zip"), "").unwrap();
        let found = submissions(folder.path()).unwrap();
        assert_eq!(names(&found), ["Zoe", "alice", "bob", "carol smith"]);
        assert_eq!(found[1].1, folder.path().join("alice"));
    }

    #[test]
    fn a_linked_directory_is_not_a_submission_and_a_missing_folder_is_an_error() {
        let folder = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), folder.path().join("mallory")).unwrap();
        assert!(submissions(folder.path()).unwrap().is_empty());
        let error = submissions(&folder.path().join("missing")).unwrap_err().to_string();
        assert!(error.contains("cannot read the submissions folder"), "{error}");
    }

    #[test]
    fn a_course_is_found_in_the_submission_or_one_level_below() {
        let folder = tempfile::tempdir().unwrap();
        let flat = folder.path().join("flat");
        std::fs::create_dir_all(&flat).unwrap();
        std::fs::write(flat.join(MANIFEST_FILE), "").unwrap();
        assert_eq!(course_in(&flat), Some(flat.clone()));
        let zipped = folder.path().join("zipped");
        std::fs::create_dir_all(zipped.join("course-main")).unwrap();
        std::fs::write(zipped.join("course-main").join(MANIFEST_FILE), "").unwrap();
        assert_eq!(course_in(&zipped), Some(zipped.join("course-main")));
        let deeper = folder.path().join("deeper");
        std::fs::create_dir_all(deeper.join("a/b")).unwrap();
        std::fs::write(deeper.join("a/b").join(MANIFEST_FILE), "").unwrap();
        assert_eq!(course_in(&deeper), None);
    }

    /// Writes `report` as `<out>/<student>/results.json`.
    fn results(out: &Path, student: &str, report: &CourseReport) {
        std::fs::create_dir_all(out.join(student)).unwrap();
        std::fs::write(out.join(student).join(RESULTS), report::render(Format::Json, report)).unwrap();
    }

    fn finding(path: &str) -> Finding {
        Finding { path: path.into(), change: Change::Modified, message: format!("{path} was changed") }
    }

    fn read_gradebook(path: &Path) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
        reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
    }

    #[test]
    fn the_gradebook_has_a_column_per_exercise_in_course_order_then_the_totals() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let columns = grade::ungraded_course(&course, Engine::Chrome, "");
        let out = tempfile::tempdir().unwrap();
        let pass = || vec![fixtures::test("t", TestStatus::Pass, None)];
        let fail = || vec![fixtures::test("t", TestStatus::Fail, Some("no"))];
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
        let students = ["alice".to_string(), "bob, \"the\" builder".to_string()];
        let path = write_gradebook(out.path(), &students, &columns).unwrap();
        assert_eq!(path, out.path().join(GRADEBOOK));
        let rows = read_gradebook(&path);
        assert_eq!(
            rows[0],
            ["student", "alpha", "beta", "mix/buffer", "mix/motions", "total", "max", "passed", "findings", "note"]
        );
        assert_eq!(
            rows[1],
            [
                "alice",
                "0",
                "10",
                "10",
                "0",
                "20",
                "30",
                "yes",
                "exercises/01_alpha/tests/alpha.rs; .cargo/config.toml",
                ""
            ]
        );
        assert_eq!(
            rows[2],
            ["bob, \"the\" builder", "5", "0", "0", "0", "5", "20", "no", "", ""],
            "quoted, fractional"
        );
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn an_ungraded_submission_has_a_row_of_zeros_and_the_reason() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let out = tempfile::tempdir().unwrap();
        let ungraded = grade::ungraded_course(&course, Engine::Chrome, "/x/carol holds no course.toml");
        results(out.path(), "carol", &ungraded);
        let columns = grade::ungraded_course(&course, Engine::Chrome, "");
        let rows = read_gradebook(&write_gradebook(out.path(), &["carol".into()], &columns).unwrap());
        assert_eq!(rows[1][..9], ["carol", "0", "0", "0", "0", "0", "50", "no", ""]);
        assert!(rows[1][9].contains("not graded: /x/carol holds no course.toml"), "{}", rows[1][9]);
    }

    #[test]
    fn a_student_without_results_has_no_row_and_broken_results_are_an_error() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let out = tempfile::tempdir().unwrap();
        let columns = grade::ungraded_course(&course, Engine::Chrome, "");
        std::fs::create_dir_all(out.path().join("dan")).unwrap();
        let rows = read_gradebook(&write_gradebook(out.path(), &["dan".into(), "erin".into()], &columns).unwrap());
        assert_eq!(rows.len(), 1, "the header only: {rows:?}");
        std::fs::write(out.path().join("dan").join(RESULTS), "{\"score\": 1}").unwrap();
        let error = write_gradebook(out.path(), &["dan".into()], &columns).unwrap_err().to_string();
        assert!(error.contains("is not the grader's results"), "{error}");
    }

    #[test]
    fn results_are_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RESULTS);
        write_atomically(&path, "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        assert!(!path.with_extension("partial").exists());
        assert!(write_atomically(&dir.path().join("missing/results.json"), "{}").is_err());
    }
}
