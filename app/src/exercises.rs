//! The exercise panel: any lesson's exercise kinds, generated from a seed, answered on the page.
//!
//! The machinery (generation, checking, progress) is the core's `exercise` module; this panel
//! only shows the run an exercise comes with, draws one form per kind of question, and keeps the
//! learner's progress in the browser's localStorage. A new kind of exercise in a later lesson
//! needs no change here.

use std::sync::Arc;

use leptos::prelude::*;
use spacetime_core::exercise::{
    self, event_name, Answer, Exercise, Feedback, Labels, Level, Progress, Question,
};
use spacetime_core::layout::process_colour;
use spacetime_core::EventId;

use crate::lessons;
use crate::store::{ClockMode, Selection, Store};

/// Where progress is kept in localStorage.
pub const PROGRESS_KEY: &str = "spacetime.progress.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The learner's progress as stored; anything unreadable counts as a fresh start.
pub fn load_progress() -> Progress {
    storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .map(|text| Progress::from_json(&text))
        .unwrap_or_default()
}

fn save_progress(progress: &Progress) {
    if let Some(s) = storage() {
        // A full or disabled storage only loses the record, never the exercise.
        let _ = s.set_item(PROGRESS_KEY, &progress.to_json());
    }
}

/// A seed for a new exercise: any number will do, so the browser's own randomness is fine here
/// (the exercise itself is a deterministic function of it, and the seed is shown so a teacher
/// can hand the same exercise to the whole class).
fn fresh_seed() -> u64 {
    (js_sys::Math::random() * 1_000_000.0) as u64
}

/// How the diagram shows an exercise's labels.
pub fn clock_mode(labels: Labels) -> ClockMode {
    match labels {
        Labels::Names => ClockMode::Names,
        Labels::Lamport => ClockMode::Lamport,
        Labels::Vector => ClockMode::Vector,
    }
}

/// One line on the learner's progress with a kind, for the panel.
pub fn progress_line(progress: &Progress, kind: &str) -> String {
    let p = progress.of(kind);
    let levels: Vec<&str> = Level::ALL
        .iter()
        .filter(|l| p.done(**l))
        .map(|l| l.name())
        .collect();
    format!(
        "score {} of {} · streak {} (best {}) · done: {}",
        p.correct,
        p.attempts,
        p.streak,
        p.best_streak,
        if levels.is_empty() {
            "none yet".to_string()
        } else {
            levels.join(", ")
        }
    )
}

/// Put an exercise's run on the diagram, showing only what the exercise allows.
fn show_exercise(store: Store, ex: &Exercise) {
    if store.load(ex.scenario.clone()) {
        // A question about the run shows all of it; one that asks the learner to change the run
        // starts at its beginning, where every message is still in flight.
        let intervene = matches!(ex.question, Question::Intervene { .. });
        store.seek(if intervene { 0 } else { u64::MAX });
        store.clocks.set(clock_mode(ex.show.labels));
        store.hidden.set(ex.show.hidden_messages.clone());
        store.selection.set(match ex.show.marked[..] {
            [a, b] => Selection::Pair(a, b),
            [a] => Selection::Event(a),
            _ => Selection::Nothing,
        });
    }
}

// The exercise panel, with the judging it shows, loads when Exercises is first opened.
split_point!(exercises, build_panel, load_panel -> fn() -> AnyView {
    || view! { <ExercisePanel/> }.into_any()
});

