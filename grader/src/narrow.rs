//! A hang narrowed to its test.
//!
//! In this course a test binary that stops answering is most often memory
//! corruption, not a loop: JavaScript writes through a wrong address (the
//! struct's instead of its data's, a `Vec` freed when `alloc` returned),
//! the allocator's records break, and the next allocation — formatting a
//! failure, often — never returns. The runner then reports nothing for the
//! test that hung nor for any test after it, and the test written for the
//! student's mistake never gets to say so.
//!
//! So when a binary stops answering, its tests that did not report are run
//! again: the first of them in the order the harness runs them (it takes
//! them from the end of the module's export list) alone, then the rest
//! together without it, and again while a run stops answering. Each test
//! gets a result of its own — its own failure message, or "did not finish
//! even alone" — in about two runs per test that hangs.

use crate::parse::TestRun;
use anyhow::{Context, Result};
use std::path::Path;

/// Which of a binary's tests a run is asked to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// This one test, alone.
    Only(String),
    /// Every test but these.
    AllBut(Vec<String>),
}

/// What one run of a selection reported.
#[derive(Debug)]
pub struct Attempt {
    pub run: TestRun,
    /// It was stopped at its limit.
    pub stopped: bool,
}

/// The outcome of narrowing one binary.
#[derive(Debug, Default)]
pub struct Narrowed {
    /// Every run made while narrowing, in order.
    pub runs: Vec<TestRun>,
    /// Tests that did not finish even when run alone.
    pub hung_alone: Vec<String>,
    /// Tests that finished when run alone, after a run with others stopped
    /// answering before they reported: what an earlier test left behind
    /// (corrupted memory) is the likely cause of that hang.
    pub finished_alone: Vec<String>,
    /// Tests left without a result: the time budget ran out first.
    pub unresolved: Vec<String>,
}

/// The test functions of a compiled wasm-bindgen test module in the order
/// its harness runs them: the reverse of the module's exports (the harness
/// queues them in export order and pops each next one from the end).
pub fn run_order(module: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(module).with_context(|| format!("cannot read {}", module.display()))?;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ExportSection(section) = payload.context("not a WebAssembly module")? {
            for export in section {
                let export = export.context("a malformed export")?;
                // `__wbgt_<modifiers>_<crate>::<path>`; the runner names the
                // test by what follows the first `::`.
                if let Some((_, name)) = export.name.strip_prefix("__wbgt_").and_then(|rest| rest.split_once("::")) {
                    names.push(name.to_string());
                }
            }
        }
    }
    names.reverse();
    Ok(names)
}

