//! Geometry of the space-time diagram and the topology ring, as plain math over a [`Trace`].
//!
//! The app draws this with signals and the CLI writes it as a static SVG; both ask the same
//! questions here, so they agree, and the questions are unit-tested without a browser.
//!
//! The diagram puts one lane per process, top to bottom, and time to the right. An event sits at
//! `x(time)` on its lane; events that share a tick on one lane (a receipt and the sends it causes)
//! are spread a few pixels apart so each dot stays visible. A message is an arrow from its send
//! event to its receipt; "at step N" it is drawn only as far as it has travelled by then.

use crate::process::{ProcessId, Time};
use crate::scenario::Timing;
use crate::trace::{EventKind, Fate, Message, MessageId, Trace};

/// The Okabe-Ito palette, which stays distinguishable for colour-blind viewers, in the order lanes
/// take it (yellow, the faintest on white, last).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// The shortest an arrow in flight is drawn, in pixels: one sent this very step is a stub you
/// can see and click, not a point.
pub const MIN_IN_FLIGHT_PX: f64 = 24.0;

/// The colour of process `p`'s lane.
pub fn process_colour(p: ProcessId) -> &'static str {
    PALETTE[p % PALETTE.len()]
}

/// A point in diagram pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    /// The point a fraction `t` of the way from `self` to `other`.
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point {
            x: self.x + (other.x - self.x) * t,
            y: self.y + (other.y - self.y) * t,
        }
    }
}

/// The room a round's name needs, in pixels: closer rounds are named only every so often.
pub const ROUND_LABEL_PX: f64 = 64.0;

/// The most time marks drawn at once.
pub const MAX_TIME_MARKS: usize = 60;

/// A vertical line across the lanes at a moment the timing model names: a synchronous round
/// starts (`round 3`), or the partially synchronous network stabilises (`GST`).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeMark {
    pub at: Time,
    pub x: f64,
    pub label: String,
    /// The global stabilisation time, not a round.
    pub gst: bool,
}

/// Sizes that shape the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Vertical distance between two lanes.
    pub lane_gap: f64,
    /// Horizontal pixels per tick of virtual time: the zoom.
    pub px_per_tick: f64,
    /// Room on the left for the process names.
    pub margin_left: f64,
    pub margin_right: f64,
    pub margin_top: f64,
    pub margin_bottom: f64,
    /// Horizontal gap between events that share a tick on one lane.
    pub same_tick_gap: f64,
    /// The lanes run at least this far in virtual time, even when the run ends sooner: room to
    /// draw in for a diagram built by hand.
    pub min_time: Time,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            lane_gap: 70.0,
            px_per_tick: 4.0,
            margin_left: 64.0,
            margin_right: 32.0,
            margin_top: 36.0,
            margin_bottom: 36.0,
            same_tick_gap: 12.0,
            min_time: 0,
        }
    }
}

impl LayoutOptions {
    /// Options whose zoom fits the whole trace into `width` pixels.
    pub fn fit_width(trace: &Trace, width: f64) -> Self {
        Self::fit_width_from(trace, width, 0)
    }

    /// Options whose zoom fits the whole trace, or `min_time` if that is later, into `width`.
    pub fn fit_width_from(trace: &Trace, width: f64, min_time: Time) -> Self {
        Self::fit_end(end_time(trace), width, min_time)
    }

    /// Options whose zoom fits a run ending at `end` ([`end_time`]), or `min_time` if that is
    /// later, into `width`.
    pub fn fit_end(end: Time, width: f64, min_time: Time) -> Self {
        let mut options = LayoutOptions {
            min_time,
            ..LayoutOptions::default()
        };
        let end = end.max(min_time).max(1) as f64;
        let room = (width - options.margin_left - options.margin_right - 40.0).max(50.0);
        options.px_per_tick = (room / end).clamp(0.01, 40.0);
        options
    }
}

/// One lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub process: ProcessId,
    pub name: String,
    pub y: f64,
    pub colour: &'static str,
}

/// Where a message's arrow runs at some step, and how it ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrow {
    pub message: MessageId,
    pub from: Point,
    pub to: Point,
    pub end: ArrowEnd,
}

