//! From records to a drawing: which events are kept, and the arrows their clocks imply.

use std::fmt::Write as _;

use super::arrows::{arrows, depths, Clocks};
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
    let Found {
        records,
        mut problems,
        skipped,
    } = found;
    if records.len() > MAX_EVENTS {
        return Err(ImportError::TooManyEvents {
            events: records.len(),
            both: false,
        });
    }
    // The hosts, in order of first appearance.
    let mut hosts: Vec<&str> = Vec::new();
    let mut index = HostIndex::default();
    let mut record_host: Vec<Option<usize>> = Vec::with_capacity(records.len());
    for r in &records {
        let host = r.host.as_str();
        if host.trim().is_empty() {
            problems.push(Problem::new(r.line, "this event names no host"));
            record_host.push(None);
            continue;
        }
        let h = *index.entry(host).or_insert_with(|| {
            hosts.push(host);
            hosts.len() - 1
        });
        record_host.push(Some(h));
    }
    let width = hosts.len();

    // The events kept: their record, host and dense clock (`rows[e * width..][..width]`).
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut rows: Vec<u64> = Vec::new();
    let mut last: Vec<Option<usize>> = vec![None; width];
    let mut unknown: Vec<String> = Vec::new();
    let mut row = vec![0u64; width];
    let mut plain = Vec::with_capacity(width);
    for (i, r) in records.iter().enumerate() {
        let Some(h) = record_host[i] else { continue };
        if !parse_clock(r, &index, &mut row, &mut plain, &mut unknown, &mut problems) {
            continue;
        }
        let own = row[h];
        if own == 0 {
            problems.push(Problem::new(
                r.line,
                format!(
                    "the clock {} gives host \"{}\" no counter of its own, so the event cannot be \
                     placed on its lane",
                    shorten(&r.clock),
                    r.host
                ),
            ));
            continue;
        }
        if let Some(before) = last[h] {
            let before = &rows[before * width..(before + 1) * width];
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
                        "this clock forgets what {}'s previous event knew ({} {}, now {}); it is \
                         drawn as if it remembered",
                        r.host, hosts[k], before[k], row[k]
                    ),
                ));
                for (now, then) in row.iter_mut().zip(before) {
                    *now = (*now).max(*then);
                }
            }
        }
        last[h] = Some(kept.len());
        kept.push((i, h));
        rows.extend_from_slice(&row);
    }

    // The hosts shown, in the order chosen.
    let mut counts = vec![0usize; width];
    for &(_, h) in &kept {
        counts[h] += 1;
    }
    let summaries: Vec<HostSummary> = hosts
        .iter()
        .enumerate()
        .map(|(h, name)| HostSummary {
            name: name.to_string(),
            events: counts[h],
            hidden: lanes.hidden.iter().any(|x| x == name),
        })
        .collect();
    let mut shown: Vec<usize> = (0..width)
        .filter(|&h| !summaries[h].hidden && counts[h] > 0)
        .collect();
    match lanes.order {
        LaneOrder::Log => {}
        LaneOrder::Name => shown.sort_by(|&a, &b| natural_order(hosts[a], hosts[b])),
        LaneOrder::Events => shown.sort_by_key(|&h| std::cmp::Reverse(counts[h])),
    }
    if let Some(&h) = shown.get(MAX_PROCESSES) {
        let line = records[kept.iter().find(|&&(_, x)| x == h).map_or(0, |&(i, _)| i)].line;
        return Err(ImportError::TooManyHosts {
            host: hosts[h].to_string(),
            line,
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
        problems.sort_by_key(|p| p.line);
        if kept.is_empty() {
            let mut problems = problems.into_iter();
            return Err(match problems.next() {
                Some(first) => ImportError::NothingDrawable {
                    records: records.len(),
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
        drawn_rows.extend_from_slice(&rows[e * width..(e + 1) * width]);
    }
    let clocks = Clocks {
        rows: &drawn_rows,
        width,
    };
    let mut lane_events: Vec<Vec<usize>> = vec![Vec::new(); shown.len()];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for (d, &e) in drawn.iter().enumerate() {
        let lane = &mut lane_events[lane_of[kept[e].1]];
        prev[d] = lane.last().copied();
        lane.push(d);
    }
    let arrows = arrows(&clocks, &lane_events, &shown);
    let depth = depths(&clocks, &prev, &arrows);

    // Each event's text: the log's, or `host n` when it has none.
    let mut seen = vec![0usize; width];
    let events: Vec<DrawnEvent> = drawn
        .iter()
        .enumerate()
        .map(|(d, &e)| {
            let (i, h) = kept[e];
            seen[h] += 1;
            let text = records[i].event.trim();
            DrawnEvent {
                lane: lane_of[h],
                at: depth[d] * TICK,
                label: if text.is_empty() {
                    format!("{} {}", hosts[h], seen[h])
                } else {
                    text.to_string()
                },
            }
        })
        .collect();

    problems.sort_by_key(|p| p.line);
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let hidden = width - shown.len();
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
        title: name.to_string(),
        description,
        hosts: shown.iter().map(|&h| hosts[h].to_string()).collect(),
        events,
        arrows,
        marked: Vec::new(),
        marked_arrows: Vec::new(),
    };
    Ok(Inferred {
        drawing,
        problems,
        hosts: summaries,
        skipped,
    })
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
