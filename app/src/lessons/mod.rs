//! Lessons: what each chapter of the course shows, and which prepared scenarios it opens.
//!
//! A lesson is one module here that returns a [`Lesson`]; [`all`] lists them in course order.
//! The rest of a lesson lives in its core module (`core/src/lessons/<id>/`), where it is tested
//! natively: its protocols with the properties the badges check live, their prepared scenarios,
//! and its exercise kinds. The exercise panel draws any kind's question, so a lesson's exercises
//! need no code here.

use spacetime_core::lessons::LessonInfo;
use spacetime_core::{MessageId, Scenario, Trace};

pub mod broadcast;
pub mod clocks;
pub mod delivery;
pub mod gossip;
pub mod mapreduce;
pub mod paxos;

/// One chapter of the course.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Short, lowercase; it names the lesson's exercises. The core lesson's id.
    pub id: &'static str,
    /// What the core knows of the lesson: its protocols, their scenarios, its exercises.
    pub core: LessonInfo,
    /// The tab label.
    pub title: &'static str,
    /// The lesson text, one paragraph per entry, in our own words.
    pub text: &'static [&'static str],
    /// Whether the learner can draw diagrams of their own in this lesson (scripted runs).
    pub playground: bool,
    /// One-click interventions the lesson offers for runs of some protocol.
    pub actions: &'static [LessonAction],
    /// The lesson's guided tour, as the text of a tour file (empty if it has none).
    pub tour: &'static str,
    /// A view of the lesson's own drawn beside the diagram (the acceptors' table of Paxos, the
    /// stages of MapReduce), for the lessons whose protocol needs more than the generic views.
    pub panel: Option<LessonPanel>,
}

/// A lesson's own side view: a component function, mounted while one of its scenarios is on.
#[derive(Clone, Copy)]
pub struct LessonPanel(pub fn() -> leptos::prelude::AnyView);

impl std::fmt::Debug for LessonPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LessonPanel")
    }
}

/// A lesson has at most one panel, so two lessons' panels compare by the lesson they sit in.
impl PartialEq for LessonPanel {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LessonPanel {}

/// A one-click intervention a lesson offers: it finds the message that matters in the run (the
/// last messenger of the Two Generals, say) and drops it while it is in flight.
#[derive(Clone, Copy, Debug)]
pub struct LessonAction {
    /// For `data-testid`: `action-<id>`.
    pub id: &'static str,
    pub label: &'static str,
    /// What it shows, in a sentence (the button's tooltip).
    pub help: &'static str,
    /// The protocol whose runs it applies to.
    pub protocol: &'static str,
    /// The message to drop in this run, if there is one.
    pub message: fn(&Trace) -> Option<MessageId>,
}

/// Two lessons are the same when their ids are.
impl PartialEq for Lesson {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Lesson {}

impl Lesson {
    /// The prepared scenarios of this lesson, in the order its core module lists them.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.core.scenarios()
    }

    /// The actions that apply to a run of `protocol`.
    pub fn actions_for(&self, protocol: &str) -> Vec<LessonAction> {
        self.actions
            .iter()
            .filter(|a| a.protocol == protocol)
            .copied()
            .collect()
    }

    /// Whether `scenario` belongs to this lesson: whether the lesson teaches its protocol.
    pub fn has(&self, scenario: &Scenario) -> bool {
        self.core.teaches(&scenario.protocol)
    }
}

/// Actions are the same when their ids are (a function has no stable identity to compare).
impl PartialEq for LessonAction {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for LessonAction {}

/// Every lesson, in course order.
pub fn all() -> Vec<Lesson> {
    vec![
        clocks::lesson(),
        delivery::lesson(),
        broadcast::lesson(),
        gossip::lesson(),
        paxos::lesson(),
        mapreduce::lesson(),
    ]
}

/// The lesson a scenario belongs to, by its protocol.
pub fn lesson_of(scenario: &Scenario) -> Option<Lesson> {
    all().into_iter().find(|l| l.has(scenario))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_has_scenarios_and_text() {
        for lesson in all() {
            assert!(
                !lesson.scenarios().is_empty(),
                "{} has no scenarios",
                lesson.id
            );
            assert!(!lesson.text.is_empty());
        }
    }

    #[test]
    fn every_example_belongs_to_a_lesson() {
        for s in spacetime_core::protocols::examples() {
            assert!(lesson_of(&s).is_some(), "{} has no lesson", s.name);
        }
    }

    #[test]
    fn the_app_lists_every_core_lesson_in_the_same_order() {
        let app: Vec<&str> = all().iter().map(|l| l.id).collect();
        let core: Vec<&str> = spacetime_core::lessons::all()
            .iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(app, core);
    }

    #[test]
    fn the_last_messenger_action_finds_a_message_in_flight_to_drop() {
        let delivery = all().into_iter().find(|l| l.id == "delivery").unwrap();
        let actions = delivery.actions_for("generals");
        assert_eq!(actions.len(), 1);
        assert!(delivery.actions_for("tcp").is_empty());
        let scenario = spacetime_core::protocols::example("generals-acknowledge").unwrap();
        let trace = spacetime_core::Run::complete(&scenario)
            .unwrap()
            .trace()
            .clone();
        let m = (actions[0].message)(&trace).expect("both generals attack, so a last one exists");
        let mut killed = scenario.clone();
        killed.interventions.push(spacetime_core::Intervention {
            step: trace.messages[m].created_step + 1,
            action: spacetime_core::Action::Drop { message: m },
        });
        let run = spacetime_core::Run::complete(&killed).unwrap();
        assert!(
            run.trace().warnings.is_empty(),
            "{:?}",
            run.trace().warnings
        );
        assert_eq!(
            run.trace().messages[m].fate,
            spacetime_core::Fate::DroppedByLearner
        );
    }
}
