//! Broadcast: one process has a message that every process should get, and the seven ways of
//! making that happen that the broadcast lecture builds one on top of the other.
//!
//! The words matter. A process *receives* a message when the network hands it over; it
//! *delivers* it when it passes it up to the application. Everything interesting here happens in
//! between: a process may pass a message on (relay it) before delivering it, or hold it back
//! until the messages it must come after have been delivered. Each delivery is a dot labelled
//! `deliver P1#2` and an output `deliver` with the value `P1#2`: the sender's name and the
//! number of that sender's broadcast, written the same way at every process. The output's typed
//! fact is the message's [`Tag`] (sender and number), and that is what the properties, the
//! exercises and the plots read; the text is only shown.
//!
//! The model is the course's default one: crash-stop processes and perfect links (no loss, no
//! duplication, no creation), asynchronous, with the set of processes known in advance. The
//! learner can leave that model (network loss and duplication, a lossy link, cuts, crashes and
//! recoveries, dropped, duplicated and delayed messages); what the variants still promise then
//! is below, under "On a network that is not perfect".
//!
//! The variants, weakest first:
//!
//! * `best-effort`: the sender delivers its own message and sends one copy to every other
//!   process. If the sender crashes half way, some processes have it and others never will.
//! * `reliable` (eager): a process that receives a message for the first time first sends it on
//!   to everyone, then delivers it. If any correct process delivers a message, every correct
//!   process does, whatever happens to the sender. The textbook's eager algorithm (Cachin,
//!   Guerraoui and Rodrigues) delivers first and relays then, and has the same agreement:
//!   agreement speaks only of correct processes, and one that crashes right after delivering is
//!   not correct. Relaying first buys the stronger *uniform* agreement (if any process delivers
//!   m, even one that crashes later, every correct process does) only because this engine's
//!   network still carries a message its sender handed over before crashing; over perfect links,
//!   which promise nothing for a sender that crashes, uniform agreement needs acknowledgements
//!   (deliver once every correct process, or a majority, has the message).
//! * `fifo`: reliable, plus each sender numbers its broadcasts and each process holds back a
//!   message until it has delivered that sender's earlier ones.
//! * `causal`: reliable, plus each message carries the sender's vector of deliveries. A
//!   message `m` from `s` is delivered when `VC(m)[s] = delivered[s] + 1` and
//!   `VC(m)[k] ≤ delivered[k]` for every other `k`: everything the sender had delivered when it
//!   broadcast `m` is delivered here first.
//! * `total-sequencer`: broadcasts go to a fixed sequencer (the first process), which numbers
//!   them (taking each sender's requests in the sender's order) and sends the numbered message to
//!   everyone; everyone delivers in number order. It assumes the sequencer never crashes: if it
//!   does, nothing more is delivered.
//! * `total-lamport`: each message carries a Lamport timestamp, every receiver acknowledges it to
//!   everyone, and a process delivers the message with the smallest `(timestamp, sender)` it
//!   holds once every other process has been heard from with something later (so nothing earlier
//!   can still come); equal timestamps are ordered by the sender's index. It assumes first-in
//!   first-out links (`network.fifo`), or an acknowledgement could overtake an earlier message,
//!   and that no process crashes: one that does is waited for forever. Total order that survives
//!   crashes is as hard as consensus (each process must agree on the next message), which is
//!   why state machine replication is built on consensus (see the Paxos lesson).
//! * `gossip`: a process that hears a message for the first time delivers it and pushes it to
//!   `fanout` random peers, once per round for `rounds` rounds. Cheap, and with enough rounds
//!   very probably (never certainly) everyone hears it; with a single round, a small fanout
//!   misses a fixed share of a large network (see the gossip lesson's coverage sweep).
//!
//! What a run shows. Arrows are labelled as a textbook would: `m P1#2` for the sender's own copy,
//! `relay P1#2` for a copy passed on, `ack P1#2` for a Lamport acknowledgement and `seq 3: P1#2`
//! for the sequencer's order. Each broadcast is a dot `broadcast P1#2` with an output
//! `broadcast`, each delivery a dot `deliver P1#2` with an output `deliver` (the sender delivers
//! its own message on the broadcast dot). The inspector shows each process's deliveries and its
//! hold-back queue: `delivered P1#1, P2#1 · holding back P1#3 (waits for P1#2)`.
//!
//! The parameters say who broadcasts when (`broadcasts`), which deliveries trigger a broadcast in
//! answer (`replies`: `{ "to": "P1#1", "from": "P2" }` makes P2 broadcast right after it delivers
//! P1#1), and how gossip spreads (`fanout`, `rounds`, `round_length`).
//!
//! The properties, checked on the `broadcast` and `deliver` outputs ("correct" means "never
//! crashed"), and the variants that promise them on perfect links:
//!
//! | property | kind | promised by |
//! |---|---|---|
//! | validity: a correct sender's message reaches every correct process | liveness | all but gossip |
//! | agreement: delivered by one correct process, delivered by all | liveness | all but best-effort and gossip |
//! | integrity: at most once, and only what was broadcast | safety | all |
//! | fifo-order: a sender's messages in the order it sent them | safety | fifo, causal, total-* |
//! | causal-order: what the sender had seen comes first | safety | causal, total-* |
//! | total-order: everyone in the same order | safety | total-* |
//!
//! The total-order variants promise only under their assumptions, read from the scenario:
//! `total-sequencer` promises liveness only if the sequencer is never crashed, `total-lamport`
//! promises liveness only if no process is, and its orders only if `network.fifo` is set. The
//! sequencer keeps FIFO and causal order because it numbers each sender's requests in the
//! sender's order, and a process broadcasts after a delivery only once the delivered message has
//! its number. Lamport timestamps order causally related broadcasts, and FIFO links make the
//! "everyone has passed it" rule safe, so `total-lamport` keeps all three orders.
//!
//! On a network that is not perfect. A property is promised only if it holds in every run of the
//! scenario as the learner has set it up; otherwise it is not, and its description ends with the
//! reason, naming the setting: `… (not promised here: the network loses 10% of messages, and
//! this broadcast assumes perfect links (no message lost): a lost copy is never sent again)`.
//! The settings are read from the scenario ([`Protocol::properties`] sees the learner's
//! interventions too), in `assumptions.rs`:
//!
//! | setting | best-effort | reliable, fifo, causal | total-sequencer | total-lamport |
//! |---|---|---|---|---|
//! | message loss: the network's, a link's, a cut (mended or not), a dropped message | validity, if on a sender's link (a drop always counts) | validity and agreement, unless relays can go around it (below) | validity and agreement, if on a link of the sequencer (a drop always counts) | validity, agreement, fifo-order and causal-order |
//! | duplication: the network's or a duplicated message | nothing | nothing | nothing | nothing |
//! | a delayed message | nothing | nothing | nothing | all three orders (the link is FIFO no more) |
//! | links not FIFO | nothing | nothing | nothing | all three orders |
//! | a crash | nothing | nothing | validity and agreement, if the sequencer's | validity and agreement |
//! | a crash and a recovery | nothing | nothing | as a crash | as a crash, and fifo-order and causal-order |
//!
//! Gossip promises only integrity, and keeps it everywhere; integrity is never withdrawn.
//!
//! Why. No variant ever sends a message again, so a lost copy stays lost and a process waits
//! for it for ever (the ordered variants hold later messages back behind it) or never hears of
//! the message: loss takes liveness. It does not take safety: a missing message only holds
//! deliveries back, and the hold-back rules never deliver out of order. The exception is
//! `total-lamport`, which has no hold-back per sender: a process that misses a message (lost, or
//! sent while it was down) still hears from everyone with later timestamps and delivers the
//! sender's later messages without it. Its total order survives, since a missing message is one
//! the two processes do not both deliver; a delayed one, arriving after later messages on its
//! link, breaks it. Duplication takes nothing: every variant recognises a copy it has seen
//! (`seen`, and a process delivers a message at most once) and ignores it. A recovery costs
//! nothing a crash does not, except under `total-lamport` (above): a process that crashed is not
//! correct, so validity and agreement ask nothing of it, and the hold-back rules keep its orders.
//!
//! Reliable broadcast (and fifo and causal, built on it) needs less than perfect links. A
//! process that never crashes relays a message to everyone the first time it receives it, so the
//! message walks along any path of links that lose nothing through processes that never crash.
//! Validity and agreement stay promised if, between every two processes, there are more such
//! paths sharing no link than the learner drops messages: a lossy or cut link among four
//! processes that all stay up, or one dropped copy, costs nothing; with two of the four
//! crashing, it costs both promises. Loss on every link (the network's) always costs them.
//!
//! One simplification, so that a sender's crash can strike "half way through": the sender hands
//! its copies of a new message to the network one tick apart, in process order (as a node
//! writing to one socket after the other would), rather than all in the same instant. A crash in
//! between leaves the later copies unsent. The total-order variants send at once: the sequencer
//! protocol sends one request, and the Lamport protocol must not let a later acknowledgement
//! overtake its message on a link.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::assumptions::{and_list, Setting};
use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{
    Action, Fault, Latency, LinkModel, NetworkModel, ProcessRef, Scenario, ScenarioError,
};
use crate::trace::{EventId, EventKind, Trace};

