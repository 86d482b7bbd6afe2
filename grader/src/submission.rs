//! Grading a submission against the instructor's pristine copy of the
//! course (`grade --reference DIR`): staging it, and comparing it with the
//! reference.
//!
//! A submission is graded in a staged copy made of the reference plus the
//! student's editable files (see [`crate::ownership`]), so a changed test is
//! graded with the original and a build.rs the student added never runs;
//! each difference is reported as a finding. The student's tree is only
//! read, and never through a symbolic link.
//!
//! The staged copy holds no solutions ([`WITHHELD`]): a submission cannot
//! read what is not there. An editable crate that breaks
//! [`crate::integrity`]'s rules, or holds a symbolic link, is graded as
//! shipped (the reference's stubs), so it scores what an untouched exercise
//! scores, and the finding says why.

use crate::discover::{Course, CoursePath};
use crate::integrity;
use crate::model::{Change, Finding};
use crate::ownership::{CrateRules, Ownership, ROOT_FILES, WITHHELD};
use crate::walk::{course_files, files, Entry};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The most an editable file may hold, far past what any exercise needs:
/// the checks read a file whole.
const MAX_EDITABLE_BYTES: u64 = 1024 * 1024;

/// A staged submission: where to grade it, and what was flagged.
pub struct Staged {
    pub root: PathBuf,
    pub findings: Vec<Finding>,
}

