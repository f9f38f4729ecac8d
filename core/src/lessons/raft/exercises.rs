//! The exercises of the Raft lesson: who can win an election, how far a leader may commit, and
//! what a follower's log becomes when the leader repairs it.
//!
//! Every exercise is drawn on a real run of [`super::raft`]: servers `S1`, `S2`, ... and two
//! clients, with crashes and partitions drawn at random, so that the servers' logs drift apart.
//! The diagram stops at a step chosen from the run where the logs suit the question; the
//! question is about the servers' logs *at that step*, which the prompt lists too (written as
//! the `log` outputs write entries, `t2 y=2`: the command `y=2`, received by the leader of
//! term 2). Every random choice (fault times, the network's seed, the step) comes from one
//! generator seeded with the exercise's seed, and a run that does not suit is drawn again from
//! it, so each (level, seed) always gives the same exercise. Every run is free of warnings.
//!
//! | id            | asks for                                                    | form     |
//! |---------------|-------------------------------------------------------------|----------|
//! | `raft-vote`   | the servers that could win an election, given the logs      | `Choice` |
//! | `raft-commit` | the highest index the leader may commit by counting         | `Choice` |
//! | `raft-repair` | the follower's log after the first `AppendEntries` it takes | `Choice` |
//!
//! The answers are computed from the servers' state at the last step (their typed logs and
//! roles, read from the run), never from labels:
//!
//! * `raft-vote`: a server can win if a majority of all servers (itself included) would vote
//!   for it, that is, have logs no more up to date than its own (a higher last term wins, then
//!   the longer log). Timing and votes already given are set aside. Easy, three servers and
//!   someone cannot win; medium, five servers and someone who is not the most up to date can
//!   still win; hard, five servers and the answer differs from the one that compares lengths
//!   only (a shorter log whose last entry has a higher term wins).
//! * `raft-commit`: the one leader of the highest term; if it knew every server's log as
//!   drawn, the highest index `N` that holds an entry of its current term and is stored on a
//!   majority (an entry stored with the same index and term, which by Log Matching means the
//!   same log up to there). Easy (three servers) and medium (five), some of the leader's
//!   entries are not committed yet; hard, the Figure 8 trap: an entry of an earlier term beyond
//!   `N` is stored on a majority and yet may not be committed by counting.
//! * `raft-repair`: the leader starts from the end of its log (`nextIndex` one past its last
//!   entry, as a newly elected leader does), backs off one index at each failed consistency
//!   check, and sends at most `batch` entries in an `AppendEntries`. Which log does the follower
//!   have right after it accepts the first one? Easy, the follower only missed entries; medium,
//!   it has conflicting entries, which are deleted; hard, with `batch` 2, it has conflicting
//!   entries and the first accepted `AppendEntries` does not yet bring it level with the leader.

use std::collections::BTreeSet;

use rand::Rng as _;

use super::examples::{self, isolate};
use super::raft::{Entry, Index, RaftNode, RaftParams, Role, Term};
use crate::exercise::{generate_with, run_of, wrong_form};
use crate::exercise::{
    Answer, Exercise, ExerciseKind, Feedback, Labels, Level, Made, Question, Show,
};
use crate::faults::{crash, recover};
use crate::process::{ProcessId, Rng};
use crate::protocol::Run;
use crate::scenario::Scenario;
use crate::trace::{EventId, EventKind, Trace};

// ---- Logs, read and written ----

/// One server at the step the diagram stops at.
#[derive(Clone, Debug)]
pub struct ServerState {
    pub name: String,
    /// Not crashed.
    pub up: bool,
    pub role: Role,
    pub term: Term,
    pub log: Vec<Entry>,
    pub commit: Index,
}

/// The term of the entry at `index` (0 for index 0, or past the end).
pub fn term_at(log: &[Entry], index: Index) -> Term {
    if index == 0 {
        0
    } else {
        log.get(index as usize - 1).map_or(0, |e| e.term)
    }
}

/// The last entry's term, 0 for an empty log.
pub fn last_term(log: &[Entry]) -> Term {
    term_at(log, log.len() as Index)
}

/// Whether log `a` is at least as up to date as log `b`: a higher last term, or the same last
/// term and at least as long (the check of `RequestVote`).
pub fn at_least_as_up_to_date(a: &[Entry], b: &[Entry]) -> bool {
    (last_term(a), a.len()) >= (last_term(b), b.len())
}

