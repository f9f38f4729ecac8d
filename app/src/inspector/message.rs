//! A message in detail: its route, payload and fate at the cursor, and the faults that apply
//! to it while it is in flight.

use super::*;

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

#[component]
pub(super) fn MessageDetails(id: MessageId) -> impl IntoView {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::tests::trace;
    use spacetime_core::Fate;

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
}
