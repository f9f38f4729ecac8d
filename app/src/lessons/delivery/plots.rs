//! The delivery lesson's plots, for runs of its `tcp` protocol (nothing otherwise): sequence
//! numbers over time, the congestion window and the retransmission timeout over time, and
//! goodput against loss rate, swept on demand.

use leptos::prelude::*;
use plotters::prelude::{
    ChartBuilder, Circle, Color, Cross, EmptyElement, PathElement, TriangleMarker,
};
use spacetime_core::layout::{end_time, process_colour, PALETTE};
use spacetime_core::lessons::delivery::tcp::{self, Packet, TcpOutput, TcpParams, CLIENT};
use spacetime_core::{Fate, MessageId, ProcessId, Run, Scenario, Trace};

use crate::plots::{
    label_style, legend_entry, now_line, on_demand, rgb, svg, time_range, whole, Area, DrawResult,
    Drawn, GRID, INK, MARGIN, PLOT_HEIGHT, PLOT_WIDTH,
};
use crate::store::Store;

/// The loss rates the goodput sweep tries.
pub const SWEEP_LOSSES: [f64; 6] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5];
/// The seeds each loss rate of the sweep is run with; goodput is their average.
pub const SWEEP_SEEDS: [u64; 3] = [1, 2, 3];
/// The marker of a segment sent again (reddish purple, from the same palette as the lanes).
const AGAIN_COLOUR: &str = PALETTE[3];

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

/// A TCP segment as the plots see it (from the typed [`Packet`] a message carries, see
/// `spacetime_core::lessons::delivery::tcp`; never from its label, which is display text).
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

/// The segment message `m` carries, and whether it was sent again; `None` for a message that
/// carries no TCP packet (another protocol's, or one read from a log).
pub fn segment_of(m: &spacetime_core::Message) -> Option<(Segment, bool)> {
    let packet = m.content::<Packet>()?;
    let segment = match &packet.segment {
        tcp::Segment::Syn { seq } => Segment::Syn { seq: *seq },
        tcp::Segment::SynAck { seq, ack } => Segment::SynAck {
            seq: *seq,
            ack: *ack,
        },
        tcp::Segment::Ack { ack } => Segment::Ack { ack: *ack },
        tcp::Segment::Data { seq, text, .. } => Segment::Data {
            first: *seq,
            last: seq + (text.len() as u64).max(1) - 1,
        },
        tcp::Segment::Fin { seq, .. } => Segment::Fin { seq: *seq },
        tcp::Segment::Rst => Segment::Rst,
    };
    Some((segment, packet.again))
}

// ---------------------------------------------------------------------------------------------
// What the plots show
// ---------------------------------------------------------------------------------------------

