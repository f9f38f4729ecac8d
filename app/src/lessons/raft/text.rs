//! The text of the Raft lesson: one paragraph per entry, in our own words. Every term is
//! defined before a later paragraph leans on it.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "Raft keeps a replicated state machine: several servers each run a copy of the same \
     deterministic machine (here a small key-value store) and feed it the same commands in the \
     same order. What they must agree on is the log, the numbered list of commands; a \
     command's number is its index. Raft does the job of Multi-Paxos, split into three parts \
     that can be learned one at a time: electing a leader, replicating the log from it, and \
     the rules that keep the two safe together (Ongaro and Ousterhout, 2014).",
    "Time is cut into terms, numbered 1, 2, 3, and so on. Each term begins with an election \
     and has at most one leader. Every server remembers the highest term it has seen, its \
     current term, and puts it on every message. A server that sees a higher term adopts it \
     at once; a message with a lower term is stale and refused.",
    "Each server has one of three roles. A follower answers leaders and candidates and does \
     nothing on its own. A candidate is trying to become leader. The leader takes the \
     clients' commands and copies them to everyone else. A client that asks a follower is \
     redirected to the leader it knows of.",
    "A follower expects to hear from a leader regularly. If it hears nothing for its election \
     timeout, a time drawn at random each time (the ring around each server in the panel), it \
     becomes a candidate: it moves to the next term, votes for itself and sends RequestVote \
     to every other server. A candidate with the votes of a majority leads the term. Each \
     server gives at most one vote per term and remembers it across crashes. If two \
     candidates split the vote, neither has a majority; both time out and try again, and the \
     random timeouts make it likely that one starts well ahead of the other next time \
     ([show me a split vote](s=raft-split-vote&step=27)).",
    "A vote is given only to a candidate whose log is at least as up to date as the voter's \
     own. Compare the last entries: the log whose last entry has the higher term is more up \
     to date; if the last terms are equal, the longer log is. Since a leader needs a \
     majority, and any two majorities share a server, this check keeps every committed entry \
     (defined below) in every future leader's log.",
    "The leader appends each command to its own log, tagged with its term, and sends it to \
     the followers in AppendEntries. Each AppendEntries names the entry just before the new \
     ones, by index and term (prev 3@t1). A follower takes the new entries only if its own \
     log has an entry of that term at that index: the consistency check. If it has a \
     different entry where a new one goes, that entry conflicts: the follower deletes it and \
     every entry after it, and takes the leader's. An AppendEntries with no entries is a \
     heartbeat: it tells the followers the leader is alive and resets their election timers.",
    "For each follower the leader keeps two numbers: nextIndex, the index of the next entry \
     to send it, and matchIndex, how far the follower's log is known to match its own. A new \
     leader sets every nextIndex one past its last entry. When a consistency check fails, \
     the leader lowers that follower's nextIndex by one and tries again, until the logs meet; \
     from there the follower receives everything it lacks. This is how a follower that missed \
     entries, or kept entries of a leader that failed, is repaired \
     ([show me](s=raft-follower-repair&step=201)).",
    "An entry is committed once it is safe to apply: no later leader can lack it. The leader \
     moves its commit index to the highest index stored on a majority (by matchIndex) whose \
     entry is of its current term; every entry before that is committed with it. The commit \
     index travels in every AppendEntries, and each server applies its committed entries to \
     its state machine in index order. The leader answers the client once the command is \
     applied.",
    "Why only entries of the current term are committed by counting (the paper's Figure 8): \
     an entry of an earlier term can sit on a majority and still be replaced. Its term may \
     be lower than the last term of another server, which can then win an election with \
     votes from servers that lack the entry, and overwrite it. Once the leader has an entry \
     of its own term on a majority, no server without that entry can win, and the older \
     entries before it are safe too. The scenario raft-figure-8 acts this out, and the \
     broken-commit variant shows the entry lost when a leader counts anyway \
     ([show me Figure 8](s=raft-figure-8&step=171)).",
    "A crash loses a server's role, its commit index and its state machine, but not its \
     current term, its vote or its log, which are kept on stable storage. The property \
     badges check the paper's Figure 3: Election Safety (one leader per term), Leader \
     Append-Only, Log Matching (two logs with the same index and term agree up to there), \
     Leader Completeness and State Machine Safety. Progress (a leader is elected, commands \
     commit) is promised only while a majority is up and connected and the network is calm.",
    "Try it in the panel, at any step. \"time out\" under a follower makes its election \
     timeout run out at once: it becomes a candidate in the next term and asks for votes, \
     and the leader it interrupts steps down when it sees the higher term. \"Client \
     request\" has a client send a new command (v=1, v=2, ...) to the server it believes \
     leads: follow it through redirects, AppendEntries, the commit and the reply. \
     \"Partition the leader away\" cuts the leader off from the other servers, and \"crash\" \
     stops a server. Every change rewinds the run to that step and plays out the new \
     future; the link in the address bar keeps it.",
];