/// How an arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrowEnd {
    /// At its receipt, with an arrowhead.
    Received,
    /// Part way: still travelling at the step shown.
    InFlight,
    /// In a cross where it died (dropped by the network or the learner, or lost to a crash).
    Died,
}

/// A stretch of a lane during which its process was down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DownSpan {
    pub process: ProcessId,
    pub from_x: f64,
    pub to_x: f64,
    /// The step of the crash that began it, and of the recovery that ended it, if any.
    pub from_step: u64,
    pub until_step: Option<u64>,
}

/// The diagram's geometry for one trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub options: LayoutOptions,
    pub lanes: Vec<Lane>,
    /// Where each event sits, indexed by event id.
    pub events: Vec<Point>,
    pub width: f64,
    pub height: f64,
    /// How far right of its moment's x the furthest dot sits: events at one tick on one lane
    /// are set [`LayoutOptions::same_tick_gap`] apart.
    pub crowd_px: f64,
    /// The run's [`end_time`].
    pub end: Time,
    /// The crashes and recoveries, in order: all [`Layout::down_spans`] needs to look at, where
    /// the events of a big run number a hundred thousand.
    turns: std::sync::Arc<[usize]>,
    /// Per event, its tick, how many events of its lane share the tick before it, and its lane:
    /// all its place depends on besides the options, so that [`Layout::rescaled`] need not read the
    /// trace (a big run's events fill tens of megabytes). Shared by the layouts of one run.
    moments: std::sync::Arc<[(Time, u32, u32)]>,
}

/// The last moment anything in the trace happens or is due.
pub fn end_time(trace: &Trace) -> Time {
    let events = trace.events.last().map_or(0, |e| e.time);
    let messages = trace
        .messages
        .iter()
        .map(|m| m.arrives_at.max(m.settled_at.unwrap_or(0)))
        .max()
        .unwrap_or(0);
    let steps = trace.steps.last().map_or(0, |s| s.time);
    events.max(messages).max(steps)
}

impl Layout {
    pub fn new(trace: &Trace, options: LayoutOptions) -> Layout {
        let mut moments = Vec::with_capacity(trace.events.len());
        // Per lane: the last tick seen and how many events already sit on it.
        let mut crowd: Vec<(Time, u32)> = vec![(Time::MAX, 0); trace.processes.len()];
        let mut turns = Vec::new();
        for e in &trace.events {
            if matches!(e.kind, EventKind::Crash | EventKind::Recover) {
                turns.push(e.id);
            }
            let slot = &mut crowd[e.process];
            if slot.0 == e.time {
                slot.1 += 1;
            } else {
                *slot = (e.time, 0);
            }
            moments.push((e.time, slot.1, e.process as u32));
        }
        let lanes = trace
            .processes
            .iter()
            .enumerate()
            .map(|(p, name)| Lane {
                process: p,
                name: name.clone(),
                y: 0.0,
                colour: process_colour(p),
            })
            .collect();
        let mut layout = Layout {
            options,
            lanes,
            events: Vec::new(),
            width: 0.0,
            height: 0.0,
            crowd_px: 0.0,
            end: end_time(trace),
            turns: turns.into(),
            moments: moments.into(),
        };
        layout.place(options);
        layout
    }

    /// The same run's layout with other options (a new zoom, or pane): what [`Layout::new`]
    /// gives, without a pass over the trace.
    pub fn rescaled(&self, options: LayoutOptions) -> Layout {
        let mut layout = Layout {
            options,
            lanes: self.lanes.clone(),
            events: Vec::new(),
            width: 0.0,
            height: 0.0,
            crowd_px: 0.0,
            end: self.end,
            turns: self.turns.clone(),
            moments: self.moments.clone(),
        };
        layout.place(options);
        layout
    }

    /// Sets the lanes, the events' points and the size for `options`.
    fn place(&mut self, options: LayoutOptions) {
        self.options = options;
        for lane in &mut self.lanes {
            lane.y = options.margin_top + lane.process as f64 * options.lane_gap;
        }
        let mut right = 0.0f64;
        let mut crowd_slots = 0u32;
        self.events = self
            .moments
            .iter()
            .map(|&(time, slot, process)| {
                crowd_slots = crowd_slots.max(slot);
                let x = options.margin_left
                    + time as f64 * options.px_per_tick
                    + f64::from(slot) * options.same_tick_gap;
                right = right.max(x);
                Point {
                    x,
                    y: options.margin_top + process as f64 * options.lane_gap,
                }
            })
            .collect();
        self.crowd_px = f64::from(crowd_slots) * options.same_tick_gap;
        let end = options.margin_left + self.end.max(options.min_time) as f64 * options.px_per_tick;
        self.width = right.max(end) + options.margin_right + 24.0;
        self.height = options.margin_top
            + self.lanes.len().saturating_sub(1) as f64 * options.lane_gap
            + options.margin_bottom;
    }

