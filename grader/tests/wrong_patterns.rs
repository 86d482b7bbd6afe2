//! The course teaches patterns, so its tests must tell a right answer
//! computed the slow way from the real thing. Each case is the reference
//! solution with a small named patch — the wrong pattern — laid over the
//! exercise: exactly its pattern tests must fail and every other test pass.
//!
//! Patches, not copies: a solution that changes flows into every case, and a
//! patch whose text the solution no longer has fails loudly instead of
//! drifting.

mod common;

use common::{grader, require, Need, TempCourse};
use std::collections::BTreeSet;

/// A wrong version of an exercise: its solution, with `patches` applied.
struct WrongPattern {
    /// The exercise directory, e.g. `04_batching`.
    exercise: &'static str,
    /// (file relative to the crate, text the solution has, what replaces it).
    patches: &'static [(&'static str, &'static str, &'static str)],
    /// The tests that must fail, and only they.
    fails: &'static [&'static str],
}

/// Grades `case` and checks which tests fail.
fn grade_wrong_pattern(case: WrongPattern) {
    require(&[Need::Chromium]);
    let name = case.exercise.split_once('_').expect("exercise directories are NN_name").1;
    let course = TempCourse::new().with_course_exercise(case.exercise).manifest(&[(name, case.exercise)]);
    let solution = course.path().join("solutions").join(case.exercise);
    let exercise = course.path().join("exercises").join(case.exercise);
    // The student's files of the solution (src/, and a page.js when the exercise has one)...
    common::copy_tree(&solution.join("src"), &exercise.join("src"));
    if solution.join("page.js").is_file() {
        std::fs::copy(solution.join("page.js"), exercise.join("page.js")).unwrap();
    }
    // ...with the wrong pattern patched in.
    for (file, from, to) in case.patches {
        let path = exercise.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            text.matches(from).count(),
            1,
            "the patch's text must occur exactly once in solutions/{}/{file} (did the solution change?): {from:?}",
            case.exercise
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

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
    let expected: BTreeSet<String> = case.fails.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "exactly the pattern tests must fail\n{}", run.stdout);
    assert!(!passed.is_empty(), "the correctness tests must pass: the answers are right\n{}", run.stdout);
}

#[test]
fn struct_packing_left_unpacked_fails_the_layout_and_data_view_tests() {
    // Reordered but not packed: 16 bytes, while JavaScript reads the documented 10-byte stride.
    grade_wrong_pattern(WrongPattern {
        exercise: "06_struct_packing",
        patches: &[("src/lib.rs", "#[repr(C, packed)]", "#[repr(C)]")],
        fails: &[
            "packing_removes_all_padding",
            "javascript_reads_packed_records_with_a_data_view",
            "records_written_by_javascript_are_read_by_rust",
        ],
    });
}

#[test]
fn batching_with_one_import_call_per_result_fails_the_wasm_to_js_crossing_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "src/lib.rs",
            "receive_results(batch.as_ptr(), len);",
            "for (index, &result) in batch[..len].iter().enumerate() { receive_result(index, result); }",
        )],
        fails: &[
            "a_batch_of_100000_results_crosses_back_to_javascript_once",
            "single_and_odd_length_batches_are_right",
        ],
    });
}

#[test]
fn batching_with_one_export_call_per_item_fails_the_js_to_wasm_crossing_test() {
    // The module batches, but the page calls into WASM once per item — through
    // the module's own buffer, so every result is right.
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[
            (
                "src/lib.rs",
                "thread_local! {",
                "#[wasm_bindgen]\npub fn set_item(index: usize, x: f64) {\n    \
                 BATCH.with_borrow_mut(|batch| batch[index] = x);\n}\n\nthread_local! {",
            ),
            (
                "page.js",
                "new Float64Array(memory.buffer, ptr, items.length).set(items);",
                "for (let i = 0; i < items.length; i++) wasm.set_item(i, items[i]);",
            ),
        ],
        fails: &["a_batch_of_100000_items_crosses_into_wasm_once", "single_and_odd_length_batches_are_right"],
    });
}

#[test]
fn a_hot_path_that_copies_into_a_temporary_fails_the_allocation_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "05_avoiding_copies",
        patches: &[(
            "src/lib.rs",
            "for x in samples.iter_mut() {\n            *x = if range > 0.0 { (*x - min) / range } else { 0.0 };\n        }",
            "let rescaled: Vec<f64> = samples.iter().map(|&x| if range > 0.0 { (x - min) / range } else { 0.0 }).collect();\n        \
             samples.copy_from_slice(&rescaled);",
        )],
        fails: &["the_hot_call_allocates_nothing"],
    });
}

