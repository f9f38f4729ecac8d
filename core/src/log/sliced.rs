//! A log imported a few thousand lines at a time: [`LogImport`], the one path every import
//! takes ([`super::import_govector_with`] and [`super::import_executions`] run it to its end in
//! one go). Reading a log of 100,000 events takes the better part of a second; a page that does
//! it in one go freezes for as long. Here each [`LogImport::step`] does as much work as its
//! budget says and returns, saying how far it has got, so that the page can paint between two
//! steps. How the work is cut changes nothing in what comes out: the same loops run over the
//! same records in the same order, and only stop and go on.

use std::ops::Range;

use super::compare::{beside, fits_beside};
use super::infer::{Inference, Inferred, Part};
use super::read::{next_line, Format, Reader};
use super::*;

/// What a [`LogImport`] is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the log's lines into records ([`Progress::done`] counts lines).
    Reading,
    /// Reading each event's clock ([`Progress::done`] counts events, as below).
    Clocks,
    /// Finding the arrows the clocks imply.
    Arrows,
    /// Placing each event after those it depends on.
    Placing,
    /// Making the scenario that redraws the log: one step that cannot be cut.
    Drawing,
}

/// How far a [`LogImport`] has got: `done` of `total` lines (reading) or events (after).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// What a step of a [`LogImport`] came to.
// Returned once a slice of time, and the result moved on at once: boxing it would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Step {
    /// Not done yet: call [`LogImport::step`] again.
    Working(Progress),
    Done(Result<Imported, ImportError>),
}

/// A log being imported a step at a time, each [`LogImport::step`] as much as its budget says.
/// `T` holds the log's text (a `&str`, or a `String` the import owns while the page goes on
/// between steps).
pub struct LogImport<T> {
    name: String,
    text: T,
    choice: Choice,
    state: State,
    /// How many executions the file holds.
    executions: usize,
}

enum State {
    /// Nothing done yet: the header and the executions are looked at first.
    Start,
    /// Reading execution `runs.len()` of `jobs`, line by line.
    Reading {
        format: Format,
        expected: &'static str,
        jobs: Vec<(Range<usize>, usize)>,
        runs: Vec<Found>,
        reader: Reader,
        /// The byte where the next line starts, its number, the lines read and their total.
        at: usize,
        line: usize,
        read: usize,
        lines: usize,
        /// The byte up to which the lines are counted (they are counted before they are read).
        counted: usize,
    },
    /// Every execution read; their records turned into drawings, one after the other.
    Inferring {
        runs: Vec<Found>,
        inferred: Vec<Inferred>,
        current: Option<Box<Inference>>,
    },
    /// The drawing, to be made a scenario.
    Drawing(Inferred),
    Done,
}

impl<T: AsRef<str>> LogImport<T> {
    /// Read `text` as [`super::import_govector_with`] does: through its ShiViz header if line 1
    /// has one, else as GoVector's two-line format, drawing what `choice` says.
    pub fn new(name: &str, text: T, choice: Choice) -> LogImport<T> {
        LogImport {
            name: name.to_string(),
            text,
            choice,
            state: State::Start,
            executions: 1,
        }
    }

    /// The executions a caller with its own regex engine has read (the chosen one, and the one
    /// to draw beside it if `choice` says so), from a file of `executions`: drawn as
    /// [`super::import_executions`] draws them.
    pub fn found(
        name: &str,
        text: T,
        runs: Vec<Found>,
        choice: Choice,
        executions: usize,
    ) -> LogImport<T> {
        LogImport {
            name: name.to_string(),
            text,
            choice,
            state: State::Inferring {
                runs,
                inferred: Vec::new(),
                current: None,
            },
            executions: executions.max(1),
        }
    }

    /// Run to the end in one go.
    pub fn finish(mut self) -> Result<Imported, ImportError> {
        loop {
            if let Step::Done(result) = self.step(usize::MAX) {
                return result;
            }
        }
    }

    /// Work for about `budget` units (a line read, or an event's clock, arrows or place; a step
    /// that cannot be cut counts as one) and say how far it has got, or give the result. The
    /// scenario is made in a step of its own: a caller that starts a new slice of time on each
    /// new [`Stage`] gives it a slice to itself.
    pub fn step(&mut self, budget: usize) -> Step {
        let mut budget = budget.max(1);
        loop {
            let state = std::mem::replace(&mut self.state, State::Done);
            match self.advance(state, &mut budget) {
                Ok(Some(progress)) => return Step::Working(progress),
                Ok(None) => {}
                Err(done) => return Step::Done(*done),
            }
        }
    }

