//! Guided tours: a teacher's walk through one run, as a small JSON file.
//!
//! A tour names a scenario (a built-in example by name, or a whole scenario inline) and lists
//! stops in the order of the run: at which step to pause, what to say there, optionally a fault
//! to inject at that step (an [`Action`], written as in a scenario's interventions) and a
//! question to ask, with its choices and the right answer.
//!
//! ```
//! use spacetime_core::tour::Tour;
//! let tour = Tour::load(r#"{
//!   "title": "Who knew what, and when",
//!   "scenario": "clocks-three-events",
//!   "stops": [
//!     { "step": 2, "say": "P1 has sent its first message." },
//!     { "step": 3, "say": "P2 crashes next.", "inject": { "action": "crash", "process": "P2" },
//!       "question": { "ask": "Will P2 ever receive m1?", "choices": ["yes", "no"], "answer": 2 } }
//!   ]
//! }"#).unwrap();
//! assert_eq!(tour.stops.len(), 2);
//! assert_eq!(tour.scenario.interventions.len(), 1);
//! ```
//!
//! A tour can walk through several runs, one section of a lesson after another: a stop that
//! names a `scenario` (and, if it likes, a `variant`, a `seed` and `labels`) starts a new *leg*.
//! From that stop on, the tour plays that run from its beginning, and the stop's `step` counts in
//! it. A stop that gives only a `variant` or a `seed` replays the tour's own scenario with them.
//!
//! ```
//! use spacetime_core::tour::Tour;
//! let tour = Tour::load(r#"{
//!   "title": "Two diagrams",
//!   "scenario": "clocks-three-events",
//!   "stops": [
//!     { "step": 2, "say": "P1 has sent its first message." },
//!     { "step": 3, "say": "Another diagram.", "scenario": "clocks-crossing-messages",
//!       "labels": "vector" }
//!   ]
//! }"#).unwrap();
//! assert_eq!(tour.legs.len(), 2);
//! assert_eq!(tour.leg_of(1).scenario.name, "clocks-crossing-messages");
//! assert_eq!(tour.leg_of(1).labels.as_deref(), Some("vector"));
//! ```
//!
//! [`Tour::load`] checks everything a player relies on and says which stop is wrong and why:
//! every scenario exists and runs, the stops of each leg come in order and inside its run, each
//! injected fault applies where it stands, each question has choices and one of them is the
//! answer.

use serde::{Deserialize, Serialize};

use crate::protocol::Run;
use crate::scenario::{Action, Intervention, Scenario};

/// What is wrong with a tour file, and where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TourError {
    /// The text is not JSON, or a field has the wrong shape.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// A field of the tour as a whole.
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    /// One stop (numbered from 1, as a teacher counts them).
    #[error("stop {stop} (step {step}): {message}")]
    Stop {
        stop: usize,
        step: u64,
        message: String,
    },
}

/// The right answer to a question: the choice's number, counting from 1, or its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Number(usize),
    Text(String),
}

/// A question asked at a stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    pub choices: Vec<String>,
    pub answer: Answer,
    /// Said once the learner has answered, right or wrong.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explain: String,
}

impl Question {
    /// The index (from 0) of the right choice, once the tour is checked.
    pub fn right(&self) -> usize {
        match &self.answer {
            Answer::Number(n) => n.saturating_sub(1),
            Answer::Text(t) => self.choices.iter().position(|c| c == t).unwrap_or(0),
        }
    }
}

/// One pause of a tour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stop {
    /// Pause once this many steps are shown.
    pub step: u64,
    /// A short heading.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// What to say here.
    pub say: String,
    /// A fault injected at this step: it takes effect as the run goes on from this stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// From this stop on, play this run instead (a built-in example's name, or a whole
    /// scenario): the stop starts a new leg of the tour, and its `step` counts in the new run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<serde_json::Value>,
    /// The new leg's seed (with or without a `scenario`: without, the tour's own scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The new leg's variant (with or without a `scenario`, as `seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The event labels for the new leg (only on a stop that starts one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<String>,
}

impl Stop {
    /// Whether this stop starts a new leg: it names a scenario, a seed or a variant.
    pub fn starts_leg(&self) -> bool {
        self.scenario.is_some() || self.seed.is_some() || self.variant.is_some()
    }
}

