//! Downloads, for the tools a first run fetches (see `prebuilt` and
//! `chrome_for_testing`): with curl, which every system the grader runs on
//! has or can get, rather than an HTTP and TLS stack compiled into the
//! grader for a few files once.

use anyhow::{bail, Result};
use std::path::Path;
use std::process::Command;

/// Whether curl shows a progress bar: for a big file a person waits on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Shown,
    Quiet,
}

/// Downloads `url` to `file`; an HTTP error status is a failure.
pub fn fetch(url: &str, file: &Path, progress: Progress) -> Result<()> {
    let shown = if progress == Progress::Shown { "--progress-bar" } else { "-sS" };
    let status = Command::new("curl")
        .args(["-fL", "--retry", "2", "--connect-timeout", "30", shown, "-o"])
        .arg(file)
        .arg(url)
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => bail!("downloading {url} failed (curl exited with {status})"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("downloading {url} needs curl, which is not installed (e.g. `sudo apt-get install curl`)")
        }
        Err(e) => bail!("cannot run curl to download {url}: {e}"),
    }
}

/// The size of what `url` holds, as its server says, before a download.
pub fn size_of(url: &str) -> Option<u64> {
    let out = Command::new("curl").args(["-sIL", "--max-time", "20", url]).output().ok()?;
    let head = String::from_utf8_lossy(&out.stdout);
    // After redirects, the last response's length is the file's.
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .filter_map(|(_, value)| value.trim().parse().ok())
        .next_back()
}
