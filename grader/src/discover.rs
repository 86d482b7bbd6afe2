//! Finding the course on disk: its root, and for each exercise in the
//! manifest the crates and test files that belong to it; and naming a path
//! inside the course ([`CoursePath`]).

use crate::manifest::{ExerciseEntry, Manifest, MANIFEST_FILE};
use crate::model::Kind;
use crate::ownership::Ownership;
use anyhow::{bail, Context, Result};
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

pub const EXERCISES_DIR: &str = "exercises";
pub const SOLUTIONS_DIR: &str = "solutions";

/// A course checkout: its root directory, its manifest, and which of its
/// files are whose.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub manifest: Manifest,
    pub ownership: Ownership,
}

pub use crate::model::Variant;

/// A path inside the course, relative to its root and `/`-separated, the
/// way findings, the seal and the walk of a course name files. Only the course
/// makes one, so a path is spelled one way, and whether it is inside a
/// directory is one rule ([`CoursePath::within`]) instead of a prefix each
/// caller builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoursePath(String);

impl CoursePath {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this path is inside the directory `dir`: below it, not `dir`
    /// itself, nor a sibling whose name it starts with (`01_alphabet` is not
    /// inside `01_alpha`).
    pub fn within(&self, dir: &CoursePath) -> bool {
        self.0.strip_prefix(dir.0.as_str()).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// A test an exercise's test files declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredTest {
    pub name: String,
    /// Its body as written (for the results' `test_code`).
    pub code: String,
    /// The test target that declares it: its file's name without `.rs`.
    pub target: String,
}

/// One manifest entry resolved against the file system.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub entry: ExerciseEntry,
    pub kind: Kind,
    /// `exercises/<dir>`, absolute.
    pub exercise_dir: PathBuf,
    /// `solutions/<dir>`, absolute.
    pub solution_dir: PathBuf,
    /// The integration test files, `exercises/<dir>/tests/*.rs`, sorted.
    pub test_files: Vec<PathBuf>,
}

impl Course {
    /// The course containing `start`: the nearest ancestor with a
    /// `course.toml`.
    pub fn locate(start: &Path) -> Result<Course> {
        let start = start.canonicalize().with_context(|| format!("cannot open {}", start.display()))?;
        let Some(root) = start.ancestors().find(|dir| dir.join(MANIFEST_FILE).is_file()) else {
            bail!(
                "no {MANIFEST_FILE} in {} or any directory above it. Run the grader from inside \
                 the course (where README.md and course.toml are), or pass --course <DIR>.",
                start.display()
            );
        };
        Course::open(root)
    }

    pub fn open(root: &Path) -> Result<Course> {
        let manifest = Manifest::load(root)?;
        let ownership = Ownership::of(&manifest)?;
        Ok(Course { root: root.to_path_buf(), manifest, ownership })
    }

    /// Every exercise of the manifest, in curriculum order.
    pub fn exercises(&self) -> Vec<Exercise> {
        self.manifest.exercises.iter().map(|entry| self.resolve(entry)).collect()
    }

    /// The capstone's milestones, in order, each graded by its own test
    /// file of the capstone crate (`<dir>/tests/<milestone>.rs`).
    pub fn milestones(&self) -> Vec<Exercise> {
        let Some(capstone) = &self.manifest.capstone else { return Vec::new() };
        capstone
            .milestones
            .iter()
            .map(|milestone| {
                let exercise_dir = self.root.join(&capstone.dir);
                let solution_dir = self.root.join(SOLUTIONS_DIR).join(&capstone.dir);
                let test_file = exercise_dir.join("tests").join(format!("{}.rs", milestone.name));
                let test_files = if test_file.is_file() { vec![test_file] } else { Vec::new() };
                let kind = Kind::Milestone { capstone: capstone.name.clone(), milestone: milestone.name.clone() };
                Exercise { entry: capstone.entry_for(milestone), kind, exercise_dir, solution_dir, test_files }
            })
            .collect()
    }

