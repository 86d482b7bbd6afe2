//! The one way the grader asks cargo for wasm32: grading's build of a
//! crate's tests, the prebuild of every crate graded at once, the release
//! builds `bench` times and `profile` records, and the cleaning of a
//! reference crate before its imports are measured. Each caller adds what
//! its build needs; the target, where the build goes, the tools' PATH (so
//! cargo finds the toolchain the tools were checked against) and plain
//! output (the grader reads what cargo prints) are decided here, once.

use crate::tools::{Toolbox, WASM_TARGET};
use std::path::Path;
use std::process::Command;

/// `cargo SUBCOMMAND --target wasm32-unknown-unknown`, run in `dir`,
/// building into `target_dir`.
pub fn cargo(subcommand: &str, dir: &Path, target_dir: &Path, toolbox: &Toolbox) -> Command {
    let mut cargo = Command::new("cargo");
    cargo
        .current_dir(dir)
        .args([subcommand, "--target", WASM_TARGET])
        .env("CARGO_TARGET_DIR", target_dir)
        .env("PATH", &toolbox.child_path)
        .env("CARGO_TERM_COLOR", "never");
    cargo
}

/// `cargo build` of the test targets `targets` of the crate at
/// `crate_dir`, with cargo's JSON messages (for compile errors, dep-info
/// and the built modules) on stdout and the rustc commands it ran on stderr.
pub fn tests(crate_dir: &Path, target_dir: &Path, targets: &[String], toolbox: &Toolbox) -> Command {
    let mut build = cargo("build", crate_dir, target_dir, toolbox);
    build.args(["-v", "--message-format=json"]).args(test_args(targets));
    build
}

/// Test targets as cargo takes them: `--test NAME` each.
fn test_args(targets: &[String]) -> Vec<String> {
    targets.iter().flat_map(|target| ["--test".to_string(), target.clone()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Engine;

    #[test]
    fn a_test_build_names_the_target_where_it_goes_and_each_test_target() {
        let toolbox = Toolbox::absent(Engine::Node);
        let build = tests(Path::new("/course/ex"), Path::new("/target"), &["a".into(), "b".into()], &toolbox);
        let args: Vec<_> = build.get_args().map(|arg| arg.to_string_lossy().into_owned()).collect();
        assert_eq!(
            args,
            ["build", "--target", WASM_TARGET, "-v", "--message-format=json", "--test", "a", "--test", "b"]
        );
        assert_eq!(build.get_current_dir(), Some(Path::new("/course/ex")));
        let target_dir = build.get_envs().find(|(name, _)| *name == "CARGO_TARGET_DIR").and_then(|(_, dir)| dir);
        assert_eq!(target_dir, Some(std::ffi::OsStr::new("/target")));
    }
}
