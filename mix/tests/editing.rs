//! mix milestone 3 — modes and editing. One copy grades the student's `mix`
//! crate and the reference in `solutions/mix`.
//!
//! Keys are pressed one by one, named like `KeyboardEvent.key`; each test
//! checks the text, the cursor (line, column in characters) and the mode.

use mix::{Editor, Mode};
use wasm_bindgen_test::wasm_bindgen_test;

mod keys;
use keys::press_all;

/// Presses `keys`, where `<Name>` is a named key and anything else a
/// character.
fn run(text: &str, keys: &str) -> Editor {
    let mut editor = Editor::new(text);
    press_all(&mut editor, keys);
    editor
}

fn state(editor: &Editor) -> (String, (usize, usize), Mode) {
    (editor.text(), editor.cursor(), editor.mode())
}

#[wasm_bindgen_test]
fn a_new_editor_is_in_normal_mode_and_names_it() {
    let editor = Editor::new("x");
    assert_eq!(editor.mode(), Mode::Normal);
    assert_eq!(
        [Mode::Normal, Mode::Insert, Mode::Visual, Mode::Edit].map(Mode::name),
        ["NORMAL", "INSERT", "VISUAL", "EDIT"],
        "mode names for the status line"
    );
}

#[wasm_bindgen_test]
fn i_and_a_insert_before_and_after_the_cursor_and_escape_steps_back() {
    let editor = run("abc", "li");
    assert_eq!(state(&editor), ("abc".into(), (0, 1), Mode::Insert), "i: Insert mode, cursor unchanged");
    let editor = run("abc", "liXY<Escape>");
    assert_eq!(
        state(&editor),
        ("aXYbc".into(), (0, 2), Mode::Normal),
        "typed text goes before the cursor; Escape returns to Normal on the last typed character"
    );
    let editor = run("abc", "laZ<Escape>");
    assert_eq!(state(&editor), ("abZc".into(), (0, 2), Mode::Normal), "a: insert after the cursor");
    let editor = run("abc", "$a!");
    assert_eq!(
        state(&editor),
        ("abc!".into(), (0, 4), Mode::Insert),
        "a at the end appends; the cursor may sit after the last character while typing"
    );
}

#[wasm_bindgen_test]
fn o_and_capital_o_open_lines() {
    let editor = run("one\ntwo", "onew<Escape>");
    assert_eq!(state(&editor), ("one\nnew\ntwo".into(), (1, 2), Mode::Normal), "o opens a line below");
    let editor = run("one\ntwo", "jOnew");
    assert_eq!(state(&editor), ("one\nnew\ntwo".into(), (1, 3), Mode::Insert), "O opens a line above");
    let editor = run("one\ntwo", "jolast");
    assert_eq!(editor.text(), "one\ntwo\nlast", "o on the last line appends a line");
}

#[wasm_bindgen_test]
fn typing_keys_enter_backspace_and_delete() {
    let editor = run("ab", "li<Enter>");
    assert_eq!(state(&editor), ("a\nb".into(), (1, 0), Mode::Insert), "Enter splits the line");
    let editor = run("ab\ncd", "ji<Backspace>");
    assert_eq!(
        state(&editor),
        ("abcd".into(), (0, 2), Mode::Insert),
        "Backspace at column 0 joins with the line above"
    );
    let editor = run("abc", "li<Delete>");
    assert_eq!(editor.text(), "ac", "Delete removes the character under the cursor");
    let editor = run("é😀", "a<Backspace>");
    assert_eq!(editor.text(), "😀", "Backspace removes a whole character, never half of one");
    let editor = run("x", "i<Backspace><Backspace>");
    assert_eq!(editor.text(), "x", "Backspace at the very start does nothing");
}

#[wasm_bindgen_test]
fn tab_arrows_home_and_end_while_inserting() {
    let editor = run("ab", "li<Tab>");
    assert_eq!(state(&editor), ("a\tb".into(), (0, 2), Mode::Insert), "Tab types a tab character");
    let editor = run("abc\ndef", "i<ArrowRight>X<ArrowDown>Y");
    assert_eq!(
        state(&editor),
        ("aXbc\ndeYf".into(), (1, 3), Mode::Insert),
        "arrows move while inserting, and typing goes on where they moved"
    );
    let editor = run("abc", "li<End>!<Home>?");
    assert_eq!(
        state(&editor),
        ("?abc!".into(), (0, 1), Mode::Insert),
        "End goes just after the line's last character while inserting, Home to column 0"
    );
}

