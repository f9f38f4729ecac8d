//! The TCP lesson's plots: sequence numbers over time, the congestion window and the
//! retransmission timeout over time, and goodput against loss rate; and the broadcast lesson's:
//! messages sent per broadcast against the number of processes, for each variant.
//!
//! Each plot is drawn by `plotters` into an SVG string by a pure function of the trace and the
//! cursor (so it is tested natively, and shows the run only as far as the diagram does); the
//! component puts the string into the page with `inner_html`. Titles and legends are plain HTML
//! around the SVG, and the SVG's text is only axis labels: plotters' SVG backend writes those as
//! `<text>` elements with an anchor and never measures them, so nothing here needs a font file
//! (on wasm, plotters would measure text in the DOM for captions, legends and right-hand axes:
//! none are used).
//!
//! Every plot's container carries `data-points`, the number of marks drawn, so an end-to-end
//! test can check a plot against the run on screen.

use std::time::Duration;

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{
    BindKeyPoints, ChartBuilder, Circle, Color, Cross, DrawingArea, EmptyElement, IntoDrawingArea,
    IntoLogRange, PathElement, RGBColor, SVGBackend, TextStyle, TriangleMarker,
};
use spacetime_core::layout::{end_time, process_colour, PALETTE};
use spacetime_core::lessons::delivery::tcp::{TcpParams, CLIENT};
use spacetime_core::{Fate, MessageId, ProcessId, Run, Scenario, Trace};

use crate::store::Store;

/// The size of each plot in the side column, in pixels.
pub const PLOT_WIDTH: u32 = 360;
pub const PLOT_HEIGHT: u32 = 220;

/// The loss rates the goodput sweep tries.
pub const SWEEP_LOSSES: [f64; 6] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5];
/// The seeds each loss rate of the sweep is run with; goodput is their average.
pub const SWEEP_SEEDS: [u64; 3] = [1, 2, 3];

/// Font size of every label, in plotters' units: its SVG backend writes `size / 1.24` pixels,
/// so 18 gives 14.5 px, readable on a projector.
const FONT: f64 = 18.0;
const FONT_FAMILY: &str = "sans-serif";
/// Axes, ticks and labels: the diagram's arrow colour. The stylesheet recolours exactly this
/// colour (and the grid's) for the dark theme.
const INK: RGBColor = RGBColor(0x3d, 0x47, 0x56);
/// The grid: the stylesheet's border colour.
const GRID: RGBColor = RGBColor(0xd5, 0xda, 0xe1);
/// The marker of a segment sent again (reddish purple, from the same palette as the lanes).
const AGAIN_COLOUR: &str = PALETTE[3];
/// How far marks sit from a plot's edges, in pixels.
const MARGIN: u32 = 10;

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

/// A TCP segment as its label in the diagram names it (see `spacetime_core::lessons::delivery::tcp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// `SYN seq=100`
    Syn { seq: u64 },
    /// `SYN-ACK seq=300 ack=101`
    SynAck { seq: u64, ack: u64 },
    /// `ACK 301`
    Ack { ack: u64 },
    /// `DATA 101..200`: bytes `first` to `last`, both included.
    Data { first: u64, last: u64 },
    /// `FIN seq=1101`
    Fin { seq: u64 },
    /// `RST`
    Rst,
}

/// The label's retransmission mark.
const AGAIN: &str = " (again)";

/// Whether a label is that of a segment sent again (it ends with ` (again)`).
pub fn is_again(label: &str) -> bool {
    label.ends_with(AGAIN)
}

/// The segment a message label names, retransmission mark or not; `None` for anything else.
pub fn segment_of(label: &str) -> Option<Segment> {
    let label = label.strip_suffix(AGAIN).unwrap_or(label).trim();
    let (word, rest) = label.split_once(' ').unwrap_or((label, ""));
    let number = |s: &str| s.trim().parse::<u64>().ok();
    let field = |s: &str, name: &str| s.strip_prefix(name).and_then(number);
    match word {
        "RST" if rest.is_empty() => Some(Segment::Rst),
        "ACK" => number(rest).map(|ack| Segment::Ack { ack }),
        "DATA" => {
            let (a, b) = rest.split_once("..")?;
            let (first, last) = (number(a)?, number(b)?);
            (first <= last).then_some(Segment::Data { first, last })
        }
        "SYN" => field(rest, "seq=").map(|seq| Segment::Syn { seq }),
        "FIN" => field(rest, "seq=").map(|seq| Segment::Fin { seq }),
        "SYN-ACK" => {
            let (s, a) = rest.split_once(' ')?;
            Some(Segment::SynAck {
                seq: field(s, "seq=")?,
                ack: field(a, "ack=")?,
            })
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// What the plots show
// ---------------------------------------------------------------------------------------------

/// What a mark of the sequence plot stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A data segment sent for the first time.
    Sent,
    /// A data segment sent again (its label ends with ` (again)`).
    Again,
    /// An acknowledgement received by the client.
    Ack,
}

/// One mark of the sequence plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeqMark {
    pub message: MessageId,
    pub kind: MarkKind,
    /// When it was sent (a segment) or received (an ACK).
    pub time: f64,
    /// The segment's first byte, or the ACK's number.
    pub seq: u64,
    /// A segment known to be lost by then (dropped, or its receiver was down).
    pub lost: bool,
}

/// Whether message `m` has been received after `steps` steps.
fn received(m: &spacetime_core::Message, steps: u64) -> bool {
    m.fate == Fate::Delivered && m.settled_step.is_some_and(|s| s < steps)
}

/// The marks of the sequence plot after `steps` steps: one per data segment sent so far (copies
/// the network or the learner made of a segment are not sends of the client, and are left out),
/// and one per pure `ACK n` the client has received so far (a duplicated ACK received twice
/// counts twice). In message order.
pub fn sequence_marks(trace: &Trace, steps: u64) -> Vec<SeqMark> {
    let time_of = |e: usize| trace.events.get(e).map(|e| e.time as f64);
    trace
        .messages
        .iter()
        .filter(|m| m.created_step < steps)
        .filter_map(|m| match segment_of(&m.label)? {
            Segment::Data { first, .. } if m.duplicate_of.is_none() => Some(SeqMark {
                message: m.id,
                kind: if is_again(&m.label) {
                    MarkKind::Again
                } else {
                    MarkKind::Sent
                },
                time: m.sent_at as f64,
                seq: first,
                lost: m.settled_step.is_some_and(|s| s < steps)
                    && !matches!(m.fate, Fate::Delivered | Fate::InFlight),
            }),
            Segment::Ack { ack } if m.to == CLIENT && received(m, steps) => Some(SeqMark {
                message: m.id,
                kind: MarkKind::Ack,
                time: m
                    .receive_event
                    .and_then(time_of)
                    .unwrap_or(m.settled_at.unwrap_or(m.arrives_at) as f64),
                seq: ack,
                lost: false,
            }),
            _ => None,
        })
        .collect()
}

/// One value a process output, at its event's time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub process: ProcessId,
    pub time: f64,
    pub value: f64,
}

/// The outputs of kind `kind` (`rtt`, `rto`, `cwnd`) made in the first `steps` steps, as numbers.
pub fn samples(trace: &Trace, steps: u64, kind: &str) -> Vec<Sample> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == kind)
        .filter_map(|o| {
            let e = trace.events.get(o.event)?;
            (e.step < steps).then_some(())?;
            Some(Sample {
                process: o.process,
                time: e.time as f64,
                value: o.value.trim().parse().ok()?,
            })
        })
        .collect()
}

