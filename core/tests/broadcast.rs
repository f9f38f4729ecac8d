//! Broadcast: every variant keeps its promises over random runs with crashes, each prepared
//! scenario shows the weaker variant breaking a property that the stronger one keeps, deliveries
//! are written the same way everywhere, runs are deterministic, and bad parameters are named.

use proptest::prelude::*;
use spacetime_core::lessons::broadcast::broadcast::{BroadcastParams, PlannedBroadcast, Reply};
use spacetime_core::protocols::{self};
use spacetime_core::{
    Action, Fault, Latency, Limits, NetworkModel, ProcessRef, PropertyReport, Run, Scenario,
    ScenarioError, Trace, Verdict,
};

const VARIANTS: [&str; 7] = [
    "best-effort",
    "reliable",
    "fifo",
    "causal",
    "total-sequencer",
    "total-lamport",
    "gossip",
];

fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("P{i}")).collect()
}

fn scenario(variant: &str, n: usize, params: BroadcastParams) -> Scenario {
    Scenario {
        name: "broadcast-test".into(),
        title: String::new(),
        description: String::new(),
        protocol: "broadcast".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: names(n),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 100_000,
            max_time: None,
        },
    }
}

fn with_variant(mut s: Scenario, variant: &str) -> Scenario {
    s.variant = variant.into();
    s
}

/// Run to the end and report every property.
fn check(s: &Scenario) -> (Trace, Vec<PropertyReport>) {
    let mut run = Run::new(s).unwrap();
    let trace = run.run().clone();
    assert!(run.is_finished(), "{} did not finish", s.name);
    let reports = run.check(&trace);
    (trace, reports)
}

fn verdict<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

/// The deliveries at each process, in order.
fn deliveries(trace: &Trace) -> Vec<Vec<String>> {
    let mut per = vec![Vec::new(); trace.processes.len()];
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        per[o.process].push(o.value.clone());
    }
    per
}

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

/// The knobs of a random run.
#[derive(Clone, Debug)]
struct Setup {
    variant: &'static str,
    n: usize,
    broadcasts: Vec<(u64, usize)>,
    /// Replies: (the answered message's sender, its number, who answers).
    replies: Vec<(usize, u32, usize)>,
    crashes: Vec<(usize, u64)>,
    latency: (u64, u64),
    fifo: bool,
    seed: u64,
}