/// One run of a tour, and the stops played on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    /// The index of its first stop.
    pub first: usize,
    /// The scenario to run, as the engine reads it, with its stops' injected faults among its
    /// interventions.
    pub scenario: Scenario,
    /// The event labels to show on it (the tour's own unless the leg's first stop names some).
    pub labels: Option<String>,
    /// Steps in the whole run.
    pub steps: u64,
}

/// A tour file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TourFile {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// A built-in example's name, or a whole scenario.
    pub scenario: serde_json::Value,
    /// Run the scenario with this seed instead of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// ... and this variant of its protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// The event labels to show: `none`, `names`, `lamport` or `vector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<String>,
    pub stops: Vec<Stop>,
}

/// A checked tour, ready to play.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    pub title: String,
    pub description: String,
    /// The first leg's scenario, with its stops' injected faults among its interventions.
    pub scenario: Scenario,
    pub labels: Option<String>,
    pub stops: Vec<Stop>,
    /// Steps in the first leg's run.
    pub steps: u64,
    /// The runs the tour plays, in order; the first starts at stop 0.
    pub legs: Vec<Leg>,
}

/// The label modes a tour may ask for.
pub const LABELS: [&str; 4] = ["none", "names", "lamport", "vector"];

impl Tour {
    /// Read and check a tour file.
    pub fn load(text: &str) -> Result<Tour, TourError> {
        let file: TourFile = serde_json::from_str(text).map_err(|e| TourError::Syntax {
            line: e.line(),
            column: e.column(),
            message: {
                let m = e.to_string();
                match m.rfind(" at line ") {
                    Some(i) => m[..i].to_string(),
                    None => m,
                }
            },
        })?;
        Tour::check(file)
    }

