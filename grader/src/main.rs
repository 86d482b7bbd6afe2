//! The grader's command line: parse it ([`cli`]), open the course, hand
//! each command to the module that owns it, and turn what it says into an
//! exit status ([`Outcome`]).

mod cli;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{ClassArgs, Cli, Command};
use grader::discover::{Course, Variant};
use grader::outcome::Outcome;
use grader::progress::Progress;
use grader::report::{self, counted, human};
use grader::tools::{EngineChoice, MissingTool, Toolbox};
use grader::{bench, class, debug, edition, grade, gradebook, hints, profile, reset, seal, similarity, verify, watch};
use std::io::Write;
use std::path::{Path, PathBuf};
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

/// One command, to the function that carries it out. Only the commands
/// that build and grade prepare the tools (`Cli::prepare_tools`, which may
/// install them); the others open the course and nothing more.
fn run(mut cli: Cli) -> Result<Outcome> {
    cli.refuse_ignored_flags()?;
    let command = cli.command.take().unwrap_or(Command::Check);
    let cli = &cli;
    match command {
        Command::Check => check(cli, &open_course(cli)?),
        Command::Run { name, solution, verbose, debug } => {
            run_exercises(cli, &open_course(cli)?, &name, solution, verbose, debug)
        }
        Command::Watch { manual } => watch_command(cli, &open_course(cli)?, manual),
        Command::List => list(cli, &open_course(cli)?),
        Command::Hint { name } => hint(&open_course(cli)?, name.as_deref()),
        Command::Reset { name, yes, .. } => reset::reset_command(&open_course(cli)?, name.as_deref(), yes),
        Command::Restore { backup } => reset::restore_command(&open_course(cli)?, backup.as_deref()),
        Command::Setup { all_engines } => setup(&open_course(cli)?, cli.runner, all_engines),
        Command::Bench { quick, out, broken } => bench_command(cli, &open_course(cli)?, quick, out, broken),
        Command::Profile { name, solution, out } => profile_command(cli, &open_course(cli)?, &name, solution, out),
        Command::Report { html } => html_report(cli, &open_course(cli)?, &html),
        Command::Verify => verify_command(cli, &open_course(cli)?),
        Command::Grade { reference, work_dir, time_budget, pass_mark, costs } => {
            grade_command(cli, &open_course(cli)?, reference, work_dir, time_budget, pass_mark, costs)
        }
        Command::Seal => seal(&open_course(cli)?),
        Command::Edition { out } => write_edition(&open_course(cli)?, &out),
        // A class is graded from the reference it names, wherever it is run.
        Command::Class(args) => class_command(cli, &args),
        Command::Similarity { submissions, reference, out } => {
            let reference = Course::open(&reference).context("the reference course")?;
            similarity_command(&submissions, &reference, &out)
        }
    }
}

/// The course `--course` names, or the one the current directory is in.
fn open_course(cli: &Cli) -> Result<Course> {
    match &cli.course {
        Some(dir) => Course::open(dir),
        None => Course::locate(&std::env::current_dir()?),
    }
}

/// `grader class`: every submission of a folder, graded against the
/// reference, into a gradebook.
fn class_command(cli: &Cli, args: &ClassArgs) -> Result<Outcome> {
    let reference = Course::open(&args.reference).context("the reference course")?;
    // Read before anything is graded: a roster that cannot be read stops the run at its start.
    let roster = args.roster.as_deref().map(gradebook::Roster::read).transpose()?;
    let settings = cli.prepare_tools(&reference, None)?;
    let work = args.work_dir.clone().unwrap_or_else(|| args.out.join(".work"));
    let class = class::ClassRun {
        reference: &reference,
        out: &args.out,
        work: &work,
        settings: &settings,
        budget: Duration::from_secs(args.time_budget),
        roster: roster.as_ref(),
        exports: &args.export,
    };
    match &args.student {
        Some(name) => class.grade_named(&args.submissions, name)?,
        None => println!("{}", report::class::summary(&class.grade_folder(&args.submissions)?)),
    }
    if args.similarity {
        return similarity_command(&args.submissions, &reference, &args.out);
    }
    Ok(Outcome::Done)
}

/// `grader similarity` (and `class --similarity`, once the class is
/// graded): every pair of submissions compared, into similarity.csv and
/// similarity.html. Only reads the submissions: no tools, no builds, no
/// grade changed.
fn similarity_command(submissions: &Path, reference: &Course, out: &Path) -> Result<Outcome> {
    let students: Vec<_> =
        class::submissions(submissions)?.into_iter().map(|(name, dir)| (name, class::course_of(&dir))).collect();
    let compared = similarity::compare_class(reference, &students);
    let (csv, html) = report::similarity::write(out, &compared)?;
    println!("{}", report::similarity::summary(&compared, &csv, &html));
    Ok(Outcome::Done)
}

