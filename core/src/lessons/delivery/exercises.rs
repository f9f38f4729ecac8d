//! The exercises of the delivery lesson: how TCP acknowledges, resends and times out.
//!
//! Every exercise here is drawn on a small TCP run between `client` and `server`
//! ([`crate::lessons::delivery::tcp`]): segments of 100 bytes, first-in first-out links, and congestion
//! control off, so that the window alone sets the pace, as in the lesson. Losses are made by
//! hand, never by the network: the generator runs the scenario once, picks a message in flight,
//! drops it with an [`Intervention`] at the step after the one that sent it, runs the scenario
//! again, and checks that the trace has no warnings. A run that does not suit the question (no
//! segment arrives after the gap, say) is drawn again from the same seeded generator, so each
//! (level, seed) always gives the same exercise.
//!
//! | id                    | asks for                                             | form     |
//! |-----------------------|------------------------------------------------------|----------|
//! | `tcp-next-segment`    | what the server sends when the marked segment comes  | `Choice` |
//! | `tcp-retransmissions` | how many data segments the client sends again        | `Fill`   |
//! | `tcp-timeout`         | the client's RTO after the round-trip samples listed | `Fill`   |
//!
//! The levels:
//!
//! * `tcp-next-segment`: easy, go-back-N with a window of 2 and 3–4 segments, and the marked
//!   segment is the first to arrive after the lost one; medium, go-back-N with a window of 3 and
//!   4–5 segments, any segment that arrives after the gap; hard, selective repeat with a window
//!   of 4 and 5–6 segments, a segment after the gap or the copy that fills it (then the answer
//!   covers everything the server buffered). The server's ACKs from the first segment after the
//!   gap up to its answer to the copy that fills it are hidden: they would give the answer away.
//! * `tcp-retransmissions`: easy, stop-and-wait with 2–4 segments and one or two losses, each
//!   a data segment or the ACK of one; medium, go-back-N with a window of 4, 5–8 segments and one
//!   data segment lost (not the last); hard, go-back-N with a window of 3 or 4 and two losses, or
//!   selective repeat with a window of 4 and one or two. Every arrow made after the first loss
//!   is hidden (the lost ones excepted), since retransmissions say ` (again)` on their arrows.
//! * `tcp-timeout`: stop-and-wait on a link whose latency varies; easy, the RTO after the first
//!   sample (`3R`); medium, after the second; hard, after the third, with a timeout (a lost
//!   segment) somewhere after the first sample.
//!
//! The samples of `tcp-timeout` are the client's own `rtt` outputs in the run shown, and the
//! answer is what [`RttEstimator`] makes of them with TCP's default bounds (initial RTO 60, kept
//! between 20 and 240): the RTO rounded up to a whole tick. Since the rounding up is easy to
//! forget, a typed number (whole or with decimals, with a point or a comma) is accepted within
//! 0.5 of that whole RTO, or within 0.5 of the exact value `SRTT + max(1, 4·RTTVAR)` before
//! rounding when no bound cut it.

use std::collections::BTreeMap;

use rand::Rng as _;

use crate::exercise::{
    event_name, ordinal, run_of, Answer, Exercise, ExerciseKind, Feedback, Labels, Level, Question,
    Show,
};
use crate::exercise::{generate_with, wrong_form, Made};
use crate::lessons::delivery::tcp::{
    self, Packet, RttEstimator, Segment, State, TcpOutput, TcpParams, CLIENT, SERVER,
};
use crate::process::{Payload, Rng, Time};
use crate::scenario::{Action, Intervention, Latency, Limits, NetworkModel, Scenario};
use crate::trace::{EventId, EventKind, Fate, Message, MessageId, Trace};
use crate::words::count_of;

/// Bytes per segment in every exercise.
const MSS: u64 = 100;

// ---- Building and reading the runs ----

/// TCP's parameters for a stream of `segments` full segments, congestion control off.
fn params(segments: u64, window: u64) -> TcpParams {
    TcpParams {
        bytes: segments * MSS,
        mss: MSS,
        window,
        congestion: false,
        ..TcpParams::default()
    }
}

/// What a generated run is made of.
struct Setup {
    variant: &'static str,
    params: TcpParams,
    /// The network's latency range, in ticks.
    latency: (Time, Time),
    /// The network's seed (it only matters when the latency varies).
    net_seed: u64,
}

/// The scenario of `setup`, named for the delivery lesson (`tcp-...`).
fn scenario(kind: &dyn ExerciseKind, level: Level, seed: u64, setup: &Setup) -> Scenario {
    Scenario {
        name: format!("{}-exercise-{level}-{seed}", kind.id()),
        title: format!("{} ({level})", kind.title()),
        description: String::new(),
        protocol: "tcp".into(),
        variant: setup.variant.into(),
        params: serde_json::to_value(&setup.params).expect("serialisable"),
        processes: vec!["client".into(), "server".into()],
        network: NetworkModel {
            latency: Latency {
                min: setup.latency.0,
                max: setup.latency.1,
            },
            fifo: true,
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: setup.net_seed,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 5_000,
            max_time: None,
        },
    }
}

/// Drop `m` just after the step that sent it, while it is surely in flight.
fn drop_message(scenario: &mut Scenario, m: &Message) {
    scenario.interventions.push(Intervention {
        step: m.created_step + 1,
        action: Action::Drop { message: m.id },
    });
}

// The exercises read what each message *is*, its typed [`Packet`], never its label: the labels
// are display text (and a test scrambles them to prove nothing here reads them).

