//! The grader's command line.

use anyhow::Result;
use clap::{Parser, Subcommand};
use grader::discover::{Course, Variant};
use grader::grade;
use grader::model::Status;
use grader::report::human;
use grader::runner::{Phase, Settings};
use grader::tools::{MissingTool, RunnerChoice, Toolbox};
use grader::verify;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Every graded exercise passes (or `verify` found nothing wrong).
const EXIT_DONE: u8 = 0;
/// Some exercise fails, does not compile or timed out (or `verify` found a problem).
const EXIT_NOT_DONE: u8 = 1;
/// The machine lacks something grading needs: a tool, a browser.
const EXIT_INFRASTRUCTURE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "grader",
    about = "Grades the WebAssembly memory & performance course in a real headless browser.",
    long_about = "Grades the WebAssembly memory & performance course in a real headless browser.\n\n\
        With no command, grades every exercise in course order and shows your progress: \
        what passes, the first failing test of the next exercise with its message, and a hint.\n\n\
        Each exercise is compiled for wasm32 and its tests are run with `wasm-pack test` in \
        headless Chromium (or Node.js when no browser is installed and the exercise allows it).",
    after_help = "Exit status: 0 every exercise passes; 1 some exercise does not pass yet; \
        2 the command line was wrong; 3 a tool or browser is missing.\n\n\
        Examples:\n  cargo run -p grader                       grade everything\n  \
        cargo run -p grader -- run typed_views     every test of one exercise\n  \
        cargo run -p grader -- verify              instructors: solutions pass, stubs fail"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    /// The course directory (default: the one containing the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    course: Option<PathBuf>,

    /// Where to run the tests.
    #[arg(long, global = true, value_enum, default_value_t = RunnerChoice::Auto)]
    runner: RunnerChoice,

    /// Time limit for running one exercise's tests, in seconds (default: course.toml's).
    #[arg(long, global = true, value_name = "SECS")]
    timeout: Option<u64>,

    /// Do not `cargo install` missing tools; print the command instead.
    #[arg(long, global = true)]
    no_install: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Grade every exercise and show progress (the default).
    Check,
    /// Grade one exercise (or the capstone, or one of its milestones) and show every test.
    Run {
        /// The exercise, e.g. `typed_views` or `01_typed_views`; `mix`; `mix/buffer`.
        name: String,
        /// Grade the reference solution instead (for instructors).
        #[arg(long)]
        solution: bool,
    },
    /// For instructors: the manifest and crates agree, every solution passes, every stub fails.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let mut stderr = anstream::stderr();
            let _ = writeln!(stderr, "{}error:{} {error:#}", BOLD_RED, RESET);
            if error.downcast_ref::<MissingTool>().is_some() {
                ExitCode::from(EXIT_INFRASTRUCTURE)
            } else {
                ExitCode::from(EXIT_NOT_DONE)
            }
        }
    }
}

const BOLD_RED: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
const RESET: anstyle::Reset = anstyle::Reset;

fn run(cli: Cli) -> Result<u8> {
    let course = match &cli.course {
        Some(dir) => Course::open(dir)?,
        None => Course::locate(&std::env::current_dir()?)?,
    };
    if matches!(cli.command, Some(Command::Verify)) {
        // Layout problems need no tools: report them before installing any.
        let layout = verify::check_layout(&course);
        if !verify::passed(&layout) {
            print_findings(&layout);
            return Ok(EXIT_NOT_DONE);
        }
    }
    let toolbox = Toolbox::prepare(&course.root, cli.runner, !cli.no_install)?;
    let settings = Settings {
        toolbox,
        test_timeout: cli.timeout.map(Duration::from_secs),
        build_timeout: Duration::from_secs(course.manifest.defaults.build_timeout_secs),
    };
    let mut progress = Progress::new();
    let mut stdout = anstream::stdout();

    match cli.command.unwrap_or(Command::Check) {
        Command::Check => {
            let report = grade::grade_course(&course, &settings, &mut |name, phase| progress.show(name, phase));
            progress.clear();
            write!(stdout, "{}", human::course(&report))?;
            Ok(if report.has_infrastructure_error() {
                EXIT_INFRASTRUCTURE
            } else if report.all_passed() {
                EXIT_DONE
            } else {
                EXIT_NOT_DONE
            })
        }
        Command::Run { name, solution } => {
            let variant = if solution { Variant::Solution } else { Variant::Exercise };
            let selected = course.select(&name)?;
            for notice in &settings.toolbox.notices {
                writeln!(stdout, "note: {notice}")?;
            }
            let reports = grade::grade_exercises(&course, &selected, variant, &settings, &mut |name, phase| {
                progress.show(name, phase)
            });
            progress.clear();
            for report in &reports {
                write!(stdout, "{}", human::exercise(report))?;
            }
            Ok(if reports.iter().any(|r| r.error.as_ref().is_some_and(|e| e.kind.is_infrastructure())) {
                EXIT_INFRASTRUCTURE
            } else if reports.iter().all(|r| r.status == Status::Pass) {
                EXIT_DONE
            } else {
                EXIT_NOT_DONE
            })
        }
        Command::Verify => {
            let findings = verify::verify(&course, &settings, &mut |name, phase| progress.show(name, phase));
            progress.clear();
            print_findings(&findings);
            Ok(if verify::passed(&findings) { EXIT_DONE } else { EXIT_NOT_DONE })
        }
    }
}

fn print_findings(findings: &[verify::Finding]) {
    let mut stdout = anstream::stdout();
    let green = anstyle::AnsiColor::Green.on_default().bold();
    for finding in findings {
        let (mark, style) = if finding.ok { ("✓", green) } else { ("✗", BOLD_RED) };
        let _ = writeln!(stdout, "{style}{mark}{style:#} {}: {}", finding.subject, finding.detail);
    }
    let problems = findings.iter().filter(|f| !f.ok).count();
    let _ = if problems == 0 {
        writeln!(stdout, "\nverify: the course is consistent.")
    } else {
        writeln!(stdout, "\nverify: {problems} problem(s) to fix.")
    };
}

/// A one-line "what is happening" on a terminal; silent when piped, so logs
/// and result files stay clean.
struct Progress {
    enabled: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress { enabled: std::io::stderr().is_terminal() }
    }

    fn show(&mut self, name: &str, phase: Phase) {
        if self.enabled {
            let doing = match phase {
                Phase::Building => "compiling for wasm32 (the first build takes about a minute)",
                Phase::Testing => "running the tests",
            };
            eprint!("\r\x1b[2K{name}: {doing}…");
        }
    }

    fn clear(&mut self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}
