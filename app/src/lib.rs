//! Spacetime's browser front end (Leptos, client-side rendering).
//!
//! Components live in this library, so that `wasm-bindgen-test` can mount them; `main.rs` only
//! mounts [`App`]. All state is in one [`store::Store`], provided by context. Geometry is plain
//! Rust in `spacetime_core::layout` and in the pure functions of [`diagram`], tested natively.

use leptos::prelude::*;
use spacetime_core::{Action, ProcessRef};

#[macro_use]
pub mod lazy;

pub mod diagram;
pub mod exercises;
pub mod export;
pub mod help;
pub mod inspector;
pub mod lessons;
pub mod link;
pub mod opening;
pub mod playback;
pub mod plots;
pub mod pool;
pub mod reader;
pub mod running;
pub mod slices;
pub mod states;
pub mod store;
pub mod topology;
pub mod tour;
pub mod welcome;

use diagram::Diagram;
use help::HelpOverlay;
use inspector::{
    Delivered, Inspector, LessonActions, NetworkControls, PropertyBadges, VariantTable,
};
use playback::{Narration, PlaybackBar};
use store::{Activity, ClockMode, Selection, Store};
use topology::Topology;

/// The whole application. A link with parameters opens straight on the view it describes (see
/// [`link`]) once the lessons it needs have loaded; a visit without any shows the
/// [`welcome::Welcome`] first (see [`opening`]).
#[component]
pub fn App() -> impl IntoView {
    view! { <opening::Opened/> }
}

/// [`Page`] as a plain function, for the workbench split point.
pub(crate) fn page_view(address: link::Link, problems: Vec<String>) -> AnyView {
    view! { <Page address problems/> }.into_any()
}

/// The page for the view `address` describes, its lessons loaded.
#[component]
fn Page(address: link::Link, problems: Vec<String>) -> impl IntoView {
    let mut problems = problems;
    let resolving = link::resolve_scenario(&address, &mut problems);
    let store = Store::before(&resolving.scenario).provide();
    // The panels' own state lives here, above the panels, so that closing one keeps it; so
    // does that of lessons loaded later.
    if let Some(owner) = Owner::current() {
        lessons::loader::set_page(owner);
    }
    // A big run is made in slices, its lanes on screen meanwhile; the link's step and
    // selection apply once it is whole (at once for the usual small run).
    store.embed.set(address.embed);
    let scenario = resolving.scenario.clone();
    let link = address.clone();
    store.load_in_slices(scenario, move |store, loaded| {
        // Too big for the page: its lanes stay, empty, and the banner says why.
        if !loaded {
            return;
        }
        let shown = store
            .trace
            .with_untracked(|trace| resolving.place(&link, trace, &mut problems));
        link::show(store, &shown, &link, &problems);
        if let Some(tour) = &link.tour {
            tour::open(store, tour);
        }
    });
    store.reduced_motion.set(prefers_reduced_motion());
    link::keep_address(store);
    export::listen_for_drops(store);
    start_animation(store);
    // A window listener runs outside any owner: give it the page's, for its context.
    let owner = Owner::current();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| match &owner {
        Some(owner) => owner.with(|| on_key(store, &ev)),
        None => on_key(store, &ev),
    });
    // A menu closes on a click outside it, as menus do (Esc closes it too: see `on_key`).
    let menus = window_event_listener(leptos::ev::pointerdown, move |ev| {
        close_menus(ev.target().as_ref());
    });
    // After a choice in a drop-down, the keys belong to the diagram again, as the hints say:
    // a focused drop-down would take → for its next option.
    let choices = window_event_listener(leptos::ev::change, |ev| {
        use wasm_bindgen::JsCast;
        if let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            let _ = select.blur();
        }
    });
    on_cleanup(move || {
        keys.remove();
        menus.remove();
        choices.remove();
    });
    view! { <Shell/> }
}

