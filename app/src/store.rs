//! The one store the views share, provided by context.
//!
//! It holds what the learner chose (the scenario, with its seed, network and interventions), the
//! run that scenario makes, and how they are looking at it (the cursor, playback, the selection).
//! The trace is derived: every change to the scenario re-runs (or rewinds and replays) the
//! simulation and publishes the new trace; views only read.

use std::sync::Arc;

use leptos::prelude::*;
use spacetime_core::trace_prefix::TracePrefix;

mod loading;
pub use loading::Running;
use spacetime_core::{
    Action, EventId, Field, Intervention, MessageId, NetworkModel, ProcessId, PropertyReport, Run,
    Scenario, Time, Trace,
};

/// What label each event shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMode {
    Off,
    /// A letter per event (a, b, c, ... in the order they happen), as exercises name them.
    Names,
    Lamport,
    Vector,
}

/// What the learner is doing besides watching: exercises, or an activity a lesson declares (by
/// its id, see `lessons::LessonActivity`). Each opens its panel at the top of the side column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Explore,
    Exercises,
    Lesson(&'static str),
}

/// What the learner has clicked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    Nothing,
    Event(EventId),
    /// Two events to compare, in the order they were picked.
    Pair(EventId, EventId),
    Message(MessageId),
    Process(ProcessId),
    Link(ProcessId, ProcessId),
}

/// Playback speed, as log2 of steps per second; the top of the scale plays the whole run at once.
pub const SPEED_MIN: i32 = -2;
pub const SPEED_MAX: i32 = 11;

/// Steps per second at a speed setting, or `None` for "the whole run at once".
pub fn steps_per_second(speed: i32) -> Option<f64> {
    (speed < SPEED_MAX).then(|| 2f64.powi(speed.clamp(SPEED_MIN, SPEED_MAX)))
}

/// How a speed setting reads on the playback bar.
pub fn speed_label(speed: i32) -> String {
    match steps_per_second(speed) {
        None => "whole run".into(),
        Some(s) if s < 1.0 => format!("1 step / {} s", (1.0 / s).round()),
        Some(1.0) => "1 step/s".into(),
        Some(s) => format!("{s} steps/s"),
    }
}

/// The run: the scenario the learner chose (with its seed, network and interventions), the run it
/// makes, and its trace, shared as one `Arc` that views read without copying.
#[derive(Clone, Copy)]
pub struct RunStore {
    pub scenario: RwSignal<Scenario>,
    pub trace: RwSignal<Arc<Trace>>,
    /// The message of the error banner; the previous run stays on screen beneath it.
    pub error: RwSignal<Option<String>>,
    /// Each process's state summary before the run starts (an acceptor that has promised
    /// nothing), shown for a lane until its first event.
    pub initial_states: RwSignal<Vec<String>>,
    /// The same states as named fields ([`spacetime_core::Process::fields`]).
    pub initial_fields: RwSignal<Vec<Vec<Field>>>,
    sim: StoredValue<Run, LocalStorage>,
    /// The most events a run loaded here may make: [`spacetime_core::MAX_EVENTS`] (a test sets
    /// less: [`Store::set_max_events`]).
    max_events: StoredValue<usize>,
    /// The trace as far as the cursor, moved step by step for the property verdicts.
    prefix: StoredValue<Option<TracePrefix>>,
    /// A run being made in slices ([`Store::load_in_slices`]), and how far it has got; the run
    /// on screen stays until it is whole.
    pub running: RwSignal<Option<Running>>,
    /// Counts the loads begun: a run in slices goes on only while it is the latest.
    loads: StoredValue<u64>,
}

/// Playback: where the cursor is and how it moves.
#[derive(Clone, Copy)]
pub struct PlaybackStore {
    /// How many steps are shown: 0 is the start, `trace.steps.len()` the end.
    pub cursor: RwSignal<u64>,
    /// How far the animation is towards the next step, from 0 to 1, while playing.
    pub progress: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<i32>,
    /// Playback pauses when it reaches this step (a tour's next stop).
    pub pause_at: RwSignal<Option<u64>>,
    /// The speed before presentation mode slowed playback down.
    speed_before_presenting: StoredValue<Option<i32>>,
}

