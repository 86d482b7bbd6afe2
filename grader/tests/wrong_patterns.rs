//! The course teaches patterns, so its tests must tell a right answer
//! computed the slow way from the real thing. Each case is the reference
//! solution with a small named patch — the wrong pattern — laid over the
//! exercise: exactly its pattern tests must fail and every other test pass.
//!
//! Patches, not copies: a solution that changes flows into every case, and a
//! patch whose text the solution no longer has fails loudly instead of
//! drifting.

mod common;

use common::{grader, lay_over_solution, WrongPattern};
use std::collections::BTreeSet;

/// Grades `case` and checks which tests fail, and what they say.
fn grade_wrong_pattern(case: WrongPattern) {
    let (course, name) = lay_over_solution(&case);
    let run = grader(course.path(), &["run", name]);
    assert_eq!(run.code(), Some(1), "the wrong pattern must not pass\n{}\n{}", run.stdout, run.stderr);
    // A test's line: `  ✗ Its title (its_identifier)`; an exercise's row
    // ends with its title instead.
    let tests_marked = |mark: &str| -> BTreeSet<String> {
        run.stdout
            .lines()
            .filter_map(|line| line.strip_prefix(&format!("  {mark} ")))
            .filter_map(|rest| rest.strip_suffix(')')?.rsplit_once(" (").map(|(_, identifier)| identifier))
            .filter(|identifier| identifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .map(str::to_string)
            .collect()
    };
    let failed = tests_marked("✗");
    let passed = tests_marked("✓");
    let expected: BTreeSet<String> = case.fails.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "exactly the pattern tests must fail\n{}", run.stdout);
    assert!(!passed.is_empty(), "the correctness tests must pass: the answers are right\n{}", run.stdout);
    for says in case.says {
        assert!(run.stdout.contains(says), "the failure must say {says:?}\n{}", run.stdout);
    }
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
        says: &["PackedRecord must be 10 bytes", "works only if the records use the documented 10-byte layout"],
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
        // process_batch called alone also crosses back once per item.
        fails: &[
            "a_batch_of_100000_results_crosses_back_to_javascript_once",
            "single_and_odd_length_batches_are_right",
            "process_batch_transforms_the_items_where_they_are",
        ],
        says: &["make ONE call of BatchingHost.receive_results(ptr, len)"],
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
        says: &["at most 2 crossings per batch, whatever its size"],
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
        says: &["a temporary Vec is a copy of 8 MB the lesson's pattern avoids"],
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
        says: &["change them where they are, with no copy and no new buffer"],
    });
}

#[test]
fn grayscale_that_touches_alpha_fails_the_alpha_tests() {
    // Opaque pixels hide it: only the translucent ones in the tests show it.
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[("src/lib.rs", "pixel[..3].fill(gray);", "pixel.copy_from_slice(&[gray, gray, gray, 255]);")],
        fails: &["pixels_turn_gray_in_place_and_alpha_is_untouched", "one_pixel_and_odd_sizes"],
        says: &["must leave alpha exactly as it was"],
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
        says: &["every free leaks its block", "the leak is in src/lib.rs"],
    });
}

#[test]
fn a_page_that_never_frees_its_blocks_fails_the_block_tests() {
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[("page.js", "        lib.free(ptr, image.length);\n", "")],
        fails: &["the_page_frees_every_block_it_allocates", "the_page_holds_one_image_at_a_time"],
        says: &["a block from lib.alloc stays allocated until lib.free(ptr, len) gives it back"],
    });
}

#[test]
fn a_page_that_forgets_histogram_free_fails_the_histogram_tests() {
    // `const` instead of `using`: nothing calls the Histogram's free().
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[("page.js", "using histogram = new lib.Histogram();", "const histogram = new lib.Histogram();")],
        fails: &["the_page_frees_every_histogram_it_creates", "the_page_holds_one_image_at_a_time"],
        says: &["A Histogram lives in linear memory until its free() runs"],
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
        says: &["memory in use then stays the size of one image"],
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
        says: &["that is i32.store's little-endian order"],
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
        says: &["it wrote 4 bytes"],
    });
}

