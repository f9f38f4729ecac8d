//! What a dense view draws: the plain math behind the canvas layer, tested natively.
//!
//! Beyond a few hundred dots on screen no label can be read and a dot is a few pixels wide, yet
//! SVG still pays for every element, in the page and in the browser's paint. A dense view
//! therefore draws onto one canvas the size of the pane, and what it draws is bounded by the
//! pane's pixels, not by the run:
//! - up to [`DOT_BUDGET`] events are drawn as dots, coloured and ringed as the SVG would;
//! - beyond that, each lane becomes a *density band*: a row of [`BIN_PX`]-wide cells that count
//!   the events falling in them, so 100,000 events cost at most a few thousand cells;
//! - up to [`ARROW_BUDGET`] messages are drawn as plain lines; beyond that none are, and the
//!   frame says how many there are, to be seen by zooming in.
//!
//! The selected event, a selected pair and its chain, marked events and selected messages stay
//! in the SVG over the canvas, so they keep their rings, labels and clicks at every zoom.
//!
//! Scrubbing and playing change only the cursor, so the whole run's frame (the *base*) is painted
//! once per view and shown left of a cut just behind the cursor; each move then draws only the
//! [`Frontier`]: what lies right of the cut, and the messages still in the air.

use spacetime_core::layout::{ArrowEnd, Layout};
use spacetime_core::{EventKind, MessageId, Trace};

use super::index::RunIndex;
use super::Highlight;

/// At most this many dots are drawn one by one; more become density bands.
pub const DOT_BUDGET: usize = 6_000;
/// At most this many messages are drawn; more are counted instead.
pub const ARROW_BUDGET: usize = 5_000;
/// The width of a density band's cell, in CSS pixels.
pub const BIN_PX: f64 = 2.0;
/// The width of a dot in the SVG (its radius is 7).
pub const SVG_DOT_PX: f64 = 14.0;

/// Whether `events` dots spread over `lanes` lanes of `width` pixels would sit, on average,
/// closer than a dot's width: then no single dot can be told apart or labelled, and the SVG would
/// draw a heap of overlapping markup.
///
/// The diagram asks it of the whole run's events in the window, not only of those before the
/// cursor: a crowded window is then dense at every step, and scrubbing through the early part of a
/// busy run neither swaps renderers nor builds hundreds of elements that cover each other.
pub fn crowded(events: usize, lanes: usize, width: f64) -> bool {
    events as f64 * SVG_DOT_PX > lanes.max(1) as f64 * width.max(0.0)
}

/// The part of the diagram the pane shows, in diagram pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl View {
    fn holds_y(&self, y: f64, slack: f64) -> bool {
        y >= self.top - slack && y <= self.top + self.height + slack
    }
}

/// One dot, in pane pixels (relative to the view's top left).
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub id: usize,
    pub x: f64,
    pub y: f64,
    pub process: usize,
    pub kind: EventKind,
    pub highlight: Highlight,
}

/// A lane's density band: cells of [`BIN_PX`] from the view's left edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub process: usize,
    /// The lane's y in pane pixels.
    pub y: f64,
    pub cells: Vec<Cell>,
}

/// How many events fall in one cell, and how many of them are in the selected event's causal
/// past or future.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub events: u16,
    pub past: u16,
    pub future: u16,
}

/// One message's line, in pane pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub message: MessageId,
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub end: ArrowEnd,
}

/// Everything the canvas draws for one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    pub dots: Vec<Dot>,
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
    /// Messages in view that are not drawn (over [`ARROW_BUDGET`]).
    pub undrawn_messages: usize,
    /// Whether a selection shades the view (past, future and concurrent).
    pub shaded: bool,
}

/// The question a frame answers: which run, how far, what is selected, which part is seen.
pub struct Scene<'a> {
    pub trace: &'a Trace,
    pub layout: &'a Layout,
    pub index: &'a RunIndex,
    pub steps: u64,
    /// Virtual time, for messages part of the way.
    pub now: f64,
    pub view: View,
    /// The selected event, whose causal past and future are shaded.
    pub selected: Option<usize>,
    /// Messages drawn as sends and receipts no more (a lesson hides them).
    pub hidden: &'a [MessageId],
    /// Messages the SVG draws over the canvas (selected, on a chain): not drawn twice.
    pub on_top: &'a [MessageId],
}

