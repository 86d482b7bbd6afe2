//! The Gradescope template (grader/templates/gradescope/run_autograder) end
//! to end, in a fake /autograder made in a temporary directory: the
//! instructor's course as `source/`, a student's copy as `submission/`
//! (uploaded as a zip, so one level down), and `results/results.json`
//! written by the real grader. setup.sh's last step (`warm`) runs first, as
//! it does when Gradescope builds the image: the submission must then
//! compile only the crate the student changed.

mod common;

use common::{course_root, require, Need};
use grader::process::run_limited;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The build artifacts in a target's `deps/`, with when each was written.
fn built_files(deps: &Path) -> BTreeSet<(String, SystemTime)> {
    std::fs::read_dir(deps)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn run_autograder_grades_a_submission_into_a_valid_results_json() {
    require(&[Need::Chromium]);
    let reference = common::two_exercise_reference();
    let autograder = tempfile::tempdir().unwrap();
    common::copy_tree(reference.path(), &autograder.path().join("source"));
    let submitted = autograder.path().join("submission/my-course");
    common::copy_tree(reference.path(), &submitted);
    let solved = std::fs::read_to_string(submitted.join("solutions/06_struct_packing/src/lib.rs")).unwrap();
    std::fs::write(submitted.join("exercises/06_struct_packing/src/lib.rs"), solved).unwrap();
    std::fs::write(submitted.join("exercises/01_typed_views/tests/typed_views.rs"), "// emptied by the student\n")
        .unwrap();

    // Builds go where Gradescope keeps them, in the work directory.
    let script = |name: &str| {
        let mut run = Command::new("bash");
        run.arg(course_root().join("grader/templates/gradescope").join(name))
            .env("AUTOGRADER_ROOT", autograder.path())
            .env("GRADER", env!("CARGO_BIN_EXE_grader"))
            .env_remove("CARGO_TARGET_DIR");
        run
    };
    let warmed = run_limited(script("warm"), Duration::from_secs(900)).unwrap();
    assert!(warmed.success(), "warm:\n{}\n{}", warmed.stdout, warmed.stderr);
    let deps = autograder.path().join("work/course/target/wasm32-unknown-unknown/debug/deps");
    let before: BTreeSet<(String, SystemTime)> = built_files(&deps);
    assert!(before.iter().any(|(name, _)| name.starts_with("libjs_sys")), "warm built the dependencies");

    let finished = run_limited(script("run_autograder"), Duration::from_secs(600)).unwrap();
    assert!(
        finished.success(),
        "run_autograder must exit 0 whatever the grade:\n{}\n{}",
        finished.stdout,
        finished.stderr
    );

    // The build log, as the target directory keeps it: every artifact
    // written by this run belongs to the crate the student changed.
    let rebuilt: Vec<String> = built_files(&deps).difference(&before).map(|(name, _)| name.clone()).collect();
    assert!(!rebuilt.is_empty(), "the solved exercise was rebuilt");
    assert!(
        rebuilt.iter().all(|name| name.trim_start_matches("lib").starts_with("struct_packing")),
        "only the student's crate compiled: {rebuilt:?}"
    );

    let text =
        std::fs::read_to_string(autograder.path().join("results/results.json")).expect("results.json is written");
    let results: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors = common::schema_errors(include_str!("schemas/gradescope-results.schema.json"), &results);
    assert!(errors.is_empty(), "not Gradescope's results.json: {errors:#?}\n{text}");
    assert_eq!(results["max_score"], 20.0, "{text}");
    assert_eq!(results["output_format"], "text", "messages like `a < b` are not HTML: {text}");
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
