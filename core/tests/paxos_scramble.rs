//! The Paxos lesson reads typed facts, never display texts: with every label, output value and
//! state text scrambled ([`spacetime_core::testing::scramble_display`]), its properties give the
//! same verdicts on the same events, and its exercises ask the same questions and judge the same
//! answers alike. (Reintroduce a label parser anywhere in the lesson and these fail.)

use spacetime_core::exercise::{self, Answer, Exercise, Level, Question};
use spacetime_core::lessons::paxos::multipaxos::MultiPaxos;
use spacetime_core::lessons::paxos::paxos::Paxos;
use spacetime_core::protocols;
use spacetime_core::testing::scrambled;
use spacetime_core::{
    Action, Fault, Intervention, ProcessRef, Protocol, Run, Scenario, ScenarioError, Verdict,
};

/// Each property's verdict: its name, whether it holds, and the events it blames.
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

/// The verdicts, plain and scrambled, must agree; returns them (plain).
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
        .filter(|s| s.protocol == "paxos" || s.protocol == "multipaxos")
        .collect()
}

#[test]
fn the_examples_verdicts_do_not_read_texts() {
    let mut violated = 0;
    for s in examples() {
        violated += same_verdicts(&s).iter().filter(|v| !v.1).count();
        // A scrambled run really is scrambled.
        let run = scrambled(|| Run::complete(&s).unwrap());
        assert!(run
            .trace()
            .messages
            .iter()
            .all(|m| m.label.starts_with('«')));
        assert!(run.trace().outputs.iter().all(|o| o.value.starts_with('«')));
    }
    assert!(violated >= 2, "the broken examples break agreement");
}

/// A fault mix drawn from `seed`: loss, duplication, and a crash (with or without recovery) or a
/// partition (healed or not).
fn faulty(base: &Scenario, seed: u64, processes: usize) -> Scenario {
    let mut s = base.clone();
    s.name = format!("{}-sweep-{seed}", base.name);
    s.seed = seed;
    s.interventions.clear();
    let r = |k: u64| (seed.wrapping_mul(2654435761).wrapping_add(k * 40503) >> 7) % 1000;
    s.network.loss = (r(1) % 20) as f64 / 100.0;
    s.network.duplicate = (r(2) % 15) as f64 / 100.0;
    let p = ProcessRef::Index((r(3) as usize) % processes);
    let q = ProcessRef::Index((r(4) as usize) % processes);
    let at = 5 + r(5) % 150;
    match r(6) % 4 {
        0 => s.faults.push(Fault {
            at,
            action: Action::Crash { process: p },
        }),
        1 => {
            s.faults.push(Fault {
                at,
                action: Action::Crash { process: p.clone() },
            });
            s.faults.push(Fault {
                at: at + 40 + r(7) % 100,
                action: Action::Recover { process: p },
            });
        }
        2 if p != q => {
            let between = [p, q];
            s.faults.push(Fault {
                at,
                action: Action::Cut {
                    between: between.clone(),
                },
            });
            s.faults.push(Fault {
                at: at + 60 + r(8) % 150,
                action: Action::Heal { between },
            });
        }
        _ => {}
    }
    s
}

#[test]
fn paxos_verdicts_do_not_read_texts_across_a_seed_sweep() {
    let base = protocols::example("paxos-dueling").unwrap();
    let mut decided = 0;
    for variant in Paxos::variants() {
        for seed in 0..200 {
            let mut s = faulty(&base, seed, base.processes.len());
            s.variant = variant.name.into();
            let v = same_verdicts(&s);
            let agreement = v.iter().find(|v| v.0 == "agreement").unwrap();
            decided += usize::from(v.iter().find(|v| v.0 == "progress").unwrap().1);
            if !variant.broken {
                assert!(agreement.1, "correct Paxos keeps agreement: {s:?}");
                assert!(v.iter().find(|v| v.0 == "validity").unwrap().1);
                assert!(v.iter().find(|v| v.0 == "learned-chosen").unwrap().1);
            }
        }
    }
    // Most runs decide, so the properties had decisions to read.
    assert!(decided > 300, "{decided} of 600 runs decided");
}

#[test]
fn multipaxos_verdicts_do_not_read_texts_across_a_seed_sweep() {
    let base = protocols::example("multipaxos-calm").unwrap();
    for seed in 0..60 {
        let mut s = faulty(&base, seed, 3);
        s.limits.max_time = Some(1_500);
        for v in same_verdicts(&s) {
            if v.0 != "progress" {
                assert!(v.1, "Multi-Paxos keeps {} under {s:?}", v.0);
            }
        }
    }
}

