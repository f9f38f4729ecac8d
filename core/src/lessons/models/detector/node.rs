//! One process of the detector: it sends heartbeats, watches one timeout per peer, and trusts as
//! leader the highest-numbered process it does not suspect.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::process::{Context, Field, Payload, Process, ProcessId, Time};

/// The one message: "I am alive".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heartbeat;

impl Payload for Heartbeat {
    fn label(&self) -> String {
        "heartbeat".into()
    }
}

/// The fact of a `suspect` output: the process `by` now suspects `of` has crashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspicion {
    pub by: ProcessId,
    pub of: ProcessId,
    /// `of`'s name, for the label.
    pub name: Arc<str>,
}

impl Payload for Suspicion {
    fn label(&self) -> String {
        // The event reads "suspect P1": the output's kind, then this.
        self.name.to_string()
    }
}

/// The fact of a `trust` output: `by` heard from `of`, which it suspected, and trusts it again
/// (the suspicion was false).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restoration {
    pub by: ProcessId,
    pub of: ProcessId,
    pub name: Arc<str>,
    /// The timeout `by` waits for `of` from now on (grown, in the eventually perfect variant).
    pub timeout: Time,
}

impl Payload for Restoration {
    fn label(&self) -> String {
        format!("{} again", self.name)
    }
}

/// The fact of a `leader` output: the process `by` now trusts `leader` as the leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leader {
    pub by: ProcessId,
    pub leader: ProcessId,
    pub name: Arc<str>,
}

impl Payload for Leader {
    fn label(&self) -> String {
        self.name.to_string()
    }
}

/// How a process times its heartbeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Beat {
    /// Every `n` ticks from its start (or recovery).
    Every(Time),
    /// At the start of every synchronous round of `n` ticks, so the heartbeats line up with the
    /// diagram's round marks.
    Rounds(Time),
}

/// One detector process.
#[derive(Clone, Debug)]
pub struct DetectorNode {
    pub(super) me: ProcessId,
    pub(super) names: Arc<[Arc<str>]>,
    pub(super) beat: Beat,
    /// How much a peer's timeout grows each time a suspicion of it proves false (0 for the
    /// perfect detector, whose timeout is fixed).
    pub(super) increase: Time,
    /// Whether this process is the two-faced one: it heartbeats only to the processes numbered
    /// below it.
    pub(super) two_faced: bool,
    pub(super) suspected: BTreeSet<ProcessId>,
    /// The timeout for each peer (this process's own entry is unused).
    pub(super) timeouts: Vec<Time>,
    pub(super) leader: ProcessId,
}

impl DetectorNode {
    fn timer(&self, q: ProcessId) -> String {
        format!("timeout {}", self.names[q])
    }

    fn peers(&self) -> impl Iterator<Item = ProcessId> + '_ {
        (0..self.names.len()).filter(move |&q| q != self.me)
    }

    /// Heartbeat every peer (a two-faced process only those numbered below it), and set the
    /// timer for the next heartbeats.
    fn beat(&mut self, ctx: &mut Context<'_, Heartbeat>) {
        let me = self.me;
        for q in (0..self.names.len()).filter(|&q| q != me) {
            if !self.two_faced || q < me {
                ctx.send(q, Heartbeat);
            }
        }
        if self.two_faced {
            ctx.note("It is two-faced: it heartbeats only to the processes numbered below it");
        }
        self.next_beat(ctx);
    }

    fn next_beat(&self, ctx: &mut Context<'_, Heartbeat>) {
        let after = match self.beat {
            Beat::Every(period) => period,
            // The next round's start, even if a learner hurried this timer.
            Beat::Rounds(round) => round - ctx.now() % round,
        };
        ctx.set_pacing_timer("heartbeat", after);
    }

    /// Wait for every peer afresh, and heartbeat now (in rounds: at the next round's start).
    fn begin(&mut self, ctx: &mut Context<'_, Heartbeat>) {
        for q in self.peers().collect::<Vec<_>>() {
            ctx.set_timer(self.timer(q), self.timeouts[q]);
        }
        match self.beat {
            Beat::Rounds(round) if !ctx.now().is_multiple_of(round) => self.next_beat(ctx),
            _ => self.beat(ctx),
        }
    }

    /// The highest-numbered process not suspected (this one is never suspected by itself):
    /// the leader, output when it changes.
    fn elect(&mut self, ctx: &mut Context<'_, Heartbeat>, always: bool) {
        let leader = (0..self.names.len())
            .rev()
            .find(|q| !self.suspected.contains(q))
            .unwrap_or(self.me);
        if leader != self.leader || always {
            self.leader = leader;
            ctx.output_fact(
                "leader",
                Leader {
                    by: self.me,
                    leader,
                    name: self.names[leader].clone(),
                },
            );
        }
    }

    pub fn suspected(&self) -> &BTreeSet<ProcessId> {
        &self.suspected
    }

    pub fn leader(&self) -> ProcessId {
        self.leader
    }

    pub fn timeouts(&self) -> &[Time] {
        &self.timeouts
    }
}

