//! The exercises of the system models lesson: is a property about safety or about liveness?
//!
//! | id                   | asks for                                                  | form                     |
//! |----------------------|-----------------------------------------------------------|--------------------------|
//! | `safety-or-liveness` | whether properties are safety or liveness properties      | `Choice` or `PickEvents` |
//!
//! Safety: nothing bad ever happens. A violation is a finite bad prefix: the first event where
//! the property breaks, and nothing later can undo it (the empty run is safe, and a prefix that
//! is safe stays safe however it was cut). Liveness: something good eventually happens. No
//! finite run breaks it (any finite run can be extended to satisfy it): a counterexample is a
//! run that never gets there.
//!
//! Every exercise shows a run of a prepared scenario taken from the registry (the lesson's own
//! protocols if it has any that declare properties, else every registered protocol), and its
//! properties are the ones that run's protocol declares ([`Run::check`]), alongside a small
//! fixed [`BANK`] of properties from the course that no protocol here declares. Nothing names a
//! lesson or a protocol: whatever the registry holds is drawn from.
//!
//! The levels:
//!
//! * easy: one property, with its statement: safety or liveness? (`Choice`)
//! * medium: three or four properties at once, named A, B, C, ...: which of them are safety
//!   properties? (`Choice` among sets of letters; the feedback explains the first property
//!   (in letter order) that the chosen set gets wrong.)
//! * hard: a run in which some property is violated (a prepared scenario, perhaps with another
//!   network seed, a deliberately broken variant ([`crate::VariantInfo::broken`]) or a lossy
//!   network). For a violated safety property, either click the event where the bad prefix
//!   ends (`PickEvents`: the first event after which the property no longer holds, found by
//!   checking the property on the run's prefixes) or say whether a longer run could still
//!   satisfy it (`Choice`: no). For a violated liveness property, the same `Choice` (yes).
//!
//! Every random choice comes from the exercise's seed, so each (level, seed) gives the same
//! exercise for the same registry.

use std::sync::Arc;

use rand::Rng as _;

use crate::exercise::{event_name, wrong_form, Answer, Exercise, ExerciseKind, Feedback};
use crate::exercise::{Labels, Level, Made, Question, Show};
use crate::process::{seeded_rng, Rng};
use crate::protocol::{PropertyKind, PropertyReport, ProtocolInfo, Run, Verdict};
use crate::scenario::Scenario;
use crate::trace::{EventId, Trace};

/// The lesson's exercise kinds, in the order it offers them.
pub fn kinds() -> Vec<&'static dyn ExerciseKind> {
    vec![&SafetyOrLiveness]
}

/// A property from the course that no protocol of the registry declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BankEntry {
    pub name: &'static str,
    pub statement: &'static str,
    pub kind: PropertyKind,
    /// Why it is of its kind, in one sentence about this property.
    pub why: &'static str,
}

const fn safety(name: &'static str, statement: &'static str, why: &'static str) -> BankEntry {
    BankEntry {
        name,
        statement,
        kind: PropertyKind::Safety,
        why,
    }
}

const fn liveness(name: &'static str, statement: &'static str, why: &'static str) -> BankEntry {
    BankEntry {
        name,
        statement,
        kind: PropertyKind::Liveness,
        why,
    }
}

/// The course's properties that the exercises ask about alongside the protocols' own.
pub const BANK: [BankEntry; 12] = [
    safety(
        "no duplication",
        "no process delivers the same message more than once",
        "the second delivery of a message is a bad event you can point at, and nothing after it \
         takes it back",
    ),
    liveness(
        "reliable delivery",
        "every message a correct process sends to a correct process is eventually delivered",
        "however long a message has been on its way, it may still arrive; only a run in which it \
         never does breaks the property",
    ),
    safety(
        "one leader per term",
        "there are never two leaders in the same term",
        "the moment a second leader is elected in a term, the run is broken for good",
    ),
    liveness(
        "strong completeness",
        "every process that crashes is eventually suspected by every correct process",
        "a crash not suspected yet may be suspected at the next step; only a run that never \
         suspects it breaks the property",
    ),
    safety(
        "strong accuracy",
        "a process is suspected only if it has crashed",
        "suspecting a process that is still up is a bad event at a point of the run, and it \
         cannot be undone",
    ),
    liveness(
        "eventual accuracy",
        "there is a time after which no correct process is suspected by any correct process",
        "wrong suspicions so far do not break it: they may stop at any later time",
    ),
    safety(
        "no creation",
        "every message a process delivers was sent to it by some process",
        "delivering a message nobody sent is a bad event at one point of the run",
    ),
    liveness(
        "every request answered",
        "every request a client sends is eventually answered",
        "an unanswered request may still be answered later; only a run that never answers it \
         breaks the property",
    ),
    safety(
        "mutual exclusion",
        "no two processes are in the critical section at the same time",
        "the step at which a second process enters is the bad event",
    ),
    liveness(
        "no starvation",
        "every process that asks to enter the critical section eventually enters it",
        "a process still waiting may get in next; only a run in which it waits for ever breaks \
         the property",
    ),
    safety(
        "agreement",
        "no two processes decide different values",
        "the second, different decision is a bad event, and decisions are never taken back",
    ),
    liveness(
        "termination",
        "every correct process eventually decides a value",
        "a process that has not decided yet may decide at the next step",
    ),
];

