//! Lessons: what each chapter of the course shows, and which prepared scenarios it opens.
//!
//! A lesson is one module here that returns a [`Lesson`]; [`all`] lists them in course order.
//! The rest of a lesson lives in the core, where it is tested natively:
//! - its protocol (`core/src/protocols/<name>.rs`), with the properties the badges check live;
//! - its prepared scenarios: the protocol's built-in examples whose names start with the
//!   lesson's `id` (`clocks-three-events`);
//! - its exercises, if it has any: kinds in `core/src/exercise/<lesson>.rs`, listed by
//!   `spacetime_core::exercise::kinds(id)`. The exercise panel draws any kind's question, so a
//!   lesson's exercises need no code here.

use spacetime_core::{protocols, Scenario};

pub mod clocks;
pub mod gossip;

/// One chapter of the course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Short, lowercase; the prefix of its scenarios' names.
    pub id: &'static str,
    /// The tab label.
    pub title: &'static str,
    /// The lesson text, one paragraph per entry, in our own words.
    pub text: &'static [&'static str],
    /// Whether the learner can draw diagrams of their own in this lesson (scripted runs).
    pub playground: bool,
}

impl Lesson {
    /// The prepared scenarios of this lesson, in the order the core lists them.
    pub fn scenarios(&self) -> Vec<Scenario> {
        let prefix = format!("{}-", self.id);
        protocols::examples()
            .into_iter()
            .filter(|s| s.name.starts_with(&prefix))
            .collect()
    }
}

/// Every lesson, in course order.
pub fn all() -> Vec<Lesson> {
    vec![clocks::lesson(), gossip::lesson()]
}

/// The lesson a scenario belongs to, by its name's prefix.
pub fn lesson_of(scenario: &Scenario) -> Option<Lesson> {
    all()
        .into_iter()
        .find(|l| scenario.name.starts_with(&format!("{}-", l.id)))
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
        for s in protocols::examples() {
            assert!(lesson_of(&s).is_some(), "{} has no lesson", s.name);
        }
    }
}
