//! Scenarios: everything that defines a run, as serde data that round-trips through JSON files
//! and URLs. A run is a pure function of its scenario (which includes the seed and the learner's
//! interventions).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::process::{ProcessId, Time};
use crate::trace::MessageId;

/// The most processes a scenario may have: beyond this a diagram is unreadable and a run slow.
pub const MAX_PROCESSES: usize = 64;
/// The most steps a scenario may ask for.
pub const MAX_STEPS: u64 = 10_000_000;
/// The most events a run may make, or an imported log hold: the page holds runs up to this size
/// and refuses larger ones, saying so, with the run it shows kept.
///
/// What decides it is memory. An event costs its record, its vector clock (4 bytes per process:
/// 256 bytes on 64 lanes) and its share of messages and steps, and the page holds two copies of
/// the trace (the run's, and the one its views share) besides the run's checkpoints. Measured in
/// WebAssembly (`core/examples/trace_memory.rs`, built for `wasm32-unknown-unknown`) on the
/// busiest shape of run, a 64-process gossip with fanout 4: the run holds 510 bytes per event
/// and a copy of its trace 445, and the module's memory reaches 1.01 GB at 1,000,000 events,
/// 508 MB at 500,000, 124 MB at 120,000 (560 MB at 1,000,000 on 16 lanes). A million events on 64
/// lanes would take a gigabyte before the diagram draws anything: a quarter of wasm32's 4 GB
/// cap, and more than a phone can be counted on to give one page. Half a million stays near
/// half a gigabyte at worst, and is four times the 120,000-event runs the page is benchmarked
/// on.
pub const MAX_EVENTS: usize = 500_000;

/// What went wrong with a scenario, in words a student can act on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not valid scenario JSON.
    #[error("{line}:{column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is well formed, but a field holds something the simulator cannot use.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl ScenarioError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A process named in a scenario, by name (`"P2"`) or by index (`1`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProcessRef {
    Index(ProcessId),
    Name(String),
}

impl ProcessRef {
    /// The index this names among `processes`, or an error naming `field`.
    pub fn resolve(&self, processes: &[String], field: &str) -> Result<ProcessId, ScenarioError> {
        match self {
            ProcessRef::Index(i) if *i < processes.len() => Ok(*i),
            ProcessRef::Index(i) => Err(ScenarioError::invalid(
                field,
                format!(
                    "there is no process {i}: indices run from 0 to {}",
                    processes.len().saturating_sub(1)
                ),
            )),
            ProcessRef::Name(name) => processes.iter().position(|p| p == name).ok_or_else(|| {
                ScenarioError::invalid(
                    field,
                    format!(
                        "there is no process named \"{name}\"; the processes are {}",
                        processes.join(", ")
                    ),
                )
            }),
        }
    }
}

impl From<ProcessId> for ProcessRef {
    fn from(p: ProcessId) -> Self {
        ProcessRef::Index(p)
    }
}

/// A range of message latencies in ticks, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    pub min: Time,
    pub max: Time,
}

impl Default for Latency {
    fn default() -> Self {
        Latency { min: 10, max: 30 }
    }
}

/// Different behaviour for the link between two processes (both directions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkModel {
    pub between: [ProcessRef; 2],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
}

/// The timing assumption of the system model: is there a known bound on how long a message takes?
///
/// * [`Timing::Plain`] (the default) draws every latency from the range and says nothing more.
/// * [`Timing::Synchronous`]: the bound is known (`latency.max`), and processes move in rounds of
///   `round` ticks, which the diagram marks. A delay by hand past the bound is refused.
/// * [`Timing::Asynchronous`]: no bound at all. Any message may be held up, with probability
///   `stall`, for up to `longest` ticks more than the range allows.
/// * [`Timing::PartiallySynchronous`]: asynchronous until the global stabilisation time `gst`,
///   which no process knows; every message sent from then on arrives within `latency.max`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Timing {
    #[default]
    Plain,
    Synchronous {
        round: Time,
    },
    Asynchronous {
        stall: f64,
        longest: Time,
    },
    PartiallySynchronous {
        gst: Time,
        stall: f64,
        longest: Time,
    },
}

impl Timing {
    pub fn is_plain(&self) -> bool {
        matches!(self, Timing::Plain)
    }

