//! Importing vector-clock logs (GoVector, ShiViz) and exporting traces as GoVector logs.
//!
//! The one thing an import must get right is happens-before: the diagram it draws must order
//! events exactly as the log's clocks do. Each test here compares the two relations event by
//! event, on hand-written logs, on malformed ones, and on the export of thousands of random runs.

mod common;

use std::collections::HashMap;

use common::{gossip_with_interventions, run, scripted_scenario};
use proptest::prelude::*;
use spacetime_core::lessons::clocks::scripted::ScriptParams;
use spacetime_core::log::{
    from_records, govector_records, import_govector, import_govector_with, to_govector, Choice,
    ImportError, Imported, LogRecord, Problem, GOVECTOR_REGEX, SHIVIZ_DEFAULT_REGEX,
};
use spacetime_core::{protocols, EventId, Relation, Trace};

/// Three hosts elect a leader: initialisation, a broadcast (one send per receiver, as GoVector
/// programs do it), votes back, and a local event on each side.
const ELECTION: &str = r#"alice {"alice":1}
Initialization Complete
bob {"bob":1}
Initialization Complete
carol {"carol":1}
Initialization Complete
alice {"alice":2}
Broadcasting election to bob
alice {"alice":3}
Broadcasting election to carol
bob {"alice":2, "bob":2}
Received election from alice
carol {"alice":3, "carol":2}
Received election from alice
bob {"alice":2, "bob":3}
Sending vote to alice
carol {"alice":3, "carol":3}
Sending vote to alice
alice {"alice":4, "bob":3}
Received vote from bob
carol {"alice":3, "carol":4}
Writing checkpoint
alice {"alice":5, "bob":3, "carol":3}
Received vote from carol
alice {"alice":6, "bob":3, "carol":3}
Elected leader
"#;

/// The same kind of run written for ShiViz's default regex: the event line first, then the host
/// and clock. The hosts' logs are concatenated (all of one host's, then the next's), and the
/// counters skip numbers, as a log that only keeps some events does.
const SHIVIZ_LOG: &str = r#"Starting up
server {"server":1}
Received request
server {"server":4, "client":2}
Sending answer
server {"server":5, "client":2}
Shutting down
server {"server":7, "client":2}
Starting up
client {"client":1}
Sending request
client {"client":2}
Received answer
client {"client":5, "server":5}
"#;

/// The events of `trace` by lane: process name -> event ids in lane order.
fn lanes(trace: &Trace) -> HashMap<String, Vec<EventId>> {
    let mut lanes: HashMap<String, Vec<EventId>> = HashMap::new();
    for e in &trace.events {
        let lane = lanes.entry(trace.processes[e.process].clone()).or_default();
        assert_eq!(lane.len(), e.index, "lane order is event order");
        lane.push(e.id);
    }
    lanes
}

/// The relation between two clocks given as host -> counter.
fn clock_relation(a: &HashMap<String, u64>, b: &HashMap<String, u64>) -> Relation {
    let le = |x: &HashMap<String, u64>, y: &HashMap<String, u64>| {
        x.iter().all(|(k, v)| *v <= y.get(k).copied().unwrap_or(0))
    };
    let (ab, ba) = (le(a, b), le(b, a));
    match (ab, ba) {
        (true, true) => Relation::Same,
        (true, false) => Relation::Before,
        (false, true) => Relation::After,
        (false, false) => Relation::Concurrent,
    }
}

/// A log's events by host, in log order, with their clocks and text.
type LogLanes = HashMap<String, Vec<(HashMap<String, u64>, String)>>;

fn log_lanes(records: &[LogRecord]) -> LogLanes {
    let mut lanes: LogLanes = HashMap::new();
    for r in records {
        let clock: HashMap<String, u64> = serde_json::from_str(&r.clock).unwrap();
        lanes
            .entry(r.host.clone())
            .or_default()
            .push((clock, r.event.clone()));
    }
    lanes
}

