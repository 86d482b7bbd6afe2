//! The GitHub Actions template (grader/templates/github/classroom.yml): its
//! "Grade" step's script, taken from the workflow file, run as the runner
//! runs it — bash with `-eo pipefail`, the checkouts side by side as
//! `submission/` and `reference/`, GITHUB_ACTIONS and a step-summary file,
//! and chromedriver found through the runner's CHROMEWEBDRIVER directory.
//! The steps around it (checkout, cache, cargo install, upload) are GitHub's
//! own actions and are not run here.

mod common;

use common::{course_root, require, test_target_dir, Need};
use grader::process::{find_on_path, run_limited};
use std::process::Command;
use std::time::Duration;
use yaml_rust2::YamlLoader;

/// The `run:` script of the step with this name.
fn step_script(workflow: &str, name: &str) -> String {
    let docs = YamlLoader::load_from_str(workflow).expect("the workflow is valid YAML");
    assert_eq!(docs[0]["name"].as_str(), Some("Autograding Tests"), "GitHub Classroom reads only this workflow");
    let steps = docs[0]["jobs"]["run-autograding-tests"]["steps"]
        .as_vec()
        .expect("one job, run-autograding-tests, as GitHub Classroom requires");
    let step = steps.iter().find(|s| s["name"].as_str() == Some(name)).unwrap_or_else(|| panic!("a step {name:?}"));
    step["run"].as_str().expect("the step runs a script").to_string()
}

#[test]
fn the_grade_step_writes_results_a_summary_and_annotations_and_fails_below_the_pass_mark() {
    require(&[Need::Chromium]);
    let workflow = std::fs::read_to_string(course_root().join("grader/templates/github/classroom.yml")).unwrap();
    let script = step_script(&workflow, "Grade");

    let reference = common::two_exercise_reference();
    let workspace = tempfile::tempdir().unwrap();
    common::copy_tree(reference.path(), &workspace.path().join("reference"));
    let submission = workspace.path().join("submission");
    common::copy_tree(reference.path(), &submission);
    let solved = std::fs::read_to_string(submission.join("solutions/06_struct_packing/src/lib.rs")).unwrap();
    std::fs::write(submission.join("exercises/06_struct_packing/src/lib.rs"), solved).unwrap();
    // The workflow builds the grader in the reference checkout; here it is
    // the one under test.
    let release = workspace.path().join("reference/target/release");
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

    // typed_views is still the stub: 10 of 20 points, under the pass mark of 60 %.
    assert_eq!(
        run.status.and_then(|s| s.code()),
        Some(1),
        "the step fails below the pass mark:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("::error file=exercises/01_typed_views/src/lib.rs"),
        "failures are annotated on the student's file:\n{}",
        run.stdout
    );
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

    // Classroom's score, from the grader's own notices and from the runner
    // result its official reporter would read: the same totals.
    let commands = workflow_commands(&run.stdout);
    assert!(commands.contains(&notice("Autograding complete", "Points 10/20")), "{commands:?}");
    let report = commands.iter().find(|c| c.1 == "title=Autograding report").expect("the report notice");
    let totals: serde_json::Value = serde_json::from_str(&report.2).unwrap();
    assert_eq!(totals, serde_json::json!({ "totalPoints": 10.0, "maxPoints": 20.0 }));
    let classroom: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.path().join("classroom.json")).unwrap()).unwrap();
    let reporter_total: f64 = classroom["tests"].as_array().unwrap().iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!((reporter_total, classroom["max_score"].as_f64().unwrap()), (10.0, 20.0), "{classroom:#}");
    assert!(run.stdout.matches("Results (").count() == 3, "one run wrote all three files:\n{}", run.stdout);
}

/// Workflow commands as the runner reads them from a stream:
/// `::name properties::data`, data unescaped.
fn workflow_commands(stream: &str) -> Vec<(String, String, String)> {
    stream
        .lines()
        .filter_map(|line| {
            let (head, data) = line.strip_prefix("::")?.split_once("::")?;
            let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
            let data = data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%");
            Some((name.to_string(), properties.to_string(), data))
        })
        .collect()
}

fn notice(title: &str, data: &str) -> (String, String, String) {
    ("notice".into(), format!("title={title}"), data.into())
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
    let mut commands = workflow_commands(&run.stdout);
    commands.extend(workflow_commands(&run.stderr));
    let complete = format!("Points {}/{}", results["score"].as_f64().unwrap(), results["max_score"].as_f64().unwrap());
    assert!(commands.contains(&notice("Autograding complete", &complete)), "{complete}: {commands:?}");
    let report = commands.iter().find(|c| c.1 == "title=Autograding report").expect("the report notice");
    let totals: serde_json::Value = serde_json::from_str(&report.2).unwrap();
    assert_eq!(totals["totalPoints"], results["score"]);
    assert_eq!(totals["maxPoints"], results["max_score"]);
    assert!(commands.iter().any(|c| c.0 == "error"), "failures are annotated: {commands:?}");
}