/// The most broadcasts a scenario may plan.
pub const MAX_BROADCASTS: usize = 1_000;
/// The most gossip rounds.
pub const MAX_ROUNDS: u32 = 1_000;

/// One planned broadcast: process `from` broadcasts at time `at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedBroadcast {
    pub at: Time,
    /// The sender, by name or index.
    pub from: ProcessRef,
    /// What the message says, for the narration and the inspector (the diagram shows `P1#2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A broadcast made in answer to a delivery: `from` broadcasts right after it delivers `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The message answered, as deliveries write it: `P1#1`.
    pub to: String,
    /// The process that answers, by name or index.
    pub from: ProcessRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Broadcast's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BroadcastParams {
    /// What is broadcast when.
    pub broadcasts: Vec<PlannedBroadcast>,
    /// Broadcasts triggered by deliveries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Reply>,
    /// Gossip: how many random peers a process pushes a message to in each round.
    pub fanout: usize,
    /// Gossip: for how many rounds a process pushes a message it has heard.
    pub rounds: u32,
    /// Gossip: ticks between two rounds.
    pub round_length: Time,
}

impl Default for BroadcastParams {
    fn default() -> Self {
        BroadcastParams {
            broadcasts: vec![
                PlannedBroadcast {
                    at: 10,
                    from: ProcessRef::Index(0),
                    label: None,
                },
                PlannedBroadcast {
                    at: 30,
                    from: ProcessRef::Index(0),
                    label: None,
                },
            ],
            replies: Vec::new(),
            fanout: 2,
            rounds: 3,
            round_length: 10,
        }
    }
}

/// The variants, in lesson order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    BestEffort,
    Reliable,
    Fifo,
    Causal,
    TotalSequencer,
    TotalLamport,
    Gossip,
}

impl Variant {
    /// The variant a scenario names; an empty name is the first (the default). An unknown name
    /// is an error on the field `variant` that lists the known ones.
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        Ok(match name {
            "" | "best-effort" => Variant::BestEffort,
            "reliable" => Variant::Reliable,
            "fifo" => Variant::Fifo,
            "causal" => Variant::Causal,
            "total-sequencer" => Variant::TotalSequencer,
            "total-lamport" => Variant::TotalLamport,
            "gossip" => Variant::Gossip,
            _ => return Err(crate::protocol::unknown_variant::<Broadcast>(name)),
        })
    }

    /// Whether the sender's copies leave one tick apart.
    fn paces_copies(self) -> bool {
        matches!(
            self,
            Variant::BestEffort | Variant::Reliable | Variant::Fifo | Variant::Causal
        )
    }
}

/// The sequencer of `total-sequencer`.
pub const SEQUENCER: ProcessId = 0;

/// Which broadcast a message is: the `n`th of `sender`, written `P1#2`.
///
/// It is also the typed fact of every `broadcast` and `deliver` output (its label, the `name`,
/// is the output's display value): properties, exercises and plots identify a message by its
/// [`key`](Tag::key), never by the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub sender: ProcessId,
    pub n: u32,
    /// `P1#2`, for display.
    pub name: Arc<str>,
}

/// A broadcast message as its sender and number: `(0, 2)` is `P1#2`.
pub type MessageKey = (ProcessId, u32);

impl Tag {
    /// The message's identity: its sender and number.
    pub fn key(&self) -> MessageKey {
        (self.sender, self.n)
    }
}

impl Payload for Tag {
    fn label(&self) -> String {
        self.name.to_string()
    }
}

/// `P1#2`: a message's key with the trace's process names (`#`-less if the sender is unknown).
pub fn key_text(processes: &[String], (sender, n): MessageKey) -> String {
    match processes.get(sender) {
        Some(name) => format!("{name}#{n}"),
        None => format!("#{n} of process {sender}"),
    }
}

/// A broadcast message with what the variant stamps on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub tag: Tag,
    /// `causal`: the sender's deliveries per process, its own entry counting this message.
    pub clock: Vec<u32>,
    /// `total-lamport`: the Lamport timestamp.
    pub timestamp: u64,
}

/// What broadcast processes send each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BroadcastMessage {
    /// The sender's own copy (to the sequencer, in `total-sequencer`).
    Original(Envelope),
    /// A copy passed on by another process.
    Relay(Envelope),
    /// `total-sequencer`: the sequencer's place for a message in the total order.
    Order { seq: u64, envelope: Envelope },
    /// `total-lamport`: "I have it", carrying the acknowledger's Lamport time.
    Ack { tag: Tag, timestamp: u64 },
}

