//! What the receiving applications have been given so far: the end-to-end view of delivery.

use super::*;
use crate::playback::settled;

/// Between two deliveries shown one by one (not pieces of a stream).
const BETWEEN: &str = "\u{a0}· ";

/// How a delivery reads in the panel: a piece of a stream as it is; a message with its spaces
/// kept, so that a row's lines break between messages ("rumour 1" never split into two lines).
fn display_value(o: &spacetime_core::Output) -> std::borrow::Cow<'_, str> {
    if in_stream(o) {
        o.value.as_str().into()
    } else {
        o.value.replace(' ', "\u{a0}").into()
    }
}

/// Whether a `deliver` output is a piece of a stream, to be joined to the others as the
/// application reads them (its typed fact says so; an imported log's outputs have none).
fn in_stream(o: &spacetime_core::Output) -> bool {
    o.fact.content().is_some_and(|c| c.in_stream())
}

/// The text each process's application has been given so far (a protocol's `deliver` outputs).
///
/// It is display text, and only shown: the outputs' display values, joined (a stream) or apart,
/// never read back. The walk that [`DeliveryIndex`] is checked against.
#[cfg(test)]
fn delivered_at(trace: &Trace, cursor: u64) -> Vec<(ProcessId, String)> {
    let shown = trace.events.partition_point(|e| e.step < cursor);
    let mut by_process: Vec<(ProcessId, String)> = Vec::new();
    for o in trace
        .outputs
        .iter()
        .filter(|o| o.kind == "deliver" && o.event < shown)
    {
        match by_process.iter_mut().find(|(p, _)| *p == o.process) {
            Some((_, text)) => {
                if !in_stream(o) {
                    text.push_str(BETWEEN);
                }
                text.push_str(&display_value(o))
            }
            None => by_process.push((o.process, display_value(o).into_owned())),
        }
    }
    by_process
}

/// One process's deliveries, for [`DeliveryIndex`].
#[derive(Clone, Debug, PartialEq)]
struct Lane {
    process: ProcessId,
    /// Whether its deliveries are pieces of a stream, counted in characters; else they are
    /// counted one by one.
    stream: bool,
    /// Everything it is given in the whole run, joined.
    text: String,
    /// After each delivery: its event, the text so far in bytes, and the count so far
    /// (characters of a stream, or deliveries).
    ends: Vec<(EventId, usize, usize)>,
}

/// The run's deliveries, indexed once per trace, so that the text at a cursor is a binary search
/// per process instead of a walk over every output of the run on each move of the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryIndex {
    /// The processes given anything, in the order of their first delivery.
    lanes: Vec<Lane>,
}

/// One row of the panel at a cursor: the process, its text so far in bytes, and its count so
/// far (characters of a stream, or deliveries).
pub type DeliveredRow = (ProcessId, usize, usize);

impl DeliveryIndex {
    /// The index of `trace`'s deliveries. The engine records each process's outputs in the order
    /// of its events (every trace shown comes from it), which the binary search relies on.
    pub fn new(trace: &Trace) -> Self {
        let mut lanes: Vec<Lane> = Vec::new();
        for o in trace.outputs.iter().filter(|o| o.kind == "deliver") {
            let i = match lanes.iter().position(|l| l.process == o.process) {
                Some(i) => i,
                None => {
                    lanes.push(Lane {
                        process: o.process,
                        stream: in_stream(o),
                        text: String::new(),
                        ends: Vec::new(),
                    });
                    lanes.len() - 1
                }
            };
            let lane = &mut lanes[i];
            debug_assert!(
                lane.ends.last().is_none_or(|&(e, ..)| e <= o.event),
                "deliveries out of event order"
            );
            let count = if lane.stream {
                lane.ends.last().map_or(0, |&(_, _, c)| c) + o.value.chars().count()
            } else {
                if !lane.text.is_empty() {
                    lane.text.push_str(BETWEEN);
                }
                lane.ends.len() + 1
            };
            lane.text.push_str(&display_value(o));
            lane.ends.push((o.event, lane.text.len(), count));
        }
        DeliveryIndex { lanes }
    }

    /// The rows shown after the first `cursor` steps, as [`delivered_at`] orders them.
    pub fn rows_at(&self, trace: &Trace, cursor: u64) -> Vec<DeliveredRow> {
        let shown = trace.events.partition_point(|e| e.step < cursor);
        self.lanes
            .iter()
            .filter_map(|l| {
                let n = l.ends.partition_point(|&(e, ..)| e < shown);
                let (_, bytes, chars) = *l.ends.get(n.checked_sub(1)?)?;
                Some((l.process, bytes, chars))
            })
            .collect()
    }

