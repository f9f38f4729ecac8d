//! UDP: each datagram is sent once, and whatever the network makes of it is what the
//! application gets.
//!
//! UDP puts almost nothing between the application and IP's best-effort delivery. A datagram
//! leaves as soon as the application writes it; nothing acknowledges it, nothing sends it again,
//! and the receiver hands every datagram to the application the moment it arrives. So the three
//! things a best-effort network does to packets all reach the application:
//!
//! * a datagram the network **loses** is simply missing from what the application reads;
//! * a datagram the network **duplicates** is read twice;
//! * datagrams that take different times to cross (a network that does not keep order) are read
//!   **out of order**.
//!
//! The only protection UDP adds is a checksum, so a datagram that arrives is one that was sent
//! (in the simulator nothing corrupts a message, so that property always holds).
//!
//! Here the sender writes the alphabet, four letters per datagram (`UDP #1 "abcd"`,
//! `UDP #2 "efgh"`, ...), one datagram every `interval` ticks, and the receiving application
//! prints what it reads. On a kind network it reads the alphabet; on a lossy one it reads gaps,
//! repeats and letters out of place. The number on the label is there for the learner: UDP itself
//! has no sequence numbers, which is exactly what TCP adds.
//!
//! That best effort is a feature for applications such as live audio or video, where a late
//! packet is worth nothing and resending it is not worth the delay; the applications that need
//! the whole stream, in order, once, use TCP (or do its work themselves: the end-to-end argument).

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Latency, NetworkModel, Scenario, ScenarioError};
use crate::trace::{EventId, EventKind, Fate, MessageId, Trace};

/// UDP's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UdpParams {
    /// How many datagrams the sender writes.
    pub datagrams: usize,
    /// Ticks between two datagrams.
    pub interval: Time,
}

impl Default for UdpParams {
    fn default() -> Self {
        UdpParams {
            datagrams: 8,
            interval: 10,
        }
    }
}

/// The largest number of datagrams a run may send.
pub const MAX_DATAGRAMS: usize = 1_000;

/// How many letters a datagram carries.
const CHUNK: usize = 4;

/// What datagram `number` (from 1) carries: the next four letters of the alphabet, wrapping from
/// `z` back to `a`.
pub fn payload(number: u32) -> String {
    let start = (number.saturating_sub(1) as usize * CHUNK) % 26;
    (0..CHUNK)
        .map(|i| char::from(b'a' + ((start + i) % 26) as u8))
        .collect()
}

/// A datagram: its number (for the learner; UDP has no sequence numbers) and its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    pub number: u32,
    pub data: String,
}

impl Payload for Datagram {
    fn label(&self) -> String {
        format!("UDP #{} \"{}\"", self.number, self.data)
    }
}

/// What the receiving application reads: the data of a datagram, as the typed fact of a
/// `deliver` output (its label, the output's value, is the data). The number is the datagram's,
/// which UDP itself does not see: it is there for the properties and the narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub number: u32,
    pub data: String,
}

impl Payload for Read {
    fn label(&self) -> String {
        self.data.clone()
    }

    /// The application reads one text, whatever order its pieces came in.
    fn in_stream(&self) -> bool {
        true
    }
}

/// The index of the sender; the receiver is the other one.
const SENDER: ProcessId = 0;
const RECEIVER: ProcessId = 1;

/// One end of the conversation: the sender writes datagrams, the receiver reads them.
#[derive(Clone, Debug)]
pub enum UdpNode {
    Sender {
        datagrams: u32,
        interval: Time,
        sent: u32,
    },
    Receiver {
        /// The numbers of the datagrams delivered, in order (for the narration and the summary).
        delivered: Vec<u32>,
        /// What the application has read so far.
        stream: String,
    },
}

impl UdpNode {
    fn send_next(&mut self, ctx: &mut Context<'_, Datagram>) {
        if let UdpNode::Sender {
            datagrams,
            interval,
            sent,
        } = self
        {
            *sent += 1;
            let number = *sent;
            ctx.send(
                RECEIVER,
                Datagram {
                    number,
                    data: payload(number),
                },
            );
            if number < *datagrams {
                ctx.set_pacing_timer("next datagram", *interval);
            }
        }
    }
}

impl Process for UdpNode {
    type Message = Datagram;

