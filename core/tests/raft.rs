//! Raft: the correct variant keeps the paper's five safety properties over ten thousand random
//! runs with loss, duplication, crashes and partitions, and its liveness whenever it promises
//! it; the counterexample search breaks both broken variants; the examples do what their
//! descriptions say; runs are deterministic; bad parameters are named.

use std::time::Instant;

use spacetime_core::lessons::raft::raft::{
    facts, logs_at, Applied, Committed, Elected, LogChange, Raft, RaftMessage, RaftNode, RaftParams,
};
use spacetime_core::protocols;
use spacetime_core::search::{find_violation, SearchBound};
use spacetime_core::{
    Action, Fault, Latency, Limits, NetworkModel, ProcessRef, PropertyKind, PropertyReport,
    Protocol, Run, Scenario, ScenarioError, Trace,
};

const SAFETY: [&str; 5] = [
    "election-safety",
    "leader-append-only",
    "log-matching",
    "leader-completeness",
    "state-machine-safety",
];

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn check(s: &Scenario) -> (Trace, Vec<PropertyReport>) {
    let run = Run::complete(s).unwrap_or_else(|e| panic!("{} does not run: {e}", s.name));
    let trace = run.trace().clone();
    let reports = run.check(&trace);
    (trace, reports)
}

fn holds(reports: &[PropertyReport], name: &str) -> bool {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
        .verdict
        .holds()
}

fn name(trace: &Trace, p: usize) -> &str {
    &trace.processes[p]
}

/// (leader, term) of every election, in order.
fn elections(trace: &Trace) -> Vec<(String, u64)> {
    facts::<Elected>(trace, "elected")
        .map(|(o, e)| (name(trace, o.process).to_string(), e.term))
        .collect()
}

