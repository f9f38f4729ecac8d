//! The progress of a run being made in slices ([`crate::store::RunStore::running`]), or of the
//! work that makes its scenario (a big log being read): a card over the diagram, so that what
//! takes a second or two shows it is on its way.

use leptos::prelude::*;
use spacetime_core::words::thousands;

use crate::store::{Running, Store};

/// What the card says: how many steps are made, of at most how many; or how far the work
/// before the run has got.
pub fn progress_text(r: &Running) -> String {
    match r {
        Running::Run {
            title,
            steps,
            max_steps,
            events,
        } => format!(
            "Running \u{201c}{title}\u{201d}: {} of at most {} steps, {} events so far",
            thousands(*steps),
            thousands(*max_steps),
            thousands(*events as u64)
        ),
        // A total not known yet (the lines still being counted): no count.
        Running::Work {
            doing, total: 0, ..
        } => format!("{doing}\u{2026}"),
        Running::Work {
            doing,
            done,
            total,
            unit,
        } => format!(
            "{doing}: {} of {} {unit}",
            thousands(*done),
            thousands(*total)
        ),
    }
}

/// How far the bar is filled: a value of a maximum.
fn bar(r: &Running) -> (u64, u64) {
    match r {
        Running::Run {
            steps, max_steps, ..
        } => (*steps, (*max_steps).max(1)),
        Running::Work { done, total, .. } => (*done, (*total).max(1)),
    }
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
                    max=move || running.with(|r| r.as_ref().map_or(1, |r| bar(r).1))
                    value=move || running.with(|r| r.as_ref().map_or(0, |r| bar(r).0))>
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
        let r = Running::Run {
            title: "A busy network".into(),
            steps: 12_000,
            max_steps: 60_000,
            events: 24_001,
        };
        assert_eq!(
            progress_text(&r),
            "Running \u{201c}A busy network\u{201d}: 12,000 of at most 60,000 steps, 24,001 events so far"
        );
        let w = Running::Work {
            doing: "Reading the log".into(),
            done: 40_000,
            total: 100_000,
            unit: "lines".into(),
        };
        assert_eq!(
            progress_text(&w),
            "Reading the log: 40,000 of 100,000 lines"
        );
        assert_eq!(bar(&w), (40_000, 100_000));
        let counting = Running::Work {
            doing: "Reading the log".into(),
            done: 0,
            total: 0,
            unit: "lines".into(),
        };
        assert_eq!(progress_text(&counting), "Reading the log\u{2026}");
    }
}