/// `[t1 x=1, t1 y=2]`, or `[] (empty)`.
pub fn show_log(log: &[Entry]) -> String {
    if log.is_empty() {
        return "[] (empty)".into();
    }
    let entries: Vec<String> = log.iter().map(Entry::to_string).collect();
    format!("[{}]", entries.join(", "))
}

/// `4@t2`: where a log ends (its last index and that entry's term).
fn end_of(log: &[Entry]) -> String {
    format!("{}@t{}", log.len(), last_term(log))
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Shuffle in place with the exercise's generator.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

// ---- The runs ----

/// How many servers a level's runs have.
fn servers_for(level: Level) -> usize {
    if level == Level::Easy {
        3
    } else {
        5
    }
}

/// A run of `servers` servers and two clients with crashes and partitions drawn from `rng`.
fn chaotic(
    kind: &dyn ExerciseKind,
    level: Level,
    seed: u64,
    servers: usize,
    batch: usize,
    rng: &mut Rng,
) -> Scenario {
    let params = RaftParams {
        servers,
        clients: 2,
        start: 300,
        interval: 30,
        batch,
        ..RaftParams::default()
    };
    let mut s = examples::scenario(
        &format!("raft-exercise-{}-{level}-{seed}", kind.id()),
        &format!("{} ({level})", kind.title()),
        "",
        "correct",
        params,
        2_200,
    );
    s.seed = rng.random_range(0..1_000_000);
    let mut who: Vec<usize> = (1..=servers).collect();
    shuffle(&mut who, rng);
    let episodes = if level == Level::Easy { 2 } else { 3 };
    for &w in who.iter().take(episodes) {
        let name = format!("S{w}");
        let at = rng.random_range(300..1_700);
        let back = at + rng.random_range(100..600);
        if rng.random_bool(0.5) {
            s.faults.push(crash(at, &name));
            s.faults.push(recover(back, &name));
        } else {
            s.faults.extend(isolate(at, &name, servers, false));
            s.faults.extend(isolate(back, &name, servers, true));
        }
    }
    s.faults.sort_by_key(|f| f.at);
    s
}

/// How many servers a scenario has.
fn servers_of(scenario: &Scenario) -> usize {
    scenario.params::<RaftParams>().map_or(0, |p| p.servers)
}

/// Follow the crashes and recoveries among `events` into `up`.
fn track_up(up: &mut [bool], events: &[crate::trace::Event]) {
    for e in events {
        if let Some(u) = up.get_mut(e.process) {
            match e.kind {
                EventKind::Crash => *u = false,
                EventKind::Recover => *u = true,
                _ => {}
            }
        }
    }
}

/// Every server's state in `run` as it is now; `up` says which servers are not crashed.
fn states_of(run: &Run, up: &[bool]) -> Vec<ServerState> {
    let trace = run.trace();
    (0..up.len())
        .filter_map(|p| {
            let s = run.process::<RaftNode>(p)?.server()?;
            Some(ServerState {
                name: trace.processes[p].clone(),
                up: up[p],
                role: s.role(),
                term: s.term(),
                log: s.log().to_vec(),
                commit: s.commit_index(),
            })
        })
        .collect()
}

/// The servers' state at the end of a scenario's run (the step the diagram stops at).
pub fn final_states(scenario: &Scenario) -> Vec<ServerState> {
    match Run::complete(scenario) {
        Ok(run) => {
            let mut up = vec![true; servers_of(scenario)];
            track_up(&mut up, &run.trace().events);
            states_of(&run, &up)
        }
        Err(_) => Vec::new(),
    }
}

/// Run `s` step by step and draw, from the steps after which `suits` holds, one at random; the
/// scenario cut at that step, and its run. `None` if no step suits or the run warns.
fn cut_where(
    mut s: Scenario,
    rng: &mut Rng,
    suits: impl Fn(&[ServerState]) -> bool,
) -> Option<(Scenario, std::sync::Arc<Trace>, Vec<ServerState>)> {
    let servers = servers_of(&s);
    let mut run = Run::new(&s).ok()?;
    let mut steps = Vec::new();
    let mut up = vec![true; servers];
    let mut seen = 0;
    let mut last = Vec::new();
    let mut verdict = false;
    while run.step() {
        let events = &run.trace().events;
        track_up(&mut up, &events[seen..]);
        seen = events.len();
        // The servers' state changes in few steps: judge it again only when it has.
        let now: Vec<(Role, Term, usize, Term, bool)> = (0..servers)
            .filter_map(|p| {
                let s = run.process::<RaftNode>(p)?.server()?;
                Some((s.role(), s.term(), s.log().len(), last_term(s.log()), up[p]))
            })
            .collect();
        if now != last {
            last = now;
            verdict = suits(&states_of(&run, &up));
        }
        if verdict {
            steps.push(run.steps_taken());
        }
    }
    if !run.trace().warnings.is_empty() || steps.is_empty() {
        return None;
    }
    let step = steps[rng.random_range(0..steps.len())];
    s.limits.max_steps = step;
    let trace = run_of(&s);
    if !trace.warnings.is_empty() || trace.step_count() != step {
        return None;
    }
    let states = final_states(&s);
    suits(&states).then_some((s, trace, states))
}

/// The event of each listed server's latest log change, to point at.
fn last_log_events(trace: &Trace, servers: &[ProcessId]) -> Vec<EventId> {
    servers
        .iter()
        .filter_map(|&p| {
            trace
                .outputs
                .iter()
                .rev()
                .find(|o| o.process == p && o.kind == "log")
                .map(|o| o.event)
        })
        .collect()
}

/// Every server's log, for a prompt: `S1 [t1 x=1] (leader of term 1); S2 [] (empty), crashed`.
fn logs_listed(states: &[ServerState]) -> String {
    let lines: Vec<String> = states
        .iter()
        .map(|s| {
            let mut line = format!("{}: {}", s.name, show_log(&s.log));
            if s.role == Role::Leader && s.up {
                line.push_str(&format!(" (leader of term {})", s.term));
            }
            if !s.up {
                line.push_str(" (crashed; its log is kept)");
            }
            line
        })
        .collect();
    lines.join("; ")
}

/// The chosen option of a choice question.
fn chosen(exercise: &Exercise, answer: &Answer) -> Result<(usize, String), Feedback> {
    let Question::Choice { options } = &exercise.question else {
        return Err(wrong_form("answer another question"));
    };
    let Answer::Choice(i) = *answer else {
        return Err(wrong_form("choose one of the options"));
    };
    options.get(i).cloned().map(|o| (i, o)).ok_or_else(|| {
        Feedback::wrong(
            format!("Choose one of the {} options.", options.len()),
            Vec::new(),
        )
    })
}

fn majority(servers: usize) -> usize {
    servers / 2 + 1
}

// ---- Who can win this election ----

/// The servers that could win an election, given every server's log.
pub struct WhoCanWin;

/// The servers whose vote `s` would get: those whose logs are no more up to date than its own.
pub fn voters_for(states: &[ServerState], s: usize) -> Vec<usize> {
    (0..states.len())
        .filter(|&v| at_least_as_up_to_date(&states[s].log, &states[v].log))
        .collect()
}

/// The servers that could win: a majority would vote for each.
pub fn can_win(states: &[ServerState]) -> BTreeSet<usize> {
    (0..states.len())
        .filter(|&s| voters_for(states, s).len() >= majority(states.len()))
        .collect()
}

/// A set of servers as an option: `S1, S3 and S4`, or `only S2`.
fn set_option(states: &[ServerState], set: &BTreeSet<usize>) -> String {
    let names: Vec<String> = set.iter().map(|&s| states[s].name.clone()).collect();
    if names.len() == 1 {
        format!("only {}", names[0])
    } else if names.len() == states.len() {
        format!("any of them: {}", and_list(&names))
    } else {
        and_list(&names)
    }
}

/// The tempting wrong rules' answers: the longest logs, the most up to date only, a count by
/// length alone, the highest last term, everyone.
fn vote_distractors(states: &[ServerState]) -> Vec<BTreeSet<usize>> {
    let n = states.len();
    let all: Vec<usize> = (0..n).collect();
    let longest = states.iter().map(|s| s.log.len()).max().unwrap_or(0);
    let best = states
        .iter()
        .map(|s| (last_term(&s.log), s.log.len()))
        .max()
        .unwrap_or((0, 0));
    let top_term = states.iter().map(|s| last_term(&s.log)).max().unwrap_or(0);
    vec![
        all.iter()
            .copied()
            .filter(|&s| states[s].log.len() == longest)
            .collect(),
        all.iter()
            .copied()
            .filter(|&s| (last_term(&states[s].log), states[s].log.len()) == best)
            .collect(),
        all.iter()
            .copied()
            .filter(|&s| {
                states
                    .iter()
                    .filter(|v| states[s].log.len() >= v.log.len())
                    .count()
                    >= majority(n)
            })
            .collect(),
        all.iter()
            .copied()
            .filter(|&s| last_term(&states[s].log) == top_term)
            .collect(),
        all.iter().copied().collect(),
    ]
}

/// Why server `s` can or cannot win, in the course's terms.
fn why_vote(states: &[ServerState], s: usize) -> String {
    let n = states.len();
    let name = &states[s].name;
    let voters = voters_for(states, s);
    let names =
        |set: &[usize]| -> Vec<String> { set.iter().map(|&v| states[v].name.clone()).collect() };
    let refusers: Vec<usize> = (0..n).filter(|v| !voters.contains(v)).collect();
    if voters.len() >= majority(n) {
        format!(
            "{name} can win: its log ends at {}, and {} have logs no more up to date than that \
             and would vote for it: {} of {n}, a majority.",
            end_of(&states[s].log),
            and_list(&names(&voters)),
            voters.len()
        )
    } else {
        let reasons: Vec<String> = refusers
            .iter()
            .map(|&v| {
                let (a, b) = (&states[s].log, &states[v].log);
                let why = if last_term(b) > last_term(a) {
                    format!("last term {} is higher than {}", last_term(b), last_term(a))
                } else {
                    format!(
                        "last term is the same, {}, and its log is longer ({} > {})",
                        last_term(a),
                        b.len(),
                        a.len()
                    )
                };
                format!("{} (ends at {}: its {why})", states[v].name, end_of(b))
            })
            .collect();
        format!(
            "{name} cannot win: its log ends at {}, and only {} would vote for it ({} of {n}, \
             short of a majority of {}); {} refuse, their logs more up to date.",
            end_of(&states[s].log),
            and_list(&names(&voters)),
            voters.len(),
            majority(n),
            and_list(&reasons),
        )
    }
}

impl ExerciseKind for WhoCanWin {
    fn id(&self) -> &'static str {
        "raft-vote"
    }

    fn title(&self) -> &'static str {
        "Who can win this election?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x7a0f_0e1e, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (_, option) = match chosen(exercise, answer) {
            Ok(c) => c,
            Err(f) => return f,
        };
        let states = final_states(&exercise.scenario);
        let right = can_win(&states);
        let all: Vec<usize> = (0..states.len()).collect();
        let events = last_log_events(&exercise.trace, &all);
        if option == set_option(&states, &right) {
            let reasons: Vec<String> = all.iter().map(|&s| why_vote(&states, s)).collect();
            return Feedback::right(format!("Right. {}", reasons.join(" ")), events);
        }
        // The first server the option misjudges.
        let picked: BTreeSet<usize> = all
            .iter()
            .copied()
            .filter(|&s| option_names(&option).contains(&states[s].name))
            .collect();
        let wrong = all
            .iter()
            .copied()
            .find(|s| picked.contains(s) != right.contains(s))
            .unwrap_or(0);
        Feedback::wrong(
            format!(
                "Not {option}. {} A voter grants its vote only to a candidate whose log is at \
                 least as up to date as its own: a higher last term, or the same last term and \
                 at least as long.",
                why_vote(&states, wrong)
            ),
            events,
        )
    }
}

