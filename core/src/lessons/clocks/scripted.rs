//! Scripted runs: the scenario lists the events itself, as a lecture diagram does.
//!
//! Each line of the script says when a process does a local event or sends a message (and, if it
//! likes, exactly when that message arrives); receipts follow from the arrivals. The clocks lesson
//! uses these to draw the diagrams of its examples and exercises, and the engine computes the
//! Lamport and vector clocks as for any other protocol.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Latency, NetworkModel, ProcessRef, Scenario, ScenarioError};
use crate::trace::Trace;

/// One line of a script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptLine {
    /// When it happens.
    pub at: Time,
    /// Who does it.
    pub process: ProcessRef,
    /// A local event with this label...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// ...or a send of a message with this label...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    /// ...to this process...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<ProcessRef>,
    /// ...arriving at this time (if absent, the network model decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrive: Option<Time>,
    /// What the receiver's log says of the receipt (an imported log has a line for it); the
    /// narration shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive: Option<String>,
    /// Whether the message to `to` makes no receipt of its own: the receiver's next event takes
    /// it in (a logged event that heard from several hosts at once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
    /// More receivers of the same send, each with its own arrival: one dot, several arrows (a
    /// logged multicast).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Target>,
    /// Whether the send is part of the receipt that reaches this process at `at` (a receipt
    /// that passes the news on) instead of an event of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_receipt: bool,
    /// Why this line's event is drawn marked (where two executions of a log differ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    /// Whether the arrow to `to` is drawn marked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub marked: bool,
    /// Why the receipt the arrow to `to` makes is drawn marked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_mark: Option<String>,
}

/// One more receiver of a send ([`ScriptLine::also`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub to: ProcessRef,
    pub arrive: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub marked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_mark: Option<String>,
}

impl Default for ScriptLine {
    /// A local event of the first process at time 0, for `..Default::default()`.
    fn default() -> Self {
        ScriptLine {
            at: 0,
            process: ProcessRef::Index(0),
            local: None,
            send: None,
            to: None,
            arrive: None,
            receive: None,
            merged: false,
            also: Vec::new(),
            on_receipt: false,
            mark: None,
            marked: false,
            receipt_mark: None,
        }
    }
}

/// The scripted protocol's parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptParams {
    pub script: Vec<ScriptLine>,
}

/// A message of a script: its label, what the receiver's log says of its receipt, and whether
/// it (and its receipt, with why) is drawn marked.
#[derive(Clone, PartialEq, Eq)]
pub struct Note {
    pub label: String,
    pub receipt: Option<String>,
    pub marked: bool,
    pub receipt_mark: Option<String>,
}

/// The inspector shows a payload as its `Debug` text: `Note("m1", None)`, the marks only when
/// there are any.
impl std::fmt::Debug for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut note = f.debug_tuple("Note");
        note.field(&self.label).field(&self.receipt);
        if self.marked {
            note.field(&"marked");
        }
        if let Some(why) = &self.receipt_mark {
            note.field(why);
        }
        note.finish()
    }
}

/// Why an event is drawn marked: where two executions of a log differ. The scripted process
/// reports it as an output of kind [`DIFFERS`] on the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference(pub String);

/// The output kind of a [`Difference`].
pub const DIFFERS: &str = "differs";

impl Payload for Difference {
    fn label(&self) -> String {
        self.0.clone()
    }
}