    /// What `name` designates: one exercise (by name or directory), the
    /// capstone (all its milestones) or one milestone (`mix/buffer`).
    pub fn select(&self, name: &str) -> Result<Vec<Exercise>> {
        if let Some(entry) = self.manifest.find(name) {
            return Ok(vec![self.resolve(entry)]);
        }
        // A file of an exercise, as an editor's task passes the one open:
        // `exercises/01_typed_views/src/lib.rs` grades typed_views.
        let path = Path::new(name);
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let mut parts = relative.components();
        if parts.next() == Some(Component::Normal(EXERCISES_DIR.as_ref())) {
            let dir = parts.next().and_then(|dir| dir.as_os_str().to_str());
            if let Some(entry) = dir.and_then(|dir| self.manifest.exercises.iter().find(|e| e.dir == dir)) {
                return Ok(vec![self.resolve(entry)]);
            }
        }
        let milestones = self.milestones();
        if self.manifest.capstone.as_ref().is_some_and(|c| c.name == name || c.dir == name) {
            return Ok(milestones);
        }
        if let Some(milestone) = milestones.into_iter().find(|m| m.entry.name == name) {
            return Ok(vec![milestone]);
        }
        let mut known: Vec<String> = self.manifest.exercises.iter().map(|e| e.name.clone()).collect();
        known.extend(self.manifest.capstone.iter().map(|c| c.name.clone()));
        known.extend(self.manifest.milestone_entries().into_iter().map(|m| m.name));
        bail!("no exercise or milestone named `{name}`; the course has: {}", known.join(", "))
    }

    fn resolve(&self, entry: &ExerciseEntry) -> Exercise {
        let exercise_dir = self.root.join(EXERCISES_DIR).join(&entry.dir);
        let solution_dir = self.root.join(SOLUTIONS_DIR).join(&entry.dir);
        let test_files = rust_files_in(&exercise_dir.join("tests"));
        Exercise { entry: entry.clone(), kind: Kind::Exercise, exercise_dir, solution_dir, test_files }
    }

    /// Where every build of the course goes: `CARGO_TARGET_DIR` if set, else
    /// `target/` at the root. The solutions are a workspace of their own, and
    /// sharing one directory means wasm-bindgen is compiled once for both.
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
            Some(dir) => std::env::current_dir().map(|cwd| cwd.join(&dir)).unwrap_or_else(|_| PathBuf::from(dir)),
            None => self.root.join("target"),
        }
    }

    /// Whether the reference solutions are here (not in a student edition).
    pub fn has_solutions(&self) -> bool {
        self.root.join(SOLUTIONS_DIR).join("Cargo.toml").is_file()
    }

    /// A path relative to the course root, for messages.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    /// `relative`, a path relative to the root as a finding or the seal
    /// names it, as a course path.
    pub fn path(&self, relative: &str) -> CoursePath {
        CoursePath(relative.replace('\\', "/").trim_end_matches('/').to_string())
    }

    /// `path`, on disk under the root, as a course path.
    pub fn path_of(&self, path: &Path) -> CoursePath {
        self.path(&self.relative(path))
    }
}

impl Exercise {
    /// The name as a file name: `typed_views`, `mix-buffer`.
    pub fn slug(&self) -> String {
        match &self.kind {
            Kind::Exercise => self.entry.name.clone(),
            Kind::Milestone { capstone, milestone } => format!("{capstone}-{milestone}"),
        }
    }

    pub fn crate_dir(&self, variant: Variant) -> &Path {
        match variant {
            Variant::Student => &self.exercise_dir,
            Variant::Reference => &self.solution_dir,
        }
    }

    /// Cargo test-target names: one per file in `tests/`, named after it.
    pub fn test_targets(&self) -> Vec<String> {
        self.test_files
            .iter()
            .filter_map(|file| file.file_stem().map(|stem| stem.to_string_lossy().into_owned()))
            .collect()
    }

    /// Test function names in the order the files declare them.
    pub fn declared_tests(&self) -> Vec<String> {
        self.declared().into_iter().map(|test| test.name).collect()
    }

    /// Each declared test, in the order the files declare them.
    pub fn declared(&self) -> Vec<DeclaredTest> {
        let mut declared = Vec::new();
        for file in &self.test_files {
            let Ok(source) = std::fs::read_to_string(file) else { continue };
            let target = file.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
            declared.extend(declared_tests(&source).into_iter().map(|(name, code)| DeclaredTest {
                name,
                code,
                target: target.clone(),
            }));
        }
        declared
    }
}

/// The name of the package whose manifest is in `crate_dir`.
pub fn package_name(crate_dir: &Path) -> Option<String> {
    let manifest: toml::Table = std::fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?.parse().ok()?;
    Some(manifest.get("package")?.get("name")?.as_str()?.to_string())
}

/// The `.rs` files directly inside `dir`, sorted; none if it does not exist.
pub fn rust_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    files
}

