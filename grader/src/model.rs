//! The result model: what grading found, built once per run. Every output
//! format (human, JSON, JUnit, Gradescope, GitHub) renders from these types
//! and never re-derives anything from raw output. It is also what the cache
//! stores, so it reads back exactly as it was written.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The outcome of one exercise (or of the capstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every test ran and passed.
    Pass,
    /// The tests ran and at least one failed (or was ignored).
    Fail,
    /// The tests could not be run to the end: see [`GradeError`].
    Error,
}

/// Why an exercise could not be graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The student's crate (or its tests) does not compile.
    Compile,
    /// Building or testing took longer than the exercise's limit.
    Timeout,
    /// The suite ran no test at all.
    NoTests,
    /// The exercise needs a browser and only Node.js was available.
    NeedsBrowser,
    /// A tool is missing or failed for reasons that are not the student's.
    Infrastructure,
    /// The submission reached past its editable files (or the test report
    /// contradicts itself): nothing it did is trusted, see the message.
    Integrity,
}

impl ErrorKind {
    /// The status in words, as reports show it.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorKind::Compile => "does not compile",
            ErrorKind::Timeout => "timed out",
            ErrorKind::NoTests => "ran no tests",
            ErrorKind::NeedsBrowser => "needs a browser",
            ErrorKind::Infrastructure => "could not be graded",
            ErrorKind::Integrity => "not trusted",
        }
    }

    /// Errors the student cannot fix by editing their code.
    pub fn is_infrastructure(self) -> bool {
        matches!(self, ErrorKind::NeedsBrowser | ErrorKind::Infrastructure)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeError {
    pub kind: ErrorKind,
    /// What went wrong and what to do next, for a person.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Pass,
    Fail,
    Ignored,
    /// Did not finish within its limit, even run alone (see
    /// [`crate::narrow`]); its message says so.
    TimedOut,
    /// Declared in a test file but never run: the crate did not compile,
    /// or the run stopped (a timeout) before reaching it.
    NotRun,
}

/// One `#[wasm_bindgen_test]` function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    pub name: String,
    pub status: TestStatus,
    /// The panic message (not the JavaScript stack), when the test failed.
    pub message: Option<String>,
    /// `file:line:column` of the panic, when the runner reported one.
    pub location: Option<String>,
    /// What the code under test printed, when the test failed (a passing
    /// test's output is never read).
    pub output: Option<String>,
    /// The test's body, as its test file declares it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The test's share of its exercise's points, and what it earned.
    pub max_points: f64,
    pub points: f64,
}

impl TestReport {
    pub fn new(name: impl Into<String>, status: TestStatus) -> TestReport {
        TestReport {
            name: name.into(),
            status,
            message: None,
            location: None,
            output: None,
            code: None,
            max_points: 0.0,
            points: 0.0,
        }
    }

    /// The test as a person reads it: its function's name as a sentence
    /// (`arena_ptr_is_its_address` → "Arena ptr is its address"). The
    /// identifier stays the test's key (`name`): weights, caches and the
    /// runner's own lines name it that way.
    pub fn title(&self) -> String {
        let function = self.name.rsplit("::").next().unwrap_or(&self.name);
        let words: Vec<&str> = function.split('_').filter(|word| !word.is_empty()).collect();
        let sentence = words.join(" ");
        let mut chars = sentence.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => self.name.clone(),
        }
    }

    /// "Title (identifier)": what a person reads, with what they would
    /// search the test file for.
    pub fn labelled(&self) -> String {
        format!("{} ({})", self.title(), self.name)
    }
}

/// How a run's untrusted code was confined, as every result format names it
/// (`crate::sandbox` does the confining).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sandbox {
    /// Every process was under a Landlock ruleset.
    Landlock,
    /// Nothing confined the processes: the code was trusted (the student's
    /// own copy, graded locally), or confinement was not available.
    None,
}

impl Sandbox {
    pub fn as_str(self) -> &'static str {
        match self {
            Sandbox::Landlock => "landlock",
            Sandbox::None => "none",
        }
    }
}

impl std::fmt::Display for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which engine ran the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Chrome,
    Firefox,
    Node,
}

impl Engine {
    pub fn describe(self) -> &'static str {
        match self {
            Engine::Chrome => "headless Chromium",
            Engine::Firefox => "headless Firefox",
            Engine::Node => "Node.js",
        }
    }
}