/// The TCP packet a message carries (`None` for a message of another protocol, or read from a
/// log).
fn packet(m: &Message) -> Option<&Packet> {
    m.content::<Packet>()
}

/// The segment's name without its retransmission mark: `DATA 101..200`.
fn plain(m: &Message) -> String {
    packet(m).map_or_else(String::new, |p| p.segment.label())
}

/// The name drawn on its arrow, mark included: `DATA 101..200 (again)`.
fn shown(m: &Message) -> String {
    packet(m).map_or_else(String::new, Payload::label)
}

/// Whether the client sent this segment before.
fn is_again(m: &Message) -> bool {
    packet(m).is_some_and(|p| p.again)
}

/// The first and last byte of a data segment: `DATA 101..200` -> `(101, 200)`.
fn data_range(m: &Message) -> Option<(u64, u64)> {
    match &packet(m)?.segment {
        Segment::Data { seq, text, .. } => Some((*seq, seq + (text.len() as u64).max(1) - 1)),
        _ => None,
    }
}

/// The number of a pure acknowledgement: `ACK 201` -> `201`.
fn ack_number(m: &Message) -> Option<u64> {
    match packet(m)?.segment {
        Segment::Ack { ack } => Some(ack),
        _ => None,
    }
}

/// The number of a `ACK n` option of a next-segment question (the exercise's own text).
fn option_ack(option: &str) -> Option<u64> {
    option.strip_prefix("ACK ")?.parse().ok()
}

/// The client's data segments, first copies and copies sent again alike.
fn data_segments(trace: &Trace) -> impl Iterator<Item = &Message> {
    trace
        .messages
        .iter()
        .filter(|m| m.from == CLIENT && m.duplicate_of.is_none() && data_range(m).is_some())
}

/// The messages dropped by hand, in the order they were sent.
fn dropped(trace: &Trace) -> Vec<&Message> {
    trace
        .messages
        .iter()
        .filter(|m| m.fate == Fate::DroppedByLearner)
        .collect()
}

/// The first message a process sends in the step of `receipt`, after it.
fn reply_to(trace: &Trace, receipt: EventId) -> Option<&Message> {
    let e = &trace.events[receipt];
    trace.events[receipt + 1..]
        .iter()
        .take_while(|x| x.step == e.step)
        .find(|x| x.process == e.process && x.kind == EventKind::Send)
        .and_then(|x| x.message)
        .map(|m| &trace.messages[m])
}

/// Whether the server's application got all `bytes` bytes and both sides closed.
fn completes(trace: &Trace, bytes: u64) -> bool {
    let delivered: usize = tcp::deliveries(trace)
        .map(|(text, _)| text.chars().count())
        .sum();
    let closed = |p| tcp::last_state(trace, p) == Some(State::Closed);
    delivered as u64 == bytes && closed(CLIENT) && closed(SERVER)
}

/// A run fit to show: it ran without warnings and to its end.
fn sound(trace: &Trace, bytes: u64) -> bool {
    trace.warnings.is_empty() && completes(trace, bytes)
}

/// `DATA 101..200 and DATA 201..300`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The one text of a one-field answer.
fn single_text(exercise: &Exercise, answer: &Answer) -> Result<(EventId, String), Feedback> {
    let Question::Fill { events, .. } = &exercise.question else {
        return Err(wrong_form("answer another question"));
    };
    let Answer::Fill(texts) = answer else {
        return Err(wrong_form("type a number"));
    };
    match (&events[..], &texts[..]) {
        ([e], [text]) => Ok((*e, text.trim().to_string())),
        _ => Err(Feedback::wrong("Type one number.", Vec::new())),
    }
}

/// Everything an exercise is made of besides its kind, level and seed.
fn exercise(kind: &dyn ExerciseKind, level: Level, seed: u64, made: Made) -> Exercise {
    Exercise::assemble(kind, level, seed, made)
}

// ---- What does the receiver send next? ----

/// What the server sends when the marked data segment arrives after a lost one.
pub struct NextSegment;

/// A next-segment exercise's situation, read back from its run.
struct Receipt<'a> {
    /// The lost segment and its bytes.
    lost: &'a Message,
    gap: (u64, u64),
    /// The marked receipt, its segment and the segment's bytes.
    marked: EventId,
    segment: &'a Message,
    bytes: (u64, u64),
    /// The server's answer to it.
    reply: &'a Message,
    ack: u64,
    /// The segments after the gap that reached the server before the marked one.
    early: Vec<&'a Message>,
    selective: bool,
}

