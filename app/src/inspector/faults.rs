//! The faults that apply to what is selected, as one row of buttons, shown where the learner's
//! eye already is: over the diagram right after a click ([`SelectionBar`]), and in an exercise
//! that asks for a change to the run. The inspector below keeps the same faults beside the
//! details.
//!
//! What is offered is worked out by [`offers`], a pure function of the run and the selection,
//! tested natively; the component only draws it.

use super::*;

/// One fault the learner can inject into the selected thing.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// The end of the button's test id (`crash`, `drop`, `fire`, …).
    pub key: &'static str,
    pub label: String,
    pub title: String,
    pub action: Action,
    /// Whether it breaks something (drawn in red).
    pub danger: bool,
}

/// What the run looks like at the cursor, as [`offers`] needs it.
pub struct AtCursor<'a> {
    pub trace: &'a Trace,
    pub cursor: u64,
    pub up: &'a [bool],
    pub cut_links: &'a [[ProcessId; 2]],
    /// Which processes omit messages at the cursor (an omission fault with a rate above 0).
    pub omitting: &'a [bool],
    /// The timeouts a process has running at the cursor, by name.
    pub timers: &'a dyn Fn(ProcessId) -> Vec<String>,
}

/// The faults that apply to `selection` at the cursor: drop, duplicate or delay (by `delay`
/// ticks) a message in flight; crash or recover a process, make it omit half of what it sends
/// and receives (or stop), or run out one of its timeouts; cut or heal a link. An event stands for its process when `event_is_process`.
pub fn offers(
    at: &AtCursor<'_>,
    selection: Selection,
    delay: Time,
    event_is_process: bool,
) -> Vec<Offer> {
    let name = |p: ProcessId| name_of(at.trace, p);
    let process = match selection {
        Selection::Process(p) => Some(p),
        Selection::Event(e) if event_is_process => at.trace.events.get(e).map(|e| e.process),
        _ => None,
    };
    if let Some(p) = process.filter(|&p| p < at.trace.processes.len()) {
        let target = ProcessRef::Index(p);
        if !at.up.get(p).copied().unwrap_or(true) {
            return vec![Offer {
                key: "recover",
                label: format!("Recover {}", name(p)),
                title: "Bring it back up (c)".into(),
                action: Action::Recover { process: target },
                danger: false,
            }];
        }
        let mut offered = vec![Offer {
            key: "crash",
            label: format!("Crash {}", name(p)),
            title: "Crash it now (c)".into(),
            action: Action::Crash {
                process: target.clone(),
            },
            danger: true,
        }];
        offered.push(if at.omitting.get(p).copied().unwrap_or(false) {
            Offer {
                key: "unomit",
                label: "Stop omitting".into(),
                title: "Let it send and take every message again".into(),
                action: Action::Omit {
                    process: target.clone(),
                    send: 0.0,
                    receive: 0.0,
                },
                danger: false,
            }
        } else {
            Offer {
                key: "omit",
                label: "Omit 50%".into(),
                title: "An omission fault: from now on it omits each message it sends, and each \
                        that arrives for it, with probability 1/2 (a full buffer, say)"
                    .into(),
                action: Action::Omit {
                    process: target.clone(),
                    send: 0.5,
                    receive: 0.5,
                },
                danger: true,
            }
        });
        offered.extend((at.timers)(p).into_iter().map(|timer| Offer {
            key: "fire",
            label: format!("Run out its {timer} now"),
            title: "Make this timeout run out now, as if its time had come".into(),
            action: Action::Fire {
                process: target.clone(),
                timer,
            },
            danger: false,
        }));
        return offered;
    }
    match selection {
        Selection::Message(id) => {
            let flying = at
                .trace
                .messages
                .get(id)
                .is_some_and(|m| in_flight_at(m, at.cursor));
            if !flying {
                return Vec::new();
            }
            vec![
                Offer {
                    key: "drop",
                    label: "Drop it".into(),
                    title: "Remove it from the network (d)".into(),
                    action: Action::Drop { message: id },
                    danger: true,
                },
                Offer {
                    key: "duplicate",
                    label: "Duplicate it".into(),
                    title: "Deliver it a second time".into(),
                    action: Action::Duplicate { message: id },
                    danger: false,
                },
                Offer {
                    key: "delay",
                    label: format!("Delay it +{delay}"),
                    title: format!("Hold it back {delay} ticks longer"),
                    action: Action::Delay {
                        message: id,
                        by: delay,
                    },
                    danger: false,
                },
            ]
        }
        Selection::Link(a, b) if a.max(b) < at.trace.processes.len() => {
            let (a, b) = (a.min(b), a.max(b));
            let between = [ProcessRef::Index(a), ProcessRef::Index(b)];
            let link = format!("{} – {}", name(a), name(b));
            vec![if at.cut_links.contains(&[a, b]) {
                Offer {
                    key: "heal",
                    label: format!("Heal {link}"),
                    title: "Mend the link".into(),
                    action: Action::Heal { between },
                    danger: false,
                }
            } else {
                Offer {
                    key: "cut",
                    label: format!("Cut {link}"),
                    title: "Cut it both ways: messages on it die".into(),
                    action: Action::Cut { between },
                    danger: true,
                }
            }]
        }
        _ => Vec::new(),
    }
}

