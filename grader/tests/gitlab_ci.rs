//! The GitLab CI template (grader/templates/gitlab/.gitlab-ci.yml): its
//! `grade` job's script run as GitLab's runner runs it — the lines in one
//! bash session that stops at the first failure, in the project's directory,
//! with GitLab's variables (CI_PROJECT_DIR, CI_BUILDS_DIR) and the group's
//! COURSE_REPOSITORY_URL, here a local git repository of the student
//! edition. The grader under test stands in for the one the job builds; the
//! image and its apt-get are GitLab's. Then what GitLab reads: the JUnit
//! report, the metrics, the job's status.

mod common;

use common::{require, test_target_dir, Need};
use grader::process::run_limited;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use yaml_rust2::{Yaml, YamlLoader};

fn template() -> Yaml {
    let path = common::course_root().join("grader/templates/gitlab/.gitlab-ci.yml");
    let docs = YamlLoader::load_from_str(&std::fs::read_to_string(path).unwrap()).expect("valid YAML");
    docs[0]["grade"].clone()
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "instructor")
        .env("GIT_AUTHOR_EMAIL", "instructor@example.org")
        .env("GIT_COMMITTER_NAME", "instructor")
        .env("GIT_COMMITTER_EMAIL", "instructor@example.org")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_grade_job_reports_junit_and_metrics_and_fails_below_the_pass_mark() {
    require(&[Need::Chromium]);
    let job = template();
    let reports = &job["artifacts"]["reports"];
    assert_eq!(reports["junit"].as_str(), Some("results.xml"), "GitLab's Tests tab reads the JUnit report");
    assert_eq!(reports["metrics"].as_str(), Some("metrics.txt"));
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"), "a failing job keeps its reports");
    let lines: Vec<String> =
        job["script"].as_vec().expect("a script").iter().map(|line| line.as_str().unwrap().to_string()).collect();
    // The grader under test stands in for the one the job builds.
    let built = lines.iter().filter(|line| line.starts_with("cargo build --release -p grader")).count();
    assert_eq!(built, 1, "the job builds the grader from the reference: {lines:#?}");
    let script: Vec<&str> =
        lines.iter().map(String::as_str).filter(|line| !line.starts_with("cargo build --release -p grader")).collect();

    // The instructor's student edition, in a repository the job clones.
    let instructor = common::two_exercise_reference();
    let workspace = tempfile::tempdir().unwrap();
    let published = workspace.path().join("published");
    let made = common::grader(instructor.path(), &["edition", published.to_str().unwrap()]);
    assert_eq!(made.code(), Some(0), "{}", made.stderr);
    git(&published, &["init", "--quiet", "--initial-branch=main"]);
    git(&published, &["add", "--all"]);
    git(&published, &["commit", "--quiet", "--message", "the student edition"]);
    // The student's project: the edition, with one exercise solved.
    let project = workspace.path().join("builds/student/course");
    common::copy_tree(&published, &project);
    std::fs::remove_dir_all(project.join(".git")).unwrap();
    let solved = std::fs::read_to_string(instructor.path().join("solutions/06_struct_packing/src/lib.rs")).unwrap();
    std::fs::write(project.join("exercises/06_struct_packing/src/lib.rs"), solved).unwrap();
    // What the job's cache keeps inside the project is not the student's work.
    std::fs::create_dir_all(project.join(".cache/cargo/bin")).unwrap();
    std::fs::write(project.join(".cache/cargo/bin/wasm-bindgen"), "a cached tool").unwrap();

    let target = test_target_dir();
    std::fs::create_dir_all(target.join("release")).unwrap();
    let grader_link = target.join("release/grader");
    let _ = std::fs::remove_file(&grader_link);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_grader"), &grader_link).unwrap();

    let mut job_shell = Command::new("bash");
    job_shell
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script.join("\n")])
        .current_dir(&project)
        .env("CI", "true")
        .env("GITLAB_CI", "true")
        .env("CI_PROJECT_DIR", &project)
        .env("CI_BUILDS_DIR", workspace.path().join("builds"))
        .env("COURSE_REPOSITORY_URL", &published)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("GITHUB_ACTIONS");
    let run = run_limited(job_shell, Duration::from_secs(600)).unwrap();
    let _ = std::fs::remove_file(&grader_link);

    // typed_views is still the stub: 10 of 20 points, under the pass mark.
    assert_eq!(run.status.and_then(|s| s.code()), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("10 of 20 points"), "the score is in the job's log:\n{}", run.stdout);
    let junit = std::fs::read_to_string(project.join("results.xml")).expect("results.xml is written");
    let suites = junit_parser::from_reader(std::io::Cursor::new(junit.as_bytes())).expect("valid JUnit XML");
    let names: Vec<&str> = suites.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["typed_views", "struct_packing"], "one suite per exercise");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("results.json")).unwrap()).unwrap();
    let metrics = std::fs::read_to_string(project.join("metrics.txt")).expect("metrics.txt is written");
    let metric =
        |line: &str| metrics.lines().find_map(|l| l.strip_prefix(line)).map(|v| v.trim().parse::<f64>().unwrap());
    assert_eq!(metric("score "), results["score"].as_f64(), "{metrics}");
    assert_eq!(metric("max_score "), Some(20.0), "{metrics}");
    assert_eq!(metric("points{exercise=\"struct_packing\"} "), Some(10.0), "{metrics}");
    assert!(!workspace.path().join("builds/reference/solutions").exists(), "graded against the edition");
    assert_eq!(results["findings"], serde_json::json!([]), "the cache is no finding: {results:#}");
}
