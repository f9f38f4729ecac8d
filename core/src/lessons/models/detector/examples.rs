//! The detector's prepared scenarios. Every fact a description states about its run is checked
//! by a test (`tests.rs`).

use super::DetectorParams;
use crate::faults::crash;
use crate::process::Time;
use crate::scenario::{Latency, Limits, NetworkModel, Scenario, Timing};

fn scenario(
    name: &str,
    title: &str,
    description: &str,
    variant: &str,
    n: usize,
    timing: Timing,
    params: DetectorParams,
    end: Time,
) -> Scenario {
    Scenario {
        name: name.into(),
        title: title.into(),
        description: description.into(),
        protocol: "detector".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).expect("serialisable"),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel {
            latency: Latency { min: 5, max: 20 },
            timing,
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 20_000,
            max_time: Some(end),
        },
    }
}

pub(super) fn all() -> Vec<Scenario> {
    let mut sync = scenario(
        "models-sync-detector",
        "A perfect detector in synchronous rounds",
        "SYNC",
        "perfect",
        4,
        Timing::Synchronous { round: 30 },
        DetectorParams {
            timeout: 60,
            ..DetectorParams::default()
        },
        400,
    );
    sync.faults = vec![crash(130, "P4")];
    let asynchronous = scenario(
        "models-async-false-suspicion",
        "The same timeout without a bound",
        "ASYNC",
        "perfect",
        4,
        Timing::Asynchronous {
            stall: 0.2,
            longest: 100,
        },
        DetectorParams::default(),
        500,
    );
    let partial = scenario(
        "models-partial-sync",
        "An eventually perfect detector under partial synchrony",
        "PARTIAL",
        "eventually-perfect",
        4,
        Timing::PartiallySynchronous {
            gst: 300,
            stall: 0.3,
            longest: 120,
        },
        DetectorParams::default(),
        800,
    );
    let mut election = scenario(
        "models-election",
        "Electing a leader with an eventually perfect detector",
        "ELECTION",
        "eventually-perfect",
        5,
        Timing::PartiallySynchronous {
            gst: 250,
            stall: 0.2,
            longest: 100,
        },
        DetectorParams::default(),
        1000,
    );
    election.faults = vec![crash(400, "P5")];
    let mut two_faced = scenario(
        "models-two-faced",
        "A two-faced process",
        "TWO",
        "perfect",
        4,
        Timing::Synchronous { round: 30 },
        DetectorParams {
            timeout: 60,
            two_faced: Some(2),
            ..DetectorParams::default()
        },
        600,
    );
    two_faced.faults = vec![crash(300, "P4")];
    vec![sync, asynchronous, partial, election, two_faced]
}