impl<'a> Receipt<'a> {
    fn read(exercise: &'a Exercise) -> Option<Receipt<'a>> {
        let trace = &exercise.trace;
        let lost = *dropped(trace).first()?;
        let gap = data_range(lost)?;
        let marked = *exercise.show.marked.first()?;
        let segment = &trace.messages[trace.events.get(marked)?.message?];
        let bytes = data_range(segment)?;
        let reply = reply_to(trace, marked)?;
        let ack = ack_number(reply)?;
        let early = data_segments(trace)
            .filter(|m| {
                m.receive_event
                    .is_some_and(|r| r > lost.send_event && r < marked)
                    && data_range(m).is_some_and(|(first, _)| first > gap.0)
            })
            .collect();
        Some(Receipt {
            lost,
            gap,
            marked,
            segment,
            bytes,
            reply,
            ack,
            early,
            selective: exercise.scenario.variant == "selective-repeat",
        })
    }

    /// Whether the marked segment is the lost one's copy, which fills the gap.
    fn fills_gap(&self) -> bool {
        self.bytes.0 == self.gap.0
    }

    /// Why the server answers as it does.
    fn explanation(&self) -> String {
        let (gap, lost) = (self.gap.0, plain(self.lost));
        let ack = self.ack;
        if !self.fills_gap() {
            let what = if self.selective {
                format!(
                    "It keeps {} in its buffer for later (selective repeat), but an ACK cannot \
                     mention it: ACKs are cumulative.",
                    plain(self.segment)
                )
            } else {
                format!(
                    "It throws {} away, since go-back-N keeps only segments that arrive in \
                     order.",
                    plain(self.segment)
                )
            };
            return format!(
                "An ACK names the next byte the server needs, and says it has every byte before \
                 that. {lost} was lost, so the server still lacks byte {gap}, and every ACK it \
                 sends says {gap}, however many later bytes arrive. {what} This repeated ACK \
                 {gap}, a duplicate ACK, tells the client that something after byte {gap} \
                 arrived while byte {gap} is still missing."
            );
        }
        let buffered: Vec<String> = self
            .early
            .iter()
            .filter(|m| data_range(m).is_some_and(|(first, _)| first < ack))
            .map(|m| plain(m).to_string())
            .collect();
        if buffered.is_empty() {
            format!(
                "The copy of {lost} fills the gap: the server now has every byte up to {}, so \
                 it acknowledges them all with ACK {ack}, the next byte it needs.",
                ack - 1
            )
        } else {
            format!(
                "The copy of {lost} fills the gap. The server had kept {} in its buffer \
                 (selective repeat), so now it has every byte from {gap} to {}: it hands them \
                 all to its application and acknowledges them with one cumulative ACK {ack}, the \
                 next byte it needs.",
                and_list(&buffered),
                ack - 1
            )
        }
    }
}

impl ExerciseKind for NextSegment {
    fn id(&self) -> &'static str {
        "tcp-next-segment"
    }

    fn title(&self) -> &'static str {
        "What does the receiver send next?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let Question::Choice { options } = &exercise.question else {
            return wrong_form("answer another question");
        };
        let Answer::Choice(chosen) = *answer else {
            return wrong_form("choose one of the options");
        };
        let Some(option) = options.get(chosen) else {
            return Feedback::wrong(
                format!("Choose one of the {} options.", options.len()),
                Vec::new(),
            );
        };
        let Some(r) = Receipt::read(exercise) else {
            return wrong_form("answer another question");
        };
        let events = vec![r.marked, r.reply.send_event, r.lost.send_event];
        let why = r.explanation();
        let (ack, gap, name) = (r.ack, r.gap.0, event_name(r.marked));
        let Some(n) = option_ack(option) else {
            return Feedback::wrong(
                format!(
                    "The server does send something at {name}: it answers every data segment \
                     with an ACK, even one that comes out of order. It sends ACK {ack}. {why}"
                ),
                events,
            );
        };
        if n == ack {
            return Feedback::right(format!("Right: ACK {ack}. {why}"), events);
        }
        let mistake = if n > ack {
            let missing = if r.fills_gap() { ack } else { gap };
            format!(
                "ACK {n} would tell the client that every byte before {n} has arrived, but the \
                 server does not have byte {missing}."
            )
        } else {
            format!(
                "ACK {n} would say the server still needs byte {n}, but by now it has every \
                 byte before {ack}."
            )
        };
        Feedback::wrong(
            format!("Not ACK {n}: at {name} the server sends ACK {ack}. {mistake} {why}"),
            events,
        )
    }
}

