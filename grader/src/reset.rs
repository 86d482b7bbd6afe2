//! `reset` and `restore`: back to the shipped stubs without losing work.
//! Before any file is overwritten — by a reset or by a restore — the
//! student's current files are copied into a new backup under
//! `.grader/backups/`, so every state can be brought back. Only the files a
//! student edits are touched (course.toml's `editable`, `src/**` by
//! default), never the tests and never `solutions/`. The shipped text comes
//! from course.seal.json, which `grader seal` writes and `verify` checks.

use crate::discover::{Course, Exercise};
use crate::submission::{Seal, SEAL_FILE};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

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
    let prefixes: Vec<String> =
        exercises.iter().map(|e| format!("{}/", course.relative(&e.exercise_dir).replace('\\', "/"))).collect();
    let files: Vec<(String, String)> = seal
        .shipped
        .into_iter()
        .filter(|(path, _)| prefixes.iter().any(|prefix| path.starts_with(prefix.as_str())))
        .collect();
    if files.is_empty() {
        bail!(
            "{SEAL_FILE} has no shipped files for {}",
            exercises.iter().map(|e| e.entry.name.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(files)
}

/// The files `reset` would replace, as they are now and as shipped.
pub fn plan(course: &Course, exercises: &[Exercise]) -> Result<Vec<(String, String)>> {
    shipped_files(course, exercises)
}

/// Saves the current text of `paths` (those that exist) into a new backup.
pub fn back_up(course: &Course, paths: &[String], label: &str) -> Result<Backup> {
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    let dir = course.root.join(BACKUP_DIR).join(format!("{stamp}-{label}"));
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
    let shipped = shipped_files(course, exercises)?;
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
    // Names start with a millisecond timestamp.
    found.sort_by_key(|b| std::cmp::Reverse(stamp_of(&b.dir)));
    found
}

fn stamp_of(dir: &Path) -> u128 {
    dir.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('-').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Brings a backup's files back, after saving the current ones (so a
/// restore can be undone by the next restore).
pub fn restore(course: &Course, backup: &Backup) -> Result<Backup> {
    let saved = back_up(course, &backup.files, "before-restore")?;
    for path in &backup.files {
        let bytes = std::fs::read(backup.dir.join(path))?;
        let target = course.root.join(path);
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))?;
    }
    Ok(saved)
}
