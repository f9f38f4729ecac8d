//! MapReduce: one job, cut into many small tasks that a coordinator hands out to a pool of
//! workers, some of which crash and some of which are slow, and still the right answer at the end.
//!
//! The programmer writes two functions. **Map** turns one piece of input into a list of
//! intermediate `(key, value)` pairs; **reduce** takes one key and every value emitted for it and
//! makes the final value. Everything else (cutting up the input, running tasks in parallel,
//! moving data between machines, surviving failures) is the framework's job, and that is what a
//! run shows.
//!
//! # Who is who
//!
//! The scenario's processes are, in this order: the **client** (it submits the job and waits
//! for the result), the **coordinator** (the "master" of the paper: it owns the job and decides
//! who does what), and then 1 to 8 **workers** (`W1`, `W2`, ... in the examples; any one-word
//! names will do).
//!
//! # The jobs
//!
//! `job` picks one of three ([`JobKind`]); each has its map, combiner and reduce function in
//! [`map_split`], [`combine`] and [`reduce`], and its one-machine answer in [`sequential`].
//! A *word* is a whitespace-separated token, lower-cased, with punctuation at either end removed
//! ([`normalize`]: `"Word,"` counts as `word`). Lines are numbered from 1.
//!
//! | job | map emits | reduce makes | an output line |
//! |---|---|---|---|
//! | `word-count` | `(word, 1)` for each word | the sum | `fox 3` |
//! | `grep` (with `pattern`) | `(line number, line)` for each line containing `pattern` (plain text, case-sensitive) | the line | `4 the quick fox` |
//! | `inverted-index` | `(word, line number)` for each word: each line is a document, named by its number | the line numbers, sorted, without repeats | `fox 1,4` |
//!
//! Output lines are in key order: words in code-point order, grep's line numbers as numbers.
//!
//! # Splits, partitions, regions
//!
//! The input (`input`, the text the learner edits) is cut into `splits` (M) **splits**, one per
//! map task ([`make_splits`]): word count cuts between words, grep and the inverted index keep
//! lines whole (blank lines are skipped); the first splits get one record more when the count
//! does not divide evenly. There are `reducers` (R) reduce tasks. A map task sends each pair
//! it emits to reduce task [`partition`]`(key, R)` = FNV-1a-64 of the key's bytes mod R
//! ([`fnv1a`]), a stable hash, so the same word always lands in the same partition, in every run
//! and on every machine. It writes its output as R **regions** on its own local disk, one per
//! reduce task. With `combiner` on, a map task first reduces its own output locally (word count
//! sums, the inverted index drops repeats), so fewer pairs cross the network. A combiner keeps
//! the result only if reduce allows it: summing, being commutative and associative, can be
//! done in parts in any order, and removing repeats before a reduce that removes repeats
//! changes nothing.
//!
//! # The flow
//!
//! 1. The client sends `Submit` to the coordinator.
//! 2. The coordinator keeps every task **idle**, **in-progress** (on which workers) or
//!    **completed** (where). It hands idle map tasks to free workers (`Map 2`), and idle reduce
//!    tasks (`Reduce 0`, carrying where every map output lives) only once every map task is
//!    completed. (A simplification: in the paper a reduce worker fetches each map output as
//!    soon as it completes, and only the sort and the reduce function wait for every map.) A worker has two slots, one for a map task and one for a reduce task (as
//!    Hadoop's workers had), so a reduce task waiting for a map output does not keep its worker
//!    from running the map task that makes it. Free workers are served in process order.
//! 3. A map worker reads its split, which takes `work_per_word` ticks per word, then writes the
//!    R regions to its disk and reports `MapDone 2 (3,4)` (the regions' sizes).
//! 4. A reduce worker fetches its region from every map output's worker (`Fetch 2 0`, answered
//!    by `Region 2 0 (3 pairs)`; from its own disk without a message), then sorts the pairs by
//!    key, groups them and reduces each group (`work_per_word` ticks per pair). It writes its
//!    output to a temporary file and renames it to `mr-out-0` once complete, so a reader never
//!    sees half a file, and reports `ReduceDone 0`.
//! 5. When every reduce task is completed the coordinator sends the client the `Result`, the
//!    `mr-out-*` files in key order; the client outputs it, one `emit` output per line.
//!
//! The global file system (where the input and the final `mr-out-*` files live, replicated,
//! surviving any one crash) is not a process of its own: every worker can read the input, and a
//! reduce task's finished file is kept by the coordinator, which `ReduceDone` carries it to.
//! Everything a map task writes is on the worker's *local* disk, which a crash wipes.
//!
//! # Faults
//!
//! * **Worker crash.** Every `heartbeat` ticks the coordinator sends each worker `Ping`, and
//!   starts a timer (`timeout W2`, drawn on its lane) that the `Pong` cancels. When a timer runs
//!   out, the coordinator counts the worker as dead: its in-progress tasks go back to idle, *and
//!   so do its completed map tasks*, because their output sat on the dead worker's disk. They
//!   run again on other workers, and when a re-run map task completes the coordinator tells the
//!   running reduce tasks where its output is now (`Location 1: W3`); a reducer that was waiting
//!   for it fetches it from there. Completed reduce tasks are not re-run: their output is in the
//!   global file system. A `Pong` also says which tasks the worker is running, so the
//!   coordinator counts again a copy it had given up on (a task sent to a worker just before it
//!   was counted as dead, say).
//! * **Worker recovery.** A worker comes back with an empty disk and a new *incarnation* number
//!   (kept on stable storage), which its messages carry. The coordinator takes a newer number as
//!   a restart (what the worker had is gone), and ignores a report from an older incarnation,
//!   whose output was lost. A worker the coordinator took for dead but that answers after all
//!   (it was slow, or a message was late) is welcomed back.
//! * **Coordinator crash.** The job dies with it. The client polls (`Status?` every `poll`
//!   ticks, with a timer `timeout Coordinator`); when no answer comes within `timeout` ticks, or
//!   the coordinator answers that it restarted and has no job, the client gives up:
//!   `job` output `aborted: ...`.
//! * **Stragglers.** Workers listed in `slow` take `slowdown` times longer for everything. In
//!   the `backups` variant, when a phase is nearly done (no idle task left and at most
//!   `backup_threshold` tasks not completed) the coordinator starts a **backup** copy of each
//!   remaining in-progress task on a free worker (one backup per task, the longest-running
//!   first). The first copy to finish wins. The coordinator then ignores the other copy: it
//!   counts that worker's slot as free, a new assignment to it replaces the pointless copy, and
//!   if the copy finishes anyway its result is dropped (`discarded`). `backup_threshold` is a
//!   count of tasks if it is 1 or more (a whole number), or a fraction of the phase's tasks,
//!   rounded up, if it is below 1; 0 never starts a backup. The `no-backups` variant waits for
//!   the straggler.
//!
//! Re-running a task is safe because the framework requires map and reduce to be deterministic
//! and side-effect free (a requirement on the user's code, which the jobs here meet): a second
//! run of a map task produces exactly the same regions, so it does not matter which copy a
//! reducer read.
//!
//! Assignments are numbered, per worker and per slot, and a worker ignores one older than the
//! last it took: a duplicate from the network, or one overtaken by a newer assignment. Every
//! other message is harmless twice (a second `MapDone` is `discarded`, a second region ignored).
//!
//! The network is assumed reliable: lost messages are not resent (a crashed worker's lost
//! messages are made up for by re-running its tasks). Dropped or duplicated pings and pongs, and
//! duplicated messages of any kind, are handled; other drops may stall the job, and then
//! `completes` is not promised.
//!
//! # What the diagram shows
//!
//! | label | from → to | meaning |
//! |---|---|---|
//! | `Submit` | client → coordinator | run this job |
//! | `Status?` | client → coordinator | the client's poll |
//! | `Status: maps 3/4, reduces 0/2` | coordinator → client | progress so far |
//! | `No job` | coordinator → client | the coordinator knows of no job (it restarted, or the `Submit` is still on its way) |
//! | `Result (12 lines)` | coordinator → client | the job's output |
//! | `Ping`, `Pong` | coordinator ↔ worker | heartbeat |
//! | `Map 2` | coordinator → worker | run map task 2 |
//! | `Reduce 0` | coordinator → worker | run reduce task 0 (with every map output's location) |
//! | `MapDone 2 (3,4)` | worker → coordinator | map 2 is on my disk: regions of 3 and 4 pairs |
//! | `Fetch 2 0` | reducer → map worker | send me region 0 of map 2 |
//! | `Region 2 0 (3 pairs)` | map worker → reducer | here it is |
//! | `Missing 2 0` | map worker → reducer | I do not have it (I restarted) |
//! | `Location 1: W3` | coordinator → reducers | map 1's output is now on W3 (or several: `Location 0: W1, 2: W3`) |
//! | `ReduceDone 0` | worker → coordinator | `mr-out-0` is written |
//!
//! A reduce worker's lane has a dot `sort region 0` when it starts reducing, then
//! `write mr-out-0.tmp` and `rename mr-out-0` when it is done. Timers: the coordinator's
//! `timeout <worker>` and the client's `timeout <coordinator>` are drawn; the heartbeat, the poll
//! and the time a task takes (`map work`, `reduce work`) only pace the run.
//!
//! # Outputs
//!
//! Every output carries a typed fact ([`Output::fact`](crate::Output::fact)), which is what
//! properties, exercises and panels read; its value is the fact's label, for people, and is
//! never parsed back.
//!
//! * `emit`, from the client when the job completes, one per output line in key order: an
//!   [`Emitted`] line, shown `key value` (`fox 3`, `4 the quick fox`, `fox 1,4`).
//! * `job`, from the client: a [`JobOutcome`], shown `completed at <time>` (the tick the result
//!   reached it) or `aborted: <reason>`.
//! * `task`, from the coordinator, one per change of a task, for the stage view and the task
//!   timeline: a [`TaskUpdate`] (the task, its [`TaskChange`], the worker). Shown with `<task>`
//!   as `map <m>` or `reduce <r>` (numbers from 0) and `<worker>` a worker's name:
//!
//! | shown | change | when |
//! |---|---|---|
//! | `<task> in-progress <worker>` | `InProgress` | the task is given to the worker (first run, a re-run, or a copy the coordinator learns of again) |
//! | `backup <task> <worker>` | `Backup` | a backup copy of the in-progress task starts on the worker |
//! | `<task> completed <worker>` | `Completed` | the first copy to finish, on this worker; for a map task its output lives there |
//! | `<task> discarded <worker>` | `Discarded` | a later copy finished after the task was completed; its result is ignored |
//! | `<task> lost <worker>` | `Lost` | a copy running on the worker died with it (the coordinator noticed the worker is dead or restarted) |
//! | `<task> idle` | `Idle` | no copy is left, or a completed map task's output was lost: the task must run again |
//!
//! # State
//!
//! Each process lists its state as fields ([`Process::fields`]); the summary is written from
//! them, `name: value` parts joined by ` · `:
//!
//! * coordinator: `role: coordinator · maps: 3/4 done · reduces: 0/2 done`, then, when there
//!   is something to say, `running: map 3 (W1), reduce 0 (W2, W3)`, `down: W2` and
//!   `job: none` (no job yet, or lost in a crash) or `job: done`;
//! * worker: `role: worker · doing: map 2 · disk: map 1 (2 regions)` (`doing: nothing`,
//!   `doing: map 2, reduce 0`, `disk: empty`), with `fetched: 2/4` (before `disk`) while it has
//!   a reduce task (regions in hand, of how many map tasks) and `slowdown: 4x` for a straggler;
//! * client: `role: client · job: waiting` (or `not submitted`, `completed (12 lines)`,
//!   `aborted`).
//!
//! # Parameters
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `job` | `word-count` | `word-count`, `grep` or `inverted-index` |
//! | `pattern` | | grep: the text a line must contain |
//! | `input` | [`DEFAULT_INPUT`] | the text (at most 10,000 bytes) |
//! | `splits` | 4 | M, the map tasks: from 1 to 64, at most one per word (word count) or non-blank line |
//! | `reducers` | 2 | R, the reduce tasks: from 1 to 16 |
//! | `combiner` | `false` | map tasks combine their output before writing it |
//! | `slow` | none | the stragglers, by name or process index |
//! | `slowdown` | 4 | how many times longer a straggler takes (1 to 100) |
//! | `work_per_word` | 4 | ticks per word mapped or pair reduced (0 to 1,000; a task takes at least 1) |
//! | `heartbeat` | 60 | ticks between two rounds of pings |
//! | `timeout` | 100 | how long a ping (or the client's poll) waits for its answer |
//! | `poll` | 100 | ticks between two polls of the client |
//! | `backup_threshold` | 0.25 | when backups start (see above) |
//!
//! # Properties
//!
//! | property | kind | promised |
//! |---|---|---|
//! | `correct-output`: the emitted lines are [`sequential`]'s, in order | safety | always |
//! | `output-once`: no key is emitted twice | safety | always |
//! | `completes`: the job finishes | liveness | if the client and the coordinator never crash, at least one worker never crashes, no message is lost, cut off or held back, and `timeout` is longer than a round trip |
//!
//! Each task may well run more than once: that is the design, not a fault.
//!
//! ```
//! use spacetime_core::lessons::mapreduce::mapreduce::{
//!     completed_at, partition, sequential, Emitted, Job, MapReduceParams,
//! };
//! use spacetime_core::protocols;
//! use spacetime_core::Run;
//!
//! // FNV-1a of "fox" is 0xdcb28218fed9eb8e, an even number: with two reduce tasks, "fox" goes
//! // to reduce task 0, in every run.
//! assert_eq!(partition("fox", 2), 0);
//! assert_eq!(partition("worker", 2), 1);
//!
//! let scenario = protocols::example("mapreduce-word-count").unwrap();
//! let params: MapReduceParams = scenario.params().unwrap();
//! let run = Run::complete(&scenario).unwrap();
//! let trace = run.trace();
//! let emitted: Vec<(String, String)> = trace.outputs.iter()
//!     .filter_map(|o| o.fact::<Emitted>())
//!     .map(|line| (line.key.clone(), line.value.clone())).collect();
//! assert_eq!(emitted, sequential(&Job::WordCount, &params.input));
//! assert!(completed_at(trace).is_some());
//! assert!(run.check(trace).iter().all(|r| r.verdict.holds()));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::faults::{crash, crashes, loses_messages, slowest_latency};
use crate::param_checks::in_range;
use crate::process::{Context, Field, Payload, Process, ProcessId, Time};
use crate::protocol::{Property, PropertyKind, Protocol, VariantInfo, Verdict};
use crate::scenario::{Action, Limits, NetworkModel, ProcessRef, Scenario, ScenarioError};
use crate::trace::{EventId, Trace};
use crate::words::count_of;