    /// One move from `state`: the next state is left in `self.state`; `Ok(Some)` to return
    /// with that progress, `Ok(None)` to go on, `Err` with the result once there is one.
    fn advance(
        &mut self,
        state: State,
        budget: &mut usize,
    ) -> Result<Option<Progress>, Box<Result<Imported, ImportError>>> {
        match state {
            State::Start => {
                self.state = self.start().map_err(fail)?;
                *budget = budget.saturating_sub(1);
                Ok(None)
            }
            State::Reading {
                format,
                expected,
                jobs,
                mut runs,
                mut reader,
                mut at,
                mut line,
                mut read,
                mut lines,
                mut counted,
            } => {
                let text = self.text.as_ref();
                let range = jobs[runs.len()].0.clone();
                let body = &text[..range.end];
                while counted < range.end && *budget > 0 {
                    *budget -= 1;
                    let end = (counted + COUNT_BYTES).min(range.end);
                    lines += count_newlines(&text.as_bytes()[counted..end]);
                    counted = end;
                    if counted == range.end {
                        let last = &text[range.clone()];
                        lines += usize::from(!last.is_empty() && !last.ends_with('\n'));
                    }
                }
                while counted == range.end && *budget > 0 {
                    let Some((l, next)) = next_line(body, at) else {
                        break;
                    };
                    *budget -= 1;
                    reader.line(line, l);
                    (at, line, read) = (next, line + 1, read + 1);
                }
                let progress = Progress {
                    stage: Stage::Reading,
                    done: read,
                    // Not known until counted.
                    total: if counted == range.end { lines } else { 0 },
                };
                if counted < range.end || next_line(body, at).is_some() {
                    self.state = State::Reading {
                        format,
                        expected,
                        jobs,
                        runs,
                        reader,
                        at,
                        line,
                        read,
                        lines,
                        counted,
                    };
                    return Ok(Some(progress));
                }
                let (records, problems) = reader.end();
                if records.is_empty() {
                    return Err(fail(ImportError::no_events(expected, &text[range])));
                }
                runs.push(Found {
                    records,
                    problems,
                    skipped: 0,
                });
                self.state = match jobs.get(runs.len()) {
                    Some((next, first_line)) => State::Reading {
                        format,
                        expected,
                        reader: Reader::new(format),
                        at: next.start,
                        line: *first_line,
                        read: 0,
                        lines: 0,
                        counted: next.start,
                        jobs,
                        runs,
                    },
                    None => State::Inferring {
                        runs,
                        inferred: Vec::new(),
                        current: None,
                    },
                };
                Ok(Some(progress))
            }
            State::Inferring {
                mut runs,
                mut inferred,
                current,
            } => {
                let mut inference = match current {
                    Some(inference) => inference,
                    None if inferred.is_empty() && runs.len() == 2 => {
                        fits_beside(&runs[0], &runs[1]).map_err(fail)?;
                        let first = runs.remove(0);
                        Box::new(Inference::new(&self.name, first, self.choice.lanes.clone()))
                    }
                    None => {
                        let first = runs.remove(0);
                        Box::new(Inference::new(&self.name, first, self.choice.lanes.clone()))
                    }
                };
                let result = inference.step(budget);
                let (part, done, total) = inference.progress();
                let progress = Progress {
                    stage: match part {
                        Part::Clocks => Stage::Clocks,
                        Part::Arrows => Stage::Arrows,
                        Part::Placing => Stage::Placing,
                    },
                    done,
                    total,
                };
                match result {
                    None => {
                        self.state = State::Inferring {
                            runs,
                            inferred,
                            current: Some(inference),
                        };
                        Ok(Some(progress))
                    }
                    Some(result) => {
                        inferred.push(result.map_err(fail)?);
                        if !runs.is_empty() {
                            self.state = State::Inferring {
                                runs,
                                inferred,
                                current: None,
                            };
                            return Ok(Some(progress));
                        }
                        self.state = if inferred.len() == 2 {
                            let count = self.executions;
                            let which = [
                                self.choice.execution,
                                self.choice.compare.unwrap_or_default(),
                            ]
                            .map(|w| w.min(count - 1));
                            let [a, b]: [Inferred; 2] = match inferred.try_into() {
                                Ok(both) => both,
                                Err(_) => unreachable!("two executions were inferred"),
                            };
                            State::Drawing(beside(&self.name, [a, b], which).map_err(fail)?)
                        } else {
                            State::Drawing(inferred.remove(0))
                        };
                        let events = progress.total;
                        Ok(Some(Progress {
                            stage: Stage::Drawing,
                            done: events,
                            total: events,
                        }))
                    }
                }
            }
            State::Drawing(inferred) => {
                let mut imported = inferred.draw().map_err(fail)?;
                imported.executions = self.executions;
                Err(Box::new(Ok(imported)))
            }
            State::Done => unreachable!("a finished import is not stepped again"),
        }
    }

