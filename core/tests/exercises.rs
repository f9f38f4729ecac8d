//! The exercise machinery and the clocks lesson's five kinds, over every level and many seeds:
//! generation is deterministic and makes runs of the promised shape, every checker accepts the
//! right answers (in every syntax it promises to read) and rejects each kind of wrong one with a
//! message that names the first mistaken event; progress counts and survives storage.

use spacetime_core::exercise::{
    event_name, event_of_name, kind, kinds, Answer, Exercise, ExerciseKind, Feedback, Labels,
    Level, Progress, Question,
};
use spacetime_core::{EventId, EventKind, Relation, Run, Trace};

const SEEDS: u64 = 200;

fn the(id: &str) -> &'static dyn ExerciseKind {
    kind(id).unwrap_or_else(|| panic!("kind {id}"))
}

/// Every exercise of a kind: each level, seeds `0..SEEDS`.
fn every(id: &str) -> impl Iterator<Item = Exercise> {
    let k = the(id);
    Level::ALL
        .into_iter()
        .flat_map(move |level| (0..SEEDS).map(move |seed| k.generate(level, seed)))
}

fn fill(values: Vec<String>) -> Answer {
    Answer::Fill(values)
}

/// Where the exercise is, for assertion messages.
fn at(ex: &Exercise) -> String {
    format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
}

fn assert_wrong(ex: &Exercise, feedback: &Feedback, mentions: &[&str]) {
    assert!(!feedback.correct, "{}: accepted a wrong answer", at(ex));
    for m in mentions {
        assert!(
            feedback.message.contains(m),
            "{}: {:?} does not mention {m:?}",
            at(ex),
            feedback.message
        );
    }
}

fn previous(trace: &Trace, e: EventId) -> Option<EventId> {
    let p = trace.events[e].process;
    trace.events[..e]
        .iter()
        .rev()
        .find(|x| x.process == p)
        .map(|x| x.id)
}

fn send_of(trace: &Trace, e: EventId) -> Option<EventId> {
    let event = &trace.events[e];
    (event.kind == EventKind::Receive).then(|| trace.messages[event.message.unwrap()].send_event)
}

// ---- Generation ----

#[test]
fn generation_is_deterministic_and_the_scenario_runs() {
    for k in kinds("clocks") {
        for level in Level::ALL {
            for seed in 0..SEEDS {
                let a = k.generate(level, seed);
                let b = k.generate(level, seed);
                assert_eq!(a, b, "{}", at(&a));
                assert_eq!(
                    serde_json::to_string(&*a.trace).unwrap(),
                    serde_json::to_string(&*b.trace).unwrap(),
                    "{}",
                    at(&a)
                );
                assert_eq!((a.kind, a.level, a.seed), (k.id(), level, seed));
                assert_eq!(a.title, k.title());
                assert!(!a.prompt.is_empty());
                let rerun = Run::complete(&a.scenario).expect("the scenario runs");
                assert_eq!(rerun.trace(), &*a.trace, "{}", at(&a));
                // The scenario survives its JSON form.
                let json = serde_json::to_string(&a.scenario).unwrap();
                let back: spacetime_core::Scenario = serde_json::from_str(&json).unwrap();
                assert_eq!(back, a.scenario);
                // Its own solution is right.
                assert!(k.check(&a, a.solution()).correct, "{}", at(&a));
            }
        }
    }
}

/// Whether two arrows meet, with points (time, lane).
fn cross(a: ((i64, i64), (i64, i64)), b: ((i64, i64), (i64, i64))) -> bool {
    let turn = |p: (i64, i64), q: (i64, i64), r: (i64, i64)| {
        ((q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)).signum()
    };
    let on = |p: (i64, i64), q: (i64, i64), r: (i64, i64)| {
        turn(p, q, r) == 0
            && p.0.min(q.0) <= r.0
            && r.0 <= p.0.max(q.0)
            && p.1.min(q.1) <= r.1
            && r.1 <= p.1.max(q.1)
    };
    let ((p1, q1), (p2, q2)) = (a, b);
    (turn(p1, q1, p2) * turn(p1, q1, q2) < 0 && turn(p2, q2, p1) * turn(p2, q2, q1) < 0)
        || on(p1, q1, p2)
        || on(p1, q1, q2)
        || on(p2, q2, p1)
        || on(p2, q2, q1)
}

