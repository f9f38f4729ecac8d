//! The playground: a space-time diagram built by hand.
//!
//! The learner's drawing is a [`Sketch`]: the lines of a `scripted` scenario, so the engine runs
//! it like any prepared example and the clocks, the causal highlights and the properties all
//! follow live. Each gesture on the diagram (a click on a lane, a drag from one lane to another,
//! a deletion) makes a new sketch; [`Playground`] keeps the old ones for undo and redo. All of
//! this is plain Rust, tested natively; the component at the bottom only wires it to the store.

use leptos::prelude::*;
use spacetime_core::layout::{end_time, Layout};
use spacetime_core::lessons::clocks::scripted::{ScriptLine, ScriptParams};
use spacetime_core::words::count_of;
use spacetime_core::{
    EventId, EventKind, Latency, MessageId, NetworkModel, ProcessId, ProcessRef, Scenario, Time,
    Trace,
};

use crate::store::{Activity, ClockMode, Selection, Store};

/// The name of the scenario a sketch runs as.
pub const PLAYGROUND_NAME: &str = "clocks-playground";
/// The most lanes a sketch may have: more would not fit a projector's height.
pub const MAX_PROCESSES: usize = 8;
/// How far the empty canvas reaches, in ticks.
pub const CANVAS_TICKS: Time = 100;

/// A diagram drawn by hand: its lanes and the lines of its script (processes by index).
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    pub processes: Vec<String>,
    pub script: Vec<ScriptLine>,
}

/// What the learner did on the canvas, in diagram terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    /// A click on a lane: a local event there.
    Local { process: ProcessId, at: Time },
    /// A drag from one lane to another: a message.
    Message {
        from: ProcessId,
        at: Time,
        to: ProcessId,
        arrive: Time,
    },
}

impl Sketch {
    /// Empty lanes P1..Pn.
    pub fn blank(n: usize) -> Sketch {
        Sketch {
            processes: (1..=n.clamp(1, MAX_PROCESSES))
                .map(|i| format!("P{i}"))
                .collect(),
            script: Vec::new(),
        }
    }

