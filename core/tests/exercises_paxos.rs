//! The Paxos lesson's three exercise kinds, over every level: generation is deterministic and
//! makes clean runs of the promised shape; every checker accepts the stored solution, agrees with
//! the run (read here independently of the checker), and rejects wrong answers, and answers of
//! the wrong form, with a message that explains them. `break-agreement` is checked on seeds
//! 0..50 (each exercise runs a counterexample search), the others on seeds 0..200.
//!
//! For `break-agreement`: no interventions keep agreement; the stored schedule breaks it (two
//! different values decided), and the same schedule on the `correct` variant does not.

use std::collections::BTreeSet;

use spacetime_core::exercise::Question;
use spacetime_core::exercise::{kind, kinds, Answer, Exercise, ExerciseKind, Labels, Level};
use spacetime_core::{Action, EventId, EventKind, Intervention, ProcessRef, Run, Trace};

const SEEDS: u64 = 200;
const SEARCH_SEEDS: u64 = 50;

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
    assert!(ex.scenario.name.starts_with("paxos-"), "{}", at(&ex));
    assert_eq!(ex.scenario.protocol, "paxos");
    assert_eq!(ex.scenario.description, ex.prompt);
    assert_eq!(ex.show.labels, Labels::Names, "{}", at(&ex));
    let run = Run::complete(&ex.scenario).expect("the scenario runs");
    assert!(run.trace().warnings.is_empty(), "{}: warnings", at(&ex));
    assert!(*run.trace() == *ex.trace, "{}: rerun differs", at(&ex));
    ex
}

/// The wrong-form answers a question of another form gets.
fn assert_wrong_forms(ex: &Exercise, answers: &[Answer]) {
    for a in answers {
        let f = ex.check(a);
        assert!(!f.correct, "{}: accepted {a:?}", at(ex));
        assert!(
            f.message.starts_with("This exercise asks you to"),
            "{}: {}",
            at(ex),
            f.message
        );
    }
}

fn decided(trace: &Trace) -> Vec<(usize, String)> {
    trace
        .outputs
        .iter()
        .filter(|o| o.kind == "decide")
        .map(|o| (o.process, o.value.clone()))
        .collect()
}

fn distinct_values(trace: &Trace) -> BTreeSet<String> {
    decided(trace).into_iter().map(|(_, v)| v).collect()
}

/// A ballot label, `2.P1`, in order: (round, proposer index).
fn ballot(trace: &Trace, text: &str) -> (u32, usize) {
    let (round, name) = text.split_once('.').expect("a ballot");
    let p = trace
        .processes
        .iter()
        .position(|n| n == name)
        .expect("a proposer");
    (round.parse().expect("a round"), p)
}

// ---- The registry ----

#[test]
fn the_registry_lists_the_paxos_kinds_in_order() {
    let ids: Vec<&str> = kinds("paxos").iter().map(|k| k.id()).collect();
    assert_eq!(ids, ["break-agreement", "which-value", "quorum"]);
    assert_eq!(the("break-agreement").title(), "Break agreement");
    assert_eq!(the("which-value").title(), "Which value must it propose?");
    assert_eq!(the("quorum").title(), "Which votes made it chosen?");
    let all: Vec<&str> = spacetime_core::exercise::all_kinds()
        .iter()
        .map(|k| k.id())
        .collect();
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "kind ids are unique");
}

// ---- Break agreement ----

