//! MapReduce reads typed facts, never display texts: with every label, output value and state
//! value scrambled ([`scramble_display`](spacetime_core::testing::scramble_display)), each
//! property gives the same verdict on the same events (every example, and 200 random runs with
//! worker crashes and recoveries, stragglers, duplicating and lossy networks, with and without
//! backups), and every exercise kind, at every level, makes the same question and judges every
//! answer the same. Parse a label, an output's value or a summary again, and this fails.

use rand::Rng as _;
use spacetime_core::exercise::{kinds, Answer, Exercise, Level, Question};
use spacetime_core::lessons::mapreduce::mapreduce::{
    JobKind, MapReduceParams, TaskChange, TaskUpdate,
};
use spacetime_core::protocols;
use spacetime_core::testing::{scramble, scrambled};
use spacetime_core::{
    seeded_rng, Action, Fault, Latency, Limits, NetworkModel, ProcessRef, Run, Scenario, Trace,
    Verdict,
};

/// Each property's name, whether it holds, and the events that show a violation.
type Verdicts = Vec<(String, bool, Vec<usize>)>;

fn verdicts(scenario: &Scenario) -> (Trace, Verdicts) {
    let run = Run::complete(scenario).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
    let trace = run.trace().clone();
    let verdicts = run
        .check(&trace)
        .into_iter()
        .map(|r| {
            let events = match &r.verdict {
                Verdict::Holds => Vec::new(),
                Verdict::Violated { events, .. } => events.clone(),
            };
            (r.name.clone(), r.verdict.holds(), events)
        })
        .collect();
    (trace, verdicts)
}

/// The verdicts of `scenario`, plain and scrambled, are the same; the texts did change.
fn same_verdicts(scenario: &Scenario) -> Verdicts {
    let (plain, a) = verdicts(scenario);
    let (shown, b) = scrambled(|| verdicts(scenario));
    assert_eq!(a, b, "{}: verdicts differ when scrambled", scenario.name);
    // The run was scrambled indeed: the task outputs' values are, their facts are not.
    for (x, y) in plain.outputs.iter().zip(&shown.outputs) {
        assert_eq!(y.value, scramble(&x.value), "{}", scenario.name);
        if x.kind == "task" {
            assert_eq!(
                x.fact::<TaskUpdate>(),
                y.fact::<TaskUpdate>(),
                "{}",
                scenario.name
            );
        }
    }
    a
}

#[test]
fn every_example_gives_the_same_verdicts_scrambled() {
    let examples: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "mapreduce")
        .collect();
    assert!(examples.len() >= 6);
    let mut violated = 0;
    for s in &examples {
        for variant in ["backups", "no-backups"] {
            let mut s = s.clone();
            s.variant = variant.into();
            violated += same_verdicts(&s).iter().filter(|v| !v.1).count();
        }
    }
    // The coordinator's crash aborts the job: `completes` is violated, on the job output.
    assert!(violated > 0);
}

const WORDS: [&str; 8] = [
    "apple", "Banana,", "cherry", "date.", "elder", "fig", "grape", "worker",
];