/// Import `log` (which must import without problems), run the scenario, and check that the run
/// has each host's events in order with the log's texts and the log's happens-before relation.
fn assert_redraws(log: &str, imported: &Imported) -> Trace {
    let (records, problems) = govector_records(log);
    assert!(problems.is_empty(), "{problems:?}");
    assert_redraws_records(&records, imported)
}

fn assert_redraws_records(records: &[LogRecord], imported: &Imported) -> Trace {
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let trace = run(&imported.scenario);
    assert_eq!(trace.events.len(), imported.events);
    assert_eq!(
        trace.messages.len(),
        imported.messages,
        "every message is delivered"
    );
    assert!(trace.messages.iter().all(|m| m.receive_event.is_some()));
    let log = log_lanes(records);
    let drawn = lanes(&trace);
    assert_eq!(log.len(), drawn.len());
    // (clock, event) for every event of both, side by side.
    let mut pairs: Vec<(&HashMap<String, u64>, EventId)> = Vec::new();
    for (host, events) in &log {
        let lane = &drawn[host];
        assert_eq!(events.len(), lane.len(), "{host}");
        for ((clock, text), &e) in events.iter().zip(lane) {
            let event = &trace.events[e];
            let shown = match event.kind {
                // A receipt's label is its message's; the log's text is in the narration.
                spacetime_core::EventKind::Receive => trace.narration(event.step as usize),
                _ => event.label.to_string(),
            };
            assert!(shown.contains(text.as_str()), "{shown:?} lacks {text:?}");
            pairs.push((clock, e));
        }
    }
    for &(ca, a) in &pairs {
        for &(cb, b) in &pairs {
            assert_eq!(
                trace.relation(a, b),
                clock_relation(ca, cb),
                "{ca:?} vs {cb:?}"
            );
        }
    }
    trace
}

#[test]
fn a_govector_log_is_redrawn_with_its_arrows() {
    let imported = import_govector("election.log", ELECTION).unwrap();
    assert_eq!(imported.events, 13);
    assert_eq!(imported.messages, 4);
    let s = &imported.scenario;
    assert_eq!(s.name, "clocks-imported");
    assert_eq!(s.title, "election.log");
    assert_eq!(s.protocol, "scripted");
    assert_eq!(s.processes, ["alice", "bob", "carol"]);
    assert_eq!(
        s.description,
        "13 events on 3 hosts, 4 messages, from a log"
    );
    assert!(s.limits.max_steps >= 13 && s.limits.max_time.is_none());
    let trace = assert_redraws(ELECTION, &imported);
    // The arrows join the events the clocks say they join.
    let arrows: Vec<(String, String)> = trace
        .messages
        .iter()
        .map(|m| {
            let receipt = &trace.events[m.receive_event.unwrap()];
            (m.label.clone(), trace.narration(receipt.step as usize))
        })
        .collect();
    assert!(arrows.contains(&(
        "Broadcasting election to carol".into(),
        "carol receives Broadcasting election to carol from alice. Received election from alice."
            .into()
    )));
    assert!(arrows
        .iter()
        .any(|(send, got)| send == "Sending vote to alice"
            && got.contains("Received vote from carol")));
    // The scenario is plain data: it survives JSON.
    let back = spacetime_core::Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(&back, s);
}

#[test]
fn a_shiviz_log_in_the_default_format_is_redrawn() {
    // As a caller with a regex engine would hand it over: each event line, then its host line.
    let lines: Vec<&str> = SHIVIZ_LOG.lines().collect();
    let records: Vec<LogRecord> = lines
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let (host, clock) = pair[1].split_once(' ').unwrap();
            LogRecord {
                line: 2 * i + 1,
                host: host.into(),
                clock: clock.into(),
                event: pair[0].into(),
            }
        })
        .collect();
    let imported = from_records("shiviz", records.clone(), Vec::new()).unwrap();
    assert_eq!(imported.scenario.processes, ["server", "client"]);
    assert_eq!((imported.events, imported.messages), (7, 2));
    assert_redraws_records(&records, &imported);

    // The same file with ShiViz's header: the regex on line 1, an empty delimiter on line 2.
    let file = format!("{SHIVIZ_DEFAULT_REGEX}\n\n{SHIVIZ_LOG}");
    let from_file = import_govector("shiviz", &file).unwrap();
    assert_eq!(from_file.scenario, imported.scenario);
    // GoVector's regex in a header reads GoVector's order; lines count from the file's first.
    let file = format!("{GOVECTOR_REGEX}\n\n{ELECTION}garbage\n");
    let from_file = import_govector("election", &file).unwrap();
    assert_eq!(from_file.events, 13);
    assert_eq!(from_file.problems.len(), 1);
    assert_eq!(from_file.problems[0].line, 29);
    assert!(from_file.problems[0].message.contains("\"garbage\""));
}

