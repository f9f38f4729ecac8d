//! The learner's hand in the run. An intervention at step N leaves the first N steps exactly as
//! they were and forks what follows; the three ways of applying one (in the scenario from the
//! start, through `Run`, through `Simulation` with any checkpoint interval) give the same trace.

mod common;

use common::{gossip_setup, intervention, json, run, GossipSetup};
use proptest::prelude::*;
use spacetime_core::lessons::gossip::gossip::Gossip;
use spacetime_core::{
    Action, EventKind, Fate, Intervention, Message, ProcessRef, Protocol, Run, Scenario,
    Simulation, Trace,
};

/// A busy, reliable push-gossip run: 6 processes, 20 rumours.
fn busy() -> Scenario {
    GossipSetup {
        n: 6,
        flood: false,
        fanout: 2,
        rumours: 20,
        interval: 15,
        loss: 0.0,
        duplicate: 0.0,
        latency: (10, 30),
        fifo: false,
        seed: 3,
        max_steps: 5_000,
    }
    .scenario()
}

/// Flooding among 5: every link carries traffic.
fn flood() -> Scenario {
    let mut s = busy();
    s.variant = "flood".into();
    s.processes.truncate(5);
    s.params = serde_json::json!({ "rumours": 12, "interval": 20 });
    s
}

fn sim(scenario: &Scenario, checkpoint_every: u64) -> Simulation {
    let nodes = Gossip::build(scenario, &scenario.variant).unwrap();
    Simulation::new(scenario, nodes)
        .unwrap()
        .with_checkpoint_every(checkpoint_every)
}

/// The trace with `interventions`, made three ways, which must agree byte for byte: from
/// scratch, and by changing the interventions of a finished run through `Run` and through a
/// `Simulation` that keeps a checkpoint every few steps.
fn with_interventions(scenario: &Scenario, interventions: Vec<Intervention>) -> Trace {
    let mut changed = scenario.clone();
    changed.interventions = interventions.clone();
    let scratch = run(&changed);

    let mut through_run = Run::complete(scenario).unwrap();
    through_run
        .set_interventions(interventions.clone())
        .unwrap();
    through_run.run();
    assert_eq!(through_run.scenario().interventions, interventions);
    assert_eq!(json(through_run.trace()), json(&scratch), "through Run");

    for k in [1, 7, 1024] {
        let mut s = sim(scenario, k);
        s.run();
        s.set_interventions(&interventions).unwrap();
        s.run();
        assert_eq!(
            json(s.trace()),
            json(&scratch),
            "through Simulation, checkpoints every {k}"
        );
    }
    scratch
}

/// Messages that are on their way just before step `n` runs.
fn in_flight_at(trace: &Trace, n: u64) -> impl Iterator<Item = &Message> {
    trace
        .messages
        .iter()
        .filter(move |m| m.created_step < n && m.settled_step.is_some_and(|s| s >= n))
}

fn assert_same_prefix(original: &Trace, changed: &Trace, n: u64) {
    assert_eq!(
        json(&original.prefix(n)),
        json(&changed.prefix(n)),
        "the first {n} steps changed"
    );
    assert_eq!(&original.steps[..n as usize], &changed.steps[..n as usize]);
}

fn iv(step: u64, action: Action) -> Intervention {
    Intervention { step, action }
}

fn p(i: usize) -> ProcessRef {
    ProcessRef::Index(i)
}

#[test]
fn dropping_a_message_forks_the_future_and_keeps_the_past() {
    let scenario = busy();
    let original = run(&scenario);
    let steps = original.step_count();
    assert!(
        steps > 200,
        "the run is too short to test with: {steps} steps"
    );
    for n in [1, 2, steps / 5, steps / 2, steps - 3] {
        let m = in_flight_at(&original, n)
            .find(|m| m.fate == Fate::Delivered)
            .unwrap_or_else(|| panic!("nothing in flight at step {n}"))
            .clone();
        let changed = with_interventions(&scenario, vec![iv(n, Action::Drop { message: m.id })]);
        assert_same_prefix(&original, &changed, n);
        let dropped = &changed.messages[m.id];
        assert_eq!(dropped.fate, Fate::DroppedByLearner);
        assert_eq!(dropped.receive_event, None);
        assert_eq!(dropped.settled_step, Some(n));
        assert!(
            !changed
                .events
                .iter()
                .any(|e| e.message == Some(m.id) && e.kind == EventKind::Receive),
            "message {} was dropped yet received",
            m.id
        );
        assert!(changed.narration(n as usize).contains("drop"));
        assert!(changed.warnings.is_empty(), "{:?}", changed.warnings);
        assert_ne!(json(&changed), json(&original), "the drop changed nothing");
    }
}

