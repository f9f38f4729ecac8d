//! # spacetime-core
//!
//! The simulator behind Spacetime: the algorithms of an introductory distributed-systems course,
//! run in a deterministic simulation that records everything it does as a [`Trace`].
//!
//! ## How a run works
//!
//! A protocol node is a [`Process`]: a state machine with a handler for each thing that can
//! happen to it. Handlers never do I/O; they record effects in a [`Context`] (send this message,
//! set that timer, output this value) and the [`Simulation`] carries them out. The simulation owns
//! everything that could vary between runs, so a run is a pure function of its [`Scenario`]:
//!
//! * **time** is an integer tick; the event queue is ordered by `(time, sequence number)`;
//! * **the network** samples each message's latency, and may lose, duplicate or reorder it, or
//!   find its link cut;
//! * **randomness** comes from one ChaCha generator seeded by the scenario's `seed`;
//! * **faults** (crash, recover, cut, heal) come from the scenario's plan at set times, and
//!   **interventions** (the learner's drops, duplicates, delays, crashes...) at set steps.
//!
//! A *step* is one atomic move of one process, as the course defines it: receive a message (or a
//! timer fires, or it starts or recovers), compute, send. Each send, receipt and local
//! computation is an *event* with a Lamport timestamp and a vector clock, computed by the engine
//! with the course's rule: any event that is not a receipt increments the clock; a receipt sets
//! it to `max(local, carried) + 1`.
//!
//! ## Writing a protocol
//!
//! Here is a process that answers every `Ping` with a `Pong`, driven by hand:
//!
//! ```
//! use spacetime_core::{seeded_rng, Context, Effect, Payload, Process, ProcessId};
//!
//! #[derive(Clone, Debug, PartialEq)]
//! enum Msg { Ping, Pong }
//!
//! impl Payload for Msg {
//!     fn label(&self) -> String { format!("{self:?}") }
//! }
//!
//! #[derive(Clone, Default)]
//! struct Echo { answered: u32 }
//!
//! impl Process for Echo {
//!     type Message = Msg;
//!     fn on_start(&mut self, ctx: &mut Context<'_, Msg>) {
//!         if ctx.me() == 0 {
//!             ctx.broadcast(Msg::Ping);
//!         }
//!     }
//!     fn on_message(&mut self, ctx: &mut Context<'_, Msg>, from: ProcessId, msg: Msg) {
//!         if msg == Msg::Ping {
//!             self.answered += 1;
//!             ctx.note("Every ping deserves a pong");
//!             ctx.send(from, Msg::Pong);
//!         }
//!     }
//!     fn summary(&self) -> String { format!("answered {}", self.answered) }
//! }
//!
//! // A unit test drives one process and reads the effects it recorded:
//! let mut rng = seeded_rng(7);
//! let mut ctx = Context::new(1, 3, 0, &mut rng);
//! Echo::default().on_message(&mut ctx, 0, Msg::Ping);
//! assert!(matches!(ctx.effects()[1], Effect::Send { to: 0, message: Msg::Pong, .. }));
//!
//! // A simulation runs them all under a scenario and records the trace:
//! use spacetime_core::{Scenario, Simulation, Fate};
//! let scenario = Scenario::from_json(r#"{
//!     "name": "echo", "protocol": "echo", "processes": ["P1", "P2", "P3"], "seed": 7
//! }"#).unwrap();
//! let mut sim = Simulation::new(&scenario, vec![Echo::default(); 3]).unwrap();
//! let trace = sim.run();
//! assert_eq!(trace.messages.len(), 4); // two pings, two pongs
//! assert!(trace.messages.iter().all(|m| m.fate == Fate::Delivered));
//! // P1's two sends have Lamport clocks 1 and 2; a receipt merges: max(local, carried) + 1.
//! let p2_receipt = trace.lane(1).next().unwrap();
//! assert_eq!(p2_receipt.lamport, 2);
//! ```
//!
//! To ship it, implement [`Protocol`] (its variants, parameters, properties and prepared
//! scenarios) in one file under `protocols/` and list it in [`protocols::all`]; the CLI and the app
//! pick it up from there.

#![forbid(unsafe_code)]

pub mod exercise;
pub mod import;
pub mod layout;
mod node;
mod process;
pub mod protocol;
pub mod protocols;
pub mod scenario;
pub mod search;
mod sim;
pub mod svg;
#[doc(hidden)]
pub mod testing;
pub mod tour;
pub mod trace;

pub use node::{node, Node};
pub use process::{
    seeded_rng, summary_of, AnyPayload, Content, Context, Effect, Field, Payload, Process,
    ProcessId, Rng, Time,
};
pub use protocol::{
    Property, PropertyKind, PropertyReport, Protocol, ProtocolInfo, Run, VariantInfo, Verdict,
};
pub use scenario::{
    Action, Fault, Intervention, Latency, Limits, LinkModel, NetworkModel, ProcessRef, Scenario,
    ScenarioError,
};
pub use sim::{Simulation, DEFAULT_CHECKPOINT_EVERY};
pub use trace::{
    Event, EventId, EventKind, Fate, Message, MessageId, Output, Relation, Step, TimerEnd,
    TimerSpan, TimerStop, Trace, Typed,
};
