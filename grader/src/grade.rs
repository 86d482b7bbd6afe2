//! Grading the course: each exercise in curriculum order, then the
//! capstone — announced while exercises remain, graded per milestone after
//! (or always, when grading a submission for points).
//!
//! With `jobs > 1` every crate's tests are first compiled in one cargo
//! invocation (cargo builds crates in parallel itself, and nobody waits on
//! its lock), then the exercises are tested side by side, each still in its
//! own process group under its own limit. Exercises whose inputs did not
//! change since their last graded run come from the cache.

use crate::cache::{self, Cache};
use crate::costs;
use crate::discover::{package_name, Course, Exercise, Variant};
use crate::hints;
use crate::model::Sandbox;
use crate::model::{
    CapstoneStatus, Change, CourseReport, Engine, ErrorKind, ExerciseReport, Finding, GradeError, Status,
};
use crate::process::Wall;
use crate::progress::{Observer, Phase};
use crate::runner;
use crate::sandbox::Confiner;
use crate::settings::{Reference, Settings};
use crate::submission;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Grades `exercises`, in their order in the result whatever the order they
/// finish in.
pub fn grade_exercises(
    course: &Course,
    exercises: &[Exercise],
    variant: Variant,
    settings: &Settings,
    progress: &dyn Observer,
) -> Vec<ExerciseReport> {
    let cache = Cache::new(&course.root);
    let keys: Vec<cache::Key> = exercises.iter().map(|e| cache::key(course, e, variant, settings)).collect();
    let mut reports: Vec<Option<ExerciseReport>> = exercises
        .iter()
        .zip(&keys)
        .map(|(e, key)| if settings.cache { cache.load(e, variant, key) } else { None })
        .collect();
    for (exercise, report) in exercises.iter().zip(&reports) {
        if let Some(report) = report {
            progress.phase(&exercise.entry.name, Phase::Graded(report.status));
        }
    }
    let pending: Vec<usize> = (0..exercises.len()).filter(|&i| reports[i].is_none()).collect();
    if settings.jobs > 1 && pending.len() > 1 {
        prebuild(course, pending.iter().map(|&i| &exercises[i]), variant, settings, progress);
    }

    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.clamp(1, pending.len().max(1)) {
            scope.spawn(|| {
                while let Some(&index) = pending.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let exercise = &exercises[index];
                    let report = grade_one(course, exercise, variant, settings, progress);
                    progress.phase(&exercise.entry.name, Phase::Graded(report.status));
                    // A result the run's time budget cut short, or never
                    // began, says nothing about the code: it is not kept.
                    let current = keys[index].after_grading(cache::key(course, exercise, variant, settings));
                    if let Some(key) = current.filter(|_| !budget_spent(settings)) {
                        cache.store(exercise, variant, &key, &report);
                    }
                    done.lock().unwrap().push((index, report));
                }
            });
        }
    });
    for (index, report) in done.into_inner().unwrap() {
        reports[index] = Some(report);
    }
    let mut reports: Vec<ExerciseReport> =
        reports.into_iter().map(|r| r.expect("every exercise graded or cached")).collect();
    hints::annotate(course, &mut reports);
    reports
}

/// Whether the run's time budget has run out.
fn budget_spent(settings: &Settings) -> bool {
    settings.deadline.is_some_and(|deadline| Instant::now() >= deadline)
}

/// One exercise, unless the run's time budget is spent.
fn grade_one(
    course: &Course,
    exercise: &Exercise,
    variant: Variant,
    settings: &Settings,
    progress: &dyn Observer,
) -> ExerciseReport {
    if budget_spent(settings) {
        return runner::not_graded(
            course,
            exercise,
            variant,
            settings.toolbox.engine,
            GradeError {
                kind: ErrorKind::Timeout,
                message: "not graded: the run's time budget ran out before this exercise's turn".into(),
            },
        );
    }
    let mut report = runner::grade(course, exercise, variant, settings, progress);
    // A step the budget cut short names its own limit, which is not what
    // ran out: say so.
    if budget_spent(settings) {
        if let Some(error) = report.error.as_mut().filter(|error| error.kind == ErrorKind::Timeout) {
            error.message = format!("the run's time budget ran out while grading this exercise: {}", error.message);
        }
    }
    report
}

