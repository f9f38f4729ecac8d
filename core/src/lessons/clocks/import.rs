//! The clocks lesson draws imported logs: [`crate::log`] reads a GoVector or ShiViz log and
//! infers its arrows from the clocks; here that [`Drawing`] becomes a scripted scenario, one line
//! of script per event or message, so that it plays like any other diagram of the lesson.

use super::scripted::{ScriptLine, ScriptParams, Scripted, Target};
use crate::log::Drawing;
use crate::protocol::Protocol;
use crate::scenario::{Limits, NetworkModel, ProcessRef, Scenario};

/// The name every imported scenario has.
pub const IMPORTED: &str = "clocks-imported";

/// A scripted scenario named [`IMPORTED`] that redraws `drawing`.
///
/// Each event with no arrow into it is a line of its own: a local event, or a send to every
/// receiver of its arrows. An event with arrows into it is a receipt: the first of them (from
/// the latest sender) arrives exactly then and makes the receipt; the others are merged, arriving
/// just before, so that the receipt takes them in; if the event also sends, a line on the receipt
/// sends its arrows along.
pub fn draw(drawing: Drawing) -> Scenario {
    let events = &drawing.events;
    let process = |e: usize| ProcessRef::Name(drawing.hosts[events[e].lane].clone());
    // The arrows out of each event, and the one into each event that makes its receipt.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); events.len()];
    let mut primary: Vec<Option<usize>> = vec![None; events.len()];
    for &(from, to) in &drawing.arrows {
        out[from].push(to);
        if primary[to].is_none_or(|p| events[from].at > events[p].at) {
            primary[to] = Some(from);
        }
    }
    let mut mark: Vec<Option<String>> = vec![None; events.len()];
    for (e, why) in &drawing.marked {
        mark[*e] = Some(why.clone());
    }
    let marked_arrows: std::collections::BTreeSet<(usize, usize)> = drawing
        .marked_arrows
        .iter()
        .map(|&i| drawing.arrows[i])
        .collect();
    let target = |from: usize, to: usize| {
        let merged = primary[to] != Some(from);
        Target {
            to: process(to),
            // A merged arrow arrives a tick before its receipt (events are TICK apart).
            arrive: events[to].at - u64::from(merged),
            receive: (!merged).then(|| events[to].label.clone()),
            merged,
            marked: marked_arrows.contains(&(from, to)),
            receipt_mark: if merged { None } else { mark[to].clone() },
        }
    };
    let mut script = Vec::with_capacity(events.len());
    for (e, event) in events.iter().enumerate() {
        let receipt = primary[e].is_some();
        let line = ScriptLine {
            at: event.at,
            process: process(e),
            // A receipt's mark comes with the arrow that makes it.
            mark: if receipt { None } else { mark[e].clone() },
            ..ScriptLine::default()
        };
        let mut targets = out[e].iter().map(|&to| target(e, to));
        script.push(match targets.next() {
            None if receipt => continue,
            None => ScriptLine {
                local: Some(event.label.clone()),
                ..line
            },
            Some(first) => ScriptLine {
                send: Some(event.label.clone()),
                to: Some(first.to),
                arrive: Some(first.arrive),
                receive: first.receive,
                merged: first.merged,
                marked: first.marked,
                receipt_mark: first.receipt_mark,
                also: targets.collect(),
                on_receipt: receipt,
                ..line
            },
        });
    }
    let steps = events.len() + drawing.arrows.len();
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
            max_steps: 2 * steps as u64 + 100,
            max_time: None,
        },
    }
}
