//! The delivery lesson reads typed facts, never display text: with every label, payload text,
//! output value and summary scrambled ([`scramble_display`](spacetime_core::testing)), the
//! Two Generals, UDP, TCP and RPC give the same property verdicts (holds or not, and the events
//! shown), and the TCP exercises ask the same questions and judge the same answers the same.
//! Whatever parses a label or an output value back shows up here as a difference.

use spacetime_core::exercise::{kinds, Answer, Exercise, Feedback, Level, Question};
use spacetime_core::lessons::delivery::tcp::TcpParams;
use spacetime_core::protocols;
use spacetime_core::testing::{scramble, scrambled};
use spacetime_core::{
    Action, Fault, Latency, Limits, NetworkModel, ProcessRef, Run, Scenario, Trace, Verdict,
};

const PROTOCOLS: [&str; 4] = ["generals", "udp", "tcp", "rpc"];

/// Each property's verdict: (name, holds, the events a violation shows).
fn verdicts(scenario: &Scenario) -> (Vec<(String, bool, Vec<usize>)>, Trace) {
    let run = Run::complete(scenario).expect("the scenario runs");
    let verdicts = run
        .check(run.trace())
        .into_iter()
        .map(|r| {
            let events = match &r.verdict {
                Verdict::Holds => Vec::new(),
                Verdict::Violated { events, .. } => events.clone(),
            };
            (r.name, r.verdict.holds(), events)
        })
        .collect();
    (verdicts, run.trace().clone())
}

/// Whether the scrambled run really was scrambled: every message label is.
fn is_scrambled(plain: &Trace, shown: &Trace) -> bool {
    plain
        .messages
        .iter()
        .zip(&shown.messages)
        .all(|(a, b)| b.label == scramble(&a.label))
}

/// The verdicts of `scenario`, plain and scrambled, are the same; returns how many were
/// violated (so a sweep can check it saw violations at all).
fn same_verdicts(scenario: &Scenario) -> usize {
    let (plain, a) = verdicts(scenario);
    let (shown, b) = scrambled(|| verdicts(scenario));
    assert!(is_scrambled(&a, &b), "{}: not scrambled", scenario.name);
    assert_eq!(
        plain, shown,
        "{} ({} seed {}): the verdicts read display text",
        scenario.name, scenario.variant, scenario.seed
    );
    plain.iter().filter(|(_, holds, _)| !holds).count()
}

#[test]
fn every_example_gives_the_same_verdicts_scrambled() {
    let mut seen = 0;
    let mut violated = 0;
    for scenario in protocols::examples() {
        if PROTOCOLS.contains(&scenario.protocol.as_str()) {
            violated += same_verdicts(&scenario);
            seen += 1;
        }
    }
    assert!(seen >= 15, "{seen} examples");
    assert!(violated > 0, "no example breaks a property");
}

/// A hard network: loss, duplication, reordering; and a crash and recovery of `crashed`.
fn hard(mut s: Scenario, seed: u64, crashed: usize) -> Scenario {
    s.seed = seed;
    s.interventions.clear();
    s.network = NetworkModel {
        latency: Latency { min: 3, max: 30 },
        loss: 0.2,
        duplicate: 0.1,
        fifo: false,
        links: Vec::new(),
        timing: Default::default(),
    };
    let at = 10 + seed % 60;
    s.faults = vec![
        Fault {
            at,
            action: Action::Crash {
                process: ProcessRef::Index(crashed),
            },
        },
        Fault {
            at: at + 5 + seed % 40,
            action: Action::Recover {
                process: ProcessRef::Index(crashed),
            },
        },
    ];
    s
}

#[test]
fn a_seed_sweep_on_a_hard_network_gives_the_same_verdicts_scrambled() {
    const SEEDS: u64 = 200;
    let mut violated = 0;
    for name in PROTOCOLS {
        let info = protocols::find(name).expect("a delivery protocol");
        let base = (info.examples)().remove(0);
        for variant in info.variants {
            for seed in 0..SEEDS {
                let mut s = base.clone();
                s.variant = variant.name.into();
                if name == "tcp" {
                    // A shorter stream keeps the sweep quick; the window still matters.
                    s.params = serde_json::to_value(TcpParams {
                        bytes: 400,
                        ..TcpParams::default()
                    })
                    .unwrap();
                    s.limits = Limits {
                        max_steps: 3_000,
                        max_time: None,
                    };
                }
                // Every other seed crashes the second process rather than the first.
                let s = hard(s, seed, (seed % 2) as usize);
                violated += same_verdicts(&s);
            }
        }
    }
    // TCP keeps its promises here; UDP, RPC and the generals break theirs on such a network.
    assert!(violated > 0, "the sweep broke no property");
}

/// The answers to try on an exercise: the solution, and wrong ones of its form.
fn answers(ex: &Exercise) -> Vec<Answer> {
    match (&ex.question, ex.solution()) {
        (Question::Choice { options }, _) => (0..=options.len()).map(Answer::Choice).collect(),
        (Question::Fill { .. }, Answer::Fill(texts)) => {
            let n: i64 = texts[0].parse().expect("a number");
            let mut out: Vec<Answer> = [n, n - 1, n + 1, n + 5, 2 * n, n / 2, 0]
                .into_iter()
                .map(|x| Answer::Fill(vec![x.to_string()]))
                .collect();
            for text in ["", "many", "12.5", "3,5 ticks"] {
                out.push(Answer::Fill(vec![text.into()]));
            }
            out
        }
        _ => vec![ex.solution().clone()],
    }
}

/// What a learner sees of an exercise besides its diagram's texts.
fn question(ex: &Exercise) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        (ex.kind, ex.level, ex.seed, &ex.title, &ex.prompt),
        (&ex.scenario, &ex.show, &ex.question, ex.solution()),
    )
}

#[test]
fn every_exercise_asks_and_judges_the_same_scrambled() {
    const SEEDS: u64 = 30;
    let kinds = kinds("delivery");
    assert_eq!(kinds.len(), 3);
    for kind in kinds {
        for level in Level::ALL {
            for seed in 0..SEEDS {
                let plain = kind.generate(level, seed);
                let shown = scrambled(|| kind.generate(level, seed));
                assert!(
                    is_scrambled(&plain.trace, &shown.trace),
                    "{} {level} {seed}: not scrambled",
                    kind.id()
                );
                assert_eq!(
                    question(&plain),
                    question(&shown),
                    "{} {level} seed {seed}: the question reads display text",
                    kind.id()
                );
                for answer in answers(&plain) {
                    let a: Feedback = plain.check(&answer);
                    let b: Feedback = scrambled(|| shown.check(&answer));
                    assert_eq!(
                        a,
                        b,
                        "{} {level} seed {seed}, answer {answer:?}: judged differently",
                        kind.id()
                    );
                }
                assert!(plain.check(plain.solution()).correct);
            }
        }
    }
}
