//! TCP: a reliable, ordered byte stream between a client and a server, built on a network that
//! loses, duplicates and reorders messages.
//!
//! The network underneath (IP) only does its best. TCP runs at the two ends of the conversation
//! and repairs what the network breaks, with four tools: **acknowledgements** (the receiver says
//! what it got), **timeouts** (the sender sends again when no acknowledgement comes),
//! **sequence numbers** (the receiver can tell a new segment from an old copy, and put segments
//! back in order) and **windows** (the sender keeps several segments in flight without flooding
//! the network). This module runs all of them between two processes: process 0 is the *client*,
//! which sends a stream of `bytes` bytes, and process 1 is the *server*, whose application
//! receives it. The stream is readable text, `abcdefghijklmnopqrstuvwxyzabc...`, so what the
//! server's application gets can be checked by eye.
//!
//! # Opening: the three-way handshake
//!
//! Each side numbers the bytes it sends from its own *initial sequence number* (ISN). The client
//! opens with `SYN seq=100` (its ISN); the server answers `SYN-ACK seq=300 ack=101`, which both
//! acknowledges the client's SYN (it expects byte 101 next) and announces its own ISN; the client
//! answers `ACK 301`. Three messages, because each side must learn that the other has its ISN: a
//! two-way exchange would leave the server unsure the client ever heard of 300. A lost SYN or
//! SYN-ACK is sent again when its timer runs out. A lost final ACK does no harm: the first data
//! segment also acknowledges the SYN-ACK (every segment after the SYN carries an `ack` number).
//!
//! # Sending: sequence numbers and cumulative acknowledgements
//!
//! The client cuts the stream into *segments* of at most `mss` bytes. Data byte `i` (from 0) has
//! sequence number `client_isn + 1 + i` (the SYN itself uses up the ISN), so the first segment of
//! 100 bytes is `DATA 101..200`. The server answers every segment with a **cumulative**
//! acknowledgement `ACK n`: "I have every byte before `n`; `n` is the next one I expect". When
//! segment `K` arrives and the server expects `N`:
//!
//! * `K` ends before `N`: it already has these bytes. This is the **lost-ACK problem**: the
//!   client sent the segment again because the ACK for it was lost (or just slow). The server
//!   must not hand the bytes to its application twice: it discards the copy and acknowledges
//!   again, so that the client stops resending.
//! * `K = N`: the next bytes in order. They go to the application at once.
//! * `K` starts after `N`: an earlier segment is missing (lost, or overtaken on the way). What
//!   the server does depends on the variant (below); either way it answers `ACK N` again, a
//!   *duplicate ACK*.
//!
//! # Timeouts that adapt: RFC 6298
//!
//! How long should the client wait before sending again? Too long, and a loss stalls the stream;
//! too short, and it resends segments that were merely slow, adding load to a network that may
//! already be overloaded. TCP measures round-trip times and adapts. [`RttEstimator`] follows
//! RFC 6298 to the letter: before any measurement the retransmission timeout (RTO) is
//! `initial_rto`; the first sample `R` sets `SRTT = R` and `RTTVAR = R / 2`; each later sample
//! `R'` sets `RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|` and then `SRTT = 7/8 SRTT + 1/8 R'`; and
//! `RTO = SRTT + max(G, 4 RTTVAR)` with a clock granularity `G` of one tick, rounded up to a
//! whole tick and kept between `min_rto` and `max_rto`. Two more rules:
//!
//! * **Karn's rule**: no sample is taken from a segment that was sent more than once, because
//!   its ACK may answer either copy. (Here: no sample from an ACK that covers any segment sent
//!   twice.)
//! * **Exponential backoff**: each timeout doubles the RTO (up to `max_rto`), and it stays
//!   doubled until a fresh sample arrives: if the network is congested, waiting longer helps.
//!
//! As RFC 6298 recommends, each side has **one** retransmission timer, named `rto`, which always
//! covers the oldest unacknowledged segment. It starts when a segment is sent while it is not
//! running, restarts whenever an ACK acknowledges new data (and when a timeout or a fast
//! retransmit sends the oldest segment again), and stops when nothing is left outstanding.
//!
//! # Windows: the three variants
//!
//! * `stop-and-wait` (the default, listed first): one segment in flight at a time. Simple, and
//!   slow: the client idles for a whole round trip per segment.
//! * `go-back-n`: up to `window` segments in flight. The server keeps only segments that arrive
//!   in order and discards early ones. On a timeout the client *goes back* to the oldest
//!   unacknowledged segment and sends everything from there again, as far as the window allows.
//! * `selective-repeat`: up to `window` segments in flight. The server **buffers** segments that
//!   arrive early and hands them over once the gap before them is filled. On a timeout the
//!   client resends only the oldest unacknowledged segment; when it arrives, one cumulative ACK
//!   covers it and everything buffered behind it. (The textbook protocol acknowledges each
//!   segment on its own and keeps a timer per segment; this is how TCP does it, with cumulative
//!   ACKs and one timer.)
//!
//! # Congestion control
//!
//! A window protects the receiver; congestion control protects the network. With `congestion`
//! on (the default; `stop-and-wait` never has more than one segment out, so it has none), the
//! client also keeps a *congestion window* `cwnd`, counted in segments, and sends at most
//! `min(window, cwnd)` segments at a time:
//!
//! * it starts at 1 (**slow start**) and grows by 1 for every ACK of new data, which doubles it
//!   every round trip, until it reaches `ssthresh`;
//! * from there it grows by `1/cwnd` per ACK, about one segment per round trip (**congestion
//!   avoidance**);
//! * a **timeout** is taken as a sign of heavy congestion: `ssthresh = max(flight / 2, 2)`, where
//!   `flight` is the number of segments in flight, and `cwnd = 1`;
//! * **three duplicate ACKs** mean segments are still getting through, and one is probably lost:
//!   the client resends it at once, without waiting for the timer (**fast retransmit**), and
//!   halves its rate: `ssthresh = max(flight / 2, 2)` and `cwnd = ssthresh`. This is Reno's fast
//!   recovery, simplified: the window is not inflated by further duplicate ACKs. In `go-back-n`
//!   a fast retransmit goes back too, since the server kept nothing after the gap.
//!
//! With `congestion` off, the client always uses the full `window` and never fast-retransmits:
//! the window protocols alone, as in the textbook.
//!
//! # Closing
//!
//! Once every byte is acknowledged the client sends `FIN seq=1101` (the FIN uses up one sequence
//! number, right after the data). The server acknowledges it (`ACK 1102`), and since its own
//! application has nothing to send, it sends its own `FIN seq=301` at once and waits for the
//! client's `ACK 302`; then it is closed. Both FINs are sent again on timeout. The client does
//! not close as soon as it sends that last ACK: it lingers in `TIME-WAIT` for `time_wait` ticks,
//! because the ACK might be lost, and then the server would send its FIN again and need another
//! answer. Each new copy of the FIN restarts the wait. If the client has already closed when a
//! copy comes, it answers `RST` (a reset: "there is no such connection here"), and the server,
//! whose peer is gone, closes too. A run ends when both sides are closed: every timer is
//! cancelled by then.
//!
//! States, as TCP names them: the client goes `SYN-SENT`, `ESTABLISHED`, `FIN-WAIT-1`,
//! `FIN-WAIT-2`, `TIME-WAIT`, `CLOSED`; the server `LISTEN`, `SYN-RECEIVED`, `ESTABLISHED`,
//! `LAST-ACK` (passing through `CLOSE-WAIT` within one step), `CLOSED`.
//!
//! # What the diagram shows
//!
//! Message labels, exactly:
//!
//! | label | meaning |
//! |---|---|
//! | `SYN seq=100` | the client opens, with its ISN |
//! | `SYN-ACK seq=300 ack=101` | the server's ISN, and its acknowledgement of the SYN |
//! | `ACK 301` | a pure acknowledgement: every byte before 301 has arrived |
//! | `DATA 101..200` | data bytes 101 to 200, both included |
//! | `FIN seq=1101` | the sender has nothing more to send |
//! | `RST` | a closed client's answer to a segment of a connection it no longer has |
//!
//! A segment sent again (after a timeout, a fast retransmit, or a copy of the peer's segment
//! showing that the first answer was lost) has ` (again)` after its label: `DATA 101..200
//! (again)`. The mark is for the reader only: the receiver never looks at it.
//!
//! Outputs (each names its process and event in the trace, so they can be plotted over time):
//!
//! * `deliver`: text the server hands to its application, one output per segment handed over,
//!   in order; all of them together are the stream;
//! * `rto`: a side's RTO in ticks: its initial value (the client's at the start, the server's
//!   when the SYN comes), then after every sample that changes it and after every timeout;
//! * `rtt`: a round-trip sample in ticks, whenever a side takes one;
//! * `cwnd`: the client's congestion window, in segments with two decimals (`1.00`): at the
//!   start and after every change (only with congestion control);
//! * `state`: a side's new connection state, such as `ESTABLISHED` or `CLOSED` (the server
//!   starts in `LISTEN` without one).
//!
//! Timers: `rto` (retransmission, on both sides) and `time-wait` (the client's linger).
//!
//! Crashes: a process keeps its whole state through a crash, as if it were on stable storage;
//! the simulation cancels its timers, so on recovery it sets them again. Segments that arrive
//! while it is down are lost, and retransmission repairs that like any other loss.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::process::{Context, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{
    Action, Intervention, Latency, Limits, NetworkModel, Scenario, ScenarioError,
};
use crate::trace::{EventId, Trace};
use crate::words::count_of;

