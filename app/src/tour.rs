//! The tour player: a teacher's guided walk through one run (see `spacetime_core::tour` for the
//! file format). It loads the tour's scenario, plays to each stop and pauses there, shows what
//! the stop says and asks its question; Next, Back and Leave move through it. A tour of several
//! legs (runs) loads the next leg's scenario when it moves to a stop on it.

use std::sync::Arc;

use leptos::prelude::*;
use spacetime_core::tour::Tour;
use spacetime_core::{Action, ProcessRef, Trace};

use crate::lessons;
use crate::link::clock_mode_of;
use crate::store::{Activity, Store, TourState};

/// Start a checked tour: its run from the beginning, the introduction shown.
pub fn start(store: Store, tour: Tour, source: Option<String>) {
    if store.activity.get_untracked() != Activity::Explore {
        crate::leave_activity(store);
    }
    // A tour started from another tour gives back the labels the learner had before both.
    let labels_before = store
        .tour
        .with_untracked(|t| t.as_ref().map(|t| t.labels_before))
        .unwrap_or_else(|| store.clocks.get_untracked());
    if !store.load(tour.scenario.clone()) {
        return;
    }
    if let Some(mode) = tour.labels.as_deref().and_then(clock_mode_of) {
        store.clocks.set(mode);
    }
    store.pause_at.set(None);
    store.tour.set(Some(TourState {
        tour: Arc::new(tour),
        stop: None,
        arrived: false,
        answer: None,
        source,
        labels_before,
    }));
}

/// Start the tour in `text` (named `name` in messages), once the lesson of its scenario has
/// loaded; if it does not load, the banner says which stop is wrong and why, and the run on
/// screen stays.
pub fn start_text(store: Store, name: &str, text: &str, source: Option<String>) {
    let (name, text) = (name.to_string(), text.to_string());
    let needed = lessons::catalog::needed_by_json(&text);
    lessons::loader::then_all(store, needed, move |store| {
        start_text_now(store, &name, &text, source);
    });
}

fn start_text_now(store: Store, name: &str, text: &str, source: Option<String>) -> bool {
    match Tour::load(text) {
        Ok(tour) => {
            start(store, tour, source);
            true
        }
        Err(e) => {
            store
                .error
                .set(Some(format!("The tour {name} could not start: {e}")));
            false
        }
    }
}

/// The lesson whose tour `id` names, if it has one.
pub fn lesson_tour(id: &str) -> Option<&'static str> {
    lessons::all()
        .into_iter()
        .find(|l| l.id == id)
        .map(|l| l.tour)
        .filter(|t| !t.is_empty())
}

/// Start the tour a link names: a lesson's own (`tour=clocks`), or a tour file fetched from a
/// URL relative to the page (`tour=tours/week3.json`).
pub fn open(store: Store, what: &str) {
    if let Some(entry) = lessons::entry(what).filter(|e| !lessons::is_loaded(e.id)) {
        let what = what.to_string();
        lessons::loader::then(store, entry.id, move |store| open(store, &what));
        return;
    }
    if let Some(text) = lesson_tour(what) {
        start_text(
            store,
            &format!("of the lesson \"{what}\""),
            text,
            Some(what.into()),
        );
        return;
    }
    let url = what.to_string();
    leptos::task::spawn_local(async move {
        match fetch_text(&url).await {
            Ok(text) => {
                start_text(store, &format!("\"{url}\""), &text, Some(url.clone()));
            }
            Err(why) => store.error.set(Some(format!(
                "The tour \"{url}\" could not be fetched: {why}"
            ))),
        }
    });
}

/// The text at `url` (relative to the page).
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "the network request failed".to_string())?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| "no text".to_string())?)
        .await
        .map_err(|_| "the file could not be read".to_string())?;
    text.as_string()
        .ok_or_else(|| "the file is not text".into())
}

