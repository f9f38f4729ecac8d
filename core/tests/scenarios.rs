//! Scenarios as files: errors that say where and what, round trips, and the properties the
//! shipped protocols promise, checked over many seeds.

mod common;

use common::{gossip_setup, gossip_with_interventions, json, run, scripted_scenario, GossipSetup};
use proptest::prelude::*;
use serde_json::{json, Value};
use spacetime_core::lessons::clocks::scripted;
use spacetime_core::protocols;
use spacetime_core::{
    Action, EventKind, Intervention, ProcessRef, PropertyReport, Run, Scenario, ScenarioError,
    Verdict,
};

fn syntax(text: &str) -> (usize, usize, String) {
    match Scenario::from_json(text) {
        Err(ScenarioError::Syntax {
            line,
            column,
            message,
        }) => (line, column, message),
        other => panic!("expected a syntax error for {text:?}, got {other:?}"),
    }
}

#[test]
fn malformed_json_is_located() {
    // Line and column (from 1) of the character at which the text stops making sense.
    let (line, column, message) = syntax("{\n  \"name\": \"x\",\n  \"protocol\": \n}");
    assert_eq!(
        (line, column),
        (4, 1),
        "the value is missing where the brace is"
    );
    assert_eq!(message, "expected value");

    let text = r#"{"name": "x", "protocol": "gossip", "processes": ["P1", "P2"],}"#;
    let (line, column, message) = syntax(text);
    assert_eq!((line, column), (1, text.rfind('}').unwrap() + 1));
    assert!(message.contains("trailing comma"), "{message}");

    let (line, column, message) = syntax(r#"{"name": "x"#);
    assert_eq!((line, column), (1, 11));
    assert!(message.contains("EOF while parsing a string"), "{message}");

    let (line, column, _) = syntax("");
    assert_eq!((line, column), (1, 0));

    // Well-formed JSON that is not a scenario is located too: at the end of the offending key or
    // value.
    let text = r#"{"name":"x","protocol":"gossip","processes":["a"],"colour":1}"#;
    let (line, column, message) = syntax(text);
    assert_eq!(
        (line, column),
        (1, text.find("colour").unwrap() + "colour".len() + 1)
    );
    assert!(message.starts_with("unknown field `colour`"), "{message}");
    assert!(
        !message.contains(" at line "),
        "the position is given once: {message}"
    );

    let text = "{\n\"name\":\"x\",\n\"protocol\":\"gossip\",\n\"processes\":[\"a\"],\n\"seed\": \"seven\"\n}";
    let (line, column, message) = syntax(text);
    assert_eq!((line, column), (5, "\"seed\": \"seven\"".len()));
    assert!(message.contains("expected u64"), "{message}");

    let text = "{\"name\":\"x\",\n\"protocol\":\"gossip\",\n\"processes\":[\"a\"],\n\"faults\":[\n{\"at\":3,\"action\":\"explode\",\"process\":\"a\"}]}";
    let (line, _, message) = syntax(text);
    assert_eq!(line, 5);
    assert!(message.contains("unknown variant `explode`"), "{message}");

    let text = "{\"name\":\"x\",\"protocol\":\"gossip\",\n\"processes\":[\"a\"],\n\"network\":{\"loss\":0.1,\"jitter\":3}}";
    let (line, _, message) = syntax(text);
    assert_eq!(line, 3);
    assert!(message.contains("unknown field `jitter`"), "{message}");

    let (_, _, message) = syntax(r#"{"name":"x","protocol":"gossip"}"#);
    assert!(message.contains("missing field `processes`"), "{message}");

    // The message a student reads.
    let err = Scenario::from_json("{\n  \"name\": \"x\",\n  \"protocol\": \n}").unwrap_err();
    assert_eq!(err.to_string(), "4:1: expected value");
}

/// A well-formed gossip scenario to break one field at a time.
fn base() -> Value {
    json!({
        "name": "gossip-test",
        "protocol": "gossip",
        "processes": ["P1", "P2", "P3"],
        "params": { "fanout": 2, "rumours": 2 },
        "seed": 4
    })
}

fn scripted_base() -> Value {
    json!({
        "name": "clocks-test",
        "protocol": "scripted",
        "processes": ["P1", "P2"],
        "params": { "script": [
            { "at": 10, "process": "P1", "send": "m", "to": "P2", "arrive": 20 }
        ] }
    })
}

/// The error from parsing and setting up `value`, which must be `Invalid`: (field, message).
fn invalid(value: &Value) -> (String, String) {
    let result = Scenario::from_json(&value.to_string()).and_then(|s| Run::new(&s).map(|_| ()));
    match result {
        Err(ScenarioError::Invalid { field, message }) => (field, message),
        other => panic!("expected an invalid field in {value}, got {other:?}"),
    }
}

fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    // Create the path as needed: `/network/loss` on a scenario without a network.
    let mut at = &mut value;
    for key in pointer.trim_start_matches('/').split('/') {
        at = match at {
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            other => {
                if other.is_null() {
                    *other = json!({});
                }
                other
                    .as_object_mut()
                    .unwrap()
                    .entry(key)
                    .or_insert(Value::Null)
            }
        };
    }
    *at = new;
    value
}

#[test]
fn invalid_fields_are_named() {
    assert!(Run::new(&Scenario::from_json(&base().to_string()).unwrap()).is_ok());
    assert!(Run::new(&Scenario::from_json(&scripted_base().to_string()).unwrap()).is_ok());
    let names = |n: usize| Value::from((1..=n).map(|i| format!("P{i}")).collect::<Vec<_>>());
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(base(), "/processes", json!([])),
            "processes",
            "at least one",
        ),
        (
            with(base(), "/processes", names(65)),
            "processes",
            "most is 64",
        ),
        (
            with(base(), "/processes", json!(["P1", "P1"])),
            "processes[1]",
            "used twice",
        ),
        (
            with(base(), "/processes", json!(["P1", " "])),
            "processes[1]",
            "needs a name",
        ),
        (
            with(base(), "/network/loss", json!(1.5)),
            "network.loss",
            "not a probability",
        ),
        (
            with(base(), "/network/duplicate", json!(-0.1)),
            "network.duplicate",
            "not a probability",
        ),
        (
            with(base(), "/network/latency", json!({"min": 30, "max": 10})),
            "network.latency",
            "min (30) is larger than max (10)",
        ),
        (
            with(
                base(),
                "/network/latency",
                json!({"min": 0, "max": 5_000_000}),
            ),
            "network.latency",
            "not supported",
        ),
        (
            with(base(), "/network/links", json!([{"between": ["P1", "P7"]}])),
            "network.links[0].between",
            "no process named \"P7\"",
        ),
        (
            with(
                base(),
                "/network/links",
                json!([{"between": ["P1", "P2"], "loss": 2}]),
            ),
            "network.links[0].loss",
            "not a probability",
        ),
        (
            with(
                base(),
                "/network/links",
                json!([{"between": [0, 1], "latency": {"min": 9, "max": 1}}]),
            ),
            "network.links[0].latency",
            "larger than max",
        ),
        (
            with(
                base(),
                "/faults",
                json!([{"at": 5, "action": "crash", "process": "P9"}]),
            ),
            "faults[0].process",
            "no process named \"P9\"; the processes are P1, P2, P3",
        ),
        (
            with(
                base(),
                "/faults",
                json!([{"at": 5, "action": "crash", "process": "P1"}, {"at": 9, "action": "recover", "process": 3}]),
            ),
            "faults[1].process",
            "no process 3",
        ),
        (
            with(
                base(),
                "/faults",
                json!([{"at": 5, "action": "cut", "between": ["P2", 1]}]),
            ),
            "faults[0].between",
            "two different processes",
        ),
        (
            with(
                base(),
                "/faults",
                json!([{"at": 5, "action": "drop", "message": 0}]),
            ),
            "faults[0]",
            "belongs in interventions",
        ),
        (
            with(
                base(),
                "/interventions",
                json!([{"step": 1, "action": "recover", "process": "Q"}]),
            ),
            "interventions[0].process",
            "no process named \"Q\"",
        ),
        (
            with(base(), "/limits", json!({"max_steps": 20_000_000})),
            "limits.max_steps",
            "too many",
        ),
        (
            with(base(), "/protocol", json!("gossipp")),
            "protocol",
            "no protocol \"gossipp\"",
        ),
        (
            with(base(), "/variant", json!("pull")),
            "variant",
            "no variant \"pull\"; its variants are push, flood",
        ),
        (
            with(base(), "/params", json!({"fanout": "three"})),
            "params",
            "invalid type",
        ),
        (
            with(base(), "/params", json!({"speed": 3})),
            "params",
            "unknown field `speed`",
        ),
        (
            with(base(), "/params", json!({"origin": 3})),
            "params.origin",
            "no process 3",
        ),
        (
            with(base(), "/params", json!({"fanout": 0})),
            "params.fanout",
            "never spread",
        ),
        (
            with(base(), "/params", json!({"rumours": 2_000_000})),
            "params.rumours",
            "at most",
        ),
        (
            with(scripted_base(), "/params", json!({"script": 3})),
            "params",
            "invalid type",
        ),
        (
            with(scripted_base(), "/params/script/0/process", json!("P3")),
            "params.script[0].process",
            "no process named \"P3\"",
        ),
        (
            with(scripted_base(), "/params/script/0/to", json!(5)),
            "params.script[0].to",
            "no process 5",
        ),
        (
            with(scripted_base(), "/params/script/0/arrive", json!(10)),
            "params.script[0].arrive",
            "must arrive after it is sent",
        ),
        (
            with(scripted_base(), "/params/script/0/local", json!("a")),
            "params.script[0]",
            "either a \"local\" event or a \"send\"",
        ),
        (
            with(
                with(scripted_base(), "/params/script/0/to", Value::Null),
                "/params/script/0/arrive",
                Value::Null,
            ),
            "params.script[0]",
            "needs \"to\"",
        ),
    ];
    for (value, field, words) in cases {
        let (got_field, message) = invalid(&value);
        assert_eq!(got_field, field, "in {value}: {message}");
        assert!(
            message.contains(words),
            "{field}: {message:?} should say {words:?}"
        );
    }
    // 64 processes is the most, and allowed.
    assert!(Run::new(
        &Scenario::from_json(&with(base(), "/processes", names(64)).to_string()).unwrap()
    )
    .is_ok());
    // The message a student reads.
    let err =
        Scenario::from_json(&with(base(), "/network/loss", json!(1.5)).to_string()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "network.loss: 1.5 is not a probability: give a number from 0 to 1"
    );
}

