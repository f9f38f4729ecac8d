//! The simulator's speed: simulated events per second on a long gossip run, and the time to
//! re-simulate after an intervention late in a long run (which checkpoints keep short). And the
//! time to import a 10,000-event GoVector log (and to run what it becomes).
//!
//! `cargo bench -p spacetime-core`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use spacetime_core::lessons::gossip::gossip::{Gossip, GossipParams};
use spacetime_core::log::import_govector;
use spacetime_core::{
    Action, Intervention, Limits, NetworkModel, ProcessRef, Protocol, Run, Scenario, Simulation,
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

fn simulation(scenario: &Scenario) -> Simulation {
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

/// A GoVector log of `events` events on `hosts` hosts, as GoVector would write it: each event a
/// local one, a send to a random host, or the receipt of the oldest message waiting for its host.
fn govector_log(events: usize, hosts: usize) -> String {
    let mut state = 0x5eed_u64;
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % bound
    };
    let names: Vec<String> = (0..hosts).map(|h| format!("node-{h}")).collect();
    let mut clocks = vec![vec![0u64; hosts]; hosts];
    let mut inbox: Vec<std::collections::VecDeque<Vec<u64>>> = vec![Default::default(); hosts];
    let mut log = String::new();
    for i in 0..events {
        let h = next(hosts);
        clocks[h][h] += 1;
        let text = match inbox[h].pop_front() {
            Some(carried) if next(2) == 0 => {
                for (mine, theirs) in clocks[h].iter_mut().zip(&carried) {
                    *mine = (*mine).max(*theirs);
                }
                format!("Received message {i}")
            }
            waiting => {
                if let Some(carried) = waiting {
                    inbox[h].push_front(carried);
                }
                if next(3) == 0 {
                    "Did some work".to_string()
                } else {
                    let to = (h + 1 + next(hosts - 1)) % hosts;
                    inbox[to].push_back(clocks[h].clone());
                    format!("Sending message {i} to {}", names[to])
                }
            }
        };
        let entries: Vec<String> = (0..hosts)
            .filter(|&k| clocks[h][k] > 0)
            .map(|k| format!("\"{}\":{}", names[k], clocks[h][k]))
            .collect();
        log.push_str(&format!(
            "{} {{{}}}\n{text}\n",
            names[h],
            entries.join(", ")
        ));
    }
    log
}

fn import(c: &mut Criterion) {
    let log = govector_log(10_000, 12);
    let imported = import_govector("bench", &log).unwrap();
    assert_eq!(imported.events, 10_000);
    assert!(imported.problems.is_empty());
    eprintln!(
        "GoVector log: {} bytes, 10000 events on 12 hosts, {} messages",
        log.len(),
        imported.messages
    );
    let mut group = c.benchmark_group("import");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(10_000));
    group.bench_function("govector-10000-events", |b| {
        b.iter(|| import_govector("bench", black_box(&log)).unwrap())
    });
    group.bench_function("govector-10000-events-and-run", |b| {
        b.iter_with_large_drop(|| {
            let imported = import_govector("bench", black_box(&log)).unwrap();
            Run::complete(&imported.scenario).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, throughput, resimulate, import);
criterion_main!(benches);
