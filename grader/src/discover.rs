//! Finding the course on disk: its root, and for each exercise in the
//! manifest the crates and test files that belong to it.

use crate::manifest::{ExerciseEntry, Manifest, MANIFEST_FILE};
use crate::model::Kind;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub const EXERCISES_DIR: &str = "exercises";
pub const SOLUTIONS_DIR: &str = "solutions";

/// A course checkout: its root directory and its manifest.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    pub manifest: Manifest,
}

/// Which of an exercise's two crates to grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The student's crate under `exercises/`.
    Exercise,
    /// The reference under `solutions/`, graded by the same tests.
    Solution,
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
        Ok(Course { root: root.to_path_buf(), manifest })
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
            Variant::Exercise => &self.exercise_dir,
            Variant::Solution => &self.solution_dir,
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
        self.declared_test_code().into_iter().map(|(name, _)| name).collect()
    }

    /// Each declared test with its body, in the order the files declare them.
    pub fn declared_test_code(&self) -> Vec<(String, String)> {
        self.test_files
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok())
            .flat_map(|source| declared_tests(&source))
            .collect()
    }
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
        let trimmed = line.trim();
        if trimmed.starts_with("#[wasm_bindgen_test") {
            marked = true;
        } else if marked {
            if let Some(rest) = trimmed.strip_prefix("fn ").or_else(|| trimmed.strip_prefix("async fn ")) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let body = function_body(&source[offset..]).unwrap_or_default();
                tests.push((name, body));
                marked = false;
            }
        }
        offset += line.len();
    }
    tests
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
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines().map(|l| l.get(indent..).unwrap_or(l.trim_start())).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
