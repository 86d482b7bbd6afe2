//! `grader similarity`: a class of 24 generated submissions of two
//! exercises (07's grayscale kernel, 05's normalize), each written
//! independently — every function a seeded choice among hand-written ways
//! of writing it, with names of the student's own and generated helper
//! functions — except one, a classmate's work with every name changed and
//! its functions moved around. The copy must rank first, above every pair
//! written independently; two students who kept the stubs share nothing;
//! a folder that is not a course and files that cannot be read are listed,
//! not compared. Then the page, in headless Chromium: the ranked pairs, the
//! copied fragments side by side, nothing fetched. No build: seconds.

mod common;

use common::{grader, require, Need};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Students who wrote their own work.
const STUDENTS: usize = 24;
/// Who copied whom.
const ORIGINAL: &str = "student04";
const COPY: &str = "student17";

const GRAYSCALE: &str = "exercises/07_grayscale/src/lib.rs";
const SIGNAL: &str = "exercises/05_avoiding_copies/src/lib.rs";

/// splitmix64: the same class on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

// Each function's ways of being written, as bodies with `$name`s for the
// student's own names (indented for a free function; a method's gets four
// spaces more). Each compiles against the stub's signature.

const LUMA: &[&str] = &[
    "    let [$w0, $w1, $w2] = WEIGHTS;
    let $sum = $w0 * f32::from(r) + $w1 * f32::from(g) + $w2 * f32::from(b);
    ($sum + 0.5) as u8
",
    "    let $ch = [r, g, b];
    let mut $sum = 0.0f32;
    for $i in 0..3 {
        $sum += WEIGHTS[$i] * $ch[$i] as f32;
    }
    ($sum + 0.5) as u8
",
    "    let $sum: f32 = WEIGHTS.iter().zip([r, g, b]).map(|($w0, $x)| $w0 * f32::from($x)).sum();
    ($sum + 0.5).min(255.0) as u8
",
    "    let $y = WEIGHTS[0] * r as f32 + WEIGHTS[1] * g as f32 + WEIGHTS[2] * b as f32;
    let $lo = $y + 0.5;
    if $lo >= 255.0 {
        255
    } else {
        $lo as u8
    }
",
    "    let mut $sum = WEIGHTS[0] * f32::from(r);
    $sum += WEIGHTS[1] * f32::from(g);
    $sum += WEIGHTS[2] * f32::from(b);
    let $y = ($sum + 0.5).floor();
    $y as u8
",
];

/// How `grayscale` refuses a length that is not whole pixels…
const REFUSE: &[&str] = &[
    "    if pixels.len() % 4 != 0 {
        return Err(NotRgba { len: pixels.len() });
    }
",
    "    let $len = pixels.len();
    if $len % 4 > 0 {
        return Err(NotRgba { len: $len });
    }
",
    "    match pixels.len() % 4 {
        0 => {}
        _ => return Err(NotRgba { len: pixels.len() }),
    }
",
];

/// …and how it walks the pixels.
const WALK: &[&str] = &[
    "    for $px in pixels.chunks_exact_mut(4) {
        let $y = luma($px[0], $px[1], $px[2]);
        $px[..3].fill($y);
    }
    Ok(())
",
    "    let mut $i = 0;
    while $i < pixels.len() {
        let $y = luma(pixels[$i], pixels[$i + 1], pixels[$i + 2]);
        pixels[$i] = $y;
        pixels[$i + 1] = $y;
        pixels[$i + 2] = $y;
        $i += 4;
    }
    Ok(())
",
    "    for $i in (0..pixels.len()).step_by(4) {
        let $y = luma(pixels[$i], pixels[$i + 1], pixels[$i + 2]);
        for $x in &mut pixels[$i..$i + 3] {
            *$x = $y;
        }
    }
    Ok(())
",
    "    pixels.chunks_mut(4).for_each(|$px| {
        let $y = luma($px[0], $px[1], $px[2]);
        $px[0] = $y;
        $px[1] = $y;
        $px[2] = $y;
    });
    Ok(())
",
    "    for $px in pixels.chunks_exact_mut(4) {
        if let [$w0, $w1, $w2, _] = $px {
            let $y = luma(*$w0, *$w1, *$w2);
            *$w0 = $y;
            *$w1 = $y;
            *$w2 = $y;
        }
    }
    Result::Ok(())
