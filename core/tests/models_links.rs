//! Fair-loss, stubborn and perfect links: what the examples say about their runs, what each
//! layer promises, and a sweep over thousands of seeded runs with loss, duplication, FIFO or
//! not, every timing model, crashes and recoveries, cuts and heals, and drops, duplicates and
//! delays by hand, in which no promise is ever broken.

use std::collections::BTreeMap;

use spacetime_core::scenario::Timing;

use spacetime_core::lessons::models::links::{Delivery, Links, LinksParams, Packet};
use spacetime_core::{
    protocols, Action, Fate, Fault, Intervention, Latency, Limits, NetworkModel, ProcessRef,
    PropertyKind, PropertyReport, Protocol, Run, Scenario, ScenarioError, Trace,
};

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

/// Each receiver's deliveries of each message number, in order.
fn delivered(trace: &Trace) -> BTreeMap<(usize, u32), usize> {
    let mut count = BTreeMap::new();
    for o in &trace.outputs {
        if let Some(d) = o.fact::<Delivery>() {
            *count.entry((o.process, d.message.0)).or_insert(0) += 1;
        }
    }
    count
}

/// The first send of message `n` from P1 to P2, as the trace keeps it.
fn first_send(trace: &Trace, n: u32) -> &spacetime_core::Message {
    trace
        .messages
        .iter()
        .find(|m| {
            m.duplicate_of.is_none()
                && m.content::<Packet>()
                    .is_some_and(|p| p.message.0 == n && !p.again)
        })
        .unwrap_or_else(|| panic!("m{n} never sent"))
}

fn complete(s: &Scenario) -> Run {
    Run::complete(s).unwrap_or_else(|e| panic!("{}: {e}", s.name))
}

// ---- The examples say what their runs do ----

#[test]
fn fair_loss_example_loses_m1_and_m2_for_good() {
    let s = example("channels-fair-loss");
    assert!(
        s.description.contains("loses m1 and m2"),
        "{}",
        s.description
    );
    let run = complete(&s);
    let t = run.trace();
    // Three sends, one copy each, and nothing sent again.
    assert_eq!(t.messages.len(), 3);
    assert!(t.messages.iter().all(|m| !m.sent_again()));
    assert_eq!(first_send(t, 1).fate, Fate::DroppedByNetwork);
    assert_eq!(first_send(t, 2).fate, Fate::DroppedByNetwork);
    assert_eq!(first_send(t, 3).fate, Fate::Delivered);
    assert_eq!(delivered(t), BTreeMap::from([((1, 3), 1)]));
    let reports = run.check(t);
    let reliable = report(&reports, "reliable-delivery");
    assert!(!reliable.promised && !reliable.verdict.holds());
    assert!(report(&reports, "no-creation").promised);
    assert!(!report(&reports, "no-duplication").promised);
}

#[test]
fn stubborn_example_delivers_everything_many_times() {
    let s = example("channels-stubborn");
    assert!(
        s.description.contains("ten times or more"),
        "{}",
        s.description
    );
    let run = complete(&s);
    let t = run.trace();
    assert_eq!(first_send(t, 1).fate, Fate::DroppedByNetwork);
    assert_eq!(first_send(t, 2).fate, Fate::DroppedByNetwork);
    let count = delivered(t);
    for n in 1..=3 {
        assert!(count[&(1, n)] >= 10, "m{n}: {count:?}");
    }
    assert!(t.messages.iter().any(|m| m.sent_again()));
    let reports = run.check(t);
    assert!(reports.iter().all(|r| !r.is_broken_promise()));
    let reliable = report(&reports, "reliable-delivery");
    assert!(reliable.promised && reliable.verdict.holds());
    let dup = report(&reports, "no-duplication");
    assert!(!dup.promised && !dup.verdict.holds());
}

