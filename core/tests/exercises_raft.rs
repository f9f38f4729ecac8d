//! The Raft lesson's three exercise kinds, over every level: generation is deterministic and
//! makes clean runs cut where the question suits; every checker accepts the stored solution and
//! rejects every other option, and answers of the wrong form, with a message that explains.
//! The answers are checked against the run read independently of the checker: the logs rebuilt
//! from the trace's `log` facts by `raft::logs_at`, and the rules computed here again.
//! Seeds 0..10 per level: each generation steps a whole run with faults, slow in a debug build.

use std::collections::BTreeSet;

use spacetime_core::exercise::{
    kind, kinds, Answer, Exercise, ExerciseKind, Labels, Level, Question,
};
use spacetime_core::lessons::raft::exercises::{final_states, show_log};
use spacetime_core::lessons::raft::raft::{logs_at, Entry, RaftParams};
use spacetime_core::Run;

const SEEDS: u64 = 10;

fn the(id: &str) -> &'static dyn ExerciseKind {
    kind(id).unwrap_or_else(|| panic!("kind {id}"))
}

fn at(ex: &Exercise) -> String {
    format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
}

/// Generate twice, check the two are equal and the run is clean and reruns the same.
fn generated(id: &str, level: Level, seed: u64) -> Exercise {
    let k = the(id);
    let ex = k.generate(level, seed);
    let again = k.generate(level, seed);
    assert!(ex == again, "{}: not deterministic", at(&ex));
    assert_eq!(ex.kind, id);
    assert_eq!((ex.level, ex.seed), (level, seed));
    assert!(
        ex.scenario.name.starts_with("raft-exercise-"),
        "{}",
        at(&ex)
    );
    assert_eq!(ex.scenario.protocol, "raft");
    assert_eq!(ex.scenario.variant, "correct");
    assert_eq!(ex.scenario.description, ex.prompt);
    assert_eq!(ex.show.labels, Labels::Names, "{}", at(&ex));
    let run = Run::complete(&ex.scenario).expect("the scenario runs");
    assert!(run.trace().warnings.is_empty(), "{}: warnings", at(&ex));
    assert!(*run.trace() == *ex.trace, "{}: rerun differs", at(&ex));
    assert!(
        run.check(run.trace())
            .iter()
            .all(|r| r.verdict.holds() || !r.promised),
        "{}: a property fails",
        at(&ex)
    );
    ex
}

fn options(ex: &Exercise) -> &[String] {
    match &ex.question {
        Question::Choice { options } => options,
        q => panic!("{}: not a choice: {q:?}", at(ex)),
    }
}

fn solution_index(ex: &Exercise) -> usize {
    match ex.solution() {
        Answer::Choice(i) => *i,
        a => panic!("{}: solution {a:?}", at(ex)),
    }
}

/// The solution is accepted with an explanation; every other option is rejected with one; the
/// wrong forms and an option out of range are rejected.
fn only_the_solution_is_right(ex: &Exercise) {
    let n = options(ex).len();
    assert!(n >= 3, "{}: only {n} options", at(ex));
    let distinct: BTreeSet<&String> = options(ex).iter().collect();
    assert_eq!(distinct.len(), n, "{}: repeated options", at(ex));
    let right = solution_index(ex);
    for i in 0..n {
        let f = ex.check(&Answer::Choice(i));
        assert_eq!(
            f.correct,
            i == right,
            "{}: option {i}: {}",
            at(ex),
            f.message
        );
        assert!(f.message.len() > 40, "{}: {}", at(ex), f.message);
        if i == right {
            assert!(f.message.starts_with("Right"), "{}: {}", at(ex), f.message);
        } else {
            assert!(f.message.starts_with("Not "), "{}: {}", at(ex), f.message);
        }
    }
    for a in [Answer::Fill(vec!["1".into()]), Answer::PickEvents(vec![0])] {
        let f = ex.check(&a);
        assert!(
            !f.correct && f.message.starts_with("This exercise asks you to"),
            "{}",
            at(ex)
        );
    }
    assert!(!ex.check(&Answer::Choice(n)).correct);
}

/// Every server's log at the end of the run, rebuilt from the trace's facts, agrees with the
/// servers' own state the checker reads.
fn logs(ex: &Exercise) -> Vec<Vec<Entry>> {
    let servers = ex.scenario.params::<RaftParams>().unwrap().servers;
    let rebuilt: Vec<Vec<Entry>> = logs_at(&ex.trace, ex.trace.step_count(), servers)
        .into_iter()
        .map(|l| l.entries)
        .collect();
    let states: Vec<Vec<Entry>> = final_states(&ex.scenario)
        .into_iter()
        .map(|s| s.log)
        .collect();
    assert_eq!(rebuilt, states, "{}: the logs differ", at(ex));
    for log in &rebuilt {
        assert!(
            ex.prompt.contains(&show_log(log)),
            "{}: a log is not in the prompt",
            at(ex)
        );
    }
    rebuilt
}