fn break_agreement(level: Level) {
    for seed in 0..SEARCH_SEEDS {
        let ex = generated("break-agreement", level, seed);
        let variant = ex.scenario.variant.clone();
        match level {
            Level::Easy => assert_eq!(variant, "broken-proposer", "{}", at(&ex)),
            Level::Medium => assert_eq!(variant, "broken-acceptor", "{}", at(&ex)),
            Level::Hard => assert!(variant.starts_with("broken-"), "{}", at(&ex)),
        }
        assert_eq!(
            ex.question,
            Question::Intervene {
                property: "agreement".into()
            }
        );
        assert!(ex.scenario.interventions.is_empty(), "{}", at(&ex));
        assert!(ex.show.hidden_messages.is_empty());
        // As it runs, agreement holds.
        assert!(distinct_values(&ex.trace).len() <= 1, "{}", at(&ex));
        let Answer::Interventions(schedule) = ex.solution().clone() else {
            panic!("{}: the solution is not interventions", at(&ex))
        };
        assert!(!schedule.is_empty(), "{}", at(&ex));
        // The solution breaks it.
        let f = ex.check(ex.solution());
        assert!(f.correct, "{}: {}", at(&ex), f.message);
        assert!(f.message.starts_with("Right"), "{}", at(&ex));
        assert!(f.message.contains("decided"), "{}: {}", at(&ex), f.message);
        assert!(!f.events.is_empty(), "{}", at(&ex));
        let mut broken = ex.scenario.clone();
        broken.interventions = schedule.clone();
        let run = Run::complete(&broken).expect("runs");
        assert!(run.trace().warnings.is_empty(), "{}", at(&ex));
        assert_eq!(distinct_values(run.trace()).len(), 2, "{}", at(&ex));
        // The same schedule does not break the correct variant.
        let mut correct = broken.clone();
        correct.variant = "correct".into();
        let run = Run::complete(&correct).expect("runs");
        assert!(
            distinct_values(run.trace()).len() <= 1,
            "{}: the correct variant broke",
            at(&ex)
        );
        // No interventions: wrong, with the variant's hint.
        let f = ex.check(&Answer::Interventions(Vec::new()));
        assert!(!f.correct, "{}", at(&ex));
        assert!(
            f.message.starts_with("Agreement still holds"),
            "{}",
            at(&ex)
        );
        let hint = if variant == "broken-proposer" {
            "Prepare"
        } else {
            "crash and recover"
        };
        assert!(f.message.contains(hint), "{}: {}", at(&ex), f.message);
        // Interventions that cannot apply.
        let nobody = vec![Intervention {
            step: 1,
            action: Action::Crash {
                process: ProcessRef::Name("Nobody".into()),
            },
        }];
        let f = ex.check(&Answer::Interventions(nobody));
        assert!(!f.correct);
        assert!(f.message.contains("cannot be applied"), "{}", f.message);
        assert!(f.message.contains("Nobody"), "{}", f.message);
        let ghost = vec![Intervention {
            step: 1,
            action: Action::Drop { message: 9_999 },
        }];
        let f = ex.check(&Answer::Interventions(ghost));
        assert!(!f.correct);
        assert!(f.message.contains("did nothing"), "{}", f.message);
        assert!(f.message.contains("9999"), "{}", f.message);
        // Half a solution: a reboot without the recovery, or every Prepare of the second
        // proposer dropped.
        let half: Vec<Intervention> = if variant == "broken-acceptor" {
            schedule
                .iter()
                .filter(|i| !matches!(i.action, Action::Recover { .. }))
                .cloned()
                .collect()
        } else {
            ex.trace
                .messages
                .iter()
                .filter(|m| m.from == 1 && m.label.starts_with("Prepare"))
                .map(|m| Intervention {
                    step: m.created_step + 1,
                    action: Action::Drop { message: m.id },
                })
                .collect()
        };
        let mut s = ex.scenario.clone();
        s.interventions = half.clone();
        let run = Run::complete(&s).expect("runs");
        if distinct_values(run.trace()).len() <= 1 && run.trace().warnings.is_empty() {
            let f = ex.check(&Answer::Interventions(half));
            assert!(!f.correct, "{}", at(&ex));
            let says = if variant == "broken-acceptor" {
                "stayed down"
            } else {
                "never gathered promises"
            };
            assert!(f.message.contains(says), "{}: {}", at(&ex), f.message);
        }
        assert_wrong_forms(&ex, &[Answer::Choice(0), Answer::PickEvents(vec![0])]);
    }
}

#[test]
fn break_agreement_easy() {
    break_agreement(Level::Easy);
}

