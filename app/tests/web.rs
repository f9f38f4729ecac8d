//! Component tests in headless Chromium: `cargo test -p spacetime-app --target wasm32-unknown-unknown`
//! (runner: wasm-bindgen-test-runner, see .cargo/config.toml; browser flags: app/webdriver.json).
//!
//! The store (the one state every view reads, under a reactive `Owner`) and the main views: the
//! whole `App` driven through its DOM, and the `Shell` over a store the test holds, to check what
//! the diagram draws at each cursor. The side views are in `side_views.rs`.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use spacetime_app::store::{steps_per_second, ClockMode, Selection, Store, SPEED_MAX, SPEED_MIN};
use spacetime_app::{lessons, App};
use spacetime_core::{
    protocols::example, Action, EventKind, Fate, Latency, NetworkModel, ProcessRef, Run, Scenario,
    Trace,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A store running the example `name`, owned by `owner` (keep the owner alive while testing).
fn store_of(name: &str) -> (Owner, Store) {
    let owner = Owner::new();
    let store = owner.with(|| Store::new(example(name).expect("the example exists")));
    (owner, store)
}

/// The whole run of a scenario, computed apart from any store.
fn trace_of(scenario: &Scenario) -> Trace {
    Run::complete(scenario)
        .expect("the scenario runs")
        .trace()
        .clone()
}

fn trace(store: &Store) -> Arc<Trace> {
    store.trace.get_untracked()
}

/// A message of `trace` that is in flight for at least two steps, and the first step it is.
fn long_flight(trace: &Trace) -> (usize, u64) {
    let m = trace
        .messages
        .iter()
        .find(|m| m.settled_step.is_some_and(|s| s > m.created_step + 1))
        .expect("a message that travels for a while");
    (m.id, m.created_step + 1)
}

/// Whether any receive event of `trace` received message `id`.
fn received(trace: &Trace, id: usize) -> bool {
    trace
        .events
        .iter()
        .any(|e| e.kind == EventKind::Receive && e.message == Some(id))
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh `<div>` at the end of the test page's body.
fn container() -> web_sys::HtmlElement {
    let div: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

/// The scenario a link to the first lesson opens.
fn first_scenario() -> Scenario {
    lessons::all()[0].scenarios().remove(0)
}

/// Mounts the whole `App` in a fresh container (kept mounted for the test page's life), opened
/// on the first lesson (a bare address shows the welcome instead).
fn mount_app() -> web_sys::HtmlElement {
    let first = lessons::CATALOG[0].id;
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?lesson={first}")),
        )
        .unwrap();
    let root = container();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    root
}

/// Leptos applies signal changes to the DOM on its task queue: poll `ok` every 10 ms for up to
/// two seconds.
async fn until(what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..200 {
        if ok() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting until {what}");
}

fn find(root: &web_sys::HtmlElement, id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
}

async fn element(root: &web_sys::HtmlElement, id: &str) -> web_sys::HtmlElement {
    until(&format!("data-testid={id} exists"), || {
        find(root, id).is_some()
    })
    .await;
    find(root, id).unwrap().unchecked_into()
}

/// Every element under `root` that matches `selector`, in document order (web-sys's NodeList is
/// not among the app's features; an HTMLCollection of all elements is).
fn all(root: &web_sys::HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let every = root.get_elements_by_tag_name("*");
    (0..every.length())
        .filter_map(|i| every.item(i))
        .filter(|e| e.matches(selector).unwrap())
        .collect()
}

fn count(root: &web_sys::HtmlElement, selector: &str) -> usize {
    all(root, selector).len()
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

/// The ids of the events drawn, in document order.
fn drawn_events(root: &web_sys::HtmlElement) -> Vec<usize> {
    all(root, "svg g.event")
        .iter()
        .map(|g| {
            g.get_attribute("data-testid").unwrap()["event-".len()..]
                .parse()
                .unwrap()
        })
        .collect()
}

/// The clock label of every drawn event, by event id ("" for a dot drawn without one).
fn clock_labels(root: &web_sys::HtmlElement) -> Vec<(usize, String)> {
    drawn_events(root)
        .into_iter()
        .map(|id| {
            let label = find(root, &format!("clock-{id}"))
                .map(|l| text(&l))
                .unwrap_or_default();
            (id, label)
        })
        .collect()
}

/// Selects an option of a `<select>` and tells the app, as a learner's choice would.
fn choose(select: &web_sys::HtmlElement, value: &str) {
    let select: &web_sys::HtmlSelectElement = select.unchecked_ref();
    select.set_value(value);
    let ev = document().create_event("Event").unwrap();
    ev.init_event_with_bubbles("change", true);
    select.dispatch_event(&ev).unwrap();
}

fn step_label(root: &web_sys::HtmlElement) -> String {
    find(root, "step-count")
        .map(|e| text(&e))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn a_new_store_runs_its_scenario_and_starts_at_step_zero() {
    let (_owner, store) = store_of("clocks-three-events");
    let expected = trace_of(&example("clocks-three-events").unwrap());
    assert_eq!(*trace(&store), expected);
    assert_eq!(store.step_count(), expected.step_count());
    assert_eq!(store.cursor.get_untracked(), 0);
    assert!(!store.playing.get_untracked());
    assert_eq!(store.selection.get_untracked(), Selection::Nothing);
    assert_eq!(store.clocks.get_untracked(), ClockMode::Lamport);
    assert_eq!(store.error.get_untracked(), None);
}

#[wasm_bindgen_test]
fn a_store_over_a_broken_scenario_shows_the_fallback_and_says_why() {
    let owner = Owner::new();
    let mut broken = example("gossip-one-rumour").unwrap();
    broken.network.latency = Latency { min: 50, max: 10 };
    let store = owner.with(|| Store::new(broken));
    let error = store.error.get_untracked().expect("an error");
    assert!(error.contains("gossip-one-rumour"), "{error}");
    assert!(store.step_count() > 0, "a run is on screen all the same");
}

#[wasm_bindgen_test]
fn loading_a_scenario_replaces_the_run_and_resets_the_view() {
    let (_owner, store) = store_of("clocks-three-events");
    store.seek(2);
    store.selection.set(Selection::Process(1));
    store.playing.set(true);
    let gossip = example("gossip-one-rumour").unwrap();
    assert!(store.load(gossip.clone()));
    assert_eq!(store.scenario.get_untracked().name, "gossip-one-rumour");
    assert_eq!(*trace(&store), trace_of(&gossip));
    assert_eq!(trace(&store).processes.len(), 6);
    assert_eq!(store.cursor.get_untracked(), 0);
    assert!(!store.playing.get_untracked());
    assert_eq!(store.selection.get_untracked(), Selection::Nothing);
}

#[wasm_bindgen_test]
fn a_scenario_that_fails_to_load_leaves_the_run_and_says_why() {
    let (_owner, store) = store_of("gossip-one-rumour");
    store.seek(5);
    let before = trace(&store);
    let mut bad = example("clocks-busy-four").unwrap();
    bad.processes.clear();
    assert!(!store.load(bad));
    let error = store.error.get_untracked().expect("the banner's message");
    assert!(error.contains("clocks-busy-four"), "{error}");
    assert!(
        Arc::ptr_eq(&trace(&store), &before),
        "the previous run stays"
    );
    assert_eq!(store.scenario.get_untracked().name, "gossip-one-rumour");
    assert_eq!(store.cursor.get_untracked(), 5);
    // The next good change clears the banner.
    assert!(store.load(example("clocks-three-events").unwrap()));
    assert_eq!(store.error.get_untracked(), None);
}

#[wasm_bindgen_test]
fn dropping_a_message_records_it_at_the_cursor_and_it_is_never_received() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let original = trace(&store);
    let (id, at) = long_flight(&original);
    assert!(received(&original, id));
    store.seek(at);
    store.intervene(Action::Drop { message: id });
    assert_eq!(store.error.get_untracked(), None);
    let interventions = store.scenario.get_untracked().interventions;
    assert_eq!(interventions.len(), 1);
    assert_eq!(interventions[0].step, at, "recorded at the step shown");
    assert_eq!(
        store.cursor.get_untracked(),
        at + 1,
        "the cursor moves on so it shows"
    );
    let t = trace(&store);
    assert_eq!(t.messages[id].fate, Fate::DroppedByLearner);
    assert!(
        !received(&t, id),
        "no receive event for the dropped message"
    );
    // The past before the intervention is the same run.
    assert_eq!(t.prefix(at), original.prefix(at));
}

#[wasm_bindgen_test]
fn crashing_a_process_stops_its_events_until_it_recovers() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let p = 3;
    let original = trace(&store);
    assert!(original.events.iter().any(|e| e.process == p && e.step > 1));
    store.seek(1);
    store.intervene(Action::Crash {
        process: ProcessRef::Index(p),
    });
    assert_eq!(store.cursor.get_untracked(), 2);
    assert!(!store.up_at_cursor_untracked()[p]);
    let t = trace(&store);
    let lane: Vec<_> = t.events.iter().filter(|e| e.process == p).collect();
    assert_eq!(lane.len(), 1, "only the crash: {lane:?}");
    assert_eq!(lane[0].kind, EventKind::Crash);

    store.seek(5);
    store.intervene(Action::Recover {
        process: ProcessRef::Index(p),
    });
    assert!(store.up_at_cursor_untracked()[p]);
    let t = trace(&store);
    let kinds: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.process == p)
        .map(|e| e.kind)
        .collect();
    assert_eq!(&kinds[..2], &[EventKind::Crash, EventKind::Recover]);
    assert!(t
        .events
        .iter()
        .filter(|e| e.process == p && e.step > 1 && e.step < 5)
        .all(|e| e.kind == EventKind::Crash));
}

#[wasm_bindgen_test]
fn undo_and_clear_take_interventions_back() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let original = trace(&store);
    let (id, at) = long_flight(&original);
    store.seek(at);
    store.intervene(Action::Drop { message: id });
    let dropped = trace(&store);
    store.intervene(Action::Crash {
        process: ProcessRef::Index(5),
    });
    assert_eq!(store.scenario.get_untracked().interventions.len(), 2);

    store.undo_intervention();
    assert_eq!(store.scenario.get_untracked().interventions.len(), 1);
    assert_eq!(*trace(&store), *dropped);
    store.undo_intervention();
    assert!(store.scenario.get_untracked().interventions.is_empty());
    assert_eq!(*trace(&store), *original);
    store.undo_intervention(); // nothing left: no change, no error
    assert_eq!(*trace(&store), *original);
    assert_eq!(store.error.get_untracked(), None);

    store.seek(1);
    store.intervene(Action::Crash {
        process: ProcessRef::Index(1),
    });
    store.intervene(Action::Crash {
        process: ProcessRef::Index(2),
    });
    store.seek(u64::MAX);
    store.clear_interventions();
    assert!(store.scenario.get_untracked().interventions.is_empty());
    assert_eq!(*trace(&store), *original);
    assert!(
        store.cursor.get_untracked() <= store.step_count(),
        "the cursor stays within the run"
    );
}

#[wasm_bindgen_test]
fn an_intervention_the_run_cannot_take_says_why_and_changes_nothing() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let before = trace(&store);
    store.seek(2);
    store.intervene(Action::Crash {
        process: ProcessRef::Name("nobody".into()),
    });
    assert!(store.error.get_untracked().is_some());
    assert!(store.scenario.get_untracked().interventions.is_empty());
    assert!(Arc::ptr_eq(&trace(&store), &before));
    assert_eq!(store.cursor.get_untracked(), 2);
}

