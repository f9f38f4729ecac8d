//! Lesson 4: consensus with Paxos, one value and then a log of them.
//!
//! The panel beside the diagram shows what a lecture draws on the board: the chosen value (or the
//! broken promise of two), each acceptor's promised and accepted ballot with the quorum that chose
//! the value marked (its arrows are picked out on the diagram too), and in Multi-Paxos every
//! server's copy of the replicated log.

use leptos::prelude::*;
use spacetime_core::{MessageId, ProcessId, Trace};

use super::{Lesson, LessonPanel};
use crate::states::{field, StateTables};
use crate::store::Store;

pub fn lesson() -> Lesson {
    Lesson {
        id: "paxos",
        title: "Paxos",
        core: spacetime_core::lessons::paxos::lesson(),
        actions: &[],
        tour: include_str!("tours/paxos.json"),
        panel: Some(LessonPanel(|| view! { <PaxosPanel/> }.into_any())),
        playground: false,
        text: &[
            "Consensus: several processes each propose a value, and they must settle on one. \
             Safety asks that at most one value is chosen (agreement), that it was proposed by \
             someone (validity), and that a learner learns only a value that was chosen. \
             Liveness asks that some value is eventually chosen. Paxos keeps safety whatever \
             the network and the crashes do, and makes progress whenever a majority of \
             acceptors can talk to one proposer for long enough.",
            "The roles: proposers suggest values, acceptors vote, learners find out what was \
             chosen. Every attempt carries a ballot, a round number paired with the proposer's \
             id, so that any two ballots are ordered and no two proposers share one.",
            "Phase 1. A proposer sends Prepare(b) to the acceptors. An acceptor that has promised \
             nothing higher promises b: it will never again accept a ballot below b. With its \
             promise it reports the highest-ballot proposal it has accepted, if any.",
            "Phase 2. With promises from a majority, the proposer must propose the value of the \
             highest-ballot proposal reported among them, and may use its own value only if none \
             reported one. It sends Accept(b, v); an acceptor accepts unless it has promised a \
             higher ballot, and tells the learners. A value is chosen once a majority of acceptors \
             accepted it in the same ballot.",
            "Why it is safe: any two majorities share an acceptor. Once v is chosen in ballot b, \
             every later proposer hears of v from that shared acceptor in phase 1 and proposes v \
             again. That argument leans on two things the broken variants take away: the \
             proposer must heed the reported value, and an acceptor must remember its promise \
             across a crash (on stable storage).",
            "Liveness is promised only in calm conditions: one proposer, no lost messages, and a \
             majority of acceptors that stays up. With a majority down nothing can be chosen, \
             though nothing wrong is chosen either: the progress badge says \"not promised\". \
             Two proposers can also duel forever, each preempting the other's ballot; random \
             backoff before a retry makes that unlikely, not impossible (FLP says no \
             deterministic protocol can do better).",
            "Multi-Paxos runs one instance per slot of a replicated log. A leader runs phase 1 \
             once for every future slot, then only phase 2 per client command. A failure \
             detector (heartbeats and a timeout) suspects a crashed leader; the next server runs \
             phase 1 with a higher ballot, re-proposes what it learns for each slot, and fills \
             the gaps with no-ops so the log has no holes. Every server applies the log in slot \
             order, so every replica of the state machine goes through the same states.",
        ],
    }
}

/// A learner's decision seen so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub process: ProcessId,
    pub value: String,
    pub event: usize,
}

/// Every `decide` output made before step `steps`, in order.
pub fn decisions(trace: &Trace, steps: u64) -> Vec<Decision> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .filter(|o| trace.events.get(o.event).is_some_and(|e| e.step < steps))
        .map(|o| Decision {
            process: o.process,
            value: o.value.clone(),
            event: o.event,
        })
        .collect()
}

/// The distinct values decided, in the order they were first decided.
pub fn distinct_values(decisions: &[Decision]) -> Vec<&str> {
    let mut values: Vec<&str> = Vec::new();
    for d in decisions {
        if !values.contains(&d.value.as_str()) {
            values.push(&d.value);
        }
    }
    values
}

