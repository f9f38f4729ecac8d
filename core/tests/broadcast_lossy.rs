//! Broadcast on a network that is not perfect: what a variant promises must hold in every run the
//! learner can set up, with loss, duplication, cuts, crashes and its own drops, duplicates and
//! delays; a promise the setting takes away says so in the property's words, naming the setting;
//! and at zero loss and duplication, with no faults, every old promise still stands.

mod common;

use proptest::prelude::*;
use spacetime_core::lessons::broadcast::broadcast::{BroadcastParams, PlannedBroadcast, Reply};
use spacetime_core::protocols;
use spacetime_core::{
    Action, Fault, Intervention, Latency, Limits, LinkModel, NetworkModel, ProcessRef,
    PropertyKind, PropertyReport, Run, Scenario,
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

const PROPERTIES: [&str; 6] = [
    "validity",
    "agreement",
    "integrity",
    "fifo-order",
    "causal-order",
    "total-order",
];

/// What each variant promises on a perfect network with no faults: with FIFO links (the Lamport
/// variant's orders need them) and without.
fn promised_when_perfect(variant: &str, fifo: bool) -> [bool; 6] {
    match variant {
        "best-effort" => [true, false, true, false, false, false],
        "reliable" => [true, true, true, false, false, false],
        "fifo" => [true, true, true, true, false, false],
        "causal" => [true, true, true, true, true, false],
        "total-sequencer" => [true, true, true, true, true, true],
        "total-lamport" => [true, true, true, fifo, fifo, fifo],
        "gossip" => [false, false, true, false, false, false],
        _ => unreachable!(),
    }
}

fn examples() -> Vec<Scenario> {
    protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "broadcast")
        .collect()
}

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn with_variant(mut s: Scenario, variant: &str) -> Scenario {
    s.variant = variant.into();
    s
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

/// What the variant promises on this scenario, without running it.
fn promises(s: &Scenario) -> Vec<(String, bool, String)> {
    Run::new(s)
        .unwrap()
        .properties()
        .iter()
        .map(|p| (p.name.clone(), p.promised, p.description.clone()))
        .collect()
}

fn promise<'a>(promises: &'a [(String, bool, String)], name: &str) -> (bool, &'a str) {
    let (_, promised, description) = promises
        .iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("no property {name}"));
    (*promised, description)
}

/// Run `s` to its end; every promised property holds on the whole run, and every promised
/// safety property on its first half too. Returns the reports.
fn keeps_its_promises(s: &Scenario) -> Result<Vec<PropertyReport>, TestCaseError> {
    let mut run = Run::new(s).unwrap();
    let trace = run.run().clone();
    prop_assert!(
        run.is_finished(),
        "{} / {} did not finish",
        s.name,
        s.variant
    );
    prop_assert!(
        trace.step_count() < s.limits.max_steps,
        "{} / {} ran out of steps",
        s.name,
        s.variant
    );
    let reports = run.check(&trace);
    prop_assert_eq!(reports.len(), PROPERTIES.len());
    for r in &reports {
        prop_assert!(
            !r.is_broken_promise(),
            "{} / {} (seed {}, network {:?}, faults {:?}, interventions {:?}): {} broken: {:?}",
            s.name,
            s.variant,
            s.seed,
            s.network,
            s.faults,
            s.interventions,
            r.name,
            r.verdict
        );
    }
    let half = trace.prefix(trace.step_count() / 2);
    for r in run.check(&half) {
        if r.promised && r.kind == PropertyKind::Safety {
            prop_assert!(r.verdict.holds(), "{} on a prefix: {:?}", r.name, r.verdict);
        }
    }
    Ok(reports)
}

const LOSSES: [f64; 4] = [0.0, 0.05, 0.1, 0.2];
const DUPLICATES: [f64; 3] = [0.0, 0.1, 0.2];
/// Seeds per example, variant, loss, duplication and FIFO setting: 5 × 7 × 4 × 3 × 2 × 16 =
/// 13 440 runs.
const SEEDS: u64 = 16;