    /// The lane of event `id`, read from the layout's own compact record, not the trace.
    pub fn process_of(&self, id: usize) -> ProcessId {
        self.moments[id].2 as ProcessId
    }

    /// The x of a moment in virtual time.
    pub fn time_x(&self, time: f64) -> f64 {
        self.options.margin_left + time * self.options.px_per_tick
    }

    /// The virtual time at an x.
    pub fn x_time(&self, x: f64) -> f64 {
        (x - self.options.margin_left) / self.options.px_per_tick
    }

    /// The vertical marks the timing model puts across the lanes between `left` and `right` (in
    /// diagram pixels): each synchronous round's start, or the global stabilisation time. Only
    /// what the window shows, and no more than [`MAX_TIME_MARKS`]: when rounds are too dense to
    /// tell apart, every k-th is marked.
    pub fn time_marks(&self, timing: &Timing, left: f64, right: f64) -> Vec<TimeMark> {
        let from = self.x_time(left).max(0.0);
        let to = self.x_time(right).max(0.0);
        match *timing {
            Timing::Synchronous { round } if round > 0 => {
                let span = (to - from) / round as f64;
                let every = ((span / MAX_TIME_MARKS as f64).ceil() as u64).max(1);
                let first = (from / round as f64).ceil() as u64;
                let first = first.div_ceil(every) * every;
                // Name only as many rounds as have room for their name.
                let apart = (every * round) as f64 * self.options.px_per_tick;
                let named = ((ROUND_LABEL_PX / apart).ceil() as u64).max(1) * every;
                (first..)
                    .step_by(every as usize)
                    .map(|k| (k, k * round))
                    .take_while(|&(_, at)| at as f64 <= to)
                    .map(|(k, at)| TimeMark {
                        at,
                        x: self.time_x(at as f64),
                        label: if k % named == 0 {
                            format!("round {}", k + 1)
                        } else {
                            String::new()
                        },
                        gst: false,
                    })
                    .collect()
            }
            Timing::PartiallySynchronous { gst, .. } if (from..=to).contains(&(gst as f64)) => {
                vec![TimeMark {
                    at: gst,
                    x: self.time_x(gst as f64),
                    label: "GST".into(),
                    gst: true,
                }]
            }
            _ => Vec::new(),
        }
    }

    /// The y of a process's lane.
    pub fn lane_y(&self, process: ProcessId) -> f64 {
        self.options.margin_top + process as f64 * self.options.lane_gap
    }

    /// The arrow of message `id` as it stands after `steps` steps, or `None` if it has not been
    /// sent yet.
    pub fn arrow_at(&self, trace: &Trace, id: MessageId, steps: u64) -> Option<Arrow> {
        self.arrow_at_time(trace, id, steps, trace.time_at_step(steps) as f64)
    }

