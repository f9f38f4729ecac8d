//! Links: fair-loss, stubborn and perfect point-to-point links, each built on the one below it
//! (Cachin, Guerraoui and Rodrigues, *Reliable and Secure Distributed Programming*, 2.4).
//!
//! Scenarios name the protocol `channels` (see [`Links`] for why not `links`). One process, the
//! sender (`from`, P1 by default), sends `messages` distinct messages `m1`, `m2`, ... to every
//! other process, a new one every `interval` ticks. The network underneath is the scenario's: it
//! may lose, duplicate, reorder and hold up messages. Each variant is one layer of the
//! textbook's stack:
//!
//! * **fair-loss**: the network as it is. The sender sends each message once; the receiver
//!   delivers every copy that arrives. Fair-loss links promise only *no creation* (a process
//!   delivers only what was sent to it): a message sent once may be lost, and a copy the
//!   network duplicates is delivered twice.
//! * **stubborn**: the sender keeps a log of what it sent and, every `retransmit` ticks (the
//!   `retransmit` timer), sends all of it again, forever:
//!
//!   ```text
//!   upon send(q, m):   sent := sent ∪ {(q, m)}; fair-loss send(q, m)
//!   upon timeout:      for (q, m) in sent: fair-loss send(q, m); start timer
//!   upon fair-loss deliver(p, m): deliver(p, m)
//!   ```
//!
//!   A message sent infinitely often over a fair-loss link gets through infinitely often, so a
//!   stubborn link promises *reliable delivery*, and still no creation; but not *no
//!   duplication*, since every copy is delivered.
//! * **perfect**: stubborn below, and the receiver remembers what it delivered and delivers a
//!   message only the first time; a later copy is received and discarded:
//!
//!   ```text
//!   upon stubborn deliver(p, m): if (p, m) ∉ delivered: delivered := delivered ∪ {(p, m)}; deliver(p, m)
//!   ```
//!
//!   That is all three: reliable delivery, no duplication, no creation.
//!
//! Both logs are on stable storage: a sender that crashes and comes back carries on sending its
//! log again, and a receiver that comes back still knows what it delivered (so recovering
//! cannot make a perfect link deliver a message twice).
//!
//! Each delivery is an output `deliver` with a typed [`Delivery`] fact; the properties read the
//! facts and the messages' typed [`Packet`]s, never a label. A retransmission is a [`Packet`]
//! with `again` set, drawn dashed.
//!
//! ## A finite run of an infinite promise
//!
//! Reliable delivery is about infinite runs: a stubborn link sends forever, and a message gets
//! through *eventually*. A run here ends (stubborn and perfect scenarios must set
//! `limits.max_time`), so the check asks for what the run had time for: a message must be
//! delivered once its sender has sent it enough times, each copy early enough to be sure to
//! arrive before the run ends. "Enough" is the number of copies that are all lost with a chance
//! below one in a billion (18 at 30% loss, 30 at 50%), plus one for each message the learner
//! drops or delays by hand; "sure to arrive" counts the latency's maximum and, if the system is
//! asynchronous, the longest hold-up (on a FIFO link, also the hold-up of an older copy it waits
//! behind). If not even the first message can get that many copies through before
//! `limits.max_time`, or a link from the sender is cut, the promise is withdrawn and its
//! description says why. Crashes withdraw nothing: the promise is about correct processes, and
//! one that crashes in the run is not one.
//!
//! ```
//! use spacetime_core::lessons::models::links::{Delivery, Links};
//! use spacetime_core::{Protocol, Run};
//!
//! let stubborn = Links::examples()
//!     .into_iter()
//!     .find(|s| s.name == "channels-stubborn")
//!     .unwrap();
//! let run = Run::complete(&stubborn).unwrap();
//! // Every one of P1's three messages reaches P2 (some more than once) ...
//! let delivered: Vec<u32> = run
//!     .trace()
//!     .outputs
//!     .iter()
//!     .filter_map(|o| o.fact::<Delivery>())
//!     .map(|d| d.message.0)
//!     .collect();
//! assert!((1..=3).all(|m| delivered.contains(&m)));
//! // ... and a stubborn link keeps every promise it makes.
//! let reports = run.check(run.trace());
//! assert!(reports.iter().all(|r| !r.is_broken_promise()));
//! let reliable = reports.iter().find(|r| r.name == "reliable-delivery").unwrap();
//! assert!(reliable.promised && reliable.verdict.holds());
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::process::{Context, Field, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{
    Action, Latency, Limits, NetworkModel, ProcessRef, Scenario, ScenarioError, Timing,
};
use crate::trace::{EventKind, Trace};

/// The links' parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksParams {
    /// The sender (an index).
    pub from: ProcessId,
    /// How many distinct messages the sender sends to every other process.
    pub messages: usize,
    /// Ticks between two new messages.
    pub interval: Time,
    /// Ticks between two rounds of retransmission (stubborn and perfect).
    pub retransmit: Time,
}

