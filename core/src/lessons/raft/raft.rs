//! Raft (Ongaro and Ousterhout, 2014): servers keep one replicated log by electing a leader,
//! which alone takes commands and copies them to the others. The lesson's walk through the
//! algorithm is in [the lesson's docs](super); this module is the protocol, as the paper's
//! Figure 2 states it, its properties (the paper's Figure 3) and its prepared scenarios.
//!
//! The scenario names the `servers` first (`S1`, `S2`, ...) and then the `clients` (`C1`, ...).
//!
//! # What the diagram shows
//!
//! | label | meaning |
//! |---|---|
//! | `RequestVote t2 (last 3@t1)` | a candidate of term 2 asks for a vote; its log ends at index 3, an entry of term 1 |
//! | `Vote t2 yes` / `Vote t2 no` | the answer, with the voter's term |
//! | `AppendEntries t2 prev 3@t1 [y=2] commit 3` | the leader of term 2 sends entries that follow index 3 (of term 1), and its commit index |
//! | `Heartbeat t2 prev 3@t1 commit 3` | the same with no entries: the leader is alive |
//! | `Ok t2 match 4` | the follower's log now matches the leader's up to index 4 |
//! | `Fail t2 at 3` | the consistency check failed: the follower has no entry of that term at index 3 |
//! | `Request x=1` | a client's command |
//! | `Redirect S2` / `Redirect ?` | "I do not lead; S2 does (or: I know no leader)" |
//! | `Reply #4` | the command is committed and applied, at index 4 |
//!
//! Timers: `election timeout` (a follower's or candidate's, drawn at random each time it is
//! set) and `reply timeout` (a client's) are drawn; `heartbeat` and `next command` only pace.
//!
//! Outputs, each with a typed fact: `elected` ([`Elected`]), `log` ([`LogChange`]: the log
//! changed), `commit` ([`Committed`]), `apply` ([`Applied`]); clients output `submit`
//! ([`Command`]) and `reply` ([`Replied`]). [`logs_at`] rebuilds every server's log and commit
//! index at any step from these facts alone, for a view that draws the logs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::process::{Context, Field, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{
    Action, Fault, Latency, Limits, NetworkModel, ProcessRef, Scenario, ScenarioError,
};
use crate::trace::{EventId, EventKind, Trace};

/// A position in the log, from 1 (0 means "before the first entry").
pub type Index = u64;
/// A term: a number that only grows, one election (and at most one leader) each.
pub type Term = u64;

/// The most servers a scenario may have.
pub const MAX_SERVERS: usize = 9;
/// The most clients.
pub const MAX_CLIENTS: usize = 3;
/// The most commands one client may send.
pub const MAX_COMMANDS: usize = 20;
/// The longest command, in characters.
pub const MAX_COMMAND_LEN: usize = 16;
/// The most commands a client holds, its own and those the learner hands it.
pub const MAX_CLIENT_COMMANDS: usize = 2 * MAX_COMMANDS;
/// The longest interval or timeout, in ticks.
pub const MAX_TICKS: Time = 1_000_000;
/// The most entries one `AppendEntries` may be allowed to carry.
pub const MAX_BATCH: usize = 64;

/// Raft's parameters. Times are in ticks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftParams {
    /// How many servers (1 to 9).
    pub servers: usize,
    /// How many clients (0 to 3).
    pub clients: usize,
    /// Each client's commands, `key=value`, one list per client. Empty means `x=1, y=2, z=3`
    /// for C1, `a=1, b=2, c=3` for C2 and `p=1, q=2, r=3` for C3.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<Vec<String>>,
    /// When the clients send their first command.
    pub start: Time,
    /// How long a client pauses after an answer before it sends its next command.
    pub interval: Time,
    /// The shortest election timeout.
    pub election_min: Time,
    /// The longest election timeout; each timeout is drawn from `election_min` to this.
    pub election_max: Time,
    /// How often a leader sends `AppendEntries` (with entries or none) to every follower.
    pub heartbeat: Time,
    /// How long a client waits for an answer before it tries the next server.
    pub retry_after: Time,
    /// The most entries one `AppendEntries` carries.
    pub batch: usize,
}

