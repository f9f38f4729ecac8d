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
//! A log says nothing of messages: only the clocks tell. GoVector keeps vector clocks as the
//! course does: every event increments its own host's entry, and a receipt first takes the
//! entry-wise maximum with the clock the message carried. So an event `e` of host `Q` is a
//! **receipt** when some other host's entry went *up* since `Q`'s previous event: `Q` heard news.
//! The news came from the host `P` whose event with counter `e.clock[P]` carries exactly the
//! entries that went up: that event is the **send**. Everything else is a **local** event.
//!
//! [`from_records`] draws the receipts as arrows and the rest as dots, on one lane per host. It
//! keeps the order of each host's events (their own counters must go up) and places every event
//! after everything it heard of, so that the redrawn run has the same happens-before relation as
//! the log. Counters may skip numbers; logs of several hosts may be concatenated in any order.
//! Whatever cannot be drawn faithfully (a clock that is not JSON, a counter that goes back, a
//! message received twice) is reported as a [`Problem`] with its line, and the rest is drawn.
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

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::scenario::{ProcessRef, Scenario, MAX_PROCESSES};
use crate::trace::{EventKind, Trace};

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
    /// One lane per host, in order of first appearance.
    pub hosts: Vec<String>,
    /// The events drawn (a message counts its send and its receipt).
    pub events: usize,
    /// What happens, in time order.
    pub lines: Vec<DrawnEvent>,
}

/// One thing a [`Drawing`] shows.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawnEvent {
    /// A dot on `process`'s lane at time `at`.
    Local {
        at: u64,
        process: ProcessRef,
        label: String,
    },
    /// A message sent by `process` at `at` that `to` receives at `arrive`; `receipt` is what the
    /// receiver's log says of it.
    Message {
        at: u64,
        process: ProcessRef,
        label: String,
        to: ProcessRef,
        arrive: u64,
        receipt: String,
    },
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

/// A ShiViz file's own header: its parser regex on line 1 and the delimiter between executions on
/// line 2. The regex and delimiter are owned; `body` borrows the log that follows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShivizHeader<'a> {
    /// Line 1: the parser regex, as written (JavaScript syntax).
    pub regex: String,
    /// Line 2: the regex that separates executions; empty when the log holds one execution.
    pub delimiter: String,
    /// The 1-based line where the log starts (3, unless the file ends early).
    pub first_line: usize,
    /// The log, from `first_line` on.
    pub body: &'a str,
}

/// One match of a parser regex in a log, as the caller's regex engine found it: the byte range of
/// the whole match and its three named groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegexMatch<'a> {
    pub start: usize,
    pub end: usize,
    pub host: &'a str,
    pub clock: &'a str,
    pub event: &'a str,
}

/// `text` without a byte-order mark.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

/// The lines of `text` with their 1-based numbers, counted from `first_line`, without `\r\n`.
fn numbered_lines(text: &str, first_line: usize) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(move |(i, l)| (first_line + i, l))
}

