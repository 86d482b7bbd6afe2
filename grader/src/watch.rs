//! `grader watch`: the student's loop. The exercise being worked on is
//! graded again as soon as one of its files is saved (a debounced file
//! watcher; a file whose content did not change is no save, and saves that
//! pile up while grading are one), or when asked (`--manual`, for file
//! systems where watching fails); the screen shows its tests, a progress
//! bar of the whole course and the keys: h hint, l list, n next, r run
//! again, q quit, each acting as soon as it is pressed
//! ([`keyboard`](crate::keyboard)). Only `n` moves to another exercise;
//! `l` answers from what is known, marking what changed since; `q` stops a
//! grade under way at once.

use crate::cache::{self, Key};
use crate::discover::{Course, Exercise, Variant};
use crate::grade;
use crate::hints;
use crate::interrupt;
use crate::keyboard;
use crate::manifest::ExerciseEntry;
use crate::model::{ExerciseReport, Finding, Status};
use crate::profile;
use crate::progress::Observer;
use crate::report::{self, human};
use crate::settings::Settings;
use anyhow::{Context, Result};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::Duration;

/// What the loop reacts to.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// Files saved (debounced), absolute paths.
    Saved(Vec<PathBuf>),
    /// A key pressed (lower case).
    Key(char),
    /// Standard input closed.
    InputClosed,
}

/// Whether the loop is grading, shared with the keyboard's thread: `q`
/// pressed then stops the grade at once instead of queueing behind it.
#[derive(Debug, Clone, Default)]
pub struct Grading(Arc<AtomicBool>);

impl Grading {
    fn during<T>(&self, work: impl FnOnce() -> T) -> T {
        self.0.store(true, Ordering::SeqCst);
        let done = work();
        self.0.store(false, Ordering::SeqCst);
        done
    }

