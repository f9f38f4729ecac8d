//! # Exercises: generated questions about a run, checked with an explanation
//!
//! Each lesson ends with exercises. An exercise shows a small run as a space-time diagram, asks
//! one question about it, and answers a wrong attempt by explaining the *first* mistake in the
//! course's own terms, pointing at the events involved.
//!
//! ## The pieces
//!
//! * An [`ExerciseKind`] is one kind of question ("give the Lamport timestamps", "find the
//!   missing message"). It has a stable [`id`](ExerciseKind::id), a generator and a checker.
//! * [`ExerciseKind::generate`] makes an [`Exercise`] from a [`Level`] and a seed. It is a pure
//!   function: the same level and seed give the same exercise, run and all, on every machine,
//!   because every random choice comes from [`seeded_rng`](crate::seeded_rng)`(seed)`.
//! * An [`Exercise`] is plain data: the [`Scenario`] and its [`Trace`], how to [`Show`] the
//!   diagram (which labels, which arrows to hide, which events to mark) and the [`Question`].
//! * A [`Question`] is one of a few *forms*: fill in values, choose an option, or pick events on
//!   the diagram. The app draws one input form per variant, so a new kind of exercise reuses them
//!   and needs no new user interface.
//! * The learner's [`Answer`] mirrors the question's form, and [`ExerciseKind::check`] turns it
//!   into [`Feedback`]: right or wrong, a message, and the events to point at.
//! * [`Progress`] keeps score between visits, per kind: attempts, right answers, the current
//!   streak and the best one, and the levels done. The app stores it as JSON.
//!
//! Events are named in exercises as the diagram's "names" labels name them: by their place in
//! the trace, `a`, `b`, ..., `z`, `aa`, `ab`, ... ([`event_name`]).
//!
//! ## An exercise from start to finish
//!
//! ```
//! use spacetime_core::exercise::{kind, Answer, Level, Progress, Question};
//!
//! let lamport = kind("lamport").expect("the clocks lesson has it");
//! let mut exercise = lamport.generate(Level::Easy, 7);
//! let Question::Fill { events, .. } = &exercise.question else { unreachable!() };
//!
//! // A learner who writes 1 everywhere forgets that every event moves its process's counter on.
//! let all_ones = Answer::Fill(vec!["1".to_string(); events.len()]);
//! let feedback = lamport.check(&exercise, &all_ones);
//! assert!(!feedback.correct);
//! // The first mistake, explained by the rule with the right values, for instance
//! // "L(b) is not 1: b follows a (L = 1) on P1, and is not a receipt, so L(b) = 1 + 1 = 2."
//! assert!(feedback.message.starts_with("L("));
//! // The events to point at: the mistaken one first, then those the rule reads.
//! assert!(!feedback.events.is_empty());
//!
//! // The trace knows the right values.
//! let right = Answer::Fill(
//!     events.iter().map(|&e| exercise.trace.events[e].lamport.to_string()).collect(),
//! );
//! assert!(lamport.check(&exercise, &right).correct);
//!
//! // Only the first answer to an exercise counts toward the score.
//! let mut progress = Progress::default();
//! exercise.submit(&all_ones, &mut progress);
//! exercise.submit(&right, &mut progress); // checked, but not scored
//! assert_eq!(progress.of("lamport").attempts, 1);
//! assert_eq!(progress.of("lamport").correct, 0);
//! let saved = progress.to_json();
//! assert_eq!(Progress::from_json(&saved), progress);
//! ```
//!
//! ## The forms
//!
//! Besides `Fill`, `Choice` and `PickEvents`, a fourth form, [`Question::Intervene`], hands the
//! learner the run itself: break this property with drops, delays and crashes. It is judged by
//! running the learner's interventions.
//!
//! Each lesson's kinds, what they ask and in which form, are listed in the docs of its module
//! under [`crate::lessons`].
//!
//! ## Adding a kind
//!
//! A lesson's kinds live in its folder (`core/src/lessons/<lesson>/exercises.rs`), each a unit
//! struct implementing [`ExerciseKind`], listed in its [`crate::lessons::LessonInfo`]; [`kinds`]
//! reads them from there. The generator draws a run from its seed, then retries with the same generator until the
//! run suits the question (so a question that needs, say, a concurrent pair always has one) and
//! stays deterministic. The checker judges against the run, never against the learner's other
//! answers, and explains with the correct values.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};

