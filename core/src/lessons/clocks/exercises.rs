//! The exercises of the clocks lesson: Lamport timestamps, vector clocks and happens-before.
//!
//! Every exercise here is drawn on a random scripted run ([`random_run`]): processes `P1..Pn`,
//! local events and sends at multiples of 10 ticks, each send with its arrival time, no two events
//! of a lane at the same time. The level sets the size of the run:
//!
//! | level  | processes | events | messages | crossing arrows |
//! |--------|-----------|--------|----------|-----------------|
//! | easy   | 2–3       | 4–6    | 1–2      | no              |
//! | medium | 3         | 7–10   | 3–4      | no              |
//! | hard   | 4         | 11–16  | 5–7      | allowed         |
//!
//! The engine computes the clocks with the course's rules, and the checkers explain a mistake by
//! applying those rules to the correct values:
//!
//! * Lamport: any event that is not a receipt increments the counter; a receipt sets it to
//!   `max(local, carried) + 1`.
//! * Vector: each event adds 1 to its own process's entry; a receipt first takes the larger of
//!   each entry of its own clock and the one the message carries.

use std::sync::Arc;

use rand::Rng as _;

use crate::exercise::{
    event_name, format_vector, ordinal, parse_vector, run_of, wrong_form, Answer, Exercise,
    ExerciseKind, Feedback, Labels, Level, Question, Show, VectorError,
};
use crate::lessons::clocks::scripted::{ScriptLine, ScriptParams};
use crate::process::{seeded_rng, ProcessId, Rng, Time};
use crate::scenario::{Latency, NetworkModel, ProcessRef, Scenario};
use crate::trace::{EventId, EventKind, Relation, Trace};

/// Ticks between two neighbouring slots of a generated run.
const TICK: Time = 10;

/// How big a level's runs are (ranges include both ends).
struct Size {
    processes: (usize, usize),
    events: (usize, usize),
    messages: (usize, usize),
    crossing: bool,
}

fn size(level: Level) -> Size {
    match level {
        Level::Easy => Size {
            processes: (2, 3),
            events: (4, 6),
            messages: (1, 2),
            crossing: false,
        },
        Level::Medium => Size {
            processes: (3, 3),
            events: (7, 10),
            messages: (3, 4),
            crossing: false,
        },
        Level::Hard => Size {
            processes: (4, 4),
            events: (11, 16),
            messages: (5, 7),
            crossing: true,
        },
    }
}

/// A message of a planned run, in slots (a slot is [`TICK`] ticks).
#[derive(Clone, Copy, Debug)]
struct Arrow {
    from: ProcessId,
    sent: u64,
    to: ProcessId,
    arrives: u64,
}

/// A planned run, before it becomes a script.
struct Plan {
    processes: usize,
    arrows: Vec<Arrow>,
    locals: Vec<(ProcessId, u64)>,
}

/// The sign of the turn from `a` to `b` to `c`, with points as (slot, lane).
fn turn(a: (i64, i64), b: (i64, i64), c: (i64, i64)) -> i64 {
    ((b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)).signum()
}

/// Whether `c`, known to lie on the line through `a` and `b`, lies between them.
fn within(a: (i64, i64), b: (i64, i64), c: (i64, i64)) -> bool {
    a.0.min(b.0) <= c.0 && c.0 <= a.0.max(b.0) && a.1.min(b.1) <= c.1 && c.1 <= a.1.max(b.1)
}

fn ends(arrow: &Arrow) -> ((i64, i64), (i64, i64)) {
    (
        (arrow.sent as i64, arrow.from as i64),
        (arrow.arrives as i64, arrow.to as i64),
    )
}

/// Whether two arrows meet in a diagram with one lane per process and time to the right.
fn arrows_cross(x: &Arrow, y: &Arrow) -> bool {
    let ((a, b), (c, d)) = (ends(x), ends(y));
    let (t1, t2, t3, t4) = (turn(c, d, a), turn(c, d, b), turn(a, b, c), turn(a, b, d));
    (t1 * t2 < 0 && t3 * t4 < 0)
        || (t1 == 0 && within(c, d, a))
        || (t2 == 0 && within(c, d, b))
        || (t3 == 0 && within(a, b, c))
        || (t4 == 0 && within(a, b, d))
}

/// Whether an arrow passes through the dot of an event of another lane, which would hide it.
fn passes_through(arrow: &Arrow, lane: ProcessId, slot: u64) -> bool {
    let (a, b) = ends(arrow);
    let c = (slot as i64, lane as i64);
    c != a && c != b && turn(a, b, c) == 0 && within(a, b, c)
}

/// One attempt at planning a run of the given size; `None` if it came out unusable.
fn draw_plan(size: &Size, rng: &mut Rng) -> Option<Plan> {
    let n = rng.random_range(size.processes.0..=size.processes.1);
    let messages = rng.random_range(size.messages.0..=size.messages.1);
    let events = rng.random_range(size.events.0.max(2 * messages)..=size.events.1);
    // Slots 1..=slots; a few more than events, so lanes have gaps.
    let slots = events as u64 + 2;
    let mut busy = vec![std::collections::BTreeSet::new(); n];
    let mut arrows: Vec<Arrow> = Vec::new();
    for _ in 0..messages {
        let mut placed = false;
        for _ in 0..60 {
            let from = rng.random_range(0..n);
            let mut to = rng.random_range(0..n - 1);
            if to >= from {
                to += 1;
            }
            let sent = rng.random_range(1..slots);
            let arrives = sent + rng.random_range(1..=3);
            let arrow = Arrow {
                from,
                sent,
                to,
                arrives,
            };
            if arrives > slots
                || busy[from].contains(&sent)
                || busy[to].contains(&arrives)
                || (!size.crossing && arrows.iter().any(|a| arrows_cross(a, &arrow)))
            {
                continue;
            }
            busy[from].insert(sent);
            busy[to].insert(arrives);
            arrows.push(arrow);
            placed = true;
            break;
        }
        if !placed {
            return None;
        }
    }
    let mut locals = Vec::new();
    for _ in 0..events - 2 * messages {
        let mut placed = false;
        for _ in 0..60 {
            let p = rng.random_range(0..n);
            let slot = rng.random_range(1..=slots);
            if busy[p].insert(slot) {
                locals.push((p, slot));
                placed = true;
                break;
            }
        }
        if !placed {
            return None;
        }
    }
    // Every lane has an event, and no arrow runs through a dot.
    if busy.iter().any(|lane| lane.is_empty()) {
        return None;
    }
    for arrow in &arrows {
        for (lane, slots) in busy.iter().enumerate() {
            if slots.iter().any(|&s| passes_through(arrow, lane, s)) {
                return None;
            }
        }
    }
    Some(Plan {
        processes: n,
        arrows,
        locals,
    })
}