impl Default for RaftParams {
    fn default() -> Self {
        RaftParams {
            servers: 5,
            clients: 1,
            commands: Vec::new(),
            start: 400,
            interval: 30,
            election_min: 150,
            election_max: 300,
            heartbeat: 50,
            retry_after: 300,
            batch: 4,
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
pub(crate) struct Setup {
    pub params: RaftParams,
    pub commands: Vec<Vec<String>>,
}

impl Setup {
    pub(crate) fn of(scenario: &Scenario) -> Result<Setup, ScenarioError> {
        let params: RaftParams = scenario.params()?;
        let bad = |field: &str, message: String| {
            Err(ScenarioError::invalid(format!("params.{field}"), message))
        };
        if !(1..=MAX_SERVERS).contains(&params.servers) {
            return bad(
                "servers",
                format!(
                    "give from 1 to {MAX_SERVERS} servers, not {}",
                    params.servers
                ),
            );
        }
        if params.clients > MAX_CLIENTS {
            return bad(
                "clients",
                format!(
                    "give from 0 to {MAX_CLIENTS} clients, not {}",
                    params.clients
                ),
            );
        }
        let commands: Vec<Vec<String>> = if params.commands.is_empty() {
            DEFAULT_COMMANDS[..params.clients]
                .iter()
                .map(|list| list.iter().map(|c| c.to_string()).collect())
                .collect()
        } else {
            params.commands.clone()
        };
        if commands.len() != params.clients {
            return bad(
                "commands",
                format!(
                    "give one list of commands per client: {}, not {}",
                    params.clients,
                    params.commands.len()
                ),
            );
        }
        for (c, list) in commands.iter().enumerate() {
            if list.len() > MAX_COMMANDS {
                return bad(
                    &format!("commands[{c}]"),
                    format!(
                        "a client sends at most {MAX_COMMANDS} commands, not {}",
                        list.len()
                    ),
                );
            }
            for (i, command) in list.iter().enumerate() {
                if let Err(why) = check_command(command) {
                    return bad(&format!("commands[{c}][{i}]"), why);
                }
            }
        }
        for (field, value) in [
            ("start", params.start),
            ("interval", params.interval),
            ("election_min", params.election_min),
            ("election_max", params.election_max),
            ("heartbeat", params.heartbeat),
            ("retry_after", params.retry_after),
        ] {
            if value > MAX_TICKS {
                return bad(
                    field,
                    format!("{value} ticks is too long; the most is {MAX_TICKS}"),
                );
            }
        }
        for (field, value) in [
            ("election_min", params.election_min),
            ("heartbeat", params.heartbeat),
            ("retry_after", params.retry_after),
        ] {
            if value == 0 {
                return bad(
                    field,
                    "give 1 tick or more; 0 would repeat at once, for ever".into(),
                );
            }
        }
        if params.election_max < params.election_min {
            return bad(
                "election_max",
                format!(
                    "{} ticks is shorter than election_min ({}): timeouts are drawn between the two",
                    params.election_max, params.election_min
                ),
            );
        }
        if params.election_min <= params.heartbeat {
            return bad(
                "election_min",
                format!(
                    "{} ticks is not longer than the heartbeat interval ({}): followers would \
                     start elections against a leader that is alive and well",
                    params.election_min, params.heartbeat
                ),
            );
        }
        if !(1..=MAX_BATCH).contains(&params.batch) {
            return bad(
                "batch",
                format!(
                    "give from 1 to {MAX_BATCH} entries per AppendEntries, not {}",
                    params.batch
                ),
            );
        }
        let needed = params.servers + params.clients;
        let n = scenario.processes.len();
        if n != needed {
            return Err(ScenarioError::invalid(
                "processes",
                format!(
                    "{} {} and {} {} make {needed} processes, not {n}: name the servers first, \
                     then the clients ({})",
                    params.servers,
                    plural(params.servers, "server"),
                    params.clients,
                    plural(params.clients, "client"),
                    process_names(params.servers, params.clients).join(", ")
                ),
            ));
        }
        Ok(Setup { params, commands })
    }

    pub(crate) fn servers(&self) -> usize {
        self.params.servers
    }

    pub(crate) fn majority(&self) -> usize {
        self.params.servers / 2 + 1
    }
}

/// `S1, S2, ..., C1, ...`: the names the examples and exercises use.
pub fn process_names(servers: usize, clients: usize) -> Vec<String> {
    (1..=servers)
        .map(|i| format!("S{i}"))
        .chain((1..=clients).map(|i| format!("C{i}")))
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Why a command's text cannot be used, if it cannot: a command is `key=value`.
fn check_command(command: &str) -> Result<(), String> {
    if command.chars().count() > MAX_COMMAND_LEN {
        return Err(format!(
            "\"{command}\" is longer than {MAX_COMMAND_LEN} characters"
        ));
    }
    let Some((key, value)) = command.split_once('=') else {
        return Err(format!(
            "\"{command}\" is no key=value command; write commands like \"x=1\""
        ));
    };
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !plain(key) || !plain(value) {
        return Err(format!(
            "\"{command}\": the key and the value are letters, digits or _, like \"x=1\""
        ));
    }
    Ok(())
}

// ---- The data ----

/// A client's command, `key=value`, and who sent it as which request, so that a copy sent again
/// is recognised.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub client: ProcessId,
    /// The client's request number, from 1.
    pub seq: u32,
    pub key: Arc<str>,
    pub value: Arc<str>,
}

impl Command {
    /// The command `text` (`key=value`, already checked) as request `seq` of `client`.
    pub fn new(client: ProcessId, seq: u32, text: &str) -> Command {
        let (key, value) = text.split_once('=').unwrap_or((text, ""));
        Command {
            client,
            seq,
            key: key.into(),
            value: value.into(),
        }
    }

    /// Which client's which request: the same for every copy.
    pub fn id(&self) -> (ProcessId, u32) {
        (self.client, self.seq)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (client {} request {})", self.client, self.seq)
    }
}

/// A client's `submit` output carries the command.
impl Payload for Command {
    fn label(&self) -> String {
        self.to_string()
    }
}

/// One log entry: a command and the term in which a leader received it.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub term: Term,
    pub command: Command,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{} {}", self.term, self.command)
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{} {:?}", self.term, self.command)
    }
}

/// What Raft processes send each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RaftMessage {
    /// A candidate asks for a vote in `term`; its log ends at `last_index`, of `last_term`.
    RequestVote {
        term: Term,
        last_index: Index,
        last_term: Term,
    },
    /// The answer to `RequestVote`, with the voter's current term.
    Vote { term: Term, granted: bool },
    /// The leader of `term` sends `entries`, which follow index `prev_index` (of term
    /// `prev_term`), and its commit index. With no entries it is a heartbeat.
    AppendEntries {
        term: Term,
        prev_index: Index,
        prev_term: Term,
        entries: Vec<Entry>,
        commit: Index,
    },
    /// The answer to `AppendEntries` about `prev_index`: on success the follower's log matches
    /// the leader's up to `match_index`.
    AppendReply {
        term: Term,
        success: bool,
        prev_index: Index,
        match_index: Index,
    },
    /// Client to server: please put this command in the log.
    Request(Command),
    /// Server to client: I am not the leader; `leader` is, as far as I know.
    Redirect {
        seq: u32,
        leader: Option<ProcessId>,
        name: Option<Arc<str>>,
    },
    /// Leader to client: request `seq` is committed and applied, at `index`.
    Reply { seq: u32, index: Index },
}

impl Payload for RaftMessage {
    fn label(&self) -> String {
        use RaftMessage::*;
        match self {
            RequestVote {
                term,
                last_index,
                last_term,
            } => format!("RequestVote t{term} (last {last_index}@t{last_term})"),
            Vote { term, granted } => {
                format!("Vote t{term} {}", if *granted { "yes" } else { "no" })
            }
            AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => {
                if entries.is_empty() {
                    format!("Heartbeat t{term} prev {prev_index}@t{prev_term} commit {commit}")
                } else {
                    let list: Vec<String> = entries.iter().map(|e| e.command.to_string()).collect();
                    format!(
                        "AppendEntries t{term} prev {prev_index}@t{prev_term} [{}] commit {commit}",
                        list.join(", ")
                    )
                }
            }
            AppendReply {
                term,
                success,
                prev_index,
                match_index,
            } => {
                if *success {
                    format!("Ok t{term} match {match_index}")
                } else {
                    format!("Fail t{term} at {prev_index}")
                }
            }
            Request(c) => format!("Request {c}"),
            Redirect { name, .. } => format!("Redirect {}", name.as_deref().unwrap_or("?")),
            Reply { index, .. } => format!("Reply #{index}"),
        }
    }
}

/// `elected`: `leader` won the election of `term`, with this log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elected {
    pub term: Term,
    pub leader: ProcessId,
    /// The leader's log when it won.
    pub log: Vec<Entry>,
}

impl Payload for Elected {
    fn label(&self) -> String {
        format!("leader of term {}", self.term)
    }
}

/// `log`: a server's log changed. Entries after index `kept` were `removed` (a conflict with the
/// leader's log; never at a leader) and `added` follow index `kept` now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogChange {
    /// The server's current term.
    pub term: Term,
    /// Whether the server leads.
    pub leader: bool,
    pub kept: Index,
    pub removed: Vec<Entry>,
    pub added: Vec<Entry>,
}

impl Payload for LogChange {
    fn label(&self) -> String {
        let added: Vec<String> = self.added.iter().map(Entry::to_string).collect();
        if self.removed.is_empty() {
            format!("append #{} {}", self.kept + 1, added.join(", "))
        } else {
            let removed: Vec<String> = self.removed.iter().map(Entry::to_string).collect();
            format!(
                "drop #{} {}; append {}",
                self.kept + 1,
                removed.join(", "),
                added.join(", ")
            )
        }
    }
}

/// `commit`: a server's commit index passed `index`, which holds `entry`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The server's current term when it committed.
    pub term: Term,
    /// Whether it committed as the leader (by counting replicas) or learned it from one.
    pub leader: bool,
    pub index: Index,
    pub entry: Entry,
}

