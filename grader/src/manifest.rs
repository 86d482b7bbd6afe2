//! The course manifest, `course.toml`: the exercises in curriculum order with
//! what a student needs to know about each, and the capstone.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

pub use crate::model::Visibility;

pub const MANIFEST_FILE: &str = "course.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub course: CourseInfo,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(rename = "exercise", default)]
    pub exercises: Vec<ExerciseEntry>,
    pub capstone: Option<CapstoneEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseInfo {
    pub title: String,
}

/// Limits and weights that apply to every exercise that does not say otherwise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub points: u32,
    /// Limit on the tests of one test binary, from when they start: the
    /// tools' and the browser's start-up are not counted (see
    /// [`crate::test_clock`]).
    pub test_timeout_secs: u64,
    /// Limit on the start-up of each test binary (cargo, wasm-bindgen, the
    /// driver): the machine's time, never the student's.
    pub startup_timeout_secs: u64,
    /// Wall-clock limit on compiling one exercise; the first build compiles
    /// wasm-bindgen and its dependencies, which is slow on a small machine.
    pub build_timeout_secs: u64,
    /// The score that passes, in percent of the maximum (`grader grade`).
    pub pass_mark: f64,
    /// Who sees each exercise's tests where a platform can hide them
    /// (Gradescope): an exercise or milestone may say otherwise.
    pub visibility: Visibility,
    /// Who sees what grading printed there (Gradescope's `stdout_visibility`).
    pub stdout_visibility: Visibility,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            points: 10,
            test_timeout_secs: 10,
            startup_timeout_secs: 180,
            build_timeout_secs: 600,
            pass_mark: 100.0,
            visibility: Visibility::Visible,
            stdout_visibility: Visibility::Visible,
        }
    }
}

/// Files of an exercise crate a student may change, relative to the crate,
/// when course.toml does not say: the sources. Everything else (tests, JS
/// harnesses, Cargo.toml) is the instructor's and is graded as shipped.
pub const DEFAULT_EDITABLE: &[&str] = &["src/**"];

/// The file a student works in when course.toml does not say.
pub const DEFAULT_EDIT: &str = "src/lib.rs";

/// Where an exercise's tests can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestEnv {
    /// Needs a browser (DOM, canvas, ...): the suite says `run_in_browser`.
    Browser,
    /// Runs in a browser or in Node.js.
    Any,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseEntry {
    /// Short name used on the command line, e.g. `typed_views`.
    pub name: String,
    /// Directory under `exercises/` and `solutions/`, e.g. `01_typed_views`.
    pub dir: String,
    pub title: String,
    /// The lesson concept it teaches.
    pub concept: String,
    /// Help in tiers, revealed one at a time on request: the idea first,
    /// then the shape of the code, the concrete lines last.
    pub hints: Vec<String>,
    pub env: TestEnv,
    pub points: Option<u32>,
    pub test_timeout_secs: Option<u64>,
    /// Relative weights of tests by name; a test not listed weighs 1.
    #[serde(default)]
    pub test_weights: BTreeMap<String, f64>,
    /// Tests that pass on the shipped stub: they show what the exercise is
    /// about and carry no points, so an untouched course scores nothing.
    /// `grader verify` checks the list against the stub both ways.
    #[serde(default)]
    pub demonstrations: Vec<String>,
    /// Globs, relative to the crate, of the files a student edits
    /// (default [`DEFAULT_EDITABLE`]).
    #[serde(default)]
    pub editable: Vec<String>,
    /// The file a student works in, relative to the crate (default
    /// [`DEFAULT_EDIT`]): what "next: … (edit …)" names. One of the
    /// editable files.
    pub edit: Option<String>,
    /// JavaScript the crate may import beyond what its shipped stub
    /// imports: what the reference solution needs (`grader verify` lists
    /// any it lacks), or another way of doing it the instructor allows.
    /// wasm-bindgen import names, e.g. `__wbg_buffer_0123456789abcdef`.
    #[serde(default)]
    pub imports: Vec<String>,
    /// Where the student writes JavaScript (an editable `page.js`): the
    /// global names it may use besides its own parameters, locals and
    /// functions, e.g. `Float64Array` (see [`crate::integrity`]).
    #[serde(default)]
    pub page_globals: Vec<String>,
    /// And the names it may use after a dot: the exports it is handed and
    /// what it needs of its values (`length`, `buffer`, `set`, ...).
    #[serde(default)]
    pub page_members: Vec<String>,
    /// The test written for the memory bug students most often make here
    /// (a pointer to freed bytes, or to the struct instead of its data).
    /// When the failures show memory corruption, it is run again alone —
    /// so that no other test's corruption reaches it — and its own failure
    /// is the one shown first. `grader verify` checks that it is a test.
    pub corruption_test: Option<String>,
    /// A realistic run of the crate for `grader profile`.
    pub workload: Option<Workload>,
    /// Who sees its tests on a platform that can hide them (default: `[defaults]`'s).
    pub visibility: Option<Visibility>,
}

