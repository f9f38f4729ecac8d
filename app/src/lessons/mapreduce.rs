//! Lesson 5: MapReduce, from input splits to output files, with crashed workers and stragglers.
//!
//! The panel is the picture the lecture draws: the splits, the map tasks, the M x R grid of
//! intermediate regions on the map workers' disks, the reduce tasks and the output files, each
//! coloured by its state and by the worker that holds it, filling in as the run advances. Below
//! it, each worker's tasks over time, and the job's completion time with and without backup
//! tasks. Everything is read from the run's `task` and `job` outputs (grammar in
//! `spacetime_core::lessons::mapreduce::mapreduce`), so it follows the cursor like the diagram.

use leptos::prelude::*;
use spacetime_core::layout::process_colour;
use spacetime_core::{Run, Scenario, Time, Trace};

use super::{Lesson, LessonPanel};
use crate::store::Store;

pub fn lesson() -> Lesson {
    Lesson {
        id: "mapreduce",
        title: "MapReduce",
        core: spacetime_core::lessons::mapreduce::lesson(),
        actions: &[],
        tour: include_str!("tours/mapreduce.json"),
        panel: Some(LessonPanel(|| view! { <MapReducePanel/> }.into_any())),
        playground: false,
        text: &[
            "MapReduce lets a programmer write two small functions and run them over more data \
             than one machine can hold. Map turns each input record into intermediate (key, \
             value) pairs; reduce gets one key with all of its values and produces the output \
             for that key. Word count: map emits (word, 1) for every word, reduce adds the ones \
             up.",
            "The input is cut into M splits, one map task each. A map worker partitions its \
             pairs by a hash of the key mod R into R regions on its own local disk, so every \
             pair with the same key lands in the same region number whichever worker made it. \
             An optional combiner sums a worker's pairs before they are written, which shrinks \
             the regions without changing the result.",
            "Reduce task r fetches region r from every map task's worker, sorts the pairs by key, \
             groups the values of each key and reduces them. It writes its output under a \
             temporary name and renames it once complete, so a reader never sees half a file \
             and a task that runs twice leaves one output.",
            "A coordinator tracks every task as idle, in progress or completed, and hands idle \
             tasks to free workers. It pings the workers; one that stops answering is presumed \
             dead. Its in-progress tasks go back to idle, and so do its completed map tasks, \
             because their output lived on its disk; the reducers are told where the new copy \
             is. Completed reduce output is in the global file system and survives. If the \
             coordinator itself fails, the job is aborted and the client told.",
            "Stragglers: one slow machine can hold up the whole job. Near the end the \
             coordinator starts backup copies of the tasks still in progress on free workers and \
             takes whichever copy finishes first. Because map and reduce are deterministic \
             functions of their input, running a task twice gives the same result, and the \
             output equals a sequential run of the job over the whole input.",
        ],
    }
}

/// Where a task is in its life, as the coordinator sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Idle,
    InProgress,
    Completed,
}

impl TaskState {
    fn name(self) -> &'static str {
        match self {
            TaskState::Idle => "idle",
            TaskState::InProgress => "in-progress",
            TaskState::Completed => "completed",
        }
    }
}

/// One task at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    pub state: TaskState,
    /// The workers running it now (two while a backup copy runs), or the one that completed it.
    pub workers: Vec<String>,
    /// How many times it was started, backups included.
    pub starts: u32,
}

impl Default for TaskView {
    fn default() -> Self {
        TaskView {
            state: TaskState::Idle,
            workers: Vec::new(),
            starts: 0,
        }
    }
}

/// Map or reduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Map,
    Reduce,
}

/// What a `task` output says happened to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Given to a worker (a first run, a re-run, or one the coordinator learns of again).
    Started,
    /// A backup copy started on a worker.
    Backup,
    /// The first copy finished, on this worker.
    Completed,
    /// A later copy finished; its result is ignored.
    Discarded,
    /// A copy died with its worker.
    Lost,
    /// No copy left (or a completed map's output was lost): it must run again.
    Idle,
}

/// A `task` output, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskEvent {
    pub phase: Phase,
    pub index: usize,
    pub change: Change,
    pub worker: Option<String>,
}

