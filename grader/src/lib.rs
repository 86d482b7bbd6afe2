//! The course grader: finds the exercises in `course.toml`, runs each
//! crate's wasm-bindgen tests with wasm-bindgen-test-runner in headless
//! Chromium (or Node.js), and reports what passes, what fails and why.
//!
//! One module per concern:
//! - [`manifest`]: the course manifest, `course.toml`;
//! - [`discover`]: the course on disk, each exercise's crates and tests;
//! - [`tools`]: wasm-bindgen-cli (the test runner), the browser or Node.js;
//! - [`process`]: running a tool under a time limit, leaving nothing behind;
//! - [`interrupt`]: Ctrl-C, running what other modules registered;
//! - [`progress`]: what is being done, while it is done;
//! - [`settings`]: how to grade, decided once from the command line;
//! - [`wasm_build`]: the one way cargo is asked for wasm32;
//! - [`runner`]: grading one crate (build, test, classify), with [`test_clock`] for what its
//!   limits measure and [`narrow`] for a hang narrowed to its test;
//! - [`parse`]: reading wasm-bindgen-test's text and cargo's diagnostics;
//! - [`model`]: the result model every output renders from;
//! - [`outcome`]: the exit status, decided once;
//! - [`points`]: how an exercise's points are shared among its tests;
//! - [`report`]: the output formats;
//! - [`grade`]: the whole course, in parallel, with [`cache`] for unchanged exercises and
//!   [`costs`] for a leaderboard;
//! - [`class`]: a folder of submissions, one [`gradebook`];
//! - [`similarity`]: how alike each pair of a class's submissions is, a lead for a person to read;
//! - [`ownership`]: which files are the student's, which the instructor's, with [`walk`] to list them;
//! - [`submission`]: grading a submission against the instructor's copy; [`seal`]: the local warning;
//! - [`integrity`]: what a submission's editable files may reach;
//! - [`edition`]: the course as students get it, without the solutions;
//! - [`verify`]: the instructor's checks;
//! - [`bench`]: the lesson's benchmark table, measured;
//! - [`profile`]: where a workload's time goes, with [`cpuprofile`] to read the profile and
//!   [`flame_graph`] to draw it;
//! - [`hints`]: hints in tiers, revealed on request and remembered;
//! - [`debug`]: an exercise's tests served to a real browser, for DevTools;
//! - [`reset`]: back to the shipped stubs, with backups; [`watch`]: the student's loop,
//!   with [`keyboard`] for single keys.

pub mod bench;
pub mod cache;
pub mod capability;
pub mod chrome_for_testing;
pub mod class;
pub mod costs;
pub mod cpuprofile;
pub mod debug;
pub mod discover;
pub mod download;
pub mod edition;
pub mod flame_graph;
pub mod grade;
pub mod gradebook;
pub mod hints;
pub mod integrity;
pub mod interrupt;
pub mod keyboard;
pub mod manifest;
pub mod model;
pub mod narrow;
pub mod outcome;
pub mod ownership;
pub mod parse;
pub mod points;
pub mod prebuilt;
pub mod process;
pub mod profile;
pub mod progress;
pub mod report;
pub mod reset;
pub mod runner;
pub mod sandbox;
pub mod seal;
pub mod settings;
pub mod similarity;
pub mod submission;
pub mod test_clock;
pub mod tools;
pub mod verify;
pub mod walk;
pub mod wasm_build;
pub mod watch;