mod client;
mod coordinator;
mod job;
mod worker;

use client::Client;
use coordinator::Coordinator;
use worker::Worker;

pub use job::{
    combine, fnv1a, key_order, make_splits, map_split, normalize, partition, record_count, reduce,
    reduce_region, sequential, words, Job, JobKind, Pair, Split,
};

/// The client's index: it submits the job and outputs the result.
pub const CLIENT: ProcessId = 0;
/// The coordinator's index.
pub const COORDINATOR: ProcessId = 1;
/// The first worker's index; every process after it is a worker too.
pub const FIRST_WORKER: ProcessId = 2;
/// The most workers a run may have.
pub const MAX_WORKERS: usize = 8;
/// The longest input, in bytes.
pub const MAX_INPUT_BYTES: usize = 10_000;
/// The most map tasks.
pub const MAX_SPLITS: usize = 64;
/// The most reduce tasks.
pub const MAX_REDUCERS: usize = 16;
/// The largest `slowdown`.
pub const MAX_SLOWDOWN: u64 = 100;
/// The largest `work_per_word`.
pub const MAX_WORK_PER_WORD: Time = 1_000;
/// The longest heartbeat, poll interval or timeout, in ticks.
pub const MAX_INTERVAL: Time = 1_000_000;
/// The largest whole-number `backup_threshold`.
pub const MAX_BACKUP_THRESHOLD: f64 = 1_000.0;