/// The `Accepted` messages that let `decision`'s learner learn its value: those it received
/// before deciding, for the value, in the ballot of the last one (the quorum that formed).
pub fn quorum(trace: &Trace, decision: &Decision) -> Vec<MessageId> {
    let decided_at = trace.events[decision.event].step;
    let received: Vec<(&str, MessageId)> = trace
        .messages
        .iter()
        .filter(|m| m.to == decision.process)
        .filter(|m| {
            m.receive_event
                .is_some_and(|r| trace.events[r].step <= decided_at)
        })
        .filter_map(|m| {
            let rest = m.label.strip_prefix("Accepted ")?;
            let (ballot, value) = rest.split_once(' ')?;
            (value == decision.value).then_some((ballot, m.id))
        })
        .collect();
    let Some(&(ballot, _)) = received
        .iter()
        .max_by_key(|(_, id)| trace.messages[*id].receive_event)
    else {
        return Vec::new();
    };
    let mut quorum: Vec<MessageId> = Vec::new();
    for (b, id) in received {
        // One arrow per acceptor (a duplicate delivery counts once).
        let from = trace.messages[id].from;
        if b == ballot && !quorum.iter().any(|q| trace.messages[*q].from == from) {
            quorum.push(id);
        }
    }
    quorum
}

/// One entry of a server's replicated log, from its summary's `log` field (`1 x=1, 2 no-op,
/// 3 y=2?`): the slot, the command, and whether it is known to be chosen (a `?` marks one only
/// accepted so far).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub slot: u64,
    pub command: String,
    pub chosen: bool,
}

/// A `log` field as entries; unreadable parts are skipped, `_` (nothing known) is left out.
pub fn parse_log(text: &str) -> Vec<LogEntry> {
    text.split(", ")
        .filter_map(|part| {
            let (slot, command) = part.trim().split_once(' ')?;
            let slot = slot.trim_start_matches('#').parse().ok()?;
            let command = command.trim();
            if command == "_" || command.is_empty() {
                return None;
            }
            let (command, chosen) = match command.strip_suffix('?') {
                Some(c) => (c, false),
                None => (command, true),
            };
            Some(LogEntry {
                slot,
                command: command.to_string(),
                chosen,
            })
        })
        .collect()
}

/// A decision of Multi-Paxos, `slot 3: y=2`, as (slot, command).
pub fn slot_decision(value: &str) -> Option<(u64, &str)> {
    let rest = value.strip_prefix("slot ")?;
    let (slot, command) = rest.split_once(": ")?;
    Some((slot.trim().parse().ok()?, command))
}

/// Slots decided two ways: (slot, first command, other command).
pub fn slot_conflicts(decisions: &[Decision]) -> Vec<(u64, String, String)> {
    let mut first: std::collections::BTreeMap<u64, &str> = Default::default();
    let mut conflicts = Vec::new();
    for d in decisions {
        let Some((slot, command)) = slot_decision(&d.value) else {
            continue;
        };
        match first.get(&slot) {
            None => {
                first.insert(slot, command);
            }
            Some(c) if *c != command => {
                if !conflicts.iter().any(|(s, _, _)| *s == slot) {
                    conflicts.push((slot, c.to_string(), command.to_string()));
                }
            }
            Some(_) => {}
        }
    }
    conflicts
}

