//! `grader profile NAME`: the lesson's last rule — profile before
//! optimizing — done for the student. The exercise's crate is built in
//! release (the build whose speed matters), its workload (course.toml's
//! `[exercise.workload]`, a realistic run) is run once to warm up and once
//! under the DevTools protocol's sampling profiler in headless Chromium
//! (`grader/js/profile/`), and the profile is written as a `.cpuprofile`
//! and drawn as a flame graph; the report lists the hottest functions and
//! where they are in the student's source. Nothing here is graded.

use crate::cpuprofile::{hottest, CpuProfile, Frame};
use crate::discover::{package_name, rust_files_in, Course, Exercise};
use crate::flame_graph;
use crate::manifest::Workload;
use crate::model::{Engine, FrameKind, ProfileReport, Variant};
use crate::process::{run_limited, Finished};
use crate::progress::Observer;
use crate::report::html::{Gallery, ProfileDrawing};
use crate::tools::{Browser, MissingTool, Toolbox};
use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How many functions the report lists.
const HOTTEST: usize = 10;

pub struct Plan {
    pub variant: Variant,
    /// Where the profile, the flame graph and the built module go.
    pub out_dir: PathBuf,
}

/// `target/profile/NAME` (a milestone's `/` becomes `-`).
pub fn default_out_dir(course: &Course, exercise: &Exercise) -> PathBuf {
    profile_dir(course, &exercise.entry.name)
}

/// Where the profile of `name` goes by default, and the report looks for it.
fn profile_dir(course: &Course, name: &str) -> PathBuf {
    course.target_dir().join("profile").join(name.replace('/', "-"))
}

/// What the course's tools last drew, for the HTML report: the profiles,
/// the benchmark's chart, the mix page when it is built.
pub fn gallery(course: &Course) -> Gallery {
    Gallery { profiles: drawings(course), bench_chart: crate::bench::saved_chart(course), mix_page: mix_page(course) }
}

/// The last profile of each exercise (and of the capstone) in its default
/// place, in course order, with the pictures its workload made.
fn drawings(course: &Course) -> Vec<ProfileDrawing> {
    let mut names: Vec<String> = course.manifest.exercises.iter().map(|e| e.name.clone()).collect();
    names.extend(course.manifest.capstone.iter().map(|c| c.name.clone()));
    names
        .into_iter()
        .filter_map(|name| {
            let dir = profile_dir(course, &name);
            let flame_graph = std::fs::read_to_string(dir.join("flamegraph.svg")).ok()?;
            let mut pictures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let path = entry.ok()?.path();
                    let stem = path.file_stem()?.to_str()?.to_string();
                    let png = path.extension().is_some_and(|e| e == "png");
                    (png && stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                        .then(|| Some((stem, std::fs::read(&path).ok()?)))?
                })
                .collect();
            // "frame-before" before "frame-after": the workload's order is
            // lost on disk, and before reads first.
            pictures.sort_by_key(|(name, _)| (!name.ends_with("before"), name.clone()));
            Some(ProfileDrawing { exercise: name, flame_graph, pictures })
        })
        .collect()
}

/// Where the mix page runs the student's own core, once it is built for it
/// (`bash mix/www/build.sh mix`): the page loads modules, so it is opened
/// from a local HTTP server in the course folder, not from a file.
fn mix_page(course: &Course) -> Option<String> {
    let capstone = course.manifest.capstone.as_ref()?;
    let built = course.root.join(&capstone.dir).join("www/pkg/mix.js").is_file();
    built.then(|| format!("http://localhost:8000/{}/www/", capstone.dir))
}

