//! The arrows in flight. Their heads move every frame while a run plays: drawn as markup with the
//! others (see [`super::MarkupCache`]), each frame would write their groups again and the browser
//! would parse, style and lay out all their text anew. Here each is a lasting element whose
//! coordinates change in place; once it lands it joins the markup. The elements are slots
//! ([`crate::pool`]): a jump of the cursor that replaces every arrow in the air rewrites a few
//! attributes of each slot, and makes no element.
//!
//! What is written is what [`super::arrows_markup`] writes for an arrow in flight: the same
//! elements, classes, test ids and label, so that clicks, hover and the tests find no difference.

use leptos::prelude::*;
use spacetime_core::layout::ArrowEnd;
use web_sys::Element;

use super::{arrow_group_class, label_spot, unpx, ArrowShape, LabelSpot};
use crate::pool::{self, svg_element, Pool, Written};

/// What of an arrow in flight stays put while it flies; when any of it changes, it is written
/// again.
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
/// labels are written follows their number as in the markup), drawn in lasting slots
/// ([`crate::pool`]).
#[component]
pub fn FlightLayer(
    /// The arrows in flight, sorted by id.
    flying: Memo<Vec<ArrowShape>>,
    /// Whether arrows are labelled (few enough on screen).
    labelled: Memo<bool>,
) -> impl IntoView {
    let layer = NodeRef::<leptos::svg::G>::new();
    let pool = StoredValue::new_local(Pool::<Still, Slot>::default());
    Effect::new(move |_| {
        let Some(layer) = layer.get() else { return };
        flying.track();
        let labelled = labelled.get();
        flying.with(|arrows| {
            let stills: Vec<Still> = arrows.iter().map(|a| still(a, labelled)).collect();
            pool.update_value(|p| {
                p.draw(&layer, &stills, |slot, i, new| {
                    if new {
                        slot.show_still(&stills[i]);
                    }
                    slot.show_moving(&moving(&arrows[i]));
                })
            });
        });
    });
    view! { <g class="arrows flying" data-slots="" node_ref=layer></g> }
}

/// The elements of one slot: the arrow's group, its wide line to click, its line, its label.
struct Slot {
    g: (Element, Written),
    hit: (Element, Written),
    line: (Element, Written),
    text: (Element, Written),
}

impl pool::Slot for Slot {
    fn new(parent: &Element) -> Option<Slot> {
        let g = svg_element("g", &[])?;
        let hit = svg_element("line", &[("class", "arrow-hit")])?;
        let line = svg_element("line", &[("class", "arrow-line")])?;
        let text = svg_element("text", &[("text-anchor", "middle")])?;
        for child in [&hit, &line, &text] {
            g.append_child(child).ok()?;
        }
        parent.append_child(&g).ok()?;
        let w = Written::default;
        Some(Slot {
            g: (g, w()),
            hit: (hit, w()),
            line: (line, w()),
            text: (text, w()),
        })
    }

    fn hide(&mut self) {
        let (g, w) = &mut self.g;
        w.hide(g);
        w.set(g, "data-fate", None);
    }
}

impl Slot {
    fn show_still(&mut self, s: &Still) {
        let (g, w) = &mut self.g;
        w.set(g, "display", None);
        w.set(g, "class", Some(&s.class));
        w.set(g, "data-testid", Some(&format!("msg-{}", s.id)));
        w.set(g, "data-fate", Some("InFlight"));
        let (hit, w) = &mut self.hit;
        w.set(hit, "display", (!s.hit).then_some("none"));
        let (text, w) = &mut self.text;
        w.set(text, "display", s.label.is_none().then_some("none"));
        w.text(text, s.label.as_deref().unwrap_or(""));
    }

    fn show_moving(&mut self, m: &Moving) {
        let ends = [
            ("x1", unpx(m.x1)),
            ("y1", unpx(m.y1)),
            ("x2", unpx(m.x2)),
            ("y2", unpx(m.y2)),
        ];
        for (el, w) in [&mut self.hit, &mut self.line] {
            for (name, v) in &ends {
                w.set(el, name, Some(v));
            }
        }
        let (text, w) = &mut self.text;
        w.set(text, "class", Some(m.label.class()));
        w.set(text, "x", Some(&unpx(m.label.x)));
        w.set(text, "y", Some(&unpx(m.label.baseline)));
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
            label_drop: 40,
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
