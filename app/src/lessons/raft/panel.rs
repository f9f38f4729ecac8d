//! The Raft panel, in step with the cursor, drawn as RaftScope draws a cluster: each server as
//! a card with its role, term and vote, ringed by its election timer (the arc is the part of
//! the timeout already elapsed), then every server's log as a row of entries coloured by
//! term, with the commit index marked. Its buttons act on the run at the cursor: partition the
//! leader away from the other servers (clients still reach it), heal every cut link, send a
//! client request, time out a server (its election timeout runs out now), crash or recover a
//! server.
//!
//! Everything is read from the run's typed data: the servers' fields (`role`, `term`, `vote`)
//! as of their last event, the election timers from `trace.timers`, and the logs rebuilt by
//! [`raft::logs_at`] from the `log` and `commit` facts. The layout math is pure and tested
//! below.

use leptos::prelude::*;
use spacetime_core::lessons::raft::raft::{self, RaftParams, ServerLog};
use spacetime_core::{Action, Field, Intervention, ProcessId, ProcessRef, TimerSpan, Trace};

use crate::store::Store;

/// The ring's radius and the card's size, in SVG units.
const RING_R: f64 = 20.0;
const RING_BOX: f64 = 52.0;

/// What the panel shows of one server at the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerCard {
    pub process: ProcessId,
    pub name: String,
    pub up: bool,
    /// `follower`, `candidate` or `leader`.
    pub role: String,
    pub term: String,
    /// Whom it voted for in its current term, or `none`.
    pub vote: String,
    /// The part of its election timeout already elapsed (0 to 1), if the timer runs.
    pub timer: Option<f64>,
}

/// A field's value by name, or `""`.
fn field<'a>(fields: &'a [Field], name: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", |f| f.value.as_str())
}

/// The part of `p`'s election timeout elapsed at time `now`, after the first `steps` steps:
/// `None` if no election timer runs then (a leader's, or a crashed server's).
pub fn timer_fraction(timers: &[TimerSpan], p: ProcessId, steps: u64, now: f64) -> Option<f64> {
    let span = timers
        .iter()
        .rev()
        .find(|t| t.process == p && t.name == raft::ELECTION_TIMEOUT && t.running_at(steps))?;
    let length = span.due.saturating_sub(span.set_at).max(1) as f64;
    Some(((now - span.set_at as f64) / length).clamp(0.0, 1.0))
}

/// The SVG path of an arc of the ring, clockwise from the top, for the fraction `f` of a
/// circle of radius `r` around (`cx`, `cy`). A whole circle is drawn as two half arcs; an
/// empty one as nothing.
pub fn ring_arc(f: f64, cx: f64, cy: f64, r: f64) -> String {
    let f = f.clamp(0.0, 1.0);
    if f <= 0.0 {
        return String::new();
    }
    if f >= 1.0 {
        return format!(
            "M {cx:.2} {:.2} A {r:.2} {r:.2} 0 1 1 {cx:.2} {:.2} A {r:.2} {r:.2} 0 1 1 {cx:.2} {:.2}",
            cy - r,
            cy + r,
            cy - r
        );
    }
    let angle = f * std::f64::consts::TAU;
    let (x, y) = (cx + r * angle.sin(), cy - r * angle.cos());
    let large = if f > 0.5 { 1 } else { 0 };
    format!(
        "M {cx:.2} {:.2} A {r:.2} {r:.2} 0 {large} 1 {x:.2} {y:.2}",
        cy - r
    )
}

/// A term's colour: terms follow one another around the colour wheel, far enough apart that
/// neighbours differ (term 0, no entry, is grey).
pub fn term_colour(term: u64) -> String {
    if term == 0 {
        return "hsl(0 0% 60%)".into();
    }
    let hue = (term * 137 + 200) % 360;
    format!("hsl({hue} 65% 55%)")
}

/// One cell of a log row: the entry's index, term and command, and whether it is committed
/// on this server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogCell {
    pub index: u64,
    pub term: u64,
    pub command: String,
    pub committed: bool,
}

/// A server's log as the row shows it.
pub fn log_cells(log: &ServerLog) -> Vec<LogCell> {
    log.entries
        .iter()
        .enumerate()
        .map(|(i, e)| LogCell {
            index: i as u64 + 1,
            term: e.term,
            command: e.command.to_string(),
            committed: (i as u64) < log.commit,
        })
        .collect()
}