impl NextSegment {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (variant, window, segments) = match level {
            Level::Easy => ("go-back-n", 2, rng.random_range(3..=4)),
            Level::Medium => ("go-back-n", 3, rng.random_range(4..=5)),
            Level::Hard => ("selective-repeat", 4, rng.random_range(5..=6)),
        };
        let latency = rng.random_range(8..=15);
        let setup = Setup {
            variant,
            params: params(segments, window),
            latency: (latency, latency),
            net_seed: seed,
        };
        let mut scenario = scenario(self, level, seed, &setup);
        let clean = run_of(&scenario);
        if !sound(&clean, setup.params.bytes) || clean.messages.iter().any(is_again) {
            return None;
        }
        // Any segment but the stream's last, so that a later one can arrive after the gap.
        let firsts: Vec<&Message> = data_segments(&clean).collect();
        if firsts.len() < 2 {
            return None;
        }
        let lost = firsts[rng.random_range(0..firsts.len() - 1)].clone();
        drop_message(&mut scenario, &lost);
        let trace = run_of(&scenario);
        if !sound(&trace, setup.params.bytes)
            || trace.messages[lost.id].fate != Fate::DroppedByLearner
        {
            return None;
        }
        let gap = data_range(&lost)?;
        // The server's receipts of data after the loss, up to the copy that fills the gap.
        // (Segments before the gap, sent with the lost one, may still arrive after its send.)
        let receipts: Vec<(EventId, &Message)> = trace
            .events
            .iter()
            .filter(|e| {
                e.process == SERVER && e.kind == EventKind::Receive && e.id > lost.send_event
            })
            .filter_map(|e| {
                let m = &trace.messages[e.message?];
                let (first, _) = data_range(m)?;
                (first >= gap.0).then_some((e.id, m))
            })
            .collect();
        let fill = receipts
            .iter()
            .position(|(_, m)| data_range(m).is_some_and(|(first, _)| first == gap.0))?;
        let early = &receipts[..fill];
        if early.is_empty() {
            return None;
        }
        let pick = match level {
            Level::Easy => 0,
            Level::Medium => rng.random_range(0..early.len()),
            Level::Hard => {
                if rng.random_bool(0.5) {
                    fill
                } else {
                    rng.random_range(0..early.len())
                }
            }
        };
        let (marked, segment) = receipts[pick];
        let reply = reply_to(&trace, marked)?;
        let right = ack_number(reply)?;
        let bytes = data_range(segment)?;
        // The server's answers from the first segment after the gap to the one that fills it.
        let hidden: Vec<MessageId> = receipts[..=fill]
            .iter()
            .filter_map(|&(e, _)| reply_to(&trace, e).map(|m| m.id))
            .collect();
        // Three numbers a learner might choose, and "nothing".
        let mut numbers = vec![right];
        for n in [gap.0, bytes.1 + 1, bytes.0, gap.0 + MSS, bytes.1 + 1 + MSS] {
            if numbers.len() < 3 && !numbers.contains(&n) {
                numbers.push(n);
            }
        }
        // In a random order: sorted, the right answer would mostly come first.
        for i in (1..numbers.len()).rev() {
            numbers.swap(i, rng.random_range(0..=i));
        }
        let solution = numbers.iter().position(|&n| n == right)?;
        let mut options: Vec<String> = numbers.iter().map(|n| format!("ACK {n}")).collect();
        options.push("nothing".into());
        let how = if variant == "selective-repeat" {
            "selective repeat: the server keeps segments that arrive early in a buffer"
        } else {
            "go-back-N: the server keeps only segments that arrive in order"
        };
        let name = event_name(marked);
        let which = if pick == fill {
            format!("the copy of {} that the client sent again", plain(&lost))
        } else {
            plain(segment).to_string()
        };
        let prompt = format!(
            "The client sends {} bytes, numbered from {} on, in segments of {MSS}, up to \
             {window} at a time, with {how}. Segment {} was lost: its arrow ends in a cross. At the marked event {name} \
             the server receives {which}. What does the server send when it receives the marked \
             segment? (The server's ACKs after the loss are hidden.)",
            setup.params.bytes,
            setup.params.client_isn + 1,
            plain(&lost),
        );
        Some(exercise(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: hidden,
                    marked: vec![marked],
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- How many retransmissions? ----

/// How many data segments the client sends again after the marked losses.
pub struct Retransmissions;

/// The client's data segments sent again, in order.
fn resent(trace: &Trace) -> Vec<&Message> {
    data_segments(trace).filter(|m| is_again(m)).collect()
}

impl Retransmissions {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        // (variant, window, segments, losses, whether an ACK may be lost)
        let (variant, window, segments, losses, acks) = match level {
            Level::Easy => (
                "stop-and-wait",
                1,
                rng.random_range(2..=4),
                rng.random_range(1..=2),
                true,
            ),
            Level::Medium => ("go-back-n", 4, rng.random_range(5..=8), 1, false),
            Level::Hard => {
                if rng.random_bool(0.5) {
                    (
                        "go-back-n",
                        rng.random_range(3..=4),
                        rng.random_range(6..=8),
                        2,
                        false,
                    )
                } else {
                    (
                        "selective-repeat",
                        4,
                        rng.random_range(5..=8),
                        rng.random_range(1..=2),
                        false,
                    )
                }
            }
        };
        let latency = rng.random_range(8..=15);
        let setup = Setup {
            variant,
            params: params(segments, window),
            latency: (latency, latency),
            net_seed: seed,
        };
        let bytes = setup.params.bytes;
        let isn = setup.params.client_isn;
        let mut scenario = scenario(self, level, seed, &setup);
        let mut trace = run_of(&scenario);
        if !sound(&trace, bytes) || !resent(&trace).is_empty() {
            return None;
        }
        let mut after = 0;
        for i in 0..losses {
            let candidates: Vec<&Message> = trace
                .messages
                .iter()
                .filter(|m| m.created_step >= after && m.fate != Fate::DroppedByLearner)
                .filter(|m| {
                    if m.from == CLIENT {
                        // The first loss is a first copy, and not the stream's last segment.
                        data_range(m).is_some_and(|(_, last)| {
                            i > 0 || (!is_again(m) && (acks || last < isn + bytes))
                        })
                    } else {
                        // An acknowledgement of data (not of the FIN).
                        acks && ack_number(m).is_some_and(|n| n > isn + 1 && n <= isn + 1 + bytes)
                    }
                })
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let m = candidates[rng.random_range(0..candidates.len())].clone();
            after = m.created_step;
            drop_message(&mut scenario, &m);
            trace = run_of(&scenario);
        }
        // Only data segments are sent again, and each loss is one of the planned ones.
        let again_other = trace
            .messages
            .iter()
            .any(|m| m.from == CLIENT && is_again(m) && data_range(m).is_none());
        let lost = dropped(&trace);
        if !sound(&trace, bytes) || again_other || lost.len() != losses || resent(&trace).is_empty()
        {
            return None;
        }
        let count = resent(&trace).len();
        let first_drop_step = lost[0].created_step + 1;
        let hidden: Vec<MessageId> = trace
            .messages
            .iter()
            .filter(|m| m.created_step >= first_drop_step && m.fate != Fate::DroppedByLearner)
            .map(|m| m.id)
            .collect();
        let marked: Vec<EventId> = lost.iter().map(|m| m.send_event).collect();
        let how = match variant {
            "stop-and-wait" => "stop-and-wait: one segment out at a time".to_string(),
            "go-back-n" => format!(
                "go-back-N, up to {window} segments out at a time: the server keeps only \
                 segments that arrive in order"
            ),
            _ => format!(
                "selective repeat, up to {window} segments out at a time: the server keeps \
                 segments that arrive early in a buffer"
            ),
        };
        let losses_text: Vec<String> = lost
            .iter()
            .map(|m| format!("{} (sent at {})", shown(m), event_name(m.send_event)))
            .collect();
        let were = if lost.len() == 1 { "was" } else { "were" };
        let prompt = format!(
            "The client sends {bytes} bytes, numbered from {} on, in segments of {MSS}, with \
             {how}. Congestion control \
             is off. The marked {} {were} lost: {}. Nothing else is lost, every message takes \
             {latency} ticks, and the timers are longer than a round trip. The arrows after the \
             first loss are hidden. How many data segments does the client send again (marked \
             \"(again)\") before the whole stream is acknowledged? Type the number in the box.",
            isn + 1,
            if lost.len() == 1 {
                "message"
            } else {
                "messages"
            },
            and_list(&losses_text),
        );
        Some(exercise(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: hidden,
                    marked: marked.clone(),
                },
                question: Question::Fill {
                    events: vec![marked[0]],
                    vector: false,
                },
                solution: Answer::Fill(vec![count.to_string()]),
            },
        ))
    }

