//! The trace: the one record of a run that the diagram, the CLI, the properties and the tests read.
//!
//! A trace only grows while a run goes on. Showing the run "at step N" means showing the prefix of
//! steps `0..N`: every event and message carries the step that made it, so a view filters rather
//! than re-simulates. The JSON form is documented in `docs/trace-format.md`.
//!
//! A long run makes millions of events, so the trace keeps them compact: vector clocks live in one
//! flat array ([`Trace::vector`]), the state summary is shared by the events of a step, and the
//! narration is kept as the facts it tells and written out only when asked for
//! ([`Trace::narration`]). None of this shows in the JSON, which is as the format describes.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use serde::de::Error as _;
use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::process::{Content, Field, ProcessId, Time};
use crate::vector_clocks::VectorClocks;

/// A typed value the engine keeps in the trace next to its display text: a message's contents
/// ([`Message::content`]) or an output's fact ([`Output::fact`]). Empty in a trace read from JSON
/// (an imported log has texts only).
///
/// It is not part of the JSON, so it does not count in comparisons: any two are equal.
#[derive(Clone, Default)]
pub struct Typed(Option<Content>);

impl Typed {
    /// The value `content`.
    pub fn new(content: Content) -> Typed {
        Typed(Some(content))
    }

    /// The value, if there is one and it is a `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.as_ref()?.as_any().downcast_ref()
    }

    /// The value with its type erased, if there is one.
    pub fn content(&self) -> Option<&Content> {
        self.0.as_ref()
    }

    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(c) => write!(f, "Typed({c:?})"),
            None => f.write_str("Typed(-)"),
        }
    }
}

/// Not part of the JSON: see [`Typed`].
impl PartialEq for Typed {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Typed {}

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

impl EventKind {
    /// The kind as one lowercase word, as the trace JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Start => "start",
            EventKind::Send => "send",
            EventKind::Receive => "receive",
            EventKind::Local => "local",
            EventKind::Timer => "timer",
            EventKind::Crash => "crash",
            EventKind::Recover => "recover",
        }
    }
}

/// One dot on a lane. Its vector clock is kept by the trace: [`Trace::vector`].
#[derive(Clone, Debug, PartialEq)]
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
    /// The message sent or received, for send and receive events.
    pub message: Option<MessageId>,
    /// A short name: the message's label for a send or receipt, the event's for a local one
    /// (shared by the events that have the same one).
    pub label: Arc<str>,
    /// The process's state after the step that made this event, as a short summary (shared by
    /// the events of one step).
    pub state: Arc<str>,
    /// The same state as named fields, if the protocol lists them ([`Process::fields`]); shared
    /// while they do not change. Read these rather than parse [`Event::state`].
    ///
    /// [`Process::fields`]: crate::Process::fields
    pub fields: Arc<[Field]>,
}

impl Event {
    /// The value of the state field `name` after this event's step, if the protocol lists it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }
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
    /// Its sender, suffering omission faults, never let it leave.
    OmittedBySender,
    /// It arrived, but its receiver, suffering omission faults, never took it.
    OmittedByReceiver,
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
            Fate::OmittedBySender => "omitted by its sender",
            Fate::OmittedByReceiver => "omitted by its receiver",
        }
    }
}

/// A message's payload in full, for the inspector: the `Debug` form of its contents.
///
/// A simulated message keeps its contents and writes the text only when it is first read (most
/// never are); a message read from JSON (an imported log) keeps the text it came with. It reads as
/// an `Arc<str>` (`&m.payload`, `m.payload.clone()`, `m.payload.len()`), and is a string in the
/// JSON.
pub struct PayloadText {
    text: OnceLock<Arc<str>>,
    /// The contents to write the text from, until it is written.
    content: Option<Content>,
    /// Whether the text is scrambled ([`crate::testing::scramble_display`]).
    scramble: bool,
}

impl PayloadText {
    /// The text of `content`, written when first read (scrambled if `scramble`).
    pub fn of(content: Content, scramble: bool) -> PayloadText {
        PayloadText {
            text: OnceLock::new(),
            content: Some(content),
            scramble,
        }
    }

