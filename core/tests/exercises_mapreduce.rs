//! The MapReduce lesson's three exercise kinds, over every level and seeds 0..200: generation is
//! deterministic and makes clean runs whose job completes; every checker accepts the stored
//! solution, agrees with the runs (read here independently of the checker: the coordinator's
//! `task` outputs, the run with the worker crashed, the hash, the run without backups), and
//! rejects each wrong choice, and answers of the wrong form, with a message that explains it.

use std::collections::{BTreeMap, BTreeSet};

use spacetime_core::exercise::Level;
use spacetime_core::exercise::Question;
use spacetime_core::exercise::{kind, kinds, Answer, Exercise, ExerciseKind, Feedback, Labels};
use spacetime_core::lessons::mapreduce::mapreduce::{fnv1a, partition, MapReduceParams};
use spacetime_core::{Action, Intervention, ProcessRef, Run, Trace};

const SEEDS: u64 = 200;

fn the(id: &str) -> &'static dyn ExerciseKind {
    kind(id).unwrap_or_else(|| panic!("kind {id}"))
}

fn at(ex: &Exercise) -> String {
    format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
}

fn options(ex: &Exercise) -> &[String] {
    let Question::Choice { options } = &ex.question else {
        panic!("{}: not a choice", at(ex))
    };
    options
}

fn solution_index(ex: &Exercise) -> usize {
    let Answer::Choice(i) = *ex.solution() else {
        panic!("{}: the solution is not a choice", at(ex))
    };
    i
}

fn right_option(ex: &Exercise) -> &str {
    &options(ex)[solution_index(ex)]
}

/// When the client got the result.
fn completed_at(trace: &Trace) -> Option<u64> {
    trace
        .outputs
        .iter()
        .find(|o| o.kind == "job")
        .and_then(|o| o.value.strip_prefix("completed at "))
        .and_then(|t| t.parse().ok())
}

/// Every exercise of a kind at a level, each generated twice and checked the same way: clean,
/// deterministic, named for the lesson, the solution right, every other option wrong. With each
/// exercise, the feedback on each of its options.
fn every(id: &str, level: Level) -> Vec<(Exercise, Vec<Feedback>)> {
    let k = the(id);
    (0..SEEDS)
        .map(|seed| {
            let ex = k.generate(level, seed);
            let again = k.generate(level, seed);
            assert!(ex == again, "{}: not deterministic", at(&ex));
            assert!(ex.scenario.name.starts_with("mapreduce-"), "{}", at(&ex));
            assert_eq!(ex.scenario.protocol, "mapreduce");
            assert_eq!(ex.show.labels, Labels::Names);
            let run = Run::complete(&ex.scenario).expect("the scenario runs");
            assert!(run.trace().warnings.is_empty(), "{}: warnings", at(&ex));
            assert!(*run.trace() == *ex.trace, "{}: rerun differs", at(&ex));
            let opts = options(&ex);
            let distinct: BTreeSet<&String> = opts.iter().collect();
            assert_eq!(distinct.len(), opts.len(), "{}: options repeat", at(&ex));
            assert!(opts.len() >= 3, "{}: {opts:?}", at(&ex));
            let right = solution_index(&ex);
            let feedback: Vec<Feedback> = (0..opts.len())
                .map(|i| ex.check(&Answer::Choice(i)))
                .collect();
            let f = &feedback[right];
            assert!(f.correct, "{}: {}", at(&ex), f.message);
            assert!(f.message.starts_with("Right"), "{}", at(&ex));
            for i in (0..opts.len()).filter(|&i| i != right) {
                let f = &feedback[i];
                assert!(!f.correct, "{}: accepted {:?}", at(&ex), opts[i]);
                assert!(f.message.starts_with("Not "), "{}: {}", at(&ex), f.message);
                assert!(f.message.len() > 60, "{}: {}", at(&ex), f.message);
            }
            let f = ex.check(&Answer::Choice(opts.len()));
            assert!(!f.correct && f.message.starts_with("Choose one of"));
            for a in [
                Answer::Fill(vec!["1".into()]),
                Answer::PickEvents(vec![0]),
                Answer::Interventions(Vec::new()),
            ] {
                let f = ex.check(&a);
                assert!(!f.correct, "{}: accepted {a:?}", at(&ex));
                assert!(
                    f.message.starts_with("This exercise asks you to"),
                    "{}",
                    at(&ex)
                );
            }
            (ex, feedback)
        })
        .collect()
}

#[test]
fn the_registry_lists_the_mapreduce_kinds_in_order() {
    let ids: Vec<&str> = kinds("mapreduce").iter().map(|k| k.id()).collect();
    assert_eq!(ids, ["rerun-tasks", "which-reducer", "backup-time"]);
    assert_eq!(the("rerun-tasks").title(), "What runs again after a crash?");
    assert_eq!(
        the("which-reducer").title(),
        "Which reduce task gets the word?"
    );
    assert_eq!(the("backup-time").title(), "What do backup tasks save?");
}

