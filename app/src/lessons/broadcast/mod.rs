//! Lesson 3: broadcast, from best-effort to total order.

use super::Lesson;

mod text;

pub fn lesson() -> Lesson {
    Lesson {
        id: "broadcast",
        title: "Broadcast",
        core: spacetime_core::lessons::broadcast::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        playground: false,
        text: text::TEXT,
    }
}
