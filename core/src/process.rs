//! The sans-IO side of the simulator: what a protocol node is, and the context through which it acts.
//!
//! A [`Process`] is a plain state machine with *typed* handlers: its messages are its own enum
//! (a [`Payload`]), and so are the facts it outputs. The simulation calls one of its handlers for
//! each thing that happens to it (it starts, a message arrives, a timer fires, it recovers from a
//! crash) and hands it a [`Context`]. The process never performs I/O: it *records* effects in the
//! context (send this, set that timer, say this in the narration, output that value) and the
//! simulation carries them out. Because the simulation owns time, the network and the random
//! number generator, a run is a pure function of its scenario, seed and interventions.
//!
//! The engine itself is written once for every protocol: it runs each process as an erased
//! [`Node`](crate::Node) (the one generic piece is a thin adapter that downcasts a message to the
//! protocol's type and calls the typed handler), and its messages travel as [`Content`]: the
//! typed value behind an `Arc`, which the trace keeps too. So a property reads what was *meant*,
//! not what was drawn: a message's [`content`](crate::Message::content), an output's
//! [`fact`](crate::Output::fact), a state's [`fields`](Process::fields). The display texts
//! (labels, payload text, output values, summaries) are for people.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rand::Rng as _;
use rand::SeedableRng as _;

/// Index of a process in its run, from 0. Trace JSON uses the same index.
pub type ProcessId = usize;

/// Virtual time, in ticks. Nothing in the simulator reads a wall clock.
pub type Time = u64;

/// The run's random number generator. Processes reach it only through [`Context`].
pub type Rng = rand_chacha::ChaCha8Rng;

/// A generator seeded from a number, as the simulation makes it; handy in unit tests of a process.
pub fn seeded_rng(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// A message a protocol sends, or a fact it outputs ([`Context::output_fact`]).
///
/// It is a plain value: the engine keeps it behind an `Arc` (in its queue, its checkpoints and the
/// trace), hence `Send + Sync + 'static`.
pub trait Payload: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The short label drawn on the arrow, as a textbook would write it: `Prepare(5)`, `ACK 101`.
    fn label(&self) -> String;

    /// Whether the sender sent this before (a retransmission): the diagram draws it dashed.
    fn sent_again(&self) -> bool {
        false
    }

    /// Whether this output is a piece of one text the application reads as a stream (the bytes
    /// TCP hands up): the pieces are shown joined, as the application sees them. Other outputs
    /// (a rumour, a broadcast message, a reply) are shown one by one.
    fn in_stream(&self) -> bool {
        false
    }
}

/// A [`Payload`] of any type: what the engine handles. Every payload is one.
pub trait AnyPayload: Any + Send + Sync + fmt::Debug {
    /// [`Payload::label`].
    fn label(&self) -> String;
    /// [`Payload::sent_again`].
    fn sent_again(&self) -> bool;
    /// [`Payload::in_stream`].
    fn in_stream(&self) -> bool;
    /// The value, to downcast to its type.
    fn as_any(&self) -> &dyn Any;
}

impl<T: Payload> AnyPayload for T {
    fn label(&self) -> String {
        Payload::label(self)
    }
    fn sent_again(&self) -> bool {
        Payload::sent_again(self)
    }
    fn in_stream(&self) -> bool {
        Payload::in_stream(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A typed value with its type erased, shared: a message in flight (the queue, the checkpoints
/// and the trace hold the same one), or an output's fact.
pub type Content = Arc<dyn AnyPayload>;

/// One named part of a process's state, as the inspector and the state tables show it:
/// `promised: 2.P2`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Field {
    /// The field's name, an identifier of the protocol's (`role`, `promised`).
    pub name: Cow<'static, str>,
    /// The value as a person reads it.
    pub value: String,
}

impl Field {
    /// The field `name` with the value `value`.
    pub fn new(name: impl Into<Cow<'static, str>>, value: impl fmt::Display) -> Field {
        Field {
            name: name.into(),
            value: value.to_string(),
        }
    }
}

/// `name: value` parts joined by " · ": the summary a process that lists [`Process::fields`] gets.
pub fn summary_of(fields: &[Field]) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(" · ");
        }
        out.push_str(&f.name);
        out.push_str(": ");
        out.push_str(&f.value);
    }
    out
}

/// A protocol node, written as a state machine that records its effects.
///
/// Every handler but [`Process::on_message`] has a default that does nothing, so a process
/// implements only what it reacts to.
pub trait Process: Clone {
    /// What this protocol's nodes send each other.
    type Message: Payload;

