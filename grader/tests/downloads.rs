//! What the grader downloads on a student's first run, from a local server
//! standing in for the real hosts (each takes a base address).
//!
//! A browser where no package manager gives a real one: on Ubuntu (and
//! WSL, and macOS) with none installed, the grader downloads Chrome for
//! Testing and its chromedriver into its cache, grades with them, and uses
//! them again next time; the server's "Chrome" is a script that starts this
//! machine's Chromium, so that the grade is real. A download cut off
//! half-way leaves nothing that looks installed.
//!
//! wasm-bindgen prebuilt instead of compiled: its release archive is
//! installed only when it matches the checksum published beside it.

mod common;

use common::{course_root, grader_with, path_with_only, require, Need, TempCourse};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Serves `files` over HTTP/1.1 (GET and HEAD), one connection at a time.
/// While `cut` is set, a download stops after half its bytes, as when the
/// network goes away.
struct Host {
    address: String,
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    cut: Arc<AtomicBool>,
    archives_sent: Arc<AtomicUsize>,
}

impl Host {
    fn serve() -> Host {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let files = Arc::new(Mutex::new(BTreeMap::<String, Vec<u8>>::new()));
        let cut = Arc::new(AtomicBool::new(false));
        let archives_sent = Arc::new(AtomicUsize::new(0));
        let (serving, cutting, counting) = (files.clone(), cut.clone(), archives_sent.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut words = request.split_whitespace();
                let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                let Some(body) = serving.lock().unwrap().get(path).cloned() else {
                    let _ =
                        stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    continue;
                };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                if method == "GET" {
                    if path.ends_with(".zip") {
                        counting.fetch_add(1, Ordering::SeqCst);
                    }
                    let sent = if cutting.load(Ordering::SeqCst) && path.ends_with(".zip") {
                        body.len() / 2
                    } else {
                        body.len()
                    };
                    let _ = stream.write_all(&body[..sent]);
                }
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Both);
                let _ = reader.read_to_end(&mut Vec::new());
            }
        });
        Host { address, files, cut, archives_sent }
    }

    fn put(&self, path: &str, body: Vec<u8>) {
        self.files.lock().unwrap().insert(path.to_string(), body);
    }
}

/// A zip archive of executable scripts, by path.
fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, text) in files {
        let options = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
        archive.start_file(*path, options).unwrap();
        archive.write_all(text.as_bytes()).unwrap();
    }
    archive.finish().unwrap().into_inner()
}

/// What the cache holds: the names of its finished installs, and whether
/// anything half-done is left.
fn installs(cache: &Path) -> (Vec<String>, bool) {
    let root = cache.join("chrome-for-testing");
    let mut finished = Vec::new();
    let mut partial = false;
    for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("installed.json").is_file() {
            finished.push(name);
        } else {
            partial = true;
        }
    }
    (finished, partial)
}