impl Setup {
    fn scenario(&self) -> Scenario {
        let n = self.n;
        let mut params = BroadcastParams {
            broadcasts: self
                .broadcasts
                .iter()
                .map(|&(at, from)| PlannedBroadcast {
                    at,
                    from: ProcessRef::Index(from % n),
                    label: None,
                })
                .collect(),
            ..BroadcastParams::default()
        };
        for &(sender, k, from) in &self.replies {
            params.replies.push(Reply {
                to: format!("P{}#{k}", sender % n + 1),
                from: ProcessRef::Index(from % n),
                label: None,
            });
        }
        let mut s = scenario(self.variant, n, params);
        s.seed = self.seed;
        s.network.latency = Latency {
            min: self.latency.0,
            max: self.latency.0 + self.latency.1,
        };
        // The Lamport variant assumes FIFO links.
        s.network.fifo = self.fifo || self.variant == "total-lamport";
        for &(p, at) in &self.crashes {
            // Never the sequencer of the sequencer variant.
            let p = if self.variant == "total-sequencer" {
                1 + p % (n - 1)
            } else {
                p % n
            };
            s.faults.push(Fault {
                at,
                action: Action::Crash {
                    process: ProcessRef::Index(p),
                },
            });
        }
        s
    }
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        0..VARIANTS.len(),
        3usize..=6,
        prop::collection::vec((0u64..80, 0usize..6), 1..=5),
        prop::collection::vec((0usize..6, 1u32..=2, 0usize..6), 0..=4),
        prop::collection::vec((0usize..6, 0u64..120), 0..=2),
        (1u64..20, 0u64..40),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            |(v, n, broadcasts, replies, crashes, latency, fifo, seed)| Setup {
                variant: VARIANTS[v],
                n,
                broadcasts,
                replies,
                crashes,
                latency,
                fifo,
                seed,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every property a variant promises holds on a finished run, crashes and all.
    #[test]
    fn every_variant_keeps_its_promises(setup in setup()) {
        let s = setup.scenario();
        let mut run = Run::new(&s).unwrap();
        let trace = run.run().clone();
        prop_assert!(run.is_finished());
        prop_assert!((trace.steps.len() as u64) < s.limits.max_steps, "ran out of steps");
        prop_assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
        let reports = run.check(&trace);
        prop_assert_eq!(reports.len(), 6);
        for r in &reports {
            prop_assert!(!r.is_broken_promise(), "{} / {}: {:?}", setup.variant, r.name, r.verdict);
        }
        // Safety holds on every prefix too.
        let half = trace.prefix(trace.step_count() / 2);
        for r in run.check(&half) {
            if r.promised && r.kind == spacetime_core::PropertyKind::Safety {
                prop_assert!(r.verdict.holds(), "{} on a prefix: {:?}", r.name, r.verdict);
            }
        }
        // Without crashes, the total-order variants are live as well.
        if setup.crashes.is_empty() && setup.variant.starts_with("total") {
            prop_assert!(verdict(&reports, "validity").promised);
            prop_assert!(verdict(&reports, "agreement").promised);
        }
    }

    /// A delivery is written `P1#2` at every process, and each message the same way everywhere.
    #[test]
    fn deliveries_are_written_alike(setup in setup()) {
        let (trace, _) = check(&setup.scenario());
        let broadcast: Vec<&str> = trace
            .outputs
            .iter()
            .filter(|o| o.kind == "broadcast")
            .map(|o| o.value.as_str())
            .collect();
        for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
            let (sender, n) = o.value.rsplit_once('#').expect("sender#n");
            prop_assert!(trace.processes.iter().any(|p| p == sender), "{}", o.value);
            prop_assert!(n.parse::<u32>().is_ok_and(|n| n >= 1), "{}", o.value);
            prop_assert!(broadcast.contains(&o.value.as_str()), "{}", o.value);
        }
    }
}

#[test]
fn examples_run_to_the_end_cleanly() {
    let examples: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "broadcast")
        .collect();
    assert_eq!(examples.len(), 5);
    for s in examples {
        assert!(s.name.starts_with("broadcast-"), "{}", s.name);
        assert!(
            !s.title.is_empty() && !s.description.is_empty(),
            "{}",
            s.name
        );
        assert!(
            s.name.starts_with(&format!("broadcast-{}", s.variant))
                || s.name == "broadcast-total-order-needed",
            "{} runs {}",
            s.name,
            s.variant
        );
        for v in VARIANTS {
            let s = with_variant(s.clone(), v);
            let mut run = Run::new(&s).unwrap();
            let trace = run.run().clone();
            assert!(run.is_finished(), "{} / {v}", s.name);
            assert!(
                (trace.steps.len() as u64) < s.limits.max_steps,
                "{} / {v} ran out of steps",
                s.name
            );
            assert!(
                trace.warnings.is_empty(),
                "{} / {v}: {:?}",
                s.name,
                trace.warnings
            );
            assert!(trace.timers.is_empty(), "{} / {v} draws timers", s.name);
            for r in run.check(&trace) {
                assert!(
                    !r.is_broken_promise(),
                    "{} / {v}: {} {:?}",
                    s.name,
                    r.name,
                    r.verdict
                );
            }
        }
    }
}