/// Read a `task` output's value (grammar in `spacetime_core::lessons::mapreduce::mapreduce`):
/// `map 2 in-progress W1`, `backup map 4 W2`, `reduce 0 completed W3`, `map 1 discarded W2`,
/// `map 1 lost W2`, `map 2 idle`.
pub fn parse_task(value: &str) -> Option<TaskEvent> {
    let mut words = value.split_whitespace().peekable();
    let backup = words.peek() == Some(&"backup");
    if backup {
        words.next();
    }
    let phase = match words.next()? {
        "map" => Phase::Map,
        "reduce" => Phase::Reduce,
        _ => return None,
    };
    let index = words.next()?.parse().ok()?;
    let change = if backup {
        Change::Backup
    } else {
        match words.next()? {
            "in-progress" => Change::Started,
            "completed" => Change::Completed,
            "discarded" => Change::Discarded,
            "lost" => Change::Lost,
            "idle" => Change::Idle,
            _ => return None,
        }
    };
    let worker = words.next().map(str::to_string);
    if worker.is_none() && change != Change::Idle {
        return None;
    }
    Some(TaskEvent {
        phase,
        index,
        change,
        worker,
    })
}

/// The job's stages at a point of the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stages {
    pub maps: Vec<TaskView>,
    pub reduces: Vec<TaskView>,
    /// `regions[m][r]`: the worker whose disk holds region r of map task m, if any does.
    pub regions: Vec<Vec<Option<String>>>,
    /// The output files written (reduce tasks completed).
    pub outputs: Vec<bool>,
}

/// Every task event of the run, with the step and time it happened.
pub fn task_events(trace: &Trace) -> Vec<(u64, Time, TaskEvent)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "task")
        .filter_map(|o| {
            let e = trace.events.get(o.event)?;
            Some((e.step, e.time, parse_task(&o.value)?))
        })
        .collect()
}

/// The stages after `steps` steps. The numbers of tasks come from the whole run, so the picture
/// keeps its shape while it fills in.
pub fn stages(trace: &Trace, steps: u64) -> Stages {
    let events = task_events(trace);
    let count = |phase: Phase| {
        events
            .iter()
            .filter(|(_, _, t)| t.phase == phase)
            .map(|(_, _, t)| t.index + 1)
            .max()
            .unwrap_or(0)
    };
    let (m, r) = (count(Phase::Map), count(Phase::Reduce));
    let mut s = Stages {
        maps: vec![TaskView::default(); m],
        reduces: vec![TaskView::default(); r],
        regions: vec![vec![None; r]; m],
        outputs: vec![false; r],
    };
    for (_, _, t) in events.iter().filter(|(step, _, _)| *step < steps) {
        let task = match t.phase {
            Phase::Map => &mut s.maps[t.index],
            Phase::Reduce => &mut s.reduces[t.index],
        };
        match t.change {
            Change::Started | Change::Backup => {
                if task.state != TaskState::InProgress {
                    task.workers.clear();
                }
                task.state = TaskState::InProgress;
                task.starts += 1;
                task.workers.extend(t.worker.clone());
            }
            Change::Completed => {
                task.state = TaskState::Completed;
                task.workers = t.worker.iter().cloned().collect();
            }
            Change::Lost if task.state == TaskState::InProgress => {
                task.workers.retain(|w| Some(w) != t.worker.as_ref());
            }
            Change::Lost | Change::Discarded => {}
            Change::Idle => {
                task.state = TaskState::Idle;
                task.workers.clear();
            }
        }
        match (t.phase, t.change) {
            (Phase::Map, Change::Completed) => {
                for cell in &mut s.regions[t.index] {
                    *cell = t.worker.clone();
                }
            }
            (Phase::Map, Change::Idle) => {
                for cell in &mut s.regions[t.index] {
                    *cell = None;
                }
            }
            (Phase::Reduce, Change::Completed) => s.outputs[t.index] = true,
            _ => {}
        }
    }
    s
}

/// One bar of the task timeline: a worker ran a task from `start` to `end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub worker: String,
    pub phase: Phase,
    pub index: usize,
    pub start: Time,
    pub end: Time,
    /// Whether this run of the task is the one that completed it.
    pub completed: bool,
}

