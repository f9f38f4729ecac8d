//! The Two Generals: agreement over a channel that can lose messages is impossible.
//!
//! Two generals, A and B, camp on either side of a valley held by the enemy. They win only if
//! they attack at the same time, at dawn; a general who attacks alone is beaten. They can talk
//! only through messengers crossing the valley, and a messenger may be killed on the way.
//!
//! A decides to attack and sends "attack at dawn". Did B get it? B sends back "ack 1". Did A get
//! *that*? A sends "ack 2"... Each general follows a `rounds` rule: how long a chain of
//! acknowledgements it waits for before it commits to attack.
//!
//! * rule 0: A commits at once and sends the order; B commits when the order arrives;
//! * rule 1: B commits when the order arrives and answers "ack 1"; A commits only once "ack 1"
//!   returns;
//! * rule 2: A commits when "ack 1" arrives and answers "ack 2"; B commits only once "ack 2"
//!   returns; and so on: under rule `r` the chain is "attack at dawn", "ack 1", ..., "ack r", the
//!   general who sends "ack r" commits as it sends it, and the other commits when it arrives.
//!
//! A general that has not committed by dawn holds. With `resend`, a general waiting for an answer
//! sends its messenger again every `timeout` ticks, and a general that gets a messenger it has
//! already answered answers it again (its answer may have been killed).
//!
//! **No rule works.** The theorem: no rule both guarantees that nobody attacks alone and has
//! both attack whenever every messenger gets through (a rule that never attacks keeps the first
//! promise by breaking the second). Suppose some rule kept both, and take a run in which both
//! attack that uses as few messengers as possible. Look at the last messenger to arrive. Its
//! sender cannot tell whether it arrived (nothing comes back after it), so if it is killed the
//! sender still attacks. Either the receiver attacks too without it, and then the run did not
//! need it, which contradicts "as few as possible"; or the receiver holds, and the generals
//! disagree. So every rule has a run, its last messenger killed, in which one general attacks
//! alone. Resending does not help: it only makes a later messenger the last one, and before dawn
//! there is always a last one to kill. [`last_messenger`] finds it in a run, so that a learner
//! can kill it and watch.
//!
//! The impossibility holds over a channel that may lose any message; with more assumptions (a
//! bound on how many messengers are lost, say) it goes away. The way out, in practice, is to
//! give up certainty: agree with high probability (send many messengers), or settle for
//! eventual agreement without a deadline.

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Action, Intervention, NetworkModel, Scenario, ScenarioError};
use crate::trace::{EventId, EventKind, Fate, MessageId, Trace};

/// The Two Generals' parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GeneralsParams {
    /// The rule: how many acknowledgements the chain has before the last general commits.
    pub rounds: u32,
    /// When dawn comes, in ticks: a general that has not committed by then holds.
    pub dawn: Time,
    /// Whether a general waiting for an answer sends its messenger again.
    pub resend: bool,
    /// Ticks a general waits for an answer before it sends again.
    pub timeout: Time,
}

impl Default for GeneralsParams {
    fn default() -> Self {
        GeneralsParams {
            rounds: 1,
            dawn: 200,
            resend: true,
            timeout: 40,
        }
    }
}

/// The longest rule a scenario may ask for.
pub const MAX_ROUNDS: u32 = 10;

/// General A's index; B is 1.
const A: ProcessId = 0;

/// A messenger: message number `k` of the chain ("attack at dawn" is 0, then "ack 1", ...).
/// Even numbers go from A to B, odd ones from B to A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messenger(pub u32);

impl Payload for Messenger {
    fn label(&self) -> String {
        if self.0 == 0 {
            "attack at dawn".into()
        } else {
            format!("ack {}", self.0)
        }
    }
}

/// A general's decision, the typed fact of its `decide` output (labelled `attack` or `hold`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Attack,
    Hold,
}

impl Payload for Decision {
    fn label(&self) -> String {
        match self {
            Decision::Attack => "attack".into(),
            Decision::Hold => "hold".into(),
        }
    }
}

/// One general.
#[derive(Clone, Debug)]
pub struct General {
    me: ProcessId,
    /// This general's name and the other's, for the narration.
    names: [String; 2],
    rounds: u32,
    dawn: Time,
    resend: bool,
    timeout: Time,
    /// The highest chain message received.
    received: Option<u32>,
    /// The highest chain message sent.
    sent: Option<u32>,
    committed: bool,
    dawn_passed: bool,
}

