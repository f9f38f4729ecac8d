//! When the detector can keep its promises, read once from the scenario when the properties are
//! declared. Each rule says why in plain words when it cannot.
//!
//! The arithmetic rests on three numbers: the heartbeat period `P` (the round, in a synchronous
//! system), the bound `B` on a message (the slowest link's `latency.max`) and the timeout `T`.
//!
//! * **No false suspicion** while the bound holds and `T > P + B`: after a process last heard
//!   from a live peer (a heartbeat sent at `s`), the peer's next heartbeat leaves by `s + P` and
//!   arrives by `s + P + B`, before the timer, set at or after `s`, runs out at `s + T`. It must be
//!   *strictly* longer: at equal ticks the timer, set earlier, goes first.
//! * The bound holds from `H`: from the start in a synchronous system (and in a plain one, whose
//!   latencies are bounded in fact), and from `gst + B + longest` in a partially synchronous one
//!   (a heartbeat held up before the GST arrives by then, and on a first-in first-out link the
//!   ones behind it too).
//! * **Settling** (eventual strong accuracy): after the later of `H` and the last planned fault
//!   `F`, every suspicion of a live process is put right by its next heartbeat and no new one
//!   comes, so the run must reach `max(H, F) + 2 (P + B) + 1`.
//! * **Completeness**: the last heartbeat of a crashed process arrives by `F + A` (`A = B`, plus
//!   `longest` if messages may be held up, plus `B` if you duplicate one by hand, as the copy
//!   leaves later), and the timer set then runs out within the longest timeout a peer can have
//!   grown: `T + increase * (R + 2 + recoveries)` with `R = (F + A) / T` (two suspicions of one
//!   peer are at least `T` apart, and only a suspicion proved false grows a timeout). So the run
//!   must reach `F + A + that + 1`.

use super::{DetectorParams, Variant};
use crate::faults::{loses_messages, slowest_latency};
use crate::process::{ProcessId, Time};
use crate::scenario::{Action, Scenario, Timing};

/// Why each property is not promised, if it is not (`None`: promised).
pub(super) struct Promises {
    pub strong_accuracy: Option<String>,
    pub leader_accuracy: Option<String>,
    pub eventual_accuracy: Option<String>,
    pub completeness: Option<String>,
    pub agreement: Option<String>,
}

/// The scenario's settings the promises hang on.
struct Setting {
    period: Time,
    bound: Time,
    /// How much longer than `bound` a message may be held up (0 if never).
    longest: Time,
    loses: bool,
    cuts: bool,
    cut_never_healed: bool,
    drops: usize,
    delays: usize,
    duplicates: usize,
    fired: bool,
    /// A crash, recovery, cut or heal by hand: it comes at a step, whose time is unknown.
    lifecycle_by_hand: bool,
    crashes: bool,
    recovered: Vec<ProcessId>,
    /// The time of the last planned crash, recovery, cut or heal.
    last_fault: Time,
    end: Option<Time>,
    steps_short: Option<u64>,
}

