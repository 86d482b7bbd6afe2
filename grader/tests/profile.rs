//! `grader profile` and `grader report --html`: an exercise's workload on a
//! release build, recorded by headless Chromium's sampling profiler — the
//! reference's and a deliberately slow variant's, each read back the way a
//! student's tools would read it: the `.cpuprofile` as JSON (what DevTools
//! and speedscope load), the flame graph's bars, the report (`--format
//! json`) — and the course's page, opened in headless Chromium.

mod common;

use common::{grader, require, Need, TempCourse};
use std::path::Path;

/// The reference solution's kernel, with each pixel's gray computed eight
/// times in a function of its own that is never inlined: the hot spot a
/// profile must find.
const SLOW_KERNEL: (&str, &str) =
    ("let gray = luma(pixel[0], pixel[1], pixel[2]);", "let gray = slow_luma(pixel[0], pixel[1], pixel[2]);");
const SLOW_FUNCTION: &str = "
/// luma, eight times over: the same answer, eight times the work.
#[inline(never)]
pub fn slow_luma(r: u8, g: u8, b: u8) -> u8 {
    let mut gray = 0;
    for _ in 0..8 {
        gray = luma(core::hint::black_box(r), core::hint::black_box(g), core::hint::black_box(b));
    }
    gray
}
";

/// `grader profile grayscale` with `args`, into `out` (else its default
/// place): the report as JSON.
fn profile(course: &Path, out: Option<&Path>, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["profile", "grayscale", "--format", "json"];
    if let Some(out) = out {
        all.extend(["--out", out.to_str().unwrap()]);
    }
    all.extend(args);
    let run = grader(course, &all);
    assert_eq!(run.code(), Some(0), "profiling must work\n{}\n{}", run.stdout, run.stderr);
    assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("--format json: {e}\n{}", run.stdout))
}

/// The profile file is V8's `Profiler.Profile`, as DevTools loads it.
fn assert_is_a_cpuprofile(path: &Path) {
    let profile: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let nodes = profile["nodes"].as_array().expect("nodes");
    assert!(nodes.len() > 3, "a call tree: {nodes:?}");
    for node in nodes {
        assert!(node["id"].is_u64() && node["callFrame"]["functionName"].is_string(), "{node}");
    }
    let samples = profile["samples"].as_array().expect("samples").len();
    assert!(samples > 100, "{samples} samples");
    assert_eq!(profile["timeDeltas"].as_array().expect("timeDeltas").len(), samples);
    assert!(profile["startTime"].as_f64() < profile["endTime"].as_f64());
}

/// The flame graph's bars: (name, kind, total ms, self ms).
fn bars(svg: &str) -> Vec<(String, String, f64, f64)> {
    let attribute = |bar: &str, name: &str| -> String {
        let start = bar.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        bar[start..start + bar[start..].find('"').unwrap()].to_string()
    };
    svg.lines()
        .filter(|line| line.starts_with("<g class=\"frame\""))
        .map(|bar| {
            (
                attribute(bar, "data-name"),
                attribute(bar, "data-kind"),
                attribute(bar, "data-total-ms").parse().unwrap(),
                attribute(bar, "data-self-ms").parse().unwrap(),
            )
        })
        .collect()
}

