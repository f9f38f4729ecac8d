//! The clocks the engine computes, checked against happens-before computed the slow way.
//!
//! Happens-before is the smallest relation that contains lane order and send -> receipt and is
//! transitive. Here it is built from exactly those edges by transitive closure, knowing nothing of
//! clocks, and then compared with what the trace says on thousands of random runs: gossip with
//! loss, duplication, reordering, crashes and recoveries, and random scripts.

mod common;

use common::{gossip_with_interventions, run, scripted_scenario};
use proptest::prelude::*;
use spacetime_core::{EventKind, Relation, Trace};

/// `reach[a]` has bit `b` set exactly when a -> b.
struct HappensBefore {
    n: usize,
    reach: Vec<Vec<u64>>,
}

impl HappensBefore {
    /// The transitive closure of the two kinds of edges, computed from the edges alone.
    fn of(trace: &Trace) -> Result<Self, TestCaseError> {
        let n = trace.events.len();
        let words = n.div_ceil(64).max(1);
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
        // Lane order: consecutive events of one process, by their index on the lane.
        for p in 0..trace.processes.len() {
            let mut lane: Vec<_> = trace.events.iter().filter(|e| e.process == p).collect();
            lane.sort_by_key(|e| e.index);
            for pair in lane.windows(2) {
                next[pair[0].id].push(pair[1].id);
            }
        }
        // Messages: send -> receipt.
        for m in &trace.messages {
            if let Some(r) = m.receive_event {
                next[m.send_event].push(r);
            }
        }
        // A topological order (Kahn), which exists only if the edges make no cycle...
        let mut incoming = vec![0usize; n];
        for &b in next.iter().flatten() {
            incoming[b] += 1;
        }
        let mut order: Vec<usize> = (0..n).filter(|&a| incoming[a] == 0).collect();
        let mut i = 0;
        while i < order.len() {
            for &b in &next[order[i]] {
                incoming[b] -= 1;
                if incoming[b] == 0 {
                    order.push(b);
                }
            }
            i += 1;
        }
        prop_assert_eq!(order.len(), n, "happens-before has a cycle");
        // ...and, from the last event back, a reaches what its successors reach, and them.
        let mut reach = vec![vec![0u64; words]; n];
        for &a in order.iter().rev() {
            let mut row = vec![0u64; words];
            for &b in &next[a] {
                row[b / 64] |= 1 << (b % 64);
                for (w, v) in row.iter_mut().zip(&reach[b]) {
                    *w |= v;
                }
            }
            reach[a] = row;
        }
        Ok(HappensBefore { n, reach })
    }

    fn before(&self, a: usize, b: usize) -> bool {
        self.reach[a][b / 64] >> (b % 64) & 1 == 1
    }
}

