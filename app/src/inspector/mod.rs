//! The side column's controls: the inspector (what is selected, and the faults that apply to it),
//! the network and seed controls, and the property badges.
//!
//! The module is split by concern: `event`, `message`, `process` (what is selected, in
//! detail), `network` (the network and seed controls), `badges` (the property badges),
//! `actions`, `delivered` and `variants` (the panels beside the diagram); this file holds the
//! inspector itself, which shows the one that is selected, and the interventions so far.
//!
//! Everything a learner does here goes through the store (`intervene`, `set_network`,
//! `set_seed`); the pure helpers below (formatting, parsing, predicates) are unit-tested natively.

use leptos::prelude::*;
use spacetime_core::layout::process_colour;
use spacetime_core::{
    Action, EventId, EventKind, Latency, MessageId, NetworkModel, ProcessId, ProcessRef,
    PropertyKind, PropertyReport, Relation, Time, Timing, Trace, Verdict,
};

use crate::store::{Selection, Store};
use crate::topology::in_flight_at;

mod actions;
mod badges;
mod delivered;
mod event;
mod faults;
mod message;
mod network;
mod process;
mod variants;

pub use actions::*;
pub use badges::*;
pub use delivered::*;
pub use event::*;
pub use faults::*;
pub use message::*;
pub use network::*;
pub use process::*;
pub use variants::*;

/// How many ticks the Delay button holds a message back.
pub const DELAY_TICKS: Time = 20;

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
        Action::Fire { process, timer } => {
            format!("run out {}'s {timer} now", process_name(process, names))
        }
        Action::Request { process, request } => {
            format!(
                "hand {} the request {request}",
                process_name(process, names)
            )
        }
        Action::Omit {
            process,
            send,
            receive,
        } if *send == 0.0 && *receive == 0.0 => {
            format!(
                "make {} omit nothing any more",
                process_name(process, names)
            )
        }
        Action::Omit {
            process,
            send,
            receive,
        } => format!(
            "make {} omit {:.0}% of what it sends, {:.0}% of what it receives",
            process_name(process, names),
            send * 100.0,
            receive * 100.0
        ),
    }
}

fn name_of(trace: &Trace, p: ProcessId) -> String {
    trace
        .processes
        .get(p)
        .cloned()
        .unwrap_or_else(|| format!("#{p}"))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::protocols::example;
    use spacetime_core::{Intervention, Run};

    pub(super) fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
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
}
