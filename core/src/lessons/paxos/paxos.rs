//! Single-decree Paxos: a few processes agree on one value, although messages get lost or late
//! and processes crash and come back.
//!
//! Three roles, each a process of its own, named in the scenario in this order:
//!
//! * **proposers** (`P1`, `P2`, ...) each want their own value chosen;
//! * **acceptors** (`A1`, `A2`, ...) vote; a value is *chosen* once a majority of them has
//!   accepted it in the same ballot;
//! * **learners** (`L1`, ...) watch the votes and *decide* the chosen value.
//!
//! A proposer works in numbered attempts called **ballots**. A ballot is a pair (round, proposer),
//! written `2.P1`: round 2 of proposer P1. Ballots are ordered by round first, then by proposer,
//! so two proposers never share one and every ballot has a place in a single line.
//!
//! **Phase 1, prepare.** The proposer sends `Prepare 2.P1` to every acceptor. An acceptor that has
//! promised nothing higher *promises* ballot `2.P1`: it will take no part in any lower ballot from
//! now on. With its promise it reports the last proposal it accepted, if any (`Promise 2.P1
//! (1.P2=y)`). An acceptor that has already promised a higher ballot refuses with `Nack`, naming
//! that ballot, so the proposer knows how high it must go next time.
//!
//! **Phase 2, accept.** With promises from a majority, the proposer picks a value. This is the
//! heart of Paxos: if any of the promises reports an accepted proposal, the proposer must propose
//! the value of the highest-ballot one among them, not its own. Only when none reports anything is
//! it free to propose its own value. It sends `Accept 2.P1 y` to every acceptor; an acceptor that
//! has promised nothing higher accepts it and tells the proposer and every learner (`Accepted 2.P1
//! y`). A learner that hears `Accepted` for the same ballot from a majority decides its value.
//!
//! Why the rule in phase 2 keeps everyone agreeing: a value chosen in ballot `b` was accepted by
//! a majority; any later ballot needs promises from a majority too, and two majorities share at
//! least one acceptor. That acceptor reports the chosen value (or something accepted even later,
//! which by the same argument carries the same value), so every later ballot proposes it again.
//!
//! A proposer that gets a `Nack`, or no majority within `timeout` ticks, tries again with a higher
//! ballot after a random pause (up to `backoff` ticks, drawn from the run's generator). Two
//! proposers can keep pre-empting each other for ever ("duelling proposers"): the random pause
//! makes that unlikely to last, never impossible, which is why Paxos promises agreement always but
//! progress only with a single proposer at a time. Each proposer gives up after `max_attempts`
//! ballots, so every run ends.
//!
//! **Crashes.** Acceptors keep their promise and their accepted proposal on stable storage: a
//! crash loses neither. Proposers lose the ballot in progress but remember their round counter, so
//! no ballot is ever used twice; on recovery they start a fresh, higher ballot.
//!
//! The variants break one rule each, so that a learner can hunt for the schedule that breaks
//! agreement (see [`crate::search`], which finds one by itself):
//!
//! * `correct`: the protocol above;
//! * `broken-proposer`: proposers ignore what the promises report and always propose their own
//!   value;
//! * `broken-acceptor`: acceptors write their promise to memory only, so a crash forgets it (what
//!   they accepted survives).
//!
//! The inspector shows each node's state as `name: value` parts: `role: acceptor · promised:
//! 2.P1 · accepted: 1.P2=y`. Learners output `decide` with the value itself.
//!
//! Driving one acceptor by hand:
//!
//! ```
//! use spacetime_core::lessons::paxos::paxos::{Ballot, Paxos, PaxosMessage};
//! use spacetime_core::protocols;
//! use spacetime_core::{seeded_rng, Context, Effect, Payload, Process, Protocol};
//!
//! let scenario = protocols::example("paxos-calm").unwrap(); // P1, A1, A2, A3, L1
//! let mut nodes = Paxos::build(&scenario, "correct").unwrap();
//! let a1 = &mut nodes[1];
//! let mut rng = seeded_rng(1);
//!
//! // A1 promises ballot 1.P1: nothing higher was promised, nothing accepted yet.
//! let mut ctx = Context::new(1, 5, 10, &mut rng);
//! a1.on_message(&mut ctx, 0, PaxosMessage::Prepare { ballot: Ballot::new(1, 0, "P1") });
//! let reply = ctx.effects().iter().find_map(|e| match e {
//!     Effect::Send { message, .. } => Some(message.label()),
//!     _ => None,
//! });
//! assert_eq!(reply.as_deref(), Some("Promise 1.P1 (none)"));
//! assert_eq!(a1.summary(), "role: acceptor · promised: 1.P1 · accepted: none");
//!
//! // The promise is on stable storage: a crash does not lose it.
//! a1.on_crash();
//! assert_eq!(a1.summary(), "role: acceptor · promised: 1.P1 · accepted: none");
//!
//! // A whole run: the learner decides P1's value.
//! let run = spacetime_core::Run::complete(&scenario).unwrap();
//! let decided: Vec<&str> = run.trace().outputs.iter()
//!     .filter(|o| o.kind == "decide").map(|o| o.value.as_str()).collect();
//! assert_eq!(decided, ["x"]);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::faults::{crash, crashes, loses_messages, slowest_latency};
use crate::param_checks::{in_range, invalid, numbered_names, process_count, Group};
use crate::process::{Context, Field, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Action, Intervention, NetworkModel, ProcessRef, Scenario, ScenarioError};
use crate::trace::{EventId, Output, Trace};

/// The most proposers a scenario may have.
pub const MAX_PROPOSERS: usize = 3;
/// The most acceptors.
pub const MAX_ACCEPTORS: usize = 7;
/// The most learners.
pub const MAX_LEARNERS: usize = 3;
/// The most ballots a proposer may be allowed to try.
pub const MAX_ATTEMPTS: u32 = 50;

/// The values proposers propose unless `values` says otherwise.
const DEFAULT_VALUES: [&str; MAX_PROPOSERS] = ["x", "y", "z"];
/// When proposers start unless `start` says otherwise.
const DEFAULT_START: [Time; MAX_PROPOSERS] = [0, 40, 80];

/// Paxos's parameters. The scenario's `processes` list names the proposers first, then the
/// acceptors, then the learners: `P1, P2, A1, A2, A3, L1`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaxosParams {
    /// How many proposers (1 to 3).
    pub proposers: usize,
    /// How many acceptors (1 to 7); a majority is more than half of them.
    pub acceptors: usize,
    /// How many learners (1 to 3).
    pub learners: usize,
    /// Each proposer's own value, in proposer order; empty means `x`, `y`, `z`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// When each proposer starts, in ticks, in proposer order; empty means 0, 40, 80.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub start: Vec<Time>,
    /// Ticks a proposer waits for a majority before it abandons the ballot.
    pub timeout: Time,
    /// The longest random pause, in ticks, before a proposer tries a new ballot.
    pub backoff: Time,
    /// How many ballots a proposer tries before it gives up.
    pub max_attempts: u32,
}

