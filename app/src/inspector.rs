//! The side column's controls: the inspector (what is selected, and the faults that apply to it),
//! the network and seed controls, and the property badges.
//!
//! Everything a learner does here goes through the store (`intervene`, `set_network`,
//! `set_seed`); the pure helpers below (formatting, parsing, predicates) are unit-tested natively.

use leptos::prelude::*;
use spacetime_core::layout::process_colour;
use spacetime_core::{
    Action, EventId, EventKind, Latency, MessageId, NetworkModel, ProcessId, ProcessRef,
    PropertyKind, PropertyReport, Relation, Time, Trace, Verdict,
};

use crate::store::{Selection, Store};
use crate::topology::in_flight_at;

/// How many ticks the Delay button holds a message back.
pub const DELAY_TICKS: Time = 20;

/// The largest latency the controls accept (the core's limit).
pub const MAX_LATENCY: Time = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/// A vector clock as the course writes it: `[1, 0, 2]`.
pub fn format_vector(v: &[u32]) -> String {
    let entries: Vec<String> = v.iter().map(u32::to_string).collect();
    format!("[{}]", entries.join(", "))
}

/// A word for an event's kind.
pub fn kind_name(kind: EventKind) -> &'static str {
    kind.name()
}

/// How many of the events shown at a cursor are in an event's causal past, in its causal
/// future, and concurrent with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CausalCounts {
    pub past: usize,
    pub future: usize,
    pub concurrent: usize,
}

/// Count the events of the first `cursor` steps by their relation to event `e`.
pub fn causal_counts(trace: &Trace, e: EventId, cursor: u64) -> CausalCounts {
    let mut counts = CausalCounts::default();
    if e >= trace.events.len() {
        return counts;
    }
    let shown = trace.events.partition_point(|x| x.step < cursor);
    for x in 0..shown {
        match trace.relation(x, e) {
            Relation::Same => {}
            Relation::Before => counts.past += 1,
            Relation::After => counts.future += 1,
            Relation::Concurrent => counts.concurrent += 1,
        }
    }
    counts
}

/// What a message is doing after the first `cursor` steps.
pub fn message_status(m: &spacetime_core::Message, cursor: u64) -> String {
    if m.created_step >= cursor {
        "not sent yet".into()
    } else if in_flight_at(m, cursor) {
        "in flight".into()
    } else {
        m.fate.describe().into()
    }
}

/// A process named in an action, by its name in `names`.
pub fn process_name(r: &ProcessRef, names: &[String]) -> String {
    match r {
        ProcessRef::Index(i) => names.get(*i).cloned().unwrap_or_else(|| format!("#{i}")),
        ProcessRef::Name(n) => n.clone(),
    }
}

/// An intervention in a few words, naming messages by label and route where the trace knows them.
pub fn describe_action(action: &Action, trace: &Trace) -> String {
    let names = &trace.processes;
    let message = |id: MessageId| match trace.messages.get(id) {
        Some(m) => format!(
            "message #{id} {} ({} → {})",
            m.label,
            names.get(m.from).map_or("?", String::as_str),
            names.get(m.to).map_or("?", String::as_str)
        ),
        None => format!("message #{id}"),
    };
    match action {
        Action::Drop { message: id } => format!("drop {}", message(*id)),
        Action::Duplicate { message: id } => format!("duplicate {}", message(*id)),
        Action::Delay { message: id, by } => format!("delay {} by {by} ticks", message(*id)),
        Action::Crash { process } => format!("crash {}", process_name(process, names)),
        Action::Recover { process } => format!("recover {}", process_name(process, names)),
        Action::Cut { between } => format!(
            "cut the link {} – {}",
            process_name(&between[0], names),
            process_name(&between[1], names)
        ),
        Action::Heal { between } => format!(
            "heal the link {} – {}",
            process_name(&between[0], names),
            process_name(&between[1], names)
        ),
    }
}

/// A probability as a percentage for an input: `0.125` → `"12.5"`.
pub fn format_percent(p: f64) -> String {
    let s = format!("{:.2}", p * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.into()
    }
}

/// A percentage typed by the learner, as a probability from 0 to 1.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Err("enter a number from 0 to 100".into());
    }
    let v: f64 = t
        .parse()
        .map_err(|_| format!("\"{}\" is not a number: enter 0 to 100", text.trim()))?;
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(format!("{t}% is out of range: enter 0 to 100"));
    }
    Ok(v / 100.0)
}

/// A latency in ticks typed by the learner.
pub fn parse_ticks(text: &str) -> Result<Time, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("enter a whole number of ticks".into());
    }
    if let Ok(v) = t.parse::<Time>() {
        return if v > MAX_LATENCY {
            Err(format!("at most {MAX_LATENCY} ticks"))
        } else {
            Ok(v)
        };
    }
    match t.parse::<f64>() {
        Ok(v) if v < 0.0 => Err("a latency cannot be negative".into()),
        Ok(v) if v.is_finite() && v > MAX_LATENCY as f64 => {
            Err(format!("at most {MAX_LATENCY} ticks"))
        }
        Ok(_) => Err(format!("\"{t}\": give a whole number of ticks")),
        Err(_) => Err(format!("\"{t}\" is not a number")),
    }
}

/// Both ends of the latency range, checked together.
pub fn parse_latency(min: &str, max: &str) -> Result<Latency, String> {
    let lo = parse_ticks(min).map_err(|e| format!("min: {e}"))?;
    let hi = parse_ticks(max).map_err(|e| format!("max: {e}"))?;
    if lo > hi {
        return Err(format!("min ({lo}) is larger than max ({hi})"));
    }
    Ok(Latency { min: lo, max: hi })
}

/// A seed typed by the learner.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("enter a whole number".into());
    }
    t.parse::<u64>().map_err(|_| {
        if t.starts_with('-') {
            "a seed cannot be negative".into()
        } else {
            format!("\"{t}\" is not a whole number from 0 to {}", u64::MAX)
        }
    })
}

/// The "new seed" button's choice: a short number that follows from the current seed (so the
/// page never needs a source of randomness) and differs from it.
pub fn next_seed(seed: u64) -> u64 {
    // SplitMix64.
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let next = z % 100_000;
    if next == seed {
        (next + 1) % 100_000
    } else {
        next
    }
}

/// How a property's badge looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeState {
    /// Promised and holds so far: green.
    Ok,
    /// Promised and violated: red.
    Bad,
    /// Not promised by this variant: grey.
    Off,
    /// A liveness property not met yet, part way through the run: grey, "not yet".
    Pending,
}

