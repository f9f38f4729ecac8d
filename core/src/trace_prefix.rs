//! A prefix of a trace that moves with a cursor.
//!
//! [`Trace::prefix`] copies the first `n` steps of a run: fine once, too much at every frame of
//! playback. A [`TracePrefix`] keeps one prefix and moves it: forward, it appends what the new
//! steps did (events, messages, outputs, link changes, timers) and settles the messages and
//! timers that ended in them; back, it truncates and re-opens what ended after the new cursor.
//! Either way the work is proportional to the steps moved over, not to the prefix, and the
//! result equals `trace.prefix(n)` (the tests below check it on every built-in example).

use std::ops::Range;
use std::sync::Arc;

use crate::trace::{Fate, Trace};

/// The first `at` steps of a trace, kept up to date as `at` moves.
#[derive(Clone, Debug)]
pub struct TracePrefix {
    full: Arc<Trace>,
    at: u64,
    prefix: Trace,
    /// Positions in `full.messages` of the messages settled at some step, by that step.
    settled: Vec<(u64, usize)>,
    /// Positions in `full.timers` of the timers that stopped at some step, by that step.
    stopped: Vec<(u64, usize)>,
    /// Whether every list of the trace is in step order, so that a prefix of the run is a prefix
    /// of each list. Traces are built that way; if one is not, moves fall back on
    /// [`Trace::prefix`].
    ordered: bool,
}

impl TracePrefix {
    /// The empty prefix (no step yet) of `full`.
    pub fn new(full: Arc<Trace>) -> TracePrefix {
        let mut prefix = full.prefix(0);
        // Steps name their sentences by position in the whole trace's list; keeping it whole
        // (once per trace) lets steps be copied over as they are.
        prefix.sentences = full.sentences.clone();
        let mut settled: Vec<(u64, usize)> = full
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((m.settled_step?, i)))
            .collect();
        settled.sort_unstable();
        let mut stopped: Vec<(u64, usize)> = full
            .timers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((t.stopped?.step, i)))
            .collect();
        stopped.sort_unstable();
        let ordered = full.events.is_sorted_by_key(|e| e.step)
            && full.messages.is_sorted_by_key(|m| m.created_step)
            && full.outputs.is_sorted_by_key(|o| o.event)
            && full.link_changes.is_sorted_by_key(|c| c.step)
            && full.timers.is_sorted_by_key(|t| t.set_step);
        TracePrefix {
            full,
            at: 0,
            prefix,
            settled,
            stopped,
            ordered,
        }
    }

    /// The whole trace this is a prefix of.
    pub fn full(&self) -> &Arc<Trace> {
        &self.full
    }

    /// How many steps the prefix holds.
    pub fn at(&self) -> u64 {
        self.at
    }

    /// The prefix: equal to `full().prefix(at())`.
    pub fn trace(&self) -> &Trace {
        &self.prefix
    }

    /// Move the prefix to the first `n` steps and return it.
    pub fn move_to(&mut self, n: u64) -> &Trace {
        if n == self.at {
        } else if !self.ordered {
            self.prefix = self.full.prefix(n);
        } else if n > self.at {
            self.forward(n);
        } else {
            self.back(n);
        }
        self.at = n;
        &self.prefix
    }

    /// Positions (in `list`) of the entries whose step lies in `steps`.
    fn between(list: &[(u64, usize)], steps: Range<u64>) -> impl Iterator<Item = usize> + '_ {
        let start = list.partition_point(|&(s, _)| s < steps.start);
        let end = list.partition_point(|&(s, _)| s < steps.end);
        list[start..end].iter().map(|&(_, i)| i)
    }

    fn forward(&mut self, n: u64) {
        let (full, p, from) = (&*self.full, &mut self.prefix, self.at);

        let had = p.events.len();
        let events = had + full.events[had..].partition_point(|e| e.step < n);
        p.events.extend_from_slice(&full.events[had..events]);
        p.vectors.extend_from(&full.vectors, had..events);

        let steps = full.steps.len();
        p.steps.extend_from_slice(
            &full.steps[(from as usize).min(steps)..(n.min(steps as u64) as usize)],
        );

        // Messages settled in the steps moved over take their fate; new ones come open or
        // settled as the new cursor finds them.
        let had = p.messages.len();
        for i in Self::between(&self.settled, from..n).filter(|&i| i < had) {
            p.messages[i] = full.messages[i].clone();
        }
        let messages = had + full.messages[had..].partition_point(|m| m.created_step < n);
        p.messages
            .extend(full.messages[had..messages].iter().map(|m| {
                let mut m = m.clone();
                if m.settled_step.is_none_or(|s| s >= n) {
                    reopen(&mut m);
                }
                m
            }));

        let had = p.outputs.len();
        let outputs = had + full.outputs[had..].partition_point(|o| o.event < events);
        p.outputs.extend_from_slice(&full.outputs[had..outputs]);

        let had = p.link_changes.len();
        let changes = had + full.link_changes[had..].partition_point(|c| c.step < n);
        p.link_changes
            .extend_from_slice(&full.link_changes[had..changes]);

        let had = p.timers.len();
        for i in Self::between(&self.stopped, from..n).filter(|&i| i < had) {
            p.timers[i].stopped = full.timers[i].stopped;
        }
        let timers = had + full.timers[had..].partition_point(|t| t.set_step < n);
        p.timers.extend(full.timers[had..timers].iter().map(|t| {
            let mut t = t.clone();
            if t.stopped.is_some_and(|s| s.step >= n) {
                t.stopped = None;
            }
            t
        }));
    }

    fn back(&mut self, n: u64) {
        let (p, from) = (&mut self.prefix, self.at);

        let events = p.events.partition_point(|e| e.step < n);
        p.events.truncate(events);
        p.vectors.truncate(events);
        p.steps.truncate(n as usize);

        let messages = p.messages.partition_point(|m| m.created_step < n);
        p.messages.truncate(messages);
        for i in Self::between(&self.settled, n..from).filter(|&i| i < messages) {
            reopen(&mut p.messages[i]);
        }

        let outputs = p.outputs.partition_point(|o| o.event < events);
        p.outputs.truncate(outputs);
        let changes = p.link_changes.partition_point(|c| c.step < n);
        p.link_changes.truncate(changes);

        let timers = p.timers.partition_point(|t| t.set_step < n);
        p.timers.truncate(timers);
        for i in Self::between(&self.stopped, n..from).filter(|&i| i < timers) {
            p.timers[i].stopped = None;
        }
    }
}