// ---- Which tasks run again? ----

/// The coordinator's view of `worker` after the first `steps` steps, from its `task` outputs:
/// (running, completed maps, completed reduces).
fn view(trace: &Trace, worker: &str, steps: u64) -> [BTreeSet<String>; 3] {
    let mut running: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut completed: BTreeMap<String, String> = BTreeMap::new();
    for o in trace.outputs.iter().filter(|o| o.kind == "task") {
        if trace.events[o.event].step >= steps {
            break;
        }
        let w: Vec<&str> = o.value.split(' ').collect();
        match w[..] {
            ["backup", k, n, who] => {
                running
                    .entry(format!("{k} {n}"))
                    .or_default()
                    .insert(who.into());
            }
            [k, n, "in-progress", who] => {
                running
                    .entry(format!("{k} {n}"))
                    .or_default()
                    .insert(who.into());
            }
            [k, n, "completed", who] => {
                running.remove(&format!("{k} {n}"));
                completed.insert(format!("{k} {n}"), who.into());
            }
            [k, n, _, who] => {
                if let Some(c) = running.get_mut(&format!("{k} {n}")) {
                    c.remove(who);
                }
            }
            [k, n, "idle"] => {
                running.remove(&format!("{k} {n}"));
                completed.remove(&format!("{k} {n}"));
            }
            _ => panic!("unknown task output {}", o.value),
        }
    }
    let mine = |(t, w): (&String, &String)| (w == worker).then(|| t.clone());
    [
        running
            .iter()
            .filter(|(_, c)| c.contains(worker))
            .map(|(t, _)| t.clone())
            .collect(),
        completed
            .iter()
            .filter(|(t, _)| t.starts_with("map"))
            .filter_map(mine)
            .collect(),
        completed
            .iter()
            .filter(|(t, _)| t.starts_with("reduce"))
            .filter_map(mine)
            .collect(),
    ]
}

/// The tasks an option names: `map 1, map 3 and reduce 0`.
fn named(option: &str) -> BTreeSet<String> {
    if option == "nothing" {
        return BTreeSet::new();
    }
    option
        .split(", ")
        .flat_map(|p| p.split(" and "))
        .map(str::to_string)
        .collect()
}

fn rerun_tasks(level: Level) {
    for (ex, feedback) in every("rerun-tasks", level) {
        assert_eq!(ex.scenario.variant, "no-backups");
        let trace = &ex.trace;
        let k = ex.scenario.limits.max_steps;
        assert_eq!(trace.step_count(), k, "{}: stops at the step", at(&ex));
        let [marked] = ex.show.marked[..] else {
            panic!("{}: one marked event", at(&ex))
        };
        let w = trace.processes[trace.events[marked].process].clone();
        assert!(w.starts_with('W'), "{}", at(&ex));
        assert!(ex.prompt.contains(&format!("If {w} crashed now")));
        let [running, maps, reduces] = view(trace, &w, k);
        assert!(!maps.is_empty(), "{}", at(&ex));
        match level {
            Level::Easy => {
                assert!(!running.is_empty() && running.iter().all(|t| t.starts_with("map")))
            }
            Level::Medium => assert!(running.iter().any(|t| t.starts_with("reduce"))),
            Level::Hard => assert!(!reduces.is_empty(), "{}", at(&ex)),
        }
        let right: BTreeSet<String> = running.union(&maps).cloned().collect();
        assert_eq!(named(right_option(&ex)), right, "{}", at(&ex));
        // The whole run goes on past that step; crash the worker there and see what reruns.
        let mut crashed = ex.scenario.clone();
        crashed.limits.max_steps = 5_000;
        let whole = Run::complete(&crashed).expect("runs");
        assert!(whole.trace().step_count() > k, "{}", at(&ex));
        crashed.interventions = vec![Intervention {
            step: k,
            action: Action::Crash {
                process: ProcessRef::Name(w.clone()),
            },
        }];
        let run = Run::complete(&crashed).expect("runs");
        let t = run.trace();
        assert!(t.warnings.is_empty(), "{}", at(&ex));
        let idle: BTreeSet<String> = t
            .outputs
            .iter()
            .filter(|o| o.kind == "task" && t.events[o.event].step >= k)
            .filter_map(|o| o.value.strip_suffix(" idle").map(str::to_string))
            .collect();
        assert!(right.is_subset(&idle), "{}: {right:?} {idle:?}", at(&ex));
        assert!(reduces.is_disjoint(&idle), "{}", at(&ex));
        assert!(
            completed_at(t).is_some(),
            "{}: the job still completes",
            at(&ex)
        );
        // Each wrong option is explained by its first mistake.
        for (i, o) in options(&ex).iter().enumerate() {
            let picked = named(o);
            let f = &feedback[i];
            let first = picked.symmetric_difference(&right).min_by_key(|t| {
                let (k, n) = t.split_once(' ').unwrap();
                (k == "reduce", n.parse::<usize>().unwrap())
            });
            let Some(first) = first else { continue };
            assert!(
                f.message.starts_with(&format!("Not {o}: {first} ")),
                "{}: {}",
                at(&ex),
                f.message
            );
            let why = if maps.contains(first) && !picked.contains(first) {
                "local disk"
            } else if reduces.contains(first) {
                "global file system"
            } else if running.contains(first) {
                "dies with it"
            } else {
                "does not touch it"
            };
            assert!(f.message.contains(why), "{}: {}", at(&ex), f.message);
        }
    }
}

