//! A flame graph of a profile's call tree, drawn as a self-contained SVG:
//! each function a bar as wide as its time, its callers below it;
//! WebAssembly, JavaScript and the engine in three colours, and every
//! crossing of the boundary between JavaScript and WebAssembly marked on
//! the frame that crosses. Each bar carries its numbers (`data-*`) and a
//! tooltip, so a browser shows them on hover and a test can read them.

use crate::cpuprofile::Frame;
use crate::model::FrameKind;
use std::fmt::Write;

const WIDTH: f64 = 1200.0;
const ROW: f64 = 18.0;
/// Room above the bars for the title and the legend.
const HEADER: f64 = 48.0;
/// Bars narrower than this are not drawn (their time is in their caller's).
const NARROWEST: f64 = 0.3;
/// Monospace characters of 11 px are about this wide.
const CHAR_WIDTH: f64 = 6.7;

/// The SVG of `tree` (from [`crate::cpuprofile::CpuProfile::call_tree`]).
pub fn svg(tree: &Frame, title: &str) -> String {
    let depth = depth(tree);
    let height = HEADER + ROW * depth as f64 + 8.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">"#
    );
    let _ = writeln!(out, r##"<rect width="100%" height="100%" fill="#fdfcfa"/>"##);
    let _ = writeln!(out, r#"<text x="8" y="18" font-size="14" font-weight="bold">{}</text>"#, escape(title));
    legend(&mut out);
    if tree.total_us > 0.0 {
        let scale = WIDTH / tree.total_us;
        draw(&mut out, tree, None, 0.0, 0, scale, height, tree.total_us);
    } else {
        let _ = writeln!(
            out,
            r#"<text x="8" y="{}">No samples: the workload ran too briefly to be seen.</text>"#,
            HEADER + 14.0
        );
    }
    out.push_str("</svg>\n");
    out
}

fn legend(out: &mut String) {
    let mut x = 8.0;
    for (kind, label) in [
        (FrameKind::Wasm, "WebAssembly"),
        (FrameKind::JavaScript, "JavaScript"),
        (FrameKind::Boundary, "a JS↔WASM crossing (V8's wrapper)"),
        (FrameKind::Engine, "the engine"),
    ] {
        let _ = writeln!(out, r#"<rect x="{x}" y="28" width="12" height="12" fill="{}"/>"#, color(kind, label));
        let _ = writeln!(out, r#"<text x="{}" y="38">{label}</text>"#, x + 16.0);
        x += 16.0 + label.len() as f64 * CHAR_WIDTH + 18.0;
    }
    let _ = writeln!(
        out,
        r##"<rect x="{x}" y="28" width="12" height="12" fill="#ffffff" stroke="#d1002f" stroke-width="2.5"/>"##
    );
    let _ = writeln!(out, r#"<text x="{}" y="38">called across the boundary</text>"#, x + 16.0);
}

/// Draws `frame` at `x` on row `level` (0 at the bottom), then its callees
/// above it, widest first.
#[allow(clippy::too_many_arguments)]
fn draw(
    out: &mut String,
    frame: &Frame,
    caller: Option<FrameKind>,
    x: f64,
    level: usize,
    scale: f64,
    height: f64,
    all_us: f64,
) {
    let width = frame.total_us * scale;
    if width < NARROWEST {
        return;
    }
    let y = height - 8.0 - ROW * (level + 1) as f64;
    // The boundary is where a stack changes hands between JavaScript and WebAssembly.
    // The boundary is where a stack changes hands between JavaScript and
    // WebAssembly, with or without V8's wrapper between them.
    let boundary = match (caller, frame.kind) {
        (Some(FrameKind::JavaScript | FrameKind::Boundary), FrameKind::Wasm) => Some("js-to-wasm"),
        (Some(FrameKind::Wasm | FrameKind::Boundary), FrameKind::JavaScript) => Some("wasm-to-js"),
        _ => None,
    };
    let kind = kind_name(frame.kind);
    let share = frame.total_us / all_us * 100.0;
    let name = escape(&frame.name);
    let _ = write!(
        out,
        r#"<g class="frame" data-name="{name}" data-kind="{kind}" data-total-ms="{:.3}" data-self-ms="{:.3}""#,
        frame.total_us / 1000.0,
        frame.self_us / 1000.0
    );
    if let Some(boundary) = boundary {
        let _ = write!(out, r#" data-boundary="{boundary}""#);
    }
    let _ = write!(
        out,
        r#"><title>{name} — {:.1} ms, {share:.1}% ({:.1} ms in itself)</title><rect x="{x:.2}" y="{y:.2}" width="{width:.2}" height="{:.1}" rx="2" fill="{}""#,
        frame.total_us / 1000.0,
        frame.self_us / 1000.0,
        ROW - 1.0,
        color(frame.kind, &frame.name)
    );
    if boundary.is_some() {
        out.push_str(r##" stroke="#d1002f" stroke-width="2""##);
    }
    out.push_str("/>");
    let fits = ((width - 6.0) / CHAR_WIDTH).floor() as usize;
    if fits >= 3 {
        let shown: String = if frame.name.chars().count() <= fits {
            frame.name.clone()
        } else {
            frame.name.chars().take(fits - 1).chain(['…']).collect()
        };
        let _ = write!(out, r#"<text x="{:.2}" y="{:.2}">{}</text>"#, x + 3.0, y + ROW - 5.5, escape(&shown));
    }
    out.push_str("</g>\n");
    let mut children: Vec<&Frame> = frame.children.iter().collect();
    children.sort_by(|a, b| b.total_us.total_cmp(&a.total_us));
    let mut child_x = x;
    for child in children {
        draw(out, child, Some(frame.kind).filter(|_| level > 0), child_x, level + 1, scale, height, all_us);
        child_x += child.total_us * scale;
    }
}

/// The kind as `data-kind` says it.
pub fn kind_name(kind: FrameKind) -> &'static str {
    match kind {
        FrameKind::Wasm => "wasm",
        FrameKind::JavaScript => "js",
        FrameKind::Boundary => "boundary",
        FrameKind::Engine => "engine",
    }
}

fn depth(frame: &Frame) -> usize {
    1 + frame.children.iter().map(depth).max().unwrap_or(0)
}

/// A colour of the frame's kind, its shade picked by its name, so that
/// neighbours differ and a function keeps its shade everywhere.
fn color(kind: FrameKind, name: &str) -> String {
    let shade = name.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 20;
    let (hue, saturation, lightness) = match kind {
        FrameKind::Wasm => (262, 55, 62),
        FrameKind::JavaScript => (38, 88, 58),
        FrameKind::Boundary => (350, 80, 55),
        FrameKind::Engine => (210, 8, 72),
    };
    format!("hsl({hue}, {saturation}%, {}%)", lightness + shade / 2)
}

/// Text made safe inside SVG or HTML, in content and in quoted attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpuprofile::{tests::PROFILE, CpuProfile};

    fn attribute<'a>(group: &'a str, name: &str) -> Option<&'a str> {
        let start = group.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&group[start..start + group[start..].find('"')?])
    }

    #[test]
    fn every_function_is_a_bar_with_its_kind_time_and_crossing() {
        let tree = CpuProfile::parse(PROFILE).unwrap().call_tree();
        let svg = svg(&tree, "grayscale <test>");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("grayscale &lt;test&gt;"), "the title is escaped");
        let bars: Vec<&str> = svg.lines().filter(|l| l.starts_with("<g class=\"frame\"")).collect();
        let bar = |name: &str| *bars.iter().find(|b| attribute(b, "data-name") == Some(name)).unwrap();
        let slow = bar("grayscale::slow_luma");
        assert_eq!(attribute(slow, "data-kind"), Some("wasm"));
        assert_eq!(attribute(slow, "data-self-ms"), Some("0.600"));
        assert_eq!(attribute(slow, "data-boundary"), None);
        let export = bar("frame_grayscale");
        assert_eq!(attribute(export, "data-boundary"), Some("js-to-wasm"), "called from JavaScript");
        assert_eq!(attribute(bar("run"), "data-kind"), Some("js"));
        assert_eq!(attribute(bar("run"), "data-boundary"), None, "the bottom of a stack crosses nothing");
        assert_eq!(attribute(bar("all"), "data-total-ms"), Some("1.000"));
        assert!(!svg.contains("(idle)"));
    }

    #[test]
    fn an_empty_profile_says_so() {
        let profile = CpuProfile::parse(r#"{"nodes": [{"id": 1, "callFrame": {"functionName": "(root)"}}]}"#).unwrap();
        assert!(svg(&profile.call_tree(), "t").contains("No samples"));
    }
}
