//! What a link shows: its scenario checked against the lessons and the simulator, its step,
//! selection and interventions kept where they still apply, and in words what was ignored.

use spacetime_core::{protocols, Intervention, Run, Scenario, Trace};

use super::codec::{intervention_text, normalised, selection_text, Link, LinkScenario};
use crate::lessons;
use crate::store::{ClockMode, Selection};

/// A view to show: what [`resolve`] makes of a link.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub scenario: Scenario,
    pub cursor: u64,
    pub clocks: ClockMode,
    pub selection: Selection,
}

// ------------------------------------------------------------------------------------------

/// Whether a mistyped scenario name looks like `known`: they share a first word of at least
/// three letters (`abc-lost-segmnt` and `abc-lost-segment`).
fn similar_names(hint: &str, known: &str) -> bool {
    let first = |s: &str| s.split('-').next().unwrap_or("").to_string();
    let word = first(known);
    word.len() >= 3 && first(hint) == word
}

/// Whether a link says nothing at all (a first visit to the bare page): the welcome shows.
pub fn is_bare(link: &Link) -> bool {
    *link == Link::default()
}

/// The lessons whose code must load before [`resolve`] can show `link`, first the one whose
/// scenario it opens. Read from the lesson index, as [`resolve`] would choose: the scenario's
/// lesson; for an unknown name the lesson the link names, or whose scenarios' names it looks
/// like, or the first; the lesson whose tour it starts.
pub fn lessons_needed(link: &Link) -> Vec<&'static str> {
    use crate::lessons::catalog;
    let first = || catalog::INDEX[0].id;
    let toured = link.tour.as_deref().and_then(catalog::lesson).map(|l| l.id);
    // The lesson the link names, or else the one whose tour it starts.
    let named = link
        .lesson
        .as_deref()
        .and_then(catalog::lesson)
        .map(|l| l.id)
        .or(toured);
    let mut ids = vec![match &link.scenario {
        Some(LinkScenario::Named(name)) => catalog::of_scenario(name)
            .map(|l| l.id)
            .or(named)
            .or_else(|| {
                catalog::INDEX
                    .iter()
                    .find(|l| {
                        name.starts_with(&format!("{}-", l.id))
                            || l.scenarios.iter().any(|(s, _)| similar_names(name, s))
                    })
                    .map(|l| l.id)
            })
            .unwrap_or_else(first),
        // A scenario of one's own that does not run falls back on a loaded lesson.
        Some(LinkScenario::Custom(s)) => catalog::of_protocol(&s.protocol)
            .map(|l| l.id)
            .or(named)
            .unwrap_or_else(first),
        None => named.unwrap_or_else(first),
    }];
    ids.extend(toured);
    ids.dedup();
    ids
}

#[cfg(test)]
mod needed {
    use super::*;

    fn needed(query: &str) -> Vec<&'static str> {
        let (link, _) = crate::link::parse(query);
        lessons_needed(&link)
    }

    #[test]
    fn a_link_needs_the_lessons_it_shows_and_no_other() {
        assert_eq!(needed("s=paxos-calm&step=3"), vec!["paxos"]);
        assert_eq!(needed("lesson=gossip"), vec!["gossip"]);
        assert_eq!(needed("tour=delivery"), vec!["delivery"]);
        assert_eq!(
            needed("s=tcp-handshake&tour=paxos"),
            vec!["delivery", "paxos"]
        );
        // An unknown name: the lesson whose scenarios it looks like, else the first.
        assert_eq!(needed("s=paxos-calmm"), vec!["paxos"]);
        assert_eq!(
            needed("s=nothing-like-it"),
            vec![crate::lessons::CATALOG[0].id]
        );
    }
}

/// The lesson with this id.
fn lesson_by_id(id: &str) -> Option<lessons::Lesson> {
    lessons::all().into_iter().find(|l| l.id == id)
}

