//! The playback bar and the narration line.

use leptos::prelude::*;

use crate::store::{speed_label, Store, SPEED_MAX, SPEED_MIN};

/// `f`'s value, as a signal that notifies only when the value changes.
///
/// A `Memo` that recomputes to the same value still wakes everything downstream of it: each move
/// of the cursor marks every reader of every memo that follows the cursor to be checked, and on
/// a 64-lane ring that is thousands of readers per frame. An effect is a leaf: it re-runs `f`
/// when the cursor moves and sets the signal only when the value differs, so the readers of an
/// unchanged value are not touched at all. (The signal follows `f` one microtask later: before
/// the frame is painted.)
pub fn settled<T>(f: impl Fn() -> T + 'static) -> ReadSignal<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    let (read, write) = signal(untrack(&f));
    Effect::new(move |_| {
        let value = f();
        if read.with_untracked(|old| *old != value) {
            write.set(value);
        }
    });
    read
}

/// Pause playback, touching the signal only when it is playing: a scrub sets this on every
/// move, and a write of the same value still wakes whatever reads it (the play button's icon,
/// the animation loop, the tour).
fn pause(store: Store) {
    if store.playing.get_untracked() {
        store.playing.set(false);
    }
}

/// The sentence for the step just shown; `touch` words the first one for a touch screen, which
/// has no space bar.
pub fn narration_at(trace: &spacetime_core::Trace, cursor: u64, touch: bool) -> String {
    if cursor == 0 {
        return if touch {
            "Nothing has happened yet. Tap play (▶) or step forward."
        } else {
            "Nothing has happened yet. Press play (space) or step forward (→)."
        }
        .into();
    }
    trace
        .steps
        .get(cursor as usize - 1)
        .map(|s| format!("t={}: {}", s.time, trace.narration(cursor as usize - 1)))
        .unwrap_or_default()
}

/// Whether the page is on a touch screen without a mouse (a phone, a tablet).
pub fn touch_screen() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(hover: none) and (pointer: coarse)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// One sentence per step: what just happened. Where a small window cuts it to one line, a click
/// (or a tap) shows all of it.
#[component]
pub fn Narration() -> impl IntoView {
    let store = Store::get();
    let touch = touch_screen();
    let expanded = RwSignal::new(false);
    view! {
        <div class="narration" data-testid="narration" aria-live="polite"
            class:expanded=move || expanded.get()
            title=move || if expanded.get() { "Show one line" } else { "Show the whole sentence" }
            on:click=move |_| expanded.update(|e| *e = !*e)>
            {move || if store.run.running.with(Option::is_some) {
                "The run is being made; it shows once it is whole.".to_string()
            } else {
                store.trace.with(|t| narration_at(t, store.cursor.get(), touch))
            }}
        </div>
    }
}

/// A small icon drawn from one SVG path (fonts on a lecture-hall PC may lack media symbols).
fn icon(d: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path d=d fill="currentColor"></path>
        </svg>
    }
}

/// Play / pause, step, scrub, speed, reset.
#[component]
pub fn PlaybackBar() -> impl IntoView {
    let store = Store::get();
    let total = move || store.trace.with(|t| t.step_count());
    view! {
        <div class="playback" data-testid="playback">
            <button data-testid="btn-rewind" title="Back to the start (Home)" aria-label="Back to the start"
                on:click=move |_| store.rewind()>{icon("M5 4h2v16H5z M19 4v16L8 12z")}</button>
            <button data-testid="btn-back" title="Step back (←)" aria-label="Step back"
                on:click=move |_| store.step_back()>{icon("M17 4v16L6 12z")}</button>
            <button data-testid="btn-play" class="play" title="Play or pause (space)"
                aria-label=move || if store.playing.get() { "Pause" } else { "Play" }
                on:click=move |_| store.toggle_play()>
                {move || if store.playing.get() { icon("M6 4h4v16H6z M14 4h4v16h-4z") } else { icon("M7 4v16l13-8z") }}
            </button>
            <button data-testid="btn-forward" title="Step forward (→)" aria-label="Step forward"
                on:click=move |_| store.step_forward()>{icon("M7 4v16l11-8z")}</button>
            <button data-testid="btn-end" title="Jump to the end (End)" aria-label="Jump to the end"
                on:click=move |_| { pause(store); store.seek(u64::MAX) }>{icon("M5 4v16l11-8z M17 4h2v16h-2z")}</button>
            <input type="range" class="scrubber" data-testid="scrubber" aria-label="Step"
                min="0" max=move || total().to_string()
                prop:value=move || store.cursor.get().to_string()
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                        pause(store);
                        store.seek(n);
                    }
                } />
            <span class="step-count" data-testid="step-count">
                {move || if store.run.running.with(Option::is_some) {
                    // The run on screen is about to be replaced: its counter would mislead.
                    "making the run…".to_string()
                } else {
                    format!("step {} / {}", store.cursor.get(), total())
                }}
            </span>
            <label class="speed">
                <span>"speed"</span>
                <input type="range" data-testid="speed" aria-label="Speed"
                    min=SPEED_MIN.to_string() max=SPEED_MAX.to_string()
                    prop:value=move || store.speed.get().to_string()
                    on:input=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<i32>() {
                            store.speed.set(n.clamp(SPEED_MIN, SPEED_MAX));
                        }
                    } />
                <span class="speed-label" data-testid="speed-label">{move || speed_label(store.speed.get())}</span>
            </label>
            <span class="seed" data-testid="seed-label">{move || format!("seed {}", store.scenario.with(|s| s.seed))}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::{protocols::example, Run};

    #[test]
    fn narration_names_the_step_just_taken() {
        let run = Run::complete(&example("clocks-three-events").unwrap()).unwrap();
        let t = run.trace();
        assert!(narration_at(t, 0, false).contains("Nothing has happened"));
        assert_eq!(
            narration_at(t, 1, false),
            format!("t={}: {}", t.steps[0].time, t.narration(0))
        );
        assert!(narration_at(t, 2, false).contains("sends m1 to P2"));
        // A touch screen is not told to press a key.
        let touch = narration_at(t, 0, true);
        assert!(
            touch.contains("Tap play") && !touch.contains("space"),
            "{touch}"
        );
    }
}