use crate::protocol::Run;
use crate::scenario::Scenario;
use crate::trace::{EventId, MessageId, Trace};

/// How hard an exercise is: mostly, how big its run is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Easy,
    Medium,
    Hard,
}

impl Level {
    /// Every level, easiest first.
    pub const ALL: [Level; 3] = [Level::Easy, Level::Medium, Level::Hard];

    /// `"easy"`, `"medium"` or `"hard"`, as JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Easy => "easy",
            Level::Medium => "medium",
            Level::Hard => "hard",
        }
    }

    /// The level [`Level::name`] spells `name`.
    pub fn from_name(name: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The next harder level, if there is one.
    pub fn next(self) -> Option<Level> {
        match self {
            Level::Easy => Some(Level::Medium),
            Level::Medium => Some(Level::Hard),
            Level::Hard => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the diagram should show the exercise's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    /// Each event by its name: [`event_name`].
    Names,
    /// Each event by its Lamport timestamp.
    Lamport,
    /// Each event by its vector clock.
    Vector,
}

/// What the diagram shows of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Show {
    pub labels: Labels,
    /// Messages whose arrows are not drawn. Their send and receipt events stay on their lanes, as
    /// plain dots: draw them like local events, and do not show the message's label anywhere.
    pub hidden_messages: Vec<MessageId>,
    /// The events the question is about (the pair of a relation question), to highlight.
    pub marked: Vec<EventId>,
}

/// What the learner is asked for. The app draws one input form per variant, so a new kind of
/// exercise reuses these.
#[derive(Clone, Debug, PartialEq)]
pub enum Question {
    /// A clock value for each of these events, typed as text: `"3"`, or for a vector clock
    /// `"[1,0,2]"`, `"1,0,2"`, `"1 0 2"` or `"(1, 0, 2)"` ([`parse_vector`]).
    Fill { events: Vec<EventId>, vector: bool },
    /// Choose one of these options (shown as buttons).
    Choice { options: Vec<String> },
    /// Click events on the diagram, one per role, in this order: e.g. `["a", "b"]` or
    /// `["send", "receipt"]`.
    PickEvents { roles: Vec<String> },
    /// Make the run break `property` with the diagram's own tools (drop, delay or duplicate a
    /// message; crash or recover a process), then check: the answer is the interventions made.
    Intervene { property: String },
}

/// The learner's answer, in the form of its [`Question`].
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// One text per event of [`Question::Fill`], in its order.
    Fill(Vec<String>),
    /// The index of the chosen option of [`Question::Choice`].
    Choice(usize),
    /// One event per role of [`Question::PickEvents`], in its order.
    PickEvents(Vec<EventId>),
    /// The learner's interventions on the exercise's run, for [`Question::Intervene`].
    Interventions(Vec<crate::scenario::Intervention>),
}

/// What the checker says of an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    pub correct: bool,
    /// On a right answer, a short confirmation of why it is right. On a wrong one, an
    /// explanation of the *first* mistake, in the course's terms, naming events by
    /// [`event_name`].
    pub message: String,
    /// Events the message is about, to point at on the diagram.
    pub events: Vec<EventId>,
}

impl Feedback {
    /// A right answer.
    pub fn right(message: impl Into<String>, events: Vec<EventId>) -> Feedback {
        Feedback {
            correct: true,
            message: message.into(),
            events,
        }
    }

    /// A wrong answer.
    pub fn wrong(message: impl Into<String>, events: Vec<EventId>) -> Feedback {
        Feedback {
            correct: false,
            message: message.into(),
            events,
        }
    }
}

/// One generated exercise: a run, how to show it, and a question about it.
///
/// Only the first answer to an exercise counts toward the score: [`Exercise::submit`] checks an
/// answer and records it in [`Progress`] only if it is the first. (Checking with
/// [`ExerciseKind::check`] or [`Exercise::check`] records nothing.)
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// The [`ExerciseKind::id`] of the kind that made it.
    pub kind: &'static str,
    pub level: Level,
    pub seed: u64,
    pub title: String,
    /// The question in words.
    pub prompt: String,
    pub scenario: Scenario,
    /// The run of `scenario`.
    pub trace: Arc<Trace>,
    pub show: Show,
    pub question: Question,
    /// A right answer (for a question with several, one of them).
    solution: Answer,
    /// Whether an answer has been submitted (and scored).
    answered: bool,
}

impl Exercise {
    /// A right answer; where several are right, one of them. For a "show me" button, and tests.
    pub fn solution(&self) -> &Answer {
        &self.solution
    }