#[test]
fn runs_have_the_shape_of_their_level() {
    let mut crossing_seen = false;
    for ex in every("lamport") {
        let t = &ex.trace;
        let (procs, events, messages) = match ex.level {
            Level::Easy => (2..=3, 4..=6, 1..=2),
            Level::Medium => (3..=3, 7..=10, 3..=4),
            Level::Hard => (4..=4, 11..=16, 5..=7),
        };
        assert!(procs.contains(&t.processes.len()), "{}", at(&ex));
        assert!(events.contains(&t.events.len()), "{}", at(&ex));
        assert!(messages.contains(&t.messages.len()), "{}", at(&ex));
        let names: Vec<String> = (1..=t.processes.len()).map(|i| format!("P{i}")).collect();
        assert_eq!(t.processes, names);
        for p in 0..t.processes.len() {
            let times: Vec<u64> = t.lane(p).map(|e| e.time).collect();
            assert!(!times.is_empty(), "{}: P{} has no event", at(&ex), p + 1);
            assert!(
                times.windows(2).all(|w| w[0] < w[1]),
                "{}: two events of P{} share a time",
                at(&ex),
                p + 1
            );
        }
        for e in &t.events {
            assert!(e.time > 0 && e.time % 10 == 0, "{}", at(&ex));
            if e.kind == EventKind::Local {
                assert_eq!(&*e.label, event_name(e.id));
            }
        }
        let mut arrows = Vec::new();
        for m in &t.messages {
            assert_eq!(m.fate, spacetime_core::Fate::Delivered);
            assert_eq!(m.label, format!("m{}", m.id + 1));
            let r = m.receive_event.unwrap();
            arrows.push((
                (t.events[m.send_event].time as i64, m.from as i64),
                (t.events[r].time as i64, m.to as i64),
            ));
        }
        let crossing = arrows
            .iter()
            .enumerate()
            .any(|(i, &a)| arrows[i + 1..].iter().any(|&b| cross(a, b)));
        if ex.level == Level::Hard {
            crossing_seen |= crossing;
        } else {
            assert!(!crossing, "{}: arrows cross", at(&ex));
        }
    }
    assert!(crossing_seen, "hard runs never have crossing messages");
}

#[test]
fn different_seeds_give_different_runs() {
    for level in Level::ALL {
        let runs: std::collections::BTreeSet<String> = (0..50)
            .map(|seed| {
                serde_json::to_string(&the("lamport").generate(level, seed).scenario.params)
                    .unwrap()
            })
            .collect();
        assert!(
            runs.len() > 40,
            "{level}: only {} different runs",
            runs.len()
        );
    }
}

// ---- Lamport timestamps ----

fn lamport_values(t: &Trace) -> Vec<String> {
    t.events.iter().map(|e| e.lamport.to_string()).collect()
}

#[test]
fn lamport_accepts_the_right_timestamps() {
    for ex in every("lamport") {
        let k = the("lamport");
        assert_eq!(ex.show.labels, Labels::Names);
        let Question::Fill { events, vector } = &ex.question else {
            panic!("{}: not a fill question", at(&ex));
        };
        assert!(!vector);
        assert_eq!(*events, (0..ex.trace.events.len()).collect::<Vec<_>>());
        let right = lamport_values(&ex.trace);
        assert!(k.check(&ex, &fill(right.clone())).correct, "{}", at(&ex));
        let spaced = right.iter().map(|v| format!(" {v} ")).collect();
        assert!(k.check(&ex, &fill(spaced)).correct, "{}", at(&ex));
    }
}