    /// Why the client sends `count` segments again, timeout by timeout, from the run.
    fn explanation(exercise: &Exercise) -> (String, Vec<EventId>) {
        let trace = &exercise.trace;
        let again = resent(trace);
        let window = exercise
            .scenario
            .params::<TcpParams>()
            .map_or(1, |p| p.window);
        // One batch per timeout: the segments sent again in one step.
        let mut batches: BTreeMap<u64, Vec<&Message>> = BTreeMap::new();
        for m in &again {
            batches.entry(m.created_step).or_default().push(m);
        }
        let mut parts = Vec::new();
        for batch in batches.values() {
            let first = batch[0];
            let from = data_range(first).map_or(0, |(a, _)| a);
            let label = plain(first);
            // What became of the copy before: lost, or arrived with its ACK lost.
            let before = trace.messages.iter().rfind(|m| {
                m.from == CLIENT && plain(m) == label && m.created_step < first.created_step
            });
            let cause = match before {
                Some(m) if m.fate == Fate::DroppedByLearner && is_again(m) => {
                    format!("the copy of {label} it had sent again was lost too")
                }
                Some(m) if m.fate == Fate::DroppedByLearner => format!("{label} had been lost"),
                Some(m) => match m.receive_event.and_then(|r| reply_to(trace, r)) {
                    Some(ack) if ack.fate == Fate::DroppedByLearner => format!(
                        "{label} had arrived, but the server's {} was lost, and the client \
                         cannot tell a lost ACK from a lost segment",
                        plain(ack)
                    ),
                    _ => format!("no ACK for {label} had come in time"),
                },
                None => format!("no ACK for {label} had come in time"),
            };
            let sent: Vec<String> = batch
                .iter()
                .map(|m| format!("{} ({})", plain(m), event_name(m.send_event)))
                .collect();
            parts.push(format!(
                "its timer for byte {from} ran out ({cause}), and it sent {} again: {}",
                if batch.len() == 1 {
                    "one segment"
                } else {
                    "these"
                },
                and_list(&sent)
            ));
        }
        let rule = match exercise.scenario.variant.as_str() {
            "go-back-n" => format!(
                " Go-back-N: the server threw away whatever came after the gap, so on a \
                 timeout the client goes back to the oldest unacknowledged segment and sends \
                 again every segment it had sent from there, as far as its window of {window} \
                 allows."
            ),
            "selective-repeat" => " Selective repeat: the server kept the segments that came \
                                   after the gap, so a timeout sends again only the oldest \
                                   unacknowledged segment, and its ACK covers the rest."
                .to_string(),
            _ => " Stop-and-wait has one segment out at a time, so each timeout sends just that \
                  one again."
                .to_string(),
        };
        let text = format!(
            "The client sends {} again. {}.{rule}",
            count_of(again.len(), "data segment"),
            parts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i == 0 {
                        format!("First, {p}")
                    } else {
                        format!("then {p}")
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        );
        let mut events: Vec<EventId> = again.iter().map(|m| m.send_event).collect();
        events.extend(dropped(trace).iter().map(|m| m.send_event));
        (text, events)
    }
}

impl ExerciseKind for Retransmissions {
    fn id(&self) -> &'static str {
        "tcp-retransmissions"
    }

    fn title(&self) -> &'static str {
        "How many retransmissions?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (e, text) = match single_text(exercise, answer) {
            Ok(x) => x,
            Err(feedback) => return feedback,
        };
        if text.is_empty() {
            return Feedback::wrong(
                "Type how many data segments the client sends again, as a whole number.",
                vec![e],
            );
        }
        let Ok(given) = text.parse::<usize>() else {
            return Feedback::wrong(
                format!("\"{text}\" is not a whole number: type how many segments, like 3."),
                vec![e],
            );
        };
        let count = resent(&exercise.trace).len();
        let (why, events) = Self::explanation(exercise);
        if given == count {
            return Feedback::right(format!("Right. {why}"), events);
        }
        let hint = match exercise.scenario.variant.as_str() {
            "go-back-n" if given < count => {
                " Go-back-N sends again more than the lost segments: the server discarded \
                 everything after each gap."
            }
            "selective-repeat" if given > count => {
                " Selective repeat sends again only what is missing: the server kept the rest."
            }
            "stop-and-wait" if given < count => {
                " A lost ACK costs a retransmission too: the client cannot tell it from a lost \
                 segment."
            }
            _ => "",
        };
        Feedback::wrong(format!("Not {given}.{hint} {why}"), events)
    }
}