impl Payload for Committed {
    fn label(&self) -> String {
        format!("commit #{} {}", self.index, self.entry)
    }
}

/// `apply`: a server applied the entry at `index` to its key-value store (a `duplicate`, a
/// command already applied from an earlier index, is skipped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub index: Index,
    pub entry: Entry,
    pub duplicate: bool,
}

impl Payload for Applied {
    fn label(&self) -> String {
        let dup = if self.duplicate { " (duplicate)" } else { "" };
        format!("apply #{} {}{dup}", self.index, self.entry.command)
    }
}

/// A client's `reply`: its command took effect at `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replied {
    pub command: Command,
    pub index: Index,
}

impl Payload for Replied {
    fn label(&self) -> String {
        format!("#{} {}", self.index, self.command)
    }
}

type Msg = RaftMessage;
type Ctx<'a, 'b> = &'a mut Context<'b, Msg>;

/// A server's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// The timers.
pub const ELECTION_TIMEOUT: &str = "election timeout";
const HEARTBEAT: &str = "heartbeat";
pub const REPLY_TIMEOUT: &str = "reply timeout";
const NEXT_COMMAND: &str = "next command";

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Correct,
    /// A leader commits an entry of an earlier term once a majority stores it.
    BrokenCommit,
    /// A server grants its vote without the up-to-date check.
    BrokenVote,
}

impl Variant {
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "" | "correct" => Ok(Variant::Correct),
            "broken-commit" => Ok(Variant::BrokenCommit),
            "broken-vote" => Ok(Variant::BrokenVote),
            other => Err(crate::protocol::unknown_variant::<Raft>(other)),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Variant::Correct => "correct",
            Variant::BrokenCommit => "broken-commit",
            Variant::BrokenVote => "broken-vote",
        }
    }
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Server {
    me: ProcessId,
    servers: usize,
    majority: usize,
    names: Arc<[String]>,
    variant: Variant,
    election_min: Time,
    election_max: Time,
    heartbeat: Time,
    batch: usize,
    // Persistent: kept through a crash.
    term: Term,
    voted_for: Option<ProcessId>,
    log: Vec<Entry>,
    // Volatile: lost in a crash.
    role: Role,
    leader: Option<ProcessId>,
    commit: Index,
    applied: Index,
    /// The key-value store: the state machine.
    store: BTreeMap<Arc<str>, Arc<str>>,
    /// Per client, the last request applied and the index it took effect at.
    sessions: BTreeMap<ProcessId, (u32, Index)>,
    votes: BTreeSet<ProcessId>,
    next_index: Vec<Index>,
    match_index: Vec<Index>,
}

impl Server {
    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn my_name(&self) -> String {
        self.name(self.me).to_string()
    }

    fn last_index(&self) -> Index {
        self.log.len() as Index
    }

    fn term_at(&self, index: Index) -> Term {
        if index == 0 {
            0
        } else {
            self.log.get(index as usize - 1).map_or(0, |e| e.term)
        }
    }

    fn last_term(&self) -> Term {
        self.term_at(self.last_index())
    }

    /// The server's current term.
    pub fn term(&self) -> Term {
        self.term
    }

    /// Whom it voted for in its current term.
    pub fn voted_for(&self) -> Option<ProcessId> {
        self.voted_for
    }

    /// Its log, index 1 first.
    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Its commit index.
    pub fn commit_index(&self) -> Index {
        self.commit
    }

    /// Its key-value store.
    pub fn store(&self) -> &BTreeMap<Arc<str>, Arc<str>> {
        &self.store
    }

    fn reset_election_timer(&mut self, ctx: Ctx<'_, '_>) {
        let spread = self.election_max - self.election_min;
        let after = self.election_min + ctx.random_below(spread + 1);
        ctx.set_timer(ELECTION_TIMEOUT, after);
    }

    /// A message with a higher term: adopt it and follow (Figure 2, "all servers").
    fn see_term(&mut self, ctx: Ctx<'_, '_>, term: Term, from: ProcessId) {
        if term <= self.term {
            return;
        }
        let was = self.role;
        self.term = term;
        self.voted_for = None;
        self.role = Role::Follower;
        self.leader = None;
        self.votes.clear();
        if was == Role::Leader {
            ctx.cancel_timer(HEARTBEAT);
            self.reset_election_timer(ctx);
        }
        let step_down = if was == Role::Follower {
            String::new()
        } else {
            format!(" and steps down from {}", was.name())
        };
        ctx.note(format!(
            "{} hears of term {term} from {}: it adopts the newer term{step_down}",
            self.my_name(),
            self.name(from)
        ));
    }