/// Each prepared scenario: the weaker variant breaks the property, the stronger one keeps it.
#[test]
fn examples_show_what_the_stronger_variant_adds() {
    let cases = [
        (
            "broadcast-best-effort-sender-crash",
            "agreement",
            "best-effort",
            "reliable",
        ),
        ("broadcast-fifo-overtake", "fifo-order", "reliable", "fifo"),
        (
            "broadcast-causal-reply-overtakes",
            "causal-order",
            "fifo",
            "causal",
        ),
        (
            "broadcast-total-order-needed",
            "total-order",
            "causal",
            "total-lamport",
        ),
        (
            "broadcast-total-order-needed",
            "total-order",
            "causal",
            "total-sequencer",
        ),
    ];
    for (name, property, weak, strong) in cases {
        let s = example(name);
        let (_, reports) = check(&with_variant(s.clone(), weak));
        let r = verdict(&reports, property);
        assert!(!r.promised, "{name}: {weak} promises {property}");
        match &r.verdict {
            Verdict::Violated {
                events,
                explanation,
            } => {
                assert!(!events.is_empty(), "{name}");
                assert!(!explanation.is_empty(), "{name}");
            }
            Verdict::Holds => panic!("{name}: {property} holds under {weak}"),
        }
        let (_, reports) = check(&with_variant(s, strong));
        let r = verdict(&reports, property);
        assert!(r.promised, "{name}: {strong} does not promise {property}");
        assert!(r.verdict.holds(), "{name} / {strong}: {:?}", r.verdict);
    }
}

#[test]
fn sender_crash_leaves_copies_unsent_under_best_effort() {
    let (trace, reports) = check(&example("broadcast-best-effort-sender-crash"));
    assert_eq!(
        deliveries(&trace),
        vec![vec!["P1#1"], vec!["P1#1"], vec![], vec![]]
    );
    // P1 crashed, so validity has nothing to ask; P2 never crashed and delivered alone.
    assert!(verdict(&reports, "validity").verdict.holds());
    let (trace, _) = check(&with_variant(
        example("broadcast-best-effort-sender-crash"),
        "reliable",
    ));
    assert!(trace.messages.iter().any(|m| m.label == "relay P1#1"));
    assert!(deliveries(&trace).iter().all(|d| d == &["P1#1"]));
}

#[test]
fn messages_are_labelled_like_the_textbook() {
    let labels = |variant: &str| -> Vec<String> {
        let (trace, _) = check(&with_variant(
            example("broadcast-total-order-needed"),
            variant,
        ));
        trace.messages.iter().map(|m| m.label.clone()).collect()
    };
    let reliable = labels("reliable");
    assert!(reliable.contains(&"m P1#1".to_string()));
    assert!(reliable.contains(&"relay P3#1".to_string()));
    let lamport = labels("total-lamport");
    assert!(lamport.contains(&"m P3#1".to_string()));
    assert!(lamport.contains(&"ack P1#1".to_string()));
    let sequencer = labels("total-sequencer");
    assert!(sequencer.contains(&"m P3#1".to_string()));
    assert!(sequencer.contains(&"seq 1: P1#1".to_string()));
    assert!(sequencer.contains(&"seq 2: P3#1".to_string()));
}

#[test]
fn the_inspector_shows_the_hold_back_queue() {
    let states = |name: &str, variant: &str| -> Vec<String> {
        let (trace, _) = check(&with_variant(example(name), variant));
        trace.events.iter().map(|e| e.state.to_string()).collect()
    };
    let fifo = states("broadcast-fifo-overtake", "fifo");
    assert!(
        fifo.iter()
            .any(|s| s.contains("holding back P1#2 (waits for P1#1)")),
        "{fifo:?}"
    );
    let causal = states("broadcast-causal-reply-overtakes", "causal");
    assert!(
        causal
            .iter()
            .any(|s| s.contains("holding back P2#1 (waits for P1#1)")),
        "{causal:?}"
    );
    let lamport = states("broadcast-total-order-needed", "total-lamport");
    assert!(
        lamport
            .iter()
            .any(|s| s.contains("(waits for P2, P4 to pass 1)")),
        "{lamport:?}"
    );
    let mut run = Run::new(&example("broadcast-total-order-needed")).unwrap();
    run.run();
    assert!(run.summaries().iter().all(|s| s == "delivered P1#1, P3#1"));
}

