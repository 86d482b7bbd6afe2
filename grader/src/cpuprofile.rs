//! Reads a V8 CPU profile (the `.cpuprofile` that the DevTools protocol's
//! `Profiler.stop` returns, and Chrome DevTools and speedscope open) into
//! what `grader profile` shows: a call tree with Rust names demangled and
//! WebAssembly, JavaScript and the engine told apart, and the functions
//! with the most self time. Pure: no browser, no files.

use crate::model::{FrameKind, HotFunction};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file's format: V8's `Profiler.Profile`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CpuProfile {
    pub nodes: Vec<Node>,
    /// The node on top of the stack at each sample.
    #[serde(default)]
    pub samples: Vec<u64>,
    /// Microseconds from each sample to the one before (the first: from
    /// the profile's start).
    #[serde(default)]
    pub time_deltas: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: u64,
    pub call_frame: CallFrame,
    #[serde(default)]
    pub children: Vec<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallFrame {
    pub function_name: String,
    #[serde(default)]
    pub url: String,
    /// 0-based; -1 when unknown.
    #[serde(default)]
    pub line_number: i64,
}

/// One function in the call tree, merged with its siblings of the same name.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: String,
    pub kind: FrameKind,
    /// Where the function is, as the profile says it (a URL and a line for
    /// JavaScript; nothing for WebAssembly, whose names say it).
    pub location: Option<(String, i64)>,
    pub self_us: f64,
    pub total_us: f64,
    pub children: Vec<Frame>,
}

/// Names V8 gives its own work, not a function's.
const IDLE: &str = "(idle)";
const ROOT: &str = "(root)";

impl CpuProfile {
    pub fn parse(json: &str) -> Result<CpuProfile, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// Microseconds of samples on each node. A sample lasts until the next
    /// one; the last, as long as the samples' mean.
    fn self_time_by_node(&self) -> BTreeMap<u64, f64> {
        let deltas: Vec<f64> = self.time_deltas.iter().map(|&d| d.max(0) as f64).collect();
        let mean = if deltas.len() > 1 { deltas[1..].iter().sum::<f64>() / (deltas.len() - 1) as f64 } else { 0.0 };
        let mut time = BTreeMap::new();
        for (i, &node) in self.samples.iter().enumerate() {
            let lasted = deltas.get(i + 1).copied().unwrap_or(mean);
            *time.entry(node).or_insert(0.0) += lasted;
        }
        time
    }

    /// The call tree from V8's root, idle time left out, each function's
    /// callees of the same name and kind merged into one frame.
    pub fn call_tree(&self) -> Frame {
        let by_id: BTreeMap<u64, &Node> = self.nodes.iter().map(|n| (n.id, n)).collect();
        let self_time = self.self_time_by_node();
        let referenced: std::collections::BTreeSet<u64> =
            self.nodes.iter().flat_map(|n| n.children.iter().copied()).collect();
        let mut root = Frame {
            name: "all".to_string(),
            kind: FrameKind::Engine,
            location: None,
            self_us: 0.0,
            total_us: 0.0,
            children: Vec::new(),
        };
        // Usually one root, "(root)"; its children are the stacks' bottoms.
        for node in self.nodes.iter().filter(|n| !referenced.contains(&n.id)) {
            if node.call_frame.function_name == ROOT {
                root.self_us += self_time.get(&node.id).copied().unwrap_or(0.0);
                for child in &node.children {
                    add_subtree(&mut root.children, *child, &by_id, &self_time, 1);
                }
            } else {
                add_subtree(&mut root.children, node.id, &by_id, &self_time, 1);
            }
        }
        total(&mut root);
        root
    }
}

/// V8 samples at most 255 frames of a stack; a deeper tree is not a
/// profile of V8's (or has a cycle), and is cut here.
const MAX_DEPTH: usize = 1024;

