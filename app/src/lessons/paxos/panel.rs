//! The panel beside the diagram shows what a lecture draws on the board: the chosen value (or the
//! broken promise of two), each acceptor's promised and accepted ballot with the quorum that chose
//! the value marked (its arrows are picked out on the diagram too), and in Multi-Paxos every
//! server's copy of the replicated log.

use std::collections::BTreeMap;

use leptos::prelude::*;
use spacetime_core::lessons::paxos::multipaxos::{MultiPaxosMessage, MultiPaxosParams, SlotValue};
use spacetime_core::lessons::paxos::paxos::{self, Ballot, PaxosMessage};
use spacetime_core::{EventKind, MessageId, ProcessId, Scenario, Trace};

use crate::states::StateTables;
use crate::store::Store;

/// A decision seen so far, read from the `decide` output's typed fact: single-decree Paxos's
/// [`paxos::Decision`] (no slot), or Multi-Paxos's [`SlotValue`] (the slot and its command).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub process: ProcessId,
    /// The value, or in Multi-Paxos the command (`no-op` for a gap), as the protocol writes it.
    pub value: String,
    /// Multi-Paxos's slot.
    pub slot: Option<u64>,
    pub event: usize,
}

/// Every `decide` output made before step `steps`, in order.
pub fn decisions(trace: &Trace, steps: u64) -> Vec<Decision> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .filter(|o| trace.events.get(o.event).is_some_and(|e| e.step < steps))
        .filter_map(|o| {
            let (value, slot) = match (o.fact::<paxos::Decision>(), o.fact::<SlotValue>()) {
                (Some(d), _) => (d.value.clone(), None),
                (_, Some(d)) => (d.value.to_string(), Some(d.slot)),
                _ => return None,
            };
            Some(Decision {
                process: o.process,
                value,
                slot,
                event: o.event,
            })
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
    let received: Vec<(&Ballot, MessageId)> = trace
        .messages
        .iter()
        .filter(|m| m.to == decision.process)
        .filter(|m| {
            m.receive_event
                .is_some_and(|r| trace.events[r].step <= decided_at)
        })
        .filter_map(|m| match m.content::<PaxosMessage>()? {
            PaxosMessage::Accepted { ballot, value } if *value == decision.value => {
                Some((ballot, m.id))
            }
            _ => None,
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

/// One entry of a server's replicated log: the slot, the command, and whether it is known to be
/// chosen (one only accepted so far is shown with a `?`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub slot: u64,
    pub command: String,
    pub chosen: bool,
}

/// Each server's log before step `steps`, from the run's typed facts: a slot is chosen once the
/// server outputs `decide` for it, and accepted (not yet known chosen) once it accepted an
/// `Accept` for it (answered `Accepted` in the same step) or, leading, proposed it. Slots it knows
/// nothing of are left out. Servers are the first `servers` processes.
pub fn replicated_logs(trace: &Trace, steps: u64, servers: usize) -> Vec<Vec<LogEntry>> {
    let shown = trace.events.partition_point(|e| e.step < steps);
    let events = &trace.events[..shown];
    let mut chosen: Vec<BTreeMap<u64, String>> = vec![BTreeMap::new(); servers];
    let mut accepted: Vec<BTreeMap<u64, String>> = vec![BTreeMap::new(); servers];
    for o in trace.outputs.iter().filter(|o| o.event < shown) {
        if let (true, Some(d)) = (o.kind == "decide", o.fact::<SlotValue>()) {
            if let Some(log) = chosen.get_mut(o.process) {
                log.insert(d.slot, d.value.to_string());
            }
        }
    }
    for (i, e) in events.iter().enumerate() {
        if e.process >= servers {
            continue;
        }
        let Some(MultiPaxosMessage::Accept {
            ballot,
            slot,
            value,
            again,
        }) = e
            .message
            .and_then(|m| trace.content_of::<MultiPaxosMessage>(m))
        else {
            continue;
        };
        let took =
            match e.kind {
                // A leader accepts its own proposal as it sends it.
                EventKind::Send => !again,
                EventKind::Receive => events[i + 1..].iter().take_while(|x| x.step == e.step).any(
                    |x| {
                        x.process == e.process
                            && x.kind == EventKind::Send
                            && matches!(
                                x.message.and_then(|m| trace.content_of::<MultiPaxosMessage>(m)),
                                Some(MultiPaxosMessage::Accepted { ballot: b, slot: s })
                                    if b == ballot && s == slot
                            )
                    },
                ),
                _ => false,
            };
        if took {
            accepted[e.process].insert(*slot, value.to_string());
        }
    }
    chosen
        .into_iter()
        .zip(accepted)
        .map(|(chosen, accepted)| {
            let slots: std::collections::BTreeSet<u64> =
                chosen.keys().chain(accepted.keys()).copied().collect();
            slots
                .into_iter()
                .map(|slot| match chosen.get(&slot) {
                    Some(c) => LogEntry {
                        slot,
                        command: c.clone(),
                        chosen: true,
                    },
                    None => LogEntry {
                        slot,
                        command: accepted[&slot].clone(),
                        chosen: false,
                    },
                })
                .collect()
        })
        .collect()
}

/// Slots decided two ways: (slot, first command, other command).
pub fn slot_conflicts(decisions: &[Decision]) -> Vec<(u64, String, String)> {
    let mut first: BTreeMap<u64, &str> = Default::default();
    let mut conflicts = Vec::new();
    for d in decisions {
        let Some(slot) = d.slot else {
            continue;
        };
        let command = d.value.as_str();
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

/// Whether the scenario runs a deliberately broken variant (its protocol says so).
pub fn broken_variant(scenario: &Scenario) -> bool {
    spacetime_core::protocols::find(&scenario.protocol)
        .and_then(|p| p.variant(scenario).ok())
        .is_some_and(|v| v.broken)
}

#[component]
pub fn PaxosPanel() -> impl IntoView {
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
            let slots: std::collections::BTreeSet<u64> = d.iter().filter_map(|x| x.slot).collect();
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
            <Show when=move || store.scenario.with(broken_variant)>
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
                                "Found after {}: {}. Playing it: watch the agreement badge.",
                                spacetime_core::words::count_of(outcome.runs as usize, "run"),
                                spacetime_core::words::count_of(found.added, "intervention")
                            )));
                        }
                        None => status.set(Some(format!(
                            "No schedule of up to {} breaks agreement on this run ({} tried).",
                            spacetime_core::words::count_of(bound.max_interventions, "fault"),
                            spacetime_core::words::count_of(outcome.runs as usize, "run")
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
        let steps = store.cursor.get();
        let servers = store.scenario.with(|s| {
            s.params::<MultiPaxosParams>()
                .map_or(0, |p| p.servers)
                .min(s.processes.len())
        });
        store.trace.with(|t| {
            replicated_logs(t, steps, servers)
                .into_iter()
                .enumerate()
                .filter_map(|(p, log)| Some((p, t.processes.get(p)?.clone(), log)))
                .collect::<Vec<_>>()
        })
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
    use spacetime_core::lessons::paxos::multipaxos::MultiPaxosNode;
    use spacetime_core::testing::scrambled;
    use spacetime_core::{protocols, Run};

    use crate::states::role_tables;
    use crate::store::fields_at;

    fn d(p: ProcessId, slot: Option<u64>, v: &str) -> Decision {
        Decision {
            process: p,
            value: v.into(),
            slot,
            event: 0,
        }
    }

    #[test]
    fn two_commands_in_one_slot_are_a_conflict() {
        let ok = [d(0, Some(1), "a"), d(1, Some(1), "a"), d(1, Some(2), "b")];
        assert!(slot_conflicts(&ok).is_empty());
        let bad = [d(0, Some(1), "a"), d(1, Some(1), "c")];
        assert_eq!(slot_conflicts(&bad), vec![(1, "a".into(), "c".into())]);
        assert_eq!(
            distinct_values(&[d(0, None, "x"), d(1, None, "x"), d(2, None, "y")]),
            ["x", "y"]
        );
    }

    fn paxos_examples() -> Vec<Scenario> {
        protocols::examples()
            .into_iter()
            .filter(|s| s.protocol == "paxos" || s.protocol == "multipaxos")
            .collect()
    }

    /// Everything the panel shows, at one step of a run; state-table cells as the run wrote them.
    fn panel_data(
        s: &Scenario,
        run: &Run,
        initial: &[Vec<spacetime_core::Field>],
        steps: u64,
    ) -> String {
        let trace = run.trace();
        let decided = decisions(trace, steps);
        let quorum = decided.first().map(|x| quorum(trace, x));
        let servers = s.params::<MultiPaxosParams>().map_or(0, |p| p.servers);
        let logs = (s.protocol == "multipaxos").then(|| replicated_logs(trace, steps, servers));
        let tables = role_tables(&trace.processes, &fields_at(trace, steps, initial));
        let shape: Vec<_> = tables
            .iter()
            .map(|t| {
                (
                    t.columns.clone(),
                    t.rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                )
            })
            .collect();
        format!(
            "{decided:?} {:?} {quorum:?} {logs:?} {:?} {shape:?}",
            distinct_values(&decided),
            slot_conflicts(&decided)
        )
    }

    fn run_fields(s: &Scenario) -> Vec<Vec<spacetime_core::Field>> {
        Run::new(s).unwrap().fields()
    }

    #[test]
    fn the_panel_reads_the_same_on_a_scrambled_run() {
        for s in paxos_examples() {
            let plain = Run::complete(&s).unwrap();
            let shown = scrambled(|| Run::complete(&s).unwrap());
            assert!(shown.trace().messages[0].label.starts_with('«'));
            // A run set up but not started reports its fields unscrambled: scramble them as the
            // trace would.
            let plain_initial = run_fields(&s);
            let shown_initial: Vec<Vec<spacetime_core::Field>> = plain_initial
                .iter()
                .map(|fs| {
                    fs.iter()
                        .map(|f| spacetime_core::Field {
                            name: f.name.clone(),
                            value: spacetime_core::testing::scramble(&f.value),
                        })
                        .collect()
                })
                .collect();
            let end = plain.trace().step_count();
            for steps in (0..=end).step_by(7).chain([end]) {
                assert_eq!(
                    panel_data(&s, &plain, &plain_initial, steps),
                    panel_data(&s, &shown, &shown_initial, steps),
                    "{} at step {steps}",
                    s.name
                );
            }
            // The chosen value of a run that decides is found, and so is its quorum.
            let decided = decisions(plain.trace(), end);
            if s.protocol == "paxos" && !decided.is_empty() {
                assert!(!quorum(plain.trace(), &decided[0]).is_empty(), "{}", s.name);
            }
            assert_eq!(
                broken_variant(&s),
                s.variant.starts_with("broken"),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn state_tables_are_the_fields_the_run_recorded() {
        let s = protocols::example("paxos-minority-crash").unwrap();
        let run = Run::complete(&s).unwrap();
        let trace = run.trace();
        let end = trace.step_count();
        let tables = role_tables(&trace.processes, &fields_at(trace, end, &run_fields(&s)));
        let roles: Vec<&str> = tables.iter().map(|t| t.role.as_str()).collect();
        assert_eq!(roles, ["proposer", "acceptor", "learner"]);
        assert_eq!(tables[1].columns, ["promised", "accepted"]);
        assert_eq!(tables[1].rows[0].1, "A1");
        assert_eq!(tables[1].rows[0].2, ["1.P1", "1.P1=x"]);
        assert_eq!(tables[2].rows[0].2, ["x"]);
        // Before the first step: the initial fields.
        let start = role_tables(&trace.processes, &fields_at(trace, 0, &run_fields(&s)));
        assert_eq!(start[1].rows[0].2, ["none", "none"]);
        // Scrambled, the same tables with every text scrambled.
        let shown = scrambled(|| Run::complete(&s).unwrap());
        let scrambled_tables = role_tables(&trace.processes, &fields_at(shown.trace(), end, &[]));
        let scramble = spacetime_core::testing::scramble;
        for (a, b) in tables.iter().zip(&scrambled_tables) {
            assert_eq!(scramble(&a.role), b.role);
            assert_eq!(a.columns, b.columns);
            for (x, y) in a.rows.iter().zip(&b.rows) {
                assert_eq!((x.0, &x.1), (y.0, &y.1));
                let cells: Vec<String> = x.2.iter().map(|c| scramble(c)).collect();
                assert_eq!(cells, y.2);
            }
        }
    }

    /// The logs read from the typed facts are the servers' own logs, step by step.
    #[test]
    fn replicated_logs_are_the_servers_logs() {
        for s in paxos_examples()
            .into_iter()
            .filter(|s| s.protocol == "multipaxos")
        {
            let servers = s.params::<MultiPaxosParams>().unwrap().servers;
            let full = Run::complete(&s).unwrap();
            let end = full.trace().step_count();
            let mut run = Run::new(&s).unwrap();
            for steps in (0..=end).step_by(13).chain([end]) {
                run.run_to_step(steps);
                let logs = replicated_logs(full.trace(), steps, servers);
                for (p, log) in logs.iter().enumerate() {
                    let Some(MultiPaxosNode::Server(server)) = run.process::<MultiPaxosNode>(p)
                    else {
                        panic!("{p} is a server");
                    };
                    let mut want: BTreeMap<u64, LogEntry> = BTreeMap::new();
                    for (slot, (_, v)) in server.accepted() {
                        want.insert(
                            *slot,
                            LogEntry {
                                slot: *slot,
                                command: v.to_string(),
                                chosen: false,
                            },
                        );
                    }
                    for (slot, v) in server.chosen() {
                        want.insert(
                            *slot,
                            LogEntry {
                                slot: *slot,
                                command: v.to_string(),
                                chosen: true,
                            },
                        );
                    }
                    let want: Vec<LogEntry> = want.into_values().collect();
                    assert_eq!(*log, want, "{} S{} at step {steps}", s.name, p + 1);
                }
            }
        }
    }
}
