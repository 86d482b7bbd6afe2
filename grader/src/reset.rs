//! `reset` and `restore`: back to the shipped stubs without losing work.
//! Before any file is overwritten — by a reset or by a restore — the
//! student's current files are copied into a new backup under
//! `.grader/backups/`, so every state can be brought back. Only the files a
//! student edits are touched (course.toml's `editable`, `src/**` by
//! default), never the tests and never `solutions/`. The shipped text comes
//! from course.seal.json, which `grader seal` writes and `verify` checks.
//!
//! Backups are numbered in order (`1-typed_views`, `2-before-restore-of-1`)
//! so a person can type their names (`grader restore 1`). A plain `restore`
//! brings back the newest backup a *reset* made, never the one a restore
//! made of what it replaced: a second plain restore does not undo the first.

use crate::discover::{Course, CoursePath, Exercise};
use crate::outcome::Outcome;
use crate::report::counted;
use crate::seal::{Seal, SEAL_FILE};
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const BACKUP_DIR: &str = ".grader/backups";

/// A backup: a directory holding the saved files at their course paths.
#[derive(Debug, Clone)]
pub struct Backup {
    pub dir: PathBuf,
    /// Course-relative paths of the files saved.
    pub files: Vec<String>,
}

/// The shipped files of `exercises` (their editable files, from the seal).
fn shipped_files(course: &Course, exercises: &[Exercise]) -> Result<Vec<(String, String)>> {
    let seal = Seal::load(&course.root).with_context(|| {
        format!(
            "{SEAL_FILE} is missing or unreadable, so the shipped stubs are unknown (instructors: run `grader seal`)"
        )
    })?;
    let dirs: Vec<CoursePath> = exercises.iter().map(|e| course.path_of(&e.exercise_dir)).collect();
    let files: Vec<(String, String)> = seal
        .shipped
        .into_iter()
        .filter(|(path, _)| {
            let path = course.path(path);
            dirs.iter().any(|dir| path.within(dir))
        })
        .collect();
    if files.is_empty() {
        bail!(
            "{SEAL_FILE} has no shipped files for {}",
            exercises.iter().map(|e| e.entry.name.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(files)
}

/// The files `reset` would replace — those that differ from how the course
/// shipped them, or are gone — with their shipped text.
pub fn plan(course: &Course, exercises: &[Exercise]) -> Result<Vec<(String, String)>> {
    let mut files = shipped_files(course, exercises)?;
    files.retain(|(path, text)| std::fs::read_to_string(course.root.join(path)).ok().as_deref() != Some(text.as_str()));
    Ok(files)
}

/// Saves the current text of `paths` (those that exist) into a new backup.
pub fn back_up(course: &Course, paths: &[String], label: &str) -> Result<Backup> {
    let number = backups(course).iter().map(|b| number_of(&b.dir)).max().unwrap_or(0) + 1;
    let dir = course.root.join(BACKUP_DIR).join(format!("{number}-{label}"));
    let mut files = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(course.root.join(path)) else { continue };
        let saved = dir.join(path);
        std::fs::create_dir_all(saved.parent().expect("a file has a parent"))?;
        std::fs::write(&saved, bytes).with_context(|| format!("cannot save {path} to {}", saved.display()))?;
        files.push(path.clone());
    }
    std::fs::create_dir_all(&dir)?;
    Ok(Backup { dir, files })
}

/// Backs up, then writes the shipped stubs of `exercises`.
pub fn reset(course: &Course, exercises: &[Exercise], label: &str) -> Result<Backup> {
    let shipped = plan(course, exercises)?;
    if shipped.is_empty() {
        bail!("nothing to reset: every file of it is as the course shipped it");
    }
    let paths: Vec<String> = shipped.iter().map(|(path, _)| path.clone()).collect();
    let backup = back_up(course, &paths, label)?;
    for (path, text) in &shipped {
        let target = course.root.join(path);
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(backup)
}

/// Every backup, newest first.
pub fn backups(course: &Course) -> Vec<Backup> {
    let root = course.root.join(BACKUP_DIR);
    let mut found: Vec<Backup> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            let dir = entry.path();
            let files = walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| Some(e.path().strip_prefix(&dir).ok()?.to_string_lossy().replace('\\', "/")))
                .collect();
            Backup { dir, files }
        })
        .collect();
    found.sort_by_key(|b| std::cmp::Reverse(number_of(&b.dir)));
    found
}

