//! `grader class`: a folder of 20 generated submissions — untouched, solved,
//! partly solved, broken, not UTF-8, not a course at all, uploaded one
//! level down — graded against the reference into per-student results and
//! a gradebook that is read back, with the similarity of every pair of
//! them beside it (`--similarity`); then three hostile ones — a course that
//! is a link to a classmate's, a const-evaluation loop, one whose grader
//! aborts — each recorded with its reason under a short budget while the
//! others keep their grades; then resumed after one student's results are
//! lost, grading only that student and leaving the aborted one as recorded.

mod common;

use common::{grader, grader_with, require, GraderRun, Need, TempCourse};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn generate(reference: &TempCourse, folder: &Path) -> BTreeMap<String, f64> {
    let solution = |dir: &str| reference.read(&format!("solutions/{dir}/src/lib.rs"));
    let mut expected = BTreeMap::new();
    for index in 0..20 {
        let name = format!("student{index:02}");
        let root = folder.join(&name);
        common::copy_tree(reference.path(), &root);
        let write = |relative: &str, bytes: &[u8]| std::fs::write(root.join(relative), bytes).unwrap();
        let points = match index % 6 {
            // Both exercises solved.
            0 => {
                write("exercises/01_typed_views/src/lib.rs", solution("01_typed_views").as_bytes());
                write("exercises/06_struct_packing/src/lib.rs", solution("06_struct_packing").as_bytes());
                20.0
            }
            // One solved.
            1 => {
                write("exercises/06_struct_packing/src/lib.rs", solution("06_struct_packing").as_bytes());
                10.0
            }
            // Does not compile, and the other one untouched (a stub scores
            // nothing: what passes on it is a demonstration, worth no points).
            2 => {
                write("exercises/01_typed_views/src/lib.rs", b"pub fn broken( {\n");
                0.0
            }
            // Not UTF-8: a file the checks cannot read is a finding, and its
            // crate is graded as shipped, the other untouched: nothing.
            3 => {
                write("exercises/06_struct_packing/src/lib.rs", &[0xff, 0xfe, 0x00, 0x41]);
                0.0
            }
            // Untouched: the stubs score nothing.
            4 => 0.0,
            // Not a course: a stray folder.
            _ => {
                std::fs::remove_dir_all(&root).unwrap();
                std::fs::create_dir_all(&root).unwrap();
                std::fs::write(root.join("notes.txt"), "my homework is in another castle\n").unwrap();
                0.0
            }
        };
        expected.insert(name, points);
    }
    // A repository uploaded as a zip of its folder: the course one level down.
    let nested = folder.join("student20");
    common::copy_tree(reference.path(), &nested.join("my-repo"));
    std::fs::write(nested.join("my-repo/exercises/01_typed_views/src/lib.rs"), solution("01_typed_views")).unwrap();
    expected.insert("student20".into(), 10.0);
    expected
}

/// The worst a class brings, added to `folder`, with what each should
/// score: a course that is a link to a solved classmate's (student00), a
/// const-evaluation loop after a solved exercise, and one whose grader the
/// test aborts mid-build (as a stack overflow aborts a process), the build
/// being another such loop that nobody would ever stop but the class.
fn hostile(reference: &TempCourse, folder: &Path) -> BTreeMap<String, f64> {
    let linked = folder.join("linked");
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink("../student00", linked.join("course")).unwrap();

    let solution = |dir: &str| reference.read(&format!("solutions/{dir}/src/lib.rs"));
    let spinning = |dir: &str| {
        let spin = "#![allow(long_running_const_eval)]\n\
            const SPIN: u64 = {\n    let mut turns: u64 = 0;\n    loop {\n        turns = turns.wrapping_add(1);\n        \
            if turns == 0 {\n            break turns;\n        }\n    }\n};\n\
            pub fn spin() -> u64 {\n    SPIN\n}\n";
        spin.to_string() + &solution(dir)
    };
    let looping = folder.join("looping");
    common::copy_tree(reference.path(), &looping);
    std::fs::write(looping.join("exercises/01_typed_views/src/lib.rs"), solution("01_typed_views")).unwrap();
    std::fs::write(looping.join("exercises/06_struct_packing/src/lib.rs"), spinning("06_struct_packing")).unwrap();

    let aborted = folder.join("aborted");
    common::copy_tree(reference.path(), &aborted);
    std::fs::write(aborted.join("exercises/01_typed_views/src/lib.rs"), spinning("01_typed_views")).unwrap();
    BTreeMap::from([("linked".into(), 0.0), ("looping".into(), 10.0), ("aborted".into(), 0.0)])
}

