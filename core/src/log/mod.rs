//! Real logs in, real logs out: vector-clock logs as GoVector writes them and ShiViz reads them,
//! redrawn as diagrams (by the lesson that draws logs, through [`crate::lessons::draw_log`]), and
//! any trace written back out in GoVector's format.
//!
//! ## The two formats
//!
//! Both give each event three things: the **host** that logged it, its **vector clock** as a JSON
//! object `{"host": counter, ...}`, and a line of **event text**.
//!
//! * **GoVector** writes two lines per event, the host and its clock first:
//!
//!   ```text
//!   alice {"alice":1}
//!   Initialization Complete
//!   alice {"alice":2}
//!   Sending ping
//!   bob {"alice":2, "bob":2}
//!   Received ping
//!   ```
//!
//!   [`govector_records`] reads this without a regex engine: blank lines between events are
//!   skipped, and every line that is not where an event should be becomes a [`Problem`].
//!
//! * **ShiViz** reads any log through a *parser regex* with the named groups `host`, `clock` and
//!   `event`. Its default, [`SHIVIZ_DEFAULT_REGEX`], wants the event line first and then
//!   `host {clock}`; [`GOVECTOR_REGEX`] reads GoVector's files. A log saved for ShiViz may carry
//!   its regex on line 1 and a delimiter between executions on line 2 ([`shiviz_header`]). This
//!   crate has no regex engine: [`import_govector`] understands the header when it names one of
//!   those two regexes, and a caller with an engine (the CLI) matches any other regex itself and
//!   hands the matches to [`records_from_matches`].
//!
//! ## How arrows are inferred from clocks
//!
//! A log says nothing of messages: only the clocks tell. The diagram must order two events
//! exactly as their clocks do: `a` before `b` when `VC(a) < VC(b)`. [`from_records`] puts each
//! host's events on a lane, in log order (their own counters must go up; they may skip numbers,
//! and logs of several hosts may be concatenated in any order), and draws, as ShiViz does, only
//! the arrows that neither the lanes nor other arrows imply: the transitive reduction of the
//! clocks' order (see `arrows.rs`). So a receipt may also send, a send may reach several hosts,
//! and an event may hear from several at once, each drawn as the log has it. Hosts may be hidden
//! and lanes ordered ([`Lanes`]) without changing the relation among the events shown, and two
//! executions of one file may be drawn side by side ([`compare()`]).
//!
//! Whatever cannot be drawn faithfully (a clock that is not JSON, a counter that goes back) is
//! reported as a [`Problem`] with its line, and the rest is drawn.
//!
//! [`to_govector`] goes the other way: any trace, as a GoVector log that ShiViz can open.
//!
//! ```
//! use spacetime_core::log::{import_govector, to_govector};
//! use spacetime_core::{Relation, Run};
//!
//! let log = r#"alice {"alice":1}
//! Initialization Complete
//! bob {"bob":1}
//! Initialization Complete
//! alice {"alice":2}
//! Sending ping
//! bob {"alice":2, "bob":2}
//! Received ping
//! bob {"alice":2, "bob":3}
//! Sending pong
//! alice {"alice":3}
//! Idle
//! alice {"alice":4, "bob":3}
//! Received pong
//! "#;
//! let imported = import_govector("ping-pong", log).unwrap();
//! assert!(imported.problems.is_empty());
//! assert_eq!((imported.events, imported.messages), (7, 2));
//! assert_eq!(imported.scenario.processes, ["alice", "bob"]);
//!
//! // The scenario redraws the log: the ping's send happens before the pong's receipt, and
//! // alice's idle moment is concurrent with bob's answer.
//! let run = Run::complete(&imported.scenario).unwrap();
//! let trace = run.trace();
//! let find = |label: &str| trace.events.iter().find(|e| &*e.label == label).unwrap().id;
//! assert_eq!(trace.relation(find("Sending ping"), find("Idle")), Relation::Before);
//! assert_eq!(trace.relation(find("Idle"), find("Sending pong")), Relation::Concurrent);
//!
//! // And back out: GoVector's two lines per event.
//! let out = to_govector(trace);
//! assert!(out.starts_with("alice {\"alice\":1}\nInitialization Complete\n"));
//! assert!(out.contains("bob {\"bob\":2, \"alice\":2}\nreceive Sending ping from alice\n"));
//! ```

use std::fmt::{self, Write as _};

use crate::scenario::{Scenario, MAX_EVENTS, MAX_PROCESSES};
use crate::words::thousands;

mod arrows;
mod clock;
mod compare;
mod export;
mod infer;
mod read;
mod sliced;
#[cfg(test)]
mod tests;

pub use compare::compare;
pub use export::to_govector;
pub use infer::{from_records, import_found};
use read::split_line;
pub use read::{
    execution, executions, govector_records, line_of, missing_group, records_from_matches,
    shiviz_header, Execution, RegexMatch, ShivizHeader,
};
pub use sliced::{LogImport, Progress, Stage, Step};

/// ShiViz's default parser regex: the event line, then `host {clock}`.
pub const SHIVIZ_DEFAULT_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";
/// The parser regex for GoVector's files: `host {clock}`, then the event line.
pub const GOVECTOR_REGEX: &str = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";