impl Default for PaxosParams {
    fn default() -> Self {
        PaxosParams {
            proposers: 1,
            acceptors: 3,
            learners: 1,
            values: Vec::new(),
            start: Vec::new(),
            timeout: 80,
            backoff: 60,
            max_attempts: 6,
        }
    }
}

/// The parameters checked, with the defaults filled in.
#[derive(Clone, Debug)]
struct Setup {
    params: PaxosParams,
    values: Vec<String>,
    start: Vec<Time>,
}

impl Setup {
    fn proposers(&self) -> Range<ProcessId> {
        0..self.params.proposers
    }

    fn acceptors(&self) -> Range<ProcessId> {
        let p = self.params.proposers;
        p..p + self.params.acceptors
    }

    fn learners(&self) -> Range<ProcessId> {
        let a = self.acceptors().end;
        a..a + self.params.learners
    }

    fn majority(&self) -> usize {
        self.params.acceptors / 2 + 1
    }

    fn of(scenario: &Scenario) -> Result<Setup, ScenarioError> {
        let params: PaxosParams = scenario.params()?;
        in_range(
            "proposers",
            params.proposers,
            1..=MAX_PROPOSERS,
            "proposers",
        )?;
        in_range(
            "acceptors",
            params.acceptors,
            1..=MAX_ACCEPTORS,
            "acceptors",
        )?;
        in_range("learners", params.learners, 1..=MAX_LEARNERS, "learners")?;
        let p = params.proposers;
        let values: Vec<String> = if params.values.is_empty() {
            DEFAULT_VALUES[..p].iter().map(|v| v.to_string()).collect()
        } else if params.values.len() != p {
            return invalid(
                "values",
                format!(
                    "give one value per proposer: {p}, not {}",
                    params.values.len()
                ),
            );
        } else {
            params.values.clone()
        };
        if let Some(i) = values.iter().position(|v| v.trim().is_empty()) {
            return invalid(&format!("values[{i}]"), "a value cannot be empty");
        }
        let start: Vec<Time> = if params.start.is_empty() {
            DEFAULT_START[..p].to_vec()
        } else if params.start.len() != p {
            return invalid(
                "start",
                format!(
                    "give one start time per proposer: {p}, not {}",
                    params.start.len()
                ),
            );
        } else {
            params.start.clone()
        };
        if params.timeout == 0 {
            return invalid(
                "timeout",
                "a timeout of 0 ticks abandons every ballot at once; give 1 or more",
            );
        }
        in_range(
            "max_attempts",
            params.max_attempts,
            1..=MAX_ATTEMPTS,
            "attempts",
        )?;
        process_count(&scenario.processes, &groups(&params))?;
        Ok(Setup {
            params,
            values,
            start,
        })
    }
}

/// The proposers, the acceptors, then the learners, as the processes list has them.
fn groups(params: &PaxosParams) -> [Group<'static>; 3] {
    [
        Group::new(params.proposers, "proposer", "P"),
        Group::new(params.acceptors, "acceptor", "A"),
        Group::new(params.learners, "learner", "L"),
    ]
}

/// A ballot: round `round` of proposer `proposer` (its index), written `2.P1`. Ballots compare
/// by round, then by proposer; the name only shows. Round 0 is "no ballot", written `none`
/// (Multi-Paxos starts every server there).
#[derive(Clone)]
pub struct Ballot {
    pub round: u32,
    pub proposer: ProcessId,
    name: Arc<str>,
}

impl Ballot {
    /// Round `round` of the proposer with index `proposer`, called `name`.
    pub fn new(round: u32, proposer: ProcessId, name: impl Into<Arc<str>>) -> Ballot {
        Ballot {
            round,
            proposer,
            name: name.into(),
        }
    }

    /// No ballot at all: lower than every real one.
    pub fn none() -> Ballot {
        Ballot::new(0, 0, "")
    }

    pub fn is_none(&self) -> bool {
        self.round == 0
    }

    fn key(&self) -> (u32, ProcessId) {
        (self.round, self.proposer)
    }
}

impl PartialEq for Ballot {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Ballot {}

impl PartialOrd for Ballot {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ballot {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            f.write_str("none")
        } else {
            write!(f, "{}.{}", self.round, self.name)
        }
    }
}

impl fmt::Debug for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A proposal an acceptor accepted: the ballot and the value.
pub type Proposal = (Ballot, String);

fn show(proposal: &Option<Proposal>) -> String {
    match proposal {
        Some((b, v)) => format!("{b}={v}"),
        None => "none".to_string(),
    }
}

/// What Paxos nodes send each other.
#[derive(Clone, Debug, PartialEq)]
pub enum PaxosMessage {
    /// Phase 1a, proposer to acceptors: promise me `ballot`.
    Prepare { ballot: Ballot },
    /// Phase 1b, acceptor to proposer: promised, and here is the last proposal I accepted.
    Promise {
        ballot: Ballot,
        accepted: Option<Proposal>,
    },
    /// Acceptor to proposer: I refuse `ballot`, because I promised `promised`, which is higher.
    Nack { ballot: Ballot, promised: Ballot },
    /// Phase 2a, proposer to acceptors: accept `value` in `ballot`.
    Accept { ballot: Ballot, value: String },
    /// Phase 2b, acceptor to the proposer and the learners: I accepted `value` in `ballot`.
    Accepted { ballot: Ballot, value: String },
}

impl Payload for PaxosMessage {
    fn label(&self) -> String {
        match self {
            PaxosMessage::Prepare { ballot } => format!("Prepare {ballot}"),
            PaxosMessage::Promise { ballot, accepted } => {
                format!("Promise {ballot} ({})", show(accepted))
            }
            PaxosMessage::Nack { promised, .. } => format!("Nack {promised}"),
            PaxosMessage::Accept { ballot, value } => format!("Accept {ballot} {value}"),
            PaxosMessage::Accepted { ballot, value } => format!("Accepted {ballot} {value}"),
        }
    }
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    BrokenProposer,
    BrokenAcceptor,
}

impl Variant {
    /// The variant's name, as scenarios write it.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::BrokenProposer => "broken-proposer",
            Variant::BrokenAcceptor => "broken-acceptor",
        }
    }

    /// The variant named `name` (the first, `correct`, for an empty name), or an error on the
    /// scenario's `variant` field naming the known ones.
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "" | "correct" => Ok(Variant::Correct),
            "broken-proposer" => Ok(Variant::BrokenProposer),
            "broken-acceptor" => Ok(Variant::BrokenAcceptor),
            _ => Err(crate::protocol::unknown_variant::<Paxos>(name)),
        }
    }
}

