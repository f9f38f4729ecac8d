//! Lesson 3: broadcast, from best-effort to total order.

use leptos::prelude::*;

use super::{Entry, Lesson, LessonPlots};

pub mod plots;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "broadcast",
    summary: "Best-effort, reliable, FIFO, causal and total-order broadcast, and what each promises when processes crash.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_broadcast);

pub fn lesson() -> Lesson {
    Lesson {
        id: "broadcast",
        title: "Broadcast",
        core: spacetime_core::lessons::broadcast::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        plots: Some(LessonPlots(|| {
            view! { <plots::BroadcastPlots/> }.into_any()
        })),
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