    /// Check a tour file already read.
    pub fn check(file: TourFile) -> Result<Tour, TourError> {
        let field = |field: &str, message: String| TourError::Field {
            field: field.into(),
            message,
        };
        if file.title.trim().is_empty() {
            return Err(field("title", "a tour needs a title".into()));
        }
        let labels_ok = |labels: &Option<String>| -> Result<(), String> {
            match labels {
                Some(l) if !LABELS.contains(&l.as_str()) => {
                    Err(format!("\"{l}\" is not one of {}", LABELS.join(", ")))
                }
                _ => Ok(()),
            }
        };
        let base = resolve_scenario(&file.scenario).map_err(|m| field("scenario", m))?;
        let mut scenario = base.clone();
        if let Some(seed) = file.seed {
            scenario.seed = seed;
        }
        if let Some(v) = &file.variant {
            scenario.variant = v.clone();
        }
        labels_ok(&file.labels).map_err(|m| field("labels", m))?;
        Run::new(&scenario).map_err(|e| field("scenario", format!("it does not run: {e}")))?;
        if file.stops.is_empty() {
            return Err(field("stops", "a tour needs at least one stop".into()));
        }
        let stop_error = |i: usize, stop: &Stop, message: String| TourError::Stop {
            stop: i + 1,
            step: stop.step,
            message,
        };
        // The legs as written: (first stop, scenario before its faults, labels).
        let mut legs: Vec<(usize, Scenario, Option<String>)> =
            vec![(0, scenario, file.labels.clone())];
        for (i, stop) in file.stops.iter().enumerate() {
            if i > 0 && stop.starts_leg() {
                let mut leg = match &stop.scenario {
                    Some(v) => resolve_scenario(v).map_err(|m| stop_error(i, stop, m))?,
                    None => base.clone(),
                };
                if let Some(seed) = stop.seed {
                    leg.seed = seed;
                }
                if let Some(v) = &stop.variant {
                    leg.variant = v.clone();
                }
                labels_ok(&stop.labels).map_err(|m| stop_error(i, stop, m))?;
                Run::new(&leg)
                    .map_err(|e| stop_error(i, stop, format!("its scenario does not run: {e}")))?;
                legs.push((i, leg, stop.labels.clone().or(file.labels.clone())));
            } else if stop.starts_leg() || stop.labels.is_some() {
                return Err(stop_error(
                    i,
                    stop,
                    if i == 0 {
                        "the first stop plays the tour's own scenario: give its scenario, seed, \
                         variant and labels at the top of the file"
                            .into()
                    } else {
                        "\"labels\" goes only on a stop that starts a new leg (with a \
                         \"scenario\", \"seed\" or \"variant\")"
                            .into()
                    },
                ));
            }
            let new_leg = legs.last().is_some_and(|l| l.0 == i);
            if i > 0 && !new_leg && stop.step <= file.stops[i - 1].step {
                return Err(stop_error(
                    i,
                    stop,
                    format!(
                        "the stops are out of order: stop {} is at step {}, so this one must come later",
                        i,
                        file.stops[i - 1].step
                    ),
                ));
            }
            if stop.say.trim().is_empty() {
                return Err(stop_error(
                    i,
                    stop,
                    "\"say\" is empty: say something here".into(),
                ));
            }
            if let Some(q) = &stop.question {
                if q.ask.trim().is_empty() {
                    return Err(stop_error(
                        i,
                        stop,
                        "the question's \"ask\" is empty".into(),
                    ));
                }
                if q.choices.len() < 2 {
                    return Err(stop_error(
                        i,
                        stop,
                        "a question needs at least two choices".into(),
                    ));
                }
                match &q.answer {
                    Answer::Number(n) if *n == 0 || *n > q.choices.len() => {
                        return Err(stop_error(
                            i,
                            stop,
                            format!(
                                "the answer is choice {n}, but the choices are numbered 1 to {}",
                                q.choices.len()
                            ),
                        ))
                    }
                    Answer::Text(t) if !q.choices.contains(t) => {
                        return Err(stop_error(
                            i,
                            stop,
                            format!("the answer \"{t}\" is not one of the choices"),
                        ))
                    }
                    _ => {}
                }
            }
            if let Some(action) = &stop.inject {
                let scenario = &mut legs.last_mut().expect("the first leg").1;
                scenario.resolve_action(action, "inject").map_err(|e| {
                    stop_error(i, stop, format!("the fault to inject is wrong: {e}"))
                })?;
                let at = scenario
                    .interventions
                    .partition_point(|x| x.step <= stop.step);
                scenario.interventions.insert(
                    at,
                    Intervention {
                        step: stop.step,
                        action: action.clone(),
                    },
                );
            }
        }
        // Run each leg, to check that each fault applies where it is injected and that every
        // stop is inside its run.
        let mut checked = Vec::with_capacity(legs.len());
        for (k, (first, scenario, labels)) in legs.iter().enumerate() {
            let last = legs.get(k + 1).map_or(file.stops.len(), |l| l.0);
            let run = Run::complete(scenario).map_err(|e| {
                let stop = &file.stops[*first];
                if k == 0 {
                    field("scenario", format!("it does not run: {e}"))
                } else {
                    stop_error(*first, stop, format!("its scenario does not run: {e}"))
                }
            })?;
            let trace = run.trace();
            for (i, stop) in file.stops.iter().enumerate().take(last).skip(*first) {
                let prefix = format!("intervention at step {} ignored: ", stop.step);
                if stop.inject.is_some() {
                    if let Some(w) = trace.warnings.iter().find(|w| w.starts_with(&prefix)) {
                        return Err(stop_error(
                            i,
                            stop,
                            format!("the fault to inject does not apply: {}", &w[prefix.len()..]),
                        ));
                    }
                }
            }
            let steps = trace.step_count();
            if let Some((i, stop)) = file
                .stops
                .iter()
                .enumerate()
                .take(last)
                .skip(*first)
                .find(|(_, s)| s.step > steps)
            {
                return Err(stop_error(
                    i,
                    stop,
                    format!("the run has only {steps} steps, so this stop is never reached"),
                ));
            }
            checked.push(Leg {
                first: *first,
                scenario: run.scenario().clone(),
                labels: labels.clone(),
                steps,
            });
        }
        Ok(Tour {
            title: file.title,
            description: file.description,
            scenario: checked[0].scenario.clone(),
            labels: file.labels,
            stops: file.stops,
            steps: checked[0].steps,
            legs: checked,
        })
    }

    /// The leg that stop `i` is played on (the last one for an index past the end).
    pub fn leg_of(&self, i: usize) -> &Leg {
        let k = self.legs.partition_point(|l| l.first <= i);
        &self.legs[k.saturating_sub(1)]
    }
}

