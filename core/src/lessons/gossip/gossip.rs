//! Gossip: each process that hears a rumour for the first time passes it on to a few peers
//! chosen at random.
//!
//! Each process passes a rumour on once, so a rumour can die out before everyone has heard it:
//! a process can be missed by every random choice. With a fixed fanout that is not a rare
//! accident in a large network but the rule: a rumour reaches about 80% of the processes at
//! fanout 2 and 94% at fanout 3, and with fanout 2 all of them in about half the runs at 8
//! processes, one in twenty at 20 and practically never at 100 ([`super::sweep`] measures it).
//! Reaching everyone with high probability takes a fanout near `ln n + c`, or repeated rounds of
//! pushing. That is why coverage is a property gossip does not promise, while flooding (every
//! peer, every time) does on a reliable network, at the price of `n - 1` messages per process.
//!
//! Each process that hears a rumour outputs `deliver` with the [`Rumour`] as its typed fact (shown
//! `rumour 3`); the properties read the fact, never the text.
//!
//! The origin can start many rumours, one every `interval` ticks, which makes gossip the engine's
//! workhorse for long runs in tests and benchmarks.

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{NetworkModel, Scenario, ScenarioError};
use crate::trace::Trace;

/// Gossip's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GossipParams {
    /// How many random peers each process passes a new rumour to (the `push` variant).
    pub fanout: usize,
    /// How many rumours the origin starts.
    pub rumours: usize,
    /// Ticks between two rumours.
    pub interval: Time,
    /// The process that starts the rumours (an index).
    pub origin: ProcessId,
}

impl Default for GossipParams {
    fn default() -> Self {
        GossipParams {
            fanout: 2,
            rumours: 1,
            interval: 100,
            origin: 0,
        }
    }
}

/// The largest number of rumours a run may start.
pub const MAX_RUMOURS: usize = 1_000_000;

/// A rumour, by number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rumour(pub u32);

impl Payload for Rumour {
    fn label(&self) -> String {
        format!("rumour {}", self.0)
    }
}

/// One gossiping process. What it has heard is kept on stable storage: a process that crashes
/// and recovers does not pass an old rumour on again (and so never hears one twice).
#[derive(Clone, Debug)]
pub struct GossipNode {
    /// How many peers to tell; `None` tells them all (flooding).
    fanout: Option<usize>,
    origin: bool,
    rumours: usize,
    interval: Time,
    /// Which rumours this process has heard, one bit each.
    heard: Vec<u64>,
    heard_count: usize,
    started: usize,
}

impl GossipNode {
    fn has_heard(&self, r: u32) -> bool {
        self.heard[r as usize / 64] & (1 << (r % 64)) != 0
    }

    fn spread(&mut self, ctx: &mut Context<'_, Rumour>, rumour: Rumour) {
        self.heard[rumour.0 as usize / 64] |= 1 << (rumour.0 % 64);
        self.heard_count += 1;
        ctx.output_fact("deliver", rumour);
        match self.fanout {
            None => ctx.broadcast(rumour),
            Some(k) => {
                for peer in ctx.random_peers(k) {
                    ctx.send(peer, rumour);
                }
            }
        }
    }
}

impl Process for GossipNode {
    type Message = Rumour;

    fn on_start(&mut self, ctx: &mut Context<'_, Rumour>) {
        if self.origin && self.rumours > 0 {
            ctx.set_pacing_timer("new rumour", 0);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Rumour>, _from: ProcessId, rumour: Rumour) {
        if self.has_heard(rumour.0) {
            ctx.note("It has heard this one already and stays quiet");
        } else {
            self.spread(ctx, rumour);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Rumour>, _timer: &str) {
        let rumour = Rumour(self.started as u32);
        self.started += 1;
        ctx.note(format!("It made {} up itself", rumour.label()));
        self.spread(ctx, rumour);
        if self.started < self.rumours {
            ctx.set_pacing_timer("new rumour", self.interval);
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Rumour>) {
        if self.origin && self.started < self.rumours {
            ctx.set_pacing_timer("new rumour", self.interval);
        }
    }

    fn summary(&self) -> String {
        format!("heard {} of {} rumours", self.heard_count, self.rumours)
    }
}

/// The gossip protocol.
pub struct Gossip;

/// The variants of gossip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Tell `fanout` random peers.
    Push,
    /// Tell everyone.
    Flood,
}

impl Variant {
    /// The variant a scenario names; an empty name is the first (the default). An unknown name
    /// is an error on the field `variant` that lists the known ones.
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "" | "push" => Ok(Variant::Push),
            "flood" => Ok(Variant::Flood),
            _ => Err(crate::protocol::unknown_variant::<Gossip>(name)),
        }
    }
}

/// Which rumours (by number) each process delivered, and the events, from the `deliver`
/// outputs' typed facts (an output without a [`Rumour`] says nothing).
fn deliveries(trace: &Trace) -> Vec<Vec<(u32, usize)>> {
    let mut per = vec![Vec::new(); trace.processes.len()];
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        if let Some(r) = o.fact::<Rumour>() {
            per[o.process].push((r.0, o.event));
        }
    }
    per
}

