//! Multi-Paxos: agreement, validity and in-order application hold over thousands of random runs
//! with loss, duplication, crashes and recoveries (of a minority or a majority) and random timing;
//! with a majority alive and no loss every command is decided, in the same slots everywhere; the
//! prepared scenarios show what they say; runs are deterministic; bad parameters are named.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

use spacetime_core::lessons::paxos::multipaxos::{
    Command, MultiPaxos, MultiPaxosParams, SlotValue, Value as Slotted,
};
use spacetime_core::protocols::{self};
use spacetime_core::{
    Action, EventKind, Fate, Fault, Intervention, Latency, Limits, NetworkModel, Payload,
    ProcessRef, PropertyKind, PropertyReport, Protocol, Run, Scenario, ScenarioError, Simulation,
    Trace, Typed,
};

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn json_of(trace: &Trace) -> String {
    serde_json::to_string(trace).unwrap()
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

/// Each process's decisions: slot to command.
fn decisions(trace: &Trace) -> Vec<BTreeMap<u64, String>> {
    let mut per = vec![BTreeMap::new(); trace.processes.len()];
    for o in trace.outputs.iter().filter(|o| o.kind == "decide") {
        let (slot, value) = o
            .value
            .strip_prefix("slot ")
            .unwrap()
            .split_once(": ")
            .unwrap();
        per[o.process].insert(slot.parse::<u64>().unwrap(), value.to_string());
    }
    per
}

fn labels<'a>(trace: &'a Trace, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    trace
        .messages
        .iter()
        .filter(move |m| m.label.starts_with(prefix) && m.duplicate_of.is_none())
        .map(|m| m.label.as_str())
}

/// The knobs of a random run.
#[derive(Clone, Debug)]
struct Setup {
    servers: usize,
    commands: Vec<Vec<String>>,
    start: u64,
    interval: u64,
    heartbeat: u64,
    suspect_after: u64,
    resend_after: u64,
    retry_after: u64,
    latency: (u64, u64),
    loss: f64,
    duplicate: f64,
    /// (server, crash time, recovery after this many ticks, if it recovers).
    crashes: Vec<(usize, u64, Option<u64>)>,
    /// (server, server, time, ticks): a link cut for a while.
    cuts: Vec<(usize, usize, u64, u64)>,
    /// (step, kind, target): drop, duplicate or delay a message, by the learner.
    interventions: Vec<(u64, u8, usize)>,
    seed: u64,
    max_time: u64,
}

impl Setup {
    fn scenario(&self) -> Scenario {
        let clients = self.commands.len();
        let params = MultiPaxosParams {
            servers: self.servers,
            clients,
            commands: self.commands.clone(),
            start: self.start,
            interval: self.interval,
            heartbeat: self.heartbeat,
            suspect_after: self.suspect_after,
            resend_after: self.resend_after,
            retry_after: self.retry_after,
        };
        let mut faults = Vec::new();
        for &(p, at, recover) in &self.crashes {
            let process = ProcessRef::Index(p % self.servers);
            faults.push(Fault {
                at,
                action: Action::Crash {
                    process: process.clone(),
                },
            });
            if let Some(after) = recover {
                faults.push(Fault {
                    at: at + after,
                    action: Action::Recover { process },
                });
            }
        }
        for &(a, b, at, ticks) in &self.cuts {
            let (a, b) = (a % self.servers, b % self.servers);
            if a == b {
                continue;
            }
            let between = [ProcessRef::Index(a), ProcessRef::Index(b)];
            faults.push(Fault {
                at,
                action: Action::Cut {
                    between: between.clone(),
                },
            });
            faults.push(Fault {
                at: at + ticks,
                action: Action::Heal { between },
            });
        }
        let interventions = self
            .interventions
            .iter()
            .map(|&(step, kind, target)| Intervention {
                step,
                action: match kind {
                    0 => Action::Drop { message: target },
                    1 => Action::Duplicate { message: target },
                    _ => Action::Delay {
                        message: target,
                        by: 50,
                    },
                },
            })
            .collect();
        Scenario {
            name: "multipaxos-test".into(),
            title: String::new(),
            description: String::new(),
            protocol: "multipaxos".into(),
            variant: String::new(),
            params: serde_json::to_value(params).unwrap(),
            processes: (1..=self.servers)
                .map(|i| format!("S{i}"))
                .chain((1..=clients).map(|i| format!("C{i}")))
                .collect(),
            network: NetworkModel {
                latency: Latency {
                    min: self.latency.0,
                    max: self.latency.0 + self.latency.1,
                },
                loss: self.loss,
                duplicate: self.duplicate,
                fifo: false,
                links: Vec::new(),
                timing: Default::default(),
            },
            faults,
            seed: self.seed,
            interventions,
            limits: Limits {
                max_steps: 20_000,
                max_time: Some(self.max_time),
            },
        }
    }