    /// Check `answer` with the exercise's kind. Records nothing.
    pub fn check(&self, answer: &Answer) -> Feedback {
        match kind(self.kind) {
            Some(k) => k.check(self, answer),
            None => Feedback::wrong(
                format!("There is no exercise kind \"{}\".", self.kind),
                Vec::new(),
            ),
        }
    }

    /// Check `answer` and, if it is the first answer to this exercise, record it in `progress`.
    /// Later answers get feedback too, but do not change the score.
    pub fn submit(&mut self, answer: &Answer, progress: &mut Progress) -> Feedback {
        let feedback = self.check(answer);
        if !self.answered {
            self.answered = true;
            progress.record(self.kind, self.level, feedback.correct);
        }
        feedback
    }

    /// Whether an answer has been submitted, and so scored.
    pub fn answered(&self) -> bool {
        self.answered
    }
}

/// One kind of exercise: generated from (level, seed), deterministically, and checked.
pub trait ExerciseKind: Sync {
    /// Stable, and used as a key in saved progress: `"lamport"`, `"missing-message"`.
    fn id(&self) -> &'static str;
    /// For a heading: `"Lamport timestamps"`.
    fn title(&self) -> &'static str;
    /// The exercise for this level and seed: always the same one.
    fn generate(&self, level: Level, seed: u64) -> Exercise;
    /// Judge an answer to `exercise` (which this kind generated).
    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback;
}

/// The lessons that have exercises, in course order.
/// The exercise kinds of a lesson, in the order the lesson offers them; empty for a lesson
/// without exercises or an unknown one.
pub fn kinds(lesson: &str) -> Vec<&'static dyn ExerciseKind> {
    crate::lessons::find(lesson)
        .map(|l| l.exercises())
        .unwrap_or_default()
}

/// Every kind of every lesson, in course order.
pub fn all_kinds() -> Vec<&'static dyn ExerciseKind> {
    crate::lessons::all()
        .iter()
        .flat_map(|l| l.exercises())
        .collect()
}

/// The kind whose [`ExerciseKind::id`] is `id`.
pub fn kind(id: &str) -> Option<&'static dyn ExerciseKind> {
    all_kinds().into_iter().find(|k| k.id() == id)
}

/// The name of event `id` in exercises and in the diagram's "names" labels: `0 -> "a"`, ...,
/// `25 -> "z"`, `26 -> "aa"`, `27 -> "ab"`, ..., `701 -> "zz"`, `702 -> "aaa"` (bijective base
/// 26, lowercase).
pub fn event_name(id: EventId) -> String {
    let mut letters = Vec::new();
    let mut n = id as u128 + 1;
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// The event an [`event_name`] names: `"ab" -> 27`. Surrounding spaces and capitals are
/// forgiven; anything else but letters gives `None`.
pub fn event_of_name(name: &str) -> Option<EventId> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut n: usize = 0;
    for c in name.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        let digit = (c.to_ascii_lowercase() as u8 - b'a') as usize + 1;
        n = n.checked_mul(26)?.checked_add(digit)?;
    }
    Some(n - 1)
}

/// Why a typed vector clock could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VectorError {
    /// Nothing was typed.
    Blank,
    /// Something other than whole numbers was typed.
    NotNumbers,
}

/// Read a vector clock as a learner types it: `"[1,0,2]"`, `"1,0,2"`, `"1 0 2"`, `"(1, 0, 2)"`.
/// Entries are separated by commas, semicolons or spaces; one pair of brackets or parentheses
/// around them is allowed. The length is not checked here.
pub fn parse_vector(text: &str) -> Result<Vec<u32>, VectorError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(VectorError::Blank);
    }
    let inner = [('[', ']'), ('(', ')'), ('<', '>'), ('{', '}')]
        .iter()
        .find_map(|&(open, close)| text.strip_prefix(open)?.strip_suffix(close))
        .unwrap_or(text);
    inner
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.parse::<u32>().map_err(|_| VectorError::NotNumbers))
        .collect()
}

/// A vector clock as exercises write it: `[1,0,2]`.
pub fn format_vector(vector: &[u32]) -> String {
    let entries: Vec<String> = vector.iter().map(u32::to_string).collect();
    format!("[{}]", entries.join(","))
}

