//! The broadcast, gossip and clocks lessons read typed facts, never display text: with every
//! label, payload text, output value and summary scrambled ([`scramble_display`]), their
//! property verdicts (holds or not, and the events shown) are the same, and their exercises ask
//! the same questions and judge the same answers the same way.
//!
//! These fail if a property or an exercise goes back to parsing a label or an output's value:
//! a scrambled `«1#1P»` parses as nothing.
//!
//! [`scramble_display`]: spacetime_core::testing::scramble_display

use spacetime_core::exercise::{kinds, Answer, Exercise, ExerciseKind, Feedback, Level, Question};
use spacetime_core::lessons::broadcast::broadcast::{
    BroadcastParams, PlannedBroadcast, Reply, Tag,
};
use spacetime_core::lessons::gossip::gossip::{GossipParams, Rumour};
use spacetime_core::protocols;
use spacetime_core::scenario::{Action, Fault, Latency, ProcessRef};
use spacetime_core::testing::scrambled;
use spacetime_core::{EventId, Run, Scenario, Verdict};

/// Each property's name, whether it holds, and the events a violation points at.
type Verdicts = Vec<(String, bool, Vec<EventId>)>;

fn verdicts_of(run: &Run) -> Verdicts {
    run.check(run.trace())
        .into_iter()
        .map(|r| {
            let events = match &r.verdict {
                Verdict::Violated { events, .. } => events.clone(),
                Verdict::Holds => Vec::new(),
            };
            (r.name.clone(), r.verdict.holds(), events)
        })
        .collect()
}

/// The verdicts of `scenario`'s complete run, plain and scrambled, after checking that the
/// scrambled run really has scrambled texts.
fn both(scenario: &Scenario) -> (Verdicts, Verdicts) {
    let plain = Run::complete(scenario).expect("the scenario runs");
    let shown = scrambled(|| Run::complete(scenario).expect("the scenario runs"));
    let (a, b) = (plain.trace(), shown.trace());
    assert_eq!(a.outputs.len(), b.outputs.len(), "{}", scenario.name);
    for (x, y) in a.outputs.iter().zip(&b.outputs) {
        assert_ne!(
            x.value, y.value,
            "{}: output values are scrambled",
            scenario.name
        );
    }
    for (x, y) in a.messages.iter().zip(&b.messages) {
        assert_ne!(x.label, y.label, "{}: labels are scrambled", scenario.name);
    }
    (verdicts_of(&plain), verdicts_of(&shown))
}

fn assert_same_verdicts(scenario: &Scenario) -> Verdicts {
    let (plain, shown) = both(scenario);
    assert_eq!(
        plain, shown,
        "{}: verdicts plain vs scrambled",
        scenario.name
    );
    plain
}

fn examples_of(protocol: &str) -> Vec<Scenario> {
    let all: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == protocol)
        .collect();
    assert!(!all.is_empty(), "{protocol} has examples");
    all
}

#[test]
fn every_example_gives_the_same_verdicts_scrambled() {
    for protocol in ["broadcast", "gossip", "scripted"] {
        for scenario in examples_of(protocol) {
            assert_same_verdicts(&scenario);
        }
    }
}

/// The verdicts are read from the typed facts: each broadcast and deliver output has its Tag,
/// each gossip delivery its Rumour, and the plain runs of the examples break what they show.
#[test]
fn the_examples_outputs_carry_typed_facts_and_break_what_they_show() {
    for scenario in examples_of("broadcast") {
        let run = Run::complete(&scenario).unwrap();
        for o in &run.trace().outputs {
            let tag = o.fact::<Tag>().expect("a broadcast output has its Tag");
            assert_eq!(o.value, *tag.name);
        }
    }
    let crash = protocols::example("broadcast-best-effort-sender-crash").unwrap();
    let broken: Vec<String> = assert_same_verdicts(&crash)
        .into_iter()
        .filter(|(_, holds, _)| !holds)
        .map(|(name, _, _)| name)
        .collect();
    assert_eq!(broken, ["agreement"], "P2 delivers, P3 and P4 never do");
    for scenario in examples_of("gossip") {
        let run = Run::complete(&scenario).unwrap();
        assert!(run
            .trace()
            .outputs
            .iter()
            .all(|o| o.fact::<Rumour>().is_some()));
    }
    // Gossip's coverage breaks on some examples, and is judged the same scrambled.
    let breaks: usize = examples_of("gossip")
        .iter()
        .map(|s| {
            assert_same_verdicts(s)
                .iter()
                .filter(|(name, holds, _)| name == "coverage" && !holds)
                .count()
        })
        .sum();
    assert!(breaks > 0, "some gossip example misses a process");
}

