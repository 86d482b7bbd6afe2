//! Hostile submissions, graded as classroom CI grades them (`grade
//! --reference` against the instructor's copy). Each attack must score
//! exactly what the untouched stub of its exercise scores; an attack on the
//! rules for editable files also fails its exercise with a finding that
//! names the file. The untouched course is graded first, in the same run of
//! the test, as the measure.

mod common;

use common::{grade_against, grader, grader_with, require, Need, TempCourse};
use grader::discover::declared_test_names;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const EXERCISES: [(&str, &str); 5] = [
    ("typed_views", "01_typed_views"),
    ("batching", "04_batching"),
    ("avoiding_copies", "05_avoiding_copies"),
    ("struct_packing", "06_struct_packing"),
    ("grayscale", "07_grayscale"),
];

fn reference() -> TempCourse {
    let mut reference = TempCourse::new();
    for (_, dir) in EXERCISES {
        reference = reference.with_course_exercise(dir);
    }
    reference.manifest(&EXERCISES)
}

/// What a grading run gave each exercise: its points, its error kind, and
/// each test's status.
#[derive(Debug, PartialEq)]
struct Graded {
    points: f64,
    error: Option<String>,
    tests: Vec<(String, String)>,
}

fn grade(submission: &Path, reference: &Path, runner: &str) -> (BTreeMap<String, Graded>, Value) {
    let json = grade_against(submission, reference, runner, |_| {});
    let mut graded = BTreeMap::new();
    for exercise in json["exercises"].as_array().unwrap() {
        let name = exercise["name"].as_str().unwrap().to_string();
        let tests = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| {
                let test = t["name"].as_str()?.strip_prefix(&format!("{name}: "))?;
                Some((test.to_string(), t["status"].as_str()?.to_string()))
            })
            .collect();
        let error = exercise["error"]["kind"].as_str().map(str::to_string);
        graded.insert(name, Graded { points: exercise["points"].as_f64().unwrap(), error, tests });
    }
    (graded, json)
}

/// Text shaped like the runner's whole report: every declared test passing
/// (one of them twice), a test no file declares, summaries and the section
/// headers the parser reads.
fn forged_report(test_file: &str) -> String {
    let names = declared_test_names(&std::fs::read_to_string(test_file).unwrap());
    let mut text = format!(
        "\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 filtered out\n\nrunning {} tests\n",
        names.len() + 1
    );
    for name in &names {
        text.push_str(&format!("test {name} ... ok\n"));
    }
    text.push_str(&format!("test {} ... ok\ntest invented_for_points ... ok\n", names[0]));
    text.push_str(&format!(
        "\nfailures:\n\n---- {} output ----\n    log output:\n\ntest result: ok. {} passed; 0 failed; 0 ignored; 0 filtered out\n",
        names[0],
        names.len() + 2
    ));
    text
}