/// Compiles the tests of every crate to grade in one cargo invocation. Its
/// outcome is not read here: each exercise's own build step then finds its
/// crate built (or reports its compile error) in a moment.
fn prebuild<'a>(
    course: &Course,
    exercises: impl Iterator<Item = &'a Exercise>,
    variant: Variant,
    settings: &Settings,
    progress: &dyn Observer,
) {
    let mut packages: Vec<String> = Vec::new();
    // The crates of one variant share a workspace (the course's, or the
    // solutions'): cargo finds it from the first crate's directory.
    let mut workspace = None;
    for exercise in exercises {
        workspace.get_or_insert_with(|| exercise.crate_dir(variant).to_path_buf());
        if let Some(name) = package_name(exercise.crate_dir(variant)) {
            if !packages.contains(&name) {
                packages.push(name);
            }
        }
    }
    let Some(workspace) = workspace else { return };
    progress.phase("all exercises", Phase::Building { first: crate::tools::first_build(&course.target_dir()) });
    let mut build = crate::wasm_build::cargo("build", &workspace, &course.target_dir(), &settings.toolbox);
    build.args(["--tests", "--keep-going", "--quiet"]).args(packages.iter().flat_map(|p| ["-p", p.as_str()]));
    let limit = settings.limit(settings.build_timeout);
    // Failures are each exercise's to report, with its own message.
    let _ = runner::run_submission(course, build, &mut Wall::new(limit), settings, "cargo", |_, _| ());
}

/// Grades the student's copy of every exercise, then the capstone.
pub fn grade_course(course: &Course, settings: &Settings, progress: &dyn Observer) -> CourseReport {
    let started = Instant::now();
    let exercises = grade_exercises(course, &course.exercises(), Variant::Student, settings, progress);
    let capstone = capstone_status(course, &exercises, settings, progress);
    CourseReport {
        title: course.manifest.course.title.clone(),
        engine: settings.toolbox.engine,
        notices: settings.toolbox.notices.clone(),
        exercises,
        capstone,
        findings: Vec::new(),
        pass_mark: course.manifest.defaults.pass_mark,
        duration: started.elapsed(),
        sandbox: settings.reference.as_ref().map_or(Sandbox::None, |r| r.confiner.sandbox()),
        stdout_visibility: course.manifest.defaults.stdout_visibility,
        costs: None,
    }
}

/// The course as the student has it (`check`, the HTML page): graded,
/// with the protected files changed since the instructor sealed them.
pub fn grade_own_copy(course: &Course, settings: &Settings, progress: &dyn Observer) -> CourseReport {
    let mut report = grade_course(course, settings, progress);
    report.findings = crate::seal::check_seal(course);
    report
}