#[test]
fn bad_interventions_leave_a_run_unchanged() {
    let scenario = protocols::example("gossip-many-rumours").unwrap();
    let mut run = Run::complete(&scenario).unwrap();
    let before = json(run.trace());
    let bad = vec![
        Intervention {
            step: 3,
            action: Action::Crash {
                process: ProcessRef::Index(1),
            },
        },
        Intervention {
            step: 4,
            action: Action::Crash {
                process: ProcessRef::Name("P99".into()),
            },
        },
    ];
    let err = run.set_interventions(bad).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::Invalid { field, .. } if field == "interventions[1].process"),
        "{err:?}"
    );
    assert_eq!(json(run.trace()), before);
    assert!(run.scenario().interventions.is_empty());
}

#[test]
fn examples_round_trip_through_json() {
    for scenario in protocols::examples() {
        let text = scenario.to_json();
        assert_eq!(
            Scenario::from_json(&text).unwrap(),
            scenario,
            "{}",
            scenario.name
        );
        let compact = serde_json::to_string(&scenario).unwrap();
        assert_eq!(Scenario::from_json(&compact).unwrap(), scenario);
        // Names follow the convention: lowercase with dashes, starting with the lesson.
        assert!(
            scenario
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            scenario.name
        );
        // A protocol's examples carry its name or its lesson's, except the scripted diagrams of
        // the clocks lesson.
        let lesson = if scenario.protocol == "scripted" {
            "clocks-".to_string()
        } else {
            format!("{}-", scenario.protocol)
        };
        let own_lesson = spacetime_core::lessons::of_scenario(&scenario)
            .map(|l| format!("{}-", l.id))
            .unwrap_or_default();
        assert!(
            scenario.name.starts_with(&lesson)
                || (!own_lesson.is_empty() && scenario.name.starts_with(&own_lesson)),
            "{}",
            scenario.name
        );
        assert_eq!(protocols::example(&scenario.name).as_ref(), Some(&scenario));
    }
}