/// The scenario that runs a script on `n` processes.
fn scripted(name: String, title: &str, n: usize, seed: u64, script: Vec<ScriptLine>) -> Scenario {
    Scenario {
        name,
        title: title.to_string(),
        description: String::new(),
        protocol: "scripted".into(),
        variant: String::new(),
        params: serde_json::to_value(ScriptParams { script }).expect("serialisable"),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel {
            latency: Latency {
                min: TICK,
                max: TICK,
            },
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed,
        interventions: Vec::new(),
        limits: Default::default(),
    }
}

/// Draw a random run for an exercise of `kind` at `level` from `rng`, and run it. A local event is
/// labelled with its [`event_name`], a message `m1`, `m2`, ... in the order they are sent.
pub(crate) fn random_run(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    rng: &mut Rng,
) -> (Scenario, Arc<Trace>) {
    let size = size(level);
    let plan = loop {
        if let Some(plan) = draw_plan(&size, rng) {
            break plan;
        }
    };
    let name = |p: ProcessId| ProcessRef::Name(format!("P{}", p + 1));
    let mut lines: Vec<(ProcessId, ScriptLine)> = plan
        .arrows
        .iter()
        .map(|a| {
            (
                a.from,
                ScriptLine {
                    at: a.sent * TICK,
                    process: name(a.from),
                    send: Some("m".into()),
                    to: Some(name(a.to)),
                    arrive: Some(a.arrives * TICK),
                    ..Default::default()
                },
            )
        })
        .chain(plan.locals.iter().map(|&(p, slot)| {
            (
                p,
                ScriptLine {
                    at: slot * TICK,
                    process: name(p),
                    local: Some("x".into()),
                    ..Default::default()
                },
            )
        }))
        .collect();
    lines.sort_by_key(|(p, line)| (line.at, *p));
    let title = format!("{} ({level})", kind.title());
    let scenario_name = format!("clocks-exercise-{}-{level}-{seed}", kind.id());
    let script = |lines: &[(ProcessId, ScriptLine)]| lines.iter().map(|(_, l)| l.clone()).collect();
    // Run once to learn which event each line makes, then name them after it: labels do not
    // change the order of events.
    let first = run_of(&scripted(
        scenario_name.clone(),
        &title,
        plan.processes,
        seed,
        script(&lines),
    ));
    for (p, line) in &mut lines {
        let event = first
            .events
            .iter()
            .find(|e| e.process == *p && e.time == line.at && e.kind != EventKind::Receive)
            .expect("each line makes an event");
        if line.local.is_some() {
            line.local = Some(event_name(event.id));
        } else {
            let m = event.message.expect("a send has its message");
            line.send = Some(format!("m{}", m + 1));
        }
    }
    let scenario = scripted(scenario_name, &title, plan.processes, seed, script(&lines));
    let trace = run_of(&scenario);
    debug_assert_eq!(trace.events.len(), first.events.len());
    (scenario, trace)
}

/// Assemble an exercise of `kind`.
#[allow(clippy::too_many_arguments)]
fn exercise(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    prompt: String,
    (scenario, trace): (Scenario, Arc<Trace>),
    show: Show,
    question: Question,
    solution: Answer,
) -> Exercise {
    Exercise::assemble(
        kind,
        level,
        seed,
        crate::exercise::Made {
            prompt,
            scenario,
            trace,
            show,
            question,
            solution,
        },
    )
}

// ---- Reading a trace in the course's terms ----

/// The event before `e` on its lane.
fn previous(trace: &Trace, e: EventId) -> Option<EventId> {
    let p = trace.events[e].process;
    trace.events[..e]
        .iter()
        .rev()
        .find(|x| x.process == p)
        .map(|x| x.id)
}

/// For a receipt, the send of its message.
fn send_of(trace: &Trace, e: EventId) -> Option<EventId> {
    let event = &trace.events[e];
    if event.kind != EventKind::Receive {
        return None;
    }
    event
        .message
        .and_then(|m| trace.messages.get(m))
        .map(|m| m.send_event)
}

/// The name of `e`'s process.
fn lane(trace: &Trace, e: EventId) -> &str {
    &trace.processes[trace.events[e].process]
}

/// The vector clock before `e` on its lane: its previous event's, or all zeros.
fn vector_before(trace: &Trace, e: EventId) -> Vec<u32> {
    previous(trace, e).map_or_else(
        || vec![0; trace.processes.len()],
        |q| trace.vector(q).to_vec(),
    )
}

/// `"c → f: c is followed on P1 by d, which sends a message that P2 receives at e; f comes
/// after e on P2."`, for a chain of events from [`Trace::chain`].
pub(crate) fn describe_chain(trace: &Trace, chain: &[EventId]) -> String {
    let (a, b) = (chain[0], chain[chain.len() - 1]);
    let (an, bn) = (event_name(a), event_name(b));
    let mut runs: Vec<&[EventId]> = Vec::new();
    let mut start = 0;
    for i in 1..chain.len() {
        if trace.events[chain[i]].process != trace.events[chain[i - 1]].process {
            runs.push(&chain[start..i]);
            start = i;
        }
    }
    runs.push(&chain[start..]);
    if runs.len() == 1 {
        return format!(
            "{an} → {bn}: both are on {}, and {an} comes first; the events of one process \
             happen in order.",
            lane(trace, a)
        );
    }
    let mut parts = Vec::new();
    for pair in runs.windows(2) {
        let (run, next) = (pair[0], pair[1]);
        let (first, send, receipt) = (run[0], run[run.len() - 1], next[0]);
        let hop = format!(
            "sends a message that {} receives at {}",
            lane(trace, receipt),
            event_name(receipt)
        );
        if first == send {
            parts.push(format!("{} {hop}", event_name(send)));
        } else {
            parts.push(format!(
                "{} is followed on {} by {}, which {hop}",
                event_name(first),
                lane(trace, first),
                event_name(send)
            ));
        }
    }
    let last = runs[runs.len() - 1];
    if last.len() > 1 {
        parts.push(format!(
            "{bn} comes after {} on {}",
            event_name(last[0]),
            lane(trace, b)
        ));
    }
    format!("{an} → {bn}: {}.", parts.join("; "))
}

/// Why `a ∥ b`, from their vector clocks.
fn explain_concurrent(trace: &Trace, a: EventId, b: EventId) -> String {
    let (va, vb) = (trace.vector(a), trace.vector(b));
    let (an, bn) = (event_name(a), event_name(b));
    let larger = |x: &[u32], y: &[u32]| {
        x.iter()
            .zip(y)
            .position(|(p, q)| p > q)
            .map_or("?", |i| trace.processes[i].as_str())
    };
    format!(
        "no chain of messages leads from {an} to {bn} or from {bn} to {an}: V({an}) = {} and \
         V({bn}) = {}, and each has an entry larger than the other's ({an}'s {} entry, {bn}'s {} \
         entry), so {an} ∥ {bn}.",
        format_vector(va),
        format_vector(vb),
        larger(va, vb),
        larger(vb, va)
    )
}

/// The chain proving `a → b`, with its description; `None` if `a → b` does not hold.
fn chain_between(trace: &Trace, a: EventId, b: EventId) -> Option<(Vec<EventId>, String)> {
    let chain = trace.chain(a, b)?;
    let text = describe_chain(trace, &chain);
    Some((chain, text))
}

/// The picked events, if there are `count` of them and all exist.
fn picks(trace: &Trace, answer: &Answer, count: usize) -> Result<Vec<EventId>, Feedback> {
    let Answer::PickEvents(events) = answer else {
        return Err(wrong_form("click events on the diagram"));
    };
    if events.len() != count {
        return Err(Feedback::wrong(
            format!("Click {count} events, one for each role."),
            Vec::new(),
        ));
    }
    if events.iter().any(|&e| e >= trace.events.len()) {
        return Err(Feedback::wrong(
            "Click events of the diagram.".to_string(),
            Vec::new(),
        ));
    }
    Ok(events.clone())
}

// ---- Lamport timestamps and vector clocks: fill in every event ----

/// The Lamport timestamp of every event.
pub struct Lamport;
/// The vector clock of every event.
pub struct Vector;

fn fill_exercise(kind: &dyn ExerciseKind, level: Level, seed: u64, vector: bool) -> Exercise {
    let mut rng = seeded_rng(seed);
    let run = random_run(kind, level, seed, &mut rng);
    let trace = &run.1;
    let events: Vec<EventId> = (0..trace.events.len()).collect();
    let last = event_name(events.len() - 1);
    let (prompt, solution) = if vector {
        let order = trace.processes.join(", ");
        (
            format!(
                "Give the vector clock V of every event, a to {last}, with one entry per process \
                 in the order {order} (write [1,0,2] or 1 0 2). Each event adds 1 to its own \
                 process's entry; a receipt first takes the larger of each entry of its own \
                 clock and of the clock the message carries."
            ),
            events
                .iter()
                .map(|&e| format_vector(trace.vector(e)))
                .collect(),
        )
    } else {
        (
            format!(
                "Give the Lamport timestamp L of every event, a to {last}. Any event that is \
                 not a receipt adds 1 to its process's counter; a receipt sets it to \
                 max(local, carried) + 1, where carried is the timestamp of the send."
            ),
            events
                .iter()
                .map(|&e| trace.events[e].lamport.to_string())
                .collect(),
        )
    };
    exercise(
        kind,
        level,
        seed,
        prompt,
        run,
        Show {
            labels: Labels::Names,
            hidden_messages: Vec::new(),
            marked: Vec::new(),
        },
        Question::Fill { events, vector },
        Answer::Fill(solution),
    )
}

fn check_fill(exercise: &Exercise, answer: &Answer, vector: bool) -> Feedback {
    let Question::Fill { events, .. } = &exercise.question else {
        return wrong_form("answer another question");
    };
    let Answer::Fill(texts) = answer else {
        return wrong_form("type a value for each event");
    };
    if texts.len() != events.len() {
        return Feedback::wrong(
            format!("Give one value for each of the {} events.", events.len()),
            Vec::new(),
        );
    }
    let trace = &exercise.trace;
    for (&e, text) in events.iter().zip(texts) {
        let judged = if vector {
            judge_vector(trace, e, text)
        } else {
            judge_lamport(trace, e, text)
        };
        if let Some(feedback) = judged {
            return feedback;
        }
    }
    Feedback::right(
        if vector {
            "Right: every vector clock follows the rule."
        } else {
            "Right: every timestamp follows the rule."
        },
        Vec::new(),
    )
}

/// `None` if `text` is `e`'s Lamport timestamp; otherwise what is wrong with it.
fn judge_lamport(trace: &Trace, e: EventId, text: &str) -> Option<Feedback> {
    let name = event_name(e);
    let text = text.trim();
    if text.is_empty() {
        return Some(Feedback::wrong(
            format!("Event {name} has no value yet: give a whole number for event {name}."),
            vec![e],
        ));
    }
    let Ok(given) = text.parse::<u64>() else {
        return Some(Feedback::wrong(
            format!("\"{text}\" is not a whole number: give a whole number for event {name}."),
            vec![e],
        ));
    };
    if given == trace.events[e].lamport {
        return None;
    }
    let (why, events) = explain_lamport(trace, e);
    Some(Feedback::wrong(
        format!("L({name}) is not {given}: {why}"),
        events,
    ))
}

/// How the Lamport rule gives `L(e)`, and the events it reads.
pub(crate) fn explain_lamport(trace: &Trace, e: EventId) -> (String, Vec<EventId>) {
    let name = event_name(e);
    let p = lane(trace, e);
    let l = trace.events[e].lamport;
    let prev = previous(trace, e);
    match (send_of(trace, e), prev) {
        (Some(s), Some(q)) => {
            let (ls, lq) = (trace.events[s].lamport, trace.events[q].lamport);
            (
                format!(
                    "{name} receives the message sent at {} (L = {ls}); the event before it on \
                     {p}, {}, has L = {lq}, so L({name}) = max({lq}, {ls}) + 1 = {l}.",
                    event_name(s),
                    event_name(q)
                ),
                vec![e, s, q],
            )
        }
        (Some(s), None) => {
            let ls = trace.events[s].lamport;
            (
                format!(
                    "{name} receives the message sent at {} (L = {ls}) and is {p}'s first event, \
                     so {p}'s counter stood at 0: L({name}) = max(0, {ls}) + 1 = {l}.",
                    event_name(s)
                ),
                vec![e, s],
            )
        }
        (None, Some(q)) => {
            let lq = trace.events[q].lamport;
            (
                format!(
                    "{name} follows {} (L = {lq}) on {p}, and is not a receipt, so \
                     L({name}) = {lq} + 1 = {l}.",
                    event_name(q)
                ),
                vec![e, q],
            )
        }
        (None, None) => (
            format!("{name} is {p}'s first event and not a receipt, so L({name}) = 0 + 1 = {l}."),
            vec![e],
        ),
    }
}

/// An example vector of `n` entries for messages: `[1,0,2]`.
fn example_vector(n: usize) -> String {
    let example: Vec<u32> = (0..n)
        .map(|i| match i {
            0 => 1,
            2 => 2,
            _ => 0,
        })
        .collect();
    format_vector(&example)
}

/// `None` if `text` is `e`'s vector clock; otherwise what is wrong with it.
fn judge_vector(trace: &Trace, e: EventId, text: &str) -> Option<Feedback> {
    let name = event_name(e);
    let n = trace.processes.len();
    let given = match parse_vector(text) {
        Err(VectorError::Blank) => {
            return Some(Feedback::wrong(
                format!(
                    "Event {name} has no value yet: give V({name}) as {n} whole numbers, like {}.",
                    example_vector(n)
                ),
                vec![e],
            ))
        }
        Err(VectorError::NotNumbers) => {
            return Some(Feedback::wrong(
                format!(
                    "\"{}\" is not a vector clock: write V({name}) as {n} whole numbers separated \
                     by commas, like {}.",
                    text.trim(),
                    example_vector(n)
                ),
                vec![e],
            ))
        }
        Ok(given) => given,
    };
    if given.len() != n {
        return Some(Feedback::wrong(
            format!(
                "This run has {n} processes, so V({name}) has {n} entries, one per process; you \
                 gave {}.",
                given.len()
            ),
            vec![e],
        ));
    }
    let right = trace.vector(e);
    let k = given.iter().zip(right).position(|(g, r)| g != r)?;
    let (why, events) = explain_vector_entry(trace, e, k);
    Some(Feedback::wrong(
        format!(
            "V({name}) has {} entry {}, not {}: {why} So V({name}) = {}.",
            trace.processes[k],
            right[k],
            given[k],
            format_vector(right)
        ),
        events,
    ))
}

/// How the vector clock rule gives entry `k` (a process) of `V(e)`, and the events it reads.
pub(crate) fn explain_vector_entry(
    trace: &Trace,
    e: EventId,
    k: ProcessId,
) -> (String, Vec<EventId>) {
    let name = event_name(e);
    let p = trace.events[e].process;
    let pn = lane(trace, e);
    let kn = &trace.processes[k];
    let v = trace.vector(e);
    let before = vector_before(trace, e);
    let prev = previous(trace, e);
    let mut events = vec![e];
    events.extend(prev);
    let text = if k == p {
        match prev {
            Some(q) => format!(
                "each event adds 1 to its own process's entry, and {}, the event before {name} \
                 on {pn}, has {pn} entry {}, so {} + 1 = {}.",
                event_name(q),
                before[k],
                before[k],
                v[k]
            ),
            None => format!(
                "{name} is {pn}'s first event, and each event adds 1 to its own process's entry: \
                 0 + 1 = {}.",
                v[k]
            ),
        }
    } else if let Some(s) = send_of(trace, e) {
        events.push(s);
        let carried = trace.vector(s);
        let had = match prev {
            Some(q) => format!(
                "the event before it on {pn}, {}, has V({}) = {}",
                event_name(q),
                event_name(q),
                format_vector(&before)
            ),
            None => format!(
                "{name} is {pn}'s first event, so before it {pn} knew {}",
                format_vector(&before)
            ),
        };
        format!(
            "{name} receives the message sent at {}, which carries V({}) = {}; {had}. A receipt \
             takes the larger of each entry (then adds 1 to its own), so the {kn} entry is \
             max({}, {}) = {}.",
            event_name(s),
            event_name(s),
            format_vector(carried),
            before[k],
            carried[k],
            v[k]
        )
    } else {
        match prev {
            Some(q) => format!(
                "{name} is not a receipt, so it learns nothing new about {kn}: it keeps the {kn} \
                 entry of {}, the event before it on {pn}, which is {}.",
                event_name(q),
                before[k]
            ),
            None => format!(
                "{name} is {pn}'s first event and not a receipt, so it knows nothing of {kn} yet: \
                 its {kn} entry is 0."
            ),
        }
    };
    (text, events)
}

impl ExerciseKind for Lamport {
    fn id(&self) -> &'static str {
        "lamport"
    }
    fn title(&self) -> &'static str {
        "Lamport timestamps"
    }
    fn generate(&self, level: Level, seed: u64) -> Exercise {
        fill_exercise(self, level, seed, false)
    }
    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        check_fill(exercise, answer, false)
    }
}

