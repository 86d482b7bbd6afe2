//! Grading the course: each exercise in curriculum order, then where the
//! capstone stands.

use crate::discover::{Course, Exercise, Variant};
use crate::model::{CapstoneStatus, CourseReport, ExerciseReport, Status};
use crate::runner::{self, Phase, Settings};

/// Grades `exercises` one after the other; `on_phase` hears what is
/// happening (exercise name and phase) for a progress display.
pub fn grade_exercises(
    course: &Course,
    exercises: &[Exercise],
    variant: Variant,
    settings: &Settings,
    on_phase: &mut dyn FnMut(&str, Phase),
) -> Vec<ExerciseReport> {
    exercises
        .iter()
        .map(|exercise| {
            runner::grade(course, exercise, variant, settings, &mut |phase| on_phase(&exercise.entry.name, phase))
        })
        .collect()
}

/// Grades the student's copy of every exercise.
pub fn grade_course(course: &Course, settings: &Settings, on_phase: &mut dyn FnMut(&str, Phase)) -> CourseReport {
    let exercises = grade_exercises(course, &course.exercises(), Variant::Exercise, settings, on_phase);
    let capstone = capstone_status(course, &exercises);
    CourseReport {
        runner: settings.toolbox.runner,
        notices: settings.toolbox.notices.clone(),
        exercises,
        capstone,
    }
}

fn capstone_status(course: &Course, exercises: &[ExerciseReport]) -> Option<CapstoneStatus> {
    let capstone = course.manifest.capstone.as_ref()?;
    let name = capstone.name.clone();
    let title = capstone.title.clone();
    Some(if capstone.milestones.is_empty() {
        CapstoneStatus::NotAvailable { name, title }
    } else {
        let remaining = exercises.iter().filter(|e| e.status != Status::Pass).count();
        CapstoneStatus::Locked { name, title, remaining }
    })
}
