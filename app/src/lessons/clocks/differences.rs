//! Where two executions of an imported log differ, beside the diagram: the core marks them as
//! typed facts (a [`Difference`] output on each event, a marked [`Note`] on each arrow); this
//! lists the events, each a button that selects it, and has the diagram ring them and draw the
//! arrows bold. A run with no differences shows nothing.

use leptos::prelude::*;
use spacetime_core::lessons::clocks::scripted::{Difference, Note, DIFFERS};
use spacetime_core::words::count_of;
use spacetime_core::{EventId, MessageId, Trace};

use crate::store::{Selection, Store};

/// The marked events (in increasing order, with why) and arrows of `trace`.
pub fn differences(trace: &Trace) -> (Vec<(EventId, String)>, Vec<MessageId>) {
    let mut events: Vec<(EventId, String)> = trace
        .outputs
        .iter()
        .filter(|o| o.kind == DIFFERS)
        .filter_map(|o| Some((o.event, o.fact::<Difference>()?.0.clone())))
        .collect();
    events.sort_by_key(|(e, _)| *e);
    let arrows = trace
        .messages
        .iter()
        .filter(|m| m.content::<Note>().is_some_and(|n| n.marked))
        .map(|m| m.id)
        .collect();
    (events, arrows)
}

#[component]
pub fn DifferencesPanel() -> impl IntoView {
    let store = Store::get();
    let found = Memo::new(move |_| store.trace.with(|t| differences(t)));
    Effect::new(move |_| {
        let (events, arrows) = found.get();
        store
            .marked
            .set(events.into_iter().map(|(e, _)| e).collect());
        store.emphasis.set(arrows);
    });
    on_cleanup(move || {
        store.marked.set(Vec::new());
        store.emphasis.set(Vec::new());
    });
    move || {
        let (events, arrows) = found.get();
        if events.is_empty() && arrows.is_empty() {
            return None;
        }
        let names = store.trace.with_untracked(|t| {
            events
                .iter()
                .map(|(e, _)| t.processes[t.events[*e].process].clone())
                .collect::<Vec<_>>()
        });
        Some(view! {
            <section class="panel differences-panel" data-testid="differences-panel" aria-label="Where the executions differ">
                <h2 class="panel-title">"Where the executions differ"</h2>
                <p class="panel-hint" data-testid="differences-summary">
                    {format!(
                        "{} and {} differ: ringed and drawn bold. Click one to select it.",
                        count_of(events.len(), "event"),
                        count_of(arrows.len(), "arrow"),
                    )}
                </p>
                <ul class="problems">
                    {events.into_iter().zip(names).map(|((e, why), name)| view! {
                        <li>
                            <button class="link-button" data-testid="difference"
                                on:click=move |_| store.selection.set(Selection::Event(e))>
                                {format!("{name}: {why}")}
                            </button>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}