/// `grader` and `grader check`: the whole course, where the student stands.
fn check(cli: &Cli, course: &Course) -> Result<Outcome> {
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    let report = grade::grade_own_copy(course, &settings, &progress);
    progress.clear();
    report::publish(&report, cli.format, &cli.output)?;
    Ok(Outcome::of_course(&report))
}

/// `grader run NAME`: some exercises, or (`--debug`) one served to a browser.
fn run_exercises(
    cli: &Cli,
    course: &Course,
    name: &str,
    solution: bool,
    verbose: bool,
    debug: bool,
) -> Result<Outcome> {
    let variant = if solution { Variant::Reference } else { Variant::Student };
    let selected = course.select(name)?;
    let settings = cli.prepare_tools(course, None)?;
    let mut stdout = anstream::stdout();
    if debug {
        let [exercise] = &selected[..] else {
            anyhow::bail!("--debug serves one exercise or milestone at a time: name one, e.g. `mix/buffer`")
        };
        debug::serve(course, exercise, variant, &settings, &mut stdout)?;
        return Ok(Outcome::Done);
    }
    // A cached report has no tool output: a verbose run grades afresh.
    let settings = settings.verbose(verbose);
    for notice in &settings.toolbox.notices {
        writeln!(stdout, "note: {notice}")?;
    }
    let progress = Progress::new();
    let reports = grade::grade_exercises(course, &selected, variant, &settings, &progress);
    progress.clear();
    if variant == Variant::Student {
        let findings: Vec<_> = seal::check_seal(course)
            .into_iter()
            .filter(|finding| reports.iter().any(|report| finding.concerns(&report.crate_dir)))
            .collect();
        write!(stdout, "{}", human::warnings(&findings))?;
    }
    for report in &reports {
        write!(stdout, "{}", human::exercise(report))?;
    }
    Ok(Outcome::of_exercises(&reports))
}

/// `grader watch`: the student's loop.
fn watch_command(cli: &Cli, course: &Course, manual: bool) -> Result<Outcome> {
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    watch::run(course, &settings, manual, &progress)?;
    progress.clear();
    Ok(Outcome::Done)
}

/// `grader list`: every exercise and milestone, and where the student is.
fn list(cli: &Cli, course: &Course) -> Result<Outcome> {
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    let mut stdout = anstream::stdout();
    write!(stdout, "{}", human::warnings(&seal::check_seal(course)))?;
    watch::list_course(course, &settings, &mut stdout, &progress)?;
    progress.clear();
    Ok(Outcome::Done)
}

/// `grader hint [NAME]`: the next hint — for the exercise the student is on
/// as last graded when none is named. Nothing is graded or installed just
/// to print a hint.
fn hint(course: &Course, name: Option<&str>) -> Result<Outcome> {
    let mut stdout = anstream::stdout();
    match name {
        Some(name) => {
            for exercise in course.select(name)? {
                write!(stdout, "{}", hints::reveal_next(course, &exercise.entry)?)?;
            }
        }
        None => {
            write!(stdout, "{}", human::warnings(&seal::check_seal(course)))?;
            write!(stdout, "{}", hints::reveal_next(course, &watch::last_position(course).entry)?)?;
        }
    }
    Ok(Outcome::Done)
}

/// `grader bench`: the lesson's benchmark table, measured here.
fn bench_command(
    cli: &Cli,
    course: &Course,
    quick: bool,
    out: Option<PathBuf>,
    broken: Option<String>,
) -> Result<Outcome> {
    let settings = cli.prepare_tools(course, None)?;
    let out_dir = out.unwrap_or_else(|| bench::default_dir(course));
    let plan = bench::Plan { quick, out_dir: out_dir.clone(), broken };
    let progress = Progress::new();
    let engines = bench::run(course, &settings.toolbox, &plan, &progress)?;
    progress.clear();
    print!("{}", bench::markdown(&engines));
    println!("\nWritten: {} and {}.", out_dir.join("bench.md").display(), out_dir.join("bench.svg").display());
    let refused = bench::refused(&engines);
    for why in &refused {
        eprintln!("refused to time {why}");
    }
    Ok(Outcome::judge(false, refused.is_empty()))
}

