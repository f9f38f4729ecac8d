//! The browser's side of links: the link read at start and shown, the address bar kept up to
//! date, the page's query string, and the "Copy link" button.

use leptos::prelude::*;

use super::codec::{
    encode, scenario_link, too_big_for_a_link, view_query, Link, MAX_LINK_SCENARIO_BYTES,
};
use super::resolve::{problems_message, View};
use crate::store::{Activity, Store};

/// The query string of a tour's link (a tour dropped as a file has none: then `None`).
fn tour_query(store: Store, flags: (bool, bool)) -> Option<String> {
    let source = store
        .tour
        .with_untracked(|t| t.as_ref().and_then(|t| t.source.clone()))?;
    Some(encode(&Link {
        tour: Some(source),
        embed: flags.0,
        present: flags.1,
        ..Link::default()
    }))
}

/// The query string for what the store shows now (read without subscribing).
pub fn query_now(store: Store, embed: bool) -> String {
    let flags = (embed, store.presenting.get_untracked());
    if let Some(q) = tour_query(store, flags) {
        return q;
    }
    let scenario = store.scenario.with_untracked(|s| encode(&scenario_link(s)));
    view_query(
        &scenario,
        store.cursor.get_untracked(),
        store.clocks.get_untracked(),
        store.selection.get_untracked(),
        flags,
    )
}

/// Apply what a link resolved to, to a fresh store: the step, the labels, the selection, the
/// view flags, and the banner listing what was ignored.
pub fn show(store: Store, view: &View, link: &Link, problems: &[String]) {
    store.seek(view.cursor);
    store.clocks.set(view.clocks);
    store.selection.set(view.selection);
    store.embed.set(link.embed);
    if link.present {
        store.set_presenting(true);
    }
    if let Some(message) = problems_message(problems) {
        store.error.set(Some(message));
    }
}

/// Keep the address bar describing the view, so that a bookmark or a copied address reopens
/// it. A playing or scrubbed run moves the cursor every frame, and a rewrite of the address
/// costs the browser a good part of a frame (10 ms on a big run's long link): the address is
/// written once the view has stayed put for a quarter second, and at the latest two seconds
/// after the first change, so that a playing run's address still keeps up.
///
/// Another scenario or tour is a new view: it gets a history entry of its own, so that the
/// browser's Back returns to the one before (see [`on_history`]). Steps, labels, selections and
/// edits of the same scenario rewrite the current entry, and so does each new exercise.
pub fn keep_address(store: Store) {
    let scenario_query = Memo::new(move |_| store.scenario.with(|s| encode(&scenario_link(s))));
    let query = Memo::new(move |_| {
        let flags = (store.embed.get(), store.presenting.get());
        store.tour.track();
        if let Some(q) = tour_query(store, flags) {
            return q;
        }
        view_query(
            &scenario_query.get(),
            store.cursor.get(),
            store.clocks.get(),
            store.selection.get(),
            flags,
        )
    });
    provide_context(Address(query));
    let writer = AddressWriter {
        store,
        query,
        written: StoredValue::new(view_identity(store)),
        last_of_written: StoredValue::new(None),
        pending_since: StoredValue::new(None),
        changed_at: StoredValue::new(0.0),
    };
    Effect::new(move |_| {
        // While a run is made in slices the page shows the one before (or none): the address
        // keeps the link that asked for the new one.
        if store.run.running.with(Option::is_some) {
            return;
        }
        let latest = query.get();
        let now = js_sys::Date::now();
        writer.changed_at.set_value(now);
        if writer.written.with_value(|w| *w == view_identity(store)) {
            writer.last_of_written.set_value(Some(latest));
        }
        if writer.pending_since.get_value().is_some() {
            return;
        }
        writer.pending_since.set_value(Some(now));
        writer.arm(QUIET_MS);
    });
}

/// How long the view stays put before its address is written (milliseconds).
const QUIET_MS: f64 = 250.0;
/// The longest an address waits while the view keeps moving (milliseconds).
const LONGEST_MS: f64 = 2000.0;

/// The scenario's name and the tour's source: what makes a view new (a history entry of its
/// own) rather than another state of the same one.
type ViewIdentity = (String, Option<Option<String>>);