/// How the learner is looking at the run: what is selected, how events are labelled, what is
/// hidden or pointed at, the page's modes.
#[derive(Clone, Copy)]
pub struct ViewStore {
    pub selection: RwSignal<Selection>,
    pub clocks: RwSignal<ClockMode>,
    /// The next event clicked is compared with the selected one.
    pub comparing: RwSignal<bool>,
    pub activity: RwSignal<Activity>,
    /// Arrows the diagram leaves out (an exercise asks the learner to find them); their send and
    /// receipt are drawn as plain events.
    pub hidden: RwSignal<Vec<MessageId>>,
    /// Arrows a lesson's view points at (the quorum that chose a value), drawn like a selection.
    pub emphasis: RwSignal<Vec<MessageId>>,
    /// Events a lesson's view points at (where two executions of a log differ), drawn ringed; in
    /// increasing order.
    pub marked: RwSignal<Vec<EventId>>,
    /// The diagram spans at least this much virtual time, so that a diagram being built by hand
    /// has room to grow without rescaling at every click.
    pub horizon: RwSignal<Time>,
    /// Presentation mode (`p`): large type, thick strokes, the chrome hidden, a lecture's pace.
    pub presenting: RwSignal<bool>,
    /// The compact view for an iframe (`?embed`): the diagram and the playback bar only.
    pub embed: RwSignal<bool>,
    /// The reader asked for reduced motion: arrows jump from step to step instead of gliding.
    pub reduced_motion: RwSignal<bool>,
    pub help_open: RwSignal<bool>,
    /// The guided tour being played, if any (the tour panel, the page's class and its link
    /// read it).
    pub tour: RwSignal<Option<TourState>>,
    /// The lessons being loaded, by title, while a lesson's code is on its way.
    pub loading: RwSignal<Option<String>>,
    /// The lesson text is open beside the diagram ([`crate::reader`]).
    pub reading: RwSignal<bool>,
}

/// The page's shared state: the three stores above, each also in context on its own, bundled
/// for the code that needs more than one. Cheap to copy: every field is a handle.
///
/// The flat fields are the same handles as those of the concern stores (`store.cursor` is
/// `store.playback.cursor`), so that views written before the split read on. State that only
/// one panel uses lives in that panel's module (the import panel's log and regex, the
/// playground's sketch).
#[derive(Clone, Copy)]
pub struct Store {
    pub run: RunStore,
    pub playback: PlaybackStore,
    pub view: ViewStore,
    pub scenario: RwSignal<Scenario>,
    pub trace: RwSignal<Arc<Trace>>,
    pub error: RwSignal<Option<String>>,
    pub cursor: RwSignal<u64>,
    pub progress: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<i32>,
    pub pause_at: RwSignal<Option<u64>>,
    pub selection: RwSignal<Selection>,
    pub clocks: RwSignal<ClockMode>,
    pub comparing: RwSignal<bool>,
    pub activity: RwSignal<Activity>,
    pub hidden: RwSignal<Vec<MessageId>>,
    pub emphasis: RwSignal<Vec<MessageId>>,
    pub marked: RwSignal<Vec<EventId>>,
    pub horizon: RwSignal<Time>,
    pub presenting: RwSignal<bool>,
    pub embed: RwSignal<bool>,
    pub reduced_motion: RwSignal<bool>,
    pub help_open: RwSignal<bool>,
    pub tour: RwSignal<Option<TourState>>,
    pub loading: RwSignal<Option<String>>,
}

