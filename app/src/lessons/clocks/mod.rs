//! Lesson 1: happens-before and logical clocks.

use super::Lesson;

mod text;

pub fn lesson() -> Lesson {
    Lesson {
        id: "clocks",
        title: "Clocks",
        core: spacetime_core::lessons::clocks::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        plots: None,
        playground: true,
        text: text::TEXT,
    }
}