/// Builds (or brings up to date) the copy to grade in `work`: the
/// reference's files with the student's editable ones over them. Files
/// whose content is unchanged are not rewritten, so cargo's and the
/// grader's caches stay valid between runs.
pub fn stage(student: &Path, reference: &Course, work: &Path) -> Result<Staged> {
    let ownership = &reference.ownership;
    let student =
        student.canonicalize().with_context(|| format!("cannot open the submission {}", student.display()))?;
    let reference = reference
        .root
        .canonicalize()
        .with_context(|| format!("cannot open the reference course {}", reference.root.display()))?;
    if student == reference {
        bail!("--reference must be the instructor's own copy of the course, not the submission being graded");
    }
    let theirs = files(&student);
    let ours = files(&reference);

    let mut findings = compare(ownership, &student, &reference, &theirs, &ours)?;
    let broken = violations(ownership, &student, &theirs);
    // Crates whose editable files cannot be trusted are graded as shipped.
    let as_shipped: Vec<&str> =
        broken.iter().filter_map(|f| ownership.crate_of(&f.path)).map(|rules| rules.dir.as_str()).collect();
    findings.extend(broken.iter().cloned());
    let shipped = |path: &str| as_shipped.iter().any(|dir| path.starts_with(dir));

    let mut wanted: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (path, kind) in &ours {
        let withheld = WITHHELD.iter().any(|dir| path.starts_with(dir));
        if *kind == Entry::File && !withheld && (!ownership.is_editable(path) || shipped(path)) {
            wanted.insert(path.clone(), reference.join(path));
        }
    }
    for (path, kind) in &theirs {
        if *kind == Entry::File && ownership.is_editable(path) && !shipped(path) {
            wanted.insert(path.clone(), student.join(path));
        }
    }

    let root = work.join("course");
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    // Absolute, as cargo names every path it reports: the checks of what a
    // build made compare its paths with the staged crates'.
    let root = root.canonicalize().with_context(|| format!("cannot open {}", root.display()))?;
    for (path, source) in &wanted {
        let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
        let target = root.join(path);
        if std::fs::read(&target).ok().as_deref() != Some(&bytes[..]) {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &bytes).with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    for stale in files(&root).keys().filter(|path| !wanted.contains_key(*path)) {
        std::fs::remove_file(root.join(stale))?;
    }
    Ok(Staged { root, findings })
}

/// A digest of everything a build of the crate at `crate_dir` (relative to
/// `course`) depends on in the course: its files and the workspace's
/// manifest, lockfile and toolchain file. Two copies of a course with the
/// same digest build the same module.
pub fn crate_digest(course: &Path, crate_dir: &str) -> String {
    let mut hasher = Sha256::new();
    // Path's own starts_with compares whole names: `01_alphabet` is not in `01_alpha`.
    let depends = |p: &&String| Path::new(p.as_str()).starts_with(crate_dir) || ROOT_FILES.contains(&p.as_str());
    for path in course_files(course).iter().filter(depends) {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(course.join(path)).unwrap_or_default());
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}

/// Puts the crates at `crate_dirs` (relative to the course) of a staged
/// submission back as shipped — their editable files the reference's, any
/// the student added gone — for crates that broke a rule only grading
/// could see (what the compiler read, what the built module imports).
pub fn stage_as_shipped(reference: &Course, staged_root: &Path, crate_dirs: &[String]) -> Result<()> {
    let crate_dirs: Vec<CoursePath> = crate_dirs.iter().map(|dir| reference.path(dir)).collect();
    let editable_in_crate = |path: &str| {
        let in_crate = crate_dirs.iter().any(|dir| reference.path(path).within(dir));
        in_crate && reference.ownership.is_editable(path)
    };
    for path in files(staged_root).keys().filter(|p| editable_in_crate(p)) {
        std::fs::remove_file(staged_root.join(path))?;
    }
    for (path, kind) in files(&reference.root).iter().filter(|(p, _)| editable_in_crate(p)) {
        if *kind == Entry::File {
            let target = staged_root.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(reference.root.join(path), &target)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}

/// What the student's editable files may not do (see
/// [`crate::integrity`]), and every symbolic link in the submission.
fn violations(ownership: &Ownership, student: &Path, theirs: &BTreeMap<String, Entry>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (path, kind) in theirs {
        if let (Some(_), Some(what)) = (ownership.crate_of(path), kind.unchecked()) {
            findings.push(finding(path, Change::Forbidden, &format!("{what}; the exercise is graded as shipped")));
        } else if *kind == Entry::Symlink {
            let what = if ownership.crate_of(path).is_some() {
                "is a symbolic link, which is never followed; the exercise is graded as shipped"
            } else {
                "is a symbolic link, which is never followed; ignored"
            };
            findings.push(finding(path, Change::Forbidden, what));
        } else if let Some(rules) = ownership.crate_of(path).filter(|rules| rules.is_editable(path)) {
            let problems = file_problems(path, &student.join(path), rules);
            findings.extend(problems.into_iter().filter(|f| !compiler_decides(f)));
        }
    }
    findings
}

/// The problems of one editable file, as findings that fail its exercise.
/// A file the checks cannot read completely is a problem itself.
pub fn file_problems(path: &str, file: &Path, rules: &CrateRules) -> Vec<Finding> {
    let extension = Path::new(path).extension().and_then(|e| e.to_str());
    let problems = match read_editable(file) {
        Err(problem) => vec![problem],
        Ok(bytes) => match (extension, String::from_utf8(bytes)) {
            (Some("rs"), Ok(text)) => integrity::scan_rust(&text),
            (Some("js" | "mjs"), Ok(text)) => {
                integrity::check_page(&text, path.rsplit('/').next().unwrap_or(path), &rules.page)
            }
            (Some("rs" | "js" | "mjs"), Err(_)) => {
                vec!["is not UTF-8 text, so the grader cannot check it; save it as UTF-8".to_string()]
            }
            _ => Vec::new(),
        },
    };
    if problems.is_empty() {
        return Vec::new();
    }
    if problems == [integrity::UNTOKENIZED] {
        return vec![finding(path, Change::Forbidden, integrity::UNTOKENIZED)];
    }
    let what = format!("{}; the exercise is graded as shipped", problems.join("; "));
    vec![finding(path, Change::Forbidden, &what)]
}

/// Whether a finding of [`file_problems`] is only that the file's Rust does
/// not tokenize, which the compiler decides first (see
/// [`integrity::UNTOKENIZED`]): its crate is staged and built, and refused
/// only if it builds.
pub fn compiler_decides(finding: &Finding) -> bool {
    finding.message.ends_with(integrity::UNTOKENIZED)
}

/// An editable file's bytes, read no further than the size limit.
fn read_editable(file: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|opened| opened.take(MAX_EDITABLE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|error| format!("cannot be read ({error}), so the grader cannot check it; make it readable"))?;
    if bytes.len() as u64 > MAX_EDITABLE_BYTES {
        return Err(format!(
            "is larger than {} MiB, more than the grader checks; keep each file under that",
            MAX_EDITABLE_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// The findings that fail the crate at `crate_dir` in a course graded where
/// it is: its editable files' problems and symbolic links among them.
pub fn crate_problems(course_root: &Path, rules: &CrateRules) -> Vec<Finding> {
    let crate_root = course_root.join(&rules.dir);
    let entries = files(&crate_root);
    let mut findings = Vec::new();
    for (relative, kind) in entries {
        let path = format!("{}{relative}", rules.dir);
        if let Some(what) = kind.unchecked() {
            findings.push(finding(&path, Change::Forbidden, what));
            continue;
        }
        if !rules.is_editable(&path) {
            continue;
        }
        if kind == Entry::Symlink {
            findings.push(finding(&path, Change::Forbidden, "is a symbolic link, which is never followed"));
        } else {
            findings.extend(file_problems(&path, &course_root.join(&path), rules));
        }
    }
    findings
}

/// Every protected file the submission changed, removed or added.
fn compare(
    ownership: &Ownership,
    student: &Path,
    reference: &Path,
    theirs: &BTreeMap<String, Entry>,
    ours: &BTreeMap<String, Entry>,
) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for path in ours.keys().filter(|p| ownership.is_protected(p)) {
        if !theirs.contains_key(path) {
            findings.push(finding(
                path,
                Change::Removed,
                "is missing from the submission; graded with the reference copy",
            ));
        } else if theirs[path] == Entry::File
            && std::fs::read(student.join(path))? != std::fs::read(reference.join(path))?
        {
            let what = describe_change(path, &student.join(path), &reference.join(path));
            findings.push(finding(path, Change::Modified, &what));
        }
    }
    for path in theirs.keys().filter(|p| ownership.is_protected(p) && !ours.contains_key(*p)) {
        let what = if path.ends_with("build.rs") {
            "adds a build script, which would run code while building; ignored"
        } else {
            "is not part of the course, in a part the student does not edit; ignored"
        };
        findings.push(finding(path, Change::Added, what));
    }
    Ok(findings)
}

/// A finding on `path`, its message opening with the path.
pub fn finding(path: &str, change: Change, what: &str) -> Finding {
    Finding { path: path.to_string(), change, message: format!("{path} {what}") }
}

/// What a changed file means: a test edited, or a Cargo.toml that adds
/// dependencies or makes a proc-macro.
fn describe_change(path: &str, theirs: &Path, ours: &Path) -> String {
    let graded = "graded with the reference copy";
    if path.ends_with("Cargo.toml") {
        let table = |file: &Path| -> Option<toml::Table> { std::fs::read_to_string(file).ok()?.parse().ok() };
        let (Some(theirs), Some(ours)) = (table(theirs), table(ours)) else {
            return format!("differs from the reference; {graded}");
        };
        let mut added = Vec::new();
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let names = |t: &toml::Table| -> Vec<String> {
                t.get(section).and_then(|s| s.as_table()).map(|s| s.keys().cloned().collect()).unwrap_or_default()
            };
            let known = names(&ours);
            added.extend(names(&theirs).into_iter().filter(|n| !known.contains(n)).map(|n| format!("{n} ({section})")));
        }
        let proc_macro = theirs.get("lib").and_then(|l| l.get("proc-macro")).and_then(|v| v.as_bool()) == Some(true);
        let mut what = Vec::new();
        if !added.is_empty() {
            what.push(format!("adds {}", added.join(", ")));
        }
        if proc_macro {
            what.push("makes the crate a proc-macro".to_string());
        }
        if what.is_empty() {
            what.push("differs from the reference".to_string());
        }
        return format!("{}; ignored, {graded}", what.join(" and "));
    }
    if path.contains("/tests/") {
        return format!("(a test file) was edited; {graded}, so the edit earns nothing");
    }
    format!("differs from the reference; {graded}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::tests::{test_file, FakeCourse, FAKE_MANIFEST};
    use std::os::unix::fs::symlink;

    /// A student's copy, the instructor's, and where to stage.
    struct Setup {
        student: FakeCourse,
        reference: FakeCourse,
        work: tempfile::TempDir,
    }

    impl Setup {
        fn new() -> Setup {
            Setup { student: FakeCourse::new(), reference: FakeCourse::new(), work: tempfile::tempdir().unwrap() }
        }

        fn stage(&self) -> Staged {
            stage(self.student.root(), &self.reference.course(), self.work.path()).unwrap()
        }
    }

    fn staged_text(staged: &Staged, path: &str) -> Option<String> {
        std::fs::read_to_string(staged.root.join(path)).ok()
    }

    fn findings_on<'a>(staged: &'a Staged, path: &str) -> Vec<&'a Finding> {
        staged.findings.iter().filter(|f| f.path == path).collect()
    }

    /// The one finding on `path`, which must be a `change`.
    fn only_finding<'a>(staged: &'a Staged, path: &str, change: Change) -> &'a Finding {
        let found = findings_on(staged, path);
        assert_eq!(found.len(), 1, "one finding on {path}, got {:?}", staged.findings);
        assert_eq!(found[0].change, change, "{:?}", found[0]);
        assert!(found[0].message.starts_with(path), "a finding names its file: {}", found[0].message);
        found[0]
    }

    #[test]
    fn a_crate_caught_while_grading_is_staged_again_as_shipped_and_the_others_are_kept() {
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        setup.student.write("exercises/01_alpha/src/extra.rs", "pub fn more() {}\n");
        setup.student.write("exercises/02_beta/src/lib.rs", "pub fn answer() -> u32 { 7 }\n");
        let staged = setup.stage();
        stage_as_shipped(&setup.reference.course(), &staged.root, &["exercises/01_alpha".to_string()]).unwrap();
        let shipped = setup.reference.read("exercises/01_alpha/src/lib.rs");
        assert_eq!(staged_text(&staged, "exercises/01_alpha/src/lib.rs").unwrap(), shipped);
        assert!(staged_text(&staged, "exercises/01_alpha/src/extra.rs").is_none(), "the student's own file is gone");
        assert_eq!(staged_text(&staged, "exercises/02_beta/src/lib.rs").unwrap(), "pub fn answer() -> u32 { 7 }\n");
    }

    #[test]
    fn a_crates_digest_follows_its_content_and_the_workspaces_not_its_path_or_other_crates() {
        let (one, two) = (FakeCourse::new(), FakeCourse::new());
        let digest = crate_digest(one.root(), "exercises/01_alpha");
        assert_eq!(digest, crate_digest(two.root(), "exercises/01_alpha"), "two copies of one course agree");
        two.write("exercises/02_beta/src/lib.rs", "pub fn answer() -> u32 { 1 }\n");
        assert_eq!(digest, crate_digest(two.root(), "exercises/01_alpha"), "another crate is not its business");
        two.write("exercises/01_alpha/tests/alpha.rs", "#[test]\nfn other() {}\n");
        assert_ne!(digest, crate_digest(two.root(), "exercises/01_alpha"), "its tests are");
        one.write("Cargo.lock", "# another lockfile\n");
        assert_ne!(digest, crate_digest(one.root(), "exercises/01_alpha"), "the lockfile is");
    }

    #[test]
    fn an_untouched_submission_stages_the_reference_without_findings() {
        let setup = Setup::new();
        let staged = setup.stage();
        assert!(staged.findings.is_empty(), "{:?}", staged.findings);
        let staged_files = course_files(&staged.root);
        let expected: Vec<String> = course_files(setup.reference.root())
            .into_iter()
            .filter(|p| !p.starts_with("solutions/") && !p.starts_with("grader/tests/"))
            .collect();
        assert_eq!(staged_files, expected);
        assert!(staged_files.contains(&"exercises/01_alpha/tests/alpha.rs".to_string()));
        assert!(staged_files.contains(&"grader/src/main.rs".to_string()));
    }

    #[test]
    fn the_staged_tree_takes_the_students_editable_files() {
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
        setup.student.write("exercises/01_alpha/src/extra/more.rs", "pub const MORE: u8 = 1;\n");
        setup.student.write("exercises/02_beta/page.js", "export function run(lib, items) { return 1; }\n");
        setup.student.write("mix/src/buffer.rs", "pub struct Buffer { pieces: Vec<u8> }\n");
        setup.student.write("exercises/01_alpha/README.md", "# my notes\n");
        let staged = setup.stage();
        assert!(staged.findings.is_empty(), "{:?}", staged.findings);
        assert_eq!(staged_text(&staged, "exercises/01_alpha/src/lib.rs").unwrap(), "pub fn answer() -> u32 { 42 }\n");
        assert_eq!(staged_text(&staged, "exercises/01_alpha/src/extra/more.rs").unwrap(), "pub const MORE: u8 = 1;\n");
        assert!(staged_text(&staged, "exercises/02_beta/page.js").unwrap().contains("return 1;"));
        assert!(staged_text(&staged, "mix/src/buffer.rs").unwrap().contains("pieces"));
        assert_eq!(
            staged_text(&staged, "exercises/01_alpha/README.md").unwrap(),
            "# alpha\n",
            "prose is the reference's"
        );
        // The student's tree is only read.
        assert_eq!(setup.student.read("exercises/01_alpha/src/lib.rs"), "pub fn answer() -> u32 { 42 }\n");
    }

    #[test]
    fn an_edited_test_file_is_a_finding_and_the_reference_copy_is_graded() {
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/tests/alpha.rs", "#[wasm_bindgen_test]\nfn alpha_works() {}\n");
        setup.student.write("mix/tests/buffer.rs", "// nothing to test\n");
        let staged = setup.stage();
        let finding = only_finding(&staged, "exercises/01_alpha/tests/alpha.rs", Change::Modified);
        assert!(finding.message.contains("(a test file) was edited"), "{}", finding.message);
        only_finding(&staged, "mix/tests/buffer.rs", Change::Modified);
        assert_eq!(staged.findings.len(), 2, "{:?}", staged.findings);
        assert_eq!(
            staged_text(&staged, "exercises/01_alpha/tests/alpha.rs").unwrap(),
            setup.reference.read("exercises/01_alpha/tests/alpha.rs")
        );
        assert_eq!(staged_text(&staged, "mix/tests/buffer.rs").unwrap(), setup.reference.read("mix/tests/buffer.rs"));
    }

    #[test]
    fn a_removed_or_added_test_file_is_a_finding_and_only_the_references_are_staged() {
        let setup = Setup::new();
        setup.student.remove("exercises/02_beta/tests/beta.rs");
        setup.student.write("exercises/01_alpha/tests/mine.rs", &test_file(&["always_passes"]));
        let staged = setup.stage();
        only_finding(&staged, "exercises/02_beta/tests/beta.rs", Change::Removed);
        let added = only_finding(&staged, "exercises/01_alpha/tests/mine.rs", Change::Added);
        assert!(added.message.contains("ignored"), "{}", added.message);
        assert!(staged_text(&staged, "exercises/02_beta/tests/beta.rs").is_some(), "the reference's test is graded");
        assert!(staged_text(&staged, "exercises/01_alpha/tests/mine.rs").is_none());
    }

    #[test]
    fn a_changed_cargo_toml_says_what_it_adds_and_is_replaced() {
        let setup = Setup::new();
        let ours = setup.reference.read("exercises/01_alpha/Cargo.toml");
        setup.student.write(
            "exercises/01_alpha/Cargo.toml",
            &format!("{ours}\n[lib]\nproc-macro = true\n\n[dependencies]\nevil = \"1\"\n\n[build-dependencies]\ncc = \"1\"\n"),
        );
        setup.student.write("exercises/02_beta/Cargo.toml", "this is [not toml");
        setup.student.write("Cargo.toml", "[workspace]\nmembers = [\"exercises/01_alpha\"]\n");
        let staged = setup.stage();
        let alpha = only_finding(&staged, "exercises/01_alpha/Cargo.toml", Change::Modified);
        assert!(alpha.message.contains("adds evil (dependencies), cc (build-dependencies)"), "{}", alpha.message);
        assert!(alpha.message.contains("makes the crate a proc-macro"), "{}", alpha.message);
        let beta = only_finding(&staged, "exercises/02_beta/Cargo.toml", Change::Modified);
        assert!(beta.message.contains("differs from the reference"), "{}", beta.message);
        only_finding(&staged, "Cargo.toml", Change::Modified);
        for path in ["exercises/01_alpha/Cargo.toml", "exercises/02_beta/Cargo.toml", "Cargo.toml"] {
            assert_eq!(staged_text(&staged, path).unwrap(), setup.reference.read(path), "{path}");
        }
    }

    #[test]
    fn a_build_script_or_cargo_config_the_student_added_never_reaches_the_staged_tree() {
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/build.rs", "fn main() { std::process::exit(1) }\n");
        setup.student.write("mix/build.rs", "fn main() {}\n");
        setup.student.write(".cargo/config.toml", "[build]\nrustflags = [\"--cfg\", \"cheat\"]\n");
        setup.student.write("course.toml", &FAKE_MANIFEST.replace("points = 10", "points = 1000"));
        let staged = setup.stage();
        let build = only_finding(&staged, "exercises/01_alpha/build.rs", Change::Added);
        assert!(build.message.contains("adds a build script"), "{}", build.message);
        only_finding(&staged, "mix/build.rs", Change::Added);
        only_finding(&staged, ".cargo/config.toml", Change::Added);
        only_finding(&staged, "course.toml", Change::Modified);
        assert!(staged_text(&staged, "exercises/01_alpha/build.rs").is_none());
        assert!(staged_text(&staged, "mix/build.rs").is_none());
        assert!(!staged.root.join(".cargo").exists());
        assert_eq!(staged_text(&staged, "course.toml").unwrap(), FAKE_MANIFEST);
    }

    #[test]
    fn withheld_paths_never_appear_in_the_staged_tree() {
        let setup = Setup::new();
        // Whatever the student puts there is not theirs to put either.
        setup.student.write("solutions/01_alpha/src/lib.rs", "changed\n");
        setup.student.write("grader/tests/mine.rs", "changed\n");
        let staged = setup.stage();
        for withheld in WITHHELD {
            assert!(!staged.root.join(withheld).exists(), "{withheld} is in the staged tree");
        }
        assert!(course_files(&staged.root).iter().all(|p| !WITHHELD.iter().any(|w| p.starts_with(w))));
        assert!(staged.root.join("grader/src/main.rs").is_file(), "the rest of grader/ is kept");
    }

    #[test]
    fn a_symbolic_link_for_an_editable_file_is_never_followed_and_its_crate_is_graded_as_shipped() {
        let setup = Setup::new();
        let secret = setup.work.path().join("secret.rs");
        std::fs::write(&secret, "pub fn answer() -> u32 { 42 } // SECRET\n").unwrap();
        setup.student.remove("exercises/01_alpha/src/lib.rs");
        symlink(&secret, setup.student.path("exercises/01_alpha/src/lib.rs")).unwrap();
        setup.student.write("exercises/01_alpha/src/mine.rs", "pub const MINE: u8 = 1;\n");
        setup.student.write("exercises/02_beta/src/lib.rs", "pub fn answer() -> u32 { 7 }\n");
        let staged = setup.stage();
        let link = only_finding(&staged, "exercises/01_alpha/src/lib.rs", Change::Forbidden);
        assert!(link.message.contains("symbolic link"), "{}", link.message);
        assert!(link.message.contains("graded as shipped"), "{}", link.message);
        let staged_lib = staged.root.join("exercises/01_alpha/src/lib.rs");
        assert!(!staged_lib.is_symlink());
        assert_eq!(
            std::fs::read_to_string(&staged_lib).unwrap(),
            setup.reference.read("exercises/01_alpha/src/lib.rs")
        );
        assert!(staged_text(&staged, "exercises/01_alpha/src/mine.rs").is_none(), "the whole crate is as shipped");
        assert_eq!(staged_text(&staged, "exercises/02_beta/src/lib.rs").unwrap(), "pub fn answer() -> u32 { 7 }\n");
        for path in course_files(&staged.root) {
            assert!(!staged_text(&staged, &path).unwrap_or_default().contains("SECRET"), "{path}");
        }
    }

    #[test]
    fn a_linked_directory_or_a_link_outside_the_crates_is_reported_and_not_followed() {
        let setup = Setup::new();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("stolen.rs"), "// SECRET\n").unwrap();
        symlink(outside.path(), setup.student.path("mix/src/linked")).unwrap();
        symlink(outside.path(), setup.student.path("notes")).unwrap();
        let staged = setup.stage();
        let linked = only_finding(&staged, "mix/src/linked", Change::Forbidden);
        assert!(linked.message.contains("graded as shipped"), "{}", linked.message);
        let notes = only_finding(&staged, "notes", Change::Forbidden);
        assert!(notes.message.contains("ignored"), "{}", notes.message);
        assert!(findings_on(&staged, "mix/src/linked/stolen.rs").is_empty(), "the link is never walked into");
        assert!(!staged.root.join("mix/src/linked").exists());
        assert!(!staged.root.join("notes").exists());
    }

    #[test]
    fn a_dangling_link_for_a_protected_file_is_a_finding_not_a_failure_to_stage() {
        let setup = Setup::new();
        // Reading through it would fail (or, to a device like /dev/zero, never end).
        setup.student.remove("exercises/01_alpha/tests/alpha.rs");
        symlink("/nonexistent/alpha.rs", setup.student.path("exercises/01_alpha/tests/alpha.rs")).unwrap();
        let elsewhere = setup.work.path().join("Cargo.toml");
        std::fs::write(&elsewhere, "[workspace]\n").unwrap();
        setup.student.remove("Cargo.toml");
        symlink(&elsewhere, setup.student.path("Cargo.toml")).unwrap();
        let staged = stage(setup.student.root(), &setup.reference.course(), setup.work.path())
            .expect("a hostile link is reported, it does not stop grading");
        let test = only_finding(&staged, "exercises/01_alpha/tests/alpha.rs", Change::Forbidden);
        assert!(test.message.contains("symbolic link"), "{}", test.message);
        only_finding(&staged, "Cargo.toml", Change::Forbidden);
        assert_eq!(staged.findings.len(), 2, "{:?}", staged.findings);
        for path in ["exercises/01_alpha/tests/alpha.rs", "Cargo.toml"] {
            assert_eq!(staged_text(&staged, path).unwrap(), setup.reference.read(path), "{path}");
        }
    }

    #[test]
    fn an_editable_file_that_breaks_the_integrity_rules_grades_its_crate_as_shipped() {
        let setup = Setup::new();
        setup.student.write(
            "exercises/01_alpha/src/lib.rs",
            "const S: &str = include_str!(\"../../../solutions/01_alpha/src/lib.rs\");\n",
        );
        setup.student.write("exercises/02_beta/page.js", "export function run() { return globalThis; }\n");
        let staged = setup.stage();
        let rust = only_finding(&staged, "exercises/01_alpha/src/lib.rs", Change::Forbidden);
        assert!(rust.message.ends_with("the exercise is graded as shipped"), "{}", rust.message);
        only_finding(&staged, "exercises/02_beta/page.js", Change::Forbidden);
        for path in ["exercises/01_alpha/src/lib.rs", "exercises/02_beta/page.js"] {
            assert_eq!(staged_text(&staged, path).unwrap(), setup.reference.read(path), "{path}");
        }
    }

    #[test]
    fn staging_again_removes_what_is_no_longer_wanted() {
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/src/extra.rs", "pub const X: u8 = 1;\n");
        let first = setup.stage();
        assert!(first.root.join("exercises/01_alpha/src/extra.rs").is_file());
        std::fs::write(first.root.join("planted.rs"), "left behind").unwrap();
        setup.student.remove("exercises/01_alpha/src/extra.rs");
        let second = setup.stage();
        assert_eq!(second.root, first.root);
        assert!(!second.root.join("exercises/01_alpha/src/extra.rs").exists());
        assert!(!second.root.join("planted.rs").exists());
        assert!(second.findings.is_empty(), "{:?}", second.findings);
    }

    #[test]
    fn a_submission_cannot_be_its_own_reference_and_both_must_exist() {
        let setup = Setup::new();
        let same = stage(setup.student.root(), &setup.student.course(), setup.work.path()).err().unwrap();
        assert!(same.to_string().contains("not the submission"), "{same}");
        let reference = setup.reference.course();
        let missing = setup.work.path().join("missing");
        assert!(stage(&missing, &reference, setup.work.path()).is_err());
        // A reference without a course.toml is refused when it is opened;
        // one gone since is refused here.
        std::fs::remove_dir_all(setup.reference.root()).unwrap();
        assert!(stage(setup.student.root(), &reference, setup.work.path()).is_err());
    }

    #[test]
    fn crate_problems_finds_links_and_forbidden_code_in_a_course_graded_in_place() {
        let fake = FakeCourse::new();
        let course = fake.course();
        let alpha = course.ownership.crate_at("exercises/01_alpha").unwrap();
        assert!(crate_problems(fake.root(), alpha).is_empty());
        fake.write("exercises/01_alpha/src/lib.rs", "#[path = \"/etc/passwd\"] mod x;\n");
        symlink("/etc/hostname", fake.path("exercises/01_alpha/src/link.rs")).unwrap();
        // Not editable, so not this check's business.
        symlink("/etc/hostname", fake.path("exercises/01_alpha/tests/link.rs")).unwrap();
        let mut paths: Vec<String> = crate_problems(fake.root(), alpha).into_iter().map(|f| f.path).collect();
        paths.sort();
        assert_eq!(paths, ["exercises/01_alpha/src/lib.rs", "exercises/01_alpha/src/link.rs"]);
    }

    #[test]
    fn an_editable_file_the_checks_cannot_read_is_a_finding_and_its_crate_is_graded_as_shipped() {
        let setup = Setup::new();
        std::fs::write(setup.student.path("exercises/01_alpha/src/lib.rs"), b"pub fn f() {}\n// \xff\xfe\n").unwrap();
        let big = format!("pub const BIG: &str = \"{}\";\n", "x".repeat(MAX_EDITABLE_BYTES as usize));
        setup.student.write("exercises/01_alpha/src/big.rs", &big);
        setup.student.write(
            "exercises/02_beta/src/lib.rs",
            "#!/bin/true (\nconst _: () = panic!(\"{}\", include_str!(\"../../../solutions/x.rs\"));\n",
        );
        let deep = format!("const X: () = {}{};\n", "(".repeat(100_000), ")".repeat(100_000));
        setup.student.write("mix/src/deep.rs", &deep);
        let staged = setup.stage();
        for (path, what) in [
            ("exercises/01_alpha/src/lib.rs", "is not UTF-8 text"),
            ("exercises/01_alpha/src/big.rs", "is larger than 1 MiB"),
            ("exercises/02_beta/src/lib.rs", "`#!` line"),
            ("mix/src/deep.rs", "nests brackets more than 256 deep"),
        ] {
            let found = only_finding(&staged, path, Change::Forbidden);
            assert!(found.message.contains(what) && found.message.ends_with("graded as shipped"), "{}", found.message);
        }
        assert_eq!(staged.findings.len(), 4, "{:?}", staged.findings);
        for path in ["exercises/01_alpha/src/lib.rs", "exercises/02_beta/src/lib.rs", "mix/src/buffer.rs"] {
            assert_eq!(staged_text(&staged, path).unwrap(), setup.reference.read(path), "{path}");
        }
        assert!(staged_text(&staged, "mix/src/deep.rs").is_none());
    }

    #[test]
    fn text_that_does_not_tokenize_is_staged_for_the_compiler_to_judge_first() {
        let setup = Setup::new();
        let typo = "pub fn answer() -> u32 { 42 }\nfn broken( {\n";
        setup.student.write("exercises/01_alpha/src/lib.rs", typo);
        let staged = setup.stage();
        assert!(staged.findings.is_empty(), "{:?}", staged.findings);
        assert_eq!(staged_text(&staged, "exercises/01_alpha/src/lib.rs").unwrap(), typo);
        let reference = setup.reference.course();
        let found = crate_problems(&staged.root, reference.ownership.crate_at("exercises/01_alpha").unwrap());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(compiler_decides(&found[0]), "{found:?}");
        assert!(found[0].message.starts_with("exercises/01_alpha/src/lib.rs is not Rust"), "{found:?}");
        // Its crate is still graded as shipped when another file breaks a rule.
        setup.student.write("exercises/01_alpha/src/lib.rs", &format!("{typo}const S: &str = include_str!(\"x\");\n"));
        setup.student.write("exercises/01_alpha/src/more.rs", "const S: &str = include_str!(\"x\");\n");
        let staged = setup.stage();
        only_finding(&staged, "exercises/01_alpha/src/more.rs", Change::Forbidden);
        assert!(findings_on(&staged, "exercises/01_alpha/src/lib.rs").is_empty(), "{:?}", staged.findings);
        let shipped = setup.reference.read("exercises/01_alpha/src/lib.rs");
        assert_eq!(staged_text(&staged, "exercises/01_alpha/src/lib.rs").unwrap(), shipped);
    }

    #[test]
    fn a_name_the_checks_cannot_take_at_its_word_is_a_finding_wherever_it_is_in_a_crate() {
        use std::os::unix::ffi::OsStrExt;
        let setup = Setup::new();
        setup.student.write("exercises/01_alpha/src/a\nb.rs", "pub const A: u8 = 1;\n");
        setup.student.write("exercises/01_alpha/tests/back\\slash.rs", "\n");
        setup.student.write("mix/src/tab\tdir/x.rs", "pub const X: u8 = 1;\n");
        let not_utf8 = setup.student.path("exercises/02_beta/src").join(std::ffi::OsStr::from_bytes(b"\xffname.rs"));
        std::fs::write(not_utf8, "pub const B: u8 = 1;\n").unwrap();
        setup.student.write("notes/odd\nname.txt", "outside every crate\n");
        let staged = setup.stage();
        for path in [
            "exercises/01_alpha/src/a\\nb.rs",
            "exercises/01_alpha/tests/back\\slash.rs",
            "mix/src/tab\\tdir",
            "mix/src/tab\\tdir/x.rs",
            "exercises/02_beta/src/\u{fffd}name.rs",
        ] {
            let found = findings_on(&staged, path);
            let forbidden = found.iter().find(|f| f.change == Change::Forbidden);
            let named = forbidden.is_some_and(|f| f.message.contains("control character"));
            assert!(named, "{path}: {:?}", staged.findings);
        }
        assert!(findings_on(&staged, "notes/odd\\nname.txt").is_empty(), "outside the crates: not staged, not ours");
        for path in ["exercises/01_alpha/src/lib.rs", "exercises/02_beta/src/lib.rs", "mix/src/buffer.rs"] {
            assert_eq!(staged_text(&staged, path).unwrap(), setup.reference.read(path), "{path}");
        }
        assert!(course_files(&staged.root).iter().all(|p| !p.contains("name") && !p.contains("a\nb")));

        // The same, in a course graded where it is.
        let course = setup.student.course();
        let alpha = course.ownership.crate_at("exercises/01_alpha").unwrap();
        let found: Vec<String> = crate_problems(setup.student.root(), alpha).into_iter().map(|f| f.path).collect();
        assert_eq!(found, ["exercises/01_alpha/src/a\\nb.rs", "exercises/01_alpha/tests/back\\slash.rs"]);
    }
}