#[test]
fn a_sign_extending_byte_load_fails_the_load_byte_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "03_memory_ops",
        patches: &[("src/memory.wat", "i32.load8_u)", "i32.load8_s)")],
        fails: &["load_byte_reads_one_byte_as_0_to_255"],
        says: &["it was sign-extended"],
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
        says: &["Make the view after input_buffer returns"],
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
            "a_weighted_sum_of_exactly_one_half_rounds_up",
        ],
        says: &["a bare `as u8` truncates"],
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
        says: &["memory taken with memory_grow is a new buffer all the same"],
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
        says: &["memory taken with memory_grow is a new buffer all the same"],
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
        says: &["instead of taking room from lib.alloc"],
    });
}

#[test]
fn a_fix_of_the_decoy_alone_fails_the_cost_test_and_says_the_profile_points_elsewhere() {
    // What a student who guesses instead of profiling changes: the sort of
    // every cell in hottest() becomes a selection of the k hottest — right
    // answers, tidier code — while cell_at still builds the grid's edges
    // for every point, the hot spot the profile shows.
    grade_wrong_pattern(WrongPattern {
        exercise: "08_profile_first",
        patches: &[
            (
                "src/lib.rs",
                "ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));",
                "let by_heat = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));\n        \
                 if k < ranked.len() {\n            ranked.select_nth_unstable_by(k, by_heat);\n            \
                 ranked.truncate(k);\n        }\n        ranked.sort_by(by_heat);",
            ),
            (
                "src/lib.rs",
                "let column = band(&self.column_edges, x)?;\n        let row = band(&self.row_edges, y)?;",
                "let column = band(&edges(self.columns, self.cell), x)?;\n        \
                 let row = band(&edges(self.rows, self.cell), y)?;",
            ),
        ],
        fails: &["binning_a_batch_costs_nothing_per_point"],
        says: &["This is not the sort in hottest()", "the profile points elsewhere"],
    });
}

#[test]
fn no_exercise_test_reads_a_clock() {
    // The course's promise: cost is counted (calls, allocations, bytes,
    // pages), never timed, so a test's verdict does not depend on the
    // machine. A clock named in a test file, from Rust or from its
    // JavaScript, breaks it.
    let clocks = ["performance.now", "Date.now", "new Date", "console.time", "Instant::", "SystemTime", "js_sys::Date"];
    let exercises = common::course_root().join("exercises");
    let mut checked = 0;
    for exercise in std::fs::read_dir(&exercises).unwrap().map(|e| e.unwrap().path()) {
        for test in std::fs::read_dir(exercise.join("tests")).into_iter().flatten().map(|e| e.unwrap().path()) {
            let text = std::fs::read_to_string(&test).unwrap();
            for clock in clocks {
                assert!(!text.contains(clock), "{} reads a clock: {clock}", test.display());
            }
            // `performance` reached by a namespace, as a binding would.
            assert!(!text.contains("js_namespace = performance"), "{} reads a clock", test.display());
            checked += 1;
        }
    }
    assert!(checked >= 8, "every exercise's tests were read ({checked} files)");
}

// README promises that had no test (docs/instructors.md, "What each README
// promises"): each is held now, and each case here breaks one the way a
// student would, with every other answer right.