    /// A copy that shares the text, or writes it from the same contents.
    pub fn duplicate(&self) -> PayloadText {
        PayloadText {
            text: self.text.clone(),
            content: self.content.clone(),
            scramble: self.scramble,
        }
    }

    /// The text.
    pub fn text(&self) -> &Arc<str> {
        self.text.get_or_init(|| match &self.content {
            Some(content) => {
                let text = format!("{content:?}");
                if self.scramble {
                    Arc::from(crate::testing::scramble(&text))
                } else {
                    Arc::from(text)
                }
            }
            None => Arc::from(""),
        })
    }
}

// No `Clone`: `m.payload.clone()` is the text's (an `Arc<str>`), through `Deref`. A copy of a
// message copies it with `PayloadText::duplicate`.
impl std::ops::Deref for PayloadText {
    type Target = Arc<str>;
    fn deref(&self) -> &Arc<str> {
        self.text()
    }
}

impl AsRef<str> for PayloadText {
    fn as_ref(&self) -> &str {
        self.text()
    }
}

impl From<Arc<str>> for PayloadText {
    fn from(text: Arc<str>) -> PayloadText {
        PayloadText {
            text: OnceLock::from(text),
            content: None,
            scramble: false,
        }
    }
}

impl From<&str> for PayloadText {
    fn from(text: &str) -> PayloadText {
        PayloadText::from(Arc::<str>::from(text))
    }
}

impl From<String> for PayloadText {
    fn from(text: String) -> PayloadText {
        PayloadText::from(Arc::<str>::from(text))
    }
}

impl Default for PayloadText {
    fn default() -> PayloadText {
        PayloadText::from("")
    }
}

impl std::fmt::Debug for PayloadText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self.text(), f)
    }
}

impl std::fmt::Display for PayloadText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl PartialEq for PayloadText {
    fn eq(&self, other: &Self) -> bool {
        **self.text() == **other.text()
    }
}

impl Eq for PayloadText {}

impl PartialEq<str> for PayloadText {
    fn eq(&self, other: &str) -> bool {
        **self.text() == *other
    }
}

impl PartialEq<&str> for PayloadText {
    fn eq(&self, other: &&str) -> bool {
        **self.text() == **other
    }
}

impl Serialize for PayloadText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text())
    }
}

impl<'de> Deserialize<'de> for PayloadText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(PayloadText::from)
    }
}

/// One arrow.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub from: ProcessId,
    pub to: ProcessId,
    pub label: String,
    /// The payload in full, for the inspector: written from [`Message::content`] when first
    /// read ([`PayloadText`]).
    pub payload: PayloadText,
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
    /// Whether its arrival made no event of its own but joined the receiver's next one (a
    /// logged event that heard from several hosts: [`crate::Effect::SendAlong`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
    /// The message itself, as the protocol sent it (the same value the receiver's handler
    /// gets): read it with [`Message::content`]. Not in the JSON.
    #[serde(skip)]
    pub content: Typed,
}

impl Clone for Message {
    fn clone(&self) -> Message {
        Message {
            id: self.id,
            from: self.from,
            to: self.to,
            label: self.label.clone(),
            payload: self.payload.duplicate(),
            send_event: self.send_event,
            receive_event: self.receive_event,
            fate: self.fate,
            sent_at: self.sent_at,
            created_step: self.created_step,
            arrives_at: self.arrives_at,
            settled_step: self.settled_step,
            settled_at: self.settled_at,
            duplicate_of: self.duplicate_of,
            merged: self.merged,
            content: self.content.clone(),
        }
    }
}

impl Message {
    /// The message as the protocol sent it, if it is a `T` (and the trace was simulated, not
    /// read from JSON): `m.content::<PaxosMessage>()`.
    pub fn content<T: 'static>(&self) -> Option<&T> {
        self.content.get()
    }

    /// Whether the protocol sent this again (a retransmission), as its payload says; false for
    /// a message read from a log, which has no payload.
    pub fn sent_again(&self) -> bool {
        self.content.content().is_some_and(|c| c.sent_again())
    }
}

