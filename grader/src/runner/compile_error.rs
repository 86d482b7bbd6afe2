//! What a failed build may show, and what the build read: the first
//! compile error once the compiler's list of what it read for the
//! student's library holds only the crate's editable files.

use super::{error, run_submission, tail};
use crate::discover::Course;
use crate::integrity;
use crate::model::{ErrorKind, Finding, GradeError};
use crate::ownership::CrateRules;
use crate::parse::{first_compile_error, first_shown_compile_error};
use crate::process::{run_limited, Finished, Wall};
use crate::settings::Settings;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What to show of a failed build. The first compile error, once the list
/// of what the compiler read for the student's library holds only the
/// crate's editable files — a list naming anything else is an integrity
/// error that shows none of the compiler's text. When rustc stopped before
/// writing the list (a parse error), only errors that point at files
/// anyone may see (see [`Showable`]) — unless some of the student's files
/// do not tokenize: the scan read nothing in them, so an error's very
/// message could carry what they pulled in (`compile_error!` of a file), and
/// only a parse of those files alone is shown (see [`parse_errors`]).
pub(super) fn compile_error_to_show(
    course: &Course,
    crate_dir: &Path,
    rules: Option<&CrateRules>,
    untokenized: &[Finding],
    built: &Finished,
    since: SystemTime,
    settings: &Settings,
) -> Result<String, GradeError> {
    let shown = match rules {
        None => first_compile_error(&built.stdout),
        Some(rules) => {
            let dep_infos = library_dep_info(course, crate_dir, built, Some(since));
            if dep_infos.is_empty() && !untokenized.is_empty() {
                Some(parse_errors(course, crate_dir, untokenized, settings))
            } else if dep_infos.is_empty() {
                let showable = Showable::new(course, crate_dir, rules, settings);
                first_shown_compile_error(&built.stdout, |file| showable.allows(file))
            } else {
                let read = read_outside(course, crate_dir, rules, &dep_infos);
                if !read.is_empty() {
                    return Err(read_outside_error(&read));
                }
                first_compile_error(&built.stdout)
            }
        }
    };
    Ok(shown.unwrap_or_else(|| tail(&built.stderr, 15)))
}

/// Where each file that does not tokenize goes wrong, as rustfmt's parser
/// says it: each read from stdin, so nothing is expanded, no module is
/// followed and no other file is read — the errors quote the file alone.
fn parse_errors(course: &Course, crate_dir: &Path, files: &[Finding], settings: &Settings) -> String {
    let edition = edition(crate_dir);
    let mut said = Vec::new();
    for file in files {
        let mut rustfmt = Command::new("sh");
        rustfmt
            .current_dir(crate_dir)
            .args(["-c", "exec rustfmt --edition \"$1\" --emit stdout < \"$2\"", "sh", &edition])
            .arg(course.root.join(&file.path))
            .env("PATH", &settings.toolbox.child_path);
        match run_submission(course, rustfmt, &mut Wall::new(Duration::from_secs(60)), settings, "rustfmt", |_, _| ()) {
            Ok(parsed) if !parsed.success() && !parsed.stderr.trim().is_empty() => {
                said.push(parsed.stderr.replace("<stdin>", &file.path).trim_end().to_string());
            }
            _ => said.push(format!(
                "{}; the compiler's errors are withheld, since the grader cannot check what the file pulls in \
                 — `cargo build` in the exercise shows them",
                file.message
            )),
        }
    }
    said.join("\n\n")
}

/// The crate's Rust edition, its own or its workspace's.
fn edition(crate_dir: &Path) -> String {
    let manifest =
        |dir: &Path| -> Option<toml::Table> { std::fs::read_to_string(dir.join("Cargo.toml")).ok()?.parse().ok() };
    let edition = |package: Option<&toml::Value>| package?.get("edition")?.as_str().map(str::to_string);
    let own = manifest(crate_dir).and_then(|t| edition(t.get("package")));
    let shared = || manifest(&workspace_root(crate_dir)).and_then(|t| edition(t.get("workspace")?.get("package")));
    own.or_else(shared).unwrap_or_else(|| "2021".to_string())
}

pub(super) fn read_outside_error(read: &[String]) -> GradeError {
    error(
        ErrorKind::Integrity,
        format!(
            "not graded: the compiler read {} for this crate, and only its editable files may go into it; \
             keep everything the crate uses inside them",
            read.join(", ")
        ),
    )
}

/// What the compiler read for the student's library, from its
/// `dep_infos`, that is not one of the crate's editable files — files and
/// environment variables other than cargo's own description of the package:
/// whatever a scan of the source missed is caught here. No list at all, or
/// one that cannot be read, counts as reading something outside: what is
/// not listed is not checked.
pub(super) fn read_outside(
    course: &Course,
    crate_dir: &Path,
    rules: &CrateRules,
    dep_infos: &[PathBuf],
) -> Vec<String> {
    if dep_infos.is_empty() {
        return vec!["files it did not list (cargo reported no dep-info for the library)".to_string()];
    }
    let workspace = workspace_root(crate_dir);
    let course_root = course.root.canonicalize().ok();
    let mut outside = Vec::new();
    for dep_info in dep_infos {
        let parsed = std::fs::read_to_string(dep_info)
            .map_err(|e| e.to_string())
            .and_then(|text| integrity::parse_dep_info(&text, &workspace));
        let info = match parsed {
            Ok(info) => info,
            Err(why) => {
                outside.push(format!("files it did not list readably ({}: {why})", dep_info.display()));
                continue;
            }
        };
        for source in info.files {
            let relative = source.canonicalize().ok().and_then(|real| {
                real.strip_prefix(course_root.as_ref()?).ok().map(|r| r.to_string_lossy().into_owned())
            });
            if !relative.as_deref().is_some_and(|r| rules.is_editable(r)) {
                outside.push(relative.unwrap_or_else(|| source.display().to_string()));
            }
        }
        let secrets = info.env_vars.into_iter().filter(|name| !integrity::is_cargo_package_var(name));
        outside.extend(secrets.map(|name| format!("the environment variable `{name}`")));
    }
    outside.sort();
    outside.dedup();
    outside
}

