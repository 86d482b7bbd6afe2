//! An exercise's tests served to a real browser (`grader run NAME --debug`),
//! for a student who wants to watch a failing test with DevTools open.
//!
//! The tests are built as for grading, and wasm-bindgen-test-runner serves
//! the test module in its interactive mode (`NO_HEADLESS`): the page runs
//! the tests when opened, shows their output, and keeps the debug build's
//! DWARF, so a browser with DWARF support shows the Rust source. Nothing
//! is graded, and nothing here counts.

use crate::discover::{Course, Exercise, Variant};
use crate::process::{run_clocked_in, Clock};
use crate::settings::Settings;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Builds `exercise`'s tests and serves them until the student stops the
/// grader (Ctrl-C); `announce` is given the address once the server is up.
pub fn serve(
    course: &Course,
    exercise: &Exercise,
    variant: Variant,
    settings: &Settings,
    announce: &mut dyn Write,
) -> Result<()> {
    let crate_dir = exercise.crate_dir(variant);
    let build = crate::wasm_build::tests(crate_dir, &course.target_dir(), &exercise.test_targets(), &settings.toolbox);
    let built = crate::process::run_limited(build, settings.build_timeout).context("could not start cargo")?;
    if !built.success() {
        bail!(
            "{} does not compile; `cargo run -p grader -- run {}` shows the error",
            exercise.entry.name,
            exercise.entry.name
        );
    }
    let modules = crate::capability::test_modules(&built.stdout, &crate_dir.join("Cargo.toml"));
    let Some(module) = modules.first() else { bail!("the build made no test module for {}", exercise.entry.name) };
    let mut clock = Serving { announce, address: None, far: Instant::now() };
    let finished = run_clocked_in(interactive_runner(&module.path, settings), &mut clock, |_, _| Ok(()))
        .context("could not start wasm-bindgen-test-runner")?;
    if clock.address.is_none() {
        bail!("the test server did not start:\n{}{}", finished.stdout, finished.stderr);
    }
    Ok(())
}

/// wasm-bindgen-test-runner serving `module` to whichever browser opens it.
fn interactive_runner(module: &Path, settings: &Settings) -> Command {
    let mut command = Command::new(&settings.toolbox.test_runner);
    command
        .arg(module)
        .env("PATH", &settings.toolbox.child_path)
        .env("NO_HEADLESS", "1")
        // Every suite to the browser, those that Node could run too.
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("WASM_BINDGEN_TEST_ONLY_WEB", "1")
        // A free port, chosen by the system.
        .env("WASM_BINDGEN_TEST_ADDRESS", "127.0.0.1:0");
    command
}

/// The run's clock while it serves: no limit (the student ends it), and
/// the address announced as soon as the runner prints it.
struct Serving<'a> {
    announce: &'a mut dyn Write,
    address: Option<String>,
    far: Instant,
}

impl Clock for Serving<'_> {
    fn start(&mut self, at: Instant) {
        self.far = at + Duration::from_secs(7 * 24 * 3600);
    }

    fn line(&mut self, line: &str, _: Instant) {
        let Some(address) = served_at(line) else { return };
        let _ = writeln!(
            self.announce,
            "The tests are served at {address}\n\
             Open it in Chrome or Firefox: the tests run there, with their output on the page. Open DevTools \
             (F12) before reloading to debug: the Console shows each panic, and the Sources panel the Rust \
             source of a debug build (Chrome: install the \"C/C++ DevTools Support (DWARF)\" extension). \
             Nothing here is graded. Ctrl-C stops the server."
        );
        let _ = self.announce.flush();
        self.address = Some(address);
    }

    fn deadline(&self) -> Instant {
        self.far
    }
}

/// The address in the runner's `… tests are now available at http://…`.
fn served_at(line: &str) -> Option<String> {
    let (_, after) = line.split_once("available at ")?;
    let address = after.split_whitespace().next()?;
    address.starts_with("http://").then(|| address.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_read_from_the_runners_line() {
        assert_eq!(
            served_at("Interactive browsers tests are now available at http://127.0.0.1:40123").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(served_at("Note that interactive mode is enabled because `NO_HEADLESS`"), None);
        assert_eq!(served_at("available at ftp://x"), None);
    }
}