/// The leader at the cursor: the server that is up, leads, and has the highest term among
/// those that lead (a partitioned old leader may still think it leads).
pub fn current_leader(cards: &[ServerCard]) -> Option<ProcessId> {
    cards
        .iter()
        .filter(|c| c.up && c.role == "leader")
        .max_by_key(|c| c.term.parse::<u64>().unwrap_or(0))
        .map(|c| c.process)
}

/// The actions that cut (or heal) every link between `leader` and the other servers.
pub fn partition_actions(leader: ProcessId, servers: usize, heal: bool) -> Vec<Action> {
    (0..servers)
        .filter(|&q| q != leader)
        .map(|q| {
            let between = [ProcessRef::Index(leader), ProcessRef::Index(q)];
            if heal {
                Action::Heal { between }
            } else {
                Action::Cut { between }
            }
        })
        .collect()
}

/// The command the panel's "client request" button sends next: `v=1`, `v=2`, ... counting the
/// requests already handed in, so each one overwrites the key and the store shows which came
/// last.
pub fn next_request(interventions: &[Intervention]) -> String {
    let made = interventions
        .iter()
        .filter(|i| matches!(i.action, Action::Request { .. }))
        .count();
    format!("v={}", made + 1)
}

/// The client that takes the learner's request: the first one that is up.
pub fn request_client(servers: usize, up: &[bool]) -> Option<ProcessId> {
    (servers..up.len()).find(|&c| up[c])
}

/// The servers' cards at the cursor.
pub fn cards_at(
    trace: &Trace,
    fields: &[Vec<Field>],
    up: &[bool],
    servers: usize,
    steps: u64,
    now: f64,
) -> Vec<ServerCard> {
    (0..servers.min(trace.processes.len()))
        .map(|p| {
            let f = fields.get(p).map_or(&[][..], Vec::as_slice);
            let up = up.get(p).copied().unwrap_or(true);
            ServerCard {
                process: p,
                name: trace.processes[p].clone(),
                up,
                role: field(f, "role").to_string(),
                term: field(f, "term").to_string(),
                vote: field(f, "vote").to_string(),
                timer: if up {
                    timer_fraction(&trace.timers, p, steps, now)
                } else {
                    None
                },
            }
        })
        .collect()
}

#[component]
pub fn RaftPanel() -> impl IntoView {
    let store = Store::get();
    let servers = Memo::new(move |_| {
        store.scenario.with(|s| {
            s.params::<RaftParams>()
                .map_or(0, |p| p.servers)
                .min(s.processes.len())
        })
    });
    let cards = Memo::new(move |_| {
        let steps = store.cursor.get();
        let now = store.view_time();
        let fields = store.fields_at_cursor();
        let up = store.up_at_cursor();
        let n = servers.get();
        store
            .trace
            .with(|t| cards_at(t, &fields, &up, n, steps, now))
    });
    let logs = Memo::new(move |_| {
        let steps = store.cursor.get();
        let n = servers.get();
        store.trace.with(|t| raft::logs_at(t, steps, n))
    });
    let cut_any = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| !t.cut_links_at(steps).is_empty())
    });
    let leader = Memo::new(move |_| cards.with(|c| current_leader(c)));

    let partition = move |_| {
        let Some(l) = leader.get_untracked() else {
            return;
        };
        let step = store.cursor.get_untracked();
        for action in partition_actions(l, servers.get_untracked(), false) {
            store.intervene_at(step, action);
        }
    };
    let heal = move |_| {
        let step = store.cursor.get_untracked();
        let links = store.trace.with_untracked(|t| t.cut_links_at(step));
        for [a, b] in links {
            store.intervene_at(
                step,
                Action::Heal {
                    between: [ProcessRef::Index(a), ProcessRef::Index(b)],
                },
            );
        }
    };
    let client = Memo::new(move |_| request_client(servers.get(), &store.up_at_cursor()));
    let request = move |_| {
        let Some(c) = client.get_untracked() else {
            return;
        };
        let text = store
            .scenario
            .with_untracked(|s| next_request(&s.interventions));
        store.intervene(Action::Request {
            process: ProcessRef::Index(c),
            request: text,
        });
    };
    let leader_name = move || {
        leader
            .get()
            .and_then(|l| cards.with(|c| c.iter().find(|x| x.process == l).map(|x| x.name.clone())))
    };

    view! {
        <section class="panel raft-panel" data-testid="raft-panel" aria-label="Raft servers and logs">
            <div class="raft-banner" role="status" data-testid="raft-leader">
                {move || match leader_name() {
                    Some(n) => format!("Leader: {n}, term {}", cards.with(|c| c.iter().find(|x| Some(x.process) == leader.get()).map(|x| x.term.clone()).unwrap_or_default())),
                    None => "No leader at this step".to_string(),
                }}
            </div>
            <div class="raft-servers">
                {move || cards.get().into_iter().map(|c| view! { <ServerView card=c/> }).collect_view()}
            </div>
            <div class="raft-actions">
                <button data-testid="action-partition-leader" on:click=partition
                    disabled=move || leader.get().is_none()
                    title="Cut every link between the leader and the other servers at this step (clients still reach it): the others elect a new leader, and the old one's new entries never commit">
                    "Partition the leader away"
                </button>
                <button data-testid="action-request" on:click=request
                    disabled=move || client.get().is_none()
                    title="A client sends a new command (v=1, v=2, ...) to the server it believes leads: watch it be redirected, replicated, committed and answered">
                    {move || match client.get() {
                        Some(c) => format!("Client request (via {})", store.trace.with(|t| t.processes.get(c).cloned().unwrap_or_default())),
                        None => "Client request (no client is up)".to_string(),
                    }}
                </button>
                <button data-testid="action-heal" on:click=heal disabled=move || !cut_any.get()
                    title="Heal every link cut at this step: the old leader hears of the newer term and its log is repaired">
                    "Heal the links"
                </button>
            </div>
            <RaftLogs logs=logs cards=cards/>
        </section>
    }
}