/// A value a protocol delivered or decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub process: ProcessId,
    pub event: EventId,
    /// The protocol's identifier for what this is: `deliver`, `decide`.
    pub kind: String,
    /// The value as a person reads it.
    pub value: String,
    /// The value as the protocol recorded it with
    /// [`Context::output_fact`](crate::Context::output_fact): read it with [`Output::fact`].
    /// Not in the JSON.
    #[serde(skip)]
    pub fact: Typed,
}

impl Output {
    /// The typed fact, if the protocol recorded one of type `T`.
    pub fn fact<T: 'static>(&self) -> Option<&T> {
        self.fact.get()
    }
}

/// One step of the simulation: a process took one atomic step (received a message, or a timer
/// fired, or it started, crashed or recovered), or the learner intervened.
///
/// Its sentence for the narration line is [`Trace::narration`]. Two steps compare equal when
/// their index, time and process do; the narration is compared by [`Trace`]'s `==`.
#[derive(Clone, Debug)]
pub struct Step {
    pub index: u64,
    pub time: Time,
    /// The process that acted, if one did.
    pub process: Option<ProcessId>,
    /// Where this step's sentences lie in [`Trace::sentences`].
    said: [u32; 2],
}

impl PartialEq for Step {
    fn eq(&self, other: &Self) -> bool {
        (self.index, self.time, self.process) == (other.index, other.time, other.process)
    }
}

impl Step {
    /// A step whose sentences are `sentences[range]` of its trace.
    pub(crate) fn new(
        index: u64,
        time: Time,
        process: Option<ProcessId>,
        said: std::ops::Range<usize>,
    ) -> Step {
        Step {
            index,
            time,
            process,
            said: [said.start as u32, said.end as u32],
        }
    }

    fn said(&self) -> std::ops::Range<usize> {
        self.said[0] as usize..self.said[1] as usize
    }
}

/// One sentence of a step's narration, kept as the facts it tells: the names and labels it
/// quotes are looked up in the trace when the sentence is written out.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Said {
    /// Narration read from JSON, word for word (a whole step's).
    Verbatim(Box<str>),
    /// A process's own explanation; it gets a full stop if it has none.
    Note(Arc<str>),
    /// `P crashes.` or, by the learner, `You crash P.`
    Crash { process: u32, by_learner: bool },
    /// `P recovers.` or `You bring P back up.`
    Recover { process: u32, by_learner: bool },
    /// A link cut or healed, by the fault plan or the learner.
    Link {
        between: [u32; 2],
        cut: bool,
        by_learner: bool,
    },
    /// `You drop m from P to Q.`
    Drop(u32),
    /// `You duplicate m from P to Q.`
    Duplicate(u32),
    /// `You hold m from P to Q back by N ticks.`
    Delay(u32, Time),
    /// `m from P reaches Q, which is down: it is lost.`
    LostToCrash(u32),
    /// `m from P to Q dies on the cut link.`
    DiesOnCut(u32),
    /// `The network loses m from P to Q.`
    Loses(u32),
    /// `P omits m to Q: it never leaves.`
    OmittedBySender(u32),
    /// `m from P reaches Q, which omits it.`
    OmittedByReceiver(u32),
    /// `P starts omitting: 50% of what it sends, 0% of what it receives.` or `P omits nothing
    /// any more.` (`You make P omit ...` by the learner). The rates are kept as fractions.
    Omit {
        process: u32,
        send: f32,
        receive: f32,
        by_learner: bool,
    },
    /// `P's timer T fires.`
    TimerFires { process: u32, name: Arc<str> },
    /// `You make P's T run out now.` (or, planned: `P's T is made to run out now.`)
    Hurry {
        process: u32,
        name: Arc<str>,
        by_learner: bool,
    },
    /// `A client hands P the request R.`
    Request { process: u32, request: Arc<str> },
    /// What a process did in one handler: `Q receives m from P and sends m to R, S`, told from
    /// the receipt (if `receipt` names its message) and the events `events` made, less the
    /// first of them when an output made it (`skip_first`).
    Acts {
        process: u32,
        receipt: Option<u32>,
        events: [u32; 2],
        skip_first: bool,
    },
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
///
/// Its JSON form (`serde`) is the documented trace format: each event object carries its
/// `vector`, each step object its `narration`.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub processes: Vec<String>,
    pub events: Vec<Event>,
    pub messages: Vec<Message>,
    pub outputs: Vec<Output>,
    pub steps: Vec<Step>,
    /// Interventions that could not be applied (the message had already arrived, say).
    pub warnings: Vec<String>,
    /// Links cut and healed, in order.
    pub link_changes: Vec<LinkChange>,
    /// Every timer a process set, from the step that set it to the step that ended it, in the
    /// order they were set: what a view needs to draw a countdown on a lane.
    pub timers: Vec<TimerSpan>,
    /// The vector clocks of the events, `processes.len()` entries each.
    pub(crate) vectors: VectorClocks,
    /// The sentences of the steps' narration, one step after the other.
    pub(crate) sentences: Vec<Said>,
}

