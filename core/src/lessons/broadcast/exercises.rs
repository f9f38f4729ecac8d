//! The exercises of the broadcast lesson: which guarantees a run breaks, in what order causal
//! broadcast may deliver, and what a process holds back.
//!
//! Every exercise is drawn on a random run of [`crate::lessons::broadcast::broadcast`] among 3–4
//! processes `P1`, `P2`, ... Its randomness (who broadcasts when, the latencies, the network's
//! seed, a crash) comes from one generator seeded with the exercise's seed; a run that does not
//! suit the question is drawn again from the same generator, so each (level, seed) always gives
//! the same exercise. Every run is free of warnings.
//!
//! | id                     | asks for                                               | form     |
//! |------------------------|--------------------------------------------------------|----------|
//! | `broadcast-violations` | which of the six properties the whole run breaks       | `Choice` |
//! | `causal-order`         | an order in which causal broadcast lets P3 deliver     | `Choice` |
//! | `hold-back`            | the messages held back at the moment shown             | `Choice` |
//!
//! The levels:
//!
//! * `broadcast-violations`: easy, best-effort or reliable broadcast of one or two messages
//!   whose sender may crash while handing out its copies; medium, fifo or reliable broadcast of
//!   two or three quick messages over a network that reorders; hard, fifo, causal or a total
//!   order variant with a reply and a second, concurrent sender.
//! * `causal-order`: a post by P1 and P2's reply to it; easy, on a fast even network; medium,
//!   with a slow link from P1 to P3, so the reply may overtake the post; hard, with a third
//!   message from P4 broadcast at about the same time, so several orders are allowed and the
//!   question asks which one of the options is.
//! * `hold-back`: fifo broadcast of two (easy) or three (medium) quick messages from P1, or (hard)
//!   causal broadcast of a post and a reply; the diagram stops at a step where some process holds
//!   messages back (`limits.max_steps` is that step).
//!
//! Messages are named as deliveries name them: `P1#2`, the second broadcast of P1.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng as _;

use crate::exercise::{generate_with, wrong_form, Question, Show};
use crate::exercise::{run_of, Answer, Exercise, ExerciseKind, Feedback, Labels, Level, Made};
use crate::lessons::broadcast::broadcast::{BroadcastParams, PlannedBroadcast, Reply};
use crate::process::{ProcessId, Rng, Time};
use crate::protocol::{Run, Verdict};
use crate::scenario::Scenario;
use crate::scenario::{Action, Fault, Latency, Limits, LinkModel, NetworkModel, ProcessRef};
use crate::trace::{EventId, EventKind, Trace};

/// The six properties, in the order the protocol declares them.
pub const PROPERTIES: [&str; 6] = [
    "validity",
    "agreement",
    "integrity",
    "fifo-order",
    "causal-order",
    "total-order",
];

// ---- Building and reading the runs ----

fn name(p: ProcessId) -> String {
    format!("P{}", p + 1)
}

fn planned(at: Time, from: ProcessId) -> PlannedBroadcast {
    PlannedBroadcast {
        at,
        from: ProcessRef::Index(from),
        label: None,
    }
}

fn reply(to: &str, from: ProcessId) -> Reply {
    Reply {
        to: to.into(),
        from: ProcessRef::Index(from),
        label: None,
    }
}

fn link(a: ProcessId, b: ProcessId, min: Time, max: Time) -> LinkModel {
    LinkModel {
        between: [ProcessRef::Index(a), ProcessRef::Index(b)],
        latency: Some(Latency { min, max }),
        loss: None,
    }
}

