//! TCP: the handshake, cumulative ACKs, the lost-ACK problem, go-back-N against selective
//! repeat, fast retransmit, Karn's rule, backoff, RFC 6298's estimator worked by hand, and the
//! stream arriving exactly, over many random networks.

mod common;

use common::{json, run};
use proptest::prelude::*;
use std::sync::Arc;

use spacetime_core::lessons::delivery::tcp::{self, RttEstimator, TcpOutput, TcpParams};
use spacetime_core::protocols::{self};
use spacetime_core::{
    Action, EventKind, Fate, Fault, Intervention, Latency, Limits, NetworkModel, Output,
    ProcessRef, Run, Scenario, ScenarioError, Trace, Typed, Verdict,
};

const VARIANTS: [&str; 3] = ["stop-and-wait", "go-back-n", "selective-repeat"];

/// A TCP scenario between `client` and `server`.
fn scenario(variant: &str, params: TcpParams, network: NetworkModel, seed: u64) -> Scenario {
    Scenario {
        name: "tcp-test".into(),
        title: String::new(),
        description: String::new(),
        protocol: "tcp".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: vec!["client".into(), "server".into()],
        network,
        faults: Vec::new(),
        seed,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 50_000,
            max_time: None,
        },
    }
}

/// A reliable first-in first-out network with every latency `latency`.
fn steady(latency: u64) -> NetworkModel {
    NetworkModel {
        latency: Latency {
            min: latency,
            max: latency,
        },
        fifo: true,
        ..NetworkModel::default()
    }
}

/// The text of the server's `deliver` outputs, in order.
fn delivered(trace: &Trace) -> Vec<&str> {
    trace
        .outputs
        .iter()
        .filter(|o| o.process == tcp::SERVER && o.kind == "deliver")
        .map(|o| o.value.as_str())
        .collect()
}

/// The values of process `p`'s outputs of `kind`, in order.
fn outputs<'a>(trace: &'a Trace, p: usize, kind: &str) -> Vec<&'a str> {
    trace
        .outputs
        .iter()
        .filter(|o| o.process == p && o.kind == kind)
        .map(|o| o.value.as_str())
        .collect()
}

/// The labels of the messages `from` sent, in order.
fn sent_by(trace: &Trace, from: usize) -> Vec<&str> {
    trace
        .messages
        .iter()
        .filter(|m| m.from == from && m.duplicate_of.is_none())
        .map(|m| m.label.as_str())
        .collect()
}

/// The scenario with the first message labelled `label` dropped in flight: found by running it
/// once, then dropped just after the step that sent it.
fn drop_first(mut s: Scenario, label: &str) -> Scenario {
    let trace = run(&s);
    let m = trace
        .messages
        .iter()
        .find(|m| m.label == label)
        .unwrap_or_else(|| panic!("no message {label}"));
    s.interventions.push(Intervention {
        step: m.created_step + 1,
        action: Action::Drop { message: m.id },
    });
    s
}

/// Every step's narration, joined.
fn narration(trace: &Trace) -> Vec<String> {
    (0..trace.steps.len()).map(|i| trace.narration(i)).collect()
}

/// The steps (by index) in which the client sent a message labelled `label`.
fn steps_sending(trace: &Trace, label: &str) -> Vec<u64> {
    trace
        .messages
        .iter()
        .filter(|m| m.from == tcp::CLIENT && m.label == label && m.duplicate_of.is_none())
        .map(|m| m.created_step)
        .collect()
}