/// Every example under every variant, loss, duplication and FIFO setting, over many seeds: no
/// promise is ever broken; every liveness promise that loss takes away names the loss; and at
/// zero loss the promises are those of a perfect network, duplication or not.
#[test]
fn no_promise_breaks_at_any_loss_or_duplication() {
    let mut broken_unpromised = 0;
    for example in examples() {
        for variant in VARIANTS {
            for loss in LOSSES {
                for duplicate in DUPLICATES {
                    for fifo in [false, true] {
                        let mut s = with_variant(example.clone(), variant);
                        s.network.loss = loss;
                        s.network.duplicate = duplicate;
                        s.network.fifo = fifo;
                        s.limits.max_steps = 100_000;
                        let promised = promises(&s);
                        check_promises_at(&s, &example, &promised);
                        for seed in 0..SEEDS {
                            s.seed = seed;
                            let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
                            broken_unpromised +=
                                reports.iter().filter(|r| !r.verdict.holds()).count();
                        }
                    }
                }
            }
        }
    }
    // The sweep is not vacuous: plenty of runs break a property that was not promised.
    assert!(broken_unpromised > 1_000, "{broken_unpromised}");
}

/// What `s` promises: at zero loss the perfect network's promises (less the liveness a planned
/// crash takes from the total-order variants); at any loss, no liveness but gossip's (none),
/// with the loss named.
fn check_promises_at(s: &Scenario, example: &Scenario, promised: &[(String, bool, String)]) {
    let variant = s.variant.as_str();
    let perfect = promised_when_perfect(variant, s.network.fifo);
    let crash = !example.faults.is_empty();
    for (i, name) in PROPERTIES.iter().enumerate() {
        let (is, description) = promise(promised, name);
        let liveness = i < 2;
        let mut expected = perfect[i];
        if liveness && crash && variant.starts_with("total") {
            // The crash example crashes P1: the sequencer, and a process Lamport waits for.
            expected = false;
        }
        if s.network.loss > 0.0 {
            if liveness {
                expected = false;
            }
            // A process that misses a message may still deliver the sender's later ones.
            if variant == "total-lamport" && (*name == "fifo-order" || *name == "causal-order") {
                expected = false;
            }
            if perfect[i] && !expected {
                let pct = format!("{:.0}%", s.network.loss * 100.0);
                assert!(
                    description.contains("(not promised here: ")
                        && description.contains(&format!("the network loses {pct} of messages")),
                    "{} / {variant} / {name}: {description}",
                    s.name
                );
            }
        }
        assert_eq!(
            is, expected,
            "{} / {variant} at loss {}, duplication {}, fifo {}: {name} ({description})",
            s.name, s.network.loss, s.network.duplicate, s.network.fifo
        );
        if is {
            assert!(
                !description.contains("not promised"),
                "{name}: {description}"
            );
        }
    }
}

/// The defect this file was written for: FIFO broadcast at 10% loss broke agreement on some seeds
/// while its badge said "promised". Now agreement either holds or is not promised, and the
/// description says why.
#[test]
fn fifo_at_ten_percent_loss_keeps_agreement_or_does_not_promise_it() {
    let mut broken = 0;
    for seed in 0..40 {
        let mut s = example("broadcast-fifo-overtake");
        assert_eq!(s.variant, "fifo");
        s.network.loss = 0.1;
        s.seed = seed;
        let run = Run::complete(&s).unwrap();
        let reports = run.check(run.trace());
        let agreement = report(&reports, "agreement");
        assert!(
            agreement.verdict.holds() || !agreement.promised,
            "seed {seed}"
        );
        assert!(!agreement.promised);
        assert!(
            agreement.description.contains(
                "(not promised here: the network loses 10% of messages, and this broadcast \
                 assumes perfect links (no message lost)"
            ),
            "{}",
            agreement.description
        );
        broken += usize::from(!agreement.verdict.holds());
    }
    // The withdrawal is needed: some seeds do lose every copy a process would get.
    assert!(broken > 0);
}