/// Moving from stop `from` to stop `i`: load the run of the leg `i` is on, unless it is the one
/// on screen, and on entering another leg show its labels; true if `i` is on another leg than
/// `from` (or its run had to be loaded).
fn load_leg(store: Store, from: Option<usize>, i: usize) -> bool {
    let Some((leg, entering)) = store.tour.with_untracked(|t| {
        t.as_ref().map(|t| {
            let leg = t.tour.leg_of(i);
            let entering = from.is_none_or(|f| t.tour.leg_of(f).first != leg.first);
            (leg.clone(), entering)
        })
    }) else {
        return false;
    };
    let loaded = !store.scenario.with_untracked(|s| *s == leg.scenario) && {
        store.pause_at.set(None);
        store.load(leg.scenario)
    };
    if loaded || entering {
        if let Some(mode) = leg.labels.as_deref().and_then(clock_mode_of) {
            store.clocks.set(mode);
        }
    }
    loaded || entering
}

/// Go to stop `i`: play there from an earlier step and pause, or jump back to it. On another
/// leg, its run is loaded first: going forward plays it from the start, going back jumps.
fn go(store: Store, i: usize) {
    let Some((step, from)) = store.tour.with_untracked(|t| {
        t.as_ref()
            .and_then(|t| t.tour.stops.get(i).map(|s| (s.step, t.stop)))
    }) else {
        return;
    };
    // Say which stop is due before loading, so that the watcher sees the tour's own run.
    store.tour.update(|t| {
        if let Some(t) = t {
            t.stop = Some(i);
        }
    });
    let backwards = from.is_some_and(|f| i < f);
    if load_leg(store, from, i) && !backwards {
        // A new leg plays from its beginning.
        store.seek(0);
    }
    let cursor = store.cursor.get_untracked();
    let ahead = step > cursor && !backwards;
    store.tour.update(|t| {
        if let Some(t) = t {
            t.stop = Some(i);
            t.arrived = !ahead;
            t.answer = None;
        }
    });
    if ahead {
        store.pause_at.set(Some(step));
        store.playing.set(true);
    } else {
        store.pause_at.set(None);
        store.playing.set(false);
        store.seek(step);
    }
}

/// Next: from the introduction to the first stop; while playing to a stop, straight there; at
/// a stop, on to the next one; at the last, the tour ends.
pub fn next(store: Store) {
    let Some((stop, arrived, count)) = store
        .tour
        .with_untracked(|t| t.as_ref().map(|t| (t.stop, t.arrived, t.tour.stops.len())))
    else {
        return;
    };
    match stop {
        None => go(store, 0),
        Some(i) if !arrived => {
            let step = store
                .tour
                .with_untracked(|t| t.as_ref().map(|t| t.tour.stops[i].step))
                .unwrap_or(0);
            store.playing.set(false);
            store.pause_at.set(None);
            store.seek(step);
            store.tour.update(|t| {
                if let Some(t) = t {
                    t.arrived = true;
                }
            });
        }
        Some(i) if i + 1 < count => go(store, i + 1),
        Some(_) => leave(store),
    }
}

/// Back: to the stop before (at once, without playing), or from the first to the introduction.
pub fn back(store: Store) {
    let Some(stop) = store.tour.with_untracked(|t| t.as_ref().map(|t| t.stop)) else {
        return;
    };
    match stop {
        Some(i) if i > 0 => go(store, i - 1),
        _ => {
            store.tour.update(|t| {
                if let Some(t) = t {
                    t.stop = None;
                }
            });
            load_leg(store, stop, 0);
            store.playing.set(false);
            store.pause_at.set(None);
            store.seek(0);
            store.tour.update(|t| {
                if let Some(t) = t {
                    t.stop = None;
                    t.arrived = false;
                    t.answer = None;
                }
            });
        }
    }
}

/// Leave the tour; the run stays where it is, with the labels the learner had before it.
pub fn leave(store: Store) {
    store.pause_at.set(None);
    store.playing.set(false);
    if let Some(before) = store
        .tour
        .with_untracked(|t| t.as_ref().map(|t| t.labels_before))
    {
        store.clocks.set(before);
    }
    store.tour.set(None);
}