impl Process for DetectorNode {
    type Message = Heartbeat;

    fn on_start(&mut self, ctx: &mut Context<'_, Heartbeat>) {
        self.elect(ctx, true);
        self.begin(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Heartbeat>, from: ProcessId, _: Heartbeat) {
        if self.suspected.remove(&from) {
            // A suspected process is alive after all: the timeout was too short for it.
            self.timeouts[from] = self.timeouts[from].saturating_add(self.increase);
            ctx.output_fact(
                "trust",
                Restoration {
                    by: self.me,
                    of: from,
                    name: self.names[from].clone(),
                    timeout: self.timeouts[from],
                },
            );
            ctx.note(if self.increase > 0 {
                format!(
                    "It suspected {} wrongly, and waits longer for it from now on: {} ticks",
                    self.names[from], self.timeouts[from]
                )
            } else {
                format!("It suspected {} wrongly", self.names[from])
            });
            self.elect(ctx, false);
        }
        ctx.set_timer(self.timer(from), self.timeouts[from]);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Heartbeat>, timer: &str) {
        if timer == "heartbeat" {
            self.beat(ctx);
            return;
        }
        let Some(q) = self.peers().find(|&q| self.timer(q) == timer) else {
            return;
        };
        if self.suspected.insert(q) {
            ctx.output_fact(
                "suspect",
                Suspicion {
                    by: self.me,
                    of: q,
                    name: self.names[q].clone(),
                },
            );
            ctx.note(format!(
                "No heartbeat from {} for {} ticks: it suspects it has crashed",
                self.names[q], self.timeouts[q]
            ));
            self.elect(ctx, false);
        }
    }

    /// Fail-recovery: the process starts over. It suspects nobody, trusts the highest-numbered
    /// process again, waits for every peer afresh and resumes its heartbeats. What it learnt
    /// about timeouts it kept on stable storage: a grown timeout stays grown.
    fn on_recover(&mut self, ctx: &mut Context<'_, Heartbeat>) {
        self.suspected.clear();
        ctx.note("It starts over: it suspects nobody");
        self.elect(ctx, true);
        self.begin(ctx);
    }

    fn fields(&self) -> Vec<Field> {
        let names = |set: &mut dyn Iterator<Item = ProcessId>| {
            let list: Vec<&str> = set.map(|q| &*self.names[q]).collect();
            if list.is_empty() {
                "nobody".to_string()
            } else {
                list.join(", ")
            }
        };
        let timeouts: Vec<String> = self
            .peers()
            .map(|q| format!("{} {}", self.names[q], self.timeouts[q]))
            .collect();
        vec![
            Field::new("suspected", names(&mut self.suspected.iter().copied())),
            Field::new("leader", &self.names[self.leader]),
            Field::new("timeouts", timeouts.join(", ")),
        ]
    }
}