    /// Whether a message sent at `sent_at` must arrive within the latency range's `max`: always
    /// in a synchronous system, from the GST on in a partially synchronous one.
    pub fn bounds(&self, sent_at: Time) -> bool {
        match *self {
            Timing::Synchronous { .. } => true,
            Timing::PartiallySynchronous { gst, .. } => sent_at >= gst,
            Timing::Plain | Timing::Asynchronous { .. } => false,
        }
    }

    /// The chance that a message sent at `sent_at` is held up, and by at most how much.
    pub fn stall(&self, sent_at: Time) -> Option<(f64, Time)> {
        match *self {
            Timing::Asynchronous { stall, longest } => Some((stall, longest)),
            Timing::PartiallySynchronous {
                gst,
                stall,
                longest,
            } if sent_at < gst => Some((stall, longest)),
            _ => None,
        }
        .filter(|&(p, longest)| p > 0.0 && longest > 0)
    }

    /// The length of a synchronous round, if the system moves in rounds.
    pub fn round(&self) -> Option<Time> {
        match *self {
            Timing::Synchronous { round } => Some(round),
            _ => None,
        }
    }

    /// The global stabilisation time, if the system is partially synchronous.
    pub fn gst(&self) -> Option<Time> {
        match *self {
            Timing::PartiallySynchronous { gst, .. } => Some(gst),
            _ => None,
        }
    }
}

/// How the network treats messages. A latency range wider than zero reorders messages unless
/// `fifo` is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkModel {
    #[serde(default)]
    pub latency: Latency,
    /// Probability that a message is lost, from 0 to 1.
    #[serde(default)]
    pub loss: f64,
    /// Probability that a message is delivered twice, from 0 to 1.
    #[serde(default)]
    pub duplicate: f64,
    /// Keep each link first-in first-out (no overtaking).
    #[serde(default)]
    pub fifo: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkModel>,
    /// The timing assumption: synchronous, asynchronous, partially synchronous, or none said.
    #[serde(default, skip_serializing_if = "Timing::is_plain")]
    pub timing: Timing,
}

impl Default for NetworkModel {
    fn default() -> Self {
        NetworkModel {
            latency: Latency::default(),
            loss: 0.0,
            duplicate: 0.0,
            fifo: false,
            links: Vec::new(),
            timing: Timing::Plain,
        }
    }
}

/// Something that changes the run from outside the protocol: a fault, or the learner's hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Remove an in-flight message from the network.
    Drop { message: MessageId },
    /// Deliver an in-flight message a second time.
    Duplicate { message: MessageId },
    /// Hold an in-flight message `by` ticks longer.
    Delay { message: MessageId, by: Time },
    /// Crash a process.
    Crash { process: ProcessRef },
    /// Bring a crashed process back.
    Recover { process: ProcessRef },
    /// Cut the link between two processes, both ways; messages on it die.
    Cut { between: [ProcessRef; 2] },
    /// Mend a cut link.
    Heal { between: [ProcessRef; 2] },
    /// Make a timer the process has running (`timer`, by its name) run out now: a timeout the
    /// learner hurries, such as a Raft server's election timeout.
    Fire { process: ProcessRef, timer: String },
    /// A client outside the run hands the process a request (`request`, as the protocol reads
    /// it: a command to replicate, a value to propose): see
    /// [`Process::on_request`](crate::Process::on_request).
    Request {
        process: ProcessRef,
        request: String,
    },
    /// From now on the process omits each message it sends with probability `send` and each
    /// message that arrives for it with probability `receive` (an omission fault: a full buffer,
    /// say). `Omit` with 0 and 0 makes it well again.
    Omit {
        process: ProcessRef,
        send: f64,
        receive: f64,
    },
}

impl Action {
    fn names_message(&self) -> bool {
        matches!(
            self,
            Action::Drop { .. } | Action::Duplicate { .. } | Action::Delay { .. }
        )
    }
}

/// A fault planned in the scenario at a virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub at: Time,
    #[serde(flatten)]
    pub action: Action,
}

/// The learner's hand in the run, applied just before step `step` executes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    pub step: u64,
    #[serde(flatten)]
    pub action: Action,
}

/// When a run stops by itself, besides running out of things to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default = "Limits::default_max_steps")]
    pub max_steps: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_time: Option<Time>,
}

