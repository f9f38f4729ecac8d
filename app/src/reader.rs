//! The lesson text, read beside the live diagram: the "Lesson" button opens it at the top of the
//! side column (under the diagram on a narrow screen, where the diagram stays in view), so a
//! student reads a paragraph and watches the run it speaks of at the same time.
//!
//! A paragraph may carry "show me" links, written in the lesson's text as `[label](query)`
//! where `query` is a view link of the app's own (`s=raft-figure-8&step=40&sel=e12`, see
//! [`crate::link`]). Following one loads that scenario, moves the cursor to the step and selects
//! what it names, without leaving the page or closing the text. The markup is the lesson
//! author's, in our own static text; nothing a run produces is parsed.

use leptos::prelude::*;

use crate::lessons;
use crate::link;
use crate::store::Store;

/// A piece of a paragraph: plain text, or a "show me" link to a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    ShowMe { label: &'a str, query: &'a str },
}

/// A paragraph cut into text and `[label](query)` links. A bracket that does not open a whole
/// link stays text.
pub fn parts(paragraph: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let (mut text_from, mut at) = (0, 0);
    while let Some(offset) = paragraph[at..].find('[') {
        let open = at + offset;
        match link_at(&paragraph[open..]) {
            Some((label, query, len)) => {
                if open > text_from {
                    out.push(Part::Text(&paragraph[text_from..open]));
                }
                out.push(Part::ShowMe { label, query });
                at = open + len;
                text_from = at;
            }
            None => at = open + 1,
        }
    }
    if text_from < paragraph.len() {
        out.push(Part::Text(&paragraph[text_from..]));
    }
    out
}

/// The link `[label](query)` that `text` starts with, and its length.
fn link_at(text: &str) -> Option<(&str, &str, usize)> {
    let close = text.find("](")?;
    let label = &text[1..close];
    if label.is_empty() || label.contains(['[', ']']) {
        return None;
    }
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let query = &after[..end];
    if query.is_empty() || query.contains(char::is_whitespace) {
        return None;
    }
    Some((label, query, close + 2 + end + 1))
}

/// The paragraph as it reads without its links' markup: each link is its label.
pub fn plain(paragraph: &str) -> String {
    parts(paragraph)
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t,
            Part::ShowMe { label, .. } => label,
        })
        .collect()
}

/// Follow a "show me" link: load its scenario (if it is not the one shown, or differs from
/// it), move to its step and select what it names. What does not apply is said in the banner,
/// and the run on screen stays if the scenario does not load.
pub fn show_me(store: Store, query: &str) {
    let (address, mut problems) = link::parse(query);
    let view = link::resolve(&address, &mut problems);
    let same = store.scenario.with_untracked(|s| *s == view.scenario);
    if !same && !store.load(view.scenario.clone()) {
        return;
    }
    store.playing.set(false);
    store.seek(view.cursor);
    store.clocks.set(view.clocks);
    store.selection.set(view.selection);
    if let Some(message) = link::problems_message(&problems) {
        store.error.set(Some(message));
    }
}

/// The lesson's text in the side column, with its "show me" links, then the scenario's own
/// title and description.
#[component]
pub fn LessonReader() -> impl IntoView {
    let store = Store::get();
    let close = move |_| store.view.reading.set(false);
    view! {
        <section class="panel lesson-reader" data-testid="lesson-reader" aria-labelledby="lesson-reader-title">
            {move || {
                let scenario = store.scenario.get();
                let lesson = lessons::lesson_of(&scenario);
                view! {
                    <div class="lesson-reader-head">
                        <h2 id="lesson-reader-title">{lesson.as_ref().map(|l| l.title).unwrap_or("Scenario")}</h2>
                        <button class="lesson-reader-close" data-testid="lesson-reader-close"
                            aria-label="Close the lesson text" on:click=close>"×"</button>
                    </div>
                    {lesson.map(|l| l.text.iter().map(|p| view! { <Paragraph text=p/> }).collect_view())}
                    <h3 data-testid="lesson-scenario-title">{scenario.title.clone()}</h3>
                    <p>{scenario.description.clone()}</p>
                }
            }}
        </section>
    }
}

