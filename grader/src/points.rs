//! Points: an exercise's weight from course.toml, shared among its tests by
//! their weights (equal unless `test_weights` says otherwise), earned by the
//! tests that pass. Partial credit is the sum of what the passing tests earn.
//! A demonstration — a test that passes on the shipped stub — weighs
//! nothing: points are for what the student wrote, so an untouched course
//! scores 0.

use crate::manifest::ExerciseEntry;
use crate::model::{total, ExerciseReport, TestStatus};

/// Fills in each test's share and what it earned, and the exercise's total.
pub fn award(report: &mut ExerciseReport, entry: &ExerciseEntry) {
    let all = total(report.tests.iter().map(|t| entry.weight(&t.name)));
    let share = |w: f64| if all > 0.0 { report.max_points * w / all } else { 0.0 };
    for test in &mut report.tests {
        test.max_points = share(entry.weight(&test.name));
        test.points = if test.status == TestStatus::Pass { test.max_points } else { 0.0 };
    }
    // From the weights, not by adding shares: all passing is exactly the maximum.
    let passed = total(report.tests.iter().filter(|t| t.status == TestStatus::Pass).map(|t| entry.weight(&t.name)));
    report.points = share(passed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests::entry;
    use crate::model::{Engine, Status, TestReport};
    use std::time::Duration;

    fn report(tests: &[(&str, TestStatus)]) -> ExerciseReport {
        ExerciseReport {
            name: "e".into(),
            kind: crate::model::Kind::Exercise,
            title: String::new(),
            concept: String::new(),
            hints: Default::default(),
            visibility: Default::default(),
            crate_dir: String::new(),
            source_file: String::new(),
            max_points: 12.0,
            points: 0.0,
            status: Status::Fail,
            error: None,
            tests: tests.iter().map(|(name, status)| TestReport::new(*name, *status)).collect(),
            notes: Vec::new(),
            diagnosis: None,
            engine: Engine::Chrome,
            node_permission: false,
            duration: Duration::ZERO,
            cached: false,
            tool_output: None,
        }
    }

    #[test]
    fn equal_shares_by_default_and_partial_credit() {
        let mut r = report(&[("a", TestStatus::Pass), ("b", TestStatus::Fail), ("c", TestStatus::Pass)]);
        award(&mut r, &entry(""));
        assert_eq!(r.tests.iter().map(|t| t.max_points).collect::<Vec<_>>(), [4.0, 4.0, 4.0]);
        assert_eq!(r.points, 8.0);
    }

    #[test]
    fn weights_shift_the_shares_and_unrun_tests_earn_nothing() {
        let mut r = report(&[("a", TestStatus::Pass), ("b", TestStatus::NotRun), ("c", TestStatus::Ignored)]);
        award(&mut r, &entry("test_weights = { a = 2.0 }"));
        assert_eq!(r.tests.iter().map(|t| t.max_points).collect::<Vec<_>>(), [6.0, 3.0, 3.0]);
        assert_eq!(r.points, 6.0);
    }

    #[test]
    fn no_tests_no_points() {
        let mut r = report(&[]);
        award(&mut r, &entry(""));
        assert_eq!(r.points, 0.0);
    }

    #[test]
    fn nothing_earned_is_zero_never_negative_zero() {
        let mut r = report(&[("a", TestStatus::Fail), ("b", TestStatus::NotRun)]);
        award(&mut r, &entry(""));
        assert_eq!(format!("{:.1}", r.points), "0.0");
        let course = crate::model::fixtures::course(vec![], None);
        assert_eq!(format!("{:.1} of {:.1}", course.score(), course.max_score()), "0.0 of 0.0");
    }

    #[test]
    fn a_demonstration_carries_no_points_and_the_graded_tests_share_them_all() {
        let demonstrated = entry("demonstrations = [\"shown\"]\ntest_weights = { b = 3.0 }");
        let mut untouched = report(&[("shown", TestStatus::Pass), ("a", TestStatus::Fail), ("b", TestStatus::Fail)]);
        award(&mut untouched, &demonstrated);
        assert_eq!(untouched.tests.iter().map(|t| t.max_points).collect::<Vec<_>>(), [0.0, 3.0, 9.0]);
        assert_eq!(untouched.points, 0.0, "what passes on the stub earns nothing");
        let mut done = report(&[("shown", TestStatus::Pass), ("a", TestStatus::Pass), ("b", TestStatus::Pass)]);
        award(&mut done, &demonstrated);
        assert_eq!(done.points, done.max_points, "every graded test passing is the whole exercise");
    }
}