/// What a mark of the sequence plot stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A data segment sent for the first time.
    Sent,
    /// A data segment sent again (its packet says so).
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
        .filter_map(|m| match segment_of(m)? {
            (Segment::Data { first, .. }, again) if m.duplicate_of.is_none() => Some(SeqMark {
                message: m.id,
                kind: if again {
                    MarkKind::Again
                } else {
                    MarkKind::Sent
                },
                time: m.sent_at as f64,
                seq: first,
                lost: m.settled_step.is_some_and(|s| s < steps)
                    && !matches!(m.fate, Fate::Delivered | Fate::InFlight),
            }),
            (Segment::Ack { ack }, _) if m.to == CLIENT && received(m, steps) => Some(SeqMark {
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

/// The outputs of kind `kind` (`rtt`, `rto`, `cwnd`) made in the first `steps` steps, as
/// numbers: read from their typed facts ([`TcpOutput`]), not their display values.
pub fn samples(trace: &Trace, steps: u64, kind: &str) -> Vec<Sample> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == kind)
        .filter_map(|o| {
            let fact = o.fact::<TcpOutput>().filter(|f| f.kind() == kind)?;
            let e = trace.events.get(o.event)?;
            (e.step < steps).then_some(())?;
            Some(Sample {
                process: o.process,
                time: e.time as f64,
                value: fact.number()?,
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
    for (text, event) in tcp::deliveries(trace) {
        bytes += text.len() as u64;
        if let Some(e) = trace.events.get(event) {
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

/// What makes two scenarios give the same sweep: everything but what the sweep replaces.
fn sweep_key(scenario: &Scenario) -> Scenario {
    sweep_scenario(scenario, 0.0, 0)
}

/// The TCP lesson's plots, for a run of the `tcp` protocol (nothing otherwise): the sequence
/// plot and the timers plot, as far as the cursor, and a goodput sweep on demand.
#[component]
pub fn TcpPlots() -> impl IntoView {
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
    use super::*;
    use crate::plots::testing::{count, keep, texts, trace};
    use spacetime_core::protocols::example;

    /// DATA sends and ACK receipts by the client, counted straight from the trace.
    fn sends_and_acks(t: &Trace, steps: u64) -> (usize, usize) {
        let sends = t
            .messages
            .iter()
            .filter(|m| {
                m.created_step < steps && matches!(segment_of(m), Some((Segment::Data { .. }, _)))
            })
            .count();
        let acks = t
            .messages
            .iter()
            .filter(|m| {
                m.to == CLIENT
                    && matches!(segment_of(m), Some((Segment::Ack { .. }, _)))
                    && m.fate == Fate::Delivered
                    && m.settled_step.is_some_and(|s| s < steps)
            })
            .count();
        (sends, acks)
    }

    #[test]
    fn messages_read_as_segments_from_their_packets() {
        let t = trace("tcp-lost-ack");
        let segments: Vec<(Segment, bool)> = t.messages.iter().filter_map(segment_of).collect();
        assert_eq!(
            segments.len(),
            t.messages.len(),
            "every message is a segment"
        );
        assert_eq!(segments[0], (Segment::Syn { seq: 100 }, false));
        assert_eq!(segments[1], (Segment::SynAck { seq: 300, ack: 101 }, false));
        assert!(segments.contains(&(
            Segment::Data {
                first: 101,
                last: 200
            },
            false
        )));
        assert!(segments
            .iter()
            .any(|&(s, again)| again && matches!(s, Segment::Data { .. })));
        // A trace read back from JSON has texts only: nothing is read from its labels.
        let json = serde_json::to_string(&t).unwrap();
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert!(back.messages.iter().all(|m| segment_of(m).is_none()));
    }

    /// Every TCP plot's data, plain and with every display text scrambled, are the same.
    #[test]
    fn plot_data_read_no_display_text() {
        use spacetime_core::testing::{scramble, scrambled};
        for name in [
            "tcp-lost-segment",
            "tcp-congestion",
            "tcp-stop-and-wait",
            "tcp-go-back-n",
        ] {
            let plain = trace(name);
            let shown = scrambled(|| trace(name));
            assert_eq!(shown.messages[0].label, scramble(&plain.messages[0].label));
            let end = plain.step_count();
            for steps in [0, end / 2, end] {
                assert_eq!(
                    sequence_marks(&plain, steps),
                    sequence_marks(&shown, steps),
                    "{name} at {steps}"
                );
                for kind in ["rtt", "rto", "cwnd"] {
                    assert_eq!(
                        samples(&plain, steps, kind),
                        samples(&shown, steps, kind),
                        "{name} {kind} at {steps}"
                    );
                }
            }
            assert!(!sequence_marks(&plain, end).is_empty(), "{name}");
            assert!(!samples(&plain, end, "rto").is_empty(), "{name}");
            for stream in [300, 500, 4000, 10_000] {
                assert_eq!(goodput(&plain, stream), goodput(&shown, stream), "{name}");
            }
            assert!(goodput(&plain, 300) > 0.0, "{name}");
        }
        let plain = trace("tcp-congestion");
        assert!(!samples(&plain, plain.step_count(), "cwnd").is_empty());
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
}
