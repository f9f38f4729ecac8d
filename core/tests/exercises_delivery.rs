//! The delivery lesson's three TCP exercise kinds, over every level and seeds 0..100:
//! generation is deterministic and makes clean runs of the promised shape; every checker accepts
//! the stored solution, agrees with the run (read here independently of the checker), and
//! rejects each wrong choice or number with a message that explains it. RFC 6298 is worked by
//! hand for fixed sample lists.

use spacetime_core::exercise::{
    all_kinds, event_name, kind, kinds, Answer, Exercise, ExerciseKind, Feedback, Labels, Level,
    Question,
};
use spacetime_core::lessons::delivery::exercises::{rto_after, RttEvent};
use spacetime_core::{EventId, EventKind, Fate, Message, Run, Scenario, Trace};

const SEEDS: u64 = 100;
const CLIENT: usize = 0;
const SERVER: usize = 1;

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

/// Where the exercise is, for assertion messages.
fn at(ex: &Exercise) -> String {
    format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
}

fn json(trace: &Trace) -> String {
    serde_json::to_string(trace).expect("a trace serialises")
}

fn fill(text: impl Into<String>) -> Answer {
    Answer::Fill(vec![text.into()])
}

fn assert_wrong(ex: &Exercise, feedback: &Feedback, mentions: &[&str]) {
    assert!(!feedback.correct, "{}: accepted a wrong answer", at(ex));
    assert!(!feedback.message.is_empty(), "{}: no explanation", at(ex));
    for m in mentions {
        assert!(
            feedback.message.contains(m),
            "{}: {:?} does not mention {m:?}",
            at(ex),
            feedback.message
        );
    }
}

/// The messages dropped by hand.
fn dropped(trace: &Trace) -> Vec<&Message> {
    trace
        .messages
        .iter()
        .filter(|m| m.fate == Fate::DroppedByLearner)
        .collect()
}