    fn now(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Where `watch` would start, as last graded — the first exercise (then
/// milestone) whose last report does not pass, or that was never graded —
/// without grading anything or needing a tool: what `hint` with no name
/// gives a hint for.
pub fn last_position(course: &Course) -> Exercise {
    let cache = crate::cache::Cache::new(&course.root);
    let mut all = course.exercises();
    all.extend(course.milestones());
    let first = all.iter().position(|e| cache.last(e, Variant::Student).is_none_or(|r| r.status != Status::Pass));
    all.swap_remove(first.unwrap_or(0))
}

/// The loop's state: every exercise (then every milestone) and its last report.
pub struct Watch<'a> {
    course: &'a Course,
    /// The caller's, with the cache on and the capstone always graded.
    settings: Settings,
    exercises: Vec<Exercise>,
    reports: Vec<ExerciseReport>,
    /// What each report was graded from, to tell which are stale.
    graded_from: Vec<Key>,
    current: usize,
    /// A digest of each file the student edits as last seen (`None`: not
    /// there): the watcher also reports files being read (grading reads
    /// them all) and an editor's temporary files, and writes that leave the
    /// content as it was, so only new content is a save.
    seen: HashMap<PathBuf, Option<[u8; 32]>>,
    grading: Grading,
}

impl<'a> Watch<'a> {
    /// Grades everything once (mostly from the cache) and starts at the
    /// first exercise that does not pass.
    pub fn start(course: &'a Course, settings: &Settings, progress: &dyn Observer, grading: Grading) -> Watch<'a> {
        let settings = Settings { capstone_always: true, cache: true, jobs: 1, ..settings.clone() };
        let mut exercises = course.exercises();
        exercises.extend(course.milestones());
        let graded_from = keys(course, &exercises, &settings);
        let reports =
            grading.during(|| grade::grade_exercises(course, &exercises, Variant::Student, &settings, progress));
        Watch::with_reports(course, settings, exercises, reports, graded_from, grading)
    }

    /// The loop over reports already known (graded from `graded_from`), at
    /// the first exercise that does not pass, every editable file's
    /// content remembered.
    fn with_reports(
        course: &'a Course,
        settings: Settings,
        exercises: Vec<Exercise>,
        reports: Vec<ExerciseReport>,
        graded_from: Vec<Key>,
        grading: Grading,
    ) -> Watch<'a> {
        let current = reports.iter().position(|r| r.status != Status::Pass).unwrap_or(0);
        let mut watch =
            Watch { course, settings, exercises, reports, graded_from, current, seen: HashMap::new(), grading };
        let dirs: Vec<PathBuf> = watch.exercises.iter().map(|e| e.exercise_dir.clone()).collect();
        for file in dirs.iter().flat_map(|dir| walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok)) {
            if watch.editable(file.path()) {
                watch.changed(file.path());
            }
        }
        watch
    }

    /// Whether `path` holds other content than when it was last seen (and
    /// remembers it). A file that is gone and was never seen (an editor's
    /// temporary file, renamed away) is no change.
    fn changed(&mut self, path: &Path) -> bool {
        let now = std::fs::read(path).ok().map(|bytes| Sha256::digest(bytes).into());
        self.seen.insert(path.to_path_buf(), now).flatten() != now
    }

    pub fn current(&self) -> &ExerciseReport {
        &self.reports[self.current]
    }

    /// The manifest's entry of the current exercise or milestone.
    pub fn current_entry(&self) -> &ExerciseEntry {
        &self.exercises[self.current].entry
    }

    /// Grades the exercises at `indices` (from the cache when unchanged),
    /// noting what each was graded from.
    fn grade(&mut self, indices: &[usize], progress: &dyn Observer) {
        let exercises: Vec<Exercise> = indices.iter().map(|&i| self.exercises[i].clone()).collect();
        let graded_from = keys(self.course, &exercises, &self.settings);
        let (course, settings) = (self.course, &self.settings);
        let reports =
            self.grading.during(|| grade::grade_exercises(course, &exercises, Variant::Student, settings, progress));
        for ((&index, report), key) in indices.iter().zip(reports).zip(graded_from) {
            self.reports[index] = report;
            self.graded_from[index] = key;
        }
    }

    /// Grades the current exercise again.
    pub fn regrade(&mut self, progress: &dyn Observer) {
        self.grade(&[self.current], progress);
    }

    /// Which reports are stale: something they depend on changed since.
    pub fn stale(&self) -> Vec<bool> {
        let now = keys(self.course, &self.exercises, &self.settings);
        self.graded_from.iter().zip(now).map(|(graded, now)| graded.after_grading(now).is_none()).collect()
    }

    /// Every stale report brought up to date with the files on disk.
    fn refresh(&mut self, progress: &dyn Observer) {
        let stale: Vec<usize> = self.stale().iter().enumerate().filter(|(_, &s)| s).map(|(i, _)| i).collect();
        if !stale.is_empty() {
            self.grade(&stale, progress);
        }
    }

    /// Whether the student edits `path`.
    fn editable(&self, path: &Path) -> bool {
        self.course.ownership.is_editable(self.course.path_of(path).as_str())
    }

    /// The exercise a saved file belongs to, if the student edits it. For
    /// the capstone crate, which every milestone shares: the current
    /// milestone while it is one (a save never moves on; `n` does), else
    /// the first that does not pass.
    pub fn exercise_of(&self, path: &Path) -> Option<usize> {
        if !self.editable(path) {
            return None;
        }
        let path = self.course.path_of(path);
        let owners: Vec<usize> = (0..self.exercises.len())
            .filter(|&i| path.within(&self.course.path_of(&self.exercises[i].exercise_dir)))
            .collect();
        if owners.contains(&self.current) {
            return Some(self.current);
        }
        owners.iter().copied().find(|&i| self.reports[i].status != Status::Pass).or(owners.first().copied())
    }

    /// Reacts to one event; returns false to quit.
    pub fn handle(&mut self, event: Event, out: &mut dyn Write, progress: &dyn Observer) -> Result<bool> {
        match event {
            Event::Saved(paths) => {
                let saved: Vec<&PathBuf> =
                    paths.iter().filter(|p| self.exercise_of(p).is_some() && self.changed(p)).collect();
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
            Event::Key('l') => writeln!(out, "\n{}", self.list())?,
            Event::Key('d') => {
                // Serving the tests holds a terminal until Ctrl-C: it gets
                // a terminal of its own, and this loop goes on.
                let name = &self.current_entry().name;
                writeln!(
                    out,
                    "\nTo watch {name}'s tests in a real browser, with DevTools, run in another terminal:\n  \
                     cargo run -p grader -- run {name} --debug\nIt prints an address to open; nothing there is graded."
                )?;
            }
            Event::Key('p') => {
                // The page shows the code on disk now: what was edited
                // since it was graded is graded again, the rest is cached.
                self.refresh(progress);
                let (course, settings) = (self.course, &self.settings);
                let report = self.grading.during(|| grade::grade_own_copy(course, settings, progress));
                let page = report::html::write(&report_dir(course), &report, &profile::gallery(course))?;
                writeln!(out, "\nThe course as a page: {} — open it in a browser.", page.display())?;
            }
            Event::Key('q') | Event::InputClosed => return Ok(false),
            Event::Key(_) => writeln!(out, "{}", KEYS)?,
        }
        out.flush()?;
        Ok(true)
    }

    /// Every exercise and milestone with its status, points and concept,
    /// as last graded: at once, with what changed since marked.
    pub fn list(&self) -> String {
        list(&self.reports, self.current, &self.stale())
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
        // Each draw clears the screen, so a changed test file is warned
        // about on every one that grades its exercise.
        let crate_dir = self.course.relative(&self.exercises[self.current].exercise_dir);
        let findings: Vec<Finding> =
            crate::seal::check_seal(self.course).into_iter().filter(|finding| finding.concerns(&crate_dir)).collect();
        write!(out, "{}", human::warnings(&findings))?;
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

/// What each of `exercises` would be graded from now.
fn keys(course: &Course, exercises: &[Exercise], settings: &Settings) -> Vec<Key> {
    exercises.iter().map(|exercise| cache::key(course, exercise, Variant::Student, settings)).collect()
}

const KEYS: &str =
    "keys: h hint · l list · n next · r run again · d debug in a browser · p the course as a page · q quit";

/// Where `p` writes the course's page (`grader report --html` writes anywhere).
pub fn report_dir(course: &Course) -> PathBuf {
    course.target_dir().join("report")
}

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

/// What marks a row whose files changed since it was graded.
const EDITED: &str = "(edited)";

/// The table of `grader list`: `→` marks the current exercise, and
/// [`EDITED`] a stale row (`stale` is per report).
pub fn list(reports: &[ExerciseReport], current: usize, stale: &[bool]) -> String {
    let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut table: String = reports
        .iter()
        .enumerate()
        .map(|(index, report)| list_row(report, index == current, stale.get(index) == Some(&true), width))
        .collect();
    if stale.contains(&true) {
        table.push_str(&format!(
            "{EDITED}: changed since it was graded — n grades what changed, r the current one again\n"
        ));
    }
    table
}

/// One line of the list: mark, name, status in words, points, hints
/// seen, concept.
fn list_row(report: &ExerciseReport, current: bool, stale: bool, width: usize) -> String {
    let mark = if current { "→" } else { " " };
    let mut status = match (&report.error, report.status) {
        (None, Status::Pass) => "done".to_string(),
        (Some(error), _) => error.kind.describe().to_string(),
        (None, _) => format!("{}/{} tests", report.passed_count(), report.tests.len()),
    };
    if stale {
        status = format!("{status} {EDITED}");
    }
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
            grade::grade_exercises(course, std::slice::from_ref(exercise), Variant::Student, settings, progress)
                .remove(0);
        let current = !marked && report.status != Status::Pass;
        marked |= current;
        write!(out, "{}", list_row(&report, current, false, width))?;
        out.flush()?;
    }
    Ok(())
}

/// Runs the loop until q or the end of input.
pub fn run(course: &Course, settings: &Settings, manual: bool, progress: &dyn Observer) -> Result<()> {
    let mut out = anstream::stdout();
    // Said at once: a cold start compiles for a minute before any result.
    writeln!(out, "Grading the course to find where you are (unchanged exercises come from the cache)…")?;
    // Keys act from the start: q stops even the first grading.
    let grading = Grading::default();
    let (events, incoming) = channel();
    let _single_keys = keyboard::SingleKeys::enable();
    spawn_keyboard(events.clone(), grading.clone());
    let mut watch = Watch::start(course, settings, progress, grading);
    watch.draw(&mut out)?;
    // Kept alive for the whole loop: dropping it stops watching.
    let _watcher = if manual {
        writeln!(out, "(manual mode: files are not watched; press r to grade again)")?;
        None
    } else {
        Some(watch_files(course, events)?)
    };
    // What queued while the loop was busy is taken at once, so the saves
    // made during a grade are one run.
    while let Ok(first) = incoming.recv() {
        for event in coalesce(std::iter::once(first).chain(incoming.try_iter())) {
            if !watch.handle(event, &mut out, progress)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Events in order, with every save merged into the first: one run for
/// however many saves piled up. Keys keep their order.
fn coalesce(events: impl Iterator<Item = Event>) -> Vec<Event> {
    let mut merged = Vec::new();
    let mut saves = None;
    for event in events {
        match (event, saves) {
            (Event::Saved(paths), Some(at)) => {
                if let Some(Event::Saved(all)) = merged.get_mut(at) {
                    all.extend(paths);
                }
            }
            (Event::Saved(paths), None) => {
                saves = Some(merged.len());
                merged.push(Event::Saved(paths));
            }
            (other, _) => merged.push(other),
        }
    }
    merged
}

/// Reads keys on a thread of its own. `q` while a grade is under way stops
/// it there and then — its processes killed, the terminal put back — since
/// the loop would only see the key once the grade ended.
fn spawn_keyboard(events: Sender<Event>, grading: Grading) {
    std::thread::spawn(move || {
        keyboard::read_keys(|key| {
            if key == 'q' && grading.now() {
                interrupt::stop(0, "\nq: stopped grading; the running tests and their browser are gone");
            }
            events.send(Event::Key(key)).is_ok()
        });
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
        let table = list(&reports, 1, &[]);
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
        Settings::new(Toolbox::absent(Engine::Node), Duration::from_secs(1))
    }

    #[test]
    fn hint_without_a_name_is_for_the_first_exercise_not_passing_when_last_graded() {
        let fake = FakeCourse::new();
        let course = fake.course();
        assert_eq!(last_position(&course).entry.name, "alpha", "nothing graded yet");
        let cache = crate::cache::Cache::new(&course.root);
        let settings = settings();
        let exercises = course.exercises();
        let key = |i: usize| crate::cache::key(&course, &exercises[i], Variant::Student, &settings);
        let passing = exercise("alpha", Status::Pass, vec![test("t", TestStatus::Pass, None)], None);
        cache.store(&exercises[0], Variant::Student, &key(0), &passing);
        assert_eq!(last_position(&course).entry.name, "beta", "alpha passed when last graded");
        // Edited since, it still passed when last graded: no tool, no grade.
        fake.write("exercises/01_alpha/src/lib.rs", "// edited\n");
        assert_eq!(last_position(&course).entry.name, "beta");
        let failing = exercise("beta", Status::Fail, vec![test("t", TestStatus::Fail, Some("no"))], None);
        cache.store(&exercises[1], Variant::Student, &key(1), &failing);
        assert_eq!(last_position(&course).entry.name, "beta");
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
        let graded_from = keys(course, &exercises, &settings());
        Watch::with_reports(course, settings(), exercises, reports, graded_from, Grading::default())
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
        let (going, said) = press(&mut watch, 'd');
        assert!(going, "d goes on watching");
        let name = &watch.current_entry().name;
        assert!(said.contains(&format!("cargo run -p grader -- run {name} --debug")), "{said}");
        assert!(!press(&mut watch, 'q').0);
        let mut out = Vec::new();
        assert!(!watch.handle(Event::InputClosed, &mut out, &crate::progress::Quiet).unwrap());
    }

    #[test]
    fn p_writes_the_course_as_a_page_and_says_where() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        let (going, said) = press(&mut watch, 'p');
        assert!(going, "p goes on watching");
        let page = report_dir(&course).join("index.html");
        assert!(said.contains(&page.display().to_string()), "{said}");
        let html = std::fs::read_to_string(&page).unwrap();
        for name in ["alpha", "beta"] {
            assert!(html.contains(&format!("<tr class=\"row\" data-name=\"{name}\"")), "{name}'s row:\n{html}");
        }
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
    fn a_save_to_the_capstone_stays_on_the_current_milestone_even_once_it_passes() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        let source = course.root.join("mix/src/buffer.rs");
        watch.current = 2;
        assert_eq!(watch.current().status, Status::Pass, "buffer passes: press n for the next one");
        assert_eq!(watch.exercise_of(&source), Some(2), "a save grades buffer again, not motions");
        watch.current = 0;
        assert_eq!(watch.exercise_of(&source), Some(3), "from an exercise, the first milestone that does not pass");
    }

    #[test]
    fn l_lists_at_once_from_what_is_known_and_marks_what_changed_since() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        assert_eq!(watch.stale(), [false; 4]);
        fake.write("exercises/02_beta/src/lib.rs", "pub fn answer() -> u32 {\n    41\n}\n");
        assert_eq!(watch.stale(), [false, true, false, false]);
        let (going, listed) = press(&mut watch, 'l');
        assert!(going);
        let rows: Vec<&str> = listed.lines().filter(|line| line.contains(" points ")).collect();
        assert!(rows[1].starts_with("→ beta         0/1 tests (edited) "), "{listed}");
        assert!(!rows[0].contains(EDITED) && !rows[2].contains(EDITED), "{listed}");
        assert!(listed.contains("(edited): changed since it was graded"), "{listed}");
        // Nothing was graded: grading here (no test runner) would be an error.
        assert_eq!(watch.reports[1].status, Status::Fail);
    }

    #[test]
    fn only_new_content_is_a_save() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let mut watch = watch(&course);
        let source = course.root.join("exercises/02_beta/src/lib.rs");
        let shipped = std::fs::read(&source).unwrap();
        // An editor writing the same bytes again (its second step), later.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&source, &shipped).unwrap();
        assert!(!watch.changed(&source), "the same content is no save");
        std::fs::write(&source, b"pub fn answer() -> u32 { 42 }\n").unwrap();
        assert!(watch.changed(&source), "new content is");
        assert!(!watch.changed(&source), "and is seen once");
        // An editor's temporary file, written and renamed away before it is looked at.
        assert!(!watch.changed(&course.root.join("exercises/02_beta/src/.lib.rs.swp")), "never there, no save");
    }

    #[test]
    fn saves_that_piled_up_are_one_and_keys_keep_their_order() {
        let saved = |name: &str| Event::Saved(vec![PathBuf::from(name)]);
        let events = [saved("a"), Event::Key('h'), saved("b"), saved("a"), Event::Key('q')];
        assert_eq!(
            coalesce(events.into_iter()),
            [Event::Saved(vec!["a".into(), "b".into(), "a".into()]), Event::Key('h'), Event::Key('q')]
        );
        assert_eq!(coalesce([Event::Key('n'), Event::InputClosed].into_iter()), [Event::Key('n'), Event::InputClosed]);
    }

    #[test]
    fn the_screen_warns_about_a_changed_test_file_of_its_exercise() {
        let fake = FakeCourse::new();
        let course = fake.course();
        crate::seal::seal(&course).unwrap();
        fake.write("exercises/02_beta/tests/beta.rs", "// mine\n");
        fake.write("exercises/01_alpha/tests/alpha.rs", "// mine too\n");
        let watch = watch(&course);
        let mut out = Vec::new();
        watch.draw(&mut out).unwrap();
        let screen = String::from_utf8(out).unwrap();
        assert!(screen.contains("exercises/02_beta/tests/beta.rs was changed"), "{screen}");
        assert!(!screen.contains("alpha.rs"), "another exercise's file is its own screen's business:\n{screen}");
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