/// Gives each test of `order` (one binary's, in run order) that `reported`
/// lacks a result of its own, with `run`; stops early when `within_budget`
/// says so. Each round runs the first pending test alone and the others
/// without it at the same time: the two do not depend on each other.
pub fn narrow(
    order: &[String],
    reported: &[String],
    run: impl Fn(&Selection) -> Result<Attempt> + Sync,
    within_budget: impl Fn() -> bool,
) -> Result<Narrowed> {
    let mut narrowed = Narrowed::default();
    if let ([only], []) = (order, reported) {
        // The binary's one test ran alone already.
        narrowed.hung_alone.push(only.clone());
        return Ok(narrowed);
    }
    let mut pending: Vec<String> = order.iter().filter(|name| !reported.contains(name)).cloned().collect();
    while let Some(suspect) = pending.first().cloned() {
        if !within_budget() {
            break;
        }
        pending.remove(0);
        let others = (!pending.is_empty())
            .then(|| Selection::AllBut(order.iter().filter(|name| !pending.contains(name)).cloned().collect()));
        let (alone, rest) = std::thread::scope(|scope| {
            let rest = others.as_ref().map(|others| scope.spawn(|| run(others)));
            let alone = run(&Selection::Only(suspect.clone()));
            (alone, rest.map(|rest| rest.join().expect("a narrowing run panicked")))
        });
        let alone = alone?;
        if alone.run.tests.iter().any(|t| t.name == suspect) {
            narrowed.finished_alone.push(suspect.clone());
        } else if alone.stopped {
            narrowed.hung_alone.push(suspect.clone());
        }
        narrowed.runs.push(alone.run);
        let Some(rest) = rest.transpose()? else { break };
        pending.retain(|name| !rest.run.tests.iter().any(|t| t.name == *name));
        let stopped = rest.stopped;
        narrowed.runs.push(rest.run);
        if !stopped {
            // It ran to its end: whatever it did not report, it never will.
            break;
        }
    }
    narrowed.unresolved = pending;
    Ok(narrowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TestReport, TestStatus};
    use std::sync::Mutex;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// A binary whose tests run in `order`, where running `poison` breaks
    /// every later test of the same run, and `hangs` never finishes even
    /// alone: what the harness reports for a selection.
    fn harness<'a>(
        order: &'a [String],
        poison: &'a [&'a str],
        hangs: &'a [&'a str],
        calls: &'a Mutex<Vec<Selection>>,
    ) -> impl Fn(&Selection) -> Result<Attempt> + Sync + 'a {
        move |selection| {
            calls.lock().unwrap().push(selection.clone());
            let chosen: Vec<&String> = order
                .iter()
                .filter(|name| match selection {
                    Selection::Only(only) => *name == only,
                    Selection::AllBut(skip) => !skip.contains(name),
                })
                .collect();
            let mut run = TestRun::default();
            let mut poisoned = false;
            for name in chosen {
                if hangs.contains(&name.as_str()) || poisoned {
                    return Ok(Attempt { run, stopped: true });
                }
                run.tests.push(TestReport::new(name.clone(), TestStatus::Fail));
                poisoned |= poison.contains(&name.as_str());
            }
            Ok(Attempt { run, stopped: false })
        }
    }

    #[test]
    fn a_test_that_corrupts_memory_and_one_that_hangs_alone_each_get_their_result() {
        let order = names(&["a", "b", "c", "d", "e"]);
        let calls = Mutex::new(Vec::new());
        // The first run reported a and b; b broke the rest of it.
        let narrowed =
            narrow(&order, &names(&["a", "b"]), harness(&order, &["b", "d"], &["e"], &calls), || true).unwrap();
        assert_eq!(narrowed.finished_alone, ["c"], "d reported in the run of the rest");
        assert_eq!(narrowed.hung_alone, ["e"]);
        assert!(narrowed.unresolved.is_empty());
        let mut calls = calls.into_inner().unwrap();
        calls.sort_by_key(|call| format!("{call:?}"));
        assert_eq!(
            calls,
            [Selection::AllBut(names(&["a", "b", "c"])), Selection::Only("c".into()), Selection::Only("e".into()),],
            "c alone and the rest together (d reported, then e stopped it), then e alone"
        );
    }

    #[test]
    fn a_run_that_ends_without_reporting_a_test_ends_the_narrowing() {
        let order = names(&["a", "b", "c"]);
        let calls = Mutex::new(Vec::new());
        let narrowed = narrow(&order, &[], harness(&order, &[], &[], &calls), || true).unwrap();
        assert_eq!(narrowed.finished_alone, ["a"]);
        assert!(narrowed.unresolved.is_empty() && narrowed.hung_alone.is_empty());
        assert_eq!(calls.into_inner().unwrap().len(), 2);
    }

    #[test]
    fn a_binary_of_one_test_is_not_run_again() {
        let calls = Mutex::new(Vec::new());
        let order = names(&["only"]);
        let narrowed = narrow(&order, &[], harness(&order, &[], &["only"], &calls), || true).unwrap();
        assert_eq!(narrowed.hung_alone, ["only"]);
        assert!(calls.into_inner().unwrap().is_empty());
    }

    #[test]
    fn what_the_budget_leaves_is_unresolved() {
        let order = names(&["a", "b", "c"]);
        let calls = Mutex::new(Vec::new());
        let budget = std::cell::Cell::new(1);
        let within = || {
            budget.set(budget.get() - 1);
            budget.get() >= 0
        };
        let narrowed = narrow(&order, &[], harness(&order, &["a", "b", "c"], &[], &calls), within).unwrap();
        assert_eq!(narrowed.finished_alone, ["a"], "a alone, while b reported among the rest");
        assert_eq!(narrowed.unresolved, ["c"]);
    }
}
