//! What Raft promises: the five safety properties of the paper's Figure 3, each a check over the
//! typed facts of a trace, and the two liveness properties with the conditions under which they
//! are promised. A promise Raft cannot keep on a scenario is withdrawn with its reason, so that
//! a learner who breaks liveness on purpose is told why that is no bug.

use std::collections::{BTreeMap, BTreeSet};

use super::data::{Applied, Command, Committed, Elected, Entry, Index, LogChange, Msg, Term};
use super::params::Setup;
use super::reading::facts;
use crate::faults::{crashes, cuts_healed, loses_messages, slowest_latency};
use crate::process::{ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Verdict};
use crate::scenario::{Action, Fault, Scenario};
use crate::trace::{EventId, Trace};

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

/// Why liveness is not promised for this scenario, if it is not: it needs a majority of servers
/// that never crash, clients that never crash, a network that loses nothing, every cut healed,
/// an election timeout longer than a heartbeat plus a round trip, and time after the last fault
/// for an election and the clients' retries.
fn not_promised_because(scenario: &Scenario, setup: &Setup) -> Option<String> {
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
    if loses_messages(&scenario.network) {
        return Some(
            "the network loses messages: Raft gets there by sending again, but how soon is luck"
                .into(),
        );
    }
    if !cuts_healed(scenario) {
        return Some("a cut link is never healed".into());
    }
    let slowest = slowest_latency(&scenario.network);
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
    let mut faults: Vec<&Fault> = scenario.faults.iter().collect();
    faults.sort_by_key(|f| f.at);
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

/// The properties of a scenario: the five of Figure 3, always promised, and the two liveness
/// properties, promised only where [`not_promised_because`] finds nothing missing.
pub(super) fn declared(scenario: &Scenario, setup: &Setup) -> Vec<Property> {
    let servers = setup.servers();
    let why_not = not_promised_because(scenario, setup);
    let because = |text: &str| match &why_not {
        Some(why) => format!("{text} (not promised because {why})"),
        None => {
            format!("{text} (promised: a majority stays up and connected and the network is calm)")
        }
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
    vec![
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
    ]
}