    /// The sketch of a scripted scenario (to edit a prepared diagram), or `None` for any other
    /// protocol or a script that does not read.
    pub fn from_scenario(scenario: &Scenario) -> Option<Sketch> {
        if scenario.protocol != "scripted" {
            return None;
        }
        let params: ScriptParams = scenario.params().ok()?;
        let index = |r: &ProcessRef| r.resolve(&scenario.processes, "").ok();
        let script = params
            .script
            .iter()
            .map(|line| {
                let mut line = line.clone();
                line.process = ProcessRef::Index(index(&line.process)?);
                if let Some(to) = &line.to {
                    line.to = Some(ProcessRef::Index(index(to)?));
                    // A send the network would have timed gets a fixed arrival, as drawn.
                    line.arrive = Some(
                        line.arrive
                            .unwrap_or(line.at + scenario.network.latency.min.max(1)),
                    );
                }
                Some(line)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Sketch {
            processes: scenario.processes.clone(),
            script,
        })
    }

    /// The scenario that draws this sketch.
    pub fn to_scenario(&self) -> Scenario {
        let lines = self.script.len();
        Scenario {
            name: PLAYGROUND_NAME.into(),
            title: "Your diagram".into(),
            description: "Built by hand: click a lane for a local event, drag between lanes \
                          for a message."
                .into(),
            protocol: "scripted".into(),
            variant: String::new(),
            params: serde_json::to_value(ScriptParams {
                script: self.script.clone(),
            })
            .unwrap_or_default(),
            processes: self.processes.clone(),
            network: NetworkModel {
                latency: Latency { min: 10, max: 10 },
                ..NetworkModel::default()
            },
            faults: Vec::new(),
            seed: 0,
            interventions: Vec::new(),
            limits: spacetime_core::Limits {
                max_steps: 2 * lines as u64 + 100,
                max_time: None,
            },
        }
    }

    fn process_of(line: &ScriptLine) -> ProcessId {
        match line.process {
            ProcessRef::Index(p) => p,
            ProcessRef::Name(_) => usize::MAX,
        }
    }

    fn receiver_of(line: &ScriptLine) -> Option<ProcessId> {
        match line.to {
            Some(ProcessRef::Index(p)) => Some(p),
            _ => None,
        }
    }

    /// Whether something already happens on lane `p` at tick `t`.
    fn busy(&self, p: ProcessId, t: Time) -> bool {
        self.script.iter().any(|l| {
            (Self::process_of(l) == p && l.at == t)
                || (Self::receiver_of(l) == Some(p) && l.arrive == Some(t))
        })
    }

    /// The first free tick on lane `p` at or after `t`: two events never share a tick on a lane,
    /// so each event of the run maps back to one line.
    pub fn free_time(&self, p: ProcessId, t: Time) -> Time {
        let mut t = t;
        while self.busy(p, t) {
            t += 1;
        }
        t
    }

    fn next_number(&self, prefix: &str) -> usize {
        self.script
            .iter()
            .filter_map(|l| l.local.as_deref().or(l.send.as_deref()))
            .filter_map(|label| label.strip_prefix(prefix)?.parse::<usize>().ok())
            .max()
            .unwrap_or(0)
            + 1
    }

    /// The sketch after a gesture, or why the gesture does not make sense.
    pub fn with(&self, gesture: Gesture) -> Result<Sketch, String> {
        let mut next = self.clone();
        match gesture {
            Gesture::Local { process, at } => {
                if process >= self.processes.len() {
                    return Err("There is no such lane.".into());
                }
                next.script.push(ScriptLine {
                    at: self.free_time(process, at),
                    process: ProcessRef::Index(process),
                    local: Some(format!("e{}", self.next_number("e"))),
                    ..Default::default()
                });
            }
            Gesture::Message {
                from,
                at,
                to,
                arrive,
            } => {
                if from >= self.processes.len() || to >= self.processes.len() {
                    return Err("There is no such lane.".into());
                }
                if from == to {
                    return Err(
                        "A message goes from one lane to another: drag across lanes.".into(),
                    );
                }
                let at = self.free_time(from, at);
                // A message cannot arrive before it leaves: a drag back in time lands just after.
                let arrive = self.free_time(to, arrive.max(at + 1));
                next.script.push(ScriptLine {
                    at,
                    process: ProcessRef::Index(from),
                    send: Some(format!("m{}", self.next_number("m"))),
                    to: Some(ProcessRef::Index(to)),
                    arrive: Some(arrive),
                    ..Default::default()
                });
            }
        }
        Ok(next)
    }

    /// The line that made event `e` of `trace` (this sketch's run): a local event's own line, or
    /// the send line of the message a send or receipt belongs to.
    pub fn line_of_event(&self, trace: &Trace, e: EventId) -> Option<usize> {
        let event = trace.events.get(e)?;
        match event.kind {
            EventKind::Local => self.script.iter().position(|l| {
                l.local.is_some() && Self::process_of(l) == event.process && l.at == event.time
            }),
            EventKind::Send | EventKind::Receive => self.line_of_message(trace, event.message?),
            _ => None,
        }
    }

    /// The send line of message `m` of `trace`.
    pub fn line_of_message(&self, trace: &Trace, m: MessageId) -> Option<usize> {
        let message = trace.messages.get(m)?;
        let send = trace.events.get(message.send_event)?;
        self.script.iter().position(|l| {
            l.send.is_some() && Self::process_of(l) == send.process && l.at == send.time
        })
    }

    /// The sketch without line `i`.
    pub fn without_line(&self, i: usize) -> Sketch {
        let mut next = self.clone();
        if i < next.script.len() {
            next.script.remove(i);
        }
        next
    }

    /// One more lane, if there is room.
    pub fn with_process(&self) -> Option<Sketch> {
        (self.processes.len() < MAX_PROCESSES).then(|| {
            let mut next = self.clone();
            next.processes
                .push(format!("P{}", self.processes.len() + 1));
            next
        })
    }

    /// The last lane removed, with everything on it; at least one lane stays.
    pub fn without_last_process(&self) -> Option<Sketch> {
        let last = self.processes.len().checked_sub(1).filter(|&l| l > 0)?;
        let mut next = self.clone();
        next.processes.pop();
        next.script
            .retain(|l| Self::process_of(l) != last && Self::receiver_of(l) != Some(last));
        Some(next)
    }
}

/// A sketch with its history, for undo and redo.
#[derive(Clone, Debug, PartialEq)]
pub struct Playground {
    pub sketch: Sketch,
    undo: Vec<Sketch>,
    redo: Vec<Sketch>,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::new(Sketch::blank(3))
    }
}

