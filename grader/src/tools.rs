//! The tools grading needs — wasm-pack, the wasm-bindgen CLI that matches the
//! course's pinned wasm-bindgen, a browser and its driver, or Node.js — found
//! on this machine, installed with `cargo install` where that is possible,
//! and otherwise named with the exact command that installs them.

use crate::model::Runner;
use crate::process::find_on_path;
use anyhow::{anyhow, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A problem with the machine rather than with the student's code: the
/// grader exits with its own status for these.
#[derive(Debug)]
pub struct MissingTool(pub String);

impl std::fmt::Display for MissingTool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MissingTool {}

/// Which engine to run the tests in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RunnerChoice {
    /// Headless Chromium when Chrome or Chromium and chromedriver are
    /// installed, else headless Firefox when Firefox and geckodriver are,
    /// else Node.js for the exercises that allow it.
    Auto,
    /// Headless Chromium; fail if it is not installed.
    Chrome,
    /// Headless Firefox; fail unless Firefox and geckodriver are installed.
    Firefox,
    /// Node.js; exercises that need a browser are reported, not graded.
    Node,
}

/// A browser that wasm-pack can drive, through its WebDriver.
#[derive(Debug, Clone)]
pub struct Browser {
    pub engine: Runner,
    /// chromedriver or geckodriver.
    pub driver: PathBuf,
    /// The browser itself (its identity is part of the cache key).
    pub binary: PathBuf,
}

/// Everything found, ready to grade with.
#[derive(Debug, Clone)]
pub struct Toolbox {
    pub wasm_pack: PathBuf,
    pub runner: Runner,
    pub browser: Option<Browser>,
    /// PATH for the tools the grader starts: the directories of the tools
    /// found here first, so wasm-pack sees the wasm-bindgen that was checked.
    pub child_path: OsString,
    /// Said to the student before grading (e.g. "no browser: using Node.js").
    pub notices: Vec<String>,
}

const BROWSER_NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
/// Where Chrome and Chromium install themselves on macOS, off PATH.
const MACOS_BROWSERS: &[&str] = &[
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
];
/// chromedriver's own name, and the one Ubuntu's chromium snap gives it.
const CHROMEDRIVER_NAMES: &[&str] = &["chromedriver", "chromium.chromedriver"];
const FIREFOX_NAMES: &[&str] = &["firefox", "firefox-esr"];
const MACOS_FIREFOX: &str = "/Applications/Firefox.app/Contents/MacOS/firefox";
const FIREFOX_PACKAGES: &str = "Firefox from your system's packages (Debian: `sudo apt-get install firefox-esr`) \
     and geckodriver (`cargo install geckodriver`, or GECKODRIVER set to its path)";
const BROWSER_PACKAGES: &str = "Debian: `sudo apt-get install chromium chromium-driver`; \
     Ubuntu: `sudo snap install chromium` (its driver is `chromium.chromedriver`); \
     macOS: Google Chrome and `brew install --cask chromedriver`; \
     elsewhere Chrome or Chromium and the chromedriver of the same version";

impl Toolbox {
    /// Finds (and, when `install` is set, installs) what grading needs.
    pub fn prepare(course_root: &Path, choice: RunnerChoice, install: bool) -> Result<Toolbox> {
        let mut notices = Vec::new();
        let mut extra_dirs = Vec::new();

        let wasm_pack = ensure_tool("wasm-pack", &["wasm-pack"], None, install, "about 2 minutes", &mut notices)?;
        extra_dirs.push(parent(&wasm_pack));

        let pinned = pinned_wasm_bindgen(course_root)?;
        let wasm_bindgen = match find_wasm_bindgen(&pinned) {
            Some(found) => found,
            None => ensure_tool(
                "wasm-bindgen",
                &["wasm-bindgen-cli"],
                Some(&pinned),
                install,
                "about 3 minutes",
                &mut notices,
            )?,
        };
        extra_dirs.insert(0, parent(&wasm_bindgen));

        let node = find_on_path("node");
        let browser = match choice {
            RunnerChoice::Auto => find_chrome().or_else(find_firefox),
            RunnerChoice::Chrome => Some(find_chrome().ok_or_else(|| {
                MissingTool(format!(
                    "no headless browser found: grading needs chromium (or Chrome) and chromedriver on PATH. \
                     Install them ({BROWSER_PACKAGES}), or set CHROMEDRIVER to the driver's path."
                ))
            })?),
            RunnerChoice::Firefox => Some(find_firefox().ok_or_else(|| {
                MissingTool(format!(
                    "--runner firefox needs Firefox and geckodriver on PATH: install {FIREFOX_PACKAGES}."
                ))
            })?),
            RunnerChoice::Node => None,
        };
        let runner = match (&browser, &node) {
            (Some(browser), _) => browser.engine,
            (None, Some(_)) => {
                if choice == RunnerChoice::Auto {
                    notices.push(format!(
                        "No browser found (chromium + chromedriver, or firefox + geckodriver), so the tests run in Node.js. \
                         Exercises that need a browser cannot be graded until you install one: {BROWSER_PACKAGES}."
                    ));
                }
                Runner::Node
            }
            (None, None) => {
                return Err(MissingTool(format!(
                    "neither a browser nor Node.js was found. Install chromium and chromedriver \
                     ({BROWSER_PACKAGES}) or Node.js 18 or later."
                ))
                .into())
            }
        };

        let path = std::env::var_os("PATH").unwrap_or_default();
        let child_path = std::env::join_paths(extra_dirs.into_iter().chain(std::env::split_paths(&path)))
            .context("a directory on PATH contains a ':'")?;
        Ok(Toolbox { wasm_pack, runner, browser, child_path, notices })
    }
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The exact wasm-bindgen version in the course's Cargo.lock.
pub fn pinned_wasm_bindgen(course_root: &Path) -> Result<String> {
    let lock_path = course_root.join("Cargo.lock");
    let text = std::fs::read_to_string(&lock_path).with_context(|| {
        format!("cannot read {}: the course ships one; restore it with `git checkout Cargo.lock`", lock_path.display())
    })?;
    let lock: toml::Value =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", lock_path.display()))?;
    lock.get("package")
        .and_then(|packages| packages.as_array())
        .into_iter()
        .flatten()
        .find(|package| package.get("name").and_then(|n| n.as_str()) == Some("wasm-bindgen"))
        .and_then(|package| package.get("version")?.as_str().map(str::to_string))
        .ok_or_else(|| anyhow!("{} does not mention wasm-bindgen", lock_path.display()))
}

/// A `wasm-bindgen` whose version is exactly `version` (wasm-pack refuses
/// any other), on PATH or in cargo's bin directory.
fn find_wasm_bindgen(version: &str) -> Option<PathBuf> {
    let candidates = find_on_path("wasm-bindgen").into_iter().chain(in_cargo_bin("wasm-bindgen"));
    candidates.into_iter().find(|path| {
        Command::new(path)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1) == Some(version))
    })
}

