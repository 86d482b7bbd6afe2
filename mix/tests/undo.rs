//! mix milestone 4 — undo and redo. One copy grades the student's `mix`
//! crate and the reference in `solutions/mix`.
//!
//! `u` (Normal mode) and `Ctrl+z` undo, `Ctrl+r` and `Ctrl+y` redo. A
//! Normal-mode command is one step; an insert session (from `i`, `a`, `o`…
//! to `Escape`) is one step; in Edit mode a run of typing is one step, ended
//! by a key that moves the cursor.

use mix::{Editor, Mode};
use wasm_bindgen_test::wasm_bindgen_test;

mod keys;
use keys::press_all;

fn run(text: &str, keys: &str) -> Editor {
    let mut editor = Editor::new(text);
    press_all(&mut editor, keys);
    editor
}

#[wasm_bindgen_test]
fn u_undoes_one_command_and_puts_the_cursor_back() {
    let editor = run("one two three", "wdw");
    assert_eq!(editor.text(), "one three");
    let editor = run("one two three", "wdwu");
    assert_eq!(
        (editor.text(), editor.cursor()),
        ("one two three".into(), (0, 4)),
        "u restores the text and the cursor"
    );
    let editor = run("a\nb\nc", "jddu");
    assert_eq!((editor.text(), editor.cursor()), ("a\nb\nc".into(), (1, 0)), "dd undone");
    let editor = run("abc", "xxu");
    assert_eq!(editor.text(), "bc", "each x is its own step: one u undoes only the last");
}

#[wasm_bindgen_test]
fn p_and_a_visual_delete_are_one_step_each() {
    let editor = run("one\ntwo", "yypu");
    assert_eq!((editor.text(), editor.cursor()), ("one\ntwo".into(), (0, 0)), "p undone");
    let editor = run("hello world", "lvlldu");
    assert_eq!(
        (editor.text(), editor.mode()),
        ("hello world".into(), Mode::Normal),
        "a Visual d is one Normal-mode command: one u undoes it"
    );
}

#[wasm_bindgen_test]
fn an_insert_session_is_one_step() {
    let editor = run("abc", "iXYZ<Enter>W<Escape>u");
    assert_eq!(
        (editor.text(), editor.cursor(), editor.mode()),
        ("abc".into(), (0, 0), Mode::Normal),
        "everything typed between i and Escape is undone at once"
    );
    let editor = run("one", "onew line<Escape>u");
    assert_eq!(editor.text(), "one", "o and the text typed after it are one step");
    let editor = run("abc", "iX<Escape>aY<Escape>u");
    assert_eq!(editor.text(), "Xabc", "two insert sessions are two steps");
}

#[wasm_bindgen_test]
fn redo_reapplies_and_a_new_edit_forgets_it() {
    let editor = run("abc", "xu<Ctrl+r>");
    assert_eq!(editor.text(), "bc", "Ctrl+r redoes the undone x");
    let editor = run("abc", "xu<Ctrl+y>");
    assert_eq!(editor.text(), "bc", "Ctrl+y redoes too");
    let editor = run("abc", "xu$x<Ctrl+r>");
    assert_eq!(editor.text(), "ab", "a new edit after undo clears what could be redone");
    let editor = run("abc", "u<Ctrl+r>");
    assert_eq!(editor.text(), "abc", "nothing to undo or redo: nothing happens");
}

#[wasm_bindgen_test]
fn undoing_everything_returns_to_the_original_and_redoing_everything_to_the_end() {
    let original = "fn main() {\n    println!(\"héllo\");\n}\n";
    let keys = "jwwdwxjddkyypGOlast line<Escape>ggi// note: 😀<Enter><Escape>$x";
    let mut editor = run(original, keys);
    let edited = editor.text();
    assert_ne!(edited, original);
    for _ in 0..20 {
        editor.press("u");
    }
    assert_eq!(editor.text(), original, "undoing every step gives back the original text");
    for _ in 0..20 {
        editor.press("Ctrl+r");
    }
    assert_eq!(editor.text(), edited, "redoing every step gives the edited text again");
}

#[wasm_bindgen_test]
fn in_edit_mode_a_run_of_typing_is_one_step() {
    let mut editor = Editor::new("");
    editor.set_modal(false);
    press_all(&mut editor, "abc<ArrowLeft>XY");
    assert_eq!(editor.text(), "abXYc");
    editor.press("Ctrl+z");
    assert_eq!(editor.text(), "abc", "Ctrl+z undoes the run typed since the cursor last moved");
    editor.press("Ctrl+z");
    assert_eq!(editor.text(), "", "then the run before it");
    editor.press("Ctrl+y");
    assert_eq!(editor.text(), "abc", "Ctrl+y redoes");
    assert_eq!(editor.mode(), Mode::Edit, "undo and redo keep Edit mode");
}