/// The text the examples run on: a few lines about MapReduce itself.
pub const DEFAULT_INPUT: &str = "The map task reads its split and emits a pair for every word.\n\
The reduce task fetches its region from every map worker.\n\
If a worker crashes, the coordinator runs its tasks again.\n\
A slow worker holds up the job, so the coordinator starts a backup task.";

/// MapReduce's parameters. Times are in ticks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MapReduceParams {
    /// `word-count`, `grep` or `inverted-index`.
    pub job: JobKind,
    /// For `grep`: the text a line must contain (case-sensitive, no wildcards).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    /// The input text. For grep and the inverted index each line is a record (a document).
    pub input: String,
    /// M: how many splits, one map task each.
    pub splits: usize,
    /// R: how many reduce tasks (and output files).
    pub reducers: usize,
    /// Whether map tasks combine their output before writing it.
    pub combiner: bool,
    /// The stragglers: workers by name or by process index (0 is the client, 1 the
    /// coordinator, 2 the first worker).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub slow: Vec<ProcessRef>,
    /// How many times longer a straggler takes over any task.
    pub slowdown: u64,
    /// How long a task takes per word read (map) or pair reduced (reduce); at least 1 tick.
    pub work_per_word: Time,
    /// How often the coordinator pings the workers.
    pub heartbeat: Time,
    /// How long the coordinator waits for a pong, and the client for an answer to its poll.
    pub timeout: Time,
    /// How often the client polls the coordinator.
    pub poll: Time,
    /// `backups` variant: start backup copies once at most this many tasks of the phase are
    /// not completed (a whole number), or this fraction of them, rounded up (below 1).
    pub backup_threshold: f64,
}