#[test]
fn an_accessor_that_checks_alignment_before_bounds_fails_the_bounds_test() {
    // write_f64(60) in a 64-byte arena is both: the README says out of bounds.
    grade_wrong_pattern(WrongPattern {
        exercise: "01_typed_views",
        patches: &[(
            "src/lib.rs",
            "let range = self.checked_range(offset, 8)?;\n        self.bytes_mut()[range].copy_from_slice(&value.to_le_bytes());",
            "let address = self.ptr() + offset;\n        if address % 8 != 0 {\n            \
             return Err(ViewError::Misaligned { address, align: 8 });\n        }\n        \
             let range = self.checked_range(offset, 8)?;\n        \
             self.bytes_mut()[range].copy_from_slice(&value.to_le_bytes());",
        )],
        fails: &["out_of_bounds_access_is_an_error"],
        says: &["write_f64(60) in a 64-byte arena", "bounds are checked before alignment (README.md)"],
    });
}

#[test]
fn a_page_that_frees_a_block_before_counting_it_fails_the_freed_too_early_test() {
    // The Histogram then counts bytes the allocator owns again; the levels
    // still come out right.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[(
            "page.js",
            "        histogram.add(ptr, image.length);\n        \
             // Counted: the pixels are no longer needed, so give them back now,\n        \
             // before the next image is allocated.\n        lib.free(ptr, image.length);\n",
            "        lib.free(ptr, image.length);\n        histogram.add(ptr, image.length);\n",
        )],
        fails: &["the_page_frees_each_block_only_after_its_histogram_counted_it"],
        says: &["on blocks it had already given back with lib.free"],
    });
}

#[test]
fn a_batch_transformed_into_a_new_buffer_fails_the_in_place_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "src/lib.rs",
            "for x in &mut batch[..len] {\n            *x = transform(*x);\n        }\n        \
             receive_results(batch.as_ptr(), len);",
            "let results: Vec<f64> = batch[..len].iter().map(|&x| transform(x)).collect();\n        \
             receive_results(results.as_ptr(), len);",
        )],
        fails: &["process_batch_transforms_the_items_where_they_are"],
        says: &["process_batch applies transform to each item in place"],
    });
}

#[test]
fn a_normalize_computed_in_f32_fails_the_arithmetic_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "05_avoiding_copies",
        patches: &[(
            "src/lib.rs",
            "(*x - min) / range",
            "f64::from((*x as f32 - min as f32) / (max as f32 - min as f32))",
        )],
        fails: &["normalize_computes_the_documented_f64_arithmetic"],
        says: &["that is the f32 result"],
    });
}

#[test]
fn records_laid_out_by_the_compiler_fail_the_layout_tests() {
    // Packed without C, and reordered without C: today's compiler happens to
    // give the documented offsets, which README.md says nothing promises.
    grade_wrong_pattern(WrongPattern {
        exercise: "06_struct_packing",
        patches: &[
            ("src/lib.rs", "#[repr(C, packed)]", "#[repr(packed)]"),
            (
                "src/lib.rs",
                "#[repr(C)]\n#[derive(Debug, Clone, Copy, PartialEq)]\npub struct ReorderedRecord",
                "#[derive(Debug, Clone, Copy, PartialEq)]\npub struct ReorderedRecord",
            ),
        ],
        fails: &["packing_removes_all_padding", "largest_field_first_saves_eight_bytes"],
        says: &[
            "PackedRecord is declared in src/lib.rs with #[repr(packed)], without C",
            "ReorderedRecord is declared in src/lib.rs with no #[repr], without C",
        ],
    });
}

#[test]
fn a_byte_length_from_the_capacity_fails_the_record_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "06_struct_packing",
        patches: &[(
            "src/lib.rs",
            "core::mem::size_of_val(self.records.as_slice())",
            "self.records.capacity() * RECORD_STRIDE",
        )],
        fails: &["records_keep_their_values"],
        says: &["not capacity()"],
    });
}

#[test]
fn grayscale_computed_in_f64_fails_the_arithmetic_test() {
    // Every byte of the README's table and every gray level come out right.
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[(
            "src/lib.rs",
            "let [wr, wg, wb] = WEIGHTS;\n    let sum = wr * f32::from(r) + wg * f32::from(g) + wb * f32::from(b);",
            "let sum = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);",
        )],
        fails: &["the_gray_level_is_the_documented_f32_arithmetic"],
        says: &["Its exact weighted sum is 24.5"],
    });
}