/// Safety, as the feedback states it.
pub const SAFETY: &str = "Safety: nothing bad ever happens. A counterexample is a finite bad \
                          prefix: the first event where it breaks, and nothing later can undo it.";

/// Liveness, as the feedback states it.
pub const LIVENESS: &str = "Liveness: something good eventually happens. No finite run breaks \
                            it: a counterexample is a run that never gets there.";

fn definition(kind: PropertyKind) -> &'static str {
    match kind {
        PropertyKind::Safety => SAFETY,
        PropertyKind::Liveness => LIVENESS,
    }
}

fn kind_word(kind: PropertyKind) -> &'static str {
    match kind {
        PropertyKind::Safety => "safety",
        PropertyKind::Liveness => "liveness",
    }
}

/// The options of an easy question, in this order.
const KINDS: [PropertyKind; 2] = [PropertyKind::Safety, PropertyKind::Liveness];

/// The options of the hard "could a longer run still satisfy it?" question, in this order.
const YES: &str = "Yes: some longer run that goes on from here satisfies it";
const NO: &str = "No: it is broken for good, whatever comes next";

/// The most events a run may have to be shown.
const MAX_EVENTS: usize = 300;

/// Is a property safety or liveness?
pub struct SafetyOrLiveness;

/// One property to classify: a protocol's (with its verdict on the run shown) or the bank's.
#[derive(Clone, Debug, PartialEq)]
struct Item {
    /// As the question names it: `agreement (paxos)`, `no duplication`.
    name: String,
    statement: String,
    kind: PropertyKind,
    /// The bank's reason, for a bank entry.
    why: Option<&'static str>,
    /// Its verdict on the run shown, for a property of the run's protocol.
    verdict: Option<Verdict>,
}

impl Item {
    fn of_report(protocol: &str, r: &PropertyReport) -> Item {
        Item {
            name: format!("{} ({protocol})", r.name),
            statement: plain(&r.description),
            kind: r.kind,
            why: None,
            verdict: Some(r.verdict.clone()),
        }
    }

    fn of_bank(b: &BankEntry) -> Item {
        Item {
            name: b.name.to_string(),
            statement: b.statement.to_string(),
            kind: b.kind,
            why: Some(b.why),
            verdict: None,
        }
    }

    /// `name: "statement"`.
    fn quoted(&self) -> String {
        format!("{}: \"{}\"", self.name, self.statement)
    }

    /// The events its violation on the run shows (none if it holds or is not the run's).
    fn events(&self) -> Vec<EventId> {
        match &self.verdict {
            Some(Verdict::Violated { events, .. }) => events.clone(),
            _ => Vec::new(),
        }
    }

    /// Why it is of its kind, and what the run shown says of it.
    fn explain(&self) -> String {
        let mut text = format!(
            "{} is a {} property. {}",
            self.name,
            kind_word(self.kind),
            definition(self.kind)
        );
        if let Some(why) = self.why {
            text.push_str(&format!(" Here, {why}."));
        }
        match (&self.verdict, self.kind) {
            (Some(Verdict::Violated { explanation, .. }), PropertyKind::Safety) => text.push_str(
                &format!(" In this run it breaks ({explanation}), and no later event mends it."),
            ),
            (Some(Verdict::Violated { explanation, .. }), PropertyKind::Liveness) => {
                text.push_str(&format!(
                    " This run ends before the good thing happens ({explanation}), yet a longer \
                     run could still get there."
                ))
            }
            (Some(Verdict::Holds), _) => text.push_str(" In this run it holds."),
            (None, _) => {}
        }
        text
    }
}