/// What a learner outputs as `decide`: the value, and the ballot in which a majority accepted it
/// (its display text is the value alone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub value: String,
    pub ballot: Ballot,
}

impl Payload for Decision {
    fn label(&self) -> String {
        self.value.clone()
    }
}

/// What every node knows about the cast.
#[derive(Clone, Debug)]
struct Cast {
    names: Arc<[String]>,
    acceptors: Range<ProcessId>,
    learners: Range<ProcessId>,
    majority: usize,
}

impl Cast {
    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn list(&self, ps: impl IntoIterator<Item = ProcessId>) -> String {
        let names: Vec<&str> = ps.into_iter().map(|p| self.name(p)).collect();
        names.join(", ")
    }
}

/// Where a proposer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Its start time has not come.
    NotStarted,
    /// Phase 1: waiting for promises.
    Prepare,
    /// Phase 2: waiting for acceptances.
    Accept,
    /// Waiting out a random pause before the next ballot.
    Backoff,
    /// A majority accepted its proposal.
    Chosen,
    /// It used all its attempts.
    GaveUp,
    /// Crashed: the ballot in progress is lost.
    Down,
}

/// A proposer.
#[derive(Clone, Debug)]
pub struct Proposer {
    me: ProcessId,
    cast: Cast,
    value: String,
    start: Time,
    timeout: Time,
    backoff: Time,
    max_attempts: u32,
    /// `broken-proposer`: propose the own value whatever the promises report.
    ignores_reports: bool,
    // Kept across a crash: the round counter (so no ballot is used twice) and what it knows.
    round: u32,
    /// The highest round seen in another proposer's ballot.
    seen: u32,
    attempts: u32,
    started: bool,
    chosen: Option<String>,
    // Lost in a crash: the ballot in progress.
    phase: Phase,
    ballot: Option<Ballot>,
    promises: BTreeMap<ProcessId, Option<Proposal>>,
    proposal: Option<String>,
    accepted_by: BTreeSet<ProcessId>,
}

/// The proposer's timers.
const START: &str = "start";
const TIMEOUT: &str = "timeout";
const RETRY: &str = "backoff";

impl Proposer {
    fn name(&self) -> &str {
        self.cast.name(self.me)
    }

    /// Start a new ballot, higher than any this proposer has used or seen.
    fn begin(&mut self, ctx: &mut Context<'_, PaxosMessage>) {
        self.started = true;
        if self.chosen.is_some() {
            return;
        }
        if self.attempts >= self.max_attempts {
            self.phase = Phase::GaveUp;
            ctx.cancel_timer(TIMEOUT);
            ctx.note(format!(
                "{} has tried {} ballots without getting a value chosen and gives up (a real \
                 proposer would keep trying)",
                self.name(),
                self.attempts
            ));
            return;
        }
        self.attempts += 1;
        self.round = self.round.max(self.seen) + 1;
        let ballot = Ballot::new(self.round, self.me, self.name());
        self.phase = Phase::Prepare;
        self.promises.clear();
        self.accepted_by.clear();
        self.proposal = None;
        for a in self.cast.acceptors.clone() {
            ctx.send(
                a,
                PaxosMessage::Prepare {
                    ballot: ballot.clone(),
                },
            );
        }
        ctx.set_timer(TIMEOUT, self.timeout);
        ctx.note(format!(
            "{} opens ballot {ballot} (attempt {} of {}) and asks every acceptor to promise to \
             ignore anything lower",
            self.name(),
            self.attempts,
            self.max_attempts
        ));
        self.ballot = Some(ballot);
    }

    /// Abandon the ballot in progress and try again after a random pause, or give up.
    fn retry(&mut self, ctx: &mut Context<'_, PaxosMessage>, why: String) {
        ctx.cancel_timer(TIMEOUT);
        if self.attempts >= self.max_attempts {
            self.phase = Phase::GaveUp;
            ctx.note(format!(
                "{why}. That was its last attempt: {} gives up (a real proposer would keep trying)",
                self.name()
            ));
            return;
        }
        let pause = 1 + ctx.random_below(self.backoff);
        self.phase = Phase::Backoff;
        ctx.set_timer(RETRY, pause);
        // The proposers come first: as many as the index of the first acceptor.
        let rivals = self.cast.acceptors.start > 1;
        ctx.note(format!(
            "{why}. {} will try a higher ballot after a random pause of {pause} ticks{}",
            self.name(),
            if rivals {
                ", so that two proposers are unlikely to keep cutting each other off"
            } else {
                ""
            }
        ));
    }

    fn current(&self, ballot: &Ballot) -> bool {
        self.ballot.as_ref() == Some(ballot)
    }

    fn on_promise(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        ballot: Ballot,
        accepted: Option<Proposal>,
    ) {
        let who = self.cast.name(from).to_string();
        if let Some((b, _)) = &accepted {
            self.seen = self.seen.max(b.round);
        }
        if !self.current(&ballot) || self.phase != Phase::Prepare {
            ctx.note(format!(
                "{} no longer waits for promises for {ballot}: {who}'s comes too late to matter",
                self.name()
            ));
            return;
        }
        self.promises.insert(from, accepted);
        let have = self.promises.len();
        let need = self.cast.majority;
        if have < need {
            ctx.note(format!(
                "{} has {have} of the {need} promises it needs for {ballot}",
                self.name()
            ));
            return;
        }
        // A majority promised: pick the value.
        let highest = self
            .promises
            .values()
            .flatten()
            .max_by(|a, b| a.0.cmp(&b.0))
            .cloned();
        let promisers = self.cast.list(self.promises.keys().copied());
        let (value, why) = match highest {
            None => (
                self.value.clone(),
                format!(
                    "{promisers} promised {ballot} and none of them has accepted anything, so {} \
                     is free to propose its own value {}",
                    self.name(),
                    self.value
                ),
            ),
            Some((b, v)) if self.ignores_reports => (
                self.value.clone(),
                format!(
                    "{promisers} promised {ballot}, and one reports it accepted {v} in {b}; this \
                     broken proposer ignores that and proposes its own value {} anyway",
                    self.value
                ),
            ),
            Some((b, v)) => (
                v.clone(),
                format!(
                    "{promisers} promised {ballot}. The highest proposal they report is {b}={v}: \
                     {v} may already be chosen, so {} must propose {v}{}",
                    self.name(),
                    if v == self.value {
                        String::new()
                    } else {
                        format!(", not its own {}", self.value)
                    }
                ),
            ),
        };
        self.phase = Phase::Accept;
        self.proposal = Some(value.clone());
        for a in self.cast.acceptors.clone() {
            ctx.send(
                a,
                PaxosMessage::Accept {
                    ballot: ballot.clone(),
                    value: value.clone(),
                },
            );
        }
        ctx.set_timer(TIMEOUT, self.timeout);
        ctx.note(why);
    }