impl Limits {
    fn default_max_steps() -> u64 {
        2_000
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: Self::default_max_steps(),
            max_time: None,
        }
    }
}

/// Everything that defines a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Lowercase with dashes, starting with its lesson: `clocks-three-events`.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Which protocol runs: `scripted`, `gossip`, ...
    pub protocol: String,
    /// Which variant of it; empty means the protocol's first.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// The protocol's own parameters.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub params: serde_json::Value,
    /// Process names, one lane each.
    pub processes: Vec<String>,
    #[serde(default)]
    pub network: NetworkModel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
    #[serde(default)]
    pub seed: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<Intervention>,
    #[serde(default)]
    pub limits: Limits,
}

fn check_probability(field: &str, p: f64) -> Result<(), ScenarioError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ScenarioError::invalid(
            field,
            format!("{p} is not a probability: give a number from 0 to 1"),
        ))
    }
}

fn check_latency(field: &str, latency: &Latency) -> Result<(), ScenarioError> {
    if latency.min > latency.max {
        return Err(ScenarioError::invalid(
            field,
            format!("min ({}) is larger than max ({})", latency.min, latency.max),
        ));
    }
    if latency.max > 1_000_000 {
        return Err(ScenarioError::invalid(
            field,
            "latencies above 1000000 ticks are not supported",
        ));
    }
    Ok(())
}

