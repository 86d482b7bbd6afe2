//! Classroom grading, end to end: a prepared submission — one exercise
//! solved, one test file edited to pass (plus a dependency and a build
//! script added), one exercise that loops forever, one that does not
//! compile — graded with `grade --reference` against the pristine course,
//! in every format, each read back by an independent reader.

mod common;

use common::{grader_with, require, schema_errors, Need, TempCourse};
use grader::discover::declared_test_names;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

const EXERCISES: [(&str, &str); 4] = [
    ("typed_views", "01_typed_views"),
    ("batching", "04_batching"),
    ("avoiding_copies", "05_avoiding_copies"),
    ("struct_packing", "06_struct_packing"),
];

/// The instructor's pristine course, and a student's copy of it.
fn reference_and_submission() -> (TempCourse, TempCourse) {
    let mut reference = TempCourse::new();
    for (_, dir) in EXERCISES {
        reference = reference.with_course_exercise(dir);
    }
    let reference = reference.manifest(&EXERCISES);
    // The instructor shows struct_packing's tests only after the due date (Gradescope).
    let manifest = reference.read("course.toml").replacen(
        "dir = \"06_struct_packing\"\n",
        "dir = \"06_struct_packing\"\nvisibility = \"after_due_date\"\n",
        1,
    );
    reference.write("course.toml", &manifest);

    let submission = TempCourse::copy_of(reference.path());
    // Solved.
    submission.write("exercises/01_typed_views/src/lib.rs", &submission.read("solutions/01_typed_views/src/lib.rs"));
    // A build script: it would break the build if it ran.
    submission.write("exercises/01_typed_views/build.rs", "fn main() { panic!(\"the student's build script ran\") }\n");
    // Does not compile.
    let broken = submission.read("exercises/04_batching/src/lib.rs") + "\nfn broken( {\n";
    submission.write("exercises/04_batching/src/lib.rs", &broken);
    // Loops forever, in the student's own code.
    let looping = submission.read("solutions/05_avoiding_copies/src/lib.rs").replacen(
        "pub fn ptr(&self) -> usize {",
        "pub fn ptr(&self) -> usize {\n        loop {}",
        1,
    );
    submission.write("exercises/05_avoiding_copies/src/lib.rs", &looping);
    // Tests rewritten to pass, and a dependency added.
    submission.write(
        "exercises/06_struct_packing/tests/struct_packing.rs",
        "use wasm_bindgen_test::wasm_bindgen_test;\n#[wasm_bindgen_test]\nfn everything_is_fine() {}\n",
    );
    let cargo = submission.read("exercises/06_struct_packing/Cargo.toml") + "\n[dependencies.itoa]\nversion = \"1\"\n";
    submission.write("exercises/06_struct_packing/Cargo.toml", &cargo);
    (reference, submission)
}