#[test]
fn lamport_rejects_each_kind_of_mistake_naming_the_first() {
    let k = the("lamport");
    for ex in every("lamport") {
        let t = &ex.trace;
        let n = t.events.len();
        let right = lamport_values(t);
        // An off-by-one at any one event (for a few seeds, at every event).
        let wrong_at: Vec<usize> = if ex.seed < 10 {
            (0..n).collect()
        } else {
            vec![ex.seed as usize % n]
        };
        for &e in &wrong_at {
            for delta in [1i64, -1] {
                let value = t.events[e].lamport as i64 + delta;
                let mut answer = right.clone();
                answer[e] = value.to_string();
                let f = k.check(&ex, &fill(answer));
                let name = event_name(e);
                assert_wrong(&ex, &f, &[&format!("L({name}) is not {value}")]);
                assert!(f.events.contains(&e));
            }
        }
        // Two mistakes: the first in trace order is explained.
        if n >= 3 {
            let mut answer = right.clone();
            answer[n - 1] = "99".into();
            answer[1] = "99".into();
            let f = k.check(&ex, &fill(answer));
            assert_wrong(&ex, &f, &[&format!("L({}) is not 99", event_name(1))]);
        }
        // The classic receipt mistake: counting on from the lane, forgetting the max.
        for r in (0..n).filter(|&r| t.events[r].kind == EventKind::Receive) {
            let s = send_of(t, r).unwrap();
            let local = previous(t, r).map_or(0, |q| t.events[q].lamport);
            if local + 1 == t.events[r].lamport {
                continue;
            }
            let mut answer = right.clone();
            answer[r] = (local + 1).to_string();
            let f = k.check(&ex, &fill(answer));
            let (rn, sn) = (event_name(r), event_name(s));
            assert_wrong(
                &ex,
                &f,
                &[
                    &format!("L({rn})"),
                    &format!("receives the message sent at {sn}"),
                    "max(",
                ],
            );
            assert!(f.events.contains(&r) && f.events.contains(&s));
        }
        // Not a number, and blank.
        let e = ex.seed as usize % n;
        for text in ["x", "", "2.5", "-1"] {
            let mut answer = right.clone();
            answer[e] = text.into();
            let f = k.check(&ex, &fill(answer));
            assert_wrong(
                &ex,
                &f,
                &[&format!("give a whole number for event {}", event_name(e))],
            );
        }
        // The wrong number of values.
        let mut short = right.clone();
        short.pop();
        assert!(!k.check(&ex, &fill(short)).correct);
        assert!(!k.check(&ex, &Answer::Choice(0)).correct);
    }
}

// ---- Vector clocks ----

fn vectors(t: &Trace, style: usize) -> Vec<String> {
    (0..t.events.len())
        .map(|e| {
            let v: Vec<String> = t.vector(e).iter().map(u32::to_string).collect();
            match style {
                0 => format!("[{}]", v.join(",")),
                1 => v.join(","),
                2 => v.join(" "),
                _ => format!("({})", v.join(", ")),
            }
        })
        .collect()
}

#[test]
fn vector_accepts_every_promised_syntax() {
    let k = the("vector");
    for ex in every("vector") {
        assert!(matches!(ex.question, Question::Fill { vector: true, .. }));
        for style in 0..4 {
            let f = k.check(&ex, &fill(vectors(&ex.trace, style)));
            assert!(f.correct, "{} style {style}: {}", at(&ex), f.message);
        }
    }
}