#[test]
fn ubuntu_without_a_browser_gets_chrome_for_testing_from_the_host_and_keeps_it() {
    require(&[Need::Chromium]);
    let chromium = grader::process::find_on_path("chromium").expect("this machine's Chromium");
    let chromedriver = grader::process::find_on_path("chromedriver").expect("this machine's chromedriver");
    let version = "143.0.7499.40";
    let host = Host::serve();
    // Each script leaves a mark when it runs for more than its version:
    // the driver started this browser, not one it found by itself.
    let marks = tempfile::tempdir().unwrap();
    let script = |real: &Path| {
        let mark = marks.path().join(real.file_name().unwrap());
        format!(
            "#!/bin/sh\ncase \"$1\" in --version) ;; *) : > {} ;; esac\nexec {} \"$@\"\n",
            mark.display(),
            real.display()
        )
    };
    let (browser, driver) =
        (format!("/{version}/linux64/chrome-linux64.zip"), format!("/{version}/linux64/chromedriver-linux64.zip"));
    host.put(&browser, zip_of(&[("chrome-linux64/chrome", script(&chromium))]));
    host.put(&driver, zip_of(&[("chromedriver-linux64/chromedriver", script(&chromedriver))]));
    let list = serde_json::json!({
        "timestamp": "2026-12-01T00:00:00.000Z",
        "channels": { "Stable": { "channel": "Stable", "version": version, "revision": "1",
            "downloads": {
                "chrome": [{ "platform": "linux64", "url": format!("{}{browser}", host.address) }],
                "chromedriver": [{ "platform": "linux64", "url": format!("{}{driver}", host.address) }]
            } } }
    });
    host.put("/versions.json", list.to_string().into_bytes());
    let list_url = format!("{}/versions.json", host.address);

    let ubuntu = tempfile::tempdir().unwrap();
    let os_release = ubuntu.path().join("os-release");
    std::fs::write(&os_release, "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n").unwrap();
    let cache = tempfile::tempdir().unwrap();
    // No browser and no driver: only the tools grading needs, and curl.
    let bin = path_with_only(&["cargo", "rustc", "wasm-bindgen", "wasm-bindgen-test-runner", "node", "curl"]);
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .manifest(&[("struct_packing", "06_struct_packing")]);
    let grade_with = |url: &str, flags: &[&str]| {
        let mut args = vec!["--runner", "chrome"];
        args.extend(flags);
        args.extend(["check", "--format", "json", "--no-cache"]);
        grader_with(course.path(), &args, |command| {
            command
                .env("PATH", bin.path())
                .env("GRADER_OS_RELEASE", &os_release)
                .env("GRADER_CACHE_DIR", cache.path())
                .env("GRADER_CHROME_FOR_TESTING_URL", url)
                .env_remove("CHROMEDRIVER")
                .env_remove("GECKODRIVER")
                .stdin(std::process::Stdio::null());
        })
    };

    let grade = |url: &str| grade_with(url, &[]);

    // Told to install nothing: the command that would, and nothing fetched.
    let told = grade_with(&list_url, &["--no-install"]);
    assert_eq!(told.code(), Some(3), "{}\n{}", told.stdout, told.stderr);
    assert!(told.stderr.contains("cargo run -p grader -- setup` downloads Chrome for Testing"), "{}", told.stderr);
    assert_eq!(host.archives_sent.load(Ordering::SeqCst), 0);

    // The network goes away half-way through the browser's archive.
    host.cut.store(true, Ordering::SeqCst);
    let cut = grade(&list_url);
    assert_eq!(cut.code(), Some(3), "a machine problem, not a grade:\n{}\n{}", cut.stdout, cut.stderr);
    assert!(cut.stderr.contains("downloading") && cut.stderr.contains("chrome-linux64.zip"), "{}", cut.stderr);
    assert!(cut.stderr.contains("Nothing was left half-installed"), "{}", cut.stderr);
    assert_eq!(installs(cache.path()), (vec![], false), "nothing half-installed is left");
    assert!(cut.survivors().is_empty(), "{:?}", cut.survivors());

    // Back: installed into the cache, said so, and graded with.
    host.cut.store(false, Ordering::SeqCst);
    let first = grade(&list_url);
    assert!(matches!(first.code(), Some(0 | 1)), "graded:\n{}\n{}", first.stdout, first.stderr);
    assert!(first.stderr.contains(&format!("downloading Chrome for Testing {version}")), "{}", first.stderr);
    assert_eq!(installs(cache.path()), (vec![format!("{version}-linux64")], false));
    let results: Value = serde_json::from_str(&first.stdout).unwrap();
    let exercise = &results["exercises"][0];
    assert!(exercise["error"].is_null(), "the tests ran in the downloaded browser: {exercise:#}");
    assert_eq!(exercise["runner"], "headless Chromium");
    assert!(exercise["tests"].as_u64().unwrap() > 0, "{exercise:#}");
    for ran in ["chromium", "chromedriver"] {
        assert!(marks.path().join(ran).exists(), "the downloaded {ran} was not the one used");
    }
    let sent = host.archives_sent.load(Ordering::SeqCst);

    // And again, from the cache: nothing is downloaded, not even the list.
    let again = grade("http://127.0.0.1:9/nothing-listens-here.json");
    assert!(matches!(again.code(), Some(0 | 1)), "graded:\n{}\n{}", again.stdout, again.stderr);
    assert!(!again.stderr.contains("downloading"), "{}", again.stderr);
    assert_eq!(host.archives_sent.load(Ordering::SeqCst), sent);
    let results: Value = serde_json::from_str(&again.stdout).unwrap();
    assert!(results["exercises"][0]["error"].is_null(), "{results:#}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn wasm_bindgen_comes_prebuilt_when_it_matches_its_published_checksum_and_never_otherwise() {
    require(&[Need::Chromium]);
    let version = grader::tools::pinned_wasm_bindgen(&course_root()).unwrap();
    // Its release archive for this machine, made of this machine's own
    // wasm-bindgen (the pinned version), laid out as the project's are.
    let name = format!("wasm-bindgen-{version}-x86_64-unknown-linux-musl");
    let staging = tempfile::tempdir().unwrap();
    std::fs::create_dir(staging.path().join(&name)).unwrap();
    for program in ["wasm-bindgen", "wasm-bindgen-test-runner"] {
        let real = grader::process::find_on_path(program).expect("this machine's wasm-bindgen");
        std::fs::copy(real, staging.path().join(&name).join(program)).unwrap();
    }
    let archive = staging.path().join("archive.tar.gz");
    let packed = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(staging.path())
        .arg(&name)
        .status()
        .unwrap();
    assert!(packed.success());
    let bytes = std::fs::read(&archive).unwrap();
    let host = Host::serve();
    let path = format!("/wasm-bindgen/wasm-bindgen/releases/download/{version}/{name}.tar.gz");
    host.put(&path, bytes.clone());

    let install_root = tempfile::tempdir().unwrap();
    let bin = install_root.path().join("bin");
    let course = TempCourse::new()
        .with_course_exercise("06_struct_packing")
        .manifest(&[("struct_packing", "06_struct_packing")]);
    let run = |tools: &[&str], args: &[&str]| {
        let path = path_with_only(tools);
        grader_with(course.path(), args, |command| {
            command
                .env("PATH", path.path())
                .env("CARGO_INSTALL_ROOT", install_root.path())
                .env("GRADER_RELEASES_URL", &host.address)
                .stdin(std::process::Stdio::null());
        })
    };

    // A checksum that is not the archive's: refused, and with no cargo on
    // PATH nothing can compile it instead.
    host.put(&format!("{path}.sha256sum"), format!("{}  gh-release/{name}.tar.gz\n", sha256_hex(b"another")).into());
    let refused = run(&["curl", "tar", "gzip"], &["--runner", "chrome", "setup"]);
    assert_eq!(refused.code(), Some(3), "{}\n{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("is not what was published"), "{}", refused.stderr);
    let left: Vec<_> = std::fs::read_dir(&bin).into_iter().flatten().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "nothing installed from a refused archive: {left:?}");

    // The published checksum: installed in seconds, and graded with.
    host.put(&format!("{path}.sha256sum"), format!("{}  gh-release/{name}.tar.gz\n", sha256_hex(&bytes)).into());
    let tools = ["cargo", "rustc", "node", "curl", "tar", "gzip", "chromium", "chromedriver"];
    let graded = run(&tools, &["--runner", "chrome", "check", "--format", "json", "--no-cache"]);
    assert!(matches!(graded.code(), Some(0 | 1)), "{}\n{}", graded.stdout, graded.stderr);
    assert!(graded.stderr.contains(&format!("Downloading {name}, prebuilt")), "{}", graded.stderr);
    assert!(!graded.stderr.contains("cargo install"), "nothing compiled: {}", graded.stderr);
    for program in ["wasm-bindgen", "wasm-bindgen-test-runner"] {
        assert!(bin.join(program).is_file(), "{program} is in CARGO_INSTALL_ROOT's bin");
    }
    let results: Value = serde_json::from_str(&graded.stdout).unwrap();
    assert!(results["exercises"][0]["error"].is_null(), "{results:#}");
}
