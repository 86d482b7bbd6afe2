//! `grader class`: a whole class on one machine. Every submission in a
//! folder (one directory per student, as GitHub Classroom's download or a
//! Gradescope export gives them) is graded against the instructor's
//! reference, one after another, in one shared work directory: the
//! dependencies are compiled once, each student's unchanged crates stay
//! built, and an exercise identical to one already graded comes from the
//! cache. That cache is keyed by the content of the staged files, which
//! come from the student's own regular files only (staging never follows a
//! symbolic link), so a result is shared only by students whose files are
//! the same bytes — a copy, which would grade the same anyway.
//!
//! A class must survive its worst student. Each student is graded by a
//! child grader process (`grader class … --student NAME`) within a time
//! budget, after which what is left is reported as not graded. A child
//! that crashes (a stack overflow aborts a process whatever it was doing)
//! or still runs well past its budget is stopped, everything it started is
//! killed, and the student is recorded as not graded with the reason.
//! Each student's results are written to `<out>/<student>/`
//! (`results.json`, `results.xml`), atomically, and a student whose
//! `results.json` exists is not graded again — so an interrupted run picks
//! up where it stopped, and a submission that crashed the grader does not
//! crash it again. `gradebook.csv` is rebuilt from every student's results
//! at the end. A submission that is not a course — no course.toml, or a
//! course reached through a symbolic link, which would be someone else's —
//! is recorded with the reason.

use crate::discover::Course;
use crate::grade;
use crate::gradebook::{self, Export, Gradebook, Roster, Submission, RESULTS};
use crate::interrupt;
use crate::manifest::MANIFEST_FILE;
use crate::model::{ClassSummary, CourseReport, Engine};
use crate::process::{processes_with, run_limited, Finished};
use crate::progress::Quiet;
use crate::report::json::Results;
use crate::report::{self, Format};
use crate::sandbox::{Allowed, Confiner};
use crate::settings::Settings;
use crate::tools::EngineChoice;
use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const JUNIT_RESULTS: &str = "results.xml";

/// Each student's time budget in seconds, unless `--time-budget` says
/// otherwise. Once the dependencies are built a student takes under a
/// minute, but the first one builds them: the whole course, cold, took
/// 513 s on a 2-core machine. A submission that keeps the compiler busy (a
/// const-evaluation loop) costs this, not each exercise's build limit over
/// again.
pub const DEFAULT_TIME_BUDGET_SECS: u64 = 900;

/// How long a student's grader may run past its budget before it is taken
/// to hang: by the budget's end every build and test run has been stopped,
/// and what is left is writing the results.
const HANG_GRACE: Duration = Duration::from_secs(60);

/// In the environment of each student's grader process, and so of every
/// process it starts, with the class's process id: what a crashed or
/// stopped grader can no longer end itself (a build, a browser) is found by
/// it and killed. Its own runs carry their own marker, which only it knew.
const CLASS_VAR: &str = "WASM_COURSE_GRADER_CLASS";

/// How a Rust program that panicked exits.
const PANIC_EXIT: i32 = 101;

/// The most of a crashed grader's last words a record keeps.
const LAST_WORDS_CHARS: usize = 300;

/// What happened to one student in this run.
#[derive(Debug, Clone, PartialEq)]
pub enum StudentResult {
    Graded {
        score: f64,
        max_score: f64,
        elapsed: Duration,
    },
    /// Its results were already written by an earlier run.
    AlreadyGraded,
    /// Its grader crashed or hung: recorded as not graded, with the reason.
    Stopped {
        why: Stopped,
        elapsed: Duration,
    },
}

/// Why a student's grader process ended without writing results.
#[derive(Debug, Clone, PartialEq)]
pub enum Stopped {
    /// Still running at the end of its budget and [`HANG_GRACE`]: killed.
    Hung { limit: Duration },
    /// Killed by a signal: an abort (a stack overflow, a failed
    /// allocation), a crash, or the kernel's out-of-memory killer.
    Signal { number: i32, said: String },
    /// It panicked.
    Panicked { said: String },
}

impl Stopped {
    /// How a grader process that wrote no results ended, when that was a
    /// crash or a hang. An error it reported (exit status 3 or 4: a missing
    /// tool, a disk that cannot be written) is the machine's, not the
    /// student's, and would be the next student's too: `None`.
    fn of(finished: &Finished, limit: Duration) -> Option<Stopped> {
        if finished.timed_out {
            return Some(Stopped::Hung { limit });
        }
        let status = finished.status?;
        let said = last_words(&finished.stderr);
        match (status.signal(), status.code()) {
            (Some(number), _) => Some(Stopped::Signal { number, said }),
            (None, Some(PANIC_EXIT)) => Some(Stopped::Panicked { said }),
            _ => None,
        }
    }

