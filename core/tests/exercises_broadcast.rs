//! The broadcast lesson's three exercise kinds, over every level and seeds 0..60: generation is
//! deterministic and makes clean runs; every checker accepts the stored solution, agrees with the
//! run (read here independently of the checker), and rejects each wrong choice with a message
//! that explains it.

use std::collections::{BTreeMap, BTreeSet};

use spacetime_core::exercise::Question;
use spacetime_core::exercise::{kind, kinds, Answer, Exercise, ExerciseKind, Labels, Level};
use spacetime_core::{EventId, EventKind, Run, Trace};

const SEEDS: u64 = 60;

fn the(id: &str) -> &'static dyn ExerciseKind {
    kind(id).unwrap_or_else(|| panic!("kind {id}"))
}

fn every(id: &str) -> impl Iterator<Item = Exercise> {
    let k = the(id);
    Level::ALL
        .into_iter()
        .flat_map(move |level| (0..SEEDS).map(move |seed| k.generate(level, seed)))
}

fn at(ex: &Exercise) -> String {
    format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
}

fn json(trace: &Trace) -> String {
    serde_json::to_string(trace).expect("a trace serialises")
}

fn options(ex: &Exercise) -> &[String] {
    let Question::Choice { options } = &ex.question else {
        panic!("{}: not a choice", at(ex))
    };
    options
}

fn solution_index(ex: &Exercise) -> usize {
    let Answer::Choice(i) = *ex.solution() else {
        panic!("{}: the solution is not a choice", at(ex))
    };
    i
}

/// The shared checks: deterministic, clean, named for the lesson, solution right, others wrong.
fn common(id: &str) {
    let k = the(id);
    for ex in every(id) {
        let again = k.generate(ex.level, ex.seed);
        assert_eq!(json(&ex.trace), json(&again.trace), "{}", at(&ex));
        assert_eq!(ex.question, again.question, "{}", at(&ex));
        assert_eq!(ex.solution(), again.solution(), "{}", at(&ex));
        assert!(ex.scenario.name.starts_with("broadcast-"), "{}", at(&ex));
        assert_eq!(ex.show.labels, Labels::Names, "{}", at(&ex));
        let run = Run::complete(&ex.scenario).expect("the scenario runs");
        assert!(run.trace().warnings.is_empty(), "{}: warnings", at(&ex));
        assert_eq!(
            json(run.trace()),
            json(&ex.trace),
            "{}: rerun differs",
            at(&ex)
        );
        let opts = options(&ex);
        let distinct: BTreeSet<&String> = opts.iter().collect();
        assert_eq!(distinct.len(), opts.len(), "{}: options repeat", at(&ex));
        assert!(opts.len() >= 2, "{}", at(&ex));
        let right = solution_index(&ex);
        let feedback = ex.check(ex.solution());
        assert!(feedback.correct, "{}: {}", at(&ex), feedback.message);
        assert!(feedback.message.starts_with("Right"), "{}", at(&ex));
        for i in (0..opts.len()).filter(|&i| i != right) {
            let f = ex.check(&Answer::Choice(i));
            if id == "causal-order" && f.correct {
                continue; // another allowed order, checked below
            }
            assert!(!f.correct, "{}: accepted {:?}", at(&ex), opts[i]);
            assert!(f.message.starts_with("Not "), "{}: {}", at(&ex), f.message);
            assert!(f.message.len() > 40, "{}: {}", at(&ex), f.message);
        }
        assert!(!ex.check(&Answer::Choice(opts.len())).correct);
        assert!(!ex.check(&Answer::Fill(vec![])).correct);
    }
}

#[test]
fn the_registry_lists_the_broadcast_kinds() {
    let ids: Vec<&str> = kinds("broadcast").iter().map(|k| k.id()).collect();
    assert_eq!(ids, ["broadcast-violations", "causal-order", "hold-back"]);
    assert_eq!(
        kind("hold-back").map(|k| k.title()),
        Some("What is held back?")
    );
}

#[test]
fn violations_kind() {
    common("broadcast-violations");
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for ex in every("broadcast-violations") {
        let run = Run::complete(&ex.scenario).expect("runs");
        let broken: Vec<String> = run
            .check(run.trace())
            .into_iter()
            .filter(|r| !r.verdict.holds())
            .map(|r| r.name)
            .collect();
        let right = &options(&ex)[solution_index(&ex)];
        for name in [
            "validity",
            "agreement",
            "integrity",
            "fifo-order",
            "causal-order",
            "total-order",
        ] {
            assert_eq!(
                right.contains(name),
                broken.iter().any(|b| b == name),
                "{}: {right:?} vs {broken:?}",
                at(&ex)
            );
        }
        assert_eq!(broken.is_empty(), right == "none", "{}", at(&ex));
        assert_eq!(options(&ex).len(), 4, "{}", at(&ex));
        seen.insert(right.clone());
    }
    // The runs break different things.
    assert!(seen.len() >= 3, "{seen:?}");
}

