//! `grader profile`'s report: the hottest functions as a table for a
//! person, or the whole [`ProfileReport`] as JSON (`--format json`).

use crate::flame_graph::kind_name;
use crate::model::{FrameKind, ProfileReport, Variant};
use std::fmt::Write;

pub fn human(report: &ProfileReport) -> String {
    let mut out = String::new();
    let whose = match report.crate_profiled {
        Variant::Student => "your crate",
        Variant::Reference => "the reference solution",
    };
    let _ = writeln!(out, "Profile of {} ({whose}, release build): {}.", report.exercise, report.workload);
    let _ = writeln!(
        out,
        "The profiled run took {:.0} ms after a warm-up run; {} samples cover {:.0} ms of it.\n",
        report.run_ms, report.samples, report.sampled_ms
    );
    if report.hottest.is_empty() {
        let _ = writeln!(out, "No function was sampled: the workload ran too briefly to be seen.");
    } else {
        let name_width = report.hottest.iter().map(|h| h.name.chars().count()).max().unwrap_or(0).clamp(8, 60);
        let _ = writeln!(out, "  {:>9}  {:>6}  {:<name_width$}  {:<8}  where", "self", "share", "function", "kind");
        for hot in &report.hottest {
            let name: String = if hot.name.chars().count() > name_width {
                hot.name.chars().take(name_width - 1).chain(['…']).collect()
            } else {
                hot.name.clone()
            };
            let kind = match hot.kind {
                FrameKind::Engine => "—",
                kind => kind_name(kind),
            };
            let _ = writeln!(
                out,
                "  {:>6.1} ms  {:>5.1}%  {name:<name_width$}  {kind:<8}  {}",
                hot.self_ms,
                hot.share * 100.0,
                hot.source.as_deref().unwrap_or("")
            );
        }
    }
    let _ = writeln!(
        out,
        "\nSelf time is a function's own, its callees' left out: the top rows are where to look first.\n\
         Written: {} (open it in Chrome DevTools' Performance panel, or at speedscope.app)\n\
         \x20        {} (open it in a browser; hover a bar for its numbers).\n\
         These times are this machine's, today: they are never graded.",
        report.cpuprofile.display(),
        report.flame_graph.display()
    );
    out
}

pub fn json(report: &ProfileReport) -> String {
    serde_json::to_string_pretty(report).expect("a profile report is always JSON") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HotFunction;

    fn report() -> ProfileReport {
        ProfileReport {
            exercise: "grayscale".into(),
            workload: "a 4K frame turned gray".into(),
            crate_profiled: Variant::Student,
            run_ms: 182.4,
            sampled_ms: 180.0,
            samples: 1800,
            hottest: vec![
                HotFunction {
                    name: "grayscale::slow_luma".into(),
                    kind: FrameKind::Wasm,
                    self_ms: 150.0,
                    share: 0.8333,
                    source: Some("src/lib.rs:38".into()),
                },
                HotFunction {
                    name: "workload".into(),
                    kind: FrameKind::JavaScript,
                    self_ms: 20.0,
                    share: 0.111,
                    source: Some("exercises/07_grayscale/profile.js:9".into()),
                },
            ],
            cpuprofile: "target/profile/grayscale/grayscale.cpuprofile".into(),
            flame_graph: "target/profile/grayscale/flamegraph.svg".into(),
        }
    }

    #[test]
    fn the_table_lists_the_hottest_first_with_share_and_place() {
        let text = human(&report());
        let rows: Vec<&str> = text.lines().filter(|l| l.contains(" ms  ")).collect();
        assert!(
            rows[0].contains("grayscale::slow_luma") && rows[0].contains("83.3%") && rows[0].contains("src/lib.rs:38")
        );
        assert!(rows[1].contains("workload") && rows[1].contains("js"));
        assert!(text.contains("never graded"));
        assert!(text.contains("grayscale.cpuprofile") && text.contains("flamegraph.svg"));
    }

    #[test]
    fn the_json_has_every_field() {
        let value: serde_json::Value = serde_json::from_str(&json(&report())).unwrap();
        assert_eq!(value["crate_profiled"], "student");
        assert_eq!(value["hottest"][0]["kind"], "wasm");
        assert_eq!(value["hottest"][0]["name"], "grayscale::slow_luma");
        assert_eq!(value["flame_graph"], "target/profile/grayscale/flamegraph.svg");
    }
}