/// How event `id` stands to the selected event `s`, from their vector clocks in constant time:
/// `e -> s` exactly when `s` has seen `e`'s own entry.
pub fn highlight_of(trace: &Trace, id: usize, s: Option<usize>) -> Highlight {
    let Some(s) = s else {
        return Highlight::None;
    };
    if id == s {
        return Highlight::Selected;
    }
    let (pe, ps) = (trace.events[id].process, trace.events[s].process);
    let (ve, vs) = (trace.vector(id), trace.vector(s));
    if vs[pe] >= ve[pe] {
        Highlight::Past
    } else if ve[ps] >= vs[ps] {
        Highlight::Future
    } else {
        Highlight::Concurrent
    }
}

/// The radius of a frame's dots: smaller where there are many.
pub fn dot_radius(frame: &Frame) -> f64 {
    if frame.dots.len() > 1500 {
        3.5
    } else {
        5.0
    }
}

/// The opacity of a frame's lines: many lines over one spot would merge into a solid mass, so
/// the more there are, the fainter.
pub fn line_alpha(frame: &Frame) -> f64 {
    if frame.lines.len() > 1500 {
        0.35
    } else {
        0.7
    }
}

/// Event `id`'s dot in `scene`, highlighted against `selected`.
fn dot(scene: &Scene, id: usize, selected: Option<usize>) -> Dot {
    let (p, e) = (scene.layout.events[id], &scene.trace.events[id]);
    let kind = match e.message {
        // A message a lesson hides leaves a plain local event behind.
        Some(m) if scene.hidden.contains(&m) => EventKind::Local,
        _ => e.kind,
    };
    Dot {
        id,
        x: p.x - scene.view.left,
        y: p.y - scene.view.top,
        process: e.process,
        kind,
        highlight: highlight_of(scene.trace, id, selected),
    }
}

/// The frame of a dense view.
pub fn frame(scene: &Scene) -> Frame {
    let Scene {
        trace,
        layout,
        view,
        ..
    } = *scene;
    let shown = Layout::visible_event_count(trace, scene.steps);
    let range = layout.events_between(view.left, view.left + view.width);
    let ids = range.start.min(shown)..range.end.min(shown);
    let band_slack = 8.0;
    let mut out = Frame {
        shaded: scene.selected.is_some_and(|s| s < shown),
        ..Frame::default()
    };
    let selected = scene.selected.filter(|&s| s < shown);
    if ids.len() <= DOT_BUDGET {
        for id in ids {
            let p = layout.events[id];
            if !view.holds_y(p.y, band_slack) {
                continue;
            }
            out.dots.push(dot(scene, id, selected));
        }
    } else {
        out.bands = bands(scene, ids, selected, band_slack, 0.0);
    }
    lines(scene, &mut out);
    out
}

/// What a move of the cursor draws over the base: the whole run's [`frame`] for the same view
/// and selection, painted once and shown left of `cut` only.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frontier {
    /// The pane x up to which the base is shown, on the bands' grid. No event shown after the
    /// cursor (as a dot, or in a cell) reaches left of it.
    pub cut: f64,
    /// The shown events that reach the cut or lie right of it, as dots (where the base has dots).
    pub dots: Vec<Dot>,
    /// The shown events right of the cut, counted in cells (where the base has bands).
    pub bands: Vec<Band>,
    /// Messages settled by the cursor (received, or lost), drawn right of the cut only: left of
    /// it the base already draws them as they end.
    pub settled: Vec<Line>,
    /// Messages in the air at the cursor, drawn whole.
    pub in_air: Vec<Line>,
    /// The base's lines of the messages in the air (as they end, later), painted over left of
    /// the cut before `in_air` is drawn.
    pub covered: Vec<Line>,
}

/// Past a line's or a dot's geometry, what its stroke covers (a ring is 1.8 px wide, a line
/// painted over 3 px).
const STROKE_PX: f64 = 3.0;