/// Builds, profiles and analyses one exercise's workload.
pub fn run(
    course: &Course,
    exercise: &Exercise,
    toolbox: &Toolbox,
    plan: &Plan,
    progress: &dyn Observer,
) -> Result<ProfileReport> {
    let name = &exercise.entry.name;
    let Some(workload) = &exercise.entry.workload else {
        let capstone = course.manifest.capstone.as_ref().filter(|c| c.workload.is_some()).map(|c| c.name.clone());
        let with: Vec<String> = course
            .exercises()
            .into_iter()
            .filter(|e| e.entry.workload.is_some())
            .map(|e| e.entry.name)
            .chain(capstone)
            .collect();
        bail!(
            "`{name}` has no workload to profile (course.toml's [exercise.workload]). These have one: {}.",
            if with.is_empty() { "none".to_string() } else { with.join(", ") }
        );
    };
    let browser = chromium(toolbox)?;
    let crate_dir = exercise.crate_dir(plan.variant);
    std::fs::create_dir_all(&plan.out_dir)
        .with_context(|| format!("cannot create {} for the profile", plan.out_dir.display()))?;

    progress.doing(&format!("building {name} in release"));
    // The student's own copy, or the reference: code the student trusts.
    let run = |command: Command, limit: Duration| Ok(run_limited(command, limit)?);
    let wasm = build_release(course, crate_dir, toolbox, &run)?;
    let built = bindgen(&wasm, &plan.out_dir.join("pkg"), toolbox, &run)?;

    progress.doing(&format!("running {} under the profiler in headless Chromium", workload.script));
    let cpuprofile = plan.out_dir.join(format!("{}.cpuprofile", name.replace('/', "-")));
    // The workload is the instructor's, beside the exercise's tests, for either crate.
    let runs = in_chromium(&exercise.exercise_dir, workload, &built, cpuprofile.as_os_str(), toolbox, browser, &run)?;
    let module = built.module;

    let text = std::fs::read_to_string(&cpuprofile).with_context(|| format!("cannot read {}", cpuprofile.display()))?;
    let profile = CpuProfile::parse(&text).context("Chromium's profile is not a .cpuprofile the grader can read")?;
    let tree = profile.call_tree();
    let flame = plan.out_dir.join("flamegraph.svg");
    let title = format!("{name}: {}", workload.about);
    std::fs::write(&flame, flame_graph::svg(&tree, &title))?;
    let sources = Sources::read(course, crate_dir, &exercise.exercise_dir, &module);
    Ok(ProfileReport {
        exercise: name.clone(),
        workload: workload.about.clone(),
        crate_profiled: plan.variant,
        run_ms: runs.ms,
        sampled_ms: (tree.total_us - tree.self_us) / 1000.0,
        samples: profile.samples.len(),
        hottest: hottest(&tree, HOTTEST, |frame| sources.locate(frame)),
        cpuprofile,
        flame_graph: flame,
    })
}

/// How a tool is run on the crate: as it is, or (a submission's, for its
/// costs) confined. Given the command and its time limit.
pub type Run<'a> = dyn Fn(Command, Duration) -> Result<Finished> + 'a;

/// Profiling needs Chromium and chromedriver: the DevTools protocol is Chrome's.
pub fn chromium(toolbox: &Toolbox) -> Result<&Browser> {
    match toolbox.browser.as_ref().filter(|b| b.engine == Engine::Chrome) {
        Some(browser) => Ok(browser),
        None => Err(MissingTool(
            "profiling records the run with Chrome's DevTools protocol, and no Chromium with chromedriver was \
             found. Install them with `cargo run -p grader -- --runner chrome setup`, then profile again."
                .to_string(),
        )
        .into()),
    }
}

