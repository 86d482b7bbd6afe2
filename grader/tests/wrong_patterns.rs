//! The course teaches patterns, so its tests must tell a right answer
//! computed the slow way from the real thing. Each fixture in
//! `tests/fixtures/wrong_patterns/` is a complete `src/lib.rs` that returns
//! correct results with the wrong pattern; graded in place of the student's
//! file, exactly its pattern tests must fail and every other test pass.

mod common;

use common::{grader, require_tools, TempCourse};
use std::collections::BTreeSet;

fn grade_wrong_pattern(dir: &str, name: &str, expected_failures: &[&str]) {
    require_tools();
    let course = TempCourse::new().with_course_exercise(dir).manifest(&[(name, dir)]);
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wrong_patterns")
        .join(format!("{dir}.rs"));
    let source = std::fs::read_to_string(&fixture).expect("the fixture exists");
    course.write(&format!("exercises/{dir}/src/lib.rs"), &source);

    let run = grader(course.path(), &["run", name]);
    assert_eq!(run.code(), Some(1), "the wrong pattern must not pass\n{}\n{}", run.stdout, run.stderr);
    let tests_marked = |mark: &str| -> BTreeSet<String> {
        run.stdout
            .lines()
            .filter_map(|line| line.strip_prefix(&format!("  {mark} ")))
            .filter(|rest| !rest.contains(' '))
            .map(str::to_string)
            .collect()
    };
    let failed = tests_marked("✗");
    let passed = tests_marked("✓");
    let expected: BTreeSet<String> = expected_failures.iter().map(|s| s.to_string()).collect();
    assert_eq!(failed, expected, "exactly the pattern tests must fail\n{}", run.stdout);
    assert!(!passed.is_empty(), "the correctness tests must pass: the fixture's answers are right\n{}", run.stdout);
}
