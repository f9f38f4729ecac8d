//! RPC over UDP: the reply is the acknowledgement, and a timeout makes the client ask again.
//!
//! A remote procedure call should feel like calling a local function: the client's wrapper sends
//! the arguments to the server, the server's wrapper calls the function and sends back the
//! result. Over UDP either message can be lost, so the client uses the two techniques of
//! reliable messaging:
//!
//! * **acknowledgement**: no separate ACK is needed, because the reply itself tells the client
//!   that the request arrived (the reply "piggybacks" the acknowledgement);
//! * **timeout**: when no reply comes within `timeout` ticks, the client sends the request again,
//!   up to `max_tries` times in all, and then gives up and reports an error to the caller.
//!
//! The client cannot tell a lost request from a lost reply: in both cases it just hears nothing.
//! That is the lost-ACK problem, and it decides what a retry means at the server:
//!
//! * **at-least-once**: the server executes every request it receives. If the *request* was lost,
//!   the retry is the first copy to arrive and all is well. If the *reply* was lost, the retry
//!   executes the procedure a second time. For `deposit(10)` that is ten too many.
//! * **at-most-once**: each request carries an id (`#2`); the server remembers the ids it has
//!   executed and the reply it gave, and answers a repeated request from that cache without
//!   executing it again. A deposit happens at most once however often the client asks; a call that
//!   gives up may still have happened, once.
//!
//! Here the client deposits `amount` into an account on the server, `calls` times, one call after
//! another; the balance starts at 0. A timeout shorter than a round trip makes the client ask
//! again although nothing was lost, which an at-least-once server also executes twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Action, Intervention, Latency, NetworkModel, Scenario, ScenarioError};
use crate::trace::{EventId, Trace};

/// RPC's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RpcParams {
    /// How many calls the client makes, one after another.
    pub calls: usize,
    /// How much each call deposits.
    pub amount: u64,
    /// Ticks the client waits for a reply before it sends the request again.
    pub timeout: Time,
    /// How many times in all the client sends a request before it gives up.
    pub max_tries: u32,
}

impl Default for RpcParams {
    fn default() -> Self {
        RpcParams {
            calls: 3,
            amount: 10,
            timeout: 40,
            max_tries: 5,
        }
    }
}

/// The most calls a run may make.
pub const MAX_CALLS: usize = 1_000;
/// The most tries a call may make.
pub const MAX_TRIES: u32 = 1_000;

const CLIENT: ProcessId = 0;
const SERVER: ProcessId = 1;

/// A request or a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcMessage {
    /// Call `deposit(amount)`; `id` names the call, and every retry of it carries the same id.
    Request { id: u32, amount: u64 },
    /// The result of call `id`: the balance after the deposit.
    Reply { id: u32, balance: u64 },
}

impl Payload for RpcMessage {
    fn label(&self) -> String {
        match self {
            RpcMessage::Request { id, amount } => format!("deposit({amount}) #{id}"),
            RpcMessage::Reply { id, balance } => format!("reply #{id}: {balance}"),
        }
    }
}

/// The client: makes its calls one after another, retrying each until it gets a reply.
#[derive(Clone, Debug)]
pub struct RpcClient {
    calls: u32,
    amount: u64,
    timeout: Time,
    max_tries: u32,
    /// The call under way or the last one made (from 1; 0 before the first).
    current: u32,
    /// Whether the client is waiting for the reply to `current`.
    waiting: bool,
    /// How many times `current`'s request has been sent.
    tries: u32,
    returned: u32,
    failed: u32,
}

impl RpcClient {
    fn request(&self) -> RpcMessage {
        RpcMessage::Request {
            id: self.current,
            amount: self.amount,
        }
    }

    /// Start the next call, if any is left.
    fn next_call(&mut self, ctx: &mut Context<'_, RpcMessage>) {
        if self.current >= self.calls {
            self.waiting = false;
            return;
        }
        self.current += 1;
        self.tries = 1;
        self.waiting = true;
        ctx.note(format!(
            "The client calls deposit({}); the request carries the id #{}",
            self.amount, self.current
        ));
        ctx.send(SERVER, self.request());
        ctx.set_timer("timeout", self.timeout);
    }
}