impl ExerciseKind for Vector {
    fn id(&self) -> &'static str {
        "vector"
    }
    fn title(&self) -> &'static str {
        "Vector clocks"
    }
    fn generate(&self, level: Level, seed: u64) -> Exercise {
        fill_exercise(self, level, seed, true)
    }
    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        check_fill(exercise, answer, true)
    }
}

// ---- Happens-before between two marked events ----

/// How two marked events are related: a → b, b → a or a ∥ b.
pub struct RelationKind;

/// The option index of each answer.
const BEFORE: usize = 0;
const AFTER: usize = 1;
const CONCURRENT: usize = 2;

/// Whether `(a, b)` is a pair worth asking about at `level`.
fn interesting_pair(level: Level, trace: &Trace, a: EventId, b: EventId) -> bool {
    let (pa, pb) = (trace.events[a].process, trace.events[b].process);
    match level {
        Level::Easy => true,
        Level::Medium => pa != pb,
        Level::Hard => match trace.relation(a, b) {
            Relation::Before | Relation::After => {
                let (x, y) = if trace.happens_before(a, b) {
                    (a, b)
                } else {
                    (b, a)
                };
                trace.chain(x, y).is_some_and(|chain| {
                    chain
                        .windows(2)
                        .filter(|w| trace.events[w[0]].process != trace.events[w[1]].process)
                        .count()
                        >= 2
                })
            }
            // Concurrent, although their processes talk to each other.
            _ => {
                pa != pb
                    && trace
                        .messages
                        .iter()
                        .any(|m| (m.from == pa && m.to == pb) || (m.from == pb && m.to == pa))
            }
        },
    }
}

