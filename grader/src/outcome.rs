//! What a command's exit status says, decided in one place. Scripts and CI
//! read it: 0 done, 1 not yet, 3 the machine lacks something, 4 the grader
//! could not do what was asked — never confused with "not done yet". (2 is
//! clap's: the command line was wrong.)

use crate::model::{CourseReport, ExerciseReport, Status};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for passes (grade: the pass mark is reached; verify: nothing wrong).
    Done,
    /// Some exercise fails, does not compile or timed out (or verify found a problem).
    NotDone,
    /// A tool or browser is missing.
    Infrastructure,
    /// No course here, a file that cannot be read or written, a bug.
    GraderFailed,
}

impl Outcome {
    /// The one rule: the machine's problems first, then whether it is done.
    pub fn judge(infrastructure: bool, done: bool) -> Outcome {
        match (infrastructure, done) {
            (true, _) => Outcome::Infrastructure,
            (false, true) => Outcome::Done,
            (false, false) => Outcome::NotDone,
        }
    }

    /// `run`: every exercise graded passes.
    pub fn of_exercises(reports: &[ExerciseReport]) -> Outcome {
        let infrastructure = reports.iter().any(ExerciseReport::has_infrastructure_error);
        Outcome::judge(infrastructure, reports.iter().all(|r| r.status == Status::Pass))
    }

    /// `check`: the whole course passes.
    pub fn of_course(report: &CourseReport) -> Outcome {
        Outcome::judge(report.has_infrastructure_error(), report.all_passed())
    }

    /// `grade`: the pass mark is reached.
    pub fn of_grade(report: &CourseReport) -> Outcome {
        Outcome::judge(report.has_infrastructure_error(), report.reached_pass_mark())
    }

    pub fn code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::NotDone => 1,
            Outcome::Infrastructure => 3,
            Outcome::GraderFailed => 4,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(outcome.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::{exercise, test};
    use crate::model::{ErrorKind, GradeError, TestStatus};

    #[test]
    fn a_missing_tool_outranks_everything_else() {
        assert_eq!(Outcome::judge(true, true), Outcome::Infrastructure);
        assert_eq!(Outcome::judge(false, true), Outcome::Done);
        assert_eq!(Outcome::judge(false, false), Outcome::NotDone);
        assert_eq!(
            [Outcome::Done, Outcome::NotDone, Outcome::Infrastructure, Outcome::GraderFailed].map(Outcome::code),
            [0, 1, 3, 4]
        );
    }

    #[test]
    fn a_run_is_done_when_every_exercise_passes() {
        let pass = exercise("a", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        let fail = exercise("b", Status::Fail, vec![test("t", TestStatus::Fail, None)], None);
        let no_browser = GradeError { kind: ErrorKind::Infrastructure, message: "no browser".into() };
        let broken = exercise("c", Status::Error, vec![], Some(no_browser));
        assert_eq!(Outcome::of_exercises(std::slice::from_ref(&pass)), Outcome::Done);
        assert_eq!(Outcome::of_exercises(&[pass.clone(), fail.clone()]), Outcome::NotDone);
        assert_eq!(Outcome::of_exercises(&[fail, broken]), Outcome::Infrastructure);
    }
}
