//! The grader on the course as shipped: what a student sees on a fresh
//! clone, what an instructor's `verify` says, and what happens on a machine
//! without a browser or without wasm-pack.

mod common;

use common::{course_root, grader, grader_with, path_with_only, require, test_target_dir, Need};

#[test]
fn a_fresh_course_reports_typed_views_not_done_with_its_first_failure_and_hint() {
    require(&[Need::Chromium]);
    let run = grader(&course_root(), &[]);
    assert_eq!(run.code(), Some(1), "not done yet is exit 1\n{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(out.contains("Graded in headless Chromium."), "{out}");
    let typed_views = out.lines().find(|l| l.trim_start().starts_with("✗ typed_views")).unwrap_or_default();
    assert_eq!(
        typed_views.split_whitespace().collect::<Vec<_>>(),
        ["✗", "typed_views", "0/9", "tests", "Typed", "views", "over", "linear", "memory"],
        "{out}"
    );
    for later in ["batching", "avoiding_copies", "struct_packing", "grayscale", "profile_first"] {
        assert!(out.contains(&format!("✗ {later:<15}  ")), "{later} is listed, in course order:\n{out}");
    }
    assert!(
        out.contains("typed_views: Arena ptr is its address in linear memory (test arena_ptr_is_its_address_in_linear_memory) failed\n  not yet implemented: return the address of the arena's first byte\n  at exercises/01_typed_views/src/lib.rs:"),
        "the first failing test in file order, with its panic message and no JS stack:\n{out}"
    );
    assert!(!out.contains("RuntimeError") && !out.contains("wasm-function"), "{out}");
    let manifest = grader::manifest::Manifest::load(&course_root()).unwrap();
    assert!(
        out.contains("Stuck? `cargo run -p grader -- hint typed_views` (h in watch) shows a first hint"),
        "a hint is offered:\n{out}"
    );
    for tier in manifest.exercises.iter().chain(&manifest.milestone_entries()).flat_map(|e| &e.hints) {
        let line = tier.trim().lines().next().unwrap();
        assert!(!out.contains(line), "no hint is shown before it is asked for, yet {line:?} is:\n{out}");
    }
    let exercises = manifest.exercises.len();
    assert!(
        out.contains(&format!("0 of {exercises} done — next: typed_views (edit exercises/01_typed_views/src/lib.rs)")),
        "{out}"
    );
    assert!(out.contains("Capstone mix"), "{out}");
    assert!(!out.contains('\x1b'), "no colour when piped:\n{out}");
    assert_eq!(run.survivors(), Vec::<String>::new());
}

#[test]
fn hint_reveals_the_tiers_in_order_and_the_report_remembers_them() {
    require(&[Need::Chromium]);
    let course =
        common::TempCourse::new().with_course_exercise("01_typed_views").manifest(&[("typed_views", "01_typed_views")]);
    let tiers = grader::manifest::Manifest::load(course.path()).unwrap().exercises[0].hints.clone();
    assert!(tiers.len() >= 2, "typed_views has hints in tiers");
    for (number, tier) in tiers.iter().enumerate().map(|(i, t)| (i + 1, t.trim())) {
        let run = grader(course.path(), &["hint", "typed_views"]);
        assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(&format!("Hint {number} of {} for typed_views", tiers.len())), "{}", run.stdout);
        assert!(run.stdout.contains(tier), "tier {number} is shown:\n{}", run.stdout);
        for later in &tiers[number..] {
            assert!(!run.stdout.contains(later.trim()), "tier {number} shows nothing of a later one:\n{}", run.stdout);
        }
    }
    let again = grader(course.path(), &["hint", "typed_views"]);
    assert!(again.stdout.contains("all seen before"), "{}", again.stdout);
    let list = grader(course.path(), &["list"]);
    assert!(
        list.stdout.contains(&format!("hints {0}/{0}", tiers.len())),
        "list shows the tiers seen:\n{}",
        list.stdout
    );
    let report = grader(course.path(), &["run", "typed_views"]);
    assert!(
        report.stdout.contains(&format!(
            "Hint 1 of {} (the idea): {}",
            tiers.len(),
            tiers[0].trim().lines().next().unwrap()
        )),
        "the report shows again what was asked for:\n{}",
        report.stdout
    );
}

