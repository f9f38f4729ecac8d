//! What Raft's processes exchange and record: commands and log entries, the messages, and the
//! typed facts of their outputs, which the properties and the views read instead of labels.
//! Also a server's role and the timers' names, which the views look up by name.

use std::fmt;
use std::sync::Arc;

use crate::process::{Context, Payload, ProcessId};

/// A position in the log, from 1 (0 means "before the first entry").
pub type Index = u64;
/// A term: a number that only grows, one election (and at most one leader) each.
pub type Term = u64;

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

pub(super) type Msg = RaftMessage;
pub(super) type Ctx<'a, 'b> = &'a mut Context<'b, Msg>;

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
pub(super) const HEARTBEAT: &str = "heartbeat";
pub const REPLY_TIMEOUT: &str = "reply timeout";
pub(super) const NEXT_COMMAND: &str = "next command";
