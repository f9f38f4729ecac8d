//! The exercises of the MapReduce lesson: what a worker's crash makes run again, which reduce
//! task a word goes to, and what backup tasks save.
//!
//! Every exercise is drawn on a word count run by [`crate::lessons::mapreduce::mapreduce`] among a
//! `Client`, a `Coordinator` and workers `W1`, `W2`, ..., over a few lines drawn from a small
//! pool of sentences. Its randomness (the lines, the numbers of workers and tasks, the network's
//! seed, the stragglers) comes from one generator seeded with the exercise's seed; a run that
//! does not suit the question is drawn again from the same generator, so each (level, seed)
//! always gives the same exercise. Every run is free of warnings, and its job completes.
//!
//! | id              | asks for                                                   | form     |
//! |-----------------|------------------------------------------------------------|----------|
//! | `rerun-tasks`   | the tasks that run again if a worker crashed at the cursor | `Choice` |
//! | `which-reducer` | the reduce task that gets every pair of a word             | `Choice` |
//! | `backup-time`   | the job's completion time with backup tasks and without    | `Choice` |
//!
//! The levels:
//!
//! * `rerun-tasks` (the `no-backups` variant; the diagram stops at a step where the coordinator's
//!   view of the worker is up to date, no report of it in flight): easy, 2–3 workers in the map
//!   phase, the worker has completed a map task and runs another; medium, in the reduce phase,
//!   the worker runs a reduce task and holds completed map output; hard, the worker has also
//!   completed a reduce task, whose output is safe in the global file system. The answer is the
//!   worker's in-progress tasks and its completed map tasks, as the coordinator's `task` outputs
//!   tell them at that step; the generator checks it by crashing the worker there and watching
//!   which tasks the coordinator sends back to idle.
//! * `which-reducer`: the prompt gives the word's FNV-1a hash in decimal; easy, 2 reduce tasks
//!   (the remainder is the last digit's); medium, 4 or 5 (the last one or two digits tell it);
//!   hard, 3 (the digit sum tells it). The options are every reduce task and "every reduce
//!   task".
//! * `backup-time` (the `backups` variant is shown; the answer's second number comes from the
//!   same scenario run as `no-backups`): easy, 3 workers, one 10 times slower; medium, 4
//!   workers, one 5–8 times slower, more splits; hard, 4–5 workers, two of them 4–10 times
//!   slower. Only runs where the backups save at least 20 ticks are kept.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng as _;

use crate::exercise::{event_name, generate_with, run_of, wrong_form};
use crate::exercise::{
    Answer, Exercise, ExerciseKind, Feedback, Labels, Level, Made, Question, Show,
};
use crate::lessons::mapreduce::mapreduce::{
    fnv1a, make_splits, partition, words, Job, MapReduceParams, Task, COORDINATOR, FIRST_WORKER,
};
use crate::process::{Rng, Time};
use crate::scenario::{Action, Intervention, Limits, NetworkModel, ProcessRef, Scenario};
use crate::trace::{EventId, Trace};

// ---- Building and reading the runs ----

/// The sentences the inputs are made of.
const LINES: [&str; 10] = [
    "the quick brown fox jumps over the lazy dog",
    "a map task reads its split and emits a pair for every word",
    "the reduce task adds up the counts of each word",
    "a slow worker holds up the whole job",
    "the coordinator hands out tasks to free workers",
    "every word goes to one reduce task",
    "the fox and the dog share one word count",
    "workers crash and the coordinator runs their tasks again",
    "backup tasks get the job done sooner",
    "the output counts each word once",
];

/// From `min` to `max` lines of [`LINES`], distinct, in a random order, one per line.
fn input(rng: &mut Rng, min: usize, max: usize) -> String {
    let lines = rng.random_range(min..=max);
    let mut pool: Vec<&str> = LINES.to_vec();
    shuffle(&mut pool, rng);
    pool.truncate(lines);
    pool.join("\n")
}

