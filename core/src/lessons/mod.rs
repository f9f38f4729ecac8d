//! # Lessons: the registry
//!
//! A lesson is one folder here: its protocol(s), its exercise kinds and its prepared scenarios
//! (each protocol's examples) live together, and the lesson declares itself with one
//! [`LessonInfo`] in its `mod.rs`. [`course`] lists the lessons in course order; it is the only
//! place that names them. Everything else, the protocol registry ([`crate::protocols`]), the
//! exercise registry ([`crate::exercise::kinds`]), the CLI and the app, reads [`all`]: that list,
//! or, in the app (built without the `course` feature), the lessons loaded so far.
//!
//! ## Adding a lesson
//!
//! 1. `core/src/lessons/<id>/mod.rs` with `pub fn lesson() -> LessonInfo`, a module per
//!    protocol (a [`crate::Protocol`] implementation with its variants, parameters, properties
//!    and examples) and, if it has exercises, `exercises.rs` (unit structs implementing
//!    [`crate::exercise::ExerciseKind`]).
//! 2. One line in [`course`] below, and one `pub mod <id>;` line here.
//! 3. In the app: `app/src/lessons/<id>/` with its text, tour, panel and plots, and one line in
//!    the app's lesson list.
//!
//! A scenario belongs to the lesson whose protocols include the scenario's `protocol`; whether
//! a variant is deliberately broken is [`crate::VariantInfo::broken`]. Nothing keys on names.
//!
//! ```
//! use spacetime_core::lessons;
//!
//! let paxos = lessons::find("paxos").unwrap();
//! assert!(paxos.protocols().iter().any(|p| p.name == "multipaxos"));
//! let example = paxos.scenarios().into_iter().next().unwrap();
//! assert_eq!(lessons::of_scenario(&example).unwrap().id, "paxos");
//! ```

use crate::exercise::ExerciseKind;
use crate::log::Drawing;
use crate::protocol::ProtocolInfo;
use crate::scenario::Scenario;

pub mod broadcast;
pub mod clocks;
pub mod delivery;
pub mod gossip;
pub mod mapreduce;
pub mod models;
pub mod paxos;
pub mod raft;

/// One chapter of the course, as the core knows it.
#[derive(Clone, Copy)]
pub struct LessonInfo {
    /// Short and lowercase: the app's tab, links (`?lesson=`) and exercise progress use it.
    pub id: &'static str,
    /// The tab label.
    pub title: &'static str,
    /// The protocols the lesson teaches, in the order its scenarios are listed.
    pub protocols: fn() -> Vec<ProtocolInfo>,
    /// Its exercise kinds, in the order it offers them (empty if it has none).
    pub exercises: fn() -> Vec<&'static dyn ExerciseKind>,
    /// How it redraws an imported log as a scenario of its own, if it is the lesson that draws
    /// logs ([`crate::log`] reads the log and infers the arrows; one lesson draws them).
    pub draws_logs: Option<fn(Drawing) -> Scenario>,
}

impl LessonInfo {
    pub fn protocols(&self) -> Vec<ProtocolInfo> {
        (self.protocols)()
    }

    pub fn exercises(&self) -> Vec<&'static dyn ExerciseKind> {
        (self.exercises)()
    }

    /// Its prepared scenarios: each protocol's examples, protocol by protocol.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.protocols()
            .iter()
            .flat_map(|p| (p.examples)())
            .collect()
    }

    /// Whether a run of `protocol` belongs to this lesson.
    pub fn teaches(&self, protocol: &str) -> bool {
        self.protocols().iter().any(|p| p.name == protocol)
    }
}

impl std::fmt::Debug for LessonInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LessonInfo").field("id", &self.id).finish()
    }
}

/// Every lesson of the course, in course order. With the `course` feature (the default),
/// this is [`all`]; without it, nothing calls it, so no lesson's code is reachable from here.
pub fn course() -> Vec<LessonInfo> {
    vec![
        clocks::lesson(),
        delivery::lesson(),
        broadcast::lesson(),
        gossip::lesson(),
        paxos::lesson(),
        mapreduce::lesson(),
        raft::lesson(),
        models::lesson(),
    ]
}

/// The lessons registered at run time, in the order they were registered.
static REGISTERED: std::sync::RwLock<Vec<LessonInfo>> = std::sync::RwLock::new(Vec::new());

/// Make a lesson known to [`all`] (and so to [`crate::protocols`] and the exercise registry)
/// when it is loaded at run time; registering one twice changes nothing. This is how the app,
/// built without the `course` feature, adds each lesson once its code has arrived.
pub fn register(lesson: LessonInfo) {
    let mut registered = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    if !registered.iter().any(|l| l.id == lesson.id) {
        registered.push(lesson);
    }
}

/// Every lesson known: the whole course with the `course` feature, else those registered so
/// far (see [`register`]).
pub fn all() -> Vec<LessonInfo> {
    let registered = REGISTERED.read().unwrap_or_else(|e| e.into_inner()).clone();
    #[cfg(feature = "course")]
    {
        let mut lessons = course();
        for r in registered {
            if !lessons.iter().any(|l| l.id == r.id) {
                lessons.push(r);
            }
        }
        lessons
    }
    #[cfg(not(feature = "course"))]
    registered
}

/// The lesson called `id`.
pub fn find(id: &str) -> Option<LessonInfo> {
    all().into_iter().find(|l| l.id == id)
}

/// The lesson that teaches `protocol`.
pub fn of_protocol(protocol: &str) -> Option<LessonInfo> {
    all().into_iter().find(|l| l.teaches(protocol))
}

/// The lesson a scenario belongs to: the one that teaches its protocol.
pub fn of_scenario(scenario: &Scenario) -> Option<LessonInfo> {
    of_protocol(&scenario.protocol)
}

/// An imported log's drawing as a scenario, by the first lesson that draws logs (`None` if no
/// lesson does).
pub fn draw_log(drawing: Drawing) -> Option<Scenario> {
    all()
        .iter()
        .find_map(|l| l.draws_logs)
        .map(|draw| draw(drawing))
}

/// No exercises: for a lesson that has none yet.
pub fn no_exercises() -> Vec<&'static dyn ExerciseKind> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registering_a_course_lesson_again_changes_nothing() {
        let before: Vec<&str> = all().iter().map(|l| l.id).collect();
        register(course()[0]);
        let after: Vec<&str> = all().iter().map(|l| l.id).collect();
        assert_eq!(before, after);
    }

    #[test]
    fn every_protocol_belongs_to_exactly_one_lesson() {
        for p in crate::protocols::all() {
            let owners = all().iter().filter(|l| l.teaches(p.name)).count();
            assert_eq!(owners, 1, "{} is taught by {owners} lessons", p.name);
        }
    }

    #[test]
    fn lesson_ids_are_unique_and_every_lesson_has_scenarios() {
        let lessons = all();
        for (i, l) in lessons.iter().enumerate() {
            assert!(lessons[..i].iter().all(|o| o.id != l.id), "{} twice", l.id);
            assert!(!l.scenarios().is_empty(), "{} has no scenarios", l.id);
        }
    }

    #[test]
    fn exactly_one_lesson_draws_logs() {
        assert_eq!(all().iter().filter(|l| l.draws_logs.is_some()).count(), 1);
    }

    #[test]
    fn exercise_ids_are_unique_across_lessons() {
        let ids: Vec<&str> = all()
            .iter()
            .flat_map(|l| l.exercises())
            .map(|k| k.id())
            .collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id), "exercise {id} twice");
        }
    }
}