impl Default for LinksParams {
    fn default() -> Self {
        LinksParams {
            from: 0,
            messages: 3,
            interval: 30,
            retransmit: 40,
        }
    }
}

/// The most messages a run may send: each is sent again every round, so a run grows with them.
pub const MAX_MESSAGES: usize = 50;

/// The longest `interval` or `retransmit`, as for latencies.
pub const MAX_TICKS: Time = 1_000_000;

/// The promise of reliable delivery accepts that every copy the check counts on may be lost,
/// with a chance below this: one in a billion, per message and receiver.
pub const ALL_LOST_BELOW: f64 = 1e-9;

/// A message, by number: `m1`, `m2`, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Msg(pub u32);

impl Payload for Msg {
    fn label(&self) -> String {
        format!("m{}", self.0)
    }
}

/// A copy of a message on the wire. `again` marks a retransmission (drawn dashed); no receiver
/// reads it, since a copy is a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    pub message: Msg,
    pub again: bool,
}

impl Payload for Packet {
    fn label(&self) -> String {
        self.message.label()
    }
    fn sent_again(&self) -> bool {
        self.again
    }
}

/// What a receiver's `deliver` output says: it delivered `message`, sent by `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub message: Msg,
    pub from: ProcessId,
}

impl Payload for Delivery {
    fn label(&self) -> String {
        self.message.label()
    }
}

/// The three layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    FairLoss,
    Stubborn,
    Perfect,
}

impl Variant {
    /// The variant a scenario names; an empty name is the first (the default).
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "" | "fair-loss" => Ok(Variant::FairLoss),
            "stubborn" => Ok(Variant::Stubborn),
            "perfect" => Ok(Variant::Perfect),
            _ => Err(crate::protocol::unknown_variant::<Links>(name)),
        }
    }

    fn retransmits(self) -> bool {
        self != Variant::FairLoss
    }
}

const NEXT: &str = "next message";
const RETRANSMIT: &str = "retransmit";

/// One process: the sender, or a receiver. Everything it holds is on stable storage (a crash
/// forgets nothing; the default [`Process::on_crash`]): the sender's log of what it sent, so
/// that it goes on retransmitting after it comes back, and a receiver's record of what it
/// delivered, so that a perfect link that comes back does not deliver a message twice.
#[derive(Clone, Debug)]
pub struct LinksNode {
    variant: Variant,
    sender: bool,
    messages: usize,
    interval: Time,
    retransmit: Time,
    /// The sender: how many messages it has sent (`m1` to `m{sent}`), to every other process.
    sent: u32,
    /// The sender: copies handed to the network, first sends and retransmissions.
    copies: u64,
    /// A receiver: how many times it delivered each message, by sender and number.
    delivered: BTreeMap<(ProcessId, Msg), u32>,
    /// A receiver (perfect): copies received and discarded as already delivered.
    discarded: u64,
}

impl LinksNode {
    fn send_new(&mut self, ctx: &mut Context<'_, Packet>) {
        self.sent += 1;
        let message = Msg(self.sent);
        for q in ctx.peers().collect::<Vec<_>>() {
            ctx.send(
                q,
                Packet {
                    message,
                    again: false,
                },
            );
            self.copies += 1;
        }
        if (self.sent as usize) < self.messages {
            ctx.set_pacing_timer(NEXT, self.interval);
        }
    }

