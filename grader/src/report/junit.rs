//! `--format junit`: JUnit XML as GitHub's and GitLab's test reporters read
//! it — one testsuite per exercise (or milestone), one testcase per test;
//! a failing test is a `<failure>` with its panic message, a test that
//! never ran is an `<error>` with the reason. Tamper findings form a suite
//! of their own. Each suite's `sandbox` property says what confined the
//! submission's builds and tests.

use super::why_not_passed;
use crate::model::{CourseReport, TestStatus};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

pub fn render(report: &CourseReport) -> String {
    let mut junit = Report::new(report.title.as_str());
    junit.set_time(report.duration);
    for exercise in report.graded() {
        let mut suite = TestSuite::new(exercise.name.as_str());
        suite.set_time(exercise.duration);
        // JUnit has no place for the run as a whole: each suite says
        // what confined the code it ran.
        suite.add_property(Property::new("sandbox", report.sandbox.as_str()));
        for test in &exercise.tests {
            let mut status = match test.status {
                TestStatus::Pass => TestCaseStatus::success(),
                TestStatus::Fail | TestStatus::TimedOut => TestCaseStatus::non_success(NonSuccessKind::Failure),
                TestStatus::Ignored => TestCaseStatus::skipped(),
                TestStatus::NotRun => TestCaseStatus::non_success(NonSuccessKind::Error),
            };
            if let Some(why) = why_not_passed(exercise, test) {
                status.set_message(why.lines().next().unwrap_or_default());
                status.set_description(why.as_str());
            }
            let mut case = TestCase::new(test.labelled(), status);
            case.set_classname(exercise.name.as_str());
            // Where the failure points into the student's file, reporters
            // (GitLab, the GitHub JUnit actions) annotate that line.
            if let Some(line) = exercise.line_in_source(test) {
                case.extra.insert("file".into(), exercise.source_file.as_str().into());
                case.extra.insert("line".into(), line.to_string().into());
            }
            if let Some(output) = &test.output {
                case.set_system_out(output.as_str());
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    // Findings are not tests: a suite of their own, with no test cases and
    // one property per flagged file.
    if !report.findings.is_empty() {
        let mut suite = TestSuite::new("findings");
        for finding in &report.findings {
            suite.add_property(Property::new(finding.path.as_str(), finding.message.as_str()));
        }
        junit.add_test_suite(suite);
    }
    junit.to_string().expect("JUnit XML serializes")
}