    pub fn reason(&self) -> String {
        let quoted = |said: &str| if said.is_empty() { String::new() } else { format!(": {said}") };
        match self {
            Stopped::Hung { limit } => format!(
                "grading it was still running after {} s (its time budget and {} s more) and was stopped",
                limit.as_secs(),
                HANG_GRACE.as_secs()
            ),
            Stopped::Signal { number, said } => {
                let name = signal_name(*number).map(|name| format!(", {name}")).unwrap_or_default();
                format!("the grader crashed grading it (signal {number}{name}){}", quoted(said))
            }
            Stopped::Panicked { said } => format!("the grader failed grading it (a panic){}", quoted(said)),
        }
    }
}

fn signal_name(number: i32) -> Option<&'static str> {
    Some(match number {
        libc::SIGABRT => "SIGABRT: an abort",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL: killed, perhaps for using too much memory",
        _ => return None,
    })
}

/// The end of what a grader process said on stderr — a panic's or an
/// abort's message — in a few lines joined, without Rust's notes.
fn last_words(stderr: &str) -> String {
    let lines: Vec<&str> =
        stderr.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("note: ")).collect();
    let words = lines[lines.len().saturating_sub(3)..].join(" / ");
    match words.char_indices().nth(LAST_WORDS_CHARS) {
        Some((at, _)) => format!("{}…", &words[..at]),
        None => words,
    }
}

/// The submissions of `folder`: its directories, by name. A link in the
/// folder is the instructor's own doing and is not listed either.
pub fn submissions(folder: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(folder)
        .with_context(|| format!("cannot read the submissions folder {}", folder.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), entry.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    found.sort();
    Ok(found)
}

/// Where a student's course is, or why the submission is not one.
#[derive(Debug, PartialEq)]
enum Located {
    Course(PathBuf),
    NotACourse(NotACourse),
}

#[derive(Debug, PartialEq)]
enum NotACourse {
    /// No course.toml at its top or in a directory right below.
    NoManifest,
    /// The course's directory or its course.toml is a symbolic link (the
    /// path below the submission): it would grade files that are not the
    /// student's — a classmate's, whose cached results would follow.
    Linked(PathBuf),
    /// Several directories below hold a course (their names): which one is
    /// the student's to say, not the grader's to guess.
    Several(Vec<String>),
}

impl NotACourse {
    fn reason(&self, submission: &Path) -> String {
        match self {
            NotACourse::NoManifest => {
                format!("{} holds no {MANIFEST_FILE}: this is not a copy of the course", submission.display())
            }
            NotACourse::Linked(link) => {
                let target = std::fs::read_link(submission.join(link))
                    .map(|target| format!(" (to {})", target.display()))
                    .unwrap_or_default();
                format!(
                    "{} is a symbolic link{target}, which the grader never follows: a submission is graded from \
                     its own files only, so this is not a copy of the course",
                    submission.join(link).display()
                )
            }
            NotACourse::Several(names) => format!(
                "{} holds more than one copy of the course ({}): keep only the one to grade",
                submission.display(),
                names.join(", ")
            ),
        }
    }
}

/// Where a student's course is, found as grading finds it, or why the
/// submission is not one: what the similarity check compares.
pub fn course_of(submission: &Path) -> Result<PathBuf, String> {
    match locate(submission) {
        Located::Course(course) => Ok(course),
        Located::NotACourse(why) => Err(why.reason(submission)),
    }
}

/// Where a student's course is: the directory itself, or the one below it
/// holding course.toml (a repository uploaded as a zip of its folder).
/// Neither that directory nor its course.toml may be a symbolic link, so
/// the course is the submission's own tree; links deeper in it are for
/// staging, which never follows them.
fn locate(submission: &Path) -> Located {
    let manifest = |dir: &Path| std::fs::symlink_metadata(dir.join(MANIFEST_FILE)).map(|m| m.file_type()).ok();
    match manifest(submission) {
        Some(kind) if kind.is_file() => return Located::Course(submission.to_path_buf()),
        Some(kind) if kind.is_symlink() => return Located::NotACourse(NotACourse::Linked(MANIFEST_FILE.into())),
        _ => {}
    }
    let mut courses = Vec::new();
    let mut linked = None;
    for entry in std::fs::read_dir(submission).into_iter().flatten().filter_map(Result::ok) {
        let (path, name) = (entry.path(), PathBuf::from(entry.file_name()));
        // The entry's own type: a link is not taken for what it points to.
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => match manifest(&path) {
                Some(kind) if kind.is_file() => courses.push(name),
                Some(kind) if kind.is_symlink() => linked = Some(name.join(MANIFEST_FILE)),
                _ => {}
            },
            Ok(kind) if kind.is_symlink() && path.join(MANIFEST_FILE).exists() => linked = Some(name),
            _ => {}
        }
    }
    courses.sort();
    match (courses.len(), linked) {
        (1, _) => Located::Course(submission.join(courses.remove(0))),
        (0, Some(link)) => Located::NotACourse(NotACourse::Linked(link)),
        (0, None) => Located::NotACourse(NotACourse::NoManifest),
        _ => Located::NotACourse(NotACourse::Several(
            courses.iter().map(|name| name.to_string_lossy().into_owned()).collect(),
        )),
    }
}