fn broadcast_event(trace: &Trace, tag: &str) -> EventId {
    trace
        .outputs
        .iter()
        .find(|o| o.kind == "broadcast" && o.value == tag)
        .map(|o| o.event)
        .expect("broadcast")
}

/// Whether an order delivers nothing before a message whose broadcast happened before its own.
fn respects_causality(trace: &Trace, order: &[&str]) -> bool {
    order.iter().enumerate().all(|(i, a)| {
        order[i + 1..]
            .iter()
            .all(|b| !trace.happens_before(broadcast_event(trace, b), broadcast_event(trace, a)))
    })
}

#[test]
fn causal_order_kind() {
    common("causal-order");
    let mut several = 0;
    for ex in every("causal-order") {
        let trace = &ex.trace;
        let p3: Vec<&str> = trace
            .outputs
            .iter()
            .filter(|o| o.kind == "deliver" && o.process == 2)
            .map(|o| o.value.as_str())
            .collect();
        let want = if ex.level == Level::Hard { 3 } else { 2 };
        assert_eq!(p3.len(), want, "{}", at(&ex));
        assert!(
            respects_causality(trace, &p3),
            "{}: P3's own order",
            at(&ex)
        );
        let mut right = 0;
        for (i, o) in options(&ex).iter().enumerate() {
            let order: Vec<&str> = o.split(", ").collect();
            let ok = ex.check(&Answer::Choice(i)).correct;
            assert_eq!(ok, respects_causality(trace, &order), "{}: {o}", at(&ex));
            right += usize::from(ok);
            if o.split(", ").eq(p3.iter().copied()) {
                assert!(ok, "{}: the run's own order is refused", at(&ex));
            }
        }
        assert_eq!(right, 1, "{}: exactly one allowed option", at(&ex));
        // The reply always waits for the post.
        assert!(trace.happens_before(
            broadcast_event(trace, "P1#1"),
            broadcast_event(trace, "P2#1")
        ));
        if ex.prompt.contains("Several orders") {
            several += 1;
            assert_eq!(options(&ex).len(), 4, "{}", at(&ex));
        }
        let wrong = options(&ex)
            .iter()
            .position(|o| o.starts_with("P2#1"))
            .map(|i| ex.check(&Answer::Choice(i)));
        if let Some(f) = wrong {
            assert!(f.message.contains("vector"), "{}: {}", at(&ex), f.message);
        }
    }
    assert_eq!(
        several, SEEDS as usize,
        "every hard exercise allows several orders"
    );
}

/// Received (as `m`/`relay` copies) and not delivered, per process, in the options' words.
fn held_words(trace: &Trace) -> String {
    let mut held: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for e in &trace.events {
        if e.kind != EventKind::Receive {
            continue;
        }
        let label = &trace.messages[e.message.expect("a receipt")].label;
        let tag = label
            .strip_prefix("m ")
            .or_else(|| label.strip_prefix("relay "));
        if let Some(tag) = tag {
            held.entry(e.process).or_default().insert(tag.into());
        }
    }
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        if let Some(s) = held.get_mut(&o.process) {
            s.remove(&o.value);
        }
    }
    let parts: Vec<String> = held
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(p, s)| {
            let tags: Vec<&str> = s.iter().map(String::as_str).collect();
            let tags = match tags.as_slice() {
                [one] => one.to_string(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => unreachable!(),
            };
            format!("{tags} at P{}", p + 1)
        })
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join("; ")
    }
}

#[test]
fn hold_back_kind() {
    common("hold-back");
    for ex in every("hold-back") {
        let steps = ex.scenario.limits.max_steps;
        assert_eq!(
            ex.trace.step_count(),
            steps,
            "{}: stops at the step",
            at(&ex)
        );
        let mut whole = ex.scenario.clone();
        whole.limits.max_steps = 2_000;
        let full = Run::complete(&whole).expect("runs");
        assert!(
            full.trace().step_count() > steps,
            "{}: inside the run",
            at(&ex)
        );
        let prefix = full.trace().prefix(steps);
        assert_eq!(
            prefix.events,
            ex.trace.events,
            "{}: the same moment",
            at(&ex)
        );
        let right = &options(&ex)[solution_index(&ex)];
        assert_eq!(*right, held_words(&ex.trace), "{}", at(&ex));
        assert_ne!(right, "nothing", "{}", at(&ex));
        assert_eq!(options(&ex).len(), 4, "{}", at(&ex));
        let f = ex.check(ex.solution());
        assert!(f.message.contains("holds"), "{}: {}", at(&ex), f.message);
        assert!(f.message.contains("waits") || f.message.contains("not delivered"));
    }
}