impl General {
    fn name(&self) -> &str {
        &self.names[self.me]
    }

    fn other(&self) -> &str {
        &self.names[1 - self.me]
    }

    /// Whether this general sends the last message of the chain (and so commits as it sends it).
    fn sends_last(&self) -> bool {
        (self.rounds as usize % 2) == self.me
    }

    /// Whether it has sent a messenger that needs an answer and the answer has not come.
    fn waiting(&self) -> bool {
        match self.sent {
            Some(k) => k < self.rounds && self.received.is_none_or(|r| r < k + 1),
            None => false,
        }
    }

    fn commit(&mut self, ctx: &mut Context<'_, Messenger>, why: String) {
        if self.committed {
            return;
        }
        self.committed = true;
        ctx.output_fact("decide", Decision::Attack);
        ctx.note(why);
    }

    /// Send chain message `k` to the other general, and wait for its answer if it needs one.
    fn send(&mut self, ctx: &mut Context<'_, Messenger>, k: u32) {
        self.sent = Some(self.sent.map_or(k, |s| s.max(k)));
        ctx.send(1 - self.me, Messenger(k));
        if k < self.rounds && self.resend {
            ctx.set_timer("resend", self.timeout);
        } else {
            ctx.cancel_timer("resend");
        }
    }

    fn dawn_comes(&mut self, ctx: &mut Context<'_, Messenger>) {
        self.dawn_passed = true;
        ctx.cancel_timer("resend");
        if self.committed {
            ctx.note(format!("Dawn: {} attacks, as it committed to", self.name()));
        } else {
            ctx.output_fact("decide", Decision::Hold);
            ctx.note(format!(
                "Dawn: {} has not committed, so it holds rather than risk attacking alone",
                self.name()
            ));
        }
    }
}

impl Process for General {
    type Message = Messenger;