/// The names of the functions marked `#[wasm_bindgen_test]` in a test file,
/// in source order. Used to list results in the order a student reads them
/// (the runner reports them in its own order).
pub fn declared_test_names(source: &str) -> Vec<String> {
    declared_tests(source).into_iter().map(|(name, _)| name).collect()
}

/// Each `#[wasm_bindgen_test]` function of a test file, in source order,
/// with its body as written (for the results' `test_code`).
pub fn declared_tests(source: &str) -> Vec<(String, String)> {
    let mut tests = Vec::new();
    let mut marked = false;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let mut code = line.trim();
        if let Some(attribute) = code.strip_prefix("#[wasm_bindgen_test") {
            marked = true;
            // The function may follow on the same line: `#[wasm_bindgen_test] fn a() {}`.
            code = attribute.find(']').map_or("", |end| attribute[end + 1..].trim());
        }
        if marked {
            if let Some(name) = function_name(code) {
                let body = function_body(&source[offset..]).unwrap_or_default();
                tests.push((name, body));
                marked = false;
            }
        }
        offset += line.len();
    }
    tests
}

/// The name of the function a line declares, whatever its visibility and
/// qualifiers (`pub async fn name(`).
fn function_name(line: &str) -> Option<String> {
    const QUALIFIERS: &[&str] = &["pub(crate) ", "pub(super) ", "pub ", "async ", "unsafe ", "const "];
    let mut rest = line;
    loop {
        if let Some(after) = rest.strip_prefix("fn ") {
            let name: String = after.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            return (!name.is_empty()).then_some(name);
        }
        rest = QUALIFIERS.iter().find_map(|qualifier| rest.strip_prefix(qualifier))?.trim_start();
    }
}

/// The text inside the first `{ ... }` of `text` (a function from its
/// signature on), dedented; braces in strings, characters and comments do
/// not count.
fn function_body(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let open = text.find('{')?;
    let mut depth = 0usize;
    let mut index = open;
    while index < bytes.len() {
        match bytes[index] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(dedent(text[open + 1..index].trim_matches('\n')));
                }
            }
            b'"' => {
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if bytes.get(index + 2) == Some(&b'\'') => index += 2,
            b'\'' if bytes.get(index + 1) == Some(&b'\\') => {
                index += text[index + 2..].find('\'').map_or(0, |end| end + 2);
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                index += text[index..].find('\n').unwrap_or(text.len() - index);
            }
            _ => {}
        }
        index += 1;
    }
    None
}

