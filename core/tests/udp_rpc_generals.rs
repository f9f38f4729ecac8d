//! UDP, RPC over UDP and the Two Generals: what each promises, what it does not, and the
//! examples that show it.

use proptest::prelude::*;
use spacetime_core::lessons::delivery::generals::{self, GeneralsParams};
use spacetime_core::lessons::delivery::rpc::{self, RpcParams};
use spacetime_core::lessons::delivery::udp::{self, UdpParams};
use spacetime_core::{
    Action, EventKind, Fate, Intervention, Latency, Limits, NetworkModel, PropertyReport, Run,
    Scenario, Trace, Verdict,
};

fn scenario(
    protocol: &str,
    variant: &str,
    params: serde_json::Value,
    names: [&str; 2],
) -> Scenario {
    Scenario {
        name: format!("{protocol}-test"),
        title: String::new(),
        description: String::new(),
        protocol: protocol.into(),
        variant: variant.into(),
        params,
        processes: names.iter().map(|n| n.to_string()).collect(),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 0,
        interventions: Vec::new(),
        limits: Limits::default(),
    }
}

fn udp_scenario(params: UdpParams, network: NetworkModel, seed: u64) -> Scenario {
    let mut s = scenario(
        "udp",
        "",
        serde_json::to_value(params).unwrap(),
        ["sender", "receiver"],
    );
    s.network = network;
    s.seed = seed;
    s
}

fn rpc_scenario(variant: &str, params: RpcParams, network: NetworkModel, seed: u64) -> Scenario {
    let mut s = scenario(
        "rpc",
        variant,
        serde_json::to_value(params).unwrap(),
        ["client", "server"],
    );
    s.network = network;
    s.seed = seed;
    s.limits.max_steps = 100_000;
    s
}

fn generals_scenario(rounds: u32, resend: bool) -> Scenario {
    scenario(
        "generals",
        "",
        serde_json::to_value(GeneralsParams {
            rounds,
            resend,
            ..GeneralsParams::default()
        })
        .unwrap(),
        ["A", "B"],
    )
}

fn complete(s: &Scenario) -> (Trace, Vec<PropertyReport>) {
    let run = Run::complete(s).unwrap_or_else(|e| panic!("{} does not run: {e}", s.name));
    let trace = run.trace().clone();
    let reports = run.check(&trace);
    (trace, reports)
}

fn verdict<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

fn explanation(report: &PropertyReport) -> Option<&str> {
    match &report.verdict {
        Verdict::Holds => None,
        Verdict::Violated { explanation, .. } => Some(explanation),
    }
}

/// The values of the outputs of `kind` at process `p`, in order.
fn outputs(trace: &Trace, p: usize, kind: &str) -> Vec<String> {
    trace
        .outputs
        .iter()
        .filter(|o| o.process == p && o.kind == kind)
        .map(|o| o.value.clone())
        .collect()
}

fn network(latency: (u64, u64), loss: f64, duplicate: f64, fifo: bool) -> NetworkModel {
    NetworkModel {
        latency: Latency {
            min: latency.0,
            max: latency.1,
        },
        loss,
        duplicate,
        fifo,
        links: Vec::new(),
        timing: Default::default(),
    }
}

fn drop_at(step: u64, message: usize) -> Intervention {
    Intervention {
        step,
        action: Action::Drop { message },
    }
}

// ---------------------------------------------------------------------------------------------
// UDP

/// The numbers of the datagrams the receiver got, in the order it got them, from its receipts.
fn received_numbers(trace: &Trace) -> Vec<(u32, String)> {
    trace
        .lane(1)
        .filter(|e| e.kind == EventKind::Receive)
        .map(|e| {
            let m = &trace.messages[e.message.unwrap()];
            let d = m.content::<udp::Datagram>().unwrap();
            (d.number, d.data.clone())
        })
        .collect()
}

/// What exact-stream should say, worked out from the positions of the numbers read.
fn expected_break(read: &[u32], sent: u32) -> Option<String> {
    let Some(i) = (0..read.len()).find(|&i| read[i] != i as u32 + 1) else {
        return (read.len() < sent as usize)
            .then(|| format!("datagram #{} was never delivered", read.len() + 1));
    };
    // Up to i the application read 1..=i; at i it read something else.
    let (got, wanted) = (read[i], i as u32 + 1);
    Some(if got < wanted {
        format!("#{got} was delivered twice")
    } else if read[i + 1..].contains(&wanted) {
        format!("#{got} arrived before #{wanted}")
    } else {
        format!("datagram #{wanted} was never delivered")
    })
}

