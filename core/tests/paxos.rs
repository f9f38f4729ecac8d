//! Paxos: the correct variant keeps agreement, validity and learned-chosen over ten thousand random
//! runs with loss, duplication and crashes; it makes progress when it promises to; the
//! counterexample search breaks both broken variants and not the correct one; the examples do
//! what they say; runs are deterministic; bad parameters are named; acceptors survive crashes.

use proptest::prelude::*;
use spacetime_core::lessons::paxos::paxos::{Ballot, Paxos, PaxosMessage, PaxosNode, PaxosParams};
use spacetime_core::protocols::{self};
use spacetime_core::search::{find_violation, Move, SearchBound};
use spacetime_core::{
    seeded_rng, Action, Context, Effect, Fault, Intervention, Latency, Limits, NetworkModel,
    Payload, Process, ProcessRef, PropertyKind, PropertyReport, Protocol, Run, Scenario,
    ScenarioError, Trace,
};

const VARIANTS: [&str; 3] = ["correct", "broken-proposer", "broken-acceptor"];

/// `P1.., A1.., L1..`.
fn names(proposers: usize, acceptors: usize, learners: usize) -> Vec<String> {
    (1..=proposers)
        .map(|i| format!("P{i}"))
        .chain((1..=acceptors).map(|i| format!("A{i}")))
        .chain((1..=learners).map(|i| format!("L{i}")))
        .collect()
}

fn scenario(params: PaxosParams) -> Scenario {
    Scenario {
        name: "paxos-test".into(),
        title: String::new(),
        description: String::new(),
        protocol: "paxos".into(),
        variant: "correct".into(),
        processes: names(params.proposers, params.acceptors, params.learners),
        params: serde_json::to_value(params).unwrap(),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 20_000,
            max_time: None,
        },
    }
}

fn params(proposers: usize, acceptors: usize) -> PaxosParams {
    PaxosParams {
        proposers,
        acceptors,
        ..PaxosParams::default()
    }
}

fn crash(at: u64, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Crash {
            process: ProcessRef::Name(who.into()),
        },
    }
}

fn recover(at: u64, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Recover {
            process: ProcessRef::Name(who.into()),
        },
    }
}

/// Run to the end and report every property.
fn check(s: &Scenario) -> (Trace, Vec<PropertyReport>) {
    let run = Run::complete(s).unwrap_or_else(|e| panic!("{} does not run: {e}", s.name));
    assert!(run.is_finished());
    let trace = run.trace().clone();
    let reports = run.check(&trace);
    (trace, reports)
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

fn decided(trace: &Trace) -> Vec<&str> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .map(|o| o.value.as_str())
        .collect()
}

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn with_variant(mut s: Scenario, variant: &str) -> Scenario {
    s.variant = variant.into();
    s
}

// ---------------------------------------------------------------------------------------------
// Ten thousand random runs of the correct variant

/// The knobs of a random run.
#[derive(Clone, Debug)]
struct Setup {
    proposers: usize,
    acceptors: usize,
    learners: usize,
    start: Vec<u64>,
    timeout: u64,
    backoff: u64,
    max_attempts: u32,
    latency: (u64, u64),
    loss: f64,
    duplicate: f64,
    /// Per process: (crashes, at, recovers after).
    crashes: Vec<(bool, u64, Option<u64>)>,
    seed: u64,
}