    fn start_election(&mut self, ctx: Ctx<'_, '_>) {
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.me);
        self.leader = None;
        self.votes = BTreeSet::from([self.me]);
        ctx.note(format!(
            "{}'s election timeout runs out: it starts term {}, votes for itself and asks the \
             others for their votes",
            self.my_name(),
            self.term
        ));
        self.reset_election_timer(ctx);
        let request = Msg::RequestVote {
            term: self.term,
            last_index: self.last_index(),
            last_term: self.last_term(),
        };
        for p in 0..self.servers {
            if p != self.me {
                ctx.send(p, request.clone());
            }
        }
        self.count_votes(ctx);
    }

    fn count_votes(&mut self, ctx: Ctx<'_, '_>) {
        if self.role == Role::Candidate && self.votes.len() >= self.majority {
            self.become_leader(ctx);
        }
    }

    fn become_leader(&mut self, ctx: Ctx<'_, '_>) {
        self.role = Role::Leader;
        self.leader = Some(self.me);
        self.next_index = vec![self.last_index() + 1; self.servers];
        self.match_index = vec![0; self.servers];
        self.match_index[self.me] = self.last_index();
        ctx.cancel_timer(ELECTION_TIMEOUT);
        ctx.note(format!(
            "{} has votes from a majority ({} of {}): it leads term {}",
            self.my_name(),
            self.votes.len(),
            self.servers,
            self.term
        ));
        ctx.output_fact(
            "elected",
            Elected {
                term: self.term,
                leader: self.me,
                log: self.log.clone(),
            },
        );
        self.send_appends(ctx);
        ctx.set_pacing_timer(HEARTBEAT, self.heartbeat);
        // A single server is its own majority.
        self.advance_commit(ctx);
    }

    fn append_for(&self, p: ProcessId) -> Msg {
        let next = self.next_index[p].max(1);
        let prev_index = next - 1;
        let entries: Vec<Entry> = self
            .log
            .iter()
            .skip(prev_index as usize)
            .take(self.batch)
            .cloned()
            .collect();
        Msg::AppendEntries {
            term: self.term,
            prev_index,
            prev_term: self.term_at(prev_index),
            entries,
            commit: self.commit,
        }
    }

    fn send_appends(&mut self, ctx: Ctx<'_, '_>) {
        for p in 0..self.servers {
            if p != self.me {
                ctx.send(p, self.append_for(p));
            }
        }
    }

    fn on_vote_request(
        &mut self,
        ctx: Ctx<'_, '_>,
        from: ProcessId,
        term: Term,
        last_index: Index,
        last_term: Term,
    ) {
        self.see_term(ctx, term, from);
        let me = self.my_name();
        let them = self.name(from).to_string();
        let up_to_date = (last_term, last_index) >= (self.last_term(), self.last_index());
        let checks = self.variant != Variant::BrokenVote;
        let granted = if term < self.term {
            ctx.note(format!(
                "{me} refuses: {them} asks for term {term}, but {me} is in term {}",
                self.term
            ));
            false
        } else if self.voted_for.is_some_and(|v| v != from) {
            ctx.note(format!(
                "{me} refuses: it already voted for {} in term {}",
                self.name(self.voted_for.unwrap_or(0)),
                self.term
            ));
            false
        } else if checks && !up_to_date {
            ctx.note(format!(
                "{me} refuses: its own log (last {}@t{}) is more up to date than {them}'s \
                 (last {last_index}@t{last_term})",
                self.last_index(),
                self.last_term()
            ));
            false
        } else {
            let why = if up_to_date {
                format!("{them}'s log is at least as up to date as its own")
            } else {
                format!(
                    "it does not check the logs (broken variant), though its own log is more \
                     up to date than {them}'s"
                )
            };
            ctx.note(format!(
                "{me} votes for {them} in term {term}: it has not voted for anyone else, and {why}"
            ));
            self.voted_for = Some(from);
            self.reset_election_timer(ctx);
            true
        };
        ctx.send(
            from,
            Msg::Vote {
                term: self.term,
                granted,
            },
        );
    }

    fn on_vote(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, term: Term, granted: bool) {
        self.see_term(ctx, term, from);
        if self.role == Role::Candidate && term == self.term && granted {
            self.votes.insert(from);
            self.count_votes(ctx);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_append(
        &mut self,
        ctx: Ctx<'_, '_>,
        from: ProcessId,
        term: Term,
        prev_index: Index,
        prev_term: Term,
        entries: Vec<Entry>,
        leader_commit: Index,
    ) {
        self.see_term(ctx, term, from);
        let me = self.my_name();
        let them = self.name(from).to_string();
        let fail = |s: &Self, ctx: Ctx<'_, '_>| {
            ctx.send(
                from,
                Msg::AppendReply {
                    term: s.term,
                    success: false,
                    prev_index,
                    match_index: 0,
                },
            );
        };
        if term < self.term || self.role == Role::Leader {
            ctx.note(format!(
                "{me} refuses: {them} leads term {term}, an old term; {me} is in term {}",
                self.term
            ));
            return fail(self, ctx);
        }
        if self.role == Role::Candidate {
            ctx.note(format!(
                "{me} hears from {them}, the leader of its own term {term}: it gives up its \
                 candidacy and follows"
            ));
        }
        self.role = Role::Follower;
        self.leader = Some(from);
        self.reset_election_timer(ctx);
        if prev_index > self.last_index() || self.term_at(prev_index) != prev_term {
            let has = if prev_index > self.last_index() {
                format!("its log ends at {}", self.last_index())
            } else {
                format!("it has an entry of term {} there", self.term_at(prev_index))
            };
            ctx.note(format!(
                "{me}'s consistency check fails: {them} expects an entry of term {prev_term} at \
                 index {prev_index}, but {has}"
            ));
            return fail(self, ctx);
        }
        // Skip what matches; at the first conflict, drop that entry and all after it.
        let mut at = prev_index;
        let mut rest = entries.as_slice();
        while let Some((first, tail)) = rest.split_first() {
            if self.term_at(at + 1) == first.term && at < self.last_index() {
                at += 1;
                rest = tail;
            } else {
                break;
            }
        }
        let matched = prev_index + entries.len() as Index;
        if !rest.is_empty() {
            let removed: Vec<Entry> = self.log.split_off(at as usize);
            self.log.extend(rest.iter().cloned());
            if !removed.is_empty() {
                ctx.note(format!(
                    "{me}'s entries from index {} conflict with {them}'s log: it drops them and \
                     takes the leader's",
                    at + 1
                ));
            }
            ctx.output_fact(
                "log",
                LogChange {
                    term: self.term,
                    leader: false,
                    kept: at,
                    removed,
                    added: rest.to_vec(),
                },
            );
        }
        if leader_commit > self.commit {
            let new_commit = leader_commit.min(matched);
            if new_commit > self.commit {
                self.commit_to(ctx, new_commit, false);
            }
        }
        ctx.send(
            from,
            Msg::AppendReply {
                term: self.term,
                success: true,
                prev_index,
                match_index: matched,
            },
        );
    }

    fn on_append_reply(
        &mut self,
        ctx: Ctx<'_, '_>,
        from: ProcessId,
        term: Term,
        success: bool,
        prev_index: Index,
        match_index: Index,
    ) {
        self.see_term(ctx, term, from);
        if self.role != Role::Leader || term != self.term {
            return;
        }
        let them = self.name(from).to_string();
        if success {
            if match_index <= self.match_index[from] {
                return;
            }
            self.match_index[from] = match_index;
            self.next_index[from] = self.next_index[from].max(match_index + 1);
            self.advance_commit(ctx);
            if self.next_index[from] <= self.last_index() {
                ctx.send(from, self.append_for(from));
            }
        } else {
            let next = prev_index.max(self.match_index[from] + 1).max(1);
            if next < self.next_index[from] {
                self.next_index[from] = next;
                ctx.note(format!(
                    "{them}'s log does not match at index {prev_index}: {} backs off its next \
                     index for {them} to {next} and tries again",
                    self.my_name()
                ));
                ctx.send(from, self.append_for(from));
            }
        }
    }

    /// Figure 2's rule for leaders: the highest N stored on a majority, of the current term,
    /// becomes the commit index (the broken variant forgets "of the current term").
    fn advance_commit(&mut self, ctx: Ctx<'_, '_>) {
        if self.role != Role::Leader {
            return;
        }
        self.match_index[self.me] = self.last_index();
        let mut n = self.last_index();
        while n > self.commit {
            let replicas = self.match_index.iter().filter(|&&m| m >= n).count();
            let current = self.term_at(n) == self.term;
            if replicas >= self.majority && (current || self.variant == Variant::BrokenCommit) {
                if !current {
                    ctx.note(format!(
                        "Index {n} holds an entry of term {}, an earlier term, yet this broken \
                         leader commits it because {replicas} servers store it",
                        self.term_at(n)
                    ));
                }
                self.commit_to(ctx, n, true);
                return;
            }
            n -= 1;
        }
    }

    fn commit_to(&mut self, ctx: Ctx<'_, '_>, to: Index, leader: bool) {
        for index in self.commit + 1..=to {
            let entry = self.log[index as usize - 1].clone();
            ctx.output_fact(
                "commit",
                Committed {
                    term: self.term,
                    leader,
                    index,
                    entry,
                },
            );
        }
        let from = self.commit + 1;
        self.commit = to;
        if leader {
            let span = if from == to {
                format!("index {to} is")
            } else {
                format!("indices {from} to {to} are")
            };
            ctx.note(format!(
                "A majority stores the log up to index {to}: {} commits it ({span} committed)",
                self.my_name()
            ));
        }
        self.apply(ctx);
    }

    fn apply(&mut self, ctx: Ctx<'_, '_>) {
        while self.applied < self.commit {
            self.applied += 1;
            let index = self.applied;
            let entry = self.log[index as usize - 1].clone();
            let c = &entry.command;
            let duplicate = self
                .sessions
                .get(&c.client)
                .is_some_and(|&(seq, _)| seq >= c.seq);
            if !duplicate {
                self.store.insert(c.key.clone(), c.value.clone());
                self.sessions.insert(c.client, (c.seq, index));
            }
            let at = self.sessions.get(&c.client).map_or(index, |&(_, i)| i);
            if self.role == Role::Leader && c.seq == self.sessions[&c.client].0 {
                ctx.send(
                    c.client,
                    Msg::Reply {
                        seq: c.seq,
                        index: at,
                    },
                );
            }
            ctx.output_fact(
                "apply",
                Applied {
                    index,
                    entry,
                    duplicate,
                },
            );
        }
    }

    fn on_request(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, command: Command) {
        let me = self.my_name();
        if self.role != Role::Leader {
            let name = self.leader.map(|l| Arc::from(self.name(l)));
            match self.leader {
                Some(l) => ctx.note(format!(
                    "{me} does not lead: it sends the client to {}",
                    self.name(l)
                )),
                None => ctx.note(format!("{me} does not lead and knows no leader")),
            }
            ctx.send(
                from,
                Msg::Redirect {
                    seq: command.seq,
                    leader: self.leader,
                    name,
                },
            );
            return;
        }
        if let Some(&(seq, index)) = self.sessions.get(&command.client) {
            if seq >= command.seq {
                ctx.note(format!(
                    "{me} has already applied {command}: it answers at once"
                ));
                ctx.send(
                    from,
                    Msg::Reply {
                        seq: command.seq,
                        index,
                    },
                );
                return;
            }
        }
        let pending = self
            .log
            .iter()
            .any(|e| e.term == self.term && e.command.id() == command.id());
        if pending {
            ctx.note(format!(
                "{me} already has {command} in its log for this term: it will answer once it \
                 is committed"
            ));
            return;
        }
        let entry = Entry {
            term: self.term,
            command,
        };
        ctx.note(format!(
            "{me} appends {} to its log at index {} and sends it to the followers",
            entry.command,
            self.last_index() + 1
        ));
        self.log.push(entry.clone());
        ctx.output_fact(
            "log",
            LogChange {
                term: self.term,
                leader: true,
                kept: self.last_index() - 1,
                removed: Vec::new(),
                added: vec![entry],
            },
        );
        self.match_index[self.me] = self.last_index();
        for p in 0..self.servers {
            if p != self.me && self.next_index[p] == self.last_index() {
                ctx.send(p, self.append_for(p));
            }
        }
        self.advance_commit(ctx);
    }

    fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
        match message {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
            } => self.on_vote_request(ctx, from, term, last_index, last_term),
            Msg::Vote { term, granted } => self.on_vote(ctx, from, term, granted),
            Msg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => self.on_append(ctx, from, term, prev_index, prev_term, entries, commit),
            Msg::AppendReply {
                term,
                success,
                prev_index,
                match_index,
            } => self.on_append_reply(ctx, from, term, success, prev_index, match_index),
            Msg::Request(command) => self.on_request(ctx, from, command),
            Msg::Redirect { .. } | Msg::Reply { .. } => {}
        }
    }

    fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: &str) {
        match timer {
            ELECTION_TIMEOUT if self.role != Role::Leader => self.start_election(ctx),
            HEARTBEAT if self.role == Role::Leader => {
                self.send_appends(ctx);
                ctx.set_pacing_timer(HEARTBEAT, self.heartbeat);
            }
            _ => {}
        }
    }

    fn on_crash(&mut self) {
        // currentTerm, votedFor and the log are on stable storage; the rest is lost.
        self.role = Role::Follower;
        self.leader = None;
        self.commit = 0;
        self.applied = 0;
        self.store.clear();
        self.sessions.clear();
        self.votes.clear();
        self.next_index.clear();
        self.match_index.clear();
    }

    fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        ctx.note(format!(
            "{} kept its term ({}), its vote and its log ({} entries) on stable storage; its \
             commit index and its key-value store start again from nothing. It follows, and \
             waits for a leader",
            self.my_name(),
            self.term,
            self.log.len()
        ));
        self.reset_election_timer(ctx);
    }

    fn log_summary(&self) -> String {
        if self.log.is_empty() {
            return "empty".into();
        }
        let entries: Vec<String> = self.log.iter().map(Entry::to_string).collect();
        entries.join(", ")
    }

    fn fields(&self) -> Vec<Field> {
        let vote = self.voted_for.map_or("none", |v| self.name(v));
        let store: Vec<String> = self.store.iter().map(|(k, v)| format!("{k}={v}")).collect();
        vec![
            Field::new("role", self.role.name()),
            Field::new("term", self.term),
            Field::new("vote", vote),
            Field::new("log", self.log_summary()),
            Field::new("commit", self.commit),
            Field::new(
                "store",
                if store.is_empty() {
                    "empty".to_string()
                } else {
                    store.join(", ")
                },
            ),
        ]
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
    /// Redirects followed for the current attempt (a cap keeps the client from bouncing for
    /// ever between confused servers).
    redirects: usize,
}