#[wasm_bindgen_test]
fn seek_step_and_rewind_stay_within_the_run() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let end = store.step_count();
    store.step_back();
    assert_eq!(store.cursor.get_untracked(), 0, "not before the start");
    store.step_forward();
    store.step_forward();
    assert_eq!(store.cursor.get_untracked(), 2);
    store.step_back();
    assert_eq!(store.cursor.get_untracked(), 1);
    store.seek(u64::MAX);
    assert_eq!(store.cursor.get_untracked(), end);
    store.step_forward();
    assert_eq!(store.cursor.get_untracked(), end, "not past the end");
    store.playing.set(true);
    store.progress.set(0.5);
    store.rewind();
    assert_eq!(store.cursor.get_untracked(), 0);
    assert_eq!(store.progress.get_untracked(), 0.0);
    assert!(!store.playing.get_untracked());
}

#[wasm_bindgen_test]
fn a_new_seed_reruns_keeps_the_cursor_and_clears_interventions() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let original = trace(&store);
    let seed = store.scenario.get_untracked().seed;
    store.seek(4);
    store.intervene(Action::Crash {
        process: ProcessRef::Index(2),
    });
    store.set_seed(seed + 1);
    let s = store.scenario.get_untracked();
    assert_eq!(s.seed, seed + 1);
    assert!(s.interventions.is_empty());
    assert_eq!(*trace(&store), trace_of(&s));
    assert_eq!(store.cursor.get_untracked(), 5.min(store.step_count()));
    // The same seed again: the same run (the simulation is deterministic).
    store.set_seed(seed);
    assert_eq!(*trace(&store), *original);
}

