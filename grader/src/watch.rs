//! `grader watch`: the student's loop. The exercise being worked on is
//! graded again as soon as one of its files is saved (a debounced file
//! watcher), or when asked (`--manual`, for file systems where watching
//! fails); the screen shows its tests, a progress bar of the whole course
//! and the keys: h hint, l list, n next, r run again, q quit, each acting
//! as soon as it is pressed ([`keyboard`](crate::keyboard)).

use crate::discover::{Course, Exercise, Variant};
use crate::grade;
use crate::hints;
use crate::keyboard;
use crate::manifest::ExerciseEntry;
use crate::model::{ExerciseReport, Status};
use crate::progress::Observer;
use crate::report::human;
use crate::settings::Settings;
use crate::submission::Ownership;
use anyhow::{Context, Result};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, SystemTime};

/// What the loop reacts to.
#[derive(Debug)]
pub enum Event {
    /// Files saved (debounced), absolute paths.
    Saved(Vec<PathBuf>),
    /// A key pressed (lower case).
    Key(char),
    /// Standard input closed.
    InputClosed,
}

/// The loop's state: every exercise (then every milestone) and its last report.
pub struct Watch<'a> {
    course: &'a Course,
    /// The caller's, with the cache on and the capstone always graded.
    settings: Settings,
    exercises: Vec<Exercise>,
    reports: Vec<ExerciseReport>,
    current: usize,
    ownership: Ownership,
    /// When each file the student edits was last modified, as last seen:
    /// the watcher also reports files being read (grading reads them all),
    /// and only a new modification time is a save.
    modified: HashMap<PathBuf, Option<SystemTime>>,
}

impl<'a> Watch<'a> {
    /// Grades everything once (mostly from the cache) and starts at the
    /// first exercise that does not pass.
    pub fn start(course: &'a Course, settings: &Settings, progress: &dyn Observer) -> Result<Watch<'a>> {
        let settings = Settings { capstone_always: true, cache: true, jobs: 1, ..settings.clone() };
        let mut exercises = course.exercises();
        exercises.extend(course.milestones());
        let reports = grade::grade_exercises(course, &exercises, Variant::Exercise, &settings, progress);
        Watch::with_reports(course, settings, exercises, reports)
    }

    /// The loop over reports already known, at the first exercise that
    /// does not pass, every editable file's state remembered.
    fn with_reports(
        course: &'a Course,
        settings: Settings,
        exercises: Vec<Exercise>,
        reports: Vec<ExerciseReport>,
    ) -> Result<Watch<'a>> {
        let current = reports.iter().position(|r| r.status != Status::Pass).unwrap_or(0);
        let ownership = Ownership::of(&course.manifest)?;
        let mut watch = Watch { course, settings, exercises, reports, current, ownership, modified: HashMap::new() };
        let dirs: Vec<PathBuf> = watch.exercises.iter().map(|e| e.exercise_dir.clone()).collect();
        for file in dirs.iter().flat_map(|dir| walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok)) {
            if watch.exercise_of(file.path()).is_some() {
                watch.saved(file.path());
            }
        }
        Ok(watch)
    }

    /// Whether `path` was modified since it was last seen (and remembers it).
    fn saved(&mut self, path: &Path) -> bool {
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        self.modified.insert(path.to_path_buf(), modified) != Some(modified)
    }

    pub fn current(&self) -> &ExerciseReport {
        &self.reports[self.current]
    }

    /// The manifest's entry of the current exercise or milestone.
    pub fn current_entry(&self) -> &ExerciseEntry {
        &self.exercises[self.current].entry
    }

    /// Grades the current exercise again.
    pub fn regrade(&mut self, progress: &dyn Observer) {
        let exercise = std::slice::from_ref(&self.exercises[self.current]);
        let mut fresh = grade::grade_exercises(self.course, exercise, Variant::Exercise, &self.settings, progress);
        self.reports[self.current] = fresh.remove(0);
    }

    /// Every report brought up to date with the files on disk.
    fn refresh(&mut self, progress: &dyn Observer) {
        self.reports =
            grade::grade_exercises(self.course, &self.exercises, Variant::Exercise, &self.settings, progress);
    }

    /// The exercise a saved file belongs to, if the student edits it; for
    /// the capstone crate, the first of its milestones that does not pass.
    pub fn exercise_of(&self, path: &Path) -> Option<usize> {
        let relative = self.course.relative(path).replace('\\', "/");
        if !self.ownership.is_editable(&relative) {
            return None;
        }
        let owners: Vec<usize> = (0..self.exercises.len())
            .filter(|&i| relative.starts_with(&format!("{}/", self.course.relative(&self.exercises[i].exercise_dir))))
            .collect();
        owners.iter().copied().find(|&i| self.reports[i].status != Status::Pass).or(owners.first().copied())
    }

    /// Reacts to one event; returns false to quit.
    pub fn handle(&mut self, event: Event, out: &mut dyn Write, progress: &dyn Observer) -> Result<bool> {
        match event {
            Event::Saved(paths) => {
                let saved: Vec<&PathBuf> =
                    paths.iter().filter(|p| self.exercise_of(p).is_some() && self.saved(p)).collect();
                let Some(index) = saved.iter().find_map(|p| self.exercise_of(p)) else { return Ok(true) };
                self.current = index;
                self.regrade(progress);
                self.draw(out)?;
            }
            Event::Key('r') => {
                self.regrade(progress);
                self.draw(out)?;
            }
            Event::Key('n') => {
                // Every result shown is of the code on disk now: what was
                // edited since it was last graded is graded again (the rest
                // comes from the cache at once).
                self.refresh(progress);
                let after = (self.current + 1..self.reports.len()).chain(0..self.current);
                let next = after.clone().find(|&i| self.reports[i].status != Status::Pass);
                self.current = next.unwrap_or(self.current);
                self.draw(out)?;
                if next.is_none() && self.reports.iter().all(|r| r.status == Status::Pass) {
                    writeln!(out, "Every exercise and milestone passes — the course is done.")?;
                }
            }
            Event::Key('h') => {
                writeln!(out, "\n{}", hints::reveal_next(self.course, self.current_entry())?)?;
                hints::annotate(self.course, std::slice::from_mut(&mut self.reports[self.current]));
            }
            Event::Key('l') => {
                self.refresh(progress);
                writeln!(out, "\n{}", self.list())?;
            }
            Event::Key('q') | Event::InputClosed => return Ok(false),
            Event::Key(_) => writeln!(out, "{}", KEYS)?,
        }
        out.flush()?;
        Ok(true)
    }

    /// Every exercise and milestone with its status, points and concept.
    pub fn list(&self) -> String {
        list(&self.reports, self.current)
    }

    /// The current exercise in full, the course's progress, the keys.
    pub fn draw(&self, out: &mut dyn Write) -> Result<()> {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            // Clearing is not colour: straight to the terminal, past the
            // stream that drops colour codes under NO_COLOR.
            out.flush()?;
            let mut terminal = std::io::stdout();
            terminal.write_all(b"\x1b[2J\x1b[H")?;
            terminal.flush()?;
        }
        let report = self.current();
        write!(out, "{}", human::exercise(report))?;
        if report.status == Status::Pass {
            writeln!(out, "\n✓ {} passes! Press n for the next one.", report.name)?;
        }
        writeln!(out, "\n{}", progress_bar(&self.reports))?;
        writeln!(out, "{KEYS}")?;
        out.flush()?;
        Ok(())
    }
}

