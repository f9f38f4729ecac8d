//! The diagram of an imported log orders its events exactly as the log's vector clocks do, for
//! the logs ShiViz users bring: multicasts, receipts that send, events that heard from several
//! hosts at once, clocks learnt transitively, hosts interleaved or concatenated, text between
//! the records, clocks written as JSON inside a string (as TLC prints them), and hosts hidden.
//!
//! The logs come from a generator of executions (our own): it runs hosts that send, multicast,
//! receive one or several messages in one event, and pass news on, keeping the vector clocks as
//! GoVector does; then it writes the log in one of several shapes and finds the records as a
//! regex engine would (it knows where it wrote them).

mod common;

use std::collections::HashMap;

use common::run;
use proptest::prelude::*;
use spacetime_core::log::{
    import_found, import_govector, records_from_matches, to_govector, Found, LaneOrder, Lanes,
    RegexMatch,
};
use spacetime_core::{Relation, Trace};

/// A small deterministic random source for the generator.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One logged event: its host, its clock (one counter per host) and its text.
#[derive(Clone, Debug)]
struct Logged {
    host: usize,
    clock: Vec<u64>,
    text: String,
}

/// An execution of `hosts` hosts and about `steps` events: local events, sends to one or several
/// hosts, receipts of one or several waiting messages, and receipts that send on.
fn execution(hosts: usize, steps: usize, rng: &mut Rng) -> Vec<Logged> {
    let mut clocks = vec![vec![0u64; hosts]; hosts];
    // Messages waiting for each host: the clock they carry.
    let mut waiting: Vec<Vec<Vec<u64>>> = vec![Vec::new(); hosts];
    let mut log = Vec::new();
    for i in 0..steps {
        let h = rng.below(hosts);
        let mut text = format!("e{i}");
        // Receive: one waiting message, or (sometimes) several in one event.
        if !waiting[h].is_empty() && rng.chance(55) {
            let take = if rng.chance(25) { waiting[h].len() } else { 1 };
            for _ in 0..take {
                let k = rng.below(waiting[h].len());
                let carried = waiting[h].swap_remove(k);
                for (mine, theirs) in clocks[h].iter_mut().zip(&carried) {
                    *mine = (*mine).max(*theirs);
                }
            }
            text.push_str(" received");
        }
        clocks[h][h] += 1;
        // Send: to one host, or a multicast; a receipt may send too.
        if hosts > 1 && rng.chance(45) {
            let fanout = if rng.chance(30) {
                1 + rng.below(hosts - 1)
            } else {
                1
            };
            for _ in 0..fanout {
                let to = (h + 1 + rng.below(hosts - 1)) % hosts;
                waiting[to].push(clocks[h].clone());
            }
            text.push_str(" sent");
        }
        log.push(Logged {
            host: h,
            clock: clocks[h].clone(),
            text,
        });
    }
    log
}

/// How the log is written.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// GoVector's two lines, in execution order.
    GoVector,
    /// GoVector's two lines, each host's events together (logs concatenated).
    Concatenated,
    /// A TLC-like trace: numbered states with text around them, the clock a JSON string.
    Tlc,
}

fn names(hosts: usize) -> Vec<String> {
    (0..hosts).map(|h| format!("n{}", h + 1)).collect()
}

/// The clock as GoVector writes it: non-zero entries, the own host first.
fn clock_json(event: &Logged, names: &[String]) -> String {
    let mut entries = vec![format!(
        "\"{}\":{}",
        names[event.host], event.clock[event.host]
    )];
    for (k, &c) in event.clock.iter().enumerate() {
        if k != event.host && c > 0 {
            entries.push(format!("\"{}\":{c}", names[k]));
        }
    }
    format!("{{{}}}", entries.join(", "))
}

/// Where a record is in the text: its host, clock, event and the whole match, as byte ranges.
type Spans = [(usize, usize); 4];

