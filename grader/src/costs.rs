//! `grade --costs`: what a submission's capstone costs, for a leaderboard
//! (Gradescope's `leaderboard`): the size of its release module, and its
//! linear memory and wall time after the capstone's workload (course.toml's
//! `[capstone.workload]`, the one `grader profile` records).
//!
//! A leaderboard ranks students against each other, so its numbers must
//! be ones the submission cannot write. The tests' own counters
//! (allocations per keystroke) live inside the student's module and reach
//! the grader only as text the module could print too; these do not. The
//! release build is confined like every build of a submission; its
//! imports must be ones the capstone's tests may import (measured from the
//! reference, as grading does), so it cannot run JavaScript of its own in
//! the page; the page, the workload and the clock are the grader's; the
//! size is the file's; and WebAssembly memory only grows, so its size after
//! the workload is its peak. Measured only when every milestone passes —
//! a leaderboard of editors that do not work ranks nothing.

use crate::capability;
use crate::discover::Course;
use crate::model::{CapstoneStatus, Costs, CourseReport, Status, Variant};
use crate::process::Wall;
use crate::profile;
use crate::runner;
use crate::settings::Settings;
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

/// The costs of the staged `course`'s capstone, graded as `report` says;
/// why not, when they cannot be measured.
pub fn measure(course: &Course, report: &CourseReport, settings: &Settings) -> Costs {
    match try_measure(course, report, settings) {
        Ok(costs) => costs,
        Err(why) => Costs::NotMeasured { reason: format!("{why:#}") },
    }
}

fn try_measure(course: &Course, report: &CourseReport, settings: &Settings) -> Result<Costs> {
    let Some(capstone) = &course.manifest.capstone else { bail!("the course has no capstone") };
    let Some(workload) = &capstone.workload else { bail!("course.toml gives the capstone no workload") };
    let Some(CapstoneStatus::Graded { milestones, .. }) = &report.capstone else {
        bail!("the capstone was not graded")
    };
    let failing = milestones.iter().filter(|m| m.status != Status::Pass).count();
    if failing > 0 {
        bail!("they are measured once every milestone passes ({failing} of {} do not yet)", milestones.len());
    }
    let Some(reference) = &settings.reference else {
        bail!("they are measured only against the instructor's reference (`grade --reference`)")
    };
    let browser = profile::chromium(&settings.toolbox)?;
    let exercises = course.milestones();
    let Some(first) = exercises.first() else { bail!("the capstone has no milestones") };
    let crate_dir = first.crate_dir(Variant::Student);
    let confined = |command: Command, limit: Duration| -> Result<_> {
        runner::run_submission(course, command, &mut Wall::new(settings.limit(limit)), settings, "a tool", |_, _| {})
            .map_err(|failed| anyhow::anyhow!("{}", failed.message))
    };

    let wasm = profile::build_release(course, crate_dir, &settings.toolbox, &confined)?;
    let found = capability::imports_of(&std::fs::read(&wasm).context("cannot read the release module")?)?;
    let mut allowed = BTreeSet::new();
    for milestone in &exercises {
        let imports = runner::allowed_imports(course, milestone, reference, settings)
            .map_err(|failed| anyhow::anyhow!("{}", failed.message))?;
        allowed.extend(imports);
    }
    let extra = capability::beyond(&found, &allowed);
    if !extra.is_empty() {
        bail!("the release build imports what the capstone's tests may not: {}", capability::describe(&extra));
    }

    let package = course.target_dir().join("costs").join("pkg");
    let built = profile::bindgen(&wasm, &package, &settings.toolbox, &confined)?;
    let wasm_bytes = std::fs::metadata(built.wasm()).context("wasm-bindgen wrote no module")?.len();
    let runs = profile::in_chromium(
        &first.exercise_dir,
        workload,
        &built,
        "measure".as_ref(),
        &settings.toolbox,
        browser,
        &confined,
    )?;
    Ok(Costs::Measured {
        wasm_bytes,
        memory_bytes: runs.memory_bytes,
        workload_ms: runs.ms,
        workload: workload.about.clone(),
    })
}
