//! The envelopes on the ring, one a message in the air. While a run plays every envelope moves
//! every frame, and a scrub replaces most of them at once: each is a lasting slot
//! ([`crate::pool`]) whose `transform` changes in place, and whose title, name and colour are
//! written again only when another message takes it. (Written all as one piece of markup, every
//! frame parsed, styled and laid out all of them and their labels again; made as a view per
//! message, a scrub built and tore down dozens of elements and their reactive updates.)

use leptos::prelude::*;
use spacetime_core::layout::{process_colour, Point};
use spacetime_core::{MessageId, Trace};
use web_sys::Element;

use super::{flight_fraction, fmt, packet_point};
use crate::pool::{self, svg_element, Pool, Written};
use crate::store::Store;

/// What an envelope shows that stays put while it flies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub class: &'static str,
    /// What it says to a screen reader and in its tooltip: the message, from, to.
    pub label: String,
    pub colour: &'static str,
    /// The message's name written beside it, where shown.
    pub name: Option<String>,
}

/// The envelope of message `m`, ringed if `selected`, named beside it if selected or `labels`.
pub fn packet(t: &Trace, m: MessageId, selected: bool, labels: bool) -> Packet {
    let msg = &t.messages[m];
    let name = |p: usize| t.processes.get(p).map_or("", String::as_str);
    let label = format!(
        "message #{} {}: {} → {}",
        msg.id,
        msg.label,
        name(msg.from),
        name(msg.to)
    );
    Packet {
        class: if selected {
            "topo-packet selected"
        } else {
            "topo-packet"
        },
        label,
        colour: process_colour(msg.from),
        name: (selected || labels).then(|| msg.label.clone()),
    }
}

/// Where the envelope of message `m` is at virtual time `now`, between the nodes at `points`
/// (of radius `radius`), as its `transform`; `None` if run `t` has no message `m`.
pub fn packet_transform(
    t: &Trace,
    m: MessageId,
    points: &[Point],
    radius: f64,
    now: f64,
) -> Option<String> {
    let msg = t.messages.get(m)?;
    let point = |p: usize| points.get(p).copied().unwrap_or_default();
    let at = packet_point(
        point(msg.from),
        point(msg.to),
        radius,
        flight_fraction(msg, now),
    );
    Some(format!("translate({} {})", fmt(at.x), fmt(at.y)))
}

/// The envelopes of the messages `drawn`; `selected` is the selected message and `labels`
/// whether every envelope is named. Clicks and keys reach them through their layer.
#[component]
pub fn Packets(
    drawn: Memo<Vec<MessageId>>,
    selected: Memo<Option<MessageId>>,
    labels: Memo<bool>,
    points: Memo<Vec<Point>>,
    radius: Memo<f64>,
) -> impl IntoView {
    let store = Store::get();
    let layer = NodeRef::<leptos::svg::G>::new();
    let pool = StoredValue::new_local(Pool::<Key, Slot>::default());
    Effect::new(move |_| {
        let Some(layer) = layer.get() else { return };
        drawn.track();
        let (selected, labels, r) = (selected.get(), labels.get(), radius.get());
        let now = store.view_time();
        store.trace.with(|t| {
            // A new run may give an id another message: every slot is written afresh.
            let run = std::sync::Arc::as_ptr(t) as usize;
            let keys: Vec<Key> = drawn.with(|d| {
                d.iter()
                    .map(|&m| (run, m, selected == Some(m), labels))
                    .collect()
            });
            points.with(|points| {
                pool.update_value(|pool| {
                    pool.draw(&layer, &keys, |slot, i, new| {
                        let (_, m, selected, labels) = keys[i];
                        match packet_transform(t, m, points, r, now) {
                            Some(at) => {
                                if new || slot.hidden {
                                    slot.show(m, &packet(t, m, selected, labels));
                                }
                                let (g, w) = &mut slot.g;
                                w.set(g, "transform", Some(&at));
                            }
                            // A message of the run before, asked once more as the run changes.
                            None => pool::Slot::hide(slot),
                        }
                    })
                })
            });
        });
    });
    view! { <g class="topo-packet-slots" data-slots="" node_ref=layer></g> }
}