#[component]
fn Paragraph(text: &'static str) -> impl IntoView {
    let store = Store::get();
    view! {
        <p>
            {parts(text)
                .into_iter()
                .map(|part| match part {
                    Part::Text(t) => t.into_any(),
                    Part::ShowMe { label, query } => view! {
                        <button class="show-me" data-testid="show-me" data-query=query
                            title="Show it in the diagram"
                            on:click=move |_| show_me(store, query)>{label}</button>
                    }
                    .into_any(),
                })
                .collect_view()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_cut_out_of_the_text() {
        assert_eq!(
            parts(
                "Two candidates split the vote ([show me](s=raft-split-vote&step=9)), then retry."
            ),
            [
                Part::Text("Two candidates split the vote ("),
                Part::ShowMe {
                    label: "show me",
                    query: "s=raft-split-vote&step=9"
                },
                Part::Text("), then retry."),
            ]
        );
        assert_eq!(parts("no links"), [Part::Text("no links")]);
        assert_eq!(parts("a [b] c [d"), [Part::Text("a [b] c [d")]);
        assert_eq!(
            parts("[x](q=1)"),
            [Part::ShowMe {
                label: "x",
                query: "q=1"
            }]
        );
        assert_eq!(plain("see [this run](s=a) now"), "see this run now");
    }

    /// What the clocks text says its links show holds on the runs they open.
    #[test]
    fn the_clocks_texts_links_show_what_it_says() {
        use spacetime_core::{protocols, Run};
        let trace = |name: &str| {
            Run::complete(&protocols::example(name).unwrap())
                .unwrap()
                .trace()
                .clone()
        };
        // A receipt: P2 had 0 and m1 carries 2, so the receipt gets 3.
        let busy = trace("clocks-busy-four");
        let receipt = &busy.events[5];
        assert_eq!((receipt.process, receipt.lamport), (1, 3));
        let sent = busy
            .messages
            .iter()
            .find(|m| m.receive_event == Some(5))
            .unwrap();
        assert_eq!(busy.events[sent.send_event].lamport, 2);
        assert!(busy
            .events
            .iter()
            .filter(|e| e.process == 1)
            .all(|e| e.id >= 5));
        // d on P1, [4,0,0,0], is concurrent with every event on P4 before step 14.
        assert_eq!(
            (busy.events[13].process, busy.vector(13)),
            (0, &[4, 0, 0, 0][..])
        );
        let p4: Vec<_> = busy
            .events
            .iter()
            .filter(|e| e.process == 3 && e.step < 14)
            .collect();
        assert!(!p4.is_empty());
        for e in p4 {
            assert!(busy.concurrent(13, e.id), "d and event {}", e.id);
        }
        // a on P1 has L(a) = 1, b on P3 has L(b) = 3, and they are concurrent.
        let pair = trace("clocks-concurrent-pair");
        let (a, b) = (&pair.events[0], &pair.events[4]);
        assert_eq!((a.process, &*a.label, a.lamport), (0, "a", 1));
        assert_eq!((b.process, &*b.label, b.lamport), (2, "b", 3));
        assert!(pair.concurrent(0, 4));
    }

    /// Every "show me" link of every lesson opens, with nothing ignored, on a scenario of that
    /// lesson, at a step inside the run; and every lesson has some.
    #[test]
    fn every_show_me_link_opens_its_own_lesson_as_written() {
        for lesson in lessons::all() {
            let mut links = 0;
            for paragraph in lesson.text {
                for part in parts(paragraph) {
                    let Part::ShowMe { label, query } = part else {
                        continue;
                    };
                    links += 1;
                    assert!(!label.trim().is_empty());
                    let (address, mut problems) = link::parse(query);
                    let view = link::resolve(&address, &mut problems);
                    assert!(problems.is_empty(), "{}: {query}: {problems:?}", lesson.id);
                    assert_eq!(
                        lessons::lesson_of(&view.scenario).map(|l| l.id),
                        Some(lesson.id),
                        "{query} leaves its lesson"
                    );
                    assert!(address.step.is_some(), "{query}: a link says where to look");
                }
                // The markup never shows: no bracket is left in the text as read.
                assert!(!plain(paragraph).contains("]("), "{paragraph}");
            }
            assert!(links > 0, "{} has no \"show me\" link", lesson.id);
        }
    }
}
