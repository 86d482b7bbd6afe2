//! `grader similarity` (and `grader class --similarity`): how alike each
//! pair of students' submissions is — a lead for a person to read, never a
//! verdict, and never a grade: nothing here is read by grading, and the
//! submissions are only read.
//!
//! What is compared: each submission's editable files (the reference's
//! course.toml says which; a student's own manifest could say otherwise),
//! read as untrusted input — regular files only, never through a symbolic
//! link, at most [`MAX_FILE_BYTES`] each, UTF-8 only; what is not read is
//! listed with the reason. Less the code everyone started from: every
//! K-token run of the reference's own editable files, the shipped stubs, is
//! removed from every submission (all of the stubs' runs, not only the ones
//! winnowing keeps there, so stub code is excluded whatever surrounds it),
//! and two students who kept the stub share nothing.
//!
//! How: the winnowing of Schleimer, Wilkerson and Aiken ("Winnowing: local
//! algorithms for document fingerprinting", SIGMOD 2003), as MOSS does it.
//! A file becomes tokens — Rust through proc-macro2's lexer, and a file that
//! does not lex, or the JavaScript a student writes, through a plain
//! tokenizer of words, numbers, strings and punctuation. Every identifier is
//! one kind of token and every literal one of three (number, string,
//! character), so renaming a variable or changing a constant changes
//! nothing; keywords, punctuation and brackets, the shape of the code, are
//! kept; comments, doc comments included, are dropped. The tokens are cut
//! into items (functions, methods, consts…); each run of [`K`] tokens of an
//! item is hashed, and of each [`WINDOW`] consecutive hashes the smallest is
//! kept: a fingerprint, which remembers the lines it spans. Each item is
//! fingerprinted on its own, so its fingerprints are the same wherever it
//! sits and moving functions around changes nothing; two items that share a
//! run of `WINDOW + K - 1` tokens or more share a fingerprint, and runs
//! shorter than `K` never count, so the idioms everyone writes do not.
//!
//! The score of a pair is the fingerprints they share over the fingerprints
//! of the smaller submission. Over the smaller, because copying is often
//! partial: a student who copied one exercise from a classmate who did them
//! all, or copied everything and then wrote more, scores near 100 % instead
//! of being diluted by what only one of them wrote (over the union, as
//! Jaccard's index is, a copied exercise hides in a large submission). That
//! lets a small submission score high on little code, so the count of
//! shared fingerprints goes beside it: 100 % of 3 fingerprints is a line or
//! two.

use crate::discover::Course;
use crate::ownership::Ownership;
use crate::walk::{self, Entry};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Tokens per hashed run: long enough that the short idioms every student
/// writes (`let x = self.y.len();` is 9 tokens) are not a match, short
/// enough that a copied statement or two is.
pub const K: usize = 15;
/// Hashes per window: any run of `WINDOW + K - 1` = 24 tokens two files
/// share (two or three lines of code) is sure to give a fingerprint.
pub const WINDOW: usize = 10;
/// The most of one file that is read, far past what any exercise needs.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The most similar pairs whose matched fragments are shown.
pub const TOP_PAIRS: usize = 10;
/// The largest fragments shown for one pair.
const MAX_FRAGMENTS: usize = 12;
/// The most lines of one side of a fragment that are shown.
const MAX_EXCERPT_LINES: usize = 60;
/// Matched lines this close together are shown as one fragment.
const FRAGMENT_GAP: usize = 3;

/// Rust's keywords, kept as themselves: they are the code's shape.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// JavaScript's, for the pages students write.
const JAVASCRIPT_KEYWORDS: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "of",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "using",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// One file to compare: its path in the course, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A file that was not compared, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: String,
    pub why: String,
}

/// What was read of one submission's editable files.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub read: Vec<SourceFile>,
    pub skipped: Vec<Skipped>,
}

/// One student's submission: its files, or why it is not a course.
#[derive(Debug, Clone)]
pub struct Submission {
    pub name: String,
    pub files: Result<Files, String>,
}

/// The class compared: every student, and every pair, most similar first.
#[derive(Debug, Clone)]
pub struct SimilarityReport {
    pub students: Vec<StudentSummary>,
    pub pairs: Vec<Pair>,
}

#[derive(Debug, Clone)]
pub struct StudentSummary {
    pub name: String,
    /// Editable files compared.
    pub files: usize,
    /// Fingerprints once the stubs' are removed.
    pub fingerprints: usize,
    pub skipped: Vec<Skipped>,
    /// Why the submission was not compared at all (it is not a course).
    pub not_compared: Option<String>,
}