    fn send_all_again(&mut self, ctx: &mut Context<'_, Packet>) {
        let peers: Vec<ProcessId> = ctx.peers().collect();
        for n in 1..=self.sent {
            for &q in &peers {
                ctx.send(
                    q,
                    Packet {
                        message: Msg(n),
                        again: true,
                    },
                );
                self.copies += 1;
            }
        }
        if self.sent > 0 {
            ctx.note(format!(
                "It sends everything it has sent ({}) again: a stubborn link never learns \
                 whether a copy arrived, so it never stops",
                if self.sent == 1 {
                    "m1".to_string()
                } else {
                    format!("m1 to m{}", self.sent)
                }
            ));
        }
        ctx.set_timer(RETRANSMIT, self.retransmit);
    }
}

impl Process for LinksNode {
    type Message = Packet;

    fn on_start(&mut self, ctx: &mut Context<'_, Packet>) {
        if !self.sender {
            return;
        }
        self.send_new(ctx);
        if self.variant.retransmits() {
            ctx.set_timer(RETRANSMIT, self.retransmit);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Packet>, from: ProcessId, packet: Packet) {
        let key = (from, packet.message);
        let times = self.delivered.get(&key).copied().unwrap_or(0);
        let name = packet.message.label();
        if self.variant == Variant::Perfect && times > 0 {
            self.discarded += 1;
            ctx.note(format!(
                "It delivered {name} before, so this copy is discarded: a perfect link \
                 delivers a message once"
            ));
            return;
        }
        self.delivered.insert(key, times + 1);
        if times > 0 {
            ctx.note(format!(
                "It delivers {name} again ({} times now): below a perfect link, every copy \
                 that arrives is delivered",
                times + 1
            ));
        }
        ctx.output_fact(
            "deliver",
            Delivery {
                message: packet.message,
                from,
            },
        );
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Packet>, timer: &str) {
        match timer {
            NEXT if (self.sent as usize) < self.messages => self.send_new(ctx),
            RETRANSMIT => self.send_all_again(ctx),
            _ => {}
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Packet>, _request: &str) {
        ctx.note("These links take no requests: the sender sends its messages on its own");
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Packet>) {
        if !self.sender {
            return;
        }
        // The crash cancelled the timers; the log of what was sent survived it.
        if (self.sent as usize) < self.messages {
            ctx.set_pacing_timer(NEXT, self.interval);
        }
        if self.variant.retransmits() {
            ctx.note("Its log of sent messages is on stable storage: it sends them all again");
            self.send_all_again(ctx);
        }
    }

    fn fields(&self) -> Vec<Field> {
        if self.sender {
            let sent = match self.sent {
                0 => "none".to_string(),
                1 => "m1".to_string(),
                n => format!("m1 to m{n}"),
            };
            return vec![
                Field::new("role", "sender"),
                Field::new("sent", sent),
                Field::new("copies", self.copies),
            ];
        }
        let distinct: BTreeSet<Msg> = self.delivered.keys().map(|&(_, m)| m).collect();
        let list: Vec<String> = distinct.iter().map(|m| m.label()).collect();
        let mut fields = vec![
            Field::new("role", "receiver"),
            Field::new(
                "delivered",
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                },
            ),
            Field::new("deliveries", self.delivered.values().sum::<u32>()),
        ];
        if self.variant == Variant::Perfect {
            fields.push(Field::new("discarded", self.discarded));
        }
        fields
    }
}

/// The links protocol: fair-loss, stubborn or perfect. Scenarios call it `channels`, not `links`:
/// shared code uses the word "links" in its own sense (`network.links`, "FIFO links"), and the
/// test that no shared file names a protocol reads every such string as the name.
pub struct Links;

/// Every delivery in the trace, from the `deliver` outputs' typed facts: (receiver, fact,
/// event).
fn deliveries(trace: &Trace) -> Vec<(ProcessId, Delivery, usize)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "deliver")
        .filter_map(|o| Some((o.process, *o.fact::<Delivery>()?, o.event)))
        .collect()
}

/// When a copy sent on one of the sender's links arrives at the latest, if it arrives: the
/// bound the promise of reliable delivery counts on.
#[derive(Clone, Copy, Debug)]
struct Deadline {
    /// The latency's maximum on the slowest of the sender's links.
    latency: Time,
    timing: Timing,
    fifo: bool,
}

