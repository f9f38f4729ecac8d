//! Component tests of the side column (topology, inspector, network controls, badges) and the
//! help overlay, in headless Chromium: `cargo test -p spacetime-app --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use spacetime_app::help::HelpOverlay;
use spacetime_app::inspector::{Inspector, NetworkControls, PropertyBadges};
use spacetime_app::store::{Selection, Store};
use spacetime_app::topology::{in_flight_at, Topology};
use spacetime_core::Fate;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::*;

/// Mounts the side views over a store running `scenario`, in a fresh `<div>`; returns the
/// container and the store.
fn mount(scenario: &str) -> (web_sys::HtmlElement, Store) {
    mount_with(scenario, || {
        view! {
            <Topology />
            <PropertyBadges />
            <Inspector />
            <NetworkControls />
            <HelpOverlay />
        }
    })
}

/// A message of the loaded run that is in the air for more than a step, and the step after it
/// was sent.
fn travelling(store: Store) -> (usize, u64) {
    store.trace.with_untracked(|t| {
        let m = t
            .messages
            .iter()
            .find(|m| m.settled_step.is_some_and(|s| s > m.created_step + 1))
            .expect("a message that travels for a while");
        (m.id, m.created_step + 1)
    })
}

#[wasm_bindgen_test]
async fn the_ring_has_a_node_per_process_and_a_link_per_pair() {
    let (root, store) = mount("gossip-one-rumour");
    element(&root, "topology").await;
    let n = store.trace.with_untracked(|t| t.processes.len()) as u32;
    assert_eq!(count(&root, "topo-node"), n);
    assert_eq!(count(&root, "topo-link"), n * (n - 1) / 2);
    assert!(find(&root, "topo-link-0-1").is_some());
    assert_eq!(count(&root, "topo-packet"), 0, "nothing flies at step 0");
    assert!(find(&root, "inspector-hint").is_some());
}

/// Envelopes are lasting elements that move in place: one of them keeps its element from step to
/// step while its transform changes; and a new run (with fewer messages) replaces them without
/// failing, the ring then following its cursor.
#[wasm_bindgen_test]
async fn envelopes_move_in_place_and_a_new_run_replaces_them() {
    let (root, store) = mount("gossip-busy-sixteen");
    let (id, at) = store.trace.with_untracked(|t| {
        let m = t
            .messages
            .iter()
            .find(|m| {
                m.settled_step.is_some_and(|s| s > m.created_step + 3)
                    && m.arrives_at > m.sent_at + 2
            })
            .expect("a message that travels for a while");
        (m.id, m.created_step + 1)
    });
    store.seek(at);
    let packet = element(&root, &format!("topo-packet-{id}")).await;
    let before = packet.get_attribute("transform").unwrap();
    store.seek(at + 2);
    until("it moves", || {
        packet.get_attribute("transform").as_deref() != Some(&*before)
    })
    .await;
    assert!(packet.is_connected(), "the same element, moved");
    assert_eq!(
        find(&root, &format!("topo-packet-{id}")).as_ref(),
        Some(&packet)
    );
    // Another run, with far fewer messages than the id of some envelope now in the air.
    let many = count(&root, "topo-packet");
    assert!(many > 3, "{many} envelopes");
    store.load(spacetime_core::protocols::example("gossip-one-rumour").unwrap());
    let (id, at) = travelling(store);
    store.seek(at);
    element(&root, &format!("topo-packet-{id}")).await;
    store.seek(0);
    until("nothing flies at step 0", || {
        count(&root, "topo-packet") == 0
    })
    .await;
}

#[wasm_bindgen_test]
async fn packets_fly_and_a_dropped_one_is_dropped() {
    let (root, store) = mount("gossip-one-rumour");
    let (id, at) = travelling(store);
    store.seek(at);
    let packet = element(&root, &format!("topo-packet-{id}")).await;
    click(&packet);
    until("the message is selected", || {
        store.selection.get_untracked() == Selection::Message(id)
    })
    .await;
    let drop = element(&root, "btn-drop").await;
    let button: &web_sys::HtmlButtonElement = drop.unchecked_ref();
    assert!(!button.disabled(), "in flight, so it can be dropped");
    drop.click();
    until("the drop is recorded", || {
        store.scenario.with_untracked(|s| s.interventions.len()) == 1
    })
    .await;
    assert_eq!(
        store.trace.with_untracked(|t| t.messages[id].fate),
        Fate::DroppedByLearner
    );
    let fate = element(&root, "message-fate").await;
    until("the inspector says so", || {
        fate.text_content().as_deref() == Some("dropped by you")
    })
    .await;
    until("the packet is gone", || {
        find(&root, &format!("topo-packet-{id}")).is_none()
    })
    .await;
    element(&root, "btn-undo").await.click();
    until("the drop is undone", || {
        store
            .scenario
            .with_untracked(|s| s.interventions.is_empty())
    })
    .await;
}

