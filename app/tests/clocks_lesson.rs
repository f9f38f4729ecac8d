//! Component tests of the clocks lesson's activities, in headless Chromium: the playground, the
//! comparison of two events, the exercise panel, and log import with the browser's own regular
//! expressions. `cargo test -p spacetime-app --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use spacetime_app::lessons::clocks::import::{read_log, records_by_regex};
use spacetime_app::lessons::clocks::playground::{self, Gesture};
use spacetime_app::store::{Activity, ClockMode, Selection};
use spacetime_core::exercise::{self, Answer, Level, Question};
use spacetime_core::log::{Choice, GOVECTOR_REGEX, SHIVIZ_DEFAULT_REGEX};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::*;

/// The clock labels drawn, by event id.
fn labels(root: &web_sys::HtmlElement) -> Vec<String> {
    let list = root.get_elements_by_class_name("clock-label");
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn the_playground_builds_a_run_with_live_clocks_and_undo() {
    let (root, store) = mount_page("clocks-three-events");
    playground::start(store);
    element(&root, "build-panel").await;
    click(&find(&root, "build-clear").unwrap());
    for g in [
        Gesture::Local { process: 0, at: 10 },
        Gesture::Message {
            from: 0,
            at: 20,
            to: 1,
            arrive: 30,
        },
        Gesture::Local { process: 1, at: 5 },
    ] {
        playground::apply(store, g);
    }
    store.clocks.set(ClockMode::Lamport);
    // In time order: P2's local (1), P1's local (1), the send (2), the receipt (max(1,2)+1 = 3).
    until("four clocks", || labels(&root) == ["1", "1", "2", "3"]).await;
    click(&find(&root, "build-undo").unwrap());
    until("the last event is undone", || {
        labels(&root) == ["1", "2", "3"]
    })
    .await;
    click(&find(&root, "build-redo").unwrap());
    until("and redone", || labels(&root).len() == 4).await;
    // Delete the send: its receipt goes with it.
    store.selection.set(Selection::Event(2));
    click(&find(&root, "build-delete").unwrap());
    until("the message is gone", || labels(&root) == ["1", "1"]).await;
}

#[wasm_bindgen_test]
async fn two_selected_events_show_their_relation_and_chain() {
    let (root, store) = mount_page("clocks-busy-four");
    store.seek(u64::MAX);
    let (a, b) = store.trace.with_untracked(|t| {
        let first = 0;
        let last = t
            .events
            .iter()
            .rev()
            .find(|e| t.happens_before(first, e.id) && t.events[first].process != e.process)
            .expect("some event on another lane follows the first")
            .id;
        (first, last)
    });
    store.selection.set(Selection::Pair(a, b));
    let relation = element(&root, "pair-relation").await;
    assert_eq!(
        relation.text_content().unwrap(),
        format!("{} → {}", exercise::event_name(a), exercise::event_name(b))
    );
    until("the chain is drawn", || count(&root, "chain") > 0).await;
    // Reversed, the arrow points the other way.
    store.selection.set(Selection::Pair(b, a));
    until("b ← a", || {
        find(&root, "pair-relation").is_some_and(|r| r.text_content().unwrap().contains('←'))
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_exercise_accepts_its_solution_and_hides_the_inspector() {
    let (root, store) = mount_page("clocks-three-events");
    store.activity.set(Activity::Exercises);
    element(&root, "exercise-panel").await;
    assert!(find(&root, "inspector").is_none());
    let seed = element(&root, "exercise-seed").await;
    commit(&seed, "42");
    // New loads the number typed (Enter would too).
    click(&element(&root, "exercise-new").await.into());
    let ex = exercise::kind("lamport").unwrap().generate(Level::Easy, 42);
    let Question::Fill { events, .. } = &ex.question else {
        panic!("a Lamport exercise asks to fill in clocks")
    };
    until("the exercise is on the diagram", || {
        store.scenario.with_untracked(|s| s == &ex.scenario)
    })
    .await;
    assert_eq!(store.clocks.get_untracked(), ClockMode::Names);
    let Answer::Fill(values) = ex.solution() else {
        panic!("the solution of a fill-in is values")
    };
    for (e, value) in events.iter().zip(values) {
        let input = element(&root, &format!("answer-{}", exercise::event_name(*e))).await;
        commit(&input, value);
    }
    click(&find(&root, "exercise-check").unwrap());
    let feedback = element(&root, "exercise-feedback").await;
    assert!(
        has_class(&feedback, "correct"),
        "{:?}",
        feedback.text_content()
    );
}

const GOVECTOR: &str = "a {\"a\":1}\nstart\na {\"a\":2}\nsend\nb {\"a\":2, \"b\":1}\nreceive\n";

#[wasm_bindgen_test]
fn the_browser_regex_reads_both_orders_and_reports_lines() {
    let found = records_by_regex(GOVECTOR, GOVECTOR_REGEX, 1).unwrap();
    assert_eq!(found.skipped, 0);
    let records = found.records;
    let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![1, 3, 5]);
    assert_eq!(records[2].host, "b");
    assert_eq!(records[2].event, "receive");
    let shiviz = "start\na {\"a\":1}\nsend\na {\"a\":2}\nreceive\nb {\"a\":2, \"b\":1}\n";
    let imported = read_log("log", shiviz, SHIVIZ_DEFAULT_REGEX, &Choice::default()).unwrap();
    assert_eq!(imported.scenario.processes, vec!["a", "b"]);
    assert_eq!((imported.events, imported.messages), (3, 1));
    // Bad patterns say what is wrong instead of failing.
    let err = records_by_regex(GOVECTOR, "(?<host>(", 1).unwrap_err();
    assert!(err.contains("regular expression"), "{err}");
    let err = records_by_regex(GOVECTOR, r"(?<host>\S*) (?<clock>{.*})", 1).unwrap_err();
    assert!(err.contains("(?<event>"), "{err}");
    // A regex that can match nothing moves on instead of looping.
    assert!(read_log(
        "log",
        GOVECTOR,
        "(?<host>)(?<clock>)(?<event>)",
        &Choice::default()
    )
    .is_err());
}

#[wasm_bindgen_test]
async fn a_pasted_log_is_drawn_with_its_hosts_and_a_broken_one_keeps_the_run() {
    let (root, store) = mount_page("clocks-three-events");
    store.activity.set(Activity::Lesson("import"));
    let text = element(&root, "import-text").await;
    let area: &web_sys::HtmlTextAreaElement = text.unchecked_ref();
    area.set_value(GOVECTOR);
    area.dispatch_event(&bubbling("input")).unwrap();
    click(&find(&root, "import-run").unwrap());
    element(&root, "import-summary").await;
    assert_eq!(
        store.trace.with_untracked(|t| t.processes.clone()),
        vec!["a", "b"]
    );
    area.set_value("no clocks here\n");
    area.dispatch_event(&bubbling("input")).unwrap();
    click(&find(&root, "import-run").unwrap());
    element(&root, "error-banner").await;
    assert_eq!(
        store.trace.with_untracked(|t| t.processes.clone()),
        vec!["a", "b"],
        "the imported run stays"
    );
}