/// At most [`QUOTE`] characters of `text`, with an ellipsis when cut.
fn shorten(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// `host {clock}`: the host (no whitespace) and the clock, from its `{` to the line's last `}`.
fn split_host_line(line: &str) -> Option<(&str, &str)> {
    let (host, rest) = line.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let end = rest.rfind('}')?;
    (!host.is_empty() && rest.starts_with('{')).then(|| (host, &rest[..=end]))
}

/// A host line whose clock parses and names its host: certainly not an event's text.
fn is_clearly_host_line(line: &str) -> bool {
    split_host_line(line).is_some_and(|(host, clock)| {
        serde_json::from_str::<Entries<'_>>(clock)
            .is_ok_and(|Entries(entries)| entries.iter().any(|(name, _)| name == host))
    })
}

/// Collects runs of lines that are not where an event should be into one problem per run.
struct Garbage {
    run: Option<(usize, String, usize)>,
    what: &'static str,
}

impl Garbage {
    fn new(what: &'static str) -> Garbage {
        Garbage { run: None, what }
    }

    fn line(&mut self, line: usize, text: &str) {
        match &mut self.run {
            Some((_, _, more)) => *more += 1,
            None => self.run = Some((line, shorten(text), 0)),
        }
    }

    fn end(&mut self, problems: &mut Vec<Problem>) {
        if let Some((line, text, more)) = self.run.take() {
            let mut message = format!("expected {}, found \"{text}\"", self.what);
            match more {
                0 => {}
                1 => message.push_str(" (the line after it is skipped too)"),
                n => {
                    let _ = write!(message, " (the {n} lines after it are skipped too)");
                }
            }
            problems.push(Problem::new(line, message));
        }
    }
}

/// GoVector's two-line format read without a regex engine (blank lines skipped; a `host {json}`
/// line followed by its event line). Malformed lines become problems (with line numbers), not
/// errors.
///
/// The line right after a host line is its event's text, even when blank (an event logged with no
/// text), unless it is itself clearly a host line (its clock parses and names its host): then the
/// event line is missing, which is reported, and the event is kept with no text.
pub fn govector_records(text: &str) -> (Vec<LogRecord>, Vec<Problem>) {
    read_govector(strip_bom(text), 1)
}

fn read_govector(text: &str, first_line: usize) -> (Vec<LogRecord>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut garbage = Garbage::new("a line `host {clock}` (the first of GoVector's two lines)");
    let mut pending: Option<(usize, &str, &str)> = None;
    let missing = |line: usize| {
        Problem::new(
            line,
            "this host line has no event line after it; the event is drawn with no text",
        )
    };
    for (n, line) in numbered_lines(text, first_line) {
        if let Some((at, host, clock)) = pending.take() {
            if !is_clearly_host_line(line) {
                records.push(LogRecord {
                    line: at,
                    host: host.to_string(),
                    clock: clock.to_string(),
                    event: line.trim_end().to_string(),
                });
                continue;
            }
            problems.push(missing(at));
            records.push(LogRecord {
                line: at,
                host: host.to_string(),
                clock: clock.to_string(),
                event: String::new(),
            });
        }
        if line.trim().is_empty() {
            continue;
        }
        match split_host_line(line) {
            Some((host, clock)) => {
                garbage.end(&mut problems);
                pending = Some((n, host, clock));
            }
            None => garbage.line(n, line),
        }
    }
    garbage.end(&mut problems);
    if let Some((at, host, clock)) = pending {
        problems.push(missing(at));
        records.push(LogRecord {
            line: at,
            host: host.to_string(),
            clock: clock.to_string(),
            event: String::new(),
        });
    }
    problems.sort_by_key(|p| p.line);
    (records, problems)
}

/// ShiViz's default format read without a regex engine: an event line, then `host {clock}`.
fn read_shiviz_default(text: &str, first_line: usize) -> (Vec<LogRecord>, Vec<Problem>) {
    let lines: Vec<(usize, &str)> = numbered_lines(text, first_line).collect();
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut garbage = Garbage::new("an event line followed by a line `host {clock}`");
    let mut i = 0;
    while i < lines.len() {
        let (n, line) = lines[i];
        if let Some((host, clock)) = lines.get(i + 1).and_then(|(_, l)| split_host_line(l)) {
            garbage.end(&mut problems);
            records.push(LogRecord {
                line: n,
                host: host.to_string(),
                clock: clock.to_string(),
                event: line.trim_end().to_string(),
            });
            i += 2;
            continue;
        }
        if !line.trim().is_empty() {
            garbage.line(n, line);
        }
        i += 1;
    }
    garbage.end(&mut problems);
    (records, problems)
}

/// A ShiViz file may start with its own parser regex on line 1 and the executions delimiter on
/// line 2 (often blank). If line 1 looks like such a regex (it contains `(?<` and names the groups
/// host, clock and event), returns it, the delimiter, the 1-based line where the log starts and
/// the log text from there.
pub fn shiviz_header(text: &str) -> Option<ShivizHeader<'_>> {
    let text = strip_bom(text);
    let (first, rest) = split_line(text);
    let first = first.trim_end_matches('\r');
    let names_all = ["host", "clock", "event"]
        .iter()
        .all(|g| names_group(first, g));
    if !first.contains("(?<") || !names_all {
        return None;
    }
    let (delimiter, body) = split_line(rest);
    Some(ShivizHeader {
        regex: first.to_string(),
        delimiter: delimiter.trim_end_matches('\r').to_string(),
        first_line: 3,
        body,
    })
}

/// The first line of `text` (without its `\n`) and everything after it.
fn split_line(text: &str) -> (&str, &str) {
    match text.split_once('\n') {
        Some((line, rest)) => (line, rest),
        None => (text, ""),
    }
}

/// Whether a regex has the named group `group`: `(?<group>` or `(?P<group>`.
fn names_group(regex: &str, group: &str) -> bool {
    regex.contains(&format!("(?<{group}>")) || regex.contains(&format!("(?P<{group}>"))
}

/// The first of the three groups an event needs that `regex` lacks, if any.
pub fn missing_group(regex: &str) -> Option<&'static str> {
    ["host", "clock", "event"]
        .into_iter()
        .find(|g| !names_group(regex, g))
}

