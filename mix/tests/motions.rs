//! mix milestone 2 — cursor and motions (Normal mode). One copy grades the
//! student's `mix` crate and the reference in `solutions/mix`.
//!
//! The cursor is reported as (line, column), 0-based, the column counted in
//! characters; it always sits on a character, never past the last character
//! of its line (on an empty line, column 0).

use mix::Editor;
use wasm_bindgen_test::wasm_bindgen_test;

fn at(text: &str, keys: &str) -> (usize, usize) {
    let mut editor = Editor::new(text);
    editor.type_keys(keys);
    editor.cursor()
}

#[wasm_bindgen_test]
fn h_j_k_l_move_one_step_and_stop_at_the_edges() {
    let text = "abc\ndef\nghi";
    assert_eq!(at(text, ""), (0, 0), "a new editor starts at the first character");
    assert_eq!(at(text, "l"), (0, 1));
    assert_eq!(at(text, "lllll"), (0, 2), "l stops on the last character of the line, never on the newline");
    assert_eq!(at(text, "h"), (0, 0), "h at column 0 stays");
    assert_eq!(at(text, "jl"), (1, 1));
    assert_eq!(at(text, "jjj"), (2, 0), "j on the last line stays");
    assert_eq!(at(text, "k"), (0, 0), "k on the first line stays");
    assert_eq!(at(text, "jjlk"), (1, 1));
}

#[wasm_bindgen_test]
fn arrow_keys_move_like_h_j_k_l() {
    let mut editor = Editor::new("abc\ndef");
    for key in ["ArrowRight", "ArrowDown", "ArrowRight", "ArrowLeft", "ArrowUp"] {
        editor.press(key);
    }
    assert_eq!(editor.cursor(), (0, 1));
}

#[wasm_bindgen_test]
fn up_and_down_keep_the_preferred_column() {
    let text = "a long line\nab\n\nanother long line";
    assert_eq!(at(text, "lllllll"), (0, 7));
    assert_eq!(at(text, "lllllllj"), (1, 1), "line 1 has 2 characters: the cursor stops on the last");
    assert_eq!(at(text, "llllllljj"), (2, 0), "an empty line: column 0");
    assert_eq!(
        at(text, "llllllljjj"),
        (3, 7),
        "j and k remember the column the cursor was moved to (7), not the column it was clamped to"
    );
    assert_eq!(at(text, "llllllljjjhk"), (2, 0));
    assert_eq!(at(text, "llllllljjjhkj"), (3, 6), "h sets a new preferred column");
}

#[wasm_bindgen_test]
fn dollar_sticks_to_the_end_of_every_line() {
    let text = "short\na much longer line\nmid line";
    assert_eq!(at(text, "$"), (0, 4), "$ goes to the last character");
    assert_eq!(at(text, "$j"), (1, 17), "after $, j goes to the end of the next line, however long");
    assert_eq!(at(text, "$jj"), (2, 7));
    assert_eq!(at(text, "$jh"), (1, 16));
}

#[wasm_bindgen_test]
fn home_and_end_move_like_0_and_dollar() {
    let mut editor = Editor::new("  first line\nsecond, longer line\nend");
    editor.press("End");
    assert_eq!(editor.cursor(), (0, 11), "End, like $, goes to the last character of the line");
    editor.press("j");
    assert_eq!(editor.cursor(), (1, 18), "after End, like after $, j goes to the end of the next line");
    editor.press("Home");
    assert_eq!(editor.cursor(), (1, 0), "Home, like 0, goes to column 0");
    editor.press("k");
    assert_eq!(editor.cursor(), (0, 0), "Home sets the column k aims for, as 0 does");
}

#[wasm_bindgen_test]
fn zero_caret_and_the_first_and_last_lines() {
    let text = "  first\n\tsecond line\n    last";
    assert_eq!(at(text, "$0"), (0, 0), "0 goes to column 0");
    assert_eq!(at(text, "j^"), (1, 1), "^ goes to the first non-blank character");
    assert_eq!(at(text, "G"), (2, 4), "G goes to the last line, at its first non-blank");
    assert_eq!(at(text, "Ggg"), (0, 2), "gg goes to the first line, at its first non-blank");
    assert_eq!(at(text, "jg"), (1, 0), "a single g waits for the next key");
}

#[wasm_bindgen_test]
fn w_b_e_move_by_words_and_punctuation_across_lines() {
    let text = "let x = foo(bar);\n\n  next_word, é";
    assert_eq!(at(text, "w"), (0, 4), "w: the next word");
    assert_eq!(at(text, "ww"), (0, 6), "= is a word of punctuation");
    assert_eq!(at(text, "www"), (0, 8));
    assert_eq!(at(text, "wwww"), (0, 11), "( after foo starts a new word");
    assert_eq!(at(text, "wwwwwww"), (2, 2), "w crosses newlines (and the empty line) to the next word");
    assert_eq!(at(text, "wwwwwwwww"), (2, 13), "é is a word character");
    assert_eq!(at(text, "wwwwwwwwww"), (2, 13), "w with no next word stays on the last character");
    assert_eq!(at(text, "e"), (0, 2), "e: the end of this word");
    assert_eq!(at(text, "ee"), (0, 4), "e at the end of a word goes to the end of the next");
    assert_eq!(at(text, "$e"), (2, 10), "e crosses newlines (and the empty line) to the end of the next word");
    assert_eq!(
        at(text, "Gb"),
        (0, 15),
        "b from the first non-blank of the last line goes back to the previous word: );"
    );
    assert_eq!(at(text, "G$b"), (2, 11), "b: the start of the previous word");
    assert_eq!(at(text, "G$bb"), (2, 2));
    assert_eq!(at(text, "b"), (0, 0), "b at the very start stays");
}

#[wasm_bindgen_test]
fn multibyte_characters_are_one_column_each() {
    let mut editor = Editor::new("añ😀b\nxyz");
    editor.type_keys("lll");
    assert_eq!(editor.cursor(), (0, 3), "columns count characters, not bytes");
    assert_eq!(editor.cursor_offset(), 7, "…while the offset counts bytes: a 1 + ñ 2 + 😀 4");
    editor.type_keys("j");
    assert_eq!(editor.cursor(), (1, 2));
}

#[wasm_bindgen_test]
fn every_motion_is_safe_in_an_empty_buffer() {
    let mut editor = Editor::new("");
    for key in ["h", "j", "k", "l", "w", "b", "e", "0", "^", "$", "g", "g", "G", "ArrowDown", "x-unknown"] {
        editor.press(key);
        assert_eq!(editor.cursor(), (0, 0), "after {key:?} in an empty buffer the cursor stays at (0, 0)");
    }
}
