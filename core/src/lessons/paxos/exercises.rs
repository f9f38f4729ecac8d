//! The exercises of the Paxos lesson: break agreement in a broken variant, say which value a
//! proposer must propose, and pick the votes that make a value chosen.
//!
//! Every exercise is drawn on a run of [`crate::lessons::paxos::paxos`] with proposers `P1`, `P2`,
//! ..., acceptors `A1`, `A2`, ... and one learner `L1`. Its randomness (start times, the
//! network's seed and latencies, losses, values) comes from one generator seeded with the
//! exercise's seed; a run that does not suit the question is drawn again from the same
//! generator, so each (level, seed) always gives the same exercise. Every run is free of
//! warnings.
//!
//! | id                | asks for                                                 | form         |
//! |-------------------|----------------------------------------------------------|--------------|
//! | `break-agreement` | a schedule that makes a broken variant choose two values | `Intervene`  |
//! | `which-value`     | the value a proposer must propose after its promises     | `Choice`     |
//! | `quorum`          | the acceptances of a majority, in one ballot             | `PickEvents` |
//!
//! The levels:
//!
//! * `break-agreement`: two proposers, three acceptors, one learner, one ballot per proposer,
//!   `P1` starting first, as in the lesson's `paxos-broken-proposer` and `paxos-broken-acceptor`
//!   examples, with the interventions taken away. Easy, the `broken-proposer` variant (`P1` at
//!   0, `P2` at 30, values `x` and `y`, the network's seed drawn); medium, the same with
//!   `broken-acceptor`; hard, either variant with start times, latencies and values drawn too.
//!   Only runs whose agreement holds as they are, and where [`find_violation`] finds a schedule
//!   of one move that breaks it (dropping or delaying a message for `broken-proposer`, rebooting
//!   an acceptor for `broken-acceptor`), are kept. A schedule of one move is within the search's
//!   default bound, and the one found is the solution. The learner's
//!   schedule is judged by running it: right if `agreement` fails. The feedback's events are
//!   those of the run *with the learner's interventions*, the one the diagram then shows.
//! * `which-value`: the diagram stops at the step where a proposer, holding promises from a
//!   majority, sends its `Accept` messages, which are hidden; the options are every proposer's
//!   value (its own written `its own value (v)`) and "no value yet". Easy, two proposers and three
//!   acceptors, and a promise reports the other proposer's value as accepted; medium,
//!   two or three proposers, three or five acceptors, losses, and reports or none; hard, three
//!   proposers starting close together, five acceptors, a few losses, and the promises report
//!   two different values accepted in different ballots.
//! * `quorum`: the learner decided a value (the marked event); pick one acceptance per member
//!   of a majority (an acceptor's receipt of an `Accept` it accepted, or its `Accepted` message at
//!   either end). Easy, one proposer and three acceptors; medium, one or two proposers and five
//!   acceptors, with losses; hard, two or three proposers, and the decided value was accepted in
//!   more than one ballot, not by a majority in each.
//!
//! Ballots are written as the labels write them, `2.P1`: round 2 of proposer P1.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng as _;

use crate::exercise::{event_name, generate_with, ordinal, run_of, wrong_form};
use crate::exercise::{
    Answer, Exercise, ExerciseKind, Feedback, Labels, Level, Made, Question, Show,
};
use crate::lessons::paxos::paxos::PaxosParams;
use crate::process::{ProcessId, Rng, Time};
use crate::protocol::{Run, Verdict};
use crate::scenario::{Latency, Limits, NetworkModel, Scenario};
use crate::search::{find_violation, Move, SearchBound};
use crate::trace::{EventId, EventKind, MessageId, Trace};

// ---- Building and reading the runs ----

/// Pairs of values the hard levels draw from (the first proposer's first).
const VALUE_PAIRS: [(&str, &str); 5] = [
    ("x", "y"),
    ("red", "blue"),
    ("tea", "coffee"),
    ("left", "right"),
    ("cats", "dogs"),
];

/// The values of three proposers.
const THREE_VALUES: [&str; 3] = ["x", "y", "z"];

/// `P1, P2, A1, A2, A3, L1`.
fn process_names(params: &PaxosParams) -> Vec<String> {
    (1..=params.proposers)
        .map(|i| format!("P{i}"))
        .chain((1..=params.acceptors).map(|i| format!("A{i}")))
        .chain((1..=params.learners).map(|i| format!("L{i}")))
        .collect()
}

/// A Paxos scenario named for the lesson: `paxos-exercise-...`.
fn scenario(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    variant: &str,
    params: PaxosParams,
) -> Scenario {
    Scenario {
        name: format!("paxos-exercise-{}-{level}-{seed}", kind.id()),
        title: format!("{} ({level})", kind.title()),
        description: String::new(),
        protocol: "paxos".into(),
        variant: variant.into(),
        processes: process_names(&params),
        params: serde_json::to_value(params).expect("serialisable"),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 0,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 2_000,
            max_time: None,
        },
    }
}

/// Who is who in a Paxos exercise, read from its scenario.
struct Cast {
    processes: Vec<String>,
    params: PaxosParams,
}

impl Cast {
    fn of(scenario: &Scenario) -> Cast {
        Cast {
            processes: scenario.processes.clone(),
            params: scenario.params().unwrap_or_default(),
        }
    }

    fn name(&self, p: ProcessId) -> &str {
        self.processes.get(p).map_or("?", String::as_str)
    }

    fn is_proposer(&self, p: ProcessId) -> bool {
        p < self.params.proposers
    }

    fn is_acceptor(&self, p: ProcessId) -> bool {
        (self.params.proposers..self.params.proposers + self.params.acceptors).contains(&p)
    }

    fn majority(&self) -> usize {
        self.params.acceptors / 2 + 1
    }