/// The client's index: it opens the connection and sends the stream.
pub const CLIENT: ProcessId = 0;
/// The server's index: it accepts the connection and delivers the stream to its application.
pub const SERVER: ProcessId = 1;

/// The longest stream a run may send, in bytes.
pub const MAX_BYTES: u64 = 1_000_000;
/// The largest window, in segments.
pub const MAX_WINDOW: u64 = 1_000;
/// The largest initial sequence number (real TCP wraps around at 2^32; this simulation does not).
pub const MAX_ISN: u64 = 1_000_000_000;
/// The longest timeout or linger, in ticks.
pub const MAX_TIMEOUT: Time = 1_000_000;

/// TCP's parameters. Times are in ticks; windows in segments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TcpParams {
    /// How many bytes the client sends (1 to 1,000,000).
    pub bytes: u64,
    /// The most bytes in one segment (the maximum segment size).
    pub mss: u64,
    /// The most segments in flight at once (`go-back-n` and `selective-repeat`; `stop-and-wait`
    /// always has 1).
    pub window: u64,
    /// The client's initial sequence number.
    pub client_isn: u64,
    /// The server's initial sequence number.
    pub server_isn: u64,
    /// The RTO before any round trip has been measured.
    pub initial_rto: Time,
    /// The RTO never goes below this.
    pub min_rto: Time,
    /// The RTO never goes above this, backoff included.
    pub max_rto: Time,
    /// The congestion window up to which slow start runs, in segments.
    pub ssthresh: u64,
    /// Whether the client runs congestion control (slow start, congestion avoidance, fast
    /// retransmit) on top of its window.
    pub congestion: bool,
    /// How long the client lingers in TIME-WAIT after its last ACK.
    pub time_wait: Time,
}

impl Default for TcpParams {
    fn default() -> Self {
        TcpParams {
            bytes: 1000,
            mss: 100,
            window: 4,
            client_isn: 100,
            server_isn: 300,
            initial_rto: 60,
            min_rto: 20,
            max_rto: 240,
            ssthresh: 8,
            congestion: true,
            time_wait: 120,
        }
    }
}

impl TcpParams {
    /// Check every field; an error names the field and says what would do.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.bytes == 0 || self.bytes > MAX_BYTES {
            return Err(ScenarioError::invalid(
                "params.bytes",
                format!(
                    "the stream needs from 1 to {MAX_BYTES} bytes, not {}",
                    self.bytes
                ),
            ));
        }
        if self.mss == 0 || self.mss > MAX_BYTES {
            return Err(ScenarioError::invalid(
                "params.mss",
                format!(
                    "a segment carries from 1 to {MAX_BYTES} bytes, not {}",
                    self.mss
                ),
            ));
        }
        if self.window == 0 || self.window > MAX_WINDOW {
            return Err(ScenarioError::invalid(
                "params.window",
                format!(
                    "the window holds from 1 to {MAX_WINDOW} segments, not {}",
                    self.window
                ),
            ));
        }
        for (field, isn) in [
            ("params.client_isn", self.client_isn),
            ("params.server_isn", self.server_isn),
        ] {
            if isn > MAX_ISN {
                return Err(ScenarioError::invalid(
                    field,
                    format!("an initial sequence number goes up to {MAX_ISN}, not {isn}"),
                ));
            }
        }
        for (field, t) in [
            ("params.initial_rto", self.initial_rto),
            ("params.min_rto", self.min_rto),
            ("params.max_rto", self.max_rto),
        ] {
            if t == 0 || t > MAX_TIMEOUT {
                return Err(ScenarioError::invalid(
                    field,
                    format!("a timeout lasts from 1 to {MAX_TIMEOUT} ticks, not {t}"),
                ));
            }
        }
        if self.min_rto > self.max_rto {
            return Err(ScenarioError::invalid(
                "params.min_rto",
                format!(
                    "min_rto ({}) is larger than max_rto ({})",
                    self.min_rto, self.max_rto
                ),
            ));
        }
        if self.initial_rto < self.min_rto || self.initial_rto > self.max_rto {
            return Err(ScenarioError::invalid(
                "params.initial_rto",
                format!(
                    "initial_rto ({}) must lie between min_rto ({}) and max_rto ({})",
                    self.initial_rto, self.min_rto, self.max_rto
                ),
            ));
        }
        if self.ssthresh == 0 || self.ssthresh > MAX_WINDOW {
            return Err(ScenarioError::invalid(
                "params.ssthresh",
                format!(
                    "the slow-start threshold is from 1 to {MAX_WINDOW} segments, not {}",
                    self.ssthresh
                ),
            ));
        }
        if self.time_wait > MAX_TIMEOUT {
            return Err(ScenarioError::invalid(
                "params.time_wait",
                format!(
                    "TIME-WAIT lasts at most {MAX_TIMEOUT} ticks, not {}",
                    self.time_wait
                ),
            ));
        }
        Ok(())
    }
}

/// Byte `offset` (from 0) of the stream the client sends: `a` to `z`, over and over.
pub fn stream_byte(offset: u64) -> u8 {
    b'a' + (offset % 26) as u8
}

/// `len` bytes of the stream from byte `offset` (from 0).
pub fn stream_text(offset: u64, len: u64) -> String {
    (offset..offset + len)
        .map(|i| stream_byte(i) as char)
        .collect()
}

/// The smoothing gain of SRTT (RFC 6298's alpha).
pub const ALPHA: f64 = 1.0 / 8.0;
/// The gain of RTTVAR (RFC 6298's beta).
pub const BETA: f64 = 1.0 / 4.0;
/// How many RTTVARs of margin the RTO keeps above SRTT (RFC 6298's K).
pub const K: f64 = 4.0;
/// The clock granularity, in ticks (RFC 6298's G).
pub const GRANULARITY: f64 = 1.0;

/// The retransmission timeout of RFC 6298, computed from round-trip samples.
///
/// ```
/// use spacetime_core::lessons::delivery::tcp::RttEstimator;
/// let mut est = RttEstimator::new(60, 20, 240);
/// assert_eq!(est.rto(), 60); // nothing measured yet
/// est.sample(40); // SRTT = 40, RTTVAR = 20, RTO = 40 + 4 * 20
/// assert_eq!((est.srtt(), est.rttvar(), est.rto()), (Some(40.0), Some(20.0), 120));
/// est.back_off();
/// assert_eq!(est.rto(), 240);
/// ```
///
/// SRTT and RTTVAR are kept as `f64`: with gains of 1/8 and 1/4 and whole-tick samples the
/// arithmetic is exact for many samples, and IEEE arithmetic gives the same result everywhere,
/// so runs stay deterministic.
#[derive(Clone, Debug, PartialEq)]
pub struct RttEstimator {
    srtt: Option<f64>,
    rttvar: f64,
    rto: Time,
    min_rto: Time,
    max_rto: Time,
}

