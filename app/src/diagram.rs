//! The space-time diagram: a lane per process, events as dots, messages as arrows.
//!
//! Geometry comes from `spacetime_core::layout`; this module turns it into a list of plain shapes
//! for the current step (a pure function, tested natively) and draws only the shapes inside the
//! scrolled window, keyed so that a new frame touches only what changed.

use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;
use spacetime_core::layout::{ArrowEnd, Layout, LayoutOptions};
use spacetime_core::{EventKind, MessageId, Relation, Trace};

use wasm_bindgen::JsCast;

use crate::store::{ClockMode, Selection, Store};

mod canvas;
pub mod dense;
mod flight;
mod gestures;
mod index;
mod labels;
mod markup;
pub mod overview;
pub mod zoom;

pub use index::RunIndex;
pub use labels::CaptionSpot;
use markup::MarkupGroups;
pub use markup::{chunks, MarkupCache, CHUNK};

/// Pixel coordinates are kept in tenths of a pixel so shapes can be compared and hashed.
fn px(v: f64) -> i32 {
    (v * 10.0).round() as i32
}

fn unpx(v: i32) -> String {
    format!("{:.1}", f64::from(v) / 10.0)
}

/// How an event relates to the selected one, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Highlight {
    None,
    Selected,
    Past,
    Future,
    Concurrent,
    /// On the chain of messages that orders a selected pair.
    Chain,
}

/// A dot to draw.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventShape {
    pub id: usize,
    pub x: i32,
    pub y: i32,
    pub kind: EventKind,
    pub colour: &'static str,
    pub highlight: Highlight,
    pub clock: String,
    /// Pointed at by a lesson's view (`Store::marked`): drawn ringed.
    pub marked: bool,
    /// Where its timestamp goes ([`labels::place_captions`]).
    pub caption: CaptionSpot,
    /// The baseline of its timestamp, in tenths of a pixel (placed with it).
    pub caption_y: i32,
}

/// An arrow to draw.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArrowShape {
    pub id: usize,
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
    pub end: ArrowEnd,
    pub label: String,
    pub selected: bool,
    /// Sent again by the protocol (a retransmission): drawn dashed.
    pub again: bool,
    /// Where its label's centre goes, in tenths of a pixel; `None` where there is no room
    /// ([`labels::place_labels`]).
    pub label_at: Option<(i32, i32)>,
    /// From its label's centre to the text's baseline, in tenths of a pixel (the bigger the
    /// text, the further; placed with it).
    pub label_drop: i32,
}

/// The horizontal window the pane shows, in diagram pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub left: f64,
    pub width: f64,
}

/// The clock label of an event.
pub fn clock_label(trace: &Trace, id: usize, mode: ClockMode) -> String {
    let e = &trace.events[id];
    match mode {
        ClockMode::Off => String::new(),
        ClockMode::Names => spacetime_core::exercise::event_name(id),
        ClockMode::Lamport => e.lamport.to_string(),
        ClockMode::Vector => {
            let parts: Vec<String> = trace.vector(id).iter().map(u32::to_string).collect();
            format!("[{}]", parts.join(","))
        }
    }
}

/// The chain of events that orders two events, from the earlier to the later, or `None` when
/// they are concurrent.
pub fn pair_chain(trace: &Trace, a: usize, b: usize) -> Option<Vec<usize>> {
    trace.chain(a, b).or_else(|| trace.chain(b, a))
}

/// The messages a chain of events crosses.
pub fn chain_messages(trace: &Trace, chain: &[usize]) -> Vec<MessageId> {
    chain
        .windows(2)
        .filter_map(|w| {
            // A replayed log's event may receive several messages: the one from w[0].
            trace
                .messages
                .iter()
                .find(|m| m.send_event == w[0] && m.receive_event == Some(w[1]))
                .map(|m| m.id)
        })
        .collect()
}

/// The dots visible after `steps` steps within `window`. The sends and receipts of `hidden`
/// messages are drawn as plain local events.
#[allow(clippy::too_many_arguments)]
pub fn event_shapes(
    trace: &Trace,
    layout: &Layout,
    steps: u64,
    window: Window,
    selection: Selection,
    clocks: ClockMode,
    hidden: &[MessageId],
) -> Vec<EventShape> {
    let shown = Layout::visible_event_count(trace, steps);
    let range = layout.events_between(window.left, window.left + window.width);
    let ids = range.start.min(shown)..range.end.min(shown);
    event_shapes_of(trace, layout, shown, ids, selection, clocks, hidden)
}

