//! The mix page in real headless Chromium: the reference core is built for
//! the web (`mix/www/build.sh`), `mix/www/test/page.mjs` types into the page through
//! chromedriver and checks the screen and the status line, and the
//! screenshot it takes is kept at `target/mix-page.png`.

mod common;

use common::{course_root, require_tools, test_target_dir};
use grader::process::run_limited;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_page_edits_text_in_headless_chromium_and_keeps_a_screenshot() {
    require_tools();
    let root = course_root();
    let pkg = test_target_dir().join("mix-pkg");
    let mut build = Command::new("bash");
    build.arg(root.join("mix/www/build.sh")).arg("solutions/mix").arg(&pkg).env("CARGO_TARGET_DIR", test_target_dir());
    let built = run_limited(build, Duration::from_secs(600)).unwrap();
    assert!(built.success(), "mix/www/build.sh failed:\n{}{}", built.stdout, built.stderr);

    let screenshot = root.join("target/mix-page.png");
    let _ = std::fs::remove_file(&screenshot);
    let mut page = Command::new("node");
    page.arg(root.join("mix/www/test/page.mjs")).arg(&screenshot).env("MIX_PKG_DIR", &pkg);
    // In its own process group under a limit: the browser cannot outlive it.
    let tested = run_limited(page, Duration::from_secs(120)).unwrap();
    assert!(
        tested.success() && tested.stdout.contains("page test passed"),
        "the page test failed:\n{}\n{}",
        tested.stdout,
        tested.stderr
    );
    let png = std::fs::read(&screenshot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot, {} bytes", png.len());
}