/// Two students, `a` before `b` by name.
#[derive(Debug, Clone)]
pub struct Pair {
    pub a: String,
    pub b: String,
    /// Shared fingerprints over the smaller submission's, in percent.
    pub similarity: f64,
    pub shared: usize,
    /// Which of a's files share fingerprints with which of b's, most first.
    pub files: Vec<FilePair>,
    /// The matched code side by side, largest first: for the
    /// [`TOP_PAIRS`] most similar pairs only.
    pub fragments: Vec<Fragment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FilePair {
    pub a: String,
    pub b: String,
    pub shared: usize,
}

/// Lines of a's and of b's that share fingerprints.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub shared: usize,
    pub a: Excerpt,
    pub b: Excerpt,
}

#[derive(Debug, Clone)]
pub struct Excerpt {
    pub file: String,
    /// The first line's number, from 1.
    pub first_line: usize,
    pub lines: Vec<String>,
    /// Whether lines past [`MAX_EXCERPT_LINES`] were left out.
    pub cut: bool,
}

/// Compares every pair of `submissions` (each a name and its course, or why
/// it has none) against the `reference` course's stubs.
pub fn compare_class(reference: &Course, submissions: &[(String, Result<PathBuf, String>)]) -> SimilarityReport {
    let stubs = read_editable(&reference.root, &reference.ownership).read;
    let submissions = submissions
        .iter()
        .map(|(name, course)| Submission {
            name: name.clone(),
            files: course.as_ref().map(|root| read_editable(root, &reference.ownership)).map_err(Clone::clone),
        })
        .collect();
    compare(&stubs, submissions)
}

/// The editable files of the course at `root`, which `ownership` names:
/// only regular files, walked and opened without following a link.
pub fn read_editable(root: &Path, ownership: &Ownership) -> Files {
    let mut files = Files::default();
    for (path, entry) in walk::files(root) {
        if !ownership.is_editable(&path) {
            continue;
        }
        let read = match entry {
            Entry::File => read_text(&root.join(&path)),
            Entry::Symlink => Err("is a symbolic link, which is never followed".to_string()),
            other => Err(other.unchecked().unwrap_or("cannot be read").to_string()),
        };
        match read {
            Ok(text) => files.read.push(SourceFile { path, text }),
            Err(why) => files.skipped.push(Skipped { path, why }),
        }
    }
    files
}

/// A file's text, or why it was not read: opened without following a
/// link (it may have become one since the walk) and without waiting (a
/// FIFO would block), only a regular file, no more than the cap, UTF-8.
fn read_text(file: &Path) -> Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(file)
        .map_err(|error| format!("cannot be read ({error})"))?;
    let metadata = opened.metadata().map_err(|error| format!("cannot be read ({error})"))?;
    if !metadata.is_file() {
        return Err("is not a regular file".to_string());
    }
    let too_large = || format!("is larger than {} MiB: not read", MAX_FILE_BYTES / (1024 * 1024));
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    opened.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|error| format!("cannot be read ({error})"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text: not compared".to_string())
}

/// Compares every pair of `submissions`, with every K-token run of
/// `stubs` removed from each: the pairs ranked, most similar first.
pub fn compare(stubs: &[SourceFile], submissions: Vec<Submission>) -> SimilarityReport {
    let stub_runs: HashSet<u64> = stubs.iter().flat_map(file_runs).collect();
    let mut students = Vec::new();
    let mut compared = Vec::new();
    for submission in submissions {
        match submission.files {
            Ok(files) => {
                let prints = fingerprints(&files.read, &stub_runs);
                students.push(StudentSummary {
                    name: submission.name.clone(),
                    files: files.read.len(),
                    fingerprints: prints.len(),
                    skipped: files.skipped,
                    not_compared: None,
                });
                compared.push(Compared { name: submission.name, files: files.read, prints });
            }
            Err(why) => students.push(StudentSummary {
                name: submission.name,
                files: 0,
                fingerprints: 0,
                skipped: Vec::new(),
                not_compared: Some(why),
            }),
        }
    }
    compared.sort_by(|a, b| a.name.cmp(&b.name));
    let mut pairs: Vec<(usize, usize, Pair)> = Vec::new();
    for (i, a) in compared.iter().enumerate() {
        for (j, b) in compared.iter().enumerate().skip(i + 1) {
            pairs.push((i, j, pair(a, b)));
        }
    }
    pairs.sort_by(|(_, _, x), (_, _, y)| rank(x, y));
    for (i, j, pair) in pairs.iter_mut().take(TOP_PAIRS).filter(|(_, _, pair)| pair.shared > 0) {
        pair.fragments = fragments(&compared[*i], &compared[*j]);
    }
    SimilarityReport { students, pairs: pairs.into_iter().map(|(_, _, pair)| pair).collect() }
}

/// Most similar first; then the most shared; then by name, so that the
/// order is the same from run to run.
fn rank(x: &Pair, y: &Pair) -> std::cmp::Ordering {
    y.similarity.total_cmp(&x.similarity).then(y.shared.cmp(&x.shared)).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
}

