//! Running a tool under a limit, and leaving nothing behind.
//!
//! A test run starts wasm-bindgen-test-runner, which starts chromedriver and
//! Chromium. When a test loops forever the runner gives up but Chromium keeps
//! running, and Node.js never gives up at all. So every child runs in its own
//! process group, carries a marker in its environment that its descendants
//! inherit, and when it ends — or its time runs out, or the grader is
//! interrupted — the whole group is killed and any process still carrying the
//! marker is found in /proc and killed too. The grader is also a child
//! subreaper, so orphaned browser processes become its children and are
//! reaped here instead of lingering as zombies. Each run also has its own
//! TMPDIR, removed at its end, so that the browser profiles its WebDriver
//! makes are never left behind.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

/// Environment variable that marks every process started for one run.
pub const MARKER_VAR: &str = "WASM_COURSE_GRADER_RUN";

/// The most of one stream a run keeps: its first and its last half. A test
/// that prints without end must not exhaust the grader's memory.
pub const OUTPUT_CAP: usize = 4 * 1024 * 1024;

/// What a limited run produced.
#[derive(Debug)]
pub struct Finished {
    /// `None` when the run was killed at its limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub elapsed: Duration,
    /// A stream printed more than [`OUTPUT_CAP`], and its middle was cut.
    pub cut: bool,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Itself when the run succeeded within its limit; else an error
    /// naming `what` ran, with what it printed.
    pub fn succeeded(self, what: &str) -> anyhow::Result<Finished> {
        if self.timed_out {
            anyhow::bail!("{what} took too long and was stopped");
        }
        if !self.success() {
            anyhow::bail!("{what} failed:\n{}{}", self.stdout, self.stderr);
        }
        Ok(self)
    }
}

/// Runs registered so that an interrupt can kill them: (pid, marker).
static ACTIVE: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());
static NEXT_RUN: AtomicUsize = AtomicUsize::new(0);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static SETUP: Once = Once::new();

/// Makes the grader a subreaper (on Linux) and kills every active run on
/// Ctrl-C, so an interrupted grader does not leave a browser behind either.
pub fn install_cleanup() {
    SETUP.call_once(|| {
        // Orphans of a run (a browser that left its process group) then
        // become the grader's children, which it reaps. Linux only; elsewhere
        // killing the process group is all there is.
        #[cfg(target_os = "linux")]
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on this process.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        };
        crate::interrupt::on_interrupt(|| {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let active = ACTIVE.lock().map(|a| a.clone()).unwrap_or_default();
            for (pid, marker) in active {
                end_run(pid, &marker);
            }
        });
    });
}

/// Decides when a run must be stopped, from the lines it prints as they
/// arrive: a limit can then measure a phase of the run (its tests, not the
/// start-up of the tools around them) instead of the machine.
pub trait Clock {
    /// The run started.
    fn start(&mut self, at: Instant);
    /// A whole line of the run's stdout or stderr, when it arrived.
    fn line(&mut self, line: &str, at: Instant);
    /// When the run must be stopped, as things stand.
    fn deadline(&self) -> Instant;
}

/// A wall-clock limit from the start.
pub struct Wall {
    limit: Duration,
    deadline: Instant,
}

impl Wall {
    pub fn new(limit: Duration) -> Wall {
        Wall { limit, deadline: Instant::now() + limit }
    }
}

impl Clock for Wall {
    fn start(&mut self, at: Instant) {
        self.deadline = at + self.limit;
    }
    fn line(&mut self, _: &str, _: Instant) {}
    fn deadline(&self) -> Instant {
        self.deadline
    }
}

/// The longest line a [`Clock`] is shown; the rest of a longer one is
/// still collected, only not shown.
const CLOCK_LINE: usize = 4096;

/// Runs `command` with no stdin, capturing its output, for at most `limit`.
pub fn run_limited(command: Command, limit: Duration) -> io::Result<Finished> {
    run_clocked_in(command, &mut Wall::new(limit), |_, _| Ok(()))
}

