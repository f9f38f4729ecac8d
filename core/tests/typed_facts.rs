//! The trace keeps typed facts next to its display texts: a message's contents, an output's fact
//! and a state's fields.

use spacetime_core::lessons::paxos::paxos::PaxosMessage;
use spacetime_core::protocols;
use spacetime_core::testing::scrambled;
use spacetime_core::{
    seeded_rng, Context, Effect, Field, Payload, Process, ProcessId, Run, Scenario, Simulation,
    Trace,
};

#[derive(Clone, Debug, PartialEq)]
struct Count(u32);

impl Payload for Count {
    fn label(&self) -> String {
        format!("count {}", self.0)
    }
}

/// Passes a count around the ring; each receiver outputs the count as a typed fact.
#[derive(Clone, Default)]
struct Ring {
    seen: u32,
}

impl Process for Ring {
    type Message = Count;

    fn on_start(&mut self, ctx: &mut Context<'_, Count>) {
        if ctx.me() == 0 {
            ctx.send(1, Count(1));
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Count>, _from: ProcessId, message: Count) {
        self.seen = message.0;
        ctx.output_fact("saw", message.clone());
        if message.0 < 5 {
            let next = (ctx.me() + 1) % ctx.process_count();
            ctx.send(next, Count(message.0 + 1));
        }
    }

    fn fields(&self) -> Vec<Field> {
        vec![Field::new("role", "ring"), Field::new("seen", self.seen)]
    }
}

fn scenario() -> Scenario {
    Scenario::from_json(
        r#"{ "name": "ring", "protocol": "ring", "processes": ["A", "B", "C"], "seed": 1 }"#,
    )
    .unwrap()
}

fn ring() -> Simulation {
    let mut sim = Simulation::new(&scenario(), vec![Ring::default(); 3]).unwrap();
    sim.run();
    sim
}

#[test]
fn messages_outputs_and_states_carry_their_typed_facts() {
    let sim = ring();
    let trace = sim.trace();
    assert_eq!(trace.messages.len(), 5);
    for (i, m) in trace.messages.iter().enumerate() {
        assert_eq!(m.content::<Count>(), Some(&Count(i as u32 + 1)));
        assert_eq!(trace.content_of::<Count>(i), Some(&Count(i as u32 + 1)));
        assert_eq!(m.content::<String>(), None, "another type is not there");
        assert_eq!(m.label, format!("count {}", i + 1));
    }
    // A receipt reaches its message's contents through `event.message`.
    let receipt = trace.lane(1).next().unwrap();
    assert_eq!(
        trace.content_of::<Count>(receipt.message.unwrap()),
        Some(&Count(1))
    );
    let facts: Vec<u32> = trace
        .outputs
        .iter()
        .map(|o| o.fact::<Count>().unwrap().0)
        .collect();
    assert_eq!(facts, [1, 2, 3, 4, 5]);
    assert!(trace.outputs.iter().all(|o| o.kind == "saw"));
    assert_eq!(trace.outputs[0].value, "count 1");
    // The state: fields, and the summary written from them.
    assert_eq!(receipt.field("seen"), Some("1"));
    assert_eq!(&*receipt.state, "role: ring · seen: 1");
    assert_eq!(sim.process::<Ring>(1).unwrap().seen, 4);
    assert!(sim.process::<String>(1).is_none());
    assert_eq!(sim.summaries()[2], "role: ring · seen: 5");
    assert_eq!(sim.fields()[0][1], Field::new("seen", 3));
}

#[test]
fn fields_are_in_the_json_and_the_typed_facts_are_not() {
    let trace = ring().trace().clone();
    let json = serde_json::to_string(&trace).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let receipt = trace.lane(1).next().unwrap().id;
    assert_eq!(
        value["events"][receipt]["fields"],
        serde_json::json!([{ "name": "role", "value": "ring" }, { "name": "seen", "value": "1" }])
    );
    assert!(value["messages"][0].get("content").is_none());
    assert!(value["outputs"][0].get("fact").is_none());
    let back: Trace = serde_json::from_str(&json).unwrap();
    assert_eq!(back, trace, "typed facts do not count in comparisons");
    assert_eq!(back.events[receipt].fields, trace.events[receipt].fields);
    assert_eq!(
        back.content_of::<Count>(0),
        None,
        "read from JSON: texts only"
    );
    assert_eq!(back.outputs[0].fact::<Count>(), None);
    // A protocol without fields writes none.
    let plain = Run::complete(&protocols::example("clocks-three-events").unwrap()).unwrap();
    let json = serde_json::to_value(plain.trace()).unwrap();
    assert!(json["events"][0].get("fields").is_none());
}

#[test]
fn a_unit_test_reads_the_fact_of_an_output_effect() {
    let mut rng = seeded_rng(3);
    let mut ctx = Context::new(1, 3, 0, &mut rng);
    Ring::default().on_message(&mut ctx, 0, Count(2));
    assert!(matches!(
        &ctx.effects()[0],
        Effect::Output { kind, value } if kind == "saw" && value == "count 2"
    ));
    assert_eq!(ctx.fact::<Count>(0), Some(&Count(2)));
    assert_eq!(ctx.fact::<Count>(1), None, "a send has no fact");
}

#[test]
fn scrambling_leaves_the_typed_facts_alone() {
    let sim = scrambled(ring);
    let trace = sim.trace();
    assert_eq!(trace.messages[0].label, "«1 tnuoc»");
    assert_eq!(trace.messages[0].content::<Count>(), Some(&Count(1)));
    assert_eq!(trace.outputs[0].value, "«1 tnuoc»");
    assert_eq!(trace.outputs[0].fact::<Count>(), Some(&Count(1)));
    let receipt = trace.lane(1).next().unwrap();
    assert_eq!(receipt.field("seen"), Some("«1»"));
    assert_eq!(receipt.fields[0].name, "role");
}

#[test]
fn a_simulated_paxos_trace_carries_paxos_messages() {
    let run = Run::complete(&protocols::example("paxos-calm").unwrap()).unwrap();
    let trace = run.trace();
    assert!(!trace.messages.is_empty());
    for m in &trace.messages {
        let content = m.content::<PaxosMessage>().expect("a Paxos message");
        assert_eq!(Payload::label(content), m.label);
    }
}
