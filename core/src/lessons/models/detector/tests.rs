use super::*;
use crate::process::{seeded_rng, Context, Effect, Process};

fn nodes(variant: &str, timing: Timing, params: DetectorParams) -> Vec<DetectorNode> {
    let mut s = examples::all().remove(0);
    s.network.timing = timing;
    s.params = serde_json::to_value(params).unwrap();
    Detector::build(&s, variant).unwrap()
}

fn sends(effects: &[Effect<Heartbeat>]) -> Vec<ProcessId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { to, .. } => Some(*to),
            _ => None,
        })
        .collect()
}

fn timer_after(effects: &[Effect<Heartbeat>], timer: &str) -> Option<Time> {
    effects.iter().find_map(|e| match e {
        Effect::SetTimer { name, after, .. } if name == timer => Some(*after),
        _ => None,
    })
}

#[test]
fn a_process_heartbeats_everyone_watches_everyone_and_trusts_the_highest() {
    let mut node = nodes("perfect", Timing::Plain, DetectorParams::default()).remove(0);
    let mut rng = seeded_rng(1);
    let mut ctx = Context::new(0, 4, 0, &mut rng);
    node.on_start(&mut ctx);
    assert_eq!(sends(ctx.effects()), [1, 2, 3]);
    assert_eq!(timer_after(ctx.effects(), "timeout P4"), Some(50));
    assert_eq!(timer_after(ctx.effects(), "heartbeat"), Some(20));
    assert_eq!(ctx.fact::<Leader>(0).map(|l| l.leader), Some(3));
}

#[test]
fn a_timeout_suspects_and_a_heartbeat_restores_growing_the_timeout_in_eventually_perfect() {
    for (variant, grown) in [("perfect", 50), ("eventually-perfect", 70)] {
        let mut node = nodes(variant, Timing::Plain, DetectorParams::default()).remove(0);
        let mut rng = seeded_rng(1);
        let mut ctx = Context::new(0, 4, 60, &mut rng);
        node.on_timer(&mut ctx, "timeout P4");
        assert!(node.suspected().contains(&3));
        assert_eq!(node.leader(), 2, "it turns to P3");
        let mut ctx = Context::new(0, 4, 70, &mut rng);
        node.on_message(&mut ctx, 3, Heartbeat);
        assert!(node.suspected().is_empty());
        assert_eq!(node.leader(), 3);
        assert_eq!(node.timeouts()[3], grown);
        assert_eq!(timer_after(ctx.effects(), "timeout P4"), Some(grown));
    }
}

#[test]
fn a_two_faced_process_heartbeats_only_below_it() {
    let params = DetectorParams {
        two_faced: Some(2),
        ..DetectorParams::default()
    };
    let mut node = nodes("perfect", Timing::Plain, params).remove(2);
    let mut rng = seeded_rng(1);
    let mut ctx = Context::new(2, 4, 0, &mut rng);
    node.on_start(&mut ctx);
    assert_eq!(sends(ctx.effects()), [0, 1]);
}

#[test]
fn in_rounds_heartbeats_keep_to_round_starts_even_after_a_recovery() {
    let timing = Timing::Synchronous { round: 30 };
    let mut node = nodes("perfect", timing, DetectorParams::default()).remove(1);
    let mut rng = seeded_rng(1);
    let mut ctx = Context::new(1, 4, 0, &mut rng);
    node.on_start(&mut ctx);
    assert_eq!(timer_after(ctx.effects(), "heartbeat"), Some(30));
    node.on_crash();
    let mut ctx = Context::new(1, 4, 100, &mut rng);
    node.on_recover(&mut ctx);
    assert!(sends(ctx.effects()).is_empty(), "it waits for the round");
    assert_eq!(timer_after(ctx.effects(), "heartbeat"), Some(20));
    let mut ctx = Context::new(1, 4, 120, &mut rng);
    node.on_timer(&mut ctx, "heartbeat");
    assert_eq!(sends(ctx.effects()), [0, 2, 3]);
    assert_eq!(timer_after(ctx.effects(), "heartbeat"), Some(30));
}

#[test]
fn a_recovered_process_starts_over_but_keeps_its_timeouts() {
    let mut node = nodes(
        "eventually-perfect",
        Timing::Plain,
        DetectorParams::default(),
    )
    .remove(0);
    let mut rng = seeded_rng(1);
    let mut ctx = Context::new(0, 4, 60, &mut rng);
    node.on_timer(&mut ctx, "timeout P2");
    node.on_message(&mut ctx, 1, Heartbeat);
    node.on_timer(&mut ctx, "timeout P3");
    node.on_crash();
    let mut ctx = Context::new(0, 4, 300, &mut rng);
    node.on_recover(&mut ctx);
    assert!(node.suspected().is_empty());
    assert_eq!(node.timeouts()[1], 70);
    assert_eq!(timer_after(ctx.effects(), "timeout P2"), Some(70));
}

#[test]
fn every_example_names_its_lesson_and_runs_to_its_time_limit() {
    for s in Detector::examples() {
        assert!(s.name.starts_with("models-"), "{}", s.name);
        let run = crate::protocol::Run::complete(&s).unwrap();
        let end = s.limits.max_time.unwrap();
        let last = run.trace().events.last().unwrap().time;
        assert!(last + 40 >= end, "{} stopped at {last}", s.name);
    }
}

#[test]
fn a_settle_time_counts_from_the_later_of_the_gst_and_the_last_fault() {
    let mut s = examples::all().remove(2);
    let params: DetectorParams = s.params().unwrap();
    // GST 300, bound 20, held up by at most 120: the bound holds from 440; then two periods
    // plus bounds (2 * 40) and a tick.
    assert_eq!(promises::settle_time(&s, &params), Some(521));
    s.faults = vec![crate::faults::crash(600, "P1")];
    assert_eq!(promises::settle_time(&s, &params), Some(681));
    s.network.timing = Timing::Asynchronous {
        stall: 0.1,
        longest: 10,
    };
    assert_eq!(promises::settle_time(&s, &params), None);
}
