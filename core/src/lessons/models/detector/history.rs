//! What a run's trace says about the detector, read from its typed facts and its crash, recover
//! and receive events (never from labels): every suspicion with the window it speaks of, who is
//! up at the end, and what each process suspects and trusts at the end.

use std::collections::BTreeSet;

use super::node::{Heartbeat, Leader, Restoration, Suspicion};
use crate::process::{ProcessId, Time};
use crate::trace::{EventId, EventKind, Trace};

/// One `suspect` output, with what the trace says about it.
pub(super) struct Suspected {
    pub event: EventId,
    pub by: ProcessId,
    pub of: ProcessId,
    pub at: Time,
    /// Whether `of` was down at some moment since it sent the last heartbeat `by` received from
    /// it (or since `by` started or came back, if none): whether the suspicion reports a crash
    /// that happened.
    pub accurate: bool,
}

/// One `leader` output.
pub(super) struct Trusted {
    pub event: EventId,
    pub by: ProcessId,
    pub leader: ProcessId,
    pub at: Time,
}

pub(super) struct History {
    pub suspicions: Vec<Suspected>,
    pub leaders: Vec<Trusted>,
    /// Each process's crash events, in order.
    pub crashes: Vec<Vec<EventId>>,
    pub up_at_end: Vec<bool>,
    /// What each process suspects at the end, with the event of each suspicion.
    pub suspects_at_end: Vec<Vec<(ProcessId, EventId)>>,
    /// Whom each process trusts at the end, if it said.
    pub leader_at_end: Vec<Option<(ProcessId, EventId)>>,
}

impl History {
    pub fn of(trace: &Trace) -> History {
        let n = trace.processes.len();
        // When each process was down: [crash, recovery] (recovery `None` if it stays down).
        let mut down: Vec<Vec<(Time, Option<Time>)>> = vec![Vec::new(); n];
        let mut crashes = vec![Vec::new(); n];
        for e in &trace.events {
            match e.kind {
                EventKind::Crash => {
                    down[e.process].push((e.time, None));
                    crashes[e.process].push(e.id);
                }
                EventKind::Recover => {
                    if let Some(last) = down[e.process].last_mut() {
                        last.1.get_or_insert(e.time);
                    }
                }
                _ => {}
            }
        }
        let was_down = |q: ProcessId, from: Time, to: Time| {
            down[q]
                .iter()
                .any(|&(c, r)| c <= to && r.is_none_or(|r| r >= from))
        };
        let mut outputs: Vec<Vec<usize>> = vec![Vec::new(); trace.events.len()];
        for (i, o) in trace.outputs.iter().enumerate() {
            if let Some(slot) = outputs.get_mut(o.event) {
                slot.push(i);
            }
        }
        // since[p][q]: where the window of p's next suspicion of q starts.
        let mut since: Vec<Vec<Time>> = vec![vec![0; n]; n];
        let mut suspects: Vec<Vec<(ProcessId, EventId)>> = vec![Vec::new(); n];
        let mut leader_at_end = vec![None; n];
        let mut suspicions = Vec::new();
        let mut leaders = Vec::new();
        let mut up = vec![true; n];
        for e in &trace.events {
            let p = e.process;
            match e.kind {
                EventKind::Crash => up[p] = false,
                EventKind::Recover => {
                    up[p] = true;
                    since[p] = vec![e.time; n];
                    suspects[p].clear();
                }
                EventKind::Receive => {
                    if let Some(m) = e.message.and_then(|m| trace.messages.get(m)) {
                        if m.content::<Heartbeat>().is_some() && m.from < n {
                            let w = &mut since[p][m.from];
                            *w = (*w).max(m.sent_at);
                        }
                    }
                }
                _ => {}
            }
            for &i in &outputs[e.id] {
                let o = &trace.outputs[i];
                if let Some(s) = o.fact::<Suspicion>() {
                    let q = s.of;
                    if q >= n {
                        continue;
                    }
                    suspicions.push(Suspected {
                        event: o.event,
                        by: o.process,
                        of: q,
                        at: e.time,
                        accurate: was_down(q, since[o.process][q], e.time),
                    });
                    suspects[o.process].retain(|&(x, _)| x != q);
                    suspects[o.process].push((q, o.event));
                } else if let Some(r) = o.fact::<Restoration>() {
                    suspects[o.process].retain(|&(x, _)| x != r.of);
                } else if let Some(l) = o.fact::<Leader>() {
                    leaders.push(Trusted {
                        event: o.event,
                        by: o.process,
                        leader: l.leader,
                        at: e.time,
                    });
                    leader_at_end[o.process] = Some((l.leader, o.event));
                }
            }
        }
        History {
            suspicions,
            leaders,
            crashes,
            up_at_end: up,
            suspects_at_end: suspects,
            leader_at_end,
        }
    }

    /// The processes that are up at the end and play by the rules (the two-faced one does not).
    pub fn correct(&self, two_faced: Option<ProcessId>) -> BTreeSet<ProcessId> {
        (0..self.up_at_end.len())
            .filter(|&p| self.up_at_end[p] && Some(p) != two_faced)
            .collect()
    }
}