impl Client {
    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn command(&self) -> Command {
        Command::new(
            self.me,
            self.current as u32 + 1,
            &self.commands[self.current],
        )
    }

    fn send(&mut self, ctx: Ctx<'_, '_>) {
        ctx.send(self.guess, Msg::Request(self.command()));
        ctx.set_timer(REPLY_TIMEOUT, self.retry_after);
    }

    fn try_next(&mut self, ctx: Ctx<'_, '_>, why: String) {
        let tried = self.guess;
        self.guess = (self.guess + 1) % self.servers;
        self.redirects = 0;
        ctx.note(format!(
            "{why}: {} sends {} again, to the next server, {}",
            self.name(self.me),
            self.commands[self.current],
            self.name(self.guess)
        ));
        let _ = tried;
        self.send(ctx);
    }

    /// Send the next command, the first time.
    fn submit(&mut self, ctx: Ctx<'_, '_>) {
        self.waiting = true;
        self.redirects = 0;
        ctx.note(format!(
            "{} sends {} to {}, the server it believes leads",
            self.name(self.me),
            self.commands[self.current],
            self.name(self.guess)
        ));
        self.send(ctx);
        ctx.output_fact("submit", self.command());
    }

    /// The learner's command joins the client's list: sent now if the client is idle, else
    /// after the commands before it.
    fn on_request(&mut self, ctx: Ctx<'_, '_>, text: &str) {
        let me = self.name(self.me).to_string();
        if let Err(why) = check_command(text) {
            ctx.note(format!("{me} cannot send it: {why}"));
            return;
        }
        if self.commands.len() >= MAX_CLIENT_COMMANDS {
            ctx.note(format!(
                "{me} already has {MAX_CLIENT_COMMANDS} commands and takes no more"
            ));
            return;
        }
        self.commands.push(text.into());
        if self.waiting || self.current + 1 < self.commands.len() {
            ctx.note(format!(
                "{me} sends one command at a time: {text} waits for the ones before it"
            ));
        } else {
            ctx.cancel_timer(NEXT_COMMAND);
            self.submit(ctx);
        }
    }

    fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: &str) {
        match timer {
            NEXT_COMMAND if !self.waiting && self.current < self.commands.len() => self.submit(ctx),
            REPLY_TIMEOUT if self.waiting => {
                let why = format!(
                    "No answer from {} in {} ticks",
                    self.name(self.guess),
                    self.retry_after
                );
                self.try_next(ctx, why);
            }
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
        let seq = self.current as u32 + 1;
        match message {
            Msg::Reply { seq: s, index } if self.waiting && s == seq => {
                let command = self.command();
                self.waiting = false;
                self.current += 1;
                self.guess = from;
                ctx.cancel_timer(REPLY_TIMEOUT);
                ctx.note(format!(
                    "{}'s command {command} is committed at index {index} and applied",
                    self.name(self.me)
                ));
                ctx.output_fact("reply", Replied { command, index });
                if self.current < self.commands.len() {
                    ctx.set_pacing_timer(NEXT_COMMAND, self.interval);
                }
            }
            Msg::Redirect {
                seq: s,
                leader: Some(leader),
                ..
            } if self.waiting
                && s == seq
                && leader != from
                && leader < self.servers
                && self.redirects < self.servers =>
            {
                self.redirects += 1;
                self.guess = leader;
                ctx.note(format!(
                    "{} does not lead: {} sends {} to {}, as told",
                    self.name(from),
                    self.name(self.me),
                    self.commands[self.current],
                    self.name(leader)
                ));
                self.send(ctx);
            }
            Msg::Redirect { seq: s, .. } if self.waiting && s == seq && from == self.guess => {
                let why = format!("{} knows no leader", self.name(from));
                self.try_next(ctx, why);
            }
            _ => {}
        }
    }

    fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        if self.waiting {
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

/// A Raft process: a server or a client.
#[derive(Clone, Debug)]
pub enum RaftNode {
    Server(Box<Server>),
    Client(Client),
}

impl RaftNode {
    /// The server, if this is one.
    pub fn server(&self) -> Option<&Server> {
        match self {
            RaftNode::Server(s) => Some(s),
            RaftNode::Client(_) => None,
        }
    }
}

impl Process for RaftNode {
    type Message = RaftMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, Msg>) {
        match self {
            RaftNode::Server(s) => s.reset_election_timer(ctx),
            RaftNode::Client(c) => {
                if !c.commands.is_empty() {
                    ctx.set_pacing_timer(NEXT_COMMAND, c.start);
                }
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Msg>, from: ProcessId, message: Msg) {
        match self {
            RaftNode::Server(s) => s.on_message(ctx, from, message),
            RaftNode::Client(c) => c.on_message(ctx, from, message),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Msg>, timer: &str) {
        match self {
            RaftNode::Server(s) => s.on_timer(ctx, timer),
            RaftNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Msg>, request: &str) {
        match self {
            RaftNode::Server(s) => ctx.note(format!(
                "{} is a server: commands reach it from clients, as messages. Hand the request \
                 to a client, which sends it to the server it believes leads",
                s.my_name()
            )),
            RaftNode::Client(c) => c.on_request(ctx, request),
        }
    }

    fn on_crash(&mut self) {
        if let RaftNode::Server(s) = self {
            s.on_crash();
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Msg>) {
        match self {
            RaftNode::Server(s) => s.on_recover(ctx),
            RaftNode::Client(c) => c.on_recover(ctx),
        }
    }

    fn fields(&self) -> Vec<Field> {
        match self {
            RaftNode::Server(s) => s.fields(),
            RaftNode::Client(c) => c.fields(),
        }
    }
}

// ---- Reading a trace ----

/// The outputs of kind `kind` with their typed fact `T`, in order (an output without one, from a
/// trace read back from JSON, is left out).
pub fn facts<'a, T: Payload>(
    trace: &'a Trace,
    kind: &'a str,
) -> impl Iterator<Item = (&'a crate::trace::Output, &'a T)> + 'a {
    trace
        .outputs
        .iter()
        .filter(move |o| o.kind == kind)
        .filter_map(|o| Some((o, o.fact::<T>()?)))
}

/// A server's log and commit index at a point of a run, as [`logs_at`] rebuilds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerLog {
    pub entries: Vec<Entry>,
    pub commit: Index,
}

/// Every server's log and commit index after the events of steps below `steps`, rebuilt from
/// the `log` and `commit` facts (and crashes, which reset the commit index): what a view draws.
pub fn logs_at(trace: &Trace, steps: u64, servers: usize) -> Vec<ServerLog> {
    let mut logs = vec![ServerLog::default(); servers];
    let shown = trace.events.partition_point(|e| e.step < steps);
    let mut outputs = trace.outputs.iter().peekable();
    for e in &trace.events[..shown] {
        if e.kind == EventKind::Crash && e.process < servers {
            logs[e.process].commit = 0;
        }
        while let Some(o) = outputs.next_if(|o| o.event <= e.id) {
            if o.process >= servers {
                continue;
            }
            if let Some(change) = o.fact::<LogChange>() {
                let log = &mut logs[o.process].entries;
                log.truncate(change.kept as usize);
                log.extend(change.added.iter().cloned());
            } else if let Some(c) = o.fact::<Committed>() {
                let s = &mut logs[o.process];
                s.commit = s.commit.max(c.index);
            }
        }
    }
    logs
}

// ---- Properties (the paper's Figure 3) ----

fn election_safety(trace: &Trace) -> Verdict {
    let mut leaders: BTreeMap<Term, (ProcessId, EventId)> = BTreeMap::new();
    for (o, e) in facts::<Elected>(trace, "elected") {
        match leaders.get(&e.term) {
            Some(&(p, ev)) if p != o.process => {
                return Verdict::violated(
                    vec![ev, o.event],
                    format!(
                        "{} and {} were both elected leader of term {}",
                        trace.processes[p], trace.processes[o.process], e.term
                    ),
                );
            }
            Some(_) => {}
            None => {
                leaders.insert(e.term, (o.process, o.event));
            }
        }
    }
    Verdict::Holds
}

fn leader_append_only(trace: &Trace) -> Verdict {
    for (o, c) in facts::<LogChange>(trace, "log") {
        if c.leader && !c.removed.is_empty() {
            return Verdict::violated(
                vec![o.event],
                format!(
                    "{}, the leader of term {}, removed entries from index {} of its own log",
                    trace.processes[o.process],
                    c.term,
                    c.kept + 1
                ),
            );
        }
    }
    // What a leader sends never changes an entry it sent before in the same term.
    let mut sent: BTreeMap<(ProcessId, Term, Index), (Term, EventId)> = BTreeMap::new();
    for m in &trace.messages {
        if m.duplicate_of.is_some() {
            continue;
        }
        let Some(Msg::AppendEntries {
            term,
            prev_index,
            entries,
            ..
        }) = m.content::<Msg>()
        else {
            continue;
        };
        for (k, entry) in entries.iter().enumerate() {
            let index = prev_index + 1 + k as Index;
            let key = (m.from, *term, index);
            match sent.get(&key) {
                Some(&(t, e)) if t != entry.term => {
                    return Verdict::violated(
                        vec![e, m.send_event],
                        format!(
                            "{}, leading term {term}, first sent an entry of term {t} at index \
                             {index}, later one of term {}",
                            trace.processes[m.from], entry.term
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    sent.insert(key, (entry.term, m.send_event));
                }
            }
        }
    }
    Verdict::Holds
}

/// Where two logs break Log Matching: an index where they hold entries of the same term but
/// differ at or before it.
fn mismatch(a: &[Entry], b: &[Entry]) -> Option<Index> {
    let common = a.len().min(b.len());
    let top = (0..common).rev().find(|&i| a[i].term == b[i].term)?;
    (0..=top).find(|&i| a[i] != b[i]).map(|_| top as Index + 1)
}

fn log_matching(trace: &Trace) -> Verdict {
    let n = trace.processes.len();
    let mut logs: Vec<Vec<Entry>> = vec![Vec::new(); n];
    let mut last: Vec<Option<EventId>> = vec![None; n];
    for (o, c) in facts::<LogChange>(trace, "log") {
        let p = o.process;
        let log = &mut logs[p];
        log.truncate(c.kept as usize);
        log.extend(c.added.iter().cloned());
        last[p] = Some(o.event);
        for q in (0..n).filter(|&q| q != p) {
            if let Some(index) = mismatch(&logs[p], &logs[q]) {
                let events = last[q].into_iter().chain([o.event]).collect();
                return Verdict::violated(
                    events,
                    format!(
                        "{} and {} both hold an entry of term {} at index {index}, but their \
                         logs differ before it",
                        trace.processes[p],
                        trace.processes[q],
                        logs[p][index as usize - 1].term
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

fn leader_completeness(trace: &Trace) -> Verdict {
    let commits: Vec<(&crate::trace::Output, &Committed)> = facts::<Committed>(trace, "commit")
        .filter(|(_, c)| c.leader)
        .collect();
    for (o, e) in facts::<Elected>(trace, "elected") {
        for (co, c) in &commits {
            if c.term >= e.term {
                continue;
            }
            let has = e.log.get(c.index as usize - 1) == Some(&c.entry);
            if !has {
                return Verdict::violated(
                    vec![co.event, o.event],
                    format!(
                        "{} committed {} at index {} in term {}, but {}, elected leader of term \
                         {}, does not have it",
                        trace.processes[co.process],
                        c.entry.command,
                        c.index,
                        c.term,
                        trace.processes[o.process],
                        e.term
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

fn state_machine_safety(trace: &Trace) -> Verdict {
    let mut applied: BTreeMap<Index, (&Entry, ProcessId, EventId)> = BTreeMap::new();
    for (o, a) in facts::<Applied>(trace, "apply") {
        match applied.get(&a.index) {
            Some(&(entry, p, e)) if *entry != a.entry => {
                return Verdict::violated(
                    vec![e, o.event],
                    format!(
                        "{} applied {} at index {}, but {} applied {} there",
                        trace.processes[p], entry, a.index, trace.processes[o.process], a.entry
                    ),
                );
            }
            Some(_) => {}
            None => {
                applied.insert(a.index, (&a.entry, o.process, o.event));
            }
        }
    }
    Verdict::Holds
}

/// Whether the scenario crashes process `p`, as a planned fault or by the learner.
fn crashes(scenario: &Scenario, p: ProcessId) -> bool {
    let hits = |action: &Action| match action {
        Action::Crash { process } => process.resolve(&scenario.processes, "") == Ok(p),
        _ => false,
    };
    scenario.faults.iter().any(|f| hits(&f.action))
        || scenario.interventions.iter().any(|i| hits(&i.action))
}

/// Whether every link cut in a list of actions (in order) is healed later in it.
fn cuts_healed<'a>(scenario: &Scenario, actions: impl Iterator<Item = &'a Action>) -> bool {
    let mut cut: BTreeSet<(ProcessId, ProcessId)> = BTreeSet::new();
    for action in actions {
        if let Action::Cut { between } | Action::Heal { between } = action {
            let a = between[0].resolve(&scenario.processes, "");
            let b = between[1].resolve(&scenario.processes, "");
            let (Ok(a), Ok(b)) = (a, b) else {
                continue;
            };
            let link = (a.min(b), a.max(b));
            if matches!(action, Action::Cut { .. }) {
                cut.insert(link);
            } else {
                cut.remove(&link);
            }
        }
    }
    cut.is_empty()
}

/// Why liveness is not promised for this scenario, if it is not: it needs a majority of servers
/// that never crash, clients that never crash, a network that loses nothing, every cut healed,
/// an election timeout longer than a heartbeat plus a round trip, and time after the last fault
/// for an election and the clients' retries.
pub(crate) fn not_promised_because(scenario: &Scenario, setup: &Setup) -> Option<String> {
    let p = &setup.params;
    let servers = setup.servers();
    let never_crash = (0..servers).filter(|&s| !crashes(scenario, s)).count();
    if never_crash < setup.majority() {
        return Some(format!(
            "only {never_crash} of {servers} servers never crash, and a leader needs a majority \
             ({})",
            setup.majority()
        ));
    }
    if (servers..servers + p.clients).any(|c| crashes(scenario, c)) {
        return Some("a client crashes".into());
    }
    let net = &scenario.network;
    if net.loss > 0.0 || net.links.iter().any(|l| l.loss.unwrap_or(0.0) > 0.0) {
        return Some(
            "the network loses messages: Raft gets there by sending again, but how soon is luck"
                .into(),
        );
    }
    let mut faults: Vec<&Fault> = scenario.faults.iter().collect();
    faults.sort_by_key(|f| f.at);
    let mut interventions: Vec<_> = scenario.interventions.iter().collect();
    interventions.sort_by_key(|i| i.step);
    if !cuts_healed(scenario, faults.iter().map(|f| &f.action))
        || !cuts_healed(scenario, interventions.iter().map(|i| &i.action))
    {
        return Some("a cut link is never healed".into());
    }
    let slowest = net
        .links
        .iter()
        .filter_map(|l| l.latency)
        .chain([net.latency])
        .map(|l| l.max)
        .max()
        .unwrap_or(0);
    if p.election_min <= p.heartbeat.saturating_add(slowest.saturating_mul(2)) {
        return Some(format!(
            "the shortest election timeout ({}) is not longer than a heartbeat ({}) plus a \
             round trip ({}): followers may depose a live leader again and again",
            p.election_min,
            p.heartbeat,
            slowest.saturating_mul(2)
        ));
    }
    if p.election_max < p.election_min.saturating_add(slowest.saturating_mul(4)) {
        return Some(format!(
            "election timeouts are drawn from too narrow a range ({} to {}, less than two round \
             trips wide) to keep candidates apart: votes may split again and again",
            p.election_min, p.election_max
        ));
    }
    let by_hand = scenario.interventions.iter().any(|i| {
        matches!(
            i.action,
            Action::Crash { .. }
                | Action::Recover { .. }
                | Action::Cut { .. }
                | Action::Heal { .. }
                | Action::Fire { .. }
                | Action::Request { .. }
        )
    });
    if by_hand {
        return Some(
            "a crash, a cut, a hurried timeout or a request made by hand comes at a step, not a \
             time, and may come too late for the servers to recover (or the command to commit) \
             before the run ends"
                .into(),
        );
    }
    let Some(end) = scenario.limits.max_time else {
        return Some("the run has no time limit, and stops at a step count instead".into());
    };
    // Time for two elections and, with faults, for a client to try every server that may be
    // down; then for each command a request, an AppendEntries round and the reply.
    let last_fault = faults.last().map(|f| f.at);
    let retries = p.retry_after;
    let ready = match last_fault {
        Some(at) => at
            .saturating_add(p.election_max.saturating_mul(2))
            .saturating_add(retries),
        None => p.election_max.saturating_mul(2),
    }
    .max(p.start);
    // A request planned as a fault is one more command for some client.
    let planned_requests = faults
        .iter()
        .filter(|f| matches!(f.action, Action::Request { .. }))
        .count();
    let commands =
        (setup.commands.iter().map(Vec::len).max().unwrap_or(0) + planned_requests) as Time;
    let done = ready.saturating_add(
        commands.saturating_mul(p.interval.saturating_add(slowest.saturating_mul(4))),
    );
    if done > end {
        return Some(format!(
            "the run ends at tick {end}, too soon after its last fault for an election and the \
             clients' commands (tick {done} would do)"
        ));
    }
    None
}

/// The protocol, as the registry lists it.
pub struct Raft;

impl Protocol for Raft {
    const NAME: &'static str = "raft";
    const DESCRIPTION: &'static str =
        "Raft: leader election, log replication and the commit rule of the paper's Figure 2";
    type Node = RaftNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "correct",
                description: "Raft as in the paper's Figure 2",
                broken: false,
            },
            VariantInfo {
                name: "broken-commit",
                description: "a leader commits an entry of an earlier term as soon as a majority \
                              stores it (the mistake of the paper's Figure 8)",
                broken: true,
            },
            VariantInfo {
                name: "broken-vote",
                description: "a server grants its vote without checking that the candidate's \
                              log is at least as up to date as its own",
                broken: true,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<RaftNode>, ScenarioError> {
        let variant = Variant::from_name(variant)?;
        let setup = Setup::of(scenario)?;
        let p = &setup.params;
        let names: Arc<[String]> = scenario.processes.clone().into();
        let mut nodes = Vec::with_capacity(names.len());
        for me in 0..p.servers {
            nodes.push(RaftNode::Server(Box::new(Server {
                me,
                servers: p.servers,
                majority: setup.majority(),
                names: names.clone(),
                variant,
                election_min: p.election_min,
                election_max: p.election_max,
                heartbeat: p.heartbeat,
                batch: p.batch,
                term: 0,
                voted_for: None,
                log: Vec::new(),
                role: Role::Follower,
                leader: None,
                commit: 0,
                applied: 0,
                store: BTreeMap::new(),
                sessions: BTreeMap::new(),
                votes: BTreeSet::new(),
                next_index: Vec::new(),
                match_index: Vec::new(),
            })));
        }
        for (c, commands) in setup.commands.iter().enumerate() {
            nodes.push(RaftNode::Client(Client {
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
        Variant::from_name(variant)?;
        let setup = Setup::of(scenario)?;
        let servers = setup.servers();
        let why_not = not_promised_because(scenario, &setup);
        let because = |text: &str| match &why_not {
            Some(why) => format!("{text} (not promised because {why})"),
            None => format!(
                "{text} (promised: a majority stays up and connected and the network is calm)"
            ),
        };
        let elected = Property::new(
            "leader-elected",
            PropertyKind::Liveness,
            because("some server is elected leader"),
            |trace: &Trace| {
                if facts::<Elected>(trace, "elected").next().is_some() {
                    Verdict::Holds
                } else {
                    Verdict::violated(Vec::new(), "no server was elected leader in this run")
                }
            },
        );
        let committed = Property::new(
            "commands-commit",
            PropertyKind::Liveness,
            because("every command a client submits is committed"),
            move |trace: &Trace| {
                let done: BTreeSet<(ProcessId, u32)> = facts::<Committed>(trace, "commit")
                    .map(|(_, c)| c.entry.command.id())
                    .collect();
                for (o, c) in facts::<Command>(trace, "submit") {
                    if !done.contains(&c.id()) {
                        return Verdict::violated(
                            vec![o.event],
                            format!(
                                "{}'s command {c} was never committed",
                                trace.processes.get(o.process).map_or("?", String::as_str)
                            ),
                        );
                    }
                }
                let _ = servers;
                Verdict::Holds
            },
        );
        let (elected, committed) = if why_not.is_some() {
            (elected.not_promised(), committed.not_promised())
        } else {
            (elected, committed)
        };
        Ok(vec![
            Property::new(
                "election-safety",
                PropertyKind::Safety,
                "at most one leader is elected in each term",
                election_safety,
            ),
            Property::new(
                "leader-append-only",
                PropertyKind::Safety,
                "a leader never overwrites or deletes entries in its own log; it only appends",
                leader_append_only,
            ),
            Property::new(
                "log-matching",
                PropertyKind::Safety,
                "if two logs hold an entry with the same index and term, they are identical up \
                 to that index",
                log_matching,
            ),
            Property::new(
                "leader-completeness",
                PropertyKind::Safety,
                "an entry committed in a term is in the log of the leader of every later term",
                leader_completeness,
            ),
            Property::new(
                "state-machine-safety",
                PropertyKind::Safety,
                "no two servers apply different entries at the same index",
                state_machine_safety,
            ),
            elected,
            committed,
        ])
    }

    fn examples() -> Vec<Scenario> {
        super::examples::all()
    }
}

/// A scenario of the lesson, before its tuning: `S1..`, `C1..`, the default network.
pub(crate) fn scenario(
    name: &str,
    title: &str,
    description: &str,
    variant: &str,
    params: RaftParams,
    max_time: Time,
) -> Scenario {
    Scenario {
        name: name.into(),
        title: title.into(),
        description: description.into(),
        protocol: "raft".into(),
        variant: variant.into(),
        processes: process_names(params.servers, params.clients),
        params: serde_json::to_value(params).expect("serialisable"),
        network: NetworkModel {
            latency: Latency { min: 10, max: 30 },
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 20_000,
            max_time: Some(max_time),
        },
    }
}

/// A planned fault on process `who`.
pub(crate) fn crash(at: Time, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Crash {
            process: ProcessRef::Name(who.into()),
        },
    }
}

pub(crate) fn recover(at: Time, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Recover {
            process: ProcessRef::Name(who.into()),
        },
    }
}

/// Cut (or heal) every link between `who` and the other servers.
pub(crate) fn isolate(at: Time, who: &str, servers: usize, heal: bool) -> Vec<Fault> {
    (1..=servers)
        .map(|i| format!("S{i}"))
        .filter(|other| other != who)
        .map(|other| {
            let between = [ProcessRef::Name(who.into()), ProcessRef::Name(other)];
            Fault {
                at,
                action: if heal {
                    Action::Heal { between }
                } else {
                    Action::Cut { between }
                },
            }
        })
        .collect()
}