/// A broadcast scenario named for the lesson: `broadcast-exercise-...`.
fn scenario(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    variant: &str,
    n: usize,
    params: BroadcastParams,
) -> Scenario {
    let id = kind.id().trim_start_matches("broadcast-");
    Scenario {
        name: format!("broadcast-exercise-{id}-{level}-{seed}"),
        title: format!("{} ({level})", kind.title()),
        description: String::new(),
        protocol: "broadcast".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).expect("serialisable"),
        processes: (0..n).map(name).collect(),
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

fn params(broadcasts: Vec<PlannedBroadcast>, replies: Vec<Reply>) -> BroadcastParams {
    BroadcastParams {
        broadcasts,
        replies,
        ..BroadcastParams::default()
    }
}

/// `P1#2` -> the sender's index, if it is named `P<k>`.
fn sender_of(tag: &str) -> Option<ProcessId> {
    let (sender, _) = tag.rsplit_once('#')?;
    let k: usize = sender.strip_prefix('P')?.parse().ok()?;
    k.checked_sub(1)
}

/// The broadcast message a send or receipt label carries: `m P1#2`, `relay P1#2` -> `P1#2`.
pub fn carried(label: &str) -> Option<&str> {
    label
        .strip_prefix("m ")
        .or_else(|| label.strip_prefix("relay "))
}

/// Each broadcast message and what it causally depends on: the messages its sender had
/// broadcast or delivered before broadcasting it (as causal broadcast's vectors record it).
pub fn dependencies(trace: &Trace) -> BTreeMap<String, BTreeSet<String>> {
    let n = trace.processes.len();
    let mut past: Vec<BTreeSet<String>> = vec![BTreeSet::new(); n];
    let mut deps = BTreeMap::new();
    for o in &trace.outputs {
        match o.kind.as_str() {
            "broadcast" => {
                deps.insert(o.value.clone(), past[o.process].clone());
                past[o.process].insert(o.value.clone());
            }
            "deliver" => {
                past[o.process].insert(o.value.clone());
            }
            _ => {}
        }
    }
    deps
}

/// Whether a message stays in the relation that matters for the variant: in fifo broadcast
/// only a sender's own earlier messages, in causal broadcast everything.
fn waits_for(deps: &BTreeMap<String, BTreeSet<String>>, m: &str, fifo: bool) -> Vec<String> {
    deps.get(m)
        .map(|d| {
            d.iter()
                .filter(|x| !fifo || sender_of(x) == sender_of(m))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The messages each process has received (as `m` or `relay` copies) but not delivered, at the
/// end of `trace`.
pub fn held_back(trace: &Trace) -> BTreeMap<ProcessId, BTreeSet<String>> {
    let mut received: BTreeMap<ProcessId, BTreeSet<String>> = BTreeMap::new();
    for e in trace.events.iter().filter(|e| e.kind == EventKind::Receive) {
        let Some(m) = e.message else { continue };
        if let Some(tag) = carried(&trace.messages[m].label) {
            received
                .entry(e.process)
                .or_default()
                .insert(tag.to_string());
        }
    }
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        if let Some(set) = received.get_mut(&o.process) {
            set.remove(&o.value);
        }
    }
    received.retain(|_, set| !set.is_empty());
    received
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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

/// Shuffle in place with the exercise's generator.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// The event of a process's delivery of `tag` (the broadcast dot for the sender's own).
fn delivery_event(trace: &Trace, p: ProcessId, tag: &str) -> Option<EventId> {
    trace
        .outputs
        .iter()
        .find(|o| o.kind == "deliver" && o.process == p && o.value == tag)
        .map(|o| o.event)
}

fn broadcast_event(trace: &Trace, tag: &str) -> Option<EventId> {
    trace
        .outputs
        .iter()
        .find(|o| o.kind == "broadcast" && o.value == tag)
        .map(|o| o.event)
}

// ---- Which properties break? ----

/// Which of the six properties a broadcast run breaks.
pub struct Violations;

/// `none`, `agreement only`, `fifo-order and causal-order`.
pub fn property_set_text(set: &BTreeSet<&str>) -> String {
    let names: Vec<String> = PROPERTIES
        .iter()
        .filter(|p| set.contains(*p))
        .map(|p| p.to_string())
        .collect();
    match names.len() {
        0 => "none".into(),
        1 => format!("{} only", names[0]),
        _ => and_list(&names),
    }
}

/// The set an option of [`property_set_text`] names.
fn property_set_of(text: &str) -> BTreeSet<&'static str> {
    let text = text.trim();
    if text == "none" {
        return BTreeSet::new();
    }
    let text = text.strip_suffix(" only").unwrap_or(text);
    text.split(", ")
        .flat_map(|part| part.split(" and "))
        .filter_map(|p| PROPERTIES.iter().copied().find(|q| *q == p.trim()))
        .collect()
}

/// Each property's verdict on the exercise's run, in the protocol's order.
fn verdicts(scenario: &Scenario, trace: &Trace) -> Vec<(String, String, Verdict)> {
    let Ok(run) = Run::new(scenario) else {
        return Vec::new();
    };
    run.check(trace)
        .into_iter()
        .map(|r| (r.name, r.description, r.verdict))
        .collect()
}

impl ExerciseKind for Violations {
    fn id(&self) -> &'static str {
        "broadcast-violations"
    }

    fn title(&self) -> &'static str {
        "Which properties break?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0xb40a_dca5, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let picked = property_set_of(&option);
        let all = verdicts(&exercise.scenario, &exercise.trace);
        let broken: Vec<&(String, String, Verdict)> =
            all.iter().filter(|(_, _, v)| !v.holds()).collect();
        let events: Vec<EventId> = broken
            .iter()
            .flat_map(|(_, _, v)| match v {
                Verdict::Violated { events, .. } => events.clone(),
                Verdict::Holds => Vec::new(),
            })
            .collect();
        let why = |(name, _, v): &(String, String, Verdict)| match v {
            Verdict::Violated { explanation, .. } => format!("{name} breaks: {explanation}."),
            Verdict::Holds => String::new(),
        };
        let right: BTreeSet<&str> = broken.iter().map(|(n, _, _)| n.as_str()).collect();
        if picked == right {
            let message = if broken.is_empty() {
                format!(
                    "Right: none. Every correct process delivers every message it should, once, \
                     and in every order the {} variant promises, and nothing here breaks the \
                     others.",
                    exercise.scenario.variant
                )
            } else {
                let whys: Vec<String> = broken.iter().map(|b| why(b)).collect();
                format!("Right: {}. {}", property_set_text(&right), whys.join(" "))
            };
            return Feedback::right(message, events);
        }
        // The first mistake: a broken property left out, else one that holds but was chosen.
        if let Some(missed) = broken.iter().find(|(n, _, _)| !picked.contains(n.as_str())) {
            return Feedback::wrong(
                format!(
                    "Not {option}: {} The right answer is {}.",
                    why(missed),
                    property_set_text(&right)
                ),
                events,
            );
        }
        let extra = all
            .iter()
            .find(|(n, _, v)| v.holds() && picked.contains(n.as_str()));
        let message = match extra {
            Some((n, description, _)) => format!(
                "Not {option}: {n} holds in this run ({description}), and nothing in it goes \
                 against that. The right answer is {}.",
                property_set_text(&right)
            ),
            None => format!(
                "Not {option}: the right answer is {}.",
                property_set_text(&right)
            ),
        };
        Feedback::wrong(message, events)
    }
}

impl Violations {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let n = rng.random_range(3..=4usize);
        let (variant, mut scenario) = match level {
            Level::Easy => {
                let variant = if rng.random_bool(0.5) {
                    "best-effort"
                } else {
                    "reliable"
                };
                let mut broadcasts = vec![planned(10, 0)];
                if rng.random_bool(0.4) {
                    broadcasts.push(planned(rng.random_range(12..=30), rng.random_range(0..n)));
                }
                let mut s = scenario(self, level, seed, variant, n, params(broadcasts, vec![]));
                s.network.latency = Latency {
                    min: 5,
                    max: rng.random_range(5..=20),
                };
                let crash = if variant == "best-effort" { 0.9 } else { 0.6 };
                if rng.random_bool(crash) {
                    s.faults.push(Fault {
                        at: 10 + rng.random_range(1..=2),
                        action: Action::Crash {
                            process: ProcessRef::Index(0),
                        },
                    });
                }
                (variant, s)
            }
            Level::Medium => {
                let variant = if rng.random_bool(0.5) {
                    "fifo"
                } else {
                    "reliable"
                };
                let count = rng.random_range(2..=3);
                let broadcasts = (0..count)
                    .map(|i| planned(10 + i * rng.random_range(1..=3), 0))
                    .collect();
                let mut s = scenario(self, level, seed, variant, n, params(broadcasts, vec![]));
                s.network.latency = Latency { min: 5, max: 40 };
                (variant, s)
            }
            Level::Hard => {
                let variant =
                    ["fifo", "causal", "total-sequencer", "total-lamport"][rng.random_range(0..4)];
                let other = rng.random_range(2..n);
                let broadcasts = vec![planned(10, 0), planned(rng.random_range(8..=16), other)];
                let replies = vec![reply("P1#1", 1)];
                let mut s = scenario(self, level, seed, variant, n, params(broadcasts, replies));
                s.network.latency = Latency { min: 5, max: 40 };
                s.network.fifo = variant == "total-lamport" && rng.random_bool(0.7);
                if rng.random_bool(0.5) {
                    s.network.links = vec![link(0, 2, 50, 60)];
                }
                (variant, s)
            }
        };
        scenario.seed = rng.random_range(0..1_000_000);
        let trace = run_of(&scenario);
        if !trace.warnings.is_empty() {
            return None;
        }
        let all = verdicts(&scenario, &trace);
        if all.len() != PROPERTIES.len() {
            return None;
        }
        let right: BTreeSet<&str> = all
            .iter()
            .filter(|(_, _, v)| !v.holds())
            .filter_map(|(n, _, _)| PROPERTIES.iter().copied().find(|p| p == n))
            .collect();
        // Sets a learner might pick: the usual suspects of each variant.
        let pool: [&[&str]; 10] = [
            &[],
            &["agreement"],
            &["validity", "agreement"],
            &["validity"],
            &["fifo-order"],
            &["fifo-order", "causal-order"],
            &["causal-order"],
            &["total-order"],
            &["causal-order", "total-order"],
            &["fifo-order", "causal-order", "total-order"],
        ];
        let mut others: Vec<BTreeSet<&str>> = pool
            .iter()
            .map(|s| s.iter().copied().collect::<BTreeSet<&str>>())
            .filter(|s| *s != right)
            .collect();
        shuffle(&mut others, rng);
        let mut sets = vec![right.clone()];
        sets.extend(others.into_iter().take(3));
        shuffle(&mut sets, rng);
        let solution = sets.iter().position(|s| *s == right)?;
        let options: Vec<String> = sets.iter().map(property_set_text).collect();
        let crash = if scenario.faults.is_empty() {
            String::new()
        } else {
            " P1 crashes while it hands out its copies.".to_string()
        };
        let prompt = format!(
            "{n} processes run {variant} broadcast.{crash} Look at the whole run: which of the \
             six properties (validity, agreement, integrity, fifo-order, causal-order, \
             total-order) does it break? A property can break even where the variant never \
             promised it."
        );
        let marked = trace
            .outputs
            .iter()
            .filter(|o| o.kind == "broadcast")
            .map(|o| o.event)
            .collect();
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- In what order may P3 deliver? ----

/// The process whose deliveries the causal-order question is about: P3.
pub const OBSERVER: ProcessId = 2;

/// An order of messages in the options' words: `P1#1, P2#1, P4#1`.
fn order_text(order: &[String]) -> String {
    order.join(", ")
}

fn order_of(text: &str) -> Vec<String> {
    text.split(',').map(|s| s.trim().to_string()).collect()
}

/// The first pair an order puts the wrong way round: `(later, earlier)` where `later` depends
/// on `earlier` but comes first.
fn first_inversion(
    order: &[String],
    deps: &BTreeMap<String, BTreeSet<String>>,
) -> Option<(String, String)> {
    for (i, m) in order.iter().enumerate() {
        for earlier in &order[i + 1..] {
            if deps.get(m).is_some_and(|d| d.contains(earlier)) {
                return Some((m.clone(), earlier.clone()));
            }
        }
    }
    None
}

/// Every ordering of `items`.
fn permutations(items: &[String]) -> Vec<Vec<String>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first.clone());
            all.push(tail);
        }
    }
    all
}