#[test]
fn rtt_estimator_matches_rfc_6298_worked_by_hand() {
    let mut est = RttEstimator::new(60, 20, 240);
    // Nothing measured: RTO is the initial value, and there is no SRTT or RTTVAR yet.
    assert_eq!((est.srtt(), est.rttvar(), est.rto()), (None, None, 60));

    // First sample R = 40: SRTT = R = 40, RTTVAR = R/2 = 20,
    // RTO = SRTT + max(G, K*RTTVAR) = 40 + max(1, 4*20) = 120.
    est.sample(40);
    assert_eq!(est.srtt(), Some(40.0));
    assert_eq!(est.rttvar(), Some(20.0));
    assert_eq!(est.rto(), 120);

    // R' = 60. RTTVAR first, with the old SRTT: 3/4*20 + 1/4*|40 - 60| = 15 + 5 = 20.
    // SRTT = 7/8*40 + 1/8*60 = 35 + 7.5 = 42.5. RTO = 42.5 + 4*20 = 122.5, rounded up: 123.
    est.sample(60);
    assert_eq!(est.srtt(), Some(42.5));
    assert_eq!(est.rttvar(), Some(20.0));
    assert_eq!(est.rto(), 123);

    // R' = 50. RTTVAR = 3/4*20 + 1/4*|42.5 - 50| = 15 + 1.875 = 16.875.
    // SRTT = 7/8*42.5 + 1/8*50 = 37.1875 + 6.25 = 43.4375.
    // RTO = 43.4375 + 4*16.875 = 43.4375 + 67.5 = 110.9375, rounded up: 111.
    est.sample(50);
    assert_eq!(est.srtt(), Some(43.4375));
    assert_eq!(est.rttvar(), Some(16.875));
    assert_eq!(est.rto(), 111);

    // Backoff doubles: 111 -> 222 -> 444, which the cap of 240 stops at 240.
    est.back_off();
    assert_eq!(est.rto(), 222);
    est.back_off();
    assert_eq!(est.rto(), 240);
    est.back_off();
    assert_eq!(est.rto(), 240);
    // A backoff does not touch SRTT or RTTVAR ...
    assert_eq!(est.srtt(), Some(43.4375));
    // ... and the next sample replaces it. R' = 43.4375 (whole ticks only, so take 43):
    // RTTVAR = 3/4*16.875 + 1/4*|43.4375 - 43| = 12.65625 + 0.109375 = 12.765625;
    // SRTT = 7/8*43.4375 + 1/8*43 = 38.0078125 + 5.375 = 43.3828125;
    // RTO = 43.3828125 + 51.0625 = 94.4453125, rounded up: 95.
    est.sample(43);
    assert_eq!(est.rttvar(), Some(12.765625));
    assert_eq!(est.srtt(), Some(43.3828125));
    assert_eq!(est.rto(), 95);
}

#[test]
fn rtt_estimator_keeps_its_bounds_and_granularity() {
    // A tiny RTT: SRTT = 4, RTTVAR = 2, RTO = 4 + 8 = 12, raised to min_rto = 20.
    let mut est = RttEstimator::new(60, 20, 240);
    est.sample(4);
    assert_eq!(est.rto(), 20);

    // A huge one: SRTT = 1000, RTTVAR = 500, RTO = 3000, capped at max_rto = 240.
    let mut est = RttEstimator::new(60, 20, 240);
    est.sample(1000);
    assert_eq!(est.rto(), 240);

    // A steady RTT of 10 with no minimum to speak of: RTTVAR shrinks by 3/4 each sample
    // (|SRTT - R| stays 0), 5 * (3/4)^19 < 0.03, so K*RTTVAR < G = 1 and RTO = SRTT + G = 11.
    let mut est = RttEstimator::new(60, 1, 240);
    for _ in 0..20 {
        est.sample(10);
    }
    assert_eq!(est.srtt(), Some(10.0));
    assert!(est.rttvar().unwrap() < 0.25);
    assert_eq!(est.rto(), 11);

    // The initial RTO is kept within the bounds too.
    assert_eq!(RttEstimator::new(5, 20, 240).rto(), 20);
    assert_eq!(RttEstimator::new(500, 20, 240).rto(), 240);
}

#[test]
fn the_handshake_trades_initial_sequence_numbers() {
    let trace = run(&scenario(
        "selective-repeat",
        TcpParams::default(),
        steady(10),
        1,
    ));
    let client = sent_by(&trace, tcp::CLIENT);
    let server = sent_by(&trace, tcp::SERVER);
    assert_eq!(client[0], "SYN seq=100");
    assert_eq!(server[0], "SYN-ACK seq=300 ack=101");
    assert_eq!(client[1], "ACK 301");
    assert_eq!(client[2], "DATA 101..200");

    let params = TcpParams {
        client_isn: 7000,
        server_isn: 42,
        bytes: 250,
        ..TcpParams::default()
    };
    let trace = run(&scenario("go-back-n", params, steady(10), 1));
    let client = sent_by(&trace, tcp::CLIENT);
    let server = sent_by(&trace, tcp::SERVER);
    assert_eq!(
        client,
        [
            "SYN seq=7000",
            "ACK 43",
            "DATA 7001..7100",
            "DATA 7101..7200",
            "DATA 7201..7250",
            "FIN seq=7251",
            "ACK 44",
        ]
    );
    assert_eq!(
        server,
        [
            "SYN-ACK seq=42 ack=7001",
            "ACK 7101",
            "ACK 7201",
            "ACK 7251",
            "ACK 7252",
            "FIN seq=43",
        ]
    );
    assert_eq!(
        outputs(&trace, tcp::CLIENT, "state").last(),
        Some(&"CLOSED")
    );
    assert_eq!(
        outputs(&trace, tcp::SERVER, "state").last(),
        Some(&"CLOSED")
    );
}

