//! MapReduce: the output equals the job computed on one machine over thousands of random runs
//! (random inputs, splits, reducers, workers, combiner, stragglers, worker crashes with and
//! without recovery, duplicating networks, both variants); a crashed worker's completed map
//! tasks run again elsewhere; backups beat a straggler; a coordinator crash aborts the job;
//! runs are deterministic; bad parameters are named; the partition of a word is fixed.
//!
//! The network in the sweeps never loses a message: the protocol resends nothing but pings (a
//! lost task message is made up for only when its worker is taken for dead), so `completes` is
//! promised only on a lossless network. Lost and delayed messages get their own sweep, which
//! checks that they never make the output wrong.

use std::collections::BTreeSet;

use proptest::prelude::*;
use spacetime_core::lessons::mapreduce::mapreduce::{
    fnv1a, partition, sequential, Job, JobKind, MapReduceParams, DEFAULT_INPUT,
};
use spacetime_core::protocols::{self};
use spacetime_core::{
    Action, Fault, Intervention, Latency, Limits, NetworkModel, ProcessRef, PropertyKind,
    PropertyReport, Run, Scenario, ScenarioError, Trace,
};

fn names(workers: usize) -> Vec<String> {
    ["Client", "Coordinator"]
        .into_iter()
        .map(String::from)
        .chain((1..=workers).map(|i| format!("W{i}")))
        .collect()
}

fn scenario(variant: &str, workers: usize, params: &MapReduceParams) -> Scenario {
    Scenario {
        name: "mapreduce-test".into(),
        title: String::new(),
        description: String::new(),
        protocol: "mapreduce".into(),
        variant: variant.into(),
        params: serde_json::to_value(params).unwrap(),
        processes: names(workers),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 50_000,
            max_time: None,
        },
    }
}

fn example(name: &str) -> Scenario {
    protocols::example(name).unwrap_or_else(|| panic!("no example {name}"))
}

fn with_variant(mut s: Scenario, variant: &str) -> Scenario {
    s.variant = variant.into();
    s
}

/// Run to the end and report every property.
fn check(s: &Scenario) -> (Trace, Vec<PropertyReport>) {
    let mut run = Run::new(s).unwrap();
    let trace = run.run().clone();
    assert!(run.is_finished(), "{} did not finish", s.name);
    let reports = run.check(&trace);
    (trace, reports)
}

fn report_of<'a>(reports: &'a [PropertyReport], name: &str) -> &'a PropertyReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no property {name}"))
}

fn outputs<'a>(trace: &'a Trace, kind: &str) -> Vec<&'a str> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == kind)
        .map(|o| o.value.as_str())
        .collect()
}

/// The `task` outputs with their times.
fn tasks(trace: &Trace) -> Vec<(u64, &str)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "task")
        .map(|o| (trace.events[o.event].time, o.value.as_str()))
        .collect()
}

/// The lines the job should emit, as `key value`.
fn expected(params: &MapReduceParams) -> Vec<String> {
    sequential(&params.job(), &params.input)
        .into_iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect()
}

/// When the client learned the job completed.
fn completion_time(trace: &Trace) -> Option<u64> {
    outputs(trace, "job")
        .iter()
        .find_map(|v| v.strip_prefix("completed at "))
        .map(|t| t.parse().unwrap())
}