    fn on_start(&mut self, ctx: &mut Context<'_, Datagram>) {
        if matches!(self, UdpNode::Sender { datagrams, .. } if *datagrams > 0) {
            ctx.note("UDP sends each datagram as soon as the application writes it, and only once");
            self.send_next(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Datagram>, _from: ProcessId, d: Datagram) {
        let UdpNode::Receiver { delivered, stream } = self else {
            return;
        };
        if delivered.contains(&d.number) {
            ctx.note(format!(
                "The application reads #{} a second time: UDP keeps no record of what it delivered",
                d.number
            ));
        } else if let Some(&later) = delivered.iter().filter(|&&n| n > d.number).max() {
            ctx.note(format!(
                "#{} arrives after #{later}, which was sent after it: UDP has no sequence \
                 numbers to restore the order, so the application reads them as they come",
                d.number
            ));
        } else {
            let next = delivered.iter().max().map_or(1, |&n| n + 1);
            let missing = match d.number.saturating_sub(next) {
                0 => None,
                1 => Some(format!("#{next} has")),
                2 => Some(format!("#{next} and #{} have", next + 1)),
                _ => Some(format!("#{next} to #{} have", d.number - 1)),
            };
            if let Some(missing) = missing {
                ctx.note(format!(
                    "{missing} not arrived, and UDP does not wait: the application reads #{} now",
                    d.number
                ));
            }
        }
        delivered.push(d.number);
        stream.push_str(&d.data);
        ctx.output_fact(
            "deliver",
            Read {
                number: d.number,
                data: d.data,
            },
        );
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Datagram>, _timer: &str) {
        self.send_next(ctx);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Datagram>) {
        if let UdpNode::Sender {
            datagrams,
            interval,
            sent,
        } = self
        {
            if *sent < *datagrams {
                ctx.set_pacing_timer("next datagram", *interval);
            }
        }
    }

    fn summary(&self) -> String {
        match self {
            UdpNode::Sender {
                datagrams, sent, ..
            } => format!("sent {sent} of {datagrams} datagrams"),
            UdpNode::Receiver { stream, .. } => {
                const SHOWN: usize = 32;
                let count = stream.chars().count();
                if count > SHOWN {
                    let tail: String = stream.chars().skip(count - SHOWN).collect();
                    format!("read \"…{tail}\"")
                } else {
                    format!("read \"{stream}\"")
                }
            }
        }
    }
}

/// One datagram handed to the application: its number, data and receipt event.
struct Delivery<'a> {
    number: u32,
    data: &'a str,
    event: EventId,
}

/// What the receiving application read, in order, from the trace.
fn deliveries(trace: &Trace) -> Vec<Delivery<'_>> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "deliver" && o.process == RECEIVER)
        .filter_map(|o| {
            let read = o.fact::<Read>()?;
            Some(Delivery {
                number: read.number,
                data: &read.data,
                event: o.event,
            })
        })
        .collect()
}

/// The datagrams the sender sent, by number: the message (the original, not a network copy).
fn sent(trace: &Trace) -> Vec<(u32, MessageId)> {
    trace
        .messages
        .iter()
        .filter(|m| m.from == SENDER && m.duplicate_of.is_none())
        .filter_map(|m| m.content::<Datagram>().map(|d| (d.number, m.id)))
        .collect()
}

/// Whether datagram `message`, or a copy of it, is still crossing the network.
fn still_travelling(trace: &Trace, message: MessageId) -> bool {
    trace
        .messages
        .iter()
        .any(|m| (m.id == message || m.duplicate_of == Some(message)) && m.fate == Fate::InFlight)
}

/// The first place where what the application read differs from what was sent, if any.
fn exact_stream(trace: &Trace) -> Verdict {
    let got = deliveries(trace);
    let sent = sent(trace);
    let send_event = |n: u32| {
        sent.iter()
            .find(|&&(x, _)| x == n)
            .map(|&(_, m)| (m, trace.messages[m].send_event))
    };
    let never = |n: u32| {
        let events = send_event(n).map(|(_, e)| vec![e]).unwrap_or_default();
        Verdict::violated(events, format!("datagram #{n} was never delivered"))
    };
    let mut expected = 1;
    for (i, d) in got.iter().enumerate() {
        if let Some(first) = got[..i].iter().find(|x| x.number == d.number) {
            return Verdict::violated(
                vec![first.event, d.event],
                format!("#{} was delivered twice", d.number),
            );
        }
        if d.number == expected {
            expected += 1;
            continue;
        }
        // A datagram came before `expected`: either `expected` comes later, or it never will.
        if let Some(late) = got[i + 1..].iter().find(|x| x.number == expected) {
            return Verdict::violated(
                vec![d.event, late.event],
                format!("#{} arrived before #{expected}", d.number),
            );
        }
        match send_event(expected) {
            Some((m, _)) if still_travelling(trace, m) => {
                return Verdict::violated(
                    vec![d.event],
                    format!("#{} arrived before #{expected}", d.number),
                );
            }
            _ => return never(expected),
        }
    }
    // Everything read was in order; is anything sent missing?
    match send_event(expected) {
        Some((m, _)) if !still_travelling(trace, m) => never(expected),
        _ => Verdict::Holds,
    }
}