#[test]
fn vector_rejects_each_kind_of_mistake_naming_the_first() {
    let k = the("vector");
    for ex in every("vector") {
        let t = &ex.trace;
        let n = t.events.len();
        let procs = t.processes.len();
        let right: Vec<Vec<u32>> = (0..n).map(|e| t.vector(e).to_vec()).collect();
        let texts = |vs: &[Vec<u32>]| -> Vec<String> {
            vs.iter()
                .map(|v| {
                    let s: Vec<String> = v.iter().map(u32::to_string).collect();
                    format!("[{}]", s.join(","))
                })
                .collect()
        };
        // An off-by-one in one entry of one event.
        let e = ex.seed as usize % n;
        for entry in 0..procs {
            let mut wrong = right.clone();
            wrong[e][entry] += 1;
            let f = k.check(&ex, &fill(texts(&wrong)));
            let name = event_name(e);
            assert_wrong(
                &ex,
                &f,
                &[&format!("V({name}) has {} entry", t.processes[entry])],
            );
            assert!(f.events.contains(&e));
        }
        // Two wrong events: the first is explained.
        if n >= 3 {
            let mut wrong = right.clone();
            wrong[n - 1][0] += 5;
            wrong[1][0] += 5;
            let f = k.check(&ex, &fill(texts(&wrong)));
            assert_wrong(&ex, &f, &[&format!("V({}) has", event_name(1))]);
        }
        // A receipt that did not merge the sender's entry.
        for r in (0..n).filter(|&r| t.events[r].kind == EventKind::Receive) {
            let s = send_of(t, r).unwrap();
            let from = t.events[s].process;
            let before = previous(t, r).map_or(0, |q| t.vector(q)[from]);
            if before == right[r][from] {
                continue;
            }
            let mut wrong = right.clone();
            wrong[r][from] = before;
            let f = k.check(&ex, &fill(texts(&wrong)));
            assert_wrong(
                &ex,
                &f,
                &[
                    &format!("V({})", event_name(r)),
                    &format!("receives the message sent at {}", event_name(s)),
                    "max(",
                ],
            );
        }
        // Not numbers; blank; the wrong length.
        let name = event_name(e);
        for text in ["[1,x,0]", "one two", "[1.5, 0]"] {
            let mut wrong = texts(&right);
            wrong[e] = text.into();
            assert_wrong(&ex, &k.check(&ex, &fill(wrong)), &[&format!("V({name})")]);
        }
        let mut blank = texts(&right);
        blank[e] = "  ".into();
        assert_wrong(
            &ex,
            &k.check(&ex, &fill(blank)),
            &[&format!("Event {name} has no value")],
        );
        for len in [procs - 1, procs + 1] {
            let mut wrong = texts(&right);
            wrong[e] = format_len(len);
            assert_wrong(
                &ex,
                &k.check(&ex, &fill(wrong)),
                &[&format!("so V({name}) has {procs} entries")],
            );
        }
    }
}

fn format_len(len: usize) -> String {
    format!("[{}]", vec!["0"; len].join(","))
}

// ---- Happens-before ----

