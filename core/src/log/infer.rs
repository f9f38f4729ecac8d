//! From records to a drawing: which events are kept, and the arrows their clocks imply.

use super::clock::{parse_clock, HostIndex};
use super::*;

/// Turn records into a scenario titled `name` that redraws (drawn by the lesson that draws logs)
/// them; `problems` (a reader's) are kept and joined by those found here. See the [module
/// docs](self) for how arrows are inferred.
///
/// An event is kept when its clock is a JSON object of counters that gives its own host a
/// positive counter, larger than that of the host's previous kept event. A receipt whose send
/// cannot be found, or whose send was already received (a multicast), or whose send is itself a
/// receipt, or whose clock contradicts another's (a cycle), is drawn as a local event, with a
/// problem.
pub fn from_records(
    name: &str,
    records: Vec<LogRecord>,
    mut problems: Vec<Problem>,
) -> Result<Imported, ImportError> {
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
        let h = match index.get(host) {
            Some(&h) => h,
            None => {
                if hosts.len() == MAX_PROCESSES {
                    return Err(ImportError::TooManyHosts {
                        host: host.to_string(),
                        line: r.line,
                    });
                }
                index.insert(host, hosts.len());
                hosts.push(host);
                hosts.len() - 1
            }
        };
        record_host.push(Some(h));
    }
    let width = hosts.len();

    // The events kept: their record, host and dense clock (`clocks[e * width..][..width]`).
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut clocks: Vec<u64> = Vec::new();
    let mut last_own: Vec<u64> = vec![0; width];
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
        if own <= last_own[h] {
            let how = if own == last_own[h] {
                format!("repeats {own}")
            } else {
                format!("goes back from {} to {own}", last_own[h])
            };
            problems.push(Problem::new(
                r.line,
                format!("host {}'s clock {how}; the event is left out", r.host),
            ));
            continue;
        }
        last_own[h] = own;
        kept.push((i, h));
        clocks.extend_from_slice(&row);
    }
    let n = kept.len();
    if n == 0 {
        problems.sort_by_key(|p| p.line);
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
    let clock = |e: usize| &clocks[e * width..(e + 1) * width];
    let line = |e: usize| records[kept[e].0].line;

    // Lanes, and each event's previous one on its lane.
    let mut lanes: Vec<Vec<usize>> = vec![Vec::new(); width];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for (e, &(_, h)) in kept.iter().enumerate() {
        prev[e] = lanes[h].last().copied();
        lanes[h].push(e);
    }
    // The event of host `p` whose own counter is `c`.
    let event_with = |p: usize, c: u64| {
        lanes[p]
            .binary_search_by_key(&c, |&e| clock(e)[p])
            .ok()
            .map(|i| lanes[p][i])
    };

    // Which send each event seems to receive, from its clock alone.
    let zero = vec![0u64; width];
    let mut candidate: Vec<Option<usize>> = vec![None; n];
    let mut increased: Vec<usize> = Vec::with_capacity(width);
    for e in 0..n {
        let q = kept[e].1;
        let before = prev[e].map_or(zero.as_slice(), clock);
        let now = clock(e);
        increased.clear();
        increased.extend((0..width).filter(|&k| k != q && now[k] > before[k]));
        if increased.is_empty() {
            continue;
        }
        let mut best: Option<(usize, usize)> = None;
        let mut full = false;
        for &p in &increased {
            let Some(s) = event_with(p, now[p]) else {
                continue;
            };
            let matching = increased.iter().filter(|&&k| clock(s)[k] == now[k]).count();
            if matching == increased.len() {
                best = Some((s, matching));
                full = true;
                break;
            }
            if best.is_none_or(|(_, m)| matching > m) {
                best = Some((s, matching));
            }
        }
        match best {
            Some((s, _)) => {
                if !full {
                    problems.push(Problem::new(
                        line(e),
                        format!(
                            "no single message explains this clock; drawn as a receipt from {}",
                            hosts[kept[s].1]
                        ),
                    ));
                }
                candidate[e] = Some(s);
            }
            None => {
                let p = increased[0];
                problems.push(Problem::new(
                    line(e),
                    format!(
                        "this clock has heard of {}'s event {}, but {} logs no event with that \
                         counter; drawn as a local event",
                        hosts[p], now[p], hosts[p]
                    ),
                ));
            }
        }
    }

    // One receipt per send, and sends that are not receipts.
    let mut sender: Vec<Option<usize>> = vec![None; n];
    let mut receipt: Vec<Option<usize>> = vec![None; n];
    for e in 0..n {
        let Some(s) = candidate[e] else { continue };
        if candidate[s].is_some() {
            problems.push(Problem::new(
                line(e),
                format!(
                    "this clock points at {}'s event at line {}, which is itself a receipt; \
                     Spacetime draws messages from send events, so this is drawn as a local event",
                    hosts[kept[s].1],
                    line(s)
                ),
            ));
        } else if let Some(first) = receipt[s] {
            problems.push(Problem::new(
                line(e),
                format!(
                    "the message {} sent at line {} was already received at line {}; Spacetime \
                     draws one receipt per message, so this is drawn as a local event",
                    hosts[kept[s].1],
                    line(s),
                    line(first)
                ),
            ));
        } else {
            receipt[s] = Some(e);
            sender[e] = Some(s);
        }
    }

    // Depths, in a topological order of lane and message edges (Kahn); a cycle, which only
    // contradictory clocks make, is broken by drawing one of its receipts as a local event.
    let mut next: Vec<Option<usize>> = vec![None; n];
    for lane in &lanes {
        for pair in lane.windows(2) {
            next[pair[0]] = Some(pair[1]);
        }
    }
    let mut waiting: Vec<u8> = (0..n)
        .map(|e| u8::from(prev[e].is_some()) + u8::from(sender[e].is_some()))
        .collect();
    let mut ready: Vec<usize> = (0..n).rev().filter(|&e| waiting[e] == 0).collect();
    let mut depth: Vec<u64> = vec![0; n];
    let mut done_on_lane: Vec<usize> = vec![0; width];
    let mut done = 0;
    loop {
        while let Some(e) = ready.pop() {
            let after = |x: Option<usize>| x.map_or(0, |x| depth[x]);
            depth[e] = after(prev[e]).max(after(sender[e])) + 1;
            done += 1;
            done_on_lane[kept[e].1] += 1;
            for succ in [next[e], receipt[e]].into_iter().flatten() {
                waiting[succ] -= 1;
                if waiting[succ] == 0 {
                    ready.push(succ);
                }
            }
        }
        if done == n {
            break;
        }
        // Every lane's first waiting event waits only for its sender: free the earliest.
        let e = (0..width)
            .filter_map(|h| lanes[h].get(done_on_lane[h]).copied())
            .min()
            .expect("some event waits");
        let s = sender[e].expect("a lane's first waiting event waits for its sender");
        problems.push(Problem::new(
            line(e),
            format!(
                "this clock and {}'s at line {} each say they came first (a cycle); drawn as a \
                 local event",
                hosts[kept[s].1],
                line(s)
            ),
        ));
        sender[e] = None;
        receipt[s] = None;
        waiting[e] = 0;
        ready.push(e);
    }

    // The script: local events and sends at their times; receipts follow from the arrivals.
    let mut seen_on_lane = vec![0usize; width];
    let labels: Vec<String> = kept
        .iter()
        .map(|&(i, h)| {
            seen_on_lane[h] += 1;
            let text = records[i].event.trim();
            if text.is_empty() {
                format!("{} {}", hosts[h], seen_on_lane[h])
            } else {
                text.to_string()
            }
        })
        .collect();
    let mut lines = Vec::with_capacity(n);
    let mut messages = 0;
    for e in 0..n {
        if sender[e].is_some() {
            continue;
        }
        let process = ProcessRef::Name(hosts[kept[e].1].to_string());
        let at = depth[e] * TICK;
        lines.push(match receipt[e] {
            Some(r) => {
                messages += 1;
                DrawnEvent::Message {
                    at,
                    process,
                    label: labels[e].clone(),
                    to: ProcessRef::Name(hosts[kept[r].1].to_string()),
                    arrive: depth[r] * TICK,
                    receipt: labels[r].clone(),
                }
            }
            None => DrawnEvent::Local {
                at,
                process,
                label: labels[e].clone(),
            },
        });
    }

    problems.sort_by_key(|p| p.line);
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let drawing = Drawing {
        title: name.to_string(),
        description: format!(
            "{} on {}, {}, from a log",
            plural(n, "event"),
            plural(width, "host"),
            plural(messages, "message")
        ),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        events: n,
        lines,
    };
    let scenario = crate::lessons::draw_log(drawing).ok_or(ImportError::NoDrawer)?;
    debug_assert!(scenario.validate().is_ok());
    Ok(Imported {
        scenario,
        problems,
        events: n,
        messages,
    })
}