/// The vector causal broadcast stamps on `m`: per process, how many of its messages the sender
/// had delivered, its own entry counting `m`.
fn stamp(trace: &Trace, m: &str) -> Vec<u32> {
    let n = trace.processes.len();
    let mut v = vec![0u32; n];
    let Some(s) = sender_of(m) else { return v };
    for o in &trace.outputs {
        if o.process != s {
            continue;
        }
        if o.kind == "broadcast" && o.value == m {
            break;
        }
        if o.kind == "deliver" {
            if let Some(k) = sender_of(&o.value).filter(|&k| k < n) {
                v[k] += 1;
            }
        }
    }
    if s < n {
        v[s] += 1;
    }
    v
}

fn vector_text(v: &[u32]) -> String {
    crate::exercise::format_vector(v)
}

/// What an order question is about, read back from its run.
struct Orders {
    messages: Vec<String>,
    deps: BTreeMap<String, BTreeSet<String>>,
}

impl Orders {
    fn read(trace: &Trace) -> Orders {
        let deps = dependencies(trace);
        let messages = deps.keys().cloned().collect();
        Orders { messages, deps }
    }

    fn allowed(&self, order: &[String]) -> bool {
        first_inversion(order, &self.deps).is_none()
    }

    /// Why `later` must wait for `earlier`.
    fn why(&self, trace: &Trace, later: &str, earlier: &str) -> String {
        let sender = sender_of(later).map(name).unwrap_or_default();
        let v = vector_text(&stamp(trace, later));
        let how = if sender_of(earlier) == sender_of(later) {
            format!("{sender} broadcast {earlier} before it")
        } else {
            format!("{sender} had delivered {earlier} before broadcasting {later}")
        };
        format!(
            "{later} must wait for {earlier}: {how}, so {later} carries {earlier} in its vector \
             {v}, and causal broadcast holds {later} back at {} until {earlier} is delivered \
             there.",
            name(OBSERVER)
        )
    }
}