/// Runs `class` while aborting the grader process of `student` (SIGABRT,
/// what a stack overflow ends in) once it has started cargo; whether it did.
fn aborting_the_grader_of(student: &str, class: impl FnOnce() -> GraderRun) -> (GraderRun, bool) {
    let needle = format!("--student\0{student}\0").into_bytes();
    let processes = || -> Vec<i32> {
        std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect()
    };
    let parent = |pid: i32| -> Option<i32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
    };
    let is_cargo = |pid: i32| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "cargo");
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                let all = processes();
                let grader = all.iter().copied().find(|pid| {
                    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                    cmdline.windows(needle.len()).any(|w| w == needle)
                });
                if let Some(grader) = grader.filter(|&g| all.iter().any(|&p| parent(p) == Some(g) && is_cargo(p))) {
                    // SAFETY: kill has no memory effects.
                    unsafe { libc::kill(grader, libc::SIGABRT) };
                    return true;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            false
        });
        let run = class();
        done.store(true, Ordering::SeqCst);
        (run, watcher.join().unwrap())
    })
}

fn results(grades: &Path, student: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(grades.join(student).join("results.json")).unwrap()).unwrap()
}

fn exercise<'a>(results: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    results["exercises"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap()
}

/// A gradebook row: column → value.
type Row = BTreeMap<String, String>;

