//! Finding the records in a log's text: GoVector's two lines per event, ShiViz's default
//! format, a ShiViz file's header, executions, and the matches of a caller's regex.

use std::fmt::Write as _;

use super::clock::Entries;
use super::{shorten, strip_bom, Found, LogRecord, Problem};

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

/// The lines of `text` with their 1-based numbers, counted from `first_line`, without `\r\n`.
pub(super) fn numbered_lines(text: &str, first_line: usize) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(move |(i, l)| (first_line + i, l))
}

/// `host {clock}`: the host (no whitespace) and the clock, from its `{` to the line's last `}`.
pub(super) fn split_host_line(line: &str) -> Option<(&str, &str)> {
    let (host, rest) = line.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let end = rest.rfind('}')?;
    (!host.is_empty() && rest.starts_with('{')).then(|| (host, &rest[..=end]))
}

/// A host line whose clock parses and names its host: certainly not an event's text.
pub(super) fn is_clearly_host_line(line: &str) -> bool {
    split_host_line(line).is_some_and(|(host, clock)| {
        serde_json::from_str::<Entries<'_>>(clock)
            .is_ok_and(|Entries(entries)| entries.iter().any(|(name, _)| name == host))
    })
}

/// Collects runs of lines that are not where an event should be into one problem per run.
pub(super) struct Garbage {
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
    let mut reader = Reader::new(Format::GoVector);
    for (n, line) in numbered_lines(text, first_line) {
        reader.line(n, line);
    }
    reader.end()
}

/// The two formats read without a regex engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// `host {clock}`, then the event line.
    GoVector,
    /// The event line, then `host {clock}`.
    ShivizDefault,
}

/// A reader of either format fed one line at a time, so that a long log can be read a few
/// thousand lines at a time ([`super::LogImport`]). It keeps only what the next line needs.
pub(super) struct Reader {
    format: Format,
    records: Vec<LogRecord>,
    problems: Vec<Problem>,
    garbage: Garbage,
    /// GoVector: the host line waiting for its event line (line, host, clock).
    pending: Option<(usize, String, String)>,
    /// ShiViz: the line before, which is an event's if this one is a host line.
    held: Option<usize>,
    held_text: String,
}

impl Reader {
    pub fn new(format: Format) -> Reader {
        let what = match format {
            Format::GoVector => "a line `host {clock}` (the first of GoVector's two lines)",
            Format::ShivizDefault => "an event line followed by a line `host {clock}`",
        };
        Reader {
            format,
            records: Vec::new(),
            problems: Vec::new(),
            garbage: Garbage::new(what),
            pending: None,
            held: None,
            held_text: String::new(),
        }
    }

    /// Line `n` of the log, without its line ending.
    pub fn line(&mut self, n: usize, line: &str) {
        match self.format {
            Format::GoVector => self.govector_line(n, line),
            Format::ShivizDefault => self.shiviz_line(n, line),
        }
    }

    /// The line right after a host line is its event's text, even when blank (an event logged
    /// with no text), unless it is itself clearly a host line (its clock parses and names its
    /// host): then the event line is missing, which is reported, and the event is kept with no
    /// text.
    fn govector_line(&mut self, n: usize, line: &str) {
        if let Some((at, host, clock)) = self.pending.take() {
            if !is_clearly_host_line(line) {
                self.records.push(LogRecord {
                    line: at,
                    host,
                    clock,
                    event: line.trim_end().to_string(),
                });
                return;
            }
            self.push_without_event(at, host, clock);
        }
        if line.trim().is_empty() {
            return;
        }
        match split_host_line(line) {
            Some((host, clock)) => {
                self.garbage.end(&mut self.problems);
                self.pending = Some((n, host.to_string(), clock.to_string()));
            }
            None => self.garbage.line(n, line),
        }
    }

    fn shiviz_line(&mut self, n: usize, line: &str) {
        if let Some(at) = self.held.take() {
            if let Some((host, clock)) = split_host_line(line) {
                self.garbage.end(&mut self.problems);
                self.records.push(LogRecord {
                    line: at,
                    host: host.to_string(),
                    clock: clock.to_string(),
                    event: self.held_text.trim_end().to_string(),
                });
                return;
            }
            if !self.held_text.trim().is_empty() {
                self.garbage.line(at, &self.held_text);
            }
        }
        self.held = Some(n);
        self.held_text.clear();
        self.held_text.push_str(line);
    }

    /// A host line (at line `at`) with no event line after it: a problem, and the event drawn
    /// with no text.
    fn push_without_event(&mut self, at: usize, host: String, clock: String) {
        self.problems.push(missing_event_line(at));
        self.records.push(LogRecord {
            line: at,
            host,
            clock,
            event: String::new(),
        });
    }

