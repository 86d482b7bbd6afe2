//! Chrome for Testing: a headless browser and its matching chromedriver,
//! downloaded into the grader's own cache where no package manager gives a
//! real one — Ubuntu (its chromium package is a snap, and snap runs neither
//! in WSL nor in containers), macOS, and any Linux with no browser
//! installed. Google publishes each Stable release for automation, with a
//! chromedriver of exactly its version, at addresses listed in a JSON file;
//! `GRADER_CHROME_FOR_TESTING_URL` names another copy of that list (a
//! mirror, or a test's local server).
//!
//! An install is made in a directory of its own beside the final one and
//! renamed into place only once both archives are unpacked and the browser
//! has said its version: an interrupted or failed download leaves nothing
//! that looks installed, and the next try starts clean.

use crate::download::{fetch, size_of, Progress};
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The list of the last good release of each channel, with the addresses
/// of their archives.
const VERSIONS_URL: &str =
    "https://googlechromelabs.github.io/chrome-for-testing/last-known-good-versions-with-downloads.json";
/// Where another copy of that list is.
pub const URL_VAR: &str = "GRADER_CHROME_FOR_TESTING_URL";
/// Where the grader keeps what it downloads (default: the user's cache
/// directory).
pub const CACHE_VAR: &str = "GRADER_CACHE_DIR";
/// Written last into a finished install: the browser, the driver and the
/// capabilities file that tells chromedriver which browser to start.
const MARKER: &str = "installed.json";

/// Chrome for Testing's name for this machine, when it publishes builds
/// for it (none for Linux on ARM).
fn platform() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("linux64"),
        ("macos", "aarch64") => Some("mac-arm64"),
        ("macos", "x86_64") => Some("mac-x64"),
        _ => None,
    }
}

/// The browser's executable inside its unpacked archive.
fn browser_in_archive(platform: &str) -> PathBuf {
    match platform {
        "linux64" => PathBuf::from("chrome-linux64/chrome"),
        mac => PathBuf::from(format!(
            "chrome-{mac}/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing"
        )),
    }
}

/// The grader's cache: GRADER_CACHE_DIR, else XDG_CACHE_HOME or
/// ~/.cache on Linux, ~/Library/Caches on macOS.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_VAR).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    let base = match std::env::consts::OS {
        "macos" => home?.join("Library").join("Caches"),
        _ => std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or(home.map(|h| h.join(".cache")))?,
    };
    Some(base.join("wasm-course-grader"))
}

fn root() -> Option<PathBuf> {
    cache_dir().map(|dir| dir.join("chrome-for-testing"))
}

/// What a finished install holds.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Installed {
    pub version: String,
    pub browser: PathBuf,
    pub driver: PathBuf,
    /// A `webdriver.json` naming the browser, for chromedriver: it looks
    /// for Chrome where Chrome installs itself, not beside itself.
    pub capabilities: PathBuf,
}

/// The newest finished install in the cache, if its files are still there.
pub fn installed() -> Option<Installed> {
    installed_in(&root()?)
}

fn installed_in(root: &Path) -> Option<Installed> {
    let mut found: Vec<Installed> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|entry| serde_json::from_slice(&std::fs::read(entry.path().join(MARKER)).ok()?).ok())
        .filter(|install: &Installed| {
            install.browser.is_file() && install.driver.is_file() && install.capabilities.is_file()
        })
        .collect();
    found.sort_by_key(|install| version_key(&install.version));
    found.pop()
}

/// "131.0.6778.85" as numbers, to order versions.
fn version_key(version: &str) -> Vec<u64> {
    version.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

/// The Stable release for `platform` in the list: its version and the
/// addresses of the browser's and the driver's archives.
fn stable_release(list: &str, platform: &str) -> Result<(String, String, String)> {
    let list: serde_json::Value = serde_json::from_str(list).context("the list of releases is not JSON")?;
    let stable = &list["channels"]["Stable"];
    let version = stable["version"].as_str().ok_or_else(|| anyhow!("the list names no Stable version"))?;
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        bail!("the list's Stable version {version:?} is not a version number");
    }
    let url = |what: &str| -> Result<String> {
        stable["downloads"][what]
            .as_array()
            .into_iter()
            .flatten()
            .find(|download| download["platform"] == platform)
            .and_then(|download| download["url"].as_str())
            .map(str::to_string)
            .ok_or_else(|| anyhow!("the list has no {what} for {platform} in Stable {version}"))
    };
    Ok((version.to_string(), url("chrome")?, url("chromedriver")?))
}

