//! Raft's parameters, as a scenario gives them, and the checks that turn them into a [`Setup`]
//! every process is built from; also the variants. Everything a learner can get wrong in a
//! scenario file is caught here, with the field named, before anything runs.

use serde::{Deserialize, Serialize};

use super::Raft;
use crate::param_checks::{
    command_lists, in_range, invalid, numbered_names, process_count, ticks_at_most, ticks_not_zero,
    Group,
};
use crate::process::Time;
use crate::scenario::{Scenario, ScenarioError};

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
        in_range("servers", params.servers, 1..=MAX_SERVERS, "servers")?;
        in_range("clients", params.clients, 0..=MAX_CLIENTS, "clients")?;
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
                    "give one list of commands per client: {}, not {}",
                    params.clients,
                    params.commands.len()
                ),
            );
        }
        command_lists(&commands, MAX_COMMANDS, check_command)?;
        ticks_at_most(
            &[
                ("start", params.start),
                ("interval", params.interval),
                ("election_min", params.election_min),
                ("election_max", params.election_max),
                ("heartbeat", params.heartbeat),
                ("retry_after", params.retry_after),
            ],
            MAX_TICKS,
        )?;
        ticks_not_zero(&[
            ("election_min", params.election_min),
            ("heartbeat", params.heartbeat),
            ("retry_after", params.retry_after),
        ])?;
        if params.election_max < params.election_min {
            return invalid(
                "election_max",
                format!(
                    "{} ticks is shorter than election_min ({}): timeouts are drawn between the two",
                    params.election_max, params.election_min
                ),
            );
        }
        if params.election_min <= params.heartbeat {
            return invalid(
                "election_min",
                format!(
                    "{} ticks is not longer than the heartbeat interval ({}): followers would \
                     start elections against a leader that is alive and well",
                    params.election_min, params.heartbeat
                ),
            );
        }
        in_range(
            "batch",
            params.batch,
            1..=MAX_BATCH,
            "entries per AppendEntries",
        )?;
        process_count(&scenario.processes, &groups(params.servers, params.clients))?;
        Ok(Setup { params, commands })
    }

    pub(crate) fn servers(&self) -> usize {
        self.params.servers
    }

    pub(crate) fn majority(&self) -> usize {
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

/// `S1, S2, ..., C1, ...`: the names the examples and exercises use.
pub fn process_names(servers: usize, clients: usize) -> Vec<String> {
    numbered_names(&groups(servers, clients))
}

/// Why a command's text cannot be used, if it cannot: a command is `key=value`.
pub(super) fn check_command(command: &str) -> Result<(), String> {
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