/// In what order causal broadcast lets P3 deliver a post, its reply and maybe a third message.
pub struct CausalOrder;

impl ExerciseKind for CausalOrder {
    fn id(&self) -> &'static str {
        "causal-order"
    }

    fn title(&self) -> &'static str {
        "In what order may P3 deliver?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0xb40a_dca5, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let trace = &exercise.trace;
        let orders = Orders::read(trace);
        let order = order_of(&option);
        let mut sorted = order.clone();
        sorted.sort();
        if sorted != orders.messages {
            return Feedback::wrong(
                format!(
                    "Not {option}: P3 delivers each of {} exactly once.",
                    and_list(&orders.messages)
                ),
                Vec::new(),
            );
        }
        let events = |a: &str, b: &str| -> Vec<EventId> {
            [broadcast_event(trace, a), broadcast_event(trace, b)]
                .into_iter()
                .flatten()
                .collect()
        };
        if let Some((later, earlier)) = first_inversion(&order, &orders.deps) {
            return Feedback::wrong(
                format!(
                    "Not {option}: it delivers {later} before {earlier}. {}",
                    orders.why(trace, &later, &earlier)
                ),
                events(&later, &earlier),
            );
        }
        // Right: say which pairs are fixed and which are free.
        let mut fixed = Vec::new();
        let mut free = Vec::new();
        for (i, a) in orders.messages.iter().enumerate() {
            for b in &orders.messages[i + 1..] {
                if orders.deps[b].contains(a) {
                    fixed.push(orders.why(trace, b, a));
                } else if orders.deps[a].contains(b) {
                    fixed.push(orders.why(trace, a, b));
                } else {
                    free.push(format!(
                        "{a} and {b} are concurrent (neither sender had delivered the other's \
                         message), so they may come in either order."
                    ));
                }
            }
        }
        let all: Vec<EventId> = orders
            .messages
            .iter()
            .filter_map(|m| broadcast_event(trace, m))
            .collect();
        Feedback::right(
            format!("Right: {option}. {} {}", fixed.join(" "), free.join(" "))
                .trim_end()
                .to_string(),
            all,
        )
    }
}

