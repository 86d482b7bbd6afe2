//! `grader verify`, for instructors: the manifest and the crates agree,
//! every reference solution passes, and every exercise as shipped compiles
//! and fails at least one test (so it teaches something and a student cannot
//! be "done" before starting).

use crate::capability::{self, Import};
use crate::discover::{rust_files_in, Course, Exercise, Variant, EXERCISES_DIR, SOLUTIONS_DIR};
use crate::manifest::{ExerciseEntry, Workload};
use crate::model::{ExerciseReport, Kind, Status, TestReport, TestStatus};
use crate::progress::Observer;
use crate::report::counted;
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
        if let Some(workload) = &capstone.workload {
            findings.extend(workload_problem(course, &capstone.name, &course.root.join(&capstone.dir), workload));
        }
    }
    // The solutions' workspace has its own lockfile: both must pin the
    // wasm-bindgen the grader installs, or one of them cannot be tested.
    let pins =
        [course.root.clone(), course.root.join(SOLUTIONS_DIR)].map(|dir| crate::tools::pinned_wasm_bindgen(&dir));
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
    findings.extend(page_problems(course));
    // A stale seal would warn students about files they never touched.
    for changed in crate::seal::check_seal(course) {
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

/// The JavaScript a student writes, as shipped and as the reference writes
/// it, must keep to the exercise's page grammar: a stub or solution outside
/// it would teach a pattern that grading refuses.
fn page_problems(course: &Course) -> Vec<Check> {
    let mut problems = Vec::new();
    for exercise in course.exercises() {
        let Some(rules) = course.ownership.crate_at(&course.relative(&exercise.exercise_dir)) else { continue };
        for dir in [&exercise.exercise_dir, &exercise.solution_dir] {
            for file in crate::walk::course_files(dir) {
                let editable = rules.is_editable(&format!("{}{file}", rules.dir));
                if !(editable && crate::manifest::is_javascript_glob(&file)) {
                    continue;
                }
                let text = std::fs::read_to_string(dir.join(&file)).unwrap_or_default();
                let shown = format!("{}/{file}", course.relative(dir));
                for problem in crate::integrity::check_page(&text, &shown, &rules.page) {
                    problems.push(Check::problem(&exercise.entry.name, problem));
                }
            }
        }
    }
    problems
}

/// Hints come in tiers, the idea before the code: one tier would hand over
/// everything at once.
fn hint_problems(name: &str, hints: &[String]) -> Option<Check> {
    if hints.len() < 2 {
        Some(Check::problem(
            name,
            format!(
                "has {} in course.toml; give at least 2 (the idea, then the code)",
                counted(hints.len(), "hint tier")
            ),
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
    problems.extend(named_problems(course, milestone));
    if !milestone.solution_dir.join("Cargo.toml").is_file() {
        problems
            .push(Check::problem(name, format!("{}/Cargo.toml is missing", course.relative(&milestone.solution_dir))));
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
    problems.extend(named_problems(course, exercise));
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

/// A workload course.toml declares for `grader profile` is a file of the crate's.
fn workload_problem(course: &Course, name: &str, crate_dir: &Path, workload: &Workload) -> Option<Check> {
    let script = crate_dir.join(&workload.script);
    (!script.is_file()).then(|| {
        Check::problem(
            name,
            format!("{} is missing: course.toml's workload names it for `grader profile`", course.relative(&script)),
        )
    })
}

/// What course.toml names in the crate must be there: the file a student
/// edits, and each demonstration among the tests its test files declare.
fn named_problems(course: &Course, exercise: &Exercise) -> Vec<Check> {
    let entry = &exercise.entry;
    let mut problems = Vec::new();
    // The default, src/lib.rs, is every crate's and checked with the layout.
    let edit = exercise.exercise_dir.join(entry.edit_file());
    if entry.edit.is_some() && !edit.is_file() {
        problems.push(Check::problem(
            &entry.name,
            format!("{} is missing: course.toml's `edit` names it as the file to edit", course.relative(&edit)),
        ));
    }
    // The capstone's workload is checked once, with the capstone.
    if let Some(workload) = entry.workload.as_ref().filter(|_| exercise.kind == Kind::Exercise) {
        problems.extend(workload_problem(course, &entry.name, &exercise.exercise_dir, workload));
    }
    let declared = exercise.declared_tests();
    if let Some(unknown) = entry.corruption_test.as_ref().filter(|name| !declared.contains(name)) {
        problems.push(Check::problem(
            &entry.name,
            format!(
                "corruption_test `{unknown}` in course.toml is not a test of {}",
                course.relative(&exercise.exercise_dir)
            ),
        ));
    }
    for unknown in entry.demonstrations.iter().filter(|name| !declared.contains(name)) {
        problems.push(Check::problem(
            &entry.name,
            format!(
                "demonstration `{unknown}` in course.toml is not a test of {}",
                course.relative(&exercise.exercise_dir)
            ),
        ));
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
        let solution = runner::grade(course, &exercise, Variant::Reference, settings, progress);
        findings.push(judge_solution(&solution));
        let stub = runner::grade(course, &exercise, Variant::Student, settings, progress);
        findings.push(judge_stub(&stub, &exercise.entry));
        findings.push(judge_imports(course, &exercise, settings));
    }
    findings
}

/// Whether what the solution imports is allowed to a student: what the
/// stub imports, or what course.toml's `imports` lists — since grading
/// against a student edition has no solution to measure.
fn judge_imports(course: &Course, exercise: &Exercise, settings: &Settings) -> Check {
    let name = &exercise.entry.name;
    let target_dir = course.target_dir();
    let measured = |variant| runner::module_imports(exercise.crate_dir(variant), &target_dir, exercise, settings);
    let (solution, stub) = match (measured(Variant::Reference), measured(Variant::Student)) {
        (Ok(solution), Ok(stub)) => (solution, stub),
        (Err(e), _) | (_, Err(e)) => {
            return Check::problem(name, format!("the test modules could not be built to read their imports: {e:#}"))
        }
    };
    let listed: BTreeSet<Import> = exercise.entry.imports.iter().map(|key| Import::from_key(key)).collect();
    let missing = capability::unlisted(&solution, &stub, &listed);
    if !missing.is_empty() {
        let keys: Vec<String> = missing.iter().map(|import| format!("{:?}", import.key())).collect();
        return Check::problem(
            name,
            format!(
                "the solution imports JavaScript the stub does not, which a submission would be refused for: \
                 add imports = [{}] to its entry in course.toml (or give the stub the same call)",
                keys.join(", ")
            ),
        );
    }
    Check::ok(name, format!("a submission may import what the solution imports ({} imports)", solution.len()))
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

/// The stub must compile and fail, and earn nothing: every test it passes
/// is a demonstration in course.toml, and every demonstration passes on it.
fn judge_stub(report: &ExerciseReport, entry: &ExerciseEntry) -> Check {
    let name = &report.name;
    let total = report.tests.len();
    let failing = total - report.passed_count();
    if let Some(error) = &report.error {
        return Check::problem(
            name,
            format!("exercise as shipped ({}) must compile and fail a test, but: {}", report.crate_dir, error.message),
        );
    }
    if report.status == Status::Pass {
        return Check::problem(
            name,
            format!(
                "exercise as shipped ({}) passes all {total} tests: a student would be done without writing anything",
                report.crate_dir
            ),
        );
    }
    let demonstrated = |test: &TestReport| entry.demonstrations.contains(&test.name);
    let free: Vec<&str> = report
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Pass && !demonstrated(t))
        .map(|t| t.name.as_str())
        .collect();
    if !free.is_empty() {
        return Check::problem(
            name,
            format!(
                "exercise as shipped passes {}, which would earn points for nothing written: list {} in its \
                 demonstrations in course.toml (no points), or make the stub fail {}",
                free.join(", "),
                if free.len() == 1 { "it" } else { "them" },
                if free.len() == 1 { "it" } else { "them" }
            ),
        );
    }
    let unearned: Vec<&str> = report
        .tests
        .iter()
        .filter(|t| t.status != TestStatus::Pass && demonstrated(t))
        .map(|t| t.name.as_str())
        .collect();
    if !unearned.is_empty() {
        return Check::problem(
            name,
            format!(
                "{} fail as shipped, yet course.toml lists them as demonstrations, which carry no points: a \
                 student's work on them would earn nothing — remove them from demonstrations",
                unearned.join(", ")
            ),
        );
    }
    Check::ok(name, format!("exercise as shipped fails {failing}/{total} tests"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::{FakeCourse, FAKE_MANIFEST};

    fn problems(fake: &FakeCourse) -> Vec<(String, String)> {
        check_layout(&fake.course()).into_iter().filter(|c| !c.ok).map(|c| (c.subject, c.detail)).collect()
    }

    /// The one problem found, which must be about `subject` and say `detail`.
    fn only_problem(fake: &FakeCourse, subject: &str, detail: &str) {
        let found = problems(fake);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, subject, "{found:#?}");
        assert!(found[0].1.contains(detail), "{:?} does not say {detail:?}", found[0].1);
    }

    #[test]
    fn a_consistent_course_passes_with_one_summary() {
        let fake = FakeCourse::new();
        let checks = check_layout(&fake.course());
        assert!(passed(&checks), "{checks:#?}");
        assert_eq!(checks.len(), 1);
        assert!(checks[0].detail.contains("2 exercises and 2 capstone milestones"), "{}", checks[0].detail);
        // A sealed, untouched course too.
        let course = fake.course();
        crate::seal::seal(&course).unwrap();
        assert!(passed(&check_layout(&course)));
        assert!(render(&check_layout(&course)).ends_with("verify: the course is consistent.\n"));
    }

    #[test]
    fn a_missing_readme_is_reported_with_the_exercises_name() {
        let fake = FakeCourse::new();
        fake.remove("exercises/02_beta/README.md");
        only_problem(&fake, "beta", "exercises/02_beta/README.md is missing");
        let fake = FakeCourse::new();
        fake.remove("mix/README.md");
        let found = problems(&fake);
        assert_eq!(found.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["mix/buffer", "mix/motions"]);
        assert!(found.iter().all(|(_, d)| d == "mix/README.md is missing"), "{found:?}");
    }

    #[test]
    fn missing_sources_and_tests_are_reported() {
        let fake = FakeCourse::new();
        fake.remove("exercises/01_alpha/src/lib.rs");
        only_problem(&fake, "alpha", "exercises/01_alpha/src/lib.rs is missing");
        let fake = FakeCourse::new();
        fake.remove("solutions/01_alpha/src/lib.rs");
        only_problem(&fake, "alpha", "solutions/01_alpha/src/lib.rs is missing");
        let fake = FakeCourse::new();
        fake.remove("mix/tests/motions.rs");
        only_problem(&fake, "mix/motions", "mix/tests/motions.rs is missing");
    }

    #[test]
    fn a_solution_with_its_own_tests_is_reported() {
        let fake = FakeCourse::new();
        fake.write("solutions/02_beta/tests/extra.rs", "#[test]\nfn extra() {}\n");
        only_problem(&fake, "beta", "solutions/02_beta/tests has its own test files");
    }

    #[test]
    fn a_solution_whose_tests_are_not_the_exercises_is_reported() {
        let fake = FakeCourse::new();
        fake.write("solutions/01_alpha/Cargo.toml", "[package]\nname = \"alpha\"\nversion = \"0.1.0\"\n");
        only_problem(&fake, "alpha", "they point at: nothing");
        let fake = FakeCourse::new();
        let solution = fake.read("solutions/mix/Cargo.toml").replace("mix/tests/motions.rs", "mix/tests/buffer.rs");
        fake.write("solutions/mix/Cargo.toml", &solution);
        only_problem(&fake, "mix/motions", "has no [[test]] pointing at mix/tests/motions.rs");
    }

    #[test]
    fn a_workload_course_toml_names_must_be_in_the_crate() {
        let fake = FakeCourse::new();
        let manifest = fake.read("course.toml").replacen(
            "hints = [\"the idea\", \"the code\"]\n",
            "hints = [\"the idea\", \"the code\"]\n[exercise.workload]\nabout = \"a run\"\nscript = \"profile.js\"\n",
            1,
        );
        fake.write("course.toml", &manifest);
        only_problem(&fake, "alpha", "exercises/01_alpha/profile.js is missing: course.toml's workload names it");
        fake.write("exercises/01_alpha/profile.js", "export default function () {}\n");
        assert!(problems(&fake).is_empty(), "{:?}", problems(&fake));
        let manifest = fake.read("course.toml") + "\n[capstone.workload]\nabout = \"a run\"\nscript = \"profile.js\"\n";
        fake.write("course.toml", &manifest);
        only_problem(&fake, "mix", "mix/profile.js is missing");
    }

    #[test]
    fn an_exercise_directory_not_in_course_toml_is_reported_by_its_name() {
        let fake = FakeCourse::new();
        fake.write("exercises/08_stray/Cargo.toml", "[package]\nname = \"stray\"\n");
        only_problem(&fake, "course", "exercises/08_stray is not listed in course.toml");
        let fake = FakeCourse::new();
        fake.write("solutions/08_stray/Cargo.toml", "[package]\nname = \"stray\"\n");
        only_problem(&fake, "course", "solutions/08_stray is not listed in course.toml");
        // A directory that is no crate (no Cargo.toml) is not an exercise.
        let fake = FakeCourse::new();
        fake.write("exercises/notes/todo.md", "");
        assert!(problems(&fake).is_empty());
    }

    #[test]
    fn the_file_to_edit_and_each_demonstration_must_be_in_the_crate() {
        let fake = FakeCourse::new();
        let alpha = "env = \"any\"\nhints = [\"the idea\", \"the code\"]";
        fake.write("course.toml", &FAKE_MANIFEST.replacen(alpha, &format!("{alpha}\nedit = \"src/work.wat\""), 1));
        only_problem(&fake, "alpha", "exercises/01_alpha/src/work.wat is missing: course.toml's `edit` names it");
        fake.write("exercises/01_alpha/src/work.wat", "(module)\n");
        assert!(problems(&fake).is_empty());
        let fake = FakeCourse::new();
        fake.write("course.toml", &FAKE_MANIFEST.replacen(alpha, &format!("{alpha}\ndemonstrations = [\"gone\"]"), 1));
        only_problem(&fake, "alpha", "demonstration `gone` in course.toml is not a test of exercises/01_alpha");
    }

    /// The stub's report: `passing` pass, the others fail.
    fn stub(tests: &[&str], passing: &[&str]) -> ExerciseReport {
        use crate::model::fixtures::{exercise, test};
        let tests = tests
            .iter()
            .map(|name| {
                let status = if passing.contains(name) { TestStatus::Pass } else { TestStatus::Fail };
                test(name, status, None)
            })
            .collect();
        exercise("e", Status::Fail, tests, None)
    }

    #[test]
    fn a_stub_earns_nothing_every_test_it_passes_is_a_demonstration_and_no_other() {
        let demonstrating = |names: &str| crate::manifest::tests::entry(&format!("demonstrations = [{names}]"));
        let shown = stub(&["shown", "work"], &["shown"]);
        let free = judge_stub(&shown, &demonstrating(""));
        assert!(!free.ok && free.detail.contains("passes shown, which would earn points for nothing"), "{free:?}");
        assert!(judge_stub(&shown, &demonstrating("\"shown\"")).ok);
        let unearned = judge_stub(&stub(&["shown", "work"], &[]), &demonstrating("\"shown\""));
        assert!(!unearned.ok && unearned.detail.starts_with("shown fail as shipped"), "{unearned:?}");
        let done = judge_stub(&ExerciseReport { status: Status::Pass, ..stub(&["a"], &["a"]) }, &demonstrating(""));
        assert!(!done.ok && done.detail.contains("passes all 1 tests"), "{done:?}");
    }

    #[test]
    fn fewer_than_two_hint_tiers_or_an_empty_one_is_reported_by_name() {
        let fake = FakeCourse::new();
        fake.write(
            "course.toml",
            &FAKE_MANIFEST.replace(
                "hints = [\"the idea\", \"the code\"]\n\n[[exercise]]",
                "hints = [\"everything\"]\n\n[[exercise]]",
            ),
        );
        only_problem(&fake, "alpha", "has 1 hint tier in course.toml; give at least 2");
        let fake = FakeCourse::new();
        fake.write(
            "course.toml",
            &FAKE_MANIFEST.replace("hints = [\"the idea\", \"the shape\", \"the code\"]", "hints = []"),
        );
        only_problem(&fake, "beta", "has 0 hint tiers");
        let fake = FakeCourse::new();
        fake.write(
            "course.toml",
            &FAKE_MANIFEST
                .replace("hints = [\"the idea\", \"the shape\", \"the code\"]", "hints = [\"idea\", \" \\n \"]"),
        );
        only_problem(&fake, "beta", "has an empty hint tier");
        let fake = FakeCourse::new();
        let one_tier = FAKE_MANIFEST.replacen(
            "points = 20\nhints = [\"the idea\", \"the code\"]",
            "points = 20\nhints = [\"all\"]",
            1,
        );
        assert_ne!(one_tier, FAKE_MANIFEST);
        fake.write("course.toml", &one_tier);
        only_problem(&fake, "mix/buffer", "has 1 hint tier");
    }

    #[test]
    fn lockfiles_that_pin_different_wasm_bindgens_are_reported() {
        let fake = FakeCourse::new();
        fake.write("solutions/Cargo.lock", &fake.read("solutions/Cargo.lock").replace("0.2.100", "0.2.99"));
        only_problem(&fake, "course", "Cargo.lock pins wasm-bindgen 0.2.100 but solutions/Cargo.lock pins 0.2.99");
        let fake = FakeCourse::new();
        fake.remove("Cargo.lock");
        only_problem(&fake, "course", "cannot read");
    }

    #[test]
    fn a_stub_or_solution_page_outside_the_grammar_is_reported_where() {
        let fake = FakeCourse::new();
        fake.write("solutions/02_beta/page.js", "export function run(lib, items) {\n  return lib.total;\n}\n");
        only_problem(&fake, "beta", "solutions/02_beta/page.js:2:14: the member `.total` is not allowed here");
        let fake = FakeCourse::new();
        fake.write("exercises/02_beta/page.js", "export function run() {\n  return globalThis;\n}\n");
        only_problem(&fake, "beta", "exercises/02_beta/page.js:2:10: `globalThis` is not allowed here");
    }

    #[test]
    fn a_stale_seal_is_reported_with_the_file() {
        let fake = FakeCourse::new();
        let course = fake.course();
        crate::seal::seal(&course).unwrap();
        fake.write("exercises/01_alpha/tests/alpha.rs", "// changed after sealing\n");
        only_problem(&fake, "seal", "exercises/01_alpha/tests/alpha.rs: differs from course.seal.json");
    }

    #[test]
    fn several_problems_are_each_reported_and_counted() {
        let fake = FakeCourse::new();
        fake.remove("exercises/01_alpha/README.md");
        fake.write("solutions/02_beta/tests/extra.rs", "");
        fake.write("exercises/09_extra/Cargo.toml", "");
        let checks = check_layout(&fake.course());
        assert!(!passed(&checks));
        let subjects: Vec<&str> = checks.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["alpha", "beta", "course"]);
        let text = render(&checks);
        assert!(text.contains("alpha: exercises/01_alpha/README.md is missing"), "{text}");
        assert!(text.ends_with("verify: 3 problems to fix.\n"), "{text}");
    }
}