/// One class being graded: against which reference, where results go,
/// where submissions are built, with what, and each student's time budget.
pub struct ClassRun<'a> {
    pub reference: &'a Course,
    pub out: &'a Path,
    pub work: &'a Path,
    pub settings: &'a Settings,
    pub budget: Duration,
    /// Whose folder is whose, for the gradebook.
    pub roster: Option<&'a Roster>,
    /// The platforms' gradebooks to write besides the grader's own.
    pub exports: &'a [Export],
}

impl ClassRun<'_> {
    /// Grades one student here, in this process, into `<out>/<name>/`,
    /// unless already done.
    pub fn grade_student(&self, name: &str, submission: &Path) -> Result<StudentResult> {
        if self.results_of(name)?.is_some() {
            return Ok(StudentResult::AlreadyGraded);
        }
        let started = Instant::now();
        let engine = self.settings.toolbox.engine;
        let report = match locate(submission) {
            Located::Course(course) => grade::grade_against_reference(
                &course,
                self.reference,
                self.work,
                engine,
                |_| Ok(Settings { deadline: Some(started + self.budget), ..self.settings.clone() }),
                &Quiet,
            ),
            Located::NotACourse(why) => grade::ungraded_course(self.reference, engine, &why.reason(submission)),
        };
        self.write_results(name, &report)?;
        Ok(StudentResult::Graded { score: report.score(), max_score: report.max_score(), elapsed: started.elapsed() })
    }

    /// `grader class --student NAME`: that submission of `folder`, graded
    /// here — what each student's grader process does.
    pub fn grade_named(&self, folder: &Path, name: &str) -> Result<()> {
        let Some((_, submission)) = submissions(folder)?.into_iter().find(|(student, _)| student == name) else {
            bail!("{} has no submission named {name} (a directory of that name)", folder.display());
        };
        eprintln!("{name}: {}", describe(&self.grade_student(name, &submission)?));
        Ok(())
    }

    /// [`Self::grade_student`] in a child grader process, under the budget
    /// and [`HANG_GRACE`]: when it crashes or hangs, what it started is
    /// killed and the student is recorded as not graded, with the reason.
    fn grade_in_child(&self, folder: &Path, name: &str) -> Result<StudentResult> {
        if self.results_of(name)?.is_some() {
            return Ok(StudentResult::AlreadyGraded);
        }
        let started = Instant::now();
        let mut command = Command::new(own_executable()?);
        command.args(self.child_args(folder, name)).env(CLASS_VAR, std::process::id().to_string());
        let limit = self.child_limit();
        let finished = run_limited(command, limit);
        end_strays();
        let finished = finished.with_context(|| format!("cannot start a grader process for {name}"))?;
        if let Some(results) = self.results_of(name)? {
            return Ok(StudentResult::Graded {
                score: results.score,
                max_score: results.max_score,
                elapsed: started.elapsed(),
            });
        }
        let Some(why) = Stopped::of(&finished, limit) else {
            bail!(
                "grading {name} failed, so the class stops here (run it again to go on from {name}): {}",
                last_words(&finished.stderr)
            );
        };
        self.record_stopped(name, &why)?;
        Ok(StudentResult::Stopped { why, elapsed: started.elapsed() })
    }

    /// How long a student's grader process may run: its budget, and
    /// [`HANG_GRACE`] to write the results.
    fn child_limit(&self) -> Duration {
        self.budget + HANG_GRACE
    }

    /// Records a student whose grader crashed or hung as not graded, with
    /// the reason: a run that resumes keeps it rather than crash again.
    fn record_stopped(&self, name: &str, why: &Stopped) -> Result<()> {
        let reason = format!(
            "{}. Recorded so that the class goes on: delete {} to grade this submission again",
            why.reason(),
            self.out.join(name).display()
        );
        self.write_results(name, &grade::ungraded_course(self.reference, self.settings.toolbox.engine, &reason))
    }

    /// The command line of the grader process for the student `name` of
    /// `folder`: this run's engine (as found, so every student has the
    /// same), limits, jobs and cache, and never an install.
    fn child_args(&self, folder: &Path, name: &str) -> Vec<OsString> {
        let runner = match self.settings.toolbox.engine {
            Engine::Chrome => EngineChoice::Chrome,
            Engine::Firefox => EngineChoice::Firefox,
            Engine::Node => EngineChoice::Node,
        };
        let runner = runner.to_possible_value().expect("every engine can be chosen").get_name().to_string();
        let mut args: Vec<OsString> = vec!["--runner".into(), runner.into(), "--no-install".into(), "--jobs".into()];
        args.push(self.settings.jobs.to_string().into());
        if let Some(timeout) = self.settings.test_timeout {
            args.extend(["--timeout".into(), timeout.as_secs().to_string().into()]);
        }
        if !self.settings.cache {
            args.push("--no-cache".into());
        }
        args.extend([
            "class".into(),
            folder.into(),
            "--reference".into(),
            self.reference.root.clone().into(),
            "--out".into(),
            self.out.into(),
            "--work-dir".into(),
            self.work.into(),
            "--time-budget".into(),
            self.budget.as_secs().to_string().into(),
            "--student".into(),
            name.into(),
        ]);
        args
    }

    /// `grader class`: every submission of `folder`, each in its own grader
    /// process, then the gradebook. Says on stderr how each student went, as
    /// it goes; what the run did is returned, for `report` to tell.
    pub fn grade_folder(&self, folder: &Path) -> Result<ClassSummary> {
        let students = submissions(folder)?;
        std::fs::create_dir_all(self.out).with_context(|| format!("cannot create {}", self.out.display()))?;
        // Interrupted, the class leaves nothing a student's grader started.
        interrupt::on_interrupt(end_strays);
        let started = Instant::now();
        let (mut graded, mut stopped) = (0, 0);
        for (index, (name, _)) in students.iter().enumerate() {
            let counter = format!("[{}/{}] {name}", index + 1, students.len());
            eprintln!("{counter}: grading…");
            let result = self.grade_in_child(folder, name)?;
            match result {
                StudentResult::Graded { .. } => graded += 1,
                StudentResult::Stopped { .. } => stopped += 1,
                StudentResult::AlreadyGraded => {}
            }
            eprintln!("{counter}: {}", describe(&result));
        }
        let confiner = Confiner::detect();
        let handed_in: Vec<Submission> = students
            .iter()
            .map(|(name, dir)| Submission { folder: name.clone(), submitted: last_commit(dir, &confiner) })
            .collect();
        let columns = grade::ungraded_course(self.reference, self.settings.toolbox.engine, "");
        let written = Gradebook::build(self.out, &handed_in, &columns, self.roster)?.write(self.out, self.exports)?;
        Ok(ClassSummary {
            graded: graded + stopped,
            stopped,
            earlier: students.len() - graded - stopped,
            elapsed: started.elapsed(),
            written,
        })
    }

    /// The student's results, when a run wrote them.
    fn results_of(&self, name: &str) -> Result<Option<Results>> {
        gradebook::results_of(self.out, name)
    }

    /// `<out>/<name>/`'s results; results.json last, each file complete
    /// before it has its name: a student counts as graded only once
    /// everything is written.
    fn write_results(&self, name: &str, report: &CourseReport) -> Result<()> {
        let dir = self.out.join(name);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        write_atomically(&dir.join(JUNIT_RESULTS), &report::render(Format::Junit, report))?;
        write_atomically(&dir.join(RESULTS), &report::render(Format::Json, report))
    }
}