/// Every promised property of a run holds.
fn promises_kept(reports: &[PropertyReport]) -> Result<(), TestCaseError> {
    for r in reports {
        prop_assert!(!r.is_broken_promise(), "{} broken: {:?}", r.name, r.verdict);
    }
    Ok(())
}

fn report<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

#[test]
fn every_example_keeps_its_promises() {
    for scenario in protocols::examples() {
        let mut run = Run::new(&scenario).unwrap();
        let trace = run.run().clone();
        let reports = run.check(&trace);
        assert!(
            !reports.is_empty(),
            "{} declares no property",
            scenario.name
        );
        if scenario.name.contains("broken") {
            // A broken variant promises what the correct protocol does, and its example ships
            // the schedule that breaks the promise: that is the point of it.
            assert!(
                reports.iter().any(PropertyReport::is_broken_promise),
                "{} is meant to show a broken promise",
                scenario.name
            );
        } else {
            promises_kept(&reports).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
        }
        if scenario.protocol == "scripted" {
            assert!(report(&reports, "clock-condition").verdict.holds());
        }
    }
}

#[test]
fn gossip_promises_coverage_only_when_flooding() {
    let mut scenario = GossipSetup {
        n: 4,
        flood: false,
        fanout: 1,
        rumours: 3,
        interval: 30,
        loss: 0.0,
        duplicate: 0.0,
        latency: (10, 30),
        fifo: false,
        seed: 0,
        max_steps: 2_000,
    }
    .scenario();
    let push = Run::complete(&scenario).unwrap();
    let reports = push.check(push.trace());
    assert!(!report(&reports, "coverage").promised);
    assert!(report(&reports, "integrity").promised);
    scenario.variant = "flood".into();
    let flood = Run::complete(&scenario).unwrap();
    let reports = flood.check(flood.trace());
    assert!(report(&reports, "coverage").promised);
    assert!(report(&reports, "coverage").verdict.holds());
}

