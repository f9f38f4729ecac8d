//! An event in detail: its clocks, its causal past and future at the cursor, and two events
//! compared (how they are related, and the chain or the clock entries that show it).

use super::*;

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

#[component]
pub(super) fn EventDetails(id: EventId) -> impl IntoView {
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
pub(super) fn PairDetails(a: EventId, b: EventId) -> impl IntoView {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::tests::trace;

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
    fn kinds_have_words() {
        assert_eq!(kind_name(EventKind::Receive), "receive");
        assert_eq!(kind_name(EventKind::Crash), "crash");
    }
}