    /// Whether `process`'s deliveries are counted in characters (a stream) or one by one.
    pub fn is_stream(&self, process: ProcessId) -> bool {
        self.lanes.iter().any(|l| l.process == process && l.stream)
    }

    /// The first `bytes` of what `process` is given in the whole run.
    pub fn text(&self, process: ProcessId, bytes: usize) -> &str {
        self.lanes
            .iter()
            .find(|l| l.process == process)
            .and_then(|l| l.text.get(..bytes))
            .unwrap_or("")
    }
}

/// The most of a process's delivered text a row shows: its latest characters. The box shows
/// about five lines and scrolls; a busy run gives each process thousands of characters, which
/// the browser would lay out again, row by row, on every move of the cursor.
pub const SHOWN_CHARS: usize = 480;

/// The end of `text` a row shows: all of it, or an ellipsis and its last [`SHOWN_CHARS`]
/// characters.
pub fn shown_tail(text: &str) -> String {
    match text.char_indices().rev().nth(SHOWN_CHARS) {
        // More than SHOWN_CHARS characters: cut after the one found.
        Some((at, c)) => format!("…{}", &text[at + c.len_utf8()..]),
        None => text.to_string(),
    }
}

/// A row's count: characters of a stream, or deliveries one by one.
fn count_label(n: usize, stream: bool) -> String {
    match (stream, n) {
        (true, 1) => "1 character".to_string(),
        (true, n) => format!("{n} characters"),
        (false, 1) => "1 delivery".to_string(),
        (false, n) => format!("{n} deliveries"),
    }
}

