//! Lesson 3: broadcast, from best-effort to total order.

use leptos::prelude::*;

use super::{Lesson, LessonPlots};

pub mod plots;
mod text;

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