impl Setup {
    fn scenario(&self) -> Scenario {
        let mut s = scenario(PaxosParams {
            proposers: self.proposers,
            acceptors: self.acceptors,
            learners: self.learners,
            values: Vec::new(),
            start: self.start.clone(),
            timeout: self.timeout,
            backoff: self.backoff,
            max_attempts: self.max_attempts,
        });
        s.network = NetworkModel {
            latency: Latency {
                min: self.latency.0,
                max: self.latency.1,
            },
            loss: self.loss,
            duplicate: self.duplicate,
            fifo: false,
            links: Vec::new(),
            timing: Default::default(),
        };
        s.seed = self.seed;
        for (p, &(crashes, at, back)) in self.crashes.iter().enumerate() {
            if crashes {
                let who = s.processes[p].clone();
                s.faults.push(crash(at, &who));
                if let Some(after) = back {
                    s.faults.push(recover(at + after, &who));
                }
            }
        }
        s
    }
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        1..=3usize,
        prop::bool::ANY,
        1..=2usize,
        prop::collection::vec(0..120u64, 3),
        (30..150u64, 0..80u64, 1..=3u32),
        (1..20u64, 0..40u64),
        // Often a perfect network, so that progress is promised (and checked) now and then.
        (
            prop_oneof![Just(0.0), 0.0..0.3f64],
            prop_oneof![Just(0.0), 0.0..0.2f64],
        ),
        // Acceptors crash often (so a majority is often down), proposers and learners less.
        prop::collection::vec(
            (
                prop::bool::weighted(0.4),
                0..300u64,
                prop::option::of(1..150u64),
            ),
            5,
        ),
        prop::collection::vec(
            (
                prop::bool::weighted(0.2),
                0..300u64,
                prop::option::of(1..150u64),
            ),
            5,
        ),
        any::<u64>(),
    )
        .prop_map(
            |(
                proposers,
                five,
                learners,
                start,
                (timeout, backoff, max_attempts),
                (min, spread),
                (loss, duplicate),
                acceptor_crashes,
                other_crashes,
                seed,
            )| {
                let acceptors = if five { 5 } else { 3 };
                let crashes = other_crashes[..proposers]
                    .iter()
                    .chain(&acceptor_crashes[..acceptors])
                    .chain(&other_crashes[3..3 + learners])
                    .copied()
                    .collect();
                Setup {
                    proposers,
                    acceptors,
                    learners,
                    start: start[..proposers].to_vec(),
                    timeout,
                    backoff,
                    max_attempts,
                    latency: (min, min + spread),
                    loss,
                    duplicate,
                    crashes,
                    seed,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// The correct variant keeps every safety property whatever the network and the crashes do,
    /// and progress whenever it promises it.
    #[test]
    fn correct_paxos_is_safe_in_ten_thousand_runs(setup in setup()) {
        let s = setup.scenario();
        let run = Run::complete(&s).unwrap();
        let trace = run.trace();
        prop_assert!((trace.steps.len() as u64) < s.limits.max_steps, "ran out of steps");
        prop_assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
        let reports = run.check(trace);
        prop_assert_eq!(reports.len(), 4);
        for r in &reports {
            if r.kind == PropertyKind::Safety {
                prop_assert!(r.promised, "{} is a promise of Paxos", r.name);
            }
            prop_assert!(!r.is_broken_promise(), "{}: {:?}", r.name, r.verdict);
        }
        let progress = report(&reports, "progress");
        if setup.proposers > 1 || setup.loss > 0.0 {
            prop_assert!(!progress.promised);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Progress, and its honest promise

#[test]
fn one_proposer_decides_despite_a_minority_of_crashed_acceptors() {
    for seed in 0..60 {
        let mut s = scenario(params(1, 5));
        s.seed = seed;
        s.faults = vec![crash(seed % 40, "A2"), crash(seed % 70, "A5")];
        let (trace, reports) = check(&s);
        assert!(report(&reports, "progress").promised, "seed {seed}");
        assert!(report(&reports, "progress").verdict.holds(), "seed {seed}");
        assert_eq!(decided(&trace), ["x"], "seed {seed}");
        for r in &reports {
            assert!(r.verdict.holds(), "seed {seed}: {} {:?}", r.name, r.verdict);
        }
    }
}

#[test]
fn a_majority_crashed_from_the_start_decides_nothing_and_stays_safe() {
    for (acceptors, down) in [(5, &["A1", "A3", "A5"][..]), (3, &["A2", "A3"][..])] {
        for seed in 0..30 {
            let mut s = scenario(params(1, acceptors));
            s.seed = seed;
            s.faults = down.iter().map(|who| crash(0, who)).collect();
            let (trace, reports) = check(&s);
            assert!(decided(&trace).is_empty(), "seed {seed}");
            let progress = report(&reports, "progress");
            assert!(!progress.promised, "a majority is down: no promise");
            assert!(!progress.verdict.holds());
            for name in ["agreement", "validity", "learned-chosen"] {
                let r = report(&reports, name);
                assert!(r.promised && r.verdict.holds(), "{name}: {:?}", r.verdict);
            }
            // The proposer tried every attempt it had, then gave up.
            let prepares = trace
                .messages
                .iter()
                .filter(|m| m.label.starts_with("Prepare") && m.to == 1)
                .count();
            assert_eq!(prepares, PaxosParams::default().max_attempts as usize);
        }
    }
}

#[test]
fn progress_is_promised_only_when_paxos_can_keep_it() {
    let promised = |s: &Scenario| {
        let run = Run::new(s).unwrap();
        run.properties()
            .iter()
            .find(|p| p.name == "progress")
            .unwrap()
            .promised
    };
    let base = scenario(params(1, 3));
    assert!(promised(&base));
    // Two proposers can duel for ever.
    assert!(!promised(&scenario(params(2, 3))));
    // A lossy network.
    let mut lossy = base.clone();
    lossy.network.loss = 0.1;
    assert!(!promised(&lossy));
    // A learner's drop.
    let mut dropped = base.clone();
    dropped.interventions.push(Intervention {
        step: 1,
        action: Action::Drop { message: 0 },
    });
    assert!(!promised(&dropped));
    // The proposer crashes, or the only learner does.
    for who in ["P1", "L1"] {
        let mut s = base.clone();
        s.faults.push(crash(50, who));
        assert!(!promised(&s), "{who}");
    }
    // One acceptor of three: still a majority. Two: not.
    let mut one = base.clone();
    one.faults.push(crash(50, "A1"));
    assert!(promised(&one));
    one.interventions.push(Intervention {
        step: 3,
        action: Action::Crash {
            process: ProcessRef::Name("A2".into()),
        },
    });
    assert!(!promised(&one));
    // A timeout shorter than a round trip.
    let mut hasty = base.clone();
    hasty.params["timeout"] = 40.into();
    assert!(!promised(&hasty));
    // A crash by the learner's hand withdraws the promise in a live run too.
    let mut run = Run::new(&base).unwrap();
    run.run();
    run.set_interventions(vec![Intervention {
        step: 2,
        action: Action::Crash {
            process: ProcessRef::Name("P1".into()),
        },
    }])
    .unwrap();
    assert!(!run
        .properties()
        .iter()
        .any(|p| p.name == "progress" && p.promised));
}

// ---------------------------------------------------------------------------------------------
// The counterexample search

/// The bound the tests use: the default one.
fn bound() -> SearchBound {
    SearchBound::default()
}

#[test]
fn the_search_breaks_both_broken_variants_and_not_the_correct_one() {
    for name in ["paxos-broken-proposer", "paxos-broken-acceptor"] {
        let mut s = example(name);
        let frozen = std::mem::take(&mut s.interventions);
        // Without the schedule the broken variant keeps agreement on this seed...
        let (_, reports) = check(&s);
        assert!(report(&reports, "agreement").verdict.holds(), "{name}");
        // ...and the search finds the schedule frozen in the example.
        let outcome = find_violation(&s, "agreement", &bound()).unwrap();
        let found = outcome.violation.as_ref().expect("a violation");
        assert_eq!(found.interventions, frozen, "{name}");
        assert_eq!(found.added, frozen.len());
        assert!(
            found.explanation.contains("two different values"),
            "{}",
            found.explanation
        );
        assert_eq!(found.events.len(), 2);
        assert!(outcome.finished);
        // The same bound finds nothing against the correct variant, and explores it all.
        let correct = with_variant(s.clone(), "correct");
        let outcome = find_violation(&correct, "agreement", &bound()).unwrap();
        assert!(outcome.violation.is_none(), "{:?}", outcome.violation);
        assert!(outcome.finished);
        assert!(outcome.runs > 1_000, "{} runs", outcome.runs);
    }
}

#[test]
fn the_search_is_deterministic_and_checks_its_input() {
    let mut s = example("paxos-broken-acceptor");
    s.interventions.clear();
    let a = find_violation(&s, "agreement", &bound()).unwrap();
    let b = find_violation(&s, "agreement", &bound()).unwrap();
    assert_eq!(a, b);

    match find_violation(&s, "liveliness", &bound()) {
        Err(ScenarioError::Invalid { field, message }) => {
            assert_eq!(field, "property");
            assert!(message.contains("agreement"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // A run cap stops it, and it says so.
    let capped = SearchBound {
        max_runs: 10,
        ..bound()
    };
    let correct = with_variant(s.clone(), "correct");
    let outcome = find_violation(&correct, "agreement", &capped).unwrap();
    assert!(!outcome.finished && outcome.violation.is_none());
    assert_eq!(outcome.runs, 10);

    // Without reboots and with a single intervention, the broken acceptor is never caught
    // forgetting anything: "none within this bound" is not a proof.
    let weak = SearchBound {
        max_interventions: 1,
        moves: vec![Move::Drop, Move::Delay, Move::Crash],
        ..bound()
    };
    let outcome = find_violation(&s, "agreement", &weak).unwrap();
    assert!(outcome.violation.is_none());
}

#[test]
fn the_search_returns_the_scenarios_own_interventions_with_its_own() {
    // A learner already duplicated a message; the search adds to that.
    let mut s = example("paxos-broken-acceptor");
    let early = Intervention {
        step: 1,
        action: Action::Duplicate { message: 0 },
    };
    s.interventions = vec![early.clone()];
    let outcome = find_violation(&s, "agreement", &bound()).unwrap();
    let found = outcome.violation.expect("still breakable");
    assert_eq!(found.interventions[0], early);
    assert_eq!(found.interventions.len(), 1 + found.added);
    // Playing what it returns shows the violation.
    s.interventions = found.interventions.clone();
    let (_, reports) = check(&s);
    assert!(!report(&reports, "agreement").verdict.holds());
}

// ---------------------------------------------------------------------------------------------
// The examples

#[test]
fn the_examples_run_cleanly_and_do_what_they_say() {
    let mine: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "paxos")
        .collect();
    let names: Vec<&str> = mine.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "paxos-calm",
            "paxos-five-acceptors",
            "paxos-adopt-accepted",
            "paxos-dueling",
            "paxos-minority-crash",
            "paxos-majority-crash",
            "paxos-broken-proposer",
            "paxos-broken-acceptor",
        ]
    );
    for s in &mine {
        assert!(
            !s.title.is_empty() && !s.description.is_empty(),
            "{}",
            s.name
        );
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), *s);
        let (trace, reports) = check(s);
        assert!(
            trace.warnings.is_empty(),
            "{}: {:?}",
            s.name,
            trace.warnings
        );
        for r in &reports {
            assert!(r.promised || r.name == "progress", "{} {}", s.name, r.name);
            if !s.name.contains("broken") {
                assert!(
                    !r.is_broken_promise(),
                    "{}: {} {:?}",
                    s.name,
                    r.name,
                    r.verdict
                );
            }
        }
        let holds = |name: &str| report(&reports, name).verdict.holds();
        let ballots: Vec<&str> = trace
            .messages
            .iter()
            .filter(|m| m.label.starts_with("Prepare") && trace.processes[m.to] == "A1")
            .map(|m| m.label.as_str())
            .collect();
        match s.name.as_str() {
            "paxos-calm" => {
                assert_eq!(decided(&trace), ["x"]);
                assert!(report(&reports, "progress").promised && holds("progress"));
                assert_eq!(ballots, ["Prepare 1.P1"]);
            }
            "paxos-dueling" => {
                // As the description tells it.
                assert_eq!(decided(&trace), ["y"]);
                assert_eq!(
                    ballots,
                    [
                        "Prepare 1.P1",
                        "Prepare 1.P2",
                        "Prepare 2.P1",
                        "Prepare 3.P2",
                        "Prepare 4.P1",
                        "Prepare 5.P2"
                    ]
                );
                let chosen_in = trace
                    .outputs
                    .iter()
                    .find(|o| o.kind == "decide")
                    .and_then(|o| trace.events[o.event].message)
                    .map(|m| trace.messages[m].label.as_str());
                assert_eq!(chosen_in, Some("Accepted 4.P1 y"));
                assert!(!report(&reports, "progress").promised);
            }
            "paxos-five-acceptors" => {
                assert_eq!(decided(&trace), ["x"]);
                assert!(report(&reports, "progress").promised && holds("progress"));
                // Crashed at the start by the learner: two of five still choose x, three do not.
                let crashed = |names: &[&str]| {
                    let mut c = s.clone();
                    c.interventions = names
                        .iter()
                        .map(|n| spacetime_core::Intervention {
                            step: 0,
                            action: Action::Crash {
                                process: spacetime_core::ProcessRef::Name(n.to_string()),
                            },
                        })
                        .collect();
                    check(&c)
                };
                let (two, _) = crashed(&["A1", "A2"]);
                assert_eq!(decided(&two), ["x"]);
                let (three, reports) = crashed(&["A1", "A2", "A3"]);
                assert!(decided(&three).is_empty());
                assert!(!report(&reports, "progress").promised);
                assert!(report(&reports, "agreement").verdict.holds());
            }
            "paxos-adopt-accepted" => {
                // Checked in detail by `the_adopt_scenario_shows_the_rule`.
                assert_eq!(decided(&trace), ["x"]);
            }
            "paxos-minority-crash" => {
                assert_eq!(decided(&trace), ["x"]);
                assert!(report(&reports, "progress").promised && holds("progress"));
            }
            "paxos-majority-crash" => {
                assert!(decided(&trace).is_empty());
                assert!(!report(&reports, "progress").promised);
                assert!(holds("agreement") && holds("validity") && holds("learned-chosen"));
            }
            "paxos-broken-proposer" | "paxos-broken-acceptor" => {
                assert_eq!(s.variant, s.name.trim_start_matches("paxos-"));
                // The schedule is the one the description tells.
                let touched = |step: u64| {
                    let e = trace
                        .events
                        .iter()
                        .find(|e| e.step == step && e.kind == spacetime_core::EventKind::Receive);
                    e.map(|e| (trace.processes[e.process].as_str(), e.label.to_string()))
                };
                if s.variant == "broken-proposer" {
                    assert_eq!(s.interventions.len(), 1);
                    let Action::Drop { message } = s.interventions[0].action else {
                        panic!("{:?}", s.interventions);
                    };
                    let m = &trace.messages[message];
                    assert_eq!(
                        (m.label.as_str(), trace.processes[m.to].as_str()),
                        ("Prepare 1.P2", "A2")
                    );
                } else {
                    assert_eq!(s.interventions.len(), 2);
                    let step = s.interventions[0].step;
                    assert_eq!(touched(step), Some(("A2", "Accept 1.P1 x".to_string())));
                }
                let agreement = report(&reports, "agreement");
                assert!(agreement.promised && !agreement.verdict.holds());
                assert_eq!(decided(&trace), ["x", "y"]);
                // The other safety properties still hold: each value really was chosen.
                assert!(holds("validity") && holds("learned-chosen"));
                // The correct variant, under the same interventions, keeps agreement.
                let (trace, reports) = check(&with_variant(s.clone(), "correct"));
                assert!(report(&reports, "agreement").verdict.holds(), "{}", s.name);
                assert_eq!(decided(&trace).len(), 1, "{}", s.name);
            }
            other => panic!("unexpected example {other}"),
        }
        // Every variant of every example keeps validity and learned-chosen, and the correct one
        // agreement too.
        for v in VARIANTS {
            let (_, reports) = check(&with_variant(s.clone(), v));
            for name in ["validity", "learned-chosen"] {
                assert!(
                    report(&reports, name).verdict.holds(),
                    "{} as {v}: {name}",
                    s.name
                );
            }
            if v == "correct" {
                assert!(report(&reports, "agreement").verdict.holds(), "{}", s.name);
            }
        }
    }
}

#[test]
fn runs_are_deterministic() {
    for s in protocols::examples()
        .iter()
        .filter(|s| s.protocol == "paxos")
    {
        let a = serde_json::to_string(Run::complete(s).unwrap().trace()).unwrap();
        let b = serde_json::to_string(Run::complete(s).unwrap().trace()).unwrap();
        assert_eq!(a, b, "{}", s.name);
    }
    let mut s = example("paxos-dueling");
    s.network.loss = 0.2;
    s.network.duplicate = 0.1;
    let traces: std::collections::BTreeSet<String> = (0..6)
        .map(|seed| {
            s.seed = seed;
            let first = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
            let again = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
            assert_eq!(first, again, "seed {seed}");
            first
        })
        .collect();
    assert!(traces.len() > 1, "the seed must matter");
}

// ---------------------------------------------------------------------------------------------
// Labels, summaries, narration

#[test]
fn labels_and_summaries_are_written_as_documented() {
    let (trace, _) = check(&example("paxos-dueling"));
    let labels: Vec<&str> = trace.messages.iter().map(|m| m.label.as_str()).collect();
    for l in &labels {
        let kind = l.split(' ').next().unwrap();
        assert!(
            ["Prepare", "Promise", "Nack", "Accept", "Accepted"].contains(&kind),
            "{l}"
        );
    }
    assert!(labels.contains(&"Prepare 1.P1"));
    assert!(labels.contains(&"Promise 1.P2 (none)"));
    assert!(
        labels.iter().any(|l| l.starts_with("Promise 2.P1 (1.P2=")),
        "{labels:?}"
    );
    assert!(labels.contains(&"Nack 1.P2"));
    assert!(labels.contains(&"Accept 1.P2 y"));
    assert!(labels.contains(&"Accepted 1.P2 y"));

    let run = Run::complete(&example("paxos-calm")).unwrap();
    assert_eq!(
        run.summaries(),
        [
            "role: proposer · ballot: 1.P1 · phase: chosen · value: x",
            "role: acceptor · promised: 1.P1 · accepted: 1.P1=x",
            "role: acceptor · promised: 1.P1 · accepted: 1.P1=x",
            "role: acceptor · promised: 1.P1 · accepted: 1.P1=x",
            "role: learner · learned: x",
        ]
    );
    // Every summary is `name: value` parts joined by " · ".
    for s in protocols::examples()
        .iter()
        .filter(|s| s.protocol == "paxos")
    {
        let (trace, _) = check(s);
        for e in &trace.events {
            for part in e.state.split(" · ") {
                let (name, value) = part.split_once(": ").unwrap_or_else(|| panic!("{part}"));
                assert!(!name.is_empty() && !value.is_empty(), "{}", e.state);
            }
            assert!(e.state.starts_with("role: "), "{}", e.state);
        }
        // Every step in which a process acts explains itself.
        for i in 0..trace.steps.len() {
            let said = trace.narration(i);
            assert!(
                !said.is_empty() && said != "Nothing visible happens.",
                "{said}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters

fn invalid(s: &Scenario) -> (String, String) {
    match Run::new(s) {
        Err(ScenarioError::Invalid { field, message }) => (field, message),
        Err(other) => panic!("expected an invalid field, got {other:?}"),
        Ok(_) => panic!("expected an invalid field in {}", s.to_json()),
    }
}

#[test]
fn bad_parameters_are_named() {
    let base = scenario(params(2, 3));
    let set = |key: &str, value: serde_json::Value| {
        let mut s = base.clone();
        s.params[key] = value;
        s
    };
    for (key, value, field) in [
        ("proposers", 0.into(), "params.proposers"),
        ("proposers", 4.into(), "params.proposers"),
        ("acceptors", 0.into(), "params.acceptors"),
        ("acceptors", 8.into(), "params.acceptors"),
        ("learners", 0.into(), "params.learners"),
        ("learners", 4.into(), "params.learners"),
        ("values", serde_json::json!(["a"]), "params.values"),
        ("values", serde_json::json!(["a", " "]), "params.values[1]"),
        ("start", serde_json::json!([0, 1, 2]), "params.start"),
        ("timeout", 0.into(), "params.timeout"),
        ("max_attempts", 0.into(), "params.max_attempts"),
        ("max_attempts", 51.into(), "params.max_attempts"),
        ("colour", "blue".into(), "params"),
        ("proposers", "two".into(), "params"),
    ] {
        let (got, message) = invalid(&set(key, value.clone()));
        assert_eq!(got, field, "{key} = {value}: {message}");
        assert!(!message.is_empty());
    }
    // The process list must match the roles, and the message says how.
    let mut s = base.clone();
    s.processes.pop();
    let (field, message) = invalid(&s);
    assert_eq!(field, "processes");
    assert!(message.contains("P1, P2, A1, A2, A3, L1"), "{message}");
    assert!(message.contains("6 processes, not 5"), "{message}");
    // An unknown variant is named by the registry.
    let (field, _) = invalid(&with_variant(base.clone(), "byzantine"));
    assert_eq!(field, "variant");
    // Defaults fill in what is left out.
    let mut s = base.clone();
    s.params = serde_json::Value::Null;
    s.processes = names(1, 3, 1);
    assert!(Run::new(&s).is_ok());
}

// ---------------------------------------------------------------------------------------------
// One process at a time

fn nodes(variant: &str) -> Vec<PaxosNode> {
    Paxos::build(&scenario(params(2, 3)), variant).unwrap()
}

fn b(round: u32, proposer: usize) -> Ballot {
    Ballot::new(round, proposer, format!("P{}", proposer + 1))
}

/// Deliver `m` from `from` to `node`, returning the labels it sends and to whom.
fn deliver(node: &mut PaxosNode, me: usize, from: usize, m: PaxosMessage) -> Vec<(usize, String)> {
    let mut rng = seeded_rng(0);
    let mut ctx = Context::new(me, 6, 100, &mut rng);
    node.on_message(&mut ctx, from, m);
    let notes = ctx
        .effects()
        .iter()
        .filter(|e| matches!(e, Effect::Note(_)))
        .count();
    assert!(notes >= 1, "every decision is explained");
    ctx.effects()
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, message, .. } => Some((*to, message.label())),
            _ => None,
        })
        .collect()
}

fn reboot(node: &mut PaxosNode, me: usize) {
    node.on_crash();
    let mut rng = seeded_rng(0);
    let mut ctx = Context::new(me, 6, 200, &mut rng);
    node.on_recover(&mut ctx);
}

#[test]
fn an_acceptor_keeps_its_promise_and_its_vote_across_a_crash() {
    // P1 P2 A1 A2 A3 L1: A1 is process 2.
    let mut a1 = nodes("correct").remove(2);
    let sent = deliver(&mut a1, 2, 1, PaxosMessage::Prepare { ballot: b(1, 1) });
    assert_eq!(sent, [(1, "Promise 1.P2 (none)".to_string())]);
    let sent = deliver(
        &mut a1,
        2,
        1,
        PaxosMessage::Accept {
            ballot: b(1, 1),
            value: "y".into(),
        },
    );
    assert_eq!(
        sent,
        [
            (1, "Accepted 1.P2 y".to_string()),
            (5, "Accepted 1.P2 y".to_string())
        ]
    );
    let sent = deliver(&mut a1, 2, 0, PaxosMessage::Prepare { ballot: b(2, 0) });
    assert_eq!(sent, [(0, "Promise 2.P1 (1.P2=y)".to_string())]);
    let before = a1.summary();
    assert_eq!(before, "role: acceptor · promised: 2.P1 · accepted: 1.P2=y");

    reboot(&mut a1, 2);
    assert_eq!(a1.summary(), before);
    assert_eq!(a1.promised(), Some(&b(2, 0)));
    assert_eq!(a1.accepted(), Some(&(b(1, 1), "y".to_string())));
    // So it still refuses the lower ballot it promised to ignore.
    let sent = deliver(
        &mut a1,
        2,
        1,
        PaxosMessage::Accept {
            ballot: b(1, 1),
            value: "y".into(),
        },
    );
    assert_eq!(sent, [(1, "Nack 2.P1".to_string())]);
    let sent = deliver(&mut a1, 2, 1, PaxosMessage::Prepare { ballot: b(2, 1) });
    assert_eq!(sent, [(1, "Promise 2.P2 (1.P2=y)".to_string())]);
}

#[test]
fn a_broken_acceptor_forgets_its_promise_but_not_its_vote() {
    let mut a1 = nodes("broken-acceptor").remove(2);
    deliver(
        &mut a1,
        2,
        1,
        PaxosMessage::Accept {
            ballot: b(1, 1),
            value: "y".into(),
        },
    );
    deliver(&mut a1, 2, 0, PaxosMessage::Prepare { ballot: b(3, 0) });
    assert_eq!(a1.promised(), Some(&b(3, 0)));
    reboot(&mut a1, 2);
    assert_eq!(a1.promised(), None);
    assert_eq!(
        a1.summary(),
        "role: acceptor · promised: none · accepted: 1.P2=y"
    );
    // It now accepts a ballot lower than the one it promised: the bug.
    let sent = deliver(
        &mut a1,
        2,
        0,
        PaxosMessage::Accept {
            ballot: b(2, 0),
            value: "x".into(),
        },
    );
    assert_eq!(sent[0], (0, "Accepted 2.P1 x".to_string()));
}

#[test]
fn a_proposer_keeps_its_round_counter_across_a_crash() {
    let mut p1 = nodes("correct").remove(0);
    let mut rng = seeded_rng(3);
    let mut ctx = Context::new(0, 6, 0, &mut rng);
    p1.on_start(&mut ctx);
    let labels: Vec<String> = ctx
        .effects()
        .iter()
        .filter_map(|e| match e {
            Effect::Send { message, .. } => Some(message.label()),
            _ => None,
        })
        .collect();
    assert_eq!(labels, ["Prepare 1.P1"; 3]);
    assert!(p1
        .summary()
        .starts_with("role: proposer · ballot: 1.P1 · phase: prepare"));

    p1.on_crash();
    assert_eq!(
        p1.summary(),
        "role: proposer · ballot: none · phase: lost its ballot in a crash · value: x"
    );
    let mut ctx = Context::new(0, 6, 50, &mut rng);
    p1.on_recover(&mut ctx);
    // It re-arms a timer (the engine cancelled its timers) and waits out a random pause.
    assert!(ctx
        .effects()
        .iter()
        .any(|e| matches!(e, Effect::SetTimer { name, .. } if name == "backoff")));
    let mut ctx = Context::new(0, 6, 90, &mut rng);
    p1.on_timer(&mut ctx, "backoff");
    let next = ctx.effects().iter().find_map(|e| match e {
        Effect::Send { message, .. } => Some(message.label()),
        _ => None,
    });
    assert_eq!(
        next.as_deref(),
        Some("Prepare 2.P1"),
        "never ballot 1.P1 again"
    );
}

#[test]
fn a_proposer_adopts_the_highest_reported_value_unless_broken() {
    for (variant, proposes) in [
        ("correct", "Accept 3.P1 y"),
        ("broken-proposer", "Accept 3.P1 x"),
    ] {
        let mut p1 = nodes(variant).remove(0);
        let mut rng = seeded_rng(0);
        let mut ctx = Context::new(0, 6, 0, &mut rng);
        // Bring it to round 3: a Nack tells it 2.P2 is promised.
        p1.on_start(&mut ctx);
        deliver(
            &mut p1,
            0,
            2,
            PaxosMessage::Nack {
                ballot: b(1, 0),
                promised: b(2, 1),
            },
        );
        let mut ctx = Context::new(0, 6, 60, &mut rng);
        p1.on_timer(&mut ctx, "backoff");
        let promise = |accepted: Option<(Ballot, &str)>| PaxosMessage::Promise {
            ballot: b(3, 0),
            accepted: accepted.map(|(b, v)| (b, v.to_string())),
        };
        assert!(deliver(&mut p1, 0, 2, promise(Some((b(1, 0), "x")))).is_empty());
        let sent = deliver(&mut p1, 0, 3, promise(Some((b(2, 1), "y"))));
        assert_eq!(sent.len(), 3);
        assert!(
            sent.iter().all(|(_, l)| l == proposes),
            "{variant}: {sent:?}"
        );
    }
}

#[test]
fn a_learner_decides_once_a_majority_accepted_one_ballot() {
    let mut l1 = nodes("correct").remove(5);
    let accepted = |round, value: &str| PaxosMessage::Accepted {
        ballot: b(round, 0),
        value: value.into(),
    };
    let decide = |node: &mut PaxosNode, from, m| {
        let mut rng = seeded_rng(0);
        let mut ctx = Context::new(5, 6, 10, &mut rng);
        node.on_message(&mut ctx, from, m);
        ctx.effects()
            .iter()
            .filter_map(|e| match e {
                Effect::Output { kind, value } => Some(format!("{kind} {value}")),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // Two acceptors, but in different ballots: not yet.
    assert!(decide(&mut l1, 2, accepted(1, "x")).is_empty());
    assert!(decide(&mut l1, 3, accepted(2, "x")).is_empty());
    assert!(
        decide(&mut l1, 2, accepted(1, "x")).is_empty(),
        "the same acceptor twice"
    );
    assert_eq!(decide(&mut l1, 4, accepted(1, "x")), ["decide x"]);
    assert!(
        decide(&mut l1, 2, accepted(2, "x")).is_empty(),
        "x is known already"
    );
    assert_eq!(l1.learned(), ["x"]);
    assert_eq!(l1.summary(), "role: learner · learned: x");
}

#[test]
fn ballots_order_by_round_then_proposer() {
    assert!(b(1, 0) < b(1, 1));
    assert!(b(1, 2) < b(2, 0));
    assert_eq!(b(3, 1).to_string(), "3.P2");
    assert_eq!(
        PaxosMessage::Promise {
            ballot: b(2, 1),
            accepted: Some((b(1, 0), "x".into()))
        }
        .label(),
        "Promise 2.P2 (1.P1=x)"
    );
}

/// Not a test of behaviour: how long the search takes. `cargo test --test paxos search_cost
/// -- --ignored --nocapture`, in debug and with `--release`.
#[test]
#[ignore]
fn search_cost() {
    for name in ["paxos-broken-proposer", "paxos-broken-acceptor"] {
        for variant in [name.trim_start_matches("paxos-"), "correct"] {
            let mut s = with_variant(example(name), variant);
            s.interventions.clear();
            let t = std::time::Instant::now();
            let outcome = find_violation(&s, "agreement", &bound()).unwrap();
            println!(
                "{name} as {variant}: found {}, {} runs, {:?}",
                outcome.found(),
                outcome.runs,
                t.elapsed()
            );
        }
    }
}

/// The sweep has teeth: over random runs of the same kind, the broken proposer is caught.
#[test]
fn the_same_sweep_catches_the_broken_proposer() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = setup();
    let caught = (0..300)
        .filter(|_| {
            let s = strategy.new_tree(&mut runner).unwrap().current().scenario();
            let (_, reports) = check(&with_variant(s, "broken-proposer"));
            !report(&reports, "agreement").verdict.holds()
        })
        .count();
    assert!(
        caught >= 10,
        "only {caught} of 300 random runs broke agreement"
    );
}

/// `paxos-adopt-accepted` shows what its description says: x is chosen in ballot 1.P1 (accepted
/// by A1 and A3); P2's majority of promises for 1.P2 is A2 and A3, A3's reporting that it
/// accepted x in 1.P1; so P2 proposes x, not its own y, and x is the only value decided.
#[test]
fn the_adopt_scenario_shows_the_rule() {
    use spacetime_core::lessons::paxos::paxos::PaxosMessage;
    let s = example("paxos-adopt-accepted");
    assert_eq!(s.variant, "correct");
    let (trace, reports) = check(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    assert!(report(&reports, "agreement").verdict.holds());
    let name = |p: usize| trace.processes[p].as_str();
    let msg = |m: &spacetime_core::trace::Message| {
        m.content::<PaxosMessage>()
            .expect("a Paxos message")
            .clone()
    };
    // x accepted by A1 and A3 in P1's ballot: chosen.
    let accepted_x_by: Vec<&str> = trace
        .messages
        .iter()
        .filter(|m| name(m.to) == "L1")
        .filter(|m| matches!(msg(m), PaxosMessage::Accepted { ballot, value } if ballot.to_string() == "1.P1" && value == "x"))
        .map(|m| name(m.from))
        .collect();
    assert_eq!(accepted_x_by, ["A3", "A1"]);
    // P2's promises that arrived, in order: A2 reports nothing, A3 reports 1.P1=x.
    let promises: Vec<(&str, Option<String>)> = trace
        .messages
        .iter()
        .filter(|m| name(m.to) == "P2" && m.receive_event.is_some())
        .filter_map(|m| match msg(m) {
            PaxosMessage::Promise { accepted, .. } => {
                Some((name(m.from), accepted.map(|(b, v)| format!("{b}={v}"))))
            }
            _ => None,
        })
        .collect();
    assert_eq!(promises, [("A2", None), ("A3", Some("1.P1=x".into()))]);
    // Every Accept P2 sends carries x.
    let p2_values: Vec<String> = trace
        .messages
        .iter()
        .filter(|m| name(m.from) == "P2")
        .filter_map(|m| match msg(m) {
            PaxosMessage::Accept { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(p2_values, ["x", "x", "x"]);
    assert_eq!(decided(&trace), ["x"]);
    // The broken proposer, in the same run, would have proposed its own y.
    let (broken, _) = check(&with_variant(s, "broken-proposer"));
    assert!(broken.messages.iter().any(|m| name(m.from) == "P2"
        && matches!(m.content::<PaxosMessage>(), Some(PaxosMessage::Accept { value, .. }) if value == "y")));
}