impl BadgeState {
    /// The badge for a report on a run shown up to its end (`finished`) or only part way: part
    /// way, a liveness property that is not met yet may still be met, so it is pending, not red.
    pub fn of(report: &PropertyReport, finished: bool) -> BadgeState {
        match (report.promised, report.verdict.holds()) {
            (true, false) if !finished && report.kind == PropertyKind::Liveness => {
                BadgeState::Pending
            }
            (false, _) => BadgeState::Off,
            (true, true) => BadgeState::Ok,
            (true, false) => BadgeState::Bad,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            BadgeState::Ok => "badge ok",
            BadgeState::Bad => "badge bad",
            BadgeState::Off => "badge off",
            BadgeState::Pending => "badge pending",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            BadgeState::Ok => "✓",
            BadgeState::Bad => "✗",
            BadgeState::Off => "–",
            BadgeState::Pending => "…",
        }
    }
}

/// A name made safe for a `data-testid`: lowercase letters, digits and dashes.
pub fn testid_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The first event that shows a violation, if the verdict names one.
pub fn first_violating_event(report: &PropertyReport) -> Option<EventId> {
    match &report.verdict {
        Verdict::Violated { events, .. } => events.first().copied(),
        Verdict::Holds => None,
    }
}

fn name_of(trace: &Trace, p: ProcessId) -> String {
    trace
        .processes
        .get(p)
        .cloned()
        .unwrap_or_else(|| format!("#{p}"))
}

/// How two selected events are related, in the course's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairReport {
    pub relation: Relation,
    /// "c → f", "c ← f" or "c ∥ f".
    pub headline: String,
    /// Why: the chain that proves it, one step a line, or why no chain exists.
    pub reasons: Vec<String>,
}