/// The offers for the store's selection at its cursor (tracked).
fn offers_now(store: Store, delay: Time, event_is_process: bool) -> Vec<Offer> {
    let selection = store.selection.get();
    // With nothing that faults apply to selected, playback does not pay for reading the run.
    let applies = match selection {
        Selection::Process(_) | Selection::Message(_) | Selection::Link(..) => true,
        Selection::Event(_) => event_is_process,
        Selection::Nothing | Selection::Pair(..) => false,
    };
    if !applies {
        return Vec::new();
    }
    let cursor = store.cursor.get();
    let up = store.up_at_cursor();
    let cut_links = store.cut_links_at_cursor();
    let omitting = store.omitting_at_cursor();
    // Only the selected process's timers are asked for, before the trace is borrowed.
    let process = match selection {
        Selection::Process(p) => Some(p),
        Selection::Event(e) if event_is_process => {
            store.trace.with(|t| t.events.get(e).map(|e| e.process))
        }
        _ => None,
    };
    let running = process
        .map(|p| store.timers_running_at_cursor(p))
        .unwrap_or_default();
    let timers = move |_: ProcessId| running.clone();
    store.trace.with(|trace| {
        let at = AtCursor {
            trace,
            cursor,
            up: &up,
            cut_links: &cut_links,
            omitting: &omitting,
            timers: &timers,
        };
        offers(&at, selection, delay, event_is_process)
    })
}

/// The faults for the selection as buttons, their test ids `{prefix}-{key}`.
#[component]
pub fn FaultButtons(
    prefix: &'static str,
    delay: Time,
    #[prop(optional)] event_is_process: bool,
) -> impl IntoView {
    let store = Store::get();
    let offered = Memo::new(move |_| offers_now(store, delay, event_is_process));
    move || {
        offered
            .get()
            .into_iter()
            .map(|o| {
                let action = o.action.clone();
                view! {
                    <button data-testid=format!("{prefix}-{}", o.key) class:danger=o.danger
                        title=o.title on:click=move |_| store.intervene(action.clone())>{o.label}</button>
                }
            })
            .collect_view()
    }
}