    fn on_nack(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        ballot: Ballot,
        promised: Ballot,
    ) {
        self.seen = self.seen.max(promised.round);
        let who = self.cast.name(from).to_string();
        if !self.current(&ballot) || !matches!(self.phase, Phase::Prepare | Phase::Accept) {
            ctx.note(format!(
                "{who} refused {ballot}, which {} has already left behind",
                self.name()
            ));
            return;
        }
        let why = format!(
            "{who} has promised {promised}, which is higher than {ballot}, so {} abandons {ballot}",
            self.name()
        );
        self.retry(ctx, why);
    }

    fn on_accepted(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        ballot: Ballot,
        value: String,
    ) {
        if !self.current(&ballot) || self.phase != Phase::Accept {
            match &self.chosen {
                Some(v) => ctx.note(format!("{} already knows {v} is chosen", self.name())),
                None => ctx.note(format!(
                    "{} no longer waits for acceptances of {ballot}",
                    self.name()
                )),
            }
            return;
        }
        self.accepted_by.insert(from);
        let have = self.accepted_by.len();
        let need = self.cast.majority;
        if have < need {
            ctx.note(format!(
                "{have} of the {need} acceptors {} needs have accepted {value} in {ballot}",
                self.name()
            ));
            return;
        }
        ctx.cancel_timer(TIMEOUT);
        self.phase = Phase::Chosen;
        ctx.note(format!(
            "A majority ({}) accepted {value} in {ballot}: {value} is chosen, and {} stops \
             proposing",
            self.cast.list(self.accepted_by.iter().copied()),
            self.name()
        ));
        self.chosen = Some(value);
    }

    fn on_crash(&mut self) {
        self.phase = Phase::Down;
        self.ballot = None;
        self.promises.clear();
        self.proposal = None;
        self.accepted_by.clear();
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, PaxosMessage>) {
        if let Some(v) = &self.chosen {
            self.phase = Phase::Chosen;
            ctx.note(format!(
                "{} is back; it knows {v} was chosen, so it has nothing to do",
                self.name()
            ));
            return;
        }
        if !self.started {
            self.phase = Phase::NotStarted;
            ctx.set_pacing_timer(START, self.start.saturating_sub(ctx.now()));
            return;
        }
        if self.attempts >= self.max_attempts {
            self.phase = Phase::GaveUp;
            return;
        }
        let why = format!(
            "{} is back. It lost the ballot it was running, but it remembers it has used round \
             {}, so its next ballot will be higher and no ballot is ever used twice",
            self.name(),
            self.round
        );
        self.retry(ctx, why);
    }

    fn fields(&self) -> Vec<Field> {
        let ballot = self
            .ballot
            .as_ref()
            .map_or("none".to_string(), |b| b.to_string());
        let phase = match self.phase {
            Phase::NotStarted => "not started".to_string(),
            Phase::Prepare => format!(
                "prepare ({} of {} promises)",
                self.promises.len(),
                self.cast.majority
            ),
            Phase::Accept => format!(
                "accept ({} of {} accepted)",
                self.accepted_by.len(),
                self.cast.majority
            ),
            Phase::Backoff => "backing off".to_string(),
            Phase::Chosen => "chosen".to_string(),
            Phase::GaveUp => "gave up".to_string(),
            Phase::Down => "lost its ballot in a crash".to_string(),
        };
        let value = self
            .chosen
            .as_ref()
            .or(self.proposal.as_ref())
            .unwrap_or(&self.value);
        vec![
            Field::new("role", "proposer"),
            Field::new("ballot", ballot),
            Field::new("phase", phase),
            Field::new("value", value),
        ]
    }
}

/// An acceptor.
#[derive(Clone, Debug)]
pub struct Acceptor {
    me: ProcessId,
    cast: Cast,
    /// `broken-acceptor`: the promise is not on stable storage.
    forgets_promise: bool,
    promised: Option<Ballot>,
    accepted: Option<Proposal>,
    /// `broken-acceptor`: the promise a crash made it forget, for the narration (the acceptor
    /// itself never looks at it).
    forgotten: Option<Ballot>,
}

impl Acceptor {
    fn name(&self) -> &str {
        self.cast.name(self.me)
    }

    /// For the narration: what a broken acceptor would have known, had it kept its promise.
    fn amnesia(&self, ballot: &Ballot) -> String {
        match &self.forgotten {
            Some(f) if f > ballot => format!(" (it has forgotten that it once promised {f})"),
            _ => String::new(),
        }
    }

    fn on_prepare(&mut self, ctx: &mut Context<'_, PaxosMessage>, from: ProcessId, ballot: Ballot) {
        match &self.promised {
            Some(p) if *p > ballot => {
                let p = p.clone();
                ctx.send(
                    from,
                    PaxosMessage::Nack {
                        ballot: ballot.clone(),
                        promised: p.clone(),
                    },
                );
                ctx.note(format!(
                    "{} has already promised {p}, higher than {ballot}: it refuses, and says how \
                     high {} must go",
                    self.name(),
                    self.cast.name(from)
                ));
            }
            previous => {
                let again = previous.as_ref() == Some(&ballot);
                let reported = match &self.accepted {
                    Some((b, v)) => format!("reports that it accepted {v} in {b}"),
                    None => "reports that it has accepted nothing".to_string(),
                };
                ctx.note(if again {
                    format!(
                        "{} has promised {ballot} already; promising it again costs nothing, and \
                         it {reported}",
                        self.name()
                    )
                } else {
                    format!(
                        "{} has promised nothing higher than {ballot}{}, so it promises to ignore \
                         every lower ballot from now on, and {reported}",
                        self.name(),
                        self.amnesia(&ballot)
                    )
                });
                self.promised = Some(ballot.clone());
                self.forgotten = None;
                ctx.send(
                    from,
                    PaxosMessage::Promise {
                        ballot,
                        accepted: self.accepted.clone(),
                    },
                );
            }
        }
    }

    fn on_accept(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        ballot: Ballot,
        value: String,
    ) {
        if let Some(p) = self.promised.clone().filter(|p| *p > ballot) {
            ctx.send(
                from,
                PaxosMessage::Nack {
                    ballot: ballot.clone(),
                    promised: p.clone(),
                },
            );
            ctx.note(format!(
                "{} promised {p}, higher than {ballot}, so it must not accept {value} in {ballot}: \
                 it refuses",
                self.name()
            ));
            return;
        }
        let replaced = match &self.accepted {
            Some((b, v)) if *b != ballot => format!(" (replacing {b}={v})"),
            _ => String::new(),
        };
        ctx.note(format!(
            "{} has promised nothing higher than {ballot}{}, so it accepts {value} in \
             {ballot}{replaced} and tells {} and the learners",
            self.name(),
            self.amnesia(&ballot),
            self.cast.name(from)
        ));
        self.promised = Some(ballot.clone());
        self.forgotten = None;
        self.accepted = Some((ballot.clone(), value.clone()));
        let accepted = PaxosMessage::Accepted { ballot, value };
        ctx.send(from, accepted.clone());
        for l in self.cast.learners.clone() {
            ctx.send(l, accepted.clone());
        }
    }

