//! Two executions of one log, side by side, with what differs marked (ShiViz users ask for this:
//! its issue #131).
//!
//! Each execution is read and drawn on its own; the first's lanes come first, each host's lane
//! named with the execution's number (`alice #1`), and both start at time 0, so that the same
//! step of both runs lines up. Events are matched by host and place on the host's lane: the
//! third event of `alice` in one execution is the counterpart of the third of `alice` in the
//! other. An event is marked when it has no counterpart or its text differs; an arrow is marked
//! when the other execution has no arrow between the counterparts of its ends. Since both
//! drawings keep only the arrows nothing else implies, the same happens-before relation gives
//! the same arrows: a marked arrow is a difference in who heard from whom.

use std::collections::{BTreeMap, BTreeSet};

use super::infer::{infer, Inferred};
use super::*;

/// Executions `which` (numbered from 1 in what is said) of a log, read into `runs`, drawn side
/// by side as one scenario titled `name`, with `lanes` applied to both.
pub fn compare(
    name: &str,
    runs: [Found; 2],
    which: [usize; 2],
    lanes: &Lanes,
) -> Result<Imported, ImportError> {
    let [a, b] = runs;
    fits_beside(&a, &b)?;
    let a = infer(name, a, lanes)?;
    let b = infer(name, b, lanes)?;
    beside(name, [a, b], which)?.draw()
}

/// Whether the records of two executions fit on the page together.
pub(super) fn fits_beside(a: &Found, b: &Found) -> Result<(), ImportError> {
    let events = a.records.len() + b.records.len();
    if events > MAX_EVENTS {
        return Err(ImportError::TooManyEvents { events, both: true });
    }
    Ok(())
}

/// Two executions inferred, drawn side by side if their lanes fit on the page.
pub(super) fn beside(
    name: &str,
    runs: [Inferred; 2],
    which: [usize; 2],
) -> Result<Inferred, ImportError> {
    let (la, lb) = (runs[0].drawing.hosts.len(), runs[1].drawing.hosts.len());
    if la + lb > MAX_PROCESSES {
        let host = runs[1].drawing.hosts[MAX_PROCESSES - la].clone();
        return Err(ImportError::TooManyHosts { host, line: 0 });
    }
    Ok(side_by_side(name, runs, which))
}

/// Where an event is: its host's name and its place on the host's lane.
type Place<'a> = (&'a str, usize);

/// The places of a drawing's events, and the event at each place.
fn places(drawing: &Drawing) -> (Vec<Place<'_>>, BTreeMap<Place<'_>, usize>) {
    let mut seen = vec![0usize; drawing.hosts.len()];
    let places: Vec<Place<'_>> = drawing
        .events
        .iter()
        .map(|e| {
            seen[e.lane] += 1;
            (drawing.hosts[e.lane].as_str(), seen[e.lane])
        })
        .collect();
    let at = places.iter().enumerate().map(|(e, &p)| (p, e)).collect();
    (places, at)
}

fn side_by_side(name: &str, runs: [Inferred; 2], which: [usize; 2]) -> Inferred {
    let [a, b] = runs;
    let (a_places, a_at) = places(&a.drawing);
    let (b_places, b_at) = places(&b.drawing);
    let number = which.map(|w| w + 1);
    let a_hosts: BTreeSet<&str> = a.drawing.hosts.iter().map(String::as_str).collect();
    let b_hosts: BTreeSet<&str> = b.drawing.hosts.iter().map(String::as_str).collect();

    // What differs in each execution, against the other.
    let differs = |own: &Drawing,
                   places: &[Place<'_>],
                   other: &Drawing,
                   other_at: &BTreeMap<Place<'_>, usize>,
                   other_hosts: &BTreeSet<&str>,
                   numbers: [usize; 2]| {
        let marked: Vec<(usize, String)> = places
            .iter()
            .enumerate()
            .filter_map(|(e, place)| {
                let why = match other_at.get(place) {
                    None if !other_hosts.contains(place.0) => {
                        format!("host {} is only in execution {}", place.0, numbers[0])
                    }
                    None => format!(
                        "{}'s event {} is only in execution {}",
                        place.0, place.1, numbers[0]
                    ),
                    Some(&o) if other.events[o].label != own.events[e].label => format!(
                        "execution {} has \"{}\" here",
                        numbers[1], other.events[o].label
                    ),
                    Some(_) => return None,
                };
                Some((e, why))
            })
            .collect();
        let other_arrows: BTreeSet<(usize, usize)> = other.arrows.iter().copied().collect();
        let marked_arrows: Vec<usize> = own
            .arrows
            .iter()
            .enumerate()
            .filter(|&(_, &(from, to))| {
                let counterpart = other_at
                    .get(&places[from])
                    .zip(other_at.get(&places[to]))
                    .map(|(&f, &t)| (f, t));
                !counterpart.is_some_and(|c| other_arrows.contains(&c))
            })
            .map(|(i, _)| i)
            .collect();
        (marked, marked_arrows)
    };
    let (a_marked, a_arrows) = differs(&a.drawing, &a_places, &b.drawing, &b_at, &b_hosts, number);
    let (b_marked, b_arrows) = differs(
        &b.drawing,
        &b_places,
        &a.drawing,
        &a_at,
        &a_hosts,
        [number[1], number[0]],
    );

    // One drawing: the first's lanes, then the second's.
    let (lanes_a, events_a, arrows_a) = (
        a.drawing.hosts.len(),
        a.drawing.events.len(),
        a.drawing.arrows.len(),
    );
    let hosts = a
        .drawing
        .hosts
        .iter()
        .map(|h| format!("{h} #{}", number[0]))
        .chain(b.drawing.hosts.iter().map(|h| {
            // An execution beside itself: its second copy's lanes need names of their own.
            let again = if number[0] == number[1] { "′" } else { "" };
            format!("{h} #{}{again}", number[1])
        }))
        .collect();
    let events = a
        .drawing
        .events
        .iter()
        .cloned()
        .chain(b.drawing.events.iter().map(|e| DrawnEvent {
            lane: e.lane + lanes_a,
            ..e.clone()
        }))
        .collect();
    let arrows = a
        .drawing
        .arrows
        .iter()
        .copied()
        .chain(
            b.drawing
                .arrows
                .iter()
                .map(|&(f, t)| (f + events_a, t + events_a)),
        )
        .collect();
    let marked: Vec<(usize, String)> = a_marked
        .into_iter()
        .chain(b_marked.into_iter().map(|(e, why)| (e + events_a, why)))
        .collect();
    let marked_arrows: Vec<usize> = a_arrows
        .into_iter()
        .chain(b_arrows.into_iter().map(|i| i + arrows_a))
        .collect();
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let description = format!(
        "Executions {} and {} of {name}, side by side: {} and {} differ",
        number[0],
        number[1],
        plural(marked.len(), "event"),
        plural(marked_arrows.len(), "arrow"),
    );
    // Every host once, with its events in both.
    let mut summaries = a.hosts;
    for h in b.hosts {
        match summaries.iter_mut().find(|s| s.name == h.name) {
            Some(s) => s.events += h.events,
            None => summaries.push(h),
        }
    }
    let mut problems = a.problems;
    problems.extend(b.problems);
    problems.sort_by_key(|p| p.line);
    Inferred {
        drawing: Drawing {
            title: name.to_string(),
            description,
            hosts,
            events,
            arrows,
            marked,
            marked_arrows,
        },
        problems,
        hosts: summaries,
        skipped: a.skipped + b.skipped,
    }
}