const KEYS: &str = "keys: h hint · l list · n next · r run again · q quit";

/// `[#######-------------] 3/12 done (exercises 3/5, mix 0/7)`.
pub fn progress_bar(reports: &[ExerciseReport]) -> String {
    const WIDTH: usize = 30;
    let done = reports.iter().filter(|r| r.status == Status::Pass).count();
    let filled = WIDTH * done / reports.len().max(1);
    let milestones = reports.iter().filter(|r| r.kind.is_milestone());
    let exercises = reports.iter().filter(|r| !r.kind.is_milestone());
    let passed = |it: &mut dyn Iterator<Item = &ExerciseReport>| it.filter(|r| r.status == Status::Pass).count();
    format!(
        "[{}{}] {done}/{} done (exercises {}/{}, capstone milestones {}/{})",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        reports.len(),
        passed(&mut exercises.clone()),
        exercises.count(),
        passed(&mut milestones.clone()),
        milestones.count()
    )
}

/// The table of `grader list`: `→` marks the current exercise.
pub fn list(reports: &[ExerciseReport], current: usize) -> String {
    let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(0);
    reports.iter().enumerate().map(|(index, report)| list_row(report, index == current, width)).collect()
}

/// One line of the list: mark, name, status in words, points, hints
/// seen, concept.
fn list_row(report: &ExerciseReport, current: bool, width: usize) -> String {
    let mark = if current { "→" } else { " " };
    let status = match (&report.error, report.status) {
        (None, Status::Pass) => "done".to_string(),
        (Some(error), _) => error.kind.describe().to_string(),
        (None, _) => format!("{}/{} tests", report.passed_count(), report.tests.len()),
    };
    let hints = format!("hints {}/{}", report.hints.revealed.len(), report.hints.total);
    format!(
        "{mark} {:width$}  {status:19}  {:>5}/{:<3} points  {hints:9}  {}\n",
        report.name,
        crate::report::points(report.points),
        crate::report::points(report.max_points),
        report.concept
    )
}

