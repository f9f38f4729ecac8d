//! The size a run may reach: a run that grows past [`MAX_EVENTS`] (or a smaller cap given for
//! the test) stops there with a typed error, never a panic, the same way every time; a rewind
//! to before the crossing makes it a run again.

use spacetime_core::protocols::example;
use spacetime_core::words::thousands;
use spacetime_core::{
    Action, Intervention, Run, Scenario, ScenarioError, TooManyEvents, MAX_EVENTS,
};

/// A busy gossip of sixteen processes (about 2,250 events).
fn busy() -> Scenario {
    example("gossip-busy-sixteen").unwrap()
}

#[test]
fn a_run_past_the_cap_stops_at_the_step_that_crosses_it() {
    let full = Run::complete(&busy()).unwrap();
    let events = full.trace().events.len();
    assert!(events > 1000, "{events}");

    let mut run = Run::new(&busy()).unwrap().with_max_events(1000);
    let error = run.finish().unwrap_err();
    let TooManyEvents {
        events: made,
        step,
        max_steps,
        limit,
    } = error;
    assert_eq!(limit, 1000);
    assert_eq!(max_steps, busy().limits.max_steps);
    // One step past the line, and no further: what it made is the full run's first steps.
    let trace = run.trace();
    assert_eq!(trace.events.len(), made);
    assert!(made > 1000 && trace.events[..made - 1].iter().all(|e| e.step < step));
    assert_eq!(trace.events[made - 1].step, step - 1);
    assert_eq!(trace.steps.len() as u64, step);
    assert_eq!(trace.events[..], full.trace().events[..made]);
    assert!(run.is_finished());
    assert!(!run.step(), "a stopped run takes no more steps");
    assert_eq!(run.too_big(), Some(error));
    // Deterministic: the same place every time.
    let mut again = Run::new(&busy()).unwrap().with_max_events(1000);
    assert_eq!(again.finish().unwrap_err(), error);

    // As a scenario error, it names the field to change and says what holds.
    let message = ScenarioError::from(error).to_string();
    assert_eq!(
        message,
        format!(
            "limits.max_steps: this run passes {} events at step {} (of the 2,000 it may take), \
             and the page holds at most 1,000 events: ask for fewer steps, fewer processes or \
             less traffic",
            thousands(made as u64),
            thousands(step)
        )
    );
}

#[test]
fn a_run_that_exactly_fills_the_cap_is_a_run() {
    let full = Run::complete(&busy()).unwrap();
    let events = full.trace().events.len();
    let mut run = Run::new(&busy()).unwrap().with_max_events(events);
    assert_eq!(run.finish().unwrap(), full.trace());
    assert_eq!(run.too_big(), None);
}

#[test]
fn a_cap_above_the_page_limit_is_the_page_limit() {
    let mut big = busy();
    big.processes = (1..=64).map(|i| format!("P{i}")).collect();
    big.params["fanout"] = 4.into();
    big.params["rumours"] = 2000.into();
    big.limits.max_steps = 300_000;
    let error = Run::new(&big)
        .unwrap()
        .with_max_events(usize::MAX)
        .finish()
        .map(|_| ())
        .unwrap_err();
    assert_eq!(error.limit, MAX_EVENTS);
    assert_eq!(error.events, MAX_EVENTS + 1);
    // Run::complete, what the page and the CLI call, refuses it as a scenario error.
    let Err(ScenarioError::Invalid { field, message }) = Run::complete(&big).map(|_| ()) else {
        panic!("a run past MAX_EVENTS is refused");
    };
    assert_eq!(field, "limits.max_steps");
    assert!(
        message.contains(&format!("at most {} events", thousands(MAX_EVENTS as u64))),
        "{message}"
    );
}

#[test]
fn interventions_that_cross_the_cap_and_back() {
    let full = Run::complete(&busy()).unwrap();
    let events = full.trace().events.len();
    let mut run = Run::new(&busy()).unwrap().with_max_events(events);
    run.finish().unwrap();
    // A message delivered twice: one receipt more than the cap allows.
    let m = full
        .trace()
        .messages
        .iter()
        .find(|m| m.settled_step.is_some_and(|s| s > m.created_step + 1))
        .unwrap();
    let duplicate = vec![Intervention {
        step: m.created_step + 1,
        action: Action::Duplicate { message: m.id },
    }];
    run.set_interventions(duplicate).unwrap();
    let error = run.finish().unwrap_err();
    assert_eq!(error.limit, events);
    // Taken back, the run is the run it was.
    run.set_interventions(Vec::new()).unwrap();
    assert_eq!(run.too_big(), None);
    assert_eq!(run.finish().unwrap(), full.trace());
}
