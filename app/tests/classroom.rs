//! Component tests of the classroom features (issue 9) in headless Chromium: links applied to a
//! store and the address bar kept up to date, presentation mode, the tour player, files dropped
//! on the page, export and Copy link.
//! `cargo test -p spacetime-app --target wasm32-unknown-unknown --test classroom`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use spacetime_app::store::{ClockMode, Selection, Store};
use spacetime_app::{export, link, tour};
use spacetime_core::protocols::example;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::*;

fn text(root: &web_sys::HtmlElement, id: &str) -> String {
    find(root, id)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_link_opens_its_view_and_a_bad_one_says_what_was_ignored() {
    let (root, store) = mount_page("clocks-three-events");
    let (address, mut problems) =
        link::parse("s=clocks-crossing-messages&step=3&labels=vector&sel=p1&seed=x");
    let view = link::resolve(&address, &mut problems);
    assert!(store.load(view.scenario.clone()));
    link::show(store, &view, &address, &problems);
    assert_eq!(store.cursor.get_untracked(), 3);
    assert_eq!(store.clocks.get_untracked(), ClockMode::Vector);
    assert_eq!(store.selection.get_untracked(), Selection::Process(1));
    let banner = element(&root, "error-banner").await;
    until("the banner names the bad seed", || {
        banner
            .text_content()
            .is_some_and(|t| t.contains("seed \"x\" is not a whole number"))
    })
    .await;
    until("the step counter follows", || {
        text(&root, "step-count").starts_with("step 3 /")
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_address_bar_follows_the_view() {
    let (_root, store) = mount_page("clocks-busy-four");
    let window = web_sys::window().unwrap();
    let before = window.location().href().unwrap();
    link::keep_address(store);
    store.seek(5);
    store.clocks.set(ClockMode::Names);
    let search = || window.location().search().unwrap_or_default();
    for _ in 0..100 {
        if search().contains("step=5") {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    assert_eq!(search(), "?s=clocks-busy-four&step=5&labels=names");
    assert_eq!(
        link::share_url(store),
        format!(
            "{}?s=clocks-busy-four&step=5&labels=names",
            before.split(['?', '#']).next().unwrap()
        )
    );
    // Leave the test page's address as it was.
    let _ = window.history().unwrap().replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&before),
    );
}

#[wasm_bindgen_test]
async fn copy_link_shows_the_link_in_a_field() {
    let (root, store) = mount_page("clocks-three-events");
    store.seek(2);
    element(&root, "copy-link").await.click();
    let field = element(&root, "link-field").await;
    until("the field holds the link", || {
        field
            .unchecked_ref::<web_sys::HtmlInputElement>()
            .value()
            .ends_with("?s=clocks-three-events&step=2")
    })
    .await;
    until("it says whether the clipboard took it", || {
        !text(&root, "link-status").is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn presentation_mode_hides_the_chrome_and_slows_down() {
    let (root, store) = mount_page("clocks-three-events");
    store.speed.set(3);
    let app = element(&root, "app").await;
    element(&root, "present-button").await.click();
    until("the page is in presentation mode", || {
        has_class(&app, "presentation")
    })
    .await;
    assert!(store.presenting.get_untracked());
    assert!(store.speed.get_untracked() <= 0, "a lecture's pace");
    let exit = element(&root, "present-exit").await;
    exit.click();
    until("presentation mode is left", || {
        !has_class(&app, "presentation")
    })
    .await;
    assert_eq!(store.speed.get_untracked(), 3, "the speed comes back");
}

#[wasm_bindgen_test]
async fn a_lesson_tour_plays_to_each_stop_and_pauses_there() {
    let (root, store) = mount_page("clocks-three-events");
    element(&root, "tour-button").await.click();
    let panel = element(&root, "tour-panel").await;
    let t = store.tour.get_untracked().expect("the tour started");
    assert_eq!(store.scenario.get_untracked().name, t.tour.scenario.name);
    assert_eq!(store.cursor.get_untracked(), 0);
    let next = element(&root, "tour-next").await;
    for (i, stop) in t.tour.stops.iter().enumerate() {
        next.click();
        // Play as the animation loop would, in big strides (64 steps a second, a tenth of a
        // second a frame): playback must still stop on the stop's own step.
        store.speed.set(6);
        for _ in 0..1000 {
            if !store.playing.get_untracked() {
                break;
            }
            store.advance(0.1);
        }
        assert_eq!(store.cursor.get_untracked(), stop.step, "stop {}", i + 1);
        until(&format!("stop {} is shown", i + 1), || {
            text(&root, "tour-text") == stop.say
        })
        .await;
        assert_eq!(
            text(&root, "tour-progress"),
            format!("Stop {} of {}", i + 1, t.tour.stops.len())
        );
        if let Some(q) = &stop.question {
            let wrong = (q.right() + 1) % q.choices.len();
            element(&root, &format!("tour-choice-{wrong}"))
                .await
                .click();
            let feedback = element(&root, "tour-feedback").await;
            until("a wrong answer is called wrong", || {
                has_class(&feedback, "wrong")
            })
            .await;
            element(&root, &format!("tour-choice-{}", q.right()))
                .await
                .click();
            until("the right answer is called right", || {
                find(&root, "tour-feedback").is_some_and(|f| has_class(&f, "correct"))
            })
            .await;
        }
    }
    // Back goes to the stop before at once; Next twice returns to the last one and finishes.
    element(&root, "tour-back").await.click();
    let last = t.tour.stops.len() - 1;
    assert_eq!(store.cursor.get_untracked(), t.tour.stops[last - 1].step);
    next.click();
    assert_eq!(
        store.pause_at.get_untracked(),
        Some(t.tour.stops[last].step)
    );
    next.click(); // Skip ahead
    assert_eq!(store.cursor.get_untracked(), t.tour.stops[last].step);
    next.click(); // Finish
    until("the tour is over", || find(&root, "tour-panel").is_none()).await;
    assert!(store.tour.get_untracked().is_none());
    drop(panel);
}

#[wasm_bindgen_test]
async fn dropped_files_open_or_say_what_is_wrong() {
    let (root, store) = mount_page("clocks-three-events");
    export::open_file(store, "broken.json", "{\n  \"name\": \"x\",\n  oops\n}");
    let banner = element(&root, "error-banner").await;
    until("the banner says where", || {
        banner
            .text_content()
            .is_some_and(|t| t.contains("broken.json is not valid JSON: line 3, column 3"))
    })
    .await;
    assert_eq!(
        store.scenario.get_untracked().name,
        "clocks-three-events",
        "the run stays"
    );

    let mut s = example("clocks-crossing-messages").unwrap();
    s.seed = 99;
    export::open_file(store, "mine.json", &s.to_json());
    assert_eq!(store.scenario.get_untracked(), s);

    let bad_tour = r#"{"title": "t", "scenario": "clocks-three-events",
        "stops": [{"step": 2, "say": "b"}, {"step": 1, "say": "a"}]}"#;
    export::open_file(store, "tour.json", bad_tour);
    until("the banner names the stop", || {
        text(&root, "error-banner").contains("stop 2 (step 1): the stops are out of order")
    })
    .await;
    assert!(store.tour.get_untracked().is_none());

    export::open_file(
        store,
        "run.log",
        "alice {\"alice\":1}\nstart\nbob {\"bob\":1}\nstart\n",
    );
    until("the log is imported", || {
        store.scenario.with_untracked(|s| s.processes.len()) == 2
            && store
                .scenario
                .with_untracked(|s| s.name != "clocks-crossing-messages")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_tour_link_to_a_lesson_starts_its_tour() {
    let (root, store) = mount_page("clocks-three-events");
    // Each tour plays a run of its own lesson.
    let lesson_of = || {
        store
            .scenario
            .with_untracked(|s| spacetime_app::lessons::lesson_of(s).map(|l| l.id))
    };
    tour::open(store, "delivery");
    element(&root, "tour-panel").await;
    until("the delivery tour plays a delivery run", || {
        lesson_of() == Some("delivery")
    })
    .await;
    tour::open(store, "broadcast");
    until("the broadcast tour replaces it", || {
        lesson_of() == Some("broadcast")
    })
    .await;
    assert!(store.tour.get_untracked().is_some());
    // Opening another scenario ends the tour.
    store.load(example("clocks-three-events").unwrap());
    until("the tour ends", || find(&root, "tour-panel").is_none()).await;
    assert!(store.tour.get_untracked().is_none());
}

/// Parse SVG text in the browser: (parser errors, lanes, arrows).
fn parse_svg(svg: &str) -> (u32, u32, u32) {
    let f = js_sys::Function::new_with_args(
        "s",
        "const d = new DOMParser().parseFromString(s, 'image/svg+xml');\
         return [d.getElementsByTagName('parsererror').length,\
                 d.querySelectorAll('.lane').length,\
                 d.querySelectorAll('.message').length];",
    );
    let r: js_sys::Array = f
        .call1(&wasm_bindgen::JsValue::NULL, &svg.into())
        .unwrap()
        .unchecked_into();
    let n = |i| r.get(i).as_f64().unwrap() as u32;
    (n(0), n(1), n(2))
}

#[wasm_bindgen_test]
fn the_exported_svg_is_standalone_and_follows_the_cursor() {
    let store = Store::new(example("clocks-busy-four").unwrap());
    store.seek(u64::MAX);
    let svg = export::diagram_svg(store);
    let (errors, lanes, arrows) = parse_svg(&svg);
    assert_eq!(errors, 0);
    assert_eq!(lanes, 4);
    assert_eq!(
        arrows,
        store.trace.with_untracked(|t| t.messages.len()) as u32
    );
    assert!(!svg.contains("<style") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    store.seek(0);
    let (_, lanes, arrows) = parse_svg(&export::diagram_svg(store));
    assert_eq!((lanes, arrows), (4, 0), "the run as far as the cursor");
}

#[wasm_bindgen_test]
fn reduced_motion_steps_without_gliding() {
    let store = Store::new(example("clocks-three-events").unwrap());
    store.seek(1);
    store.progress.set(0.5);
    let here = store.trace.with_untracked(|t| t.time_at_step(1)) as f64;
    assert!(store.view_time() > here, "between two steps, arrows glide");
    store.reduced_motion.set(true);
    assert_eq!(store.view_time(), here, "with reduced motion they jump");
    // Playback still steps.
    store.playing.set(true);
    store.advance(1.0);
    assert_eq!(store.cursor.get_untracked(), 3);
}