/// `(first, last)` of a `DATA a..b` label, with or without ` (again)`.
fn data(label: &str) -> Option<(u64, u64)> {
    let label = label.strip_suffix(" (again)").unwrap_or(label);
    let (a, b) = label.strip_prefix("DATA ")?.split_once("..")?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// The one text field's event of a fill question.
fn fill_event(ex: &Exercise) -> EventId {
    let Question::Fill { events, vector } = &ex.question else {
        panic!("{}: not a fill question", at(ex))
    };
    assert!(!vector, "{}", at(ex));
    assert_eq!(events.len(), 1, "{}: one field", at(ex));
    events[0]
}

fn solution_text(ex: &Exercise) -> String {
    let Answer::Fill(texts) = ex.solution() else {
        panic!("{}: not a fill solution", at(ex))
    };
    texts[0].clone()
}

// ---- The registry ----

#[test]
fn the_registry_lists_the_three_delivery_kinds() {
    let ids: Vec<&str> = kinds("delivery").iter().map(|k| k.id()).collect();
    assert_eq!(
        ids,
        ["tcp-next-segment", "tcp-retransmissions", "tcp-timeout"]
    );
    assert_eq!(
        the("tcp-next-segment").title(),
        "What does the receiver send next?"
    );
    assert_eq!(
        the("tcp-retransmissions").title(),
        "How many retransmissions?"
    );
    assert_eq!(
        the("tcp-timeout").title(),
        "What timeout after these samples?"
    );
    let all: Vec<&str> = all_kinds().iter().map(|k| k.id()).collect();
    for id in ids {
        assert_eq!(all.iter().filter(|&&x| x == id).count(), 1, "{id}");
    }
    // The clocks lesson is unchanged.
    assert_eq!(kinds("clocks").len(), 5);
}

// ---- Generation ----

#[test]
fn generation_is_deterministic_and_the_run_is_clean() {
    for k in kinds("delivery") {
        for level in Level::ALL {
            for seed in 0..SEEDS {
                let a = k.generate(level, seed);
                let b = k.generate(level, seed);
                assert_eq!(a, b, "{}", at(&a));
                assert_eq!(json(&a.trace), json(&b.trace), "{}", at(&a));
                assert_eq!((a.kind, a.level, a.seed), (k.id(), level, seed));
                assert_eq!(a.title, k.title());
                assert!(!a.prompt.is_empty());
                assert_eq!(a.scenario.description, a.prompt);
                // A TCP run of the delivery lesson, shown with event names.
                assert_eq!(a.scenario.protocol, "tcp");
                assert!(a.scenario.name.starts_with("tcp-"), "{}", a.scenario.name);
                assert_eq!(a.scenario.processes, ["client", "server"]);
                assert_eq!(a.show.labels, Labels::Names);
                // The scenario, as the app loads it, runs to the same trace, with no warnings.
                let loaded = Scenario::from_json(&a.scenario.to_json()).expect("it reads back");
                assert_eq!(loaded, a.scenario, "{}", at(&a));
                let rerun = Run::complete(&loaded).expect("the scenario runs");
                assert_eq!(json(rerun.trace()), json(&a.trace), "{}", at(&a));
                assert!(
                    a.trace.warnings.is_empty(),
                    "{}: {:?}",
                    at(&a),
                    a.trace.warnings
                );
                // Every loss is one of the scenario's interventions.
                assert_eq!(
                    dropped(&a.trace).len(),
                    a.scenario.interventions.len(),
                    "{}",
                    at(&a)
                );
                // The whole stream gets through and both sides close.
                for p in [CLIENT, SERVER] {
                    let last = a
                        .trace
                        .outputs
                        .iter()
                        .rev()
                        .find(|o| o.process == p && o.kind == "state");
                    assert_eq!(last.map(|o| o.value.as_str()), Some("CLOSED"), "{}", at(&a));
                }
                let n = a.trace.events.len();
                assert!(a.show.marked.iter().all(|&e| e < n), "{}", at(&a));
                assert!(
                    a.show
                        .hidden_messages
                        .iter()
                        .all(|&m| m < a.trace.messages.len()),
                    "{}",
                    at(&a)
                );
                if let Question::Fill { events, .. } = &a.question {
                    assert!(
                        events.iter().all(|e| a.show.marked.contains(e)),
                        "{}",
                        at(&a)
                    );
                }
            }
        }
    }
}

#[test]
fn stored_solutions_are_accepted() {
    for k in kinds("delivery") {
        for ex in every(k.id()) {
            let feedback = ex.check(ex.solution());
            assert!(feedback.correct, "{}: {}", at(&ex), feedback.message);
            assert!(feedback.message.starts_with("Right"), "{}", at(&ex));
        }
    }
}

#[test]
fn answers_of_the_wrong_form_are_rejected() {
    for k in kinds("delivery") {
        let ex = k.generate(Level::Medium, 3);
        let other = match ex.question {
            Question::Choice { .. } => fill("1"),
            _ => Answer::Choice(0),
        };
        assert_wrong(&ex, &ex.check(&other), &[]);
        assert_wrong(&ex, &ex.check(&Answer::PickEvents(vec![0])), &[]);
    }
}

// ---- What does the receiver send next? ----

/// The server's first message after `receipt`, in the same step: its answer.
fn answer_to(trace: &Trace, receipt: EventId) -> &Message {
    let e = &trace.events[receipt];
    let send = trace.events[receipt + 1..]
        .iter()
        .take_while(|x| x.step == e.step)
        .find(|x| x.process == e.process && x.kind == EventKind::Send)
        .expect("the server answers");
    &trace.messages[send.message.expect("a send has its message")]
}

#[test]
fn next_segment_asks_about_a_segment_after_the_gap_and_the_ack_is_cumulative() {
    for ex in every("tcp-next-segment") {
        let trace = &ex.trace;
        let variant = match ex.level {
            Level::Hard => "selective-repeat",
            _ => "go-back-n",
        };
        assert_eq!(ex.scenario.variant, variant, "{}", at(&ex));
        let lost = dropped(trace);
        assert_eq!(lost.len(), 1, "{}", at(&ex));
        let gap = data(&lost[0].label).expect("a data segment is lost");
        assert!(ex.prompt.contains(&lost[0].label), "{}", at(&ex));
        // The marked event: the server receives a segment from the gap on, after the loss.
        let [marked] = ex.show.marked[..] else {
            panic!("{}: one marked event", at(&ex))
        };
        let e = &trace.events[marked];
        assert_eq!(
            (e.process, e.kind),
            (SERVER, EventKind::Receive),
            "{}",
            at(&ex)
        );
        assert!(marked > lost[0].send_event, "{}", at(&ex));
        let segment = &trace.messages[e.message.unwrap()];
        let bytes = data(&segment.label).expect("a data segment is marked");
        assert!(bytes.0 >= gap.0, "{}", at(&ex));
        if ex.level == Level::Easy {
            assert!(
                bytes.0 > gap.0,
                "{}: easy marks a segment after the gap",
                at(&ex)
            );
        }
        // The right option is the server's actual answer, which is hidden.
        let reply = answer_to(trace, marked);
        assert!(reply.label.starts_with("ACK "), "{}", at(&ex));
        assert!(ex.show.hidden_messages.contains(&reply.id), "{}", at(&ex));
        let Question::Choice { options } = &ex.question else {
            panic!("{}: a choice", at(&ex))
        };
        assert_eq!(options.len(), 4, "{}", at(&ex));
        assert_eq!(options[3], "nothing", "{}", at(&ex));
        for (i, o) in options.iter().enumerate() {
            assert_eq!(options.iter().filter(|x| *x == o).count(), 1, "{}", at(&ex));
            assert!(i == 3 || o.starts_with("ACK "), "{}: {o}", at(&ex));
        }
        let Answer::Choice(right) = *ex.solution() else {
            panic!("{}", at(&ex))
        };
        assert_eq!(options[right], reply.label, "{}", at(&ex));
        // Cumulative ACKs: while the gap is open, every answer names its first byte.
        if bytes.0 > gap.0 {
            assert_eq!(reply.label, format!("ACK {}", gap.0), "{}", at(&ex));
        } else {
            assert!(
                reply.label != format!("ACK {}", gap.0),
                "{}: the copy fills the gap",
                at(&ex)
            );
        }
    }
}

#[test]
fn next_segment_explains_every_wrong_choice() {
    for ex in every("tcp-next-segment") {
        let Question::Choice { options } = &ex.question else {
            panic!("{}", at(&ex))
        };
        let Answer::Choice(right) = *ex.solution() else {
            panic!("{}", at(&ex))
        };
        let answer = options[right].clone();
        let marked = ex.show.marked[0];
        for i in (0..options.len()).filter(|&i| i != right) {
            let feedback = ex.check(&Answer::Choice(i));
            assert_wrong(&ex, &feedback, &[&answer, &event_name(marked), "next byte"]);
            assert_eq!(feedback.events.first(), Some(&marked), "{}", at(&ex));
        }
        let right_feedback = ex.check(&Answer::Choice(right));
        assert!(right_feedback.message.contains(&answer), "{}", at(&ex));
        if ex.level != Level::Hard {
            // The lesson's point: the server still lacks the lost bytes, so it repeats itself.
            let gap = data(&dropped(&ex.trace)[0].label).unwrap().0;
            assert!(
                right_feedback
                    .message
                    .contains(&format!("still lacks byte {gap}")),
                "{}: {}",
                at(&ex),
                right_feedback.message
            );
        }
        assert_wrong(&ex, &ex.check(&Answer::Choice(options.len())), &["Choose"]);
    }
}

// ---- How many retransmissions? ----

/// The client's data segments sent again, counted from their labels.
fn resent(trace: &Trace) -> Vec<&Message> {
    trace
        .messages
        .iter()
        .filter(|m| {
            m.from == CLIENT && m.label.starts_with("DATA ") && m.label.ends_with(" (again)")
        })
        .collect()
}

#[test]
fn retransmissions_are_counted_from_the_run() {
    for ex in every("tcp-retransmissions") {
        let trace = &ex.trace;
        let lost = dropped(trace);
        let variant = ex.scenario.variant.as_str();
        match ex.level {
            Level::Easy => {
                assert_eq!(variant, "stop-and-wait", "{}", at(&ex));
                assert!((1..=2).contains(&lost.len()), "{}", at(&ex));
            }
            Level::Medium => {
                assert_eq!(variant, "go-back-n", "{}", at(&ex));
                assert_eq!(lost.len(), 1, "{}", at(&ex));
            }
            Level::Hard => match variant {
                "go-back-n" => assert_eq!(lost.len(), 2, "{}", at(&ex)),
                "selective-repeat" => assert!((1..=2).contains(&lost.len()), "{}", at(&ex)),
                v => panic!("{}: {v}", at(&ex)),
            },
        }
        if ex.level != Level::Easy {
            assert!(lost.iter().all(|m| data(&m.label).is_some()), "{}", at(&ex));
        }
        // The losses are marked, and the box sits at the first.
        let sends: Vec<EventId> = lost.iter().map(|m| m.send_event).collect();
        assert_eq!(ex.show.marked, sends, "{}", at(&ex));
        assert_eq!(fill_event(&ex), sends[0], "{}", at(&ex));
        // No arrow that is still shown gives the answer away.
        for m in &trace.messages {
            if m.label.ends_with(" (again)") && m.fate != Fate::DroppedByLearner {
                assert!(ex.show.hidden_messages.contains(&m.id), "{}", at(&ex));
            }
        }
        assert!(
            lost.iter()
                .all(|m| !ex.show.hidden_messages.contains(&m.id)),
            "{}",
            at(&ex)
        );
        // Only data segments are sent again, and the solution counts them.
        assert!(
            trace
                .messages
                .iter()
                .filter(|m| m.from == CLIENT && m.label.ends_with(" (again)"))
                .all(|m| m.label.starts_with("DATA ")),
            "{}",
            at(&ex)
        );
        let count = resent(trace).len();
        assert!(count >= 1, "{}", at(&ex));
        assert_eq!(solution_text(&ex), count.to_string(), "{}", at(&ex));
        // Stop-and-wait resends once per loss; selective repeat once per lost segment.
        if variant != "go-back-n" {
            assert_eq!(count, lost.len(), "{}", at(&ex));
        }
    }
}

#[test]
fn a_wrong_count_is_explained_from_the_run() {
    for ex in every("tcp-retransmissions") {
        let count = resent(&ex.trace).len();
        let rule = match ex.scenario.variant.as_str() {
            "go-back-n" => "Go-back-N",
            "selective-repeat" => "Selective repeat",
            _ => "Stop-and-wait",
        };
        let total = format!(
            "sends {count} data segment{} again",
            if count == 1 { "" } else { "s" }
        );
        for wrong in [count + 1, count + 2, count - 1, 0] {
            if wrong == count {
                continue;
            }
            let feedback = ex.check(&fill(wrong.to_string()));
            assert_wrong(&ex, &feedback, &[&format!("Not {wrong}"), &total, rule]);
            // It names every segment sent again, by its event.
            for m in resent(&ex.trace) {
                assert!(
                    feedback.message.contains(&event_name(m.send_event)),
                    "{}: {}",
                    at(&ex),
                    feedback.message
                );
            }
        }
        assert!(ex.check(&fill(format!(" {count} "))).correct, "{}", at(&ex));
        assert_wrong(&ex, &ex.check(&fill("")), &["whole number"]);
        assert_wrong(&ex, &ex.check(&fill("three")), &["not a whole number"]);
        assert_wrong(&ex, &ex.check(&fill("2.5")), &["not a whole number"]);
        assert_wrong(&ex, &ex.check(&Answer::Fill(vec![])), &[]);
    }
}

// ---- What timeout after these samples? ----

#[test]
fn rfc_6298_worked_by_hand() {
    use RttEvent::{Sample, Timeout};
    // Nothing measured: the initial RTO.
    assert_eq!(rto_after(&[]), 60);
    // One sample R = 26: SRTT = 26, RTTVAR = 13, RTO = 26 + 4·13 = 78 = 3R.
    assert_eq!(rto_after(&[Sample(26)]), 78);
    // R = 40 then R' = 60: RTTVAR = 3/4·20 + 1/4·|40 − 60| = 15 + 5 = 20, SRTT = 7/8·40 +
    // 1/8·60 = 35 + 7.5 = 42.5, RTO = 42.5 + 4·20 = 122.5, rounded up to 123.
    assert_eq!(rto_after(&[Sample(40), Sample(60)]), 123);
    // 33, 27, a timeout, 30:
    //   R = 33: SRTT = 33, RTTVAR = 16.5, RTO = 33 + 66 = 99.
    //   R = 27: RTTVAR = 3/4·16.5 + 1/4·|33 − 27| = 12.375 + 1.5 = 13.875;
    //           SRTT = 7/8·33 + 1/8·27 = 28.875 + 3.375 = 32.25; RTO = 32.25 + 55.5 = 87.75 → 88.
    //   timeout: RTO = 2·88 = 176 (SRTT and RTTVAR unchanged).
    //   R = 30: RTTVAR = 3/4·13.875 + 1/4·|32.25 − 30| = 10.40625 + 0.5625 = 10.96875;
    //           SRTT = 7/8·32.25 + 1/8·30 = 28.21875 + 3.75 = 31.96875;
    //           RTO = 31.96875 + 4·10.96875 = 31.96875 + 43.875 = 75.84375 → 76.
    assert_eq!(rto_after(&[Sample(33), Sample(27), Timeout]), 176);
    assert_eq!(
        rto_after(&[Sample(33), Sample(27), Timeout, Sample(30)]),
        76
    );
    // The bounds: 3·100 = 300 is cut to 240; doubling stops at 240 too.
    assert_eq!(rto_after(&[Sample(100)]), 240);
    assert_eq!(rto_after(&[Sample(10), Timeout, Timeout, Timeout]), 240);
    // Equal samples: RTTVAR shrinks, 3/4·5 + 0 = 3.75, SRTT stays 10: 10 + 15 = 25.
    assert_eq!(rto_after(&[Sample(10), Sample(10)]), 25);
}

/// RFC 6298 written out again, independently of the crate: the RTO after each of `events`.
fn by_the_book(events: &[RttEvent]) -> u64 {
    let (mut srtt, mut rttvar, mut rto) = (None::<f64>, 0.0, 60.0_f64);
    for e in events {
        match *e {
            RttEvent::Sample(r) => {
                let r = r as f64;
                match srtt {
                    None => {
                        srtt = Some(r);
                        rttvar = r / 2.0;
                    }
                    Some(s) => {
                        rttvar = 0.75 * rttvar + 0.25 * (s - r).abs();
                        srtt = Some(0.875 * s + 0.125 * r);
                    }
                }
                rto = (srtt.unwrap() + f64::max(1.0, 4.0 * rttvar))
                    .ceil()
                    .clamp(20.0, 240.0);
            }
            RttEvent::Timeout => rto = (2.0 * rto).min(240.0),
        }
    }
    rto as u64
}

/// The client's samples and timeouts up to `until`, read from its `rtt` outputs and the
/// segments it sent again.
fn history(trace: &Trace, until: EventId) -> Vec<RttEvent> {
    let mut events: Vec<(EventId, RttEvent)> = trace
        .outputs
        .iter()
        .filter(|o| o.process == CLIENT && o.kind == "rtt" && o.event <= until)
        .map(|o| (o.event, RttEvent::Sample(o.value.parse().unwrap())))
        .collect();
    events.extend(
        trace
            .messages
            .iter()
            .filter(|m| m.from == CLIENT && m.label.ends_with(" (again)") && m.send_event < until)
            .map(|m| (m.send_event, RttEvent::Timeout)),
    );
    events.sort_by_key(|(e, _)| *e);
    events.into_iter().map(|(_, e)| e).collect()
}

#[test]
fn the_timeout_is_the_protocols_own() {
    for ex in every("tcp-timeout") {
        let trace = &ex.trace;
        let marked = fill_event(&ex);
        assert_eq!(ex.show.marked, [marked], "{}", at(&ex));
        assert_eq!(ex.scenario.variant, "stop-and-wait", "{}", at(&ex));
        let events = history(trace, marked);
        let samples: Vec<u64> = events
            .iter()
            .filter_map(|e| match e {
                RttEvent::Sample(r) => Some(*r),
                RttEvent::Timeout => None,
            })
            .collect();
        let timeouts = events.len() - samples.len();
        let (wanted, lost) = match ex.level {
            Level::Easy => (1, 0),
            Level::Medium => (2, 0),
            Level::Hard => (3, 1),
        };
        assert_eq!(samples.len(), wanted, "{}: {events:?}", at(&ex));
        assert_eq!(timeouts, lost, "{}: {events:?}", at(&ex));
        assert_eq!(dropped(trace).len(), lost, "{}", at(&ex));
        assert!(
            matches!(events.last(), Some(RttEvent::Sample(_))),
            "{}: the marked event takes a sample",
            at(&ex)
        );
        assert!(matches!(events[0], RttEvent::Sample(_)), "{}", at(&ex));
        // The prompt lists every sample.
        for r in &samples {
            assert!(ex.prompt.contains(&format!("{r} ticks")), "{}", at(&ex));
        }
        // The answer: RFC 6298 by the book, the crate's estimator, and the client's own state
        // after the marked step (its summary ends "RTO n") all agree.
        let expected = by_the_book(&events);
        assert_eq!(rto_after(&events), expected, "{}", at(&ex));
        assert_eq!(solution_text(&ex), expected.to_string(), "{}", at(&ex));
        let state = &trace.events[marked].state;
        assert!(
            state.ends_with(&format!("RTO {expected}")),
            "{}: {state}",
            at(&ex)
        );
        if ex.level == Level::Easy {
            assert_eq!(expected, (3 * samples[0]).clamp(20, 240), "{}", at(&ex));
        }
    }
}

#[test]
fn a_wrong_timeout_is_worked_step_by_step() {
    for ex in every("tcp-timeout") {
        let rto: f64 = solution_text(&ex).parse().unwrap();
        let marked = fill_event(&ex);
        let right = format!("is {rto} ticks");
        for wrong in [rto + 1.0, rto + 5.0, rto - 2.0, 0.0, 2.0 * rto + 7.0] {
            let feedback = ex.check(&fill(wrong.to_string()));
            assert_wrong(
                &ex,
                &feedback,
                &[&right, "Step by step", "1st sample", "SRTT", "RTTVAR"],
            );
            assert_eq!(feedback.events.first(), Some(&marked), "{}", at(&ex));
            if ex.level == Level::Hard {
                assert!(feedback.message.contains("doubles"), "{}", at(&ex));
            }
        }
        // Whole ticks, within half a tick, with a comma or "ticks".
        for ok in [
            format!("{rto}"),
            format!("{rto}.0"),
            format!("{rto} ticks"),
            format!("{}", rto - 0.4),
            format!("{}", rto + 0.4).replace('.', ","),
        ] {
            let feedback = ex.check(&fill(ok.clone()));
            assert!(
                feedback.correct,
                "{}: {ok:?}: {}",
                at(&ex),
                feedback.message
            );
        }
        assert_wrong(&ex, &ex.check(&fill("")), &["Type the RTO"]);
        assert_wrong(&ex, &ex.check(&fill("soon")), &["not a number"]);
        assert_wrong(&ex, &ex.check(&fill("NaN")), &["not a number"]);
    }
}

#[test]
fn the_exact_value_before_rounding_up_is_accepted() {
    let mut seen = 0;
    for ex in every("tcp-timeout") {
        let events = history(&ex.trace, fill_event(&ex));
        let rto: u64 = solution_text(&ex).parse().unwrap();
        // Exact SRTT + 4·RTTVAR, as in `by_the_book` without the rounding.
        let (mut srtt, mut rttvar) = (None::<f64>, 0.0);
        for e in &events {
            if let RttEvent::Sample(r) = *e {
                let r = r as f64;
                match srtt {
                    None => (srtt, rttvar) = (Some(r), r / 2.0),
                    Some(s) => {
                        rttvar = 0.75 * rttvar + 0.25 * (s - r).abs();
                        srtt = Some(0.875 * s + 0.125 * r);
                    }
                }
            }
        }
        let exact = srtt.unwrap() + 4.0 * rttvar;
        if exact.fract() != 0.0 && exact.ceil() as u64 == rto {
            seen += 1;
            let typed = format!("{exact:.3}");
            let feedback = ex.check(&fill(typed.clone()));
            assert!(
                feedback.correct,
                "{}: {typed}: {}",
                at(&ex),
                feedback.message
            );
            assert!(feedback.message.contains("rounds up"), "{}", at(&ex));
        }
    }
    assert!(seen > 50, "only {seen} exercises had a fractional RTO");
}

#[test]
fn common_slips_are_named() {
    let (mut doubled_seen, mut three_r_seen) = (0, 0);
    for ex in every("tcp-timeout") {
        let rto: f64 = solution_text(&ex).parse().unwrap();
        let trace = &ex.trace;
        let near = |x: f64, y: f64| (x - y).abs() <= 0.5 || (x - y.ceil()).abs() <= 0.5;
        if ex.level == Level::Hard {
            // The RTO right after the timeout, as the client reported it.
            let doubled: f64 = trace
                .outputs
                .iter()
                .find(|o| {
                    o.process == CLIENT
                        && o.kind == "rto"
                        && trace.events[o.event].label.ends_with(" (again)")
                })
                .map(|o| o.value.parse().unwrap())
                .expect("a timeout reports its RTO");
            if (doubled - rto).abs() > 1.0 {
                doubled_seen += 1;
                let feedback = ex.check(&fill(doubled.to_string()));
                assert_wrong(&ex, &feedback, &["only until the next sample"]);
            }
        }
        if ex.level == Level::Medium {
            // Treating the last sample as a first one: 3R. Named unless it is also close to
            // SRTT or SRTT + RTTVAR, which are named first.
            let events = history(trace, fill_event(&ex));
            let [RttEvent::Sample(r1), RttEvent::Sample(r2)] = events[..] else {
                panic!("{}: {events:?}", at(&ex))
            };
            let (r1, r2) = (r1 as f64, r2 as f64);
            let rttvar = 0.75 * r1 / 2.0 + 0.25 * (r1 - r2).abs();
            let srtt = 0.875 * r1 + 0.125 * r2;
            let three = 3.0 * r2;
            if (three - rto).abs() > 1.0 && !near(three, srtt) && !near(three, srtt + rttvar) {
                three_r_seen += 1;
                let feedback = ex.check(&fill(three.to_string()));
                assert_wrong(&ex, &feedback, &["Only the first sample"]);
            }
            // SRTT alone forgets the margin.
            if (srtt - rto).abs() > 1.0 {
                let feedback = ex.check(&fill(srtt.to_string()));
                assert_wrong(&ex, &feedback, &["That is SRTT"]);
            }
        }
    }
    assert!(doubled_seen > 50, "{doubled_seen}");
    assert!(three_r_seen > 50, "{three_r_seen}");
}