impl Setting {
    fn of(scenario: &Scenario, params: &DetectorParams) -> Setting {
        let network = &scenario.network;
        let timing = network.timing;
        let period = timing.round().unwrap_or(params.heartbeat).max(1);
        let longest = match timing {
            Timing::Asynchronous { stall, longest }
            | Timing::PartiallySynchronous { stall, longest, .. }
                if stall > 0.0 =>
            {
                longest
            }
            _ => 0,
        };
        let by_hand = || scenario.interventions.iter().map(|i| &i.action);
        let planned = || scenario.faults.iter().map(|f| &f.action);
        let count = |f: fn(&Action) -> bool| by_hand().chain(planned()).filter(|a| f(a)).count();
        let names = &scenario.processes;
        let recovered: Vec<ProcessId> = by_hand()
            .chain(planned())
            .filter_map(|a| match a {
                Action::Recover { process } => process.resolve(names, "").ok(),
                _ => None,
            })
            .collect();
        let last_fault = scenario
            .faults
            .iter()
            .filter(|f| {
                matches!(
                    f.action,
                    Action::Crash { .. }
                        | Action::Recover { .. }
                        | Action::Cut { .. }
                        | Action::Heal { .. }
                )
            })
            .map(|f| f.at)
            .max()
            .unwrap_or(0);
        let end = scenario.limits.max_time;
        // Steps a run may take to reach its end: per period, each process's heartbeat step, and
        // for each of its n - 1 heartbeats two deliveries (a copy) and, after each, a timer
        // running out; and the starts, the faults and the copies made by hand.
        let n = scenario.processes.len() as u64;
        let steps_short = end.and_then(|end| {
            let periods = (end / period)
                .saturating_add(2)
                .saturating_add(recovered.len() as u64);
            let need = periods
                .saturating_mul(n + 4 * n * n.saturating_sub(1))
                .saturating_add(n)
                .saturating_add((scenario.faults.len() + scenario.interventions.len()) as u64);
            (scenario.limits.max_steps < need).then_some(need)
        });
        Setting {
            period,
            bound: slowest_latency(network),
            longest,
            loses: loses_messages(network),
            cuts: count(|a| matches!(a, Action::Cut { .. })) > 0,
            cut_never_healed: !crate::faults::cuts_healed(scenario),
            drops: count(|a| matches!(a, Action::Drop { .. })),
            delays: count(|a| matches!(a, Action::Delay { .. })),
            duplicates: count(|a| matches!(a, Action::Duplicate { .. })),
            fired: count(|a| matches!(a, Action::Fire { .. })) > 0,
            lifecycle_by_hand: by_hand().any(|a| {
                matches!(
                    a,
                    Action::Crash { .. }
                        | Action::Recover { .. }
                        | Action::Cut { .. }
                        | Action::Heal { .. }
                )
            }),
            crashes: count(|a| matches!(a, Action::Crash { .. })) > 0,
            recovered,
            last_fault,
            end,
            steps_short,
        }
    }
}

/// The tick from which every message arrives within the bound, if one ever holds.
fn stable_from(timing: Timing, s: &Setting) -> Option<Time> {
    match timing {
        Timing::Plain | Timing::Synchronous { .. } => Some(0),
        Timing::PartiallySynchronous { gst, .. } => {
            Some(gst.saturating_add(s.bound).saturating_add(s.longest))
        }
        Timing::Asynchronous { .. } => None,
    }
}

/// The tick by which the heartbeats have put right every false suspicion (see the module doc).
pub(super) fn settle_time(scenario: &Scenario, params: &DetectorParams) -> Option<Time> {
    let s = Setting::of(scenario, params);
    let h = stable_from(scenario.network.timing, &s)?;
    Some(
        h.max(s.last_fault)
            .saturating_add(s.period.saturating_add(s.bound).saturating_mul(2))
            .saturating_add(1),
    )
}

/// The tick by which every crash has been found out by every process that is up (see the module
/// doc).
pub(super) fn completeness_time(
    scenario: &Scenario,
    params: &DetectorParams,
    variant: Variant,
) -> Time {
    let s = Setting::of(scenario, params);
    let mut arrive = s.bound.saturating_add(s.longest);
    if s.duplicates > 0 {
        arrive = arrive.saturating_add(s.bound);
    }
    let last = s.last_fault.saturating_add(arrive);
    let timeout = params.timeout.max(1);
    let longest_timeout = match variant {
        Variant::Perfect => timeout,
        Variant::EventuallyPerfect => {
            let suspicions = (last / timeout)
                .saturating_add(2)
                .saturating_add(s.recovered.len() as Time);
            timeout.saturating_add(params.increase.saturating_mul(suspicions))
        }
    };
    last.saturating_add(longest_timeout).saturating_add(1)
}

