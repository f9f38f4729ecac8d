//! Reading a Raft trace through its typed facts, never its labels: what the properties check
//! and what a view draws (every server's log at a step) come from here, so that a change of
//! wording cannot change either.

use super::data::{Committed, Entry, Index, LogChange};
use crate::process::Payload;
use crate::trace::{EventKind, Trace};

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