#[test]
fn break_agreement_medium() {
    break_agreement(Level::Medium);
}

#[test]
fn break_agreement_hard() {
    break_agreement(Level::Hard);
}

// ---- Which value? ----

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

/// Every choice but the solution is wrong, with an explanation; out-of-range and other forms too.
fn only_the_solution_is_right(ex: &Exercise) {
    let opts = options(ex);
    let distinct: BTreeSet<&String> = opts.iter().collect();
    assert_eq!(distinct.len(), opts.len(), "{}: options repeat", at(ex));
    let right = solution_index(ex);
    let f = ex.check(ex.solution());
    assert!(f.correct, "{}: {}", at(ex), f.message);
    assert!(f.message.starts_with("Right"), "{}", at(ex));
    for i in (0..opts.len()).filter(|&i| i != right) {
        let f = ex.check(&Answer::Choice(i));
        assert!(!f.correct, "{}: accepted {:?}", at(ex), opts[i]);
        assert!(f.message.starts_with("Not "), "{}: {}", at(ex), f.message);
        assert!(f.message.len() > 60, "{}: {}", at(ex), f.message);
    }
    let f = ex.check(&Answer::Choice(opts.len()));
    assert!(!f.correct && f.message.starts_with("Choose one of"));
    assert_wrong_forms(ex, &[Answer::Fill(vec![]), Answer::PickEvents(vec![0])]);
}

/// Every which-value exercise of `level`; how many answers are the proposer's own value, and how
/// many another.
fn which_value(level: Level) -> (usize, usize) {
    let mut own = 0;
    let mut other = 0;
    {
        for seed in 0..SEEDS {
            let ex = generated("which-value", level, seed);
            assert_eq!(ex.scenario.variant, "correct");
            let trace = &ex.trace;
            // The run stops at the step that sends the hidden Accept messages.
            assert_eq!(
                trace.step_count(),
                ex.scenario.limits.max_steps,
                "{}",
                at(&ex)
            );
            let hidden = &ex.show.hidden_messages;
            assert!(!hidden.is_empty(), "{}", at(&ex));
            let accepts: Vec<_> = hidden.iter().map(|&m| &trace.messages[m]).collect();
            let proposer = accepts[0].from;
            let last_step = trace.step_count() - 1;
            for m in &accepts {
                assert!(m.label.starts_with("Accept "), "{}", at(&ex));
                assert_eq!(m.from, proposer);
                assert_eq!(trace.events[m.send_event].step, last_step, "{}", at(&ex));
            }
            let (_, rest) = accepts[0].label.split_once(' ').unwrap();
            let (b, proposed) = rest.split_once(' ').unwrap();
            // Its promises for that ballot, read from the diagram.
            let prefix = format!("Promise {b} (");
            let promises: Vec<EventId> = trace
                .events
                .iter()
                .filter(|e| e.process == proposer && e.kind == EventKind::Receive)
                .filter(|e| e.label.starts_with(prefix.as_str()))
                .map(|e| e.id)
                .collect();
            let majority = trace
                .processes
                .iter()
                .filter(|p| p.starts_with('A'))
                .count()
                / 2
                + 1;
            assert_eq!(promises.len(), majority, "{}", at(&ex));
            let marked: BTreeSet<EventId> = ex.show.marked.iter().copied().collect();
            assert_eq!(marked, promises.iter().copied().collect(), "{}", at(&ex));
            let reports: Vec<(String, String)> = promises
                .iter()
                .filter_map(|&e| {
                    let inner = trace.events[e]
                        .label
                        .split_once(" (")?
                        .1
                        .strip_suffix(')')?;
                    let (b, v) = inner.split_once('=')?;
                    Some((b.to_string(), v.to_string()))
                })
                .collect();
            let own_value = ["x", "y", "z"][proposer];
            let rule = reports
                .iter()
                .max_by_key(|(b, _)| ballot(trace, b))
                .map_or(own_value.to_string(), |(_, v)| v.clone());
            assert_eq!(rule, proposed, "{}: the run follows the rule", at(&ex));
            let right = &options(&ex)[solution_index(&ex)];
            let own_option = format!("its own value ({own_value})");
            if rule == own_value {
                assert_eq!(*right, own_option, "{}", at(&ex));
                own += 1;
            } else {
                assert_eq!(*right, rule, "{}", at(&ex));
                other += 1;
            }
            assert_eq!(
                options(&ex).iter().filter(|o| **o == own_option).count(),
                1,
                "{}",
                at(&ex)
            );
            let values: BTreeSet<&str> = reports.iter().map(|(_, v)| v.as_str()).collect();
            match level {
                Level::Easy => assert!(values.iter().any(|v| *v != own_value), "{}", at(&ex)),
                Level::Medium => {}
                Level::Hard => assert!(values.len() >= 2, "{}", at(&ex)),
            }
            only_the_solution_is_right(&ex);
            // Taking its own value despite a report is explained by the rule.
            if !reports.is_empty() && rule != own_value {
                let i = options(&ex).iter().position(|o| *o == own_option).unwrap();
                let f = ex.check(&Answer::Choice(i));
                assert!(
                    f.message.contains("only when no promise reports"),
                    "{}",
                    f.message
                );
                assert_eq!(f.events.first(), ex.check(ex.solution()).events.first());
            }
        }
    }
    (own, other)
}

