//! Gossip: the engine's workhorse, and a first look at spreading information without a plan.

use super::Lesson;

mod text;

pub fn lesson() -> Lesson {
    Lesson {
        id: "gossip",
        title: "Gossip",
        core: spacetime_core::lessons::gossip::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        plots: None,
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