impl Payload for Note {
    fn label(&self) -> String {
        self.label.clone()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Act {
    Local(String),
    Send {
        label: String,
        to: ProcessId,
        latency: Option<Time>,
        receipt: Option<String>,
    },
    /// A send with several arrows, or merged ones, or marked ones, or one made as part of a
    /// receipt.
    Along {
        label: String,
        arrows: Vec<Arrow>,
    },
}

/// One arrow of an [`Act::Along`].
#[derive(Clone, Debug, PartialEq)]
struct Arrow {
    to: ProcessId,
    latency: Time,
    receipt: Option<String>,
    merged: bool,
    marked: bool,
    receipt_mark: Option<String>,
}

/// A process that does what its lines of the script say, when they say it.
#[derive(Clone, Debug)]
pub struct ScriptedNode {
    /// Its lines, shared: a checkpoint of a 10,000-event replay copies none of them.
    script: Arc<NodeScript>,
    done: usize,
    received: usize,
}

/// What one process's lines of the script have it do.
#[derive(Debug, Default)]
struct NodeScript {
    acts: Vec<(Time, Act)>,
    /// Why each act's event is drawn marked, if it is.
    marks: Vec<Option<String>>,
    /// The acts made as part of a receipt, by the time of that receipt.
    on_receipt: BTreeMap<Time, usize>,
}

impl ScriptedNode {
    /// Set the timer of the next act from `from` on (in time order) that is not made on a
    /// receipt: one pending timer at a time, so that a checkpoint of a long replay copies one.
    fn pace(&self, ctx: &mut Context<'_, Note>, from: usize) {
        let script = &self.script;
        let next = (from..script.acts.len())
            .find(|&i| script.on_receipt.get(&script.acts[i].0) != Some(&i));
        if let Some(i) = next {
            ctx.set_pacing_timer(i.to_string(), script.acts[i].0.saturating_sub(ctx.now()));
        }
    }

    fn act(&mut self, ctx: &mut Context<'_, Note>, i: usize) {
        let script = Arc::clone(&self.script);
        let Some((_, act)) = script.acts.get(i) else {
            return;
        };
        let note = |label: &String, receipt: &Option<String>| Note {
            label: label.clone(),
            receipt: receipt.clone(),
            marked: false,
            receipt_mark: None,
        };
        match act {
            Act::Local(label) => ctx.local(label.clone()),
            Act::Send {
                label,
                to,
                latency,
                receipt,
            } => match latency {
                Some(l) => ctx.send_with_latency(*to, note(label, receipt), *l),
                None => ctx.send(*to, note(label, receipt)),
            },
            Act::Along { label, arrows } => {
                for a in arrows {
                    let note = Note {
                        marked: a.marked,
                        receipt_mark: a.receipt_mark.clone(),
                        ..note(label, &a.receipt)
                    };
                    ctx.send_along(a.to, note, a.latency, a.merged);
                }
            }
        }
        if let Some(why) = &script.marks[i] {
            ctx.output_fact(DIFFERS, Difference(why.clone()));
        }
        self.done += 1;
    }
}

impl Process for ScriptedNode {
    type Message = Note;

    fn on_start(&mut self, ctx: &mut Context<'_, Note>) {
        self.pace(ctx, 0);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Note>, _from: ProcessId, message: Note) {
        self.received += 1;
        if let Some(text) = message.receipt {
            ctx.note(text);
        }
        if let Some(why) = message.receipt_mark {
            ctx.output_fact(DIFFERS, Difference(why));
        }
        if let Some(&i) = self.script.on_receipt.get(&ctx.now()) {
            self.act(ctx, i);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Note>, timer: &str) {
        if let Ok(i) = timer.parse::<usize>() {
            self.act(ctx, i);
            self.pace(ctx, i + 1);
        }
    }

    fn summary(&self) -> String {
        format!(
            "{} of {} scripted events done, {} received",
            self.done,
            self.script.acts.len(),
            self.received
        )
    }
}

/// The scripted protocol.
pub struct Scripted;

fn nodes(scenario: &Scenario) -> Result<Vec<ScriptedNode>, ScenarioError> {
    let params: ScriptParams = scenario.params()?;
    let mut nodes: Vec<NodeScript> = std::iter::repeat_with(NodeScript::default)
        .take(scenario.processes.len())
        .collect();
    for (i, line) in params.script.iter().enumerate() {
        let field = format!("params.script[{i}]");
        let p = line
            .process
            .resolve(&scenario.processes, &format!("{field}.process"))?;
        let act = act(scenario, line, &field)?;
        let node = &mut nodes[p];
        if line.on_receipt && node.on_receipt.insert(line.at, node.acts.len()).is_some() {
            return Err(ScenarioError::invalid(
                format!("{field}.at"),
                format!(
                    "another line already sends on the receipt at {} of this process",
                    line.at
                ),
            ));
        }
        node.acts.push((line.at, act));
        node.marks.push(line.mark.clone());
    }
    Ok(nodes
        .into_iter()
        .map(|script| ScriptedNode {
            script: Arc::new(script.in_time_order()),
            done: 0,
            received: 0,
        })
        .collect())
}

impl NodeScript {
    /// The acts sorted by time (those of one time in script order), as the timers take them.
    fn in_time_order(self) -> NodeScript {
        let mut order: Vec<usize> = (0..self.acts.len()).collect();
        order.sort_by_key(|&i| self.acts[i].0);
        let mut acts: Vec<Option<(Time, Act)>> = self.acts.into_iter().map(Some).collect();
        let mut marks: Vec<Option<Option<String>>> = self.marks.into_iter().map(Some).collect();
        let mut position = vec![0; order.len()];
        let mut sorted = NodeScript::default();
        for (new, &old) in order.iter().enumerate() {
            position[old] = new;
            sorted.acts.push(acts[old].take().expect("each act once"));
            sorted
                .marks
                .push(marks[old].take().expect("each mark once"));
        }
        sorted.on_receipt = self
            .on_receipt
            .into_iter()
            .map(|(at, i)| (at, position[i]))
            .collect();
        sorted
    }
}

/// What one line of the script has its process do.
fn act(scenario: &Scenario, line: &ScriptLine, field: &str) -> Result<Act, ScenarioError> {
    let label = match (&line.local, &line.send) {
        (Some(label), None) => {
            if line.to.is_some()
                || line.arrive.is_some()
                || line.receive.is_some()
                || line.merged
                || line.on_receipt
                || line.marked
                || line.receipt_mark.is_some()
                || !line.also.is_empty()
            {
                return Err(ScenarioError::invalid(
                    field,
                    "a local event has no \"to\", \"arrive\", \"receive\", \"merged\", \"also\" \
                     or \"on_receipt\"",
                ));
            }
            return Ok(Act::Local(label.clone()));
        }
        (None, Some(label)) => label,
        _ => {
            return Err(ScenarioError::invalid(
                field,
                "each line is either a \"local\" event or a \"send\"",
            ))
        }
    };
    let to = line.to.as_ref().ok_or_else(|| {
        ScenarioError::invalid(field, "a send needs \"to\": the receiving process")
    })?;
    let to = to.resolve(&scenario.processes, &format!("{field}.to"))?;
    let latency = |arrive: Time, at_field: String| {
        if arrive <= line.at {
            Err(ScenarioError::invalid(
                at_field,
                format!(
                    "the message must arrive after it is sent (at {}), not at {arrive}",
                    line.at
                ),
            ))
        } else {
            Ok(arrive - line.at)
        }
    };
    let first = match line.arrive {
        Some(arrive) => Some(latency(arrive, format!("{field}.arrive"))?),
        None => None,
    };
    let plain = !line.merged && !line.marked && line.receipt_mark.is_none();
    if plain && !line.on_receipt && line.also.is_empty() {
        return Ok(Act::Send {
            label: label.clone(),
            to,
            latency: first,
            receipt: line.receive.clone(),
        });
    }
    let first = first.ok_or_else(|| {
        ScenarioError::invalid(
            format!("{field}.arrive"),
            "a send with \"merged\", \"also\" or \"on_receipt\" needs \"arrive\"",
        )
    })?;
    let mut arrows = vec![Arrow {
        to,
        latency: first,
        receipt: line.receive.clone(),
        merged: line.merged,
        marked: line.marked,
        receipt_mark: line.receipt_mark.clone(),
    }];
    for (j, target) in line.also.iter().enumerate() {
        let at = format!("{field}.also[{j}]");
        let to = target
            .to
            .resolve(&scenario.processes, &format!("{at}.to"))?;
        arrows.push(Arrow {
            to,
            latency: latency(target.arrive, format!("{at}.arrive"))?,
            receipt: target.receive.clone(),
            merged: target.merged,
            marked: target.marked,
            receipt_mark: target.receipt_mark.clone(),
        });
    }
    Ok(Act::Along {
        label: label.clone(),
        arrows,
    })
}

/// The clock condition: a -> b implies L(a) < L(b).
///
/// Happens-before is the transitive closure of two kinds of step (the next event on a lane, and
/// a send to its receipt), so it is enough to check that each such step raises the clock: the
/// check is linear in the trace, which matters for a 10,000-event log.
pub fn clock_condition(trace: &Trace) -> Verdict {
    let mut last: Vec<Option<usize>> = vec![None; trace.processes.len()];
    let lane_steps = trace.events.iter().filter_map(|b| {
        let a = last[b.process].replace(b.id);
        a.map(|a| (a, b.id))
    });
    // Every delivered message, merged ones too: a replayed log's event may receive several.
    let arrows = trace
        .messages
        .iter()
        .filter_map(|m| Some((m.send_event, m.receive_event?)));
    for (a, b) in lane_steps.collect::<Vec<_>>().into_iter().chain(arrows) {
        let (a, b) = (&trace.events[a], &trace.events[b]);
        if a.lamport >= b.lamport {
            return Verdict::violated(
                vec![a.id, b.id],
                format!(
                    "{} happens before {} but their Lamport clocks are {} and {}",
                    a.label, b.label, a.lamport, b.lamport
                ),
            );
        }
    }
    Verdict::Holds
}

/// An event of a scripted run, named as its diagram names it: the process, and the label of a
/// local event, or of the message whose send (on the sender) or receipt (on the receiver) it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventName {
    pub process: &'static str,
    pub label: &'static str,
}

/// `process: label`, as [`EventName`] reads.
pub const fn at(process: &'static str, label: &'static str) -> EventName {
    EventName { process, label }
}

impl EventName {
    /// The event of `trace` this names, if there is exactly one.
    pub fn find(&self, trace: &Trace) -> Option<crate::trace::EventId> {
        let p = trace.processes.iter().position(|n| n == self.process)?;
        let mut hits = trace
            .events
            .iter()
            .filter(|e| e.process == p && &*e.label == self.label);
        let first = hits.next()?;
        hits.next().is_none().then_some(first.id)
    }
}

impl std::fmt::Display for EventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}'s {}", self.process, self.label)
    }
}

