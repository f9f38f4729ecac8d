//! Scenario builders and proptest strategies shared by the integration tests.
#![allow(dead_code)]

use proptest::prelude::*;
use spacetime_core::lessons::clocks::scripted::{ScriptLine, ScriptParams};
use spacetime_core::lessons::gossip::gossip::GossipParams;
use spacetime_core::{
    Action, Intervention, Latency, Limits, NetworkModel, ProcessRef, Run, Scenario, Trace,
};

/// Process names `P1..Pn`.
pub fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("P{i}")).collect()
}

/// The knobs of a random gossip run.
#[derive(Clone, Debug)]
pub struct GossipSetup {
    pub n: usize,
    pub flood: bool,
    pub fanout: usize,
    pub rumours: usize,
    pub interval: u64,
    pub loss: f64,
    pub duplicate: f64,
    pub latency: (u64, u64),
    pub fifo: bool,
    pub seed: u64,
    pub max_steps: u64,
}

impl GossipSetup {
    pub fn scenario(&self) -> Scenario {
        Scenario {
            name: "gossip-test".into(),
            title: String::new(),
            description: String::new(),
            protocol: "gossip".into(),
            variant: if self.flood { "flood" } else { "push" }.into(),
            params: serde_json::to_value(GossipParams {
                fanout: self.fanout,
                rumours: self.rumours,
                interval: self.interval,
                origin: 0,
            })
            .unwrap(),
            processes: names(self.n),
            network: NetworkModel {
                latency: Latency {
                    min: self.latency.0,
                    max: self.latency.1,
                },
                loss: self.loss,
                duplicate: self.duplicate,
                fifo: self.fifo,
                links: Vec::new(),
                timing: Default::default(),
            },
            faults: Vec::new(),
            seed: self.seed,
            interventions: Vec::new(),
            limits: Limits {
                max_steps: self.max_steps,
                max_time: None,
            },
        }
    }
}

/// A probability that is often exactly 0 (the interesting reliable case) and otherwise small
/// or large.
pub fn probability() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        2 => 0.0..0.3f64,
        1 => 0.3..=1.0f64,
    ]
}

