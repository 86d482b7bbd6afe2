//! `--format classroom`: the runner result GitHub Classroom's official
//! reporter (`classroom-resources/autograding-grading-reporter`) reads from
//! `<RUNNER>_RESULTS`, base64-encoded: version 1, an overall status, the
//! maximum score, and each test with its status, score, message and code.
//! Every test carries `line_no`, 0 where the failure does not point into
//! the student's file (the reporter prints "line undefined" without one).
//! The reporter sums the tests' scores against `max_score` and writes the
//! two notices Classroom reads — the same totals the grader's own notices
//! carry (`report::github`), since both come from this one model.

use super::why_not_passed;
use crate::model::Sandbox;
use crate::model::{CourseReport, Status, TestStatus};
use serde::Serialize;

#[derive(Serialize)]
struct RunnerResult<'a> {
    version: u32,
    status: &'static str,
    max_score: f64,
    /// Not read by the reporter: what confined the submission's code.
    sandbox: Sandbox,
    tests: Vec<ClassroomTest<'a>>,
}

#[derive(Serialize)]
struct ClassroomTest<'a> {
    name: String,
    status: &'static str,
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    test_code: Option<&'a str>,
    filename: &'a str,
    /// The failing line in the student's file; 0 when the failure points
    /// elsewhere (the reporter prints "line N" for any other value, and
    /// "line undefined" when there is none).
    line_no: u32,
    execution_time: String,
}

pub fn render(report: &CourseReport) -> String {
    let mut tests = Vec::new();
    for exercise in report.graded() {
        for test in &exercise.tests {
            tests.push(ClassroomTest {
                name: format!("{}: {}", exercise.name, test.labelled()),
                status: match test.status {
                    TestStatus::Pass => "pass",
                    TestStatus::Fail | TestStatus::TimedOut | TestStatus::Ignored => "fail",
                    TestStatus::NotRun => "error",
                },
                score: test.points,
                message: why_not_passed(exercise, test),
                test_code: test.code.as_deref(),
                filename: &exercise.source_file,
                line_no: exercise.line_in_source(test).unwrap_or(0),
                execution_time: format!("{:.2}s", exercise.duration.as_secs_f64()),
            });
        }
    }
    let status = if report.graded().all(|e| e.status == Status::Pass) {
        "pass"
    } else if report.graded().all(|e| e.error.is_some()) {
        "error"
    } else {
        "fail"
    };
    let result = RunnerResult { version: 1, status, max_score: report.max_score(), sandbox: report.sandbox, tests };
    serde_json::to_string_pretty(&result).expect("the runner result serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::{course, exercise, test};
    use crate::model::CapstoneStatus;

    /// What the official reporter computes from a runner result.
    fn reporter_totals(result: &serde_json::Value) -> (f64, f64) {
        let total = result["tests"].as_array().unwrap().iter().map(|t| t["score"].as_f64().unwrap()).sum();
        (total, result["max_score"].as_f64().unwrap())
    }

    #[test]
    fn the_reporter_computes_the_grader_s_own_totals() {
        let passing = exercise("a", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        let half = exercise(
            "b",
            Status::Fail,
            vec![test("t1", TestStatus::Pass, None), test("t2", TestStatus::Fail, Some("no"))],
            None,
        );
        let locked = CapstoneStatus::Locked {
            name: "mix".into(),
            title: "mix".into(),
            remaining: 1,
            milestones: vec!["buffer".into()],
            milestone_points: vec![20.0],
        };
        let report = course(vec![passing, half], Some(locked));
        let result: serde_json::Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(reporter_totals(&result), (report.score(), report.max_score()));
        assert_eq!(reporter_totals(&result), (15.0, 40.0), "a locked capstone's points are still to earn");
        assert_eq!(result["status"], "fail");
        assert_eq!(result["tests"][2]["message"], "no");
    }

    #[test]
    fn each_test_names_its_line_in_the_students_file_or_zero() {
        let mut failing = test("t1", TestStatus::Fail, Some("no"));
        failing.location = Some("exercises/b/src/lib.rs:12:5".into());
        let mut elsewhere = test("t2", TestStatus::Fail, Some("no"));
        elsewhere.location = Some("exercises/b/tests/b.rs:40:9".into());
        let report = course(
            vec![exercise("b", Status::Fail, vec![failing, elsewhere, test("t3", TestStatus::Pass, None)], None)],
            None,
        );
        let result: serde_json::Value = serde_json::from_str(&render(&report)).unwrap();
        let lines: Vec<&serde_json::Value> =
            result["tests"].as_array().unwrap().iter().map(|t| &t["line_no"]).collect();
        // The reporter prints "line undefined" for a test without one.
        assert_eq!(lines, [12, 0, 0], "{result:#}");
    }
}