/// The safety properties survive loss (a lost message only holds deliveries back), so loss
/// does not withdraw them; only the Lamport variant's FIFO and causal order go, since a process
/// that misses a message may deliver its sender's later ones.
#[test]
fn loss_leaves_safety_promised() {
    let mut s = example("broadcast-total-order-needed");
    s.network.loss = 0.2;
    for variant in VARIANTS {
        let promised = promises(&with_variant(s.clone(), variant));
        let perfect = promised_when_perfect(variant, true);
        for (i, name) in PROPERTIES.iter().enumerate().skip(2) {
            let lamport_sender_order = variant == "total-lamport" && (i == 3 || i == 4);
            assert_eq!(
                promise(&promised, name).0,
                perfect[i] && !lamport_sender_order,
                "{variant} / {name}"
            );
        }
    }
    let promised = promises(&with_variant(s, "total-lamport"));
    let (_, fifo) = promise(&promised, "fifo-order");
    assert!(
        fifo.contains(
            "(not promised here: the network loses 20% of messages, and this algorithm assumes \
             perfect links (no message lost): a process that misses a message may still \
             deliver the sender's later ones)"
        ),
        "{fifo}"
    );
}

fn cut(at: u64, a: usize, b: usize) -> Fault {
    Fault {
        at,
        action: Action::Cut {
            between: [ProcessRef::Index(a), ProcessRef::Index(b)],
        },
    }
}

fn heal(at: u64, a: usize, b: usize) -> Fault {
    Fault {
        at,
        action: Action::Heal {
            between: [ProcessRef::Index(a), ProcessRef::Index(b)],
        },
    }
}

fn crash(at: u64, p: usize) -> Fault {
    Fault {
        at,
        action: Action::Crash {
            process: ProcessRef::Index(p),
        },
    }
}

fn lossy_link(a: &str, b: &str, loss: f64) -> LinkModel {
    LinkModel {
        between: [ProcessRef::Name(a.into()), ProcessRef::Name(b.into())],
        latency: None,
        loss: Some(loss),
    }
}

/// Each reason names the setting in plain words.
#[test]
fn reasons_name_the_setting() {
    let description = |s: &Scenario, name: &str| {
        let promised = promises(s);
        let (is, text) = promise(&promised, name);
        assert!(!is, "{} / {}: {name} still promised", s.name, s.variant);
        text.to_string()
    };
    let base = || example("broadcast-total-order-needed");

    // A lossy link under the sequencer's protocol, which sends on every link of the sequencer.
    let mut s = with_variant(base(), "total-sequencer");
    s.network.links = vec![lossy_link("P1", "P3", 0.25)];
    let text = description(&s, "validity");
    assert!(
        text.ends_with(
            "(not promised here: the link P1–P3 loses 25% of messages, and this broadcast \
             assumes perfect links (no message lost): a lost copy is never sent again)"
        ),
        "{text}"
    );
    // A cut never mended, and one mended.
    let mut s = with_variant(base(), "total-lamport");
    s.faults = vec![cut(5, 0, 2)];
    let text = description(&s, "agreement");
    assert!(
        text.contains("the link P1–P3 is cut and never mended, and this broadcast assumes"),
        "{text}"
    );
    s.faults.push(heal(50, 2, 0));
    let text = description(&s, "agreement");
    assert!(
        text.contains("the link P1–P3 is cut for a while (whatever is on it then is lost)"),
        "{text}"
    );
    // The learner's drop.
    let mut s = with_variant(base(), "total-sequencer");
    s.interventions = vec![Intervention {
        step: 3,
        action: Action::Drop { message: 0 },
    }];
    let text = description(&s, "validity");
    assert!(
        text.contains("(not promised here: you dropped a message, and"),
        "{text}"
    );
    // The learner's delay takes the Lamport orders (the link is FIFO no more).
    let mut s = base();
    s.interventions = vec![Intervention {
        step: 3,
        action: Action::Delay {
            message: 0,
            by: 100,
        },
    }];
    let text = description(&s, "total-order");
    assert!(
        text.contains(
            "(not promised here: you delayed a message, so it may arrive after later ones on \
             its link, and this algorithm assumes FIFO links)"
        ),
        "{text}"
    );
    assert!(
        promise(&promises(&s), "validity").0,
        "a delay loses nothing"
    );
    // Links that are not FIFO.
    let mut s = base();
    s.network.fifo = false;
    let text = description(&s, "total-order");
    assert!(text.contains("the links are not FIFO"), "{text}");
    // A process that comes back has missed messages: the Lamport FIFO order goes, total order
    // stays.
    let mut s = base();
    s.faults = vec![
        crash(12, 1),
        Fault {
            at: 30,
            action: Action::Recover {
                process: ProcessRef::Index(1),
            },
        },
    ];
    let text = description(&s, "fifo-order");
    assert!(
        text.contains("P2 crashes and comes back, missing what is sent to it meanwhile"),
        "{text}"
    );
    assert!(promise(&promises(&s), "total-order").0);
    let text = description(&s, "validity");
    assert!(
        text.contains("(not promised here: P2 crashes, and every process waits"),
        "{text}"
    );
    // The sequencer crashes.
    let mut s = with_variant(base(), "total-sequencer");
    s.faults = vec![crash(50, 0)];
    let text = description(&s, "agreement");
    assert!(
        text.contains("(not promised here: the sequencer P1 crashes, and without it nothing"),
        "{text}"
    );
    // Several reasons at once, all named.
    s.network.loss = 0.05;
    s.interventions = vec![Intervention {
        step: 3,
        action: Action::Drop { message: 0 },
    }];
    let text = description(&s, "agreement");
    assert!(
        text.contains(
            "the sequencer P1 crashes, and without it nothing more is numbered; the network \
             loses 5% of messages and you dropped a message, and this broadcast assumes"
        ),
        "{text}"
    );
}