/// A realistic run of an exercise's crate, for `grader profile`: a
/// JavaScript module beside the crate's Cargo.toml (the instructor's file,
/// graded as shipped) whose default export is called with the crate built
/// in release, as `{ lib, memory }` (wasm-bindgen's module and the linear
/// memory).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// What it does, for the profile's heading: "a 4K frame turned gray, 10 times".
    pub about: String,
    /// The module's file name, in the crate's directory.
    pub script: String,
}

/// Names no page may be allowed, whatever course.toml says: they lead to
/// the global object, to every object's prototype, or to code made from
/// text, and so to everything the grammar keeps out.
pub const NEVER_ON_A_PAGE: &[&str] = &[
    "globalThis",
    "window",
    "self",
    "top",
    "parent",
    "frames",
    "document",
    "eval",
    "Function",
    "Reflect",
    "Proxy",
    "Object",
    "constructor",
    "prototype",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
    "caller",
    "callee",
    "arguments",
];

/// Whether an editable glob names JavaScript files, which the student then writes.
pub fn is_javascript_glob(glob: &str) -> bool {
    glob.ends_with(".js") || glob.ends_with(".mjs")
}

impl Workload {
    /// The script is a file beside the crate's Cargo.toml, served to the
    /// profiling page from there: a plain name, JavaScript.
    fn check(&self, whose: &str) -> Result<()> {
        let plain = !self.script.contains(['/', '\\']) && !self.script.starts_with('.');
        if !plain || !(self.script.ends_with(".js") || self.script.ends_with(".mjs")) {
            bail!(
                "{whose}: workload.script must be a .js or .mjs file in the crate's directory, named without a \
                 path, not `{}`",
                self.script
            );
        }
        Ok(())
    }
}

impl ExerciseEntry {
    /// A test's weight among the exercise's tests: none for a demonstration.
    pub fn weight(&self, test: &str) -> f64 {
        if self.demonstrations.iter().any(|name| name == test) {
            0.0
        } else {
            self.test_weights.get(test).copied().unwrap_or(1.0)
        }
    }

    /// The file a student works in, relative to the crate.
    pub fn edit_file(&self) -> &str {
        self.edit.as_deref().unwrap_or(DEFAULT_EDIT)
    }

    /// Weights are numbers ≥ 0, a demonstration has no weight to give, and
    /// the file to edit is one the student may edit.
    fn check_points(&self) -> Result<()> {
        if self.test_weights.values().any(|w| !(w.is_finite() && *w >= 0.0)) {
            bail!("exercise `{}`: test_weights must be numbers ≥ 0", self.name);
        }
        if let Some(both) = self.demonstrations.iter().find(|name| self.test_weights.contains_key(*name)) {
            bail!(
                "exercise `{}`: `{both}` is a demonstration, which carries no points, and has a test weight too",
                self.name
            );
        }
        let mut editable = globset::GlobSetBuilder::new();
        for glob in self.editable_globs() {
            editable.add(
                globset::Glob::new(&glob)
                    .with_context(|| format!("exercise `{}`: editable `{glob}` is not a valid glob", self.name))?,
            );
        }
        if !editable.build()?.is_match(self.edit_file()) {
            bail!(
                "exercise `{}`: edit = \"{}\" is not one of its editable files ({})",
                self.name,
                self.edit_file(),
                self.editable_globs().join(", ")
            );
        }
        Ok(())
    }