/// One server: the election timer's ring around its name, its role, term and vote, and a
/// crash or recover button.
#[component]
fn ServerView(card: ServerCard) -> impl IntoView {
    let store = Store::get();
    let c = RING_BOX / 2.0;
    let arc = card.timer.map(|f| ring_arc(f, c, c, RING_R));
    let p = card.process;
    let up = card.up;
    let toggle = move |_| {
        let process = ProcessRef::Index(p);
        store.intervene(if up {
            Action::Crash { process }
        } else {
            Action::Recover { process }
        });
    };
    let time_out = move |_| {
        store.intervene(Action::Fire {
            process: ProcessRef::Index(p),
            timer: raft::ELECTION_TIMEOUT.into(),
        })
    };
    let can_time_out = card.timer.is_some();
    let timer_title = match card.timer {
        Some(f) => format!("election timeout: {:.0}% elapsed", f * 100.0),
        None if !card.up => "crashed".to_string(),
        None => "no election timer (a leader sends heartbeats instead)".to_string(),
    };
    let timer_label = timer_title.clone();
    let vote = if card.vote.is_empty() {
        "none".to_string()
    } else {
        card.vote.clone()
    };
    view! {
        <div class="raft-server" class:down=!card.up data-role=card.role.clone()
            data-testid=format!("raft-server-{}", card.name)>
            <svg class="raft-ring" viewBox=format!("0 0 {RING_BOX} {RING_BOX}") role="img"
                aria-label=timer_label>
                <title>{timer_title}</title>
                <circle class="ring-track" cx=c cy=c r=RING_R/>
                {arc.filter(|a| !a.is_empty()).map(|d| view! { <path class="ring-arc" d=d data-testid="raft-timer-arc"/> })}
                <text class="ring-name" x=c y=c + 4.0 text-anchor="middle">{card.name.clone()}</text>
            </svg>
            <div class="raft-facts">
                <span class="raft-role" data-testid="raft-role">{if card.up { card.role.clone() } else { "crashed".to_string() }}</span>
                <span>"term " <strong data-testid="raft-term">{card.term.clone()}</strong></span>
                <span>"vote " {vote}</span>
            </div>
            {can_time_out.then(|| view! {
                <button class="raft-timeout" data-testid=format!("raft-timeout-{}", card.name) on:click=time_out
                    title="Make this server's election timeout run out now: it becomes a candidate in the next term and asks for votes">
                    "time out"
                </button>
            })}
            <button class="raft-toggle" data-testid=format!("raft-toggle-{}", card.name) on:click=toggle
                title=if up { "Crash this server now: it keeps its term, vote and log" } else { "Recover this server now" }>
                {if up { "crash" } else { "recover" }}
            </button>
        </div>
    }
}