impl CausalOrder {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let n = match level {
            Level::Easy => 3,
            Level::Medium => rng.random_range(3..=4),
            Level::Hard => 4,
        };
        let mut broadcasts = vec![planned(10, 0)];
        if level == Level::Hard {
            broadcasts.push(planned(rng.random_range(8..=14), 3));
        }
        let mut s = scenario(
            self,
            level,
            seed,
            "causal",
            n,
            params(broadcasts, vec![reply("P1#1", 1)]),
        );
        match level {
            Level::Easy => {
                let l = rng.random_range(5..=10);
                s.network.latency = Latency { min: l, max: l };
            }
            _ => {
                s.network.latency = Latency { min: 5, max: 30 };
                s.network.links = vec![
                    link(0, 1, 5, 8),
                    link(0, OBSERVER, 40, 60),
                    link(1, OBSERVER, 5, 10),
                ];
            }
        }
        s.seed = rng.random_range(0..1_000_000);
        let trace = run_of(&s);
        if !trace.warnings.is_empty() {
            return None;
        }
        let orders = Orders::read(&trace);
        let want = if level == Level::Hard { 3 } else { 2 };
        if orders.messages.len() != want
            || orders
                .messages
                .iter()
                .any(|m| delivery_event(&trace, OBSERVER, m).is_none())
        {
            return None;
        }
        if level == Level::Hard {
            // The third message must be concurrent with the post.
            let post = "P1#1".to_string();
            let third = "P4#1".to_string();
            if orders.deps[&post].contains(&third) || orders.deps[&third].contains(&post) {
                return None;
            }
        }
        let mut all = permutations(&orders.messages);
        shuffle(&mut all, rng);
        let (good, bad): (Vec<Vec<String>>, Vec<Vec<String>>) =
            all.into_iter().partition(|o| orders.allowed(o));
        let several = good.len() > 1;
        let mut picked = vec![good.first()?.clone()];
        picked.extend(bad.into_iter().take(3));
        shuffle(&mut picked, rng);
        let solution = picked.iter().position(|o| orders.allowed(o))?;
        let options: Vec<String> = picked.iter().map(|o| order_text(o)).collect();
        let messages = and_list(&orders.messages);
        let ask = if several {
            "Several orders are allowed: which of these orders may P3 deliver?"
        } else {
            "In what order may P3 deliver them?"
        };
        let prompt = format!(
            "{n} processes run causal broadcast. P1 posts P1#1, and P2 broadcasts its reply P2#1 \
             as soon as it has delivered P1#1.{} P3 receives {messages}. Causal broadcast delivers \
             a message only after everything its sender had delivered before sending it. {ask}",
            if level == Level::Hard {
                " Meanwhile P4 broadcasts P4#1."
            } else {
                ""
            }
        );
        let marked = orders
            .messages
            .iter()
            .filter_map(|m| broadcast_event(&trace, m))
            .collect();
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
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- What is held back? ----

/// The hold-back queues at a moment inside a fifo or causal run.
pub struct HoldBack;

/// `nothing`, `P1#2 at P3`, `P1#2 and P1#3 at P3; P2#1 at P4`.
pub fn held_text(held: &BTreeMap<ProcessId, BTreeSet<String>>) -> String {
    let parts: Vec<String> = held
        .iter()
        .filter(|(_, set)| !set.is_empty())
        .map(|(p, set)| {
            let tags: Vec<String> = set.iter().cloned().collect();
            format!("{} at {}", and_list(&tags), name(*p))
        })
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join("; ")
    }
}

