//! `grader verify`, for instructors: the manifest and the crates agree,
//! every reference solution passes, and every exercise as shipped compiles
//! and fails at least one test (so it teaches something and a student cannot
//! be "done" before starting).

use crate::discover::{rust_files_in, Course, Exercise, Variant, EXERCISES_DIR, SOLUTIONS_DIR};
use crate::model::{ExerciseReport, Kind, Status};
use crate::report::counted;
use crate::progress::Observer;
use crate::runner;
use crate::settings::Settings;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One thing verify looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    /// The exercise (or "course") it is about.
    pub subject: String,
    pub detail: String,
}

impl Check {
    fn ok(subject: &str, detail: impl Into<String>) -> Check {
        Check { ok: true, subject: subject.into(), detail: detail.into() }
    }
    fn problem(subject: &str, detail: impl Into<String>) -> Check {
        Check { ok: false, subject: subject.into(), detail: detail.into() }
    }
}

pub fn passed(findings: &[Check]) -> bool {
    findings.iter().all(|f| f.ok)
}

/// Checks that need no build: files, manifest entries, the shared tests.
fn seal_word(change: crate::model::Change) -> &'static str {
    match change {
        crate::model::Change::Modified => "differs from course.seal.json",
        crate::model::Change::Removed => "is sealed but missing",
        crate::model::Change::Added => "is protected but not sealed",
        crate::model::Change::Forbidden => "breaks the rules for editable files",
    }
}

pub fn check_layout(course: &Course) -> Vec<Check> {
    let mut findings = Vec::new();
    for exercise in course.exercises() {
        findings.extend(layout_problems(course, &exercise));
    }
    let mut listed: BTreeSet<&str> = course.manifest.exercises.iter().map(|e| e.dir.as_str()).collect();
    listed.extend(course.manifest.capstone.iter().map(|c| c.dir.as_str()));
    for top in [EXERCISES_DIR, SOLUTIONS_DIR] {
        for dir in subdirectories(&course.root.join(top)) {
            if !listed.contains(dir.as_str()) {
                findings.push(Check::problem(
                    "course",
                    format!("{top}/{dir} is not listed in course.toml: add an [[exercise]] entry or remove it"),
                ));
            }
        }
    }
    if let Some(capstone) = &course.manifest.capstone {
        if !course.root.join(&capstone.dir).join("Cargo.toml").is_file() {
            findings.push(Check::problem("course", format!("capstone crate {}/Cargo.toml is missing", capstone.dir)));
        }
        for milestone in course.milestones() {
            findings.extend(milestone_problems(course, &milestone));
        }
    }
    // The solutions' workspace has its own lockfile: both must pin the
    // wasm-bindgen the grader installs, or one of them cannot be tested.
    let pins = [course.root.clone(), course.root.join(SOLUTIONS_DIR)].map(|dir| crate::tools::pinned_wasm_bindgen(&dir));
    match pins {
        [Ok(ours), Ok(theirs)] if ours != theirs => findings.push(Check::problem(
            "course",
            format!(
                "Cargo.lock pins wasm-bindgen {ours} but solutions/Cargo.lock pins {theirs}: keep the two \
                 workspaces' [workspace.dependencies] equal and update the lockfiles"
            ),
        )),
        [Ok(_), Ok(_)] => {}
        [Err(error), _] | [_, Err(error)] => findings.push(Check::problem("course", format!("{error:#}"))),
    }
    // A stale seal would warn students about files they never touched.
    for changed in crate::submission::check_seal(&course.root, &course.manifest) {
        findings.push(Check::problem(
            "seal",
            format!(
                "{}: {}, so run `cargo run -p grader -- seal` after changing protected files",
                changed.path,
                seal_word(changed.change)
            ),
        ));
    }
    if findings.is_empty() {
        findings.push(Check::ok(
            "course",
            format!(
                "course.toml and the crates agree: {} and {}, each with a README, hints in tiers, tests and a solution",
                counted(course.manifest.exercises.len(), "exercise"),
                counted(course.milestones().len(), "capstone milestone")
            ),
        ));
    }
    findings
}