fn dedent(text: &str) -> String {
    let indent =
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    text.lines().map(|l| l.get(indent..).unwrap_or(l.trim_start())).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{declared_test_names, declared_tests};

    #[test]
    fn tests_declared_pub_async_or_on_the_attributes_line_are_found() {
        let source = "#[wasm_bindgen_test]\npub fn a() {}\n\nfn helper() {}\n\
                      #[wasm_bindgen_test] fn b() { x(); }\nfn helper2() {}\n\
                      #[wasm_bindgen_test(unsupported = test)]\npub(crate) async fn c() {}\n";
        assert_eq!(declared_test_names(source), ["a", "b", "c"]);
        assert_eq!(declared_tests(source)[1].1.trim(), "x();");
    }

    use super::*;

    #[test]
    fn a_crates_package_name_is_read_from_its_manifest_as_a_document() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(package_name(dir.path()), None, "no manifest");
        let manifest =
            "[package]\nname = \"typed_views\"\nedition = \"2021\"\n\n[dependencies]\nwasm-bindgen = \"0.2\"\n";
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        assert_eq!(package_name(dir.path()).as_deref(), Some("typed_views"));
    }

    #[test]
    fn declared_tests_keep_source_order_and_skip_helpers() {
        let source = r#"
            fn helper() {}
            #[wasm_bindgen_test]
            fn second_alphabetically() {}
            #[wasm_bindgen_test]
            #[should_panic]
            async fn first_alphabetically() {}
        "#;
        assert_eq!(declared_test_names(source), ["second_alphabetically", "first_alphabetically"]);
    }

    #[test]
    fn a_tests_body_is_kept_as_written() {
        let source = "#[wasm_bindgen_test]\nfn braces_in_text() -> Result<(), String> {\n    let s = \"}{\"; // a } here\n    let c = '}';\n    if s.is_empty() {\n        return Err(format!(\"{c}\"));\n    }\n    Ok(())\n}\n\n#[wasm_bindgen_test]\nfn next() {}\n";
        let tests = declared_tests(source);
        assert_eq!(tests[0].0, "braces_in_text");
        assert_eq!(
            tests[0].1,
            "let s = \"}{\"; // a } here\nlet c = '}';\nif s.is_empty() {\n    return Err(format!(\"{c}\"));\n}\nOk(())"
        );
        assert_eq!(tests[1], ("next".to_string(), String::new()));
    }

    #[test]
    fn select_finds_an_exercise_by_name_and_by_directory() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let by_name = course.select("alpha").unwrap();
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].entry.name, "alpha");
        assert_eq!(by_name[0].kind, Kind::Exercise);
        assert_eq!(by_name[0].exercise_dir, fake.root().join("exercises/01_alpha"));
        assert_eq!(by_name[0].solution_dir, fake.root().join("solutions/01_alpha"));
        assert_eq!(by_name[0].test_files, vec![fake.root().join("exercises/01_alpha/tests/alpha.rs")]);
        let by_dir = course.select("02_beta").unwrap();
        assert_eq!(by_dir.iter().map(|e| e.entry.name.as_str()).collect::<Vec<_>>(), ["beta"]);
        // A file of it, as VS Code's task passes the one open.
        for file in ["exercises/02_beta/src/lib.rs", &format!("{}/exercises/02_beta/README.md", fake.root().display())]
        {
            let by_file = course.select(file).unwrap();
            assert_eq!(by_file.iter().map(|e| e.entry.name.as_str()).collect::<Vec<_>>(), ["beta"], "{file}");
        }
    }

    #[test]
    fn select_of_the_capstone_gives_every_milestone_in_order() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let all = course.select("mix").unwrap();
        let names: Vec<&str> = all.iter().map(|m| m.entry.name.as_str()).collect();
        assert_eq!(names, ["mix/buffer", "mix/motions"]);
        assert!(all.iter().all(|m| m.kind.is_milestone()));
        assert!(all.iter().all(|m| m.exercise_dir == fake.root().join("mix")));
        assert!(all.iter().all(|m| m.solution_dir == fake.root().join("solutions/mix")));
        assert_eq!(all[1].test_files, vec![fake.root().join("mix/tests/motions.rs")]);
    }

    #[test]
    fn select_of_one_milestone_gives_its_own_test_file_only() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let buffer = course.select("mix/buffer").unwrap();
        assert_eq!(buffer.len(), 1);
        let buffer = &buffer[0];
        assert_eq!(buffer.kind, Kind::Milestone { capstone: "mix".into(), milestone: "buffer".into() });
        assert_eq!(buffer.test_files, vec![fake.root().join("mix/tests/buffer.rs")]);
        assert_eq!(buffer.test_targets(), ["buffer"]);
        assert_eq!(buffer.declared_tests(), ["buffer_works"], "not the other milestone's tests");
        assert_eq!(buffer.slug(), "mix-buffer");
        assert_eq!(buffer.entry.points, Some(20), "the milestone's own entry");
    }

    #[test]
    fn an_unknown_name_is_an_error_listing_every_known_name() {
        let fake = FakeCourse::new();
        let course = fake.course();
        for unknown in ["gamma", "mix/nothing", "buffer", "01", "", "../01_alpha"] {
            let error = course.select(unknown).unwrap_err().to_string();
            assert!(error.contains(&format!("`{unknown}`")), "{error}");
            assert!(error.ends_with("alpha, beta, mix, mix/buffer, mix/motions"), "{error}");
        }
    }

    #[test]
    fn a_milestone_whose_test_file_is_missing_has_no_test_files() {
        let fake = FakeCourse::new();
        fake.remove("mix/tests/motions.rs");
        let motions = fake.course().select("mix/motions").unwrap();
        assert!(motions[0].test_files.is_empty());
        assert!(motions[0].declared_tests().is_empty());
    }

    #[test]
    fn test_files_are_the_rs_files_directly_in_tests_sorted() {
        let fake = FakeCourse::new();
        fake.write("exercises/01_alpha/tests/a_first.rs", "");
        fake.write("exercises/01_alpha/tests/notes.txt", "");
        fake.write("exercises/01_alpha/tests/common/mod.rs", "");
        let alpha = &fake.course().select("alpha").unwrap()[0];
        assert_eq!(alpha.test_targets(), ["a_first", "alpha"]);
    }

    #[test]
    fn a_course_path_is_within_the_directories_above_it_and_no_sibling() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let alpha = course.path_of(&fake.path("exercises/01_alpha"));
        assert_eq!(alpha, course.path("exercises/01_alpha/"), "one spelling");
        for inside in ["exercises/01_alpha/src/lib.rs", "exercises\\01_alpha\\tests\\alpha.rs"] {
            assert!(course.path(inside).within(&alpha), "{inside}");
        }
        for outside in ["exercises/01_alpha", "exercises/01_alphabet/src/lib.rs", "exercises/01_alph", "Cargo.toml"] {
            assert!(!course.path(outside).within(&alpha), "{outside}");
        }
        assert!(alpha.within(&course.path("exercises")));
    }

    #[test]
    fn locate_finds_the_course_from_a_directory_inside_it() {
        let fake = FakeCourse::new();
        let course = Course::locate(&fake.root().join("exercises/01_alpha/src")).unwrap();
        assert_eq!(course.root, fake.root().canonicalize().unwrap());
        let outside = tempfile::tempdir().unwrap();
        let error = Course::locate(outside.path()).unwrap_err().to_string();
        assert!(error.contains("no course.toml"), "{error}");
    }

    #[test]
    fn declared_tests_ignore_attributes_comments_and_strings_that_mention_fn() {
        let source = r#"
use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

// #[wasm_bindgen_test]
// fn commented_out() {}
/// fn in a doc comment
fn helper(s: &str) -> usize { s.len() }

#[wasm_bindgen_test]
#[ignore = "fn inside an attribute"]
#[allow(clippy::needless_return)]
fn with_more_attributes() {
    let text = "fn not_a_test() {}";
    assert_eq!(helper(text), 18);
}

#[wasm_bindgen_test(unsupported = test)]
/// A doc comment between the attribute and the function.
async fn with_arguments_and_docs() {
    let _ = 'x';
}

const SOURCE: &str = "
fn inside_a_string() {}
";

#[wasm_bindgen_test]
fn last() {
    let _ = '{';
}
"#;
        assert_eq!(declared_test_names(source), ["with_more_attributes", "with_arguments_and_docs", "last"]);
        let tests = declared_tests(source);
        assert_eq!(tests[0].1, "let text = \"fn not_a_test() {}\";\nassert_eq!(helper(text), 18);");
        assert_eq!(tests[1].1, "let _ = 'x';");
        assert_eq!(tests[2].1, "let _ = '{';", "a brace in a character is not a block");
    }

    #[test]
    fn a_body_with_escapes_and_lifetimes_ends_at_its_own_brace() {
        let source = "#[wasm_bindgen_test]\nfn escapes() {\n    let q = '\\'';\n    let s = \"a \\\" } b\";\n    let n = '\\n';\n    fn inner<'a>(x: &'a str) -> &'a str { x }\n}\nfn after() {}\n";
        let tests = declared_tests(source);
        assert_eq!(tests.len(), 1);
        assert_eq!(
            tests[0].1,
            "let q = '\\'';\nlet s = \"a \\\" } b\";\nlet n = '\\n';\nfn inner<'a>(x: &'a str) -> &'a str { x }"
        );
    }

    #[test]
    fn an_unfinished_test_is_still_declared_with_an_empty_body() {
        let tests = declared_tests("#[wasm_bindgen_test]\nfn cut_off() {\n    let x = 1;\n");
        assert_eq!(tests, [("cut_off".to_string(), String::new())]);
        assert!(declared_tests("").is_empty());
        assert!(declared_tests("#[wasm_bindgen_test]\n").is_empty());
    }

    /// The course the module tests build on, in a temporary directory:
    /// exercises `alpha` (`01_alpha`, `src/**` editable) and `beta`
    /// (`02_beta`, `src/**` and `page.js` editable), each with a README,
    /// a test file and a solution whose `[[test]]` is that file, and the
    /// capstone `mix` with milestones `buffer` and `motions`. Both
    /// lockfiles pin wasm-bindgen 0.2.100; the grader's own tests hold a
    /// fixture. Two `FakeCourse::new()` are byte for byte equal.
    pub(crate) struct FakeCourse {
        pub dir: tempfile::TempDir,
    }

    pub(crate) const FAKE_MANIFEST: &str = r#"[course]