fn held_of(text: &str) -> BTreeMap<ProcessId, BTreeSet<String>> {
    let mut held = BTreeMap::new();
    if text.trim() == "nothing" {
        return held;
    }
    for part in text.split("; ") {
        let Some((tags, at)) = part.rsplit_once(" at ") else {
            continue;
        };
        let Some(p) = at
            .trim()
            .strip_prefix('P')
            .and_then(|k| k.parse::<usize>().ok())
            .and_then(|k| k.checked_sub(1))
        else {
            continue;
        };
        let set: &mut BTreeSet<String> = held.entry(p).or_default();
        for t in tags.split(", ").flat_map(|t| t.split(" and ")) {
            set.insert(t.trim().to_string());
        }
    }
    held
}

/// The messages delivered at each process by the end of `trace`.
fn delivered(trace: &Trace) -> BTreeMap<ProcessId, BTreeSet<String>> {
    let mut d: BTreeMap<ProcessId, BTreeSet<String>> = BTreeMap::new();
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        d.entry(o.process).or_default().insert(o.value.clone());
    }
    d
}

/// Why each held message waits, in words.
fn hold_reasons(trace: &Trace, fifo: bool) -> Vec<String> {
    let deps = dependencies(trace);
    let done = delivered(trace);
    let mut reasons = Vec::new();
    for (p, set) in held_back(trace) {
        for m in set {
            let missing: Vec<String> = waits_for(&deps, &m, fifo)
                .into_iter()
                .filter(|d| !done.get(&p).is_some_and(|s| s.contains(d)))
                .collect();
            let sender = sender_of(&m).map(name).unwrap_or_default();
            let why = if missing.is_empty() {
                "it is about to be delivered".to_string()
            } else if fifo {
                format!(
                    "{sender} broadcast {} before it, and {} has not delivered {} yet",
                    and_list(&missing),
                    name(p),
                    if missing.len() == 1 { "that" } else { "those" }
                )
            } else {
                format!(
                    "{sender} had broadcast or delivered {} before broadcasting it, and {} has \
                     not delivered {} yet",
                    and_list(&missing),
                    name(p),
                    if missing.len() == 1 { "that" } else { "those" }
                )
            };
            reasons.push(format!("{} holds {m} back: {why}.", name(p)));
        }
    }
    reasons
}

