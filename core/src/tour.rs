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
//! [`Tour::load`] checks everything a player relies on and says which stop is wrong and why:
//! the scenario exists and runs, the stops come in order and inside the run, each injected
//! fault applies where it stands, each question has choices and one of them is the answer.

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
    /// The scenario to run, with every stop's injected fault among its interventions.
    pub scenario: Scenario,
    pub labels: Option<String>,
    pub stops: Vec<Stop>,
    /// Steps in the whole run.
    pub steps: u64,
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
        let mut scenario = match &file.scenario {
            serde_json::Value::String(name) => {
                crate::protocols::example(name).ok_or_else(|| {
                    field(
                        "scenario",
                        format!(
                        "there is no built-in scenario \"{name}\" (`spacetime examples` lists them)"
                    ),
                    )
                })?
            }
            serde_json::Value::Object(_) => Scenario::from_json(&file.scenario.to_string())
                .map_err(|e| {
                    field(
                        "scenario",
                        format!("the inline scenario does not read: {e}"),
                    )
                })?,
            _ => {
                return Err(field(
                    "scenario",
                    "give a built-in scenario's name, or a whole scenario object".into(),
                ))
            }
        };
        if let Some(seed) = file.seed {
            scenario.seed = seed;
        }
        if let Some(v) = &file.variant {
            scenario.variant = v.clone();
        }
        if let Some(l) = &file.labels {
            if !LABELS.contains(&l.as_str()) {
                return Err(field(
                    "labels",
                    format!("\"{l}\" is not one of {}", LABELS.join(", ")),
                ));
            }
        }
        Run::new(&scenario).map_err(|e| field("scenario", format!("it does not run: {e}")))?;
        if file.stops.is_empty() {
            return Err(field("stops", "a tour needs at least one stop".into()));
        }
        let stop_error = |i: usize, stop: &Stop, message: String| TourError::Stop {
            stop: i + 1,
            step: stop.step,
            message,
        };
        for (i, stop) in file.stops.iter().enumerate() {
            if i > 0 && stop.step <= file.stops[i - 1].step {
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
        // Run it, to check that each fault applies where it is injected and that every stop is
        // inside the run.
        let run = Run::complete(&scenario)
            .map_err(|e| field("scenario", format!("it does not run: {e}")))?;
        let trace = run.trace();
        for (i, stop) in file.stops.iter().enumerate() {
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
        if let Some((i, stop)) = file.stops.iter().enumerate().find(|(_, s)| s.step > steps) {
            return Err(stop_error(
                i,
                stop,
                format!("the run has only {steps} steps, so this stop is never reached"),
            ));
        }
        Ok(Tour {
            title: file.title,
            description: file.description,
            scenario,
            labels: file.labels,
            stops: file.stops,
            steps,
        })
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
}
