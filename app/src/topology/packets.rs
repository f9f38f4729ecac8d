//! The envelopes on the ring, one a message in the air. While a run plays every envelope moves
//! every frame: each is a lasting element whose `transform` changes in place, its contents
//! written once as markup when it takes off. (Written all as one piece of markup, every frame
//! parsed, styled and laid out all of them and their labels again.)

use std::sync::Arc;

use leptos::prelude::*;
use spacetime_core::layout::{process_colour, Point};
use spacetime_core::{MessageId, Trace};

use super::{flight_fraction, fmt, packet_point};
use crate::plots::escape;
use crate::store::Store;

/// What an envelope shows that stays put while it flies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub class: &'static str,
    /// What it says to a screen reader and in its tooltip: the message, from, to.
    pub label: String,
    pub colour: &'static str,
    /// Its contents as SVG markup: the tooltip, the envelope, and its name where shown.
    pub inner: String,
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
    let mut inner = format!(
        "<title>{}</title>\
         <circle class=\"topo-packet-hit\" r=\"11\"></circle>\
         <rect class=\"topo-packet-body\" x=\"-7\" y=\"-5\" width=\"14\" height=\"10\" \
         rx=\"1.5\"></rect>\
         <polyline class=\"topo-packet-flap\" points=\"-7,-5 0,1 7,-5\"></polyline>",
        escape(&label)
    );
    if selected || labels {
        inner.push_str(&format!(
            "<text class=\"topo-packet-label\" y=\"-9\" text-anchor=\"middle\">{}</text>",
            escape(&msg.label)
        ));
    }
    Packet {
        class: if selected {
            "topo-packet selected"
        } else {
            "topo-packet"
        },
        label,
        colour: process_colour(msg.from),
        inner,
    }
}

/// Where the envelope of message `m` is at virtual time `now`, between the nodes at `points`
/// (of radius `radius`), as its `transform`; `None` if run `t` has no message `m` (an envelope of
/// the run before, about to go, may be asked once more).
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

/// The envelopes of the messages `drawn`, in that order; `selected` is the selected message and
/// `labels` whether every envelope is named.
#[component]
pub fn Packets(
    drawn: Memo<Vec<MessageId>>,
    selected: Memo<Option<MessageId>>,
    labels: Memo<bool>,
    points: Memo<Vec<Point>>,
    radius: Memo<f64>,
) -> impl IntoView {
    let store = Store::get();
    // A new run may give an id another message: its envelopes are made afresh.
    let run = Memo::new(move |_| store.trace.with(|t| Arc::as_ptr(t) as usize));
    view! {
        <For
            each=move || {
                // `drawn` is read first: `labels` is worked out from it, and read first it would
                // bring `drawn` up to date itself, which then told this list that nothing changed
                // (seen: the envelopes stopped following the cursor).
                let drawn = drawn.get();
                let (run, selected, labels) = (run.get(), selected.get(), labels.get());
                drawn
                    .into_iter()
                    .map(|m| (run, m, selected == Some(m), labels))
                    .collect::<Vec<_>>()
            }
            key=|k| *k
            children=move |(_, m, selected, labels)| {
                let Packet { class, label, colour, inner } =
                    store.trace.with_untracked(|t| packet(t, m, selected, labels));
                let transform = move || {
                    let now = store.view_time();
                    let r = radius.get();
                    points.with(|p| store.trace.with(|t| packet_transform(t, m, p, r, now)))
                };
                view! {
                    <g class=class data-testid=format!("topo-packet-{m}") role="button"
                        tabindex="0" aria-label=label style=format!("--c: {colour}")
                        transform=transform inner_html=inner></g>
                }
            }
        />
    }
}

#[cfg(test)]
mod tests {
    use super::super::{node_positions, node_radius};
    use super::*;

    /// An envelope per message, its text escaped; the label only where asked for or selected;
    /// placed along its way.
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
        assert!(!plain.inner.contains("topo-packet-label"));
        assert!(
            plain.label.contains("<a & \"b\">"),
            "an attribute, set as it is"
        );
        assert!(
            !plain.inner.contains("<a &") && plain.inner.contains("&lt;a &amp; &quot;b&quot;&gt;")
        );
        let selected = packet(&t, 2, true, false);
        assert_eq!(selected.class, "topo-packet selected");
        assert_eq!(selected.inner.matches("topo-packet-label").count(), 1);
        assert_eq!(
            packet(&t, 3, false, true)
                .inner
                .matches("topo-packet-label")
                .count(),
            1
        );
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