/// What a prepared scenario's description says about its clocks, as data a test checks
/// against the run (the description is for people and is never parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockClaim {
    /// a → b.
    HappensBefore(EventName, EventName),
    /// a ∥ b.
    Concurrent(EventName, EventName),
    /// L(e) is this, by the course's rule.
    Lamport(EventName, u64),
    /// L(a) < L(b).
    LamportLess(EventName, EventName),
}

/// The scripted protocol has one variant, `script` (an empty name means it too); any other name
/// is an error on the field `variant` that says so.
fn check_variant(variant: &str) -> Result<(), ScenarioError> {
    crate::protocol::variant_of::<Scripted>(variant).map(|_| ())
}

impl Protocol for Scripted {
    const NAME: &'static str = "scripted";
    const DESCRIPTION: &'static str = "a diagram given event by event, for the clocks lesson";
    type Node = ScriptedNode;

    fn variants() -> &'static [VariantInfo] {
        &[VariantInfo {
            name: "script",
            description: "exactly the events the script lists",
            broken: false,
        }]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<ScriptedNode>, ScenarioError> {
        check_variant(variant)?;
        nodes(scenario)
    }

    fn properties(_scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        check_variant(variant)?;
        Ok(vec![Property::new(
            "clock-condition",
            PropertyKind::Safety,
            "if a happens before b, then L(a) < L(b)",
            clock_condition,
        )])
    }

