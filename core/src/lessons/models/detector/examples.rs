//! The detector's prepared scenarios. Every fact a description states about its run is checked
//! by a test (`tests.rs`).

use super::DetectorParams;
use crate::faults::crash;
use crate::process::Time;
use crate::scenario::{Latency, Limits, NetworkModel, Scenario, Timing};

#[allow(clippy::too_many_arguments)]
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
        "Four processes heartbeat at the start of every 30-tick round; a message takes 5 to 20 \
         ticks, and the timeout (60) is longer than a round plus that bound. P4 crashes at tick \
         130: P1, P2 and P3 suspect it at ticks 193 to 195, one timeout after its last \
         heartbeat reached them, and all three turn to P3 as leader. Nobody is ever suspected \
         wrongly: every property is promised and holds.",
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
        "The perfect detector's fixed timeout (50 ticks, a heartbeat every 20) in an asynchronous \
         network, where one message in five is held up by up to 100 ticks more. Nobody crashes, \
         yet at tick 50 P2 suspects P1, and trusts it again at tick 60 when P1's late heartbeat \
         arrives; there are 8 false suspicions in all, and at tick 400 P2 even turns from P4 to \
         P3 as leader. Strong accuracy is not promised here, and it is violated.",
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
        "The eventually perfect detector under partial synchrony: until the GST at tick 300, one \
         message in three is held up by up to 120 ticks. P2 suspects P1 wrongly at tick 50; all \
         4 false suspicions come before tick 200, and each grows the timeout for that peer from \
         50 to 70. After them nobody suspects anybody: eventual strong accuracy is promised, and \
         holds.",
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
        "Five processes trust the highest-numbered one they do not suspect. Before the GST (tick \
         250) P5's heartbeats to P4 sent at ticks 80 and 100 are held up, so P4 suspects P5 at \
         tick 122 and trusts itself as leader, until P5's next heartbeat arrives at tick 128 \
         and P4 turns back to P5. P5 crashes at tick \
         400; P1, P2, P3 and P4 suspect it between ticks 435 and 466 and all trust P4: the \
         election survives, and everyone agrees at the end.",
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
        "P3 is two-faced (Byzantine): it heartbeats to P1 and P2 only. P4 hears nothing from it \
         and suspects it from tick 60 on, while P1 and P2 never do: the processes disagree \
         about P3 for as long as P4 is up. P4 crashes at tick 300, and P1 and P2 elect P3, a \
         process that lies: eventual agreement is withdrawn, and violated.",
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