#[test]
fn a_header_with_another_regex_needs_a_regex_engine() {
    let file = "(?<host>\\w+) (?<clock>{.*}) (?<event>.*)\n\nalice {\"alice\":1} hi\n";
    let error = import_govector("x", file).unwrap_err();
    assert!(matches!(error, ImportError::NeedsRegex { .. }), "{error}");
    assert!(error.to_string().contains("spacetime import"), "{error}");
}

#[test]
fn a_file_of_several_executions_draws_the_one_chosen() {
    let file =
        format!("{GOVECTOR_REGEX}\n=== run ===\n=== run ===\n{ELECTION}\n=== run ===\n{ELECTION}");
    let imported = import_govector("two runs", &file).unwrap();
    assert_eq!((imported.events, imported.executions), (13, 2));
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let choice = Choice {
        execution: 1,
        ..Choice::default()
    };
    let second = import_govector_with("two runs", &file, &choice).unwrap();
    assert_eq!((second.events, second.executions), (13, 2));
    // The second execution's lines are numbered in the file: after the first and a delimiter.
    let (records, _) = govector_records(ELECTION);
    assert_eq!(records.len(), 13);
}

/// The problems' lines and a word each message must contain.
fn assert_problems(problems: &[Problem], expected: &[(usize, &str)]) {
    let got: Vec<(usize, &str)> = problems
        .iter()
        .map(|p| (p.line, p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), expected.len(), "{got:#?}");
    for (p, (line, word)) in problems.iter().zip(expected) {
        assert_eq!(p.line, *line, "{got:#?}");
        assert!(p.message.contains(word), "{p} lacks {word:?}");
        assert_eq!(p.to_string(), format!("line {line}: {}", p.message));
    }
}

#[test]
fn malformed_logs_give_problems_at_their_lines_and_the_rest_is_drawn() {
    let log = r#"# a comment that is not an event
alice {"alice":1}
Initialization Complete

bob {"bob":1,}
Initialization Complete
bob {"bob":1}
Initialization Complete
alice {"alice":2, "dave":4}
Sending ping
alice {"alice":1}
Back in time
bob {"bob":2, "alice":2}
Received ping
bob {"bob":"three"}
A word for a counter
bob {"alice":2}
No counter of its own
bob {"bob":4}
"#;
    let imported = import_govector("broken", log).unwrap();
    assert_problems(
        &imported.problems,
        &[
            (1, "# a comment"),
            (5, "is not a JSON object"),
            (9, "\"dave\", which logs no event"),
            (11, "goes back from 2 to 1"),
            (15, "not a counter"),
            (17, "no counter of its own"),
            (19, "no event line"),
            (
                19,
                "forgets what bob's previous event knew (alice 2, now 0)",
            ),
        ],
    );
    // alice 1 and 2, bob 1, 2 and 4 (with no text): the ping still arrives.
    assert_eq!((imported.events, imported.messages), (5, 1));
    let trace = run(&imported.scenario);
    assert_eq!(trace.events.len(), 5);
    let last = trace.events.iter().rfind(|e| e.process == 1).unwrap();
    assert_eq!(&*last.label, "bob 3");
}