    /// `page_globals` and `page_members` are plain JavaScript names, none
    /// of [`NEVER_ON_A_PAGE`], on an exercise whose student writes JavaScript.
    fn check_page_names(&self) -> Result<()> {
        let names = || self.page_globals.iter().chain(&self.page_members);
        if names().next().is_some() && !self.editable_globs().iter().any(|glob| is_javascript_glob(glob)) {
            bail!(
                "exercise `{}`: page_globals and page_members are for an exercise whose `editable` lists a .js file",
                self.name
            );
        }
        for name in names() {
            let mut chars = name.chars();
            let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
            if !plain {
                bail!(
                    "exercise `{}`: `{name}` in page_globals or page_members is not a plain JavaScript name",
                    self.name
                );
            }
            if NEVER_ON_A_PAGE.contains(&name.as_str()) {
                bail!(
                    "exercise `{}`: a page may never use `{name}` (it leads to the global object, every object's \
                     prototype or code made from text); remove it from page_globals or page_members",
                    self.name
                );
            }
        }
        Ok(())
    }

    /// The globs of files a student may edit, relative to the crate.
    pub fn editable_globs(&self) -> Vec<String> {
        if self.editable.is_empty() {
            DEFAULT_EDITABLE.iter().map(|glob| glob.to_string()).collect()
        } else {
            self.editable.clone()
        }
    }
}

/// The capstone: one crate, graded milestone by milestone, each milestone a
/// test file `<dir>/tests/<milestone>.rs`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapstoneEntry {
    pub name: String,
    pub dir: String,
    pub title: String,
    #[serde(default = "any_env")]
    pub env: TestEnv,
    /// As for an exercise: the files of the capstone crate a student edits.
    #[serde(default)]
    pub editable: Vec<String>,
    /// As for an exercise: JavaScript the capstone crate may import beyond its stub.
    #[serde(default)]
    pub imports: Vec<String>,
    /// In the order a student works through them.
    #[serde(rename = "milestone", default)]
    pub milestones: Vec<MilestoneEntry>,
    /// As for an exercise: the capstone crate's realistic run, for `grader profile`.
    pub workload: Option<Workload>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneEntry {
    /// Also the name of its test file.
    pub name: String,
    pub title: String,
    pub concept: String,
    /// As for an exercise: tiers, from the idea to the code.
    pub hints: Vec<String>,
    pub points: Option<u32>,
    pub test_timeout_secs: Option<u64>,
    #[serde(default)]
    pub test_weights: BTreeMap<String, f64>,
    /// As for an exercise: tests that pass on the shipped stub, worth nothing.
    #[serde(default)]
    pub demonstrations: Vec<String>,
    /// As for an exercise: who sees its tests on a platform that can hide them.
    pub visibility: Option<Visibility>,
}

impl CapstoneEntry {
    /// `milestone` as an exercise entry of the capstone crate.
    pub fn entry_for(&self, milestone: &MilestoneEntry) -> ExerciseEntry {
        ExerciseEntry {
            name: format!("{}/{}", self.name, milestone.name),
            dir: self.dir.clone(),
            title: milestone.title.clone(),
            concept: milestone.concept.clone(),
            hints: milestone.hints.clone(),
            env: self.env,
            points: milestone.points,
            test_timeout_secs: milestone.test_timeout_secs,
            test_weights: milestone.test_weights.clone(),
            demonstrations: milestone.demonstrations.clone(),
            editable: self.editable.clone(),
            edit: None,
            imports: self.imports.clone(),
            page_globals: Vec::new(),
            page_members: Vec::new(),
            corruption_test: None,
            workload: self.workload.clone(),
            visibility: milestone.visibility,
        }
    }
}

fn any_env() -> TestEnv {
    TestEnv::Any
}

impl Manifest {
    pub fn load(course_root: &Path) -> Result<Manifest> {
        let path = course_root.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the course manifest {}", path.display()))?;
        Manifest::parse(&text).with_context(|| format!("{} is not a valid course manifest", path.display()))
    }