/// A word-count scenario named for the lesson: `mapreduce-exercise-...`.
fn scenario(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    variant: &str,
    workers: usize,
    params: MapReduceParams,
) -> Scenario {
    Scenario {
        name: format!("mapreduce-exercise-{}-{level}-{seed}", kind.id()),
        title: format!("{} ({level})", kind.title()),
        description: String::new(),
        protocol: "mapreduce".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).expect("serialisable"),
        processes: ["Client", "Coordinator"]
            .into_iter()
            .map(String::from)
            .chain((1..=workers).map(|i| format!("W{i}")))
            .collect(),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 0,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 5_000,
            max_time: None,
        },
    }
}

/// Shuffle in place with the exercise's generator.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first letter in capitals.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The chosen option of a choice question.
fn chosen(exercise: &Exercise, answer: &Answer) -> Result<String, Feedback> {
    let Question::Choice { options } = &exercise.question else {
        return Err(wrong_form("answer another question"));
    };
    let Answer::Choice(i) = *answer else {
        return Err(wrong_form("choose one of the options"));
    };
    options.get(i).cloned().ok_or_else(|| {
        Feedback::wrong(
            format!("Choose one of the {} options.", options.len()),
            Vec::new(),
        )
    })
}

/// `map 2` -> the task.
fn task_of(kind: &str, number: &str) -> Option<Task> {
    let n = number.parse().ok()?;
    match kind {
        "map" => Some(Task::Map(n)),
        "reduce" => Some(Task::Reduce(n)),
        _ => None,
    }
}

/// What the coordinator's `task` outputs say at some moment: who runs what, who has completed
/// what. `events` keeps, per task and worker, the latest output about them.
#[derive(Clone, Debug, Default)]
struct Board {
    running: BTreeMap<Task, BTreeSet<String>>,
    completed: BTreeMap<Task, String>,
    events: BTreeMap<(Task, String), EventId>,
}

impl Board {
    /// The coordinator's view after the first `steps` steps.
    fn at(trace: &Trace, steps: u64) -> Board {
        let mut board = Board::default();
        for o in &trace.outputs {
            if o.process != COORDINATOR || o.kind != "task" || trace.events[o.event].step >= steps {
                continue;
            }
            board.apply(&o.value, o.event);
        }
        board
    }

    /// Take one `task` output into account.
    fn apply(&mut self, value: &str, event: EventId) {
        let words: Vec<&str> = value.split_whitespace().collect();
        match words[..] {
            ["backup", kind, n, worker] => {
                if let Some(t) = task_of(kind, n) {
                    self.running.entry(t).or_default().insert(worker.into());
                    self.events.insert((t, worker.into()), event);
                }
            }
            [kind, n, status, worker] => {
                let Some(t) = task_of(kind, n) else { return };
                self.events.insert((t, worker.into()), event);
                match status {
                    "in-progress" => {
                        self.running.entry(t).or_default().insert(worker.into());
                    }
                    "completed" => {
                        self.running.remove(&t);
                        self.completed.insert(t, worker.into());
                    }
                    _ => {
                        if let Some(copies) = self.running.get_mut(&t) {
                            copies.remove(worker);
                        }
                    }
                }
            }
            [kind, n, "idle"] => {
                if let Some(t) = task_of(kind, n) {
                    self.running.remove(&t);
                    self.completed.remove(&t);
                }
            }
            _ => {}
        }
    }

    /// The tasks with a copy running on `worker`.
    fn running_on(&self, worker: &str) -> BTreeSet<Task> {
        self.running
            .iter()
            .filter(|(_, copies)| copies.contains(worker))
            .map(|(t, _)| *t)
            .collect()
    }

    /// The tasks `worker` has completed, maps or reduces.
    fn completed_by(&self, worker: &str, maps: bool) -> BTreeSet<Task> {
        self.completed
            .iter()
            .filter(|(t, w)| *w == worker && t.is_map() == maps)
            .map(|(t, _)| *t)
            .collect()
    }
}