#[test]
fn a_buffer_that_keeps_one_string_fails_the_pieces_structure_test() {
    // The pieces step's every answer, from a String edited in place.
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/pieces",
        patches: &[
            // In place of the solution's buffer module (a `#[path]` attribute
            // would be refused before anything ran).
            ("src/lib.rs", "mod buffer;", "mod string_buffer;\nuse string_buffer as buffer;"),
            ("src/string_buffer.rs", "", include_str!("fixtures/wrong_buffers/string_buffer.rs")),
        ],
        fails: &["the_loaded_bytes_stay_where_they_are_and_edits_only_add"],
        says: &["it never copies or rebuilds the text"],
    });
}

#[test]
fn pieces_that_own_their_text_fail_the_add_buffer_test() {
    // Pieces, but each inserted one a String of its own, not a slice of one
    // add buffer; and a text() that checks each end but not their order.
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/pieces",
        patches: &[
            ("src/lib.rs", "mod buffer;", "mod owned_pieces;\nuse owned_pieces as buffer;"),
            ("src/owned_pieces.rs", "", include_str!("fixtures/wrong_buffers/owned_pieces.rs")),
        ],
        fails: &["every_insert_is_appended_to_one_add_buffer", "bad_offsets_are_refused_and_change_nothing"],
        says: &["allocates on every insert", "read a reversed range: refused with this error"],
    });
}

#[test]
fn a_line_start_that_reads_the_text_again_fails_the_found_once_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/lines",
        patches: &[(
            "src/buffer.rs",
            "        if line == 0 {\n            return Ok(0);\n        }\n",
            "        if line == 0 {\n            return Ok(0);\n        }\n        \
             let text = self.to_string();\n        \
             return Ok(text.match_indices('\\n').nth(line - 1).map_or(text.len(), |(newline, _)| newline + 1));\n",
        )],
        fails: &["lines_are_found_once_when_the_bytes_arrive", "inserted_lines_are_found_once_when_they_arrive"],
        says: &["a question that reads the text again"],
    });
}

#[test]
fn motions_that_skip_home_end_and_lines_fail_their_tests() {
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/motions",
        patches: &[
            ("src/editor.rs", "\"0\" | \"Home\" => self.set_column(line, 0),", "\"0\" => self.set_column(line, 0),"),
            ("src/editor.rs", "\"$\" | \"End\" => {", "\"$\" => {"),
            // e stops at the end of its line.
            (
                "src/editor.rs",
                "let Some(mut at) = self.next_offset(self.cursor) else { return };\n        \
                 while self.class_at(at) == Class::Blank {",
                "let Some(mut at) = self.next_offset(self.cursor) else { return };\n        \
                 while self.class_at(at) == Class::Blank && self.buffer.byte_at(at) != Some(b'\\n') {",
            ),
        ],
        fails: &["home_and_end_move_like_0_and_dollar", "w_b_e_move_by_words_and_punctuation_across_lines"],
        says: &["End, like $, goes to the last character of the line", "e crosses newlines"],
    });
}