/// The server: keeps the balance and, in the at-most-once variant, a reply for each request id.
#[derive(Clone, Debug)]
pub struct RpcServer {
    at_most_once: bool,
    balance: u64,
    /// How many deposits it has executed.
    executed: u32,
    /// Ids executed, with the balance replied: the reply cache of at-most-once. The at-least-once
    /// server keeps it only to tell the narration that a request came again.
    replies: BTreeMap<u32, u64>,
}

/// The client or the server.
#[derive(Clone, Debug)]
pub enum RpcNode {
    Client(RpcClient),
    Server(RpcServer),
}

impl Process for RpcNode {
    type Message = RpcMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, RpcMessage>) {
        if let RpcNode::Client(c) = self {
            c.next_call(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, RpcMessage>, from: ProcessId, m: RpcMessage) {
        match (self, m) {
            (RpcNode::Server(s), RpcMessage::Request { id, amount }) => {
                let cached = s.replies.get(&id).copied();
                match cached {
                    Some(balance) if s.at_most_once => {
                        ctx.note(format!(
                            "#{id} again: already executed, so the server re-sends the cached \
                             reply without depositing again"
                        ));
                        ctx.send(from, RpcMessage::Reply { id, balance });
                    }
                    _ => {
                        s.balance += amount;
                        s.executed += 1;
                        s.replies.insert(id, s.balance);
                        ctx.output("execute", format!("deposit({amount}) #{id}"));
                        ctx.output("balance", s.balance.to_string());
                        if cached.is_some() {
                            ctx.note(format!(
                                "#{id} again: an at-least-once server executes every request it \
                                 receives, so it deposits {amount} a second time (balance {})",
                                s.balance
                            ));
                        } else {
                            ctx.note(format!(
                                "The server executes deposit({amount}) for #{id}: the balance is \
                                 now {}; its reply is also the acknowledgement",
                                s.balance
                            ));
                        }
                        ctx.send(
                            from,
                            RpcMessage::Reply {
                                id,
                                balance: s.balance,
                            },
                        );
                    }
                }
            }
            (RpcNode::Client(c), RpcMessage::Reply { id, balance }) => {
                if c.waiting && id == c.current {
                    c.waiting = false;
                    c.returned += 1;
                    ctx.cancel_timer("timeout");
                    ctx.output(
                        "deliver",
                        format!("deposit({}) #{id} returned {balance}", c.amount),
                    );
                    ctx.note(format!(
                        "The reply to #{id} acknowledges the request: the call returns {balance} \
                         to the caller"
                    ));
                    c.next_call(ctx);
                } else {
                    ctx.note(format!(
                        "Another reply to #{id}: that call has already returned, so the client \
                         ignores it"
                    ));
                }
            }
            (_, m) => ctx.note(format!("Nothing to do with {}", m.label())),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, RpcMessage>, _timer: &str) {
        let RpcNode::Client(c) = self else {
            return;
        };
        if !c.waiting {
            return;
        }
        if c.tries < c.max_tries {
            c.tries += 1;
            ctx.note(format!(
                "No reply to #{} within {} ticks: the request or its reply was lost, and the \
                 client cannot tell which. It times out and asks again (try {} of {})",
                c.current, c.timeout, c.tries, c.max_tries
            ));
            ctx.send(SERVER, c.request());
            ctx.set_timer("timeout", c.timeout);
        } else {
            c.waiting = false;
            c.failed += 1;
            ctx.output(
                "error",
                format!(
                    "deposit({}) #{} gave up after {} tries",
                    c.amount, c.current, c.max_tries
                ),
            );
            ctx.note(format!(
                "No reply to #{} after {} tries: the client gives up and reports an error to the \
                 caller, who cannot know whether the deposit happened",
                c.current, c.max_tries
            ));
            c.next_call(ctx);
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, RpcMessage>) {
        if let RpcNode::Client(c) = self {
            if c.waiting {
                ctx.set_timer("timeout", c.timeout);
            }
        }
    }

    fn summary(&self) -> String {
        match self {
            RpcNode::Client(c) if c.waiting => format!(
                "call #{} of {}, try {} of {}",
                c.current, c.calls, c.tries, c.max_tries
            ),
            RpcNode::Client(c) => format!(
                "{} of {} calls returned, {} gave up",
                c.returned, c.calls, c.failed
            ),
            RpcNode::Server(s) if s.at_most_once => format!(
                "balance {}, {} executed, {} replies cached",
                s.balance,
                s.executed,
                s.replies.len()
            ),
            RpcNode::Server(s) => format!("balance {}, {} executed", s.balance, s.executed),
        }
    }
}

/// The request id at the end of a `... #n` output or label.
pub fn request_id(text: &str) -> Option<u32> {
    let (_, rest) = text.rsplit_once('#')?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The server's executions, in order: (request id, event).
fn executions(trace: &Trace) -> Vec<(u32, EventId)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "execute" && o.process == SERVER)
        .filter_map(|o| Some((request_id(&o.value)?, o.event)))
        .collect()
}

fn executed_once(trace: &Trace, amount: u64) -> Verdict {
    let done = executions(trace);
    for (i, &(id, e)) in done.iter().enumerate() {
        if let Some(&(_, first)) = done[..i].iter().find(|&&(x, _)| x == id) {
            let balance = trace
                .outputs
                .iter()
                .rfind(|o| o.kind == "balance" && o.process == SERVER)
                .map_or_else(|| "?".to_string(), |o| o.value.clone());
            let mut ids: Vec<u32> = done.iter().map(|&(x, _)| x).collect();
            ids.sort_unstable();
            ids.dedup();
            let deposited = amount * ids.len() as u64;
            return Verdict::violated(
                vec![first, e],
                format!(
                    "request #{id} was executed twice: its second copy deposited {amount} again, \
                     and the balance is {balance} where one deposit per request makes {deposited}"
                ),
            );
        }
    }
    Verdict::Holds
}

fn every_call_returns(trace: &Trace, calls: u32) -> Verdict {
    let returned = |id: u32| {
        trace.outputs.iter().any(|o| {
            o.process == CLIENT
                && (o.kind == "deliver" || o.kind == "error")
                && request_id(&o.value) == Some(id)
        })
    };
    for id in 1..=calls {
        if returned(id) {
            continue;
        }
        let last_try = trace.messages.iter().rfind(|m| {
            m.from == CLIENT && m.duplicate_of.is_none() && request_id(&m.label) == Some(id)
        });
        return match last_try {
            Some(m) => Verdict::violated(
                vec![m.send_event],
                format!("call #{id} has not returned: no reply, and the client has not given up"),
            ),
            None => Verdict::violated(Vec::new(), format!("call #{id} was never made")),
        };
    }
    Verdict::Holds
}

/// The RPC protocol.
pub struct Rpc;

impl Protocol for Rpc {
    const NAME: &'static str = "rpc";
    const DESCRIPTION: &'static str =
        "remote calls over UDP: the reply is the acknowledgement, a timeout retries";
    type Node = RpcNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "at-least-once",
                description: "the server executes every request it receives, retries included",
                broken: false,
            },
            VariantInfo {
                name: "at-most-once",
                description: "the server remembers request ids and answers a retry from its \
                              reply cache",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<RpcNode>, ScenarioError> {
        let params: RpcParams = scenario.params()?;
        if scenario.processes.len() != 2 {
            return Err(ScenarioError::invalid(
                "processes",
                format!(
                    "RPC runs between two processes, a client and a server, not {}",
                    scenario.processes.len()
                ),
            ));
        }
        if params.calls > MAX_CALLS {
            return Err(ScenarioError::invalid(
                "params.calls",
                format!("at most {MAX_CALLS} calls, not {}", params.calls),
            ));
        }
        if params.max_tries == 0 || params.max_tries > MAX_TRIES {
            return Err(ScenarioError::invalid(
                "params.max_tries",
                format!(
                    "a call is tried from 1 to {MAX_TRIES} times, not {}",
                    params.max_tries
                ),
            ));
        }
        if params.timeout == 0 {
            return Err(ScenarioError::invalid(
                "params.timeout",
                "a timeout of 0 ticks would retry before any reply could come; give 1 or more",
            ));
        }
        if params.amount > 1_000_000 {
            return Err(ScenarioError::invalid(
                "params.amount",
                format!("deposit at most 1000000, not {}", params.amount),
            ));
        }
        Ok(vec![
            RpcNode::Client(RpcClient {
                calls: params.calls as u32,
                amount: params.amount,
                timeout: params.timeout,
                max_tries: params.max_tries,
                current: 0,
                waiting: false,
                tries: 0,
                returned: 0,
                failed: 0,
            }),
            RpcNode::Server(RpcServer {
                at_most_once: variant == "at-most-once",
                balance: 0,
                executed: 0,
                replies: BTreeMap::new(),
            }),
        ])
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let params: RpcParams = scenario.params()?;
        let amount = params.amount;
        let calls = params.calls as u32;
        let once = Property::new(
            "executed-once",
            PropertyKind::Safety,
            "the server executes no request twice",
            move |trace: &Trace| executed_once(trace, amount),
        );
        let network = &scenario.network;
        let some_delivery =
            network.loss < 1.0 && network.links.iter().all(|l| l.loss.is_none_or(|p| p < 1.0));
        let returns = Property::new(
            "every-call-returns",
            PropertyKind::Liveness,
            "every call returns: with the server's reply, or with an error after max_tries tries",
            move |trace: &Trace| every_call_returns(trace, calls),
        );
        Ok(vec![
            if variant == "at-most-once" {
                once
            } else {
                once.not_promised()
            },
            if some_delivery {
                returns
            } else {
                returns.not_promised()
            },
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        variant: &str,
                        calls: usize,
                        drop: (u64, usize)| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "rpc".into(),
            variant: variant.into(),
            params: serde_json::to_value(RpcParams {
                calls,
                ..RpcParams::default()
            })
            .expect("serialisable"),
            processes: vec!["client".into(), "server".into()],
            // A round trip takes at most 30 ticks, well inside the 40-tick timeout.
            network: NetworkModel {
                latency: Latency { min: 10, max: 15 },
                ..NetworkModel::default()
            },
            faults: Vec::new(),
            seed: 1,
            interventions: vec![Intervention {
                step: drop.0,
                action: Action::Drop { message: drop.1 },
            }],
            limits: Default::default(),
        };
        // The client's first request is message 0, sent at step 0; the server's reply to it is
        // message 1, sent at step 1.
        vec![
            scenario(
                "rpc-lost-request",
                "A lost request",
                "The first request is lost on its way. The client hears nothing, times out and \
                 sends it again; the server sees it once, so even at-least-once gets it right.",
                "at-least-once",
                3,
                (1, 0),
            ),
            scenario(
                "rpc-lost-reply-at-least-once",
                "A lost reply, at least once",
                "The server executes deposit(10) and its reply is lost. The client cannot tell a \
                 lost reply from a lost request: it asks again, and the at-least-once server \
                 deposits a second time. The balance is 20 instead of 10.",
                "at-least-once",
                1,
                (2, 1),
            ),
            scenario(
                "rpc-lost-reply-at-most-once",
                "A lost reply, at most once",
                "The same lost reply, but the server remembers request #1: the retry is answered \
                 from its reply cache, and the deposit happens once. The balance is 10.",
                "at-most-once",
                1,
                (2, 1),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_outputs_and_labels() {
        assert_eq!(request_id("deposit(10) #2"), Some(2));
        assert_eq!(request_id("deposit(10) #12 returned 30"), Some(12));
        assert_eq!(request_id("reply #3: 30"), Some(3));
        assert_eq!(request_id("balance"), None);
    }
}