/// Every message's typed content with its sender, receiver and send time.
fn messages(trace: &Trace) -> Vec<(&str, &str, u64, &RaftMessage)> {
    trace
        .messages
        .iter()
        .filter_map(|m| {
            Some((
                name(trace, m.from),
                name(trace, m.to),
                m.sent_at,
                m.content::<RaftMessage>()?,
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Ten thousand random runs

/// A small random run drawn from `seed`: 1 to 5 servers, a client, loss, duplication, and
/// crashes (recovered or not) and partitions (healed or not).
fn random_run(seed: u64) -> Scenario {
    let r = |k: u64| {
        let mut x = seed
            .wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 31;
        x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
        (x ^ (x >> 29)) % 1_000_000
    };
    let servers = [1, 2, 3, 3, 3, 4, 5][(r(1) % 7) as usize];
    let params = RaftParams {
        servers,
        clients: 1,
        commands: vec![vec!["x=1".into(), "y=2".into(), "z=3".into()]],
        start: 200 + r(2) % 200,
        interval: 20,
        election_min: 100 + r(3) % 60,
        election_max: 200 + r(4) % 100,
        heartbeat: 40,
        retry_after: 200,
        batch: 1 + (r(5) % 4) as usize,
    };
    let mut s = Scenario {
        name: format!("raft-sweep-{seed}"),
        title: String::new(),
        description: String::new(),
        protocol: "raft".into(),
        variant: "correct".into(),
        processes: spacetime_core::lessons::raft::raft::process_names(servers, 1),
        params: serde_json::to_value(params).unwrap(),
        network: NetworkModel {
            latency: Latency {
                min: 5,
                max: 10 + r(6) % 30,
            },
            loss: [0.0, 0.0, 0.05, 0.15, 0.3][(r(7) % 5) as usize],
            duplicate: [0.0, 0.0, 0.1, 0.3][(r(8) % 4) as usize],
            fifo: false,
            links: Vec::new(),
            timing: Default::default(),
        },
        faults: Vec::new(),
        seed,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 5_000,
            max_time: Some(1_200),
        },
    };
    let p = |k: u64| ProcessRef::Index((r(k) % servers as u64) as usize);
    for i in 0..(r(9) % 4) {
        let k = 10 + i * 10;
        let at = 50 + r(k) % 900;
        match r(k + 1) % 5 {
            3 => s.faults.push(Fault {
                at,
                action: Action::Fire {
                    process: p(k + 2),
                    timer: "election timeout".into(),
                },
            }),
            4 => s.faults.push(Fault {
                at,
                action: Action::Request {
                    process: ProcessRef::Index(servers),
                    request: "w=9".into(),
                },
            }),
            0 => s.faults.push(Fault {
                at,
                action: Action::Crash { process: p(k + 2) },
            }),
            1 => {
                s.faults.push(Fault {
                    at,
                    action: Action::Crash { process: p(k + 2) },
                });
                s.faults.push(Fault {
                    at: at + 20 + r(k + 3) % 300,
                    action: Action::Recover { process: p(k + 2) },
                });
            }
            _ => {
                let (a, b) = (p(k + 2), p(k + 4));
                if a != b {
                    let between = [a, b];
                    s.faults.push(Fault {
                        at,
                        action: Action::Cut {
                            between: between.clone(),
                        },
                    });
                    if r(k + 5) % 3 > 0 {
                        s.faults.push(Fault {
                            at: at + 20 + r(k + 6) % 400,
                            action: Action::Heal { between },
                        });
                    }
                }
            }
        }
    }
    s
}

/// How many seeds the sweep runs: 10,000 unless `RAFT_SWEEP` says otherwise.
fn sweep_size() -> u64 {
    std::env::var("RAFT_SWEEP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

#[test]
fn correct_raft_is_safe_in_ten_thousand_runs() {
    let started = Instant::now();
    let (mut promised, mut elected, mut committed) = (0, 0, 0);
    for seed in 0..sweep_size() {
        let s = random_run(seed);
        let (trace, reports) = check(&s);
        assert!(trace.warnings.is_empty(), "{seed}: {:?}", trace.warnings);
        for r in &reports {
            if r.kind == PropertyKind::Safety {
                assert!(r.promised, "{} is a promise of Raft", r.name);
            }
            assert!(
                !r.is_broken_promise(),
                "seed {seed}: {} broken: {:?}\n{}",
                r.name,
                r.verdict,
                s.to_json()
            );
        }
        promised += usize::from(
            reports
                .iter()
                .any(|r| r.kind == PropertyKind::Liveness && r.promised),
        );
        elected += usize::from(!elections(&trace).is_empty());
        committed += usize::from(facts::<Committed>(&trace, "commit").next().is_some());
    }
    let n = sweep_size() as usize;
    eprintln!(
        "raft sweep: {n} runs in {:.1?}; liveness promised in {promised}, a leader elected in \
         {elected}, something committed in {committed}",
        started.elapsed()
    );
    // The sweep exercises what it claims to: elections, commits, and promised liveness.
    assert!(elected * 10 > n * 8, "{elected} of {n} elected a leader");
    assert!(committed * 10 > n * 6, "{committed} of {n} committed");
    assert!(
        promised * 20 > n,
        "liveness promised in only {promised} of {n}"
    );
}

// ---------------------------------------------------------------------------------------------
// The learner's hand: a hurried election timeout, a client request

/// The steps at which `trace` has a server's election timeout running, with the server.
fn running_election_timeouts(trace: &Trace, steps: u64) -> Vec<usize> {
    trace
        .timers
        .iter()
        .filter(|t| t.name == "election timeout" && t.running_at(steps))
        .map(|t| t.process)
        .collect()
}

#[test]
fn a_hurried_election_timeout_starts_an_election_at_that_step() {
    let calm = example("raft-calm");
    let (trace, _) = check(&calm);
    // Once S2 leads, every follower's election timeout runs; hurry S4's.
    let led = facts::<Elected>(&trace, "elected").next().unwrap().0.event;
    let step = trace.events[led].step + 3;
    assert!(running_election_timeouts(&trace, step).contains(&3));
    let mut s = calm.clone();
    s.interventions = vec![spacetime_core::Intervention {
        step,
        action: Action::Fire {
            process: ProcessRef::Name("S4".into()),
            timer: "election timeout".into(),
        },
    }];
    let (trace, reports) = check(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let said = trace.narration(step as usize);
    assert!(
        said.starts_with("You make S4's election timeout run out now."),
        "{said}"
    );
    // S4 asks for votes in term 2 at that very step.
    let asks: Vec<_> = messages(&trace)
        .into_iter()
        .filter(|(from, _, _, m)| {
            *from == "S4" && matches!(m, RaftMessage::RequestVote { term: 2, .. })
        })
        .collect();
    assert_eq!(asks.len(), 4, "{asks:?}");
    let first_ask = trace
        .messages
        .iter()
        .find(|m| {
            m.from == 3
                && matches!(
                    m.content::<RaftMessage>(),
                    Some(RaftMessage::RequestVote { term: 2, .. })
                )
        })
        .unwrap();
    assert_eq!(trace.events[first_ask.send_event].step, step);
    // The leader it interrupts, S2, steps down when it sees term 2.
    assert!(
        trace.events.iter().any(|e| e.process == 1
            && e.step >= step
            && e.field("term") == Some("2")
            && e.field("role") == Some("follower")),
        "S2 never follows in term 2"
    );
    // Someone leads term 2 or later, and safety holds; liveness is no longer promised.
    assert!(elections(&trace).iter().any(|(_, term)| *term >= 2));
    for r in &reports {
        assert!(!r.is_broken_promise(), "{}: {:?}", r.name, r.verdict);
        if r.kind == PropertyKind::Liveness {
            assert!(!r.promised);
            assert!(
                r.description.contains("not promised because"),
                "{}",
                r.description
            );
        }
    }
}

#[test]
fn a_timer_that_is_not_running_cannot_be_hurried() {
    let mut s = example("raft-calm");
    // At step 0 nothing has started: no timer runs yet.
    s.interventions = vec![spacetime_core::Intervention {
        step: 0,
        action: Action::Fire {
            process: ProcessRef::Name("S1".into()),
            timer: "no such timer".into(),
        },
    }];
    let (trace, _) = check(&s);
    assert_eq!(trace.warnings.len(), 1, "{:?}", trace.warnings);
    assert!(
        trace.warnings[0].contains("S1 has no timer \"no such timer\" running"),
        "{:?}",
        trace.warnings
    );
}

#[test]
fn a_request_handed_to_a_client_is_committed_and_applied_everywhere() {
    let calm = example("raft-calm");
    let (trace, _) = check(&calm);
    let step = trace.steps.len() as u64 / 2;
    let mut s = calm.clone();
    s.interventions = vec![spacetime_core::Intervention {
        step,
        action: Action::Request {
            process: ProcessRef::Name("C1".into()),
            request: "k=7".into(),
        },
    }];
    let (trace, reports) = check(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    assert!(trace
        .narration(step as usize)
        .starts_with("A client hands C1 the request k=7."));
    for r in &reports {
        assert!(!r.is_broken_promise(), "{}: {:?}", r.name, r.verdict);
    }
    for p in 0..5 {
        let applied: Vec<String> = facts::<Applied>(&trace, "apply")
            .filter(|(o, _)| o.process == p)
            .map(|(_, a)| a.entry.command.to_string())
            .collect();
        assert!(
            applied.contains(&"k=7".to_string()),
            "S{}: {applied:?}",
            p + 1
        );
    }
    // A request a client cannot read is refused in words, and changes no log.
    let mut bad = calm.clone();
    bad.interventions = vec![spacetime_core::Intervention {
        step,
        action: Action::Request {
            process: ProcessRef::Name("C1".into()),
            request: "not a command".into(),
        },
    }];
    let (trace, _) = check(&bad);
    assert!(
        trace.narration(step as usize).contains("C1 cannot send it"),
        "{}",
        trace.narration(step as usize)
    );
    let (calm_trace, _) = check(&calm);
    let applied = |t: &Trace| facts::<Applied>(t, "apply").count();
    assert_eq!(applied(&trace), applied(&calm_trace));
}

// ---------------------------------------------------------------------------------------------
// Broken variants and the counterexample search

#[test]
fn the_search_breaks_broken_commit_and_the_replay_shows_it() {
    // The Figure 8 schedule without its last crash: the search finds when to crash S1.
    let mut s = example("raft-broken-commit");
    let last = s.faults.pop().unwrap();
    assert!(matches!(last.action, Action::Crash { .. }));
    let (_, reports) = check(&s);
    assert!(
        SAFETY.iter().all(|p| holds(&reports, p)),
        "safe without the crash"
    );
    let bound = SearchBound {
        max_interventions: 1,
        ..SearchBound::default()
    };
    let outcome = find_violation(&s, "leader-completeness", &bound).unwrap();
    let found = outcome.violation.expect("the search breaks broken-commit");
    let mut replay = s.clone();
    replay.interventions = found.interventions.clone();
    let (_, reports) = check(&replay);
    assert!(!holds(&reports, "leader-completeness"));
    // The same schedule is harmless to the correct variant.
    let mut correct = replay.clone();
    correct.variant = "correct".into();
    let (_, reports) = check(&correct);
    assert!(SAFETY.iter().all(|p| holds(&reports, p)));
}

#[test]
fn the_search_breaks_broken_vote_and_the_replay_shows_it() {
    let mut s = example("raft-follower-repair");
    s.variant = "broken-vote".into();
    let (_, reports) = check(&s);
    assert!(SAFETY.iter().all(|p| holds(&reports, p)), "safe as it runs");
    let outcome = find_violation(&s, "leader-completeness", &SearchBound::default()).unwrap();
    let found = outcome.violation.expect("the search breaks broken-vote");
    let mut replay = s.clone();
    replay.interventions = found.interventions.clone();
    let (_, reports) = check(&replay);
    assert!(!holds(&reports, "leader-completeness"), "{found:?}");
    let mut correct = replay.clone();
    correct.variant = "correct".into();
    let (_, reports) = check(&correct);
    assert!(SAFETY.iter().all(|p| holds(&reports, p)));
}

// ---------------------------------------------------------------------------------------------
// The examples do what their descriptions say

#[test]
fn calm_one_leader_three_commands_everywhere() {
    let (trace, reports) = check(&example("raft-calm"));
    assert!(reports.iter().all(|r| r.verdict.holds() && r.promised));
    assert_eq!(elections(&trace), [("S2".to_string(), 1)]);
    // A majority voted for S2 in term 1 (its own vote and at least two more), nobody else won one.
    let votes = messages(&trace);
    let yes = votes
        .iter()
        .filter(|(_, to, _, m)| {
            *to == "S2"
                && matches!(
                    m,
                    RaftMessage::Vote {
                        term: 1,
                        granted: true
                    }
                )
        })
        .count();
    assert!(yes >= 2, "{yes}");
    assert!(!votes
        .iter()
        .any(|(_, to, _, m)| *to != "S2" && matches!(m, RaftMessage::Vote { granted: true, .. })));
    for p in 0..5 {
        let applied: Vec<String> = facts::<Applied>(&trace, "apply")
            .filter(|(o, _)| o.process == p)
            .map(|(_, a)| a.entry.command.to_string())
            .collect();
        assert_eq!(applied, ["x=1", "y=2", "z=3"], "S{}", p + 1);
    }
}

#[test]
fn split_vote_then_s2_wins_term_2() {
    let (trace, reports) = check(&example("raft-split-vote"));
    // Safe, and live in this run, though a range this narrow cannot promise liveness.
    assert!(reports.iter().all(|r| r.verdict.holds()));
    assert!(reports
        .iter()
        .any(|r| !r.promised && r.description.contains("too narrow")));
    let candidates: std::collections::BTreeSet<&str> = messages(&trace)
        .iter()
        .filter(|(_, _, _, m)| matches!(m, RaftMessage::RequestVote { term: 1, .. }))
        .map(|(from, ..)| *from)
        .collect();
    assert!(candidates.len() >= 2, "{candidates:?}");
    assert_eq!(elections(&trace)[0], ("S2".to_string(), 2));
    assert_eq!(
        facts::<Committed>(&trace, "commit")
            .filter(|(_, c)| c.leader)
            .count(),
        3
    );
}

#[test]
fn leader_crash_s3_takes_over_and_s2_follows() {
    let (trace, reports) = check(&example("raft-leader-crash"));
    assert!(reports.iter().all(|r| r.verdict.holds()));
    assert_eq!(
        elections(&trace),
        [("S2".to_string(), 1), ("S3".to_string(), 2)]
    );
    let commits: Vec<(u64, u64, String)> = facts::<Committed>(&trace, "commit")
        .filter(|(_, c)| c.leader)
        .map(|(_, c)| (c.index, c.entry.term, c.entry.command.to_string()))
        .collect();
    assert_eq!(commits[0], (1, 1, "x=1".into()));
    // The old copy of y=2 (term 1) commits with the first entry of term 2.
    assert!(commits.contains(&(2, 1, "y=2".into())));
    assert!(commits.iter().any(|c| c.1 == 2 && c.2 == "y=2"));
    assert!(commits.iter().any(|c| c.2 == "z=3"));
    let end = trace.step_count();
    let logs = logs_at(&trace, end, 5);
    assert!(
        logs.iter().all(|l| l.entries == logs[2].entries),
        "S2 caught up"
    );
}

#[test]
fn partitioned_leader_appends_what_never_commits_then_is_repaired() {
    let (trace, reports) = check(&example("raft-partitioned-leader"));
    assert!(reports.iter().all(|r| r.verdict.holds()));
    let stuck: Vec<String> = facts::<LogChange>(&trace, "log")
        .filter(|(o, c)| {
            name(&trace, o.process) == "S2" && c.leader && trace.events[o.event].time > 560
        })
        .flat_map(|(_, c)| c.added.iter().map(|e| format!("t{} {}", e.term, e.command)))
        .collect();
    assert_eq!(stuck, ["t1 b=2", "t1 y=2"]);
    // Neither commits in term 1.
    assert!(!facts::<Committed>(&trace, "commit").any(|(_, c)| c.entry.term == 1 && c.index >= 3));
    assert_eq!(elections(&trace)[1], ("S3".to_string(), 2));
    // After the heal, S2 drops them and takes the leader's entries.
    let repaired = facts::<LogChange>(&trace, "log").any(|(o, c)| {
        name(&trace, o.process) == "S2"
            && trace.events[o.event].time > 1_200
            && c.removed.len() == 2
    });
    assert!(repaired);
    let logs = logs_at(&trace, trace.step_count(), 5);
    assert!(logs.iter().all(|l| l.entries == logs[2].entries));
}

#[test]
fn a_follower_is_repaired_by_backing_off() {
    let (trace, reports) = check(&example("raft-follower-repair"));
    assert!(reports.iter().all(|r| r.verdict.holds()));
    assert_eq!(elections(&trace)[1], ("S4".to_string(), 2));
    let fails: Vec<u64> = messages(&trace)
        .iter()
        .filter_map(|(from, to, _, m)| match m {
            RaftMessage::AppendReply {
                success: false,
                prev_index,
                ..
            } if *from == "S5" && *to == "S4" => Some(*prev_index),
            _ => None,
        })
        .collect();
    let mut steps = fails.clone();
    steps.dedup();
    assert_eq!(steps, [3, 2, 1], "{fails:?}");
    let applied = facts::<Applied>(&trace, "apply")
        .filter(|(o, _)| name(&trace, o.process) == "S5")
        .count();
    assert_eq!(applied, 3);
}

#[test]
fn figure_8_the_earlier_term_entry_is_replaced_uncommitted() {
    let (trace, reports) = check(&example("raft-figure-8"));
    assert!(SAFETY.iter().all(|p| holds(&reports, p)));
    let e = elections(&trace);
    assert_eq!(
        &e[..3],
        [
            ("S1".to_string(), 1),
            ("S2".to_string(), 2),
            ("S1".to_string(), 4)
        ]
    );
    assert_eq!(e.last().unwrap().0, "S2");
    // S3 stores index 2 of term 1 (a majority with S1), and later loses it to S2's.
    let s3: Vec<&LogChange> = facts::<LogChange>(&trace, "log")
        .filter(|(o, _)| name(&trace, o.process) == "S3")
        .map(|(_, c)| c)
        .collect();
    assert!(s3
        .iter()
        .any(|c| c.kept == 1 && c.added[0].term == 1 && c.added[0].command.to_string() == "y=2"));
    assert!(s3.iter().any(|c| c.kept == 1
        && !c.removed.is_empty()
        && c.removed[0].term == 1
        && c.added[0].term == 2));
    assert!(!facts::<Committed>(&trace, "commit").any(|(_, c)| c.index == 2 && c.entry.term == 1));
}

#[test]
fn broken_commit_commits_the_old_entry_and_loses_it() {
    let (trace, reports) = check(&example("raft-broken-commit"));
    assert!(!holds(&reports, "leader-completeness"));
    assert!(!holds(&reports, "state-machine-safety"));
    assert!(
        facts::<Committed>(&trace, "commit").any(|(o, c)| name(&trace, o.process) == "S1"
            && c.leader
            && c.index == 2
            && c.entry.term == 1
            && c.term == 4)
    );
    assert!(elections(&trace).contains(&("S2".to_string(), 6)));
}

// ---------------------------------------------------------------------------------------------
// Determinism, the state rebuilt from facts, parameters

#[test]
fn runs_are_deterministic_and_the_seed_matters() {
    for seed in [3, 77, 1234] {
        let s = random_run(seed);
        let a = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
        let b = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
        assert_eq!(a, b);
    }
    let mut s = example("raft-calm");
    let traces: std::collections::BTreeSet<String> = (0..6)
        .map(|seed| {
            s.seed = seed;
            serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap()
        })
        .collect();
    assert!(traces.len() > 1);
}

#[test]
fn logs_rebuilt_from_facts_are_the_servers_logs() {
    for s in protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "raft")
    {
        let servers = s.params::<RaftParams>().unwrap().servers;
        let full = Run::complete(&s).unwrap();
        let end = full.trace().step_count();
        let mut run = Run::new(&s).unwrap();
        for steps in (0..=end).step_by(17).chain([end]) {
            run.run_to_step(steps);
            let logs = logs_at(full.trace(), steps, servers);
            for (p, log) in logs.iter().enumerate() {
                let server = run.process::<RaftNode>(p).unwrap().server().unwrap();
                assert_eq!(
                    log.entries,
                    server.log(),
                    "{} S{} step {steps}",
                    s.name,
                    p + 1
                );
                assert_eq!(
                    log.commit,
                    server.commit_index(),
                    "{} S{} step {steps}",
                    s.name,
                    p + 1
                );
            }
        }
    }
}

fn invalid(s: &Scenario) -> (String, String) {
    match Raft::build(s, &s.variant) {
        Err(ScenarioError::Invalid { field, message }) => (field, message),
        other => panic!("expected an error, got {:?}", other.map(|n| n.len())),
    }
}

#[test]
fn bad_parameters_are_named() {
    let base = example("raft-calm");
    for (key, value, field) in [
        ("servers", serde_json::json!(0), "params.servers"),
        ("servers", serde_json::json!(10), "params.servers"),
        ("clients", serde_json::json!(4), "params.clients"),
        (
            "commands",
            serde_json::json!([["x"]]),
            "params.commands[0][0]",
        ),
        (
            "commands",
            serde_json::json!([["x=1"], ["y=2"]]),
            "params.commands",
        ),
        ("election_min", serde_json::json!(40), "params.election_min"),
        (
            "election_max",
            serde_json::json!(100),
            "params.election_max",
        ),
        ("heartbeat", serde_json::json!(0), "params.heartbeat"),
        ("retry_after", serde_json::json!(0), "params.retry_after"),
        ("batch", serde_json::json!(0), "params.batch"),
        ("start", serde_json::json!(2_000_000), "params.start"),
    ] {
        let mut s = base.clone();
        s.params[key] = value;
        assert_eq!(invalid(&s).0, field, "{key}");
    }
    let mut s = base.clone();
    s.processes.pop();
    assert_eq!(invalid(&s).0, "processes");
    let mut s = base.clone();
    s.params["unknown"] = 1.into();
    assert_eq!(invalid(&s).0, "params");
    let Err(ScenarioError::Invalid { field, message }) = Raft::build(&base, "brokn") else {
        panic!("an unknown variant is refused");
    };
    assert_eq!(field, "variant");
    assert!(
        message.contains("correct, broken-commit, broken-vote"),
        "{message}"
    );
    // One to nine servers run.
    for n in 1..=9 {
        let mut s = base.clone();
        s.params["servers"] = n.into();
        s.processes = spacetime_core::lessons::raft::raft::process_names(n, 1);
        let (trace, reports) = check(&s);
        assert!(
            reports.iter().all(|r| !r.is_broken_promise()),
            "{n} servers"
        );
        assert_eq!(
            facts::<Committed>(&trace, "commit")
                .filter(|(_, c)| c.leader)
                .count(),
            3,
            "{n}"
        );
    }
}
