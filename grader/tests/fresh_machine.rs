//! A new machine's first run: what the machine lacks is the grader's to add
//! or to name, never the student's compile error.
//!
//! The wasm32 target is taken away in a scratch `RUSTUP_HOME` (a copy of
//! this machine's toolchain without it — the machine's own is untouched);
//! the grader adds it with rustup and grades. With no browser, no Node.js
//! and no way to install either, it exits 3 with the commands to run. And
//! the grader, which students also run on macOS, builds for macOS.

mod common;

use common::{course_root, grader_with, path_with_only, require, test_target_dir, Need, TempCourse};
use grader::process::find_on_path;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The toolchain the course builds with (rust-toolchain.toml's): its files
/// and the name rustup knows it by (which may be a link to another name).
fn course_toolchain() -> (PathBuf, String) {
    let out = Command::new("rustc").args(["--print", "sysroot"]).current_dir(course_root()).output().unwrap();
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let active = Command::new("rustup").args(["show", "active-toolchain"]).current_dir(course_root()).output().unwrap();
    let name = String::from_utf8_lossy(&active.stdout).split_whitespace().next().unwrap().to_string();
    (sysroot, name)
}

/// A RUSTUP_HOME holding a copy of `sysroot` (hard links for the big files,
/// real copies for the few rustup rewrites) without the wasm32 target.
fn rustup_home_without_wasm32(sysroot: &Path, name: &str) -> tempfile::TempDir {
    let home = tempfile::Builder::new().prefix("rustup-home-").tempdir().unwrap();
    let toolchain = home.path().join("toolchains").join(name);
    std::fs::create_dir_all(toolchain.parent().unwrap()).unwrap();
    let copied = Command::new("cp").arg("-al").arg(sysroot).arg(&toolchain).status().unwrap();
    assert!(copied.success());
    let rustlib = toolchain.join("lib/rustlib");
    std::fs::remove_dir_all(rustlib.join("wasm32-unknown-unknown")).unwrap();
    let _ = std::fs::remove_file(rustlib.join("manifest-rust-std-wasm32-unknown-unknown"));
    for entry in std::fs::read_dir(&rustlib).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            // Break the link: rustup rewrites these in place. Its list of
            // installed components forgets the target too.
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let bytes = if path.ends_with("components") {
                text.lines()
                    .filter(|l| !l.contains("wasm32-unknown-unknown"))
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
                    .into_bytes()
            } else if path.ends_with("multirust-config.toml") {
                let mut config: toml::Table = toml::from_str(&text).unwrap();
                if let Some(toml::Value::Array(components)) = config.get_mut("components") {
                    components.retain(|c| c.get("target").and_then(|t| t.as_str()) != Some("wasm32-unknown-unknown"));
                }
                toml::to_string(&config).unwrap().into_bytes()
            } else {
                std::fs::read(&path).unwrap()
            };
            std::fs::remove_file(&path).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let real_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".rustup"));
    if real_home.join("settings.toml").is_file() {
        std::fs::copy(real_home.join("settings.toml"), home.path().join("settings.toml")).unwrap();
    }
    home
}

#[test]
fn a_missing_wasm32_target_is_added_and_the_course_graded() {
    require(&[Need::Chromium]);
    let (sysroot, name) = course_toolchain();
    assert!(sysroot.join("lib/rustlib/wasm32-unknown-unknown").is_dir(), "the machine's toolchain keeps its target");
    let home = rustup_home_without_wasm32(&sysroot, &name);
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .manifest(&[("struct_packing", "06_struct_packing")]);
    let run = grader_with(course.path(), &[], |command| {
        command
            .env("RUSTUP_HOME", home.path())
            .env("RUSTUP_AUTO_INSTALL", "0")
            .env_remove("RUSTUP_TOOLCHAIN")
            .env("CARGO_TARGET_DIR", test_target_dir().join("fresh-toolchain"));
    });
    assert!(
        run.stderr.contains("adding it with `rustup target add wasm32-unknown-unknown`"),
        "the grader says what it does:\n{}",
        run.stderr
    );
    assert!(home.path().join("toolchains").join(&name).join("lib/rustlib/wasm32-unknown-unknown/lib").is_dir());
    assert_eq!(run.code(), Some(1), "graded, the stub not done yet:\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1/6 tests"), "{}", run.stdout);
    assert!(!run.stdout.contains("does not compile"), "{}", run.stdout);
    assert!(sysroot.join("lib/rustlib/wasm32-unknown-unknown").is_dir(), "the machine's toolchain is untouched");
}