/// A guided tour in progress.
#[derive(Clone, Debug, PartialEq)]
pub struct TourState {
    pub tour: Arc<spacetime_core::tour::Tour>,
    /// The stop shown or being played to; `None` while the introduction is shown.
    pub stop: Option<usize>,
    /// Whether playback has reached that stop.
    pub arrived: bool,
    /// The choice (from 0) the learner picked for the stop's question.
    pub answer: Option<usize>,
    /// Where the tour came from, for the page's link: a lesson id or a relative URL (`None`
    /// for a file dropped on the page, which a link cannot name).
    pub source: Option<String>,
    /// The event labels the learner had before the tour chose its own, given back on leaving.
    pub labels_before: ClockMode,
}

/// Playback speed in presentation mode at most: one step a second, a lecture's pace.
pub const PRESENTING_SPEED: i32 = 0;

impl Store {
    /// A store running `scenario`, run to its end before this returns; if it does not load, the
    /// first example and the error.
    pub fn new(scenario: Scenario) -> Store {
        let mut store = Store::before(&scenario);
        // Set already if it did not set up: `before` then took the first example.
        let mut error = store.error.get_untracked();
        if error.is_none() {
            match store.run_to_end(scenario.clone()) {
                Ok(()) => return store,
                Err(why) => {
                    error = Some(format!(
                        "The scenario \"{}\" did not load: {why}",
                        scenario.name
                    ));
                    store = Store::before(&fallback_scenario());
                }
            }
        }
        let _ = store.run_to_end(store.scenario.get_untracked());
        store.error.set(error);
        store
    }