title = "Fake course"

[defaults]
points = 10
test_timeout_secs = 60
pass_mark = 50

[[exercise]]
name = "alpha"
dir = "01_alpha"
title = "Alpha"
concept = "the first"
env = "any"
hints = ["the idea", "the code"]

[[exercise]]
name = "beta"
dir = "02_beta"
title = "Beta"
concept = "the second"
env = "browser"
editable = ["src/**", "page.js"]
page_members = ["sum"]
hints = ["the idea", "the shape", "the code"]

[capstone]
name = "mix"
dir = "mix"
title = "Mix"

[[capstone.milestone]]
name = "buffer"
title = "Buffer"
concept = "pieces"
points = 20
hints = ["the idea", "the code"]

[[capstone.milestone]]
name = "motions"
title = "Motions"
concept = "moving"
hints = ["the idea", "the code"]
"#;

    const FAKE_LOCK: &str = "version = 4\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.100\"\n";

    impl FakeCourse {
        pub fn new() -> FakeCourse {
            let fake = FakeCourse { dir: tempfile::tempdir().unwrap() };
            fake.write("course.toml", FAKE_MANIFEST);
            fake.write("Cargo.toml", "[workspace]\nmembers = [\"exercises/*\", \"mix\"]\n");
            fake.write("Cargo.lock", FAKE_LOCK);
            fake.write("rust-toolchain.toml", "[toolchain]\nchannel = \"stable\"\n");
            fake.write("README.md", "# Fake course\n");
            fake.write("solutions/Cargo.toml", "[workspace]\nmembers = [\"01_alpha\", \"02_beta\", \"mix\"]\n");
            fake.write("solutions/Cargo.lock", FAKE_LOCK);
            fake.write("grader/tests/fixtures/near_solution.rs", "pub fn answer() -> u32 { 42 }\n");
            fake.write("grader/src/main.rs", "fn main() {}\n");
            for (name, dir) in [("alpha", "01_alpha"), ("beta", "02_beta")] {
                let cargo = format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n");
                fake.write(&format!("exercises/{dir}/Cargo.toml"), &cargo);
                fake.write(&format!("exercises/{dir}/README.md"), &format!("# {name}\n"));
                fake.write(&format!("exercises/{dir}/src/lib.rs"), "pub fn answer() -> u32 {\n    todo!()\n}\n");
                fake.write(&format!("exercises/{dir}/tests/{name}.rs"), &test_file(&[&format!("{name}_works")]));
                let solution =
                    format!("{cargo}\n[[test]]\nname = \"{name}\"\npath = \"../../exercises/{dir}/tests/{name}.rs\"\n");
                fake.write(&format!("solutions/{dir}/Cargo.toml"), &solution);
                fake.write(&format!("solutions/{dir}/src/lib.rs"), "pub fn answer() -> u32 {\n    42\n}\n");
            }
            fake.write("exercises/02_beta/page.js", "export function run(lib, items) {\n  return lib.sum(items);\n}\n");
            fake.write("exercises/02_beta/harness.js", "export const harness = 1;\n");
            fake.write("mix/Cargo.toml", "[package]\nname = \"mix\"\nversion = \"0.1.0\"\n");
            fake.write("mix/README.md", "# mix\n");
            fake.write("mix/src/lib.rs", "pub mod buffer;\n");
            fake.write("mix/src/buffer.rs", "pub struct Buffer;\n");
            let mut solution = String::from("[package]\nname = \"mix\"\nversion = \"0.1.0\"\n");
            for milestone in ["buffer", "motions"] {
                fake.write(&format!("mix/tests/{milestone}.rs"), &test_file(&[&format!("{milestone}_works")]));
                solution.push_str(&format!(
                    "\n[[test]]\nname = \"{milestone}\"\npath = \"../../mix/tests/{milestone}.rs\"\n"
                ));
            }
            fake.write("solutions/mix/Cargo.toml", &solution);
            fake.write("solutions/mix/src/lib.rs", "pub mod buffer;\n");
            fake
        }

        pub fn root(&self) -> &Path {
            self.dir.path()
        }

        pub fn path(&self, relative: &str) -> PathBuf {
            self.root().join(relative)
        }

        /// Writes `text` at `relative`, making its directories.
        pub fn write(&self, relative: &str, text: &str) {
            let path = self.path(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        pub fn read(&self, relative: &str) -> String {
            std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
        }

        pub fn remove(&self, relative: &str) {
            let path = self.path(relative);
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }

        pub fn course(&self) -> Course {
            Course::open(self.root()).unwrap()
        }
    }

    /// A wasm-bindgen test file declaring `names`.
    pub(crate) fn test_file(names: &[&str]) -> String {
        let mut text = String::from("use wasm_bindgen_test::*;\n");
        for name in names {
            text.push_str(&format!("\n#[wasm_bindgen_test]\nfn {name}() {{\n    assert_eq!(1 + 1, 2);\n}}\n"));
        }
        text
    }
}