/// Eager relaying gets a message around a bad link as long as processes that never crash connect
/// its ends: a lossy or cut link, or one dropped message, leaves reliable broadcast its promises;
/// crashes that leave no detour take them.
#[test]
fn relays_go_around_a_bad_link_while_others_stay_up() {
    for variant in ["reliable", "fifo", "causal"] {
        let mut s = with_variant(example("broadcast-total-order-needed"), variant);
        s.network.links = vec![lossy_link("P1", "P3", 1.0)];
        s.faults = vec![cut(0, 1, 3)];
        s.network.latency = Latency { min: 1, max: 30 };
        assert!(promise(&promises(&s), "agreement").0, "{variant}");
        for seed in 0..40 {
            s.seed = seed;
            let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
            assert!(report(&reports, "validity").verdict.holds());
        }
        // With P2 and P4 crashing, P1 and P3 have no detour left.
        s.faults.extend([crash(40, 1), crash(40, 3)]);
        let promised = promises(&s);
        let (is, text) = promise(&promised, "agreement");
        assert!(!is, "{variant}");
        assert!(
            text.contains(
                "(not promised here: the link P1–P3 loses 100% of messages and the link P2–P4 \
                 is cut and never mended, and this broadcast assumes perfect links"
            ),
            "{text}"
        );
        assert!(
            text.contains("only through processes that never crash"),
            "{text}"
        );
        // One dropped message among four processes: three other paths remain.
        let mut s = with_variant(example("broadcast-total-order-needed"), variant);
        for message in 0..12 {
            s.interventions = vec![Intervention {
                step: 4,
                action: Action::Drop { message },
            }];
            assert!(promise(&promises(&s), "validity").0);
            keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    // Best-effort sends only from the senders: a lossy link between two others costs nothing,
    // one from a sender costs validity.
    let mut s = with_variant(example("broadcast-total-order-needed"), "best-effort");
    s.network.links = vec![lossy_link("P2", "P4", 0.5)];
    assert!(promise(&promises(&s), "validity").0);
    s.network.links = vec![lossy_link("P2", "P3", 0.5)];
    assert!(!promise(&promises(&s), "validity").0);
    // The sequencer's protocol sends only on the sequencer's links.
    let mut s = with_variant(example("broadcast-total-order-needed"), "total-sequencer");
    s.network.links = vec![lossy_link("P2", "P4", 0.5)];
    assert!(promise(&promises(&s), "validity").0);
}

/// Duplication, the network's or the learner's, takes no promise: every variant ignores a copy it
/// has already seen.
#[test]
fn duplicates_are_ignored_and_take_no_promise() {
    for example in examples() {
        for variant in VARIANTS {
            let mut s = with_variant(example.clone(), variant);
            let before = promises(&s);
            s.network.duplicate = 0.5;
            s.interventions = (0..20)
                .map(|message| Intervention {
                    step: 2 + message as u64,
                    action: Action::Duplicate { message },
                })
                .collect();
            assert_eq!(promises(&s), before, "{} / {variant}", s.name);
            for seed in 0..20 {
                s.seed = seed;
                let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
                assert!(report(&reports, "integrity").verdict.holds());
            }
        }
    }
}

/// A learner's intervention updates the promise live, reason and all, and taking it back
/// restores it.
#[test]
fn a_live_drop_withdraws_the_promise_and_says_so() {
    let s = with_variant(example("broadcast-fifo-overtake"), "total-sequencer");
    let mut run = Run::complete(&s).unwrap();
    let agreement = |run: &Run| {
        let p = run
            .properties()
            .iter()
            .find(|p| p.name == "agreement")
            .unwrap();
        (p.promised, p.description.clone())
    };
    assert!(agreement(&run).0);
    run.set_interventions(vec![Intervention {
        step: 4,
        action: Action::Drop { message: 1 },
    }])
    .unwrap();
    let (promised, text) = agreement(&run);
    assert!(!promised);
    assert!(text.contains("you dropped a message"), "{text}");
    run.set_interventions(Vec::new()).unwrap();
    let (promised, text) = agreement(&run);
    assert!(promised && !text.contains("not promised"), "{text}");
}

/// A small scenario with a fixed latency, so that message ids and times are known.
fn plain(variant: &str, n: usize, broadcasts: &[(u64, usize)]) -> Scenario {
    let params = BroadcastParams {
        broadcasts: broadcasts
            .iter()
            .map(|&(at, from)| PlannedBroadcast {
                at,
                from: ProcessRef::Index(from),
                label: None,
            })
            .collect(),
        ..BroadcastParams::default()
    };
    Scenario {
        name: "broadcast-plain".into(),
        title: String::new(),
        description: String::new(),
        protocol: "broadcast".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: common::names(n),
        network: NetworkModel {
            latency: Latency { min: 5, max: 5 },
            fifo: true,
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 10_000,
            max_time: None,
        },
    }
}

/// The withdrawals the random runs seldom need are needed all the same: each has a run that
/// breaks the property.
#[test]
fn each_withdrawal_has_a_run_that_needs_it() {
    // Reliable broadcast among three, P2 down from the start: one dropped copy from P1 to P3
    // leaves P3 without the message P1 delivered. (With all three up, the drop costs nothing.)
    let mut s = plain("reliable", 3, &[(10, 0)]);
    s.faults = vec![crash(0, 1)];
    let mut broke = false;
    for step in 0..8 {
        s.interventions = vec![Intervention {
            step,
            action: Action::Drop { message: 1 },
        }];
        let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
        let agreement = report(&reports, "agreement");
        assert!(!agreement.promised);
        assert!(agreement.description.contains("you dropped a message"));
        broke |= !agreement.verdict.holds();
    }
    assert!(broke, "no dropped copy broke agreement");

    // The Lamport variant: P2 is down when P1's first message arrives and back before its
    // second, which it then delivers without the first.
    let mut s = plain("total-lamport", 4, &[(10, 0), (30, 0)]);
    s.faults = vec![
        crash(12, 1),
        Fault {
            at: 22,
            action: Action::Recover {
                process: ProcessRef::Index(1),
            },
        },
    ];
    let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
    let fifo = report(&reports, "fifo-order");
    assert!(!fifo.promised && !fifo.verdict.holds(), "{fifo:?}");
    assert!(report(&reports, "total-order").promised);

    // The Lamport variant and a delayed message: P1's first message reaches P2 after P1's
    // acknowledgement of P3's later one, and P2 delivers them in the other order.
    let mut broke = false;
    for message in 0..12 {
        for step in 0..6 {
            let mut s = plain("total-lamport", 3, &[(10, 0), (20, 2)]);
            s.interventions = vec![Intervention {
                step,
                action: Action::Delay { message, by: 60 },
            }];
            let reports = keeps_its_promises(&s).unwrap_or_else(|e| panic!("{e}"));
            let total = report(&reports, "total-order");
            assert!(!total.promised);
            broke |= !total.verdict.holds();
        }
    }
    assert!(broke, "no delay broke total order");
}

// ---- Random runs with random faults and interventions ----

/// The knobs of a random run.
#[derive(Clone, Debug)]
struct Setup {
    variant: &'static str,
    n: usize,
    broadcasts: Vec<(u64, usize)>,
    /// Replies: (the answered message's sender, its number, who answers).
    replies: Vec<(usize, u32, usize)>,
    /// Planned faults: (kind, process or link end, other end, time).
    faults: Vec<(u8, usize, usize, u64)>,
    loss: f64,
    duplicate: f64,
    /// Lossy links: (end, other end, loss).
    links: Vec<(usize, usize, f64)>,
    latency: (u64, u64),
    fifo: bool,
    seed: u64,
    interventions: Vec<Intervention>,
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
        let other = |a: usize, d: usize| (a % n + 1 + d % (n - 1)) % n;
        let faults = self
            .faults
            .iter()
            .map(|&(kind, a, d, at)| {
                let (p, q) = (ProcessRef::Index(a % n), ProcessRef::Index(other(a, d)));
                let action = match kind % 4 {
                    0 => Action::Crash { process: p },
                    1 => Action::Recover { process: p },
                    2 => Action::Cut { between: [p, q] },
                    _ => Action::Heal { between: [p, q] },
                };
                Fault { at, action }
            })
            .collect();
        Scenario {
            name: "broadcast-lossy".into(),
            title: String::new(),
            description: String::new(),
            protocol: "broadcast".into(),
            variant: self.variant.into(),
            params: serde_json::to_value(params).unwrap(),
            processes: common::names(n),
            network: NetworkModel {
                latency: Latency {
                    min: self.latency.0,
                    max: self.latency.0 + self.latency.1,
                },
                loss: self.loss,
                duplicate: self.duplicate,
                fifo: self.fifo,
                links: self
                    .links
                    .iter()
                    .map(|&(a, d, loss)| LinkModel {
                        between: [ProcessRef::Index(a % n), ProcessRef::Index(other(a, d))],
                        latency: None,
                        loss: Some(loss),
                    })
                    .collect(),
                timing: Default::default(),
            },
            faults,
            seed: self.seed,
            interventions: self.interventions.clone(),
            limits: Limits {
                max_steps: 100_000,
                max_time: None,
            },
        }
    }
}

/// A share that is exactly 0 half the time.
fn share() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(0.05), Just(0.1), Just(0.2), 0.0..0.5f64]
}