#[test]
fn crash_silences_a_process_until_it_recovers() {
    let scenario = busy();
    let original = run(&scenario);
    let steps = original.step_count();
    let mut lost = 0;
    // Processes that still act after step n; P1 is the origin, whose rumour timer must die with it.
    for (n, victim) in [(5, 1), (steps / 4, 2), (steps / 2, 5), (steps / 3, 0)] {
        assert!(original.lane(victim).any(|e| e.step > n));
        let changed =
            with_interventions(&scenario, vec![iv(n, Action::Crash { process: p(victim) })]);
        assert_same_prefix(&original, &changed, n);
        let lane: Vec<_> = changed.lane(victim).collect();
        let crash = lane.last().expect("the crash is on the lane");
        assert_eq!(
            crash.kind,
            EventKind::Crash,
            "nothing may follow the crash on the lane"
        );
        assert_eq!(crash.step, n);
        assert_eq!(
            lane.iter().filter(|e| e.kind == EventKind::Crash).count(),
            1
        );
        for m in changed.messages.iter().filter(|m| m.to == victim) {
            if m.settled_step.is_some_and(|s| s >= n) {
                assert_eq!(
                    m.fate,
                    Fate::LostToCrash,
                    "message {} reached a crashed process",
                    m.id
                );
                assert_eq!(m.receive_event, None);
                lost += 1;
            }
        }
        assert!(!changed
            .outputs
            .iter()
            .any(|o| o.process == victim && changed.events[o.event].step >= n));
    }
    assert!(lost > 0, "no message ever arrived at a crashed process");
}

#[test]
fn recovery_resumes_the_lane() {
    let scenario = busy();
    let original = run(&scenario);
    let steps = original.step_count();
    let (crash_at, recover_at, victim) = (steps / 5, steps / 3, 3);
    let changed = with_interventions(
        &scenario,
        vec![
            iv(
                recover_at,
                Action::Recover {
                    process: ProcessRef::Name("P4".into()),
                },
            ),
            iv(
                crash_at,
                Action::Crash {
                    process: ProcessRef::Name("P4".into()),
                },
            ),
        ],
    );
    assert_same_prefix(&original, &changed, crash_at);
    let lane: Vec<_> = changed.lane(victim).collect();
    let c = lane
        .iter()
        .position(|e| e.kind == EventKind::Crash)
        .expect("a crash");
    assert_eq!(lane[c].step, crash_at);
    assert_eq!(
        lane[c + 1].kind,
        EventKind::Recover,
        "an event between crash and recovery"
    );
    assert_eq!(lane[c + 1].step, recover_at);
    assert!(
        lane.len() > c + 2,
        "nothing happens on the lane after the recovery"
    );
    assert!(lane[c + 2..].iter().any(|e| e.kind == EventKind::Receive));
    let (mut lost, mut delivered_after) = (0, 0);
    for m in changed.messages.iter().filter(|m| m.to == victim) {
        match m.settled_step {
            Some(s) if (crash_at..recover_at).contains(&s) => {
                assert_eq!(m.fate, Fate::LostToCrash, "message {}", m.id);
                lost += 1;
            }
            Some(s) if s >= recover_at => {
                assert_eq!(m.fate, Fate::Delivered, "message {}", m.id);
                delivered_after += 1;
            }
            _ => {}
        }
    }
    assert!(
        lost > 0 && delivered_after > 0,
        "lost {lost}, delivered after {delivered_after}"
    );
    // The process forgot what it had heard, so it hears rumours again after recovering.
    let recovered_outputs = changed
        .outputs
        .iter()
        .filter(|o| o.process == victim && changed.events[o.event].step > recover_at)
        .count();
    assert!(recovered_outputs > 0);
}