/// Runs `command` with no stdin, capturing its output, until `clock` says
/// to stop it; the clock sees each line of output as it arrives. `prepare`
/// is given the command and the run's own temporary directory (its TMPDIR)
/// before it starts; the run does not start if `prepare` fails.
pub fn run_clocked_in(
    mut command: Command,
    clock: &mut dyn Clock,
    prepare: impl FnOnce(&mut Command, &Path) -> io::Result<()>,
) -> io::Result<Finished> {
    install_cleanup();
    let marker = format!("{}-{}", std::process::id(), NEXT_RUN.fetch_add(1, Ordering::SeqCst));
    let temp = run_temp_dir(&marker);
    command
        .env(MARKER_VAR, &marker)
        .env("TMPDIR", &temp)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let started = Instant::now();
    // The run's directory made, the child spawned and registered under the
    // lock: another thread's reap_orphans can never take this child's exit
    // status, and the Ctrl-C handler, which ends what is registered under
    // the same lock, finds either no trace of this run or all of it.
    let mut active = ACTIVE.lock().unwrap();
    if INTERRUPTED.load(Ordering::SeqCst) {
        // The grader is stopping (Ctrl-C, watch's q) and has killed what
        // was registered: nothing new may start behind its back.
        drop(active);
        loop {
            thread::park();
        }
    }
    let spawned =
        std::fs::create_dir_all(&temp).and_then(|()| prepare(&mut command, &temp)).and_then(|()| command.spawn());
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            drop(active);
            let _ = std::fs::remove_dir_all(&temp);
            return Err(error);
        }
    };
    let pid = child.id() as i32;
    active.push((pid, marker.clone()));
    drop(active);

    let (lines, arrived) = mpsc::channel();
    let stdout = collect(child.stdout.take(), lines.clone());
    let stderr = collect(child.stderr.take(), lines);

    clock.start(started);
    let mut status = None;
    loop {
        if let Some(exit) = child.try_wait()? {
            status = Some(exit);
            break;
        }
        let now = Instant::now();
        let Some(left) = clock.deadline().checked_duration_since(now).filter(|left| !left.is_zero()) else {
            break;
        };
        wait_for_lines(&arrived, left.min(Duration::from_millis(25)), clock);
    }
    if INTERRUPTED.load(Ordering::SeqCst) {
        // The child died because the Ctrl-C handler killed it: its output
        // means nothing. The handler is cleaning up and will exit the
        // process; reporting anything here would race it.
        loop {
            thread::park();
        }
    }
    let timed_out = status.is_none();
    // Whatever happened, nothing this run started may outlive it.
    end_run(pid, &marker);
    if timed_out {
        let _ = child.wait();
    }
    reap_orphans();
    ACTIVE.lock().unwrap().retain(|(active, _)| *active != pid);

    let (stdout, stdout_cut) = stdout.finish();
    let (stderr, stderr_cut) = stderr.finish();
    Ok(Finished { status, stdout, stderr, timed_out, elapsed: started.elapsed(), cut: stdout_cut || stderr_cut })
}

/// Shows `clock` the lines that arrive within `wait` (and any already
/// waiting).
fn wait_for_lines(arrived: &Receiver<(String, Instant)>, wait: Duration, clock: &mut dyn Clock) {
    match arrived.recv_timeout(wait) {
        Ok((line, at)) => clock.line(&line, at),
        // Both pipes closed: the child is ending.
        Err(RecvTimeoutError::Disconnected) => thread::sleep(wait),
        Err(RecvTimeoutError::Timeout) => {}
    }
    while let Ok((line, at)) = arrived.try_recv() {
        clock.line(&line, at);
    }
}

/// The output of one pipe, read on its own thread so a full pipe never blocks
/// the child.
struct Collector {
    buffer: Arc<Mutex<Capped>>,
    reader: Option<thread::JoinHandle<()>>,
}

/// At most [`OUTPUT_CAP`] bytes of a stream: the first half as it came, the
/// latest half after it, and a count of the bytes dropped between.
#[derive(Default)]
struct Capped {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    dropped: usize,
}

impl Capped {
    fn push(&mut self, bytes: &[u8]) {
        let half = OUTPUT_CAP / 2;
        let into_head = bytes.len().min(half - self.head.len());
        self.head.extend_from_slice(&bytes[..into_head]);
        self.tail.extend(&bytes[into_head..]);
        let excess = self.tail.len().saturating_sub(half);
        self.tail.drain(..excess);
        self.dropped += excess;
    }

    /// The text, and whether it was cut. Where it was, the partial lines
    /// on either side of the cut go too, so every line left is a whole line
    /// as printed: a cut can never move indented output to column 0, where
    /// the parser reads the runner's own lines.
    fn text(&self) -> (String, bool) {
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        if self.dropped == 0 {
            return (String::from_utf8_lossy(&[&self.head[..], &tail[..]].concat()).into_owned(), false);
        }
        let head = &self.head[..self.head.iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1)];
        let tail = &tail[tail.iter().position(|&b| b == b'\n').map_or(tail.len(), |at| at + 1)..];
        let cut = self.head.len() + self.tail.len() + self.dropped - head.len() - tail.len();
        let marker = format!("[the grader cut {cut} bytes of output here]\n");
        (String::from_utf8_lossy(&[head, marker.as_bytes(), tail].concat()).into_owned(), true)
    }
}