#[wasm_bindgen_test]
fn bad_network_values_leave_the_run_and_say_why() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let (id, at) = long_flight(&trace(&store));
    store.seek(at);
    store.intervene(Action::Drop { message: id });
    let cursor = store.cursor.get_untracked();
    let before = trace(&store);
    let scenario = store.scenario.get_untracked();

    for bad in [
        NetworkModel {
            latency: Latency { min: 50, max: 10 },
            ..scenario.network.clone()
        },
        NetworkModel {
            loss: 1.5,
            ..scenario.network.clone()
        },
        NetworkModel {
            duplicate: -0.1,
            ..scenario.network.clone()
        },
    ] {
        store.error.set(None);
        store.set_network(bad.clone());
        let error = store.error.get_untracked();
        assert!(error.is_some(), "{bad:?} is refused");
        assert!(
            Arc::ptr_eq(&trace(&store), &before),
            "the previous run stays"
        );
        assert_eq!(
            store.scenario.get_untracked(),
            scenario,
            "with its interventions"
        );
        assert_eq!(store.cursor.get_untracked(), cursor);
    }
    assert!(store
        .error
        .get_untracked()
        .unwrap()
        .contains("network.duplicate"));

    // A good network applies: a new run, interventions cleared, no error.
    store.set_network(NetworkModel {
        loss: 0.3,
        ..scenario.network.clone()
    });
    assert_eq!(store.error.get_untracked(), None);
    let s = store.scenario.get_untracked();
    assert_eq!(s.network.loss, 0.3);
    assert!(s.interventions.is_empty());
    assert_eq!(*trace(&store), trace_of(&s));
}

