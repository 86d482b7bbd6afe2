//! What `grader similarity` writes, from a [`SimilarityReport`]:
//! `similarity.csv`, a row per pair of students, most similar first, for a
//! spreadsheet; and `similarity.html`, one page with the ranked pairs and,
//! for the most similar, the matched code of both side by side with its
//! line numbers. The page is closed as the course report is (see
//! [`super::html`]): nothing is fetched and nothing runs, and every piece
//! of student text — names, paths, code — is escaped.

use crate::flame_graph::escape;
use crate::similarity::{Excerpt, Pair, SimilarityReport, K, WINDOW};
use anyhow::{Context, Result};
use std::fmt::Write;
use std::path::{Path, PathBuf};

pub const CSV_FILE: &str = "similarity.csv";
pub const HTML_FILE: &str = "similarity.html";

/// Nothing may be fetched and no script run; the page's own style is inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// Pairs in the page's table: a class of 40 has 780 pairs, and the ones
/// worth reading are at the top; the CSV has every one.
const TABLE_ROWS: usize = 100;

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 90rem; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; font-size: 1.2rem; }
.summary { color: #555; max-width: 60rem; }
table.pairs { border-collapse: collapse; width: 100%; }
table.pairs td, table.pairs th { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.students, td.score { white-space: nowrap; }
.bar { display: inline-block; height: .6rem; background: #cf222e; margin-right: .4rem; vertical-align: middle; }
td.files { color: #555; font-size: .85rem; overflow-wrap: anywhere; }
.fragment { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; margin: .8rem 0; }
.where { font-size: .85rem; color: #555; margin-bottom: .2rem; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: .5rem .7rem; border-radius: 4px; margin: 0; overflow-x: auto; font-size: .8rem; }
.ln { display: inline-block; min-width: 3.5em; color: #888; user-select: none; }
.cut { color: #888; font-style: italic; }
";

/// The line `grader similarity` ends with: how many were compared, the
/// most similar pair, and where the two files are.
pub fn summary(report: &SimilarityReport, csv: &Path, html: &Path) -> String {
    let top = report.pairs.first().map_or(String::new(), |pair| {
        format!("; the most similar: {} and {}, {:.1} %", pair.a, pair.b, pair.similarity)
    });
    let left_out = report.students.iter().filter(|student| student.not_compared.is_some()).count();
    format!(
        "Compared {} ({}; {left_out} not a course){top}. Written: {} and {}.",
        super::counted(report.students.len() - left_out, "submission"),
        super::counted(report.pairs.len(), "pair"),
        csv.display(),
        html.display()
    )
}

/// Writes both files into `dir` (created if missing): their paths.
pub fn write(dir: &Path, report: &SimilarityReport) -> Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let (csv_path, html_path) = (dir.join(CSV_FILE), dir.join(HTML_FILE));
    std::fs::write(&csv_path, csv(report)?).with_context(|| format!("cannot write {}", csv_path.display()))?;
    std::fs::write(&html_path, html(report)).with_context(|| format!("cannot write {}", html_path.display()))?;
    Ok((csv_path, html_path))
}

/// A row per pair, most similar first: the two students, the similarity in
/// percent with one decimal, the shared fingerprints, and the files that
/// share them.
pub fn csv(report: &SimilarityReport) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["student_a", "student_b", "similarity_percent", "shared_fingerprints", "files"])?;
    for pair in &report.pairs {
        out.write_record([
            pair.a.as_str(),
            &pair.b,
            &percent(pair.similarity),
            &pair.shared.to_string(),
            &files_involved(pair),
        ])?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

fn percent(similarity: f64) -> String {
    format!("{similarity:.1}")
}

/// Each pair of files with shared fingerprints, the most first: one path
/// when it is the same file in both, `a's ↔ b's` when not.
fn files_involved(pair: &Pair) -> String {
    let named = pair.files.iter().map(|files| {
        if files.a == files.b {
            files.a.clone()
        } else {
            format!("{} ↔ {}", files.a, files.b)
        }
    });
    named.collect::<Vec<_>>().join("; ")
}

pub fn html(report: &SimilarityReport) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n\
         <title>Similarity between students</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Similarity between students</h1>\n"
    );
    let compared = report.students.iter().filter(|s| s.not_compared.is_none()).count();
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} compared, {}, the most similar first. A pair's similarity is the share of \
         the smaller submission's fingerprints — hashes of {K}-token runs of its editable files, one kept in \
         every {WINDOW}, names and values ignored, the shipped stubs' code left out — that the other has too. \
         It is a lead for a person to read, not a verdict: students of one lesson write alike, and a pair is \
         only worth a look with its fragments read. No grade depends on it.</p>",
        super::counted(compared, "submission"),
        super::counted(report.pairs.len(), "pair"),
    );
    pairs_table(&mut out, report);
    for (rank, pair) in report.pairs.iter().enumerate().filter(|(_, pair)| !pair.fragments.is_empty()) {
        pair_details(&mut out, rank + 1, pair);
    }
    not_compared(&mut out, report);
    submissions(&mut out, report);
    out.push_str("</body>\n</html>\n");
    out
}

fn pairs_table(out: &mut String, report: &SimilarityReport) {
    let _ = writeln!(
        out,
        "<table class=\"pairs\">\n<tr><th>#</th><th>students</th><th>similarity</th><th>shared fingerprints</th>\
         <th>files</th></tr>"
    );
    for (index, pair) in report.pairs.iter().take(TABLE_ROWS).enumerate() {
        let rank = index + 1;
        let (a, b) = (escape(&pair.a), escape(&pair.b));
        let names = if pair.fragments.is_empty() {
            format!("{a} · {b}")
        } else {
            format!("<a href=\"#pair-{rank}\">{a} · {b}</a>")
        };
        let _ = writeln!(
            out,
            "<tr class=\"pair\" data-rank=\"{rank}\" data-a=\"{a}\" data-b=\"{b}\" data-similarity=\"{similarity}\" \
             data-shared=\"{shared}\"><td>{rank}</td><td class=\"students\">{names}</td><td class=\"score\"><span class=\"bar\" \
             style=\"width:{width:.0}px\"></span>{similarity} %</td><td>{shared}</td><td class=\"files\">{files}</td></tr>",
            similarity = percent(pair.similarity),
            shared = pair.shared,
            width = pair.similarity.clamp(0.0, 100.0),
            files = escape(&files_involved(pair)),
        );
    }
    out.push_str("</table>\n");
    let more = report.pairs.len().saturating_sub(TABLE_ROWS);
    if more > 0 {
        let _ = writeln!(out, "<p class=\"summary\">{} more in {CSV_FILE}.</p>", super::counted(more, "pair"));
    }
}

/// One of the most similar pairs: its matched fragments side by side.
fn pair_details(out: &mut String, rank: usize, pair: &Pair) {
    let (a, b) = (escape(&pair.a), escape(&pair.b));
    let _ = writeln!(
        out,
        "<section class=\"detail\" id=\"pair-{rank}\" data-a=\"{a}\" data-b=\"{b}\">\n\
         <h2>{rank}. {a} and {b}: {} % ({} shared)</h2>",
        percent(pair.similarity),
        super::counted(pair.shared, "fingerprint")
    );
    for fragment in &pair.fragments {
        let _ = writeln!(out, "<div class=\"fragment\" data-shared=\"{}\">", fragment.shared);
        side(out, &a, &fragment.a);
        side(out, &b, &fragment.b);
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

/// One student's side of a fragment: where it is, and its lines numbered.
fn side(out: &mut String, student: &str, excerpt: &Excerpt) {
    let last = excerpt.first_line + excerpt.lines.len().saturating_sub(1);
    let _ = write!(
        out,
        "<div class=\"side\"><div class=\"where\">{student} · {} · lines {}–{last}</div><pre>",
        escape(&excerpt.file),
        excerpt.first_line
    );
    for (number, line) in (excerpt.first_line..).zip(&excerpt.lines) {
        let _ = writeln!(out, "<span class=\"ln\">{number}</span>{}", escape(line));
    }
    if excerpt.cut {
        out.push_str("<span class=\"cut\">… the fragment goes on</span>\n");
    }
    out.push_str("</pre></div>\n");
}

/// Submissions that are not a course, and files that were not read.
fn not_compared(out: &mut String, report: &SimilarityReport) {
    let mut items = Vec::new();
    for student in &report.students {
        let name = escape(&student.name);
        if let Some(why) = &student.not_compared {
            items.push(format!("<li class=\"not-compared\"><b>{name}</b>: not compared, {}</li>", escape(why)));
        }
        for skipped in &student.skipped {
            items.push(format!(
                "<li class=\"skipped\"><b>{name}</b>: <code>{}</code> {}</li>",
                escape(&skipped.path),
                escape(&skipped.why)
            ));
        }
    }
    if !items.is_empty() {
        let _ = writeln!(out, "<h2>Not compared</h2>\n<ul>\n{}\n</ul>", items.join("\n"));
    }
}

/// What each submission brought: a student with no fingerprints kept the
/// stubs, and one with few can score high on little.
fn submissions(out: &mut String, report: &SimilarityReport) {
    let _ = writeln!(
        out,
        "<details class=\"submissions\">\n<summary>Each submission: files compared, fingerprints once the stubs' \
         are left out</summary>\n<table class=\"pairs\">\n<tr><th>student</th><th>files</th><th>fingerprints</th></tr>"
    );
    for student in report.students.iter().filter(|student| student.not_compared.is_none()) {
        let _ = writeln!(
            out,
            "<tr class=\"submission\" data-name=\"{0}\"><td>{0}</td><td>{1}</td><td>{2}</td></tr>",
            escape(&student.name),
            student.files,
            student.fingerprints
        );
    }
    out.push_str("</table>\n</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::{FilePair, Fragment, Skipped, StudentSummary};

    fn student(name: &str) -> StudentSummary {
        StudentSummary { name: name.into(), files: 1, fingerprints: 10, skipped: Vec::new(), not_compared: None }
    }

    fn report() -> SimilarityReport {
        let lib = "exercises/07_grayscale/src/lib.rs";
        let excerpt = |first_line: usize, lines: &[&str]| Excerpt {
            file: lib.into(),
            first_line,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            cut: false,
        };
        let copied = Pair {
            a: "alice".into(),
            b: "<b>mallory</b>".into(),
            similarity: 97.26,
            shared: 35,
            files: vec![
                FilePair { a: lib.into(), b: lib.into(), shared: 30 },
                FilePair { a: lib.into(), b: "exercises/07_grayscale/src/extra.rs".into(), shared: 5 },
            ],
            fragments: vec![Fragment {
                shared: 12,
                a: excerpt(40, &["fn luma() -> u8 {", "    \"</pre><script>alert(1)</script>\""]),
                b: excerpt(3, &["fn gray() -> u8 {", "    \"</pre><script>alert(2)</script>\""]),
            }],
        };
        let apart = Pair {
            a: "alice".into(),
            b: "bob".into(),
            similarity: 0.0,
            shared: 0,
            files: Vec::new(),
            fragments: Vec::new(),
        };
        let mut carol = student("carol");
        carol.skipped = vec![Skipped { path: lib.into(), why: "is not UTF-8 text: not compared".into() }];
        let mut erin = student("erin");
        erin.not_compared = Some("holds no course.toml".into());
        SimilarityReport {
            students: vec![student("alice"), student("<b>mallory</b>"), student("bob"), carol, erin],
            pairs: vec![copied, apart],
        }
    }

    #[test]
    fn the_csv_has_a_row_per_pair_in_rank_order() {
        let text = csv(&report()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(
            header.iter().collect::<Vec<_>>(),
            ["student_a", "student_b", "similarity_percent", "shared_fingerprints", "files"]
        );
        let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        assert_eq!(
            rows[0],
            [
                "alice",
                "<b>mallory</b>",
                "97.3",
                "35",
                "exercises/07_grayscale/src/lib.rs; exercises/07_grayscale/src/lib.rs ↔ exercises/07_grayscale/src/extra.rs"
            ]
        );
        assert_eq!(rows[1], ["alice", "bob", "0.0", "0", ""]);
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn the_page_ranks_the_pairs_and_shows_the_fragments_escaped() {
        let page = html(&report());
        assert!(page.contains(&format!("content=\"{CONTENT_SECURITY_POLICY}\"")));
        assert!(page.contains(
            "<tr class=\"pair\" data-rank=\"1\" data-a=\"alice\" data-b=\"&lt;b&gt;mallory&lt;/b&gt;\" \
             data-similarity=\"97.3\" data-shared=\"35\">"
        ));
        assert!(page.contains("data-rank=\"2\" data-a=\"alice\" data-b=\"bob\""));
        assert!(page.contains("<section class=\"detail\" id=\"pair-1\""), "the top pair's fragments");
        assert!(!page.contains("id=\"pair-2\""), "a pair that shares nothing has none");
        assert!(page.contains("<span class=\"ln\">41</span>    &quot;&lt;/pre&gt;&lt;script&gt;"), "numbered, escaped");
        assert!(page.contains("<span class=\"ln\">3</span>fn gray() -&gt; u8 {"));
        assert!(page.contains("lines 40–41") && page.contains("lines 3–4"));
        assert!(!page.contains("<script") && !page.contains("<b>mallory"), "no student text as markup");
        assert!(page.contains("<b>erin</b>: not compared, holds no course.toml"));
        assert!(page.contains("<code>exercises/07_grayscale/src/lib.rs</code> is not UTF-8 text"));
        assert!(page.contains("<tr class=\"submission\" data-name=\"carol\"><td>carol</td><td>1</td><td>10</td></tr>"));
        assert!(!page.contains("data-name=\"erin\""), "not a course: listed above, not here");
        assert!(!page.contains("src=\"") && !page.contains("href=\"http"), "nothing to fetch");
    }
}
