//! The files a submission's build and tests may touch.
//!
//! A submission's code runs on the grading machine: rustc evaluates its
//! constants and expands its macros, and the test runner, the driver, the
//! browser or Node.js run what it built. The integrity checks decide what
//! the code *may* read from what was built and parsed; this module makes
//! the machine itself refuse the rest, so that whatever a check misses
//! still finds nothing to read. On Linux every process started for an
//! untrusted submission (cargo and everything it starts, the
//! runner, the driver, the browser, Node.js) runs under a Landlock ruleset
//! (the kernel's unprivileged filesystem sandbox, inherited by every
//! descendant) that allows:
//! - reading and running the system (`/usr`, `/etc`, `/proc`, …), the Rust
//!   toolchain and cargo's registry, and the directories of the tools the
//!   grader found;
//! - reading the staged course — the reference's protected files and the
//!   student's editable ones, nothing else of either;
//! - writing the build's target directory and the run's own TMPDIR, which
//!   is also its HOME (and `/dev/shm`, `/dev/null` and `/proc`, which
//!   browsers need).
//!
//! Not the home directory, not the reference's other files (its
//! solutions, its `.git` with a checkout's token), not other students'
//! submissions. A read outside fails as "permission denied", so at worst
//! a build or a test fails; nothing is shown.
//!
//! Whether grading was confined is part of every result (`sandbox`):
//! where the kernel has no Landlock, or `GRADER_SANDBOX=off` turns it off,
//! the results say so rather than pretend.

use crate::model::Sandbox;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable that turns the sandbox off (`off`), for a machine
/// where it gets in the way of something the course needs; the results
/// then say grading was not confined.
pub const SWITCH_VAR: &str = "GRADER_SANDBOX";

/// What confines untrusted code on this machine, decided once per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confiner {
    Landlock,
    /// Why not: said to whoever reads the results.
    Unavailable(String),
}

impl Confiner {
    /// Landlock, unless it is turned off or the kernel cannot enforce it.
    pub fn detect() -> Confiner {
        if std::env::var(SWITCH_VAR).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
            return Confiner::Unavailable(format!(
                "the submission's builds and tests were not sandboxed: {SWITCH_VAR}=off turned the sandbox off"
            ));
        }
        match landlock_support() {
            Ok(()) => Confiner::Landlock,
            Err(why) => Confiner::Unavailable(format!(
                "the submission's builds and tests were not sandboxed: {why}. They could read any file this user \
                 can; grade on Linux 6.2 or later with Landlock enabled (see docs/classroom.md)"
            )),
        }
    }

    pub fn sandbox(&self) -> Sandbox {
        match self {
            Confiner::Landlock => Sandbox::Landlock,
            Confiner::Unavailable(_) => Sandbox::None,
        }
    }

    /// Confines `command` (and everything it starts) to `allowed`, when
    /// this machine confines at all. An error means the ruleset could not
    /// be made where Landlock works: the run must not start unconfined.
    pub fn confine(&self, command: &mut Command, allowed: &Allowed) -> std::io::Result<()> {
        match self {
            Confiner::Landlock => landlock_confine(command, allowed),
            Confiner::Unavailable(_) => Ok(()),
        }
    }
}

/// The paths one run may use. Paths that do not exist are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    pub read: Vec<PathBuf>,
    pub write: Vec<PathBuf>,
    /// The run's HOME: browsers keep caches and settings there, and the
    /// real home directory is neither readable nor writable.
    pub home: Option<PathBuf>,
}

/// The system's directories a build, a browser or Node.js read: programs,
/// libraries, configuration and fonts, devices, and the kernel's views.
const SYSTEM_READ: &[&str] = &[
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc",
    "/opt",
    "/snap",
    "/nix",
    "/proc",
    "/sys",
    "/dev",
    "/run",
    "/var/lib",
    "/var/cache",
];

/// What a browser writes besides its profile (which is in the run's
/// TMPDIR): shared memory, and `/proc` (Firefox's own sandbox writes its
/// processes' `uid_map`; reading `/proc` is allowed anyway).
const SYSTEM_WRITE: &[&str] = &["/dev/shm", "/dev/null", "/proc"];

impl Allowed {
    /// What a submission's build or test run needs: the system, the
    /// toolchain at `toolchain` (rustup's and cargo's homes, rustc's
    /// sysroot, the tools' directories), the staged course to read, and the
    /// target directory and the run's TMPDIR to write.
    pub fn for_submission(staged: &Path, toolchain: &[PathBuf], target_dir: &Path, run_dir: &Path) -> Allowed {
        let read = SYSTEM_READ.iter().map(PathBuf::from).chain(toolchain.iter().cloned()).chain([staged.to_path_buf()]);
        let write = SYSTEM_WRITE.iter().map(PathBuf::from).chain([target_dir.to_path_buf(), run_dir.to_path_buf()]);
        Allowed { read: existing(read), write: existing(write), home: Some(run_dir.to_path_buf()) }
    }