fn receipts_of_held(trace: &Trace) -> Vec<EventId> {
    let held = held_back(trace);
    trace
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Receive)
        .filter(|e| {
            e.message
                .and_then(|m| carried(&trace.messages[m].label))
                .is_some_and(|t| held.get(&e.process).is_some_and(|s| s.contains(t)))
        })
        .map(|e| e.id)
        .collect()
}

impl ExerciseKind for HoldBack {
    fn id(&self) -> &'static str {
        "hold-back"
    }

    fn title(&self) -> &'static str {
        "What is held back?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0xb40a_dca5, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let trace = &exercise.trace;
        let fifo = exercise.scenario.variant == "fifo";
        let right = held_back(trace);
        let picked = held_of(&option);
        let reasons = hold_reasons(trace, fifo).join(" ");
        let events = receipts_of_held(trace);
        if picked == right {
            return Feedback::right(format!("Right: {option}. {reasons}"), events);
        }
        let done = delivered(trace);
        // The first mistake: something named that is not held, else something held left out.
        for (p, set) in &picked {
            for m in set {
                if right.get(p).is_some_and(|s| s.contains(m)) {
                    continue;
                }
                let what = if done.get(p).is_some_and(|s| s.contains(m)) {
                    format!("{} has already delivered {m}", name(*p))
                } else if sender_of(m) == Some(*p) {
                    format!(
                        "{m} is {}'s own message, delivered as it is broadcast",
                        name(*p)
                    )
                } else {
                    format!("{m} has not reached {} yet", name(*p))
                };
                return Feedback::wrong(
                    format!(
                        "Not {option}: {what}, so it is not in {}'s hold-back queue. What is held \
                         back is {}. {reasons}",
                        name(*p),
                        held_text(&right)
                    ),
                    events,
                );
            }
        }
        Feedback::wrong(
            format!(
                "Not {option}: a message received but not yet delivered is held back, and at this \
                 moment that is {}. {reasons}",
                held_text(&right)
            ),
            events,
        )
    }
}