fn collect(pipe: Option<impl Read + Send + 'static>, lines: Sender<(String, Instant)>) -> Collector {
    let buffer = Arc::new(Mutex::new(Capped::default()));
    let reader = pipe.map(|mut pipe| {
        let buffer = Arc::clone(&buffer);
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            // The line being read, up to CLOCK_LINE bytes of it.
            let mut line = Vec::new();
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buffer.lock().unwrap().push(&chunk[..n]);
                for &byte in &chunk[..n] {
                    if byte == b'\n' {
                        // The clock may have stopped listening: the run is over.
                        let _ = lines.send((String::from_utf8_lossy(&line).into_owned(), Instant::now()));
                        line.clear();
                    } else if line.len() < CLOCK_LINE {
                        line.push(byte);
                    }
                }
            }
        })
    });
    Collector { buffer, reader }
}

impl Collector {
    /// What the pipe carried, and whether it was cut.
    fn finish(mut self) -> (String, bool) {
        // Every writer has been killed, so the pipe closes promptly; the wait
        // is bounded all the same, in case some process escaped the sweep.
        if let Some(reader) = self.reader.take() {
            let until = Instant::now() + Duration::from_secs(2);
            while !reader.is_finished() && Instant::now() < until {
                thread::sleep(Duration::from_millis(10));
            }
        }
        let capped = self.buffer.lock().unwrap();
        capped.text()
    }
}

fn kill_group(pgid: i32) {
    // SAFETY: kill has no memory effects; a negative pid names the group.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
}

/// The run's own temporary directory (its TMPDIR): the browser profiles
/// its WebDriver makes land there — Chromium's and Firefox's, which their
/// drivers often leave behind, about 10 MB a run — and go with it.
fn run_temp_dir(marker: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("wasm-course-grader-{marker}"))
}

/// Ends a run: kills its process group, then every process still carrying
/// its marker (a browser may leave the group, but it keeps its
/// environment), then removes the run's temporary directory.
fn end_run(pgid: i32, marker: &str) {
    kill_group(pgid);
    let needle = format!("{MARKER_VAR}={marker}\0").into_bytes();
    for _round in 0..5 {
        let marked = processes_with(&needle);
        if marked.is_empty() {
            break;
        }
        for pid in marked {
            // SAFETY: as in kill_group.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(run_temp_dir(marker));
}

/// Live processes (not this one) whose environment contains `needle`.
pub fn processes_with(needle: &[u8]) -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != me)
        .filter(|&pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// Reaps zombies that were re-parented to the grader (it is a subreaper).
/// Only processes that are zombies already, outside the grader's own
/// process group, are waited for, so the exit status of a child some other
/// code still waits on is never taken.
fn reap_orphans() {
    let me = std::process::id().to_string();
    // SAFETY: getpgrp has no memory effects.
    let own_group = unsafe { libc::getpgrp() };
    // Children that run_limited is still waiting for (other exercises, with
    // -j) are not orphans: their status is theirs to collect.
    let active = ACTIVE.lock().unwrap();
    let Ok(entries) = std::fs::read_dir("/proc") else { return };
    for pid in entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()) {
        if active.iter().any(|(child, _)| *child == pid) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // Fields after the parenthesised command: state, ppid, ...
        let Some(after_comm) = stat.rsplit_once(')').map(|(_, rest)| rest) else { continue };
        let fields: Vec<&str> = after_comm.split_whitespace().take(3).collect();
        // An orphan a run left was in the run's process group (or a session
        // of its own). A zombie in the grader's own group is a child some
        // other code started with std::process and will wait for itself.
        let orphan = matches!(fields[..], ["Z", parent, group]
            if parent == me && group.parse::<i32>().is_ok_and(|group| group != own_group));
        if orphan {
            // SAFETY: waiting on a zombie child of ours, without blocking.
            unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) };
        }
    }
}

