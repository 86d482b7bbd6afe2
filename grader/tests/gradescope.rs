//! The Gradescope template (grader/templates/gradescope/run_autograder) end
//! to end, in a fake /autograder made in a temporary directory: the
//! course's student edition as `source/` (the autograder zip, as the docs
//! say to make it), a student's copy as `submission/` (uploaded as a zip,
//! so one level down), and `results/results.json` written by the real
//! grader. setup.sh's last step (`warm`) runs first, as it does when
//! Gradescope builds the image: the submission must then compile only the
//! crate the student changed. Its first step (`check_edition`) refuses a
//! zip that holds what the edition withholds.

mod common;

use common::{course_root, require, Need};
use grader::process::run_limited;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The student edition of `course` in `out`, as `grader edition` makes it.
fn edition_of(course: &Path, out: &Path) {
    let run = common::grader(course, &["edition", out.to_str().unwrap()]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
}

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
    let source = autograder.path().join("source");
    edition_of(reference.path(), &source);
    let submitted = autograder.path().join("submission/my-course");
    common::copy_tree(&source, &submitted);
    let solved = reference.read("solutions/06_struct_packing/src/lib.rs");
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
        names.contains(
            &"typed_views: Arena ptr is its address in linear memory (arena_ptr_is_its_address_in_linear_memory)"
        ),
        "graded with the reference's tests: {names:?}"
    );
    assert!(
        names.contains(&"integrity: exercises/01_typed_views/tests/typed_views.rs (modified)"),
        "the emptied test file is flagged: {names:?}"
    );

    // The build log, as the target directory keeps it: every artifact
    // written by this run belongs to the crate the student changed.
    let rebuilt: Vec<String> = built_files(&deps).difference(&before).map(|(name, _)| name.clone()).collect();
    assert!(!rebuilt.is_empty(), "the solved exercise was rebuilt");
    assert!(
        rebuilt.iter().all(|name| name.trim_start_matches("lib").starts_with("struct_packing")),
        "only the student's crate compiled: {rebuilt:?}"
    );
}

/// setup.sh's first step, run as Gradescope runs it (before anything is
/// installed): the student edition passes; a zip with anything the edition
/// withholds (the full course's solutions, say) stops the image's build.
#[test]
fn setup_refuses_an_autograder_zip_that_holds_the_solutions() {
    let setup = std::fs::read_to_string(course_root().join("grader/templates/gradescope/setup.sh")).unwrap();
    let checked = setup.find("check_edition").expect("setup.sh runs check_edition");
    assert!(checked < setup.find("apt-get").unwrap(), "the zip is checked before anything is installed");
    let check = |source: &Path| {
        let autograder = source.parent().unwrap();
        let mut run = Command::new("bash");
        run.arg(course_root().join("grader/templates/gradescope/check_edition")).env("AUTOGRADER_ROOT", autograder);
        run_limited(run, Duration::from_secs(30)).unwrap()
    };

    let reference = common::two_exercise_reference();
    let edition = tempfile::tempdir().unwrap();
    edition_of(reference.path(), &edition.path().join("source"));
    let passed = check(&edition.path().join("source"));
    assert!(passed.success(), "the edition is accepted:\n{}\n{}", passed.stdout, passed.stderr);

    let full = tempfile::tempdir().unwrap();
    common::copy_tree(reference.path(), &full.path().join("source"));
    let refused = check(&full.path().join("source"));
    assert_eq!(refused.status.and_then(|s| s.code()), Some(1), "the full course is refused");
    assert!(
        refused.stderr.contains("solutions/") && refused.stderr.contains("grader -- edition"),
        "{}",
        refused.stderr
    );
    for withheld in grader::ownership::WITHHELD {
        let zip = tempfile::tempdir().unwrap();
        common::copy_tree(&edition.path().join("source"), &zip.path().join("source"));
        std::fs::create_dir_all(zip.path().join("source").join(withheld)).unwrap();
        let refused = check(&zip.path().join("source"));
        assert_eq!(refused.status.and_then(|s| s.code()), Some(1), "{withheld} is refused");
        assert!(refused.stderr.contains(withheld), "{}", refused.stderr);
    }
}
