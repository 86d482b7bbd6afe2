//! `grader bench`: the lesson's "Performance Benchmarks" table, measured on
//! this machine. The kernels (grader/bench) are built in release twice —
//! plain and with `simd128` — and timed against their JavaScript twins in
//! Node.js and in headless Chromium, each engine in one run, after the
//! results were checked equal. The table is printed, and written as
//! Markdown and as an SVG bar chart.

use crate::discover::Course;
use crate::model::Engine;
use crate::process::run_limited;
use crate::progress::Observer;
use crate::tools::{Toolbox, WASM_TARGET};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The lesson's own numbers (lesson 05, "Performance Benchmarks"):
/// kernel, JS ms, WASM ms, speedup as printed.
const LESSON: &[(&str, f64, f64, &str)] = &[
    ("fib", 1200.0, 450.0, "2.7x"),
    ("matrix", 500.0, 120.0, "4.2x"),
    ("blur", 800.0, 150.0, "5.3x"),
    ("json", 100.0, 95.0, "1.05x"),
];

/// One engine's run, as the harness (grader/bench/js/harness.mjs) reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct EngineRun {
    pub engine: String,
    pub quick: bool,
    pub runs: u32,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub kernel: String,
    pub row: String,
    pub label: String,
    /// Why the kernel was not timed: its WASM result differs from JS's.
    pub refused: Option<String>,
    pub js: Option<Stats>,
    #[serde(default)]
    pub builds: BTreeMap<String, Stats>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: u32,
}

pub struct Plan {
    pub quick: bool,
    pub out_dir: PathBuf,
    /// A kernel whose WASM result is altered on purpose (to see the check refuse it).
    pub broken: Option<String>,
}

/// Where `grader bench` builds, and writes its table and chart unless told
/// otherwise: beside the course's other builds.
pub fn default_dir(course: &Course) -> PathBuf {
    course.target_dir().join("bench")
}

/// Builds, runs both engines, writes bench.md and bench.svg.
pub fn run(course: &Course, toolbox: &Toolbox, plan: &Plan, progress: &dyn Observer) -> Result<Vec<EngineRun>> {
    let course_root = course.root.as_path();
    // Each flavour in its own directory, since RUSTFLAGS differ between them.
    let target = default_dir(course);
    let mut packages = Vec::new();
    for (flavor, rustflags) in [("plain", ""), ("simd", "-C target-feature=+simd128")] {
        progress.doing(&format!("building the kernels in release ({flavor})"));
        let target_dir = target.join(flavor);
        let mut build = crate::wasm_build::cargo("build", course_root, &target_dir, toolbox);
        build.args(["--release", "--quiet", "-p", "lesson_bench"]).env("RUSTFLAGS", rustflags);
        run_limited(build, Duration::from_secs(900))?.succeeded("cargo build -p lesson_bench")?;
        let package = target.join(format!("pkg-{flavor}"));
        let mut bindgen = Command::new("wasm-bindgen");
        bindgen
            .args(["--target", "web", "--out-dir"])
            .arg(&package)
            .arg(target_dir.join(WASM_TARGET).join("release/lesson_bench.wasm"))
            .env("PATH", &toolbox.child_path);
        run_limited(bindgen, Duration::from_secs(120))?.succeeded("wasm-bindgen")?;
        packages.push(package);
    }

    let scripts = course_root.join("grader/bench/js");
    let mut engines = Vec::new();
    // The browser half drives Chromium (grader/js/browser.mjs).
    let chrome = toolbox.browser.as_ref().filter(|browser| browser.engine == Engine::Chrome);
    for (engine, script) in [("Node.js", "node.mjs"), ("headless Chromium", "chrome.mjs")] {
        if script == "chrome.mjs" && chrome.is_none() {
            progress.doing("no Chromium with chromedriver: the browser half is skipped");
            continue;
        }
        progress.doing(&format!("timing in {engine} (JavaScript and both builds)"));
        let mut node = Command::new("node");
        node.arg(scripts.join(script)).args(&packages).env("PATH", &toolbox.child_path);
        if plan.quick {
            node.arg("--quick");
        }
        if let Some(kernel) = &plan.broken {
            node.args(["--broken", kernel]);
        }
        if let Some(browser) = chrome {
            node.env("CHROMEDRIVER", &browser.driver);
        }
        let finished = run_limited(node, Duration::from_secs(1800))?;
        let finished = finished.succeeded(&format!("the benchmark in {engine}"))?;
        let run: EngineRun = serde_json::from_str(finished.stdout.trim())
            .with_context(|| format!("the benchmark in {engine} printed no results:\n{}", finished.stderr))?;
        engines.push(run);
    }

    std::fs::create_dir_all(&plan.out_dir)?;
    std::fs::write(plan.out_dir.join("bench.md"), markdown(&engines))?;
    std::fs::write(plan.out_dir.join("bench.svg"), svg(&engines))?;
    Ok(engines)
}

