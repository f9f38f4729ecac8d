//! Lesson 5: MapReduce, from input splits to output files, with crashed workers and stragglers.
//!
//! The panel is the picture the lecture draws: the splits, the map tasks, the M x R grid of
//! intermediate regions on the map workers' disks, the reduce tasks and the output files, each
//! coloured by its state and by the worker that holds it, filling in as the run advances. Below
//! it, each worker's tasks over time, and the job's completion time with and without backup
//! tasks. Everything is read from the run's `task` and `job` outputs (grammar in
//! `spacetime_core::lessons::mapreduce::mapreduce`), so it follows the cursor like the diagram.

use leptos::prelude::*;

use super::{Entry, Lesson, LessonPanel};

pub mod panel;
pub mod plots;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "mapreduce",
    summary: "MapReduce: map, shuffle and reduce across workers, and how the job survives a worker that dies or lags.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_mapreduce);

pub fn lesson() -> Lesson {
    Lesson {
        id: "mapreduce",
        title: "MapReduce",
        core: spacetime_core::lessons::mapreduce::lesson(),
        actions: &[],
        tour: include_str!("tour.json"),
        panel: Some(LessonPanel(|| {
            view! { <panel::MapReducePanel/> }.into_any()
        })),
        plots: None,
        activities: &[],
        open_file: None,
        text: text::TEXT,
    }
}