/// The relation between events `a` and `b`, with the chain of events that proves it (crossing
/// as few messages as possible), or, for concurrent events, the clock entries that show it.
pub fn describe_pair(trace: &Trace, a: EventId, b: EventId) -> PairReport {
    use spacetime_core::exercise::event_name as name;
    let relation = trace.relation(a, b);
    let (na, nb) = (name(a), name(b));
    let step = |x: EventId, y: EventId| {
        let (ex, ey) = (&trace.events[x], &trace.events[y]);
        if ex.process == ey.process {
            format!(
                "{} comes before {} on {}",
                name(x),
                name(y),
                name_of(trace, ex.process)
            )
        } else {
            let label = ey
                .message
                .and_then(|m| trace.messages.get(m))
                .map_or(String::new(), |m| format!(" {}", m.label));
            format!(
                "{} sends the message{label} that {} receives",
                name(x),
                name(y)
            )
        }
    };
    let chain_reasons = |from: EventId, to: EventId| -> Vec<String> {
        trace
            .chain(from, to)
            .map(|c| c.windows(2).map(|w| step(w[0], w[1])).collect())
            .unwrap_or_default()
    };
    match relation {
        Relation::Same => PairReport {
            relation,
            headline: format!("{na} = {nb}"),
            reasons: vec!["That is the same event twice.".into()],
        },
        Relation::Before => PairReport {
            relation,
            headline: format!("{na} → {nb}"),
            reasons: chain_reasons(a, b),
        },
        Relation::After => PairReport {
            relation,
            headline: format!("{na} ← {nb}"),
            reasons: chain_reasons(b, a),
        },
        Relation::Concurrent => {
            let (va, vb) = (trace.vector(a), trace.vector(b));
            let more = |x: &[u32], y: &[u32]| {
                x.iter()
                    .zip(y)
                    .position(|(p, q)| p > q)
                    .map_or("?".to_string(), |p| name_of(trace, p))
            };
            let mut reasons = vec![
                format!("No chain of events and messages leads from {na} to {nb}, or from {nb} to {na}."),
                format!(
                    "V({na}) = {} and V({nb}) = {}: {na} is ahead in {}'s entry and {nb} in {}'s, \
                     so neither clock is ≤ the other.",
                    format_vector(va),
                    format_vector(vb),
                    more(va, vb),
                    more(vb, va)
                ),
            ];
            let (la, lb) = (trace.events[a].lamport, trace.events[b].lamport);
            if la != lb {
                let (lo, hi, nlo, nhi) = if la < lb {
                    (la, lb, &na, &nb)
                } else {
                    (lb, la, &nb, &na)
                };
                reasons.push(format!(
                    "Their Lamport clocks differ (L({nlo}) = {lo} < L({nhi}) = {hi}), yet that \
                     order says nothing about cause."
                ));
            }
            PairReport {
                relation,
                headline: format!("{na} ∥ {nb}"),
                reasons,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The inspector
// ---------------------------------------------------------------------------------------------

/// What is selected, in detail, with the faults that apply to it; then the interventions so far
/// and the run's warnings.
#[component]
pub fn Inspector() -> impl IntoView {
    let store = Store::get();
    view! {
        <section class="inspector" data-testid="inspector" aria-label="Inspector">
            {move || match store.selection.get() {
                Selection::Nothing => {
                    view! {
                        <p class="inspector-hint" data-testid="inspector-hint">
                            "Click an event, a message, a process or a link"
                        </p>
                    }
                        .into_any()
                }
                Selection::Event(id) => view! { <EventDetails id=id /> }.into_any(),
                Selection::Pair(a, b) => view! { <PairDetails a=a b=b /> }.into_any(),
                Selection::Message(id) => view! { <MessageDetails id=id /> }.into_any(),
                Selection::Process(p) => view! { <ProcessDetails process=p /> }.into_any(),
                Selection::Link(a, b) => view! { <LinkDetails a=a b=b /> }.into_any(),
            }}
            <Interventions />
            <Warnings />
        </section>
    }
}

/// A process name with its colour swatch.
#[component]
fn ProcessChip(process: ProcessId, name: String) -> impl IntoView {
    view! {
        <span class="process-chip" style=format!("--c: {}", process_colour(process))>
            <span class="swatch" aria-hidden="true"></span>
            {name}
        </span>
    }
}

#[component]
fn EventDetails(id: EventId) -> impl IntoView {
    let store = Store::get();
    let counts = Memo::new(move |_| {
        let cursor = store.cursor.get();
        store.trace.with(|t| causal_counts(t, id, cursor))
    });
    let shown = Memo::new(move |_| {
        let cursor = store.cursor.get();
        store
            .trace
            .with(|t| t.events.get(id).is_some_and(|e| e.step < cursor))
    });
    let details = move || {
        store.trace.with(|t| {
            let Some(e) = t.events.get(id) else {
                return view! {
                    <p class="inspector-hint">"That event is no longer in the run."</p>
                }
                .into_any();
            };
            let process = e.process;
            let name = name_of(t, process);
            let message = e.message.and_then(|m| t.messages.get(m)).map(|m| {
                let mid = m.id;
                let text = format!(
                    "#{mid} {} ({} → {})",
                    m.label,
                    name_of(t, m.from),
                    name_of(t, m.to)
                );
                view! {
                    <tr>
                        <th scope="row">"Message"</th>
                        <td>
                            <button
                                class="link-button"
                                data-testid="inspect-message"
                                on:click=move |_| store.selection.set(Selection::Message(mid))
                            >
                                {text}
                            </button>
                        </td>
                    </tr>
                }
            });
            let vector_cells = t
                .vector(e.id)
                .iter()
                .enumerate()
                .map(|(p, v)| {
                    view! {
                        <span class="vc-entry" style=format!("--c: {}", process_colour(p))>
                            <span class="vc-name">{name_of(t, p)}</span>
                            <span class="vc-value">{*v}</span>
                        </span>
                    }
                })
                .collect_view();
            view! {
                <h3 class="inspector-title">
                    "Event "
                    <span class="mono">{format!("#{}", e.id)}</span>
                    " on "
                    <ProcessChip process=process name=name.clone() />
                </h3>
                <table class="kv" data-testid="event-details">
                    <tbody>
                        <tr>
                            <th scope="row">"Kind"</th>
                            <td>{kind_name(e.kind)}</td>
                        </tr>
                        <tr>
                            <th scope="row">"Label"</th>
                            <td>{e.label.clone()}</td>
                        </tr>
                        <tr>
                            <th scope="row">"Time"</th>
                            <td>{format!("tick {}", e.time)}</td>
                        </tr>
                        <tr>
                            <th scope="row">"Step"</th>
                            <td>{e.step}</td>
                        </tr>
                        {message}
                        <tr>
                            <th scope="row">"Lamport"</th>
                            <td class="mono" data-testid="event-lamport">
                                {e.lamport}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"Vector"</th>
                            <td>
                                <span class="mono" data-testid="event-vector">
                                    {format_vector(t.vector(e.id))}
                                </span>
                                <div class="vc">{vector_cells}</div>
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"State after"</th>
                            <td class="state" data-testid="event-state">
                                {e.state.clone()}
                            </td>
                        </tr>
                    </tbody>
                </table>
            }
            .into_any()
        })
    };
    view! {
        <div class="inspector-body" data-testid="inspect-event">
            {details}
            <Show
                when=move || shown.get()
                fallback=|| {
                    view! {
                        <p class="note">"This event has not happened yet at the current step."</p>
                    }
                }
            >
                <p class="causal" data-testid="event-causal">
                    <span class="legend past">
                        <span class="swatch" aria-hidden="true"></span>
                        {move || counts.get().past}
                        " in its causal past"
                    </span>
                    <span class="legend future">
                        <span class="swatch" aria-hidden="true"></span>
                        {move || counts.get().future}
                        " in its causal future"
                    </span>
                    <span class="legend concurrent">
                        <span class="swatch" aria-hidden="true"></span>
                        {move || counts.get().concurrent}
                        " concurrent"
                    </span>
                </p>
            </Show>
            <button class="link-button" data-testid="compare-button"
                class:active=move || store.comparing.get()
                on:click=move |_| store.comparing.update(|c| *c = !*c)>
                {move || if store.comparing.get() {
                    "Now click the event to compare it with…"
                } else {
                    "Compare with another event (or shift-click it)"
                }}
            </button>

        </div>
    }
}

/// Two events compared: how they are related, and the chain that proves it.
#[component]
fn PairDetails(a: EventId, b: EventId) -> impl IntoView {
    let store = Store::get();
    let report = Memo::new(move |_| {
        store
            .trace
            .with(|t| (a.max(b) < t.events.len()).then(|| describe_pair(t, a, b)))
    });
    view! {
        <div class="inspector-body" data-testid="inspect-pair">
            {move || match report.get() {
                None => view! { <p class="inspector-hint">"Those events are no longer in the run."</p> }.into_any(),
                Some(r) => view! {
                    <h3 class="inspector-title">"Two events"</h3>
                    <p class="relation" data-testid="pair-relation">{r.headline}</p>
                    <ol class="reasons" data-testid="pair-reasons">
                        {r.reasons.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ol>
                    <p class="note">"The chain is highlighted on the diagram. Click an event to start again."</p>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn MessageDetails(id: MessageId) -> impl IntoView {
    let store = Store::get();
    let flying = Memo::new(move |_| {
        let cursor = store.cursor.get();
        store
            .trace
            .with(|t| t.messages.get(id).is_some_and(|m| in_flight_at(m, cursor)))
    });
    let act = move |action: Action| {
        if flying.get_untracked() {
            store.intervene(action);
        }
    };
    let details = move || {
        let cursor = store.cursor.get();
        store.trace.with(|t| {
            let Some(m) = t.messages.get(id) else {
                return view! {
                    <p class="inspector-hint">"That message is no longer in the run."</p>
                }
                .into_any();
            };
            let status = message_status(m, cursor);
            let copy_of = m.duplicate_of.map(|o| {
                view! {
                    <tr>
                        <th scope="row">"Copy of"</th>
                        <td class="mono">{format!("#{o}")}</td>
                    </tr>
                }
            });
            view! {
                <h3 class="inspector-title">
                    "Message " <span class="mono">{format!("#{id}")}</span> " "
                    <strong>{m.label.clone()}</strong>
                </h3>
                <table class="kv" data-testid="message-details">
                    <tbody>
                        <tr>
                            <th scope="row">"From"</th>
                            <td>
                                <ProcessChip process=m.from name=name_of(t, m.from) />
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"To"</th>
                            <td>
                                <ProcessChip process=m.to name=name_of(t, m.to) />
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"Payload"</th>
                            <td>
                                <code class="payload">{m.payload.clone()}</code>
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"Sent"</th>
                            <td>{format!("tick {}", m.sent_at)}</td>
                        </tr>
                        <tr>
                            <th scope="row">"Due"</th>
                            <td>{format!("tick {}", m.arrives_at)}</td>
                        </tr>
                        {copy_of}
                        <tr>
                            <th scope="row">"Fate"</th>
                            <td
                                data-testid="message-fate"
                                class:fate-bad=status != "delivered" && status != "in flight"
                                    && status != "not sent yet"
                            >
                                {status.clone()}
                            </td>
                        </tr>
                    </tbody>
                </table>
            }
            .into_any()
        })
    };
    view! {
        <div class="inspector-body" data-testid="inspect-message-panel">
            {details}
            <div class="actions" role="group" aria-label="Faults for this message">
                <button
                    class="danger"
                    data-testid="btn-drop"
                    disabled=move || !flying.get()
                    title="Remove it from the network (d)"
                    on:click=move |_| act(Action::Drop { message: id })
                >
                    "Drop"
                </button>
                <button
                    data-testid="btn-duplicate"
                    disabled=move || !flying.get()
                    title="Deliver it a second time"
                    on:click=move |_| act(Action::Duplicate { message: id })
                >
                    "Duplicate"
                </button>
                <button
                    data-testid="btn-delay"
                    disabled=move || !flying.get()
                    title=format!("Hold it back {DELAY_TICKS} ticks longer")
                    on:click=move |_| act(Action::Delay {
                        message: id,
                        by: DELAY_TICKS,
                    })
                >
                    {format!("Delay +{DELAY_TICKS}")}
                </button>
            </div>
            <Show when=move || !flying.get()>
                <p class="note">
                    "Faults apply to a message in flight: step to a moment after its send and before it arrives."
                </p>
            </Show>
        </div>
    }
}

#[component]
fn ProcessDetails(process: ProcessId) -> impl IntoView {
    let store = Store::get();
    let up = Memo::new(move |_| store.up_at_cursor().get(process).copied().unwrap_or(true));
    let state = Memo::new(move |_| {
        store
            .states_at_cursor()
            .get(process)
            .cloned()
            .unwrap_or_default()
    });
    let events_so_far = Memo::new(move |_| {
        let cursor = store.cursor.get();
        store.trace.with(|t| {
            t.events
                .iter()
                .take_while(|e| e.step < cursor)
                .filter(|e| e.process == process)
                .count()
        })
    });
    let name = Memo::new(move |_| store.trace.with(|t| name_of(t, process)));
    let exists = Memo::new(move |_| store.trace.with(|t| process < t.processes.len()));
    view! {
        <div class="inspector-body" data-testid="inspect-process">
            <Show
                when=move || exists.get()
                fallback=|| view! { <p class="inspector-hint">"No such process in this run."</p> }
            >
                <h3 class="inspector-title">
                    "Process " {move || view! { <ProcessChip process=process name=name.get() /> }}
                </h3>
                <table class="kv" data-testid="process-details">
                    <tbody>
                        <tr>
                            <th scope="row">"Status"</th>
                            <td data-testid="process-status" class:fate-bad=move || !up.get()>
                                {move || if up.get() { "up" } else { "down (crashed)" }}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"State"</th>
                            <td class="state" data-testid="process-state">
                                {move || state.get()}
                            </td>
                        </tr>
                        <tr>
                            <th scope="row">"Events so far"</th>
                            <td>{move || events_so_far.get()}</td>
                        </tr>
                    </tbody>
                </table>
                <div class="actions" role="group" aria-label="Faults for this process">
                    <Show
                        when=move || up.get()
                        fallback=move || {
                            view! {
                                <button
                                    class="primary"
                                    data-testid="btn-recover"
                                    title="Bring it back up (c)"
                                    on:click=move |_| {
                                        store
                                            .intervene(Action::Recover {
                                                process: ProcessRef::Index(process),
                                            })
                                    }
                                >
                                    "Recover"
                                </button>
                            }
                        }
                    >
                        <button
                            class="danger"
                            data-testid="btn-crash"
                            title="Crash it now (c)"
                            on:click=move |_| {
                                store
                                    .intervene(Action::Crash {
                                        process: ProcessRef::Index(process),
                                    })
                            }
                        >
                            "Crash"
                        </button>
                    </Show>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn LinkDetails(a: ProcessId, b: ProcessId) -> impl IntoView {
    let store = Store::get();
    let (a, b) = (a.min(b), a.max(b));
    let is_cut = Memo::new(move |_| store.cut_links_at_cursor().contains(&[a, b]));
    let names = Memo::new(move |_| store.trace.with(|t| (name_of(t, a), name_of(t, b))));
    let between = move || [ProcessRef::Index(a), ProcessRef::Index(b)];
    view! {
        <div class="inspector-body" data-testid="inspect-link">
            <h3 class="inspector-title">
                "Link "
                {move || {
                    let (na, nb) = names.get();
                    view! {
                        <ProcessChip process=a name=na />
                        " – "
                        <ProcessChip process=b name=nb />
                    }
                }}
            </h3>
            <table class="kv" data-testid="link-details">
                <tbody>
                    <tr>
                        <th scope="row">"Status"</th>
                        <td data-testid="link-status" class:fate-bad=move || is_cut.get()>
                            {move || {
                                if is_cut.get() {
                                    "cut: messages on it are lost"
                                } else {
                                    "connected"
                                }
                            }}
                        </td>
                    </tr>
                </tbody>
            </table>
            <div class="actions" role="group" aria-label="Faults for this link">
                <Show
                    when=move || is_cut.get()
                    fallback=move || {
                        view! {
                            <button
                                class="danger"
                                data-testid="btn-cut"
                                title="Cut it both ways: messages on it die"
                                on:click=move |_| store.intervene(Action::Cut { between: between() })
                            >
                                "Cut"
                            </button>
                        }
                    }
                >
                    <button
                        class="primary"
                        data-testid="btn-heal"
                        title="Mend it"
                        on:click=move |_| store.intervene(Action::Heal { between: between() })
                    >
                        "Heal"
                    </button>
                </Show>
            </div>
        </div>
    }
}

/// The learner's interventions so far, with undo and clear.
#[component]
fn Interventions() -> impl IntoView {
    let store = Store::get();
    let list = Memo::new(move |_| {
        let cursor = store.cursor.get();
        let interventions = store.scenario.with(|s| s.interventions.clone());
        store.trace.with(|t| {
            interventions
                .iter()
                .map(|i| (i.step, describe_action(&i.action, t), i.step >= cursor))
                .collect::<Vec<_>>()
        })
    });
    let empty = move || list.with(Vec::is_empty);
    view! {
        <div class="interventions" data-testid="interventions">
            <h3 class="subhead">
                "Your interventions " <span class="count">{move || list.with(Vec::len)}</span>
            </h3>
            <Show
                when=move || !empty()
                fallback=|| {
                    view! {
                        <p class="note">
                            "None yet: select a message, a process or a link to inject a fault."
                        </p>
                    }
                }
            >
                <ol class="intervention-list">
                    {move || {
                        list.get()
                            .into_iter()
                            .map(|(step, text, ahead)| {
                                view! {
                                    <li class:ahead=ahead>
                                        <span class="step">{format!("step {step}")}</span>
                                        " "
                                        {text}
                                        {ahead.then_some(" (ahead of the cursor)")}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ol>
            </Show>
            <div class="actions">
                <button
                    data-testid="btn-undo"
                    disabled=empty
                    title="Take back the last intervention (u)"
                    on:click=move |_| store.undo_intervention()
                >
                    "Undo last"
                </button>
                <button
                    data-testid="btn-clear"
                    disabled=empty
                    title="Take back every intervention"
                    on:click=move |_| store.clear_interventions()
                >
                    "Clear all"
                </button>
            </div>
        </div>
    }
}

/// Interventions the run could not apply (the message had already arrived, say).
#[component]
fn Warnings() -> impl IntoView {
    let store = Store::get();
    let warnings = Memo::new(move |_| store.trace.with(|t| t.warnings.clone()));
    view! {
        <Show when=move || warnings.with(|w| !w.is_empty())>
            <div class="warnings" role="status" data-testid="trace-warnings">
                <h3 class="subhead">"Warnings"</h3>
                <ul>
                    {move || {
                        warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

// ---------------------------------------------------------------------------------------------
// Network and seed
// ---------------------------------------------------------------------------------------------

/// The network's loss, duplication, latency and FIFO, and the seed. A value applies when the
/// field is committed (Enter, or leaving it); a bad value says why next to its field and does not
/// apply.
#[component]
pub fn NetworkControls() -> impl IntoView {
    let store = Store::get();
    let network = Memo::new(move |_| store.scenario.with(|s| s.network.clone()));
    let seed = Memo::new(move |_| store.scenario.with(|s| s.seed));

    let initial = network.get_untracked();
    let loss = RwSignal::new(format_percent(initial.loss));
    let dup = RwSignal::new(format_percent(initial.duplicate));
    let lat_min = RwSignal::new(initial.latency.min.to_string());
    let lat_max = RwSignal::new(initial.latency.max.to_string());
    let seed_text = RwSignal::new(seed.get_untracked().to_string());
    let loss_err = RwSignal::new(None::<String>);
    let dup_err = RwSignal::new(None::<String>);
    let lat_err = RwSignal::new(None::<String>);
    let seed_err = RwSignal::new(None::<String>);

    // When the scenario's network or seed changes (another scenario, an applied value), the
    // fields show it again. Not on the first run: the fields already start from it.
    Effect::watch(
        move || network.get(),
        move |n, _, _| {
            loss.set(format_percent(n.loss));
            dup.set(format_percent(n.duplicate));
            lat_min.set(n.latency.min.to_string());
            lat_max.set(n.latency.max.to_string());
            loss_err.set(None);
            dup_err.set(None);
            lat_err.set(None);
        },
        false,
    );
    Effect::watch(
        move || seed.get(),
        move |s, _, _| {
            seed_text.set(s.to_string());
            seed_err.set(None);
        },
        false,
    );

    let apply = move |change: &dyn Fn(&mut NetworkModel)| {
        let mut n = network.get_untracked();
        change(&mut n);
        if n != network.get_untracked() {
            store.set_network(n);
        }
    };
    let apply_loss = move || match parse_percent(&loss.get_untracked()) {
        Ok(p) => {
            loss_err.set(None);
            apply(&|n| n.loss = p);
        }
        Err(e) => loss_err.set(Some(e)),
    };
    let apply_dup = move || match parse_percent(&dup.get_untracked()) {
        Ok(p) => {
            dup_err.set(None);
            apply(&|n| n.duplicate = p);
        }
        Err(e) => dup_err.set(Some(e)),
    };
    let apply_latency =
        move || match parse_latency(&lat_min.get_untracked(), &lat_max.get_untracked()) {
            Ok(l) => {
                lat_err.set(None);
                apply(&|n| n.latency = l);
            }
            Err(e) => lat_err.set(Some(e)),
        };
    let apply_seed = move || match parse_seed(&seed_text.get_untracked()) {
        Ok(s) => {
            seed_err.set(None);
            if s != seed.get_untracked() {
                store.set_seed(s);
            }
        }
        Err(e) => seed_err.set(Some(e)),
    };
    let error = move |signal: RwSignal<Option<String>>, testid: &'static str| {
        view! {
            <Show when=move || signal.with(Option::is_some)>
                <span class="field-error" role="alert" data-testid=testid>
                    {move || signal.get().unwrap_or_default()}
                </span>
            </Show>
        }
    };

    view! {
        <div class="network-controls" data-testid="network-controls">
            <div class="field">
                <label for="net-loss">"Loss"</label>
                <span class="input-unit">
                    <input
                        id="net-loss"
                        type="text"
                        inputmode="decimal"
                        size="5"
                        data-testid="net-loss"
                        aria-invalid=move || loss_err.with(Option::is_some).to_string()
                        prop:value=move || loss.get()
                        on:input=move |ev| loss.set(event_target_value(&ev))
                        on:change=move |_| apply_loss()
                    />
                    "%"
                </span>
                {error(loss_err, "net-loss-error")}
            </div>
            <div class="field">
                <label for="net-dup">"Duplication"</label>
                <span class="input-unit">
                    <input
                        id="net-dup"
                        type="text"
                        inputmode="decimal"
                        size="5"
                        data-testid="net-dup"
                        aria-invalid=move || dup_err.with(Option::is_some).to_string()
                        prop:value=move || dup.get()
                        on:input=move |ev| dup.set(event_target_value(&ev))
                        on:change=move |_| apply_dup()
                    />
                    "%"
                </span>
                {error(dup_err, "net-dup-error")}
            </div>
            <div class="field">
                <label for="net-lat-min">"Latency"</label>
                <span class="input-unit">
                    <input
                        id="net-lat-min"
                        type="text"
                        inputmode="numeric"
                        size="5"
                        aria-label="Latency minimum, ticks"
                        data-testid="net-lat-min"
                        aria-invalid=move || lat_err.with(Option::is_some).to_string()
                        prop:value=move || lat_min.get()
                        on:input=move |ev| lat_min.set(event_target_value(&ev))
                        on:change=move |_| apply_latency()
                    />
                    "to"
                    <input
                        type="text"
                        inputmode="numeric"
                        size="5"
                        aria-label="Latency maximum, ticks"
                        data-testid="net-lat-max"
                        aria-invalid=move || lat_err.with(Option::is_some).to_string()
                        prop:value=move || lat_max.get()
                        on:input=move |ev| lat_max.set(event_target_value(&ev))
                        on:change=move |_| apply_latency()
                    />
                    "ticks"
                </span>
                {error(lat_err, "net-lat-error")}
            </div>
            <div class="field">
                <label for="net-fifo">"FIFO links"</label>
                <span class="input-unit">
                    <input
                        id="net-fifo"
                        type="checkbox"
                        data-testid="net-fifo"
                        prop:checked=move || network.with(|n| n.fifo)
                        on:change=move |ev| {
                            let fifo = event_target_checked(&ev);
                            apply(&|n| n.fifo = fifo);
                        }
                    />
                    <span class="hint">"no overtaking on a link"</span>
                </span>
            </div>
            <div class="field">
                <label for="seed-input">"Seed"</label>
                <span class="input-unit">
                    <input
                        id="seed-input"
                        type="text"
                        inputmode="numeric"
                        size="10"
                        data-testid="seed-input"
                        aria-invalid=move || seed_err.with(Option::is_some).to_string()
                        prop:value=move || seed_text.get()
                        on:input=move |ev| seed_text.set(event_target_value(&ev))
                        on:change=move |_| apply_seed()
                    />
                    <button
                        data-testid="btn-new-seed"
                        title="Run again with another seed"
                        on:click=move |_| store.set_seed(next_seed(seed.get_untracked()))
                    >
                        "New seed"
                    </button>
                </span>
                {error(seed_err, "seed-error")}
            </div>
            <p class="note">"Changing the network or the seed re-runs the scenario and clears your interventions."</p>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Property badges
// ---------------------------------------------------------------------------------------------

/// One badge per property of the run as far as the cursor: green holds, red violated (with the
/// explanation and a button that selects the violating event), grey not promised.
#[component]
pub fn PropertyBadges() -> impl IntoView {
    let store = Store::get();
    let reports = Memo::new(move |_| store.reports());
    let finished = Memo::new(move |_| store.cursor.get() >= store.trace.with(|t| t.step_count()));
    view! {
        <section class="badges" data-testid="badges" aria-label="Properties">
            {move || {
                reports
                    .get()
                    .into_iter()
                    .map(|r| {
                        let state = BadgeState::of(&r, finished.get());
                        let slug = testid_slug(&r.name);
                        let first = first_violating_event(&r);
                        let explanation = match &r.verdict {
                            Verdict::Violated { explanation, .. } => Some(explanation.clone()),
                            Verdict::Holds => None,
                        };
                        let detail = match (state, &explanation) {
                            (BadgeState::Ok, _) => "holds".to_string(),
                            (BadgeState::Bad, Some(e)) => e.clone(),
                            (BadgeState::Bad, None) => "violated".to_string(),
                            (BadgeState::Off, Some(e)) => format!("not promised; here: {e}"),
                            (BadgeState::Off, None) => "not promised".to_string(),
                            (BadgeState::Pending, Some(e)) => format!("not yet: {e}"),
                            (BadgeState::Pending, None) => "not yet".to_string(),
                        };
                        let kind = match r.kind {
                            PropertyKind::Safety => "safety",
                            PropertyKind::Liveness => "liveness",
                        };
                        let show = first
                            .map(|e| {
                                view! {
                                    <button
                                        class="badge-show"
                                        data-testid=format!("badge-show-{slug}")
                                        title="Select the event that shows it"
                                        on:click=move |_| {
                                            store.playing.set(false);
                                            store.selection.set(Selection::Event(e));
                                        }
                                    >
                                        "show"
                                    </button>
                                }
                            });
                        view! {
                            <div
                                class=state.class()
                                // Not promised, yet broken in this run: the point of the lesson.
                                class:broken=state == BadgeState::Off && explanation.is_some()
                                data-holds=explanation.is_none().to_string()
                                data-testid=format!("badge-{slug}")
                                data-state=match state {
                                    BadgeState::Ok => "ok",
                                    BadgeState::Bad => "bad",
                                    BadgeState::Off => "off",
                                    BadgeState::Pending => "pending",
                                }
                                title=r.description.clone()
                            >
                                <span class="badge-icon" aria-hidden="true">
                                    {state.icon()}
                                </span>
                                <span class="badge-name">{r.name.clone()}</span>
                                <span class="badge-kind">{kind}</span>
                                <span class="badge-detail">{detail}</span>
                                {show}
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_variant_table_shows_which_variant_keeps_agreement_when_the_sender_crashes() {
        let scenario =
            spacetime_core::protocols::example("broadcast-best-effort-sender-crash").unwrap();
        let (columns, rows) = variant_table(&scenario);
        assert!(columns.iter().any(|c| c == "agreement"));
        let agreement = |variant: &str| {
            rows.iter()
                .find(|r| r.variant == variant)
                .and_then(|r| r.cells.iter().find(|(n, _, _)| n == "agreement").cloned())
                .unwrap()
        };
        assert_eq!(agreement("best-effort"), ("agreement".into(), false, false));
        assert_eq!(agreement("reliable"), ("agreement".into(), true, true));
        assert_eq!(rows.len(), 7);
        // One variant: no table is needed, but the function still answers.
        let scripted = spacetime_core::protocols::example("clocks-three-events").unwrap();
        assert_eq!(variant_table(&scripted).1.len(), 1);
    }

    #[test]
    fn the_application_gets_the_stream_as_it_is_delivered() {
        let t = spacetime_core::Run::complete(
            &spacetime_core::protocols::example("tcp-handshake").unwrap(),
        )
        .unwrap()
        .trace()
        .clone();
        assert!(delivered_at(&t, 0).is_empty());
        let whole = delivered_at(&t, t.step_count());
        assert_eq!(whole.len(), 1);
        let (p, text) = &whole[0];
        assert_eq!(t.processes[*p], "server");
        assert!(text.starts_with("abcdefg"), "{text}");
        let half = delivered_at(&t, t.step_count() / 2);
        assert!(half
            .first()
            .is_none_or(|(_, h)| text.starts_with(h.as_str()) && h.len() <= text.len()));
    }

    use super::*;
    use spacetime_core::protocols::example;
    use spacetime_core::{Fate, Intervention, Run};

    fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
    }

    #[test]
    fn vector_clocks_read_as_the_course_writes_them() {
        assert_eq!(format_vector(&[1, 0, 2]), "[1, 0, 2]");
        assert_eq!(format_vector(&[]), "[]");
        assert_eq!(format_vector(&[7]), "[7]");
    }

    #[test]
    fn causal_counts_cover_every_other_shown_event() {
        let t = trace("clocks-three-events");
        let end = t.step_count();
        for e in 0..t.events.len() {
            let c = causal_counts(&t, e, end);
            assert_eq!(c.past + c.future + c.concurrent, t.events.len() - 1);
            assert_eq!(c.past, t.causal_past(e).len());
            assert_eq!(c.future, t.causal_future(e).len());
        }
        assert_eq!(causal_counts(&t, 0, 0), CausalCounts::default());
        assert_eq!(causal_counts(&t, 10_000, end), CausalCounts::default());
    }

    #[test]
    fn a_message_reads_not_sent_in_flight_then_its_fate() {
        let t = trace("clocks-three-events");
        let m = &t.messages[0];
        assert_eq!(message_status(m, m.created_step), "not sent yet");
        assert_eq!(message_status(m, m.created_step + 1), "in flight");
        let settled = m.settled_step.unwrap();
        assert_eq!(message_status(m, settled + 1), m.fate.describe());
        assert_eq!(m.fate, Fate::Delivered);
    }

    #[test]
    fn interventions_are_described_by_name() {
        let mut s = example("gossip-one-rumour").unwrap();
        s.interventions = vec![Intervention {
            step: 1,
            action: Action::Crash {
                process: ProcessRef::Index(1),
            },
        }];
        let t = Run::complete(&s).unwrap().trace().clone();
        let p1 = t.processes[1].clone();
        assert_eq!(
            describe_action(&s.interventions[0].action, &t),
            format!("crash {p1}")
        );
        let cut = Action::Cut {
            between: [ProcessRef::Index(0), ProcessRef::Name("Q".into())],
        };
        assert_eq!(
            describe_action(&cut, &t),
            format!("cut the link {} – Q", t.processes[0])
        );
        let drop = Action::Drop { message: 0 };
        let m = &t.messages[0];
        assert_eq!(
            describe_action(&drop, &t),
            format!(
                "drop message #0 {} ({} → {})",
                m.label, t.processes[m.from], t.processes[m.to]
            )
        );
        assert_eq!(
            describe_action(
                &Action::Delay {
                    message: 99_999,
                    by: 20
                },
                &t
            ),
            "delay message #99999 by 20 ticks"
        );
    }

    #[test]
    fn percentages_round_trip_and_bad_ones_say_why() {
        assert_eq!(format_percent(0.0), "0");
        assert_eq!(format_percent(0.1), "10");
        assert_eq!(format_percent(0.125), "12.5");
        assert_eq!(format_percent(1.0), "100");
        assert_eq!(parse_percent("10"), Ok(0.1));
        assert_eq!(parse_percent(" 12.5 % "), Ok(0.125));
        assert_eq!(parse_percent("0"), Ok(0.0));
        assert_eq!(parse_percent("100"), Ok(1.0));
        assert!(parse_percent("abc").unwrap_err().contains("not a number"));
        assert!(parse_percent("101").unwrap_err().contains("0 to 100"));
        assert!(parse_percent("-1").unwrap_err().contains("0 to 100"));
        assert!(parse_percent("").is_err());
        assert!(parse_percent("NaN").is_err());
        assert!(parse_percent("inf").is_err());
    }

    #[test]
    fn latencies_are_whole_ticks_with_min_at_most_max() {
        assert_eq!(parse_ticks("15"), Ok(15));
        assert_eq!(parse_ticks(" 0 "), Ok(0));
        assert!(parse_ticks("1.5").unwrap_err().contains("whole"));
        assert!(parse_ticks("-3").unwrap_err().contains("negative"));
        assert!(parse_ticks("lots").unwrap_err().contains("not a number"));
        assert!(parse_ticks("2000000").unwrap_err().contains("at most"));
        assert_eq!(parse_latency("10", "30"), Ok(Latency { min: 10, max: 30 }));
        assert_eq!(parse_latency("5", "5"), Ok(Latency { min: 5, max: 5 }));
        assert_eq!(
            parse_latency("50", "30"),
            Err("min (50) is larger than max (30)".into())
        );
        assert!(parse_latency("x", "30").unwrap_err().starts_with("min:"));
        assert!(parse_latency("3", "").unwrap_err().starts_with("max:"));
    }

    #[test]
    fn seeds_are_whole_numbers_and_new_ones_differ() {
        assert_eq!(parse_seed("7"), Ok(7));
        assert_eq!(parse_seed(" 18446744073709551615 "), Ok(u64::MAX));
        assert!(parse_seed("-1").unwrap_err().contains("negative"));
        assert!(parse_seed("1e3").is_err());
        assert!(parse_seed("").is_err());
        let mut seed = 7;
        for _ in 0..1000 {
            let next = next_seed(seed);
            assert_ne!(next, seed);
            assert!(next < 100_000);
            assert_eq!(next, next_seed(seed), "deterministic");
            seed = next;
        }
    }

    #[test]
    fn badges_are_green_red_or_grey() {
        let report = |promised, verdict| PropertyReport {
            name: "in order".into(),
            kind: PropertyKind::Safety,
            description: String::new(),
            promised,
            verdict,
        };
        let ok = report(true, Verdict::Holds);
        let bad = report(true, Verdict::violated(vec![4, 9], "P2 got 3 before 2"));
        let off = report(false, Verdict::violated(vec![], "whatever"));
        assert_eq!(BadgeState::of(&ok, true), BadgeState::Ok);
        assert_eq!(BadgeState::of(&bad, true), BadgeState::Bad);
        assert_eq!(BadgeState::of(&off, true), BadgeState::Off);
        let mut liveness = bad.clone();
        liveness.kind = PropertyKind::Liveness;
        assert_eq!(BadgeState::of(&liveness, false), BadgeState::Pending);
        assert_eq!(BadgeState::of(&liveness, true), BadgeState::Bad);
        assert_eq!(
            BadgeState::of(&bad, false),
            BadgeState::Bad,
            "safety breaks at once"
        );
        assert_eq!(BadgeState::Bad.class(), "badge bad");
        assert_eq!(first_violating_event(&bad), Some(4));
        assert_eq!(first_violating_event(&ok), None);
        assert_eq!(first_violating_event(&off), None);
    }

    #[test]
    fn testids_are_slugs() {
        assert_eq!(testid_slug("coverage"), "coverage");
        assert_eq!(testid_slug("clock-condition"), "clock-condition");
        assert_eq!(
            testid_slug("In order, exactly once!"),
            "in-order-exactly-once"
        );
    }

    #[test]
    fn kinds_have_words() {
        assert_eq!(kind_name(EventKind::Receive), "receive");
        assert_eq!(kind_name(EventKind::Crash), "crash");
    }
}

/// The lesson's one-click interventions for the run on screen (killing the Two Generals' last
/// messenger), with what each did.
#[component]
pub fn LessonActions() -> impl IntoView {
    let store = Store::get();
    let actions = Memo::new(move |_| {
        store.scenario.with(|s| {
            crate::lessons::lesson_of(s)
                .map(|l| l.actions_for(&s.protocol))
                .unwrap_or_default()
        })
    });
    view! {
        <Show when=move || actions.with(|a| !a.is_empty())>
            <section class="panel lesson-actions" data-testid="lesson-actions" aria-label="Lesson actions">
                {move || actions.get().into_iter().map(|a| {
                    let run = move |_| {
                        let target = store.trace.with_untracked(|t| {
                            (a.message)(t).and_then(|m| t.messages.get(m)).map(|m| (m.id, m.created_step + 1))
                        });
                        match target {
                            Some((message, step)) => store.intervene_at(step, Action::Drop { message }),
                            None => store.error.set(Some(format!(
                                "{}: there is no such message in this run (anymore).",
                                a.label
                            ))),
                        }
                    };
                    view! {
                        <button data-testid=format!("action-{}", a.id) title=a.help on:click=run>{a.label}</button>
                        <p class="panel-hint">{a.help}</p>
                    }
                }).collect_view()}
            </section>
        </Show>
    }
}

/// The text each process's application has been given so far (a protocol's `deliver` outputs).
pub fn delivered_at(trace: &Trace, cursor: u64) -> Vec<(ProcessId, String)> {
    let shown = trace.events.partition_point(|e| e.step < cursor);
    let mut by_process: Vec<(ProcessId, String)> = Vec::new();
    for o in trace
        .outputs
        .iter()
        .filter(|o| o.kind == "deliver" && o.event < shown)
    {
        match by_process.iter_mut().find(|(p, _)| *p == o.process) {
            Some((_, text)) => text.push_str(&o.value),
            None => by_process.push((o.process, o.value.clone())),
        }
    }
    by_process
}

/// What the receiving applications have been given, live: the end-to-end view of delivery.
#[component]
pub fn Delivered() -> impl IntoView {
    let store = Store::get();
    let has_any = Memo::new(move |_| {
        store
            .trace
            .with(|t| t.outputs.iter().any(|o| o.kind == "deliver"))
    });
    let delivered = Memo::new(move |_| {
        let cursor = store.cursor.get();
        store.trace.with(|t| delivered_at(t, cursor))
    });
    view! {
        <Show when=move || has_any.get()>
            <section class="panel delivered" data-testid="delivered" aria-label="Delivered to the application">
                <h2 class="panel-title">"Delivered to the application"</h2>
                {move || {
                    let rows = delivered.get();
                    if rows.is_empty() {
                        view! { <p class="panel-hint">"Nothing yet."</p> }.into_any()
                    } else {
                        rows.into_iter().map(|(p, text)| {
                            let name = store.trace.with_untracked(|t| name_of(t, p));
                            let count = text.chars().count();
                            view! {
                                <div class="delivered-row">
                                    <ProcessChip process=p name=name />
                                    <span class="panel-hint">{format!("{count} characters")}</span>
                                    <code class="delivered-text" data-testid=format!("delivered-{p}")>{text}</code>
                                </div>
                            }
                        }).collect_view().into_any()
                    }
                }}
            </section>
        </Show>
    }
}

/// How one variant fares on a scenario: for each property, whether it promises it and whether it
/// holds on the whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantRow {
    pub variant: String,
    /// (property, promised, holds), in the order of [`variant_table`]'s columns; empty with an
    /// error when the variant does not run this scenario.
    pub cells: Vec<(String, bool, bool)>,
    pub error: Option<String>,
}

/// Every variant of the scenario's protocol run on the same scenario (its faults and built-in
/// interventions included), and the properties each keeps: the table beside the diagram.
pub fn variant_table(scenario: &spacetime_core::Scenario) -> (Vec<String>, Vec<VariantRow>) {
    let Some(protocol) = spacetime_core::protocols::find(&scenario.protocol) else {
        return (Vec::new(), Vec::new());
    };
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for v in protocol.variants {
        let mut s = scenario.clone();
        s.variant = v.name.to_string();
        match spacetime_core::Run::complete(&s) {
            Ok(run) => {
                let cells: Vec<(String, bool, bool)> = run
                    .check(run.trace())
                    .into_iter()
                    .map(|r| (r.name.clone(), r.promised, r.verdict.holds()))
                    .collect();
                for (name, _, _) in &cells {
                    if !columns.contains(name) {
                        columns.push(name.clone());
                    }
                }
                rows.push(VariantRow {
                    variant: v.name.to_string(),
                    cells,
                    error: None,
                });
            }
            Err(e) => rows.push(VariantRow {
                variant: v.name.to_string(),
                cells: Vec::new(),
                error: Some(e.to_string()),
            }),
        }
    }
    (columns, rows)
}

/// The table of variants: which property each keeps on this scenario. Shown for protocols with
/// more than one variant; a click on a row switches to that variant.
#[component]
pub fn VariantTable() -> impl IntoView {
    let store = Store::get();
    // Only the scenario's own definition matters, not the learner's position in it.
    let key = Memo::new(move |_| {
        store.scenario.with(|s| {
            let mut s = s.clone();
            s.variant.clear();
            s
        })
    });
    let table = Memo::new(move |_| {
        let s = key.get();
        let variants = spacetime_core::protocols::find(&s.protocol).map_or(0, |p| p.variants.len());
        (variants > 1).then(|| variant_table(&s))
    });
    let current = move || store.scenario.with(|s| s.variant.clone());
    view! {
        {move || table.get().map(|(columns, rows)| {
            let header = columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view();
            let body = rows.into_iter().map(|row| {
                let variant = row.variant.clone();
                let is_current = {
                    let variant = variant.clone();
                    move || {
                        let c = current();
                        c == variant
                    }
                };
                let cells = columns.iter().map(|c| {
                    let cell = row.cells.iter().find(|(n, _, _)| n == c).cloned();
                    match cell {
                        None => view! { <td class="na">"–"</td> }.into_any(),
                        Some((name, promised, holds)) => view! {
                            <td class:promised=promised class:holds=holds class:breaks=!holds
                                data-testid=format!("variant-{}-{}", row.variant, testid_slug(&name))
                                data-holds=holds.to_string()
                                title=if promised { "promised by this variant" } else { "not promised by this variant" }>
                                {if holds { "✓" } else { "✗" }}
                            </td>
                        }.into_any(),
                    }
                }).collect_view();
                let error = row.error.clone().map(|e| view! { <td class="na" colspan="99">{e}</td> });
                let pick = variant.clone();
                view! {
                    <tr class:current=is_current>
                        <th scope="row">
                            <button class="link-button" on:click=move |_| store.set_variant(pick.clone())>{variant.clone()}</button>
                        </th>
                        {cells}
                        {error}
                    </tr>
                }
            }).collect_view();
            view! {
                <details class="panel variant-table" open data-testid="variant-table">
                    <summary class="panel-title">"Each variant on this scenario"</summary>
                    <p class="panel-hint">"✓ holds, ✗ breaks, on the whole run with the scenario's own faults; bold: the variant promises it. Click a variant to switch."</p>
                    <div class="table-scroll">
                        <table>
                            <thead><tr><th></th>{header}</tr></thead>
                            <tbody>{body}</tbody>
                        </table>
                    </div>
                </details>
            }
        })}
    }
}