/// `1 -> "1st"`, `2 -> "2nd"`, `11 -> "11th"`, `23 -> "23rd"`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Run a generated scenario to its end.
///
/// # Panics
/// If the scenario does not run: a generator makes only scenarios that do.
pub(crate) fn run_of(scenario: &Scenario) -> Arc<Trace> {
    let run = Run::complete(scenario).expect("a generated scenario runs");
    Arc::new(run.trace().clone())
}

/// One kind's score, kept between visits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KindProgress {
    /// Exercises answered (only the first answer to each counts).
    #[serde(deserialize_with = "tolerant_count")]
    pub attempts: u32,
    /// Exercises answered right: the score.
    #[serde(deserialize_with = "tolerant_count")]
    pub correct: u32,
    /// Right answers in a row, up to the latest.
    #[serde(deserialize_with = "tolerant_count")]
    pub streak: u32,
    /// The longest run of right answers so far.
    #[serde(deserialize_with = "tolerant_count")]
    pub best_streak: u32,
    /// The levels answered right at least once.
    #[serde(deserialize_with = "tolerant_levels")]
    pub levels_done: BTreeSet<Level>,
}

impl KindProgress {
    /// Whether `level` has been answered right at least once.
    pub fn done(&self, level: Level) -> bool {
        self.levels_done.contains(&level)
    }

    /// The easiest level not done yet; the hardest when all are done.
    pub fn next_level(&self) -> Level {
        Level::ALL
            .into_iter()
            .find(|&l| !self.done(l))
            .unwrap_or(Level::Hard)
    }

    /// Make counts read from old or edited JSON agree with each other.
    fn normalised(mut self) -> KindProgress {
        self.correct = self.correct.min(self.attempts);
        self.streak = self.streak.min(self.correct);
        self.best_streak = self.best_streak.max(self.streak).min(self.correct);
        self
    }
}

/// A count from JSON; anything but a whole number reads as 0.
fn tolerant_count<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(value
        .as_u64()
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
}

/// A list of level names from JSON; names it does not know are dropped.
fn tolerant_levels<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeSet<Level>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(value
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().and_then(Level::from_name))
                .collect()
        })
        .unwrap_or_default())
}

/// The learner's progress through the exercises, kept between visits (the app stores
/// [`Progress::to_json`] in localStorage). Its JSON is `{"kinds": {"lamport": {"attempts": 3,
/// "correct": 2, "streak": 1, "best_streak": 1, "levels_done": ["easy"]}, ...}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Per [`ExerciseKind::id`].
    #[serde(default)]
    pub kinds: BTreeMap<String, KindProgress>,
}

impl Progress {
    /// Count an answer to an exercise of `kind` at `level`. Call it for the first answer to each
    /// exercise only ([`Exercise::submit`] does).
    pub fn record(&mut self, kind: &str, level: Level, correct: bool) {
        let k = self.kinds.entry(kind.to_string()).or_default();
        k.attempts = k.attempts.saturating_add(1);
        if correct {
            k.correct = k.correct.saturating_add(1);
            k.streak = k.streak.saturating_add(1);
            k.best_streak = k.best_streak.max(k.streak);
            k.levels_done.insert(level);
        } else {
            k.streak = 0;
        }
    }

    /// The progress at `kind`; all zero if it has never been tried.
    pub fn of(&self, kind: &str) -> KindProgress {
        self.kinds.get(kind).cloned().unwrap_or_default()
    }

    /// Right answers over all kinds.
    pub fn total_correct(&self) -> u32 {
        self.kinds
            .values()
            .fold(0, |sum, k| sum.saturating_add(k.correct))
    }

    /// Answers over all kinds.
    pub fn total_attempts(&self) -> u32 {
        self.kinds
            .values()
            .fold(0, |sum, k| sum.saturating_add(k.attempts))
    }

    /// The best streak at any one kind.
    pub fn best_streak(&self) -> u32 {
        self.kinds
            .values()
            .map(|k| k.best_streak)
            .max()
            .unwrap_or(0)
    }

    /// Right answers over the kinds of `lesson`.
    pub fn lesson_correct(&self, lesson: &str) -> u32 {
        kinds(lesson)
            .iter()
            .fold(0, |sum, k| sum.saturating_add(self.of(k.id()).correct))
    }