/// How a timer stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerEnd {
    /// It went off.
    Fired,
    /// The process cancelled it.
    Cancelled,
    /// The process set it again, which starts a new span.
    Reset,
    /// The process crashed, and its timers with it.
    Crashed,
}

/// When and how a timer stopped running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimerStop {
    pub how: TimerEnd,
    pub step: u64,
    pub at: Time,
}

/// One timer, from when it was set to when it fired or stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerSpan {
    pub process: ProcessId,
    pub name: String,
    /// The step that set it, and its time.
    pub set_step: u64,
    pub set_at: Time,
    /// When it is due to go off.
    pub due: Time,
    /// How it stopped; absent while it still runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<TimerStop>,
}

impl TimerSpan {
    /// Whether the timer is running after the first `steps` steps.
    pub fn running_at(&self, steps: u64) -> bool {
        self.set_step < steps && self.stopped.is_none_or(|s| s.step >= steps)
    }
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

/// A rate as a percentage, for the narration: `50%`, `12.5%`.
pub fn percent(rate: f32) -> String {
    let p = (f64::from(rate) * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// `a <= b` entry by entry.
pub fn vector_le(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x <= y)
}

impl Trace {
    /// The contents of message `id`, if it has them and they are a `T`.
    pub fn content_of<T: 'static>(&self, id: MessageId) -> Option<&T> {
        self.messages.get(id)?.content()
    }

    /// The vector clock of event `e`: one entry per process, in process order.
    ///
    /// # Panics
    /// If there is no event `e`.
    pub fn vector(&self, e: EventId) -> &[u32] {
        self.vectors.get(e).expect("no such event")
    }

    /// The sentence for the narration line of step `step` (an index into [`Trace::steps`]):
    /// `"P2 receives m1 from P1."`
    ///
    /// # Panics
    /// If there is no step `step`.
    pub fn narration(&self, step: usize) -> String {
        let mut out = String::new();
        self.write_narration(step, &mut out);
        out
    }

    /// Append the narration of step `step` to `out`.
    fn write_narration(&self, step: usize, out: &mut String) {
        let said = &self.sentences[self.steps[step].said()];
        if said.is_empty() {
            out.push_str("Nothing visible happens.");
            return;
        }
        for (i, sentence) in said.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            self.write_sentence(sentence, out);
        }
    }