/// What a link shows: everything it says that applies, and in `problems` each thing it says
/// that does not, in words. It always gives a view that loads.
pub fn resolve(link: &Link, problems: &mut Vec<String>) -> View {
    let resolving = resolve_scenario(link, problems);
    let trace = Run::complete(&resolving.scenario)
        .map(|r| r.trace().clone())
        .unwrap_or_default();
    resolving.place(link, &trace, problems)
}

/// A link's scenario, chosen; where in its run the link points is checked once the run is made
/// ([`Resolving::place`]), so that a big run is made once, by the store, in slices.
#[derive(Clone, Debug)]
pub struct Resolving {
    pub scenario: Scenario,
    /// Whether the link's own scenario is shown: its step and selection apply.
    applies: bool,
}

/// [`resolve`]'s first half: the scenario to run, with what of the link does not apply to it in
/// `problems`.
pub fn resolve_scenario(link: &Link, problems: &mut Vec<String>) -> Resolving {
    let first_lesson = || lessons::all().into_iter().next().expect("a lesson ships");
    // The lesson to fall back on: the one the link names, or whose scenarios' names the
    // unknown one starts like, or the first.
    let fallback = |hint: Option<&str>, problems: &mut Vec<String>| -> Scenario {
        let named = link.lesson.as_deref().and_then(lesson_by_id);
        let lesson = named
            .or_else(|| {
                let hint = hint?;
                lessons::all().into_iter().find(|l| {
                    hint.starts_with(&format!("{}-", l.id))
                        || l.scenarios().iter().any(|s| similar_names(hint, &s.name))
                })
            })
            .unwrap_or_else(first_lesson);
        if let Some(l) = &link.lesson {
            if lesson_by_id(l).is_none() {
                let ids: Vec<&str> = lessons::CATALOG.iter().map(|e| e.id).collect();
                problems.push(format!(
                    "there is no lesson \"{l}\"; the lessons are {}",
                    ids.join(", ")
                ));
            }
        }
        lesson.scenarios().remove(0)
    };
    let mut scenario_applies = true;
    let mut scenario = match &link.scenario {
        Some(LinkScenario::Named(name)) => match protocols::example(name) {
            Some(s) => s,
            None => {
                let s = fallback(Some(name), problems);
                problems.push(format!(
                    "there is no scenario \"{name}\", so \"{}\" opened instead",
                    s.name
                ));
                scenario_applies = false;
                s
            }
        },
        Some(LinkScenario::Custom(s)) => match Run::new(s) {
            Ok(_) => (**s).clone(),
            Err(e) => {
                let f = fallback(None, problems);
                problems.push(format!(
                    "the scenario in the link does not run ({e}), so \"{}\" opened instead",
                    f.name
                ));
                scenario_applies = false;
                f
            }
        },
        None => fallback(None, problems),
    };
    if !scenario_applies {
        let mut ignored = Vec::new();
        if link.variant.is_some() {
            ignored.push("variant");
        }
        if link.seed.is_some() {
            ignored.push("seed");
        }
        if link.network.is_some() {
            ignored.push("network");
        }
        if link.interventions.as_ref().is_some_and(|l| !l.is_empty()) {
            ignored.push("interventions");
        }
        if link.step.is_some() {
            ignored.push("step");
        }
        if link.selection.is_some() {
            ignored.push("selection");
        }
        if !ignored.is_empty() {
            problems.push(format!(
                "the {} given for it {} ignored",
                ignored.join(", "),
                if ignored.len() == 1 { "was" } else { "were" }
            ));
        }
        return Resolving {
            scenario,
            applies: false,
        };
    }

    if let Some(v) = &link.variant {
        let mut s = scenario.clone();
        s.variant = v.clone();
        match Run::new(&s) {
            Ok(_) => scenario = s,
            Err(e) => problems.push(format!("variant \"{v}\" was ignored: {e}")),
        }
    }
    if let Some(seed) = link.seed {
        scenario.seed = seed;
    }
    if let Some(n) = &link.network {
        let mut s = scenario.clone();
        if let Some((min, max)) = n.latency {
            s.network.latency = spacetime_core::Latency { min, max };
        }
        if let Some(p) = n.loss {
            s.network.loss = p;
        }
        if let Some(p) = n.duplicate {
            s.network.duplicate = p;
        }
        if let Some(f) = n.fifo {
            s.network.fifo = f;
        }
        if let Some(t) = n.timing {
            s.network.timing = t;
        }
        match s.validate() {
            Ok(()) => scenario = s,
            Err(e) => problems.push(format!("the network settings were ignored: {e}")),
        }
    }
    if let Some(list) = &link.interventions {
        scenario.interventions = applicable(&scenario, list, problems);
    }
    Resolving {
        scenario,
        applies: true,
    }
}