/// A message as a prefix shows it before its fate is settled.
fn reopen(m: &mut crate::trace::Message) {
    m.fate = Fate::InFlight;
    m.receive_event = None;
    m.settled_step = None;
    m.settled_at = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::examples;
    use crate::Run;

    /// A small deterministic generator, so that a failure replays.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn traces() -> Vec<(String, Arc<Trace>)> {
        let all = examples();
        assert!(all.len() >= 3, "several examples to try");
        all.into_iter()
            .map(|s| {
                let run = Run::complete(&s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
                (s.name.clone(), Arc::new(run.trace().clone()))
            })
            .collect()
    }

    #[test]
    fn a_prefix_moved_step_by_step_both_ways_is_the_prefix() {
        for (name, full) in traces() {
            let end = full.step_count();
            let mut p = TracePrefix::new(full.clone());
            assert!(p.ordered, "{name}: the trace's lists are in step order");
            assert_eq!(*p.trace(), full.prefix(0), "{name} at 0");
            for n in (0..=end + 1).chain((0..=end).rev()) {
                assert_eq!(*p.move_to(n), full.prefix(n), "{name} at {n}");
            }
        }
    }

    #[test]
    fn a_prefix_moved_in_random_jumps_is_the_prefix() {
        let mut state = 0x9e37_79b9_7f4a_7c15;
        for (name, full) in traces() {
            let end = full.step_count();
            let mut p = TracePrefix::new(full.clone());
            let mut path = Vec::new();
            for _ in 0..60 {
                let n = next(&mut state) % (end + 2);
                path.push(n);
                assert_eq!(
                    *p.move_to(n),
                    full.prefix(n),
                    "{name}: after the moves {path:?}"
                );
                assert_eq!(p.at(), n);
            }
        }
    }

    #[test]
    fn a_prefix_with_interventions_moves_too() {
        // Examples with a learner's drops and duplicates settle messages out of send order.
        let mut state = 7;
        for (name, full) in traces()
            .into_iter()
            .filter(|(_, t)| t.messages.iter().any(|m| m.fate != Fate::Delivered))
        {
            let end = full.step_count();
            let mut p = TracePrefix::new(full.clone());
            for _ in 0..40 {
                let n = next(&mut state) % (end + 1);
                assert_eq!(*p.move_to(n), full.prefix(n), "{name} at {n}");
            }
        }
    }
}