fn view_identity(store: Store) -> ViewIdentity {
    (
        store.scenario.with_untracked(|s| s.name.clone()),
        store
            .tour
            .with_untracked(|t| t.as_ref().map(|t| t.source.clone())),
    )
}

/// [`keep_address`]'s state between its writes.
#[derive(Clone, Copy)]
struct AddressWriter {
    store: Store,
    query: Memo<String>,
    /// The view whose history entry is current.
    written: StoredValue<ViewIdentity>,
    /// The last address of that view: when another view comes before it is written, its entry
    /// gets that before the new one is pushed (else Back would return to an older state of it:
    /// an edit undone just before, say).
    last_of_written: StoredValue<Option<String>>,
    /// When the first change not yet written came (`Date.now()`), if one is waiting.
    pending_since: StoredValue<Option<f64>>,
    /// When the latest change came.
    changed_at: StoredValue<f64>,
}

impl AddressWriter {
    fn arm(self, delay_ms: f64) {
        gloo_timers::callback::Timeout::new(delay_ms.ceil().max(1.0) as u32, move || self.fire())
            .forget();
    }

    fn fire(self) {
        // The page may have been replaced meanwhile (Back): then its address is not ours.
        let Some(query) = self.query.try_get_untracked() else {
            return;
        };
        let store = self.store;
        let now = view_identity(store);
        // Exercise after exercise is one view: Back leaves the exercises, not one of them.
        let exercising = store.activity.try_get_untracked() == Some(Activity::Exercises);
        let new_view = !exercising && self.written.try_with_value(|w| *w != now).unwrap_or(false);
        let time = js_sys::Date::now();
        let since_change = time - self.changed_at.try_get_value().unwrap_or(0.0);
        let waited = time - self.pending_since.try_get_value().flatten().unwrap_or(time);
        if !new_view && since_change < QUIET_MS && waited < LONGEST_MS {
            self.arm((QUIET_MS - since_change).min(LONGEST_MS - waited));
            return;
        }
        self.pending_since.set_value(None);
        if new_view {
            if let Some(last) = self.last_of_written.try_get_value().flatten() {
                write_address(&last, false);
            }
        }
        write_address(&query, new_view);
        self.written.set_value(now);
        self.last_of_written.set_value(Some(query));
    }
}

/// Give the page a history entry of its own before it leaves the welcome, so that Back
/// returns there.
pub fn push_history_entry() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state(&wasm_bindgen::JsValue::NULL, "");
    }
}

/// Call `reopen` with the page's query each time the browser's Back or Forward moves to
/// another of the page's history entries.
pub fn on_history(reopen: impl Fn(String) + 'static) {
    let listener = window_event_listener(leptos::ev::popstate, move |_| reopen(page_query()));
    on_cleanup(move || listener.remove());
}

/// The query string describing the view, as [`keep_address`] keeps it (in context).
#[derive(Clone, Copy)]
pub struct Address(pub Memo<String>);

/// This page's address up to its query string.
fn page_base() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let end = href.find(['?', '#']).unwrap_or(href.len());
    Some(href[..end].to_string())
}

/// Write the address bar's query: in a new history entry if `new_entry`, else in place.
fn write_address(query: &str, new_entry: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let current = location.search().unwrap_or_default();
    let wanted = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    if current == wanted {
        return;
    }
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        // A page opened from a file may refuse: the link is still there to copy.
        let url = format!("{path}{wanted}{hash}");
        let _ = if new_entry {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        } else {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        };
    }
}

/// The full address of the view on screen.
pub fn share_url(store: Store) -> String {
    let query = query_now(store, store.embed.get_untracked());
    with_query(&page_base().unwrap_or_default(), &query)
}

/// The full page (not the embedded view) showing this run, for the embed's "open" link.
pub fn full_page_url(store: Store) -> String {
    // Follow the run, so that the link opens what the embedded view shows now.
    let query = match use_context::<Address>() {
        Some(Address(query)) => query
            .get()
            .split('&')
            .filter(|p| *p != "embed")
            .collect::<Vec<_>>()
            .join("&"),
        None => query_now(store, false),
    };
    with_query(&page_base().unwrap_or_default(), &query)
}