impl Default for MapReduceParams {
    fn default() -> Self {
        MapReduceParams {
            job: JobKind::WordCount,
            pattern: String::new(),
            input: DEFAULT_INPUT.to_string(),
            splits: 4,
            reducers: 2,
            combiner: false,
            slow: Vec::new(),
            slowdown: 4,
            work_per_word: 4,
            heartbeat: 60,
            timeout: 100,
            poll: 100,
            backup_threshold: 0.25,
        }
    }
}

impl MapReduceParams {
    /// The job these parameters describe.
    pub fn job(&self) -> Job {
        match self.job {
            JobKind::WordCount => Job::WordCount,
            JobKind::Grep => Job::Grep(self.pattern.clone()),
            JobKind::InvertedIndex => Job::InvertedIndex,
        }
    }

    /// Check every field against the scenario's `processes`; an error names the field.
    pub fn validate(&self, processes: &[String]) -> Result<(), ScenarioError> {
        check_processes(processes)?;
        let job = self.job();
        if self.input.len() > MAX_INPUT_BYTES {
            return Err(ScenarioError::invalid(
                "params.input",
                format!(
                    "the input is {} bytes long; the most is {MAX_INPUT_BYTES}",
                    self.input.len()
                ),
            ));
        }
        let records = record_count(&job, &self.input);
        if records == 0 || words(&self.input).next().is_none() {
            return Err(ScenarioError::invalid(
                "params.input",
                "the input has no words: give the job some text to work on",
            ));
        }
        if self.job == JobKind::Grep {
            if self.pattern.is_empty() {
                return Err(ScenarioError::invalid(
                    "params.pattern",
                    "grep needs a pattern: the text a line must contain",
                ));
            }
            if self.pattern.contains(['\n', '\r']) {
                return Err(ScenarioError::invalid(
                    "params.pattern",
                    "grep looks within one line: the pattern cannot contain a line break",
                ));
            }
        }
        in_range("splits", self.splits, 1..=MAX_SPLITS, "splits (map tasks)")?;
        if self.splits > records {
            let what = if job.reads_lines() { "lines" } else { "words" };
            return Err(ScenarioError::invalid(
                "params.splits",
                format!(
                    "the input has {records} {what}, too few for {} splits: give at most \
                     {records}, so that no map task is left with nothing to read",
                    self.splits
                ),
            ));
        }
        in_range("reducers", self.reducers, 1..=MAX_REDUCERS, "reduce tasks")?;
        for (i, p) in self.slow.iter().enumerate() {
            let field = format!("params.slow[{i}]");
            let p = p.resolve(processes, &field)?;
            if p < FIRST_WORKER {
                return Err(ScenarioError::invalid(
                    field,
                    format!(
                        "{} is the {}, not a worker; the workers are {}",
                        processes[p],
                        if p == CLIENT { "client" } else { "coordinator" },
                        processes[FIRST_WORKER..].join(", ")
                    ),
                ));
            }
        }
        if self.slowdown == 0 || self.slowdown > MAX_SLOWDOWN {
            return Err(ScenarioError::invalid(
                "params.slowdown",
                format!(
                    "a straggler is from 1 to {MAX_SLOWDOWN} times slower, not {}",
                    self.slowdown
                ),
            ));
        }
        if self.work_per_word > MAX_WORK_PER_WORD {
            return Err(ScenarioError::invalid(
                "params.work_per_word",
                format!(
                    "at most {MAX_WORK_PER_WORD} ticks per word, not {}",
                    self.work_per_word
                ),
            ));
        }
        for (field, t) in [
            ("heartbeat", self.heartbeat),
            ("timeout", self.timeout),
            ("poll", self.poll),
        ] {
            in_range(field, t, 1..=MAX_INTERVAL, "ticks")?;
        }
        let b = self.backup_threshold;
        if !b.is_finite()
            || !(0.0..=MAX_BACKUP_THRESHOLD).contains(&b)
            || (b >= 1.0 && b.fract() != 0.0)
        {
            return Err(ScenarioError::invalid(
                "params.backup_threshold",
                format!(
                    "{b} will not do: give a whole number of tasks from 1 to \
                     {MAX_BACKUP_THRESHOLD}, or a fraction from 0 to 1 such as 0.25"
                ),
            ));
        }
        Ok(())
    }
}

/// Client, coordinator, then 1 to [`MAX_WORKERS`] workers with one-word names.
fn check_processes(processes: &[String]) -> Result<(), ScenarioError> {
    let n = processes.len();
    if !(FIRST_WORKER + 1..=FIRST_WORKER + MAX_WORKERS).contains(&n) {
        return Err(ScenarioError::invalid(
            "processes",
            format!(
                "MapReduce needs a client, a coordinator and 1 to {MAX_WORKERS} workers, in that \
                 order: give {} to {} processes, not {n}",
                FIRST_WORKER + 1,
                FIRST_WORKER + MAX_WORKERS
            ),
        ));
    }
    for (i, name) in processes.iter().enumerate().skip(FIRST_WORKER) {
        if name.split_whitespace().count() != 1 {
            return Err(ScenarioError::invalid(
                format!("processes[{i}]"),
                format!("a worker's name is one word (the task outputs quote it): not \"{name}\""),
            ));
        }
    }
    Ok(())
}

