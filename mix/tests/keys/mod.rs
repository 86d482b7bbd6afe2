//! Shared by the milestone tests: pressing a written sequence of keys.

use mix::Editor;

/// Presses `keys` one by one: `<Name>` is a named key (`<Escape>`,
/// `<Ctrl+r>`), any other character is the key of that character.
pub fn press_all(editor: &mut Editor, keys: &str) {
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                editor.press(&rest[1..end]);
                rest = &rest[end + 1..];
                continue;
            }
        }
        editor.press(&rest[..c.len_utf8()]);
        rest = &rest[c.len_utf8()..];
    }
}
