//! Lessons: what each chapter of the course shows, and which prepared scenarios it opens.
//!
//! A lesson is one folder, `app/src/lessons/<id>/`, registered once in [`all`] (course order).
//! No shared file names a lesson or a protocol: the header, the side column, the diagram, the
//! keys and file drops ask the current lesson what it declares.
//!
//! A new lesson adds, in the app:
//! - `lessons/<id>/mod.rs`: `pub fn lesson() -> Lesson`, the declaration, whose `core` is the
//!   core lesson's `LessonInfo` (`spacetime_core::lessons::<id>::lesson()`);
//! - `lessons/<id>/text.rs`: `pub const TEXT: &[&str]`, the lesson text's paragraphs, read beside the diagram, with "show me" links written `[label](query)` (see `crate::reader`);
//! - `lessons/<id>/tour.json`: its guided tour (`tour: include_str!("tour.json")`), if any;
//! - `lessons/<id>/panel.rs`: its own side view ([`LessonPanel`]), if the generic views are not
//!   enough;
//! - `lessons/<id>/plots.rs`: its plots ([`LessonPlots`], drawn with the helpers of
//!   `crate::plots`), if any; the component itself decides for which of the lesson's runs it
//!   draws anything;
//! - any module of its own activities ([`LessonActivity`]: a header tab, its panel, keys and
//!   drawing on the diagram, as the clocks lesson's `playground.rs` and `import.rs`) and a file
//!   reader for drops ([`OpenFile`]), if any;
//!
//! and the registry gets one line, `<id>::lesson(),` in [`all`] (plus `pub mod <id>;`).
//! Everything else of a lesson lives in its core folder (`core/src/lessons/<id>/`), tested
//! natively: its protocols with the properties the badges check live, their prepared
//! scenarios, and its exercise kinds. The exercise panel draws any kind's question, so a
//! lesson's exercises need no code here.

use spacetime_core::layout::Layout;
use spacetime_core::lessons::LessonInfo;
use spacetime_core::{MessageId, Scenario, Trace};

use leptos::prelude::{Get, GetUntracked, Set};

use crate::store::{Activity, Store};

pub mod catalog;
pub mod loader;

pub use loader::{all, entry, is_loaded, Entry, LoadError, Loading};

/// A lesson's split point: `lazy_lesson!(chunk_name);` in its `mod.rs`, beside its
/// `pub fn lesson() -> Lesson`, defines `load`, which its [`Entry`] names. In the split build
/// everything only `lesson()` reaches, the lesson's core protocols, its scenarios, text, tour,
/// panel and plots, goes into the wasm chunk `chunk_name`, fetched the first time `load` is
/// called (see [`crate::lazy`]).
macro_rules! lazy_lesson {
    ($chunk:ident) => {
        split_point!($chunk, build, load -> $crate::lessons::Lesson { lesson() });
    };
}

pub mod broadcast;
pub mod clocks;
pub mod delivery;
pub mod gossip;
pub mod mapreduce;
pub mod models;
pub mod paxos;
pub mod raft;

/// One chapter of the course.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// Short, lowercase; it names the lesson's exercises. The core lesson's id.
    pub id: &'static str,
    /// What the core knows of the lesson: its protocols, their scenarios, its exercises.
    pub core: LessonInfo,
    /// The tab label.
    pub title: &'static str,
    /// The lesson text, one paragraph per entry, in our own words.
    pub text: &'static [&'static str],
    /// The lesson's own activities beside Explore and Exercises (the clocks lesson's Build and
    /// Import), each a tab in the header with its panel at the top of the side column.
    pub activities: &'static [LessonActivity],
    /// Reads a file dropped on the page that is neither a scenario nor a tour (the clocks
    /// lesson reads vector-clock logs) and shows it; says why not if it cannot.
    pub open_file: Option<OpenFile>,
    /// One-click interventions the lesson offers for runs of some protocol.
    pub actions: &'static [LessonAction],
    /// The lesson's guided tour, as the text of a tour file (empty if it has none).
    pub tour: &'static str,
    /// A view of the lesson's own drawn beside the diagram (the acceptors' table of Paxos, the
    /// stages of MapReduce), for the lessons whose protocol needs more than the generic views.
    pub panel: Option<LessonPanel>,
    /// The lesson's plots, drawn below the badges (its own module decides for which runs).
    pub plots: Option<LessonPlots>,
}