    /// Like [`Layout::arrow_at`], with in-flight arrows drawn as far as they get by virtual time
    /// `now` (between two steps' times while an animation plays).
    pub fn arrow_at_time(
        &self,
        trace: &Trace,
        id: MessageId,
        steps: u64,
        now: f64,
    ) -> Option<Arrow> {
        let m = trace.messages.get(id)?;
        if m.created_step >= steps || m.send_event >= self.events.len() {
            return None;
        }
        let from = self.events[m.send_event];
        let due = self.due_point(m);
        let settled = m.settled_step.is_some_and(|s| s < steps);
        let part_way = |at: f64| {
            let span = (m.arrives_at as f64 - m.sent_at as f64).max(1.0);
            let t = ((at - m.sent_at as f64) / span).clamp(0.0, 1.0);
            // A learner's duplicate starts from its original's send point but leaves later.
            from.lerp(due, t)
        };
        let (to, end) = match (settled, m.fate) {
            (true, Fate::Delivered) => (
                m.receive_event.map_or(due, |r| self.events[r]),
                ArrowEnd::Received,
            ),
            (true, Fate::LostToCrash) => (due, ArrowEnd::Died),
            // Omitted by its sender: it dies at once, a stub from the send point.
            (true, Fate::OmittedBySender) => {
                let length = ((due.x - from.x).powi(2) + (due.y - from.y).powi(2)).sqrt();
                let t = if length > 0.0 {
                    (MIN_IN_FLIGHT_PX / length).min(1.0)
                } else {
                    0.0
                };
                (from.lerp(due, t), ArrowEnd::Died)
            }
            (true, _) => (
                part_way(m.settled_at.unwrap_or(m.arrives_at) as f64),
                ArrowEnd::Died,
            ),
            // A message just sent is drawn at least a stub long, so that it can be seen and
            // clicked (to drop it) at the very step it leaves.
            (false, _) => {
                let length = ((due.x - from.x).powi(2) + (due.y - from.y).powi(2)).sqrt();
                let so_far = part_way(now);
                let drawn = ((so_far.x - from.x).powi(2) + (so_far.y - from.y).powi(2)).sqrt();
                if drawn < MIN_IN_FLIGHT_PX && length > 0.0 {
                    (
                        from.lerp(due, (MIN_IN_FLIGHT_PX / length).min(1.0)),
                        ArrowEnd::InFlight,
                    )
                } else {
                    (so_far, ArrowEnd::InFlight)
                }
            }
        };
        Some(Arrow {
            message: id,
            from,
            to,
            end,
        })
    }

    /// Where message `m` would arrive: its receiver's lane at the time it is due. A message on
    /// its way is drawn along the line from its send event to here.
    pub fn due_point(&self, m: &Message) -> Point {
        Point {
            x: self.time_x(m.arrives_at as f64),
            y: self.lane_y(m.to),
        }
    }

    /// Every arrow as it stands after `steps` steps.
    pub fn arrows_at(&self, trace: &Trace, steps: u64) -> Vec<Arrow> {
        (0..trace.messages.len())
            .filter_map(|id| self.arrow_at(trace, id, steps))
            .collect()
    }

    /// The stretches of lanes whose process was down, as they stand after `steps` steps.
    pub fn down_spans(&self, trace: &Trace, steps: u64) -> Vec<DownSpan> {
        let now_x = self.time_x(trace.time_at_step(steps) as f64);
        let mut spans = Vec::new();
        let mut down_since: Vec<Option<(f64, u64)>> = vec![None; trace.processes.len()];
        let turns = self.turns.iter().map(|&id| &trace.events[id]);
        for e in turns.take_while(|e| e.step < steps) {
            match e.kind {
                EventKind::Crash => down_since[e.process] = Some((self.events[e.id].x, e.step)),
                EventKind::Recover => {
                    if let Some((from_x, from_step)) = down_since[e.process].take() {
                        spans.push(DownSpan {
                            process: e.process,
                            from_x,
                            to_x: self.events[e.id].x,
                            from_step,
                            until_step: Some(e.step),
                        });
                    }
                }
                _ => {}
            }
        }
        for (process, since) in down_since.into_iter().enumerate() {
            if let Some((from_x, from_step)) = since {
                spans.push(DownSpan {
                    process,
                    from_x,
                    to_x: now_x.max(from_x),
                    from_step,
                    until_step: None,
                });
            }
        }
        spans
    }

    /// How many events have been drawn after `steps` steps (events are in step order).
    pub fn visible_event_count(trace: &Trace, steps: u64) -> usize {
        trace.events.partition_point(|e| e.step < steps)
    }

    /// The events whose dots fall between `x_from` and `x_to` (with a dot's width of slack), as
    /// an index range into the trace's events: events are in time order, so this is two binary
    /// searches, and a long trace draws only what is on screen.
    pub fn events_between(&self, x_from: f64, x_to: f64) -> std::ops::Range<usize> {
        let slack = 2.0 * self.options.same_tick_gap + 8.0;
        let start = self.events.partition_point(|p| p.x < x_from - slack);
        let end = start + self.events[start..].partition_point(|p| p.x <= x_to + slack * 4.0);
        start..end
    }
}

