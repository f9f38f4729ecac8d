//! The checks protocols make of a scenario's `params`, worded the same everywhere.
//!
//! A learner who writes a scenario by hand meets these messages, and meets them in every lesson,
//! so one wording serves: a count out of its range, a time too long or zero, a list of commands
//! too long, and processes that do not match the counts (with the names that would). Each error
//! names its field as the scenario file spells it (`params.servers`), for the app to point at.

use std::fmt;
use std::ops::RangeInclusive;

use crate::process::Time;
use crate::scenario::ScenarioError;

/// An error on the parameter `field` (`servers` is reported as `params.servers`).
pub(crate) fn invalid<T>(field: &str, message: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError::invalid(format!("params.{field}"), message))
}

/// A count within its range: "give from 1 to 9 servers, not 12", where `what` is `servers`.
pub(crate) fn in_range<T: PartialOrd + fmt::Display>(
    field: &str,
    value: T,
    range: RangeInclusive<T>,
    what: &str,
) -> Result<(), ScenarioError> {
    if range.contains(&value) {
        return Ok(());
    }
    let (low, high) = range.into_inner();
    invalid(
        field,
        format!("give from {low} to {high} {what}, not {value}"),
    )
}

/// Times, in ticks, of at most `most` each: the first that is longer is the error.
pub(crate) fn ticks_at_most(times: &[(&str, Time)], most: Time) -> Result<(), ScenarioError> {
    for &(field, value) in times {
        if value > most {
            return invalid(
                field,
                format!("{value} ticks is too long; the most is {most}"),
            );
        }
    }
    Ok(())
}

/// Intervals that pace something repeated: 0 would repeat it at once, for ever.
pub(crate) fn ticks_not_zero(times: &[(&str, Time)]) -> Result<(), ScenarioError> {
    for &(field, value) in times {
        if value == 0 {
            return invalid(
                field,
                "give 1 tick or more; 0 would repeat at once, for ever",
            );
        }
    }
    Ok(())
}

/// Each client's list of commands (the parameter `commands`, one list per client): at most
/// `most` commands in a list, and every command one that `check` accepts (or says why not).
pub(crate) fn command_lists(
    lists: &[Vec<String>],
    most: usize,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<(), ScenarioError> {
    for (c, list) in lists.iter().enumerate() {
        if list.len() > most {
            return invalid(
                &format!("commands[{c}]"),
                format!("a client sends at most {most} commands, not {}", list.len()),
            );
        }
        for (i, command) in list.iter().enumerate() {
            if let Err(why) = check(command) {
                return invalid(&format!("commands[{c}][{i}]"), why);
            }
        }
    }
    Ok(())
}

/// `word`, or `word` with an `s` unless `n` is 1.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Processes of one kind in a scenario's list: `count` of them, each a `word` (`server`), named
/// `prefix` and a number from 1 (`S1`, `S2`, ...) in the examples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Group<'a> {
    count: usize,
    word: &'a str,
    prefix: &'a str,
}

impl<'a> Group<'a> {
    pub(crate) const fn new(count: usize, word: &'a str, prefix: &'a str) -> Group<'a> {
        Group {
            count,
            word,
            prefix,
        }
    }
}

/// The example names of every group, group after group: `S1, S2, S3, C1`.
pub(crate) fn numbered_names(groups: &[Group]) -> Vec<String> {
    groups
        .iter()
        .flat_map(|g| (1..=g.count).map(move |i| format!("{}{i}", g.prefix)))
        .collect()
}