/// The page, given a store in context.
#[component]
pub fn Shell() -> impl IntoView {
    let store = Store::get();
    // While a big run is being made in slices, the side panels are built in a task of their own,
    // after the rest of the page: built with it, they made one task of a fifth of a second.
    let side_built = RwSignal::new(store.run.running.with_untracked(Option::is_none));
    if !side_built.get_untracked() {
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            side_built.set(true);
        });
    }
    view! {
        <div class="app" data-testid="app"
            class:embed=move || store.embed.get()
            class:presentation=move || store.presenting.get()
            class:touring=move || store.tour.with(Option::is_some)
            class:reading=move || store.view.reading.get()>
            <Header/>
            <ErrorBanner/>
            <LoadingNote/>
            <main class="main">
                <section class="diagram-pane" aria-label="Space-time diagram">
                    <Diagram/>
                    <running::RunProgress/>
                    <inspector::SelectionBar/>
                    <ModeBar/>
                    <tour::TourPlayer/>
                </section>
                <aside class="side">
                    <Show when=move || side_built.get()>
                        <Show when=move || store.view.reading.get()>
                            <reader::LessonReader/>
                        </Show>
                        {move || match store.activity.get() {
                            Activity::Explore => view! { <Topology/> }.into_any(),
                            Activity::Exercises => {
                                lazy::view_of(exercises::load_panel, "exercises").into_any()
                            }
                            Activity::Lesson(id) => match lessons::activity(id) {
                                Some(a) => (a.panel)(),
                                None => view! { <Topology/> }.into_any(),
                            },
                        }}
                        // During an exercise the views that would give its answer away are
                        // hidden: the badges (which properties break), what was delivered and in
                        // what order, the plots (what was sent again), the inspector (every clock).
                        <Show when=move || store.activity.get() != Activity::Exercises>
                            <LessonActions/>
                            <LessonPanelView/>
                            <PropertyBadges/>
                            <VariantTable/>
                            <Delivered/>
                            <plots::Plots/>
                            <Inspector/>
                        </Show>
                        <details class="network">
                            <summary>"Network and seed"</summary>
                            <NetworkControls/>
                        </details>
                    </Show>
                </aside>
            </main>
            <Show when=move || store.activity.get() != Activity::Exercises>
                <Narration/>
            </Show>
            <PlaybackBar/>
            <Show when=move || store.help_open.get()>
                <HelpOverlay/>
            </Show>
        </div>
    }
}

/// The current lesson's own side view, if it has one; remounted only when the lesson changes.
#[component]
fn LessonPanelView() -> impl IntoView {
    let store = Store::get();
    let panel = Memo::new(move |_| {
        store
            .scenario
            .with(|s| lessons::lesson_of(s).and_then(|l| l.panel.map(|p| (l.id, p))))
    });
    move || panel.get().map(|(_, p)| (p.0)())
}