/// The checks are not vacuous: tampered traces fail them, naming the events to blame.
#[test]
fn properties_catch_tampered_traces() {
    let scenario = protocols::example("gossip-flood").unwrap();
    let run = Run::complete(&scenario).unwrap();
    let trace = run.trace().clone();

    let mut deaf = trace.clone();
    deaf.outputs.retain(|o| o.process != 2);
    match &report(&run.check(&deaf), "coverage").verdict {
        Verdict::Violated {
            explanation,
            events,
        } => {
            assert!(
                explanation.contains("P3 never heard rumour 0"),
                "{explanation}"
            );
            assert!(!events.is_empty());
        }
        Verdict::Holds => panic!("coverage holds though P3 heard nothing"),
    }

    let mut twice = trace.clone();
    let extra = twice
        .outputs
        .iter()
        .rfind(|o| o.process == 1)
        .unwrap()
        .clone();
    twice.outputs.push(extra.clone());
    match &report(&run.check(&twice), "integrity").verdict {
        Verdict::Violated {
            events,
            explanation,
        } => {
            assert_eq!(events, &vec![extra.event]);
            assert!(explanation.contains("twice"), "{explanation}");
        }
        Verdict::Holds => panic!("integrity holds though P2 heard a rumour twice"),
    }

    let clocks = run_example("clocks-three-events");
    let mut broken = clocks.clone();
    let receipt = broken
        .events
        .iter()
        .position(|e| e.kind == EventKind::Receive)
        .unwrap();
    broken.events[receipt].lamport = 1;
    let send = broken.messages[broken.events[receipt].message.unwrap()].send_event;
    // With L(receipt) = 1, two steps into the receipt fail to raise the clock: from P2's "c"
    // (L = 1) just before it on the lane, and from the send (L = 2). The check names the first.
    let previous = receipt - 1;
    assert_eq!(
        broken.events[previous].process,
        broken.events[receipt].process
    );
    assert!(broken.happens_before(previous, receipt) && broken.happens_before(send, receipt));
    match scripted::clock_condition(&broken) {
        Verdict::Violated { events, .. } => assert_eq!(events, vec![previous, receipt]),
        Verdict::Holds => panic!("the clock condition holds though L(receipt) = L(send)"),
    }
    assert!(scripted::clock_condition(&clocks).holds());
}