/// A random run: job, input, M, R, workers, stragglers, crashes (some recovering), a
/// duplicating or lossy network (loss lets `completes` fail and output go missing), variant.
fn random_scenario(seed: u64) -> Scenario {
    let mut rng = seeded_rng(seed ^ 0x05c7_ab1e);
    let lines: Vec<String> = (0..rng.random_range(2..=5))
        .map(|_| {
            (0..rng.random_range(1..=6))
                .map(|_| WORDS[rng.random_range(0..WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let job = [JobKind::WordCount, JobKind::Grep, JobKind::InvertedIndex][rng.random_range(0..3)];
    let workers = rng.random_range(1..=4);
    let params = MapReduceParams {
        job,
        pattern: if job == JobKind::Grep {
            "e".into()
        } else {
            String::new()
        },
        input: lines.join("\n"),
        splits: rng.random_range(1..=lines.len()),
        reducers: rng.random_range(1..=3),
        combiner: rng.random_bool(0.5),
        slow: if rng.random_bool(0.5) {
            vec![ProcessRef::Index(2 + rng.random_range(0..workers))]
        } else {
            Vec::new()
        },
        slowdown: rng.random_range(2..=10),
        ..MapReduceParams::default()
    };
    let mut network = NetworkModel {
        latency: Latency { min: 1, max: 10 },
        ..NetworkModel::default()
    };
    match rng.random_range(0..4) {
        0 => network.duplicate = 0.2,
        1 => network.loss = 0.05,
        _ => {}
    }
    let mut faults = Vec::new();
    for _ in 0..rng.random_range(0..=2) {
        let process = ProcessRef::Index(2 + rng.random_range(0..workers));
        let at = rng.random_range(10..400);
        faults.push(Fault {
            at,
            action: Action::Crash {
                process: process.clone(),
            },
        });
        if rng.random_bool(0.5) {
            faults.push(Fault {
                at: at + rng.random_range(20..300),
                action: Action::Recover { process },
            });
        }
    }
    if rng.random_bool(0.05) {
        faults.push(Fault {
            at: rng.random_range(10..300),
            action: Action::Crash {
                process: ProcessRef::Index(1),
            },
        });
    }
    Scenario {
        name: format!("mapreduce-scramble-{seed}"),
        title: String::new(),
        description: String::new(),
        protocol: "mapreduce".into(),
        variant: if rng.random_bool(0.5) {
            "backups"
        } else {
            "no-backups"
        }
        .into(),
        params: serde_json::to_value(params).unwrap(),
        processes: ["Client", "Coordinator"]
            .into_iter()
            .map(String::from)
            .chain((1..=workers).map(|i| format!("W{i}")))
            .collect(),
        network,
        faults,
        seed,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 20_000,
            max_time: None,
        },
    }
}

#[test]
fn random_runs_give_the_same_verdicts_scrambled() {
    let (mut violated, mut rerun) = (0, 0);
    for seed in 0..200 {
        let s = random_scenario(seed);
        violated += same_verdicts(&s).iter().filter(|v| !v.1).count();
        let (trace, _) = verdicts(&s);
        rerun += trace
            .outputs
            .iter()
            .filter_map(|o| o.fact::<TaskUpdate>())
            .filter(|u| u.change == TaskChange::Idle)
            .count();
    }
    // The sweep reaches what matters: tasks sent back to idle, and failing properties.
    assert!(
        rerun > 0 && violated > 0,
        "rerun {rerun}, violated {violated}"
    );
}

/// What an exercise shows (prompt, question, solution), and how it judges each option:
/// `(correct, message, events)`.
type Judged = (String, Question, Answer, Vec<(bool, String, Vec<usize>)>);

fn judged(ex: &Exercise) -> Judged {
    let Question::Choice { options } = &ex.question else {
        panic!("{} {}: not a choice", ex.kind, ex.seed)
    };
    let feedback = (0..options.len())
        .map(|i| {
            let f = ex.check(&Answer::Choice(i));
            (f.correct, f.message, f.events)
        })
        .collect();
    (
        ex.prompt.clone(),
        ex.question.clone(),
        ex.solution().clone(),
        feedback,
    )
}

#[test]
fn every_exercise_is_the_same_scrambled() {
    let kinds = kinds("mapreduce");
    assert_eq!(kinds.len(), 3);
    for k in kinds {
        for level in [Level::Easy, Level::Medium, Level::Hard] {
            for seed in 0..30 {
                let plain = judged(&k.generate(level, seed));
                let shown = scrambled(|| judged(&k.generate(level, seed)));
                assert_eq!(plain, shown, "{} {level} seed {seed}", k.id());
                assert_eq!(
                    plain.3.iter().filter(|f| f.0).count(),
                    1,
                    "{} {level} seed {seed}: one right option",
                    k.id()
                );
            }
        }
    }
}