/// What the receiving applications have been given, live: the end-to-end view of delivery.
///
/// A row per process, keyed by process: a move of the cursor rewrites the texts that changed
/// and leaves the other rows alone.
#[component]
pub fn Delivered() -> impl IntoView {
    let store = Store::get();
    let has_any = Memo::new(move |_| {
        store
            .trace
            .with(|t| t.outputs.iter().any(|o| o.kind == "deliver"))
    });
    let index = Memo::new(move |_| store.trace.with(|t| DeliveryIndex::new(t)));
    let rows = settled(move || {
        let cursor = store.cursor.get();
        store
            .trace
            .with(|t| index.with(|index| index.rows_at(t, cursor)))
    });
    let who = settled(move || rows.with(|r| r.iter().map(|&(p, ..)| p).collect::<Vec<_>>()));
    view! {
        <Show when=move || has_any.get()>
            <section class="panel delivered" data-testid="delivered" aria-label="Delivered to the application">
                <h2 class="panel-title">"Delivered to the application"</h2>
                <Show when=move || who.with(|w| !w.is_empty())
                    fallback=|| view! { <p class="panel-hint">"Nothing yet."</p> }>
                    <For each=move || who.get() key=|p| *p children=move |p| {
                        let name = store.trace.with_untracked(|t| name_of(t, p));
                        let stream = index.with_untracked(|i| i.is_stream(p));
                        let size = Memo::new(move |_| {
                            rows.with(|r| r.iter().find(|r| r.0 == p).map_or((0, 0), |&(_, b, c)| (b, c)))
                        });
                        let text = move || {
                            let bytes = size.get().0;
                            index.with(|index| shown_tail(index.text(p, bytes)))
                        };
                        view! {
                            <div class="delivered-row">
                                <ProcessChip process=p name=name />
                                <span class="panel-hint">{move || count_label(size.get().1, stream)}</span>
                                <code class=if stream { "delivered-text" } else { "delivered-text messages" } data-testid=format!("delivered-{p}")>{text}</code>
                            </div>
                        }
                    } />
                </Show>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index shows what the walk over the outputs shows, at every step.
    #[test]
    fn the_index_agrees_with_the_outputs_at_every_step() {
        for name in [
            "tcp-handshake",
            "broadcast-causal-reply-overtakes",
            "gossip-many-rumours",
            "gossip-busy-sixteen",
        ] {
            let s = spacetime_core::protocols::example(name).unwrap();
            let t = spacetime_core::Run::complete(&s).unwrap().trace().clone();
            let index = DeliveryIndex::new(&t);
            for cursor in 0..=t.step_count() + 1 {
                let walked = delivered_at(&t, cursor);
                let rows = index.rows_at(&t, cursor);
                let shown: Vec<(ProcessId, String)> = rows
                    .iter()
                    .map(|&(p, bytes, count)| {
                        let text = index.text(p, bytes).to_string();
                        let counted = if index.is_stream(p) {
                            text.chars().count()
                        } else {
                            text.split(BETWEEN).count()
                        };
                        assert_eq!(counted, count, "{name} at {cursor}");
                        (p, text)
                    })
                    .collect();
                assert_eq!(shown, walked, "{name} at {cursor}");
            }
        }
    }

    /// TCP hands its application one text, shown joined and counted in characters; a gossip
    /// process delivers rumours, shown apart and counted one by one.
    #[test]
    fn a_stream_is_joined_and_messages_are_listed() {
        let run = |name: &str| {
            let s = spacetime_core::protocols::example(name).unwrap();
            spacetime_core::Run::complete(&s).unwrap().trace().clone()
        };
        let t = run("tcp-handshake");
        let index = DeliveryIndex::new(&t);
        let rows = index.rows_at(&t, u64::MAX);
        let &(p, bytes, count) = rows.first().expect("TCP delivers");
        assert!(index.is_stream(p));
        assert!(!index.text(p, bytes).contains(BETWEEN));
        assert_eq!(count, index.text(p, bytes).chars().count());

        let t = run("gossip-busy-sixteen");
        let index = DeliveryIndex::new(&t);
        let rows = index.rows_at(&t, u64::MAX);
        let &(p, bytes, count) = rows.iter().max_by_key(|r| r.2).unwrap();
        assert!(!index.is_stream(p));
        let text = index.text(p, bytes);
        let heard = t
            .outputs
            .iter()
            .filter(|o| o.kind == "deliver" && o.process == p)
            .count();
        assert!(heard > 1);
        assert_eq!(count, heard);
        assert!(
            text.starts_with("rumour\u{a0}") && text.contains("\u{a0}· rumour\u{a0}"),
            "{text}"
        );
        assert_eq!(count_label(count, false), format!("{heard} deliveries"));
        assert_eq!(count_label(1, true), "1 character");
    }

    #[test]
    fn a_long_text_shows_its_latest_characters() {
        let short = "é".repeat(SHOWN_CHARS);
        assert_eq!(shown_tail(&short), short);
        let long = format!("abc{}", "é".repeat(SHOWN_CHARS - 1));
        let shown = shown_tail(&long);
        assert_eq!(shown, format!("…c{}", "é".repeat(SHOWN_CHARS - 1)));
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 1);
        assert_eq!(shown_tail(""), "");
    }

    #[test]
    fn the_application_gets_the_stream_as_it_is_delivered() {
        let t = spacetime_core::Run::complete(
            &spacetime_core::protocols::example("tcp-handshake").unwrap(),
        )
        .unwrap()
        .trace()
        .clone();
        assert!(delivered_at(&t, 0).is_empty());
        let whole = delivered_at(&t, t.step_count());
        assert_eq!(whole.len(), 1);
        let (p, text) = &whole[0];
        assert_eq!(t.processes[*p], "server");
        assert!(text.starts_with("abcdefg"), "{text}");
        let half = delivered_at(&t, t.step_count() / 2);
        assert!(half
            .first()
            .is_none_or(|(_, h)| text.starts_with(h.as_str()) && h.len() <= text.len()));
    }

    /// What is shown is made of the display values, and scrambles with them: who has been given
    /// something, and when, is the same on a scrambled run; the text is each value scrambled.
    #[test]
    fn a_scrambled_run_delivers_to_the_same_processes_at_the_same_steps() {
        use spacetime_core::testing::{scramble, scrambled};
        for name in ["broadcast-causal-reply-overtakes", "gossip-many-rumours"] {
            let s = spacetime_core::protocols::example(name).unwrap();
            let plain = spacetime_core::Run::complete(&s).unwrap().trace().clone();
            let shown = scrambled(|| spacetime_core::Run::complete(&s).unwrap().trace().clone());
            for cursor in 0..=plain.step_count() {
                let (a, b) = (delivered_at(&plain, cursor), delivered_at(&shown, cursor));
                let who = |rows: &[(ProcessId, String)]| -> Vec<ProcessId> {
                    rows.iter().map(|(p, _)| *p).collect()
                };
                assert_eq!(who(&a), who(&b), "{name} at {cursor}");
            }
            let whole = delivered_at(&shown, shown.step_count());
            for (p, text) in whole {
                // Messages, shown apart, each with its spaces kept.
                let values = plain
                    .outputs
                    .iter()
                    .filter(|o| o.kind == "deliver" && o.process == p)
                    .map(|o| scramble(&o.value).replace(' ', "\u{a0}"))
                    .collect::<Vec<_>>()
                    .join(BETWEEN);
                assert_eq!(text, values, "{name}");
            }
        }
    }
}