/// This very grader, to start for each student: on Linux the running
/// program itself, which stays whole even when its file is replaced (the
/// grader rebuilt while a class runs), so every student of a run is graded
/// by the same grader.
fn own_executable() -> Result<PathBuf> {
    if cfg!(target_os = "linux") {
        return Ok(PathBuf::from("/proc/self/exe"));
    }
    std::env::current_exe().context("cannot find the grader's own executable to grade each student with")
}

/// Kills what a student's grader process left running — one that crashed
/// or was stopped cannot end its own builds and browsers — and that process
/// too, if it still runs: everything carrying [`CLASS_VAR`] with this
/// class's process id.
fn end_strays() {
    let needle = format!("{CLASS_VAR}={}\0", std::process::id()).into_bytes();
    for _round in 0..5 {
        let strays = processes_with(&needle);
        if strays.is_empty() {
            return;
        }
        for pid in strays {
            // SAFETY: kill has no memory effects.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How a student went, for the line about them on stderr.
fn describe(result: &StudentResult) -> String {
    match result {
        StudentResult::Graded { score, max_score, elapsed } => format!(
            "{} of {} points ({:.1} s)",
            report::points(*score),
            report::points(*max_score),
            elapsed.as_secs_f64()
        ),
        StudentResult::AlreadyGraded => "graded by an earlier run, kept".to_string(),
        StudentResult::Stopped { why, elapsed } => {
            format!("not graded ({:.1} s): {}", elapsed.as_secs_f64(), why.reason())
        }
    }
}

/// When the work in `submission` was last committed (ISO 8601), as its
/// repository says — the committer's date, which the student's machine
/// wrote: a lead for a deadline, not proof (the platform's push time is).
/// A submission's git configuration is the student's: git could be told
/// to run a program of theirs (`gpg.program` with `log.showSignature`, a
/// pager, an fsmonitor), so those are overridden on the command line, the
/// machine's configuration is not read, and git runs confined to reading
/// the submission and the system. Nothing here fails the class: a folder
/// without a repository, or a git that says nothing readable, has no time.
fn last_commit(submission: &Path, confiner: &Confiner) -> Option<String> {
    if !submission.join(".git").exists() {
        return None;
    }
    let mut git = Command::new("git");
    git.args(["-c", "safe.directory=*", "-c", "core.fsmonitor=false", "-c", "log.showSignature=false"])
        .args(["-c", "gpg.program=false", "-c", "core.pager=cat", "--no-pager", "-C"])
        .arg(submission)
        .args(["log", "-1", "--no-show-signature", "--format=%cI"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", "/nonexistent");
    confiner.confine(&mut git, &Allowed::read_only(submission)).ok()?;
    let finished = run_limited(git, GIT_LIMIT).ok()?;
    let date = finished.stdout.trim();
    let looks_like_a_date = date.len() <= 40 && date.chars().all(|c| c.is_ascii_alphanumeric() || "-:+".contains(c));
    (finished.success() && !date.is_empty() && looks_like_a_date).then(|| date.to_string())
}

/// `git log -1` answers in milliseconds; a repository that makes it take
/// longer is not worth waiting for.
const GIT_LIMIT: Duration = Duration::from_secs(10);

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::FakeCourse;
    use crate::model::Change;
    use crate::submission;
    use crate::tools::Toolbox;
    use std::os::unix::fs::symlink;
    use std::process::ExitStatus;

    fn names(found: &[(String, PathBuf)]) -> Vec<&str> {
        found.iter().map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn submissions_are_the_folders_directories_sorted_without_files_or_hidden_ones() {
        let folder = tempfile::tempdir().unwrap();
        for dir in ["bob", "alice", "Zoe", ".git", ".DS_Store.d", "carol smith"] {
            std::fs::create_dir(folder.path().join(dir)).unwrap();
        }
        std::fs::write(folder.path().join("gradebook.csv"), "").unwrap();
        std::fs::write(folder.path().join("dave.zip"), "").unwrap();
        let found = submissions(folder.path()).unwrap();
        assert_eq!(names(&found), ["Zoe", "alice", "bob", "carol smith"]);
        assert_eq!(found[1].1, folder.path().join("alice"));
    }

    #[test]
    fn a_linked_directory_is_not_a_submission_and_a_missing_folder_is_an_error() {
        let folder = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), folder.path().join("mallory")).unwrap();
        assert!(submissions(folder.path()).unwrap().is_empty());
        let error = submissions(&folder.path().join("missing")).unwrap_err().to_string();
        assert!(error.contains("cannot read the submissions folder"), "{error}");
    }

    #[test]
    fn a_course_is_found_in_the_submission_or_one_level_below() {
        let folder = tempfile::tempdir().unwrap();
        let flat = folder.path().join("flat");
        std::fs::create_dir_all(&flat).unwrap();
        std::fs::write(flat.join(MANIFEST_FILE), "").unwrap();
        assert_eq!(locate(&flat), Located::Course(flat.clone()));
        let zipped = folder.path().join("zipped");
        std::fs::create_dir_all(zipped.join("course-main")).unwrap();
        std::fs::write(zipped.join("course-main").join(MANIFEST_FILE), "").unwrap();
        std::fs::write(zipped.join("notes.txt"), "").unwrap();
        assert_eq!(locate(&zipped), Located::Course(zipped.join("course-main")));
        let deeper = folder.path().join("deeper");
        std::fs::create_dir_all(deeper.join("a/b")).unwrap();
        std::fs::write(deeper.join("a/b").join(MANIFEST_FILE), "").unwrap();
        assert_eq!(locate(&deeper), Located::NotACourse(NotACourse::NoManifest));
        let reason = NotACourse::NoManifest.reason(&deeper);
        assert!(reason.contains("holds no course.toml: this is not a copy of the course"), "{reason}");
    }

    #[test]
    fn a_course_reached_through_a_symbolic_link_is_not_a_course() {
        let folder = tempfile::tempdir().unwrap();
        let alice = folder.path().join("alice");
        std::fs::create_dir_all(alice.join("exercises")).unwrap();
        std::fs::write(alice.join(MANIFEST_FILE), "").unwrap();
        // mallory/course -> ../alice, as committed: alice's course, one level down.
        let mallory = folder.path().join("mallory");
        std::fs::create_dir_all(&mallory).unwrap();
        symlink("../alice", mallory.join("course")).unwrap();
        assert_eq!(locate(&mallory), Located::NotACourse(NotACourse::Linked("course".into())));
        let reason = NotACourse::Linked("course".into()).reason(&mallory);
        assert!(reason.contains("mallory/course is a symbolic link (to ../alice)"), "{reason}");
        assert!(reason.contains("this is not a copy of the course"), "{reason}");
        // Only course.toml linked, at the top or in the directory below.
        let trudy = folder.path().join("trudy");
        std::fs::create_dir_all(&trudy).unwrap();
        symlink(alice.join(MANIFEST_FILE), trudy.join(MANIFEST_FILE)).unwrap();
        assert_eq!(locate(&trudy), Located::NotACourse(NotACourse::Linked(MANIFEST_FILE.into())));
        let eve = folder.path().join("eve");
        std::fs::create_dir_all(eve.join("repo")).unwrap();
        symlink(alice.join(MANIFEST_FILE), eve.join("repo").join(MANIFEST_FILE)).unwrap();
        symlink(alice.join("exercises"), eve.join("repo/exercises")).unwrap();
        assert_eq!(locate(&eve), Located::NotACourse(NotACourse::Linked(Path::new("repo").join(MANIFEST_FILE))));
        // A course of their own beside a link is theirs: the link is never followed.
        std::fs::write(mallory.join(MANIFEST_FILE), "").unwrap();
        assert_eq!(locate(&mallory), Located::Course(mallory.clone()));
    }

    #[test]
    fn two_copies_of_the_course_in_one_submission_are_not_a_guess() {
        let folder = tempfile::tempdir().unwrap();
        for copy in ["mine", "theirs"] {
            std::fs::create_dir_all(folder.path().join(copy)).unwrap();
            std::fs::write(folder.path().join(copy).join(MANIFEST_FILE), "").unwrap();
        }
        let several = NotACourse::Several(vec!["mine".into(), "theirs".into()]);
        assert_eq!(locate(folder.path()), Located::NotACourse(several));
    }

    /// A student's copy of the fake course with `lib` as each crate's editable source.
    fn solved(lib: &str) -> FakeCourse {
        let student = FakeCourse::new();
        for dir in ["01_alpha", "02_beta"] {
            student.write(&format!("exercises/{dir}/src/lib.rs"), lib);
        }
        student
    }

    #[test]
    fn links_deeper_in_a_submission_bring_none_of_a_classmates_files_so_none_of_their_cached_results() {
        let reference = FakeCourse::new();
        let alice = solved("pub fn answer() -> u32 { 42 } // alice's\n");
        // One shared work directory, as a class has: the cache is keyed by
        // what is staged there.
        let work = tempfile::tempdir().unwrap();
        let stage = |student: &Path| submission::stage(student, &reference.course(), work.path()).unwrap();
        let alice_staged = stage(alice.root());
        let digest = |staged: &submission::Staged, dir: &str| submission::crate_digest(&staged.root, dir);
        let alices = digest(&alice_staged, "exercises/01_alpha");
        let stub = digest(&stage(FakeCourse::new().root()), "exercises/01_alpha");

        // Her editable file a link to alice's, and a whole crate a link to alice's crate.
        let mallory = FakeCourse::new();
        mallory.remove("exercises/01_alpha/src/lib.rs");
        symlink(alice.path("exercises/01_alpha/src/lib.rs"), mallory.path("exercises/01_alpha/src/lib.rs")).unwrap();
        mallory.remove("exercises/02_beta");
        symlink(alice.path("exercises/02_beta"), mallory.path("exercises/02_beta")).unwrap();
        let staged = stage(mallory.root());
        let lib = |dir: &str| std::fs::read_to_string(staged.root.join(dir).join("src/lib.rs")).ok();
        assert_eq!(lib("exercises/01_alpha"), Some(reference.read("exercises/01_alpha/src/lib.rs")), "the stub");
        assert_ne!(lib("exercises/02_beta"), Some(alice.read("exercises/02_beta/src/lib.rs")));
        assert_eq!(digest(&staged, "exercises/01_alpha"), stub, "graded as the untouched stub is");
        assert_ne!(digest(&staged, "exercises/01_alpha"), alices);
        for link in ["exercises/01_alpha/src/lib.rs", "exercises/02_beta"] {
            assert!(
                staged.findings.iter().any(|f| f.path == link && f.change == Change::Forbidden),
                "{link}: {:?}",
                staged.findings
            );
        }
    }

    /// How to grade, with tools that need not exist.
    fn settings() -> Settings {
        Settings::new(Toolbox::absent(Engine::Firefox), Duration::from_secs(600))
    }

    /// A class over `reference`, writing to `out`.
    fn class<'a>(reference: &'a Course, out: &'a Path, settings: &'a Settings) -> ClassRun<'a> {
        ClassRun {
            reference,
            out,
            work: Path::new("/work/dir"),
            settings,
            budget: Duration::from_secs(120),
            roster: None,
            exports: &[],
        }
    }

    #[test]
    fn each_students_grader_gets_the_runs_engine_limits_and_budget_and_never_installs() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut settings = settings();
        settings.jobs = 2;
        settings.test_timeout = Some(Duration::from_secs(30));
        settings.cache = false;
        let class = class(&course, Path::new("grades"), &settings);
        let args: Vec<String> = class
            .child_args(Path::new("submissions"), "carol smith")
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        let reference = fake.root().display().to_string();
        assert_eq!(
            args,
            [
                "--runner",
                "firefox",
                "--no-install",
                "--jobs",
                "2",
                "--timeout",
                "30",
                "--no-cache",
                "class",
                "submissions",
                "--reference",
                &reference,
                "--out",
                "grades",
                "--work-dir",
                "/work/dir",
                "--time-budget",
                "120",
                "--student",
                "carol smith"
            ]
        );
        assert_eq!(class.child_limit(), Duration::from_secs(120) + HANG_GRACE);
    }

    fn finished(status: Option<i32>, stderr: &str) -> Finished {
        Finished {
            status: status.map(ExitStatus::from_raw),
            stdout: String::new(),
            stderr: stderr.into(),
            timed_out: status.is_none(),
            elapsed: Duration::from_secs(1),
            cut: false,
        }
    }

    #[test]
    fn a_grader_that_crashed_or_hung_is_the_students_record_and_one_that_reported_an_error_is_not() {
        let limit = Duration::from_secs(960);
        let overflow = "[1/1] grading\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n";
        let aborted = Stopped::of(&finished(Some(libc::SIGABRT), overflow), limit).unwrap();
        let said = "[1/1] grading / thread 'main' has overflowed its stack / fatal runtime error: stack overflow";
        assert_eq!(aborted, Stopped::Signal { number: libc::SIGABRT, said: said.into() });
        let reason = aborted.reason();
        assert!(reason.starts_with("the grader crashed grading it (signal 6, SIGABRT"), "{reason}");
        assert!(reason.ends_with("fatal runtime error: stack overflow"), "{reason}");

        let panic = "thread 'main' panicked at grader/src/x.rs:1:1:\nindex out of bounds\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        let panicked = Stopped::of(&finished(Some(PANIC_EXIT << 8), panic), limit).unwrap();
        let said = "thread 'main' panicked at grader/src/x.rs:1:1: / index out of bounds";
        assert_eq!(panicked, Stopped::Panicked { said: said.into() });

        assert_eq!(Stopped::of(&finished(None, ""), limit), Some(Stopped::Hung { limit }));
        assert!(Stopped::Hung { limit }.reason().contains("still running after 960 s"));

        // Its own error (a tool missing, results it cannot write) is the
        // machine's, and the next student's too.
        for code in [3, 4] {
            assert_eq!(Stopped::of(&finished(Some(code << 8), "error: cannot write"), limit), None);
        }
        let long = "x".repeat(2 * LAST_WORDS_CHARS);
        assert_eq!(last_words(&long).chars().count(), LAST_WORDS_CHARS + 1, "cut, with an ellipsis");
    }

    #[test]
    fn what_a_stopped_grader_left_running_is_killed_even_outside_its_process_group() {
        let needle = format!("{CLASS_VAR}={}\0", std::process::id()).into_bytes();
        let mut left = Command::new("sh")
            .args(["-c", "setsid sleep 300 & sleep 300"])
            .env(CLASS_VAR, std::process::id().to_string())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        while processes_with(&needle).len() < 3 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(processes_with(&needle).len(), 3, "sh and both sleeps");
        end_strays();
        assert_eq!(processes_with(&needle), Vec::<i32>::new());
        assert!(!left.wait().unwrap().success());
    }

    #[test]
    fn a_stopped_student_is_recorded_with_the_reason_and_not_graded_again() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let settings = settings();
        let out = tempfile::tempdir().unwrap();
        let class = class(&course, out.path(), &settings);
        let why = Stopped::Signal { number: libc::SIGSEGV, said: String::new() };
        class.record_stopped("mallory", &why).unwrap();
        assert!(out.path().join("mallory").join(JUNIT_RESULTS).is_file());
        let results = class.results_of("mallory").unwrap().expect("a record");
        assert_eq!(results.score, 0.0);
        let message = results.message.unwrap();
        assert!(message.contains("the grader crashed grading it (signal 11, SIGSEGV)"), "{message}");
        assert!(message.contains(&format!("delete {}", out.path().join("mallory").display())), "{message}");
        // Resumed: kept, never graded (nor crashed) again, here or in a process of its own.
        let nowhere = Path::new("/nonexistent");
        assert_eq!(class.grade_student("mallory", nowhere).unwrap(), StudentResult::AlreadyGraded);
        assert_eq!(class.grade_in_child(nowhere, "mallory").unwrap(), StudentResult::AlreadyGraded);
        let columns = grade::ungraded_course(&course, Engine::Chrome, "");
        let mallory = [Submission { folder: "mallory".into(), submitted: None }];
        let gradebook = Gradebook::build(out.path(), &mallory, &columns, None).unwrap();
        assert!(gradebook.rows[0].note.contains("crashed grading it"), "{:?}", gradebook.rows[0]);
    }

    #[test]
    fn a_submissions_time_is_its_last_commit_and_its_git_configuration_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("hw1-bob");
        std::fs::create_dir_all(&repo).unwrap();
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .args(args)
                .current_dir(&repo)
                .env("GIT_AUTHOR_NAME", "Bob")
                .env("GIT_AUTHOR_EMAIL", "bob@example.com")
                .env("GIT_COMMITTER_NAME", "Bob")
                .env("GIT_COMMITTER_EMAIL", "bob@example.com")
                .env("GIT_COMMITTER_DATE", "2026-12-01T17:59:58+01:00")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .status()
                .unwrap();
            assert!(status.success(), "git {args:?}");
        };
        let confiner = Confiner::detect();
        assert_eq!(last_commit(&repo, &confiner), None, "not a repository yet");
        git(&["init", "-q"]);
        std::fs::write(repo.join("lib.rs"), "pub fn f() {}\n").unwrap();
        git(&["add", "lib.rs"]);
        git(&["commit", "-q", "-m", "my work"]);
        assert_eq!(last_commit(&repo, &confiner).as_deref(), Some("2026-12-01T17:59:58+01:00"));
        // Signed (a signature git cannot check, but a signed commit is what
        // `log.showSignature` hands to `gpg.program`).
        let output = |args: &[&str], input: &[u8]| {
            let mut child = Command::new("git")
                .args(args)
                .current_dir(&repo)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
            String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap().trim().to_string()
        };
        let commit = output(&["cat-file", "commit", "HEAD"], b"");
        let (head, message) = commit.split_once("\n\n").unwrap();
        let signed = format!(
            "{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n{message}\n"
        );
        let signed = output(&["hash-object", "-t", "commit", "-w", "--stdin"], signed.as_bytes());
        git(&["update-ref", "HEAD", &signed]);
        // The student's configuration names programs of theirs for git to run.
        let ran = dir.path().join("ran");
        let program = dir.path().join("program.sh");
        std::fs::write(&program, format!("#!/bin/sh\ntouch {}\ncat >/dev/null\n", ran.display())).unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let program = program.to_str().unwrap();
        for (key, value) in [
            ("log.showSignature", "true"),
            ("gpg.program", program),
            ("core.pager", program),
            ("core.fsmonitor", program),
        ] {
            git(&["config", key, value]);
        }
        assert_eq!(last_commit(&repo, &confiner).as_deref(), Some("2026-12-01T17:59:58+01:00"));
        assert!(!ran.exists(), "git ran the submission's program");
    }

    #[test]
    fn results_are_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(RESULTS);
        write_atomically(&path, "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
        assert!(!path.with_extension("partial").exists());
        assert!(write_atomically(&dir.path().join("missing/results.json"), "{}").is_err());
    }
}