    fn majority(&self) -> usize {
        self.servers / 2 + 1
    }

    /// The servers that never crash.
    fn steady(&self) -> Vec<usize> {
        let crashed: BTreeSet<usize> = self.crashes.iter().map(|c| c.0 % self.servers).collect();
        (0..self.servers).filter(|p| !crashed.contains(p)).collect()
    }
}

/// Commands with distinct texts: client `c`'s `i`-th is `a1=…`, `b2=…`, ...
fn commands(max_clients: usize, max_each: usize) -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(0..=max_each, 1..=max_clients).prop_map(|counts| {
        counts
            .iter()
            .enumerate()
            .map(|(c, &k)| {
                (1..=k)
                    .map(|i| format!("{}{i}={}", (b'a' + c as u8) as char, i * 7 % 10))
                    .collect()
            })
            .collect()
    })
}

fn probability(max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 2 => 0.0..max]
}

/// A random run. `crash_majority`: crashes may take down a majority (or even every server);
/// otherwise fewer than half the servers ever crash.
fn setup(crash_majority: bool, lossy: bool) -> impl Strategy<Value = Setup> {
    let servers = prop_oneof![2 => Just(3usize), 2 => Just(5usize), 1 => 1usize..=7];
    (
        servers,
        commands(3, 5),
        (0u64..120, 0u64..30),
        (5u64..60, 1u64..200, 5u64..150, 20u64..400),
        (1u64..30, 0u64..80),
        (probability(0.3), probability(0.2)),
        // Crashes strike S1 (the first leader) half the time, and mostly while commands flow.
        prop::collection::vec(
            (
                prop_oneof![Just(0usize), 0usize..7],
                prop_oneof![3 => 0u64..300, 1 => 0u64..1000],
                prop::option::of(1u64..400),
            ),
            0..=4,
        ),
        (
            prop::collection::vec((0u64..200, 0u8..3, 0usize..200), 0..=3),
            prop::collection::vec((0usize..7, 0usize..7, 0u64..400, 1u64..100), 0..=3),
        ),
        any::<u64>(),
    )
        .prop_map(
            move |(
                servers,
                commands,
                (start, interval),
                (heartbeat, patience, resend_after, retry_after),
                latency,
                (loss, duplicate),
                mut crashes,
                (interventions, mut cuts),
                seed,
            )| {
                let majority = servers / 2 + 1;
                for c in &mut crashes {
                    c.1 += start;
                }
                for c in &mut cuts {
                    c.2 += start;
                }
                if !crash_majority {
                    // Keep a majority of servers that never crash.
                    let mut allowed = BTreeSet::new();
                    crashes.retain(|c| {
                        let p = c.0 % servers;
                        if allowed.contains(&p) || allowed.len() < servers - majority {
                            allowed.insert(p);
                            true
                        } else {
                            false
                        }
                    });
                }
                Setup {
                    servers,
                    commands,
                    start,
                    interval,
                    heartbeat,
                    suspect_after: heartbeat + patience,
                    resend_after,
                    retry_after,
                    latency,
                    loss: if lossy { loss } else { 0.0 },
                    duplicate,
                    crashes,
                    cuts,
                    interventions,
                    seed,
                    max_time: 2_000,
                }
            },
        )
}