/// The first execution of a log that holds several, separated by lines for which `is_delimiter`
/// is true (ShiViz's line 2). Returns that execution's text, the line it starts on (counted from
/// `first_line`), and a problem saying what was left out, if anything was.
pub fn first_execution(
    body: &str,
    first_line: usize,
    mut is_delimiter: impl FnMut(&str) -> bool,
) -> (&str, usize, Option<Problem>) {
    // Byte ranges and first lines of the executions with something in them.
    let mut executions: Vec<(usize, usize, usize)> = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, first_line, 0);
    let mut has_text = false;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let n = first_line + i;
        let end = offset + line.len();
        if is_delimiter(line.trim_end_matches(['\n', '\r'])) {
            if has_text {
                executions.push((start, offset, start_line));
            }
            (start, start_line, has_text) = (end, n + 1, false);
        } else if !line.trim().is_empty() {
            has_text = true;
        }
        offset = end;
    }
    if has_text {
        executions.push((start, body.len(), start_line));
    }
    match executions.as_slice() {
        [] => (body, first_line, None),
        [(from, to, line)] => (&body[*from..*to], *line, None),
        [(from, to, line), rest @ ..] => {
            let problem = Problem::new(
                rest[0].2,
                format!(
                    "the log holds {} executions; Spacetime draws the first (from line {line}) \
                     and leaves out the rest, from here on",
                    rest.len() + 1
                ),
            );
            (&body[*from..*to], *line, Some(problem))
        }
    }
}

/// Helper for callers that own a regex engine: the 1-based line of a byte offset in `text` (the
/// count of `\n` before it, plus one).
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Records from the matches of a parser regex over `text`, in order (JavaScript's `g` flag:
/// each match starts where the last ended). `first_line` is the number of `text`'s first line in
/// the file. Text between and after the matches that is not blank is reported: it matched no
/// event. Counting lines as it goes, this is linear in the text.
pub fn records_from_matches<'m>(
    text: &str,
    first_line: usize,
    matches: impl IntoIterator<Item = RegexMatch<'m>>,
) -> (Vec<LogRecord>, Vec<Problem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    // The line of byte `at`, counted from where the last question left off.
    let (mut counted_to, mut line) = (0usize, first_line);
    let mut line_at = |at: usize| {
        let at = at.clamp(counted_to, text.len());
        line += text.as_bytes()[counted_to..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = at;
        line
    };
    let gap = |from: usize,
               to: usize,
               problems: &mut Vec<Problem>,
               line_at: &mut dyn FnMut(usize) -> usize| {
        let Some(between) = text.get(from..to) else {
            return;
        };
        if let Some(skip) = between.find(|c: char| !c.is_whitespace()) {
            let quoted = between[skip..].lines().next().unwrap_or_default();
            problems.push(Problem::new(
                line_at(from + skip),
                format!(
                    "this text matches no event of the parser regex: \"{}\"",
                    shorten(quoted)
                ),
            ));
        }
    };
    let mut last_end = 0;
    for m in matches {
        if m.start < last_end || m.end < m.start {
            continue;
        }
        gap(last_end, m.start, &mut problems, &mut line_at);
        records.push(LogRecord {
            line: line_at(m.start),
            host: m.host.to_string(),
            clock: m.clock.to_string(),
            event: m.event.trim_end_matches('\r').to_string(),
        });
        last_end = m.end;
    }
    gap(last_end, text.len(), &mut problems, &mut line_at);
    (records, problems)
}

/// Reads `text` in the format it is in: through its ShiViz header if line 1 has one (see
/// [`shiviz_header`]), else as GoVector's two-line format ([`govector_records`]), and turns it
/// into a scenario ([`from_records`]).
///
/// This crate has no regex engine, so a header is understood when its regex is
/// [`GOVECTOR_REGEX`] or [`SHIVIZ_DEFAULT_REGEX`] (any other is [`ImportError::NeedsRegex`]: match
/// it yourself and use [`records_from_matches`]), and a delimiter on line 2 is matched as plain
/// text, one whole line.
pub fn import_govector(name: &str, text: &str) -> Result<Imported, ImportError> {
    let text = strip_bom(text);
    let (records, mut problems, expected) = match shiviz_header(text) {
        Some(header) => {
            let delimiter = header.delimiter.trim();
            let (body, first_line, left_out) = if delimiter.is_empty() {
                (header.body, header.first_line, None)
            } else {
                first_execution(header.body, header.first_line, |line| {
                    line.trim() == delimiter
                })
            };
            let regex = header.regex.trim();
            let (records, mut problems) = if regex == GOVECTOR_REGEX {
                read_govector(body, first_line)
            } else if regex == SHIVIZ_DEFAULT_REGEX {
                read_shiviz_default(body, first_line)
            } else {
                if let Some(group) = missing_group(regex) {
                    return Err(ImportError::MissingGroup {
                        group: group.into(),
                    });
                }
                return Err(ImportError::NeedsRegex {
                    regex: header.regex.clone(),
                });
            };
            problems.extend(left_out);
            (
                records,
                problems,
                "events that match the parser regex on line 1",
            )
        }
        None => {
            let (records, problems) = read_govector(text, 1);
            (records, problems, GOVECTOR_EXPECTED)
        }
    };
    if records.is_empty() {
        return Err(ImportError::no_events(expected, text));
    }
    problems.sort_by_key(|p| p.line);
    from_records(name, records, problems)
}

/// A clock's entries as the log writes them, names borrowed from the text where they can be.
struct Entries<'a>(Vec<(Cow<'a, str>, serde_json::Value)>);