#[test]
fn grayscale_into_a_new_buffer_fails_the_in_place_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[(
            "src/lib.rs",
            "for pixel in pixels.chunks_exact_mut(4) {\n        let gray = luma(pixel[0], pixel[1], pixel[2]);\n        pixel[..3].fill(gray);\n    }",
            "let gray: Vec<u8> = pixels\n        .chunks_exact(4)\n        \
             .flat_map(|p| { let gray = luma(p[0], p[1], p[2]); [gray, gray, gray, p[3]] })\n        .collect();\n    \
             pixels.copy_from_slice(&gray);",
        )],
        fails: &["a_full_hd_frame_is_processed_in_place_without_allocating"],
    });
}

#[test]
fn grayscale_that_touches_alpha_fails_the_alpha_tests() {
    // Opaque pixels hide it: only the translucent ones in the tests show it.
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[("src/lib.rs", "pixel[..3].fill(gray);", "pixel.copy_from_slice(&[gray, gray, gray, 255]);")],
        fails: &["pixels_turn_gray_in_place_and_alpha_is_untouched", "one_pixel_and_odd_sizes"],
    });
}

#[test]
fn a_free_that_does_not_release_fails_the_free_tests() {
    // free takes the block back and forgets it: every block JavaScript frees leaks.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[(
            "src/lib.rs",
            "drop(unsafe { Box::from_raw(bytes) });",
            "core::mem::forget(unsafe { Box::from_raw(bytes) });",
        )],
        fails: &[
            "free_gives_back_every_byte_alloc_handed_out",
            "freed_memory_is_used_again",
            "the_page_holds_one_image_at_a_time",
        ],
    });
}

#[test]
fn a_page_that_never_frees_its_blocks_fails_the_block_tests() {
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[("page.js", "        lib.free(ptr, image.length);\n", "")],
        fails: &["the_page_frees_every_block_it_allocates", "the_page_holds_one_image_at_a_time"],
    });
}

#[test]
fn a_page_that_forgets_histogram_free_fails_the_histogram_tests() {
    // `const` instead of `using`: nothing calls the Histogram's free().
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[("page.js", "using histogram = new lib.Histogram();", "const histogram = new lib.Histogram();")],
        fails: &["the_page_frees_every_histogram_it_creates", "the_page_holds_one_image_at_a_time"],
    });
}

#[test]
fn a_page_that_frees_every_block_only_at_the_end_fails_the_one_image_at_a_time_test() {
    // Everything is freed, but late: every image is allocated at once.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[
            ("page.js", "    const levels = [];", "    const levels = [];\n    const blocks = [];"),
            ("page.js", "        lib.free(ptr, image.length);", "        blocks.push([ptr, image.length]);"),
            (
                "page.js",
                "    return levels;",
                "    for (const [ptr, len] of blocks) lib.free(ptr, len);\n    return levels;",
            ),
        ],
        fails: &["the_page_holds_one_image_at_a_time"],
    });
}

#[test]
fn a_big_endian_store_in_little_endian_order_fails_the_byte_order_test() {
    // Each byte at the other end: the low byte first, as i32.store would.
    grade_wrong_pattern(WrongPattern {
        exercise: "03_memory_ops",
        patches: &[
            (
                "src/memory.wat",
                "    i32.const 24\n    i32.shr_u\n    i32.store8           ;; bits 31..24 at $addr",
                "    i32.store8",
            ),
            (
                "src/memory.wat",
                "    i32.const 16\n    i32.shr_u\n    i32.store8 offset=1",
                "    i32.const 8\n    i32.shr_u\n    i32.store8 offset=1",
            ),
            (
                "src/memory.wat",
                "    i32.const 8\n    i32.shr_u\n    i32.store8 offset=2",
                "    i32.const 16\n    i32.shr_u\n    i32.store8 offset=2",
            ),
            ("src/memory.wat", "    i32.store8 offset=3)", "    i32.const 24\n    i32.shr_u\n    i32.store8 offset=3)"),
        ],
        fails: &["store_int_big_endian_writes_the_most_significant_byte_first"],
    });
}

