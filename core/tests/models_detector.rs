//! The failure detector of the "System models" lesson: what its examples say about their runs,
//! and sweeps over thousands of random runs (every variant, every timing model, loss,
//! duplication, crashes and recoveries, cuts, a two-faced process, the learner's hand) in which
//! no promised property may ever break, and in which the promises are not empty.

use std::collections::BTreeSet;

use spacetime_core::scenario::Timing;

use spacetime_core::lessons::models::detector::{DetectorParams, Leader, Restoration, Suspicion};
use spacetime_core::{
    protocols, Action, Fault, Intervention, Latency, Limits, LinkModel, NetworkModel, ProcessRef,
    PropertyReport, Run, Scenario, Trace,
};

fn example(name: &str) -> Run {
    let s = protocols::example(name).unwrap_or_else(|| panic!("no example {name}"));
    Run::complete(&s).unwrap()
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports.iter().find(|r| r.name == name).unwrap()
}

fn name(t: &Trace, p: usize) -> &str {
    &t.processes[p]
}

/// (tick, who, whom) for every suspicion.
fn suspicions(t: &Trace) -> Vec<(u64, String, String)> {
    t.outputs
        .iter()
        .filter_map(|o| {
            let s = o.fact::<Suspicion>()?;
            Some((
                t.events[o.event].time,
                name(t, o.process).to_string(),
                name(t, s.of).to_string(),
            ))
        })
        .collect()
}

fn restorations(t: &Trace) -> Vec<(u64, String, String, u64)> {
    t.outputs
        .iter()
        .filter_map(|o| {
            let r = o.fact::<Restoration>()?;
            Some((
                t.events[o.event].time,
                name(t, o.process).to_string(),
                name(t, r.of).to_string(),
                r.timeout,
            ))
        })
        .collect()
}

/// (tick, who, leader) for every change of leader after the start.
fn leader_changes(t: &Trace) -> Vec<(u64, String, String)> {
    t.outputs
        .iter()
        .filter_map(|o| {
            let l = o.fact::<Leader>()?;
            let at = t.events[o.event].time;
            (at > 0).then(|| {
                (
                    at,
                    name(t, o.process).to_string(),
                    name(t, l.leader).to_string(),
                )
            })
        })
        .collect()
}

