//! A process or a link in detail, with the faults that apply to it (crash, recover, cut, heal)
//! and the timeouts it has running, which the learner can make run out now.

use super::*;

#[component]
pub(super) fn ProcessDetails(process: ProcessId) -> impl IntoView {
    let store = Store::get();
    let up = Memo::new(move |_| store.up_at_cursor().get(process).copied().unwrap_or(true));
    let omitting = Memo::new(move |_| {
        store
            .omitting_at_cursor()
            .get(process)
            .copied()
            .unwrap_or(false)
    });
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
                        <button
                            data-testid=move || if omitting.get() { "btn-unomit" } else { "btn-omit" }
                            title=move || {
                                if omitting.get() {
                                    "Let it send and take every message again"
                                } else {
                                    "An omission fault: from now on it omits each message it sends, and each that arrives for it, with probability 1/2"
                                }
                            }
                            on:click=move |_| {
                                let rate = if omitting.get_untracked() { 0.0 } else { 0.5 };
                                store
                                    .intervene(Action::Omit {
                                        process: ProcessRef::Index(process),
                                        send: rate,
                                        receive: rate,
                                    })
                            }
                        >
                            {move || if omitting.get() { "Stop omitting" } else { "Omit 50%" }}
                        </button>
                        <For
                            each=move || store.timers_running_at_cursor(process)
                            key=|name| name.clone()
                            let(timer)
                        >
                            <button
                                data-testid="btn-fire"
                                title="Make this timeout run out now, as if its time had come"
                                on:click={
                                    let timer = timer.clone();
                                    move |_| {
                                        store
                                            .intervene(Action::Fire {
                                                process: ProcessRef::Index(process),
                                                timer: timer.clone(),
                                            })
                                    }
                                }
                            >
                                {format!("Run out its {timer} now")}
                            </button>
                        </For>
                    </Show>
                </div>
            </Show>
        </div>
    }
}

#[component]
pub(super) fn LinkDetails(a: ProcessId, b: ProcessId) -> impl IntoView {
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
