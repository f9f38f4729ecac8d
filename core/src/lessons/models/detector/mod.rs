//! Failure detectors from heartbeats and timeouts, and a leader election on top of them
//! (Cachin, Guerraoui and Rodrigues, *Introduction to Reliable and Secure Distributed
//! Programming*, chapter 2).
//!
//! # The algorithm
//!
//! Every process sends a `heartbeat` to every other process every `heartbeat` ticks (in a
//! synchronous system, at the start of every round, so the heartbeats line up with the round
//! marks). For each peer it keeps one timer, `timeout P3`, set again on each heartbeat from it.
//! When the timer runs out, it **suspects** the peer (the output `suspect P3`); a heartbeat from a
//! suspected peer shows the suspicion was false, and it **trusts it again** (`trust P3 again`).
//!
//! * The **perfect** detector P keeps its timeout fixed. In a synchronous system whose timeout is
//!   longer than a round plus the bound on a message, a live process's next heartbeat always
//!   comes in time, so it never suspects a live process (*strong accuracy*), and it suspects a
//!   crashed one for good one timeout after its last heartbeat (*strong completeness*). Without
//!   the bound, the same timeout is a guess.
//! * The **eventually perfect** detector ◇P adds `increase` to a peer's timeout each time a
//!   suspicion of it proves false. Under partial synchrony it may be wrong before the GST, but
//!   once the bound holds, it stops being wrong: *eventual strong accuracy*.
//!
//! After every change each process trusts as **leader** the highest-numbered process it does not
//! suspect, itself included (the "monarchical" election, the idea of the bully algorithm), and
//! outputs `leader P4` when that changes. On P this is a leader election (a process turns to a
//! new leader only once the old one has crashed: *leader accuracy*); on ◇P it is the eventual
//! leader detector Ω: eventually every correct process trusts the same correct process
//! (*eventual agreement*).
//!
//! A process that crashes loses its timers; when it comes back (fail-recovery) it starts over:
//! it suspects nobody, trusts the highest-numbered process, waits for every peer afresh and
//! resumes its heartbeats. Only its learnt timeouts survive (on stable storage).
//!
//! A `two_faced` process is Byzantine (fail-arbitrary): it heartbeats only to the processes
//! numbered below it, so half the system trusts it and the other half suspects it, for ever.
//! It is not a correct process, so accuracy and completeness say nothing about it; the election
//! on top of the detector fails, though.
//!
//! Heartbeats go on for ever, so a scenario must end the run with `limits.max_time`.
//!
//! ```
//! use spacetime_core::{protocols, Run};
//!
//! // P4 crashes at tick 130 in a synchronous system; the others find out within one timeout.
//! let example = protocols::example("models-sync-detector").unwrap();
//! let run = Run::complete(&example).unwrap();
//! let reports = run.check(run.trace());
//! assert!(reports.iter().all(|r| r.promised && r.verdict.holds()));
//! let suspects: Vec<&str> = run
//!     .trace()
//!     .outputs
//!     .iter()
//!     .filter(|o| o.kind == "suspect")
//!     .map(|o| o.value.as_str())
//!     .collect();
//! assert_eq!(suspects, ["P4"; 3]);
//! ```

mod examples;
mod history;
mod node;
mod promises;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use node::{DetectorNode, Heartbeat, Leader, Restoration, Suspicion};

use crate::process::{ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Scenario, ScenarioError, Timing};
use crate::trace::Trace;
use history::History;
use node::Beat;

/// The detector's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectorParams {
    /// Ticks between two heartbeats (in a synchronous system, the round's length instead).
    pub heartbeat: Time,
    /// How long a process waits for a peer's heartbeat before it suspects the peer (to start
    /// with, in the eventually perfect variant).
    pub timeout: Time,
    /// How much the eventually perfect variant adds to a peer's timeout after each false
    /// suspicion of it.
    pub increase: Time,
    /// A Byzantine process (an index) that heartbeats only to the processes numbered below it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_faced: Option<ProcessId>,
}

impl Default for DetectorParams {
    fn default() -> Self {
        DetectorParams {
            heartbeat: 20,
            timeout: 50,
            increase: 20,
            two_faced: None,
        }
    }
}

/// The largest heartbeat period, timeout or increase a scenario may give.
pub const MAX_TICKS: Time = 1_000_000;

/// The detector protocol.
pub struct Detector;

/// The variants of the detector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// P: a fixed timeout.
    Perfect,
    /// ◇P: a timeout that grows after each false suspicion.
    EventuallyPerfect,
}