    /// Proposer `p`'s own value.
    fn value(&self, p: ProcessId) -> String {
        self.params
            .values
            .get(p)
            .cloned()
            .unwrap_or_else(|| THREE_VALUES.get(p).unwrap_or(&"?").to_string())
    }

    /// The proposers in the order they start (the lower index first on a tie).
    fn by_start(&self) -> Vec<ProcessId> {
        let mut ps: Vec<ProcessId> = (0..self.params.proposers).collect();
        ps.sort_by_key(|&p| (self.params.start.get(p).copied().unwrap_or(0), p));
        ps
    }

    /// The order of a ballot as labels write it (`2.P1`): by round, then by proposer.
    fn ballot(&self, text: &str) -> Option<(u32, ProcessId)> {
        let (round, name) = text.split_once('.')?;
        let p = self.processes.iter().position(|n| n == name)?;
        Some((round.parse().ok()?, p))
    }
}

/// A Paxos message label, read.
#[derive(Clone, Debug, PartialEq)]
enum Label {
    Prepare {
        ballot: String,
    },
    /// With the proposal it reports (ballot, value), if any.
    Promise {
        ballot: String,
        accepted: Option<(String, String)>,
    },
    Nack {
        promised: String,
    },
    Accept {
        ballot: String,
        value: String,
    },
    Accepted {
        ballot: String,
        value: String,
    },
}

fn parse(label: &str) -> Option<Label> {
    let (word, rest) = label.split_once(' ')?;
    let ballot_value = || {
        let (b, v) = rest.split_once(' ')?;
        Some((b.to_string(), v.to_string()))
    };
    match word {
        "Prepare" => Some(Label::Prepare {
            ballot: rest.to_string(),
        }),
        "Promise" => {
            let (ballot, report) = rest.split_once(" (")?;
            let report = report.strip_suffix(')')?;
            let accepted = match report {
                "none" => None,
                _ => {
                    let (b, v) = report.split_once('=')?;
                    Some((b.to_string(), v.to_string()))
                }
            };
            Some(Label::Promise {
                ballot: ballot.to_string(),
                accepted,
            })
        }
        "Nack" => Some(Label::Nack {
            promised: rest.to_string(),
        }),
        "Accept" => ballot_value().map(|(ballot, value)| Label::Accept { ballot, value }),
        "Accepted" => ballot_value().map(|(ballot, value)| Label::Accepted { ballot, value }),
        _ => None,
    }
}

/// The label of the message an event sends or receives, read.
fn label_of(trace: &Trace, e: EventId) -> Option<Label> {
    let m = trace.events.get(e)?.message?;
    parse(&trace.messages[m].label)
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Shuffle in place with the exercise's generator.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// The first letter in capitals.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An event in words, for feedback: `h (A2 receives Prepare 1.P2)`.
fn describe(trace: &Trace, e: EventId) -> String {
    let Some(event) = trace.events.get(e) else {
        return format!("event {e}");
    };
    let who = trace
        .processes
        .get(event.process)
        .map_or("?", String::as_str);
    let what = match event.kind {
        EventKind::Send => format!("{who} sends {}", event.label),
        EventKind::Receive => format!("{who} receives {}", event.label),
        EventKind::Crash => format!("{who} crashes"),
        EventKind::Recover => format!("{who} recovers"),
        _ if event.label.is_empty() => format!("a step of {who}"),
        _ => format!("{who}: {}", event.label),
    };
    format!("{} ({what})", event_name(e))
}

/// The property `agreement`'s verdict on a run of the scenario.
fn agreement(scenario: &Scenario, trace: &Trace) -> Verdict {
    let Ok(run) = Run::new(scenario) else {
        return Verdict::Holds;
    };
    run.check(trace)
        .into_iter()
        .find(|r| r.name == "agreement")
        .map_or(Verdict::Holds, |r| r.verdict)
}

/// The `decide` outputs: (event, learner, value).
fn decisions(trace: &Trace) -> Vec<(EventId, ProcessId, String)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .map(|o| (o.event, o.process, o.value.clone()))
        .collect()
}

/// The chosen option of a choice question.
fn chosen(exercise: &Exercise, answer: &Answer) -> Result<String, Feedback> {
    let Question::Choice { options } = &exercise.question else {
        return Err(wrong_form("answer another question"));
    };
    let Answer::Choice(i) = *answer else {
        return Err(wrong_form("choose one of the options"));
    };
    options.get(i).cloned().ok_or_else(|| {
        Feedback::wrong(
            format!("Choose one of the {} options.", options.len()),
            Vec::new(),
        )
    })
}

// ---- Break agreement ----

/// Make a broken variant choose two values, by intervening on its run.
pub struct BreakAgreement;