/// A submission fingerprinted: each fingerprint's hash, and where it first
/// occurs.
struct Compared {
    name: String,
    files: Vec<SourceFile>,
    prints: HashMap<u64, Place>,
}

/// Where a fingerprint is: a file (an index into its submission's files)
/// and the lines its tokens span.
#[derive(Debug, Clone, Copy)]
struct Place {
    file: usize,
    first_line: usize,
    last_line: usize,
}

fn pair(a: &Compared, b: &Compared) -> Pair {
    let (mut shared, mut files) = (0, BTreeMap::<(usize, usize), usize>::new());
    for (hash, in_a) in &a.prints {
        if let Some(in_b) = b.prints.get(hash) {
            shared += 1;
            *files.entry((in_a.file, in_b.file)).or_default() += 1;
        }
    }
    let smaller = a.prints.len().min(b.prints.len());
    let similarity = if smaller == 0 { 0.0 } else { 100.0 * shared as f64 / smaller as f64 };
    let mut files: Vec<FilePair> = files
        .into_iter()
        .map(|((in_a, in_b), shared)| FilePair { a: a.files[in_a].path.clone(), b: b.files[in_b].path.clone(), shared })
        .collect();
    files.sort_by(|x, y| y.shared.cmp(&x.shared).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    Pair { a: a.name.clone(), b: b.name.clone(), similarity, shared, files, fragments: Vec::new() }
}

/// The lines of `a` and `b` that share fingerprints, as fragments: shared
/// fingerprints in the same two files whose lines are close on both sides
/// are one fragment. The largest first.
fn fragments(a: &Compared, b: &Compared) -> Vec<Fragment> {
    let mut matches: Vec<(Place, Place)> =
        a.prints.iter().filter_map(|(hash, in_a)| Some((*in_a, *b.prints.get(hash)?))).collect();
    matches.sort_by_key(|(in_a, in_b)| (in_a.file, in_b.file, in_a.first_line, in_b.first_line));
    let mut runs: Vec<(Place, Place, usize)> = Vec::new();
    for (in_a, in_b) in matches {
        match runs.last_mut() {
            Some((run_a, run_b, count)) if joins(run_a, &in_a) && joins(run_b, &in_b) => {
                run_a.first_line = run_a.first_line.min(in_a.first_line);
                run_a.last_line = run_a.last_line.max(in_a.last_line);
                run_b.first_line = run_b.first_line.min(in_b.first_line);
                run_b.last_line = run_b.last_line.max(in_b.last_line);
                *count += 1;
            }
            _ => runs.push((in_a, in_b, 1)),
        }
    }
    runs.sort_by(|x, y| y.2.cmp(&x.2).then((x.0.file, x.0.first_line).cmp(&(y.0.file, y.0.first_line))));
    runs.into_iter()
        .take(MAX_FRAGMENTS)
        .map(|(in_a, in_b, shared)| Fragment { shared, a: excerpt(&a.files, in_a), b: excerpt(&b.files, in_b) })
        .collect()
}

/// Whether `place` continues `run`: the same file, and lines that overlap
/// it or come within [`FRAGMENT_GAP`] of it.
fn joins(run: &Place, place: &Place) -> bool {
    run.file == place.file
        && place.first_line <= run.last_line + FRAGMENT_GAP
        && place.last_line + FRAGMENT_GAP >= run.first_line
}

fn excerpt(files: &[SourceFile], place: Place) -> Excerpt {
    let file = &files[place.file];
    let wanted = place.last_line + 1 - place.first_line;
    let lines: Vec<String> =
        file.text.lines().skip(place.first_line - 1).take(wanted.min(MAX_EXCERPT_LINES)).map(String::from).collect();
    Excerpt { file: file.path.clone(), first_line: place.first_line, lines, cut: wanted > MAX_EXCERPT_LINES }
}

/// A submission's fingerprints, those of the stubs' runs left out: each
/// hash, and its first place.
fn fingerprints(files: &[SourceFile], stub_runs: &HashSet<u64>) -> HashMap<u64, Place> {
    let mut prints = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        let tokens = tokens(file);
        for item in items(&tokens) {
            let tokens = &tokens[item];
            let hashes = run_hashes(tokens);
            for at in winnow(&hashes) {
                if stub_runs.contains(&hashes[at]) {
                    continue;
                }
                let place = Place { file: index, first_line: tokens[at].line, last_line: tokens[at + K - 1].last_line };
                prints.entry(hashes[at]).or_insert(place);
            }
        }
    }
    prints
}

/// The hash of every run of [`K`] tokens of each item of `file`.
fn file_runs(file: &SourceFile) -> Vec<u64> {
    let tokens = tokens(file);
    items(&tokens).into_iter().flat_map(|item| run_hashes(&tokens[item])).collect()
}