/// `cargo rustc --release` of the crate as a cdylib (its Cargo.toml asks
/// for an rlib only): the `.wasm` file it wrote.
pub fn build_release(course: &Course, crate_dir: &Path, toolbox: &Toolbox, run: &Run) -> Result<PathBuf> {
    let limit = Duration::from_secs(course.manifest.defaults.build_timeout_secs);
    // A target directory per package: an exercise and its solution have
    // one library name, and a cdylib's file carries no hash, so in a shared
    // directory a build cargo finds fresh would leave the other's module.
    let package = package_name(crate_dir).unwrap_or_else(|| "crate".to_string());
    let target_dir = course.target_dir().join("profile-build").join(package);
    let mut build = crate::wasm_build::cargo("rustc", crate_dir, &target_dir, toolbox);
    build
        .args(["--release", "--lib", "--crate-type", "cdylib"])
        .args(["--message-format", "json-render-diagnostics", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"));
    let finished = run(build, limit)?;
    if finished.timed_out {
        bail!("the release build took longer than {} s and was stopped", limit.as_secs());
    }
    if !finished.success() {
        bail!(
            "the crate does not build in release, so there is nothing to profile yet; `cargo run -p grader -- run \
             NAME` shows the errors with their explanations:\n{}",
            finished.stderr.trim_end()
        );
    }
    wasm_artifact(&finished.stdout).context("cargo built no .wasm file")
}

/// A release module as wasm-bindgen made it for a page (`--target web`).
pub struct Built {
    /// Its directory: `MODULE.js` and `MODULE_bg.wasm`.
    pub package: PathBuf,
    pub module: String,
}

impl Built {
    /// The module the page loads.
    pub fn wasm(&self) -> PathBuf {
        self.package.join(format!("{}_bg.wasm", self.module))
    }
}

/// wasm-bindgen `--target web` of the built `wasm` into `package`.
pub fn bindgen(wasm: &Path, package: &Path, toolbox: &Toolbox, run: &Run) -> Result<Built> {
    let module = wasm.file_stem().and_then(|s| s.to_str()).context("the built module has no name")?.to_string();
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen.args(["--target", "web", "--out-dir"]).arg(package).arg(wasm).env("PATH", &toolbox.child_path);
    run(bindgen, Duration::from_secs(120))?.succeeded("wasm-bindgen")?;
    Ok(Built { package: package.to_path_buf(), module })
}

/// The `.wasm` file among cargo's `compiler-artifact` messages.
fn wasm_artifact(cargo_json: &str) -> Option<PathBuf> {
    cargo_json
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .flat_map(|message| {
            message["filenames"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| f.as_str().filter(|f| f.ends_with(".wasm")).map(PathBuf::from))
        })
        .last()
}

/// What the browser half prints: the second run's time (the first warms
/// up), and the linear memory's size after both.
#[derive(serde::Deserialize)]
pub struct Runs {
    pub ms: f64,
    pub memory_bytes: u64,
}

/// Runs the workload in headless Chromium through the browser half, which
/// writes the profile to `out` — or, when `out` is `measure`, only times it.
pub fn in_chromium(
    workload_dir: &Path,
    workload: &Workload,
    built: &Built,
    out: &OsStr,
    toolbox: &Toolbox,
    browser: &Browser,
    run: &Run,
) -> Result<Runs> {
    let package = &built.package;
    let driver = write_driver(package.parent().unwrap_or(package))?;
    let mut node = Command::new("node");
    node.arg(driver)
        .arg(package)
        .arg(&built.module)
        .arg(workload_dir)
        .arg(&workload.script)
        .arg(out)
        .env("PATH", &toolbox.child_path)
        .env("CHROMEDRIVER", &browser.driver)
        .env("CHROME", &browser.binary);
    let finished = match run(node, Duration::from_secs(900)) {
        Err(error)
            if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
        {
            return Err(MissingTool(
                "profiling drives Chromium from Node.js, and `node` is not on PATH. Install Node.js 18 or newer \
                 (https://nodejs.org, or your system's packages), then profile again."
                    .to_string(),
            )
            .into())
        }
        other => other?,
    };
    if finished.timed_out {
        bail!("the workload ran longer than 15 minutes and was stopped");
    }
    if !finished.success() {
        let said = finished.stderr.trim_end();
        if said.contains("RuntimeError: unreachable") {
            bail!(
                "the crate panicked while the workload ran (a `todo!()` not written yet, or a bug), so it cannot \
                 be profiled yet. Make its tests pass first (`cargo run -p grader -- run NAME`).\n{said}"
            );
        }
        bail!("profiling in Chromium failed:\n{said}");
    }
    serde_json::from_str(finished.stdout.trim())
        .with_context(|| format!("the profiler printed no times:\n{}", finished.stdout))
}

/// The browser half (grader/js), built into the grader so that it runs
/// the same in any copy of the course: (path under `driver/`, text).
const DRIVER: &[(&str, &str)] = &[
    ("browser.mjs", include_str!("../js/browser.mjs")),
    ("profile/profile.mjs", include_str!("../js/profile/profile.mjs")),
    ("profile/page.mjs", include_str!("../js/profile/page.mjs")),
    ("profile/index.html", include_str!("../js/profile/index.html")),
];

/// Writes the browser half under `dir/driver/`: the script to run.
fn write_driver(dir: &Path) -> Result<PathBuf> {
    let driver = dir.join("driver");
    for (path, text) in DRIVER {
        let path = driver.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(&driver))?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(driver.join("profile/profile.mjs"))
}

/// Where a profile's functions are, in files the student knows.
struct Sources<'a> {
    course: &'a Course,
    workload_dir: &'a Path,
    /// The library's name, the first segment of its functions' paths.
    module: &'a str,
    /// The crate's Rust files, read once: (path relative to the crate, text).
    rust: Vec<(String, String)>,
}

impl<'a> Sources<'a> {
    fn read(course: &'a Course, crate_dir: &Path, workload_dir: &'a Path, module: &'a str) -> Sources<'a> {
        let rust = rust_files_in(&crate_dir.join("src"))
            .into_iter()
            .filter_map(|file| {
                let text = std::fs::read_to_string(&file).ok()?;
                Some((file.strip_prefix(crate_dir).unwrap_or(&file).display().to_string(), text))
            })
            .collect();
        Sources { course, workload_dir, module, rust }
    }

    fn locate(&self, frame: &Frame) -> Option<String> {
        match frame.kind {
            FrameKind::Wasm => self.rust_function(&frame.name),
            FrameKind::JavaScript => {
                let (url, line) = frame.location.as_ref()?;
                let path = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
                let path = path.split_once('/').map_or("", |(_, path)| path);
                let line = line + 1;
                if let Some(beside) = path.strip_prefix("workload/") {
                    // The workload, or a module it imports from beside it.
                    Some(format!("{}:{line}", self.course.relative(&self.workload_dir.join(beside))))
                } else if path == "page.mjs" {
                    Some(format!("the grader's profiling page, page.mjs:{line}"))
                } else if let Some(glue) = path.strip_prefix("pkg/") {
                    Some(format!("wasm-bindgen's glue, {glue}:{line}"))
                } else {
                    Some(format!("{path}:{line}"))
                }
            }
            FrameKind::Boundary | FrameKind::Engine => None,
        }
    }

    /// `grayscale::Frame::grayscale_in_place` → `src/lib.rs:91`: the line
    /// of `fn grayscale_in_place` in the crate's sources, for a function
    /// of this crate. An export wasm-bindgen made, `frame_grayscale`, is
    /// found by its `js_name` or its Rust name after the class's
    /// (in a release build it holds what it calls, inlined).
    fn rust_function(&self, name: &str) -> Option<String> {
        let path = name.trim_start_matches('<');
        let segments: Vec<&str> = path.split("::").collect();
        if segments.len() > 1 {
            if segments[0] != self.module {
                return None;
            }
            let function = segments.iter().rev().find(|s| !s.starts_with('{') && !s.is_empty())?;
            let function = function.split(['<', '>', ' ']).next()?;
            return self.find(|text| fn_line(text, function));
        }
        let candidates: Vec<&str> =
            std::iter::once(name).chain(name.match_indices('_').map(|(at, _)| &name[at + 1..])).collect();
        candidates
            .iter()
            .find_map(|candidate| self.find(|text| js_name_line(text, candidate)))
            .or_else(|| candidates.iter().find_map(|candidate| self.find(|text| fn_line(text, candidate))))
    }

    /// `src/FILE:LINE` of the first of the crate's files where `line_of` finds it.
    fn find(&self, line_of: impl Fn(&str) -> Option<usize>) -> Option<String> {
        self.rust.iter().find_map(|(file, text)| Some(format!("{file}:{}", line_of(text)?)))
    }
}

/// The 1-based line of the `fn` that `#[wasm_bindgen(js_name = name)]`
/// names, in `source`.
fn js_name_line(source: &str, name: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let attribute = lines.iter().position(|line| {
        let code = line.split("//").next().unwrap_or("").replace(' ', "");
        [format!("js_name={name})"), format!("js_name={name},"), format!("js_name=\"{name}\"")]
            .iter()
            .any(|spelled| code.contains(spelled.as_str()))
    })?;
    // The attribute's own line may hold the fn too (`#[wasm_bindgen(js_name = f)] pub fn g()`).
    let code = |line: &&str| line.split("//").next().unwrap_or("").contains("fn ");
    lines[attribute..].iter().position(code).map(|i| attribute + i + 1)
}

/// The 1-based line where `fn name` is declared in `source`.
fn fn_line(source: &str, name: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| {
            let code = line.split("//").next().unwrap_or("");
            code.match_indices("fn ").any(|(at, _)| {
                let after = &code[at + 3..];
                let starts_word = at == 0 || !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                starts_word
                    && after.starts_with(name)
                    && !after[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_is_found_where_it_is_declared() {
        let source = "// fn luma is below\npub fn lumas() {}\n    pub fn luma(r: u8) -> u8 {\nfn luma_2() {}\n";
        assert_eq!(fn_line(source, "luma"), Some(3));
        assert_eq!(fn_line(source, "lumas"), Some(2));
        assert_eq!(fn_line(source, "missing"), None);
        assert_eq!(fn_line("fn a() {}\nunsafe fn b<T>() {}", "b"), Some(2));
    }

    #[test]
    fn an_export_is_found_by_its_js_name() {
        let source =
            "impl Frame {\n    #[wasm_bindgen(js_name = grayscale)]\n    pub fn grayscale_in_place(&mut self) {}\n}\n";
        assert_eq!(js_name_line(source, "grayscale"), Some(3));
        assert_eq!(js_name_line(source, "gray"), None);
    }

    #[test]
    fn the_wasm_file_is_read_from_cargos_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","filenames":["/t/libwasm_bindgen.rlib"]}"#,
            "\n",
            r#"{"reason":"compiler-artifact","filenames":["/t/release/grayscale.wasm","/t/release/grayscale.d"]}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(wasm_artifact(messages), Some(PathBuf::from("/t/release/grayscale.wasm")));
        assert_eq!(wasm_artifact("not json\n"), None);
    }
}