// ---- What timeout after these samples? ----

/// Something that changes the client's RTO: a round-trip sample, or a timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RttEvent {
    /// A round-trip sample of this many ticks.
    Sample(Time),
    /// The retransmission timer ran out: the RTO doubles.
    Timeout,
}

/// The RTO after `events`, from an estimator with TCP's default bounds (initial RTO 60, kept
/// between 20 and 240), as [`RttEstimator`] computes it: in whole ticks, rounded up.
pub fn rto_after(events: &[RttEvent]) -> Time {
    estimator_after(events).rto()
}

fn estimator_after(events: &[RttEvent]) -> RttEstimator {
    let d = TcpParams::default();
    let mut est = RttEstimator::new(d.initial_rto, d.min_rto, d.max_rto);
    for e in events {
        match *e {
            RttEvent::Sample(r) => est.sample(r),
            RttEvent::Timeout => est.back_off(),
        }
    }
    est
}

/// The RTO after `events` before rounding up and bounding: `SRTT + max(1, 4·RTTVAR)`; `None`
/// before any sample.
fn exact_rto(events: &[RttEvent]) -> Option<f64> {
    let est = estimator_after(events);
    Some(est.srtt()? + (4.0 * est.rttvar()?).max(1.0))
}

/// What the client's RTO went through in a run, with the events that show it: its samples (at
/// the receipt that gave each) and its timeouts (at the segment sent again). Checked against
/// the `rto` outputs the client reported; `None` if they disagree.
fn rtt_history(trace: &Trace) -> Option<Vec<(RttEvent, EventId)>> {
    let d = TcpParams::default();
    let mut est = RttEstimator::new(d.initial_rto, d.min_rto, d.max_rto);
    let mut history = Vec::new();
    let mut first_rto = true;
    let mut sample_step = None;
    for (fact, event) in tcp::outputs_of(trace, CLIENT) {
        let step = trace.events[event].step;
        match *fact {
            TcpOutput::Rtt(r) => {
                est.sample(r);
                history.push((RttEvent::Sample(r), event));
                sample_step = Some(step);
            }
            TcpOutput::Rto(rto) => {
                if first_rto {
                    first_rto = false;
                } else if sample_step != Some(step) {
                    est.back_off();
                    history.push((RttEvent::Timeout, event));
                }
                if rto != est.rto() {
                    return None;
                }
            }
            _ => {}
        }
    }
    Some(history)
}

/// What a sample measured, in words: `the SYN`, `DATA 101..200`, `the FIN`.
fn measured(trace: &Trace, receipt: EventId) -> String {
    let Some(m) = trace.events[receipt].message.map(|m| &trace.messages[m]) else {
        return "a segment".to_string();
    };
    if matches!(
        packet(m),
        Some(Packet {
            segment: Segment::SynAck { .. },
            ..
        })
    ) {
        return "the SYN".to_string();
    }
    let Some(n) = ack_number(m) else {
        return "a segment".to_string();
    };
    data_segments(trace)
        .find(|m| data_range(m).is_some_and(|(_, last)| last + 1 == n))
        .map_or_else(|| "the FIN".to_string(), |m| plain(m).to_string())
}

/// `= 26`, `= 26.625`, and `≈ 26.297` for a value with more than three decimals.
fn equals(x: f64) -> String {
    let sign = if (x * 1000.0).round() / 1000.0 == x {
        "="
    } else {
        "≈"
    };
    format!("{sign} {}", value(x))
}