/// A step line through `samples` (each value holds until the next), carried on to `until`.
pub fn step_line(samples: &[Sample], until: f64) -> Vec<(f64, f64)> {
    let mut line = Vec::with_capacity(samples.len() * 2 + 1);
    for s in samples {
        if let Some(&(_, before)) = line.last() {
            line.push((s.time, before));
        }
        line.push((s.time, s.value));
    }
    if let Some(&(t, v)) = line.last() {
        if until > t {
            line.push((until, v));
        }
    }
    line
}

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A `#RRGGBB` colour of the palette, for plotters.
pub fn rgb(hex: &str) -> RGBColor {
    let hex = hex.trim_start_matches('#');
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(byte(0), byte(2), byte(4))
}

fn label_style() -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, FONT)).color(&INK)
}

/// Draw into an SVG of `width` × `height` described by `title` (for screen readers). A drawing
/// that fails says so in the SVG instead.
fn svg(width: u32, height: u32, title: &str, draw: impl FnOnce(&Area) -> DrawResult) -> String {
    let mut out = String::new();
    let failed = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let result = draw(&root).and_then(|()| Ok(root.present()?));
        result.err().map(|e| e.to_string())
    };
    if let Some(e) = failed {
        out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\"><text x=\"8\" y=\"24\" font-size=\"14\">\
             This plot could not be drawn: {}</text></svg>",
            escape(&e)
        );
    }
    out.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole-number tick label.
fn whole(v: &f64) -> String {
    format!("{v:.0}")
}

/// The range of a plot's time axis: the whole run, so the axes stay put while the cursor moves.
fn time_range(trace: &Trace) -> std::ops::Range<f64> {
    0.0..(end_time(trace) as f64).max(1.0)
}

/// A thin vertical line at the cursor's time, as the diagram's "now".
fn now_line(time: f64, y: &std::ops::Range<f64>) -> PathElement<(f64, f64)> {
    PathElement::new(vec![(time, y.start), (time, y.end)], INK.mix(0.45))
}

/// The outline of a diamond (an ACK's marker), `size` pixels from its centre to a corner.
fn diamond(size: i32) -> Vec<(i32, i32)> {
    vec![(0, -size), (size, 0), (0, size), (-size, 0), (0, -size)]
}

/// The time / sequence-number diagram after `steps` steps: a dot for each data segment sent (at
/// its first byte), a triangle for each one sent again, hollow and crossed out when it was lost,
/// and a diamond for each ACK the client received (at its number). The axes span the whole run.
pub fn sequence_plot(trace: &Trace, steps: u64, width: u32, height: u32) -> String {
    let marks = sequence_marks(trace, steps);
    let every = sequence_marks(trace, u64::MAX);
    let lo = every.iter().map(|m| m.seq).min().unwrap_or(0) as f64;
    let hi = every.iter().map(|m| m.seq).max().unwrap_or(1) as f64;
    let pad = ((hi - lo) * 0.06).max(10.0);
    let y = (lo - pad).max(0.0)..hi + pad;
    let x = time_range(trace);
    let now = trace.time_at_step(steps) as f64;
    let client = rgb(process_colour(CLIENT));
    let server = rgb(process_colour(1));
    let again = rgb(AGAIN_COLOUR);
    svg(
        width,
        height,
        "Sequence numbers over time",
        |root: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d(x.clone(), y.clone())?;
            chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(5)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("time (ticks)")
                .y_desc("sequence number")
                .x_label_formatter(&whole)
                .y_label_formatter(&whole)
                .draw()?;
            if steps > 0 {
                chart.draw_series(std::iter::once(now_line(now, &y)))?;
            }
            // ACKs first, as outlines, so that a segment sent at the moment an ACK arrives (at
            // the number it acknowledges, as often happens) shows inside its diamond.
            for m in marks.iter().filter(|m| m.kind == MarkKind::Ack) {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((m.time, m.seq as f64))
                        + PathElement::new(diamond(7), server.stroke_width(2)),
                ))?;
            }
            for m in marks.iter().filter(|m| m.kind != MarkKind::Ack) {
                let at = (m.time, m.seq as f64);
                match (m.kind, m.lost) {
                    (MarkKind::Again, false) => chart
                        .draw_series(std::iter::once(TriangleMarker::new(at, 6, again.filled())))?,
                    (MarkKind::Again, true) => chart.draw_series(std::iter::once(
                        EmptyElement::at(at)
                            + TriangleMarker::new((0, 0), 7, again.stroke_width(2))
                            + Cross::new((0, 2), 3, again.stroke_width(2)),
                    ))?,
                    // Lost: hollow and crossed out.
                    (_, true) => chart.draw_series(std::iter::once(
                        EmptyElement::at(at)
                            + Circle::new((0, 0), 6, client.stroke_width(2))
                            + Cross::new((0, 0), 4, client.stroke_width(2)),
                    ))?,
                    (_, false) => {
                        chart.draw_series(std::iter::once(Circle::new(at, 4, client.filled())))?
                    }
                };
            }
            Ok(())
        },
    )
}

/// The number of marks [`timers_plot`] draws after `steps` steps: one per RTT sample.
pub fn timers_points(trace: &Trace, steps: u64) -> usize {
    samples(trace, steps, "rtt").len()
}

/// The client's congestion window (above, if the run has one) and each side's RTO (below) over
/// time, as step lines, with every RTT sample as a dot on the RTO plot, after `steps` steps.
/// Colours are the processes' lane colours.
pub fn timers_plot(trace: &Trace, steps: u64, width: u32, height: u32) -> String {
    let x = time_range(trace);
    let now = trace.time_at_step(steps) as f64;
    // Lines run on to the cursor's time: the value holds until it changes.
    let until = if steps >= trace.step_count() {
        x.end
    } else {
        now
    };
    let all_cwnd = samples(trace, u64::MAX, "cwnd");
    let cwnd = samples(trace, steps, "cwnd");
    let rto = samples(trace, steps, "rto");
    let rtt = samples(trace, steps, "rtt");
    let top = |s: &[Sample]| s.iter().map(|s| s.value).fold(0.0, f64::max);
    let timer_top = top(&samples(trace, u64::MAX, "rto"))
        .max(top(&samples(trace, u64::MAX, "rtt")))
        .max(1.0)
        * 1.12;
    let processes: Vec<ProcessId> = (0..trace.processes.len()).collect();
    svg(
        width,
        height,
        "Congestion window and retransmission timeout over time",
        |root: &Area| -> DrawResult {
            let lower = if all_cwnd.is_empty() {
                root.clone()
            } else {
                let (upper, lower) = root.split_vertically(height * 2 / 5);
                let y = 0.0..(top(&all_cwnd) + 1.0).ceil();
                let mut chart = ChartBuilder::on(&upper)
                    .margin(MARGIN)
                    .margin_bottom(4)
                    .x_label_area_size(0)
                    .y_label_area_size(64)
                    .build_cartesian_2d(x.clone(), y.clone())?;
                chart
                    .configure_mesh()
                    .x_labels(5)
                    .y_labels(3)
                    .max_light_lines(0)
                    .bold_line_style(GRID)
                    .axis_style(INK)
                    .label_style(label_style())
                    .axis_desc_style(label_style())
                    .y_desc("cwnd")
                    .y_label_formatter(&whole)
                    .draw()?;
                if steps > 0 {
                    chart.draw_series(std::iter::once(now_line(now, &y)))?;
                }
                let colour = rgb(process_colour(CLIENT));
                chart.draw_series(std::iter::once(PathElement::new(
                    step_line(&cwnd, until),
                    colour.stroke_width(2),
                )))?;
                lower
            };
            let y = 0.0..timer_top;
            let mut chart = ChartBuilder::on(&lower)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d(x.clone(), y.clone())?;
            chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(4)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("time (ticks)")
                .y_desc("ticks")
                .x_label_formatter(&whole)
                .y_label_formatter(&whole)
                .draw()?;
            if steps > 0 {
                chart.draw_series(std::iter::once(now_line(now, &y)))?;
            }
            for &p in &processes {
                let colour = rgb(process_colour(p));
                let mine: Vec<Sample> = rto.iter().copied().filter(|s| s.process == p).collect();
                if !mine.is_empty() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        step_line(&mine, until),
                        colour.stroke_width(2),
                    )))?;
                }
            }
            chart.draw_series(rtt.iter().map(|s| {
                Circle::new(
                    (s.time, s.value),
                    4,
                    rgb(process_colour(s.process)).filled(),
                )
            }))?;
            Ok(())
        },
    )
}

