//! The student's loop: `watch` driven for real in a terminal under tmux
//! (a saved edit grades the exercise again and the screen shows it), and
//! `reset`/`restore`, which must never lose a student's work.

mod common;

use common::{grader, require, test_target_dir, Need, TempCourse};
use grader::process::processes_with;
use std::process::Command;
use std::time::{Duration, Instant};

/// A two-exercise course, sealed as an instructor ships it.
fn sealed_course() -> TempCourse {
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .with_course_exercise("01_typed_views")
        .manifest(&[("struct_packing", "06_struct_packing"), ("typed_views", "01_typed_views")]);
    let seal = grader(course.path(), &["seal"]);
    assert_eq!(seal.code(), Some(0), "{}", seal.stderr);
    course
}

#[test]
fn reset_then_restore_gives_back_the_students_file_byte_for_byte() {
    let course = sealed_course();
    let shipped = course.read("exercises/06_struct_packing/src/lib.rs");
    let mine = format!("{shipped}\n// my work, with a non-ASCII note: été ✓\n");
    course.write("exercises/06_struct_packing/src/lib.rs", &mine);
    let solution_before = course.read("solutions/06_struct_packing/src/lib.rs");

    let reset = grader(course.path(), &["reset", "struct_packing"]);
    assert_eq!(
        reset.code(),
        Some(0),
        "no terminal: no question, the files are saved first\n{}{}",
        reset.stdout,
        reset.stderr
    );
    assert!(reset.stdout.contains("Saved your files in .grader/backups/"), "{}", reset.stdout);
    assert_eq!(course.read("exercises/06_struct_packing/src/lib.rs"), shipped, "reset restores the shipped stub");

    let restore = grader(course.path(), &["restore"]);
    assert_eq!(restore.code(), Some(0), "{}{}", restore.stdout, restore.stderr);
    assert_eq!(course.read("exercises/06_struct_packing/src/lib.rs").as_bytes(), mine.as_bytes(), "byte for byte");
    assert_eq!(course.read("solutions/06_struct_packing/src/lib.rs"), solution_before, "solutions are never touched");
}

