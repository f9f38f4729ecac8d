//! Loading lessons when they are first needed.
//!
//! The page starts knowing every lesson only by its [`Entry`] (id, one line for the welcome, the
//! tabs it offers everywhere) and by the [`catalog`](super::catalog) index. A lesson's code, its
//! protocols, scenarios, text, tour, panel and plots, arrives when [`load`] is first called for
//! it: in the split release build, from a wasm chunk of its own (the `lazy_lesson!` split point in
//! the lesson's `mod.rs`); in other builds at once. Loading registers the lesson with the core
//! (`spacetime_core::lessons::register`), so that its protocols run, and with [`all`] here.
//!
//! Everything that shows a run reads only loaded lessons; the code that puts a scenario on
//! screen (a link, a tab, a dropped file, a tour) loads its lesson first ([`then`]).

use std::cell::RefCell;

use leptos::prelude::*;

use super::{catalog, ActivityTab, Lesson, CATALOG};
use crate::store::Store;

pub use crate::lazy::LoadError;

/// A lesson on its way: what an [`Entry`]'s `load` gives.
pub type Loading = crate::lazy::Loading<Lesson>;

/// A lesson as the page knows it before its code has loaded.
#[derive(Clone, Copy)]
pub struct Entry {
    /// The lesson's id (as its core lesson's).
    pub id: &'static str,
    /// One line for the welcome: what the lesson shows.
    pub summary: &'static str,
    /// Its activities offered in every lesson (the clocks lesson's Import), whose tabs show
    /// before it has loaded.
    pub everywhere: &'static [ActivityTab],
    /// It reads files dropped on the page that are neither scenarios nor tours.
    pub reads_files: bool,
    /// Fetch and build the lesson.
    pub load: fn() -> Loading,
}

impl Entry {
    /// The lesson's title, from the index.
    pub fn title(&self) -> &'static str {
        catalog::lesson(self.id).map_or(self.id, |l| l.title)
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Entry({})", self.id)
    }
}

thread_local! {
    static LOADED: RefCell<Vec<Lesson>> = const { RefCell::new(Vec::new()) };
    /// The page's owner, under which a lesson's activities put their state in context.
    static PAGE: RefCell<Option<Owner>> = const { RefCell::new(None) };
}

/// The entry of lesson `id`.
pub fn entry(id: &str) -> Option<&'static Entry> {
    CATALOG.iter().find(|e| e.id == id)
}

/// Every lesson loaded so far, in course order. (In builds without the split step, every
/// lesson, loaded at the first call.)
pub fn all() -> Vec<Lesson> {
    #[cfg(not(feature = "split"))]
    load_all_now();
    LOADED.with(|l| {
        let loaded = l.borrow();
        CATALOG
            .iter()
            .filter_map(|e| loaded.iter().find(|l| l.id == e.id).cloned())
            .collect()
    })
}

/// Whether lesson `id` has loaded.
pub fn is_loaded(id: &str) -> bool {
    #[cfg(not(feature = "split"))]
    load_all_now();
    LOADED.with(|l| l.borrow().iter().any(|l| l.id == id))
}

/// Load lesson `id` if it has not loaded yet.
pub async fn load(id: &str) -> Result<(), LoadError> {
    if is_loaded(id) {
        return Ok(());
    }
    let entry = entry(id).ok_or_else(|| LoadError(format!("there is no lesson \"{id}\"")))?;
    let lesson = (entry.load)().await?;
    install(lesson);
    Ok(())
}

/// Start fetching lesson `id`'s code without opening it. A finger or a button pressed on its tab
/// or card, the keyboard's focus on it or a pointer resting on it ([`hover`]) says that a click is
/// likely, and on a slow connection the fetch is most of the wait. The chunk loader keeps one
/// fetch per chunk (and forgets a failed one, so the click tries again).
pub fn warm(id: &'static str) {
    if is_loaded(id) {
        return;
    }
    if let Some(entry) = entry(id) {
        leptos::task::spawn_local(async move {
            let _ = (entry.load)().await;
        });
    }
}