/// The time the client got the result, if the job completed.
fn completion(trace: &Trace) -> Option<(Time, EventId)> {
    trace.outputs.iter().find_map(|o| {
        let t = o.value.strip_prefix("completed at ")?;
        (o.kind == "job").then_some(())?;
        Some((t.parse().ok()?, o.event))
    })
}

// ---- Which tasks run again? ----

/// Which tasks must run again if a worker crashed at the moment shown.
pub struct RerunTasks;

/// `map 1, map 3 and reduce 0`, or `nothing`.
fn tasks_text(tasks: &BTreeSet<Task>) -> String {
    if tasks.is_empty() {
        return "nothing".into();
    }
    and_list(&tasks.iter().map(Task::to_string).collect::<Vec<_>>())
}

/// The tasks an option of [`tasks_text`] names.
fn tasks_of(text: &str) -> BTreeSet<Task> {
    if text.trim() == "nothing" {
        return BTreeSet::new();
    }
    text.split(", ")
        .flat_map(|part| part.split(" and "))
        .filter_map(|t| {
            let (kind, n) = t.trim().split_once(' ')?;
            task_of(kind, n)
        })
        .collect()
}

/// The worker a rerun-tasks exercise is about: the one whose last event is marked.
fn crashing_worker(exercise: &Exercise) -> Option<String> {
    let e = exercise.trace.events.get(*exercise.show.marked.first()?)?;
    exercise.trace.processes.get(e.process).cloned()
}

impl ExerciseKind for RerunTasks {
    fn id(&self) -> &'static str {
        "rerun-tasks"
    }

    fn title(&self) -> &'static str {
        "What runs again after a crash?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x3e5_0b5, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let Some(w) = crashing_worker(exercise) else {
            return Feedback::wrong("This exercise names no worker.", Vec::new());
        };
        let trace = &exercise.trace;
        let board = Board::at(trace, trace.step_count());
        let running = board.running_on(&w);
        let maps = board.completed_by(&w, true);
        let reduces = board.completed_by(&w, false);
        let right: BTreeSet<Task> = running.union(&maps).copied().collect();
        let picked = tasks_of(&option);
        let event = |t: &Task| board.events.get(&(*t, w.clone())).copied();
        let events: Vec<EventId> = running
            .iter()
            .chain(&maps)
            .chain(&reduces)
            .filter_map(event)
            .collect();
        let why_running = |t: &Task| format!("{t} was running on {w} and dies with it");
        let why_map = |t: &Task| {
            format!(
                "{t} is completed, but its output is on {w}'s local disk, which the crash takes \
                 with it, so it must run again"
            )
        };
        let why_reduce = |t: &Task| {
            let Task::Reduce(r) = t else {
                return String::new();
            };
            format!(
                "{t} stays done: its output mr-out-{r} is in the global file system, which \
                 survives the crash"
            )
        };
        let mut reasons: Vec<String> = running.iter().map(why_running).collect();
        reasons.extend(maps.iter().map(why_map));
        reasons.extend(reduces.iter().map(why_reduce));
        let reasons = upper_first(&reasons.join("; "));
        let right_text = tasks_text(&right);
        if picked == right {
            return Feedback::right(format!("Right: {right_text}. {reasons}."), events);
        }
        // The first mistake, in task order.
        let mut all: BTreeSet<Task> = picked.union(&right).copied().collect();
        all.extend(reduces.iter().copied());
        for t in all {
            let first = event(&t).into_iter().collect::<Vec<_>>();
            let mut pointed = first.clone();
            pointed.extend(events.iter().copied().filter(|e| !first.contains(e)));
            let mistake = match (picked.contains(&t), right.contains(&t)) {
                (false, true) if running.contains(&t) => why_running(&t),
                (false, true) => why_map(&t),
                (true, false) if reduces.contains(&t) => why_reduce(&t),
                (true, false) => {
                    let holder =
                        board.completed.get(&t).cloned().or_else(|| {
                            board.running.get(&t).and_then(|c| c.iter().next().cloned())
                        });
                    match holder {
                        Some(other) => format!(
                            "{t} is {}'s, not {w}'s: {w}'s crash does not touch it",
                            other
                        ),
                        None => format!("{t} has not run on {w}: {w}'s crash does not touch it"),
                    }
                }
                _ => continue,
            };
            return Feedback::wrong(
                format!("Not {option}: {mistake}. What must run again: {right_text}. {reasons}."),
                pointed,
            );
        }
        Feedback::wrong(
            format!("Not {option}. What must run again: {right_text}. {reasons}."),
            events,
        )
    }
}

