//! The Gradescope template (grader/templates/gradescope/run_autograder) end
//! to end, in a fake /autograder made in a temporary directory: the
//! instructor's course as `source/`, a student's copy as `submission/`
//! (uploaded as a zip, so one level down), and `results/results.json`
//! written by the real grader.

mod common;

use common::{course_root, require_tools, test_target_dir};
use grader::process::run_limited;
use std::process::Command;
use std::time::Duration;

#[test]
fn run_autograder_grades_a_submission_into_a_valid_results_json() {
    require_tools();
    let reference = common::two_exercise_reference();
    let autograder = tempfile::tempdir().unwrap();
    common::copy_tree(reference.path(), &autograder.path().join("source"));
    let submitted = autograder.path().join("submission/my-course");
    common::copy_tree(reference.path(), &submitted);
    let solved = std::fs::read_to_string(submitted.join("solutions/04_struct_packing/src/lib.rs")).unwrap();
    std::fs::write(submitted.join("exercises/04_struct_packing/src/lib.rs"), solved).unwrap();
    std::fs::write(submitted.join("exercises/01_typed_views/tests/typed_views.rs"), "// emptied by the student\n")
        .unwrap();

    let mut run = Command::new("bash");
    run.arg(course_root().join("grader/templates/gradescope/run_autograder"))
        .env("AUTOGRADER_ROOT", autograder.path())
        .env("GRADER", env!("CARGO_BIN_EXE_grader"))
        .env("CARGO_TARGET_DIR", test_target_dir());
    let finished = run_limited(run, Duration::from_secs(600)).unwrap();
    assert!(
        finished.success(),
        "run_autograder must exit 0 whatever the grade:\n{}\n{}",
        finished.stdout,
        finished.stderr
    );

    let text =
        std::fs::read_to_string(autograder.path().join("results/results.json")).expect("results.json is written");
    let results: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors = common::schema_errors(include_str!("schemas/gradescope-results.schema.json"), &results);
    assert!(errors.is_empty(), "not Gradescope's results.json: {errors:#?}\n{text}");
    assert_eq!(results["max_score"], 20.0, "{text}");
    assert!(
        (results["score"].as_f64().unwrap() - 10.0).abs() < 1e-9,
        "struct_packing solved, typed_views stubbed:\n{text}"
    );
    let names: Vec<&str> = results["tests"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"typed_views: arena_ptr_is_its_address_in_linear_memory"),
        "graded with the reference's tests: {names:?}"
    );
    assert!(
        names.contains(&"integrity: exercises/01_typed_views/tests/typed_views.rs (modified)"),
        "the emptied test file is flagged: {names:?}"
    );
}
