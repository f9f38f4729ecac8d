//! A bounded search for a schedule that breaks a property: the learner's hunt, automated.
//!
//! A property of a protocol holds or fails on one run, and a run is a pure function of its
//! scenario. The learner changes the run by intervening: dropping a message, holding it back,
//! crashing a node. [`find_violation`] tries such interventions systematically, on any protocol,
//! through [`Run`] alone, and returns the first schedule it finds under which the property fails,
//! ready to be put in the scenario's `interventions` and played.
//!
//! **What it explores.** Runs are explored depth first, in a fixed order. From a run, the
//! candidates are tied to the messages it delivers: for the message received at step `s`, the
//! search may
//!
//! * [`Move::Drop`] it,
//! * [`Move::Delay`] it by [`SearchBound::delay_by`] ticks (enough, with the default latencies,
//!   to let the other messages in flight overtake it),
//! * [`Move::Crash`] its receiver just before it arrives (the receiver stays down), or
//! * [`Move::Reboot`] its receiver just before it arrives: a crash and a recovery at the same
//!   step, so the receiver takes the message having lost whatever it did not keep on stable
//!   storage.
//!
//! Each candidate is applied at step `s` and the run replayed (from a checkpoint) to its end. A
//! second intervention is only ever placed at a later step than the first, or at the same step
//! for another message (after a drop or a delay, step `s` delivers a different message), so each
//! schedule is tried once. The search deepens iteratively: first the scenario as it is, then every
//! schedule of one intervention, then of two, up to [`SearchBound::max_interventions`], so the
//! schedule it returns is a shortest one (and among those, the first in step order).
//!
//! A safety property is checked on the completed run (or the run cut at
//! [`SearchBound::max_steps`]: a safety violation in a prefix is a violation). A liveness
//! property can only fail on a run that ended by itself: a run cut at the step limit is "not yet",
//! and does not count.
//!
//! For scale: on Paxos with two proposers, three acceptors and a learner (runs of about thirty
//! steps), the default bound (two moves) plays about 5,700 runs, under a second in a debug build.
//! Each extra move multiplies that by roughly the number of candidates in a run (a hundred or so).
//!
//! **What "none within this bound" means.** Only that no schedule of at most `max_interventions`
//! of the chosen moves, on this scenario and seed, breaks the property. It is evidence, not proof:
//! other seeds, longer schedules, other kinds of faults (duplicates, partitions, timing that only a
//! different seed draws) are not tried. A protocol is shown correct by an argument (for Paxos: any
//! two majorities share an acceptor), and the search only hunts for counterexamples to it. What
//! it does prove, when it finds one, is that the property can fail: the returned schedule replays
//! the failure exactly.
//!
//! ```
//! use spacetime_core::protocols;
//! use spacetime_core::search::{find_violation, SearchBound};
//!
//! // A two-general rule with one messenger: killing it breaks agreement. (Generals promises
//! // nothing here, but the search does not care about promises.)
//! let scenario = protocols::example("generals-one-messenger").unwrap();
//! let outcome = find_violation(&scenario, "agreement", &SearchBound::default()).unwrap();
//! let found = outcome.violation.expect("one dropped messenger is enough");
//! assert_eq!(found.interventions.len(), 1);
//! assert!(outcome.runs >= 1);
//! ```

use serde::{Deserialize, Serialize};

use crate::process::Time;
use crate::protocol::{PropertyKind, Run, Verdict};
use crate::scenario::{Action, Intervention, ProcessRef, Scenario, ScenarioError};
use crate::trace::{EventId, EventKind, MessageId};

/// One kind of intervention the search may try, tied to a message being delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// Drop the message.
    Drop,
    /// Hold the message back by [`SearchBound::delay_by`] ticks.
    Delay,
    /// Crash its receiver just before it arrives.
    Crash,
    /// Crash its receiver and bring it back just before the message arrives.
    Reboot,
}

/// How far the search goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchBound {
    /// The most moves the search adds to the scenario's own interventions (a reboot is one
    /// move made of two interventions).
    pub max_interventions: usize,
    /// Each run stops after this many steps (or the scenario's own limit, if lower).
    pub max_steps: u64,
    /// The moves it tries, in this order at each message.
    pub moves: Vec<Move>,
    /// How many ticks a [`Move::Delay`] holds a message back.
    pub delay_by: Time,
    /// The search stops after this many runs, whatever it has found; the outcome then says it
    /// did not finish.
    pub max_runs: u64,
}

impl Default for SearchBound {
    fn default() -> Self {
        SearchBound {
            max_interventions: 2,
            max_steps: 400,
            moves: vec![Move::Drop, Move::Delay, Move::Crash, Move::Reboot],
            delay_by: 50,
            max_runs: 100_000,
        }
    }
}

/// A schedule under which the property fails.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counterexample {
    /// The scenario's own interventions followed by the ones the search added: put these in the
    /// scenario's `interventions` and the run shows the violation.
    pub interventions: Vec<Intervention>,
    /// How many of them the search added: the last ones (a reboot adds two, a crash and a
    /// recovery).
    pub added: usize,
    /// The events that show the violation, as the property's verdict gives them.
    pub events: Vec<EventId>,
    /// The property's explanation.
    pub explanation: String,
}

/// What a search found, and how hard it looked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchOutcome {
    /// The first (shortest) violating schedule, if there is one within the bound.
    pub violation: Option<Counterexample>,
    /// How many runs it played, the scenario's own included.
    pub runs: u64,
    /// Whether it explored the whole bound (or stopped at a violation). `false` means it hit
    /// [`SearchBound::max_runs`] first, so "no violation" says even less.
    pub finished: bool,
}