    /// What to read: the format, and the executions chosen (with the lines they start on).
    fn start(&mut self) -> Result<State, ImportError> {
        let text = strip_bom(self.text.as_ref());
        let (format, expected, body, first_line, delimiter) = match shiviz_header(text) {
            None => (Format::GoVector, GOVECTOR_EXPECTED, text, 1, String::new()),
            Some(header) => {
                let regex = header.regex.trim();
                let format = if regex == GOVECTOR_REGEX {
                    Format::GoVector
                } else if regex == SHIVIZ_DEFAULT_REGEX {
                    Format::ShivizDefault
                } else if let Some(group) = missing_group(regex) {
                    return Err(ImportError::MissingGroup {
                        group: group.into(),
                    });
                } else {
                    return Err(ImportError::NeedsRegex {
                        regex: header.regex.clone(),
                    });
                };
                let expected = "events that match the parser regex on line 1";
                let delimiter = header.delimiter.trim().to_string();
                (format, expected, header.body, header.first_line, delimiter)
            }
        };
        let range_of = |part: &str| {
            let start = offset_of(self.text.as_ref(), part);
            start..start + part.len()
        };
        let mut jobs = vec![(range_of(body), first_line)];
        if !delimiter.is_empty() {
            // Matched as plain text, one whole line: there is no regex engine here.
            let is_delimiter = |line: &str| line.trim() == delimiter;
            let (chosen, count) = execution(body, first_line, self.choice.execution, is_delimiter);
            jobs = vec![(range_of(chosen.text), chosen.first_line)];
            if let Some(other) = self.choice.compare {
                let beside = execution(body, first_line, other, is_delimiter).0;
                jobs.push((range_of(beside.text), beside.first_line));
            }
            self.executions = count;
        } else if self.choice.compare.is_some() {
            // One execution: nothing to draw beside it.
            self.choice.compare = None;
        }
        let (range, line) = jobs[0].clone();
        Ok(State::Reading {
            format,
            expected,
            reader: Reader::new(format),
            at: range.start,
            line,
            read: 0,
            lines: 0,
            counted: range.start,
            jobs,
            runs: Vec::new(),
        })
    }
}

/// An import ended by `error`, as [`LogImport::advance`] says it.
fn fail(error: ImportError) -> Box<Result<Imported, ImportError>> {
    Box::new(Err(error))
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_of(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}

/// Bytes searched for line ends per unit of budget: about as long as reading a line.
const COUNT_BYTES: usize = 256;

/// The lines of `text`, as [`str::lines`] counts them.
#[cfg(test)]
fn count_lines(text: &str) -> usize {
    let newlines = count_newlines(text.as_bytes());
    newlines + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// The `\n` bytes in `bytes`, eight at a time. Counting the lines of 24 MB takes 30 ms in wasm:
/// it is done a few hundred bytes per unit of budget, like the reading.
fn count_newlines(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut words = bytes.chunks_exact(8);
    let mut count = 0;
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        // A byte of `x` is zero where a byte of the word is `\n`; the high bit of each byte of
        // `zero` is set exactly there (no carry crosses bytes: each byte adds at most 0xfe).
        let x = u64::from_le_bytes(eight) ^ NEWLINES;
        let zero = !(((x & LOW) + LOW) | x | LOW);
        count += zero.count_ones() as usize;
    }
    count + words.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests;