impl RttEstimator {
    /// An estimator with no samples yet: its RTO is `initial_rto`, kept within `min_rto` and
    /// `max_rto`.
    pub fn new(initial_rto: Time, min_rto: Time, max_rto: Time) -> Self {
        let max_rto = max_rto.max(min_rto);
        RttEstimator {
            srtt: None,
            rttvar: 0.0,
            rto: initial_rto.clamp(min_rto, max_rto),
            min_rto,
            max_rto,
        }
    }

    /// The smoothed round-trip time, once there is a sample.
    pub fn srtt(&self) -> Option<f64> {
        self.srtt
    }

    /// The round-trip time variation, once there is a sample.
    pub fn rttvar(&self) -> Option<f64> {
        self.srtt.map(|_| self.rttvar)
    }

    /// The current retransmission timeout, in whole ticks.
    pub fn rto(&self) -> Time {
        self.rto
    }

    /// Take a round-trip sample of `r` ticks (never from a segment sent twice: Karn's rule is
    /// the caller's to keep). A sample replaces any backoff.
    pub fn sample(&mut self, r: Time) {
        let r = r as f64;
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2.0;
            }
            Some(srtt) => {
                // RTTVAR first: it uses the SRTT from before this sample.
                self.rttvar = (1.0 - BETA) * self.rttvar + BETA * (srtt - r).abs();
                self.srtt = Some((1.0 - ALPHA) * srtt + ALPHA * r);
            }
        }
        let exact = self.srtt.unwrap_or(r) + GRANULARITY.max(K * self.rttvar);
        let whole = exact.ceil();
        self.rto = if whole >= self.max_rto as f64 {
            self.max_rto
        } else {
            (whole as Time).clamp(self.min_rto, self.max_rto)
        };
    }

    /// A timeout: double the RTO, up to `max_rto`.
    pub fn back_off(&mut self) {
        self.rto = self.rto.saturating_mul(2).min(self.max_rto);
    }
}

/// A TCP segment as this simulation models it: the flags and numbers that matter here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Open a connection; `seq` is the sender's initial sequence number.
    Syn { seq: u64 },
    /// Accept a connection: the server's ISN, and the acknowledgement of the client's SYN.
    SynAck { seq: u64, ack: u64 },
    /// Every byte before `ack` has arrived.
    Ack { ack: u64 },
    /// Stream bytes numbered from `seq`; `ack` acknowledges the server's SYN.
    Data { seq: u64, ack: u64, text: String },
    /// No more data from the sender; `seq` is the number the FIN uses up.
    Fin { seq: u64, ack: u64 },
    /// A reset: the connection does not exist here (any more).
    Rst,
}

impl Segment {
    /// The label without the retransmission mark.
    pub fn label(&self) -> String {
        match self {
            Segment::Syn { seq } => format!("SYN seq={seq}"),
            Segment::SynAck { seq, ack } => format!("SYN-ACK seq={seq} ack={ack}"),
            Segment::Ack { ack } => format!("ACK {ack}"),
            Segment::Data { seq, text, .. } => {
                format!("DATA {seq}..{}", seq + (text.len() as u64).max(1) - 1)
            }
            Segment::Fin { seq, .. } => format!("FIN seq={seq}"),
            Segment::Rst => "RST".to_string(),
        }
    }
}

/// A segment on the wire. `again` marks one the sender sent before, for the diagram's label
/// only: no receiver ever reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub segment: Segment,
    pub again: bool,
}

impl Payload for Packet {
    fn label(&self) -> String {
        let label = self.segment.label();
        if self.again {
            format!("{label} (again)")
        } else {
            label
        }
    }
    fn sent_again(&self) -> bool {
        self.again
    }
}

/// A connection state, as TCP names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    LastAck,
    TimeWait,
    Closed,
}

impl State {
    /// The state's name, as TCP writes it: `SYN-SENT`, `FIN-WAIT-1`...
    pub fn name(self) -> &'static str {
        match self {
            State::Listen => "LISTEN",
            State::SynSent => "SYN-SENT",
            State::SynReceived => "SYN-RECEIVED",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::LastAck => "LAST-ACK",
            State::TimeWait => "TIME-WAIT",
            State::Closed => "CLOSED",
        }
    }
}

/// What a TCP endpoint reports, as the typed fact of its outputs. Its label is the output's
/// display value; properties and plots read the fact.
#[derive(Clone, Debug, PartialEq)]
pub enum TcpOutput {
    /// `deliver`: the server hands `text`, stream bytes from sequence number `seq`, to its
    /// application.
    Deliver { seq: u64, text: String },
    /// `rto`: the side's retransmission timeout, in ticks.
    Rto(Time),
    /// `rtt`: a round-trip sample, in ticks.
    Rtt(Time),
    /// `cwnd`: the client's congestion window, in segments.
    Cwnd(f64),
    /// `state`: the side's new connection state.
    State(State),
}

impl TcpOutput {
    /// The output kind it is reported under: `deliver`, `rto`, `rtt`, `cwnd`, `state`.
    pub fn kind(&self) -> &'static str {
        match self {
            TcpOutput::Deliver { .. } => "deliver",
            TcpOutput::Rto(_) => "rto",
            TcpOutput::Rtt(_) => "rtt",
            TcpOutput::Cwnd(_) => "cwnd",
            TcpOutput::State(_) => "state",
        }
    }

    /// The number a plot draws for it: ticks for `rto` and `rtt`, segments for `cwnd`.
    pub fn number(&self) -> Option<f64> {
        match *self {
            TcpOutput::Rto(t) | TcpOutput::Rtt(t) => Some(t as f64),
            TcpOutput::Cwnd(c) => Some(c),
            TcpOutput::Deliver { .. } | TcpOutput::State(_) => None,
        }
    }
}

impl Payload for TcpOutput {
    fn label(&self) -> String {
        match self {
            TcpOutput::Deliver { text, .. } => text.clone(),
            TcpOutput::Rto(t) | TcpOutput::Rtt(t) => t.to_string(),
            TcpOutput::Cwnd(c) => format!("{c:.2}"),
            TcpOutput::State(s) => s.name().to_string(),
        }
    }

    fn in_stream(&self) -> bool {
        matches!(self, TcpOutput::Deliver { .. })
    }
}

/// Report `fact` as an output of its kind.
fn output(ctx: &mut Context<'_, Packet>, fact: TcpOutput) {
    ctx.output_fact(fact.kind(), fact);
}

/// How the window behaves: the protocol's variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    StopAndWait,
    GoBackN,
    SelectiveRepeat,
}

impl Mode {
    /// The mode of a variant named in [`Tcp::variants`]; any other name is an error that lists
    /// them.
    fn of(variant: &str) -> Result<Mode, ScenarioError> {
        match super::variant_of::<Tcp>(variant)?.name {
            "go-back-n" => Ok(Mode::GoBackN),
            "selective-repeat" => Ok(Mode::SelectiveRepeat),
            "stop-and-wait" => Ok(Mode::StopAndWait),
            other => unreachable!("TCP's variant {other} has no mode"),
        }
    }
}

/// What both sides know of the connection before it starts.
#[derive(Clone, Debug)]
struct Config {
    mode: Mode,
    bytes: u64,
    mss: u64,
    window: u64,
    client_isn: u64,
    server_isn: u64,
    congestion: bool,
    ssthresh: u64,
    time_wait: Time,
    initial_rto: Time,
    min_rto: Time,
    max_rto: Time,
}

/// The retransmission timer's name.
const RTO_TIMER: &str = "rto";
/// The client's TIME-WAIT timer.
const TIME_WAIT_TIMER: &str = "time-wait";

/// What the client remembers of a segment it has sent and not yet seen acknowledged.
#[derive(Clone, Copy, Debug)]
struct Sent {
    /// When it was first sent.
    at: Time,
    /// How many times it was sent; more than once rules out an RTT sample (Karn).
    sends: u32,
}

