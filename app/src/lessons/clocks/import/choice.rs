//! What of an imported log to draw: which execution of a ShiViz file that holds several (and
//! another beside it, with what differs marked), which hosts, and the order of their lanes. Each
//! change imports the same text again; a change that cannot be drawn (every host hidden) leaves
//! the run, and the controls, as they were.

use leptos::prelude::*;
use spacetime_core::log::{Choice, LaneOrder};
use spacetime_core::words::count_of;

use super::Shown;

/// The lane orders offered, with their values and labels.
const ORDERS: [(LaneOrder, &str, &str); 3] = [
    (LaneOrder::Log, "log", "as the log lists them"),
    (LaneOrder::Name, "name", "by name"),
    (LaneOrder::Events, "events", "by number of events"),
];

/// The execution picker, the host list and the lane order of the log `shown` last drew; `import`
/// draws the same text with another choice, and says whether it could.
pub fn controls(
    shown: RwSignal<Option<Shown>>,
    import: impl Fn(Choice) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Import again with `edit` made to what is drawn now.
    let change = move |edit: &dyn Fn(&mut Choice)| -> bool {
        let Some(mut choice) = shown.with_untracked(|s| s.as_ref().map(|s| s.choice.clone()))
        else {
            return false;
        };
        edit(&mut choice);
        import(choice)
    };
    let executions = move || shown.with(|s| s.as_ref().map_or(0, |s| s.executions));
    // The execution drawn: the last one when the choice is past it.
    let execution = move || {
        shown.with(|s| {
            s.as_ref()
                .map_or(0, |s| s.choice.execution.min(s.executions.max(1) - 1))
        })
    };
    let compare = move || shown.with(|s| s.as_ref().and_then(|s| s.choice.compare));
    let order = move || shown.with(|s| s.as_ref().map(|s| s.choice.lanes.order));
    let host_names = move || {
        shown.with(|s| {
            s.as_ref()
                .map(|s| s.hosts.iter().map(|h| h.name.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    // Host `name`'s events and whether it is hidden, in what is drawn now.
    let host = move |name: &str| {
        shown.with(|s| {
            s.as_ref()
                .and_then(|s| s.hosts.iter().find(|h| h.name == name))
                .map_or((0, false), |h| (h.events, h.hidden))
        })
    };

    view! {
        <Show when=move || { executions() > 1 }>
            <label class="regex-field">
                <span>{move || format!("This file holds {} executions, one drawn at a time", executions())}</span>
                <select data-testid="import-execution" aria-label="Execution"
                    on:change=move |ev| {
                        let Ok(which) = event_target_value(&ev).parse::<usize>() else { return };
                        if !change(&|c| {
                            c.execution = which;
                            // Not beside itself.
                            if c.compare == Some(which) {
                                c.compare = None;
                            }
                        }) {
                            let select: web_sys::HtmlSelectElement = event_target(&ev);
                            select.set_value(&execution().to_string());
                        }
                    }>
                    {move || {
                        let n = executions();
                        (0..n).map(|i| view! {
                            <option value=i.to_string() prop:selected=move || execution() == i>
                                {format!("Execution {} of {n}", i + 1)}
                            </option>
                        }).collect_view()
                    }}
                </select>
            </label>
            <label class="regex-field">
                <span>"Beside it, with the events and arrows that differ marked"</span>
                <select data-testid="import-compare" aria-label="Compare with another execution"
                    on:change=move |ev| {
                        let which = event_target_value(&ev).parse::<usize>().ok();
                        if !change(&|c| c.compare = which) {
                            let select: web_sys::HtmlSelectElement = event_target(&ev);
                            select.set_value(&compare().map_or(String::new(), |c| c.to_string()));
                        }
                    }>
                    <option value="" prop:selected=move || compare().is_none()>"none"</option>
                    {move || {
                        let n = executions();
                        (0..n).filter(|&i| i != execution()).map(|i| view! {
                            <option value=i.to_string() prop:selected=move || compare() == Some(i)>
                                {format!("Execution {}", i + 1)}
                            </option>
                        }).collect_view()
                    }}
                </select>
            </label>
        </Show>
        <Show when=move || shown.with(|s| s.is_some())>
            <div class="regex-field" data-testid="import-hosts" role="group" aria-label="Hosts drawn">
                <label class="exercise-controls">
                    <span>"Lanes"</span>
                    <select data-testid="import-order" aria-label="Order of the lanes"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            let Some(&(chosen, _, _)) = ORDERS.iter().find(|o| o.1 == value) else { return };
                            if !change(&|c| c.lanes.order = chosen) {
                                let select: web_sys::HtmlSelectElement = event_target(&ev);
                                let now = ORDERS.iter().find(|o| Some(o.0) == order());
                                select.set_value(now.map_or("log", |o| o.1));
                            }
                        }>
                        {ORDERS.iter().map(|&(o, value, label)| view! {
                            <option value=value prop:selected=move || order() == Some(o)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="button-row">
                    <For each=host_names key=|name| name.clone() children=move |name| {
                        let label_name = name.clone();
                        let checked_name = name.clone();
                        view! {
                            <label class="exercise-controls" title="Uncheck to hide this host's lane">
                                <input type="checkbox" data-testid="import-host" value=name.clone()
                                    prop:checked=move || !host(&checked_name).1
                                    on:change=move |ev| {
                                        let show = event_target_checked(&ev);
                                        let name = name.clone();
                                        let done = change(&|c| {
                                            c.lanes.hidden.retain(|h| *h != name);
                                            if !show {
                                                c.lanes.hidden.push(name.clone());
                                            }
                                        });
                                        if !done {
                                            let input: web_sys::HtmlInputElement = event_target(&ev);
                                            input.set_checked(!show);
                                        }
                                    }/>
                                {move || format!("{} ({})", label_name, count_of(host(&label_name).0, "event"))}
                            </label>
                        }
                    }/>
                </div>
            </div>
        </Show>
    }
}