/// The exercises of the current lesson, with the current one's question and feedback.
#[component]
pub fn ExercisePanel() -> impl IntoView {
    let store = Store::get();
    let lesson_id = store.scenario.with_untracked(|s| {
        lessons::lesson_of(s)
            .unwrap_or_else(|| lessons::all().remove(0))
            .id
    });
    let kinds = exercise::kinds(lesson_id);
    let kind = RwSignal::new(kinds.first().map(|k| k.id()).unwrap_or(""));
    let level = RwSignal::new(Level::Easy);
    let seed = RwSignal::new(fresh_seed());
    let current = RwSignal::new(None::<Arc<Exercise>>);
    let feedback = RwSignal::new(None::<Feedback>);
    // Only the first answer to an exercise counts toward the score.
    let counted = RwSignal::new(false);
    let progress = RwSignal::new(load_progress());
    let confirm_reset = RwSignal::new(false);
    // The learner's answer so far: text per field, a choice, or the events picked per role.
    let fields = RwSignal::new(Vec::<String>::new());
    let picks = RwSignal::new(Vec::<Option<EventId>>::new());
    let active_pick = RwSignal::new(0usize);

    let generate = move || {
        let Some(k) = exercise::kind(kind.get_untracked()) else {
            return;
        };
        let ex = Arc::new(k.generate(level.get_untracked(), seed.get_untracked()));
        show_exercise(store, &ex);
        fields.set(match &ex.question {
            Question::Fill { events, .. } => vec![String::new(); events.len()],
            _ => Vec::new(),
        });
        picks.set(match &ex.question {
            Question::PickEvents { roles } => vec![None; roles.len()],
            _ => Vec::new(),
        });
        active_pick.set(0);
        feedback.set(None);
        counted.set(false);
        current.set(Some(ex));
    };
    let next = move || {
        seed.set(fresh_seed());
        generate();
    };
    // The number box. Enter loads the exercise whose number is typed; New does too when the
    // number is not the one on screen, and otherwise makes a new one.
    let seed_box = NodeRef::<leptos::html::Input>::new();
    let load_typed = move |new_if_same: bool| {
        let typed = seed_box
            .get_untracked()
            .map(|b| b.value())
            .unwrap_or_default();
        match typed.trim().parse::<u64>() {
            Ok(n) if new_if_same && n == seed.get_untracked() => next(),
            Ok(n) => {
                seed.set(n);
                generate();
            }
            Err(_) => store.error.set(Some(format!(
                "An exercise number is a whole number, 0 or more, not \"{}\".",
                typed.trim()
            ))),
        }
    };
    // Open with an exercise ready.
    generate();

    // Clicking events on the diagram fills the roles of a "pick events" question, in turn.
    Effect::new(move |_| {
        let picked = match store.selection.get() {
            Selection::Event(e) => Some(e),
            _ => None,
        };
        let Some(e) = picked else { return };
        let asks_picks = current.with_untracked(|c| {
            c.as_ref()
                .is_some_and(|c| matches!(c.question, Question::PickEvents { .. }))
        });
        if !asks_picks {
            return;
        }
        let slot = active_pick.get_untracked();
        picks.update(|p| {
            if let Some(s) = p.get_mut(slot) {
                *s = Some(e);
            }
        });
        let len = picks.with_untracked(Vec::len);
        active_pick.set((slot + 1) % len.max(1));
    });

    let submit = move |answer: Answer| {
        let Some(ex) = current.get_untracked() else {
            return;
        };
        let Some(k) = exercise::kind(ex.kind) else {
            return;
        };
        let result = k.check(&ex, &answer);
        if !counted.get_untracked() {
            counted.set(true);
            progress.update(|p| {
                p.record(ex.kind, ex.level, result.correct);
                save_progress(p);
            });
        }
        // Point at the events the feedback is about, stepping on until they are drawn.
        let last_step = store.trace.with_untracked(|t| {
            result
                .events
                .iter()
                .filter_map(|&e| t.events.get(e))
                .map(|e| e.step)
                .max()
        });
        if let Some(step) = last_step.filter(|&s| s >= store.cursor.get_untracked()) {
            store.playing.set(false);
            store.seek(step + 1);
        }
        match result.events[..] {
            [a, b, ..] if a != b => store.selection.set(Selection::Pair(a, b)),
            [a, ..] => store.selection.set(Selection::Event(a)),
            _ => {}
        }
        feedback.set(Some(result));
    };
    let check = move || {
        let answer = current.with_untracked(|c| {
            c.as_ref().map(|c| match &c.question {
                Question::Fill { .. } => Some(Answer::Fill(fields.get_untracked())),
                Question::PickEvents { .. } => picks
                    .get_untracked()
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(Answer::PickEvents),
                Question::Choice { .. } => None,
                Question::Intervene { .. } => Some(Answer::Interventions(
                    store.scenario.with_untracked(|s| s.interventions.clone()),
                )),
            })
        });
        // An answer not given yet is not a wrong one: say what is missing, and count nothing.
        let missing = match answer.flatten() {
            Some(Answer::Fill(values)) if values.iter().any(|v| v.trim().is_empty()) => {
                Some("Type a value for every event first.")
            }
            Some(Answer::Interventions(changes)) if changes.is_empty() => Some(
                "Change the run first: select a message in flight or a process, and use the buttons.",
            ),
            Some(a) => {
                submit(a);
                None
            }
            None => Some("Pick an event for every role first: click them on the diagram."),
        };
        if let Some(message) = missing {
            feedback.set(Some(Feedback {
                correct: false,
                message: message.into(),
                events: Vec::new(),
            }));
        }
    };

    let question = move || {
        let Some(ex) = current.get() else {
            return view! { <p class="panel-hint">"This lesson has no exercises yet."</p> }
                .into_any();
        };
        let trace = ex.trace.clone();
        match ex.question.clone() {
            Question::Fill { events, vector } => {
                let placeholder = if vector { "[0,0,0]" } else { "0" };
                view! {
                    <div class="fill-grid" data-testid="exercise-fill">
                        {events.into_iter().enumerate().map(|(i, e)| {
                            let name = event_name(e);
                            let p = trace.events.get(e).map_or(0, |x| x.process);
                            let lane = trace.processes.get(p).cloned().unwrap_or_default();
                            view! {
                                <label class="fill-field" style=format!("--c: {}", process_colour(p))>
                                    <span class="fill-name">{name.clone()}<small>{lane}</small></span>
                                    <input type="text" inputmode=if vector { "text" } else { "numeric" }
                                        data-testid=format!("answer-{name}") placeholder=placeholder
                                        autocomplete="off" spellcheck="false"
                                        prop:value=move || fields.with(|f| f.get(i).cloned().unwrap_or_default())
                                        on:input=move |ev| {
                                            let v = event_target_value(&ev);
                                            fields.update(|f| if let Some(x) = f.get_mut(i) { *x = v });
                                        }
                                        on:focus=move |_| store.selection.set(Selection::Event(e))/>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <button class="primary" data-testid="exercise-check" on:click=move |_| check()>"Check"</button>
                }
                .into_any()
            }
            Question::Choice { options } => view! {
                <div class="choices" data-testid="exercise-choices">
                    {options.into_iter().enumerate().map(|(i, text)| view! {
                        <button class="choice" data-testid=format!("choice-{i}")
                            on:click=move |_| submit(Answer::Choice(i))>{text}</button>
                    }).collect_view()}
                </div>
            }
            .into_any(),
            Question::PickEvents { roles } => view! {
                <div class="picks" data-testid="exercise-picks">
                    {roles.into_iter().enumerate().map(|(i, role)| view! {
                        <button class="pick-slot" data-testid=format!("pick-{i}")
                            class:active=move || active_pick.get() == i
                            on:click=move |_| active_pick.set(i)>
                            <span class="pick-role">{role}</span>
                            <span class="pick-event">{move || picks.with(|p| {
                                p.get(i).copied().flatten().map_or("click an event".to_string(), event_name)
                            })}</span>
                        </button>
                    }).collect_view()}
                    <button class="primary" data-testid="exercise-check" on:click=move |_| check()>"Check"</button>
                </div>
            }
            .into_any(),
            Question::Intervene { property } => view! {
                <div class="intervene" data-testid="exercise-intervene">
                    <p class="panel-hint">
                        "Step through the run (→), select a message in flight or a process on the diagram, and use these until "
                        <strong>{property}</strong>" breaks. Then check."
                    </p>
                    <InterveneTools/>
                    <button class="primary" data-testid="exercise-check" on:click=move |_| check()>"Check"</button>
                </div>
            }
            .into_any(),
        }
    };

    view! {
        <section class="panel exercise-panel" data-testid="exercise-panel" aria-label="Exercises">
            <h2 class="panel-title">"Exercises"</h2>
            <div class="exercise-controls">
                <select data-testid="exercise-kind" aria-label="Kind of exercise"
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        if let Some(k) = exercise::kind(&id) {
                            kind.set(k.id());
                            next();
                        }
                    }>
                    {kinds.iter().map(|k| {
                        let id = k.id();
                        view! { <option value=id selected=move || kind.get() == id>{k.title()}</option> }
                    }).collect_view()}
                </select>
                <select data-testid="exercise-level" aria-label="Level"
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        if let Some(l) = Level::ALL.iter().find(|l| l.name() == name) {
                            level.set(*l);
                            next();
                        }
                    }>
                    {Level::ALL.iter().map(|l| {
                        let l = *l;
                        view! { <option value=l.name() selected=move || level.get() == l>{l.name()}</option> }
                    }).collect_view()}
                </select>
                <label class="seed-field" title="The same number gives the same exercise: type one, then Enter or New">
                    "#"
                    <input type="number" min="0" data-testid="exercise-seed" aria-label="Exercise number"
                        node_ref=seed_box
                        prop:value=move || seed.get().to_string()
                        on:keydown=move |ev| if ev.key() == "Enter" { load_typed(false); }/>
                </label>
                <button data-testid="exercise-new" title="The exercise whose number is typed, or a new one"
                    on:click=move |_| load_typed(true)>"New"</button>
            </div>
            <h3 class="exercise-title" data-testid="exercise-title">
                {move || current.with(|c| c.as_ref().map(|c| c.title.clone()).unwrap_or_default())}
            </h3>
            <p class="exercise-prompt" data-testid="exercise-prompt">
                {move || current.with(|c| c.as_ref().map(|c| c.prompt.clone()).unwrap_or_default())}
            </p>
            {question}
            {move || feedback.get().map(|f| view! {
                <div class="feedback" class:correct=f.correct class:wrong=!f.correct
                    role="status" data-testid="exercise-feedback">
                    // Kinds whose message already opens with its verdict get no second one.
                    <strong>{match (f.correct, f.message.starts_with("Right") || f.message.starts_with("Not")) {
                        (_, true) => "",
                        (true, false) => "Right. ",
                        (false, false) => "Not quite. ",
                    }}</strong>
                    {f.message}
                    {f.correct.then(|| view! {
                        <button class="primary" data-testid="exercise-next" on:click=move |_| next()>"Next exercise"</button>
                    })}
                </div>
            })}
            <p class="progress" data-testid="exercise-progress">
                {move || progress.with(|p| progress_line(p, kind.get()))}
            </p>
            <button class="link-button" data-testid="progress-reset"
                on:click=move |_| {
                    if confirm_reset.get_untracked() {
                        progress.set(Progress::default());
                        save_progress(&Progress::default());
                        confirm_reset.set(false);
                    } else {
                        confirm_reset.set(true);
                    }
                }>
                {move || if confirm_reset.get() { "Click again to erase all progress" } else { "Reset progress" }}
            </button>
        </section>
    }
}

/// The learner's hands for an "intervene" question: drop, duplicate or delay the selected
/// message while it is in flight, crash or recover the selected process, take the last change
/// back. (The inspector, which offers the same, is hidden during exercises: it would show the
/// badges.)
#[component]
fn InterveneTools() -> impl IntoView {
    let store = Store::get();
    let target = move || match store.selection.get() {
        Selection::Message(id) => {
            let cursor = store.cursor.get();
            store.trace.with(|t| {
                t.messages
                    .get(id)
                    .filter(|m| crate::topology::in_flight_at(m, cursor))
                    .map(|m| m.label.clone())
            })
        }
        _ => None,
    };
    view! {
        <div class="intervene-tools" role="group" aria-label="Faults">
            {move || match target() {
                Some(label) => view! { <span class="tool-target">{label}</span> }.into_any(),
                None => view! { <span class="tool-target muted">"No message in flight selected"</span> }.into_any(),
            }}
            <crate::inspector::FaultButtons prefix="exercise" delay=60 event_is_process=true/>
            <button data-testid="exercise-undo" on:click=move |_| store.undo_intervention()
                disabled=move || store.scenario.with(|s| s.interventions.is_empty())>"Undo"</button>
            <span class="tool-count">{move || {
                let n = store.scenario.with(|s| s.interventions.len());
                if n == 0 { "no faults yet".to_string() } else { spacetime_core::words::count_of(n, "fault") }
            }}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_as_a_line() {
        let mut p = Progress::default();
        assert!(progress_line(&p, "lamport").contains("none yet"));
        p.record("lamport", Level::Easy, true);
        p.record("lamport", Level::Medium, false);
        let line = progress_line(&p, "lamport");
        assert!(line.starts_with("score 1 of 2"), "{line}");
        assert!(line.contains("streak 0 (best 1)"), "{line}");
        assert!(line.contains("done: easy"), "{line}");
    }

    #[test]
    fn every_exercise_label_mode_has_a_clock_mode() {
        assert_eq!(clock_mode(Labels::Names), ClockMode::Names);
        assert_eq!(clock_mode(Labels::Vector), ClockMode::Vector);
    }
}