/// Hints come in tiers, the idea before the code: one tier would hand over
/// everything at once.
fn hint_problems(name: &str, hints: &[String]) -> Option<Check> {
    if hints.len() < 2 {
        Some(Check::problem(
            name,
            format!("has {} in course.toml; give at least 2 (the idea, then the code)", counted(hints.len(), "hint tier")),
        ))
    } else if hints.iter().any(|tier| tier.trim().is_empty()) {
        Some(Check::problem(name, "has an empty hint tier in course.toml"))
    } else {
        None
    }
}

/// A milestone needs its test file, a hint, the capstone's README and a
/// solution whose `[[test]]` targets include that very file.
fn milestone_problems(course: &Course, milestone: &Exercise) -> Vec<Check> {
    let name = milestone.entry.name.as_str();
    let mut problems = Vec::new();
    let crate_rel = course.relative(&milestone.exercise_dir);
    let test_name = match &milestone.kind {
        Kind::Milestone { milestone, .. } => milestone.as_str(),
        Kind::Exercise => name,
    };
    if milestone.test_files.is_empty() {
        problems.push(Check::problem(name, format!("{crate_rel}/tests/{test_name}.rs is missing")));
    }
    if !milestone.exercise_dir.join("README.md").is_file() {
        problems.push(Check::problem(name, format!("{crate_rel}/README.md is missing")));
    }
    problems.extend(hint_problems(name, &milestone.entry.hints));
    if !milestone.solution_dir.join("Cargo.toml").is_file() {
        problems.push(Check::problem(
            name,
            format!("{}/Cargo.toml is missing", course.relative(&milestone.solution_dir)),
        ));
    } else if let Ok(declared) = solution_test_paths(&milestone.solution_dir) {
        let missing = milestone.test_files.iter().filter_map(|f| f.canonicalize().ok()).any(|f| !declared.contains(&f));
        if missing {
            problems.push(Check::problem(
                name,
                format!(
                    "{}/Cargo.toml has no [[test]] pointing at {crate_rel}/tests/{test_name}.rs",
                    course.relative(&milestone.solution_dir)
                ),
            ));
        }
    }
    problems
}

fn layout_problems(course: &Course, exercise: &Exercise) -> Vec<Check> {
    let name = exercise.entry.name.as_str();
    let mut problems = Vec::new();
    let exercise_rel = course.relative(&exercise.exercise_dir);
    let solution_rel = course.relative(&exercise.solution_dir);
    for file in ["Cargo.toml", "README.md", "src/lib.rs"] {
        if !exercise.exercise_dir.join(file).is_file() {
            problems.push(Check::problem(name, format!("{exercise_rel}/{file} is missing")));
        }
    }
    for file in ["Cargo.toml", "src/lib.rs"] {
        if !exercise.solution_dir.join(file).is_file() {
            problems.push(Check::problem(name, format!("{solution_rel}/{file} is missing")));
        }
    }
    problems.extend(hint_problems(name, &exercise.entry.hints));
    if exercise.test_files.is_empty() {
        problems.push(Check::problem(name, format!("{exercise_rel}/tests has no test file")));
    }
    if !rust_files_in(&exercise.solution_dir.join("tests")).is_empty() {
        problems.push(Check::problem(
            name,
            format!("{solution_rel}/tests has its own test files: tests live only in {exercise_rel}/tests"),
        ));
    }
    if exercise.solution_dir.join("Cargo.toml").is_file() {
        if let Err(problem) = solution_uses_exercise_tests(exercise) {
            problems.push(Check::problem(name, format!("{solution_rel}/Cargo.toml: {problem}")));
        }
    }
    problems
}