/// The client: it opens the connection, sends the stream, and closes.
#[derive(Clone, Debug)]
pub struct Client {
    cfg: Config,
    state: State,
    rtt: RttEstimator,
    /// Whether the `rto` timer is pending.
    timer: bool,
    syn_at: Time,
    syn_again: bool,
    fin_at: Time,
    fin_again: bool,
    /// The server's ISN + 1, once known: what the client acknowledges.
    rcv_nxt: u64,
    /// Segments (by index from 0) are acknowledged before `una`, sent before `nxt` in the
    /// current pass, and ever sent before `max`.
    una: u64,
    nxt: u64,
    max: u64,
    total: u64,
    /// Segments `una..max`.
    sent: VecDeque<Sent>,
    dupacks: u32,
    cwnd: f64,
    ssthresh: u64,
}

/// The server: it accepts the connection and hands the stream to its application in order.
#[derive(Clone, Debug)]
pub struct Server {
    cfg: Config,
    state: State,
    rtt: RttEstimator,
    timer: bool,
    synack_at: Time,
    synack_again: bool,
    fin_at: Time,
    fin_again: bool,
    /// The next byte expected from the client.
    rcv_nxt: u64,
    delivered: u64,
    /// Segments that arrived early (`selective-repeat` only), by sequence number.
    buffer: BTreeMap<u64, String>,
}

/// A TCP endpoint: the client or the server.
#[derive(Clone, Debug)]
pub enum TcpNode {
    Client(Client),
    Server(Server),
}

/// Send `segment`, marked as a retransmission if `again`.
fn send(ctx: &mut Context<'_, Packet>, to: ProcessId, segment: Segment, again: bool) {
    ctx.send(to, Packet { segment, again });
}

/// Report a new RTT sample and what it did to the estimator.
fn report_sample(ctx: &mut Context<'_, Packet>, rtt: &mut RttEstimator, r: Time, what: &str) {
    let before = rtt.rto();
    rtt.sample(r);
    ctx.note(format!(
        "{what} took {r} ticks there and back: SRTT is now {}, RTTVAR {}, RTO {}",
        short(rtt.srtt().unwrap_or_default()),
        short(rtt.rttvar().unwrap_or_default()),
        rtt.rto()
    ));
    output(ctx, TcpOutput::Rtt(r));
    if rtt.rto() != before {
        output(ctx, TcpOutput::Rto(rtt.rto()));
    }
}

/// What a backoff did, for the narration: `doubles its RTO to 120`.
fn doubled(rtt: &RttEstimator) -> String {
    if rtt.rto() == rtt.max_rto {
        format!("doubles its RTO (up to its cap of {})", rtt.max_rto)
    } else {
        format!("doubles its RTO to {}", rtt.rto())
    }
}