/// The safety properties hold, on the whole run and on a prefix; promised properties hold.
fn safe(setup: &Setup) -> Result<(Trace, Vec<PropertyReport>), TestCaseError> {
    let s = setup.scenario();
    let mut run = Run::new(&s).unwrap();
    let trace = run.run().clone();
    let reports = run.check(&trace);
    prop_assert_eq!(reports.len(), 4);
    for r in &reports {
        if r.kind == PropertyKind::Safety {
            prop_assert!(r.verdict.holds(), "{}: {:?}", r.name, r.verdict);
        }
        prop_assert!(!r.is_broken_promise(), "{} broken: {:?}", r.name, r.verdict);
    }
    let half = trace.prefix(trace.step_count() / 2);
    for r in run.check(&half) {
        if r.kind == PropertyKind::Safety {
            prop_assert!(r.verdict.holds(), "{} on a prefix: {:?}", r.name, r.verdict);
        }
    }
    Ok((trace, reports))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4_700,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Loss, duplication, learner's drops and delays, and crashes and recoveries of fewer than
    /// half the servers: agreement, validity and in-order application always hold.
    #[test]
    fn safety_with_a_minority_crashing(setup in setup(false, true)) {
        safe(&setup)?;
    }

    /// The same with crashes of a majority, even of every server: nothing may be decided any
    /// more, but nothing wrong is ever decided either.
    #[test]
    fn safety_with_a_majority_crashing(setup in setup(true, true)) {
        safe(&setup)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// With a majority that never crashes, a network that loses nothing and a patient failure
    /// detector, every command is decided and answered, every server that never crashed decides
    /// the same log, and each client's commands sit in the log in the order it sent them.
    #[test]
    fn a_steady_majority_decides_everything_in_the_same_order(setup in setup(false, false)) {
        let mut setup = setup;
        setup.interventions.clear();
        // Cuts are healed, so they only delay progress.
        setup.suspect_after = setup.suspect_after.max(setup.heartbeat + 3 * (setup.latency.0 + setup.latency.1) + 1);
        setup.max_time = 4_000;
        let (trace, reports) = safe(&setup)?;
        let progress = report(&reports, "progress").clone();
        prop_assert!(progress.promised);
        prop_assert!(progress.verdict.holds(), "{:?}", progress.verdict);
        let decided = decisions(&trace);
        let steady = setup.steady();
        prop_assert!(steady.len() >= setup.majority());
        let reference = &decided[steady[0]];
        for &p in &steady {
            prop_assert_eq!(&decided[p], reference, "S{} and S{}", p + 1, steady[0] + 1);
        }
        for list in &setup.commands {
            let slots: Vec<u64> = list
                .iter()
                .map(|c| {
                    reference
                        .iter()
                        .find(|(_, v)| *v == c)
                        .map(|(&s, _)| s)
                        .unwrap_or_else(|| panic!("{c} never decided"))
                })
                .collect();
            prop_assert!(slots.windows(2).all(|w| w[0] < w[1]), "{list:?} in slots {slots:?}");
        }
        // Every submitted command took effect exactly once on every steady server.
        for &p in &steady {
            let mut applied: Vec<&str> = trace
                .outputs
                .iter()
                .filter(|o| o.process == p && o.kind == "apply" && !o.value.ends_with("(duplicate)"))
                .filter_map(|o| o.value.split_once(": ").map(|(_, v)| v))
                .filter(|v| *v != "no-op")
                .collect();
            applied.sort();
            let mut all: Vec<&str> = setup.commands.iter().flatten().map(String::as_str).collect();
            all.sort();
            prop_assert_eq!(applied, all);
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The summary format: parts `name: value` joined by " · ".
    #[test]
    fn summaries_have_the_documented_parts(setup in setup(true, true)) {
        let s = setup.scenario();
        let run = Run::complete(&s).unwrap();
        for (p, summary) in run.summaries().iter().enumerate() {
            let parts: Vec<(&str, &str)> = summary
                .split(" · ")
                .map(|part| part.split_once(": ").expect("name: value"))
                .collect();
            let names: Vec<&str> = parts.iter().map(|(n, _)| *n).collect();
            if p < setup.servers {
                prop_assert_eq!(names, ["role", "ballot", "promised", "log"]);
                prop_assert!(["leader", "follower", "candidate"].contains(&parts[0].1));
                for (_, ballot) in &parts[1..3] {
                    let ok = *ballot == "none"
                        || ballot.split_once('.').is_some_and(|(r, s)| r.parse::<u32>().is_ok() && s.starts_with('S'));
                    prop_assert!(ok, "{}", summary);
                }
                let log = parts[3].1;
                if log != "empty" {
                    for (i, entry) in log.split(", ").enumerate() {
                        let (slot, value) = entry.split_once(' ').unwrap();
                        prop_assert_eq!(slot.parse::<usize>().unwrap(), i + 1);
                        prop_assert!(!value.is_empty());
                    }
                }
            } else {
                prop_assert_eq!(names, ["role", "waiting", "done"]);
                prop_assert_eq!(parts[0].1, "client");
                prop_assert!(parts[2].1.parse::<usize>().is_ok());
            }
        }
    }

    /// Same scenario, same trace, whatever the checkpoint interval.
    #[test]
    fn random_runs_are_deterministic(setup in setup(true, true)) {
        let s = setup.scenario();
        let first = json_of(Run::complete(&s).unwrap().trace());
        prop_assert_eq!(&json_of(Run::complete(&s).unwrap().trace()), &first);
        let nodes = MultiPaxos::build(&s, "multipaxos").unwrap();
        let mut sim = Simulation::new(&s, nodes).unwrap().with_checkpoint_every(7);
        prop_assert_eq!(&json_of(sim.run()), &first);
        let reparsed = Scenario::from_json(&s.to_json()).unwrap();
        prop_assert_eq!(json_of(Run::complete(&reparsed).unwrap().trace()), first);
    }
}

#[test]
fn the_examples_are_as_described() {
    let examples: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "multipaxos")
        .collect();
    let names: Vec<&str> = examples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "multipaxos-calm",
            "multipaxos-leader-crash",
            "multipaxos-lossy"
        ]
    );
    for s in &examples {
        assert!(
            !s.title.is_empty() && !s.description.is_empty(),
            "{}",
            s.name
        );
        let mut run = Run::new(s).unwrap();
        let trace = run.run().clone();
        assert!(run.is_finished());
        assert!(
            trace.warnings.is_empty(),
            "{}: {:?}",
            s.name,
            trace.warnings
        );
        for r in run.check(&trace) {
            assert!(r.verdict.holds(), "{}: {} {:?}", s.name, r.name, r.verdict);
        }
        // The same run twice, and through JSON.
        assert_eq!(&Scenario::from_json(&s.to_json()).unwrap(), s);
        assert_eq!(json_of(Run::complete(s).unwrap().trace()), json_of(&trace));
        let reparsed = Scenario::from_json(&s.to_json()).unwrap();
        assert_eq!(
            json_of(Run::complete(&reparsed).unwrap().trace()),
            json_of(&trace)
        );
    }
    let promised = |name: &str| {
        let run = Run::new(&example(name)).unwrap();
        report(&run.check(run.trace()), "progress").promised
    };
    assert!(promised("multipaxos-calm"));
    assert!(promised("multipaxos-leader-crash"), "one crash in five");
    assert!(
        !promised("multipaxos-lossy"),
        "a lossy network promises no deadline"
    );
}

