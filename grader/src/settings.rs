//! How to grade, decided once from the command line and passed down to
//! every step: the tools, the time limits, and how a run is organised.

use crate::capability::Import;
use crate::sandbox::Confiner;
use crate::tools::Toolbox;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Settings {
    pub toolbox: Toolbox,
    /// Overrides every exercise's test time limit.
    pub test_timeout: Option<Duration>,
    pub build_timeout: Duration,
    /// When the whole run's time budget ends: no step runs past it.
    pub deadline: Option<Instant>,
    /// Keep what cargo and the test runner printed in the report (`run --verbose`).
    pub verbose: bool,
    /// Exercises graded at the same time.
    pub jobs: usize,
    /// Reuse reports of unchanged exercises (new reports are stored either way).
    pub cache: bool,
    /// Grade the capstone's milestones even while exercises remain (for
    /// points); otherwise it unlocks when every exercise passes.
    pub capstone_always: bool,
    /// The instructor's copy of the course when grading a submission
    /// against it (`grade --reference`, `class`): the submission's code is
    /// untrusted, and what it may do is measured on this copy.
    pub reference: Option<Reference>,
    /// Measure the capstone's costs for a leaderboard (`grade --costs`).
    pub costs: bool,
}

/// The instructor's copy a submission is graded against.
#[derive(Debug, Clone)]
pub struct Reference {
    pub root: PathBuf,
    /// Where its crates are built to be measured: never the submission's
    /// target directory. cargo names a workspace member's artifacts by its
    /// path within the workspace, so the reference's stub and the student's
    /// crate would share files, and cargo, comparing modification times,
    /// can take one's build for the other's.
    pub target_dir: PathBuf,
    /// What confines the submission's builds and test runs on this machine.
    pub confiner: Confiner,
    /// The imports of each exercise's reference crate (by slug) once measured
    /// in this run: grading measures them, and `--costs` asks again for every
    /// milestone. Shared by the clones of these settings.
    pub measured: Arc<Mutex<BTreeMap<String, BTreeSet<Import>>>>,
}

impl Reference {
    pub fn new(root: PathBuf, target_dir: PathBuf, confiner: Confiner) -> Reference {
        Reference { root, target_dir, confiner, measured: Arc::default() }
    }
}

impl Settings {
    /// One exercise at a time, the cache on, limits from course.toml.
    pub fn new(toolbox: Toolbox, build_timeout: Duration) -> Settings {
        Settings {
            toolbox,
            test_timeout: None,
            build_timeout,
            deadline: None,
            verbose: false,
            jobs: 1,
            cache: true,
            capstone_always: false,
            reference: None,
            costs: false,
        }
    }

    /// For `run --verbose`: what cargo and the test runner printed is kept in the
    /// report, and so the exercise is graded afresh (a cached report has
    /// none of it).
    pub fn verbose(self, verbose: bool) -> Settings {
        Settings { verbose, cache: self.cache && !verbose, ..self }
    }

    /// For `grade --costs`: the capstone's costs measured once it is
    /// graded (see [`crate::costs`]).
    pub fn measuring_costs(self, costs: bool) -> Settings {
        Settings { costs, ..self }
    }

    /// `limit`, or less if the run's time budget ends sooner.
    pub fn limit(&self, limit: Duration) -> Duration {
        match self.deadline {
            Some(deadline) => limit.min(deadline.saturating_duration_since(Instant::now())),
            None => limit,
        }
    }
}
