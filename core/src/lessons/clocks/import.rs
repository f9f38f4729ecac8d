//! The clocks lesson draws imported logs: [`crate::log`] reads a GoVector or ShiViz log and
//! infers its arrows from the clocks; here that [`Drawing`] becomes a scripted scenario, one line
//! of script per event or message, so that it plays like any other diagram of the lesson.

use super::scripted::{ScriptLine, ScriptParams, Scripted};
use crate::log::{Drawing, DrawnEvent};
use crate::protocol::Protocol;
use crate::scenario::{Limits, NetworkModel, Scenario};

/// The name every imported scenario has.
pub const IMPORTED: &str = "clocks-imported";

/// A scripted scenario named [`IMPORTED`] that redraws `drawing`.
pub fn draw(drawing: Drawing) -> Scenario {
    let script = drawing
        .lines
        .into_iter()
        .map(|line| match line {
            DrawnEvent::Local { at, process, label } => ScriptLine {
                at,
                process,
                local: Some(label),
                ..ScriptLine::default()
            },
            DrawnEvent::Message {
                at,
                process,
                label,
                to,
                arrive,
                receipt,
            } => ScriptLine {
                at,
                process,
                send: Some(label),
                to: Some(to),
                arrive: Some(arrive),
                receive: Some(receipt),
                ..ScriptLine::default()
            },
        })
        .collect();
    Scenario {
        name: IMPORTED.into(),
        title: drawing.title,
        description: drawing.description,
        protocol: Scripted::NAME.into(),
        variant: String::new(),
        params: serde_json::to_value(ScriptParams { script }).expect("a script serialises"),
        processes: drawing.hosts,
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 0,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 2 * drawing.events as u64 + 100,
            max_time: None,
        },
    }
}