/// A value in a formula: `26.625`, or `26.297` rounded to three decimals.
fn value(x: f64) -> String {
    let text = format!("{:.3}", (x * 1000.0).round() / 1000.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// RFC 6298 worked step by step over `history`.
fn worked(history: &[RttEvent]) -> String {
    let d = TcpParams::default();
    let (min, max) = (d.min_rto, d.max_rto);
    let mut est = RttEstimator::new(d.initial_rto, min, max);
    let mut lines = Vec::new();
    let mut samples = 0;
    let mut backed_off = false;
    for e in history {
        match *e {
            RttEvent::Sample(r) => {
                samples += 1;
                let before = (est.srtt(), est.rttvar());
                est.sample(r);
                let (srtt, rttvar) = (
                    est.srtt().unwrap_or_default(),
                    est.rttvar().unwrap_or_default(),
                );
                let head = format!("{} sample, R = {r}:", ordinal(samples));
                let smoothing = match before {
                    (Some(s), Some(v)) => format!(
                        "RTTVAR = 3/4·{} + 1/4·|{} − {r}| {}, then SRTT = 7/8·{} + 1/8·{r} {}",
                        value(v),
                        value(s),
                        equals(rttvar),
                        value(s),
                        equals(srtt)
                    ),
                    _ => format!("SRTT = R = {r}, RTTVAR = R/2 {}", equals(rttvar)),
                };
                let exact = srtt + (4.0 * rttvar).max(1.0);
                let margin = if 4.0 * rttvar >= 1.0 {
                    format!("{} + 4·{}", value(srtt), value(rttvar))
                } else {
                    format!(
                        "{} + 1 (4·RTTVAR is under the 1-tick granularity)",
                        value(srtt)
                    )
                };
                let mut rto = format!("RTO = {margin} {}", equals(exact));
                if exact.ceil() != exact {
                    rto += &format!(", rounded up to {}", exact.ceil());
                }
                if est.rto() as f64 != exact.ceil() {
                    rto += &format!(", kept between {min} and {max}: {}", est.rto());
                }
                if backed_off {
                    rto += " (a fresh sample sets the RTO anew: the doubling is over)";
                }
                backed_off = false;
                lines.push(format!("{head} {smoothing}; {rto}."));
            }
            RttEvent::Timeout => {
                let was = est.rto();
                est.back_off();
                backed_off = true;
                let cap = if est.rto() == max && was * 2 != max {
                    format!(" (capped at {max})")
                } else {
                    String::new()
                };
                lines.push(format!(
                    "A timeout: the RTO doubles from {was} to {}{cap}; SRTT and RTTVAR stay as \
                     they were.",
                    est.rto()
                ));
            }
        }
    }
    lines.join(" ")
}

/// A typed number of ticks: `71`, `70.625`, `70,625`, `71 ticks`.
fn parse_ticks(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text
        .strip_suffix("ticks")
        .or_else(|| text.strip_suffix("tick"))
        .unwrap_or(text)
        .trim()
        .replace(',', ".");
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether `x` is within half a tick of the RTO after `history`, or of its exact value before
/// rounding up when no bound cut it.
fn close_to_rto(history: &[RttEvent], x: f64) -> bool {
    let rto = rto_after(history) as f64;
    let exact = exact_rto(history).filter(|e| e.ceil() == rto);
    (x - rto).abs() <= 0.5 || exact.is_some_and(|e| (x - e).abs() <= 0.5)
}

/// The client's RTO after the round-trip samples listed.
pub struct Rto;

impl Rto {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (segments, wanted, lose) = match level {
            Level::Easy => (rng.random_range(1..=3), 1, None),
            Level::Medium => (rng.random_range(2..=3), 2, None),
            Level::Hard => (
                rng.random_range(3..=4),
                3,
                Some(rng.random_range(0..2usize)),
            ),
        };
        let low = rng.random_range(5..=10);
        let high = low + rng.random_range(4..=12);
        let setup = Setup {
            variant: "stop-and-wait",
            params: params(segments, 1),
            latency: (low, high),
            net_seed: rng.random_range(0..1_000_000),
        };
        let mut scenario = scenario(self, level, seed, &setup);
        let mut trace = run_of(&scenario);
        if let Some(k) = lose {
            let firsts: Vec<&Message> = data_segments(&trace).collect();
            if !sound(&trace, setup.params.bytes)
                || firsts.len() <= k
                || firsts.iter().any(|m| is_again(m))
            {
                return None;
            }
            let m = firsts[k].clone();
            drop_message(&mut scenario, &m);
            trace = run_of(&scenario);
        }
        if !sound(&trace, setup.params.bytes) {
            return None;
        }
        let history = rtt_history(&trace)?;
        let timeouts = history
            .iter()
            .filter(|(e, _)| *e == RttEvent::Timeout)
            .count();
        // Up to and including the wanted sample.
        let end = history
            .iter()
            .enumerate()
            .filter(|(_, (e, _))| matches!(e, RttEvent::Sample(_)))
            .nth(wanted - 1)
            .map(|(i, _)| i)?;
        let asked = &history[..=end];
        let timeouts_asked = asked
            .iter()
            .filter(|(e, _)| *e == RttEvent::Timeout)
            .count();
        let expected = usize::from(lose.is_some());
        // The only timeout is the one the loss causes, after the first sample.
        if timeouts != expected
            || timeouts_asked != expected
            || matches!(asked.first(), Some((RttEvent::Timeout, _)))
        {
            return None;
        }
        let marked = asked[end].1;
        let events: Vec<RttEvent> = asked.iter().map(|(e, _)| *e).collect();
        let answer = rto_after(&events);
        let mut told = Vec::new();
        let mut n = 0;
        for &(e, at) in asked {
            match e {
                RttEvent::Sample(r) => {
                    n += 1;
                    told.push(format!(
                        "{} sample {r} ticks ({}, answered at {})",
                        ordinal(n),
                        measured(&trace, at),
                        event_name(at)
                    ));
                }
                RttEvent::Timeout => told.push(format!(
                    "then its timer ran out and it sent {} again (at {}); by Karn's rule that \
                     segment gives no sample",
                    trace.events[at]
                        .message
                        .map_or_else(String::new, |m| plain(&trace.messages[m])),
                    event_name(at)
                )),
            }
        }
        let rules = match level {
            Level::Easy => "The first sample R sets SRTT = R and RTTVAR = R/2; then \
                            RTO = SRTT + 4·RTTVAR."
                .to_string(),
            _ => "The first sample R sets SRTT = R and RTTVAR = R/2. Each later sample R' first \
                  sets RTTVAR = 3/4·RTTVAR + 1/4·|SRTT − R'| (with the SRTT from before), then \
                  SRTT = 7/8·SRTT + 1/8·R'. After each sample, RTO = SRTT + 4·RTTVAR, rounded \
                  up to a whole tick. A timeout doubles the RTO."
                .to_string(),
        };
        let prompt = format!(
            "The client sets its retransmission timeout (RTO) from the round trips it measures, \
             by RFC 6298, keeping it between {} and {} ticks. {rules} In this run it measured: \
             {}. What is its RTO right after the {} sample, at the marked event {}? Type a \
             number of ticks.",
            setup.params.min_rto,
            setup.params.max_rto,
            told.join("; "),
            ordinal(wanted),
            event_name(marked)
        );
        Some(exercise(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: vec![marked],
                },
                question: Question::Fill {
                    events: vec![marked],
                    vector: false,
                },
                solution: Answer::Fill(vec![answer.to_string()]),
            },
        ))
    }

    /// The history up to the marked sample, with the events it happened at.
    fn asked(exercise: &Exercise, marked: EventId) -> Option<Vec<(RttEvent, EventId)>> {
        let history = rtt_history(&exercise.trace)?;
        let end = history
            .iter()
            .position(|&(e, at)| at == marked && matches!(e, RttEvent::Sample(_)))?;
        Some(history[..=end].to_vec())
    }
}