#[component]
fn PaxosPanel() -> impl IntoView {
    let store = Store::get();
    let multi = Memo::new(move |_| store.scenario.with(|s| s.protocol == "multipaxos"));
    let decided = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| decisions(t, steps))
    });
    // The quorum behind the first value learned (single-decree), its acceptors marked in the
    // table and its arrows on the diagram.
    let quorum_messages = Memo::new(move |_| {
        if multi.get() {
            return Vec::new();
        }
        let first = decided.with(|d| d.first().cloned());
        match first {
            Some(d) => store.trace.with(|t| quorum(t, &d)),
            None => Vec::new(),
        }
    });
    let quorum_acceptors = Signal::derive(move || {
        let ids = quorum_messages.get();
        store
            .trace
            .with(|t| ids.iter().map(|m| t.messages[*m].from).collect::<Vec<_>>())
    });
    Effect::new(move |_| store.emphasis.set(quorum_messages.get()));
    on_cleanup(move || store.emphasis.set(Vec::new()));

    let banner = move || {
        let d = decided.get();
        let names = store.trace.with(|t| t.processes.clone());
        let name = |p: ProcessId| names.get(p).cloned().unwrap_or_default();
        if multi.get() {
            let conflicts = slot_conflicts(&d);
            let slots: std::collections::BTreeSet<u64> = d
                .iter()
                .filter_map(|x| slot_decision(&x.value).map(|(s, _)| s))
                .collect();
            return match conflicts.first() {
                Some((slot, a, b)) => view! {
                    <div class="chosen-banner broken" role="status" data-testid="chosen-banner">
                        {format!("Agreement broken: slot {slot} holds {a} on one server and {b} on another")}
                    </div>
                }.into_any(),
                None if slots.is_empty() => view! {
                    <div class="chosen-banner none" role="status" data-testid="chosen-banner">"No slot chosen yet"</div>
                }.into_any(),
                None => view! {
                    <div class="chosen-banner" role="status" data-testid="chosen-banner">
                        {format!("{} chosen (slots {}..{})", if slots.len() == 1 { "1 slot".to_string() } else { format!("{} slots", slots.len()) },
                            slots.first().copied().unwrap_or(0), slots.last().copied().unwrap_or(0))}
                    </div>
                }.into_any(),
            };
        }
        let values = distinct_values(&d);
        match values[..] {
            [] => view! {
                <div class="chosen-banner none" role="status" data-testid="chosen-banner">"Nothing chosen yet"</div>
            }.into_any(),
            [v] => {
                let learners: Vec<String> = d.iter().map(|x| name(x.process)).collect();
                view! {
                    <div class="chosen-banner" role="status" data-testid="chosen-banner">
                        "Chosen: " <strong data-testid="chosen-value">{v.to_string()}</strong>
                        <small>{format!(" learned by {}", learners.join(", "))}</small>
                    </div>
                }.into_any()
            }
            [a, b, ..] => {
                let who = |v: &str| d.iter().find(|x| x.value == v).map(|x| name(x.process)).unwrap_or_default();
                view! {
                    <div class="chosen-banner broken" role="status" data-testid="chosen-banner">
                        {format!("Agreement broken: {} learned {a}, {} learned {b}", who(a), who(b))}
                    </div>
                }.into_any()
            }
        }
    };

    view! {
        <section class="panel paxos-panel" data-testid="paxos-panel" aria-label="Paxos state">
            {banner}
            <StateTables roles=vec!["acceptor", "proposer", "learner"] marked=quorum_acceptors mark="in the quorum"/>
            <Show when=move || multi.get()>
                <ReplicatedLogs/>
            </Show>
            <Show when=move || store.scenario.with(|s| s.variant.starts_with("broken"))>
                <CounterexampleSearch/>
            </Show>
        </section>
    }
}

/// For a broken variant: let the core's bounded search find a schedule that breaks agreement, and
/// play it on the diagram (the learner is invited to find one by hand first, in the exercises).
#[component]
fn CounterexampleSearch() -> impl IntoView {
    use spacetime_core::search::{find_violation, SearchBound};
    let store = Store::get();
    let status = RwSignal::new(None::<String>);
    let search = move |_| {
        let mut scenario = store.scenario.get_untracked();
        scenario.interventions.clear();
        status.set(Some("Searching…".into()));
        // Let the status show before the search takes the thread (a fraction of a second).
        set_timeout(
            move || {
                let bound = SearchBound::default();
                match find_violation(&scenario, "agreement", &bound) {
                    Ok(outcome) => match outcome.violation {
                        Some(found) => {
                            let mut played = scenario.clone();
                            played.interventions = found.interventions;
                            if store.load(played) {
                                store.playing.set(true);
                            }
                            status.set(Some(format!(
                                "Found after {} runs: {} intervention{}. Playing it: watch the agreement badge.",
                                outcome.runs,
                                found.added,
                                if found.added == 1 { "" } else { "s" }
                            )));
                        }
                        None => status.set(Some(format!(
                            "No schedule of up to {} faults breaks agreement on this run ({} runs tried).",
                            bound.max_interventions, outcome.runs
                        ))),
                    },
                    Err(e) => status.set(Some(format!("The search could not run: {e}"))),
                }
            },
            std::time::Duration::from_millis(30),
        );
    };
    view! {
        <div class="counterexample">
            <button data-testid="search-counterexample" on:click=search
                title="Try every schedule of up to two drops, delays, crashes or reboots, shortest first">
                "Find a schedule that breaks agreement"
            </button>
            {move || status.get().map(|s| view! { <p class="panel-status" data-testid="search-status">{s}</p> })}
        </div>
    }
}