#[wasm_bindgen_test]
fn playing_advances_the_cursor_at_the_speeds_rate() {
    let (_owner, store) = store_of("gossip-one-rumour");
    let end = store.step_count();
    store.advance(10.0);
    assert_eq!(store.cursor.get_untracked(), 0, "paused: nothing moves");

    store.speed.set(1);
    assert_eq!(steps_per_second(1), Some(2.0));
    store.toggle_play();
    assert!(store.playing.get_untracked());
    store.advance(0.25);
    assert_eq!(store.cursor.get_untracked(), 0);
    assert!((store.progress.get_untracked() - 0.5).abs() < 1e-9);
    store.advance(0.25);
    assert_eq!(store.cursor.get_untracked(), 1);
    store.advance(1.0);
    assert_eq!(store.cursor.get_untracked(), 3);

    store.speed.set(3); // 8 steps a second
    store.advance(0.5);
    assert_eq!(store.cursor.get_untracked(), 7);

    store.toggle_play();
    store.advance(1.0);
    assert_eq!(store.cursor.get_untracked(), 7, "paused again");

    // Playing runs out at the end and stops there; play again starts over.
    store.toggle_play();
    store.advance(1000.0);
    assert_eq!(store.cursor.get_untracked(), end);
    assert!(!store.playing.get_untracked());
    assert_eq!(store.progress.get_untracked(), 0.0);
    store.toggle_play();
    assert_eq!(store.cursor.get_untracked(), 0);
    assert!(store.playing.get_untracked());
}