/// The hash of every run of [`K`] tokens, in order.
fn run_hashes(tokens: &[Token]) -> Vec<u64> {
    tokens
        .windows(K)
        .map(|run| finish(run.iter().fold(FNV_OFFSET, |hash, token| mix(hash, token.kind.code()))))
        .collect()
}

/// Where a file's items are (functions, consts, structs, each method of an
/// impl or class): the token ranges hashed and winnowed each on its own, so
/// an item's fingerprints are the same wherever it sits in its file. An
/// item ends with a `}` or `;` at the level where items are: the file's
/// top, or inside the braces of an `impl`, `trait`, `mod`, `extern` block or
/// JavaScript `class` (braces opened by an item with none of these words, or
/// with `fn` or `function`, are a body, and only their end counts).
/// Unbalanced brackets, in text that does not lex, only make items longer.
fn items(tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    const CONTAINERS: &[&str] = &["impl", "trait", "mod", "extern", "class"];
    const FUNCTIONS: &[&str] = &["fn", "function"];
    let has =
        |item: &[Token], words: &[&str]| item.iter().any(|t| matches!(t.kind, Kind::Keyword(w) if words.contains(&w)));
    let mut items = Vec::new();
    let mut start = 0;
    // Each bracket open around here: whether it holds items.
    let mut open: Vec<bool> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        let among_items = open.last().is_none_or(|&holds| holds);
        let ends = match token.kind {
            Kind::Punct('{') => {
                let item = &tokens[start..at];
                let holds = among_items && has(item, CONTAINERS) && !has(item, FUNCTIONS);
                open.push(holds);
                holds
            }
            Kind::Punct('(' | '[') => {
                open.push(false);
                false
            }
            Kind::Punct(')' | ']') => {
                open.pop();
                false
            }
            Kind::Punct('}') => {
                open.pop();
                open.last().is_none_or(|&holds| holds)
            }
            Kind::Punct(';') => among_items,
            _ => false,
        };
        if ends {
            items.push(start..at + 1);
            start = at + 1;
        }
    }
    items.push(start..tokens.len());
    items
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn mix(hash: u64, value: u64) -> u64 {
    (hash ^ value).wrapping_mul(FNV_PRIME)
}

/// Spreads a hash over every bit (splitmix64's finalizer), so the smallest
/// of a window is as good as random: winnowing's choice then depends on the
/// run alone.
fn finish(mut hash: u64) -> u64 {
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The positions winnowing keeps: the smallest hash of each window of
/// [`WINDOW`] (robust winnowing: among equal smallest, the one the window
/// before kept while it is still inside, else the rightmost), each once.
/// A file shorter than a window still gets its smallest.
fn winnow(hashes: &[u64]) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    let width = WINDOW.min(hashes.len());
    if width == 0 {
        return kept;
    }
    for start in 0..=hashes.len() - width {
        let window = start..start + width;
        let smallest = *hashes[window.clone()].iter().min().expect("a window is never empty");
        let choice = match kept.last() {
            Some(&last) if last >= start && hashes[last] == smallest => last,
            _ => window.rev().find(|&at| hashes[at] == smallest).expect("the smallest is in the window"),
        };
        if kept.last() != Some(&choice) {
            kept.push(choice);
        }
    }
    kept
}

/// What a token is, as compared: names and values are not its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identifier,
    Keyword(&'static str),
    Number,
    Text,
    Character,
    /// Punctuation, brackets included.
    Punct(char),
}

impl Kind {
    /// A number for the hash, distinct for each kind, keyword and character.
    fn code(self) -> u64 {
        match self {
            Kind::Identifier => 1,
            Kind::Number => 2,
            Kind::Text => 3,
            Kind::Character => 4,
            Kind::Punct(c) => (1 << 32) | u64::from(c),
            Kind::Keyword(word) => (1 << 63) | word.bytes().fold(FNV_OFFSET, |hash, byte| mix(hash, byte.into())),
        }
    }
}

/// A token and the lines it spans (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    kind: Kind,
    line: usize,
    last_line: usize,
}

/// A file's tokens: Rust lexed as the compiler does, or — a file that does
/// not lex, and any other language — by the plain tokenizer.
fn tokens(file: &SourceFile) -> Vec<Token> {
    if file.path.ends_with(".rs") {
        rust_tokens(&file.text).unwrap_or_else(|| plain_tokens(&file.text, Language::Rust))
    } else {
        plain_tokens(&file.text, Language::JavaScript)
    }
}

/// Rust's tokens, or `None` when the text does not lex.
fn rust_tokens(text: &str) -> Option<Vec<Token>> {
    let tokens = TokenStream::from_str(text).ok().map(flatten);
    // The lexer keeps every text it read, for its spans' lines: read, they
    // are let go, or a class's files would all stay in memory.
    proc_macro2::extra::invalidate_current_thread_spans();
    tokens
}

