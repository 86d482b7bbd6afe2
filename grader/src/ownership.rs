//! Which files of a course are whose, from the manifest: the student owns
//! the files of each exercise crate (and of the capstone crate) that
//! course.toml calls editable — `src/**` unless it says more, like exercise
//! 04's `page.js`. Everything else that decides a grade is the
//! instructor's: every other file of those crates (tests, JS harnesses,
//! Cargo.toml), the workspace's Cargo.toml, Cargo.lock, course.toml and
//! rust-toolchain.toml, and `.cargo/`. A few parts a student never gets at
//! all ([`WITHHELD`]).
//!
//! Staging a submission, the seal, the integrity scan of a course graded in
//! place, the student's loop and verify all ask the same question, so the
//! answer is built once, when the course is opened
//! ([`crate::discover::Course::open`]): an invalid glob stops every command
//! there, and no caller decides for itself what to do without the rules.

use crate::integrity;
use crate::manifest::{Manifest, MANIFEST_FILE};
use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

/// Files at the root that decide how everything builds and is graded.
pub const ROOT_FILES: &[&str] = &["Cargo.toml", "Cargo.lock", MANIFEST_FILE, "rust-toolchain.toml"];
/// Cargo configuration could change the runner, flags or dependencies.
const CARGO_CONFIG_DIR: &str = ".cargo/";

/// What a student never gets (a student edition leaves them out) and a
/// submission is never built with: the solutions, and the grader's tests
/// (their fixtures are solutions with small changes).
pub const WITHHELD: &[&str] = &["solutions/", "grader/tests/"];

/// Who owns which file, from the manifest.
#[derive(Debug, Clone)]
pub struct Ownership {
    crates: Vec<CrateRules>,
}

/// One graded crate: where it is and which of its files a student edits.
#[derive(Debug, Clone)]
pub struct CrateRules {
    /// Relative to the course root, ending in `/`.
    pub dir: String,
    editable: GlobSet,
    /// What that JavaScript may name (course.toml's `page_globals` and `page_members`).
    pub page: integrity::PageAllowlist,
}

impl CrateRules {
    /// Whether `path` (relative to the course root) is one of this crate's editable files.
    pub fn is_editable(&self, path: &str) -> bool {
        path.strip_prefix(self.dir.as_str()).is_some_and(|rest| self.editable.is_match(rest))
    }
}

impl Ownership {
    /// The rules of every graded crate. Fails only on a glob the manifest
    /// let through, which is why only opening the course calls it.
    pub fn of(manifest: &Manifest) -> Result<Ownership> {
        let mut crates = Vec::new();
        let entries = manifest.exercises.iter().map(|e| {
            let page = integrity::PageAllowlist { globals: e.page_globals.clone(), members: e.page_members.clone() };
            (format!("exercises/{}/", e.dir), e.editable_globs(), page)
        });
        let capstone = manifest.capstone.iter().map(|c| {
            let globs = if c.editable.is_empty() { vec!["src/**".to_string()] } else { c.editable.clone() };
            (format!("{}/", c.dir.trim_end_matches('/')), globs, integrity::PageAllowlist::default())
        });
        for (dir, globs, page) in entries.chain(capstone) {
            let mut set = GlobSetBuilder::new();
            for glob in &globs {
                set.add(Glob::new(glob).with_context(|| format!("course.toml: `{glob}` is not a valid glob"))?);
            }
            crates.push(CrateRules { dir, editable: set.build()?, page });
        }
        Ok(Ownership { crates })
    }

    /// The rules of the crate at `dir` (relative to the course root).
    pub fn crate_at(&self, dir: &str) -> Option<&CrateRules> {
        let dir = format!("{}/", dir.trim_end_matches('/'));
        self.crates.iter().find(|rules| rules.dir == dir)
    }

    /// The crate a path belongs to.
    pub fn crate_of(&self, path: &str) -> Option<&CrateRules> {
        self.crates.iter().find(|rules| path.starts_with(rules.dir.as_str()))
    }

    /// A file the student may change (a relative, `/`-separated path).
    pub fn is_editable(&self, path: &str) -> bool {
        self.crates.iter().any(|rules| rules.is_editable(path))
    }