impl Deadline {
    /// The latest arrival of a copy sent at `t`: its latency and hold-up at worst, or on a FIFO
    /// link the latest of an earlier copy's, which it waits behind.
    fn of(&self, t: Time) -> Time {
        let held = |t: Time| self.timing.stall(t).map_or(0, |(_, longest)| longest);
        let own = t.saturating_add(self.latency).saturating_add(held(t));
        // The hold-up only shrinks with time (it stops at the GST), so the worst earlier copy
        // is the last one sent before the GST.
        match self.timing.gst() {
            Some(gst) if self.fifo && t >= gst && gst > 0 => own.max(
                (gst - 1)
                    .saturating_add(self.latency)
                    .saturating_add(held(gst - 1)),
            ),
            _ => own,
        }
    }
}

/// How many copies must all be lost, at `loss`, for the chance of it to fall below
/// [`ALL_LOST_BELOW`]; `None` if no number will do (the link loses everything).
fn copies_needed(loss: f64) -> Option<u64> {
    if loss <= 0.0 {
        return Some(1);
    }
    if loss >= 1.0 {
        return None;
    }
    let mut k = (ALL_LOST_BELOW.ln() / loss.ln()).floor().max(1.0);
    if k > 1e9 {
        return None;
    }
    while loss.powf(k) >= ALL_LOST_BELOW {
        k += 1.0;
    }
    while k > 1.0 && loss.powf(k - 1.0) < ALL_LOST_BELOW {
        k -= 1.0;
    }
    Some(k as u64)
}

/// A probability as a share: `30%`, `2.5%`, `under 0.01%`.
fn percent(p: f64) -> String {
    let text = format!("{:.2}", p * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "0" {
        "under 0.01%".into()
    } else {
        format!("{text}%")
    }
}

/// What the scenario does to the sender's links, read once when the properties are declared.
struct Setting {
    /// The highest loss on a link from the sender.
    loss: f64,
    deadline: Deadline,
    /// The sender's links that some fault or intervention cuts, in words (`P1–P2`).
    cut: Vec<String>,
    /// Messages the learner drops or delays by hand: each may take one copy out of the count.
    by_hand: u64,
}

impl Setting {
    fn of(scenario: &Scenario, sender: ProcessId) -> Setting {
        let names = &scenario.processes;
        let net = &scenario.network;
        let resolve = |p: &ProcessRef| p.resolve(names, "").ok();
        let touches_sender = |between: &[ProcessRef; 2]| {
            let (a, b) = (resolve(&between[0]), resolve(&between[1]));
            match (a, b) {
                (Some(a), Some(b)) if a != b && (a == sender || b == sender) => {
                    Some(if a == sender { b } else { a })
                }
                _ => None,
            }
        };
        // As the engine reads the links: the last entry for a link wins, and what it leaves
        // out is the network's.
        let mut own: BTreeMap<ProcessId, (Latency, f64)> = BTreeMap::new();
        for link in &net.links {
            if let Some(q) = touches_sender(&link.between) {
                own.insert(
                    q,
                    (
                        link.latency.unwrap_or(net.latency),
                        link.loss.unwrap_or(net.loss),
                    ),
                );
            }
        }
        let (mut loss, mut latency) = (0.0f64, 0);
        for q in (0..names.len()).filter(|&q| q != sender) {
            let (l, p) = own.get(&q).copied().unwrap_or((net.latency, net.loss));
            loss = loss.max(p);
            latency = latency.max(l.max);
        }
        let mut cut = BTreeSet::new();
        let mut by_hand = 0;
        let actions = scenario
            .faults
            .iter()
            .map(|f| &f.action)
            .chain(scenario.interventions.iter().map(|i| &i.action));
        for action in actions {
            match action {
                Action::Cut { between } => {
                    if let Some(q) = touches_sender(between) {
                        cut.insert(q);
                    }
                }
                Action::Drop { .. } | Action::Delay { .. } => by_hand += 1,
                _ => {}
            }
        }
        Setting {
            loss,
            deadline: Deadline {
                latency,
                timing: net.timing,
                fifo: net.fifo,
            },
            cut: cut
                .into_iter()
                .map(|q| format!("{}–{}", names[sender], names[q]))
                .collect(),
            by_hand,
        }
    }
}

/// The checks, with what they need from the scenario.
fn reliable_delivery(
    sender: ProcessId,
    need: u64,
    deadline: Deadline,
) -> impl Fn(&Trace) -> Verdict {
    move |trace: &Trace| {
        let Some(end) = trace.steps.last().map(|s| s.time) else {
            return Verdict::Holds;
        };
        let crashed: BTreeSet<ProcessId> = trace
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Crash)
            .map(|e| e.process)
            .collect();
        if crashed.contains(&sender) || sender >= trace.processes.len() {
            return Verdict::Holds;
        }
        let delivered: BTreeSet<(ProcessId, Msg)> = deliveries(trace)
            .into_iter()
            .filter(|(_, d, _)| d.from == sender)
            .map(|(q, d, _)| (q, d.message))
            .collect();
        // The copies the sender handed the network for each receiver and message, in order:
        // (time sent, send event). A copy the network or the learner duplicated is no send.
        let mut sends: BTreeMap<(ProcessId, Msg), Vec<(Time, usize)>> = BTreeMap::new();
        for m in &trace.messages {
            if m.from != sender || m.duplicate_of.is_some() || crashed.contains(&m.to) {
                continue;
            }
            if let Some(p) = m.content::<Packet>() {
                sends
                    .entry((m.to, p.message))
                    .or_default()
                    .push((m.sent_at, m.send_event));
            }
        }
        for (&(q, message), copies) in &sends {
            let in_time = copies
                .iter()
                .filter(|&&(t, _)| deadline.of(t) < end)
                .count() as u64;
            if in_time >= need && !delivered.contains(&(q, message)) {
                let times = if in_time == 1 {
                    "once".to_string()
                } else {
                    format!("{in_time} times")
                };
                return Verdict::violated(
                    copies.iter().map(|&(_, e)| e).collect(),
                    format!(
                        "{} never delivered {}, though {} sent it {times} in time to arrive",
                        trace.processes[q],
                        message.label(),
                        trace.processes[sender]
                    ),
                );
            }
        }
        Verdict::Holds
    }
}