/// Processes placed evenly on a circle, the first at the top, going clockwise.
pub fn ring(n: usize, centre: Point, radius: f64) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let angle =
                std::f64::consts::TAU * i as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
            Point {
                x: centre.x + radius * angle.cos(),
                y: centre.y + radius * angle.sin(),
            }
        })
        .collect()
}

/// Where a message is on the topology ring after `steps` steps, as a fraction of the way from
/// its sender to its receiver: `None` unless it is travelling then.
pub fn flight_progress(trace: &Trace, id: MessageId, steps: u64) -> Option<f64> {
    let m = trace.messages.get(id)?;
    if m.created_step >= steps || m.settled_step.is_some_and(|s| s < steps) {
        return None;
    }
    let now = trace.time_at_step(steps) as f64;
    let span = (m.arrives_at as f64 - m.sent_at as f64).max(1.0);
    Some(((now - m.sent_at as f64) / span).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::example;
    use crate::Run;

    fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
    }

    #[test]
    fn time_marks_are_the_rounds_in_view_or_the_gst() {
        let t = trace("clocks-three-events");
        let layout = Layout::new(&t, LayoutOptions::default());
        let (left, right) = (layout.time_x(25.0), layout.time_x(95.0));
        let marks = layout.time_marks(&Timing::Synchronous { round: 20 }, left, right);
        let at: Vec<Time> = marks.iter().map(|m| m.at).collect();
        assert_eq!(at, [40, 60, 80]);
        assert_eq!(marks[0].label, "round 3");
        assert_eq!(marks[0].x, layout.time_x(40.0));
        let gst = Timing::PartiallySynchronous {
            gst: 50,
            stall: 0.2,
            longest: 100,
        };
        let marks = layout.time_marks(&gst, left, right);
        assert_eq!((marks.len(), marks[0].at, marks[0].gst), (1, 50, true));
        assert!(layout
            .time_marks(&gst, left, layout.time_x(49.0))
            .is_empty());
        assert!(layout.time_marks(&Timing::Plain, left, right).is_empty());
        // Rounds too close for their names are all drawn, and named only every so often.
        let close = layout.time_marks(&Timing::Synchronous { round: 5 }, left, right);
        let named: Vec<&TimeMark> = close.iter().filter(|m| !m.label.is_empty()).collect();
        assert!(named.len() < close.len() && !named.is_empty());
        for pair in named.windows(2) {
            assert!(pair[1].x - pair[0].x >= ROUND_LABEL_PX);
        }
        // A far zoom out marks every k-th round, never more than the cap.
        let wide = layout.time_marks(&Timing::Synchronous { round: 1 }, 0.0, layout.time_x(1e6));
        assert!(wide.len() <= MAX_TIME_MARKS + 1 && wide.len() > MAX_TIME_MARKS / 2);
    }

    #[test]
    fn events_sit_on_their_lane_at_their_time() {
        let t = trace("clocks-three-events");
        let layout = Layout::new(&t, LayoutOptions::default());
        for e in &t.events {
            let p = layout.events[e.id];
            assert_eq!(p.y, layout.lane_y(e.process));
            assert_eq!(layout.process_of(e.id), e.process);
            assert!(p.x >= layout.time_x(e.time as f64));
            assert!(p.x <= layout.width);
        }
        assert!(layout.height > layout.lane_y(t.processes.len() - 1));
    }

    #[test]
    fn events_sharing_a_tick_on_a_lane_do_not_overlap() {
        let t = trace("gossip-flood");
        let layout = Layout::new(&t, LayoutOptions::default());
        for a in &t.events {
            for b in &t.events[..a.id] {
                if a.process == b.process {
                    assert_ne!(layout.events[a.id], layout.events[b.id]);
                }
            }
        }
    }

    #[test]
    fn a_rescaled_layout_is_the_layout_made_afresh() {
        for name in ["gossip-flood", "clocks-three-events", "gossip-busy-sixteen"] {
            let t = trace(name);
            let first = Layout::new(&t, LayoutOptions::default());
            let mut options = LayoutOptions::fit_width_from(&t, 900.0, 0);
            for (ppt, gap, top, same) in [(0.3, 50.0, 40.0, 2.0), (7.5, 120.0, 56.0, 12.0)] {
                options.px_per_tick = ppt;
                options.lane_gap = gap;
                options.margin_top = top;
                options.same_tick_gap = same;
                assert_eq!(first.rescaled(options), Layout::new(&t, options), "{name}");
            }
        }
    }

    #[test]
    fn an_arrow_grows_from_send_to_receipt() {
        let t = trace("clocks-three-events");
        let layout = Layout::new(&t, LayoutOptions::default());
        let m = &t.messages[0];
        let sent = t.events[m.send_event].step;
        let received = t.events[m.receive_event.unwrap()].step;
        assert!(layout.arrow_at(&t, 0, sent).is_none(), "not sent yet");
        let flying = layout.arrow_at(&t, 0, sent + 1).unwrap();
        assert_eq!(flying.end, ArrowEnd::InFlight);
        assert_eq!(flying.from, layout.events[m.send_event]);
        let done = layout.arrow_at(&t, 0, received + 1).unwrap();
        assert_eq!(done.end, ArrowEnd::Received);
        assert_eq!(done.to, layout.events[m.receive_event.unwrap()]);
        assert!(flying.to.x <= done.to.x);
        // At the very moment it leaves it is already a stub, long enough to see and click.
        let leaving = layout
            .arrow_at_time(&t, 0, sent + 1, m.sent_at as f64)
            .unwrap();
        let length = ((leaving.to.x - leaving.from.x).powi(2)
            + (leaving.to.y - leaving.from.y).powi(2))
        .sqrt();
        assert!((length - MIN_IN_FLIGHT_PX).abs() < 1e-6, "{length}");
    }

    #[test]
    fn a_dropped_message_ends_part_way_in_a_cross() {
        let mut s = example("clocks-three-events").unwrap();
        s.interventions = vec![crate::Intervention {
            step: 2,
            action: crate::Action::Drop { message: 0 },
        }];
        let t = Run::complete(&s).unwrap().trace().clone();
        let layout = Layout::new(&t, LayoutOptions::default());
        let arrow = layout.arrow_at(&t, 0, t.step_count()).unwrap();
        assert_eq!(arrow.end, ArrowEnd::Died);
        assert!(arrow.to.x < layout.time_x(t.messages[0].arrives_at as f64));
        assert!(arrow.to.x >= arrow.from.x);
    }

    #[test]
    fn a_crashed_lane_is_down_until_it_recovers() {
        let mut s = example("gossip-one-rumour").unwrap();
        s.interventions = vec![
            crate::Intervention {
                step: 1,
                action: crate::Action::Crash {
                    process: crate::ProcessRef::Index(2),
                },
            },
            crate::Intervention {
                step: 5,
                action: crate::Action::Recover {
                    process: crate::ProcessRef::Index(2),
                },
            },
        ];
        let t = Run::complete(&s).unwrap().trace().clone();
        let layout = Layout::new(&t, LayoutOptions::default());
        let during = layout.down_spans(&t, 3);
        assert_eq!(during.len(), 1);
        assert_eq!(during[0].process, 2);
        let after = layout.down_spans(&t, t.step_count());
        assert_eq!(after.len(), 1);
        assert!(after[0].to_x >= after[0].from_x);
    }

    #[test]
    fn only_visible_events_are_listed() {
        let t = trace("gossip-many-rumours");
        let layout = Layout::new(&t, LayoutOptions::default());
        let range = layout.events_between(200.0, 400.0);
        assert!(!range.is_empty());
        for i in range.clone() {
            assert!(layout.events[i].x >= 150.0);
        }
        assert!(range.len() < t.events.len());
    }

    #[test]
    fn fitting_a_width_keeps_the_run_inside_it() {
        let t = trace("gossip-many-rumours");
        let layout = Layout::new(&t, LayoutOptions::fit_width(&t, 1200.0));
        assert!(layout.width <= 1200.0 + 60.0, "width {}", layout.width);
    }

    #[test]
    fn ring_places_the_first_process_on_top() {
        let r = ring(4, Point { x: 100.0, y: 100.0 }, 50.0);
        assert!((r[0].x - 100.0).abs() < 1e-9 && (r[0].y - 50.0).abs() < 1e-9);
        assert!((r[1].x - 150.0).abs() < 1e-9);
    }
}