#[test]
fn reset_all_saves_every_exercise_first() {
    let course = sealed_course();
    for dir in ["06_struct_packing", "01_typed_views"] {
        let path = format!("exercises/{dir}/src/lib.rs");
        let edited = format!("{}\n// edited {dir}\n", course.read(&path));
        course.write(&path, &edited);
    }
    let reset = grader(course.path(), &["reset", "--all", "--yes"]);
    assert_eq!(reset.code(), Some(0), "{}{}", reset.stdout, reset.stderr);
    let backups: Vec<_> =
        std::fs::read_dir(course.path().join(".grader/backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1, "one backup for the whole reset");
    for dir in ["06_struct_packing", "01_typed_views"] {
        let saved = std::fs::read_to_string(backups[0].join(format!("exercises/{dir}/src/lib.rs"))).unwrap();
        assert!(saved.ends_with(&format!("// edited {dir}\n")), "{dir} was saved before the reset");
        assert!(!course.read(&format!("exercises/{dir}/src/lib.rs")).contains("// edited"), "{dir} was reset");
    }
    let unknown = grader(course.path(), &["restore", "no-such-backup"]);
    assert_eq!(unknown.code(), Some(4), "the grader could not do what was asked");
    assert!(unknown.stderr.contains("no backup named no-such-backup"), "{}", unknown.stderr);
}

/// A tmux session running the grader, killed when dropped.
struct Terminal {
    session: String,
}

impl Terminal {
    fn start(name: &str, command: &str) -> Terminal {
        let session = format!("grader-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &session, "-x", "160", "-y", "60", command])
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success());
        Terminal { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-J", "-S", "-200", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, seconds: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(Instant::now() < deadline, "waited {seconds} s for {what:?}; the screen shows:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Everything the pane showed since it started: each draw clears the
    /// screen, which tmux keeps in its history.
    fn history(&self) -> String {
        let out =
            Command::new("tmux").args(["capture-pane", "-p", "-J", "-S", "-", "-t", &self.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// How many times watch has drawn its screen.
    fn draws(&self) -> usize {
        self.history().matches(KEYS).count()
    }

    /// The last screen watch drew, from its first line to its keys.
    fn last_draw(&self) -> String {
        let history = self.history();
        let end = history.rfind(KEYS).expect("a screen was drawn");
        let start = history[..end].rfind("keys: h hint").map_or(0, |previous| previous + KEYS.len());
        history[start..end].to_string()
    }

    fn keys(&self, keys: &str) {
        // No Enter: a key acts as soon as it is pressed.
        Command::new("tmux").args(["send-keys", "-t", &self.session, keys]).status().unwrap();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.session]).status();
    }
}

/// Runs `grader watch` on the course, then prints its exit status and the
/// terminal's line-discipline flags (`terminal: icanon echo` when restored).
/// The shell traps Ctrl-C so that it lives on to print them.
fn watch_command(course: &TempCourse) -> String {
    watch_command_with(course, "")
}

fn watch_command_with(course: &TempCourse, options: &str) -> String {
    tagged_watch_command(course, options, "untagged")
}

/// The command, with every process the grader starts carrying
/// `GRADER_TEST_TAG=tag`, so that a test can prove none outlived it.
fn tagged_watch_command(course: &TempCourse, options: &str, tag: &str) -> String {
    format!(
        "trap : INT; env CARGO_TARGET_DIR={} GRADER_TEST_TAG={tag} {} --course {} watch {options}; echo \"grader exited $?\"; \
         echo \"terminal: $(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' ')\"; sleep 30",
        test_target_dir().display(),
        env!("CARGO_BIN_EXE_grader"),
        course.path().display()
    )
}

#[test]
fn watch_grades_a_saved_edit_again_and_shows_the_new_result() {
    require(&[Need::Chromium, Need::Tmux]);
    let course = sealed_course();
    let terminal = Terminal::start("watch", &watch_command(&course));
    // Said at once, before the first (possibly minute-long) build.
    terminal.wait_for("Grading the course to find where you are", 5);
    let first = terminal.wait_for("keys: h hint", 240);
    assert!(first.contains("struct_packing  1/6 tests"), "starts at the first unfinished exercise:\n{first}");
    assert!(first.contains("[-----"), "a progress bar of the course:\n{first}");

    terminal.keys("h");
    terminal.wait_for("hint for struct_packing: the idea", 10);

    // The student saves a solution: graded again without a key press.
    course.write("exercises/06_struct_packing/src/lib.rs", &course.read("solutions/06_struct_packing/src/lib.rs"));
    terminal.wait_for("✓ struct_packing passes!", 120);
    std::thread::sleep(Duration::from_millis(500));
    let passed = terminal.screen();
    assert!(passed.contains("struct_packing  6/6 tests"), "{passed}");
    assert!(
        !passed.contains("running the tests…") && !passed.contains("compiling for wasm32"),
        "no spinner outlives the grading:\n{passed}"
    );
    assert!(passed.contains("1/2 done (exercises 1/2"), "the progress bar moved:\n{passed}");

    terminal.keys("n");
    terminal.wait_for("typed_views  0/9 tests", 30);
    terminal.keys("l");
    terminal.wait_for("→ typed_views", 10);
    terminal.keys("q");
    terminal.wait_for("grader exited 0", 10);
    terminal.wait_for("terminal: icanon echo", 10);

    // Files not watched (--manual): the next exercise, edited meanwhile, is
    // shown as it is on disk now, not as it was when watch started.
    let manual = Terminal::start("manual", &watch_command_with(&course, "--manual"));
    manual.wait_for("keys: h hint", 60);
    let broken = course.read("exercises/01_typed_views/src/lib.rs") + "\nfn broken( {\n";
    course.write("exercises/01_typed_views/src/lib.rs", &broken);
    manual.keys("n");
    let next = manual.wait_for("typed_views  does not compile", 60);
    // The pane keeps what a clear pushed off the screen: read the last draw.
    let latest = next.lines().rfind(|line| line.trim_start().starts_with("✗ typed_views")).unwrap_or_default();
    assert!(latest.contains("does not compile"), "a stale result ({latest:?}):\n{next}");
    manual.keys("q");
    manual.wait_for("grader exited 0", 10);

    // Interrupted instead: the Ctrl-C handler puts the terminal back too.
    let interrupted = Terminal::start("interrupted", &watch_command(&course));
    interrupted.wait_for("keys: h hint", 60);
    Command::new("tmux").args(["send-keys", "-t", &interrupted.session, "C-c"]).status().unwrap();
    interrupted.wait_for("grader exited 130", 10);
    interrupted.wait_for("terminal: icanon echo", 10);
}

/// The line that ends every screen watch draws.
const KEYS: &str =
    "keys: h hint · l list · n next · r run again · d debug in a browser · p the course as a page · q quit";

/// A course of the capstone alone, with its first two milestones.
fn capstone_course() -> TempCourse {
    let course = TempCourse::new().with_capstone().manifest(&[]);
    let manifest = course.read("course.toml");
    let third = manifest.match_indices("[[capstone.milestone]]").nth(2).expect("the capstone has milestones").0;
    course.write("course.toml", &manifest[..third]);
    course
}

/// On the capstone, whose milestones share one crate: a save grades the
/// milestone on the screen again, even once it passes (only n moves on);
/// an editor's two writes of one save are one run; l answers at once from
/// what is known, marking the milestone whose files changed since; a
/// result from the cache says so; q stops a grade under way at once and
/// leaves no process behind.
#[test]
fn watch_keeps_its_place_answers_at_once_and_quits_mid_grade() {
    require(&[Need::Chromium, Need::Tmux]);
    let course = capstone_course();
    let tag = format!("student-loop-{}", std::process::id());
    let terminal = Terminal::start("capstone", &tagged_watch_command(&course, "", &tag));
    let first = terminal.wait_for(KEYS, 400);
    assert!(first.contains("✗ mix/pieces"), "starts at the first milestone:\n{first}");

    let solution = course.path().join("solutions/mix/src");
    for file in std::fs::read_dir(&solution).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, course.path().join("mix/src").join(file.file_name().unwrap())).unwrap();
    }
    terminal.wait_for("✓ mix/pieces passes! Press n for the next one.", 300);
    std::thread::sleep(Duration::from_secs(2));
    let before = terminal.draws();

    // One save, written in two steps with a pause longer than the
    // watcher's debounce: the second arrives while the first is graded.
    let tidied = course.read("mix/src/lib.rs") + "\n// tidied\n";
    course.write("mix/src/lib.rs", &tidied);
    std::thread::sleep(Duration::from_millis(700));
    course.write("mix/src/lib.rs", &tidied);
    let deadline = Instant::now() + Duration::from_secs(300);
    while terminal.draws() == before {
        assert!(Instant::now() < deadline, "the save was never graded:\n{}", terminal.screen());
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(terminal.draws(), before + 1, "one save, one run:\n{}", terminal.history());
    let graded = terminal.last_draw();
    assert!(graded.contains("✓ mix/pieces passes!"), "a save never moves on to mix/lines:\n{graded}");

    // l at once, from what is known: lines was graded before the edits.
    let asked = Instant::now();
    terminal.keys("l");
    let listed = terminal.wait_for("(edited): changed since it was graded", 10);
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(3), "l took {took:?}");
    let row = |name: &str| listed.lines().rfind(|line| line.contains(name)).unwrap_or_default().to_string();
    assert!(row("mix/lines").contains("(edited)"), "{listed}");
    assert!(row("→ mix/pieces").contains("done") && !row("→ mix/pieces").contains("(edited)"), "{listed}");

    // Nothing changed since: r's result comes from the cache, and says so.
    // (Its own draw: the text may be on the screen already, from the first.)
    let drawn = terminal.draws();
    terminal.keys("r");
    let deadline = Instant::now() + Duration::from_secs(60);
    while terminal.draws() == drawn {
        assert!(Instant::now() < deadline, "r drew nothing:\n{}", terminal.screen());
        std::thread::sleep(Duration::from_millis(200));
    }
    let cached = terminal.last_draw();
    assert!(cached.contains("from the cache: nothing changed since that run"), "r graded again:\n{cached}");
    assert!(!cached.contains("headless Chromium in "), "a cached run's time as if just taken:\n{cached}");

    // q while the tests run: stopped there and then, the browser with them.
    course.write("mix/src/lib.rs", &(tidied + "// again\n"));
    terminal.wait_for("mix/pieces: starting the browser and running the tests", 300);
    let pressed = Instant::now();
    terminal.keys("q");
    let quit = terminal.wait_for("grader exited 0", 10);
    let took = pressed.elapsed();
    assert!(took < Duration::from_secs(3), "q took {took:?} to stop the grade:\n{quit}");
    assert!(quit.contains("q: stopped grading"), "{quit}");
    terminal.wait_for("terminal: icanon echo", 10);
    let survivors = processes_with(format!("GRADER_TEST_TAG={tag}\0").as_bytes());
    assert!(survivors.is_empty(), "left running after q: {survivors:?}");
}

#[test]
fn run_verbose_shows_what_the_runner_printed_even_when_cached() {
    require(&[Need::Chromium]);
    let course = sealed_course();
    let plain = grader(course.path(), &["run", "struct_packing"]);
    assert!(!plain.stdout.contains("What cargo and the test runner printed"), "{}", plain.stdout);
    let verbose = grader(course.path(), &["run", "struct_packing", "--verbose"]);
    assert!(verbose.stdout.contains("What cargo and the test runner printed"), "{}", verbose.stdout);
    assert!(verbose.stdout.contains("Running headless tests in Chrome"), "the runner's own words:\n{}", verbose.stdout);

    // Every command that grades warns about a test file the course did not ship.
    let tests = "exercises/06_struct_packing/tests/struct_packing.rs";
    course.write(tests, &(course.read(tests) + "\n// mine\n"));
    let edited = grader(course.path(), &["run", "struct_packing"]);
    assert!(edited.stdout.contains(&format!("warning: {tests} was changed")), "{}", edited.stdout);
}
