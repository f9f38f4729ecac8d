//! The trace: the one record of a run that the diagram, the CLI, the properties and the tests read.
//!
//! A trace only grows while a run goes on. Showing the run "at step N" means showing the prefix of
//! steps `0..N`: every event and message carries the step that made it, so a view filters rather
//! than re-simulates. The JSON form is documented in `docs/trace-format.md`.

use serde::{Deserialize, Serialize};

use crate::process::{ProcessId, Time};

/// Index of an event in [`Trace::events`].
pub type EventId = usize;
/// Index of a message in [`Trace::messages`]; interventions name messages by it.
pub type MessageId = usize;

/// What kind of thing an event is. Only receipts merge a clock carried by a message; every other
/// kind increments the process's Lamport clock by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The process starts (recorded only where a log says so; simulated starts show their effects).
    Start,
    /// The process sends a message.
    Send,
    /// The process receives a message.
    Receive,
    /// A local computation or decision.
    Local,
    /// A timer fired and the process did nothing else visible.
    Timer,
    /// The process crashed.
    Crash,
    /// The process came back up.
    Recover,
}

/// One dot on a lane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub process: ProcessId,
    /// Position on its lane, from 0.
    pub index: usize,
    pub time: Time,
    /// The simulation step that made the event.
    pub step: u64,
    pub kind: EventKind,
    pub lamport: u64,
    /// The vector clock, one entry per process in process order.
    pub vector: Vec<u32>,
    /// The message sent or received, for send and receive events.
    pub message: Option<MessageId>,
    pub label: String,
    /// The process's state after the step that made this event, as a short summary.
    pub state: String,
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Delivered,
    DroppedByNetwork,
    DroppedByLearner,
    LostToCrash,
    InFlight,
}

impl Fate {
    /// A few words for the inspector and the narration.
    pub fn describe(self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::DroppedByNetwork => "dropped by the network",
            Fate::DroppedByLearner => "dropped by you",
            Fate::LostToCrash => "lost: its receiver was down",
            Fate::InFlight => "in flight",
        }
    }
}

/// One arrow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub from: ProcessId,
    pub to: ProcessId,
    pub label: String,
    /// The payload in full, for the inspector.
    pub payload: String,
    pub send_event: EventId,
    pub receive_event: Option<EventId>,
    pub fate: Fate,
    pub sent_at: Time,
    /// The step that made this message (a learner's duplicate is made later than its send event).
    pub created_step: u64,
    /// When the network would deliver it (for a dropped message, where its arrow ends).
    pub arrives_at: Time,
    /// The step at which its fate was settled, if it has been.
    pub settled_step: Option<u64>,
    /// When it was delivered or died; a dropped arrow ends here, in a cross.
    pub settled_at: Option<Time>,
    /// Set on a copy the network or the learner made of another message.
    pub duplicate_of: Option<MessageId>,
}

/// A value a protocol delivered or decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub process: ProcessId,
    pub event: EventId,
    pub kind: String,
    pub value: String,
}

/// One step of the simulation: a process took one atomic step (received a message, or a timer
/// fired, or it started, crashed or recovered), or the learner intervened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub index: u64,
    pub time: Time,
    /// The process that acted, if one did.
    pub process: Option<ProcessId>,
    /// One sentence for the narration line.
    pub narration: String,
}

/// A link cut or healed (by the fault plan or the learner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkChange {
    pub step: u64,
    /// The two processes, lower index first.
    pub between: [ProcessId; 2],
    /// `true` for a cut, `false` for a heal.
    pub cut: bool,
}

/// Everything that happened in a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub processes: Vec<String>,
    pub events: Vec<Event>,
    pub messages: Vec<Message>,
    pub outputs: Vec<Output>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Interventions that could not be applied (the message had already arrived, say).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Links cut and healed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_changes: Vec<LinkChange>,
}

/// How two events are ordered by happens-before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Same,
    /// a -> b
    Before,
    /// b -> a
    After,
    /// a || b
    Concurrent,
}

/// `a <= b` entry by entry.
pub fn vector_le(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y)
}