impl ExerciseKind for BreakAgreement {
    fn id(&self) -> &'static str {
        "break-agreement"
    }

    fn title(&self) -> &'static str {
        "Break agreement"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x9a05_b4ea, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        if !matches!(exercise.question, Question::Intervene { .. }) {
            return wrong_form("answer another question");
        }
        let Answer::Interventions(interventions) = answer else {
            return wrong_form(
                "break agreement by changing the run: drop, delay or duplicate messages, crash \
                 or recover processes",
            );
        };
        let mut s = exercise.scenario.clone();
        s.interventions = interventions.clone();
        let run = match Run::complete(&s) {
            Ok(run) => run,
            Err(e) => {
                return Feedback::wrong(
                    format!(
                        "These interventions cannot be applied: {e}. Intervene on this run's own \
                         messages and processes."
                    ),
                    Vec::new(),
                )
            }
        };
        let trace = run.trace();
        let cast = Cast::of(&s);
        let broken_proposer = s.variant == "broken-proposer";
        if let Verdict::Violated {
            events,
            explanation,
        } = agreement(&s, trace)
        {
            let (why, mut more) = if broken_proposer {
                ignored_report(&cast, trace)
            } else {
                forgotten_promise(&cast, trace)
            };
            let mut all = events;
            all.append(&mut more);
            return Feedback::right(
                format!(
                    "Right: agreement breaks. {}. {why}",
                    upper_first(&explanation)
                ),
                all,
            );
        }
        let mut message = String::from("Agreement still holds");
        let mut events = Vec::new();
        let decided = decisions(trace);
        if let Some(warning) = trace.warnings.first() {
            message.push_str(&format!(
                ", and one of your interventions did nothing ({warning})."
            ));
        } else if interventions.is_empty() {
            message.push_str(": you have not changed the run yet.");
        } else {
            message.push('.');
        }
        let values: BTreeSet<&str> = decided.iter().map(|(_, _, v)| v.as_str()).collect();
        match values.iter().next() {
            None => message.push_str(
                " Nobody decided anything, so no two decisions differ: your interventions kept \
                 even one value from being chosen.",
            ),
            Some(v) => {
                let (e, l, _) = &decided[0];
                events.push(*e);
                message.push_str(&format!(
                    " Only {v} was chosen: {} decided it at {} and nothing else.",
                    cast.name(*l),
                    event_name(*e)
                ));
            }
        }
        let (diagnosis, mut more) = if broken_proposer {
            proposer_diagnosis(&cast, trace)
        } else {
            acceptor_diagnosis(&cast, trace)
        };
        if !diagnosis.is_empty() {
            message.push(' ');
            message.push_str(&diagnosis);
        }
        message.push(' ');
        message.push_str(&hint(&cast, broken_proposer));
        events.append(&mut more);
        Feedback::wrong(message, events)
    }
}

/// The first and the second proposer to start, with their values.
fn duo(cast: &Cast) -> (ProcessId, String, ProcessId, String) {
    let order = cast.by_start();
    let (first, second) = (order[0], order.get(1).copied().unwrap_or(order[0]));
    (first, cast.value(first), second, cast.value(second))
}

/// What it takes to break agreement in this variant, in the course's terms.
fn hint(cast: &Cast, broken_proposer: bool) -> String {
    let (first, x, second, y) = duo(cast);
    let (p1, p2) = (cast.name(first), cast.name(second));
    if broken_proposer {
        format!(
            "For two values to be chosen, {x} must first win a majority in {p1}'s ballot, and \
             {p2}'s higher ballot must reach those acceptors only after they have accepted {x} \
             (an acceptor that has promised the higher ballot refuses the lower one's Accept). \
             So let {p2} start its ballot after a majority has accepted {x}: make one of its \
             Prepare messages miss its acceptor, or come late, while {p2} still gets a majority \
             of promises. This broken {p2} ignores the {x} they report and proposes its own {y}."
        )
    } else {
        format!(
            "For two values to be chosen, an acceptor that has promised {p2}'s higher ballot \
             must crash and recover before {p1}'s Accept of {x}, from the lower ballot, reaches \
             it: this broken acceptor kept its promise in memory only, so it forgets it and \
             accepts {x}, which gives {x} a majority, while {y} wins a majority in {p2}'s ballot \
             too."
        )
    }
}

/// Why a broken-proposer run that keeps agreement did: the first thing missing.
fn proposer_diagnosis(cast: &Cast, trace: &Trace) -> (String, Vec<EventId>) {
    let (first, x, second, y) = duo(cast);
    let accepts_of = |p: ProcessId| {
        trace
            .messages
            .iter()
            .find(|m| m.from == p && matches!(parse(&m.label), Some(Label::Accept { .. })))
    };
    if accepts_of(second).is_none() {
        let prepares: Vec<EventId> = trace
            .messages
            .iter()
            .filter(|m| m.from == second && matches!(parse(&m.label), Some(Label::Prepare { .. })))
            .map(|m| m.send_event)
            .collect();
        return (
            format!(
                "{} never gathered promises from a majority of acceptors, so it never proposed \
                 {y}: leave it a majority.",
                cast.name(second)
            ),
            prepares,
        );
    }
    // Did the first value win a majority in its ballot?
    let accepted_first: BTreeSet<ProcessId> = trace
        .messages
        .iter()
        .filter(|m| {
            matches!(parse(&m.label), Some(Label::Accepted { ref value, ref ballot })
                if *value == x && cast.ballot(ballot).is_some_and(|(_, p)| p == first))
        })
        .map(|m| m.from)
        .collect();
    if accepted_first.len() < cast.majority() {
        let refusals: Vec<&crate::trace::Message> = trace
            .messages
            .iter()
            .filter(|m| m.to == first && matches!(parse(&m.label), Some(Label::Nack { .. })))
            .collect();
        let who: Vec<String> = refusals
            .iter()
            .map(|m| cast.name(m.from).to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let why = if who.is_empty() {
            String::new()
        } else {
            format!(
                ": {} had already promised {}'s higher ballot and refused it",
                and_list(&who),
                cast.name(second)
            )
        };
        return (
            format!(
                "{x} never won a majority in {}'s ballot{why}.",
                cast.name(first)
            ),
            refusals.iter().map(|m| m.send_event).collect(),
        );
    }
    (String::new(), Vec::new())
}

/// Why a broken-acceptor run that keeps agreement did: the first thing missing.
fn acceptor_diagnosis(cast: &Cast, trace: &Trace) -> (String, Vec<EventId>) {
    let crashes: Vec<EventId> = trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Crash && cast.is_acceptor(e.process))
        .map(|e| e.id)
        .collect();
    if crashes.is_empty() {
        return (
            "No acceptor crashed, so every acceptor kept its promises: this variant goes wrong \
             only after a crash."
                .into(),
            Vec::new(),
        );
    }
    let down: Vec<EventId> = crashes
        .iter()
        .copied()
        .filter(|&c| {
            let p = trace.events[c].process;
            !trace.events[c..]
                .iter()
                .any(|e| e.process == p && e.kind == EventKind::Recover)
        })
        .collect();
    if let Some(&c) = down.first() {
        let who = cast.name(trace.events[c].process);
        return (
            format!(
                "{who} crashed at {} and stayed down: a crashed acceptor accepts nothing, so its \
                 vote is lost to both values. Bring it back up.",
                event_name(c)
            ),
            down,
        );
    }
    (String::new(), crashes)
}