    fn write_sentence(&self, said: &Said, out: &mut String) {
        let name = |p: u32| self.processes.get(p as usize).map_or("?", String::as_str);
        let name_of = name;
        // The label, sender and receiver of a message.
        let message = |id: u32| {
            self.messages.get(id as usize).map_or(("?", "?", "?"), |m| {
                (m.label.as_str(), name(m.from as u32), name(m.to as u32))
            })
        };
        // Writing to a String cannot fail.
        let _ = match *said {
            Said::Verbatim(ref text) => {
                out.push_str(text);
                Ok(())
            }
            Said::Note(ref text) => {
                out.push_str(text);
                if !text.ends_with(['.', '!', '?']) {
                    out.push('.');
                }
                Ok(())
            }
            Said::Crash {
                process,
                by_learner: true,
            } => write!(out, "You crash {}.", name(process)),
            Said::Crash { process, .. } => write!(out, "{} crashes.", name(process)),
            Said::Recover {
                process,
                by_learner: true,
            } => write!(out, "You bring {} back up.", name(process)),
            Said::Recover { process, .. } => write!(out, "{} recovers.", name(process)),
            Said::Link {
                between: [a, b],
                cut,
                by_learner,
            } => {
                let (a, b) = (name(a), name(b));
                match (by_learner, cut) {
                    (true, true) => write!(out, "You cut the link {a}–{b}."),
                    (true, false) => write!(out, "You heal the link {a}–{b}."),
                    (false, true) => write!(out, "The link {a}–{b} is cut."),
                    (false, false) => write!(out, "The link {a}–{b} heals."),
                }
            }
            Said::Drop(id) => {
                let (label, from, to) = message(id);
                write!(out, "You drop {label} from {from} to {to}.")
            }
            Said::Duplicate(id) => {
                let (label, from, to) = message(id);
                write!(out, "You duplicate {label} from {from} to {to}.")
            }
            Said::Delay(id, by) => {
                let (label, from, to) = message(id);
                write!(
                    out,
                    "You hold {label} from {from} to {to} back by {by} ticks."
                )
            }
            Said::LostToCrash(id) => {
                let (label, from, to) = message(id);
                write!(
                    out,
                    "{label} from {from} reaches {to}, which is down: it is lost."
                )
            }
            Said::DiesOnCut(id) => {
                let (label, from, to) = message(id);
                write!(out, "{label} from {from} to {to} dies on the cut link.")
            }
            Said::Loses(id) => {
                let (label, from, to) = message(id);
                write!(out, "The network loses {label} from {from} to {to}.")
            }
            Said::OmittedBySender(id) => {
                let (label, from, to) = message(id);
                write!(out, "{from} omits {label} to {to}: it never leaves.")
            }
            Said::OmittedByReceiver(id) => {
                let (label, from, to) = message(id);
                write!(out, "{label} from {from} reaches {to}, which omits it.")
            }
            Said::Omit {
                process,
                send,
                receive,
                by_learner,
            } => {
                let who = name(process);
                match (send == 0.0 && receive == 0.0, by_learner) {
                    (true, true) => write!(out, "You make {who} omit nothing any more."),
                    (true, false) => write!(out, "{who} omits nothing any more."),
                    (false, by_learner) => if by_learner {
                        write!(out, "You make {who} omit messages: ")
                    } else {
                        write!(out, "{who} starts omitting: ")
                    }
                    .and_then(|()| {
                        write!(
                            out,
                            "{} of what it sends, {} of what it receives.",
                            percent(send),
                            percent(receive)
                        )
                    }),
                }
            }
            Said::TimerFires { process, ref name } => {
                let who = self
                    .processes
                    .get(process as usize)
                    .map_or("?", String::as_str);
                write!(out, "{who}'s timer {name} fires.")
            }
            Said::Hurry {
                process,
                ref name,
                by_learner,
            } => {
                let who = name_of(process);
                if by_learner {
                    write!(out, "You make {who}'s {name} run out now.")
                } else {
                    write!(out, "{who}'s {name} is made to run out now.")
                }
            }
            Said::Request {
                process,
                ref request,
            } => write!(
                out,
                "A client hands {} the request {request}.",
                name(process)
            ),
            Said::Acts {
                process,
                receipt,
                events,
                skip_first,
            } => {
                self.write_acts(process, receipt, events, skip_first, out);
                Ok(())
            }
        };
    }