/// A description without the trailing note on whether it is promised here.
fn plain(description: &str) -> String {
    let text = description.trim();
    if text.ends_with(')') {
        let mut depth = 0usize;
        for (i, c) in text.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth -= 1;
                    if depth == 0 {
                        if text[i..].contains("promised") {
                            return text[..i].trim_end().to_string();
                        }
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    text.to_string()
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn letter(i: usize) -> String {
    char::from(b'A' + i as u8).to_string()
}

/// A set of letters (bit i is letter i) as an option: `none`, `B only`, `A and C`.
fn set_text(bits: u32, n: usize) -> String {
    let letters: Vec<String> = (0..n)
        .filter(|i| bits & (1 << i) != 0)
        .map(letter)
        .collect();
    match letters.len() {
        0 => "none".into(),
        1 => format!("{} only", letters[0]),
        _ => and_list(&letters),
    }
}

/// Shuffle in place with the exercise's generator.
fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// The protocols to draw runs from: the lesson's own if any has an example, else every one
/// registered that has an example.
fn pool() -> Vec<ProtocolInfo> {
    let with_examples = |ps: Vec<ProtocolInfo>| -> Vec<ProtocolInfo> {
        ps.into_iter()
            .filter(|p| !(p.examples)().is_empty())
            .collect()
    };
    let own = with_examples(super::lesson().protocols());
    if own.is_empty() {
        with_examples(crate::protocols::all())
    } else {
        own
    }
}

/// A run drawn for an exercise: its scenario, trace and property reports.
struct Drawn {
    protocol: &'static str,
    scenario: Scenario,
    trace: Arc<Trace>,
    run: Run,
    reports: Vec<PropertyReport>,
}

/// How a hard exercise changes the prepared scenario it starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tweak {
    None,
    Reseed,
    Broken,
    Lossy,
}

/// A prepared scenario of the pool, changed by `tweak`, run to its end, if it runs cleanly, is
/// small enough to show and its protocol declares properties.
fn draw(pool: &[ProtocolInfo], tweak: Tweak, rng: &mut Rng) -> Option<Drawn> {
    let protocol = pool.get(rng.random_range(0..pool.len().max(1)))?;
    let examples = (protocol.examples)();
    let mut scenario = examples
        .get(rng.random_range(0..examples.len().max(1)))?
        .clone();
    match tweak {
        Tweak::None => {}
        Tweak::Reseed => scenario.seed = rng.random_range(0..1_000_000),
        Tweak::Broken => {
            let broken: Vec<_> = protocol.variants.iter().filter(|v| v.broken).collect();
            if broken.is_empty() {
                return None;
            }
            scenario.variant = broken[rng.random_range(0..broken.len())].name.to_string();
            scenario.seed = rng.random_range(0..1_000_000);
        }
        Tweak::Lossy => {
            scenario.network.loss = [0.2, 0.3, 0.4][rng.random_range(0..3)];
            scenario.seed = rng.random_range(0..1_000_000);
        }
    }
    let run = Run::complete(&scenario).ok()?;
    let trace = run.trace();
    if !trace.warnings.is_empty() || trace.events.is_empty() || trace.events.len() > MAX_EVENTS {
        return None;
    }
    let reports = run.check(trace);
    if reports.is_empty() {
        return None;
    }
    Some(Drawn {
        protocol: protocol.name,
        trace: Arc::new(trace.clone()),
        scenario,
        run,
        reports,
    })
}

/// Draw until a run is usable ([`draw`]); `None` after `tries` draws that are not.
fn draw_until(
    pool: &[ProtocolInfo],
    rng: &mut Rng,
    tries: usize,
    mut tweak: impl FnMut(&mut Rng) -> Tweak,
) -> Option<Drawn> {
    (0..tries).find_map(|_| {
        let t = tweak(rng);
        draw(pool, t, rng)
    })
}

/// Which question an exercise asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    /// One property: safety or liveness?
    Kind,
    /// Which of several properties are safety properties?
    Set,
    /// Could a longer run still satisfy a violated property?
    Longer,
    /// Where does a violated safety property break?
    Pick,
}

/// What the checker needs besides the exercise: the properties asked about, and for a hard
/// question on where a property breaks, the events of the step that breaks it.
#[derive(Clone, Debug)]
struct Plan {
    ask: Ask,
    items: Vec<Item>,
    /// For a `PickEvents` question: the events of the step at which the bad prefix ends.
    breaking: Vec<EventId>,
}

impl SafetyOrLiveness {
    fn scenario_named(&self, mut scenario: Scenario, level: Level, seed: u64) -> Scenario {
        scenario.name = format!("models-{}-{level}-{seed}", self.id());
        scenario.title = format!("{} ({level})", self.title());
        scenario
    }

    fn exercise(&self, level: Level, seed: u64, drawn: &Drawn, parts: Parts) -> Exercise {
        Exercise::assemble(
            self,
            level,
            seed,
            Made {
                prompt: parts.prompt,
                scenario: self.scenario_named(drawn.scenario.clone(), level, seed),
                trace: drawn.trace.clone(),
                show: Show {
                    labels: Labels::Names,
                    hidden_messages: Vec::new(),
                    marked: parts.marked,
                },
                question: parts.question,
                solution: parts.solution,
            },
        )
    }

    /// The exercise and what its checker needs.
    fn build(&self, level: Level, seed: u64) -> (Exercise, Plan) {
        let mut rng = seeded_rng(seed ^ 0x5afe_71fe);
        let pool = pool();
        assert!(
            !pool.is_empty(),
            "no registered protocol has a prepared scenario to draw a run from"
        );
        if level == Level::Hard {
            if let Some(made) = self.hard(seed, &pool, &mut rng) {
                return made;
            }
            // The lesson's own protocols broke nothing: try every registered one.
            let all: Vec<ProtocolInfo> = crate::protocols::all()
                .into_iter()
                .filter(|p| !(p.examples)().is_empty())
                .collect();
            if let Some(made) = self.hard(seed, &all, &mut rng) {
                return made;
            }
        }
        let drawn = draw_until(&pool, &mut rng, 200, |_| Tweak::None)
            .or_else(|| draw_until(&pool, &mut rng, 200, pick_tweak))
            .expect("some prepared scenario runs cleanly and declares properties");
        match level {
            Level::Easy => self.easy(seed, drawn, &mut rng),
            _ => self.medium(level, seed, drawn, &mut rng),
        }
    }

    fn easy(&self, seed: u64, drawn: Drawn, rng: &mut Rng) -> (Exercise, Plan) {
        let item = if rng.random_bool(0.5) {
            let r = &drawn.reports[rng.random_range(0..drawn.reports.len())];
            Item::of_report(drawn.protocol, r)
        } else {
            Item::of_bank(&BANK[rng.random_range(0..BANK.len())])
        };
        self.easy_with(seed, &drawn, item)
    }

    fn easy_with(&self, seed: u64, drawn: &Drawn, item: Item) -> (Exercise, Plan) {
        let about = if item.verdict.is_some() {
            format!(
                "This is a run of {}. Its protocol declares the property {}.",
                drawn.protocol,
                item.quoted()
            )
        } else {
            format!(
                "This is a run of {}, but the property asked about comes from the course, not \
                 from its protocol: {}.",
                drawn.protocol,
                item.quoted()
            )
        };
        let prompt = format!(
            "{about} Is {} a safety property (nothing bad ever happens) or a liveness property \
             (something good eventually happens)?",
            item.name
        );
        let right = KINDS.iter().position(|&k| k == item.kind).expect("a kind");
        let parts = Parts {
            prompt,
            marked: Vec::new(),
            question: Question::Choice {
                options: KINDS.iter().map(|&k| capital(kind_word(k))).collect(),
            },
            solution: Answer::Choice(right),
        };
        let exercise = self.exercise(Level::Easy, seed, drawn, parts);
        let plan = Plan {
            ask: Ask::Kind,
            items: vec![item],
            breaking: Vec::new(),
        };
        (exercise, plan)
    }

    fn medium(&self, level: Level, seed: u64, drawn: Drawn, rng: &mut Rng) -> (Exercise, Plan) {
        let n = rng.random_range(3..=4usize);
        let mut reports: Vec<&PropertyReport> = drawn.reports.iter().collect();
        shuffle(&mut reports, rng);
        let from_protocol = reports.len().min(n - 1);
        let mut items: Vec<Item> = reports[..from_protocol]
            .iter()
            .map(|r| Item::of_report(drawn.protocol, r))
            .collect();
        let mut bank: Vec<&BankEntry> = BANK.iter().collect();
        shuffle(&mut bank, rng);
        items.extend(bank.iter().take(n - items.len()).map(|b| Item::of_bank(b)));
        shuffle(&mut items, rng);
        let n = items.len();
        let right: u32 = (0..n)
            .filter(|&i| items[i].kind == PropertyKind::Safety)
            .fold(0, |bits, i| bits | 1 << i);
        // The right set and three others, in a random order.
        let mut others: Vec<u32> = (0..1u32 << n).filter(|&b| b != right).collect();
        shuffle(&mut others, rng);
        let mut sets: Vec<u32> = others.into_iter().take(3).collect();
        sets.push(right);
        shuffle(&mut sets, rng);
        let listed: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("({}) {}", letter(i), item.quoted()))
            .collect();
        let prompt = format!(
            "This is a run of {}. Here are {n} properties, some declared by its protocol, some \
             from the course: {}. Which of them are safety properties (nothing bad ever \
             happens)? The others are liveness properties (something good eventually happens).",
            drawn.protocol,
            listed.join("; ")
        );
        let parts = Parts {
            prompt,
            marked: Vec::new(),
            question: Question::Choice {
                options: sets.iter().map(|&b| set_text(b, n)).collect(),
            },
            solution: Answer::Choice(sets.iter().position(|&b| b == right).expect("listed")),
        };
        let exercise = self.exercise(level, seed, &drawn, parts);
        let plan = Plan {
            ask: Ask::Set,
            items,
            breaking: Vec::new(),
        };
        (exercise, plan)
    }

    fn hard(&self, seed: u64, pool: &[ProtocolInfo], rng: &mut Rng) -> Option<(Exercise, Plan)> {
        for _ in 0..400 {
            let tweak = pick_tweak(rng);
            let Some(drawn) = draw(pool, tweak, rng) else {
                continue;
            };
            let violated = |kind: PropertyKind| -> Vec<usize> {
                (0..drawn.reports.len())
                    .filter(|&i| drawn.reports[i].kind == kind && !drawn.reports[i].verdict.holds())
                    .collect()
            };
            // A safety property is asked about only if some event of the run breaks it.
            let safety: Vec<(usize, Vec<EventId>, Verdict)> = violated(PropertyKind::Safety)
                .into_iter()
                .filter_map(|i| breaking_step(&drawn, i).map(|(b, v)| (i, b, v)))
                .collect();
            let liveness = violated(PropertyKind::Liveness);
            if safety.is_empty() && liveness.is_empty() {
                continue;
            }
            // Safety a little more often than not, when there is a choice: liveness violations
            // are the commoner in runs that end.
            if !safety.is_empty() && (liveness.is_empty() || rng.random_bool(0.6)) {
                let (index, breaking, verdict) = safety[rng.random_range(0..safety.len())].clone();
                let item = Item::of_report(drawn.protocol, &drawn.reports[index]);
                if rng.random_bool(0.5) {
                    // Explained as the shortest bad prefix shows it.
                    let item = Item {
                        verdict: Some(verdict),
                        ..item
                    };
                    return Some(self.hard_pick(seed, &drawn, item, breaking));
                }
                return Some(self.hard_choice(seed, &drawn, item));
            }
            let index = liveness[rng.random_range(0..liveness.len())];
            let item = Item::of_report(drawn.protocol, &drawn.reports[index]);
            return Some(self.hard_choice(seed, &drawn, item));
        }
        None
    }

    fn hard_pick(
        &self,
        seed: u64,
        drawn: &Drawn,
        item: Item,
        breaking: Vec<EventId>,
    ) -> (Exercise, Plan) {
        let prompt = format!(
            "In this run of {} the safety property {} is broken. A safety property is broken by \
             a finite bad prefix of the run. Click the event where the shortest bad prefix ends: \
             the first event after which {} no longer holds.",
            variant_text(drawn),
            item.quoted(),
            item.name
        );
        let solution = item
            .events()
            .into_iter()
            .find(|e| breaking.contains(e))
            .unwrap_or(breaking[0]);
        let parts = Parts {
            prompt,
            marked: Vec::new(),
            question: Question::PickEvents {
                roles: vec!["where it breaks".into()],
            },
            solution: Answer::PickEvents(vec![solution]),
        };
        let exercise = self.exercise(Level::Hard, seed, drawn, parts);
        let plan = Plan {
            ask: Ask::Pick,
            items: vec![item],
            breaking,
        };
        (exercise, plan)
    }

    fn hard_choice(&self, seed: u64, drawn: &Drawn, item: Item) -> (Exercise, Plan) {
        let explanation = match &item.verdict {
            Some(Verdict::Violated { explanation, .. }) => explanation.clone(),
            _ => String::new(),
        };
        let prompt = format!(
            "At the end of this run of {}, the property {} does not hold: {explanation}. Could \
             a longer run that goes on from this one, event for event, still satisfy {}?",
            variant_text(drawn),
            item.quoted(),
            item.name
        );
        let right = match item.kind {
            PropertyKind::Safety => 1,
            PropertyKind::Liveness => 0,
        };
        let parts = Parts {
            prompt,
            marked: item.events(),
            question: Question::Choice {
                options: vec![YES.into(), NO.into()],
            },
            solution: Answer::Choice(right),
        };
        let exercise = self.exercise(Level::Hard, seed, drawn, parts);
        let plan = Plan {
            ask: Ask::Longer,
            items: vec![item],
            breaking: Vec::new(),
        };
        (exercise, plan)
    }
}

