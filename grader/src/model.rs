//! The result model: what grading found, built once per run. Every output
//! format (the human report now; JSON, JUnit and Gradescope later) renders
//! from these types and never re-derives anything from raw output.

use serde::Serialize;
use std::time::Duration;

/// The outcome of one exercise (or of the capstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

impl ErrorKind {
    /// Errors the student cannot fix by editing their code.
    pub fn is_infrastructure(self) -> bool {
        matches!(self, ErrorKind::NeedsBrowser | ErrorKind::Infrastructure)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeError {
    pub kind: ErrorKind,
    /// What went wrong and what to do next, for a person.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Pass,
    Fail,
    Ignored,
}

/// One `#[wasm_bindgen_test]` function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    pub name: String,
    pub status: TestStatus,
    /// The panic message (not the JavaScript stack), when the test failed.
    pub message: Option<String>,
    /// `file:line:column` of the panic, when the runner reported one.
    pub location: Option<String>,
}

/// Which engine ran the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Runner {
    Chrome,
    Node,
}

impl Runner {
    pub fn describe(self) -> &'static str {
        match self {
            Runner::Chrome => "headless Chromium",
            Runner::Node => "Node.js",
        }
    }
}

/// Everything known about one graded crate.
#[derive(Debug, Clone, Serialize)]
pub struct ExerciseReport {
    pub name: String,
    pub title: String,
    pub concept: String,
    pub hint: String,
    /// The crate that was graded, relative to the course root.
    pub crate_dir: String,
    /// The file a student edits, relative to the course root.
    pub source_file: String,
    pub points: u32,
    pub status: Status,
    pub error: Option<GradeError>,
    /// In the order the test files declare them.
    pub tests: Vec<TestReport>,
    /// Information the tests printed for the student (timings), never graded.
    pub notes: Vec<String>,
    pub runner: Runner,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
}

impl ExerciseReport {
    pub fn passed_count(&self) -> usize {
        self.tests.iter().filter(|t| t.status == TestStatus::Pass).count()
    }

    pub fn first_failure(&self) -> Option<&TestReport> {
        self.tests.iter().find(|t| t.status != TestStatus::Pass)
    }
}

/// The capstone's place in the course.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CapstoneStatus {
    /// The course ships no graded capstone yet.
    NotAvailable { name: String, title: String },
    /// Waiting for the exercises: `remaining` still to pass.
    Locked { name: String, title: String, remaining: usize, milestones: Vec<String> },
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

/// One grading run over the course.
#[derive(Debug, Clone, Serialize)]
pub struct CourseReport {
    pub runner: Runner,
    /// Said to the student before the results, e.g. why Node.js was used.
    pub notices: Vec<String>,
    pub exercises: Vec<ExerciseReport>,
    pub capstone: Option<CapstoneStatus>,
}

impl CourseReport {
    pub fn done_count(&self) -> usize {
        self.exercises.iter().filter(|e| e.status == Status::Pass).count()
    }

    /// Every exercise, then every graded capstone milestone.
    pub fn graded(&self) -> impl Iterator<Item = &ExerciseReport> {
        self.exercises.iter().chain(self.capstone.iter().flat_map(|c| c.graded()))
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
        self.graded().any(|e| e.error.as_ref().is_some_and(|err| err.kind.is_infrastructure()))
    }
}

fn as_millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(duration.as_millis() as u64)
}