#[test]
fn names_other_than_p_n_are_written_alike() {
    for variant in VARIANTS {
        let mut s = scenario(
            variant,
            3,
            BroadcastParams {
                broadcasts: vec![
                    PlannedBroadcast {
                        at: 5,
                        from: ProcessRef::Name("bob".into()),
                        label: Some("hi".into()),
                    },
                    PlannedBroadcast {
                        at: 6,
                        from: ProcessRef::Index(0),
                        label: None,
                    },
                ],
                fanout: 2,
                ..BroadcastParams::default()
            },
        );
        s.processes = vec!["alice".into(), "bob".into(), "carol".into()];
        s.network.fifo = true;
        let (trace, reports) = check(&s);
        for got in deliveries(&trace) {
            let mut got = got.clone();
            got.sort();
            assert_eq!(got, vec!["alice#1", "bob#1"], "{variant}");
        }
        for r in reports {
            assert!(
                !r.is_broken_promise(),
                "{variant}: {} {:?}",
                r.name,
                r.verdict
            );
        }
    }
}

#[test]
fn runs_are_deterministic() {
    for name in [
        "broadcast-gossip-coverage",
        "broadcast-fifo-overtake",
        "broadcast-total-order-needed",
    ] {
        for v in VARIANTS {
            let s = with_variant(example(name), v);
            let a = serde_json::to_string(&check(&s).0).unwrap();
            let b = serde_json::to_string(&check(&s).0).unwrap();
            assert_eq!(a, b, "{name} / {v}");
        }
    }
}

#[test]
fn promises_follow_the_assumptions() {
    let promised = |s: &Scenario, property: &str| verdict(&check(s).1, property).promised;
    // The sequencer may not crash.
    let mut s = with_variant(example("broadcast-fifo-overtake"), "total-sequencer");
    assert!(promised(&s, "validity"));
    s.faults.push(Fault {
        at: 50,
        action: Action::Crash {
            process: ProcessRef::Index(0),
        },
    });
    assert!(!promised(&s, "validity") && !promised(&s, "agreement"));
    assert!(promised(&s, "total-order"));
    // The Lamport variant needs FIFO links for its order, and no crash for its liveness.
    let mut s = example("broadcast-total-order-needed");
    assert!(promised(&s, "total-order") && promised(&s, "causal-order"));
    s.network.fifo = false;
    assert!(!promised(&s, "total-order") && !promised(&s, "fifo-order"));
    let mut s = example("broadcast-total-order-needed");
    s.faults.push(Fault {
        at: 200,
        action: Action::Crash {
            process: ProcessRef::Index(3),
        },
    });
    assert!(!promised(&s, "validity"));
    // Gossip promises no coverage, best-effort no agreement.
    let s = example("broadcast-gossip-coverage");
    assert!(!promised(&s, "validity") && !promised(&s, "agreement"));
    assert!(promised(&s, "integrity"));
    assert!(!promised(
        &example("broadcast-best-effort-sender-crash"),
        "agreement"
    ));
}

#[test]
fn a_crashed_sequencer_stops_deliveries_but_not_safety() {
    let mut s = with_variant(example("broadcast-total-order-needed"), "total-sequencer");
    s.faults.push(Fault {
        at: 0,
        action: Action::Crash {
            process: ProcessRef::Index(0),
        },
    });
    let (trace, reports) = check(&s);
    assert!(deliveries(&trace).iter().all(|d| d.is_empty()));
    assert!(!verdict(&reports, "validity").verdict.holds());
    assert!(reports.iter().all(|r| !r.is_broken_promise()));
}

