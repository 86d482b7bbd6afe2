//! `grader edition`: the course as a student receives it, without what
//! would give the answers away ([`WITHHELD`]: the solutions and
//! the grader's own tests). Everything else is copied as it is, including
//! course.seal.json, which holds only hashes of the instructor's files and
//! the shipped stubs. The edition grades, watches, lists and resets like the
//! full course; only `verify`, which needs the solutions, refuses. The
//! instructor's full copy grades its submissions with `grade --reference`.

use crate::ownership::WITHHELD;
use crate::walk::course_files;
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
    for path in course_files(&course_root) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;

    #[test]
    fn the_edition_leaves_out_the_solutions_and_the_graders_tests_and_keeps_the_rest() {
        let fake = FakeCourse::new();
        let course = fake.course();
        crate::seal::seal(&course).unwrap();
        // Near misses of the withheld names are kept.
        fake.write("solutions.md", "about the solutions\n");
        fake.write("grader/tests.rs", "mod x;\n");
        fake.write("exercises/01_alpha/solutions/notes.md", "mine\n");
        let out = tempfile::tempdir().unwrap();
        let edition = out.path().join("edition");
        let written = write(fake.root(), &edition).unwrap();
        let copied = course_files(&edition);
        assert_eq!(written, copied.len());
        let expected: Vec<String> = course_files(fake.root())
            .into_iter()
            .filter(|p| !p.starts_with("solutions/") && !p.starts_with("grader/tests/"))
            .collect();
        assert_eq!(copied, expected);
        for kept in [
            "course.seal.json",
            "solutions.md",
            "grader/tests.rs",
            "grader/src/main.rs",
            "exercises/01_alpha/solutions/notes.md",
            "mix/tests/buffer.rs",
        ] {
            assert!(copied.contains(&kept.to_string()), "{kept} is missing");
        }
        for path in &copied {
            assert_eq!(std::fs::read(edition.join(path)).unwrap(), std::fs::read(fake.path(path)).unwrap(), "{path}");
        }
        assert!(!edition.join("solutions").exists());
        assert!(!edition.join("grader/tests").exists());
        // What it holds is a course a student can use.
        let student = crate::discover::Course::open(&edition).unwrap();
        assert!(!student.has_solutions());
        assert!(crate::seal::check_seal(&student).is_empty());
    }

    #[test]
    fn build_output_version_control_and_links_are_not_copied() {
        let fake = FakeCourse::new();
        fake.write("target/debug/big.bin", "x");
        fake.write(".git/HEAD", "ref: refs/heads/main\n");
        fake.write(".grader/hints.json", "{}");
        std::os::unix::fs::symlink(fake.path("solutions"), fake.path("exercises/01_alpha/answers")).unwrap();
        let out = tempfile::tempdir().unwrap();
        write(fake.root(), out.path()).unwrap();
        for absent in ["target", ".git", ".grader", "exercises/01_alpha/answers"] {
            assert!(!out.path().join(absent).exists(), "{absent} was copied");
        }
    }

    #[test]
    fn the_edition_goes_to_a_new_or_empty_directory_outside_the_course() {
        let fake = FakeCourse::new();
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("keep.txt"), "mine").unwrap();
        let error = write(fake.root(), out.path()).unwrap_err().to_string();
        assert!(error.contains("is not empty"), "{error}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1, "nothing was written");
        let error = write(fake.root(), &fake.path("edition")).unwrap_err().to_string();
        assert!(error.contains("cannot go inside the course"), "{error}");
        assert!(!fake.path("edition/course.toml").exists());
    }
}
