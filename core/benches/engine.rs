//! The simulator's speed: simulated events per second on a long gossip run, and the time to
//! re-simulate after an intervention late in a long run (which checkpoints keep short).
//!
//! `cargo bench -p spacetime-core`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use spacetime_core::protocols::gossip::{Gossip, GossipNode, GossipParams};
use spacetime_core::{
    Action, Intervention, Limits, NetworkModel, ProcessRef, Protocol, Scenario, Simulation,
};

/// Push gossip among 32 processes, fanout 3: each rumour makes about 96 sends and 96 receipts.
fn gossip(rumours: usize, max_steps: u64) -> Scenario {
    Scenario {
        name: "gossip-bench".into(),
        title: String::new(),
        description: String::new(),
        protocol: "gossip".into(),
        variant: "push".into(),
        params: serde_json::to_value(GossipParams {
            fanout: 3,
            rumours,
            interval: 10,
            origin: 0,
        })
        .unwrap(),
        processes: (1..=32).map(|i| format!("P{i}")).collect(),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 42,
        interventions: Vec::new(),
        limits: Limits {
            max_steps,
            max_time: None,
        },
    }
}

fn simulation(scenario: &Scenario) -> Simulation<GossipNode> {
    Simulation::new(
        scenario,
        Gossip::build(scenario, &scenario.variant).unwrap(),
    )
    .unwrap()
}

fn throughput(c: &mut Criterion) {
    let scenario = gossip(6_000, 5_000_000);
    let (events, steps) = {
        let mut sim = simulation(&scenario);
        let trace = sim.run();
        (trace.events.len() as u64, trace.step_count())
    };
    assert!(events >= 1_000_000, "only {events} events");
    eprintln!("gossip run: 32 processes, {events} events in {steps} steps");
    let mut group = c.benchmark_group("engine");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(events));
    // Freeing the trace is not simulating: it happens outside the timed part.
    group.bench_function("gossip-32-events", |b| {
        b.iter_with_large_drop(|| {
            let mut sim = simulation(&scenario);
            sim.run();
            sim
        })
    });
    group.finish();
}

fn resimulate(c: &mut Criterion) {
    let scenario = gossip(2_000, 100_000);
    let mut sim = simulation(&scenario);
    sim.run();
    assert_eq!(sim.steps_taken(), 100_000);
    // Two different interventions at step 90,000, so that every change really rewinds.
    let crash = |p: usize| {
        vec![Intervention {
            step: 90_000,
            action: Action::Crash {
                process: ProcessRef::Index(p),
            },
        }]
    };
    let (a, b) = (crash(5), crash(6));
    let mut group = c.benchmark_group("engine");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    let mut flip = false;
    group.bench_function("intervene-at-90000-of-100000", |bench| {
        bench.iter(|| {
            flip = !flip;
            sim.set_interventions(if flip { &a } else { &b }).unwrap();
            sim.run();
            black_box(sim.steps_taken())
        })
    });
    group.finish();
    assert_eq!(sim.steps_taken(), 100_000);
    assert!(sim.trace().warnings.is_empty());
}

criterion_group!(benches, throughput, resimulate);
criterion_main!(benches);
