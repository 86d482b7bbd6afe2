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
use crate::progress::{Observer, Quiet};
use crate::manifest::MANIFEST_FILE;
use crate::model::{CourseReport, Finding, Status};
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
    Graded { score: f64, max_score: f64, elapsed: Duration },
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

/// Grades one student into `<out>/<name>/`, unless already done.
pub fn grade_student(
    name: &str,
    submission: &Path,
    reference: &Course,
    out: &Path,
    work: &Path,
    settings: &Settings,
    budget: Option<Duration>,
    progress: &dyn Observer,
) -> Result<StudentResult> {
    let dir = out.join(name);
    if dir.join(RESULTS).is_file() {
        return Ok(StudentResult::AlreadyGraded);
    }
    let started = Instant::now();
    let report = match course_in(submission) {
        Some(course) => grade::grade_against_reference(
            &course,
            reference,
            work,
            settings.toolbox.engine,
            |_| Ok(Settings { deadline: budget.map(|budget| started + budget), ..settings.clone() }),
            progress,
        ),
        None => grade::ungraded_course(
            reference,
            settings.toolbox.engine,
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

/// `grader class`: every submission of `folder` graded against
/// `reference` into `out`, then the gradebook. Says on stderr how each
/// student went, and on stdout where the gradebook is.
pub fn grade_folder(
    folder: &Path,
    reference: &Course,
    out: &Path,
    work: &Path,
    settings: &Settings,
    budget: Option<Duration>,
) -> Result<()> {
    let students = submissions(folder)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let started = Instant::now();
    let mut graded = 0;
    for (index, (name, path)) in students.iter().enumerate() {
        let counter = format!("[{}/{}] {name}", index + 1, students.len());
        eprintln!("{counter}: grading…");
        match grade_student(name, path, reference, out, work, settings, budget, &Quiet)? {
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
    let columns = grade::ungraded_course(reference, settings.toolbox.engine, "");
    let gradebook = write_gradebook(out, &names, &columns)?;
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
