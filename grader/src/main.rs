//! The grader's command line.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use grader::discover::{Course, Variant};
use grader::grade;
use grader::model::{CourseReport, Runner, Status};
use grader::report::{self, github, human, Format};
use grader::runner::{Phase, Settings};
use grader::submission;
use grader::tools::{MissingTool, RunnerChoice, Toolbox};
use grader::verify;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

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
    after_help = "Exit status: 0 every exercise passes (grade: the pass mark is reached); 1 not yet; \
        2 the command line was wrong; 3 a tool or browser is missing.\n\n\
        Examples:\n  cargo run -p grader                       grade everything\n  \
        cargo run -p grader -- run typed_views     every test of one exercise\n  \
        cargo run -p grader -- verify              instructors: solutions pass, stubs fail\n  \
        grader grade --course submission --reference pristine --format junit --output results.xml"
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

    /// How to write the results.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Write the results (in --format) to FILE; the terminal still gets the human report.
    #[arg(long, global = true, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Grade this many exercises at the same time.
    #[arg(short = 'j', long, global = true, value_name = "N", default_value_t = 1)]
    jobs: usize,

    /// Regrade every exercise, even those unchanged since they were last graded
    /// (the new results are still kept for next time).
    #[arg(long, global = true)]
    no_cache: bool,
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
    /// For classroom CI: grade everything, capstone included, for points; never asks anything.
    Grade {
        /// The instructor's pristine copy of the course: its tests, harnesses, Cargo.toml files
        /// and manifest are used instead of the submission's, and every difference is flagged.
        #[arg(long, value_name = "DIR")]
        reference: Option<PathBuf>,
        /// Where to stage the submission with --reference (default: <reference>/target/grader-submission).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Stop grading after this many seconds; what was not graded is reported as such.
        #[arg(long, value_name = "SECS")]
        time_budget: Option<u64>,
        /// The score that passes, in percent (default: course.toml's defaults.pass_mark).
        #[arg(long, value_name = "PERCENT")]
        pass_mark: Option<f64>,
    },
    /// For instructors: the manifest and crates agree, every solution passes, every stub fails.
    Verify,
    /// For instructors: record the hashes of every protected file (tests, harnesses, manifests)
    /// in course.seal.json, so the grader warns a student who edits one.
    Seal,
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
    let options = cli_options(&cli);
    match cli.command {
        Some(Command::Verify) => {
            // Layout problems need no tools: report them before installing any.
            let layout = verify::check_layout(&course);
            if !verify::passed(&layout) {
                print_findings(&layout);
                return Ok(EXIT_NOT_DONE);
            }
        }
        Some(Command::Seal) => {
            let count = submission::seal(&course.root, &course.manifest)?;
            println!("sealed {count} protected files in {}", submission::SEAL_FILE);
            return Ok(EXIT_DONE);
        }
        Some(Command::Grade { reference, work_dir, time_budget, pass_mark }) => {
            return grade_submission(&options, course, reference, work_dir, time_budget, pass_mark);
        }
        _ => {}
    }
    let settings = settings(&course, &options, None)?;
    let progress = Progress::new();
    let mut stdout = anstream::stdout();

    match cli.command.unwrap_or(Command::Check) {
        Command::Check => {
            let mut report = grade::grade_course(&course, &settings, &options.grading, &|name, phase| {
                progress.show(name, phase)
            });
            progress.clear();
            report.findings = submission::check_seal(&course.root, &course.manifest);
            publish(&report, &options)?;
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
            let reports = grade::grade_exercises(&course, &selected, variant, &settings, &options.grading, &|name, phase| {
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
            let findings =
                verify::verify(&course, &settings, &mut |name, phase| progress.show(name, phase));
            progress.clear();
            print_findings(&findings);
            Ok(if verify::passed(&findings) { EXIT_DONE } else { EXIT_NOT_DONE })
        }
        Command::Grade { .. } | Command::Seal => unreachable!("handled above"),
    }
}

/// The options every command shares.
struct Options {
    runner: RunnerChoice,
    timeout: Option<u64>,
    install: bool,
    format: Format,
    output: Option<PathBuf>,
    grading: grade::Options,
}

fn cli_options(cli: &Cli) -> Options {
    Options {
        runner: cli.runner,
        timeout: cli.timeout,
        install: !cli.no_install,
        format: cli.format,
        output: cli.output.clone(),
        grading: grade::Options { jobs: cli.jobs.max(1), cache: !cli.no_cache, capstone_always: false },
    }
}

fn settings(course: &Course, options: &Options, deadline: Option<Instant>) -> Result<Settings> {
    Ok(Settings {
        toolbox: Toolbox::prepare(&course.root, options.runner, options.install)?,
        test_timeout: options.timeout.map(Duration::from_secs),
        build_timeout: Duration::from_secs(course.manifest.defaults.build_timeout_secs),
        deadline,
    })
}

/// `grader grade`: always writes a result, whatever goes wrong.
fn grade_submission(
    options: &Options,
    submitted: Course,
    reference: Option<PathBuf>,
    work_dir: Option<PathBuf>,
    time_budget: Option<u64>,
    pass_mark: Option<f64>,
) -> Result<u8> {
    let started = Instant::now();
    let deadline = time_budget.map(|secs| started + Duration::from_secs(secs));
    let grading = grade::Options { capstone_always: true, ..options.grading.clone() };
    // Graded where it is, or staged from the reference plus the student's editable files.
    let staged = match &reference {
        None => Ok((submitted.clone(), Vec::new())),
        Some(reference) => {
            let work = work_dir.unwrap_or_else(|| reference.join("target").join("grader-submission"));
            submission::stage(&submitted.root, reference, &work)
                .and_then(|staged| Ok((Course::open(&staged.root)?, staged.findings)))
        }
    };
    let progress = Progress::new();
    let mut report = match staged {
        Err(error) => grade::ungraded_course(&submitted, Runner::Chrome, &format!("{error:#}")),
        Ok((course, findings)) => {
            let mut report = match settings(&course, options, deadline) {
                Ok(settings) => {
                    grade::grade_course(&course, &settings, &grading, &|name, phase| progress.show(name, phase))
                }
                Err(error) => {
                    let runner = if options.runner == RunnerChoice::Node { Runner::Node } else { Runner::Chrome };
                    grade::ungraded_course(&course, runner, &format!("{error:#}"))
                }
            };
            report.findings = findings;
            report
        }
    };
    progress.clear();
    if let Some(mark) = pass_mark {
        report.pass_mark = mark.clamp(0.0, 100.0);
    }
    report.duration = started.elapsed();
    publish(&report, options)?;
    Ok(if report.has_infrastructure_error() {
        EXIT_INFRASTRUCTURE
    } else if report.reached_pass_mark() {
        EXIT_DONE
    } else {
        EXIT_NOT_DONE
    })
}

/// Writes the report where it was asked for: the chosen format to --output
/// (the terminal then gets the human report) or to the terminal; under
/// GitHub Actions also the job summary and annotations.
fn publish(report: &CourseReport, options: &Options) -> Result<()> {
    let mut stdout = anstream::stdout();
    match &options.output {
        Some(file) => {
            std::fs::write(file, report::render(options.format, report))
                .with_context(|| format!("cannot write the results to {}", file.display()))?;
            write!(stdout, "{}", human::course(report))?;
            writeln!(stdout, "Results ({:?}) written to {}.", options.format, file.display())?;
        }
        None => write!(stdout, "{}", report::render(options.format, report))?,
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        write!(stdout, "{}", github::annotations(report))?;
    }
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .with_context(|| format!("cannot append to $GITHUB_STEP_SUMMARY ({})", summary.to_string_lossy()))?;
        file.write_all(github::summary(report).as_bytes())?;
    }
    Ok(())
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

    fn show(&self, name: &str, phase: Phase) {
        if self.enabled {
            let doing = match phase {
                Phase::Building => "compiling for wasm32 (the first build takes about a minute)",
                Phase::Testing => "running the tests",
            };
            eprint!("\r\x1b[2K{name}: {doing}…");
        }
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}
