//! Lesson 1: happens-before and logical clocks.

use leptos::prelude::*;

use super::{ActivityTab, DiagramDrawing, Entry, Lesson, LessonActivity, LessonPanel};
use crate::store::{Activity, Store};

pub mod differences;
pub mod import;
pub mod playground;

mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "clocks",
    summary: "Happens-before, Lamport and vector clocks: which events can have affected which. Draw your own diagrams, or import a log.",
    everywhere: &[IMPORT.tab],
    reads_files: true,
    load,
};

lazy_lesson!(lesson_clocks);

pub fn lesson() -> Lesson {
    Lesson {
        id: "clocks",
        title: "Clocks",
        core: spacetime_core::lessons::clocks::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: Some(LessonPanel(|| {
            view! { <differences::DifferencesPanel/> }.into_any()
        })),
        plots: None,
        activities: &[BUILD, IMPORT],
        open_file: Some(import::open_file),
        text: text::TEXT,
    }
}

/// Build: drawing a diagram of one's own on the canvas, with undo, redo and deletion.
const BUILD: LessonActivity = LessonActivity {
    tab: ActivityTab {
        id: "build",
        label: "Build",
        wide_label: "",
        title: "Draw your own diagram",
        everywhere: false,
    },
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
    tab: ActivityTab {
        id: "import",
        label: "Import",
        wide_label: " / export",
        title: "Import a vector-clock log, or export this run",
        everywhere: true,
    },
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