impl Variant {
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "" | "perfect" => Ok(Variant::Perfect),
            "eventually-perfect" => Ok(Variant::EventuallyPerfect),
            _ => Err(crate::protocol::unknown_variant::<Detector>(name)),
        }
    }
}

fn check(scenario: &Scenario) -> Result<DetectorParams, ScenarioError> {
    let params: DetectorParams = scenario.params()?;
    for (field, value) in [
        ("params.heartbeat", params.heartbeat),
        ("params.timeout", params.timeout),
    ] {
        if value == 0 {
            return Err(ScenarioError::invalid(field, "it must be at least 1 tick"));
        }
    }
    for (field, value) in [
        ("params.heartbeat", params.heartbeat),
        ("params.timeout", params.timeout),
        ("params.increase", params.increase),
    ] {
        if value > MAX_TICKS {
            return Err(ScenarioError::invalid(
                field,
                format!("at most {MAX_TICKS} ticks, not {value}"),
            ));
        }
    }
    let n = scenario.processes.len();
    if let Some(f) = params.two_faced {
        if f >= n {
            return Err(ScenarioError::invalid(
                "params.two_faced",
                format!(
                    "there is no process {f}: indices run from 0 to {}",
                    n.saturating_sub(1)
                ),
            ));
        }
    }
    if scenario.limits.max_time.is_none() {
        return Err(ScenarioError::invalid(
            "limits.max_time",
            "heartbeats go on for ever: give the tick at which the run ends",
        ));
    }
    Ok(params)
}

fn strong_accuracy(trace: &Trace) -> Verdict {
    let h = History::of(trace);
    let wrong: Vec<_> = h.suspicions.iter().filter(|s| !s.accurate).collect();
    match wrong.first() {
        None => Verdict::Holds,
        Some(s) => Verdict::violated(
            wrong.iter().map(|s| s.event).collect(),
            format!(
                "{} suspected {} at tick {}, but {} had not crashed{}",
                trace.processes[s.by],
                trace.processes[s.of],
                s.at,
                trace.processes[s.of],
                match wrong.len() {
                    1 => String::new(),
                    k => format!(" ({k} false suspicions in all)"),
                }
            ),
        ),
    }
}

fn strong_completeness(trace: &Trace, two_faced: Option<ProcessId>) -> Verdict {
    let h = History::of(trace);
    for q in (0..h.up_at_end.len()).filter(|&q| !h.up_at_end[q]) {
        for &p in &h.correct(two_faced) {
            if !h.suspects_at_end[p].iter().any(|&(x, _)| x == q) {
                return Verdict::violated(
                    h.crashes[q].last().copied().into_iter().collect(),
                    format!(
                        "{} crashed, but {} does not suspect it at the end of the run",
                        trace.processes[q], trace.processes[p]
                    ),
                );
            }
        }
    }
    Verdict::Holds
}

fn eventual_accuracy(trace: &Trace, two_faced: Option<ProcessId>) -> Verdict {
    let h = History::of(trace);
    let correct = h.correct(two_faced);
    for &p in &correct {
        if let Some(&(q, e)) = h.suspects_at_end[p]
            .iter()
            .find(|(q, _)| correct.contains(q))
        {
            return Verdict::violated(
                vec![e],
                format!(
                    "at the end of the run {} still suspects {}, which is up",
                    trace.processes[p], trace.processes[q]
                ),
            );
        }
    }
    Verdict::Holds
}

fn leader_accuracy(trace: &Trace) -> Verdict {
    let h = History::of(trace);
    let n = trace.processes.len();
    let mut before: Vec<Vec<ProcessId>> = vec![Vec::new(); n];
    for t in &h.leaders {
        for &old in &before[t.by] {
            let crashed = h.crashes[old].first().is_some_and(|&c| c < t.event);
            if old != t.leader && !crashed {
                return Verdict::violated(
                    vec![t.event],
                    format!(
                        "{} turned to {} as leader at tick {}, but {}, which it trusted before, \
                         had not crashed",
                        trace.processes[t.by],
                        if t.leader == t.by {
                            "itself"
                        } else {
                            trace.processes[t.leader].as_str()
                        },
                        t.at,
                        trace.processes[old]
                    ),
                );
            }
        }
        if !before[t.by].contains(&t.leader) {
            before[t.by].push(t.leader);
        }
    }
    Verdict::Holds
}