#[test]
fn multicasts_receipts_that_send_and_news_from_several_hosts_are_drawn_exactly() {
    // bob and carol both receive alice's one send (a multicast); carol's clock has heard of
    // alice's 9th event, which alice never logs (its log was cut short); dan hears from bob's
    // receipt (a receipt that passes the news on).
    let log = r#"alice {"alice":1}
To everyone
bob {"alice":1, "bob":1}
Got it
carol {"alice":1, "carol":1}
Got it too
carol {"alice":9, "carol":2}
Heard of the future
dan {"alice":1, "bob":1, "dan":1}
Heard from bob's receipt
"#;
    let imported = import_govector("odd", log).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    assert_eq!((imported.events, imported.messages), (5, 3));
    let trace = assert_redraws(log, &imported);
    // One dot for alice's send, with two arrows; bob's receipt sends the third.
    let alice = &trace.events[trace.lane(0).next().unwrap().id];
    let from = |e: usize| trace.messages.iter().filter(|m| m.send_event == e).count();
    assert_eq!(from(alice.id), 2);
    let bob = trace.lane(1).next().unwrap();
    assert_eq!(bob.kind, spacetime_core::EventKind::Receive);
    assert_eq!(from(bob.id), 1);
}

#[test]
fn news_of_two_hosts_at_once_draws_two_arrows_into_one_event() {
    // bob's receipt has news of both alice and carol, but no one event carries both.
    let log = r#"alice {"alice":1}
a
carol {"carol":1}
c
bob {"alice":1, "carol":1, "bob":1}
b
"#;
    let imported = import_govector("odd", log).unwrap();
    assert_eq!(imported.messages, 2);
    let trace = assert_redraws(log, &imported);
    let bob = trace.processes.iter().position(|p| p == "bob").unwrap();
    let bob = trace.lane(bob).next().unwrap().id;
    let into: Vec<_> = trace
        .messages
        .iter()
        .filter(|m| m.receive_event == Some(bob))
        .collect();
    assert_eq!(into.len(), 2);
    assert_eq!(into.iter().filter(|m| m.merged).count(), 1);
}

#[test]
fn contradictory_clocks_are_drawn_without_a_cycle() {
    // a2 heard of b2, which comes after b1, which heard of a3, which comes after a2: a3 and b2
    // forget what came before them on their lanes.
    let log = r#"a {"a":1}
a1
a {"a":2, "b":2}
a2
a {"a":3}
a3
b {"b":1, "a":3}
b1
b {"b":2}
b2
"#;
    let imported = import_govector("cycle", log).unwrap();
    assert_problems(
        &imported.problems,
        &[(5, "forgets what a's previous event knew"), (9, "forgets")],
    );
    assert_eq!(imported.events, 5);
    let trace = run(&imported.scenario);
    assert_eq!(trace.events.len(), 5);
}

#[test]
fn an_empty_or_eventless_log_is_an_error_that_says_what_was_expected() {
    for empty in ["", "\n\n  \n"] {
        let error = import_govector("empty", empty).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("the log is empty"), "{text}");
        assert!(text.contains("GoVector"), "{text}");
    }
    let error = import_govector("prose", "Dear diary, today\nnothing happened.\n").unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("line 1 reads \"Dear diary, today\""),
        "{text}"
    );
    let long = "x".repeat(500);
    let text = import_govector("long", &long).unwrap_err().to_string();
    assert!(text.len() < 300, "the quote is shortened: {text}");
    // Events that are all broken: the error names the first problem.
    let error = import_govector("broken", "a {\"a\":oops}\nx\n").unwrap_err();
    assert!(
        matches!(error, ImportError::NothingDrawable { records: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("line 1: the clock"), "{error}");
}

#[test]
fn more_than_sixty_four_hosts_is_an_error() {
    let log: String = (0..65)
        .map(|i| format!("h{i} {{\"h{i}\":1}}\nhello\n"))
        .collect();
    let error = import_govector("crowd", &log).unwrap_err();
    assert_eq!(
        error,
        ImportError::TooManyHosts {
            host: "h64".into(),
            line: 129
        }
    );
    assert!(error.to_string().contains("at most 64"), "{error}");
    let fits: String = log.lines().take(128).map(|l| format!("{l}\n")).collect();
    assert_eq!(import_govector("crowd", &fits).unwrap().events, 64);
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "{",
        "}",
        "a {",
        "a {}",
        "a {}\nx",
        "a {\"a\":1}",
        "a {\"a\":-1}\nx",
        "a {\"a\":1.5}\nx",
        "a {\"a\":18446744073709551615}\nx\nb {\"a\":18446744073709551615,\"b\":1}\ny",
        "a [1]\n",
        "(?<host>)(?<clock>)(?<event>)\n",
        "(?<host>)(?<clock>)(?<event>)",
        "\u{FEFF}a {\"a\":1}\r\nhi\r\n",
        "a {\"a\":1}\n\u{0}\u{7f}é\n",
        "\n\n\n",
    ];
    for input in inputs {
        if let Ok(imported) = import_govector("garbage", input) {
            run(&imported.scenario);
        }
    }
}

