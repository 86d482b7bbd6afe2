//! Prebuilt tools before compiling them: `cargo install` of
//! wasm-bindgen-cli costs minutes of a student's first run, and the project
//! publishes builds. Tried in order:
//!
//! 1. `cargo binstall`, when the student has cargo-binstall: it finds the
//!    crate's published build (and is told never to compile instead).
//! 2. wasm-bindgen's own release archive for this machine, with the
//!    `.sha256sum` published beside it; an archive whose checksum differs
//!    is refused. `GRADER_RELEASES_URL` names another host laid out as
//!    GitHub's releases are (a mirror, or a test's local server).
//!
//! Whatever fails here falls through to `cargo install`, and says why.

use crate::download::{fetch, Progress};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where release archives are downloaded from.
pub const RELEASES_VAR: &str = "GRADER_RELEASES_URL";
const RELEASES: &str = "https://github.com";

/// `cargo binstall` of `crate_name` (at exactly `version`, when given) into
/// cargo's bin directory. Whether it installed it; false at once when
/// cargo-binstall is not installed.
pub fn binstall(cargo_binstall: Option<&Path>, crate_name: &str, version: Option<&str>) -> bool {
    let Some(binstall) = cargo_binstall else { return false };
    let spec = match version {
        Some(version) => format!("{crate_name}@={version}"),
        None => crate_name.to_string(),
    };
    eprintln!("Trying a prebuilt {crate_name} with `cargo binstall {spec}`...");
    Command::new(binstall)
        .args(["binstall", "--no-confirm", "--disable-strategies", "compile", "--force", &spec])
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// wasm-bindgen's name for this machine in its release archives.
fn release_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-gnu"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

/// The programs wasm-bindgen-cli's archive holds that grading runs.
const WASM_BINDGEN_PROGRAMS: &[&str] = &["wasm-bindgen", "wasm-bindgen-test-runner"];

/// Installs wasm-bindgen `version` into `bin` from its release archive,
/// checked against its published checksum. The installed `wasm-bindgen`.
pub fn wasm_bindgen_release(version: &str, bin: &Path) -> Result<PathBuf> {
    let Some(target) = release_target() else {
        bail!("wasm-bindgen publishes no build for {} on {}", std::env::consts::OS, std::env::consts::ARCH);
    };
    if !version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        bail!("{version:?} is not a version");
    }
    let base = std::env::var(RELEASES_VAR).unwrap_or_else(|_| RELEASES.to_string());
    let name = format!("wasm-bindgen-{version}-{target}");
    let url =
        format!("{}/wasm-bindgen/wasm-bindgen/releases/download/{version}/{name}.tar.gz", base.trim_end_matches('/'));
    // A scratch directory of this run's own, gone afterwards whatever happens.
    let scratch = std::env::temp_dir().join(format!("grader-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let installed = install_release(&url, &name, &scratch, bin);
    let _ = std::fs::remove_dir_all(&scratch);
    installed
}

fn install_release(url: &str, name: &str, scratch: &Path, bin: &Path) -> Result<PathBuf> {
    let archive = scratch.join(format!("{name}.tar.gz"));
    let sum = scratch.join("sha256sum");
    eprintln!("Downloading {name}, prebuilt, from {url}...");
    fetch(&format!("{url}.sha256sum"), &sum, Progress::Quiet)?;
    fetch(url, &archive, Progress::Shown)?;
    let published = std::fs::read_to_string(&sum)?;
    check_sum(&std::fs::read(&archive)?, &published).with_context(|| format!("{url} is not what was published"))?;
    let unpacked = Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(scratch).status();
    if !unpacked.is_ok_and(|status| status.success()) {
        bail!("cannot unpack {url} with tar");
    }
    std::fs::create_dir_all(bin).with_context(|| format!("cannot create {}", bin.display()))?;
    for program in WASM_BINDGEN_PROGRAMS {
        let from = scratch.join(name).join(program);
        if !from.is_file() {
            bail!("{url} holds no {program}");
        }
        // Copied beside, then renamed: never a half-written program in bin.
        let partial = bin.join(format!(".{program}.partial"));
        std::fs::copy(&from, &partial).with_context(|| format!("cannot write {}", partial.display()))?;
        make_executable(&partial)?;
        std::fs::rename(&partial, bin.join(program))?;
    }
    Ok(bin.join("wasm-bindgen"))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

/// Whether `bytes` hash to the checksum `published` gives (`sha256sum`'s
/// format: the hex digest, then the file's name).
fn check_sum(bytes: &[u8], published: &str) -> Result<()> {
    let Some(expected) = published.split_whitespace().next().filter(|hex| hex.len() == 64) else {
        bail!("the published checksum is not a SHA-256 digest");
    };
    let actual: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    if !actual.eq_ignore_ascii_case(expected) {
        bail!("its SHA-256 is {actual}, and {expected} was published");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_taken_only_with_the_checksum_published_for_it() {
        let bytes = b"the archive";
        let digest: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert!(check_sum(bytes, &format!("{digest}  gh-release/wasm-bindgen.tar.gz\n")).is_ok());
        assert!(check_sum(bytes, &digest.to_uppercase()).is_ok());
        let other = check_sum(b"another archive", &format!("{digest}  x.tar.gz")).unwrap_err().to_string();
        assert!(other.contains("was published"), "{other}");
        assert!(check_sum(bytes, "").is_err(), "no checksum is not a match");
        assert!(check_sum(bytes, "<html>Not Found</html>").is_err());
    }
}