impl RerunTasks {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (workers, splits, reducers) = match level {
            Level::Easy => {
                let w = rng.random_range(2..=3);
                (w, w + rng.random_range(1..=2), rng.random_range(1..=2))
            }
            Level::Medium => (3, rng.random_range(4..=5), rng.random_range(2..=3)),
            Level::Hard => (
                rng.random_range(2..=3),
                rng.random_range(3..=5),
                rng.random_range(3..=4),
            ),
        };
        let params = MapReduceParams {
            input: input(rng, 3, 4),
            splits,
            reducers,
            ..MapReduceParams::default()
        };
        let mut s = scenario(self, level, seed, "no-backups", workers, params);
        s.seed = rng.random_range(0..1_000_000);
        let full = run_of(&s);
        if !full.warnings.is_empty() || completion(&full).is_none() {
            return None;
        }
        let names: Vec<String> = s.processes[FIRST_WORKER..].to_vec();
        let mut candidates: Vec<(u64, String)> = Vec::new();
        // The coordinator's view after each step, built up output by output.
        let mut board = Board::default();
        let mut outputs = full
            .outputs
            .iter()
            .filter(|o| o.process == COORDINATOR && o.kind == "task")
            .peekable();
        for k in 1..=full.step_count() {
            while let Some(o) = outputs.next_if(|o| full.events[o.event].step < k) {
                board.apply(&o.value, o.event);
            }
            if board.completed.keys().filter(|t| !t.is_map()).count() == reducers {
                break;
            }
            for w in &names {
                let running = board.running_on(w);
                let maps = board.completed_by(w, true);
                let reduces = board.completed_by(w, false);
                let reducing = running.iter().any(|t| !t.is_map());
                let any_reduce = board
                    .running
                    .keys()
                    .chain(board.completed.keys())
                    .any(|t| !t.is_map());
                let fits = match level {
                    Level::Easy => !any_reduce && !maps.is_empty() && !running.is_empty(),
                    Level::Medium => reducing && !maps.is_empty() && reduces.is_empty(),
                    Level::Hard => !reduces.is_empty() && !maps.is_empty(),
                };
                if fits && !report_in_flight(&full, &s.processes, w, k) {
                    candidates.push((k, w.clone()));
                }
            }
        }
        if candidates.is_empty() {
            return None;
        }
        let (k, w) = candidates[rng.random_range(0..candidates.len())].clone();
        s.limits.max_steps = k;
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || trace.step_count() != k {
            return None;
        }
        let board = Board::at(&trace, k);
        let running = board.running_on(&w);
        let maps = board.completed_by(&w, true);
        let reduces = board.completed_by(&w, false);
        let right: BTreeSet<Task> = running.union(&maps).copied().collect();
        // The protocol agrees: crashed at that step, the worker's tasks go back to idle.
        let idle = idle_after_crash(&s, &w, k)?;
        if !right.is_subset(&idle) || !reduces.is_disjoint(&idle) {
            return None;
        }
        // Distractors: the running ones only; those and the completed reduces; everything it
        // did; its completed maps only; every map task.
        let mut pool: Vec<BTreeSet<Task>> = vec![
            running.clone(),
            running.union(&reduces).copied().collect(),
            right.union(&reduces).copied().collect(),
            maps.clone(),
            (0..splits)
                .map(Task::Map)
                .chain(running.iter().copied())
                .collect(),
            BTreeSet::new(),
        ];
        shuffle(&mut pool[1..], rng);
        let right_text = tasks_text(&right);
        let mut options: Vec<String> = Vec::new();
        for set in &pool {
            let t = tasks_text(set);
            if t != right_text && !options.contains(&t) && options.len() < 3 {
                options.push(t);
            }
        }
        if options.len() < 2 {
            return None;
        }
        options.push(right_text.clone());
        shuffle(&mut options, rng);
        let solution = options.iter().position(|o| *o == right_text)?;
        let w_id = s.processes.iter().position(|p| *p == w)?;
        let last = trace.lane(w_id).last()?.id;
        let time = trace.time_at_step(k);
        let prompt = format!(
            "{workers} workers run a word count: {splits} map tasks (map 0 to map {}) and \
             {reducers} reduce {} ({}), with no backup tasks. The diagram stops at time {time}, \
             after step {k}; {w}'s latest event is marked. If {w} crashed now, which tasks \
             would have to run again?",
            splits - 1,
            if reducers == 1 { "task" } else { "tasks" },
            and_list(
                &(0..reducers)
                    .map(|r| format!("reduce {r}"))
                    .collect::<Vec<_>>()
            )
        );
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: vec![last],
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

/// The tasks the coordinator sends back to idle when `worker` crashes just before step `k`.
fn idle_after_crash(scenario: &Scenario, worker: &str, k: u64) -> Option<BTreeSet<Task>> {
    let mut s = scenario.clone();
    s.limits.max_steps = 5_000;
    s.interventions = vec![Intervention {
        step: k,
        action: Action::Crash {
            process: ProcessRef::Name(worker.into()),
        },
    }];
    let trace = run_of(&s);
    if !trace.warnings.is_empty() {
        return None;
    }
    Some(
        trace
            .outputs
            .iter()
            .filter(|o| {
                o.process == COORDINATOR && o.kind == "task" && trace.events[o.event].step >= k
            })
            .filter_map(|o| {
                let words: Vec<&str> = o.value.split_whitespace().collect();
                match words[..] {
                    [kind, n, "idle"] => task_of(kind, n),
                    _ => None,
                }
            })
            .collect(),
    )
}

/// Whether a report of `worker` (`MapDone`, `ReduceDone`) is on its way to the coordinator
/// after the first `steps` steps: then the coordinator's view is about to change.
fn report_in_flight(trace: &Trace, processes: &[String], worker: &str, steps: u64) -> bool {
    let Some(w) = processes.iter().position(|p| p == worker) else {
        return false;
    };
    trace.messages.iter().any(|m| {
        m.from == w
            && m.to == COORDINATOR
            && (m.label.starts_with("MapDone") || m.label.starts_with("ReduceDone"))
            && trace.events[m.send_event].step < steps
            && m.receive_event
                .is_none_or(|r| trace.events[r].step >= steps)
    })
}

// ---- Which reduce task? ----

/// Which reduce task gets every pair of a word.
pub struct WhichReducer;

/// The option that spreads a word over the reduce tasks.
const EVERY: &str = "every reduce task: each gets the pairs of some map tasks";

/// The word and hash a which-reducer prompt gives: `hash("fox") = 123`.
fn word_and_hash(prompt: &str) -> Option<(String, u64)> {
    let rest = prompt.split("hash(\"").nth(1)?;
    let (word, rest) = rest.split_once("\") = ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((word.to_string(), digits.parse().ok()?))
}

/// The map tasks whose split holds `word`.
fn splits_with(params: &MapReduceParams, word: &str) -> Vec<usize> {
    make_splits(&Job::WordCount, &params.input, params.splits)
        .iter()
        .enumerate()
        .filter(|(_, split)| {
            split
                .pieces
                .iter()
                .any(|(_, text)| words(text).any(|w| w == word))
        })
        .map(|(m, _)| m)
        .collect()
}

impl ExerciseKind for WhichReducer {
    fn id(&self) -> &'static str {
        "which-reducer"
    }

    fn title(&self) -> &'static str {
        "Which reduce task gets the word?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x5ed_0ce5, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let params: MapReduceParams = exercise.scenario.params().unwrap_or_default();
        let Some((word, hash)) = word_and_hash(&exercise.prompt) else {
            return Feedback::wrong("This exercise names no word.", Vec::new());
        };
        let r = params.reducers;
        let right = partition(&word, r);
        let maps = splits_with(&params, &word);
        let trace = &exercise.trace;
        let prefixes: Vec<String> = maps
            .iter()
            .map(|m| format!("Region {m} {right} "))
            .collect();
        let events: Vec<EventId> = trace
            .messages
            .iter()
            .filter(|msg| prefixes.iter().any(|p| msg.label.starts_with(p.as_str())))
            .filter_map(|msg| msg.receive_event)
            .collect();
        let sum = format!(
            "{hash} mod {r} = {right} ({hash} = {r} × {} + {right})",
            hash / r as u64
        );
        let tasks = and_list(&maps.iter().map(|m| format!("map {m}")).collect::<Vec<_>>());
        let emitters = if maps.len() == 1 {
            format!("{tasks} emits ({word}, 1) pairs and puts them")
        } else {
            format!("{tasks} both emit ({word}, 1) pairs and put them")
        };
        let reason = format!(
            "The partition depends on the key alone: {sum}. {} in region {right} of {} output, \
             which reduce {right} fetches, so reduce {right} sees every pair for {word} and \
             alone writes its count.",
            upper_first(&emitters),
            if maps.len() == 1 { "its" } else { "their" }
        );
        if option == format!("reduce {right}") {
            return Feedback::right(format!("Right: reduce {right}. {reason}"), events);
        }
        let mistake = if option == EVERY {
            format!(
                "every map task sends the pairs for {word} to the same reduce task: were they \
                 spread over several, each would write its own partial count of {word}, and the \
                 output would have several lines for it"
            )
        } else {
            format!("{word} goes to reduce {}, not to {}", right, option.trim())
        };
        let option = if option == EVERY {
            "\"every reduce task\"".to_string()
        } else {
            option
        };
        Feedback::wrong(format!("Not {option}: {mistake}. {reason}"), events)
    }
}

