//! A lesson's one-click interventions for the run on screen.

use super::*;

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
