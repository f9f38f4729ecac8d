//! Multi-Paxos: a few servers keep one replicated log, so that together they behave like a single
//! state machine that survives crashes.
//!
//! # The replicated state machine
//!
//! A service that must not go down runs on several servers, each a copy (a *replica*) of the
//! same deterministic state machine. If every replica executes the same commands in the same
//! order, every replica goes through the same states, and any of them can answer. So the replicas
//! only have to agree on one thing: a *log*, a numbered sequence of commands. Slot 1 holds the
//! first command, slot 2 the second, and so on. Single-decree Paxos agrees on one value; Multi-
//! Paxos runs one instance of it per slot, and saves most of the work by having a stable leader.
//!
//! Here every server is at once a *proposer*, an *acceptor* and a *learner*. The scenario names
//! the `servers` first (`S1`, `S2`, ...) and then the `clients` (`C1`, ...). Each client has a
//! list of commands (`x=1`, `y=2`) and sends them one at a time: it sends a command, waits for
//! the answer, pauses `interval` ticks, and sends the next.
//!
//! # Ballots, and phase 1 done once for every slot
//!
//! A leader works under a **ballot**, a pair (round, server) written `2.S2`: round 2 of server
//! S2. Ballots compare by round first, then by server, so no two servers ever share one.
//!
//! In single-decree Paxos every value costs two round trips: phase 1 (prepare, promise) and
//! phase 2 (accept, accepted). Multi-Paxos notices that phase 1 does not depend on the value, nor
//! even on the slot. A new leader runs it **once, for all slots from its first unknown slot on**:
//!
//! * `Prepare 2.S2` goes to every other server. It carries the first slot the leader does not
//!   know to be chosen.
//! * An acceptor that has promised nothing higher promises ballot 2.S2 *for every slot*, and
//!   reports everything it has accepted from that slot on, each entry with the ballot it was
//!   accepted in: `Promise 2.S2 [3:y=2, 4:z=1]`. Otherwise it answers `Nack 3.S3`, naming the
//!   higher ballot it promised.
//! * With promises from a majority (the leader counts itself), the leader looks at each slot from
//!   its first unknown slot up to the highest slot anybody reported:
//!   - if some promise reports a value for the slot, the leader must propose the value with the
//!     highest ballot among them (it may already be chosen, and a chosen value must stay);
//!   - if no promise reports anything for the slot, the slot is a **gap**: something may have
//!     been proposed there, but it reached no one in this majority, so it cannot have been
//!     chosen. The leader fills it with `no-op`, a command that does nothing, so that the slots
//!     after it are not held up for ever.
//!
//!   It proposes all of these again under its own ballot, and from then on every new command
//!   costs phase 2 only.
//!
//! # Phase 2, for each command
//!
//! The leader gives a new command the next free slot and sends `Accept 2.S2 #3 y=2` to every
//! other server (and accepts it itself). An acceptor that has promised nothing higher than 2.S2
//! accepts and answers `Accepted 2.S2 #3`. With `Accepted` for the same ballot from a majority,
//! the value is **chosen**: the leader decides it and tells every server `Commit #3 y=2`. A
//! server that learns a slot is chosen (the leader from the votes, the others from `Commit`)
//! *decides* it.
//!
//! Each server applies its log in slot order: it applies slot 4 only once slots 1 to 3 are
//! chosen and applied, whatever order it learned them in. The leader answers the client once the
//! command is applied at the leader: `Reply #3` (the command went into slot 3).
//!
//! # Clients, redirects and duplicates
//!
//! A client sends its command to the server it believes is the leader (S1 at first). A server
//! that is not the leader answers `Redirect S2`, naming the leader it believes in, and the client
//! sends the command there. If no reply comes within `retry_after` ticks, the client sends the
//! same command to the next server in order. A command carries its client and a request number,
//! so a command sent twice is recognised: a leader that finds the command already in its log
//! does not give it a second slot, and one that has already applied it answers at once.
//!
//! That check is made by the leader over the log it knows, and it cannot catch everything. A
//! command can sit in slot 3, accepted by a minority, when the leader crashes; the client sends it
//! again, the new leader (whose majority never saw slot 3) puts it in slot 5, and a later leader
//! may still find and re-propose the old copy in slot 3. So one command can end up in two slots.
//! This is safe because the state machine, not the log, is where a command takes effect: each
//! server remembers which commands it has applied and skips a second copy (its `apply` output
//! says `(duplicate)`), so every command takes effect exactly once, on every server alike.
//!
//! # Failure detector and leader election
//!
//! The leader sends `Heartbeat` to the other servers every `heartbeat` ticks (a pacing timer, not
//! drawn). Each other server runs a `leader timeout` of `suspect_after` ticks, started again
//! whenever the leader it follows shows a sign of life (a heartbeat, a prepare, an accept). When
//! the timeout runs out the server *suspects* that leader, and expects the next server in order
//! (after the suspected one, wrapping around) to take over. If that next server is itself, it runs
//! for leader: it picks a ballot with a higher round than any it has seen and starts phase 1. If
//! the next one is dead too, the timeout runs out again and the turn passes on. This is an
//! eventually accurate failure detector: it can suspect a leader that is only slow, and then two
//! servers may both think they lead for a while. Paxos does not care: ballots keep them apart.
//! A leader or candidate that meets a higher ballot (in a `Prepare`, an `Accept`, a heartbeat or a
//! `Nack`) steps down and follows the server of that ballot; a follower that gets a heartbeat with
//! a ballot lower than it promised answers `Nack`, so that an old leader that comes back learns
//! that it has been replaced.
//!
//! A leader also repairs losses: with each heartbeat it sends again (`(again)` in the label) each
//! `Accept` that has waited `resend_after` ticks without a majority, to the servers that have not
//! answered; a candidate sends its `Prepare` again to the silent ones every `resend_after` ticks.
//! Each heartbeat carries how much of the log the leader knows to be chosen, and a server that
//! lags behind asks `Catch-up #4` and gets the `Commit`s it missed.
//!
//! At time 0, S1 runs for leader with ballot `1.S1`, and the others expect it to lead.
//!
//! # Crashes
//!
//! What an acceptor promised and accepted, the chosen log, and the state machine (which slots
//! are applied, which commands have taken effect) are on stable storage: a crash loses none of
//! it. Everything a leader keeps in memory is lost: its leadership, its ballot, the votes it was
//! counting. A server comes back as a follower that knows no leader, and listens. Clients keep
//! their place through a crash, and on recovery send their pending command again.
//!
//! # What the diagram shows
//!
//! | label | meaning |
//! |---|---|
//! | `Request x=1` | a client's command, to the server it believes leads |
//! | `Redirect S2` | "I am not the leader; S2 is, as far as I know" |
//! | `Reply #3` | the leader's answer: the command is in slot 3 and applied |
//! | `Prepare 2.S2` | phase 1 for every slot from the leader's first unknown one |
//! | `Promise 2.S2 [3:y=2]` | a promise, with what the acceptor accepted from that slot on |
//! | `Nack 3.S3` | a refusal: the sender promised the higher ballot 3.S3 |
//! | `Accept 2.S2 #3 y=2` | phase 2: accept y=2 in slot 3 under ballot 2.S2 |
//! | `Accepted 2.S2 #3` | an acceptor's vote for slot 3 under ballot 2.S2 |
//! | `Commit #3 y=2` | slot 3 is chosen, and holds y=2 |
//! | `Heartbeat` | the leader is alive (it carries its ballot and how much it knows chosen) |
//! | `Catch-up #4` | a lagging server asks for the chosen slots from 4 on |
//!
//! Timers: `leader timeout` (a follower's suspicion), `prepare again` (a candidate's), `reply
//! timeout` (a client's), all drawn; `heartbeat` and `next command` only pace and are not drawn.
//!
//! Outputs: servers output `decide` with `slot 3: y=2` when they learn that slot 3 is chosen,
//! and `apply` with the same text when they apply it (`slot 5: y=2 (duplicate)` for a second copy
//! that is skipped); clients output `submit` with the command when they first send it, and
//! `reply` with `slot 3: y=2` when it is answered.
//!
//! The inspector shows each server as `role: leader · ballot: 2.S2 · promised: 2.S2 · log: 1 x=1,
//! 2 no-op, 3 y=2, 4 z=3?, 5 _`: its role (`leader`, `candidate` or `follower`), its own ballot or
//! that of the leader it follows, the ballot it promised, and its log: chosen slots with their
//! command, accepted but not (yet) known chosen ones with a `?`, and empty ones as `_`. A client
//! shows as `role: client · waiting: x=1 · done: 2`.
//!
//! # Properties
//!
//! | property | kind | promised |
//! |---|---|---|
//! | agreement: no two servers decide different commands for the same slot | safety | always |
//! | validity: every decided command was submitted by a client, or is `no-op` | safety | always |
//! | applied-in-order: each server applies slots 1, 2, 3, ... in order, each once, as decided | safety | always |
//! | progress: every client command is decided and answered | liveness | see below |
//!
//! Progress needs a majority of servers that never crash, clients that never crash, links that
//! are healed after every cut, a network that loses nothing, and a `suspect_after` long enough
//! that a live leader is not suspected: longer than `heartbeat` plus three times the slowest
//! latency. Without a majority nothing can be chosen. With losses the protocol still gets there
//! by sending again, but how soon is luck, and a run ends at its limits; so progress is not
//! promised then, although it usually holds.
//!
//! Driving one server by hand, then a whole run:
//!
//! ```
//! use spacetime_core::lessons::paxos::multipaxos::{Ballot, MultiPaxos, MultiPaxosMessage};
//! use spacetime_core::protocols;
//! use spacetime_core::{seeded_rng, Context, Effect, Payload, Process, Protocol};
//!
//! let scenario = protocols::example("multipaxos-calm").unwrap(); // S1, S2, S3, C1, C2
//! let mut nodes = MultiPaxos::build(&scenario, "multipaxos").unwrap();
//! let s2 = &mut nodes[1];
//! let mut rng = seeded_rng(1);
//!
//! // S2 promises ballot 1.S1 for every slot from 1 on; it has accepted nothing yet.
//! let mut ctx = Context::new(1, 5, 10, &mut rng);
//! let prepare = MultiPaxosMessage::Prepare { ballot: Ballot::new(1, 0, "S1"), from_slot: 1, again: false };
//! s2.on_message(&mut ctx, 0, prepare);
//! let reply = ctx.effects().iter().find_map(|e| match e {
//!     Effect::Send { message, .. } => Some(message.label()),
//!     _ => None,
//! });
//! assert_eq!(reply.as_deref(), Some("Promise 1.S1 []"));
//! assert_eq!(s2.summary(), "role: follower · ballot: 1.S1 · promised: 1.S1 · log: empty");
//!
//! // A whole run: every server applies the same five commands in the same slots.
//! let run = spacetime_core::Run::complete(&scenario).unwrap();
//! let applied = |p| -> Vec<&str> {
//!     run.trace().outputs.iter()
//!         .filter(|o| o.process == p && o.kind == "apply").map(|o| o.value.as_str()).collect()
//! };
//! assert_eq!(applied(0).len(), 5);
//! assert_eq!(applied(0)[0], "slot 1: a=1");
//! assert_eq!(applied(1), applied(0));
//! assert_eq!(applied(2), applied(0));
//! assert!(run.check(run.trace()).iter().all(|r| r.verdict.holds()));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::faults::{self, crashes, cuts_healed, loses_messages, slowest_latency};
use crate::param_checks::{
    command_lists, in_range, invalid, numbered_names, plural, process_count, ticks_at_most,
    ticks_not_zero, Group,
};
use crate::process::{Context, Field, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Latency, Limits, NetworkModel, Scenario, ScenarioError};
use crate::trace::{EventId, Output, Trace};