/// What a graded unit is: an exercise, or one milestone of the capstone
/// (whose name a student types as `mix/buffer`; code reads this instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Exercise,
    Milestone { capstone: String, milestone: String },
}

impl Kind {
    pub fn is_milestone(&self) -> bool {
        matches!(self, Kind::Milestone { .. })
    }
}

/// An exercise's hints as far as the student asked for them: the tiers
/// revealed so far (in order) and how many there are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    pub revealed: Vec<String>,
    pub total: usize,
}

impl Hints {
    pub fn all_revealed(&self) -> bool {
        self.revealed.len() >= self.total
    }
}

/// Who sees a graded unit's tests on a platform that can hide them
/// (Gradescope's `visibility`, and its `stdout_visibility`): course.toml's
/// choice, `visible` unless it says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    Visible,
    /// Shown once the due date (or the late due date) has passed.
    AfterDueDate,
    /// Shown once the instructor publishes the grades.
    AfterPublished,
    /// Never shown to students.
    Hidden,
}

impl Visibility {
    /// As Gradescope spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Visible => "visible",
            Visibility::AfterDueDate => "after_due_date",
            Visibility::AfterPublished => "after_published",
            Visibility::Hidden => "hidden",
        }
    }
}

/// Everything known about one graded crate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseReport {
    pub name: String,
    pub kind: Kind,
    pub title: String,
    pub concept: String,
    /// Filled in from the student's hint log after grading (never cached
    /// as it was: see [`crate::hints`]).
    #[serde(default)]
    pub hints: Hints,
    /// Who sees its tests where a platform can hide them (course.toml's
    /// `visibility`; set after grading, like the hints).
    #[serde(default)]
    pub visibility: Visibility,
    /// The crate that was graded, relative to the course root.
    pub crate_dir: String,
    /// The file a student edits, relative to the course root.
    pub source_file: String,
    /// The exercise's weight in the course (course.toml), and what the
    /// passing tests earned of it.
    pub max_points: f64,
    pub points: f64,
    pub status: Status,
    pub error: Option<GradeError>,
    /// In the order the test files declare them.
    pub tests: Vec<TestReport>,
    /// Measurements the tests printed for the student (`measured:` lines), never graded.
    pub notes: Vec<String>,
    /// What the failures together point to, when they point somewhere the
    /// tests alone cannot say (memory corruption): its cause and what to
    /// check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<String>,
    pub engine: Engine,
    /// The tests ran in Node.js under its permission model (untrusted
    /// code: it could read only the runner's files, and write nothing).
    #[serde(default)]
    pub node_permission: bool,
    #[serde(with = "millis")]
    pub duration: Duration,
    /// Taken from the cache: nothing it depends on changed since it was graded.
    #[serde(default)]
    pub cached: bool,
    /// What cargo and the test runner printed, kept for `run --verbose` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_output: Option<String>,
}

impl ExerciseReport {
    /// The engine the tests ran in, as every report names it.
    pub fn runner(&self) -> String {
        if self.node_permission {
            format!("{} (permission model)", self.engine.describe())
        } else {
            self.engine.describe().to_string()
        }
    }

    pub fn passed_count(&self) -> usize {
        self.tests.iter().filter(|t| t.status == TestStatus::Pass).count()
    }

    /// Whether the machine, not the code, kept it from being graded (a
    /// missing tool or browser).
    pub fn has_infrastructure_error(&self) -> bool {
        self.error.as_ref().is_some_and(|error| error.kind.is_infrastructure())
    }

    /// The failure to show first: the one that says most about the cause.
    /// The line of the student's source file where `test` failed, when its
    /// panic points there (reporters annotate that line).
    pub fn line_in_source(&self, test: &TestReport) -> Option<u32> {
        let rest = test.location.as_deref()?.strip_prefix(self.source_file.as_str())?.strip_prefix(':')?;
        rest.split(':').next()?.parse().ok()
    }

    /// A test's own failure, in its own words, comes before a panic inside
    /// the allocator (whose records an earlier write broke), which comes
    /// before a test that never finished; within each, the file's order.
    pub fn first_failure(&self) -> Option<&TestReport> {
        let rank = |test: &TestReport| match test.status {
            TestStatus::Fail if test.location.as_deref().is_some_and(is_allocator_location) => 1,
            TestStatus::Fail | TestStatus::Ignored => 0,
            TestStatus::TimedOut => 2,
            TestStatus::NotRun | TestStatus::Pass => 3,
        };
        let failures = self.tests.iter().filter(|t| t.status != TestStatus::Pass);
        failures.enumerate().min_by_key(|(at, test)| (rank(test), *at)).map(|(_, test)| test)
    }
}