fn names(scenario: &Scenario, ps: impl Iterator<Item = ProcessId>) -> String {
    let list: Vec<&str> = ps.map(|p| scenario.processes[p].as_str()).collect();
    match list.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn first(reasons: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    reasons.into_iter().flatten().next()
}

pub(super) fn promises(scenario: &Scenario, params: &DetectorParams, variant: Variant) -> Promises {
    let s = Setting::of(scenario, params);
    let timing = scenario.network.timing;
    let t = params.timeout;
    let (p, b) = (s.period, s.bound);
    let two_faced = params.two_faced.map(|f| {
        format!(
            "{} is two-faced: it heartbeats to {} only, so the others suspect it though it never \
             crashes",
            scenario.processes[f],
            names(scenario, 0..f)
        )
    });
    let loses = || -> Option<String> {
        first([
            s.loses.then(|| {
                "the network loses messages, and a lost heartbeat looks like a crash".to_string()
            }),
            (s.drops > 0).then(|| {
                "you dropped a message, and a missing heartbeat looks like a crash".into()
            }),
        ])
    };
    let period_word = if timing.round().is_some() {
        "a round"
    } else {
        "a heartbeat period"
    };
    let too_short = (t <= p.saturating_add(b)).then(|| {
        format!(
            "the timeout ({t}) is not longer than {period_word} ({p}) plus the bound on a \
             message ({b}): a live process's next heartbeat may come after the timer ran out (at \
             equal ticks the timer, set earlier, goes first)"
        )
    });
    let fired = s.fired.then(|| {
        "a timeout hurried by hand runs out on a live process as easily as on a crashed one"
            .to_string()
    });
    let strong_accuracy = match variant {
        Variant::EventuallyPerfect => Some(String::new()),
        Variant::Perfect => first([
            match timing {
                Timing::Synchronous { .. } => None,
                Timing::Plain => Some(
                    "no timing model is chosen, so no bound on a message is known for the \
                     timeout to outlast"
                        .to_string(),
                ),
                _ => Some(
                    "the network is not synchronous: a heartbeat held up past the timeout makes \
                     a process suspect a live one"
                        .into(),
                ),
            },
            loses(),
            s.cuts.then(|| {
                "a link is cut, and the heartbeats lost on it look like a crash".to_string()
            }),
            fired.clone(),
            two_faced.clone(),
            too_short.clone(),
        ]),
    };
    let leader_accuracy = match variant {
        Variant::EventuallyPerfect => Some(String::new()),
        Variant::Perfect => strong_accuracy.clone().or_else(|| {
            (!s.recovered.is_empty()).then(|| {
                format!(
                    "{} crashes and comes back: a process turns back to it, though the leader it \
                     trusted meanwhile never crashed",
                    names(scenario, s.recovered.iter().copied())
                )
            })
        }),
    };
    let by_hand = s.lifecycle_by_hand.then(|| {
        "a crash, recovery, cut or heal made by hand comes at a step, not a time, and may come \
         too late for the detector to settle before the run ends"
            .to_string()
    });
    let no_end = match s.end {
        None => Some("the run has no time limit".to_string()),
        Some(_) => s.steps_short.map(|need| {
            format!(
                "the run may stop at step {} before it reaches its last tick (limits.max_steps \
                 of {need} would do)",
                scenario.limits.max_steps
            )
        }),
    };
    let end = s.end.unwrap_or(0);
    let eventual_accuracy = first([
        matches!(timing, Timing::Asynchronous { .. }).then(|| {
            "the network is asynchronous: no bound ever holds, so a held-up heartbeat can make a \
             process suspect a live one at any time"
                .to_string()
        }),
        loses(),
        s.cut_never_healed.then(|| {
            "a cut link is never healed: the processes it parts suspect each other for good".into()
        }),
        (timing.is_plain() && s.delays > 0).then(|| {
            "a heartbeat you delay by hand (with no timing model, as long as you like) can \
             leave a gap for a timeout at any time"
                .into()
        }),
        fired,
        by_hand.clone(),
        too_short.map(|why| match variant {
            Variant::Perfect => format!("{why}, and that may happen at any time"),
            Variant::EventuallyPerfect => format!(
                "the timeout starts at {t}, not longer than {period_word} ({p}) plus the bound \
                 on a message ({b}): it grows only after a false suspicion, and one may still \
                 come at any time before it has grown past that"
            ),
        }),
        no_end.clone(),
        settle_time(scenario, params).and_then(|settle| {
            (end < settle).then(|| {
                format!(
                    "the run ends at tick {end}, too soon after the {} for the heartbeats to put \
                     every false suspicion right (tick {settle} would do)",
                    if timing.gst().is_some_and(|g| g >= s.last_fault) {
                        "GST"
                    } else {
                        "last fault"
                    }
                )
            })
        }),
    ]);
    let completeness = if s.crashes {
        first([
            (timing.round().is_none() && s.delays > 0).then(|| {
                "a heartbeat you delay by hand may arrive at any time, even after a crashed \
                 process was found out, and make it trusted again"
                    .to_string()
            }),
            by_hand,
            no_end,
            {
                let done = completeness_time(scenario, params, variant);
                (end < done).then(|| {
                    format!(
                        "the run ends at tick {end}, too soon after its last crash or recovery \
                         for every timeout to run out (tick {done} would do)"
                    )
                })
            },
        ])
    } else {
        None
    };
    let agreement = first([two_faced, completeness.clone(), eventual_accuracy.clone()]);
    Promises {
        strong_accuracy,
        leader_accuracy,
        eventual_accuracy,
        completeness,
        agreement,
    }
}
