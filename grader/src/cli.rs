//! The command line: every subcommand and option, parsed once by clap into
//! a [`Cli`], and the settings every grading command shares built from it.

use clap::{Parser, Subcommand};
use grader::discover::Course;
use grader::report::{Destination, Format};
use grader::settings::Settings;
use grader::tools::{EngineChoice, Toolbox};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "grader",
    about = "Grades the WebAssembly memory & performance course in a real headless browser.",
    long_about = "Grades the WebAssembly memory & performance course in a real headless browser.\n\n\
        With no command, grades every exercise in course order and shows your progress: \
        what passes, the first failing test of the next exercise with its message, and a hint.\n\n\
        Each exercise is compiled for wasm32 and its tests are run with wasm-bindgen-test-runner in \
        headless Chromium or Firefox (or Node.js when no browser is installed and the exercise allows it).",
    after_help = "Exit status: 0 every exercise passes (grade: the pass mark is reached); 1 not yet; \
        2 the command line was wrong; 3 a tool or browser is missing; 4 the grader could not do what was asked \
        (its message says why).\n\n\
        Examples:\n  cargo run -p grader                       grade everything\n  \
        cargo run -p grader -- run typed_views     every test of one exercise\n  \
        cargo run -p grader -- verify              instructors: solutions pass, stubs fail\n  \
        grader grade --course submission --reference pristine --format junit --output results.xml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The course directory (default: the one containing the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,

    /// Where to run the tests.
    #[arg(long, global = true, value_enum, default_value_t = EngineChoice::Auto)]
    pub runner: EngineChoice,

    /// Time limit for running one exercise's tests, in seconds (default: course.toml's).
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,

    /// Do not `cargo install` missing tools; print the command instead.
    #[arg(long, global = true)]
    pub no_install: bool,

    /// How to write the results.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the results to FILE, in FORMAT (json, junit, gradescope, classroom, human) or else in
    /// --format; repeat it to write several from one run. The terminal still gets the human report.
    #[arg(long, global = true, value_name = "[FORMAT=]FILE")]
    pub output: Vec<Destination>,

    /// Grade this many exercises at the same time.
    #[arg(short = 'j', long, global = true, value_name = "N", default_value_t = 1)]
    pub jobs: usize,

    /// When to colour the output: auto (a terminal, unless NO_COLOR is set), always, never.
    /// Default: CARGO_TERM_COLOR, else auto.
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorWhen>,

    /// Regrade every exercise, even those unchanged since they were last graded
    /// (the new results are still kept for next time).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Grade every exercise and show progress (the default).
    Check,
    /// Grade one exercise (or the capstone, or one of its milestones) and show every test.
    Run {
        /// The exercise, e.g. `typed_views` or `01_typed_views`; `mix`; `mix/buffer`.
        name: String,
        /// Grade the reference solution instead (for instructors).
        #[arg(long)]
        solution: bool,
        /// Also show what cargo and the test runner printed.
        #[arg(long, short)]
        verbose: bool,
        /// Grade nothing: serve the exercise's tests to a browser you open, to watch them with
        /// DevTools (the address is printed; Ctrl-C stops it).
        #[arg(long, conflicts_with = "verbose")]
        debug: bool,
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
        /// With --reference, once every capstone milestone passes: measure what the capstone costs
        /// (its release .wasm size, its linear memory and time after the capstone's workload) for a
        /// leaderboard, in the results (Gradescope's `leaderboard`). Never part of the score.
        #[arg(long, requires = "reference")]
        costs: bool,
    },
    /// For instructors: grade every submission in a folder (one directory per student) against the
    /// reference; results per student and a gradebook CSV. Interrupted, it resumes where it stopped.
    /// Each student is graded in a process of its own, within its time budget: one who crashes or
    /// hangs the grader, or whose course is a symbolic link, is recorded with the reason.
    Class(ClassArgs),
    /// For instructors: how alike each pair of submissions in a folder is — their editable files'
    /// code, names and values ignored, the shipped stubs' code left out — ranked, with the matched
    /// fragments side by side, in similarity.csv and similarity.html. A lead for a person to read,
    /// not a verdict; only reads the submissions, builds nothing and changes no grade.
    Similarity {
        /// The folder of submissions, one directory per student.
        submissions: PathBuf,
        /// The instructor's pristine copy of the course: its course.toml says which files are
        /// the students', and its stubs are what every student started from.
        #[arg(long, value_name = "DIR")]
        reference: PathBuf,
        /// Where to write similarity.csv and similarity.html (default: ./grades, beside the gradebook).
        #[arg(long, value_name = "DIR", default_value = "grades")]
        out: PathBuf,
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
    /// Profile before optimizing: run an exercise's workload (course.toml's, e.g. a 4K frame) on a
    /// release build of your crate in headless Chromium under its sampling profiler; print the
    /// functions with the most self time and where they are, and write the profile (.cpuprofile, for
    /// Chrome DevTools or speedscope) and a flame graph (SVG). Never graded. --format json prints the
    /// report as JSON.
    Profile {
        /// The exercise, by name or directory (e.g. `grayscale`).
        name: String,
        /// Profile the reference solution instead of your crate.
        #[arg(long)]
        solution: bool,
        /// Where to write the profile and the flame graph (default: target/profile/NAME).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// The course as one self-contained web page: every exercise with its tests, messages and the
    /// hints you asked for, the capstone's milestones, and the last profiles' flame graphs and
    /// pictures and the benchmark's chart. Grades first (unchanged exercises come from the cache).
    Report {
        /// Where to write index.html (created if missing).
        #[arg(long, value_name = "DIR", required = true)]
        html: PathBuf,
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
    /// Install what grading needs on this machine — the wasm32 target, the wasm-bindgen-cli
    /// pinned in Cargo.lock (its test runner) and a headless Chromium (Debian: as root, or with sudo when you agree) — and
    /// say what is missing where it cannot. Grading does the same by itself; this does it ahead of time.
    Setup {
        /// Chromium and Firefox with geckodriver, to grade in every engine (else the --runner's).
        #[arg(long)]
        all_engines: bool,
    },
    /// For instructors: record the hashes of every protected file (tests, harnesses, manifests)
    /// in course.seal.json, so the grader warns a student who edits one.
    Seal,
}

/// `--color`, as cargo spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--color`, else CARGO_TERM_COLOR, else auto; anstream then also honours
/// NO_COLOR and CLICOLOR and drops colour when the output is not a terminal.
pub fn choose_color(flag: Option<ColorWhen>) {
    use clap::ValueEnum;
    let from_env =
        || std::env::var("CARGO_TERM_COLOR").ok().and_then(|value| ColorWhen::from_str(value.trim(), true).ok());
    let choice = match flag.or_else(from_env).unwrap_or(ColorWhen::Auto) {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

impl Cli {
    /// Refuses `--format` and `--output` where the command would ignore
    /// them: only `check` (the default) and `grade` write the course's
    /// results; every other command writes its own screen, and a flag that
    /// silently does nothing would leave a CI job without the file it asked
    /// for.
    pub fn refuse_ignored_flags(&self) -> anyhow::Result<()> {
        let writes_results = matches!(self.command, None | Some(Command::Check) | Some(Command::Grade { .. }));
        // A profile's report is printed as a table or as JSON, and written nowhere else.
        let profile_as_json = matches!(self.command, Some(Command::Profile { .. }))
            && self.format == Format::Json
            && self.output.is_empty();
        if !writes_results && !profile_as_json && (self.format != Format::Human || !self.output.is_empty()) {
            anyhow::bail!(
                "--format and --output apply to `check` and `grade`, which write the course's results (and \
                 `profile` prints its report with --format json); this command writes only its own report. For results in another format, grade with `check`: \
                 `cargo run -p grader -- check --format json` (unchanged exercises come from the cache)"
            );
        }
        // watch and list grade one exercise at a time from the cache, and
        // verify grades every solution and stub afresh: they would ignore
        // both.
        let grades_by_them = matches!(
            self.command,
            None | Some(Command::Check)
                | Some(Command::Report { .. })
                | Some(Command::Run { .. })
                | Some(Command::Grade { .. })
                | Some(Command::Class(_))
        );
        if !grades_by_them && (self.no_cache || self.jobs != 1) {
            anyhow::bail!(
                "-j and --no-cache apply to `check`, `report`, `run`, `grade` and `class`; this command would ignore them \
                 (watch and list grade one exercise at a time and keep the cache; verify grades everything afresh)"
            );
        }
        Ok(())
    }

    /// Finds — and unless `--no-install`, installs — the tools grading
    /// needs; with them, how to grade as the shared options say, with
    /// course.toml's build limit and the run's `deadline`.
    pub fn prepare_tools(&self, course: &Course, deadline: Option<Instant>) -> anyhow::Result<Settings> {
        let toolbox = Toolbox::prepare(&course.root, self.runner, !self.no_install)?;
        let mut settings = Settings::new(toolbox, Duration::from_secs(course.manifest.defaults.build_timeout_secs));
        settings.test_timeout = self.timeout.map(Duration::from_secs);
        settings.deadline = deadline;
        settings.jobs = self.jobs.max(1);
        settings.cache = !self.no_cache;
        Ok(settings)
    }
}

/// `grader class`'s options.
#[derive(clap::Args)]
pub struct ClassArgs {
    /// The folder of submissions, one directory per student.
    pub submissions: PathBuf,
    /// The instructor's pristine copy of the course.
    #[arg(long, value_name = "DIR")]
    pub reference: PathBuf,
    /// Where to write each student's results and gradebook.csv (default: ./grades).
    #[arg(long, value_name = "DIR", default_value = "grades")]
    pub out: PathBuf,
    /// Where submissions are staged and built, shared by all of them (default: <out>/.work).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Stop grading one student after this many seconds; what was not graded is reported as such.
    /// The default leaves room for the first student, who also compiles the dependencies.
    #[arg(long, value_name = "SECS", default_value_t = grader::class::DEFAULT_TIME_BUDGET_SECS)]
    pub time_budget: u64,
    /// Grade only this student (the directory's name), here in this process: what the class run
    /// does for each student in a child process, so that one who crashes the grader is recorded
    /// and the class goes on.
    #[arg(long, value_name = "NAME")]
    pub student: Option<String>,
    /// A class list (GitHub Classroom's roster export: identifier,github_username,…) to key the
    /// gradebook by: each folder is matched to its student by handle, and a student with no
    /// folder gets a row saying so.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Also write the gradebook for a learning platform's import: canvas.csv, moodle.csv.
    #[arg(long, value_enum, value_name = "PLATFORM", value_delimiter = ',')]
    pub export: Vec<grader::gradebook::Export>,
    /// After grading, compare every pair of submissions as `grader similarity` does, into
    /// similarity.csv and similarity.html beside gradebook.csv (no grade changes).
    #[arg(long, conflicts_with = "student")]
    pub similarity: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("grader").chain(args.iter().copied())).unwrap()
    }

    /// The `grader …` commands of docs/classroom.md's steps, each as its words.
    fn documented_commands() -> Vec<Vec<String>> {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/classroom.md")).unwrap();
        let steps = docs.split("\n## ").find(|section| section.starts_with("Each platform")).expect("the steps");
        let mut commands = Vec::new();
        let mut in_code = false;
        for line in steps.replace("\\\n", " ").lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            let segments = line.split("&&").map(|s| s.trim().trim_start_matches('(').trim());
            for segment in segments.filter(|s| in_code && s.starts_with("grader ")) {
                commands.push(segment.split_whitespace().map(String::from).collect());
            }
        }
        commands
    }

    #[test]
    fn every_command_of_the_classroom_steps_is_one_the_grader_takes() {
        let commands = documented_commands();
        assert!(commands.len() >= 3, "the steps name the edition and the class: {commands:?}");
        for words in &commands {
            let parsed = Cli::try_parse_from(words).unwrap_or_else(|error| panic!("{words:?}: {error}"));
            parsed.refuse_ignored_flags().unwrap_or_else(|error| panic!("{words:?}: {error}"));
        }
        let class = commands.iter().find(|words| words[1] == "class").expect("a class command");
        for flag in ["--roster", "--export", "--reference"] {
            assert!(class.iter().any(|word| word == flag), "the class step shows {flag}: {class:?}");
        }
    }

    #[test]
    fn costs_are_measured_only_against_a_reference() {
        let refused = Cli::try_parse_from(["grader", "grade", "--costs"]).err().expect("refused");
        assert!(refused.to_string().contains("--reference"), "{refused}");
        assert!(Cli::try_parse_from(["grader", "grade", "--costs", "--reference", "ref"]).is_ok());
    }

    #[test]
    fn format_and_output_are_refused_where_they_would_do_nothing() {
        for ok in
            [&["--format", "json"][..], &["check", "--output", "r.xml"], &["grade", "--format", "junit"], &["run", "x"]]
                .into_iter()
                .chain([&["profile", "x", "--format", "json"][..], &["report", "--html", "d", "-j", "2"]])
        {
            assert!(parse(ok).refuse_ignored_flags().is_ok(), "{ok:?}");
        }
        for refused in [
            &["run", "x", "--format", "json"][..],
            &["run", "x", "--output", "f.json"],
            &["verify", "--format", "junit"],
            &["list", "--format", "json"],
            &["profile", "x", "--format", "junit"],
            &["profile", "x", "--format", "json", "--output", "p.json"],
            &["report", "--html", "d", "--format", "json"],
        ] {
            let error = parse(refused).refuse_ignored_flags().unwrap_err().to_string();
            assert!(error.contains("apply to `check` and `grade`"), "{refused:?}: {error}");
        }
    }

    #[test]
    fn jobs_and_no_cache_are_refused_where_they_would_do_nothing() {
        for ok in [&["-j", "2"][..], &["run", "x", "--no-cache"], &["grade", "-j", "2"], &["check", "--no-cache"]] {
            assert!(parse(ok).refuse_ignored_flags().is_ok(), "{ok:?}");
        }
        for refused in
            [&["watch", "--no-cache"][..], &["watch", "-j", "4"], &["list", "--no-cache"], &["verify", "-j", "2"]]
        {
            let error = parse(refused).refuse_ignored_flags().unwrap_err().to_string();
            assert!(error.contains("-j and --no-cache apply to"), "{refused:?}: {error}");
        }
    }
}