/// A panic location inside the allocator rather than in the course's code
/// (`/rust/deps/dlmalloc-…/src/dlmalloc.rs:1207:13`): its own checks found
/// its records overwritten, by a write that came before.
pub fn is_allocator_location(location: &str) -> bool {
    location.contains("dlmalloc")
}

/// The capstone's place in the course.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CapstoneStatus {
    /// The course ships no graded capstone yet.
    NotAvailable { name: String, title: String },
    /// Waiting for the exercises: `remaining` still to pass.
    Locked { name: String, title: String, remaining: usize, milestones: Vec<String>, milestone_points: Vec<f64> },
    /// Every exercise passes, so each milestone was graded.
    Graded { name: String, title: String, milestones: Vec<ExerciseReport> },
}

impl CapstoneStatus {
    pub fn name(&self) -> &str {
        match self {
            CapstoneStatus::NotAvailable { name, .. }
            | CapstoneStatus::Locked { name, .. }
            | CapstoneStatus::Graded { name, .. } => name,
        }
    }

    /// The graded milestones (none unless the capstone was graded).
    pub fn graded(&self) -> &[ExerciseReport] {
        match self {
            CapstoneStatus::Graded { milestones, .. } => milestones,
            _ => &[],
        }
    }
}

/// A file of the submission that differs from the instructor's reference
/// copy (`grade --reference`): graded with the reference's version instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Relative to the course root.
    pub path: String,
    pub change: Change,
    /// What was done about it, for a person.
    pub message: String,
}

impl Finding {
    /// Whether it bears on grading the crate at `crate_dir` (relative to
    /// the course root): a file of that crate, or of the whole course.
    pub fn concerns(&self, crate_dir: &str) -> bool {
        !self.path.contains('/') || self.path.starts_with(&format!("{}/", crate_dir.trim_end_matches('/')))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The student's copy differs from the reference.
    Modified,
    /// The student's copy is missing.
    Removed,
    /// A file the reference does not have, where only reference files belong
    /// (a new test file, a `build.rs`).
    Added,
    /// An editable file that reaches past what a student may edit (it
    /// includes other files, carries JavaScript) or a symbolic link: its
    /// exercise is graded as shipped and fails.
    Forbidden,
}

/// One grading run over the course.
#[derive(Debug, Clone, Serialize)]
pub struct CourseReport {
    pub title: String,
    pub engine: Engine,
    /// Said to the student before the results, e.g. why Node.js was used.
    pub notices: Vec<String>,
    pub exercises: Vec<ExerciseReport>,
    pub capstone: Option<CapstoneStatus>,
    /// Protected files the submission changed (empty without `--reference`).
    pub findings: Vec<Finding>,
    /// The score needed to pass, as a percentage of the maximum.
    pub pass_mark: f64,
    #[serde(with = "millis")]
    pub duration: Duration,
    /// What confined the submission's builds and tests (none for a
    /// student's own copy, graded locally).
    pub sandbox: Sandbox,
    /// Who sees what the grading run printed, where a platform can hide
    /// it (Gradescope's `stdout_visibility`): course.toml's choice.
    pub stdout_visibility: Visibility,
    /// What the capstone costs, when the run was asked to measure it (`grade --costs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
}

/// The capstone's costs for a leaderboard, measured by the grader from
/// outside the student's module: the size of its release build, and its
/// linear memory and wall time after the capstone's workload, run by the
/// grader's own page. Never a grade, and never a number the submission
/// printed (anything it prints could be forged; what these measure cannot
/// be, short of being small and fast).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Costs {
    Measured {
        /// The module as the page loads it (after wasm-bindgen), in bytes.
        wasm_bytes: u64,
        /// Linear memory after the workload: WebAssembly memory only
        /// grows, so this is its peak.
        memory_bytes: u64,
        /// The workload's wall time, after one warm-up run.
        workload_ms: f64,
        /// What the workload does, as course.toml says.
        workload: String,
    },
    /// Why there are no numbers (a milestone fails, the build imports
    /// JavaScript the course does not allow, the browser failed).
    NotMeasured { reason: String },
}