impl Resolving {
    /// [`resolve`]'s second half: the link's step and selection placed in `trace`, the run of
    /// the scenario; what does not fit it goes in `problems`.
    pub fn place(self, link: &Link, trace: &Trace, problems: &mut Vec<String>) -> View {
        let Resolving { scenario, applies } = self;
        let clocks = link.clocks.unwrap_or(ClockMode::Lamport);
        if !applies {
            return View {
                scenario,
                cursor: 0,
                clocks,
                selection: Selection::Nothing,
            };
        }
        let (cursor, selection) = place_in(link, trace, problems);
        View {
            scenario,
            cursor,
            clocks,
            selection,
        }
    }
}

/// Where a link's step and selection fall in `trace`: the step clamped to the run, a selection
/// of something the run does not have dropped (each said in `problems`).
fn place_in(link: &Link, trace: &Trace, problems: &mut Vec<String>) -> (u64, Selection) {
    let end = trace.step_count();
    let mut cursor = link.step.unwrap_or(0);
    if cursor > end {
        problems.push(format!(
            "step {cursor} is past the end of the run ({end} steps), so the end is shown"
        ));
        cursor = end;
    }
    let selection = match link.selection {
        None => Selection::Nothing,
        Some(sel) => {
            let (events, messages, processes) = (
                trace.events.len(),
                trace.messages.len(),
                trace.processes.len(),
            );
            let missing = match sel {
                Selection::Event(e) if e >= events => Some(format!("there is no event {e}")),
                Selection::Pair(a, b) if a.max(b) >= events => {
                    Some(format!("there is no event {}", a.max(b)))
                }
                Selection::Message(m) if m >= messages => Some(format!("there is no message {m}")),
                Selection::Process(p) if p >= processes => Some(format!("there is no process {p}")),
                Selection::Link(a, b) if a.max(b) >= processes => {
                    Some(format!("there is no process {}", a.max(b)))
                }
                _ => None,
            };
            match missing {
                Some(why) => {
                    problems.push(format!(
                        "the selection \"{}\" was ignored: {why}",
                        selection_text(sel).unwrap_or_default()
                    ));
                    Selection::Nothing
                }
                None => sel,
            }
        }
    };
    (cursor, selection)
}

/// The interventions of `list` that apply to a run of `scenario`, in order: each is kept only
/// if it names processes that exist and changes the run where it stands (its message still in
/// flight, its process not already down...). Each one left out is a problem.
pub fn applicable(
    scenario: &Scenario,
    list: &[Intervention],
    problems: &mut Vec<String>,
) -> Vec<Intervention> {
    let text = |i: &Intervention| intervention_text(i, &scenario.processes);
    let mut ok = Vec::with_capacity(list.len());
    let mut named = Vec::with_capacity(list.len());
    for i in list {
        let one = normalised(std::slice::from_ref(i), &scenario.processes).remove(0);
        let mut s = scenario.clone();
        s.interventions = vec![one.clone()];
        match s.validate() {
            Ok(()) => named.push(one),
            Err(e) => problems.push(format!(
                "intervention \"{}\" was ignored: {}",
                text(i),
                plain_error(&e)
            )),
        }
    }
    let runs_clean = |ivs: &[Intervention]| -> Result<(), String> {
        let mut s = scenario.clone();
        s.interventions = ivs.to_vec();
        let run = Run::complete(&s).map_err(|e| plain_error(&e))?;
        match run
            .trace()
            .warnings
            .iter()
            .find(|w| w.starts_with("intervention"))
        {
            Some(w) => Err(w
                .split_once("ignored: ")
                .map(|(_, why)| why.to_string())
                .unwrap_or_else(|| w.clone())),
            None => Ok(()),
        }
    };
    if runs_clean(&named).is_ok() {
        return named;
    }
    // Some do not apply: add them one at a time, keeping those that do. Later ones name the
    // messages of the run the earlier ones made, so each is tried after those kept before it.
    for i in named {
        let mut with = ok.clone();
        with.push(i.clone());
        match runs_clean(&with) {
            Ok(()) => ok = with,
            Err(why) => problems.push(format!(
                "intervention \"{}\" no longer applies and was ignored: {why}",
                text(&i)
            )),
        }
    }
    ok
}