fn eventual_agreement(trace: &Trace, two_faced: Option<ProcessId>) -> Verdict {
    let h = History::of(trace);
    let correct = h.correct(two_faced);
    let name = |p: ProcessId| trace.processes[p].as_str();
    let mut agreed: Option<(ProcessId, ProcessId)> = None;
    for &p in &correct {
        let Some((l, e)) = h.leader_at_end[p] else {
            return Verdict::violated(Vec::new(), format!("{} trusts no leader", name(p)));
        };
        if !correct.contains(&l) {
            return Verdict::violated(
                vec![e],
                format!(
                    "at the end of the run {} trusts {}, which is not a correct process ({})",
                    name(p),
                    name(l),
                    if Some(l) == two_faced {
                        "it is two-faced"
                    } else {
                        "it is down"
                    }
                ),
            );
        }
        match agreed {
            Some((other, l2)) if l2 != l => {
                return Verdict::violated(
                    vec![e],
                    format!(
                        "at the end of the run {} trusts {} but {} trusts {}",
                        name(other),
                        name(l2),
                        name(p),
                        name(l)
                    ),
                );
            }
            Some(_) => {}
            None => agreed = Some((p, l)),
        }
    }
    Verdict::Holds
}

/// `property`, promised unless `why` says otherwise (an empty reason: the variant never
/// promises it).
fn promised_unless(property: Property, why: Option<String>) -> Property {
    match why {
        None => property,
        Some(why) if why.is_empty() => property.not_promised(),
        Some(why) => property.withdrawn(&why),
    }
}

impl Protocol for Detector {
    const NAME: &'static str = "detector";
    const DESCRIPTION: &'static str = "failure detectors from heartbeats, and a leader on top";
    // Its promises weigh the timing model themselves: the bound, the rounds, the GST.
    const READS_TIMING: bool = true;
    type Node = DetectorNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "perfect",
                description: "P: suspect a peer after a fixed timeout without its heartbeat",
                broken: false,
            },
            VariantInfo {
                name: "eventually-perfect",
                description: "◇P: and wait longer for a peer each time a suspicion of it \
                              proves false",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<DetectorNode>, ScenarioError> {
        let params = check(scenario)?;
        let variant = Variant::from_name(variant)?;
        let n = scenario.processes.len();
        let names: Arc<[Arc<str>]> = scenario
            .processes
            .iter()
            .map(|p| Arc::from(p.as_str()))
            .collect();
        let beat = match scenario.network.timing {
            Timing::Synchronous { round } => Beat::Rounds(round.max(1)),
            _ => Beat::Every(params.heartbeat),
        };
        Ok((0..n)
            .map(|me| DetectorNode {
                me,
                names: names.clone(),
                beat,
                increase: match variant {
                    Variant::Perfect => 0,
                    Variant::EventuallyPerfect => params.increase,
                },
                two_faced: params.two_faced == Some(me),
                suspected: Default::default(),
                timeouts: vec![params.timeout; n],
                leader: n - 1,
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let params = check(scenario)?;
        let variant = Variant::from_name(variant)?;
        let why = promises::promises(scenario, &params, variant);
        let two_faced = params.two_faced;
        Ok(vec![
            promised_unless(
                Property::new(
                    "strong-completeness",
                    PropertyKind::Liveness,
                    "every process that crashes is suspected, for good, by every correct process",
                    move |t: &Trace| strong_completeness(t, two_faced),
                ),
                why.completeness,
            ),
            promised_unless(
                Property::new(
                    "strong-accuracy",
                    PropertyKind::Safety,
                    "a process is suspected only if it has crashed",
                    strong_accuracy,
                ),
                why.strong_accuracy,
            ),
            promised_unless(
                Property::new(
                    "eventual-strong-accuracy",
                    PropertyKind::Liveness,
                    "at the end of the run no correct process suspects a correct process",
                    move |t: &Trace| eventual_accuracy(t, two_faced),
                ),
                why.eventual_accuracy,
            ),
            promised_unless(
                Property::new(
                    "leader-accuracy",
                    PropertyKind::Safety,
                    "a process turns to a new leader only once every leader it trusted before \
                     has crashed",
                    leader_accuracy,
                ),
                why.leader_accuracy,
            ),
            promised_unless(
                Property::new(
                    "eventual-agreement",
                    PropertyKind::Liveness,
                    "at the end of the run every correct process trusts the same correct process",
                    move |t: &Trace| eventual_agreement(t, two_faced),
                ),
                why.agreement,
            ),
        ])
    }

    fn examples() -> Vec<Scenario> {
        examples::all()
    }
}

#[cfg(test)]
mod tests;