/// The log's text and where each record is in it.
fn write(log: &[Logged], hosts: usize, shape: Shape, rng: &mut Rng) -> (String, Vec<Spans>) {
    let names = names(hosts);
    let mut order: Vec<usize> = (0..log.len()).collect();
    if let Shape::Concatenated = shape {
        order.sort_by_key(|&e| log[e].host);
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    let push = |text: &mut String, s: &str| {
        let start = text.len();
        text.push_str(s);
        (start, text.len())
    };
    if let Shape::Tlc = shape {
        text.push_str(
            "@!@!@STARTMSG 2262:0 @!@!@\nTLC2 Version 2.18\nRunning breadth-first search\n",
        );
    }
    for (state, &e) in order.iter().enumerate() {
        let event = &log[e];
        match shape {
            Shape::GoVector | Shape::Concatenated => {
                let start = text.len();
                let host = push(&mut text, &names[event.host]);
                text.push(' ');
                let clock = push(&mut text, &clock_json(event, &names));
                text.push('\n');
                let ev = push(&mut text, &event.text);
                spans.push([host, clock, ev, (start, text.len())]);
                text.push('\n');
            }
            Shape::Tlc => {
                if rng.chance(30) {
                    text.push_str("Progress: 12 states generated\n\n");
                }
                let start = text.len();
                text.push_str(&format!(
                    "State {}: <Next line 7>\n/\\ Host = \"",
                    state + 1
                ));
                let host = push(&mut text, &names[event.host]);
                text.push_str("\"\n/\\ Clock = ");
                let quoted = serde_json::to_string(&clock_json(event, &names)).unwrap();
                let clock = push(&mut text, &quoted);
                text.push_str("\n/\\ Event = \"");
                let ev = push(&mut text, &event.text);
                text.push('"');
                spans.push([host, clock, ev, (start, text.len())]);
                text.push_str("\n\n");
            }
        }
    }
    if let Shape::Tlc = shape {
        text.push_str("The depth of the complete state graph search is 9.\nFinished in 00s\n");
    }
    (text, spans)
}

/// The relation of two clocks.
fn clock_relation(a: &[u64], b: &[u64]) -> Relation {
    let le = |x: &[u64], y: &[u64]| x.iter().zip(y).all(|(p, q)| p <= q);
    match (le(a, b), le(b, a)) {
        (true, true) => Relation::Same,
        (true, false) => Relation::Before,
        (false, true) => Relation::After,
        (false, false) => Relation::Concurrent,
    }
}

/// Check that `trace` orders the events of `log` it shows (those of hosts not `hidden`) exactly
/// as their clocks do. Events are matched by host and position on the host's lane.
fn assert_exact(
    log: &[Logged],
    hosts: usize,
    hidden: &[usize],
    trace: &Trace,
) -> Result<(), TestCaseError> {
    let names = names(hosts);
    let mut lanes: HashMap<&str, Vec<usize>> = HashMap::new();
    for e in &trace.events {
        lanes
            .entry(trace.processes[e.process].as_str())
            .or_default()
            .push(e.id);
    }
    let mut seen = vec![0usize; hosts];
    let mut pairs: Vec<(&[u64], usize)> = Vec::new();
    for event in log {
        if hidden.contains(&event.host) {
            continue;
        }
        let lane = lanes.get(names[event.host].as_str());
        let e = lane.and_then(|l| l.get(seen[event.host])).copied();
        prop_assert!(
            e.is_some(),
            "{}'s event {} is not drawn",
            names[event.host],
            seen[event.host]
        );
        seen[event.host] += 1;
        pairs.push((&event.clock, e.unwrap()));
    }
    prop_assert_eq!(pairs.len(), trace.events.len());
    for &(ca, a) in &pairs {
        for &(cb, b) in &pairs {
            if a == b {
                continue;
            }
            prop_assert_eq!(
                trace.relation(a, b),
                clock_relation(ca, cb),
                "{:?} vs {:?}",
                ca,
                cb
            );
        }
    }
    Ok(())
}

fn check(
    seed: u64,
    hosts: usize,
    steps: usize,
    shape: Shape,
    hide: bool,
) -> Result<(), TestCaseError> {
    let mut rng = Rng(seed | 1);
    let log = execution(hosts, steps, &mut rng);
    let (text, spans) = write(&log, hosts, shape, &mut rng);
    let matches = spans.iter().map(|[host, clock, event, whole]| RegexMatch {
        start: whole.0,
        end: whole.1,
        host: &text[host.0..host.1],
        clock: &text[clock.0..clock.1],
        event: &text[event.0..event.1],
    });
    let found: Found = records_from_matches(&text, 1, matches);
    prop_assert_eq!(found.records.len(), log.len());
    if let Shape::Tlc = shape {
        prop_assert!(
            found.skipped >= 4,
            "the text around the states is skipped and counted"
        );
    }
    let hidden: Vec<usize> = if hide && hosts > 2 {
        vec![rng.below(hosts)]
    } else {
        Vec::new()
    };
    let names = names(hosts);
    let lanes = Lanes {
        order: [LaneOrder::Log, LaneOrder::Name, LaneOrder::Events][rng.below(3)],
        hidden: hidden.iter().map(|&h| names[h].clone()).collect(),
    };
    // A host that logged nothing has no lane to hide.
    let shown_any = log.iter().any(|e| !hidden.contains(&e.host));
    let imported = match import_found("random", found, &lanes) {
        Ok(imported) => imported,
        Err(e) => {
            prop_assert!(!shown_any, "{e}");
            return Ok(());
        }
    };
    prop_assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let trace = run(&imported.scenario);
    prop_assert!(trace.messages.iter().all(|m| m.receive_event.is_some()));
    assert_exact(&log, hosts, &hidden, &trace)?;
    // Round trip: the drawing exported as a GoVector log and imported again keeps the relation.
    let again = import_govector("again", &to_govector(&trace)).unwrap();
    prop_assert!(again.problems.is_empty(), "{:?}", again.problems);
    let redrawn = run(&again.scenario);
    prop_assert_eq!(redrawn.events.len(), trace.events.len());
    // Each event as (its host's name, its place on the lane).
    let position = |t: &Trace| -> Vec<(String, usize)> {
        let mut seen = vec![0; t.processes.len()];
        t.events
            .iter()
            .map(|e| {
                seen[e.process] += 1;
                (t.processes[e.process].clone(), seen[e.process])
            })
            .collect()
    };
    let (before, after) = (position(&trace), position(&redrawn));
    let find = |p: &(String, usize)| after.iter().position(|x| x == p).unwrap();
    for a in 0..trace.events.len() {
        for b in 0..trace.events.len() {
            prop_assert_eq!(
                trace.relation(a, b),
                redrawn.relation(find(&before[a]), find(&before[b]))
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn random_logs_are_drawn_with_exactly_their_relation(
        seed in any::<u64>(),
        hosts in 1usize..6,
        steps in 1usize..36,
        shape in 0usize..3,
        hide in any::<bool>(),
    ) {
        let shape = [Shape::GoVector, Shape::Concatenated, Shape::Tlc][shape];
        check(seed, hosts, steps, shape, hide)?;
    }
}

/// A TLC-style trace, written out here, imports, and its relation is exact.
#[test]
fn a_tlc_trace_imports_with_its_relation() {
    let text = r#"@!@!@STARTMSG 2110:1 @!@!@
Error: Invariant Safe is violated.
@!@!@ENDMSG 2110 @!@!@
State 1: <Initial predicate>
/\ Host = "n1"
/\ Clock = "{\"n1\":1}"
/\ Event = "Init"

State 2: <Send line 12>
/\ Host = "n1"
/\ Clock = "{\"n1\":2}"
/\ Event = "Send to n2 and n3"

State 3: <Recv line 20>
/\ Host = "n2"
/\ Clock = "{\"n1\":2,\"n2\":1,\"n3\":0}"
/\ Event = "Recv from n1, forward to n3"

State 4: <Recv line 20>
/\ Host = "n3"
/\ Clock = "{\"n1\":2,\"n2\":1,\"n3\":1}"
/\ Event = "Recv from n1 and n2"

The depth of the complete state graph search is 5.
"#;
    // What a regex like `Host = "(?<host>[^"]*)"\n/\\ Clock = (?<clock>"[^\n]*")\n/\\ Event =
    // "(?<event>[^"]*)"` finds: each state's three lines.
    let mut matches = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("/\\ Host = ") {
        let start = from + at;
        let lines: Vec<&str> = text[start..].lines().take(3).collect();
        let after = |line: &'static str, label: &str| &line[label.len()..];
        let end = start + lines.iter().map(|l| l.len() + 1).sum::<usize>();
        matches.push(RegexMatch {
            start,
            end,
            host: after(lines[0], "/\\ Host = ").trim_matches('"'),
            // The clock as TLC prints it: a JSON string holding the JSON object.
            clock: after(lines[1], "/\\ Clock = "),
            event: after(lines[2], "/\\ Event = ").trim_matches('"'),
        });
        from = end;
    }
    let found = records_from_matches(text, 1, matches);
    assert_eq!(found.records.len(), 4);
    assert!(found.skipped >= 7, "{}", found.skipped);
    let imported = import_found("tlc", found, &Lanes::default()).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    // n1's send reaches n2 and n3 (one event, two arrows, one of them implied through n2 and so
    // left out); n2's receipt forwards to n3; n3 hears from both.
    assert_eq!((imported.events, imported.messages), (4, 2));
    let trace = run(&imported.scenario);
    let clocks: Vec<Vec<u64>> = vec![vec![1, 0, 0], vec![2, 0, 0], vec![2, 1, 0], vec![2, 1, 1]];
    let log: Vec<Logged> = [0, 0, 1, 2]
        .iter()
        .zip(clocks)
        .map(|(&host, clock)| Logged {
            host,
            clock,
            text: String::new(),
        })
        .collect();
    assert_exact(&log, 3, &[], &trace).unwrap();
}