/// The events of each host in `a`, by name and lane index, have the same happens-before relation
/// in `b`, and no host has more or fewer events. For long runs, each event is compared with an
/// evenly spread sample of the others.
fn assert_same_order(a: &Trace, b: &Trace) -> Result<(), TestCaseError> {
    let (la, lb) = (lanes(a), lanes(b));
    let mut map = vec![usize::MAX; a.events.len()];
    for (name, events) in &la {
        prop_assert!(!name.contains(char::is_whitespace));
        let other = lb.get(name).map_or(&[][..], Vec::as_slice);
        prop_assert_eq!(events.len(), other.len(), "events of {}", name);
        for (&x, &y) in events.iter().zip(other) {
            map[x] = y;
        }
    }
    prop_assert_eq!(a.events.len(), b.events.len());
    let n = a.events.len();
    let stride = (n / 300).max(1);
    for x in 0..n {
        for y in (x % stride..n).step_by(stride) {
            prop_assert_eq!(
                a.relation(x, y),
                b.relation(map[x], map[y]),
                "events {} and {}",
                x,
                y
            );
        }
    }
    Ok(())
}

/// Export `trace`, import the log and run it: the same lanes and the same order. Then once more
/// from the redrawn run: the export is stable (the same lines on each lane).
fn round_trip(trace: &Trace) -> Result<(), TestCaseError> {
    let log = to_govector(trace);
    prop_assert!(log.ends_with('\n') || log.is_empty());
    let imported = match import_govector("round trip", &log) {
        Ok(imported) => imported,
        Err(e) => {
            prop_assert!(trace.events.is_empty(), "{}", e);
            return Ok(());
        }
    };
    prop_assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let redrawn = run(&imported.scenario);
    assert_same_order(trace, &redrawn)?;

    let again = to_govector(&redrawn);
    let (first, _) = govector_records(&log);
    let (second, problems) = govector_records(&again);
    prop_assert!(problems.is_empty());
    prop_assert_eq!(log_lanes(&first), log_lanes(&second));
    let reimported = import_govector("again", &again).unwrap();
    prop_assert_eq!(
        (reimported.events, reimported.messages),
        (imported.events, imported.messages)
    );
    assert_same_order(&redrawn, &run(&reimported.scenario))?;
    Ok(())
}

#[test]
fn every_example_survives_export_and_import() {
    for scenario in protocols::examples() {
        let trace = run(&scenario);
        round_trip(&trace).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
    }
}

// 1,500 cases each: the module's doc promises thousands of random runs.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn random_scripts_survive_export_and_import(scenario in scripted_scenario(5, 40)) {
        round_trip(&run(&scenario))?;
    }

    #[test]
    fn random_gossip_survives_export_and_import(
        scenario in gossip_with_interventions(6, 3, 400, 6)
    ) {
        round_trip(&run(&scenario))?;
    }
}