#[test]
fn an_unknown_variant_is_an_error_naming_the_known_ones() {
    let s = protocols::example("paxos-calm").unwrap();
    for result in [
        Paxos::build(&s, "brokn-proposer").map(|_| ()),
        Paxos::properties(&s, "brokn-proposer").map(|_| ()),
    ] {
        let Err(ScenarioError::Invalid { field, message }) = result else {
            panic!("an unknown variant is refused: {result:?}");
        };
        assert_eq!(field, "variant");
        assert!(
            message.contains("correct, broken-proposer, broken-acceptor"),
            "{message}"
        );
    }
    assert!(Paxos::build(&s, "broken-acceptor").is_ok());
    let m = protocols::example("multipaxos-calm").unwrap();
    let Err(ScenarioError::Invalid { field, message }) = MultiPaxos::build(&m, "correct") else {
        panic!("multipaxos has no variant \"correct\"");
    };
    assert_eq!(field, "variant");
    assert!(message.contains("multipaxos"), "{message}");
    assert!(MultiPaxos::properties(&m, "nope").is_err());
    assert!(MultiPaxos::build(&m, "multipaxos").is_ok());
}

// ---- Exercises ----

/// What a learner is judged on: the question, the right answer, and the verdict (right or wrong,
/// and the events pointed at) on each of a few answers.
#[derive(Debug, PartialEq)]
struct Judged {
    question: String,
    scenario: String,
    marked: Vec<usize>,
    hidden: Vec<usize>,
    solution: String,
    verdicts: Vec<(bool, Vec<usize>)>,
}

/// Answers to try on an exercise: its solution and a handful of wrong ones of its form.
fn answers(ex: &Exercise) -> Vec<Answer> {
    let mut out = vec![ex.solution().clone()];
    match (&ex.question, ex.solution()) {
        (Question::Choice { options }, _) => {
            out.extend((0..options.len()).map(Answer::Choice));
        }
        (Question::PickEvents { roles }, Answer::PickEvents(right)) => {
            let n = ex.trace.events.len();
            for shift in [1, 2, 5, 11] {
                let mut picks = right.clone();
                picks[0] = (picks[0] + shift) % n;
                out.push(Answer::PickEvents(picks));
            }
            out.push(Answer::PickEvents(vec![right[0]; roles.len()]));
            out.push(Answer::PickEvents((0..roles.len()).collect()));
        }
        (Question::Intervene { .. }, _) => {
            out.push(Answer::Interventions(Vec::new()));
            for m in [0, 3, 6] {
                out.push(Answer::Interventions(vec![Intervention {
                    step: 4,
                    action: Action::Drop { message: m },
                }]));
            }
            out.push(Answer::Interventions(vec![
                Intervention {
                    step: 8,
                    action: Action::Crash {
                        process: ProcessRef::Name("A2".into()),
                    },
                },
                Intervention {
                    step: 8,
                    action: Action::Recover {
                        process: ProcessRef::Name("A2".into()),
                    },
                },
            ]));
        }
        _ => {}
    }
    out
}

fn judged(kind: &str, level: Level, seed: u64) -> Judged {
    let k = exercise::kind(kind).unwrap();
    let ex = k.generate(level, seed);
    Judged {
        // The question as asked: the options are the exercise's own text, not the run's.
        question: format!("{:?}", ex.question),
        scenario: format!("{:?}", ex.scenario),
        marked: ex.show.marked.clone(),
        hidden: ex.show.hidden_messages.clone(),
        solution: format!("{:?}", ex.solution()),
        verdicts: answers(&ex)
            .iter()
            .map(|a| {
                let f = k.check(&ex, a);
                (f.correct, f.events)
            })
            .collect(),
    }
}

fn exercises_do_not_read_texts(kind: &str, seeds: u64) {
    for level in [Level::Easy, Level::Medium, Level::Hard] {
        for seed in 0..seeds {
            let plain = judged(kind, level, seed);
            assert!(
                plain.verdicts[0].0,
                "{kind} {level} {seed}: the solution is right"
            );
            let shown = scrambled(|| judged(kind, level, seed));
            assert_eq!(plain, shown, "{kind} {level} {seed}");
        }
    }
}

#[test]
fn which_value_does_not_read_texts() {
    exercises_do_not_read_texts("which-value", 30);
}

#[test]
fn quorum_does_not_read_texts() {
    exercises_do_not_read_texts("quorum", 30);
}

#[test]
fn break_agreement_does_not_read_texts() {
    exercises_do_not_read_texts("break-agreement", 8);
}