/// In a broken-proposer run that broke agreement: the proposal that ignored a report.
fn ignored_report(cast: &Cast, trace: &Trace) -> (String, Vec<EventId>) {
    for phase in phase_twos(cast, trace) {
        if let Some((ballot, value, e)) = phase.highest_report(cast) {
            if value != phase.value {
                let p = cast.name(phase.proposer);
                return (
                    format!(
                        "{p}'s promises reported {value}, accepted in {ballot}, but this broken \
                         proposer ignored the report and proposed its own {} in {}. A correct \
                         proposer must propose {value} again, and then agreement holds.",
                        phase.value, phase.ballot
                    ),
                    vec![e],
                );
            }
        }
    }
    (
        "Two majorities accepted different values in different ballots.".into(),
        Vec::new(),
    )
}

/// In a broken-acceptor run that broke agreement: the acceptor that forgot its promise.
fn forgotten_promise(cast: &Cast, trace: &Trace) -> (String, Vec<EventId>) {
    for r in trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Recover && cast.is_acceptor(e.process))
    {
        let a = r.process;
        let promised = trace.events[..r.id]
            .iter()
            .filter(|e| e.process == a && e.kind == EventKind::Send)
            .filter_map(|e| match label_of(trace, e.id) {
                Some(Label::Promise { ballot, .. }) => Some(ballot),
                _ => None,
            })
            .max_by_key(|b| cast.ballot(b));
        let Some(promised) = promised else { continue };
        let lower = trace.events[r.id..]
            .iter()
            .filter(|e| e.process == a && e.kind == EventKind::Send)
            .find_map(|e| match label_of(trace, e.id) {
                Some(Label::Accepted { ballot, value })
                    if cast.ballot(&ballot) < cast.ballot(&promised) =>
                {
                    Some((ballot, value, e.id))
                }
                _ => None,
            });
        if let Some((ballot, value, e)) = lower {
            return (
                format!(
                    "{} had promised {promised}, forgot the promise when it crashed (this broken \
                     acceptor kept it in memory only), and then accepted {value} in the lower \
                     ballot {ballot}. A correct acceptor keeps its promise on stable storage and \
                     would have refused.",
                    cast.name(a)
                ),
                vec![r.id, e],
            );
        }
    }
    (
        "Two majorities accepted different values in different ballots.".into(),
        Vec::new(),
    )
}

impl BreakAgreement {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let variant = match level {
            Level::Easy => "broken-proposer",
            Level::Medium => "broken-acceptor",
            Level::Hard => {
                if rng.random_bool(0.5) {
                    "broken-proposer"
                } else {
                    "broken-acceptor"
                }
            }
        };
        let (values, start) = if level == Level::Hard {
            let (a, b) = VALUE_PAIRS[rng.random_range(0..VALUE_PAIRS.len())];
            let first = rng.random_range(0..=10);
            (vec![a, b], vec![first, first + rng.random_range(15..=40)])
        } else {
            (vec!["x", "y"], vec![0, 30])
        };
        let params = PaxosParams {
            proposers: 2,
            acceptors: 3,
            learners: 1,
            values: values.iter().map(|v| v.to_string()).collect(),
            start,
            max_attempts: 1,
            ..PaxosParams::default()
        };
        let mut s = scenario(self, level, seed, variant, params);
        s.seed = rng.random_range(0..1_000_000);
        if level == Level::Hard {
            s.network.latency = Latency {
                min: rng.random_range(5..=10),
                max: rng.random_range(20..=35),
            };
        }
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || !agreement(&s, &trace).holds() {
            return None;
        }
        let moves = if variant == "broken-proposer" {
            vec![Move::Drop, Move::Delay]
        } else {
            vec![Move::Reboot]
        };
        let bound = SearchBound {
            max_interventions: 1,
            moves,
            ..SearchBound::default()
        };
        let found = find_violation(&s, "agreement", &bound).ok()?.violation?;
        let mut broken = s.clone();
        broken.interventions = found.interventions.clone();
        let replay = Run::complete(&broken).ok()?;
        if !replay.trace().warnings.is_empty() || agreement(&broken, replay.trace()).holds() {
            return None;
        }
        let cast = Cast::of(&s);
        let (first, x, second, y) = duo(&cast);
        let (p1, p2) = (cast.name(first), cast.name(second));
        let t1 = cast.params.start[first];
        let t2 = cast.params.start[second];
        let rule = if variant == "broken-proposer" {
            "In this broken variant a proposer ignores what the promises report and always \
             proposes its own value."
        } else {
            "In this broken variant an acceptor keeps its promise in memory only, so a crash \
             makes it forget what it promised (what it accepted survives)."
        };
        let now = match decisions(&trace).first() {
            Some((_, l, v)) => format!("As it runs now, {} decides {v} only.", cast.name(*l)),
            None => "As it runs now, nothing is decided.".to_string(),
        };
        let prompt = format!(
            "Two proposers run Paxos with three acceptors and a learner, L1: {p1} wants {x} and \
             starts at time {t1}, {p2} wants {y} and starts at time {t2}, and each tries a \
             single ballot. {rule} {now} Step through the run and change it (drop, delay or \
             duplicate a message in flight; crash or recover a process) until agreement breaks: \
             two different values chosen."
        );
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: Vec::new(),
                },
                question: Question::Intervene {
                    property: "agreement".into(),
                },
                solution: Answer::Interventions(found.interventions),
            },
        ))
    }
}