/// The parts of an exercise that depend on the question.
struct Parts {
    prompt: String,
    marked: Vec<EventId>,
    question: Question,
    solution: Answer,
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn pick_tweak(rng: &mut Rng) -> Tweak {
    [Tweak::None, Tweak::Reseed, Tweak::Broken, Tweak::Lossy][rng.random_range(0..4)]
}

/// `paxos` or `paxos (variant broken-acceptor)`.
fn variant_text(drawn: &Drawn) -> String {
    if drawn.scenario.variant.is_empty() {
        drawn.protocol.to_string()
    } else {
        format!("{} (variant {})", drawn.protocol, drawn.scenario.variant)
    }
}

/// The events of the step at which the safety property `index` of the drawn run breaks (the
/// last step of its shortest violated prefix), and its verdict on that prefix. `None` if the
/// empty prefix already breaks it, or the verdict on that prefix does not point at an event of
/// that step.
fn breaking_step(drawn: &Drawn, index: usize) -> Option<(Vec<EventId>, Verdict)> {
    let property = &drawn.run.properties()[index];
    let broken = |steps: u64| !property.check(&drawn.trace.prefix(steps)).holds();
    let (mut safe, mut bad) = (0u64, drawn.trace.step_count());
    if broken(safe) || !broken(bad) {
        return None;
    }
    // Invariant: the prefix of `safe` steps keeps the property, that of `bad` steps breaks it.
    while bad - safe > 1 {
        let mid = safe + (bad - safe) / 2;
        if broken(mid) {
            bad = mid;
        } else {
            safe = mid;
        }
    }
    let step = bad - 1;
    let events: Vec<EventId> = drawn
        .trace
        .events
        .iter()
        .filter(|e| e.step == step)
        .map(|e| e.id)
        .collect();
    let verdict = property.check(&drawn.trace.prefix(bad));
    // The checker must point at the event that breaks it: a violation it can only see as
    // something missing at the end of a prefix is no bad event to click.
    let pointed = match &verdict {
        Verdict::Violated { events: shown, .. } => shown.iter().any(|e| events.contains(e)),
        Verdict::Holds => false,
    };
    pointed.then_some((events, verdict))
}

impl ExerciseKind for SafetyOrLiveness {
    fn id(&self) -> &'static str {
        "safety-or-liveness"
    }