#[test]
fn acks_are_cumulative() {
    // Stop-and-wait on a steady network: one ACK per segment, each naming the next byte wanted.
    let params = TcpParams {
        bytes: 300,
        ..TcpParams::default()
    };
    let trace = run(&scenario("stop-and-wait", params, steady(10), 1));
    assert_eq!(
        sent_by(&trace, tcp::SERVER),
        [
            "SYN-ACK seq=300 ack=101",
            "ACK 201",
            "ACK 301",
            "ACK 401",
            "ACK 402",
            "FIN seq=301"
        ]
    );
    assert_eq!(delivered(&trace).concat(), tcp::stream_text(0, 300));

    // Selective repeat with the second segment lost: ACK 201 for the first segment, then ACK
    // 201 again for each of the three after the gap (the window slid to 201..600), and once the
    // gap is filled one ACK covers everything buffered.
    let params = TcpParams {
        bytes: 500,
        congestion: false,
        ..TcpParams::default()
    };
    let s = drop_first(
        scenario("selective-repeat", params, steady(10), 1),
        "DATA 201..300",
    );
    let trace = run(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let acks: Vec<&str> = sent_by(&trace, tcp::SERVER)
        .into_iter()
        .filter(|l| l.starts_with("ACK"))
        .collect();
    assert_eq!(
        acks,
        ["ACK 201", "ACK 201", "ACK 201", "ACK 201", "ACK 601", "ACK 602"]
    );
    assert_eq!(delivered(&trace).concat(), tcp::stream_text(0, 500));
}

#[test]
fn a_lost_ack_makes_a_duplicate_that_is_discarded_and_acknowledged_again() {
    let s = protocols::example("tcp-lost-ack").unwrap();
    let trace = run(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let Action::Drop { message } = s.interventions[0].action else {
        panic!("the example drops a message");
    };
    let dropped = &trace.messages[message];
    assert_eq!(dropped.label, "ACK 301");
    assert_eq!(dropped.fate, Fate::DroppedByLearner);

    // The client's timer runs out and it sends bytes 201..300 again; the server already has
    // them.
    let copy = trace
        .messages
        .iter()
        .find(|m| m.label == "DATA 201..300 (again)")
        .expect("a retransmission");
    assert_eq!(copy.fate, Fate::Delivered);
    let receipt = copy.receive_event.unwrap();
    let step = trace.events[receipt].step as usize;
    let said = trace.narration(step);
    assert!(said.contains("already has bytes 201..300"), "{said}");
    assert!(said.contains("discards it"), "{said}");
    // ... and acknowledges again, in the same step.
    let reack = trace
        .messages
        .iter()
        .find(|m| m.from == tcp::SERVER && m.created_step == step as u64)
        .expect("an ACK");
    assert_eq!(reack.label, "ACK 301");
    // No output at the receipt of the copy: nothing is delivered twice.
    assert!(!trace.outputs.iter().any(|o| o.event == receipt));
    assert_eq!(
        delivered(&trace),
        [
            tcp::stream_text(0, 100),
            tcp::stream_text(100, 100),
            tcp::stream_text(200, 100)
        ]
    );
}

#[test]
fn go_back_n_resends_everything_outstanding_and_selective_repeat_one() {
    let params = TcpParams {
        bytes: 800,
        window: 4,
        congestion: false,
        ..TcpParams::default()
    };
    let resent = |variant: &str| {
        let s = drop_first(
            scenario(variant, params.clone(), steady(10), 3),
            "DATA 101..200",
        );
        let trace = run(&s);
        assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
        assert_eq!(delivered(&trace).concat(), tcp::stream_text(0, 800));
        let step = steps_sending(&trace, "DATA 101..200 (again)")[0];
        // The step is the timeout: no receipt in it.
        assert!(trace
            .events
            .iter()
            .filter(|e| e.step == step)
            .all(|e| e.kind != EventKind::Receive));
        trace
            .messages
            .iter()
            .filter(|m| m.created_step == step && m.duplicate_of.is_none())
            .map(|m| m.label.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        resent("go-back-n"),
        [
            "DATA 101..200 (again)",
            "DATA 201..300 (again)",
            "DATA 301..400 (again)",
            "DATA 401..500 (again)",
        ]
    );
    assert_eq!(resent("selective-repeat"), ["DATA 101..200 (again)"]);
}

#[test]
fn three_duplicate_acks_trigger_a_fast_retransmit() {
    let s = protocols::example("tcp-congestion").unwrap();
    let trace = run(&s);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let Action::Drop { message } = s.interventions[0].action else {
        panic!("the example drops a message");
    };
    let lost = trace.messages[message].label.clone();
    assert!(lost.starts_with("DATA "), "{lost}");
    let seq: u64 = lost["DATA ".len()..]
        .split("..")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let again = format!("{lost} (again)");
    let step = steps_sending(&trace, &again)[0];
    // It is sent in a step in which the client receives an ACK: not on a timeout.
    let receipt = trace
        .events
        .iter()
        .find(|e| e.step == step && e.kind == EventKind::Receive)
        .expect("a receipt");
    assert_eq!(receipt.process, tcp::CLIENT);
    assert_eq!(&*receipt.label, format!("ACK {seq}"));
    // That ACK was the fourth of its number: one new, then the third duplicate.
    let acks_so_far = trace
        .lane(tcp::CLIENT)
        .filter(|e| e.kind == EventKind::Receive && e.step <= step)
        .filter(|e| *e.label == *format!("ACK {seq}"))
        .count();
    assert_eq!(acks_so_far, 4);
    let said = trace.narration(step as usize);
    assert!(said.contains("Fast retransmit"), "{said}");
    // The congestion window drops to ssthresh, half of what was in flight.
    let cwnd_then: Vec<&str> = trace
        .outputs
        .iter()
        .filter(|o| o.kind == "cwnd" && trace.events[o.event].step == step)
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(cwnd_then.len(), 1);
    assert!(
        said.contains(&format!("cwnd = {}", cwnd_then[0].trim_end_matches(".00"))),
        "{said}"
    );
    assert_eq!(delivered(&trace).concat(), tcp::stream_text(0, 4000));

    // Without congestion control there is no fast retransmit: the timer resends the segment.
    let mut plain = s.clone();
    plain.params["congestion"] = serde_json::Value::Bool(false);
    plain.interventions.clear();
    let plain = drop_first(plain, &lost);
    let trace = run(&plain);
    let step = steps_sending(&trace, &again)[0];
    assert!(trace
        .events
        .iter()
        .filter(|e| e.step == step)
        .all(|e| e.kind != EventKind::Receive));
    assert!(!narration(&trace)
        .iter()
        .any(|s| s.contains("Fast retransmit")));
}

/// Karn's rule and the samples' values: every client `rtt` output is taken at the receipt of
/// an ACK for something sent exactly once, and measures the time since that send.
fn check_rtt_samples(trace: &Trace, params: &TcpParams) -> Result<(), String> {
    let fin = params.client_isn + 1 + params.bytes;
    for o in trace
        .outputs
        .iter()
        .filter(|o| o.process == tcp::CLIENT && o.kind == "rtt")
    {
        let e = &trace.events[o.event];
        if e.kind != EventKind::Receive {
            return Err(format!("rtt output on a {:?} event", e.kind));
        }
        let sends = |prefix: &str, suffix: &str| -> Vec<u64> {
            trace
                .messages
                .iter()
                .filter(|m| m.from == tcp::CLIENT && m.duplicate_of.is_none())
                .filter(|m| m.created_step <= e.step)
                .filter(|m| m.label.starts_with(prefix) && m.label.ends_with(suffix))
                .map(|m| m.sent_at)
                .collect()
        };
        let times = if e.label.starts_with("SYN-ACK") {
            sends("SYN seq=", "")
        } else {
            let n: u64 = e
                .label
                .trim_end_matches(" (again)")
                .strip_prefix("ACK ")
                .and_then(|n| n.parse().ok())
                .ok_or(format!("rtt at the receipt of {}", e.label))?;
            if n == fin + 1 {
                sends("FIN seq=", "")
            } else {
                sends("DATA ", &format!("..{}", n - 1))
                    .into_iter()
                    .chain(sends("DATA ", &format!("..{} (again)", n - 1)))
                    .collect()
            }
        };
        if times.len() != 1 {
            return Err(format!(
                "an RTT sample at the receipt of {} (event {}), whose segment was sent {} times",
                e.label,
                e.id,
                times.len()
            ));
        }
        let r: u64 = o.value.parse().unwrap();
        if r != e.time - times[0] {
            return Err(format!(
                "sample {r} at {} for a send at {}",
                e.time, times[0]
            ));
        }
    }
    Ok(())
}

#[test]
fn karns_rule_takes_no_sample_from_a_retransmitted_segment() {
    let s = protocols::example("tcp-lost-ack").unwrap();
    let params: TcpParams = serde_json::from_value(s.params.clone()).unwrap();
    let trace = run(&s);
    check_rtt_samples(&trace, &params).unwrap();
    // Samples from: the SYN, bytes 101..200, 301..400 and the FIN; none from 201..300, which
    // was sent twice.
    assert_eq!(outputs(&trace, tcp::CLIENT, "rtt").len(), 4);
    let copy_acked = trace
        .lane(tcp::CLIENT)
        .filter(|e| e.kind == EventKind::Receive && &*e.label == "ACK 301")
        .last()
        .unwrap();
    assert!(!trace
        .outputs
        .iter()
        .any(|o| o.event == copy_acked.id && o.kind == "rtt"));
    assert!(trace
        .narration(copy_acked.step as usize)
        .contains("Karn's rule"));
}

#[test]
fn timeouts_back_off_exponentially_up_to_the_cap() {
    // The link is cut from the start and heals at 1000: the SYN is lost again and again.
    let mut s = scenario(
        "go-back-n",
        TcpParams {
            bytes: 100,
            ..TcpParams::default()
        },
        steady(10),
        1,
    );
    let link = [ProcessRef::Index(0), ProcessRef::Index(1)];
    s.faults = vec![
        Fault {
            at: 0,
            action: Action::Cut {
                between: link.clone(),
            },
        },
        Fault {
            at: 1000,
            action: Action::Heal { between: link },
        },
    ];
    let trace = run(&s);
    let syns: Vec<u64> = trace
        .messages
        .iter()
        .filter(|m| m.label.starts_with("SYN seq="))
        .map(|m| m.sent_at)
        .collect();
    // RTO 60, then 120, 240, and 240 from then on (the cap).
    assert_eq!(syns, [0, 60, 180, 420, 660, 900, 1140]);
    let rto = outputs(&trace, tcp::CLIENT, "rto");
    assert_eq!(rto[..4], ["60", "120", "240", "240"]);
    // The run completes once the link heals.
    let run = Run::complete(&s).unwrap();
    assert!(run.check(run.trace()).iter().all(|r| r.verdict.holds()));
}

#[test]
fn every_tcp_example_completes_and_keeps_its_promises() {
    let examples: Vec<Scenario> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "tcp")
        .collect();
    let names: Vec<&str> = examples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "tcp-handshake",
            "tcp-lost-segment",
            "tcp-lost-ack",
            "tcp-stop-and-wait",
            "tcp-go-back-n",
            "tcp-selective-repeat",
            "tcp-congestion",
        ]
    );
    for s in &examples {
        assert!(!s.title.is_empty() && !s.description.is_empty());
        let run = Run::complete(s).unwrap();
        let trace = run.trace();
        assert!(
            trace.warnings.is_empty(),
            "{}: {:?}",
            s.name,
            trace.warnings
        );
        assert!(
            (trace.steps.len() as u64) < s.limits.max_steps,
            "{} hit its limit",
            s.name
        );
        for r in run.check(trace) {
            assert!(r.promised);
            assert_eq!(r.verdict, Verdict::Holds, "{}: {}", s.name, r.name);
        }
        let params: TcpParams = serde_json::from_value(s.params.clone()).unwrap();
        assert_eq!(delivered(trace).concat(), tcp::stream_text(0, params.bytes));
        check_rtt_samples(trace, &params).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        let summaries = run.summaries();
        assert!(summaries[0].starts_with("CLOSED"), "{summaries:?}");
        assert!(summaries[1].starts_with("CLOSED"), "{summaries:?}");
        // Each intervention drops what the description talks about.
        for iv in &s.interventions {
            let Action::Drop { message } = iv.action else {
                panic!("{}: only drops", s.name)
            };
            let label = &trace.messages[message].label;
            let wanted = if s.name == "tcp-lost-ack" {
                "ACK "
            } else {
                "DATA "
            };
            assert!(label.starts_with(wanted), "{}: drops {label}", s.name);
        }
    }
    // The comparison pair: go-back-N resends more than selective repeat on the same network.
    let again = |name: &str| {
        run(&protocols::example(name).unwrap())
            .messages
            .iter()
            .filter(|m| m.label.starts_with("DATA") && m.label.ends_with("(again)"))
            .count()
    };
    assert!(again("tcp-go-back-n") > again("tcp-selective-repeat"));
}