",
];

const IN_PLACE: &[&str] = &[
    "    grayscale(&mut self.pixels).expect(\"a frame holds whole pixels\");
",
    "    let _ = grayscale(&mut self.pixels);
",
    "    if grayscale(self.pixels.as_mut_slice()).is_err() {
        unreachable!(\"a frame holds whole pixels\");
    }
",
    "    grayscale(&mut self.pixels[..]).unwrap()
",
];

/// A method's address of its buffer (`$field`: the stub's field).
const PTR: &[&str] = &[
    "    self.$field.as_ptr() as usize
",
    "    self.$field.as_ptr().addr()
",
    "    let $x = self.$field.as_ptr();
    $x as usize
",
];

const NORMALIZE: &[&str] = &[
    "    let $s = &mut self.samples[..len];
    let $lo = $s.iter().copied().fold(f64::INFINITY, f64::min);
    let $hi = $s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let $span = $hi - $lo;
    for $x in $s.iter_mut() {
        *$x = if $span == 0.0 { 0.0 } else { (*$x - $lo) / $span };
    }
",
    "    if len == 0 {
        return;
    }
    let mut $lo = self.samples[0];
    let mut $hi = $lo;
    for $i in 1..len {
        let $x = self.samples[$i];
        if $x < $lo {
            $lo = $x;
        }
        if $x > $hi {
            $hi = $x;
        }
    }
    let $span = $hi - $lo;
    for $i in 0..len {
        self.samples[$i] = if $span > 0.0 { (self.samples[$i] - $lo) / $span } else { 0.0 };
    }
",
    "    let ($lo, $hi) = self.samples[..len].iter().fold((f64::MAX, f64::MIN), |($w0, $w1), &$x| ($w0.min($x), $w1.max($x)));
    let $scale = if $hi > $lo { 1.0 / ($hi - $lo) } else { 0.0 };
    self.samples[..len].iter_mut().for_each(|$x| *$x = (*$x - $lo) * $scale);
",
    "    let mut $lo = f64::INFINITY;
    let mut $hi = f64::NEG_INFINITY;
    let mut $i = 0;
    while $i < len {
        $lo = $lo.min(self.samples[$i]);
        $hi = $hi.max(self.samples[$i]);
        $i += 1;
    }
    $i = 0;
    while $i < len {
        let $x = &mut self.samples[$i];
        *$x = if $hi == $lo { 0.0 } else { (*$x - $lo) / ($hi - $lo) };
        $i += 1;
    }
",
    "    let $s = &mut self.samples[..len];
    let Some(&$w0) = $s.first() else { return };
    let ($lo, $hi) = $s.iter().skip(1).fold(($w0, $w0), |($w1, $w2), &$x| {
        (if $x < $w1 { $x } else { $w1 }, if $x > $w2 { $x } else { $w2 })
    });
    match $hi - $lo {
        $span if $span > 0.0 => $s.iter_mut().for_each(|$x| *$x = (*$x - $lo) / $span),
        _ => $s.fill(0.0),
    }
",
];

/// The `$name`s the bodies and helpers use.
const PLACEHOLDERS: &[&str] = &[
    "w0", "w1", "w2", "sum", "ch", "i", "x", "y", "lo", "hi", "len", "px", "s", "span", "scale", "h0", "h1", "hp",
    "hv", "hk",
];

/// Names students give them…
const NAMES: &[&str] = &[
    "acc", "total", "value", "level", "gray", "pixel", "chunk", "idx", "j", "k", "low", "high", "min_v", "max_v",
    "range", "factor", "item", "sample", "v", "n", "count", "tmp", "step", "weight", "c", "channel", "data", "buf",
    "lum", "out", "res", "cur", "first", "last", "delta", "width_of", "mix_in", "fold_in", "checked", "spread",
];
/// …and the names the copy gives them instead.
const OTHER_NAMES: &[&str] = &[
    "alpha", "beta", "gamma", "delta_x", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
    "xi", "omicron", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "aleph",
];