/// Replaces every `todo!(...)` of a stub with `replacement`.
fn replace_todos(source: &str, replacement: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(at) = rest.find("todo!(") {
        out.push_str(&rest[..at]);
        let close = rest[at..].find(')').unwrap();
        out.push_str(replacement);
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Forged report lines through every channel a test's output reaches the
/// runner by: console.log, console.error, console.warn (exercise 04 may
/// declare imports), and panic messages (the stubs' own `todo!`s).
fn forging_submission(reference: &TempCourse) -> TempCourse {
    let submission = TempCourse::copy_of(reference.path());
    let forged = forged_report(&reference.path().join("exercises/04_batching/tests/batching.rs").to_string_lossy());
    let batching = submission.read("exercises/04_batching/src/lib.rs");
    // The shipped page calls process_item once per item and never reaches
    // the todo!()s: forge at the first item of every batch too.
    let batching = replace_todos(&batching, "{ forge(); todo!() }").replacen(
        "pub fn process_item(index: usize, x: f64) {",
        "pub fn process_item(index: usize, x: f64) {\n    if index == 0 {\n        forge();\n    }",
        1,
    ) + &format!(
        "\n#[wasm_bindgen]\nextern \"C\" {{\n    #[wasm_bindgen(js_namespace = console)]\n    fn log(s: &str);\n    \
             #[wasm_bindgen(js_namespace = console, js_name = error)]\n    fn console_error(s: &str);\n    \
             #[wasm_bindgen(js_namespace = console)]\n    fn warn(s: &str);\n}}\n\nconst FORGED: &str = {forged:?};\n\n\
             fn forge() {{\n    log(FORGED);\n    console_error(FORGED);\n    warn(FORGED);\n}}\n"
    );
    submission.write("exercises/04_batching/src/lib.rs", &batching);

    let forged =
        forged_report(&reference.path().join("exercises/01_typed_views/tests/typed_views.rs").to_string_lossy());
    let typed_views = replace_todos(&submission.read("exercises/01_typed_views/src/lib.rs"), "panic!(\"{}\", FORGED)")
        + &format!("\nconst FORGED: &str = {forged:?};\n");
    submission.write("exercises/01_typed_views/src/lib.rs", &typed_views);
    submission
}

/// One way per exercise of reaching past the editable files.
fn reaching_submission(reference: &TempCourse) -> TempCourse {
    let submission = TempCourse::copy_of(reference.path());
    let solution = |dir: &str| reference.path().join("solutions").join(dir).join("src/lib.rs");
    submission.write(
        "exercises/01_typed_views/src/lib.rs",
        "#[path = \"../../../solutions/01_typed_views/src/lib.rs\"]\nmod real;\npub use real::*;\n",
    );
    let batching = submission.read("exercises/04_batching/src/lib.rs")
        + "\nuse core::include_bytes as bytes;\npub static SOLUTION: &[u8] = bytes!(\"../../../solutions/04_batching/src/lib.rs\");\n";
    submission.write("exercises/04_batching/src/lib.rs", &batching);
    submission.write(
        "exercises/05_avoiding_copies/src/lib.rs",
        &format!("std::include!({:?});\n", solution("05_avoiding_copies").to_str().unwrap()),
    );
    let lib = submission.path().join("exercises/06_struct_packing/src/lib.rs");
    std::fs::remove_file(&lib).unwrap();
    std::os::unix::fs::symlink("../../../solutions/06_struct_packing/src/lib.rs", &lib).unwrap();
    let grayscale = submission.read("exercises/07_grayscale/src/lib.rs")
        + "\n#[wasm_bindgen::prelude::wasm_bindgen(inline_js = \"export function f() { return 1; }\")]\nextern \"C\" {\n    fn f() -> u32;\n}\n";
    submission.write("exercises/07_grayscale/src/lib.rs", &grayscale);
    submission
}

#[test]
fn forged_runner_output_scores_what_the_stub_scores_in_every_engine() {
    require(&[Need::Chromium, Need::Firefox, Need::Node]);
    let reference = reference();
    let untouched = TempCourse::copy_of(reference.path());
    let forging = forging_submission(&reference);
    for runner in ["chrome", "firefox", "node"] {
        let (stub, _) = grade(untouched.path(), reference.path(), runner);
        let (forged, json) = grade(forging.path(), reference.path(), runner);
        assert_eq!(forged["typed_views"], stub["typed_views"], "{runner}: typed_views forged its report:\n{json:#}");
        // 04's console bindings are imports its stub does not make: the
        // crate is refused from its built module and graded as shipped.
        assert_eq!(forged["batching"].points, stub["batching"].points, "{runner}: batching:\n{json:#}");
        assert_eq!(forged["batching"].tests, stub["batching"].tests, "{runner}: batching:\n{json:#}");
        assert_eq!(forged["batching"].error.as_deref(), Some("integrity"), "{runner}: batching:\n{json:#}");
        let findings = json["findings"].as_array().unwrap();
        assert!(
            findings.iter().all(|f| f["path"] == "exercises/04_batching/src/lib.rs"),
            "{runner}: only 04's console imports are a finding:\n{json:#}"
        );
        let printed = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["message"].as_str())
            .any(|message| message.contains("test arena_ptr_is_its_address_in_linear_memory ... ok"));
        assert!(printed, "{runner}: the forged panic message is kept, as the message:\n{json:#}");
    }
}

#[test]
fn reaching_past_the_editable_files_scores_what_the_stub_scores_and_is_named() {
    require(&[Need::Chromium]);
    let reference = reference();
    let untouched = TempCourse::copy_of(reference.path());
    let reaching = reaching_submission(&reference);
    let (stub, _) = grade(untouched.path(), reference.path(), "chrome");
    let (graded, json) = grade(reaching.path(), reference.path(), "chrome");
    let findings = json["findings"].as_array().unwrap();
    for (name, dir) in EXERCISES {
        let file = format!("exercises/{dir}/src/lib.rs");
        assert_eq!(graded[name].points, stub[name].points, "{name} scored more than its stub:\n{json:#}");
        assert_eq!(graded[name].error.as_deref(), Some("integrity"), "{name} fails, with the reason:\n{json:#}");
        let finding = findings.iter().find(|f| f["path"] == file.as_str());
        assert!(finding.is_some_and(|f| f["change"] == "forbidden"), "{file} is not named:\n{json:#}");
    }
    let message = |dir: &str| {
        let path = format!("exercises/{dir}/src/lib.rs");
        findings.iter().find(|f| f["path"] == path.as_str()).unwrap()["message"].as_str().unwrap().to_string()
    };
    assert!(message("01_typed_views").contains("`path = ...`"), "{}", message("01_typed_views"));
    assert!(message("04_batching").contains("include_bytes"), "{}", message("04_batching"));
    assert!(message("05_avoiding_copies").contains("include"), "{}", message("05_avoiding_copies"));
    assert!(message("06_struct_packing").contains("symbolic link"), "{}", message("06_struct_packing"));
    assert!(message("07_grayscale").contains("inline_js"), "{}", message("07_grayscale"));
}

/// A spelling the source scan does not know (an attribute built by a macro)
/// is caught by what the compiler itself says it read, in a course graded
/// where it is: nothing is awarded.
#[test]
fn what_the_compiler_read_outside_the_editable_files_is_caught() {
    require(&[Need::Chromium]);
    let course = reference();
    course.write(
        "exercises/01_typed_views/src/lib.rs",
        "macro_rules! load {\n    ($attribute:ident, $file:literal) => {\n        #[$attribute = $file]\n        mod real;\n    };\n}\n\
         load!(path, \"../../../solutions/01_typed_views/src/lib.rs\");\npub use real::*;\n",
    );
    let run = grader(course.path(), &["run", "typed_views"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the compiler read solutions/01_typed_views/src/lib.rs"),
        "the file read is named:\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("0/9") || run.stdout.contains("not trusted"), "{}", run.stdout);
}

/// JavaScript that rewrites the page's `#output` element, which the test
/// runner reads its results from: every FAIL becomes ok.
const REWRITE_OUTPUT: &str = "const o = document.getElementById('output'); \
     new MutationObserver(() => { if (o.textContent.includes('FAIL')) o.textContent = \
     o.textContent.replaceAll('FAIL', 'ok').replace(/\\d+ failed/, '0 failed'); }) \
     .observe(o, { childList: true, subtree: true, characterData: true });";

/// Three ways of reaching JavaScript from Rust that no list of words
/// names: an `extern` block a macro writes, with `eval` as a string; the
/// Function constructor through js-sys reflection with its type inferred;
/// an inline snippet through a macro. The built module imports them, so
/// each is refused from what the compiler made, and its crate is graded
/// as shipped.
fn reaching_javascript_submission(reference: &TempCourse) -> TempCourse {
    let submission = TempCourse::copy_of(reference.path());
    let payload = format!("{REWRITE_OUTPUT:?}");
    // 07: `extern` arrives as a token, `eval` as a string.
    let grayscale = submission.read("exercises/07_grayscale/src/lib.rs").replacen(
        "use wasm_bindgen::prelude::*;",
        &format!(
            "use wasm_bindgen::prelude::*;\n\
             macro_rules! host {{ ($kw:tt $_c:tt) => {{ #[wasm_bindgen] $kw \"C\" {{ \
             #[wasm_bindgen(js_name = \"eval\")] fn run(s: &str) -> JsValue; }} }} }}\n\
             host!(extern crate);\nfn payload() {{ run({payload}); }}\n"
        ),
        1,
    );
    let grayscale = replace_todos(&grayscale, "{ payload(); todo!() }");
    submission.write("exercises/07_grayscale/src/lib.rs", &grayscale);
    // 01: Object's constructor is Object; its constructor is Function.
    let typed_views = replace_todos(
        &submission.read("exercises/01_typed_views/src/lib.rs"),
        &format!(
            "{{ fn like<T: wasm_bindgen::JsCast>(_: &T, value: JsValue) -> T {{ value.unchecked_into() }} \
             let make = js_sys::Object::new().constructor().constructor(); \
             if let Ok(made) = make.call1(&JsValue::NULL, &JsValue::from_str({payload})) {{ \
             let _ = like(&make, made).call0(&JsValue::NULL); }} todo!() }}"
        ),
    );
    submission.write("exercises/01_typed_views/src/lib.rs", &typed_views);
    // 06: a snippet whose attribute a macro writes.
    let struct_packing = submission.read("exercises/06_struct_packing/src/lib.rs")
        + &format!(
            "\nmacro_rules! snippet {{ ($key:ident) => {{ #[wasm_bindgen::prelude::wasm_bindgen($key = {:?})] \
             extern \"C\" {{ fn rewrite(); }} }} }}\nsnippet!(inline_js);\n#[wasm_bindgen::prelude::wasm_bindgen]\n\
             pub fn touch() {{ rewrite(); }}\n",
            format!("export function rewrite() {{ {REWRITE_OUTPUT} }}")
        );
    submission.write("exercises/06_struct_packing/src/lib.rs", &struct_packing);
    submission
}

/// In Chromium every case is graded; in Node, the exercises that allow it
/// (01 and 06: 07 needs a browser), where a reached `eval` would run with
/// Node's powers instead of the page's.
#[test]
fn javascript_reached_from_rust_is_refused_from_the_built_module() {
    require(&[Need::Chromium, Need::Node]);
    let reference = reference();
    let untouched = TempCourse::copy_of(reference.path());
    let reaching = reaching_javascript_submission(&reference);
    let cases = [
        ("typed_views", "01_typed_views", "`constructor`"),
        ("struct_packing", "06_struct_packing", "`rewrite`"),
        ("grayscale", "07_grayscale", "`eval`"),
    ];
    for (runner, graded_here) in [("chrome", &cases[..]), ("node", &cases[..2])] {
        let (stub, _) = grade(untouched.path(), reference.path(), runner);
        let (graded, json) = grade(reaching.path(), reference.path(), runner);
        let findings = json["findings"].as_array().unwrap();
        for (name, dir, reached) in graded_here {
            assert_eq!(
                graded[*name].points, stub[*name].points,
                "{runner}: {name} scored other than its stub:\n{json:#}"
            );
            assert_eq!(graded[*name].tests, stub[*name].tests, "{runner}: {name} is graded as shipped:\n{json:#}");
            assert_eq!(
                graded[*name].error.as_deref(),
                Some("integrity"),
                "{runner}: {name} fails, with the reason:\n{json:#}"
            );
            let file = format!("exercises/{dir}/src/lib.rs");
            let finding = findings.iter().find(|f| f["path"] == file.as_str() && f["change"] == "forbidden");
            let message = finding.and_then(|f| f["message"].as_str()).unwrap_or_default();
            assert!(
                message.contains(reached) || message.contains("inline_js"),
                "{runner}: {file}: {message}\n{json:#}"
            );
        }
        for untouched in ["batching", "avoiding_copies"] {
            assert_eq!(graded[untouched], stub[untouched], "{runner}: {untouched} is graded as it is:\n{json:#}");
        }
    }
}

/// Input the checks cannot read is a finding, never silence: a first line
/// rustc skips (`#!`) ahead of an inclusion whose text a compile error
/// would show, brackets nested past any stack, and a file name with a
/// newline (which cuts the compiler's list of what it read short) beside a
/// `path` attribute built by a macro. No output format shows the solution.
#[test]
fn input_the_checks_cannot_read_scores_what_the_stub_scores_and_is_named() {
    require(&[Need::Chromium, Need::Node]);
    let exercises = [
        ("typed_views", "01_typed_views"),
        ("avoiding_copies", "05_avoiding_copies"),
        ("struct_packing", "06_struct_packing"),
    ];
    let mut reference = TempCourse::new();
    for (_, dir) in exercises {
        reference = reference.with_course_exercise(dir);
    }
    let reference = reference.manifest(&exercises);
    let solution = reference.path().join("solutions/01_typed_views/src/lib.rs");
    let submission = TempCourse::copy_of(reference.path());
    submission.write(
        "exercises/01_typed_views/src/lib.rs",
        &format!("#!/bin/true (\nconst _: () = panic!(\"{{}}\", include_str!({solution:?}));\n"),
    );
    submission.write(
        "exercises/05_avoiding_copies/src/deep.rs",
        &format!("const X: () = {}{};\n", "(".repeat(100_000), ")".repeat(100_000)),
    );
    submission.write("exercises/06_struct_packing/src/a\nb.rs", "pub const A: u8 = 1;\n");
    submission.write(
        "exercises/06_struct_packing/src/lib.rs",
        &format!(
            "macro_rules! modules {{\n    ($a:ident) => {{\n        #[$a = {solution:?}]\n        mod sol;\n        \
             pub use sol::*;\n    }};\n}}\nmodules!(path);\n"
        ),
    );
    // Every crate here allows Node.js too.
    let untouched = TempCourse::copy_of(reference.path());
    for runner in ["chrome", "node"] {
        let (stub, _) = grade(untouched.path(), reference.path(), runner);

        let out = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let file = |name: &str| out.path().join(name).to_str().unwrap().to_string();
        let formats = [
            ("json", "results.json"),
            ("junit", "junit.xml"),
            ("gradescope", "gradescope.json"),
            ("classroom", "classroom.json"),
            ("human", "human.txt"),
        ];
        let outputs = formats.map(|(format, name)| format!("{format}={}", file(name)));
        let mut args = vec!["--runner", runner, "grade", "--reference", reference.path().to_str().unwrap()];
        args.extend(["--work-dir", work.path().to_str().unwrap(), "--no-cache"]);
        for output in &outputs {
            args.extend(["--output", output.as_str()]);
        }
        let run = grader_with(submission.path(), &args, |command| {
            command.env_remove("GITHUB_ACTIONS").stdin(std::process::Stdio::null());
        });
        assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());
        let text = std::fs::read_to_string(file("results.json"))
            .unwrap_or_else(|_| panic!("no results written:\n{}\n{}", run.stdout, run.stderr));
        let json: Value = serde_json::from_str(&text).unwrap();

        let findings = json["findings"].as_array().unwrap();
        for ((name, _), (path, what)) in exercises.iter().zip([
            ("exercises/01_typed_views/src/lib.rs", "`#!` line"),
            ("exercises/05_avoiding_copies/src/deep.rs", "nests brackets more than"),
            ("exercises/06_struct_packing/src/a\\nb.rs", "control character"),
        ]) {
            let exercise = json["exercises"].as_array().unwrap().iter().find(|e| e["name"] == *name).unwrap();
            assert_eq!(stub[*name].error.as_deref(), None, "the untouched {name} is graded");
            let points = exercise["points"].as_f64();
            assert_eq!(points, Some(stub[*name].points), "{runner}: {name} scored more than its stub:\n{json:#}");
            assert_eq!(exercise["error"]["kind"], "integrity", "{runner}: {name} fails, with the reason:\n{json:#}");
            let finding = findings.iter().find(|f| f["path"] == path && f["change"] == "forbidden");
            assert!(
                finding.is_some_and(|f| f["message"].as_str().unwrap().contains(what)),
                "{path} is not named for {what}:\n{json:#}"
            );
        }

        // Every line of the solution that the stub does not have.
        let stub_text = reference.read("exercises/01_typed_views/src/lib.rs");
        let solution_text = std::fs::read_to_string(&solution).unwrap();
        let secret: Vec<&str> =
            solution_text.lines().map(str::trim).filter(|l| l.len() > 30 && !stub_text.contains(*l)).collect();
        assert!(!secret.is_empty());
        let mut shown = vec![("stdout".to_string(), run.stdout.clone()), ("stderr".to_string(), run.stderr.clone())];
        for (_, name) in formats {
            let text = std::fs::read_to_string(file(name)).unwrap_or_else(|_| panic!("{name} was not written"));
            shown.push((name.to_string(), text));
        }
        for (name, text) in &shown {
            for line in &secret {
                assert!(!text.contains(line), "{runner}: {name} shows the solution's `{line}`:\n{text}");
            }
        }
    }
}

/// A build that fails after reading a file outside the editable ones (lints
/// denied, so each of the solution's items is an error quoting its line) is
/// an integrity error naming the file, showing none of the compiler's text.
#[test]
fn a_failing_build_that_read_outside_shows_none_of_what_it_read() {
    require(&[Need::Chromium]);
    let course = reference();
    let stub = course.read("exercises/01_typed_views/src/lib.rs");
    course.write(
        "exercises/01_typed_views/src/lib.rs",
        "#![deny(unreachable_pub, dead_code, missing_docs)]\nmacro_rules! load {\n    ($attribute:ident, $file:literal) => {\n        \
         #[$attribute = $file]\n        mod real;\n    };\n}\nload!(path, \"../../../solutions/01_typed_views/src/lib.rs\");\n",
    );
    let run = grader(course.path(), &["run", "typed_views"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("the compiler read solutions/01_typed_views/src/lib.rs"), "{}", run.stdout);
    let solution = course.read("solutions/01_typed_views/src/lib.rs");
    for line in solution.lines().map(str::trim).filter(|l| l.len() > 30 && !stub.contains(*l)) {
        let shown = run.stdout.contains(line) || run.stderr.contains(line);
        assert!(!shown, "the solution's `{line}` is shown:\n{}", run.stdout);
    }
}

/// Text the scan cannot tokenize is the compiler's to judge first: a typo
/// shows where it is. But with no dep-info (rustc stopped early), only a
/// parse of that file alone is shown — a confusable `;` that rustc only
/// warns of, a `compile_error!` of the solution and a runaway macro would
/// otherwise print the solution as an error's message.
#[test]
fn text_that_does_not_tokenize_shows_its_parse_error_and_nothing_it_pulled_in() {
    require(&[Need::Chromium]);
    let course = reference();
    let stub = course.read("exercises/01_typed_views/src/lib.rs");
    course.write("exercises/01_typed_views/src/lib.rs", &format!("{stub}\nfn broken( {{\n"));
    let typo = grader(course.path(), &["run", "typed_views"]);
    assert_eq!(typo.code(), Some(1), "{}\n{}", typo.stdout, typo.stderr);
    assert!(typo.stdout.contains("does not compile"), "{}", typo.stdout);
    assert!(typo.stdout.contains("unclosed delimiter"), "{}", typo.stdout);

    course.write(
        "exercises/01_typed_views/src/lib.rs",
        "compile_error!(include_str!(\"../../../solutions/01_typed_views/src/lib.rs\"));\nconst A: u8 = 1\u{37e}\n\
         macro_rules! again {\n    () => {\n        again!();\n    };\n}\nagain!();\n",
    );
    let run = grader(course.path(), &["run", "typed_views"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("unknown start of token"), "the parse error is shown:\n{}", run.stdout);
    let solution = course.read("solutions/01_typed_views/src/lib.rs");
    for line in solution.lines().map(str::trim).filter(|l| l.len() > 30 && !stub.contains(*l)) {
        let shown = run.stdout.contains(line) || run.stderr.contains(line);
        assert!(!shown, "the solution's `{line}` is shown:\n{}", run.stdout);
    }
}

/// What 04's page.js can try once it may only be written inside its
/// grammar: each is a finding on the page, and its exercise scores what its
/// untouched stub scores. The four attacks go in four copies of 04 graded
/// in one run, so the dependencies are built once per grading, not four times.
#[test]
fn a_page_that_reaches_past_its_grammar_scores_what_the_stub_scores_and_is_named() {
    require(&[Need::Chromium, Need::Node]);
    let copies = [
        ("batching_a", "04_batching_a"),
        ("batching_b", "04_batching_b"),
        ("batching_c", "04_batching_c"),
        ("batching_d", "04_batching_d"),
    ];
    let mut reference = TempCourse::new();
    for (name, dir) in copies {
        reference = reference.with_course_exercise_as("04_batching", dir);
        // Packages of one workspace need names of their own; the library
        // keeps its name, which the tests import.
        let exercise = format!("exercises/{dir}/Cargo.toml");
        let text = reference.read(&exercise).replacen("name = \"batching\"", &format!("name = \"{name}\""), 1);
        reference.write(&exercise, &text.replace("[lib]\n", "[lib]\nname = \"batching\"\n"));
        let solution = format!("solutions/{dir}/Cargo.toml");
        let text =
            reference.read(&solution).replace("name = \"batching_solution\"", &format!("name = \"{name}_solution\""));
        reference.write(&solution, &text);
    }
    let reference = reference.manifest(&copies);
    // The copies' page.js is the student's, as 04's is, with 04's allowlists.
    let real = grader::manifest::Manifest::load(&common::course_root()).unwrap();
    let entry = real.exercises.iter().find(|e| e.dir == "04_batching").unwrap();
    let page_rules = format!(
        "editable = {:?}\npage_globals = {:?}\npage_members = {:?}\n",
        entry.editable, entry.page_globals, entry.page_members
    );
    let mut manifest = reference.read("course.toml");
    for (_, dir) in copies {
        manifest = manifest.replace(&format!("dir = \"{dir}\"\n"), &format!("dir = \"{dir}\"\n{page_rules}"));
    }
    reference.write("course.toml", &manifest);

    let head = "export function processAll(wasm, memory, items) {\n";
    let batch = "    const ptr = wasm.input_buffer(items.length);\n    \
                 new Float64Array(memory.buffer, ptr, items.length).set(items);\n    wasm.process_batch(items.length);\n";
    let attacks = [
        // A word list took `//` inside the regular expression for a comment.
        ("a regular expression literal", format!("{head}{batch}    void /[//]/; BatchingHost.results = items;\n}}\n")),
        ("`document`", format!("{head}{batch}    \\u0064ocument.body.textContent = items.length;\n}}\n")),
        // "filter" spelt with `[]`, `!`, `+` and `()`, then its constructor.
        (
            "not provably a number",
            format!("{head}{batch}    [][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]][(![]+[])[+[]]](items.length)();\n}}\n"),
        ),
        (
            "`BatchingHost`",
            format!(
                "{head}    for (let i = 0; i < items.length; i++) items[i] = items[i] * items[i] + 1;\n    \
                 BatchingHost.receive_results(items, items.length);\n}}\n"
            ),
        ),
    ];
    let submission = TempCourse::copy_of(reference.path());
    for ((_, dir), (_, page)) in copies.iter().zip(&attacks) {
        submission.write(&format!("exercises/{dir}/page.js"), page);
    }
    // 04 allows Node.js too, where its page runs beside Node's powers.
    let untouched = TempCourse::copy_of(reference.path());
    for runner in ["chrome", "node"] {
        let (stub, _) = grade(untouched.path(), reference.path(), runner);
        let (graded, json) = grade(submission.path(), reference.path(), runner);
        let findings = json["findings"].as_array().unwrap();
        for ((name, dir), (says, page)) in copies.iter().zip(&attacks) {
            let why = format!("{runner}, {says}");
            assert_eq!(graded[*name].points, stub[*name].points, "{why}: scored more than the stub:\n{page}\n{json:#}");
            assert_eq!(graded[*name].tests, stub[*name].tests, "{why}: graded as shipped:\n{json:#}");
            assert_eq!(graded[*name].error.as_deref(), Some("integrity"), "{why}: fails, with the reason:\n{json:#}");
            let path = format!("exercises/{dir}/page.js");
            let finding = findings.iter().find(|f| f["path"] == path.as_str());
            assert!(finding.is_some_and(|f| f["change"] == "forbidden"), "{why}: {path} is not named:\n{json:#}");
            let message = finding.unwrap()["message"].as_str().unwrap();
            assert!(message.contains(says) && message.contains("page.js:"), "{why}: {message}");
        }
    }
}

/// A build that reads outside the staged course — the reference's
/// solution, a secret in the grading machine's home directory — through a
/// `module` attribute a macro writes (wasm-bindgen's macro reads that file
/// while rustc runs). Under Landlock the read is refused by the kernel;
/// with the sandbox turned off the dep-info check still refuses the crate.
/// Either way no output shows either file, and the results say which
/// sandbox there was.
#[test]
fn a_build_that_reads_outside_the_staged_course_gets_nothing_and_the_sandbox_is_named() {
    require(&[Need::Chromium]);
    const ANSWER: &str = "THE-REFERENCE-ANSWER-7f3a";
    const SECRET: &str = "THE-GRADING-MACHINES-TOKEN-9c1d";
    let exercises = [("typed_views", "01_typed_views")];
    let reference = TempCourse::new().with_course_exercise("01_typed_views").manifest(&exercises);
    let solution = "solutions/01_typed_views/src/lib.rs";
    reference.write(solution, &format!("// {ANSWER}\n{}", reference.read(solution)));
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("secret.txt"), SECRET).unwrap();

    let submission = TempCourse::copy_of(reference.path());
    let climb = "/..".repeat(40);
    let lib = "exercises/01_typed_views/src/lib.rs";
    let reads = format!(
        "\nmacro_rules! linked {{ ($key:ident, $file:expr, $name:ident) => {{ \
         #[wasm_bindgen::prelude::wasm_bindgen($key = $file)] extern \"C\" {{ fn $name(); }} }} }}\n\
         linked!(module, {:?}, answer);\nlinked!(module, {:?}, secret);\n",
        format!("{climb}{}", reference.path().join(solution).display()),
        format!("{climb}{}", home.path().join("secret.txt").display()),
    );
    submission.write(lib, &(submission.read(lib) + &reads));

    let real_home = std::env::var_os("HOME").unwrap_or_default();
    let under_home = |var: &str, dir: &str| {
        std::env::var_os(var).unwrap_or_else(|| Path::new(&real_home).join(dir).into_os_string())
    };
    let (rustup, cargo) = (under_home("RUSTUP_HOME", ".rustup"), under_home("CARGO_HOME", ".cargo"));
    for (switch, sandbox) in [(None, "landlock"), (Some("off"), "none")] {
        let out = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let file = |name: &str| out.path().join(name).display().to_string();
        let outputs = [
            format!("json={}", file("results.json")),
            format!("junit={}", file("results.xml")),
            format!("classroom={}", file("classroom.json")),
            format!("gradescope={}", file("gradescope.json")),
        ];
        let mut args = vec!["--runner", "chrome", "grade", "--reference", reference.path().to_str().unwrap()];
        args.extend(["--work-dir", work.path().to_str().unwrap(), "--no-cache"]);
        for output in &outputs {
            args.extend(["--output", output.as_str()]);
        }
        let run = grader_with(submission.path(), &args, |command| {
            command
                .env("HOME", home.path())
                .env("RUSTUP_HOME", &rustup)
                .env("CARGO_HOME", &cargo)
                .env_remove("GITHUB_ACTIONS")
                .stdin(std::process::Stdio::null());
            match switch {
                Some(value) => command.env("GRADER_SANDBOX", value),
                None => command.env_remove("GRADER_SANDBOX"),
            };
        });
        assert!(run.survivors().is_empty(), "processes left behind: {:?}", run.survivors());
        let json: Value = serde_json::from_str(&std::fs::read_to_string(file("results.json")).unwrap()).unwrap();
        assert_eq!(json["sandbox"], sandbox, "{json:#}");
        // Under Landlock the kernel refuses the read, so the build fails
        // with "permission denied"; unconfined, the read succeeds and the
        // compiler's list of what it read refuses the crate.
        let error = &json["exercises"][0]["error"];
        if sandbox == "landlock" {
            assert_eq!(error["kind"], "compile", "{json:#}");
            assert!(error["message"].as_str().unwrap().contains("Permission denied"), "{json:#}");
        } else {
            assert_eq!(error["kind"], "integrity", "{json:#}");
        }
        let mut everything = format!("{}\n{}", run.stdout, run.stderr);
        for name in ["results.json", "results.xml", "classroom.json", "gradescope.json"] {
            everything += &std::fs::read_to_string(file(name)).unwrap();
        }
        for stolen in [ANSWER, SECRET] {
            assert!(!everything.contains(stolen), "{sandbox}: {stolen} was shown:\n{everything}");
        }
        if sandbox == "none" {
            let notice = format!("{}{}", run.stdout, run.stderr);
            assert!(notice.contains("GRADER_SANDBOX=off"), "the run says it was not sandboxed:\n{notice}");
        }
    }
}
