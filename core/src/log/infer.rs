//! From records to a drawing: which events are kept, and the arrows their clocks imply.

use std::fmt::Write as _;

use super::arrows::{ArrowFinder, Clocks, Depths};
use super::clock::{parse_clock, HostIndex};
use super::*;

/// Turn records into a scenario titled `name` that redraws them (drawn by the lesson that draws
/// logs), every host shown in the log's order; `problems` (a reader's) are kept and joined by
/// those found here. See [`import_found`].
pub fn from_records(
    name: &str,
    records: Vec<LogRecord>,
    problems: Vec<Problem>,
) -> Result<Imported, ImportError> {
    let found = Found {
        records,
        problems,
        skipped: 0,
    };
    import_found(name, found, &Lanes::default())
}

/// Turn what a reader found into a scenario titled `name` that redraws it, with the hosts and
/// lane order `lanes` chooses. See the [module docs](super) for how arrows are inferred.
///
/// An event is kept when its clock is a JSON object of counters that gives its own host a
/// positive counter, larger than that of the host's previous kept event. A clock that forgets
/// what the host's previous one knew is drawn as if it remembered, with a problem: a lane is a
/// chain, and what comes after an event knows what it knew.
pub fn import_found(name: &str, found: Found, lanes: &Lanes) -> Result<Imported, ImportError> {
    infer(name, found, lanes)?.draw()
}

/// A log read and its arrows inferred, not yet a scenario.
pub(super) struct Inferred {
    pub drawing: Drawing,
    pub problems: Vec<Problem>,
    pub hosts: Vec<HostSummary>,
    pub skipped: usize,
}

impl Inferred {
    /// The scenario that redraws it, by the lesson that draws logs.
    pub fn draw(self) -> Result<Imported, ImportError> {
        let (events, messages) = (self.drawing.events.len(), self.drawing.arrows.len());
        let scenario = crate::lessons::draw_log(self.drawing).ok_or(ImportError::NoDrawer)?;
        debug_assert!(scenario.validate().is_ok());
        Ok(Imported {
            scenario,
            problems: self.problems,
            events,
            messages,
            hosts: self.hosts,
            skipped: self.skipped,
            executions: 1,
        })
    }
}

/// What [`import_found`] does, short of making the scenario.
pub(super) fn infer(name: &str, found: Found, lanes: &Lanes) -> Result<Inferred, ImportError> {
    let mut inference = Inference::new(name, found, lanes.clone());
    loop {
        if let Some(done) = inference.step(&mut usize::MAX.clone()) {
            return done;
        }
    }
}

/// How far an [`Inference`] has got: the events done of how many, in which part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// Reading each record's host and clock.
    Clocks,
    /// Finding each event's arrows.
    Arrows,
    /// Placing each event after those it depends on, and labelling it.
    Placing,
}

/// [`infer`] a few records at a time, so that a long log does not hold the page up: each call of
/// [`Inference::step`] does as many records' (or events') work as its budget says, and says when
/// it is done. The result is [`infer`]'s, whatever the budgets: the same loops, cut anywhere.
pub(super) struct Inference {
    name: String,
    lanes: Lanes,
    records: Vec<LogRecord>,
    problems: Vec<Problem>,
    skipped: usize,
    stage: Stage,
    /// The hosts, in order of first appearance, and their indices.
    hosts: Vec<String>,
    index: HostIndex,
    record_host: Vec<Option<usize>>,
    /// The events kept: their record and host, and their dense clocks
    /// (`rows[e * width..][..width]`).
    kept: Vec<(usize, usize)>,
    rows: Vec<u64>,
    last: Vec<Option<usize>>,
    unknown: Vec<String>,
    row: Vec<u64>,
    /// The lanes shown (host indices) and each host's lane (`usize::MAX` when hidden).
    shown: Vec<usize>,
    lane_of: Vec<usize>,
    summaries: Vec<HostSummary>,
    /// The events drawn (indices into `kept`), their clocks, the events of each lane and each
    /// event's previous one on its lane.
    drawn: Vec<usize>,
    drawn_rows: Vec<u64>,
    lane_events: Vec<Vec<usize>>,
    prev: Vec<Option<usize>>,
    finder: Option<ArrowFinder>,
    arrows: Vec<(usize, usize)>,
    depths: Option<Depths>,
    seen: Vec<usize>,
    events: Vec<DrawnEvent>,
}