/// Every datagram the application read is one the sender sent, with the data it sent.
fn no_corruption(trace: &Trace) -> Verdict {
    let sent = sent(trace);
    for d in deliveries(trace) {
        let Some(&(_, m)) = sent.iter().find(|&&(n, _)| n == d.number) else {
            return Verdict::violated(
                vec![d.event],
                format!("#{} was delivered but never sent", d.number),
            );
        };
        let data = trace.messages[m]
            .content::<Datagram>()
            .map_or("", |d| d.data.as_str());
        if d.data != data {
            return Verdict::violated(
                vec![trace.messages[m].send_event, d.event],
                format!(
                    "#{} was sent as \"{data}\" but delivered as \"{}\"",
                    d.number, d.data
                ),
            );
        }
    }
    // A receipt with no delivery would mean the receiver dropped data silently.
    for e in trace.lane(RECEIVER) {
        if e.kind == EventKind::Receive && !trace.outputs.iter().any(|o| o.event == e.id) {
            return Verdict::violated(
                vec![e.id],
                format!("{} was received but not delivered", e.label),
            );
        }
    }
    Verdict::Holds
}

/// The UDP protocol.
pub struct Udp;

impl Protocol for Udp {
    const NAME: &'static str = "udp";
    const DESCRIPTION: &'static str =
        "datagrams sent once: no acknowledgement, no order, no resend";
    type Node = UdpNode;

    fn variants() -> &'static [VariantInfo] {
        &[VariantInfo {
            name: "datagrams",
            description: "each datagram is sent once and delivered as it arrives",
            broken: false,
        }]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<UdpNode>, ScenarioError> {
        super::variant_of::<Udp>(variant)?;
        let params: UdpParams = scenario.params()?;
        if scenario.processes.len() != 2 {
            return Err(ScenarioError::invalid(
                "processes",
                format!(
                    "UDP runs between two processes, a sender and a receiver, not {}",
                    scenario.processes.len()
                ),
            ));
        }
        if params.datagrams > MAX_DATAGRAMS {
            return Err(ScenarioError::invalid(
                "params.datagrams",
                format!(
                    "at most {MAX_DATAGRAMS} datagrams, not {}",
                    params.datagrams
                ),
            ));
        }
        Ok(vec![
            UdpNode::Sender {
                datagrams: params.datagrams as u32,
                interval: params.interval,
                sent: 0,
            },
            UdpNode::Receiver {
                delivered: Vec::new(),
                stream: String::new(),
            },
        ])
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        super::variant_of::<Udp>(variant)?;
        let _: UdpParams = scenario.params()?;
        Ok(vec![
            Property::new(
                "exact-stream",
                PropertyKind::Safety,
                "the application reads exactly the datagrams sent, each once, in the order sent",
                exact_stream,
            )
            .not_promised(),
            Property::new(
                "no-corruption",
                PropertyKind::Safety,
                "every datagram the application reads was sent, with the data it was sent with",
                no_corruption,
            ),
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str, title: &str, description: &str, network, seed| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "udp".into(),
            variant: String::new(),
            params: serde_json::to_value(UdpParams::default()).expect("serialisable"),
            processes: vec!["sender".into(), "receiver".into()],
            network,
            faults: Vec::new(),
            seed,
            interventions: Vec::new(),
            limits: Default::default(),
        };
        vec![
            scenario(
                "udp-reliable-network",
                "UDP on a kind network",
                "Nothing is lost and the links keep their order, so the receiver reads the \
                 alphabet whole. UDP promised none of this: the network was kind.",
                NetworkModel {
                    fifo: true,
                    ..NetworkModel::default()
                },
                1,
            ),
            scenario(
                "udp-lossy-network",
                "UDP on a lossy network",
                "Three datagrams in ten are lost, one in ten arrives twice, and nothing keeps \
                 them in order: the application reads gaps, repeats and letters out of place, \
                 and UDP does nothing about it.",
                NetworkModel {
                    loss: 0.3,
                    duplicate: 0.1,
                    ..NetworkModel::default()
                },
                LOSSY_SEED,
            ),
            scenario(
                "udp-reordering",
                "Datagrams overtaking each other",
                "Nothing is lost, but a datagram can take from 5 to 60 ticks to cross, so a \
                 later one can overtake an earlier one, and the application reads them in the \
                 order they arrive.",
                NetworkModel {
                    latency: Latency { min: 5, max: 60 },
                    ..NetworkModel::default()
                },
                REORDERING_SEED,
            ),
        ]
    }
}

/// A seed under which `udp-lossy-network` loses, duplicates and reorders datagrams.
const LOSSY_SEED: u64 = 1;
/// A seed under which `udp-reordering` reorders datagrams.
const REORDERING_SEED: u64 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_the_alphabet() {
        let text: String = (1..=7).map(payload).collect();
        assert_eq!(text, "abcdefghijklmnopqrstuvwxyzab");
        let d = Datagram {
            number: 3,
            data: payload(3),
        };
        assert_eq!(d.label(), "UDP #3 \"ijkl\"");
    }
}