// ---- Which value? ----

/// One proposer's move into phase 2, read from a run.
struct PhaseTwo {
    proposer: ProcessId,
    ballot: String,
    /// The value it proposed.
    value: String,
    /// The step that sent its `Accept` messages.
    step: u64,
    /// Its `Accept` messages.
    accepts: Vec<MessageId>,
    /// The promises it had: the receipt, the acceptor, the proposal reported.
    promises: Vec<(EventId, ProcessId, Option<Reported>)>,
}

/// A proposal a promise reports: (ballot, value).
type Reported = (String, String);

impl PhaseTwo {
    /// The highest-ballot proposal its promises report: (ballot, value, the receipt).
    fn highest_report(&self, cast: &Cast) -> Option<(String, String, EventId)> {
        self.promises
            .iter()
            .filter_map(|(e, _, r)| r.as_ref().map(|(b, v)| (b.clone(), v.clone(), *e)))
            .max_by_key(|(b, _, _)| cast.ballot(b))
    }

    /// The value the Paxos rule says it must propose.
    fn rule_value(&self, cast: &Cast) -> String {
        self.highest_report(cast)
            .map_or_else(|| cast.value(self.proposer), |(_, v, _)| v)
    }

    /// The distinct proposals reported, highest ballot first.
    fn reports(&self, cast: &Cast) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .promises
            .iter()
            .filter_map(|(_, _, r)| r.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        all.sort_by_key(|(b, _)| std::cmp::Reverse(cast.ballot(b)));
        all
    }
}

/// Every proposer's moves into phase 2, in the order they happened.
fn phase_twos(cast: &Cast, trace: &Trace) -> Vec<PhaseTwo> {
    let mut out: Vec<PhaseTwo> = Vec::new();
    for m in &trace.messages {
        let Some(Label::Accept { ballot, value }) = parse(&m.label) else {
            continue;
        };
        if !cast.is_proposer(m.from) {
            continue;
        }
        if let Some(p) = out
            .iter_mut()
            .find(|p| p.proposer == m.from && p.ballot == ballot)
        {
            p.accepts.push(m.id);
            continue;
        }
        let first_send = m.send_event;
        let promises = trace
            .events
            .iter()
            .take(first_send)
            .filter(|e| e.process == m.from && e.kind == EventKind::Receive)
            .filter_map(|e| {
                let msg = &trace.messages[e.message?];
                match parse(&msg.label) {
                    Some(Label::Promise {
                        ballot: b,
                        accepted,
                    }) if b == ballot => Some((e.id, msg.from, accepted)),
                    _ => None,
                }
            })
            .collect();
        out.push(PhaseTwo {
            proposer: m.from,
            ballot,
            value,
            step: trace.events[first_send].step,
            accepts: vec![m.id],
            promises,
        });
    }
    out
}

/// Which value a proposer must propose, once a majority has promised.
pub struct WhichValue;

/// The option that says the proposer may not propose yet.
const NOT_YET: &str = "no value yet: it must first try a higher ballot";

/// `its own value (y)`.
fn own_option(value: &str) -> String {
    format!("its own value ({value})")
}

/// The value an option names, if it names one.
fn option_value(option: &str) -> Option<String> {
    if option == NOT_YET {
        return None;
    }
    Some(
        option
            .strip_prefix("its own value (")
            .and_then(|o| o.strip_suffix(')'))
            .unwrap_or(option)
            .to_string(),
    )
}

impl ExerciseKind for WhichValue {
    fn id(&self) -> &'static str {
        "which-value"
    }

    fn title(&self) -> &'static str {
        "Which value must it propose?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x3a1e_0b0e, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let cast = Cast::of(&exercise.scenario);
        let trace = &exercise.trace;
        let Some(phase) = phase_twos(&cast, trace).pop() else {
            return Feedback::wrong(
                "This exercise's run has no Accept to ask about.",
                Vec::new(),
            );
        };
        let p = cast.name(phase.proposer).to_string();
        let own = cast.value(phase.proposer);
        let right = phase.rule_value(&cast);
        let highest = phase.highest_report(&cast);
        let promisers: Vec<String> = phase
            .promises
            .iter()
            .map(|(_, a, _)| cast.name(*a).to_string())
            .collect();
        let mut events: Vec<EventId> = Vec::new();
        if let Some((_, _, e)) = &highest {
            events.push(*e);
        }
        for (e, _, _) in &phase.promises {
            if !events.contains(e) {
                events.push(*e);
            }
        }
        let majority = format!(
            "{} promised {} (a majority of {})",
            and_list(&promisers),
            phase.ballot,
            cast.params.acceptors
        );
        let reason = match &highest {
            None => format!(
                "{majority}, and none of them reports an accepted value, so nothing can have \
                 been chosen yet and {p} is free to propose its own value, {own}."
            ),
            Some((b, v, e)) => {
                let others: Vec<String> = phase
                    .reports(&cast)
                    .into_iter()
                    .filter(|(ob, _)| ob != b)
                    .map(|(ob, ov)| format!("{ov} in {ob}"))
                    .collect();
                let lower = if others.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (the others report {}, in lower ballots)",
                        and_list(&others)
                    )
                };
                let reporter = trace
                    .events
                    .get(*e)
                    .and_then(|ev| ev.message)
                    .map_or("?", |m| cast.name(trace.messages[m].from));
                format!(
                    "{majority}. The highest-ballot proposal they report is {v}, accepted in \
                     {b} ({reporter}'s promise, {}){lower}: {v} may already be chosen, so {p} \
                     must propose {v}{}.",
                    event_name(*e),
                    if *v == own {
                        ", which happens to be its own value".to_string()
                    } else {
                        format!(", not its own {own}")
                    }
                )
            }
        };
        let picked = option_value(&option);
        if picked.as_deref() == Some(right.as_str()) {
            return Feedback::right(format!("Right: {right}. {}", upper_first(&reason)), events);
        }
        let mistake = match picked {
            None => format!(
                "a majority has promised {}, and that is all phase 1 needs: what the promises \
                 report does not stop {p}, it tells {p} which value to propose",
                phase.ballot
            ),
            Some(v) if v == own && highest.is_some() => format!(
                "{p} may propose its own value only when no promise reports an accepted one"
            ),
            Some(v) => {
                let reported = phase.reports(&cast).into_iter().find(|(_, rv)| *rv == v);
                match reported {
                    Some((b, _)) => format!(
                        "{v} was accepted in {b}, but a higher ballot is reported, and the \
                         highest one counts: a value chosen earlier would have been proposed \
                         again in every later ballot"
                    ),
                    None if highest.is_none() => format!(
                        "no promise reports {v}; with nothing reported, {p} proposes its own value"
                    ),
                    None => format!("none of {p}'s promises reports {v}"),
                }
            }
        };
        let option = if option == NOT_YET {
            "\"no value yet\"".to_string()
        } else {
            option
        };
        Feedback::wrong(
            format!("Not {option}: {mistake}. {}", upper_first(&reason)),
            events,
        )
    }
}