/// A host name in a clock: borrowed unless it has escapes.
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a host name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of host: counter")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(Name(name)) = map.next_key()? {
                    entries.push((name, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A clock in its plainest form, `{"name": 12, ...}` (no escapes, whole numbers without sign,
/// fraction or leading zero), read without building anything: the entries go to `entries`.
/// `false` for anything else, which serde_json then reads or explains.
fn scan_clock<'t>(text: &'t str, entries: &mut Vec<(&'t str, u64)>) -> bool {
    entries.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    skip(&mut i);
    if bytes.get(i) != Some(&b'{') {
        return false;
    }
    i += 1;
    skip(&mut i);
    if bytes.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if bytes.get(i) != Some(&b'"') {
                return false;
            }
            let start = i + 1;
            let Some(len) = bytes[start..].iter().position(|&b| b == b'"') else {
                return false;
            };
            let name = &text[start..start + len];
            if name.contains('\\') || name.chars().any(char::is_control) {
                return false;
            }
            i = start + len + 1;
            skip(&mut i);
            if bytes.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
            skip(&mut i);
            let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || (digits > 1 && bytes[i] == b'0') {
                return false;
            }
            let Ok(counter) = text[i..i + digits].parse::<u64>() else {
                return false;
            };
            entries.push((name, counter));
            i += digits;
            skip(&mut i);
            match bytes.get(i) {
                Some(b',') => {
                    i += 1;
                    skip(&mut i);
                }
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return false,
            }
        }
    }
    skip(&mut i);
    i == bytes.len()
}

/// Parse a record's clock into `row` (dense: one counter per host, zeroed first). Reports what is
/// wrong with it; `false` when the event must be left out. `plain` is scratch space.
fn parse_clock<'t>(
    record: &'t LogRecord,
    hosts: &HostIndex<'_>,
    row: &mut [u64],
    plain: &mut Vec<(&'t str, u64)>,
    unknown: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> bool {
    row.iter_mut().for_each(|c| *c = 0);
    let mut set = |host: &str, counter: u64| match hosts.get(host) {
        Some(&k) => row[k] = counter,
        None if counter == 0 => {}
        None => {
            if !unknown.iter().any(|u| u == host) {
                problems.push(Problem::new(
                    record.line,
                    format!(
                        "the clock names host \"{host}\", which logs no event; its entries are \
                         ignored (this is said once)"
                    ),
                ));
                unknown.push(host.to_string());
            }
        }
    };
    if scan_clock(&record.clock, plain) {
        for &(host, counter) in plain.iter() {
            set(host, counter);
        }
        return true;
    }
    let entries = match serde_json::from_str::<Entries<'_>>(&record.clock) {
        Ok(Entries(entries)) => entries,
        Err(e) => {
            problems.push(Problem::new(
                record.line,
                format!(
                    "the clock {} is not a JSON object of host: counter: {e}",
                    shorten(&record.clock)
                ),
            ));
            return false;
        }
    };
    if let Some((host, value)) = entries.iter().find(|(_, v)| v.as_u64().is_none()) {
        problems.push(Problem::new(
            record.line,
            format!(
                "the clock gives \"{host}\" the value {}, which is not a counter (a whole number \
                 from 0 up)",
                shorten(&value.to_string())
            ),
        ));
        return false;
    }
    for (host, value) in &entries {
        set(host, value.as_u64().unwrap_or_default());
    }
    true
}

/// FNV-1a: host names are short, and SipHash's protection is not needed for a log one reads.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Host name -> index among the hosts.
type HostIndex<'a> = HashMap<&'a str, usize, std::hash::BuildHasherDefault<Fnv>>;

/// Turn records into a scenario titled `name` that redraws (drawn by the lesson that draws logs)
/// them; `problems` (a reader's) are kept and joined by those found here. See the [module
/// docs](self) for how arrows are inferred.
///
/// An event is kept when its clock is a JSON object of counters that gives its own host a
/// positive counter, larger than that of the host's previous kept event. A receipt whose send
/// cannot be found, or whose send was already received (a multicast), or whose send is itself a
/// receipt, or whose clock contradicts another's (a cycle), is drawn as a local event, with a
/// problem.
pub fn from_records(
    name: &str,
    records: Vec<LogRecord>,
    mut problems: Vec<Problem>,
) -> Result<Imported, ImportError> {
    // The hosts, in order of first appearance.
    let mut hosts: Vec<&str> = Vec::new();
    let mut index = HostIndex::default();
    let mut record_host: Vec<Option<usize>> = Vec::with_capacity(records.len());
    for r in &records {
        let host = r.host.as_str();
        if host.trim().is_empty() {
            problems.push(Problem::new(r.line, "this event names no host"));
            record_host.push(None);
            continue;
        }
        let h = match index.get(host) {
            Some(&h) => h,
            None => {
                if hosts.len() == MAX_PROCESSES {
                    return Err(ImportError::TooManyHosts {
                        host: host.to_string(),
                        line: r.line,
                    });
                }
                index.insert(host, hosts.len());
                hosts.push(host);
                hosts.len() - 1
            }
        };
        record_host.push(Some(h));
    }
    let width = hosts.len();

    // The events kept: their record, host and dense clock (`clocks[e * width..][..width]`).
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut clocks: Vec<u64> = Vec::new();
    let mut last_own: Vec<u64> = vec![0; width];
    let mut unknown: Vec<String> = Vec::new();
    let mut row = vec![0u64; width];
    let mut plain = Vec::with_capacity(width);
    for (i, r) in records.iter().enumerate() {
        let Some(h) = record_host[i] else { continue };
        if !parse_clock(r, &index, &mut row, &mut plain, &mut unknown, &mut problems) {
            continue;
        }
        let own = row[h];
        if own == 0 {
            problems.push(Problem::new(
                r.line,
                format!(
                    "the clock {} gives host \"{}\" no counter of its own, so the event cannot be \
                     placed on its lane",
                    shorten(&r.clock),
                    r.host
                ),
            ));
            continue;
        }
        if own <= last_own[h] {
            let how = if own == last_own[h] {
                format!("repeats {own}")
            } else {
                format!("goes back from {} to {own}", last_own[h])
            };
            problems.push(Problem::new(
                r.line,
                format!("host {}'s clock {how}; the event is left out", r.host),
            ));
            continue;
        }
        last_own[h] = own;
        kept.push((i, h));
        clocks.extend_from_slice(&row);
    }
    let n = kept.len();
    if n == 0 {
        problems.sort_by_key(|p| p.line);
        let mut problems = problems.into_iter();
        return Err(match problems.next() {
            Some(first) => ImportError::NothingDrawable {
                records: records.len(),
                first,
                more: problems.len(),
            },
            None => ImportError::NoEvents {
                expected: "at least one logged event".into(),
                first_line: String::new(),
            },
        });
    }
    let clock = |e: usize| &clocks[e * width..(e + 1) * width];
    let line = |e: usize| records[kept[e].0].line;

    // Lanes, and each event's previous one on its lane.
    let mut lanes: Vec<Vec<usize>> = vec![Vec::new(); width];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for (e, &(_, h)) in kept.iter().enumerate() {
        prev[e] = lanes[h].last().copied();
        lanes[h].push(e);
    }
    // The event of host `p` whose own counter is `c`.
    let event_with = |p: usize, c: u64| {
        lanes[p]
            .binary_search_by_key(&c, |&e| clock(e)[p])
            .ok()
            .map(|i| lanes[p][i])
    };

    // Which send each event seems to receive, from its clock alone.
    let zero = vec![0u64; width];
    let mut candidate: Vec<Option<usize>> = vec![None; n];
    let mut increased: Vec<usize> = Vec::with_capacity(width);
    for e in 0..n {
        let q = kept[e].1;
        let before = prev[e].map_or(zero.as_slice(), clock);
        let now = clock(e);
        increased.clear();
        increased.extend((0..width).filter(|&k| k != q && now[k] > before[k]));
        if increased.is_empty() {
            continue;
        }
        let mut best: Option<(usize, usize)> = None;
        let mut full = false;
        for &p in &increased {
            let Some(s) = event_with(p, now[p]) else {
                continue;
            };
            let matching = increased.iter().filter(|&&k| clock(s)[k] == now[k]).count();
            if matching == increased.len() {
                best = Some((s, matching));
                full = true;
                break;
            }
            if best.is_none_or(|(_, m)| matching > m) {
                best = Some((s, matching));
            }
        }
        match best {
            Some((s, _)) => {
                if !full {
                    problems.push(Problem::new(
                        line(e),
                        format!(
                            "no single message explains this clock; drawn as a receipt from {}",
                            hosts[kept[s].1]
                        ),
                    ));
                }
                candidate[e] = Some(s);
            }
            None => {
                let p = increased[0];
                problems.push(Problem::new(
                    line(e),
                    format!(
                        "this clock has heard of {}'s event {}, but {} logs no event with that \
                         counter; drawn as a local event",
                        hosts[p], now[p], hosts[p]
                    ),
                ));
            }
        }
    }

    // One receipt per send, and sends that are not receipts.
    let mut sender: Vec<Option<usize>> = vec![None; n];
    let mut receipt: Vec<Option<usize>> = vec![None; n];
    for e in 0..n {
        let Some(s) = candidate[e] else { continue };
        if candidate[s].is_some() {
            problems.push(Problem::new(
                line(e),
                format!(
                    "this clock points at {}'s event at line {}, which is itself a receipt; \
                     Spacetime draws messages from send events, so this is drawn as a local event",
                    hosts[kept[s].1],
                    line(s)
                ),
            ));
        } else if let Some(first) = receipt[s] {
            problems.push(Problem::new(
                line(e),
                format!(
                    "the message {} sent at line {} was already received at line {}; Spacetime \
                     draws one receipt per message, so this is drawn as a local event",
                    hosts[kept[s].1],
                    line(s),
                    line(first)
                ),
            ));
        } else {
            receipt[s] = Some(e);
            sender[e] = Some(s);
        }
    }

    // Depths, in a topological order of lane and message edges (Kahn); a cycle, which only
    // contradictory clocks make, is broken by drawing one of its receipts as a local event.
    let mut next: Vec<Option<usize>> = vec![None; n];
    for lane in &lanes {
        for pair in lane.windows(2) {
            next[pair[0]] = Some(pair[1]);
        }
    }
    let mut waiting: Vec<u8> = (0..n)
        .map(|e| u8::from(prev[e].is_some()) + u8::from(sender[e].is_some()))
        .collect();
    let mut ready: Vec<usize> = (0..n).rev().filter(|&e| waiting[e] == 0).collect();
    let mut depth: Vec<u64> = vec![0; n];
    let mut done_on_lane: Vec<usize> = vec![0; width];
    let mut done = 0;
    loop {
        while let Some(e) = ready.pop() {
            let after = |x: Option<usize>| x.map_or(0, |x| depth[x]);
            depth[e] = after(prev[e]).max(after(sender[e])) + 1;
            done += 1;
            done_on_lane[kept[e].1] += 1;
            for succ in [next[e], receipt[e]].into_iter().flatten() {
                waiting[succ] -= 1;
                if waiting[succ] == 0 {
                    ready.push(succ);
                }
            }
        }
        if done == n {
            break;
        }
        // Every lane's first waiting event waits only for its sender: free the earliest.
        let e = (0..width)
            .filter_map(|h| lanes[h].get(done_on_lane[h]).copied())
            .min()
            .expect("some event waits");
        let s = sender[e].expect("a lane's first waiting event waits for its sender");
        problems.push(Problem::new(
            line(e),
            format!(
                "this clock and {}'s at line {} each say they came first (a cycle); drawn as a \
                 local event",
                hosts[kept[s].1],
                line(s)
            ),
        ));
        sender[e] = None;
        receipt[s] = None;
        waiting[e] = 0;
        ready.push(e);
    }

    // The script: local events and sends at their times; receipts follow from the arrivals.
    let mut seen_on_lane = vec![0usize; width];
    let labels: Vec<String> = kept
        .iter()
        .map(|&(i, h)| {
            seen_on_lane[h] += 1;
            let text = records[i].event.trim();
            if text.is_empty() {
                format!("{} {}", hosts[h], seen_on_lane[h])
            } else {
                text.to_string()
            }
        })
        .collect();
    let mut lines = Vec::with_capacity(n);
    let mut messages = 0;
    for e in 0..n {
        if sender[e].is_some() {
            continue;
        }
        let process = ProcessRef::Name(hosts[kept[e].1].to_string());
        let at = depth[e] * TICK;
        lines.push(match receipt[e] {
            Some(r) => {
                messages += 1;
                DrawnEvent::Message {
                    at,
                    process,
                    label: labels[e].clone(),
                    to: ProcessRef::Name(hosts[kept[r].1].to_string()),
                    arrive: depth[r] * TICK,
                    receipt: labels[r].clone(),
                }
            }
            None => DrawnEvent::Local {
                at,
                process,
                label: labels[e].clone(),
            },
        });
    }

    problems.sort_by_key(|p| p.line);
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    let drawing = Drawing {
        title: name.to_string(),
        description: format!(
            "{} on {}, {}, from a log",
            plural(n, "event"),
            plural(width, "host"),
            plural(messages, "message")
        ),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        events: n,
        lines,
    };
    let scenario = crate::lessons::draw_log(drawing).ok_or(ImportError::NoDrawer)?;
    debug_assert!(scenario.validate().is_ok());
    Ok(Imported {
        scenario,
        problems,
        events: n,
        messages,
    })
}

/// The process names as GoVector hosts: no whitespace (a host is one word), and distinct.
fn host_names(processes: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(processes.len());
    for (i, p) in processes.iter().enumerate() {
        let mut name: String = p
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        if name.is_empty() {
            name = format!("P{}", i + 1);
        }
        while names.contains(&name) {
            name.push('_');
        }
        names.push(name);
    }
    names
}

/// One line of event text: newlines become spaces, and it is never blank.
fn one_line(text: &str, or: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if line.trim().is_empty() {
        or.to_string()
    } else {
        line
    }
}

/// A message's label as the export says it: a label that already reads `send X to Q` (a log
/// imported from an export) is said as `X`, so that it is not said twice.
fn bare_label<'a>(label: &'a str, to: &str) -> &'a str {
    label
        .strip_prefix("send ")
        .and_then(|rest| rest.strip_suffix(to))
        .and_then(|rest| rest.strip_suffix(" to "))
        .filter(|x| !x.trim().is_empty())
        .unwrap_or(label)
}