/// A lesson's own side view: a component function, mounted while one of its scenarios is on.
#[derive(Clone, Copy)]
pub struct LessonPanel(pub fn() -> leptos::prelude::AnyView);

impl std::fmt::Debug for LessonPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LessonPanel")
    }
}

/// A lesson has at most one panel, so two lessons' panels compare by the lesson they sit in.
impl PartialEq for LessonPanel {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LessonPanel {}

/// A lesson's plots: a component function, mounted while one of its scenarios is on. It draws
/// nothing for the runs it has no plots for.
#[derive(Clone, Copy)]
pub struct LessonPlots(pub fn() -> leptos::prelude::AnyView);

impl std::fmt::Debug for LessonPlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LessonPlots")
    }
}

/// A lesson has at most one set of plots: they compare by the lesson they sit in.
impl PartialEq for LessonPlots {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LessonPlots {}

/// A file's name and text, read and shown on the page; or why it cannot be.
pub type OpenFile = fn(Store, &str, &str) -> Result<(), String>;

/// Something a lesson lets the learner do besides watching and the exercises: a tab in the
/// header (`data-testid="activity-<id>"`), and while it is on, its panel at the top of the side
/// column, its keys, and (if it draws) what a press and drag on the diagram do.
#[derive(Clone, Copy)]
pub struct LessonActivity {
    /// Its tab: known before the lesson loads if it is offered everywhere (see [`Entry`]).
    pub tab: ActivityTab,
    /// The panel shown while it is on.
    pub panel: fn() -> leptos::prelude::AnyView,
    /// Puts the activity's own state in context when the page starts, above the panels, so
    /// that closing the panel keeps it.
    pub provide: fn(),
    /// Turns it on (from any other activity): sets `store.activity` and whatever else it needs.
    pub open: fn(Store),
    /// A key pressed while it is on, before the page's shortcuts; true if it took the key.
    pub keys: Option<fn(Store, &web_sys::KeyboardEvent) -> bool>,
    /// What a press and drag on the diagram's canvas do while it is on.
    pub draw: Option<DiagramDrawing>,
}

/// An activity's tab in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivityTab {
    /// Unique among every lesson's activities; `store.activity` is `Activity::Lesson(id)`.
    pub id: &'static str,
    /// The tab's label, and more of it shown only on a wide screen (may be empty).
    pub label: &'static str,
    pub wide_label: &'static str,
    /// The tab's tooltip.
    pub title: &'static str,
    /// Offered in every lesson (after Exercises), not only in its own (before Exercises).
    pub everywhere: bool,
}

/// A point on the diagram's canvas, in its pixels.
pub type Point = (f64, f64);

/// Drawing on the diagram by hand: the diagram tracks a press from where it starts to where it
/// is let go, in the diagram's pixels, and hands both ends to the activity.
#[derive(Clone, Copy)]
pub struct DiagramDrawing {
    /// Whether a press at this point starts a drawing gesture.
    pub starts_at: fn(&Layout, Point) -> bool,
    /// The gesture from the press to the release.
    pub finish: fn(Store, &Layout, Point, Point),
}

impl std::fmt::Debug for LessonActivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LessonActivity({})", self.tab.id)
    }
}

/// Activities are the same when their ids are.
impl PartialEq for LessonActivity {
    fn eq(&self, other: &Self) -> bool {
        self.tab.id == other.tab.id
    }
}