fn run_example(name: &str) -> spacetime_core::Trace {
    run(&protocols::example(name).unwrap())
}

/// (label, process, Lamport clock, vector clock) of every event, in trace order.
fn clocks_of(trace: &spacetime_core::Trace) -> Vec<(String, usize, u64, Vec<u32>)> {
    trace
        .events
        .iter()
        .map(|e| {
            let vector = trace.vector(e.id).to_vec();
            (e.label.to_string(), e.process, e.lamport, vector)
        })
        .collect()
}

/// The course's rule, applied by hand: l := l + 1 for an event that is not a receipt, and
/// l := max(l, carried) + 1 for a receipt.
#[test]
fn golden_clocks_of_three_events() {
    let trace = run_example("clocks-three-events");
    // P1: a at 10 (l = 1), sends m1 at 20 (l = 2, carried by m1).
    // P2: c at 30 (l = 1), receives m1 at 40: max(1, 2) + 1 = 3.
    let expected = vec![
        ("a".to_string(), 0, 1, vec![1, 0]),
        ("m1".to_string(), 0, 2, vec![2, 0]),
        ("c".to_string(), 1, 1, vec![0, 1]),
        ("m1".to_string(), 1, 3, vec![2, 2]),
    ];
    assert_eq!(clocks_of(&trace), expected);
    let kinds: Vec<EventKind> = trace.events.iter().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(kinds, vec![Local, Send, Local, Receive]);
    assert_eq!(
        trace.events.iter().map(|e| e.time).collect::<Vec<_>>(),
        vec![10, 20, 30, 40]
    );
    assert!(trace.happens_before(0, 3) && trace.happens_before(1, 3));
    assert!(trace.concurrent(0, 2) && trace.concurrent(1, 2));
    assert!(trace.happens_before(2, 3));
}

#[test]
fn golden_clocks_of_crossing_messages() {
    let trace = run_example("clocks-crossing-messages");
    // P1: a at 10 (1), sends m1 at 20 (2); P2: sends m2 at 25 (1).
    // m2 reaches P1 at 55: max(2, 1) + 1 = 3.  m1 reaches P2 at 60: max(1, 2) + 1 = 3.
    // Then e on P1 at 70 (4) and f on P2 at 70 (4).
    let expected = vec![
        ("a".to_string(), 0, 1, vec![1, 0]),
        ("m1".to_string(), 0, 2, vec![2, 0]),
        ("m2".to_string(), 1, 1, vec![0, 1]),
        ("m2".to_string(), 0, 3, vec![3, 1]),
        ("m1".to_string(), 1, 3, vec![2, 2]),
        ("e".to_string(), 0, 4, vec![4, 1]),
        ("f".to_string(), 1, 4, vec![2, 3]),
    ];
    assert_eq!(clocks_of(&trace), expected);
}

fn scripted_with_extremes() -> impl Strategy<Value = Value> {
    let big = prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(u64::MAX / 2),
        Just(u32::MAX as u64 + 1),
        0..1_000u64,
    ];
    let line = (big.clone(), big.clone(), 0..3usize, any::<bool>());
    (
        proptest::collection::vec(line, 0..6),
        big.clone(),
        0..1_000_001u64,
        big,
    )
        .prop_map(|(lines, max_time, latency, seed)| {
            let script: Vec<Value> = lines
                .into_iter()
                .map(|(at, arrive, to, send)| {
                    if send {
                        json!({"at": at, "process": 0, "send": "m", "to": to % 2, "arrive": arrive})
                    } else {
                        json!({"at": at, "process": to % 2, "local": "x"})
                    }
                })
                .collect();
            json!({
                "name": "clocks-extreme", "protocol": "scripted", "processes": ["A", "B"],
                "params": {"script": script},
                "network": {"latency": {"min": latency, "max": latency}},
                "limits": {"max_steps": 200, "max_time": max_time},
                "seed": seed,
            })
        })
}

