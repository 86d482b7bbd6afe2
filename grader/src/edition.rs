//! `grader edition`: the course as a student receives it, without what
//! would give the answers away ([`submission::WITHHELD`]: the solutions and
//! the grader's own tests). Everything else is copied as it is, including
//! course.seal.json, which holds only hashes of the instructor's files and
//! the shipped stubs. The edition grades, watches, lists and resets like the
//! full course; only `verify`, which needs the solutions, refuses. The
//! instructor's full copy grades its submissions with `grade --reference`.

use crate::submission::{self, WITHHELD};
use anyhow::{bail, Context, Result};
use std::path::Path;

/// Copies the course at `course_root` to `out` (new or empty), leaving out
/// what is withheld. Returns how many files were written.
pub fn write(course_root: &Path, out: &Path) -> Result<usize> {
    if out.exists() && out.read_dir().with_context(|| format!("cannot read {}", out.display()))?.next().is_some() {
        bail!("{} is not empty: choose a new directory for the student edition", out.display());
    }
    let course_root = course_root.canonicalize()?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    if out.canonicalize()?.starts_with(&course_root) {
        bail!("the student edition cannot go inside the course itself ({})", out.display());
    }
    let mut written = 0;
    for path in submission::course_files(&course_root) {
        if WITHHELD.iter().any(|dir| path.starts_with(dir)) {
            continue;
        }
        let target = out.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(course_root.join(&path), &target).with_context(|| format!("cannot copy {path}"))?;
        written += 1;
    }
    Ok(written)
}