/// Over the diagram, right after a click: what can be done to the selected process, message or
/// link, in view at every size, with the way to its details and out of the selection.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let store = Store::get();
    let shown = Memo::new(move |_| {
        store.activity.get() != crate::store::Activity::Exercises
            && !offers_now(store, DELAY_TICKS, false).is_empty()
    });
    let details = move |_| {
        if let Some(inspector) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[data-testid=inspector]").ok().flatten())
        {
            inspector.scroll_into_view();
        }
    };
    view! {
        <Show when=move || shown.get()>
            <div class="selection-bar" data-testid="selection-bar" role="toolbar"
                aria-label="Faults for the selection">
                <FaultButtons prefix="quick" delay=DELAY_TICKS/>
                <button class="link-button" data-testid="quick-details"
                    title="The selection in detail, in the inspector" on:click=details>"Details"</button>
                <button class="quiet" data-testid="quick-close" aria-label="Deselect (Esc)" title="Deselect (Esc)"
                    on:click=move |_| store.selection.set(Selection::Nothing)>"✕"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::tests::trace;

    fn at<'a>(t: &'a Trace, cursor: u64, up: &'a [bool]) -> AtCursor<'a> {
        AtCursor {
            trace: t,
            cursor,
            up,
            cut_links: &[],
            omitting: &[],
            timers: &|_| vec!["rto".to_string()],
        }
    }

    #[test]
    fn a_process_up_can_crash_or_hurry_a_timeout_and_one_down_can_recover() {
        let t = trace("clocks-three-events");
        let keys = |o: Vec<Offer>| o.iter().map(|o| o.key).collect::<Vec<_>>();
        let up = vec![true; t.processes.len()];
        let offered = offers(&at(&t, 0, &up), Selection::Process(1), 20, false);
        assert_eq!(keys(offered.clone()), ["crash", "omit", "fire"]);
        assert_eq!(offered[0].label, format!("Crash {}", t.processes[1]));
        let mut down = up.clone();
        down[1] = false;
        assert_eq!(
            keys(offers(&at(&t, 0, &down), Selection::Process(1), 20, false)),
            ["recover"]
        );
        // An event stands for its process only where asked.
        let e = t.events.iter().position(|e| e.process == 1).unwrap();
        assert!(offers(&at(&t, 0, &up), Selection::Event(e), 20, false).is_empty());
        assert_eq!(
            keys(offers(&at(&t, 0, &up), Selection::Event(e), 20, true)),
            ["crash", "omit", "fire"]
        );
        assert!(offers(&at(&t, 0, &up), Selection::Process(99), 20, false).is_empty());
    }

    #[test]
    fn a_process_up_omits_half_and_one_omitting_stops() {
        let t = trace("clocks-three-events");
        let up = vec![true; t.processes.len()];
        let offered = offers(&at(&t, 0, &up), Selection::Process(1), 20, false);
        let omit = offered.iter().find(|o| o.key == "omit").unwrap();
        assert_eq!(omit.label, "Omit 50%");
        assert_eq!(
            omit.action,
            Action::Omit {
                process: ProcessRef::Index(1),
                send: 0.5,
                receive: 0.5
            }
        );
        let mut omitting = vec![false; t.processes.len()];
        omitting[1] = true;
        let mut here = at(&t, 0, &up);
        here.omitting = &omitting;
        let offered = offers(&here, Selection::Process(1), 20, false);
        assert_eq!(
            offered.iter().map(|o| o.key).collect::<Vec<_>>(),
            ["crash", "unomit", "fire"]
        );
        assert_eq!(
            offered[1].action,
            Action::Omit {
                process: ProcessRef::Index(1),
                send: 0.0,
                receive: 0.0
            }
        );
        // Another process omits nothing; one that is down only recovers.
        let other = offers(&here, Selection::Process(0), 20, false);
        assert!(other.iter().any(|o| o.key == "omit"));
        let mut down = up.clone();
        down[1] = false;
        here.up = &down;
        let keys: Vec<_> = offers(&here, Selection::Process(1), 20, false)
            .iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["recover"]);
    }

    #[test]
    fn a_message_offers_its_faults_only_while_in_flight() {
        let t = trace("clocks-three-events");
        let m = &t.messages[0];
        let up = vec![true; t.processes.len()];
        let sel = Selection::Message(m.id);
        assert!(offers(&at(&t, m.created_step, &up), sel, 20, false).is_empty());
        let flying = offers(&at(&t, m.created_step + 1, &up), sel, 20, false);
        assert_eq!(
            flying.iter().map(|o| o.key).collect::<Vec<_>>(),
            ["drop", "duplicate", "delay"]
        );
        assert_eq!(
            flying[2].action,
            Action::Delay {
                message: m.id,
                by: 20
            }
        );
        let settled = m.settled_step.unwrap() + 1;
        assert!(offers(&at(&t, settled, &up), sel, 20, false).is_empty());
    }

    #[test]
    fn a_link_is_cut_or_healed() {
        let t = trace("clocks-three-events");
        let up = vec![true; t.processes.len()];
        let mut here = at(&t, 0, &up);
        let cut = offers(&here, Selection::Link(1, 0), 20, false);
        assert_eq!(cut[0].key, "cut");
        let links = [[0, 1]];
        here.cut_links = &links;
        assert_eq!(
            offers(&here, Selection::Link(1, 0), 20, false)[0].key,
            "heal"
        );
    }
}