/// Where an [`Inference`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Records read for their hosts, up to this one.
    Hosts(usize),
    /// Records read for their clocks, up to this one.
    Clocks(usize),
    /// Lanes chosen and events to draw picked out (one go: a few passes over the events).
    Lanes,
    Arrows,
    Depths,
    /// Events labelled, up to this one.
    Labels(usize),
    Done,
}

impl Inference {
    pub fn new(name: &str, found: Found, lanes: Lanes) -> Inference {
        let Found {
            records,
            problems,
            skipped,
        } = found;
        Inference {
            name: name.to_string(),
            lanes,
            record_host: Vec::with_capacity(records.len()),
            records,
            problems,
            skipped,
            stage: Stage::Hosts(0),
            hosts: Vec::new(),
            index: HostIndex::default(),
            kept: Vec::new(),
            rows: Vec::new(),
            last: Vec::new(),
            unknown: Vec::new(),
            row: Vec::new(),
            shown: Vec::new(),
            lane_of: Vec::new(),
            summaries: Vec::new(),
            drawn: Vec::new(),
            drawn_rows: Vec::new(),
            lane_events: Vec::new(),
            prev: Vec::new(),
            finder: None,
            arrows: Vec::new(),
            depths: None,
            seen: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Which part it is in, how many of its events are done, and of how many.
    pub fn progress(&self) -> (Part, usize, usize) {
        let n = self.drawn.len();
        match self.stage {
            Stage::Hosts(_) => (Part::Clocks, 0, self.records.len()),
            Stage::Clocks(i) => (Part::Clocks, i, self.records.len()),
            Stage::Lanes => (Part::Arrows, 0, self.kept.len()),
            Stage::Arrows => (
                Part::Arrows,
                self.finder
                    .as_ref()
                    .map_or(0, |f| f.events_done(&self.lane_events)),
                n,
            ),
            Stage::Depths => (
                Part::Placing,
                self.depths.as_ref().map_or(0, |d| d.done() / 2),
                n,
            ),
            Stage::Labels(d) => (Part::Placing, n.div_ceil(2) + d / 2, n),
            Stage::Done => (Part::Placing, n, n),
        }
    }

    /// Work for at most about `budget` records or events (one unit each; a step that cannot be
    /// cut, such as choosing the lanes, counts as one); the result once there is one.
    pub fn step(&mut self, budget: &mut usize) -> Option<Result<Inferred, ImportError>> {
        if self.stage == Stage::Hosts(0) && self.records.len() > MAX_EVENTS {
            self.stage = Stage::Done;
            return Some(Err(ImportError::TooManyEvents {
                events: self.records.len(),
                both: false,
            }));
        }
        loop {
            if *budget == 0 {
                return None;
            }
            match self.stage {
                Stage::Hosts(i) => self.hosts_from(i, budget),
                Stage::Clocks(i) => {
                    self.clocks_from(i, budget);
                    // Choosing the lanes cannot be cut: let the caller give it a slice of its own.
                    if self.stage == Stage::Lanes {
                        return None;
                    }
                }
                Stage::Lanes => {
                    *budget -= 1;
                    if let Err(e) = self.choose_lanes() {
                        self.stage = Stage::Done;
                        return Some(Err(e));
                    }
                    self.finder = Some(ArrowFinder::new(self.lane_events.len()));
                    self.stage = Stage::Arrows;
                }
                Stage::Arrows => {
                    let clocks = Clocks {
                        rows: &self.drawn_rows,
                        width: self.hosts.len(),
                    };
                    let finder = self.finder.as_mut()?;
                    if !finder.step(&clocks, &self.lane_events, &self.shown, budget) {
                        return None;
                    }
                    self.arrows = self.finder.take().map(ArrowFinder::arrows)?;
                    // Ordering the events cannot be cut either: a slice of its own.
                    self.stage = Stage::Depths;
                    return None;
                }
                Stage::Depths => {
                    if self.depths.is_none() {
                        let clocks = Clocks {
                            rows: &self.drawn_rows,
                            width: self.hosts.len(),
                        };
                        self.depths = Some(Depths::new(&clocks, &self.arrows));
                        *budget -= 1;
                    }
                    let depths = self.depths.as_mut()?;
                    if !depths.step(&self.prev, &self.arrows, budget) {
                        return None;
                    }
                    self.seen = vec![0; self.hosts.len()];
                    self.events = Vec::with_capacity(self.drawn.len());
                    self.stage = Stage::Labels(0);
                }
                Stage::Labels(d) => self.labels_from(d, budget),
                Stage::Done => return Some(Ok(self.finish())),
            }
        }
    }

    /// The hosts, in order of first appearance.
    fn hosts_from(&mut self, mut i: usize, budget: &mut usize) {
        while i < self.records.len() && *budget > 0 {
            *budget -= 1;
            let r = &self.records[i];
            let host = r.host.as_str();
            if host.trim().is_empty() {
                self.problems
                    .push(Problem::new(r.line, "this event names no host"));
                self.record_host.push(None);
            } else {
                let h = match self.index.get(host) {
                    Some(&h) => h,
                    None => {
                        self.hosts.push(host.to_string());
                        self.index.insert(host.to_string(), self.hosts.len() - 1);
                        self.hosts.len() - 1
                    }
                };
                self.record_host.push(Some(h));
            }
            i += 1;
        }
        self.stage = if i < self.records.len() {
            Stage::Hosts(i)
        } else {
            let width = self.hosts.len();
            self.last = vec![None; width];
            self.row = vec![0; width];
            Stage::Clocks(0)
        };
    }

    /// The events kept and their clocks.
    fn clocks_from(&mut self, mut i: usize, budget: &mut usize) {
        let width = self.hosts.len();
        let mut plain = Vec::with_capacity(width);
        while i < self.records.len() && *budget > 0 {
            *budget -= 1;
            let at = i;
            i += 1;
            let r = &self.records[at];
            let Some(h) = self.record_host[at] else {
                continue;
            };
            let row = &mut self.row;
            let problems = &mut self.problems;
            if !parse_clock(r, &self.index, row, &mut plain, &mut self.unknown, problems) {
                continue;
            }
            let own = row[h];
            if own == 0 {
                problems.push(Problem::new(
                    r.line,
                    format!(
                        "the clock {} gives host \"{}\" no counter of its own, so the event \
                         cannot be placed on its lane",
                        shorten(&r.clock),
                        r.host
                    ),
                ));
                continue;
            }
            if let Some(before) = self.last[h] {
                let before = &self.rows[before * width..(before + 1) * width];
                if own <= before[h] {
                    let how = if own == before[h] {
                        format!("repeats {own}")
                    } else {
                        format!("goes back from {} to {own}", before[h])
                    };
                    problems.push(Problem::new(
                        r.line,
                        format!("host {}'s clock {how}; the event is left out", r.host),
                    ));
                    continue;
                }
                if let Some(k) = (0..width).find(|&k| row[k] < before[k]) {
                    problems.push(Problem::new(
                        r.line,
                        format!(
                            "this clock forgets what {}'s previous event knew ({} {}, now {}); \
                             it is drawn as if it remembered",
                            r.host, self.hosts[k], before[k], row[k]
                        ),
                    ));
                    for (now, then) in row.iter_mut().zip(before) {
                        *now = (*now).max(*then);
                    }
                }
            }
            self.last[h] = Some(self.kept.len());
            self.kept.push((at, h));
            self.rows.extend_from_slice(row);
        }
        self.stage = if i < self.records.len() {
            Stage::Clocks(i)
        } else {
            Stage::Lanes
        };
    }

    /// The hosts shown, in the order chosen, and the events drawn, with their clocks.
    fn choose_lanes(&mut self) -> Result<(), ImportError> {
        let width = self.hosts.len();
        let hosts = &self.hosts;
        let kept = &self.kept;
        let mut counts = vec![0usize; width];
        for &(_, h) in kept {
            counts[h] += 1;
        }
        self.summaries = hosts
            .iter()
            .enumerate()
            .map(|(h, name)| HostSummary {
                name: name.to_string(),
                events: counts[h],
                hidden: self.lanes.hidden.iter().any(|x| x == name),
            })
            .collect();
        let mut shown: Vec<usize> = (0..width)
            .filter(|&h| !self.summaries[h].hidden && counts[h] > 0)
            .collect();
        match self.lanes.order {
            LaneOrder::Log => {}
            LaneOrder::Name => shown.sort_by(|&a, &b| natural_order(&hosts[a], &hosts[b])),
            LaneOrder::Events => shown.sort_by_key(|&h| std::cmp::Reverse(counts[h])),
        }
        if let Some(&h) = shown.get(MAX_PROCESSES) {
            let first = kept.iter().find(|&&(_, x)| x == h).map_or(0, |&(i, _)| i);
            return Err(ImportError::TooManyHosts {
                host: hosts[h].to_string(),
                line: self.records[first].line,
            });
        }
        let mut lane_of = vec![usize::MAX; width];
        for (l, &h) in shown.iter().enumerate() {
            lane_of[h] = l;
        }
        // The events drawn, in log order: those of shown hosts.
        let drawn: Vec<usize> = (0..kept.len())
            .filter(|&e| lane_of[kept[e].1] != usize::MAX)
            .collect();
        let n = drawn.len();
        if n == 0 {
            let mut problems = std::mem::take(&mut self.problems);
            problems.sort_by_key(|p| p.line);
            if kept.is_empty() {
                let mut problems = problems.into_iter();
                return Err(match problems.next() {
                    Some(first) => ImportError::NothingDrawable {
                        records: self.records.len(),
                        first,
                        more: problems.len(),
                    },
                    None => ImportError::NoEvents {
                        expected: "at least one logged event".into(),
                        first_line: String::new(),
                    },
                });
            }
            return Err(ImportError::AllHidden { hosts: width });
        }
        let mut drawn_rows = Vec::with_capacity(n * width);
        for &e in &drawn {
            drawn_rows.extend_from_slice(&self.rows[e * width..(e + 1) * width]);
        }
        let mut lane_events: Vec<Vec<usize>> = vec![Vec::new(); shown.len()];
        let mut prev: Vec<Option<usize>> = vec![None; n];
        for (d, &e) in drawn.iter().enumerate() {
            let lane = &mut lane_events[lane_of[kept[e].1]];
            prev[d] = lane.last().copied();
            lane.push(d);
        }
        // The clocks of all events kept are no longer needed: only those drawn.
        self.rows = Vec::new();
        self.shown = shown;
        self.lane_of = lane_of;
        self.drawn = drawn;
        self.drawn_rows = drawn_rows;
        self.lane_events = lane_events;
        self.prev = prev;
        Ok(())
    }

    /// Each event's text: the log's, or `host n` when it has none.
    fn labels_from(&mut self, mut d: usize, budget: &mut usize) {
        let depth = self.depths.as_ref().map(|x| &x.depth);
        while d < self.drawn.len() && *budget > 0 {
            *budget -= 1;
            let (i, h) = self.kept[self.drawn[d]];
            self.seen[h] += 1;
            let text = self.records[i].event.trim();
            self.events.push(DrawnEvent {
                lane: self.lane_of[h],
                at: depth.map_or(0, |depth| depth[d]) * TICK,
                label: if text.is_empty() {
                    format!("{} {}", self.hosts[h], self.seen[h])
                } else {
                    text.to_string()
                },
            });
            d += 1;
        }
        self.stage = if d < self.drawn.len() {
            Stage::Labels(d)
        } else {
            Stage::Done
        };
    }

    /// The drawing, once every event is labelled.
    fn finish(&mut self) -> Inferred {
        let mut problems = std::mem::take(&mut self.problems);
        problems.sort_by_key(|p| p.line);
        let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
        let (n, width, shown) = (self.drawn.len(), self.hosts.len(), &self.shown);
        let hidden = width - shown.len();
        let arrows = std::mem::take(&mut self.arrows);
        let mut description = format!(
            "{} on {}, {}, from a log",
            plural(n, "event"),
            plural(shown.len(), "host"),
            plural(arrows.len(), "message")
        );
        if hidden > 0 {
            let _ = write!(description, " ({} hidden)", plural(hidden, "host"));
        }
        let drawing = Drawing {
            title: self.name.clone(),
            description,
            hosts: shown.iter().map(|&h| self.hosts[h].clone()).collect(),
            events: std::mem::take(&mut self.events),
            arrows,
            marked: Vec::new(),
            marked_arrows: Vec::new(),
        };
        Inferred {
            drawing,
            problems,
            hosts: std::mem::take(&mut self.summaries),
            skipped: self.skipped,
        }
    }
}

/// Names compared with their numbers as numbers: `n2` before `n10`.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (part, tail) = rest.split_at(end);
            rest = tail;
            Some((digit, part))
        })
    }
    let mut a_parts = parts(a);
    let mut b_parts = parts(b);
    loop {
        match (a_parts.next(), b_parts.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some((true, x)), Some((true, y))) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                let order = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
                if order.is_ne() {
                    return order;
                }
            }
            (Some((_, x)), Some((_, y))) => {
                if x != y {
                    return x.cmp(y);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_order;

    #[test]
    fn numbers_in_names_compare_as_numbers() {
        let mut names = vec!["n10", "n2", "b", "n1", "a10", "a9"];
        names.sort_by(|a, b| natural_order(a, b));
        assert_eq!(names, ["a9", "a10", "b", "n1", "n2", "n10"]);
    }
}