/// A scenario error without the field path of a single-item list ("interventions[0].process:").
fn plain_error(e: &spacetime_core::ScenarioError) -> String {
    match e {
        spacetime_core::ScenarioError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The banner text for what a link said that was ignored.
pub fn problems_message(problems: &[String]) -> Option<String> {
    (!problems.is_empty())
        .then(|| format!("Parts of this link were ignored: {}.", problems.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::super::codec::*;
    use super::*;
    use spacetime_core::{Action, ProcessRef};

    /// Every built-in example, with interventions a learner could make (a drop, a crash, a
    /// recovery), a changed seed, a step and a selection: its link opens the same view, with
    /// the same trace.
    #[test]
    fn every_example_with_interventions_round_trips() {
        for example in protocols::examples() {
            let mut s = example.clone();
            // A first run to find a message in flight and a process to crash.
            let trace = Run::complete(&s).unwrap().trace().clone();
            if let Some(m) = trace
                .messages
                .iter()
                .find(|m| m.settled_step.is_some_and(|x| x > m.created_step + 1))
            {
                s.interventions.push(Intervention {
                    step: m.created_step + 1,
                    action: Action::Drop { message: m.id },
                });
            }
            let at = trace.step_count() / 2;
            s.interventions.push(Intervention {
                step: at.max(s.interventions.last().map_or(0, |i| i.step)),
                action: Action::Crash {
                    process: ProcessRef::Index(s.processes.len() - 1),
                },
            });
            s.interventions.sort_by_key(|i| i.step);
            let run = Run::complete(&s).unwrap();
            let kept: Vec<_> = s.interventions.clone();
            let trace = run.trace().clone();
            let clean = !trace.warnings.iter().any(|w| w.starts_with("intervention"));
            if !clean {
                continue;
            }
            let cursor = trace.step_count() * 2 / 3;
            let selection = if trace.messages.is_empty() {
                Selection::Process(0)
            } else {
                Selection::Message(0)
            };
            let link = link_of(&s, cursor, ClockMode::Vector, selection);
            let query = encode(&link);
            assert!(query.starts_with(&format!("s={}", s.name)), "{query}");
            let (back, problems) = parse(&query);
            assert!(problems.is_empty(), "{}: {problems:?}", s.name);
            let mut problems = Vec::new();
            let view = resolve(&back, &mut problems);
            assert!(problems.is_empty(), "{}: {problems:?} from {query}", s.name);
            assert_eq!(view.cursor, cursor);
            assert_eq!(view.clocks, ClockMode::Vector);
            assert_eq!(view.selection, selection);
            assert_eq!(
                normalised(&view.scenario.interventions, &s.processes),
                normalised(&kept, &s.processes),
                "{}",
                s.name
            );
            assert_eq!(view.scenario.name, s.name);
            let again = Run::complete(&view.scenario).unwrap();
            assert_eq!(
                *again.trace(),
                trace,
                "{}: another trace from {query}",
                s.name
            );
        }
    }

    #[test]
    fn a_changed_seed_variant_and_network_are_written_and_read_back() {
        let mut s = protocols::example("tcp-lost-segment").unwrap();
        s.seed += 5;
        s.network.loss = 0.25;
        s.network.fifo = !s.network.fifo;
        let variants = protocols::find(&s.protocol).unwrap().variants;
        let own = if s.variant.is_empty() {
            variants[0].name
        } else {
            s.variant.as_str()
        };
        s.variant = variants
            .iter()
            .find(|v| v.name != own)
            .unwrap()
            .name
            .to_string();
        let query = encode(&link_of(&s, 0, ClockMode::Lamport, Selection::Nothing));
        assert!(
            query.contains("seed=") && query.contains("net=") && query.contains("variant="),
            "{query}"
        );
        let (link, problems) = parse(&query);
        assert!(problems.is_empty());
        let mut problems = Vec::new();
        let view = resolve(&link, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(view.scenario, s);
    }

    #[test]
    fn an_untouched_example_has_a_short_link() {
        let s = protocols::example("clocks-three-events").unwrap();
        assert_eq!(
            encode(&link_of(&s, 0, ClockMode::Lamport, Selection::Nothing)),
            "s=clocks-three-events"
        );
        assert_eq!(
            encode(&link_of(&s, 4, ClockMode::Names, Selection::Event(1))),
            "s=clocks-three-events&step=4&labels=names&sel=e1"
        );
    }

    #[test]
    fn a_scenario_of_ones_own_travels_whole() {
        let mut s = protocols::example("clocks-crossing-messages").unwrap();
        s.name = "my-own".into();
        s.processes.push("Zed".into());
        s.interventions = vec![Intervention {
            step: 2,
            action: Action::Crash {
                process: ProcessRef::Name("Zed".into()),
            },
        }];
        let query = encode(&link_of(&s, 3, ClockMode::Lamport, Selection::Nothing));
        assert!(query.starts_with("sc="), "{query}");
        assert!(query.contains("iv=2:crash:Zed"), "{query}");
        let (link, problems) = parse(&query);
        assert!(problems.is_empty(), "{problems:?}");
        let mut problems = Vec::new();
        let view = resolve(&link, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(view.scenario.processes, s.processes);
        assert_eq!(
            normalised(&view.scenario.interventions, &s.processes),
            normalised(&s.interventions, &s.processes)
        );
        assert_eq!(view.cursor, 3);
    }

    /// Resolve a query; the view and the problems.
    fn open(query: &str) -> (View, Vec<String>) {
        let (link, mut problems) = parse(query);
        let view = resolve(&link, &mut problems);
        (view, problems)
    }

    fn first_scenario_name() -> String {
        lessons::all()[0].scenarios()[0].name.clone()
    }

    #[test]
    fn an_empty_link_opens_the_first_lesson() {
        let (view, problems) = open("");
        assert!(problems.is_empty());
        assert_eq!(view.scenario.name, first_scenario_name());
        assert_eq!(view.cursor, 0);
    }

    #[test]
    fn an_unknown_scenario_opens_its_lessons_default_and_says_so() {
        let (view, problems) = open("s=delivery-nothing-like-it&seed=3&step=9&iv=2:drop:0");
        let delivery = lessons::all()
            .into_iter()
            .find(|l| l.id == "delivery")
            .unwrap();
        assert_eq!(view.scenario, delivery.scenarios()[0]);
        assert_eq!(view.cursor, 0);
        assert!(
            problems[0].contains("there is no scenario \"delivery-nothing-like-it\""),
            "{problems:?}"
        );
        assert_eq!(
            problems[1],
            "the seed, interventions, step given for it were ignored"
        );
        let (view, problems) = open("s=zzz");
        assert_eq!(view.scenario.name, first_scenario_name());
        assert_eq!(problems.len(), 1);
        let (view, problems) = open("s=zzz&lesson=broadcast");
        assert!(view.scenario.name.starts_with("broadcast-"));
        assert_eq!(problems.len(), 1);
        let (view, problems) = open("lesson=nope");
        assert_eq!(view.scenario.name, first_scenario_name());
        assert!(problems[0].contains("there is no lesson \"nope\""));
    }

    #[test]
    fn a_bad_seed_step_or_label_is_ignored_with_a_message() {
        let (view, problems) = open("s=clocks-three-events&seed=x7&step=-1&labels=sparkly");
        assert_eq!(
            view.scenario,
            protocols::example("clocks-three-events").unwrap()
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("seed \"x7\" is not a whole number"));
        assert!(problems[1].contains("step \"-1\""));
        assert!(problems[2].contains("labels \"sparkly\""));
    }

    #[test]
    fn a_step_past_the_end_shows_the_end() {
        let (view, problems) = open("s=clocks-three-events&step=100000");
        let end = Run::complete(&view.scenario).unwrap().trace().step_count();
        assert_eq!(view.cursor, end);
        assert!(problems[0].contains("past the end"), "{problems:?}");
    }

    #[test]
    fn interventions_that_no_longer_apply_are_dropped_one_by_one() {
        let s = protocols::example("clocks-three-events").unwrap();
        let trace = Run::complete(&s).unwrap().trace().clone();
        let m = &trace.messages[0];
        let at = m.created_step + 1;
        let end = trace.step_count();
        let (p, q) = (&s.processes[0], &s.processes[1]);
        let query = format!(
            "s=clocks-three-events&iv={at}:drop:0,{at}:drop:0,{end}:crash:{q},{end}:crash:{q},3:crash:Nobody,4:zap:1,5:cut:{p}-{p}"
        );
        let (view, problems) = open(&query);
        let joined = problems.join("\n");
        assert_eq!(view.scenario.interventions.len(), 2, "{joined}");
        assert!(
            joined.contains("intervention \"4:zap:1\" was ignored: \"zap\" is not a kind"),
            "{joined}"
        );
        assert!(
            joined.contains(
                "intervention \"3:crash:Nobody\" was ignored: there is no process named \"Nobody\""
            ),
            "{joined}"
        );
        assert!(
            joined.contains(&format!(
                "intervention \"5:cut:{p}-{p}\" was ignored: a link joins two different processes"
            )),
            "{joined}"
        );
        assert!(joined.contains(&format!("intervention \"{at}:drop:0\" no longer applies and was ignored: message 0 (m1) is not in flight")), "{joined}");
        assert!(joined.contains(&format!("intervention \"{end}:crash:{q}\" no longer applies and was ignored: {q} is already down")), "{joined}");
        assert_eq!(problems.len(), 5, "{joined}");
    }

    #[test]
    fn garbage_never_panics_and_always_opens_something() {
        for query in [
            "%%%&&&==",
            "s=&sc=&iv=&step=&sel=&net=",
            "sc=not*base64",
            "sc=e30",
            "iv=::::,1:drop,2:delay:1,3:cut:a,x:crash:P1",
            "sel=e1,e1&sel=l2&sel=q9",
            "net=lat:30-10,loss:2,dup:-1,fifo:maybe,warp:9",
            "s=clocks-three-events&sel=m999&variant=nonsense",
            "\u{0}\u{1}=\u{2}",
            "s=clocks-three-events&iv=99999999999999999999:drop:1",
        ] {
            let (view, problems) = open(query);
            assert!(Run::complete(&view.scenario).is_ok(), "{query}");
            assert!(!problems.is_empty(), "{query} gave no message");
        }
        let (_, problems) = open("sc=e30");
        assert!(
            problems[0].contains("the scenario in the link (sc=) does not read"),
            "{problems:?}"
        );
        let (_, problems) = open("net=lat:30-10,loss:2,warp:9");
        assert_eq!(problems.len(), 3, "{problems:?}");
        let (view, problems) = open("s=clocks-three-events&sel=m999&variant=nonsense");
        assert_eq!(view.selection, Selection::Nothing);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("variant \"nonsense\" was ignored")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("there is no message 999")),
            "{problems:?}"
        );
        let (_, problems) = open("flavour=mint");
        assert_eq!(
            problems,
            vec!["the parameter \"flavour\" means nothing here".to_string()]
        );
    }

    #[test]
    fn the_banner_lists_every_problem() {
        assert_eq!(problems_message(&[]), None);
        assert_eq!(
            problems_message(&["a".into(), "b".into()]).unwrap(),
            "Parts of this link were ignored: a; b."
        );
    }
}