/// One group being walked, and the closing bracket that follows its tokens.
struct Level {
    trees: Vec<TokenTree>,
    next: usize,
    close: Option<Token>,
}

/// The token trees in order, each bracket a token, doc comments left out;
/// walked with an explicit stack, so no nesting exhausts the grader's own.
fn flatten(stream: TokenStream) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stack = vec![Level { trees: stream.into_iter().collect(), next: 0, close: None }];
    while let Some(level) = stack.last_mut() {
        let rest = &level.trees[level.next.min(level.trees.len())..];
        let Some(tree) = rest.first().cloned() else {
            out.extend(stack.pop().and_then(|done| done.close));
            continue;
        };
        if let Some(comment) = doc_comment_len(rest) {
            level.next += comment;
            continue;
        }
        level.next += 1;
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let kind =
                    RUST_KEYWORDS.iter().find(|word| **word == name).copied().map_or(Kind::Identifier, Kind::Keyword);
                out.push(token(kind, ident.span()));
            }
            TokenTree::Punct(punct) => out.push(token(Kind::Punct(punct.as_char()), punct.span())),
            TokenTree::Literal(literal) => out.push(token(literal_kind(&literal.to_string()), literal.span())),
            TokenTree::Group(group) => {
                let brackets = match group.delimiter() {
                    Delimiter::Parenthesis => Some(('(', ')')),
                    Delimiter::Bracket => Some(('[', ']')),
                    Delimiter::Brace => Some(('{', '}')),
                    Delimiter::None => None,
                };
                out.extend(brackets.map(|(open, _)| token(Kind::Punct(open), group.span_open())));
                let close = brackets.map(|(_, close)| token(Kind::Punct(close), group.span_close()));
                stack.push(Level { trees: group.stream().into_iter().collect(), next: 0, close });
            }
        }
    }
    out
}

fn token(kind: Kind, span: Span) -> Token {
    Token { kind, line: span.start().line, last_line: span.end().line }
}

/// How many trees a doc comment at the start of `trees` is: the lexer
/// turns `/// text` into `#[doc = "text"]` and `//! text` into
/// `#![doc = "text"]`, and comments are not code.
fn doc_comment_len(trees: &[TokenTree]) -> Option<usize> {
    let is = |tree: Option<&TokenTree>, c: char| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let is_doc = |tree: Option<&TokenTree>| {
        let Some(TokenTree::Group(group)) = tree else { return false };
        let mut inside = group.stream().into_iter();
        group.delimiter() == Delimiter::Bracket
            && matches!(inside.next(), Some(TokenTree::Ident(name)) if name == "doc")
            && is(inside.next().as_ref(), '=')
    };
    if !is(trees.first(), '#') {
        return None;
    }
    if is_doc(trees.get(1)) {
        Some(2)
    } else if is(trees.get(1), '!') && is_doc(trees.get(2)) {
        Some(3)
    } else {
        None
    }
}

/// A literal's kind, from how it is written: `"…"`, `r#"…"#`, `b"…"`,
/// `c"…"` are strings, `'…'` and `b'…'` characters, the rest numbers.
fn literal_kind(text: &str) -> Kind {
    match text.trim_start_matches(['b', 'c', 'r']).chars().next() {
        Some('"' | '#') => Kind::Text,
        Some('\'') => Kind::Character,
        _ => Kind::Number,
    }
}

/// What the plain tokenizer reads a file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    /// `'` is a character or a lifetime's quote.
    Rust,
    /// `'` opens a string, as `"` and `` ` `` do.
    JavaScript,
}

impl Language {
    fn keywords(self) -> &'static [&'static str] {
        match self {
            Language::Rust => RUST_KEYWORDS,
            Language::JavaScript => JAVASCRIPT_KEYWORDS,
        }
    }
}