#[wasm_bindgen_test]
fn x_dd_and_dw_delete() {
    let editor = run("abc", "lx");
    assert_eq!(state(&editor), ("ac".into(), (0, 1), Mode::Normal), "x deletes the character under the cursor");
    let editor = run("abc", "$x");
    assert_eq!(state(&editor), ("ab".into(), (0, 1), Mode::Normal), "x on the last character: the cursor steps back");
    let editor = run("one\n  two\nthree", "dd");
    assert_eq!(
        state(&editor),
        ("  two\nthree".into(), (0, 2), Mode::Normal),
        "dd deletes the line; the cursor goes to the first non-blank"
    );
    let editor = run("one\ntwo", "jdd");
    assert_eq!(
        state(&editor),
        ("one".into(), (0, 0), Mode::Normal),
        "dd on the last line removes the newline before it"
    );
    let editor = run("foo bar baz", "wdw");
    assert_eq!(state(&editor), ("foo baz".into(), (0, 4), Mode::Normal), "dw deletes to the start of the next word");
    let editor = run("foo bar\nnext", "wdw");
    assert_eq!(editor.text(), "foo \nnext", "dw on the last word of a line stops at the line's end");
}

#[wasm_bindgen_test]
fn delete_in_normal_mode_is_x() {
    let editor = run("abc", "l<Delete>");
    assert_eq!(
        state(&editor),
        ("ac".into(), (0, 1), Mode::Normal),
        "x (or Delete) deletes the character under the cursor in Normal mode"
    );
}

#[wasm_bindgen_test]
fn x_deletes_a_whole_character() {
    let editor = run("é😀b", "lx");
    assert_eq!(
        state(&editor),
        ("éb".into(), (0, 1), Mode::Normal),
        "x on 😀 (4 bytes) deletes all of it: deleting never splits a character"
    );
}

#[wasm_bindgen_test]
fn yy_dd_x_fill_the_register_and_p_pastes() {
    let editor = run("one\ntwo", "yyp");
    assert_eq!(state(&editor), ("one\none\ntwo".into(), (1, 0), Mode::Normal), "yy then p: the line below");
    let editor = run("one\ntwo\nthree", "ddp");
    assert_eq!(editor.text(), "two\none\nthree", "dd then p moves a line down");
    let editor = run("one\ntwo", "jyyp");
    assert_eq!(editor.text(), "one\ntwo\ntwo", "p of a line below the last line");
    let editor = run("abc", "xp");
    assert_eq!(state(&editor), ("bac".into(), (0, 1), Mode::Normal), "x then p swaps two characters");
    let editor = run("abc", "p");
    assert_eq!(editor.text(), "abc", "p with nothing yanked does nothing");
}

#[wasm_bindgen_test]
fn visual_mode_selects_with_motions_and_deletes_or_yanks() {
    let editor = run("hello world", "lvll");
    assert_eq!(editor.mode(), Mode::Visual);
    assert_eq!(editor.selection(), Some((1, 4)), "v at column 1, two l: bytes 1..4 (inclusive of the cursor)");
    let editor = run("hello world", "lvlld");
    assert_eq!(state(&editor), ("ho world".into(), (0, 1), Mode::Normal), "d deletes the selection");
    let editor = run("hello world", "velyP$p");
    assert_eq!(
        editor.text(),
        "hello worldhello ",
        "y yanks the selection (P is not a key here); p pastes it after the cursor"
    );
    let editor = run("abc", "v<Escape>");
    assert_eq!((editor.mode(), editor.selection()), (Mode::Normal, None), "Escape leaves Visual mode");
}

#[wasm_bindgen_test]
fn x_deletes_a_visual_selection_as_d_does() {
    let editor = run("hello world", "lvllx");
    assert_eq!(state(&editor), ("ho world".into(), (0, 1), Mode::Normal), "x deletes the selection, as d does");
}

#[wasm_bindgen_test]
fn v_leaves_visual_mode_as_escape_does() {
    let editor = run("abc", "vlv");
    assert_eq!(
        (editor.mode(), editor.selection(), editor.cursor()),
        (Mode::Normal, None, (0, 1)),
        "v leaves Visual mode, as Escape does, the cursor where the selection ended"
    );
}

#[wasm_bindgen_test]
fn edit_mode_just_types() {
    let mut editor = Editor::new("ab\ncd");
    editor.set_modal(false);
    assert_eq!(editor.mode(), Mode::Edit);
    press_all(&mut editor, "<ArrowRight>X<ArrowDown><End>!<Escape>hjk<Enter>");
    assert_eq!(
        state(&editor),
        ("aXb\ncd!hjk\n".into(), (2, 0), Mode::Edit),
        "in Edit mode every printable key types, arrows and End move, Escape does nothing"
    );
    editor.set_modal(true);
    assert_eq!(editor.mode(), Mode::Normal, "back to the modal way of working");
}
