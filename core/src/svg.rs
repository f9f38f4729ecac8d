//! A static space-time diagram as a self-contained SVG document, for lecture slides and the
//! `spacetime render` command.
//!
//! The geometry comes from [`crate::layout`], so the picture matches what the app shows: one lane
//! per process, top to bottom, time to the right; events as dots captioned with their Lamport or
//! vector timestamp; messages as arrows from send to receipt, labelled; a message that died ends
//! in a cross where it died; a stretch during which a process was down is greyed.
//!
//! The document uses presentation attributes only (no stylesheet, no script, no external fonts or
//! images), so that browsers, `rsvg-convert`, Inkscape and slide software all draw it alike.
//! Elements carry `class` and `data-*` attributes (`lane`, `event`, `message delivered`,
//! `message died`, `message in-flight`, `cross`, `down`) for tests and for anyone restyling it.

use std::fmt::Write as _;

use crate::labels::{along, text_width, Placer, Rect};
use crate::layout::{end_time, ArrowEnd, Layout, LayoutOptions, Point};
use crate::scenario::Timing;
use crate::trace::{Event, EventKind, Fate, Trace};

/// Which timestamp captions each event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clocks {
    /// The Lamport timestamp: `3`.
    #[default]
    Lamport,
    /// The vector clock, in process order: `[2,0,1]`.
    Vector,
    /// No timestamps (local events still show their names).
    None,
}

/// What to draw, and how big.
#[derive(Clone, Debug, PartialEq)]
pub struct SvgOptions {
    pub clocks: Clocks,
    /// A heading above the diagram.
    pub title: Option<String>,
    /// Label each arrow with its message's label.
    pub message_labels: bool,
    /// Draw a time axis under the lanes.
    pub axis: bool,
    /// Draw the run as it stood after this many steps (messages then travelling are drawn part
    /// way); `None` draws the whole trace.
    pub steps: Option<u64>,
    /// The width, in pixels, the run's time span aims to fill; sparse runs spread to it and dense
    /// ones grow wider (up to [`SvgOptions::max_width`]) so that captions do not collide.
    pub width: f64,
    pub max_width: f64,
    /// The network's timing model, whose round boundaries or GST are marked across the lanes.
    pub timing: Timing,
    /// Mark every element with the steps it belongs to, so that a script can show the whole
    /// run's picture as it stood after any step `N` (the page's preview). Off for slides: it adds
    /// bytes and no ink. It writes:
    ///
    /// * on the root `<svg>`: `data-times`, the virtual time after each step (space-separated),
    ///   and `data-x0`, `data-ppt`, with which a time becomes an x (`x0 + time * ppt`);
    /// * on each event: `data-step`: shown once `step < N`;
    /// * on each message: `data-sent` (shown once `sent < N`), `data-settled` (drawn whole once
    ///   `settled < N`; empty if never) and `data-flight`, `"fx fy dx dy sent_at arrives_at"`:
    ///   its send point, its due point and times, from which the part travelled by time `t` is
    ///   `from + (due - from) * clamp((t - sent_at) / max(1, arrives_at - sent_at))`;
    /// * on each down span: `data-from` (its crash's step) and `data-until` (its recovery's, or
    ///   empty), drawn up to the time after step `N` while the process is still down then.
    ///
    /// The whole run is drawn; the legend, the "after step" mark and the tooltips are left out
    /// (a preview is looked at, not pointed at).
    pub step_data: bool,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            clocks: Clocks::Lamport,
            title: None,
            message_labels: true,
            axis: true,
            steps: None,
            width: 1000.0,
            max_width: 1800.0,
            timing: Timing::Plain,
            step_data: false,
        }
    }
}

const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif";
const INK: &str = "#1f1f1f";
const MUTED: &str = "#6b6b6b";
const NAME_SIZE: f64 = 20.0;
const CAPTION_SIZE: f64 = 15.0;
const LABEL_SIZE: f64 = 14.0;
const SMALL_SIZE: f64 = 12.0;
const DOT_RADIUS: f64 = 5.5;
/// Vertical offsets of caption rows from the lane: near above, near below, far above, far below.
const CAPTION_ROWS: [f64; 4] = [-11.0, 23.0, -28.0, 40.0];
/// Longest label drawn in full; longer ones end in an ellipsis.
const MAX_LABEL_CHARS: usize = 28;