impl CourseReport {
    /// The engine, as the whole report names it: with Node's permission
    /// model when the tests of any exercise ran under it.
    pub fn runner(&self) -> String {
        if self.graded().any(|e| e.node_permission) {
            format!("{} (permission model)", self.engine.describe())
        } else {
            self.engine.describe().to_string()
        }
    }

    pub fn done_count(&self) -> usize {
        self.exercises.iter().filter(|e| e.status == Status::Pass).count()
    }

    /// Every exercise, then every graded capstone milestone.
    pub fn graded(&self) -> impl Iterator<Item = &ExerciseReport> {
        self.exercises.iter().chain(self.capstone.iter().flat_map(|c| c.graded()))
    }

    /// Every exercise and milestone graded, to amend.
    pub fn graded_mut(&mut self) -> impl Iterator<Item = &mut ExerciseReport> {
        let milestones = match &mut self.capstone {
            Some(CapstoneStatus::Graded { milestones, .. }) => milestones.iter_mut(),
            _ => [].iter_mut(),
        };
        self.exercises.iter_mut().chain(milestones)
    }

    /// Whether everything graded passes.
    pub fn all_passed(&self) -> bool {
        self.graded().all(|e| e.status == Status::Pass)
    }

    /// The first exercise, or then milestone, that does not pass yet.
    pub fn next_unfinished(&self) -> Option<&ExerciseReport> {
        self.graded().find(|e| e.status != Status::Pass)
    }

    pub fn has_infrastructure_error(&self) -> bool {
        self.graded().any(ExerciseReport::has_infrastructure_error)
    }

    /// Every exercise and every capstone milestone, graded or not: a locked
    /// capstone still has points to earn.
    pub fn max_score(&self) -> f64 {
        let locked: f64 = match &self.capstone {
            Some(CapstoneStatus::Locked { milestone_points, .. }) => total(milestone_points.iter().copied()),
            _ => 0.0,
        };
        total(self.graded().map(|e| e.max_points)) + locked
    }

    pub fn score(&self) -> f64 {
        total(self.graded().map(|e| e.points))
    }

    /// Whether the score reaches the pass mark.
    pub fn reached_pass_mark(&self) -> bool {
        let max = self.max_score();
        max == 0.0 || self.score() >= max * self.pass_mark / 100.0 - 1e-9
    }
}

/// A sum that starts from +0.0: `Iterator::sum` of floats starts from
/// -0.0, so a sum of nothing would print as "-0.0".
pub fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, value| sum + value)
}

/// What `grader profile` found: where one run of an exercise's workload
/// spent its time. Measured on this machine, today; never graded.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileReport {
    pub exercise: String,
    /// The workload, as course.toml describes it.
    pub workload: String,
    /// Whose crate ran: the student's, or (`--solution`) the reference.
    pub crate_profiled: Variant,
    /// The profiled run's wall time (after one warm-up run).
    pub run_ms: f64,
    /// The time the samples cover, idle time left out.
    pub sampled_ms: f64,
    pub samples: usize,
    /// The functions with the most self time, the most first.
    pub hottest: Vec<HotFunction>,
    pub cpuprofile: std::path::PathBuf,
    pub flame_graph: std::path::PathBuf,
}

/// Which of an exercise's two crates to grade (or profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// The crate the student edits, under `exercises/` (or the capstone's).
    Student,
    /// The reference under `solutions/`, graded by the same tests.
    Reference,
}

/// One function's own time in a profile (its callees' not counted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotFunction {
    /// Rust names demangled, without their hash.
    pub name: String,
    pub kind: FrameKind,
    pub self_ms: f64,
    /// Of the sampled time, 0 to 1.
    pub share: f64,
    /// Where it is: `src/lib.rs:42` in the crate, a line of the workload
    /// or of wasm-bindgen's glue; none for the engine's own work.
    pub source: Option<String>,
}

/// What ran in a frame of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FrameKind {
    /// The crate's WebAssembly.
    Wasm,
    JavaScript,
    /// V8's wrapper where a call crosses between JavaScript and
    /// WebAssembly ("js-to-wasm"): its own time is the crossing's cost.
    Boundary,
    /// The engine's own work: "(program)", "(garbage collector)".
    Engine,
}

/// Durations as whole milliseconds.
mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(duration.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}