#[test]
fn verify_passes_on_the_shipped_course_beside_two_cpu_heavy_processes() {
    require(&[Need::Chromium]);
    // Two busy loops on this 2-core machine, for the whole run: the time
    // limits count the tests, not the tools' start-up, so a reference
    // solution passes however slowly the browser starts.
    let _busy = [Busy::start(), Busy::start()];
    let run = grader(&course_root(), &["verify"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✓ typed_views: solution passes 9/9 tests"), "{}", run.stdout);
    assert!(run.stdout.contains("✓ typed_views: exercise as shipped fails 9/9 tests"), "{}", run.stdout);
    assert_eq!(run.survivors(), Vec::<String>::new());
}

/// What an editor's "Run Test" does (rust-analyzer runs `cargo test` for
/// the wasm32 target the committed settings choose): the runner
/// `.cargo/config.toml` names runs the exercise's tests, here in Node.js.
#[test]
fn cargo_test_for_wasm32_runs_an_exercises_tests_with_the_configured_runner() {
    require(&[Need::Chromium, Need::Node]);
    let mut cargo = std::process::Command::new("cargo");
    cargo
        .current_dir(course_root())
        .args(["test", "-p", "typed_views", "--target", "wasm32-unknown-unknown", "--test", "typed_views"])
        .env("CARGO_TARGET_DIR", test_target_dir())
        .env_remove("WASM_BINDGEN_USE_BROWSER")
        .env_remove("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER");
    let run = grader::process::run_limited(cargo, std::time::Duration::from_secs(900)).unwrap();
    // The stub's tests ran, and fail as shipped.
    assert!(run.stdout.contains("running 9 tests"), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("test result: FAILED. 0 passed; 9 failed"), "{}\n{}", run.stdout, run.stderr);
    assert!(!run.success(), "a failing test fails the command:\n{}", run.stderr);
}

/// `run NAME --debug` serves the exercise's tests for a browser the student
/// opens: the printed address, opened in (headless) Chromium, runs them
/// with their output on the page; Ctrl-C stops the server and its runner.
#[test]
fn run_debug_serves_the_tests_to_a_browser_the_student_opens() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    require(&[Need::Chromium]);
    let tag = format!("debug-{}", std::process::id());
    let mut grader = std::process::Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["--course"])
        .arg(course_root())
        .args(["run", "typed_views", "--debug"])
        .env("CARGO_TARGET_DIR", test_target_dir())
        .env("GRADER_TEST_TAG", &tag)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let (sender, said) = std::sync::mpsc::channel();
    let stdout = grader.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let address = loop {
        let line = said.recv_timeout(std::time::Duration::from_secs(600)).expect("an address within 10 minutes");
        if let Some(at) = line.strip_prefix("The tests are served at ") {
            break at.to_string();
        }
    };
    let browser = ["chromium", "google-chrome", "chrome"]
        .into_iter()
        .find(|name| grader::process::find_on_path(name).is_some())
        .expect("the Chromium that require() found");
    let mut page = std::process::Command::new(browser);
    page.args(["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom"])
        .arg(&address);
    let opened = grader::process::run_limited(page, std::time::Duration::from_secs(120)).unwrap();
    // SIGINT, as Ctrl-C in the student's terminal.
    unsafe { libc::kill(-(grader.id() as i32), libc::SIGINT) };
    let stopped = grader.wait().unwrap();
    assert!(opened.stdout.contains("running 9 tests"), "the page ran the tests:\n{}", opened.stdout);
    assert!(opened.stdout.contains("test result: FAILED. 0 passed; 9 failed"), "{}", opened.stdout);
    assert!(!stopped.success(), "Ctrl-C stopped it");
    let needle = format!("GRADER_TEST_TAG={tag}\0");
    assert_eq!(grader::process::processes_with(needle.as_bytes()), Vec::<i32>::new(), "the runner outlived it");
}

/// A process that keeps one core busy until it is dropped.
struct Busy(std::process::Child);