#[test]
fn calm_runs_phase_one_once() {
    let s = example("multipaxos-calm");
    let run = Run::complete(&s).unwrap();
    let trace = run.trace();
    // One Prepare per other acceptor (the leader promises itself), for the one election.
    let prepares: Vec<&str> = labels(trace, "Prepare").collect();
    assert_eq!(prepares, ["Prepare 1.S1", "Prepare 1.S1"]);
    assert_eq!(labels(trace, "Promise").count(), 2);
    assert!(labels(trace, "Promise").all(|l| l == "Promise 1.S1 []"));
    assert_eq!(labels(trace, "Nack").count(), 0);
    // Then phase 2 only: one Accept per other server per command, each under ballot 1.S1.
    let accepts: Vec<&str> = labels(trace, "Accept ").collect();
    assert_eq!(accepts.len(), 2 * 5);
    assert!(
        accepts.iter().all(|l| l.starts_with("Accept 1.S1 #")),
        "{accepts:?}"
    );
    assert!(labels(trace, "Commit #").count() >= 2 * 5);
    // Everyone decides the same five slots.
    let decided = decisions(trace);
    assert_eq!(decided[0].len(), 5);
    assert_eq!(decided[1], decided[0]);
    assert_eq!(decided[2], decided[0]);
    let values: BTreeSet<&str> = decided[0].values().map(String::as_str).collect();
    assert_eq!(values, BTreeSet::from(["x=1", "y=2", "z=3", "a=1", "b=2"]));
    // The message labels, as documented.
    let any = |prefix: &str| labels(trace, prefix).next().unwrap().to_string();
    assert_eq!(any("Request x"), "Request x=1");
    assert!(any("Accepted").starts_with("Accepted 1.S1 #"));
    assert!(any("Reply").starts_with("Reply #"));
    assert_eq!(any("Heartbeat"), "Heartbeat");
    let commit = any("Commit");
    let (slot, value) = commit["Commit #".len()..].split_once(' ').unwrap();
    assert_eq!(decided[0][&slot.parse::<u64>().unwrap()], value);
    // Clients report their answers with the slot, and are done.
    let replies: Vec<&str> = trace
        .outputs
        .iter()
        .filter(|o| o.kind == "reply")
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(replies.len(), 5);
    for r in replies {
        let (slot, value) = r.strip_prefix("slot ").unwrap().split_once(": ").unwrap();
        assert_eq!(decided[0][&slot.parse::<u64>().unwrap()], value);
    }
    let summaries = run.summaries();
    assert!(summaries[0].starts_with("role: leader · ballot: 1.S1 · promised: 1.S1 · log: 1 "));
    assert!(summaries[1].starts_with("role: follower · ballot: 1.S1 · promised: 1.S1 · log: "));
    assert_eq!(summaries[3], "role: client · waiting: none · done: 3");
    assert_eq!(summaries[4], "role: client · waiting: none · done: 2");
    // The timeouts are drawn; the heartbeat pacing is not.
    assert!(trace.timers.iter().any(|t| t.name == "leader timeout"));
    assert!(trace.timers.iter().all(|t| t.name != "heartbeat"));
}