/// Render `trace` as a complete SVG document.
pub fn render_svg(trace: &Trace, options: &SvgOptions) -> String {
    let prefix;
    let trace = match options.steps {
        Some(n) if n < trace.step_count() => {
            prefix = trace.prefix(n);
            &prefix
        }
        _ => trace,
    };
    let steps = trace.step_count();
    let captions: Vec<String> = trace
        .events
        .iter()
        .map(|e| caption(trace, e, options.clocks))
        .collect();
    let title_room = if options.title.is_some() { 44.0 } else { 0.0 };
    let layout = Layout::new(trace, layout_options(trace, &captions, options, title_room));
    let o = layout.options;
    let lane_start = names_width(trace) + 26.0;
    let lane_end = layout.width - o.margin_right;
    let arrows = layout.arrows_at(trace, steps);
    let down = layout.down_spans(trace, steps);
    let in_flight = arrows.iter().any(|a| a.end == ArrowEnd::InFlight);
    let died = arrows.iter().any(|a| a.end == ArrowEnd::Died);

    let last_lane = layout.lane_y(trace.processes.len().saturating_sub(1));
    let mut y = last_lane + CAPTION_ROWS[3] + 12.0;
    let axis_y = y + 8.0;
    if options.axis {
        y = axis_y + 32.0;
    }
    let legend_y = y + 6.0;
    let legend = !options.step_data && (!down.is_empty() || in_flight || died);
    if legend {
        y = legend_y + 24.0;
    }
    let width = layout.width.max(320.0);
    let height = y.max(layout.height);

    let mut s = String::with_capacity(4096 + trace.events.len() * 400);
    let step_data = if options.step_data {
        let times: Vec<String> = trace.steps.iter().map(|st| st.time.to_string()).collect();
        format!(
            r#" data-times="{}" data-x0="{}" data-ppt="{}""#,
            times.join(" "),
            num(o.margin_left),
            o.px_per_tick
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="{CAPTION_SIZE}" fill="{INK}"{step_data}>"#,
        w = num(width),
        h = num(height),
    );
    let names: Vec<String> = trace.processes.iter().map(|p| clip(p)).collect();
    let _ = writeln!(
        s,
        "<title>{}</title>",
        esc(&match &options.title {
            Some(t) => t.clone(),
            None => format!("Space-time diagram of {}", names.join(", ")),
        })
    );
    let _ = writeln!(
        s,
        r##"<rect class="background" x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        num(width),
        num(height)
    );
    if let Some(title) = &options.title {
        let _ = writeln!(
            s,
            r#"<text class="title" x="{}" y="30" font-size="22" font-weight="600">{}</text>"#,
            num(16.0),
            esc(title)
        );
    }

    // Down spans first, under everything.
    s.push_str("<g class=\"downs\">\n");
    for d in &down {
        let y = layout.lane_y(d.process);
        let _ = writeln!(
            s,
            r##"<g class="down" data-process="{p}"{data}><rect x="{x}" y="{y}" width="{w}" height="36" rx="4" fill="#000000" fill-opacity="0.09"/><text x="{tx}" y="{ty}" font-size="{SMALL_SIZE}" font-style="italic" fill="{MUTED}">down</text></g>"##,
            p = d.process,
            data = if options.step_data {
                format!(
                    r#" data-from="{}" data-until="{}""#,
                    d.from_step,
                    d.until_step.map(|u| u.to_string()).unwrap_or_default()
                )
            } else {
                String::new()
            },
            x = num(d.from_x),
            y = num(y - 18.0),
            w = num((d.to_x - d.from_x).max(2.0)),
            tx = num(d.from_x + 8.0),
            ty = num(y + 32.0),
        );
    }
    s.push_str("</g>\n");

    // The timing model's marks, under the lanes.
    let marks = layout.time_marks(&options.timing, lane_start, lane_end);
    if !marks.is_empty() {
        s.push_str("<g class=\"time-marks\">\n");
        let top = layout.lane_y(0) - 30.0;
        for m in &marks {
            let _ = writeln!(
                s,
                r#"<g class="time-mark" data-at="{at}"><line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{MUTED}" stroke-width="{w}" stroke-dasharray="{dash}"/><text x="{tx}" y="{ty}" font-size="{SMALL_SIZE}" fill="{MUTED}">{label}</text></g>"#,
                at = m.at,
                x = num(m.x),
                top = num(top),
                bottom = num(last_lane + 20.0),
                w = if m.gst { "2" } else { "1" },
                dash = if m.gst { "8 4" } else { "3 5" },
                tx = num(m.x + 4.0),
                ty = num(top + 10.0),
                label = esc(&m.label),
            );
        }
        s.push_str("</g>\n");
    }

    // Lanes and names.
    s.push_str("<g class=\"lanes\">\n");
    for lane in &layout.lanes {
        let _ = writeln!(
            s,
            r#"<g class="lane-group" data-process="{p}"><line class="lane" data-process="{p}" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="2.5" stroke-linecap="round" stroke-opacity="0.7"/><text class="name" x="{tx}" y="{ty}" text-anchor="end" font-size="{NAME_SIZE}" font-weight="700" fill="{tc}">{name}</text></g>"#,
            p = lane.process,
            x1 = num(lane_start),
            x2 = num(lane_end),
            y = num(lane.y),
            c = lane.colour,
            tc = text_colour(lane.colour),
            tx = num(lane_start - 10.0),
            ty = num(lane.y + NAME_SIZE * 0.35),
            name = esc(&clip(&lane.name)),
        );
    }
    s.push_str("</g>\n");

    // The moment the run is shown at, when something is still travelling.
    if in_flight && !options.step_data {
        let x = layout.time_x(trace.time_at_step(steps) as f64);
        let _ = writeln!(
            s,
            r#"<g class="now"><line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 4"/><text x="{x}" y="{ty}" text-anchor="middle" font-size="{SMALL_SIZE}" fill="{MUTED}">after step {steps}</text></g>"#,
            x = num(x),
            y1 = num(o.margin_top - 24.0),
            y2 = num(last_lane + 24.0),
            ty = num(o.margin_top - 28.0),
        );
    }

    // Arrows.
    s.push_str("<g class=\"messages\">\n");
    let mut labels = Placer::default();
    for arrow in &arrows {
        let m = &trace.messages[arrow.message];
        let colour = layout.lanes.get(m.from).map_or(INK, |l| l.colour);
        let (class, dash) = match arrow.end {
            ArrowEnd::Received => ("delivered", ""),
            ArrowEnd::InFlight => ("in-flight", r#" stroke-dasharray="7 5""#),
            ArrowEnd::Died => ("died", r#" stroke-dasharray="7 5""#),
        };
        let fate = if arrow.end == ArrowEnd::InFlight {
            Fate::InFlight.describe()
        } else {
            m.fate.describe()
        };
        let _ = write!(
            s,
            r#"<g class="message {class}" data-message="{id}"{data}>{tip}"#,
            id = m.id,
            data = if options.step_data {
                flight_data(&layout, m)
            } else {
                String::new()
            },
            tip = tooltip(
                options,
                &format!(
                    "{} from {} to {}: {fate}",
                    m.label,
                    trace.processes.get(m.from).map_or("?", String::as_str),
                    trace.processes.get(m.to).map_or("?", String::as_str),
                )
            ),
        );
        let (from, to) = (arrow.from, arrow.to);
        let length = ((to.x - from.x).powi(2) + (to.y - from.y).powi(2)).sqrt();
        match arrow.end {
            ArrowEnd::Received if length > 2.0 * DOT_RADIUS + 4.0 => {
                let (ux, uy) = ((to.x - from.x) / length, (to.y - from.y) / length);
                let tip = Point {
                    x: to.x - ux * (DOT_RADIUS + 1.0),
                    y: to.y - uy * (DOT_RADIUS + 1.0),
                };
                let head = 12.0_f64.min(length / 2.0);
                let base = Point {
                    x: tip.x - ux * head,
                    y: tip.y - uy * head,
                };
                let _ = write!(
                    s,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"/>"#,
                    num(from.x),
                    num(from.y),
                    num(base.x + ux),
                    num(base.y + uy),
                );
                let (px, py) = (-uy * 5.0, ux * 5.0);
                let _ = write!(
                    s,
                    r#"<polygon class="head" points="{},{} {},{} {},{}" fill="{colour}"/>"#,
                    num(tip.x),
                    num(tip.y),
                    num(base.x + px),
                    num(base.y + py),
                    num(base.x - px),
                    num(base.y - py),
                );
            }
            _ => {
                let _ = write!(
                    s,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2"{dash}/>"#,
                    num(from.x),
                    num(from.y),
                    num(to.x),
                    num(to.y),
                );
            }
        }
        match arrow.end {
            ArrowEnd::Died => {
                let r = 7.0;
                let _ = write!(
                    s,
                    r#"<path class="cross" d="M{} {}L{} {}M{} {}L{} {}" stroke="{INK}" stroke-width="3" stroke-linecap="round"/>"#,
                    num(to.x - r),
                    num(to.y - r),
                    num(to.x + r),
                    num(to.y + r),
                    num(to.x - r),
                    num(to.y + r),
                    num(to.x + r),
                    num(to.y - r),
                );
            }
            ArrowEnd::InFlight => {
                let _ = write!(
                    s,
                    r##"<circle class="envelope" cx="{}" cy="{}" r="4" fill="#ffffff" stroke="{colour}" stroke-width="2"/>"##,
                    num(to.x),
                    num(to.y),
                );
            }
            ArrowEnd::Received => {}
        }
        if options.message_labels && !m.label.is_empty() {
            let mut text = clip(&m.label);
            if m.duplicate_of.is_some() {
                text.push_str(" (copy)");
            }
            let t = label_t(&layout, m.to, from, to);
            let size = (text_width(&text, LABEL_SIZE) + 8.0, LABEL_SIZE + 4.0);
            // Where no spot is free, the label goes where it would: a slide shows every label.
            let at = labels
                .place(along(from, to, t, size.1), size.0, size.1)
                .unwrap_or_else(|| {
                    let at = from.lerp(to, t);
                    labels.reserve(Rect::centred(at, size.0, size.1));
                    at
                });
            s.push_str(&boxed_text(
                "label",
                at.x,
                at.y + LABEL_SIZE * 0.35,
                &text,
                LABEL_SIZE,
                text_colour(colour),
            ));
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");

    // Events and their captions.
    s.push_str("<g class=\"events\">\n");
    let rows = caption_rows(trace, &layout, &captions);
    for e in &trace.events {
        let Some(&at) = layout.events.get(e.id) else {
            continue;
        };
        let colour = layout.lanes.get(e.process).map_or(INK, |l| l.colour);
        let _ = write!(
            s,
            r#"<g class="event {kind}" data-event="{id}" data-process="{p}"{data}>{tip}"#,
            kind = e.kind.name(),
            id = e.id,
            data = if options.step_data {
                format!(r#" data-step="{}""#, e.step)
            } else {
                String::new()
            },
            p = e.process,
            tip = tooltip(options, &event_tip(trace, e)),
        );
        match e.kind {
            EventKind::Crash => {
                let r = 7.5;
                let _ = write!(
                    s,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{INK}"/><path d="M{} {}L{} {}M{} {}L{} {}" stroke="#ffffff" stroke-width="2"/>"##,
                    num(at.x - r),
                    num(at.y - r),
                    num(2.0 * r),
                    num(2.0 * r),
                    num(at.x - 4.0),
                    num(at.y - 4.0),
                    num(at.x + 4.0),
                    num(at.y + 4.0),
                    num(at.x - 4.0),
                    num(at.y + 4.0),
                    num(at.x + 4.0),
                    num(at.y - 4.0),
                );
            }
            EventKind::Recover => {
                let _ = write!(
                    s,
                    r##"<circle cx="{}" cy="{}" r="{}" fill="#ffffff" stroke="{colour}" stroke-width="3"/>"##,
                    num(at.x),
                    num(at.y),
                    num(DOT_RADIUS + 1.0),
                );
            }
            _ => {
                let _ = write!(
                    s,
                    r##"<circle cx="{}" cy="{}" r="{}" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>"##,
                    num(at.x),
                    num(at.y),
                    num(DOT_RADIUS),
                );
            }
        }
        let text = &captions[e.id];
        if !text.is_empty() {
            let row = CAPTION_ROWS[rows[e.id]];
            let baseline = if row < 0.0 {
                at.y + row
            } else {
                at.y + row - CAPTION_SIZE * 0.3
            };
            s.push_str(&boxed_text(
                "caption",
                at.x,
                baseline,
                text,
                CAPTION_SIZE,
                INK,
            ));
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");

    if options.axis {
        s.push_str(&axis(&layout, axis_y, lane_end));
    }
    if legend {
        s.push_str(&legend_row(
            lane_start,
            legend_y,
            died,
            !down.is_empty(),
            in_flight,
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// Layout sizes for the slide: room for the names on the left, lanes far enough apart for two
/// rows of captions each side, and a zoom that spreads the run over `options.width` unless
/// captions on a lane need more room.
fn layout_options(
    trace: &Trace,
    captions: &[String],
    options: &SvgOptions,
    title_room: f64,
) -> LayoutOptions {
    let widest_caption = captions
        .iter()
        .map(|c| text_width(c, CAPTION_SIZE))
        .fold(0.0, f64::max);
    let same_tick_gap = match options.clocks {
        Clocks::Lamport => 20.0,
        _ => 16.0,
    };
    let end = end_time(trace).max(1) as f64;
    // Closest distinct times on one lane, with how crowded the earlier tick was.
    let mut needed: f64 = 0.0;
    let mut last: Vec<Option<(u64, u32)>> = vec![None; trace.processes.len()];
    for e in &trace.events {
        let Some(slot) = last.get_mut(e.process) else {
            continue;
        };
        match *slot {
            Some((t, k)) if t == e.time => *slot = Some((t, k + 1)),
            Some((t, k)) => {
                let room = f64::from(k) * same_tick_gap + widest_caption.min(140.0) / 2.0 + 14.0;
                needed = needed.max(room / (e.time - t) as f64);
                *slot = Some((e.time, 0));
            }
            None => *slot = Some((e.time, 0)),
        }
    }
    let spread = options.width / end;
    let cap = (options.max_width.max(options.width) / end).max(spread);
    let px_per_tick = spread.max(needed).min(cap).clamp(1e-9, 60.0);
    LayoutOptions {
        lane_gap: 96.0,
        px_per_tick,
        // The lane starts after the names; time 0 a little further in, so that a caption there
        // stays clear of the names.
        margin_left: names_width(trace) + 26.0 + widest_caption.min(180.0) / 2.0 + 8.0,
        margin_right: 40.0 + widest_caption.min(140.0) / 2.0,
        margin_top: 48.0 + title_room,
        margin_bottom: 48.0,
        same_tick_gap,
        min_time: 0,
    }
}

/// The room the process names take on the left.
fn names_width(trace: &Trace) -> f64 {
    trace
        .processes
        .iter()
        .map(|p| text_width(&clip(p), NAME_SIZE) * 1.08)
        .fold(0.0, f64::max)
        .max(24.0)
}

/// How far along its arrow a label goes: half way across the gap between the receiver's lane and
/// the lane next to it on the sender's side, so that it never sits on a lane (and two messages
/// from one send point are labelled in different places).
fn label_t(layout: &Layout, to_lane: usize, from: Point, to: Point) -> f64 {
    let gap = layout.options.lane_gap / 2.0;
    // A flat arrow, or one that stops short of the gap (dropped early), is labelled at its middle.
    if (to.y - from.y).abs() < gap {
        return 0.5;
    }
    let y_to = layout.lane_y(to_lane);
    let y = if to.y > from.y {
        y_to - gap
    } else {
        y_to + gap
    };
    ((y - from.y) / (to.y - from.y)).clamp(0.0, 1.0)
}

/// The text under or over an event's dot: its name if it is a local event, its timestamp.
fn caption(trace: &Trace, e: &Event, clocks: Clocks) -> String {
    let stamp = match clocks {
        Clocks::Lamport => e.lamport.to_string(),
        Clocks::Vector => {
            let parts: Vec<String> = trace.vector(e.id).iter().map(u32::to_string).collect();
            format!("[{}]", parts.join(","))
        }
        Clocks::None => String::new(),
    };
    let named = matches!(e.kind, EventKind::Local | EventKind::Timer) && !e.label.is_empty();
    match (named, stamp.is_empty()) {
        (true, true) => clip(&e.label),
        (true, false) => format!("{}: {stamp}", clip(&e.label)),
        (false, _) => stamp,
    }
}

/// Choose a caption row for every event so that captions on a lane do not overlap: the nearest
/// row that is free, else the one that frees up first.
fn caption_rows(trace: &Trace, layout: &Layout, captions: &[String]) -> Vec<usize> {
    let mut right_edge = vec![[f64::NEG_INFINITY; CAPTION_ROWS.len()]; trace.processes.len()];
    let mut rows = vec![0; trace.events.len()];
    for e in &trace.events {
        let (Some(at), Some(edges)) = (layout.events.get(e.id), right_edge.get_mut(e.process))
        else {
            continue;
        };
        let half = text_width(&captions[e.id], CAPTION_SIZE) / 2.0 + 3.0;
        // Keep the caption off the side its arrow comes from or goes to.
        let other_end = e.message.and_then(|m| trace.messages.get(m)).map(|m| {
            if m.from == e.process {
                m.to
            } else {
                m.from
            }
        });
        let order: [usize; 4] = match other_end {
            Some(p) if p < e.process => [1, 0, 3, 2],
            _ => [0, 1, 2, 3],
        };
        let row = order
            .into_iter()
            .find(|&r| edges[r] <= at.x - half)
            .unwrap_or_else(|| {
                (0..CAPTION_ROWS.len())
                    .min_by(|&a, &b| edges[a].total_cmp(&edges[b]))
                    .unwrap_or(0)
            });
        edges[row] = at.x + half;
        rows[e.id] = row;
    }
    rows
}

fn event_tip(trace: &Trace, e: &Event) -> String {
    let name = trace.processes.get(e.process).map_or("?", String::as_str);
    let vector: Vec<String> = trace.vector(e.id).iter().map(u32::to_string).collect();
    let mut tip = format!(
        "{name}, event {}: {} {} at time {}; Lamport {}, vector [{}]",
        e.id,
        e.kind.name(),
        e.label,
        e.time,
        e.lamport,
        vector.join(",")
    );
    if !e.state.is_empty() {
        tip.push_str("; then: ");
        tip.push_str(&e.state);
    }
    tip
}

/// Text centred at `x` on baseline `y`, over a white box so that lines under it do not cut it.
/// An element's tooltip, unless the picture is a preview.
fn tooltip(options: &SvgOptions, text: &str) -> String {
    if options.step_data {
        String::new()
    } else {
        format!("<title>{}</title>", esc(text))
    }
}

/// A message's step data (see [`SvgOptions::step_data`]): when it leaves and settles, and where it travels.
fn flight_data(layout: &Layout, m: &crate::trace::Message) -> String {
    let from = layout
        .events
        .get(m.send_event)
        .copied()
        .unwrap_or(Point { x: 0.0, y: 0.0 });
    let due = layout.due_point(m);
    format!(
        r#" data-sent="{}" data-settled="{}" data-flight="{} {} {} {} {} {}""#,
        m.created_step,
        m.settled_step.map(|s| s.to_string()).unwrap_or_default(),
        num(from.x),
        num(from.y),
        num(due.x),
        num(due.y),
        m.sent_at,
        m.arrives_at,
    )
}

fn boxed_text(class: &str, x: f64, y: f64, text: &str, size: f64, colour: &str) -> String {
    let w = text_width(text, size) + 6.0;
    let h = size + 4.0;
    format!(
        r##"<g class="{class}"><rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" fill-opacity="0.88"/><text x="{}" y="{}" text-anchor="middle" font-size="{size}" fill="{colour}">{}</text></g>"##,
        num(x - w / 2.0),
        num(y - size * 0.82 - 2.0),
        num(w),
        num(h),
        num(x),
        num(y),
        esc(text),
    )
}

/// A time axis with round tick values along the bottom.
fn axis(layout: &Layout, y: f64, lane_end: f64) -> String {
    let x0 = layout.options.margin_left;
    let end = layout.x_time(lane_end).max(1.0);
    let step = nice_step(end / 8.0);
    let mut s = format!(
        r#"<g class="axis" font-size="{SMALL_SIZE}" fill="{MUTED}"><line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{MUTED}" stroke-width="1"/>"#,
        num(x0),
        num(lane_end),
        y = num(y),
    );
    let mut t = 0.0;
    while t <= end + 1e-9 {
        let x = layout.time_x(t);
        let _ = write!(
            s,
            r#"<line x1="{x}" y1="{y}" x2="{x}" y2="{y2}" stroke="{MUTED}" stroke-width="1"/><text x="{x}" y="{ty}" text-anchor="middle">{label}</text>"#,
            x = num(x),
            y = num(y),
            y2 = num(y + 5.0),
            ty = num(y + 18.0),
            label = num(t),
        );
        t += step;
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="end" font-style="italic">time (ticks) →</text></g>"#,
        num(lane_end),
        num(y - 6.0),
    );
    s.push('\n');
    s
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(1.0);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

/// A key to the marks that need one.
fn legend_row(x: f64, y: f64, died: bool, down: bool, in_flight: bool) -> String {
    let mut s = format!(r#"<g class="legend" font-size="{SMALL_SIZE}" fill="{MUTED}">"#);
    let mut x = x;
    if died {
        let _ = write!(
            s,
            r#"<path d="M{} {}L{} {}M{} {}L{} {}" stroke="{INK}" stroke-width="3" stroke-linecap="round"/><text x="{}" y="{}">message lost</text>"#,
            num(x),
            num(y - 6.0),
            num(x + 12.0),
            num(y + 6.0),
            num(x),
            num(y + 6.0),
            num(x + 12.0),
            num(y - 6.0),
            num(x + 20.0),
            num(y + 4.5),
        );
        x += 130.0;
    }
    if down {
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="26" height="14" rx="3" fill="#000000" fill-opacity="0.09"/><rect x="{}" y="{}" width="12" height="12" fill="{INK}"/><text x="{}" y="{}">crashed, down until it recovers</text>"##,
            num(x),
            num(y - 7.0),
            num(x + 36.0),
            num(y - 6.0),
            num(x + 56.0),
            num(y + 4.5),
        );
        x += 270.0;
    }
    if in_flight {
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{MUTED}" stroke-width="2" stroke-dasharray="7 5"/><text x="{}" y="{}">still in flight</text>"#,
            num(x),
            num(x + 30.0),
            num(x + 38.0),
            num(y + 4.5),
            y = num(y),
        );
    }
    s.push_str("</g>\n");
    s
}

/// The colour to write text in for a process colour: Okabe-Ito's yellow is too faint for text on
/// white, so its text is a darker olive.
fn text_colour(colour: &str) -> &str {
    match colour {
        "#F0E442" => "#8F8500",
        other => other,
    }
}

/// A label cut to [`MAX_LABEL_CHARS`] characters.
fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL_CHARS {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(MAX_LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// Escape text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, and no `-0`: short, stable output.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::example;
    use crate::{Action, Intervention, ProcessRef, Run, Scenario};

    fn trace_of(s: &Scenario) -> Trace {
        Run::complete(s).unwrap().trace().clone()
    }

    fn trace(name: &str) -> Trace {
        trace_of(&example(name).unwrap())
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// A minimal well-formedness check: every tag opened is closed, in order.
    fn balanced(svg: &str) -> bool {
        let mut stack = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').unwrap();
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop() != Some(name.to_string()) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap().to_string());
            }
        }
        stack.is_empty()
    }

    #[test]
    fn a_document_with_a_lane_per_process_and_an_arrow_per_message() {
        let t = trace("clocks-busy-four");
        let svg = render_svg(&t, &SvgOptions::default());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(balanced(&svg));
        assert_eq!(count(&svg, r#"<line class="lane""#), 4);
        assert_eq!(
            count(&svg, r#"class="message delivered""#),
            t.messages.len()
        );
        assert_eq!(count(&svg, r#"<polygon class="head""#), t.messages.len());
        assert_eq!(count(&svg, "data-event="), t.events.len());
        for name in &t.processes {
            assert!(svg.contains(&format!(">{name}</text>")));
        }
    }

    #[test]
    fn captions_are_the_chosen_clocks() {
        let t = trace("clocks-three-events");
        let lamport = render_svg(&t, &SvgOptions::default());
        // a is P1's first event (L = 1); the receipt of m1 at P2 has L = 3.
        assert!(lamport.contains(">a: 1</text>"));
        assert!(lamport.contains(">3</text>"));
        let vector = render_svg(
            &t,
            &SvgOptions {
                clocks: Clocks::Vector,
                ..SvgOptions::default()
            },
        );
        assert!(vector.contains(">a: [1,0]</text>"));
        assert!(vector.contains(">[2,2]</text>"));
        let none = render_svg(
            &t,
            &SvgOptions {
                clocks: Clocks::None,
                ..SvgOptions::default()
            },
        );
        assert!(none.contains(">a</text>"));
        assert!(!none.contains(">3</text>"));
    }

    #[test]
    fn a_dropped_message_ends_in_a_cross() {
        let mut s = example("clocks-three-events").unwrap();
        s.interventions = vec![Intervention {
            step: 2,
            action: Action::Drop { message: 0 },
        }];
        let svg = render_svg(&trace_of(&s), &SvgOptions::default());
        assert_eq!(count(&svg, r#"class="message died""#), 1);
        assert_eq!(count(&svg, r#"<path class="cross""#), 1);
        assert_eq!(count(&svg, r#"class="message delivered""#), 0);
        assert!(
            svg.contains("message lost"),
            "the legend explains the cross"
        );
        assert!(balanced(&svg));
    }

    #[test]
    fn a_crashed_process_is_greyed_while_down() {
        let mut s = example("gossip-one-rumour").unwrap();
        s.interventions = vec![
            Intervention {
                step: 1,
                action: Action::Crash {
                    process: ProcessRef::Index(2),
                },
            },
            Intervention {
                step: 5,
                action: Action::Recover {
                    process: ProcessRef::Index(2),
                },
            },
        ];
        let svg = render_svg(&trace_of(&s), &SvgOptions::default());
        assert_eq!(count(&svg, r#"<g class="down" data-process="2">"#), 1);
        assert_eq!(count(&svg, r#"<g class="event crash""#), 1);
        assert_eq!(count(&svg, r#"<g class="event recover""#), 1);
        assert!(balanced(&svg));
    }

    #[test]
    fn a_prefix_shows_messages_in_flight() {
        let t = trace("clocks-three-events");
        let svg = render_svg(
            &t,
            &SvgOptions {
                steps: Some(2),
                ..SvgOptions::default()
            },
        );
        assert_eq!(count(&svg, r#"class="message in-flight""#), 1);
        assert_eq!(count(&svg, "data-event="), 2);
        assert!(svg.contains("after step 2"));
    }

    #[test]
    fn text_is_escaped() {
        let mut s = example("clocks-three-events").unwrap();
        s.processes = vec!["<P&1>".into(), "\"P2\"\u{1}".into()];
        let text = s
            .to_json()
            .replace("\"P1\"", "\"<P&1>\"")
            .replace("\"m1\"", "\"a<b>&'c'\"");
        let s = Scenario::from_json(&text.replace("\"P2\"", "\"\\\"P2\\\"\\u0001\"")).unwrap();
        let svg = render_svg(
            &trace_of(&s),
            &SvgOptions {
                title: Some("Tom & Jerry <3".into()),
                ..SvgOptions::default()
            },
        );
        assert!(svg.contains("&lt;P&amp;1&gt;"));
        assert!(svg.contains("a&lt;b&gt;&amp;&apos;c&apos;"));
        assert!(svg.contains("&quot;P2&quot;\u{FFFD}"));
        assert!(svg.contains("Tom &amp; Jerry &lt;3"));
        assert!(!svg.contains('\u{1}'));
        assert!(!svg.contains("<P&1>"));
        assert!(balanced(&svg));
    }

    #[test]
    fn every_example_renders_deterministically_and_balanced() {
        for s in crate::protocols::examples() {
            let t = trace_of(&s);
            for clocks in [Clocks::Lamport, Clocks::Vector, Clocks::None] {
                let options = SvgOptions {
                    clocks,
                    ..SvgOptions::default()
                };
                let svg = render_svg(&t, &options);
                assert_eq!(svg, render_svg(&t, &options), "{}", s.name);
                assert!(balanced(&svg), "{}", s.name);
                assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}", s.name);
            }
        }
    }

    #[test]
    fn an_empty_trace_still_makes_a_document() {
        let t = Trace {
            processes: vec!["A".into()],
            ..Trace::default()
        };
        let svg = render_svg(&t, &SvgOptions::default());
        assert!(balanced(&svg));
        assert_eq!(count(&svg, r#"<line class="lane""#), 1);
    }

    #[test]
    fn captions_on_a_crowded_lane_take_different_rows() {
        let t = trace("gossip-flood");
        let layout = Layout::new(
            &t,
            layout_options(
                &t,
                &t.events
                    .iter()
                    .map(|e| caption(&t, e, Clocks::Vector))
                    .collect::<Vec<_>>(),
                &SvgOptions::default(),
                0.0,
            ),
        );
        let captions: Vec<String> = t
            .events
            .iter()
            .map(|e| caption(&t, e, Clocks::Vector))
            .collect();
        let rows = caption_rows(&t, &layout, &captions);
        // P1 starts, then sends four times in the same tick: neighbours never share a row.
        let p1: Vec<usize> = t.lane(0).take(5).map(|e| rows[e.id]).collect();
        assert!(p1.windows(2).all(|w| w[0] != w[1]), "{p1:?}");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(2.25), "2.3");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(130.0), 200.0);
        assert_eq!(nice_step(0.2), 1.0);
    }

    #[test]
    fn step_data_marks_every_element_with_its_steps() {
        let t = trace("paxos-minority-crash");
        let plain = render_svg(&t, &SvgOptions::default());
        assert_eq!(count(&plain, "data-step="), 0);
        assert_eq!(count(&plain, "data-times="), 0);
        let svg = render_svg(
            &t,
            &SvgOptions {
                step_data: true,
                ..SvgOptions::default()
            },
        );
        assert!(balanced(&svg));
        // The time after every step, in order.
        let times: Vec<String> = t.steps.iter().map(|s| s.time.to_string()).collect();
        assert!(svg.contains(&format!(r#"data-times="{}""#, times.join(" "))));
        for e in &t.events {
            assert!(svg.contains(&format!(
                r#"data-event="{}" data-process="{}" data-step="{}""#,
                e.id, e.process, e.step
            )));
        }
        for m in &t.messages {
            let settled = m.settled_step.map(|s| s.to_string()).unwrap_or_default();
            assert!(svg.contains(&format!(
                r#"data-message="{}" data-sent="{}" data-settled="{settled}""#,
                m.id, m.created_step
            )));
        }
        // Two acceptors crash for good: their spans run from their crash to no recovery.
        let crashes: Vec<_> = t
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Crash)
            .collect();
        assert!(!crashes.is_empty());
        for c in crashes {
            assert!(svg.contains(&format!(
                r#"data-process="{}" data-from="{}" data-until="""#,
                c.process, c.step
            )));
        }
        // A picture to cut, not a slide: no legend, no tooltips.
        assert_eq!(count(&svg, "<title>"), 1);
        assert_eq!(count(&svg, r#"class="legend""#), 0);
    }
}