impl Payload for BroadcastMessage {
    fn label(&self) -> String {
        match self {
            BroadcastMessage::Original(e) => format!("m {}", e.tag.name),
            BroadcastMessage::Relay(e) => format!("relay {}", e.tag.name),
            BroadcastMessage::Order { seq, envelope } => {
                format!("seq {seq}: {}", envelope.tag.name)
            }
            BroadcastMessage::Ack { tag, .. } => format!("ack {}", tag.name),
        }
    }
}

/// One broadcast process.
#[derive(Clone, Debug)]
pub struct BroadcastNode {
    variant: Variant,
    me: ProcessId,
    names: Arc<[String]>,
    /// This process's own planned broadcasts, by time.
    plan: Vec<(Time, Option<String>)>,
    planned_done: usize,
    /// Replies still to make: (the message answered, the reply's label).
    replies: Vec<(MessageKey, Option<String>)>,
    due_replies: VecDeque<Option<String>>,
    /// How many broadcasts this process has made.
    sent: u32,
    fanout: usize,
    rounds: u32,
    round_length: Time,
    /// Deliveries per sender (contiguous from 1 in the ordered variants).
    delivered: Vec<u32>,
    delivered_keys: BTreeSet<(ProcessId, u32)>,
    /// Deliveries in order, for the inspector.
    log: Vec<Arc<str>>,
    /// The broadcasts this process has seen (received or made).
    seen: BTreeSet<(ProcessId, u32)>,
    /// The hold-back queue: received, not yet deliverable.
    held: Vec<Envelope>,
    /// Copies still to hand to the network, by the name of the timer that paces them.
    outbox: BTreeMap<String, (ProcessId, BroadcastMessage)>,
    /// The sequencer: the next number it gives, and each sender's last request it numbered.
    next_seq: u64,
    numbered: Vec<u32>,
    /// The sequencer: requests waiting for their sender's earlier ones.
    requests: Vec<Envelope>,
    /// Numbered messages waiting for earlier numbers, and the next number to deliver.
    ordered: BTreeMap<u64, Envelope>,
    next_deliver: u64,
    /// `total-lamport`: the Lamport clock, and the latest timestamp heard from each process.
    clock: u64,
    heard: Vec<u64>,
    /// `gossip`: messages still being pushed, with their rounds left.
    pushing: BTreeMap<(ProcessId, u32), (Envelope, u32)>,
    round_armed: bool,
    /// The hold-back queue as the narration last described it.
    last_holding: String,
}

const SCHEDULE_TIMER: &str = "broadcast";
const ROUND_TIMER: &str = "gossip round";

impl BroadcastNode {
    fn n(&self) -> usize {
        self.names.len()
    }

    fn name(&self, p: ProcessId) -> &str {
        &self.names[p]
    }

    fn tag(&self, sender: ProcessId, n: u32) -> String {
        format!("{}#{n}", self.names[sender])
    }

    /// Make the next broadcast of this process.
    fn broadcast(&mut self, ctx: &mut Context<'_, BroadcastMessage>, label: Option<String>) {
        self.sent += 1;
        let me = self.me;
        let tag = Tag {
            sender: me,
            n: self.sent,
            name: Arc::from(self.tag(me, self.sent)),
        };
        self.seen.insert(tag.key());
        let mut clock = Vec::new();
        if self.variant == Variant::Causal {
            clock = self.delivered.clone();
            clock[me] = self.sent;
        }
        let mut timestamp = 0;
        if self.variant == Variant::TotalLamport {
            self.clock += 1;
            timestamp = self.clock;
        }
        let envelope = Envelope {
            tag: tag.clone(),
            clock,
            timestamp,
        };
        ctx.local(format!("broadcast {}", tag.name));
        ctx.output_fact("broadcast", tag.clone());
        let says = label.map_or(String::new(), |l| format!(" (\"{l}\")"));
        match self.variant {
            Variant::BestEffort | Variant::Reliable | Variant::Fifo | Variant::Causal => {
                ctx.note(format!(
                    "{} broadcasts {}{says}: it delivers it itself and hands the network one copy \
                     per process, one tick apart",
                    self.name(me),
                    tag.name
                ));
                self.deliver(ctx, &envelope, false);
                debug_assert!(self.variant.paces_copies());
                let others: Vec<ProcessId> = ctx.peers().collect();
                for (i, to) in others.into_iter().enumerate() {
                    let message = BroadcastMessage::Original(envelope.clone());
                    if i == 0 {
                        ctx.send(to, message);
                    } else {
                        let timer = format!("send {} to {}", tag.name, self.name(to));
                        ctx.set_pacing_timer(timer.clone(), i as Time);
                        self.outbox.insert(timer, (to, message));
                    }
                }
            }
            Variant::TotalSequencer => {
                if me == SEQUENCER {
                    ctx.note(format!(
                        "{} broadcasts {}{says}; as the sequencer it numbers it at once",
                        self.name(me),
                        tag.name
                    ));
                    self.request(ctx, envelope);
                } else {
                    ctx.note(format!(
                        "{} broadcasts {}{says} by sending it to the sequencer {}",
                        self.name(me),
                        tag.name,
                        self.name(SEQUENCER)
                    ));
                    ctx.send(SEQUENCER, BroadcastMessage::Original(envelope));
                }
            }
            Variant::TotalLamport => {
                ctx.note(format!(
                    "{} broadcasts {}{says} with Lamport timestamp {timestamp} and holds it back \
                     like everyone else until it is safe to deliver",
                    self.name(me),
                    tag.name
                ));
                ctx.broadcast(BroadcastMessage::Original(envelope.clone()));
                self.held.push(envelope);
            }
            Variant::Gossip => {
                ctx.note(format!(
                    "{} broadcasts {}{says}: it delivers it and starts pushing it to random peers",
                    self.name(me),
                    tag.name
                ));
                self.deliver(ctx, &envelope, false);
                self.start_pushing(ctx, envelope);
            }
        }
    }

    /// Pass a message up to the application.
    fn deliver(&mut self, ctx: &mut Context<'_, BroadcastMessage>, e: &Envelope, dot: bool) {
        if !self.delivered_keys.insert(e.tag.key()) {
            return;
        }
        if dot {
            ctx.local(format!("deliver {}", e.tag.name));
        }
        ctx.output_fact("deliver", e.tag.clone());
        self.delivered[e.tag.sender] += 1;
        self.log.push(e.tag.name.clone());
        let mut i = 0;
        while i < self.replies.len() {
            if self.replies[i].0 == e.tag.key() {
                let (_, label) = self.replies.remove(i);
                self.due_replies.push_back(label);
            } else {
                i += 1;
            }
        }
    }