    /// Called once, at time 0, for every process.
    fn on_start(&mut self, _ctx: &mut Context<'_, Self::Message>) {}

    /// A message from `from` arrives.
    fn on_message(
        &mut self,
        ctx: &mut Context<'_, Self::Message>,
        from: ProcessId,
        message: Self::Message,
    );

    /// The timer named `timer`, set earlier with [`Context::set_timer`], fires.
    fn on_timer(&mut self, _ctx: &mut Context<'_, Self::Message>, _timer: &str) {}

    /// A client outside the run hands this process a request: a command to replicate, a value
    /// to broadcast or propose, as the protocol reads `request` (the learner typed it, or a
    /// scenario's fault plan holds it). A protocol that takes no requests ignores it (the
    /// default); one that cannot read it says so with a note and does nothing.
    fn on_request(&mut self, _ctx: &mut Context<'_, Self::Message>, _request: &str) {}

    /// The process crashes: forget what would not survive on stable storage.
    ///
    /// What is kept is the process's own declaration; the default keeps everything. Pending
    /// timers are always cancelled by the simulation, and messages that arrive while the process is
    /// down are lost.
    fn on_crash(&mut self) {}

    /// The process comes back up after a crash.
    fn on_recover(&mut self, _ctx: &mut Context<'_, Self::Message>) {}

    /// A short human-readable summary of the state, shown in the inspector: `promised 5, accepted none`.
    ///
    /// By default it is written from [`Process::fields`]: `role: acceptor · promised: 5`.
    fn summary(&self) -> String {
        summary_of(&self.fields())
    }

    /// The state as named fields, for properties, panels and state tables to read without
    /// parsing the summary. The engine records them with each event. None by default.
    fn fields(&self) -> Vec<Field> {
        Vec::new()
    }
}

/// One thing a process asked for, in the order it asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect<M> {
    /// Send `message` to `to`. `latency` is set only by scripted scenarios, which dictate when a
    /// message arrives; other protocols leave the network to decide.
    Send {
        to: ProcessId,
        message: M,
        latency: Option<Time>,
    },
    /// Send `message` to `to`, arriving after exactly `latency`, as part of the event this
    /// handler recorded last (a receipt that passes the news on, or a send to several at once),
    /// so that one dot carries several arrows; with no event yet, it makes a send event that
    /// the next ones join. With `merged`, its arrival is no event of its own: the receiver's
    /// next event takes it in, as a logged event that heard from several hosts at once. Only
    /// replays of logs need these: a protocol's sends are events of their own.
    SendAlong {
        to: ProcessId,
        message: M,
        latency: Time,
        merged: bool,
    },
    /// Set (or reset) the timer `name` to fire `after` ticks from now.
    SetTimer {
        name: String,
        after: Time,
        /// Whether views draw it (a timeout of the protocol) or not (it only paces a script).
        shown: bool,
    },
    /// Cancel the timer `name` if it is pending.
    CancelTimer { name: String },
    /// A local event worth a dot on the lane, such as a computation or a decision.
    Local { label: String },
    /// A sentence for the narration line explaining why the process did what it did.
    Note(String),
    /// A value the protocol delivers or decides (`deliver`, `decide`, `output` ...): `kind` is the
    /// protocol's identifier, `value` the display text. A typed fact recorded with
    /// [`Context::output_fact`] rides alongside: [`Context::fact`].
    Output { kind: String, value: String },
}

impl<M> Effect<M> {
    /// The same effect with its message (if it sends one) turned into another type.
    pub fn map<N>(self, f: impl FnOnce(M) -> N) -> Effect<N> {
        match self {
            Effect::Send {
                to,
                message,
                latency,
            } => Effect::Send {
                to,
                message: f(message),
                latency,
            },
            Effect::SendAlong {
                to,
                message,
                latency,
                merged,
            } => Effect::SendAlong {
                to,
                message: f(message),
                latency,
                merged,
            },
            Effect::SetTimer { name, after, shown } => Effect::SetTimer { name, after, shown },
            Effect::CancelTimer { name } => Effect::CancelTimer { name },
            Effect::Local { label } => Effect::Local { label },
            Effect::Note(text) => Effect::Note(text),
            Effect::Output { kind, value } => Effect::Output { kind, value },
        }
    }
}

/// What a handler sees of the world, and where it records its effects.
pub struct Context<'a, M> {
    pub(crate) me: ProcessId,
    pub(crate) process_count: usize,
    pub(crate) now: Time,
    pub(crate) rng: &'a mut Rng,
    pub(crate) effects: Vec<Effect<M>>,
    /// The typed facts of [`Effect::Output`]s, by the index of their effect.
    pub(crate) facts: Vec<(usize, Content)>,
}

impl<'a, M> Context<'a, M> {
    /// A context for process `me` of `process_count`, at time `now`. The simulation makes these;
    /// a unit test makes one to drive a single process and then reads [`Context::effects`].
    pub fn new(me: ProcessId, process_count: usize, now: Time, rng: &'a mut Rng) -> Self {
        Self::with_buffer(me, process_count, now, rng, Vec::new())
    }

    pub(crate) fn with_buffer(
        me: ProcessId,
        process_count: usize,
        now: Time,
        rng: &'a mut Rng,
        mut effects: Vec<Effect<M>>,
    ) -> Self {
        effects.clear();
        Context {
            me,
            process_count,
            now,
            rng,
            effects,
            facts: Vec::new(),
        }
    }

    /// This process's index.
    pub fn me(&self) -> ProcessId {
        self.me
    }

    /// How many processes the run has (this one included).
    pub fn process_count(&self) -> usize {
        self.process_count
    }

    /// The current virtual time. It is the simulation's clock, not a wall clock, and a process
    /// may use it the way a real node reads its local timer (for example to sample a round trip).
    pub fn now(&self) -> Time {
        self.now
    }

    /// Every process but this one, in index order.
    pub fn peers(&self) -> impl Iterator<Item = ProcessId> + '_ {
        (0..self.process_count).filter(move |&p| p != self.me)
    }

    /// Send `message` to `to`; the network decides when (and whether) it arrives.
    pub fn send(&mut self, to: ProcessId, message: M) {
        self.effects.push(Effect::Send {
            to,
            message,
            latency: None,
        });
    }

    /// Send `message` to arrive after exactly `latency` ticks unless the network loses it. Only
    /// scripted scenarios, which describe a diagram event by event, should need this.
    pub fn send_with_latency(&mut self, to: ProcessId, message: M, latency: Time) {
        self.effects.push(Effect::Send {
            to,
            message,
            latency: Some(latency),
        });
    }

    /// Send `message` as part of the event this handler recorded last: see
    /// [`Effect::SendAlong`]. Replays of logs use it to draw one logged event with several
    /// arrows.
    pub fn send_along(&mut self, to: ProcessId, message: M, latency: Time, merged: bool) {
        self.effects.push(Effect::SendAlong {
            to,
            message,
            latency,
            merged,
        });
    }

    /// Send a copy of `message` to every other process, one send event each, in index order.
    pub fn broadcast(&mut self, message: M)
    where
        M: Clone,
    {
        for to in 0..self.process_count {
            if to != self.me {
                self.send(to, message.clone());
            }
        }
    }

    /// Set the timer `name` to fire `after` ticks from now, replacing a pending one of that name.
    pub fn set_timer(&mut self, name: impl Into<String>, after: Time) {
        self.effects.push(Effect::SetTimer {
            name: name.into(),
            after,
            shown: true,
        });
    }

    /// Set a timer that only paces what the process does on its own (the next act of a script,
    /// the next rumour): it fires like any timer, but it is no timeout of the protocol, so the
    /// trace keeps no span of it and views do not draw it.
    pub fn set_pacing_timer(&mut self, name: impl Into<String>, after: Time) {
        self.effects.push(Effect::SetTimer {
            name: name.into(),
            after,
            shown: false,
        });
    }

    /// Cancel the timer `name`; nothing happens if it is not pending.
    pub fn cancel_timer(&mut self, name: impl Into<String>) {
        self.effects.push(Effect::CancelTimer { name: name.into() });
    }

    /// Record a local event (a dot on the lane that is neither a send nor a receipt).
    pub fn local(&mut self, label: impl Into<String>) {
        self.effects.push(Effect::Local {
            label: label.into(),
        });
    }

    /// Explain this step in the narration line.
    pub fn note(&mut self, text: impl Into<String>) {
        self.effects.push(Effect::Note(text.into()));
    }

    /// Report a value the protocol delivers or decides, as text; properties read these from the
    /// trace. `kind` is the protocol's identifier for it (`deliver`, `decide`).
    pub fn output(&mut self, kind: impl Into<String>, value: impl Into<String>) {
        self.effects.push(Effect::Output {
            kind: kind.into(),
            value: value.into(),
        });
    }

    /// Report a typed fact the protocol delivers or decides: the trace keeps `fact` itself
    /// ([`Output::fact`](crate::Output::fact)) and its [`Payload::label`] as the display value.
    pub fn output_fact<T: Payload>(&mut self, kind: impl Into<String>, fact: T) {
        let value = fact.label();
        self.facts.push((self.effects.len(), Arc::new(fact)));
        self.effects.push(Effect::Output {
            kind: kind.into(),
            value,
        });
    }

    /// The typed fact recorded with the output that is effect `index`, if it has one.
    pub fn fact<T: Payload>(&self, index: usize) -> Option<&T> {
        self.facts
            .iter()
            .find(|(i, _)| *i == index)
            .and_then(|(_, f)| f.as_any().downcast_ref())
    }

    /// A number drawn uniformly from `0..bound` with the run's seeded generator (0 if `bound` is 0).
    pub fn random_below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            0
        } else {
            self.rng.random_range(0..bound)
        }
    }

    /// `true` with probability `p`, from the run's seeded generator.
    pub fn random_bool(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// Up to `k` distinct other processes chosen at random, in the order drawn.
    pub fn random_peers(&mut self, k: usize) -> Vec<ProcessId> {
        let mut pool: Vec<ProcessId> = self.peers().collect();
        let k = k.min(pool.len());
        // A partial Fisher-Yates shuffle: the first k slots end up a uniform sample.
        for i in 0..k {
            let j = i + self.random_below((pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }

    /// The effects recorded so far, in order.
    pub fn effects(&self) -> &[Effect<M>] {
        &self.effects
    }

    /// Take the recorded effects out of the context.
    pub fn into_effects(self) -> Vec<Effect<M>> {
        self.effects
    }
}