/// A position in the log, from 1.
pub type Slot = u64;

/// The most servers a scenario may have.
pub const MAX_SERVERS: usize = 7;
/// The most clients.
pub const MAX_CLIENTS: usize = 3;
/// The most commands one client may send.
pub const MAX_COMMANDS: usize = 20;
/// The longest command, in characters.
pub const MAX_COMMAND_LEN: usize = 16;
/// The longest interval or timeout, in ticks.
pub const MAX_TICKS: Time = 1_000_000;
/// The most `Commit`s a leader sends in answer to one `Catch-up`.
const CATCH_UP_BATCH: Slot = 8;
/// The most entries a `Promise` label lists (the payload has them all).
const PROMISE_LABEL_ENTRIES: usize = 4;

/// The command that does nothing, which fills a gap in the log.
pub const NO_OP: &str = "no-op";

/// Multi-Paxos's parameters. The scenario's `processes` list names the servers first, then the
/// clients. Times are in ticks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MultiPaxosParams {
    /// How many servers (1 to 7); each is proposer, acceptor and learner.
    pub servers: usize,
    /// How many clients (1 to 3).
    pub clients: usize,
    /// Each client's commands, in client order: one list per client. Empty means `x=1, y=2,
    /// z=3` for C1, `a=1, b=2, c=3` for C2 and `p=1, q=2, r=3` for C3.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Vec<String>>,
    /// When the clients send their first command.
    pub start: Time,
    /// How long a client pauses after an answer before it sends its next command.
    pub interval: Time,
    /// How often the leader sends a heartbeat.
    pub heartbeat: Time,
    /// How long a server waits without a sign of life from its leader before it suspects it.
    pub suspect_after: Time,
    /// How long a leader (or candidate) waits for answers before it sends an `Accept` (or a
    /// `Prepare`) again.
    pub resend_after: Time,
    /// How long a client waits for an answer before it tries the next server.
    pub retry_after: Time,
}

impl Default for MultiPaxosParams {
    fn default() -> Self {
        MultiPaxosParams {
            servers: 3,
            clients: 1,
            commands: Vec::new(),
            start: 80,
            interval: 20,
            heartbeat: 40,
            suspect_after: 150,
            resend_after: 90,
            retry_after: 250,
        }
    }
}

/// The commands clients send unless `commands` says otherwise.
const DEFAULT_COMMANDS: [[&str; 3]; MAX_CLIENTS] = [
    ["x=1", "y=2", "z=3"],
    ["a=1", "b=2", "c=3"],
    ["p=1", "q=2", "r=3"],
];

/// The parameters, checked against the scenario, with the defaults filled in.
#[derive(Clone, Debug)]
struct Setup {
    params: MultiPaxosParams,
    commands: Vec<Vec<String>>,
}

impl Setup {
    fn of(scenario: &Scenario) -> Result<Setup, ScenarioError> {
        let params: MultiPaxosParams = scenario.params()?;
        in_range("servers", params.servers, 1..=MAX_SERVERS, "servers")?;
        in_range("clients", params.clients, 1..=MAX_CLIENTS, "clients")?;
        let commands: Vec<Vec<String>> = if params.commands.is_empty() {
            DEFAULT_COMMANDS[..params.clients]
                .iter()
                .map(|list| list.iter().map(|c| c.to_string()).collect())
                .collect()
        } else {
            params.commands.clone()
        };
        if commands.len() != params.clients {
            return invalid(
                "commands",
                format!(
                    "give one list of commands per client: {} {}, not {}",
                    params.clients,
                    plural(params.clients, "list"),
                    params.commands.len()
                ),
            );
        }
        command_lists(&commands, MAX_COMMANDS, check_command)?;
        ticks_at_most(
            &[
                ("start", params.start),
                ("interval", params.interval),
                ("heartbeat", params.heartbeat),
                ("suspect_after", params.suspect_after),
                ("resend_after", params.resend_after),
                ("retry_after", params.retry_after),
            ],
            MAX_TICKS,
        )?;
        ticks_not_zero(&[
            ("heartbeat", params.heartbeat),
            ("resend_after", params.resend_after),
            ("retry_after", params.retry_after),
        ])?;
        if params.suspect_after <= params.heartbeat {
            return invalid(
                "suspect_after",
                format!(
                    "{} ticks is not longer than the heartbeat interval ({}): followers would \
                     suspect a leader that is alive and well",
                    params.suspect_after, params.heartbeat
                ),
            );
        }
        process_count(&scenario.processes, &groups(params.servers, params.clients))?;
        Ok(Setup { params, commands })
    }

    fn servers(&self) -> usize {
        self.params.servers
    }

    fn majority(&self) -> usize {
        self.params.servers / 2 + 1
    }
}

/// The servers, then the clients, as the processes list has them.
fn groups(servers: usize, clients: usize) -> [Group<'static>; 2] {
    [
        Group::new(servers, "server", "S"),
        Group::new(clients, "client", "C"),
    ]
}

/// Why a command's text cannot be used, if it cannot.
fn check_command(command: &str) -> Result<(), String> {
    if command.trim().is_empty() {
        return Err("a command cannot be empty".into());
    }
    if command.trim() != command {
        return Err(format!("\"{command}\" starts or ends with a space"));
    }
    if command.chars().count() > MAX_COMMAND_LEN {
        return Err(format!(
            "\"{command}\" is longer than {MAX_COMMAND_LEN} characters"
        ));
    }
    if command == NO_OP {
        return Err(format!(
            "\"{NO_OP}\" is the command the leader uses to fill gaps; a client cannot send it"
        ));
    }
    if let Some(c) = command
        .chars()
        .find(|c| c.is_control() || matches!(c, ',' | '(' | ')' | '?' | '[' | ']' | ':'))
    {
        return Err(format!(
            "\"{command}\" contains '{}', which the log and the labels use; write commands like \
             \"x=1\"",
            c.escape_default()
        ));
    }
    Ok(())
}

/// A ballot, as single-decree Paxos has it: round `round` of server `proposer` (its index),
/// written `2.S2`; round 0 is "no ballot", written `none`.
pub use super::paxos::Ballot;

/// A client's command: its text, and who sent it as which request, so that a copy sent again
/// can be told apart from a new command with the same text.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub client: ProcessId,
    /// The client's request number, from 1.
    pub seq: u32,
    pub text: Arc<str>,
    client_name: Arc<str>,
}

impl Command {
    pub fn new(
        client: ProcessId,
        client_name: impl Into<Arc<str>>,
        seq: u32,
        text: impl Into<Arc<str>>,
    ) -> Command {
        Command {
            client,
            seq,
            text: text.into(),
            client_name: client_name.into(),
        }
    }

    /// Which client's which request: the same for every copy of the command.
    pub fn id(&self) -> (ProcessId, u32) {
        (self.client, self.seq)
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} request {})",
            self.text, self.client_name, self.seq
        )
    }
}

/// A client's `submit` output carries the command it sends; its display text is the command's.
impl Payload for Command {
    fn label(&self) -> String {
        self.text.to_string()
    }
}

/// What a server outputs as `decide` (slot `slot` is chosen with `value`) and `apply` (it applies
/// slot `slot`, skipping a `duplicate` second copy of a command), and a client as `reply`
/// (its command is in slot `slot`). Its display text is `slot 3: y=2`, and `slot 5: y=2
/// (duplicate)` for a skipped copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotValue {
    pub slot: Slot,
    pub value: Value,
    pub duplicate: bool,
}

impl SlotValue {
    fn new(slot: Slot, value: Value) -> SlotValue {
        SlotValue {
            slot,
            value,
            duplicate: false,
        }
    }
}

impl Payload for SlotValue {
    fn label(&self) -> String {
        let dup = if self.duplicate { " (duplicate)" } else { "" };
        format!("slot {}: {}{dup}", self.slot, self.value)
    }
}