/// The first directory on PATH holding an executable `name`.
pub fn find_on_path(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_past_its_limit_is_killed_with_all_its_descendants() {
        // A shell that starts a grandchild in a new session (so it leaves the
        // process group) and then hangs: both must be gone afterwards.
        let tag = format!("grader-process-test-{}", std::process::id());
        let mut command = Command::new("sh");
        command.arg("-c").arg("setsid sleep 300 & echo started; sleep 300").env("GRADER_PROCESS_TEST_TAG", &tag);
        let finished = run_limited(command, Duration::from_millis(700)).unwrap();
        assert!(finished.timed_out);
        assert!(finished.status.is_none());
        assert!(finished.elapsed < Duration::from_secs(5), "took {:?}", finished.elapsed);
        assert_eq!(finished.stdout.trim(), "started");
        let needle = format!("GRADER_PROCESS_TEST_TAG={tag}\0");
        assert_eq!(processes_with(needle.as_bytes()), Vec::<i32>::new(), "a descendant survived");
    }

    #[test]
    fn a_run_that_never_starts_leaves_no_directory_behind() {
        let made = |command: Command, prepared: io::Result<()>| {
            let mut temp = std::path::PathBuf::new();
            let result = run_clocked_in(command, &mut Wall::new(Duration::from_secs(5)), |_, dir| {
                temp = dir.to_path_buf();
                assert!(dir.is_dir(), "the run's directory exists for prepare");
                prepared
            });
            assert!(result.is_err());
            temp
        };
        let missing = made(Command::new("/nonexistent/wasm-bindgen-test-runner"), Ok(()));
        assert!(!missing.as_os_str().is_empty() && !missing.exists(), "a program that is not there: {missing:?}");
        let refused = made(Command::new("sh"), Err(io::Error::other("no sandbox")));
        assert!(!refused.exists(), "a prepare that failed: {refused:?}");
    }

    #[test]
    fn a_run_within_its_limit_reports_its_exit_status_and_output() {
        let mut command = Command::new("sh");
        command.arg("-c").arg("echo out; echo err >&2; exit 3");
        let finished = run_limited(command, Duration::from_secs(10)).unwrap();
        assert!(!finished.timed_out);
        assert_eq!(finished.status.and_then(|s| s.code()), Some(3));
        assert_eq!(finished.stdout, "out\n");
        assert_eq!(finished.stderr, "err\n");
        assert!(!finished.cut);
    }

    /// Stops a run a set time after the line `go`, whenever it comes.
    struct AfterGo {
        wait: Duration,
        deadline: Instant,
    }

    impl Clock for AfterGo {
        fn start(&mut self, at: Instant) {
            self.deadline = at + Duration::from_secs(30);
        }
        fn line(&mut self, line: &str, at: Instant) {
            if line == "go" {
                self.deadline = at + self.wait;
            }
        }
        fn deadline(&self) -> Instant {
            self.deadline
        }
    }

    #[test]
    fn a_clock_sees_each_line_as_it_arrives_and_its_deadline_ends_the_run() {
        let mut command = Command::new("sh");
        command.arg("-c").arg("sleep 1; echo go >&2; sleep 300");
        let mut clock = AfterGo { wait: Duration::from_millis(300), deadline: Instant::now() };
        let finished = run_clocked_in(command, &mut clock, |_, _| Ok(())).unwrap();
        assert!(finished.timed_out);
        assert!(
            finished.elapsed >= Duration::from_millis(1300) && finished.elapsed < Duration::from_secs(10),
            "stopped 300 ms after the line, which came after a second: {:?}",
            finished.elapsed
        );
        assert_eq!(finished.stderr, "go\n");
    }

    #[test]
    fn a_run_keeps_at_most_the_cap_of_each_stream_and_says_it_cut() {
        let mut command = Command::new("sh");
        command.arg("-c").arg("echo first; yes 'a line of output' | head -n 1000000; echo last");
        let finished = run_limited(command, Duration::from_secs(60)).unwrap();
        assert!(finished.success());
        assert!(finished.cut);
        assert!(finished.stdout.len() <= OUTPUT_CAP + 100, "kept {} bytes", finished.stdout.len());
        assert!(finished.stdout.starts_with("first\n"));
        assert!(finished.stdout.ends_with("\nlast\n"));
        assert!(finished.stdout.contains("\n[the grader cut "));
        assert!(finished
            .stdout
            .lines()
            .all(|l| l == "a line of output" || l.starts_with("[the grader cut ") || matches!(l, "first" | "last")));
    }

    #[test]
    fn a_cut_never_brings_indented_output_to_column_zero() {
        let mut capped = Capped::default();
        capped.push(b"running 1 test\n");
        capped.push(&vec![b'x'; OUTPUT_CAP / 2]);
        // A test's output, indented by the runner, straddling the cut.
        let mut indented = vec![b' '; OUTPUT_CAP];
        indented.extend_from_slice(b"test result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out\n    end\n");
        capped.push(&indented);
        let (text, cut) = capped.text();
        assert!(cut);
        assert!(text.starts_with("running 1 test\n[the grader cut "), "{}", &text[..40]);
        assert!(!text.lines().any(|line| line.starts_with("test result")), "a forged line reached column 0");
        assert!(text.ends_with("\n    end\n"));

        let mut small = Capped::default();
        small.push(b"whole\n");
        assert_eq!(small.text(), ("whole\n".to_string(), false));
    }
}