/// Who an envelope is: the run, the message, whether it is selected, whether it is named.
type Key = (usize, MessageId, bool, bool);

/// The elements of one envelope: its group, its tooltip, its name.
struct Slot {
    g: (Element, Written),
    title: (Element, Written),
    name: (Element, Written),
    /// Hidden: its message is written again when next shown, even if it kept its seat.
    hidden: bool,
}

impl pool::Slot for Slot {
    fn new(parent: &Element) -> Option<Slot> {
        let g = svg_element("g", &[("role", "button"), ("tabindex", "0")])?;
        let title = svg_element("title", &[])?;
        let name = svg_element(
            "text",
            &[
                ("class", "topo-packet-label"),
                ("y", "-9"),
                ("text-anchor", "middle"),
            ],
        )?;
        g.append_child(&title).ok()?;
        let hit = svg_element("circle", &[("class", "topo-packet-hit"), ("r", "11")])?;
        let body = svg_element(
            "rect",
            &[
                ("class", "topo-packet-body"),
                ("x", "-7"),
                ("y", "-5"),
                ("width", "14"),
                ("height", "10"),
                ("rx", "1.5"),
            ],
        )?;
        let flap = svg_element(
            "polyline",
            &[("class", "topo-packet-flap"), ("points", "-7,-5 0,1 7,-5")],
        )?;
        for child in [&hit, &body, &flap, &name] {
            g.append_child(child).ok()?;
        }
        parent.append_child(&g).ok()?;
        let w = Written::default;
        Some(Slot {
            g: (g, w()),
            title: (title, w()),
            name: (name, w()),
            hidden: true,
        })
    }

    fn hide(&mut self) {
        self.hidden = true;
        let (g, w) = &mut self.g;
        w.hide(g);
    }
}

impl Slot {
    fn show(&mut self, m: MessageId, p: &Packet) {
        self.hidden = false;
        let (g, w) = &mut self.g;
        w.set(g, "display", None);
        w.set(g, "class", Some(p.class));
        w.set(g, "data-testid", Some(&format!("topo-packet-{m}")));
        w.set(g, "aria-label", Some(&p.label));
        w.set(g, "style", Some(&format!("--c: {}", p.colour)));
        let (title, w) = &mut self.title;
        w.text(title, &p.label);
        let (name, w) = &mut self.name;
        w.set(name, "display", p.name.is_none().then_some("none"));
        w.text(name, p.name.as_deref().unwrap_or(""));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{node_positions, node_radius};
    use super::*;

    /// An envelope per message, its text as it is (written as text and attributes, never as
    /// markup); its name only where asked for or selected; placed along its way.
    #[test]
    fn envelopes_say_what_they_carry_and_sit_on_their_way() {
        let run = spacetime_core::Run::complete(
            &spacetime_core::protocols::example("gossip-busy-sixteen").unwrap(),
        )
        .unwrap();
        let mut t = run.trace().clone();
        t.messages[1].label = "<a & \"b\">".into();
        let plain = packet(&t, 1, false, false);
        assert_eq!(plain.class, "topo-packet");
        assert_eq!(plain.name, None);
        assert!(plain.label.contains("<a & \"b\">"));
        let selected = packet(&t, 2, true, false);
        assert_eq!(selected.class, "topo-packet selected");
        assert_eq!(selected.name.as_deref(), Some(&*t.messages[2].label));
        assert!(packet(&t, 3, false, true).name.is_some());
        let points = node_positions(t.processes.len());
        let r = node_radius(t.processes.len());
        let m = &t.messages[2];
        let at = packet_point(points[m.from], points[m.to], r, 0.0);
        assert_eq!(
            packet_transform(&t, 2, &points, r, m.sent_at as f64),
            Some(format!("translate({} {})", fmt(at.x), fmt(at.y)))
        );
        let later = packet_transform(&t, 2, &points, r, m.arrives_at as f64);
        assert_ne!(later, packet_transform(&t, 2, &points, r, m.sent_at as f64));
        // An envelope of the run before, asked once more as the run changes, does not fail.
        assert_eq!(
            packet_transform(&t, t.messages.len(), &points, r, 0.0),
            None
        );
    }
}
