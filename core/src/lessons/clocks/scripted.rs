//! Scripted runs: the scenario lists the events itself, as a lecture diagram does.
//!
//! Each line of the script says when a process does a local event or sends a message (and, if it
//! likes, exactly when that message arrives); receipts follow from the arrivals. The clocks lesson
//! uses these to draw the diagrams of its examples and exercises, and the engine computes the
//! Lamport and vector clocks as for any other protocol.

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
        }
    }
}

/// The scripted protocol's parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptParams {
    pub script: Vec<ScriptLine>,
}

/// A message of a script: its label, and what the receiver's log says of its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note(pub String, pub Option<String>);

impl Payload for Note {
    fn label(&self) -> String {
        self.0.clone()
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
}

/// A process that does what its lines of the script say, when they say it.
#[derive(Clone, Debug)]
pub struct ScriptedNode {
    acts: Vec<(Time, Act)>,
    done: usize,
    received: usize,
}

impl Process for ScriptedNode {
    type Message = Note;

    fn on_start(&mut self, ctx: &mut Context<'_, Note>) {
        for (i, (at, _)) in self.acts.iter().enumerate() {
            ctx.set_pacing_timer(i.to_string(), *at);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Note>, _from: ProcessId, message: Note) {
        self.received += 1;
        if let Some(text) = message.1 {
            ctx.note(text);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Note>, timer: &str) {
        let Some((_, act)) = timer.parse::<usize>().ok().and_then(|i| self.acts.get(i)) else {
            return;
        };
        match act {
            Act::Local(label) => ctx.local(label.clone()),
            Act::Send {
                label,
                to,
                latency,
                receipt,
            } => {
                let note = Note(label.clone(), receipt.clone());
                match latency {
                    Some(l) => ctx.send_with_latency(*to, note, *l),
                    None => ctx.send(*to, note),
                }
            }
        }
        self.done += 1;
    }

    fn summary(&self) -> String {
        format!(
            "{} of {} scripted events done, {} received",
            self.done,
            self.acts.len(),
            self.received
        )
    }
}

/// The scripted protocol.
pub struct Scripted;

fn nodes(scenario: &Scenario) -> Result<Vec<ScriptedNode>, ScenarioError> {
    let params: ScriptParams = scenario.params()?;
    let mut nodes = vec![
        ScriptedNode {
            acts: Vec::new(),
            done: 0,
            received: 0,
        };
        scenario.processes.len()
    ];
    for (i, line) in params.script.iter().enumerate() {
        let field = format!("params.script[{i}]");
        let p = line
            .process
            .resolve(&scenario.processes, &format!("{field}.process"))?;
        let act = match (&line.local, &line.send) {
            (Some(label), None) => {
                if line.to.is_some() || line.arrive.is_some() || line.receive.is_some() {
                    return Err(ScenarioError::invalid(
                        field,
                        "a local event has no \"to\", \"arrive\" or \"receive\"",
                    ));
                }
                Act::Local(label.clone())
            }
            (None, Some(label)) => {
                let to = line.to.as_ref().ok_or_else(|| {
                    ScenarioError::invalid(&field, "a send needs \"to\": the receiving process")
                })?;
                let to = to.resolve(&scenario.processes, &format!("{field}.to"))?;
                let latency = match line.arrive {
                    Some(arrive) if arrive <= line.at => {
                        return Err(ScenarioError::invalid(
                            format!("{field}.arrive"),
                            format!(
                                "the message must arrive after it is sent (at {}), not at {arrive}",
                                line.at
                            ),
                        ))
                    }
                    Some(arrive) => Some(arrive - line.at),
                    None => None,
                };
                Act::Send {
                    label: label.clone(),
                    to,
                    latency,
                    receipt: line.receive.clone(),
                }
            }
            _ => {
                return Err(ScenarioError::invalid(
                    field,
                    "each line is either a \"local\" event or a \"send\"",
                ))
            }
        };
        nodes[p].acts.push((line.at, act));
    }
    Ok(nodes)
}

/// The clock condition: a -> b implies L(a) < L(b).
///
/// Happens-before is the transitive closure of two kinds of step (the next event on a lane, and
/// a send to its receipt), so it is enough to check that each such step raises the clock: the
/// check is linear in the trace, which matters for a 10,000-event log.
pub fn clock_condition(trace: &Trace) -> Verdict {
    let mut last: Vec<Option<usize>> = vec![None; trace.processes.len()];
    for b in &trace.events {
        let mut before = Vec::with_capacity(2);
        if let Some(a) = last[b.process] {
            before.push(a);
        }
        if b.kind == crate::trace::EventKind::Receive {
            if let Some(m) = b.message.and_then(|m| trace.messages.get(m)) {
                before.push(m.send_event);
            }
        }
        for a in before {
            let a = &trace.events[a];
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
        last[b.process] = Some(b.id);
    }
    Verdict::Holds
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
            scenario(
                "clocks-concurrent-pair",
                "Concurrent, yet ordered by Lamport",
                "Two processes that never hear from each other: L(a) < L(b) holds, yet a || b.",
                3,
                vec![
                    local(10, "P1", "a"),
                    send(20, "P1", "m1", "P2", 35),
                    local(15, "P3", "b"),
                    local(25, "P3", "c"),
                    local(30, "P3", "d"),
                    send(50, "P2", "m2", "P1", 70),
                ],
            ),
            scenario(
                "clocks-crossing-messages",
                "Crossing messages",
                "Two messages cross in flight; each receipt jumps the receiver's clock forward.",
                2,
                vec![
                    local(10, "P1", "a"),
                    send(20, "P1", "m1", "P2", 60),
                    send(25, "P2", "m2", "P1", 55),
                    local(70, "P1", "e"),
                    local(70, "P2", "f"),
                ],
            ),
            scenario(
                "clocks-busy-four",
                "A busy exchange between four processes",
                "Messages fan out and back; follow the vector clocks to see who knows about whom.",
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
        ]
    }
}