/// A number with at most two decimals and no trailing zeros: `42.5`, `40`.
fn short(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl Client {
    fn new(cfg: Config) -> Self {
        Client {
            rtt: RttEstimator::new(cfg.initial_rto, cfg.min_rto, cfg.max_rto),
            state: State::SynSent,
            timer: false,
            syn_at: 0,
            syn_again: false,
            fin_at: 0,
            fin_again: false,
            rcv_nxt: 0,
            una: 0,
            nxt: 0,
            max: 0,
            total: cfg.bytes.div_ceil(cfg.mss),
            sent: VecDeque::new(),
            dupacks: 0,
            cwnd: 1.0,
            ssthresh: cfg.ssthresh,
            cfg,
        }
    }

    /// Whether congestion control is at work.
    fn congestion(&self) -> bool {
        self.cfg.congestion && self.cfg.mode != Mode::StopAndWait
    }

    /// The sequence number of segment `k` (or of the FIN, for `k == total`).
    fn seq(&self, k: u64) -> u64 {
        self.cfg.client_isn + 1 + (k * self.cfg.mss).min(self.cfg.bytes)
    }

    fn fin_seq(&self) -> u64 {
        self.cfg.client_isn + 1 + self.cfg.bytes
    }

    /// Segment `k`.
    fn segment(&self, k: u64) -> Segment {
        let offset = k * self.cfg.mss;
        let len = self.cfg.mss.min(self.cfg.bytes - offset);
        Segment::Data {
            seq: self.seq(k),
            ack: self.rcv_nxt,
            text: stream_text(offset, len),
        }
    }

    /// How many segments may be in flight now.
    fn window(&self) -> u64 {
        match self.cfg.mode {
            Mode::StopAndWait => 1,
            _ if self.congestion() => self.cfg.window.min((self.cwnd.floor() as u64).max(1)),
            _ => self.cfg.window,
        }
    }

    fn start_timer(&mut self, ctx: &mut Context<'_, Packet>) {
        ctx.set_timer(RTO_TIMER, self.rtt.rto());
        self.timer = true;
    }

    fn stop_timer(&mut self, ctx: &mut Context<'_, Packet>) {
        if self.timer {
            ctx.cancel_timer(RTO_TIMER);
            self.timer = false;
        }
    }

    fn set_state(&mut self, ctx: &mut Context<'_, Packet>, state: State) {
        self.state = state;
        output(ctx, TcpOutput::State(state));
    }

    /// Send segment `nxt` (again if it was sent before) and move on.
    fn send_next(&mut self, ctx: &mut Context<'_, Packet>) {
        let k = self.nxt;
        let again = k < self.max;
        send(ctx, SERVER, self.segment(k), again);
        if again {
            self.sent[(k - self.una) as usize].sends += 1;
        } else {
            self.sent.push_back(Sent {
                at: ctx.now(),
                sends: 1,
            });
            self.max = k + 1;
        }
        self.nxt = k + 1;
        if !self.timer {
            self.start_timer(ctx);
        }
    }

    /// Resend only the oldest unacknowledged segment.
    fn resend_oldest(&mut self, ctx: &mut Context<'_, Packet>) {
        let k = self.una;
        send(ctx, SERVER, self.segment(k), true);
        self.sent[0].sends += 1;
        if !self.timer {
            self.start_timer(ctx);
        }
    }

    /// Send what the window allows; once everything is acknowledged, send the FIN.
    fn fill_window(&mut self, ctx: &mut Context<'_, Packet>) {
        if self.state != State::Established {
            return;
        }
        let window = self.window();
        while self.nxt < self.total && self.nxt - self.una < window {
            self.send_next(ctx);
        }
        if self.una == self.total {
            send(
                ctx,
                SERVER,
                Segment::Fin {
                    seq: self.fin_seq(),
                    ack: self.rcv_nxt,
                },
                false,
            );
            self.fin_at = ctx.now();
            self.start_timer(ctx);
            ctx.note(format!(
                "All {} bytes are acknowledged, so the client closes its side with a FIN",
                self.cfg.bytes
            ));
            self.set_state(ctx, State::FinWait1);
        }
    }

    fn output_cwnd(&self, ctx: &mut Context<'_, Packet>) {
        output(ctx, TcpOutput::Cwnd(self.cwnd));
    }

    /// Slow start and congestion avoidance: an ACK of new data.
    fn grow_cwnd(&mut self, ctx: &mut Context<'_, Packet>) {
        if !self.congestion() {
            return;
        }
        if self.cwnd < self.ssthresh as f64 {
            self.cwnd += 1.0;
            ctx.note(format!(
                "Slow start: cwnd grows by one segment to {}",
                short(self.cwnd)
            ));
        } else {
            self.cwnd += 1.0 / self.cwnd;
            ctx.note(format!(
                "Congestion avoidance: cwnd grows by 1/cwnd to {}",
                short(self.cwnd)
            ));
        }
        self.output_cwnd(ctx);
    }

    fn on_data_ack(&mut self, ctx: &mut Context<'_, Packet>, ack: u64) {
        let base = self.cfg.client_isn + 1;
        if ack < base || ack > self.seq(self.max) {
            ctx.note(format!(
                "ACK {ack} acknowledges nothing it sent; it ignores it"
            ));
            return;
        }
        let k = (ack - base).div_ceil(self.cfg.mss).min(self.total);
        if k > self.una {
            let newly = (k - self.una) as usize;
            let karn = self.sent.iter().take(newly).any(|s| s.sends > 1);
            let last = self.sent[newly - 1];
            self.sent.drain(..newly);
            let from = self.seq(self.una);
            self.una = k;
            self.nxt = self.nxt.max(k);
            self.dupacks = 0;
            if karn {
                ctx.note(format!(
                    "ACK {ack} covers a segment it sent more than once, so by Karn's rule it \
                     takes no round-trip sample (was it the first copy or the second that \
                     arrived?)"
                ));
            } else {
                let r = ctx.now() - last.at;
                report_sample(ctx, &mut self.rtt, r, &format!("Bytes {from}..{}", ack - 1));
            }
            self.grow_cwnd(ctx);
            if self.una < self.nxt {
                // Restart the timer for what is still outstanding (RFC 6298, 5.3).
                self.start_timer(ctx);
            } else {
                self.stop_timer(ctx);
            }
            self.fill_window(ctx);
        } else if k == self.una && self.una < self.nxt {
            self.dupacks += 1;
            let nth = match self.dupacks {
                1 => "first".to_string(),
                2 => "second".to_string(),
                3 => "third".to_string(),
                n => format!("{n}th"),
            };
            ctx.note(format!(
                "A duplicate ACK {ack} (the {nth}): the server is still waiting for byte {ack}, \
                 so something after it arrived first"
            ));
            if self.dupacks == 3 && self.congestion() {
                self.fast_retransmit(ctx, ack);
            }
        } else {
            ctx.note(format!(
                "ACK {ack} is old news: it acknowledges nothing new, and nothing after it is \
                 outstanding"
            ));
        }
    }

    /// Three duplicate ACKs: resend the missing segment without waiting for the timer.
    fn fast_retransmit(&mut self, ctx: &mut Context<'_, Packet>, ack: u64) {
        let flight = self.nxt - self.una;
        self.ssthresh = (flight / 2).max(2);
        self.cwnd = self.ssthresh as f64;
        ctx.note(format!(
            "Three duplicate ACKs: the segment at byte {ack} is most likely lost, while later \
             ones got through. Fast retransmit: it resends it now, without waiting for the \
             timer, and halves its rate: ssthresh = max({flight} in flight / 2, 2) = {}, \
             cwnd = {}",
            self.ssthresh,
            short(self.cwnd)
        ));
        // The timer covers the oldest outstanding segment, which is being sent anew: restart
        // it, or it would run out before the new copy had a round trip's time.
        self.stop_timer(ctx);
        match self.cfg.mode {
            Mode::GoBackN => {
                ctx.note("Go-back-N: the server kept nothing after the gap, so it goes back");
                self.nxt = self.una;
                self.fill_window(ctx);
            }
            _ => {
                self.resend_oldest(ctx);
                self.fill_window(ctx);
            }
        }
        self.output_cwnd(ctx);
    }

    fn on_timeout(&mut self, ctx: &mut Context<'_, Packet>) {
        match self.state {
            State::SynSent => {
                self.rtt.back_off();
                self.syn_again = true;
                send(
                    ctx,
                    SERVER,
                    Segment::Syn {
                        seq: self.cfg.client_isn,
                    },
                    true,
                );
                self.start_timer(ctx);
                ctx.note(format!(
                    "No SYN-ACK in time: it sends the SYN again and {}",
                    doubled(&self.rtt)
                ));
                output(ctx, TcpOutput::Rto(self.rtt.rto()));
            }
            State::Established if self.una < self.nxt => {
                self.rtt.back_off();
                let flight = self.nxt - self.una;
                let from = self.seq(self.una);
                ctx.note(format!(
                    "The timer for byte {from} ran out before its ACK came: the segment or its \
                     ACK was lost (or is slow). It {}",
                    doubled(&self.rtt)
                ));
                if self.congestion() {
                    self.ssthresh = (flight / 2).max(2);
                    self.cwnd = 1.0;
                    ctx.note(format!(
                        "A timeout signals congestion: ssthresh = max({flight} in flight / 2, \
                         2) = {} and cwnd drops to 1",
                        self.ssthresh
                    ));
                }
                self.dupacks = 0;
                match self.cfg.mode {
                    Mode::GoBackN => {
                        ctx.note(format!(
                            "Go-back-N: it goes back to byte {from} and resends from there, \
                             as far as its window of {} allows",
                            self.window()
                        ));
                        self.nxt = self.una;
                        self.fill_window(ctx);
                    }
                    Mode::SelectiveRepeat => {
                        ctx.note(format!(
                            "Selective repeat: it resends only the segment at byte {from}; the \
                             server keeps what came after it"
                        ));
                        self.resend_oldest(ctx);
                    }
                    Mode::StopAndWait => {
                        ctx.note(format!("It resends the segment at byte {from}"));
                        self.resend_oldest(ctx);
                    }
                }
                output(ctx, TcpOutput::Rto(self.rtt.rto()));
                if self.congestion() {
                    self.output_cwnd(ctx);
                }
            }
            State::FinWait1 => {
                self.rtt.back_off();
                self.fin_again = true;
                send(
                    ctx,
                    SERVER,
                    Segment::Fin {
                        seq: self.fin_seq(),
                        ack: self.rcv_nxt,
                    },
                    true,
                );
                self.start_timer(ctx);
                ctx.note(format!(
                    "No ACK for its FIN in time: it sends the FIN again and {}",
                    doubled(&self.rtt)
                ));
                output(ctx, TcpOutput::Rto(self.rtt.rto()));
            }
            _ => {}
        }
    }

    fn on_segment(&mut self, ctx: &mut Context<'_, Packet>, segment: Segment) {
        let isn = self.cfg.client_isn;
        match (self.state, segment) {
            (State::Closed, Segment::Rst) => {}
            (State::Closed, segment) => {
                send(ctx, SERVER, Segment::Rst, false);
                ctx.note(format!(
                    "The client has closed the connection; to {} it answers with a reset",
                    segment.label()
                ));
            }
            (State::SynSent, Segment::SynAck { seq, ack }) if ack == isn + 1 => {
                self.stop_timer(ctx);
                self.rcv_nxt = seq + 1;
                ctx.note(format!(
                    "The server has its ISN {isn} and has sent its own, {seq}: the client \
                     acknowledges it, and the connection is open"
                ));
                if self.syn_again {
                    ctx.note("It sent the SYN twice, so by Karn's rule it takes no sample");
                } else {
                    let r = ctx.now() - self.syn_at;
                    report_sample(ctx, &mut self.rtt, r, "The SYN");
                }
                send(ctx, SERVER, Segment::Ack { ack: seq + 1 }, false);
                self.set_state(ctx, State::Established);
                self.fill_window(ctx);
            }
            (State::SynSent, segment) => {
                ctx.note(format!(
                    "It waits for a SYN-ACK and ignores {}",
                    segment.label()
                ));
            }
            (_, Segment::SynAck { seq, .. }) => {
                send(ctx, SERVER, Segment::Ack { ack: seq + 1 }, true);
                ctx.note(
                    "Another SYN-ACK: the server has not seen its ACK (lost?), so it \
                     acknowledges again",
                );
            }
            (State::Established, Segment::Ack { ack }) => self.on_data_ack(ctx, ack),
            (State::FinWait1, Segment::Ack { ack }) if ack == self.fin_seq() + 1 => {
                self.stop_timer(ctx);
                if self.fin_again {
                    ctx.note("Its FIN is acknowledged (it sent it twice: no sample)");
                } else {
                    let r = ctx.now() - self.fin_at;
                    report_sample(ctx, &mut self.rtt, r, "The FIN");
                }
                ctx.note("It waits for the server's FIN");
                self.set_state(ctx, State::FinWait2);
            }
            (State::FinWait1 | State::FinWait2, Segment::Fin { seq, .. }) => {
                self.stop_timer(ctx);
                send(ctx, SERVER, Segment::Ack { ack: seq + 1 }, false);
                ctx.set_timer(TIME_WAIT_TIMER, self.cfg.time_wait);
                ctx.note(format!(
                    "The server is done too. The client acknowledges its FIN and lingers in \
                     TIME-WAIT for {} ticks, in case that ACK is lost and the FIN comes again",
                    self.cfg.time_wait
                ));
                self.set_state(ctx, State::TimeWait);
            }
            (State::TimeWait, Segment::Fin { seq, .. }) => {
                send(ctx, SERVER, Segment::Ack { ack: seq + 1 }, true);
                ctx.set_timer(TIME_WAIT_TIMER, self.cfg.time_wait);
                ctx.note(
                    "The server's FIN again: its last ACK must have been lost. It acknowledges \
                     again and restarts its TIME-WAIT",
                );
            }
            (_, segment) => {
                ctx.note(format!(
                    "{} changes nothing in {}; it ignores it",
                    segment.label(),
                    self.state.name()
                ));
            }
        }
    }

    fn summary(&self) -> String {
        let mut s = self.state.name().to_string();
        match self.state {
            State::SynSent => {}
            State::Established => {
                s += &format!(
                    " · next to send {} · unacked {}",
                    self.seq(self.nxt),
                    self.seq(self.una)
                );
                if self.congestion() {
                    s += &format!(" · cwnd {:.1} · ssthresh {}", self.cwnd, self.ssthresh);
                }
            }
            _ => s += &format!(" · all {} bytes acknowledged", self.cfg.bytes),
        }
        if !matches!(self.state, State::TimeWait | State::Closed) {
            s += &format!(" · RTO {}", self.rtt.rto());
        }
        s
    }
}

impl Server {
    fn new(cfg: Config) -> Self {
        Server {
            rtt: RttEstimator::new(cfg.initial_rto, cfg.min_rto, cfg.max_rto),
            state: State::Listen,
            timer: false,
            synack_at: 0,
            synack_again: false,
            fin_at: 0,
            fin_again: false,
            rcv_nxt: 0,
            delivered: 0,
            buffer: BTreeMap::new(),
            cfg,
        }
    }

    fn start_timer(&mut self, ctx: &mut Context<'_, Packet>) {
        ctx.set_timer(RTO_TIMER, self.rtt.rto());
        self.timer = true;
    }

    fn stop_timer(&mut self, ctx: &mut Context<'_, Packet>) {
        if self.timer {
            ctx.cancel_timer(RTO_TIMER);
            self.timer = false;
        }
    }

    fn set_state(&mut self, ctx: &mut Context<'_, Packet>, state: State) {
        self.state = state;
        output(ctx, TcpOutput::State(state));
    }

    fn synack(&self) -> Segment {
        Segment::SynAck {
            seq: self.cfg.server_isn,
            ack: self.rcv_nxt,
        }
    }

    fn fin(&self) -> Segment {
        Segment::Fin {
            seq: self.cfg.server_isn + 1,
            ack: self.rcv_nxt,
        }
    }

    /// The client's ACK of the SYN-ACK (alone, or on a data segment): the connection is open.
    fn establish(&mut self, ctx: &mut Context<'_, Packet>) {
        self.stop_timer(ctx);
        if self.synack_again {
            ctx.note("Its SYN-ACK is acknowledged (it sent it twice: no sample)");
        } else {
            let r = ctx.now() - self.synack_at;
            report_sample(ctx, &mut self.rtt, r, "The SYN-ACK");
        }
        self.set_state(ctx, State::Established);
    }

    /// Hand `text`, which starts at byte `seq`, to the application, as far as it is new.
    fn deliver(&mut self, ctx: &mut Context<'_, Packet>, seq: u64, text: &str) {
        let skip = (self.rcv_nxt - seq) as usize;
        let fresh = &text[skip.min(text.len())..];
        let at = self.rcv_nxt;
        self.rcv_nxt += fresh.len() as u64;
        self.delivered += fresh.len() as u64;
        output(
            ctx,
            TcpOutput::Deliver {
                seq: at,
                text: fresh.to_string(),
            },
        );
    }

    fn on_data(&mut self, ctx: &mut Context<'_, Packet>, seq: u64, text: String) {
        let end = seq + text.len() as u64;
        let expected = self.rcv_nxt;
        if end <= expected {
            ctx.note(format!(
                "It already has bytes {seq}..{}: this is a copy (the first one's ACK was lost \
                 or slow, or the network duplicated it). It discards it, delivering nothing \
                 twice, and acknowledges again",
                end - 1
            ));
        } else if seq > expected {
            if self.cfg.mode == Mode::SelectiveRepeat {
                self.buffer.entry(seq).or_insert(text);
                ctx.note(format!(
                    "Bytes {seq}..{} came early: it still waits for byte {expected}. It \
                     buffers them ({} buffered) and repeats ACK {expected}",
                    end - 1,
                    count_of(self.buffer.len(), "segment")
                ));
            } else {
                ctx.note(format!(
                    "Bytes {seq}..{} came early: it still waits for byte {expected}. It \
                     keeps only segments in order, so it discards these and repeats \
                     ACK {expected}",
                    end - 1
                ));
            }
        } else {
            self.deliver(ctx, seq, &text);
            let mut from_buffer = 0;
            while let Some(entry) = self.buffer.first_entry() {
                let at = *entry.key();
                if at > self.rcv_nxt {
                    break;
                }
                let text = entry.remove();
                if at + text.len() as u64 > self.rcv_nxt {
                    self.deliver(ctx, at, &text);
                    from_buffer += 1;
                }
            }
            if from_buffer > 0 {
                ctx.note(format!(
                    "The gap is filled: it hands bytes {seq}..{} to its application, \
                     including {} it had buffered",
                    self.rcv_nxt - 1,
                    count_of(from_buffer, "segment")
                ));
            } else {
                ctx.note(format!(
                    "Bytes {seq}..{} are the next in order: it hands them to its application",
                    self.rcv_nxt - 1
                ));
            }
        }
        send(ctx, CLIENT, Segment::Ack { ack: self.rcv_nxt }, false);
    }

    fn on_segment(&mut self, ctx: &mut Context<'_, Packet>, segment: Segment) {
        let iss = self.cfg.server_isn;
        match (self.state, segment) {
            (State::Listen, Segment::Syn { seq }) => {
                self.rcv_nxt = seq + 1;
                send(ctx, CLIENT, self.synack(), false);
                self.synack_at = ctx.now();
                self.start_timer(ctx);
                ctx.note(format!(
                    "A client opens with ISN {seq}. The server acknowledges it (next byte \
                     {}) and sends its own ISN, {iss}",
                    seq + 1
                ));
                self.set_state(ctx, State::SynReceived);
                output(ctx, TcpOutput::Rto(self.rtt.rto()));
            }
            (State::SynReceived, Segment::Syn { .. }) => {
                send(ctx, CLIENT, self.synack(), true);
                self.synack_again = true;
                ctx.note("The SYN again: its SYN-ACK must have been lost; it sends it again");
            }
            (State::SynReceived, Segment::Ack { ack }) if ack == iss + 1 => {
                ctx.note("The client has its ISN: the connection is open");
                self.establish(ctx);
            }
            (State::SynReceived, Segment::Data { seq, ack, text }) if ack == iss + 1 => {
                ctx.note(
                    "The handshake's ACK has not come (lost, or overtaken), but this data \
                     segment acknowledges the SYN-ACK too: the connection is open",
                );
                self.establish(ctx);
                self.on_data(ctx, seq, text);
            }
            (State::Established | State::LastAck, Segment::Data { seq, text, .. }) => {
                self.on_data(ctx, seq, text);
            }
            (State::Established, Segment::Fin { seq, .. }) if seq == self.rcv_nxt => {
                self.rcv_nxt += 1;
                send(ctx, CLIENT, Segment::Ack { ack: self.rcv_nxt }, false);
                send(ctx, CLIENT, self.fin(), false);
                self.fin_at = ctx.now();
                self.start_timer(ctx);
                ctx.note(format!(
                    "The client is done after {} bytes. The server acknowledges its FIN \
                     (CLOSE-WAIT), and having nothing to send itself, sends its own FIN",
                    self.delivered
                ));
                self.set_state(ctx, State::LastAck);
            }
            (State::LastAck, Segment::Fin { .. }) => {
                send(ctx, CLIENT, Segment::Ack { ack: self.rcv_nxt }, true);
                ctx.note("The client's FIN again: it acknowledges it again");
            }
            (State::LastAck, Segment::Ack { ack }) if ack == iss + 2 => {
                self.stop_timer(ctx);
                if self.fin_again {
                    ctx.note("Its FIN is acknowledged (it sent it twice: no sample)");
                } else {
                    let r = ctx.now() - self.fin_at;
                    report_sample(ctx, &mut self.rtt, r, "The FIN");
                }
                ctx.note("Both sides are done: the server closes the connection");
                self.set_state(ctx, State::Closed);
            }
            (State::LastAck, Segment::Rst) => {
                self.stop_timer(ctx);
                ctx.note(
                    "A reset: the client has already closed (its last ACK was lost), so the \
                     server closes too",
                );
                self.set_state(ctx, State::Closed);
            }
            (State::Closed, segment) => {
                ctx.note(format!(
                    "The connection is closed; it ignores {}",
                    segment.label()
                ));
            }
            (_, segment) => {
                ctx.note(format!(
                    "{} changes nothing in {}; it ignores it",
                    segment.label(),
                    self.state.name()
                ));
            }
        }
    }

    fn on_timeout(&mut self, ctx: &mut Context<'_, Packet>) {
        let (segment, what) = match self.state {
            State::SynReceived => {
                self.synack_again = true;
                (self.synack(), "SYN-ACK")
            }
            State::LastAck => {
                self.fin_again = true;
                (self.fin(), "FIN")
            }
            _ => return,
        };
        self.rtt.back_off();
        send(ctx, CLIENT, segment, true);
        self.start_timer(ctx);
        ctx.note(format!(
            "No ACK for its {what} in time: it sends it again and {}",
            doubled(&self.rtt)
        ));
        output(ctx, TcpOutput::Rto(self.rtt.rto()));
    }

    fn summary(&self) -> String {
        let mut s = self.state.name().to_string();
        if self.state != State::Listen {
            s += &format!(
                " · expects {} · delivered {} bytes",
                self.rcv_nxt, self.delivered
            );
        }
        if !self.buffer.is_empty() {
            s += &format!(" · {} buffered", count_of(self.buffer.len(), "segment"));
        }
        if matches!(self.state, State::SynReceived | State::LastAck) {
            s += &format!(" · RTO {}", self.rtt.rto());
        }
        s
    }
}

impl Process for TcpNode {
    type Message = Packet;

    fn on_start(&mut self, ctx: &mut Context<'_, Packet>) {
        if let TcpNode::Client(c) = self {
            send(
                ctx,
                SERVER,
                Segment::Syn {
                    seq: c.cfg.client_isn,
                },
                false,
            );
            c.syn_at = ctx.now();
            c.start_timer(ctx);
            ctx.note(format!(
                "The client opens a connection with its initial sequence number, {}",
                c.cfg.client_isn
            ));
            c.set_state(ctx, State::SynSent);
            output(ctx, TcpOutput::Rto(c.rtt.rto()));
            if c.congestion() {
                c.output_cwnd(ctx);
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Packet>, _from: ProcessId, packet: Packet) {
        match self {
            TcpNode::Client(c) => c.on_segment(ctx, packet.segment),
            TcpNode::Server(s) => s.on_segment(ctx, packet.segment),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Packet>, timer: &str) {
        match self {
            TcpNode::Client(c) if timer == TIME_WAIT_TIMER => {
                if c.state == State::TimeWait {
                    ctx.local("CLOSED");
                    ctx.note("TIME-WAIT is over: the client closes the connection");
                    c.set_state(ctx, State::Closed);
                }
            }
            TcpNode::Client(c) => {
                c.timer = false;
                c.on_timeout(ctx);
            }
            TcpNode::Server(s) => {
                s.timer = false;
                s.on_timeout(ctx);
            }
        }
    }

    fn on_crash(&mut self) {
        // The simulation cancels every timer of a crashed process.
        match self {
            TcpNode::Client(c) => c.timer = false,
            TcpNode::Server(s) => s.timer = false,
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Packet>) {
        match self {
            TcpNode::Client(c) => {
                let outstanding = match c.state {
                    State::SynSent | State::FinWait1 => true,
                    State::Established => c.una < c.nxt,
                    _ => false,
                };
                if outstanding {
                    c.start_timer(ctx);
                    ctx.note("It sets its retransmission timer again");
                }
                if c.state == State::TimeWait {
                    ctx.set_timer(TIME_WAIT_TIMER, c.cfg.time_wait);
                    ctx.note("It starts its TIME-WAIT again");
                }
            }
            TcpNode::Server(s) => {
                if matches!(s.state, State::SynReceived | State::LastAck) {
                    s.start_timer(ctx);
                    ctx.note("It sets its retransmission timer again");
                }
            }
        }
    }

    fn summary(&self) -> String {
        match self {
            TcpNode::Client(c) => c.summary(),
            TcpNode::Server(s) => s.summary(),
        }
    }
}

/// The TCP protocol.
pub struct Tcp;

/// A process's outputs with their typed facts, in order: (fact, event). Outputs without a TCP
/// fact (a trace read from JSON) are left out.
pub fn outputs_of(
    trace: &Trace,
    process: ProcessId,
) -> impl Iterator<Item = (&TcpOutput, EventId)> {
    trace
        .outputs
        .iter()
        .filter(move |o| o.process == process)
        .filter_map(|o| Some((o.fact::<TcpOutput>()?, o.event)))
}

/// The server's deliveries, in order: (text, event).
pub fn deliveries(trace: &Trace) -> impl Iterator<Item = (&str, EventId)> {
    outputs_of(trace, SERVER).filter_map(|(f, e)| match f {
        TcpOutput::Deliver { text, .. } => Some((text.as_str(), e)),
        _ => None,
    })
}

/// A process's latest connection state, if it has reported one.
pub fn last_state(trace: &Trace, process: ProcessId) -> Option<State> {
    outputs_of(trace, process)
        .filter_map(|(f, _)| match f {
            TcpOutput::State(s) => Some(*s),
            _ => None,
        })
        .last()
}

/// Up to ten characters of `s` from character `at`, with an ellipsis if there are more.
fn excerpt(s: &str, at: usize) -> String {
    let mut rest = s.chars().skip(at);
    let shown: String = rest.by_ref().take(10).collect();
    if rest.next().is_some() {
        format!("{shown}…")
    } else {
        shown
    }
}

/// The length of a delivered text, in bytes of the stream (one character each).
fn stream_len(text: &str) -> u64 {
    text.chars().count() as u64
}

fn params_of(scenario: &Scenario) -> Result<TcpParams, ScenarioError> {
    let params: TcpParams = scenario.params()?;
    params.validate()?;
    Ok(params)
}

impl Protocol for Tcp {
    const NAME: &'static str = "tcp";
    const DESCRIPTION: &'static str =
        "a reliable byte stream over an unreliable network: handshake, acknowledgements, \
         adaptive timeouts, windows, congestion control";
    type Node = TcpNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "stop-and-wait",
                description: "one segment in flight at a time: send it, wait for its ACK, send \
                              the next",
                broken: false,
            },
            VariantInfo {
                name: "go-back-n",
                description: "up to `window` segments in flight; the server discards segments \
                              that arrive early, and a timeout resends everything outstanding",
                broken: false,
            },
            VariantInfo {
                name: "selective-repeat",
                description: "up to `window` segments in flight; the server buffers segments \
                              that arrive early, and a timeout resends only the oldest \
                              unacknowledged one",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<TcpNode>, ScenarioError> {
        let params = params_of(scenario)?;
        let n = scenario.processes.len();
        if n != 2 {
            return Err(ScenarioError::invalid(
                "processes",
                format!(
                    "TCP runs between exactly two processes, the client and then the server, \
                     not {n}"
                ),
            ));
        }
        let cfg = Config {
            mode: Mode::of(variant)?,
            bytes: params.bytes,
            mss: params.mss,
            window: params.window,
            client_isn: params.client_isn,
            server_isn: params.server_isn,
            congestion: params.congestion,
            ssthresh: params.ssthresh,
            time_wait: params.time_wait,
            initial_rto: params.initial_rto,
            min_rto: params.min_rto,
            max_rto: params.max_rto,
        };
        Ok(vec![
            TcpNode::Client(Client::new(cfg.clone())),
            TcpNode::Server(Server::new(cfg)),
        ])
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        Mode::of(variant)?;
        let params = params_of(scenario)?;
        let (bytes, isn) = (params.bytes, params.client_isn);
        let exact = Property::new(
            "exact-stream",
            PropertyKind::Safety,
            "the server's application receives a prefix of the client's stream: nothing lost \
             in the middle, nothing twice, nothing out of order",
            move |trace: &Trace| {
                let server = trace.processes.get(SERVER).map_or("the server", |s| s);
                let mut offset = 0u64;
                for (text, event) in deliveries(trace) {
                    let len = stream_len(text);
                    let within = len.min(bytes.saturating_sub(offset));
                    let expected = stream_text(offset, within);
                    let differ = text.chars().zip(expected.chars()).position(|(a, b)| a != b);
                    if let Some(i) = differ {
                        return Verdict::violated(
                            vec![event],
                            format!(
                                "{server}'s application got '{}' at byte {} but the stream \
                                 has '{}' there",
                                excerpt(text, i),
                                isn + 1 + offset + i as u64,
                                excerpt(&expected, i)
                            ),
                        );
                    }
                    if within < len {
                        return Verdict::violated(
                            vec![event],
                            format!(
                                "{server}'s application got '{}' at byte {}, past the end of \
                                 the {bytes}-byte stream",
                                excerpt(text, within as usize),
                                isn + 1 + offset + within
                            ),
                        );
                    }
                    offset += len;
                }
                Verdict::Holds
            },
        );
        let max_steps = scenario.limits.max_steps;
        let complete = Property::new(
            "complete",
            PropertyKind::Liveness,
            "the server's application receives the whole stream, and both sides close the \
             connection",
            move |trace: &Trace| {
                let name = |p: ProcessId| trace.processes.get(p).map_or("?", String::as_str);
                let got: u64 = deliveries(trace).map(|(t, _)| stream_len(t)).sum();
                let client = last_state(trace, CLIENT).unwrap_or(State::Closed);
                let server = last_state(trace, SERVER).unwrap_or(State::Listen);
                if got == bytes && client == State::Closed && server == State::Closed {
                    return Verdict::Holds;
                }
                let mut why = format!(
                    "{}'s application has {got} of the {bytes} bytes; {} is in {} and {} in {}",
                    name(SERVER),
                    name(CLIENT),
                    client.name(),
                    name(SERVER),
                    server.name()
                );
                if trace.steps.len() as u64 >= max_steps {
                    why += &format!(" (the run stopped at its limit of {max_steps} steps)");
                }
                let shown = deliveries(trace)
                    .last()
                    .map(|(_, e)| e)
                    .into_iter()
                    .collect();
                Verdict::violated(shown, why)
            },
        );
        Ok(vec![exact, complete])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        variant: &str,
                        params: TcpParams,
                        latency: (Time, Time),
                        loss: f64| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            protocol: "tcp".into(),
            variant: variant.into(),
            params: serde_json::to_value(params).expect("serialisable"),
            processes: vec!["client".into(), "server".into()],
            network: NetworkModel {
                latency: Latency {
                    min: latency.0,
                    max: latency.1,
                },
                loss,
                fifo: true,
                ..NetworkModel::default()
            },
            faults: Vec::new(),
            seed: 1,
            interventions: Vec::new(),
            limits: Limits {
                max_steps: 20_000,
                max_time: None,
            },
        };
        let drop = |step: u64, message: usize| Intervention {
            step,
            action: Action::Drop { message },
        };
        let handshake = scenario(
            "tcp-handshake",
            "Opening, sending, closing",
            "SYN, SYN-ACK, ACK: the client and the server trade initial sequence numbers. Then \
             three segments of data, each acknowledged with the number of the next byte expected, \
             and the four messages that close the connection.",
            "selective-repeat",
            TcpParams {
                bytes: 300,
                ..TcpParams::default()
            },
            (15, 15),
            0.0,
        );
        let mut lost_segment = scenario(
            "tcp-lost-segment",
            "A lost segment",
            "You drop a data segment. The server, still waiting for its bytes, buffers what \
             comes after and repeats its ACK; the client's timer runs out and it sends the \
             segment again.",
            "selective-repeat",
            TcpParams {
                bytes: 500,
                ..TcpParams::default()
            },
            (10, 20),
            0.0,
        );
        lost_segment.interventions = vec![drop(LOST_SEGMENT.0, LOST_SEGMENT.1)];
        let mut lost_ack = scenario(
            "tcp-lost-ack",
            "A lost ACK",
            "You drop an ACK. The client cannot tell a lost ACK from a lost segment, so it \
             sends the segment again; the server recognises the copy by its sequence number, \
             discards it, and acknowledges again.",
            "stop-and-wait",
            TcpParams {
                bytes: 300,
                ..TcpParams::default()
            },
            (10, 20),
            0.0,
        );
        lost_ack.interventions = vec![drop(LOST_ACK.0, LOST_ACK.1)];
        let no_congestion = TcpParams {
            bytes: 1000,
            congestion: false,
            ..TcpParams::default()
        };
        let mut go_back_n = scenario(
            "tcp-go-back-n",
            "Go-back-N on a lossy network",
            "One message in five is lost. The server keeps only segments in order, so after a \
             loss the client goes back and sends the whole window again. Compare with \
             selective repeat on the same network. Congestion control is off, to show the \
             window alone.",
            "go-back-n",
            no_congestion.clone(),
            (10, 20),
            0.2,
        );
        go_back_n.seed = LOSSY_SEED;
        let mut selective = scenario(
            "tcp-selective-repeat",
            "Selective repeat on a lossy network",
            "The same network as go-back-N, one message in five lost. The server buffers \
             segments that arrive early, so the client resends only the one that is missing. \
             Congestion control is off, to show the window alone.",
            "selective-repeat",
            no_congestion,
            (10, 20),
            0.2,
        );
        selective.seed = LOSSY_SEED;
        let mut congestion = scenario(
            "tcp-congestion",
            "Slow start, a loss, fast retransmit",
            "A longer stream. The congestion window starts at one segment and doubles every \
             round trip; you drop a segment, three duplicate ACKs come back, and the client \
             resends it at once and halves its window. Plot cwnd to see the sawtooth.",
            "selective-repeat",
            TcpParams {
                bytes: 4000,
                window: 16,
                ..TcpParams::default()
            },
            (10, 20),
            0.0,
        );
        congestion.interventions = vec![drop(CONGESTION_DROP.0, CONGESTION_DROP.1)];
        let mut stop_and_wait = scenario(
            "tcp-stop-and-wait",
            "Stop and wait",
            "One segment at a time: the client sends, waits a round trip for the ACK, sends the \
             next. A few messages are lost; watch the timeout adapt to the round trips it \
             measures.",
            "stop-and-wait",
            TcpParams {
                bytes: 500,
                ..TcpParams::default()
            },
            (10, 20),
            0.15,
        );
        stop_and_wait.seed = STOP_AND_WAIT_SEED;
        vec![
            handshake,
            lost_segment,
            lost_ack,
            stop_and_wait,
            go_back_n,
            selective,
            congestion,
        ]
    }
}

/// Where the examples' interventions strike: (step, message). Found by running the examples
/// and checked by the tests (the message must be the segment the description names).
const LOST_SEGMENT: (u64, usize) = (6, 5);
const LOST_ACK: (u64, usize) = (7, 6);
const CONGESTION_DROP: (u64, usize) = (43, 49);
/// The seed of the lossy go-back-N and selective-repeat examples.
const LOSSY_SEED: u64 = 9;
/// The seed of the stop-and-wait example.
const STOP_AND_WAIT_SEED: u64 = 6;
