//! The mix benchmark runs end to end: a release build of the reference core
//! with ropey beside it, measured in headless Chromium. Not a speed gate —
//! the numbers vary by machine — but it must produce every row of the
//! spec's table, and it fails if either replay of a trace ends at the wrong
//! text (bench.js checks both against the trace before reporting).

mod common;

use common::{course_root, require, test_target_dir, Need};
use grader::process::run_limited;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_benchmark_measures_every_row_of_the_spec_table() {
    require(&[Need::Chromium, Need::Node]);
    let root = course_root();
    let markdown = test_target_dir().join("mix-bench.md");
    let mut bench = Command::new("node");
    bench
        .arg(root.join("mix/bench/run.mjs"))
        .arg("--markdown")
        .arg(&markdown)
        .env("CARGO_TARGET_DIR", test_target_dir());
    let run = run_limited(bench, Duration::from_secs(900)).unwrap();
    assert!(run.success(), "the benchmark failed:\n{}\n{}", run.stdout, run.stderr);
    let table = std::fs::read_to_string(&markdown).expect("--markdown writes the table");
    for row in [
        "load a 10 MB file",
        "one keystroke in a 10 MB document",
        "jump to any line and render a screenful",
        "memory with a 10 MB file open",
        "replay automerge-paper (259,778 edits)",
    ] {
        assert!(table.contains(row), "the table has no row {row:?}:\n{table}");
    }
    assert!(table.contains("ropey"), "ropey is measured beside mix:\n{table}");
    assert!(
        table.contains("(reserve ") && table.contains(", index ") && table.contains("(medians: reserve "),
        "each load is timed phase by phase, first and again:\n{table}"
    );
    assert!(table.contains("cross-origin isolated"), "the page ran with the 5 µs timer:\n{table}");
}