    /// A tool the grader runs on a submission's files (git reading its
    /// history): the system and `dir` to read, nothing to write.
    pub fn read_only(dir: &Path) -> Allowed {
        let read = SYSTEM_READ.iter().map(PathBuf::from).chain([dir.to_path_buf()]);
        Allowed { read: existing(read), write: existing([PathBuf::from("/dev/null")].into_iter()), home: None }
    }
}

/// rustup's and cargo's homes, which default to directories in HOME: a run
/// given another HOME is told where they are.
fn tool_homes() -> [(&'static str, Option<PathBuf>); 2] {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let under_home =
        |var: &str, dir: &str| std::env::var_os(var).map(PathBuf::from).or_else(|| home.as_ref().map(|h| h.join(dir)));
    [("RUSTUP_HOME", under_home("RUSTUP_HOME", ".rustup")), ("CARGO_HOME", under_home("CARGO_HOME", ".cargo"))]
}

/// What cargo reads in its home: the registry's index and sources, git
/// dependencies, installed tools and its configuration — not
/// `credentials.toml`, where a registry token lives.
const CARGO_HOME_READ: &[&str] = &["registry", "git", "bin", "config.toml", "config"];

/// The directories of the Rust toolchain and of the grader's tools:
/// rustup's home (toolchains), what cargo reads in its home, rustc's
/// sysroot, and each tool's own directory, its links followed.
pub fn toolchain_dirs(tools: &[PathBuf], sysroot: Option<&Path>) -> Vec<PathBuf> {
    let [(_, rustup), (_, cargo)] = tool_homes();
    let cargo_read = cargo.iter().flat_map(|cargo| CARGO_HOME_READ.iter().map(move |entry| cargo.join(entry)));
    let tool_dirs = tools.iter().filter_map(|tool| {
        let resolved = tool.canonicalize().unwrap_or_else(|_| tool.clone());
        resolved.parent().map(Path::to_path_buf)
    });
    existing(rustup.into_iter().chain(cargo_read).chain(sysroot.map(Path::to_path_buf)).chain(tool_dirs))
}

fn existing(paths: impl Iterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = paths.filter(|p| p.exists()).collect();
    kept.sort();
    kept.dedup();
    kept
}

/// The Landlock ABI the rules are written for. ABI 3 covers reading,
/// writing and truncating files; the later ABIs add device ioctls and
/// Unix-socket rules, which browsers use and which do not reach files.
#[cfg(target_os = "linux")]
const ABI: landlock::ABI = landlock::ABI::V3;

#[cfg(target_os = "linux")]
fn ruleset() -> Result<landlock::RulesetCreated, landlock::RulesetError> {
    use landlock::{Access, AccessFs, CompatLevel, Compatible, Ruleset, RulesetAttr};
    Ruleset::default().set_compatibility(CompatLevel::HardRequirement).handle_access(AccessFs::from_all(ABI))?.create()
}

#[cfg(target_os = "linux")]
fn landlock_support() -> Result<(), String> {
    ruleset().map(drop).map_err(|e| format!("this kernel cannot enforce Landlock ABI 3 ({e})"))
}

#[cfg(not(target_os = "linux"))]
fn landlock_support() -> Result<(), String> {
    Err("Landlock is Linux's, and this is not Linux".to_string())
}

/// Builds the ruleset here, in the grader, and only enforces it in the
/// child between fork and exec: the child of a threaded process may not
/// allocate or take locks, and enforcing is two system calls on a ruleset
/// already made (`no_new_privs`, then `landlock_restrict_self`).
#[cfg(target_os = "linux")]
fn landlock_confine(command: &mut Command, allowed: &Allowed) -> std::io::Result<()> {
    use landlock::{Access, AccessFs, PathBeneath, PathFd, RulesetCreatedAttr};
    use std::os::unix::process::CommandExt;
    let failed = |e: &dyn fmt::Display| std::io::Error::other(format!("cannot make the Landlock sandbox: {e}"));
    let mut rules = ruleset().map_err(|e| failed(&e))?;
    let read = AccessFs::from_read(ABI);
    let everything = AccessFs::from_all(ABI);
    for (paths, access) in [(&allowed.read, read), (&allowed.write, everything)] {
        for path in paths {
            let fd = PathFd::new(path).map_err(|e| failed(&e))?;
            // A file (not a directory) takes only the rights files have.
            let access = if path.is_dir() { access } else { access & AccessFs::from_file(ABI) };
            rules = rules.add_rule(PathBeneath::new(fd, access)).map_err(|e| failed(&e))?;
        }
    }
    if let Some(home) = &allowed.home {
        command.env("HOME", home).env_remove("XDG_CONFIG_HOME").env_remove("XDG_CACHE_HOME");
        for (var, dir) in tool_homes() {
            if let Some(dir) = dir {
                command.env(var, dir);
            }
        }
    }
    let mut rules = Some(rules);
    // SAFETY: the closure runs in the child between fork and exec. It only
    // moves the ruleset out of its Option and makes the two system calls
    // `restrict_self` wraps; it allocates nothing and takes no lock.
    unsafe {
        command.pre_exec(move || {
            let rules = rules.take().ok_or_else(|| std::io::Error::from_raw_os_error(libc::EINVAL))?;
            match rules.restrict_self() {
                Ok(status) if status.ruleset == landlock::RulesetStatus::FullyEnforced => Ok(()),
                // Never run a submission's code less confined than decided.
                _ => Err(std::io::Error::from_raw_os_error(libc::EPERM)),
            }
        });
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn landlock_confine(_: &mut Command, _: &Allowed) -> std::io::Result<()> {
    Err(std::io::Error::other("Landlock is Linux's"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Stdio;

    fn confined_cat(file: &Path, allowed: &Allowed) -> std::process::Output {
        let mut command = Command::new("cat");
        command.arg(file).stdin(Stdio::null());
        Confiner::Landlock.confine(&mut command, allowed).unwrap();
        command.output().unwrap()
    }

    fn landlock_here() -> bool {
        let here = Confiner::detect() == Confiner::Landlock;
        if !here {
            eprintln!("this kernel has no Landlock: the sandbox's own tests are skipped");
        }
        here
    }

    #[test]
    fn a_confined_process_reads_what_is_allowed_and_nothing_else() {
        if !landlock_here() {
            return;
        }
        let staged = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = tempfile::tempdir().unwrap();
        let run = tempfile::tempdir().unwrap();
        std::fs::write(staged.path().join("lib.rs"), "the student's own").unwrap();
        std::fs::write(outside.path().join("solution.rs"), "THE ANSWER").unwrap();
        let allowed = Allowed::for_submission(staged.path(), &[], target.path(), run.path());

        let own = confined_cat(&staged.path().join("lib.rs"), &allowed);
        assert_eq!(String::from_utf8_lossy(&own.stdout), "the student's own");
        let stolen = confined_cat(&outside.path().join("solution.rs"), &allowed);
        assert!(!stolen.status.success());
        assert!(!String::from_utf8_lossy(&stolen.stdout).contains("THE ANSWER"));
        assert!(String::from_utf8_lossy(&stolen.stderr).contains("Permission denied"), "{stolen:?}");
    }

    #[test]
    fn a_confined_process_writes_only_its_target_and_temporary_directories() {
        if !landlock_here() {
            return;
        }
        let staged = tempfile::tempdir().unwrap();
        let target = tempfile::tempdir().unwrap();
        let run = tempfile::tempdir().unwrap();
        let allowed = Allowed::for_submission(staged.path(), &[], target.path(), run.path());
        let write = |dir: &Path| {
            let mut command = Command::new("sh");
            command.args(["-c", "echo x > \"$1/made\"", "sh"]).arg(dir);
            Confiner::Landlock.confine(&mut command, &allowed).unwrap();
            command.status().unwrap().success()
        };
        assert!(write(target.path()));
        assert!(write(run.path()));
        assert!(!write(staged.path()), "the staged course is read-only to the build");
        assert!(!staged.path().join("made").exists());
    }

    #[test]
    fn the_sandbox_can_be_turned_off_and_then_says_so() {
        // Read from a child, so this process's environment stays as it is.
        let confiner = Confiner::Unavailable("turned off".into());
        assert_eq!(confiner.sandbox(), Sandbox::None);
        let mut command = Command::new("true");
        confiner.confine(&mut command, &Allowed::default()).unwrap();
        assert!(command.status().unwrap().success());
        assert_eq!(serde_json::to_value(Sandbox::Landlock).unwrap(), "landlock");
        assert_eq!(serde_json::to_value(Sandbox::None).unwrap(), "none");
    }

    #[test]
    fn only_existing_paths_are_allowed_and_the_home_directory_is_not() {
        let staged = tempfile::tempdir().unwrap();
        let allowed =
            Allowed::for_submission(staged.path(), &[PathBuf::from("/no/such/dir")], staged.path(), staged.path());
        assert!(!allowed.read.iter().any(|p| p == Path::new("/no/such/dir")));
        if let Some(home) = std::env::var_os("HOME") {
            assert!(!allowed.read.contains(&PathBuf::from(&home)), "{allowed:?}");
            assert!(!allowed.write.contains(&PathBuf::from(&home)), "{allowed:?}");
        }
    }
}