impl Busy {
    fn start() -> Busy {
        use std::os::unix::process::CommandExt;
        let child = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .process_group(0)
            .spawn()
            .expect("sh starts");
        Busy(child)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A PATH holding only the named tools (found on the real PATH).
#[test]
fn without_a_browser_the_grader_says_so_and_grades_in_node() {
    require(&[Need::Node]);
    let bin = path_with_only(&["cargo", "rustc", "wasm-bindgen", "wasm-bindgen-test-runner", "node"]);
    let run = grader_with(&course_root(), &[], |c| {
        c.env("PATH", bin.path()).env_remove("CHROMEDRIVER");
    });
    assert_eq!(run.code(), Some(3), "grayscale needs a browser: exit 3\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✗ grayscale        needs a browser"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "note: No browser found (chromium + chromedriver, or firefox + geckodriver), so the tests run in Node.js."
        ),
        "{}",
        run.stdout
    );
    // The commands for this system (this machine and CI are Debian).
    if std::fs::read_to_string("/etc/os-release").unwrap_or_default().lines().any(|l| l == "ID=debian") {
        assert!(run.stdout.contains("sudo apt-get install chromium chromium-driver"), "{}", run.stdout);
    }
    assert!(run.stdout.contains("Graded in Node.js."), "{}", run.stdout);
    assert!(run.stdout.contains("✗ typed_views      0/9 tests"), "{}", run.stdout);
}

#[test]
fn ubuntus_chromium_snap_and_its_chromium_chromedriver_are_found() {
    require(&[Need::Chromium]);
    let bin = path_with_only(&["cargo", "rustc", "wasm-bindgen", "wasm-bindgen-test-runner", "chromium"]);
    let chromedriver = grader::process::find_on_path("chromedriver").unwrap();
    std::os::unix::fs::symlink(chromedriver, bin.path().join("chromium.chromedriver")).unwrap();
    let run = grader_with(&course_root(), &["run", "struct_packing"], |c| {
        c.env("PATH", bin.path()).env_remove("CHROMEDRIVER");
    });
    assert!(run.stdout.contains("Graded in headless Chromium"), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("struct_packing  1/6 tests"), "{}", run.stdout);
}

#[test]
fn firefox_grades_when_asked_browser_suites_included() {
    require(&[Need::Firefox]);
    // grayscale's suite needs a browser (a canvas round trip): it must run
    // in Firefox, not be skipped.
    let run = grader(&course_root(), &["--runner", "firefox", "run", "grayscale", "--solution"]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Graded in headless Firefox"), "{}", run.stdout);
    let tests = grader::discover::declared_test_names(
        &std::fs::read_to_string(course_root().join("exercises/07_grayscale/tests/grayscale.rs")).unwrap(),
    )
    .len();
    assert!(run.stdout.contains(&format!("✓ grayscale  {tests}/{tests} tests")), "{}", run.stdout);
    assert!(run.survivors().is_empty(), "no Firefox left behind: {:?}", run.survivors());
}

#[test]
fn asking_for_firefox_without_geckodriver_says_how_to_install_it() {
    require(&[Need::Firefox]);
    let bin = path_with_only(&["wasm-bindgen", "wasm-bindgen-test-runner", "node", "firefox"]);
    let run = grader_with(&course_root(), &["--runner", "firefox"], |c| {
        c.env("PATH", bin.path()).env("CARGO_HOME", bin.path()).env_remove("GECKODRIVER");
    });
    assert_eq!(run.code(), Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("--runner firefox needs Firefox and geckodriver"), "{}", run.stderr);
    assert!(run.stderr.contains("cargo install geckodriver"), "{}", run.stderr);
}

#[test]
fn asking_for_chrome_without_a_browser_is_an_infrastructure_error() {
    require(&[Need::Node]);
    let bin = path_with_only(&["wasm-bindgen", "wasm-bindgen-test-runner", "node"]);
    let run = grader_with(&course_root(), &["--runner", "chrome"], |c| {
        c.env("PATH", bin.path()).env_remove("CHROMEDRIVER");
    });
    assert_eq!(run.code(), Some(3), "a missing browser has its own exit status\n{}", run.stderr);
    assert!(run.stderr.contains("no headless browser found"), "{}", run.stderr);
    assert!(run.stderr.contains("apt-get install chromium chromium-driver"), "{}", run.stderr);
}

#[test]
fn a_missing_or_other_wasm_bindgen_is_named_with_the_command_that_installs_the_pinned_one() {
    let pinned = grader::tools::pinned_wasm_bindgen(&course_root()).unwrap();
    let install = format!("cargo install wasm-bindgen-cli --version ={pinned} --force --no-default-features --locked");
    for found in [None, Some("0.0.1")] {
        let bin = path_with_only(&["node"]);
        if let Some(version) = found {
            fake_program(bin.path(), "wasm-bindgen", &format!("echo wasm-bindgen {version}"));
            fake_program(bin.path(), "wasm-bindgen-test-runner", "exit 0");
        }
        let run = grader_with(&course_root(), &["--no-install"], |c| {
            c.env("PATH", bin.path()).env("CARGO_HOME", bin.path());
        });
        assert_eq!(run.code(), Some(3), "{found:?}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("wasm-bindgen {pinned} (the version pinned")), "{}", run.stderr);
        assert!(run.stderr.contains(&install), "{found:?}: {}", run.stderr);
    }
}

#[test]
fn a_wasm_bindgen_without_its_test_runner_is_a_broken_install_not_a_grade() {
    let pinned = grader::tools::pinned_wasm_bindgen(&course_root()).unwrap();
    let bin = path_with_only(&["node"]);
    fake_program(bin.path(), "wasm-bindgen", &format!("echo wasm-bindgen {pinned}"));
    let run = grader_with(&course_root(), &["--no-install", "--format", "json"], |c| {
        c.env("PATH", bin.path()).env("CARGO_HOME", bin.path());
    });
    assert_eq!(run.code(), Some(3), "{}", run.stderr);
    assert!(run.stderr.contains("has no wasm-bindgen-test-runner beside it"), "{}", run.stderr);
    assert!(run.stderr.contains("cargo install wasm-bindgen-cli"), "{}", run.stderr);
}

/// A shell script named `name` in `dir` that runs `body`.
fn fake_program(dir: &std::path::Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(dir.join(name), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

#[test]
fn when_every_exercise_passes_the_capstone_is_graded_milestone_by_milestone() {
    require(&[Need::Chromium]);
    let course = common::TempCourse::new()
        .with_course_exercise("01_typed_views")
        .with_capstone()
        .manifest(&[("typed_views", "01_typed_views")]);
    let capstone = grader::manifest::Manifest::load(course.path()).unwrap().capstone.unwrap();
    let titles: Vec<&str> = capstone.milestones.iter().map(|m| m.title.as_str()).collect();
    let locked = grader(course.path(), &[]);
    assert!(
        locked.stdout.contains(&format!(
            "Capstone mix (a text-editor core in WebAssembly): unlocks when every exercise passes (one to go). Milestones: {}.",
            titles.join("; ")
        )),
        "{}",
        locked.stdout
    );
    assert!(!locked.stdout.contains("mix/"), "a locked capstone is announced, not graded:\n{}", locked.stdout);

    course.write("exercises/01_typed_views/src/lib.rs", &course.read("solutions/01_typed_views/src/lib.rs"));
    let run = grader(course.path(), &[]);
    // Columns are aligned to the longest name: compare with runs of spaces squeezed.
    let out = &run.stdout.split(' ').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ");
    assert_eq!(run.code(), Some(1), "the capstone's stubs fail\n{out}\n{}", run.stderr);
    assert!(out.contains("✓ typed_views 9/9 tests"), "{out}");
    for milestone in &capstone.milestones {
        let tests =
            grader::discover::declared_test_names(&course.read(&format!("mix/tests/{}.rs", milestone.name))).len();
        let row = format!("✗ mix/{} 0/{tests} tests {}", milestone.name, milestone.title);
        assert!(out.contains(&row), "every milestone graded, its stubs failing: {row:?} in\n{out}");
    }
    let first = &capstone.milestones[0].name;
    assert!(
        out.contains(&format!("mix/{first}: ")) && out.contains("(test "),
        "the first milestone's first failure is shown:\n{out}"
    );
    assert!(out.contains("not yet implemented"), "{out}");
    assert!(out.contains(&format!("1 of 1 done — next: mix/{first} (edit mix/src/lib.rs)")), "{out}");
    assert!(
        out.contains(&format!(
            "Capstone mix (a text-editor core in WebAssembly): 0 of {} milestones pass.",
            titles.len()
        )),
        "{out}"
    );
}
