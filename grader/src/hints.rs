//! Hints in tiers, revealed one at a time when the student asks
//! (`grader hint`, or h in `grader watch`): first the idea (the lesson's
//! concept, what to look up), then the shape of the code, the concrete
//! lines last. A hint handed over unasked is an answer handed over: reports
//! only say that help exists and show again what was already revealed.
//!
//! What was revealed is remembered per exercise in `.grader/hints.json`, so
//! a report, `list` and the next session show the same tiers.

use crate::discover::Course;
use crate::manifest::ExerciseEntry;
use crate::model::{ExerciseReport, Hints};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const HINT_LOG: &str = ".grader/hints.json";

/// How many tiers of each exercise's hints the student has seen, by name.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintLog {
    seen: BTreeMap<String, usize>,
}

/// What asking for a hint shows.
#[derive(Debug, PartialEq, Eq)]
pub enum Reveal<'a> {
    /// The next tier (numbered from 1).
    Tier { number: usize, total: usize, text: &'a str },
    /// Every tier was seen already: all of them again.
    AllSeen { tiers: &'a [String] },
    /// The exercise has no hints.
    None,
}

impl HintLog {
    /// The log of the course at `root`; none yet (or one that cannot be
    /// read) is an empty log: the worst it costs is hints asked again.
    pub fn load(root: &Path) -> HintLog {
        std::fs::read_to_string(path(root)).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
    }

    pub fn save(&self, root: &Path) -> Result<()> {
        let file = path(root);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(self).expect("a map of counts serializes");
        std::fs::write(&file, text).with_context(|| format!("cannot remember the hints seen in {}", file.display()))
    }

    /// The tiers of `hints` the student has seen for `name`.
    pub fn progress(&self, name: &str, hints: &[String]) -> Hints {
        let seen = self.seen.get(name).copied().unwrap_or(0).min(hints.len());
        Hints { revealed: hints[..seen].iter().map(|tier| tier.trim().to_string()).collect(), total: hints.len() }
    }

    /// Reveals the next tier of `name`'s hints, and remembers it.
    pub fn reveal<'a>(&mut self, name: &str, hints: &'a [String]) -> Reveal<'a> {
        let seen = self.seen.get(name).copied().unwrap_or(0);
        if hints.is_empty() {
            Reveal::None
        } else if seen >= hints.len() {
            Reveal::AllSeen { tiers: hints }
        } else {
            self.seen.insert(name.to_string(), seen + 1);
            Reveal::Tier { number: seen + 1, total: hints.len(), text: hints[seen].trim() }
        }
    }
}

/// `grader hint`: reveals the next tier of `entry`'s hints, remembers it,
/// and says what is left.
pub fn reveal_next(course: &Course, entry: &ExerciseEntry) -> Result<String> {
    let mut log = HintLog::load(&course.root);
    let name = &entry.name;
    let text = match log.reveal(name, &entry.hints) {
        Reveal::Tier { number, total, text } => {
            let after = if number < total {
                format!("Ask again for hint {} of {total} ({}).", number + 1, label(number + 1, total))
            } else {
                "That was the last one.".to_string()
            };
            format!("Hint {number} of {total} for {name} ({}):\n{text}\n\n{after}\n", label(number, total))
        }
        Reveal::AllSeen { tiers } => {
            let shown: Vec<String> = tiers
                .iter()
                .enumerate()
                .map(|(i, tier)| {
                    format!("Hint {} of {} ({}):\n{}\n", i + 1, tiers.len(), label(i + 1, tiers.len()), tier.trim())
                })
                .collect();
            format!("Every hint for {name}, all seen before:\n\n{}", shown.join("\n"))
        }
        Reveal::None => format!("{name} has no hints.\n"),
    };
    log.save(&course.root)?;
    Ok(text)
}

fn path(root: &Path) -> PathBuf {
    root.join(HINT_LOG)
}

/// What tier `number` of `total` gives: the idea first, the code last.
pub fn label(number: usize, total: usize) -> &'static str {
    if number <= 1 {
        "the idea"
    } else if number >= total {
        "the code"
    } else {
        "the shape of the code"
    }
}

/// Gives each report the hints its student has revealed (reports come
/// from the cache too, where what was revealed since would be stale).
pub fn annotate(course: &Course, reports: &mut [ExerciseReport]) {
    let log = HintLog::load(&course.root);
    let entries = course.manifest.exercises.iter().cloned().chain(course.manifest.milestone_entries());
    let hints: BTreeMap<String, Vec<String>> = entries.map(|entry| (entry.name, entry.hints)).collect();
    for report in reports {
        report.hints = log.progress(&report.name, hints.get(&report.name).map(Vec::as_slice).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers() -> Vec<String> {
        vec!["the idea\n".into(), "the shape".into(), "the line".into()]
    }

    #[test]
    fn tiers_are_revealed_in_order_then_all_again() {
        let hints = tiers();
        let mut log = HintLog::default();
        assert_eq!(log.progress("a", &hints), Hints { revealed: vec![], total: 3 });
        assert_eq!(log.reveal("a", &hints), Reveal::Tier { number: 1, total: 3, text: "the idea" });
        assert_eq!(log.reveal("a", &hints), Reveal::Tier { number: 2, total: 3, text: "the shape" });
        assert_eq!(log.progress("a", &hints).revealed, vec!["the idea", "the shape"]);
        assert_eq!(log.reveal("a", &hints), Reveal::Tier { number: 3, total: 3, text: "the line" });
        assert_eq!(log.reveal("a", &hints), Reveal::AllSeen { tiers: &hints });
        assert_eq!(log.progress("b", &hints).revealed.len(), 0, "each exercise has its own count");
        assert_eq!(HintLog::default().reveal("a", &[]), Reveal::None);
    }

    #[test]
    fn the_log_survives_a_restart_and_a_broken_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let hints = tiers();
        let mut log = HintLog::load(dir.path());
        log.reveal("a", &hints);
        log.save(dir.path()).unwrap();
        assert_eq!(HintLog::load(dir.path()).progress("a", &hints).revealed, vec!["the idea"]);
        std::fs::write(dir.path().join(HINT_LOG), "{ not json").unwrap();
        assert_eq!(HintLog::load(dir.path()), HintLog::default());
    }

    #[test]
    fn a_course_with_fewer_tiers_than_were_seen_shows_what_it_has() {
        let mut log = HintLog::default();
        let three = tiers();
        for _ in 0..3 {
            log.reveal("a", &three);
        }
        let two = &three[..2];
        assert_eq!(log.progress("a", two), Hints { revealed: vec!["the idea".into(), "the shape".into()], total: 2 });
    }

    #[test]
    fn labels_go_from_the_idea_to_the_code() {
        assert_eq!([1, 2, 3].map(|n| label(n, 3)), ["the idea", "the shape of the code", "the code"]);
        assert_eq!([1, 2].map(|n| label(n, 2)), ["the idea", "the code"]);
    }
}
