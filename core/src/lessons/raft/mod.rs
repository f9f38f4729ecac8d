//! The Raft lesson: a replicated log kept by an elected leader (Ongaro and Ousterhout, "In
//! search of an understandable consensus algorithm", 2014).
//!
//! # What Raft is for
//!
//! A *replicated state machine* is one service run on several servers: each keeps a copy of the
//! same deterministic machine (here a small key-value store) and feeds it the same commands in
//! the same order, so every copy goes through the same states. What the servers must agree on is
//! the **log**, the numbered list of commands; entry 1 is the first command, and an entry's
//! number is its **index**. Raft does what Multi-Paxos does, and splits the job into three
//! parts that can be learned one at a time: electing a leader, replicating the log from it, and
//! the rules that keep the two safe together.
//!
//! # Terms and roles
//!
//! Time is divided into **terms**, numbered 1, 2, 3, ... Each term starts with an election and
//! has at most one leader. Every server remembers the highest term it has seen (its *current
//! term*) and puts it on every message; a server that sees a higher term adopts it at once, and
//! if it was a leader or a candidate it becomes a follower again. A message of a lower term is
//! stale, and refused. Each server is in one of three **roles**:
//!
//! * a **follower** does what leaders and candidates ask, and nothing on its own;
//! * a **candidate** is trying to become leader;
//! * the **leader** takes the clients' commands and sends them to everyone else.
//!
//! # Leader election
//!
//! A follower expects to hear from a leader regularly. If its **election timeout** runs out
//! first, it becomes a candidate: it moves to the next term, votes for itself and sends
//! `RequestVote` to every other server. Each server gives at most one vote per term, first come
//! first served, and only to a candidate whose log is **at least as up to date** as its own:
//! the candidate's last entry has a higher term, or the same term and an index at least as high.
//! A candidate with votes from a **majority** becomes leader. Two candidates can split the vote so
//! that neither has a majority; then both time out and try again in a later term. Each timeout is
//! drawn at random (here from the run's seeded generator, between `election_min` and
//! `election_max`), so one candidate usually starts well before the other and wins.
//!
//! # Log replication
//!
//! The leader appends each client command to its log, tagged with its term, and sends it in
//! `AppendEntries` to the followers. Every `AppendEntries` names the entry just before the new
//! ones (`prev 3@t1`: index 3, of term 1). A follower accepts only if its own log has an entry of
//! that term at that index: the **consistency check**. If it has a different entry after that
//! point, it deletes it and everything after it, and takes the leader's. When the check fails,
//! the leader steps back: it lowers its **next index** for that follower by one and tries again,
//! until the logs meet; then the follower gets everything it is missing. Even with nothing to
//! send, the leader sends `AppendEntries` every `heartbeat` ticks, which keeps the followers'
//! election timeouts from running out; these carry no entries and are drawn as `Heartbeat`.
//!
//! # Committing
//!
//! An entry is **committed** once the leader that created it has stored it on a majority. The
//! leader tracks how far each follower's log matches its own (the **match index**), and moves
//! its **commit index** to the highest index stored on a majority, *provided the entry there is
//! of its current term*; all entries before it are then committed too. The leader sends its
//! commit index in every `AppendEntries`, and each server applies committed entries to its
//! key-value store in index order. The leader answers the client once the command is applied.
//!
//! Why only entries of the current term? An entry of an earlier term can sit on a majority and
//! still be replaced: the paper's Figure 8 shows it, and so does this lesson's
//! `raft-figure-8` scenario. The `broken-commit` variant commits such entries by counting, and
//! the counterexample search finds the schedule where a committed entry is lost.
//!
//! # Clients
//!
//! A client sends its command to the server it believes leads. A server that does not lead
//! answers `Redirect`, naming the leader it knows of (if any); a client that hears nothing
//! within `retry_after` ticks tries the next server. A command carries its client and request
//! number, so a command sent twice is applied only once: the key-value store skips a request
//! it has already applied.
//!
//! # Crashes
//!
//! A server keeps its current term, its vote and its log on stable storage: a crash loses none
//! of them (a server that forgot its vote could vote twice in one term). Everything else is
//! volatile: its role, its commit index, its key-value store (rebuilt from the log once it
//! learns the commit index again), and what a leader knew of its followers.
//!
//! # Safety: the paper's Figure 3
//!
//! | property | says |
//! |---|---|
//! | `election-safety` | at most one leader is elected in a term |
//! | `leader-append-only` | a leader never overwrites or deletes its own entries |
//! | `log-matching` | two logs with an entry of the same index and term are identical up to it |
//! | `leader-completeness` | an entry committed in a term is in the log of every later leader |
//! | `state-machine-safety` | no two servers apply different entries at the same index |
//!
//! All five are promised by every variant (the broken ones fail to keep them). Two liveness
//! properties, `leader-elected` and `commands-commit`, are promised only when a majority of
//! servers never crashes, clients never crash, the network loses nothing, every cut is healed,
//! the timeouts are sane and the run lasts long enough after its last fault; otherwise their
//! description says which condition is missing.
//!
//! # The protocol, by hand
//!
//! ```
//! use spacetime_core::lessons::raft::raft::{Raft, RaftMessage, RaftNode, Role};
//! use spacetime_core::{protocols, seeded_rng, Context, Effect, Payload, Process, Protocol, Run};
//!
//! let scenario = protocols::example("raft-calm").unwrap(); // S1..S5 and a client C1
//! let mut nodes = Raft::build(&scenario, "correct").unwrap();
//! let mut rng = seeded_rng(1);
//!
//! // S2 is asked for its vote in term 1 by S1, whose log is as up to date as its own (both
//! // are empty): it votes yes, and remembers its vote.
//! let mut ctx = Context::new(1, 6, 10, &mut rng);
//! let ask = RaftMessage::RequestVote { term: 1, last_index: 0, last_term: 0 };
//! nodes[1].on_message(&mut ctx, 0, ask.clone());
//! let sent: Vec<String> = ctx.effects().iter().filter_map(|e| match e {
//!     Effect::Send { message, .. } => Some(message.label()),
//!     _ => None,
//! }).collect();
//! assert_eq!(sent, ["Vote t1 yes"]);
//!
//! // A second candidate in the same term gets no vote: one vote per term.
//! let mut ctx = Context::new(1, 6, 11, &mut rng);
//! nodes[1].on_message(&mut ctx, 2, ask);
//! assert!(matches!(ctx.effects().last(),
//!     Some(Effect::Send { message: RaftMessage::Vote { granted: false, .. }, .. })));
//!
//! // The vote survives a crash; the role does not matter, it restarts as a follower.
//! nodes[1].on_crash();
//! let s2 = nodes[1].server().unwrap();
//! assert_eq!((s2.term(), s2.voted_for(), s2.role()), (1, Some(0), Role::Follower));
//!
//! // A whole run: one leader is elected, and every server applies the client's commands.
//! let run = Run::complete(&scenario).unwrap();
//! let elected = run.trace().outputs.iter().filter(|o| o.kind == "elected").count();
//! assert_eq!(elected, 1);
//! for p in 0..5 {
//!     let s = run.process::<RaftNode>(p).unwrap().server().unwrap();
//!     assert_eq!(s.commit_index(), 3);
//! }
//! assert!(run.check(run.trace()).iter().all(|r| r.verdict.holds()));
//! ```

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

pub mod examples;
pub mod exercises;
#[allow(clippy::module_inception)]
pub mod raft;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "raft",
        title: "Raft",
        protocols: || vec![ProtocolInfo::of::<raft::Raft>()],
        exercises: exercises::kinds,
        draws_logs: None,
    }
}
