//! The student edition: the course without its solutions, made with
//! `grader edition` or by deleting `solutions/`. It must load, grade, list,
//! hint, reset and restore; `verify` must say it needs the solutions; and
//! the instructor's full copy must grade it with `--reference`.

mod common;

use common::{course_root, grader, require, Need, TempCourse};
use std::collections::BTreeSet;
use std::path::Path;

fn contents(root: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target" && e.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn the_real_courses_edition_holds_nothing_that_reveals_a_solution() {
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("course");
    let run = grader(&course_root(), &["edition", edition.to_str().unwrap()]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(!edition.join("solutions").exists() && !edition.join("grader/tests").exists());

    let solutions: BTreeSet<Vec<u8>> = contents(&course_root().join("solutions"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs") || path.ends_with(".js"))
        .map(|(_, bytes)| bytes)
        .collect();
    for (path, bytes) in contents(&edition) {
        assert!(!solutions.contains(&bytes), "{path} is a copy of a solution file");
    }
    let seal = std::fs::read_to_string(edition.join("course.seal.json")).unwrap();
    assert!(!seal.contains("solutions/"), "the seal names no solution file");

    let metadata = std::process::Command::new("cargo")
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(&edition)
        .output()
        .unwrap();
    assert!(metadata.status.success(), "the edition's workspace loads:\n{}", String::from_utf8_lossy(&metadata.stderr));

    let again = grader(&course_root(), &["edition", edition.to_str().unwrap()]);
    assert_ne!(again.code(), Some(0), "a non-empty directory is refused");
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

/// The instructor's course (two exercises, sealed) and its edition.
fn sealed_reference() -> TempCourse {
    let reference = common::two_exercise_reference();
    let run = grader(reference.path(), &["seal"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    reference
}

#[test]
fn a_student_edition_grades_where_it_is_and_against_the_reference() {
    require(&[Need::Chromium]);
    let reference = sealed_reference();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("course");
    let run = grader(reference.path(), &["edition", edition.to_str().unwrap()]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);

    // As shipped: graded, every exercise failing (none "does not compile").
    let run = grader(&edition, &[]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("does not compile"), "{}", run.stdout);
    assert!(run.stdout.contains("0/9 tests"), "{}", run.stdout);
    // No terminal: a plain line per exercise on stderr as it ends.
    assert!(run.stderr.contains("typed_views: does not pass yet"), "{}", run.stderr);

    // Colour forced for the terminal never reaches a file.
    let human = out.path().join("report.txt");
    let run = grader(&edition, &["--color", "always", "--output", &format!("human={}", human.display())]);
    assert!(run.stdout.contains('\x1b'), "--color always colours the terminal's report");
    let written = std::fs::read_to_string(&human).unwrap();
    assert!(written.contains("typed_views") && !written.contains('\x1b'), "{written:?}");

    // Solved in place: passes.
    let solution = reference.read("solutions/01_typed_views/src/lib.rs");
    std::fs::write(edition.join("exercises/01_typed_views/src/lib.rs"), &solution).unwrap();
    let run = grader(&edition, &["run", "typed_views"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);

    // hint, and reset / restore by the seal the edition carries.
    let run = grader(&edition, &["hint", "typed_views"]);
    assert!(run.stdout.contains("Hint 1 of"), "{}", run.stdout);
    let run = grader(&edition, &["reset", "typed_views", "--yes"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_ne!(std::fs::read_to_string(edition.join("exercises/01_typed_views/src/lib.rs")).unwrap(), solution);
    let run = grader(&edition, &["restore"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(std::fs::read_to_string(edition.join("exercises/01_typed_views/src/lib.rs")).unwrap(), solution);

    // verify needs the solutions, and says so.
    let run = grader(&edition, &["verify"]);
    assert_ne!(run.code(), Some(0));
    assert!(run.stderr.contains("no solutions/"), "{}", run.stderr);

    // The instructor grades the student's edition from the full copy.
    let results = out.path().join("results.json");
    let work = out.path().join("work");
    let run = grader(
        &edition,
        &[
            "grade",
            "--reference",
            reference.path().to_str().unwrap(),
            "--work-dir",
            work.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            results.to_str().unwrap(),
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(run.code(), Some(1), "{json:#}");
    assert_eq!(json["exercises"][0]["points"], 10.0, "typed_views solved: {json:#}");
    assert!(json["findings"].as_array().unwrap().is_empty(), "an edition changes no protected file: {json:#}");
    assert!(!work.join("course/solutions").exists(), "the submission was built without solutions");
    assert!(!json.to_string().contains("-0.0"), "{json}");
}

#[test]
fn deleting_the_solutions_makes_a_working_student_edition_too() {
    require(&[Need::Chromium]);
    let reference = sealed_reference();
    let edition = TempCourse::copy_of(reference.path());
    std::fs::remove_dir_all(edition.path().join("solutions")).unwrap();
    let run = grader(edition.path(), &["run", "struct_packing"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1/6 tests"), "graded, the stub passing one test:\n{}", run.stdout);
    let run = grader(edition.path(), &["list"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("typed_views") && run.stdout.contains("struct_packing"), "{}", run.stdout);
}