#[test]
fn no_browser_and_no_way_to_install_one_is_exit_3_with_the_commands() {
    require(&[Need::Node]);
    // cargo and rustc (and rustup's proxies), wasm-bindgen and its test
    // runner, but no browser, no Node.js, no apt-get.
    let bin = path_with_only(&["cargo", "rustc", "rustup", "wasm-bindgen", "wasm-bindgen-test-runner"]);
    let run = grader_with(&course_root(), &["--no-install"], |command| {
        command.env("PATH", bin.path()).env("CARGO_HOME", bin.path()).env_remove("CHROMEDRIVER");
    });
    assert_eq!(run.code(), Some(3), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("neither a browser nor Node.js was found"), "{}", run.stderr);
    let debian = std::fs::read_to_string("/etc/os-release").unwrap_or_default().lines().any(|l| l == "ID=debian");
    if debian {
        assert!(run.stderr.contains("sudo apt-get install chromium chromium-driver"), "{}", run.stderr);
    }
}

#[test]
fn the_grader_builds_for_macos() {
    let rustup = find_on_path("rustup").expect("rustup");
    let added = Command::new(rustup)
        .args(["target", "add", "aarch64-apple-darwin"])
        .current_dir(course_root())
        .status()
        .unwrap();
    assert!(added.success(), "rustup target add aarch64-apple-darwin");
    let check = Command::new("cargo")
        .args(["check", "--quiet", "-p", "grader", "--target", "aarch64-apple-darwin"])
        .current_dir(course_root())
        .env("CARGO_TARGET_DIR", test_target_dir().join("macos"))
        .output()
        .unwrap();
    assert!(check.status.success(), "the grader does not build for macOS:\n{}", String::from_utf8_lossy(&check.stderr));
}

/// The devcontainer's set-up script (`.devcontainer/setup.sh`, its
/// postCreateCommand), run on a copy of the course as the container runs
/// it — without a container runtime, on this machine's Debian — leaves a
/// course whose first `cargo run -p grader` reports within a minute.
#[test]
fn the_devcontainers_setup_leaves_a_course_that_reports_within_a_minute() {
    require(&[Need::Chromium]);
    let copy = tempfile::Builder::new().prefix("devcontainer-").tempdir().unwrap();
    let listed = Command::new("git").args(["ls-files", "-z"]).current_dir(course_root()).output().unwrap();
    assert!(listed.status.success(), "the course is a git checkout");
    for file in listed.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).unwrap());
        let to = copy.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        if let Err(e) = std::fs::copy(course_root().join(file), &to) {
            // A file deleted in the working tree but not yet from the index.
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound, "{}: {e}", file.display());
        }
    }
    let in_copy = |program: &str, args: &[&str]| {
        let mut command = Command::new(program);
        command.args(args).current_dir(copy.path()).env("CARGO_TARGET_DIR", test_target_dir());
        let started = std::time::Instant::now();
        let run = grader::process::run_limited(command, std::time::Duration::from_secs(1800)).unwrap();
        (run, started.elapsed())
    };
    let (setup, took) = in_copy("bash", &[".devcontainer/setup.sh"]);
    assert!(setup.success(), "{}\n{}", setup.stdout, setup.stderr);
    assert!(setup.stdout.contains("==> ready"), "{}", setup.stdout);
    eprintln!("the set-up took {took:?}");

    let (first, took) = in_copy("cargo", &["run", "-q", "-p", "grader"]);
    assert_eq!(first.status.and_then(|s| s.code()), Some(1), "not done yet\n{}\n{}", first.stdout, first.stderr);
    assert!(first.stdout.contains("Graded in headless Chromium"), "{}", first.stdout);
    assert!(first.stdout.contains("0 of 8 done — next: typed_views"), "{}", first.stdout);
    assert!(took < std::time::Duration::from_secs(60), "the first report took {took:?}");
    eprintln!("the first report took {took:?}");
}
