//! The simulation: virtual time, the event queue, the network, faults, interventions, and the
//! trace they produce.
//!
//! Everything that could make two runs differ lives here and nowhere else: the clock is an integer
//! tick, the queue is ordered by `(time, sequence number)`, the only randomness is one ChaCha
//! generator seeded from the scenario, and every collection that is iterated is ordered. A run is
//! therefore a pure function of (scenario, seed, interventions).
//!
//! The engine is written once for every protocol: it runs each process as a `Box<dyn Node>` (a
//! typed [`Process`] behind [`node()`]'s adapter) and carries each message as a [`Content`], the
//! typed message behind an `Arc`. The same `Arc` waits in the queue, is copied (cheaply) into
//! checkpoints, and is kept by the trace as the arrow's [`Message::content`], next to the display
//! texts it writes from it (the label from [`Payload::label`](crate::Payload::label), the payload
//! text from `Debug`). Outputs keep their typed fact, events the state's fields.
//!
//! Time travel is cheap because of checkpoints: every `K` steps the simulation keeps a copy of its
//! state (not of the trace, which only grows). Changing an intervention at step `N` restores the
//! last checkpoint at or before `N`, cuts the trace back to it, and replays from there.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use rand::Rng as _;

use crate::node::{node, Node};
use crate::process::{seeded_rng, Content, Context, Effect, Field, Process, ProcessId, Rng, Time};
use crate::scenario::{
    Intervention, Latency, Limits, ResolvedAction, Scenario, ScenarioError, Timing, MAX_EVENTS,
};
use crate::testing::{scramble, scrambling};
use crate::trace::{
    Event, EventId, EventKind, Fate, LinkChange, Message, MessageId, Output, PayloadText, Said,
    Step, TimerEnd, TimerSpan, TimerStop, Trace, Typed,
};
use crate::words::thousands;

/// How many steps lie between two checkpoints, unless a simulation is told otherwise.
pub const DEFAULT_CHECKPOINT_EVERY: u64 = 1024;

/// A run that grew past the events it may make ([`MAX_EVENTS`], or the smaller cap it was given:
/// [`Simulation::with_max_events`]). It stopped at the end of the step that crossed the line, so
/// its trace holds at most one step's events more than `limit`; it is no run to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "this run passes {} events at step {} (of the {} it may take), and the page holds at most \
     {} events: ask for fewer steps, fewer processes or less traffic",
    thousands(*.events as u64), thousands(*.step), thousands(*.max_steps), thousands(*.limit as u64)
)]
pub struct TooManyEvents {
    /// The events the run had made when it stopped.
    pub events: usize,
    /// The step it stopped after (counted from 1).
    pub step: u64,
    /// The steps the scenario asked for at most.
    pub max_steps: u64,
    /// The cap it passed.
    pub limit: usize,
}

impl From<TooManyEvents> for ScenarioError {
    fn from(e: TooManyEvents) -> Self {
        ScenarioError::invalid("limits.max_steps", e.to_string())
    }
}

/// The network model with process names resolved to indices.
#[derive(Clone, Debug)]
struct Network {
    latency: Latency,
    loss: f64,
    duplicate: f64,
    fifo: bool,
    links: BTreeMap<(ProcessId, ProcessId), (Latency, f64)>,
    timing: Timing,
}

impl Network {
    fn from_scenario(scenario: &Scenario) -> Result<Self, ScenarioError> {
        let model = &scenario.network;
        let mut links = BTreeMap::new();
        for (i, link) in model.links.iter().enumerate() {
            let field = format!("network.links[{i}].between");
            let a = link.between[0].resolve(&scenario.processes, &field)?;
            let b = link.between[1].resolve(&scenario.processes, &field)?;
            links.insert(
                (a.min(b), a.max(b)),
                (
                    link.latency.unwrap_or(model.latency),
                    link.loss.unwrap_or(model.loss),
                ),
            );
        }
        Ok(Network {
            latency: model.latency,
            loss: model.loss,
            duplicate: model.duplicate,
            fifo: model.fifo,
            links,
            timing: model.timing,
        })
    }

    fn link(&self, a: ProcessId, b: ProcessId) -> (Latency, f64) {
        self.links
            .get(&(a.min(b), a.max(b)))
            .copied()
            .unwrap_or((self.latency, self.loss))
    }
}

/// Something waiting in the event queue.
#[derive(Clone, Debug)]
enum Pending {
    Start(ProcessId),
    /// The message, as the trace keeps it too.
    Deliver(MessageId, Content),
    /// The network loses the message here (part way along its arrow).
    Lose(MessageId),
    Timer {
        process: ProcessId,
        name: String,
        generation: u64,
    },
    Fault(ResolvedAction),
}

/// A quick hash for the short texts of a run (labels, payloads, notes), in the manner of FxHash:
/// nothing here needs protection from crafted collisions.
#[derive(Default)]
struct TextHasher(u64);

impl TextHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last));
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// An item in the event queue, at its place: `(time, sequence number)`. The queue is a heap that
/// gives the earliest place first.
#[derive(Clone, Debug)]
struct Queued {
    at: Time,
    seq: u64,
    item: Pending,
}