impl ExerciseKind for RelationKind {
    fn id(&self) -> &'static str {
        "relation"
    }
    fn title(&self) -> &'static str {
        "Happens-before"
    }
    fn generate(&self, level: Level, seed: u64) -> Exercise {
        let mut rng = seeded_rng(seed);
        // The answer first, so that all three occur equally often.
        let target = rng.random_range(0..3usize);
        let wanted = [Relation::Before, Relation::After, Relation::Concurrent][target];
        loop {
            let run = random_run(self, level, seed, &mut rng);
            let trace = &run.1;
            let n = trace.events.len();
            let fitting: Vec<(EventId, EventId)> = (0..n)
                .flat_map(|a| (0..n).map(move |b| (a, b)))
                .filter(|&(a, b)| a != b && trace.relation(a, b) == wanted)
                .collect();
            let interesting: Vec<(EventId, EventId)> = fitting
                .iter()
                .copied()
                .filter(|&(a, b)| interesting_pair(level, trace, a, b))
                .collect();
            let pool = if interesting.is_empty() {
                fitting
            } else {
                interesting
            };
            if pool.is_empty() {
                continue;
            }
            let (a, b) = pool[rng.random_range(0..pool.len())];
            let (an, bn) = (event_name(a), event_name(b));
            let prompt = format!(
                "How are {an} and {bn} related? {an} → {bn} means {an} happened before {bn}: a \
                 chain of events, along lanes and messages, leads from {an} to {bn}. {an} ∥ {bn} \
                 means they are concurrent: no chain leads either way."
            );
            return exercise(
                self,
                level,
                seed,
                prompt,
                run,
                Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: vec![a, b],
                },
                Question::Choice {
                    options: vec![
                        format!("{an} → {bn}"),
                        format!("{bn} → {an}"),
                        format!("{an} ∥ {bn}"),
                    ],
                },
                Answer::Choice(target),
            );
        }
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let trace = &exercise.trace;
        let [a, b] = exercise.show.marked[..] else {
            return wrong_form("answer another question");
        };
        let Answer::Choice(chosen) = *answer else {
            return wrong_form("choose one of the options");
        };
        if chosen > CONCURRENT {
            return Feedback::wrong("Choose one of the three options.", Vec::new());
        }
        let (an, bn) = (event_name(a), event_name(b));
        let truth = match trace.relation(a, b) {
            Relation::Before => BEFORE,
            Relation::After => AFTER,
            _ => CONCURRENT,
        };
        if truth == CONCURRENT {
            let why = explain_concurrent(trace, a, b);
            return if chosen == truth {
                Feedback::right(format!("Right: {why}"), vec![a, b])
            } else {
                Feedback::wrong(format!("{an} and {bn} are concurrent: {why}"), vec![a, b])
            };
        }
        let (from, to) = if truth == BEFORE { (a, b) } else { (b, a) };
        let (chain, why) = chain_between(trace, from, to).expect("a causal pair has a chain");
        if chosen == truth {
            Feedback::right(format!("Right. {why}"), chain)
        } else if chosen == CONCURRENT {
            Feedback::wrong(
                format!(
                    "{an} and {bn} are not concurrent: a chain of events leads from {} to {}. {why}",
                    event_name(from),
                    event_name(to)
                ),
                chain,
            )
        } else {
            Feedback::wrong(
                format!(
                    "Not {} → {}: it is the other way round. {why}",
                    event_name(to),
                    event_name(from)
                ),
                chain,
            )
        }
    }
}