#[test]
fn editing_keys_left_out_fail_their_tests() {
    // Each patch leaves out one key the README's table names; each fails a
    // test of its own.
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/editing",
        patches: &[
            // Arrows, Home and End only in Edit mode, not while inserting.
            (
                "src/editor.rs",
                "\"ArrowLeft\" | \"ArrowRight\" | \"ArrowUp\" | \"ArrowDown\" | \"Home\" | \"End\" => \
                 self.motion(key, line, column),",
                "\"ArrowLeft\" | \"ArrowRight\" | \"ArrowUp\" | \"ArrowDown\" | \"Home\" | \"End\" \
                 if self.mode == Mode::Edit => {\n                self.motion(key, line, column)\n            }",
            ),
            // x deletes one byte (nothing where that would split a
            // character), and Delete is not x.
            (
                "src/editor.rs",
                "\"x\" | \"Delete\" => {\n                let end = self.after_char(self.cursor);\n                \
                 self.delete_into_register(self.cursor, end, false);\n            }",
                "\"x\" => {\n                if self.buffer.text(self.cursor, self.cursor + 1).is_ok() {\n                    \
                 self.delete_into_register(self.cursor, self.cursor + 1, false);\n                }\n            }",
            ),
            // Visual mode without x, and without v to leave it.
            ("src/editor.rs", "\"d\" | \"x\" | \"y\" => {", "\"d\" | \"y\" => {"),
            ("src/editor.rs", "\"Escape\" | \"v\" => self.leave_to_normal(),", "\"Escape\" => self.leave_to_normal(),"),
        ],
        fails: &[
            "tab_arrows_home_and_end_while_inserting",
            "delete_in_normal_mode_is_x",
            "x_deletes_a_whole_character",
            "x_deletes_a_visual_selection_as_d_does",
            "v_leaves_visual_mode_as_escape_does",
        ],
        says: &[
            "arrows move while inserting",
            "x (or Delete) deletes the character under the cursor in Normal mode",
            "deleting never splits a character",
            "x deletes the selection, as d does",
            "v leaves Visual mode, as Escape does",
        ],
    });
}

#[test]
fn a_visual_delete_left_out_of_the_history_fails_the_undo_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/undo",
        patches: &[(
            "src/editor.rs",
            "if key != \"y\" {\n                    self.delete(start, end);",
            "if key != \"y\" {\n                    self.buffer.delete(start, end).expect(\"a selection is on boundaries\");",
        )],
        fails: &["p_and_a_visual_delete_are_one_step_each"],
        says: &["a Visual d is one Normal-mode command: one u undoes it"],
    });
}

#[test]
fn a_line_table_left_to_the_compiler_and_a_length_from_the_capacity_fail_the_frame_tests() {
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/frame",
        patches: &[
            (
                "src/lib.rs",
                "#[repr(C)]\n#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]\npub struct LineRecord",
                "#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]\npub struct LineRecord",
            ),
            ("src/frame.rs", "self.render_bytes.len()\n    }", "self.render_bytes.capacity()\n    }"),
        ],
        fails: &[
            "the_records_have_the_documented_packed_layouts",
            "rows_are_rendered_into_an_area_the_page_reads_through_views",
        ],
        says: &["LineRecord is declared in src/lib.rs with no #[repr], without C", "not the capacity of the Vec"],
    });
}

// Wrong approaches a student new to WebAssembly may take that the audit
// above did not list (2026-12-04): each broke a README promise and passed
// every test, or failed one with a message that blamed something else,
// until its exercise's test file was strengthened.

#[test]
fn grayscale_rounded_half_to_even_fails_the_exact_half_test() {
    // Banker's rounding: the same gray level as `+ 0.5` and `as u8` on every
    // sum but those that are exactly x.5 in f32, with x even (7,160 pixels).
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[("src/lib.rs", "(sum + 0.5) as u8", "sum.round_ties_even() as u8")],
        fails: &["a_weighted_sum_of_exactly_one_half_rounds_up"],
        says: &["round_ties_even"],
    });
}

#[test]
fn a_histogram_that_copies_the_bytes_it_counts_fails_the_borrow_test() {
    // A copy freed before add returns: nothing is left allocated, but the
    // image is in memory twice while it is counted.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[(
            "src/lib.rs",
            "let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };\n        for &byte in bytes {",
            "let bytes = unsafe { core::slice::from_raw_parts(ptr, len) }.to_vec();\n        for &byte in &bytes {",
        )],
        fails: &["a_histogram_reads_the_bytes_without_taking_them", "the_page_holds_one_image_at_a_time"],
        says: &["Histogram::add allocated"],
    });
}

