//! `grader class`: a folder of 20 generated submissions — untouched, solved,
//! partly solved, broken, not UTF-8, not a course at all, uploaded one
//! level down — graded against the reference into per-student results and
//! a gradebook that is read back; then resumed after one student's results
//! are lost, grading only that student.

mod common;

use common::{grader, require, Need, TempCourse};
use std::collections::BTreeMap;
use std::path::Path;

fn generate(reference: &TempCourse, folder: &Path) -> BTreeMap<String, f64> {
    let solution = |dir: &str| reference.read(&format!("solutions/{dir}/src/lib.rs"));
    let mut expected = BTreeMap::new();
    for index in 0..20 {
        let name = format!("student{index:02}");
        let root = folder.join(&name);
        common::copy_tree(reference.path(), &root);
        let write = |relative: &str, bytes: &[u8]| std::fs::write(root.join(relative), bytes).unwrap();
        let points = match index % 6 {
            // Both exercises solved.
            0 => {
                write("exercises/01_typed_views/src/lib.rs", solution("01_typed_views").as_bytes());
                write("exercises/06_struct_packing/src/lib.rs", solution("06_struct_packing").as_bytes());
                20.0
            }
            // One solved.
            1 => {
                write("exercises/06_struct_packing/src/lib.rs", solution("06_struct_packing").as_bytes());
                10.0
            }
            // Does not compile, and the other one untouched.
            2 => {
                write("exercises/01_typed_views/src/lib.rs", b"pub fn broken( {\n");
                10.0 / 6.0
            }
            // Not UTF-8: a file the checks cannot read is a finding, and its
            // crate is graded as shipped (struct_packing's stub passes one
            // test of six), the other untouched (its stub scores nothing).
            3 => {
                write("exercises/06_struct_packing/src/lib.rs", &[0xff, 0xfe, 0x00, 0x41]);
                10.0 / 6.0
            }
            // Untouched: the stubs' points (struct_packing's stub passes one test of six).
            4 => 10.0 / 6.0,
            // Not a course: a stray folder.
            _ => {
                std::fs::remove_dir_all(&root).unwrap();
                std::fs::create_dir_all(&root).unwrap();
                std::fs::write(root.join("notes.txt"), "my homework is in another castle\n").unwrap();
                0.0
            }
        };
        expected.insert(name, points);
    }
    // A repository uploaded as a zip of its folder: the course one level down.
    let nested = folder.join("student20");
    common::copy_tree(reference.path(), &nested.join("my-repo"));
    std::fs::write(nested.join("my-repo/exercises/01_typed_views/src/lib.rs"), solution("01_typed_views")).unwrap();
    expected.insert("student20".into(), 10.0 + 10.0 / 6.0);
    expected
}

#[test]
fn a_folder_of_submissions_becomes_a_gradebook_and_resumes_after_an_interruption() {
    require(&[Need::Chromium]);
    let reference = common::two_exercise_reference();
    let folder = tempfile::tempdir().unwrap();
    let expected = generate(&reference, folder.path());
    let out = tempfile::tempdir().unwrap();
    let grades = out.path().join("grades");
    let args = [
        "class",
        folder.path().to_str().unwrap(),
        "--reference",
        reference.path().to_str().unwrap(),
        "--out",
        grades.to_str().unwrap(),
    ];
    let run = grader(reference.path(), &args);
    assert_eq!(run.code(), Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("[21/21] student20"), "a progress line per student:\n{}", run.stderr);
    assert!(run.stdout.contains("Graded 21 submissions"), "{}", run.stdout);

    let mut gradebook = csv::Reader::from_path(grades.join("gradebook.csv")).unwrap();
    let header = gradebook.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["student", "typed_views", "struct_packing", "total", "max", "passed", "findings", "note"]
    );
    let rows: Vec<csv::StringRecord> = gradebook.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len(), "a row per student");
    for row in &rows {
        let student = &row[0];
        let total: f64 = row[3].parse().unwrap();
        assert!((total - expected[student]).abs() < 0.01, "{student}: {total} points, expected {}", expected[student]);
        assert_eq!(&row[4], "20");
        assert!(grades.join(student).join("results.xml").is_file(), "{student} has its JUnit file too");
    }
    let stray = rows.iter().find(|row| &row[0] == "student05").unwrap();
    assert!(stray[7].contains("not a copy of the course"), "{stray:?}");

    // Interrupted after all but one: only that one is graded again.
    std::fs::remove_dir_all(grades.join("student07")).unwrap();
    let again = grader(reference.path(), &args);
    assert_eq!(again.code(), Some(0), "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("Graded 1 submission in"), "{}", again.stdout);
    assert!(again.stdout.contains("20 from earlier runs"), "{}", again.stdout);
    let rows = csv::Reader::from_path(grades.join("gradebook.csv")).unwrap().records().count();
    assert_eq!(rows, expected.len());
}
