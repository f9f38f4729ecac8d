//! System models: timing (synchronous, asynchronous, partially synchronous), process faults,
//! links from fair-loss to perfect, safety and liveness, failure detectors and a leader
//! election built on them.
//!
//! The timing model and its marks on the diagram are the engine's (the network panel picks
//! them for any run); this lesson's runs are the link layers and the heartbeat detector, whose
//! badges the generic views show.

use super::{Entry, Lesson};

mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "models",
    summary: "The assumptions under every algorithm: timing, process faults, links from fair-loss to perfect, safety and liveness, and failure detectors with a leader election on top.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_models);

pub fn lesson() -> Lesson {
    Lesson {
        id: "models",
        title: "System models",
        core: spacetime_core::lessons::models::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: None,
        plots: None,
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
