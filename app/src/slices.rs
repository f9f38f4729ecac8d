//! Long work in slices. Simulating 60,000 steps, or replaying a 100,000-event log, takes the wasm
//! a good part of a second; done in one go it freezes the page (no paint, no click, no scroll).
//! Done here, it runs a few milliseconds at a time, and between two slices the browser paints
//! (a progress bar moves) and answers the learner.
//!
//! The clock below only decides where a slice ends, never what a run does: a run stepped in
//! slices is the run stepped in one go, step for step (the simulation is deterministic).
//!
//! Off the browser (native tests) there is no page to keep alive: the first slice runs to the
//! end, so that a store's `load` returns with the run loaded.

use spacetime_core::Run;

/// How long one slice may run, in milliseconds, for work the learner waits for (a run being
/// loaded). A task over 50 ms counts as "long" (the browser's own measure); a slice ends well
/// before that, leaving room for the browser's own work between slices.
pub const SLICE_MS: f64 = 30.0;

/// The first slice of a load, which runs at once: short, since it may share its task with
/// building the page.
pub const FIRST_SLICE_MS: f64 = 8.0;

/// The same for work done behind the learner's back (a table beside the diagram): short enough
/// that a frame of scrubbing or playing meanwhile is hardly delayed.
pub const BACKGROUND_SLICE_MS: f64 = 6.0;

/// Steps taken between two looks at the clock: a step costs microseconds, a look a call out of
/// the wasm.
const STEPS_PER_LOOK: u32 = 64;

/// Milliseconds on the page's clock, for budgets only.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// A budget that ends `ms` from now; off the browser, one that never ends.
pub fn deadline_in(ms: f64) -> f64 {
    if cfg!(target_arch = "wasm32") {
        now_ms() + ms
    } else {
        f64::INFINITY
    }
}

/// Step `run` until it is finished or `deadline` ([`now_ms`]) has passed; whether it finished.
pub fn step_until(run: &mut Run, deadline: f64) -> bool {
    loop {
        for _ in 0..STEPS_PER_LOOK {
            if !run.step() {
                return true;
            }
        }
        if now_ms() >= deadline {
            return run.is_finished();
        }
    }
}

/// Do `work` in slices of `slice_ms`: it is called with a deadline and gives `Some(result)` once
/// done. The first slice runs now (a small run is done at once, before this returns); the others each
/// after the browser has had a turn. `done` gets the result. Whenever `wanted` says false (the
/// learner has asked for something else meanwhile) the work is dropped, unfinished.
pub fn run_sliced<T: 'static>(
    slice_ms: f64,
    mut work: impl FnMut(f64) -> Option<T> + 'static,
    wanted: impl Fn() -> bool + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if let Some(result) = work(deadline_in(slice_ms)) {
        done(result);
        return;
    }
    run_later(slice_ms, work, wanted, done);
}

/// [`run_sliced`] for work behind the learner's back, begun where the page has more urgent
/// work (a run just loaded, yet to be drawn): in the browser, its first slice too waits for the
/// page's next turn.
pub fn run_sliced_later<T: 'static>(
    slice_ms: f64,
    work: impl FnMut(f64) -> Option<T> + 'static,
    wanted: impl Fn() -> bool + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if cfg!(target_arch = "wasm32") {
        run_later(slice_ms, work, wanted, done);
    } else {
        run_sliced(slice_ms, work, wanted, done);
    }
}

fn run_later<T: 'static>(
    slice_ms: f64,
    mut work: impl FnMut(f64) -> Option<T> + 'static,
    wanted: impl Fn() -> bool + 'static,
    done: impl FnOnce(T) + 'static,
) {
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if !wanted() {
                return;
            }
            if let Some(result) = work(deadline_in(slice_ms)) {
                done(result);
                return;
            }
        }
    });
}