/// Every file of a tree with its bytes, to prove grading never wrote to it.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn a_prepared_submission_is_graded_against_the_reference_in_every_format() {
    require(&[Need::Chromium]);
    let (reference, submission) = reference_and_submission();
    let work = tempfile::tempdir().unwrap();
    let outputs = tempfile::tempdir().unwrap();
    let before = snapshot(submission.path());
    let grade = |format: &str, file: &str, extra: &[&str]| {
        let output = outputs.path().join(file);
        let mut args = vec!["grade", "--reference", reference.path().to_str().unwrap()];
        args.extend(["--work-dir", work.path().to_str().unwrap(), "--format", format, "--output"]);
        args.push(output.to_str().unwrap());
        args.extend(extra);
        let started = Instant::now();
        let run = grader_with(submission.path(), &args, |command| {
            command.env_remove("GITHUB_ACTIONS").env_remove("GITHUB_STEP_SUMMARY").stdin(std::process::Stdio::null());
        });
        assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());
        let written = std::fs::read_to_string(output).expect("the result file is always written");
        // The machine's own paths (where the submission was staged, where
        // the reference is) mean nothing to a student and tell them about
        // the grading machine: no format, and no line of the log, says them.
        for (what, path) in [("work", work.path()), ("reference", reference.path())] {
            let path = path.to_str().unwrap();
            assert!(!written.contains(path), "{format} names the {what} directory {path}:\n{written}");
            for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                assert!(!text.contains(path), "the log's {stream} names the {what} directory {path}:\n{text}");
            }
        }
        (run, written, started.elapsed())
    };

    // JSON (Exercism v3 with points), graded two at a time.
    let (run, json, _) = grade("json", "results.json", &["-j", "2"]);
    assert_eq!(run.code(), Some(1), "the pass mark (100%) is not reached:\n{}\n{}", run.stdout, run.stderr);
    let results: serde_json::Value = serde_json::from_str(&json).unwrap();
    let errors = schema_errors(include_str!("schemas/exercism-results-v3.schema.json"), &results);
    assert!(errors.is_empty(), "not Exercism v3: {errors:#?}\n{json}");
    assert_eq!(results["status"], "fail");
    let tests = results["tests"].as_array().unwrap();
    let of = |exercise: &str| -> Vec<&serde_json::Value> {
        tests.iter().filter(|t| t["name"].as_str().unwrap().starts_with(&format!("{exercise}: "))).collect()
    };
    assert!(
        of("typed_views").len() == 9 && of("typed_views").iter().all(|t| t["status"] == "pass"),
        "solved, and the build.rs never ran:\n{json}"
    );
    assert!(
        of("batching")
            .iter()
            .all(|t| t["status"] == "error" && t["message"].as_str().unwrap().contains("does not compile")),
        "{json}"
    );
    assert!(
        of("avoiding_copies").iter().any(|t| t["message"].as_str().is_some_and(|m| m.contains("did not finish"))),
        "the loop is stopped, each test that calls it alone:\n{json}"
    );
    let packing = of("struct_packing");
    assert_eq!(packing.len(), 6, "graded with the original six tests, not the student's one:\n{json}");
    assert!(!json.contains("everything_is_fine"), "the student's test never ran");
    let passing: Vec<_> = packing.iter().filter(|t| t["status"] == "pass").collect();
    assert_eq!(passing.len(), 1, "the stub passes one original test, its demonstration");
    assert_eq!(passing[0]["points"], 0.0, "a demonstration carries no points:\n{json}");
    let score = results["score"].as_f64().unwrap();
    assert!((score - 10.0).abs() < 1e-6, "typed_views 10 + struct_packing's stub nothing, got {score}");
    assert_eq!(results["max_score"], 40.0);
    let findings = results["findings"].as_array().unwrap();
    let finding = |path: &str| {
        findings.iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path} not flagged: {json}"))
    };
    assert_eq!(finding("exercises/06_struct_packing/tests/struct_packing.rs")["change"], "modified");
    assert!(finding("exercises/06_struct_packing/Cargo.toml")["message"]
        .as_str()
        .unwrap()
        .contains("adds itoa (dependencies)"));
    assert_eq!(finding("exercises/01_typed_views/build.rs")["change"], "added");
    assert_eq!(findings.len(), 3, "only the protected files the student changed: {json}");

    // Gradescope, from the cache except the exercise that timed out.
    let (run, gradescope, elapsed) = grade("gradescope", "results.gradescope.json", &["--pass-mark", "25"]);
    assert_eq!(run.code(), Some(0), "10 of 40 reaches a 25% pass mark:\n{}", run.stdout);
    let results: serde_json::Value = serde_json::from_str(&gradescope).unwrap();
    let errors = schema_errors(include_str!("schemas/gradescope-results.schema.json"), &results);
    assert!(errors.is_empty(), "not Gradescope's results.json: {errors:#?}\n{gradescope}");
    assert!((results["score"].as_f64().unwrap() - score).abs() < 1e-9);
    let entries = results["tests"].as_array().unwrap();
    let declared: usize = EXERCISES
        .iter()
        .flat_map(|(_, dir)| {
            grader::discover::rust_files_in(&reference.path().join("exercises").join(dir).join("tests"))
        })
        .map(|file| grader::discover::declared_test_names(&std::fs::read_to_string(file).unwrap()).len())
        .sum();
    assert_eq!(entries.len(), declared + 3, "{declared} tests and 3 integrity entries:\n{gradescope}");
    assert!(entries
        .iter()
        .any(|t| t["name"].as_str().unwrap().starts_with("integrity: exercises/06_struct_packing/tests/")));
    assert!(elapsed.as_secs() < 40, "cached exercises are not regraded ({elapsed:?})");
    // By value: the visibility course.toml gives, and a demonstration's tag.
    for entry in entries {
        let name = entry["name"].as_str().unwrap();
        let expected = if name.starts_with("struct_packing: ") { "after_due_date" } else { "visible" };
        assert_eq!(entry["visibility"], expected, "{name}:\n{gradescope}");
    }
    let demonstration = entries.iter().find(|t| {
        t["name"] == "struct_packing: Declaration order pays for padding (declaration_order_pays_for_padding)"
    });
    assert_eq!(demonstration.unwrap()["tags"], serde_json::json!(["struct_packing title", "demonstration"]));

    // JUnit, read back by a JUnit parser.
    let (_, junit, _) = grade("junit", "results.xml", &[]);
    let suites = junit_parser::from_reader(std::io::Cursor::new(junit.as_bytes())).expect("valid JUnit XML");
    let suite = |name: &str| {
        suites.suites.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no suite {name}:\n{junit}"))
    };
    assert_eq!((suite("typed_views").tests, suite("typed_views").failures, suite("typed_views").errors), (9, 0, 0));
    let batching = declared_test_names(
        &std::fs::read_to_string(reference.path().join("exercises/04_batching/tests/batching.rs")).unwrap(),
    )
    .len() as u64;
    assert_eq!((suite("batching").tests, suite("batching").errors), (batching, batching), "{junit}");
    assert_eq!((suite("struct_packing").tests, suite("struct_packing").failures), (6, 5), "{junit}");
    let findings = suite("findings");
    assert_eq!((findings.tests, findings.failures), (0, 0), "findings are not failing tests:\n{junit}");
    assert_eq!(findings.properties.hashmap.len(), 3, "one property per flagged file:\n{junit}");
    let pointed =
        suite("struct_packing").cases.iter().find(|case| case.file.is_some()).expect("a failure in src/lib.rs");
    assert_eq!(pointed.file.as_deref(), Some("exercises/06_struct_packing/src/lib.rs"), "{junit}");
    assert!(pointed.line.is_some_and(|line| line > 1), "{junit}");
    let exercism: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        exercism["tests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["test_code"].as_str().is_some_and(|code| !code.is_empty())),
        "every test carries its body as test_code: {json}"
    );

    // Under GitHub Actions: annotations on the student's files and a job summary.
    let summary = outputs.path().join("summary.md");
    let run = grader_with(
        submission.path(),
        &["grade", "--reference", reference.path().to_str().unwrap(), "--work-dir", work.path().to_str().unwrap()],
        |command| {
            command.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", &summary);
        },
    );
    assert!(
        run.stdout
            .contains("::error file=exercises/04_batching/src/lib.rs,title=batching does not pass::does not compile"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("::warning file=exercises/06_struct_packing/tests/struct_packing.rs"),
        "{}",
        run.stdout
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.contains("| typed_views | ✅ pass | 9/9 | 10/10 |"), "{summary}");

    assert!(before == snapshot(submission.path()), "grading wrote into the student's tree");
}

