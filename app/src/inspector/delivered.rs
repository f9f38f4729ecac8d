//! What the receiving applications have been given so far: the end-to-end view of delivery.

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