#[test]
fn after_the_leader_crashes_a_new_one_fills_the_gap() {
    let s = example("multipaxos-leader-crash");
    let run = Run::complete(&s).unwrap();
    let trace = run.trace();
    // S1's Accept for slot 3 died on the cut links, to every other server.
    let lost: Vec<_> = trace
        .messages
        .iter()
        .filter(|m| m.label.starts_with("Accept 1.S1 #3 "))
        .collect();
    assert_eq!(lost.len(), 4);
    assert!(lost.iter().all(|m| m.fate == Fate::DroppedByNetwork));
    // Its Accept for slot 4 got through, and S1 crashed before it heard back.
    assert!(trace
        .messages
        .iter()
        .filter(|m| m.label.starts_with("Accept 1.S1 #4 "))
        .all(|m| m.fate == Fate::Delivered));
    let crash = trace
        .events
        .iter()
        .find(|e| e.kind == EventKind::Crash)
        .unwrap();
    assert_eq!(crash.process, 0);
    // S2 is elected with a higher ballot, and its promises report slot 4 but not slot 3.
    assert_eq!(labels(trace, "Prepare 2.S2").count(), 4);
    assert!(labels(trace, "Promise 2.S2").any(|l| l.contains("[4:")));
    assert!(labels(trace, "Accept 2.S2 #3 no-op").count() >= 3);
    let decided = decisions(trace);
    for p in 0..5 {
        assert_eq!(
            decided[p].get(&3).map(String::as_str),
            Some("no-op"),
            "S{}",
            p + 1
        );
        assert_eq!(decided[p], decided[1], "S{}", p + 1);
    }
    // Every command is decided, the lost one in a new slot, and every client is answered.
    let values: Vec<&str> = decided[1].values().map(String::as_str).collect();
    for c in ["x=1", "y=2", "z=3", "a=1", "b=2"] {
        assert_eq!(values.iter().filter(|v| **v == c).count(), 1, "{c}");
    }
    assert_eq!(decided[1].len(), 6);
    let reports = run.check(trace);
    assert!(report(&reports, "progress").promised);
    assert!(reports.iter().all(|r| r.verdict.holds()), "{reports:?}");
    // S1 comes back, follows S2 and catches up.
    let summaries = run.summaries();
    assert!(
        summaries[0].starts_with("role: follower · ballot: 2.S2 · "),
        "{}",
        summaries[0]
    );
    assert!(summaries[1].starts_with("role: leader · ballot: 2.S2 · promised: 2.S2 · log: 1 "));
    assert!(summaries[1].contains(", 3 no-op, "), "{}", summaries[1]);
    assert!(labels(trace, "Catch-up").count() >= 1);
}