/// Check everything the trace says about clocks and causality; returns how many events it saw.
fn check_trace(trace: &Trace) -> Result<usize, TestCaseError> {
    let hb = HappensBefore::of(trace)?;
    let n = hb.n;
    let events = &trace.events;

    // Ids are positions, and every lane is numbered 0, 1, 2... in id order.
    for (i, e) in events.iter().enumerate() {
        prop_assert_eq!(e.id, i);
        prop_assert_eq!(trace.vector(e.id).len(), trace.processes.len());
    }
    for p in 0..trace.processes.len() {
        let indices: Vec<usize> = trace.lane(p).map(|e| e.index).collect();
        prop_assert_eq!(indices, (0..trace.lane(p).count()).collect::<Vec<_>>());
    }

    // The course's Lamport rule, event by event: a receipt sets max(local, carried) + 1, every
    // other event increments. And the standard vector clock rule.
    for p in 0..trace.processes.len() {
        let mut lamport = 0;
        let mut vector = vec![0u32; trace.processes.len()];
        for e in trace.lane(p) {
            if e.kind == EventKind::Receive {
                let m = &trace.messages[e.message.expect("a receipt names its message")];
                prop_assert_eq!(m.receive_event, Some(e.id));
                prop_assert_eq!(m.to, p);
                let send = &events[m.send_event];
                prop_assert_eq!(send.kind, EventKind::Send);
                prop_assert_eq!(send.process, m.from);
                prop_assert!(send.id < e.id, "a message is received before it is sent");
                lamport = lamport.max(send.lamport) + 1;
                for (mine, theirs) in vector.iter_mut().zip(trace.vector(send.id)) {
                    *mine = (*mine).max(*theirs);
                }
            } else {
                lamport += 1;
            }
            vector[p] += 1;
            prop_assert_eq!(
                e.lamport,
                lamport,
                "Lamport clock of event {} ({:?})",
                e.id,
                e.kind
            );
            prop_assert_eq!(
                trace.vector(e.id),
                &vector[..],
                "vector clock of event {}",
                e.id
            );
        }
    }

    // Every event against every other; on long traces, a spread of events against every other.
    let rows = (n / 300).max(1);
    for a in (0..n).filter(|&a| a % rows == 0 || a + 1 == n) {
        prop_assert!(!hb.before(a, a), "event {} happens before itself", a);
        // The vector clock counts, per process, the events in a's causal past and a itself.
        let mut known = vec![0usize; trace.processes.len()];
        for f in events.iter().filter(|f| f.id == a || hb.before(f.id, a)) {
            known[f.process] += 1;
        }
        let vector: Vec<usize> = trace.vector(a).iter().map(|&v| v as usize).collect();
        prop_assert_eq!(vector, known, "the vector clock of event {}", a);
        for b in 0..n {
            let before = hb.before(a, b);
            let expected = if a == b {
                Relation::Same
            } else if before {
                Relation::Before
            } else if hb.before(b, a) {
                Relation::After
            } else {
                Relation::Concurrent
            };
            // a -> b exactly when VC(a) < VC(b).
            prop_assert_eq!(trace.relation(a, b), expected, "relation({}, {})", a, b);
            // The clock condition.
            if before {
                prop_assert!(
                    events[a].lamport < events[b].lamport,
                    "{} -> {} but L = {} and {}",
                    a,
                    b,
                    events[a].lamport,
                    events[b].lamport
                );
            }
            // The other queries are relation() in other words; a spread of pairs suffices
            // (comparing vector clocks is slow in a debug build).
            if (a + 3 * b) % 5 == 0 {
                prop_assert_eq!(trace.happens_before(a, b), before, "a={} b={}", a, b);
                prop_assert_eq!(
                    trace.concurrent(a, b),
                    expected == Relation::Concurrent,
                    "concurrent({}, {})",
                    a,
                    b
                );
            }
        }
        if (a / rows) % 4 == 0 || a + 1 == n {
            let past: Vec<usize> = (0..n).filter(|&x| hb.before(x, a)).collect();
            let future: Vec<usize> = (0..n).filter(|&x| hb.before(a, x)).collect();
            prop_assert_eq!(trace.causal_past(a), past, "causal past of {}", a);
            prop_assert_eq!(trace.causal_future(a), future, "causal future of {}", a);
        }
    }

    // Chains: a valid chain exactly when a -> b. Every pair on small traces, a spread of pairs
    // (and every message) on larger ones.
    let stride = (n * n / 150).max(1);
    for a in 0..n {
        for b in 0..n {
            if !(n <= 12 || (a * 31 + b * 17) % stride == 0) {
                continue;
            }
            check_chain(trace, &hb, a, b)?;
        }
    }
    for m in &trace.messages {
        if let Some(r) = m.receive_event {
            check_chain(trace, &hb, m.send_event, r)?;
        }
    }
    Ok(n)
}

fn check_chain(trace: &Trace, hb: &HappensBefore, a: usize, b: usize) -> Result<(), TestCaseError> {
    match trace.chain(a, b) {
        None => prop_assert!(!hb.before(a, b), "no chain for {} -> {}", a, b),
        Some(chain) => {
            prop_assert!(
                hb.before(a, b),
                "a chain for {} and {}, which are not ordered",
                a,
                b
            );
            prop_assert_eq!(chain.first(), Some(&a));
            prop_assert_eq!(chain.last(), Some(&b));
            for pair in chain.windows(2) {
                let (x, y) = (&trace.events[pair[0]], &trace.events[pair[1]]);
                let lane_step = x.process == y.process && y.index == x.index + 1;
                let message = trace
                    .messages
                    .iter()
                    .any(|m| m.send_event == x.id && m.receive_event == Some(y.id));
                prop_assert!(
                    lane_step || message,
                    "{} to {} is no link of a chain",
                    x.id,
                    y.id
                );
            }
        }
    }
    Ok(())
}