#[test]
fn relation_accepts_the_truth_and_explains_each_wrong_choice() {
    let k = the("relation");
    let mut seen = std::collections::BTreeMap::new();
    for ex in every("relation") {
        let t = &ex.trace;
        let [a, b] = ex.show.marked[..] else {
            panic!("{}: not a marked pair", at(&ex));
        };
        assert_ne!(a, b);
        let (an, bn) = (event_name(a), event_name(b));
        let Question::Choice { options } = &ex.question else {
            panic!("{}: not a choice", at(&ex));
        };
        assert_eq!(
            *options,
            [
                format!("{an} → {bn}"),
                format!("{bn} → {an}"),
                format!("{an} ∥ {bn}")
            ]
        );
        let truth = match t.relation(a, b) {
            Relation::Before => 0,
            Relation::After => 1,
            Relation::Concurrent => 2,
            Relation::Same => panic!("a pair of one event"),
        };
        *seen.entry((ex.level, truth)).or_insert(0) += 1;
        let f = k.check(&ex, &Answer::Choice(truth));
        assert!(f.correct, "{}: {}", at(&ex), f.message);
        for wrong in (0..3).filter(|&c| c != truth) {
            let f = k.check(&ex, &Answer::Choice(wrong));
            match truth {
                0 => assert_wrong(&ex, &f, &[&format!("{an} → {bn}:")]),
                1 => assert_wrong(&ex, &f, &[&format!("{bn} → {an}:")]),
                _ => assert_wrong(
                    &ex,
                    &f,
                    &[
                        &format!("{an} and {bn} are concurrent"),
                        "no chain of messages",
                        &format!("V({an}) = "),
                        &format!("{an} ∥ {bn}"),
                    ],
                ),
            }
            assert!(f.events.contains(&a) && f.events.contains(&b));
        }
        assert!(!k.check(&ex, &Answer::Choice(3)).correct);
        assert!(!k.check(&ex, &Answer::PickEvents(vec![a, b])).correct);
        // Hard causal pairs go through at least two messages, where the run has such a pair.
        if ex.level == Level::Hard && truth != 2 {
            let (x, y) = if truth == 0 { (a, b) } else { (b, a) };
            let hops = |c: &[EventId]| {
                c.windows(2)
                    .filter(|w| t.events[w[0]].process != t.events[w[1]].process)
                    .count()
            };
            let has_long = (0..t.events.len())
                .any(|p| (0..t.events.len()).any(|q| t.chain(p, q).is_some_and(|c| hops(&c) >= 2)));
            if has_long {
                assert!(hops(&t.chain(x, y).unwrap()) >= 2, "{}", at(&ex));
            }
        }
    }
    for level in Level::ALL {
        for truth in 0..3 {
            let count = seen.get(&(level, truth)).copied().unwrap_or(0);
            assert!(
                count >= SEEDS as usize / 6,
                "{level}: answer {truth} only {count} times"
            );
        }
    }
}

// ---- Lamport order is not causality ----

#[test]
fn lamport_not_causal_accepts_every_concurrent_pair_in_lamport_order() {
    let k = the("lamport-not-causal");
    for ex in every("lamport-not-causal") {
        let t = &ex.trace;
        assert_eq!(ex.show.labels, Labels::Lamport);
        assert_eq!(
            ex.question,
            Question::PickEvents {
                roles: vec!["a".into(), "b".into()]
            }
        );
        let n = t.events.len();
        let mut right = 0;
        for a in 0..n {
            for b in 0..n {
                let f = k.check(&ex, &Answer::PickEvents(vec![a, b]));
                let (la, lb) = (t.events[a].lamport, t.events[b].lamport);
                let should = a != b && la < lb && t.relation(a, b) == Relation::Concurrent;
                assert_eq!(f.correct, should, "{} ({a}, {b}): {}", at(&ex), f.message);
                right += usize::from(should);
                if should {
                    continue;
                }
                let (an, bn) = (event_name(a), event_name(b));
                if a == b {
                    assert_wrong(&ex, &f, &[&format!("picked {an} twice")]);
                } else if la >= lb {
                    assert_wrong(
                        &ex,
                        &f,
                        &[&format!("L({an}) = {la} is not less than L({bn}) = {lb}")],
                    );
                } else {
                    assert_eq!(t.relation(a, b), Relation::Before);
                    assert_wrong(&ex, &f, &[&format!("{an} → {bn}:"), "not causally related"]);
                }
            }
        }
        assert!(right > 0, "{}: no answer", at(&ex));
        assert!(!k.check(&ex, &Answer::PickEvents(vec![0])).correct);
        assert!(!k.check(&ex, &Answer::PickEvents(vec![0, n])).correct);
    }
}

// ---- The missing message ----

/// The events whose vector clock the visible arrows do not explain.
fn unexplained(t: &Trace, hidden: usize) -> Vec<EventId> {
    (0..t.events.len())
        .filter(|&e| {
            let p = t.events[e].process;
            let mut v = previous(t, e).map_or(vec![0; t.processes.len()], |q| t.vector(q).to_vec());
            if let Some(s) = send_of(t, e) {
                if t.events[e].message != Some(hidden) {
                    for (x, y) in v.iter_mut().zip(t.vector(s)) {
                        *x = (*x).max(*y);
                    }
                }
            }
            v[p] += 1;
            v != t.vector(e)
        })
        .collect()
}