/// The backup's number: its name up to the first `-`.
pub fn number_of(dir: &Path) -> u64 {
    dir.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('-').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// What a restore saves before it overwrites anything.
const BEFORE_RESTORE: &str = "before-restore-of-";

/// The backup `restore NAME` means: by number (`3`) or by full name; with
/// no name, the newest one a reset made.
pub fn find<'a>(backups: &'a [Backup], name: Option<&str>) -> Option<&'a Backup> {
    match name {
        Some(name) => backups.iter().find(|b| {
            b.dir.file_name().is_some_and(|n| n == name) || name.parse::<u64>().is_ok_and(|n| number_of(&b.dir) == n)
        }),
        None => backups.iter().find(|b| {
            !b.dir
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.split_once('-').is_some_and(|(_, l)| l.starts_with(BEFORE_RESTORE)))
        }),
    }
}

/// Brings a backup's files back, after saving the current ones (so a
/// restore can be undone by the next restore).
pub fn restore(course: &Course, backup: &Backup) -> Result<Backup> {
    let saved = back_up(course, &backup.files, &format!("{BEFORE_RESTORE}{}", number_of(&backup.dir)))?;
    for path in &backup.files {
        let bytes = std::fs::read(backup.dir.join(path))?;
        let target = course.root.join(path);
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(saved)
}

/// `grader reset`: back up, ask when someone is there to answer, reset.
pub fn reset_command(course: &Course, name: Option<&str>, yes: bool) -> Result<Outcome> {
    let (exercises, label) = match name {
        Some(name) => {
            let exercises = course.select(name)?;
            let label = if exercises.len() == 1 { exercises[0].slug() } else { name.to_string() };
            (exercises, label)
        }
        None => {
            // --all: every exercise, and the capstone crate once.
            let mut every = course.exercises();
            every.extend(course.milestones().into_iter().take(1));
            (every, "all".to_string())
        }
    };
    let files = plan(course, &exercises)?;
    if files.is_empty() {
        println!("Nothing to reset: {label}'s files are as the course shipped them.");
        return Ok(Outcome::Done);
    }
    if !yes && std::io::stdin().is_terminal() {
        println!("These files go back to how the course shipped them:");
        for (path, _) in &files {
            println!("  {path}");
        }
        print!("Your versions are saved first (`grader restore` brings them back). Reset? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing changed.");
            return Ok(Outcome::NotDone);
        }
    }
    let backup = reset(course, &exercises, &label)?;
    println!("Saved your files in {} ({}).", course.relative(&backup.dir), counted(backup.files.len(), "file"));
    for (path, _) in &files {
        println!("reset {path}");
    }
    println!("`cargo run -p grader -- restore` brings your versions back.");
    Ok(Outcome::Done)
}

