//! `grader verify` catches what an instructor must not ship: a broken
//! solution, a stub that already passes, and crates that disagree with the
//! manifest.

mod common;

use common::{grader, require, Need, TempCourse};

fn typed_views_course() -> TempCourse {
    TempCourse::new().with_course_exercise("01_typed_views").manifest(&[("typed_views", "01_typed_views")])
}

#[test]
fn a_broken_solution_fails_verify_naming_the_test() {
    require(&[Need::Chromium]);
    let course = typed_views_course();
    let solution = "solutions/01_typed_views/src/lib.rs";
    let source = course.read(solution);
    let broken = source.replacen("copy_from_slice(&value.to_le_bytes())", "copy_from_slice(&value.to_be_bytes())", 1);
    assert_ne!(source, broken, "the fixture edit applies");
    course.write(solution, &broken);

    let run = grader(course.path(), &["verify"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("✗ typed_views: solution (solutions/01_typed_views) must pass every test"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("test i32_is_stored_little_endian failed"), "{}", run.stdout);
    assert!(run.stdout.contains("verify: 1 problem to fix."), "{}", run.stdout);
}

#[test]
fn a_stub_that_already_passes_fails_verify() {
    require(&[Need::Chromium]);
    let course = typed_views_course();
    let solved = course.read("solutions/01_typed_views/src/lib.rs");
    course.write("exercises/01_typed_views/src/lib.rs", &solved);

    let run = grader(course.path(), &["verify"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✓ typed_views: solution passes 9/9 tests"), "{}", run.stdout);
    assert!(
        run.stdout.contains("✗ typed_views: exercise as shipped (exercises/01_typed_views) passes all 9 tests"),
        "{}",
        run.stdout
    );
}

#[test]
fn crates_that_disagree_with_the_manifest_fail_verify_before_any_build() {
    let course = typed_views_course();
    std::fs::remove_file(course.path().join("exercises/01_typed_views/README.md")).unwrap();
    course.write("solutions/01_typed_views/tests/copied.rs", "// a second copy of the tests\n");
    course.write("exercises/02_unlisted/Cargo.toml", "");
    let manifest = course.read("course.toml").replace(
        "hints = [\"hint for typed_views: the idea\", \"hint for typed_views: the code\"]",
        "hints = [\"all at once\"]",
    );
    course.write("course.toml", &manifest);

    let run = grader(course.path(), &["verify", "--no-install"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    for expected in [
        "✗ typed_views: exercises/01_typed_views/README.md is missing",
        "✗ typed_views: has 1 hint tier in course.toml; give at least 2 (the idea, then the code)",
        "✗ typed_views: solutions/01_typed_views/tests has its own test files",
        "✗ course: exercises/02_unlisted is not listed in course.toml",
    ] {
        assert!(run.stdout.contains(expected), "expected {expected:?} in:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("solution passes"), "nothing is graded while the layout is wrong");
}

#[test]
fn a_solution_with_its_own_copy_of_the_tests_fails_verify() {
    let course = typed_views_course();
    let manifest = course.read("solutions/01_typed_views/Cargo.toml");
    course.write(
        "solutions/01_typed_views/Cargo.toml",
        &manifest.replace("../../exercises/01_typed_views/tests/typed_views.rs", "copy/typed_views.rs"),
    );
    course.write(
        "solutions/01_typed_views/copy/typed_views.rs",
        &course.read("exercises/01_typed_views/tests/typed_views.rs"),
    );
    let run = grader(course.path(), &["verify", "--no-install"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout);
    assert!(
        run.stdout.contains("its [[test]] targets must point at the exercise's test files (typed_views.rs), but they point at: typed_views.rs"),
        "{}",
        run.stdout
    );
}