/// Adds node `id` and what it called under `siblings`, merged by name and kind.
fn add_subtree(
    siblings: &mut Vec<Frame>,
    id: u64,
    by_id: &BTreeMap<u64, &Node>,
    self_time: &BTreeMap<u64, f64>,
    depth: usize,
) {
    let Some(node) = by_id.get(&id) else { return };
    if node.call_frame.function_name == IDLE || depth > MAX_DEPTH {
        return;
    }
    let frame = frame_of(&node.call_frame);
    // Scripts with no URL are the WebDriver's own (how the workload was
    // started): not drawn, what they called is attached to their caller.
    if frame.kind == FrameKind::JavaScript && node.call_frame.url.is_empty() {
        for child in &node.children {
            add_subtree(siblings, *child, by_id, self_time, depth + 1);
        }
        return;
    }
    let index = match siblings.iter().position(|f| f.name == frame.name && f.kind == frame.kind) {
        Some(index) => index,
        None => {
            siblings.push(frame);
            siblings.len() - 1
        }
    };
    let merged = &mut siblings[index];
    merged.self_us += self_time.get(&id).copied().unwrap_or(0.0);
    for child in &node.children {
        add_subtree(&mut merged.children, *child, by_id, self_time, depth + 1);
    }
}

/// Each frame's total: its own time and its callees'.
fn total(frame: &mut Frame) -> f64 {
    frame.total_us = frame.self_us + frame.children.iter_mut().map(total).sum::<f64>();
    frame.total_us
}

fn frame_of(call_frame: &CallFrame) -> Frame {
    let kind = kind_of(call_frame);
    let location = (kind == FrameKind::JavaScript && !call_frame.url.is_empty())
        .then(|| (call_frame.url.clone(), call_frame.line_number));
    Frame { name: readable_name(call_frame, kind), kind, location, self_us: 0.0, total_us: 0.0, children: Vec::new() }
}

fn kind_of(call_frame: &CallFrame) -> FrameKind {
    // A module's functions carry its URL (or a `wasm://` one when it was
    // compiled from bytes); V8 names its crossing wrappers after their way.
    let in_module = call_frame.url.starts_with("wasm://") || call_frame.url.ends_with(".wasm");
    let name = call_frame.function_name.as_str();
    if in_module && (name.starts_with("js-to-wasm") || name.starts_with("wasm-to-js")) {
        FrameKind::Boundary
    } else if in_module {
        FrameKind::Wasm
    } else if call_frame.url.is_empty() && call_frame.function_name.starts_with('(') {
        FrameKind::Engine
    } else {
        FrameKind::JavaScript
    }
}

/// A function's name as a person reads it: Rust's symbols demangled and
/// without their hash, V8's `$` before a WebAssembly name dropped.
pub fn readable_name(call_frame: &CallFrame, kind: FrameKind) -> String {
    let raw = call_frame.function_name.as_str();
    match kind {
        FrameKind::Wasm => {
            let raw = raw.strip_prefix('$').unwrap_or(raw);
            if raw.is_empty() {
                return "(a WebAssembly function with no name)".to_string();
            }
            let name = match rustc_demangle::try_demangle(raw) {
                Ok(symbol) => format!("{symbol:#}"),
                Err(_) => without_hash(raw).to_string(),
            };
            // The standard library's allocator shims are `__rustc[<hash>]::__rdl_alloc`.
            let name = match name.strip_prefix("__rustc[").and_then(|rest| rest.split_once("]::")) {
                Some((_, name)) => name.to_string(),
                None => name,
            };
            without_crate_hashes(&name)
        }
        FrameKind::Boundary => raw.trim_end_matches(':').to_string(),
        FrameKind::JavaScript if raw.is_empty() => "(anonymous)".to_string(),
        _ => raw.to_string(),
    }
}

/// `core[c5930c85a12de822]::str::from_utf8` as `core::str::from_utf8`:
/// the crate's disambiguator, which a v0 name keeps, says nothing to a person.
fn without_crate_hashes(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|at| open + at);
        match close {
            Some(close) if close > open + 1 && rest[open + 1..close].bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.push_str(&rest[..open]);
                rest = &rest[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `grayscale::luma::h0123456789abcdef` without `::h…`: a name section
/// may hold names wasm-bindgen demangled but left the hash on.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((path, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => path,
        _ => name,
    }
}