    fn fields(&self) -> Vec<Field> {
        let promised = self
            .promised
            .as_ref()
            .map_or("none".to_string(), |b| b.to_string());
        vec![
            Field::new("role", "acceptor"),
            Field::new("promised", promised),
            Field::new("accepted", show(&self.accepted)),
        ]
    }
}

/// A learner.
#[derive(Clone, Debug)]
pub struct Learner {
    me: ProcessId,
    cast: Cast,
    /// For each proposal heard of, the acceptors that accepted it.
    votes: BTreeMap<(Ballot, String), BTreeSet<ProcessId>>,
    /// The values it decided, in order (more than one only if agreement broke).
    learned: Vec<String>,
}

impl Learner {
    fn name(&self) -> &str {
        self.cast.name(self.me)
    }

    fn on_accepted(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        ballot: Ballot,
        value: String,
    ) {
        let voters = self
            .votes
            .entry((ballot.clone(), value.clone()))
            .or_default();
        voters.insert(from);
        let have = voters.len();
        let need = self.cast.majority;
        if have < need {
            ctx.note(format!(
                "{} has heard from {have} of the {need} acceptors needed to know {value} is chosen \
                 in {ballot}",
                self.name()
            ));
            return;
        }
        if self.learned.contains(&value) {
            ctx.note(format!("{} already knows {value} is chosen", self.name()));
            return;
        }
        let who = self.cast.list(voters.iter().copied());
        let note = match self.learned.first() {
            None => format!(
                "A majority ({who}) accepted {value} in {ballot}: {value} is chosen, and {} \
                 decides it",
                self.name()
            ),
            Some(earlier) => format!(
                "A majority ({who}) accepted {value} in {ballot}, but {} had already decided \
                 {earlier}: two different values have been chosen, and agreement is broken",
                self.name()
            ),
        };
        ctx.output_fact(
            "decide",
            Decision {
                value: value.clone(),
                ballot,
            },
        );
        ctx.note(note);
        self.learned.push(value);
    }

    fn fields(&self) -> Vec<Field> {
        let learned = if self.learned.is_empty() {
            "nothing".to_string()
        } else {
            self.learned.join(", ")
        };
        vec![
            Field::new("role", "learner"),
            Field::new("learned", learned),
        ]
    }
}

/// A Paxos node in one of its three roles.
#[derive(Clone, Debug)]
pub enum PaxosNode {
    Proposer(Proposer),
    Acceptor(Acceptor),
    Learner(Learner),
}

impl PaxosNode {
    /// An acceptor's promise, if it is an acceptor that made one.
    pub fn promised(&self) -> Option<&Ballot> {
        match self {
            PaxosNode::Acceptor(a) => a.promised.as_ref(),
            _ => None,
        }
    }

    /// An acceptor's accepted proposal, if it is an acceptor that accepted one.
    pub fn accepted(&self) -> Option<&Proposal> {
        match self {
            PaxosNode::Acceptor(a) => a.accepted.as_ref(),
            _ => None,
        }
    }

    /// The values a learner decided, in order; empty for other roles.
    pub fn learned(&self) -> &[String] {
        match self {
            PaxosNode::Learner(l) => &l.learned,
            _ => &[],
        }
    }

    /// The value a proposer saw chosen.
    pub fn chosen(&self) -> Option<&str> {
        match self {
            PaxosNode::Proposer(p) => p.chosen.as_deref(),
            _ => None,
        }
    }
}