/// Each worker's runs of tasks up to `steps` (at time `now`): a run ends when the task completes
/// (on this worker or another), goes back to idle, or at `now` if it is still going.
pub fn timeline(trace: &Trace, steps: u64, now: Time) -> Vec<Bar> {
    let mut bars: Vec<Bar> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (_, time, t) in task_events(trace)
        .into_iter()
        .filter(|(step, _, _)| *step < steps)
    {
        match t.change {
            Change::Started | Change::Backup => {
                if let Some(worker) = t.worker {
                    open.push(bars.len());
                    bars.push(Bar {
                        worker,
                        phase: t.phase,
                        index: t.index,
                        start: time,
                        end: now,
                        completed: false,
                    });
                }
            }
            // A copy ends on its own worker when it finishes, is discarded or dies with it.
            Change::Completed | Change::Discarded | Change::Lost => {
                open.retain(|&b| {
                    let bar = &mut bars[b];
                    if bar.phase != t.phase
                        || bar.index != t.index
                        || Some(&bar.worker) != t.worker.as_ref()
                    {
                        return true;
                    }
                    bar.end = time;
                    bar.completed = t.change == Change::Completed;
                    false
                });
            }
            Change::Idle => {
                open.retain(|&b| {
                    let bar = &mut bars[b];
                    if bar.phase != t.phase || bar.index != t.index {
                        return true;
                    }
                    bar.end = time;
                    false
                });
            }
        }
    }
    bars
}

/// When the job completed, if it did: the time of the `job` output that says so.
pub fn completion_time(trace: &Trace) -> Option<Time> {
    trace
        .outputs
        .iter()
        .find(|o| o.kind == "job" && o.value.starts_with("completed"))
        .and_then(|o| trace.events.get(o.event))
        .map(|e| e.time)
}

/// The job's completion time under each variant (with the learner's interventions left out:
/// they name messages of this run only), for the comparison line.
pub fn completion_by_variant(scenario: &Scenario) -> Vec<(&'static str, Option<Time>)> {
    let Some(protocol) = spacetime_core::protocols::find(&scenario.protocol) else {
        return Vec::new();
    };
    protocol
        .variants
        .iter()
        .map(|v| {
            let mut s = scenario.clone();
            s.variant = v.name.to_string();
            s.interventions.clear();
            let time = Run::complete(&s)
                .ok()
                .and_then(|r| completion_time(r.trace()));
            (v.name, time)
        })
        .collect()
}

fn worker_colour(trace: &Trace, worker: &str) -> &'static str {
    trace
        .processes
        .iter()
        .position(|p| p == worker)
        .map_or("var(--off)", process_colour)
}