#[test]
fn missing_message_has_exactly_one_answer() {
    let k = the("missing-message");
    for ex in every("missing-message") {
        let t = &ex.trace;
        assert_eq!(ex.show.labels, Labels::Vector);
        let [m] = ex.show.hidden_messages[..] else {
            panic!("{}: not one hidden message", at(&ex));
        };
        let (s, r) = (
            t.messages[m].send_event,
            t.messages[m].receive_event.unwrap(),
        );
        assert_eq!(unexplained(t, m), [r], "{}", at(&ex));
        assert_eq!(*ex.solution(), Answer::PickEvents(vec![s, r]));
        let n = t.events.len();
        for x in 0..n {
            for y in 0..n {
                let f = k.check(&ex, &Answer::PickEvents(vec![x, y]));
                assert_eq!(f.correct, (x, y) == (s, r), "{} ({x}, {y})", at(&ex));
            }
        }
    }
}

#[test]
fn missing_message_explains_each_wrong_pick() {
    let k = the("missing-message");
    for ex in every("missing-message") {
        let t = &ex.trace;
        let m = ex.show.hidden_messages[0];
        let (s, r) = (
            t.messages[m].send_event,
            t.messages[m].receive_event.unwrap(),
        );
        let (sn, rn) = (event_name(s), event_name(r));
        let sender = &t.processes[t.messages[m].from];
        // Swapped.
        let f = k.check(&ex, &Answer::PickEvents(vec![r, s]));
        assert_wrong(&ex, &f, &["other way round", &sn, &rn]);
        for x in (0..t.events.len()).filter(|&x| x != s && x != r) {
            let xn = event_name(x);
            // A wrong send.
            let f = k.check(&ex, &Answer::PickEvents(vec![x, r]));
            assert_wrong(
                &ex,
                &f,
                &[
                    &format!("{xn} is not the send"),
                    &format!("{sender} entry {}", t.vector(r)[t.messages[m].from]),
                    &format!("event, {sn}."),
                ],
            );
            assert!(f.events.contains(&x) && f.events.contains(&s));
            // A wrong receipt.
            let f = k.check(&ex, &Answer::PickEvents(vec![s, x]));
            assert_wrong(
                &ex,
                &f,
                &[
                    &format!("{xn} is not the receipt"),
                    &format!("cannot explain is V({rn})"),
                ],
            );
            assert!(f.events.contains(&x) && f.events.contains(&r));
        }
        let f = k.check(&ex, &Answer::PickEvents(vec![s, s]));
        assert_wrong(&ex, &f, &[&format!("picked {sn} twice")]);
    }
}

// ---- Scoring and progress ----

#[test]
fn only_the_first_answer_is_scored() {
    let mut ex = the("relation").generate(Level::Medium, 3);
    let mut progress = Progress::default();
    let right = ex.solution().clone();
    let Answer::Choice(c) = right else { panic!() };
    let wrong = Answer::Choice((c + 1) % 3);
    assert!(!ex.answered());
    assert!(!ex.submit(&wrong, &mut progress).correct);
    assert!(ex.answered());
    assert!(ex.submit(&right, &mut progress).correct);
    let p = progress.of("relation");
    assert_eq!((p.attempts, p.correct, p.streak), (1, 0, 0));
    assert!(!p.done(Level::Medium));
    // check() never scores.
    assert!(ex.check(&right).correct);
    assert_eq!(progress.of("relation").attempts, 1);
}