/// The server names an option lists.
fn option_names(option: &str) -> BTreeSet<String> {
    option
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with('S') && w[1..].chars().all(|c| c.is_ascii_digit()) && w.len() > 1)
        .map(str::to_string)
        .collect()
}

impl WhoCanWin {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let servers = servers_for(level);
        let s = chaotic(self, level, seed, servers, 4, rng);
        let suits = |states: &[ServerState]| {
            if states.len() != servers || states.iter().any(|s| s.log.len() > 9) {
                return false;
            }
            let right = can_win(states);
            let wrong = vote_distractors(states);
            let distinct: BTreeSet<&BTreeSet<usize>> =
                wrong.iter().filter(|w| **w != right).collect();
            let everyone = right.len() == states.len();
            !everyone
                && distinct.len() >= 2
                && match level {
                    Level::Easy => true,
                    Level::Medium => right != wrong[1],
                    Level::Hard => right != wrong[2],
                }
        };
        let (s, trace, states) = cut_where(s, rng, suits)?;
        let right = can_win(&states);
        let mut sets: Vec<BTreeSet<usize>> = vec![right.clone()];
        for w in vote_distractors(&states) {
            if !sets.contains(&w) {
                sets.push(w);
            }
        }
        sets.truncate(4);
        let mut options: Vec<String> = sets.iter().map(|set| set_option(&states, set)).collect();
        shuffle(&mut options, rng);
        let solution = options
            .iter()
            .position(|o| *o == set_option(&states, &right))?;
        let prompt = format!(
            "{servers} servers run Raft (a majority is {}). The diagram stops here, where their \
             logs are: {}. Suppose an election started now, with every server up and able to \
             reach the others, and no one had voted in the new term yet. Which servers could \
             win it?",
            majority(servers),
            logs_listed(&states)
        );
        let all: Vec<usize> = (0..servers).collect();
        let marked = last_log_events(&trace, &all);
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
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- Which entries are committed ----

/// How far the leader may move its commit index by counting replicas.
pub struct WhichCommitted;

/// The one leader that is up and whose term is the highest of all servers', if there is one.
pub fn the_leader(states: &[ServerState]) -> Option<usize> {
    let top = states.iter().map(|s| s.term).max()?;
    let leaders: Vec<usize> = (0..states.len())
        .filter(|&p| states[p].up && states[p].role == Role::Leader)
        .collect();
    match leaders[..] {
        [l] if states[l].term == top => Some(l),
        _ => None,
    }
}

/// The servers that store the leader's entry at `index`: an entry of the same term there.
pub fn replicas(states: &[ServerState], leader: usize, index: Index) -> Vec<usize> {
    let t = term_at(&states[leader].log, index);
    (0..states.len())
        .filter(|&v| states[v].log.len() as Index >= index && term_at(&states[v].log, index) == t)
        .collect()
}

/// Raft's rule: the highest index stored on a majority whose entry is of the leader's current
/// term (0 if none).
pub fn commit_by_rule(states: &[ServerState], leader: usize) -> Index {
    let l = &states[leader];
    (1..=l.log.len() as Index)
        .rev()
        .find(|&n| {
            term_at(&l.log, n) == l.term
                && replicas(states, leader, n).len() >= majority(states.len())
        })
        .unwrap_or(0)
}

/// The tempting rule that forgets the term: the highest index stored on a majority.
pub fn commit_by_count(states: &[ServerState], leader: usize) -> Index {
    (1..=states[leader].log.len() as Index)
        .rev()
        .find(|&n| replicas(states, leader, n).len() >= majority(states.len()))
        .unwrap_or(0)
}

/// An index as an option: `none of its entries yet` or `up to index 3 (t2 y=2)`.
fn index_option(log: &[Entry], n: Index) -> String {
    if n == 0 {
        "none of its entries yet".into()
    } else {
        format!("up to index {n} ({})", log[n as usize - 1])
    }
}

impl ExerciseKind for WhichCommitted {
    fn id(&self) -> &'static str {
        "raft-commit"
    }