/// What a slot of the log holds.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing: the filler of a gap.
    NoOp,
    Command(Command),
}

impl Value {
    /// The command, unless it is a no-op.
    pub fn command(&self) -> Option<&Command> {
        match self {
            Value::NoOp => None,
            Value::Command(c) => Some(c),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::NoOp => f.write_str(NO_OP),
            Value::Command(c) => f.write_str(&c.text),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::NoOp => f.write_str(NO_OP),
            Value::Command(c) => fmt::Debug::fmt(c, f),
        }
    }
}

/// One accepted entry an acceptor reports in a promise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub slot: Slot,
    /// The ballot it was accepted in.
    pub ballot: Ballot,
    pub value: Value,
}

/// What Multi-Paxos processes send each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MultiPaxosMessage {
    /// Client to server: please put this command in the log.
    Request(Command),
    /// Server to client: I am not the leader; `leader` is, as far as I know.
    Redirect {
        seq: u32,
        leader: ProcessId,
        name: Arc<str>,
    },
    /// Leader to client: request `seq` is in slot `slot`, and applied.
    Reply {
        seq: u32,
        slot: Slot,
        text: Arc<str>,
    },
    /// Phase 1a, for every slot from `from_slot` on.
    Prepare {
        ballot: Ballot,
        from_slot: Slot,
        again: bool,
    },
    /// Phase 1b: a promise, with everything accepted from `from_slot` on.
    Promise {
        ballot: Ballot,
        from_slot: Slot,
        accepted: Vec<Entry>,
    },
    /// A refusal: the sender has promised the higher ballot `ballot`.
    Nack { ballot: Ballot },
    /// Phase 2a: accept `value` in `slot`.
    Accept {
        ballot: Ballot,
        slot: Slot,
        value: Value,
        again: bool,
    },
    /// Phase 2b: the sender accepted slot `slot` in ballot `ballot`.
    Accepted { ballot: Ballot, slot: Slot },
    /// Slot `slot` is chosen and holds `value`.
    Commit { slot: Slot, value: Value },
    /// The leader is alive; it knows slots 1 to `chosen` to be chosen.
    Heartbeat { ballot: Ballot, chosen: Slot },
    /// A lagging server asks for the chosen slots from `from_slot` on.
    CatchUp { from_slot: Slot },
}

impl Payload for MultiPaxosMessage {
    fn label(&self) -> String {
        use MultiPaxosMessage::*;
        let again = |a: bool| if a { " (again)" } else { "" };
        match self {
            Request(c) => format!("Request {}", c.text),
            Redirect { name, .. } => format!("Redirect {name}"),
            Reply { slot, .. } => format!("Reply #{slot}"),
            Prepare {
                ballot, again: a, ..
            } => format!("Prepare {ballot}{}", again(*a)),
            Promise {
                ballot, accepted, ..
            } => {
                let mut entries: Vec<String> = accepted
                    .iter()
                    .take(PROMISE_LABEL_ENTRIES)
                    .map(|e| format!("{}:{}", e.slot, e.value))
                    .collect();
                if accepted.len() > PROMISE_LABEL_ENTRIES {
                    entries.push(format!("…+{}", accepted.len() - PROMISE_LABEL_ENTRIES));
                }
                format!("Promise {ballot} [{}]", entries.join(", "))
            }
            Nack { ballot } => format!("Nack {ballot}"),
            Accept {
                ballot,
                slot,
                value,
                again: a,
            } => format!("Accept {ballot} #{slot} {value}{}", again(*a)),
            Accepted { ballot, slot } => format!("Accepted {ballot} #{slot}"),
            Commit { slot, value } => format!("Commit #{slot} {value}"),
            Heartbeat { .. } => "Heartbeat".into(),
            CatchUp { from_slot } => format!("Catch-up #{from_slot}"),
        }
    }

    fn sent_again(&self) -> bool {
        matches!(
            self,
            MultiPaxosMessage::Prepare { again: true, .. }
                | MultiPaxosMessage::Accept { again: true, .. }
        )
    }
}

type Msg = MultiPaxosMessage;
type Ctx<'a, 'b> = &'a mut Context<'b, Msg>;

/// A server's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    /// Running phase 1.
    Candidate,
    Leader,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// A value the leader has proposed for a slot and is collecting votes for.
#[derive(Clone, Debug)]
struct Proposal {
    value: Value,
    /// The servers that accepted it in the leader's ballot (the leader among them).
    votes: BTreeSet<ProcessId>,
    /// When its `Accept`s last went out.
    sent_at: Time,
}

/// The timers.
const LEADER_TIMEOUT: &str = "leader timeout";
const PREPARE_AGAIN: &str = "prepare again";
const HEARTBEAT: &str = "heartbeat";
const REPLY_TIMEOUT: &str = "reply timeout";
const NEXT_COMMAND: &str = "next command";

/// One server: proposer, acceptor and learner.
#[derive(Clone, Debug)]
pub struct Server {
    me: ProcessId,
    servers: usize,
    majority: usize,
    names: Arc<[String]>,
    heartbeat: Time,
    suspect_after: Time,
    resend_after: Time,
    // On stable storage.
    /// The acceptor's promise: no ballot below this one, for any slot.
    promised: Ballot,
    /// What the acceptor accepted, per slot, with the ballot.
    accepted: BTreeMap<Slot, (Ballot, Value)>,
    /// The slots this server knows to be chosen.
    chosen: BTreeMap<Slot, Value>,
    /// Slots 1 to `applied` are applied to the state machine.
    applied: Slot,
    /// The commands that have taken effect, and the slot each took effect in.
    executed: BTreeMap<(ProcessId, u32), Slot>,
    // In memory only.
    role: Role,
    /// A leader's or candidate's own ballot; a follower's, the ballot of the leader it follows.
    ballot: Ballot,
    /// The leader this server believes in.
    leader: Option<ProcessId>,
    /// The highest round seen in any ballot.
    max_round: u32,
    /// A candidate's first unknown slot, which its `Prepare` carries.
    from_slot: Slot,
    /// A candidate's promises so far, by acceptor.
    promises: BTreeMap<ProcessId, Vec<Entry>>,
    /// A leader's proposals that are not chosen yet.
    proposals: BTreeMap<Slot, Proposal>,
    /// The slot a leader gives the next new command.
    next_slot: Slot,
    /// Requests that came while this server was a candidate.
    waiting: Vec<Command>,
    /// How much of the log the last heartbeat said was chosen.
    announced: Slot,
}

impl Server {
    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn my_name(&self) -> &str {
        self.name(self.me)
    }