/// What the client's stream is: its length in bytes.
fn stream_bytes(scenario: &Scenario) -> u64 {
    if scenario.params.is_null() {
        return TcpParams::default().bytes;
    }
    serde_json::from_value::<TcpParams>(scenario.params.clone())
        .map(|p| p.bytes)
        .unwrap_or_else(|_| TcpParams::default().bytes)
}

/// Goodput of a finished run, in bytes per tick: the bytes the server's application got,
/// divided by the time the last of them arrived, or by the end of the run if the stream did not
/// all arrive (a run cut short by its step limit). 0 if nothing arrived.
pub fn goodput(trace: &Trace, stream: u64) -> f64 {
    let mut bytes = 0u64;
    let mut last = 0.0f64;
    for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
        bytes += o.value.len() as u64;
        if let Some(e) = trace.events.get(o.event) {
            last = last.max(e.time as f64);
        }
    }
    if bytes == 0 {
        return 0.0;
    }
    let time = if bytes >= stream {
        last
    } else {
        end_time(trace) as f64
    };
    bytes as f64 / time.max(1.0)
}

/// The scenario the sweep runs for `loss` and `seed`: the same protocol, variant, parameters,
/// processes, latency and faults, with no interventions, and `loss` on every link.
pub fn sweep_scenario(scenario: &Scenario, loss: f64, seed: u64) -> Scenario {
    let mut s = scenario.clone();
    s.interventions.clear();
    s.seed = seed;
    s.network.loss = loss;
    for link in &mut s.network.links {
        if link.loss.is_some() {
            link.loss = Some(loss);
        }
    }
    s
}

/// Goodput (bytes per tick) against loss rate: for each loss rate, the average over `seeds` of
/// complete runs of [`sweep_scenario`]. A run that does not load is left out of the average; a
/// loss rate none of whose runs loads is left out.
///
/// Cost: `losses.len() × seeds.len()` complete runs, each bounded by the scenario's step limit.
/// For the lesson's scenarios (300 to 4,000 bytes) and the default sweep (6 × 3 = 18 runs) that
/// is 550 to 3,000 steps in all (`tcp-congestion` the most): under 10 ms natively (release), and
/// about 0.1 s in the browser for `tcp-lost-segment`, drawing included. A stream of the maximum
/// size would take far longer: the component runs the sweep only when asked.
pub fn goodput_sweep(scenario: &Scenario, losses: &[f64], seeds: &[u64]) -> Vec<(f64, f64)> {
    let stream = stream_bytes(scenario);
    losses
        .iter()
        .filter_map(|&loss| {
            let runs: Vec<f64> = seeds
                .iter()
                .filter_map(|&seed| Run::complete(&sweep_scenario(scenario, loss, seed)).ok())
                .map(|run| goodput(run.trace(), stream))
                .collect();
            (!runs.is_empty()).then(|| (loss, runs.iter().sum::<f64>() / runs.len() as f64))
        })
        .collect()
}

/// Goodput against loss rate, as a line through a dot per point.
pub fn goodput_plot(points: &[(f64, f64)], width: u32, height: u32) -> String {
    let x_hi = points.iter().map(|p| p.0).fold(0.0, f64::max).max(0.1);
    let y_hi = points.iter().map(|p| p.1).fold(0.0, f64::max).max(0.01) * 1.15;
    let x = -x_hi * 0.04..x_hi * 1.04;
    let y = 0.0..y_hi;
    let colour = rgb(process_colour(CLIENT));
    svg(
        width,
        height,
        "Goodput against loss rate",
        |root: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(64)
                .build_cartesian_2d(x, y)?;
            chart
                .configure_mesh()
                .x_labels(6)
                .y_labels(5)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("loss rate")
                .y_desc("bytes / tick")
                .x_label_formatter(&|v| format!("{:.0}%", v * 100.0))
                .y_label_formatter(&|v| {
                    if y_hi < 1.0 {
                        format!("{v:.2}")
                    } else {
                        format!("{v:.1}")
                    }
                })
                .draw()?;
            chart.draw_series(std::iter::once(PathElement::new(
                points.to_vec(),
                colour.stroke_width(2),
            )))?;
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 5, colour.filled())))?;
            Ok(())
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The broadcast lesson: what each variant costs
// ---------------------------------------------------------------------------------------------

/// The numbers of processes the broadcast sweep tries.
pub const BROADCAST_SIZES: [usize; 8] = [3, 4, 5, 6, 7, 8, 9, 10];
/// The seeds gossip (the one variant that draws random numbers) is run with: its cost is their
/// average. Every other variant is run once, with the first.
pub const BROADCAST_SEEDS: [u64; 3] = [1, 2, 3];
/// The broadcasts each run of the sweep makes (see [`broadcast_sweep_scenario`]).
pub const SWEEP_BROADCASTS: usize = 2;
/// The fewest steps a sweep run is allowed, whatever the scenario's limit: the dearest run
/// (`total-lamport` among ten) takes well under a thousand.
const SWEEP_MIN_STEPS: u64 = 5_000;

/// The scenario the broadcast sweep runs for `variant` among `n` processes named `P1` to `Pn`:
/// the scenario's latency (and FIFO links, which `total-lamport` always gets, as it assumes
/// them), with no faults, no interventions, no loss or duplication, no per-link settings, and
/// its own parameters, so that it costs the same whichever example it starts from: P2 broadcasts
/// twice (at 10 and 30), nobody replies, and gossip pushes to 2 peers a round for 3 rounds of
/// 10 ticks. The sender is P2 rather than P1 because P1 is `total-sequencer`'s sequencer: from
/// any other sender that variant pays one request and then the sequencer's copies, as a
/// sequencer usually does.
pub fn broadcast_sweep_scenario(
    scenario: &Scenario,
    variant: &str,
    n: usize,
    seed: u64,
) -> Scenario {
    let mut s = scenario.clone();
    s.protocol = "broadcast".into();
    s.variant = variant.into();
    s.processes = (1..=n).map(|i| format!("P{i}")).collect();
    s.faults.clear();
    s.interventions.clear();
    s.seed = seed;
    s.network.loss = 0.0;
    s.network.duplicate = 0.0;
    s.network.links.clear();
    s.network.fifo |= variant == "total-lamport";
    s.limits.max_steps = s.limits.max_steps.max(SWEEP_MIN_STEPS);
    s.limits.max_time = None;
    s.params = serde_json::json!({
        "broadcasts": [{ "at": 10, "from": "P2" }, { "at": 30, "from": "P2" }],
        "fanout": 2,
        "rounds": 3,
        "round_length": 10,
    });
    s
}

