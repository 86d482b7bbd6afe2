//! The grader's command line.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use grader::discover::{Course, Variant};
use grader::grade;
use grader::model::{CourseReport, Status};
use grader::report::{self, counted, github, human, Destination, Format};
use grader::runner::Settings;
use grader::submission;
use grader::tools::{MissingTool, RunnerChoice, Toolbox};
use grader::verify;
use grader::progress::Progress;
use grader::{bench, class, hints, reset, watch};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Every graded exercise passes (or `verify` found nothing wrong).
const EXIT_DONE: u8 = 0;
/// Some exercise fails, does not compile or timed out (or `verify` found a problem).
const EXIT_NOT_DONE: u8 = 1;
/// The machine lacks something grading needs: a tool, a browser.
const EXIT_INFRASTRUCTURE: u8 = 3;
/// The grader could not do what was asked (no course here, a file it cannot
/// read or write, a bug): never confused with "not done yet".
const EXIT_GRADER_FAILED: u8 = 4;

#[derive(Parser)]
#[command(
    name = "grader",
    about = "Grades the WebAssembly memory & performance course in a real headless browser.",
    long_about = "Grades the WebAssembly memory & performance course in a real headless browser.\n\n\
        With no command, grades every exercise in course order and shows your progress: \
        what passes, the first failing test of the next exercise with its message, and a hint.\n\n\
        Each exercise is compiled for wasm32 and its tests are run with `wasm-pack test` in \
        headless Chromium or Firefox (or Node.js when no browser is installed and the exercise allows it).",
    after_help = "Exit status: 0 every exercise passes (grade: the pass mark is reached); 1 not yet; \
        2 the command line was wrong; 3 a tool or browser is missing; 4 the grader could not do what was asked \
        (its message says why).\n\n\
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

    /// Write the results to FILE, in FORMAT (json, junit, gradescope, classroom, human) or else in
    /// --format; repeat it to write several from one run. The terminal still gets the human report.
    #[arg(long, global = true, value_name = "[FORMAT=]FILE")]
    output: Vec<Destination>,

    /// Grade this many exercises at the same time.
    #[arg(short = 'j', long, global = true, value_name = "N", default_value_t = 1)]
    jobs: usize,

    /// When to colour the output: auto (a terminal, unless NO_COLOR is set), always, never.
    /// Default: CARGO_TERM_COLOR, else auto.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    color: Option<ColorWhen>,

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
        /// Also show what cargo and wasm-pack printed.
        #[arg(long, short)]
        verbose: bool,
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
    /// For instructors: grade every submission in a folder (one directory per student) against the
    /// reference; results per student and a gradebook CSV. Interrupted, it resumes where it stopped.
    Class {
        /// The folder of submissions, one directory per student.
        submissions: PathBuf,
        /// The instructor's pristine copy of the course.
        #[arg(long, value_name = "DIR")]
        reference: PathBuf,
        /// Where to write each student's results and gradebook.csv (default: ./grades).
        #[arg(long, value_name = "DIR", default_value = "grades")]
        out: PathBuf,
        /// Where submissions are staged and built, shared by all of them (default: <out>/.work).
        #[arg(long, value_name = "DIR")]
        work_dir: Option<PathBuf>,
        /// Stop grading one student after this many seconds; what was not graded is reported as such.
        #[arg(long, value_name = "SECS")]
        time_budget: Option<u64>,
    },
    /// Grade the exercise you are working on again each time you save it, with hints and progress.
    Watch {
        /// Do not watch files (for file systems where it fails): press r to grade again.
        #[arg(long)]
        manual: bool,
    },
    /// Every exercise and capstone milestone with its status, points and concept.
    List,
    /// The next hint of an exercise (default: the one you are working on), one tier at a time:
    /// the idea, then the shape of the code, then the code.
    Hint {
        /// The exercise, e.g. `typed_views`, or a milestone like `mix/buffer`.
        name: Option<String>,
    },
    /// Put an exercise's files back as shipped; yours are saved first (`restore` brings them back).
    Reset {
        /// The exercise (or `mix` for the capstone).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        name: Option<String>,
        /// Every exercise and the capstone.
        #[arg(long)]
        all: bool,
        /// Do not ask, even at a terminal.
        #[arg(long, short)]
        yes: bool,
    },
    /// Bring back the files saved by the last reset (or the backup named); the current ones are saved first.
    Restore {
        /// A backup's directory name under .grader/backups (default: the newest).
        backup: Option<String>,
    },
    /// Measure the lesson's benchmark table on this machine: release builds (plain and simd128)
    /// against JavaScript, in Node.js and headless Chromium; writes bench.md and bench.svg.
    Bench {
        /// Small inputs, a few seconds (not the lesson's sizes).
        #[arg(long)]
        quick: bool,
        /// Where to write bench.md and bench.svg (default: target/bench).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Alter one kernel's WASM result on purpose, to see the check refuse to time it.
        #[arg(long, value_name = "KERNEL")]
        broken: Option<String>,
    },
    /// For instructors: the manifest and crates agree, every solution passes, every stub fails.
    Verify,
    /// For instructors: write the student edition of the course to DIR — everything but the
    /// solutions and the grader's own tests. Grade its submissions from this full copy with
    /// `grade --reference`.
    Edition {
        /// A new (or empty) directory.
        out: PathBuf,
    },
    /// Install what grading needs on this machine — the wasm32 target, wasm-pack, the wasm-bindgen-cli
    /// pinned in Cargo.lock and a headless Chromium (Debian: as root, or with sudo when you agree) — and
    /// say what is missing where it cannot. Grading does the same by itself; this does it ahead of time.
    Setup {
        /// Also Firefox and geckodriver, to grade in every engine.
        #[arg(long)]
        all_engines: bool,
    },
    /// For instructors: record the hashes of every protected file (tests, harnesses, manifests)
    /// in course.seal.json, so the grader warns a student who edits one.
    Seal,
}