/// Export: every event of `trace` in GoVector's format, in trace order: `host {"host":n,
/// "other":m}` (non-zero entries only, the event's own host first, then the others in process
/// order, names JSON-escaped) then one line of event text: a local event's label; `send <label>
/// to <Q>`; `receive <label> from <P>`; for other kinds their kind name and label. It ends with a
/// newline.
///
/// Host names have their whitespace replaced by `_` (a GoVector host is one word). Event text is
/// kept to one line and never left blank.
pub fn to_govector(trace: &Trace) -> String {
    let names = host_names(&trace.processes);
    let quoted: Vec<String> = names
        .iter()
        .map(|n| serde_json::to_string(n).expect("a string serialises"))
        .collect();
    let mut out = String::with_capacity(trace.events.len() * 48);
    for e in &trace.events {
        let p = e.process;
        let clock = trace.vector(e.id);
        out.push_str(&names[p]);
        out.push_str(" {");
        let _ = write!(out, "{}:{}", quoted[p], clock[p]);
        for (k, &c) in clock.iter().enumerate() {
            if k != p && c > 0 {
                let _ = write!(out, ", {}:{c}", quoted[k]);
            }
        }
        out.push_str("}\n");
        let message = e.message.and_then(|m| trace.messages.get(m));
        let text = match (e.kind, message) {
            (EventKind::Local, _) => one_line(&e.label, "local"),
            (EventKind::Send, Some(m)) => {
                let to = &names[m.to];
                format!(
                    "send {} to {to}",
                    one_line(bare_label(&m.label, to), "a message")
                )
            }
            (EventKind::Receive, Some(m)) => format!(
                "receive {} from {}",
                one_line(bare_label(&m.label, &names[m.to]), "a message"),
                names[m.from]
            ),
            (kind, _) => {
                let label = one_line(&e.label, "");
                if label.is_empty() || label == kind.name() {
                    kind.name().to_string()
                } else {
                    format!("{} {label}", kind.name())
                }
            }
        };
        out.push_str(&text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: usize, host: &str, clock: &str, event: &str) -> LogRecord {
        LogRecord {
            line,
            host: host.into(),
            clock: clock.into(),
            event: event.into(),
        }
    }

    #[test]
    fn line_of_counts_newlines_before_the_offset() {
        let text = "a\nbc\n\nd";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 1), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 6), 4);
        assert_eq!(line_of(text, 99), 4);
    }

    #[test]
    fn host_lines_split_at_the_first_space_and_end_at_the_last_brace() {
        assert_eq!(
            split_host_line("alice {\"alice\":1} "),
            Some(("alice", "{\"alice\":1}"))
        );
        assert_eq!(split_host_line("alice"), None);
        assert_eq!(split_host_line(" {\"a\":1}"), None);
        assert_eq!(split_host_line("Sending a message"), None);
        assert!(is_clearly_host_line("bob {\"bob\":2, \"alice\":1}"));
        assert!(!is_clearly_host_line("bob {\"alice\":1}"));
    }

    #[test]
    fn the_header_needs_all_three_groups() {
        let text = format!("{SHIVIZ_DEFAULT_REGEX}\n\nev\nh {{\"h\":1}}\n");
        let header = shiviz_header(&text).unwrap();
        assert_eq!(header.regex, SHIVIZ_DEFAULT_REGEX);
        assert_eq!(header.delimiter, "");
        assert_eq!(header.first_line, 3);
        assert_eq!(header.body, "ev\nh {\"h\":1}\n");
        assert!(shiviz_header("(?<host>\\S*) (?<clock>{.*})\nx").is_none());
        assert_eq!(missing_group("(?<host>.*)(?<event>.*)"), Some("clock"));
        assert_eq!(missing_group(GOVECTOR_REGEX), None);
    }

    #[test]
    fn matches_become_records_and_the_gaps_problems() {
        let text = "junk\na {\"a\":1}\nhello\n\nmore junk\n";
        let m = RegexMatch {
            start: 5,
            end: 20,
            host: "a",
            clock: "{\"a\":1}",
            event: "hello",
        };
        let (records, problems) = records_from_matches(text, 10, [m]);
        assert_eq!(records, [record(11, "a", "{\"a\":1}", "hello")]);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [10, 14]);
        assert!(problems[1].message.contains("more junk"));
    }

    #[test]
    fn executions_split_at_the_delimiter() {
        let body = "=== one\na\nb\n=== two\nc\n";
        let (first, line, problem) = first_execution(body, 3, |l| l.starts_with("==="));
        assert_eq!((first, line), ("a\nb\n", 4));
        assert_eq!(problem.unwrap().line, 7);
    }

    #[test]
    fn a_gap_in_the_counters_is_fine_and_a_repeat_is_not() {
        let records = vec![
            record(1, "a", r#"{"a":1}"#, "one"),
            record(3, "a", r#"{"a":5}"#, "five"),
            record(5, "a", r#"{"a":5}"#, "five again"),
        ];
        let imported = from_records("t", records, Vec::new()).unwrap();
        assert_eq!(imported.events, 2);
        assert_eq!(imported.problems.len(), 1);
        assert_eq!(imported.problems[0].line, 5);
        assert!(imported.problems[0].message.contains("repeats 5"));
    }

    #[test]
    fn plain_clocks_are_scanned_and_the_rest_left_to_serde() {
        let mut entries = Vec::new();
        assert!(scan_clock(r#" { "a" : 1,"b":20 } "#, &mut entries));
        assert_eq!(entries, [("a", 1), ("b", 20)]);
        assert!(scan_clock("{}", &mut entries));
        assert!(entries.is_empty());
        for other in [
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":-1}"#,
            r#"{"a":1.5}"#,
            r#"{"a\"b":1}"#,
            r#"{"a":1} x"#,
            r#"{"a":99999999999999999999}"#,
            r#"{"a":1"#,
            "[1]",
        ] {
            assert!(!scan_clock(other, &mut entries), "{other}");
        }
        // Both readers agree on what they both read.
        let escaped = LogRecord {
            line: 1,
            host: "a\"b".into(),
            clock: r#"{"a\"b": 3}"#.into(),
            event: String::new(),
        };
        let mut hosts = HostIndex::default();
        hosts.insert("a\"b", 0);
        let mut row = [0];
        let mut problems = Vec::new();
        let ok = parse_clock(
            &escaped,
            &hosts,
            &mut row,
            &mut entries,
            &mut Vec::new(),
            &mut problems,
        );
        assert!(ok && problems.is_empty());
        assert_eq!(row, [3]);
    }

    #[test]
    fn bare_labels_are_not_said_twice() {
        assert_eq!(bare_label("send ping to bob", "bob"), "ping");
        assert_eq!(bare_label("send ping to bob", "carol"), "send ping to bob");
        assert_eq!(bare_label("send  to bob", "bob"), "send  to bob");
        assert_eq!(bare_label("ping", "bob"), "ping");
    }

    #[test]
    fn host_names_are_one_word_and_distinct() {
        let names = host_names(&["a b".into(), "a_b".into(), "c".into()]);
        assert_eq!(names, ["a_b", "a_b_", "c"]);
    }
}
