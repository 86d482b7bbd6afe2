//! Exercises that do not compile or never finish: each is reported as an
//! error, within its time limit, the rest of the course is still graded, and
//! no browser is left running.

mod common;

use common::{grader, require, Need, TempCourse};
use std::process::Command;
use std::time::{Duration, Instant};

fn course_with_trouble() -> TempCourse {
    let course = TempCourse::new()
        .with_fixture_exercise("broken", "01_broken")
        .with_fixture_exercise("spins", "02_spins")
        .with_course_exercise_as("01_typed_views", "03_typed_views")
        .manifest(&[("broken", "01_broken"), ("spins", "02_spins"), ("typed_views", "03_typed_views")]);
    // The third exercise is solved, so a pass after two errors shows that
    // grading went on.
    let solved = course.read("solutions/03_typed_views/src/lib.rs");
    course.write("exercises/03_typed_views/src/lib.rs", &solved);
    course
}

#[test]
fn a_broken_and_a_looping_exercise_fail_and_the_others_are_still_graded() {
    require(&[Need::Chromium]);
    let course = course_with_trouble();
    let run = grader(course.path(), &["--timeout", "10"]);
    let out = &run.stdout;
    assert_eq!(run.code(), Some(1), "{out}\n{}", run.stderr);
    assert!(out.contains("✗ broken       does not compile"), "{out}");
    // The looping test is narrowed to itself: the other test of its binary
    // still passes.
    assert!(out.contains("✗ spins        1/2 tests"), "{out}");
    assert!(out.contains("✓ typed_views  9/9 tests"), "{out}");
    assert!(
        out.contains("broken: does not compile:\n  error[E0308]: mismatched types"),
        "the first compiler error:\n{out}"
    );
    assert!(out.contains("1 of 3 done — next: broken"), "{out}");
    assert_eq!(run.survivors(), Vec::<String>::new(), "the grader left processes behind");
}

#[test]
fn a_looping_test_in_chromium_is_stopped_at_its_limit_with_its_browser() {
    a_looping_test_in_a_browser_is_stopped("chrome", "headless Chromium");
}

#[test]
fn a_looping_test_in_firefox_is_stopped_at_its_limit_with_its_browser() {
    a_looping_test_in_a_browser_is_stopped("firefox", "headless Firefox");
}

/// A test that never ends, in this runner: stopped at a 5 s limit, then run
/// alone and stopped again, while the other test of its binary passes; no
/// browser or WebDriver process and nothing in the temporary directory left.
fn a_looping_test_in_a_browser_is_stopped(runner: &str, engine: &str) {
    require(&[if runner == "firefox" { Need::Firefox } else { Need::Chromium }]);
    let course = course_with_trouble();
    let leftovers_before = common::temporary_leftovers();
    // Build first, so the measured run is the test phase.
    grader(course.path(), &["run", "spins", "--runner", runner, "--timeout", "1"]);
    let started = Instant::now();
    let run = grader(course.path(), &["run", "spins", "--runner", runner, "--timeout", "5"]);
    let elapsed = started.elapsed();
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Never finishes (never_finishes)\n      did not finish within 5 s, even run alone"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("✓ Finishes quickly (finishes_quickly)"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("Graded in {engine}")), "{}", run.stdout);
    // The limit twice (with the other test, then alone) and two browsers'
    // start-up: nowhere near the old whole-binary minute.
    assert!(elapsed < Duration::from_secs(30), "a 5 s limit took {elapsed:?}");
    assert_eq!(run.survivors(), Vec::<String>::new(), "the browser or its WebDriver survived in {engine}");
    let left: Vec<_> = common::temporary_leftovers().difference(&leftovers_before).cloned().collect();
    assert!(left.is_empty(), "the killed browser left files in the temporary directory ({engine}): {left:?}");
}