/// `--color`, as cargo spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--color`, else CARGO_TERM_COLOR, else auto; anstream then also honours
/// NO_COLOR and CLICOLOR and drops colour when the output is not a terminal.
fn choose_color(flag: Option<ColorWhen>) {
    use clap::ValueEnum;
    let from_env = || {
        std::env::var("CARGO_TERM_COLOR").ok().and_then(|value| ColorWhen::from_str(value.trim(), true).ok())
    };
    let choice = match flag.or_else(from_env).unwrap_or(ColorWhen::Auto) {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

fn main() -> ExitCode {
    // Piped into `head`, stop quietly like other command-line tools.
    // SAFETY: restoring the default disposition of a signal, before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    choose_color(cli.color);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let mut stderr = anstream::stderr();
            let _ = writeln!(stderr, "{}error:{} {error:#}", BOLD_RED, RESET);
            if error.downcast_ref::<MissingTool>().is_some() {
                ExitCode::from(EXIT_INFRASTRUCTURE)
            } else {
                ExitCode::from(EXIT_GRADER_FAILED)
            }
        }
    }
}

const BOLD_RED: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();
const RESET: anstyle::Reset = anstyle::Reset;

fn run(mut cli: Cli) -> Result<u8> {
    // A class is graded from the reference it names, wherever it is run.
    if let Some(Command::Class { submissions, reference, out, work_dir, time_budget }) = &cli.command {
        let work = work_dir.clone().unwrap_or_else(|| out.join(".work"));
        return grade_class(&cli_options(&cli), submissions, reference, out, &work, *time_budget);
    }
    let course = match &cli.course {
        Some(dir) => Course::open(dir)?,
        None => Course::locate(&std::env::current_dir()?)?,
    };
    let options = cli_options(&cli);
    match cli.command {
        Some(Command::Verify) => {
            if !course.has_solutions() {
                anyhow::bail!(
                    "verify checks the reference solutions against the exercises, and this copy of the course has \
                     no solutions/ (a student edition). Run it in the instructor's full copy."
                );
            }
            // Layout problems need no tools: report them before installing any.
            let layout = verify::check_layout(&course);
            if !verify::passed(&layout) {
                print_findings(&layout);
                return Ok(EXIT_NOT_DONE);
            }
        }
        Some(Command::Setup { all_engines }) => {
            let toolbox = Toolbox::prepare(&course.root, RunnerChoice::Chrome, true)?;
            for notice in &toolbox.notices {
                println!("{notice}");
            }
            println!("Ready to grade in {} with {}.", toolbox.runner.describe(), toolbox.wasm_pack.display());
            if all_engines {
                let firefox = grader::tools::install_firefox()?;
                println!("Firefox ready: {} with {}.", firefox.binary.display(), firefox.driver.display());
            }
            return Ok(EXIT_DONE);
        }
        Some(Command::Seal) => {
            let seal = submission::seal(&course.root, &course.manifest)?;
            println!(
                "sealed {} protected files and the shipped text of {} editable ones in {}",
                seal.protected.len(),
                seal.shipped.len(),
                submission::SEAL_FILE
            );
            return Ok(EXIT_DONE);
        }
        Some(Command::Edition { out }) => {
            let written = grader::edition::write(&course.root, &out)?;
            println!(
                "wrote the student edition to {} ({}): no solutions/, no grader tests. Grade what students \
                 hand in from this copy: grader grade --course SUBMISSION --reference {}",
                out.display(),
                counted(written, "file"),
                course.root.display()
            );
            return Ok(EXIT_DONE);
        }
        Some(Command::Grade { reference, work_dir, time_budget, pass_mark }) => {
            return grade_submission(&options, course, reference, work_dir, time_budget, pass_mark);
        }
        // clap makes NAME and --all exclusive, and one of them required.
        Some(Command::Reset { name, yes, .. }) => return reset(&course, name.as_deref(), yes),
        Some(Command::Restore { backup }) => return restore(&course, backup.as_deref()),
        Some(Command::Hint { name: Some(name) }) => {
            for exercise in course.select(&name)? {
                print!("{}", hints::reveal_next(&course, &exercise.entry)?);
            }
            return Ok(EXIT_DONE);
        }
        _ => {}
    }
    let settings = settings(&course, &options, None)?;
    let progress = Progress::new();
    let mut stdout = anstream::stdout();

    match cli.command.take().unwrap_or(Command::Check) {
        Command::Check => {
            let mut report =
                grade::grade_course(&course, &settings, &options.grading, &|name, phase| progress.show(name, phase));
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
        Command::Run { name, solution, verbose } => {
            let variant = if solution { Variant::Solution } else { Variant::Exercise };
            // A cached report has no tool output: a verbose run grades afresh.
            let settings = Settings { verbose, ..settings.clone() };
            let grading = grade::Options { cache: options.grading.cache && !verbose, ..options.grading.clone() };
            let selected = course.select(&name)?;
            for notice in &settings.toolbox.notices {
                writeln!(stdout, "note: {notice}")?;
            }
            let reports = grade::grade_exercises(&course, &selected, variant, &settings, &grading, &|name, phase| {
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
        Command::Watch { manual } => {
            watch::run(&course, &settings, manual, &|name, phase| progress.show(name, phase))?;
            progress.clear();
            Ok(EXIT_DONE)
        }
        Command::List => {
            watch::list_course(&course, &settings, &mut stdout, &|name, phase| progress.show(name, phase))?;
            progress.clear();
            Ok(EXIT_DONE)
        }
        Command::Hint { .. } => {
            let watch = watch::Watch::start(&course, &settings, &|name, phase| progress.show(name, phase))?;
            progress.clear();
            print!("{}", hints::reveal_next(&course, watch.current_entry())?);
            Ok(EXIT_DONE)
        }
        Command::Bench { quick, out, broken } => {
            let out_dir = out.unwrap_or_else(|| course.root.join("target").join("bench"));
            let options = bench::Options { quick, out_dir: out_dir.clone(), broken };
            let engines = bench::run(&course.root, &settings.toolbox, &options, &|doing| progress.message(doing))?;
            progress.clear();
            print!("{}", bench::markdown(&engines));
            println!("\nWritten: {} and {}.", out_dir.join("bench.md").display(), out_dir.join("bench.svg").display());
            let refused = bench::refused(&engines);
            if refused.is_empty() {
                Ok(EXIT_DONE)
            } else {
                for why in &refused {
                    eprintln!("refused to time {why}");
                }
                Ok(EXIT_NOT_DONE)
            }
        }
        Command::Grade { .. }
        | Command::Class { .. }
        | Command::Setup { .. }
        | Command::Seal
        | Command::Edition { .. }
        | Command::Reset { .. }
        | Command::Restore { .. } => {
            unreachable!("handled above")
        }
    }
}

/// The options every command shares.
struct Options {
    runner: RunnerChoice,
    timeout: Option<u64>,
    install: bool,
    format: Format,
    outputs: Vec<Destination>,
    grading: grade::Options,
}

fn cli_options(cli: &Cli) -> Options {
    Options {
        runner: cli.runner,
        timeout: cli.timeout,
        install: !cli.no_install,
        format: cli.format,
        outputs: cli.output.clone(),
        grading: grade::Options { jobs: cli.jobs.max(1), cache: !cli.no_cache, capstone_always: false },
    }
}

fn settings(course: &Course, options: &Options, deadline: Option<Instant>) -> Result<Settings> {
    Ok(Settings {
        toolbox: Toolbox::prepare(&course.root, options.runner, options.install)?,
        test_timeout: options.timeout.map(Duration::from_secs),
        build_timeout: Duration::from_secs(course.manifest.defaults.build_timeout_secs),
        deadline,
        verbose: false,
    })
}

/// `grader reset`: back up, ask when someone is there to answer, reset.
fn reset(course: &Course, name: Option<&str>, yes: bool) -> Result<u8> {
    let (exercises, label) = match name {
        Some(name) => (course.select(name)?, name.replace('/', "-")),
        None => {
            // --all: every exercise, and the capstone crate once.
            let mut every = course.exercises();
            every.extend(course.milestones().into_iter().take(1));
            (every, "all".to_string())
        }
    };
    let files = reset::plan(course, &exercises)?;
    if !yes && std::io::stdin().is_terminal() {
        println!("These files go back to how the course shipped them:");
        for (path, _) in &files {
            println!("  {path}");
        }
        print!("Your versions are saved first (`grader restore` brings them back). Reset? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing changed.");
            return Ok(EXIT_NOT_DONE);
        }
    }
    let backup = reset::reset(course, &exercises, &label)?;
    println!("Saved your files in {} ({}).", course.relative(&backup.dir), counted(backup.files.len(), "file"));
    for (path, _) in &files {
        println!("reset {path}");
    }
    println!("`cargo run -p grader -- restore` brings your versions back.");
    Ok(EXIT_DONE)
}

/// `grader restore`: the newest backup a reset made, or the one named.
fn restore(course: &Course, name: Option<&str>) -> Result<u8> {
    let backups = reset::backups(course);
    let Some(backup) = reset::find(&backups, name) else {
        let known: Vec<String> =
            backups.iter().filter_map(|b| Some(b.dir.file_name()?.to_string_lossy().into_owned())).collect();
        anyhow::bail!(
            "no backup {}under {}; backups: {}",
            name.map(|n| format!("named {n} ")).unwrap_or_default(),
            reset::BACKUP_DIR,
            if known.is_empty() { "none yet (reset makes one)".to_string() } else { known.join(", ") }
        );
    };
    let saved = reset::restore(course, backup)?;
    let name = backup.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for path in &backup.files {
        println!("restored {path}");
    }
    println!(
        "Restored {} from backup {name}. What it replaced is saved as backup {}: \
         `cargo run -p grader -- restore {}` undoes this.",
        counted(backup.files.len(), "file"),
        saved.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        reset::number_of(&saved.dir)
    );
    Ok(EXIT_DONE)
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
    let progress = Progress::new();
    let on_phase = |name: &str, phase| progress.show(name, phase);
    let settings_for = |course: &Course| settings(course, options, deadline);
    let mut report = match &reference {
        None => {
            let grading = grade::Options { capstone_always: true, ..options.grading.clone() };
            match settings_for(&submitted) {
                Ok(settings) => grade::grade_course(&submitted, &settings, &grading, &on_phase),
                Err(error) => grade::ungraded_course(&submitted, options.runner.engine(), &format!("{error:#}")),
            }
        }
        Some(reference) => {
            let reference = Course::open(reference).context("the reference course")?;
            let work = work_dir.unwrap_or_else(|| reference.root.join("target").join("grader-submission"));
            let runner = options.runner.engine();
            grade::grade_against_reference(
                &submitted.root,
                &reference,
                &work,
                runner,
                settings_for,
                &options.grading,
                &on_phase,
            )
        }
    };
    progress.clear();
    if let Some(mark) = pass_mark {
        report.pass_mark = mark.clamp(0.0, 100.0);
    }
    report.duration = started.elapsed();
    publish(&report, options)?;
    Ok(exit_status(&report))
}

/// `grader class`: every submission of a folder, then the gradebook.
fn grade_class(
    options: &Options,
    folder: &Path,
    reference: &Path,
    out: &Path,
    work: &Path,
    time_budget: Option<u64>,
) -> Result<u8> {
    let reference = Course::open(reference).context("the reference course")?;
    let settings = settings(&reference, options, None)?;
    let students = class::submissions(folder)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let started = Instant::now();
    let mut graded = 0;
    for (index, (name, path)) in students.iter().enumerate() {
        let counter = format!("[{}/{}] {name}", index + 1, students.len());
        eprintln!("{counter}: grading…");
        let outcome = class::grade_student(
            name,
            path,
            &reference,
            out,
            work,
            &settings,
            time_budget.map(Duration::from_secs),
            &options.grading,
            &|_, _| {},
        )?;
        match outcome {
            class::Outcome::Graded { score, max_score, elapsed } => {
                graded += 1;
                eprintln!(
                    "{counter}: {} of {} points ({:.1} s)",
                    report::points(score),
                    report::points(max_score),
                    elapsed.as_secs_f64()
                );
            }
            class::Outcome::AlreadyGraded => eprintln!("{counter}: graded by an earlier run, kept"),
        }
    }
    let names: Vec<String> = students.into_iter().map(|(name, _)| name).collect();
    let columns = grade::ungraded_course(&reference, settings.toolbox.runner, "");
    let gradebook = class::write_gradebook(out, &names, &columns)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "Graded {} in {elapsed:.1} s ({:.1} s each); {} from earlier runs. Gradebook: {}",
        counted(graded, "submission"),
        if graded > 0 { elapsed / graded as f64 } else { 0.0 },
        names.len() - graded,
        gradebook.display()
    );
    Ok(EXIT_DONE)
}

/// 3 when the machine lacks something, 0 at the pass mark, 1 below it.
fn exit_status(report: &CourseReport) -> u8 {
    if report.has_infrastructure_error() {
        EXIT_INFRASTRUCTURE
    } else if report.reached_pass_mark() {
        EXIT_DONE
    } else {
        EXIT_NOT_DONE
    }
}

/// Writes the report where it was asked for: each `--output` file in its
/// format (the terminal then gets the human report), or `--format` to the
/// terminal; under GitHub Actions also the job summary and the workflow
/// commands (Classroom's score notices and the annotations).
fn publish(report: &CourseReport, options: &Options) -> Result<()> {
    let mut stdout = anstream::stdout();
    for destination in &options.outputs {
        let format = destination.format.unwrap_or(options.format);
        // A file never gets a terminal's escape codes.
        let text = anstream::adapter::strip_str(&report::render(format, report)).to_string();
        std::fs::write(&destination.file, text)
            .with_context(|| format!("cannot write the results to {}", destination.file.display()))?;
    }
    let on_stdout = if options.outputs.is_empty() { options.format } else { Format::Human };
    write!(stdout, "{}", report::render(on_stdout, report))?;
    for destination in &options.outputs {
        let format = destination.format.unwrap_or(options.format);
        writeln!(stdout, "Results ({format:?}) written to {}.", destination.file.display())?;
    }
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        // The runner reads workflow commands from both streams; on stdout
        // they would corrupt a machine-readable report written there.
        let commands = github::commands(report);
        if on_stdout == Format::Human {
            write!(stdout, "{commands}")?;
        } else {
            write!(std::io::stderr(), "{commands}")?;
        }
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
        writeln!(stdout, "\nverify: {} to fix.", counted(problems, "problem"))
    };
}