#[wasm_bindgen_test]
fn the_whole_run_speed_jumps_to_the_end_at_once() {
    let (_owner, store) = store_of("gossip-many-rumours");
    store.speed.set(SPEED_MAX);
    assert_eq!(steps_per_second(SPEED_MAX), None);
    store.toggle_play();
    store.advance(0.016);
    assert_eq!(store.cursor.get_untracked(), store.step_count());
    assert!(!store.playing.get_untracked());
}

#[wasm_bindgen_test]
fn speed_steps_stay_on_the_scale() {
    let (_owner, store) = store_of("clocks-three-events");
    for _ in 0..40 {
        store.faster();
    }
    assert_eq!(store.speed.get_untracked(), SPEED_MAX);
    for _ in 0..40 {
        store.slower();
    }
    assert_eq!(store.speed.get_untracked(), SPEED_MIN);
}

#[wasm_bindgen_test]
fn the_view_time_moves_between_steps_while_playing() {
    let (_owner, store) = store_of("clocks-three-events");
    let t = trace(&store);
    store.seek(1);
    let here = t.time_at_step(1) as f64;
    let next = t.time_at_step(2) as f64;
    assert!(next > here);
    assert_eq!(untrack(|| store.view_time()), here);
    store.progress.set(0.5);
    assert_eq!(untrack(|| store.view_time()), (here + next) / 2.0);
}

// ---------------------------------------------------------------------------------------------
// The main views, through the whole App
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_app_draws_a_lane_per_process_and_no_event_yet() {
    let root = mount_app();
    let first = first_scenario();
    let expected = trace_of(&first);
    element(&root, "diagram").await;
    until("a lane per process", || {
        count(&root, "svg g.lane") == first.processes.len()
    })
    .await;
    for p in 0..first.processes.len() {
        assert!(find(&root, &format!("lane-{p}")).is_some());
    }
    assert_eq!(count(&root, "svg g.event"), 0, "nothing has happened yet");
    assert_eq!(count(&root, "svg g[data-fate]"), 0);
    assert_eq!(
        step_label(&root),
        format!("step 0 / {}", expected.step_count())
    );
    let tab = find(&root, &format!("lesson-{}", lessons::all()[0].id)).unwrap();
    assert!(tab.class_list().contains("active"));
}