// ---- Lamport order is not causality ----

/// Find a and b with L(a) < L(b) but a ∥ b.
pub struct LamportNotCausal;

impl ExerciseKind for LamportNotCausal {
    fn id(&self) -> &'static str {
        "lamport-not-causal"
    }
    fn title(&self) -> &'static str {
        "Lamport order is not causality"
    }
    fn generate(&self, level: Level, seed: u64) -> Exercise {
        let mut rng = seeded_rng(seed);
        loop {
            let run = random_run(self, level, seed, &mut rng);
            let trace = &run.1;
            let n = trace.events.len();
            let pairs: Vec<(EventId, EventId)> = (0..n)
                .flat_map(|a| (0..n).map(move |b| (a, b)))
                .filter(|&(a, b)| {
                    trace.events[a].lamport < trace.events[b].lamport && trace.concurrent(a, b)
                })
                .collect();
            if pairs.is_empty() {
                continue;
            }
            let (a, b) = pairs[rng.random_range(0..pairs.len())];
            let prompt = "Each event shows its Lamport timestamp. If a → b then L(a) < L(b), \
                          but not the other way round: find two events a and b with L(a) < L(b) \
                          that are concurrent (a ∥ b). Click a, then b."
                .to_string();
            return exercise(
                self,
                level,
                seed,
                prompt,
                run,
                Show {
                    labels: Labels::Lamport,
                    hidden_messages: Vec::new(),
                    marked: Vec::new(),
                },
                Question::PickEvents {
                    roles: vec!["a".into(), "b".into()],
                },
                Answer::PickEvents(vec![a, b]),
            );
        }
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let trace = &exercise.trace;
        let (a, b) = match picks(trace, answer, 2) {
            Ok(p) => (p[0], p[1]),
            Err(feedback) => return feedback,
        };
        let (an, bn) = (event_name(a), event_name(b));
        if a == b {
            return Feedback::wrong(
                format!("You picked {an} twice: a and b must be two different events."),
                vec![a],
            );
        }
        let (la, lb) = (trace.events[a].lamport, trace.events[b].lamport);
        if la >= lb {
            let swapped = if la > lb && trace.concurrent(a, b) {
                " The other way round, they would do."
            } else {
                ""
            };
            return Feedback::wrong(
                format!("L({an}) = {la} is not less than L({bn}) = {lb}.{swapped}"),
                vec![a, b],
            );
        }
        for (x, y) in [(a, b), (b, a)] {
            if let Some((chain, why)) = chain_between(trace, x, y) {
                return Feedback::wrong(
                    format!(
                        "{why} Lamport order agrees with causality here; find a pair that is not \
                         causally related."
                    ),
                    chain,
                );
            }
        }
        Feedback::right(
            format!(
                "Right: L({an}) = {la} < L({bn}) = {lb}, yet {an} ∥ {bn}: no chain of messages \
                 leads from one to the other. A smaller timestamp does not mean \"happened \
                 before\"."
            ),
            vec![a, b],
        )
    }
}

