//! Untrusted code in Node.js (`grade --reference --runner node`, as
//! classroom CI grades): it runs only under Node's permission model, the
//! report says so, and the confinement changes no score — the untouched stub
//! scores in confined Node.js what it scores in Chromium. A Node.js without
//! a permission model never runs it.

mod common;

use common::{grade_against, require, Need, TempCourse};
use serde_json::Value;

const EXERCISES: [(&str, &str); 1] = [("typed_views", "01_typed_views")];

/// Each test's name and status.
fn statuses(results: &Value) -> Vec<(String, String)> {
    let tests = results["tests"].as_array().unwrap();
    tests.iter().map(|t| (t["name"].as_str().unwrap().into(), t["status"].as_str().unwrap().into())).collect()
}

#[test]
fn untrusted_code_runs_in_node_under_its_permission_model_and_scores_as_in_chromium() {
    require(&[Need::Node, Need::Chromium]);
    let reference = TempCourse::new().with_course_exercise("01_typed_views").manifest(&EXERCISES);
    let untouched = TempCourse::copy_of(reference.path());

    let node = grade_against(untouched.path(), reference.path(), "node", |_| {});
    let chromium = grade_against(untouched.path(), reference.path(), "chrome", |_| {});
    let (in_node, in_chromium) = (&node["exercises"][0], &chromium["exercises"][0]);
    assert_eq!(in_node["runner"], "Node.js (permission model)", "{node:#}");
    assert_eq!(node["runner"], "Node.js (permission model)");
    assert_eq!(in_chromium["runner"], "headless Chromium");
    assert!(in_node["error"].is_null(), "the stub's tests ran to the end in confined Node.js: {node:#}");
    assert_eq!(statuses(&node), statuses(&chromium), "confined Node.js runs the tests as Chromium does");
    assert_eq!(in_node["points"], in_chromium["points"]);
}

#[test]
fn a_node_without_a_permission_model_never_runs_untrusted_code() {
    require(&[Need::Node]);
    let reference = TempCourse::new().with_course_exercise("01_typed_views").manifest(&EXERCISES);
    let untouched = TempCourse::copy_of(reference.path());
    // A Node.js 18 in front of the real one, which notes every time it is
    // asked to run anything but --version.
    let fake = tempfile::tempdir().unwrap();
    let ran = fake.path().join("ran");
    let real = grader::process::find_on_path("node").expect("node is installed");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo v18.20.4; exit 0; fi\necho \"$@\" >> '{}'\nexec '{}' \"$@\"\n",
        ran.display(),
        real.display()
    );
    let node = fake.path().join("node");
    std::fs::write(&node, script).unwrap();
    std::fs::set_permissions(&node, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(fake.path().to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();

    let results = grade_against(untouched.path(), reference.path(), "node", |command| {
        command.env("PATH", &path);
    });
    let exercise = &results["exercises"][0];
    assert_eq!(exercise["error"]["kind"], "needs_browser", "{results:#}");
    let message = exercise["error"]["message"].as_str().unwrap();
    assert!(message.contains("no permission model") && message.contains("Node.js 20"), "{message}");
    assert!(!ran.exists(), "Node.js ran untrusted code unconfined: {}", std::fs::read_to_string(&ran).unwrap());
}
