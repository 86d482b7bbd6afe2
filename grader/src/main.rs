//! The grader's command line: parse it ([`cli`]), open the course, hand
//! each command to the module that owns it, and turn what it says into an
//! exit status ([`Outcome`]).

mod cli;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command};
use grader::discover::{Course, Variant};
use grader::outcome::Outcome;
use grader::progress::Progress;
use grader::report::{self, counted, human};
use grader::settings::Settings;
use grader::tools::{EngineChoice, MissingTool, Toolbox};
use grader::{bench, class, debug, edition, grade, hints, reset, submission, verify, watch};
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    // Piped into `head`, stop quietly like other command-line tools.
    // SAFETY: restoring the default disposition of a signal, before any thread starts.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    cli::choose_color(cli.color);
    let outcome = run(cli).unwrap_or_else(|error| {
        let red = anstyle::AnsiColor::Red.on_default().bold();
        // The error may quote a submission (a key of its course.toml, say):
        // in a CI log it is written as that platform may read it.
        let message = report::Platform::of_environment().log_text(&format!("{error:#}"));
        let _ = writeln!(anstream::stderr(), "{red}error:{red:#} {message}");
        if error.downcast_ref::<MissingTool>().is_some() {
            Outcome::Infrastructure
        } else {
            Outcome::GraderFailed
        }
    });
    outcome.into()
}

fn run(mut cli: Cli) -> Result<Outcome> {
    cli.refuse_ignored_flags()?;
    // A class is graded from the reference it names, wherever it is run.
    if let Some(Command::Class { submissions, reference, out, work_dir, time_budget, student }) = &cli.command {
        let reference = Course::open(reference).context("the reference course")?;
        let settings = cli.settings(&reference, None)?;
        let work = work_dir.clone().unwrap_or_else(|| out.join(".work"));
        let class = class::ClassRun {
            reference: &reference,
            out,
            work: &work,
            settings: &settings,
            budget: Duration::from_secs(*time_budget),
        };
        match student {
            Some(name) => class.grade_named(submissions, name)?,
            None => class.grade_folder(submissions)?,
        }
        return Ok(Outcome::Done);
    }
    let course = match &cli.course {
        Some(dir) => Course::open(dir)?,
        None => Course::locate(&std::env::current_dir()?)?,
    };

    // Commands that need no tools, or prepare their own.
    match cli.command.take().unwrap_or(Command::Check) {
        Command::Verify if !course.has_solutions() => anyhow::bail!(
            "verify checks the reference solutions against the exercises, and this copy of the course has \
             no solutions/ (a student edition). Run it in the instructor's full copy."
        ),
        Command::Setup { all_engines } => setup(&course, cli.runner, all_engines),
        Command::Seal => {
            let seal = submission::seal(&course.root, &course.manifest)?;
            println!(
                "sealed {} protected files and the shipped text of {} editable ones in {}",
                seal.protected.len(),
                seal.shipped.len(),
                submission::SEAL_FILE
            );
            Ok(Outcome::Done)
        }
        Command::Edition { out } => {
            let written = edition::write(&course.root, &out)?;
            println!(
                "wrote the student edition to {} ({}): no solutions/, no grader tests. Grade what students \
                 hand in from this copy: grader grade --course SUBMISSION --reference {}",
                out.display(),
                counted(written, "file"),
                course.root.display()
            );
            Ok(Outcome::Done)
        }
        Command::Grade { reference, work_dir, time_budget, pass_mark } => {
            let started = Instant::now();
            let deadline = time_budget.map(|secs| started + Duration::from_secs(secs));
            let reference = reference.map(|dir| Course::open(&dir).context("the reference course")).transpose()?;
            let work = work_dir.or_else(|| reference.as_ref().map(|r| r.root.join("target").join("grader-submission")));
            let progress = Progress::new();
            let mut report = grade::grade_submission(
                &course,
                reference.as_ref().zip(work.as_deref()),
                cli.runner.engine(),
                |course| cli.settings(course, deadline),
                &progress,
            );
            progress.clear();
            if let Some(mark) = pass_mark {
                report.pass_mark = mark.clamp(0.0, 100.0);
            }
            report.duration = started.elapsed();
            report::publish(&report, cli.format, &cli.output)?;
            Ok(Outcome::of_grade(&report))
        }
        Command::Reset { name, yes, .. } => reset::reset_command(&course, name.as_deref(), yes),
        Command::Restore { backup } => reset::restore_command(&course, backup.as_deref()),
        Command::Hint { name: Some(name) } => {
            for exercise in course.select(&name)? {
                print!("{}", hints::reveal_next(&course, &exercise.entry)?);
            }
            Ok(Outcome::Done)
        }
        // For the exercise the student is on as last graded: nothing is
        // graded or installed just to print a hint.
        Command::Hint { name: None } => {
            let mut stdout = anstream::stdout();
            write!(stdout, "{}", human::warnings(&submission::check_seal(&course.root, &course.manifest)))?;
            write!(stdout, "{}", hints::reveal_next(&course, &watch::last_position(&course).entry)?)?;
            Ok(Outcome::Done)
        }
        Command::Verify => {
            // Layout problems need no tools: report them before installing any.
            let layout = verify::check_layout(&course);
            if !verify::passed(&layout) {
                write!(anstream::stdout(), "{}", verify::render(&layout))?;
                return Ok(Outcome::NotDone);
            }
            let settings = cli.settings(&course, None)?;
            graded(&course, &settings, Command::Verify, &cli)
        }
        command => {
            let settings = cli.settings(&course, None)?;
            graded(&course, &settings, command, &cli)
        }
    }
}