/// The variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Backup copies of the last in-progress tasks.
    Backups,
    /// No backups: the job waits for its slowest task.
    NoBackups,
}

impl Variant {
    /// The variant a scenario names; an unknown name is an error on `variant` that names the
    /// known ones.
    pub fn from_name(name: &str) -> Result<Variant, ScenarioError> {
        match name {
            "backups" => Ok(Variant::Backups),
            "no-backups" => Ok(Variant::NoBackups),
            _ => Err(crate::protocol::unknown_variant::<MapReduce>(name)),
        }
    }
}

/// A task: map task `m` or reduce task `r`, numbered from 0. Written `map 2`, `reduce 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    Map(usize),
    Reduce(usize),
}

impl Task {
    /// Whether it is a map task.
    pub fn is_map(self) -> bool {
        matches!(self, Task::Map(_))
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Task::Map(m) => write!(f, "map {m}"),
            Task::Reduce(r) => write!(f, "reduce {r}"),
        }
    }
}

/// What a `task` output says happened to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskChange {
    /// Given to a worker: a first run, a re-run, or a copy the coordinator learns of again.
    InProgress,
    /// A backup copy of the in-progress task starts on a worker.
    Backup,
    /// The first copy to finish, on this worker; for a map task its output lives there.
    Completed,
    /// A later copy finished after the task was completed; its result is ignored.
    Discarded,
    /// A copy running on the worker died with it.
    Lost,
    /// No copy is left, or a completed map task's output was lost: the task must run again.
    Idle,
}

/// The fact of a `task` output: one change of a task, as the coordinator sees it. Its label is
/// the value in the table of the module documentation (`map 2 in-progress W1`), for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskUpdate {
    pub task: Task,
    pub change: TaskChange,
    /// The worker the change is about (process index); `None` only for [`TaskChange::Idle`].
    pub worker: Option<ProcessId>,
    /// That worker's name, for the label ("" for none).
    pub worker_name: String,
}

impl Payload for TaskUpdate {
    fn label(&self) -> String {
        let (t, w) = (self.task, &self.worker_name);
        match self.change {
            TaskChange::InProgress => format!("{t} in-progress {w}"),
            TaskChange::Backup => format!("backup {t} {w}"),
            TaskChange::Completed => format!("{t} completed {w}"),
            TaskChange::Discarded => format!("{t} discarded {w}"),
            TaskChange::Lost => format!("{t} lost {w}"),
            TaskChange::Idle => format!("{t} idle"),
        }
    }
}

/// Output the `task` fact of `task`'s `change` on `worker`.
fn report(s: &Shared, ctx: Ctx, task: Task, change: TaskChange, worker: Option<ProcessId>) {
    ctx.output_fact(
        "task",
        TaskUpdate {
            task,
            change,
            worker,
            worker_name: worker.map_or(String::new(), |w| s.name(w).to_string()),
        },
    );
}

/// The fact of a `job` output: how the job ended, for the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// The result reached the client at `at`, with `lines` output lines. Label `completed at 412`.
    Completed { at: Time, lines: usize },
    /// The client gave up; `reason` is for people. Label `aborted: <reason>`.
    Aborted { reason: String },
}

impl Payload for JobOutcome {
    fn label(&self) -> String {
        match self {
            JobOutcome::Completed { at, .. } => format!("completed at {at}"),
            JobOutcome::Aborted { reason } => format!("aborted: {reason}"),
        }
    }
}

/// The fact of an `emit` output: one line of the job's output. Label `fox 3`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Emitted {
    pub key: String,
    pub value: String,
}

impl Payload for Emitted {
    fn label(&self) -> String {
        format!("{} {}", self.key, self.value)
    }
}

/// The `task` facts of a trace, in order, each with its output's event. (None from an imported
/// trace, which has no typed facts.)
pub fn task_updates(trace: &Trace) -> impl Iterator<Item = (EventId, &TaskUpdate)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "task")
        .filter_map(|o| Some((o.event, o.fact::<TaskUpdate>()?)))
}

/// How the job ended, and the output's event, if the client has said so.
pub fn job_outcome(trace: &Trace) -> Option<(EventId, &JobOutcome)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "job")
        .find_map(|o| Some((o.event, o.fact::<JobOutcome>()?)))
}

/// The tick the client got the result and the output's event, if the job completed.
pub fn completed_at(trace: &Trace) -> Option<(Time, EventId)> {
    match job_outcome(trace)? {
        (e, JobOutcome::Completed { at, .. }) => Some((*at, e)),
        _ => None,
    }
}