/// Words, numbers, strings and punctuation, comments left out: the tokens
/// of any text, with no error possible.
fn plain_tokens(text: &str, language: Language) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let at_text = |at: usize, wanted: &str| wanted.chars().enumerate().all(|(i, c)| chars.get(at + i) == Some(&c));
    let mut out = Vec::new();
    let (mut at, mut line) = (0, 1);
    while let Some(&c) = chars.get(at) {
        let first_line = line;
        let kind = if c.is_whitespace() {
            line += usize::from(c == '\n');
            at += 1;
            continue;
        } else if at_text(at, "//") {
            while chars.get(at).is_some_and(|&c| c != '\n') {
                at += 1;
            }
            continue;
        } else if at_text(at, "/*") {
            at += 2;
            while at < chars.len() && !at_text(at, "*/") {
                line += usize::from(chars[at] == '\n');
                at += 1;
            }
            at += 2;
            continue;
        } else if c == '"' || c == '`' || (c == '\'' && language == Language::JavaScript) {
            at += 1;
            while let Some(&inside) = chars.get(at) {
                at += 1;
                if inside == '\\' {
                    line += usize::from(chars.get(at) == Some(&'\n'));
                    at += 1;
                } else if inside == '\n' {
                    line += 1;
                } else if inside == c {
                    break;
                }
            }
            Kind::Text
        } else if c == '\'' && chars.get(at + 1) == Some(&'\\') {
            // An escaped character: to its quote, on its line.
            at += 2;
            while chars.get(at).is_some_and(|&c| c != '\'' && c != '\n') {
                at += 1;
            }
            at += 1;
            Kind::Character
        } else if c == '\'' && chars.get(at + 2) == Some(&'\'') {
            at += 3;
            Kind::Character
        } else if c.is_ascii_digit() {
            while chars.get(at).is_some_and(|&c| {
                c.is_alphanumeric() || c == '_' || (c == '.' && chars.get(at + 1).is_some_and(char::is_ascii_digit))
            }) {
                at += 1;
            }
            Kind::Number
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = at;
            while chars.get(at).is_some_and(|&c| c.is_alphanumeric() || c == '_' || c == '$') {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            language.keywords().iter().find(|k| **k == word).copied().map_or(Kind::Identifier, Kind::Keyword)
        } else {
            at += 1;
            Kind::Punct(c)
        };
        out.push(Token { kind, line: first_line, last_line: line });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile { path: path.into(), text: text.into() }
    }

    fn student(name: &str, files: &[(&str, &str)]) -> Submission {
        let read = files.iter().map(|(path, text)| file(path, text)).collect();
        Submission { name: name.into(), files: Ok(Files { read, skipped: Vec::new() }) }
    }

    /// The pair of `a` and `b` in `report`.
    fn pair_of<'a>(report: &'a SimilarityReport, a: &str, b: &str) -> &'a Pair {
        report.pairs.iter().find(|p| (p.a.as_str(), p.b.as_str()) == (a, b)).expect("the pair")
    }

    const LIB: &str = "exercises/07_grayscale/src/lib.rs";

    /// A stub: signatures, doc comments and `todo!()`s.
    const STUB: &str = r#"
//! Exercise 07 — the grayscale kernel.
use core::fmt;

/// The lesson's luminance weights.
pub const WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The gray level of one pixel.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let _ = (r, g, b);
    todo!("compute the gray level with the lesson's weights, rounded to nearest")
}

/// Turns every RGBA pixel of `pixels` gray in place; alpha is not touched.
pub fn grayscale(pixels: &mut [u8]) -> Result<(), usize> {
    let _ = pixels;
    todo!("turn every RGBA pixel gray in place, alpha untouched")
}
"#;

    /// A student's work on the stub.
    const ALICE: &str = r#"
//! Exercise 07 — the grayscale kernel.
use core::fmt;

/// The lesson's luminance weights.
pub const WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The gray level of one pixel.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let [wr, wg, wb] = WEIGHTS;
    let sum = wr * f32::from(r) + wg * f32::from(g) + wb * f32::from(b);
    (sum + 0.5) as u8
}

/// Turns every RGBA pixel of `pixels` gray in place; alpha is not touched.
pub fn grayscale(pixels: &mut [u8]) -> Result<(), usize> {
    if pixels.len() % 4 != 0 {
        return Err(pixels.len());
    }
    for pixel in pixels.chunks_exact_mut(4) {
        let gray = luma(pixel[0], pixel[1], pixel[2]);
        pixel[..3].fill(gray);
    }
    Ok(())
}

fn clamp_channel(value: f32) -> u8 {
    if value < 0.0 {
        0
    } else if value > 255.0 {
        255
    } else {
        value as u8
    }
}
"#;

    /// Alice's, its names changed, its functions in another order, its
    /// comments rewritten and its numbers changed.
    const MALLORY: &str = r#"
//! Exercise 07 — the grayscale kernel.
use core::fmt;

// my helper
fn bound(v: f32) -> u8 {
    if v < 0.5 {
        1
    } else if v > 254.0 {
        254
    } else {
        v as u8
    }
}

/// Turns every RGBA pixel of `pixels` gray in place; alpha is not touched.
pub fn grayscale(image: &mut [u8]) -> Result<(), usize> {
    if image.len() % 4 != 0 {
        return Err(image.len());
    }
    for px in image.chunks_exact_mut(4) {
        let level = luma(px[0], px[1], px[2]);
        px[..3].fill(level);
    }
    Ok(())
}

/// The lesson's luminance weights.
pub const WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The gray level of one pixel, which I computed.
pub fn luma(red: u8, green: u8, blue: u8) -> u8 {
    let [a, b, c] = WEIGHTS;
    let total = a * f32::from(red) + b * f32::from(green) + c * f32::from(blue);
    (total + 0.5) as u8
}
"#;

    /// Written another way: indexes and an accumulator, a while loop.
    const BOB: &str = r#"