#[test]
fn variants_and_their_order() {
    let info = protocols::find("tcp").unwrap();
    let names: Vec<&str> = info.variants.iter().map(|v| v.name).collect();
    assert_eq!(names, VARIANTS);
    // No variant named: the first, stop-and-wait, with one segment in flight at a time.
    let mut s = scenario("", TcpParams::default(), steady(10), 1);
    s.variant.clear();
    let run = Run::complete(&s).unwrap();
    assert_eq!(run.variant().name, "stop-and-wait");
    let trace = run.trace();
    let data_sends: Vec<u64> = trace
        .messages
        .iter()
        .filter(|m| m.label.starts_with("DATA"))
        .map(|m| m.created_step)
        .collect();
    let mut steps = data_sends.clone();
    steps.dedup();
    assert_eq!(steps, data_sends, "two segments sent in one step");
}

#[test]
fn summaries_describe_the_connection() {
    let s = scenario("selective-repeat", TcpParams::default(), steady(10), 1);
    let mut run = Run::new(&s).unwrap();
    run.run_to_step(4);
    let summaries = run.summaries();
    assert!(
        summaries[0].starts_with(
            "ESTABLISHED · next to send 201 · unacked 101 · cwnd 1.0 · ssthresh 8 · RTO"
        ),
        "{summaries:?}"
    );
    assert!(
        summaries[1].starts_with("ESTABLISHED · expects 101 · delivered 0 bytes"),
        "{summaries:?}"
    );
}