fn final_leaders(t: &Trace) -> Vec<(String, String)> {
    let mut last = vec![None; t.processes.len()];
    for o in &t.outputs {
        if let Some(l) = o.fact::<Leader>() {
            last[o.process] = Some(l.leader);
        }
    }
    last.iter()
        .enumerate()
        .filter_map(|(p, l)| Some((name(t, p).to_string(), name(t, (*l)?).to_string())))
        .collect()
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn sync_detector_finds_the_crash_within_one_timeout_and_elects_p3() {
    let run = example("models-sync-detector");
    let t = run.trace();
    let sus = suspicions(t);
    let who: BTreeSet<&str> = sus.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(who, BTreeSet::from(["P1", "P2", "P3"]));
    assert!(sus.iter().all(|(_, _, q)| q == "P4"));
    assert!(
        sus.iter().all(|&(at, _, _)| (193..=195).contains(&at)),
        "{sus:?}"
    );
    // One timeout (60) after P4's last heartbeat, sent at the round start 120.
    // One timeout (60) after P4's last heartbeat (sent at the round start 120) reached each.
    for (at, p, _) in &sus {
        let last = t
            .messages
            .iter()
            .filter(|m| name(t, m.from) == "P4" && name(t, m.to) == p)
            .filter_map(|m| Some(t.events[m.receive_event?].time))
            .max()
            .unwrap();
        assert_eq!(*at, last + 60);
    }
    assert!(restorations(t).is_empty());
    let leaders = leader_changes(t);
    assert_eq!(leaders.len(), 3);
    assert!(leaders.iter().all(|(_, _, l)| l == "P3"));
    // The heartbeats leave at round starts.
    for m in &t.messages {
        assert_eq!(m.sent_at % 30, 0);
    }
    for r in run.check(t) {
        assert!(r.promised && r.verdict.holds(), "{r:?}");
    }
}

#[test]
fn async_timeout_suspects_a_live_process() {
    let run = example("models-async-false-suspicion");
    let t = run.trace();
    assert!(t
        .events
        .iter()
        .all(|e| e.kind != spacetime_core::EventKind::Crash));
    let sus = suspicions(t);
    assert_eq!(sus[0], (50, s("P2"), s("P1")));
    assert_eq!(restorations(t)[0], (60, s("P2"), s("P1"), 50));
    assert_eq!(sus.len(), 8);
    let changes = leader_changes(t);
    let at = changes
        .iter()
        .position(|c| *c == (400, s("P2"), s("P3")))
        .unwrap();
    let before = changes[..at]
        .iter()
        .rev()
        .find(|c| c.1 == "P2")
        .map_or("P4", |c| &c.2);
    assert_eq!(before, "P4");
    let reports = run.check(t);
    let acc = report(&reports, "strong-accuracy");
    assert!(!acc.promised);
    match &acc.verdict {
        spacetime_core::Verdict::Violated {
            explanation,
            events,
        } => {
            assert!(explanation.starts_with("P2 suspected P1 at tick 50, but P1 had not crashed"));
            assert_eq!(events.len(), 8);
        }
        v => panic!("{v:?}"),
    }
}

#[test]
fn partial_sync_false_suspicions_stop_before_the_gst_and_timeouts_grow() {
    let run = example("models-partial-sync");
    let t = run.trace();
    let sus = suspicions(t);
    assert_eq!(sus[0], (50, s("P2"), s("P1")));
    assert_eq!(sus.len(), 4);
    assert!(sus.iter().all(|&(at, _, _)| at < 200), "{sus:?}");
    let back = restorations(t);
    assert_eq!(back.len(), 4);
    assert!(back
        .iter()
        .all(|&(at, _, _, timeout)| at < 200 && timeout == 70));
    let reports = run.check(t);
    for name in [
        "eventual-strong-accuracy",
        "strong-completeness",
        "eventual-agreement",
    ] {
        let r = report(&reports, name);
        assert!(r.promised && r.verdict.holds(), "{r:?}");
    }
}

#[test]
fn election_survives_a_false_suspicion_and_the_leaders_crash() {
    let run = example("models-election");
    let t = run.trace();
    let changes = leader_changes(t);
    assert!(changes.contains(&(122, s("P4"), s("P4"))));
    assert!(changes.contains(&(128, s("P4"), s("P5"))));
    assert!(suspicions(t).contains(&(122, s("P4"), s("P5"))));
    assert!(restorations(t)
        .iter()
        .any(|r| (r.0, &*r.1, &*r.2) == (128, "P4", "P5")));
    // P5's heartbeats to P4 sent at ticks 80 and 100 were held up past 122; the one sent at
    // 120 put it right.
    let arrival = |sent: u64| {
        t.messages
            .iter()
            .find(|m| name(t, m.from) == "P5" && name(t, m.to) == "P4" && m.sent_at == sent)
            .and_then(|m| Some(t.events[m.receive_event?].time))
            .unwrap()
    };
    assert!(arrival(80) > 122 && arrival(100) > 122);
    assert_eq!(arrival(120), 128);
    let after: Vec<_> = changes.iter().filter(|c| c.0 >= 400).collect();
    assert_eq!(after.len(), 4);
    assert!(after
        .iter()
        .all(|&&(at, _, ref l)| (435..=466).contains(&at) && l == "P4"));
    let ends = final_leaders(t);
    assert!(ends.iter().all(|(p, l)| p == "P5" || l == "P4"), "{ends:?}");
    let reports = run.check(t);
    for r in &reports {
        if r.promised {
            assert!(r.verdict.holds(), "{r:?}");
        }
    }
    assert!(report(&reports, "eventual-agreement").promised);
}

#[test]
fn two_faced_process_splits_the_system_and_gets_elected() {
    let run = example("models-two-faced");
    let t = run.trace();
    let sus = suspicions(t);
    assert_eq!(sus[0], (60, s("P4"), s("P3")));
    assert!(!t
        .messages
        .iter()
        .any(|m| name(t, m.from) == "P3" && name(t, m.to) == "P4"));
    // P1 and P2 never suspect P3; P4 never trusts it again.
    assert!(!sus.iter().any(|(_, p, q)| q == "P3" && p != "P4"));
    assert!(!restorations(t).iter().any(|(_, _, q, _)| q == "P3"));
    let ends = final_leaders(t);
    assert!(ends.contains(&(s("P1"), s("P3"))) && ends.contains(&(s("P2"), s("P3"))));
    let reports = run.check(t);
    let agreement = report(&reports, "eventual-agreement");
    assert!(!agreement.promised && !agreement.verdict.holds());
    let accuracy = report(&reports, "eventual-strong-accuracy");
    assert!(accuracy.promised && accuracy.verdict.holds());
}

#[test]
fn bad_parameters_are_refused_by_field() {
    let base = protocols::example("models-sync-detector").unwrap();
    let field_of = |s: &Scenario| match Run::new(s) {
        Err(spacetime_core::ScenarioError::Invalid { field, .. }) => field,
        other => panic!("{:?}", other.err()),
    };
    let mut s = base.clone();
    s.limits.max_time = None;
    assert_eq!(field_of(&s), "limits.max_time");
    for (field, params) in [
        ("params.heartbeat", serde_json::json!({"heartbeat": 0})),
        ("params.timeout", serde_json::json!({"timeout": 0})),
        ("params.two_faced", serde_json::json!({"two_faced": 4})),
        (
            "params.increase",
            serde_json::json!({"increase": 10_000_000}),
        ),
    ] {
        let mut s = base.clone();
        s.params = params;
        assert_eq!(field_of(&s), field);
    }
}

// ---- Sweeps ----

/// A small deterministic generator for the sweeps.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
    fn prob(&mut self, hi: f64) -> f64 {
        (self.below(1001) as f64 / 1000.0) * hi
    }
}