    /// A broadcast message arrives (an original or a relay).
    fn receive(&mut self, ctx: &mut Context<'_, BroadcastMessage>, from: ProcessId, e: Envelope) {
        if self.variant == Variant::TotalLamport {
            self.clock = self.clock.max(e.timestamp) + 1;
            self.heard[from] = self.heard[from].max(e.timestamp);
        }
        if !self.seen.insert(e.tag.key()) {
            ctx.note(format!(
                "{} has seen {} already and ignores this copy",
                self.name(self.me),
                e.tag.name
            ));
            return;
        }
        let me = self.me;
        match self.variant {
            Variant::BestEffort => self.deliver(ctx, &e, true),
            Variant::Reliable | Variant::Fifo | Variant::Causal => {
                let to: Vec<ProcessId> = ctx
                    .peers()
                    .filter(|&p| p != from && p != e.tag.sender)
                    .collect();
                if !to.is_empty() {
                    ctx.note(format!(
                        "First time {} sees {}: it relays it to everyone who might not have it \
                         before delivering",
                        self.name(me),
                        e.tag.name
                    ));
                }
                for p in to {
                    ctx.send(p, BroadcastMessage::Relay(e.clone()));
                }
                if self.variant == Variant::Reliable {
                    self.deliver(ctx, &e, true);
                } else {
                    self.held.push(e);
                }
            }
            Variant::TotalSequencer => {
                if me == SEQUENCER {
                    self.request(ctx, e);
                }
            }
            Variant::TotalLamport => {
                self.clock += 1;
                ctx.note(format!(
                    "{} holds {} back (timestamp {}) and acknowledges it to everyone, stamped {}",
                    self.name(me),
                    e.tag.name,
                    e.timestamp,
                    self.clock
                ));
                ctx.broadcast(BroadcastMessage::Ack {
                    tag: e.tag.clone(),
                    timestamp: self.clock,
                });
                self.held.push(e);
            }
            Variant::Gossip => {
                self.deliver(ctx, &e, true);
                self.start_pushing(ctx, e);
            }
        }
    }

    /// The sequencer takes a request and numbers every request it can, in each sender's order.
    fn request(&mut self, ctx: &mut Context<'_, BroadcastMessage>, e: Envelope) {
        self.requests.push(e);
        while let Some(i) = self
            .requests
            .iter()
            .position(|r| r.tag.n == self.numbered[r.tag.sender] + 1)
        {
            let e = self.requests.remove(i);
            self.numbered[e.tag.sender] += 1;
            let seq = self.next_seq;
            self.next_seq += 1;
            ctx.note(format!(
                "The sequencer puts {} at place {seq} of the total order and tells everyone",
                e.tag.name
            ));
            ctx.broadcast(BroadcastMessage::Order {
                seq,
                envelope: e.clone(),
            });
            self.ordered.insert(seq, e);
        }
        if let Some(r) = self.requests.last() {
            ctx.note(format!(
                "The sequencer keeps {} waiting for {}#{} first",
                r.tag.name,
                self.name(r.tag.sender),
                self.numbered[r.tag.sender] + 1
            ));
        }
    }

    /// Deliver everything in the hold-back queue that may be delivered now.
    fn deliver_ready(&mut self, ctx: &mut Context<'_, BroadcastMessage>) {
        match self.variant {
            Variant::Fifo | Variant::Causal | Variant::TotalLamport => {
                while let Some(i) = self.next_deliverable() {
                    let e = self.held.remove(i);
                    self.deliver(ctx, &e, true);
                }
            }
            Variant::TotalSequencer => {
                while let Some(e) = self.ordered.remove(&self.next_deliver) {
                    self.next_deliver += 1;
                    self.deliver(ctx, &e, true);
                }
            }
            _ => {}
        }
    }

    /// Which held message may be delivered now, if any.
    fn next_deliverable(&self) -> Option<usize> {
        match self.variant {
            Variant::Fifo => self
                .held
                .iter()
                .position(|e| e.tag.n == self.delivered[e.tag.sender] + 1),
            Variant::Causal => self.held.iter().position(|e| {
                let s = e.tag.sender;
                e.clock[s] == self.delivered[s] + 1
                    && (0..self.n()).all(|k| k == s || e.clock[k] <= self.delivered[k])
            }),
            Variant::TotalLamport => {
                let (i, e) = self
                    .held
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, e)| (e.timestamp, e.tag.sender))?;
                let first = (e.timestamp, e.tag.sender);
                self.lamport_waits_for(first).is_empty().then_some(i)
            }
            _ => None,
        }
    }

    /// The processes not yet heard from with anything later than `(timestamp, sender)`.
    fn lamport_waits_for(&self, (timestamp, sender): (u64, ProcessId)) -> Vec<ProcessId> {
        (0..self.n())
            .filter(|&q| q != self.me && q != sender && (self.heard[q], q) <= (timestamp, sender))
            .collect()
    }

    /// The hold-back queue in words: `P1#3 (waits for P1#2)`.
    fn holding(&self) -> String {
        let mut parts = Vec::new();
        match self.variant {
            Variant::Fifo | Variant::Causal => {
                for e in &self.held {
                    let s = e.tag.sender;
                    let missing = if e.clock.is_empty() || e.clock[s] > self.delivered[s] + 1 {
                        Some(s)
                    } else {
                        (0..self.n()).find(|&k| k != s && e.clock[k] > self.delivered[k])
                    };
                    let waits = missing.map_or(String::new(), |k| {
                        format!(" (waits for {})", self.tag(k, self.delivered[k] + 1))
                    });
                    parts.push(format!("{}{waits}", e.tag.name));
                }
            }
            Variant::TotalSequencer => {
                for (seq, e) in &self.ordered {
                    parts.push(format!(
                        "seq {seq}: {} (waits for seq {})",
                        e.tag.name, self.next_deliver
                    ));
                }
            }
            Variant::TotalLamport => {
                let mut held: Vec<&Envelope> = self.held.iter().collect();
                held.sort_by_key(|e| (e.timestamp, e.tag.sender));
                for (i, e) in held.iter().enumerate() {
                    let why = if i > 0 {
                        format!("waits for {}", held[0].tag.name)
                    } else {
                        let names: Vec<&str> = self
                            .lamport_waits_for((e.timestamp, e.tag.sender))
                            .into_iter()
                            .map(|q| self.name(q))
                            .collect();
                        format!("waits for {} to pass {}", names.join(", "), e.timestamp)
                    };
                    parts.push(format!("{} @{} ({why})", e.tag.name, e.timestamp));
                }
            }
            _ => {}
        }
        parts.join(", ")
    }

    /// Gossip: push a new message now, and in the next rounds.
    fn start_pushing(&mut self, ctx: &mut Context<'_, BroadcastMessage>, e: Envelope) {
        self.push(ctx, &e, 1);
        if self.rounds > 1 {
            self.pushing.insert(e.tag.key(), (e, self.rounds - 1));
            self.arm_round(ctx);
        }
    }

    fn push(&mut self, ctx: &mut Context<'_, BroadcastMessage>, e: &Envelope, round: u32) {
        let peers = ctx.random_peers(self.fanout);
        if peers.is_empty() {
            return;
        }
        let names: Vec<&str> = peers.iter().map(|&p| self.name(p)).collect();
        ctx.note(format!(
            "Round {round} of {} for {} at {}: it pushes it to {}",
            self.rounds,
            e.tag.name,
            self.name(self.me),
            names.join(", ")
        ));
        for p in peers {
            let message = if e.tag.sender == self.me {
                BroadcastMessage::Original(e.clone())
            } else {
                BroadcastMessage::Relay(e.clone())
            };
            ctx.send(p, message);
        }
    }

    fn arm_round(&mut self, ctx: &mut Context<'_, BroadcastMessage>) {
        if !self.round_armed && !self.pushing.is_empty() {
            self.round_armed = true;
            ctx.set_pacing_timer(ROUND_TIMER, self.round_length);
        }
    }

    /// Make the replies the last deliveries called for, and deliver what that frees.
    fn settle(&mut self, ctx: &mut Context<'_, BroadcastMessage>) {
        self.deliver_ready(ctx);
        while let Some(label) = self.due_replies.pop_front() {
            self.broadcast(ctx, label);
            self.deliver_ready(ctx);
        }
        let holding = self.holding();
        if !holding.is_empty() && holding != self.last_holding {
            ctx.note(format!("{} holds back {holding}", self.name(self.me)));
        }
        self.last_holding = holding;
    }

    fn arm_schedule(&self, ctx: &mut Context<'_, BroadcastMessage>) {
        if let Some(&(at, _)) = self.plan.get(self.planned_done) {
            ctx.set_pacing_timer(SCHEDULE_TIMER, at.saturating_sub(ctx.now()));
        }
    }
}