    /// The records and problems, once every line is in.
    pub fn end(mut self) -> (Vec<LogRecord>, Vec<Problem>) {
        if let Some(at) = self.held.take() {
            if !self.held_text.trim().is_empty() {
                self.garbage.line(at, &self.held_text);
            }
        }
        self.garbage.end(&mut self.problems);
        if let Some((at, host, clock)) = self.pending.take() {
            self.push_without_event(at, host, clock);
        }
        if self.format == Format::GoVector {
            self.problems.sort_by_key(|p| p.line);
        }
        (self.records, self.problems)
    }
}

fn missing_event_line(line: usize) -> Problem {
    Problem::new(
        line,
        "this host line has no event line after it; the event is drawn with no text",
    )
}

/// Where the next line of a text starts, read as [`str::lines`] reads it: `next_line(text, at)`
/// gives the line at byte `at` (without `\n` or `\r\n`) and where the one after it starts.
pub(super) fn next_line(text: &str, at: usize) -> Option<(&str, usize)> {
    let rest = text.get(at..).filter(|r| !r.is_empty())?;
    let line = rest.split_inclusive('\n').next()?;
    let end = at + line.len();
    let line = match line.strip_suffix('\n') {
        Some(line) => line.strip_suffix('\r').unwrap_or(line),
        None => line,
    };
    Some((line, end))
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
pub(super) fn split_line(text: &str) -> (&str, &str) {
    match text.split_once('\n') {
        Some((line, rest)) => (line, rest),
        None => (text, ""),
    }
}

/// Whether a regex has the named group `group`: `(?<group>` or `(?P<group>`.
pub(super) fn names_group(regex: &str, group: &str) -> bool {
    regex.contains(&format!("(?<{group}>")) || regex.contains(&format!("(?P<{group}>"))
}

/// The first of the three groups an event needs that `regex` lacks, if any.
pub fn missing_group(regex: &str) -> Option<&'static str> {
    ["host", "clock", "event"]
        .into_iter()
        .find(|g| !names_group(regex, g))
}

/// One execution of a log that holds several (ShiViz's delimiter): its text and the 1-based
/// line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Execution<'a> {
    pub text: &'a str,
    pub first_line: usize,
}

/// The executions of a log, separated by lines for which `is_delimiter` is true (ShiViz's line
/// 2); `first_line` is the number of `body`'s first line. Executions with nothing in them are
/// left out; a body with no delimiter is one execution.
pub fn executions(
    body: &str,
    first_line: usize,
    mut is_delimiter: impl FnMut(&str) -> bool,
) -> Vec<Execution<'_>> {
    let mut found = Vec::new();
    let (mut start, mut start_line, mut offset) = (0, first_line, 0);
    let mut has_text = false;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let n = first_line + i;
        let end = offset + line.len();
        if is_delimiter(line.trim_end_matches(['\n', '\r'])) {
            if has_text {
                found.push(Execution {
                    text: &body[start..offset],
                    first_line: start_line,
                });
            }
            (start, start_line, has_text) = (end, n + 1, false);
        } else if !line.trim().is_empty() {
            has_text = true;
        }
        offset = end;
    }
    if has_text {
        found.push(Execution {
            text: &body[start..],
            first_line: start_line,
        });
    }
    if found.is_empty() {
        found.push(Execution {
            text: body,
            first_line,
        });
    }
    found
}

/// Execution `which` (from 0) of `body` and how many there are; the last one if `which` is past
/// it.
pub fn execution(
    body: &str,
    first_line: usize,
    which: usize,
    is_delimiter: impl FnMut(&str) -> bool,
) -> (Execution<'_>, usize) {
    let all = executions(body, first_line, is_delimiter);
    let count = all.len();
    (all[which.min(count - 1)], count)
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
/// each match starts where the last ended), found where they are, as ShiViz finds them: text
/// before, between and after the matches is skipped, and [`Found::skipped`] counts its lines
/// that are not blank. `first_line` is the number of `text`'s first line in the file. Counting
/// lines as it goes, this is linear in the text.
pub fn records_from_matches<'m>(
    text: &str,
    first_line: usize,
    matches: impl IntoIterator<Item = RegexMatch<'m>>,
) -> Found {
    let mut records = Vec::new();
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
    let gap = |from: usize, to: usize| {
        text.get(from..to).map_or(0, |between| {
            between.lines().filter(|l| !l.trim().is_empty()).count()
        })
    };
    let mut skipped = 0;
    let mut last_end = 0;
    for m in matches {
        if m.start < last_end || m.end < m.start {
            continue;
        }
        skipped += gap(last_end, m.start);
        records.push(LogRecord {
            line: line_at(m.start),
            host: m.host.to_string(),
            clock: m.clock.to_string(),
            event: m.event.trim_end_matches('\r').to_string(),
        });
        last_end = m.end;
    }
    skipped += gap(last_end, text.len());
    Found {
        records,
        problems: Vec::new(),
        skipped,
    }
}