/// `grader list`: one line per exercise and milestone, printed as soon as
/// it is known — at once for what is unchanged (from the cache), after
/// grading for the rest, with the progress display saying what.
pub fn list_course(course: &Course, settings: &Settings, out: &mut dyn Write, progress: &dyn Observer) -> Result<()> {
    let settings = &Settings { capstone_always: true, cache: true, jobs: 1, ..settings.clone() };
    let mut exercises = course.exercises();
    exercises.extend(course.milestones());
    let width = exercises.iter().map(|e| e.entry.name.len()).max().unwrap_or(0);
    let mut marked = false;
    for exercise in &exercises {
        let report =
            grade::grade_exercises(course, std::slice::from_ref(exercise), Variant::Exercise, settings, progress)
                .remove(0);
        let current = !marked && report.status != Status::Pass;
        marked |= current;
        write!(out, "{}", list_row(&report, current, width))?;
        out.flush()?;
    }
    Ok(())
}

/// Runs the loop until q or the end of input.
pub fn run(course: &Course, settings: &Settings, manual: bool, progress: &dyn Observer) -> Result<()> {
    let mut out = anstream::stdout();
    // Said at once: a cold start compiles for a minute before any result.
    writeln!(out, "Grading the course to find where you are (unchanged exercises come from the cache)…")?;
    let mut watch = Watch::start(course, settings, progress)?;
    watch.draw(&mut out)?;
    let (events, incoming) = channel();
    let _single_keys = keyboard::SingleKeys::enable();
    spawn_keyboard(events.clone());
    // Kept alive for the whole loop: dropping it stops watching.
    let _watcher = if manual {
        writeln!(out, "(manual mode: files are not watched; press r to grade again)")?;
        None
    } else {
        Some(watch_files(course, events)?)
    };
    for event in incoming {
        if !watch.handle(event, &mut out, progress)? {
            break;
        }
    }
    Ok(())
}

fn spawn_keyboard(events: Sender<Event>) {
    std::thread::spawn(move || {
        keyboard::read_keys(|key| events.send(Event::Key(key)).is_ok());
        let _ = events.send(Event::InputClosed);
    });
}

/// Watches the course, ignoring build output; saves arriving within 300 ms
/// of each other (an editor writing a file in steps) are one event.
fn watch_files(
    course: &Course,
    events: Sender<Event>,
) -> Result<notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>> {
    let root = course.root.clone();
    let mut debouncer = new_debouncer(Duration::from_millis(300), move |result: DebounceEventResult| {
        if let Ok(changes) = result {
            let paths: Vec<PathBuf> = changes
                .into_iter()
                .map(|change| change.path)
                .filter(|path| {
                    !path.strip_prefix(&root).is_ok_and(|p| p.starts_with("target") || p.starts_with(".grader"))
                })
                .collect();
            if !paths.is_empty() {
                let _ = events.send(Event::Saved(paths));
            }
        }
    })
    .context("cannot start watching files; use `grader watch --manual` and press r to grade")?;
    for dir in ["exercises", course.manifest.capstone.as_ref().map_or("exercises", |c| c.dir.as_str())] {
        let path = course.root.join(dir);
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}; use `grader watch --manual`", path.display()))?;
        }
    }
    Ok(debouncer)
}

#[cfg(test)]
mod list_tests {
    use super::*;
    use crate::model::fixtures::{exercise, milestone, test};
    use crate::model::{ErrorKind, GradeError, TestStatus};

    #[test]
    fn every_status_reads_as_words() {
        let error = |kind| Some(GradeError { kind, message: "why".into() });
        let reports = vec![
            exercise("typed_views", Status::Pass, vec![test("t", TestStatus::Pass, None)], None),
            exercise("batching", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None),
            exercise("avoiding_copies", Status::Error, vec![], error(ErrorKind::NoTests)),
            exercise("grayscale", Status::Error, vec![], error(ErrorKind::NeedsBrowser)),
            milestone("buffer", Status::Error, vec![], error(ErrorKind::Integrity)),
        ];
        let table = list(&reports, 1);
        let rows: Vec<&str> = table.lines().collect();
        assert!(rows[0].starts_with("  typed_views      done "), "{table}");
        assert!(rows[1].starts_with("→ batching         0/1 tests "), "{table}");
        assert!(rows[2].contains(" ran no tests "), "{table}");
        assert!(rows[3].contains(" needs a browser "), "{table}");
        assert!(rows[4].contains(" not trusted "), "{table}");
        for word in ["notests", "needsbrowser", "needs_browser", "no_tests"] {
            assert!(!table.contains(word), "{word} is not a word:\n{table}");
        }
    }
}