/// One student's placeholders named, each name a different one of `pool`.
fn naming(rng: &mut Rng, pool: &[&str]) -> HashMap<String, String> {
    let mut pool = pool.to_vec();
    PLACEHOLDERS
        .iter()
        .map(|placeholder| (placeholder.to_string(), pool.swap_remove(rng.below(pool.len())).to_string()))
        .collect()
}

/// `template` with each `$name` replaced by the student's name for it.
fn named(template: &str, names: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let word: String = rest[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        out.push_str(names.get(&word).unwrap_or_else(|| panic!("no name for ${word}")));
        rest = &rest[at + 1 + word.len()..];
    }
    out + rest
}

/// A helper function of the student's own: a few statements drawn from a
/// small grammar, so no two students' helpers have the same shape.
fn helper(rng: &mut Rng, name: &str) -> String {
    let ty = rng.pick(&["u32", "u64", "usize"]);
    let mut body = String::new();
    for _ in 0..2 + rng.below(3) {
        body.push_str(&statement(rng));
    }
    format!("fn ${name}($hp: {ty}) -> {ty} {{\n    let mut $hv: {ty} = {};\n{body}    $hv\n}}\n", rng.below(100))
}

fn statement(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("    $hv = {};\n", expression(rng, 3)),
        1 => format!(
            "    for $hk in 0..{} {{\n        $hv = $hv.wrapping_add({});\n    }}\n",
            2 + rng.below(9),
            expression(rng, 2)
        ),
        2 => format!(
            "    if {} {} {} {{\n        $hv {}= {};\n    }}\n",
            expression(rng, 1),
            rng.pick(&["<", ">", "==", "!=", "<=", ">="]),
            expression(rng, 1),
            rng.pick(&["+", "-", "*", "^", "|", "&"]),
            1 + rng.below(9)
        ),
        _ => format!("    while $hv > {} {{\n        $hv {}= 2;\n    }}\n", 10 + rng.below(90), rng.pick(&["/", ">>"])),
    }
}

fn expression(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return match rng.below(3) {
            0 => "$hp".to_string(),
            1 => "$hv".to_string(),
            _ => (1 + rng.below(50)).to_string(),
        };
    }
    match rng.below(4) {
        0 | 1 => format!(
            "({} {} {})",
            expression(rng, depth - 1),
            rng.pick(&["+", "-", "*", "/", "%", "^", "|", "&", "<<", ">>"]),
            expression(rng, depth - 1)
        ),
        2 => format!("{}.rotate_left({})", expression(rng, depth - 1), 1 + rng.below(7)),
        _ => format!("{}.max({})", expression(rng, depth - 1), expression(rng, depth - 1)),
    }
}

/// What one student chose: a way of writing each function, and helpers.
struct Work {
    luma: usize,
    refuse: usize,
    walk: usize,
    in_place: usize,
    frame_ptr: usize,
    signal_ptr: usize,
    normalize: usize,
    helpers: Vec<String>,
}

impl Work {
    fn draw(rng: &mut Rng) -> Work {
        let helpers = (0..1 + rng.below(2)).map(|index| helper(rng, &format!("h{index}"))).collect();
        Work {
            luma: rng.below(LUMA.len()),
            refuse: rng.below(REFUSE.len()),
            walk: rng.below(WALK.len()),
            in_place: rng.below(IN_PLACE.len()),
            frame_ptr: rng.below(PTR.len()),
            signal_ptr: rng.below(PTR.len()),
            normalize: rng.below(NORMALIZE.len()),
            helpers,
        }
    }

