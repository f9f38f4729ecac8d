//! Spacetime's browser front end (Leptos, client-side rendering).
//!
//! Components live in this library, so that `wasm-bindgen-test` can mount them; `main.rs` only
//! mounts [`App`]. All state is in one [`store::Store`], provided by context. Geometry is plain
//! Rust in `spacetime_core::layout` and in the pure functions of [`diagram`], tested natively.

use leptos::prelude::*;
use spacetime_core::{Action, ProcessRef, Scenario};

pub mod diagram;
pub mod help;
pub mod inspector;
pub mod lessons;
pub mod playback;
pub mod store;
pub mod topology;

use diagram::Diagram;
use help::HelpOverlay;
use inspector::{Inspector, NetworkControls, PropertyBadges};
use playback::{Narration, PlaybackBar};
use store::{ClockMode, Selection, Store};
use topology::Topology;

/// The scenario the page opens with.
pub fn first_scenario() -> Scenario {
    lessons::all()[0].scenarios().remove(0)
}

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let store = Store::new(first_scenario()).provide();
    start_animation(store);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| on_key(store, &ev));
    on_cleanup(move || keys.remove());
    view! { <Shell/> }
}

/// The page, given a store in context.
#[component]
pub fn Shell() -> impl IntoView {
    let store = Store::get();
    view! {
        <div class="app" data-testid="app">
            <Header/>
            <ErrorBanner/>
            <main class="main">
                <section class="diagram-pane" aria-label="Space-time diagram">
                    <Diagram/>
                </section>
                <aside class="side">
                    <Topology/>
                    <PropertyBadges/>
                    <Inspector/>
                    <details class="network">
                        <summary>"Network and seed"</summary>
                        <NetworkControls/>
                    </details>
                </aside>
            </main>
            <Narration/>
            <PlaybackBar/>
            <Show when=move || store.help_open.get()>
                <HelpOverlay/>
            </Show>
        </div>
    }
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
            <div class="brand">"Spacetime"</div>
            <nav class="lesson-tabs" aria-label="Lessons">
                {lessons::all().into_iter().map(|lesson| {
                    let id = lesson.id;
                    let first = lesson.scenarios().into_iter().next();
                    view! {
                        <button data-testid=format!("lesson-{id}")
                            class:active=move || current_lesson.get() == id
                            on:click=move |_| { if let Some(s) = first.clone() { store.load(s); } }>
                            {lesson.title}
                        </button>
                    }
                }).collect_view()}
            </nav>
            <label class="picker">
                <span class="visually-hidden">"Scenario"</span>
                <select data-testid="scenario-select" aria-label="Scenario"
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
                        let extra = (!listed).then(|| view! { <option value=current.clone() selected=true>{current.clone()}</option> });
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
            <div class="clock-toggle" role="group" aria-label="Clock labels">
                {[(ClockMode::Off, "no clocks"), (ClockMode::Lamport, "Lamport"), (ClockMode::Vector, "vector")]
                    .into_iter().map(|(mode, label)| view! {
                        <button data-testid=format!("clocks-{}", label.replace(' ', "-").to_lowercase())
                            class:active=move || store.clocks.get() == mode
                            aria-pressed=move || (store.clocks.get() == mode).to_string()
                            on:click=move |_| store.clocks.set(mode)>{label}</button>
                    }).collect_view()}
            </div>
            <details class="lesson-drawer" data-testid="lesson-drawer">
                <summary>"Lesson"</summary>
                <div class="lesson-text">
                    {move || {
                        let scenario = store.scenario.get();
                        let lesson = lessons::lesson_of(&scenario);
                        view! {
                            <h2>{lesson.as_ref().map(|l| l.title).unwrap_or("Scenario")}</h2>
                            {lesson.map(|l| l.text.iter().map(|p| view! { <p>{*p}</p> }).collect_view())}
                            <h3>{scenario.title.clone()}</h3>
                            <p>{scenario.description.clone()}</p>
                        }
                    }}
                </div>
            </details>
            <button class="help-button" data-testid="help-button" aria-label="Keyboard shortcuts"
                on:click=move |_| store.help_open.update(|o| *o = !*o)>"?"</button>
        </header>
    }
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

/// Drive playback from the browser's animation frames.
fn start_animation(store: Store) {
    fn frame(store: Store, last: f64) {
        request_animation_frame(move || {
            let now = js_sys::Date::now();
            // A long pause (a hidden tab) must not leap the run forward.
            let seconds = ((now - last) / 1000.0).clamp(0.0, 0.1);
            store.advance(seconds);
            frame(store, now);
        });
    }
    frame(store, js_sys::Date::now());
}

/// A keyboard shortcut. Keys typed into a form field are left alone.
fn on_key(store: Store, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let tag = target.tag_name().to_lowercase();
        if matches!(tag.as_str(), "input" | "select" | "textarea")
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
        {
            return;
        }
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
        "l" => {
            store.clocks.update(|c| {
                *c = match c {
                    ClockMode::Off => ClockMode::Lamport,
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
        "Escape" => {
            if store.help_open.get_untracked() {
                store.help_open.set(false);
            } else {
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
