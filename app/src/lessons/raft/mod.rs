//! Lesson 7: Raft, a replicated log kept by an elected leader.
//!
//! The panel beside the diagram draws what RaftScope draws, in step with the cursor: each
//! server with its role, term and vote and its election timer as a ring, every server's log
//! as a row of entries coloured by term with the commit index marked, and one-click actions:
//! partition the leader away, heal the cut links, crash or recover a server.

use leptos::prelude::*;

use super::{Entry, Lesson, LessonPanel};

pub mod panel;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "raft",
    summary: "Consensus with Raft: a leader elected by term, its log copied to every server, and the rule that commits only what no later leader can lose.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_raft);

pub fn lesson() -> Lesson {
    Lesson {
        id: "raft",
        title: "Raft",
        core: spacetime_core::lessons::raft::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: Some(LessonPanel(|| view! { <panel::RaftPanel/> }.into_any())),
        plots: None,
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
