//! The topology view: the processes on a ring, a link between every pair, and the messages in
//! flight moving along the links. It shows the same run at the same step as the diagram.
//!
//! Clicking a node selects the process, a link selects the link, a packet selects the message;
//! the inspector then offers the faults that apply. The geometry is plain Rust below, tested
//! natively; the component only binds it to the store's signals.

use leptos::prelude::*;
use spacetime_core::layout::{process_colour, ring, Point};
use spacetime_core::{Message, MessageId, ProcessId};

use crate::playback::settled;
use crate::store::{Selection, Store};

mod packets;

/// The side of the square the view draws in (SVG user units; the SVG scales to its container).
pub const TOPO_SIZE: f64 = 300.0;

/// Whether message `m` is travelling after the first `cursor` steps: it was made before the
/// cursor and its fate was not settled before it.
pub fn in_flight_at(m: &Message, cursor: u64) -> bool {
    m.created_step < cursor && m.settled_step.is_none_or(|s| s >= cursor)
}

/// How far along its way from sender to receiver message `m` is at virtual time `now`, from 0 to 1.
pub fn flight_fraction(m: &Message, now: f64) -> f64 {
    let span = (m.arrives_at as f64 - m.sent_at as f64).max(1.0);
    ((now - m.sent_at as f64) / span).clamp(0.0, 1.0)
}

/// The radius of the ring the nodes sit on, leaving room for the nodes and their halos.
pub fn ring_radius(n: usize) -> f64 {
    let node = node_radius(n);
    TOPO_SIZE / 2.0 - node - 14.0
}

/// A node's radius: large for a few processes, smaller as the ring fills up so nodes never overlap.
pub fn node_radius(n: usize) -> f64 {
    if n <= 1 {
        return 22.0;
    }
    // Neighbours on a ring of radius R are 2 R sin(pi / n) apart; keep a gap between them.
    let r = TOPO_SIZE / 2.0 - 36.0;
    let gap = 2.0 * r * (std::f64::consts::PI / n as f64).sin();
    (gap * 0.38).clamp(4.0, 22.0)
}

/// Where each process sits.
pub fn node_positions(n: usize) -> Vec<Point> {
    let c = TOPO_SIZE / 2.0;
    ring(n, Point { x: c, y: c }, ring_radius(n))
}

/// The point a fraction `t` along the straight way from node `a` to node `b`, the way starting
/// and ending at the rims of the two circles (radius `r`) rather than at their centres.
pub fn packet_point(a: Point, b: Point, r: f64, t: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len <= 2.0 * r {
        // A message to itself (or nodes on top of each other): sit just above the node.
        return Point {
            x: a.x,
            y: a.y - r - 6.0,
        };
    }
    let (ux, uy) = (dx / len, dy / len);
    let start = Point {
        x: a.x + ux * r,
        y: a.y + uy * r,
    };
    let end = Point {
        x: b.x - ux * r,
        y: b.y - uy * r,
    };
    start.lerp(end, t.clamp(0.0, 1.0))
}

/// Black or white, whichever reads better on a fill of colour `hex` (`#rrggbb`).
pub fn text_colour_on(hex: &str) -> &'static str {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .map_or(0.0, |v| v as f64 / 255.0)
    };
    if hex.len() != 7 || !hex.starts_with('#') {
        return "#fff";
    }
    // Relative luminance (sRGB, roughly linearised).
    let lin = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(channel(1)) + 0.7152 * lin(channel(3)) + 0.0722 * lin(channel(5));
    // Contrast with black is (l + 0.05) / 0.05, with white 1.05 / (l + 0.05): pick the larger.
    if (l + 0.05) / 0.05 > 1.05 / (l + 0.05) {
        "#000"
    } else {
        "#fff"
    }
}

/// The most envelopes the ring draws at once. A busy run has hundreds in the air; drawn all,
/// they cover the ring, and each scrub of a big run would rebuild them all.
pub const MAX_PACKETS: usize = 48;