    /// The store of `scenario` before its run has made a step: its lanes, no event yet. Load the
    /// scenario into it ([`Store::load_in_slices`]) to run it. If it does not set up, the first
    /// example's, with the banner saying why.
    pub fn before(scenario: &Scenario) -> Store {
        let (run, error) = match Run::new(scenario) {
            Ok(run) => (run, None),
            Err(e) => (
                Run::new(&fallback_scenario()).expect("the fallback scenario sets up"),
                Some(format!(
                    "The scenario \"{}\" did not load: {e}",
                    scenario.name
                )),
            ),
        };
        let trace = run.shared_trace();
        let run = RunStore {
            scenario: RwSignal::new(run.scenario().clone()),
            trace: RwSignal::new(trace),
            error: RwSignal::new(error),
            initial_states: RwSignal::new(run.summaries()),
            initial_fields: RwSignal::new(run.fields()),
            sim: StoredValue::new_local(run),
            max_events: StoredValue::new(spacetime_core::MAX_EVENTS),
            prefix: StoredValue::new(None),
            running: RwSignal::new(None),
            loads: StoredValue::new(0),
        };
        let playback = PlaybackStore {
            cursor: RwSignal::new(0),
            progress: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1),
            pause_at: RwSignal::new(None),
            speed_before_presenting: StoredValue::new(None),
        };
        let view = ViewStore {
            selection: RwSignal::new(Selection::Nothing),
            clocks: RwSignal::new(ClockMode::Lamport),
            comparing: RwSignal::new(false),
            activity: RwSignal::new(Activity::Explore),
            hidden: RwSignal::new(Vec::new()),
            emphasis: RwSignal::new(Vec::new()),
            marked: RwSignal::new(Vec::new()),
            horizon: RwSignal::new(0),
            presenting: RwSignal::new(false),
            embed: RwSignal::new(false),
            reduced_motion: RwSignal::new(false),
            help_open: RwSignal::new(false),
            tour: RwSignal::new(None),
            loading: RwSignal::new(None),
            reading: RwSignal::new(false),
        };
        Store::bundle(run, playback, view)
    }

    /// The bundle of three concern stores.
    pub fn bundle(run: RunStore, playback: PlaybackStore, view: ViewStore) -> Store {
        Store {
            run,
            playback,
            view,
            scenario: run.scenario,
            trace: run.trace,
            error: run.error,
            cursor: playback.cursor,
            progress: playback.progress,
            playing: playback.playing,
            speed: playback.speed,
            pause_at: playback.pause_at,
            selection: view.selection,
            clocks: view.clocks,
            comparing: view.comparing,
            activity: view.activity,
            hidden: view.hidden,
            emphasis: view.emphasis,
            marked: view.marked,
            horizon: view.horizon,
            presenting: view.presenting,
            embed: view.embed,
            reduced_motion: view.reduced_motion,
            help_open: view.help_open,
            tour: view.tour,
            loading: view.loading,
        }
    }

    /// Put the store in context for every view below.
    /// Each concern store is in context on its own too: `use_context::<PlaybackStore>()`.
    pub fn provide(self) -> Self {
        provide_context(self.run);
        provide_context(self.playback);
        provide_context(self.view);
        provide_context(self);
        self
    }

    /// The store from context.
    pub fn get() -> Store {
        expect_context::<Store>()
    }

    /// Refuse runs of more than `cap` events from the next [`Store::load`] on, instead of more
    /// than [`spacetime_core::MAX_EVENTS`] (which a larger cap is): a test's small limit.
    pub fn set_max_events(&self, cap: usize) {
        self.run.max_events.set_value(cap);
    }

    /// Change the scenario but keep the cursor where it is (a new seed or network).
    fn reload_keeping_cursor(&self, scenario: Scenario) {
        let cursor = self.cursor.get_untracked();
        self.load_in_slices(scenario, move |store, loaded| {
            if loaded {
                store.cursor.set(cursor.min(store.step_count()));
            }
        });
    }

    /// Run the same scenario with another seed. Interventions name messages of the old run, so
    /// they are cleared.
    pub fn set_seed(&self, seed: u64) {
        let mut s = self.scenario.get_untracked();
        s.seed = seed;
        s.interventions.clear();
        self.reload_keeping_cursor(s);
    }

    /// Run the same scenario over another network (clearing interventions, as for a new seed).
    pub fn set_network(&self, network: NetworkModel) {
        let mut s = self.scenario.get_untracked();
        s.network = network;
        s.interventions.clear();
        self.reload_keeping_cursor(s);
    }

    /// Switch protocol variant, keeping everything else.
    pub fn set_variant(&self, variant: String) {
        let mut s = self.scenario.get_untracked();
        s.variant = variant;
        s.interventions.clear();
        self.reload_keeping_cursor(s);
    }

    /// Select what the learner clicked: clicking the selection again clears it; while comparing,
    /// a second event makes a pair with the first.
    pub fn pick(&self, picked: Selection) {
        let comparing = self.comparing.get_untracked();
        self.selection.update(|current| {
            *current = match (*current, picked) {
                (Selection::Event(a), Selection::Event(b)) if comparing && a != b => {
                    Selection::Pair(a, b)
                }
                (c, p) if c == p => Selection::Nothing,
                (_, p) => p,
            }
        });
        self.comparing.set(false);
    }

    /// Steps in the whole run.
    pub fn step_count(&self) -> u64 {
        self.trace.with_untracked(|t| t.step_count())
    }

    /// Record the learner's action at the current step. The run rewinds to it and replays; the
    /// cursor moves one step on, so the action shows at once.
    pub fn intervene(&self, action: Action) {
        let step = self.cursor.get_untracked();
        let mut interventions = self.scenario.with_untracked(|s| s.interventions.clone());
        interventions.push(Intervention { step, action });
        if self.apply_interventions(interventions) {
            self.cursor.set((step + 1).min(self.step_count()));
            self.progress.set(0.0);
        }
    }

    /// Record an action at step `step`, not at the cursor (a lesson's one-click intervention);
    /// the cursor moves to just after it.
    pub fn intervene_at(&self, step: u64, action: Action) {
        let mut interventions = self.scenario.with_untracked(|s| s.interventions.clone());
        let at = interventions.partition_point(|i| i.step <= step);
        interventions.insert(at, Intervention { step, action });
        if self.apply_interventions(interventions) {
            self.seek(step + 1);
        }
    }

    /// Take back the last intervention.
    pub fn undo_intervention(&self) {
        let mut interventions = self.scenario.with_untracked(|s| s.interventions.clone());
        if interventions.pop().is_some() {
            self.apply_interventions(interventions);
            let end = self.step_count();
            self.cursor.update(|c| *c = (*c).min(end));
        }
    }

    /// Take back every intervention.
    pub fn clear_interventions(&self) {
        self.apply_interventions(Vec::new());
        let end = self.step_count();
        self.cursor.update(|c| *c = (*c).min(end));
    }

    fn apply_interventions(&self, interventions: Vec<Intervention>) -> bool {
        // The run on screen is about to give way to another, still being made.
        if self.run.running.with_untracked(Option::is_some) {
            return false;
        }
        let result = self.run.sim.try_update_value(|run| {
            let before = run.scenario().interventions.clone();
            run.set_interventions(interventions)
                .map_err(|e| e.to_string())?;
            if let Err(e) = run.finish() {
                // Back to the run on screen: the interventions it had replay it exactly.
                let _ = run.set_interventions(before);
                run.run();
                return Err(e.to_string());
            }
            Ok((run.shared_trace(), run.scenario().clone()))
        });
        match result {
            Some(Ok((trace, scenario))) => {
                self.trace.set(trace);
                self.scenario.set(scenario);
                self.error.set(None);
                true
            }
            Some(Err(e)) => {
                self.error
                    .set(Some(format!("That intervention failed: {e}")));
                false
            }
            None => false,
        }
    }

    /// Go to step `n` (clamped to the run).
    pub fn seek(&self, n: u64) {
        // Only what changes is written: each write wakes every view of the cursor, and a scrub
        // seeks every frame.
        let n = n.min(self.step_count());
        if self.cursor.get_untracked() != n {
            self.cursor.set(n);
        }
        if self.progress.get_untracked() != 0.0 {
            self.progress.set(0.0);
        }
    }

    pub fn step_forward(&self) {
        self.seek(self.cursor.get_untracked() + 1);
    }

    pub fn step_back(&self) {
        self.seek(self.cursor.get_untracked().saturating_sub(1));
    }

    /// Back to the start, paused.
    pub fn rewind(&self) {
        self.playing.set(false);
        self.seek(0);
    }

    pub fn toggle_play(&self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
        } else {
            if self.cursor.get_untracked() >= self.step_count() {
                self.seek(0);
            }
            self.playing.set(true);
        }
    }

    /// Enter or leave presentation mode. Entering slows playback to a lecture's pace; leaving
    /// gives back the speed it had.
    pub fn set_presenting(&self, on: bool) {
        if on == self.presenting.get_untracked() {
            return;
        }
        if on {
            let speed = self.speed.get_untracked();
            self.playback.speed_before_presenting.set_value(Some(speed));
            self.speed.set(speed.min(PRESENTING_SPEED));
        } else if let Some(speed) = self.playback.speed_before_presenting.get_value() {
            self.playback.speed_before_presenting.set_value(None);
            // Keep a speed the presenter chose meanwhile.
            if self.speed.get_untracked() == speed.min(PRESENTING_SPEED) {
                self.speed.set(speed);
            }
        }
        self.presenting.set(on);
    }

    pub fn faster(&self) {
        self.speed.update(|s| *s = (*s + 1).min(SPEED_MAX));
    }

    pub fn slower(&self) {
        self.speed.update(|s| *s = (*s - 1).max(SPEED_MIN));
    }

    /// Advance playback by `seconds` of wall time; called by the animation loop.
    pub fn advance(&self, seconds: f64) {
        if !self.playing.get_untracked() {
            return;
        }
        let cursor = self.cursor.get_untracked();
        // A pause point ahead (a tour's next stop) ends playback there.
        let end = match self.pause_at.get_untracked() {
            Some(stop) if stop > cursor => stop.min(self.step_count()),
            _ => self.step_count(),
        };
        match steps_per_second(self.speed.get_untracked()) {
            None => {
                self.seek(end);
            }
            Some(rate) => {
                let total = self.progress.get_untracked() + rate * seconds;
                let whole = total.floor();
                if whole >= 1.0 {
                    self.cursor.set((cursor + whole as u64).min(end));
                }
                self.progress.set(total - whole);
            }
        }
        if self.cursor.get_untracked() >= end {
            self.progress.set(0.0);
            self.playing.set(false);
            self.pause_at.set(None);
        }
    }

    /// The virtual time the views show: the current step's, moving on towards the next step's
    /// while the animation plays.
    pub fn view_time(&self) -> f64 {
        let cursor = self.cursor.get();
        let progress = self.progress.get();
        let glide = !self.reduced_motion.get();
        self.trace.with(|t| {
            let here = t.time_at_step(cursor) as f64;
            if cursor >= t.step_count() || progress <= 0.0 || !glide {
                return here;
            }
            let next = t.time_at_step(cursor + 1) as f64;
            here + (next - here) * progress
        })
    }

    /// The status of every property of the run as far as the cursor.
    pub fn reports(&self) -> Vec<PropertyReport> {
        self.reports_at(self.cursor.get())
    }

    /// The status of every property of the run's first `cursor` steps. The trace as far as the
    /// cursor is not copied afresh: one prefix moves with the cursor, by the steps it moved over.
    pub fn reports_at(&self, cursor: u64) -> Vec<PropertyReport> {
        let trace = self.trace.get();
        let run = self.run;
        if cursor >= trace.step_count() {
            return run.sim.with_value(|r| r.check(&trace));
        }
        run.prefix
            .try_update_value(|prefix| {
                let prefix = match prefix {
                    Some(p) if Arc::ptr_eq(p.full(), &trace) => p,
                    _ => prefix.insert(TracePrefix::new(trace.clone())),
                };
                let shown = prefix.move_to(cursor);
                run.sim.with_value(|r| r.check(shown))
            })
            .unwrap_or_default()
    }

    /// Each process's state summary at the cursor (the state after its last event so far).
    pub fn states_at_cursor(&self) -> Vec<String> {
        let cursor = self.cursor.get();
        let initial = self.run.initial_states.get();
        self.trace.with(|t| {
            let shown = t.events.partition_point(|e| e.step < cursor);
            let mut states: Vec<Option<&str>> = vec![None; t.processes.len()];
            let mut missing = states.len();
            // Walk back from the cursor: each lane's latest event is found once, and the walk
            // stops as soon as every lane has one.
            for e in t.events[..shown].iter().rev() {
                if missing == 0 {
                    break;
                }
                if states[e.process].is_none() {
                    states[e.process] = Some(&e.state);
                    missing -= 1;
                }
            }
            states
                .into_iter()
                .enumerate()
                .map(|(p, s)| {
                    s.or(initial.get(p).map(String::as_str))
                        .unwrap_or("not started")
                        .to_string()
                })
                .collect()
        })
    }

    /// Each process's state at the cursor as named fields (the fields of its last event so far,
    /// or its initial ones); empty for a protocol that lists none.
    pub fn fields_at_cursor(&self) -> Vec<Vec<Field>> {
        let cursor = self.cursor.get();
        let initial = self.run.initial_fields.get();
        self.trace.with(|t| fields_at(t, cursor, &initial))
    }

    /// Whether each process is up at the cursor.
    pub fn up_at_cursor(&self) -> Vec<bool> {
        self.cursor.track();
        self.trace.track();
        self.up_at_cursor_untracked()
    }

    /// [`Store::up_at_cursor`] without subscribing (for event handlers).
    pub fn up_at_cursor_untracked(&self) -> Vec<bool> {
        let cursor = self.cursor.get_untracked();
        self.trace.with_untracked(|t| {
            let mut up = vec![true; t.processes.len()];
            for e in t.events.iter().take_while(|e| e.step < cursor) {
                match e.kind {
                    spacetime_core::EventKind::Crash => up[e.process] = false,
                    spacetime_core::EventKind::Recover => up[e.process] = true,
                    _ => {}
                }
            }
            up
        })
    }

    /// The timers `process` has running at the cursor that the diagram draws (a protocol's
    /// timeouts, not the ones that only pace it), by name, each once.
    pub fn timers_running_at_cursor(&self, process: ProcessId) -> Vec<String> {
        let cursor = self.cursor.get();
        self.trace.with(|t| {
            let mut names: Vec<String> = Vec::new();
            for span in &t.timers {
                if span.process == process && span.running_at(cursor) && !names.contains(&span.name)
                {
                    names.push(span.name.clone());
                }
            }
            names
        })
    }

    /// Which processes omit messages at the cursor (tracked).
    pub fn omitting_at_cursor(&self) -> Vec<bool> {
        let cursor = self.cursor.get();
        self.trace.with(|t| {
            t.omitting_at(cursor)
                .into_iter()
                .map(|(send, receive)| send > 0.0 || receive > 0.0)
                .collect()
        })
    }

    /// Links cut at the cursor.
    pub fn cut_links_at_cursor(&self) -> Vec<[ProcessId; 2]> {
        let cursor = self.cursor.get();
        self.trace.with(|t| t.cut_links_at(cursor))
    }
}