    fn title(&self) -> &'static str {
        "Safety or liveness?"
    }

    fn generate(&self, level: Level, seed: u64) -> Exercise {
        self.build(level, seed).0
    }

    fn check(&self, exercise: &Exercise, answer: &Answer) -> Feedback {
        let (again, plan) = self.build(exercise.level, exercise.seed);
        if again.question != exercise.question || again.prompt != exercise.prompt {
            return Feedback::wrong(
                "This exercise was made from other lessons than the ones loaded now: start a \
                 new one.",
                Vec::new(),
            );
        }
        match (&exercise.question, answer) {
            (Question::Choice { options }, Answer::Choice(i)) => {
                let Some(option) = options.get(*i) else {
                    return Feedback::wrong(
                        format!("Choose one of the {} options.", options.len()),
                        Vec::new(),
                    );
                };
                match plan.ask {
                    Ask::Kind => check_easy(&plan, options, *i),
                    Ask::Set => check_medium(&plan, options, *i),
                    Ask::Longer | Ask::Pick => check_longer(&plan, option),
                }
            }
            (Question::Choice { .. }, _) => wrong_form("choose one of the options"),
            (Question::PickEvents { .. }, Answer::PickEvents(picks)) => {
                check_pick(exercise, &plan, picks)
            }
            (Question::PickEvents { .. }, _) => wrong_form("click an event on the diagram"),
            _ => wrong_form("answer another question"),
        }
    }
}