/// The envelopes to draw of the messages `in_air` (in id order, so in the order sent): the
/// latest [`MAX_PACKETS`], and the `selected` message whatever its age.
pub fn packets_drawn(in_air: &[MessageId], selected: Option<MessageId>) -> Vec<MessageId> {
    let mut drawn = in_air[in_air.len().saturating_sub(MAX_PACKETS)..].to_vec();
    if let Some(m) = selected {
        if !drawn.contains(&m) && in_air.contains(&m) {
            drawn.insert(0, m);
        }
    }
    drawn
}

/// Up to this many processes every link is a line of its own, to click (and cut). Past it a ring
/// has too many to pick one out (2,016 for 64 processes) and building them all would hold up the
/// page: the links are one drawing, and only those cut, selected or of the selected process are
/// drawn apart.
pub const MAX_PROCESSES_LINKED_APART: usize = 16;

/// The links drawn apart on a ring of `n` processes: all of them on a small ring; on a big one,
/// those `cut`, and those of the `selected` link or process (a click on a node makes its links
/// clickable, to cut one), lower index first.
pub fn links_apart(
    n: usize,
    cut: &[[ProcessId; 2]],
    selected: Selection,
) -> Vec<(ProcessId, ProcessId)> {
    if n <= MAX_PROCESSES_LINKED_APART {
        return all_links(n);
    }
    let mut links: Vec<(ProcessId, ProcessId)> = cut.iter().map(|&[a, b]| (a, b)).collect();
    match selected {
        Selection::Link(a, b) => links.push((a, b)),
        Selection::Process(p) if p < n => {
            links.extend((0..n).filter(|&q| q != p).map(|q| (p.min(q), p.max(q))));
        }
        _ => {}
    }
    links.sort_unstable();
    links.dedup();
    links
}

/// The run's crashes and recoveries in the order they happen: the step, the process, and
/// whether it is up after it. Found once per run, so that who is up at the cursor does not
/// walk every event before it.
pub fn crash_log(t: &spacetime_core::Trace) -> Vec<(u64, ProcessId, bool)> {
    t.events
        .iter()
        .filter_map(|e| match e.kind {
            spacetime_core::EventKind::Crash => Some((e.step, e.process, false)),
            spacetime_core::EventKind::Recover => Some((e.step, e.process, true)),
            _ => None,
        })
        .collect()
}

/// Whether each of `n` processes is up after the first `cursor` steps, from [`crash_log`].
pub fn up_at(n: usize, log: &[(u64, ProcessId, bool)], cursor: u64) -> Vec<bool> {
    let mut up = vec![true; n];
    for &(_, p, is_up) in log.iter().take_while(|(step, ..)| *step < cursor) {
        if let Some(u) = up.get_mut(p) {
            *u = is_up;
        }
    }
    up
}

/// The steps at which a run's messages are made (in increasing order), and how many settle
/// before each step: the number in the air after `cursor` steps is the number made before it
/// less the number settled before it (a message settles no earlier than it is made).
#[derive(Clone, Debug, PartialEq)]
pub struct AirIndex {
    created: Vec<u64>,
    /// `settled_before[s]`: the messages settled in the first `s` steps. Counted per step, not
    /// sorted: 60,000 settle steps sorted cost a frame's worth of the page's first draw.
    settled_before: Vec<u32>,
}

impl AirIndex {
    /// The index of `t`'s messages. The engine numbers messages in the order they are made
    /// (every trace shown comes from it), which the binary search relies on.
    pub fn new(t: &spacetime_core::Trace) -> AirIndex {
        let created: Vec<u64> = t.messages.iter().map(|m| m.created_step).collect();
        debug_assert!(
            created.is_sorted(),
            "messages out of the order they were made"
        );
        let last = t.messages.iter().filter_map(|m| m.settled_step).max();
        let mut settled_before = vec![0u32; last.map_or(1, |s| s as usize + 2)];
        for s in t.messages.iter().filter_map(|m| m.settled_step) {
            settled_before[s as usize + 1] += 1;
        }
        for s in 1..settled_before.len() {
            settled_before[s] += settled_before[s - 1];
        }
        AirIndex {
            created,
            settled_before,
        }
    }