#[test]
fn a_cut_link_carries_nothing_until_healed() {
    let scenario = flood();
    let original = run(&scenario);
    let steps = original.step_count();
    let (cut_at, heal_at) = (steps / 4, steps / 2);
    let between = [ProcessRef::Name("P2".into()), ProcessRef::Name("P5".into())];
    let changed = with_interventions(
        &scenario,
        vec![
            iv(
                cut_at,
                Action::Cut {
                    between: between.clone(),
                },
            ),
            iv(
                heal_at,
                Action::Heal {
                    between: [p(4), p(1)],
                },
            ),
        ],
    );
    assert_same_prefix(&original, &changed, cut_at);
    assert_eq!(changed.cut_links_at(cut_at), Vec::<[usize; 2]>::new());
    assert_eq!(changed.cut_links_at(cut_at + 1), vec![[1, 4]]);
    assert_eq!(changed.cut_links_at(heal_at + 1), Vec::<[usize; 2]>::new());
    let on_link = |m: &&Message| (m.from.min(m.to), m.from.max(m.to)) == (1, 4);
    let (mut died, mut after) = (0, 0);
    for m in changed.messages.iter().filter(on_link) {
        let sent_while_cut = (cut_at..heal_at).contains(&m.created_step);
        let arrived_while_cut = m
            .settled_step
            .is_some_and(|s| (cut_at..heal_at).contains(&s));
        if sent_while_cut || arrived_while_cut {
            assert_eq!(
                m.fate,
                Fate::DroppedByNetwork,
                "message {} crossed a cut link",
                m.id
            );
            died += 1;
        } else if m.created_step >= heal_at {
            assert_eq!(m.fate, Fate::Delivered, "message {} after the heal", m.id);
            after += 1;
        }
    }
    assert!(died > 0 && after > 0, "died {died}, after {after}");
    // Other links are not affected: flooding on a reliable network delivers everything else.
    assert!(changed
        .messages
        .iter()
        .filter(|m| !on_link(m))
        .all(|m| m.fate == Fate::Delivered));
}

#[test]
fn duplicating_a_message_delivers_it_twice() {
    let scenario = busy();
    let original = run(&scenario);
    let n = original.step_count() / 3;
    let m = in_flight_at(&original, n).next().unwrap().clone();
    let changed = with_interventions(&scenario, vec![iv(n, Action::Duplicate { message: m.id })]);
    assert_same_prefix(&original, &changed, n);
    let copies: Vec<&Message> = changed
        .messages
        .iter()
        .filter(|c| c.duplicate_of == Some(m.id))
        .collect();
    assert_eq!(copies.len(), 1);
    let copy = copies[0];
    assert_eq!(
        (copy.from, copy.to, copy.send_event),
        (m.from, m.to, m.send_event)
    );
    assert_eq!(copy.created_step, n);
    assert_eq!(changed.messages[m.id].fate, Fate::Delivered);
    assert_eq!(copy.fate, Fate::Delivered);
    let receipt = &changed.events[copy.receive_event.unwrap()];
    assert_eq!(
        (receipt.kind, receipt.message, receipt.process),
        (EventKind::Receive, Some(copy.id), m.to)
    );
    // The sender sent once: one send event, two receipts.
    assert_eq!(
        changed
            .events
            .iter()
            .filter(|e| e.message == Some(m.id))
            .count(),
        2
    );
}