fn who(p: u64) -> ProcessRef {
    ProcessRef::Index(p as usize)
}

/// A random detector scenario; `timing` picks the model (0 plain, 1 synchronous, 2
/// asynchronous, 3 partially synchronous).
fn random_scenario(seed: u64, timing: u64, eventual: bool) -> Scenario {
    let mut g = Gen(seed.wrapping_mul(31).wrapping_add(timing));
    let n = g.range(2, 5);
    let min = g.range(0, 10);
    let max = min + g.range(0, 30);
    let end = g.range(200, 1200);
    let timing = match timing {
        0 => Timing::Plain,
        1 => Timing::Synchronous {
            round: g.range(max.max(1), max + 30),
        },
        2 => Timing::Asynchronous {
            stall: g.prob(0.4),
            longest: g.range(0, 150),
        },
        _ => Timing::PartiallySynchronous {
            gst: g.range(0, 700),
            stall: g.prob(0.4),
            longest: g.range(0, 150),
        },
    };
    let heartbeat = g.range(8, 40);
    let period = timing.round().unwrap_or(heartbeat);
    // Timeouts around the bound, so that both sides of every rule come up.
    let timeout = g.range(5, period + max + 40);
    let params = DetectorParams {
        heartbeat,
        timeout,
        increase: g.range(0, 40),
        two_faced: g.chance(0.15).then(|| g.below(n) as usize),
    };
    let mut faults = Vec::new();
    for _ in 0..g.below(4) {
        let at = g.below(end);
        let p = g.below(n);
        match g.below(6) {
            0..=2 => {
                faults.push(Fault {
                    at,
                    action: Action::Crash { process: who(p) },
                });
                if g.chance(0.4) {
                    faults.push(Fault {
                        at: at + g.range(1, 300),
                        action: Action::Recover { process: who(p) },
                    });
                }
            }
            _ => {
                let q = (p + 1 + g.below(n - 1)) % n;
                faults.push(Fault {
                    at,
                    action: Action::Cut {
                        between: [who(p), who(q)],
                    },
                });
                if g.chance(0.7) {
                    faults.push(Fault {
                        at: at + g.range(1, 300),
                        action: Action::Heal {
                            between: [who(p), who(q)],
                        },
                    });
                }
            }
        }
    }
    let mut interventions = Vec::new();
    if g.chance(0.3) {
        for _ in 0..g.range(1, 3) {
            let step = g.below(600);
            let message = g.below(300) as usize;
            let action = match g.below(7) {
                0 => Action::Drop { message },
                1 => Action::Duplicate { message },
                2 | 3 => Action::Delay {
                    message,
                    by: g.range(1, 200),
                },
                4 => Action::Crash {
                    process: who(g.below(n)),
                },
                5 => Action::Fire {
                    process: who(g.below(n)),
                    timer: format!("timeout P{}", g.range(1, n)),
                },
                _ => Action::Recover {
                    process: who(g.below(n)),
                },
            };
            interventions.push(Intervention { step, action });
        }
    }
    let loss = if g.chance(0.6) { 0.0 } else { g.prob(0.2) };
    let duplicate = if g.chance(0.5) { 0.0 } else { g.prob(0.2) };
    // Now and then one link of its own: slower than the rest, or lossy.
    let links = if g.chance(0.2) {
        let (a, b) = (g.below(n), g.below(n));
        let lo = g.range(0, 20);
        vec![LinkModel {
            between: [who(a), who((a + 1 + b % (n - 1)) % n)],
            latency: g.chance(0.7).then(|| Latency {
                min: lo,
                max: lo + g.range(0, 50),
            }),
            loss: g.chance(0.3).then(|| g.prob(0.2)),
        }]
    } else {
        Vec::new()
    };
    Scenario {
        name: "models-sweep".into(),
        title: String::new(),
        description: String::new(),
        protocol: "detector".into(),
        variant: if eventual {
            "eventually-perfect"
        } else {
            "perfect"
        }
        .into(),
        params: serde_json::to_value(params).unwrap(),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel {
            latency: Latency { min, max },
            loss,
            duplicate,
            fifo: g.chance(0.5),
            links,
            timing,
        },
        faults,
        seed: g.next(),
        interventions,
        limits: Limits {
            max_steps: if g.chance(0.1) { 500 } else { 50_000 },
            max_time: Some(end),
        },
    }
}