/// The dep-info of the student's library: beside the artifacts cargo
/// reported for it — or, when the library did not build (cargo reports no
/// artifact for a crate that failed) and `since` is given, the one rustc
/// wrote for this build, named by what `cargo build -v` said it ran (see
/// [`crate::parse::library_extra_filenames`]), if written since `since`.
/// Empty when there is none (rustc stops before writing it at a parse error).
pub(super) fn library_dep_info(
    course: &Course,
    crate_dir: &Path,
    built: &Finished,
    since: Option<SystemTime>,
) -> Vec<PathBuf> {
    let artifacts =
        crate::parse::cargo_artifacts(&built.stdout, &crate_dir.join("Cargo.toml"), &["lib", "rlib", "cdylib"]);
    let found: Vec<PathBuf> =
        artifacts.iter().filter_map(|artifact| artifact.files.iter().find_map(|file| dep_info_beside(file))).collect();
    match (since, library_name(crate_dir)) {
        (Some(since), Some(name)) if found.is_empty() => {
            let deps = course.target_dir().join(crate::tools::WASM_TARGET).join("debug").join("deps");
            let extras = crate::parse::library_extra_filenames(&built.stderr, &name);
            extras
                .iter()
                .map(|extra| deps.join(format!("{name}{extra}.d")))
                .filter(|d| written_since(d, since))
                .collect()
        }
        _ => found,
    }
}

/// The library's name as rustc knows it: `[lib] name`, or the package's
/// name with `-` as `_`.
fn library_name(crate_dir: &Path) -> Option<String> {
    let manifest: toml::Table = std::fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?.parse().ok()?;
    let lib = manifest.get("lib").and_then(|lib| lib.get("name")).and_then(|name| name.as_str());
    let name = lib.or_else(|| manifest.get("package")?.get("name")?.as_str())?;
    Some(name.replace('-', "_"))
}

/// Whether `file` was modified since `since`, to the second (some file
/// systems keep no finer time): a dep-info older than the build is a
/// previous build's, of what the crate was then.
fn written_since(file: &Path, since: SystemTime) -> bool {
    let since = since.duration_since(UNIX_EPOCH).map_or(since, |d| UNIX_EPOCH + Duration::from_secs(d.as_secs()));
    file.metadata().and_then(|m| m.modified()).is_ok_and(|modified| modified >= since)
}

/// Where an error may point and still be shown before the compiler has
/// listed what it read (a rendered error quotes the lines it points at):
/// the crate's own files, editable or the instructor's, the toolchain's
/// sources and the dependencies' in cargo's home.
struct Showable {
    workspace: PathBuf,
    course_root: PathBuf,
    crate_prefix: String,
    trusted: Vec<PathBuf>,
}

impl Showable {
    fn new(course: &Course, crate_dir: &Path, rules: &CrateRules, settings: &Settings) -> Showable {
        let mut rustc = Command::new("rustc");
        rustc.current_dir(crate_dir).args(["--print", "sysroot"]).env("PATH", &settings.toolbox.child_path);
        let sysroot = run_limited(rustc, Duration::from_secs(60))
            .ok()
            .filter(Finished::success)
            .map(|printed| PathBuf::from(printed.stdout.trim()));
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
        let sources = cargo_home.iter().flat_map(|home| [home.join("registry/src"), home.join("git/checkouts")]);
        Showable {
            workspace: workspace_root(crate_dir),
            course_root: course.root.canonicalize().unwrap_or_else(|_| course.root.clone()),
            crate_prefix: rules.dir.clone(),
            trusted: sysroot.into_iter().chain(sources).filter_map(|dir| dir.canonicalize().ok()).collect(),
        }
    }

    fn allows(&self, file: &str) -> bool {
        let path = Path::new(file);
        if path.components().any(|c| c == Component::ParentDir) {
            return false;
        }
        // The standard library's sources, as the toolchain names them.
        if file.starts_with("/rustc/") {
            return true;
        }
        let Ok(real) = self.workspace.join(path).canonicalize() else { return false };
        match real.strip_prefix(&self.course_root) {
            Ok(relative) => relative.to_str().is_some_and(|r| r.starts_with(&self.crate_prefix)),
            Err(_) => self.trusted.iter().any(|dir| real.starts_with(dir)),
        }
    }
}

/// rustc writes `<name>-<hash>.d` beside `lib<name>-<hash>.rlib`.
fn dep_info_beside(artifact: &Path) -> Option<std::path::PathBuf> {
    let stem = artifact.file_stem()?.to_str()?;
    let dir = artifact.parent()?;
    let candidates = [stem.to_string(), stem.strip_prefix("lib").unwrap_or(stem).to_string()];
    candidates.iter().map(|name| dir.join(format!("{name}.d"))).find(|path| path.is_file())
}

/// Where cargo runs rustc: the workspace root (the nearest ancestor whose
/// Cargo.toml has a `[workspace]` table), against which dep-info paths are relative.
fn workspace_root(crate_dir: &Path) -> std::path::PathBuf {
    crate_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .ok()
                .and_then(|text| text.parse::<toml::Table>().ok())
                .is_some_and(|table| table.contains_key("workspace"))
        })
        .unwrap_or(crate_dir)
        .to_path_buf()
}
