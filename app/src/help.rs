//! The help overlay: every keyboard shortcut, in a modal that `?` opens and Esc closes.

use leptos::prelude::*;

use spacetime_core::scenario::MAX_PROCESSES;
use spacetime_core::words::thousands;
use spacetime_core::MAX_EVENTS;

use crate::store::Store;

/// How big a run or a log the page holds, in words, from the core's limits.
pub fn size_limits() -> String {
    format!(
        "The page holds a run or a log of up to {} events on up to {MAX_PROCESSES} lanes; it \
         refuses a larger one, saying why, and keeps the run on screen.",
        thousands(MAX_EVENTS as u64)
    )
}

/// Every keyboard shortcut, as (keys, what it does). The overlay lists them in this order.
pub const SHORTCUTS: &[(&[&str], &str)] = &[
    (&["Space"], "play / pause"),
    (
        &["←", "→"],
        "step back / forward (a clicker's Page Up / Page Down too)",
    ),
    (&["Home", "End"], "go to the start / the end"),
    (&["d"], "drop the selected message"),
    (&["c"], "crash / recover the selected process"),
    (&["+", "-"], "faster / slower"),
    (&["l"], "cycle event labels: none, names, Lamport, vector"),
    (
        &["]", "[", "0"],
        "zoom the diagram in / out / to fit (Ctrl + wheel or a pinch zooms about the pointer)",
    ),
    (
        &["Shift+click"],
        "compare a second event with the selected one",
    ),
    (
        &["Ctrl+Z", "Ctrl+Y"],
        "undo / redo, while building a diagram",
    ),
    (
        &["Delete"],
        "delete the selected event or message, while building",
    ),
    (&["u"], "undo the last intervention"),
    (
        &["p"],
        "presentation mode: big type, the chrome hidden, a lecture's pace (p or Esc leaves)",
    ),
    (&["?"], "this help"),
    (
        &["Esc"],
        "close this help, leave presentation mode, or clear the selection",
    ),
];

/// A stable, lowercase id for a shortcut row (its first key), for `data-testid`.
pub fn shortcut_id(keys: &[&str]) -> String {
    let first = keys.first().copied().unwrap_or("");
    match first {
        "←" => "arrows".into(),
        "+" => "speed".into(),
        "]" => "zoom".into(),
        "?" => "help".into(),
        "Shift+click" => "compare".into(),
        "Ctrl+Z" => "ctrlz".into(),
        other => other.to_lowercase(),
    }
}

/// The modal listing every shortcut; shown while `help_open` is set.
#[component]
pub fn HelpOverlay() -> impl IntoView {
    let store = Store::get();
    let close_button = NodeRef::<leptos::html::Button>::new();
    let close = move || store.help_open.set(false);
    // Focus the close button when the overlay opens, so Esc and Enter reach it at once.
    Effect::new(move |_| {
        if store.help_open.get() {
            if let Some(button) = close_button.get() {
                let _ = button.focus();
            }
        }
    });
    view! {
        <Show when=move || store.help_open.get()>
            <div
                class="help-overlay"
                data-testid="help-overlay"
                on:click=move |_| close()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        ev.prevent_default();
                        close();
                    }
                }
            >
                <div
                    class="help-dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="help-title"
                    on:click=|ev| ev.stop_propagation()
                >
                    <div class="help-head">
                        <h2 id="help-title">"Keyboard shortcuts"</h2>
                        <button
                            class="help-close"
                            data-testid="help-close"
                            aria-label="Close help"
                            node_ref=close_button
                            on:click=move |_| close()
                        >
                            "×"
                        </button>
                    </div>
                    <table class="shortcuts">
                        <tbody>
                            {SHORTCUTS
                                .iter()
                                .map(|(keys, what)| {
                                    view! {
                                        <tr data-testid=format!("shortcut-{}", shortcut_id(keys))>
                                            <th scope="row">
                                                {keys
                                                    .iter()
                                                    .enumerate()
                                                    .map(|(i, k)| {
                                                        view! {
                                                            {(i > 0).then_some(" ")}
                                                            <kbd>{*k}</kbd>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </th>
                                            <td>{*what}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    <p class="help-foot">
                        "Click a message, a process or a link (in the diagram or the ring) to inspect it and to inject a fault. "
                        "Every fault is recorded at the current step: step back and forward and it stays. "
                        "The address bar always holds a link to what you see: Copy link shares it, "
                        "and a scenario, tour or log file dropped anywhere on the page opens."
                    </p>
                    <p class="help-foot" data-testid="help-limits">{size_limits()}</p>
                </div>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_promised_shortcut_is_listed() {
        let keys: Vec<&str> = SHORTCUTS
            .iter()
            .flat_map(|(k, _)| k.iter().copied())
            .collect();
        for k in [
            "Space", "←", "→", "Home", "End", "d", "c", "+", "-", "l", "u", "p", "?", "Esc",
        ] {
            assert!(keys.contains(&k), "{k} missing");
        }
    }

    #[test]
    fn the_limits_stated_are_the_core_s() {
        let said = size_limits();
        assert!(
            said.contains(&format!("{} events", thousands(MAX_EVENTS as u64))),
            "{said}"
        );
        assert!(said.contains(&format!("{MAX_PROCESSES} lanes")), "{said}");
    }

    #[test]
    fn shortcut_ids_are_unique_and_plain() {
        let ids: Vec<String> = SHORTCUTS.iter().map(|(k, _)| shortcut_id(k)).collect();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[..i].contains(id), "{id} twice");
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
    }
}