impl Scenario {
    /// Parse a scenario from JSON and check it; errors say where and what.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Check everything the engine relies on; protocol parameters are checked by the protocol.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let n = self.processes.len();
        if n == 0 {
            return Err(ScenarioError::invalid(
                "processes",
                "a scenario needs at least one process",
            ));
        }
        if n > MAX_PROCESSES {
            return Err(ScenarioError::invalid(
                "processes",
                format!("{n} processes is too many; the most is {MAX_PROCESSES}"),
            ));
        }
        for (i, name) in self.processes.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(ScenarioError::invalid(
                    format!("processes[{i}]"),
                    "a process needs a name",
                ));
            }
            if self.processes[..i].contains(name) {
                return Err(ScenarioError::invalid(
                    format!("processes[{i}]"),
                    format!("the name \"{name}\" is used twice"),
                ));
            }
        }
        check_latency("network.latency", &self.network.latency)?;
        check_probability("network.loss", self.network.loss)?;
        check_probability("network.duplicate", self.network.duplicate)?;
        self.check_timing()?;
        for (i, link) in self.network.links.iter().enumerate() {
            let field = format!("network.links[{i}]");
            for end in &link.between {
                end.resolve(&self.processes, &format!("{field}.between"))?;
            }
            if let Some(l) = &link.latency {
                check_latency(&format!("{field}.latency"), l)?;
            }
            if let Some(p) = link.loss {
                check_probability(&format!("{field}.loss"), p)?;
            }
        }
        for (i, fault) in self.faults.iter().enumerate() {
            let field = format!("faults[{i}]");
            if fault.action.names_message() {
                return Err(ScenarioError::invalid(
                    field,
                    "a planned fault can crash, recover, cut, heal, omit, fire a timer or hand \
                     in a request; dropping, duplicating or \
                     delaying a message belongs in interventions, which name the message",
                ));
            }
            self.resolve_action(&fault.action, &field)?;
        }
        for (i, intervention) in self.interventions.iter().enumerate() {
            self.resolve_action(&intervention.action, &format!("interventions[{i}]"))?;
        }
        if self.limits.max_steps > MAX_STEPS {
            return Err(ScenarioError::invalid(
                "limits.max_steps",
                format!(
                    "{} steps is too many; the most is {MAX_STEPS}",
                    self.limits.max_steps
                ),
            ));
        }
        Ok(())
    }

    fn check_timing(&self) -> Result<(), ScenarioError> {
        let field = "network.timing";
        match self.network.timing {
            Timing::Plain => Ok(()),
            Timing::Synchronous { round } => {
                if round < self.network.latency.max.max(1) {
                    return Err(ScenarioError::invalid(
                        format!("{field}.round"),
                        format!(
                            "a round of {round} ticks is shorter than the bound on a message \
                             ({} ticks): what is sent at the start of a round must arrive \
                             before it ends",
                            self.network.latency.max
                        ),
                    ));
                }
                if round > 1_000_000 {
                    return Err(ScenarioError::invalid(
                        format!("{field}.round"),
                        "rounds above 1000000 ticks are not supported",
                    ));
                }
                Ok(())
            }
            Timing::Asynchronous { stall, longest }
            | Timing::PartiallySynchronous { stall, longest, .. } => {
                check_probability(&format!("{field}.stall"), stall)?;
                if longest > 1_000_000 {
                    return Err(ScenarioError::invalid(
                        format!("{field}.longest"),
                        "a hold-up above 1000000 ticks is not supported",
                    ));
                }
                Ok(())
            }
        }
    }

    /// Check that the processes an action names exist.
    pub(crate) fn resolve_action(
        &self,
        action: &Action,
        field: &str,
    ) -> Result<ResolvedAction, ScenarioError> {
        let p = &self.processes;
        Ok(match action {
            Action::Drop { message } => ResolvedAction::Drop(*message),
            Action::Duplicate { message } => ResolvedAction::Duplicate(*message),
            Action::Delay { message, by } => ResolvedAction::Delay(*message, *by),
            Action::Crash { process } => {
                ResolvedAction::Crash(process.resolve(p, &format!("{field}.process"))?)
            }
            Action::Recover { process } => {
                ResolvedAction::Recover(process.resolve(p, &format!("{field}.process"))?)
            }
            Action::Fire { process, timer } => ResolvedAction::Fire(
                process.resolve(p, &format!("{field}.process"))?,
                checked_text(&format!("{field}.timer"), timer)?,
            ),
            Action::Request { process, request } => ResolvedAction::Request(
                process.resolve(p, &format!("{field}.process"))?,
                checked_text(&format!("{field}.request"), request)?,
            ),
            Action::Omit {
                process,
                send,
                receive,
            } => {
                check_probability(&format!("{field}.send"), *send)?;
                check_probability(&format!("{field}.receive"), *receive)?;
                ResolvedAction::Omit(
                    process.resolve(p, &format!("{field}.process"))?,
                    *send,
                    *receive,
                )
            }
            Action::Cut { between } | Action::Heal { between } => {
                let a = between[0].resolve(p, &format!("{field}.between"))?;
                let b = between[1].resolve(p, &format!("{field}.between"))?;
                if a == b {
                    return Err(ScenarioError::invalid(
                        format!("{field}.between"),
                        "a link joins two different processes",
                    ));
                }
                let link = (a.min(b), a.max(b));
                if matches!(action, Action::Cut { .. }) {
                    ResolvedAction::Cut(link)
                } else {
                    ResolvedAction::Heal(link)
                }
            }
        })
    }

    /// The protocol's parameters, parsed into its own type; missing parameters take defaults.
    pub fn params<T: serde::de::DeserializeOwned + Default>(&self) -> Result<T, ScenarioError> {
        if self.params.is_null() {
            return Ok(T::default());
        }
        // Read from the value in place: a replayed log's script is large, and a copy costs.
        T::deserialize(&self.params).map_err(|e| ScenarioError::invalid("params", e.to_string()))
    }
}

/// The longest timer name or request an action may carry.
pub const MAX_ACTION_TEXT: usize = 64;

/// A timer name or a request, checked: some text, not too long, no control characters.
fn checked_text(field: &str, text: &str) -> Result<Arc<str>, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::invalid(field, "it is empty"));
    }
    if text.chars().count() > MAX_ACTION_TEXT {
        return Err(ScenarioError::invalid(
            field,
            format!("it is longer than {MAX_ACTION_TEXT} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(ScenarioError::invalid(
            field,
            "it holds a control character (a line break or a tab)",
        ));
    }
    Ok(text.into())
}

/// An [`Action`] with its processes resolved to indices.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ResolvedAction {
    Drop(MessageId),
    Duplicate(MessageId),
    Delay(MessageId, Time),
    Crash(ProcessId),
    Recover(ProcessId),
    Cut((ProcessId, ProcessId)),
    Heal((ProcessId, ProcessId)),
    Fire(ProcessId, Arc<str>),
    Request(ProcessId, Arc<str>),
    /// The process and its send and receive omission rates.
    Omit(ProcessId, f64, f64),
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
