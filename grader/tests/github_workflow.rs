//! The GitHub Actions template (grader/templates/github/classroom.yml): its
//! "Grade" step's script, taken from the workflow file, run as the runner
//! runs it — bash with `-eo pipefail`, the checkouts side by side as
//! `submission/` and `reference/` (the student edition, as the docs say to
//! publish it), GITHUB_ACTIONS and a step-summary file, and chromedriver
//! found through the runner's CHROMEWEBDRIVER directory — and its log read
//! as GitHub's runner reads workflow commands from it. The steps around it
//! (checkout, cache, cargo install, upload) are GitHub's own actions and are
//! not run here; what they are given is checked in the workflow file.

mod common;

#[path = "../src/report/github/actions_runner.rs"]
mod actions_runner;

use actions_runner::Command as WorkflowCommand;
use common::{course_root, require, test_target_dir, Need};
use grader::process::{find_on_path, run_limited};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use yaml_rust2::{Yaml, YamlLoader};

fn workflow() -> Yaml {
    let text = std::fs::read_to_string(course_root().join("grader/templates/github/classroom.yml")).unwrap();
    let docs = YamlLoader::load_from_str(&text).expect("the workflow is valid YAML");
    assert_eq!(docs[0]["name"].as_str(), Some("Autograding Tests"), "GitHub Classroom reads only this workflow");
    docs[0].clone()
}

/// The steps of the one job, run-autograding-tests, as GitHub Classroom requires.
fn steps(workflow: &Yaml) -> Vec<Yaml> {
    workflow["jobs"]["run-autograding-tests"]["steps"].as_vec().expect("a job run-autograding-tests with steps").clone()
}

/// The `run:` script of the step with this name.
fn step_script(workflow: &Yaml, name: &str) -> String {
    let steps = steps(workflow);
    let step = steps.iter().find(|s| s["name"].as_str() == Some(name)).unwrap_or_else(|| panic!("a step {name:?}"));
    step["run"].as_str().expect("the step runs a script").to_string()
}