fn check_easy(plan: &Plan, options: &[String], i: usize) -> Feedback {
    let item = &plan.items[0];
    let chosen = KINDS[i.min(KINDS.len() - 1)];
    if chosen == item.kind {
        Feedback::right(format!("Right: {}", item.explain()), item.events())
    } else {
        Feedback::wrong(
            format!("Not {}: {}", options[i].to_lowercase(), item.explain()),
            item.events(),
        )
    }
}

fn check_medium(plan: &Plan, options: &[String], i: usize) -> Feedback {
    let n = plan.items.len();
    let right: u32 = (0..n)
        .filter(|&k| plan.items[k].kind == PropertyKind::Safety)
        .fold(0, |bits, k| bits | 1 << k);
    // The set an option names: the one whose text it is (found by writing every set).
    let Some(chosen) = (0..1u32 << n).find(|&b| set_text(b, n) == options[i]) else {
        return Feedback::wrong(
            format!("Not {}: choose one of the sets offered.", options[i]),
            Vec::new(),
        );
    };
    let events: Vec<EventId> = plan.items.iter().flat_map(Item::events).collect();
    if chosen == right {
        return Feedback::right(
            format!("Right: {}. {} {}", set_text(right, n), SAFETY, LIVENESS),
            events,
        );
    }
    let first = (0..n)
        .find(|&k| (chosen ^ right) & (1 << k) != 0)
        .expect("the sets differ");
    let item = &plan.items[first];
    Feedback::wrong(
        format!(
            "Not {}: ({}) {} The right answer is {}.",
            options[i],
            letter(first),
            item.explain(),
            set_text(right, n)
        ),
        item.events(),
    )
}

fn check_longer(plan: &Plan, option: &str) -> Feedback {
    let item = &plan.items[0];
    let right = match item.kind {
        PropertyKind::Safety => NO,
        PropertyKind::Liveness => YES,
    };
    let message = match item.kind {
        PropertyKind::Safety => format!(
            "the property {} is a safety property, and this run already holds a bad prefix: \
             whatever comes after it, the bad thing has happened. {SAFETY}",
            item.name
        ),
        PropertyKind::Liveness => format!(
            "the property {} is a liveness property: the good thing has not happened yet, but \
             any finite run \
             can be extended so that it does (a message still delivered, a process still \
             deciding). {LIVENESS}",
            item.name
        ),
    };
    let short = |o: &str| o.split(':').next().unwrap_or(o).to_lowercase();
    if option == right {
        Feedback::right(
            format!("Right: {}. {}", short(right), capital(&message)),
            item.events(),
        )
    } else {
        Feedback::wrong(format!("Not {}: {message}", short(option)), item.events())
    }
}

fn check_pick(exercise: &Exercise, plan: &Plan, picks: &[EventId]) -> Feedback {
    let item = &plan.items[0];
    let [pick] = picks else {
        return Feedback::wrong(
            "Click one event: the one where the property breaks.",
            Vec::new(),
        );
    };
    let trace = &exercise.trace;
    let Some(event) = trace.events.get(*pick) else {
        return Feedback::wrong("Click an event of the diagram.", Vec::new());
    };
    let Answer::PickEvents(solution) = exercise.solution() else {
        return wrong_form("answer another question");
    };
    let right = solution[0];
    let step = trace.events[right].step;
    let broken = match &item.verdict {
        Some(Verdict::Violated { explanation, .. }) => explanation.clone(),
        _ => String::new(),
    };
    if plan.breaking.contains(pick) {
        return Feedback::right(
            format!(
                "Right: up to {} the run is still safe for {}; with {} it breaks ({broken}), and \
                 nothing later can undo it. {SAFETY}",
                before_name(trace, right),
                item.name,
                event_name(*pick)
            ),
            vec![*pick],
        );
    }
    let message = if event.step < step {
        format!(
            "Not {}: the run up to {} still keeps {}: nothing bad has happened yet, and the run \
             could go on without ever breaking it. It breaks at {} ({broken}). {SAFETY}",
            event_name(*pick),
            event_name(*pick),
            item.name,
            event_name(right)
        )
    } else {
        format!(
            "Not {}: by then {} was already broken, at {} ({broken}); the bad prefix ends there, \
             and nothing later, {} included, can undo it. {SAFETY}",
            event_name(*pick),
            item.name,
            event_name(right),
            event_name(*pick)
        )
    };
    Feedback::wrong(message, vec![*pick, right])
}

