//! `spacetime`: the command line over spacetime-core.
//!
//! ```text
//! spacetime examples                      list the built-in scenarios
//! spacetime example NAME                  print one as JSON
//! spacetime run FILE [--seed N] [--steps N]
//! spacetime check FILE [--seed N] [--steps N] [--json]
//! spacetime render FILE -o OUT.svg [--clocks lamport|vector|none] [--steps N] [--seed N]
//! spacetime import LOG [--regex R]          a GoVector or ShiViz log, redrawn: the trace
//! spacetime export FILE [--seed N] [--steps N]   the run as a GoVector log
//! spacetime previews DIR                   every built-in run's picture, for the page (previews.rs)
//! ```
//!
//! FILE is a scenario JSON file, `-` for standard input, or `--example NAME` instead of a file.
//! LOG is a vector-clock log (docs/import-format.md), or `-` for standard input.
//! Exit status: 0 on success, 1 when `check` finds a promised property broken, 2 on any error.

#![forbid(unsafe_code)]

mod previews;

use std::fmt;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use spacetime_core::log::{
    import_executions, import_govector_with, records_from_matches, shiviz_header, to_govector,
    Choice, Found, ImportError, Imported, LaneOrder, RegexMatch,
};
use spacetime_core::svg::{render_svg, Clocks, SvgOptions};
use spacetime_core::{protocols, PropertyKind, Run, Scenario, ScenarioError, Trace, Verdict};

const SYNOPSIS: &str = "\
usage:
  spacetime examples
  spacetime example NAME
  spacetime run    (FILE | --example NAME) [--seed N] [--steps N] [--compact]
  spacetime check  (FILE | --example NAME) [--seed N] [--steps N] [--json]
  spacetime render (FILE | --example NAME) -o OUT.svg [--clocks lamport|vector|none]
                   [--steps N] [--seed N] [--title TEXT] [--no-message-labels]
  spacetime import LOG [--regex R] [--execution N] [--compare M] [--hide H1,H2]
                   [--order log|name|events] [--compact]
  spacetime export (FILE | --example NAME) [--seed N] [--steps N]
  spacetime previews DIR
  spacetime help";

const OPTIONS: &str = "\
FILE is a scenario JSON file, or - for standard input.
  --example NAME   use a built-in scenario (see `spacetime examples`) instead of a file
  --seed N         override the scenario's seed
  --steps N        stop after N steps (the run as it stood then)
  --compact        run: print the trace on one line instead of indented
  --json           check: print the property reports as JSON
  -o, --output OUT render: the SVG file to write (- for standard output)
  --clocks WHICH   render: timestamps on the events: lamport (default), vector or none
  --title TEXT     render: a heading above the diagram
  --no-message-labels  render: leave the arrows unlabelled (for busy runs)

LOG is a vector-clock log, or - for standard input: GoVector's two lines per event
(`host {\"host\":1}` then the event's text), or a ShiViz file whose line 1 is its parser regex.
`import` prints the trace of the redrawn run; each problem goes to standard error as LOG:LINE.
  --regex R        import: ShiViz's parser regex, with the named groups host, clock and event
                   (ShiViz's default: (?<event>.*)\\n(?<host>\\S*) (?<clock>{.*}));
                   records are found anywhere in the text, and the text around them skipped
  --execution N    import: of a file that holds several executions, draw the Nth (from 1)
  --compare M      import: draw execution M beside it, with the events and arrows that differ
                   marked (an output of kind differs on each such event)
  --hide H1,H2     import: leave these hosts out (the arrows still say what they passed on)
  --order HOW      import: the lanes by log (first named), name, or events (busiest first)
`export` prints the run as a GoVector log, which ShiViz and `spacetime import` read.

exit status: 0 success, 1 `check` found a promised property broken, 2 error.
The trace JSON is described in docs/trace-format.md, scenarios in docs/scenario-format.md,
logs in docs/import-format.md.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(e) => {
            let mut err = io::stderr().lock();
            // Nothing more can be done if standard error is gone.
            let _ = writeln!(err, "error: {e}");
            if matches!(e, CliError::Usage(_)) {
                let _ = writeln!(err, "\n{SYNOPSIS}\n(`spacetime help` explains the options)");
            }
            ExitCode::from(2)
        }
    }
}

