//! What the page knows of every lesson before the lesson's code has loaded: its id, title,
//! protocols and scenario names (so that a link, a dropped scenario or a tour can tell which
//! lesson to load), whether it draws imported logs, and a sketch of its first scenario for the
//! welcome. Generated from the core's course by `app/build.rs`, so nothing here is typed twice.

/// A sketch of a run: lanes, and delivered messages as (from lane, send time, to lane, receive
/// time), times from 0 to 100.
#[derive(Clone, Copy, Debug)]
pub struct Sketch {
    pub lanes: usize,
    pub arrows: &'static [(usize, u8, usize, u8)],
}

/// One lesson, as the index knows it.
#[derive(Clone, Copy, Debug)]
pub struct LessonIndex {
    pub id: &'static str,
    pub title: &'static str,
    pub protocols: &'static [&'static str],
    /// Its prepared scenarios, (name, title), in the order the lesson lists them.
    pub scenarios: &'static [(&'static str, &'static str)],
    pub draws_logs: bool,
    pub sketch: Sketch,
}

include!(concat!(env!("OUT_DIR"), "/lesson_index.rs"));

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<&'static LessonIndex> {
    INDEX.iter().find(|l| l.id == id)
}

/// The lesson one of whose prepared scenarios is called `name`.
pub fn of_scenario(name: &str) -> Option<&'static LessonIndex> {
    INDEX
        .iter()
        .find(|l| l.scenarios.iter().any(|(n, _)| *n == name))
}

/// The lesson that teaches `protocol`.
pub fn of_protocol(protocol: &str) -> Option<&'static LessonIndex> {
    INDEX.iter().find(|l| l.protocols.contains(&protocol))
}

/// The lessons a scenario or tour file needs loaded before it can be read: the lesson of a
/// scenario's `protocol`, or those of a tour's scenarios (its own and any stop's; a prepared
/// one's name, or a whole scenario). Empty for anything else (the reader then says what is
/// wrong).
pub fn needed_by_json(text: &str) -> Vec<&'static str> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let of_scenario_value = |v: &serde_json::Value| match v {
        serde_json::Value::String(name) => of_scenario(name),
        serde_json::Value::Object(o) => o
            .get("protocol")
            .and_then(|p| p.as_str())
            .and_then(of_protocol),
        _ => None,
    };
    let mut ids: Vec<&'static str> = Vec::new();
    if let Some(stops) = value.get("stops") {
        // A tour: its scenario, and those of the stops that start a run of their own.
        let legs = stops
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|stop| stop.get("scenario"));
        for lesson in std::iter::once(value.get("scenario"))
            .flatten()
            .chain(legs)
            .filter_map(of_scenario_value)
        {
            if !ids.contains(&lesson.id) {
                ids.push(lesson.id);
            }
        }
    } else {
        ids.extend(of_scenario_value(&value).map(|l| l.id));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index is the core's course, lesson by lesson and scenario by scenario.
    #[test]
    fn the_index_is_the_course() {
        let course = spacetime_core::lessons::course();
        assert_eq!(INDEX.len(), course.len());
        for (indexed, lesson) in INDEX.iter().zip(&course) {
            assert_eq!(indexed.id, lesson.id);
            assert_eq!(indexed.title, lesson.title);
            let names: Vec<String> = lesson.scenarios().into_iter().map(|s| s.name).collect();
            let indexed_names: Vec<&str> = indexed.scenarios.iter().map(|(n, _)| *n).collect();
            assert_eq!(indexed_names, names);
            assert_eq!(indexed.draws_logs, lesson.draws_logs.is_some());
            for p in lesson.protocols() {
                assert_eq!(of_protocol(p.name).map(|l| l.id), Some(lesson.id));
            }
            assert!(indexed.sketch.lanes > 0, "{} has no sketch", lesson.id);
        }
    }

    #[test]
    fn a_scenario_or_tour_file_names_the_lesson_to_load() {
        let s = spacetime_core::protocols::example("paxos-calm").unwrap();
        assert_eq!(needed_by_json(&s.to_json()), vec!["paxos"]);
        let tour = r#"{"title": "t", "scenario": "tcp-handshake", "stops": []}"#;
        assert_eq!(needed_by_json(tour), vec!["delivery"]);
        let legs = r#"{"title": "t", "scenario": "tcp-handshake",
            "stops": [{"step": 1, "say": "", "scenario": "paxos-calm"}]}"#;
        assert_eq!(needed_by_json(legs), vec!["delivery", "paxos"]);
        assert!(needed_by_json("not json").is_empty());
    }
}