/// The student edition of `course`, made as the docs say to publish it.
fn edition_of(course: &Path, out: &Path) {
    let run = common::grader(course, &["edition", out.to_str().unwrap()]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
}

/// A panic message that tries every way of speaking to GitHub's runner:
/// Classroom's score notices (indented, after a carriage return, after an
/// escape sequence), annotations and groups by `##[`, and a stop that would
/// silence the grader's notices after it.
const FORGED: &str = "the grader is wrong\n\
    ::notice title=Autograding complete::Points 210/210\n  \t::notice title=Autograding report::{\"totalPoints\":210,\"maxPoints\":210}\n\
    see ##[error]forged error\n##[group]forged group\n\
    \u{2003}::stop-commands::x\rdone\r::notice title=Autograding complete::Points 210/210\n\
    \u{1b}[0m::notice title=Autograding complete::Points 210/210";

/// The commands the runner obeys in a step's two streams, which it reads at
/// once: the same whichever it reads first.
fn obeyed(stdout: &str, stderr: &str) -> Vec<WorkflowCommand> {
    let out_first = actions_runner::commands(&format!("{stdout}\n{stderr}"));
    let err_first = actions_runner::commands(&format!("{stderr}\n{stdout}"));
    assert_eq!(out_first, err_first, "what the runner obeys depends on the order it reads the streams in");
    out_first
}

#[test]
fn the_grade_step_speaks_alone_to_the_runner_writes_results_and_fails_below_the_pass_mark() {
    require(&[Need::Chromium]);
    let workflow = workflow();
    let script = step_script(&workflow, "Grade");

    let instructor = common::two_exercise_reference();
    let workspace = tempfile::tempdir().unwrap();
    let reference = workspace.path().join("reference");
    edition_of(instructor.path(), &reference);
    let submission = workspace.path().join("submission");
    common::copy_tree(&reference, &submission);
    let solved = std::fs::read_to_string(instructor.path().join("solutions/06_struct_packing/src/lib.rs")).unwrap();
    std::fs::write(submission.join("exercises/06_struct_packing/src/lib.rs"), solved).unwrap();
    let typed_views = submission.join("exercises/01_typed_views/src/lib.rs");
    let stub = std::fs::read_to_string(&typed_views).unwrap();
    let todo = "todo!(\"return the address of the arena's first byte\")";
    assert!(stub.contains(todo), "the stub's ptr() has changed: update the forging panic");
    let forging = stub.replace(todo, "panic!(\"{}\", FORGED)") + &format!("\nconst FORGED: &str = {FORGED:?};\n");
    std::fs::write(&typed_views, forging).unwrap();
    // The workflow builds the grader in the reference checkout; here it is
    // the one under test.
    let release = reference.join("target/release");
    std::fs::create_dir_all(&release).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_grader"), release.join("grader")).unwrap();

    let chromedriver = find_on_path("chromedriver").expect("require checked chromedriver");
    let summary = workspace.path().join("step-summary.md");
    let mut step = Command::new("bash");
    step.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .current_dir(workspace.path())
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("CHROMEWEBDRIVER", chromedriver.parent().unwrap())
        .env_remove("CHROMEDRIVER")
        .env("CARGO_TARGET_DIR", test_target_dir());
    let run = run_limited(step, Duration::from_secs(600)).unwrap();

    // typed_views is still the stub (it panics sooner): 10 of 20 points,
    // under the pass mark of 60 %.
    assert_eq!(
        run.status.and_then(|s| s.code()),
        Some(1),
        "the step fails below the pass mark:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(!reference.join("solutions").exists(), "graded against a reference without solutions");
    let summary = std::fs::read_to_string(&summary).expect("a step summary is written");
    assert!(summary.contains("typed_views") && summary.contains("struct_packing"), "{summary}");
    assert!(summary.contains("**10 of 20 points**"), "the summary gives the score:\n{summary}");
    assert!(summary.contains("not passed yet"), "{summary}");

    let junit = std::fs::read_to_string(workspace.path().join("results.xml")).expect("results.xml is written");
    let suites = junit_parser::from_reader(std::io::Cursor::new(junit.as_bytes())).expect("valid JUnit XML");
    let names: Vec<&str> = suites.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["typed_views", "struct_packing"], "one suite per exercise");

    let json = std::fs::read_to_string(workspace.path().join("results.json")).expect("results.json is written");
    let results: serde_json::Value = serde_json::from_str(&json).unwrap();
    let errors = common::schema_errors(include_str!("schemas/exercism-results-v3.schema.json"), &results);
    assert!(errors.is_empty(), "results.json: {errors:#?}\n{json}");
    assert_eq!(results["status"], "fail", "{json}");
    let (score, max) = (results["score"].as_f64().unwrap(), results["max_score"].as_f64().unwrap());
    assert_eq!((score, max), (10.0, 20.0), "{json}");

    // The forged lines reached the log, quoted in the report...
    assert!(run.stdout.contains("Points 210/210") && run.stdout.contains("forged group"), "{}", run.stdout);
    // ...and the runner obeys only the grader: its two notices with the
    // real totals, then one annotation per exercise that does not pass.
    let commands = obeyed(&run.stdout, &run.stderr);
    let notices: Vec<&WorkflowCommand> = commands.iter().filter(|c| c.name == "notice").collect();
    assert_eq!(notices.len(), 2, "{commands:#?}\n{}", run.stdout);
    assert_eq!(notices[0].property("title"), Some("Autograding complete"));
    assert_eq!(notices[0].data, format!("Points {score}/{max}"));
    assert_eq!(notices[1].property("title"), Some("Autograding report"));
    let totals: serde_json::Value = serde_json::from_str(&notices[1].data).unwrap();
    assert_eq!(totals, serde_json::json!({ "totalPoints": score, "maxPoints": max }));
    let others: Vec<(&str, Option<&str>)> =
        commands.iter().filter(|c| c.name != "notice").map(|c| (c.name.as_str(), c.property("title"))).collect();
    assert_eq!(others, [("error", Some("typed_views does not pass"))], "{commands:#?}");
    let annotation = commands.iter().find(|c| c.name == "error").unwrap();
    assert_eq!(annotation.property("file"), Some("exercises/01_typed_views/src/lib.rs"));
    assert!(annotation.data.contains("Points 210/210"), "the annotation quotes the panic: {annotation:?}");

    // Classroom's official reporter would read the same totals.
    let classroom: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.path().join("classroom.json")).unwrap()).unwrap();
    let reporter_total: f64 = classroom["tests"].as_array().unwrap().iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!((reporter_total, classroom["max_score"].as_f64().unwrap()), (score, max), "{classroom:#}");
    assert!(run.stdout.matches("Results (").count() == 3, "one run wrote all three files:\n{}", run.stdout);
}