    fn title(&self) -> &'static str {
        "Which entries are committed?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x0c03_3177, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (i, _) = match chosen(exercise, answer) {
            Ok(c) => c,
            Err(f) => return f,
        };
        let states = final_states(&exercise.scenario);
        let Some(leader) = the_leader(&states) else {
            return Feedback::wrong("This run has no leader to ask about.", Vec::new());
        };
        let l = &states[leader];
        let n = states.len();
        let right = commit_by_rule(&states, leader);
        // Options are "none", then the indices in order.
        let picked = i as Index;
        let names = |set: &[usize]| -> String {
            and_list(
                &set.iter()
                    .map(|&v| states[v].name.clone())
                    .collect::<Vec<_>>(),
            )
        };
        let all: Vec<usize> = (0..n).collect();
        let events = last_log_events(&exercise.trace, &all);
        let why_right = if right == 0 {
            format!(
                "no entry of term {} in {}'s log is stored on a majority yet, so counting \
                 commits nothing.",
                l.term, l.name
            )
        } else {
            let r = replicas(&states, leader, right);
            format!(
                "index {right} holds {}, an entry of {}'s current term {}, stored on {} ({} of \
                 {n}, a majority); so it is committed, and every entry before it with it.",
                l.log[right as usize - 1],
                l.name,
                l.term,
                names(&r),
                r.len()
            )
        };
        if picked == right {
            return Feedback::right(format!("Right: {why_right}"), events);
        }
        let message = if picked > right {
            let entry = &l.log[picked as usize - 1];
            let r = replicas(&states, leader, picked);
            if r.len() < majority(n) {
                format!(
                    "Not up to index {picked}: {entry} is stored on only {} ({} of {n}, short of \
                     a majority of {}). Instead, {why_right}",
                    names(&r),
                    r.len(),
                    majority(n)
                )
            } else {
                format!(
                    "Not up to index {picked}: {entry} is stored on a majority ({}), but it is \
                     of term {}, an earlier term than {}'s current term {}. A leader commits \
                     by counting only entries of its own term: an entry of an earlier term can \
                     sit on a majority and still be replaced by a later leader whose last entry \
                     has a higher term (the paper's Figure 8). It is committed only with an \
                     entry of the current term after it. Here, {why_right}",
                    names(&r),
                    entry.term,
                    l.name,
                    l.term
                )
            }
        } else {
            format!(
                "Not {}: more is committed. {}",
                index_option(&l.log, picked),
                upper(&why_right)
            )
        };
        Feedback::wrong(message, events)
    }
}