impl Queued {
    fn key(&self) -> (Time, u64) {
        (self.at, self.seq)
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    /// Reversed, so that the max-heap's top is the earliest item.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// Everything that changes as the run goes, apart from the trace. Cloned into checkpoints.
#[derive(Clone)]
struct State {
    processes: Vec<Box<dyn Node>>,
    up: Vec<bool>,
    /// Each process's omission rates, `(send, receive)`: the chance it omits a message it sends,
    /// and one that arrives for it. `(0, 0)` unless an omission fault says otherwise.
    omit: Vec<(f64, f64)>,
    /// What is still to happen. A message is in flight exactly while it has an item here.
    queue: BinaryHeap<Queued>,
    seq: u64,
    now: Time,
    step: u64,
    rng: Rng,
    lamport: Vec<u64>,
    /// Each process's vector clock, one after the other (`n` entries each).
    vector: Vec<u32>,
    lane_len: Vec<usize>,
    /// Merged messages that arrived for each process and wait for its next event to take them
    /// in ([`Effect::SendAlong`]).
    merging: Vec<Vec<MessageId>>,
    /// Each process's running timers: their generation (a timer set again makes a new one, and
    /// the old queue item goes stale) and their span in the trace.
    timers: Vec<BTreeMap<String, (u64, Option<usize>)>>,
    timer_generation: u64,
    cut: BTreeSet<(ProcessId, ProcessId)>,
    fifo_last: BTreeMap<(ProcessId, ProcessId), Time>,
    /// How many interventions (in step order) have been applied.
    interventions_applied: usize,
}

impl State {
    fn push(&mut self, at: Time, item: Pending) -> (Time, u64) {
        let key = (at, self.seq);
        self.seq += 1;
        self.queue.push(Queued {
            at,
            seq: key.1,
            item,
        });
        key
    }

    /// The place of the next item in the queue.
    fn next_key(&self) -> Option<(Time, u64)> {
        self.queue.peek().map(Queued::key)
    }

    /// Where message `id` waits in the queue, if it is in flight.
    fn in_flight(&self, id: MessageId) -> Option<(Time, u64)> {
        self.queue
            .iter()
            .find(|q| matches!(q.item, Pending::Deliver(m, _) | Pending::Lose(m) if m == id))
            .map(Queued::key)
    }

    /// The item at `key`.
    fn get(&self, key: (Time, u64)) -> Option<&Pending> {
        self.queue.iter().find(|q| q.key() == key).map(|q| &q.item)
    }

    /// Take the item at `key` out of the queue (rare: only interventions do it).
    fn remove(&mut self, key: (Time, u64)) -> Option<Pending> {
        let mut items = std::mem::take(&mut self.queue).into_vec();
        let taken = items
            .iter()
            .position(|q| q.key() == key)
            .map(|i| items.swap_remove(i).item);
        self.queue = BinaryHeap::from(items);
        taken
    }
}

struct Checkpoint {
    state: State,
    events: usize,
    messages: usize,
    outputs: usize,
    steps: usize,
    warnings: usize,
    link_changes: usize,
    timers: usize,
}

/// An intervention, resolved, with the words used to narrate it.
#[derive(Clone, Debug, PartialEq)]
struct Planned {
    step: u64,
    action: ResolvedAction,
    source: Intervention,
}

/// A process's state as its events record it: the summary and the fields, each shared by the
/// events that have the same.
#[derive(Clone)]
struct Snapshot {
    summary: Arc<str>,
    fields: Arc<[Field]>,
}

/// A run of one protocol: any protocol, since the engine is compiled once and runs its processes
/// as erased [`Node`]s. See the [crate docs](crate) for a walk through.
pub struct Simulation {
    names: Vec<String>,
    network: Network,
    limits: Limits,
    interventions: Vec<Planned>,
    state: State,
    /// Shared with the views that show it ([`Simulation::shared_trace`]): written through
    /// `Arc::make_mut`, which copies it only if a view still holds it when the run changes (an
    /// intervention), so that a page holds one copy of a big trace, not two.
    trace: Arc<Trace>,
    checkpoints: Vec<Checkpoint>,
    checkpoint_every: u64,
    effects: Vec<Effect<Content>>,
    /// The typed facts of the step's outputs, by effect index.
    facts: Vec<(usize, Content)>,
    /// The sentences of the step under way.
    narration: Vec<Said>,
    /// Every distinct label and note so far: the trace shares one copy of each.
    texts: HashSet<Arc<str>, BuildHasherDefault<TextHasher>>,
    /// The text [`Simulation::text`] gave last: a step's sends of one message to several
    /// processes share it without a look-up.
    last_text: Arc<str>,
    /// Each process's latest state, shared by the events it describes.
    states: Vec<Snapshot>,
    /// The state an event has until its step ends.
    no_state: Snapshot,
    /// Whether display texts are scrambled ([`crate::testing::scramble_display`]).
    scramble: bool,
    /// The run stops once its trace holds more events than this: [`Simulation::too_big`].
    max_events: usize,
}

impl Simulation {
    /// Set up a run of `processes` (one per name in the scenario) under the scenario's network,
    /// faults, seed, interventions and limits. Nothing runs until [`Simulation::step`] or
    /// [`Simulation::run`].
    ///
    /// This only wraps each process in a [`Node`] ([`node()`]) for
    /// [`Simulation::from_nodes`].
    pub fn new<P: Process + 'static>(
        scenario: &Scenario,
        processes: Vec<P>,
    ) -> Result<Self, ScenarioError> {
        Self::from_nodes(scenario, processes.into_iter().map(node).collect())
    }

    /// Set up a run of `processes`, already erased: see [`Simulation::new`].
    pub fn from_nodes(
        scenario: &Scenario,
        processes: Vec<Box<dyn Node>>,
    ) -> Result<Self, ScenarioError> {
        scenario.validate()?;
        let n = scenario.processes.len();
        if processes.len() != n {
            return Err(ScenarioError::invalid(
                "processes",
                format!(
                    "the protocol made {} processes for {n} names",
                    processes.len()
                ),
            ));
        }
        let mut state = State {
            processes,
            up: vec![true; n],
            omit: vec![(0.0, 0.0); n],
            queue: BinaryHeap::new(),
            seq: 0,
            now: 0,
            step: 0,
            rng: seeded_rng(scenario.seed),
            lamport: vec![0; n],
            vector: vec![0; n * n],
            lane_len: vec![0; n],
            merging: vec![Vec::new(); n],
            timers: vec![BTreeMap::new(); n],
            timer_generation: 0,
            cut: BTreeSet::new(),
            fifo_last: BTreeMap::new(),
            interventions_applied: 0,
        };
        for p in 0..n {
            state.push(0, Pending::Start(p));
        }
        for (i, fault) in scenario.faults.iter().enumerate() {
            let action = scenario.resolve_action(&fault.action, &format!("faults[{i}]"))?;
            state.push(fault.at, Pending::Fault(action));
        }
        let mut sim = Simulation {
            names: scenario.processes.clone(),
            network: Network::from_scenario(scenario)?,
            limits: scenario.limits.clone(),
            interventions: Vec::new(),
            state,
            trace: Arc::new(Trace {
                processes: scenario.processes.clone(),
                ..Trace::default()
            }),
            checkpoints: Vec::new(),
            checkpoint_every: DEFAULT_CHECKPOINT_EVERY,
            effects: Vec::new(),
            facts: Vec::new(),
            narration: Vec::new(),
            texts: HashSet::default(),
            last_text: Arc::from(""),
            states: Vec::new(),
            no_state: Snapshot {
                summary: Arc::from(""),
                fields: Arc::from(Vec::new()),
            },
            scramble: scrambling(),
            max_events: MAX_EVENTS,
        };
        sim.states = vec![sim.no_state.clone(); n];
        sim.interventions = sim.plan(&scenario.interventions)?;
        Ok(sim)
    }

    /// Keep a checkpoint every `k` steps instead of every [`DEFAULT_CHECKPOINT_EVERY`]. Call it
    /// before running.
    pub fn with_checkpoint_every(mut self, k: u64) -> Self {
        self.checkpoint_every = k.max(1);
        self
    }

    /// Stop the run once it has made more than `cap` events, instead of more than
    /// [`MAX_EVENTS`] (a larger cap is [`MAX_EVENTS`]): a test's small limit. Call it before
    /// running.
    pub fn with_max_events(mut self, cap: usize) -> Self {
        self.max_events = cap.min(MAX_EVENTS);
        self
    }

    /// Whether the run stopped because it grew past the events it may make, and where: then
    /// its trace is cut short, and no run to show. `None` for a run within bounds, finished or
    /// not. It reads the trace, so a rewind to before the crossing (other interventions) clears
    /// it.
    pub fn too_big(&self) -> Option<TooManyEvents> {
        let events = self.trace.events.len();
        (events > self.max_events).then_some(TooManyEvents {
            events,
            step: self.state.step,
            max_steps: self.limits.max_steps,
            limit: self.max_events,
        })
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The trace so far, shared: a handle, not a copy. The simulation copies it before its next
    /// change if the handle is still held then.
    pub fn shared_trace(&self) -> Arc<Trace> {
        Arc::clone(&self.trace)
    }

    /// The trace, giving up the simulation.
    pub fn into_trace(self) -> Trace {
        Arc::unwrap_or_clone(self.trace)
    }

    /// How many processes the run has.
    pub fn process_count(&self) -> usize {
        self.state.processes.len()
    }

    /// Process `i` as it is now, if there is one and it is a `P`: `sim.process::<PaxosNode>(0)`.
    pub fn process<P: 'static>(&self, i: ProcessId) -> Option<&P> {
        self.state.processes.get(i)?.as_any().downcast_ref()
    }

    /// Process `i` as it is now, with its type erased.
    pub fn node(&self, i: ProcessId) -> Option<&dyn Node> {
        self.state.processes.get(i).map(|n| &**n)
    }

    /// Whether process `i` is up now.
    pub fn is_up(&self, i: ProcessId) -> bool {
        self.state.up.get(i).copied().unwrap_or(false)
    }

    /// Process `i`'s omission rates now, `(send, receive)`: `(0.0, 0.0)` if it omits nothing.
    pub fn omission(&self, i: ProcessId) -> (f64, f64) {
        self.state.omit.get(i).copied().unwrap_or((0.0, 0.0))
    }

    /// Every process's state summary as it is now (not scrambled).
    pub fn summaries(&self) -> Vec<String> {
        self.state.processes.iter().map(|n| n.summary()).collect()
    }

    /// Every process's state fields as they are now (not scrambled).
    pub fn fields(&self) -> Vec<Vec<Field>> {
        self.state.processes.iter().map(|n| n.fields()).collect()
    }

    /// The virtual time of the last step.
    pub fn now(&self) -> Time {
        self.state.now
    }

    /// How many steps have run.
    pub fn steps_taken(&self) -> u64 {
        self.state.step
    }

    /// Whether the step limit is reached, the run grew past the events it may make
    /// ([`Simulation::too_big`]), or nothing is left to happen.
    pub fn is_finished(&self) -> bool {
        if self.state.step >= self.limits.max_steps || self.trace.events.len() > self.max_events {
            return true;
        }
        let pending_intervention = self.state.interventions_applied < self.interventions.len();
        match self.state.next_key() {
            None => !pending_intervention,
            Some((t, _)) => {
                self.limits.max_time.is_some_and(|max| t > max) && !pending_intervention
            }
        }
    }

    /// Run until finished.
    pub fn run(&mut self) -> &Trace {
        while self.step() {}
        &self.trace
    }

    /// Run until `steps` steps have been taken in all, or the run is finished.
    pub fn run_to_step(&mut self, steps: u64) {
        while self.state.step < steps && self.step() {}
    }

    /// Run until virtual time would pass `time`, or the run is finished.
    pub fn run_to_time(&mut self, time: Time) {
        while self.state.next_key().is_some_and(|(t, _)| t <= time) && self.step() {}
    }

    fn plan(&self, interventions: &[Intervention]) -> Result<Vec<Planned>, ScenarioError> {
        let scenario_like = Scenario {
            name: String::new(),
            title: String::new(),
            description: String::new(),
            protocol: String::new(),
            variant: String::new(),
            params: serde_json::Value::Null,
            processes: self.names.clone(),
            network: Default::default(),
            faults: Vec::new(),
            seed: 0,
            interventions: Vec::new(),
            limits: Limits::default(),
        };
        let mut planned = interventions
            .iter()
            .enumerate()
            .map(|(i, iv)| {
                Ok(Planned {
                    step: iv.step,
                    action: scenario_like
                        .resolve_action(&iv.action, &format!("interventions[{i}]"))?,
                    source: iv.clone(),
                })
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        // Stable: interventions at the same step apply in the order the learner made them.
        planned.sort_by_key(|p| p.step);
        Ok(planned)
    }

    /// Replace the learner's interventions. The run is rewound to the last checkpoint before the
    /// first change and replayed to where it was (or to its end, if that comes first): steps before
    /// the change stay exactly as they were, and what follows is the new future.
    pub fn set_interventions(
        &mut self,
        interventions: &[Intervention],
    ) -> Result<(), ScenarioError> {
        let new = self.plan(interventions)?;
        let first_diff = self
            .interventions
            .iter()
            .zip(&new)
            .position(|(a, b)| a != b)
            .unwrap_or(self.interventions.len().min(new.len()));
        if first_diff == self.interventions.len() && first_diff == new.len() {
            return Ok(());
        }
        let changed_step = [self.interventions.get(first_diff), new.get(first_diff)]
            .into_iter()
            .flatten()
            .map(|p| p.step)
            .min()
            .unwrap_or(0);
        let target = self.state.step;
        self.interventions = new;
        if self.state.interventions_applied <= first_diff && changed_step >= self.state.step {
            // Nothing applied so far changes: the new interventions are all still to come.
            return Ok(());
        }
        self.rewind(changed_step, first_diff);
        self.run_to_step(target);
        Ok(())
    }

    /// Restore the latest checkpoint at or before `step` that had applied no more than `applied`
    /// interventions, and cut the trace back to it.
    fn rewind(&mut self, step: u64, applied: usize) {
        let index = self
            .checkpoints
            .iter()
            .rposition(|c| c.state.step <= step && c.state.interventions_applied <= applied)
            .expect("the checkpoint at step 0 precedes every change");
        self.checkpoints.truncate(index + 1);
        let checkpoint = &self.checkpoints[index];
        self.state = checkpoint.state.clone();
        Arc::make_mut(&mut self.trace).truncate(checkpoint.events, checkpoint.steps);
        Arc::make_mut(&mut self.trace)
            .messages
            .truncate(checkpoint.messages);
        Arc::make_mut(&mut self.trace)
            .outputs
            .truncate(checkpoint.outputs);
        Arc::make_mut(&mut self.trace)
            .warnings
            .truncate(checkpoint.warnings);
        Arc::make_mut(&mut self.trace)
            .link_changes
            .truncate(checkpoint.link_changes);
        Arc::make_mut(&mut self.trace)
            .timers
            .truncate(checkpoint.timers);
        // Timers running then may have stopped in the steps now undone.
        for running in &self.state.timers {
            for &(_, span) in running.values() {
                if let Some(span) = span {
                    Arc::make_mut(&mut self.trace).timers[span].stopped = None;
                }
            }
        }
        // Later steps settled (or held back) some of the messages in flight then: they are in
        // flight again, due when their queue item is.
        for q in &self.state.queue {
            if let Pending::Deliver(id, _) | Pending::Lose(id) = q.item {
                let m = &mut Arc::make_mut(&mut self.trace).messages[id];
                m.fate = Fate::InFlight;
                m.receive_event = None;
                m.settled_step = None;
                m.settled_at = None;
                m.arrives_at = q.at;
            }
        }
    }

    /// Record that the timer of span `span` (if the trace keeps one) stopped, now.
    fn stop_timer(&mut self, span: Option<usize>, how: TimerEnd) {
        if let Some(span) = span {
            Arc::make_mut(&mut self.trace).timers[span].stopped = Some(TimerStop {
                how,
                step: self.state.step,
                at: self.state.now,
            });
        }
    }

    fn take_checkpoint(&mut self) {
        self.checkpoints.push(Checkpoint {
            state: self.state.clone(),
            events: self.trace.events.len(),
            messages: self.trace.messages.len(),
            outputs: self.trace.outputs.len(),
            steps: self.trace.steps.len(),
            warnings: self.trace.warnings.len(),
            link_changes: self.trace.link_changes.len(),
            timers: self.trace.timers.len(),
        });
    }

    /// Take one step: apply the interventions due now, then let the next thing in the queue
    /// happen. Returns `false`, doing nothing, once the run is finished.
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        let step = self.state.step;
        if step.is_multiple_of(self.checkpoint_every)
            && self.checkpoints.len() as u64 <= step / self.checkpoint_every
        {
            self.take_checkpoint();
        }
        self.narration.clear();
        let mut actor = None;
        let mut happened = false;
        loop {
            while let Some(planned) = self.interventions.get(self.state.interventions_applied) {
                if planned.step > step && !self.state.queue.is_empty() {
                    break;
                }
                let planned = planned.clone();
                self.state.interventions_applied += 1;
                happened |= self.intervene(&planned);
            }
            while let Some((time, _)) = self.state.next_key() {
                if self.limits.max_time.is_some_and(|max| time > max) {
                    break;
                }
                let item = self.state.queue.pop().expect("key just seen").item;
                self.state.now = time;
                if let Some(acted) = self.handle(item) {
                    actor = acted;
                    happened = true;
                    break;
                }
            }
            // If only stale timers were left, the queue is now empty and the interventions still
            // to come apply now, in this call (not in the next one, which a run may never make).
            if happened
                || !self.state.queue.is_empty()
                || self.state.interventions_applied == self.interventions.len()
            {
                break;
            }
        }
        if !happened {
            return false;
        }
        let trace = Arc::make_mut(&mut self.trace);
        let said = trace.sentences.len();
        trace.sentences.append(&mut self.narration);
        trace.steps.push(Step::new(
            step,
            self.state.now,
            actor,
            said..trace.sentences.len(),
        ));
        self.state.step += 1;
        true
    }

    /// Carry out a queue item. `None` if it turned out to do nothing worth a step (a stale
    /// timer, a silent start); otherwise the process that acted, if any.
    fn handle(&mut self, item: Pending) -> Option<Option<ProcessId>> {
        match item {
            Pending::Start(p) => {
                if !self.state.up[p] {
                    return None;
                }
                let events = self.trace.events.len();
                self.invoke(p, None, None, |process, ctx| process.on_start(ctx));
                if self.trace.events.len() == events && self.narration.is_empty() {
                    return None;
                }
                Some(Some(p))
            }
            Pending::Deliver(id, payload) => {
                let m = &self.trace.messages[id];
                let (from, to, sent) = (m.from, m.to, m.send_event);
                if !self.state.up[to] {
                    self.settle(id, Fate::LostToCrash, None);
                    self.narration.push(Said::LostToCrash(id as u32));
                    return Some(None);
                }
                if self.state.cut.contains(&(from.min(to), from.max(to))) {
                    self.settle(id, Fate::DroppedByNetwork, None);
                    self.narration.push(Said::DiesOnCut(id as u32));
                    return Some(None);
                }
                // Drawn only when the receiver omits at all, so that runs without omission
                // faults draw exactly what they always did.
                let receive = self.state.omit[to].1;
                if receive > 0.0 && self.state.rng.random_bool(receive) {
                    self.settle(id, Fate::OmittedByReceiver, None);
                    self.narration.push(Said::OmittedByReceiver(id as u32));
                    return Some(None);
                }
                let carried = self.trace.events[sent].lamport;
                let merged = self.trace.messages[id].merged;
                let state = &mut self.state;
                state.lamport[to] = state.lamport[to].max(carried) + u64::from(!merged);
                let n = self.names.len();
                let mine = &mut state.vector[to * n..(to + 1) * n];
                for (mine, theirs) in mine.iter_mut().zip(self.trace.vector(sent)) {
                    *mine = (*mine).max(*theirs);
                }
                if merged {
                    // Heard now, drawn as part of the receiver's next event: no step of its own.
                    state.merging[to].push(id);
                    return None;
                }
                mine[to] += 1;
                let label = self.trace.events[sent].label.clone();
                let state = self.no_state.clone();
                let event = self.record_event(to, EventKind::Receive, label, Some(id), state);
                self.settle(id, Fate::Delivered, Some(event));
                self.invoke(to, Some(event), Some(id), |process, ctx| {
                    process.on_message(ctx, from, &payload)
                });
                Some(Some(to))
            }
            Pending::Lose(id) => {
                self.settle(id, Fate::DroppedByNetwork, None);
                self.narration.push(Said::Loses(id as u32));
                Some(None)
            }
            Pending::Timer {
                process,
                name,
                generation,
            } => {
                match self.state.timers[process].get(&name) {
                    Some(&(g, _)) if g == generation => {}
                    _ => return None,
                };
                self.fire(process, &name);
                Some(Some(process))
            }
            Pending::Fault(action) => {
                let actor = match action {
                    ResolvedAction::Crash(p)
                    | ResolvedAction::Recover(p)
                    | ResolvedAction::Fire(p, _)
                    | ResolvedAction::Request(p, _)
                    | ResolvedAction::Omit(p, ..) => Some(p),
                    _ => None,
                };
                self.fault(action, false).ok()?;
                Some(actor)
            }
        }
    }

    /// The running timer `name` of `process` runs out now: its handler runs, and if that does
    /// nothing visible, a timer event says it fired.
    fn fire(&mut self, process: ProcessId, name: &str) {
        let Some((_, span)) = self.state.timers[process].remove(name) else {
            return;
        };
        self.stop_timer(span, TimerEnd::Fired);
        let events = self.trace.events.len();
        let said = self.narration.len();
        self.invoke(process, None, None, |p, ctx| p.on_timer(ctx, name));
        if self.trace.events.len() == events {
            self.tick(process);
            // The summary the handler's step just took.
            let state = self.states[process].clone();
            let name = self.text(name);
            self.record_event(process, EventKind::Timer, name.clone(), None, state);
            let process = process as u32;
            self.narration
                .insert(said, Said::TimerFires { process, name });
        }
    }

    /// Crash, recover, cut, heal, omit, hurry a timer or hand in a request. `Err` says why it changes
    /// nothing.
    fn fault(&mut self, action: ResolvedAction, by_learner: bool) -> Result<(), String> {
        let said = match action {
            ResolvedAction::Fire(p, name) => {
                if !self.state.up[p] {
                    return Err(format!("{} is down", self.names[p]));
                }
                if !self.state.timers[p].contains_key(&*name) {
                    return Err(format!("{} has no timer \"{name}\" running", self.names[p]));
                }
                let name = self.text(&name);
                self.narration.push(Said::Hurry {
                    process: p as u32,
                    name: name.clone(),
                    by_learner,
                });
                self.fire(p, &name);
                return Ok(());
            }
            ResolvedAction::Request(p, request) => {
                if !self.state.up[p] {
                    return Err(format!("{} is down", self.names[p]));
                }
                self.tick(p);
                let state = self.no_state.clone();
                let label = self.shown(format!("request {request}"));
                let label = self.text(&label);
                let event = self.record_event(p, EventKind::Local, label, None, state);
                let request = self.text(&request);
                self.narration.push(Said::Request {
                    process: p as u32,
                    request: request.clone(),
                });
                self.invoke(p, Some(event), None, |process, ctx| {
                    process.on_request(ctx, &request)
                });
                return Ok(());
            }
            ResolvedAction::Crash(p) => {
                if !self.state.up[p] {
                    return Err(format!("{} is already down", self.names[p]));
                }
                self.state.up[p] = false;
                for (_, span) in std::mem::take(&mut self.state.timers[p]).into_values() {
                    self.stop_timer(span, TimerEnd::Crashed);
                }
                self.state.processes[p].on_crash();
                self.tick(p);
                let state = self.snapshot(p);
                let label = self.text("crash");
                self.record_event(p, EventKind::Crash, label, None, state);
                Said::Crash {
                    process: p as u32,
                    by_learner,
                }
            }
            ResolvedAction::Recover(p) => {
                if self.state.up[p] {
                    return Err(format!("{} is already up", self.names[p]));
                }
                self.state.up[p] = true;
                self.tick(p);
                let state = self.no_state.clone();
                let label = self.text("recover");
                let event = self.record_event(p, EventKind::Recover, label, None, state);
                self.narration.push(Said::Recover {
                    process: p as u32,
                    by_learner,
                });
                self.invoke(p, Some(event), None, |process, ctx| process.on_recover(ctx));
                return Ok(());
            }
            ResolvedAction::Omit(p, send, receive) => {
                if self.state.omit[p] == (send, receive) {
                    return Err(if send == 0.0 && receive == 0.0 {
                        format!("{} omits nothing already", self.names[p])
                    } else {
                        format!("{} omits at those rates already", self.names[p])
                    });
                }
                self.state.omit[p] = (send, receive);
                Said::Omit {
                    process: p as u32,
                    send: send as f32,
                    receive: receive as f32,
                    by_learner,
                }
            }
            ResolvedAction::Cut(link) | ResolvedAction::Heal(link) => {
                let cut = matches!(action, ResolvedAction::Cut(_));
                let changed = if cut {
                    self.state.cut.insert(link)
                } else {
                    self.state.cut.remove(&link)
                };
                if !changed {
                    return Err(if cut {
                        "that link is already cut".into()
                    } else {
                        "that link is not cut".into()
                    });
                }
                Arc::make_mut(&mut self.trace)
                    .link_changes
                    .push(LinkChange {
                        step: self.state.step,
                        between: [link.0, link.1],
                        cut,
                    });
                Said::Link {
                    between: [link.0 as u32, link.1 as u32],
                    cut,
                    by_learner,
                }
            }
            ResolvedAction::Drop(_) | ResolvedAction::Duplicate(_) | ResolvedAction::Delay(..) => {
                unreachable!("message actions are interventions")
            }
        };
        self.narration.push(said);
        Ok(())
    }

    /// Apply one of the learner's interventions now. Returns whether it changed anything; one
    /// that cannot apply (its message already arrived) leaves a warning in the trace.
    fn intervene(&mut self, planned: &Planned) -> bool {
        let message_action = |id: MessageId| -> Result<(Time, u64), String> {
            match (self.state.in_flight(id), self.trace.messages.get(id)) {
                (Some(key), _) => Ok(key),
                (None, Some(m)) => Err(format!(
                    "message {id} ({}) is not in flight at step {}: it was {}",
                    m.label,
                    planned.step,
                    m.fate.describe()
                )),
                (None, None) => Err(format!("there is no message {id} at step {}", planned.step)),
            }
        };
        match planned.action {
            ResolvedAction::Drop(id) => match message_action(id) {
                Ok(key) => {
                    self.state.remove(key);
                    self.settle(id, Fate::DroppedByLearner, None);
                    self.narration.push(Said::Drop(id as u32));
                    true
                }
                Err(why) => self.warn(planned, why),
            },
            ResolvedAction::Duplicate(id) => match message_action(id) {
                Ok(key) => {
                    let Some(Pending::Deliver(_, payload)) = self.state.get(key).cloned() else {
                        return self.warn(planned, format!("message {id} is being lost"));
                    };
                    let original = &self.trace.messages[id];
                    let (from, to, sent) = (original.from, original.to, original.send_event);
                    let label = original.label.clone();
                    let latency = self.sample_latency(from, to);
                    let mut at = self.state.now.saturating_add(latency);
                    if let Some(bound) = self.bound(id) {
                        at = at.min(bound).max(self.state.now);
                    }
                    let copy = self.new_message(from, to, sent, label, &payload, Some(id));
                    self.schedule_delivery(copy, payload, at);
                    self.narration.push(Said::Duplicate(id as u32));
                    true
                }
                Err(why) => self.warn(planned, why),
            },
            ResolvedAction::Delay(id, by) => match message_action(id) {
                Ok(key) if self.bound(id).is_some_and(|b| key.0.saturating_add(by) > b) => {
                    let bound = self.bound(id).unwrap_or_default();
                    let why = format!(
                        "message {id} ({}) must arrive by tick {bound}: the network is \
                         synchronous{}, so no message takes longer than {} ticks",
                        self.trace.messages[id].label,
                        if self.network.timing.gst().is_some() {
                            " after the GST"
                        } else {
                            ""
                        },
                        self.network
                            .link(self.trace.messages[id].from, self.trace.messages[id].to)
                            .0
                            .max,
                    );
                    self.warn(planned, why)
                }
                Ok(key) => {
                    let item = self.state.remove(key).expect("in flight");
                    let new_key = self.state.push(key.0.saturating_add(by), item);
                    Arc::make_mut(&mut self.trace).messages[id].arrives_at = new_key.0;
                    self.narration.push(Said::Delay(id as u32, by));
                    true
                }
                Err(why) => self.warn(planned, why),
            },
            ref action => match self.fault(action.clone(), true) {
                Ok(()) => true,
                Err(why) => self.warn(planned, why),
            },
        }
    }

    fn warn(&mut self, planned: &Planned, why: String) -> bool {
        Arc::make_mut(&mut self.trace).warnings.push(format!(
            "intervention at step {} ignored: {why}",
            planned.step
        ));
        false
    }

    /// A non-receipt event at `p`: the Lamport clock and `p`'s own vector entry go up by one.
    fn tick(&mut self, p: ProcessId) {
        self.state.lamport[p] += 1;
        self.state.vector[p * self.names.len() + p] += 1;
    }

    /// `p`'s state now, shared with the events before it when it has not changed.
    fn snapshot(&mut self, p: ProcessId) -> Snapshot {
        let node = &self.state.processes[p];
        let mut text = node.summary();
        let mut fields = node.fields();
        if self.scramble {
            text = scramble(&text);
            for f in &mut fields {
                f.value = scramble(&f.value);
            }
        }
        let latest = &mut self.states[p];
        if *latest.summary != *text {
            latest.summary = Arc::from(text);
        }
        if *latest.fields != *fields {
            latest.fields = Arc::from(fields);
        }
        latest.clone()
    }

    /// A display text of the protocol's, scrambled if the run scrambles them.
    fn shown(&self, text: String) -> String {
        if self.scramble {
            scramble(&text)
        } else {
            text
        }
    }

    /// The shared copy of `text`.
    fn text(&mut self, text: &str) -> Arc<str> {
        if *self.last_text == *text {
            return self.last_text.clone();
        }
        let shared = match self.texts.get(text) {
            Some(known) => known.clone(),
            None => {
                let shared: Arc<str> = Arc::from(text);
                self.texts.insert(shared.clone());
                shared
            }
        };
        self.last_text = shared.clone();
        shared
    }

    fn record_event(
        &mut self,
        process: ProcessId,
        kind: EventKind,
        label: Arc<str>,
        message: Option<MessageId>,
        state: Snapshot,
    ) -> EventId {
        let id = self.trace.events.len();
        let index = self.state.lane_len[process];
        self.state.lane_len[process] += 1;
        let n = self.names.len();
        let event = Event {
            id,
            process,
            index,
            time: self.state.now,
            step: self.state.step,
            kind,
            lamport: self.state.lamport[process],
            message,
            label,
            state: state.summary,
            fields: state.fields,
        };
        Arc::make_mut(&mut self.trace)
            .push_event(event, &self.state.vector[process * n..(process + 1) * n]);
        if !self.state.merging[process].is_empty() {
            for m in std::mem::take(&mut self.state.merging[process]) {
                self.settle(m, Fate::Delivered, Some(id));
            }
        }
        id
    }

    fn settle(&mut self, id: MessageId, fate: Fate, receive_event: Option<EventId>) {
        let m = &mut Arc::make_mut(&mut self.trace).messages[id];
        m.fate = fate;
        m.receive_event = receive_event;
        m.settled_step = Some(self.state.step);
        m.settled_at = Some(self.state.now);
    }

    /// The tick by which message `id` must arrive, if the timing model bounds it.
    fn bound(&self, id: MessageId) -> Option<Time> {
        let m = &self.trace.messages[id];
        self.network.timing.bounds(m.sent_at).then(|| {
            m.sent_at
                .saturating_add(self.network.link(m.from, m.to).0.max)
        })
    }

    /// A latency for a message sent now: drawn from the range, and held up beyond it now and
    /// then if the system is asynchronous (before the GST, if partially synchronous).
    fn sent_latency(&mut self, from: ProcessId, to: ProcessId) -> Time {
        let latency = self.sample_latency(from, to);
        match self.network.timing.stall(self.state.now) {
            Some((p, longest)) if self.state.rng.random_bool(p) => {
                latency.saturating_add(self.state.rng.random_range(1..=longest))
            }
            _ => latency,
        }
    }

    fn sample_latency(&mut self, from: ProcessId, to: ProcessId) -> Time {
        let (latency, _) = self.network.link(from, to);
        if latency.min >= latency.max {
            latency.min
        } else {
            self.state.rng.random_range(latency.min..=latency.max)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn new_message(
        &mut self,
        from: ProcessId,
        to: ProcessId,
        send_event: EventId,
        label: String,
        content: &Content,
        duplicate_of: Option<MessageId>,
    ) -> MessageId {
        let id = self.trace.messages.len();
        Arc::make_mut(&mut self.trace).messages.push(Message {
            id,
            from,
            to,
            label,
            payload: PayloadText::of(content.clone(), self.scramble),
            send_event,
            receive_event: None,
            fate: Fate::InFlight,
            sent_at: self.state.now,
            created_step: self.state.step,
            arrives_at: self.state.now,
            settled_step: None,
            settled_at: None,
            duplicate_of,
            merged: false,
            content: Typed::new(content.clone()),
        });
        id
    }

    fn schedule_delivery(&mut self, id: MessageId, payload: Content, mut at: Time) {
        let m = &self.trace.messages[id];
        let link = (m.from, m.to);
        if self.network.fifo {
            let last = self.state.fifo_last.entry(link).or_insert(0);
            at = at.max(*last);
            *last = at;
        }
        self.state.push(at, Pending::Deliver(id, payload));
        Arc::make_mut(&mut self.trace).messages[id].arrives_at = at;
    }

    /// Run one handler of process `p` and carry out the effects it recorded, in order. `trigger`
    /// is the event that started the step (a receipt or a recovery), if there is one, and
    /// `receipt` the message received, which leads the narration.
    fn invoke(
        &mut self,
        p: ProcessId,
        trigger: Option<EventId>,
        receipt: Option<MessageId>,
        handler: impl FnOnce(&mut dyn Node, &mut Context<'_, Content>),
    ) {
        let n = self.names.len();
        let buffer = std::mem::take(&mut self.effects);
        let mut ctx = Context::with_buffer(p, n, self.state.now, &mut self.state.rng, buffer);
        ctx.facts = std::mem::take(&mut self.facts);
        handler(&mut *self.state.processes[p], &mut ctx);
        let Context {
            mut effects,
            mut facts,
            ..
        } = ctx;
        // Effects do not change the process: its state after the step is its state now.
        let state = self.snapshot(p);
        if let Some(trigger) = trigger {
            let event = &mut Arc::make_mut(&mut self.trace).events[trigger];
            event.state = state.summary.clone();
            event.fields = state.fields.clone();
        }
        // The facts, in effect order, each taken when its output comes.
        let mut facts_left = facts.drain(..).peekable();
        let first_event = self.trace.events.len();
        let mut last_event = trigger;
        // An event made only to carry an output is not something the process "does".
        let mut output_event = false;
        // The notes follow the sentence that says what the process did.
        let sentence_at = self.narration.len();
        for (index, effect) in effects.drain(..).enumerate() {
            match effect {
                Effect::Send {
                    to,
                    message,
                    latency,
                } => self.carry_send(p, to, message, latency, None, &mut last_event, &state),
                Effect::SendAlong {
                    to,
                    message,
                    latency,
                    merged,
                } => {
                    let along = Some(merged);
                    self.carry_send(
                        p,
                        to,
                        message,
                        Some(latency),
                        along,
                        &mut last_event,
                        &state,
                    )
                }
                Effect::SetTimer { name, after, shown } => {
                    self.state.timer_generation += 1;
                    let generation = self.state.timer_generation;
                    let due = self.state.now.saturating_add(after);
                    let span = shown.then(|| {
                        Arc::make_mut(&mut self.trace).timers.push(TimerSpan {
                            process: p,
                            name: name.clone(),
                            set_step: self.state.step,
                            set_at: self.state.now,
                            due,
                            stopped: None,
                        });
                        self.trace.timers.len() - 1
                    });
                    if let Some((_, old)) =
                        self.state.timers[p].insert(name.clone(), (generation, span))
                    {
                        self.stop_timer(old, TimerEnd::Reset);
                    }
                    self.state.push(
                        due,
                        Pending::Timer {
                            process: p,
                            name,
                            generation,
                        },
                    );
                }
                Effect::CancelTimer { name } => {
                    if let Some((_, span)) = self.state.timers[p].remove(&name) {
                        self.stop_timer(span, TimerEnd::Cancelled);
                    }
                }
                Effect::Local { label } => {
                    self.tick(p);
                    let label = self.shown(label);
                    let label = self.text(&label);
                    let event = self.record_event(p, EventKind::Local, label, None, state.clone());
                    last_event = Some(event);
                }
                Effect::Note(text) => {
                    let text = self.text(&text);
                    self.narration.push(Said::Note(text));
                }
                Effect::Output { kind, value } => {
                    let value = self.shown(value);
                    let fact = match facts_left.next_if(|(i, _)| *i == index) {
                        Some((_, fact)) => Typed::new(fact),
                        None => Typed::default(),
                    };
                    let event = match last_event {
                        Some(e) => e,
                        None => {
                            self.tick(p);
                            let label = self.text(&format!("{kind} {value}"));
                            let e =
                                self.record_event(p, EventKind::Local, label, None, state.clone());
                            output_event = true;
                            last_event = Some(e);
                            e
                        }
                    };
                    Arc::make_mut(&mut self.trace).outputs.push(Output {
                        process: p,
                        event,
                        kind,
                        value,
                        fact,
                    });
                }
            }
        }
        drop(facts_left);
        self.effects = effects;
        self.facts = facts;
        // What the process did, for the narration: "does a", "sends m1 to P2, P3".
        let end = self.trace.events.len();
        if receipt.is_some() || end > first_event + usize::from(output_event) {
            let acts = Said::Acts {
                process: p as u32,
                receipt: receipt.map(|m| m as u32),
                events: [first_event as u32, end as u32],
                skip_first: output_event,
            };
            self.narration.insert(sentence_at, acts);
        }
    }

    /// Carry out a send of process `p`: a send event of its own, or, for an
    /// [`Effect::SendAlong`] (`along` is `Some(merged)`), part of the handler's `last_event` if it
    /// has one.
    #[allow(clippy::too_many_arguments)]
    fn carry_send(
        &mut self,
        p: ProcessId,
        to: ProcessId,
        message: Content,
        latency: Option<Time>,
        along: Option<bool>,
        last_event: &mut Option<EventId>,
        state: &Snapshot,
    ) {
        if to >= self.names.len() {
            Arc::make_mut(&mut self.trace).warnings.push(format!(
                "{} tried to send to process {to}, which does not exist",
                self.names[p]
            ));
            return;
        }
        let label = self.shown(message.label());
        let id = self.trace.messages.len();
        let event = match (along, *last_event) {
            (Some(_), Some(e)) => e,
            _ => {
                self.tick(p);
                let shared = self.text(&label);
                self.record_event(p, EventKind::Send, shared, Some(id), state.clone())
            }
        };
        *last_event = Some(event);
        self.send(p, to, event, label, message, latency);
        if let Some(m) = Arc::make_mut(&mut self.trace).messages.get_mut(id) {
            m.merged = along == Some(true);
        }
    }

    /// Hand a message to the network: it is lost, or delivered once, or delivered twice.
    fn send(
        &mut self,
        from: ProcessId,
        to: ProcessId,
        send_event: EventId,
        label: String,
        message: Content,
        fixed_latency: Option<Time>,
    ) {
        let id = self.new_message(from, to, send_event, label, &message, None);
        // Drawn only when the sender omits at all (runs without omissions draw as they did).
        let omit = self.state.omit[from].0;
        if omit > 0.0 && self.state.rng.random_bool(omit) {
            // Sent by the protocol, but it never leaves: settled at once; its arrow is a stub
            // at the sender, pointing to where it would have gone.
            let (latency, _) = self.network.link(from, to);
            Arc::make_mut(&mut self.trace).messages[id].arrives_at =
                self.state.now.saturating_add(latency.min.max(1));
            self.settle(id, Fate::OmittedBySender, None);
            self.narration.push(Said::OmittedBySender(id as u32));
            return;
        }
        let (_, loss) = self.network.link(from, to);
        let latency = match fixed_latency {
            Some(l) => l,
            None => self.sent_latency(from, to),
        };
        let cut = self.state.cut.contains(&(from.min(to), from.max(to)));
        if cut || (loss > 0.0 && self.state.rng.random_bool(loss)) {
            // The message dies half way; its arrow ends there, in a cross.
            let key = self.state.push(
                self.state.now.saturating_add(latency / 2),
                Pending::Lose(id),
            );
            Arc::make_mut(&mut self.trace).messages[id].arrives_at = key.0;
            return;
        }
        let duplicate = self.network.duplicate > 0.0
            && fixed_latency.is_none()
            && self.state.rng.random_bool(self.network.duplicate);
        if duplicate {
            let label = self.trace.messages[id].label.clone();
            let copy = self.new_message(from, to, send_event, label, &message, Some(id));
            let later = self.sample_latency(from, to);
            self.schedule_delivery(id, message.clone(), self.state.now.saturating_add(latency));
            self.schedule_delivery(copy, message, self.state.now.saturating_add(later));
        } else {
            self.schedule_delivery(id, message, self.state.now.saturating_add(latency));
        }
    }
}