impl WhichValue {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (proposers, acceptors) = match level {
            Level::Easy => (2, 3),
            Level::Medium => (
                rng.random_range(2..=3),
                if rng.random_bool(0.5) { 3 } else { 5 },
            ),
            Level::Hard => (3, 5),
        };
        let gaps = if level == Level::Hard {
            5..=30
        } else {
            20..=70
        };
        let mut start: Vec<Time> = vec![0];
        for _ in 1..proposers {
            let last = *start.last().unwrap_or(&0);
            start.push(last + rng.random_range(gaps.clone()));
        }
        let params = PaxosParams {
            proposers,
            acceptors,
            learners: 1,
            values: THREE_VALUES[..proposers]
                .iter()
                .map(|v| v.to_string())
                .collect(),
            start,
            max_attempts: 4,
            backoff: 40,
            ..PaxosParams::default()
        };
        let mut s = scenario(self, level, seed, "correct", params);
        s.seed = rng.random_range(0..1_000_000);
        if level != Level::Easy {
            s.network.loss = if level == Level::Hard {
                rng.random_range(0.05..0.15)
            } else {
                rng.random_range(0.0..0.2)
            };
            s.network.latency = Latency {
                min: 5,
                max: rng.random_range(20..=40),
            };
        }
        let full = run_of(&s);
        if !full.warnings.is_empty() {
            return None;
        }
        let cast = Cast::of(&s);
        let fits = |p: &PhaseTwo| {
            let reports = p.reports(&cast);
            let own = cast.value(p.proposer);
            match level {
                Level::Easy => reports.iter().any(|(_, v)| *v != own),
                Level::Medium => true,
                Level::Hard => {
                    reports
                        .iter()
                        .map(|(_, v)| v)
                        .collect::<BTreeSet<_>>()
                        .len()
                        >= 2
                }
            }
        };
        let candidates: Vec<PhaseTwo> = phase_twos(&cast, &full)
            .into_iter()
            .filter(|p| fits(p))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let phase = &candidates[rng.random_range(0..candidates.len())];
        if level == Level::Medium && phase.reports(&cast).is_empty() && rng.random_bool(0.5) {
            return None;
        }
        if phase.value != phase.rule_value(&cast) {
            return None;
        }
        s.limits.max_steps = phase.step + 1;
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || trace.step_count() != phase.step + 1 {
            return None;
        }
        // The run cut at that step ends with the same move into phase 2.
        let cut = phase_twos(&cast, &trace).pop()?;
        if cut.proposer != phase.proposer || cut.ballot != phase.ballot {
            return None;
        }
        let own = cast.value(cut.proposer);
        let mut values: Vec<String> = (0..proposers).map(|p| cast.value(p)).collect();
        for (_, v) in cut.reports(&cast) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        let mut options: Vec<String> = values
            .iter()
            .map(|v| if *v == own { own_option(v) } else { v.clone() })
            .collect();
        options.push(NOT_YET.into());
        shuffle(&mut options, rng);
        let right = cut.rule_value(&cast);
        let solution = options
            .iter()
            .position(|o| option_value(o).as_deref() == Some(right.as_str()))?;
        let p = cast.name(cut.proposer);
        let majority = cast.majority();
        let prompt = format!(
            "{proposers} proposers run Paxos with {acceptors} acceptors (a majority is \
             {majority}); {}. The diagram stops as {p}, in ballot {}, has just received \
             promises from a majority (the marked receipts) and sends its Accept messages, which \
             are hidden. Which value must {p} propose in them?",
            and_list(
                &(0..proposers)
                    .map(|q| format!("{} wants {}", cast.name(q), cast.value(q)))
                    .collect::<Vec<_>>()
            ),
            cut.ballot
        );
        let marked = cut.promises.iter().map(|(e, _, _)| *e).collect();
        let hidden = cut.accepts.clone();
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: hidden,
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- A majority in one ballot ----

/// The acceptances that make the decided value chosen.
pub struct Quorum;

/// An acceptance: the acceptor, the ballot, the value.
type Acceptance = (ProcessId, String, String);

/// The acceptance an event shows: an acceptor's receipt of an `Accept` it accepted, or an
/// `Accepted` message, at either end.
fn acceptance(cast: &Cast, trace: &Trace, e: EventId) -> Option<Acceptance> {
    let event = trace.events.get(e)?;
    let m = &trace.messages[event.message?];
    match (event.kind, parse(&m.label)?) {
        (_, Label::Accepted { ballot, value }) if cast.is_acceptor(m.from) => {
            Some((m.from, ballot, value))
        }
        (EventKind::Receive, Label::Accept { ballot, value })
            if cast.is_acceptor(event.process) =>
        {
            // It accepted if it answered with Accepted in the same step.
            let answered = trace.events[e + 1..]
                .iter()
                .take_while(|x| x.step == event.step)
                .any(|x| {
                    x.process == event.process
                        && x.kind == EventKind::Send
                        && matches!(label_of(trace, x.id), Some(Label::Accepted { .. }))
                });
            answered.then_some((event.process, ballot, value))
        }
        _ => None,
    }
}

/// Every acceptance in the run: where it happened (the receipt of the `Accept`).
fn acceptances(cast: &Cast, trace: &Trace) -> Vec<(EventId, Acceptance)> {
    trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Receive && cast.is_acceptor(e.process))
        .filter_map(|e| {
            let a = acceptance(cast, trace, e.id)?;
            matches!(label_of(trace, e.id), Some(Label::Accept { .. })).then_some((e.id, a))
        })
        .collect()
}