/// The solution's `[[test]]` targets must be exactly the exercise's test
/// files, by path: one copy of the tests grades both crates.
fn solution_uses_exercise_tests(exercise: &Exercise) -> Result<(), String> {
    let declared = solution_test_paths(&exercise.solution_dir)?;
    let expected: BTreeSet<PathBuf> = exercise.test_files.iter().filter_map(|f| f.canonicalize().ok()).collect();
    if declared == expected {
        return Ok(());
    }
    let names = |set: &BTreeSet<PathBuf>| {
        set.iter()
            .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!(
        "its [[test]] targets must point at the exercise's test files ({}), but they point at: {}",
        names(&expected),
        if declared.is_empty() { "nothing".to_string() } else { names(&declared) }
    ))
}

/// The files a solution's `[[test]]` targets point at, canonicalised.
fn solution_test_paths(solution_dir: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let text = std::fs::read_to_string(solution_dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let manifest: toml::Value = toml::from_str(&text).map_err(|e| format!("not valid TOML: {e}"))?;
    Ok(manifest
        .get("test")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("path")?.as_str())
        .filter_map(|p| solution_dir.join(p).canonicalize().ok())
        .collect())
}

fn subdirectories(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Layout checks, then each exercise's solution and stub graded.
pub fn verify(course: &Course, settings: &Settings, progress: &dyn Observer) -> Vec<Check> {
    let mut findings = check_layout(course);
    let broken: BTreeSet<String> = findings.iter().filter(|f| !f.ok).map(|f| f.subject.clone()).collect();
    for exercise in course.exercises().into_iter().chain(course.milestones()) {
        let name = exercise.entry.name.clone();
        if broken.contains(&name) {
            continue;
        }
        let solution = runner::grade(course, &exercise, Variant::Solution, settings, progress);
        findings.push(judge_solution(&solution));
        let stub = runner::grade(course, &exercise, Variant::Exercise, settings, progress);
        findings.push(judge_stub(&stub));
    }
    findings
}

fn judge_solution(report: &ExerciseReport) -> Check {
    let name = &report.name;
    let total = report.tests.len();
    if report.status == Status::Pass {
        return Check::ok(name, format!("solution passes {total}/{total} tests"));
    }
    let why = match (&report.error, report.first_failure()) {
        (Some(error), _) => error.message.clone(),
        (None, Some(test)) => {
            format!("test {} failed: {}", test.name, test.message.as_deref().unwrap_or("(no message)"))
        }
        (None, None) => "no test passed".into(),
    };
    Check::problem(
        name,
        format!(
            "solution ({}) must pass every test, but passes {}/{total}: {why}",
            report.crate_dir,
            report.passed_count()
        ),
    )
}

fn judge_stub(report: &ExerciseReport) -> Check {
    let name = &report.name;
    let total = report.tests.len();
    let failing = total - report.passed_count();
    match (&report.error, report.status) {
        (Some(error), _) => Check::problem(
            name,
            format!("exercise as shipped ({}) must compile and fail a test, but: {}", report.crate_dir, error.message),
        ),
        (None, Status::Pass) => Check::problem(
            name,
            format!(
                "exercise as shipped ({}) passes all {total} tests: a student would be done without writing anything",
                report.crate_dir
            ),
        ),
        (None, _) => Check::ok(name, format!("exercise as shipped fails {failing}/{total} tests")),
    }
}
/// The checks as `verify` prints them: a mark per check, then the verdict.
pub fn render(checks: &[Check]) -> String {
    use std::fmt::Write;
    let green = anstyle::AnsiColor::Green.on_default().bold();
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let mut out = String::new();
    for check in checks {
        let (mark, style) = if check.ok { ("✓", green) } else { ("✗", red) };
        let _ = writeln!(out, "{style}{mark}{style:#} {}: {}", check.subject, check.detail);
    }
    let problems = checks.iter().filter(|c| !c.ok).count();
    let _ = if problems == 0 {
        writeln!(out, "\nverify: the course is consistent.")
    } else {
        writeln!(out, "\nverify: {} to fix.", counted(problems, "problem"))
    };
    out
}