impl WhichReducer {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let reducers = match level {
            Level::Easy => 2,
            Level::Medium => rng.random_range(4..=5),
            Level::Hard => 3,
        };
        let workers = rng.random_range(2..=3);
        let params = MapReduceParams {
            input: input(rng, 3, 4),
            splits: rng.random_range(2..=4),
            reducers,
            combiner: level == Level::Hard,
            ..MapReduceParams::default()
        };
        let vocabulary: BTreeSet<String> = words(&params.input).collect();
        let vocabulary: Vec<String> = vocabulary.into_iter().collect();
        // A word that more than one map task emits, where there is one.
        let shared: Vec<&String> = vocabulary
            .iter()
            .filter(|w| splits_with(&params, w).len() > 1)
            .collect();
        let word = if shared.is_empty() {
            vocabulary[rng.random_range(0..vocabulary.len())].clone()
        } else {
            shared[rng.random_range(0..shared.len())].clone()
        };
        let hash = fnv1a(word.as_bytes());
        let maps = splits_with(&params, &word);
        let splits = params.splits;
        let mut s = scenario(self, level, seed, "no-backups", workers, params);
        s.seed = rng.random_range(0..1_000_000);
        let trace = run_of(&s);
        if !trace.warnings.is_empty() || completion(&trace).is_none() {
            return None;
        }
        let mut options: Vec<String> = (0..reducers).map(|r| format!("reduce {r}")).collect();
        options.push(EVERY.into());
        let right = partition(&word, reducers);
        let solution = options
            .iter()
            .position(|o| *o == format!("reduce {right}"))?;
        let tip = match reducers {
            2 => "a number's remainder mod 2 is its last digit's",
            5 => "a number's remainder mod 5 is its last digit's",
            4 => "a number's remainder mod 4 is that of its last two digits",
            _ => "a number leaves the same remainder mod 3 as the sum of its digits",
        };
        let found = and_list(&maps.iter().map(|m| format!("map {m}")).collect::<Vec<_>>());
        let prompt = format!(
            "A word count runs with {splits} map tasks and {reducers} reduce tasks. The word \
             \"{word}\" is in the {} of {found}. Each map task sends every pair (word, 1) it \
             emits to reduce task hash(word) mod {reducers}, where the hash is FNV-1a, a fixed \
             function of the word's bytes: hash(\"{word}\") = {hash}. Which reduce task \
             receives the pairs for \"{word}\"? (Tip: {tip}.)",
            if maps.len() == 1 { "split" } else { "splits" }
        );
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: Vec::new(),
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- What do backups save? ----

/// How long the job takes with backup tasks, and without.
pub struct BackupTime;

/// `with backups 461, without 746`.
fn pair_text(with: Time, without: Time) -> String {
    format!("with backups {with}, without {without}")
}

/// The two times an option of [`pair_text`] gives.
fn pair_of(text: &str) -> Option<(Time, Time)> {
    let (with, without) = text
        .strip_prefix("with backups ")?
        .split_once(", without ")?;
    Some((with.parse().ok()?, without.parse().ok()?))
}

/// The first backup copy of a run: the task, the worker that got the copy, the worker whose
/// copy was running, and the output that started it.
fn first_backup(trace: &Trace) -> Option<(Task, String, String, EventId)> {
    let mut board = Board::default();
    for o in trace
        .outputs
        .iter()
        .filter(|o| o.process == COORDINATOR && o.kind == "task")
    {
        let words: Vec<&str> = o.value.split_whitespace().collect();
        if let ["backup", kind, n, worker] = words[..] {
            let t = task_of(kind, n)?;
            let slow = board.running.get(&t)?.iter().next()?.clone();
            return Some((t, worker.to_string(), slow, o.event));
        }
        board.apply(&o.value, o.event);
    }
    None
}

/// When a task was completed, and by whom, in a run.
fn completed_at(trace: &Trace, task: Task) -> Option<(Time, String)> {
    let prefix = format!("{task} completed ");
    trace.outputs.iter().find_map(|o| {
        let worker = o.value.strip_prefix(prefix.as_str())?;
        (o.process == COORDINATOR && o.kind == "task").then_some(())?;
        Some((trace.events[o.event].time, worker.to_string()))
    })
}

/// The scenario run without backups.
fn without_backups(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    s.variant = "no-backups".into();
    s
}

impl ExerciseKind for BackupTime {
    fn id(&self) -> &'static str {
        "backup-time"
    }