/// Time between two events that follow one another in the redrawn diagram.
const TICK: u64 = 10;
/// How much of a line an error quotes.
const QUOTE: usize = 60;

/// One logged event as a reader found it: the 1-based line of its first line, the host, the clock
/// text (a JSON object host -> counter), the event text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    pub line: usize,
    pub host: String,
    pub clock: String,
    pub event: String,
}

/// Something wrong with one place of the log; the import goes on without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The 1-based line it is about.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl Problem {
    fn new(line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line,
            message: message.into(),
        }
    }
}

/// A log turned into a scenario that redraws it.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The scenario the lesson that draws logs made of the [`Drawing`], titled with the log's
    /// name.
    pub scenario: Scenario,
    /// What could not be drawn as the log has it, in line order.
    pub problems: Vec<Problem>,
    /// The events drawn (sends, receipts and local events).
    pub events: usize,
    /// The arrows drawn.
    pub messages: usize,
    /// Every host of the log, in the order the log names them, with its events.
    pub hosts: Vec<HostSummary>,
    /// Lines of text between the records that are no part of any (see [`Found`]).
    pub skipped: usize,
    /// How many executions the file holds (ShiViz's delimiter); one was drawn.
    pub executions: usize,
}

/// Why nothing could be imported at all. Anything less is a [`Problem`].
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// No event was found. `first_line` is line 1 of the text, shortened (empty for empty text).
    #[error("{}", no_events_message(.expected, .first_line))]
    NoEvents {
        expected: String,
        first_line: String,
    },
    /// Events were found, but each of them has a problem.
    #[error("{}", nothing_drawable(*.records, .first, *.more))]
    NothingDrawable {
        records: usize,
        first: Problem,
        more: usize,
    },
    /// A parser regex lacks one of the named groups an event needs.
    #[error(
        "the parser regex has no named group `(?<{group}>...)`; it needs three: host, clock and \
         event"
    )]
    MissingGroup { group: String },
    /// More hosts than a diagram can have lanes.
    #[error(
        "the log has more than {MAX_PROCESSES} hosts: \"{host}\" at line {line} is host number \
         {}, and Spacetime draws at most {MAX_PROCESSES} lanes",
        MAX_PROCESSES + 1
    )]
    TooManyHosts { host: String, line: usize },
    /// A ShiViz header names a parser regex that only a regex engine can apply.
    #[error(
        "line 1 gives the parser regex `{regex}`, which needs a regex engine: import the log with \
         `spacetime import`, or give it GoVector's regex or ShiViz's default"
    )]
    NeedsRegex { regex: String },
    /// More events than the page holds ([`MAX_EVENTS`]): refused before anything is drawn.
    /// `both` when they are those of two executions drawn side by side.
    #[error("{}", too_many_events(*.events, *.both))]
    TooManyEvents { events: usize, both: bool },
    /// Every host with events is hidden.
    #[error("all {hosts} hosts are hidden: show at least one to draw the log")]
    AllHidden { hosts: usize },
    /// No lesson draws logs (see [`crate::lessons::LessonInfo::draws_logs`]).
    #[error("this build has no lesson that draws logs")]
    NoDrawer,
}

/// A log as a diagram to draw: what [`from_records`] inferred, for the lesson that draws logs to
/// turn into a scenario of its protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    /// The log's name.
    pub title: String,
    /// A sentence saying what was drawn: "7 events on 2 hosts, 2 messages, from a log".
    pub description: String,
    /// One lane per host shown, in the order chosen ([`Lanes`]).
    pub hosts: Vec<String>,
    /// The events, each on a lane at a time; the events of a lane come in time order.
    pub events: Vec<DrawnEvent>,
    /// The arrows between lanes, `(from, to)` as indices into `events`: the dependencies that
    /// neither the lanes nor other arrows imply, grouped by the event they point at.
    pub arrows: Vec<(usize, usize)>,
    /// Events to draw marked, with why (where two executions differ): indices into `events`.
    pub marked: Vec<(usize, String)>,
    /// Arrows to draw marked: indices into `arrows`.
    pub marked_arrows: Vec<usize>,
}

/// One dot of a [`Drawing`]: what a host logged.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnEvent {
    /// Its lane: an index into [`Drawing::hosts`].
    pub lane: usize,
    /// Its time: later than every event it depends on.
    pub at: u64,
    /// The log's text for it (or `host n` when the log gives none).
    pub label: String,
}

/// Which hosts an imported log shows, and in what order: ShiViz lets its users hide hosts, and a
/// long log is easier to read with its busiest lanes together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lanes {
    pub order: LaneOrder,
    /// Hosts left out of the drawing. The happens-before relation among the events shown is
    /// still the log's: an arrow stands for a dependency that went through a hidden host.
    pub hidden: Vec<String>,
}

/// The order of the lanes of an imported log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LaneOrder {
    /// As the log first names them.
    #[default]
    Log,
    /// By name, numbers in names compared as numbers (`n2` before `n10`).
    Name,
    /// The hosts with the most events first.
    Events,
}

