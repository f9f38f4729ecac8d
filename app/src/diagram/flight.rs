//! The arrows in flight. Their heads move every frame while a run plays: drawn as markup with the
//! others (see [`super::MarkupCache`]), each frame would write their groups again and the browser
//! would parse, style and lay out all their text anew. Here each is a lasting element whose
//! coordinates change in place; once it lands it joins the markup.
//!
//! What is written is what [`super::arrows_markup`] writes for an arrow in flight: the same
//! elements, classes, test ids and label, so that clicks, hover and the tests find no difference.

use leptos::prelude::*;
use spacetime_core::layout::ArrowEnd;

use super::{arrow_group_class, label_spot, unpx, ArrowShape, LabelSpot};

/// What of an arrow in flight stays put while it flies; when any of it changes, the arrow's
/// elements are made afresh.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Still {
    pub id: usize,
    pub class: String,
    /// The wide transparent line that makes it easy to click (see `arrows_markup`).
    pub hit: bool,
    /// Its label, when written.
    pub label: Option<String>,
}

/// What moves: the ends, and the label's spot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moving {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
    pub label: LabelSpot,
}

/// Whether an arrow is drawn here rather than as markup.
pub fn flies(a: &ArrowShape) -> bool {
    a.end == ArrowEnd::InFlight
}

/// The still part of arrow `a` drawn with labels or not (`labelled`, as `arrows_markup` takes it).
pub fn still(a: &ArrowShape, labelled: bool) -> Still {
    Still {
        id: a.id,
        class: arrow_group_class(a),
        hit: labelled,
        label: (labelled || a.selected).then(|| a.label.clone()),
    }
}

/// The moving part of arrow `a`.
pub fn moving(a: &ArrowShape) -> Moving {
    Moving {
        x1: a.x1,
        y1: a.y1,
        x2: a.x2,
        y2: a.y2,
        label: label_spot(a),
    }
}

/// The arrows in flight among `arrows` (sorted by id; all of them are given, so that whether
/// labels are written follows their number as in the markup).
#[component]
pub fn FlightLayer(
    /// The arrows in flight, sorted by id.
    flying: Memo<Vec<ArrowShape>>,
    /// Whether arrows are labelled (few enough on screen).
    labelled: Memo<bool>,
) -> impl IntoView {
    view! {
        <g class="arrows flying">
            <For
                each=move || {
                    // The arrows first (see `topology::packets`: a memo read after another
                    // that brought it up to date would say it had not changed).
                    flying.track();
                    let labelled = labelled.get();
                    flying.with(|a| a.iter().map(|s| still(s, labelled)).collect::<Vec<_>>())
                }
                key=|s| s.clone()
                children=move |s| view! { <FlyingArrow still=s flying=flying/> }
            />
        </g>
    }
}

/// One arrow in flight: its elements are made once, then only their coordinates change.
#[component]
fn FlyingArrow(still: Still, flying: Memo<Vec<ArrowShape>>) -> impl IntoView {
    let id = still.id;
    // Kept as it was for the moment between the arrow landing and its elements going.
    let at = Memo::new(move |before: Option<&Moving>| {
        flying
            .with(|a| {
                a.binary_search_by_key(&id, |s| s.id)
                    .ok()
                    .map(|i| moving(&a[i]))
            })
            .or(before.copied())
            .unwrap_or_default()
    });
    let x1 = move || unpx(at.get().x1);
    let y1 = move || unpx(at.get().y1);
    let x2 = move || unpx(at.get().x2);
    let y2 = move || unpx(at.get().y2);
    view! {
        <g class=still.class data-testid=format!("msg-{id}") data-fate="InFlight">
            {still.hit.then(|| view! {
                <line class="arrow-hit" x1=x1 y1=y1 x2=x2 y2=y2></line>
            })}
            <line class="arrow-line" x1=x1 y1=y1 x2=x2 y2=y2></line>
            {still.label.map(|text| view! {
                <text class=move || at.get().label.class()
                    x=move || unpx(at.get().label.x) y=move || unpx(at.get().label.baseline)
                    text-anchor="middle">{text}</text>
            })}
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrow(end: ArrowEnd) -> ArrowShape {
        ArrowShape {
            id: 7,
            x1: 1000,
            y1: 1000,
            x2: 1500,
            y2: 2000,
            end,
            label: "ping".into(),
            selected: false,
            again: false,
            label_at: Some((1200, 1400)),
        }
    }

    #[test]
    fn only_arrows_in_flight_fly() {
        assert!(flies(&arrow(ArrowEnd::InFlight)));
        assert!(!flies(&arrow(ArrowEnd::Received)));
        assert!(!flies(&arrow(ArrowEnd::Died)));
    }

    #[test]
    fn a_moving_head_changes_only_the_moving_part() {
        let a = arrow(ArrowEnd::InFlight);
        let mut b = a.clone();
        b.x2 += 30;
        b.y2 += 60;
        b.label_at = None;
        assert_eq!(still(&a, true), still(&b, true));
        assert_ne!(moving(&a), moving(&b));
        assert!(moving(&b).label.crowded);
        // The label is written only where the markup would write it.
        assert_eq!(still(&a, false).label, None);
        let mut selected = a.clone();
        selected.selected = true;
        assert_eq!(still(&selected, false).label.as_deref(), Some("ping"));
        assert_eq!(still(&selected, false).class, "arrow in-flight selected");
    }
}