/// The gradebook's rows, by student (by identifier for a roster's student
/// who handed in nothing).
fn gradebook_rows(grades: &Path) -> BTreeMap<String, Row> {
    let mut reader = csv::Reader::from_path(grades.join("gradebook.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(Result::unwrap)
        .map(|record| {
            let row: Row = header.iter().cloned().zip(record.iter().map(String::from)).collect();
            let key = if row["student"].is_empty() { row["identifier"].clone() } else { row["student"].clone() };
            (key, row)
        })
        .collect()
}

fn total(row: &Row) -> f64 {
    row["total"].parse().unwrap()
}

/// GitHub Classroom's roster export for the class: every folder's
/// student, and one who handed in nothing.
fn roster(folder: &Path, out: &Path) -> std::path::PathBuf {
    let mut text = String::from("\"identifier\",\"github_username\",\"github_id\",\"name\"\n");
    let mut names: Vec<String> = (0..21).map(|index| format!("student{index:02}")).collect();
    names.extend(["linked", "looping", "aborted", "absent"].map(String::from));
    for (id, name) in names.iter().enumerate() {
        text.push_str(&format!("\"{name}@uni.example\",\"{name}\",\"{id}\",\"{name} Surname\"\n"));
    }
    assert!(!folder.join("absent").exists());
    let path = out.join("classroom_roster.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// Makes `dir` a repository whose last commit is at `date`.
fn committed_at(dir: &Path, date: &str) {
    for args in [&["init", "-q"][..], &["add", "-A"], &["commit", "-q", "-m", "my work"]] {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "A Student")
            .env("GIT_AUTHOR_EMAIL", "student@uni.example")
            .env("GIT_COMMITTER_NAME", "A Student")
            .env("GIT_COMMITTER_EMAIL", "student@uni.example")
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
}

#[test]
fn a_folder_of_submissions_becomes_a_gradebook_and_resumes_after_an_interruption() {
    require(&[Need::Chromium]);
    let reference = common::two_exercise_reference();
    let folder = tempfile::tempdir().unwrap();
    let mut expected = generate(&reference, folder.path());
    committed_at(&folder.path().join("student01"), "2026-12-01T17:59:58+01:00");
    let out = tempfile::tempdir().unwrap();
    let grades = out.path().join("grades");
    let roster = roster(folder.path(), out.path());
    let args = [
        "class",
        folder.path().to_str().unwrap(),
        "--reference",
        reference.path().to_str().unwrap(),
        "--out",
        grades.to_str().unwrap(),
        "--similarity",
        "--roster",
        roster.to_str().unwrap(),
        "--export",
        "canvas,moodle",
    ];
    let run = grader(reference.path(), &args);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("[21/21] student20"), "a progress line per student:\n{}", run.stderr);
    assert!(run.stdout.contains("Graded 21 submissions"), "{}", run.stdout);

    let header = csv::Reader::from_path(grades.join("gradebook.csv")).unwrap().headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "student",
            "identifier",
            "handle",
            "submitted",
            "typed_views",
            "struct_packing",
            "total",
            "max",
            "passed",
            "hints",
            "findings",
            "note"
        ]
    );
    let mut rows = gradebook_rows(&grades);
    // The roster's students with no folder (yet: the hostile three come below).
    let absent: Vec<String> = rows.keys().filter(|key| rows[*key]["student"].is_empty()).cloned().collect();
    assert_eq!(absent, ["aborted@uni.example", "absent@uni.example", "linked@uni.example", "looping@uni.example"]);
    for key in &absent {
        let row = rows.remove(key).unwrap();
        assert_eq!((total(&row), row["note"].as_str()), (0.0, "no submission"), "{row:?}");
    }
    assert_eq!(rows.len(), expected.len(), "a row per student");
    for (student, row) in &rows {
        let points = total(row);
        assert!(
            (points - expected[student]).abs() < 0.01,
            "{student}: {points} points, expected {}: {}",
            expected[student],
            results(&grades, student)
        );
        assert_eq!(row["max"], "20");
        assert_eq!(row["identifier"], format!("{student}@uni.example"), "keyed to the roster");
        assert!(grades.join(student).join("results.xml").is_file(), "{student} has its JUnit file too");
    }
    assert_eq!(rows["student01"]["submitted"], "2026-12-01T17:59:58+01:00", "the repository's last commit");
    assert_eq!(rows["student00"]["submitted"], "", "no repository, no time");
    assert!(rows["student05"]["note"].contains("not a copy of the course"), "{:?}", rows["student05"]);
    // The platforms' imports: Canvas's five columns, then the course, with its points possible.
    let canvas: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(grades.join("canvas.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&canvas[0].iter().collect::<Vec<_>>()[..5], ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]);
    assert_eq!((&canvas[1][0], &canvas[1][5]), ("Points Possible", "20"));
    assert_eq!(canvas.len(), 2 + rows.len() + absent.len(), "every student, and those who handed in nothing");
    let moodle = csv::Reader::from_path(grades.join("moodle.csv")).unwrap().records().count();
    assert_eq!(moodle, rows.len() + absent.len());
    // Compared once graded, beside the gradebook: a row per pair of the
    // submissions that are a course.
    let courses = rows.values().filter(|row| !row["note"].contains("not a copy of the course")).count();
    assert_eq!(courses, 18, "{rows:?}");
    let pairs = csv::Reader::from_path(grades.join("similarity.csv")).unwrap().records().count();
    assert_eq!(pairs, courses * (courses - 1) / 2, "{}", run.stdout);
    assert!(grades.join("similarity.html").is_file());

    // The hostile three, graded with a short budget: the loop costs it, not
    // the 600 s build limit; everyone else keeps their grade.
    expected.extend(hostile(&reference, folder.path()));
    let with_budget = [&args[..], &["--time-budget", "20"]].concat();
    let started = Instant::now();
    // Any core file lands in a temporary directory.
    let (run, caught) = aborting_the_grader_of("aborted", || {
        grader_with(reference.path(), &with_budget, |command| {
            command.current_dir(out.path());
        })
    });
    let elapsed = started.elapsed();
    assert!(caught, "the aborted student's grader was never seen");
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.survivors().is_empty(), "left running (the aborted build?): {:?}", run.survivors());
    assert!(elapsed < Duration::from_secs(200), "the loop cost {elapsed:?}");

    let linked = results(&grades, "linked");
    assert_eq!(linked["score"], 0.0, "none of student00's points");
    assert!(linked["exercises"].as_array().unwrap().iter().all(|e| e["status"] == "error" && e["cached"] == false));
    assert!(linked["message"].as_str().unwrap().contains("course is a symbolic link (to ../student00)"), "{linked}");

    let looping = results(&grades, "looping");
    assert_eq!(exercise(&looping, "typed_views")["status"], "pass");
    let spun = exercise(&looping, "struct_packing");
    assert_eq!(spun["status"], "error");
    assert_eq!(spun["error"]["kind"], "timeout");
    assert!(spun["error"]["message"].as_str().unwrap().contains("time budget ran out"), "{spun}");

    let aborted = results(&grades, "aborted");
    assert_eq!(aborted["score"], 0.0);
    assert!(aborted["message"].as_str().unwrap().contains("(signal 6, SIGABRT"), "{aborted}");

    let mut rows = gradebook_rows(&grades);
    rows.remove("absent@uni.example");
    assert_eq!(rows.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "a row per student");
    for (student, row) in &rows {
        let points = total(row);
        assert!(
            (points - expected[student]).abs() < 0.01,
            "{student}: {points} points, expected {}",
            expected[student]
        );
    }
    assert!(rows["linked"]["note"].contains("symbolic link"), "{:?}", rows["linked"]);
    assert_eq!(rows["looping"]["note"], "timed out: struct_packing");
    assert!(rows["aborted"]["note"].contains("SIGABRT"), "{:?}", rows["aborted"]);

    // Interrupted after all but one: only that one is graded again, and the
    // submission whose grader aborted stays as recorded — not graded (nor
    // aborted) again.
    let recorded = std::fs::read(grades.join("aborted/results.json")).unwrap();
    std::fs::remove_dir_all(grades.join("student07")).unwrap();
    let again = grader(reference.path(), &args);
    assert_eq!(again.code(), Some(0), "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("Graded 1 submission in"), "{}", again.stdout);
    assert!(again.stdout.contains("23 from earlier runs"), "{}", again.stdout);
    assert_eq!(std::fs::read(grades.join("aborted/results.json")).unwrap(), recorded);
    let rows = gradebook_rows(&grades);
    assert_eq!(rows.len(), expected.len() + 1, "and the roster's student who handed in nothing");
    let points = total(&rows["student07"]);
    assert!((points - expected["student07"]).abs() < 0.01, "student07: {points}");
}