#[test]
fn absurd_parameters_are_refused_by_name() {
    let check = |params: serde_json::Value, field: &str| {
        let mut s = scenario("go-back-n", TcpParams::default(), steady(10), 1);
        let mut p = serde_json::to_value(TcpParams::default()).unwrap();
        for (k, v) in params.as_object().unwrap() {
            p[k] = v.clone();
        }
        s.params = p;
        match Run::new(&s) {
            Err(ScenarioError::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{message}");
                assert!(!message.is_empty());
            }
            Err(other) => panic!("{field}: {other}"),
            Ok(_) => panic!("{field}: accepted {params}"),
        }
    };
    use serde_json::json;
    check(json!({"bytes": 0}), "params.bytes");
    check(json!({"bytes": 1_000_001}), "params.bytes");
    check(json!({"mss": 0}), "params.mss");
    check(json!({"window": 0}), "params.window");
    check(json!({"window": 1001}), "params.window");
    check(json!({"client_isn": 5_000_000_000u64}), "params.client_isn");
    check(json!({"server_isn": 5_000_000_000u64}), "params.server_isn");
    check(json!({"min_rto": 0}), "params.min_rto");
    check(json!({"max_rto": 2_000_000}), "params.max_rto");
    check(
        json!({"min_rto": 300, "max_rto": 200, "initial_rto": 250}),
        "params.min_rto",
    );
    check(json!({"initial_rto": 10}), "params.initial_rto");
    check(json!({"initial_rto": 1000}), "params.initial_rto");
    check(json!({"ssthresh": 0}), "params.ssthresh");
    check(json!({"time_wait": 2_000_000}), "params.time_wait");
    check(json!({"colour": 1}), "params");

    let mut s = scenario("go-back-n", TcpParams::default(), steady(10), 1);
    s.processes.push("proxy".into());
    match Run::new(&s) {
        Err(ScenarioError::Invalid { field, message }) => {
            assert_eq!(field, "processes");
            assert!(message.contains("exactly two"), "{message}");
        }
        _ => panic!("three processes accepted"),
    }
}