/// A built-in example by name, or a whole scenario; or what is wrong with it.
fn resolve_scenario(value: &serde_json::Value) -> Result<Scenario, String> {
    match value {
        serde_json::Value::String(name) => crate::protocols::example(name).ok_or_else(|| {
            format!("there is no built-in scenario \"{name}\" (`spacetime examples` lists them)")
        }),
        serde_json::Value::Object(_) => Scenario::from_json(&value.to_string())
            .map_err(|e| format!("the inline scenario does not read: {e}")),
        _ => Err("give a built-in scenario's name, or a whole scenario object".into()),
    }
}

/// Whether a JSON text looks like a tour (rather than a scenario): it has a list of stops.
pub fn looks_like_tour(value: &serde_json::Value) -> bool {
    value.get("stops").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
      "title": "Three events",
      "description": "A first look.",
      "scenario": "clocks-three-events",
      "labels": "vector",
      "stops": [
        { "step": 1, "title": "Start", "say": "Nothing yet." },
        { "step": 2, "say": "A send.", "question": {
            "ask": "Which clock?", "choices": ["1", "2"], "answer": "1", "explain": "It ticks once." } },
        { "step": 3, "say": "Down it goes.", "inject": { "action": "crash", "process": "P1" },
          "question": { "ask": "Up?", "choices": ["yes", "no"], "answer": 2 } }
      ]
    }"#;

    fn with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Tour, TourError> {
        let mut v: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        edit(&mut v);
        Tour::load(&v.to_string())
    }

    #[test]
    fn a_good_tour_loads_with_its_faults_among_the_interventions() {
        let tour = Tour::load(GOOD).unwrap();
        assert_eq!(tour.stops.len(), 3);
        assert_eq!(tour.labels.as_deref(), Some("vector"));
        assert_eq!(tour.scenario.interventions.len(), 1);
        assert_eq!(tour.scenario.interventions[0].step, 3);
        assert_eq!(tour.stops[1].question.as_ref().unwrap().right(), 0);
        assert_eq!(tour.stops[2].question.as_ref().unwrap().right(), 1);
        assert!(tour.steps >= 3);
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = Tour::load(
            "{\n  \"title\": \"x\",\n  \"stops\": [ { \"step\": 1, \"sai\": \"typo\" } ]\n}",
        )
        .unwrap_err();
        match e {
            TourError::Syntax { line, message, .. } => {
                assert_eq!(line, 3);
                assert!(message.contains("unknown field `sai`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Tour::load("not json"),
            Err(TourError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn an_unknown_scenario_is_named() {
        let e = with(|v| v["scenario"] = "clocks-nope".into()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "scenario: there is no built-in scenario \"clocks-nope\" (`spacetime examples` lists them)"
        );
        let e = with(|v| v["scenario"] = 7.into()).unwrap_err();
        assert!(e.to_string().starts_with("scenario: give a built-in"));
        let e = with(|v| v["scenario"] = serde_json::json!({"name": "x"})).unwrap_err();
        assert!(
            e.to_string().contains("the inline scenario does not read"),
            "{e}"
        );
    }

    #[test]
    fn an_inline_scenario_plays() {
        let inline = crate::protocols::example("clocks-crossing-messages").unwrap();
        let tour = with(|v| v["scenario"] = serde_json::to_value(&inline).unwrap()).unwrap();
        assert_eq!(tour.scenario.name, inline.name);
    }

    #[test]
    fn stops_out_of_order_are_named() {
        let e = with(|v| v["stops"][2]["step"] = 2.into()).unwrap_err();
        assert_eq!(
            e,
            TourError::Stop {
                stop: 3,
                step: 2,
                message:
                    "the stops are out of order: stop 2 is at step 2, so this one must come later"
                        .into()
            }
        );
        assert!(e.to_string().starts_with("stop 3 (step 2): "));
    }

    #[test]
    fn a_stop_past_the_end_is_named() {
        let e = with(|v| v["stops"][2]["step"] = 100000.into()).unwrap_err();
        assert!(
            matches!(&e, TourError::Stop { stop: 3, message, .. } if message.contains("never reached")),
            "{e}"
        );
    }

    #[test]
    fn a_bad_fault_is_named() {
        let e = with(|v| {
            v["stops"][2]["inject"] = serde_json::json!({"action": "crash", "process": "P9"})
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stop 3 (step 3): the fault to inject is wrong"),
            "{e}"
        );
        assert!(e.to_string().contains("no process named \"P9\""), "{e}");
        let e = with(|v| {
            v["stops"][2]["inject"] = serde_json::json!({"action": "drop", "message": 99})
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stop 3 (step 3): the fault to inject does not apply"),
            "{e}"
        );
        let e = with(|v| v["stops"][2]["inject"] = serde_json::json!({"action": "explode"}))
            .unwrap_err();
        assert!(matches!(e, TourError::Syntax { .. }), "{e}");
    }

    #[test]
    fn bad_questions_are_named() {
        let e = with(|v| v["stops"][1]["question"]["answer"] = 3.into()).unwrap_err();
        assert!(
            e.to_string()
                .contains("stop 2 (step 2): the answer is choice 3"),
            "{e}"
        );
        let e = with(|v| v["stops"][1]["question"]["answer"] = "7".into()).unwrap_err();
        assert!(
            e.to_string()
                .contains("the answer \"7\" is not one of the choices"),
            "{e}"
        );
        let e = with(|v| v["stops"][1]["question"]["choices"] = serde_json::json!(["only"]))
            .unwrap_err();
        assert!(e.to_string().contains("at least two choices"), "{e}");
        let e = with(|v| v["stops"][0]["say"] = " ".into()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stop 1 (step 1): \"say\" is empty"),
            "{e}"
        );
    }

    #[test]
    fn tour_fields_are_checked() {
        assert!(with(|v| v["title"] = "".into())
            .unwrap_err()
            .to_string()
            .starts_with("title:"));
        assert!(with(|v| v["labels"] = "hex".into())
            .unwrap_err()
            .to_string()
            .starts_with("labels:"));
        assert!(with(|v| v["stops"] = serde_json::json!([]))
            .unwrap_err()
            .to_string()
            .starts_with("stops:"));
        assert!(with(|v| v["variant"] = "nope".into())
            .unwrap_err()
            .to_string()
            .starts_with("scenario: it does not run"));
    }

    #[test]
    fn a_stop_with_a_scenario_starts_a_leg_with_its_own_steps_and_faults() {
        let tour = with(|v| {
            v["stops"][2] = serde_json::json!({
                "step": 1, "say": "Another run.", "scenario": "clocks-crossing-messages",
                "labels": "lamport",
                "inject": { "action": "crash", "process": "P2" }
            })
        })
        .unwrap();
        assert_eq!(tour.legs.len(), 2);
        assert_eq!(tour.legs[0].first, 0);
        assert!(tour.legs[0].scenario.interventions.is_empty());
        assert_eq!(tour.leg_of(1).scenario.name, "clocks-three-events");
        let leg = tour.leg_of(2);
        assert_eq!(leg.first, 2);
        assert_eq!(leg.scenario.name, "clocks-crossing-messages");
        assert_eq!(leg.labels.as_deref(), Some("lamport"));
        assert_eq!(leg.scenario.interventions.len(), 1);
        assert_eq!(tour.scenario, tour.legs[0].scenario);
        // A variant alone replays the tour's own scenario.
        let tour = with(|v| {
            v["stops"][2] = serde_json::json!({"step": 1, "say": "Again.", "seed": 9});
        })
        .unwrap();
        assert_eq!(tour.leg_of(2).scenario.name, "clocks-three-events");
        assert_eq!(tour.leg_of(2).scenario.seed, 9);
        assert_eq!(tour.leg_of(2).labels.as_deref(), Some("vector"));
    }

    #[test]
    fn a_bad_leg_is_named_at_its_stop() {
        let e = with(|v| v["stops"][2]["scenario"] = "clocks-nope".into()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stop 3 (step 3): there is no built-in scenario"),
            "{e}"
        );
        let e = with(|v| {
            v["stops"][2]["scenario"] = "clocks-three-events".into();
            v["stops"][2]["step"] = 100000.into();
        })
        .unwrap_err();
        assert!(e.to_string().contains("never reached"), "{e}");
        let e = with(|v| v["stops"][1]["labels"] = "vector".into()).unwrap_err();
        assert!(e.to_string().contains("only on a stop that starts"), "{e}");
        let e = with(|v| v["stops"][0]["variant"] = "script".into()).unwrap_err();
        assert!(
            e.to_string().starts_with("stop 1 (step 1): the first stop"),
            "{e}"
        );
        let e = with(|v| v["stops"][2]["variant"] = "nope".into()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stop 3 (step 3): its scenario does not run"),
            "{e}"
        );
    }
}