    fn examples() -> Vec<Scenario> {
        examples_with_claims().into_iter().map(|(s, _)| s).collect()
    }
}

/// The clocks lesson's prepared scenarios, each with the claims its description makes about
/// clocks and happens-before (checked against the run by `core/tests/clocks.rs`).
pub fn examples_with_claims() -> Vec<(Scenario, Vec<ClockClaim>)> {
    use ClockClaim::*;
    let local = |at, p: &str, label: &str| ScriptLine {
        at,
        process: ProcessRef::Name(p.into()),
        local: Some(label.into()),
        send: None,
        to: None,
        ..Default::default()
    };
    let send = |at, p: &str, label: &str, to: &str, arrive| ScriptLine {
        at,
        process: ProcessRef::Name(p.into()),
        local: None,
        send: Some(label.into()),
        to: Some(ProcessRef::Name(to.into())),
        arrive: Some(arrive),
        ..Default::default()
    };
    let scenario = |name: &str, title: &str, description: &str, n: usize, script| Scenario {
        name: name.into(),
        title: title.into(),
        description: description.into(),
        protocol: "scripted".into(),
        variant: String::new(),
        params: serde_json::to_value(ScriptParams { script }).expect("serialisable"),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel {
            latency: Latency { min: 10, max: 10 },
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: 0,
        interventions: Vec::new(),
        limits: Default::default(),
    };
    vec![
        (
            scenario(
                "clocks-three-events",
                "Three events",
                "A local event, a send and its receipt: the smallest picture of happens-before.",
                2,
                vec![
                    local(10, "P1", "a"),
                    send(20, "P1", "m1", "P2", 40),
                    local(30, "P2", "c"),
                ],
            ),
            vec![
                HappensBefore(at("P1", "a"), at("P2", "m1")),
                HappensBefore(at("P2", "c"), at("P2", "m1")),
                Concurrent(at("P1", "a"), at("P2", "c")),
            ],
        ),
        (
            scenario(
                "clocks-concurrent-pair",
                "Concurrent, yet ordered by Lamport",
                "P3 never hears from anyone, yet its counter grows: its third event b has \
                 L(b) = 3, while P1's first event a has L(a) = 1. L(a) < L(b), and still a || b.",
                3,
                vec![
                    local(10, "P1", "a"),
                    send(20, "P1", "m1", "P2", 35),
                    local(12, "P3", "x"),
                    local(18, "P3", "y"),
                    local(25, "P3", "b"),
                    send(50, "P2", "m2", "P1", 70),
                ],
            ),
            vec![
                Lamport(at("P1", "a"), 1),
                Lamport(at("P3", "b"), 3),
                LamportLess(at("P1", "a"), at("P3", "b")),
                Concurrent(at("P1", "a"), at("P3", "b")),
            ],
        ),
        (
            scenario(
                "clocks-crossing-messages",
                "Crossing messages",
                "Two messages cross in flight. A receipt jumps the receiver's clock forward only \
                 when the message carries a larger count than the receiver's own: P2's receipt \
                 of m1 jumps from 1 to 3, while P1, already at 2, just adds 1 on receiving m2.",
                2,
                vec![
                    local(10, "P1", "a"),
                    send(20, "P1", "m1", "P2", 60),
                    send(25, "P2", "m2", "P1", 55),
                    local(70, "P1", "e"),
                    local(70, "P2", "f"),
                ],
            ),
            vec![
                Lamport(at("P2", "m2"), 1),
                Lamport(at("P1", "m1"), 2),
                Lamport(at("P2", "m1"), 3),
                Lamport(at("P1", "m2"), 3),
                Concurrent(at("P1", "m1"), at("P2", "m2")),
            ],
        ),
        (
            scenario(
                "clocks-busy-four",
                "A busy exchange between four processes",
                "Messages fan out and back; follow the vector clocks to see who knows about \
                 whom. P1's first event a and P4's first event b are concurrent; so are P1's \
                 d (L = 4) and P3's receipt of m2 (L = 5), although 4 < 5.",
                4,
                vec![
                    local(5, "P1", "a"),
                    send(10, "P1", "m1", "P2", 30),
                    send(12, "P1", "m2", "P3", 50),
                    local(15, "P4", "b"),
                    send(20, "P4", "m3", "P3", 35),
                    send(40, "P2", "m4", "P4", 65),
                    local(45, "P3", "c"),
                    send(60, "P3", "m5", "P1", 85),
                    send(70, "P4", "m6", "P2", 90),
                    local(75, "P1", "d"),
                    send(95, "P2", "m7", "P1", 110),
                    local(100, "P3", "e"),
                ],
            ),
            // The guided tour's stops say these too.
            vec![
                Concurrent(at("P1", "a"), at("P4", "b")),
                Lamport(at("P2", "m1"), 3),
                Lamport(at("P3", "c"), 4),
                Lamport(at("P3", "m2"), 5),
                Lamport(at("P1", "d"), 4),
                Concurrent(at("P1", "d"), at("P3", "m2")),
                LamportLess(at("P1", "d"), at("P3", "m2")),
                Lamport(at("P1", "m7"), 9),
            ],
        ),
    ]
}