/// Why an event is not an acceptance, in the course's terms.
fn not_an_acceptance(cast: &Cast, trace: &Trace, e: EventId) -> String {
    let what = describe(trace, e);
    let event = &trace.events[e];
    match label_of(trace, e) {
        Some(Label::Prepare { .. }) => {
            format!("{what} is phase 1: a request for promises, not a vote for a value")
        }
        Some(Label::Promise { .. }) => {
            format!("{what} is phase 1: a promise to ignore lower ballots, not a vote for a value")
        }
        Some(Label::Nack { .. }) => format!("{what} is a refusal, not a vote"),
        Some(Label::Accept { .. }) if event.kind == EventKind::Send => {
            format!("{what} is the proposer asking for votes: a proposal is not an acceptance")
        }
        Some(Label::Accept { .. }) => {
            format!("{what}, but refuses it: it had promised a higher ballot, so this is no vote")
        }
        _ if cast.is_acceptor(event.process) => format!("{what} is not an acceptance"),
        _ => format!("{what} is not an acceptance: acceptances happen on the acceptors' lanes"),
    }
}

impl ExerciseKind for Quorum {
    fn id(&self) -> &'static str {
        "quorum"
    }

    fn title(&self) -> &'static str {
        "Which votes made it chosen?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x0c0_a11ed, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let Question::PickEvents { roles } = &exercise.question else {
            return wrong_form("answer another question");
        };
        let Answer::PickEvents(picks) = answer else {
            return wrong_form("pick events on the diagram");
        };
        if picks.len() != roles.len() {
            return Feedback::wrong(
                format!(
                    "Pick {} events, one for each acceptor of a majority.",
                    roles.len()
                ),
                Vec::new(),
            );
        }
        let trace = &exercise.trace;
        if let Some(&bad) = picks.iter().find(|&&e| e >= trace.events.len()) {
            return Feedback::wrong(
                format!("There is no event {} in this run.", event_name(bad)),
                Vec::new(),
            );
        }
        let cast = Cast::of(&exercise.scenario);
        let Some((decide, learner, x)) = decisions(trace).into_iter().next() else {
            return Feedback::wrong("This exercise's run decides nothing.", Vec::new());
        };
        let l = cast.name(learner).to_string();
        let m = cast.majority();
        let all = acceptances(&cast, trace);
        // For each ballot, the acceptors that accepted x in it.
        let mut by_ballot: BTreeMap<String, BTreeSet<ProcessId>> = BTreeMap::new();
        for (_, (a, b, v)) in &all {
            if *v == x {
                by_ballot.entry(b.clone()).or_default().insert(*a);
            }
        }
        let Answer::PickEvents(solution) = exercise.solution() else {
            return Feedback::wrong("This exercise has no solution.", Vec::new());
        };
        let names = |set: &BTreeSet<ProcessId>| -> String {
            and_list(
                &set.iter()
                    .map(|a| cast.name(*a).to_string())
                    .collect::<Vec<_>>(),
            )
        };
        let deciding = solution
            .first()
            .and_then(|&e| acceptance(&cast, trace, e))
            .map(|(_, b, _)| b)
            .unwrap_or_default();
        let right_text = format!(
            "{} accepted {x} in {deciding}, a majority of {} acceptors",
            by_ballot.get(&deciding).map(names).unwrap_or_default(),
            cast.params.acceptors
        );
        let with = |first: EventId| -> Vec<EventId> {
            let mut events = vec![first];
            events.extend(solution.iter().copied().filter(|&e| e != first));
            events.push(decide);
            events
        };
        let mut seen: BTreeMap<ProcessId, EventId> = BTreeMap::new();
        let mut ballot: Option<(String, EventId)> = None;
        for &e in picks {
            let Some((a, b, v)) = acceptance(&cast, trace, e) else {
                return Feedback::wrong(
                    format!(
                        "Not {}: {}. An acceptance is an acceptor taking an Accept and \
                         answering Accepted. {}.",
                        event_name(e),
                        not_an_acceptance(&cast, trace, e),
                        upper_first(&right_text)
                    ),
                    with(e),
                );
            };
            let who = cast.name(a);
            if v != x {
                return Feedback::wrong(
                    format!(
                        "Not {}: that is {who} accepting {v} in {b}, but the value {l} decided \
                         is {x}. {}.",
                        event_name(e),
                        upper_first(&right_text)
                    ),
                    with(e),
                );
            }
            let voters = by_ballot.get(&b).cloned().unwrap_or_default();
            if voters.len() < m {
                return Feedback::wrong(
                    format!(
                        "Not {}: {who} accepted {x} in {b}, but only {} accepted it in {b}, \
                         short of a majority of {m}. A value is chosen when a majority accepts \
                         it in one ballot. {}.",
                        event_name(e),
                        names(&voters),
                        upper_first(&right_text)
                    ),
                    with(e),
                );
            }
            if let Some((first_ballot, first)) = &ballot {
                if *first_ballot != b {
                    return Feedback::wrong(
                        format!(
                            "Not {}: it is from ballot {b}, but {} is from {first_ballot}. A \
                             majority must accept in one ballot: votes from different ballots \
                             never add up.",
                            event_name(e),
                            event_name(*first)
                        ),
                        with(e),
                    );
                }
            } else {
                ballot = Some((b.clone(), e));
            }
            if let Some(&earlier) = seen.get(&a) {
                let twice = if earlier == e {
                    format!("Not {} twice: it is one acceptance, {who}'s", event_name(e))
                } else {
                    format!(
                        "Not {} and {}: both are {who}'s acceptance",
                        event_name(earlier),
                        event_name(e)
                    )
                };
                return Feedback::wrong(
                    format!(
                        "{twice}, and a majority is {m} different acceptors. {}.",
                        upper_first(&right_text)
                    ),
                    with(e),
                );
            }
            seen.insert(a, e);
        }
        let (b, _) = ballot.unwrap_or_default();
        let who: BTreeSet<ProcessId> = seen.keys().copied().collect();
        Feedback::right(
            format!(
                "Right: {} accepted {x} in {b}, {m} of the {} acceptors, a majority. {x} was \
                 chosen the moment the last of them accepted it, before anyone knew; {l} \
                 learned it when their Accepted messages reached it, and decided at {}.",
                names(&who),
                cast.params.acceptors,
                event_name(decide)
            ),
            picks.iter().copied().chain([decide]).collect(),
        )
    }
}

