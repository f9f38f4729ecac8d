//! Lesson 4: consensus with Paxos, one value and then a log of them.
//!
//! The panel beside the diagram shows what a lecture draws on the board: the chosen value (or the
//! broken promise of two), each acceptor's promised and accepted ballot with the quorum that chose
//! the value marked (its arrows are picked out on the diagram too), and in Multi-Paxos every
//! server's copy of the replicated log.

use leptos::prelude::*;

use super::{Entry, Lesson, LessonPanel};

pub mod panel;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "paxos",
    summary: "Consensus with Paxos and Multi-Paxos: one value chosen, and kept, while acceptors crash and messages are lost.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_paxos);

pub fn lesson() -> Lesson {
    Lesson {
        id: "paxos",
        title: "Paxos",
        core: spacetime_core::lessons::paxos::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: Some(LessonPanel(|| view! { <panel::PaxosPanel/> }.into_any())),
        plots: None,
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