/// How often each property was promised and checked, and how often the unpromised ones broke.
#[derive(Default, Debug)]
struct Tally {
    runs: usize,
    promised: std::collections::BTreeMap<String, usize>,
    broken_unpromised: std::collections::BTreeMap<String, usize>,
}

fn sweep(timing: u64, eventual: bool, seeds: u64) -> Tally {
    let mut tally = Tally::default();
    for seed in 0..seeds {
        let s = random_scenario(seed, timing, eventual);
        let run = Run::complete(&s).unwrap_or_else(|e| panic!("{e}\n{}", s.to_json()));
        tally.runs += 1;
        for r in run.check(run.trace()) {
            assert!(
                !r.is_broken_promise(),
                "seed {seed}: {} broken: {:?}\n{}",
                r.name,
                r.verdict,
                s.to_json()
            );
            if r.promised {
                *tally.promised.entry(r.name.clone()).or_default() += 1;
            } else if !r.verdict.holds() {
                *tally.broken_unpromised.entry(r.name.clone()).or_default() += 1;
            }
        }
    }
    eprintln!("timing {timing}, eventual {eventual}: {tally:?}");
    tally
}

const SEEDS: u64 = 350;

fn promised(t: &Tally, name: &str) -> usize {
    t.promised.get(name).copied().unwrap_or(0)
}

fn broken(t: &Tally, name: &str) -> usize {
    t.broken_unpromised.get(name).copied().unwrap_or(0)
}

#[test]
fn sweep_plain() {
    for eventual in [false, true] {
        let t = sweep(0, eventual, SEEDS);
        assert!(promised(&t, "eventual-strong-accuracy") > 10, "{t:?}");
        assert!(promised(&t, "strong-completeness") > 50, "{t:?}");
        assert_eq!(promised(&t, "strong-accuracy"), 0);
    }
}

#[test]
fn sweep_synchronous() {
    let p = sweep(1, false, SEEDS);
    // Strong accuracy and leader accuracy are promised (and so hold) in many synchronous runs,
    // and completeness in many with a crash.
    assert!(promised(&p, "strong-accuracy") > 15, "{p:?}");
    assert!(promised(&p, "leader-accuracy") > 10, "{p:?}");
    assert!(promised(&p, "eventual-agreement") > 10, "{p:?}");
    // Where they are not promised, they do break.
    assert!(broken(&p, "strong-accuracy") > 20, "{p:?}");
    let e = sweep(1, true, SEEDS);
    assert!(promised(&e, "eventual-strong-accuracy") > 15, "{e:?}");
    assert_eq!(promised(&e, "strong-accuracy"), 0);
}

#[test]
fn sweep_asynchronous() {
    for eventual in [false, true] {
        let t = sweep(2, eventual, SEEDS);
        assert_eq!(promised(&t, "eventual-strong-accuracy"), 0);
        assert_eq!(promised(&t, "strong-accuracy"), 0);
        assert!(promised(&t, "strong-completeness") > 50, "{t:?}");
        // A fixed timeout without a bound suspects live processes.
        assert!(broken(&t, "strong-accuracy") > 50, "{t:?}");
    }
}

#[test]
fn sweep_partially_synchronous() {
    for eventual in [false, true] {
        let t = sweep(3, eventual, SEEDS);
        assert!(promised(&t, "eventual-strong-accuracy") > 10, "{t:?}");
        assert!(promised(&t, "eventual-agreement") > 5, "{t:?}");
        assert!(broken(&t, "strong-accuracy") > 20, "{t:?}");
    }
}