#[test]
fn delaying_a_message_makes_it_arrive_later() {
    let scenario = busy();
    let original = run(&scenario);
    let n = original.step_count() / 2;
    let m = in_flight_at(&original, n)
        .find(|m| m.fate == Fate::Delivered)
        .unwrap()
        .clone();
    let changed = with_interventions(
        &scenario,
        vec![iv(
            n,
            Action::Delay {
                message: m.id,
                by: 500,
            },
        )],
    );
    let delayed = &changed.messages[m.id];
    assert_eq!(delayed.arrives_at, m.arrives_at + 500);
    assert_eq!(delayed.fate, Fate::Delivered);
    assert_eq!(delayed.settled_at, Some(m.arrives_at + 500));
    assert_eq!(
        changed.events[delayed.receive_event.unwrap()].time,
        m.arrives_at + 500
    );
    // The past is the same, except that the record of the delayed message already shows its new
    // arrival time (a trace keeps one arrival per message).
    let mut past = changed.prefix(n);
    past.messages[m.id].arrives_at = m.arrives_at;
    assert_eq!(json(&past), json(&original.prefix(n)));
}

/// An intervention that cannot apply is skipped with a warning, and changes nothing else.
#[test]
fn impossible_interventions_warn_and_change_nothing() {
    let scenario = busy();
    let original = run(&scenario);
    let n = original.step_count() / 2;
    let delivered = original
        .messages
        .iter()
        .find(|m| m.settled_step.is_some_and(|s| s < n))
        .unwrap()
        .id;
    let cases = [
        (Action::Drop { message: delivered }, "not in flight"),
        (Action::Duplicate { message: delivered }, "not in flight"),
        (
            Action::Delay {
                message: delivered,
                by: 5,
            },
            "not in flight",
        ),
        (Action::Drop { message: 1_000_000 }, "no message 1000000"),
        (
            Action::Duplicate {
                message: usize::MAX,
            },
            "no message",
        ),
        (Action::Recover { process: p(2) }, "already up"),
        (
            Action::Heal {
                between: [p(0), p(1)],
            },
            "not cut",
        ),
    ];
    for (action, why) in cases {
        let changed = with_interventions(&scenario, vec![iv(n, action.clone())]);
        assert_eq!(changed.warnings.len(), 1, "{action:?}");
        assert!(
            changed.warnings[0].contains(why),
            "{action:?}: {:?}",
            changed.warnings
        );
        let mut without = changed.clone();
        without.warnings.clear();
        assert_eq!(
            json(&without),
            json(&original),
            "{action:?} changed the run"
        );
    }
    // Crashing a process twice: the second crash warns.
    let twice = with_interventions(
        &scenario,
        vec![
            iv(n, Action::Crash { process: p(1) }),
            iv(n + 3, Action::Crash { process: p(1) }),
        ],
    );
    assert_eq!(twice.warnings.len(), 1);
    assert!(twice.warnings[0].contains("already down"));
    // An intervention past the end of the run does not panic either.
    with_interventions(&scenario, vec![iv(10 * n, Action::Drop { message: 3 })]);
}

#[test]
fn duplicating_a_message_the_network_is_losing_warns() {
    let mut scenario = busy();
    scenario.network.loss = 0.5;
    let original = run(&scenario);
    let (n, m) = (1..original.step_count())
        .find_map(|n| {
            in_flight_at(&original, n)
                .find(|m| m.fate == Fate::DroppedByNetwork)
                .map(|m| (n, m.id))
        })
        .unwrap();
    let changed = with_interventions(&scenario, vec![iv(n, Action::Duplicate { message: m })]);
    assert_eq!(changed.warnings.len(), 1, "{:?}", changed.warnings);
    // Dropping it still works: the learner beat the network to it.
    let dropped = with_interventions(&scenario, vec![iv(n, Action::Drop { message: m })]);
    assert_eq!(dropped.messages[m].fate, Fate::DroppedByLearner);
    assert_same_prefix(&original, &dropped, n);
}

#[test]
fn interventions_in_the_scenario_file_round_trip() {
    let mut scenario = busy();
    scenario.interventions = vec![
        iv(40, Action::Drop { message: 7 }),
        iv(
            50,
            Action::Crash {
                process: ProcessRef::Name("P3".into()),
            },
        ),
        iv(90, Action::Recover { process: p(2) }),
        iv(
            60,
            Action::Delay {
                message: 30,
                by: 15,
            },
        ),
    ];
    let reparsed = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(reparsed, scenario);
    assert_eq!(json(&run(&reparsed)), json(&run(&scenario)));
}