#[test]
fn which_value_easy() {
    let (own, other) = which_value(Level::Easy);
    assert_eq!((own, other), (0, SEEDS as usize), "a report always counts");
}

#[test]
fn which_value_medium() {
    let (own, other) = which_value(Level::Medium);
    assert!(own >= 20 && other >= 20, "own {own}, other {other}");
}

#[test]
fn which_value_hard() {
    let (own, other) = which_value(Level::Hard);
    assert!(
        own + other == SEEDS as usize && other > 0,
        "own {own}, other {other}"
    );
}

// ---- Quorum ----

/// `Accept 1.P1 x` -> ("1.P1", "x").
fn ballot_value<'a>(label: &'a str, word: &str) -> Option<(&'a str, &'a str)> {
    label.strip_prefix(word)?.strip_prefix(' ')?.split_once(' ')
}

#[test]
fn quorum_kind() {
    let mut mixed = 0;
    for level in Level::ALL {
        for seed in 0..SEEDS {
            let ex = generated("quorum", level, seed);
            let trace = &ex.trace;
            let acceptors = trace
                .processes
                .iter()
                .filter(|p| p.starts_with('A'))
                .count();
            let m = acceptors / 2 + 1;
            let Question::PickEvents { roles } = &ex.question else {
                panic!("{}: not a pick", at(&ex))
            };
            assert_eq!(roles.len(), m, "{}", at(&ex));
            let [decide] = ex.show.marked[..] else {
                panic!("{}: one marked event", at(&ex))
            };
            let decision = trace
                .outputs
                .iter()
                .find(|o| o.kind == "decide")
                .expect("a decision");
            assert_eq!(decision.event, decide);
            let x = decision.value.clone();
            let Answer::PickEvents(solution) = ex.solution().clone() else {
                panic!("{}", at(&ex))
            };
            // The solution: receipts of Accept B x at distinct acceptors, one ballot.
            let mut ballots = BTreeSet::new();
            let mut who = BTreeSet::new();
            for &e in &solution {
                let ev = &trace.events[e];
                assert_eq!(ev.kind, EventKind::Receive, "{}", at(&ex));
                assert!(trace.processes[ev.process].starts_with('A'));
                let (b, v) = ballot_value(&ev.label, "Accept").expect("an Accept");
                assert_eq!(v, x, "{}", at(&ex));
                ballots.insert(b.to_string());
                who.insert(ev.process);
            }
            assert_eq!(ballots.len(), 1, "{}", at(&ex));
            assert_eq!(who.len(), m, "{}", at(&ex));
            let f = ex.check(ex.solution());
            assert!(f.correct, "{}: {}", at(&ex), f.message);
            assert!(f.message.starts_with("Right"));
            // Any order, and the Accepted messages in place of the receipts, are right too.
            let mut reversed = solution.clone();
            reversed.reverse();
            assert!(
                ex.check(&Answer::PickEvents(reversed)).correct,
                "{}",
                at(&ex)
            );
            let sends: Vec<EventId> = solution.iter().map(|&e| e + 1).collect();
            for &s in &sends {
                assert!(
                    trace.events[s].label.starts_with("Accepted "),
                    "{}",
                    at(&ex)
                );
            }
            assert!(ex.check(&Answer::PickEvents(sends)).correct, "{}", at(&ex));
            // Wrong: the same acceptor twice.
            let mut twice = solution.clone();
            twice[1] = twice[0];
            let f = ex.check(&Answer::PickEvents(twice));
            assert!(
                !f.correct && f.message.contains("different acceptors"),
                "{}",
                f.message
            );
            // Wrong: a promise instead of an acceptance.
            let promise = trace
                .events
                .iter()
                .find(|e| e.label.starts_with("Promise"))
                .expect("a promise");
            let mut with_promise = solution.clone();
            with_promise[0] = promise.id;
            let f = ex.check(&Answer::PickEvents(with_promise));
            assert!(!f.correct && f.message.contains("phase 1"), "{}", f.message);
            assert_eq!(f.events.first(), Some(&promise.id));
            // Wrong: the proposer's Accept.
            let proposal = trace
                .events
                .iter()
                .find(|e| e.kind == EventKind::Send && e.label.starts_with("Accept "))
                .expect("an Accept");
            let mut with_proposal = solution.clone();
            with_proposal[0] = proposal.id;
            let f = ex.check(&Answer::PickEvents(with_proposal));
            assert!(
                !f.correct && f.message.contains("proposal"),
                "{}",
                f.message
            );
            // Wrong: an acceptance of x in a ballot no majority accepted it in.
            let mut count: std::collections::BTreeMap<String, BTreeSet<usize>> = Default::default();
            let mut acceptance_of: std::collections::BTreeMap<String, EventId> = Default::default();
            for e in trace.events.iter().filter(|e| e.kind == EventKind::Send) {
                if let Some((b, v)) = ballot_value(&e.label, "Accepted") {
                    if v == x {
                        count.entry(b.to_string()).or_default().insert(e.process);
                        acceptance_of.entry(b.to_string()).or_insert(e.id);
                    }
                }
            }
            let short = count
                .iter()
                .find(|(_, a)| a.len() < m)
                .map(|(b, _)| b.clone());
            if let Some(b) = short {
                mixed += 1;
                let mut with_short = solution.clone();
                with_short[0] = acceptance_of[&b];
                let f = ex.check(&Answer::PickEvents(with_short));
                assert!(!f.correct, "{}", at(&ex));
                assert!(f.message.contains("short of a majority"), "{}", f.message);
            } else {
                assert_ne!(level, Level::Hard, "{}", at(&ex));
            }
            // Wrong: an acceptance of another value.
            let other = trace.events.iter().find(|e| {
                e.kind == EventKind::Send
                    && ballot_value(&e.label, "Accepted").is_some_and(|(_, v)| v != x)
            });
            if let Some(o) = other {
                let mut with_other = solution.clone();
                with_other[0] = o.id;
                let f = ex.check(&Answer::PickEvents(with_other));
                assert!(!f.correct && f.message.contains("decided"), "{}", f.message);
            }
            // Wrong forms and counts.
            let f = ex.check(&Answer::PickEvents(solution[..1].to_vec()));
            assert!(
                !f.correct && f.message.starts_with("Pick "),
                "{}",
                f.message
            );
            let mut beyond = solution.clone();
            beyond[0] = trace.events.len();
            assert!(!ex.check(&Answer::PickEvents(beyond)).correct);
            assert_wrong_forms(&ex, &[Answer::Choice(0), Answer::Fill(vec![])]);
        }
    }
    assert!(
        mixed >= SEEDS as usize,
        "ballots mixed in {mixed} exercises"
    );
}