/// The title, the lessons, the scenario and variant pickers, the clock toggle and help.
#[component]
fn Header() -> impl IntoView {
    let store = Store::get();
    let current_lesson = Memo::new(move |_| {
        store
            .scenario
            .with(|s| lessons::lesson_of(s).map(|l| l.id).unwrap_or(""))
    });
    let variants = Memo::new(move |_| {
        store.scenario.with(|s| {
            spacetime_core::protocols::find(&s.protocol)
                .map(|p| {
                    p.variants
                        .iter()
                        .map(|v| (v.name, v.description))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <header class="header">
            <a class="brand" href="./" title="Spacetime: the welcome page">"Spacetime"</a>
            <nav class="lesson-tabs" aria-label="Lessons">
                {lessons::CATALOG.iter().map(|entry| {
                    let id = entry.id;
                    view! {
                        <button data-testid=format!("lesson-{id}")
                            class:active=move || current_lesson.get() == id
                            on:pointerenter=move |_| lessons::loader::hover(id)
                            on:pointerleave=move |_| lessons::loader::unhover()
                            on:pointerdown=move |_| lessons::loader::warm(id)
                            on:focus=move |_| lessons::loader::warm(id)
                            on:click=move |_| open_lesson(store, id)>
                            {entry.title()}
                        </button>
                    }
                }).collect_view()}
            </nav>
            <label class="picker">
                <span class="visually-hidden">"Scenario"</span>
                <select data-testid="scenario-select" aria-label="Scenario"
                    // A narrow window cuts the title: the whole of it on hover.
                    title=move || store.scenario.with(|s| if s.title.is_empty() { s.name.clone() } else { s.title.clone() })
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        match spacetime_core::protocols::example(&name) {
                            Some(s) => { store.load(s); }
                            None => store.error.set(Some(format!("There is no scenario named \"{name}\"."))),
                        }
                    }>
                    {move || {
                        let current = store.scenario.with(|s| s.name.clone());
                        let lesson = store.scenario.with(lessons::lesson_of);
                        let scenarios = lesson.map(|l| l.scenarios()).unwrap_or_default();
                        let listed = scenarios.iter().any(|s| s.name == current);
                        let title = store.scenario.with(|s| if s.title.is_empty() { s.name.clone() } else { s.title.clone() });
                        let extra = (!listed).then(|| view! { <option value=current.clone() selected=true>{title}</option> });
                        view! {
                            {extra}
                            {scenarios.into_iter().map(|s| {
                                let selected = s.name == current;
                                let title = if s.title.is_empty() { s.name.clone() } else { s.title.clone() };
                                view! { <option value=s.name.clone() selected=selected>{title}</option> }
                            }).collect_view()}
                        }
                    }}
                </select>
            </label>
            <label class="picker">
                <span class="visually-hidden">"Variant"</span>
                <select data-testid="variant-select" aria-label="Variant"
                    on:change=move |ev| store.set_variant(event_target_value(&ev))>
                    {move || {
                        let current = store.scenario.with(|s| s.variant.clone());
                        variants.get().into_iter().enumerate().map(|(i, (name, description))| {
                            let selected = name == current || (current.is_empty() && i == 0);
                            view! { <option value=name selected=selected title=description>{name}</option> }
                        }).collect_view()
                    }}
                </select>
            </label>
            <div class="clock-toggle" role="group" aria-label="Event labels">
                {[(ClockMode::Off, "none"), (ClockMode::Names, "names"), (ClockMode::Lamport, "Lamport"), (ClockMode::Vector, "vector")]
                    .into_iter().map(|(mode, label)| view! {
                        <button data-testid=format!("clocks-{}", label.to_lowercase()) // not a lesson: the clock labels
                            class:active=move || store.clocks.get() == mode
                            aria-pressed=move || (store.clocks.get() == mode).to_string()
                            // An exercise chooses what the diagram may show.
                            disabled=move || store.activity.get() == Activity::Exercises
                            on:click=move |_| store.clocks.set(mode)>{label}</button>
                    }).collect_view()}
            </div>
            <div class="activity-toggle" role="group" aria-label="Activities">
                {move || {
                    let lesson = store.scenario.with(lessons::lesson_of);
                    let (own, everywhere) = lessons::activities_in(lesson.as_ref());
                    let exercises = lesson.as_ref().is_some_and(|l| !spacetime_core::exercise::kinds(l.id).is_empty());
                    let toggle = move |a: Activity| {
                        if store.activity.get_untracked() == a {
                            leave_activity(store);
                        } else if let Activity::Lesson(id) = a {
                            // A tab offered everywhere may belong to a lesson not loaded yet.
                            let owner = lessons::activity(id).is_none().then(|| lessons::owner_of_activity(id)).flatten();
                            let open = move |store: Store| {
                                if let Some(activity) = lessons::activity(id) {
                                    (activity.open)(store);
                                }
                            };
                            match owner {
                                Some(entry) => lessons::loader::then(store, entry.id, open),
                                None => open(store),
                            }
                        } else {
                            leave_activity(store);
                            store.activity.set(a);
                        }
                    };
                    let tab = move |a: lessons::ActivityTab| {
                        let me = Activity::Lesson(a.id);
                        let wide = (!a.wide_label.is_empty()).then(|| view! { <span class="wide-only">{a.wide_label}</span> });
                        view! {
                            <button data-testid=format!("activity-{}", a.id) class:active=move || store.activity.get() == me
                                title=a.title on:click=move |_| toggle(me)>{a.label}{wide}</button>
                        }
                    };
                    view! {
                        {own.into_iter().map(tab).collect_view()}
                        {exercises.then(|| view! {
                            <button data-testid="activity-exercises" class:active=move || store.activity.get() == Activity::Exercises
                                title="Exercises with instant feedback" on:click=move |_| toggle(Activity::Exercises)>"Exercises"</button>
                        })}
                        {everywhere.into_iter().map(tab).collect_view()}
                    }
                }}
            </div>
            <button class="lesson-button" data-testid="lesson-button"
                title="The lesson's text, beside the diagram"
                aria-pressed=move || store.view.reading.get().to_string()
                on:click=move |_| store.view.reading.update(|r| *r = !*r)>"Lesson"</button>
            <div class="share" role="group" aria-label="Share and present">
                {move || {
                    let lesson = store.scenario.with(lessons::lesson_of);
                    lesson.filter(|l| !l.tour.is_empty()).map(|l| {
                        let id = l.id;
                        view! {
                            <button data-testid="tour-button" title="A guided tour of this lesson, stop by stop"
                                class:active=move || store.tour.with(Option::is_some)
                                on:click=move |_| tour::open(store, id)>"Tour"</button>
                        }
                    })
                }}
                <link::CopyLink/>
                <export::ExportMenu/>
                <button class="present-button" data-testid="present-button"
                    title="Presentation mode (p): big type, the chrome hidden" aria-label="Presentation mode"
                    aria-pressed=move || store.presenting.get().to_string()
                    on:click=move |_| store.set_presenting(!store.presenting.get_untracked())>
                    <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                        <path d="M3 4h18v12H3z M5 6v8h14V6z M11 16h2v3h4v2H7v-2h4z" fill="currentColor"></path>
                    </svg>
                </button>
            </div>
            <button class="help-button" data-testid="help-button" aria-label="Keyboard shortcuts"
                on:click=move |_| store.help_open.update(|o| *o = !*o)>"?"</button>
        </header>
    }
}

/// Back to watching: the diagram shows everything again, at its own scale.
pub fn leave_activity(store: Store) {
    let was = store.activity.get_untracked();
    store.activity.set(Activity::Explore);
    store.horizon.set(0);
    store.hidden.set(Vec::new());
    if was == Activity::Exercises {
        store.clocks.set(ClockMode::Lamport);
    }
}

/// The way out of the modes that hide the chrome: presentation mode's Leave button, and the
/// embedded view's link to the full page.
#[component]
fn ModeBar() -> impl IntoView {
    let store = Store::get();
    // The diagram fits itself to its pane when the window is resized; a mode that hides the
    // chrome, or a tour's panel docking beside it, changes the pane without that, so it is told.
    Effect::new(move |first: Option<()>| {
        store.presenting.track();
        store.embed.track();
        store.tour.with(Option::is_some);
        if first.is_some() {
            request_animation_frame(|| {
                if let (Some(w), Ok(ev)) = (web_sys::window(), web_sys::Event::new("resize")) {
                    let _ = w.dispatch_event(&ev);
                }
            });
        }
    });
    view! {
        <Show when=move || store.presenting.get()>
            <button class="mode-exit" data-testid="present-exit" title="Leave presentation mode (p or Esc)"
                aria-label="Leave presentation mode" on:click=move |_| store.set_presenting(false)>"✕"</button>
        </Show>
        <Show when=move || store.embed.get() && !store.presenting.get()>
            <a class="mode-exit" data-testid="embed-open" target="_blank" rel="noopener"
                title="Open this run in the full Spacetime page (a new tab)" aria-label="Open in Spacetime, in a new tab"
                href=move || link::full_page_url(store)>"↗"</a>
        </Show>
    }
}

/// Whether the reader asked their system for less motion.
fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// What went wrong, in words; the previous run stays on screen beneath it.
#[component]
fn ErrorBanner() -> impl IntoView {
    let store = Store::get();
    view! {
        <Show when=move || store.error.with(Option::is_some)>
            <div class="error-banner" role="alert" data-testid="error-banner">
                <span>{move || store.error.get().unwrap_or_default()}</span>
                <button aria-label="Dismiss" data-testid="error-dismiss"
                    on:click=move |_| store.error.set(None)>"×"</button>
            </div>
        </Show>
    }
}

/// Which lesson is on its way, while one loads; shown only after a short wait (in the style
/// sheet), so that a lesson already cached shows nothing.
#[component]
fn LoadingNote() -> impl IntoView {
    let store = Store::get();
    view! {
        <Show when=move || store.loading.with(Option::is_some)>
            <div class="loading-note" role="status" data-testid="lesson-loading">
                <span class="spinner" aria-hidden="true"></span>
                {move || format!("Loading {}…", store.loading.get().unwrap_or_default())}
            </div>
        </Show>
    }
}

/// Open lesson `id` on its first scenario, loading it first if it has not loaded.
pub fn open_lesson(store: Store, id: &'static str) {
    lessons::loader::then(store, id, move |store| {
        let first = lessons::all()
            .into_iter()
            .find(|l| l.id == id)
            .and_then(|l| l.scenarios().into_iter().next());
        if let Some(s) = first {
            store.load(s);
        }
    });
}

/// Drive playback from the browser's animation frames.
fn start_animation(store: Store) {
    // One loop of frames per press of play; a paused page asks for no frames at all.
    fn frame(store: Store, last: f64, loops: StoredValue<u64>, this: u64) {
        request_animation_frame(move || {
            // A page replaced (by Back or Forward) stops driving its own, disposed store; a
            // pause, or a newer loop, ends this one.
            if store.playing.try_get_untracked() != Some(true)
                || loops.try_get_value() != Some(this)
            {
                return;
            }
            let now = js_sys::Date::now();
            // A long pause (a hidden tab) must not leap the run forward.
            let seconds = ((now - last) / 1000.0).clamp(0.0, 0.1);
            store.advance(seconds);
            frame(store, now, loops, this);
        });
    }
    let loops = StoredValue::new(0u64);
    Effect::new(move |_| {
        if store.playing.get() {
            loops.update_value(|n| *n += 1);
            frame(store, js_sys::Date::now(), loops, loops.get_value());
        }
    });
}

/// Close every open menu (a `details.menu`) that does not hold `inside`; true if one was open.
fn close_menus(inside: Option<&web_sys::EventTarget>) -> bool {
    use wasm_bindgen::JsCast;
    let Some(open) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("details.menu[open]").ok())
    else {
        return false;
    };
    let inside = inside.and_then(|t| t.dyn_ref::<web_sys::Node>());
    let mut closed = false;
    for i in 0..open.length() {
        let Some(menu) = open
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        else {
            continue;
        };
        if inside.is_some_and(|n| menu.contains(Some(n))) {
            continue;
        }
        menu.set_open(false);
        closed = true;
    }
    closed
}

/// A keyboard shortcut. Keys typed into a form field are left alone.
fn on_key(store: Store, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let tag = target.tag_name().to_lowercase();
        if matches!(tag.as_str(), "input" | "select" | "textarea") {
            return;
        }
    }
    if let Some(keys) = lessons::active_untracked(store).and_then(|a| a.keys) {
        if keys(store, ev) {
            ev.prevent_default();
            return;
        }
    }
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let handled = match ev.key().as_str() {
        " " => {
            store.toggle_play();
            true
        }
        "ArrowRight" | "PageDown" => {
            store.playing.set(false);
            store.step_forward();
            true
        }
        "ArrowLeft" | "PageUp" => {
            store.playing.set(false);
            store.step_back();
            true
        }
        "Home" => {
            store.rewind();
            true
        }
        "End" => {
            store.seek(u64::MAX);
            true
        }
        "+" | "=" => {
            store.faster();
            true
        }
        "-" | "_" => {
            store.slower();
            true
        }
        "d" => {
            if let Selection::Message(id) = store.selection.get_untracked() {
                let cursor = store.cursor.get_untracked();
                let in_flight = store.trace.with_untracked(|t| {
                    t.messages
                        .get(id)
                        .is_some_and(|m| topology::in_flight_at(m, cursor))
                });
                if in_flight {
                    store.intervene(Action::Drop { message: id });
                } else {
                    store.error.set(Some(
                        "Only a message still in flight can be dropped.".into(),
                    ));
                }
            }
            true
        }
        "c" => {
            if let Selection::Process(p) = store.selection.get_untracked() {
                let up = store.up_at_cursor_untracked();
                let process = ProcessRef::Index(p);
                store.intervene(if up.get(p).copied().unwrap_or(true) {
                    Action::Crash { process }
                } else {
                    Action::Recover { process }
                });
            }
            true
        }
        "l" if store.activity.get_untracked() != Activity::Exercises => {
            store.clocks.update(|c| {
                *c = match c {
                    ClockMode::Off => ClockMode::Names,
                    ClockMode::Names => ClockMode::Lamport,
                    ClockMode::Lamport => ClockMode::Vector,
                    ClockMode::Vector => ClockMode::Off,
                }
            });
            true
        }
        "u" => {
            store.undo_intervention();
            true
        }
        "?" => {
            store.help_open.update(|o| *o = !*o);
            true
        }
        "p" => {
            store.set_presenting(!store.presenting.get_untracked());
            true
        }
        "Escape" => {
            if close_menus(None) {
                // The menu's own button keeps the focus, as after a click on it.
            } else if store.help_open.get_untracked() {
                store.help_open.set(false);
            } else if store.presenting.get_untracked() {
                store.set_presenting(false);
            } else {
                store.comparing.set(false);
                store.selection.set(Selection::Nothing);
            }
            true
        }
        _ => false,
    };
    if handled {
        ev.prevent_default();
    }
}