    /// `Q receives m from P and does a, sends m to R, S and sends n to T.`: the receipt (if
    /// any) leads, then one clause per local event and per run of sends of the same label.
    fn write_acts(
        &self,
        process: u32,
        receipt: Option<u32>,
        events: [u32; 2],
        skip_first: bool,
        out: &mut String,
    ) {
        let name = |p: usize| self.processes.get(p).map_or("?", String::as_str);
        let start = events[0] as usize + usize::from(skip_first);
        let events = self
            .events
            .get(start..events[1] as usize)
            .unwrap_or_default();
        let target = |e: &Event| {
            e.message
                .and_then(|m| self.messages.get(m))
                .map_or(usize::MAX, |m| m.to)
        };
        // A clause starts at each event but a send that continues a run of sends of one label.
        let starts_clause = |i: usize| {
            let e = &events[i];
            !(e.kind == EventKind::Send
                && i > 0
                && events[i - 1].kind == EventKind::Send
                && events[i - 1].label == e.label)
        };
        let clauses = (0..events.len()).filter(|&i| starts_clause(i)).count();
        match receipt {
            Some(id) => {
                let (label, from, to) =
                    self.messages.get(id as usize).map_or(("?", "?", "?"), |m| {
                        (m.label.as_str(), name(m.from), name(m.to))
                    });
                let _ = write!(out, "{to} receives {label} from {from}");
                if clauses > 0 {
                    out.push_str(" and ");
                }
            }
            None => {
                out.push_str(name(process as usize));
                out.push(' ');
            }
        }
        let mut clause = 0;
        for (i, e) in events.iter().enumerate() {
            if starts_clause(i) {
                if clause > 0 {
                    out.push_str(if clause + 1 == clauses { " and " } else { ", " });
                }
                clause += 1;
                if e.kind == EventKind::Send {
                    let _ = write!(out, "sends {} to {}", e.label, name(target(e)));
                } else {
                    let _ = write!(out, "does {}", e.label);
                }
            } else {
                out.push_str(", ");
                out.push_str(name(target(e)));
            }
        }
        out.push('.');
    }

    /// Add an event to the trace with its vector clock. `event.id` must be the next id.
    pub(crate) fn push_event(&mut self, event: Event, vector: &[u32]) {
        debug_assert_eq!(event.id, self.events.len());
        debug_assert_eq!(vector.len(), self.processes.len());
        self.events.push(event);
        self.vectors.push(vector);
    }

    /// Cut the trace back to its first `events` events and `steps` steps.
    pub(crate) fn truncate(&mut self, events: usize, steps: usize) {
        self.events.truncate(events);
        self.vectors.truncate(events);
        self.steps.truncate(steps);
        let said = self.steps.last().map_or(0, |s| s.said[1] as usize);
        self.sentences.truncate(said);
    }

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