/// One variant's line: its name and (processes, messages sent per broadcast) for each size.
pub type CostSeries = (String, Vec<(usize, f64)>);

/// Messages sent per broadcast against the number of processes, for every variant of the
/// `broadcast` protocol in lesson order: for each size in `sizes`, a complete run of
/// [`broadcast_sweep_scenario`] (the average of [`BROADCAST_SEEDS`] for gossip), counting every
/// message handed to the network (`trace.messages`: originals, relays, requests, orders and
/// acknowledgements) over [`SWEEP_BROADCASTS`]. A run that does not load is left out; a size none
/// of whose runs loads has no point.
///
/// What comes out, for `n` processes: best-effort `n − 1`; reliable, fifo and causal between
/// `(n − 1)(n − 2)` and `(n − 1)²` (the sender's `n − 1` copies, then each receiver relays to
/// everyone but itself, the sender and whoever it heard from: `n − 2` others if that was the
/// sender, `n − 3` if a relay overtook the sender's copy); total-sequencer `n` (one request,
/// `n − 1` orders);
/// total-lamport `n (n − 1)` (`n − 1` copies, and each receiver acknowledges to its `n − 1`
/// peers); gossip `fanout × rounds × n = 6n` when everyone hears the message.
///
/// Cost: 7 variants × 8 sizes, gossip three times, is 72 complete runs of 4 to 180 messages
/// each. Measured natively in a debug build on a 2-core machine
/// (`cargo test -p spacetime-app --lib broadcast_sweep_timing -- --nocapture`): 32 to 35 ms for
/// the whole sweep. That is still too much work for every scenario change, so the component
/// runs it only when asked.
pub fn broadcast_cost_sweep(scenario: &Scenario, sizes: &[usize]) -> Vec<CostSeries> {
    let Some(protocol) = spacetime_core::protocols::find("broadcast") else {
        return Vec::new();
    };
    protocol
        .variants
        .iter()
        .map(|variant| {
            let seeds: &[u64] = if variant.name == "gossip" {
                &BROADCAST_SEEDS
            } else {
                &BROADCAST_SEEDS[..1]
            };
            let points = sizes
                .iter()
                .filter_map(|&n| {
                    let runs: Vec<f64> = seeds
                        .iter()
                        .filter_map(|&seed| {
                            let s = broadcast_sweep_scenario(scenario, variant.name, n, seed);
                            Run::complete(&s).ok()
                        })
                        .map(|run| run.trace().messages.len() as f64 / SWEEP_BROADCASTS as f64)
                        .collect();
                    (!runs.is_empty()).then(|| (n, runs.iter().sum::<f64>() / runs.len() as f64))
                })
                .collect();
            (variant.name.to_string(), points)
        })
        .collect()
}

/// The colour of the `i`th series of a plot: the lanes' palette, in order.
pub fn series_colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// How many marks [`broadcast_cost_plot`] draws: one per point.
pub fn cost_points(series: &[CostSeries]) -> usize {
    series.iter().map(|(_, points)| points.len()).sum()
}