#[test]
fn the_lossy_example_repairs_its_losses() {
    let s = example("multipaxos-lossy");
    let run = Run::complete(&s).unwrap();
    let trace = run.trace();
    assert!(trace
        .messages
        .iter()
        .any(|m| m.fate == Fate::DroppedByNetwork));
    assert!(labels(trace, "Accept").any(|l| l.ends_with("(again)")));
    assert!(labels(trace, "Catch-up").count() >= 1);
    // A client sent a command again after its answer was lost; it was logged once.
    let submitted = trace.outputs.iter().filter(|o| o.kind == "submit").count();
    let requests = labels(trace, "Request").count();
    assert!(requests > submitted);
    let decided = decisions(trace);
    let values: Vec<&str> = decided[0].values().map(String::as_str).collect();
    assert_eq!(values.len(), 5);
    assert_eq!(values.iter().collect::<BTreeSet<_>>().len(), 5);
    assert!(run.check(trace).iter().all(|r| r.verdict.holds()));
}

/// A run of the calm example in which the learner crashes servers now and then.
#[test]
fn progress_is_promised_only_with_a_majority_that_never_crashes() {
    let base = example("multipaxos-calm");
    let crash = |p: &str, at: u64| Fault {
        at,
        action: Action::Crash {
            process: ProcessRef::Name(p.into()),
        },
    };
    let promised = |s: &Scenario| {
        let run = Run::new(s).unwrap();
        report(&run.check(run.trace()), "progress").promised
    };
    let mut one = base.clone();
    one.faults.push(crash("S2", 150));
    assert!(promised(&one));
    let run = Run::complete(&one).unwrap();
    assert!(run.check(run.trace()).iter().all(|r| r.verdict.holds()));

    let mut two = one.clone();
    two.faults.push(crash("S3", 150));
    assert!(!promised(&two));
    let run = Run::complete(&two).unwrap();
    let reports = run.check(run.trace());
    // Nothing can be chosen without a majority: the commands after the crash wait for ever.
    assert!(!report(&reports, "progress").verdict.holds());
    assert!(reports
        .iter()
        .filter(|r| r.kind == PropertyKind::Safety)
        .all(|r| r.verdict.holds()));

    // The learner's crashes count too, and so do crashed clients, losses and an impatient
    // failure detector.
    let mut learner = base.clone();
    learner.interventions = vec![
        Intervention {
            step: 10,
            action: Action::Crash {
                process: ProcessRef::Name("S1".into()),
            },
        },
        Intervention {
            step: 12,
            action: Action::Crash {
                process: ProcessRef::Index(2),
            },
        },
    ];
    assert!(!promised(&learner));
    let mut client = base.clone();
    client.faults.push(crash("C1", 100));
    assert!(!promised(&client));
    let mut lossy = base.clone();
    lossy.network.loss = 0.05;
    assert!(!promised(&lossy));
    let mut impatient = base.clone();
    impatient.params["suspect_after"] = json!(60);
    assert!(!promised(&impatient));
    let mut cut = base.clone();
    cut.faults.push(Fault {
        at: 100,
        action: Action::Cut {
            between: [ProcessRef::Index(0), ProcessRef::Index(1)],
        },
    });
    assert!(!promised(&cut));
    cut.faults.push(Fault {
        at: 150,
        action: Action::Heal {
            between: [ProcessRef::Index(1), ProcessRef::Index(0)],
        },
    });
    assert!(promised(&cut));
}

