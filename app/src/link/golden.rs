//! Golden links: links in the format as it stands (written by the code before the link module
//! was split), with what they say and what they open. A change that breaks one breaks links
//! people have already shared.

use spacetime_core::{Action, Intervention, ProcessRef};

use super::*;
use crate::store::{ClockMode, Selection};

/// Parse and resolve a link that must read without a problem.
fn open(query: &str) -> (Link, View) {
    let (link, mut problems) = parse(query);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    let view = resolve(&link, &mut problems);
    assert!(problems.is_empty(), "{query}: {problems:?}");
    (link, view)
}

/// The link a link's parse writes back.
fn again(query: &str) -> String {
    encode(&parse(query).0)
}

#[test]
fn a_named_scenario_with_seed_interventions_step_labels_and_selection() {
    let q = "s=paxos-calm&seed=2&iv=1:drop:0,5:crash:A2&step=8&labels=names&sel=m3";
    let (link, view) = open(q);
    assert_eq!(
        link,
        Link {
            scenario: Some(LinkScenario::Named("paxos-calm".into())),
            seed: Some(2),
            interventions: Some(vec![
                Intervention {
                    step: 1,
                    action: Action::Drop { message: 0 }
                },
                Intervention {
                    step: 5,
                    action: Action::Crash {
                        process: ProcessRef::Name("A2".into())
                    }
                },
            ]),
            step: Some(8),
            clocks: Some(ClockMode::Names),
            selection: Some(Selection::Message(3)),
            ..Link::default()
        }
    );
    assert_eq!(view.scenario.name, "paxos-calm");
    assert_eq!(view.scenario.seed, 2);
    assert_eq!(
        view.scenario.interventions,
        vec![
            Intervention {
                step: 1,
                action: Action::Drop { message: 0 }
            },
            Intervention {
                step: 5,
                action: Action::Crash {
                    process: ProcessRef::Index(2)
                }
            },
        ]
    );
    assert_eq!(
        (view.cursor, view.clocks, view.selection),
        (8, ClockMode::Names, Selection::Message(3))
    );
    assert_eq!(again(q), q);
}

#[test]
fn a_lesson_opens_its_first_scenario() {
    let q = "lesson=broadcast";
    let (link, view) = open(q);
    assert_eq!(
        link,
        Link {
            lesson: Some("broadcast".into()),
            ..Link::default()
        }
    );
    assert_eq!(view.scenario.name, "broadcast-best-effort-sender-crash");
    assert_eq!(
        (view.cursor, view.clocks, view.selection),
        (0, ClockMode::Lamport, Selection::Nothing)
    );
    assert_eq!(again(q), q);
}

#[test]
fn a_scenario_of_ones_own_travels_in_the_link() {
    let q = "sc=eyJuYW1lIjoibXktdHdvLWxhbmVzIiwidGl0bGUiOiJUaHJlZSBldmVudHMiLCJkZXNjcmlwdGlvbiI6IkJ1aWx0IGJ5IGhhbmQiLCJwcm90b2NvbCI6InNjcmlwdGVkIiwicGFyYW1zIjp7InNjcmlwdCI6W3siYXQiOjEwLCJsb2NhbCI6ImEiLCJwcm9jZXNzIjoiUDEifSx7ImFycml2ZSI6NDAsImF0IjoyMCwicHJvY2VzcyI6IlAxIiwic2VuZCI6Im0xIiwidG8iOiJQMiJ9LHsiYXQiOjMwLCJsb2NhbCI6ImMiLCJwcm9jZXNzIjoiUDIifV19LCJwcm9jZXNzZXMiOlsiUDEiLCJQMiJdLCJuZXR3b3JrIjp7ImxhdGVuY3kiOnsibWluIjoxMCwibWF4IjoxMH0sImxvc3MiOjAuMCwiZHVwbGljYXRlIjowLjAsImZpZm8iOmZhbHNlfSwic2VlZCI6MCwibGltaXRzIjp7Im1heF9zdGVwcyI6MjAwMH19&step=2";
    let (link, view) = open(q);
    let Some(LinkScenario::Custom(s)) = &link.scenario else {
        panic!("a custom scenario: {link:?}");
    };
    assert_eq!(s.name, "my-two-lanes");
    assert_eq!(s.description, "Built by hand");
    assert_eq!(s.protocol, "scripted");
    assert_eq!(s.processes, ["P1", "P2"]);
    assert_eq!(link.step, Some(2));
    assert_eq!(view.scenario, **s);
    assert_eq!(view.cursor, 2);
    assert_eq!(again(q), q);
}

#[test]
fn a_network_patch_changes_only_the_network() {
    let q = "s=udp-lossy-network&net=lat:5-50,loss:0.1,dup:0.05,fifo:1&step=4";
    let (link, view) = open(q);
    assert_eq!(
        link.network,
        Some(NetworkPatch {
            latency: Some((5, 50)),
            loss: Some(0.1),
            duplicate: Some(0.05),
            fifo: Some(true),
            timing: None,
        })
    );
    let n = &view.scenario.network;
    assert_eq!((n.latency.min, n.latency.max), (5, 50));
    assert_eq!((n.loss, n.duplicate, n.fifo), (0.1, 0.05, true));
    assert_eq!(view.scenario.seed, 1);
    assert_eq!(view.cursor, 4);
    assert_eq!(again(q), q);
}

#[test]
fn no_interventions_and_a_link_selected() {
    // `iv=` takes back the example's own intervention.
    let q = "s=tcp-lost-segment&iv=&step=3&sel=l0-1";
    let (link, view) = open(q);
    assert_eq!(link.interventions, Some(vec![]));
    assert!(view.scenario.interventions.is_empty());
    assert_eq!(view.selection, Selection::Link(0, 1));
    assert_eq!(again(q), q);
}

#[test]
fn a_tour_link_names_the_tour_and_presentation_mode() {
    let q = "tour=paxos&present";
    let (link, _) = open(q);
    assert_eq!(
        link,
        Link {
            tour: Some("paxos".into()),
            present: true,
            ..Link::default()
        }
    );
    assert_eq!(again(q), q);
    let (link, _) = open("tour=tours/my%20tour.json");
    assert_eq!(link.tour.as_deref(), Some("tours/my tour.json"));
}

#[test]
fn an_embed_link_is_the_compact_view() {
    let q = "s=generals-one-messenger&step=2&sel=e1&embed";
    let (link, view) = open(q);
    assert!(link.embed && !link.present);
    assert_eq!(view.scenario.name, "generals-one-messenger");
    assert_eq!((view.cursor, view.selection), (2, Selection::Event(1)));
    assert_eq!(again(q), q);
}

#[test]
fn hand_written_forms_open_the_same_view_and_are_written_the_short_way() {
    // Processes by number and `labels=off` read; the link written back names them.
    let q = "s=clocks-crossing-messages&step=3&labels=off&sel=p1&iv=1:cut:0-1";
    let (link, view) = open(q);
    assert_eq!(link.clocks, Some(ClockMode::Off));
    assert_eq!(
        view.scenario.interventions,
        vec![Intervention {
            step: 1,
            action: Action::Cut {
                between: [ProcessRef::Index(0), ProcessRef::Index(1)]
            }
        }]
    );
    assert_eq!((view.cursor, view.selection), (3, Selection::Process(1)));
    assert_eq!(
        again(q),
        "s=clocks-crossing-messages&iv=1:cut:P1-P2&step=3&labels=none&sel=p1"
    );
}