#[test]
fn perfect_example_delivers_each_message_once() {
    let s = example("channels-perfect");
    assert!(
        s.description.contains("m1 and m2 are lost the first time")
            && s.description.contains("the network duplicates m3"),
        "{}",
        s.description
    );
    let run = complete(&s);
    let t = run.trace();
    assert_eq!(first_send(t, 1).fate, Fate::DroppedByNetwork);
    assert_eq!(first_send(t, 2).fate, Fate::DroppedByNetwork);
    // The network duplicates m3's first send.
    let m3 = first_send(t, 3).id;
    assert!(t.messages.iter().any(|m| m.duplicate_of == Some(m3)));
    assert_eq!(
        delivered(t),
        BTreeMap::from([((1, 1), 1), ((1, 2), 1), ((1, 3), 1)])
    );
    // Every later copy arrived and was discarded.
    let received = t
        .messages
        .iter()
        .filter(|m| m.fate == Fate::Delivered)
        .count();
    assert!(received > 10, "{received}");
    let p2 = t.lane(1).last().unwrap();
    assert_eq!(p2.field("discarded"), Some(&*(received - 3).to_string()));
    let reports = run.check(t);
    for r in &reports {
        assert!(r.promised && r.verdict.holds(), "{r:?}");
    }
}

// ---- What each layer promises, and why not ----

fn base(variant: &str) -> Scenario {
    let mut s = example("channels-stubborn");
    s.variant = variant.into();
    s
}

fn promises(s: &Scenario) -> BTreeMap<String, (bool, String)> {
    Run::new(s)
        .unwrap()
        .properties()
        .iter()
        .map(|p| (p.name.clone(), (p.promised, p.description.clone())))
        .collect()
}

#[test]
fn each_layer_promises_its_own() {
    let expect = [
        ("fair-loss", [false, false, true]),
        ("stubborn", [true, false, true]),
        ("perfect", [true, true, true]),
    ];
    for (variant, promised) in expect {
        let p = promises(&base(variant));
        for (name, is) in ["reliable-delivery", "no-duplication", "no-creation"]
            .iter()
            .zip(promised)
        {
            assert_eq!(p[*name].0, is, "{variant} / {name}");
        }
    }
}

#[test]
fn withdrawn_promises_say_why() {
    let reliable = |s: &Scenario| promises(s)["reliable-delivery"].clone();
    // A cut, even healed.
    let mut s = base("perfect");
    s.faults = vec![
        Fault {
            at: 10,
            action: Action::Cut {
                between: [ProcessRef::Index(0), ProcessRef::Index(1)],
            },
        },
        Fault {
            at: 50,
            action: Action::Heal {
                between: [ProcessRef::Index(0), ProcessRef::Index(1)],
            },
        },
    ];
    let (is, why) = reliable(&s);
    assert!(!is);
    assert!(
        why.contains("(not promised here: the link P1–P2 is cut"),
        "{why}"
    );
    // Loss too high for the run: at 50%, 30 copies.
    let mut s = base("stubborn");
    s.network.loss = 0.5;
    s.limits.max_time = Some(400);
    let (is, why) = reliable(&s);
    assert!(!is);
    assert!(
        why.contains("the run is too short: a message needs 30 copies"),
        "{why}"
    );
    // The same loss in a longer run is fine.
    s.limits.max_time = Some(1_500);
    assert!(reliable(&s).0);
    // A link that loses everything.
    s.network.loss = 1.0;
    let (is, why) = reliable(&s);
    assert!(!is && why.contains("loses every message"), "{why}");
    // Hold-ups longer than the run.
    let mut s = base("stubborn");
    s.network.timing = Timing::Asynchronous {
        stall: 0.1,
        longest: 5_000,
    };
    let (is, why) = reliable(&s);
    assert!(!is && why.contains("or 5000 more when held up"), "{why}");
    // A drop by hand needs one more copy, no more.
    let mut s = base("stubborn");
    s.interventions = vec![Intervention {
        step: 1,
        action: Action::Drop { message: 0 },
    }];
    let (is, why) = reliable(&s);
    assert!(is, "{why}");
    assert!(why.contains("sent 19 times"), "{why}");
}

