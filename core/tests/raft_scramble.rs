//! The Raft lesson reads typed facts, never display texts: with every label, output value and
//! state text scrambled ([`spacetime_core::testing::scramble_display`]), its properties give the
//! same verdicts on the same events, and the logs rebuilt for a view are the same.

use spacetime_core::lessons::raft::raft::{logs_at, RaftParams};
use spacetime_core::protocols;
use spacetime_core::testing::scrambled;
use spacetime_core::{Action, Fault, ProcessRef, Run, Scenario, Verdict};

fn verdicts(scenario: &Scenario) -> Vec<(String, bool, Vec<usize>)> {
    let run = Run::complete(scenario).expect("the scenario runs");
    let trace = run.trace();
    run.check(trace)
        .into_iter()
        .map(|r| {
            let events = match &r.verdict {
                Verdict::Violated { events, .. } => events.clone(),
                _ => Vec::new(),
            };
            (r.name, r.verdict.holds(), events)
        })
        .collect()
}

fn same_verdicts(scenario: &Scenario) -> Vec<(String, bool, Vec<usize>)> {
    let plain = verdicts(scenario);
    let shown = scrambled(|| verdicts(scenario));
    assert_eq!(
        plain, shown,
        "{}: verdicts change with the texts",
        scenario.name
    );
    plain
}

fn examples() -> Vec<Scenario> {
    protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "raft")
        .collect()
}

#[test]
fn the_examples_verdicts_and_logs_do_not_read_texts() {
    let mut violated = 0;
    for s in examples() {
        violated += same_verdicts(&s).iter().filter(|v| !v.1).count();
        let plain = Run::complete(&s).unwrap();
        let shown = scrambled(|| Run::complete(&s).unwrap());
        assert!(shown
            .trace()
            .messages
            .iter()
            .all(|m| m.label.starts_with('«')));
        assert!(shown
            .trace()
            .outputs
            .iter()
            .all(|o| o.value.starts_with('«')));
        let servers = s.params::<RaftParams>().unwrap().servers;
        let end = plain.trace().step_count();
        assert_eq!(
            logs_at(plain.trace(), end, servers),
            logs_at(shown.trace(), end, servers)
        );
    }
    assert!(violated >= 2, "the broken example breaks two properties");
}

#[test]
fn verdicts_do_not_read_texts_across_a_seed_sweep() {
    let base = protocols::example("raft-calm").unwrap();
    for variant in ["correct", "broken-commit", "broken-vote"] {
        for seed in 0..40u64 {
            let mut s = base.clone();
            s.variant = variant.into();
            s.seed = seed;
            s.network.loss = (seed % 4) as f64 * 0.05;
            s.network.duplicate = (seed % 3) as f64 * 0.1;
            let who = ProcessRef::Index((seed % 5) as usize);
            let at = 150 + seed * 23 % 600;
            s.faults = vec![
                Fault {
                    at,
                    action: Action::Crash {
                        process: who.clone(),
                    },
                },
                Fault {
                    at: at + 300,
                    action: Action::Recover { process: who },
                },
            ];
            let v = same_verdicts(&s);
            if variant == "correct" {
                assert!(v.iter().take(5).all(|v| v.1), "{seed}: {v:?}");
            }
        }
    }
}