/// Every server's log: a row of entries coloured by term, the committed ones marked, and a
/// bar after the last committed entry.
#[component]
fn RaftLogs(logs: Memo<Vec<ServerLog>>, cards: Memo<Vec<ServerCard>>) -> impl IntoView {
    move || {
        let logs = logs.get();
        let names: Vec<String> = cards.with(|c| c.iter().map(|x| x.name.clone()).collect());
        let width = logs.iter().map(|l| l.entries.len()).max().unwrap_or(0);
        view! {
            <table class="raft-logs" data-testid="raft-logs">
                <caption>"Logs (colour = term; solid = committed on that server)"</caption>
                <thead><tr><th scope="col">"server"</th>
                    {(1..=width).map(|i| view! { <th scope="col">{i}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {logs.iter().enumerate().map(|(p, log)| {
                        let cells = log_cells(log);
                        let name = names.get(p).cloned().unwrap_or_default();
                        view! {
                            <tr data-testid=format!("raft-log-{name}") data-commit=log.commit>
                                <th scope="row">{name.clone()}</th>
                                {(0..width).map(|i| match cells.get(i) {
                                    Some(cell) => view! {
                                        <td class="raft-entry" class:committed=cell.committed
                                            class:commit-mark=cell.index == log.commit
                                            style=format!("--term: {}", term_colour(cell.term))
                                            title=format!("index {}, term {}: {}{}", cell.index, cell.term, cell.command,
                                                if cell.committed { ", committed" } else { ", not committed here" })>
                                            <span class="raft-entry-term">{cell.term}</span>
                                            <span class="raft-entry-cmd">{cell.command.clone()}</span>
                                        </td>
                                    }.into_any(),
                                    None => view! { <td class="raft-entry empty"></td> }.into_any(),
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::{protocols, Run};

    use crate::store::fields_at;

    fn end_of(path: &str) -> (f64, f64) {
        let nums: Vec<f64> = path
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        (nums[nums.len() - 2], nums[nums.len() - 1])
    }

    #[test]
    fn the_ring_runs_clockwise_from_the_top() {
        assert_eq!(ring_arc(0.0, 26.0, 26.0, 20.0), "");
        // A quarter: from the top to the right.
        let (x, y) = end_of(&ring_arc(0.25, 26.0, 26.0, 20.0));
        assert!(
            (x - 46.0).abs() < 0.01 && (y - 26.0).abs() < 0.01,
            "{x} {y}"
        );
        assert!(ring_arc(0.25, 26.0, 26.0, 20.0).contains(" 0 0 1 "));
        // Three quarters takes the large arc and ends on the left.
        let three = ring_arc(0.75, 26.0, 26.0, 20.0);
        assert!(three.contains(" 0 1 1 "));
        let (x, y) = end_of(&three);
        assert!((x - 6.0).abs() < 0.01 && (y - 26.0).abs() < 0.01, "{x} {y}");
        // A full ring closes at the top; more than full is full.
        let full = ring_arc(1.5, 26.0, 26.0, 20.0);
        assert_eq!(full.matches(" A ").count(), 2);
        assert_eq!(end_of(&full), (26.0, 6.0));
    }

    #[test]
    fn terms_have_distinct_colours_next_to_each_other() {
        for t in 1..12 {
            assert_ne!(term_colour(t), term_colour(t + 1));
        }
        assert_eq!(term_colour(0), "hsl(0 0% 60%)");
    }

    #[test]
    fn the_partition_cuts_the_leader_from_every_other_server() {
        let actions = partition_actions(1, 5, false);
        assert_eq!(actions.len(), 4);
        assert!(actions.iter().all(|a| matches!(a,
            Action::Cut { between: [ProcessRef::Index(1), ProcessRef::Index(q)] } if *q != 1 && *q < 5)));
        assert!(partition_actions(0, 3, true)
            .iter()
            .all(|a| matches!(a, Action::Heal { .. })));
    }

    /// In the calm run, after the election the cards show one leader of term 1, whose
    /// election timer is off while every follower's runs, and the log rows end committed.
    #[test]
    fn the_calm_run_reads_as_raftscope_draws_it() {
        let s = protocols::example("raft-calm").unwrap();
        let run = Run::complete(&s).unwrap();
        let t = run.trace();
        let initial = run.fields();
        let elected = t.outputs.iter().find(|o| o.kind == "elected").unwrap();
        let steps = t.events[elected.event].step + 1;
        let now = t.time_at_step(steps) as f64;
        let cards = cards_at(t, &fields_at(t, steps, &initial), &[true; 6], 5, steps, now);
        assert_eq!(cards.len(), 5);
        let leader = current_leader(&cards).expect("a leader");
        assert_eq!(cards[leader].role, "leader");
        assert_eq!(cards[leader].term, "1");
        assert_eq!(cards[leader].timer, None, "a leader has no election timer");
        for c in cards.iter().filter(|c| c.process != leader) {
            assert!(c.role != "leader", "{}", c.name);
        }
        let end = t.step_count();
        let logs = raft::logs_at(t, end, 5);
        for (p, log) in logs.iter().enumerate() {
            let cells = log_cells(log);
            assert_eq!(cells.len(), 3, "S{}", p + 1);
            assert!(
                cells.iter().all(|c| c.term == 1 && c.committed),
                "S{}",
                p + 1
            );
            assert_eq!(
                cells.iter().map(|c| c.command.as_str()).collect::<Vec<_>>(),
                ["x=1", "y=2", "z=3"]
            );
        }
        // At the end, every follower's election timer is running (heartbeats reset it).
        let now = t.time_at_step(end) as f64;
        let cards = cards_at(t, &fields_at(t, end, &initial), &[true; 6], 5, end, now);
        for c in cards.iter().filter(|c| c.role == "follower") {
            let f = c.timer.expect("a follower's timer runs");
            assert!((0.0..=1.0).contains(&f), "{}: {f}", c.name);
        }
    }

    /// The partition action, applied to the calm run just after the election, makes the
    /// others elect a new leader in a later term.
    #[test]
    fn partitioning_the_leader_elects_another() {
        let mut s = protocols::example("raft-calm").unwrap();
        let t = Run::complete(&s).unwrap().trace().clone();
        let elected = t.outputs.iter().find(|o| o.kind == "elected").unwrap();
        let old = elected.process;
        let step = t.events[elected.event].step + 1;
        for action in partition_actions(old, 5, false) {
            s.interventions
                .push(spacetime_core::Intervention { step, action });
        }
        let run = Run::complete(&s).unwrap();
        let terms: Vec<(u64, ProcessId)> = raft::facts::<raft::Elected>(run.trace(), "elected")
            .map(|(o, e)| (e.term, o.process))
            .collect();
        assert!(
            terms.iter().any(|&(term, p)| term > 1 && p != old),
            "{terms:?}"
        );
    }

    #[test]
    fn requests_count_up_and_go_to_the_first_client_that_is_up() {
        assert_eq!(next_request(&[]), "v=1");
        let made = [
            Intervention {
                step: 3,
                action: Action::Request {
                    process: ProcessRef::Index(5),
                    request: "v=1".into(),
                },
            },
            Intervention {
                step: 4,
                action: Action::Crash {
                    process: ProcessRef::Index(0),
                },
            },
        ];
        assert_eq!(next_request(&made), "v=2");
        assert_eq!(request_client(3, &[true, true, true, false, true]), Some(4));
        assert_eq!(request_client(3, &[true, true, true]), None);
    }

    /// A term past the timer's due time is a full ring, never more.
    #[test]
    fn the_timer_fraction_is_clamped() {
        let span = TimerSpan {
            process: 0,
            name: raft::ELECTION_TIMEOUT.into(),
            set_step: 0,
            set_at: 100,
            due: 300,
            stopped: None,
        };
        let timers = [span];
        assert_eq!(timer_fraction(&timers, 0, 1, 200.0), Some(0.5));
        assert_eq!(timer_fraction(&timers, 0, 1, 400.0), Some(1.0));
        assert_eq!(timer_fraction(&timers, 1, 1, 200.0), None);
        assert_eq!(timer_fraction(&timers, 0, 0, 200.0), None, "not set yet");
    }
}