/// `grader profile NAME`: where one exercise's workload spends its time.
fn profile_command(cli: &Cli, course: &Course, name: &str, solution: bool, out: Option<PathBuf>) -> Result<Outcome> {
    let selected = course.select(name)?;
    // The capstone is one crate: its milestones share it, and its workload.
    let exercise = match selected.as_slice() {
        [one] => one.clone(),
        [first, rest @ ..] if rest.iter().all(|m| m.exercise_dir == first.exercise_dir) => {
            let mut capstone = first.clone();
            capstone.entry.name = name.to_string();
            capstone
        }
        _ => anyhow::bail!("profile one exercise at a time: `{name}` names {}", counted(selected.len(), "exercise")),
    };
    let exercise = &exercise;
    if solution && !course.has_solutions() {
        anyhow::bail!("--solution profiles the reference, and this copy of the course has no solutions/");
    }
    let variant = if solution { Variant::Reference } else { Variant::Student };
    let plan = profile::Plan { variant, out_dir: out.unwrap_or_else(|| profile::default_out_dir(course, exercise)) };
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    let profiled = profile::run(course, exercise, &settings.toolbox, &plan, &progress);
    progress.clear();
    let text = match cli.format {
        report::Format::Json => report::profile::json(&profiled?),
        _ => report::profile::human(&profiled?),
    };
    write!(anstream::stdout(), "{text}")?;
    Ok(Outcome::Done)
}

/// `grader report --html DIR`: the course graded, as one page, with what
/// the course's tools drew.
fn html_report(cli: &Cli, course: &Course, dir: &Path) -> Result<Outcome> {
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    let report = grade::grade_own_copy(course, &settings, &progress);
    progress.clear();
    let gallery = profile::gallery(course);
    let page = report::html::write(dir, &report, &gallery)?;
    writeln!(
        anstream::stdout(),
        "Written: {} ({} of {} done; {} drawn). Open it in a browser.",
        page.display(),
        report.done_count(),
        report.exercises.len(),
        counted(gallery.profiles.len(), "profile")
    )?;
    Ok(Outcome::Done)
}

/// `grader verify`: the instructor's checks of the full course.
fn verify_command(cli: &Cli, course: &Course) -> Result<Outcome> {
    if !course.has_solutions() {
        anyhow::bail!(
            "verify checks the reference solutions against the exercises, and this copy of the course has \
             no solutions/ (a student edition). Run it in the instructor's full copy."
        );
    }
    // Layout problems need no tools: report them before installing any.
    let layout = verify::check_layout(course);
    if !verify::passed(&layout) {
        write!(anstream::stdout(), "{}", verify::render(&layout))?;
        return Ok(Outcome::NotDone);
    }
    let settings = cli.prepare_tools(course, None)?;
    let progress = Progress::new();
    let checks = verify::verify(course, &settings, &progress);
    progress.clear();
    write!(anstream::stdout(), "{}", verify::render(&checks))?;
    Ok(Outcome::judge(false, verify::passed(&checks)))
}

/// `grader grade`: classroom CI — everything for points, in the formats asked.
fn grade_command(
    cli: &Cli,
    course: &Course,
    reference: Option<PathBuf>,
    work_dir: Option<PathBuf>,
    time_budget: Option<u64>,
    pass_mark: Option<f64>,
    costs: bool,
) -> Result<Outcome> {
    let started = Instant::now();
    let deadline = time_budget.map(|secs| started + Duration::from_secs(secs));
    let reference = reference.map(|dir| Course::open(&dir).context("the reference course")).transpose()?;
    let work = work_dir.or_else(|| reference.as_ref().map(|r| r.root.join("target").join("grader-submission")));
    let progress = Progress::new();
    let mut report = grade::grade_submission(
        course,
        reference.as_ref().zip(work.as_deref()),
        cli.runner.engine(),
        |course| Ok(cli.prepare_tools(course, deadline)?.measuring_costs(costs)),
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

/// `grader seal`: the hashes of the protected files, for instructors.
fn seal(course: &Course) -> Result<Outcome> {
    let seal = seal::seal(course)?;
    println!(
        "sealed {} protected files and the shipped text of {} editable ones in {}",
        seal.protected.len(),
        seal.shipped.len(),
        seal::SEAL_FILE
    );
    Ok(Outcome::Done)
}

/// `grader edition DIR`: the course without its solutions, for students.
fn write_edition(course: &Course, out: &Path) -> Result<Outcome> {
    let written = edition::write(&course.root, out)?;
    println!(
        "wrote the student edition to {} ({}): no solutions/, no grader tests. Grade what students \
         hand in from this copy: grader grade --course SUBMISSION --reference {}",
        out.display(),
        counted(written, "file"),
        course.root.display()
    );
    Ok(Outcome::Done)
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
        println!("Ready to grade in {} with {}.", toolbox.engine.describe(), toolbox.test_runner.display());
    }
    Ok(Outcome::Done)
}