/// The chart the last `grader bench` drew into its default place, if any.
pub fn saved_chart(course: &Course) -> Option<String> {
    std::fs::read_to_string(default_dir(course).join("bench.svg")).ok()
}

/// Kernels the harness refused to time, with the reason.
pub fn refused(engines: &[EngineRun]) -> Vec<String> {
    engines
        .iter()
        .flat_map(|e| {
            e.rows.iter().filter_map(move |r| Some(format!("{} in {}: {}", r.kernel, e.engine, r.refused.as_ref()?)))
        })
        .collect()
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0} ms")
    } else if value >= 1.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.3} ms")
    }
}

fn cell(stats: Option<&Stats>) -> String {
    stats.map_or("—".into(), |s| format!("{} ({}–{})", ms(s.median), ms(s.min), ms(s.max)))
}

/// The fastest WASM build's speedup over JavaScript.
fn speedup(row: &Row) -> Option<(String, f64)> {
    let js = row.js?;
    row.builds.iter().map(|(name, s)| (name.clone(), js.median / s.median.max(1e-6))).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// A speed-up as a person reads it: two significant digits, and "slower"
/// when WASM took longer (0.64× is not a speed-up).
pub fn times(x: f64) -> String {
    let digits = if x >= 10.0 {
        0
    } else if x >= 1.0 {
        1
    } else {
        2
    };
    let shown = format!("{x:.digits$}×");
    if x < 1.0 {
        format!("{shown}, slower")
    } else {
        shown
    }
}

#[cfg(test)]
mod times_tests {
    #[test]
    fn two_significant_digits_and_slower_below_one() {
        assert_eq!(super::times(9.27), "9.3×");
        assert_eq!(super::times(12.6), "13×");
        assert_eq!(super::times(1.0), "1.0×");
        assert_eq!(super::times(0.64), "0.64×, slower");
        assert_eq!(super::times(0.995), "0.99×, slower", "never rounded up to a speed-up");
    }
}

/// The table: the lesson's numbers, then each engine's medians with their
/// spread (min–max over the timed runs).
pub fn markdown(engines: &[EngineRun]) -> String {
    let mut out = String::from(
        "| operation | input | lesson: JS / WASM / speedup | engine | JS median (min–max) | WASM | WASM + simd128 | speedup (best build) |\n|---|---|---|---|---|---|---|---|\n",
    );
    for engine in engines {
        for row in &engine.rows {
            let lesson = LESSON
                .iter()
                .find(|(kernel, ..)| *kernel == row.kernel)
                .map_or("— (not in the lesson)".into(), |(_, js, wasm, x)| {
                    format!("{} / {} / {x}", ms(*js), ms(*wasm))
                });
            let best = match (&row.refused, speedup(row)) {
                (Some(why), _) => format!("**refused**: {why}"),
                (None, Some((build, x))) => format!("{} ({build})", times(x)),
                (None, None) => "—".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {lesson} | {} | {} | {} | {} | {best} |",
                row.row,
                row.label,
                engine.engine,
                cell(row.js.as_ref()),
                cell(row.builds.get("wasm")),
                cell(row.builds.get("wasm+simd128")),
            );
        }
    }
    if let Some(first) = engines.first() {
        let _ = writeln!(
            out,
            "\n{} timed runs after 1 warm-up per cell{}; results checked equal to JavaScript's before timing.",
            first.runs,
            if first.quick { ", quick sizes (not the lesson's)" } else { "" }
        );
    }
    out
}

/// A grouped bar chart of the medians, one group per operation and engine,
/// on a log scale (the kernels span four orders of magnitude).
pub fn svg(engines: &[EngineRun]) -> String {
    const BAR: f64 = 14.0;
    const LABEL: f64 = 370.0;
    const WIDTH: f64 = 900.0;
    const SERIES: [(&str, &str); 3] = [("JavaScript", "#d9a400"), ("wasm", "#4a6cd4"), ("wasm+simd128", "#2ba36b")];
    let rows: Vec<(&EngineRun, &Row)> = engines.iter().flat_map(|e| e.rows.iter().map(move |r| (e, r))).collect();
    let values: Vec<f64> = rows
        .iter()
        .flat_map(|(_, r)| r.js.iter().chain(r.builds.values()).map(|s| s.median))
        .filter(|v| *v > 0.0)
        .collect();
    let (low, high) = values.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let (low, high) = ((low.max(1e-3) / 2.0).log10(), (high * 2.0).log10());
    let scale = |v: f64| ((v.max(1e-3).log10() - low) / (high - low).max(1e-9) * (WIDTH - LABEL - 90.0)).max(1.0);
    let group = BAR * 3.0 + 14.0;
    let height = 60.0 + group * rows.len() as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">The lesson's benchmarks, measured (median ms, log scale)</text>\n"
    );
    for (i, (name, color)) in SERIES.iter().enumerate() {
        let x = 10.0 + i as f64 * 150.0;
        let _ = writeln!(out, "<rect x=\"{x}\" y=\"32\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"43\">{name}</text>", x + 16.0);
    }
    for (index, (engine, row)) in rows.iter().enumerate() {
        let top = 56.0 + group * index as f64;
        let _ = writeln!(
            out,
            "<text x=\"10\" y=\"{}\">{} — {}</text>",
            top + 18.0,
            escape(&row.row),
            escape(&engine.engine)
        );
        if let Some(why) = &row.refused {
            let _ =
                writeln!(out, "<text x=\"{LABEL}\" y=\"{}\" fill=\"#b00\">refused: {}</text>", top + 18.0, escape(why));
            continue;
        }
        let series = [row.js.as_ref(), row.builds.get("wasm"), row.builds.get("wasm+simd128")];
        for (i, stats) in series.iter().enumerate() {
            let Some(stats) = stats else { continue };
            let y = top + i as f64 * BAR;
            let w = scale(stats.median);
            let _ = writeln!(
                out,
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                BAR - 2.0,
                SERIES[i].1,
                LABEL + w + 4.0,
                y + BAR - 4.0,
                ms(stats.median)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two engines as the harness prints them: a kernel of the lesson with
    /// both builds, one WASM refused, one not in the lesson with one build,
    /// and a name that needs escaping in SVG.
    fn engines() -> Vec<EngineRun> {
        let node = r#"{"engine": "Node.js", "quick": true, "runs": 5, "rows": [
            {"kernel": "fib", "row": "fib(30)", "label": "n = 30", "refused": null,
             "js": {"median": 120.0, "min": 110.0, "max": 130.5, "runs": 5},
             "builds": {"wasm": {"median": 40.0, "min": 39.0, "max": 41.0, "runs": 5},
                        "wasm+simd128": {"median": 30.0, "min": 29.5, "max": 31.0, "runs": 5}}},
            {"kernel": "blur", "row": "blur <3x3> & more", "label": "64 x 64", "refused": "checksum 17 differs from JavaScript's 18",
             "js": {"median": 2.5, "min": 2.0, "max": 3.0, "runs": 5}}
        ]}"#;
        let chrome = r#"{"engine": "headless Chromium", "quick": true, "runs": 5, "rows": [
            {"kernel": "sum", "row": "sum", "label": "1e6", "refused": null,
             "js": {"median": 0.5, "min": 0.25, "max": 0.75, "runs": 5},
             "builds": {"wasm": {"median": 1.0, "min": 0.9, "max": 1.1, "runs": 5}}}
        ]}"#;
        vec![serde_json::from_str(node).unwrap(), serde_json::from_str(chrome).unwrap()]
    }

    #[test]
    fn refused_names_each_refused_kernel_with_its_engine_and_reason() {
        assert_eq!(refused(&engines()), ["blur in Node.js: checksum 17 differs from JavaScript's 18"]);
        assert!(refused(&[]).is_empty());
    }

    #[test]
    fn the_markdown_table_has_a_row_per_kernel_and_engine() {
        let table = markdown(&engines());
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("| operation | input | lesson"), "{table}");
        assert_eq!(lines[1], "|---|---|---|---|---|---|---|---|");
        assert_eq!(
            lines[2],
            "| fib(30) | n = 30 | 1200 ms / 450 ms / 2.7x | Node.js | 120 ms (110 ms–130 ms) | 40.0 ms (39.0 ms–41.0 ms) \
             | 30.0 ms (29.5 ms–31.0 ms) | 4.0× (wasm+simd128) |"
        );
        assert_eq!(
            lines[3],
            "| blur <3x3> & more | 64 x 64 | 800 ms / 150 ms / 5.3x | Node.js | 2.5 ms (2.0 ms–3.0 ms) | — | — \
             | **refused**: checksum 17 differs from JavaScript's 18 |"
        );
        assert_eq!(
            lines[4],
            "| sum | 1e6 | — (not in the lesson) | headless Chromium | 0.500 ms (0.250 ms–0.750 ms) | 1.0 ms (0.900 ms–1.1 ms) | — \
             | 0.50×, slower (wasm) |"
        );
        assert_eq!(lines[5], "");
        assert_eq!(
            lines[6],
            "5 timed runs after 1 warm-up per cell, quick sizes (not the lesson's); results checked equal to JavaScript's before timing."
        );
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn a_row_without_javascript_has_no_speedup_and_full_sizes_say_nothing_about_quick() {
        let mut runs = engines();
        runs[0].quick = false;
        runs[0].rows[0].js = None;
        let table = markdown(&runs[..1]);
        assert!(
            table
                .lines()
                .nth(2)
                .unwrap()
                .ends_with("| — | 40.0 ms (39.0 ms–41.0 ms) | 30.0 ms (29.5 ms–31.0 ms) | — |"),
            "{table}"
        );
        assert!(table.contains("5 timed runs after 1 warm-up per cell; results"), "{table}");
        assert_eq!(markdown(&[]).lines().count(), 2, "the header only");
    }

    #[test]
    fn the_svg_draws_a_bar_per_median_and_says_which_were_refused() {
        let chart = svg(&engines());
        assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{chart}");
        assert!(chart.ends_with("</svg>\n"));
        // 3 legend swatches + the background + fib's 3 bars + sum's 2 bars; blur is refused.
        assert_eq!(chart.matches("<rect").count(), 1 + 3 + 3 + 2, "{chart}");
        assert!(chart.contains("refused: checksum 17 differs from JavaScript's 18"), "{chart}");
        assert!(chart.contains("blur &lt;3x3&gt; &amp; more — Node.js"), "escaped: {chart}");
        assert!(!chart.contains("<3x3>"));
        assert!(!chart.contains("NaN") && !chart.contains("inf"), "{chart}");
        for label in ["120 ms", "40.0 ms", "30.0 ms", "0.500 ms", "1.0 ms"] {
            assert!(chart.contains(&format!(">{label}</text>")), "{label}: {chart}");
        }
        // Three groups of three bars each (56 px), below the 60 px title and legend.
        assert!(chart.contains("height=\"228\""), "{chart}");
    }

    #[test]
    fn on_the_log_scale_a_slower_kernel_has_the_longer_bar() {
        let chart = svg(&engines());
        let width = |label: &str| -> f64 {
            let at = chart.find(&format!(">{label}</text>")).unwrap();
            let bar = &chart[..at];
            let start = bar.rfind("width=\"").unwrap() + "width=\"".len();
            bar[start..].split('"').next().unwrap().parse().unwrap()
        };
        assert!(width("120 ms") > width("40.0 ms"));
        assert!(width("40.0 ms") > width("30.0 ms"));
        assert!(width("1.0 ms") > width("0.500 ms"));
        assert!(width("0.500 ms") >= 1.0, "every bar is visible");
    }

    #[test]
    fn an_svg_of_nothing_or_only_refusals_is_still_a_picture() {
        for runs in [Vec::new(), {
            let mut only_refused = engines();
            only_refused.truncate(1);
            only_refused[0].rows.remove(0);
            only_refused
        }] {
            let chart = svg(&runs);
            assert!(chart.ends_with("</svg>\n"));
            assert!(!chart.contains("NaN"), "{chart}");
        }
    }
}