    fn others(&self) -> impl Iterator<Item = ProcessId> + '_ {
        (0..self.servers).filter(move |&p| p != self.me)
    }

    fn send_others(&self, ctx: Ctx<'_, '_>, message: Msg) {
        for p in self.others() {
            ctx.send(p, message.clone());
        }
    }

    /// How many slots from slot 1 on this server knows to be chosen, without a gap.
    fn chosen_prefix(&self) -> Slot {
        let mut s = 0;
        while self.chosen.contains_key(&(s + 1)) {
            s += 1;
        }
        s
    }

    fn names_of(&self, set: impl IntoIterator<Item = ProcessId>) -> String {
        let names: Vec<&str> = set.into_iter().map(|p| self.name(p)).collect();
        names.join(", ")
    }

    fn see_round(&mut self, ballot: &Ballot) {
        self.max_round = self.max_round.max(ballot.round);
    }

    // Elections.

    /// Run for leader: a new, higher ballot, and phase 1 for every slot from the first unknown.
    fn run_for_leader(&mut self, ctx: Ctx<'_, '_>) {
        let round = self
            .max_round
            .max(self.promised.round)
            .max(self.ballot.round)
            + 1;
        self.max_round = round;
        let ballot = Ballot::new(round, self.me, self.my_name());
        self.role = Role::Candidate;
        self.ballot = ballot.clone();
        self.leader = Some(self.me);
        self.promised = ballot.clone();
        self.from_slot = self.chosen_prefix() + 1;
        self.promises.clear();
        self.proposals.clear();
        ctx.cancel_timer(LEADER_TIMEOUT);
        ctx.note(format!(
            "{me} runs for leader with ballot {ballot}, higher than any it has seen. It promises \
             that ballot itself and asks the others to promise it too, for every slot from {s} \
             on (the first slot it does not know to be chosen)",
            me = self.my_name(),
            s = self.from_slot
        ));
        self.send_others(
            ctx,
            Msg::Prepare {
                ballot,
                from_slot: self.from_slot,
                again: false,
            },
        );
        ctx.set_timer(PREPARE_AGAIN, self.resend_after);
        self.count_promises(ctx);
    }

    /// Stop leading (or running) because ballot `higher` beats ours, and follow its server.
    fn step_down(&mut self, ctx: Ctx<'_, '_>, higher: &Ballot) {
        ctx.note(format!(
            "{me} sees ballot {higher}, higher than its own {own}: it stops {doing}, forgets the \
             votes it was counting and follows {them}",
            me = self.my_name(),
            own = self.ballot,
            doing = if self.role == Role::Leader {
                "leading"
            } else {
                "running for leader"
            },
            them = self.name(higher.proposer)
        ));
        self.role = Role::Follower;
        self.ballot = higher.clone();
        self.leader = Some(higher.proposer);
        self.promises.clear();
        self.proposals.clear();
        self.waiting.clear();
        ctx.cancel_timer(HEARTBEAT);
        ctx.cancel_timer(PREPARE_AGAIN);
        ctx.set_timer(LEADER_TIMEOUT, self.suspect_after);
    }

    /// A message under ballot `ballot` came from the leader (or candidate) of that ballot.
    /// Returns whether this server now follows it.
    fn hear_leader(&mut self, ctx: Ctx<'_, '_>, ballot: &Ballot) -> bool {
        self.see_round(ballot);
        match self.role {
            Role::Leader | Role::Candidate => {
                if *ballot > self.ballot {
                    self.step_down(ctx, ballot);
                    true
                } else {
                    false
                }
            }
            Role::Follower => {
                if *ballot >= self.ballot || self.leader.is_none() {
                    self.ballot = ballot.clone();
                    self.leader = Some(ballot.proposer);
                    ctx.set_timer(LEADER_TIMEOUT, self.suspect_after);
                    true
                } else {
                    false
                }
            }
        }
    }

    /// [`Server::hear_leader`] for a heartbeat, saying so when it makes this server follow a
    /// leader it did not follow before.
    fn hear_leader_noting(&mut self, ctx: Ctx<'_, '_>, ballot: &Ballot, them: &str) -> bool {
        let before = (self.role, self.leader, self.ballot.clone());
        let follows = self.hear_leader(ctx, ballot);
        if follows && before.0 == Role::Follower && (before.1, &before.2) != (self.leader, ballot) {
            ctx.note(format!(
                "{me} hears {them}'s heartbeat with ballot {ballot}, no lower than it promised: \
                 it follows {them} now",
                me = self.my_name()
            ));
        }
        follows
    }

    fn count_promises(&mut self, ctx: Ctx<'_, '_>) {
        if self.role == Role::Candidate && self.promises.len() + 1 >= self.majority {
            self.become_leader(ctx);
        }
    }

    /// Phase 1 is done: adopt what the promises report, fill the gaps, and lead.
    fn become_leader(&mut self, ctx: Ctx<'_, '_>) {
        self.role = Role::Leader;
        ctx.cancel_timer(PREPARE_AGAIN);
        let from = self.from_slot;
        // For each slot, the entry with the highest ballot among the majority (this server's own
        // acceptor included).
        let mut best: BTreeMap<Slot, (Ballot, Value)> = self
            .accepted
            .range(from..)
            .map(|(&s, (b, v))| (s, (b.clone(), v.clone())))
            .collect();
        for entries in self.promises.values() {
            for e in entries.iter().filter(|e| e.slot >= from) {
                let higher = best.get(&e.slot).is_none_or(|(b, _)| e.ballot > *b);
                if higher {
                    best.insert(e.slot, (e.ballot.clone(), e.value.clone()));
                }
            }
        }
        let top = best
            .keys()
            .chain(self.chosen.keys())
            .copied()
            .max()
            .unwrap_or(0)
            .max(from - 1);
        let quorum = self.names_of(std::iter::once(self.me).chain(self.promises.keys().copied()));
        let mut adopted = Vec::new();
        let mut gaps = Vec::new();
        let mut to_propose = Vec::new();
        for s in from..=top {
            if self.chosen.contains_key(&s) {
                continue;
            }
            match best.get(&s) {
                Some((b, v)) => {
                    adopted.push(format!("{v} in slot {s} (accepted in {b})"));
                    to_propose.push((s, v.clone()));
                }
                None => {
                    gaps.push(s.to_string());
                    to_propose.push((s, Value::NoOp));
                }
            }
        }
        let mut says = format!(
            "{me} has promises from a majority ({quorum}): it leads with ballot {ballot}",
            me = self.my_name(),
            ballot = self.ballot
        );
        if adopted.is_empty() && gaps.is_empty() {
            says += ", and nobody reports anything it must propose again. From now on each \
                      command costs phase 2 only";
        } else {
            if !adopted.is_empty() {
                says += &format!(
                    ". It must propose again the highest-ballot value reported for each slot: {}",
                    adopted.join(", ")
                );
            }
            if !gaps.is_empty() {
                says += &format!(
                    ". Nobody in the majority accepted anything in slot{} {}, below slots that \
                     are in use: nothing there can have been chosen, so it fills {} with {NO_OP}",
                    if gaps.len() == 1 { "" } else { "s" },
                    gaps.join(", "),
                    if gaps.len() == 1 { "it" } else { "them" }
                );
            }
        }
        ctx.note(says);
        self.promises.clear();
        self.next_slot = top + 1;
        // Tell the others at once that there is a leader, then pace the heartbeats.
        self.send_others(
            ctx,
            Msg::Heartbeat {
                ballot: self.ballot.clone(),
                chosen: self.chosen_prefix(),
            },
        );
        ctx.set_pacing_timer(HEARTBEAT, self.heartbeat);
        for (s, v) in to_propose {
            self.propose(ctx, s, v);
        }
        for command in std::mem::take(&mut self.waiting) {
            self.serve(ctx, command);
        }
    }

    // Phase 2, at the leader.

    /// Propose `value` for slot `slot` under this leader's ballot.
    fn propose(&mut self, ctx: Ctx<'_, '_>, slot: Slot, value: Value) {
        let ballot = self.ballot.clone();
        // The leader is an acceptor too: it accepts its own proposal, since it promised its
        // ballot (meeting a higher one would have made it step down).
        let mut votes = BTreeSet::new();
        if self.promised == ballot {
            self.accepted.insert(slot, (ballot.clone(), value.clone()));
            votes.insert(self.me);
        }
        self.proposals.insert(
            slot,
            Proposal {
                value: value.clone(),
                votes,
                sent_at: ctx.now(),
            },
        );
        self.send_others(
            ctx,
            Msg::Accept {
                ballot,
                slot,
                value,
                again: false,
            },
        );
        self.count_votes(ctx, slot);
    }

    /// Whether slot `slot` now has a majority; if so, it is chosen.
    fn count_votes(&mut self, ctx: Ctx<'_, '_>, slot: Slot) {
        let Some(proposal) = self.proposals.get(&slot) else {
            return;
        };
        if proposal.votes.len() < self.majority {
            return;
        }
        let proposal = self.proposals.remove(&slot).expect("just seen");
        if self.chosen.contains_key(&slot) {
            return;
        }
        ctx.note(format!(
            "A majority ({voters}) accepted {v} in slot {slot} under ballot {b}: it is chosen. \
             {me} tells every server",
            voters = self.names_of(proposal.votes.iter().copied()),
            v = proposal.value,
            b = self.ballot,
            me = self.my_name()
        ));
        let replies = self.learn(ctx, slot, proposal.value.clone());
        self.send_others(
            ctx,
            Msg::Commit {
                slot,
                value: proposal.value,
            },
        );
        for (to, reply) in replies {
            ctx.send(to, reply);
        }
    }

    /// A client's command reached the leader.
    fn serve(&mut self, ctx: Ctx<'_, '_>, command: Command) {
        let me = self.my_name().to_string();
        let client = command.client_name.clone();
        if let Some(&slot) = self.executed.get(&command.id()) {
            ctx.note(format!(
                "{client} sent {t} again, but it already took effect in slot {slot}: {me} \
                 answers at once, without a second slot",
                t = command.text
            ));
            ctx.send(
                command.client,
                Msg::Reply {
                    seq: command.seq,
                    slot,
                    text: command.text.clone(),
                },
            );
            return;
        }
        let in_log = self
            .chosen
            .iter()
            .chain(self.proposals.iter().map(|(s, p)| (s, &p.value)))
            .find(|(_, v)| v.command().is_some_and(|c| c.id() == command.id()))
            .map(|(&s, _)| s);
        if let Some(slot) = in_log {
            ctx.note(format!(
                "{client} sent {t} again, but it is already in slot {slot}: {me} does not give \
                 it a second slot, and will answer once slot {slot} is applied",
                t = command.text
            ));
            return;
        }
        while self.chosen.contains_key(&self.next_slot) {
            self.next_slot += 1;
        }
        let slot = self.next_slot;
        self.next_slot += 1;
        ctx.note(format!(
            "{me} leads, so it puts {t} from {client} in the next free slot, {slot}, and asks \
             the acceptors to accept it under ballot {b}: phase 2 only",
            t = command.text,
            b = self.ballot
        ));
        self.propose(ctx, slot, Value::Command(command));
    }

    // Learning and applying.

    /// Slot `slot` is chosen with `value`: decide it and apply what can be applied. Returns the
    /// replies the leader owes clients.
    fn learn(&mut self, ctx: Ctx<'_, '_>, slot: Slot, value: Value) -> Vec<(ProcessId, Msg)> {
        ctx.output_fact("decide", SlotValue::new(slot, value.clone()));
        self.chosen.insert(slot, value);
        self.proposals.remove(&slot);
        let mut replies = Vec::new();
        let first = self.applied + 1;
        let mut skipped = Vec::new();
        while let Some(value) = self.chosen.get(&(self.applied + 1)).cloned() {
            self.applied += 1;
            let s = self.applied;
            match value.command() {
                None => ctx.output_fact("apply", SlotValue::new(s, value.clone())),
                Some(c) => {
                    if let Some(&earlier) = self.executed.get(&c.id()) {
                        ctx.output_fact(
                            "apply",
                            SlotValue {
                                slot: s,
                                value: value.clone(),
                                duplicate: true,
                            },
                        );
                        skipped.push(format!(
                            "slot {s} holds a second copy of {} (it took effect in slot \
                             {earlier}), so applying it does nothing",
                            c.text
                        ));
                    } else {
                        self.executed.insert(c.id(), s);
                        ctx.output_fact("apply", SlotValue::new(s, value.clone()));
                        if self.role == Role::Leader {
                            replies.push((
                                c.client,
                                Msg::Reply {
                                    seq: c.seq,
                                    slot: s,
                                    text: c.text.clone(),
                                },
                            ));
                        }
                    }
                }
            }
        }
        let me = self.my_name().to_string();
        if self.applied >= first {
            let range = if self.applied == first {
                format!("slot {first}")
            } else {
                format!("slots {first} to {}", self.applied)
            };
            ctx.note(format!(
                "{me} applies {range} to its state machine, in slot order"
            ));
        } else if slot > self.applied + 1 {
            ctx.note(format!(
                "{me} cannot apply slot {slot} yet: slot {} is not known to be chosen, and the \
                 log is applied in order",
                self.applied + 1
            ));
        }
        for s in skipped {
            ctx.note(s);
        }
        replies
    }

    // Timers.

    fn heartbeat_tick(&mut self, ctx: Ctx<'_, '_>) {
        if self.role != Role::Leader {
            return;
        }
        self.send_others(
            ctx,
            Msg::Heartbeat {
                ballot: self.ballot.clone(),
                chosen: self.chosen_prefix(),
            },
        );
        let now = ctx.now();
        let mut again = Vec::new();
        for (&slot, proposal) in self.proposals.iter_mut() {
            if now.saturating_sub(proposal.sent_at) >= self.resend_after {
                proposal.sent_at = now;
                again.push((slot, proposal.value.clone(), proposal.votes.clone()));
            }
        }
        for (slot, value, votes) in &again {
            for p in self.others().filter(|p| !votes.contains(p)) {
                ctx.send(
                    p,
                    Msg::Accept {
                        ballot: self.ballot.clone(),
                        slot: *slot,
                        value: value.clone(),
                        again: true,
                    },
                );
            }
        }
        if !again.is_empty() {
            let slots: Vec<String> = again.iter().map(|(s, ..)| s.to_string()).collect();
            ctx.note(format!(
                "{me} sends its heartbeat, and its Accept for slot{s} {list} again to the \
                 servers that have not answered in {t} ticks",
                me = self.my_name(),
                s = if slots.len() == 1 { "" } else { "s" },
                list = slots.join(", "),
                t = self.resend_after
            ));
        }
        ctx.set_pacing_timer(HEARTBEAT, self.heartbeat);
    }

    fn suspect(&mut self, ctx: Ctx<'_, '_>) {
        if self.role != Role::Follower {
            return;
        }
        // The leader this server waited for; after a crash, the one it last promised.
        let suspected = self.leader.unwrap_or(if self.promised.is_none() {
            self.servers - 1
        } else {
            self.promised.proposer
        });
        let next = (suspected + 1) % self.servers;
        let me = self.my_name().to_string();
        let heard = match self.leader {
            Some(l) => format!(
                "{me} has heard nothing from {} for {} ticks and suspects it has crashed",
                self.name(l),
                self.suspect_after
            ),
            None => format!(
                "{me} has heard from no leader for {} ticks",
                self.suspect_after
            ),
        };
        if next == self.me {
            ctx.note(format!(
                "{heard}. It is next in line after {}",
                self.name(suspected)
            ));
            self.run_for_leader(ctx);
        } else {
            ctx.note(format!(
                "{heard}. It expects {}, next in line, to take over, and waits for it",
                self.name(next)
            ));
            self.leader = Some(next);
            ctx.set_timer(LEADER_TIMEOUT, self.suspect_after);
        }
    }

    fn prepare_again(&mut self, ctx: Ctx<'_, '_>) {
        if self.role != Role::Candidate {
            return;
        }
        let silent: Vec<ProcessId> = self
            .others()
            .filter(|p| !self.promises.contains_key(p))
            .collect();
        ctx.note(format!(
            "{me} has no majority for ballot {b} after {t} ticks: it asks {who} again",
            me = self.my_name(),
            b = self.ballot,
            t = self.resend_after,
            who = self.names_of(silent.iter().copied())
        ));
        for p in silent {
            ctx.send(
                p,
                Msg::Prepare {
                    ballot: self.ballot.clone(),
                    from_slot: self.from_slot,
                    again: true,
                },
            );
        }
        ctx.set_timer(PREPARE_AGAIN, self.resend_after);
    }

    // Messages.

    fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
        let me = self.my_name().to_string();
        let them = self.name(from).to_string();
        match message {
            Msg::Request(command) => match self.role {
                Role::Leader => self.serve(ctx, command),
                Role::Candidate => {
                    ctx.note(format!(
                        "{me} is still running phase 1: it keeps {} until it leads",
                        command.text
                    ));
                    if !self.waiting.iter().any(|c| c.id() == command.id()) {
                        self.waiting.push(command);
                    }
                }
                Role::Follower => match self.leader {
                    Some(l) if l != self.me => {
                        ctx.note(format!(
                            "{me} does not lead; it tells {them} to ask {}, the leader it \
                             believes in",
                            self.name(l)
                        ));
                        ctx.send(
                            from,
                            Msg::Redirect {
                                seq: command.seq,
                                leader: l,
                                name: self.name(l).into(),
                            },
                        );
                    }
                    _ => ctx.note(format!(
                        "{me} knows no leader at the moment and cannot help; {them} will try \
                         elsewhere when its timer runs out"
                    )),
                },
            },
            Msg::Prepare {
                ballot, from_slot, ..
            } => {
                self.see_round(&ballot);
                if ballot >= self.promised {
                    let first = ballot > self.promised;
                    self.promised = ballot.clone();
                    let accepted: Vec<Entry> = self
                        .accepted
                        .range(from_slot..)
                        .map(|(&slot, (b, v))| Entry {
                            slot,
                            ballot: b.clone(),
                            value: v.clone(),
                        })
                        .collect();
                    let reported = if accepted.is_empty() {
                        format!("It has accepted nothing from slot {from_slot} on")
                    } else {
                        format!(
                            "It reports what it accepted from slot {from_slot} on, with the \
                             ballots"
                        )
                    };
                    ctx.note(format!(
                        "{me} {verb} ballot {ballot} for every slot: it will take part in no \
                         lower ballot. {reported}",
                        verb = if first {
                            "promises"
                        } else {
                            "repeats its promise of"
                        },
                    ));
                    self.hear_leader(ctx, &ballot);
                    ctx.send(
                        from,
                        Msg::Promise {
                            ballot,
                            from_slot,
                            accepted,
                        },
                    );
                } else {
                    ctx.note(format!(
                        "{me} has promised {p}, higher than {ballot}: it refuses",
                        p = self.promised
                    ));
                    ctx.send(
                        from,
                        Msg::Nack {
                            ballot: self.promised.clone(),
                        },
                    );
                }
            }
            Msg::Promise {
                ballot, accepted, ..
            } => {
                if self.role == Role::Candidate && ballot == self.ballot {
                    self.promises.insert(from, accepted);
                    if self.promises.len() + 1 < self.majority {
                        ctx.note(format!(
                            "{me} counts {them}'s promise: {} of the {} it needs",
                            self.promises.len() + 1,
                            self.majority
                        ));
                    }
                    self.count_promises(ctx);
                }
            }
            Msg::Nack { ballot } => {
                self.see_round(&ballot);
                if self.role != Role::Follower && ballot > self.ballot {
                    self.step_down(ctx, &ballot);
                }
            }
            Msg::Accept {
                ballot,
                slot,
                value,
                ..
            } => {
                self.see_round(&ballot);
                if ballot >= self.promised {
                    self.promised = ballot.clone();
                    ctx.note(format!(
                        "{me} has promised nothing higher than {ballot}, so it accepts {value} \
                         in slot {slot} and tells {them}"
                    ));
                    self.accepted.insert(slot, (ballot.clone(), value));
                    self.hear_leader(ctx, &ballot);
                    ctx.send(from, Msg::Accepted { ballot, slot });
                } else {
                    ctx.note(format!(
                        "{me} has promised {p}, higher than {ballot}: it does not accept, and \
                         says so",
                        p = self.promised
                    ));
                    ctx.send(
                        from,
                        Msg::Nack {
                            ballot: self.promised.clone(),
                        },
                    );
                }
            }
            Msg::Accepted { ballot, slot } => {
                if self.role == Role::Leader && ballot == self.ballot {
                    if let Some(proposal) = self.proposals.get_mut(&slot) {
                        proposal.votes.insert(from);
                        let votes = proposal.votes.len();
                        if votes < self.majority {
                            ctx.note(format!(
                                "{me} counts {them}'s vote for slot {slot}: {votes} of the {} \
                                 it needs",
                                self.majority
                            ));
                        }
                        self.count_votes(ctx, slot);
                    }
                }
            }
            Msg::Commit { slot, value } => {
                if !self.chosen.contains_key(&slot) {
                    ctx.note(format!("{me} learns that slot {slot} is chosen: {value}"));
                    let replies = self.learn(ctx, slot, value);
                    for (to, reply) in replies {
                        ctx.send(to, reply);
                    }
                }
            }
            Msg::Heartbeat { ballot, chosen } => {
                if ballot < self.promised {
                    ctx.note(format!(
                        "{them} sends heartbeats under ballot {ballot}, but {me} has promised \
                         the higher {p}: it tells {them} that it has been replaced",
                        p = self.promised
                    ));
                    ctx.send(
                        from,
                        Msg::Nack {
                            ballot: self.promised.clone(),
                        },
                    );
                } else if self.hear_leader_noting(ctx, &ballot, &them)
                    && self.role == Role::Follower
                {
                    // Commits for what the previous heartbeat announced have had a heartbeat's
                    // time to arrive; anything newer may still be on its way.
                    let known = self.chosen_prefix();
                    let due = chosen.min(std::mem::replace(&mut self.announced, chosen));
                    if known < due {
                        ctx.note(format!(
                            "{them} knows slots up to {chosen} chosen, {me} only up to {known}: \
                             it asks for the rest"
                        ));
                        ctx.send(
                            from,
                            Msg::CatchUp {
                                from_slot: known + 1,
                            },
                        );
                    }
                }
            }
            Msg::CatchUp { from_slot } => {
                if self.role == Role::Leader {
                    let batch: Vec<(Slot, Value)> = self
                        .chosen
                        .range(from_slot..from_slot.saturating_add(CATCH_UP_BATCH))
                        .map(|(&s, v)| (s, v.clone()))
                        .collect();
                    if !batch.is_empty() {
                        ctx.note(format!(
                            "{me} sends {them} the chosen slots it missed, from slot {from_slot}"
                        ));
                    }
                    for (slot, value) in batch {
                        ctx.send(from, Msg::Commit { slot, value });
                    }
                }
            }
            Msg::Redirect { .. } | Msg::Reply { .. } => {}
        }
    }

    fn on_crash(&mut self) {
        // Stable storage stays: promised, accepted, chosen, applied, executed.
        self.role = Role::Follower;
        self.ballot = Ballot::none();
        self.leader = None;
        self.max_round = 0;
        self.from_slot = 0;
        self.promises.clear();
        self.proposals.clear();
        self.next_slot = 0;
        self.waiting.clear();
        self.announced = 0;
    }

    fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        ctx.note(format!(
            "{} kept its promise ({}), what it accepted and its log on stable storage; whatever \
             it led, it has forgotten. It listens for a leader",
            self.my_name(),
            self.promised
        ));
        ctx.set_timer(LEADER_TIMEOUT, self.suspect_after);
    }

    fn log_summary(&self) -> String {
        let top = self
            .chosen
            .keys()
            .chain(self.accepted.keys())
            .copied()
            .max()
            .unwrap_or(0);
        if top == 0 {
            return "empty".into();
        }
        let slots: Vec<String> = (1..=top)
            .map(|s| match (self.chosen.get(&s), self.accepted.get(&s)) {
                (Some(v), _) => format!("{s} {v}"),
                (None, Some((_, v))) => format!("{s} {v}?"),
                (None, None) => format!("{s} _"),
            })
            .collect();
        slots.join(", ")
    }

    fn fields(&self) -> Vec<Field> {
        vec![
            Field::new("role", self.role.name()),
            Field::new("ballot", &self.ballot),
            Field::new("promised", &self.promised),
            Field::new("log", self.log_summary()),
        ]
    }

    /// The slots this server knows to be chosen, with their values.
    pub fn chosen(&self) -> &BTreeMap<Slot, Value> {
        &self.chosen
    }

    /// What this server accepted as an acceptor, per slot, with the ballot.
    pub fn accepted(&self) -> &BTreeMap<Slot, (Ballot, Value)> {
        &self.accepted
    }
}