/// A recovered old leader that meets a higher ballot steps down. Here S1 is cut off from the
/// others long enough for S2 to take over, and keeps believing it leads until the link heals
/// and its heartbeats are refused.
#[test]
fn an_old_leader_steps_down_when_it_sees_a_higher_ballot() {
    let mut s = example("multipaxos-calm");
    for other in ["S2", "S3"] {
        let between = [
            ProcessRef::Name("S1".into()),
            ProcessRef::Name(other.into()),
        ];
        s.faults.push(Fault {
            at: 60,
            action: Action::Cut {
                between: between.clone(),
            },
        });
        s.faults.push(Fault {
            at: 400,
            action: Action::Heal { between },
        });
    }
    s.limits.max_time = Some(1_200);
    let run = Run::complete(&s).unwrap();
    let trace = run.trace();
    assert!(labels(trace, "Prepare 2.S2").count() >= 1);
    assert!(
        labels(trace, "Nack 2.S2").count() >= 1,
        "S1's heartbeats are refused"
    );
    let summaries = run.summaries();
    assert!(
        summaries[0].starts_with("role: follower · ballot: 2.S2"),
        "{}",
        summaries[0]
    );
    assert!(
        summaries[1].starts_with("role: leader · ballot: 2.S2"),
        "{}",
        summaries[1]
    );
    let reports = run.check(trace);
    assert!(reports.iter().all(|r| r.verdict.holds()), "{reports:?}");
    let decided = decisions(trace);
    assert_eq!(decided[0], decided[1]);
    assert_eq!(decided[1].len(), 5);
}

/// The properties catch what they should: a hand-made trace with two different decisions for
/// one slot, a decision nobody sent, and a slot applied out of turn.
#[test]
fn the_properties_catch_violations() {
    let s = example("multipaxos-calm");
    let run = Run::complete(&s).unwrap();
    let mut trace = run.trace().clone();
    let decide = trace
        .outputs
        .iter()
        .position(|o| o.kind == "decide" && o.process == 1)
        .unwrap();
    let original = trace.outputs[decide].clone();
    let slot = original.fact::<SlotValue>().unwrap().slot;
    // Properties read the typed decision: change it (and its text, to keep them together).
    let tamper = |trace: &mut Trace, client: usize, seq: u32, text: &str| {
        let fact = SlotValue {
            slot,
            value: Slotted::Command(Command::new(client, "C?", seq, text)),
            duplicate: false,
        };
        trace.outputs[decide].value = fact.label();
        trace.outputs[decide].fact = Typed::new(Arc::new(fact));
    };
    // C1's first request, with another text: another command.
    tamper(&mut trace, 3, 1, "z=3");
    let reports = run.check(&trace);
    let agreement = report(&reports, "agreement");
    assert!(!agreement.verdict.holds());
    if let spacetime_core::Verdict::Violated {
        events,
        explanation,
    } = &agreement.verdict
    {
        assert_eq!(events.len(), 2, "both decide events");
        assert!(
            explanation.contains(&format!("slot {slot}")),
            "{explanation}"
        );
    }

    // A request no client sent.
    tamper(&mut trace, 3, 99, "w=9");
    let reports = run.check(&trace);
    assert!(!report(&reports, "validity").verdict.holds());

    let mut trace = run.trace().clone();
    let apply = trace
        .outputs
        .iter()
        .position(|o| o.kind == "apply" && o.process == 2)
        .unwrap();
    trace.outputs.remove(apply);
    assert!(!report(&run.check(&trace), "applied-in-order")
        .verdict
        .holds());
}

fn base() -> Value {
    json!({
        "name": "multipaxos-test",
        "protocol": "multipaxos",
        "processes": ["S1", "S2", "S3", "C1"],
        "params": { "servers": 3, "clients": 1, "commands": [["x=1", "y=2"]] }
    })
}

fn invalid(value: &Value) -> (String, String) {
    let result = Scenario::from_json(&value.to_string()).and_then(|s| Run::new(&s).map(|_| ()));
    match result {
        Err(ScenarioError::Invalid { field, message }) => (field, message),
        other => panic!("expected an invalid field in {value}, got {other:?}"),
    }
}

fn with_params(extra: Value) -> Value {
    let mut v = base();
    for (k, x) in extra.as_object().unwrap() {
        v["params"][k] = x.clone();
    }
    v
}