fn key(log: &[Entry]) -> (u64, usize) {
    (log.last().map_or(0, |e| e.term), log.len())
}

#[test]
fn the_registry_lists_the_raft_kinds_in_order() {
    let ids: Vec<&str> = kinds("raft").iter().map(|k| k.id()).collect();
    assert_eq!(ids, ["raft-vote", "raft-commit", "raft-repair"]);
}

#[test]
fn who_can_win() {
    for level in Level::ALL {
        for seed in 0..SEEDS {
            let ex = generated("raft-vote", level, seed);
            only_the_solution_is_right(&ex);
            let logs = logs(&ex);
            let n = logs.len();
            assert_eq!(n, if level == Level::Easy { 3 } else { 5 });
            let winners: Vec<String> = (0..n)
                .filter(|&s| logs.iter().filter(|v| key(&logs[s]) >= key(v)).count() > n / 2)
                .map(|s| format!("S{}", s + 1))
                .collect();
            assert!(winners.len() < n, "{}: everyone can win", at(&ex));
            let right = &options(&ex)[solution_index(&ex)];
            for s in 1..=n {
                let named = right
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == format!("S{s}"));
                assert_eq!(
                    named,
                    winners.contains(&format!("S{s}")),
                    "{}: {right}",
                    at(&ex)
                );
            }
            if level == Level::Hard {
                // Comparing lengths alone gives another answer.
                let by_length: Vec<String> = (0..n)
                    .filter(|&s| logs.iter().filter(|v| logs[s].len() >= v.len()).count() > n / 2)
                    .map(|s| format!("S{}", s + 1))
                    .collect();
                assert_ne!(by_length, winners, "{}", at(&ex));
            }
        }
    }
}

#[test]
fn which_committed() {
    for level in Level::ALL {
        for seed in 0..SEEDS {
            let ex = generated("raft-commit", level, seed);
            only_the_solution_is_right(&ex);
            let logs = logs(&ex);
            let n = logs.len();
            let states = final_states(&ex.scenario);
            let leader = states
                .iter()
                .position(|s| {
                    ex.prompt
                        .contains(&format!("Suppose {}, the leader", s.name))
                })
                .expect("the prompt names the leader");
            let term = states[leader].term;
            let l = &logs[leader];
            let stored = |i: usize| {
                logs.iter()
                    .filter(|v| v.len() > i && v[i].term == l[i].term)
                    .count()
                    > n / 2
            };
            let rule = (0..l.len())
                .rev()
                .find(|&i| l[i].term == term && stored(i))
                .map_or(0, |i| i + 1);
            let count = (0..l.len()).rev().find(|&i| stored(i)).map_or(0, |i| i + 1);
            assert_eq!(solution_index(&ex), rule, "{}", at(&ex));
            assert_eq!(options(&ex).len(), l.len() + 1);
            if level == Level::Hard {
                assert!(count > rule, "{}: no Figure 8 trap", at(&ex));
                let trap = ex.check(&Answer::Choice(count));
                assert!(
                    trap.message.contains("Figure 8"),
                    "{}: {}",
                    at(&ex),
                    trap.message
                );
            } else {
                assert_eq!(count, rule, "{}", at(&ex));
            }
        }
    }
}

#[test]
fn repair() {
    for level in Level::ALL {
        for seed in 0..SEEDS {
            let ex = generated("raft-repair", level, seed);
            only_the_solution_is_right(&ex);
            let logs = logs(&ex);
            let states = final_states(&ex.scenario);
            let name = |p: usize| states[p].name.clone();
            let leader = (0..logs.len())
                .find(|&p| ex.prompt.contains(&format!("{}, the leader", name(p))))
                .expect("the leader");
            let follower = (0..logs.len())
                .find(|&p| ex.prompt.contains(&format!("repair {}'s log", name(p))))
                .expect("the follower");
            let (l, f) = (&logs[leader], &logs[follower]);
            let batch = ex.scenario.params::<RaftParams>().unwrap().batch;
            // The repair, by the paper's rules, written here again.
            let mut prev = l.len();
            while !(prev <= f.len() && (prev == 0 || f[prev - 1].term == l[prev - 1].term)) {
                prev -= 1;
            }
            let sent: Vec<Entry> = l.iter().skip(prev).take(batch).cloned().collect();
            let mut after = f.clone();
            for (k, e) in sent.iter().enumerate() {
                let i = prev + k;
                if after.len() > i && after[i].term != e.term {
                    after.truncate(i);
                }
                if after.len() == i {
                    after.push(e.clone());
                }
            }
            assert_eq!(
                options(&ex)[solution_index(&ex)],
                show_log(&after),
                "{}",
                at(&ex)
            );
            let conflict = l.iter().zip(f.iter()).any(|(a, b)| a.term != b.term);
            match level {
                Level::Easy => assert!(!conflict && f.len() < l.len(), "{}", at(&ex)),
                Level::Medium => assert!(conflict, "{}", at(&ex)),
                Level::Hard => assert!(conflict && after != *l && batch == 2, "{}", at(&ex)),
            }
        }
    }
}