#[test]
fn bad_params_name_their_field() {
    let field_of = |s: &Scenario| match Run::new(s) {
        Err(ScenarioError::Invalid { field, .. }) => field,
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("accepted"),
    };
    let with = |p: LinksParams| {
        let mut s = base("stubborn");
        s.params = serde_json::to_value(p).unwrap();
        s
    };
    let d = LinksParams::default;
    assert_eq!(
        field_of(&with(LinksParams { from: 2, ..d() })),
        "params.from"
    );
    assert_eq!(
        field_of(&with(LinksParams { messages: 0, ..d() })),
        "params.messages"
    );
    assert_eq!(
        field_of(&with(LinksParams {
            messages: 51,
            ..d()
        })),
        "params.messages"
    );
    assert_eq!(
        field_of(&with(LinksParams { interval: 0, ..d() })),
        "params.interval"
    );
    assert_eq!(
        field_of(&with(LinksParams {
            retransmit: 0,
            ..d()
        })),
        "params.retransmit"
    );
    let mut s = base("stubborn");
    s.params = serde_json::json!({ "retransmt": 5 });
    assert_eq!(field_of(&s), "params");
    let mut s = base("perfect");
    s.limits.max_time = None;
    assert_eq!(field_of(&s), "limits.max_time");
    // Fair-loss sends each message once: its run ends by itself.
    s.variant = "fair-loss".into();
    assert!(Run::complete(&s).unwrap().is_finished());
    let mut s = base("stubborn");
    s.processes.truncate(1);
    assert_eq!(field_of(&s), "processes");
    s.variant = "reliable".into();
    assert_eq!(field_of(&s), "variant");
}

// ---- The sweep ----

/// A small deterministic generator for the sweep's knobs (the runs draw their own randomness
/// from their seeds).
struct Knobs(u64);