/// Grades a student's copy against the instructor's reference: staged from
/// the reference plus the student's editable files (see
/// [`crate::submission`]), every exercise and milestone graded for points,
/// the findings attached. Never fails: a submission that cannot be staged,
/// or tools that cannot be prepared, give a report saying why, naming
/// `runner` as the engine.
pub fn grade_against_reference(
    student: &Path,
    reference: &Course,
    work: &Path,
    engine: Engine,
    settings_for: impl FnOnce(&Course) -> anyhow::Result<Settings>,
    progress: &dyn Observer,
) -> CourseReport {
    let staged = submission::stage(student, reference, work)
        .and_then(|staged| Ok((Course::open(&staged.root)?, staged.findings)));
    let (course, findings) = match staged {
        Ok(staged) => staged,
        Err(error) => return ungraded_course(reference, engine, &format!("{error:#}")),
    };
    let settings = match settings_for(&course) {
        Ok(settings) => {
            let target_dir = reference.target_dir().join("grader-reference");
            let confiner = Confiner::detect();
            let mut settings = settings;
            if let Confiner::Unavailable(why) = &confiner {
                settings.toolbox.notices.push(why.clone());
            }
            let reference = Reference::new(reference.root.clone(), target_dir, confiner);
            Settings { capstone_always: true, reference: Some(reference), ..settings }
        }
        Err(error) => {
            let mut report = ungraded_course(&course, engine, &format!("{error:#}"));
            report.findings = findings;
            return report;
        }
    };
    let mut report = grade_course(&course, &settings, progress);
    fail_forbidden(&course, &mut report, &findings);
    report.findings = findings;
    // What only grading could see (a report that contradicts itself, files
    // the compiler read outside the editable ones) is a finding too.
    let caught: Vec<&ExerciseReport> = report
        .graded()
        .filter(|e| e.error.as_ref().is_some_and(|error| error.kind == ErrorKind::Integrity))
        .filter(|e| !report.findings.iter().any(|f| course.path(&f.path).within(&course.path(&e.crate_dir))))
        .collect();
    let seen_while_grading: Vec<Finding> = caught
        .iter()
        .map(|e| Finding {
            path: e.source_file.clone(),
            change: Change::Forbidden,
            message: format!(
                "{}: {}",
                e.name,
                e.error.as_ref().map(|error| error.message.as_str()).unwrap_or_default()
            ),
        })
        .collect();
    // Those crates are graded again as shipped, so a rule broken where only
    // grading could see it scores what the untouched stub scores, as one
    // broken in the files does.
    let caught: Vec<String> = caught.iter().map(|e| e.crate_dir.clone()).collect();
    report.findings.extend(seen_while_grading);
    if !caught.is_empty() && submission::stage_as_shipped(reference, &course.root, &caught).is_ok() {
        let again: Vec<Exercise> = course
            .exercises()
            .into_iter()
            .chain(course.milestones())
            .filter(|e| caught.contains(&course.relative(e.crate_dir(Variant::Student))))
            .collect();
        for shipped in grade_exercises(&course, &again, Variant::Student, &settings, progress) {
            if let Some(graded) = report.graded_mut().find(|e| e.name == shipped.name) {
                let error = graded.error.take();
                *graded = ExerciseReport { status: Status::Error, error, ..shipped };
            }
        }
    }
    if settings.costs {
        progress.doing("measuring what the capstone costs");
        report.costs = Some(costs::measure(&course, &report, &settings));
    }
    report
}

/// `grader grade`: a submission for points, the capstone included —
/// against the instructor's `reference` when given (staged in `work`).
/// Never fails: tools that cannot be prepared give a report saying why,
/// naming `engine` as the engine asked for.
pub fn grade_submission(
    submitted: &Course,
    reference: Option<(&Course, &Path)>,
    engine: Engine,
    settings_for: impl FnOnce(&Course) -> anyhow::Result<Settings>,
    progress: &dyn Observer,
) -> CourseReport {
    match reference {
        None => match settings_for(submitted) {
            Ok(settings) => grade_course(submitted, &Settings { capstone_always: true, ..settings }, progress),
            Err(error) => ungraded_course(submitted, engine, &format!("{error:#}")),
        },
        Some((reference, work)) => {
            grade_against_reference(&submitted.root, reference, work, engine, settings_for, progress)
        }
    }
}

/// An exercise whose editable files broke the rules was graded as shipped;
/// it also fails, with the findings as its reason.
fn fail_forbidden(course: &Course, report: &mut CourseReport, findings: &[Finding]) {
    for exercise in report.graded_mut() {
        let crate_dir = course.path(&exercise.crate_dir);
        let reasons: Vec<&str> = findings
            .iter()
            .filter(|f| f.change == Change::Forbidden && course.path(&f.path).within(&crate_dir))
            .map(|f| f.message.as_str())
            .collect();
        if !reasons.is_empty() {
            exercise.status = Status::Error;
            exercise.error = Some(GradeError { kind: ErrorKind::Integrity, message: reasons.join("\n") });
        }
    }
}

