//! Component tests of the Paxos and MapReduce lessons' exercises, in headless Chromium: breaking
//! agreement by hand with the exercise's own fault tools, and a MapReduce question answered.
//! `cargo test -p spacetime-app --target wasm32-unknown-unknown --test consensus`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use spacetime_app::store::{Activity, Selection, Store};
use spacetime_core::exercise::{self, Answer, Level, Question};
use spacetime_core::Action;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::*;

/// Open the exercises on kind `id` with exercise number `seed`, and wait until it is on screen.
async fn open_exercise(
    root: &web_sys::HtmlElement,
    store: Store,
    id: &str,
    seed: u64,
) -> exercise::Exercise {
    store.activity.set(Activity::Exercises);
    let kind = element(root, "exercise-kind").await;
    js_sys::Reflect::set(&kind, &"value".into(), &id.into()).unwrap();
    kind.dispatch_event(&bubbling("change")).unwrap();
    let number = element(root, "exercise-seed").await;
    commit(&number, &seed.to_string());
    // New loads the number typed (Enter would too).
    click(&element(root, "exercise-new").await.into());
    let ex = exercise::kind(id).unwrap().generate(Level::Easy, seed);
    until("the exercise is on the diagram", || {
        store.scenario.with_untracked(|s| {
            s.name == ex.scenario.name
                && s.params == ex.scenario.params
                && s.seed == ex.scenario.seed
        })
    })
    .await;
    ex
}

#[wasm_bindgen_test]
async fn agreement_is_broken_by_hand_with_the_exercise_tools() {
    let (root, store) = mount_page("paxos-calm");
    let ex = open_exercise(&root, store, "break-agreement", 3).await;
    assert!(matches!(ex.question, Question::Intervene { .. }));
    element(&root, "exercise-intervene").await;
    // The run starts at its beginning, with nothing changed yet; checking now is wrong.
    assert_eq!(store.cursor.get_untracked(), 0);
    click(&find(&root, "exercise-check").unwrap());
    let feedback = element(&root, "exercise-feedback").await;
    assert!(
        has_class(&feedback, "wrong"),
        "{:?}",
        feedback.text_content()
    );

    // Now the schedule that breaks it, made with the panel's own buttons where it has them.
    let Answer::Interventions(schedule) = ex.solution().clone() else {
        panic!("the solution of an intervene question is interventions")
    };
    for i in &schedule {
        store.seek(i.step);
        match i.action {
            Action::Drop { message } => {
                store.selection.set(Selection::Message(message));
                let drop = element(&root, "exercise-drop").await;
                click(&drop);
            }
            ref other => {
                // A delay by the search's own amount, or a reboot (a crash and a recovery at one
                // step): as the learner would with the inspector's buttons.
                store.intervene_at(i.step, other.clone());
            }
        }
        until("the fault is recorded", || {
            store
                .scenario
                .with_untracked(|s| s.interventions.iter().any(|x| x.step == i.step))
        })
        .await;
    }
    until("undo is offered", || {
        find(&root, "exercise-undo").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    click(&find(&root, "exercise-check").unwrap());
    until("the check says right", || {
        find(&root, "exercise-feedback").is_some_and(|f| has_class(&f, "correct"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_mapreduce_question_is_answered_by_its_choice() {
    let (root, store) = mount_page("mapreduce-word-count");
    let ex = open_exercise(&root, store, "which-reducer", 11).await;
    let Answer::Choice(right) = ex.solution().clone() else {
        panic!("which-reducer is a choice")
    };
    let choice = element(&root, &format!("choice-{right}")).await;
    click(&choice);
    let feedback = element(&root, "exercise-feedback").await;
    assert!(
        has_class(&feedback, "correct"),
        "{:?}",
        feedback.text_content()
    );
    // The MapReduce panel (which would show the answer's stages) is hidden during exercises.
    assert!(find(&root, "mapreduce-panel").is_none());
}

#[wasm_bindgen_test]
async fn the_paxos_panel_shows_a_broken_agreement_and_the_quorum() {
    let (root, store) = mount_page("paxos-broken-acceptor");
    store.seek(u64::MAX);
    let banner = element(&root, "chosen-banner").await;
    until("the banner says agreement broke", || {
        banner
            .text_content()
            .unwrap_or_default()
            .starts_with("Agreement broken")
    })
    .await;
    // The first value's quorum is drawn like a selection on the diagram.
    assert!(!store.emphasis.get_untracked().is_empty());
    assert!(count(&root, "marked") >= 2);
}