// ---- The missing message ----

/// One arrow is hidden: find its send and its receipt from the vector clocks.
pub struct MissingMessage;

/// The messages whose receipt's clock gained an entry about the sender, so that the receipt is
/// the only event the other arrows cannot explain.
fn hideable(trace: &Trace) -> Vec<usize> {
    trace
        .messages
        .iter()
        .filter(|m| {
            m.receive_event
                .is_some_and(|r| trace.vector(r)[m.from] > vector_before(trace, r)[m.from])
        })
        .map(|m| m.id)
        .collect()
}

/// Why `x`'s clock needs no hidden message (`x` is not the hidden message's receipt).
fn explained(trace: &Trace, x: EventId) -> String {
    let name = event_name(x);
    let p = lane(trace, x);
    let v = format_vector(trace.vector(x));
    let before = format_vector(&vector_before(trace, x));
    match (send_of(trace, x), previous(trace, x)) {
        (Some(s), _) => format!(
            "{name} receives the message sent at {}, whose arrow is drawn: the larger of each \
             entry of {before} (before it on {p}) and V({}) = {}, with its own {p} entry then one \
             higher, is V({name}) = {v}.",
            event_name(s),
            event_name(s),
            format_vector(trace.vector(s))
        ),
        (None, Some(q)) => format!(
            "V({name}) = {v} is V({}) = {before}, the event before it on {p}, with its own {p} \
             entry one higher, as for any event that learns nothing new.",
            event_name(q)
        ),
        (None, None) => {
            format!("{name} is {p}'s first event, and V({name}) = {v} knows only {name} itself.")
        }
    }
}