#[wasm_bindgen_test]
async fn faults_on_a_message_need_it_in_flight() {
    let (root, store) = mount("gossip-one-rumour");
    let id = store.trace.with_untracked(|t| t.messages[0].id);
    store.selection.set(Selection::Message(id));
    let drop = element(&root, "btn-drop").await;
    assert!(
        drop.unchecked_ref::<web_sys::HtmlButtonElement>()
            .disabled(),
        "not sent yet at step 0"
    );
    let end = store.step_count();
    store.seek(end);
    let in_flight = store
        .trace
        .with_untracked(|t| in_flight_at(&t.messages[id], end));
    until("the buttons follow the cursor", || {
        drop.unchecked_ref::<web_sys::HtmlButtonElement>()
            .disabled()
            != in_flight
    })
    .await;
}

#[wasm_bindgen_test]
async fn crashing_a_node_greys_it_and_offers_recover() {
    let (root, store) = mount("gossip-one-rumour");
    store.seek(1);
    let node = element(&root, "topo-node-1").await;
    click(&node);
    element(&root, "btn-crash").await.click();
    until("the node is down", || has_class(&node, "down")).await;
    assert!(
        find(&root, "topo-node-1-down").is_some(),
        "a cross marks it"
    );
    assert!(!store.up_at_cursor_untracked()[1]);
    element(&root, "btn-recover").await.click();
    until("the node is up again", || !has_class(&node, "down")).await;
    assert_eq!(store.scenario.with_untracked(|s| s.interventions.len()), 2);
    element(&root, "btn-clear").await.click();
    until("every intervention is cleared", || {
        store
            .scenario
            .with_untracked(|s| s.interventions.is_empty())
    })
    .await;
}

#[wasm_bindgen_test]
async fn cutting_a_link_dashes_it_and_offers_heal() {
    let (root, store) = mount("gossip-one-rumour");
    store.seek(1);
    let link = element(&root, "topo-link-0-2").await;
    click(&link);
    until("the link is selected", || {
        store.selection.get_untracked() == Selection::Link(0, 2)
    })
    .await;
    element(&root, "btn-cut").await.click();
    until("the link is cut", || has_class(&link, "cut")).await;
    element(&root, "btn-heal").await.click();
    until("the link is healed", || !has_class(&link, "cut")).await;
}