/// A fault in words: "P2 crashes", "message 6 (DATA 301..400) is dropped".
pub fn describe(action: &Action, trace: &Trace) -> String {
    let process = |r: &ProcessRef| match r {
        ProcessRef::Index(i) => trace
            .processes
            .get(*i)
            .cloned()
            .unwrap_or_else(|| format!("process {i}")),
        ProcessRef::Name(n) => n.clone(),
    };
    let message = |m: &usize| match trace.messages.get(*m) {
        Some(msg) => format!("message {m} ({})", msg.label),
        None => format!("message {m}"),
    };
    match action {
        Action::Drop { message: m } => format!("{} is dropped", message(m)),
        Action::Duplicate { message: m } => format!("{} is delivered twice", message(m)),
        Action::Delay { message: m, by } => format!("{} is held {by} ticks longer", message(m)),
        Action::Crash { process: p } => format!("{} crashes", process(p)),
        Action::Recover { process: p } => format!("{} recovers", process(p)),
        Action::Cut { between } => format!(
            "the link {}–{} is cut",
            process(&between[0]),
            process(&between[1])
        ),
        Action::Heal { between } => format!(
            "the link {}–{} is mended",
            process(&between[0]),
            process(&between[1])
        ),
        Action::Fire { process: p, timer } => format!("{}'s {timer} runs out now", process(p)),
        Action::Request {
            process: p,
            request,
        } => {
            format!("{} is handed the request {request}", process(p))
        }
        Action::Omit {
            process: p,
            send,
            receive,
        } if *send == 0.0 && *receive == 0.0 => format!("{} omits nothing any more", process(p)),
        Action::Omit {
            process: p,
            send,
            receive,
        } => format!(
            "{} omits {:.0}% of what it sends, {:.0}% of what it receives",
            process(p),
            send * 100.0,
            receive * 100.0
        ),
    }
}

/// Marks a stop as reached once playback pauses on it; ends the tour when another scenario is
/// opened (a lesson tab, a dropped file).
fn watch_arrivals(store: Store) {
    Effect::new(move |_| {
        let name = store.scenario.with(|s| s.name.clone());
        let elsewhere = store.tour.with_untracked(|t| {
            t.as_ref()
                .is_some_and(|t| t.tour.leg_of(t.stop.unwrap_or(0)).scenario.name != name)
        });
        if elsewhere {
            leave(store);
        }
    });
    Effect::new(move |_| {
        let cursor = store.cursor.get();
        let playing = store.playing.get();
        let due = store.tour.with(|t| {
            t.as_ref().and_then(|t| {
                let i = t.stop?;
                (!t.arrived).then(|| t.tour.stops[i].step)
            })
        });
        if let Some(step) = due {
            if cursor >= step && !playing {
                store.tour.update(|t| {
                    if let Some(t) = t {
                        t.arrived = true;
                    }
                });
            }
        }
    });
}

