//! Grading the course: each exercise in curriculum order, then the
//! capstone — announced while exercises remain, graded per milestone after.

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
    let capstone = capstone_status(course, &exercises, settings, on_phase);
    CourseReport {
        runner: settings.toolbox.runner,
        notices: settings.toolbox.notices.clone(),
        exercises,
        capstone,
    }
}

/// The capstone is graded, milestone by milestone, once every exercise
/// passes; until then it is announced with its milestones.
fn capstone_status(
    course: &Course,
    exercises: &[ExerciseReport],
    settings: &Settings,
    on_phase: &mut dyn FnMut(&str, Phase),
) -> Option<CapstoneStatus> {
    let capstone = course.manifest.capstone.as_ref()?;
    let name = capstone.name.clone();
    let title = capstone.title.clone();
    if capstone.milestones.is_empty() {
        return Some(CapstoneStatus::NotAvailable { name, title });
    }
    let remaining = exercises.iter().filter(|e| e.status != Status::Pass).count();
    if remaining > 0 {
        let milestones = capstone.milestones.iter().map(|m| m.title.clone()).collect();
        return Some(CapstoneStatus::Locked { name, title, remaining, milestones });
    }
    let milestones = grade_exercises(course, &course.milestones(), Variant::Exercise, settings, on_phase);
    Some(CapstoneStatus::Graded { name, title, milestones })
}