fn gossip_with_extremes() -> impl Strategy<Value = Value> {
    let big = prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX / 2),
        Just(u32::MAX as u64),
        0..100u64,
    ];
    (
        big.clone(),
        0..5usize,
        0..6usize,
        proptest::collection::vec((big.clone(), 0..4usize, big.clone(), 0..3usize), 0..4),
        proptest::collection::vec((big.clone(), 0..2usize), 0..3),
        (0..1_000_001u64, 0..1_000_001u64),
    )
        .prop_map(|(interval, fanout, rumours, ivs, faults, (lo, hi))| {
            let actions = ["drop", "duplicate", "delay", "crash"];
            let interventions: Vec<Value> = ivs
                .into_iter()
                .map(|(step, kind, by, target)| match actions[kind] {
                    "crash" => json!({"step": step % 50, "action": "crash", "process": target}),
                    "delay" => {
                        json!({"step": step % 50, "action": "delay", "message": target, "by": by})
                    }
                    other => json!({"step": step % 50, "action": other, "message": by}),
                })
                .collect();
            let faults: Vec<Value> = faults
                .into_iter()
                .map(|(at, recover)| {
                    let action = if recover == 1 { "recover" } else { "crash" };
                    json!({"at": at, "action": action, "process": 1})
                })
                .collect();
            json!({
                "name": "gossip-extreme", "protocol": "gossip", "processes": ["A", "B", "C"],
                "params": {"fanout": fanout, "rumours": rumours, "interval": interval},
                "network": {"latency": {"min": lo.min(hi), "max": lo.max(hi)}, "duplicate": 0.3},
                "faults": faults, "interventions": interventions,
                "limits": {"max_steps": 300},
            })
        })
}