/// What the processes send each other. Data travels behind `Arc`s, so copies are cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapReduceMessage {
    /// Client → coordinator: run this job.
    Submit { job: String },
    /// Client → coordinator: how is it going?
    StatusRequest,
    /// Coordinator → client: tasks completed so far.
    Status {
        maps_done: usize,
        maps: usize,
        reduces_done: usize,
        reduces: usize,
    },
    /// Coordinator → client: no job here; `restarted` if the coordinator has crashed since.
    NoJob { restarted: bool },
    /// Coordinator → client: the output, in key order.
    Result { lines: Arc<[Pair]> },
    /// Coordinator → worker: are you alive?
    Ping,
    /// Worker → coordinator: yes, in this incarnation, running these tasks.
    Pong { incarnation: u32, doing: Vec<Task> },
    /// Coordinator → worker: run map task `m` (the worker's `seq`th map assignment).
    Map { m: usize, seq: u64 },
    /// Coordinator → worker: run reduce task `r` (the worker's `seq`th reduce assignment);
    /// `locations` says where each completed map task's output is.
    Reduce {
        r: usize,
        seq: u64,
        locations: Vec<(usize, ProcessId, String)>,
    },
    /// Worker → coordinator: map task `m` is on my disk, regions of these sizes.
    MapDone {
        m: usize,
        incarnation: u32,
        sizes: Vec<usize>,
    },
    /// Reducer → map worker: region `r` of map task `m`, please.
    Fetch { m: usize, r: usize },
    /// Map worker → reducer: region `r` of map task `m`.
    Region {
        m: usize,
        r: usize,
        pairs: Arc<[Pair]>,
    },
    /// Map worker → reducer: I do not have map task `m`'s output (any more).
    Missing { m: usize, r: usize },
    /// Coordinator → reducers: map task `m`'s output is now on this worker (id and name).
    Location {
        locations: Vec<(usize, ProcessId, String)>,
    },
    /// Worker → coordinator: reduce task `r`'s output file, written and renamed.
    ReduceDone {
        r: usize,
        incarnation: u32,
        output: Arc<[Pair]>,
    },
}

impl Payload for MapReduceMessage {
    fn label(&self) -> String {
        use MapReduceMessage::*;
        match self {
            Submit { .. } => "Submit".into(),
            StatusRequest => "Status?".into(),
            Status {
                maps_done,
                maps,
                reduces_done,
                reduces,
            } => format!("Status: maps {maps_done}/{maps}, reduces {reduces_done}/{reduces}"),
            NoJob { .. } => "No job".into(),
            Result { lines } => format!("Result ({})", count_of(lines.len(), "line")),
            Ping => "Ping".into(),
            Pong { .. } => "Pong".into(),
            Map { m, .. } => format!("Map {m}"),
            Reduce { r, .. } => format!("Reduce {r}"),
            MapDone { m, sizes, .. } => {
                let sizes: Vec<String> = sizes.iter().map(usize::to_string).collect();
                format!("MapDone {m} ({})", sizes.join(","))
            }
            Fetch { m, r } => format!("Fetch {m} {r}"),
            Region { m, r, pairs } => format!("Region {m} {r} ({})", count_of(pairs.len(), "pair")),
            Missing { m, r } => format!("Missing {m} {r}"),
            Location { locations } => {
                let at: Vec<String> = locations
                    .iter()
                    .map(|(m, _, name)| format!("{m}: {name}"))
                    .collect();
                format!("Location {}", at.join(", "))
            }
            ReduceDone { r, .. } => format!("ReduceDone {r}"),
        }
    }
}

/// A list in words: `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What every process knows from the scenario: the job, the splits, the timing.
#[derive(Debug)]
struct Shared {
    names: Vec<String>,
    job: Job,
    splits: Vec<Split>,
    reducers: usize,
    combiner: bool,
    work_per_word: Time,
    /// Each process's slowdown factor (1 for all but the stragglers).
    slowdown: Vec<u64>,
    heartbeat: Time,
    timeout: Time,
    poll: Time,
    backups: bool,
    backup_threshold: f64,
}

impl Shared {
    fn from_scenario(scenario: &Scenario, variant: &str) -> Result<Shared, ScenarioError> {
        let params: MapReduceParams = scenario.params()?;
        params.validate(&scenario.processes)?;
        let job = params.job();
        let mut slowdown = vec![1; scenario.processes.len()];
        for (i, p) in params.slow.iter().enumerate() {
            slowdown[p.resolve(&scenario.processes, &format!("params.slow[{i}]"))?] =
                params.slowdown;
        }
        Ok(Shared {
            names: scenario.processes.clone(),
            splits: make_splits(&job, &params.input, params.splits),
            job,
            reducers: params.reducers,
            combiner: params.combiner,
            work_per_word: params.work_per_word,
            slowdown,
            heartbeat: params.heartbeat,
            timeout: params.timeout,
            poll: params.poll,
            backups: Variant::from_name(variant)? == Variant::Backups,
            backup_threshold: params.backup_threshold,
        })
    }

    fn maps(&self) -> usize {
        self.splits.len()
    }

    fn name(&self, p: ProcessId) -> &str {
        &self.names[p]
    }

    fn workers(&self) -> std::ops::Range<ProcessId> {
        FIRST_WORKER..self.names.len()
    }

    /// How long worker `p` takes over `units` words or pairs.
    fn work(&self, p: ProcessId, units: usize) -> Time {
        (self.work_per_word.saturating_mul(units as Time))
            .max(1)
            .saturating_mul(self.slowdown[p])
    }

    /// How many tasks of a phase of `total` may be unfinished for backups to start.
    fn backup_limit(&self, total: usize) -> usize {
        let b = self.backup_threshold;
        if b < 1.0 {
            (b * total as f64).ceil() as usize
        } else {
            b as usize
        }
    }

    fn timeout_timer(&self, p: ProcessId) -> String {
        format!("timeout {}", self.names[p])
    }

    fn all_tasks(&self) -> impl Iterator<Item = Task> {
        (0..self.maps())
            .map(Task::Map)
            .chain((0..self.reducers).map(Task::Reduce))
    }
}

const HEARTBEAT_TIMER: &str = "heartbeat";
const POLL_TIMER: &str = "poll";

/// One MapReduce process: the client, the coordinator or a worker.
#[derive(Clone, Debug)]
pub struct MapReduceNode {
    shared: Arc<Shared>,
    me: ProcessId,
    role: Role,
}

#[derive(Clone, Debug)]
enum Role {
    Client(Client),
    Coordinator(Coordinator),
    Worker(Worker),
}

type Ctx<'a, 'b> = &'a mut Context<'b, MapReduceMessage>;