#[test]
fn progress_counts_attempts_score_streaks_and_levels() {
    let mut p = Progress::default();
    assert_eq!(p.of("lamport"), Default::default());
    for correct in [true, true, false, true, true, true, false, true] {
        p.record("lamport", Level::Easy, correct);
    }
    p.record("lamport", Level::Hard, true);
    p.record("vector", Level::Medium, false);
    let l = p.of("lamport");
    assert_eq!(l.attempts, 9);
    assert_eq!(l.correct, 7);
    assert_eq!(l.streak, 2);
    assert_eq!(l.best_streak, 3);
    assert!(l.done(Level::Easy) && l.done(Level::Hard) && !l.done(Level::Medium));
    assert_eq!(l.next_level(), Level::Medium);
    let v = p.of("vector");
    assert_eq!(
        (v.attempts, v.correct, v.streak, v.best_streak),
        (1, 0, 0, 0)
    );
    assert!(v.levels_done.is_empty());
    assert_eq!(v.next_level(), Level::Easy);
    assert_eq!(p.total_correct(), 7);
    assert_eq!(p.total_attempts(), 10);
    assert_eq!(p.best_streak(), 3);
    assert_eq!(p.lesson_correct("clocks"), 7);
    // A wrong answer resets the streak but keeps the best.
    p.record("lamport", Level::Easy, false);
    assert_eq!(p.of("lamport").streak, 0);
    assert_eq!(p.of("lamport").best_streak, 3);

    let json = p.to_json();
    assert_eq!(Progress::from_json(&json), p);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["kinds"]["lamport"]["levels_done"],
        serde_json::json!(["easy", "hard"])
    );
}

#[test]
fn progress_from_anything_never_fails() {
    for garbage in [
        "",
        "not json",
        "{",
        "null",
        "[1, 2]",
        "42",
        "\"kinds\"",
        "{\"kinds\": 3}",
        "{\"kinds\": [\"lamport\"]}",
        "{\"version\": 0, \"scores\": {\"lamport\": 3}}",
    ] {
        assert_eq!(
            Progress::from_json(garbage),
            Progress::default(),
            "{garbage}"
        );
    }
    // An older or newer shape: unknown fields, unknown levels, wrong types, odd counts.
    let old = r#"{
        "version": 7,
        "kinds": {
            "lamport": {"attempts": 4, "correct": 3, "streak": 2, "best_streak": 1,
                        "levels_done": ["easy", "legendary", 3], "stars": 5},
            "vector": 5,
            "relation": {"attempts": "many", "correct": -1, "levels_done": "hard"},
            "missing-message": {"attempts": 2, "correct": 9, "streak": 9}
        }
    }"#;
    let p = Progress::from_json(old);
    let l = p.of("lamport");
    assert_eq!(
        (l.attempts, l.correct, l.streak, l.best_streak),
        (4, 3, 2, 2)
    );
    assert_eq!(
        l.levels_done.iter().copied().collect::<Vec<_>>(),
        [Level::Easy]
    );
    assert!(!p.kinds.contains_key("vector"));
    assert_eq!(p.of("relation"), Default::default());
    let m = p.of("missing-message");
    assert_eq!(
        (m.attempts, m.correct, m.streak, m.best_streak),
        (2, 2, 2, 2)
    );
    // And what it reads, it writes back the same.
    assert_eq!(Progress::from_json(&p.to_json()), p);
}

// ---- Names and the registry ----

#[test]
fn event_names_round_trip() {
    let mut seen = std::collections::BTreeSet::new();
    for id in 0..2000 {
        let name = event_name(id);
        assert!(name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
        assert_eq!(event_of_name(&name), Some(id), "{name}");
        assert!(seen.insert(name));
    }
    assert_eq!(event_name(0), "a");
    assert_eq!(event_name(25), "z");
    assert_eq!(event_name(26), "aa");
    assert_eq!(event_name(27), "ab");
    assert_eq!(event_of_name("a b"), None);
}

#[test]
fn the_registry_finds_every_kind_by_id() {
    let all = kinds("clocks");
    assert_eq!(all.len(), 5);
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|k| k.id()).collect();
    assert_eq!(ids.len(), 5);
    for k in &all {
        assert_eq!(kind(k.id()).unwrap().id(), k.id());
        assert!(!k.title().is_empty());
    }
    assert_eq!(Level::ALL.map(Level::name), ["easy", "medium", "hard"]);
    assert!(kinds("tcp").is_empty());
    assert!(kind("").is_none());
}