    pub fn parse(text: &str) -> Result<Manifest> {
        let manifest: Manifest = toml::from_str(text)?;
        manifest.check()?;
        Ok(manifest)
    }

    /// Mistakes that would otherwise surface later as confusing errors.
    fn check(&self) -> Result<()> {
        let mut names = HashSet::new();
        let mut dirs = HashSet::new();
        for exercise in &self.exercises {
            if !names.insert(exercise.name.as_str()) {
                bail!("exercise name `{}` is listed twice", exercise.name);
            }
            if !dirs.insert(exercise.dir.as_str()) {
                bail!("exercise directory `{}` is listed twice", exercise.dir);
            }
            exercise.check_points()?;
            if exercise.dir.contains(['/', '\\']) || exercise.dir.starts_with('.') {
                bail!(
                    "exercise `{}`: `dir` must be a plain directory name under exercises/, not `{}`",
                    exercise.name,
                    exercise.dir
                );
            }
            exercise.check_page_names()?;
            if let Some(workload) = &exercise.workload {
                workload.check(&exercise.name)?;
            }
        }
        if let Some(workload) = self.capstone.as_ref().and_then(|c| c.workload.as_ref()) {
            workload.check("the capstone")?;
        }
        for milestone in self.milestone_entries() {
            milestone.check_points()?;
        }
        if !(0.0..=100.0).contains(&self.defaults.pass_mark) {
            bail!("defaults.pass_mark is a percentage, 0 to 100, not {}", self.defaults.pass_mark);
        }
        Ok(())
    }

    pub fn find(&self, name: &str) -> Option<&ExerciseEntry> {
        self.exercises.iter().find(|e| e.name == name || e.dir == name)
    }

    /// The capstone's milestones as exercise entries of the capstone crate,
    /// named `<capstone>/<milestone>` (the name a student types), so they
    /// are graded like exercises.
    pub fn milestone_entries(&self) -> Vec<ExerciseEntry> {
        let Some(capstone) = &self.capstone else { return Vec::new() };
        capstone.milestones.iter().map(|m| capstone.entry_for(m)).collect()
    }

    pub fn points(&self, exercise: &ExerciseEntry) -> u32 {
        exercise.points.unwrap_or(self.defaults.points)
    }

    pub fn visibility(&self, exercise: &ExerciseEntry) -> Visibility {
        exercise.visibility.unwrap_or(self.defaults.visibility)
    }

