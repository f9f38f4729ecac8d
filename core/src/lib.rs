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
//! ## Three layers: typed handlers, an erased engine, typed facts
//!
//! * **A protocol writes typed handlers.** Its messages are its own type (a [`Payload`]), and its
//!   handlers take and send that type through a typed [`Context`].
//! * **The engine runs erased nodes.** The [`Simulation`] is compiled once, for every protocol:
//!   it holds each process as a `Box<dyn` [`Node`]`>` and each message as a [`Content`] (the typed
//!   value behind an `Arc`, shared by the queue, the checkpoints and the trace). The only generic
//!   code per protocol is [`node()`]'s thin adapter, which downcasts a message to the protocol's
//!   type and calls the typed handler.
//! * **Properties read typed facts.** Every arrow keeps its display `label` and also the message
//!   itself ([`Message::content`]); an output keeps its `kind`, its display `value` and, when the
//!   protocol recorded one, its typed fact ([`Output::fact`]); an event keeps the state summary and
//!   the state's named [`Field`]s ([`Event::fields`]). Display texts are for people: a property,
//!   exercise or panel that reads meaning should read the typed facts, which no change of wording
//!   can break (`testing::scramble_display` proves it in tests).
//!
//! ## Writing a protocol
//!
//! Here is a process that answers every `Ping` with a `Pong`, driven by hand:
//!
//! ```
//! use spacetime_core::{seeded_rng, Context, Effect, Field, Payload, Process, ProcessId};
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
//!         match msg {
//!             Msg::Ping => {
//!                 self.answered += 1;
//!                 ctx.note("Every ping deserves a pong");
//!                 ctx.send(from, Msg::Pong);
//!             }
//!             // A typed output: the trace keeps the `Msg` itself and its label as the text.
//!             Msg::Pong => ctx.output_fact("heard", msg),
//!         }
//!     }
//!     // The state as named fields; the summary ("answered: 1") is written from them.
//!     fn fields(&self) -> Vec<Field> {
//!         vec![Field::new("answered", self.answered)]
//!     }
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
//!
//! // What a property reads: the typed message behind an arrow (not its label), the typed fact
//! // of an output, a state field (not the summary's text).
//! let pongs = trace.messages.iter().filter(|m| m.content::<Msg>() == Some(&Msg::Pong));
//! assert_eq!(pongs.count(), 2);
//! assert!(trace.outputs.iter().all(|o| o.fact::<Msg>() == Some(&Msg::Pong)));
//! assert_eq!(p2_receipt.field("answered"), Some("1"));
//! assert_eq!(&*p2_receipt.state, "answered: 1");
//! // And the processes themselves, typed again:
//! assert_eq!(sim.process::<Echo>(2).unwrap().answered, 1);
//! ```
//!
//! To ship it, implement [`Protocol`] (its variants, parameters, properties and prepared
//! scenarios) in a module of its lesson's folder (`core/src/lessons/<lesson>/`) and list it in
//! that lesson's [`lessons::LessonInfo`]; [`protocols::all`], the CLI and the app pick it up from
//! there. A new lesson is a new folder and one line in [`lessons::course`] (see [`lessons`]). A property is a function of the [`Trace`]: let it read
//! [`Message::content`], [`Output::fact`] and [`Event::fields`] rather than parse labels.

#![forbid(unsafe_code)]

pub mod exercise;
mod faults;
pub mod labels;
pub mod layout;
pub mod lessons;
pub mod log;
mod node;
mod param_checks;
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
pub mod trace_prefix;
mod vector_clocks;
pub mod words;

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
    ScenarioError, Timing, MAX_EVENTS,
};
pub use sim::{Simulation, TooManyEvents, DEFAULT_CHECKPOINT_EVERY};
pub use trace::{
    Event, EventId, EventKind, Fate, Message, MessageId, Output, Relation, Step, TimerEnd,
    TimerSpan, TimerStop, Trace, Typed,
};