/// A hand-made diagram in which the chain must take the message, not go round.
#[test]
fn chain_is_short_and_follows_messages() {
    let scenario = spacetime_core::protocols::example("clocks-busy-four").unwrap();
    let trace = run(&scenario);
    check_trace(&trace).unwrap();
    // In clocks-busy-four, P1's first event "a" happens before P4's last event (via m1, m4).
    let a = trace.events.iter().find(|e| &*e.label == "a").unwrap().id;
    let last_p4 = trace.lane(3).last().unwrap().id;
    let chain = trace.chain(a, last_p4).expect("a -> the last event of P4");
    let hops = chain
        .windows(2)
        .filter(|w| trace.events[w[0]].process != trace.events[w[1]].process)
        .count();
    assert_eq!(
        hops, 2,
        "the shortest explanation crosses two messages: {chain:?}"
    );
    // P4's first event "b" hears of nobody, and nobody of it before P4 sends m3.
    let b = trace.events.iter().find(|e| &*e.label == "b").unwrap().id;
    assert!(trace.concurrent(a, b));
    assert_eq!(trace.chain(a, b), None);
    assert_eq!(trace.chain(b, a), None);
    assert_eq!(trace.chain(a, a), None);
    assert_eq!(trace.chain(a, 10_000), None);
}

#[test]
fn every_example_obeys_the_clock_rules() {
    for scenario in spacetime_core::protocols::examples() {
        check_trace(&run(&scenario)).unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
    }
}

// 1,500 gossip runs and 2,500 scripts: 4,000 random traces checked against brute force.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Gossip, push and flood, lossy, duplicating, reordering or FIFO, with random drops,
    /// duplicates, delays, crashes, recoveries, cuts and heals.
    #[test]
    fn gossip_clocks_match_happens_before(scenario in gossip_with_interventions(8, 3, 120, 4)) {
        check_trace(&run(&scenario))?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2500))]

    /// Random scripts: local events and sends, fixed or network latencies, self-sends.
    #[test]
    fn scripted_clocks_match_happens_before(scenario in scripted_scenario(6, 30)) {
        check_trace(&run(&scenario))?;
    }
}

/// Lamport timestamps by the course's rule (seed 004), computed here from the events alone: a
/// counter per process from 0; an event that is not a receipt adds 1; a receipt sets it to the
/// larger of its own and the one the message carries (its send's), plus 1.
fn course_lamport(trace: &Trace) -> Vec<u64> {
    let mut counter = vec![0u64; trace.processes.len()];
    let mut l = vec![0u64; trace.events.len()];
    for e in &trace.events {
        let p = e.process;
        counter[p] = match (e.kind, e.message) {
            (EventKind::Receive, Some(m)) => counter[p].max(l[trace.messages[m].send_event]) + 1,
            _ => counter[p] + 1,
        };
        l[e.id] = counter[p];
    }
    l
}

/// Every claim a clocks scenario's description makes, checked against its run: happens-before
/// and concurrency by the transitive closure of lane order and messages (not by the clocks),
/// Lamport values by the course's rule computed here.
#[test]
fn every_clocks_scenario_shows_what_it_claims() {
    use spacetime_core::lessons::clocks::scripted::{examples_with_claims, ClockClaim};
    let examples = examples_with_claims();
    assert_eq!(
        examples.len(),
        spacetime_core::lessons::find("clocks")
            .unwrap()
            .scenarios()
            .len(),
        "every clocks scenario declares its claims"
    );
    for (scenario, claims) in examples {
        let name = &scenario.name;
        assert!(!claims.is_empty(), "{name} claims nothing");
        let trace = run(&scenario);
        let hb = HappensBefore::of(&trace).unwrap();
        let lamport = course_lamport(&trace);
        for e in &trace.events {
            assert_eq!(
                e.lamport, lamport[e.id],
                "{name}: the engine's clock of {}",
                e.label
            );
        }
        let id = |n: spacetime_core::lessons::clocks::scripted::EventName| {
            n.find(&trace)
                .unwrap_or_else(|| panic!("{name}: no single event {n}"))
        };
        for claim in claims {
            let holds = match claim {
                ClockClaim::HappensBefore(a, b) => hb.before(id(a), id(b)),
                ClockClaim::Concurrent(a, b) => {
                    let (a, b) = (id(a), id(b));
                    a != b && !hb.before(a, b) && !hb.before(b, a)
                }
                ClockClaim::Lamport(e, v) => lamport[id(e)] == v,
                ClockClaim::LamportLess(a, b) => lamport[id(a)] < lamport[id(b)],
            };
            assert!(holds, "{name}: {claim:?} does not hold in the run");
        }
    }
}