#[test]
fn the_export_is_govector_s_format() {
    let trace = run(&protocols::example("clocks-three-events").unwrap());
    assert_eq!(
        to_govector(&trace),
        "P1 {\"P1\":1}\na\n\
         P1 {\"P1\":2}\nsend m1 to P2\n\
         P2 {\"P2\":1}\nc\n\
         P2 {\"P2\":2, \"P1\":2}\nreceive m1 from P1\n"
    );
    // Names are JSON-escaped in the clock and made one word in the host.
    let mut scenario = protocols::example("clocks-three-events").unwrap();
    scenario.processes = vec!["the \"first\"".into(), "P2".into()];
    let mut params: ScriptParams = scenario.params().unwrap();
    for line in &mut params.script {
        if line.process == spacetime_core::ProcessRef::Name("P1".into()) {
            line.process = spacetime_core::ProcessRef::Index(0);
        }
    }
    scenario.params = serde_json::to_value(params).unwrap();
    let log = to_govector(&run(&scenario));
    assert!(
        log.starts_with("the_\"first\" {\"the_\\\"first\\\"\":1}\na\n"),
        "{log}"
    );
    let imported = import_govector("names", &log).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    assert_eq!(imported.scenario.processes, ["the_\"first\"", "P2"]);
}

/// A long log made the way GoVector would write it: `hosts` processes that each do local events,
/// send to a random host, or receive what was sent to them, with clocks kept by GoVector's rule.
fn generated_log(events: usize, hosts: usize, seed: u64) -> (String, usize) {
    let mut state = seed;
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % bound
    };
    let names: Vec<String> = (0..hosts).map(|h| format!("node-{h}")).collect();
    let mut clocks = vec![vec![0u64; hosts]; hosts];
    let mut inbox: Vec<Vec<Vec<u64>>> = vec![Vec::new(); hosts];
    let mut log = String::new();
    let mut messages = 0;
    for i in 0..events {
        let h = next(hosts);
        let text = if !inbox[h].is_empty() && next(2) == 0 {
            let carried = inbox[h].remove(0);
            for (mine, theirs) in clocks[h].iter_mut().zip(&carried) {
                *mine = (*mine).max(*theirs);
            }
            messages += 1;
            format!("Received message {i}")
        } else if next(3) == 0 {
            String::from("Did some work")
        } else {
            let to = (h + 1 + next(hosts - 1)) % hosts;
            clocks[h][h] += 1;
            inbox[to].push(clocks[h].clone());
            clocks[h][h] -= 1;
            format!("Sending message {i} to {}", names[to])
        };
        clocks[h][h] += 1;
        let entries: Vec<String> = (0..hosts)
            .filter(|&k| clocks[h][k] > 0)
            .map(|k| format!("\"{}\":{}", names[k], clocks[h][k]))
            .collect();
        log.push_str(&format!(
            "{} {{{}}}\n{text}\n",
            names[h],
            entries.join(", ")
        ));
    }
    (log, messages)
}

#[test]
fn a_ten_thousand_event_log_imports() {
    let (log, received) = generated_log(10_000, 12, 7);
    let imported = import_govector("big", &log).unwrap();
    assert!(
        imported.problems.is_empty(),
        "{:?}",
        &imported.problems[..3]
    );
    assert_eq!(imported.events, 10_000);
    assert_eq!(imported.messages, received);
    assert_eq!(imported.scenario.processes.len(), 12);
    let trace = run(&imported.scenario);
    assert_eq!(trace.events.len(), 10_000);
    assert_eq!(trace.messages.len(), received);
    // Spot checks of the order against the log's own clocks.
    let (records, _) = govector_records(&log);
    let log = log_lanes(&records);
    let drawn = lanes(&trace);
    let sample: Vec<(&HashMap<String, u64>, EventId)> = log
        .iter()
        .flat_map(|(host, events)| {
            events
                .iter()
                .zip(&drawn[host])
                .step_by(37)
                .map(|((clock, _), &e)| (clock, e))
        })
        .collect();
    for &(ca, a) in &sample {
        for &(cb, b) in &sample {
            assert_eq!(trace.relation(a, b), clock_relation(ca, cb));
        }
    }
}
