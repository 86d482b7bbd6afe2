//! What a submission may import: what the instructor's copy of its crate
//! imports, measured once a run, and what course.toml adds.

use super::{error, tail};
use crate::capability::{self, Import};
use crate::discover::{Course, Exercise, Variant};
use crate::model::{ErrorKind, GradeError};
use crate::parse::first_compile_error;
use crate::process::run_limited;
use crate::settings::{Reference, Settings};
use crate::submission;
use crate::wasm_build;
use std::collections::BTreeSet;
use std::path::Path;

/// What the exercise's crate may import: what the instructor's copy of it
/// (the shipped stub, with the same tests) imports once built, and what
/// course.toml adds. A stub that does not build is the instructor's
/// problem, reported as such.
pub fn allowed_imports(
    course: &Course,
    exercise: &Exercise,
    reference: &Reference,
    settings: &Settings,
) -> Result<BTreeSet<Import>, GradeError> {
    let relative = course.relative(exercise.crate_dir(Variant::Student));
    let mut allowed = measure_reference(reference, &relative, exercise, settings).map_err(|e| {
        error(
            ErrorKind::Infrastructure,
            format!(
                "not graded: the instructor's copy of {relative} (in {}) could not be built to learn what \
                     the exercise may import: {e:#}",
                reference.root.display()
            ),
        )
    })?;
    allowed.extend(exercise.entry.imports.iter().map(|key| Import::from_key(key)));
    Ok(allowed)
}

/// The imports of the reference's crate at `relative`, built in the
/// reference's own target directory. cargo decides freshness by
/// modification times, and another copy of the course (same package names,
/// other content) may have built there last: a crate whose content is not
/// what was last measured there is cleaned first, so the module read is
/// always built from this reference. Measured once an exercise a run
/// (`Reference::measured`).
fn measure_reference(
    reference: &Reference,
    relative: &str,
    exercise: &Exercise,
    settings: &Settings,
) -> anyhow::Result<BTreeSet<Import>> {
    // Exercises graded side by side (`-j`) share the reference's crates (the
    // capstone's milestones, one crate): one measures at a time, so one's
    // cleaning never removes what another is reading.
    static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = MEASURING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let measured = || reference.measured.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(imports) = measured().get(&exercise.slug()) {
        return Ok(imports.clone());
    }
    let crate_dir = reference.root.join(relative);
    let package = crate::discover::package_name(&crate_dir)
        .ok_or_else(|| anyhow::anyhow!("{} has no package name", crate_dir.join("Cargo.toml").display()))?;
    let marker = reference.target_dir.join("measured").join(&package);
    let digest = submission::crate_digest(&reference.root, relative);
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(digest.as_str()) {
        let mut clean = wasm_build::cargo("clean", &crate_dir, &reference.target_dir, &settings.toolbox);
        clean.args(["-p", &package]);
        run_limited(clean, settings.limit(settings.build_timeout))?;
    }
    let imports = module_imports(&crate_dir, &reference.target_dir, exercise, settings)?;
    std::fs::create_dir_all(marker.parent().expect("a file in a directory"))?;
    std::fs::write(&marker, digest)?;
    measured().insert(exercise.slug(), imports.clone());
    Ok(imports)
}

/// Every import of the test modules of the crate at `crate_dir` built for
/// `exercise`'s tests (cargo finds them built when they are).
pub fn module_imports(
    crate_dir: &Path,
    target_dir: &Path,
    exercise: &Exercise,
    settings: &Settings,
) -> anyhow::Result<BTreeSet<Import>> {
    let build = wasm_build::tests(crate_dir, target_dir, &exercise.test_targets(), &settings.toolbox);
    let built = run_limited(build, settings.limit(settings.build_timeout))?;
    if !built.success() {
        anyhow::bail!("{}", first_compile_error(&built.stdout).unwrap_or_else(|| tail(&built.stderr, 15)));
    }
    capability::of_build(&built.stdout, &crate_dir.join("Cargo.toml"))
}