fn cargo_bin_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin"))
}

fn in_cargo_bin(name: &str) -> Option<PathBuf> {
    cargo_bin_dir().map(|dir| dir.join(name)).filter(|path| path.is_file())
}

/// Finds `binary` on PATH; otherwise installs `crate_name` with cargo (when
/// allowed), or explains how to.
fn ensure_tool(
    binary: &str,
    crate_name: &[&str],
    version: Option<&str>,
    install: bool,
    how_long: &str,
    notices: &mut Vec<String>,
) -> Result<PathBuf> {
    if version.is_none() {
        if let Some(found) = find_on_path(binary).or_else(|| in_cargo_bin(binary)) {
            return Ok(found);
        }
    }
    let mut args: Vec<String> = vec!["install".into()];
    args.extend(crate_name.iter().map(|s| s.to_string()));
    if let Some(version) = version {
        args.extend(["--version".into(), format!("={version}"), "--force".into()]);
    }
    let command_text = format!("cargo {} --locked", args.join(" "));
    let why = match version {
        Some(v) => {
            format!("{binary} {v} (the version pinned in Cargo.lock; wasm-pack accepts no other) is not installed")
        }
        None => format!("{binary} is not installed"),
    };
    if !install {
        return Err(MissingTool(format!("{why}. Install it with:\n    {command_text}")).into());
    }
    eprintln!("{why}: installing it with `{command_text}` ({how_long}, once)...");
    // --locked first; the registry mirror can lack a dependency's newest
    // release, in which case resolving afresh still works.
    let installed = ["--locked", ""].iter().any(|flag| {
        let mut command = Command::new("cargo");
        command.args(&args);
        if !flag.is_empty() {
            command.arg(flag);
        }
        command.status().is_ok_and(|s| s.success())
    });
    let found = if installed { in_cargo_bin(binary).or_else(|| find_on_path(binary)) } else { None };
    match found {
        Some(path) => {
            notices.push(format!("Installed {binary} at {}.", path.display()));
            Ok(path)
        }
        None => Err(MissingTool(format!(
            "{why}, and installing it failed. Run this yourself and read cargo's error:\n    {command_text}"
        ))
        .into()),
    }
}

/// chromedriver (CHROMEDRIVER, else PATH) and a Chrome or Chromium (PATH,
/// else where macOS installs it).
fn find_chrome() -> Option<Browser> {
    let driver =
        driver_from_env("CHROMEDRIVER").or_else(|| CHROMEDRIVER_NAMES.iter().find_map(|name| find_on_path(name)))?;
    let binary = BROWSER_NAMES
        .iter()
        .find_map(|name| find_on_path(name))
        .or_else(|| MACOS_BROWSERS.iter().map(PathBuf::from).find(|path| path.is_file()))?;
    Some(Browser { engine: Runner::Chrome, driver, binary })
}

/// geckodriver (GECKODRIVER, else PATH, else cargo's bin directory, where
/// `cargo install geckodriver` puts it) and Firefox.
fn find_firefox() -> Option<Browser> {
    let driver = driver_from_env("GECKODRIVER")
        .or_else(|| find_on_path("geckodriver"))
        .or_else(|| in_cargo_bin("geckodriver"))?;
    let binary = FIREFOX_NAMES
        .iter()
        .find_map(|name| find_on_path(name))
        .or_else(|| Some(PathBuf::from(MACOS_FIREFOX)).filter(|path| path.is_file()))?;
    Some(Browser { engine: Runner::Firefox, driver, binary })
}

fn driver_from_env(variable: &str) -> Option<PathBuf> {
    std::env::var_os(variable).map(PathBuf::from).filter(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_comes_from_the_lockfile() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.lock"),
            "version = 4\n[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n",
        )
        .unwrap();
        assert_eq!(pinned_wasm_bindgen(dir.path()).unwrap(), "0.2.130");
    }

    #[test]
    fn a_missing_lockfile_says_how_to_restore_it() {
        let dir = tempfile::tempdir().unwrap();
        let error = pinned_wasm_bindgen(dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("git checkout Cargo.lock"), "{error:#}");
    }
}