/// Each process's state before its first step, as a summary and as named fields, from a run
/// set up but not started.
pub fn initial_view(scenario: &Scenario) -> (Vec<String>, Vec<Vec<Field>>) {
    Run::new(scenario)
        .map(|r| (r.summaries(), r.fields()))
        .unwrap_or_default()
}

/// Each process's fields after its last event before step `steps` (`initial` before its first).
pub fn fields_at(trace: &Trace, steps: u64, initial: &[Vec<Field>]) -> Vec<Vec<Field>> {
    let shown = trace.events.partition_point(|e| e.step < steps);
    let mut fields: Vec<Option<&[Field]>> = vec![None; trace.processes.len()];
    let mut missing = fields.len();
    for e in trace.events[..shown].iter().rev() {
        if missing == 0 {
            break;
        }
        if fields[e.process].is_none() {
            fields[e.process] = Some(&e.fields);
            missing -= 1;
        }
    }
    fields
        .into_iter()
        .enumerate()
        .map(|(p, f)| {
            f.map(<[Field]>::to_vec)
                .or_else(|| initial.get(p).cloned())
                .unwrap_or_default()
        })
        .collect()
}

/// What the page shows if even the first scenario fails: the first built-in example.
fn fallback_scenario() -> Scenario {
    spacetime_core::protocols::examples()
        .into_iter()
        .next()
        .expect("at least one example ships")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_scale_is_logarithmic_and_ends_with_the_whole_run() {
        assert_eq!(steps_per_second(0), Some(1.0));
        assert_eq!(steps_per_second(3), Some(8.0));
        assert_eq!(steps_per_second(SPEED_MIN), Some(0.25));
        assert_eq!(steps_per_second(SPEED_MAX), None);
        assert_eq!(speed_label(SPEED_MIN), "1 step / 4 s");
        assert_eq!(speed_label(SPEED_MAX), "whole run");
        assert_eq!(speed_label(0), "1 step/s");
        assert_eq!(speed_label(1), "2 steps/s");
    }

    /// A 64-process gossip that runs past [`spacetime_core::MAX_EVENTS`] events.
    fn too_big() -> Scenario {
        let mut s = spacetime_core::protocols::example("gossip-busy-sixteen").unwrap();
        s.name = "gossip-too-big".into();
        s.processes = (1..=64).map(|i| format!("P{i}")).collect();
        s.params["fanout"] = 4.into();
        s.params["rumours"] = 2000.into();
        s.limits.max_steps = 300_000;
        s
    }

    #[test]
    fn a_run_larger_than_the_page_holds_is_refused_and_the_run_on_screen_stays() {
        let owner = Owner::new();
        owner.with(|| {
            let store = Store::new(spacetime_core::protocols::example("clocks-busy-four").unwrap());
            store.seek(5);
            store.selection.set(Selection::Event(2));
            let (trace, scenario) = (store.trace.get_untracked(), store.scenario.get_untracked());
            assert!(!store.load(too_big()));
            assert!(Arc::ptr_eq(&store.trace.get_untracked(), &trace));
            assert_eq!(store.scenario.get_untracked(), scenario);
            assert_eq!(store.cursor.get_untracked(), 5);
            assert_eq!(store.selection.get_untracked(), Selection::Event(2));
            let error = store.error.get_untracked().expect("a banner");
            let limit = spacetime_core::words::thousands(spacetime_core::MAX_EVENTS as u64);
            assert!(
                error.starts_with("Could not load \"gossip-too-big\": this run passes"),
                "{error}"
            );
            assert!(
                error.contains(&format!("the page holds at most {limit} events")),
                "{error}"
            );
            // Opened first, from a link, it gives way to a run that loads, with the same words.
            let opened = Store::new(too_big());
            assert_ne!(opened.scenario.get_untracked().name, "gossip-too-big");
            let error = opened.error.get_untracked().expect("a banner");
            assert!(
                error.contains(&format!("at most {limit} events")),
                "{error}"
            );
        });
    }

    #[test]
    fn an_intervention_that_makes_the_run_too_big_is_refused_and_the_run_stays() {
        let owner = Owner::new();
        owner.with(|| {
            let scenario = spacetime_core::protocols::example("clocks-busy-four").unwrap();
            let store = Store::new(scenario.clone());
            // The run exactly fills the cap: it loads.
            let full = store.trace.get_untracked();
            store.set_max_events(full.events.len());
            assert!(store.load(scenario.clone()));
            let before = store.trace.get_untracked();
            assert_eq!(before.events, full.events);
            // Delivering a message twice makes one receipt more: past the cap.
            let m = before
                .messages
                .iter()
                .find(|m| m.settled_step.is_some_and(|s| s > m.created_step + 1))
                .expect("a message that travels for a while");
            let (id, at) = (m.id, m.created_step + 1);
            store.seek(at);
            store.intervene(Action::Duplicate { message: id });
            let error = store.error.get_untracked().expect("a banner");
            assert!(error.contains("this run passes"), "{error}");
            assert!(Arc::ptr_eq(&store.trace.get_untracked(), &before));
            assert!(store
                .scenario
                .with_untracked(|s| s.interventions.is_empty()));
            assert_eq!(store.cursor.get_untracked(), at);
            // Nor does the simulation behind it keep the refused run (and its memory).
            store.run.sim.with_value(|run| {
                assert_eq!(run.trace().events, before.events);
                assert!(run.scenario().interventions.is_empty());
                assert_eq!(run.too_big(), None);
            });
            // The run kept is the run that was: the next intervention forks it as it would have.
            store.intervene(Action::Drop { message: id });
            assert_eq!(store.error.get_untracked(), None);
            let mut dropped = scenario.clone();
            dropped.interventions = vec![Intervention {
                step: at,
                action: Action::Drop { message: id },
            }];
            let want = Run::complete(&dropped).unwrap();
            assert_eq!(*store.trace.get_untracked(), *want.trace());
        });
    }

    #[test]
    fn verdicts_at_the_cursor_are_those_of_the_trace_so_far_wherever_it_moves() {
        let owner = Owner::new();
        owner.with(|| {
            for name in [
                "paxos-minority-crash",
                "tcp-lost-segment",
                "broadcast-fifo-overtake",
            ] {
                let scenario = spacetime_core::protocols::example(name).expect(name);
                let run = Run::complete(&scenario).unwrap();
                let store = Store::new(scenario);
                let end = store.step_count();
                let mut n = 7u64;
                for _ in 0..25 {
                    n = (n * 31 + 11) % (end + 1);
                    store.seek(n);
                    let want = run.check(&run.trace().prefix(n));
                    let got = store.reports();
                    assert_eq!(format!("{got:?}"), format!("{want:?}"), "{name} at {n}");
                }
            }
        });
    }
}