#[test]
fn bad_params_are_rejected_naming_the_field() {
    let field_of = |variant: &str, params: serde_json::Value| -> String {
        let mut s = scenario(variant, 3, BroadcastParams::default());
        s.params = params;
        match Run::new(&s) {
            Err(ScenarioError::Invalid { field, .. }) => field,
            Err(e) => panic!("unexpected {e}"),
            Ok(_) => panic!("accepted {}", s.params),
        }
    };
    use serde_json::json;
    assert_eq!(
        field_of("reliable", json!({"broadcasts": [{"at": 1, "from": "P9"}]})),
        "params.broadcasts[0].from"
    );
    assert_eq!(
        field_of(
            "reliable",
            json!({"broadcasts": [{"at": 1, "from": 0}, {"at": 2, "from": 7}]})
        ),
        "params.broadcasts[1].from"
    );
    assert_eq!(
        field_of("causal", json!({"replies": [{"to": "P1", "from": "P2"}]})),
        "params.replies[0].to"
    );
    assert_eq!(
        field_of("causal", json!({"replies": [{"to": "P7#1", "from": "P2"}]})),
        "params.replies[0].to"
    );
    assert_eq!(
        field_of(
            "causal",
            json!({"replies": [{"to": "P1#1", "from": "nobody"}]})
        ),
        "params.replies[0].from"
    );
    assert_eq!(field_of("gossip", json!({"fanout": 0})), "params.fanout");
    assert_eq!(field_of("gossip", json!({"rounds": 0})), "params.rounds");
    assert_eq!(
        field_of("gossip", json!({"round_length": 0})),
        "params.round_length"
    );
    assert_eq!(field_of("fifo", json!({"fanot": 2})), "params");
    assert_eq!(
        field_of(
            "fifo",
            json!({"broadcasts": [{"at": 1, "from": 0, "lable": "x"}]})
        ),
        "params"
    );
    let mut s = scenario("atomic", 3, BroadcastParams::default());
    s.variant = "atomic".into();
    assert!(matches!(
        Run::new(&s),
        Err(ScenarioError::Invalid { field, .. }) if field == "variant"
    ));
}

#[test]
fn default_params_broadcast_twice_from_the_first_process() {
    let mut s = scenario("reliable", 4, BroadcastParams::default());
    s.params = serde_json::Value::Null;
    let (trace, _) = check(&s);
    for got in deliveries(&trace) {
        assert_eq!(got, vec!["P1#1", "P1#2"]);
    }
}

/// A promise that hangs on the run's faults follows the learner's own crashes too: crashing a
/// process live under total-lamport withdraws validity's promise, as a crash fault would.
#[test]
fn live_crashes_update_what_the_variant_promises() {
    use spacetime_core::{Action, Intervention, ProcessRef, Run};
    let mut scenario = spacetime_core::protocols::example("broadcast-total-order-needed").unwrap();
    scenario.variant = "total-lamport".into();
    let mut run = Run::complete(&scenario).unwrap();
    let promised = |run: &Run, name: &str| {
        run.properties()
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.promised)
            .unwrap()
    };
    assert!(promised(&run, "validity"));
    run.set_interventions(vec![Intervention {
        step: 3,
        action: Action::Crash {
            process: ProcessRef::Index(2),
        },
    }])
    .unwrap();
    run.run();
    assert!(!promised(&run, "validity"));
    // Taking the crash back restores the promise.
    run.set_interventions(Vec::new()).unwrap();
    assert!(promised(&run, "validity"));
}

/// The lesson text: in "Two senders at once" both messages carry Lamport timestamp 1 (each
/// sender's first event), so the tie is broken by the sender's id and P1's goes first
/// everywhere.
#[test]
fn equal_timestamps_are_ordered_by_sender() {
    let s = example("broadcast-total-order-needed");
    assert_eq!(s.variant, "total-lamport");
    let (trace, reports) = check(&s);
    assert!(verdict(&reports, "total-order").verdict.holds());
    let firsts: Vec<u64> = trace
        .outputs
        .iter()
        .filter(|o| o.kind == "broadcast")
        .map(|o| trace.events[o.event].lamport)
        .collect();
    assert_eq!(
        firsts,
        vec![1, 1],
        "both broadcasts are their sender's first event"
    );
    for (p, got) in deliveries(&trace).iter().enumerate() {
        assert_eq!(got, &["P1#1", "P3#1"], "{}", trace.processes[p]);
    }
}
