//! mix milestone 5 — search. One copy grades the student's `mix` crate and
//! the reference in `solutions/mix`.
//!
//! In Normal mode `/` opens a prompt; keys type the pattern (a plain
//! string), `Backspace` edits it, `Enter` searches forward from the cursor,
//! `Escape` cancels. `n` repeats forward, `N` backward; both wrap around the
//! text. Without a match the cursor stays.

use mix::{Editor, Mode};
use wasm_bindgen_test::wasm_bindgen_test;

mod keys;
use keys::press_all;

fn cursor_after(text: &str, keys: &str) -> (usize, usize) {
    let mut editor = Editor::new(text);
    press_all(&mut editor, keys);
    editor.cursor()
}

const TEXT: &str = "one two\nthree two\nfour";

#[wasm_bindgen_test]
fn slash_finds_the_next_match_and_n_repeats_it_wrapping_around() {
    assert_eq!(cursor_after(TEXT, "/two<Enter>"), (0, 4), "the first match after the cursor");
    assert_eq!(cursor_after(TEXT, "/two<Enter>n"), (1, 6), "n: the next one, on another line");
    assert_eq!(cursor_after(TEXT, "/two<Enter>nn"), (0, 4), "n past the last match wraps to the first");
    assert_eq!(cursor_after(TEXT, "/o<Enter>"), (0, 6), "the match under the cursor does not count: the o of two");
}

#[wasm_bindgen_test]
fn capital_n_searches_backwards_wrapping_around() {
    assert_eq!(cursor_after(TEXT, "/two<Enter>N"), (1, 6), "N from the first match wraps to the last");
    assert_eq!(cursor_after(TEXT, "/two<Enter>nN"), (0, 4));
}

#[wasm_bindgen_test]
fn the_prompt_is_shown_edited_and_cancelled() {
    let mut editor = Editor::new(TEXT);
    press_all(&mut editor, "/thx<Backspace>r");
    assert_eq!(editor.search_prompt(), Some("thr"), "the status line shows the pattern being typed");
    assert_eq!(editor.mode(), Mode::Normal);
    editor.press("Escape");
    assert_eq!((editor.search_prompt(), editor.cursor()), (None, (0, 0)), "Escape cancels without moving");
    press_all(&mut editor, "/thr<Enter>");
    assert_eq!((editor.search_prompt(), editor.cursor()), (None, (1, 0)), "Enter closes the prompt and moves");
    press_all(&mut editor, "/x<Backspace><Backspace>j");
    assert_eq!(editor.cursor(), (2, 0), "Backspace on an empty pattern closes the prompt; j moves again");
}

#[wasm_bindgen_test]
fn no_match_or_no_search_leaves_the_cursor_alone() {
    assert_eq!(cursor_after(TEXT, "l/zebra<Enter>"), (0, 1), "no match: the cursor stays");
    assert_eq!(cursor_after(TEXT, "lnN"), (0, 1), "n and N before any search do nothing");
    assert_eq!(cursor_after(TEXT, "/two<Enter>/<Enter>n"), (0, 4), "an empty pattern repeats the last search");
}

#[wasm_bindgen_test]
fn matches_are_found_in_multibyte_text_by_character_column() {
    let text = "déjà vu, déjà vu\n😀 déjà";
    assert_eq!(cursor_after(text, "/déjà<Enter>"), (0, 9), "columns count characters: déjà starts at column 9");
    assert_eq!(cursor_after(text, "/déjà<Enter>n"), (1, 2));
    assert_eq!(cursor_after(text, "G$/vu<Enter>"), (0, 5), "a search from the end wraps to the start");
}
