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
//!
//! The code is split by concern, one child module each: `params` (the parameters and their
//! checks), `data` (messages, log entries and output facts), `server` and `client` (the two
//! kinds of process), `properties` (what Raft promises) and `reading` (a trace read back through
//! its facts). Every public name is re-exported here, so `raft::raft::X` is the one path to use.

use std::sync::Arc;

use crate::process::{Context, Field, Process, ProcessId};
use crate::protocol::{Property, Protocol, VariantInfo};
use crate::scenario::{Scenario, ScenarioError};

mod client;
mod data;
mod params;
mod properties;
mod reading;
mod server;

pub use client::Client;
pub use data::{
    Applied, Command, Committed, Elected, Entry, Index, LogChange, RaftMessage, Replied, Role,
    Term, ELECTION_TIMEOUT, REPLY_TIMEOUT,
};
use params::Setup;
pub use params::{
    process_names, RaftParams, Variant, MAX_BATCH, MAX_CLIENTS, MAX_CLIENT_COMMANDS, MAX_COMMANDS,
    MAX_COMMAND_LEN, MAX_SERVERS, MAX_TICKS,
};
pub use reading::{facts, logs_at, ServerLog};
pub use server::Server;

use data::Msg;

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
            RaftNode::Server(s) => s.on_start(ctx),
            RaftNode::Client(c) => c.on_start(ctx),
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
            let server = Server::new(me, &setup, names.clone(), variant);
            nodes.push(RaftNode::Server(Box::new(server)));
        }
        for (c, commands) in setup.commands.iter().enumerate() {
            let client = Client::new(p.servers + c, &setup, names.clone(), commands);
            nodes.push(RaftNode::Client(client));
        }
        Ok(nodes)
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        Variant::from_name(variant)?;
        let setup = Setup::of(scenario)?;
        Ok(properties::declared(scenario, &setup))
    }

    fn examples() -> Vec<Scenario> {
        super::examples::all()
    }
}