/// A run in which nothing could be graded (a tool is missing, the
/// submission could not be staged): every exercise and milestone is an
/// error with the reason, so a result file is still written.
pub fn ungraded_course(course: &Course, engine: Engine, reason: &str) -> CourseReport {
    let error = GradeError { kind: ErrorKind::Infrastructure, message: format!("not graded: {reason}") };
    let grade = |e: &Exercise| runner::not_graded(course, e, Variant::Student, engine, error.clone());
    let capstone = course.manifest.capstone.as_ref().map(|c| CapstoneStatus::Graded {
        name: c.name.clone(),
        title: c.title.clone(),
        milestones: course.milestones().iter().map(grade).collect(),
    });
    CourseReport {
        title: course.manifest.course.title.clone(),
        engine,
        notices: Vec::new(),
        exercises: course.exercises().iter().map(grade).collect(),
        capstone,
        findings: Vec::new(),
        pass_mark: course.manifest.defaults.pass_mark,
        duration: std::time::Duration::ZERO,
        sandbox: Sandbox::None,
        stdout_visibility: course.manifest.defaults.stdout_visibility,
        costs: None,
    }
}

/// The capstone is graded, milestone by milestone, once every exercise
/// passes; until then it is announced with its milestones.
fn capstone_status(
    course: &Course,
    exercises: &[ExerciseReport],
    settings: &Settings,
    progress: &dyn Observer,
) -> Option<CapstoneStatus> {
    let capstone = course.manifest.capstone.as_ref()?;
    let name = capstone.name.clone();
    let title = capstone.title.clone();
    if capstone.milestones.is_empty() {
        return Some(CapstoneStatus::NotAvailable { name, title });
    }
    let remaining = exercises.iter().filter(|e| e.status != Status::Pass).count();
    if remaining > 0 && !settings.capstone_always {
        let milestones = capstone.milestones.iter().map(|m| m.title.clone()).collect();
        let milestone_points =
            course.manifest.milestone_entries().iter().map(|m| course.manifest.points(m).into()).collect();
        return Some(CapstoneStatus::Locked { name, title, remaining, milestones, milestone_points });
    }
    let milestones = grade_exercises(course, &course.milestones(), Variant::Student, settings, progress);
    Some(CapstoneStatus::Graded { name, title, milestones })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::{FakeCourse, FAKE_MANIFEST};

    #[test]
    fn next_names_the_file_course_toml_says_the_student_edits() {
        let fake = FakeCourse::new();
        let alpha = "env = \"any\"\nhints = [\"the idea\", \"the code\"]";
        fake.write("course.toml", &FAKE_MANIFEST.replacen(alpha, &format!("{alpha}\nedit = \"src/work.wat\""), 1));
        let report = ungraded_course(&fake.course(), Engine::Node, "no tools here");
        let files: Vec<&str> = report.graded().map(|e| e.source_file.as_str()).collect();
        assert_eq!(
            files,
            ["exercises/01_alpha/src/work.wat", "exercises/02_beta/src/lib.rs", "mix/src/lib.rs", "mix/src/lib.rs"]
        );
        let text = crate::report::human::course(&report);
        assert!(text.contains("next: alpha (edit exercises/01_alpha/src/work.wat)"), "{text}");
    }

    #[test]
    fn what_a_spent_time_budget_left_ungraded_is_never_cached() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut settings =
            Settings::new(crate::tools::Toolbox::absent(Engine::Node), std::time::Duration::from_secs(1));
        settings.deadline = Some(Instant::now());
        let exercises = course.select("alpha").unwrap();
        let reports = grade_exercises(&course, &exercises, Variant::Student, &settings, &crate::progress::Quiet);
        let error = reports[0].error.as_ref().expect("not graded");
        assert_eq!(error.kind, ErrorKind::Timeout);
        assert!(error.message.contains("time budget ran out"), "{}", error.message);
        // Graded again with time to spare, it is not that report.
        let key = cache::key(&course, &exercises[0], Variant::Student, &settings);
        assert!(Cache::new(&course.root).load(&exercises[0], Variant::Student, &key).is_none(), "it was cached");
    }
}
