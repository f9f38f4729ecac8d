//! Loading a scenario into the store: its run is made, then published whole.
//!
//! A small run is made at once ([`Store::load`]). A big one (64 processes gossiping for 60,000
//! steps, a log of 100,000 events) would freeze the page for a second, so it can be made in
//! slices ([`Store::load_in_slices`], see [`crate::slices`]): the run on screen stays, a progress
//! bar says how far the new one has got ([`RunStore::running`]), and the new run replaces it only
//! once whole. Either way the trace is the same, step for step.
//!
//! Work that makes the scenario (reading a 20 MB log) can be done in slices the same way, before
//! the load ([`Store::prepare_in_slices`]), the card saying how far it has got.

use leptos::prelude::*;
use spacetime_core::{Field, Run, Scenario};

use super::{RunStore, Selection, Store};
use crate::slices;

/// How far work done in slices has got, for the card over the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Running {
    /// A run being made.
    Run {
        /// The scenario's title.
        title: String,
        steps: u64,
        /// The scenario's step limit: the run ends there at the latest (often sooner).
        max_steps: u64,
        events: usize,
    },
    /// Work that makes the scenario to run: `doing` ("Reading the log"), `done` of `total`
    /// `unit`s ("lines").
    Work {
        doing: String,
        done: u64,
        total: u64,
        unit: String,
    },
}

/// A run set up, with each process's state before its first step.
struct Setup {
    run: Run,
    states: Vec<String>,
    fields: Vec<Vec<Field>>,
}

impl Store {
    /// Replace the scenario and run it from the start, to its end, before returning. On error (a
    /// scenario that does not make sense, or a run larger than the page holds:
    /// [`spacetime_core::MAX_EVENTS`]) the banner says why and the current run stays.
    pub fn load(&self, scenario: Scenario) -> bool {
        match self.run_to_end(scenario.clone()) {
            Ok(()) => true,
            Err(why) => {
                self.refuse(&scenario.name, why);
                false
            }
        }
    }

    /// [`Store::load`] without the banner: why it did not load.
    pub(super) fn run_to_end(&self, scenario: Scenario) -> Result<(), String> {
        let mut setup = self.set_up(&scenario)?;
        self.begin_load();
        slices::step_until(&mut setup.run, f64::INFINITY);
        self.publish(setup, scenario)
    }