#[test]
fn properties_catch_tampered_traces() {
    let s = protocols::example("tcp-handshake").unwrap();
    let run = Run::complete(&s).unwrap();
    let clean = run.trace().clone();
    let delivers: Vec<usize> = clean
        .outputs
        .iter()
        .enumerate()
        .filter(|(_, o)| o.kind == "deliver")
        .map(|(i, _)| i)
        .collect();
    let verdict = |trace: &Trace, name: &str| {
        run.check(trace)
            .into_iter()
            .find(|r| r.name == name)
            .unwrap()
            .verdict
    };

    // What the application got is the typed fact: tamper with that (and the text alike).
    let tamper = |o: &mut Output, edit: &dyn Fn(&mut String)| {
        let Some(TcpOutput::Deliver { seq, text }) = o.fact::<TcpOutput>().cloned() else {
            panic!("a delivery without its fact");
        };
        let mut text = text;
        edit(&mut text);
        o.value = text.clone();
        o.fact = Typed::new(Arc::new(TcpOutput::Deliver { seq, text }));
    };

    // The second chunk garbled: 'klm' where the stream has 'wxy' (bytes 201 on).
    let mut t = clean.clone();
    tamper(&mut t.outputs[delivers[1]], &|text| {
        text.replace_range(0..3, "klm")
    });
    match verdict(&t, "exact-stream") {
        Verdict::Violated {
            events,
            explanation,
        } => {
            assert_eq!(events, [clean.outputs[delivers[1]].event]);
            assert!(
                explanation.contains("got 'klm") && explanation.contains("at byte 201"),
                "{explanation}"
            );
            assert!(explanation.contains("the stream has 'wxy"), "{explanation}");
        }
        Verdict::Holds => panic!("garbled text passed"),
    }

    // Text that is not even in the stream's alphabet is caught too (and does not trip the
    // check up).
    let mut t = clean.clone();
    tamper(&mut t.outputs[delivers[0]], &|text| {
        *text = "héllo wörld, this is not the stream".into()
    });
    match verdict(&t, "exact-stream") {
        Verdict::Violated { explanation, .. } => {
            assert!(
                explanation.contains("got 'héllo wörl…' at byte 101"),
                "{explanation}"
            )
        }
        Verdict::Holds => panic!("garbled text passed"),
    }

    // A chunk delivered twice.
    let mut t = clean.clone();
    let twice = t.outputs[delivers[0]].clone();
    t.outputs.insert(delivers[0] + 1, twice);
    assert!(!verdict(&t, "exact-stream").holds());

    // A chunk missing: the next one is out of place.
    let mut t = clean.clone();
    t.outputs.remove(delivers[0]);
    assert!(!verdict(&t, "exact-stream").holds());
    assert!(!verdict(&t, "complete").holds());

    // A prefix of the stream is fine for safety, not (yet) for liveness.
    let mut t = clean.clone();
    t.outputs.truncate(delivers[1]);
    assert!(verdict(&t, "exact-stream").holds());
    assert!(!verdict(&t, "complete").holds());

    // A run stopped by its step limit says so.
    let mut short = s.clone();
    short.limits.max_steps = 8;
    let run = Run::complete(&short).unwrap();
    match run
        .check(run.trace())
        .into_iter()
        .find(|r| r.name == "complete")
        .unwrap()
        .verdict
    {
        Verdict::Violated { explanation, .. } => {
            assert!(explanation.contains("limit of 8 steps"), "{explanation}")
        }
        Verdict::Holds => panic!("an unfinished run completed"),
    }
}