/// `the event before b`, named, or `the start` for the first event.
fn before_name(trace: &Trace, e: EventId) -> String {
    let step = trace.events[e].step;
    trace
        .events
        .iter()
        .rev()
        .find(|x| x.step < step)
        .map_or("the start".to_string(), |x| event_name(x.id))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const SEEDS: u64 = 200;

    fn at(ex: &Exercise) -> String {
        format!("{} {} seed {}", ex.kind, ex.level, ex.seed)
    }

    fn every() -> impl Iterator<Item = Exercise> {
        Level::ALL
            .into_iter()
            .flat_map(|level| (0..SEEDS).map(move |seed| SafetyOrLiveness.generate(level, seed)))
    }

    fn json(trace: &Trace) -> String {
        serde_json::to_string(trace).expect("a trace serialises")
    }

    fn names_a_definition(message: &str) -> bool {
        message.contains("nothing bad ever happens")
            || message.contains("something good eventually happens")
    }

    #[test]
    fn the_lesson_offers_the_kind() {
        let ids: Vec<&str> = kinds().iter().map(|k| k.id()).collect();
        assert_eq!(ids, ["safety-or-liveness"]);
        assert_eq!(SafetyOrLiveness.title(), "Safety or liveness?");
        let lesson = super::super::lesson();
        assert_eq!((lesson.id, lesson.title), ("models", "System models"));
        assert_eq!(lesson.exercises().len(), 1);
    }

    #[test]
    fn every_level_generates_deterministically_and_its_run_replays() {
        for ex in every() {
            let again = SafetyOrLiveness.generate(ex.level, ex.seed);
            assert_eq!(ex, again, "{}", at(&ex));
            assert_eq!(json(&ex.trace), json(&again.trace), "{}", at(&ex));
            assert_eq!(ex.kind, "safety-or-liveness");
            assert_eq!(ex.title, "Safety or liveness?");
            assert!(
                !ex.prompt.is_empty() && !ex.prompt.contains('\n'),
                "{}",
                at(&ex)
            );
            assert!(ex.scenario.name.starts_with("models-"), "{}", at(&ex));
            let rerun = Run::complete(&ex.scenario).expect("the scenario runs");
            assert_eq!(json(rerun.trace()), json(&ex.trace), "{}: rerun", at(&ex));
            assert!(rerun.trace().warnings.is_empty(), "{}", at(&ex));
            let back: Scenario =
                serde_json::from_str(&serde_json::to_string(&ex.scenario).unwrap()).unwrap();
            assert_eq!(back, ex.scenario);
        }
    }

    #[test]
    fn exercises_are_valid_for_the_app() {
        for ex in every() {
            let n = ex.trace.events.len();
            assert_eq!(ex.show.labels, Labels::Names);
            assert!(ex.show.hidden_messages.is_empty());
            assert!(ex.show.marked.iter().all(|&e| e < n), "{}", at(&ex));
            match (&ex.question, ex.solution()) {
                (Question::Choice { options }, Answer::Choice(i)) => {
                    assert!(*i < options.len(), "{}", at(&ex));
                    let distinct: BTreeSet<&String> = options.iter().collect();
                    assert_eq!(distinct.len(), options.len(), "{}: options repeat", at(&ex));
                    assert!(options.len() >= 2, "{}", at(&ex));
                }
                (Question::PickEvents { roles }, Answer::PickEvents(events)) => {
                    assert_eq!(ex.level, Level::Hard);
                    assert_eq!(roles.len(), events.len(), "{}", at(&ex));
                    assert!(events.iter().all(|&e| e < n), "{}", at(&ex));
                    assert!(ex.show.marked.is_empty(), "{}: gives it away", at(&ex));
                }
                other => panic!("{}: unexpected question {other:?}", at(&ex)),
            }
        }
    }

    #[test]
    fn the_right_answer_is_accepted_and_wrong_ones_are_explained() {
        for ex in every() {
            let k = &SafetyOrLiveness;
            let right = k.check(&ex, ex.solution());
            assert!(right.correct, "{}: {}", at(&ex), right.message);
            assert!(right.message.starts_with("Right"), "{}", at(&ex));
            assert!(names_a_definition(&right.message), "{}", at(&ex));
            let n = ex.trace.events.len();
            assert!(right.events.iter().all(|&e| e < n), "{}", at(&ex));
            match (&ex.question, ex.solution()) {
                (Question::Choice { options }, Answer::Choice(s)) => {
                    for i in (0..options.len()).filter(|i| i != s) {
                        let f = k.check(&ex, &Answer::Choice(i));
                        assert!(!f.correct, "{}: accepted {:?}", at(&ex), options[i]);
                        assert!(f.message.starts_with("Not "), "{}: {}", at(&ex), f.message);
                        assert!(names_a_definition(&f.message), "{}: {}", at(&ex), f.message);
                        assert!(f.events.iter().all(|&e| e < n), "{}", at(&ex));
                    }
                    assert!(!k.check(&ex, &Answer::Choice(options.len())).correct);
                }
                (Question::PickEvents { .. }, Answer::PickEvents(s)) => {
                    let step = ex.trace.events[s[0]].step;
                    let wrong = ex.trace.events.iter().filter(|e| e.step != step);
                    let (before, after): (Vec<_>, Vec<_>) = wrong.partition(|e| e.step < step);
                    assert!(!before.is_empty(), "{}: broken at the start", at(&ex));
                    for e in before.last().into_iter().chain(after.first()) {
                        let f = k.check(&ex, &Answer::PickEvents(vec![e.id]));
                        assert!(!f.correct, "{}: accepted {}", at(&ex), event_name(e.id));
                        assert!(f.message.starts_with("Not "), "{}: {}", at(&ex), f.message);
                        assert!(f.message.contains(&event_name(s[0])), "{}", at(&ex));
                        assert!(names_a_definition(&f.message), "{}", at(&ex));
                        assert_eq!(f.events, vec![e.id, s[0]], "{}", at(&ex));
                    }
                    assert!(!k.check(&ex, &Answer::PickEvents(vec![])).correct);
                    assert!(!k.check(&ex, &Answer::PickEvents(vec![n])).correct);
                }
                _ => unreachable!(),
            }
            assert!(!k.check(&ex, &Answer::Fill(vec![])).correct);
        }
    }

    /// The shortest bad prefix found for a pick question is bad, and one step shorter is not.
    #[test]
    fn hard_picks_end_the_shortest_bad_prefix() {
        let mut forms = BTreeSet::new();
        let mut kinds_asked = BTreeSet::new();
        for seed in 0..SEEDS {
            let (ex, plan) = SafetyOrLiveness.build(Level::Hard, seed);
            assert!(matches!(plan.ask, Ask::Pick | Ask::Longer), "{}", at(&ex));
            let item = &plan.items[0];
            assert!(!item.verdict.as_ref().unwrap().holds(), "{}", at(&ex));
            forms.insert(format!("{:?}", plan.ask));
            kinds_asked.insert(kind_word(item.kind));
            if plan.ask != Ask::Pick {
                continue;
            }
            assert_eq!(item.kind, PropertyKind::Safety);
            let run = Run::new(&ex.scenario).unwrap();
            let name = item.name.split(" (").next().unwrap();
            let property = run.properties().iter().find(|p| p.name == name).unwrap();
            let step = ex.trace.events[plan.breaking[0]].step;
            assert!(
                property.check(&ex.trace.prefix(step)).holds(),
                "{}",
                at(&ex)
            );
            assert!(
                !property.check(&ex.trace.prefix(step + 1)).holds(),
                "{}",
                at(&ex)
            );
        }
        assert_eq!(forms.len(), 2, "hard asks only {forms:?}");
        assert_eq!(kinds_asked.len(), 2, "hard asks only about {kinds_asked:?}");
    }

    #[test]
    fn easy_and_medium_mix_protocol_and_course_properties() {
        for level in [Level::Easy, Level::Medium] {
            let (mut bank, mut declared, mut kinds_seen) = (0, 0, BTreeSet::new());
            for seed in 0..SEEDS {
                let (ex, plan) = SafetyOrLiveness.build(level, seed);
                let expected = if level == Level::Easy {
                    Ask::Kind
                } else {
                    Ask::Set
                };
                assert_eq!(plan.ask, expected, "{}", at(&ex));
                for item in &plan.items {
                    assert!(ex.prompt.contains(&item.quoted()), "{}", at(&ex));
                    if item.verdict.is_some() {
                        declared += 1;
                    } else {
                        bank += 1;
                    }
                    kinds_seen.insert(kind_word(item.kind));
                }
                if level == Level::Medium {
                    assert!((3..=4).contains(&plan.items.len()), "{}", at(&ex));
                }
            }
            assert!(
                bank > 20 && declared > 20,
                "{level}: {bank} from the bank, {declared}"
            );
            assert_eq!(kinds_seen.len(), 2, "{level}");
        }
    }

    /// A drawn run of the first usable prepared scenario, to ask about any property with.
    fn some_run() -> Drawn {
        let pool = pool();
        let mut rng = seeded_rng(1);
        draw_until(&pool, &mut rng, 200, |_| Tweak::None).unwrap()
    }

    /// The answer the easy question takes as right is the property's kind, for every bank entry
    /// and every property of every prepared scenario of the registry.
    #[test]
    fn every_classification_agrees_with_the_property_kind() {
        let drawn = some_run();
        let mut items: Vec<Item> = BANK.iter().map(Item::of_bank).collect();
        for p in crate::protocols::all() {
            for s in (p.examples)() {
                let Ok(run) = Run::new(&s) else { continue };
                for property in run.properties() {
                    items.push(Item {
                        name: format!("{} ({})", property.name, p.name),
                        statement: plain(&property.description),
                        kind: property.kind,
                        why: None,
                        verdict: None,
                    });
                }
            }
        }
        assert!(items.len() > BANK.len());
        for item in items {
            let kind = item.kind;
            let (ex, plan) = SafetyOrLiveness.easy_with(3, &drawn, item);
            let Question::Choice { options } = &ex.question else {
                panic!("easy asks a choice")
            };
            for (i, k) in KINDS.iter().enumerate() {
                let f = check_easy(&plan, options, i);
                assert_eq!(
                    f.correct,
                    *k == kind,
                    "{}: {}",
                    plan.items[0].name,
                    f.message
                );
                assert!(f.message.contains(definition(kind)));
            }
        }
        // The bank holds both kinds, names each once, and is in its own words.
        let names: BTreeSet<&str> = BANK.iter().map(|b| b.name).collect();
        assert_eq!(names.len(), BANK.len());
        for k in KINDS {
            assert!(BANK.iter().filter(|b| b.kind == k).count() >= 5);
        }
    }

    #[test]
    fn a_promise_note_is_left_out_of_the_statement() {
        assert_eq!(
            plain("some server is elected leader (promised: a majority stays up)"),
            "some server is elected leader"
        );
        assert_eq!(
            plain("x (not promised because (150 to 210) is narrow)"),
            "x"
        );
        assert_eq!(
            plain("if a then b (as in f(x))"),
            "if a then b (as in f(x))"
        );
    }
}
