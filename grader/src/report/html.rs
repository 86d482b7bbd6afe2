//! `grader report --html DIR`: the run as one self-contained page — every
//! exercise with its tests, their messages and the hints seen, the
//! capstone's milestones, and what the course's tools drew (the profiles'
//! flame graphs and pictures, the benchmark's chart). Rendered from the
//! result model like every other format; the pictures come in as
//! [`Gallery`], read from disk by the commands that made them.
//!
//! Self-contained and closed: everything is inline (SVG as markup the
//! grader itself drew, PNG as `data:` URLs), and a Content-Security-Policy
//! forbids every request, so the page shows the same from any folder and
//! reaches nothing. Student text (test names, panic messages) is escaped.

use crate::flame_graph::escape;
use crate::model::{CapstoneStatus, CourseReport, ExerciseReport, Status, TestStatus};
use std::fmt::Write;

/// What the course's tools drew, for the page.
#[derive(Debug, Clone, Default)]
pub struct Gallery {
    /// Each profiled exercise's last profile.
    pub profiles: Vec<ProfileDrawing>,
    /// `grader bench`'s chart (an SVG the grader drew), when it was run.
    pub bench_chart: Option<String>,
    /// The address of the mix page running the student's core, when it is built.
    pub mix_page: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProfileDrawing {
    pub exercise: String,
    /// The flame graph, as the grader drew it.
    pub flame_graph: String,
    /// (name, PNG bytes): what the workload showed of its result.
    pub pictures: Vec<(String, Vec<u8>)>,
}

/// The policy the page carries: nothing may be fetched, no script run.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 75rem; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; }
.summary { color: #555; }
table.course { border-collapse: collapse; width: 100%; }
table.course td, table.course th { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eee; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .error { color: #9a6700; } .locked { color: #777; }
details.exercise { border: 1px solid #ddd; border-radius: 6px; margin: .6rem 0; padding: .4rem .8rem; }
details.exercise > summary { cursor: pointer; font-weight: 600; }
ul.tests { list-style: none; padding-left: .4rem; } ul.tests li { margin: .25rem 0; }
pre { background: #f6f8fa; padding: .5rem .7rem; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
.hint { border-left: 3px solid #0969da; padding-left: .7rem; margin: .4rem 0; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
.pictures img { margin-right: 1rem; border: 1px solid #ddd; image-rendering: pixelated; }
";

/// Writes the page as `dir/index.html`: that file.
pub fn write(dir: &std::path::Path, report: &CourseReport, gallery: &Gallery) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let page = dir.join("index.html");
    std::fs::write(&page, render(report, gallery)).with_context(|| format!("cannot write {}", page.display()))?;
    Ok(page)
}

pub fn render(report: &CourseReport, gallery: &Gallery) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
         <title>Course report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let total = report.exercises.len();
    let _ = writeln!(out, "<h1>Where you stand</h1>");
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} of {total} exercises done · {} of {} points · graded in {}.</p>",
        report.done_count(),
        super::points(report.score()),
        super::points(report.max_score()),
        escape(&report.runner())
    );
    overview(&mut out, report);

    let _ = writeln!(out, "<h2>Exercises</h2>");
    // Open: the exercise to work on next; the rest a click away.
    let next = report.next_unfinished().map(|e| e.name.as_str());
    for exercise in &report.exercises {
        exercise_details(&mut out, exercise, next);
    }
    if let Some(capstone) = &report.capstone {
        capstone_section(&mut out, capstone, gallery, next);
    }
    if !gallery.profiles.is_empty() {
        let _ = writeln!(out, "<h2>Profiles</h2>");
        let _ = writeln!(
            out,
            "<p>The last <code>grader profile</code> of each exercise: where its workload spent its time. \
             Hover a bar for its numbers. Never graded.</p>"
        );
        for profile in &gallery.profiles {
            let id = slug(&profile.exercise);
            let _ = writeln!(
                out,
                "<section id=\"profile-{id}\" class=\"profile\">\n<h3>{}</h3>",
                escape(&profile.exercise)
            );
            if !profile.pictures.is_empty() {
                let _ = writeln!(out, "<div class=\"pictures\">");
                for (name, png) in &profile.pictures {
                    let _ = writeln!(
                        out,
                        "<figure style=\"display:inline-block\"><img class=\"picture\" alt=\"{0}\" data-name=\"{0}\" \
                         src=\"data:image/png;base64,{1}\"><figcaption>{0}</figcaption></figure>",
                        escape(name),
                        base64(png)
                    );
                }
                let _ = writeln!(out, "</div>");
            }
            let _ =
                writeln!(out, "<figure class=\"flame-graph\">{}</figure>\n</section>", svg_body(&profile.flame_graph));
        }
    }
    if let Some(chart) = &gallery.bench_chart {
        let _ = writeln!(out, "<h2>The lesson's benchmarks, measured here</h2>");
        let _ = writeln!(out, "<figure class=\"bench-chart\">{}</figure>", svg_body(chart));
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn overview(out: &mut String, report: &CourseReport) {
    let _ = writeln!(out, "<table class=\"course\">\n<tr><th></th><th>exercise</th><th>tests</th><th>points</th><th>what it teaches</th></tr>");
    let milestones = report.capstone.iter().flat_map(|c| c.graded());
    for exercise in report.exercises.iter().chain(milestones) {
        let (class, mark) = status_mark(exercise.status);
        let _ = writeln!(
            out,
            "<tr class=\"row\" data-name=\"{name}\" data-status=\"{class}\"><td class=\"{class}\">{mark}</td>\
             <td><a href=\"#{id}\">{name}</a></td><td>{}/{}</td><td>{} of {}</td><td>{}</td></tr>",
            exercise.passed_count(),
            exercise.tests.len(),
            super::points(exercise.points),
            super::points(exercise.max_points),
            escape(&exercise.title),
            name = escape(&exercise.name),
            id = slug(&exercise.name),
        );
    }
    if let Some(CapstoneStatus::Locked { name, remaining, .. }) = &report.capstone {
        let _ = writeln!(
            out,
            "<tr class=\"row\" data-name=\"{0}\" data-status=\"locked\"><td class=\"locked\">·</td><td>{0}</td>\
             <td colspan=\"3\">capstone: unlocks when every exercise passes ({remaining} to go)</td></tr>",
            escape(name)
        );
    }
    let _ = writeln!(out, "</table>");
}

fn status_mark(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("pass", "✓"),
        Status::Fail => ("fail", "✗"),
        Status::Error => ("error", "!"),
    }
}

fn exercise_details(out: &mut String, exercise: &ExerciseReport, next: Option<&str>) {
    let (class, mark) = status_mark(exercise.status);
    let open = if next == Some(exercise.name.as_str()) { " open" } else { "" };
    let _ = writeln!(
        out,
        "<details class=\"exercise\" id=\"{}\"{open}><summary><span class=\"{class}\">{mark}</span> {} — {}</summary>",
        slug(&exercise.name),
        escape(&exercise.name),
        escape(&exercise.title)
    );
    let _ =
        writeln!(out, "<p>{} · you edit <code>{}</code></p>", escape(&exercise.concept), escape(&exercise.source_file));
    if let Some(error) = &exercise.error {
        let _ =
            writeln!(out, "<p class=\"error\">It {}:</p><pre>{}</pre>", error.kind.describe(), escape(&error.message));
    }
    if let Some(diagnosis) = &exercise.diagnosis {
        let _ = writeln!(out, "<p class=\"error\">{}</p>", escape(diagnosis));
    }
    let _ = writeln!(out, "<ul class=\"tests\">");
    for test in &exercise.tests {
        let (class, mark) = match test.status {
            TestStatus::Pass => ("pass", "✓"),
            TestStatus::Fail | TestStatus::TimedOut => ("fail", "✗"),
            TestStatus::Ignored | TestStatus::NotRun => ("error", "·"),
        };
        let _ = write!(
            out,
            "<li class=\"test\" data-status=\"{class}\"><span class=\"{class}\">{mark}</span> {} <code>{}</code>",
            escape(&test.title()),
            escape(&test.name)
        );
        if let Some(why) = super::why_not_passed(exercise, test) {
            let _ = write!(out, "<pre>{}</pre>", escape(&why));
        }
        let _ = writeln!(out, "</li>");
    }
    let _ = writeln!(out, "</ul>");
    for note in &exercise.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    if !exercise.hints.revealed.is_empty() {
        let _ = writeln!(
            out,
            "<p>Hints you asked for ({} of {}):</p>",
            exercise.hints.revealed.len(),
            exercise.hints.total
        );
        for hint in &exercise.hints.revealed {
            let _ = writeln!(out, "<pre class=\"hint\">{}</pre>", escape(hint.trim()));
        }
    }
    let _ = writeln!(out, "</details>");
}

fn capstone_section(out: &mut String, capstone: &CapstoneStatus, gallery: &Gallery, next: Option<&str>) {
    let _ = writeln!(out, "<h2>Capstone: {}</h2>", escape(capstone.name()));
    match capstone {
        CapstoneStatus::NotAvailable { .. } => {
            let _ = writeln!(out, "<p>Not available in this course yet.</p>");
        }
        CapstoneStatus::Locked { remaining, milestones, .. } => {
            let _ = writeln!(out, "<p>Unlocks when every exercise passes ({remaining} to go). Its milestones:</p><ol>");
            for milestone in milestones {
                let _ = writeln!(out, "<li>{}</li>", escape(milestone));
            }
            let _ = writeln!(out, "</ol>");
        }
        CapstoneStatus::Graded { milestones, .. } => {
            for milestone in milestones {
                exercise_details(out, milestone, next);
            }
        }
    }
    match &gallery.mix_page {
        Some(page) => {
            let _ = writeln!(
                out,
                "<p><a class=\"mix-page\" href=\"{}\">Open the mix page</a> running your own core, once the \
                 course folder is served: <code>python3 -m http.server 8000</code> in it (the page loads modules, \
                 which a browser does not from a file).</p>",
                escape(page)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "<p>Build your core for the mix page with <code>bash mix/www/build.sh mix</code>, and this \
                 report links to it.</p>"
            );
        }
    }
}

/// The grader's own SVG, inline (so that its tooltips show), without any
/// XML declaration before it.
fn svg_body(svg: &str) -> &str {
    svg.find("<svg").map_or("", |start| &svg[start..])
}

fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;
    use crate::model::{GradeError, TestReport};

    fn page() -> String {
        let mut failing = TestReport::new("reads_<script>alert(1)</script>", TestStatus::Fail);
        failing.message = Some("expected 1, got \"<img src=x onerror=alert(1)>\"".into());
        let passing = TestReport::new("ok_test", TestStatus::Pass);
        let mut done = fixtures::exercise("typed_views", Status::Pass, vec![passing.clone()], None);
        done.hints.revealed = vec!["the idea".into()];
        done.hints.total = 3;
        let failed = fixtures::exercise("grayscale", Status::Fail, vec![passing, failing], None);
        let broken = fixtures::exercise(
            "batching",
            Status::Error,
            vec![],
            Some(GradeError { kind: crate::model::ErrorKind::Compile, message: "error[E0308]".into() }),
        );
        let report = fixtures::course(vec![done, failed, broken], None);
        let gallery = Gallery {
            profiles: vec![ProfileDrawing {
                exercise: "grayscale".into(),
                flame_graph: "<svg xmlns=\"http://www.w3.org/2000/svg\"><g class=\"frame\"></g></svg>\n".into(),
                pictures: vec![("frame-after".into(), vec![0x89, b'P', b'N', b'G'])],
            }],
            bench_chart: None,
            mix_page: None,
        };
        render(&report, &gallery)
    }

    #[test]
    fn every_exercise_has_a_row_and_its_tests() {
        let page = page();
        for name in ["typed_views", "grayscale", "batching"] {
            assert!(page.contains(&format!("<tr class=\"row\" data-name=\"{name}\"")), "{name}'s row");
            assert!(page.contains(&format!("<details class=\"exercise\" id=\"{}\"", slug(name))), "{name}'s details");
        }
        assert!(page.contains("Hints you asked for (1 of 3)"));
        assert!(page.contains("id=\"grayscale\" open>"), "the next exercise is open");
        assert!(page.contains("id=\"batching\">"), "the others are closed");
        assert!(page.contains("It does not compile"));
        assert!(page.contains("<g class=\"frame\">"), "the flame graph inline");
        assert!(page.contains("src=\"data:image/png;base64,iVBORw==\""), "the picture as a data URL");
    }

    #[test]
    fn student_text_is_escaped_and_nothing_is_fetched() {
        let page = page();
        assert!(!page.contains("<script"), "no script, not even a test's name");
        assert!(!page.contains("<img src=x"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains(&format!("content=\"{CONTENT_SECURITY_POLICY}\"")));
        assert!(!page.contains("src=\"http") && !page.contains("href=\"http"), "no address off the page");
    }
}