/// The functions with the most self time (summed over every call path), at
/// most `limit`, the most first. `locate` says where a function is; one it
/// cannot place (the standard library's, say) is shown as called from its
/// nearest caller it can, on the path where it spent the most time.
pub fn hottest(tree: &Frame, limit: usize, locate: impl Fn(&Frame) -> Option<String>) -> Vec<HotFunction> {
    struct Seen {
        us: f64,
        /// Where it is, and the self time of the path that said so.
        source: Option<(String, f64)>,
    }
    let mut by_function: BTreeMap<(FrameKind, String), Seen> = BTreeMap::new();
    // (frame, its nearest placed caller: name and place)
    let mut stack: Vec<(&Frame, Option<(&str, String)>)> = tree.children.iter().map(|f| (f, None)).collect();
    while let Some((frame, caller)) = stack.pop() {
        let own = locate(frame);
        let shown = own.clone().or_else(|| caller.as_ref().map(|(name, place)| format!("called from {name}, {place}")));
        let seen = by_function.entry((frame.kind, frame.name.clone())).or_insert(Seen { us: 0.0, source: None });
        seen.us += frame.self_us;
        if let Some(shown) = shown {
            if seen.source.as_ref().is_none_or(|(_, us)| frame.self_us > *us) {
                seen.source = Some((shown, frame.self_us));
            }
        }
        let inherited = match own {
            Some(place) => Some((frame.name.as_str(), place)),
            None => caller,
        };
        stack.extend(frame.children.iter().map(|child| (child, inherited.clone())));
    }
    let sampled = tree.total_us - tree.self_us;
    let mut hot: Vec<HotFunction> = by_function
        .into_iter()
        .filter(|(_, seen)| seen.us > 0.0)
        .map(|((kind, name), seen)| HotFunction {
            name,
            kind,
            self_ms: seen.us / 1000.0,
            share: if sampled > 0.0 { seen.us / sampled } else { 0.0 },
            source: seen.source.map(|(place, _)| place),
        })
        .collect();
    hot.sort_by(|a, b| b.self_ms.total_cmp(&a.self_ms).then_with(|| a.name.cmp(&b.name)));
    hot.truncate(limit);
    hot
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A profile of a page that calls `run` (JavaScript), which calls the
    /// module's export, which calls a mangled `slow` and `fast`; plus idle
    /// time and the garbage collector. 100 µs between samples.
    pub const PROFILE: &str = r#"{
      "nodes": [
        {"id": 1, "callFrame": {"functionName": "(root)", "url": "", "lineNumber": -1}, "children": [2, 3, 4, 7]},
        {"id": 2, "callFrame": {"functionName": "(idle)", "url": "", "lineNumber": -1}},
        {"id": 3, "callFrame": {"functionName": "(garbage collector)", "url": "", "lineNumber": -1}},
        {"id": 4, "callFrame": {"functionName": "run", "url": "http://127.0.0.1:1/workload/profile.js", "lineNumber": 4}, "children": [5]},
        {"id": 5, "callFrame": {"functionName": "$frame_grayscale", "url": "wasm://wasm/0a1b2c", "lineNumber": 0}, "children": [6, 8]},
        {"id": 6, "callFrame": {"functionName": "_ZN9grayscale9slow_luma17h0123456789abcdefE", "url": "wasm://wasm/0a1b2c", "lineNumber": 0}},
        {"id": 7, "callFrame": {"functionName": "run", "url": "http://127.0.0.1:1/workload/profile.js", "lineNumber": 4}, "children": [9]},
        {"id": 8, "callFrame": {"functionName": "grayscale::fast::h00000000000000ff", "url": "wasm://wasm/0a1b2c", "lineNumber": 0}},
        {"id": 9, "callFrame": {"functionName": "$frame_grayscale", "url": "wasm://wasm/0a1b2c", "lineNumber": 0}, "children": [10]},
        {"id": 10, "callFrame": {"functionName": "_ZN9grayscale9slow_luma17h0123456789abcdefE", "url": "wasm://wasm/0a1b2c", "lineNumber": 0}}
      ],
      "samples": [2, 2, 4, 5, 6, 6, 6, 8, 3, 10, 10, 10],
      "timeDeltas": [0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100]
    }"#;

    #[test]
    fn rust_names_are_demangled_without_their_hash() {
        let frame = |name: &str| CallFrame { function_name: name.into(), url: "wasm://wasm/x".into(), line_number: 0 };
        let name = |n: &str| readable_name(&frame(n), FrameKind::Wasm);
        assert_eq!(name("_ZN9grayscale9slow_luma17h0123456789abcdefE"), "grayscale::slow_luma");
        assert_eq!(name("$_ZN9grayscale9slow_luma17h0123456789abcdefE"), "grayscale::slow_luma");
        assert_eq!(name("grayscale::fast::h00000000000000ff"), "grayscale::fast");
        assert_eq!(name("frame_grayscale"), "frame_grayscale");
        assert_eq!(name("a::hnothex"), "a::hnothex", "only a 16-digit hex hash is dropped");
        assert_eq!(name("__rustc[b7974e8690430dd9]::__rdl_alloc_zeroed"), "__rdl_alloc_zeroed");
        assert_eq!(name("core[c5930c85a12de822]::str::converts::from_utf8"), "core::str::converts::from_utf8");
        assert_eq!(name("<[u8]>::to_vec"), "<[u8]>::to_vec", "a slice type is not a hash");
        let crossing =
            CallFrame { function_name: "js-to-wasm::".into(), url: "http://x/pkg/m_bg.wasm".into(), line_number: 0 };
        assert_eq!(readable_name(&crossing, FrameKind::Boundary), "js-to-wasm");
    }

    #[test]
    fn frames_are_told_apart_by_where_they_run() {
        let frame = |name: &str, url: &str| CallFrame { function_name: name.into(), url: url.into(), line_number: 0 };
        assert_eq!(kind_of(&frame("f", "wasm://wasm/1")), FrameKind::Wasm);
        assert_eq!(kind_of(&frame("frame_new", "http://127.0.0.1:1/pkg/grayscale_bg.wasm")), FrameKind::Wasm);
        assert_eq!(kind_of(&frame("js-to-wasm::", "http://127.0.0.1:1/pkg/grayscale_bg.wasm")), FrameKind::Boundary);
        assert_eq!(kind_of(&frame("run", "http://x/a.js")), FrameKind::JavaScript);
        assert_eq!(kind_of(&frame("(garbage collector)", "")), FrameKind::Engine);
        assert_eq!(kind_of(&frame("", "http://x/a.js")), FrameKind::JavaScript);
    }

    #[test]
    fn the_call_tree_merges_call_paths_and_leaves_idle_time_out() {
        let tree = CpuProfile::parse(PROFILE).unwrap().call_tree();
        // 12 samples, 2 idle: 1 ms sampled.
        assert!((tree.total_us - 1000.0).abs() < 1e-6, "{}", tree.total_us);
        let run: Vec<&Frame> = tree.children.iter().filter(|f| f.name == "run").collect();
        assert_eq!(run.len(), 1, "the two `run` nodes are one frame: {:#?}", tree.children);
        assert_eq!(run[0].kind, FrameKind::JavaScript);
        assert_eq!(run[0].location, Some(("http://127.0.0.1:1/workload/profile.js".into(), 4)));
        let export = &run[0].children[0];
        assert_eq!((export.name.as_str(), export.kind), ("frame_grayscale", FrameKind::Wasm));
        assert!((export.total_us - 800.0).abs() < 1e-6, "{export:#?}");
        let slow = export.children.iter().find(|f| f.name == "grayscale::slow_luma").unwrap();
        assert!((slow.self_us - 600.0).abs() < 1e-6, "both paths' samples: {slow:#?}");
        assert!(!format!("{tree:?}").contains("(idle)"));
    }

    #[test]
    fn the_hottest_functions_come_first_with_their_share() {
        let tree = CpuProfile::parse(PROFILE).unwrap().call_tree();
        // Only the export is placed: the functions it calls are shown as called from it.
        let locate = |frame: &Frame| (frame.name == "frame_grayscale").then(|| "src/lib.rs:91".to_string());
        let hot = hottest(&tree, 3, locate);
        let names: Vec<&str> = hot.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["grayscale::slow_luma", "(garbage collector)", "frame_grayscale"]);
        assert!((hot[0].share - 0.6).abs() < 1e-9);
        assert!((hot[0].self_ms - 0.6).abs() < 1e-9);
        assert_eq!(hot[0].source.as_deref(), Some("called from frame_grayscale, src/lib.rs:91"));
        assert_eq!(hot[1].source, None, "the engine's work is called from nowhere of the student's");
        assert_eq!(hot[2].source.as_deref(), Some("src/lib.rs:91"));
    }

    #[test]
    fn a_profile_with_no_samples_has_nothing_hot() {
        let profile = CpuProfile::parse(r#"{"nodes": [{"id": 1, "callFrame": {"functionName": "(root)"}}]}"#).unwrap();
        let tree = profile.call_tree();
        assert_eq!(tree.total_us, 0.0);
        assert!(hottest(&tree, 10, |_| None).is_empty());
    }
}