/// Every server's log at the cursor: a row per server, a column per slot.
#[component]
fn ReplicatedLogs() -> impl IntoView {
    let store = Store::get();
    let logs = Memo::new(move |_| {
        let states = store.states_at_cursor();
        let names = store.trace.with(|t| t.processes.clone());
        states
            .iter()
            .enumerate()
            .filter(|(_, s)| field(s, "role").is_some_and(|r| r != "client"))
            .filter_map(|(p, s)| Some((p, names.get(p)?.clone(), parse_log(field(s, "log")?))))
            .collect::<Vec<_>>()
    });
    move || {
        let logs = logs.get();
        let slots = logs
            .iter()
            .flat_map(|(_, _, l)| l.iter().map(|e| e.slot))
            .max()
            .unwrap_or(0);
        view! {
            <table class="log-table" data-testid="replicated-logs">
                <caption>"Replicated logs"</caption>
                <thead><tr><th scope="col">"server"</th>
                    {(1..=slots).map(|s| view! { <th scope="col">{format!("#{s}")}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {logs.into_iter().map(|(p, name, log)| view! {
                        <tr data-testid=format!("log-{name}")>
                            <th scope="row" style=format!("--c: {}", spacetime_core::layout::process_colour(p))>{name.clone()}</th>
                            {(1..=slots).map(|s| match log.iter().find(|e| e.slot == s) {
                                Some(e) => view! {
                                    <td class:chosen=e.chosen class:noop=e.command == "no-op"
                                        title=if e.chosen { "chosen" } else { "accepted, not known to be chosen" }>
                                        {if e.chosen { e.command.clone() } else { format!("{}?", e.command) }}
                                    </td>
                                }.into_any(),
                                None => view! { <td class="empty">"·"</td> }.into_any(),
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_read_with_chosen_and_accepted_entries() {
        assert_eq!(
            parse_log("1 x=1, 2 no-op, 3 _, 4 y=2?"),
            vec![
                LogEntry {
                    slot: 1,
                    command: "x=1".into(),
                    chosen: true
                },
                LogEntry {
                    slot: 2,
                    command: "no-op".into(),
                    chosen: true
                },
                LogEntry {
                    slot: 4,
                    command: "y=2".into(),
                    chosen: false
                },
            ]
        );
        assert!(parse_log("").is_empty());
        assert_eq!(slot_decision("slot 3: y=2"), Some((3, "y=2")));
        assert_eq!(slot_decision("x"), None);
    }

    #[test]
    fn two_commands_in_one_slot_are_a_conflict() {
        let d = |p, v: &str| Decision {
            process: p,
            value: v.into(),
            event: 0,
        };
        let ok = [d(0, "slot 1: a"), d(1, "slot 1: a"), d(1, "slot 2: b")];
        assert!(slot_conflicts(&ok).is_empty());
        let bad = [d(0, "slot 1: a"), d(1, "slot 1: c")];
        assert_eq!(slot_conflicts(&bad), vec![(1, "a".into(), "c".into())]);
        assert_eq!(
            distinct_values(&[d(0, "x"), d(1, "x"), d(2, "y")]),
            ["x", "y"]
        );
    }
}
