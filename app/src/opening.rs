//! Opening a view: what the page does with a link, or with a choice made on the welcome.
//!
//! The welcome is all a first visit without a link needs, so it is all the main wasm module
//! carries. Everything that shows a run (the page, the diagram, playback, the panels, the
//! simulator, the link grammar) sits behind the `workbench` split point: in the split release
//! build it is a chunk of its own, fetched while the welcome is read, or at once when a link
//! names a view. A link is read in full only here, inside the chunk; the main module only tells
//! an address that says something from one that says nothing.

use leptos::prelude::*;

use crate::lazy::LoadError;
use crate::lessons;
use crate::link::{self, Link};

/// What the page is asked to show.
#[derive(Clone, Debug, PartialEq)]
pub enum Opening {
    /// The welcome: an address without parameters.
    Welcome,
    /// A view given by a query string, not yet read.
    Query(String),
    /// A view chosen on the welcome.
    Chosen(Box<Link>),
}

impl Opening {
    /// The opening an address's query string asks for.
    pub fn of_query(query: String) -> Self {
        if link::query_pairs(&query).is_empty() {
            Opening::Welcome
        } else {
            Opening::Query(query)
        }
    }
}

/// Shows an opening other than the welcome; sets `start` back to the welcome when a query turns
/// out to say nothing after all.
pub type Workbench = fn(Opening, RwSignal<Opening>) -> AnyView;

split_point!(workbench, build_workbench, load_workbench -> Workbench {
    let open: Workbench = open;
    open
});

/// The view `opening` asks for, once the lessons it needs have loaded.
fn open(opening: Opening, start: RwSignal<Opening>) -> AnyView {
    let (address, problems) = match opening {
        Opening::Query(query) => link::parse(&query),
        Opening::Chosen(address) => (*address, Vec::new()),
        Opening::Welcome => (Link::default(), Vec::new()),
    };
    // Only an address that says nothing shows the welcome: a garbled one opens the first
    // lesson and says what it ignored.
    if link::is_bare(&address) && problems.is_empty() {
        leptos::task::spawn_local(async move { start.set(Opening::Welcome) });
        return ().into_any();
    }
    // What to open once its lessons have loaded; why not, if they cannot.
    let opened = RwSignal::new(None::<(Link, Vec<String>)>);
    let failed = RwSignal::new(None::<String>);
    let needed = link::lessons_needed(&address);
    leptos::task::spawn_local(async move {
        match lessons::loader::load_each(&needed).await {
            Ok(()) => {
                let _ = opened.try_set(Some((address, problems)));
                announce(READY);
            }
            Err((id, e)) => {
                let title = lessons::entry(id).map_or(id, lessons::Entry::title);
                let _ = failed.try_set(Some(lessons::loader::failed(title, &e)));
                announce(FAILED);
            }
        }
    });
    (move || {
        if let Some((address, problems)) = opened.get() {
            crate::page_view(address, problems)
        } else if let Some(why) = failed.get() {
            failed_view(why)
        } else {
            loading_view()
        }
    })
    .into_any()
}

fn loading_view() -> AnyView {
    view! {
        <div class="page-loading" data-testid="page-loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            "Loading…"
        </div>
    }
    .into_any()
}

fn failed_view(why: String) -> AnyView {
    view! { <div class="load-failed" role="alert" data-testid="load-failed">{why}</div> }.into_any()
}

/// The page: the welcome, or the view an address or a choice asks for. The workbench's code
/// starts loading at once, so that choosing a lesson on the welcome waits only for the lesson.
#[component]
pub fn Opened() -> impl IntoView {
    let start = RwSignal::new(Opening::of_query(link::page_query()));
    let workbench = RwSignal::new(None::<Result<Workbench, LoadError>>);
    // Fetches the workbench; again after a failure (the loader forgets failed fetches), when
    // the reader asks for another view.
    let fetching = StoredValue::new(false);
    let fetch = move || {
        if fetching.get_value() || matches!(workbench.get_untracked(), Some(Ok(_))) {
            return;
        }
        fetching.set_value(true);
        workbench.set(None);
        leptos::task::spawn_local(async move {
            let loaded = load_workbench().await;
            let _ = fetching.try_set_value(false);
            let on_welcome = start.try_with_untracked(|s| *s == Opening::Welcome) == Some(true);
            let arrived = loaded.is_ok();
            let _ = workbench.try_set(Some(loaded));
            if !arrived {
                announce(FAILED);
            } else if on_welcome {
                announce(READY);
            }
        });
    };
    // Back and Forward reopen the view their entry describes, or the welcome.
    link::on_history(move |query| {
        start.set(Opening::of_query(query));
        fetch();
    });
    let choose = move |address: Link| {
        link::push_history_entry();
        start.set(Opening::Chosen(Box::new(address)));
        fetch();
    };
    if let Opening::Query(query) = start.get_untracked() {
        prefetch_lessons(&query);
    }
    fetch();
    move || match (start.get(), workbench.get()) {
        (Opening::Welcome, _) => view! { <crate::welcome::Welcome choose/> }.into_any(),
        (_, None) => loading_view(),
        (_, Some(Err(e))) => view! {
            <div class="load-failed" role="alert" data-testid="load-failed">
                <p>{format!("Spacetime could not be loaded ({e}). Are you offline?")}</p>
                <button class="primary" data-testid="load-retry" on:click=move |_| fetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        (opening, Some(Ok(open))) => open(opening, start),
    }
}

/// Starts fetching the lessons a query most likely needs while the workbench arrives, rather
/// than after it. Only to save time: the workbench reads the link in full and loads, and
/// installs, what it needs then (a second fetch of a chunk is answered at once).
fn prefetch_lessons(query: &str) {
    use crate::lessons::catalog;
    for (key, value) in link::query_pairs(query) {
        let guess = match key.as_str() {
            "lesson" | "tour" => catalog::lesson(&value),
            "s" => catalog::of_scenario(&value),
            _ => None,
        };
        if let Some(entry) = guess.and_then(|l| lessons::entry(l.id)) {
            leptos::task::spawn_local(async move {
                let _ = (entry.load)().await;
            });
        }
    }
}

/// Tells the page's scripts that what it opened has arrived: only then does the service worker
/// (assets/register-sw.js) start caching every other file, which on a slow connection would
/// otherwise share it with the view being opened; and the picture shown meanwhile
/// (assets/preview.js) gives way to the live view.
const READY: &str = "spacetime-ready";
/// Tells the page's scripts that what it opened cannot arrive: the picture gives way to the
/// message that says so.
const FAILED: &str = "spacetime-failed";

fn announce(name: &str) {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(name)) {
        let _ = window.dispatch_event(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::Opening;

    #[test]
    fn only_an_address_without_parameters_is_the_welcome() {
        assert_eq!(Opening::of_query(String::new()), Opening::Welcome);
        assert_eq!(Opening::of_query("?".into()), Opening::Welcome);
        assert_eq!(Opening::of_query("&&".into()), Opening::Welcome);
        // Read in full later: a parameter, even a garbled one, opens a view.
        for query in ["lesson=paxos", "s=clocks-three-events&step=2", "zzz"] {
            assert_eq!(
                Opening::of_query(query.into()),
                Opening::Query(query.into())
            );
        }
    }
}