/// One client: sends its commands one at a time, each until it is answered.
#[derive(Clone, Debug)]
pub struct Client {
    me: ProcessId,
    servers: usize,
    names: Arc<[String]>,
    commands: Vec<Arc<str>>,
    start: Time,
    interval: Time,
    retry_after: Time,
    /// The command being sent, or to send next (an index into `commands`).
    current: usize,
    /// Whether `current` has been sent and not yet answered.
    waiting: bool,
    /// The server this client believes leads.
    guess: ProcessId,
    /// Redirects followed for the current attempt (a cap keeps two confused servers from
    /// sending the client back and forth for ever).
    redirects: usize,
}

impl Client {
    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn command(&self) -> Command {
        Command::new(
            self.me,
            self.name(self.me),
            self.current as u32 + 1,
            self.commands[self.current].clone(),
        )
    }

    fn send(&mut self, ctx: Ctx<'_, '_>) {
        ctx.send(self.guess, Msg::Request(self.command()));
        ctx.set_timer(REPLY_TIMEOUT, self.retry_after);
    }

    fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: &str) {
        let me = self.name(self.me).to_string();
        match timer {
            NEXT_COMMAND if !self.waiting && self.current < self.commands.len() => {
                self.waiting = true;
                self.redirects = 0;
                ctx.note(format!(
                    "{me} sends its command {} to {}, the server it believes leads",
                    self.commands[self.current],
                    self.name(self.guess)
                ));
                self.send(ctx);
                ctx.output_fact("submit", self.command());
            }
            REPLY_TIMEOUT if self.waiting => {
                let tried = self.guess;
                self.guess = (self.guess + 1) % self.servers;
                self.redirects = 0;
                ctx.note(format!(
                    "No answer from {} in {} ticks: {me} sends {} again, to the next server, {}",
                    self.name(tried),
                    self.retry_after,
                    self.commands[self.current],
                    self.name(self.guess)
                ));
                self.send(ctx);
            }
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
        let me = self.name(self.me).to_string();
        let seq = self.current as u32 + 1;
        match message {
            Msg::Reply { seq: s, slot, text } if self.waiting && s == seq => {
                self.waiting = false;
                self.current += 1;
                self.guess = from;
                ctx.cancel_timer(REPLY_TIMEOUT);
                let command = Command::new(self.me, me.as_str(), s, text.clone());
                ctx.output_fact("reply", SlotValue::new(slot, Value::Command(command)));
                let next = if self.current < self.commands.len() {
                    ctx.set_pacing_timer(NEXT_COMMAND, self.interval);
                    format!("; its next command follows in {} ticks", self.interval)
                } else {
                    "; it has nothing more to send".to_string()
                };
                ctx.note(format!(
                    "{me}'s command {text} is in slot {slot} and applied{next}"
                ));
            }
            Msg::Reply { text, .. } => ctx.note(format!(
                "{me} already has the answer for {text}: this one is a late copy"
            )),
            Msg::Redirect { seq: s, leader, .. }
                if self.waiting && s == seq && leader != from && self.redirects < self.servers =>
            {
                self.redirects += 1;
                self.guess = leader;
                ctx.note(format!(
                    "{} does not lead: {me} sends {} to {}, as told",
                    self.name(from),
                    self.commands[self.current],
                    self.name(leader)
                ));
                self.send(ctx);
            }
            _ => {}
        }
    }

    fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        if self.waiting {
            ctx.note(format!(
                "{} is back, still without an answer for {}: it sends it again",
                self.name(self.me),
                self.commands[self.current]
            ));
            self.send(ctx);
        } else if self.current < self.commands.len() {
            ctx.set_pacing_timer(NEXT_COMMAND, self.interval);
        }
    }

    fn fields(&self) -> Vec<Field> {
        let waiting = if self.waiting {
            self.commands[self.current].to_string()
        } else {
            "none".to_string()
        };
        vec![
            Field::new("role", "client"),
            Field::new("waiting", waiting),
            Field::new("done", self.current),
        ]
    }
}