    /// The messages settled in the first `steps` steps.
    fn settled_before(&self, steps: u64) -> usize {
        let last = self.settled_before.len() - 1;
        self.settled_before[(steps.min(last as u64)) as usize] as usize
    }
}

/// The messages in the air after `cursor` steps: how many, and the ones the ring draws
/// ([`packets_drawn`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InAir {
    pub count: usize,
    pub drawn: Vec<MessageId>,
}

/// [`InAir`] after `cursor` steps, with `selected` drawn whatever its age: `index` counts them,
/// and the latest in the air are found by walking back from the cursor only.
pub fn in_air_at(
    t: &spacetime_core::Trace,
    index: &AirIndex,
    cursor: u64,
    selected: Option<MessageId>,
) -> InAir {
    let made = index.created.partition_point(|&s| s < cursor);
    let count = made - index.settled_before(cursor);
    let mut drawn: Vec<MessageId> = t.messages[..made]
        .iter()
        .rev()
        .filter(|m| in_flight_at(m, cursor))
        .map(|m| m.id)
        .take(count.min(MAX_PACKETS))
        .collect();
    drawn.reverse();
    if let Some(m) = selected {
        let flying = t.messages.get(m).is_some_and(|m| in_flight_at(m, cursor));
        if flying && !drawn.contains(&m) {
            drawn.insert(0, m);
        }
    }
    InAir { count, drawn }
}

/// Every pair of processes, lower index first.
pub fn all_links(n: usize) -> Vec<(ProcessId, ProcessId)> {
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect()
}