impl Eq for LessonActivity {}

/// A one-click intervention a lesson offers: it finds the message that matters in the run (the
/// last messenger of the Two Generals, say) and drops it while it is in flight.
#[derive(Clone, Copy, Debug)]
pub struct LessonAction {
    /// For `data-testid`: `action-<id>`.
    pub id: &'static str,
    pub label: &'static str,
    /// What it shows, in a sentence (the button's tooltip).
    pub help: &'static str,
    /// The protocol whose runs it applies to.
    pub protocol: &'static str,
    /// The message to drop in this run, if there is one.
    pub message: fn(&Trace) -> Option<MessageId>,
}

/// Two lessons are the same when their ids are.
impl PartialEq for Lesson {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Lesson {}

impl Lesson {
    /// The prepared scenarios of this lesson, in the order its core module lists them.
    pub fn scenarios(&self) -> Vec<Scenario> {
        self.core.scenarios()
    }

    /// The actions that apply to a run of `protocol`.
    pub fn actions_for(&self, protocol: &str) -> Vec<LessonAction> {
        self.actions
            .iter()
            .filter(|a| a.protocol == protocol)
            .copied()
            .collect()
    }

    /// Whether `scenario` belongs to this lesson: whether the lesson teaches its protocol.
    pub fn has(&self, scenario: &Scenario) -> bool {
        self.core.teaches(&scenario.protocol)
    }
}

/// Actions are the same when their ids are (a function has no stable identity to compare).
impl PartialEq for LessonAction {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for LessonAction {}

/// Every lesson, in course order: the registry. A lesson's code loads when it is first needed
/// (see [`loader`]); what the page knows before that is its [`Entry`] and its index entry
/// ([`catalog`]).
pub const CATALOG: &[Entry] = &[
    clocks::ENTRY,
    delivery::ENTRY,
    models::ENTRY,
    broadcast::ENTRY,
    gossip::ENTRY,
    paxos::ENTRY,
    mapreduce::ENTRY,
    raft::ENTRY,
];

/// The lesson activity named `id`, in whichever lesson declares it.
pub fn activity(id: &str) -> Option<LessonActivity> {
    all()
        .into_iter()
        .flat_map(|l| l.activities.iter().copied())
        .find(|a| a.tab.id == id)
}

/// The lesson activity that is on, if one is (tracked).
pub fn active(store: Store) -> Option<LessonActivity> {
    match store.activity.get() {
        Activity::Lesson(id) => activity(id),
        _ => None,
    }
}

/// The lesson activity that is on, if one is (untracked).
pub fn active_untracked(store: Store) -> Option<LessonActivity> {
    match store.activity.get_untracked() {
        Activity::Lesson(id) => activity(id),
        _ => None,
    }
}

/// The activity tabs to offer in `lesson`: its own first, then (after Exercises) those offered
/// everywhere, from any lesson, loaded or not.
pub fn activities_in(lesson: Option<&Lesson>) -> (Vec<ActivityTab>, Vec<ActivityTab>) {
    let own = lesson
        .map(|l| {
            l.activities
                .iter()
                .map(|a| a.tab)
                .filter(|t| !t.everywhere)
                .collect()
        })
        .unwrap_or_default();
    let everywhere = CATALOG
        .iter()
        .flat_map(|e| e.everywhere.iter().copied())
        .collect();
    (own, everywhere)
}

/// The lesson that declares the activity with tab `id`, loaded or not (for the tabs offered
/// everywhere, whose lesson may not have loaded yet).
pub fn owner_of_activity(id: &str) -> Option<&'static Entry> {
    CATALOG
        .iter()
        .find(|e| e.everywhere.iter().any(|t| t.id == id))
}

/// Open a file no shared reader took with the first lesson that reads it (loading the lessons
/// that read files first); if none does, the banner says why the last one that tried could not.
pub fn open_file(store: Store, name: String, text: String) {
    let readers: Vec<&'static str> = CATALOG
        .iter()
        .filter(|e| e.reads_files)
        .map(|e| e.id)
        .collect();
    loader::then_all(store, readers, move |store| {
        let mut why = String::from("no lesson reads other files");
        for open in all().into_iter().filter_map(|l| l.open_file) {
            match open(store, &name, &text) {
                Ok(()) => return,
                Err(e) => why = e,
            }
        }
        store.error.set(Some(format!(
            "{name} is neither a scenario, a tour nor a log this page reads: {why}"
        )));
    });
}

/// The lesson a scenario belongs to, by its protocol.
pub fn lesson_of(scenario: &Scenario) -> Option<Lesson> {
    all().into_iter().find(|l| l.has(scenario))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_has_scenarios_and_text() {
        for lesson in all() {
            assert!(
                !lesson.scenarios().is_empty(),
                "{} has no scenarios",
                lesson.id
            );
            assert!(!lesson.text.is_empty());
        }
    }

    #[test]
    fn every_example_belongs_to_a_lesson() {
        for s in spacetime_core::protocols::examples() {
            assert!(lesson_of(&s).is_some(), "{} has no lesson", s.name);
        }
    }

    #[test]
    fn the_app_lists_every_core_lesson_in_the_same_order() {
        let app: Vec<&str> = all().iter().map(|l| l.id).collect();
        let core: Vec<&str> = spacetime_core::lessons::all()
            .iter()
            .map(|l| l.id)
            .collect();
        assert_eq!(app, core);
    }

    #[test]
    fn the_registry_is_the_index_and_each_entry_its_lesson() {
        let registry: Vec<&str> = CATALOG.iter().map(|e| e.id).collect();
        let index: Vec<&str> = catalog::INDEX.iter().map(|l| l.id).collect();
        assert_eq!(registry, index);
        for (entry, lesson) in CATALOG.iter().zip(all()) {
            assert_eq!(entry.id, lesson.id);
            assert_eq!(entry.title(), lesson.title);
            assert!(!entry.summary.is_empty(), "{} has no summary", entry.id);
            let everywhere: Vec<ActivityTab> = lesson
                .activities
                .iter()
                .map(|a| a.tab)
                .filter(|t| t.everywhere)
                .collect();
            assert_eq!(entry.everywhere, everywhere.as_slice(), "{}", entry.id);
            assert_eq!(
                entry.reads_files,
                lesson.open_file.is_some(),
                "{}",
                entry.id
            );
        }
    }

    #[test]
    fn activity_ids_are_unique() {
        let ids: Vec<&str> = all()
            .iter()
            .flat_map(|l| l.activities.iter().map(|a| a.tab.id))
            .collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
    }

    #[test]
    fn the_last_messenger_action_finds_a_message_in_flight_to_drop() {
        let delivery = all().into_iter().find(|l| l.id == "delivery").unwrap();
        let actions = delivery.actions_for("generals");
        assert_eq!(actions.len(), 1);
        assert!(delivery.actions_for("tcp").is_empty());
        let scenario = spacetime_core::protocols::example("generals-acknowledge").unwrap();
        let trace = spacetime_core::Run::complete(&scenario)
            .unwrap()
            .trace()
            .clone();
        let m = (actions[0].message)(&trace).expect("both generals attack, so a last one exists");
        let mut killed = scenario.clone();
        killed.interventions.push(spacetime_core::Intervention {
            step: trace.messages[m].created_step + 1,
            action: spacetime_core::Action::Drop { message: m },
        });
        let run = spacetime_core::Run::complete(&killed).unwrap();
        assert!(
            run.trace().warnings.is_empty(),
            "{:?}",
            run.trace().warnings
        );
        assert_eq!(
            run.trace().messages[m].fate,
            spacetime_core::Fate::DroppedByLearner
        );
    }
}