#[test]
fn bad_parameters_are_named() {
    assert!(Run::new(&Scenario::from_json(&base().to_string()).unwrap()).is_ok());
    // The defaults: three servers and one client.
    let mut defaults = base();
    defaults["params"] = Value::Null;
    assert!(Run::new(&Scenario::from_json(&defaults.to_string()).unwrap()).is_ok());
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with_params(json!({"servers": 0})),
            "params.servers",
            "from 1 to 7",
        ),
        (
            with_params(json!({"servers": 8})),
            "params.servers",
            "not 8",
        ),
        (
            with_params(json!({"clients": 0})),
            "params.clients",
            "from 1 to 3",
        ),
        (
            with_params(json!({"clients": 2})),
            "params.commands",
            "one list of commands per client",
        ),
        (
            with_params(json!({"commands": [["x=1", ""]]})),
            "params.commands[0][1]",
            "cannot be empty",
        ),
        (
            with_params(json!({"commands": [["no-op"]]})),
            "params.commands[0][0]",
            "fill gaps",
        ),
        (
            with_params(json!({"commands": [["a,b"]]})),
            "params.commands[0][0]",
            "contains ','",
        ),
        (
            with_params(json!({"commands": [["a-very-long-command"]]})),
            "params.commands[0][0]",
            "longer than 16",
        ),
        (
            with_params(
                json!({"commands": [(0..21).map(|i| format!("x={i}")).collect::<Vec<_>>()]}),
            ),
            "params.commands[0]",
            "at most 20",
        ),
        (
            with_params(json!({"heartbeat": 0})),
            "params.heartbeat",
            "1 tick or more",
        ),
        (
            with_params(json!({"heartbeat": 50, "suspect_after": 50})),
            "params.suspect_after",
            "not longer than the heartbeat",
        ),
        (
            with_params(json!({"resend_after": 0})),
            "params.resend_after",
            "1 tick or more",
        ),
        (
            with_params(json!({"retry_after": 0})),
            "params.retry_after",
            "1 tick or more",
        ),
        (
            with_params(json!({"interval": 5_000_000})),
            "params.interval",
            "too long",
        ),
        (
            with_params(json!({"servers": "three"})),
            "params",
            "invalid type",
        ),
        (
            with_params(json!({"leader": 2})),
            "params",
            "unknown field `leader`",
        ),
        (
            with_params(json!({"servers": 5})),
            "processes",
            "5 servers and 1 client make 6 processes, not 4",
        ),
        (
            {
                let mut v = base();
                v["processes"] = json!(["S1", "S2", "S3"]);
                v
            },
            "processes",
            "(S1, S2, S3, C1)",
        ),
    ];
    for (value, field, words) in cases {
        let (got, message) = invalid(&value);
        assert_eq!(got, field, "in {value}: {message}");
        assert!(
            message.contains(words),
            "{field}: {message:?} should say {words:?}"
        );
    }
}

#[test]
fn one_server_is_its_own_majority() {
    let v = json!({
        "name": "multipaxos-one",
        "protocol": "multipaxos",
        "processes": ["S1", "C1"],
        "params": { "servers": 1, "clients": 1, "commands": [["x=1", "y=2"]] },
        "limits": { "max_time": 400 }
    });
    let s = Scenario::from_json(&v.to_string()).unwrap();
    let run = Run::complete(&s).unwrap();
    assert_eq!(
        run.trace()
            .messages
            .iter()
            .filter(|m| m.to == 0 && m.from == 0)
            .count(),
        0
    );
    let decided = decisions(run.trace());
    assert_eq!(decided[0].values().collect::<Vec<_>>(), ["x=1", "y=2"]);
    assert!(run.check(run.trace()).iter().all(|r| r.verdict.holds()));
}

#[test]
fn clients_without_commands_send_the_defaults() {
    let v = json!({
        "name": "multipaxos-defaults",
        "protocol": "multipaxos",
        "processes": ["S1", "S2", "S3", "C1", "C2"],
        "params": { "clients": 2 },
        "limits": { "max_time": 800 }
    });
    let s = Scenario::from_json(&v.to_string()).unwrap();
    let run = Run::complete(&s).unwrap();
    let submitted = |p: usize| -> Vec<&str> {
        run.trace()
            .outputs
            .iter()
            .filter(|o| o.process == p && o.kind == "submit")
            .map(|o| o.value.as_str())
            .collect()
    };
    assert_eq!(submitted(3), ["x=1", "y=2", "z=3"]);
    assert_eq!(submitted(4), ["a=1", "b=2", "c=3"]);
    let reports = run.check(run.trace());
    assert!(report(&reports, "progress").promised);
    assert!(reports.iter().all(|r| r.verdict.holds()), "{reports:?}");
}