#[test]
fn runs_are_deterministic() {
    for s in protocols::examples().iter().filter(|s| s.protocol == "tcp") {
        assert_eq!(json(&run(s)), json(&run(s)), "{}", s.name);
    }
    let mut s = scenario(
        "selective-repeat",
        TcpParams::default(),
        NetworkModel {
            latency: Latency { min: 5, max: 40 },
            loss: 0.3,
            duplicate: 0.2,
            ..NetworkModel::default()
        },
        77,
    );
    let first = json(&run(&s));
    assert_eq!(first, json(&run(&s)));
    s.seed = 78;
    assert_ne!(first, json(&run(&s)), "the seed is ignored");
}

/// Server ACKs name the next byte the server expects: the ISN + 1 + what it has delivered (+1
/// once the FIN is in), never going back.
fn check_acks(trace: &Trace, params: &TcpParams) -> Result<(), String> {
    let base = params.client_isn + 1;
    let mut got = 0u64;
    let mut last = 0u64;
    for e in trace.lane(tcp::SERVER) {
        got += trace
            .outputs
            .iter()
            .filter(|o| o.event == e.id && o.kind == "deliver")
            .map(|o| o.value.len() as u64)
            .sum::<u64>();
        if e.kind != EventKind::Send {
            continue;
        }
        let Some(n) = e
            .label
            .strip_prefix("ACK ")
            .map(|n| n.trim_end_matches(" (again)"))
        else {
            continue;
        };
        let n: u64 = n.parse().map_err(|_| format!("label {}", e.label))?;
        let fin_acked = got == params.bytes && n == base + got + 1;
        if n != base + got && !fin_acked {
            return Err(format!("{} after {got} bytes delivered", e.label));
        }
        if n < last {
            return Err(format!("{} after ACK {last}", e.label));
        }
        last = n;
    }
    Ok(())
}