/// Unpacks the zip archive `file` into `dir`, with its files' permissions
/// (and, on macOS, the app bundle's links).
fn unpack(file: &Path, dir: &Path) -> Result<()> {
    let archive = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let mut archive =
        zip::ZipArchive::new(archive).with_context(|| format!("{} is not a zip archive", file.display()))?;
    archive.extract(dir).with_context(|| format!("cannot unpack {}", file.display()))
}

/// `binary --version`, when it runs and names a Chrome.
pub fn says_it_is_chrome(binary: &Path) -> Result<String, String> {
    let out = Command::new(binary).arg("--version").output().map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && said.contains("Chrom") {
        Ok(said)
    } else {
        Err(format!("{said}{}", String::from_utf8_lossy(&out.stderr)).trim().to_string())
    }
}

/// How to get a browser this way, for a student who has not yet.
pub fn advice() -> String {
    match (platform(), root()) {
        (Some(_), Some(root)) => format!(
            "`cargo run -p grader -- setup` downloads Chrome for Testing and its chromedriver (about 170 MB, no \
             root needed) into {}",
            root.display()
        ),
        _ => "Chrome or Chromium from your system's packages, and the chromedriver of the same version".to_string(),
    }
}

/// Downloads the Stable Chrome for Testing and its chromedriver into the
/// cache, saying what it does and how big it is; the browser, ready.
pub fn install(notices: &mut Vec<String>) -> Result<Installed> {
    let Some(platform) = platform() else {
        bail!(
            "Chrome for Testing has no build for {} on {}: install Chrome or Chromium and its chromedriver from \
             your system's packages",
            std::env::consts::OS,
            std::env::consts::ARCH
        );
    };
    let root = root().ok_or_else(|| anyhow!("no cache directory: set HOME, or {CACHE_VAR}"))?;
    std::fs::create_dir_all(&root).with_context(|| format!("cannot create {}", root.display()))?;
    // What an earlier try left half-done.
    for entry in std::fs::read_dir(&root)?.filter_map(|e| e.ok()) {
        if entry.file_name().to_string_lossy().starts_with(".partial-") {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let list_url = std::env::var(URL_VAR).unwrap_or_else(|_| VERSIONS_URL.to_string());
    let partial = root.join(format!(".partial-{}", std::process::id()));
    std::fs::create_dir_all(&partial)?;
    let made = (|| -> Result<Installed> {
        let list_file = partial.join("versions.json");
        fetch(&list_url, &list_file, Progress::Quiet)?;
        let list = std::fs::read_to_string(&list_file)?;
        let (version, browser_url, driver_url) = stable_release(&list, platform)?;
        let final_dir = root.join(format!("{version}-{platform}"));
        let mb = |url: &str| size_of(url).map(|bytes| format!("{} MB", bytes.div_ceil(1_000_000)));
        let sizes = match (mb(&browser_url), mb(&driver_url)) {
            (Some(browser), Some(driver)) => format!(" ({browser} and {driver})"),
            _ => String::new(),
        };
        eprintln!(
            "No usable browser found: downloading Chrome for Testing {version} and its chromedriver{sizes} into {} \
             (once)...",
            final_dir.display()
        );
        for (url, name) in [(&browser_url, "chrome.zip"), (&driver_url, "chromedriver.zip")] {
            let file = partial.join(name);
            fetch(url, &file, Progress::Shown)?;
            unpack(&file, &partial)?;
            std::fs::remove_file(&file)?;
        }
        let browser = browser_in_archive(platform);
        let driver = PathBuf::from(format!("chromedriver-{platform}/chromedriver"));
        for file in [&browser, &driver] {
            if !partial.join(file).is_file() {
                bail!("the archives from {list_url} hold no {}", file.display());
            }
        }
        if let Err(said) = says_it_is_chrome(&partial.join(&browser)) {
            bail!(
                "Chrome for Testing {version} was downloaded but does not start here: {said}. On Linux it needs \
                 the libraries a desktop has (e.g. `sudo apt-get install libnss3 libgbm1 libasound2t64`)"
            );
        }
        // chromedriver starts the browser this file names, wherever it is.
        let capabilities = serde_json::json!({
            "goog:chromeOptions": { "binary": final_dir.join(&browser) }
        });
        std::fs::write(partial.join("webdriver.json"), capabilities.to_string())?;
        let installed = Installed {
            version,
            browser: final_dir.join(&browser),
            driver: final_dir.join(&driver),
            capabilities: final_dir.join("webdriver.json"),
        };
        std::fs::write(partial.join(MARKER), serde_json::to_vec_pretty(&installed)?)?;
        std::fs::remove_file(&list_file)?;
        if final_dir.exists() {
            std::fs::remove_dir_all(&final_dir)?;
        }
        std::fs::rename(&partial, &final_dir)
            .with_context(|| format!("cannot move the install into {}", final_dir.display()))?;
        Ok(installed)
    })();
    match made {
        Ok(installed) => {
            notices.push(format!(
                "Installed Chrome for Testing {} with its chromedriver in {}.",
                installed.version,
                parent_of(&installed.capabilities).display()
            ));
            Ok(installed)
        }
        Err(error) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(error)
        }
    }
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"{"timestamp":"2026-11-30T00:00:00Z","channels":{
        "Beta":{"channel":"Beta","version":"144.0.1.2","downloads":{}},
        "Stable":{"channel":"Stable","version":"143.0.7499.40","revision":"1",
          "downloads":{
            "chrome":[{"platform":"linux64","url":"https://h/143.0.7499.40/linux64/chrome-linux64.zip"},
                      {"platform":"mac-arm64","url":"https://h/143.0.7499.40/mac-arm64/chrome-mac-arm64.zip"}],
            "chromedriver":[{"platform":"linux64","url":"https://h/143.0.7499.40/linux64/chromedriver-linux64.zip"}]}}}}"#;

    #[test]
    fn the_stable_release_for_this_platform_is_taken_from_the_list() {
        let (version, browser, driver) = stable_release(LIST, "linux64").unwrap();
        assert_eq!(version, "143.0.7499.40");
        assert_eq!(browser, "https://h/143.0.7499.40/linux64/chrome-linux64.zip");
        assert_eq!(driver, "https://h/143.0.7499.40/linux64/chromedriver-linux64.zip");
        let missing = stable_release(LIST, "mac-arm64").unwrap_err().to_string();
        assert!(missing.contains("no chromedriver for mac-arm64"), "{missing}");
        assert!(stable_release("<html>", "linux64").is_err());
        let climbing = LIST.replace("143.0.7499.40\",\"revision", "../../x\",\"revision");
        assert!(stable_release(&climbing, "linux64").is_err(), "a version becomes a directory name");
    }

    #[test]
    fn the_newest_finished_install_is_used_and_a_partial_one_never() {
        let cache = tempfile::tempdir().unwrap();
        let root = cache.path().join("chrome-for-testing");
        let make = |dir: &str, version: &str, finished: bool| {
            let dir = root.join(dir);
            std::fs::create_dir_all(&dir).unwrap();
            for file in ["chrome", "chromedriver", "webdriver.json"] {
                std::fs::write(dir.join(file), "").unwrap();
            }
            if finished {
                let installed = Installed {
                    version: version.into(),
                    browser: dir.join("chrome"),
                    driver: dir.join("chromedriver"),
                    capabilities: dir.join("webdriver.json"),
                };
                std::fs::write(dir.join(MARKER), serde_json::to_vec(&installed).unwrap()).unwrap();
            }
        };
        let found = || installed_in(&root).map(|install| install.browser);
        assert_eq!(found(), None);
        make(".partial-12", "200.0.0.0", false);
        make("99.0.1.2-linux64", "99.0.1.2", false);
        assert_eq!(found(), None, "nothing finished");
        make("100.0.9.1-linux64", "100.0.9.1", true);
        make("100.0.10.0-linux64", "100.0.10.0", true);
        assert_eq!(found(), Some(root.join("100.0.10.0-linux64/chrome")), "by version, not by name");
        std::fs::remove_file(root.join("100.0.10.0-linux64/chromedriver")).unwrap();
        assert_eq!(found(), Some(root.join("100.0.9.1-linux64/chrome")), "one whose files went is skipped");
    }
}