//! Exercise 07 — the grayscale kernel.
use core::fmt;

/// The lesson's luminance weights.
pub const WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The gray level of one pixel.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let channels = [r, g, b];
    let mut acc = 0.0f32;
    for i in 0..3 {
        acc += WEIGHTS[i] * channels[i] as f32;
    }
    acc.round() as u8
}

/// Turns every RGBA pixel of `pixels` gray in place; alpha is not touched.
pub fn grayscale(pixels: &mut [u8]) -> Result<(), usize> {
    match pixels.len() % 4 {
        0 => {}
        _ => return Err(pixels.len()),
    }
    let mut i = 0;
    while i < pixels.len() {
        let y = luma(pixels[i], pixels[i + 1], pixels[i + 2]);
        pixels[i] = y;
        pixels[i + 1] = y;
        pixels[i + 2] = y;
        i += 4;
    }
    Ok(())
}
"#;

    fn class(students: Vec<Submission>) -> SimilarityReport {
        compare(&[file(LIB, STUB)], students)
    }

    #[test]
    fn renamed_identifiers_and_reordered_functions_are_still_a_copy() {
        let report = class(vec![student("alice", &[(LIB, ALICE)]), student("mallory", &[(LIB, MALLORY)])]);
        let pair = pair_of(&report, "alice", "mallory");
        assert!(pair.similarity > 90.0, "{pair:#?}");
        assert!(pair.shared >= 5, "{pair:#?}");
        assert_eq!(pair.files, [FilePair { a: LIB.into(), b: LIB.into(), shared: pair.shared }]);
    }

    #[test]
    fn a_program_written_another_way_is_not() {
        let report = class(vec![student("alice", &[(LIB, ALICE)]), student("bob", &[(LIB, BOB)])]);
        let pair = pair_of(&report, "alice", "bob");
        assert!(pair.similarity < 20.0, "{pair:#?}");
    }

    #[test]
    fn the_stub_everyone_kept_is_not_a_match() {
        let report = class(vec![student("carol", &[(LIB, STUB)]), student("dan", &[(LIB, STUB)])]);
        let pair = pair_of(&report, "carol", "dan");
        assert_eq!((pair.similarity, pair.shared), (0.0, 0), "{pair:#?}");
        assert!(report.students.iter().all(|s| s.fingerprints == 0), "{:#?}", report.students);
        // Without the stub to exclude, the same two are one copy.
        let unexcluded = compare(&[], vec![student("carol", &[(LIB, STUB)]), student("dan", &[(LIB, STUB)])]);
        assert_eq!(unexcluded.pairs[0].similarity, 100.0);
    }

    #[test]
    fn the_most_similar_pair_comes_first_with_its_fragments() {
        let report = class(vec![
            student("bob", &[(LIB, BOB)]),
            student("alice", &[(LIB, ALICE)]),
            student("carol", &[(LIB, STUB)]),
            student("mallory", &[(LIB, MALLORY)]),
        ]);
        let order: Vec<(&str, &str)> = report.pairs.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
        assert_eq!(order.len(), 6, "every pair once");
        assert_eq!(order[0], ("alice", "mallory"));
        assert!(report.pairs.windows(2).all(|w| rank(&w[0], &w[1]).is_le()), "ranked");
        let top = &report.pairs[0];
        assert!(!top.fragments.is_empty());
        // The helper, at the end of alice's file and the start of mallory's.
        let helper = top.fragments.iter().find(|f| f.a.lines.iter().any(|l| l.contains("clamp_channel"))).unwrap();
        assert!(helper.b.lines.iter().any(|l| l.contains("fn bound")), "{helper:#?}");
        let numbered = ALICE.lines().nth(helper.a.first_line - 1).unwrap();
        assert_eq!(numbered, helper.a.lines[0], "line numbers count from 1");
        // Pairs that share nothing have no fragments.
        assert!(report.pairs.iter().filter(|p| p.shared == 0).all(|p| p.fragments.is_empty()));
    }

    #[test]
    fn a_student_with_no_course_is_listed_not_paired() {
        let mut students = vec![student("alice", &[(LIB, ALICE)]), student("bob", &[(LIB, BOB)])];
        students.push(Submission { name: "erin".into(), files: Err("holds no course.toml".into()) });
        let report = class(students);
        assert_eq!(report.pairs.len(), 1);
        let erin = report.students.iter().find(|s| s.name == "erin").unwrap();
        assert_eq!(erin.not_compared.as_deref(), Some("holds no course.toml"));
    }

    #[test]
    fn text_that_does_not_lex_is_still_compared() {
        let broken = format!("{ALICE}\nfn unfinished( {{ \"never closed\n");
        assert!(rust_tokens(&broken).is_none(), "the lexer refuses it");
        let report = class(vec![student("alice", &[(LIB, ALICE)]), student("frank", &[(LIB, &broken)])]);
        let pair = pair_of(&report, "alice", "frank");
        assert!(pair.similarity > 50.0, "the plain tokenizer still sees the copy: {pair:#?}");
        for nonsense in ["", "'", "\"", "/*", "'\\", "r#\"", "0.", "}}}", "\u{feff}é ' x '\u{0}"] {
            let _ = tokens(&file(LIB, nonsense));
            let _ = plain_tokens(nonsense, Language::JavaScript);
        }
        let deep = "(".repeat(100_000);
        assert!(rust_tokens(&deep).is_none());
        let nested = format!("{}{}", "(".repeat(50_000), ")".repeat(50_000));
        assert_eq!(rust_tokens(&nested).unwrap().len(), 100_000, "no stack is exhausted");
    }

    #[test]
    fn the_two_tokenizers_agree_on_rust_that_lexes() {
        let kinds = |tokens: Vec<Token>| tokens.into_iter().map(|t| (t.kind, t.line)).collect::<Vec<_>>();
        let body = &ALICE[ALICE.find("pub fn luma").unwrap()..];
        assert_eq!(kinds(rust_tokens(body).unwrap()), kinds(plain_tokens(body, Language::Rust)));
        let rust = rust_tokens("let s = r#\"x\"#; let c = b'x'; let n = 0x1f_u8; let f = 1.5e3; 'a: loop {}").unwrap();
        let kinds: Vec<Kind> = rust.iter().map(|t| t.kind).filter(|k| !matches!(k, Kind::Punct(_))).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            [
                Keyword("let"),
                Identifier,
                Text,
                Keyword("let"),
                Identifier,
                Character,
                Keyword("let"),
                Identifier,
                Number,
                Keyword("let"),
                Identifier,
                Number,
                Identifier,
                Keyword("loop")
            ]
        );
    }

    #[test]
    fn javascript_is_compared_by_the_plain_tokenizer() {
        let page = "// mine\nexport function run(lib, images) {\n  for (const image of images) {\n    \
                    const ptr = lib.alloc(image.length);\n    new Uint8Array(lib.memory.buffer, ptr, image.length).set(image);\n    \
                    lib.free(ptr, image.length);\n  }\n  return 'done';\n}\n";
        let renamed = page.replace("image", "picture").replace("ptr", "at").replace("'done'", "`finished`");
        let report = compare(&[], vec![student("a", &[("p/page.js", page)]), student("b", &[("p/page.js", &renamed)])]);
        assert_eq!(report.pairs[0].similarity, 100.0, "{:#?}", report.pairs[0]);
        let tokens = plain_tokens(page, Language::JavaScript);
        assert_eq!(tokens[0], Token { kind: Kind::Keyword("export"), line: 2, last_line: 2 });
    }

    #[test]
    fn winnowing_keeps_a_fingerprint_in_every_window() {
        let hashes: Vec<u64> = (0..100u64).map(|i| finish(i * 7919)).collect();
        let kept = winnow(&hashes);
        for start in 0..=hashes.len() - WINDOW {
            assert!(kept.iter().any(|&at| (start..start + WINDOW).contains(&at)), "window at {start}");
        }
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "in order, each once");
        assert_eq!(winnow(&[5, 3, 9]), [1], "shorter than a window: its smallest");
        assert_eq!(winnow(&[]), Vec::<usize>::new());
        assert_eq!(winnow(&[4; 30]), [9, 19, 29], "equal hashes: one kept for as long as it is in the window");
    }

    #[test]
    fn files_are_read_only_when_regular_small_and_utf8() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let at = |path: &str| dir.path().join(path);
        std::fs::write(at("ok.rs"), "fn main() {}\n").unwrap();
        std::fs::write(at("binary.rs"), [0xff, 0xfe, 0x00]).unwrap();
        std::fs::write(at("large.rs"), vec![b' '; MAX_FILE_BYTES as usize + 1]).unwrap();
        symlink(at("ok.rs"), at("link.rs")).unwrap();
        assert_eq!(read_text(&at("ok.rs")).unwrap(), "fn main() {}\n");
        assert!(read_text(&at("binary.rs")).unwrap_err().contains("not UTF-8"));
        assert!(read_text(&at("large.rs")).unwrap_err().contains("larger than 1 MiB"));
        assert!(read_text(&at("link.rs")).is_err(), "a link is not followed");
        let fifo = std::ffi::CString::new(at("fifo.rs").to_str().unwrap()).unwrap();
        // SAFETY: a path that lives across the call.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(read_text(&at("fifo.rs")).unwrap_err(), "is not a regular file", "and no wait for a writer");
    }
}
