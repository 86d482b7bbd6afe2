//! The course teaches patterns, so its tests must tell a right answer
//! computed the slow way from the real thing. Each fixture in
//! `tests/fixtures/wrong_patterns/<fixture>/` holds the student's files (e.g.
//! `src/lib.rs`) of a version that returns correct results with the wrong
//! pattern; laid over the exercise, exactly its pattern tests must fail and
//! every other test pass.

mod common;

use common::{grader, require_tools, TempCourse};
use std::collections::BTreeSet;

/// Lays `fixture` over exercise `dir` (named `name`) and checks which tests fail.
fn grade_wrong_pattern(fixture: &str, dir: &str, name: &str, expected_failures: &[&str]) {
    require_tools();
    let course = TempCourse::new().with_course_exercise(dir).manifest(&[(name, dir)]);
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wrong_patterns").join(fixture);
    assert!(fixture.join("src/lib.rs").is_file(), "the fixture {} exists", fixture.display());
    common::copy_tree(&fixture, &course.path().join("exercises").join(dir));

    let run = grader(course.path(), &["run", name]);
    assert_eq!(run.code(), Some(1), "the wrong pattern must not pass\n{}\n{}", run.stdout, run.stderr);
    let tests_marked = |mark: &str| -> BTreeSet<String> {
        run.stdout
            .lines()
            .filter_map(|line| line.strip_prefix(&format!("  {mark} ")))
            .filter(|rest| !rest.contains(' '))
            .map(str::to_string)
            .collect()
    };
    let failed = tests_marked("✗");
    let passed = tests_marked("✓");
    let expected: BTreeSet<String> = expected_failures.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "exactly the pattern tests must fail\n{}", run.stdout);
    assert!(!passed.is_empty(), "the correctness tests must pass: the fixture's answers are right\n{}", run.stdout);
}

#[test]
fn struct_packing_left_unpacked_fails_the_layout_and_data_view_tests() {
    grade_wrong_pattern(
        "struct_packing_unpacked",
        "06_struct_packing",
        "struct_packing",
        &[
            "packing_removes_all_padding",
            "javascript_reads_packed_records_with_a_data_view",
            "records_written_by_javascript_are_read_by_rust",
        ],
    );
}

#[test]
fn batching_with_one_import_call_per_result_fails_the_wasm_to_js_crossing_test() {
    grade_wrong_pattern(
        "batching_results_one_by_one",
        "04_batching",
        "batching",
        &["a_batch_of_100000_results_crosses_back_to_javascript_once", "single_and_odd_length_batches_are_right"],
    );
}

#[test]
fn batching_with_one_export_call_per_item_fails_the_js_to_wasm_crossing_test() {
    grade_wrong_pattern(
        "batching_items_one_by_one",
        "04_batching",
        "batching",
        &["a_batch_of_100000_items_crosses_into_wasm_once", "single_and_odd_length_batches_are_right"],
    );
}

#[test]
fn a_hot_path_that_copies_into_a_temporary_fails_the_allocation_test() {
    grade_wrong_pattern(
        "copies_temporary_vec",
        "05_avoiding_copies",
        "avoiding_copies",
        &["the_hot_call_allocates_nothing"],
    );
}

#[test]
fn grayscale_into_a_new_buffer_fails_the_in_place_test() {
    grade_wrong_pattern(
        "grayscale_new_buffer",
        "07_grayscale",
        "grayscale",
        &["a_full_hd_frame_is_processed_in_place_without_allocating"],
    );
}

#[test]
fn grayscale_that_touches_alpha_fails_the_alpha_tests() {
    grade_wrong_pattern(
        "grayscale_touches_alpha",
        "07_grayscale",
        "grayscale",
        &["pixels_turn_gray_in_place_and_alpha_is_untouched", "one_pixel_and_odd_sizes"],
    );
}