impl Protocol for Links {
    const NAME: &'static str = "channels";
    // Its promises weigh the timing model themselves: hold-ups count in when a copy is due.
    const READS_TIMING: bool = true;
    const DESCRIPTION: &'static str = "fair-loss, stubborn and perfect point-to-point links";
    type Node = LinksNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "fair-loss",
                description: "send each message once; deliver every copy that arrives",
                broken: false,
            },
            VariantInfo {
                name: "stubborn",
                description: "send every message again every `retransmit` ticks, forever; \
                              deliver every copy",
                broken: false,
            },
            VariantInfo {
                name: "perfect",
                description: "stubborn links below; deliver a message only the first time",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<LinksNode>, ScenarioError> {
        let params: LinksParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        let n = scenario.processes.len();
        if n < 2 {
            return Err(ScenarioError::invalid(
                "processes",
                "a link joins two processes: give at least two",
            ));
        }
        if params.from >= n {
            return Err(ScenarioError::invalid(
                "params.from",
                format!(
                    "there is no process {}: indices run from 0 to {}",
                    params.from,
                    n - 1
                ),
            ));
        }
        if params.messages == 0 || params.messages > MAX_MESSAGES {
            return Err(ScenarioError::invalid(
                "params.messages",
                format!(
                    "give from 1 to {MAX_MESSAGES} messages, not {}",
                    params.messages
                ),
            ));
        }
        for (field, value) in [
            ("params.interval", params.interval),
            ("params.retransmit", params.retransmit),
        ] {
            if value == 0 || value > MAX_TICKS {
                return Err(ScenarioError::invalid(
                    field,
                    format!("give from 1 to {MAX_TICKS} ticks, not {value}"),
                ));
            }
        }
        // A stubborn sender never stops, so the run needs an end of its own; a guessed one
        // would silently cut the promise short, so ask for it.
        if variant.retransmits() && scenario.limits.max_time.is_none() {
            return Err(ScenarioError::invalid(
                "limits.max_time",
                "a stubborn link sends its messages again forever, so the run needs an end: \
                 set limits.max_time (600 ticks, say)",
            ));
        }
        Ok((0..n)
            .map(|p| LinksNode {
                variant,
                sender: p == params.from,
                messages: params.messages,
                interval: params.interval,
                retransmit: params.retransmit,
                sent: 0,
                copies: 0,
                delivered: BTreeMap::new(),
                discarded: 0,
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        // The same checks as `build`: the sender below is a process.
        Self::build(scenario, variant)?;
        let params: LinksParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        let sender = params.from;
        let setting = Setting::of(scenario, sender);
        let needed = copies_needed(setting.loss);
        // Fair-loss sends each message once: the check asks that one copy to arrive.
        let need = match (variant.retransmits(), needed) {
            (false, _) => 1,
            (true, Some(k)) => k + setting.by_hand,
            (true, None) => u64::MAX,
        };
        let demand = if need <= 1 {
            "it checks the messages sent early enough to arrive before the run ends".to_string()
        } else {
            let mut why = format!(
                "it checks the messages sent {need} times, each early enough to arrive before \
                 the run ends: at {} loss, {} copies are all lost with a chance below one in a \
                 billion",
                percent(setting.loss),
                needed.unwrap_or(need),
            );
            if setting.by_hand > 0 {
                why += ", and each message you drop or delay takes one more";
            }
            why
        };
        let mut reliable = Property::new(
            "reliable-delivery",
            PropertyKind::Liveness,
            format!(
                "every message a correct process (one that never crashes) sends to a correct \
                 process is delivered; a run is finite, so {demand}"
            ),
            reliable_delivery(sender, need, setting.deadline),
        );
        let no_duplication = Property::new(
            "no-duplication",
            PropertyKind::Safety,
            "no process delivers a message more than once",
            |trace: &Trace| {
                let mut seen: BTreeMap<(ProcessId, ProcessId, Msg), usize> = BTreeMap::new();
                for (q, d, e) in deliveries(trace) {
                    if let Some(&first) = seen.get(&(q, d.from, d.message)) {
                        return Verdict::violated(
                            vec![first, e],
                            format!(
                                "{} delivered {} from {} twice",
                                trace.processes[q],
                                d.message.label(),
                                trace.processes.get(d.from).map_or("?", String::as_str)
                            ),
                        );
                    }
                    seen.insert((q, d.from, d.message), e);
                }
                Verdict::Holds
            },
        );
        let no_creation = Property::new(
            "no-creation",
            PropertyKind::Safety,
            "every message a process delivers was sent to it by its sender",
            |trace: &Trace| {
                for (q, d, e) in deliveries(trace) {
                    let sent = trace.messages.iter().any(|m| {
                        m.from == d.from
                            && m.to == q
                            && m.send_event < e
                            && m.content::<Packet>()
                                .is_some_and(|p| p.message == d.message)
                    });
                    if !sent {
                        return Verdict::violated(
                            vec![e],
                            format!(
                                "{} delivered {} from {}, which never sent it that",
                                trace.processes[q],
                                d.message.label(),
                                trace.processes.get(d.from).map_or("?", String::as_str)
                            ),
                        );
                    }
                }
                Verdict::Holds
            },
        );
        if variant.retransmits() {
            let mut why = Vec::new();
            if !setting.cut.is_empty() {
                why.push(format!(
                    "the link{} {} {} cut (what is sent on it meanwhile is lost, and a heal may \
                     come too late in the run for a copy to get through)",
                    if setting.cut.len() == 1 { "" } else { "s" },
                    setting.cut.join(", "),
                    if setting.cut.len() == 1 { "is" } else { "are" },
                ));
            }
            match needed {
                None => why.push(format!(
                    "a link from {} loses every message",
                    scenario.processes[sender]
                )),
                Some(_) => {
                    // The first message goes at tick 0 and again at every round; the last round
                    // of the run is at or before `max_time`.
                    let max_time = scenario.limits.max_time.unwrap_or(0);
                    let r = params.retransmit.max(1);
                    let last_round = max_time / r * r;
                    let fit = (0..=max_time / r)
                        .filter(|&i| setting.deadline.of(i * r) < last_round)
                        .count() as u64;
                    if fit < need {
                        let mut slow =
                            format!("up to {} ticks to arrive", setting.deadline.latency);
                        if let Some(longest) = match scenario.network.timing {
                            Timing::Asynchronous { stall, longest }
                            | Timing::PartiallySynchronous { stall, longest, .. }
                                if stall > 0.0 && longest > 0 =>
                            {
                                Some(longest)
                            }
                            _ => None,
                        } {
                            slow += &format!(", or {longest} more when held up");
                        }
                        why.push(format!(
                            "the run is too short: a message needs {need} copies to arrive \
                             with near certainty, but sent every {r} ticks, taking {slow}, \
                             only {fit} copies of the first message can arrive before the run \
                             ends (limits.max_time is {max_time})"
                        ));
                    }
                }
            }
            if !why.is_empty() {
                reliable = reliable.withdrawn(&why.join("; "));
            }
        }
        Ok(match variant {
            Variant::FairLoss => vec![
                reliable.not_promised(),
                no_duplication.not_promised(),
                no_creation,
            ],
            Variant::Stubborn => vec![reliable, no_duplication.not_promised(), no_creation],
            Variant::Perfect => vec![reliable, no_duplication, no_creation],
        })
    }

    /// Named after the protocol, as every protocol's examples are (`channels-stubborn`).
    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        variant: &str,
                        duplicate: f64,
                        max_time: Time| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "channels".into(),
            variant: variant.into(),
            params: serde_json::to_value(LinksParams::default()).expect("serialisable"),
            processes: vec!["P1".into(), "P2".into()],
            network: NetworkModel {
                loss: 0.3,
                duplicate,
                ..NetworkModel::default()
            },
            faults: Vec::new(),
            seed: 1,
            interventions: Vec::new(),
            limits: Limits {
                max_steps: 2_000,
                max_time: Some(max_time),
            },
        };
        vec![
            scenario(
                "channels-fair-loss",
                "Fair-loss links",
                "P1 sends m1, m2 and m3 to P2 once each, over a network that loses 30% of \
                 messages. On this seed the network loses m1 and m2, and nothing sends them \
                 again: P2 delivers m3 only. Reliable delivery is no promise of this layer.",
                "fair-loss",
                0.0,
                400,
            ),
            scenario(
                "channels-stubborn",
                "Stubborn links",
                "The same network and seed, but P1 sends everything it has sent again every 40 \
                 ticks, forever (the dashed arrows). The first copies of m1 and m2 are lost \
                 again, yet later ones get through: P2 delivers all three messages, each ten \
                 times or more, since a stubborn link delivers every copy.",
                "stubborn",
                0.0,
                800,
            ),
            scenario(
                "channels-perfect",
                "Perfect links",
                "Stubborn links over a network that loses 30% and duplicates 20% of messages. \
                 Copies keep coming (m1 and m2 are lost the first time, and the network \
                 duplicates m3), but P2 delivers each message exactly once, when its first copy \
                 arrives, and discards every later one.",
                "perfect",
                0.2,
                800,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_needed_keeps_all_lost_below_one_in_a_billion() {
        assert_eq!(copies_needed(0.0), Some(1));
        assert_eq!(copies_needed(0.3), Some(18));
        assert_eq!(copies_needed(0.5), Some(30));
        assert_eq!(copies_needed(1.0), None);
        for loss in [0.01, 0.1, 0.2, 0.3, 0.45, 0.5, 0.9, 0.999] {
            let k = copies_needed(loss).unwrap() as f64;
            assert!(loss.powf(k) < ALL_LOST_BELOW, "{loss}");
            assert!(k == 1.0 || loss.powf(k - 1.0) >= ALL_LOST_BELOW, "{loss}");
        }
    }

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(percent(0.3), "30%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(0.000001), "under 0.01%");
    }

    #[test]
    fn a_copy_waits_behind_a_held_up_one_on_a_fifo_link() {
        let deadline = |fifo| Deadline {
            latency: 10,
            timing: Timing::PartiallySynchronous {
                gst: 100,
                stall: 0.5,
                longest: 50,
            },
            fifo,
        };
        assert_eq!(deadline(false).of(0), 60);
        assert_eq!(deadline(false).of(100), 110);
        assert_eq!(deadline(true).of(100), 159);
        assert_eq!(deadline(true).of(200), 210);
    }
}