/// Everything that ends a command with exit status 2.
#[derive(Debug)]
enum CliError {
    /// Bad command line: the usage follows the message.
    Usage(String),
    /// A scenario that does not parse or does not make sense, from `source`.
    Scenario {
        source: String,
        error: ScenarioError,
    },
    /// Anything else, already worded.
    Other(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Other(m) => f.write_str(m),
            CliError::Scenario { source, error } => match error {
                ScenarioError::Syntax {
                    line,
                    column,
                    message,
                } => write!(f, "{source}:{line}:{column}: {message}"),
                ScenarioError::Invalid { field, message } => {
                    write!(f, "{source}: {field}: {message}")
                }
            },
        }
    }
}

fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

fn dispatch(args: &[String]) -> Result<ExitCode, CliError> {
    let Some(command) = args.first() else {
        return Err(usage("no command given"));
    };
    let rest = &args[1..];
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return dispatch(&["help".to_string()]);
    }
    match command.as_str() {
        "examples" => {
            Options::parse(rest, &[])?.no_source("examples")?;
            cmd_examples()
        }
        "example" => {
            let opts = Options::parse(rest, &[])?;
            let Some(Source::File(name)) = opts.source else {
                return Err(usage("`example` needs the NAME of a built-in scenario"));
            };
            cmd_example(&name)
        }
        "run" => cmd_run(Options::parse(rest, &["--seed", "--steps", "--compact"])?),
        "check" => cmd_check(Options::parse(rest, &["--seed", "--steps", "--json"])?),
        "render" => cmd_render(Options::parse(
            rest,
            &[
                "--seed",
                "--steps",
                "-o",
                "--clocks", // not a lesson: the flag for clock labels
                "--title",
                "--no-message-labels",
            ],
        )?),
        "import" => cmd_import(Options::parse(
            rest,
            &[
                "--regex",
                "--execution",
                "--compare",
                "--hide",
                "--order",
                "--compact",
            ],
        )?),
        "export" => cmd_export(Options::parse(rest, &["--seed", "--steps"])?),
        "previews" => {
            let opts = Options::parse(rest, &[])?;
            let Some(Source::File(dir)) = opts.source else {
                return Err(usage("`previews` needs the DIR to write the pictures in"));
            };
            cmd_previews(&dir)
        }
        "help" | "--help" | "-h" => {
            emit(&format!(
                "spacetime: space-time diagrams of distributed algorithms\n\n{SYNOPSIS}\n\n{OPTIONS}\n"
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        "--version" | "-V" | "version" => {
            emit(&format!("spacetime {}\n", env!("CARGO_PKG_VERSION")))?;
            Ok(ExitCode::SUCCESS)
        }
        other => {
            let known = [
                "examples", "example", "run", "check", "render", "import", "export", "previews",
                "help", "version",
            ];
            let mut message = format!("unknown command `{other}`");
            if let Some(close) = closest(other, known.iter().copied()).first() {
                message.push_str(&format!("; did you mean `{close}`?"));
            }
            Err(usage(message))
        }
    }
}

/// Where the scenario comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// A path, or `-` for standard input (for `example`, the name).
    File(String),
    /// `--example NAME`.
    Example(String),
}

/// The parsed command line of one command.
#[derive(Debug, Default)]
struct Options {
    source: Option<Source>,
    seed: Option<u64>,
    steps: Option<u64>,
    output: Option<String>,
    clocks: Option<Clocks>,
    title: Option<String>,
    regex: Option<String>,
    /// What of a log to draw: `--execution`, `--hide`, `--order`.
    choice: Choice,
    compact: bool,
    json: bool,
    no_message_labels: bool,
}

impl Options {
    /// Parse `args`, accepting only the flags in `allowed` (plus `--example`, which every command
    /// with a FILE accepts). `--flag=value` and `--flag value` both work.
    fn parse(args: &[String], allowed: &[&str]) -> Result<Options, CliError> {
        let takes_source = !allowed.is_empty();
        let mut opts = Options::default();
        let mut i = 0;
        let mut only_positional = false;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            if only_positional || arg == "-" || !arg.starts_with('-') {
                if let Some(previous) = &opts.source {
                    return Err(usage(format!(
                        "one scenario at a time: got {} and `{arg}`",
                        describe(previous)
                    )));
                }
                opts.source = Some(Source::File(arg.clone()));
                continue;
            }
            if arg == "--" {
                only_positional = true;
                continue;
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let flag = if flag == "--output" {
                "-o".to_string()
            } else {
                flag
            };
            let known = flag == "--example" && takes_source || allowed.contains(&flag.as_str());
            if !known {
                let mut message = format!("unknown option `{flag}`");
                let candidates = allowed
                    .iter()
                    .copied()
                    .chain(takes_source.then_some("--example"));
                if let Some(close) = closest(&flag, candidates).first() {
                    message.push_str(&format!("; did you mean `{close}`?"));
                }
                return Err(usage(message));
            }
            let boolean = matches!(
                flag.as_str(),
                "--compact" | "--json" | "--no-message-labels"
            );
            if boolean {
                if inline.is_some() {
                    return Err(usage(format!("`{flag}` takes no value")));
                }
                match flag.as_str() {
                    "--compact" => opts.compact = true,
                    "--json" => opts.json = true,
                    _ => opts.no_message_labels = true,
                }
                continue;
            }
            let value = match inline {
                Some(v) => v,
                None => {
                    let Some(v) = args.get(i) else {
                        return Err(usage(format!("`{flag}` needs a value")));
                    };
                    i += 1;
                    v.clone()
                }
            };
            match flag.as_str() {
                "--example" => {
                    if let Some(previous) = &opts.source {
                        return Err(usage(format!(
                            "one scenario at a time: got {} and `--example {value}`",
                            describe(previous)
                        )));
                    }
                    opts.source = Some(Source::Example(value));
                }
                "--seed" => opts.seed = Some(number(&flag, &value)?),
                "--steps" => opts.steps = Some(number(&flag, &value)?),
                "-o" => opts.output = Some(value),
                "--title" => opts.title = Some(value),
                "--regex" => opts.regex = Some(value),
                "--execution" => {
                    let n: u64 = number(&flag, &value)?;
                    if n == 0 {
                        return Err(usage("`--execution` counts from 1"));
                    }
                    opts.choice.execution = (n - 1) as usize;
                }
                "--compare" => {
                    let n: u64 = number(&flag, &value)?;
                    if n == 0 {
                        return Err(usage("`--compare` counts from 1"));
                    }
                    opts.choice.compare = Some((n - 1) as usize);
                }
                "--hide" => opts
                    .choice
                    .lanes
                    .hidden
                    .extend(value.split(',').map(|h| h.trim().to_string())),
                "--order" => {
                    opts.choice.lanes.order = match value.as_str() {
                        "log" => LaneOrder::Log,
                        "name" => LaneOrder::Name,
                        "events" => LaneOrder::Events,
                        other => {
                            return Err(usage(format!(
                                "`--order` is log, name or events, not `{other}`"
                            )))
                        }
                    }
                }
                "--clocks" => {
                    // not a lesson: the flag for clock labels
                    opts.clocks = Some(match value.as_str() {
                        "lamport" => Clocks::Lamport,
                        "vector" => Clocks::Vector,
                        "none" => Clocks::None,
                        other => {
                            return Err(usage(format!(
                                "`--clocks` is lamport, vector or none, not `{other}`" // not a lesson: a flag
                            )));
                        }
                    })
                }
                _ => unreachable!("every allowed flag is handled"),
            }
        }
        Ok(opts)
    }

    fn no_source(&self, command: &str) -> Result<(), CliError> {
        match &self.source {
            Some(s) => Err(usage(format!(
                "`{command}` takes no argument, but got {}",
                describe(s)
            ))),
            None => Ok(()),
        }
    }

    /// The scenario the options name, with `--seed` applied, and the name to report errors under.
    fn scenario(&self, command: &str) -> Result<(String, Scenario), CliError> {
        let (source, mut scenario) = match &self.source {
            None => {
                return Err(usage(format!(
                    "`{command}` needs a scenario: a FILE, - for standard input, or --example NAME"
                )))
            }
            Some(Source::Example(name)) => (name.clone(), find_example(name)?),
            Some(Source::File(path)) => {
                let (source, text) = read_source(path, "a scenario is a JSON file")?;
                let scenario = parse_scenario(&source, &text)?;
                (source, scenario)
            }
        };
        if let Some(seed) = self.seed {
            scenario.seed = seed;
        }
        Ok((source, scenario))
    }
}

fn describe(source: &Source) -> String {
    match source {
        Source::File(f) => format!("`{f}`"),
        Source::Example(n) => format!("`--example {n}`"),
    }
}

fn number(flag: &str, value: &str) -> Result<u64, CliError> {
    value.parse().map_err(|_| {
        usage(format!(
            "`{flag}` needs a whole number from 0 up, not `{value}`"
        ))
    })
}

/// Read a scenario or log file, or standard input for `-`; returns the name to report errors
/// under. `hint` says what the file should be, for a file that is not text.
fn read_source(path: &str, hint: &str) -> Result<(String, String), CliError> {
    if path == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Other(format!("cannot read standard input: {e}")))?;
        return Ok(("<stdin>".into(), text));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            io::ErrorKind::NotFound => "no such file".to_string(),
            io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            io::ErrorKind::IsADirectory => "it is a directory".to_string(),
            _ => e.to_string(),
        };
        CliError::Other(format!("cannot read {path}: {why}"))
    })?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        CliError::Other(format!(
            "{path}: not UTF-8 text (bad byte at offset {}); {hint}",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if let Some(rest) = text.strip_prefix('\u{FEFF}') {
        // A byte-order mark some editors write: not part of the JSON.
        text = rest.to_string();
    }
    Ok((path.to_string(), text))
}

/// Parse a scenario, wording the error for an empty file.
fn parse_scenario(source: &str, text: &str) -> Result<Scenario, CliError> {
    if text.trim().is_empty() {
        return Err(CliError::Scenario {
            source: source.to_string(),
            error: ScenarioError::Syntax {
                line: 1,
                column: 1,
                message: "the file is empty; a scenario is a JSON object (see `spacetime example \
                          clocks-three-events`)"
                    .into(),
            },
        });
    }
    Scenario::from_json(text).map_err(|error| CliError::Scenario {
        source: source.to_string(),
        error: match error {
            ScenarioError::Syntax {
                line,
                column,
                message,
            } => ScenarioError::Syntax {
                line: line.max(1),
                column: column.max(1),
                message,
            },
            other => other,
        },
    })
}

fn find_example(name: &str) -> Result<Scenario, CliError> {
    if let Some(s) = protocols::example(name) {
        return Ok(s);
    }
    let names: Vec<String> = protocols::examples().into_iter().map(|s| s.name).collect();
    let close = closest(name, names.iter().map(String::as_str));
    let message = if close.is_empty() {
        format!(
            "there is no example \"{name}\"; the examples are: {}",
            names.join(", ")
        )
    } else {
        format!(
            "there is no example \"{name}\"; did you mean {}? (`spacetime examples` lists them all)",
            close.join(", ")
        )
    };
    Err(CliError::Other(message))
}

/// The candidates close to `word` (by edit distance, or containing it), best first.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let word_lower = word.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let distance = edit_distance(&word_lower, &c.to_lowercase());
            let limit = (word.chars().count() / 3).max(2);
            let contains = word_lower.len() >= 3 && c.to_lowercase().contains(&word_lower);
            (distance <= limit || contains).then_some((distance, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(5).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Write to standard output; a closed pipe (`| head`) ends the command quietly.
fn emit(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Other(format!("cannot write the output: {e}"))),
    }
}

fn cmd_examples() -> Result<ExitCode, CliError> {
    let examples = protocols::examples();
    let width = examples.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for s in &examples {
        if s.title.is_empty() {
            text.push_str(&format!("{}\n", s.name));
        } else {
            text.push_str(&format!("{:width$}  {}\n", s.name, s.title));
        }
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_previews(dir: &str) -> Result<ExitCode, CliError> {
    let written = previews::write_all(std::path::Path::new(dir), previews::MAX_BYTES)
        .map_err(|e| CliError::Other(format!("cannot write the previews in {dir}: {e}")))?;
    let mut text = format!("{} pictures in {dir}\n", written.pictures);
    if !written.too_big.is_empty() {
        text.push_str(&format!(
            "none for {} (larger than {} KB)\n",
            written.too_big.join(", "),
            previews::MAX_BYTES / 1024
        ));
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_example(name: &str) -> Result<ExitCode, CliError> {
    let scenario = find_example(name)?;
    emit(&format!("{}\n", scenario.to_json()))?;
    Ok(ExitCode::SUCCESS)
}

/// Set up the run (reporting a scenario that does not make sense against `source`, or a run
/// larger than the page holds) and run it to its end, or to `--steps`.
fn execute(source: &str, scenario: &Scenario, steps: Option<u64>) -> Result<Run, CliError> {
    let mut run = Run::new(scenario).map_err(|error| CliError::Scenario {
        source: source.to_string(),
        error,
    })?;
    match steps {
        Some(n) => run.run_to_step(n),
        None => {
            run.run();
        }
    }
    // A run past what the page holds stopped there: it is refused here as it is there.
    if let Some(too_big) = run.too_big() {
        return Err(CliError::Scenario {
            source: source.to_string(),
            error: too_big.into(),
        });
    }
    Ok(run)
}

fn cmd_run(opts: Options) -> Result<ExitCode, CliError> {
    let (source, scenario) = opts.scenario("run")?;
    let run = execute(&source, &scenario, opts.steps)?;
    emit(&trace_json(run.trace(), opts.compact))?;
    Ok(ExitCode::SUCCESS)
}

fn trace_json(trace: &Trace, compact: bool) -> String {
    let json = if compact {
        serde_json::to_string(trace)
    } else {
        serde_json::to_string_pretty(trace)
    };
    // A trace holds only strings, integers, vectors and options: it always serialises.
    let mut json = json.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

fn cmd_check(opts: Options) -> Result<ExitCode, CliError> {
    let (source, scenario) = opts.scenario("check")?;
    let run = execute(&source, &scenario, opts.steps)?;
    let trace = run.trace();
    let reports = run.check(trace);
    let broken = reports.iter().filter(|r| r.is_broken_promise()).count();
    if opts.json {
        let json = serde_json::to_string_pretty(&reports)
            .map_err(|e| CliError::Other(format!("cannot write the reports as JSON: {e}")))?;
        emit(&format!("{json}\n"))?;
    } else {
        let mut text = format!(
            "{} ({} / {}), seed {}: {} steps, {} events, {} messages\n",
            scenario.name,
            run.protocol().name,
            run.variant().name,
            scenario.seed,
            trace.steps.len(),
            trace.events.len(),
            trace.messages.len()
        );
        let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for r in &reports {
            let kind = match r.kind {
                PropertyKind::Safety => "safety",
                PropertyKind::Liveness => "liveness",
            };
            let promise = if r.promised {
                "promised"
            } else {
                "not promised"
            };
            match &r.verdict {
                Verdict::Holds => {
                    text.push_str(&format!(
                        "  {:width$}  {kind:8}  {promise:12}  holds\n",
                        r.name
                    ));
                }
                Verdict::Violated {
                    events,
                    explanation,
                } => {
                    text.push_str(&format!(
                        "  {:width$}  {kind:8}  {promise:12}  VIOLATED: {explanation}\n",
                        r.name
                    ));
                    if !events.is_empty() {
                        let ids: Vec<String> = events.iter().map(|e| e.to_string()).collect();
                        text.push_str(&format!(
                            "  {:width$}  {:8}  {:12}  events: {}\n",
                            "",
                            "",
                            "",
                            ids.join(", ")
                        ));
                    }
                }
            }
        }
        if reports.is_empty() {
            text.push_str("  (this protocol declares no properties)\n");
        }
        text.push_str(&match broken {
            0 => "every promised property holds\n".to_string(),
            1 => "1 promised property is violated\n".to_string(),
            n => format!("{n} promised properties are violated\n"),
        });
        emit(&text)?;
    }
    Ok(if broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_render(opts: Options) -> Result<ExitCode, CliError> {
    let Some(output) = opts.output.clone() else {
        return Err(usage(
            "`render` needs -o OUT.svg: the file to write (- for standard output)",
        ));
    };
    let (source, scenario) = opts.scenario("render")?;
    let run = execute(&source, &scenario, opts.steps)?;
    let options = SvgOptions {
        clocks: opts.clocks.unwrap_or(Clocks::Lamport),
        title: opts.title.clone(),
        message_labels: !opts.no_message_labels,
        timing: scenario.network.timing,
        ..SvgOptions::default()
    };
    let events = run.trace().events.len();
    if events > 5_000 {
        // Nothing is wrong, but the picture will be a thicket; say how to get a readable one.
        let _ = writeln!(
            io::stderr().lock(),
            "note: {events} events make a dense diagram; --steps N draws only the first N steps"
        );
    }
    let svg = render_svg(run.trace(), &options);
    if output == "-" {
        emit(&svg)?;
    } else {
        std::fs::write(&output, svg)
            .map_err(|e| CliError::Other(format!("cannot write {output}: {e}")))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A ShiViz (JavaScript) regex in the `regex` crate's syntax. JavaScript takes a `{` that does not
/// start a counted repetition (`{2}`, `{2,}`, `{2,5}`) as a literal brace, so that ShiViz's
/// `(?<clock>{.*})` means a brace; here it is escaped, as is every `}` that closes no repetition,
/// and a `[` inside a character class (a nested class here, a plain `[` in JavaScript).
fn js_regex(re: &str) -> String {
    let chars: Vec<char> = re.chars().collect();
    let mut out = String::with_capacity(re.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal here; JavaScript's `[]` and `[^]`
                // (nothing, anything) are left as they are: log regexes do not use them.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class => match repetition(&chars[i..]) {
                Some(len) => {
                    out.extend(&chars[i..i + len]);
                    i += len;
                    continue;
                }
                None => out.push_str("\\{"),
            },
            '}' if !in_class => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The length of the counted repetition `{n}`, `{n,}` or `{n,m}` that `chars` starts with, if it
/// starts with one.
fn repetition(chars: &[char]) -> Option<usize> {
    let digits = |from: usize| {
        chars[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let first = digits(1);
    if first == 0 {
        return None;
    }
    let mut at = 1 + first;
    if chars.get(at) == Some(&',') {
        at += 1 + digits(at + 1);
    }
    (chars.get(at) == Some(&'}')).then_some(at + 1)
}

/// Compile a ShiViz regex; `what` names it in the error (`--regex`, `LOG:1`).
fn compile_regex(re: &str, what: &str) -> Result<regex::Regex, CliError> {
    regex::Regex::new(&js_regex(re))
        .map_err(|e| CliError::Other(format!("{what}: the regex `{re}` is not valid: {e}")))
}

/// Records from every match of a parser regex over `body`, whose first line is `first_line`.
fn match_log(
    regex: &regex::Regex,
    what: &str,
    body: &str,
    first_line: usize,
) -> Result<Found, CliError> {
    let names: Vec<&str> = regex.capture_names().flatten().collect();
    if let Some(group) = ["host", "clock", "event"]
        .into_iter()
        .find(|g| !names.contains(g))
    {
        let error = ImportError::MissingGroup {
            group: group.into(),
        };
        return Err(CliError::Other(format!("{what}: {error}")));
    }
    let group =
        |caps: &regex::Captures<'_>, name: &str| caps.name(name).map_or(0..0, |m| m.range());
    let found: Vec<_> = regex
        .captures_iter(body)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            (!whole.is_empty()).then(|| {
                (
                    whole.range(),
                    group(&caps, "host"),
                    group(&caps, "clock"),
                    group(&caps, "event"),
                )
            })
        })
        .collect();
    let matches = found.iter().map(|(whole, host, clock, event)| RegexMatch {
        start: whole.start,
        end: whole.end,
        host: &body[host.clone()],
        clock: &body[clock.clone()],
        event: &body[event.clone()],
    });
    Ok(records_from_matches(body, first_line, matches))
}

/// The log's name for the scenario's title: its file name.
fn log_name(path: &str) -> String {
    if path == "-" {
        return "standard input".into();
    }
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Read the log the options name with the regex they give or its own header's, or as GoVector's
/// two-line format.
fn import_log(opts: &Options, path: &str) -> Result<(String, Imported), CliError> {
    let (source, text) = read_source(path, "a log is a text file")?;
    let name = log_name(path);
    let fatal = |e: ImportError| CliError::Other(format!("{source}: {e}"));
    let header = shiviz_header(&text);
    let regex = match (&opts.regex, &header) {
        (Some(re), _) => Some((re.clone(), "--regex".to_string())),
        (None, Some(h)) => Some((h.regex.clone(), format!("{source}:1"))),
        (None, None) => None,
    };
    let Some((re, what)) = regex else {
        let imported = import_govector_with(&name, &text, &opts.choice).map_err(fatal)?;
        return Ok((source, imported));
    };
    let regex = compile_regex(&re, &what)?;
    let (body, first_line) = header
        .as_ref()
        .map_or((text.as_str(), 1), |h| (h.body, h.first_line));
    let delimiter = match header.as_ref().map(|h| h.delimiter.trim()) {
        Some(d) if !d.is_empty() => Some(compile_regex(d, &format!("{source}:2"))?),
        _ => None,
    };
    let is_delimiter = |line: &str| delimiter.as_ref().is_some_and(|d| d.is_match(line));
    let split: Option<&dyn Fn(&str) -> bool> = delimiter.as_ref().map(|_| &is_delimiter as _);
    let find = |body: &str, first_line: usize| {
        let found = match_log(&regex, &what, body, first_line)?;
        if found.records.is_empty() {
            let expected = format!("events that match the parser regex `{re}`");
            return Err(fatal(ImportError::no_events(expected, body)));
        }
        Ok(found)
    };
    let imported = import_executions(&name, body, first_line, &opts.choice, split, find, fatal)?;
    Ok((source, imported))
}

fn cmd_import(opts: Options) -> Result<ExitCode, CliError> {
    let path = match &opts.source {
        Some(Source::File(path)) => path.clone(),
        Some(Source::Example(_)) => {
            return Err(usage(
                "`import` reads a LOG file, not a built-in scenario (`export --example NAME` \
                 writes one as a log)",
            ))
        }
        None => return Err(usage("`import` needs a LOG file, or - for standard input")),
    };
    let (source, imported) = import_log(&opts, &path)?;
    let run = execute(&source, &imported.scenario, None)?;
    emit(&trace_json(run.trace(), opts.compact))?;
    let mut err = io::stderr().lock();
    for p in &imported.problems {
        let _ = writeln!(err, "{source}:{}: {}", p.line, p.message);
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if imported.skipped > 0 {
        let _ = writeln!(
            err,
            "skipped {} of text between the records",
            plural(imported.skipped, "line")
        );
    }
    if imported.executions > 1 {
        let _ = writeln!(
            err,
            "drew execution {} of {} (`--execution N` draws another)",
            opts.choice.execution.min(imported.executions - 1) + 1,
            imported.executions
        );
    }
    let _ = writeln!(
        err,
        "imported {} on {}, {} ({})",
        plural(imported.events, "event"),
        plural(imported.scenario.processes.len(), "host"),
        plural(imported.messages, "message"),
        plural(imported.problems.len(), "problem"),
    );
    Ok(ExitCode::SUCCESS)
}

fn cmd_export(opts: Options) -> Result<ExitCode, CliError> {
    let (source, scenario) = opts.scenario("export")?;
    let run = execute(&source, &scenario, opts.steps)?;
    emit(&to_govector(run.trace()))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_in_any_order_and_with_equals() {
        let o = Options::parse(&args("--seed=4 f.json --steps 9"), &["--seed", "--steps"]).unwrap();
        assert_eq!(o.source, Some(Source::File("f.json".into())));
        assert_eq!((o.seed, o.steps), (Some(4), Some(9)));
        let o = Options::parse(&args("--example gossip-flood"), &["--seed"]).unwrap();
        assert_eq!(o.source, Some(Source::Example("gossip-flood".into())));
    }

    #[test]
    fn bad_flags_are_usage_errors() {
        for bad in [
            "--sed 3",
            "--seed",
            "--seed x",
            "a b",
            "--example x y",
            "--seed -1",
        ] {
            let e = Options::parse(&args(bad), &["--seed"]).unwrap_err();
            assert!(matches!(e, CliError::Usage(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn close_names() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let names = ["gossip-flood", "gossip-one-rumour", "clocks-three-events"];
        assert_eq!(
            closest("gossip-flod", names.iter().copied()),
            ["gossip-flood"]
        );
        assert_eq!(
            closest("gossip", names.iter().copied()),
            ["gossip-flood", "gossip-one-rumour"]
        );
        assert!(closest("paxos", names.iter().copied()).is_empty());
    }

    #[test]
    fn shiviz_regexes_become_rust_regexes() {
        use spacetime_core::log::{GOVECTOR_REGEX, SHIVIZ_DEFAULT_REGEX};
        assert_eq!(
            js_regex(SHIVIZ_DEFAULT_REGEX),
            r"(?<event>.*)\n(?<host>\S*) (?<clock>\{.*\})"
        );
        assert_eq!(js_regex(r"a{2}b{2,}c{2,5}"), r"a{2}b{2,}c{2,5}");
        assert_eq!(js_regex(r"{x}{2"), r"\{x\}\{2");
        assert_eq!(js_regex(r"\{[{}[]"), r"\{[{}\[]");
        assert_eq!(js_regex(r"[^]]{1}"), r"[^]]{1}");
        for re in [SHIVIZ_DEFAULT_REGEX, GOVECTOR_REGEX] {
            let compiled = compile_regex(re, "test").unwrap();
            let caps = compiled
                .captures("Sent\nalice {\"alice\":2}\nGot it")
                .unwrap();
            assert!(caps["clock"].starts_with('{'), "{re}");
            assert!(caps["clock"].ends_with('}'), "{re}");
        }
        let text = "alice {\"alice\":1}\nhello\n";
        let caps = compile_regex(GOVECTOR_REGEX, "t")
            .unwrap()
            .captures(text)
            .unwrap();
        assert_eq!((&caps["host"], &caps["event"]), ("alice", "hello"));
        assert!(compile_regex("(?<host>", "--regex").is_err());
    }
}