/// The tour's panel over the diagram: the stop's words, its question, Next / Back / Leave.
#[component]
pub fn TourPlayer() -> impl IntoView {
    let store = Store::get();
    watch_arrivals(store);
    let next_button = NodeRef::<leptos::html::Button>::new();
    // Keyboard users land on Next at each stop, so Enter walks the whole tour.
    Effect::new(move |_| {
        let arrived = store.tour.with(|t| t.as_ref().map(|t| (t.stop, t.arrived)));
        if arrived.is_some() {
            if let Some(b) = next_button.get() {
                let _ = b.focus();
            }
        }
    });
    let active = move || store.tour.with(Option::is_some);
    view! {
        <Show when=active>
            <section class="tour-panel" data-testid="tour-panel" role="region" aria-label="Guided tour">
                {move || {
                    let Some(t) = store.tour.get() else { return ().into_any() };
                    let count = t.tour.stops.len();
                    let heading = match t.stop {
                        None => t.tour.title.clone(),
                        Some(i) => {
                            let title = &t.tour.stops[i].title;
                            if title.is_empty() { format!("Stop {} of {count}", i + 1) } else { title.clone() }
                        }
                    };
                    let progress = match t.stop {
                        None => format!("Tour · {count} stops"),
                        Some(i) => format!("Stop {} of {count}", i + 1),
                    };
                    let body = match t.stop {
                        None => {
                            let d = if t.tour.description.is_empty() {
                                "Press Next to play the run to its first stop.".to_string()
                            } else {
                                t.tour.description.clone()
                            };
                            view! { <p class="tour-text" data-testid="tour-text">{d}</p> }.into_any()
                        }
                        Some(i) if !t.arrived => view! {
                            <p class="tour-text tour-travelling" data-testid="tour-text">
                                {format!("Playing to stop {}, at step {}…", i + 1, t.tour.stops[i].step)}
                            </p>
                        }.into_any(),
                        Some(i) => {
                            let stop = t.tour.stops[i].clone();
                            let question = stop.question.clone().map(|q| {
                                let right = q.right();
                                let choices = q.choices.clone();
                                let answer = t.answer;
                                view! {
                                    <div class="tour-question" data-testid="tour-question" role="group" aria-label="Question">
                                        <p class="tour-ask">{q.ask.clone()}</p>
                                        <div class="tour-choices">
                                            {choices.into_iter().enumerate().map(|(k, c)| {
                                                let picked = answer == Some(k);
                                                view! {
                                                    <button class="choice" data-testid=format!("tour-choice-{k}")
                                                        class:picked=picked
                                                        class:right=answer.is_some() && k == right
                                                        aria-pressed=picked.to_string()
                                                        on:click=move |_| store.tour.update(|t| if let Some(t) = t { t.answer = Some(k) })>
                                                        {c}
                                                    </button>
                                                }
                                            }).collect_view()}
                                        </div>
                                        {answer.map(|a| {
                                            let ok = a == right;
                                            let verdict = if ok {
                                                "✓ Right.".to_string()
                                            } else {
                                                format!("✗ Not quite: the answer is \u{201c}{}\u{201d}.", q.choices[right])
                                            };
                                            view! {
                                                <p class="feedback" class:correct=ok class:wrong=!ok
                                                    data-testid="tour-feedback" aria-live="polite">
                                                    {verdict}
                                                    {(!q.explain.is_empty()).then(|| format!(" {}", q.explain))}
                                                </p>
                                            }
                                        })}
                                    </div>
                                }
                            });
                            let injected = stop.inject.as_ref().map(|a| {
                                let what = store.trace.with_untracked(|t| describe(a, t));
                                view! {
                                    <p class="tour-fault" data-testid="tour-fault">
                                        {format!("⚡ As the run goes on from here: {what}.")}
                                    </p>
                                }
                            });
                            view! {
                                <p class="tour-text" data-testid="tour-text">{stop.say.clone()}</p>
                                {injected}
                                {question}
                            }.into_any()
                        }
                    };
                    view! {
                        <p class="tour-progress" data-testid="tour-progress">{progress}</p>
                        <h2 class="tour-title" data-testid="tour-title">{heading}</h2>
                        {body}
                    }.into_any()
                }}
                <div class="tour-buttons">
                    <button data-testid="tour-back" on:click=move |_| back(store)
                        disabled=move || store.tour.with(|t| t.as_ref().is_none_or(|t| t.stop.is_none()))>"Back"</button>
                    <button class="primary" data-testid="tour-next" node_ref=next_button on:click=move |_| next(store)>
                        {move || store.tour.with(|t| match t {
                            Some(t) => match t.stop {
                                None => "Start",
                                Some(_) if !t.arrived => "Skip ahead",
                                Some(i) if i + 1 == t.tour.stops.len() => "Finish",
                                Some(_) => "Next",
                            },
                            None => "Next",
                        })}
                    </button>
                    <button data-testid="tour-leave" on:click=move |_| leave(store)>"Leave tour"</button>
                </div>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::Owner;

    /// Every lesson's tour loads: its scenario, its stops in order and inside the run, its
    /// faults applying, its questions answerable.
    #[test]
    fn every_shipped_tour_loads() {
        let mut with_tours = 0;
        for lesson in lessons::all() {
            if lesson.tour.is_empty() {
                continue;
            }
            with_tours += 1;
            let tour =
                Tour::load(lesson.tour).unwrap_or_else(|e| panic!("the {} tour: {e}", lesson.id));
            for leg in &tour.legs {
                assert!(
                    lesson.has(&leg.scenario),
                    "the {} tour plays another lesson's scenario, {}",
                    lesson.id,
                    leg.scenario.name
                );
            }
            assert!(tour.stops.len() >= 4, "{}", lesson.id);
            assert!(
                tour.stops.iter().any(|s| s.question.is_some()),
                "{} asks nothing",
                lesson.id
            );
            assert_eq!(lesson_tour(lesson.id), Some(lesson.tour));
        }
        assert_eq!(
            with_tours,
            lessons::all().len(),
            "every lesson ships a tour"
        );
    }

    /// Play a tour as a learner pressing Next would: to every stop, on the right run, with
    /// its fault applied, and out at the end.
    fn play_through(store: Store, tour: &Tour, name: &str) {
        start(store, tour.clone(), None);
        for (i, stop) in tour.stops.iter().enumerate() {
            next(store);
            let mut guard = 0;
            while store.playing.get_untracked() {
                store.advance(1000.0);
                guard += 1;
                assert!(guard < 10_000, "{name}: stop {} is never reached", i + 1);
            }
            let leg = tour.leg_of(i);
            assert!(
                store.scenario.with_untracked(|s| *s == leg.scenario),
                "{name}: stop {} plays the wrong run",
                i + 1
            );
            assert_eq!(
                store.cursor.get_untracked(),
                stop.step,
                "{name}: stop {}",
                i + 1
            );
            // What the watcher does once playback pauses on the stop.
            store.tour.update(|t| {
                if let Some(t) = t {
                    t.arrived = true;
                }
            });
            assert_eq!(
                store
                    .tour
                    .with_untracked(|t| t.as_ref().and_then(|t| t.stop)),
                Some(i)
            );
            if stop.inject.is_some() {
                let ignored = format!("intervention at step {} ignored", stop.step);
                assert!(
                    store
                        .trace
                        .with_untracked(|t| t.warnings.iter().all(|w| !w.starts_with(&ignored))),
                    "{name}: stop {}'s fault does not apply",
                    i + 1
                );
            }
        }
        next(store);
        assert!(
            store.tour.with_untracked(Option::is_none),
            "{name}: the tour ends"
        );
    }

    /// Every lesson's tour plays end to end, leg by leg, and Back over a leg's border loads
    /// the earlier run again.
    #[test]
    fn every_shipped_tour_plays_end_to_end() {
        let owner = Owner::new();
        owner.with(|| {
            for lesson in lessons::all() {
                let tour = Tour::load(lesson.tour).unwrap();
                let store = Store::new(tour.scenario.clone());
                play_through(store, &tour, lesson.id);
                if let Some(leg) = tour.legs.get(1) {
                    start(store, tour.clone(), None);
                    for _ in 0..=leg.first {
                        next(store);
                        next(store);
                    }
                    assert!(store.scenario.with_untracked(|s| *s == leg.scenario));
                    back(store);
                    let before = tour.leg_of(leg.first - 1);
                    assert!(
                        store.scenario.with_untracked(|s| *s == before.scenario),
                        "{}: Back loads the earlier run",
                        lesson.id
                    );
                    assert_eq!(store.cursor.get_untracked(), tour.stops[leg.first - 1].step);
                }
            }
        });
    }

    /// Each lesson's tour visits every section of its lesson: it plays a scenario of every
    /// protocol the lesson teaches, and for broadcast every variant of it but gossip (the gossip
    /// lesson has its own tour).
    #[test]
    fn every_tour_covers_its_lesson() {
        for lesson in lessons::all() {
            let tour = Tour::load(lesson.tour).unwrap();
            for p in lesson.core.protocols() {
                assert!(
                    tour.legs.iter().any(|l| l.scenario.protocol == p.name),
                    "the {} tour never plays {}",
                    lesson.id,
                    p.name
                );
            }
        }
        let broadcast = lessons::all()
            .into_iter()
            .find(|l| l.id == "broadcast")
            .unwrap();
        let tour = Tour::load(broadcast.tour).unwrap();
        for v in ["best-effort", "reliable", "fifo", "causal", "total-lamport"] {
            assert!(
                tour.legs.iter().any(|l| l.scenario.variant == v),
                "the broadcast tour never plays {v}"
            );
        }
    }
}