fn setup() -> impl Strategy<Value = Setup> {
    (3usize..=6)
        .prop_flat_map(|n| {
            (
                (
                    0..VARIANTS.len(),
                    Just(n),
                    prop::collection::vec((0u64..80, 0usize..6), 1..=5),
                    prop::collection::vec((0usize..6, 1u32..=2, 0usize..6), 0..=3),
                    prop::collection::vec((0u8..4, 0usize..6, 0usize..6, 0u64..150), 0..=3),
                ),
                (
                    prop_oneof![3 => Just(0.0), 1 => share()],
                    prop_oneof![1 => Just(0.0), 1 => share()],
                    prop::collection::vec((0usize..6, 0usize..6, share()), 0..=2),
                    (1u64..20, 0u64..40),
                    any::<bool>(),
                    any::<u64>(),
                    prop::collection::vec(common::intervention(n, 120, 60), 0..=3),
                ),
            )
        })
        .prop_map(
            |(
                (v, n, broadcasts, replies, faults),
                (loss, duplicate, links, latency, fifo, seed, interventions),
            )| Setup {
                variant: VARIANTS[v],
                n,
                broadcasts,
                replies,
                faults,
                loss,
                duplicate,
                links,
                latency,
                fifo,
                seed,
                interventions,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Random broadcasts and replies, network loss, lossy links, duplication, crashes, recoveries,
    /// cuts and heals, and the learner's drops, duplicates, delays, crashes, recoveries, cuts
    /// and heals: no promise is ever broken, and a withdrawn promise says why.
    #[test]
    fn random_faults_and_interventions_never_break_a_promise(setup in setup()) {
        let s = setup.scenario();
        let reports = keeps_its_promises(&s)?;
        let perfect = promised_when_perfect(setup.variant, s.network.fifo);
        for (i, name) in PROPERTIES.iter().enumerate() {
            let r = report(&reports, name);
            if perfect[i] && !r.promised {
                prop_assert!(
                    r.description.contains("(not promised here: "),
                    "{name} withdrawn without a reason: {}",
                    r.description
                );
            }
        }
    }
}