/// The results of `grade` on the shipped course, written to a file.
fn grade_shipped_course(
    args: &[&str],
    configure: impl FnOnce(&mut std::process::Command),
) -> (common::GraderRun, serde_json::Value) {
    let outputs = tempfile::tempdir().unwrap();
    let file = outputs.path().join("results.json");
    let mut all = vec!["grade", "--format", "json", "--output", file.to_str().unwrap()];
    all.extend(args);
    let run = grader_with(&common::course_root(), &all, configure);
    let text =
        std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("no result file:\n{}\n{}", run.stdout, run.stderr));
    (run, serde_json::from_str(&text).unwrap())
}

#[test]
fn a_missing_tool_still_writes_a_result_with_every_exercise_marked() {
    let bin = common::path_with_only(&["node"]);
    let (run, results) = grade_shipped_course(&["--no-install", "--runner", "firefox"], |c| {
        c.env("PATH", bin.path()).env("CARGO_HOME", bin.path()).stdin(std::process::Stdio::null());
    });
    assert_eq!(results["runner"], "headless Firefox", "the engine asked for, not another");
    assert_eq!(run.code(), Some(3), "a missing tool is exit 3:\n{}", run.stderr);
    assert_eq!(results["status"], "error");
    let exercises = results["exercises"].as_array().unwrap();
    let manifest = grader::manifest::Manifest::load(&common::course_root()).unwrap();
    let units: Vec<_> = manifest.exercises.iter().cloned().chain(manifest.milestone_entries()).collect();
    assert_eq!(exercises.len(), units.len(), "every exercise and capstone milestone is listed");
    for exercise in exercises {
        let message = exercise["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("not graded: wasm-bindgen "), "{message}");
        assert!(message.contains("is not installed"), "{message}");
    }
    assert_eq!(results["score"], 0.0);
    let max: u32 = units.iter().map(|entry| manifest.points(entry)).sum();
    assert_eq!(results["max_score"], f64::from(max));
}

#[test]
fn a_spent_time_budget_marks_what_was_not_graded() {
    let (run, results) = grade_shipped_course(&["--time-budget", "0", "--no-cache"], |c| {
        c.stdin(std::process::Stdio::null());
    });
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    for exercise in results["exercises"].as_array().unwrap() {
        let message = exercise["error"]["message"].as_str().unwrap();
        assert!(message.contains("time budget ran out"), "{message}");
        assert_eq!(exercise["error"]["kind"], "timeout");
    }
}

#[test]
fn regrading_an_unchanged_course_comes_from_the_cache_in_well_under_a_second() {
    require(&[Need::Chromium]);
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .manifest(&[("struct_packing", "06_struct_packing")]);
    let outputs = tempfile::tempdir().unwrap();
    let file = outputs.path().join("results.json");
    let args = ["grade", "--format", "json", "--output", file.to_str().unwrap()];
    let first = common::grader(course.path(), &args);
    assert_eq!(first.code(), Some(1), "{}", first.stderr);
    let started = Instant::now();
    let again = common::grader(course.path(), &args);
    let elapsed = started.elapsed();
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(again.code(), Some(1));
    assert!(results["exercises"].as_array().unwrap().iter().all(|e| e["cached"] == true), "{results}");
    assert!(elapsed.as_millis() < 1000, "an unchanged course regrades in {elapsed:?}");

    // Any change to what the exercise depends on grades it again.
    course.write("exercises/06_struct_packing/src/lib.rs", &course.read("solutions/06_struct_packing/src/lib.rs"));
    let changed = common::grader(course.path(), &args);
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(changed.code(), Some(0), "solved now, and the capstone is not in this course:\n{}", changed.stdout);
    assert_eq!(results["exercises"][0]["cached"], false);
}