/// How long a pointer rests on a lesson's tab or card before its code is fetched: a pointer
/// crossing the row of tabs on its way to another must not start a fetch for each it crosses,
/// which on a slow connection would delay the one wanted.
const HOVER_MS: u32 = 90;

thread_local! {
    static HOVERED: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };
}

/// A pointer has come onto lesson `id`'s tab or card: fetch its code if it stays there.
pub fn hover(id: &'static str) {
    HOVERED.with(|h| h.set(Some(id)));
    gloo_timers::callback::Timeout::new(HOVER_MS, move || {
        if HOVERED.with(|h| h.get()) == Some(id) {
            warm(id);
        }
    })
    .forget();
}

/// The pointer has left the tab or card it was on.
pub fn unhover() {
    HOVERED.with(|h| h.set(None));
}

/// Load every lesson in `ids` (in order), stopping at the first that fails.
pub async fn load_each(ids: &[&'static str]) -> Result<(), (&'static str, LoadError)> {
    for id in ids {
        load(id).await.map_err(|e| (*id, e))?;
    }
    Ok(())
}

/// Without the split step every lesson's `load` is ready at once: take them all.
#[cfg(not(feature = "split"))]
fn load_all_now() {
    if LOADED.with(|l| l.borrow().len()) == CATALOG.len() {
        return;
    }
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for e in CATALOG {
        if LOADED.with(|l| l.borrow().iter().any(|l| l.id == e.id)) {
            continue;
        }
        if let std::task::Poll::Ready(Ok(lesson)) = (e.load)().as_mut().poll(&mut cx) {
            install(lesson);
        }
    }
}

fn install(lesson: Lesson) {
    spacetime_core::lessons::register(lesson.core);
    let activities = lesson.activities;
    LOADED.with(|l| {
        let mut loaded = l.borrow_mut();
        if !loaded.iter().any(|l| l.id == lesson.id) {
            loaded.push(lesson);
        }
    });
    if let Some(owner) = PAGE.with(|p| p.borrow().clone()) {
        owner.with(|| activities.iter().for_each(|a| (a.provide)()));
    }
}

/// The page has started under `owner`: the activities of the lessons loaded so far, and of
/// those that load later, put their state in context there (above the panels, so that closing
/// a panel keeps it).
pub fn set_page(owner: Owner) {
    owner.with(|| {
        for lesson in all() {
            lesson.activities.iter().for_each(|a| (a.provide)());
        }
    });
    PAGE.with(|p| *p.borrow_mut() = Some(owner));
}

/// Load lesson `id`, then do `then`. While it loads the page says so (after a short wait, so a
/// cached lesson shows nothing); if it cannot load, the banner says why and the run on screen
/// stays.
pub fn then(store: Store, id: &'static str, then: impl FnOnce(Store) + 'static) {
    then_all(store, vec![id], then)
}

/// [`then`] for several lessons: `then` runs once all of them have loaded (at once if they
/// have).
pub fn then_all(store: Store, ids: Vec<&'static str>, then: impl FnOnce(Store) + 'static) {
    if ids.iter().all(|id| is_loaded(id)) {
        then(store);
        return;
    }
    let titles: Vec<&str> = ids
        .iter()
        .filter(|id| !is_loaded(id))
        .map(|id| entry(id).map_or(*id, Entry::title))
        .collect();
    store.loading.set(Some(titles.join(", ")));
    leptos::task::spawn_local(async move {
        let result = load_each(&ids).await;
        store.loading.set(None);
        match result {
            Ok(()) => then(store),
            Err((id, e)) => store
                .error
                .set(Some(failed(entry(id).map_or(id, Entry::title), &e))),
        }
    });
}

/// The banner's words for a lesson that did not load.
pub fn failed(title: &str, e: &LoadError) -> String {
    format!(
        "The {title} lesson could not be loaded ({e}). Are you offline? Try again once connected; \
         the run on screen stays."
    )
}