#[test]
fn udp_keeps_the_stream_on_a_reliable_fifo_network() {
    for datagrams in [1, 8, 30] {
        for seed in 0..20 {
            let params = UdpParams {
                datagrams,
                interval: 5,
            };
            let s = udp_scenario(params, network((1, 40), 0.0, 0.0, true), seed);
            let (trace, reports) = complete(&s);
            assert!(
                verdict(&reports, "exact-stream").verdict.holds(),
                "seed {seed}"
            );
            assert!(verdict(&reports, "no-corruption").verdict.holds());
            let read: String = outputs(&trace, 1, "deliver").concat();
            let sent: String = (1..=datagrams as u32).map(udp::payload).collect();
            assert_eq!(read, sent);
        }
    }
}

#[test]
fn udp_promises_no_corruption_only() {
    let s = udp_scenario(UdpParams::default(), NetworkModel::default(), 0);
    let (_, reports) = complete(&s);
    assert!(!verdict(&reports, "exact-stream").promised);
    assert!(verdict(&reports, "no-corruption").promised);
}

#[test]
fn udp_loss_duplication_and_reordering_each_break_the_stream() {
    let mut seen = [false; 3];
    let mut violated = 0;
    for seed in 0..60 {
        let s = udp_scenario(
            UdpParams::default(),
            network((10, 30), 0.3, 0.1, false),
            seed,
        );
        let (_, reports) = complete(&s);
        if let Some(why) = explanation(verdict(&reports, "exact-stream")) {
            violated += 1;
            seen[0] |= why.contains("never delivered");
            seen[1] |= why.contains("twice");
            seen[2] |= why.contains("arrived before");
        }
    }
    assert!(
        violated > 30,
        "only {violated} of 60 lossy runs broke the stream"
    );
    assert_eq!(
        seen, [true; 3],
        "loss, duplication and reordering each show"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The application reads every datagram the receiver gets, as it gets it; exact-stream names
    /// the first datagram that went wrong; nothing is ever corrupted.
    #[test]
    fn udp_delivers_what_arrives_and_names_the_first_break(
        seed in any::<u64>(),
        datagrams in 1..12usize,
        interval in 0..30u64,
        loss in prop_oneof![Just(0.0), 0.0..0.6f64],
        duplicate in prop_oneof![Just(0.0), 0.0..0.4f64],
        latency in (1..20u64, 0..40u64),
        fifo in any::<bool>(),
    ) {
        let params = UdpParams { datagrams, interval };
        let net = network((latency.0, latency.0 + latency.1), loss, duplicate, fifo);
        let s = udp_scenario(params, net, seed);
        let (trace, reports) = complete(&s);
        let received = received_numbers(&trace);
        let delivered = outputs(&trace, 1, "deliver");
        let data: Vec<String> = received.iter().map(|(_, d)| d.clone()).collect();
        prop_assert_eq!(&delivered, &data);
        for (n, d) in &received {
            prop_assert_eq!(d, &udp::payload(*n));
        }
        prop_assert!(verdict(&reports, "no-corruption").verdict.holds());
        let read: Vec<u32> = received.iter().map(|&(n, _)| n).collect();
        let expected = expected_break(&read, datagrams as u32);
        prop_assert_eq!(explanation(verdict(&reports, "exact-stream")), expected.as_deref());
        if loss == 0.0 && duplicate == 0.0 && (fifo || latency.1 == 0) {
            prop_assert!(expected.is_none());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RPC

fn balance(trace: &Trace) -> u64 {
    rpc::balance(trace).unwrap_or(0)
}

/// The request ids the server executed, in order.
fn executed_ids(trace: &Trace) -> Vec<u32> {
    rpc::executions(trace)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn a_lost_reply_is_executed_twice_at_least_once_and_once_at_most_once() {
    let example = |name: &str| spacetime_core::protocols::example(name).unwrap();
    let (trace, reports) = complete(&example("rpc-lost-reply-at-least-once"));
    let once = verdict(&reports, "executed-once");
    assert!(!once.promised);
    let why = explanation(once).expect("the deposit ran twice");
    assert!(why.contains("#1 was executed twice"), "{why}");
    assert!(why.contains("balance is 20"), "{why}");
    assert_eq!(executed_ids(&trace), [1, 1]);
    assert_eq!(balance(&trace), 20);
    assert_eq!(
        outputs(&trace, 0, "deliver"),
        ["deposit(10) #1 returned 20"]
    );
    if let Verdict::Violated { events, .. } = &once.verdict {
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|&e| trace.events[e].process == 1));
    }

    let (trace, reports) = complete(&example("rpc-lost-reply-at-most-once"));
    let once = verdict(&reports, "executed-once");
    assert!(once.promised && once.verdict.holds());
    assert_eq!(executed_ids(&trace), [1]);
    assert_eq!(balance(&trace), 10);
    assert_eq!(
        outputs(&trace, 0, "deliver"),
        ["deposit(10) #1 returned 10"]
    );
    // The retry reached the server and was answered from the cache.
    assert_eq!(
        trace.messages.iter().filter(|m| m.from == 0).count(),
        2,
        "the client asked twice"
    );
    let narration: Vec<String> = (0..trace.steps.len()).map(|i| trace.narration(i)).collect();
    assert!(
        narration.iter().any(|n| n.contains("cached reply")),
        "{narration:#?}"
    );
}

#[test]
fn at_least_once_double_executes_on_some_lossy_runs() {
    let mut twice = 0;
    for seed in 0..40 {
        let s = rpc_scenario(
            "at-least-once",
            RpcParams::default(),
            network((10, 15), 0.3, 0.0, false),
            seed,
        );
        let (trace, reports) = complete(&s);
        let mut ids = executed_ids(&trace);
        let executions = ids.len();
        ids.sort_unstable();
        ids.dedup();
        let holds = verdict(&reports, "executed-once").verdict.holds();
        assert_eq!(holds, ids.len() == executions, "seed {seed}");
        twice += usize::from(!holds);
        // Every execution deposited, retries included.
        assert_eq!(balance(&trace), 10 * executions as u64);
    }
    assert!(twice > 0, "no lost reply in 40 lossy runs");
}

#[test]
fn a_call_with_no_reply_gives_up_and_reports_it() {
    let params = RpcParams {
        calls: 2,
        max_tries: 3,
        ..RpcParams::default()
    };
    let s = rpc_scenario(
        "at-most-once",
        params,
        network((10, 15), 1.0, 0.0, false),
        0,
    );
    let (trace, reports) = complete(&s);
    let returns = verdict(&reports, "every-call-returns");
    assert!(!returns.promised, "nothing gets through: no promise");
    assert!(
        returns.verdict.holds(),
        "but each call returns, with an error"
    );
    assert_eq!(
        outputs(&trace, 0, "error"),
        [
            "deposit(10) #1 gave up after 3 tries",
            "deposit(10) #2 gave up after 3 tries"
        ]
    );
    assert_eq!(trace.messages.len(), 6);
    // A client that crashes mid-call never returns: the liveness property says which call.
    let mut s = rpc_scenario(
        "at-most-once",
        RpcParams::default(),
        network((10, 15), 0.0, 0.0, false),
        0,
    );
    s.faults = vec![spacetime_core::Fault {
        at: 1,
        action: Action::Crash { process: 0.into() },
    }];
    let (_, reports) = complete(&s);
    let returns = verdict(&reports, "every-call-returns");
    assert!(returns.promised);
    assert_eq!(
        explanation(returns),
        Some("call #1 has not returned: no reply, and the client has not given up")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// At most once: whatever the network loses, duplicates or reorders, no request runs twice,
    /// the balance is what the executed deposits make, and every call returns.
    #[test]
    fn at_most_once_never_executes_twice(
        seed in any::<u64>(),
        calls in 1..5usize,
        amount in 1..100u64,
        timeout in 5..80u64,
        max_tries in 1..8u32,
        loss in 0.0..=0.5f64,
        duplicate in prop_oneof![Just(0.0), 0.0..0.3f64],
        latency in (1..20u64, 0..30u64),
    ) {
        let params = RpcParams { calls, amount, timeout, max_tries };
        let net = network((latency.0, latency.0 + latency.1), loss, duplicate, false);
        let s = rpc_scenario("at-most-once", params, net, seed);
        let (trace, reports) = complete(&s);
        let once = verdict(&reports, "executed-once");
        prop_assert!(once.promised);
        prop_assert!(once.verdict.holds(), "{:?}", once.verdict);
        let mut ids = executed_ids(&trace);
        let executions = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), executions);
        prop_assert_eq!(balance(&trace), amount * executions as u64);
        let returns = verdict(&reports, "every-call-returns");
        prop_assert!(returns.promised && returns.verdict.holds(), "{:?}", returns.verdict);
        // Each call returned exactly once: with a reply or with an error.
        let answers = outputs(&trace, 0, "deliver").len() + outputs(&trace, 0, "error").len();
        prop_assert_eq!(answers, calls);
    }

    /// With enough tries, every call gets its reply over any network that loses at most half.
    #[test]
    fn every_call_gets_a_reply_given_enough_tries(
        seed in any::<u64>(),
        at_most_once in any::<bool>(),
        calls in 1..4usize,
        loss in 0.0..=0.5f64,
        latency in (1..15u64, 0..5u64),
    ) {
        let params = RpcParams { calls, amount: 10, timeout: 50, max_tries: 80 };
        let net = network((latency.0, latency.0 + latency.1), loss, 0.0, false);
        let variant = if at_most_once { "at-most-once" } else { "at-least-once" };
        let s = rpc_scenario(variant, params, net, seed);
        let (trace, reports) = complete(&s);
        let returns = verdict(&reports, "every-call-returns");
        prop_assert!(returns.promised && returns.verdict.holds(), "{:?}", returns.verdict);
        prop_assert!(outputs(&trace, 0, "error").is_empty());
        let delivered = outputs(&trace, 0, "deliver");
        prop_assert_eq!(delivered.len(), calls);
        for (i, d) in delivered.iter().enumerate() {
            let prefix = format!("deposit(10) #{} returned ", i + 1);
            prop_assert!(d.starts_with(&prefix), "{}", d);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The Two Generals

fn decisions(trace: &Trace) -> Vec<(usize, String)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .map(|o| (o.process, o.value.clone()))
        .collect()
}

fn both_attack(trace: &Trace) -> bool {
    let mut d = decisions(trace);
    d.sort();
    d == [(0, "attack".to_string()), (1, "attack".to_string())]
}

/// The label of the last message of a rule's chain.
fn last_label(rounds: u32) -> String {
    if rounds == 0 {
        "attack at dawn".into()
    } else {
        format!("ack {rounds}")
    }
}

/// Kill the run's last messenger, run again, and repeat until [`generals::last_messenger`] has
/// none: the interventions made, and the final run.
fn kill_last_messengers(mut s: Scenario) -> (Vec<Intervention>, Trace, Vec<PropertyReport>) {
    for _ in 0..50 {
        let (trace, reports) = complete(&s);
        let Some(m) = generals::last_messenger(&trace) else {
            return (s.interventions, trace, reports);
        };
        assert!(both_attack(&trace));
        assert!(verdict(&reports, "agreement").verdict.holds());
        let message = &trace.messages[m];
        assert_eq!(message.fate, Fate::Delivered);
        // Its sender had committed before it left and hears nothing of it afterwards.
        s.interventions.push(drop_at(message.created_step + 1, m));
    }
    panic!("the generals kept agreeing after 50 messengers were killed");
}

#[test]
fn reliable_generals_agree_to_attack_whatever_the_rule() {
    for rounds in 0..=4 {
        for resend in [false, true] {
            for seed in 0..10 {
                let mut s = generals_scenario(rounds, resend);
                s.seed = seed;
                let (trace, reports) = complete(&s);
                assert!(both_attack(&trace), "rule {rounds} seed {seed}");
                assert!(verdict(&reports, "agreement").verdict.holds());
                assert!(!verdict(&reports, "agreement").promised);
                assert!(verdict(&reports, "decides-by-dawn").verdict.holds());
                // The chain: "attack at dawn", "ack 1", ..., "ack r", one messenger each.
                // With resending, a slow answer may be asked for again.
                let labels: Vec<&str> = trace.messages.iter().map(|m| m.label.as_str()).collect();
                let chain: Vec<String> = (0..=rounds).map(last_label).collect();
                if resend {
                    assert!(labels.iter().all(|l| chain.iter().any(|c| c == l)));
                } else {
                    assert_eq!(labels, chain);
                }
                let last = generals::last_messenger(&trace).unwrap();
                assert_eq!(trace.messages[last].label, last_label(rounds));
            }
        }
    }
}

#[test]
fn killing_the_last_messenger_leaves_them_disagreeing() {
    for rounds in 0..=4 {
        let s = generals_scenario(rounds, false);
        let (kills, trace, reports) = kill_last_messengers(s);
        assert_eq!(kills.len(), 1, "rule {rounds}: one messenger is enough");
        let agreement = verdict(&reports, "agreement");
        let why = explanation(agreement).unwrap_or_else(|| panic!("rule {rounds} agreed"));
        let (sender, receiver) = if rounds % 2 == 0 {
            ("A", "B")
        } else {
            ("B", "A")
        };
        assert_eq!(
            why,
            format!(
                "the messenger carrying \"{}\" was killed: {sender} had committed to attack, \
                 {receiver} never learned it and held",
                last_label(rounds)
            )
        );
        let Action::Drop { message } = kills[0].action else {
            unreachable!()
        };
        if let Verdict::Violated { events, .. } = &agreement.verdict {
            assert!(events.contains(&trace.messages[message].send_event));
        }
        assert_eq!(trace.messages[message].fate, Fate::DroppedByLearner);
        assert!(trace.warnings.is_empty());
        assert_eq!(generals::last_messenger(&trace), None);
    }
}

#[test]
fn resending_only_moves_the_last_messenger_later() {
    for rounds in 0..=4 {
        for seed in 0..5 {
            let mut s = generals_scenario(rounds, true);
            s.seed = seed;
            let (kills, trace, reports) = kill_last_messengers(s);
            let why = explanation(verdict(&reports, "agreement"))
                .unwrap_or_else(|| panic!("rule {rounds} seed {seed} agreed"));
            assert!(why.contains(&last_label(rounds)), "{why}");
            assert!(trace.warnings.is_empty());
            // Rule 0 waits for nothing, so nothing is resent; otherwise the generals try again.
            if rounds == 0 {
                assert_eq!(kills.len(), 1);
            } else {
                assert!(kills.len() > 1, "rule {rounds} seed {seed}");
            }
            for kill in &kills {
                let Action::Drop { message } = kill.action else {
                    unreachable!()
                };
                assert_eq!(trace.messages[message].label, last_label(rounds));
            }
        }
    }
}

#[test]
fn the_last_messenger_example_kills_every_last_messenger() {
    let example = spacetime_core::protocols::example("generals-last-messenger-lost").unwrap();
    let mut clean = example.clone();
    clean.interventions.clear();
    let (kills, _, _) = kill_last_messengers(clean);
    assert_eq!(kills, example.interventions);
}

#[test]
fn generals_runs_are_deterministic() {
    for rounds in 0..=4 {
        for seed in 0..4 {
            let mut s = generals_scenario(rounds, true);
            s.seed = seed;
            s.network.loss = 0.3;
            s.network.duplicate = 0.1;
            let first = serde_json::to_string(&complete(&s).0).unwrap();
            assert_eq!(serde_json::to_string(&complete(&s).0).unwrap(), first);
            let (kills, _, _) = kill_last_messengers(generals_scenario(rounds, true));
            let mut killed = generals_scenario(rounds, true);
            killed.interventions = kills;
            let first = serde_json::to_string(&complete(&killed).0).unwrap();
            assert_eq!(serde_json::to_string(&complete(&killed).0).unwrap(), first);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// On a lossy network they sometimes disagree; when they do, the attacker is the one who sent
    /// the last messenger, and the explanation names a messenger of its that never reached the
    /// other general by dawn.
    #[test]
    fn disagreement_is_always_a_lost_last_messenger(
        seed in any::<u64>(),
        rounds in 0..=5u32,
        resend in any::<bool>(),
        loss in 0.0..0.6f64,
    ) {
        let mut s = generals_scenario(rounds, resend);
        s.seed = seed;
        s.network.loss = loss;
        let (trace, reports) = complete(&s);
        prop_assert!(verdict(&reports, "decides-by-dawn").verdict.holds());
        prop_assert_eq!(generals::last_messenger(&trace).is_some(), both_attack(&trace));
        let d = decisions(&trace);
        prop_assert_eq!(d.len(), 2);
        if let Some(why) = explanation(verdict(&reports, "agreement")) {
            let attacker = d.iter().find(|(_, v)| v == "attack").unwrap().0;
            prop_assert_eq!(attacker, (rounds % 2) as usize, "the sender of the last messenger");
            let label = last_label(rounds);
            let expected = format!("the messenger carrying \"{label}\"");
            prop_assert!(why.starts_with(&expected), "{}", why);
            prop_assert!(trace
                .messages
                .iter()
                .filter(|m| m.label == label)
                .all(|m| m.fate != Fate::Delivered || m.settled_at >= Some(200)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The examples

#[test]
fn the_examples_run_cleanly_and_do_what_they_say() {
    let mine: Vec<Scenario> = spacetime_core::protocols::examples()
        .into_iter()
        .filter(|s| ["udp", "rpc", "generals"].contains(&s.protocol.as_str()))
        .collect();
    let names: Vec<&str> = mine.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "generals-one-messenger",
            "generals-acknowledge",
            "generals-last-messenger-lost",
            "udp-reliable-network",
            "udp-lossy-network",
            "udp-reordering",
            "rpc-lost-request",
            "rpc-lost-reply-at-least-once",
            "rpc-lost-reply-at-most-once",
        ]
    );
    for s in &mine {
        assert!(
            !s.title.is_empty() && !s.description.is_empty(),
            "{}",
            s.name
        );
        assert!(
            s.name.starts_with(&format!("{}-", s.protocol)),
            "{}",
            s.name
        );
        let (trace, reports) = complete(s);
        assert!(
            trace.warnings.is_empty(),
            "{}: {:?}",
            s.name,
            trace.warnings
        );
        for r in &reports {
            assert!(
                !r.is_broken_promise(),
                "{}: {} {:?}",
                s.name,
                r.name,
                r.verdict
            );
        }
        let holds = |name: &str| verdict(&reports, name).verdict.holds();
        let why = |name: &str| {
            explanation(verdict(&reports, name))
                .unwrap_or("")
                .to_string()
        };
        match s.name.as_str() {
            "udp-reliable-network" => {
                assert!(holds("exact-stream"));
                assert_eq!(
                    outputs(&trace, 1, "deliver").concat(),
                    "abcdefghijklmnopqrstuvwxyzabcdef"
                );
            }
            "udp-lossy-network" => {
                assert!(!holds("exact-stream"));
                let fates: Vec<Fate> = trace.messages.iter().map(|m| m.fate).collect();
                assert!(fates.contains(&Fate::DroppedByNetwork), "something is lost");
                let read: Vec<u32> = received_numbers(&trace).iter().map(|&(n, _)| n).collect();
                let mut unique = read.clone();
                unique.sort_unstable();
                unique.dedup();
                assert!(
                    unique.len() < read.len(),
                    "something is read twice: {read:?}"
                );
                assert!(
                    read.windows(2).any(|w| w[1] < w[0]),
                    "something overtakes: {read:?}"
                );
            }
            "udp-reordering" => {
                assert!(why("exact-stream").contains("arrived before"));
                assert!(trace.messages.iter().all(|m| m.fate == Fate::Delivered));
                assert_eq!(outputs(&trace, 1, "deliver").len(), 8);
            }
            "rpc-lost-request" => {
                assert_eq!(trace.messages[0].fate, Fate::DroppedByLearner);
                assert_eq!(trace.messages[0].label, "deposit(10) #1");
                assert!(holds("executed-once") && holds("every-call-returns"));
                assert_eq!(executed_ids(&trace), [1, 2, 3]);
                assert_eq!(balance(&trace), 30);
                assert_eq!(outputs(&trace, 0, "deliver").len(), 3);
            }
            "rpc-lost-reply-at-least-once" => {
                assert_eq!(trace.messages[1].fate, Fate::DroppedByLearner);
                assert_eq!(trace.messages[1].label, "reply #1: 10");
                assert!(why("executed-once").contains("executed twice"));
                assert_eq!(balance(&trace), 20);
            }
            "rpc-lost-reply-at-most-once" => {
                assert_eq!(trace.messages[1].fate, Fate::DroppedByLearner);
                assert_eq!(trace.messages[1].label, "reply #1: 10");
                assert!(holds("executed-once"));
                assert_eq!(balance(&trace), 10);
            }
            "generals-one-messenger" | "generals-acknowledge" => {
                assert!(both_attack(&trace));
                assert!(holds("agreement"));
            }
            "generals-last-messenger-lost" => {
                assert_eq!(
                    decisions(&trace),
                    [(0, "attack".to_string()), (1, "hold".to_string())]
                );
                assert!(why("agreement").contains("\"ack 2\" was killed"));
                let dropped: Vec<&str> = trace
                    .messages
                    .iter()
                    .filter(|m| m.fate == Fate::DroppedByLearner)
                    .map(|m| m.label.as_str())
                    .collect();
                assert!(dropped.len() > 1 && dropped.iter().all(|&l| l == "ack 2"));
            }
            other => panic!("unexpected example {other}"),
        }
    }
}

#[test]
fn parameters_are_checked() {
    let bad = [
        scenario(
            "udp",
            "",
            serde_json::json!({"datagrams": 5000}),
            ["a", "b"],
        ),
        scenario("udp", "", serde_json::json!({"datagram": 5}), ["a", "b"]),
        scenario("rpc", "", serde_json::json!({"max_tries": 0}), ["a", "b"]),
        scenario("rpc", "", serde_json::json!({"timeout": 0}), ["a", "b"]),
        scenario("rpc", "exactly-once", serde_json::Value::Null, ["a", "b"]),
        scenario(
            "generals",
            "",
            serde_json::json!({"rounds": 11}),
            ["A", "B"],
        ),
        scenario("generals", "", serde_json::json!({"dawn": 0}), ["A", "B"]),
    ];
    for s in bad {
        assert!(Run::new(&s).is_err(), "{:?} {}", s.protocol, s.params);
    }
    for protocol in ["udp", "rpc", "generals"] {
        let mut s = scenario(protocol, "", serde_json::Value::Null, ["a", "b"]);
        assert!(Run::new(&s).is_ok(), "{protocol} with default parameters");
        s.processes.push("c".into());
        let err = Run::new(&s).err().expect("three processes are refused");
        assert!(err.to_string().starts_with("processes:"), "{err}");
    }
}

/// `P` refuses the variant `bogus`, on both `build` and `properties`, with an error on the field
/// `variant` that lists every variant it has; an empty variant is its first.
fn refuses_an_unknown_variant<P: spacetime_core::Protocol>() {
    let scenario = P::examples().remove(0);
    for result in [
        P::build(&scenario, "bogus").map(|_| ()),
        P::properties(&scenario, "bogus").map(|_| ()),
    ] {
        match result {
            Err(spacetime_core::ScenarioError::Invalid { field, message }) => {
                assert_eq!(field, "variant", "{}", P::NAME);
                assert!(message.contains("bogus"), "{message}");
                for v in P::variants() {
                    assert!(message.contains(v.name), "{message} lacks {}", v.name);
                }
            }
            Err(other) => panic!("{}: {other}", P::NAME),
            Ok(()) => panic!("{} built the variant bogus", P::NAME),
        }
    }
    assert!(P::build(&scenario, "").is_ok(), "{}", P::NAME);
    for v in P::variants() {
        assert!(
            P::build(&scenario, v.name).is_ok(),
            "{} {}",
            P::NAME,
            v.name
        );
    }
}

#[test]
fn an_unknown_variant_is_an_error_naming_the_known_ones() {
    use spacetime_core::lessons::delivery::{generals::Generals, rpc::Rpc, tcp::Tcp, udp::Udp};
    refuses_an_unknown_variant::<Generals>();
    refuses_an_unknown_variant::<Udp>();
    refuses_an_unknown_variant::<Tcp>();
    refuses_an_unknown_variant::<Rpc>();
}
