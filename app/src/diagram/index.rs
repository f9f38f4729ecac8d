//! Lookups the diagram asks of a trace on every frame, answered without walking the whole run.
//!
//! A frame needs the messages that cross the window and, to hit-test a pointer over a dense
//! view, the events of one lane near an x. Both would be a scan of the trace; on a run of
//! 100,000 events that scan alone spends a frame's budget. The index is built once per trace
//! (a linear pass and one sort), and every question after that is a binary search.

use spacetime_core::layout::Layout;
use spacetime_core::{MessageId, Time, Trace};

/// Per-lane event lists and messages ordered by when they leave, for one trace.
/// Compared by pointer first (`Eq` lets `Arc` skip the contents), as the diagram's memo does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunIndex {
    /// Each lane's events, by id: in time order, so an x finds its neighbours by bisection.
    lanes: Vec<Vec<u32>>,
    /// Message ids in the order they leave (their send time, then id).
    by_send: Vec<u32>,
    /// The send time of each message in `by_send` order.
    send_time: Vec<Time>,
    /// For each position in `by_send`, the latest moment any message up to there reaches: a
    /// running maximum, so it is sorted, and a window's left edge bisects it.
    reach: Vec<Time>,
}

impl RunIndex {
    pub fn new(trace: &Trace) -> RunIndex {
        let mut lanes = vec![Vec::new(); trace.processes.len()];
        for (id, e) in trace.events.iter().enumerate() {
            if let Some(lane) = lanes.get_mut(e.process) {
                lane.push(id as u32);
            }
        }
        let mut by_send: Vec<u32> = (0..trace.messages.len() as u32).collect();
        // Stable: messages sent at one moment keep their id order. A simulated run makes them in
        // time order already, and the check is cheaper than even a sort of sorted input.
        let sent = |m: &u32| trace.messages[*m as usize].sent_at;
        if !by_send.is_sorted_by_key(sent) {
            by_send.sort_by_key(sent);
        }
        let send_time: Vec<Time> = by_send
            .iter()
            .map(|&m| trace.messages[m as usize].sent_at)
            .collect();
        let mut furthest = 0;
        let reach = by_send
            .iter()
            .map(|&m| {
                let m = &trace.messages[m as usize];
                let received = m
                    .receive_event
                    .and_then(|r| trace.events.get(r))
                    .map_or(0, |e| e.time);
                furthest = furthest
                    .max(m.arrives_at)
                    .max(m.settled_at.unwrap_or(0))
                    .max(received)
                    .max(m.sent_at);
                furthest
            })
            .collect();
        RunIndex {
            lanes,
            by_send,
            send_time,
            reach,
        }
    }

    /// The messages that may be drawn between virtual times `from` and `to`: every message
    /// whose arrow can cross that span, and a few that end just short of it (callers clip).
    pub fn messages_between(&self, from: f64, to: f64) -> impl Iterator<Item = MessageId> + '_ {
        let start = self.reach.partition_point(|&t| (t as f64) < from);
        let end = self.send_time.partition_point(|&t| (t as f64) <= to);
        self.by_send[start..end.max(start)]
            .iter()
            .map(|&m| m as usize)
    }

    /// How many messages [`RunIndex::messages_between`] would give, without listing them.
    pub fn count_between(&self, from: f64, to: f64) -> usize {
        let start = self.reach.partition_point(|&t| (t as f64) < from);
        let end = self.send_time.partition_point(|&t| (t as f64) <= to);
        end.saturating_sub(start)
    }

    /// The event among the first `shown` whose dot is nearest to `(x, y)` in diagram pixels,
    /// if one is within `radius`. Only the lanes within reach are looked at, and on each only
    /// the dots around `x`.
    pub fn nearest_event(
        &self,
        layout: &Layout,
        shown: usize,
        (x, y): (f64, f64),
        radius: f64,
    ) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for lane in &layout.lanes {
            if (lane.y - y).abs() > radius {
                continue;
            }
            let Some(ids) = self.lanes.get(lane.process) else {
                continue;
            };
            let visible = &ids[..ids.partition_point(|&id| (id as usize) < shown)];
            let from = visible.partition_point(|&id| layout.events[id as usize].x < x - radius);
            for &id in &visible[from..] {
                let p = layout.events[id as usize];
                if p.x > x + radius {
                    break;
                }
                let d = (p.x - x).hypot(p.y - y);
                if d <= radius && best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, id as usize));
                }
            }
        }
        best.map(|(_, id)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::layout::LayoutOptions;
    use spacetime_core::{protocols::example, Run};

    fn trace(name: &str) -> Trace {
        let s = example(name).unwrap();
        Run::complete(&s).unwrap().trace().clone()
    }

    #[test]
    fn the_messages_between_two_times_are_those_a_scan_would_find() {
        let t = trace("gossip-busy-sixteen");
        let index = RunIndex::new(&t);
        let end = t.events.last().unwrap().time as f64;
        for (from, to) in [
            (0.0, 40.0),
            (100.0, 180.0),
            (end - 50.0, end + 10.0),
            (-5.0, end),
        ] {
            let mut found: Vec<usize> = index.messages_between(from, to).collect();
            found.sort_unstable();
            for m in &t.messages {
                let received = m.receive_event.map_or(0, |r| t.events[r].time);
                let last = m.arrives_at.max(m.settled_at.unwrap_or(0)).max(received);
                let crosses = (m.sent_at as f64) <= to && (last as f64) >= from;
                if crosses {
                    assert!(
                        found.binary_search(&m.id).is_ok(),
                        "{from}..{to}: m{}",
                        m.id
                    );
                }
            }
            assert_eq!(index.count_between(from, to), found.len());
        }
    }

    #[test]
    fn the_nearest_event_is_found_on_its_lane_and_only_within_reach() {
        let t = trace("gossip-busy-sixteen");
        let layout = Layout::new(&t, LayoutOptions::default());
        let index = RunIndex::new(&t);
        let all = t.events.len();
        for id in [0, 17, all / 2, all - 1] {
            let p = layout.events[id];
            let found = index
                .nearest_event(&layout, all, (p.x + 1.0, p.y - 1.0), 8.0)
                .unwrap();
            let q = layout.events[found];
            assert!((q.x - p.x - 1.0).hypot(q.y - p.y + 1.0) <= 2f64.sqrt() + 1e-9);
        }
        // Between lanes there is nothing to pick, and nothing not yet shown is picked.
        let p = layout.events[all / 2];
        assert_eq!(
            index.nearest_event(
                &layout,
                all,
                (p.x, p.y + layout.options.lane_gap / 2.0),
                8.0
            ),
            None
        );
        assert_eq!(index.nearest_event(&layout, 0, (p.x, p.y), 8.0), None);
    }
}
