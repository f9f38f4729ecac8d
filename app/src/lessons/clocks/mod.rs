//! Lesson 1: happens-before and logical clocks.

use leptos::prelude::*;

use super::{DiagramDrawing, Lesson, LessonActivity};
use crate::store::{Activity, Store};

pub mod import;
pub mod playground;

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
        activities: &[BUILD, IMPORT],
        open_file: Some(import::open_file),
        text: text::TEXT,
    }
}

/// Build: drawing a diagram of one's own on the canvas, with undo, redo and deletion.
const BUILD: LessonActivity = LessonActivity {
    id: "build",
    label: "Build",
    wide_label: "",
    title: "Draw your own diagram",
    everywhere: false,
    panel: || view! { <playground::BuildPanel/> }.into_any(),
    provide: || {
        playground::BuildState::provide();
    },
    open: playground::start,
    keys: Some(playground::on_key),
    draw: Some(DiagramDrawing {
        starts_at: |layout, (_, y)| playground::lane_at(layout, y).is_some(),
        finish: |store, layout, start, end| {
            if let Some(g) = playground::gesture_of(layout, start, end) {
                playground::apply(store, g);
            }
        },
    }),
};

/// Import: reading a vector-clock log (GoVector, ShiViz), and exporting any run as one; offered
/// in every lesson.
const IMPORT: LessonActivity = LessonActivity {
    id: "import",
    label: "Import",
    wide_label: " / export",
    title: "Import a vector-clock log, or export this run",
    everywhere: true,
    panel: || view! { <import::ImportPanel/> }.into_any(),
    provide: || {
        import::LogDraft::provide();
    },
    open: |store: Store| {
        crate::leave_activity(store);
        store.activity.set(Activity::Lesson("import"));
    },
    keys: None,
    draw: None,
};
