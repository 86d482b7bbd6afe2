//! What the grader's time limits measure: the student's code, not the
//! machine. A memory bug that hangs a test binary is narrowed to its tests
//! and told as memory corruption within seconds; and a correct solution
//! passes however busy the machine is, since the limits count the tests,
//! not the tools' start-up. The tests here measure time, so they run one
//! at a time, and this binary runs alone.

mod common;

use common::{grader, lay_over_solution, WrongPattern};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Held by each test: none shares the machine with another of this file.
static ALONE: Mutex<()> = Mutex::new(());

/// Grades `case`, a bug that corrupts memory, and checks that it is told
/// within `within` of the grader's start (the build of a warm crate
/// included): every test has a result of its own, exactly `case.fails`
/// fail, the test written for the bug says `case.says`, and, when
/// `diagnosed`, the report names memory corruption as the likely cause
/// (when not, it may: a test that fails in its own words need not).
fn grade_memory_corruption(case: WrongPattern, diagnosed: bool, within: Duration) {
    let _alone = ALONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (course, _) = lay_over_solution(&case);
    // The crate's dependencies are built once, as on a student's machine
    // where the bug is one edit among many.
    let warm = grader(course.path(), &["check", "--format", "json"]);
    assert_eq!(warm.code(), Some(1), "{}\n{}", warm.stdout, warm.stderr);
    // Then one more edit, which the timed run builds.
    let src = course.path().join("exercises").join(case.exercise).join("src/lib.rs");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, format!("{text}\n")).unwrap();

    let started = Instant::now();
    let run = grader(course.path(), &["check", "--format", "json", "--no-cache"]);
    let took = started.elapsed();
    // Shown with --nocapture: the numbers the README and the issues quote.
    eprintln!("{}: told in {took:.1?} (limit {within:?})", case.exercise);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    let results: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let exercise = &results["exercises"][0];
    assert!(exercise["error"].is_null(), "every test has a result of its own, no timeout: {exercise:#}");
    let failed: BTreeSet<String> = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] != "pass")
        .map(|t| t["name"].as_str().unwrap().split_once(": ").unwrap().1.to_string())
        .collect();
    let expected: BTreeSet<String> = case.fails.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "{}", run.stdout);
    for says in case.says {
        assert!(run.stdout.contains(&says.replace('"', "\\\"")), "a failure must say {says:?}\n{}", run.stdout);
    }
    let diagnosis = exercise["diagnosis"].as_str().unwrap_or_default();
    assert!(!diagnosed || diagnosis.starts_with("memory corruption"), "the likely cause is named: {exercise:#}");
    assert!(took < within, "told in {took:?}, more than {within:?}:\n{}", run.stdout);
}

#[test]
fn a_ptr_to_the_struct_instead_of_its_data_is_told_as_memory_corruption() {
    // JavaScript then writes over the struct itself and whatever lies past
    // it, and a test hangs: its result and every other test's come from
    // narrowing, not from a whole-binary timeout.
    grade_memory_corruption(
        WrongPattern {
            exercise: "01_typed_views",
            patches: &[("src/lib.rs", "self.words.as_ptr() as usize", "self as *const Self as usize")],
            fails: &[
                "arena_ptr_is_its_address_in_linear_memory",
                "i32_is_stored_little_endian",
                "i32_written_by_javascript_is_read_by_rust",
                "f64_round_trips_through_both_views",
                "f64_view_is_remade_after_memory_grows",
                "javascript_fills_the_arena_with_one_set_call",
            ],
            says: &["expected the address of the arena's first byte", "even run alone"],
        },
        true,
        // Measured 2026-12-04 on this 2-core machine, with the course's
        // 3 s test limit: 10.5 s, the edit's rebuild included; a
        // whole-binary limit took 60 s.
        Duration::from_secs(20),
    );
}

#[test]
fn an_alloc_that_drops_its_vec_is_told_by_its_own_test_in_seconds() {
    // The most common bug of the lesson: the bytes handed to JavaScript are
    // freed when alloc returns, and the allocator's records are overwritten.
    grade_memory_corruption(
        WrongPattern {
            exercise: "02_no_gc",
            patches: &[(
                "src/lib.rs",
                "Box::into_raw(vec![0u8; len].into_boxed_slice()).cast::<u8>()",
                "let mut bytes = vec![0u8; len];\n    bytes.as_mut_ptr()",
            )],
            fails: &[
                "alloc_hands_javascript_bytes_that_stay_allocated",
                "free_gives_back_every_byte_alloc_handed_out",
                "freed_memory_is_used_again",
                "a_histogram_reads_the_bytes_without_taking_them",
                "a_histogram_freed_from_javascript_gives_back_all_its_memory",
                "the_page_finds_the_most_common_level_of_each_image",
                "the_page_frees_every_block_it_allocates",
                "the_page_frees_each_block_only_after_its_histogram_counted_it",
                "the_page_frees_every_histogram_it_creates",
                "the_page_holds_one_image_at_a_time",
                "the_page_returns_what_each_histogram_answers",
            ],
            // Told before anything can free its bytes a second time: the
            // test's own words, not the allocator's.
            says: &[
                "after alloc(4), no bytes are allocated",
                "A Vec or Box dropped at the end of alloc frees its bytes",
            ],
        },
        false,
        Duration::from_secs(20),
    );
}

#[test]
fn a_ptr_to_the_vecs_header_is_told_as_memory_corruption() {
    // JavaScript writes the samples over the Vec's pointer, capacity and
    // length: the tests that normalize then never finish, even alone. The
    // test for the bug says so before anything is written.
    grade_memory_corruption(
        WrongPattern {
            exercise: "05_avoiding_copies",
            patches: &[("src/lib.rs", "self.samples.as_ptr() as usize", "&self.samples as *const Vec<f64> as usize")],
            fails: &[
                "the_hot_call_allocates_nothing",
                "repeated_hot_calls_do_not_grow_memory",
                "javascript_reads_the_result_where_it_wrote_the_input",
                "empty_single_constant_and_odd_batches",
                "normalize_computes_the_documented_f64_arithmetic",
            ],
            says: &["an address inside the Signal itself", "even run alone"],
        },
        true,
        // Measured 2026-12-04: 21.8 s, three tests hanging alone.
        Duration::from_secs(40),
    );
}