impl HoldBack {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let n = rng.random_range(3..=4usize);
        let mut s = match level {
            Level::Easy | Level::Medium => {
                let count = if level == Level::Easy { 2 } else { 3 };
                let broadcasts = (0..count)
                    .map(|i| planned(10 + 2 * i, 0))
                    .collect::<Vec<_>>();
                let mut s = scenario(self, level, seed, "fifo", n, params(broadcasts, vec![]));
                s.network.latency = Latency { min: 5, max: 40 };
                s
            }
            Level::Hard => {
                let mut s = scenario(
                    self,
                    level,
                    seed,
                    "causal",
                    n,
                    params(vec![planned(10, 0)], vec![reply("P1#1", 1)]),
                );
                s.network.latency = Latency { min: 5, max: 30 };
                s.network.links = vec![link(0, 2, 30, 60)];
                s
            }
        };
        s.seed = rng.random_range(0..1_000_000);
        let full = run_of(&s);
        if !full.warnings.is_empty() {
            return None;
        }
        // The steps after which some process holds something back.
        let candidates: Vec<u64> = (1..=full.step_count())
            .filter(|&k| !held_back(&full.prefix(k)).is_empty())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let steps = candidates[rng.random_range(0..candidates.len())];
        s.limits.max_steps = steps;
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || trace.step_count() != steps {
            return None;
        }
        let right = held_back(&trace);
        if right.is_empty() {
            return None;
        }
        let done = delivered(&trace);
        let deps = dependencies(&trace);
        let fifo = s.variant == "fifo";
        // Distractors: nothing; everything received there; what the held ones wait for; the
        // held ones at another process; each held set with one more broadcast message.
        let mut pool: Vec<BTreeMap<ProcessId, BTreeSet<String>>> = vec![BTreeMap::new()];
        let mut received = right.clone();
        for (p, set) in received.iter_mut() {
            set.extend(
                done.get(p)
                    .into_iter()
                    .flatten()
                    .filter(|m| sender_of(m) != Some(*p))
                    .cloned(),
            );
        }
        pool.push(received);
        let mut waited: BTreeMap<ProcessId, BTreeSet<String>> = BTreeMap::new();
        for (p, set) in &right {
            for m in set {
                waited
                    .entry(*p)
                    .or_default()
                    .extend(waits_for(&deps, m, fifo));
            }
        }
        pool.push(waited);
        for shift in 1..n {
            pool.push(
                right
                    .iter()
                    .map(|(p, set)| ((p + shift) % n, set.clone()))
                    .collect(),
            );
        }
        for m in deps.keys() {
            let mut more = right.clone();
            if let Some((_, set)) = more.iter_mut().next() {
                set.insert(m.clone());
            }
            pool.push(more);
        }
        let right_text = held_text(&right);
        let mut texts: Vec<String> = Vec::new();
        for set in &pool {
            let t = held_text(set);
            if t != right_text && !texts.contains(&t) {
                texts.push(t);
            }
        }
        if texts.len() < 3 {
            return None;
        }
        // Keep "nothing" and two others.
        let mut rest = texts.split_off(1);
        shuffle(&mut rest, rng);
        texts.extend(rest.into_iter().take(2));
        texts.push(right_text.clone());
        shuffle(&mut texts, rng);
        let solution = texts.iter().position(|t| *t == right_text)?;
        let what = if fifo {
            "fifo broadcast: a process holds a message back until it has delivered that \
             sender's earlier ones"
        } else {
            "causal broadcast: a process holds a message back until it has delivered everything \
             the sender had delivered before sending it"
        };
        let time = trace.time_at_step(steps);
        let prompt = format!(
            "{n} processes run {what}. The diagram stops at time {time}, after step {steps}. At \
             this moment, which messages are held back (received but not yet delivered), and \
             where?"
        );
        let last = trace.events.last().map(|e| e.step);
        let marked = trace
            .events
            .iter()
            .filter(|e| Some(e.step) == last)
            .map(|e| e.id)
            .collect();
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
                    marked,
                },
                question: Question::Choice {
                    options: texts.clone(),
                },
                solution: Answer::Choice(solution),
            },
        ))
    }
}