    /// Work done in slices that makes what is then loaded (a log read into a scenario): the run
    /// on screen stays meanwhile, [`RunStore::running`] says how far the work has got, and a
    /// load begun meanwhile drops it. `work` is called with a deadline and gives its result
    /// once done, else how far it has got; `then` gets the result, in a slice of its own if this
    /// one has run long (loading what it made takes a while too), with the page's owner.
    pub fn prepare_in_slices<T: 'static>(
        &self,
        mut work: impl FnMut(f64) -> Result<T, Running> + 'static,
        then: impl FnOnce(Store, T) + 'static,
    ) {
        let store = *self;
        let load = self.begin_load();
        let owner = Owner::current();
        let mut ready: Option<T> = None;
        slices::run_sliced(
            slices::SLICE_MS,
            move |deadline| {
                if let Some(result) = ready.take() {
                    return Some(result);
                }
                let started = slices::now_ms();
                match work(deadline) {
                    Ok(result) if slices::now_ms() - started < slices::SLICE_MS / 3.0 => {
                        Some(result)
                    }
                    Ok(result) => {
                        ready = Some(result);
                        None
                    }
                    Err(progress) => {
                        store.run.running.set(Some(progress));
                        None
                    }
                }
            },
            move || store.run.loads.try_get_value() == Some(load),
            move |result| {
                let finish = move || {
                    store.run.running.set(None);
                    then(store, result);
                };
                match owner {
                    Some(owner) => owner.with(finish),
                    None => finish(),
                }
            },
        );
    }

    /// [`Store::load`], the run made in slices if it takes long: the first slice now, the
    /// others between the browser's frames, with [`RunStore::running`] saying how far it has
    /// got. `then` runs once the run is on screen (at once for a small run), with whether it
    /// loaded; on error the banner says why and the current run stays. Another load meanwhile
    /// drops this one.
    pub fn load_in_slices(&self, scenario: Scenario, then: impl FnOnce(Store, bool) + 'static) {
        let store = *self;
        let started = slices::now_ms();
        let setup = match self.set_up(&scenario) {
            Ok(setup) => setup,
            Err(why) => {
                self.refuse(&scenario.name, why);
                then(store, false);
                return;
            }
        };
        // A long setup (a 100,000-line script read) is a slice in itself: the run is made from
        // the next one on; and a run made in a slice that ran long is shown from the next one
        // (showing it takes a while too).
        let long = |since: f64| slices::now_ms() - since > slices::SLICE_MS / 3.0;
        let mut rest = long(started);
        let mut made: Option<Setup> = None;
        let load = self.begin_load();
        let owner = Owner::current();
        let mut setup = Some(setup);
        let (title, max_steps) = (scenario.title.clone(), scenario.limits.max_steps);
        // The first slice runs at once, often while the page is being built (a link's run):
        // kept short, so that a big run does not lengthen that task; every built-in scenario is
        // done well within it.
        let mut first = true;
        slices::run_sliced(
            slices::SLICE_MS,
            move |deadline| {
                let deadline = if std::mem::take(&mut first) {
                    deadline.min(slices::deadline_in(slices::FIRST_SLICE_MS))
                } else {
                    deadline
                };
                if made.is_some() {
                    return made.take();
                }
                let started = slices::now_ms();
                let run = &mut setup.as_mut()?.run;
                if !std::mem::take(&mut rest) && slices::step_until(run, deadline) {
                    if long(started) {
                        made = setup.take();
                        return None;
                    }
                    return setup.take();
                }
                store.run.running.set(Some(Running::Run {
                    title: title.clone(),
                    steps: run.steps_taken(),
                    max_steps,
                    events: run.trace().events.len(),
                }));
                None
            },
            move || store.run.loads.try_get_value() == Some(load),
            move |setup| {
                let finish = move || {
                    store.run.running.set(None);
                    // The scenario given, not a copy of the run's: a copy of a 100,000-line
                    // script takes a good part of a frame.
                    let name = scenario.name.clone();
                    let loaded = match store.publish(setup, scenario) {
                        Ok(()) => true,
                        Err(why) => {
                            store.refuse(&name, why);
                            false
                        }
                    };
                    then(store, loaded);
                };
                // The later slices run outside any owner: give them the page's, for context.
                match owner {
                    Some(owner) => owner.with(finish),
                    None => finish(),
                }
            },
        );
    }

    /// The run of `scenario` set up (nothing run yet), limited to the events the page holds.
    fn set_up(&self, scenario: &Scenario) -> Result<Setup, String> {
        let cap = self.run.max_events.get_value();
        let run = Run::new(scenario)
            .map_err(|e| e.to_string())?
            .with_max_events(cap);
        // The states before the first step, read off the run before it runs: setting up
        // another (a 10,000-event replay's script read again) would cost as much.
        let (states, fields) = (run.summaries(), run.fields());
        Ok(Setup {
            run,
            states,
            fields,
        })
    }

    /// A new load begins: one being made in slices is dropped. Its number.
    fn begin_load(&self) -> u64 {
        self.run.running.set(None);
        self.run.loads.update_value(|n| *n += 1);
        self.run.loads.get_value()
    }

    /// Show the run `setup` has made of `scenario`, from its start, with nothing selected; or
    /// why not.
    fn publish(&self, setup: Setup, scenario: Scenario) -> Result<(), String> {
        let Setup {
            run,
            states,
            fields,
        } = setup;
        if let Some(e) = run.too_big() {
            return Err(e.to_string());
        }
        let RunStore {
            initial_states,
            initial_fields,
            sim,
            ..
        } = self.run;
        self.trace.set(run.shared_trace());
        self.scenario.set(scenario);
        sim.set_value(run);
        self.cursor.set(0);
        self.progress.set(0.0);
        self.playing.set(false);
        self.selection.set(Selection::Nothing);
        self.comparing.set(false);
        self.hidden.set(Vec::new());
        self.emphasis.set(Vec::new());
        self.marked.set(Vec::new());
        initial_states.set(states);
        initial_fields.set(fields);
        self.error.set(None);
        Ok(())
    }

    fn refuse(&self, name: &str, why: String) {
        self.error
            .set(Some(format!("Could not load \"{name}\": {why}")));
    }
}