/// One course, its builds shared by every step: the reference profiled
/// (with the pictures its workload makes), the HTML report of the course
/// half solved, the shipped stub refused, a slow variant profiled, and the
/// reference again.
#[test]
fn profiles_of_the_reference_and_a_slow_variant_and_the_report_that_shows_them() {
    require(&[Need::Chromium, Need::Node]);
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .with_course_exercise("07_grayscale")
        .manifest(&[("struct_packing", "06_struct_packing"), ("grayscale", "07_grayscale")]);
    let out = tempfile::tempdir().unwrap();

    // An exercise with no workload is told which have one, before any build.
    let run = grader(course.path(), &["profile", "struct_packing"]);
    assert_eq!(run.code(), Some(4), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("no workload") && run.stderr.contains("grayscale"), "{}", run.stderr);

    // The reference, into the default place (where the report looks): its
    // kernel, inlined into the export, is the hot spot.
    let reference = profile(course.path(), None, &["--solution"]);
    assert_eq!(reference["crate_profiled"], "reference");
    let flame_graph = Path::new(reference["flame_graph"].as_str().unwrap()).to_path_buf();
    assert!(flame_graph.ends_with("profile/grayscale/flamegraph.svg"), "{}", flame_graph.display());
    assert_is_a_cpuprofile(Path::new(reference["cpuprofile"].as_str().unwrap()));
    assert_eq!(reference["hottest"][0]["kind"], "wasm", "{reference:#}");
    let svg = std::fs::read_to_string(&flame_graph).unwrap();
    assert!(bars(&svg).iter().any(|(_, kind, ..)| kind == "js"), "JavaScript frames are drawn too");
    assert!(svg.contains("data-boundary=\"js-to-wasm\""), "the crossing into WebAssembly is marked");

    // The course half solved (06 done, 07 as shipped), as a page.
    let solution = |dir: &str| course.path().join("solutions").join(dir).join("src/lib.rs");
    std::fs::copy(solution("06_struct_packing"), course.path().join("exercises/06_struct_packing/src/lib.rs")).unwrap();
    let html = out.path().join("report");
    let run = grader(course.path(), &["report", "--html", html.to_str().unwrap()]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    let page = common::open_in_chromium("open_report.mjs", &html, "report.png");
    assert_eq!(page["rows"], serde_json::json!([["struct_packing", "pass"], ["grayscale", "fail"]]), "{page:#}");
    let pictures: Vec<(&str, u64, bool)> = page["pictures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["width"].as_u64().unwrap(), p["data"].as_bool().unwrap()))
        .collect();
    assert_eq!(pictures, [("frame-before", 320, true), ("frame-after", 320, true)], "07's frame, decoded");
    let drawn = page["flame_graphs"].as_array().unwrap();
    assert_eq!(drawn.len(), 1, "{page:#}");
    assert!(drawn[0].as_array().unwrap().iter().any(|bar| bar[1] == "wasm"), "the flame graph's bars: {page:#}");
    assert!(page["policy"].as_str().unwrap().starts_with("default-src 'none'"), "{page:#}");
    assert_eq!(page["resources"], serde_json::json!([]), "the page fetched nothing: {page:#}");
    for request in page["server_requests"].as_array().unwrap() {
        assert!(request == "/index.html" || request == "/favicon.ico", "only the page itself: {page:#}");
    }

    // The shipped stub cannot be profiled: it panics, and is told so.
    let run = grader(course.path(), &["profile", "grayscale", "--out", out.path().join("stub").to_str().unwrap()]);
    assert_ne!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("panicked while the workload ran"), "{}", run.stderr);
    assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());

    // The student's crate: the solution with a slow function of its own.
    let lib = "exercises/07_grayscale/src/lib.rs";
    let solution = std::fs::read_to_string(solution("07_grayscale")).unwrap();
    assert_eq!(solution.matches(SLOW_KERNEL.0).count(), 1, "the solution's kernel changed: update SLOW_KERNEL");
    course.write(lib, &(solution.replace(SLOW_KERNEL.0, SLOW_KERNEL.1) + SLOW_FUNCTION));
    let slow = profile(course.path(), Some(&out.path().join("slow")), &[]);
    assert_eq!(slow["crate_profiled"], "student");
    assert_is_a_cpuprofile(Path::new(slow["cpuprofile"].as_str().unwrap()));

    // The table: the slow function first, demangled, with its line.
    let hottest = &slow["hottest"][0];
    assert_eq!(hottest["name"], "grayscale::slow_luma", "demangled, without its hash:\n{slow:#}");
    assert_eq!(hottest["kind"], "wasm");
    let declared = course.read(lib).lines().position(|l| l.contains("pub fn slow_luma")).unwrap() + 1;
    assert_eq!(hottest["source"], format!("src/lib.rs:{declared}"));
    assert!(hottest["share"].as_f64().unwrap() > 0.5, "{slow:#}");

    // The flame graph: of the WebAssembly bars, the slow function has the
    // most time of its own, and is as wide as its caller, all but.
    let bars = bars(&std::fs::read_to_string(out.path().join("slow/flamegraph.svg")).unwrap());
    let wasm: Vec<_> = bars.iter().filter(|(_, kind, ..)| kind == "wasm").collect();
    let most_own = wasm.iter().max_by(|a, b| a.3.total_cmp(&b.3)).unwrap();
    assert_eq!(most_own.0, "grayscale::slow_luma", "{wasm:?}");
    let widest = wasm.iter().map(|bar| bar.2).fold(0.0, f64::max);
    let slow_width: f64 = wasm.iter().filter(|bar| bar.0 == "grayscale::slow_luma").map(|bar| bar.2).sum();
    assert!(slow_width > 0.8 * widest, "the slow function is {slow_width} ms wide of {widest}: {wasm:?}");

    // The reference again, unchanged since its build: its own module, not
    // the student's left where both libraries' files have one name.
    let again = profile(course.path(), Some(&out.path().join("again")), &["--solution"]);
    let names: Vec<&str> = again["hottest"].as_array().unwrap().iter().filter_map(|h| h["name"].as_str()).collect();
    assert!(!names.contains(&"grayscale::slow_luma"), "the reference profiled the student's module: {again:#}");
}