#[test]
fn a_looping_test_in_node_is_stopped_too() {
    require(&[Need::Node]);
    let course = course_with_trouble();
    // Node.js has no timeout of its own: only the grader's limit stops it.
    let run = grader(course.path(), &["run", "spins", "--runner", "node", "--timeout", "5"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("did not finish within 5 s, even run alone"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ Finishes quickly (finishes_quickly)"), "{}", run.stdout);
    assert!(run.stdout.contains("Graded in Node.js"), "{}", run.stdout);
    assert_eq!(run.survivors(), Vec::<String>::new(), "node survived");
}

#[test]
fn a_suite_that_runs_nothing_or_is_skipped_for_its_engine_is_never_a_pass() {
    require(&[Need::Chromium, Need::Node]);
    // browser_only's manifest entry says "any", but its suite is configured
    // for the browser: under Node.js the runner skips it and exits 0.
    let course = TempCourse::new()
        .with_fixture_exercise("empty", "01_empty")
        .with_fixture_exercise("browser_only", "02_browser_only")
        .manifest(&[("empty", "01_empty"), ("browser_only", "02_browser_only")]);
    let run = grader(course.path(), &["--runner", "node"]);
    let out = &run.stdout;
    assert!(out.contains("✗ empty         ran no tests"), "{out}");
    assert!(out.contains("✗ browser_only  needs a browser"), "{out}");
    assert!(out.contains("0 of 2 done"), "{out}");
    assert_eq!(run.code(), Some(3), "a suite that needs a browser it cannot have is an infrastructure error\n{out}");

    let run = grader(course.path(), &["run", "browser_only", "--runner", "chrome"]);
    assert_eq!(run.code(), Some(0), "in Chromium the same suite runs and passes\n{}", run.stdout);
}

#[test]
fn an_interrupted_grader_leaves_no_browser_behind() {
    require(&[Need::Chromium]);
    let course = course_with_trouble();
    grader(course.path(), &["run", "spins", "--timeout", "1"]); // build first
    let leftovers_before = common::temporary_leftovers();
    let tag = format!("interrupt-{}", std::process::id());
    let mut child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["--course"])
        .arg(course.path())
        .args(["run", "spins", "--timeout", "120"])
        .env("CARGO_TARGET_DIR", common::test_target_dir())
        .env("GRADER_TEST_TAG", &tag)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let needle = format!("GRADER_TEST_TAG={tag}\0");
    let browser_started = Instant::now();
    loop {
        let running: Vec<String> = grader::process::processes_with(needle.as_bytes())
            .into_iter()
            .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
            .collect();
        if running.iter().any(|name| name.starts_with("chrom")) {
            break;
        }
        assert!(browser_started.elapsed() < Duration::from_secs(60), "chromium never started: {running:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(1));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(grader::process::processes_with(needle.as_bytes()), Vec::<i32>::new(), "processes survived Ctrl-C");
    let left: Vec<_> = common::temporary_leftovers().difference(&leftovers_before).cloned().collect();
    assert!(left.is_empty(), "an interrupted run left files in the temporary directory: {left:?}");
}

/// A course.toml whose `editable` glob cannot be read is refused by every
/// command as it opens the course — never taken for "no file is editable",
/// which would turn off the checks built on it — with the glob named.
#[test]
fn an_invalid_editable_glob_is_refused_by_every_command_with_the_glob_named() {
    let course =
        TempCourse::new().with_course_exercise("01_typed_views").manifest(&[("typed_views", "01_typed_views")]);
    let manifest = course.read("course.toml");
    course.write(
        "course.toml",
        &manifest.replacen("dir = \"01_typed_views\"\n", "dir = \"01_typed_views\"\neditable = [\"src/[\"]\n", 1),
    );
    let commands: [&[&str]; 10] = [
        &["verify"],
        &["check", "--format", "json"],
        &["list"],
        &["hint"],
        &["hint", "typed_views"],
        &["run", "typed_views"],
        &["watch"],
        &["grade", "--format", "json"],
        &["reset", "typed_views"],
        &["seal"],
    ];
    for args in commands {
        let run = grader(course.path(), args);
        assert_eq!(run.code(), Some(4), "{args:?}: {}\n{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("exercise `typed_views`: editable `src/[` is not a valid glob"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `hint` with no name answers from what is known, on a machine with none
/// of the tools: nothing installed, built or graded to print a hint.
#[test]
fn a_hint_needs_no_tools_and_installs_nothing() {
    let course = TempCourse::new()
        .with_course_exercise("01_typed_views")
        .with_course_exercise("06_struct_packing")
        .manifest(&[("typed_views", "01_typed_views"), ("struct_packing", "06_struct_packing")]);
    let empty = common::path_with_only(&[]);
    let run = common::grader_with(course.path(), &["hint"], |command| {
        command.env("PATH", empty.path()).stdin(std::process::Stdio::null());
    });
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("hint for typed_views: the idea"), "{}", run.stdout);
    let said = format!("{}{}", run.stdout, run.stderr);
    for never in ["install", "compiling", "wasm-bindgen"] {
        assert!(!said.contains(never), "{never}: {said}");
    }
    assert!(!course.path().join("target").exists(), "nothing was built");
}