#[test]
fn a_page_whose_view_is_made_before_alloc_fails_the_levels_test() {
    // The lesson's `wasmMem.set(imageData.data, ptr)`, with wasmMem made once:
    // right until an alloc grows memory and detaches it.
    grade_wrong_pattern(WrongPattern {
        exercise: "02_no_gc",
        patches: &[
            (
                "page.js",
                "    const levels = [];",
                "    const levels = [];\n    const wasmMem = new Uint8Array(memory.buffer);",
            ),
            (
                "page.js",
                "        new Uint8Array(memory.buffer, ptr, image.length).set(image);",
                "        wasmMem.set(image, ptr);",
            ),
        ],
        fails: &["the_page_finds_the_most_common_level_of_each_image"],
        says: &["so lib.alloc had to grow memory", "Make the view after lib.alloc returns"],
    });
}

#[test]
fn an_input_buffer_that_allocates_a_new_buffer_per_batch_fails_the_reuse_test() {
    // A fresh Vec for every batch, the one before forgotten: every batch
    // leaks the last one's room, and memory never shrinks.
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "src/lib.rs",
            "        batch.resize(len, 0.0);\n        batch.as_mut_ptr()",
            "        let mut fresh = vec![0.0; len];\n        core::mem::swap(batch, &mut fresh);\n        \
             core::mem::forget(fresh);\n        batch.as_mut_ptr()",
        )],
        fails: &["input_buffer_keeps_one_buffer_for_every_batch"],
        says: &["resize the module's one buffer"],
    });
}

#[test]
fn a_record_table_ptr_to_its_vec_fails_the_data_view_tests() {
    // The address of the Vec (its pointer, capacity and length), not of the
    // records: JavaScript reads and writes the wrong bytes.
    grade_wrong_pattern(WrongPattern {
        exercise: "06_struct_packing",
        patches: &[(
            "src/lib.rs",
            "self.records.as_ptr() as usize",
            "&self.records as *const Vec<PackedRecord> as usize",
        )],
        fails: &["javascript_reads_packed_records_with_a_data_view", "records_written_by_javascript_are_read_by_rust"],
        says: &["an address inside the RecordTable itself"],
    });
}

#[test]
fn a_byte_store_of_two_bytes_fails_the_store_byte_test() {
    grade_wrong_pattern(WrongPattern {
        exercise: "03_memory_ops",
        patches: &[(
            "src/memory.wat",
            "    i32.store8)        ;; store 1 byte",
            "    i32.store16)       ;; store 2 bytes",
        )],
        fails: &["store_byte_writes_one_byte_at_its_address"],
        says: &["it wrote 2 bytes"],
    });
}

#[test]
fn an_f64_view_that_is_a_copy_fails_the_view_tests() {
    // Float64Array::from(&[f64]) copies the slots into a new JavaScript
    // array: right values, but writes through it never reach the arena.
    grade_wrong_pattern(WrongPattern {
        exercise: "01_typed_views",
        patches: &[(
            "src/lib.rs",
            "        self.view.clone().unwrap()\n",
            "        let _ = stale;\n        \
             Float64Array::from(unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast::<f64>(), self.len / 8) })\n",
        )],
        fails: &["f64_view_is_remade_after_memory_grows"],
        says: &["a copy of the arena"],
    });
}

#[test]
fn a_batch_handed_back_with_its_length_in_bytes_fails_the_in_place_test() {
    // len × 8: the bytes the results take, where receive_results takes how
    // many f64 results there are.
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "src/lib.rs",
            "receive_results(batch.as_ptr(), len);",
            "receive_results(batch.as_ptr(), len * 8);",
        )],
        fails: &[
            "a_batch_of_100000_items_gives_every_result",
            "single_and_odd_length_batches_are_right",
            "consecutive_batches_do_not_mix",
            "a_batch_for_which_input_buffer_grows_memory_arrives_whole",
            "process_batch_transforms_the_items_where_they_are",
        ],
        says: &["len is the number of f64 results"],
    });
}

