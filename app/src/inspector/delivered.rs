//! What the receiving applications have been given so far: the end-to-end view of delivery.

use super::*;
use crate::playback::settled;

/// The text each process's application has been given so far (a protocol's `deliver` outputs).
///
/// It is display text, and only shown: the outputs' display values, joined, never read back.
/// The walk that [`DeliveryIndex`] is checked against.
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
            Some((_, text)) => text.push_str(&o.value),
            None => by_process.push((o.process, o.value.clone())),
        }
    }
    by_process
}

/// One process's deliveries, for [`DeliveryIndex`].
#[derive(Clone, Debug, PartialEq)]
struct Lane {
    process: ProcessId,
    /// Everything it is given in the whole run, joined.
    text: String,
    /// After each delivery: its event, and the text so far in bytes and in characters.
    ends: Vec<(EventId, usize, usize)>,
}

/// The run's deliveries, indexed once per trace, so that the text at a cursor is a binary search
/// per process instead of a walk over every output of the run on each move of the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryIndex {
    /// The processes given anything, in the order of their first delivery.
    lanes: Vec<Lane>,
}

/// One row of the panel at a cursor: the process, and its text so far in bytes and characters.
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
            let chars = lane.ends.last().map_or(0, |&(_, _, c)| c) + o.value.chars().count();
            lane.text.push_str(&o.value);
            lane.ends.push((o.event, lane.text.len(), chars));
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
                                <span class="panel-hint">{move || format!("{} characters", size.get().1)}</span>
                                <code class="delivered-text" data-testid=format!("delivered-{p}")>{text}</code>
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
                    .map(|&(p, bytes, chars)| {
                        let text = index.text(p, bytes).to_string();
                        assert_eq!(text.chars().count(), chars, "{name} at {cursor}");
                        (p, text)
                    })
                    .collect();
                assert_eq!(shown, walked, "{name} at {cursor}");
            }
        }
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
                let values: String = plain
                    .outputs
                    .iter()
                    .filter(|o| o.kind == "deliver" && o.process == p)
                    .map(|o| scramble(&o.value))
                    .collect();
                assert_eq!(text, values, "{name}");
            }
        }
    }
}