    /// Each process's omission rates `(send, receive)` after the first `steps` steps, as the
    /// narration of its omission faults tells them: `(0.0, 0.0)` for one that omits nothing. A
    /// trace read from JSON keeps its narration as text, and reads as omitting nothing.
    pub fn omitting_at(&self, steps: u64) -> Vec<(f64, f64)> {
        let mut rates = vec![(0.0, 0.0); self.processes.len()];
        let shown = (steps as usize).min(self.steps.len());
        let said = self.steps[..shown].last().map_or(0, |s| s.said[1] as usize);
        for sentence in &self.sentences[..said.min(self.sentences.len())] {
            if let Said::Omit {
                process,
                send,
                receive,
                ..
            } = *sentence
            {
                if let Some(rate) = rates.get_mut(process as usize) {
                    *rate = (f64::from(send), f64::from(receive));
                }
            }
        }
        rates
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
        let (va, vb) = (self.vector(a), self.vector(b));
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

    /// The events directly after `e` in happens-before: the next event on its lane and the
    /// receipts of the messages it sent (and of any duplicate of them).
    pub fn successors(&self, e: EventId) -> Vec<EventId> {
        let event = &self.events[e];
        let mut next = Vec::new();
        if let Some(after) = self.events[e + 1..]
            .iter()
            .find(|x| x.process == event.process)
        {
            next.push(after.id);
        }
        // Any event may send: a replayed log's receipt can pass the news on.
        for m in &self.messages {
            if m.send_event == e {
                if let Some(r) = m.receive_event {
                    next.push(r);
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
        let kept_steps: Vec<Step> = self.steps.iter().take(steps as usize).cloned().collect();
        let said = kept_steps.last().map_or(0, |s| s.said[1] as usize);
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
            steps: kept_steps,
            warnings: self.warnings.clone(),
            link_changes: self
                .link_changes
                .iter()
                .filter(|c| c.step < steps)
                .cloned()
                .collect(),
            timers: self
                .timers
                .iter()
                .filter(|t| t.set_step < steps)
                .map(|t| {
                    let mut t = t.clone();
                    if t.stopped.is_some_and(|s| s.step >= steps) {
                        t.stopped = None;
                    }
                    t
                })
                .collect(),
            vectors: self.vectors.prefix(kept),
            sentences: self.sentences[..said].to_vec(),
        }
    }
}

/// Two traces are equal when their JSON would be.
impl PartialEq for Trace {
    fn eq(&self, other: &Self) -> bool {
        self.processes == other.processes
            && self.events == other.events
            && self.vectors == other.vectors
            && self.messages == other.messages
            && self.outputs == other.outputs
            && self.warnings == other.warnings
            && self.link_changes == other.link_changes
            && self.timers == other.timers
            && self.steps == other.steps
            && self
                .steps
                .iter()
                .zip(&other.steps)
                .enumerate()
                .all(|(i, (a, b))| {
                    // The same facts about the same events tell the same story.
                    self.sentences[a.said()] == other.sentences[b.said()]
                        || self.narration(i) == other.narration(i)
                })
    }
}

/// An event as JSON has it, with its vector clock inside.
#[derive(Serialize)]
struct EventOut<'a> {
    id: EventId,
    process: ProcessId,
    index: usize,
    time: Time,
    step: u64,
    kind: EventKind,
    lamport: u64,
    vector: &'a [u32],
    message: Option<MessageId>,
    label: &'a str,
    state: &'a str,
    #[serde(skip_serializing_if = "<[Field]>::is_empty")]
    fields: &'a [Field],
}

#[derive(Deserialize)]
#[serde(rename = "Event")]
struct EventIn {
    id: EventId,
    process: ProcessId,
    index: usize,
    time: Time,
    step: u64,
    kind: EventKind,
    lamport: u64,
    vector: Vec<u32>,
    message: Option<MessageId>,
    label: String,
    state: String,
    #[serde(default)]
    fields: Vec<Field>,
}

/// A step as JSON has it, with its narration written out.
#[derive(Serialize)]
struct StepOut<'a> {
    index: u64,
    time: Time,
    process: Option<ProcessId>,
    narration: &'a str,
}

#[derive(Deserialize)]
#[serde(rename = "Step")]
struct StepIn {
    index: u64,
    time: Time,
    process: Option<ProcessId>,
    narration: String,
}

impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Events<'a>(&'a Trace);
        impl Serialize for Events<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let t = self.0;
                serializer.collect_seq(t.events.iter().map(|e| EventOut {
                    id: e.id,
                    process: e.process,
                    index: e.index,
                    time: e.time,
                    step: e.step,
                    kind: e.kind,
                    lamport: e.lamport,
                    vector: t.vectors.get(e.id).unwrap_or_default(),
                    message: e.message,
                    label: &e.label,
                    state: &e.state,
                    fields: &e.fields,
                }))
            }
        }
        struct Steps<'a>(&'a Trace);
        impl Serialize for Steps<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq as _;
                let t = self.0;
                let mut seq = serializer.serialize_seq(Some(t.steps.len()))?;
                let mut narration = String::new();
                for (i, s) in t.steps.iter().enumerate() {
                    narration.clear();
                    t.write_narration(i, &mut narration);
                    seq.serialize_element(&StepOut {
                        index: s.index,
                        time: s.time,
                        process: s.process,
                        narration: &narration,
                    })?;
                }
                seq.end()
            }
        }
        let fields =
            6 + usize::from(!self.link_changes.is_empty()) + usize::from(!self.timers.is_empty());
        let mut st = serializer.serialize_struct("Trace", fields)?;
        st.serialize_field("processes", &self.processes)?;
        st.serialize_field("events", &Events(self))?;
        st.serialize_field("messages", &self.messages)?;
        st.serialize_field("outputs", &self.outputs)?;
        st.serialize_field("steps", &Steps(self))?;
        st.serialize_field("warnings", &self.warnings)?;
        if self.link_changes.is_empty() {
            st.skip_field("link_changes")?;
        } else {
            st.serialize_field("link_changes", &self.link_changes)?;
        }
        if self.timers.is_empty() {
            st.skip_field("timers")?;
        } else {
            st.serialize_field("timers", &self.timers)?;
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for Trace {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "Trace")]
        struct TraceIn {
            processes: Vec<String>,
            events: Vec<EventIn>,
            messages: Vec<Message>,
            outputs: Vec<Output>,
            #[serde(default)]
            steps: Vec<StepIn>,
            #[serde(default)]
            warnings: Vec<String>,
            #[serde(default)]
            link_changes: Vec<LinkChange>,
            #[serde(default)]
            timers: Vec<TimerSpan>,
        }
        let t = TraceIn::deserialize(deserializer)?;
        if t.events.len() > crate::MAX_EVENTS {
            return Err(D::Error::custom(format!(
                "this trace has {} events; the page holds at most {}",
                crate::words::thousands(t.events.len() as u64),
                crate::words::thousands(crate::MAX_EVENTS as u64)
            )));
        }
        let n = t.processes.len();
        let mut trace = Trace {
            processes: t.processes,
            messages: t.messages,
            outputs: t.outputs,
            warnings: t.warnings,
            link_changes: t.link_changes,
            timers: t.timers,
            ..Trace::default()
        };
        trace.events.reserve(t.events.len());
        let no_fields: Arc<[Field]> = Arc::from(Vec::new());
        for e in t.events {
            if e.vector.len() != n {
                return Err(D::Error::custom(format!(
                    "event {} has a vector clock of {} entries for {n} processes",
                    e.id,
                    e.vector.len()
                )));
            }
            trace.vectors.push(&e.vector);
            trace.events.push(Event {
                id: e.id,
                process: e.process,
                index: e.index,
                time: e.time,
                step: e.step,
                kind: e.kind,
                lamport: e.lamport,
                message: e.message,
                label: e.label.into(),
                state: e.state.into(),
                fields: if e.fields.is_empty() {
                    no_fields.clone()
                } else {
                    e.fields.into()
                },
            });
        }
        for s in t.steps {
            let at = trace.sentences.len();
            trace.sentences.push(Said::Verbatim(s.narration.into()));
            trace
                .steps
                .push(Step::new(s.index, s.time, s.process, at..at + 1));
        }
        Ok(trace)
    }
}

