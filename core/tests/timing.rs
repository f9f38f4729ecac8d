//! The timing models of the network: a synchronous system delivers every message within the
//! known bound (and refuses a delay by hand past it), an asynchronous one holds messages up
//! beyond any bound now and then, and a partially synchronous one is asynchronous until the
//! global stabilisation time (GST) and synchronous after it. A scenario that says nothing keeps
//! the plain model, and with it every trace it had before.

mod common;

use common::GossipSetup;
use spacetime_core::scenario::Timing;
use spacetime_core::{Action, Fate, Intervention, Latency, Run, Scenario, ScenarioError, Trace};

/// Flooding among five, a rumour every 15 ticks: every link carries traffic all the time.
fn flood(seed: u64, timing: Timing) -> Scenario {
    let mut s = GossipSetup {
        n: 5,
        flood: true,
        fanout: 2,
        rumours: 30,
        interval: 15,
        loss: 0.0,
        duplicate: 0.0,
        latency: (10, 30),
        fifo: false,
        seed,
        max_steps: 20_000,
    }
    .scenario();
    s.network.timing = timing;
    s
}

fn trace(s: &Scenario) -> Trace {
    Run::complete(s).unwrap().trace().clone()
}

/// Each delivered message's time in the network.
fn latencies(t: &Trace) -> Vec<(u64, u64)> {
    t.messages
        .iter()
        .filter(|m| m.fate == Fate::Delivered)
        .map(|m| (m.sent_at, m.settled_at.unwrap() - m.sent_at))
        .collect()
}

#[test]
fn a_synchronous_network_delivers_every_message_within_the_bound() {
    for seed in 0..40 {
        let t = trace(&flood(seed, Timing::Synchronous { round: 30 }));
        let l = latencies(&t);
        assert!(l.len() > 100);
        assert!(
            l.iter().all(|&(_, took)| (10..=30).contains(&took)),
            "seed {seed}"
        );
    }
}

#[test]
fn an_asynchronous_network_holds_messages_beyond_the_bound_but_not_forever() {
    let timing = Timing::Asynchronous {
        stall: 0.3,
        longest: 200,
    };
    let mut late = 0;
    for seed in 0..40 {
        let l = latencies(&trace(&flood(seed, timing)));
        late += l.iter().filter(|&&(_, took)| took > 30).count();
        assert!(l.iter().all(|&(_, took)| took <= 230), "seed {seed}");
    }
    assert!(late > 100, "only {late} messages held up");
}

#[test]
fn a_partially_synchronous_network_keeps_the_bound_from_the_gst_on() {
    let timing = Timing::PartiallySynchronous {
        gst: 200,
        stall: 0.5,
        longest: 300,
    };
    let mut late_before = 0;
    for seed in 0..40 {
        for (sent, took) in latencies(&trace(&flood(seed, timing))) {
            if sent >= 200 {
                assert!(took <= 30, "seed {seed}: sent at {sent}, took {took}");
            } else if took > 30 {
                late_before += 1;
            }
        }
    }
    assert!(late_before > 50);
}

#[test]
fn saying_nothing_is_the_plain_model_and_changes_no_trace() {
    let s = flood(4, Timing::Plain);
    assert!(!s.to_json().contains("timing"));
    let back = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(back.network.timing, Timing::Plain);
    let sync = flood(4, Timing::Synchronous { round: 30 });
    let json = sync.to_json();
    assert!(json.contains(r#""model": "synchronous""#), "{json}");
    assert_eq!(Scenario::from_json(&json).unwrap(), sync);
    // The bound draws nothing from the generator: with no hold-ups the runs are the same.
    assert_eq!(trace(&s).messages.len(), trace(&sync).messages.len());
    assert_eq!(latencies(&trace(&s)), latencies(&trace(&sync)));
}

#[test]
fn a_delay_by_hand_past_the_synchronous_bound_is_refused_and_within_it_applies() {
    let s = flood(1, Timing::Synchronous { round: 30 });
    let t = trace(&s);
    // A message that takes 10 ticks has 20 to spare.
    let m = t
        .messages
        .iter()
        .find(|m| m.fate == Fate::Delivered && m.settled_at.unwrap() - m.sent_at == 10)
        .unwrap();
    let step = m.created_step + 1;
    let delay = |by| {
        let mut s = s.clone();
        s.interventions = vec![Intervention {
            step,
            action: Action::Delay { message: m.id, by },
        }];
        trace(&s)
    };
    let refused = delay(25);
    assert_eq!(refused.messages[m.id].settled_at, m.settled_at);
    let warning = refused.warnings.join("\n");
    assert!(warning.contains("synchronous"), "{warning}");
    assert!(
        warning.contains(&format!("by tick {}", m.sent_at + 30)),
        "{warning}"
    );
    let applied = delay(20);
    assert!(applied.warnings.is_empty());
    assert_eq!(applied.messages[m.id].settled_at, Some(m.sent_at + 30));
}

#[test]
fn bad_timing_says_which_field_and_why() {
    let mut s = flood(1, Timing::Synchronous { round: 20 });
    s.network.latency = Latency { min: 10, max: 30 };
    match s.validate() {
        Err(ScenarioError::Invalid { field, message }) => {
            assert_eq!(field, "network.timing.round");
            assert!(message.contains("shorter than the bound"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    s.network.timing = Timing::Asynchronous {
        stall: 1.5,
        longest: 10,
    };
    assert!(
        matches!(s.validate(), Err(ScenarioError::Invalid { field, .. }) if field == "network.timing.stall")
    );
    let bad = r#"{"name":"x","protocol":"p","processes":["A"],"network":{"timing":{"model":"sometimes"}}}"#;
    let err = Scenario::from_json(bad).unwrap_err().to_string();
    assert!(err.contains("sometimes"), "{err}");
}