impl Quorum {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (proposers, acceptors) = match level {
            Level::Easy => (1, 3),
            Level::Medium => (rng.random_range(1..=2), 5),
            Level::Hard => (
                rng.random_range(2..=3),
                if rng.random_bool(0.5) { 3 } else { 5 },
            ),
        };
        let mut start: Vec<Time> = vec![0];
        for _ in 1..proposers {
            let last = *start.last().unwrap_or(&0);
            start.push(last + rng.random_range(10..=60));
        }
        let params = PaxosParams {
            proposers,
            acceptors,
            learners: 1,
            values: THREE_VALUES[..proposers]
                .iter()
                .map(|v| v.to_string())
                .collect(),
            start,
            max_attempts: 5,
            backoff: 40,
            ..PaxosParams::default()
        };
        let mut s = scenario(self, level, seed, "correct", params);
        s.seed = rng.random_range(0..1_000_000);
        s.network.latency = Latency {
            min: 5,
            max: rng.random_range(20..=40),
        };
        if level != Level::Easy {
            s.network.loss = rng.random_range(0.0..0.15);
        }
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || !agreement(&s, &trace).holds() {
            return None;
        }
        let cast = Cast::of(&s);
        let (decide, learner, x) = decisions(&trace).into_iter().next()?;
        // The Accepted messages the learner counted: those of the deciding ballot up to the
        // decision.
        let deciding = match label_of(&trace, decide)? {
            Label::Accepted { ballot, value } if value == x => ballot,
            _ => return None,
        };
        let counted: Vec<ProcessId> = trace
            .events
            .iter()
            .take(decide + 1)
            .filter(|e| e.process == learner && e.kind == EventKind::Receive)
            .filter_map(|e| {
                let msg = &trace.messages[e.message?];
                match parse(&msg.label) {
                    Some(Label::Accepted { ballot, value }) if ballot == deciding && value == x => {
                        Some(msg.from)
                    }
                    _ => None,
                }
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if counted.len() != cast.majority() {
            return None;
        }
        let all = acceptances(&cast, &trace);
        let solution: Vec<EventId> = counted
            .iter()
            .filter_map(|&a| {
                all.iter()
                    .find(|(_, (who, b, v))| *who == a && *b == deciding && *v == x)
                    .map(|(e, _)| *e)
            })
            .collect();
        if solution.len() != counted.len() {
            return None;
        }
        if level == Level::Hard {
            // x was accepted in another ballot too, by fewer than a majority.
            let mut by_ballot: BTreeMap<&str, BTreeSet<ProcessId>> = BTreeMap::new();
            for (_, (a, b, v)) in &all {
                if *v == x {
                    by_ballot.entry(b.as_str()).or_default().insert(*a);
                }
            }
            let short = by_ballot
                .iter()
                .any(|(b, who)| *b != deciding && who.len() < cast.majority());
            if !short {
                return None;
            }
        }
        let mut solution = solution;
        shuffle(&mut solution, rng);
        let m = cast.majority();
        let roles: Vec<String> = (1..=m)
            .map(|i| format!("{} acceptance", ordinal(i)))
            .collect();
        let l = cast.name(learner);
        let who = if proposers == 1 {
            "One proposer runs".to_string()
        } else {
            format!("{proposers} proposers run")
        };
        let prompt = format!(
            "{who} Paxos with {acceptors} acceptors, and {l} decides {x} at the marked event, \
             {}. A value is chosen once a majority of the acceptors has accepted it in one \
             ballot. Pick the acceptances that made {x} chosen: one event per acceptor of such a \
             majority ({m} of {acceptors}), where it accepted {x} (its receipt of the Accept, \
             or its Accepted message).",
            event_name(decide)
        );
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: vec![decide],
                },
                question: Question::PickEvents { roles },
                solution: Answer::PickEvents(solution),
            },
        ))
    }
}
