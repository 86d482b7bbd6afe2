//! What a test run's time limit measures: the tests, not the machine.
//!
//! A run of one test module spends much of its time on things that are
//! not the student's code — wasm-bindgen preparing the module, the driver
//! and the browser starting — and on a loaded machine those take many
//! times longer. A single wall-clock limit over all of it timed out correct
//! solutions under load, and made a hang cost the whole of it. So the run
//! is read as it prints:
//!
//! - until the runner's `Running headless tests in …` the module is
//!   *starting*: generous time, the machine's (a run that never gets its
//!   tests going is the machine's fault, never the student's);
//! - from that line the browser is *launching*: a few seconds of the
//!   machine's, then the tests' own time (a page whose first test never
//!   yields shows nothing before it ends);
//! - from the page's first line (`Loading Wasm module...`, written while
//!   the module compiles, just before the tests run) or `running N tests`,
//!   the tests are *running*: the exercise's test limit, until the
//!   `test result:` line.
//!
//! Only the runner's own lines, at column 0, move the clock. A test's
//! output is indented by the runner; and a line forged to move it could
//! only trade one phase's limit for another's, never go past the run's
//! overall limit.

use crate::process::Clock;
use std::time::{Duration, Instant};

/// The limits of one test run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestLimits {
    /// The machine's share of a run: wasm-bindgen, the driver.
    pub startup: Duration,
    /// The browser's launch, before it shows the page's first line.
    pub launch: Duration,
    /// The tests of one module, from `running N tests` to its summary.
    pub tests: Duration,
}

/// Which limit a run ran past.
#[derive(Debug, Clone, PartialEq)]
pub enum Overrun {
    /// The tools never got the tests going: the machine's fault.
    StartUp { limit: Duration },
    /// The tests did not finish: the code's.
    Tests,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Starting,
    Launching,
    Running,
}

/// The [`Clock`] of one run of a test module.
pub struct TestClock {
    limits: TestLimits,
    phase: Phase,
    /// When the phase began.
    since: Instant,
    /// When the whole run must end, whatever it printed.
    backstop: Instant,
}

impl TestClock {
    /// `backstop` bounds the whole run, whatever it prints.
    pub fn new(limits: TestLimits, backstop: Duration) -> TestClock {
        let now = Instant::now();
        TestClock { limits, phase: Phase::Starting, since: now, backstop: now + backstop }
    }

    /// What the run overran, when it was stopped at [`Clock::deadline`]:
    /// the phase it was in.
    pub fn overrun(&self) -> Overrun {
        match self.phase {
            Phase::Starting if Instant::now() < self.backstop => Overrun::StartUp { limit: self.limits.startup },
            _ => Overrun::Tests,
        }
    }
}

impl Clock for TestClock {
    fn start(&mut self, at: Instant) {
        self.backstop = at + self.backstop.saturating_duration_since(self.since);
        self.since = at;
    }

    fn line(&mut self, line: &str, at: Instant) {
        let line = line.trim_end_matches('\r');
        if line.starts_with("Running headless tests in ") && self.phase == Phase::Starting {
            (self.phase, self.since) = (Phase::Launching, at);
        } else if (is_running_line(line) || (line.starts_with("Loading ") && self.phase == Phase::Launching))
            && self.phase != Phase::Running
        {
            (self.phase, self.since) = (Phase::Running, at);
        } else if line.starts_with("test result: ") && self.phase == Phase::Running {
            // What the runner does after its tests is the machine's.
            (self.phase, self.since) = (Phase::Starting, at);
        }
    }

    fn deadline(&self) -> Instant {
        let limits = self.limits;
        let phase = match self.phase {
            Phase::Starting => self.since + limits.startup,
            Phase::Launching => self.since + limits.launch + limits.tests,
            Phase::Running => self.since + limits.tests,
        };
        phase.min(self.backstop)
    }
}

/// `running 3 tests` / `running 1 test`, as the test harness writes it.
fn is_running_line(line: &str) -> bool {
    line.strip_prefix("running ").and_then(|rest| rest.split_once(' ')).is_some_and(|(count, noun)| {
        count.chars().all(|c| c.is_ascii_digit()) && !count.is_empty() && matches!(noun, "test" | "tests")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: TestLimits = TestLimits {
        startup: Duration::from_secs(100),
        launch: Duration::from_secs(10),
        tests: Duration::from_secs(5),
    };

    fn clock(at: Instant) -> TestClock {
        let mut clock = TestClock::new(LIMITS, Duration::from_secs(1000));
        clock.start(at);
        clock
    }

    #[test]
    fn the_tests_limit_runs_from_the_tests_start_not_the_tools() {
        let t0 = Instant::now();
        let mut clock = clock(t0);
        assert_eq!(clock.deadline(), t0 + LIMITS.startup, "wasm-bindgen and the driver have the machine's time");
        let at = t0;
        assert_eq!(clock.overrun(), Overrun::StartUp { limit: LIMITS.startup });
        let launched = at + Duration::from_secs(30);
        clock.line("Loading scripts...", launched);
        assert_eq!(clock.deadline(), at + LIMITS.startup, "a page's line only once the browser is launching");
        clock.line("Running headless tests in Chrome on `http://127.0.0.1:1/`", launched);
        assert_eq!(clock.deadline(), launched + LIMITS.launch + LIMITS.tests);
        let page = launched + Duration::from_secs(2);
        clock.line("Loading Wasm module...", page);
        assert_eq!(clock.deadline(), page + LIMITS.tests, "the page is up: the tests run next");
        let running = page;
        clock.line("running 9 tests", running + Duration::from_secs(1));
        assert_eq!(clock.deadline(), running + LIMITS.tests, "the tests' own limit, from their start");
        assert_eq!(clock.overrun(), Overrun::Tests);

        // Result lines do not extend it; the summary hands back to the machine.
        clock.line("test a ... ok", running + Duration::from_secs(4));
        assert_eq!(clock.deadline(), running + LIMITS.tests);
        let done = running + Duration::from_secs(4);
        clock.line("test result: ok. 9 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.05s", done);
        assert_eq!(clock.deadline(), done + LIMITS.startup);
    }

    #[test]
    fn indented_or_forged_lines_do_not_move_the_clock_past_its_backstop() {
        let t0 = Instant::now();
        let mut clock = TestClock::new(LIMITS, Duration::from_secs(20));
        clock.start(t0);
        clock.line("running 1 test", t0);
        clock.line("    running 3 tests", t0 + Duration::from_secs(4));
        clock.line("    test result: ok. 0 passed", t0 + Duration::from_secs(4));
        assert_eq!(clock.deadline(), t0 + LIMITS.tests, "a test's indented output is not the runner's");
        clock.line("test result: ok. 1 passed; 0 failed", t0 + Duration::from_secs(4));
        clock.line("running 1 test", t0 + Duration::from_secs(18));
        assert_eq!(clock.deadline(), t0 + Duration::from_secs(20), "never past the backstop");
        assert_eq!(clock.overrun(), Overrun::Tests);
    }

    #[test]
    fn the_harness_line_that_starts_the_tests_is_read_exactly() {
        assert!(is_running_line("running 1 test") && is_running_line("running 11 tests"));
        assert!(!is_running_line("running away tests") && !is_running_line("running  tests"));
    }
}
