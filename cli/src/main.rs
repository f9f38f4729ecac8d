//! `spacetime`: the command line over spacetime-core.
//!
//! ```text
//! spacetime examples                      list the built-in scenarios
//! spacetime example NAME                  print one as JSON
//! spacetime run FILE [--seed N] [--steps N]
//! spacetime check FILE [--seed N] [--steps N] [--json]
//! spacetime render FILE -o OUT.svg [--clocks lamport|vector|none] [--steps N] [--seed N]
//! ```
//!
//! FILE is a scenario JSON file, `-` for standard input, or `--example NAME` instead of a file.
//! Exit status: 0 on success, 1 when `check` finds a promised property broken, 2 on any error.

#![forbid(unsafe_code)]

use std::fmt;
use std::io::{self, Read, Write};
use std::process::ExitCode;

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

exit status: 0 success, 1 `check` found a promised property broken, 2 error.
The trace JSON is described in docs/trace-format.md, scenarios in docs/scenario-format.md.";

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
                "--clocks",
                "--title",
                "--no-message-labels",
            ],
        )?),
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
                "examples", "example", "run", "check", "render", "help", "version",
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
                "--clocks" => {
                    opts.clocks = Some(match value.as_str() {
                        "lamport" => Clocks::Lamport,
                        "vector" => Clocks::Vector,
                        "none" => Clocks::None,
                        other => {
                            return Err(usage(format!(
                                "`--clocks` is lamport, vector or none, not `{other}`"
                            )))
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
                let (source, text) = read_source(path)?;
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

/// Read a scenario file, or standard input for `-`; returns the name to report errors under.
fn read_source(path: &str) -> Result<(String, String), CliError> {
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
            "{path}: not UTF-8 text (bad byte at offset {}); a scenario is a JSON file",
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

fn cmd_example(name: &str) -> Result<ExitCode, CliError> {
    let scenario = find_example(name)?;
    emit(&format!("{}\n", scenario.to_json()))?;
    Ok(ExitCode::SUCCESS)
}

/// Set up the run (reporting a scenario that does not make sense against `source`) and run it to
/// its end, or to `--steps`.
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
}