#[component]
fn MapReducePanel() -> impl IntoView {
    let store = Store::get();
    let stages = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| stages(t, steps))
    });
    let emitted = Memo::new(move |_| {
        let steps = store.cursor.get();
        store.trace.with(|t| {
            t.outputs
                .iter()
                .filter(|o| o.kind == "emit" || o.kind == "job")
                .filter(|o| t.events.get(o.event).is_some_and(|e| e.step < steps))
                .map(|o| (o.kind.clone(), o.value.clone()))
                .collect::<Vec<_>>()
        })
    });
    let colour = move |worker: &str| store.trace.with(|t| worker_colour(t, worker));
    let task_box = move |label: String, task: TaskView, testid: String| {
        let worker = task.workers.join("+");
        let c = task.workers.first().map_or("var(--off)", |w| colour(w));
        let title = format!(
            "{label}: {}{}{}",
            task.state.name(),
            if worker.is_empty() {
                String::new()
            } else {
                format!(" on {worker}")
            },
            if task.starts > 1 {
                format!(", started {} times", task.starts)
            } else {
                String::new()
            }
        );
        let shown = if worker.is_empty() {
            "·".to_string()
        } else {
            worker.clone()
        };
        view! {
            <div class=format!("task {}", task.state.name()) style=format!("--c: {c}")
                data-testid=testid data-state=task.state.name() data-worker=worker
                data-starts=task.starts.to_string() title=title.clone() aria-label=title>
                <span class="task-name">{label}</span>
                <span class="task-worker">{shown}</span>
                {(task.starts > 1).then(|| view! { <span class="task-again">{format!("×{}", task.starts)}</span> })}
            </div>
        }
    };
    let stage_view = move || {
        let s = stages.get();
        let r = s.reduces.len();
        view! {
            <div class="stages" data-testid="stages">
                <div class="stage">
                    <h4>"Map tasks"</h4>
                    <div class="task-row">
                        {s.maps.iter().cloned().enumerate().map(|(i, t)| task_box(format!("map {i}"), t, format!("map-{i}"))).collect_view()}
                    </div>
                </div>
                <div class="stage">
                    <h4>{format!("Intermediate regions ({} × {r})", s.maps.len())}</h4>
                    <table class="region-grid" data-testid="regions">
                        <thead><tr><th></th>{(0..r).map(|j| view! { <th scope="col">{format!("r{j}")}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {s.regions.iter().enumerate().map(|(i, row)| view! {
                                <tr>
                                    <th scope="row">{format!("m{i}")}</th>
                                    {row.iter().enumerate().map(|(j, cell)| {
                                        let held = cell.clone();
                                        let c = held.as_deref().map_or("transparent", |w| colour(w));
                                        view! {
                                            <td class:held=held.is_some() style=format!("--c: {c}")
                                                data-testid=format!("region-{i}-{j}")
                                                title=held.as_ref().map_or(format!("region {j} of map {i}: not written"), |w| format!("region {j} of map {i}: on {w}'s disk"))>
                                                {held.clone().unwrap_or_default()}
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="stage">
                    <h4>"Reduce tasks and output files"</h4>
                    <div class="task-row">
                        {s.reduces.iter().cloned().enumerate().map(|(i, t)| task_box(format!("reduce {i}"), t, format!("reduce-{i}"))).collect_view()}
                    </div>
                    <div class="task-row files">
                        {s.outputs.iter().enumerate().map(|(i, done)| view! {
                            <div class="file" class:done=*done data-testid=format!("output-{i}")>
                                {if *done { format!("out-{i}") } else { format!("(tmp-{i})") }}
                            </div>
                        }).collect_view()}
                    </div>
                </div>
            </div>
        }
    };
    // Both variants are run again only when the scenario changes apart from the learner's faults
    // (which the comparison leaves out), not at every drop or crash.
    let without_faults = Memo::new(move |_| {
        let mut s = store.scenario.get();
        s.interventions.clear();
        s
    });
    let comparison = Memo::new(move |_| without_faults.with(completion_by_variant));
    view! {
        <section class="panel mapreduce-panel" data-testid="mapreduce-panel" aria-label="MapReduce stages">
            <JobEditor/>
            {stage_view}
            <TaskTimeline/>
            <p class="completion" data-testid="completion-times">
                {move || comparison.get().into_iter().map(|(variant, time)| {
                    let text = match time {
                        Some(t) => format!("{variant}: done at {t}"),
                        None => format!("{variant}: not done"),
                    };
                    view! { <span data-variant=variant>{text}</span> }
                }).collect_view()}
            </p>
            <div class="job-output" data-testid="job-output">
                {move || {
                    let lines = emitted.get();
                    if lines.is_empty() {
                        view! { <p class="panel-hint">"No output yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {lines.into_iter().map(|(kind, value)| view! {
                                    <li class=kind.clone()>{if kind == "job" { format!("job {value}") } else { value }}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}

/// The job as the learner may change it: which job, its input text, M, R and the combiner. A
/// change runs the new job from the start; parameters the core refuses leave the run as it was,
/// with the banner saying which field and why.
#[component]
fn JobEditor() -> impl IntoView {
    let store = Store::get();
    // Only the job's parameters: a fault the learner adds changes the scenario too, and must not
    // wipe what they are typing here.
    let params = Memo::new(move |_| store.scenario.with(|s| s.params.clone()));
    let param =
        move |name: &str| params.with(|p| p.get(name).cloned().unwrap_or(serde_json::Value::Null));
    let text = move |name: &str, default: &str| match param(name) {
        serde_json::Value::String(v) => v,
        serde_json::Value::Number(n) => n.to_string(),
        _ => default.to_string(),
    };
    let job = RwSignal::new(String::new());
    let input = RwSignal::new(String::new());
    let pattern = RwSignal::new(String::new());
    let splits = RwSignal::new(String::new());
    let reducers = RwSignal::new(String::new());
    let combiner = RwSignal::new(false);
    // The fields follow the scenario on screen (another example, or the job just run).
    Effect::new(move |_| {
        job.set(text("job", "word-count"));
        input.set(text(
            "input",
            spacetime_core::lessons::mapreduce::mapreduce::DEFAULT_INPUT,
        ));
        pattern.set(text("pattern", ""));
        splits.set(text("splits", "4"));
        reducers.set(text("reducers", "2"));
        combiner.set(param("combiner").as_bool().unwrap_or(false));
    });
    let run = move |_| {
        let number = |field: &str, value: String| -> Result<serde_json::Value, String> {
            value
                .trim()
                .parse::<u64>()
                .map(serde_json::Value::from)
                .map_err(|_| format!("{field}: \"{value}\" is not a whole number"))
        };
        let mut scenario = store.scenario.get_untracked();
        let mut params = match scenario.params.clone() {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let fields = number("splits (M)", splits.get_untracked())
            .and_then(|m| Ok((m, number("reducers (R)", reducers.get_untracked())?)));
        let (m, r) = match fields {
            Ok(v) => v,
            Err(e) => {
                store.error.set(Some(format!("The job was not run: {e}.")));
                return;
            }
        };
        params.insert("job".into(), job.get_untracked().into());
        params.insert("input".into(), input.get_untracked().into());
        params.insert("splits".into(), m);
        params.insert("reducers".into(), r);
        params.insert("combiner".into(), combiner.get_untracked().into());
        if job.get_untracked() == "grep" {
            params.insert("pattern".into(), pattern.get_untracked().into());
        } else {
            params.remove("pattern");
        }
        scenario.params = serde_json::Value::Object(params);
        scenario.interventions.clear();
        store.load(scenario);
    };
    view! {
        <details class="job-editor" data-testid="job-editor">
            <summary>"Edit the job"</summary>
            <label>"Job "
                <select data-testid="job-kind" prop:value=move || job.get()
                    on:change=move |ev| job.set(event_target_value(&ev))>
                    <option value="word-count">"word count"</option>
                    <option value="grep">"grep"</option>
                    <option value="inverted-index">"inverted index"</option>
                </select>
            </label>
            <Show when=move || job.get() == "grep">
                <label>"Pattern "
                    <input type="text" data-testid="job-pattern" prop:value=move || pattern.get()
                        on:input=move |ev| pattern.set(event_target_value(&ev))/>
                </label>
            </Show>
            <label class="job-input">"Input text"
                <textarea rows="5" data-testid="job-input" spellcheck="false" prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))></textarea>
            </label>
            <div class="job-numbers">
                <label>"M (splits) "
                    <input type="number" min="1" data-testid="job-splits" prop:value=move || splits.get()
                        on:input=move |ev| splits.set(event_target_value(&ev))/>
                </label>
                <label>"R (reducers) "
                    <input type="number" min="1" data-testid="job-reducers" prop:value=move || reducers.get()
                        on:input=move |ev| reducers.set(event_target_value(&ev))/>
                </label>
                <label>
                    <input type="checkbox" data-testid="job-combiner" prop:checked=move || combiner.get()
                        on:change=move |ev| combiner.set(event_target_checked(&ev))/>
                    " combiner"
                </label>
            </div>
            <button class="primary" data-testid="job-run" on:click=run>"Run this job"</button>
        </details>
    }
}

/// Each worker's tasks over time, drawn with plotters: one row per worker, one bar per run of a
/// task (hatched out when another copy won or the task went back to idle).
#[component]
fn TaskTimeline() -> impl IntoView {
    let store = Store::get();
    let drawn = Memo::new(move |_| {
        // The cursor's step time, not the animated view time: the plot is redrawn once a step,
        // not at every animation frame.
        let steps = store.cursor.get();
        store.trace.with(|t| {
            let bars = timeline(t, steps, t.time_at_step(steps));
            (
                crate::plots::timeline_plot(t, &bars, crate::plots::PLOT_WIDTH, 180),
                bars.len(),
            )
        })
    });
    view! {
        <details class="plot" open>
            <summary>"Tasks per worker over time"</summary>
            <div class="plot-svg" data-testid="plot-timeline"
                data-points=move || drawn.with(|d| d.1.to_string())
                inner_html=move || drawn.with(|d| d.0.clone())></div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_outputs_parse() {
        assert_eq!(
            parse_task("map 2 in-progress W1"),
            Some(TaskEvent {
                phase: Phase::Map,
                index: 2,
                change: Change::Started,
                worker: Some("W1".into()),
            })
        );
        assert_eq!(
            parse_task("map 2 idle").map(|t| t.change),
            Some(Change::Idle)
        );
        let backup = parse_task("backup reduce 1 W3").unwrap();
        assert_eq!(
            (backup.phase, backup.change),
            (Phase::Reduce, Change::Backup)
        );
        assert_eq!(backup.worker.as_deref(), Some("W3"));
        assert_eq!(
            parse_task("map 1 lost W2").map(|t| t.change),
            Some(Change::Lost)
        );
        assert_eq!(
            parse_task("map 1 discarded W2").map(|t| t.change),
            Some(Change::Discarded)
        );
        assert_eq!(parse_task("shuffle 1 W1"), None);
        assert_eq!(parse_task("map x idle"), None);
        assert_eq!(parse_task("map 1 completed"), None);
    }
}

#[cfg(test)]
mod runs {
    use super::*;
    use spacetime_core::protocols::example;

    fn complete(name: &str) -> (Scenario, Trace) {
        let s = example(name).unwrap();
        let t = Run::complete(&s).unwrap().trace().clone();
        (s, t)
    }

    #[test]
    fn a_calm_job_fills_every_stage() {
        let (_, t) = complete("mapreduce-word-count");
        let start = stages(&t, 0);
        assert!(start.maps.iter().all(|m| m.state == TaskState::Idle));
        assert!(start.regions.iter().flatten().all(Option::is_none));
        let end = stages(&t, t.step_count());
        assert!(!end.maps.is_empty() && !end.reduces.is_empty());
        assert!(end
            .maps
            .iter()
            .all(|m| m.state == TaskState::Completed && m.workers.len() == 1));
        assert!(end.reduces.iter().all(|r| r.state == TaskState::Completed));
        assert!(end.outputs.iter().all(|o| *o));
        assert!(end.regions.iter().flatten().all(Option::is_some));
        let bars = timeline(&t, t.step_count(), 0);
        assert_eq!(
            bars.iter().filter(|b| b.completed).count(),
            end.maps.len() + end.reduces.len()
        );
        assert!(bars.iter().all(|b| b.end >= b.start));
        assert!(completion_time(&t).is_some());
    }

    #[test]
    fn a_crashed_workers_completed_maps_run_again() {
        let (s, t) = complete("mapreduce-worker-crash");
        let end = stages(&t, t.step_count());
        assert!(end.maps.iter().any(|m| m.starts > 1), "{:?}", end.maps);
        assert!(end.maps.iter().all(|m| m.state == TaskState::Completed));
        let crashed = &t.processes[t
            .events
            .iter()
            .find(|e| e.kind == spacetime_core::EventKind::Crash)
            .unwrap()
            .process];
        assert!(end
            .regions
            .iter()
            .flatten()
            .all(|w| w.as_ref() != Some(crashed)));
        // Backups or not, the job completes; with a straggler, backups finish sooner.
        let times = completion_by_variant(&s);
        assert!(times.iter().all(|(_, t)| t.is_some()), "{times:?}");
        let (s, _) = complete("mapreduce-straggler");
        let times = completion_by_variant(&s);
        assert_eq!(times.len(), 2);
        assert!(times[0].1.unwrap() < times[1].1.unwrap(), "{times:?}");
    }
}