/// Parse, set up and run whatever the text says; errors are fine, panics are not.
fn try_everything(text: &str) {
    let Ok(mut scenario) = Scenario::from_json(text) else {
        return;
    };
    scenario.limits.max_steps = scenario.limits.max_steps.min(500);
    if let Ok(mut run) = Run::new(&scenario) {
        run.run();
        let trace = run.trace().clone();
        run.check(&trace);
        trace.prefix(trace.step_count() / 2);
        if let Some(m) = trace.messages.first() {
            let _ = run.set_interventions(vec![Intervention {
                step: 1,
                action: Action::Delay {
                    message: m.id,
                    by: u64::MAX,
                },
            }]);
            let _ = run.set_interventions(vec![Intervention {
                step: u64::MAX,
                action: Action::Drop {
                    message: usize::MAX,
                },
            }]);
            run.run();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Flooding on a network that loses nothing reaches everyone, exactly once each, whatever
    /// the seed, size, latencies, duplication and ordering.
    #[test]
    fn flood_covers_everyone_on_a_reliable_network(setup in gossip_setup(10, 5, 100_000)) {
        let mut setup = setup;
        setup.flood = true;
        setup.loss = 0.0;
        let run = Run::complete(&setup.scenario()).unwrap();
        let trace = run.trace();
        prop_assert!(run.is_finished());
        let reports = run.check(trace);
        prop_assert!(report(&reports, "coverage").verdict.holds(), "{:?}", report(&reports, "coverage"));
        prop_assert!(report(&reports, "integrity").verdict.holds());
        promises_kept(&reports)?;
        // Coverage means every process delivered every rumour.
        prop_assert_eq!(trace.outputs.len(), setup.n * setup.rumours);
    }

    /// Push gossip never delivers a rumour twice or one nobody started, whatever the network
    /// and whatever the learner drops, duplicates, delays, crashes or cuts.
    #[test]
    fn push_gossip_keeps_integrity(scenario in gossip_with_interventions(10, 5, 1_000, 4)) {
        let mut scenario = scenario;
        scenario.variant = "push".into();
        let run = Run::complete(&scenario).unwrap();
        let reports = run.check(run.trace());
        prop_assert!(report(&reports, "integrity").verdict.holds(), "{:?}", report(&reports, "integrity"));
        promises_kept(&reports)?;
    }

    /// Random scripts satisfy the clock condition.
    #[test]
    fn scripts_satisfy_the_clock_condition(scenario in scripted_scenario(5, 20)) {
        let run = Run::complete(&scenario).unwrap();
        promises_kept(&run.check(run.trace()))?;
        prop_assert!(scripted::clock_condition(run.trace()).holds());
    }

    /// Any scenario survives the trip to JSON and back.
    #[test]
    fn scenarios_round_trip(gossip in gossip_with_interventions(8, 5, 1_000, 4), script in scripted_scenario(5, 10)) {
        for scenario in [gossip, script] {
            let back = Scenario::from_json(&scenario.to_json()).unwrap();
            prop_assert_eq!(&back, &scenario);
            prop_assert_eq!(json(&run(&back)), json(&run(&scenario)));
        }
    }

    /// Extreme times, intervals and delays give errors or runs, never a panic.
    #[test]
    fn extreme_numbers_do_not_panic(scripted in scripted_with_extremes(), gossip in gossip_with_extremes()) {
        try_everything(&scripted.to_string());
        try_everything(&gossip.to_string());
    }

    /// Mangled example files give errors or runs, never a panic.
    #[test]
    fn mangled_files_do_not_panic(
        which in 0..64usize,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..4u8, "[-0-9\\[\\]{}\",:a-z .e]{0,4}"), 1..5),
    ) {
        let examples = protocols::examples();
        let mut text = examples[which % examples.len()].to_json();
        for (at, kind, piece) in edits {
            let i = at.index(text.len() + 1);
            let i = (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            match kind {
                0 => text.insert_str(i, &piece),
                1 => text.truncate(i),
                2 => {
                    let end = (i + piece.len() + 1).min(text.len());
                    if text.is_char_boundary(end) {
                        text.replace_range(i..end, &piece);
                    }
                }
                _ => text.insert_str(i, "18446744073709551615"),
            }
        }
        try_everything(&text);
    }
}

/// Gossip keeps what it heard on stable storage: a process that crashes and recovers between
/// two copies of a rumour still delivers it once, and integrity holds.
#[test]
fn recovery_remembers() {
    let mut scenario = GossipSetup {
        n: 4,
        flood: true,
        fanout: 1,
        rumours: 1,
        interval: 10,
        loss: 0.0,
        duplicate: 0.0,
        latency: (10, 10),
        fifo: false,
        seed: 0,
        max_steps: 1_000,
    }
    .scenario();
    let original = run(&scenario);
    // P2 hears rumour 0 at step 1 (from P1); crash and recover it before P3's and P4's copies
    // arrive.
    let heard_at = original
        .outputs
        .iter()
        .find(|o| o.process == 1)
        .map(|o| original.events[o.event].step)
        .unwrap();
    scenario.interventions = vec![
        Intervention {
            step: heard_at + 1,
            action: Action::Crash {
                process: ProcessRef::Index(1),
            },
        },
        Intervention {
            step: heard_at + 1,
            action: Action::Recover {
                process: ProcessRef::Index(1),
            },
        },
    ];
    let run = Run::complete(&scenario).unwrap();
    let p2_deliveries = run
        .trace()
        .outputs
        .iter()
        .filter(|o| o.process == 1)
        .count();
    let integrity = report(&run.check(run.trace()), "integrity").clone();
    assert_eq!(p2_deliveries, 1);
    assert!(integrity.verdict.holds(), "{integrity:?}");
    assert!(run
        .trace()
        .events
        .iter()
        .any(|e| e.process == 1 && e.kind == spacetime_core::EventKind::Recover));
}

/// A scenario's probabilities must survive JSON exactly, or a shared link can replay a different
/// run. serde_json parses floats exactly only with its `float_roundtrip` feature; about one random
/// f64 in ten comes back one ulp off without it.
#[test]
fn probabilities_round_trip_exactly() {
    let mut scenario = protocols::example("gossip-lossy-network").unwrap();
    let mut x: u64 = 12345;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        scenario.network.loss = (x >> 11) as f64 / (1u64 << 53) as f64;
        let back = Scenario::from_json(&scenario.to_json()).unwrap();
        assert_eq!(back.network.loss.to_bits(), scenario.network.loss.to_bits());
    }
}