#[wasm_bindgen_test]
async fn the_forward_and_back_buttons_draw_the_events_of_each_step() {
    let root = mount_app();
    let expected = trace_of(&first_scenario());
    let forward = element(&root, "btn-forward").await;
    let back = element(&root, "btn-back").await;
    for n in 1..=expected.step_count() {
        forward.click();
        let shown: Vec<usize> = (0..expected.events.len())
            .filter(|&e| expected.events[e].step < n)
            .collect();
        until(&format!("step {n} draws events {shown:?}"), || {
            drawn_events(&root) == shown
                && step_label(&root) == format!("step {n} / {}", expected.step_count())
        })
        .await;
    }
    assert_eq!(drawn_events(&root).len(), expected.events.len());
    back.click();
    until("a step back draws fewer events", || {
        drawn_events(&root).len() < expected.events.len()
    })
    .await;
    element(&root, "btn-rewind").await.click();
    until("back at the start, nothing is drawn", || {
        count(&root, "svg g.event") == 0
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_lesson_tab_switches_the_scenario() {
    let root = mount_app();
    let gossip = lessons::all()
        .into_iter()
        .find(|l| l.id == "gossip")
        .unwrap();
    let scenario = gossip.scenarios().remove(0);
    element(&root, "lesson-gossip").await.click();
    let select: web_sys::HtmlSelectElement =
        element(&root, "scenario-select").await.unchecked_into();
    until("the gossip scenario is chosen", || {
        select.value() == scenario.name
    })
    .await;
    until("its lanes are drawn", || {
        count(&root, "svg g.lane") == scenario.processes.len()
    })
    .await;
    let tab = find(&root, "lesson-gossip").unwrap();
    until("its tab is active", || tab.class_list().contains("active")).await;
    assert!(!find(&root, "lesson-clocks")
        .unwrap()
        .class_list()
        .contains("active"));
    // The picker lists the lesson's scenarios.
    let options: Vec<String> = all(&root, "[data-testid='scenario-select'] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap_or_default())
        .collect();
    let names: Vec<String> = gossip.scenarios().into_iter().map(|s| s.name).collect();
    assert_eq!(options, names);
}

#[wasm_bindgen_test]
async fn the_scenario_picker_changes_the_lanes() {
    let root = mount_app();
    let select = element(&root, "scenario-select").await;
    let busy = example("clocks-busy-four").unwrap();
    assert_eq!(busy.processes.len(), 4);
    choose(&select, &busy.name);
    until("four lanes", || count(&root, "svg g.lane") == 4).await;
    let total = trace_of(&busy).step_count();
    until("the step counter follows", || {
        step_label(&root) == format!("step 0 / {total}")
    })
    .await;
    choose(&select, "clocks-three-events");
    until("two lanes again", || count(&root, "svg g.lane") == 2).await;
}

#[wasm_bindgen_test]
async fn the_clock_toggle_changes_the_labels() {
    let root = mount_app();
    let expected = trace_of(&first_scenario());
    element(&root, "btn-end").await.click();
    until("every event is drawn", || {
        drawn_events(&root).len() == expected.events.len()
    })
    .await;
    let lamport: Vec<(usize, String)> = expected
        .events
        .iter()
        .map(|e| (e.id, e.lamport.to_string()))
        .collect();
    until("Lamport labels", || clock_labels(&root) == lamport).await;

    element(&root, "clocks-vector").await.click();
    let vector: Vec<(usize, String)> = expected
        .events
        .iter()
        .map(|e| {
            let parts: Vec<String> = expected.vector(e.id).iter().map(u32::to_string).collect();
            (e.id, format!("[{}]", parts.join(",")))
        })
        .collect();
    until("vector labels", || clock_labels(&root) == vector).await;
    assert_eq!(
        find(&root, "clocks-vector")
            .unwrap()
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    element(&root, "clocks-none").await.click();
    until("no labels", || {
        clock_labels(&root).iter().all(|(_, l)| l.is_empty())
    })
    .await;
    element(&root, "clocks-lamport").await.click();
    until("Lamport labels again", || clock_labels(&root) == lamport).await;
}

// ---------------------------------------------------------------------------------------------
// The main views over a store the test moves
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_diagram_draws_only_what_happened_up_to_the_cursor() {
    let (root, store) = dom::mount_page("clocks-busy-four");
    let t = trace(&store);
    element(&root, "diagram").await;
    // Forward step by step, then backwards, then by jumps.
    let end = store.step_count();
    let order: Vec<u64> = (0..=end)
        .chain((0..end).rev())
        .chain([end, 0, end / 2])
        .collect();
    for n in order {
        store.seek(n);
        let events: Vec<usize> = (0..t.events.len())
            .filter(|&e| t.events[e].step < n)
            .collect();
        let arrows = t.messages.iter().filter(|m| m.created_step < n).count();
        until(
            &format!("step {n}: events {events:?}, {arrows} arrows"),
            || drawn_events(&root) == events && count(&root, "svg g[data-fate]") == arrows,
        )
        .await;
        let narration = text(&find(&root, "narration").unwrap());
        if n > 0 {
            let step = t.narration(n as usize - 1);
            assert!(narration.contains(&step), "step {n}: {narration}");
        }
    }
}

#[wasm_bindgen_test]
async fn a_dropped_message_is_drawn_dying_and_a_crashed_lane_greyed() {
    let (root, store) = dom::mount_page("gossip-one-rumour");
    let (id, at) = long_flight(&trace(&store));
    store.seek(at);
    let arrow = element(&root, &format!("msg-{id}")).await;
    assert_eq!(
        arrow.get_attribute("data-fate").as_deref(),
        Some("InFlight")
    );
    store.intervene(Action::Drop { message: id });
    // The arrow is keyed by its shape, so a changed arrow is a new element: look it up again.
    until("the arrow dies in a cross", || {
        find(&root, &format!("msg-{id}"))
            .is_some_and(|g| g.get_attribute("data-fate").as_deref() == Some("Died"))
            && find(&root, &format!("cross-{id}")).is_some()
    })
    .await;

    store.intervene(Action::Crash {
        process: ProcessRef::Index(4),
    });
    let span = element(&root, "down-4").await;
    assert!(span.class_list().contains("down-span"));
    store.undo_intervention();
    until("the grey span goes with the undone crash", || {
        find(&root, "down-4").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn clicking_a_message_or_a_lane_selects_it() {
    let (root, store) = dom::mount_page("gossip-one-rumour");
    store.seek(2);
    let click = |el: &web_sys::HtmlElement| {
        let ev = document().create_event("Event").unwrap();
        ev.init_event_with_bubbles("click", true);
        el.dispatch_event(&ev).unwrap();
    };
    click(&element(&root, "msg-0").await);
    until("message 0 is selected", || {
        store.selection.get_untracked() == Selection::Message(0)
    })
    .await;
    until("its arrow is highlighted", || {
        find(&root, "msg-0").is_some_and(|g| g.class_list().contains("selected"))
    })
    .await;
    element(&root, "inspect-message-panel").await;
    click(&element(&root, "lane-2").await);
    until("process 2 is selected", || {
        store.selection.get_untracked() == Selection::Process(2)
    })
    .await;
    element(&root, "inspect-process").await;
    // A click on the empty diagram clears the selection.
    click(&element(&root, "diagram").await);
    until("nothing is selected", || {
        store.selection.get_untracked() == Selection::Nothing
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_error_banner_shows_the_stores_error_over_the_run() {
    let (root, store) = dom::mount_page("gossip-one-rumour");
    store.seek(3);
    let shown = trace(&store).events.iter().filter(|e| e.step < 3).count();
    until("step 3 is drawn", || drawn_events(&root).len() == shown).await;
    let drawn = drawn_events(&root);
    let mut bad = store.scenario.get_untracked();
    bad.network.latency = Latency { min: 9, max: 3 };
    store.set_network(bad.network);
    let banner = element(&root, "error-banner").await;
    assert!(text(&banner).contains("latency"), "{}", text(&banner));
    assert_eq!(drawn_events(&root), drawn, "the run stays on screen");
    element(&root, "error-dismiss").await.click();
    until("the banner goes", || find(&root, "error-banner").is_none()).await;
    assert_eq!(store.error.get_untracked(), None);
}

#[wasm_bindgen_test]
async fn a_bare_address_shows_the_welcome_and_a_lesson_opens_from_it() {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?"))
        .unwrap();
    let root = container();
    std::mem::forget(leptos::mount::mount_to(root.clone(), App));
    element(&root, "welcome").await;
    // Every lesson, in course order, with its line and its sketch.
    for entry in lessons::CATALOG {
        let card = find(&root, &format!("welcome-{}", entry.id)).unwrap();
        assert!(card.text_content().unwrap().contains(entry.summary));
        assert!(card.query_selector("line.sketch-arrow").unwrap().is_some());
    }
    assert!(find(&root, "diagram").is_none());
    let second = lessons::CATALOG[1];
    element(&root, &format!("welcome-{}", second.id))
        .await
        .click();
    element(&root, "diagram").await;
    let tab = element(&root, &format!("lesson-{}", second.id)).await;
    until("its tab is active", || tab.class_list().contains("active")).await;
    assert!(find(&root, "welcome").is_none());
}