    fn on_start(&mut self, ctx: &mut Context<'_, Messenger>) {
        ctx.set_timer("dawn", self.dawn);
        if self.me != A {
            return;
        }
        if self.rounds == 0 {
            let why = format!(
                "{} decides to attack and, under rule 0, commits at once, trusting its messenger",
                self.name()
            );
            self.commit(ctx, why);
        } else {
            ctx.note(format!(
                "{} decides to attack, but under rule {} it commits only once \"ack 1\" comes back",
                self.name(),
                self.rounds
            ));
        }
        self.send(ctx, 0);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Messenger>, _from: ProcessId, m: Messenger) {
        let k = m.0;
        if self.dawn_passed {
            ctx.note(format!(
                "Dawn has passed: \"{}\" comes too late to change anything",
                m.label()
            ));
            return;
        }
        if self.received.is_some_and(|r| k <= r) {
            if Some(k) == self.received && k < self.rounds {
                ctx.note(format!(
                    "\"{}\" again: {} evidently did not get the answer, so {} sends it again",
                    m.label(),
                    self.other(),
                    self.name()
                ));
                self.send(ctx, k + 1);
            } else {
                ctx.note(format!(
                    "{} has had \"{}\" already: nothing to answer",
                    self.name(),
                    m.label()
                ));
            }
            return;
        }
        self.received = Some(k);
        let answer = Messenger(k + 1).label();
        if k == self.rounds {
            ctx.cancel_timer("resend");
            self.commit(
                ctx,
                format!(
                    "\"{}\" was the last messenger {} waited for: it commits to attack",
                    m.label(),
                    self.name()
                ),
            );
        } else if k + 1 == self.rounds {
            self.commit(
                ctx,
                format!(
                    "Under rule {}, {} waits for nothing after \"{answer}\": it commits to attack \
                     and sends \"{answer}\", which nothing will acknowledge",
                    self.rounds,
                    self.name()
                ),
            );
            self.send(ctx, k + 1);
        } else {
            ctx.note(format!(
                "{} answers \"{answer}\" and waits for \"{}\" before it commits",
                self.name(),
                Messenger(k + 2).label()
            ));
            self.send(ctx, k + 1);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Messenger>, timer: &str) {
        if timer == "dawn" {
            self.dawn_comes(ctx);
        } else if !self.dawn_passed && self.waiting() {
            let k = self.sent.unwrap_or(0);
            ctx.note(format!(
                "No answer to \"{}\" within {} ticks: {} sends another messenger with the same words",
                Messenger(k).label(),
                self.timeout,
                self.name()
            ));
            self.send(ctx, k);
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Messenger>) {
        if self.dawn_passed {
            return;
        }
        if ctx.now() >= self.dawn {
            self.dawn_comes(ctx);
            return;
        }
        ctx.set_timer("dawn", self.dawn - ctx.now());
        if self.resend && self.waiting() {
            ctx.set_timer("resend", self.timeout);
        }
    }

    fn summary(&self) -> String {
        let state = if self.dawn_passed {
            if self.committed {
                "attacked".to_string()
            } else {
                "held".to_string()
            }
        } else if self.committed {
            "committed to attack".to_string()
        } else if self.waiting() {
            format!(
                "waiting for \"{}\"",
                Messenger(self.sent.unwrap_or(0) + 1).label()
            )
        } else {
            "not committed".to_string()
        };
        let last = if self.sends_last() {
            "sends the last messenger"
        } else {
            "waits for the last messenger"
        };
        format!("{state} (rule {}: {last})", self.rounds)
    }
}

/// Each general's first decision, with its event.
pub fn decisions(trace: &Trace) -> [Option<(Decision, EventId)>; 2] {
    let mut out = [None, None];
    for o in trace.outputs.iter().filter(|o| o.kind == "decide") {
        let Some(&decision) = o.fact::<Decision>() else {
            continue;
        };
        if let Some(slot) = out.get_mut(o.process) {
            if slot.is_none() {
                *slot = Some((decision, o.event));
            }
        }
    }
    out
}

/// The messenger whose loss would leave the generals disagreeing in this run: the copy of the
/// last message of the chain that made the second general commit. Its sender has already
/// committed when it sends it and will never learn whether it arrived.
///
/// `None` unless both generals committed to attack. Without resending, killing it leaves one
/// general attacking alone; with resending, the waiting general asks again and the run has a new
/// last messenger, which can be killed in turn until dawn leaves no time to ask.
pub fn last_messenger(trace: &Trace) -> Option<MessageId> {
    let [Some((Decision::Attack, a)), Some((Decision::Attack, b))] = decisions(trace) else {
        return None;
    };
    let event = &trace.events[a.max(b)];
    match event.kind {
        EventKind::Receive => event.message,
        _ => None,
    }
}

/// Both generals attack or both hold.
fn agreement(trace: &Trace) -> Verdict {
    let [Some((a, ea)), Some((b, eb))] = decisions(trace) else {
        return Verdict::Holds;
    };
    if a == b {
        return Verdict::Holds;
    }
    let (attacker, holder, attack_event, hold_event) = if a == Decision::Attack {
        (0, 1, ea, eb)
    } else {
        (1, 0, eb, ea)
    };
    let name = |p: usize| trace.processes.get(p).map_or("?", String::as_str);
    let (x, y) = (name(attacker), name(holder));
    // The holder never heard the attacker's last messenger in time: find it.
    let last = trace
        .messages
        .iter()
        .rfind(|m| m.from == attacker && m.to == holder);
    let Some(m) = last else {
        return Verdict::violated(
            vec![attack_event, hold_event],
            format!("{x} attacked alone: {y} held at dawn"),
        );
    };
    let what = match m.fate {
        Fate::Delivered if m.receive_event.is_some_and(|e| e > hold_event) => {
            format!(
                "the messenger carrying \"{}\" reached {y} only after dawn",
                m.label
            )
        }
        Fate::Delivered | Fate::InFlight => {
            format!(
                "the messenger carrying \"{}\" was still crossing at dawn",
                m.label
            )
        }
        _ => format!("the messenger carrying \"{}\" was killed", m.label),
    };
    Verdict::violated(
        vec![m.send_event, attack_event, hold_event],
        format!("{what}: {x} had committed to attack, {y} never learned it and held"),
    )
}

/// Each general decides by dawn.
fn decides_by_dawn(trace: &Trace, dawn: Time) -> Verdict {
    // A deadline makes this safety, not liveness: the bad thing is dawn passing with a general
    // still undecided, and the first event after dawn is where that prefix ends.
    let after_dawn = trace.events.iter().find(|e| e.time > dawn).map(|e| e.id);
    let d = decisions(trace);
    for (p, decision) in d.iter().enumerate() {
        let name = trace.processes.get(p).map_or("?", String::as_str);
        match decision {
            None => {
                if let Some(e) = after_dawn {
                    return Verdict::violated(vec![e], format!("{name} had not decided by dawn"));
                }
            }
            Some((_, e)) if trace.events[*e].time > dawn => {
                return Verdict::violated(vec![*e], format!("{name} decided only after dawn"));
            }
            Some(_) => {}
        }
    }
    Verdict::Holds
}

/// The Two Generals protocol.
pub struct Generals;

impl Protocol for Generals {
    const NAME: &'static str = "generals";
    const DESCRIPTION: &'static str =
        "two generals, messengers that may be killed, and no rule that guarantees agreement";
    type Node = General;

    fn variants() -> &'static [VariantInfo] {
        &[VariantInfo {
            name: "acknowledge",
            description: "commit after a chain of `rounds` acknowledgements",
            broken: false,
        }]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<General>, ScenarioError> {
        super::variant_of::<Generals>(variant)?;
        let params: GeneralsParams = scenario.params()?;
        if scenario.processes.len() != 2 {
            return Err(ScenarioError::invalid(
                "processes",
                format!("there are two generals, not {}", scenario.processes.len()),
            ));
        }
        if params.rounds > MAX_ROUNDS {
            return Err(ScenarioError::invalid(
                "params.rounds",
                format!("at most {MAX_ROUNDS} rounds, not {}", params.rounds),
            ));
        }
        if params.dawn == 0 {
            return Err(ScenarioError::invalid(
                "params.dawn",
                "dawn at tick 0 leaves no time for any messenger; give 1 or more",
            ));
        }
        if params.resend && params.timeout == 0 {
            return Err(ScenarioError::invalid(
                "params.timeout",
                "a timeout of 0 ticks would send messengers without end; give 1 or more",
            ));
        }
        let names = [scenario.processes[0].clone(), scenario.processes[1].clone()];
        Ok((0..2)
            .map(|me| General {
                me,
                names: names.clone(),
                rounds: params.rounds,
                dawn: params.dawn,
                resend: params.resend,
                timeout: params.timeout,
                received: None,
                sent: None,
                committed: false,
                dawn_passed: false,
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        super::variant_of::<Generals>(variant)?;
        let params: GeneralsParams = scenario.params()?;
        let dawn = params.dawn;
        Ok(vec![
            Property::new(
                "agreement",
                PropertyKind::Safety,
                "both generals attack, or both hold",
                agreement,
            )
            .not_promised(),
            Property::new(
                "decides-by-dawn",
                PropertyKind::Safety,
                "each general decides, attack or hold, by dawn",
                move |trace: &Trace| decides_by_dawn(trace, dawn),
            ),
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str, title: &str, description: &str, rounds| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "generals".into(),
            variant: String::new(),
            params: serde_json::to_value(GeneralsParams {
                rounds,
                ..GeneralsParams::default()
            })
            .expect("serialisable"),
            processes: vec!["A".into(), "B".into()],
            network: NetworkModel::default(),
            faults: Vec::new(),
            seed: 1,
            interventions: Vec::new(),
            limits: Default::default(),
        };
        let mut lost = scenario(
            "generals-last-messenger-lost",
            "The last messenger is killed",
            "Rule 2: B commits only once A's \"ack 2\" arrives. Every messenger carrying \"ack 2\" \
             is killed: B keeps asking again with \"ack 1\", A keeps answering, and at dawn A \
             attacks alone.",
            2,
        );
        lost.interventions = LAST_MESSENGERS_KILLED
            .iter()
            .map(|&(step, message)| Intervention {
                step,
                action: Action::Drop { message },
            })
            .collect();
        vec![
            scenario(
                "generals-one-messenger",
                "One messenger",
                "Rule 0: A commits and sends \"attack at dawn\"; B commits when it arrives. The \
                 messenger gets through and they agree, but had it been killed A would have \
                 attacked alone.",
                0,
            ),
            scenario(
                "generals-acknowledge",
                "An acknowledgement",
                "Rule 1: B commits when the order arrives and sends \"ack 1\"; A commits only \
                 once \"ack 1\" returns. Both attack, but now B is the one who cannot know \
                 whether its messenger got through.",
                1,
            ),
            lost,
        ]
    }
}

/// For `generals-last-messenger-lost`: (step, message) of each messenger carrying "ack 2" that the
/// learner kills, found by killing [`last_messenger`] until the generals disagree.
const LAST_MESSENGERS_KILLED: &[(u64, MessageId)] = &[(3, 2), (5, 4), (7, 6), (9, 8)];
