//! The tools grading needs — the wasm-bindgen CLI that matches the course's
//! pinned wasm-bindgen (its test runner runs the tests), a browser and its
//! driver, or Node.js — found on this machine, installed where that is
//! possible, and otherwise named with the exact command that installs them.

use crate::model::Engine;
use crate::process::find_on_path;
use anyhow::{anyhow, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
pub enum EngineChoice {
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

impl EngineChoice {
    /// The engine a report names when nothing could be graded (the tools
    /// were never found): the one asked for, Chromium for auto.
    pub fn engine(self) -> Engine {
        match self {
            EngineChoice::Node => Engine::Node,
            EngineChoice::Firefox => Engine::Firefox,
            EngineChoice::Auto | EngineChoice::Chrome => Engine::Chrome,
        }
    }
}

/// A browser the test runner can drive, through its WebDriver.
#[derive(Debug, Clone)]
pub struct Browser {
    pub engine: Engine,
    /// chromedriver or geckodriver.
    pub driver: PathBuf,
    /// The browser itself (its identity is part of the cache key).
    pub binary: PathBuf,
    /// A `webdriver.json` that tells the driver which browser to start,
    /// when it would not find it by itself (Chrome for Testing).
    pub capabilities: Option<PathBuf>,
}

/// Everything found, ready to grade with.
#[derive(Debug, Clone)]
pub struct Toolbox {
    /// wasm-bindgen-test-runner, beside the wasm-bindgen whose version was
    /// checked: it runs a test module in the engine.
    pub test_runner: PathBuf,
    pub engine: Engine,
    pub browser: Option<Browser>,
    /// PATH for the tools the grader starts: the test runner's directory
    /// first, so the `wasm-bindgen` that `profile` and `bench` run is the
    /// one whose version was checked.
    pub child_path: OsString,
    /// Said to the student before grading (e.g. "no browser: using Node.js").
    pub notices: Vec<String>,
    /// The flag that turns on the permission model of the Node.js found,
    /// when it has one: untrusted code runs in Node.js only under it.
    pub node_permission: Option<&'static str>,
    /// Where the toolchain and these tools are read from: all a sandboxed
    /// build or test run may read besides the system and the course
    /// (see `crate::sandbox`).
    pub toolchain: Vec<PathBuf>,
}

#[cfg(test)]
impl Toolbox {
    /// A toolbox of tools that are not there, for tests that never start one.
    pub fn absent(engine: Engine) -> Toolbox {
        Toolbox {
            test_runner: "/nonexistent/wasm-bindgen-test-runner".into(),
            engine,
            browser: None,
            child_path: Default::default(),
            notices: vec![],
            node_permission: None,
            toolchain: vec![],
        }
    }
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
/// Debian's packages of a headless browser and its driver.
const DEBIAN_BROWSER: &[&str] = &["chromium", "chromium-driver"];

/// What /etc/os-release says about this Linux (GRADER_OS_RELEASE names
/// another file: a test's stand-in for another distribution).
fn os_release() -> String {
    let path = std::env::var_os("GRADER_OS_RELEASE").unwrap_or_else(|| "/etc/os-release".into());
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Whether this is Debian, whose own chromium package is a real browser.
fn is_debian() -> bool {
    os_release().lines().any(|line| line == "ID=debian")
}

/// The commands that install a browser and its driver on this system.
pub fn browser_install_advice() -> String {
    let os_release = os_release();
    let id =
        |key: &str| os_release.lines().find_map(|line| line.strip_prefix(key)).map(|v| v.trim_matches('"').to_string());
    match (std::env::consts::OS, id("ID=").as_deref(), id("ID_LIKE=")) {
        ("linux", Some("debian"), _) => format!("`sudo apt-get install {}`", DEBIAN_BROWSER.join(" ")),
        // Ubuntu's chromium package is a snap, and snap runs neither in WSL
        // nor in a container: Chrome for Testing, like macOS and the rest.
        _ => crate::chrome_for_testing::advice(),
    }
}

/// Installs Debian's chromium and chromium-driver, as root, or through sudo
/// when someone at a terminal says yes. Never on other systems (Ubuntu's
/// chromium package is a snap, which containers cannot run).
fn install_chromium(notices: &mut Vec<String>) -> bool {
    use std::io::{IsTerminal, Write};
    if !is_debian() || find_on_path("apt-get").is_none() {
        return false;
    }
    let packages = DEBIAN_BROWSER.join(" ");
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[cfg(unix)]
    let root = unsafe { libc::geteuid() } == 0;
    #[cfg(not(unix))]
    let root = false;
    let sudo: Vec<&str> = if root {
        Vec::new()
    } else if find_on_path("sudo").is_some() && std::io::stdin().is_terminal() {
        eprint!("No headless browser found. Install {packages} with `sudo apt-get install {packages}`? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return false;
        }
        vec!["sudo"]
    } else {
        return false;
    };
    eprintln!("No headless browser found: installing {packages} with apt-get (about a minute, once)...");
    let run = |args: &[&str]| {
        let mut words: Vec<&str> = sudo.clone();
        words.extend(args);
        Command::new(words[0])
            .args(&words[1..])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    let mut install = vec!["apt-get", "install", "-y", "-qq"];
    install.extend(DEBIAN_BROWSER);
    let installed = run(&["apt-get", "update", "-qq"]) && run(&install);
    if installed {
        notices.push(format!("Installed {packages} (Debian packages)."));
    }
    installed
}

impl Toolbox {
    /// Finds (and, when `install` is set, installs) what grading needs.
    pub fn prepare(course_root: &Path, choice: EngineChoice, install: bool) -> Result<Toolbox> {
        let mut notices = Vec::new();
        let pinned = pinned_wasm_bindgen(course_root)?;
        // What only asks the machine runs while the tools are looked for:
        // each answer costs a process (Debian's `chromium --version` is a
        // shell script: about 0.2 s, on every grade).
        let chrome_probe =
            matches!(choice, EngineChoice::Auto | EngineChoice::Chrome).then(|| std::thread::spawn(find_chrome));
        let sysroot_probe = {
            let course_root = course_root.to_path_buf();
            std::thread::spawn(move || rustc_sysroot(&course_root))
        };
        let node_probe = std::thread::spawn(|| {
            let node = find_on_path("node");
            let version = node.as_deref().and_then(node_version);
            (node, version)
        });
        let wasm_bindgen_cli = Tool {
            binary: "wasm-bindgen",
            crate_name: "wasm-bindgen-cli",
            version: Some(pinned),
            // Its default features are TLS (rustls and ring) for a WebDriver
            // reached over https; the drivers grading starts listen on
            // localhost, over plain http.
            without_default_features: true,
            how_long: "about 2 minutes",
            release_archive: true,
        };
        let wasm_bindgen = ensure_tool(&wasm_bindgen_cli, install, &mut notices)?;
        // The crate installs both programs together: one without the other
        // is a broken install.
        let test_runner =
            parent(&wasm_bindgen).join(format!("wasm-bindgen-test-runner{}", std::env::consts::EXE_SUFFIX));
        if !test_runner.is_file() {
            return Err(MissingTool(format!(
                "{} has no wasm-bindgen-test-runner beside it, which runs the tests. Install both again with:\n    {}",
                wasm_bindgen.display(),
                wasm_bindgen_cli.command_text()
            ))
            .into());
        }

        let (node, node_version) = node_probe.join().unwrap_or_default();
        let node_permission = node_version.as_deref().and_then(node_permission_flag);
        let mut found_chrome = chrome_probe.and_then(|probe| probe.join().ok().flatten());
        // No usable Chromium: the one downloaded before, else install one —
        // Debian's packages (as root, or with sudo when someone at the
        // terminal agrees), else Chrome for Testing into the cache.
        let mut why_not = None;
        let mut chrome = || {
            found_chrome.take().or_else(|| crate::chrome_for_testing::installed().map(Browser::for_testing)).or_else(
                || {
                    if !install {
                        return None;
                    }
                    if install_chromium(&mut notices) {
                        return find_chrome();
                    }
                    match crate::chrome_for_testing::install(&mut notices) {
                        Ok(installed) => Some(Browser::for_testing(installed)),
                        Err(error) => {
                            why_not = Some(format!("{error:#}"));
                            None
                        }
                    }
                },
            )
        };
        let browser = match choice {
            EngineChoice::Auto => chrome().or_else(find_firefox),
            EngineChoice::Chrome => Some(chrome().ok_or_else(|| {
                let tried = match &why_not {
                    Some(why) => format!(
                        ", and getting Chrome for Testing failed: {why}. Nothing was left half-installed: check \
                         the network and grade again (the download starts afresh)"
                    ),
                    None => String::new(),
                };
                MissingTool(format!(
                    "no headless browser found{tried}. Grading needs chromium (or Chrome) and chromedriver: \
                     install them — {} — or set CHROMEDRIVER to the driver's path.",
                    browser_install_advice()
                ))
            })?),
            EngineChoice::Firefox => Some(find_firefox().ok_or_else(|| {
                MissingTool(format!(
                    "--runner firefox needs Firefox and geckodriver on PATH: install {FIREFOX_PACKAGES}."
                ))
            })?),
            EngineChoice::Node => None,
        };
        let runner = match (&browser, &node) {
            (Some(browser), _) => browser.engine,
            (None, Some(_)) => {
                if choice == EngineChoice::Auto {
                    let tried = why_not
                        .as_ref()
                        .map(|why| format!(" Getting Chrome for Testing failed: {why}."))
                        .unwrap_or_default();
                    notices.push(format!(
                        "No browser found (chromium + chromedriver, or firefox + geckodriver), so the tests run in \
                         Node.js. Exercises that need a browser cannot be graded until you install one: {}.{tried}",
                        browser_install_advice()
                    ));
                }
                Engine::Node
            }
            (None, None) => {
                return Err(MissingTool(format!(
                    "neither a browser nor Node.js was found. Install chromium and chromedriver ({}) \
                     or Node.js 18 or later, then grade again.",
                    browser_install_advice()
                ))
                .into())
            }
        };

        let sysroot = sysroot_probe.join().ok().flatten();
        let sysroot = ensure_wasm32_target(sysroot, course_root, install, &mut notices)?;
        let tools = [Some(&test_runner), node.as_ref()]
            .into_iter()
            .flatten()
            .chain(browser.iter().flat_map(|b| [&b.driver, &b.binary].into_iter().chain(&b.capabilities)))
            .cloned()
            .collect::<Vec<_>>();
        let toolchain = crate::sandbox::toolchain_dirs(&tools, Some(&sysroot));
        let path = std::env::var_os("PATH").unwrap_or_default();
        let child_path =
            std::env::join_paths(std::iter::once(parent(&test_runner)).chain(std::env::split_paths(&path)))
                .context("a directory on PATH contains a ':'")?;
        Ok(Toolbox { test_runner, engine: runner, browser, child_path, notices, node_permission, toolchain })
    }
}

/// What `node --version` says, e.g. `v20.20.2`.
fn node_version(node: &Path) -> Option<String> {
    let out = Command::new(node).arg("--version").output().ok().filter(|out| out.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The flag that turns on Node.js's permission model (reads only where
/// `--allow-fs-read` says; no writes, child processes, workers or addons),
/// by Node's version: Node 20 brought it as `--experimental-permission`,
/// which became `--permission` in 22.13 and 23.5. Older Nodes have none.
pub fn node_permission_flag(version: &str) -> Option<&'static str> {
    let mut numbers = version.trim().trim_start_matches('v').split('.').map(|n| n.parse::<u32>().ok());
    let (major, minor) = (numbers.next()??, numbers.next()??);
    match (major, minor) {
        (..=19, _) => None,
        (22, 13..) | (23, 5..) | (24.., _) => Some("--permission"),
        _ => Some("--experimental-permission"),
    }
}

/// The target the exercises compile for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The libraries every exercise shares: most of a first build for wasm32.
const SLOW_TO_BUILD: &[&str] = &["wasm_bindgen", "js_sys", "wasm_bindgen_test"];

/// Whether building in `target_dir` is the slow first build: the libraries
/// every exercise shares are not yet built for wasm32 there. Only then is a
/// student told that the first build compiles them; a warm rebuild takes seconds.
pub fn first_build(target_dir: &Path) -> bool {
    let deps = target_dir.join(WASM_TARGET).join("debug").join("deps");
    let built: Vec<String> = std::fs::read_dir(deps)
        .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
        .unwrap_or_default();
    !SLOW_TO_BUILD.iter().all(|library| {
        let prefix = format!("lib{library}-");
        built.iter().any(|file| file.starts_with(&prefix) && file.ends_with(".rlib"))
    })
}

/// The standard library for wasm32, for the Rust the course builds with
/// (rust-toolchain.toml's, through rustup). rustup adds a toolchain file's
/// targets only when it installs that toolchain itself, so a machine that
/// already had the toolchain lacks it; without it every exercise would
/// "not compile", which is the machine's fault, not the student's.
/// Returns rustc's sysroot.
fn ensure_wasm32_target(
    sysroot: Option<PathBuf>,
    course_root: &Path,
    install: bool,
    notices: &mut Vec<String>,
) -> Result<PathBuf> {
    let Some(sysroot) = sysroot else {
        return Err(MissingTool(
            "rustc does not run here; install Rust with rustup (https://rustup.rs), then grade again".into(),
        )
        .into());
    };
    if sysroot.join("lib/rustlib").join(WASM_TARGET).join("lib").is_dir() {
        return Ok(sysroot);
    }
    let command = format!("rustup target add {WASM_TARGET}");
    let rustup =
        find_on_path("rustup").or_else(|| cargo_home().map(|home| home.join("bin/rustup")).filter(|p| p.is_file()));
    let Some(rustup) = rustup.filter(|_| install) else {
        return Err(MissingTool(format!(
            "the {WASM_TARGET} target is not installed for the Rust in {}, so nothing can be compiled for \
             WebAssembly. Install it with:\n    {command}\n(for a Rust that did not come from rustup, install its \
             {WASM_TARGET} standard library from the same place)",
            sysroot.display()
        ))
        .into());
    };
    eprintln!("The {WASM_TARGET} target is not installed: adding it with `{command}` (once)...");
    let added = Command::new(rustup).args(["target", "add", WASM_TARGET]).current_dir(course_root).status();
    if added.is_ok_and(|status| status.success()) && sysroot.join("lib/rustlib").join(WASM_TARGET).is_dir() {
        notices.push(format!("Added the {WASM_TARGET} target to the Rust toolchain."));
        Ok(sysroot)
    } else {
        Err(MissingTool(format!(
            "the {WASM_TARGET} target is not installed and `{command}` failed: run it yourself and read its error"
        ))
        .into())
    }
}

/// The sysroot of the Rust the course builds with (rust-toolchain.toml's,
/// through rustup), when rustc runs.
fn rustc_sysroot(course_root: &Path) -> Option<PathBuf> {
    let out = Command::new("rustc").args(["--print", "sysroot"]).current_dir(course_root).output().ok()?;
    out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
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

/// A `binary` whose `--version` says exactly `version`, on PATH or in
/// cargo's bin directory.
fn find_at_version(binary: &str, version: &str) -> Option<PathBuf> {
    let candidates = find_on_path(binary).into_iter().chain(in_cargo_bin(binary));
    candidates.into_iter().find(|path| {
        Command::new(path)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1) == Some(version))
    })
}

/// cargo's home: CARGO_HOME, else ~/.cargo (where rustup puts itself).
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

/// Where `cargo install` puts programs: CARGO_INSTALL_ROOT's bin when it
/// is set, else cargo's home's. The grader installs its tools there too.
fn cargo_bin_dir() -> Option<PathBuf> {
    match std::env::var_os("CARGO_INSTALL_ROOT").filter(|root| !root.is_empty()) {
        Some(root) => Some(PathBuf::from(root).join("bin")),
        None => cargo_home().map(|home| home.join("bin")),
    }
}

fn in_cargo_bin(name: &str) -> Option<PathBuf> {
    cargo_bin_dir().map(|dir| dir.join(name)).filter(|path| path.is_file())
}

/// A program that `cargo install` gives: its crate, and the exact version
/// grading needs, when only one will do.
struct Tool {
    binary: &'static str,
    crate_name: &'static str,
    version: Option<String>,
    /// `--no-default-features`: what the defaults bring grading never uses.
    without_default_features: bool,
    /// How long compiling it takes on a 2-core machine, for the student.
    how_long: &'static str,
    /// Its project publishes release archives with checksums the grader
    /// can check (see [`crate::prebuilt::wasm_bindgen_release`]).
    release_archive: bool,
}

impl Tool {
    /// On PATH or in cargo's bin directory — at the version, when one is set.
    fn find(&self) -> Option<PathBuf> {
        match &self.version {
            Some(version) => find_at_version(self.binary, version),
            None => find_on_path(self.binary).or_else(|| in_cargo_bin(self.binary)),
        }
    }

    fn install_args(&self) -> Vec<String> {
        let mut args: Vec<String> = vec!["install".into(), self.crate_name.into()];
        if let Some(version) = &self.version {
            args.extend(["--version".into(), format!("={version}"), "--force".into()]);
        }
        if self.without_default_features {
            args.push("--no-default-features".into());
        }
        args
    }

    fn command_text(&self) -> String {
        format!("cargo {} --locked", self.install_args().join(" "))
    }

    fn why(&self) -> String {
        match &self.version {
            Some(v) => format!(
                "{} {v} (the version pinned in Cargo.lock: a test module is run only by the wasm-bindgen that \
                 matches the library it was built with) is not installed",
                self.binary
            ),
            None => format!("{} is not installed", self.binary),
        }
    }

    /// A prebuilt copy (see [`crate::prebuilt`]), and how it came.
    fn prebuilt(&self) -> Option<(PathBuf, &'static str)> {
        let binstall = find_on_path("cargo-binstall").or_else(|| in_cargo_bin("cargo-binstall"));
        if crate::prebuilt::binstall(binstall.as_deref(), self.crate_name, self.version.as_deref()) {
            if let Some(path) = self.find() {
                return Some((path, "prebuilt, by cargo binstall"));
            }
        }
        let (Some(version), Some(bin)) = (self.version.as_deref().filter(|_| self.release_archive), cargo_bin_dir())
        else {
            return None;
        };
        match crate::prebuilt::wasm_bindgen_release(version, &bin) {
            Ok(_) => match self.find() {
                Some(path) => return Some((path, "prebuilt, its published checksum checked")),
                None => eprintln!("The prebuilt {} {version} does not run here: compiling it instead.", self.binary),
            },
            Err(error) => eprintln!("No prebuilt {} ({error:#}): compiling it instead.", self.binary),
        }
        None
    }

    /// `cargo install`, its output to the terminal: with `--locked` first —
    /// the versions the tool was released with — then, if that fails (a
    /// registry or mirror that lacks one of them), without, resolving afresh
    /// as `cargo install` does by default. Whether it worked.
    fn compile(&self) -> bool {
        let run = |locked: bool| {
            let mut command = Command::new("cargo");
            command.args(self.install_args()).stdin(Stdio::null());
            if locked {
                command.arg("--locked");
            }
            command.status().is_ok_and(|s| s.success())
        };
        run(true) || {
            eprintln!(
                "`{}` failed (most often: the registry lacks a dependency at the version the tool's lockfile \
                 names): trying again without --locked, which picks the newest compatible versions...",
                self.command_text()
            );
            run(false)
        }
    }
}

/// Finds `tool`; installs it when it is missing (and that is allowed):
/// prebuilt first, else compiled by `cargo install`, its output (cargo's
/// progress, crate by crate) on the terminal — or explains how to install it.
fn ensure_tool(tool: &Tool, install: bool, notices: &mut Vec<String>) -> Result<PathBuf> {
    if let Some(found) = tool.find() {
        return Ok(found);
    }
    if !install {
        return Err(MissingTool(format!("{}. Install it with:\n    {}", tool.why(), tool.command_text())).into());
    }
    if let Some((path, how)) = tool.prebuilt() {
        notices.push(format!("Installed {} at {} ({how}).", tool.binary, path.display()));
        return Ok(path);
    }
    eprintln!("{}: installing it with `{}` ({}, once)...", tool.why(), tool.command_text(), tool.how_long);
    let started = std::time::Instant::now();
    let compiled = tool.compile();
    let took = started.elapsed().as_secs();
    match tool.find().filter(|_| compiled) {
        Some(path) => {
            notices.push(format!(
                "Installed {} at {} (compiled by cargo install in {} min {} s).",
                tool.binary,
                path.display(),
                took / 60,
                took % 60
            ));
            Ok(path)
        }
        None => Err(MissingTool(format!(
            "{}, and installing it failed. Run this yourself and read cargo's error:\n    {}",
            tool.why(),
            tool.command_text()
        ))
        .into()),
    }
}

/// `grader setup --all-engines`: Firefox (Debian's firefox-esr, as root) and
/// geckodriver (`cargo install`), so every engine can grade.
pub fn install_firefox() -> Result<Browser> {
    if let Some(found) = find_firefox() {
        return Ok(found);
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[cfg(unix)]
    let root = unsafe { libc::geteuid() } == 0;
    #[cfg(not(unix))]
    let root = false;
    let debian = is_debian();
    if FIREFOX_NAMES.iter().all(|name| find_on_path(name).is_none()) && root && debian {
        eprintln!("installing firefox-esr with apt-get (once)...");
        let _ = Command::new("apt-get").args(["update", "-qq"]).stdout(std::process::Stdio::null()).status();
        let status = Command::new("apt-get")
            .args(["install", "-y", "-qq", "firefox-esr"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(std::process::Stdio::null())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return Err(MissingTool(format!("installing firefox-esr failed; install {FIREFOX_PACKAGES}")).into());
        }
    }
    if find_on_path("geckodriver").or_else(|| in_cargo_bin("geckodriver")).is_none() {
        let geckodriver = Tool {
            binary: "geckodriver",
            crate_name: "geckodriver",
            version: None,
            without_default_features: false,
            how_long: "about 2 minutes",
            release_archive: false,
        };
        ensure_tool(&geckodriver, true, &mut Vec::new())?;
    }
    find_firefox().ok_or_else(|| MissingTool(format!("Firefox is still missing: install {FIREFOX_PACKAGES}")).into())
}

impl Browser {
    /// Chrome for Testing from the grader's cache.
    fn for_testing(installed: crate::chrome_for_testing::Installed) -> Browser {
        Browser {
            engine: Engine::Chrome,
            driver: installed.driver,
            binary: installed.browser,
            capabilities: Some(installed.capabilities),
        }
    }
}

/// chromedriver (CHROMEDRIVER, else PATH) and a Chrome or Chromium (PATH,
/// else where macOS installs it) that runs: Ubuntu's `chromium-browser`
/// is a stand-in that asks for a snap, and a snap's commands do not run in
/// WSL or in a container.
fn find_chrome() -> Option<Browser> {
    let driver =
        driver_from_env("CHROMEDRIVER").or_else(|| CHROMEDRIVER_NAMES.iter().find_map(|name| find_on_path(name)))?;
    let binary = BROWSER_NAMES
        .iter()
        .filter_map(|name| find_on_path(name))
        .chain(MACOS_BROWSERS.iter().map(PathBuf::from).filter(|path| path.is_file()))
        .find(|binary| crate::chrome_for_testing::says_it_is_chrome(binary).is_ok())?;
    let runs = Command::new(&driver).arg("--version").output().is_ok_and(|out| out.status.success());
    runs.then_some(Browser { engine: Engine::Chrome, driver, binary, capabilities: None })
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
    Some(Browser { engine: Engine::Firefox, driver, binary, capabilities: None })
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
    fn node_is_confined_by_the_flag_its_version_knows_and_never_without_one() {
        for (version, flag) in [
            ("v18.19.1", None),
            ("v19.9.0", None),
            ("v20.0.0", Some("--experimental-permission")),
            ("v20.20.2\n", Some("--experimental-permission")),
            ("v21.7.3", Some("--experimental-permission")),
            ("v22.12.0", Some("--experimental-permission")),
            ("v22.13.0", Some("--permission")),
            ("v23.4.0", Some("--experimental-permission")),
            ("v23.5.0", Some("--permission")),
            ("v24.0.0", Some("--permission")),
            ("not a version", None),
            ("", None),
        ] {
            assert_eq!(node_permission_flag(version), flag, "{version:?}");
        }
    }

    #[test]
    fn only_a_target_without_wasm_bindgen_built_for_wasm32_is_a_first_build() {
        let target = tempfile::tempdir().unwrap();
        assert!(first_build(target.path()), "nothing built");
        let deps = target.path().join(WASM_TARGET).join("debug").join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        for file in ["libwasm_bindgen-0a1b.rlib", "libjs_sys-2c3d.rmeta", "libwasm_bindgen_test-4e5f.rlib"] {
            std::fs::write(deps.join(file), "").unwrap();
        }
        assert!(first_build(target.path()), "js-sys is only checked, not built");
        std::fs::write(deps.join("libjs_sys-2c3d.rlib"), "").unwrap();
        assert!(!first_build(target.path()), "warm");
    }

    #[test]
    fn a_missing_lockfile_says_how_to_restore_it() {
        let dir = tempfile::tempdir().unwrap();
        let error = pinned_wasm_bindgen(dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("git checkout Cargo.lock"), "{error:#}");
    }
}
