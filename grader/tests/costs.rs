//! `grade --costs` end to end: a solved capstone graded against the
//! reference has its costs measured from outside its module (release
//! `.wasm` size, linear memory and time after the capstone's workload) and
//! put on Gradescope's leaderboard; the same code with a JavaScript import
//! only its release build makes (`cfg(not(debug_assertions))`, which the
//! tests' debug build never sees) gets no numbers, and says why.

mod common;

use common::{copy_tree, grader, require, Need, TempCourse};
use std::path::Path;

/// The submission: the course with the capstone's solution as the student's files.
fn solved_capstone(reference: &TempCourse, into: &Path) {
    copy_tree(reference.path(), into);
    std::fs::remove_dir_all(into.join("solutions")).unwrap();
    std::fs::remove_dir_all(into.join("mix/src")).unwrap();
    copy_tree(&reference.path().join("solutions/mix/src"), &into.join("mix/src"));
}

fn grade_with_costs(reference: &TempCourse, submission: &Path, out: &Path) -> (serde_json::Value, serde_json::Value) {
    let (json, gradescope) = (out.join("results.json"), out.join("gradescope.json"));
    let run = grader(
        submission,
        &[
            "grade",
            "--reference",
            reference.path().to_str().unwrap(),
            "--work-dir",
            out.join("work").to_str().unwrap(),
            "--costs",
            "--output",
            &format!("json={}", json.display()),
            "--output",
            &format!("gradescope={}", gradescope.display()),
        ],
    );
    assert!(run.code().is_some(), "{}\n{}", run.stdout, run.stderr);
    let read = |file: &Path| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}\n{}", file.display(), run.stderr)),
        )
        .unwrap()
    };
    (read(&json), read(&gradescope))
}

#[test]
fn a_solved_capstones_costs_are_measured_for_the_leaderboard_and_a_release_only_import_gets_none() {
    require(&[Need::Chromium, Need::Node]);
    let reference = TempCourse::new().with_capstone().manifest(&[]);
    let work = tempfile::tempdir().unwrap();
    let submission = work.path().join("submission");
    solved_capstone(&reference, &submission);

    let (results, gradescope) = grade_with_costs(&reference, &submission, &work.path().join("first"));
    assert_eq!(results["score"], results["max_score"], "the solution passes every milestone: {results:#}");
    let costs = &results["costs"];
    assert_eq!(costs["status"], "measured", "{costs:#}");
    eprintln!("measured: {costs}");
    let wasm_bytes = costs["wasm_bytes"].as_u64().unwrap();
    assert!((10_000..2_000_000).contains(&wasm_bytes), "a release module's size: {wasm_bytes}");
    let memory = costs["memory_bytes"].as_u64().unwrap();
    assert!(memory >= 10_000_000 && memory % 65_536 == 0, "the 10 MB file is in linear memory, in pages: {memory}");
    assert!(costs["workload_ms"].as_f64().unwrap() > 0.0, "{costs:#}");

    let errors = common::schema_errors(include_str!("schemas/gradescope-results.schema.json"), &gradescope);
    assert!(errors.is_empty(), "not Gradescope's results.json: {errors:#?}");
    let board = gradescope["leaderboard"].as_array().expect("a leaderboard");
    let names: Vec<&str> = board.iter().map(|entry| entry["name"].as_str().unwrap()).collect();
    assert_eq!(names, [".wasm size (KiB)", "linear memory after the workload (MiB)", "workload time (ms)"]);
    assert!(board.iter().all(|entry| entry["order"] == "asc" && entry["value"].as_f64().unwrap() > 0.0), "{board:#?}");
    assert_eq!(board[0]["value"].as_f64().unwrap(), (wasm_bytes as f64 / 1024.0 * 10.0).round() / 10.0);
    assert_eq!(gradescope["score"], results["score"], "costs are never points");

    // The same editor, calling console.log in its release build only.
    let lib = submission.join("mix/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let sneaky = "\n#[cfg(not(debug_assertions))]\n#[wasm_bindgen::prelude::wasm_bindgen]\nextern \"C\" {\n    \
                  #[wasm_bindgen(js_namespace = console)]\n    fn log(text: &str);\n}\n\n\
                  #[cfg(not(debug_assertions))]\n#[wasm_bindgen::prelude::wasm_bindgen]\npub fn said() {\n    \
                  log(\"from the release build only\");\n}\n";
    std::fs::write(&lib, format!("{text}{sneaky}")).unwrap();
    let (results, gradescope) = grade_with_costs(&reference, &submission, &work.path().join("second"));
    assert_eq!(results["score"], results["max_score"], "the tests' build never sees it: {results:#}");
    assert_eq!(results["costs"]["status"], "not_measured", "{:#}", results["costs"]);
    let reason = results["costs"]["reason"].as_str().unwrap();
    assert!(reason.contains("imports what the capstone's tests may not") && reason.contains("log"), "{reason}");
    assert!(gradescope.get("leaderboard").is_none(), "no numbers, no leaderboard: {gradescope:#}");
}