impl Frontier {
    /// The pane x range the frontier paints on, for dots of `radius`: `None` if nothing. The
    /// page shows the base left of the cut on a canvas of its own, and the frontier on one this
    /// wide, so that a move of the cursor hands the browser a strip of new pixels, not a pane's.
    pub fn span(&self, radius: f64) -> Option<(f64, f64)> {
        let mut span: Option<(f64, f64)> = None;
        let mut take = |lo: f64, hi: f64| {
            let (a, b) = span.get_or_insert((lo, hi));
            *a = a.min(lo);
            *b = b.max(hi);
        };
        let dot = radius + STROKE_PX;
        for d in &self.dots {
            take(d.x - dot, d.x + dot);
        }
        for band in &self.bands {
            let filled = |c: &&Cell| c.events > 0;
            let first = band.cells.iter().position(|c| filled(&c));
            let last = band.cells.iter().rposition(|c| filled(&c));
            if let (Some(first), Some(last)) = (first, last) {
                take(first as f64 * BIN_PX, (last + 1) as f64 * BIN_PX);
            }
        }
        let reach = |l: &Line| (l.from.0.min(l.to.0), l.from.0.max(l.to.0));
        for l in self.in_air.iter().chain(&self.covered) {
            let (lo, hi) = reach(l);
            take(lo - STROKE_PX, hi + STROKE_PX);
        }
        // Settled messages are drawn right of the cut only.
        for l in &self.settled {
            let (lo, hi) = reach(l);
            take(lo.max(self.cut) - STROKE_PX, hi + STROKE_PX);
        }
        span
    }
}

/// The canvas that holds a frontier spanning pane x `lo..hi` in a pane `pane_width` wide: its
/// left edge and its width, in CSS pixels. Both move in coarse steps, so that the canvas keeps
/// its bitmap while the frontier creeps along with the cursor.
pub fn strip(lo: f64, hi: f64, pane_width: f64) -> (f64, f64) {
    let left = (lo.clamp(0.0, pane_width) / 64.0).floor() * 64.0;
    let right = hi.min(pane_width).max(left);
    (left, ((right - left) / 128.0).ceil().max(1.0) * 128.0)
}

/// The [`Frontier`] of `scene` (the cursor's steps and time) over `base`, the frame of the same
/// view and selection for the whole run.
pub fn frontier(scene: &Scene, base: &Frame) -> Frontier {
    let Scene {
        trace,
        layout,
        view,
        ..
    } = *scene;
    let shown = Layout::visible_event_count(trace, scene.steps);
    let radius = dot_radius(base);
    // Events are in time order, and a dot sits at or right of its moment: no event yet to be
    // shown is left of the first one's moment, nor of the cursor's time.
    let mut edge = layout.time_x(scene.now) - view.left;
    if let Some(next) = trace.events.get(shown) {
        edge = edge.min(layout.time_x(next.time as f64) - view.left);
    }
    let cut = (((edge - radius - 2.0) / BIN_PX).floor() * BIN_PX).clamp(0.0, view.width);
    let mut out = Frontier {
        cut,
        ..Frontier::default()
    };
    let selected = scene.selected.filter(|&s| s < shown);
    // The shown events whose dots can reach the cut or the view right of it, found by their
    // moments (in id order, where the dots' x are not: a crowded tick spreads to the right).
    let moment_x = |id: usize| layout.time_x(trace.events[id].time as f64) - view.left;
    let lo = partition(shown, |id| moment_x(id) < cut - radius - layout.crowd_px);
    let hi = partition(shown, |id| moment_x(id) <= view.width + radius);
    let ids = lo..hi.max(lo);
    let band_slack = 8.0;
    if base.bands.is_empty() {
        for id in ids {
            let p = layout.events[id];
            if p.x - view.left < cut - radius || !view.holds_y(p.y, band_slack) {
                continue;
            }
            out.dots.push(dot(scene, id, selected));
        }
    } else {
        out.bands = bands(scene, ids, selected, band_slack, cut);
    }
    // The base leaves its messages undrawn when there are too many: so does its frontier.
    if base.undrawn_messages > 0 || base.lines.is_empty() {
        return out;
    }
    let whole = Scene {
        steps: u64::MAX,
        now: f64::INFINITY,
        ..*scene
    };
    // Only messages that reach the cut can differ from the base: the others ended before it.
    let slack = 24.0;
    let (from, to) = (
        layout.x_time(view.left + cut - slack - layout.crowd_px),
        layout.x_time(view.left + view.width + slack),
    );
    for m in scene.index.messages_between(from, to) {
        if scene.hidden.contains(&m) || scene.on_top.contains(&m) {
            continue;
        }
        let Some(line) = arrow_line(scene, m) else {
            continue;
        };
        if line.end != ArrowEnd::InFlight {
            if line.from.0.max(line.to.0) >= cut {
                out.settled.push(line);
            }
            continue;
        }
        if line.from.0 < cut {
            if let Some(a) = arrow_line(&whole, line.message) {
                out.covered.push(a);
            }
        }
        out.in_air.push(line);
    }
    out
}