/// `Arc<str>` as a JSON string.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols;

    fn run(name: &str) -> Trace {
        let scenario = protocols::example(name).expect("a built-in example");
        crate::protocol::Run::complete(&scenario)
            .expect("it runs")
            .trace()
            .clone()
    }

    #[test]
    fn json_round_trips_with_vectors_and_narration_in_place() {
        for name in [
            "clocks-three-events",
            "gossip-lossy-network",
            "gossip-busy-sixteen",
        ] {
            let trace = run(name);
            let json = serde_json::to_string_pretty(&trace).unwrap();
            let back: Trace = serde_json::from_str(&json).unwrap();
            assert_eq!(back, trace, "{name}");
            assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json, "{name}");
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            for (i, e) in value["events"].as_array().unwrap().iter().enumerate() {
                let vector: Vec<u32> = serde_json::from_value(e["vector"].clone()).unwrap();
                assert_eq!(vector, back.vector(i), "{name} event {i}");
            }
            for (i, s) in value["steps"].as_array().unwrap().iter().enumerate() {
                assert_eq!(s["narration"], back.narration(i), "{name} step {i}");
                assert!(!back.narration(i).is_empty());
            }
        }
    }

    #[test]
    fn a_prefix_keeps_its_clocks_and_narration() {
        let trace = run("gossip-lossy-network");
        let n = trace.step_count() / 2;
        let prefix = trace.prefix(n);
        assert_eq!(prefix.step_count(), n);
        for e in &prefix.events {
            assert_eq!(prefix.vector(e.id), trace.vector(e.id));
        }
        for i in 0..n as usize {
            assert_eq!(prefix.narration(i), trace.narration(i));
        }
    }

    #[test]
    fn a_vector_clock_of_the_wrong_length_is_refused() {
        let mut value = serde_json::to_value(run("clocks-three-events")).unwrap();
        value["events"][1]["vector"] = serde_json::json!([1, 2, 3]);
        let error = serde_json::from_value::<Trace>(value).unwrap_err();
        assert!(error.to_string().contains("event 1"), "{error}");
    }

    #[test]
    fn the_sentences_stay_small() {
        assert!(std::mem::size_of::<Said>() <= 24);
    }
}