/// Whether `processes` has as many names as the groups' counts add up to; if not, the error
/// says what the counts make, in which order to name them, and example names.
pub(crate) fn process_count(processes: &[String], groups: &[Group]) -> Result<(), ScenarioError> {
    let needed: usize = groups.iter().map(|g| g.count).sum();
    let n = processes.len();
    if n == needed {
        return Ok(());
    }
    let counts: Vec<String> = groups
        .iter()
        .map(|g| format!("{} {}", g.count, plural(g.count, g.word)))
        .collect();
    let counts = match counts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let mut order = String::new();
    for (k, g) in groups.iter().enumerate() {
        order += &match k {
            0 => format!("the {}s first", g.word),
            _ => format!(", then the {}s", g.word),
        };
    }
    Err(ScenarioError::invalid(
        "processes",
        format!(
            "{counts} make {needed} processes, not {n}: name {order} ({})",
            numbered_names(groups).join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<(), ScenarioError>) -> String {
        result.expect_err("an error").to_string()
    }

    #[test]
    fn a_count_out_of_range_names_the_range_and_the_value() {
        assert!(in_range("servers", 9, 1..=9, "servers").is_ok());
        assert_eq!(
            message(in_range("servers", 12, 1..=9, "servers")),
            "params.servers: give from 1 to 9 servers, not 12"
        );
        assert_eq!(
            message(in_range("clients", 4usize, 0..=3, "clients")),
            "params.clients: give from 0 to 3 clients, not 4"
        );
        assert!(in_range("attempts", 0u32, 1..=50, "attempts").is_err());
    }

    #[test]
    fn times_too_long_or_zero_are_named_first_come_first_reported() {
        let times = [("start", 5), ("heartbeat", 0), ("retry_after", 2_000)];
        assert_eq!(
            message(ticks_at_most(&times, 1_000)),
            "params.retry_after: 2000 ticks is too long; the most is 1000"
        );
        assert!(ticks_at_most(&times, 2_000).is_ok());
        assert_eq!(
            message(ticks_not_zero(&times)),
            "params.heartbeat: give 1 tick or more; 0 would repeat at once, for ever"
        );
        assert!(ticks_not_zero(&times[..1]).is_ok());
    }

    #[test]
    fn command_lists_point_at_the_list_or_the_command() {
        let lists = |l: &[&[&str]]| -> Vec<Vec<String>> {
            l.iter()
                .map(|c| c.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        let no_spaces = |c: &str| {
            if c.contains(' ') {
                Err(format!("\"{c}\" has a space"))
            } else {
                Ok(())
            }
        };
        assert!(command_lists(&lists(&[&["a"], &["b", "c"]]), 2, no_spaces).is_ok());
        assert_eq!(
            message(command_lists(
                &lists(&[&["a"], &["b", "c", "d"]]),
                2,
                no_spaces
            )),
            "params.commands[1]: a client sends at most 2 commands, not 3"
        );
        assert_eq!(
            message(command_lists(&lists(&[&["a", "b c"]]), 2, no_spaces)),
            "params.commands[0][1]: \"b c\" has a space"
        );
    }

    #[test]
    fn processes_must_match_the_counts_in_order() {
        let two = [Group::new(2, "server", "S"), Group::new(1, "client", "C")];
        assert_eq!(numbered_names(&two), ["S1", "S2", "C1"]);
        assert!(process_count(&numbered_names(&two), &two).is_ok());
        assert_eq!(
            message(process_count(&[], &two)),
            "processes: 2 servers and 1 client make 3 processes, not 0: name the servers \
             first, then the clients (S1, S2, C1)"
        );
        let three = [
            Group::new(1, "reader", "R"),
            Group::new(2, "writer", "W"),
            Group::new(1, "clerk", "K"),
        ];
        assert_eq!(
            message(process_count(&["R1".into()], &three)),
            "processes: 1 reader, 2 writers and 1 clerk make 4 processes, not 1: name the \
             readers first, then the writers, then the clerks (R1, W1, W2, K1)"
        );
    }

    #[test]
    fn plural_adds_an_s_except_for_one() {
        assert_eq!(plural(1, "list"), "list");
        assert_eq!(plural(0, "list"), "lists");
        assert_eq!(plural(2, "list"), "lists");
    }
}