/// A random gossip run with at most `max_rumours` rumours on 2..=`max_n` processes.
pub fn gossip_setup(
    max_n: usize,
    max_rumours: usize,
    max_steps: u64,
) -> impl Strategy<Value = GossipSetup> {
    (
        2..=max_n,
        any::<bool>(),
        1..5usize,
        1..=max_rumours,
        1..60u64,
        (probability(), probability()),
        (0..30u64, 0..40u64),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(
            move |(
                n,
                flood,
                fanout,
                rumours,
                interval,
                (loss, duplicate),
                (lo, span),
                fifo,
                seed,
            )| {
                GossipSetup {
                    n,
                    flood,
                    fanout,
                    rumours,
                    interval,
                    loss,
                    duplicate,
                    latency: (lo, lo + span),
                    fifo,
                    seed,
                    max_steps,
                }
            },
        )
}

/// A random script: local events and sends at random times, some with a fixed arrival, some left
/// to the network, some to the sender itself.
pub fn scripted_scenario(max_n: usize, max_lines: usize) -> impl Strategy<Value = Scenario> {
    (2..=max_n)
        .prop_flat_map(move |n| {
            let line = (
                0..120u64,
                0..n,
                prop_oneof![
                    Just(None),
                    (0..n, prop_oneof![Just(None), (1..60u64).prop_map(Some)]).prop_map(Some)
                ],
            );
            (
                Just(n),
                proptest::collection::vec(line, 0..=max_lines),
                (probability(), probability()),
                (0..20u64, 0..30u64),
                any::<bool>(),
                any::<u64>(),
            )
        })
        .prop_map(|(n, lines, (loss, duplicate), (lo, span), fifo, seed)| {
            let script = lines
                .into_iter()
                .enumerate()
                .map(|(i, (at, p, send))| match send {
                    None => ScriptLine {
                        at,
                        process: ProcessRef::Index(p),
                        local: Some(format!("e{i}")),
                        send: None,
                        ..Default::default()
                    },
                    Some((to, after)) => ScriptLine {
                        at,
                        process: ProcessRef::Name(format!("P{}", p + 1)),
                        local: None,
                        send: Some(format!("m{i}")),
                        to: Some(ProcessRef::Index(to)),
                        arrive: after.map(|d| at + d),
                        receive: (i % 3 == 0).then(|| format!("got m{i}")),
                        ..Default::default()
                    },
                })
                .collect();
            Scenario {
                name: "clocks-random".into(),
                title: String::new(),
                description: String::new(),
                protocol: "scripted".into(),
                variant: String::new(),
                params: serde_json::to_value(ScriptParams { script }).unwrap(),
                processes: names(n),
                network: NetworkModel {
                    latency: Latency {
                        min: lo,
                        max: lo + span,
                    },
                    loss,
                    duplicate,
                    fifo,
                    links: Vec::new(),
                    timing: Default::default(),
                },
                faults: Vec::new(),
                seed,
                interventions: Vec::new(),
                limits: Limits::default(),
            }
        })
}

/// Timer names the protocols use (and one none does), for hurried timers.
const TIMER_NAMES: &[&str] = &[
    "round",
    "election timeout",
    "heartbeat",
    "retransmit",
    "no such",
];
/// Requests, some of which a protocol reads and some it cannot.
const REQUESTS: &[&str] = &["x=1", "y=2", "not a command"];

/// A random intervention of any kind. Steps and message ids are drawn from `0..max_step` and
/// `0..max_message`, so some name messages that are not in flight (or do not exist) then.
pub fn intervention(
    n: usize,
    max_step: u64,
    max_message: usize,
) -> impl Strategy<Value = Intervention> {
    let p = 0..n;
    let link =
        (0..n, 1..n).prop_map(move |(a, d)| [ProcessRef::Index(a), ProcessRef::Index((a + d) % n)]);
    let action = prop_oneof![
        3 => (0..max_message).prop_map(|message| Action::Drop { message }),
        2 => (0..max_message).prop_map(|message| Action::Duplicate { message }),
        2 => (0..max_message, 1..200u64).prop_map(|(message, by)| Action::Delay { message, by }),
        2 => p.clone().prop_map(|p| Action::Crash { process: ProcessRef::Index(p) }),
        2 => p.prop_map(|p| Action::Recover { process: ProcessRef::Index(p) }),
        1 => link.clone().prop_map(|between| Action::Cut { between }),
        1 => link.prop_map(|between| Action::Heal { between }),
        1 => (0..n, prop::sample::select(TIMER_NAMES)).prop_map(|(p, timer)| Action::Fire {
            process: ProcessRef::Index(p),
            timer: timer.into(),
        }),
        1 => (0..n, prop::sample::select(REQUESTS)).prop_map(|(p, request)| Action::Request {
            process: ProcessRef::Index(p),
            request: request.into(),
        }),
    ];
    (0..max_step, action).prop_map(|(step, action)| Intervention { step, action })
}

/// Run a scenario of any protocol to its end.
pub fn run(scenario: &Scenario) -> Trace {
    Run::complete(scenario)
        .unwrap_or_else(|e| panic!("scenario {} does not run: {e}", scenario.name))
        .trace()
        .clone()
}

/// The trace as JSON, the form in which traces are compared byte for byte.
pub fn json(trace: &Trace) -> String {
    serde_json::to_string(trace).unwrap()
}

/// A random gossip scenario with up to `max_interventions` random interventions.
pub fn gossip_with_interventions(
    max_n: usize,
    max_rumours: usize,
    max_steps: u64,
    max_interventions: usize,
) -> impl Strategy<Value = Scenario> {
    gossip_setup(max_n, max_rumours, max_steps).prop_flat_map(move |setup| {
        let ivs = proptest::collection::vec(
            intervention(setup.n, max_steps.clamp(1, 300), 80),
            0..=max_interventions,
        );
        (Just(setup), ivs).prop_map(|(setup, ivs)| {
            let mut scenario = setup.scenario();
            scenario.interventions = ivs;
            scenario
        })
    })
}