    /// A file that decides grades and belongs to the instructor. Prose
    /// (`*.md`) decides nothing: a student may keep notes in a README.
    pub fn is_protected(&self, path: &str) -> bool {
        if path.ends_with(".md") {
            return false;
        }
        ROOT_FILES.contains(&path)
            || path.starts_with(CARGO_CONFIG_DIR)
            || (self.crate_of(path).is_some() && !self.is_editable(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FAKE_MANIFEST;

    fn ownership() -> Ownership {
        Ownership::of(&Manifest::parse(FAKE_MANIFEST).unwrap()).unwrap()
    }

    #[test]
    fn sources_and_listed_files_are_editable_and_nothing_else() {
        let ownership = ownership();
        for path in [
            "exercises/01_alpha/src/lib.rs",
            "exercises/01_alpha/src/deep/nested/mod.rs",
            "exercises/02_beta/src/lib.rs",
            "exercises/02_beta/page.js",
            "mix/src/buffer.rs",
        ] {
            assert!(ownership.is_editable(path), "{path} should be editable");
            assert!(!ownership.is_protected(path), "{path} should not be protected");
        }
        for path in [
            "exercises/01_alpha/page.js", // only beta lists page.js
            "exercises/01_alpha/tests/alpha.rs",
            "exercises/01_alpha/Cargo.toml",
            "exercises/01_alpha/build.rs",
            "exercises/02_beta/harness.js",
            "exercises/02_beta/tests/beta.rs",
            "exercises/01_alphabet/src/lib.rs", // not a prefix match on a sibling
            "exercises/03_unknown/src/lib.rs",
            "mix/tests/buffer.rs",
            "mix/Cargo.toml",
            "Cargo.toml",
            "Cargo.lock",
            "course.toml",
            "rust-toolchain.toml",
            ".cargo/config.toml",
            "solutions/01_alpha/src/lib.rs",
            "solutions/mix/src/lib.rs",
            "grader/tests/fixtures/near_solution.rs",
            "grader/src/main.rs",
        ] {
            assert!(!ownership.is_editable(path), "{path} should not be editable");
        }
    }

    #[test]
    fn the_instructors_files_are_protected_and_prose_is_not() {
        let ownership = ownership();
        for path in [
            "Cargo.toml",
            "Cargo.lock",
            "course.toml",
            "rust-toolchain.toml",
            ".cargo/config.toml",
            "exercises/01_alpha/Cargo.toml",
            "exercises/01_alpha/tests/alpha.rs",
            "exercises/01_alpha/build.rs",
            "exercises/01_alpha/page.js",
            "exercises/02_beta/harness.js",
            "mix/tests/buffer.rs",
            "mix/Cargo.toml",
        ] {
            assert!(ownership.is_protected(path), "{path} should be protected");
        }
        for path in ["README.md", "exercises/01_alpha/README.md", "exercises/01_alpha/tests/NOTES.md", "docs/x.rs"] {
            assert!(!ownership.is_protected(path), "{path} should not be protected");
        }
    }

    #[test]
    fn each_crate_is_found_by_its_directory() {
        let ownership = ownership();
        assert_eq!(ownership.crate_at("exercises/01_alpha").unwrap().dir, "exercises/01_alpha/");
        assert_eq!(ownership.crate_at("exercises/02_beta/").unwrap().dir, "exercises/02_beta/");
        assert_eq!(ownership.crate_at("mix").unwrap().dir, "mix/");
        assert!(ownership.crate_at("exercises").is_none());
        assert!(ownership.crate_at("solutions/01_alpha").is_none());
    }

    #[test]
    fn the_capstones_own_editable_globs_replace_the_default() {
        let manifest =
            FAKE_MANIFEST.replace("title = \"Mix\"", "title = \"Mix\"\neditable = [\"src/lib.rs\", \"www/*.mjs\"]");
        let ownership = Ownership::of(&Manifest::parse(&manifest).unwrap()).unwrap();
        assert!(ownership.is_editable("mix/src/lib.rs"));
        assert!(ownership.is_editable("mix/www/editor.mjs"));
        assert!(!ownership.is_editable("mix/src/buffer.rs"), "not listed, so the instructor's");
        assert!(ownership.is_protected("mix/src/buffer.rs"));
        assert!(!ownership.is_editable("mix/www/index.html"));
    }

    #[test]
    fn an_invalid_glob_is_an_error_naming_it() {
        let manifest = FAKE_MANIFEST.replace("\"src/**\", \"page.js\"", "\"src/[**\", \"page.js\"");
        // The manifest refuses it when read, so no ownership is ever built
        // from a glob that matches nothing.
        let error = Manifest::parse(&manifest).expect_err("an invalid glob is refused");
        assert!(format!("{error:#}").contains("`src/[**` is not a valid glob"), "{error:#}");
    }
}