fn with_query(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

/// Put `text` on the clipboard; false if the browser does not let the page (no permission, an
/// insecure page, an old browser).
async fn copy_to_clipboard(text: &str) -> bool {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let get = |o: &JsValue, k: &str| {
        Reflect::get(o, &JsValue::from_str(k))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let Some(clipboard) = get(&window, "navigator").and_then(|n| get(&n, "clipboard")) else {
        return false;
    };
    let Some(write) = get(&clipboard, "writeText").and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(Promise::from(p))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// "Copy link": copies the address of exactly this view, and shows it in a field, selected,
/// for browsers that keep the clipboard from the page.
#[component]
pub fn CopyLink() -> impl IntoView {
    let store = Store::get();
    // The link shown, and whether it reached the clipboard (None: still trying).
    let shown = RwSignal::new(None::<(String, Option<bool>)>);
    let field = NodeRef::<leptos::html::Input>::new();
    let select = move || {
        if let Some(input) = field.get_untracked() {
            let _ = input.focus();
            input.select();
        }
    };
    // The field takes the focus as soon as it shows, not once the clipboard answers (which may
    // take long, or never come): Esc closes the popover from there, and Ctrl+C copies the link.
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            let _ = input.focus();
            input.select();
        }
    });
    let copy = move |_| {
        if let Some(size) = store
            .scenario
            .with_untracked(|s| too_big_for_a_link(&scenario_link(s)))
        {
            store.error.set(Some(format!(
                "This run's scenario is {} KB, too big for a link (the most is {} KB). Share it as \
                 a file instead: Export, then Scenario (JSON); it opens when dropped on the page.",
                size / 1024,
                MAX_LINK_SCENARIO_BYTES / 1024
            )));
            return;
        }
        let url = share_url(store);
        shown.set(Some((url.clone(), None)));
        leptos::task::spawn_local(async move {
            let copied = copy_to_clipboard(&url).await;
            shown.update(|s| {
                if let Some(s) = s {
                    s.1 = Some(copied);
                }
            });
            select();
        });
    };
    // Like a menu, the popover closes on a click outside it.
    let root = NodeRef::<leptos::html::Div>::new();
    let outside = window_event_listener(leptos::ev::pointerdown, move |ev| {
        use wasm_bindgen::JsCast;
        let inside = match (root.get_untracked(), ev.target()) {
            (Some(root), Some(t)) => t
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|n| root.contains(Some(n))),
            _ => false,
        };
        if !inside && shown.try_with_untracked(Option::is_some).unwrap_or(false) {
            shown.set(None);
        }
    });
    on_cleanup(move || outside.remove());
    view! {
        <div class="copy-link" node_ref=root>
            <button data-testid="copy-link" title="Copy a link that opens exactly this view" aria-label="Copy link" on:click=copy>
                <svg class="icon share-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a3 3 0 1 1 4.2 4.2l-2 2-1.4-1.4 2-2a1 1 0 1 0-1.4-1.4L12 13.4a1 1 0 0 1-1.4 0z M13.4 10.6a1 1 0 0 1 0 1.4l-3.5 3.5a3 3 0 1 1-4.2-4.2l2-2 1.4 1.4-2 2a1 1 0 1 0 1.4 1.4L12 10.6a1 1 0 0 1 1.4 0z" fill="currentColor"></path>
                </svg>
                <span class="share-label">"Copy link"</span>
            </button>
            <Show when=move || shown.with(Option::is_some)>
                <div class="link-popover" data-testid="link-popover" role="group" aria-label="Link to this view"
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.stop_propagation();
                            shown.set(None);
                        }
                    }>
                    <input type="text" readonly data-testid="link-field" node_ref=field aria-label="Link to this view"
                        prop:value=move || shown.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default())
                        on:focus=move |_| select() />
                    <span class="link-status" data-testid="link-status" aria-live="polite">
                        {move || match shown.with(|s| s.as_ref().and_then(|s| s.1)) {
                            Some(true) => "Copied to the clipboard.",
                            Some(false) => "Copy it with Ctrl+C (⌘C).",
                            None => "",
                        }}
                    </span>
                    <button class="link-close" data-testid="link-close" aria-label="Close" on:click=move |_| shown.set(None)>"×"</button>
                </div>
            </Show>
        </div>
    }
}

/// The page's query string, without `?` (empty off the web).
pub fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_string()
}