impl Playground {
    pub fn new(sketch: Sketch) -> Playground {
        Playground {
            sketch,
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }

    /// Replace the sketch, remembering the old one; a new edit forgets what was undone.
    pub fn edit(&mut self, next: Sketch) {
        if next != self.sketch {
            self.undo.push(std::mem::replace(&mut self.sketch, next));
            self.redo.clear();
        }
    }

    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(previous) => {
                self.redo
                    .push(std::mem::replace(&mut self.sketch, previous));
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(std::mem::replace(&mut self.sketch, next));
                true
            }
            None => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

/// The lane nearest to height `y` of the diagram, if `y` is close enough to it to mean it.
pub fn lane_at(layout: &Layout, y: f64) -> Option<ProcessId> {
    let reach = (layout.options.lane_gap / 2.0).min(36.0);
    layout
        .lanes
        .iter()
        .map(|l| (l.process, (l.y - y).abs()))
        .filter(|(_, d)| *d <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(p, _)| p)
}

/// The tick at horizontal position `x` of the diagram (never before 1: the run starts at 0).
pub fn tick_at(layout: &Layout, x: f64) -> Time {
    layout.x_time(x).round().max(1.0) as Time
}

/// A press at `start` released at `end` (diagram coordinates): a local event when the pointer
/// stayed on its lane, a message when it moved to another lane, nothing if it began off a lane.
pub fn gesture_of(layout: &Layout, start: (f64, f64), end: (f64, f64)) -> Option<Gesture> {
    let from = lane_at(layout, start.1)?;
    let at = tick_at(layout, start.0);
    match lane_at(layout, end.1) {
        Some(to) if to != from => Some(Gesture::Message {
            from,
            at,
            to,
            arrive: tick_at(layout, end.0),
        }),
        _ if (end.0 - start.0).abs() < 12.0 && (end.1 - start.1).abs() < 24.0 => {
            Some(Gesture::Local { process: from, at })
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Wiring to the store
// ---------------------------------------------------------------------------------------------

/// The diagram being built by hand, with its undo history: the playground's own state, kept
/// while the learner does something else (the page provides it above the panel).
#[derive(Clone, Copy)]
pub struct BuildState(pub RwSignal<Playground>);

thread_local! {
    /// The page's build state, for callers outside the reactive tree (a key listener, a test
    /// driving the page): there is one page, and so one diagram being built.
    static PAGE_STATE: std::cell::Cell<Option<BuildState>> = const { std::cell::Cell::new(None) };
}

impl BuildState {
    /// A blank one, in context for every view below.
    pub fn provide() -> BuildState {
        let state = BuildState(RwSignal::new(Playground::default()));
        provide_context(state);
        PAGE_STATE.with(|page| page.set(Some(state)));
        state
    }

    /// The one in context, else the page's, else a new one (for a panel shown on its own).
    pub fn get() -> BuildState {
        use_context()
            .or_else(|| PAGE_STATE.with(std::cell::Cell::get))
            .unwrap_or_else(BuildState::provide)
    }
}

/// The playground's state, from context.
fn build_state() -> RwSignal<Playground> {
    BuildState::get().0
}

/// Run the playground's sketch and show all of it.
fn show(store: Store) {
    let scenario = build_state().with_untracked(|p| p.sketch.to_scenario());
    let selection = store.selection.get_untracked();
    if store.load(scenario) {
        store.seek(u64::MAX);
        let end = store.trace.with_untracked(|t| end_time(t));
        store.horizon.set(CANVAS_TICKS.max(end + end / 3));
        // Keep what was selected if it still names something in the new run.
        let still_there = store.trace.with_untracked(|t| match selection {
            Selection::Event(e) => e < t.events.len(),
            Selection::Pair(a, b) => a.max(b) < t.events.len(),
            Selection::Message(m) => m < t.messages.len(),
            _ => false,
        });
        if still_there {
            store.selection.set(selection);
        }
    }
}

/// Open the playground on the diagram on screen (prepared, linked, or one's own), as an edit:
/// what was being drawn before stays one undo away. Any other run leaves the drawing as it was.
pub fn start(store: Store) {
    if let Some(sketch) = store.scenario.with_untracked(Sketch::from_scenario) {
        build_state().update(|p| p.edit(sketch));
    }
    store.activity.set(Activity::Lesson("build"));
    if store.clocks.get_untracked() == ClockMode::Off {
        store.clocks.set(ClockMode::Lamport);
    }
    show(store);
}

/// Apply a gesture made on the canvas.
pub fn apply(store: Store, gesture: Gesture) {
    let next = build_state().with_untracked(|p| p.sketch.with(gesture));
    match next {
        Ok(sketch) => {
            build_state().update(|p| p.edit(sketch));
            show(store);
        }
        Err(why) => store.error.set(Some(why)),
    }
}

/// Delete what is selected: an event (with its message, for a send or receipt) or a message.
pub fn delete_selected(store: Store) {
    let line = store.trace.with_untracked(|t| {
        build_state().with_untracked(|p| match store.selection.get_untracked() {
            Selection::Event(e) => p.sketch.line_of_event(t, e),
            Selection::Message(m) => p.sketch.line_of_message(t, m),
            _ => None,
        })
    });
    if let Some(i) = line {
        store.selection.set(Selection::Nothing);
        build_state().update(|p| {
            let next = p.sketch.without_line(i);
            p.edit(next)
        });
        show(store);
    }
}

pub fn undo(store: Store) {
    if build_state().try_update(|p| p.undo()).unwrap_or(false) {
        show(store);
    }
}

pub fn redo(store: Store) {
    if build_state().try_update(|p| p.redo()).unwrap_or(false) {
        show(store);
    }
}

/// The keys of building: ctrl- (or cmd-) z undoes, shift-z and y redo, Delete and Backspace
/// delete what is selected. True if the key was taken.
pub fn on_key(store: Store, ev: &web_sys::KeyboardEvent) -> bool {
    if ev.ctrl_key() || ev.meta_key() {
        match ev.key().to_lowercase().as_str() {
            "z" if ev.shift_key() => redo(store),
            "z" => undo(store),
            "y" => redo(store),
            _ => return false,
        }
        return true;
    }
    if ev.alt_key() {
        return false;
    }
    match ev.key().as_str() {
        "Delete" | "Backspace" => {
            delete_selected(store);
            true
        }
        _ => false,
    }
}

/// The playground's tools, at the top of the side column.
#[component]
pub fn BuildPanel() -> impl IntoView {
    let store = Store::get();
    let can_undo = move || build_state().with(Playground::can_undo);
    let can_redo = move || build_state().with(Playground::can_redo);
    let deletable = move || {
        matches!(
            store.selection.get(),
            Selection::Event(_) | Selection::Message(_)
        )
    };
    let counts = move || {
        store.trace.with(|t| {
            format!(
                "{}, {} on {}",
                count_of(t.events.len(), "event"),
                count_of(t.messages.len(), "message"),
                count_of(t.processes.len(), "lane")
            )
        })
    };
    let edit_lanes = move |grow: bool| {
        let next = build_state().with_untracked(|p| {
            if grow {
                p.sketch.with_process()
            } else {
                p.sketch.without_last_process()
            }
        });
        if let Some(sketch) = next {
            store.selection.set(Selection::Nothing);
            build_state().update(|p| p.edit(sketch));
            show(store);
        }
    };
    view! {
        <section class="panel build-panel" data-testid="build-panel" aria-label="Build a diagram">
            <h2 class="panel-title">"Build a diagram"</h2>
            <p class="panel-hint">
                "Click a lane to add a local event. Drag from one lane to another to send a message. "
                "Select an event or an arrow to delete it; shift-click a second event to compare the two."
            </p>
            <div class="button-row">
                <button data-testid="build-undo" title="Undo (Ctrl+Z)" disabled=move || !can_undo()
                    on:click=move |_| undo(store)>"Undo"</button>
                <button data-testid="build-redo" title="Redo (Ctrl+Y)" disabled=move || !can_redo()
                    on:click=move |_| redo(store)>"Redo"</button>
                <button data-testid="build-delete" title="Delete the selection (Delete)"
                    disabled=move || !deletable()
                    on:click=move |_| delete_selected(store)>"Delete"</button>
            </div>
            <div class="button-row">
                <button data-testid="build-add-lane" on:click=move |_| edit_lanes(true)
                    disabled=move || store.trace.with(|t| t.processes.len() >= MAX_PROCESSES)>"+ lane"</button>
                <button data-testid="build-remove-lane" on:click=move |_| edit_lanes(false)
                    disabled=move || store.trace.with(|t| t.processes.len() <= 1)>"− lane"</button>
                <button data-testid="build-clear" on:click=move |_| {
                    let lanes = build_state().with_untracked(|p| p.sketch.processes.len());
                    store.selection.set(Selection::Nothing);
                    build_state().update(|p| p.edit(Sketch::blank(lanes)));
                    show(store);
                }>"Clear"</button>
            </div>
            <p class="panel-status" data-testid="build-status">{counts}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::layout::LayoutOptions;
    use spacetime_core::Run;

    fn run(sketch: &Sketch) -> Trace {
        Run::complete(&sketch.to_scenario())
            .expect("a sketch always runs")
            .trace()
            .clone()
    }

    fn three_events() -> Sketch {
        Sketch::blank(3)
            .with(Gesture::Local { process: 0, at: 10 })
            .and_then(|s| {
                s.with(Gesture::Message {
                    from: 0,
                    at: 20,
                    to: 1,
                    arrive: 40,
                })
            })
            .and_then(|s| {
                s.with(Gesture::Message {
                    from: 1,
                    at: 50,
                    to: 2,
                    arrive: 70,
                })
            })
            .unwrap()
    }

    #[test]
    fn gestures_build_a_run_with_the_course_clocks() {
        let t = run(&three_events());
        assert_eq!(t.events.len(), 5);
        assert_eq!(t.messages.len(), 2);
        let lamport: Vec<(usize, u64)> = t.events.iter().map(|e| (e.process, e.lamport)).collect();
        // a (1), send m1 (2), receipt on P2 (max(0,2)+1 = 3), send m2 (4), receipt on P3 (5).
        assert_eq!(lamport, vec![(0, 1), (0, 2), (1, 3), (1, 4), (2, 5)]);
        assert_eq!(t.vector(4), &[2, 2, 1]);
    }

    #[test]
    fn a_message_dragged_back_in_time_arrives_just_after_it_leaves() {
        let s = Sketch::blank(2)
            .with(Gesture::Message {
                from: 0,
                at: 30,
                to: 1,
                arrive: 10,
            })
            .unwrap();
        assert_eq!(s.script[0].arrive, Some(31));
        assert!(Sketch::blank(2)
            .with(Gesture::Message {
                from: 1,
                at: 5,
                to: 1,
                arrive: 9
            })
            .is_err());
        assert!(Sketch::blank(2)
            .with(Gesture::Local { process: 5, at: 5 })
            .is_err());
    }

    #[test]
    fn events_never_share_a_tick_on_a_lane() {
        let s = Sketch::blank(2)
            .with(Gesture::Local { process: 0, at: 10 })
            .and_then(|s| s.with(Gesture::Local { process: 0, at: 10 }))
            .and_then(|s| {
                s.with(Gesture::Message {
                    from: 1,
                    at: 1,
                    to: 0,
                    arrive: 10,
                })
            })
            .unwrap();
        let ticks: Vec<Time> = s.script.iter().map(|l| l.arrive.unwrap_or(l.at)).collect();
        assert_eq!(ticks, vec![10, 11, 12]);
    }

    #[test]
    fn every_event_maps_back_to_its_line_and_deleting_removes_it() {
        let s = three_events();
        let t = run(&s);
        let lines: Vec<Option<usize>> = (0..t.events.len())
            .map(|e| s.line_of_event(&t, e))
            .collect();
        assert_eq!(lines, vec![Some(0), Some(1), Some(1), Some(2), Some(2)]);
        // Deleting a receipt deletes its message, send and all.
        let without = s.without_line(s.line_of_event(&t, 2).unwrap());
        let t2 = run(&without);
        assert_eq!(t2.events.len(), 3);
        assert_eq!(t2.messages.len(), 1);
        assert_eq!(s.line_of_message(&t, 1), Some(2));
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let mut p = Playground::new(Sketch::blank(2));
        assert!(!p.can_undo() && !p.undo());
        let one = p.sketch.with(Gesture::Local { process: 0, at: 5 }).unwrap();
        p.edit(one.clone());
        let two = one.with(Gesture::Local { process: 1, at: 5 }).unwrap();
        p.edit(two.clone());
        assert!(p.undo());
        assert_eq!(p.sketch, one);
        assert!(p.redo());
        assert_eq!(p.sketch, two);
        assert!(p.undo() && p.undo());
        assert_eq!(p.sketch, Sketch::blank(2));
        // A new edit after undoing forgets the undone future.
        p.edit(Sketch::blank(3));
        assert!(!p.can_redo());
    }

    #[test]
    fn lanes_can_be_added_and_removed_with_their_events() {
        let s = three_events();
        let fewer = s.without_last_process().unwrap();
        assert_eq!(fewer.processes.len(), 2);
        assert_eq!(fewer.script.len(), 2, "the message to P3 went with P3");
        assert!(Sketch::blank(1).without_last_process().is_none());
        assert!(Sketch::blank(MAX_PROCESSES).with_process().is_none());
        assert_eq!(s.with_process().unwrap().processes[3], "P4");
    }

    #[test]
    fn prepared_diagrams_open_in_the_playground_unchanged() {
        for name in ["clocks-three-events", "clocks-busy-four"] {
            let scenario = spacetime_core::protocols::example(name).unwrap();
            let sketch = Sketch::from_scenario(&scenario).unwrap();
            let original = Run::complete(&scenario).unwrap().trace().clone();
            let redrawn = run(&sketch);
            let clocks = |t: &Trace| {
                t.events
                    .iter()
                    .map(|e| (e.process, e.time, e.lamport, t.vector(e.id).to_vec()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(clocks(&original), clocks(&redrawn), "{name}");
        }
        let gossip = spacetime_core::protocols::example("gossip-one-rumour").unwrap();
        assert!(Sketch::from_scenario(&gossip).is_none());
    }

    #[test]
    fn pointer_positions_map_to_lanes_and_ticks() {
        let t = run(&three_events());
        let layout = Layout::new(
            &t,
            LayoutOptions {
                px_per_tick: 10.0,
                ..LayoutOptions::default()
            },
        );
        let y1 = layout.lane_y(1);
        assert_eq!(lane_at(&layout, y1 + 5.0), Some(1));
        assert_eq!(lane_at(&layout, layout.lane_y(2) + 40.0), None);
        assert_eq!(lane_at(&layout, y1 - 30.0), Some(1));
        let x = layout.time_x(30.0);
        assert_eq!(tick_at(&layout, x + 2.0), 30);
        assert_eq!(
            gesture_of(&layout, (x, y1), (x + 3.0, y1 + 2.0)),
            Some(Gesture::Local { process: 1, at: 30 })
        );
        assert_eq!(
            gesture_of(&layout, (x, y1), (layout.time_x(50.0), layout.lane_y(2))),
            Some(Gesture::Message {
                from: 1,
                at: 30,
                to: 2,
                arrive: 50
            })
        );
        assert_eq!(gesture_of(&layout, (x, y1), (x + 80.0, y1)), None);
        assert_eq!(gesture_of(&layout, (x, y1 + 200.0), (x, y1)), None);
    }
}
