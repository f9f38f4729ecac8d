//! Loading a scenario into the store: its run is made, then published whole.
//!
//! A small run is made at once ([`Store::load`]). A big one (64 processes gossiping for 60,000
//! steps, a log of 100,000 events) would freeze the page for a second, so it can be made in
//! slices ([`Store::load_in_slices`], see [`crate::slices`]): the run on screen stays, a progress
//! bar says how far the new one has got ([`RunStore::running`]), and the new run replaces it only
//! once whole. Either way the trace is the same, step for step.

use leptos::prelude::*;
use spacetime_core::{Field, Run, Scenario};

use super::{RunStore, Selection, Store};
use crate::slices;

/// How far a run being made in slices has got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    /// The scenario's title.
    pub title: String,
    pub steps: u64,
    /// The scenario's step limit: the run ends there at the latest (often sooner).
    pub max_steps: u64,
    pub events: usize,
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
                self.refuse(&scenario, why);
                false
            }
        }
    }

    /// [`Store::load`] without the banner: why it did not load.
    pub(super) fn run_to_end(&self, scenario: Scenario) -> Result<(), String> {
        let mut setup = self.set_up(&scenario)?;
        self.begin_load();
        slices::step_until(&mut setup.run, f64::INFINITY);
        self.publish(setup)
    }

    /// [`Store::load`], the run made in slices if it takes long: the first slice now, the
    /// others between the browser's frames, with [`RunStore::running`] saying how far it has
    /// got. `then` runs once the run is on screen (at once for a small run), with whether it
    /// loaded; on error the banner says why and the current run stays. Another load meanwhile
    /// drops this one.
    pub fn load_in_slices(&self, scenario: Scenario, then: impl FnOnce(Store, bool) + 'static) {
        let store = *self;
        let setup = match self.set_up(&scenario) {
            Ok(setup) => setup,
            Err(why) => {
                self.refuse(&scenario, why);
                then(store, false);
                return;
            }
        };
        let load = self.begin_load();
        let owner = Owner::current();
        let mut setup = Some(setup);
        slices::run_sliced(
            slices::SLICE_MS,
            move |deadline| {
                let run = &mut setup.as_mut()?.run;
                if slices::step_until(run, deadline) {
                    return setup.take();
                }
                store.run.running.set(Some(Running {
                    title: scenario.title.clone(),
                    steps: run.steps_taken(),
                    max_steps: scenario.limits.max_steps,
                    events: run.trace().events.len(),
                }));
                None
            },
            move || store.run.loads.try_get_value() == Some(load),
            move |setup| {
                let finish = move || {
                    let name = setup.run.scenario().clone();
                    store.run.running.set(None);
                    let loaded = match store.publish(setup) {
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

    /// Show the run `setup` has made, from its start, with nothing selected; or why not.
    fn publish(&self, setup: Setup) -> Result<(), String> {
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
        self.scenario.set(run.scenario().clone());
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

    fn refuse(&self, scenario: &Scenario, why: String) {
        self.error
            .set(Some(format!("Could not load \"{}\": {why}", scenario.name)));
    }
}
