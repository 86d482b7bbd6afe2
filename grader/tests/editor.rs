//! The editor agrees with the grader: the check rust-analyzer runs on save,
//! as the committed `.vscode/settings.json` configures it, reports no error
//! in the course crates, the solutions or the grader — with an exercise
//! solved the way its hint says, through `core::arch::wasm32`, which a host
//! check would call missing.

mod common;

use common::{course_root, require, test_target_dir, Need};
use std::path::Path;
use std::process::Command;

/// VS Code's settings are JSON with `//` comments.
fn settings() -> serde_json::Value {
    let text = std::fs::read_to_string(course_root().join(".vscode/settings.json")).unwrap();
    let json: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    serde_json::from_str(&json).expect(".vscode/settings.json is valid JSON with comments")
}

/// The course's tracked files (no build output) copied to `to`.
fn copy_course(to: &Path) {
    let root = course_root();
    for entry in walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("target" | ".git" | ".grader")))
    {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_check_on_save_finds_no_error_in_wasm32_code_or_in_the_grader() {
    require(&[Need::Chromium]);
    let settings = settings();
    assert_eq!(settings["rust-analyzer.cargo.target"], "wasm32-unknown-unknown");
    assert_eq!(settings["rust-analyzer.cargo.targetDir"], true, "rust-analyzer never holds the grader's build lock");
    let command: Vec<String> = settings["rust-analyzer.check.overrideCommand"]
        .as_array()
        .unwrap()
        .iter()
        .map(|word| word.as_str().unwrap().to_string())
        .collect();
    let projects: Vec<&str> =
        settings["rust-analyzer.linkedProjects"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(projects, ["Cargo.toml", "solutions/Cargo.toml"]);

    let course = tempfile::tempdir().unwrap();
    copy_course(course.path());
    // A student follows 01's hint to core::arch::wasm32.
    let solved = std::fs::read_to_string(course.path().join("solutions/01_typed_views/src/lib.rs")).unwrap();
    assert!(solved.contains("core::arch::wasm32"), "the solution uses the wasm32 intrinsics");
    std::fs::write(course.path().join("exercises/01_typed_views/src/lib.rs"), &solved).unwrap();

    let folder = course.path().to_str().unwrap();
    let mut checked = Vec::new();
    for project in projects {
        let dir = course.path().join(project).parent().unwrap().to_path_buf();
        let words: Vec<String> = command.iter().map(|w| w.replace("${workspaceFolder}", folder)).collect();
        let run = Command::new(&words[0])
            .args(&words[1..])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", test_target_dir().join("rust-analyzer"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        let errors: Vec<String> = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-message" && m["message"]["level"] == "error")
            .map(|m| m["message"]["rendered"].as_str().unwrap_or_default().to_string())
            .collect();
        assert!(errors.is_empty(), "{project}: rust-analyzer would show errors:\n{}", errors.join("\n"));
        assert!(run.status.success(), "{project}: the check failed:\n{}", String::from_utf8_lossy(&run.stderr));
        checked.extend(
            stdout
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|m| m["reason"] == "compiler-artifact")
                .filter_map(|m| m["target"]["name"].as_str().map(str::to_string)),
        );
    }
    for name in ["typed_views", "grader", "mix"] {
        assert!(checked.iter().any(|c| c == name), "{name} was checked: {checked:?}");
    }
}