/// One host of an imported log, shown or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSummary {
    pub name: String,
    /// Its events that could be drawn.
    pub events: usize,
    pub hidden: bool,
}

/// What a reader found in a log's text: the records, the problems of lines that are truly
/// malformed, and how many lines of other text it skipped (a TLC trace has text before,
/// between and after its records).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub records: Vec<LogRecord>,
    pub problems: Vec<Problem>,
    pub skipped: usize,
}

impl ImportError {
    /// No event found in `text`, which was expected to hold `expected` (a few words: "events
    /// that match the parser regex ..."); quotes the text's first line, shortened.
    pub fn no_events(expected: impl Into<String>, text: &str) -> ImportError {
        ImportError::NoEvents {
            expected: expected.into(),
            first_line: shorten(split_line(strip_bom(text)).0),
        }
    }
}

fn no_events_message(expected: &str, first_line: &str) -> String {
    if first_line.is_empty() {
        format!("no events: the log is empty (expected {expected})")
    } else {
        format!("no events found: expected {expected}, but line 1 reads \"{first_line}\"")
    }
}

fn too_many_events(events: usize, both: bool) -> String {
    let what = if both {
        "the two executions have"
    } else {
        "this log has"
    };
    format!(
        "{what} {} events; the page holds at most {}",
        thousands(events as u64),
        thousands(MAX_EVENTS as u64)
    )
}

fn nothing_drawable(records: usize, first: &Problem, more: usize) -> String {
    let mut message = format!(
        "none of the {records} logged events can be drawn; the first problem is at {first}"
    );
    if more > 0 {
        let _ = write!(message, " ({more} more)");
    }
    message
}

/// What a GoVector log looks like, for error messages.
const GOVECTOR_EXPECTED: &str =
    "GoVector's two lines per event, `host {\"host\":1}` and then the event's text";

/// `text` without a byte-order mark.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// At most [`QUOTE`] characters of `text`, with an ellipsis when cut.
fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Reads `text` in the format it is in: through its ShiViz header if line 1 has one (see
/// [`shiviz_header`]), else as GoVector's two-line format ([`govector_records`]), and turns it
/// into a scenario ([`from_records`]). A file of several executions draws its first.
///
/// This crate has no regex engine, so a header is understood when its regex is
/// [`GOVECTOR_REGEX`] or [`SHIVIZ_DEFAULT_REGEX`] (any other is [`ImportError::NeedsRegex`]: match
/// it yourself and use [`records_from_matches`]), and a delimiter on line 2 is matched as plain
/// text, one whole line.
pub fn import_govector(name: &str, text: &str) -> Result<Imported, ImportError> {
    import_govector_with(name, text, &Choice::default())
}

/// What to draw of a log: which execution (from 0) of a file that holds several, another to
/// draw beside it with what differs marked ([`compare()`]), and which hosts in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    pub execution: usize,
    pub compare: Option<usize>,
    pub lanes: Lanes,
}

/// [`import_govector`], drawing what `choice` says: a [`LogImport`] run to its end in one go.
pub fn import_govector_with(
    name: &str,
    text: &str,
    choice: &Choice,
) -> Result<Imported, ImportError> {
    LogImport::new(name, text, choice.clone()).finish()
}

/// Draw what `choice` says of a log `body` (whose first line is `first_line`) that holds one
/// execution, or several separated by lines for which `split` is true: the chosen one, or two side
/// by side ([`compare()`]). `find` reads one execution's records with whatever regex engine the
/// caller has; `fail` turns an import error into the caller's. The CLI and the page both read
/// logs through this, so that they draw the same trace.
pub fn import_executions<E>(
    name: &str,
    body: &str,
    first_line: usize,
    choice: &Choice,
    split: Option<&dyn Fn(&str) -> bool>,
    find: impl Fn(&str, usize) -> Result<Found, E>,
    fail: impl Fn(ImportError) -> E,
) -> Result<Imported, E> {
    let (runs, count) = found_executions(body, first_line, choice, split, find)?;
    LogImport::found(name, "", runs, choice.clone(), count)
        .finish()
        .map_err(fail)
}

/// What [`import_executions`] reads before drawing: the records of the execution chosen (and
/// of the one beside it, if any), and how many executions there are. For a caller that then
/// draws them a step at a time ([`LogImport::found`]).
pub fn found_executions<E>(
    body: &str,
    first_line: usize,
    choice: &Choice,
    split: Option<&dyn Fn(&str) -> bool>,
    find: impl Fn(&str, usize) -> Result<Found, E>,
) -> Result<(Vec<Found>, usize), E> {
    let (chosen, beside, count) = match split {
        Some(is_delimiter) => {
            let (chosen, count) = execution(body, first_line, choice.execution, is_delimiter);
            let beside = choice
                .compare
                .map(|other| execution(body, first_line, other, is_delimiter).0);
            (chosen, beside, count)
        }
        None => (
            Execution {
                text: body,
                first_line,
            },
            None,
            1,
        ),
    };
    let mut runs = vec![find(chosen.text, chosen.first_line)?];
    if let Some(other) = beside {
        runs.push(find(other.text, other.first_line)?);
    }
    Ok((runs, count))
}