// ---------------------------------------------------------------------------------------------
// The process

impl Process for MapReduceNode {
    type Message = MapReduceMessage;

    fn on_start(&mut self, ctx: &mut Context<'_, MapReduceMessage>) {
        if let Role::Client(c) = &mut self.role {
            c.start(&self.shared, ctx);
        }
    }

    fn on_message(
        &mut self,
        ctx: &mut Context<'_, MapReduceMessage>,
        from: ProcessId,
        message: MapReduceMessage,
    ) {
        let s = &*self.shared;
        match &mut self.role {
            Role::Client(c) => c.on_message(s, ctx, message),
            Role::Coordinator(c) => c.on_message(s, ctx, from, message),
            Role::Worker(w) => w.on_message(s, ctx, self.me, from, message),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, MapReduceMessage>, timer: &str) {
        let s = &*self.shared;
        match &mut self.role {
            Role::Client(c) => c.on_timer(s, ctx, timer),
            Role::Coordinator(c) => c.on_timer(s, ctx, timer),
            Role::Worker(w) => w.on_timer(s, ctx, self.me, timer),
        }
    }

    fn on_crash(&mut self) {
        match &mut self.role {
            // The client's job record is on stable storage; the simulation cancels its timers.
            Role::Client(_) => {}
            // The coordinator's state is in memory: the job is gone.
            Role::Coordinator(c) => c.crash(&self.shared),
            Role::Worker(w) => w.crash(),
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, MapReduceMessage>) {
        let s = &*self.shared;
        match &mut self.role {
            Role::Client(c) => c.on_recover(s, ctx),
            Role::Coordinator(_) => ctx.note(format!(
                "{} is back, but its memory of the job is gone: it cannot tell which tasks were \
                 done or where their output is",
                s.name(COORDINATOR)
            )),
            Role::Worker(w) => w.on_recover(s, ctx, self.me),
        }
    }

    fn fields(&self) -> Vec<Field> {
        let s = &*self.shared;
        match &self.role {
            Role::Client(c) => c.fields(),
            Role::Coordinator(c) => c.fields(s),
            Role::Worker(w) => w.fields(s, self.me),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The protocol

/// The MapReduce protocol.
pub struct MapReduce;

/// Whether the run meets what `completes` assumes: see the module documentation.
fn completion_assumed(scenario: &Scenario, timeout: Time) -> bool {
    let slowest = slowest_latency(&scenario.network);
    let lossy = loses_messages(&scenario.network);
    let cuts = scenario
        .faults
        .iter()
        .any(|f| matches!(f.action, Action::Cut { .. }));
    let meddles = scenario.interventions.iter().any(|i| {
        matches!(
            i.action,
            Action::Cut { .. } | Action::Drop { .. } | Action::Delay { .. }
        )
    });
    let some_worker_stays = (FIRST_WORKER..scenario.processes.len()).any(|w| !crashes(scenario, w));
    !crashes(scenario, CLIENT)
        && !crashes(scenario, COORDINATOR)
        && some_worker_stays
        && !lossy
        && !cuts
        && !meddles
        && timeout > slowest.saturating_mul(2)
}

/// The emitted lines equal the sequential answer, line by line, and all of it once the job
/// has completed.
fn correct_output(trace: &Trace, expected: &[Pair]) -> Verdict {
    let mut emitted = 0;
    let lines = trace
        .outputs
        .iter()
        .filter(|o| o.kind == "emit")
        .filter_map(|o| Some((o.event, o.fact::<Emitted>()?)));
    for (event, line) in lines {
        let want = expected.get(emitted);
        if want.is_some_and(|(k, v)| *k == line.key && *v == line.value) {
            emitted += 1;
            continue;
        }
        let got = line.label();
        return Verdict::violated(
            vec![event],
            match want {
                Some((k, v)) => format!(
                    "output line {} is \"{got}\", but the job computed on one machine gives \
                     \"{k} {v}\" there",
                    emitted + 1,
                ),
                None => format!(
                    "output line {} is \"{got}\", but the job computed on one machine has only \
                     {}",
                    emitted + 1,
                    count_of(expected.len(), "line")
                ),
            },
        );
    }
    if let Some((_, done)) = completed_at(trace) {
        if emitted < expected.len() {
            let (k, v) = &expected[emitted];
            return Verdict::violated(
                vec![done],
                format!(
                    "the job completed with {}, but the job computed on one machine has {}: \
                     \"{k} {v}\" is missing",
                    count_of(emitted, "line"),
                    expected.len()
                ),
            );
        }
    }
    Verdict::Holds
}

fn output_once(trace: &Trace) -> Verdict {
    let mut seen: BTreeMap<&str, EventId> = BTreeMap::new();
    for o in trace.outputs.iter().filter(|o| o.kind == "emit") {
        let Some(line) = o.fact::<Emitted>() else {
            continue;
        };
        let key = line.key.as_str();
        if let Some(&first) = seen.get(key) {
            return Verdict::violated(
                vec![first, o.event],
                format!("the key \"{key}\" is emitted twice"),
            );
        }
        seen.insert(key, o.event);
    }
    Verdict::Holds
}

fn completes(trace: &Trace) -> Verdict {
    match job_outcome(trace) {
        Some((_, JobOutcome::Completed { .. })) => Verdict::Holds,
        Some((event, outcome)) => {
            Verdict::violated(vec![event], format!("the job was {}", outcome.label()))
        }
        None => Verdict::violated(Vec::new(), "the job has not completed (yet)"),
    }
}

impl Protocol for MapReduce {
    const NAME: &'static str = "mapreduce";
    const DESCRIPTION: &'static str =
        "a coordinator runs map and reduce tasks on workers that crash and straggle";
    type Node = MapReduceNode;

    fn variants() -> &'static [VariantInfo] {
        &[
            VariantInfo {
                name: "backups",
                description: "near the end of each phase, start backup copies of the tasks \
                              still running; the first copy to finish wins",
                broken: false,
            },
            VariantInfo {
                name: "no-backups",
                description: "every task runs once (unless its worker dies): the job waits for \
                              its slowest task",
                broken: false,
            },
        ]
    }

    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<MapReduceNode>, ScenarioError> {
        let shared = Arc::new(Shared::from_scenario(scenario, variant)?);
        Ok((0..scenario.processes.len())
            .map(|me| MapReduceNode {
                shared: shared.clone(),
                me,
                role: match me {
                    CLIENT => Role::Client(Client::new()),
                    COORDINATOR => Role::Coordinator(Coordinator::new(&shared)),
                    _ => Role::Worker(Worker::new()),
                },
            })
            .collect())
    }

    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError> {
        let params: MapReduceParams = scenario.params()?;
        Shared::from_scenario(scenario, variant)?;
        let expected: Arc<[Pair]> = Arc::from(sequential(&params.job(), &params.input));
        let completion = Property::new(
            "completes",
            PropertyKind::Liveness,
            "the job finishes and the client gets its output",
            completes,
        );
        Ok(vec![
            Property::new(
                "correct-output",
                PropertyKind::Safety,
                "the lines the client emits are exactly those of the same job computed on one \
                 machine, in key order",
                move |trace| correct_output(trace, &expected),
            ),
            Property::new(
                "output-once",
                PropertyKind::Safety,
                "no key is emitted twice, however many times its tasks ran",
                output_once,
            ),
            if completion_assumed(scenario, params.timeout) {
                completion
            } else {
                completion.not_promised()
            },
        ])
    }

    fn examples() -> Vec<Scenario> {
        let scenario = |name: &str,
                        title: &str,
                        description: &str,
                        variant: &str,
                        workers: usize,
                        params: MapReduceParams| Scenario {
            name: name.into(),
            title: title.into(),
            description: description.into(),
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
            seed: 1,
            interventions: Vec::new(),
            limits: Limits {
                max_steps: 5_000,
                max_time: None,
            },
        };

        let word_count = scenario(
            "mapreduce-word-count",
            "Counting words with MapReduce",
            "The client submits a word count over four lines of text. The coordinator cuts the \
             input into four splits and hands one map task to each free worker; every map task \
             writes its (word, 1) pairs to its own disk, in two regions chosen by a hash of the \
             word. Once every map task is completed, two reduce tasks fetch their region from \
             every map worker, sort, add up the counts and write their output files.",
            "no-backups",
            3,
            MapReduceParams::default(),
        );

        let mut worker_crash = scenario(
            "mapreduce-worker-crash",
            "A worker crashes and its finished work is lost",
            "W1 crashes just after the reduce tasks begin, with two completed map tasks on its \
             local disk. Their output is gone with it, so a reduce task that asks W1 for a \
             region never hears back. Once the coordinator notices (W1 stops answering pings), \
             it puts W1's completed map tasks back to idle, runs them again on the other \
             workers, and tells the waiting reduce task where to fetch them now. The counts come \
             out right all the same.",
            "no-backups",
            3,
            MapReduceParams::default(),
        );
        worker_crash.faults.push(crash(WORKER_CRASH_AT, "W1"));

        let straggler = scenario(
            "mapreduce-straggler",
            "A straggler, and backup tasks",
            "W3 is ten times slower than the others (a failing disk, say). Near the end of the map phase, the only \
             task still running is W3's, so the coordinator starts a backup copy on a free \
             worker, and whichever copy finishes first wins. Switch to no-backups to see the \
             whole job wait for the straggler.",
            "backups",
            3,
            MapReduceParams {
                slow: vec![ProcessRef::Name("W3".into())],
                slowdown: 10,
                ..MapReduceParams::default()
            },
        );

        let mut coordinator_crash = scenario(
            "mapreduce-coordinator-crash",
            "The coordinator crashes",
            "The coordinator crashes in the middle of the map phase. It alone knew which tasks \
             were done and where their output was, so the job cannot go on: the client's polls \
             go unanswered, and after a timeout it reports the job aborted. (The real system \
             lets the client run the job again.)",
            "no-backups",
            3,
            MapReduceParams::default(),
        );
        coordinator_crash
            .faults
            .push(crash(COORDINATOR_CRASH_AT, "Coordinator"));

        let grep = scenario(
            "mapreduce-grep",
            "Distributed grep",
            "Each map task emits the lines of its split that contain \"worker\", keyed by line \
             number; the reduce function passes them through. The input is cut on line \
             boundaries, so that no line is split between two map tasks.",
            "no-backups",
            3,
            MapReduceParams {
                job: JobKind::Grep,
                pattern: "worker".into(),
                splits: 2,
                ..MapReduceParams::default()
            },
        );

        let inverted = scenario(
            "mapreduce-inverted-index",
            "An inverted index",
            "Each line is a document, named by its number. Map emits (word, line) for every \
             word, a combiner drops the repeats within a split, and each reduce task lists, for \
             its words, the lines they occur on: the index a search engine looks words up in.",
            "no-backups",
            3,
            MapReduceParams {
                job: JobKind::InvertedIndex,
                combiner: true,
                ..MapReduceParams::default()
            },
        );
        vec![
            word_count,
            worker_crash,
            straggler,
            coordinator_crash,
            grep,
            inverted,
        ]
    }
}

/// When the worker-crash example crashes W2: after its map task completed, as the reduces begin.
const WORKER_CRASH_AT: Time = 190;
/// When the coordinator-crash example crashes the coordinator: in the middle of the map phase.
const COORDINATOR_CRASH_AT: Time = 60;