/// The first letter in capitals.
fn upper(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl WhichCommitted {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let servers = servers_for(level);
        let s = chaotic(self, level, seed, servers, 4, rng);
        let suits = |states: &[ServerState]| {
            let Some(leader) = the_leader(states) else {
                return false;
            };
            let l = &states[leader];
            let rule = commit_by_rule(states, leader);
            let count = commit_by_count(states, leader);
            // The leader knows nothing is committed beyond what counting shows, and it has
            // entries not committed yet.
            (2..=9).contains(&l.log.len())
                && l.commit <= rule
                && (l.log.len() as Index) > rule
                && match level {
                    Level::Easy => rule > 0 && count == rule,
                    Level::Medium => count == rule,
                    Level::Hard => count > rule,
                }
        };
        let (s, trace, states) = cut_where(s, rng, suits)?;
        let leader = the_leader(&states)?;
        let l = &states[leader];
        let options: Vec<String> = (0..=l.log.len() as Index)
            .map(|n| index_option(&l.log, n))
            .collect();
        let solution = commit_by_rule(&states, leader) as usize;
        let prompt = format!(
            "{servers} servers run Raft (a majority is {}). The diagram stops here, where their \
             logs are: {}. Suppose {}, the leader of term {}, knew exactly which entries every \
             server stores, as listed. Up to which index may it commit, by Raft's rule for \
             counting replicas?",
            majority(servers),
            logs_listed(&states),
            l.name,
            l.term
        );
        let marked = last_log_events(&trace, &[leader]);
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
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

// ---- What this follower's log becomes ----

/// The follower's log after the first `AppendEntries` it accepts from the leader.
pub struct Repair;

/// How the leader's repair of a follower goes: the `prev` indices refused, the one accepted,
/// the entries it carries, and the follower's log after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Repaired {
    pub refused: Vec<Index>,
    pub prev: Index,
    pub entries: Vec<Entry>,
    pub log: Vec<Entry>,
}

/// What a follower does with an `AppendEntries` that passed the check: skip the entries it has,
/// and at the first conflict delete that entry and everything after it, then append the rest.
pub fn accept(follower: &[Entry], prev: Index, entries: &[Entry]) -> Vec<Entry> {
    let mut log = follower.to_vec();
    let at = matching(follower, prev, entries);
    let rest = &entries[(at - prev) as usize..];
    if !rest.is_empty() {
        log.truncate(at as usize);
        log.extend(rest.iter().cloned());
    }
    log
}

/// How far the follower's log agrees with `entries` placed after `prev`: the index of the last
/// entry it already has (same index, same term).
fn matching(follower: &[Entry], prev: Index, entries: &[Entry]) -> Index {
    let mut at = prev;
    for e in entries {
        if (at as usize) < follower.len() && term_at(follower, at + 1) == e.term {
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// The repair of `follower` by a leader with log `leader` that starts one past its last entry.
pub fn repair(leader: &[Entry], follower: &[Entry], batch: usize) -> Repaired {
    let mut next = leader.len() as Index + 1;
    let mut refused = Vec::new();
    loop {
        let prev = next - 1;
        if prev <= follower.len() as Index && term_at(follower, prev) == term_at(leader, prev) {
            let entries: Vec<Entry> = leader
                .iter()
                .skip(prev as usize)
                .take(batch)
                .cloned()
                .collect();
            let log = accept(follower, prev, &entries);
            return Repaired {
                refused,
                prev,
                entries,
                log,
            };
        }
        refused.push(prev);
        next -= 1;
    }
}

/// The tempting wrong answers: the leader's whole log, the follower's log unchanged, the new
/// entries appended without deleting anything, and the whole rest of the leader's log at once.
fn repair_distractors(leader: &[Entry], follower: &[Entry], r: &Repaired) -> Vec<Vec<Entry>> {
    let mut appended = follower.to_vec();
    for (k, e) in r.entries.iter().enumerate() {
        if r.prev as usize + k >= appended.len() {
            appended.push(e.clone());
        }
    }
    let whole = accept(follower, r.prev, &leader[r.prev as usize..]);
    let mut cut = follower[..r.prev as usize].to_vec();
    cut.extend(r.entries.iter().cloned());
    vec![leader.to_vec(), follower.to_vec(), appended, whole, cut]
}

/// The follower and leader of a repair exercise: the follower is named in the prompt.
fn repair_pair(exercise: &Exercise, states: &[ServerState]) -> Option<(usize, usize)> {
    let leader = the_leader(states)?;
    let follower = states.iter().position(|s| {
        exercise
            .prompt
            .contains(&format!("repair {}'s log", s.name))
    })?;
    Some((leader, follower))
}

/// The story of a repair, in the course's terms.
fn tell_repair(leader: &ServerState, follower: &ServerState, r: &Repaired) -> String {
    let (l, f) = (&leader.name, &follower.name);
    let mut parts = Vec::new();
    for &p in &r.refused {
        let has = if p > follower.log.len() as Index {
            format!("its log ends at {}", follower.log.len())
        } else {
            format!("its entry there is of term {}", term_at(&follower.log, p))
        };
        parts.push(format!(
            "prev {p}@t{} fails ({has})",
            term_at(&leader.log, p)
        ));
    }
    let refusals = if parts.is_empty() {
        format!(
            "{l}'s first AppendEntries, prev {}@t{}, passes the consistency check at once",
            r.prev,
            term_at(&leader.log, r.prev)
        )
    } else {
        format!(
            "{l} starts at the end of its log and backs off one index at each refusal: {}; prev \
             {}@t{} passes",
            parts.join(", "),
            r.prev,
            term_at(&leader.log, r.prev)
        )
    };
    let kept = matching(&follower.log, r.prev, &r.entries) as usize;
    let dropped = if follower.log.len() > kept && kept < r.prev as usize + r.entries.len() {
        format!(
            "; {f}'s entries from index {} conflict with the leader's and are deleted, with all \
             after them",
            kept + 1
        )
    } else {
        String::new()
    };
    format!(
        "{refusals}. That AppendEntries carries {} (at most {} entries each){dropped}. {f}'s \
         log becomes {}.",
        show_log(&r.entries),
        r.entries.len().max(1),
        show_log(&r.log)
    )
}

impl ExerciseKind for Repair {
    fn id(&self) -> &'static str {
        "raft-repair"
    }

    fn title(&self) -> &'static str {
        "What does the follower's log become?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        generate_with(seed ^ 0x4e9a_17ed, |rng| self.attempt(level, seed, rng))
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (_, option) = match chosen(exercise, answer) {
            Ok(c) => c,
            Err(f) => return f,
        };
        let states = final_states(&exercise.scenario);
        let Some((leader, follower)) = repair_pair(exercise, &states) else {
            return Feedback::wrong(
                "This run has no leader and follower to ask about.",
                Vec::new(),
            );
        };
        let batch = exercise
            .scenario
            .params::<RaftParams>()
            .map_or(4, |p| p.batch);
        let (l, f) = (&states[leader], &states[follower]);
        let r = repair(&l.log, &f.log, batch);
        let events = last_log_events(&exercise.trace, &[leader, follower]);
        let story = tell_repair(l, f, &r);
        if option == show_log(&r.log) {
            return Feedback::right(format!("Right: {story}"), events);
        }
        let mistake = if option == show_log(&f.log) {
            "the follower does not keep its log as it is: the first AppendEntries it accepts \
             changes it"
                .to_string()
        } else if option == show_log(&l.log) && l.log != r.log {
            format!(
                "the follower does not get the leader's whole log at once: each AppendEntries \
                 carries at most {batch} entries, and {} keeps what does not conflict",
                f.name
            )
        } else {
            "a follower deletes its entries only from the first one that conflicts with the \
             leader's (same index, different term), and then takes the leader's"
                .to_string()
        };
        Feedback::wrong(
            format!("Not {option}: {mistake}. {}", upper(&story)),
            events,
        )
    }
}

impl Repair {
    fn attempt(&self, level: Level, seed: u64, rng: &mut Rng) -> Option<Exercise> {
        let servers = servers_for(level);
        let batch = if level == Level::Hard { 2 } else { 4 };
        let s = chaotic(self, level, seed, servers, batch, rng);
        let fits = |states: &[ServerState], leader: usize, f: usize| -> bool {
            let (l, fl) = (&states[leader].log, &states[f].log);
            if f == leader || !states[f].up || fl == l || l.len() > 9 || fl.len() > 9 {
                return false;
            }
            let r = repair(l, fl, batch);
            let prefix = fl.len() < l.len() && l[..fl.len()] == fl[..];
            let conflict = l.iter().zip(fl.iter()).any(|(a, b)| a.term != b.term);
            let distinct: BTreeSet<Vec<String>> = repair_distractors(l, fl, &r)
                .iter()
                .filter(|d| **d != r.log)
                .map(|d| d.iter().map(Entry::to_string).collect())
                .collect();
            r.log != *fl
                && distinct.len() >= 2
                && match level {
                    Level::Easy => prefix,
                    Level::Medium => conflict,
                    Level::Hard => conflict && r.log != *l,
                }
        };
        let suits = |states: &[ServerState]| {
            let Some(leader) = the_leader(states) else {
                return false;
            };
            (0..states.len()).any(|f| fits(states, leader, f))
        };
        let (s, trace, states) = cut_where(s, rng, suits)?;
        let leader = the_leader(&states)?;
        let candidates: Vec<usize> = (0..states.len())
            .filter(|&f| fits(&states, leader, f))
            .collect();
        let follower = candidates[rng.random_range(0..candidates.len())];
        let (l, f) = (&states[leader], &states[follower]);
        let r = repair(&l.log, &f.log, batch);
        let mut logs: Vec<Vec<Entry>> = vec![r.log.clone()];
        for d in repair_distractors(&l.log, &f.log, &r) {
            if !logs.contains(&d) {
                logs.push(d);
            }
        }
        logs.truncate(4);
        let mut options: Vec<String> = logs.iter().map(|g| show_log(g)).collect();
        shuffle(&mut options, rng);
        let solution = options.iter().position(|o| *o == show_log(&r.log))?;
        let prompt = format!(
            "{servers} servers run Raft. The diagram stops here, where their logs are: {}. {}, \
             the leader of term {}, now sets out to repair {}'s log: it starts from the end of \
             its own log (nextIndex {}), and backs off one index each time the consistency \
             check fails. Each AppendEntries carries at most {batch} entries. What is {}'s log \
             right after it accepts its first AppendEntries?",
            logs_listed(&states),
            l.name,
            l.term,
            f.name,
            l.log.len() + 1,
            f.name
        );
        let marked = last_log_events(&trace, &[leader, follower]);
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
                    marked,
                },
                question: Question::Choice { options },
                solution: Answer::Choice(solution),
            },
        ))
    }
}

/// The lesson's kinds, in the order it offers them.
pub fn kinds() -> Vec<&'static dyn ExerciseKind> {
    vec![&WhoCanWin, &WhichCommitted, &Repair]
}
