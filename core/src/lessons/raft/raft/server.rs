//! One Raft server: the paper's Figure 2, handler by handler. Its persistent state (term, vote,
//! log) survives a crash and the rest does not, which is why the two are kept apart below.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::data::{
    Applied, Command, Committed, Ctx, Elected, Entry, Index, LogChange, Msg, Role, Term,
    ELECTION_TIMEOUT, HEARTBEAT,
};
use super::params::{Setup, Variant};
use crate::process::{Field, ProcessId, Time};

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
    /// Server `me` as it first starts: a follower in term 0, with no vote and an empty log.
    pub(super) fn new(
        me: ProcessId,
        setup: &Setup,
        names: Arc<[String]>,
        variant: Variant,
    ) -> Server {
        let p = &setup.params;
        Server {
            me,
            servers: p.servers,
            majority: setup.majority(),
            names,
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
        }
    }

    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    pub(super) fn my_name(&self) -> String {
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

    /// A server starts as a follower, waiting to hear from a leader.
    pub(super) fn on_start(&mut self, ctx: Ctx<'_, '_>) {
        self.reset_election_timer(ctx);
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

    pub(super) fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
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

    pub(super) fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: &str) {
        match timer {
            ELECTION_TIMEOUT if self.role != Role::Leader => self.start_election(ctx),
            HEARTBEAT if self.role == Role::Leader => {
                self.send_appends(ctx);
                ctx.set_pacing_timer(HEARTBEAT, self.heartbeat);
            }
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
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

    pub(super) fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        ctx.note(format!(
            "{} kept its term ({}), its vote and its log ({} {}) on stable storage; its \
             commit index and its key-value store start again from nothing. It follows, and \
             waits for a leader",
            self.my_name(),
            self.term,
            self.log.len(),
            if self.log.len() == 1 {
                "entry"
            } else {
                "entries"
            }
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

    pub(super) fn fields(&self) -> Vec<Field> {
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
