//! `grader bench` end to end at small sizes: both engines, every row of the
//! lesson's table (plus the course's grayscale with and without copies),
//! the Markdown and SVG files — and a kernel whose WASM result disagrees
//! with JavaScript is refused, never timed.

mod common;

use common::{grader_with, require, test_target_dir, Need};

fn bench(args: &[&str]) -> (common::GraderRun, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["bench", "--quick", "--out", out.path().to_str().unwrap()];
    all.extend(args);
    // Release builds of their own, next to the other test builds.
    let run = grader_with(&common::course_root(), &all, |c| {
        c.env("CARGO_TARGET_DIR", test_target_dir());
    });
    (run, out)
}

#[test]
fn the_bench_prints_the_lesson_table_for_both_engines_and_writes_markdown_and_svg() {
    require(&[Need::Chromium, Need::Node]);
    let (run, out) = bench(&[]);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    for row in [
        "Fibonacci(40)",
        "Matrix 1000x1000",
        "Image blur 4K",
        "JSON parse (large)",
        "Grayscale 4K, in place (views)",
        "Grayscale 4K, copied in and out",
    ] {
        for engine in ["Node.js", "headless Chrome"] {
            assert!(
                run.stdout.lines().any(|line| line.starts_with(&format!("| {row} |")) && line.contains(engine)),
                "no row {row} for {engine}:\n{}",
                run.stdout
            );
        }
    }
    assert!(run.stdout.contains("1200 ms / 450 ms / 2.7x"), "the lesson's numbers stand beside the measured ones");
    let markdown = std::fs::read_to_string(out.path().join("bench.md")).unwrap();
    assert_eq!(markdown.lines().filter(|l| l.starts_with("| ")).count(), 1 + 12, "{markdown}");
    let svg = std::fs::read_to_string(out.path().join("bench.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.matches("<rect").count() > 30, "a bar per measurement:\n{svg}");
}

#[test]
fn a_kernel_that_disagrees_with_javascript_is_refused_not_timed() {
    require(&[Need::Chromium, Need::Node]);
    let (run, out) = bench(&["--broken", "blur"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("refused to time blur in Node.js"), "{}", run.stderr);
    assert!(run.stderr.contains("wasm disagrees with JavaScript (byte 0:"), "says where they differ:\n{}", run.stderr);
    let blur: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("| Image blur 4K |")).collect();
    assert_eq!(blur.len(), 2, "{}", run.stdout);
    assert!(
        blur.iter().all(|l| l.contains("**refused**") && l.contains("| — | — | — |")),
        "no time for a wrong kernel:\n{blur:?}"
    );
    let others = run.stdout.lines().filter(|l| l.starts_with("| Fibonacci(40) |")).count();
    assert_eq!(others, 2, "the other kernels are still measured");
    assert!(std::fs::read_to_string(out.path().join("bench.svg")).unwrap().contains("refused"));
}