/// A Multi-Paxos process: a server or a client.
#[derive(Clone, Debug)]
pub enum MultiPaxosNode {
    Server(Box<Server>),
    Client(Client),
}

impl Process for MultiPaxosNode {
    type Message = MultiPaxosMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, Msg>) {
        match self {
            MultiPaxosNode::Server(s) => {
                if s.me == 0 {
                    s.run_for_leader(ctx);
                } else {
                    s.leader = Some(0);
                    ctx.set_timer(LEADER_TIMEOUT, s.suspect_after);
                }
            }
            MultiPaxosNode::Client(c) => {
                if !c.commands.is_empty() {
                    ctx.set_pacing_timer(NEXT_COMMAND, c.start);
                }
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Msg>, from: ProcessId, message: Msg) {
        match self {
            MultiPaxosNode::Server(s) => s.on_message(ctx, from, message),
            MultiPaxosNode::Client(c) => c.on_message(ctx, from, message),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Msg>, timer: &str) {
        match self {
            MultiPaxosNode::Server(s) => match timer {
                HEARTBEAT => s.heartbeat_tick(ctx),
                LEADER_TIMEOUT => s.suspect(ctx),
                PREPARE_AGAIN => s.prepare_again(ctx),
                _ => {}
            },
            MultiPaxosNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        if let MultiPaxosNode::Server(s) = self {
            s.on_crash();
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Msg>) {
        match self {
            MultiPaxosNode::Server(s) => s.on_recover(ctx),
            MultiPaxosNode::Client(c) => c.on_recover(ctx),
        }
    }

    fn fields(&self) -> Vec<Field> {
        match self {
            MultiPaxosNode::Server(s) => s.fields(),
            MultiPaxosNode::Client(c) => c.fields(),
        }
    }
}

/// The protocol, as the registry lists it.
pub struct MultiPaxos;

/// The outputs of kind `kind` with their typed slot and value, in order (an output without one,
/// from a trace read back from JSON, is left out).
pub fn slot_outputs<'a>(
    trace: &'a Trace,
    kind: &'a str,
) -> impl Iterator<Item = (&'a Output, &'a SlotValue)> + 'a {
    trace
        .outputs
        .iter()
        .filter(move |o| o.kind == kind)
        .filter_map(|o| Some((o, o.fact::<SlotValue>()?)))
}

fn agreement(trace: &Trace) -> Verdict {
    let mut decided: BTreeMap<Slot, (&Value, ProcessId, EventId)> = BTreeMap::new();
    for (o, d) in slot_outputs(trace, "decide") {
        let (slot, value) = (d.slot, &d.value);
        match decided.get(&slot) {
            Some(&(first, p, e)) if first != value => {
                return Verdict::violated(
                    vec![e, o.event],
                    format!(
                        "{} decided {first} for slot {slot}, but {} decided {value}",
                        trace.processes[p], trace.processes[o.process]
                    ),
                );
            }
            Some(_) => {}
            None => {
                decided.insert(slot, (value, o.process, o.event));
            }
        }
    }
    Verdict::Holds
}

fn validity(trace: &Trace) -> Verdict {
    let mut submitted: BTreeSet<(ProcessId, u32)> = BTreeSet::new();
    for o in &trace.outputs {
        match o.kind.as_str() {
            "submit" => {
                if let Some(c) = o.fact::<Command>() {
                    submitted.insert(c.id());
                }
            }
            "decide" => {
                let Some(d) = o.fact::<SlotValue>() else {
                    continue;
                };
                let Some(c) = d.value.command() else {
                    continue;
                };
                if !submitted.contains(&c.id()) {
                    return Verdict::violated(
                        vec![o.event],
                        format!(
                            "{} decided {} for slot {}, but no client had sent {}",
                            trace.processes[o.process], c.text, d.slot, c.text
                        ),
                    );
                }
            }
            _ => {}
        }
    }
    Verdict::Holds
}

fn applied_in_order(trace: &Trace) -> Verdict {
    let n = trace.processes.len();
    let mut next: Vec<Slot> = vec![1; n];
    let mut decided: BTreeMap<(ProcessId, Slot), &Value> = BTreeMap::new();
    for o in &trace.outputs {
        let Some(SlotValue { slot, value, .. }) = o.fact::<SlotValue>() else {
            continue;
        };
        let (slot, p) = (*slot, o.process);
        let who = &trace.processes[p];
        match o.kind.as_str() {
            "decide" => {
                decided.insert((p, slot), value);
            }
            "apply" => {
                if slot != next[p] {
                    return Verdict::violated(
                        vec![o.event],
                        format!(
                            "{who} applied slot {slot} when slot {} was the next to apply",
                            next[p]
                        ),
                    );
                }
                next[p] += 1;
                match decided.get(&(p, slot)) {
                    Some(&d) if d == value => {}
                    Some(&d) => {
                        return Verdict::violated(
                            vec![o.event],
                            format!("{who} applied {value} in slot {slot}, but decided {d} there"),
                        );
                    }
                    None => {
                        return Verdict::violated(
                            vec![o.event],
                            format!("{who} applied slot {slot} before deciding it"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    Verdict::Holds
}

/// What progress needs (see the module documentation).
fn progress_promised(scenario: &Scenario, setup: &Setup) -> bool {
    let servers = setup.servers();
    let never_crash = (0..servers).filter(|&p| !crashes(scenario, p)).count();
    let clients_stay = (servers..servers + setup.params.clients).all(|p| !crashes(scenario, p));
    let healed = cuts_healed(scenario);
    let lossless = !loses_messages(&scenario.network);
    let slowest = slowest_latency(&scenario.network);
    let patient = setup.params.suspect_after
        > setup
            .params
            .heartbeat
            .saturating_add(slowest.saturating_mul(3));
    never_crash >= setup.majority() && clients_stay && healed && lossless && patient
}

/// Multi-Paxos has one variant, `multipaxos` (an empty name means it too).
fn check_variant(variant: &str) -> Result<(), ScenarioError> {
    match variant {
        "" | "multipaxos" => Ok(()),
        _ => Err(crate::protocol::unknown_variant::<MultiPaxos>(variant)),
    }
}

impl Protocol for MultiPaxos {
    const NAME: &'static str = "multipaxos";
    const DESCRIPTION: &'static str =
        "Multi-Paxos: a replicated log with a stable leader, heartbeats and leader election";
    type Node = MultiPaxosNode;

    fn variants() -> &'static [VariantInfo] {
        &[VariantInfo {
            name: "multipaxos",
            description: "a leader runs phase 1 once for all slots, then phase 2 per command; \
                          heartbeats elect a new leader when it fails",
            broken: false,
        }]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<MultiPaxosNode>, ScenarioError> {
        check_variant(variant)?;
        let setup = Setup::of(scenario)?;
        let p = &setup.params;
        let names: Arc<[String]> = scenario.processes.clone().into();
        let mut nodes = Vec::with_capacity(names.len());
        for me in 0..p.servers {
            nodes.push(MultiPaxosNode::Server(Box::new(Server {
                me,
                servers: p.servers,
                majority: setup.majority(),
                names: names.clone(),
                heartbeat: p.heartbeat,
                suspect_after: p.suspect_after,
                resend_after: p.resend_after,
                promised: Ballot::none(),
                accepted: BTreeMap::new(),
                chosen: BTreeMap::new(),
                applied: 0,
                executed: BTreeMap::new(),
                role: Role::Follower,
                ballot: Ballot::none(),
                leader: None,
                max_round: 0,
                from_slot: 0,
                promises: BTreeMap::new(),
                proposals: BTreeMap::new(),
                next_slot: 0,
                waiting: Vec::new(),
                announced: 0,
            })));
        }
        for (c, commands) in setup.commands.iter().enumerate() {
            nodes.push(MultiPaxosNode::Client(Client {
                me: p.servers + c,
                servers: p.servers,
                names: names.clone(),
                commands: commands.iter().map(|c| Arc::from(c.as_str())).collect(),
                start: p.start,
                interval: p.interval,
                retry_after: p.retry_after,
                current: 0,
                waiting: false,
                guess: 0,
                redirects: 0,
            }));
        }
        Ok(nodes)
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        check_variant(variant)?;
        let setup = Setup::of(scenario)?;
        let servers = setup.servers();
        let commands = setup.commands.clone();
        let max_steps = scenario.limits.max_steps;
        let max_time = scenario.limits.max_time;
        let progress = Property::new(
            "progress",
            PropertyKind::Liveness,
            "every client command is eventually decided, and its client gets the answer",
            move |trace: &Trace| {
                let decided: BTreeSet<(ProcessId, u32)> = slot_outputs(trace, "decide")
                    .filter_map(|(_, d)| d.value.command().map(Command::id))
                    .collect();
                for (c, list) in commands.iter().enumerate() {
                    let p = servers + c;
                    let answered = trace
                        .outputs
                        .iter()
                        .filter(|o| o.process == p && o.kind == "reply")
                        .count();
                    let Some(missing) = list.get(answered) else {
                        continue;
                    };
                    let client = trace.processes.get(p).map_or("?", String::as_str);
                    let submitted = trace
                        .outputs
                        .iter()
                        .filter(|o| o.process == p && o.kind == "submit")
                        .nth(answered);
                    let mut why = match submitted {
                        None => format!("{client} never got to send {missing}"),
                        Some(_) if decided.contains(&(p, answered as u32 + 1)) => {
                            format!("{missing} was decided, but {client} never got the answer")
                        }
                        Some(_) => format!("{client}'s command {missing} was never decided"),
                    };
                    if trace.steps.len() as u64 >= max_steps {
                        why += &format!(" (the run stopped at its limit of {max_steps} steps)");
                    } else if let Some(t) = max_time {
                        why += &format!(" by the end of the run (tick {t})");
                    }
                    return Verdict::violated(
                        submitted.map(|o| o.event).into_iter().collect(),
                        why,
                    );
                }
                Verdict::Holds
            },
        );
        let progress = if progress_promised(scenario, &setup) {
            progress
        } else {
            progress.not_promised()
        };
        Ok(vec![
            Property::new(
                "agreement",
                PropertyKind::Safety,
                "no two servers decide different commands for the same slot",
                agreement,
            ),
            Property::new(
                "validity",
                PropertyKind::Safety,
                "every decided command was sent by a client, or is a no-op",
                validity,
            ),
            Property::new(
                "applied-in-order",
                PropertyKind::Safety,
                "each server applies slots 1, 2, 3, ... in order, each once, with the command \
                 it decided there",
                applied_in_order,
            ),
            progress,
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        params: MultiPaxosParams,
                        max_time: Time| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "multipaxos".into(),
            variant: String::new(),
            processes: numbered_names(&groups(params.servers, params.clients)),
            params: serde_json::to_value(params).expect("serialisable"),
            network: NetworkModel::default(),
            faults: Vec::new(),
            seed: 1,
            interventions: Vec::new(),
            limits: Limits {
                max_steps: 20_000,
                max_time: Some(max_time),
            },
        };
        let commands = |lists: &[&[&str]]| -> Vec<Vec<String>> {
            lists
                .iter()
                .map(|l| l.iter().map(|c| c.to_string()).collect())
                .collect()
        };
        let calm = scenario(
            "multipaxos-calm",
            "A stable leader",
            "S1 runs phase 1 once, at the start, for every slot of the log. After that each \
             command costs one round of Accept and Accepted: two clients send five commands, \
             the leader gives each the next slot, and every server applies the same log in the \
             same order.",
            MultiPaxosParams {
                clients: 2,
                commands: commands(&[&["x=1", "y=2", "z=3"], &["a=1", "b=2"]]),
                ..MultiPaxosParams::default()
            },
            CALM_MAX_TIME,
        );
        let mut crash = scenario(
            "multipaxos-leader-crash",
            "The leader crashes mid-stream",
            "Five servers. A brief outage of S1's links kills its Accept for slot 3 on the way, \
             then S1 crashes with slot 4 accepted by the others. Their timeouts run out, S2 runs \
             for leader, and the promises report slot 4 but nothing for slot 3: S2 fills the gap \
             with a no-op and proposes slot 4 again. The command that was lost in slot 3 comes \
             back from its client and takes a new slot. Later S1 recovers, follows S2 and catches \
             up.",
            MultiPaxosParams {
                servers: 5,
                clients: 2,
                commands: commands(&[&["x=1", "y=2", "z=3"], &["a=1", "b=2"]]),
                start: 80,
                interval: LEADER_CRASH.interval,
                ..MultiPaxosParams::default()
            },
            LEADER_CRASH.max_time,
        );
        crash.network.latency = Latency { min: 10, max: 20 };
        for other in ["S2", "S3", "S4", "S5"] {
            crash
                .faults
                .push(faults::cut(LEADER_CRASH.cut, "S1", other));
            crash
                .faults
                .push(faults::heal(LEADER_CRASH.heal, "S1", other));
        }
        crash.faults.push(faults::crash(LEADER_CRASH.crash, "S1"));
        crash
            .faults
            .push(faults::recover(LEADER_CRASH.recover, "S1"));
        crash.seed = LEADER_CRASH.seed;
        let mut lossy = scenario(
            "multipaxos-lossy",
            "One message in ten lost",
            "The network loses one message in ten. The leader sends its lost Accepts again with \
             a later heartbeat, a server that missed a Commit asks for it with Catch-up, and a \
             client whose answer was lost sends its command again: the leader recognises it and \
             answers without giving it a second slot. (Enough lost heartbeats in a row would make \
             the followers suspect a live leader; try a higher loss.)",
            MultiPaxosParams {
                clients: 2,
                commands: commands(&[&["x=1", "y=2", "z=3"], &["a=1", "b=2"]]),
                ..MultiPaxosParams::default()
            },
            LOSSY_MAX_TIME,
        );
        lossy.network.loss = 0.1;
        lossy.seed = LOSSY_SEED;
        vec![calm, crash, lossy]
    }
}

/// The timing of `multipaxos-leader-crash`, arranged so that S1's Accept for slot 3 dies on the
/// cut links while its Accept for slot 4 gets through, and S1 crashes before it sends slot 3
/// again.
struct LeaderCrash {
    seed: u64,
    interval: Time,
    cut: Time,
    heal: Time,
    crash: Time,
    recover: Time,
    max_time: Time,
}

const LEADER_CRASH: LeaderCrash = LeaderCrash {
    seed: 1,
    interval: 20,
    cut: 186,
    heal: 199,
    crash: 200,
    recover: 700,
    max_time: 900,
};
/// The length of `multipaxos-calm`.
const CALM_MAX_TIME: Time = 500;
/// The seed and length of `multipaxos-lossy`.
const LOSSY_SEED: u64 = 4;
const LOSSY_MAX_TIME: Time = 700;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{seeded_rng, Effect};

    fn server(n: usize, me: ProcessId) -> Server {
        let names: Arc<[String]> = (1..=n).map(|i| format!("S{i}")).collect::<Vec<_>>().into();
        Server {
            me,
            servers: n,
            majority: n / 2 + 1,
            names,
            heartbeat: 40,
            suspect_after: 150,
            resend_after: 90,
            promised: Ballot::none(),
            accepted: BTreeMap::new(),
            chosen: BTreeMap::new(),
            applied: 0,
            executed: BTreeMap::new(),
            role: Role::Follower,
            ballot: Ballot::none(),
            leader: Some(0),
            max_round: 0,
            from_slot: 0,
            promises: BTreeMap::new(),
            proposals: BTreeMap::new(),
            next_slot: 0,
            waiting: Vec::new(),
            announced: 0,
        }
    }

    fn cmd(text: &str, seq: u32) -> Value {
        Value::Command(Command::new(5, "C1", seq, text))
    }

    fn sent(effects: &[Effect<Msg>]) -> Vec<(ProcessId, String)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send { to, message, .. } => Some((*to, message.label())),
                _ => None,
            })
            .collect()
    }

    fn outputs(effects: &[Effect<Msg>]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Output { kind, value } => Some(format!("{kind} {value}")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_new_leader_adopts_the_highest_ballot_and_fills_gaps() {
        let mut s2 = server(5, 1);
        let old = Ballot::new(1, 0, "S1");
        let older = Ballot::new(1, 4, "S5");
        s2.promised = old.clone();
        s2.accepted.insert(1, (old.clone(), cmd("x=1", 1)));
        s2.chosen.insert(1, cmd("x=1", 1));
        s2.applied = 1;
        s2.executed.insert((5, 1), 1);
        let mut rng = seeded_rng(1);
        let mut ctx = Context::new(1, 6, 100, &mut rng);
        s2.leader = Some(0);
        s2.suspect(&mut ctx);
        assert_eq!(s2.role, Role::Candidate);
        assert_eq!(s2.ballot.to_string(), "2.S2");
        assert_eq!(s2.promised.to_string(), "2.S2");
        let prepares = sent(ctx.effects());
        assert_eq!(prepares.len(), 4);
        assert!(prepares.iter().all(|(_, l)| l == "Prepare 2.S2"));
        assert!(prepares.iter().all(|(to, _)| *to != 1));

        // S3 reports slot 2 (in the old ballot) and slot 4; S4 reports slot 2 in a higher one.
        let mut ctx = Context::new(1, 6, 120, &mut rng);
        let b2 = s2.ballot.clone();
        s2.on_message(
            &mut ctx,
            2,
            Msg::Promise {
                ballot: b2.clone(),
                from_slot: 2,
                accepted: vec![
                    Entry {
                        slot: 2,
                        ballot: older.clone(),
                        value: cmd("y=2", 2),
                    },
                    Entry {
                        slot: 4,
                        ballot: old.clone(),
                        value: cmd("w=4", 4),
                    },
                ],
            },
        );
        assert_eq!(s2.role, Role::Candidate, "two of five is no majority");
        s2.on_message(
            &mut ctx,
            3,
            Msg::Promise {
                ballot: b2.clone(),
                from_slot: 2,
                accepted: vec![Entry {
                    slot: 2,
                    ballot: Ballot::new(1, 3, "S4"),
                    value: cmd("v=9", 3),
                }],
            },
        );
        assert_eq!(s2.role, Role::Leader);
        let accepts: Vec<String> = sent(ctx.effects())
            .into_iter()
            .filter(|(to, l)| *to == 2 && l.starts_with("Accept"))
            .map(|(_, l)| l)
            .collect();
        // Slot 2: 1.S5 beats 1.S4 (the same round, a higher server). Slot 3: nobody. Slot 4:
        // only 1.S1.
        assert_eq!(
            accepts,
            [
                "Accept 2.S2 #2 y=2",
                "Accept 2.S2 #3 no-op",
                "Accept 2.S2 #4 w=4"
            ]
        );
        assert_eq!(s2.next_slot, 5);
        assert_eq!(
            crate::process::summary_of(&s2.fields()),
            "role: leader · ballot: 2.S2 · promised: 2.S2 · log: 1 x=1, 2 y=2?, 3 no-op?, 4 w=4?"
        );
    }

    #[test]
    fn acceptors_refuse_lower_ballots_and_remember_through_a_crash() {
        let mut s3 = server(3, 2);
        let mut rng = seeded_rng(1);
        let mut ctx = Context::new(2, 4, 10, &mut rng);
        let b2 = Ballot::new(2, 1, "S2");
        s3.on_message(
            &mut ctx,
            1,
            Msg::Accept {
                ballot: b2.clone(),
                slot: 2,
                value: cmd("y=2", 2),
                again: false,
            },
        );
        assert_eq!(sent(ctx.effects()), [(1, "Accepted 2.S2 #2".to_string())]);
        let mut ctx = Context::new(2, 4, 20, &mut rng);
        s3.on_message(
            &mut ctx,
            0,
            Msg::Prepare {
                ballot: Ballot::new(1, 0, "S1"),
                from_slot: 1,
                again: false,
            },
        );
        assert_eq!(sent(ctx.effects()), [(0, "Nack 2.S2".to_string())]);
        s3.on_crash();
        assert_eq!(
            crate::process::summary_of(&s3.fields()),
            "role: follower · ballot: none · promised: 2.S2 · log: 1 _, 2 y=2?"
        );
        // A heartbeat from the old leader is answered with the promise that replaced it.
        let mut ctx = Context::new(2, 4, 30, &mut rng);
        s3.on_message(
            &mut ctx,
            0,
            Msg::Heartbeat {
                ballot: Ballot::new(1, 0, "S1"),
                chosen: 0,
            },
        );
        assert_eq!(sent(ctx.effects()), [(0, "Nack 2.S2".to_string())]);
    }

    #[test]
    fn the_log_is_applied_in_order_and_duplicates_take_effect_once() {
        let mut s = server(3, 1);
        let mut rng = seeded_rng(1);
        let mut ctx = Context::new(1, 4, 10, &mut rng);
        s.on_message(
            &mut ctx,
            0,
            Msg::Commit {
                slot: 2,
                value: cmd("x=1", 1),
            },
        );
        assert_eq!(outputs(ctx.effects()), ["decide slot 2: x=1"]);
        let mut ctx = Context::new(1, 4, 20, &mut rng);
        s.on_message(
            &mut ctx,
            0,
            Msg::Commit {
                slot: 1,
                value: cmd("x=1", 1),
            },
        );
        assert_eq!(
            outputs(ctx.effects()),
            [
                "decide slot 1: x=1",
                "apply slot 1: x=1",
                "apply slot 2: x=1 (duplicate)"
            ]
        );
        assert_eq!(
            crate::process::summary_of(&s.fields()),
            "role: follower · ballot: none · promised: none · log: 1 x=1, 2 x=1"
        );
    }

    #[test]
    fn a_leader_does_not_log_a_command_twice() {
        let mut s = server(1, 0);
        let mut rng = seeded_rng(1);
        let mut ctx = Context::new(0, 2, 0, &mut rng);
        s.run_for_leader(&mut ctx);
        assert_eq!(s.role, Role::Leader, "one server is its own majority");
        let request = Command::new(1, "C1", 1, "x=1");
        let mut ctx = Context::new(0, 2, 10, &mut rng);
        s.on_message(&mut ctx, 1, Msg::Request(request.clone()));
        assert_eq!(sent(ctx.effects()), [(1, "Reply #1".to_string())]);
        let mut ctx = Context::new(0, 2, 20, &mut rng);
        s.on_message(&mut ctx, 1, Msg::Request(request));
        assert_eq!(sent(ctx.effects()), [(1, "Reply #1".to_string())]);
        assert_eq!(s.chosen.len(), 1);
    }

    #[test]
    fn commands_are_checked() {
        assert!(check_command("x=1").is_ok());
        assert!(check_command("").is_err());
        assert!(check_command(" x").is_err());
        assert!(check_command("no-op").is_err());
        assert!(check_command("a,b").is_err());
        assert!(check_command("x=12345678901234567").is_err());
    }
}