/// A number of messages as a tick label or in the legend: whole when it is, else one decimal.
fn messages(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Messages per broadcast against the number of processes, one line with a dot per point for
/// each series, in [`series_colour`]s, on a logarithmic scale (the variants span 2 to 90
/// messages: on a linear one the cheap ones would lie flat along the bottom). Lines that
/// coincide (reliable, fifo and causal cost the same) are drawn each thinner than the one
/// before, so every one shows as a stripe.
pub fn broadcast_cost_plot(series: &[CostSeries], width: u32, height: u32) -> String {
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let x_lo = all().map(|p| p.0).min().unwrap_or(3) as f64;
    let x_hi = all()
        .map(|p| p.0)
        .max()
        .unwrap_or(10)
        .max(x_lo as usize + 1) as f64;
    let pad = (x_hi - x_lo) * 0.04;
    let y_lo = all()
        .map(|p| p.1)
        .filter(|&v| v > 0.0)
        .fold(f64::MAX, f64::min);
    let y_lo = if y_lo == f64::MAX { 1.0 } else { y_lo };
    let y_hi = all().map(|p| p.1).fold(y_lo * 2.0, f64::max);
    let y = (y_lo / 1.3)..(y_hi * 1.3);
    // Ticks at 1, 2 and 5 times each power of ten.
    let ticks: Vec<f64> = (0..6)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .filter(|t| y.contains(t))
        .collect();
    // How many later series coincide with each: that many stripes lie on top of it.
    let under: Vec<usize> = series
        .iter()
        .enumerate()
        .map(|(i, (_, p))| series[i + 1..].iter().filter(|(_, q)| q == p).count())
        .collect();
    svg(
        width,
        height,
        "Messages sent per broadcast against the number of processes",
        |root: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(56)
                .build_cartesian_2d(x_lo - pad..x_hi + pad, y.log_scale().with_key_points(ticks))?;
            chart
                .configure_mesh()
                .x_labels((x_hi - x_lo) as usize + 1)
                .y_labels(6)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("processes")
                .y_desc("messages / broadcast")
                .x_label_formatter(&|v| {
                    if (v - v.round()).abs() < 1e-6 {
                        format!("{v:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|v| messages(*v))
                .draw()?;
            for (i, (_, points)) in series.iter().enumerate() {
                let colour = rgb(series_colour(i));
                let line: Vec<(f64, f64)> = points.iter().map(|&(n, v)| (n as f64, v)).collect();
                chart.draw_series(std::iter::once(PathElement::new(
                    line.clone(),
                    colour.stroke_width(2 + 3 * under[i] as u32),
                )))?;
                chart.draw_series(
                    line.into_iter()
                        .map(|p| Circle::new(p, 3 + under[i] as u32, colour.filled())),
                )?;
            }
            Ok(())
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

/// A drawn plot and the number of marks in it.
#[derive(Clone, Debug, PartialEq)]
struct Drawn {
    svg: String,
    points: usize,
}

/// What makes two scenarios give the same sweep: everything but what the sweep replaces.
fn sweep_key(scenario: &Scenario) -> Scenario {
    sweep_scenario(scenario, 0.0, 0)
}

/// One entry of a plot's legend.
fn legend_entry(shape: &'static str, colour: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li>
            <span class=format!("plot-key {shape}") style=format!("--c: {colour}") aria-hidden="true"></span>
            {text}
        </li>
    }
}

/// A drawn cost sweep and its legend: each variant's colour, name and cost at the most processes.
#[derive(Clone, Debug, PartialEq)]
struct CostDrawn {
    drawn: Drawn,
    legend: Vec<(&'static str, String)>,
}

/// What makes two scenarios give the same cost sweep: what the sweep keeps of them.
fn cost_key(scenario: &Scenario) -> Scenario {
    broadcast_sweep_scenario(scenario, "", 0, 0)
}

fn cost_drawn(series: &[CostSeries]) -> CostDrawn {
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, (name, points))| {
            // Black would vanish on the dark theme: the legend takes the text colour instead,
            // as the stylesheet does for the line.
            let colour = match series_colour(i) {
                "#000000" => "var(--fg)",
                c => c,
            };
            let text = match points.last() {
                Some(&(n, v)) => format!("{name}: {} at {n}", messages(v)),
                None => name.clone(),
            };
            (colour, text)
        })
        .collect();
    CostDrawn {
        drawn: Drawn {
            svg: broadcast_cost_plot(series, PLOT_WIDTH, PLOT_HEIGHT),
            points: cost_points(series),
        },
        legend,
    }
}

/// The lessons' plots: for a run of the `tcp` protocol the sequence plot and the timers plot,
/// as far as the cursor, and a goodput sweep on demand; for `broadcast`, each variant's cost
/// against the number of processes, on demand; nothing for other protocols.
#[component]
pub fn Plots() -> impl IntoView {
    view! {
        <TcpPlots/>
        <BroadcastPlots/>
    }
}

/// The broadcast lesson's plot: messages per broadcast against processes, swept on demand.
/// How far one gossiped message has spread after some steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub message: String,
    /// Processes that delivered it, and processes in all.
    pub reached: usize,
    pub processes: usize,
    /// When everyone had it: the rounds (of `round` ticks) since it was broadcast.
    pub rounds: Option<u64>,
}

impl Coverage {
    pub fn sentence(&self) -> String {
        match self.rounds {
            Some(r) => format!(
                "{} reached all {} processes within {r} round{}",
                self.message,
                self.processes,
                if r == 1 { "" } else { "s" }
            ),
            None => format!(
                "{} has reached {} of {} processes",
                self.message, self.reached, self.processes
            ),
        }
    }
}

/// For each message broadcast in the first `steps` steps: how many processes delivered it, and
/// in how many rounds of `round` ticks it reached all of them (gossip's rounds to full
/// coverage), from the trace's `broadcast` and `deliver` outputs.
pub fn coverage_rounds(trace: &Trace, steps: u64, round: u64) -> Vec<Coverage> {
    let shown = trace.events.partition_point(|e| e.step < steps);
    let time = |event: usize| trace.events[event].time;
    let visible = trace.outputs.iter().filter(|o| o.event < shown);
    let mut out: Vec<(Coverage, u64, u64)> = Vec::new();
    for o in visible.clone().filter(|o| o.kind == "broadcast") {
        out.push((
            Coverage {
                message: o.value.clone(),
                reached: 0,
                processes: trace.processes.len(),
                rounds: None,
            },
            time(o.event),
            0,
        ));
    }
    for o in visible.filter(|o| o.kind == "deliver") {
        if let Some((c, _, last)) = out.iter_mut().find(|(c, _, _)| c.message == o.value) {
            c.reached += 1;
            *last = (*last).max(time(o.event));
        }
    }
    out.into_iter()
        .map(|(mut c, start, last)| {
            if c.reached >= c.processes {
                c.rounds = Some((last.saturating_sub(start)).div_ceil(round.max(1)));
            }
            c
        })
        .collect()
}

#[component]
fn BroadcastPlots() -> impl IntoView {
    let store = Store::get();
    let is_broadcast = Memo::new(move |_| store.scenario.with(|s| s.protocol == "broadcast"));
    let coverage = Memo::new(move |_| {
        let gossip = store
            .scenario
            .with(|s| s.protocol == "broadcast" && s.variant == "gossip");
        if !gossip {
            return Vec::new();
        }
        let round = store.scenario.with(|s| {
            s.params
                .get("round_length")
                .and_then(|v| v.as_u64())
                .unwrap_or(10)
        });
        let cursor = store.cursor.get();
        store.trace.with(|t| coverage_rounds(t, cursor, round))
    });
    // A sweep of another latency is not shown; 72 runs, 32 to 35 ms natively in a debug build
    // (see `broadcast_cost_sweep`).
    let (current, sweeping, run_sweep) = on_demand(store, cost_key, |scenario| {
        cost_drawn(&broadcast_cost_sweep(scenario, &BROADCAST_SIZES))
    });
    view! {
        <Show when=move || is_broadcast.get()>
            <div class="plots" data-testid="plots-broadcast">
                <Show when=move || coverage.with(|c| !c.is_empty())>
                    <div class="plot coverage" data-testid="gossip-coverage">
                        <strong>"Gossip coverage"</strong>
                        <ul>
                            {move || coverage.get().into_iter().map(|c| view! { <li>{c.sentence()}</li> }).collect_view()}
                        </ul>
                    </div>
                </Show>
                <details class="plot">
                    <summary>"Messages per broadcast"</summary>
                    <p class="plot-note">
                        "What each variant sends for one broadcast among 3 to 10 processes, "
                        "from runs without faults: P2 broadcasts twice; gossip pushes to 2 peers "
                        "a round for 3 rounds (the average of three runs)."
                    </p>
                    <button class="plot-sweep" data-testid="plot-broadcast-sweep"
                        disabled=move || sweeping.get()
                        on:click=run_sweep>
                        {move || if sweeping.get() { "Sweeping…" } else { "Sweep 3 to 10 processes" }}
                    </button>
                    {move || current.get().map(|d| view! {
                        <div class="plot-svg" data-testid="plot-broadcast-cost"
                            data-points=d.drawn.points.to_string() inner_html=d.drawn.svg></div>
                        <ul class="plot-legend">
                            {d.legend.into_iter().map(|(colour, text)| view! {
                                <li>
                                    <span class="plot-key line" style=format!("--c: {colour}")
                                        aria-hidden="true"></span>
                                    {text}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </details>
            </div>
        </Show>
    }
}

/// The MapReduce lesson's task timeline: a row per worker (in lane order, top to bottom), a bar
/// per run of a task in the worker's colour: solid for the run that completed its task, pale for
/// one that was cut short (its worker died, or another copy won), map bars lower and reduce bars
/// higher in the row. The time axis spans the whole run.
pub fn timeline_plot(
    trace: &Trace,
    bars: &[crate::lessons::mapreduce::Bar],
    width: u32,
    height: u32,
) -> String {
    use crate::lessons::mapreduce::Phase;
    use plotters::prelude::Rectangle;
    let workers: Vec<(usize, &String)> = trace
        .processes
        .iter()
        .enumerate()
        .filter(|(_, name)| bars.iter().any(|b| &b.worker == *name))
        .collect();
    let rows = workers.len().max(1) as f64;
    svg(
        width,
        height,
        "Tasks per worker over time",
        |root: &Area| -> DrawResult {
            let x = time_range(trace);
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(40)
                .y_label_area_size(44)
                .build_cartesian_2d(x, 0.0..rows)?;
            let names: Vec<String> = workers.iter().map(|(_, n)| (*n).clone()).collect();
            let label = move |v: &f64| {
                let row = v.floor() as usize;
                // Rows run top to bottom in lane order; the axis counts up from the bottom.
                names
                    .len()
                    .checked_sub(row + 1)
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default()
            };
            chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(workers.len() * 2 + 1)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("time (ticks)")
                .x_label_formatter(&whole)
                .y_label_formatter(&|v: &f64| {
                    if (v.fract() - 0.5).abs() < 0.01 {
                        label(v)
                    } else {
                        String::new()
                    }
                })
                .draw()?;
            for bar in bars {
                let Some(row) = workers.iter().position(|(_, n)| **n == bar.worker) else {
                    continue;
                };
                let base = rows - 1.0 - row as f64;
                let (low, high) = match bar.phase {
                    Phase::Map => (base + 0.12, base + 0.48),
                    Phase::Reduce => (base + 0.52, base + 0.88),
                };
                let p = workers[row].0;
                let colour = rgb(process_colour(p));
                let end = (bar.end as f64).max(bar.start as f64 + 1.0);
                let style = if bar.completed {
                    colour.filled()
                } else {
                    colour.mix(0.35).filled()
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(bar.start as f64, low), (end, high)],
                    style,
                )))?;
            }
            Ok(())
        },
    )
}

/// The TCP lesson's plots, for a run of the `tcp` protocol (nothing otherwise): the sequence
/// plot and the timers plot, as far as the cursor, and a goodput sweep on demand.
/// A sweep of runs computed only when the learner asks, and shown only while the scenario still
/// matches the one it was made for (`key` keeps what the sweep depends on). Returns the result,
/// whether it is being computed, and the button's handler.
fn on_demand<T: Clone + PartialEq + Send + Sync + 'static>(
    store: Store,
    key: fn(&Scenario) -> Scenario,
    compute: fn(&Scenario) -> T,
) -> (
    Memo<Option<T>>,
    RwSignal<bool>,
    impl Fn(leptos::ev::MouseEvent) + Copy + 'static,
) {
    let sweep = RwSignal::new(None::<(Scenario, T)>);
    let sweeping = RwSignal::new(false);
    let current = Memo::new(move |_| {
        let now = store.scenario.with(key);
        sweep.with(|s| {
            s.as_ref()
                .filter(|(k, _)| *k == now)
                .map(|(_, d)| d.clone())
        })
    });
    let run = move |_| {
        if sweeping.get_untracked() {
            return;
        }
        sweeping.set(true);
        let scenario = store.scenario.get_untracked();
        // Let the button show that it is working before the runs take the thread.
        set_timeout(
            move || {
                let result = compute(&scenario);
                sweep.set(Some((key(&scenario), result)));
                sweeping.set(false);
            },
            Duration::from_millis(30),
        );
    };
    (current, sweeping, run)
}

#[component]
fn TcpPlots() -> impl IntoView {
    let store = Store::get();
    let is_tcp = Memo::new(move |_| store.scenario.with(|s| s.protocol == "tcp"));
    let sequence = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| Drawn {
            svg: sequence_plot(t, steps, PLOT_WIDTH, PLOT_HEIGHT),
            points: sequence_marks(t, steps).len(),
        })
    });
    let timers = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| Drawn {
            svg: timers_plot(t, steps, PLOT_WIDTH, PLOT_HEIGHT),
            points: timers_points(t, steps),
        })
    });
    let has_cwnd = Memo::new(move |_| {
        store
            .trace
            .with(|t| t.outputs.iter().any(|o| o.kind == "cwnd"))
    });
    // The last sweep, with the scenario it was made for: a sweep of another scenario is not shown.
    let (current_sweep, sweeping, run_sweep) = on_demand(store, sweep_key, |scenario| {
        let points = goodput_sweep(scenario, &SWEEP_LOSSES, &SWEEP_SEEDS);
        Drawn {
            svg: goodput_plot(&points, PLOT_WIDTH, PLOT_HEIGHT),
            points: points.len(),
        }
    });
    view! {
        <Show when=move || is_tcp.get()>
            <div class="plots" data-testid="plots">
                <details class="plot" open>
                    <summary>"Sequence numbers over time"</summary>
                    <div class="plot-svg" data-testid="plot-sequence"
                        data-points=move || sequence.with(|d| d.points.to_string())
                        inner_html=move || sequence.with(|d| d.svg.clone())></div>
                    <ul class="plot-legend">
                        {legend_entry("dot", process_colour(CLIENT), "segment sent")}
                        {legend_entry("triangle", AGAIN_COLOUR, "sent again")}
                        {legend_entry("dot hollow", process_colour(CLIENT), "lost")}
                        {legend_entry("diamond", process_colour(1), "ACK received")}
                    </ul>
                </details>
                <details class="plot" open>
                    <summary>"Window and timeout over time"</summary>
                    <div class="plot-svg" data-testid="plot-timers"
                        data-points=move || timers.with(|d| d.points.to_string())
                        inner_html=move || timers.with(|d| d.svg.clone())></div>
                    <ul class="plot-legend">
                        <Show when=move || has_cwnd.get()>
                            {legend_entry("line", process_colour(CLIENT), "cwnd (segments)")}
                        </Show>
                        {legend_entry("line", process_colour(CLIENT), "client RTO")}
                        {legend_entry("line", process_colour(1), "server RTO")}
                        {legend_entry("dot", "var(--fg-muted)", "RTT sample (in its side's colour)")}
                    </ul>
                </details>
                <details class="plot">
                    <summary>"Goodput against loss"</summary>
                    <p class="plot-note">
                        "This run's stream over networks that lose 0% to 50% of messages: "
                        "three runs each, without your interventions."
                    </p>
                    <button class="plot-sweep" data-testid="plot-sweep"
                        disabled=move || sweeping.get()
                        on:click=run_sweep>
                        {move || if sweeping.get() { "Sweeping…" } else { "Sweep loss rates" }}
                    </button>
                    {move || current_sweep.get().map(|d| view! {
                        <div class="plot-svg" data-testid="plot-goodput"
                            data-points=d.points.to_string() inner_html=d.svg></div>
                    })}
                </details>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn gossip_coverage_counts_rounds_to_reach_everyone() {
        let t = trace("broadcast-gossip-coverage");
        let all = coverage_rounds(&t, t.step_count(), 10);
        assert!(!all.is_empty());
        for c in &all {
            assert_eq!(c.processes, t.processes.len());
            assert!(c.reached <= c.processes);
            assert_eq!(c.rounds.is_some(), c.reached == c.processes, "{c:?}");
            assert!(c.sentence().starts_with(&c.message));
        }
        // Before anything is broadcast there is nothing to report; part way, fewer have it.
        assert!(coverage_rounds(&t, 0, 10).is_empty());
        let early = coverage_rounds(&t, t.step_count() / 4, 10);
        assert!(early.iter().zip(&all).all(|(e, a)| e.reached <= a.reached));
    }
    use super::*;
    use spacetime_core::protocols::example;

    fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
    }

    /// DATA sends and ACK receipts by the client, counted straight from the trace.
    fn sends_and_acks(t: &Trace, steps: u64) -> (usize, usize) {
        let sends = t
            .messages
            .iter()
            .filter(|m| m.created_step < steps && m.label.starts_with("DATA "))
            .count();
        let acks = t
            .messages
            .iter()
            .filter(|m| {
                m.to == CLIENT
                    && m.label.starts_with("ACK ")
                    && m.fate == Fate::Delivered
                    && m.settled_step.is_some_and(|s| s < steps)
            })
            .count();
        (sends, acks)
    }

    fn count(svg: &str, tag: &str) -> usize {
        svg.matches(&format!("<{tag} ")).count()
    }

    /// The words of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text ")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split("</text>").next()?.trim().to_string())
            })
            .collect()
    }

    /// Write plots to `$PLOTS_OUT/name.svg` when that is set, to look at them.
    fn keep(name: &str, svg: &str) {
        if let Ok(dir) = std::env::var("PLOTS_OUT") {
            std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
        }
    }

    #[test]
    fn labels_parse_into_segments() {
        assert_eq!(
            segment_of("DATA 101..200"),
            Some(Segment::Data {
                first: 101,
                last: 200
            })
        );
        assert_eq!(
            segment_of("DATA 101..200 (again)"),
            Some(Segment::Data {
                first: 101,
                last: 200
            })
        );
        assert_eq!(segment_of("ACK 201"), Some(Segment::Ack { ack: 201 }));
        assert_eq!(
            segment_of("ACK 301 (again)"),
            Some(Segment::Ack { ack: 301 })
        );
        assert_eq!(segment_of("SYN seq=100"), Some(Segment::Syn { seq: 100 }));
        assert_eq!(
            segment_of("SYN-ACK seq=300 ack=101"),
            Some(Segment::SynAck { seq: 300, ack: 101 })
        );
        assert_eq!(segment_of("FIN seq=1101"), Some(Segment::Fin { seq: 1101 }));
        assert_eq!(segment_of("RST"), Some(Segment::Rst));
        for bad in [
            "",
            "ACK",
            "ACK x",
            "DATA 200..101",
            "DATA 101",
            "SYN 100",
            "ping",
            "RST now",
        ] {
            assert_eq!(segment_of(bad), None, "{bad:?}");
        }
        assert!(is_again("DATA 101..200 (again)"));
        assert!(!is_again("DATA 101..200"));
    }

    #[test]
    fn the_sequence_plot_has_a_mark_per_send_and_ack_up_to_the_cursor() {
        let t = trace("tcp-lost-segment");
        let end = t.step_count();
        for steps in [0, 5, end / 3, end / 2, end] {
            let (sends, acks) = sends_and_acks(&t, steps);
            let marks = sequence_marks(&t, steps);
            assert_eq!(marks.len(), sends + acks, "at step {steps}");
            let svg = sequence_plot(&t, steps, PLOT_WIDTH, PLOT_HEIGHT);
            // A segment is a circle (a first send) or a triangle (a polygon, or a polyline
            // when hollow); an ACK is a diamond drawn in the server's colour.
            let triangles = count(&svg, "polygon")
                + svg
                    .matches(&format!(
                        "<polyline fill=\"none\" opacity=\"1\" stroke=\"{AGAIN_COLOUR}\""
                    ))
                    .count();
            assert_eq!(count(&svg, "circle") + triangles, sends, "at step {steps}");
            let diamonds = svg
                .matches(&format!(
                    "stroke=\"{}\" stroke-width=\"2\" points=",
                    process_colour(1)
                ))
                .count();
            assert_eq!(diamonds, acks, "at step {steps}");
        }
        let (sends, acks) = sends_and_acks(&t, end);
        assert!(sends >= 5 && acks >= 5, "{sends} sends, {acks} acks");
    }

    #[test]
    fn retransmissions_and_losses_are_marked() {
        let t = trace("tcp-lost-segment");
        let marks = sequence_marks(&t, t.step_count());
        let again: Vec<_> = marks.iter().filter(|m| m.kind == MarkKind::Again).collect();
        assert!(!again.is_empty());
        let lost: Vec<_> = marks.iter().filter(|m| m.lost).collect();
        assert_eq!(lost.len(), 1, "{lost:?}");
        // The segment dropped is the one sent again, at the same first byte, later.
        assert!(again
            .iter()
            .any(|a| a.seq == lost[0].seq && a.time > lost[0].time));
        // The loss is not known before it happens.
        let dropped = &t.messages[lost[0].message];
        let before = dropped.settled_step.unwrap();
        assert!(sequence_marks(&t, before).iter().all(|m| !m.lost));
        let svg = sequence_plot(&t, t.step_count(), PLOT_WIDTH, PLOT_HEIGHT);
        keep("sequence-lost-segment", &svg);
        keep(
            "sequence-lost-segment-half",
            &sequence_plot(&t, t.step_count() / 2, PLOT_WIDTH, PLOT_HEIGHT),
        );
        assert!(count(&svg, "polygon") >= again.len());
        assert!(svg.to_uppercase().contains(&AGAIN_COLOUR.to_uppercase()));
        // A hollow mark: a circle with no fill.
        assert!(svg.contains("fill=\"none\""), "{svg}");
    }

    #[test]
    fn plots_are_svg_with_readable_text() {
        let t = trace("tcp-congestion");
        let end = t.step_count();
        for svg in [
            sequence_plot(&t, end, PLOT_WIDTH, PLOT_HEIGHT),
            timers_plot(&t, end, PLOT_WIDTH, PLOT_HEIGHT),
            goodput_plot(&[(0.0, 2.0), (0.1, 1.5)], PLOT_WIDTH, PLOT_HEIGHT),
        ] {
            assert!(svg.starts_with("<svg "), "{svg}");
            assert!(svg.trim_end().ends_with("</svg>"));
            assert!(svg.contains("role=\"img\""));
            assert!(svg.contains("width=\"360\"") && svg.contains("height=\"220\""));
            assert!(texts(&svg).len() >= 4, "{svg}");
            for size in svg.split("font-size=\"").skip(1) {
                let px: f64 = size.split('"').next().unwrap().parse().unwrap();
                assert!(px >= 14.0, "{px}px");
            }
        }
        let svg = sequence_plot(&t, end, PLOT_WIDTH, PLOT_HEIGHT);
        assert!(texts(&svg).iter().any(|t| t == "sequence number"), "{svg}");
        // Colours are the lanes'.
        assert!(svg.contains(process_colour(CLIENT)));
    }

    #[test]
    fn the_timers_plot_has_a_dot_per_rtt_sample() {
        for name in ["tcp-congestion", "tcp-stop-and-wait", "tcp-lost-segment"] {
            let t = trace(name);
            let end = t.step_count();
            for steps in [0, end / 2, end] {
                let rtts = t
                    .outputs
                    .iter()
                    .filter(|o| o.kind == "rtt" && t.events[o.event].step < steps)
                    .count();
                assert_eq!(timers_points(&t, steps), rtts, "{name} at {steps}");
                let svg = timers_plot(&t, steps, PLOT_WIDTH, PLOT_HEIGHT);
                assert_eq!(count(&svg, "circle"), rtts, "{name} at {steps}");
            }
            assert!(timers_points(&t, end) > 0, "{name}");
        }
        // With congestion control, the window is plotted above the timeout.
        let t = trace("tcp-congestion");
        let svg = timers_plot(&t, t.step_count(), PLOT_WIDTH, PLOT_HEIGHT);
        keep("timers-congestion", &svg);
        assert!(texts(&svg).iter().any(|t| t == "cwnd"));
        let t = trace("tcp-stop-and-wait");
        let svg = timers_plot(&t, t.step_count(), PLOT_WIDTH, PLOT_HEIGHT);
        keep("timers-stop-and-wait", &svg);
        assert!(!texts(&svg).iter().any(|t| t == "cwnd"));
    }

    #[test]
    fn step_lines_hold_each_value_until_the_next() {
        let s = |time, value| Sample {
            process: 0,
            time,
            value,
        };
        assert_eq!(
            step_line(&[s(0.0, 1.0), s(10.0, 2.0)], 15.0),
            vec![(0.0, 1.0), (10.0, 1.0), (10.0, 2.0), (15.0, 2.0)]
        );
        assert!(step_line(&[], 5.0).is_empty());
    }

    #[test]
    fn goodput_falls_as_loss_rises() {
        let scenario = example("tcp-handshake").unwrap();
        let points = goodput_sweep(&scenario, &SWEEP_LOSSES, &SWEEP_SEEDS);
        assert_eq!(points.len(), SWEEP_LOSSES.len());
        for (&(loss, goodput), &expected) in points.iter().zip(SWEEP_LOSSES.iter()) {
            assert_eq!(loss, expected);
            assert!(goodput > 0.0, "{points:?}");
        }
        assert!(points[0].1 > points[points.len() - 1].1, "{points:?}");
        let svg = goodput_plot(&points, PLOT_WIDTH, PLOT_HEIGHT);
        assert_eq!(count(&svg, "circle"), points.len());
        keep("goodput-handshake", &svg);
        assert!(texts(&svg).iter().any(|t| t == "50%"), "{svg}");
    }

    #[test]
    fn the_sweep_ignores_interventions_seed_and_loss_but_keeps_the_rest() {
        let scenario = example("tcp-lost-segment").unwrap();
        let s = sweep_scenario(&scenario, 0.3, 7);
        assert!(s.interventions.is_empty());
        assert_eq!((s.seed, s.network.loss), (7, 0.3));
        assert_eq!(
            (&s.params, &s.variant),
            (&scenario.params, &scenario.variant)
        );
        let mut other = scenario.clone();
        other.seed = 99;
        other.network.loss = 0.2;
        assert_eq!(sweep_key(&other), sweep_key(&scenario));
    }

    #[test]
    fn goodput_is_the_stream_over_the_time_it_took() {
        let t = trace("tcp-handshake");
        let last = t
            .outputs
            .iter()
            .filter(|o| o.kind == "deliver")
            .map(|o| t.events[o.event].time)
            .max()
            .unwrap();
        assert_eq!(goodput(&t, 300), 300.0 / last as f64);
        // A stream that did not all arrive is measured to the end of the run.
        assert_eq!(goodput(&t, 10_000), 300.0 / end_time(&t) as f64);
    }

    fn series<'a>(sweep: &'a [CostSeries], name: &str) -> &'a [(usize, f64)] {
        &sweep.iter().find(|(v, _)| v == name).unwrap().1
    }

    #[test]
    fn the_broadcast_sweep_has_the_expected_shapes() {
        let scenario = example("broadcast-best-effort-sender-crash").unwrap();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        let names: Vec<&str> = sweep.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            names,
            [
                "best-effort",
                "reliable",
                "fifo",
                "causal",
                "total-sequencer",
                "total-lamport",
                "gossip"
            ]
        );
        for (variant, points) in &sweep {
            let sizes: Vec<usize> = points.iter().map(|p| p.0).collect();
            assert_eq!(sizes, BROADCAST_SIZES, "{variant}");
        }
        for &(n, v) in series(&sweep, "best-effort") {
            assert_eq!(v, (n - 1) as f64, "best-effort at {n}");
        }
        // Eager reliable broadcast: the sender's n − 1 copies, then each receiver relays to the
        // n − 2 others that are not the sender, or n − 3 if it first heard from a relay.
        for name in ["reliable", "fifo", "causal"] {
            for &(n, v) in series(&sweep, name) {
                let (lo, hi) = ((n - 1) * (n - 2), (n - 1) * (n - 1));
                assert!(lo as f64 <= v && v <= hi as f64, "{name} at {n}: {v}");
            }
            assert_eq!(series(&sweep, name), series(&sweep, "reliable"), "{name}");
        }
        for &(n, v) in series(&sweep, "total-sequencer") {
            assert_eq!(v, n as f64, "sequencer at {n}: a request and n − 1 orders");
        }
        for &(n, v) in series(&sweep, "total-lamport") {
            assert_eq!(
                v,
                (n * (n - 1)) as f64,
                "lamport at {n}: copies and acknowledgements"
            );
        }
        for &(n, v) in series(&sweep, "gossip") {
            // Two peers a round, three rounds, by at most every process.
            assert!(v > 0.0 && v <= 6.0 * n as f64, "gossip at {n}: {v}");
        }
        // Every line rises with the number of processes.
        for (variant, points) in &sweep {
            assert!(
                points[0].1 < points[points.len() - 1].1,
                "{variant}: {points:?}"
            );
        }
        // The same sweep again gives the same numbers, whatever the scenario's seed and faults.
        let mut other = example("broadcast-gossip-coverage").unwrap();
        other.seed = 42;
        assert_eq!(broadcast_cost_sweep(&other, &BROADCAST_SIZES), sweep);
        assert_eq!(broadcast_cost_sweep(&scenario, &BROADCAST_SIZES), sweep);
    }

    #[test]
    fn the_broadcast_sweep_scenario_is_clean() {
        let mut scenario = example("broadcast-causal-reply-overtakes").unwrap();
        scenario.network.loss = 0.5;
        let s = broadcast_sweep_scenario(&scenario, "gossip", 5, 3);
        assert_eq!(s.processes, ["P1", "P2", "P3", "P4", "P5"]);
        assert_eq!((s.variant.as_str(), s.seed), ("gossip", 3));
        assert!(s.faults.is_empty() && s.interventions.is_empty() && s.network.links.is_empty());
        assert_eq!((s.network.loss, s.network.duplicate), (0.0, 0.0));
        assert!(s.params.get("replies").is_none());
        assert_eq!(
            s.params["broadcasts"].as_array().unwrap().len(),
            SWEEP_BROADCASTS
        );
        assert!(
            broadcast_sweep_scenario(&scenario, "total-lamport", 3, 1)
                .network
                .fifo
        );
        assert!(Run::complete(&s).is_ok());
    }

    /// How long the sweep takes: run with `-- --nocapture` to see it.
    #[test]
    fn broadcast_sweep_timing() {
        let scenario = example("broadcast-fifo-overtake").unwrap();
        let start = std::time::Instant::now();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        eprintln!(
            "broadcast sweep: {} points in {:?}",
            cost_points(&sweep),
            start.elapsed()
        );
        assert_eq!(cost_points(&sweep), 7 * BROADCAST_SIZES.len());
    }

    #[test]
    fn the_cost_plot_has_a_line_per_variant() {
        let scenario = example("broadcast-best-effort-sender-crash").unwrap();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        let svg = broadcast_cost_plot(&sweep, PLOT_WIDTH, PLOT_HEIGHT);
        keep("broadcast-cost", &svg);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        let words = texts(&svg);
        assert!(words.iter().any(|t| t == "processes"), "{words:?}");
        assert!(
            words.iter().any(|t| t == "messages / broadcast"),
            "{words:?}"
        );
        assert!(words.iter().any(|t| t == "10"), "{words:?}");
        for size in svg.split("font-size=\"").skip(1) {
            let px: f64 = size.split('"').next().unwrap().parse().unwrap();
            assert!(px >= 14.0, "{px}px");
        }
        // One line per variant, in its colour, and a dot per point.
        for (i, (variant, _)) in sweep.iter().enumerate() {
            let line = format!(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\"",
                series_colour(i)
            );
            assert_eq!(svg.matches(&line).count(), 1, "{variant}: {svg}");
        }
        assert_eq!(count(&svg, "circle"), cost_points(&sweep));
        // Coinciding lines are stripes: reliable under fifo under causal.
        let width = |i: usize| {
            let at = svg
                .find(&format!("stroke=\"{}\" stroke-width=\"", series_colour(i)))
                .unwrap();
            let rest = &svg[at..];
            let rest = &rest[rest.find("stroke-width=\"").unwrap() + 14..];
            rest.split('"').next().unwrap().parse::<u32>().unwrap()
        };
        assert!(width(1) > width(2) && width(2) > width(3), "{svg}");
        // Empty input still draws a plot.
        let empty = broadcast_cost_plot(&[], PLOT_WIDTH, PLOT_HEIGHT);
        assert!(
            empty.contains("<svg") && !empty.contains("could not be drawn"),
            "{empty}"
        );
    }
}