impl Knobs {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn share(&mut self, max: f64) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * max
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const VARIANTS: [&str; 3] = ["fair-loss", "stubborn", "perfect"];

fn random_scenario(k: &mut Knobs, variant: &str) -> Scenario {
    let n = 2 + k.below(3) as usize;
    let max_time = 150 + k.below(1_200);
    // A few messages early on, or (one run in four) a stream of them up to the run's end,
    // the last ones too late for the check to demand.
    let messages = if k.below(4) == 0 {
        5 + k.below(20)
    } else {
        1 + k.below(4)
    };
    let params = LinksParams {
        from: k.below(n as u64) as usize,
        messages: messages as usize,
        interval: 1 + k.below(60.max(max_time / messages)),
        retransmit: 8 + k.below(50),
    };
    let loss = match k.below(4) {
        0 => 0.0,
        1 => k.pick(&[0.1, 0.3, 0.5]),
        _ => k.share(0.5),
    };
    let duplicate = match k.below(3) {
        0 => 0.0,
        1 => 0.2,
        _ => k.share(0.2),
    };
    let min = k.below(20);
    let latency = Latency {
        min,
        max: min + k.below(40),
    };
    let timing = match k.below(4) {
        0 => Timing::Plain,
        1 => Timing::Synchronous {
            round: latency.max.max(1) + k.below(20),
        },
        2 => Timing::Asynchronous {
            stall: k.share(0.5),
            longest: k.below(150),
        },
        _ => Timing::PartiallySynchronous {
            gst: k.below(400),
            stall: k.share(0.5),
            longest: k.below(150),
        },
    };
    let p = |k: &mut Knobs| ProcessRef::Index(k.below(n as u64) as usize);
    let link = |k: &mut Knobs| {
        let a = k.below(n as u64) as usize;
        let b = (a + 1 + k.below(n as u64 - 1) as usize) % n;
        [ProcessRef::Index(a), ProcessRef::Index(b)]
    };
    let mut faults = Vec::new();
    for _ in 0..k.below(4) {
        let at = k.below(max_time);
        let action = match k.below(4) {
            0 => Action::Crash { process: p(k) },
            1 => Action::Recover { process: p(k) },
            2 => Action::Cut { between: link(k) },
            _ => Action::Heal { between: link(k) },
        };
        faults.push(Fault { at, action });
    }
    let mut interventions = Vec::new();
    for _ in 0..k.below(3) {
        let step = k.below(150);
        let message = k.below(40) as usize;
        let action = match k.below(6) {
            0 | 1 => Action::Drop { message },
            2 | 3 => Action::Duplicate { message },
            4 => Action::Delay {
                message,
                by: 1 + k.below(300),
            },
            _ => Action::Recover { process: p(k) },
        };
        interventions.push(Intervention { step, action });
    }
    interventions.sort_by_key(|i| i.step);
    Scenario {
        name: "channels-sweep".into(),
        title: String::new(),
        description: String::new(),
        protocol: Links::NAME.into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel {
            latency,
            loss,
            duplicate,
            fifo: k.below(2) == 0,
            links: Vec::new(),
            timing,
        },
        faults,
        seed: k.next(),
        interventions,
        limits: Limits {
            max_steps: 50_000,
            max_time: Some(max_time),
        },
    }
}

/// Thousands of random runs of every layer: no promised property breaks (on the whole run, and
/// the safety ones on its first half too); nothing is ever delivered that was not sent; a
/// perfect link never delivers twice; and the promise of reliable delivery is kept, and
/// checked, in plenty of runs that lose, duplicate and crash.
#[test]
fn no_promise_breaks_in_thousands_of_random_runs() {
    let mut k = Knobs(2026);
    let mut promised_and_demanding = [0usize; 3];
    let mut withdrawn = [0usize; 3];
    let mut recovered_from_loss = [0usize; 3];
    for case in 0..3_000 {
        let v = case % 3;
        let s = random_scenario(&mut k, VARIANTS[v]);
        let mut run = Run::new(&s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        let trace = run.run().clone();
        // Every run ends at its max_time, well before its step limit.
        assert!(trace.step_count() < s.limits.max_steps);
        let reports = run.check(&trace);
        let context = || {
            format!(
                "case {case}, {} (seed {}, params {}, network {:?}, faults {:?}, \
                 interventions {:?})",
                s.variant, s.seed, s.params, s.network, s.faults, s.interventions
            )
        };
        for r in &reports {
            assert!(!r.is_broken_promise(), "{}: {r:?}", context());
        }
        assert!(
            report(&reports, "no-creation").verdict.holds(),
            "{}",
            context()
        );
        if VARIANTS[v] == "perfect" {
            assert!(
                report(&reports, "no-duplication").verdict.holds(),
                "{}",
                context()
            );
        }
        let half = trace.prefix(trace.step_count() / 2);
        for r in run.check(&half) {
            if r.promised && r.kind == PropertyKind::Safety {
                assert!(r.verdict.holds(), "half of {}: {r:?}", context());
            }
        }
        let reliable = report(&reports, "reliable-delivery");
        if v > 0 {
            if reliable.promised {
                // The check demanded something: some message got through to some receiver.
                promised_and_demanding[v] += usize::from(!delivered(&trace).is_empty());
                // A first send was lost and a retransmission made up for it.
                let count = delivered(&trace);
                recovered_from_loss[v] += usize::from(trace.messages.iter().any(|m| {
                    m.fate == Fate::DroppedByNetwork
                        && m.content::<Packet>()
                            .is_some_and(|p| !p.again && count.contains_key(&(m.to, p.message.0)))
                }));
            } else {
                withdrawn[v] += 1;
                assert!(
                    reliable.description.contains("(not promised here: "),
                    "{}: {}",
                    context(),
                    reliable.description
                );
            }
        }
    }
    // Not vacuous: both retransmitting layers keep the promise in many runs, and the sweep
    // also reaches settings where it is withdrawn.
    for v in 1..3 {
        assert!(
            promised_and_demanding[v] > 300,
            "{}: {promised_and_demanding:?}",
            VARIANTS[v]
        );
        assert!(withdrawn[v] > 50, "{}: {withdrawn:?}", VARIANTS[v]);
        assert!(
            recovered_from_loss[v] > 100,
            "{}: {recovered_from_loss:?}",
            VARIANTS[v]
        );
    }
}

/// Long runs without faults: stubborn and perfect links get every message to every receiver,
/// at any loss up to 50%, duplication, FIFO or not, and any timing model with bounded
/// hold-ups; fair-loss links, at high loss, do not.
#[test]
fn long_runs_deliver_every_message_above_fair_loss() {
    let mut k = Knobs(7);
    let mut fair_loss_broke = 0;
    let mut stubborn_duplicated = 0;
    for case in 0..600 {
        let v = case % 3;
        let mut s = random_scenario(&mut k, VARIANTS[v]);
        s.faults.clear();
        s.interventions.clear();
        let mut params: LinksParams = serde_json::from_value(s.params.clone()).unwrap();
        params.retransmit = 20;
        params.interval = 30;
        s.params = serde_json::to_value(&params).unwrap();
        s.network.loss = k.pick(&[0.3, 0.4, 0.5]);
        // The last message goes at tick 90; 30 copies 20 ticks apart, held up 150 ticks at
        // most, arrive by tick 90 + 580 + 39 + 150.
        s.limits.max_time = Some(900);
        let run = complete(&s);
        let reports = run.check(run.trace());
        let count = delivered(run.trace());
        let reliable = report(&reports, "reliable-delivery");
        if v == 0 {
            fair_loss_broke += usize::from(!reliable.verdict.holds());
            continue;
        }
        assert!(reliable.promised, "{}", reliable.description);
        let n = s.processes.len();
        for q in (0..n).filter(|&q| q != params.from) {
            for m in 1..=params.messages as u32 {
                let times = count.get(&(q, m)).copied().unwrap_or(0);
                assert!(times >= 1, "case {case}: P{} never got m{m}", q + 1);
                if v == 2 {
                    assert_eq!(times, 1, "case {case}");
                } else if times > 1 {
                    stubborn_duplicated += 1;
                }
            }
        }
    }
    assert!(fair_loss_broke > 50, "{fair_loss_broke}");
    assert!(stubborn_duplicated > 50, "{stubborn_duplicated}");
}

/// A receiver that crashes and comes back still knows what it delivered: a perfect link does
/// not deliver again what reaches it after its recovery.
#[test]
fn a_recovered_receiver_does_not_deliver_again() {
    let mut s = base("perfect");
    s.network.loss = 0.0;
    s.faults = vec![
        Fault {
            at: 200,
            action: Action::Crash {
                process: ProcessRef::Index(1),
            },
        },
        Fault {
            at: 300,
            action: Action::Recover {
                process: ProcessRef::Index(1),
            },
        },
    ];
    let run = complete(&s);
    let t = run.trace();
    assert_eq!(
        delivered(t),
        BTreeMap::from([((1, 1), 1), ((1, 2), 1), ((1, 3), 1)])
    );
    // Copies did reach it after it came back, and were discarded.
    assert!(t
        .messages
        .iter()
        .any(|m| m.fate == Fate::Delivered && m.sent_at > 300));
    for r in run.check(t) {
        assert!(!r.is_broken_promise(), "{r:?}");
    }
}

/// The check of reliable delivery demands something: take P2's deliveries of m1 out of the
/// stubborn example's trace and it fails, naming m1.
#[test]
fn reliable_delivery_catches_a_missing_delivery() {
    let run = complete(&example("channels-stubborn"));
    let mut t = run.trace().clone();
    t.outputs
        .retain(|o| o.fact::<Delivery>().is_none_or(|d| d.message.0 != 1));
    let reports = run.check(&t);
    let reliable = report(&reports, "reliable-delivery");
    match &reliable.verdict {
        spacetime_core::Verdict::Violated { explanation, .. } => {
            assert!(
                explanation.starts_with("P2 never delivered m1"),
                "{explanation}"
            )
        }
        v => panic!("{v:?}"),
    }
    // And a delivery of a message never sent is a creation.
    let mut t = run.trace().clone();
    let o = t.outputs.iter_mut().find(|o| o.kind == "deliver").unwrap();
    o.fact = spacetime_core::trace::Typed::new(std::sync::Arc::new(Delivery {
        message: spacetime_core::lessons::models::links::Msg(9),
        from: 0,
    }));
    assert!(!report(&run.check(&t), "no-creation").verdict.holds());
}

/// On a FIFO link a copy waits behind the copies sent before it, and before the GST of a
/// partially synchronous system those may be held up long: the check does not demand a copy
/// sent after the GST that a held-up one keeps back past the end of the run.
#[test]
fn a_fifo_link_holds_copies_behind_older_ones() {
    for seed in 0..40 {
        let mut s = base("stubborn");
        s.network.loss = 0.0;
        s.network.duplicate = 0.0;
        s.network.fifo = true;
        s.network.timing = Timing::PartiallySynchronous {
            gst: 100,
            stall: 1.0,
            longest: 500,
        };
        s.limits.max_time = Some(300);
        s.seed = seed;
        let run = complete(&s);
        let reports = run.check(run.trace());
        let reliable = report(&reports, "reliable-delivery");
        assert!(!reliable.promised, "{}", reliable.description);
        assert!(
            reliable.verdict.holds(),
            "seed {seed}: {:?}",
            reliable.verdict
        );
    }
}