/// Every `task` output follows the documented grammar and names a real task and worker.
fn check_task_grammar(trace: &Trace, maps: usize, reducers: usize) -> Result<(), String> {
    let workers: BTreeSet<&str> = trace.processes[2..].iter().map(String::as_str).collect();
    let task = |kind: &str, n: &str| -> bool {
        let Ok(n) = n.parse::<usize>() else {
            return false;
        };
        match kind {
            "map" => n < maps,
            "reduce" => n < reducers,
            _ => false,
        }
    };
    for o in trace.outputs.iter().filter(|o| o.kind == "task") {
        if o.process != 1 {
            return Err(format!(
                "{} output {:?}",
                trace.processes[o.process], o.value
            ));
        }
        let words: Vec<&str> = o.value.split(' ').collect();
        let ok = match words.as_slice() {
            ["backup", kind, n, w] => task(kind, n) && workers.contains(w),
            [kind, n, "idle"] => task(kind, n),
            [kind, n, state, w] => {
                task(kind, n)
                    && ["in-progress", "completed", "discarded", "lost"].contains(state)
                    && workers.contains(w)
            }
            _ => false,
        };
        if !ok {
            return Err(format!("task output {:?} does not parse", o.value));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Random runs

/// Words with capitals and punctuation, so that normalising them matters.
const VOCABULARY: [&str; 9] = [
    "apple", "Banana,", "cherry", "date.", "elder", "fig", "grape", "Apple", "--",
];
const PATTERNS: [&str; 6] = ["an", "apple", "e", "fig", "zz", "Apple"];

/// The knobs of a random run.
#[derive(Clone, Debug)]
struct Setup {
    job: JobKind,
    pattern: &'static str,
    /// The input: lines of words from the vocabulary (a line may be empty).
    lines: Vec<Vec<usize>>,
    /// Picks M among what the input allows.
    splits: usize,
    reducers: usize,
    workers: usize,
    combiner: bool,
    backups: bool,
    /// Stragglers (worker numbers, reduced mod the worker count) and how slow they are.
    slow: Vec<usize>,
    slowdown: u64,
    work_per_word: u64,
    backup_threshold: f64,
    /// The worker that never crashes (mod the worker count).
    survivor: usize,
    /// Crashes: which worker, when, and after how long it recovers (if it does).
    crashes: Vec<(usize, u64, Option<u64>)>,
    latency: (u64, u64),
    duplicate: f64,
    seed: u64,
}

impl Setup {
    fn params(&self) -> MapReduceParams {
        let mut input: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let words: Vec<&str> = l.iter().map(|&w| VOCABULARY[w]).collect();
                words.join(" ")
            })
            .collect();
        // At least one word that counts.
        input.push("fig".into());
        let input = input.join("\n");
        let mut params = MapReduceParams {
            job: self.job,
            pattern: if self.job == JobKind::Grep {
                self.pattern.into()
            } else {
                String::new()
            },
            input,
            combiner: self.combiner,
            reducers: self.reducers,
            slowdown: self.slowdown,
            work_per_word: self.work_per_word,
            backup_threshold: self.backup_threshold,
            ..MapReduceParams::default()
        };
        let records = spacetime_core::lessons::mapreduce::mapreduce::record_count(
            &params.job(),
            &params.input,
        );
        params.splits = 1 + self.splits % records.min(6);
        params.slow = self
            .slow
            .iter()
            .map(|w| ProcessRef::Index(2 + w % self.workers))
            .collect();
        params
    }

    fn scenario(&self) -> Scenario {
        let variant = if self.backups {
            "backups"
        } else {
            "no-backups"
        };
        let mut s = scenario(variant, self.workers, &self.params());
        s.seed = self.seed;
        s.network.latency = Latency {
            min: self.latency.0,
            max: self.latency.0 + self.latency.1,
        };
        s.network.duplicate = self.duplicate;
        let survivor = self.survivor % self.workers;
        for &(w, at, recover) in &self.crashes {
            let w = w % self.workers;
            if w == survivor {
                continue;
            }
            let process = ProcessRef::Index(2 + w);
            s.faults.push(Fault {
                at,
                action: Action::Crash {
                    process: process.clone(),
                },
            });
            if let Some(after) = recover {
                s.faults.push(Fault {
                    at: at + after,
                    action: Action::Recover { process },
                });
            }
        }
        s
    }
}

fn setup(job: JobKind) -> impl Strategy<Value = Setup> {
    (
        (
            0..PATTERNS.len(),
            prop::collection::vec(prop::collection::vec(0..VOCABULARY.len(), 0..=8), 0..=5),
            0usize..6,
            1usize..=4,
            1usize..=5,
            any::<bool>(),
            any::<bool>(),
        ),
        (
            prop::collection::vec(0usize..5, 0..=2),
            1u64..=6,
            1u64..=4,
            prop_oneof![Just(0.25), Just(0.5), Just(1.0), Just(2.0), Just(0.0)],
        ),
        (
            0usize..5,
            prop::collection::vec((0usize..5, 0u64..300, prop::option::of(1u64..200)), 0..=4),
            (1u64..=15, 0u64..=15),
            prop_oneof![3 => Just(0.0), 1 => 0.0..0.3f64],
            any::<u64>(),
        ),
    )
        .prop_map(
            move |(
                (pattern, lines, splits, reducers, workers, combiner, backups),
                (slow, slowdown, work_per_word, backup_threshold),
                (survivor, crashes, latency, duplicate, seed),
            )| Setup {
                job,
                pattern: PATTERNS[pattern],
                lines,
                splits,
                reducers,
                workers,
                combiner,
                backups,
                slow,
                slowdown,
                work_per_word,
                backup_threshold,
                survivor,
                crashes,
                latency,
                duplicate,
                seed,
            },
        )
}

/// A random run finishes, keeps every promise (it completes: one worker never crashes), and
/// emits exactly the job's answer computed on one machine.
fn sweep(setup: &Setup) -> Result<(), TestCaseError> {
    let s = setup.scenario();
    let params = setup.params();
    let mut run = Run::new(&s).unwrap();
    let trace = run.run().clone();
    prop_assert!(run.is_finished());
    prop_assert!(
        (trace.steps.len() as u64) < s.limits.max_steps,
        "ran out of steps"
    );
    prop_assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let reports = run.check(&trace);
    prop_assert_eq!(reports.len(), 3);
    for r in &reports {
        prop_assert!(r.promised, "{} not promised", r.name);
        prop_assert!(r.verdict.holds(), "{}: {:?}", r.name, r.verdict);
    }
    prop_assert!(
        completion_time(&trace).is_some(),
        "{:?}",
        outputs(&trace, "job")
    );
    prop_assert_eq!(outputs(&trace, "emit"), expected(&params));
    check_task_grammar(&trace, params.splits, params.reducers).map_err(TestCaseError::fail)?;
    // Safety holds on a prefix too.
    let half = trace.prefix(trace.step_count() / 2);
    for r in run.check(&half) {
        if r.kind == PropertyKind::Safety {
            prop_assert!(r.verdict.holds(), "{} on a prefix: {:?}", r.name, r.verdict);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn word_count_is_always_right(setup in setup(JobKind::WordCount)) {
        sweep(&setup)?;
    }

    #[test]
    fn grep_is_always_right(setup in setup(JobKind::Grep)) {
        sweep(&setup)?;
    }

    #[test]
    fn inverted_index_is_always_right(setup in setup(JobKind::InvertedIndex)) {
        sweep(&setup)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Whatever the learner does to messages and processes (drops, delays, duplicates, crashes
    /// and recoveries of anyone), nothing panics and the output is never wrong: if the job
    /// completes, its lines are the right ones. When the interventions leave the assumptions
    /// of `completes` standing, the job completes.
    #[test]
    fn interventions_never_make_the_output_wrong(
        setup in setup(JobKind::WordCount),
        hands in prop::collection::vec((0u64..300, 0usize..400, 0u8..6, 0u64..200), 0..=6),
    ) {
        let mut s = setup.scenario();
        for (step, target, what, by) in hands {
            let process = ProcessRef::Index(target % s.processes.len());
            let action = match what {
                0 => Action::Drop { message: target },
                1 => Action::Delay { message: target, by },
                2 => Action::Duplicate { message: target },
                3 => Action::Crash { process },
                4 => Action::Recover { process },
                _ => Action::Drop { message: target / 4 },
            };
            s.interventions.push(Intervention { step, action });
        }
        s.interventions.sort_by_key(|i| i.step);
        let params = setup.params();
        let mut run = Run::new(&s).unwrap();
        let trace = run.run().clone();
        prop_assert!(run.is_finished());
        // Safety always; `completes` too whenever the interventions leave its assumptions
        // standing (duplicates, and crashes that spare the client, the coordinator and a worker).
        for r in run.check(&trace) {
            prop_assert!(!r.is_broken_promise(), "{}: {:?}", r.name, r.verdict);
            if r.kind == PropertyKind::Safety {
                prop_assert!(r.verdict.holds(), "{}: {:?}", r.name, r.verdict);
            }
        }
        if completion_time(&trace).is_some() {
            prop_assert_eq!(outputs(&trace, "emit"), expected(&params));
        }
        check_task_grammar(&trace, params.splits, params.reducers).map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The prepared scenarios

const EXAMPLES: [&str; 6] = [
    "mapreduce-word-count",
    "mapreduce-worker-crash",
    "mapreduce-straggler",
    "mapreduce-coordinator-crash",
    "mapreduce-grep",
    "mapreduce-inverted-index",
];

#[test]
fn the_examples_are_there_and_right() {
    let mine: Vec<String> = protocols::examples()
        .into_iter()
        .filter(|s| s.protocol == "mapreduce")
        .map(|s| s.name)
        .collect();
    assert_eq!(mine, EXAMPLES);
    for name in EXAMPLES {
        let s = example(name);
        assert!(!s.title.is_empty() && !s.description.is_empty(), "{name}");
        for variant in ["backups", "no-backups"] {
            let s = with_variant(s.clone(), variant);
            let (trace, reports) = check(&s);
            for r in &reports {
                assert!(
                    !r.is_broken_promise(),
                    "{name} {variant}: {} {:?}",
                    r.name,
                    r.verdict
                );
            }
            assert!(trace.warnings.is_empty(), "{name}: {:?}", trace.warnings);
            let params: MapReduceParams = s.params().unwrap();
            check_task_grammar(&trace, params.splits, params.reducers).unwrap();
            if name == "mapreduce-coordinator-crash" {
                continue;
            }
            assert!(completion_time(&trace).is_some(), "{name} {variant}");
            assert_eq!(
                outputs(&trace, "emit"),
                expected(&params),
                "{name} {variant}"
            );
        }
    }
}

#[test]
fn a_crashed_worker_s_completed_maps_run_again_elsewhere() {
    let s = example("mapreduce-worker-crash");
    let (trace, reports) = check(&s);
    let Fault {
        at: crash_at,
        action: Action::Crash {
            process: ProcessRef::Name(crashed),
        },
    } = &s.faults[0]
    else {
        panic!("the example should crash a worker by name");
    };
    let tasks = tasks(&trace);
    // The map tasks the worker had completed before it crashed.
    let lost: Vec<&str> = tasks
        .iter()
        .filter(|(t, v)| *t < *crash_at && v.ends_with(&format!(" completed {crashed}")))
        .filter_map(|(_, v)| v.strip_suffix(&format!(" completed {crashed}")))
        .filter(|t| t.starts_with("map "))
        .collect();
    assert!(lost.len() >= 2, "{crashed} had completed only {lost:?}");
    // Each goes back to idle, then completes again on another worker.
    for m in &lost {
        let idle = tasks
            .iter()
            .position(|(t, v)| *t > *crash_at && *v == format!("{m} idle"))
            .unwrap_or_else(|| panic!("{m} never went back to idle"));
        let again = tasks[idle..]
            .iter()
            .find_map(|(_, v)| v.strip_prefix(&format!("{m} completed ")))
            .unwrap_or_else(|| panic!("{m} never completed again"));
        assert_ne!(again, crashed.as_str(), "{m} completed on the dead worker");
    }
    // A reducer that asked the dead worker for a region learns the new place and asks there.
    let location = trace
        .messages
        .iter()
        .find(|m| m.label.starts_with("Location") && m.receive_event.is_some())
        .expect("the coordinator tells a reducer where a re-run map's output is");
    let told = location.receive_event.unwrap();
    let asks_again = trace.messages.iter().any(|m| {
        m.label.starts_with("Fetch ")
            && m.from == location.to
            && m.send_event >= told
            && m.fate == spacetime_core::Fate::Delivered
    });
    assert!(
        asks_again,
        "the reducer never fetched from the new location"
    );
    let lost_fetch = trace.messages.iter().any(|m| {
        m.label.starts_with("Fetch ")
            && m.from == location.to
            && trace.processes[m.to] == *crashed
            && m.fate == spacetime_core::Fate::LostToCrash
    });
    assert!(
        lost_fetch,
        "no reducer was left waiting for the dead worker"
    );
    // And the counts are right.
    let params: MapReduceParams = s.params().unwrap();
    assert_eq!(outputs(&trace, "emit"), expected(&params));
    assert!(report_of(&reports, "completes").promised);
    assert!(report_of(&reports, "completes").verdict.holds());
}

#[test]
fn backups_cut_the_straggler_s_delay() {
    let s = example("mapreduce-straggler");
    let (with, _) = check(&with_variant(s.clone(), "backups"));
    let (without, _) = check(&with_variant(s.clone(), "no-backups"));
    let (a, b) = (
        completion_time(&with).unwrap(),
        completion_time(&without).unwrap(),
    );
    assert!(a < b, "with backups {a}, without {b}");
    assert!(tasks(&with)
        .iter()
        .any(|(_, v)| v.starts_with("backup map")));
    assert!(!tasks(&without).iter().any(|(_, v)| v.starts_with("backup")));
    // The straggler's copy of its map task loses the race to the backup.
    let with_tasks = tasks(&with);
    assert!(with_tasks.iter().any(|(_, v)| *v == "map 2 in-progress W3"));
    assert!(with_tasks
        .iter()
        .any(|(_, v)| v.starts_with("backup map 2 ")));
    assert!(!with_tasks.iter().any(|(_, v)| *v == "map 2 completed W3"));
    assert!(tasks(&without)
        .iter()
        .any(|(_, v)| *v == "map 2 completed W3"));
    // Not a lucky seed: backups win on every one of these.
    for seed in 0..12 {
        let mut s = s.clone();
        s.seed = seed;
        let (with, _) = check(&with_variant(s.clone(), "backups"));
        let (without, _) = check(&with_variant(s, "no-backups"));
        let (a, b) = (
            completion_time(&with).unwrap(),
            completion_time(&without).unwrap(),
        );
        assert!(a < b, "seed {seed}: with backups {a}, without {b}");
    }
}

#[test]
fn a_coordinator_crash_aborts_the_job() {
    let s = example("mapreduce-coordinator-crash");
    let (trace, reports) = check(&s);
    let jobs = outputs(&trace, "job");
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(jobs[0].starts_with("aborted: "), "{jobs:?}");
    let job = trace.outputs.iter().find(|o| o.kind == "job").unwrap();
    assert_eq!(trace.processes[job.process], "Client");
    assert!(outputs(&trace, "emit").is_empty());
    let completes = report_of(&reports, "completes");
    assert!(!completes.promised);
    assert!(!completes.verdict.holds());
    assert!(report_of(&reports, "correct-output").verdict.holds());

    // A coordinator that comes back knows nothing of the job, and says so.
    let mut s = s.clone();
    let crash_at = s.faults[0].at;
    s.faults.push(Fault {
        at: crash_at + 5,
        action: Action::Recover {
            process: ProcessRef::Name("Coordinator".into()),
        },
    });
    let (trace, reports) = check(&s);
    let jobs = outputs(&trace, "job");
    assert_eq!(jobs, ["aborted: Coordinator restarted and lost the job"]);
    assert!(!report_of(&reports, "completes").promised);
}

#[test]
fn completes_is_promised_only_under_its_assumptions() {
    let base = scenario("backups", 3, &MapReduceParams::default());
    let promised = |s: &Scenario| {
        let run = Run::new(s).unwrap();
        run.properties()
            .iter()
            .find(|p| p.name == "completes")
            .unwrap()
            .promised
    };
    assert!(promised(&base));
    let crash = |p: usize| Fault {
        at: 50,
        action: Action::Crash {
            process: ProcessRef::Index(p),
        },
    };
    let mut one_worker = base.clone();
    one_worker.faults.push(crash(2));
    one_worker.faults.push(crash(3));
    assert!(promised(&one_worker), "one worker still never crashes");
    let mut all_workers = one_worker.clone();
    all_workers.faults.push(crash(4));
    assert!(!promised(&all_workers));
    for p in [0, 1] {
        let mut s = base.clone();
        s.faults.push(crash(p));
        assert!(!promised(&s), "crash of process {p}");
    }
    let mut lossy = base.clone();
    lossy.network.loss = 0.1;
    assert!(!promised(&lossy));
    let mut slow = base.clone();
    slow.network.latency = Latency { min: 10, max: 60 };
    assert!(!promised(&slow), "a timeout shorter than a round trip");
    let mut dropped = base.clone();
    dropped.interventions.push(Intervention {
        step: 3,
        action: Action::Drop { message: 1 },
    });
    assert!(!promised(&dropped));
}

#[test]
fn a_worker_taken_for_dead_is_welcomed_back() {
    // Hold W1's first pong back past the timeout: the coordinator counts W1 as dead, then hears
    // from it and counts on it again. The job still completes with the right answer.
    let s = example("mapreduce-word-count");
    let trace = Run::complete(&s).unwrap().trace().clone();
    let pong = trace
        .messages
        .iter()
        .find(|m| m.label == "Pong" && trace.processes[m.from] == "W1")
        .unwrap();
    let mut held = s.clone();
    held.interventions.push(Intervention {
        step: trace.events[pong.send_event].step + 1,
        action: Action::Delay {
            message: pong.id,
            by: 150,
        },
    });
    let (trace, reports) = check(&held);
    let said: Vec<String> = (0..trace.steps.len()).map(|i| trace.narration(i)).collect();
    assert!(said
        .iter()
        .any(|s| s.contains("W1 has not answered its ping")));
    assert!(said.iter().any(|s| s.contains("W1 answers after all")));
    let tasks = tasks(&trace);
    assert!(tasks.iter().any(|(_, v)| *v == "map 0 idle"), "{tasks:?}");
    // W1 goes on with the reduce task it had been given, and the coordinator counts it again.
    let lost = tasks
        .iter()
        .position(|(_, v)| *v == "reduce 0 lost W1")
        .unwrap();
    assert!(tasks[lost..]
        .iter()
        .any(|(_, v)| *v == "reduce 0 in-progress W1"));
    let params: MapReduceParams = s.params().unwrap();
    assert_eq!(outputs(&trace, "emit"), expected(&params));
    assert!(report_of(&reports, "correct-output").verdict.holds());
    assert!(completion_time(&trace).is_some());
}

#[test]
fn a_worker_that_restarts_loses_its_disk() {
    // W2 crashes and comes back before the coordinator notices: its next pong carries a new
    // incarnation, and what it held is run again.
    let mut s = scenario("no-backups", 3, &MapReduceParams::default());
    for (at, action) in [
        (
            120,
            Action::Crash {
                process: ProcessRef::Name("W2".into()),
            },
        ),
        (
            125,
            Action::Recover {
                process: ProcessRef::Name("W2".into()),
            },
        ),
    ] {
        s.faults.push(Fault { at, action });
    }
    let (trace, reports) = check(&s);
    assert!(report_of(&reports, "completes").promised);
    for r in &reports {
        assert!(r.verdict.holds(), "{}: {:?}", r.name, r.verdict);
    }
    let tasks = tasks(&trace);
    let (before, after): (Vec<_>, Vec<_>) = tasks.iter().partition(|(t, _)| *t < 120);
    let had: Vec<&str> = before
        .iter()
        .filter_map(|(_, v)| v.strip_suffix(" completed W2"))
        .collect();
    assert!(!had.is_empty(), "{tasks:?}");
    for t in had {
        assert!(
            after.iter().any(|(_, v)| *v == format!("{t} idle")),
            "{tasks:?}"
        );
    }
}

#[test]
fn a_report_from_before_a_restart_is_ignored() {
    // W2 reports a finished map task, crashes at once and comes back; its report is held up
    // until after its first pong from the new incarnation. By then the output it announces is
    // gone, and the coordinator must not count it.
    let s = example("mapreduce-word-count");
    let trace = Run::complete(&s).unwrap().trace().clone();
    let report = trace
        .messages
        .iter()
        .find(|m| m.label.starts_with("MapDone") && trace.processes[m.from] == "W2")
        .unwrap();
    let step = trace.events[report.send_event].step;
    let mut late = s.clone();
    let w2 = || ProcessRef::Name("W2".into());
    for (step, action) in [
        (
            step + 1,
            Action::Delay {
                message: report.id,
                by: 150,
            },
        ),
        (step + 1, Action::Crash { process: w2() }),
        (step + 3, Action::Recover { process: w2() }),
    ] {
        late.interventions.push(Intervention { step, action });
    }
    let (trace, reports) = check(&late);
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    let said: Vec<String> = (0..trace.steps.len()).map(|i| trace.narration(i)).collect();
    let restarted = said
        .iter()
        .position(|s| s.contains("W2 has restarted since"))
        .expect("the coordinator learns of the restart");
    let stale = said
        .iter()
        .position(|s| s.contains("comes from before W2 restarted"))
        .expect("the old report is recognised");
    assert!(restarted < stale);
    // Its arrival changes no task.
    let arrived = trace.messages[report.id].receive_event.expect("it arrives");
    assert!(trace
        .outputs
        .iter()
        .all(|o| !(o.event == arrived && o.kind == "task")));
    let params: MapReduceParams = s.params().unwrap();
    assert_eq!(outputs(&trace, "emit"), expected(&params));
    assert!(report_of(&reports, "correct-output").verdict.holds());
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn summaries_have_the_documented_form() {
    let s = example("mapreduce-worker-crash");
    let mut run = Run::new(&s).unwrap();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    loop {
        for (p, summary) in run.summaries().into_iter().enumerate() {
            let parts: Vec<&str> = summary.split(" · ").collect();
            for part in &parts {
                let (name, value) = part.split_once(": ").unwrap_or_else(|| panic!("{summary}"));
                assert!(!name.is_empty() && !value.is_empty(), "{summary}");
            }
            let role = match p {
                0 => "role: client",
                1 => "role: coordinator",
                _ => "role: worker",
            };
            assert_eq!(parts[0], role, "{summary}");
            match p {
                0 => assert!(parts[1].starts_with("job: "), "{summary}"),
                1 => {
                    assert!(parts[1].starts_with("maps: ") && parts[1].ends_with("/4 done"));
                    assert!(parts[2].starts_with("reduces: ") && parts[2].ends_with("/2 done"));
                }
                _ => {
                    assert!(parts[1].starts_with("doing: "), "{summary}");
                    assert!(parts.iter().any(|p| p.starts_with("disk: ")), "{summary}");
                }
            }
            seen.insert(summary);
        }
        if !run.step() {
            break;
        }
    }
    for want in [
        "role: client · job: waiting",
        "role: coordinator · maps: 3/4 done · reduces: 0/2 done · running: map 3 (W1)",
        "role: worker · doing: map 2 · disk: empty",
        "role: worker · doing: nothing · disk: map 2 (2 regions)",
        "role: client · job: completed (31 lines)",
    ] {
        assert!(seen.contains(want), "never saw {want:?}");
    }
    assert!(seen
        .iter()
        .any(|s| s.starts_with("role: coordinator") && s.contains("down: W1")));
    assert!(seen
        .iter()
        .any(|s| s.contains("doing: reduce 1 · fetched: ")));
}

#[test]
fn message_labels_are_the_documented_ones() {
    let mut labels: BTreeSet<String> = BTreeSet::new();
    for name in EXAMPLES {
        for m in &Run::complete(&example(name)).unwrap().trace().messages {
            let first = m.label.split([' ', ':', '?']).next().unwrap().to_string();
            labels.insert(first);
        }
    }
    let documented: BTreeSet<String> = [
        "Submit",
        "Status",
        "No",
        "Result",
        "Ping",
        "Pong",
        "Map",
        "Reduce",
        "MapDone",
        "Fetch",
        "Region",
        "Missing",
        "Location",
        "ReduceDone",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert!(labels.is_subset(&documented), "{labels:?}");
    let trace = Run::complete(&example("mapreduce-word-count"))
        .unwrap()
        .trace()
        .clone();
    let all: Vec<&str> = trace.messages.iter().map(|m| m.label.as_str()).collect();
    for want in [
        "Submit",
        "Status?",
        "Map 0",
        "Reduce 1",
        "Fetch 1 0",
        "ReduceDone 0",
    ] {
        assert!(all.contains(&want), "no {want} in {all:?}");
    }
    assert!(all.iter().any(|l| l.starts_with("MapDone 0 (")));
    assert!(all
        .iter()
        .any(|l| l.starts_with("Region 1 0 (") && l.ends_with(" pairs)")));
    assert!(all.iter().any(|l| l.starts_with("Status: maps ")));
    assert!(all.contains(&"Result (31 lines)"));
}

#[test]
fn the_emitted_lines_are_in_key_order() {
    let grep = example("mapreduce-grep");
    let trace = Run::complete(&grep).unwrap().trace().clone();
    let lines = outputs(&trace, "emit");
    assert_eq!(
        lines,
        [
            "2 The reduce task fetches its region from every map worker.",
            "3 If a worker crashes, the coordinator runs its tasks again.",
            "4 A slow worker holds up the job, so the coordinator starts a backup task.",
        ]
    );
    let index = Run::complete(&example("mapreduce-inverted-index"))
        .unwrap()
        .trace()
        .clone();
    let lines = outputs(&index, "emit");
    assert!(lines.contains(&"coordinator 3,4"), "{lines:?}");
    assert!(lines.contains(&"task 1,2,4"), "{lines:?}");
    let count = Run::complete(&example("mapreduce-word-count"))
        .unwrap()
        .trace()
        .clone();
    let lines = outputs(&count, "emit");
    assert_eq!(lines[0], "a 4");
    assert!(lines.contains(&"the 5"), "{lines:?}");
    assert!(lines.contains(&"task 3"), "{lines:?}");
}

// ---------------------------------------------------------------------------------------------
// Determinism, parameters, the hash

#[test]
fn runs_are_deterministic() {
    let mut scenarios: Vec<Scenario> = EXAMPLES.iter().map(|n| example(n)).collect();
    let mut busy = scenario("backups", 5, &MapReduceParams::default());
    busy.network.duplicate = 0.2;
    busy.faults.push(Fault {
        at: 100,
        action: Action::Crash {
            process: ProcessRef::Name("W2".into()),
        },
    });
    busy.faults.push(Fault {
        at: 180,
        action: Action::Recover {
            process: ProcessRef::Name("W2".into()),
        },
    });
    scenarios.push(busy);
    for s in scenarios {
        let first = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
        let second = serde_json::to_string(Run::complete(&s).unwrap().trace()).unwrap();
        assert_eq!(first, second, "{} is not deterministic", s.name);
        let reparsed = Scenario::from_json(&s.to_json()).unwrap();
        let third = serde_json::to_string(Run::complete(&reparsed).unwrap().trace()).unwrap();
        assert_eq!(first, third, "{} through JSON", s.name);
    }
}

fn invalid(s: &Scenario) -> String {
    match Run::new(s) {
        Err(ScenarioError::Invalid { field, .. }) => field,
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("accepted: {:?}", s.params),
    }
}

#[test]
fn bad_parameters_are_named() {
    let ok = MapReduceParams::default();
    let with = |f: &dyn Fn(&mut MapReduceParams)| {
        let mut p = ok.clone();
        f(&mut p);
        scenario("backups", 3, &p)
    };
    let cases: Vec<(Scenario, &str)> = vec![
        (with(&|p| p.input = String::new()), "params.input"),
        (with(&|p| p.input = " -- \n ... ".into()), "params.input"),
        (with(&|p| p.input = "word ".repeat(5_000)), "params.input"),
        (with(&|p| p.splits = 0), "params.splits"),
        (with(&|p| p.splits = 65), "params.splits"),
        (with(&|p| p.input = "one two three".into()), "params.splits"),
        (
            with(&|p| {
                p.job = JobKind::Grep;
                p.pattern = "task".into();
                p.splits = 5;
            }),
            "params.splits",
        ),
        (with(&|p| p.reducers = 0), "params.reducers"),
        (with(&|p| p.reducers = 1_000), "params.reducers"),
        (with(&|p| p.job = JobKind::Grep), "params.pattern"),
        (
            with(&|p| {
                p.job = JobKind::Grep;
                p.pattern = "a\nb".into();
            }),
            "params.pattern",
        ),
        (
            with(&|p| p.slow = vec![ProcessRef::Name("W9".into())]),
            "params.slow[0]",
        ),
        (
            with(&|p| p.slow = vec![ProcessRef::Name("W1".into()), ProcessRef::Index(1)]),
            "params.slow[1]",
        ),
        (
            with(&|p| p.slow = vec![ProcessRef::Index(0)]),
            "params.slow[0]",
        ),
        (with(&|p| p.slowdown = 0), "params.slowdown"),
        (with(&|p| p.slowdown = 1_000_000), "params.slowdown"),
        (with(&|p| p.work_per_word = 1 << 40), "params.work_per_word"),
        (with(&|p| p.heartbeat = 0), "params.heartbeat"),
        (with(&|p| p.timeout = 0), "params.timeout"),
        (with(&|p| p.timeout = u64::MAX), "params.timeout"),
        (with(&|p| p.poll = 0), "params.poll"),
        (
            with(&|p| p.backup_threshold = -1.0),
            "params.backup_threshold",
        ),
        (
            with(&|p| p.backup_threshold = 2.5),
            "params.backup_threshold",
        ),
        (
            with(&|p| p.backup_threshold = 1e9),
            "params.backup_threshold",
        ),
    ];
    for (s, field) in &cases {
        assert_eq!(invalid(s), *field, "{:?}", s.params);
    }
    // The processes: a client, a coordinator, 1 to 8 workers with one-word names.
    let mut few = scenario("backups", 1, &ok);
    few.processes.pop();
    assert_eq!(invalid(&few), "processes");
    assert_eq!(invalid(&scenario("backups", 9, &ok)), "processes");
    let mut spaced = scenario("backups", 2, &ok);
    spaced.processes[3] = "worker two".into();
    assert_eq!(invalid(&spaced), "processes[3]");
    // Unknown fields and unknown jobs are refused by name too.
    let mut unknown = scenario("backups", 3, &ok);
    unknown.params["mappers"] = serde_json::json!(3);
    assert_eq!(invalid(&unknown), "params");
    let mut job = scenario("backups", 3, &ok);
    job.params["job"] = serde_json::json!("sort");
    assert_eq!(invalid(&job), "params");
    let mut variant = scenario("backups", 3, &ok);
    variant.variant = "speculative".into();
    assert_eq!(invalid(&variant), "variant");
    // Extreme but legal values run.
    let extreme = with(&|p| {
        p.splits = 40;
        p.reducers = 16;
        p.work_per_word = 0;
        p.heartbeat = 1_000_000;
        p.backup_threshold = 1_000.0;
    });
    let (trace, reports) = check(&extreme);
    assert!(completion_time(&trace).is_some());
    assert!(reports.iter().all(|r| r.verdict.holds()));
}

#[test]
fn the_partition_of_a_word_is_fixed() {
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(fnv1a(b"fox"), 0xdcb2_8218_fed9_eb8e);
    for (word, r2, r3, r4) in [
        ("fox", 0, 2, 2),
        ("the", 0, 0, 0),
        ("map", 1, 0, 1),
        ("reduce", 1, 0, 3),
        ("worker", 1, 2, 3),
        ("coordinator", 1, 2, 1),
    ] {
        assert_eq!(
            [partition(word, 2), partition(word, 3), partition(word, 4)],
            [r2, r3, r4],
            "{word}"
        );
    }
    assert_eq!(partition("anything", 1), 0);
    assert_eq!(partition("anything", 0), 0);
}

#[test]
fn sequential_computes_each_job() {
    let text = "The fox, the DOG.\n\nthe end";
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        sequential(&Job::WordCount, text),
        pairs(&[("dog", "1"), ("end", "1"), ("fox", "1"), ("the", "3")])
    );
    assert_eq!(
        sequential(&Job::Grep("the".into()), text),
        pairs(&[("1", "The fox, the DOG."), ("3", "the end")])
    );
    assert_eq!(
        sequential(&Job::InvertedIndex, text),
        pairs(&[("dog", "1"), ("end", "3"), ("fox", "1"), ("the", "1,3")])
    );
    // Line numbers sort as numbers.
    let long: String = (1..=12).map(|i| format!("x{i}\n")).collect();
    let keys: Vec<String> = sequential(&Job::Grep("x".into()), &long)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys[..3], ["1", "2", "3"]);
    assert_eq!(keys.last().unwrap(), "12");
    // The default input is the one the examples use.
    assert!(DEFAULT_INPUT.lines().count() == 4);
}