    pub fn test_timeout_secs(&self, exercise: &ExerciseEntry) -> u64 {
        exercise.test_timeout_secs.unwrap_or(self.defaults.test_timeout_secs)
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Exercise `e`'s entry with `extra` lines of course.toml.
    pub fn entry(extra: &str) -> ExerciseEntry {
        Manifest::parse(&format!("{MINIMAL}{extra}\n")).unwrap().exercises.remove(0)
    }

    const MINIMAL: &str = r#"
        [course]
        title = "t"
        [[exercise]]
        name = "a"
        dir = "01_a"
        title = "A"
        concept = "c"
        hints = ["idea", "code"]
        env = "any"
    "#;

    #[test]
    fn defaults_fill_what_an_exercise_leaves_out() {
        let manifest = Manifest::parse(MINIMAL).unwrap();
        let a = &manifest.exercises[0];
        assert_eq!(manifest.points(a), 10);
        assert_eq!(manifest.test_timeout_secs(a), 10);
        assert_eq!(a.env, TestEnv::Any);
        assert!(manifest.capstone.is_none());
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let twice =
            format!("{MINIMAL}{}", MINIMAL.replace("[course]\n        title = \"t\"", "").replace("01_a", "02_a"));
        let error = Manifest::parse(&twice).unwrap_err();
        assert!(error.to_string().contains("listed twice"), "{error}");
    }

    #[test]
    fn unknown_keys_are_rejected_rather_than_ignored() {
        let typo = MINIMAL.replace("hints =", "hnits =");
        assert!(Manifest::parse(&typo).is_err());
    }

    #[test]
    fn page_allowlists_are_plain_names_never_the_dangerous_ones_on_a_javascript_exercise() {
        let page = MINIMAL.replace("env = \"any\"", "env = \"any\"\neditable = [\"src/**\", \"page.js\"]");
        let with = |lists: &str| Manifest::parse(&format!("{page}{lists}\n"));
        let allowed = with("page_globals = [\"Float64Array\"]\npage_members = [\"length\", \"$x\"]").unwrap();
        assert_eq!(allowed.exercises[0].page_members, ["length", "$x"]);
        for (lists, says) in [
            ("page_members = [\"a.b\"]", "`a.b` in page_globals or page_members is not a plain JavaScript name"),
            ("page_globals = [\"\"]", "`` in page_globals or page_members is not a plain"),
            ("page_globals = [\"globalThis\"]", "a page may never use `globalThis`"),
            ("page_members = [\"constructor\"]", "a page may never use `constructor`"),
        ] {
            let error = with(lists).unwrap_err();
            assert!(error.to_string().contains(says), "{lists}: {error}");
        }
        let error = Manifest::parse(&format!("{MINIMAL}page_members = [\"length\"]\n")).unwrap_err();
        assert!(error.to_string().contains("whose `editable` lists a .js file"), "{error}");
    }

    #[test]
    fn visibility_is_the_exercises_else_the_courses_and_only_gradescopes_words() {
        let manifest = Manifest::parse(&format!("{MINIMAL}visibility = \"hidden\"\n")).unwrap();
        assert_eq!(manifest.visibility(&manifest.exercises[0]), Visibility::Hidden);
        let text = MINIMAL.replace("[[exercise]]", "[defaults]\nvisibility = \"after_due_date\"\n[[exercise]]");
        let manifest = Manifest::parse(&text).unwrap();
        assert_eq!(manifest.visibility(&manifest.exercises[0]), Visibility::AfterDueDate);
        assert_eq!(manifest.defaults.stdout_visibility, Visibility::Visible, "visible unless the course says");
        let error = Manifest::parse(&format!("{MINIMAL}visibility = \"secret\"\n")).unwrap_err();
        assert!(format!("{error:#}").contains("after_due_date"), "{error:#}");
    }

    #[test]
    fn a_workload_script_is_a_javascript_file_beside_the_crate() {
        let with = |script: &str| format!("{MINIMAL}\n[exercise.workload]\nabout = \"a run\"\nscript = \"{script}\"\n");
        assert!(Manifest::parse(&with("profile.js")).is_ok());
        for wrong in ["../../secret.js", "sub/profile.js", ".hidden.js", "profile.rs"] {
            let error = Manifest::parse(&with(wrong)).unwrap_err();
            assert!(format!("{error:#}").contains("workload.script"), "{wrong}: {error:#}");
        }
    }

    #[test]
    fn an_exercise_dir_cannot_escape_exercises() {
        let escape = MINIMAL.replace("\"01_a\"", "\"../grader\"");
        let error = Manifest::parse(&escape).unwrap_err();
        assert!(error.to_string().contains("plain directory name"), "{error}");
    }

    #[test]
    fn the_file_to_edit_is_an_editable_one_and_a_demonstration_has_no_weight() {
        assert_eq!(entry("").edit_file(), "src/lib.rs");
        assert_eq!(entry("edit = \"src/memory.wat\"").edit_file(), "src/memory.wat");
        let outside = Manifest::parse(&format!("{MINIMAL}edit = \"tests/a.rs\"\n")).unwrap_err();
        assert!(outside.to_string().contains("edit = \"tests/a.rs\" is not one of its editable files"), "{outside}");
        let weighed = Manifest::parse(&format!("{MINIMAL}demonstrations = [\"t\"]\ntest_weights = {{ t = 2.0 }}\n"));
        assert!(weighed.unwrap_err().to_string().contains("`t` is a demonstration"));
        let demonstrated = entry("demonstrations = [\"t\"]");
        assert_eq!((demonstrated.weight("t"), demonstrated.weight("u")), (0.0, 1.0));
    }
}