/// The commands that grade, with the tools ready.
fn graded(course: &Course, settings: &Settings, command: Command, cli: &Cli) -> Result<Outcome> {
    let progress = Progress::new();
    let mut stdout = anstream::stdout();
    let outcome = match command {
        Command::Check => {
            let mut report = grade::grade_course(course, settings, &progress);
            progress.clear();
            report.findings = submission::check_seal(&course.root, &course.manifest);
            report::publish(&report, cli.format, &cli.output)?;
            Outcome::of_course(&report)
        }
        Command::Run { name, solution, debug: true, .. } => {
            let variant = if solution { Variant::Solution } else { Variant::Exercise };
            let [exercise] = &course.select(&name)?[..] else {
                anyhow::bail!("--debug serves one exercise or milestone at a time: name one, e.g. `mix/buffer`")
            };
            debug::serve(course, exercise, variant, settings, &mut stdout)?;
            Outcome::Done
        }
        Command::Run { name, solution, verbose, debug: false } => {
            let variant = if solution { Variant::Solution } else { Variant::Exercise };
            // A cached report has no tool output: a verbose run grades afresh.
            let settings = Settings { verbose, cache: settings.cache && !verbose, ..settings.clone() };
            let selected = course.select(&name)?;
            for notice in &settings.toolbox.notices {
                writeln!(stdout, "note: {notice}")?;
            }
            let reports = grade::grade_exercises(course, &selected, variant, &settings, &progress);
            progress.clear();
            if variant == Variant::Exercise {
                let findings: Vec<_> = submission::check_seal(&course.root, &course.manifest)
                    .into_iter()
                    .filter(|finding| reports.iter().any(|report| finding.concerns(&report.crate_dir)))
                    .collect();
                write!(stdout, "{}", human::warnings(&findings))?;
            }
            for report in &reports {
                write!(stdout, "{}", human::exercise(report))?;
            }
            Outcome::of_exercises(&reports)
        }
        Command::Verify => {
            let checks = verify::verify(course, settings, &progress);
            progress.clear();
            write!(stdout, "{}", verify::render(&checks))?;
            Outcome::judge(false, verify::passed(&checks))
        }
        Command::Watch { manual } => {
            watch::run(course, settings, manual, &progress)?;
            Outcome::Done
        }
        Command::List => {
            write!(stdout, "{}", human::warnings(&submission::check_seal(&course.root, &course.manifest)))?;
            watch::list_course(course, settings, &mut stdout, &progress)?;
            Outcome::Done
        }
        Command::Bench { quick, out, broken } => {
            let out_dir = out.unwrap_or_else(|| course.root.join("target").join("bench"));
            let plan = bench::Plan { quick, out_dir: out_dir.clone(), broken };
            let engines = bench::run(&course.root, &settings.toolbox, &plan, &progress)?;
            progress.clear();
            print!("{}", bench::markdown(&engines));
            println!("\nWritten: {} and {}.", out_dir.join("bench.md").display(), out_dir.join("bench.svg").display());
            let refused = bench::refused(&engines);
            for why in &refused {
                eprintln!("refused to time {why}");
            }
            Outcome::judge(false, refused.is_empty())
        }
        Command::Grade { .. }
        | Command::Class { .. }
        | Command::Setup { .. }
        | Command::Seal
        | Command::Edition { .. }
        | Command::Reset { .. }
        | Command::Restore { .. }
        | Command::Hint { .. } => unreachable!("handled by run"),
    };
    progress.clear();
    Ok(outcome)
}

/// `grader setup`: what grading in `runner` needs (Chromium unless asked
/// otherwise; Chromium and Firefox with `--all-engines`), installed ahead of
/// time.
fn setup(course: &Course, runner: EngineChoice, all_engines: bool) -> Result<Outcome> {
    let engines = match (all_engines, runner) {
        (true, _) => vec![EngineChoice::Chrome, EngineChoice::Firefox],
        (false, EngineChoice::Auto) => vec![EngineChoice::Chrome],
        (false, chosen) => vec![chosen],
    };
    for engine in engines {
        if engine == EngineChoice::Firefox {
            grader::tools::install_firefox()?;
        }
        let toolbox = Toolbox::prepare(&course.root, engine, true)?;
        for notice in &toolbox.notices {
            println!("{notice}");
        }
        println!("Ready to grade in {} with {}.", toolbox.engine.describe(), toolbox.wasm_pack.display());
    }
    Ok(Outcome::Done)
}