    /// Read saved progress. Never fails: text that is not progress JSON gives an empty
    /// [`Progress`], a kind whose entry is not an object is dropped, and fields it does not know
    /// (from an older or newer app) are ignored.
    pub fn from_json(text: &str) -> Progress {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Progress::default();
        };
        let Some(kinds) = value.get("kinds").and_then(serde_json::Value::as_object) else {
            return Progress::default();
        };
        let kinds = kinds
            .iter()
            .filter(|(_, entry)| entry.is_object())
            .filter_map(|(id, entry)| {
                KindProgress::deserialize(entry)
                    .ok()
                    .map(|k| (id.clone(), k.normalised()))
            })
            .collect();
        Progress { kinds }
    }

    /// The progress as JSON, for [`Progress::from_json`].
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("progress serialises")
    }
}

/// What a kind's generator makes, before the machinery gives it its name and number.
pub(crate) struct Made {
    pub prompt: String,
    pub scenario: Scenario,
    pub trace: Arc<Trace>,
    pub show: Show,
    pub question: Question,
    pub solution: Answer,
}

impl Exercise {
    /// An exercise of `kind` from what its generator made; the run's description is the prompt.
    pub(crate) fn assemble(
        kind: &dyn ExerciseKind,
        level: Level,
        seed: u64,
        made: Made,
    ) -> Exercise {
        let Made {
            prompt,
            mut scenario,
            trace,
            show,
            question,
            solution,
        } = made;
        scenario.description = prompt.clone();
        Exercise {
            kind: kind.id(),
            level,
            seed,
            title: kind.title().to_string(),
            prompt,
            scenario,
            trace,
            show,
            question,
            solution,
            answered: false,
        }
    }
}

/// Feedback for an answer of the wrong form (a choice where numbers were asked, say).
pub(crate) fn wrong_form(what: &str) -> Feedback {
    Feedback::wrong(format!("This exercise asks you to {what}."), Vec::new())
}

/// Draw exercises from `attempt` until one suits: deterministic, since every draw comes from
/// the one generator seeded with `seed`.
pub(crate) fn generate_with(
    seed: u64,
    mut attempt: impl FnMut(&mut crate::process::Rng) -> Option<Exercise>,
) -> Exercise {
    let mut rng = crate::process::seeded_rng(seed);
    loop {
        if let Some(exercise) = attempt(&mut rng) {
            return exercise;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_run_a_to_z_then_aa() {
        assert_eq!(event_name(0), "a");
        assert_eq!(event_name(25), "z");
        assert_eq!(event_name(26), "aa");
        assert_eq!(event_name(27), "ab");
        assert_eq!(event_name(701), "zz");
        assert_eq!(event_name(702), "aaa");
        assert_eq!(event_of_name(" AB "), Some(27));
        assert_eq!(event_of_name(""), None);
        assert_eq!(event_of_name("a1"), None);
        assert_eq!(event_of_name(&"z".repeat(40)), None);
    }

    #[test]
    fn vectors_read_in_every_accepted_syntax() {
        for text in [
            "[1,0,2]",
            "1,0,2",
            "1 0 2",
            "(1, 0, 2)",
            " [ 1 , 0 , 2 ] ",
            "1;0;2",
        ] {
            assert_eq!(parse_vector(text), Ok(vec![1, 0, 2]), "{text}");
        }
        assert_eq!(parse_vector("  "), Err(VectorError::Blank));
        assert_eq!(parse_vector("[1,x,2]"), Err(VectorError::NotNumbers));
        assert_eq!(parse_vector("[-1,0]"), Err(VectorError::NotNumbers));
        assert_eq!(parse_vector("[]"), Ok(vec![]));
        assert_eq!(format_vector(&[1, 0, 2]), "[1,0,2]");
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
                "101st", "111th"
            ]
        );
    }

    #[test]
    fn the_registry_lists_the_clocks_kinds_in_order() {
        let ids: Vec<&str> = kinds("clocks").iter().map(|k| k.id()).collect();
        assert_eq!(
            ids,
            [
                "lamport",
                "vector",
                "relation",
                "lamport-not-causal",
                "missing-message"
            ]
        );
        let paxos: Vec<&str> = kinds("paxos").iter().map(|k| k.id()).collect();
        assert_eq!(paxos, ["break-agreement", "which-value", "quorum"]);
        let mapreduce: Vec<&str> = kinds("mapreduce").iter().map(|k| k.id()).collect();
        assert_eq!(mapreduce, ["rerun-tasks", "which-reducer", "backup-time"]);
        assert!(kinds("nope").is_empty());
        assert_eq!(kind("vector").map(|k| k.title()), Some("Vector clocks"));
        assert!(kind("nope").is_none());
    }
}