/// A broadcast scenario among four, with loss, duplication, two senders, a reply and (on odd
/// seeds) the first sender crashing while it hands out its copies.
fn rough(variant: &str, seed: u64) -> Scenario {
    let at = |at, from: usize| PlannedBroadcast {
        at,
        from: ProcessRef::Index(from),
        label: None,
    };
    let params = BroadcastParams {
        broadcasts: vec![at(10, 0), at(12, 0), at(14, 2), at(30, 0)],
        replies: vec![Reply {
            to: "P1#1".into(),
            from: ProcessRef::Index(1),
            label: None,
        }],
        ..BroadcastParams::default()
    };
    let mut s = Scenario {
        name: format!("rough-{variant}-{seed}"),
        protocol: "broadcast".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: (1..=4).map(|i| format!("P{i}")).collect(),
        seed,
        ..protocols::example("broadcast-fifo-overtake").unwrap()
    };
    s.network.latency = Latency { min: 3, max: 40 };
    s.network.loss = 0.15;
    s.network.duplicate = 0.15;
    s.network.fifo = variant == "total-lamport" && !seed.is_multiple_of(3);
    s.faults.clear();
    if seed % 2 == 1 {
        s.faults.push(Fault {
            at: 11 + seed % 4,
            action: Action::Crash {
                process: ProcessRef::Index(0),
            },
        });
    }
    s.limits.max_steps = 3_000;
    s
}

#[test]
fn a_seed_sweep_of_every_variant_gives_the_same_verdicts_scrambled() {
    let variants = protocols::find("broadcast").unwrap().variants;
    let mut broken = 0;
    for variant in variants {
        for seed in 0..200 {
            let verdicts = assert_same_verdicts(&rough(variant.name, seed));
            broken += verdicts.iter().filter(|(_, holds, _)| !holds).count();
        }
    }
    // The sweep is rough enough to break properties (and so to tell a text-reading property
    // that holds vacuously from one that reads the facts).
    assert!(broken > 500, "only {broken} broken verdicts");
}

#[test]
fn a_gossip_seed_sweep_gives_the_same_verdicts_scrambled() {
    let mut missed = 0;
    for variant in ["push", "flood"] {
        for seed in 0..100 {
            let mut s = examples_of("gossip")[0].clone();
            s.variant = variant.into();
            s.params = serde_json::to_value(GossipParams {
                fanout: 1 + (seed as usize % 3),
                rumours: 3,
                interval: 20,
                origin: 0,
            })
            .unwrap();
            s.network.loss = 0.2;
            s.network.duplicate = 0.1;
            s.seed = seed;
            if seed % 4 == 3 {
                s.faults.push(Fault {
                    at: 15,
                    action: Action::Crash {
                        process: ProcessRef::Index(2),
                    },
                });
            }
            missed += assert_same_verdicts(&s)
                .iter()
                .filter(|(_, holds, _)| !holds)
                .count();
        }
    }
    assert!(missed > 20, "only {missed} broken verdicts");
}

