//! Walking a course tree: its files by their course-relative,
//! `/`-separated names, never through a symbolic link, and every entry the
//! checks cannot vouch for, so that nothing is skipped in silence. Staging
//! a submission, the seal, the integrity scan of a course graded in place,
//! the student edition and verify all see a tree the same way.

use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// What a walk of a course tree finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    /// Never followed: reported, never read.
    Symlink,
    /// A name the checks cannot take at its word (see [`path_text`]): never read.
    UnreadableName,
    /// What the walk could not open (a directory without permission).
    Unreadable,
}

impl Entry {
    /// Why the checks cannot vouch for this entry, if they cannot.
    pub fn unchecked(self) -> Option<&'static str> {
        match self {
            Entry::UnreadableName => Some(
                "has a name with a control character (a newline, say), a backslash or bytes that are not UTF-8, \
                 which the compiler's list of the files it read cannot show faithfully; rename it",
            ),
            Entry::Unreadable => Some("cannot be read, so the grader cannot check it; make it readable"),
            Entry::File | Entry::Symlink => None,
        }
    }
}

/// The regular files of a course tree (see [`files`]).
pub fn course_files(root: &Path) -> Vec<String> {
    files(root).into_iter().filter(|(_, kind)| *kind == Entry::File).map(|(path, _)| path).collect()
}

/// The files (and symbolic links) of a course tree, relative and
/// `/`-separated, without build output, version control or backups — and
/// every entry, directories too, whose name cannot be checked or that
/// cannot be read, so that nothing is skipped in silence.
pub fn files(root: &Path) -> BTreeMap<String, Entry> {
    WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !matches!(e.file_name().to_str(), Some("target" | ".git" | ".grader")))
        .filter_map(|entry| {
            let (path, kind) = match entry {
                Ok(e) if e.path_is_symlink() => (e.into_path(), Some(Entry::Symlink)),
                Ok(e) if e.file_type().is_file() => (e.into_path(), Some(Entry::File)),
                Ok(e) => (e.into_path(), None),
                Err(error) => (error.path()?.to_path_buf(), Some(Entry::Unreadable)),
            };
            let relative = path.strip_prefix(root).ok().filter(|r| !r.as_os_str().is_empty())?;
            let (text, faithful) = path_text(relative);
            match kind {
                _ if !faithful => Some((text, Entry::UnreadableName)),
                Some(kind) => Some((text, kind)),
                None => None,
            }
        })
        .collect()
}

/// A relative path as text, control characters escaped (`\n`), and
/// whether that text is the path itself: UTF-8, with no control character
/// and no backslash — rustc writes file names into its dep-info unescaped,
/// so a newline there would split a line and a backslash would pass for an
/// escape.
fn path_text(relative: &Path) -> (String, bool) {
    let lossy = relative.to_string_lossy();
    let faithful = relative.to_str().is_some() && !lossy.chars().any(|c| c.is_control() || c == '\\');
    let text =
        lossy.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect();
    (text, faithful)
}