impl Trace {
    /// The events of one process in lane order.
    pub fn lane(&self, process: ProcessId) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.process == process)
    }

    /// The links that are cut after the first `steps` steps, lower index first.
    pub fn cut_links_at(&self, steps: u64) -> Vec<[ProcessId; 2]> {
        let mut cut: Vec<[ProcessId; 2]> = Vec::new();
        for change in self.link_changes.iter().take_while(|c| c.step < steps) {
            cut.retain(|l| *l != change.between);
            if change.cut {
                cut.push(change.between);
            }
        }
        cut
    }

    /// The number of steps the run took.
    pub fn step_count(&self) -> u64 {
        self.steps.len() as u64
    }

    /// The virtual time after the first `steps` steps.
    pub fn time_at_step(&self, steps: u64) -> Time {
        if steps == 0 {
            return 0;
        }
        self.steps
            .get(steps as usize - 1)
            .or(self.steps.last())
            .map_or(0, |s| s.time)
    }

    /// The happens-before relation between two events, read off their vector clocks.
    pub fn relation(&self, a: EventId, b: EventId) -> Relation {
        if a == b {
            return Relation::Same;
        }
        let (va, vb) = (&self.events[a].vector, &self.events[b].vector);
        if vector_le(va, vb) && va != vb {
            Relation::Before
        } else if vector_le(vb, va) && va != vb {
            Relation::After
        } else {
            Relation::Concurrent
        }
    }

    /// Whether `a -> b`.
    pub fn happens_before(&self, a: EventId, b: EventId) -> bool {
        self.relation(a, b) == Relation::Before
    }

    /// Whether `a || b`.
    pub fn concurrent(&self, a: EventId, b: EventId) -> bool {
        self.relation(a, b) == Relation::Concurrent
    }

    /// Every event that happened before `e`, in trace order.
    pub fn causal_past(&self, e: EventId) -> Vec<EventId> {
        (0..self.events.len())
            .filter(|&x| self.happens_before(x, e))
            .collect()
    }

    /// Every event that `e` happened before, in trace order.
    pub fn causal_future(&self, e: EventId) -> Vec<EventId> {
        (0..self.events.len())
            .filter(|&x| self.happens_before(e, x))
            .collect()
    }

    /// The events directly after `e` in happens-before: the next event on its lane and, for a send,
    /// the receipt of its message (and of any duplicate of it).
    pub fn successors(&self, e: EventId) -> Vec<EventId> {
        let event = &self.events[e];
        let mut next = Vec::new();
        if let Some(after) = self.events[e + 1..]
            .iter()
            .find(|x| x.process == event.process)
        {
            next.push(after.id);
        }
        if event.kind == EventKind::Send {
            for m in &self.messages {
                if m.send_event == e {
                    if let Some(r) = m.receive_event {
                        next.push(r);
                    }
                }
            }
        }
        next
    }

    /// A chain of events `a, ..., b` in which each is a lane successor or the receipt of the one
    /// before, proving `a -> b`; `None` when no such chain exists. The chain crosses as few
    /// messages as it can, so that the explanation is short.
    pub fn chain(&self, a: EventId, b: EventId) -> Option<Vec<EventId>> {
        if a == b || a >= self.events.len() || b >= self.events.len() {
            return None;
        }
        // 0-1 breadth-first search: a lane step costs nothing, a message costs one.
        let n = self.events.len();
        let mut cost = vec![usize::MAX; n];
        let mut prev = vec![usize::MAX; n];
        let mut deque = std::collections::VecDeque::new();
        cost[a] = 0;
        deque.push_back(a);
        while let Some(x) = deque.pop_front() {
            if x == b {
                break;
            }
            for y in self.successors(x) {
                let hop = usize::from(self.events[y].process != self.events[x].process);
                if cost[x] + hop < cost[y] {
                    cost[y] = cost[x] + hop;
                    prev[y] = x;
                    if hop == 0 {
                        deque.push_front(y);
                    } else {
                        deque.push_back(y);
                    }
                }
            }
        }
        if cost[b] == usize::MAX {
            return None;
        }
        let mut path = vec![b];
        let mut at = b;
        while at != a {
            at = prev[at];
            path.push(at);
        }
        path.reverse();
        Some(path)
    }

    /// The trace as it stood after its first `steps` steps: what a view shows at that point.
    /// Messages still travelling then are in flight again.
    pub fn prefix(&self, steps: u64) -> Trace {
        let events: Vec<Event> = self
            .events
            .iter()
            .take_while(|e| e.step < steps)
            .cloned()
            .collect();
        let kept = events.len();
        let messages = self
            .messages
            .iter()
            .filter(|m| m.created_step < steps)
            .map(|m| {
                let mut m = m.clone();
                if m.settled_step.is_none_or(|s| s >= steps) {
                    m.fate = Fate::InFlight;
                    m.receive_event = None;
                    m.settled_step = None;
                    m.settled_at = None;
                }
                m
            })
            .collect();
        Trace {
            processes: self.processes.clone(),
            events,
            messages,
            outputs: self
                .outputs
                .iter()
                .filter(|o| o.event < kept)
                .cloned()
                .collect(),
            steps: self.steps.iter().take(steps as usize).cloned().collect(),
            warnings: self.warnings.clone(),
            link_changes: self
                .link_changes
                .iter()
                .filter(|c| c.step < steps)
                .cloned()
                .collect(),
        }
    }
}