#[test]
fn a_byte_store_of_the_wrong_width_fails_the_store_byte_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "03_memory_ops",
        patches: &[(
            "src/memory.wat",
            "    i32.store8)        ;; store 1 byte",
            "    i32.store)         ;; store 4 bytes",
        )],
        fails: &["store_byte_writes_one_byte_at_its_address"],
    });
}

#[test]
fn a_sign_extending_byte_load_fails_the_load_byte_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "03_memory_ops",
        patches: &[("src/memory.wat", "i32.load8_u)", "i32.load8_s)")],
        fails: &["load_byte_reads_one_byte_as_0_to_255"],
    });
}

#[test]
fn batching_through_a_view_made_before_input_buffer_fails_the_growth_test() {
    // The view is made first; only the batch for which input_buffer grows
    // memory detaches it.
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "page.js",
            "    const ptr = wasm.input_buffer(items.length);\n    \
             // Made after input_buffer: allocating may have grown memory.\n    \
             new Float64Array(memory.buffer, ptr, items.length).set(items);",
            "    const view = new Float64Array(memory.buffer);\n    \
             const ptr = wasm.input_buffer(items.length);\n    \
             view.set(items, ptr / 8);",
        )],
        fails: &["a_batch_for_which_input_buffer_grows_memory_arrives_whole"],
    });
}

#[test]
fn grayscale_that_truncates_fails_the_rounding_tests() {
    // The lesson's `(uint8_t)(...)`: 149.685 becomes 149, and 13 gray levels darken.
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[("src/lib.rs", "(sum + 0.5) as u8", "sum as u8")],
        fails: &[
            "white_black_and_pure_channels_have_exact_bytes",
            "every_gray_level_stays_itself",
            "grayscale_rounds_each_pixel_to_the_nearest_level",
        ],
    });
}

#[test]
fn a_hot_path_that_copies_into_memory_grown_by_hand_fails_the_allocation_test() {
    // A private arena: the temporary is not counted by the allocator, but
    // memory grows around it.
    grade_wrong_pattern(WrongPattern {
        exercise: "05_avoiding_copies",
        patches: &[(
            "src/lib.rs",
            "for x in samples.iter_mut() {\n            *x = if range > 0.0 { (*x - min) / range } else { 0.0 };\n        }",
            "let arena = core::arch::wasm32::memory_grow(0, (len * 8).div_ceil(65_536)) * 65_536;\n        \
             let rescaled = unsafe { core::slice::from_raw_parts_mut(arena as *mut f64, len) };\n        \
             for (r, &x) in rescaled.iter_mut().zip(samples.iter()) {\n            \
             *r = if range > 0.0 { (x - min) / range } else { 0.0 };\n        }\n        \
             samples.copy_from_slice(rescaled);",
        )],
        // Growing on every call shows in the repeated calls too.
        fails: &["the_hot_call_allocates_nothing", "repeated_hot_calls_do_not_grow_memory"],
    });
}

#[test]
fn grayscale_into_memory_grown_by_hand_fails_the_in_place_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[(
            "src/lib.rs",
            "for pixel in pixels.chunks_exact_mut(4) {\n        let gray = luma(pixel[0], pixel[1], pixel[2]);\n        pixel[..3].fill(gray);\n    }",
            "let arena = core::arch::wasm32::memory_grow(0, pixels.len().div_ceil(65_536)) * 65_536;\n    \
             let gray = unsafe { core::slice::from_raw_parts_mut(arena as *mut u8, pixels.len()) };\n    \
             for (g, p) in gray.chunks_exact_mut(4).zip(pixels.chunks_exact(4)) {\n        \
             let level = luma(p[0], p[1], p[2]);\n        g.copy_from_slice(&[level, level, level, p[3]]);\n    }\n    \
             pixels.copy_from_slice(gray);",
        )],
        fails: &["a_full_hd_frame_is_processed_in_place_without_allocating"],
    });
}

#[test]
fn a_page_that_grows_memory_for_its_images_fails_the_block_test() {
    // memory.grow() instead of lib.alloc: nothing is counted as allocated,
    // and nothing can ever be freed.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[
            (
                "page.js",
                "const ptr = lib.alloc(image.length);",
                "const ptr = memory.grow(Math.ceil(image.length / 65536)) * 65536;",
            ),
            ("page.js", "        lib.free(ptr, image.length);\n", ""),
        ],
        fails: &["the_page_frees_every_block_it_allocates"],
    });
}
