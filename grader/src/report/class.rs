//! The last line of `grader class`: how many students this run graded, how
//! long each took, and where the gradebook (and its exports) are.

use super::counted;
use crate::model::ClassSummary;

pub fn summary(run: &ClassSummary) -> String {
    let elapsed = run.elapsed.as_secs_f64();
    let each = if run.graded > 0 { elapsed / run.graded as f64 } else { 0.0 };
    let stopped = if run.stopped > 0 {
        format!(", {} of them crashed or hung the grader (see their notes)", run.stopped)
    } else {
        String::new()
    };
    let written: Vec<String> = run.written.iter().map(|path| path.display().to_string()).collect();
    format!(
        "Graded {} in {elapsed:.1} s ({each:.1} s each){stopped}; {} from earlier runs. Written: {}",
        counted(run.graded, "submission"),
        run.earlier,
        written.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_summary_counts_this_run_apart_from_earlier_ones_and_names_every_file_written() {
        let run = ClassSummary {
            graded: 4,
            stopped: 1,
            earlier: 16,
            elapsed: Duration::from_secs(10),
            written: vec!["grades/gradebook.csv".into(), "grades/canvas.csv".into()],
        };
        assert_eq!(
            summary(&run),
            "Graded 4 submissions in 10.0 s (2.5 s each), 1 of them crashed or hung the grader (see their notes); \
             16 from earlier runs. Written: grades/gradebook.csv, grades/canvas.csv"
        );
        let resumed = ClassSummary { graded: 0, stopped: 0, earlier: 20, written: vec!["g.csv".into()], ..run };
        assert_eq!(
            summary(&resumed),
            "Graded 0 submissions in 10.0 s (0.0 s each); 20 from earlier runs. Written: g.csv"
        );
    }
}