/// Regression: an intervention added at a step the run has already passed must rewind it, even
/// when no intervention was applied before (it used to be taken as one still to come).
#[test]
fn a_new_intervention_in_the_past_rewinds() {
    let scenario = busy();
    let mut live = sim(&scenario, 64);
    live.run();
    let before = json(live.trace());
    live.set_interventions(&[iv(100, Action::Crash { process: p(1) })])
        .unwrap();
    assert_ne!(
        json(live.trace()),
        before,
        "the crash in the past was not applied"
    );
    assert!(live
        .trace()
        .lane(1)
        .any(|e| e.kind == EventKind::Crash && e.step == 100));
}

/// Regression: once a run is finished, running it again changes nothing, even when stale timers
/// were the last thing in the queue and interventions were still to come.
#[test]
fn running_a_finished_run_again_changes_nothing() {
    let mut scenario = GossipSetup {
        n: 2,
        flood: false,
        fanout: 2,
        rumours: 3,
        interval: 44,
        loss: 0.6,
        duplicate: 0.0,
        latency: (2, 31),
        fifo: true,
        seed: 7843311585629785224,
        max_steps: 400,
    }
    .scenario();
    // The origin crashes with its next-rumour timer pending; the drop comes after everything.
    scenario.interventions = vec![
        iv(1, Action::Crash { process: p(0) }),
        iv(3, Action::Drop { message: 0 }),
    ];
    let mut once = sim(&scenario, 1);
    once.run();
    let first = json(once.trace());
    assert!(once.is_finished());
    once.run();
    assert!(!once.step());
    assert_eq!(json(once.trace()), first);
    assert_eq!(
        once.trace().warnings.len(),
        1,
        "the late drop is tried, and warns"
    );
}

/// A change of intervention list, made on a simulation that stands at some step.
#[derive(Clone, Debug)]
struct Change {
    interventions: Vec<Intervention>,
    /// Then move the cursor forward by `1 + d` steps, or to the end if `None`.
    then_forward: Option<u64>,
}

fn change(n: usize, max_step: u64) -> impl Strategy<Value = Change> {
    (
        proptest::collection::vec(intervention(n, max_step, 120), 0..4),
        prop_oneof![Just(None), (0..max_step / 2).prop_map(Some)],
    )
        .prop_map(|(interventions, then_forward)| Change {
            interventions,
            then_forward,
        })
}

fn incremental_case() -> impl Strategy<Value = (GossipSetup, u64, Option<u64>, Vec<Change>)> {
    gossip_setup(7, 6, 400).prop_flat_map(|setup| {
        let n = setup.n;
        (
            Just(setup),
            1..50u64,
            prop_oneof![Just(None), (0..300u64).prop_map(Some)],
            proptest::collection::vec(change(n, 300), 1..5),
        )
    })
}

/// The same scenario with `interventions`, run from scratch to `steps` steps (to its end if
/// `None`).
fn scratch(scenario: &Scenario, interventions: &[Intervention], steps: Option<u64>) -> String {
    let mut s = scenario.clone();
    s.interventions = interventions.to_vec();
    let mut fresh = sim(&s, 1024);
    match steps {
        Some(c) => fresh.run_to_step(c),
        None => {
            fresh.run();
        }
    }
    json(fresh.trace())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Changing interventions on a live simulation (which rewinds to a checkpoint and replays)
    /// is indistinguishable from running from scratch with the new interventions, whatever the
    /// checkpoint interval, the cursor, and the order of changes; and removing them all gives the
    /// original run back.
    #[test]
    fn incremental_interventions_equal_a_fresh_run(
        (setup, k, cursor, changes) in incremental_case()
    ) {
        let scenario = setup.scenario();
        let mut live = sim(&scenario, k);
        match cursor {
            Some(c) => live.run_to_step(c),
            None => { live.run(); }
        }
        prop_assert_eq!(json(live.trace()), scratch(&scenario, &[], cursor), "before any change");
        // Whether the live run has been driven to its end: then the interventions that fall after
        // its last step have been tried there, which a fresh run to the same step has not done.
        let mut at_end = cursor.is_none_or(|c| live.steps_taken() < c);

        let last = Change { interventions: Vec::new(), then_forward: None };
        for change in changes.iter().chain(std::iter::once(&last)) {
            let at = live.steps_taken();
            live.set_interventions(&change.interventions).unwrap();
            // Replayed to where it was (or to its end, if that now comes first).
            prop_assert!(live.steps_taken() <= at);
            if !at_end {
                prop_assert_eq!(
                    json(live.trace()),
                    scratch(&scenario, &change.interventions, Some(at)),
                    "right after setting {:?} at step {}",
                    &change.interventions,
                    at
                );
            }
            let goal = change.then_forward.map(|d| live.steps_taken() + 1 + d);
            match goal {
                Some(goal) => live.run_to_step(goal),
                None => { live.run(); }
            }
            at_end = goal.is_none_or(|g| live.steps_taken() < g);
            prop_assert_eq!(
                json(live.trace()),
                scratch(&scenario, &change.interventions, goal),
                "after moving on to {:?} with {:?}",
                goal,
                &change.interventions
            );
        }
        let mut whole = sim(&scenario, 1024);
        whole.run();
        prop_assert_eq!(json(live.trace()), json(whole.trace()), "removing every intervention");
    }
}