    fn title(&self) -> &'static str {
        "What do backup tasks save?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x000b_ac0b, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let option = match chosen(exercise, answer) {
            Ok(o) => o,
            Err(f) => return f,
        };
        let trace = &exercise.trace;
        let plain = run_of(&without_backups(&exercise.scenario));
        let (Some((with, done)), Some((without, _))) = (completion(trace), completion(&plain))
        else {
            return Feedback::wrong("This exercise's job does not complete.", Vec::new());
        };
        let mut events = vec![done];
        let story = match first_backup(trace) {
            Some((t, copy, slow, e)) => {
                events.push(e);
                let won = completed_at(trace, t)
                    .map(|(at, w)| format!(" The copy on {w} finished first, at {at}."))
                    .unwrap_or_default();
                let waited = completed_at(&plain, t)
                    .map(|(at, _)| format!(", which completes only at {at}"))
                    .unwrap_or_default();
                format!(
                    "With backups, the coordinator saw {t} still running on {slow} near the end \
                     of its phase and started a copy of it on {copy}, a free worker ({}).{won} \
                     Without backups, the job waits for {slow}'s own copy{waited}",
                    event_name(e)
                )
            }
            None => "Without backups, the job waits for the straggler's task".to_string(),
        };
        let explanation = format!(
            "{story}: the client gets the result at {without} instead of {with}, {} ticks later.",
            without.saturating_sub(with)
        );
        let right = pair_text(with, without);
        if option == right {
            return Feedback::right(format!("Right: {right}. {explanation}"), events);
        }
        let Some((a, b)) = pair_of(&option) else {
            return Feedback::wrong(format!("Not {option}. {explanation}"), events);
        };
        let mistake = if a != with {
            format!(
                "with backups, the run shown, the client gets the result at {with} (its job \
                 output, {})",
                event_name(done)
            )
        } else if b == a {
            "backup tasks do change the time: the straggler's task no longer holds up the job"
                .to_string()
        } else if b < without {
            format!(
                "without backups it takes longer than that: once the straggler finishes, the \
                 rest of the job still has to run, and the client gets the result at {without}"
            )
        } else {
            format!(
                "without backups the job waits for the straggler only until its task is done, \
                 then goes on as usual: the client gets the result at {without}, not {b}"
            )
        };
        Feedback::wrong(format!("Not {option}: {mistake}. {explanation}"), events)
    }
}

