//! Two executions of one log side by side: each drawn exactly as its clocks say, and what differs
//! (events and arrows) marked as typed facts that the page reads to highlight them.

mod common;

use common::run;
use spacetime_core::lessons::clocks::scripted::{Difference, Note, DIFFERS};
use spacetime_core::log::{import_govector_with, Choice, GOVECTOR_REGEX};
use spacetime_core::Trace;

/// A ping and its pong; in the second execution bob logs its receipt differently, and carol
/// hears from bob instead of alice.
fn file() -> String {
    let first = r#"alice {"alice":1}
ping
bob {"alice":1, "bob":1}
got ping
bob {"alice":1, "bob":2}
pong
alice {"alice":2, "bob":2}
got pong
alice {"alice":3, "bob":2}
tell carol
carol {"alice":3, "bob":2, "carol":1}
told
"#;
    let second = r#"alice {"alice":1}
ping
bob {"alice":1, "bob":1}
received ping
bob {"alice":1, "bob":2}
pong
alice {"alice":2, "bob":2}
got pong
bob {"alice":1, "bob":3}
tell carol
carol {"alice":1, "bob":3, "carol":1}
told
"#;
    format!("{GOVECTOR_REGEX}\n=== run ===\n=== run ===\n{first}=== run ===\n{second}")
}

/// Execution `a` with execution `b` beside it.
fn beside(a: usize, b: usize) -> Choice {
    Choice {
        execution: a,
        compare: Some(b),
        ..Choice::default()
    }
}

/// Two names.
type Pair = (String, String);

/// The marks of a trace: (process name, why) of each marked event, and (from, to) names of each
/// marked arrow.
fn marks(trace: &Trace) -> (Vec<Pair>, Vec<Pair>) {
    let events = trace
        .outputs
        .iter()
        .filter(|o| o.kind == DIFFERS)
        .map(|o| {
            let why = o
                .fact::<Difference>()
                .expect("a typed difference")
                .0
                .clone();
            (trace.processes[o.process].clone(), why)
        })
        .collect();
    let arrows = trace
        .messages
        .iter()
        .filter(|m| m.content::<Note>().is_some_and(|n| n.marked))
        .map(|m| {
            (
                trace.processes[m.from].clone(),
                trace.processes[m.to].clone(),
            )
        })
        .collect();
    (events, arrows)
}

#[test]
fn two_executions_are_drawn_side_by_side_with_their_differences_marked() {
    let imported = import_govector_with("two", &file(), &beside(0, 1)).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    assert_eq!(imported.executions, 2);
    let trace = run(&imported.scenario);
    assert_eq!(
        trace.processes,
        ["alice #1", "bob #1", "carol #1", "alice #2", "bob #2", "carol #2"]
    );
    assert_eq!(trace.events.len(), 12);
    let (events, mut arrows) = marks(&trace);
    arrows.sort();
    // bob's first event differs in text (in both); alice's third event is only in the first,
    // bob's third only in the second.
    assert!(events.contains(&(
        "bob #1".into(),
        "execution 2 has \"received ping\" here".into()
    )));
    assert!(events.contains(&("bob #2".into(), "execution 1 has \"got ping\" here".into())));
    assert!(events.contains(&(
        "alice #1".into(),
        "alice's event 3 is only in execution 1".into()
    )));
    assert!(events.contains(&(
        "bob #2".into(),
        "bob's event 3 is only in execution 2".into()
    )));
    assert_eq!(events.len(), 4, "{events:?}");
    // carol heard from alice in the first, from bob in the second.
    assert_eq!(
        arrows,
        [
            ("alice #1".to_string(), "carol #1".to_string()),
            ("bob #2".to_string(), "carol #2".to_string())
        ]
    );
    // The arrows both share are not marked: the ping and the pong.
    assert_eq!(trace.messages.len(), 6);
    // Nothing crosses from one execution to the other.
    let half = |p: usize| p / 3;
    assert!(trace.messages.iter().all(|m| half(m.from) == half(m.to)));
}

#[test]
fn an_execution_compared_with_itself_has_no_differences() {
    let imported = import_govector_with("same", &file(), &beside(1, 1)).unwrap();
    let trace = run(&imported.scenario);
    assert_eq!(marks(&trace), (Vec::new(), Vec::new()));
    assert!(imported
        .scenario
        .description
        .contains("0 events and 0 arrows differ"));
}