/// Timers are part of the record: each span starts where a process set it and ends where it
/// fired, was cancelled, set again or lost in a crash, and a rewind re-opens what it undid.
#[test]
fn timer_spans_follow_the_run_and_its_rewinds() {
    use spacetime_core::TimerEnd;
    // TCP's retransmission timer: set with every segment, reset, cancelled and fired.
    let scenario = spacetime_core::protocols::example("tcp-lost-segment").unwrap();
    let plain = run(&scenario);
    assert!(plain
        .timers
        .iter()
        .any(|t| t.stopped.is_some_and(|s| s.how == TimerEnd::Fired)));
    // A timer that only paces a script is not recorded.
    assert!(run(&busy()).timers.is_empty());
    for span in &plain.timers {
        assert!(span.due >= span.set_at);
        let stop = span
            .stopped
            .expect("a finished run leaves no timer running");
        if stop.how == TimerEnd::Fired {
            assert_eq!(stop.at, span.due, "{span:?}");
            assert_eq!(plain.steps[stop.step as usize].process, Some(span.process));
        }
    }
    // A prefix has exactly the spans set so far, running where the whole run says they run.
    for cut in [1, 10, 40, plain.step_count() / 2] {
        let prefix = plain.prefix(cut);
        let expected: Vec<_> = plain.timers.iter().filter(|t| t.set_step < cut).collect();
        assert_eq!(prefix.timers.len(), expected.len());
        for (p, t) in prefix.timers.iter().zip(expected) {
            assert_eq!(p.stopped.is_none(), t.running_at(cut), "{t:?} at {cut}");
        }
    }
    // Crash the client while its timer runs: the span ends there, as a crash.
    let running = plain
        .timers
        .iter()
        .find(|t| {
            t.process == 0 && t.set_step > 0 && t.stopped.is_some_and(|s| s.step > t.set_step + 1)
        })
        .expect("the client sets a timer that runs for a while");
    let at = running.set_step + 1;
    let crashed = run(&Scenario {
        interventions: crashed_interventions(at),
        ..scenario.clone()
    });
    let span = crashed
        .timers
        .iter()
        .find(|t| t.process == 0 && t.set_step == running.set_step)
        .unwrap();
    assert_eq!(
        span.stopped.map(|s| (s.how, s.step)),
        Some((TimerEnd::Crashed, at))
    );
    // The same crash applied to a finished run (rewind and replay) gives the same record.
    let mut replayed = Run::complete(&scenario).unwrap();
    replayed
        .set_interventions(crashed_interventions(at))
        .unwrap();
    replayed.run();
    assert_eq!(json(replayed.trace()), json(&crashed));
}

fn crashed_interventions(at: u64) -> Vec<Intervention> {
    vec![Intervention {
        step: at,
        action: Action::Crash {
            process: ProcessRef::Index(0),
        },
    }]
}