impl Process for BroadcastNode {
    type Message = BroadcastMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, BroadcastMessage>) {
        self.arm_schedule(ctx);
    }

    fn on_message(
        &mut self,
        ctx: &mut Context<'_, BroadcastMessage>,
        from: ProcessId,
        message: BroadcastMessage,
    ) {
        match message {
            BroadcastMessage::Original(e) | BroadcastMessage::Relay(e) => {
                self.receive(ctx, from, e)
            }
            BroadcastMessage::Order { seq, envelope } => {
                if seq >= self.next_deliver {
                    self.ordered.insert(seq, envelope);
                }
            }
            BroadcastMessage::Ack { timestamp, .. } => {
                self.clock = self.clock.max(timestamp) + 1;
                self.heard[from] = self.heard[from].max(timestamp);
            }
        }
        self.settle(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, BroadcastMessage>, timer: &str) {
        if timer == SCHEDULE_TIMER {
            while let Some((at, label)) = self.plan.get(self.planned_done).cloned() {
                if at > ctx.now() {
                    break;
                }
                self.planned_done += 1;
                self.broadcast(ctx, label);
            }
            self.arm_schedule(ctx);
        } else if timer == ROUND_TIMER {
            self.round_armed = false;
            let pushing = std::mem::take(&mut self.pushing);
            for (key, (e, left)) in pushing {
                self.push(ctx, &e, self.rounds - left + 1);
                if left > 1 {
                    self.pushing.insert(key, (e, left - 1));
                }
            }
            self.arm_round(ctx);
        } else if let Some((to, message)) = self.outbox.remove(timer) {
            ctx.send(to, message);
        }
        self.settle(ctx);
    }

    fn on_crash(&mut self) {
        // Crash-stop: copies not yet handed to the network are gone with the process.
        self.outbox.clear();
        self.round_armed = false;
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, BroadcastMessage>) {
        self.arm_schedule(ctx);
        self.arm_round(ctx);
    }

    fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.log.is_empty() {
            parts.push("delivered nothing".to_string());
        } else if self.log.len() <= 8 {
            parts.push(format!("delivered {}", self.log.join(", ")));
        } else {
            let last = &self.log[self.log.len() - 4..];
            parts.push(format!(
                "delivered {} messages, the last {}",
                self.log.len(),
                last.join(", ")
            ));
        }
        let holding = self.holding();
        if !holding.is_empty() {
            parts.push(format!("holding back {holding}"));
        }
        if !self.requests.is_empty() {
            let waiting: Vec<String> = self
                .requests
                .iter()
                .map(|r| {
                    format!(
                        "{} (waits for {})",
                        r.tag.name,
                        self.tag(r.tag.sender, self.numbered[r.tag.sender] + 1)
                    )
                })
                .collect();
            parts.push(format!("not yet numbered {}", waiting.join(", ")));
        }
        if !self.outbox.is_empty() {
            let copies: Vec<String> = self
                .outbox
                .values()
                .map(|(to, m)| format!("{} to {}", m.label(), self.name(*to)))
                .collect();
            parts.push(format!("still to send {}", copies.join(", ")));
        }
        if !self.pushing.is_empty() {
            let pushing: Vec<String> = self
                .pushing
                .values()
                .map(|(e, left)| format!("{} ({left} more rounds)", e.tag.name))
                .collect();
            parts.push(format!("pushing {}", pushing.join(", ")));
        }
        parts.join(" · ")
    }
}

/// The broadcast protocol.
pub struct Broadcast;

/// One `broadcast` or `deliver` output of a trace, read from its typed fact: the output's kind,
/// process, event and the message. Outputs without a [`Tag`] (an imported trace keeps only
/// texts) say nothing.
fn outputs(trace: &Trace) -> impl Iterator<Item = (&str, ProcessId, EventId, MessageKey)> + '_ {
    trace.outputs.iter().filter_map(|o| {
        let tag = o.fact::<Tag>()?;
        matches!(o.kind.as_str(), "broadcast" | "deliver").then_some((
            o.kind.as_str(),
            o.process,
            o.event,
            tag.key(),
        ))
    })
}

/// What the trace says about broadcasts and deliveries.
struct Deliveries {
    /// Each broadcast: its message, its sender and its event, in trace order.
    broadcasts: Vec<(MessageKey, ProcessId, EventId)>,
    /// Each process's deliveries in order: the message and the event.
    per: Vec<Vec<(MessageKey, EventId)>>,
    /// Whether each process never crashed.
    correct: Vec<bool>,
}

impl Deliveries {
    fn of(trace: &Trace) -> Self {
        let n = trace.processes.len();
        let mut d = Deliveries {
            broadcasts: Vec::new(),
            per: vec![Vec::new(); n],
            correct: vec![true; n],
        };
        for e in trace.events.iter().filter(|e| e.kind == EventKind::Crash) {
            d.correct[e.process] = false;
        }
        for (kind, p, event, m) in outputs(trace) {
            match kind {
                "broadcast" => d.broadcasts.push((m, p, event)),
                _ => d.per[p].push((m, event)),
            }
        }
        d
    }

    fn delivered(&self, p: ProcessId, m: MessageKey) -> bool {
        self.per[p].iter().any(|&(t, _)| t == m)
    }
}

/// `P1#2` split into the sender's name and the number: how a scenario's `replies` name the
/// message answered (the scenario's text, read once when the processes are built).
fn split_tag(tag: &str) -> Option<(&str, u32)> {
    let (sender, n) = tag.rsplit_once('#')?;
    Some((sender, n.parse().ok()?))
}