/// A random run: variant, stream, window, network, perhaps a crash and a recovery.
fn random_run(variant: &'static str) -> impl Strategy<Value = (Scenario, TcpParams)> {
    (
        (
            1..=1000u64,
            prop_oneof![1 => 1..=10u64, 4 => 10..=200u64],
            1..=16u64,
            any::<bool>(),
            1..=16u64,
        ),
        (
            0.0..=0.5f64,
            prop_oneof![Just(0.0), 0.0..=0.3f64],
            any::<bool>(),
        ),
        (1..30u64, 0..40u64),
        prop_oneof![3 => Just(None), 1 => (0..2usize, 0..300u64, 1..200u64).prop_map(Some)],
        any::<u64>(),
    )
        .prop_map(
            move |(
                (bytes, mss, window, congestion, ssthresh),
                (loss, duplicate, fifo),
                (lo, span),
                crash,
                seed,
            )| {
                let params = TcpParams {
                    bytes,
                    mss,
                    window,
                    congestion,
                    ssthresh,
                    ..TcpParams::default()
                };
                let network = NetworkModel {
                    latency: Latency {
                        min: lo,
                        max: lo + span,
                    },
                    loss,
                    duplicate,
                    fifo,
                    links: Vec::new(),
                    timing: Default::default(),
                };
                let mut s = scenario(variant, params.clone(), network, seed);
                if let Some((p, at, down)) = crash {
                    s.faults = vec![
                        Fault {
                            at,
                            action: Action::Crash {
                                process: ProcessRef::Index(p),
                            },
                        },
                        Fault {
                            at: at + down,
                            action: Action::Recover {
                                process: ProcessRef::Index(p),
                            },
                        },
                    ];
                }
                (s, params)
            },
        )
}

fn check_random_run(s: &Scenario, params: &TcpParams) -> Result<(), TestCaseError> {
    let run = Run::complete(s).unwrap();
    let trace = run.trace();
    prop_assert!(
        (trace.steps.len() as u64) < s.limits.max_steps,
        "the run hit its limit"
    );
    prop_assert_eq!(delivered(trace).concat(), tcp::stream_text(0, params.bytes));
    for r in run.check(trace) {
        prop_assert!(r.verdict.holds(), "{} broken: {:?}", r.name, r.verdict);
    }
    let summaries = run.summaries();
    prop_assert!(
        summaries.iter().all(|s| s.starts_with("CLOSED")),
        "{:?}",
        summaries
    );
    check_acks(trace, params).map_err(TestCaseError::fail)?;
    check_rtt_samples(trace, params).map_err(TestCaseError::fail)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn stop_and_wait_delivers_the_stream_exactly((s, params) in random_run("stop-and-wait")) {
        check_random_run(&s, &params)?;
    }

    #[test]
    fn go_back_n_delivers_the_stream_exactly((s, params) in random_run("go-back-n")) {
        check_random_run(&s, &params)?;
    }

    #[test]
    fn selective_repeat_delivers_the_stream_exactly((s, params) in random_run("selective-repeat")) {
        check_random_run(&s, &params)?;
    }
}