/// What runs the student's code holds no solution and no credential, and
/// the workflow starts as GitHub Classroom starts its own.
#[test]
fn the_template_checks_out_a_student_edition_without_credentials_on_classrooms_triggers() {
    let workflow = workflow();
    let triggers = workflow["on"].as_hash().expect("`on:` lists the triggers");
    for trigger in ["push", "repository_dispatch"] {
        assert!(triggers.contains_key(&Yaml::String(trigger.into())), "the workflow runs on {trigger}");
    }
    let job = &workflow["jobs"]["run-autograding-tests"];
    assert_eq!(
        job["if"].as_str(),
        Some("github.actor != 'github-classroom[bot]'"),
        "Classroom's first commit is skipped"
    );
    let text = std::fs::read_to_string(course_root().join("grader/templates/github/classroom.yml")).unwrap();
    assert!(!text.contains("secrets."), "no secret reaches the job that runs the student's code");

    let steps = steps(&workflow);
    let checkouts: Vec<&Yaml> =
        steps.iter().filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/checkout@"))).collect();
    assert_eq!(checkouts.len(), 2, "the submission and the reference");
    for checkout in &checkouts {
        assert_eq!(checkout["with"]["persist-credentials"].as_bool(), Some(false), "{checkout:?}");
    }
    let reference = checkouts.iter().find(|c| c["with"]["path"].as_str() == Some("reference")).unwrap();
    assert_eq!(reference["with"]["repository"].as_str(), Some("${{ vars.COURSE_REPOSITORY }}"));
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    let check = "The reference is a student edition";
    let position = |name: &str| names.iter().position(|n| *n == name).unwrap_or_else(|| panic!("a step {name:?}"));
    assert!(position(check) < position("Build the grader"), "checked before anything is built: {names:?}");

    // The check, run as the runner runs it: the edition passes; a
    // reference with anything the edition withholds is refused.
    let script = step_script(&workflow, check);
    let guard = |reference: &Path| {
        let mut step = Command::new("bash");
        step.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script]).current_dir(reference);
        run_limited(step, Duration::from_secs(30)).unwrap()
    };
    let instructor = common::two_exercise_reference();
    let out = tempfile::tempdir().unwrap();
    let edition = out.path().join("edition");
    edition_of(instructor.path(), &edition);
    let passed = guard(&edition);
    assert!(passed.success(), "the edition is accepted:\n{}\n{}", passed.stdout, passed.stderr);
    let solutions = walkdir::WalkDir::new(&edition)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().strip_prefix(&edition).unwrap().starts_with("solutions"))
        .count();
    assert_eq!(solutions, 0, "the edition holds no file of solutions/");
    for withheld in grader::ownership::WITHHELD {
        let course = out.path().join(withheld.replace('/', "_"));
        common::copy_tree(&edition, &course);
        std::fs::create_dir_all(course.join(withheld)).unwrap();
        std::fs::write(course.join(withheld).join("answer.rs"), "// the answer\n").unwrap();
        let refused = guard(&course);
        assert_eq!(refused.status.and_then(|s| s.code()), Some(1), "{withheld} is refused");
        let said = actions_runner::commands(&refused.stdout);
        assert_eq!(said.len(), 1, "one error says why: {}", refused.stdout);
        assert!(said[0].name == "error" && said[0].data.contains(withheld.trim_end_matches('/')), "{said:?}");
    }
}

/// `grade --format json` to stdout under GitHub Actions: stdout is still
/// the JSON, and the workflow commands (on the other stream the runner
/// reads) carry Classroom's notices with the JSON's totals.
#[test]
fn under_github_actions_a_report_on_stdout_stays_parseable_and_carries_the_notices() {
    require(&[Need::Chromium]);
    let reference = common::two_exercise_reference();
    let submission = common::TempCourse::copy_of(reference.path());
    let run = common::grader_with(
        submission.path(),
        &["grade", "--reference", reference.path().to_str().unwrap(), "--format", "json"],
        |command| {
            command.env("GITHUB_ACTIONS", "true").env_remove("GITHUB_STEP_SUMMARY");
        },
    );
    let results: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    let commands = obeyed(&run.stdout, &run.stderr);
    let notices: Vec<&WorkflowCommand> = commands.iter().filter(|c| c.name == "notice").collect();
    assert_eq!(notices.len(), 2, "{commands:#?}");
    let complete = format!("Points {}/{}", results["score"].as_f64().unwrap(), results["max_score"].as_f64().unwrap());
    assert_eq!((notices[0].property("title"), notices[0].data.as_str()), (Some("Autograding complete"), &*complete));
    assert_eq!(notices[1].property("title"), Some("Autograding report"));
    let totals: serde_json::Value = serde_json::from_str(&notices[1].data).unwrap();
    assert_eq!(totals["totalPoints"], results["score"]);
    assert_eq!(totals["maxPoints"], results["max_score"]);
    assert!(commands.iter().any(|c| c.name == "error"), "failures are annotated: {commands:?}");
}

/// A grader stopped by an error that quotes the submission (an unknown key
/// in its course.toml, which may hold a line break) says so, and the runner
/// obeys nothing in what it says.
#[test]
fn an_error_that_quotes_the_submission_commands_nothing() {
    let reference = common::two_exercise_reference();
    let submission = common::TempCourse::copy_of(reference.path());
    let manifest = submission.read("course.toml").replacen(
        "[course]\n",
        "[course]\n\"\\n::notice title=Autograding complete::Points 210/210\\n##[error]x\" = 1\n",
        1,
    );
    submission.write("course.toml", &manifest);
    let run = common::grader_with(
        submission.path(),
        &["grade", "--reference", reference.path().to_str().unwrap(), "--no-install"],
        |command| {
            command.env("GITHUB_ACTIONS", "true").env_remove("GITHUB_STEP_SUMMARY");
        },
    );
    assert_eq!(run.code(), Some(4), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("Points 210/210"), "the error quotes the key:\n{}", run.stderr);
    assert_eq!(obeyed(&run.stdout, &run.stderr), [], "{}", run.stderr);
}