/// The font size that fits `name` inside a node of radius `r`.
pub fn name_font_size(name: &str, r: f64) -> f64 {
    let chars = name.chars().count().max(1) as f64;
    (r * 1.9 / (chars * 0.62)).min(r * 0.95).max(3.0)
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// Every link of a ring at `points`, as one path: each point written once, not once per link
/// (2,016 links of a 64-lane ring made 8,064 numbers to format with the page).
pub fn links_path(points: &[Point]) -> String {
    let at: Vec<String> = points
        .iter()
        .map(|q| format!("{} {}", fmt(q.x), fmt(q.y)))
        .collect();
    let links = all_links(points.len());
    let mut d = String::with_capacity(links.len() * 2 * (at.first().map_or(0, String::len) + 1));
    for (a, b) in links {
        d.push('M');
        d.push_str(&at[a]);
        d.push('L');
        d.push_str(&at[b]);
    }
    d
}

/// The number in the test id of the element of class `class` an event's target is in (a node,
/// an envelope): the layers of the ring take clicks and keys for all of theirs.
fn picked(ev: &web_sys::Event, class: &str) -> Option<usize> {
    use wasm_bindgen::JsCast;
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&format!(".{class}"))
        .ok()??
        .get_attribute("data-testid")?
        .strip_prefix(class)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

/// The class of a node: down, selected (its process, or one end of the selected link),
/// involved (the process of the selected event, or an end of the selected message).
pub fn node_class(down: bool, selected: bool, involved: bool) -> String {
    let mut class = String::from("topo-node");
    for (on, name) in [
        (down, " down"),
        (selected, " selected"),
        (involved, " involved"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    class
}

/// The ring of processes with packets flying between them.
#[component]
pub fn Topology() -> impl IntoView {
    let store = Store::get();
    let names = Memo::new(move |_| store.trace.with(|t| t.processes.clone()));
    let count = Memo::new(move |_| names.with(Vec::len));
    let points = Memo::new(move |_| node_positions(count.get()));
    let radius = Memo::new(move |_| node_radius(count.get()));
    // Each node and each link reads these (thousands of readers on a 64-lane ring): settled, so
    // that a move of the cursor that crashes nothing and cuts nothing wakes none of them.
    let crashes = Memo::new(move |_| store.trace.with(|t| crash_log(t)));
    let up = settled(move || {
        let cursor = store.cursor.get();
        let n = count.get();
        crashes.with(|log| up_at(n, log, cursor))
    });
    let cut = settled(move || store.cut_links_at_cursor());
    // Every message in the air, and the ones the ring draws (see `packets_drawn`).
    // Which messages are in the air, found from an index built once per run, not by a walk
    // over every message of the run on each move of the cursor.
    let air_index = Memo::new(move |_| store.trace.with(|t| AirIndex::new(t)));
    let in_air = Memo::new(move |_| {
        let cursor = store.cursor.get();
        let selected = match store.selection.get() {
            Selection::Message(m) => Some(m),
            _ => None,
        };
        store
            .trace
            .with(|t| air_index.with(|index| in_air_at(t, index, cursor, selected)))
    });
    let flying = Memo::new(move |_| in_air.with(|a| a.drawn.clone()));
    let undrawn = move || {
        in_air
            .with(|a| a.count)
            .saturating_sub(flying.with(Vec::len))
    };
    let point = move |p: ProcessId| points.with(|v| v.get(p).copied().unwrap_or_default());
    let select = move |s: Selection| store.selection.set(s);
    // A click, or Enter, on a node or an envelope selects it.
    let pick = move |ev: &web_sys::Event, class: &str, selection: fn(usize) -> Selection| {
        if let Some(i) = picked(ev, class) {
            select(selection(i));
        }
    };
    // With three packets or fewer in the air their labels fit; beyond that only the selected one's.
    let few_packets = Memo::new(move |_| flying.with(Vec::len) <= 3);

    let apart = Memo::new(move |_| {
        let selected = store.selection.get();
        cut.with(|c| links_apart(count.get(), c, selected))
    });
    // A big ring's links, all in one path: its look, without an element per link.
    let all_in_one = move || {
        (count.get() > MAX_PROCESSES_LINKED_APART).then(|| {
            let d = points.with(|p| links_path(p));
            view! { <path class="topo-link-line topo-links-all" d=d /> }
        })
    };
    let link = move |(a, b): (ProcessId, ProcessId)| {
        let is_cut = move || cut.with(|c| c.contains(&[a, b]));
        let selected = move || store.selection.get() == Selection::Link(a, b);
        let label = move || {
            names.with(|n| {
                format!(
                    "link {} – {}{}",
                    n.get(a).map_or("?", String::as_str),
                    n.get(b).map_or("?", String::as_str),
                    if is_cut() { " (cut)" } else { "" }
                )
            })
        };
        let (pa, pb) = (point(a), point(b));
        view! {
            <g
                class="topo-link"
                class:cut=is_cut
                class:selected=selected
                data-testid=format!("topo-link-{a}-{b}")
                role="button"
                tabindex="0"
                aria-label=label
                on:click=move |_| select(Selection::Link(a, b))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        select(Selection::Link(a, b));
                    }
                }
            >
                <title>{label}</title>
                <line class="topo-link-hit" x1=fmt(pa.x) y1=fmt(pa.y) x2=fmt(pb.x) y2=fmt(pb.y) />
                <line class="topo-link-line" x1=fmt(pa.x) y1=fmt(pa.y) x2=fmt(pb.x) y2=fmt(pb.y) />
            </g>
        }
    };

    // A node's look, in one class: on a 64-lane ring each node's reactive parts are built with
    // the page, and each wakes on every selection. Clicks and keys reach the nodes through their
    // layer.
    let nodes = move || {
        names
            .get()
            .into_iter()
            .enumerate()
            .map(|(p, name)| {
                let at = point(p);
                let r = radius.get_untracked();
                let colour = process_colour(p);
                let is_down = move || !up.with(|u| u.get(p).copied().unwrap_or(true));
                let class = move || {
                    let (selected, involved) = match store.selection.get() {
                        Selection::Process(q) => (q == p, false),
                        Selection::Link(a, b) => (a == p || b == p, false),
                        Selection::Event(e) => (
                            false,
                            store
                                .trace
                                .with(|t| t.events.get(e).is_some_and(|e| e.process == p)),
                        ),
                        Selection::Message(m) => (
                            false,
                            store.trace.with(|t| {
                                t.messages.get(m).is_some_and(|m| m.from == p || m.to == p)
                            }),
                        ),
                        _ => (false, false),
                    };
                    node_class(is_down(), selected, involved)
                };
                let label = {
                    let name = name.clone();
                    move || format!("process {name}{}", if is_down() { " (down)" } else { "" })
                };
                let title = label.clone();
                let cross = r * 0.55;
                view! {
                    <g
                        class=class
                        data-testid=format!("topo-node-{p}")
                        role="button"
                        tabindex="0"
                        aria-label=label
                        style=format!("--c: {colour}")
                        transform=format!("translate({} {})", fmt(at.x), fmt(at.y))
                    >
                        <title>{title}</title>
                        <circle class="topo-node-halo" r=fmt(r + 5.0) />
                        <circle class="topo-node-body" r=fmt(r) />
                        <text
                            class="topo-node-name"
                            text-anchor="middle"
                            dominant-baseline="central"
                            font-size=fmt(name_font_size(&name, r))
                            fill=text_colour_on(colour)
                        >
                            {name.clone()}
                        </text>
                        <Show when=is_down>
                            <g class="topo-node-cross" data-testid=format!("topo-node-{p}-down")>
                                <line x1=fmt(-cross) y1=fmt(-cross) x2=fmt(cross) y2=fmt(cross) />
                                <line x1=fmt(-cross) y1=fmt(cross) x2=fmt(cross) y2=fmt(-cross) />
                            </g>
                        </Show>
                    </g>
                }
            })
            .collect_view()
    };

    let selected_message = Memo::new(move |_| match store.selection.get() {
        Selection::Message(m) => Some(m),
        _ => None,
    });

    view! {
        <div class="topology" data-testid="topology">
            // Three layers, stacked: the links change only when one is selected or cut, the
            // nodes and the messages with nearly every step. Apart, a step paints again only
            // the nodes and envelopes, not the hundreds of lines under them.
            // The links drawn as one path (a big ring), under everything.
            <svg class="topo-backdrop" aria-hidden="true"
                viewBox=format!("0 0 {TOPO_SIZE} {TOPO_SIZE}")
                preserveAspectRatio="xMidYMid meet">
                {all_in_one}
            </svg>
            <svg class="topo-link-layer"
                viewBox=format!("0 0 {TOPO_SIZE} {TOPO_SIZE}")
                preserveAspectRatio="xMidYMid meet"
                role="group"
                aria-label="Links between the processes"
            >
                <g class="topo-links">
                    <For each=move || apart.get() key=|l| *l children=link />
                </g>
            </svg>
            <svg class="topo-ring"
                viewBox=format!("0 0 {TOPO_SIZE} {TOPO_SIZE}")
                preserveAspectRatio="xMidYMid meet"
                role="group"
                aria-label="Topology: processes on a ring, messages in flight between them"
            >
                <g class="topo-nodes"
                    on:click=move |ev| pick(&ev, "topo-node", Selection::Process)
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        pick(&ev, "topo-node", Selection::Process)
                    }>{nodes}</g>
                <g class="topo-packets"
                    on:click=move |ev| pick(&ev, "topo-packet", Selection::Message)
                    on:keydown=move |ev| if ev.key() == "Enter" {
                        pick(&ev, "topo-packet", Selection::Message)
                    }>
                    <packets::Packets drawn=flying selected=selected_message labels=few_packets
                        points=points radius=radius/>
                </g>
                // One lasting element: the count changes with nearly every step of a busy run.
                <text class="topo-more" text-anchor="middle"
                    data-testid=move || (undrawn() > 0).then_some("topo-more")
                    display=move || (undrawn() == 0).then_some("none")
                    x=fmt(TOPO_SIZE / 2.0) y=fmt(TOPO_SIZE / 2.0)>
                    {move || format!("+{} more in flight", undrawn())}
                </text>
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_links_path_joins_every_pair() {
        let points = node_positions(3);
        let p = |i: usize| format!("{} {}", fmt(points[i].x), fmt(points[i].y));
        assert_eq!(
            links_path(&points),
            format!("M{}L{}M{}L{}M{}L{}", p(0), p(1), p(0), p(2), p(1), p(2))
        );
        assert_eq!(links_path(&[]), "");
    }

    #[test]
    fn a_node_class_names_each_state_it_is_in() {
        assert_eq!(node_class(false, false, false), "topo-node");
        assert_eq!(node_class(true, true, false), "topo-node down selected");
        assert_eq!(node_class(false, false, true), "topo-node involved");
    }

    #[test]
    fn the_ring_draws_the_latest_packets_and_the_selected_one() {
        let in_air: Vec<MessageId> = (0..200).collect();
        let drawn = packets_drawn(&in_air, Some(3));
        assert_eq!(drawn.len(), MAX_PACKETS + 1);
        assert_eq!(drawn[0], 3);
        assert_eq!(*drawn.last().unwrap(), 199);
        assert_eq!(packets_drawn(&in_air[..5], None), in_air[..5].to_vec());
        // A selected message no longer in the air is not drawn.
        assert_eq!(
            packets_drawn(&in_air[10..20], Some(3)),
            in_air[10..20].to_vec()
        );
    }
    use spacetime_core::Fate;

    fn message(created: u64, settled: Option<u64>) -> Message {
        Message {
            id: 0,
            from: 0,
            to: 1,
            label: "Ping".into(),
            payload: "Ping".into(),
            send_event: 0,
            receive_event: None,
            fate: Fate::Delivered,
            sent_at: 10,
            created_step: created,
            arrives_at: 30,
            settled_step: settled,
            settled_at: settled.map(|_| 30),
            duplicate_of: None,
            merged: false,
            content: Default::default(),
        }
    }

    /// Who is up, from the crash log, is what a walk over the events finds, at every step.
    #[test]
    fn the_crash_log_says_who_is_up() {
        for s in spacetime_core::protocols::examples() {
            let t = spacetime_core::Run::complete(&s).unwrap().trace().clone();
            let log = crash_log(&t);
            for cursor in 0..=t.step_count() + 1 {
                let mut walked = vec![true; t.processes.len()];
                for e in t.events.iter().take_while(|e| e.step < cursor) {
                    match e.kind {
                        spacetime_core::EventKind::Crash => walked[e.process] = false,
                        spacetime_core::EventKind::Recover => walked[e.process] = true,
                        _ => {}
                    }
                }
                assert_eq!(
                    up_at(t.processes.len(), &log, cursor),
                    walked,
                    "{} at {cursor}",
                    s.name
                );
            }
        }
    }

    /// The index finds what a walk over every message finds, at every step, selected or not.
    #[test]
    fn the_air_index_agrees_with_the_messages() {
        for name in [
            "gossip-busy-sixteen",
            "tcp-handshake",
            "broadcast-causal-reply-overtakes",
        ] {
            let s = spacetime_core::protocols::example(name).unwrap();
            let t = spacetime_core::Run::complete(&s).unwrap().trace().clone();
            let index = AirIndex::new(&t);
            for cursor in 0..=t.step_count() + 1 {
                for selected in [None, Some(0), Some(t.messages.len() / 2)] {
                    let all: Vec<MessageId> = t
                        .messages
                        .iter()
                        .filter(|m| in_flight_at(m, cursor))
                        .map(|m| m.id)
                        .collect();
                    let walked = InAir {
                        count: all.len(),
                        drawn: packets_drawn(&all, selected),
                    };
                    assert_eq!(
                        in_air_at(&t, &index, cursor, selected),
                        walked,
                        "{name} at {cursor}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_message_flies_from_the_step_after_its_creation_to_its_settling_step() {
        let m = message(2, Some(5));
        assert!(!in_flight_at(&m, 2), "not sent yet at cursor 2");
        assert!(in_flight_at(&m, 3));
        assert!(in_flight_at(&m, 5), "still travelling until step 5 runs");
        assert!(!in_flight_at(&m, 6), "arrived");
        let forever = message(0, None);
        assert!(!in_flight_at(&forever, 0));
        assert!(in_flight_at(&forever, 1_000));
    }

    #[test]
    fn flight_fraction_runs_from_send_to_arrival_and_stays_in_range() {
        let m = message(0, None);
        assert_eq!(flight_fraction(&m, 0.0), 0.0);
        assert_eq!(flight_fraction(&m, 10.0), 0.0);
        assert!((flight_fraction(&m, 20.0) - 0.5).abs() < 1e-9);
        assert_eq!(flight_fraction(&m, 99.0), 1.0);
        let instant = Message {
            arrives_at: 10,
            ..message(0, None)
        };
        assert_eq!(flight_fraction(&instant, 10.0), 0.0);
    }

    #[test]
    fn nodes_fit_in_the_view_and_do_not_overlap() {
        for n in [1, 2, 3, 4, 8, 16, 64] {
            let pts = node_positions(n);
            let r = node_radius(n);
            assert_eq!(pts.len(), n);
            for p in &pts {
                assert!(p.x - r >= 0.0 && p.x + r <= TOPO_SIZE, "n={n} x={}", p.x);
                assert!(p.y - r >= 0.0 && p.y + r <= TOPO_SIZE, "n={n} y={}", p.y);
            }
            for (i, a) in pts.iter().enumerate() {
                for b in &pts[..i] {
                    let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                    assert!(d > 2.0 * r, "n={n}: nodes {d} apart, radius {r}");
                }
            }
        }
    }

    #[test]
    fn packets_travel_between_the_rims() {
        let a = Point { x: 0.0, y: 0.0 };
        let b = Point { x: 100.0, y: 0.0 };
        assert_eq!(packet_point(a, b, 10.0, 0.0), Point { x: 10.0, y: 0.0 });
        assert_eq!(packet_point(a, b, 10.0, 1.0), Point { x: 90.0, y: 0.0 });
        assert_eq!(packet_point(a, b, 10.0, 0.5), Point { x: 50.0, y: 0.0 });
        assert_eq!(packet_point(a, b, 10.0, 7.0), Point { x: 90.0, y: 0.0 });
        let own = packet_point(a, a, 10.0, 0.5);
        assert!(own.y < 0.0, "a message to itself sits above its node");
    }

    #[test]
    fn names_are_readable_on_every_palette_colour() {
        assert_eq!(text_colour_on("#000000"), "#fff");
        assert_eq!(text_colour_on("#0072B2"), "#fff");
        assert_eq!(text_colour_on("#F0E442"), "#000");
        assert_eq!(text_colour_on("#ffffff"), "#000");
        assert_eq!(text_colour_on("nonsense"), "#fff");
    }

    #[test]
    fn every_pair_is_linked_once() {
        assert_eq!(all_links(1), vec![]);
        assert_eq!(all_links(3), vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(all_links(8).len(), 28);
    }

    #[test]
    fn a_big_ring_draws_apart_only_the_links_cut_or_selected() {
        let nothing = Selection::Nothing;
        assert_eq!(links_apart(16, &[], nothing).len(), 120);
        assert_eq!(links_apart(64, &[], nothing), vec![]);
        assert_eq!(
            links_apart(64, &[[5, 9], [0, 63]], Selection::Link(5, 9)),
            vec![(0, 63), (5, 9)]
        );
        assert_eq!(links_apart(64, &[], Selection::Link(1, 2)), vec![(1, 2)]);
        // A selected process: its 63 links, to pick one to cut.
        let of_p3 = links_apart(64, &[[0, 63]], Selection::Process(3));
        assert_eq!(of_p3.len(), 64);
        assert!(of_p3.contains(&(0, 3)) && of_p3.contains(&(3, 63)) && of_p3.contains(&(0, 63)));
    }

    #[test]
    fn long_names_get_smaller_type() {
        assert!(name_font_size("Coordinator", 20.0) < name_font_size("P1", 20.0));
        assert!(name_font_size("P1", 20.0) <= 19.0);
    }
}