/// `grader restore`: the newest backup a reset made, or the one named.
pub fn restore_command(course: &Course, name: Option<&str>) -> Result<Outcome> {
    let backups = backups(course);
    let Some(backup) = find(&backups, name) else {
        let known: Vec<String> =
            backups.iter().filter_map(|b| Some(b.dir.file_name()?.to_string_lossy().into_owned())).collect();
        anyhow::bail!(
            "no backup {}under {}; backups: {}",
            name.map(|n| format!("named {n} ")).unwrap_or_default(),
            BACKUP_DIR,
            if known.is_empty() { "none yet (reset makes one)".to_string() } else { known.join(", ") }
        );
    };
    let saved = restore(course, backup)?;
    let name = backup.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for path in &backup.files {
        println!("restored {path}");
    }
    println!(
        "Restored {} from backup {name}. What it replaced is saved as backup {}: \
         `cargo run -p grader -- restore {}` undoes this.",
        counted(backup.files.len(), "file"),
        saved.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        number_of(&saved.dir)
    );
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(name: &str) -> Backup {
        Backup { dir: PathBuf::from(".grader/backups").join(name), files: vec![] }
    }

    #[test]
    fn a_plain_restore_brings_back_the_newest_reset_never_a_restores_own_backup() {
        // Newest first, as `backups` lists them.
        let all = [backup("3-before-restore-of-2"), backup("2-typed_views"), backup("1-all")];
        assert_eq!(find(&all, None).unwrap().dir, all[1].dir, "a second restore does not undo the first");
        assert_eq!(find(&all, Some("3")).unwrap().dir, all[0].dir, "by number");
        assert_eq!(find(&all, Some("1-all")).unwrap().dir, all[2].dir, "by name");
        assert!(find(&all, Some("9")).is_none());
        assert_eq!(number_of(&all[0].dir), 3);
    }

    use crate::discover::tests::FakeCourse;

    const MINE: &str = "pub fn answer() -> u32 { 42 } // mine\n";

    /// A sealed fake course and its Course.
    fn sealed() -> (FakeCourse, Course) {
        let fake = FakeCourse::new();
        let course = fake.course();
        crate::seal::seal(&course).unwrap();
        (fake, course)
    }

    fn backup_name(backup: &Backup) -> String {
        backup.dir.file_name().unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn the_plan_is_the_selected_exercises_editable_files_with_their_shipped_text() {
        let (fake, course) = sealed();
        let alpha = course.select("alpha").unwrap();
        let shipped_lib = fake.read("exercises/01_alpha/src/lib.rs");
        fake.write("exercises/01_alpha/src/lib.rs", MINE);
        assert_eq!(plan(&course, &alpha).unwrap(), [("exercises/01_alpha/src/lib.rs".to_string(), shipped_lib)]);
        let paths = |name: &str| -> Vec<String> {
            plan(&course, &course.select(name).unwrap()).unwrap().into_iter().map(|(p, _)| p).collect()
        };
        assert!(paths("beta").is_empty(), "an untouched exercise has nothing to reset");
        for file in ["exercises/02_beta/page.js", "exercises/02_beta/src/lib.rs", "exercises/02_beta/tests/beta.rs"] {
            fake.write(file, MINE);
        }
        fake.remove("exercises/02_beta/harness.js");
        assert_eq!(
            paths("beta"),
            ["exercises/02_beta/page.js", "exercises/02_beta/src/lib.rs"],
            "never the tests or harness"
        );
        fake.write("mix/src/buffer.rs", MINE);
        fake.remove("mix/src/lib.rs");
        assert_eq!(
            paths("mix/motions"),
            ["mix/src/buffer.rs", "mix/src/lib.rs"],
            "a milestone resets the capstone's sources, a deleted one too"
        );
    }

    #[test]
    fn without_a_seal_or_shipped_files_there_is_nothing_to_reset_to() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let alpha = course.select("alpha").unwrap();
        let error = plan(&course, &alpha).unwrap_err().to_string();
        assert!(error.contains("course.seal.json is missing"), "{error}");
        fake.write(SEAL_FILE, "{\"protected\": {}, \"shipped\": {}}");
        let error = reset(&course, &alpha, "alpha").unwrap_err().to_string();
        assert!(error.contains("no shipped files for alpha"), "{error}");
        assert!(backups(&course).is_empty(), "nothing was backed up for a reset that did not happen");
    }

    #[test]
    fn reset_backs_up_then_writes_the_shipped_text_of_the_selected_exercise_only() {
        let (fake, course) = sealed();
        let shipped = fake.read("exercises/01_alpha/src/lib.rs");
        let tests_before = fake.read("exercises/01_alpha/tests/alpha.rs");
        fake.write("exercises/01_alpha/src/lib.rs", MINE);
        fake.write("exercises/01_alpha/tests/alpha.rs", "// the student's test edit\n");
        fake.write("exercises/02_beta/src/lib.rs", MINE);
        let backup = reset(&course, &course.select("alpha").unwrap(), "alpha").unwrap();
        assert_eq!(backup.dir, fake.path(".grader/backups/1-alpha"));
        assert_eq!(backup.files, ["exercises/01_alpha/src/lib.rs"]);
        assert_eq!(std::fs::read_to_string(backup.dir.join("exercises/01_alpha/src/lib.rs")).unwrap(), MINE);
        assert_eq!(fake.read("exercises/01_alpha/src/lib.rs"), shipped);
        assert_ne!(fake.read("exercises/01_alpha/tests/alpha.rs"), tests_before, "tests are not reset's business");
        assert_eq!(fake.read("exercises/02_beta/src/lib.rs"), MINE, "another exercise is untouched");
    }

    #[test]
    fn reset_brings_back_a_deleted_file_and_backs_up_only_what_existed() {
        let (fake, course) = sealed();
        let shipped = fake.read("exercises/02_beta/page.js");
        let shipped_lib = fake.read("exercises/02_beta/src/lib.rs");
        fake.remove("exercises/02_beta/page.js");
        fake.write("exercises/02_beta/src/lib.rs", MINE);
        let backup = reset(&course, &course.select("beta").unwrap(), "beta").unwrap();
        assert_eq!(backup.files, ["exercises/02_beta/src/lib.rs"]);
        assert_eq!(fake.read("exercises/02_beta/page.js"), shipped);
        assert_eq!(fake.read("exercises/02_beta/src/lib.rs"), shipped_lib);
    }

    #[test]
    fn an_untouched_exercise_is_not_reset_and_no_backup_is_made() {
        let (_fake, course) = sealed();
        let error = reset(&course, &course.select("alpha").unwrap(), "alpha").unwrap_err().to_string();
        assert!(error.contains("nothing to reset"), "{error}");
        assert!(backups(&course).is_empty(), "no empty backup");
    }

    #[test]
    fn restore_brings_the_backup_back_and_saves_what_it_replaced() {
        let (fake, course) = sealed();
        let shipped = fake.read("exercises/01_alpha/src/lib.rs");
        fake.write("exercises/01_alpha/src/lib.rs", MINE);
        let made = reset(&course, &course.select("alpha").unwrap(), "alpha").unwrap();
        let listed = backups(&course);
        let backup = find(&listed, None).expect("the reset's backup");
        assert_eq!(backup.dir, made.dir);
        let saved = restore(&course, backup).unwrap();
        assert_eq!(fake.read("exercises/01_alpha/src/lib.rs"), MINE);
        assert_eq!(backup_name(&saved), "2-before-restore-of-1");
        assert_eq!(saved.files, ["exercises/01_alpha/src/lib.rs"]);
        assert_eq!(std::fs::read_to_string(saved.dir.join("exercises/01_alpha/src/lib.rs")).unwrap(), shipped);
        // The restore's own backup undoes the restore.
        restore(&course, &saved).unwrap();
        assert_eq!(fake.read("exercises/01_alpha/src/lib.rs"), shipped);
        assert_eq!(backup_name(&backups(&course)[0]), "3-before-restore-of-2");
    }

    #[test]
    fn backups_are_numbered_in_order_and_listed_newest_first() {
        let (fake, course) = sealed();
        let alpha = course.select("alpha").unwrap();
        for round in 1..=11 {
            fake.write("exercises/01_alpha/src/lib.rs", &format!("// round {round}\n"));
            let backup = reset(&course, &alpha, "alpha").unwrap();
            assert_eq!(number_of(&backup.dir), round);
        }
        // Not backups: a stray file, and a directory without a number.
        fake.write(".grader/backups/README", "x");
        std::fs::create_dir_all(fake.path(".grader/backups/notes")).unwrap();
        let listed = backups(&course);
        let numbers: Vec<u64> = listed.iter().map(|b| number_of(&b.dir)).collect();
        assert_eq!(numbers, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], "by number, not by name (10 after 9)");
        assert_eq!(listed[0].files, ["exercises/01_alpha/src/lib.rs"]);
        let eleventh = find(&listed, None).unwrap();
        assert_eq!(backup_name(eleventh), "11-alpha");
        assert_eq!(
            std::fs::read_to_string(eleventh.dir.join("exercises/01_alpha/src/lib.rs")).unwrap(),
            "// round 11\n"
        );
        assert_eq!(backup_name(find(&listed, Some("2")).unwrap()), "2-alpha");
        assert_eq!(backup_name(find(&listed, Some("1-alpha")).unwrap()), "1-alpha");
        assert!(find(&listed, Some("alpha")).is_none(), "a label alone names no backup");
        assert!(find(&listed, Some("12")).is_none());
        assert!(find(&[], None).is_none());
    }

    #[test]
    fn a_plain_restore_skips_every_restores_backup_and_finds_none_if_only_those_exist() {
        let only_restores = [backup("2-before-restore-of-1")];
        assert!(find(&only_restores, None).is_none());
        // A label that merely contains the words is a reset's.
        let all = [backup("2-before-restore-of-1"), backup("1-mix-before-restore-of-x")];
        assert_eq!(backup_name(find(&all, None).unwrap()), "1-mix-before-restore-of-x");
        assert_eq!(number_of(Path::new("x-alpha")), 0);
        assert_eq!(number_of(Path::new("")), 0);
    }
}