fn validity(trace: &Trace) -> Verdict {
    let d = Deliveries::of(trace);
    let tag = |m| key_text(&trace.processes, m);
    for &(m, sender, event) in &d.broadcasts {
        if !d.correct[sender] {
            continue;
        }
        for p in (0..d.per.len()).filter(|&p| d.correct[p]) {
            if !d.delivered(p, m) {
                return Verdict::violated(
                    vec![event],
                    format!(
                        "{} never delivered {}, although its sender {} never crashed",
                        trace.processes[p],
                        tag(m),
                        trace.processes[sender]
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

fn agreement(trace: &Trace) -> Verdict {
    let d = Deliveries::of(trace);
    let correct: Vec<ProcessId> = (0..d.per.len()).filter(|&p| d.correct[p]).collect();
    for &p in &correct {
        for &(m, event) in &d.per[p] {
            if let Some(&q) = correct.iter().find(|&&q| !d.delivered(q, m)) {
                return Verdict::violated(
                    vec![event],
                    format!(
                        "{} delivered {} but {} never did, and neither ever crashed",
                        trace.processes[p],
                        key_text(&trace.processes, m),
                        trace.processes[q]
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

fn integrity(trace: &Trace) -> Verdict {
    let mut broadcast: BTreeSet<MessageKey> = BTreeSet::new();
    let mut delivered: BTreeMap<(ProcessId, MessageKey), EventId> = BTreeMap::new();
    for (kind, p, event, m) in outputs(trace) {
        if kind == "broadcast" {
            broadcast.insert(m);
            continue;
        }
        let tag = key_text(&trace.processes, m);
        if !broadcast.contains(&m) {
            return Verdict::violated(
                vec![event],
                format!(
                    "{} delivered {tag}, which nobody had broadcast",
                    trace.processes[p]
                ),
            );
        }
        if let Some(&first) = delivered.get(&(p, m)) {
            return Verdict::violated(
                vec![first, event],
                format!("{} delivered {tag} twice", trace.processes[p]),
            );
        }
        delivered.insert((p, m), event);
    }
    Verdict::Holds
}

fn fifo_order(trace: &Trace) -> Verdict {
    let d = Deliveries::of(trace);
    for (p, got) in d.per.iter().enumerate() {
        let mut seen: BTreeSet<MessageKey> = BTreeSet::new();
        for &((sender, n), event) in got {
            if let Some(missing) = (1..n).find(|&i| !seen.contains(&(sender, i))) {
                let earlier = (sender, missing);
                let mut events = vec![event];
                events.extend(
                    d.broadcasts
                        .iter()
                        .filter(|&&(t, _, _)| t == earlier)
                        .map(|&(_, _, e)| e),
                );
                return Verdict::violated(
                    events,
                    format!(
                        "{} delivered {} before {}, which {} broadcast first",
                        trace.processes[p],
                        key_text(&trace.processes, (sender, n)),
                        key_text(&trace.processes, earlier),
                        trace.processes.get(sender).map_or("its sender", |s| s),
                    ),
                );
            }
            seen.insert((sender, n));
        }
    }
    Verdict::Holds
}

fn causal_order(trace: &Trace) -> Verdict {
    let n = trace.processes.len();
    let tag = |m| key_text(&trace.processes, m);
    // What each process had broadcast or delivered so far, with everything that came before it.
    let mut past: Vec<BTreeSet<MessageKey>> = vec![BTreeSet::new(); n];
    let mut delivered: Vec<BTreeSet<MessageKey>> = vec![BTreeSet::new(); n];
    let mut before: BTreeMap<MessageKey, BTreeSet<MessageKey>> = BTreeMap::new();
    let mut broadcast_event: BTreeMap<MessageKey, (ProcessId, EventId)> = BTreeMap::new();
    for (kind, p, event, m) in outputs(trace) {
        if kind == "broadcast" {
            before.insert(m, past[p].clone());
            broadcast_event.insert(m, (p, event));
            past[p].insert(m);
            continue;
        }
        let Some(deps) = before.get(&m) else {
            continue;
        };
        if let Some(&missing) = deps.iter().find(|d| !delivered[p].contains(*d)) {
            let (sender, sent) = broadcast_event[&m];
            let mut events = vec![event, sent];
            events.extend(broadcast_event.get(&missing).map(|&(_, e)| e));
            return Verdict::violated(
                events,
                format!(
                    "{} delivered {} without having delivered {}, although {} had broadcast or \
                     delivered {} before broadcasting {}",
                    trace.processes[p],
                    tag(m),
                    tag(missing),
                    trace.processes[sender],
                    tag(missing),
                    tag(m)
                ),
            );
        }
        let deps = deps.clone();
        past[p].extend(deps);
        past[p].insert(m);
        delivered[p].insert(m);
    }
    Verdict::Holds
}

fn total_order(trace: &Trace) -> Verdict {
    let d = Deliveries::of(trace);
    let n = d.per.len();
    for p in 0..n {
        for q in p + 1..n {
            let common = |a: usize, b: usize| -> Vec<(MessageKey, EventId)> {
                d.per[a]
                    .iter()
                    .copied()
                    .filter(|&(t, _)| d.delivered(b, t))
                    .collect()
            };
            let (at_p, at_q) = (common(p, q), common(q, p));
            if let Some(i) = (0..at_p.len().min(at_q.len())).find(|&i| at_p[i].0 != at_q[i].0) {
                let (first, second) = (at_p[i].0, at_q[i].0);
                let event = |list: &[(MessageKey, EventId)], m: MessageKey| {
                    list.iter().find(|&&(t, _)| t == m).map(|&(_, e)| e)
                };
                let events = [
                    event(&at_p, first),
                    event(&at_p, second),
                    event(&at_q, second),
                    event(&at_q, first),
                ]
                .into_iter()
                .flatten()
                .collect();
                let (first, second) = (
                    key_text(&trace.processes, first),
                    key_text(&trace.processes, second),
                );
                return Verdict::violated(
                    events,
                    format!(
                        "{} delivered {first} before {second}, but {} delivered {second} before \
                         {first}",
                        trace.processes[p], trace.processes[q]
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

/// The processes that may broadcast: the planned senders and those that answer a delivery
/// (everyone, if a name does not resolve).
fn broadcasters(scenario: &Scenario, params: &BroadcastParams) -> BTreeSet<ProcessId> {
    let processes = &scenario.processes;
    let named = params
        .broadcasts
        .iter()
        .map(|b| &b.from)
        .chain(params.replies.iter().map(|r| &r.from))
        .map(|p| p.resolve(processes, "").ok())
        .collect::<Option<BTreeSet<ProcessId>>>();
    named.unwrap_or_else(|| (0..processes.len()).collect())
}

/// The end of a withdrawn promise's reason, after what loses messages: what a variant that
/// sends each copy once makes of a lost one.
const PERFECT_LINKS: &str =
    "this broadcast assumes perfect links (no message lost): a lost copy is never sent again";
/// The same for the relaying variants, whose relays can make up for some lost copies but not
/// for these.
const RELAYS: &str = "this broadcast assumes perfect links (no message lost): a lost copy is \
                      never sent again, and other processes' relays get a message around it only \
                      through processes that never crash";
/// The same for the Lamport variant's orders.
const LAMPORT_MISSES: &str = "this algorithm assumes perfect links (no message lost): a process \
                              that misses a message may still deliver the sender's later ones";

/// Withdraw `property`'s promise if `keeps` is false (the variant never makes it), or if there
/// are reasons on this scenario, which its description then gives: `… (not promised here: the
/// network loses 10% of messages, and …)`.
fn promise(mut property: Property, keeps: bool, why: &[String]) -> Property {
    if !keeps {
        return property.not_promised();
    }
    if why.is_empty() {
        return property;
    }
    property.description = format!(
        "{} (not promised here: {})",
        property.description,
        why.join("; ")
    );
    property.not_promised()
}

impl Protocol for Broadcast {
    const NAME: &'static str = "broadcast";
    const DESCRIPTION: &'static str =
        "one message to everyone: best-effort, reliable, FIFO, causal, total order, gossip";
    type Node = BroadcastNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "best-effort",
                description: "the sender sends one copy to each process; nobody passes it on",
                broken: false,
            },
            VariantInfo {
                name: "reliable",
                description: "eager reliable broadcast: relay a message to all on first receipt, \
                              then deliver",
                broken: false,
            },
            VariantInfo {
                name: "fifo",
                description: "reliable, and each sender's messages delivered in the order sent",
                broken: false,
            },
            VariantInfo {
                name: "causal",
                description: "reliable, and a message delivered only after everything its \
                              sender had delivered (vector clocks)",
                broken: false,
            },
            VariantInfo {
                name: "total-sequencer",
                description: "a fixed sequencer (the first process) numbers every message; all \
                              deliver in number order",
                broken: false,
            },
            VariantInfo {
                name: "total-lamport",
                description: "Lamport timestamps and acknowledgements; deliver the smallest once \
                              everyone has passed it (needs FIFO links)",
                broken: false,
            },
            VariantInfo {
                name: "gossip",
                description: "push each new message to `fanout` random peers per round, for \
                              `rounds` rounds",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<BroadcastNode>, ScenarioError> {
        let params: BroadcastParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        let processes = &scenario.processes;
        let n = processes.len();
        if params.broadcasts.len() > MAX_BROADCASTS {
            return Err(ScenarioError::invalid(
                "params.broadcasts",
                format!(
                    "at most {MAX_BROADCASTS} broadcasts, not {}",
                    params.broadcasts.len()
                ),
            ));
        }
        let mut plans: Vec<Vec<(Time, Option<String>)>> = vec![Vec::new(); n];
        for (i, b) in params.broadcasts.iter().enumerate() {
            let from = b
                .from
                .resolve(processes, &format!("params.broadcasts[{i}].from"))?;
            plans[from].push((b.at, b.label.clone()));
        }
        for plan in &mut plans {
            plan.sort_by_key(|&(at, _)| at);
        }
        let mut replies: Vec<Vec<(MessageKey, Option<String>)>> = vec![Vec::new(); n];
        for (i, r) in params.replies.iter().enumerate() {
            let from = r
                .from
                .resolve(processes, &format!("params.replies[{i}].from"))?;
            // The scenario's own text names the message answered: read it once, here.
            let answers = split_tag(&r.to)
                .filter(|&(_, k)| k >= 1)
                .and_then(|(sender, k)| Some((processes.iter().position(|p| p == sender)?, k)));
            let Some(answers) = answers else {
                return Err(ScenarioError::invalid(
                    format!("params.replies[{i}].to"),
                    format!(
                        "\"{}\" names no message: write the sender's name, '#' and its number, \
                         like \"{}#1\"",
                        r.to, processes[0]
                    ),
                ));
            };
            replies[from].push((answers, r.label.clone()));
        }
        if variant == Variant::Gossip {
            if params.fanout == 0 {
                return Err(ScenarioError::invalid(
                    "params.fanout",
                    "a fanout of 0 would never spread a message; give 1 or more",
                ));
            }
            if params.rounds == 0 || params.rounds > MAX_ROUNDS {
                return Err(ScenarioError::invalid(
                    "params.rounds",
                    format!("give from 1 to {MAX_ROUNDS} rounds, not {}", params.rounds),
                ));
            }
            if params.round_length == 0 {
                return Err(ScenarioError::invalid(
                    "params.round_length",
                    "a round lasts at least one tick",
                ));
            }
        }
        let names: Arc<[String]> = processes.clone().into();
        Ok((0..n)
            .map(|me| BroadcastNode {
                variant,
                me,
                names: names.clone(),
                plan: std::mem::take(&mut plans[me]),
                planned_done: 0,
                replies: std::mem::take(&mut replies[me]),
                due_replies: VecDeque::new(),
                sent: 0,
                fanout: params.fanout,
                rounds: params.rounds,
                round_length: params.round_length,
                delivered: vec![0; n],
                delivered_keys: BTreeSet::new(),
                log: Vec::new(),
                seen: BTreeSet::new(),
                held: Vec::new(),
                outbox: BTreeMap::new(),
                next_seq: 1,
                numbered: vec![0; n],
                requests: Vec::new(),
                ordered: BTreeMap::new(),
                next_deliver: 1,
                clock: 0,
                heard: vec![0; n],
                pushing: BTreeMap::new(),
                round_armed: false,
                last_holding: String::new(),
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let params: BroadcastParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        use Variant::*;
        let setting = Setting::of(scenario);
        let every_link = |_: ProcessId, _: ProcessId| true;
        // A withdrawn promise's reason: what loses messages, and why the variant cares.
        let lost = |losses: Vec<String>, why: &str| {
            (!losses.is_empty()).then(|| format!("{}, and {why}", and_list(&losses)))
        };
        // Why validity and agreement are not promised on this scenario (besides the variants
        // that never promise them): the variant's own assumptions, then the links.
        let mut live: Vec<String> = Vec::new();
        match variant {
            Gossip => {}
            BestEffort => {
                // Only the senders' copies travel, each straight to its receiver.
                let senders = broadcasters(scenario, &params);
                let touches = |a, b| senders.contains(&a) || senders.contains(&b);
                live.extend(lost(setting.losses(touches), PERFECT_LINKS));
            }
            Reliable | Fifo | Causal => {
                if !setting.relays_connect() {
                    live.extend(lost(setting.losses(every_link), RELAYS));
                }
            }
            TotalSequencer => {
                if setting.crashes(SEQUENCER) {
                    live.push(format!(
                        "the sequencer {} crashes, and without it nothing more is numbered",
                        scenario.processes[SEQUENCER]
                    ));
                }
                // Requests go to the sequencer and numbered messages come from it.
                let touches = |a, b| a == SEQUENCER || b == SEQUENCER;
                live.extend(lost(setting.losses(touches), PERFECT_LINKS));
            }
            TotalLamport => {
                if let Some(crash) = setting.crash_text() {
                    live.push(format!(
                        "{crash}, and every process waits to hear from every other one before \
                         it delivers"
                    ));
                }
                live.extend(lost(setting.losses(every_link), PERFECT_LINKS));
            }
        }
        // The Lamport variant's orders: all three need FIFO links, and FIFO and causal order
        // need a process that goes on delivering to have missed nothing.
        let (mut any_order, mut sender_order) = (Vec::new(), Vec::new());
        if variant == TotalLamport {
            if !setting.fifo() {
                any_order.push(
                    "the links are not FIFO (a message may overtake an earlier one on its link), \
                     and this algorithm assumes FIFO links"
                        .to_string(),
                );
            }
            if setting.delays() {
                any_order.push(
                    "you delayed a message, so it may arrive after later ones on its link, and \
                     this algorithm assumes FIFO links"
                        .to_string(),
                );
            }
            sender_order = any_order.clone();
            let mut missed = setting.losses(every_link);
            missed.extend(setting.recover_text());
            sender_order.extend(lost(missed, LAMPORT_MISSES));
        }
        Ok(vec![
            promise(
                Property::new(
                    "validity",
                    PropertyKind::Liveness,
                    "a message broadcast by a process that never crashes is delivered by every \
                     process that never crashes",
                    validity,
                ),
                variant != Gossip,
                &live,
            ),
            promise(
                Property::new(
                    "agreement",
                    PropertyKind::Liveness,
                    "if a process that never crashes delivers a message, every process that \
                     never crashes delivers it",
                    agreement,
                ),
                !matches!(variant, BestEffort | Gossip),
                &live,
            ),
            Property::new(
                "integrity",
                PropertyKind::Safety,
                "a process delivers a message at most once, and only one that was broadcast",
                integrity,
            ),
            promise(
                Property::new(
                    "fifo-order",
                    PropertyKind::Safety,
                    "a process delivers a sender's message only after that sender's earlier ones",
                    fifo_order,
                ),
                matches!(variant, Fifo | Causal | TotalSequencer | TotalLamport),
                &sender_order,
            ),
            promise(
                Property::new(
                    "causal-order",
                    PropertyKind::Safety,
                    "a process delivers a message only after every message its sender had \
                     broadcast or delivered before broadcasting it",
                    causal_order,
                ),
                matches!(variant, Causal | TotalSequencer | TotalLamport),
                &sender_order,
            ),
            promise(
                Property::new(
                    "total-order",
                    PropertyKind::Safety,
                    "any two processes deliver the messages they both deliver in the same order",
                    total_order,
                ),
                matches!(variant, TotalSequencer | TotalLamport),
                &any_order,
            ),
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        variant: &str,
                        n: usize,
                        params: BroadcastParams| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "broadcast".into(),
            variant: variant.into(),
            params: serde_json::to_value(params).expect("serialisable"),
            processes: (1..=n).map(|i| format!("P{i}")).collect(),
            network: NetworkModel::default(),
            faults: Vec::new(),
            seed: 1,
            interventions: Vec::new(),
            limits: Default::default(),
        };
        let at = |at: Time, from: &str, label: &str| PlannedBroadcast {
            at,
            from: ProcessRef::Name(from.into()),
            label: Some(label.into()),
        };
        let link = |a: &str, b: &str, min: Time, max: Time| LinkModel {
            between: [ProcessRef::Name(a.into()), ProcessRef::Name(b.into())],
            latency: Some(Latency { min, max }),
            loss: None,
        };

        let mut crash = scenario(
            "broadcast-best-effort-sender-crash",
            "The sender crashes half way",
            "P1 hands its copies to the network one tick apart and crashes after the first: P2 \
             delivers the message, P3 and P4 never hear of it, and agreement is broken. Switch to \
             reliable: P2 relays the message before delivering it, so everyone still gets it.",
            "best-effort",
            4,
            BroadcastParams {
                broadcasts: vec![at(10, "P1", "hello")],
                ..BroadcastParams::default()
            },
        );
        crash.faults.push(Fault {
            at: 11,
            action: Action::Crash {
                process: ProcessRef::Name("P1".into()),
            },
        });

        let mut overtake = scenario(
            "broadcast-fifo-overtake",
            "A later message overtakes an earlier one",
            "P1 broadcasts twice in quick succession over a network that reorders messages. \
             Under reliable broadcast a process delivers P1#2 before P1#1 (fifo-order broken); \
             under fifo it holds P1#2 back until P1#1 is in.",
            "fifo",
            3,
            BroadcastParams {
                broadcasts: vec![at(10, "P1", "first"), at(12, "P1", "second")],
                ..BroadcastParams::default()
            },
        );
        overtake.network.latency = Latency { min: 5, max: 40 };
        overtake.seed = FIFO_SEED;

        let mut reply = scenario(
            "broadcast-causal-reply-overtakes",
            "The reply arrives before the question",
            "P1 posts a question; P2 delivers it and broadcasts a reply at once. P1's link to P3 \
             is slow, and the reply overtakes the relayed question on its way to P3. FIFO \
             broadcast delivers the reply before the question (causal-order broken); causal \
             broadcast holds the reply back until the question is delivered.",
            "causal",
            3,
            BroadcastParams {
                broadcasts: vec![at(10, "P1", "question")],
                replies: vec![Reply {
                    to: "P1#1".into(),
                    from: ProcessRef::Name("P2".into()),
                    label: Some("answer".into()),
                }],
                ..BroadcastParams::default()
            },
        );
        reply.network.links = vec![link("P1", "P2", 5, 5), link("P1", "P3", 60, 60)];
        reply.network.latency = Latency { min: 5, max: 40 };
        reply.seed = CAUSAL_SEED;

        let mut total = scenario(
            "broadcast-total-order-needed",
            "Two senders at once",
            "P1 and P3 broadcast at the same moment. Under causal broadcast each delivers its own \
             message first, so processes deliver the two in different orders (total-order \
             broken). With Lamport timestamps and acknowledgements (or a sequencer) every process \
             delivers them in the same order. The links are FIFO, as the Lamport variant needs.",
            "total-lamport",
            4,
            BroadcastParams {
                broadcasts: vec![at(10, "P1", "debit"), at(10, "P3", "credit")],
                ..BroadcastParams::default()
            },
        );
        total.network.fifo = true;

        let gossip = scenario(
            "broadcast-gossip-coverage",
            "Gossip among eight",
            "P1 broadcasts by gossip: every process that hears a message pushes it to two random \
             peers in each of three rounds. Watch how many rounds it takes to reach everyone, and \
             whether it does.",
            "gossip",
            8,
            BroadcastParams {
                broadcasts: vec![at(10, "P1", "rumour")],
                ..BroadcastParams::default()
            },
        );
        vec![crash, overtake, reply, total, gossip]
    }
}

/// Seeds the examples use, picked so the weaker variant shows its problem.
const FIFO_SEED: u64 = 0;
const CAUSAL_SEED: u64 = 0;