impl Process for PaxosNode {
    type Message = PaxosMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, PaxosMessage>) {
        if let PaxosNode::Proposer(p) = self {
            if p.start == 0 {
                p.begin(ctx);
            } else {
                ctx.set_pacing_timer(START, p.start);
            }
        }
    }

    fn on_message(
        &mut self,
        ctx: &mut Context<'_, PaxosMessage>,
        from: ProcessId,
        m: PaxosMessage,
    ) {
        match (self, m) {
            (PaxosNode::Acceptor(a), PaxosMessage::Prepare { ballot }) => {
                a.on_prepare(ctx, from, ballot)
            }
            (PaxosNode::Acceptor(a), PaxosMessage::Accept { ballot, value }) => {
                a.on_accept(ctx, from, ballot, value)
            }
            (PaxosNode::Proposer(p), PaxosMessage::Promise { ballot, accepted }) => {
                p.on_promise(ctx, from, ballot, accepted)
            }
            (PaxosNode::Proposer(p), PaxosMessage::Nack { ballot, promised }) => {
                p.on_nack(ctx, from, ballot, promised)
            }
            (PaxosNode::Proposer(p), PaxosMessage::Accepted { ballot, value }) => {
                p.on_accepted(ctx, from, ballot, value)
            }
            (PaxosNode::Learner(l), PaxosMessage::Accepted { ballot, value }) => {
                l.on_accepted(ctx, from, ballot, value)
            }
            (_, m) => ctx.note(format!("\"{}\" is not for this role: ignored", m.label())),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, PaxosMessage>, timer: &str) {
        let PaxosNode::Proposer(p) = self else {
            return;
        };
        match timer {
            START | RETRY => p.begin(ctx),
            TIMEOUT if matches!(p.phase, Phase::Prepare | Phase::Accept) => {
                let ballot = p.ballot.clone().map_or("none".into(), |b| b.to_string());
                let waited = if p.phase == Phase::Prepare {
                    "promises"
                } else {
                    "acceptances"
                };
                let why = format!(
                    "{} heard no majority of {waited} for {ballot} within {} ticks (messages lost, \
                     late, or acceptors down), so it abandons {ballot}",
                    p.name(),
                    p.timeout
                );
                p.retry(ctx, why);
            }
            _ => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            PaxosNode::Proposer(p) => p.on_crash(),
            PaxosNode::Acceptor(a) => {
                if a.forgets_promise {
                    a.forgotten = a.promised.take().or(a.forgotten.take());
                }
            }
            PaxosNode::Learner(_) => {}
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, PaxosMessage>) {
        match self {
            PaxosNode::Proposer(p) => p.on_recover(ctx),
            PaxosNode::Acceptor(a) => {
                let kept = match (&a.forgotten, &a.promised, &a.accepted) {
                    (Some(f), _, accepted) => format!(
                        "this broken acceptor kept its promise of {f} in memory only, so it has \
                         forgotten it; {}",
                        match accepted {
                            Some((b, v)) => format!("it still knows it accepted {v} in {b}"),
                            None => "it had accepted nothing".to_string(),
                        }
                    ),
                    (None, None, None) => "it had promised and accepted nothing".to_string(),
                    _ => format!(
                        "its promise ({}) and what it accepted ({}) were on stable storage and \
                         survive",
                        a.promised
                            .as_ref()
                            .map_or("none".to_string(), |b| b.to_string()),
                        show(&a.accepted)
                    ),
                };
                ctx.note(format!("{} is back: {kept}", a.name()));
            }
            PaxosNode::Learner(l) => {
                ctx.note(format!(
                    "{} is back; Accepted messages that came while it was down are lost to it",
                    l.name()
                ));
            }
        }
    }

    fn fields(&self) -> Vec<Field> {
        match self {
            PaxosNode::Proposer(p) => p.fields(),
            PaxosNode::Acceptor(a) => a.fields(),
            PaxosNode::Learner(l) => l.fields(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// The `decide` outputs with their typed decisions, in order (an output without one, from a
/// trace read back from JSON, is left out).
pub fn decisions(trace: &Trace) -> impl Iterator<Item = (&Output, &Decision)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .filter_map(|o| Some((o, o.fact::<Decision>()?)))
}

/// Every decided value agrees with the first.
fn agreement(trace: &Trace) -> Verdict {
    let mut decisions = decisions(trace);
    let Some((first, x)) = decisions.next() else {
        return Verdict::Holds;
    };
    let Some((other, y)) = decisions.find(|(_, d)| d.value != x.value) else {
        return Verdict::Holds;
    };
    let name = |p: ProcessId| trace.processes.get(p).map_or("?", String::as_str);
    let (a, b) = (name(first.process), name(other.process));
    let explanation = if first.process == other.process {
        format!(
            "{a} decided {} and later {}: two different values were chosen",
            x.value, y.value
        )
    } else {
        format!(
            "{a} decided {} but {b} decided {}: two different values were chosen",
            x.value, y.value
        )
    };
    Verdict::violated(vec![first.event, other.event], explanation)
}

/// Every decided value is one a proposer proposed.
fn validity(trace: &Trace, values: &[String]) -> Verdict {
    for (o, d) in decisions(trace) {
        if !values.contains(&d.value) {
            return Verdict::violated(
                vec![o.event],
                format!(
                    "{} decided {}, which no proposer proposed (they proposed {})",
                    trace.processes.get(o.process).map_or("?", String::as_str),
                    d.value,
                    values.join(", ")
                ),
            );
        }
    }
    Verdict::Holds
}

/// Every decided value had been accepted by a majority of acceptors in one ballot, by the
/// `Accepted` messages they had sent before the decision.
fn learned_chosen(trace: &Trace, acceptors: &Range<ProcessId>, majority: usize) -> Verdict {
    for (o, d) in decisions(trace) {
        // For each ballot, the acceptors that had sent Accepted for the decided value in it.
        let mut by_ballot: BTreeMap<&Ballot, BTreeSet<ProcessId>> = BTreeMap::new();
        for m in &trace.messages {
            if !acceptors.contains(&m.from) || m.send_event >= o.event {
                continue;
            }
            if let Some(PaxosMessage::Accepted { ballot, value }) = m.content() {
                if *value == d.value {
                    by_ballot.entry(ballot).or_default().insert(m.from);
                }
            }
        }
        let best = by_ballot
            .iter()
            .max_by_key(|(_, who)| who.len())
            .map(|(b, who)| (*b, who.len()));
        if best.is_none_or(|(_, n)| n < majority) {
            let most = match best {
                Some((b, n)) => format!("at most {n} in one ballot ({b})"),
                None => "none".to_string(),
            };
            return Verdict::violated(
                vec![o.event],
                format!(
                    "{} decided {}, but a majority is {majority} acceptors and {most} had \
                     accepted it",
                    trace.processes.get(o.process).map_or("?", String::as_str),
                    d.value
                ),
            );
        }
    }
    Verdict::Holds
}

/// Some learner decides.
fn progress(trace: &Trace) -> Verdict {
    if decisions(trace).next().is_some() {
        Verdict::Holds
    } else {
        Verdict::violated(Vec::<EventId>::new(), "no learner has decided a value")
    }
}

/// Whether progress is promised: one proposer, a network that loses nothing and answers within a
/// timeout, and the proposer, a majority of acceptors and a learner that never crash.
fn progress_promised(scenario: &Scenario, setup: &Setup) -> bool {
    let lossless = !loses_messages(&scenario.network)
        && !scenario
            .faults
            .iter()
            .any(|f| matches!(f.action, Action::Cut { .. }))
        && !scenario
            .interventions
            .iter()
            .any(|i| matches!(i.action, Action::Cut { .. } | Action::Drop { .. }));
    let slowest = slowest_latency(&scenario.network);
    let prompt = slowest.saturating_mul(2) < setup.params.timeout;
    let delays = scenario
        .interventions
        .iter()
        .filter(|i| matches!(i.action, Action::Delay { .. }))
        .count();
    let up = |range: Range<ProcessId>| range.filter(|&p| !crashes(scenario, p)).count();
    setup.params.proposers == 1
        && lossless
        && prompt
        && delays < setup.params.max_attempts as usize
        && scenario.limits.max_time.is_none()
        && up(setup.proposers()) == 1
        && up(setup.acceptors()) >= setup.majority()
        && up(setup.learners()) >= 1
}

/// Single-decree Paxos.
pub struct Paxos;

impl Protocol for Paxos {
    const NAME: &'static str = "paxos";
    const DESCRIPTION: &'static str =
        "single-decree Paxos: proposers, acceptors and learners agree on one value";
    type Node = PaxosNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "correct",
                description: "Paxos as published: promises, the highest accepted value, majorities",
                broken: false,
            },
            VariantInfo {
                name: "broken-proposer",
                description: "proposers ignore the accepted values the promises report and \
                              always propose their own",
                broken: true,
            },
            VariantInfo {
                name: "broken-acceptor",
                description: "acceptors keep their promise in memory only, so a crash forgets it",
                broken: true,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<PaxosNode>, ScenarioError> {
        let setup = Setup::of(scenario)?;
        let variant = Variant::from_name(variant)?;
        let cast = Cast {
            names: scenario.processes.clone().into(),
            acceptors: setup.acceptors(),
            learners: setup.learners(),
            majority: setup.majority(),
        };
        let mut nodes = Vec::with_capacity(scenario.processes.len());
        for me in setup.proposers() {
            nodes.push(PaxosNode::Proposer(Proposer {
                me,
                cast: cast.clone(),
                value: setup.values[me].clone(),
                start: setup.start[me],
                timeout: setup.params.timeout,
                backoff: setup.params.backoff,
                max_attempts: setup.params.max_attempts,
                ignores_reports: variant == Variant::BrokenProposer,
                round: 0,
                seen: 0,
                attempts: 0,
                started: false,
                chosen: None,
                phase: Phase::NotStarted,
                ballot: None,
                promises: BTreeMap::new(),
                proposal: None,
                accepted_by: BTreeSet::new(),
            }));
        }
        for me in setup.acceptors() {
            nodes.push(PaxosNode::Acceptor(Acceptor {
                me,
                cast: cast.clone(),
                forgets_promise: variant == Variant::BrokenAcceptor,
                promised: None,
                accepted: None,
                forgotten: None,
            }));
        }
        for me in setup.learners() {
            nodes.push(PaxosNode::Learner(Learner {
                me,
                cast: cast.clone(),
                votes: BTreeMap::new(),
                learned: Vec::new(),
            }));
        }
        Ok(nodes)
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let setup = Setup::of(scenario)?;
        Variant::from_name(variant)?;
        let values = setup.values.clone();
        let acceptors = setup.acceptors();
        let majority = setup.majority();
        let live = Property::new(
            "progress",
            PropertyKind::Liveness,
            "some learner decides a value (promised only with a single proposer, a network that \
             loses nothing and answers within the timeout, and the proposer, a majority of \
             acceptors and a learner never crashing: duelling proposers can pre-empt each other \
             for ever)",
            progress,
        );
        Ok(vec![
            Property::new(
                "agreement",
                PropertyKind::Safety,
                "at most one value is decided: every learner decides the same value",
                agreement,
            ),
            Property::new(
                "validity",
                PropertyKind::Safety,
                "a decided value is one that some proposer proposed",
                move |trace: &Trace| validity(trace, &values),
            ),
            Property::new(
                "learned-chosen",
                PropertyKind::Safety,
                "a learner decides a value only after a majority of acceptors accepted it in one \
                 ballot",
                move |trace: &Trace| learned_chosen(trace, &acceptors, majority),
            ),
            if progress_promised(scenario, &setup) {
                live
            } else {
                live.not_promised()
            },
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario =
            |name: &str, title: &str, description: &str, variant: &str, params: PaxosParams| {
                let processes = numbered_names(&groups(&params));
                Scenario {
                    name: name.into(),
                    title: title.into(),
                    description: description.into(),
                    protocol: "paxos".into(),
                    variant: variant.into(),
                    params: serde_json::to_value(params).expect("serialisable"),
                    processes,
                    network: NetworkModel::default(),
                    faults: Vec::new(),
                    seed: 1,
                    interventions: Vec::new(),
                    limits: Default::default(),
                }
            };
        let params = |proposers: usize, acceptors: usize| PaxosParams {
            proposers,
            acceptors,
            values: DEFAULT_VALUES[..proposers]
                .iter()
                .map(|v| v.to_string())
                .collect(),
            start: DEFAULT_START[..proposers].to_vec(),
            ..PaxosParams::default()
        };
        let frozen = |schedule: &[(u64, FrozenAction)]| -> Vec<Intervention> {
            schedule
                .iter()
                .map(|&(step, ref action)| Intervention {
                    step,
                    action: action.action(),
                })
                .collect()
        };

        let calm = scenario(
            "paxos-calm",
            "One proposer, nothing goes wrong",
            "P1 asks the three acceptors to promise ballot 1.P1, gets a majority of promises \
             reporting nothing accepted, proposes its own value x, and a majority accepts it. \
             L1 counts the Accepted messages and decides x once two of the three have arrived.",
            "correct",
            params(1, 3),
        );

        let five = scenario(
            "paxos-five-acceptors",
            "Five acceptors: crash some yourself",
            "One proposer and five acceptors, nothing planned to go wrong. Select an acceptor's \
             lane and crash it (the c key) before P1's messages reach it: with two of five down \
             a majority of three still answers and x is chosen; with three down every ballot \
             falls one promise short, P1 gives up, and nothing is chosen, though nothing wrong \
             is chosen either.",
            "correct",
            params(1, 5),
        );

        let mut dueling = scenario(
            "paxos-dueling",
            "Duelling proposers",
            "P1 and P2 start almost together and each wants its own value. Each new ballot \
             makes the acceptors refuse the other proposer's lower one, so they cut each other \
             off and retry with ever higher ballots: 1.P1, 1.P2, 2.P1, 3.P2, 4.P1, 5.P2. Once an \
             acceptor has accepted y, every later ballot must carry y, even P1's. A random pause \
             before each retry finally lets ballot 4.P1 finish both phases: y is chosen and L1 \
             decides it.",
            "correct",
            PaxosParams {
                start: vec![0, 10],
                backoff: 30,
                ..params(2, 3)
            },
        );
        dueling.seed = DUELING_SEED;

        let mut minority = scenario(
            "paxos-minority-crash",
            "Two of five acceptors crash",
            "A4 and A5 crash just after P1 sends its Prepare messages. Three of five is \
             still a majority, so P1 gets its promises and its acceptances from A1, A2 and A3, \
             and L1 decides x. A minority of crashes cannot stop Paxos.",
            "correct",
            params(1, 5),
        );
        minority.faults = vec![crash(5, "A4"), crash(5, "A5")];

        let mut majority = scenario(
            "paxos-majority-crash",
            "Three of five acceptors crash",
            "A3, A4 and A5 crash just after P1 sends its first Prepare messages. Two acceptors \
             can never make a majority of five: each of P1's ballots gets two promises of the \
             three it needs and times out, and after six ballots P1 gives up. Nothing is chosen \
             and L1 decides nothing. Paxos stays safe (nothing wrong is decided) but cannot make \
             progress until a majority is back.",
            "correct",
            params(1, 5),
        );
        majority.faults = vec![crash(5, "A3"), crash(5, "A4"), crash(5, "A5")];

        // Each proposer tries one ballot only: the runs stay short, and without interventions
        // the later proposer simply pre-empts the earlier one.
        let broken = PaxosParams {
            start: vec![0, 30],
            max_attempts: 1,
            ..params(2, 3)
        };
        let mut broken_proposer = scenario(
            "paxos-broken-proposer",
            "A proposer that ignores the promises",
            "Each proposer tries one ballot. The interventions, found by the counterexample \
             search, drop P2's Prepare to A2, so that x is chosen in ballot 1.P1 before P2 has \
             its promises. A3 then promises 1.P2 and reports that it accepted x, but this broken \
             P2 ignores the report, proposes its own y, and a majority accepts y: L1 decides x, \
             then y. Switch to the correct variant and P2 proposes x instead.",
            "broken-proposer",
            broken.clone(),
        );
        broken_proposer.seed = BROKEN_SEED;
        broken_proposer.interventions = frozen(BROKEN_PROPOSER_SCHEDULE);

        let mut broken_acceptor = scenario(
            "paxos-broken-acceptor",
            "An acceptor that forgets its promise",
            "Each proposer tries one ballot. The interventions, found by the counterexample \
             search, reboot A2 just before P1's Accept 1.P1 x reaches it. A2 had promised 1.P2, \
             but this broken acceptor kept the promise in memory only: it accepts x, which gives \
             x a majority with A3, while P2's y also wins a majority in 1.P2. L1 decides x, then \
             y. Switch to the correct variant: A2 remembers its promise and refuses x.",
            "broken-acceptor",
            broken.clone(),
        );
        broken_acceptor.seed = BROKEN_SEED;
        broken_acceptor.interventions = frozen(BROKEN_ACCEPTOR_SCHEDULE);

        let mut adopt = scenario(
            "paxos-adopt-accepted",
            "An earlier accepted value",
            "P1 gets x accepted by A1 and A3 in ballot 1.P1: x is chosen. P2 starts a little \
             later with its own value y, and its Prepare to A1 is lost (an intervention), so its \
             majority of promises for 1.P2 comes from A2 and A3, and A3 reports that it accepted \
             x in 1.P1. P2 must propose the value of the highest-ballot proposal reported: it \
             proposes x, not y, and x stays the only value chosen. Switch to the broken-proposer \
             variant to see what ignoring the report does.",
            "correct",
            broken,
        );
        adopt.seed = BROKEN_SEED;
        adopt.interventions = frozen(ADOPT_SCHEDULE);

        vec![
            calm,
            five,
            adopt,
            dueling,
            minority,
            majority,
            broken_proposer,
            broken_acceptor,
        ]
    }
}

/// An intervention of a frozen schedule, as `const` data.
enum FrozenAction {
    Drop(usize),
    Crash(&'static str),
    Recover(&'static str),
}

impl FrozenAction {
    fn action(&self) -> Action {
        match *self {
            FrozenAction::Drop(message) => Action::Drop { message },
            FrozenAction::Crash(p) => Action::Crash {
                process: ProcessRef::Name(p.into()),
            },
            FrozenAction::Recover(p) => Action::Recover {
                process: ProcessRef::Name(p.into()),
            },
        }
    }
}

/// The seed of `paxos-dueling`, picked so that the proposers pre-empt each other a few times.
const DUELING_SEED: u64 = 74;

/// `paxos-broken-proposer`'s schedule, found by [`crate::search::find_violation`] for
/// `agreement` with the default bound.
const BROKEN_PROPOSER_SCHEDULE: &[(u64, FrozenAction)] = &[(7, FrozenAction::Drop(7))];

/// `paxos-adopt-accepted`'s schedule.
const ADOPT_SCHEDULE: &[(u64, FrozenAction)] = &[(6, FrozenAction::Drop(6))];

/// `paxos-broken-acceptor`'s schedule, found the same way.
const BROKEN_ACCEPTOR_SCHEDULE: &[(u64, FrozenAction)] = &[
    (10, FrozenAction::Crash("A2")),
    (10, FrozenAction::Recover("A2")),
];

/// The seed of the broken examples.
const BROKEN_SEED: u64 = 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;

    /// Real Paxos nodes, except that the learner is replaced by a faulty one.
    #[derive(Clone)]
    enum Node {
        Real(Box<PaxosNode>),
        /// Decides x at once, before anything is accepted; with `invent`, decides a value nobody
        /// proposed.
        Hasty {
            invent: bool,
        },
    }

    impl Process for Node {
        type Message = PaxosMessage;

        fn on_start(&mut self, ctx: &mut Context<'_, PaxosMessage>) {
            match self {
                Node::Real(n) => n.on_start(ctx),
                Node::Hasty { invent } => ctx.output_fact(
                    "decide",
                    Decision {
                        value: if *invent { "w" } else { "x" }.into(),
                        ballot: Ballot::none(),
                    },
                ),
            }
        }

        fn on_message(
            &mut self,
            ctx: &mut Context<'_, PaxosMessage>,
            from: ProcessId,
            m: PaxosMessage,
        ) {
            if let Node::Real(n) = self {
                n.on_message(ctx, from, m);
            }
        }

        fn on_timer(&mut self, ctx: &mut Context<'_, PaxosMessage>, timer: &str) {
            if let Node::Real(n) = self {
                n.on_timer(ctx, timer);
            }
        }

        fn fields(&self) -> Vec<Field> {
            match self {
                Node::Real(n) => n.fields(),
                Node::Hasty { .. } => {
                    vec![Field::new("role", "learner"), Field::new("learned", "?")]
                }
            }
        }
    }

    fn trace_with(invent: bool) -> (Trace, Setup) {
        let scenario = Paxos::examples().remove(0); // paxos-calm: P1 A1 A2 A3 L1
        let setup = Setup::of(&scenario).unwrap();
        let mut nodes: Vec<Node> = Paxos::build(&scenario, "correct")
            .unwrap()
            .into_iter()
            .map(|n| Node::Real(Box::new(n)))
            .collect();
        *nodes.last_mut().unwrap() = Node::Hasty { invent };
        let mut sim = Simulation::new(&scenario, nodes).unwrap();
        (sim.run().clone(), setup)
    }

    #[test]
    fn learned_chosen_catches_a_learner_that_decides_before_anything_is_chosen() {
        let (trace, setup) = trace_with(false);
        let verdict = learned_chosen(&trace, &setup.acceptors(), setup.majority());
        let Verdict::Violated {
            events,
            explanation,
        } = verdict
        else {
            panic!("deciding before anyone accepted breaks learned-chosen");
        };
        assert_eq!(events.len(), 1);
        assert_eq!(
            explanation,
            "L1 decided x, but a majority is 2 acceptors and none had accepted it"
        );
        // The value itself is fine: it is the one that gets chosen.
        assert!(validity(&trace, &setup.values).holds());
        assert!(agreement(&trace).holds());
        assert!(progress(&trace).holds());
    }

    #[test]
    fn validity_catches_an_invented_value() {
        let (trace, setup) = trace_with(true);
        let verdict = validity(&trace, &setup.values);
        assert!(
            matches!(&verdict, Verdict::Violated { explanation, .. }
                if explanation == "L1 decided w, which no proposer proposed (they proposed x)"),
            "{verdict:?}"
        );
    }

    #[test]
    fn majorities_and_roles_follow_the_parameters() {
        let mut scenario = Paxos::examples().remove(0);
        for (acceptors, majority) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)] {
            scenario.params["acceptors"] = acceptors.into();
            scenario.processes = (0..2 + acceptors).map(|i| format!("N{i}")).collect();
            let setup = Setup::of(&scenario).unwrap();
            assert_eq!(setup.majority(), majority);
            assert_eq!(setup.acceptors(), 1..1 + acceptors);
            assert_eq!(setup.learners(), 1 + acceptors..2 + acceptors);
        }
    }
}