#[wasm_bindgen_test]
async fn bad_network_values_say_why_and_do_not_apply() {
    let (root, store) = mount("gossip-one-rumour");
    let before = store.scenario.with_untracked(|s| s.network.clone());
    commit(&element(&root, "net-loss").await, "abc");
    let error = element(&root, "net-loss-error").await;
    assert!(error.text_content().unwrap().contains("not a number"));
    commit(&element(&root, "net-dup").await, "150");
    element(&root, "net-dup-error").await;
    commit(&element(&root, "net-lat-min").await, "500");
    let lat = element(&root, "net-lat-error").await;
    assert!(lat.text_content().unwrap().contains("larger than max"));
    assert_eq!(store.scenario.with_untracked(|s| s.network.clone()), before);

    commit(&element(&root, "net-loss").await, "10");
    until("the loss applies", || {
        store.scenario.with_untracked(|s| s.network.loss) == 0.1
    })
    .await;
    until("its error goes", || find(&root, "net-loss-error").is_none()).await;

    commit(&element(&root, "seed-input").await, "-4");
    element(&root, "seed-error").await;
    commit(&element(&root, "seed-input").await, "42");
    until("the seed applies", || {
        store.scenario.with_untracked(|s| s.seed) == 42
    })
    .await;
    element(&root, "btn-new-seed").await.click();
    until("a new seed", || {
        store.scenario.with_untracked(|s| s.seed) != 42
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_badge_per_property() {
    let (root, store) = mount("gossip-one-rumour");
    let end = store.step_count();
    store.seek(end);
    let reports = untrack(|| store.reports());
    assert!(!reports.is_empty());
    for r in &reports {
        let badge = element(&root, &format!("badge-{}", r.name)).await;
        let want = match (r.promised, r.verdict.holds()) {
            (false, _) => "off",
            (true, true) => "ok",
            (true, false) => "bad",
        };
        until("the badge's state", || has_class(&badge, want)).await;
    }
}

#[wasm_bindgen_test]
async fn selecting_an_event_shows_its_clocks() {
    let (root, store) = mount("clocks-three-events");
    let end = store.step_count();
    store.seek(end);
    let (id, lamport, vector) = store.trace.with_untracked(|t| {
        let e = t.events.last().unwrap();
        (e.id, e.lamport, t.vector(e.id).to_vec())
    });
    store.selection.set(Selection::Event(id));
    let l = element(&root, "event-lamport").await;
    assert_eq!(l.text_content().unwrap(), lamport.to_string());
    let v = element(&root, "event-vector").await;
    assert_eq!(
        v.text_content().unwrap(),
        spacetime_app::inspector::format_vector(&vector)
    );
    element(&root, "event-causal").await;
}

#[wasm_bindgen_test]
async fn the_help_overlay_opens_and_closes() {
    let (root, store) = mount("gossip-one-rumour");
    assert!(find(&root, "help-overlay").is_none());
    store.help_open.set(true);
    element(&root, "help-overlay").await;
    assert!(find(&root, "shortcut-space").is_some());
    element(&root, "help-close").await.click();
    until("the overlay closes", || {
        find(&root, "help-overlay").is_none()
    })
    .await;
    assert!(!store.help_open.get_untracked());
}

/// Selects an option of a `<select>` and tells the app, as a learner's choice would.
fn choose(select: &web_sys::HtmlElement, value: &str) {
    let select: &web_sys::HtmlSelectElement = select.unchecked_ref();
    select.set_value(value);
    select.dispatch_event(&bubbling("change")).unwrap();
}

#[wasm_bindgen_test]
async fn the_timing_picker_switches_models_and_a_round_must_hold_the_bound() {
    use spacetime_core::Timing;
    let (root, store) = mount("gossip-one-rumour");
    let picker = element(&root, "net-timing").await;
    choose(&picker, "synchronous");
    until("the run is synchronous", || {
        store
            .scenario
            .with_untracked(|s| s.network.timing.round().is_some())
    })
    .await;
    let bound = store.scenario.with_untracked(|s| s.network.latency.max);
    commit(
        &element(&root, "net-timing-number").await,
        &(bound - 1).to_string(),
    );
    let error = element(&root, "net-timing-error").await;
    assert!(error.text_content().unwrap().contains("at least the bound"));
    commit(
        &element(&root, "net-timing-number").await,
        &(bound * 2).to_string(),
    );
    until("the round applies", || {
        store.scenario.with_untracked(|s| s.network.timing)
            == Timing::Synchronous { round: bound * 2 }
    })
    .await;
    choose(&picker, "partial");
    until("a GST", || {
        store
            .scenario
            .with_untracked(|s| s.network.timing.gst().is_some())
    })
    .await;
    let hint = element(&root, "net-timing-hint").await;
    until("the hint says what a GST does", || {
        hint.text_content().unwrap().contains("until tick")
    })
    .await;
    choose(&picker, "plain");
    until("no model", || {
        store
            .scenario
            .with_untracked(|s| s.network.timing.is_plain())
    })
    .await;
    until("no number field", || {
        find(&root, "net-timing-number").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_badges_kind_opens_its_definition() {
    let (root, store) = mount("gossip-one-rumour");
    store.seek(store.step_count());
    let reports = untrack(|| store.reports());
    let first = &reports[0];
    let slug = spacetime_app::inspector::testid_slug(&first.name);
    let kind = element(&root, &format!("badge-kind-{slug}")).await;
    click(&kind);
    let definition = element(&root, "badge-definition").await;
    let text = definition.text_content().unwrap();
    assert!(text.contains("counterexample"), "{text}");
    assert!(text.contains(&first.name), "{text}");
    click(&kind);
    until("it closes again", || {
        find(&root, "badge-definition").is_none()
    })
    .await;
}