#[test]
fn an_unknown_variant_is_an_error_naming_the_known_ones() {
    for (example, known) in [
        ("broadcast-fifo-overtake", "best-effort, reliable, fifo"),
        ("gossip-one-rumour", "push, flood"),
        ("clocks-three-events", "script"),
    ] {
        let mut s = protocols::example(example).unwrap();
        s.variant = "no-such".into();
        let err = Run::new(&s).err().expect("an unknown variant fails");
        let text = err.to_string();
        assert!(text.contains("variant"), "{text}");
        assert!(text.contains(known), "{text}");
    }
    // The protocols themselves refuse it too, not only the registry.
    use spacetime_core::lessons::broadcast::broadcast::{Broadcast, Variant};
    use spacetime_core::Protocol;
    let s = protocols::example("broadcast-fifo-overtake").unwrap();
    let err = Variant::from_name("fifo-ish").unwrap_err().to_string();
    assert!(
        err.contains("total-lamport") && err.contains("fifo-ish"),
        "{err}"
    );
    assert!(Broadcast::build(&s, "fifo-ish").is_err());
    assert!(Broadcast::properties(&s, "fifo-ish").is_err());
    let g = protocols::example("gossip-one-rumour").unwrap();
    assert!(spacetime_core::lessons::gossip::gossip::Gossip::build(&g, "pull").is_err());
    let c = protocols::example("clocks-three-events").unwrap();
    assert!(spacetime_core::lessons::clocks::scripted::Scripted::build(&c, "drawn").is_err());
}

// ---- Exercises ----

const EXERCISE_SEEDS: u64 = 30;

/// Answers to try on an exercise: every option of a choice; the solution and, for each entry, a
/// wrong value for it of a fill-in; the solution and some other events of a pick.
fn answers(ex: &Exercise) -> Vec<Answer> {
    let mut all = vec![ex.solution().clone()];
    match (&ex.question, ex.solution()) {
        (Question::Choice { options }, _) => {
            all.extend((0..options.len()).map(Answer::Choice));
        }
        (Question::Fill { .. }, Answer::Fill(values)) => {
            for i in 0..values.len() {
                let mut wrong = values.clone();
                wrong[i] = format!("{}9", wrong[i].trim_end_matches(']'));
                all.push(Answer::Fill(wrong));
                let mut empty = values.clone();
                empty[i] = String::new();
                all.push(Answer::Fill(empty));
            }
        }
        (Question::PickEvents { .. }, Answer::PickEvents(events)) => {
            let n = ex.trace.events.len();
            for shift in 1..n.min(6) {
                all.push(Answer::PickEvents(
                    events.iter().map(|e| (e + shift) % n).collect(),
                ));
            }
            all.push(Answer::PickEvents(events.iter().rev().copied().collect()));
        }
        _ => {}
    }
    all
}

/// What an exercise asks, without its trace (whose texts are scrambled in one of the two).
fn question(ex: &Exercise) -> impl PartialEq + std::fmt::Debug {
    (
        ex.kind,
        ex.title.clone(),
        ex.prompt.clone(),
        serde_json::to_string(&ex.scenario).unwrap(),
        format!("{:?}", ex.show),
        ex.question.clone(),
        ex.solution().clone(),
        ex.trace.events.len(),
        ex.trace.messages.len(),
    )
}

fn assert_same_exercises(kind: &dyn ExerciseKind) -> usize {
    let mut judged = 0;
    for level in Level::ALL {
        for seed in 0..EXERCISE_SEEDS {
            let plain = kind.generate(level, seed);
            let shown = scrambled(|| kind.generate(level, seed));
            let at = format!("{} {level} seed {seed}", kind.id());
            assert_eq!(question(&plain), question(&shown), "{at}: the question");
            for answer in answers(&plain) {
                let a: Feedback = plain.check(&answer);
                let b: Feedback = scrambled(|| shown.check(&answer));
                assert_eq!(a, b, "{at}: judging {answer:?}");
                judged += 1;
            }
            assert!(
                plain.check(plain.solution()).correct,
                "{at}: the solution is right"
            );
        }
    }
    judged
}

#[test]
fn broadcast_exercises_ask_and_judge_the_same_scrambled() {
    let all = kinds("broadcast");
    assert_eq!(all.len(), 3);
    for kind in all {
        let judged = assert_same_exercises(kind);
        assert!(judged > 3 * EXERCISE_SEEDS as usize * 3, "{}", kind.id());
    }
}

#[test]
fn clocks_exercises_ask_and_judge_the_same_scrambled() {
    let all = kinds("clocks");
    assert!(all.len() >= 5);
    for kind in all {
        assert_same_exercises(kind);
    }
}
