//! The progress of a run being made in slices ([`crate::store::RunStore::running`]): a card over
//! the diagram, so that a big run that takes a second or two to make shows it is on its way.

use leptos::prelude::*;
use spacetime_core::words::thousands;

use crate::store::{Running, Store};

/// What the card says: how many steps are made, of at most how many.
pub fn progress_text(r: &Running) -> String {
    format!(
        "Running \u{201c}{}\u{201d}: {} of at most {} steps, {} events so far",
        r.title,
        thousands(r.steps),
        thousands(r.max_steps),
        thousands(r.events as u64)
    )
}

/// The card, while a run is being made.
#[component]
pub fn RunProgress() -> impl IntoView {
    let store = Store::get();
    let running = store.run.running;
    view! {
        <Show when=move || running.with(Option::is_some)>
            <div class="run-progress" role="status" data-testid="run-progress">
                <span class="spinner" aria-hidden="true"></span>
                <span>{move || running.with(|r| r.as_ref().map(progress_text).unwrap_or_default())}</span>
                <progress
                    max=move || running.with(|r| r.as_ref().map_or(1, |r| r.max_steps.max(1)))
                    value=move || running.with(|r| r.as_ref().map_or(0, |r| r.steps))>
                </progress>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_says_how_far_the_run_has_got() {
        let r = Running {
            title: "A busy network".into(),
            steps: 12_000,
            max_steps: 60_000,
            events: 24_001,
        };
        assert_eq!(
            progress_text(&r),
            "Running \u{201c}A busy network\u{201d}: 12,000 of at most 60,000 steps, 24,001 events so far"
        );
    }
}