impl Protocol for Gossip {
    const NAME: &'static str = "gossip";
    const DESCRIPTION: &'static str = "rumours passed on to random peers";
    type Node = GossipNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "push",
                description: "pass each new rumour to `fanout` random peers",
                broken: false,
            },
            VariantInfo {
                name: "flood",
                description: "pass each new rumour to every other process",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<GossipNode>, ScenarioError> {
        let params: GossipParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        let n = scenario.processes.len();
        if params.origin >= n {
            return Err(ScenarioError::invalid(
                "params.origin",
                format!("there is no process {}: there are {n}", params.origin),
            ));
        }
        if params.rumours > MAX_RUMOURS {
            return Err(ScenarioError::invalid(
                "params.rumours",
                format!("at most {MAX_RUMOURS} rumours, not {}", params.rumours),
            ));
        }
        if params.fanout == 0 && variant == Variant::Push {
            return Err(ScenarioError::invalid(
                "params.fanout",
                "a fanout of 0 would never spread a rumour; give 1 or more",
            ));
        }
        let fanout = (variant == Variant::Push).then_some(params.fanout);
        Ok((0..n)
            .map(|p| GossipNode {
                fanout,
                origin: p == params.origin,
                rumours: params.rumours,
                interval: params.interval.max(1),
                heard: vec![0; params.rumours.div_ceil(64)],
                heard_count: 0,
                started: 0,
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let params: GossipParams = scenario.params()?;
        let variant = Variant::from_name(variant)?;
        let origin = params.origin;
        let coverage = Property::new(
            "coverage",
            PropertyKind::Liveness,
            "every process hears every rumour the origin started",
            move |trace: &Trace| {
                let heard = deliveries(trace);
                let started: Vec<u32> = heard
                    .get(origin)
                    .map_or(Vec::new(), |d| d.iter().map(|&(r, _)| r).collect());
                for (p, got) in heard.iter().enumerate() {
                    for r in &started {
                        if !got.iter().any(|(x, _)| x == r) {
                            let shown = heard[origin]
                                .iter()
                                .filter(|(x, _)| x == r)
                                .map(|&(_, e)| e)
                                .collect();
                            return Verdict::violated(
                                shown,
                                format!("{} never heard rumour {r}", trace.processes[p]),
                            );
                        }
                    }
                }
                Verdict::Holds
            },
        );
        let integrity = Property::new(
            "integrity",
            PropertyKind::Safety,
            "a process hears a rumour at most once, and only one the origin started",
            move |trace: &Trace| {
                let heard = deliveries(trace);
                for (p, got) in heard.iter().enumerate() {
                    for (i, &(r, e)) in got.iter().enumerate() {
                        if got[..i].iter().any(|&(x, _)| x == r) {
                            return Verdict::violated(
                                vec![e],
                                format!("{} heard rumour {r} twice", trace.processes[p]),
                            );
                        }
                        let first_at_origin = heard[origin].iter().find(|&&(x, _)| x == r);
                        if first_at_origin.is_none_or(|&(_, oe)| oe > e && p != origin) {
                            return Verdict::violated(
                                vec![e],
                                format!(
                                    "{} heard rumour {r} before the origin started it",
                                    trace.processes[p]
                                ),
                            );
                        }
                    }
                }
                Verdict::Holds
            },
        );
        Ok(vec![
            if variant == Variant::Flood {
                coverage
            } else {
                coverage.not_promised()
            },
            integrity,
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario =
            |name: &str, title: &str, description: &str, n: usize, params: GossipParams| Scenario {
                name: name.into(),
                title: title.into(),
                description: description.into(),
                protocol: "gossip".into(),
                variant: String::new(),
                params: serde_json::to_value(params).expect("serialisable"),
                processes: (1..=n).map(|i| format!("P{i}")).collect(),
                network: NetworkModel::default(),
                faults: Vec::new(),
                seed: 1,
                interventions: Vec::new(),
                limits: Default::default(),
            };
        let mut lossy = scenario(
            "gossip-lossy-network",
            "Gossip over a lossy network",
            "One message in five is lost; with fanout 3 the rumour still reaches everyone in about \
             two runs out of three (try other seeds).",
            8,
            GossipParams {
                fanout: 3,
                ..GossipParams::default()
            },
        );
        lossy.network.loss = 0.2;
        let mut flood = scenario(
            "gossip-flood",
            "Flooding",
            "Every process tells every other: certain to cover everyone, at n - 1 messages each.",
            5,
            GossipParams::default(),
        );
        flood.variant = "flood".into();
        let busy = scenario(
            "gossip-busy-sixteen",
            "A busy network of sixteen",
            "Sixteen processes and twenty-four rumours: a long run (over 2,000 events) to scrub \
             through, zoom into and break.",
            16,
            GossipParams {
                fanout: 3,
                rumours: 24,
                interval: 30,
                origin: 0,
            },
        );
        vec![
            scenario(
                "gossip-one-rumour",
                "One rumour among six",
                "P1 starts a rumour; each process that hears it for the first time tells two random peers.",
                6,
                GossipParams::default(),
            ),
            scenario(
                "gossip-many-rumours",
                "A stream of rumours",
                "P1 starts a rumour every 40 ticks; watch them overtake each other.",
                8,
                GossipParams {
                    fanout: 2,
                    rumours: 5,
                    interval: 40,
                    origin: 0,
                },
            ),
            lossy,
            flood,
            busy,
        ]
    }
}