/// The first of `0..n` for which `before` is false, `before` being true then false over it.
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Each lane's cells, counting the events `ids` that lie at or right of pane x `from_x`.
fn bands(
    scene: &Scene,
    ids: std::ops::Range<usize>,
    selected: Option<usize>,
    slack: f64,
    from_x: f64,
) -> Vec<Band> {
    let Scene {
        trace,
        layout,
        view,
        ..
    } = *scene;
    let cells = (view.width / BIN_PX).ceil() as usize + 1;
    // Bands only for lanes in view, found by lane number.
    let mut row_of = vec![usize::MAX; layout.lanes.len()];
    let mut bands = Vec::new();
    for lane in &layout.lanes {
        if view.holds_y(lane.y, slack) {
            row_of[lane.process] = bands.len();
            bands.push(Band {
                process: lane.process,
                y: lane.y - view.top,
                cells: vec![Cell::default(); cells],
            });
        }
    }
    // A base at "fit" counts every event of a big run: the loop reads the layout's compact
    // arrays only, and the trace only for the selection's causal order.
    let from_x = from_x.max(0.0);
    for id in ids {
        let row = row_of[layout.process_of(id)];
        if row == usize::MAX {
            continue;
        }
        let x = layout.events[id].x - view.left;
        if x < from_x {
            continue;
        }
        let Some(cell) = bands[row].cells.get_mut((x * (1.0 / BIN_PX)) as usize) else {
            continue;
        };
        cell.events = cell.events.saturating_add(1);
        if selected.is_some() {
            match highlight_of(trace, id, selected) {
                Highlight::Past => cell.past = cell.past.saturating_add(1),
                Highlight::Future => cell.future = cell.future.saturating_add(1),
                _ => {}
            }
        }
    }
    bands
}

fn lines(scene: &Scene, out: &mut Frame) {
    let Scene {
        trace,
        layout,
        index,
        view,
        ..
    } = *scene;
    // A line ends at its receipt's dot, which a crowded tick puts right of its moment.
    let slack = 24.0;
    let (from, to) = (
        layout.x_time(view.left - slack - layout.crowd_px),
        layout.x_time(view.left + view.width + slack),
    );
    let candidates = index.count_between(from, to);
    if candidates > ARROW_BUDGET {
        out.undrawn_messages = index
            .messages_between(from, to)
            .filter(|&m| trace.messages[m].created_step < scene.steps)
            .count();
        if out.undrawn_messages > ARROW_BUDGET {
            return;
        }
        out.undrawn_messages = 0;
    }
    for m in index.messages_between(from, to) {
        if scene.hidden.contains(&m) || scene.on_top.contains(&m) {
            continue;
        }
        out.lines.extend(arrow_line(scene, m));
    }
}