/// The events a dense view still draws as SVG over its canvas: the selected event, a selected
/// pair and the chain between them, and the events a lesson marks. Each keeps its ring, its
/// label and its click however many dots surround it.
pub fn on_top_events(
    trace: &Trace,
    steps: u64,
    selection: Selection,
    marked: &[usize],
) -> Vec<usize> {
    let shown = Layout::visible_event_count(trace, steps);
    let mut ids: Vec<usize> = match selection {
        Selection::Event(e) => vec![e],
        Selection::Pair(a, b) => {
            let mut ids = pair_chain(trace, a, b).unwrap_or_default();
            ids.extend([a, b]);
            ids
        }
        _ => Vec::new(),
    };
    ids.extend_from_slice(marked);
    ids.retain(|&id| id < shown);
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The dots of events `ids` (in id order, all among the first `shown`).
pub fn event_shapes_of(
    trace: &Trace,
    layout: &Layout,
    shown: usize,
    ids: impl Iterator<Item = usize>,
    selection: Selection,
    clocks: ClockMode,
    hidden: &[MessageId],
) -> Vec<EventShape> {
    let selected = match selection {
        Selection::Event(e) if e < shown => Some(e),
        _ => None,
    };
    let (pair, chain) = match selection {
        Selection::Pair(a, b) => (Some((a, b)), pair_chain(trace, a, b).unwrap_or_default()),
        _ => (None, Vec::new()),
    };
    ids.map(|id| {
        let p = layout.events[id];
        let e = &trace.events[id];
        let highlight = match (selected, pair) {
            (_, Some((a, b))) if id == a || id == b => Highlight::Selected,
            (_, Some(_)) if chain.contains(&id) => Highlight::Chain,
            (_, Some(_)) | (None, None) => Highlight::None,
            (Some(s), None) => match trace.relation(id, s) {
                Relation::Same => Highlight::Selected,
                Relation::Before => Highlight::Past,
                Relation::After => Highlight::Future,
                Relation::Concurrent => Highlight::Concurrent,
            },
        };
        let kind = match e.message {
            Some(m) if hidden.contains(&m) => EventKind::Local,
            _ => e.kind,
        };
        EventShape {
            id,
            x: px(p.x),
            y: px(p.y),
            kind,
            colour: layout.lanes[e.process].colour,
            highlight,
            clock: clock_label(trace, id, clocks),
            marked: false,
            caption: CaptionSpot::Crowded,
            caption_y: px(p.y),
        }
    })
    .collect()
}

/// The arrows visible after `steps` steps at virtual time `now`, within `window`, less the
/// `hidden` ones. With no `index` the view is dense: only the arrows drawn over its canvas.
#[allow(clippy::too_many_arguments)]
pub fn arrow_shapes(
    trace: &Trace,
    layout: &Layout,
    index: Option<&RunIndex>,
    steps: u64,
    now: f64,
    window: Window,
    selection: Selection,
    hidden: &[MessageId],
    emphasis: &[MessageId],
) -> Vec<ArrowShape> {
    let (left, right) = (window.left - 20.0, window.left + window.width + 20.0);
    let mut chain = match selection {
        Selection::Pair(a, b) => pair_chain(trace, a, b)
            .map(|c| chain_messages(trace, &c))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    chain.extend_from_slice(emphasis);
    let dense = index.is_none();
    let candidates: Box<dyn Iterator<Item = MessageId>> = match index {
        Some(index) => Box::new(index.messages_between(layout.x_time(left), layout.x_time(right))),
        // A dense view's canvas draws the rest.
        None => Box::new(
            on_top_messages(selection, &chain)
                .into_iter()
                .filter(|&m| m < trace.messages.len()),
        ),
    };
    let mut shapes: Vec<ArrowShape> = candidates
        .filter(|&m| trace.messages[m].created_step < steps && !hidden.contains(&m))
        .filter_map(|m| layout.arrow_at_time(trace, m, steps, now))
        .filter(|a| a.from.x.max(a.to.x) >= left && a.from.x.min(a.to.x) <= right)
        .map(|a| ArrowShape {
            id: a.message,
            x1: px(a.from.x),
            y1: px(a.from.y),
            x2: px(a.to.x),
            y2: px(a.to.y),
            end: a.end,
            label: trace.messages[a.message].label.clone(),
            selected: selection == Selection::Message(a.message) || chain.contains(&a.message),
            again: trace.messages[a.message].sent_again(),
            label_at: None,
            label_drop: 0,
        })
        .collect();
    if !dense {
        // The index lists messages by send time; shapes go by id (see `chunks`).
        shapes.sort_unstable_by_key(|a| a.id);
    }
    shapes
}

/// The messages a dense view draws as SVG over its canvas: the selected one and those on a
/// selected pair's chain or emphasised by a lesson (`chain`).
pub fn on_top_messages(selection: Selection, chain: &[MessageId]) -> Vec<MessageId> {
    let mut ids = chain.to_vec();
    if let Selection::Message(m) = selection {
        ids.push(m);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A timer on its lane: running (a countdown) or, once it went off, the span it ran.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimerShape {
    pub span: usize,
    pub x_set: i32,
    pub x_due: i32,
    /// Where "now" is on a running timer's track.
    pub x_now: i32,
    pub y: i32,
    pub running: bool,
    pub label: String,
}

/// The timers to draw after `steps` steps at virtual time `now`: every one still running, with
/// the time it has left, and every one that has gone off so far.
pub fn timer_shapes(trace: &Trace, layout: &Layout, steps: u64, now: f64) -> Vec<TimerShape> {
    use spacetime_core::TimerEnd;
    trace
        .timers
        .iter()
        .enumerate()
        .filter_map(|(span, t)| {
            let running = t.running_at(steps);
            let fired = t
                .stopped
                .is_some_and(|s| s.how == TimerEnd::Fired && s.step < steps);
            if !running && !fired {
                return None;
            }
            let due = t.due as f64;
            let at = if running {
                now.clamp(t.set_at as f64, due)
            } else {
                due
            };
            let left = (due - at).round() as u64;
            Some(TimerShape {
                span,
                x_set: px(layout.time_x(t.set_at as f64)),
                x_due: px(layout.time_x(due)),
                x_now: px(layout.time_x(at)),
                y: px(layout.lane_y(t.process) - 16.0),
                running,
                label: if running {
                    format!("{} {left}", t.name)
                } else {
                    format!("{} fired", t.name)
                },
            })
        })
        .collect()
}

fn event_class(shape: &EventShape) -> String {
    let kind = shape.kind.name();
    let highlight = match shape.highlight {
        Highlight::None => "",
        Highlight::Selected => " selected",
        Highlight::Past => " past",
        Highlight::Future => " future",
        Highlight::Concurrent => " concurrent",
        Highlight::Chain => " chain",
    };
    let marked = if shape.marked { " marked" } else { "" };
    format!("event-dot kind-{kind}{highlight}{marked}")
}

fn arrow_class(shape: &ArrowShape) -> &'static str {
    match (shape.end, shape.selected) {
        (ArrowEnd::Received, false) => "arrow",
        (ArrowEnd::Received, true) => "arrow selected",
        (ArrowEnd::InFlight, false) => "arrow in-flight",
        (ArrowEnd::InFlight, true) => "arrow in-flight selected",
        (ArrowEnd::Died, false) => "arrow died",
        (ArrowEnd::Died, true) => "arrow died selected",
    }
}

/// Text made safe to place inside SVG markup (the static renderer's rules).
pub use spacetime_core::svg::esc as escape;

/// The markup of the event dots. Dots and arrows are written as markup and handed to the
/// browser in one piece: parsing it is far cheaper than creating each element through
/// WebAssembly calls, which matters when a scrub redraws a whole screen of them. Clicks reach
/// them through one listener on the diagram, by their `data-testid`.
pub fn events_markup(shapes: &[EventShape], labelled: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(shapes.len() * 200);
    for e in shapes {
        let (x, y) = (unpx(e.x), unpx(e.y));
        let _ = write!(
            out,
            r#"<g class="event" data-testid="event-{id}"><circle class="{class}" cx="{x}" cy="{y}" r="7" fill="{fill}"></circle>"#,
            id = e.id,
            class = event_class(e),
            fill = e.colour,
        );
        if (labelled || e.highlight == Highlight::Selected) && !e.clock.is_empty() {
            let crowded = match e.caption {
                CaptionSpot::Crowded => " crowded",
                CaptionSpot::Above | CaptionSpot::Below => "",
            };
            let _ = write!(
                out,
                r#"<text class="clock-label{crowded}" x="{x}" y="{ly}" text-anchor="middle" data-testid="clock-{id}">{clock}</text>"#,
                id = e.id,
                ly = unpx(e.caption_y),
                clock = escape(&e.clock),
            );
        }
        out.push_str("</g>");
    }
    out
}

/// Beyond this many dots on screen, clock labels would pile up unreadably: only the selected
/// event keeps its label (zoom in to see the others).
pub const MAX_LABELLED_EVENTS: usize = 400;
/// Likewise for message labels.
pub const MAX_LABELLED_ARROWS: usize = 160;
/// The markup of the arrows (see [`events_markup`]).
pub fn arrows_markup(shapes: &[ArrowShape], labelled: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(shapes.len() * 320);
    for a in shapes {
        let (x1, y1, x2, y2) = (unpx(a.x1), unpx(a.y1), unpx(a.x2), unpx(a.y2));
        let fate = match a.end {
            ArrowEnd::Received => "Received",
            ArrowEnd::InFlight => "InFlight",
            ArrowEnd::Died => "Died",
        };
        let head = if a.end == ArrowEnd::Received {
            r#" marker-end="url(#arrowhead)""#
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<g class="{class}" data-testid="msg-{id}" data-fate="{fate}">"#,
            class = arrow_group_class(a),
            id = a.id,
        );
        // A wide transparent line makes a thin arrow easy to click; in a dense view it would
        // double the work of every frame, and arrows are too close to pick out anyway.
        if labelled {
            let _ = write!(
                out,
                r#"<line class="arrow-hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"></line>"#
            );
        }
        let _ = write!(
            out,
            r#"<line class="arrow-line" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"{head}></line>"#
        );
        if labelled || a.selected {
            let spot = label_spot(a);
            let _ = write!(
                out,
                r#"<text class="{class}" x="{x}" y="{y}" text-anchor="middle">{label}</text>"#,
                class = spot.class(),
                x = unpx(spot.x),
                y = unpx(spot.baseline),
                label = escape(&a.label),
            );
        }
        if a.end == ArrowEnd::Died {
            let (cx, cy) = (f64::from(a.x2) / 10.0, f64::from(a.y2) / 10.0);
            let _ = write!(
                out,
                r#"<path class="cross" data-testid="cross-{id}" d="M {} {} L {} {} M {} {} L {} {}"></path>"#,
                cx - 6.0,
                cy - 6.0,
                cx + 6.0,
                cy + 6.0,
                cx - 6.0,
                cy + 6.0,
                cx + 6.0,
                cy - 6.0,
                id = a.id,
            );
        }
        out.push_str("</g>");
    }
    out
}

/// Where an arrow's label is written (in tenths of a pixel), and whether it found room there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelSpot {
    pub x: i32,
    /// The text's baseline, 4 px below the centre its place was found for.
    pub baseline: i32,
    pub crowded: bool,
}

impl LabelSpot {
    pub fn class(&self) -> &'static str {
        if self.crowded {
            "msg-label crowded"
        } else {
            "msg-label"
        }
    }
}

/// Where `a`'s label goes ([`labels::place_labels`]). Where no room was found, the label is
/// written at its natural spot but hidden until the pointer is on the arrow.
pub fn label_spot(a: &ArrowShape) -> LabelSpot {
    let ((x, y), crowded) = match a.label_at {
        Some(at) => (at, false),
        None => {
            let t = labels::natural_spot(a.id);
            let along = |from: i32, to: i32| from + (f64::from(to - from) * t) as i32;
            ((along(a.x1, a.x2), along(a.y1, a.y2)), true)
        }
    };
    LabelSpot {
        x,
        baseline: y + a.label_drop,
        crowded,
    }
}

/// The class of an arrow's group: its fate, whether it is selected, whether it was sent again.
fn arrow_group_class(a: &ArrowShape) -> String {
    // What the protocol sent again (its payload says so) is dashed.
    let again = if a.again { " again" } else { "" };
    format!("{}{again}", arrow_class(a))
}

/// What a click on the element with this `data-testid` selects.
pub fn selection_of_testid(testid: &str) -> Option<Selection> {
    let (kind, number) = testid.rsplit_once('-')?;
    let n: usize = number.parse().ok()?;
    match kind {
        "event" | "clock" => Some(Selection::Event(n)),
        "msg" | "cross" => Some(Selection::Message(n)),
        "lane" => Some(Selection::Process(n)),
        _ => None,
    }
}

/// How much of the pane's width the dense view's note leaves free: room for the zoom buttons
/// at the top right, which it would otherwise run under in a narrow pane.
const NOTE_CLEAR_PX: f64 = 170.0;

/// The room the dense view's note needs to say it in full, on one line.
const NOTE_LONG_PX: f64 = 460.0;

/// The dense view's note on the `undrawn` messages: in full, or short for a narrow pane (where
/// the full text is its tooltip).
fn dense_note(undrawn: usize, full: bool) -> String {
    let count = spacetime_core::words::thousands(undrawn as u64);
    if full {
        format!("{count} messages in this stretch of the run: zoom in to draw them")
    } else {
        format!("{count} messages not drawn: zoom in")
    }
}

/// How far down the pane the zoom buttons reach, in pixels (they float over its top corner).
pub const ZOOM_BUTTONS_BOTTOM: f64 = 40.0;

/// Layout options that fit a run into a pane of `width` x `height` pixels at zoom 1: lanes
/// spread over the height (within readable bounds), the whole run over the width. Where its dots
/// would merge, the view is dense and a canvas draws them as density bands ([`dense`]).
pub fn fitting_options(
    trace: &Trace,
    end: spacetime_core::Time,
    width: f64,
    height: f64,
    zoom: f64,
    min_time: spacetime_core::Time,
) -> LayoutOptions {
    // Room on the left for the longest process name ("Coordinator"), at the lane labels' bold
    // 15 to 17px: about 10.5 px a character.
    let longest = trace
        .processes
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(2);
    let margin_left = (longest as f64 * 10.5 + 18.0).clamp(64.0, 170.0);
    let extra = margin_left - LayoutOptions::default().margin_left;
    // The zoom buttons float above the first lane (see `margin_top` below), so the run may
    // reach almost to the pane's right edge: a little room for the last labels.
    let mut options = LayoutOptions::fit_end(end, width - 36.0 - extra, min_time);
    options.margin_left = margin_left;
    options.px_per_tick = (options.px_per_tick.clamp(0.002, 40.0) * zoom).clamp(0.002, 200.0);
    // Events at one tick on one lane sit a little apart, so each can be seen and clicked; when
    // a tick is only a pixel or two wide, that gap would push dots past later moments (and past
    // the "now" line), so it shrinks with the scale.
    options.same_tick_gap *= (options.px_per_tick / 3.0).min(1.0);
    // The first lane starts below the zoom buttons, not under them.
    options.margin_top = options.margin_top.max(ZOOM_BUTTONS_BOTTOM + 16.0);
    let lanes = trace.processes.len().saturating_sub(1).max(1) as f64;
    let room = height - options.margin_top - options.margin_bottom - 24.0;
    // Two or three lanes may spread further apart: arrows between them get steep enough for
    // their labels to stand clear of each other.
    options.lane_gap = (room / lanes).clamp(44.0, 220.0);
    options
}

/// What a dense view's base shows (see [`canvas`]): when any of it changes, the whole run is
/// painted again; a move of the cursor alone paints only the frontier.
#[derive(Clone, Debug, PartialEq)]
struct DenseKey {
    /// The trace, its layout and its index, by address: each is made afresh when it changes.
    run: (usize, usize, usize),
    view: (f64, f64, f64, f64),
    selected: Option<usize>,
    hidden: Vec<MessageId>,
    on_top: Vec<MessageId>,
    presenting: bool,
}

/// A dense view's base: the whole run's frame, painted on a canvas off the page.
struct DenseBase {
    key: DenseKey,
    frame: dense::Frame,
}

/// Where the dense view's two canvases were last put: the base's cut, and the frontier's
/// canvas's left edge (pane pixels). Written to the page only when they move.
#[derive(Clone, Copy, Default, PartialEq)]
struct DensePlaces {
    cut: f64,
    strip_left: f64,
}

/// The pane x range the hover ring and its caption cover, for a dot at `x` in a pane
/// `pane_width` wide. The caption's 12 px monospace font is under 8 px a character: a box
/// for 8 px holds the one drawn, which is as wide or narrower, centred and kept in the pane alike.
fn hover_span(x: f64, caption: &str, pane_width: f64) -> (f64, f64) {
    let (left, width) = canvas::caption_box(x, caption.chars().count() as f64 * 8.0, pane_width);
    (left.min(x - 12.0) - 4.0, (left + width).max(x + 12.0) + 4.0)
}

/// The diagram with its toolbar (zoom) and the scrolling pane.
#[component]
pub fn Diagram() -> impl IntoView {
    let store = Store::get();
    let pane = NodeRef::<Div>::new();
    let window = RwSignal::new(Window {
        left: 0.0,
        width: 1400.0,
    });
    // The pane's size, which the fitted zoom and lane spacing follow.
    let pane_size = RwSignal::new((1400.0f64, 600.0f64));
    let zoom = RwSignal::new(1.0f64);
    // The last layout and its trace: a new zoom or pane size rescales it, with no pass over a
    // big run's events.
    let last_layout = StoredValue::new(None::<(Arc<Trace>, Arc<Layout>)>);
    let layout = Memo::new(move |_| {
        let trace: Arc<Trace> = store.trace.get();
        let (width, height) = pane_size.get();
        let earlier = last_layout.with_value(|last| {
            last.as_ref()
                .filter(|(t, _)| Arc::ptr_eq(t, &trace))
                .map(|(_, l)| l.clone())
        });
        let end = earlier
            .as_ref()
            .map_or_else(|| spacetime_core::layout::end_time(&trace), |l| l.end);
        let options = fitting_options(&trace, end, width, height, zoom.get(), store.horizon.get());
        let layout = Arc::new(match earlier {
            Some(earlier) => earlier.rescaled(options),
            None => Layout::new(&trace, options),
        });
        last_layout.set_value(Some((trace, layout.clone())));
        layout
    });
    // The timing model's round boundaries or GST, in the window only.
    let time_marks = Memo::new(move |_| {
        let timing = store.scenario.with(|s| s.network.timing);
        let Window { left, width } = window.get();
        layout.get().time_marks(&timing, left, left + width)
    });
    let run_index = Memo::new(move |_| Arc::new(RunIndex::new(&store.trace.get())));
    // Whether the window holds more dots than can be read: then a canvas draws them
    // ([`dense`]), and the SVG keeps only what is selected or marked. More than can be labelled
    // now, or a run that crowds the window by its end ([`dense::crowded`]).
    let dense = Memo::new(move |_| {
        let trace = store.trace.get();
        let layout = layout.get();
        let Window { left, width } = window.get();
        let shown = Layout::visible_event_count(&trace, store.cursor.get());
        let range = layout.events_between(left, left + width);
        let now = range.end.min(shown).saturating_sub(range.start.min(shown));
        now > MAX_LABELLED_EVENTS
            || (range.len() > MAX_LABELLED_EVENTS
                && dense::crowded(range.len(), layout.lanes.len(), width))
    });
    // How big the diagram's text is ([`labels::text_scale`]): bigger on a big screen and when
    // presenting. Read again when the pane is resized, which a new window size does.
    let text_scale = Memo::new(move |_| {
        pane_size.track();
        let width = web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(0.0);
        labels::text_scale(store.presenting.get(), width)
    });
    let events = Memo::new(move |_| {
        let trace = store.trace.get();
        let layout = layout.get();
        let steps = store.cursor.get();
        let mut shapes = if dense.get() {
            let ids = store
                .marked
                .with(|m| on_top_events(&trace, steps, store.selection.get(), m));
            let shown = Layout::visible_event_count(&trace, steps);
            event_shapes_of(
                &trace,
                &layout,
                shown,
                ids.into_iter(),
                store.selection.get(),
                store.clocks.get(),
                &store.hidden.read(),
            )
        } else {
            event_shapes(
                &trace,
                &layout,
                steps,
                window.get(),
                store.selection.get(),
                store.clocks.get(),
                &store.hidden.read(),
            )
        };
        store.marked.with(|marked| {
            if !marked.is_empty() {
                for s in &mut shapes {
                    s.marked = marked.binary_search(&s.id).is_ok();
                }
            }
        });
        labels::place_captions(&mut shapes, text_scale.get());
        shapes
    });
    let arrows = Memo::new(move |_| {
        let trace = store.trace.get();
        let layout = layout.get();
        let index = run_index.get();
        let mut shapes = arrow_shapes(
            &trace,
            &layout,
            (!dense.get()).then_some(&*index),
            store.cursor.get(),
            store.view_time(),
            window.get(),
            store.selection.get(),
            &store.hidden.read(),
            &store.emphasis.read(),
        );
        events.with(|events| labels::place_labels(&mut shapes, events, text_scale.get()));
        shapes
    });
    // Arrows in flight move every frame: they are drawn as lasting elements ([`flight`]), the
    // others as markup.
    let labelled_arrows = Memo::new(move |_| arrows.with(|a| a.len() <= MAX_LABELLED_ARROWS));
    let flying = Memo::new(move |_| {
        arrows.with(|a| a.iter().filter(|s| flight::flies(s)).cloned().collect())
    });
    let landed = Memo::new(move |_| {
        arrows.with(|a| {
            a.iter()
                .filter(|s| !flight::flies(s))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let down = Memo::new(move |_| {
        let trace = store.trace.get();
        let layout = layout.get();
        layout
            .down_spans(&trace, store.cursor.get())
            .into_iter()
            .map(|s| {
                (
                    s.process,
                    px(s.from_x),
                    px(s.to_x),
                    px(layout.lane_y(s.process)),
                )
            })
            .collect::<Vec<_>>()
    });
    let now_x = Memo::new(move |_| px(layout.get().time_x(store.view_time())));
    let timers = Memo::new(move |_| {
        let trace = store.trace.get();
        timer_shapes(&trace, &layout.get(), store.cursor.get(), store.view_time())
    });
    // The dense view's canvas: the part of the pane in view (its vertical half; `window` is the
    // horizontal one), the event under the pointer, and what the frame left undrawn.
    let vertical = RwSignal::new((0.0f64, 600.0f64));
    let hovered = RwSignal::new(None::<usize>);
    let undrawn = RwSignal::new(0usize);
    let canvas_el = NodeRef::<leptos::html::Canvas>::new();
    let base_el = NodeRef::<leptos::html::Canvas>::new();
    let base_clip = NodeRef::<Div>::new();
    let palette = StoredValue::new(None::<(bool, canvas::Palette)>);
    let base = StoredValue::new_local(None::<DenseBase>);
    let places = StoredValue::new(None::<DensePlaces>);
    Effect::new(move |_| {
        let (Some(el), Some(base_canvas), Some(clip)) =
            (canvas_el.get(), base_el.get(), base_clip.get())
        else {
            return;
        };
        if !dense.get() {
            // The canvases are hidden: their bitmaps are neither sized nor cleared (a pane's
            // worth of pixels, which the task that builds the page would otherwise allocate).
            undrawn.set(0);
            return;
        }
        let Window { left, width } = window.get();
        let (top, height) = vertical.get();
        let trace = store.trace.get();
        let layout = layout.get();
        let index = run_index.get();
        let steps = store.cursor.get();
        let selection = store.selection.get();
        let mut on_top = match selection {
            Selection::Pair(a, b) => pair_chain(&trace, a, b)
                .map(|c| chain_messages(&trace, &c))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        on_top.extend_from_slice(&store.emphasis.read());
        let on_top = on_top_messages(selection, &on_top);
        let hidden = store.hidden.read();
        let shown = Layout::visible_event_count(&trace, steps);
        let selected = match selection {
            Selection::Event(e) if e < shown => Some(e),
            _ => None,
        };
        let presenting = store.presenting.get();
        let colours = match palette.get_value() {
            Some((p, colours)) if p == presenting => colours,
            _ => {
                let colours = canvas::Palette::of(&el);
                palette.set_value(Some((presenting, colours.clone())));
                colours
            }
        };
        let view = dense::View {
            left,
            top,
            width,
            height,
        };
        let scene = |steps: u64, now: f64| dense::Scene {
            trace: &trace,
            layout: &layout,
            index: &index,
            steps,
            now,
            view,
            selected,
            hidden: &hidden,
            on_top: &on_top,
        };
        // The whole run is painted again only when what it shows changes, not the cursor.
        let key = DenseKey {
            run: (
                Arc::as_ptr(&trace) as usize,
                Arc::as_ptr(&layout) as usize,
                Arc::as_ptr(&index) as usize,
            ),
            view: (left, top, width, height),
            selected,
            hidden: hidden.to_vec(),
            on_top: on_top.clone(),
            presenting,
        };
        if !base.with_value(|b| b.as_ref().is_some_and(|b| b.key == key)) {
            let frame = dense::frame(&scene(u64::MAX, f64::INFINITY));
            if let Some(base_ctx) = canvas::prepare(&base_canvas, width, height) {
                canvas::paint(&base_ctx, &frame, &colours);
            }
            base.set_value(Some(DenseBase { key, frame }));
        }
        let caption = hovered
            .get()
            .filter(|&id| id < shown)
            .map(|id| (id, hover_caption(&trace, id, store.clocks.get())));
        let hover = caption.as_ref().map(|(id, text)| {
            let p = layout.events[*id];
            ((p.x - left, p.y - top), text.as_str())
        });
        let now = store.view_time();
        let undrawn_now = base.with_value(|b| {
            let b = b.as_ref()?;
            let front = dense::frontier(&scene(steps, now), &b.frame);
            // The frontier's canvas spans what it paints: each step hands the browser a strip
            // of new pixels to composite, where a pane-wide canvas cost it milliseconds a frame.
            let span = front.span(dense::dot_radius(&b.frame));
            let hover_at = hover.map(|((x, _), caption)| hover_span(x, caption, width));
            let (lo, hi) = match (span, hover_at) {
                (Some(a), Some(h)) => (a.0.min(h.0), a.1.max(h.1)),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => (front.cut, front.cut),
            };
            let (strip_left, strip_width) = dense::strip(lo, hi, width);
            let now_at = DensePlaces {
                cut: front.cut.min(width),
                strip_left,
            };
            if places.get_value() != Some(now_at) {
                places.set_value(Some(now_at));
                let style = |el: &web_sys::HtmlElement| web_sys::HtmlElement::style(el);
                let _ = style(&clip).set_property("width", &format!("{:.0}px", now_at.cut));
                let _ =
                    style(&el).set_property("transform", &format!("translateX({strip_left:.0}px)"));
            }
            let ctx = canvas::prepare(&el, strip_width, height)?;
            canvas::paint_frontier(
                &ctx,
                &b.frame,
                &front,
                &colours,
                hover,
                (width, height),
                strip_left,
            );
            Some(b.frame.undrawn_messages)
        });
        let undrawn_now = undrawn_now.unwrap_or(0);
        if undrawn.get_untracked() != undrawn_now {
            undrawn.set(undrawn_now);
        }
    });
    let event_cache = StoredValue::new(MarkupCache::<EventShape>::default());
    let arrow_cache = StoredValue::new(MarkupCache::<ArrowShape>::default());

    let measure = move || {
        if let Some(el) = pane.get_untracked() {
            let w = Window {
                left: f64::from(el.scroll_left()),
                width: f64::from(el.client_width()).max(100.0),
            };
            if window.get_untracked() != w {
                window.set(w);
            }
            let v = (
                f64::from(el.scroll_top()),
                f64::from(el.client_height()).max(60.0),
            );
            if vertical.get_untracked() != v {
                vertical.set(v);
            }
            let size = (w.width, f64::from(el.client_height()).max(120.0));
            let old = pane_size.get_untracked();
            if (old.0 - size.0).abs() > 8.0 || (old.1 - size.1).abs() > 8.0 {
                pane_size.set(size);
            }
        }
    };
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // Keep the "now" line in view while playing or stepping. The pane's scroll position is read
    // from the signal the scroll listener keeps, not from the DOM: reading it would force the
    // browser to lay the page out again on every frame.
    //
    // After a zoom, the pane scrolls instead so that the moment under the pointer stays there.
    // The sheet is given its new width first, or the browser would clamp the scroll to the old.
    let pending_scroll = StoredValue::new(None::<f64>);
    let sheet = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let x = f64::from(now_x.get()) / 10.0;
        let run_width = layout.get().width;
        let Window { left, width } = window.get_untracked();
        if let Some(target) = pending_scroll.get_value() {
            pending_scroll.set_value(None);
            if let (Some(el), Some(sheet)) = (pane.get_untracked(), sheet.get_untracked()) {
                let _ = web_sys::HtmlElement::style(&sheet)
                    .set_property("width", &format!("{run_width:.0}px"));
                // The window already says where: the scroll listener corrects it if the pane
                // could not scroll that far.
                el.set_scroll_left(target.round() as i32);
            }
            return;
        }
        if x > left + width - 60.0 || x < left + 40.0 {
            if let Some(el) = pane.get_untracked() {
                let left = (x - width / 2.0).max(0.0);
                el.set_scroll_left(left as i32);
                window.set(Window { left, width });
            }
        }
    });
    Effect::new(move |_| {
        // Measure once mounted, at the next frame (before it is painted): read now, the pane's
        // size would make the browser lay the whole new page out inside the task that built it,
        // a task of a quarter of a second on a phone-like machine.
        if pane.get().is_some() {
            request_animation_frame(measure);
        }
    });

    // A press on the canvas while building: where it began, and where the pointer is now.
    let drag = RwSignal::new(None::<((f64, f64), (f64, f64))>);
    // Whether the activity on draws on the canvas (the clocks lesson's Build), and how.
    let drawing = move || crate::lessons::active(store).and_then(|a| a.draw);
    let building = move || drawing().is_some();
    let diagram_point = |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let svg = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
        let rect = svg.get_bounding_client_rect();
        Some((
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        ))
    };
    let on_a_shape = |ev: &web_sys::PointerEvent| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".event, [data-fate]").ok().flatten())
            .is_some()
    };

    // Zoom by `factor` about the point `at` pixels from the pane's left edge (by default the
    // "now" line if it is in view, else the pane's centre).
    let zoom_about = move |factor: f64, at: Option<f64>| {
        let options = layout.get_untracked().options;
        let old = zoom.get_untracked();
        let ppt = options.px_per_tick;
        let next = zoom::next_zoom(old, factor, ppt / old);
        if next == old {
            return;
        }
        let Window { left, width } = window.get_untracked();
        let now = f64::from(now_x.get_untracked()) / 10.0 - left;
        let at = at.unwrap_or(if now > 0.0 && now < width {
            now
        } else {
            width / 2.0
        });
        let new_ppt = (ppt / old * next).clamp(0.002, zoom::MAX_PX_PER_TICK);
        let target = zoom::anchored_scroll(left, at, options.margin_left, ppt, new_ppt);
        zoom.set(next);
        // The window moves with the zoom, in the same turn: the views drawn for the new scale
        // are drawn once, where the pane is about to scroll, not first where it was.
        let run_width = layout.get_untracked().width;
        let left = target.round().clamp(0.0, (run_width - width).max(0.0));
        pending_scroll.set_value(Some(left));
        window.set(Window { left, width });
    };
    // Ctrl + wheel (a trackpad's pinch) and a two-finger pinch zoom about the pointer. Plain
    // wheel turns still scroll. The listeners are the pane's own and not passive, so that the
    // page itself is not zoomed.
    Effect::new(move |_| {
        let Some(el) = pane.get() else { return };
        gestures::listen(&el, move |factor, at| zoom_about(factor, Some(at)));
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|t| {
                matches!(
                    t.tag_name().to_lowercase().as_str(),
                    "input" | "select" | "textarea"
                )
            });
        if typing {
            return;
        }
        match ev.key().as_str() {
            "]" => zoom_about(zoom::STEP, None),
            "[" => zoom_about(1.0 / zoom::STEP, None),
            "0" => zoom.set(1.0),
            _ => return,
        }
        ev.prevent_default();
    });
    on_cleanup(move || keys.remove());

    // In a dense view the dots are pixels on the canvas: the event under the pointer is found
    // from its coordinates, within a dot's reach.
    let dense_pick = move |ev: &web_sys::MouseEvent| -> Option<usize> {
        if !dense.get_untracked() {
            return None;
        }
        let svg = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
        let rect = svg.get_bounding_client_rect();
        let at = (
            f64::from(ev.client_x()) - rect.left(),
            f64::from(ev.client_y()) - rect.top(),
        );
        let shown = store
            .trace
            .with_untracked(|t| Layout::visible_event_count(t, store.cursor.get_untracked()));
        run_index
            .get_untracked()
            .nearest_event(&layout.get_untracked(), shown, at, 8.0)
    };

    view! {
        <div class="diagram-toolbar">
            <button data-testid="zoom-out" title="Zoom out" aria-label="Zoom out"
                on:click=move |_| zoom_about(1.0 / zoom::STEP, None)>"−"</button>
            <button data-testid="zoom-fit" title="Fit the run" aria-label="Fit the run"
                on:click=move |_| zoom.set(1.0)>"fit"</button>
            <button data-testid="zoom-in" title="Zoom in" aria-label="Zoom in"
                on:click=move |_| zoom_about(zoom::STEP, None)>"+"</button>
        </div>
        <div class="diagram-scroll" node_ref=pane on:scroll=move |_| measure() data-testid="diagram-pane">
            <div class="diagram-sheet" node_ref=sheet
                style:width=move || format!("{:.0}px", layout.get().width)
                style:height=move || format!("{:.0}px", layout.get().height)>
            // The canvas stays over the pane's visible part (sticky) while the sheet scrolls
            // under it; a dense view's dots and lines are drawn there.
            <div class="dense-layer" class:on=move || dense.get()>
                <div class="dense-view"
                    style:width=move || format!("{:.0}px", window.get().width)
                    style:height=move || format!("{:.0}px", vertical.get().1)>
                    // The whole run, shown left of the cut just behind the cursor.
                    <div class="dense-base" node_ref=base_clip>
                        <canvas node_ref=base_el data-testid="dense-base" aria-hidden="true"></canvas>
                    </div>
                    // What the cursor adds to it: a strip about the cut.
                    <canvas node_ref=canvas_el data-testid="dense-canvas" aria-hidden="true"></canvas>
                </div>
            </div>
            <div class="dense-layer note">
                {move || (undrawn.get() > 0).then(|| view! {
                    <p class="dense-note" data-testid="dense-note"
                        title=move || dense_note(undrawn.get(), true)
                        style:max-width=move || format!("{:.0}px", (window.get().width - NOTE_CLEAR_PX).max(120.0))>
                        {move || dense_note(undrawn.get(), window.get().width - NOTE_CLEAR_PX >= NOTE_LONG_PX)}
                    </p>
                })}
            </div>
            <svg
                data-testid="diagram"
                class="diagram"
                class:dense=move || dense.get()
                style=move || format!("--label-px: {:.1}px", text_scale.get() * labels::BASE_TEXT_PX)
                role="img"
                aria-label="Space-time diagram"
                width=move || format!("{:.0}", layout.get().width)
                height=move || format!("{:.0}", layout.get().height)
                class:building=building
                on:click=move |ev| {
                    let near = dense_pick(&ev);
                    let picked = near.map(Selection::Event).or_else(|| ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|el| el.closest("[data-testid]").ok().flatten())
                        .and_then(|el| el.get_attribute("data-testid"))
                        .and_then(|id| selection_of_testid(&id)))
                        // While building, a click on a lane draws on it rather than selecting it.
                        .filter(|s| !(building() && matches!(s, Selection::Process(_))));
                    match picked {
                        Some(Selection::Event(e)) if ev.shift_key() || ev.ctrl_key() || ev.meta_key() => {
                            // Shift-click: compare with the event already selected.
                            if matches!(store.selection.get_untracked(), Selection::Event(_)) {
                                store.comparing.set(true);
                            }
                            store.pick(Selection::Event(e));
                        }
                        Some(s) => store.pick(s),
                        None => {
                            if !building() {
                                store.selection.set(Selection::Nothing);
                            }
                        }
                    }
                }
                on:pointerdown=move |ev| {
                    let Some(draw) = drawing() else { return };
                    if ev.button() != 0 || on_a_shape(&ev) {
                        return;
                    }
                    if let Some(p) = diagram_point(&ev) {
                        if (draw.starts_at)(&layout.get_untracked(), p) {
                            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                let _ = el.set_pointer_capture(ev.pointer_id());
                            }
                            drag.set(Some((p, p)));
                        }
                    }
                }
                on:pointermove=move |ev| {
                    let near = dense_pick(&ev);
                    if hovered.get_untracked() != near {
                        hovered.set(near);
                    }
                    if drag.with_untracked(Option::is_some) {
                        if let Some(p) = diagram_point(&ev) {
                            drag.update(|d| if let Some(d) = d { d.1 = p });
                        }
                    }
                }
                on:pointerup=move |ev| {
                    if let Some((start, _)) = drag.get_untracked() {
                        drag.set(None);
                        let end = diagram_point(&ev).unwrap_or(start);
                        if let Some(draw) = crate::lessons::active_untracked(store).and_then(|a| a.draw) {
                            (draw.finish)(store, &layout.get_untracked(), start, end);
                        }
                    }
                }
                on:pointercancel=move |_| drag.set(None)
                on:pointerleave=move |_| hovered.set(None)
                class:over-event=move || hovered.get().is_some()
            >
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"></path>
                    </marker>
                </defs>
                <For
                    each=move || layout.get().lanes.clone()
                    key=|lane| (lane.process, lane.name.clone(), px(lane.y))
                    children=move |lane| {
                        let p = lane.process;
                        let y = format!("{:.1}", lane.y);
                        let selected = move || store.selection.get() == Selection::Process(p);
                        view! {
                            <g class="lane" class:selected=selected data-testid=format!("lane-{p}")>
                                <line class="lane-hit" x1="0" x2=move || format!("{:.0}", layout.get().width)
                                    y1=y.clone() y2=y.clone()></line>
                                <line class="lane-line" x1=format!("{:.1}", layout.get_untracked().options.margin_left - 8.0)
                                    x2=move || format!("{:.0}", layout.get().width)
                                    y1=y.clone() y2=y.clone() stroke=lane.colour></line>
                                // The name stays at the pane's left edge however far the run is scrolled.
                                <text class="lane-name" x=move || format!("{:.0}", window.get().left + 8.0)
                                    y=y.clone() dy="0.35em" fill=lane.colour>{lane.name.clone()}</text>
                            </g>
                        }
                    }
                />
                <For
                    each=move || time_marks.get()
                    key=|m| (m.at, m.gst, px(m.x))
                    children=move |m| {
                        let x = format!("{:.1}", m.x);
                        view! {
                            <g class="time-mark" class:gst=m.gst data-testid=format!("time-mark-{}", m.at)>
                                <line x1=x.clone() x2=x.clone() y1="6"
                                    y2=move || format!("{:.0}", layout.get().height - 6.0)></line>
                                <text x=format!("{:.1}", m.x + 4.0) y="18">{m.label.clone()}</text>
                            </g>
                        }
                    }
                />
                <For
                    each=move || down.get()
                    key=|span| *span
                    children=move |(p, from, to, y)| view! {
                        <rect class="down-span" data-testid=format!("down-{p}")
                            x=unpx(from) width=unpx((to - from).max(20)) y=unpx(y - 90) height="18"></rect>
                    }
                />
                <For
                    each=move || timers.get()
                    key=|t| t.clone()
                    children=move |t| {
                        let (x1, x2, xn, y) = (unpx(t.x_set), unpx(t.x_due), unpx(t.x_now), unpx(t.y));
                        view! {
                            <g class="timer" class:running=t.running data-testid=format!("timer-{}", t.span)>
                                <line class="timer-track" x1=x1.clone() x2=x2.clone() y1=y.clone() y2=y.clone()></line>
                                {t.running.then(|| view! {
                                    <line class="timer-left" x1=xn.clone() x2=x2.clone() y1=y.clone() y2=y.clone()></line>
                                })}
                                <line class="timer-end" x1=x2.clone() x2=x2.clone()
                                    y1=unpx(t.y - 50) y2=unpx(t.y + 50)></line>
                                <text class="timer-label" x=x2 y=unpx(t.y - 40) text-anchor="end">{t.label.clone()}</text>
                            </g>
                        }
                    }
                />
                <line class="now-line" data-testid="now-line"
                    x1=move || unpx(now_x.get()) x2=move || unpx(now_x.get())
                    y1="8" y2=move || format!("{:.0}", layout.get().height - 8.0)></line>
                <MarkupGroups class="arrows" groups=move || landed.with(|a| {
                    let labelled = labelled_arrows.get();
                    arrow_cache
                        .try_update_value(|c| c.update(a, labelled, |s| s.id, arrows_markup))
                        .unwrap_or_default()
                })/>
                <flight::FlightLayer flying=flying labelled=labelled_arrows/>
                {move || drag.get().map(|((x1, y1), (x2, y2))| view! {
                    <line class="drag-line" data-testid="drag-line"
                        x1=format!("{x1:.1}") y1=format!("{y1:.1}") x2=format!("{x2:.1}") y2=format!("{y2:.1}")></line>
                })}
                <MarkupGroups class="events" groups=move || events.with(|e| {
                    let labelled = e.len() <= MAX_LABELLED_EVENTS;
                    event_cache
                        .try_update_value(|c| c.update(e, labelled, |s| s.id, events_markup))
                        .unwrap_or_default()
                })/>
            </svg>
            </div>
        </div>
        <overview::Overview layout=layout window=window pane=pane/>
    }
}

