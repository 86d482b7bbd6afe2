//! The mix page in real headless Chromium: the reference core is built for
//! the web (`mix/www/build.sh`), and `mix/www/test/page.mjs` drives the page
//! through chromedriver — both ways of working and the switch between them,
//! saving (it reads the downloaded bytes back), rows that follow the
//! window's size, clicks and the wheel — checking what the page shows. A
//! screenshot of each way of working is kept in `<target>/mix-page/`
//! (`mix-page-modal.png`, `mix-page-plain.png`); the test names them.

mod common;

use common::{course_root, require, test_target_dir, Need};
use grader::process::run_limited;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_page_edits_both_ways_saves_fits_the_window_and_takes_clicks_and_the_wheel() {
    require(&[Need::Chromium, Need::Node]);
    let root = course_root();
    let pkg = test_target_dir().join("mix-pkg");
    let mut build = Command::new("bash");
    build.arg(root.join("mix/www/build.sh")).arg("solutions/mix").arg(&pkg).env("CARGO_TARGET_DIR", test_target_dir());
    let built = run_limited(build, Duration::from_secs(600)).unwrap();
    assert!(built.success(), "mix/www/build.sh failed:\n{}{}", built.stdout, built.stderr);

    // Where `cargo test` builds (CARGO_TARGET_DIR, or the course's target/).
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let artifacts = target.join("mix-page");
    let screenshots = ["mix-page-modal.png", "mix-page-plain.png"].map(|name| artifacts.join(name));
    for screenshot in &screenshots {
        let _ = std::fs::remove_file(screenshot);
    }
    let mut page = Command::new("node");
    page.arg(root.join("mix/www/test/page.mjs")).arg(&artifacts).env("MIX_PKG_DIR", &pkg);
    // In its own process group under a limit: the browser cannot outlive it.
    let tested = run_limited(page, Duration::from_secs(180)).unwrap();
    assert!(
        tested.success() && tested.stdout.contains("page test passed"),
        "the page test failed:\n{}\n{}",
        tested.stdout,
        tested.stderr
    );
    for screenshot in &screenshots {
        let png = std::fs::read(screenshot).unwrap_or_else(|e| panic!("{} was not written: {e}", screenshot.display()));
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot, {} bytes", png.len());
    }
    // Straight to stderr, past the test harness's capture: where to look.
    let _ = writeln!(
        std::io::stderr(),
        "{}\nscreenshots: {} and {}",
        tested.stdout.trim(),
        screenshots[0].display(),
        screenshots[1].display()
    );
}