#[test]
fn a_frame_ptr_to_its_vec_fails_the_canvas_test() {
    // JavaScript would put the test card over the Frame's Vec and the stack
    // around it; told before it does.
    grade_wrong_pattern(WrongPattern {
        exercise: "07_grayscale",
        patches: &[("src/lib.rs", "self.pixels.as_ptr() as usize", "&self.pixels as *const Vec<u8> as usize")],
        fails: &["a_canvas_frame_goes_gray_with_one_copy_in_and_none_out"],
        says: &["an address inside the Frame itself"],
    });
}

#[test]
fn a_page_that_sets_the_batch_at_the_byte_address_as_an_index_fails_with_its_cause() {
    // set(items, ptr) on a view of all of memory: its offset counts f64
    // elements, so the batch would go 8 times further than the buffer.
    grade_wrong_pattern(WrongPattern {
        exercise: "04_batching",
        patches: &[(
            "page.js",
            "new Float64Array(memory.buffer, ptr, items.length).set(items);",
            "new Float64Array(memory.buffer).set(items, ptr);",
        )],
        fails: &[
            "a_batch_of_100000_items_crosses_into_wasm_once",
            "a_batch_of_100000_results_crosses_back_to_javascript_once",
            "a_batch_of_100000_items_gives_every_result",
            "single_and_odd_length_batches_are_right",
            "an_empty_batch_gives_no_results_and_needs_no_more_calls",
            "consecutive_batches_do_not_mix",
            "a_batch_for_which_input_buffer_grows_memory_arrives_whole",
            "the_results_are_the_modules_work_not_the_pages",
        ],
        says: &["set(items, ptr) on a view of all of memory writes 8 times"],
    });
}

#[test]
fn a_hot_path_that_copies_through_a_scratch_buffer_made_in_new_fails_the_allocation_test() {
    // The scratch buffer is allocated once, in new(): the hot call allocates
    // nothing and grows nothing, yet every sample is copied out and back.
    grade_wrong_pattern(WrongPattern {
        exercise: "05_avoiding_copies",
        patches: &[
            ("src/lib.rs", "pub struct Signal {\n    samples: Vec<f64>,\n}", "pub struct Signal {\n    samples: Vec<f64>,\n    scratch: Vec<f64>,\n}"),
            ("src/lib.rs", "Signal { samples: vec![0.0; capacity] }", "Signal { samples: vec![0.0; capacity], scratch: vec![0.0; capacity] }"),
            (
                "src/lib.rs",
                "for x in samples.iter_mut() {\n            *x = if range > 0.0 { (*x - min) / range } else { 0.0 };\n        }",
                "let scratch = &mut self.scratch[..len];\n        \
                 for (s, &x) in scratch.iter_mut().zip(samples.iter()) {\n            \
                 *s = if range > 0.0 { (x - min) / range } else { 0.0 };\n        }\n        \
                 samples.copy_from_slice(scratch);",
            ),
        ],
        fails: &["the_hot_call_allocates_nothing"],
        says: &["A second buffer to rescale into"],
    });
}

#[test]
fn an_add_buffer_indexed_again_at_every_insert_fails_the_found_once_test() {
    // The add buffer's checkpoints rebuilt from its first byte on every
    // append: every answer right, each insert reading everything typed
    // before it (the buffer milestone's replays then run out of time).
    grade_wrong_pattern(WrongPattern {
        exercise: "mix/lines",
        patches: &[(
            "src/source.rs",
            "        self.bytes.extend_from_slice(more.as_bytes());\n        while",
            "        self.bytes.extend_from_slice(more.as_bytes());\n        self.checkpoints.truncate(1);\n        while",
        )],
        fails: &["inserted_lines_are_found_once_when_they_arrive"],
        says: &["finds the newlines of the whole add buffer again at each insert"],
    });
}
