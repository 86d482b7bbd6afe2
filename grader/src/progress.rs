//! What the grader is doing, while it does it: at a terminal, a spinner
//! with the exercise and its phase, gone as soon as the exercise is graded;
//! without one (CI logs, pipes), one plain line on stderr as each exercise
//! starts and one as it ends, so a log never sits silent for minutes.
//! Nothing is ever written to stdout, which may carry a report.

use crate::model::Status;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// What the grader is doing to an exercise, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Compiling for wasm32; `first` when the libraries every exercise
    /// shares are not built yet, which takes about a minute.
    Building {
        first: bool,
    },
    Testing,
    /// The exercise's result is known (graded, or unchanged and cached).
    Graded(Status),
}

/// Hears what every long operation is doing: grading (an exercise and its
/// phase), and anything else in words (the benchmark's steps).
pub trait Observer: Sync {
    /// `name` entered `phase`.
    fn phase(&self, name: &str, phase: Phase);
    /// Any other long step, in words.
    fn doing(&self, what: &str);
}

/// Hears nothing: for work whose progress nobody watches (each student of
/// `grader class`, the tests).
pub struct Quiet;

impl Observer for Quiet {
    fn phase(&self, _: &str, _: Phase) {}
    fn doing(&self, _: &str) {}
}

/// The terminal's (or the log's) progress display.
pub struct Progress {
    terminal: bool,
    /// The spinner of the work under way, if any.
    spinner: Mutex<Option<indicatif::ProgressBar>>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress { terminal: std::io::stderr().is_terminal(), spinner: Mutex::new(None) }
    }

    /// Nothing under way any more: the spinner goes.
    pub fn clear(&self) {
        if let Some(spinner) = self.spinner.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
            spinner.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn phase(&self, name: &str, phase: Phase) {
        let doing = match phase {
            Phase::Building { first: true } => {
                "compiling for wasm32 (the first build compiles the shared libraries too, once)"
            }
            Phase::Building { first: false } => "compiling for wasm32",
            Phase::Testing => "starting the browser and running the tests",
            Phase::Graded(status) => {
                if self.terminal {
                    self.clear();
                } else {
                    let result = match status {
                        Status::Pass => "passes",
                        Status::Fail => "does not pass yet",
                        Status::Error => "could not be graded (see the report)",
                    };
                    eprintln!("{name}: {result}");
                }
                return;
            }
        };
        if self.terminal {
            self.doing(&format!("{name}: {doing}"));
        } else if matches!(phase, Phase::Building { .. }) {
            eprintln!("{name}: {doing}…");
        }
    }

    fn doing(&self, doing: &str) {
        if !self.terminal {
            eprintln!("{doing}…");
            return;
        }
        let mut spinner = self.spinner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let spinner = spinner.get_or_insert_with(|| {
            let spinner = indicatif::ProgressBar::new_spinner();
            spinner.enable_steady_tick(Duration::from_millis(120));
            spinner
        });
        spinner.set_message(format!("{doing}…"));
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}
