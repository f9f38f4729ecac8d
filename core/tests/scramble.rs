//! Display texts are for people: with every label, payload text, output value, local-event label,
//! state summary and field value scrambled, a run is the same run, and its typed facts are the
//! same facts. (What reads meaning from display texts shows up here as a difference.)

use spacetime_core::protocols;
use spacetime_core::testing::{scramble, scrambled};
use spacetime_core::{EventKind, Run, Scenario, Trace};

fn run(scenario: &Scenario) -> Run {
    Run::complete(scenario).expect("a built-in example runs")
}

/// The run, plain and scrambled.
fn both(scenario: &Scenario) -> (Run, Run) {
    let plain = run(scenario);
    let scrambled = scrambled(|| run(scenario));
    (plain, scrambled)
}

/// Whether a text was written through the scrambler: `text` scrambled (or empty in both).
fn is_scrambled(plain: &str, shown: &str) -> bool {
    (plain.is_empty() && shown.is_empty()) || shown == scramble(plain)
}

fn assert_scrambled(name: &str, plain: &Trace, shown: &Trace) {
    assert_eq!(plain.events.len(), shown.events.len(), "{name}: events");
    assert_eq!(
        plain.messages.len(),
        shown.messages.len(),
        "{name}: messages"
    );
    assert_eq!(plain.outputs.len(), shown.outputs.len(), "{name}: outputs");
    assert_eq!(plain.step_count(), shown.step_count(), "{name}: steps");
    for (a, b) in plain.messages.iter().zip(&shown.messages) {
        assert_eq!((a.from, a.to, a.fate), (b.from, b.to, b.fate), "{name}");
        assert!(is_scrambled(&a.label, &b.label), "{name}: {:?}", b.label);
        assert!(
            is_scrambled(&a.payload, &b.payload),
            "{name}: {:?}",
            b.payload
        );
        assert!(a.label.is_empty() || a.label != b.label, "{name}");
        // The typed message is the same either way.
        let (x, y) = (a.content.content().unwrap(), b.content.content().unwrap());
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "{name}");
    }
    for (a, b) in plain.events.iter().zip(&shown.events) {
        assert_eq!((a.kind, a.lamport), (b.kind, b.lamport), "{name}");
        assert!(is_scrambled(&a.state, &b.state), "{name}: {:?}", b.state);
        assert_eq!(a.fields.len(), b.fields.len(), "{name}");
        for (f, g) in a.fields.iter().zip(b.fields.iter()) {
            assert_eq!(f.name, g.name, "{name}");
            assert!(is_scrambled(&f.value, &g.value), "{name}");
        }
        match a.kind {
            EventKind::Send | EventKind::Receive | EventKind::Local => {
                // An event made only to carry an output is labelled with its kind and value.
                let carries_output = || {
                    shown
                        .outputs
                        .iter()
                        .any(|o| o.event == b.id && *b.label == format!("{} {}", o.kind, o.value))
                };
                assert!(
                    is_scrambled(&a.label, &b.label) || carries_output(),
                    "{name}: {:?}",
                    b.label
                );
            }
            _ => assert_eq!(a.label, b.label, "{name}: the engine's own labels stay"),
        }
    }
    for (a, b) in plain.outputs.iter().zip(&shown.outputs) {
        assert_eq!(
            (a.process, a.event, &a.kind),
            (b.process, b.event, &b.kind),
            "{name}"
        );
        assert!(is_scrambled(&a.value, &b.value), "{name}: {:?}", b.value);
        assert_eq!(a.fact.is_some(), b.fact.is_some(), "{name}");
    }
}

#[test]
fn scrambling_changes_every_display_text_and_nothing_else() {
    let mut labels = 0;
    for scenario in protocols::examples() {
        let (plain, shown) = both(&scenario);
        assert_scrambled(&scenario.name, plain.trace(), shown.trace());
        labels += plain.trace().messages.len();
    }
    assert!(labels > 0);
    // Off again after: a run made now is plain.
    let scenario = protocols::example("clocks-three-events").unwrap();
    let trace = run(&scenario).trace().clone();
    assert!(trace.messages.iter().all(|m| !m.label.starts_with('«')));
}

/// Each example's property verdicts, plain and scrambled: `(example, property, plain, scrambled)`
/// for those that differ.
fn verdicts_that_differ() -> Vec<(String, String, bool, bool)> {
    let mut differ = Vec::new();
    for scenario in protocols::examples() {
        let (plain, shown) = both(&scenario);
        let a = plain.check(plain.trace());
        let b = shown.check(shown.trace());
        for (a, b) in a.iter().zip(&b) {
            if a.verdict.holds() != b.verdict.holds() {
                differ.push((
                    scenario.name.clone(),
                    a.name.clone(),
                    a.verdict.holds(),
                    b.verdict.holds(),
                ));
            }
        }
    }
    differ
}

/// Properties read typed facts, not labels: on every built-in example, scrambling every display
/// text changes no verdict.
#[test]
fn scrambling_changes_no_property_verdict() {
    let differ = verdicts_that_differ();
    assert!(
        differ.is_empty(),
        "{} verdicts differ:\n{}",
        differ.len(),
        differ
            .iter()
            .map(|(s, p, a, b)| format!("  {s}: {p}: holds {a} plain, {b} scrambled"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
