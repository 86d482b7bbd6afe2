//! Single keys for `grader watch`. At a terminal, the line discipline is put
//! in "cbreak" mode — no line buffering, no echo — so a key acts as soon as
//! it is pressed; output processing and Ctrl-C are left as they were, so the
//! screen and interrupting behave as usual. The terminal's settings are put
//! back when the loop ends, and by the Ctrl-C handler, which exits without
//! unwinding. Piped input (a script, a test) is read the same way, byte by
//! byte, with no terminal to change.

use std::io::{IsTerminal, Read};
use std::sync::Mutex;

/// The terminal's settings before cbreak mode, while it is on.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Cbreak mode on standard input while alive (a no-op when it is not a terminal).
pub struct SingleKeys(());

impl SingleKeys {
    pub fn enable() -> SingleKeys {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            // Ctrl-C exits without unwinding: put the terminal back first.
            static HOOK: std::sync::Once = std::sync::Once::new();
            HOOK.call_once(|| crate::interrupt::on_interrupt(restore_terminal));
            // SAFETY: termios is plain data; tcgetattr fills it or fails.
            let mut settings: libc::termios = unsafe { std::mem::zeroed() };
            if unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut settings) } == 0 {
                let saved = settings;
                settings.c_lflag &= !(libc::ICANON | libc::ECHO);
                settings.c_cc[libc::VMIN] = 1;
                settings.c_cc[libc::VTIME] = 0;
                if unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &settings) } == 0 {
                    *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved);
                }
            }
        }
        SingleKeys(())
    }
}

impl Drop for SingleKeys {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Puts the terminal's settings back if cbreak mode is on.
pub fn restore_terminal() {
    if let Some(saved) = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        // SAFETY: `saved` came from tcgetattr on the same descriptor.
        unsafe { libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved) };
    }
}

/// Calls `on_key` with each key read (lower-cased ASCII letters and digits,
/// Ctrl-D as `q`; Enter, spaces and escape sequences such as arrow keys are
/// skipped) until input ends or `on_key` returns false.
pub fn read_keys(mut on_key: impl FnMut(char) -> bool) {
    let mut stdin = std::io::stdin().lock();
    let mut keys = Keys::default();
    let mut byte = [0u8; 1];
    while let Ok(1) = stdin.read(&mut byte) {
        if let Some(key) = keys.push(byte[0]) {
            if !on_key(key) {
                return;
            }
        }
    }
}

/// Turns bytes into keys, dropping escape sequences: an arrow key arrives as
/// `ESC [ A`, which must not read as the key `a`.
#[derive(Default)]
struct Keys {
    escape: Escape,
}

#[derive(Default, PartialEq)]
enum Escape {
    #[default]
    None,
    /// ESC seen: `[` or `O` starts a sequence; anything else is a key.
    Started,
    /// Inside `ESC [ ...`, which ends at a byte in `@`..=`~`.
    Csi,
    /// `ESC O x`: one more byte.
    Ss3,
}

impl Keys {
    fn push(&mut self, byte: u8) -> Option<char> {
        match std::mem::take(&mut self.escape) {
            Escape::Started if byte == b'[' => self.escape = Escape::Csi,
            Escape::Started if byte == b'O' => self.escape = Escape::Ss3,
            Escape::Csi if !(0x40..=0x7e).contains(&byte) => self.escape = Escape::Csi,
            Escape::Csi | Escape::Ss3 => {}
            Escape::None | Escape::Started if byte == 0x1b => self.escape = Escape::Started,
            // Ctrl-D: without line editing the terminal no longer turns it
            // into the end of input, so it is read as quitting here.
            Escape::None | Escape::Started if byte == 0x04 => return Some('q'),
            Escape::None | Escape::Started => {
                let key = byte.to_ascii_lowercase() as char;
                return key.is_ascii_alphanumeric().then_some(key);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> String {
        let mut keys = Keys::default();
        bytes.iter().filter_map(|&b| keys.push(b)).collect()
    }

    #[test]
    fn letters_are_keys_and_enter_and_spaces_are_not() {
        assert_eq!(keys(b"h\nL r\r\nQ"), "hlrq");
    }

    #[test]
    fn arrow_and_function_keys_are_not_read_as_letters() {
        // Up, Down (CSI), F1 (SS3), Page Up (CSI with a parameter), then n.
        assert_eq!(keys(b"\x1b[A\x1b[B\x1bOP\x1b[5~n"), "n");
    }

    #[test]
    fn ctrl_d_quits_as_it_ends_input_in_line_mode() {
        assert_eq!(keys(b"h\x04"), "hq");
    }

    #[test]
    fn escape_then_a_letter_keeps_the_letter() {
        assert_eq!(keys(b"\x1bq"), "q");
    }
}