impl SearchOutcome {
    /// Whether a violating schedule was found.
    pub fn found(&self) -> bool {
        self.violation.is_some()
    }
}

/// Look for interventions, at most `bound.max_interventions` of them, under which `property` of
/// `scenario`'s protocol fails. See the [module docs](self) for what is explored.
///
/// Errors: the scenario does not set up, or its protocol has no property called `property`.
pub fn find_violation(
    scenario: &Scenario,
    property: &str,
    bound: &SearchBound,
) -> Result<SearchOutcome, ScenarioError> {
    let mut bounded = scenario.clone();
    bounded.limits.max_steps = scenario.limits.max_steps.min(bound.max_steps);
    let run = Run::new(&bounded)?;
    let index = run
        .properties()
        .iter()
        .position(|p| p.name == property)
        .ok_or_else(|| {
            let known: Vec<&str> = run.properties().iter().map(|p| p.name.as_str()).collect();
            ScenarioError::invalid(
                "property",
                format!(
                    "{} has no property \"{property}\"; its properties are {}",
                    scenario.protocol,
                    known.join(", ")
                ),
            )
        })?;
    let liveness = run.properties()[index].kind == PropertyKind::Liveness;
    let mut search = Search {
        run,
        base: scenario.interventions.clone(),
        property: index,
        liveness,
        max_steps: bounded.limits.max_steps,
        bound,
        runs: 0,
        out_of_runs: false,
    };
    let mut schedule = Vec::new();
    for depth in 0..=bound.max_interventions {
        search.play(&schedule)?;
        if let Some(found) = search.deepen(&mut schedule, None, depth)? {
            return Ok(SearchOutcome {
                violation: Some(found),
                runs: search.runs,
                finished: true,
            });
        }
        if search.out_of_runs {
            break;
        }
    }
    Ok(SearchOutcome {
        violation: None,
        runs: search.runs,
        finished: !search.out_of_runs,
    })
}

/// A candidate: interventions at `step`, aimed at `message`.
struct Candidate {
    step: u64,
    message: MessageId,
    interventions: Vec<Intervention>,
}

struct Search<'a> {
    run: Run,
    base: Vec<Intervention>,
    property: usize,
    liveness: bool,
    max_steps: u64,
    bound: &'a SearchBound,
    runs: u64,
    out_of_runs: bool,
}

impl Search<'_> {
    /// Play the scenario with `schedule` added, to the end.
    fn play(&mut self, schedule: &[Intervention]) -> Result<(), ScenarioError> {
        let mut all = self.base.clone();
        all.extend_from_slice(schedule);
        self.run.set_interventions(all)?;
        self.run.run();
        self.runs += 1;
        if self.runs >= self.bound.max_runs {
            self.out_of_runs = true;
        }
        Ok(())
    }

    /// The property's verdict on the run just played, if it is a violation that counts.
    fn violation(&self, schedule: &[Intervention]) -> Option<Counterexample> {
        if self.liveness && self.run.steps_taken() >= self.max_steps {
            return None;
        }
        match self.run.properties()[self.property].check(self.run.trace()) {
            Verdict::Holds => None,
            Verdict::Violated {
                events,
                explanation,
            } => {
                let mut interventions = self.base.clone();
                interventions.extend_from_slice(schedule);
                Some(Counterexample {
                    interventions,
                    added: schedule.len(),
                    events,
                    explanation,
                })
            }
        }
    }

    /// The run just played is that of `schedule`: check it if `left` is 0, else try every way of
    /// adding `left` more interventions after `last` (the step and message of the latest one).
    fn deepen(
        &mut self,
        schedule: &mut Vec<Intervention>,
        last: Option<(u64, MessageId)>,
        left: usize,
    ) -> Result<Option<Counterexample>, ScenarioError> {
        if left == 0 {
            return Ok(self.violation(schedule));
        }
        for candidate in self.candidates(last) {
            if self.out_of_runs {
                break;
            }
            let len = schedule.len();
            schedule.extend(candidate.interventions);
            self.play(schedule)?;
            let next = Some((candidate.step, candidate.message));
            if let Some(found) = self.deepen(schedule, next, left - 1)? {
                return Ok(Some(found));
            }
            schedule.truncate(len);
        }
        Ok(None)
    }

    /// Every candidate on the run just played, in step order, then in the order of the moves.
    fn candidates(&self, last: Option<(u64, MessageId)>) -> Vec<Candidate> {
        let trace = self.run.trace();
        let mut out = Vec::new();
        let first_step = last.map_or(0, |(s, _)| s);
        // Events are in step order: skip to the first step that may take an intervention.
        let from = trace.events.partition_point(|e| e.step < first_step);
        for e in &trace.events[from..] {
            if e.kind != EventKind::Receive {
                continue;
            }
            let Some(message) = e.message else {
                continue;
            };
            if last.is_some_and(|(s, m)| s == e.step && m == message) {
                continue;
            }
            let receiver = ProcessRef::Name(trace.processes[e.process].clone());
            for &m in &self.bound.moves {
                let at = |action| Intervention {
                    step: e.step,
                    action,
                };
                let interventions = match m {
                    Move::Drop => vec![at(Action::Drop { message })],
                    Move::Delay => vec![at(Action::Delay {
                        message,
                        by: self.bound.delay_by,
                    })],
                    Move::Crash => vec![at(Action::Crash {
                        process: receiver.clone(),
                    })],
                    Move::Reboot => vec![
                        at(Action::Crash {
                            process: receiver.clone(),
                        }),
                        at(Action::Recover {
                            process: receiver.clone(),
                        }),
                    ],
                };
                out.push(Candidate {
                    step: e.step,
                    message,
                    interventions,
                });
            }
        }
        out
    }
}
