//! Gossip: the engine's workhorse, and a first look at spreading information without a plan.

use leptos::prelude::*;

use super::{Entry, Lesson, LessonPlots};

pub mod plots;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "gossip",
    summary: "Spreading a rumour epidemically: how far it gets, and how fast, with a given fanout.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_gossip);

pub fn lesson() -> Lesson {
    Lesson {
        id: "gossip",
        title: "Gossip",
        core: spacetime_core::lessons::gossip::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        plots: Some(LessonPlots(|| view! { <plots::GossipPlots/> }.into_any())),
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
