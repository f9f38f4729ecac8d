//! Lesson 2: reliable delivery over an unreliable network.

use spacetime_core::lessons::delivery::generals;

use leptos::prelude::*;

use super::{Lesson, LessonAction, LessonPlots};

pub mod plots;
mod text;

pub fn lesson() -> Lesson {
    Lesson {
        id: "delivery",
        title: "Delivery",
        core: spacetime_core::lessons::delivery::lesson(),
        tour: include_str!("tour.json"),
        panel: None,
        plots: Some(LessonPlots(|| view! { <plots::TcpPlots/> }.into_any())),
        activities: &[],
        open_file: None,
        actions: &[LessonAction {
            id: "kill-last-messenger",
            label: "Kill the last messenger",
            help: "Drop the messenger whose arrival let the second general commit: the first \
                   has committed already and will never learn it was lost.",
            protocol: "generals",
            message: generals::last_messenger,
        }],
        text: text::TEXT,
    }
}