impl ExerciseKind for MissingMessage {
    fn id(&self) -> &'static str {
        "missing-message"
    }
    fn title(&self) -> &'static str {
        "The missing message"
    }
    fn generate(&self, level: Level, seed: u64) -> Exercise {
        let mut rng = seeded_rng(seed);
        loop {
            let run = random_run(self, level, seed, &mut rng);
            let trace = &run.1;
            let candidates = hideable(trace);
            if candidates.is_empty() {
                continue;
            }
            let m = candidates[rng.random_range(0..candidates.len())];
            let message = &trace.messages[m];
            let (s, r) = (
                message.send_event,
                message.receive_event.expect("delivered"),
            );
            let prompt = "One message's arrow is hidden, and every event shows its vector clock. \
                          Find the event whose clock the visible arrows cannot explain: it \
                          received the hidden message. Click the send, then the receipt."
                .to_string();
            return exercise(
                self,
                level,
                seed,
                prompt,
                run,
                Show {
                    labels: Labels::Vector,
                    hidden_messages: vec![m],
                    marked: Vec::new(),
                },
                Question::PickEvents {
                    roles: vec!["send".into(), "receipt".into()],
                },
                Answer::PickEvents(vec![s, r]),
            );
        }
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let trace = &exercise.trace;
        let Some(message) = exercise
            .show
            .hidden_messages
            .first()
            .and_then(|&m| trace.messages.get(m))
        else {
            return wrong_form("answer another question");
        };
        let (s, r) = match message.receive_event {
            Some(r) => (message.send_event, r),
            None => return wrong_form("answer another question"),
        };
        let (picked_send, picked_receipt) = match picks(trace, answer, 2) {
            Ok(p) => (p[0], p[1]),
            Err(feedback) => return feedback,
        };
        let (sn, rn) = (event_name(s), event_name(r));
        let sender = &trace.processes[message.from];
        let receiver = &trace.processes[message.to];
        let vr = trace.vector(r);
        let before = vector_before(trace, r);
        let k = vr[message.from];
        let prev = previous(trace, r);
        let knew = match prev {
            Some(q) => format!(
                "the event before it on {receiver}, {}, has only {}",
                event_name(q),
                before[message.from]
            ),
            None => format!("{rn} is {receiver}'s first event, so {receiver} knew nothing of {sender} before it"),
        };
        if (picked_send, picked_receipt) == (s, r) {
            return Feedback::right(
                format!(
                    "Right: the hidden message went from {sn} on {sender} to {rn} on {receiver}. \
                     V({rn}) has {sender} entry {k}, but {knew}: only a message brings such news."
                ),
                vec![s, r],
            );
        }
        if (picked_send, picked_receipt) == (r, s) {
            return Feedback::wrong(
                format!(
                    "The other way round: {sn} is the send and {rn} the receipt. A message carries \
                     its sender's clock forward, so the receipt is the event whose clock learned \
                     something new."
                ),
                vec![s, r],
            );
        }
        if picked_send == picked_receipt {
            return Feedback::wrong(
                format!(
                    "You picked {} twice: a send and its receipt are two different events.",
                    event_name(picked_send)
                ),
                vec![picked_send],
            );
        }
        let mut events = vec![r];
        events.extend(prev);
        if picked_receipt != r {
            let x = picked_receipt;
            let mut pointed = vec![x];
            pointed.extend(events);
            return Feedback::wrong(
                format!(
                    "{} is not the receipt: its clock needs no hidden message. {} The clock the \
                     visible arrows cannot explain is V({rn}) = {}: its {sender} entry is {k}, but \
                     {knew}, and no visible arrow reaches {rn}. So {rn} received the hidden \
                     message.",
                    event_name(x),
                    explained(trace, x),
                    format_vector(vr)
                ),
                pointed,
            );
        }
        // The receipt is right; the send is not.
        let also: Vec<&str> = (0..trace.processes.len())
            .filter(|&i| i != message.from && i != message.to && vr[i] > before[i])
            .map(|i| trace.processes[i].as_str())
            .collect();
        let along = if also.is_empty() {
            String::new()
        } else {
            format!(
                " ({rn}'s {} entry grew too, but that news came along with the message: V({sn}) \
                 = {} already has it.)",
                also.join(" and "),
                format_vector(trace.vector(s))
            )
        };
        Feedback::wrong(
            format!(
                "{} is not the send. The receipt {rn}'s clock has {sender} entry {k}, but \
                 {knew}: the message came from {sender}, and left it at {sender}'s {} event, \
                 {sn}.{along}",
                event_name(picked_send),
                ordinal(k as usize)
            ),
            vec![picked_send, s, r],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run from a hand-written script, with local events named by their line.
    fn run(n: usize, lines: Vec<ScriptLine>) -> (Scenario, Arc<Trace>) {
        let scenario = scripted("clocks-test".into(), "test", n, 0, lines);
        let trace = run_of(&scenario);
        (scenario, trace)
    }

    fn local(at: Time, p: usize) -> ScriptLine {
        ScriptLine {
            at,
            process: ProcessRef::Index(p),
            local: Some("x".into()),
            ..Default::default()
        }
    }

    fn send(at: Time, p: usize, to: usize, arrive: Time) -> ScriptLine {
        ScriptLine {
            at,
            process: ProcessRef::Index(p),
            send: Some("m".into()),
            to: Some(ProcessRef::Index(to)),
            arrive: Some(arrive),
            ..Default::default()
        }
    }

    /// In trace order: a (P1, 10), b (P2, 15), c (P1, 20, sends to P2), d (P3, 25),
    /// e (P2, 30, the receipt), f (P2, 40).
    fn small() -> (Scenario, Arc<Trace>) {
        run(
            3,
            vec![
                local(10, 0),
                send(20, 0, 1, 30),
                local(15, 1),
                local(40, 1),
                local(25, 2),
            ],
        )
    }

    fn fill(kind: &dyn ExerciseKind, vector: bool) -> Exercise {
        let run = small();
        let events = (0..run.1.events.len()).collect();
        exercise(
            kind,
            Level::Easy,
            0,
            String::new(),
            run,
            Show {
                labels: Labels::Names,
                hidden_messages: Vec::new(),
                marked: Vec::new(),
            },
            Question::Fill { events, vector },
            Answer::Fill(Vec::new()),
        )
    }

    fn texts(values: &[&str]) -> Answer {
        Answer::Fill(values.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn the_small_run_is_as_drawn() {
        let (_, trace) = small();
        let got: Vec<(usize, u64, u64)> = trace
            .events
            .iter()
            .map(|e| (e.process, e.time, e.lamport))
            .collect();
        assert_eq!(
            got,
            [
                (0, 10, 1),
                (1, 15, 1),
                (0, 20, 2),
                (2, 25, 1),
                (1, 30, 3),
                (1, 40, 4)
            ]
        );
    }

    #[test]
    fn lamport_mistakes_are_explained_by_the_rule() {
        let ex = fill(&Lamport, false);
        let check = |values: &[&str]| Lamport.check(&ex, &texts(values)).message;
        assert!(
            Lamport
                .check(&ex, &texts(&["1", "1", "2", "1", "3", "4"]))
                .correct
        );
        assert_eq!(
            check(&["1", "1", "3", "1", "3", "4"]),
            "L(c) is not 3: c follows a (L = 1) on P1, and is not a receipt, so L(c) = 1 + 1 = 2."
        );
        assert_eq!(
            check(&["1", "1", "2", "2", "3", "4"]),
            "L(d) is not 2: d is P3's first event and not a receipt, so L(d) = 0 + 1 = 1."
        );
        assert_eq!(
            check(&["1", "1", "2", "1", "2", "3"]),
            "L(e) is not 2: e receives the message sent at c (L = 2); the event before it on P2, \
             b, has L = 1, so L(e) = max(1, 2) + 1 = 3."
        );
        assert_eq!(
            check(&["1", "", "2", "1", "x", "4"]),
            "Event b has no value yet: give a whole number for event b."
        );
        assert_eq!(
            check(&["1", "1", "2", "1", "three", "4"]),
            "\"three\" is not a whole number: give a whole number for event e."
        );
    }

    #[test]
    fn vector_mistakes_are_explained_entry_by_entry() {
        let ex = fill(&Vector, true);
        let right = [
            "[1,0,0]",
            "0 1 0",
            "(2, 0, 0)",
            "0,0,1",
            "[2,2,0]",
            "[2,3,0]",
        ];
        assert!(Vector.check(&ex, &texts(&right)).correct);
        let check = |i: usize, value: &str| {
            let mut values = right;
            values[i] = value;
            Vector.check(&ex, &texts(&values)).message
        };
        assert_eq!(
            check(4, "[1,2,0]"),
            "V(e) has P1 entry 2, not 1: e receives the message sent at c, which carries V(c) = \
             [2,0,0]; the event before it on P2, b, has V(b) = [0,1,0]. A receipt takes the \
             larger of each entry (then adds 1 to its own), so the P1 entry is max(0, 2) = 2. So \
             V(e) = [2,2,0]."
        );
        assert_eq!(
            check(4, "[2,1,0]"),
            "V(e) has P2 entry 2, not 1: each event adds 1 to its own process's entry, and b, the \
             event before e on P2, has P2 entry 1, so 1 + 1 = 2. So V(e) = [2,2,0]."
        );
        assert_eq!(
            check(5, "[3,3,0]"),
            "V(f) has P1 entry 2, not 3: f is not a receipt, so it learns nothing new about P1: it \
             keeps the P1 entry of e, the event before it on P2, which is 2. So V(f) = [2,3,0]."
        );
        assert_eq!(
            check(3, "[1,0,1]"),
            "V(d) has P1 entry 0, not 1: d is P3's first event and not a receipt, so it knows \
             nothing of P1 yet: its P1 entry is 0. So V(d) = [0,0,1]."
        );
        assert_eq!(
            check(0, "[1,0]"),
            "This run has 3 processes, so V(a) has 3 entries, one per process; you gave 2."
        );
        assert!(check(0, "[1,a,0]").starts_with("\"[1,a,0]\" is not a vector clock"));
    }

    #[test]
    fn a_chain_is_told_hop_by_hop() {
        // P1: a send→P2; P2: b receipt, c send→P3; P3: d local, e receipt, f local.
        let (_, trace) = run(
            3,
            vec![
                send(10, 0, 1, 20),
                send(30, 1, 2, 50),
                local(40, 2),
                local(60, 2),
            ],
        );
        let chain = trace.chain(0, 5).unwrap();
        assert_eq!(
            describe_chain(&trace, &chain),
            "a → f: a sends a message that P2 receives at b; b is followed on P2 by c, which \
             sends a message that P3 receives at e; f comes after e on P3."
        );
        assert_eq!(
            describe_chain(&trace, &trace.chain(3, 5).unwrap()),
            "d → f: both are on P3, and d comes first; the events of one process happen in order."
        );
    }

    #[test]
    fn crossing_is_geometric() {
        let arrow = |from, sent, to, arrives| Arrow {
            from,
            sent,
            to,
            arrives,
        };
        // Two messages between P1 and P2 that cross in flight.
        assert!(arrows_cross(&arrow(0, 1, 1, 4), &arrow(1, 2, 0, 3)));
        // One after the other.
        assert!(!arrows_cross(&arrow(0, 1, 1, 2), &arrow(1, 3, 0, 4)));
        // P1→P3 over P2's message to P1... which it crosses.
        assert!(arrows_cross(&arrow(0, 1, 2, 3), &arrow(1, 1, 0, 3)));
        // Different lanes entirely.
        assert!(!arrows_cross(&arrow(0, 1, 1, 2), &arrow(2, 1, 3, 2)));
        assert!(passes_through(&arrow(0, 1, 2, 3), 1, 2));
        assert!(!passes_through(&arrow(0, 1, 2, 3), 1, 3));
    }
}