#[test]
fn rerun_tasks_easy() {
    rerun_tasks(Level::Easy);
}

#[test]
fn rerun_tasks_medium() {
    rerun_tasks(Level::Medium);
}

#[test]
fn rerun_tasks_hard() {
    rerun_tasks(Level::Hard);
}

// ---- Which reduce task? ----

/// Every which-reducer exercise of `level`; the (R, answer) pairs seen.
fn which_reducer(level: Level) -> BTreeSet<(usize, usize)> {
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    {
        for (ex, feedback) in every("which-reducer", level) {
            let params: MapReduceParams = ex.scenario.params().expect("params");
            let r = params.reducers;
            let expected_r = match level {
                Level::Easy => vec![2],
                Level::Medium => vec![4, 5],
                Level::Hard => vec![3],
            };
            assert!(expected_r.contains(&r), "{}", at(&ex));
            let word = ex
                .prompt
                .split('"')
                .nth(1)
                .expect("a quoted word")
                .to_string();
            let hash = fnv1a(word.as_bytes());
            assert!(
                ex.prompt.contains(&format!("hash(\"{word}\") = {hash}")),
                "{}",
                at(&ex)
            );
            assert!(
                params.input.split_whitespace().any(|w| w == word),
                "{}: the word is in the input",
                at(&ex)
            );
            let right = (hash % r as u64) as usize;
            assert_eq!(right, partition(&word, r));
            assert_eq!(right_option(&ex), format!("reduce {right}"), "{}", at(&ex));
            assert_eq!(options(&ex).len(), r + 1, "{}", at(&ex));
            seen.insert((r, right));
            let f = &feedback[solution_index(&ex)];
            assert!(
                f.message.contains(&format!("{hash} mod {r} = {right}")),
                "{}",
                f.message
            );
            let every_option = options(&ex)
                .iter()
                .position(|o| o.starts_with("every"))
                .unwrap();
            let f = &feedback[every_option];
            assert!(f.message.contains("same reduce task"), "{}", f.message);
        }
    }
    seen
}

#[test]
fn which_reducer_easy_and_hard() {
    // Every remainder turns up.
    assert_eq!(which_reducer(Level::Easy).len(), 2);
    assert_eq!(which_reducer(Level::Hard).len(), 3);
}

#[test]
fn which_reducer_medium() {
    assert!(which_reducer(Level::Medium).len() >= 8);
}

// ---- What do backups save? ----

fn backup_time(level: Level) {
    {
        for (ex, feedback) in every("backup-time", level) {
            assert_eq!(ex.scenario.variant, "backups");
            let params: MapReduceParams = ex.scenario.params().expect("params");
            let slow = if level == Level::Hard { 2 } else { 1 };
            assert_eq!(params.slow.len(), slow, "{}", at(&ex));
            let with = completed_at(&ex.trace).expect("the job completes");
            let mut plain = ex.scenario.clone();
            plain.variant = "no-backups".into();
            let run = Run::complete(&plain).expect("runs");
            assert!(run.trace().warnings.is_empty());
            let without = completed_at(run.trace()).expect("completes without backups too");
            assert!(without >= with + 20, "{}", at(&ex));
            assert!(ex
                .trace
                .outputs
                .iter()
                .any(|o| o.value.starts_with("backup ")));
            assert_eq!(
                right_option(&ex),
                format!("with backups {with}, without {without}"),
                "{}",
                at(&ex)
            );
            assert_eq!(options(&ex).len(), 4, "{}", at(&ex));
            let f = &feedback[solution_index(&ex)];
            assert!(f.message.contains("copy"), "{}", f.message);
            assert!(f.message.contains("a free worker"), "{}", f.message);
            for (i, o) in options(&ex).iter().enumerate() {
                let f = &feedback[i];
                if *o == format!("with backups {with}, without {with}") {
                    assert!(f.message.contains("do change the time"), "{}", f.message);
                } else if !o.starts_with(&format!("with backups {with},")) {
                    assert!(f.message.contains("the run shown"), "{}", f.message);
                }
            }
        }
    }
}

#[test]
fn backup_time_easy() {
    backup_time(Level::Easy);
}

#[test]
fn backup_time_medium() {
    backup_time(Level::Medium);
}

#[test]
fn backup_time_hard() {
    backup_time(Level::Hard);
}