    /// The two files, with the student's `names`; `moved`: the helpers at
    /// the top instead of the bottom, and `luma` after `grayscale`.
    fn files(&self, names: &HashMap<String, String>, moved: bool) -> [(&'static str, String); 2] {
        let root = common::course_root();
        let stub = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let method = |body: &str| indent(body, 4);
        let mut grayscale = stub(GRAYSCALE);
        grayscale = fill(&grayscale, "pub fn luma(r: u8, g: u8, b: u8) -> u8 {", LUMA[self.luma]);
        let refuse_and_walk = format!("{}{}", REFUSE[self.refuse], WALK[self.walk]);
        grayscale = fill(&grayscale, "pub fn grayscale(pixels: &mut [u8])", &refuse_and_walk);
        grayscale =
            fill(&grayscale, "pub fn ptr(&self) -> usize {", &method(PTR[self.frame_ptr]).replace("$field", "pixels"));
        grayscale = fill(&grayscale, "pub fn grayscale_in_place(&mut self) {", &method(IN_PLACE[self.in_place]));
        let mut signal = stub(SIGNAL);
        signal =
            fill(&signal, "pub fn ptr(&self) -> usize {", &method(PTR[self.signal_ptr]).replace("$field", "samples"));
        signal = fill(&signal, "pub fn normalize(&mut self, len: usize) {", &method(NORMALIZE[self.normalize]));
        let helpers = self.helpers.join("\n");
        if moved {
            grayscale = swap_items(&grayscale, "/// The gray level of one pixel", "/// Turns every RGBA pixel");
            grayscale = after_imports(&grayscale, &format!("// helpers first, as I like them\n{helpers}"));
        } else {
            grayscale = format!("{grayscale}\n{helpers}");
        }
        [(GRAYSCALE, named(&grayscale, names)), (SIGNAL, named(&signal, names))]
    }
}

fn indent(text: &str, spaces: usize) -> String {
    text.lines().map(|line| format!("{}{line}\n", " ".repeat(spaces))).collect()
}

/// `stub` with the body of the function declared on the line holding
/// `signature` replaced by `body`: the lines after it, through its `todo!`.
fn fill(stub: &str, signature: &str, body: &str) -> String {
    let at = stub.find(signature).unwrap_or_else(|| panic!("the stub has no `{signature}`: update the generator"));
    let start = at + stub[at..].find('\n').unwrap() + 1;
    let todo = start + stub[start..].find("todo!(").expect("a todo! in its body");
    let end = todo + stub[todo..].find('\n').unwrap() + 1;
    format!("{}{body}{}", &stub[..start], &stub[end..])
}

/// The items (paragraphs) starting `first` and `second` exchanged.
fn swap_items(text: &str, first: &str, second: &str) -> String {
    let mut items: Vec<&str> = text.split("\n\n").collect();
    let find = |start: &str| items.iter().position(|item| item.starts_with(start)).expect("the stub changed");
    let (a, b) = (find(first), find(second));
    items.swap(a, b);
    items.join("\n\n")
}

/// `code` inserted after the file's `use` lines.
fn after_imports(text: &str, code: &str) -> String {
    let last_use = text.rfind("\nuse ").expect("the stub has imports");
    let end = last_use + 1 + text[last_use + 1..].find('\n').unwrap() + 1;
    format!("{}\n{code}{}", &text[..end], &text[end..])
}

/// A student's folder: the course's manifest, and `files`.
fn submit(folder: &Path, name: &str, files: &[(&str, String)]) {
    let root = folder.join(name);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(common::course_root().join("course.toml"), root.join("course.toml")).unwrap();
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The class: [`STUDENTS`] students who wrote their own work but one, who
/// copied [`ORIGINAL`]'s; two who kept the stubs; one folder that is not
/// a course; a file that is not UTF-8 and one that is a link.
fn generate(folder: &Path) {
    let mut works = Vec::new();
    for index in 0..STUDENTS {
        let name = format!("student{index:02}");
        let mut rng = Rng(index as u64 + 1);
        let work = Work::draw(&mut rng);
        let names = naming(&mut rng, NAMES);
        if name != COPY {
            submit(folder, &name, &work.files(&names, false));
        }
        works.push((name, work));
    }
    let (_, original) = works.iter().find(|(name, _)| name == ORIGINAL).unwrap();
    let other_names = naming(&mut Rng(999), OTHER_NAMES);
    submit(folder, COPY, &original.files(&other_names, true));

    let stubs: Vec<(&str, String)> = [GRAYSCALE, SIGNAL]
        .iter()
        .map(|path| (*path, std::fs::read_to_string(common::course_root().join(path)).unwrap()))
        .collect();
    submit(folder, "kept-the-stubs-a", &stubs);
    submit(folder, "kept-the-stubs-b", &stubs);
    std::fs::create_dir_all(folder.join("stray")).unwrap();
    std::fs::write(folder.join("stray/notes.txt"), "my homework is in another castle\n").unwrap();
    let student = folder.join("student00");
    std::fs::write(student.join("exercises/07_grayscale/src/notes.rs"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    std::os::unix::fs::symlink(
        folder.join(ORIGINAL).join(SIGNAL),
        student.join("exercises/05_avoiding_copies/src/copied.rs"),
    )
    .unwrap();
}

#[test]
fn a_copy_with_new_names_and_moved_functions_ranks_above_every_independent_pair() {
    require(&[Need::Chromium, Need::Node]);
    let started = Instant::now();
    let folder = tempfile::tempdir().unwrap();
    generate(folder.path());
    let out = tempfile::tempdir().unwrap();
    let reference = common::course_root();
    let args = [
        "similarity",
        folder.path().to_str().unwrap(),
        "--reference",
        reference.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    let run = grader(&reference, &args);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    let courses = STUDENTS + 2;
    assert!(run.stdout.contains(&format!("Compared {courses} submissions")), "{}", run.stdout);

    let mut reader = csv::Reader::from_path(out.path().join("similarity.csv")).unwrap();
    let rows: Vec<(String, String, f64, usize)> = reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (row[0].to_string(), row[1].to_string(), row[2].parse().unwrap(), row[3].parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), courses * (courses - 1) / 2, "a row per pair of courses");
    let (a, b, copied, shared) = &rows[0];
    assert_eq!((a.as_str(), b.as_str()), (ORIGINAL, COPY), "the copy first: {:?}", &rows[..3]);
    let (_, _, independent, _) = &rows[1];
    eprintln!(
        "{courses} submissions: the copy {copied:.1} % ({shared} shared), the most similar independent pair \
         {independent:.1} % ({} and {})",
        rows[1].0, rows[1].1
    );
    assert!(*copied >= 90.0, "{:?}", rows[0]);
    assert!(copied > independent, "above every independent pair: {:?}", &rows[..3]);
    let kept = rows.iter().find(|(a, b, ..)| a == "kept-the-stubs-a" && b == "kept-the-stubs-b").unwrap();
    assert_eq!((kept.2, kept.3), (0.0, 0), "the stubs are no one's work");
    let independent_pairs = rows.iter().filter(|(a, ..)| a.starts_with("student")).count();
    assert!(independent_pairs > 200, "the ranking was tried on many independent pairs");

    let page = common::open_in_chromium("open_similarity.mjs", out.path(), "similarity.png");
    let shown: Vec<(String, String, f64)> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[0].as_str().unwrap().into(),
                row[1].as_str().unwrap().into(),
                row[2].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let ranked: Vec<(String, String, f64)> =
        rows.iter().take(shown.len()).map(|(a, b, s, _)| (a.clone(), b.clone(), *s)).collect();
    assert_eq!(shown, ranked, "the page ranks the pairs as the CSV does");
    assert!(shown.len() >= 50, "{} rows", shown.len());
    let top = &page["details"][0];
    assert_eq!((top["a"].as_str(), top["b"].as_str()), (Some(ORIGINAL), Some(COPY)), "{page:#}");
    assert!(top["fragments"].as_u64().unwrap() >= 3, "the copied code side by side: {top:#}");
    assert!(top["numbered_lines"].as_u64().unwrap() >= 20, "{top:#}");
    let not_compared = page["not_compared"].as_array().unwrap();
    let said = |student: &str, words: &str| {
        not_compared
            .iter()
            .any(|item| item.as_str().unwrap().contains(student) && item.as_str().unwrap().contains(words))
    };
    assert!(said("stray", "not a copy of the course"), "{not_compared:?}");
    assert!(said("student00", "notes.rs is not UTF-8"), "{not_compared:?}");
    assert!(said("student00", "copied.rs is a symbolic link"), "{not_compared:?}");
    assert!(page["policy"].as_str().unwrap().starts_with("default-src 'none'"), "{page:#}");
    assert_eq!(page["resources"], serde_json::json!([]), "the page fetched nothing: {page:#}");
    for request in page["server_requests"].as_array().unwrap() {
        assert!(request == "/similarity.html" || request == "/favicon.ico", "only the page itself: {page:#}");
    }
    eprintln!("the similarity test took {:.1} s", started.elapsed().as_secs_f64());
}