/// The runs a crash makes interesting: a synchronous system, one crash, nothing else.
#[test]
fn completeness_holds_in_synchronous_runs_with_a_crash() {
    let mut checked = 0;
    for seed in 0..200 {
        let mut s = random_scenario(seed, 1, seed % 2 == 0);
        s.faults = vec![Fault {
            at: 50 + seed % 100,
            action: Action::Crash {
                process: who(seed % s.processes.len() as u64),
            },
        }];
        s.interventions.clear();
        s.limits.max_time = Some(1500);
        s.limits.max_steps = 100_000;
        let run = Run::complete(&s).unwrap();
        let reports = run.check(run.trace());
        let c = report(&reports, "strong-completeness");
        if c.promised {
            checked += 1;
        }
        assert!(!c.is_broken_promise(), "seed {seed}: {c:?}");
    }
    assert!(checked > 150, "{checked}");
}

/// The promises at the edge of their rules: the timeout one tick longer than a period plus the
/// bound, latencies from 0 (so heartbeats can bunch up and spread out the most), and the run
/// ending exactly at the settle time the lesson's rules compute, or at the completeness time.
#[test]
fn promises_hold_at_the_edge_of_their_rules() {
    let mut promised_runs = 0;
    for seed in 0..600 {
        let mut g = Gen(seed ^ 0x5eed);
        let eventual = seed % 2 == 1;
        let n = g.range(2, 5);
        let max = g.range(1, 30);
        let heartbeat = g.range(8, 40);
        let (timing, h, longest) = match seed % 3 {
            0 => (Timing::Plain, 0, 0),
            1 => (
                Timing::Synchronous {
                    round: g.range(max, max + 30),
                },
                0,
                0,
            ),
            _ => {
                let gst = g.range(0, 500);
                let longest = g.range(1, 150);
                (
                    Timing::PartiallySynchronous {
                        gst,
                        stall: 0.05 + g.prob(0.4),
                        longest,
                    },
                    gst + max + longest,
                    longest,
                )
            }
        };
        let period = timing.round().unwrap_or(heartbeat);
        let timeout = period + max + 1;
        let increase = g.range(0, 30);
        let mut faults = Vec::new();
        let mut recoveries = 0;
        let mut last = 0;
        for _ in 0..g.below(4) {
            let at = g.range(1, 600);
            let p = g.below(n);
            faults.push(Fault {
                at,
                action: Action::Crash { process: who(p) },
            });
            last = last.max(at);
            if g.chance(0.5) {
                let back = at + g.range(1, 200);
                faults.push(Fault {
                    at: back,
                    action: Action::Recover { process: who(p) },
                });
                recoveries += 1;
                last = last.max(back);
            }
        }
        let settle = h.max(last) + 2 * (period + max) + 1;
        let arrive = last + max + longest;
        let longest_timeout = if eventual {
            timeout + increase * (arrive / timeout + 2 + recoveries)
        } else {
            timeout
        };
        let complete = arrive + longest_timeout + 1;
        let end = match g.below(3) {
            0 => settle,
            1 => complete,
            _ => settle.max(complete),
        };
        let s = Scenario {
            name: "models-edge".into(),
            title: String::new(),
            description: String::new(),
            protocol: "detector".into(),
            variant: if eventual {
                "eventually-perfect"
            } else {
                "perfect"
            }
            .into(),
            params: serde_json::to_value(DetectorParams {
                heartbeat,
                timeout,
                increase,
                two_faced: None,
            })
            .unwrap(),
            processes: (1..=n).map(|i| format!("P{i}")).collect(),
            network: NetworkModel {
                latency: Latency { min: 0, max },
                duplicate: g.prob(0.2),
                fifo: g.chance(0.5),
                timing,
                ..NetworkModel::default()
            },
            faults,
            seed: g.next(),
            interventions: Vec::new(),
            limits: Limits {
                max_steps: 200_000,
                max_time: Some(end),
            },
        };
        let run = Run::complete(&s).unwrap();
        let reports = run.check(run.trace());
        let acc = report(&reports, "eventual-strong-accuracy");
        assert_eq!(
            acc.promised,
            end >= settle,
            "seed {seed}: {}",
            acc.description
        );
        let crashes = s
            .faults
            .iter()
            .any(|f| matches!(f.action, Action::Crash { .. }));
        let comp = report(&reports, "strong-completeness");
        assert_eq!(
            comp.promised,
            end >= complete || !crashes,
            "seed {seed}: {}",
            comp.description
        );
        if matches!(timing, Timing::Synchronous { .. }) && !eventual {
            assert!(report(&reports, "strong-accuracy").promised);
        }
        promised_runs += usize::from(acc.promised && comp.promised);
        for r in &reports {
            assert!(
                !r.is_broken_promise(),
                "seed {seed}: {r:?}\n{}",
                s.to_json()
            );
        }
    }
    assert!(promised_runs > 200, "{promised_runs}");
}