/// A likely slip that gives `x`, said in words; `None` if `x` is none of them.
fn slip(history: &[RttEvent], x: f64) -> Option<String> {
    let near = |y: f64| (x - y).abs() <= 0.5 || (x - y.ceil()).abs() <= 0.5;
    let est = estimator_after(history);
    let (srtt, rttvar) = (est.srtt()?, est.rttvar()?);
    let samples: Vec<Time> = history
        .iter()
        .filter_map(|e| match e {
            RttEvent::Sample(r) => Some(*r),
            RttEvent::Timeout => None,
        })
        .collect();
    let last = *samples.last()? as f64;
    // The RTO right after the last timeout, or the answer doubled.
    let after_timeout = history
        .iter()
        .rposition(|e| *e == RttEvent::Timeout)
        .map(|i| rto_after(&history[..=i]) as f64);
    if after_timeout.is_some_and(near) || (after_timeout.is_some() && near(2.0 * est.rto() as f64))
    {
        return Some(
            "A timeout doubles the RTO only until the next sample: a fresh sample sets \
             RTO = SRTT + 4·RTTVAR again (and SRTT and RTTVAR were not changed by the timeout)."
                .into(),
        );
    }
    if near(srtt) {
        return Some(
            "That is SRTT, the smoothed round trip alone: the RTO adds a margin of 4·RTTVAR, so \
             that a round trip a little slower than usual does not time out."
                .into(),
        );
    }
    if near(srtt + rttvar) {
        return Some("The margin over SRTT is four RTTVARs, not one.".into());
    }
    if samples.len() > 1 && near(3.0 * last) {
        return Some(
            "Only the first sample sets SRTT = R and RTTVAR = R/2 (so RTO = 3R); later samples \
             move SRTT by only 1/8 of the way, and RTTVAR by 1/4."
                .into(),
        );
    }
    if samples.len() > 1 {
        // SRTT updated before RTTVAR, which then uses the new SRTT.
        let (mut s, mut v) = (samples[0] as f64, samples[0] as f64 / 2.0);
        for &r in &samples[1..] {
            let r = r as f64;
            s = 7.0 / 8.0 * s + r / 8.0;
            v = 3.0 / 4.0 * v + (s - r).abs() / 4.0;
        }
        if near(s + 4.0 * v) {
            return Some(
                "RTTVAR is updated first, with the SRTT from before the sample; only then \
                 does SRTT move."
                    .into(),
            );
        }
    }
    if (x - last).abs() <= 0.5 {
        return Some("That is the last sample itself, not the timeout.".into());
    }
    None
}

impl ExerciseKind for Rto {
    fn id(&self) -> &'static str {
        "tcp-timeout"
    }

    fn title(&self) -> &'static str {
        "What timeout after these samples?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (e, text) = match single_text(exercise, answer) {
            Ok(x) => x,
            Err(feedback) => return feedback,
        };
        let Some(asked) = Rto::asked(exercise, e) else {
            return wrong_form("answer another question");
        };
        let history: Vec<RttEvent> = asked.iter().map(|(e, _)| *e).collect();
        let events: Vec<EventId> = asked.iter().rev().map(|(_, at)| *at).collect();
        let rto = rto_after(&history);
        if text.is_empty() {
            return Feedback::wrong(
                format!("Type the RTO at {} as a number of ticks.", event_name(e)),
                vec![e],
            );
        }
        let Some(x) = parse_ticks(&text) else {
            return Feedback::wrong(
                format!("\"{text}\" is not a number: type the RTO in ticks, like 75."),
                vec![e],
            );
        };
        let steps = worked(&history);
        if close_to_rto(&history, x) {
            let exact = exact_rto(&history).unwrap_or(rto as f64);
            let note = if exact.ceil() == rto as f64 && exact != rto as f64 {
                format!(
                    " (exactly {}, and TCP rounds up to a whole tick: {rto})",
                    value(exact)
                )
            } else {
                String::new()
            };
            return Feedback::right(format!("Right: {rto} ticks{note}. {steps}"), events);
        }
        let given = value(x);
        let why = slip(&history, x).map_or(String::new(), |s| format!(" {s}"));
        Feedback::wrong(
            format!(
                "The RTO at {} is {rto} ticks, not {given}.{why} Step by step: {steps}",
                event_name(e)
            ),
            events,
        )
    }
}