/// Message `m`'s line as `scene` draws it, if it is drawn and touches the view.
fn arrow_line(scene: &Scene, m: MessageId) -> Option<Line> {
    let Scene {
        trace,
        layout,
        view,
        ..
    } = *scene;
    let slack = 24.0;
    let a = layout.arrow_at_time(trace, m, scene.steps, scene.now)?;
    let (x_lo, x_hi) = (a.from.x.min(a.to.x), a.from.x.max(a.to.x));
    let (y_lo, y_hi) = (a.from.y.min(a.to.y), a.from.y.max(a.to.y));
    if x_hi < view.left - slack || x_lo > view.left + view.width + slack {
        return None;
    }
    if y_hi < view.top || y_lo > view.top + view.height {
        return None;
    }
    Some(Line {
        message: m,
        from: (a.from.x - view.left, a.from.y - view.top),
        to: (a.to.x - view.left, a.to.y - view.top),
        end: a.end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::layout::LayoutOptions;
    use spacetime_core::{protocols::example, Relation, Run};

    fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
    }

    fn scene<'a>(
        t: &'a Trace,
        layout: &'a Layout,
        index: &'a RunIndex,
        view: View,
        selected: Option<usize>,
    ) -> Scene<'a> {
        Scene {
            trace: t,
            layout,
            index,
            steps: t.step_count(),
            now: t.events.last().unwrap().time as f64,
            view,
            selected,
            hidden: &[],
            on_top: &[],
        }
    }

    fn whole(layout: &Layout) -> View {
        View {
            left: 0.0,
            top: 0.0,
            width: layout.width,
            height: layout.height,
        }
    }

    #[test]
    fn the_constant_time_highlight_agrees_with_the_relation() {
        let t = trace("gossip-busy-sixteen");
        for s in [0, 40, t.events.len() / 2, t.events.len() - 1] {
            for id in (0..t.events.len()).step_by(7) {
                let want = match t.relation(id, s) {
                    Relation::Same => Highlight::Selected,
                    Relation::Before => Highlight::Past,
                    Relation::After => Highlight::Future,
                    Relation::Concurrent => Highlight::Concurrent,
                };
                assert_eq!(highlight_of(&t, id, Some(s)), want, "{id} against {s}");
            }
        }
    }

    #[test]
    fn a_view_of_few_events_draws_each_dot_and_each_message() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let view = View {
            left: layout.time_x(100.0),
            top: 0.0,
            width: 600.0,
            height: layout.height,
        };
        let f = frame(&scene(&t, &layout, &index, view, None));
        let range = layout.events_between(view.left, view.left + view.width);
        assert_eq!(f.dots.len(), range.len());
        assert!(f.bands.is_empty());
        assert!(!f.lines.is_empty() && f.undrawn_messages == 0);
        // Every line touches the view.
        for l in &f.lines {
            assert!(l.from.0.max(l.to.0) >= -24.0 && l.from.0.min(l.to.0) <= 624.0);
        }
    }

    #[test]
    fn a_view_of_many_events_counts_them_in_bands_that_add_up() {
        let t = trace("gossip-busy-sixteen");
        let options = LayoutOptions {
            px_per_tick: 0.05,
            ..LayoutOptions::default()
        };
        let layout = Layout::new(&t, options);
        let index = RunIndex::new(&t);
        // Pretend the budget is small by asking for a view of all of them twice over.
        let view = whole(&layout);
        let mut s = scene(&t, &layout, &index, view, Some(t.events.len() / 2));
        s.steps = t.step_count();
        let ids = 0..t.events.len();
        let bands = bands(&s, ids, s.selected, 8.0, 0.0);
        assert_eq!(bands.len(), t.processes.len());
        let counted: usize = bands
            .iter()
            .flat_map(|b| b.cells.iter())
            .map(|c| usize::from(c.events))
            .sum();
        assert_eq!(counted, t.events.len());
        let past: usize = bands
            .iter()
            .flat_map(|b| b.cells.iter())
            .map(|c| usize::from(c.past))
            .sum();
        assert_eq!(past, t.causal_past(t.events.len() / 2).len());
    }

    #[test]
    fn lanes_out_of_view_are_not_drawn_and_the_cursor_hides_the_future() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let view = View {
            left: 0.0,
            top: layout.lanes[3].y - 10.0,
            width: layout.width,
            height: 20.0,
        };
        let mut s = scene(&t, &layout, &index, view, None);
        s.steps = t.step_count() / 3;
        let f = frame(&s);
        let shown = Layout::visible_event_count(&t, s.steps);
        assert!(f.dots.iter().all(|d| d.process == 3 && d.id < shown));
        assert!(f.bands.iter().all(|b| b.process == 3));
        assert!(!f.dots.is_empty() || !f.bands.is_empty());
    }

    /// Whether `d`'s dot lies wholly left of `cut`, where only the base is shown.
    fn in_base(x: f64, radius: f64, cut: f64) -> bool {
        x + radius <= cut
    }

    /// The base left of the cut and the frontier show together what the cursor's frame shows:
    /// the same dots, highlighted alike, and the same lines, and nothing not yet shown.
    #[test]
    fn the_base_and_the_frontier_draw_what_the_cursor_frame_draws() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let view = View {
            left: layout.time_x(60.0),
            top: 0.0,
            width: 900.0,
            height: layout.height,
        };
        let total = t.step_count();
        // Selected or not; at a step, or gliding towards the next one's time as playback does.
        let cases = [None, Some(t.events.len() / 3)]
            .into_iter()
            .flat_map(|s| [(s, false), (s, true)]);
        for (selected, glide) in cases {
            for steps in (0..=total).step_by(17) {
                let shown = Layout::visible_event_count(&t, steps);
                let chosen = selected.filter(|&s| s < shown);
                let mut at = scene(&t, &layout, &index, view, chosen);
                at.steps = steps;
                at.now = t.time_at_step(steps + u64::from(glide)) as f64;
                let mut whole = scene(&t, &layout, &index, view, chosen);
                whole.steps = u64::MAX;
                whole.now = f64::INFINITY;
                let base = frame(&whole);
                let front = frontier(&at, &base);
                let want = frame(&at);
                let r = dot_radius(&base);
                let cut = front.cut;
                // Nothing of the base that can be seen left of the cut is yet to happen.
                for d in base
                    .dots
                    .iter()
                    .filter(|d| d.x - r < cut && d.x + r > 0.0 && cut > 0.0)
                {
                    assert!(d.id < shown, "event {} peeks out at step {steps}", d.id);
                }
                let seen = |l: &&Line| {
                    cut > 0.0 && l.from.0.min(l.to.0) < cut && l.from.0.max(l.to.0) > 0.0
                };
                for l in base.lines.iter().filter(seen) {
                    let m = &t.messages[l.message];
                    assert!(
                        m.created_step < steps,
                        "message {} peeks out at step {steps}",
                        l.message
                    );
                }
                // Every dot shown that can be seen is in the base wholly left of the cut, or in
                // the frontier.
                for d in want.dots.iter().filter(|d| d.x - r < view.width) {
                    let drawn = if in_base(d.x, r, cut) {
                        base.dots.iter().find(|b| b.id == d.id)
                    } else {
                        front.dots.iter().find(|f| f.id == d.id)
                    };
                    assert_eq!(drawn, Some(d), "step {steps}");
                }
                assert!(front.dots.iter().all(|d| d.id < shown));
                // Every line: in the air in the frontier, the others in the base left of the
                // cut, as the cursor's frame draws them, and in the frontier right of it.
                for l in &want.lines {
                    if l.end == ArrowEnd::InFlight {
                        assert!(front.in_air.contains(l), "step {steps}: {l:?}");
                        continue;
                    }
                    if l.from.0.max(l.to.0) >= cut {
                        assert!(front.settled.contains(l), "step {steps}: {l:?}");
                    }
                    if l.from.0.min(l.to.0) < cut {
                        assert!(base.lines.contains(l), "step {steps}: {l:?}");
                    }
                }
                // The base's drawing of a message still in the air is painted over.
                for l in base.lines.iter().filter(|l| l.from.0 < cut) {
                    let flying = want
                        .lines
                        .iter()
                        .any(|w| w.message == l.message && w.end == ArrowEnd::InFlight);
                    assert_eq!(front.covered.contains(l), flying, "step {steps}: {l:?}");
                }
            }
        }
    }

    /// In a view of bands, the base's cells left of the cut and the frontier's cells right of it
    /// add up to the cursor's cells.
    #[test]
    fn the_frontier_counts_the_cells_right_of_the_cut() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let view = whole(&layout);
        let all = 0..t.events.len();
        let selected = Some(t.events.len() / 2);
        let total = t.step_count();
        for steps in (0..=total).step_by(97) {
            let shown = Layout::visible_event_count(&t, steps);
            let chosen = selected.filter(|&s| s < shown);
            let mut at = scene(&t, &layout, &index, view, chosen);
            at.steps = steps;
            at.now = t.time_at_step(steps) as f64;
            let mut whole = scene(&t, &layout, &index, view, chosen);
            whole.steps = u64::MAX;
            let base_bands = bands(&whole, all.clone(), chosen, 8.0, 0.0);
            // A base of bands (this run is small enough for dots: its bands are made here).
            let base = Frame {
                bands: base_bands.clone(),
                ..Frame::default()
            };
            let front = frontier(&at, &base);
            let want = bands(&at, 0..shown, chosen, 8.0, 0.0);
            let first = (front.cut / BIN_PX).round() as usize;
            for (i, band) in want.iter().enumerate() {
                for (c, cell) in band.cells.iter().enumerate() {
                    let got = if c < first {
                        base_bands[i].cells[c]
                    } else {
                        front.bands[i].cells[c]
                    };
                    assert_eq!(&got, cell, "step {steps}, lane {i}, cell {c}");
                }
            }
        }
    }

    /// At fit in a 1920-wide window (a pane of about 1,400 diagram pixels) the busy gossip run
    /// heaps its dots from the first step on, while Raft's calm run leaves them room; so does a
    /// wider pane, as it does the busy run on a wider screen still.
    #[test]
    fn a_window_is_crowded_when_its_dots_would_overlap() {
        let crowded_at = |name: &str, width: f64| {
            let t = trace(name);
            let layout = Layout::new(&t, LayoutOptions::fit_width(&t, width));
            let range = layout.events_between(0.0, width);
            assert_eq!(
                range.len(),
                t.events.len(),
                "{name}: the whole run is in the window"
            );
            crowded(range.len(), layout.lanes.len(), width)
        };
        assert!(crowded_at("gossip-busy-sixteen", 1400.0));
        assert!(crowded_at("gossip-busy-sixteen", 500.0));
        assert!(!crowded_at("gossip-busy-sixteen", 4000.0));
        assert!(!crowded_at("raft-calm", 1400.0));
        assert!(crowded_at("raft-calm", 500.0));
        assert!(!crowded(0, 0, 0.0));
        assert!(crowded(1, 0, 0.0));
    }

    #[test]
    fn a_strip_holds_its_span_in_coarse_steps() {
        assert_eq!(strip(130.0, 200.0, 1000.0), (128.0, 128.0));
        assert_eq!(strip(130.0, 300.0, 1000.0), (128.0, 256.0));
        // Nothing to draw, or all of it off the pane: a small canvas at the edge.
        assert_eq!(strip(2000.0, 2100.0, 1000.0), (960.0, 128.0));
        assert_eq!(strip(-50.0, 10.0, 1000.0), (0.0, 128.0));
        for (lo, hi) in [(0.0, 1000.0), (333.3, 777.7), (999.0, 1000.0)] {
            let (left, width) = strip(lo, hi, 1000.0);
            assert!(left <= lo && left + width >= hi, "{lo}..{hi}");
        }
    }

    /// The frontier's span holds everything it paints, and while the cursor moves through a
    /// view of the whole run it is a strip: the new pixels of a step are a small part of the
    /// pane's.
    #[test]
    fn the_frontier_paints_within_a_strip_of_its_span() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let view = whole(&layout);
        let mut whole_run = scene(&t, &layout, &index, view, None);
        whole_run.steps = u64::MAX;
        whole_run.now = f64::INFINITY;
        let base = frame(&whole_run);
        let r = dot_radius(&base);
        let mut widths = Vec::new();
        for steps in (1..=t.step_count()).step_by(13) {
            let mut at = scene(&t, &layout, &index, view, None);
            at.steps = steps;
            at.now = t.time_at_step(steps) as f64;
            let front = frontier(&at, &base);
            let Some((lo, hi)) = front.span(r) else {
                assert!(front.dots.is_empty() && front.in_air.is_empty());
                continue;
            };
            let inside = |x: f64| x >= lo && x <= hi;
            for d in &front.dots {
                assert!(
                    inside(d.x - r) && inside(d.x + r),
                    "step {steps}: dot {}",
                    d.id
                );
            }
            for l in front.in_air.iter().chain(&front.covered) {
                assert!(inside(l.from.0) && inside(l.to.0), "step {steps}: {l:?}");
            }
            for l in &front.settled {
                assert!(inside(l.from.0.max(l.to.0)), "step {steps}: {l:?}");
            }
            widths.push(hi - lo);
        }
        widths.sort_by(f64::total_cmp);
        let median = widths[widths.len() / 2];
        assert!(
            median < view.width / 8.0,
            "median span {median} px of a {} px view",
            view.width
        );
    }
}