/// What one `grader class` run over a folder did, for its last line.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassSummary {
    /// Students graded by this run.
    pub graded: usize,
    /// Of those, the ones whose grader crashed or hung (recorded with the reason).
    pub stopped: usize,
    /// Students whose results an earlier run wrote, kept.
    pub earlier: usize,
    pub elapsed: Duration,
    /// The gradebook written, then each export.
    pub written: Vec<std::path::PathBuf>,
}

/// Builders for the unit tests of the modules that render or score reports.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    pub fn exercise(name: &str, status: Status, tests: Vec<TestReport>, error: Option<GradeError>) -> ExerciseReport {
        let mut report = ExerciseReport {
            name: name.into(),
            kind: Kind::Exercise,
            title: format!("{name} title"),
            concept: "concept".into(),
            hints: Hints { revealed: vec![], total: 3 },
            visibility: Visibility::Visible,
            crate_dir: format!("exercises/{name}"),
            source_file: format!("exercises/{name}/src/lib.rs"),
            max_points: 10.0,
            points: 0.0,
            status,
            error,
            tests,
            notes: vec![],
            diagnosis: None,
            engine: Engine::Chrome,
            node_permission: false,
            duration: Duration::from_millis(1200),
            cached: false,
            tool_output: None,
        };
        crate::points::award(&mut report, &crate::manifest::tests::entry(""));
        report
    }

    /// Milestone `milestone` of the capstone `mix`.
    pub fn milestone(
        milestone: &str,
        status: Status,
        tests: Vec<TestReport>,
        error: Option<GradeError>,
    ) -> ExerciseReport {
        let mut report = exercise(&format!("mix/{milestone}"), status, tests, error);
        report.kind = Kind::Milestone { capstone: "mix".into(), milestone: milestone.into() };
        report.crate_dir = "mix".into();
        report.source_file = "mix/src/lib.rs".into();
        report
    }

    pub fn test(name: &str, status: TestStatus, message: Option<&str>) -> TestReport {
        TestReport { message: message.map(Into::into), ..TestReport::new(name, status) }
    }

    pub fn course(exercises: Vec<ExerciseReport>, capstone: Option<CapstoneStatus>) -> CourseReport {
        CourseReport {
            title: "test course".into(),
            engine: Engine::Chrome,
            notices: vec![],
            exercises,
            capstone,
            findings: vec![],
            pass_mark: 50.0,
            duration: Duration::from_secs(3),
            sandbox: Sandbox::None,
            stdout_visibility: Visibility::Visible,
            costs: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{exercise, test};
    use super::*;

    #[test]
    fn a_tests_title_is_its_function_name_as_a_sentence() {
        let named = |name: &str| TestReport::new(name, TestStatus::Pass);
        assert_eq!(
            named("arena_ptr_is_its_address_in_linear_memory").title(),
            "Arena ptr is its address in linear memory"
        );
        assert_eq!(named("tests::u8_view__sees_writes_").title(), "U8 view sees writes");
        assert_eq!(named("views").title(), "Views");
        assert_eq!(named("_").title(), "_", "nothing to say: the identifier");
        assert_eq!(named("one_crossing").labelled(), "One crossing (one_crossing)");
    }

    #[test]
    fn the_failure_shown_first_is_a_tests_own_then_the_allocators_then_a_hang() {
        let hung = TestReport { message: Some("did not finish".into()), ..test("hung", TestStatus::TimedOut, None) };
        let mut allocator = test("allocator", TestStatus::Fail, Some("assertion failed"));
        allocator.location = Some("/rust/deps/dlmalloc-0.2.11/src/dlmalloc.rs:1207:13".into());
        let mut own = test("own", TestStatus::Fail, Some("alloc's bytes were freed"));
        own.location = Some("exercises/02_no_gc/tests/no_gc.rs:337:5".into());
        let later = test("later", TestStatus::Fail, Some("also wrong"));
        let order =
            |tests: Vec<TestReport>| exercise("e", Status::Fail, tests, None).first_failure().unwrap().name.clone();
        assert_eq!(order(vec![hung.clone(), allocator.clone(), own.clone(), later.clone()]), "own");
        assert_eq!(order(vec![hung.clone(), later.clone(), own.clone()]), "later", "in file order within a rank");
        assert_eq!(order(vec![hung.clone(), allocator.clone()]), "allocator");
        assert_eq!(order(vec![test("p", TestStatus::Pass, None), hung]), "hung");
    }
}