impl BackupTime {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let (workers, slow, slowdown, splits, reducers) = match level {
            Level::Easy => (3, 1, 10, 4, 2),
            Level::Medium => (
                4,
                1,
                rng.random_range(5..=8),
                rng.random_range(5..=6),
                rng.random_range(2..=3),
            ),
            Level::Hard => (
                rng.random_range(4..=5),
                2,
                rng.random_range(4..=10),
                rng.random_range(5..=8),
                rng.random_range(2..=4),
            ),
        };
        let mut stragglers: Vec<usize> = (1..=workers).collect();
        shuffle(&mut stragglers, rng);
        stragglers.truncate(slow);
        stragglers.sort_unstable();
        let names: Vec<String> = stragglers.iter().map(|i| format!("W{i}")).collect();
        let params = MapReduceParams {
            input: input(rng, 3, 5),
            splits,
            reducers,
            slow: names.iter().map(|n| ProcessRef::Name(n.clone())).collect(),
            slowdown,
            ..MapReduceParams::default()
        };
        let mut s = scenario(self, level, seed, "backups", workers, params);
        s.seed = rng.random_range(0..1_000_000);
        let trace = run_of(&s);
        let plain = run_of(&without_backups(&s));
        if !trace.warnings.is_empty() || !plain.warnings.is_empty() {
            return None;
        }
        let (with, _) = completion(&trace)?;
        let (without, _) = completion(&plain)?;
        if without < with + 20 {
            return None;
        }
        first_backup(&trace)?;
        let mut pool: Vec<(Time, Time)> = vec![(without, with), (with, with)];
        // Twice the delay: as if the straggler held up both phases.
        pool.push((with, with + 2 * (without - with)));
        let right = pair_text(with, without);
        let mut options: Vec<String> = vec![right.clone()];
        for (a, b) in pool {
            let t = pair_text(a, b);
            if !options.contains(&t) {
                options.push(t);
            }
        }
        if options.len() < 4 {
            return None;
        }
        shuffle(&mut options, rng);
        let solution = options.iter().position(|o| *o == right)?;
        let who = and_list(&names);
        let prompt = format!(
            "{workers} workers run a word count with {splits} map tasks and {reducers} reduce \
             tasks. {who} {} {slowdown} times slower than the others at everything. The diagram \
             shows the job with backup tasks: near the end of each phase the coordinator starts \
             a copy of every task still running on a free worker, and the first copy to finish \
             wins. When does the client get the result with backup tasks, and when would it \
             without them (the same run, variant no-backups)?",
            if names.len() == 1 { "is" } else { "are" }
        );
        Some(Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt,
                scenario: s,
                trace,
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: Vec::new(),
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}
