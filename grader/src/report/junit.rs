//! `--format junit`: JUnit XML as GitHub's and GitLab's test reporters read
//! it — one testsuite per exercise (or milestone), one testcase per test;
//! a failing test is a `<failure>` with its panic message, a test that
//! never ran is an `<error>` with the reason. Tamper findings form a suite
//! of their own.

use super::why_not_passed;
use crate::model::{CourseReport, TestStatus};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

pub fn render(report: &CourseReport) -> String {
    let mut junit = Report::new(report.title.as_str());
    junit.set_time(report.duration);
    for exercise in report.graded() {
        let mut suite = TestSuite::new(exercise.name.as_str());
        suite.set_time(exercise.duration);
        for test in &exercise.tests {
            let mut status = match test.status {
                TestStatus::Pass => TestCaseStatus::success(),
                TestStatus::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
                TestStatus::Ignored => TestCaseStatus::skipped(),
                TestStatus::NotRun => TestCaseStatus::non_success(NonSuccessKind::Error),
            };
            if let Some(why) = why_not_passed(exercise, test) {
                status.set_message(why.lines().next().unwrap_or_default());
                status.set_description(why.as_str());
            }
            let mut case = TestCase::new(test.name.as_str(), status);
            case.set_classname(exercise.name.as_str());
            if let Some(output) = &test.output {
                case.set_system_out(output.as_str());
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    if !report.findings.is_empty() {
        let mut suite = TestSuite::new("integrity");
        for finding in &report.findings {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(finding.message.as_str());
            let mut case = TestCase::new(finding.path.as_str(), status);
            case.set_classname("integrity");
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().expect("JUnit XML serializes")
}