/// What the pointer over a dense view's dot shows: the event's clock (as the labels would), its
/// process and what it did.
pub fn hover_caption(trace: &Trace, id: usize, clocks: ClockMode) -> String {
    let e = &trace.events[id];
    let clock = clock_label(trace, id, clocks);
    let text = format!("{clock} {}: {}", trace.processes[e.process], e.label);
    let text = text.trim();
    if text.chars().count() > 72 {
        let cut: String = text.chars().take(71).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::layout::end_time;
    use spacetime_core::{protocols::example, Action, Intervention, Run};

    fn run(name: &str, interventions: Vec<Intervention>) -> Trace {
        let mut s = example(name).unwrap();
        s.interventions = interventions;
        Run::complete(&s).unwrap().trace().clone()
    }

    const ALL: Window = Window {
        left: 0.0,
        width: 1e9,
    };

    #[test]
    fn only_events_up_to_the_cursor_are_drawn() {
        let t = run("clocks-busy-four", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let none = event_shapes(
            &t,
            &layout,
            0,
            ALL,
            Selection::Nothing,
            ClockMode::Lamport,
            &[],
        );
        assert!(none.is_empty());
        let all = event_shapes(
            &t,
            &layout,
            t.step_count(),
            ALL,
            Selection::Nothing,
            ClockMode::Lamport,
            &[],
        );
        assert_eq!(all.len(), t.events.len());
        let some = event_shapes(
            &t,
            &layout,
            3,
            ALL,
            Selection::Nothing,
            ClockMode::Lamport,
            &[],
        );
        assert!(some.iter().all(|e| t.events[e.id].step < 3));
    }

    #[test]
    fn clock_labels_follow_the_mode() {
        let t = run("clocks-three-events", vec![]);
        let receipt = t
            .events
            .iter()
            .find(|e| e.kind == EventKind::Receive)
            .unwrap();
        assert_eq!(
            clock_label(&t, receipt.id, ClockMode::Lamport),
            receipt.lamport.to_string()
        );
        assert_eq!(clock_label(&t, receipt.id, ClockMode::Vector), "[2,2]");
        assert_eq!(clock_label(&t, receipt.id, ClockMode::Off), "");
    }

    #[test]
    fn selecting_an_event_highlights_its_past_future_and_concurrent_events() {
        let t = run("clocks-concurrent-pair", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let pick = t
            .events
            .iter()
            .find(|e| e.kind == EventKind::Receive)
            .unwrap()
            .id;
        let shapes = event_shapes(
            &t,
            &layout,
            t.step_count(),
            ALL,
            Selection::Event(pick),
            ClockMode::Off,
            &[],
        );
        for s in &shapes {
            let expected = match t.relation(s.id, pick) {
                Relation::Same => Highlight::Selected,
                Relation::Before => Highlight::Past,
                Relation::After => Highlight::Future,
                Relation::Concurrent => Highlight::Concurrent,
            };
            assert_eq!(s.highlight, expected);
        }
        assert!(shapes.iter().any(|s| s.highlight == Highlight::Concurrent));
        assert!(shapes.iter().any(|s| s.highlight == Highlight::Past));
    }

    #[test]
    fn a_dropped_message_is_drawn_dying_and_never_received() {
        let t = run(
            "clocks-three-events",
            vec![Intervention {
                step: 2,
                action: Action::Drop { message: 0 },
            }],
        );
        let layout = Layout::new(&t, LayoutOptions::default());
        let arrows = arrow_shapes(
            &t,
            &layout,
            Some(&RunIndex::new(&t)),
            t.step_count(),
            1e9,
            ALL,
            Selection::Nothing,
            &[],
            &[],
        );
        assert_eq!(arrows.len(), 1);
        assert_eq!(arrows[0].end, ArrowEnd::Died);
        assert!(t.events.iter().all(|e| e.kind != EventKind::Receive));
    }

    #[test]
    fn markup_escapes_labels_and_names_every_shape() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        let t = run(
            "clocks-three-events",
            vec![Intervention {
                step: 2,
                action: Action::Drop { message: 0 },
            }],
        );
        let layout = Layout::new(&t, LayoutOptions::default());
        let steps = t.step_count();
        let events = events_markup(
            &event_shapes(
                &t,
                &layout,
                steps,
                ALL,
                Selection::Nothing,
                ClockMode::Lamport,
                &[],
            ),
            true,
        );
        for e in &t.events {
            assert!(events.contains(&format!(r#"data-testid="event-{}""#, e.id)));
        }
        let arrows = arrows_markup(
            &arrow_shapes(
                &t,
                &layout,
                Some(&RunIndex::new(&t)),
                steps,
                1e9,
                ALL,
                Selection::Nothing,
                &[],
                &[],
            ),
            true,
        );
        assert!(arrows.contains("msg-label"));
        assert!(!arrows_markup(
            &arrow_shapes(
                &t,
                &layout,
                Some(&RunIndex::new(&t)),
                steps,
                1e9,
                ALL,
                Selection::Nothing,
                &[],
                &[]
            ),
            false
        )
        .contains("msg-label"));
        assert!(arrows.contains(r#"data-testid="msg-0" data-fate="Died""#));
        assert!(arrows.contains(r#"data-testid="cross-0""#));
    }

    #[test]
    fn what_a_protocol_sends_again_is_dashed_because_its_payload_says_so() {
        // The example drops a segment itself: keep its interventions.
        let t = Run::complete(&example("tcp-lost-segment").unwrap())
            .unwrap()
            .trace()
            .clone();
        let layout = Layout::new(&t, LayoutOptions::default());
        let shapes = arrow_shapes(
            &t,
            &layout,
            Some(&RunIndex::new(&t)),
            t.step_count(),
            1e9,
            ALL,
            Selection::Nothing,
            &[],
            &[],
        );
        let markup = arrows_markup(&shapes, true);
        let again: Vec<_> = t.messages.iter().filter(|m| m.sent_again()).collect();
        assert!(!again.is_empty(), "the lost segment is sent again");
        for m in &t.messages {
            let dashed = markup.contains(&format!(r#" again" data-testid="msg-{}""#, m.id));
            assert_eq!(dashed, m.sent_again(), "message {} ({})", m.id, m.label);
        }
    }

    #[test]
    fn shapes_are_grouped_by_id_in_order() {
        let t = run("gossip-many-rumours", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let shapes = event_shapes(
            &t,
            &layout,
            t.step_count(),
            ALL,
            Selection::Nothing,
            ClockMode::Off,
            &[],
        );
        let groups = chunks(&shapes, |s| s.id);
        assert_eq!(
            groups.iter().map(|(_, c)| c.len()).sum::<usize>(),
            shapes.len()
        );
        for (i, c) in &groups {
            assert!(c.iter().all(|s| s.id / CHUNK == *i));
        }
        assert!(groups.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_markup_cache_rewrites_only_changed_groups() {
        let t = run("gossip-busy-sixteen", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let shapes = |steps| {
            event_shapes(
                &t,
                &layout,
                steps,
                ALL,
                Selection::Nothing,
                ClockMode::Lamport,
                &[],
            )
        };
        let mut cache = MarkupCache::default();
        let before = cache.update(&shapes(600), false, |s| s.id, events_markup);
        let after = cache.update(&shapes(601), false, |s| s.id, events_markup);
        let changed: Vec<_> = after
            .iter()
            .filter(|(g, v, _)| !before.iter().any(|(h, w, _)| g == h && v == w))
            .collect();
        assert!(
            !changed.is_empty() && changed.len() <= 2,
            "{} groups changed",
            changed.len()
        );
        let whole: String = after.iter().map(|(_, _, m)| m.to_string()).collect();
        assert_eq!(whole, events_markup(&shapes(601), false));
        // A change of labelling redraws everything.
        let labelled = cache.update(&shapes(601), true, |s| s.id, events_markup);
        assert!(labelled
            .iter()
            .all(|(g, v, _)| !after.iter().any(|(h, w, _)| g == h && v == w)));
    }

    #[test]
    fn clicks_select_by_testid() {
        assert_eq!(selection_of_testid("event-12"), Some(Selection::Event(12)));
        assert_eq!(selection_of_testid("clock-3"), Some(Selection::Event(3)));
        assert_eq!(selection_of_testid("msg-4"), Some(Selection::Message(4)));
        assert_eq!(selection_of_testid("lane-2"), Some(Selection::Process(2)));
        assert_eq!(selection_of_testid("diagram"), None);
        assert_eq!(selection_of_testid("down-x"), None);
    }

    #[test]
    fn fitting_fills_the_pane_without_crowding() {
        let t = run("clocks-three-events", vec![]);
        let o = fitting_options(&t, end_time(&t), 1600.0, 700.0, 1.0, 0);
        let layout = Layout::new(&t, o);
        assert!(
            layout.width > 1200.0 && layout.width < 1700.0,
            "{}",
            layout.width
        );
        assert!(o.lane_gap >= 44.0 && o.lane_gap <= 220.0);
        // The first lane runs below the zoom buttons.
        assert!(layout.lane_y(0) > ZOOM_BUTTONS_BOTTOM + 8.0);
        // A long run fits too: its dots are then drawn dense.
        let long = run("gossip-many-rumours", vec![]);
        let fitted = Layout::new(
            &long,
            fitting_options(&long, end_time(&long), 300.0, 400.0, 1.0, 0),
        );
        assert!(fitted.width <= 300.0, "{}", fitted.width);
        // However many events share a tick, the fitted run stays in the pane.
        let busy = run("gossip-busy-sixteen", vec![]);
        let fitted = Layout::new(
            &busy,
            fitting_options(&busy, end_time(&busy), 800.0, 400.0, 1.0, 0),
        );
        assert!(fitted.width <= 800.0, "{}", fitted.width);
        assert!(
            fitting_options(&t, end_time(&t), 1600.0, 700.0, 2.0, 0).px_per_tick > o.px_per_tick
        );
    }

    #[test]
    fn arrows_outside_the_window_are_not_drawn() {
        let t = run("gossip-many-rumours", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let window = Window {
            left: 100.0,
            width: 200.0,
        };
        let now = t.time_at_step(t.step_count()) as f64;
        let some = arrow_shapes(
            &t,
            &layout,
            Some(&RunIndex::new(&t)),
            t.step_count(),
            now,
            window,
            Selection::Nothing,
            &[],
            &[],
        );
        let all = arrow_shapes(
            &t,
            &layout,
            Some(&RunIndex::new(&t)),
            t.step_count(),
            now,
            ALL,
            Selection::Nothing,
            &[],
            &[],
        );
        assert!(!some.is_empty() && some.len() < all.len());
    }

    #[test]
    fn running_timers_count_down_and_fired_ones_stay() {
        let t = run("tcp-lost-segment", vec![]);
        let layout = Layout::new(&t, LayoutOptions::default());
        let fired = t
            .timers
            .iter()
            .position(|s| {
                s.stopped
                    .is_some_and(|x| x.how == spacetime_core::TimerEnd::Fired)
            })
            .expect("the lost segment's timer goes off");
        let span = &t.timers[fired];
        let stop = span.stopped.unwrap();
        // Just before it fires, it runs with the time it has left.
        let before = timer_shapes(&t, &layout, stop.step, span.due as f64 - 5.0);
        let shape = before.iter().find(|s| s.span == fired).unwrap();
        assert!(shape.running);
        assert_eq!(shape.label, format!("{} 5", span.name));
        assert!(shape.x_set < shape.x_now && shape.x_now < shape.x_due);
        // Once it fired, it stays drawn as a span that went off.
        let after = timer_shapes(&t, &layout, t.step_count(), 1e9);
        let shape = after.iter().find(|s| s.span == fired).unwrap();
        assert!(!shape.running);
        assert!(shape.label.ends_with("fired"));
        // Timers cancelled in time are not drawn once stopped.
        assert!(after.iter().all(|s| !s.running));
    }
}