#[cfg(test)]
mod loop_tests {
    use super::*;
    use crate::discover::tests::FakeCourse;
    use crate::model::fixtures::{exercise, milestone, test};
    use crate::model::{Engine, TestStatus};
    use crate::tools::Toolbox;

    fn settings() -> Settings {
        let toolbox = Toolbox {
            wasm_pack: "/nonexistent/wasm-pack".into(),
            engine: Engine::Node,
            browser: None,
            child_path: Default::default(),
            notices: vec![],
            node_permission: None,
            toolchain: vec![],
        };
        Settings::new(toolbox, Duration::from_secs(1))
    }

    /// The fake course's alpha passes, beta fails; of the capstone, buffer
    /// passes and motions fails.
    fn watch(course: &Course) -> Watch<'_> {
        let mut exercises = course.exercises();
        exercises.extend(course.milestones());
        let reports = vec![
            exercise("alpha", Status::Pass, vec![test("t", TestStatus::Pass, None)], None),
            exercise("beta", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None),
            milestone("buffer", Status::Pass, vec![test("t", TestStatus::Pass, None)], None),
            milestone("motions", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None),
        ];
        Watch::with_reports(course, settings(), exercises, reports).unwrap()
    }

    fn press(watch: &mut Watch, key: char) -> (bool, String) {
        let mut out = Vec::new();
        let going = watch.handle(Event::Key(key), &mut out, &crate::progress::Quiet).unwrap();
        (going, String::from_utf8(out).unwrap())
    }

    #[test]
    fn it_starts_at_the_first_exercise_that_does_not_pass() {
        let fake = FakeCourse::new();
        let course = fake.course();
        assert_eq!(watch(&course).current().name, "beta");
    }

    #[test]
    fn h_reveals_the_next_tier_each_time_and_remembers_it() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        let (going, first) = press(&mut watch, 'h');
        assert!(going);
        assert!(first.contains("Hint 1 of 3 for beta (the idea):\nthe idea"), "{first}");
        assert!(!first.contains(":\nthe shape"), "one tier at a time: {first}");
        assert_eq!(watch.current().hints.revealed, vec!["the idea"], "the report shows what was revealed");
        let (_, second) = press(&mut watch, 'h');
        assert!(second.contains("Hint 2 of 3 for beta (the shape of the code):\nthe shape"), "{second}");
        assert!(second.contains("Ask again for hint 3 of 3 (the code)."), "{second}");
        let log = crate::hints::HintLog::load(&course.root);
        assert_eq!(log.progress("beta", &["a".into(), "b".into(), "c".into()]).revealed.len(), 2, "remembered on disk");
    }

    #[test]
    fn q_and_the_end_of_input_quit_and_other_keys_show_the_keys() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        assert_eq!(press(&mut watch, 'x'), (true, format!("{KEYS}\n")));
        assert!(!press(&mut watch, 'q').0);
        let mut out = Vec::new();
        assert!(!watch.handle(Event::InputClosed, &mut out, &crate::progress::Quiet).unwrap());
    }

    #[test]
    fn a_save_belongs_to_the_exercise_whose_editable_file_it_is() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let watch = watch(&course);
        let root = course.root.clone();
        assert_eq!(watch.exercise_of(&root.join("exercises/01_alpha/src/lib.rs")), Some(0));
        assert_eq!(watch.exercise_of(&root.join("exercises/02_beta/page.js")), Some(1));
        assert_eq!(
            watch.exercise_of(&root.join("exercises/02_beta/tests/beta.rs")),
            None,
            "tests are not the student's"
        );
        assert_eq!(watch.exercise_of(&root.join("exercises/02_beta/harness.js")), None);
        assert_eq!(watch.exercise_of(&root.join("course.toml")), None);
        assert_eq!(
            watch.exercise_of(&root.join("mix/src/buffer.rs")),
            Some(3),
            "the capstone's source belongs to its first milestone that does not pass"
        );
    }

    #[test]
    fn a_file_read_but_not_modified_is_not_a_save() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        let root = course.root.clone();
        let mut out = Vec::new();
        let event =
            Event::Saved(vec![root.join("exercises/02_beta/src/lib.rs"), root.join("exercises/02_beta/tests/beta.rs")]);
        assert!(watch.handle(event, &mut out, &crate::progress::Quiet).unwrap());
        assert!(out.is_empty(), "nothing changed since start, so nothing is graded or drawn");
    }

    #[test]
    fn the_progress_bar_counts_exercises_and_milestones_apart() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let watch = watch(&course);
        assert_eq!(
            progress_bar(&watch.reports),
            "[###############---------------] 2/4 done (exercises 1/2, capstone milestones 1/2)"
        );
    }
}
