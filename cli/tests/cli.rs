//! The `spacetime` binary, run as a user runs it: arguments in, standard output, standard error
//! and exit status out.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use spacetime_core::protocols;

const BIN: &str = env!("CARGO_BIN_EXE_spacetime");

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn finish(out: Output) -> Ran {
    let ran = Ran {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 errors"),
    };
    assert!(
        !ran.stderr.contains("panicked"),
        "the binary panicked: {}",
        ran.stderr
    );
    ran
}

fn spacetime(args: &[&str]) -> Ran {
    finish(
        Command::new(BIN)
            .args(args)
            .output()
            .expect("the binary runs"),
    )
}

fn spacetime_stdin(args: &[&str], input: &str) -> Ran {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    finish(child.wait_with_output().unwrap())
}

/// A fresh file under the target's scratch directory holding `text`.
fn file(name: &str, text: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn scratch(name: &str) -> String {
    file(name, "")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Flooding over a network that loses nine messages in ten: flooding promises coverage, and with
/// seed 1 every copy of the rumour is lost.
const LOSSY_FLOOD: &str = r#"{
  "name": "gossip-flood-lossy",
  "protocol": "gossip",
  "variant": "flood",
  "processes": ["P1", "P2", "P3", "P4", "P5"],
  "network": { "loss": 0.9 },
  "seed": 1
}"#;

#[test]
fn examples_lists_every_built_in_scenario_name_first() {
    let ran = spacetime(&["examples"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    let examples = protocols::examples();
    assert_eq!(lines.len(), examples.len());
    for (line, s) in lines.iter().zip(&examples) {
        assert_eq!(line.split_whitespace().next(), Some(s.name.as_str()));
        assert!(line.contains(&s.title), "{line}");
    }
}

#[test]
fn an_example_round_trips_through_run() {
    for s in protocols::examples() {
        let printed = spacetime(&["example", &s.name]);
        assert_eq!(printed.code, 0, "{}", printed.stderr);
        let parsed = spacetime_core::Scenario::from_json(&printed.stdout).unwrap();
        assert_eq!(parsed, s);
        let path = file("scenario.json", &printed.stdout);
        let from_file = spacetime(&["run", &path]);
        let built_in = spacetime(&["run", "--example", &s.name]);
        assert_eq!(from_file.code, 0, "{}", from_file.stderr);
        assert_eq!(from_file.stdout, built_in.stdout, "{}", s.name);
        let from_stdin = spacetime_stdin(&["run", "-"], &printed.stdout);
        assert_eq!(from_stdin.stdout, built_in.stdout, "{}", s.name);
    }
}

#[test]
fn running_twice_gives_byte_identical_traces() {
    for s in protocols::examples() {
        for seed in ["1", "7", "123456789"] {
            let a = spacetime(&["run", "--example", &s.name, "--seed", seed]);
            let b = spacetime(&["run", "--seed", seed, "--example", &s.name]);
            assert_eq!(a.code, 0, "{}", a.stderr);
            assert_eq!(a.stdout, b.stdout, "{} seed {seed}", s.name);
        }
    }
}

#[test]
fn the_trace_has_the_documented_fields() {
    let ran = spacetime(&["run", "--example", "clocks-three-events"]);
    let trace = json(&ran.stdout);
    for key in [
        "processes",
        "events",
        "messages",
        "outputs",
        "steps",
        "warnings",
    ] {
        assert!(trace.get(key).is_some(), "no {key}");
    }
    assert_eq!(trace["processes"], json(r#"["P1", "P2"]"#));
    let event = &trace["events"][3];
    for key in [
        "id", "process", "index", "time", "step", "kind", "lamport", "vector", "message", "label",
        "state",
    ] {
        assert!(event.get(key).is_some(), "event has no {key}");
    }
    assert_eq!(event["kind"], "receive");
    assert_eq!(event["lamport"], 3);
    assert_eq!(event["vector"], json("[2, 2]"));
    let message = &trace["messages"][0];
    for key in [
        "id",
        "from",
        "to",
        "label",
        "payload",
        "send_event",
        "receive_event",
        "fate",
        "sent_at",
        "created_step",
        "arrives_at",
        "settled_step",
        "settled_at",
        "duplicate_of",
    ] {
        assert!(message.get(key).is_some(), "message has no {key}");
    }
    assert_eq!(message["fate"], "delivered");
    assert_eq!(message["receive_event"], 3);
}

#[test]
fn seed_and_steps_change_the_run() {
    let one = json(&spacetime(&["run", "--example", "gossip-one-rumour", "--seed", "1"]).stdout);
    let two = json(&spacetime(&["run", "--example", "gossip-one-rumour", "--seed", "2"]).stdout);
    assert_ne!(one, two, "the seed is applied");
    let short = spacetime(&["run", "--example", "gossip-one-rumour", "--steps", "3"]);
    assert_eq!(short.code, 0, "{}", short.stderr);
    let short = json(&short.stdout);
    assert_eq!(short["steps"].as_array().unwrap().len(), 3);
    assert!(short["events"].as_array().unwrap().len() < one["events"].as_array().unwrap().len());
    let compact = spacetime(&["run", "--example", "gossip-one-rumour", "--compact"]);
    assert_eq!(compact.stdout.lines().count(), 1);
    assert_eq!(json(&compact.stdout), one);
}

#[test]
fn check_passes_a_correct_scenario() {
    for name in ["clocks-busy-four", "gossip-flood", "gossip-one-rumour"] {
        let ran = spacetime(&["check", "--example", name]);
        assert_eq!(ran.code, 0, "{name}: {}{}", ran.stdout, ran.stderr);
        assert!(ran.stdout.contains("every promised property holds"));
        assert!(!ran.stdout.contains("VIOLATED"));
    }
    let clocks = spacetime(&["check", "--example", "clocks-three-events"]);
    assert!(clocks.stdout.contains("clock-condition"));
    assert!(clocks.stdout.contains("safety"));
    assert!(clocks.stdout.contains("holds"));
}

#[test]
fn check_fails_when_a_promised_property_breaks() {
    let path = file("lossy-flood.json", LOSSY_FLOOD);
    let ran = spacetime(&["check", &path]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let coverage = ran
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("coverage"))
        .expect("coverage is reported");
    assert!(coverage.contains("liveness"), "{coverage}");
    assert!(coverage.contains("promised"), "{coverage}");
    assert!(coverage.contains("VIOLATED"), "{coverage}");
    assert!(coverage.contains("never heard rumour 0"), "{coverage}");
    assert!(
        ran.stdout.contains("events: 0"),
        "the violating events: {}",
        ran.stdout
    );
    assert!(ran.stdout.contains("integrity"), "every property is listed");

    let reports = json(&spacetime(&["check", &path, "--json"]).stdout);
    let coverage = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "coverage")
        .unwrap();
    assert_eq!(coverage["verdict"], "violated");
    assert_eq!(coverage["promised"], true);
    assert_eq!(coverage["kind"], "liveness");
    assert_eq!(coverage["events"], json("[0]"));
}

#[test]
fn check_passes_when_only_an_unpromised_property_breaks() {
    // The push variant does not promise coverage: losing the rumour is allowed.
    let push = LOSSY_FLOOD.replace("\"flood\"", "\"push\"");
    let ran = spacetime(&["check", &file("lossy-push.json", &push)]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("not promised"));
    assert!(ran.stdout.contains("VIOLATED"));
}

/// Rough structural checks of an SVG document: it is one `<svg>` element whose tags balance.
fn assert_svg(svg: &str) {
    assert!(svg.starts_with("<svg "), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    let mut open = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "tags balance");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap().to_string());
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}

fn fates(trace: &Value) -> (usize, usize) {
    let messages = trace["messages"].as_array().unwrap();
    let delivered = messages.iter().filter(|m| m["fate"] == "delivered").count();
    let died = messages
        .iter()
        .filter(|m| m["fate"] != "delivered" && m["fate"] != "in_flight")
        .count();
    (delivered, died)
}

#[test]
fn render_writes_a_diagram_with_lanes_arrows_and_crosses() {
    let lossy = LOSSY_FLOOD.replace("0.9", "0.4");
    let scenario = file("lossy.json", &lossy);
    let out = scratch("lossy.svg");
    let ran = spacetime(&["render", &scenario, "-o", &out]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.is_empty());
    let svg = std::fs::read_to_string(&out).unwrap();
    assert_svg(&svg);
    let trace = json(&spacetime(&["run", &scenario]).stdout);
    let (delivered, died) = fates(&trace);
    assert!(delivered > 0 && died > 0, "the scenario shows both");
    assert_eq!(svg.matches("<line class=\"lane\"").count(), 5);
    assert_eq!(
        svg.matches("class=\"message delivered\"").count(),
        delivered
    );
    assert_eq!(svg.matches("<polygon class=\"head\"").count(), delivered);
    assert_eq!(svg.matches("<path class=\"cross\"").count(), died);
    for p in ["P1", "P2", "P3", "P4", "P5"] {
        assert!(svg.contains(&format!(">{p}</text>")), "lane {p} is named");
    }
}

#[test]
fn render_shows_crashes_clocks_and_titles() {
    let mut s = protocols::example("gossip-one-rumour").unwrap();
    s.faults = vec![
        spacetime_core::Fault {
            at: 5,
            action: spacetime_core::Action::Crash {
                process: spacetime_core::ProcessRef::Name("P3".into()),
            },
        },
        spacetime_core::Fault {
            at: 80,
            action: spacetime_core::Action::Recover {
                process: spacetime_core::ProcessRef::Name("P3".into()),
            },
        },
    ];
    let scenario = file("crash.json", &s.to_json());
    let ran = spacetime(&[
        "render",
        &scenario,
        "-o",
        "-",
        "--title",
        "P3 <crashes> & recovers",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_svg(&ran.stdout);
    assert_eq!(
        ran.stdout
            .matches("<g class=\"down\" data-process=\"2\"")
            .count(),
        1
    );
    assert!(ran.stdout.contains("P3 &lt;crashes&gt; &amp; recovers"));

    let vector = spacetime(&[
        "render",
        "--example",
        "clocks-three-events",
        "--clocks",
        "vector",
        "-o",
        "-",
    ]);
    assert!(
        vector.stdout.contains(">[2,2]</text>"),
        "the receipt's vector clock"
    );
    let lamport = spacetime(&["render", "--example", "clocks-three-events", "--output=-"]);
    assert!(lamport.stdout.contains(">a: 1</text>"));
    let none = spacetime(&[
        "render",
        "--example",
        "clocks-three-events",
        "--clocks=none",
        "-o",
        "-",
    ]);
    assert!(!none.stdout.contains(">3</text>"));
    let partial = spacetime(&[
        "render",
        "--example",
        "clocks-three-events",
        "--steps",
        "2",
        "-o",
        "-",
    ]);
    assert_svg(&partial.stdout);
    assert_eq!(
        partial
            .stdout
            .matches("class=\"message in-flight\"")
            .count(),
        1
    );
    let bad = spacetime(&[
        "render",
        "--example",
        "clocks-three-events",
        "--clocks",
        "wall",
        "-o",
        "-",
    ]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("lamport, vector or none"));
}

#[test]
fn a_malformed_file_is_reported_with_line_and_column() {
    let path = file(
        "broken.json",
        "{\n  \"name\": \"x\",\n  \"protocol\": \"gossip\",\n  \"processes\": [\"P1\" \"P2\"]\n}\n",
    );
    for command in ["run", "check"] {
        let ran = spacetime(&[command, &path]);
        assert_eq!(ran.code, 2);
        assert!(ran.stdout.is_empty());
        let expected = format!("error: {path}:4:22: ");
        assert!(ran.stderr.starts_with(&expected), "{}", ran.stderr);
    }
    let render = spacetime(&["render", &path, "-o", &scratch("never.svg")]);
    assert_eq!(render.code, 2);
    assert!(render.stderr.starts_with(&format!("error: {path}:4:22: ")));

    let unknown = spacetime_stdin(&["run", "-"], "{\"name\": \"x\", \"protocl\": 1}");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.starts_with("error: <stdin>:1:"),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("protocl"));

    let empty = spacetime(&["run", &file("empty.json", "")]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains(":1:1: the file is empty"),
        "{}",
        empty.stderr
    );
}

#[test]
fn an_invalid_field_is_reported_by_its_path() {
    let cases = [
        (r#""network": {"loss": 1.5}"#, "network.loss: "),
        (
            r#""network": {"latency": {"min": 9, "max": 3}}"#,
            "network.latency: ",
        ),
        (
            r#""faults": [{"at": 3, "action": "crash", "process": "P9"}]"#,
            "faults[0].process: ",
        ),
        (r#""params": {"origin": 7}"#, "params.origin: "),
        (r#""variant": "shout""#, "variant: "),
    ];
    for (field, expected) in cases {
        let text = format!(
            r#"{{"name": "gossip-x", "protocol": "gossip", "processes": ["P1", "P2"], {field}}}"#
        );
        let path = file("invalid.json", &text);
        let ran = spacetime(&["check", &path]);
        assert_eq!(ran.code, 2, "{field}");
        assert!(
            ran.stderr
                .starts_with(&format!("error: {path}: {expected}")),
            "{field}: {}",
            ran.stderr
        );
    }
    let script = r#"{"name": "clocks-x", "protocol": "scripted", "processes": ["P1", "P2"],
        "params": {"script": [{"at": 5, "process": "P1", "send": "m", "to": "P7"}]}}"#;
    let ran = spacetime_stdin(&["run", "-"], script);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr
            .starts_with("error: <stdin>: params.script[0].to: "),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("P7"));
}

#[test]
fn a_missing_file_and_a_directory_are_errors() {
    let missing = format!("{}/no-such-dir/none.json", env!("CARGO_TARGET_TMPDIR"));
    for args in [
        vec!["run", missing.as_str()],
        vec!["check", missing.as_str()],
        vec!["render", missing.as_str(), "-o", "/dev/null"],
        vec!["run", env!("CARGO_TARGET_TMPDIR")],
    ] {
        let ran = spacetime(&args);
        assert_eq!(ran.code, 2, "{args:?}");
        assert!(
            ran.stderr.starts_with("error: cannot read "),
            "{}",
            ran.stderr
        );
        assert!(ran.stdout.is_empty());
    }
}

#[test]
fn bad_command_lines_get_a_message_and_the_usage() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["run"],
        vec!["run", "--sed", "3", "x.json"],
        vec!["run", "--seed"],
        vec!["run", "--seed", "many", "x.json"],
        vec!["run", "a.json", "b.json"],
        vec!["run", "a.json", "--example", "gossip-flood"],
        vec!["render", "--example", "gossip-flood"],
        vec!["check", "--example", "gossip-flood", "--compact"],
        vec!["examples", "extra"],
        vec!["example"],
    ] {
        let ran = spacetime(&args);
        assert_eq!(ran.code, 2, "{args:?}");
        assert!(
            ran.stderr.starts_with("error: "),
            "{args:?}: {}",
            ran.stderr
        );
        assert!(ran.stderr.contains("usage:"), "{args:?}: {}", ran.stderr);
        assert!(ran.stdout.is_empty());
    }
    let typo = spacetime(&["rnu"]);
    assert!(
        typo.stderr.contains("did you mean `run`?"),
        "{}",
        typo.stderr
    );
    let help = spacetime(&["help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("--clocks"));
    assert_eq!(spacetime(&["run", "--help"]).code, 0);
}

#[test]
fn an_unknown_example_suggests_close_names() {
    let ran = spacetime(&["example", "gossip-flod"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("did you mean gossip-flood?"),
        "{}",
        ran.stderr
    );
    let far = spacetime(&["run", "--example", "zzzz"]);
    assert_eq!(far.code, 2);
    assert!(
        far.stderr.contains("clocks-three-events"),
        "lists them all: {}",
        far.stderr
    );
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "null",
        "[]",
        "42",
        "\"scenario\"",
        "{}",
        "{\"name\": 3}",
        "{\"name\": \"x\", \"protocol\": \"gossip\", \"processes\": []}",
        "{\"name\": \"x\", \"protocol\": \"gossip\", \"processes\": [\"P1\"], \"seed\": -1}",
        "{\"name\": \"x\", \"protocol\": \"gossip\", \"processes\": [\"P1\", \"P1\"]}",
        "{\"name\": \"x\", \"protocol\": \"gossip\", \"processes\": [\"P1\"], \"interventions\": [{\"step\": 0, \"action\": \"drop\", \"message\": 99}]}",
        "{\"name\": \"x\", \"protocol\": \"scripted\", \"processes\": [\"P1\"], \"params\": {\"script\": [{\"at\": 1, \"process\": 0}]}}",
        "\u{FEFF}{\"name\": \"x\", \"protocol\": \"gossip\", \"processes\": [\"P1\"]}",
        "{\"name\": \"\u{0}\u{7f}<&>\", \"protocol\": \"gossip\", \"processes\": [\"<&\\u0001>\"]}",
    ];
    for input in inputs {
        for args in [
            vec!["run", "-"],
            vec!["check", "-"],
            vec!["render", "-", "-o", "-"],
            vec!["import", "-"],
        ] {
            let ran = spacetime_stdin(&args, input);
            assert!((0..=2).contains(&ran.code), "{input}: {}", ran.code);
            if ran.code == 2 {
                assert!(
                    ran.stderr.starts_with("error: <stdin>"),
                    "{input}: {}",
                    ran.stderr
                );
            }
        }
    }
}

/// The JSON block that follows the "checked by cli/tests/cli.rs" marker in a doc.
fn documented_example(doc: &str) -> String {
    let path = format!("{}/../docs/{doc}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let after = &text[text.find("checked by cli/tests/cli.rs").expect("marker")..];
    let start = after.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + after[start..].find("\n```").expect("the block ends");
    format!("{}\n", &after[start..end])
}

#[test]
fn the_documented_examples_are_what_the_binary_prints() {
    let trace = spacetime(&["run", "--example", "clocks-three-events"]);
    assert_eq!(
        documented_example("trace-format.md"),
        trace.stdout,
        "docs/trace-format.md is out of date: paste in `spacetime run --example clocks-three-events`"
    );
    let scenario = spacetime(&["example", "clocks-three-events"]);
    assert_eq!(
        documented_example("scenario-format.md"),
        scenario.stdout,
        "docs/scenario-format.md is out of date: paste in `spacetime example clocks-three-events`"
    );
}

/// A GoVector log of three hosts: a broadcast (one send per receiver), answers, local events.
const GOVECTOR_LOG: &str = r#"alice {"alice":1}
Initialization Complete
bob {"bob":1}
Initialization Complete
carol {"carol":1}
Initialization Complete
alice {"alice":2}
Broadcasting election to bob
alice {"alice":3}
Broadcasting election to carol
bob {"alice":2, "bob":2}
Received election from alice
carol {"alice":3, "carol":2}
Received election from alice
bob {"alice":2, "bob":3}
Sending vote to alice
alice {"alice":4, "bob":3}
Received vote from bob
carol {"alice":3, "carol":3}
Writing checkpoint
"#;

/// The same kind of log in ShiViz's default order: the event line, then `host {clock}`.
const SHIVIZ_ORDERED: &str = r#"Starting up
server {"server":1}
Sending request
client {"client":1}
Received request
server {"server":2, "client":1}
Sending answer
server {"server":3, "client":1}
Received answer
client {"client":2, "server":3}
"#;

const SHIVIZ_DEFAULT: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";

/// The trace of a successful import, checked for its counts and its summary line.
fn imported(ran: &Ran, events: usize, hosts: usize, messages: usize, problems: usize) -> Value {
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let trace = json(&ran.stdout);
    assert_eq!(trace["events"].as_array().unwrap().len(), events);
    assert_eq!(trace["processes"].as_array().unwrap().len(), hosts);
    assert_eq!(trace["messages"].as_array().unwrap().len(), messages);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary = format!(
        "imported {} on {}, {} ({})",
        plural(events, "event"),
        plural(hosts, "host"),
        plural(messages, "message"),
        plural(problems, "problem")
    );
    assert_eq!(
        ran.stderr.lines().last(),
        Some(summary.as_str()),
        "{}",
        ran.stderr
    );
    let notes = ["skipped ", "drew execution "];
    let said = ran
        .stderr
        .lines()
        .filter(|l| !notes.iter().any(|n| l.starts_with(n)));
    assert_eq!(said.count(), problems + 1, "{}", ran.stderr);
    trace
}

#[test]
fn import_reads_a_govector_log() {
    let path = file("election.log", GOVECTOR_LOG);
    let trace = imported(&spacetime(&["import", &path]), 10, 3, 3, 0);
    assert_eq!(
        trace["processes"],
        serde_json::json!(["alice", "bob", "carol"])
    );
    let labels: Vec<&str> = trace["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Writing checkpoint"), "{labels:?}");
    // The receivers' log lines are in the narration.
    let narration = trace["steps"].to_string();
    assert!(narration.contains("Received vote from bob"), "{narration}");
    // From standard input, the same trace.
    let piped = spacetime_stdin(&["import", "-"], GOVECTOR_LOG);
    assert_eq!(piped.stdout, spacetime(&["import", &path]).stdout);
    let compact = spacetime(&["import", &path, "--compact"]);
    assert_eq!(compact.stdout.lines().count(), 1);
}

#[test]
fn import_reads_a_shiviz_file_by_its_own_regex() {
    let path = file(
        "shiviz.log",
        &format!("{SHIVIZ_DEFAULT}\n\n{SHIVIZ_ORDERED}"),
    );
    let trace = imported(&spacetime(&["import", &path]), 5, 2, 2, 0);
    assert_eq!(trace["processes"], serde_json::json!(["server", "client"]));
    // GoVector's regex in the header, and a line that matches nothing: skipped and counted.
    let regex = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";
    let path = file(
        "gv.log",
        &format!("{regex}\n\n{GOVECTOR_LOG}what is this\n"),
    );
    let ran = spacetime(&["import", &path]);
    imported(&ran, 10, 3, 3, 0);
    assert!(
        ran.stderr
            .contains("skipped 1 line of text between the records"),
        "{}",
        ran.stderr
    );
    // Several executions: the first is drawn unless another is asked for.
    let text =
        format!("{regex}\n^=== .* ===$\n=== one ===\n{GOVECTOR_LOG}=== two ===\n{GOVECTOR_LOG}");
    let path = file("runs.log", &text);
    let ran = spacetime(&["import", &path]);
    imported(&ran, 10, 3, 3, 0);
    assert!(
        ran.stderr.contains("drew execution 1 of 2"),
        "{}",
        ran.stderr
    );
    let second = spacetime(&["import", &path, "--execution", "2"]);
    imported(&second, 10, 3, 3, 0);
    assert!(
        second.stderr.contains("drew execution 2 of 2"),
        "{}",
        second.stderr
    );
    // Both side by side: six lanes, and nothing differs between two copies of one log.
    let both = spacetime(&["import", &path, "--compare", "2"]);
    let trace = imported(&both, 20, 6, 6, 0);
    assert_eq!(trace["processes"][0], "alice #1");
    assert_eq!(trace["processes"][3], "alice #2");
    assert!(
        !both.stdout.contains("\"differs\""),
        "no output says they differ"
    );
    // Hosts hidden and ordered.
    let path = file("gv2.log", GOVECTOR_LOG);
    let hidden = spacetime(&["import", &path, "--hide", "bob", "--order", "name"]);
    let trace: Value = serde_json::from_str(&hidden.stdout).unwrap();
    assert_eq!(
        trace["processes"].as_array().unwrap().len(),
        2,
        "{}",
        hidden.stderr
    );
    let names: Vec<&str> = trace["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(!names.contains(&"bob") && names.is_sorted(), "{names:?}");
}

#[test]
fn import_applies_the_regex_it_is_given() {
    let path = file("shiviz.log", SHIVIZ_ORDERED);
    let ran = spacetime(&["import", &path, "--regex", SHIVIZ_DEFAULT]);
    let trace = imported(&ran, 5, 2, 2, 0);
    assert_eq!(trace["processes"], serde_json::json!(["server", "client"]));
    // Read as GoVector's format instead, the same file is mostly problems.
    let wrong = spacetime(&["import", &path]);
    assert_eq!(wrong.code, 0, "{}", wrong.stderr);
    assert!(
        wrong
            .stderr
            .contains(&format!("{path}:1: expected a line `host {{clock}}`")),
        "{}",
        wrong.stderr
    );
    // A regex of another shape: host and event on one line, the clock last.
    let one_line = "alice Started {\"alice\":1}\nbob Heard {\"alice\":1, \"bob\":1}\n";
    let ran = spacetime_stdin(
        &[
            "import",
            "-",
            "--regex=(?<host>\\S+) (?<event>[^{]*) (?<clock>{.*})",
        ],
        one_line,
    );
    imported(&ran, 2, 2, 1, 0);
}

#[test]
fn a_malformed_log_is_imported_with_its_problems_by_line() {
    let log = r#"alice {"alice":1}
Initialization Complete
alice {"alice":2,}
Broken clock
alice {"alice":3}
Sending
bob {"alice":3, "bob":1}
Received
alice {"alice":2}
Back in time
bob {"bob":2}
"#;
    let path = file("broken.log", log);
    let ran = spacetime(&["import", &path]);
    // The last line also forgets what bob knew of alice.
    imported(&ran, 4, 2, 1, 4);
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{path}:3: the clock")),
        "{}",
        ran.stderr
    );
    assert!(
        lines[1].starts_with(&format!(
            "{path}:9: host alice's clock goes back from 3 to 2"
        )),
        "{}",
        ran.stderr
    );
    assert!(
        lines[2].starts_with(&format!("{path}:11: this host line has no event line")),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_empty_log_or_a_bad_regex_is_an_error() {
    let empty = spacetime(&["import", &file("empty.log", "")]);
    assert_eq!(empty.code, 2);
    assert!(empty.stdout.is_empty());
    assert!(
        empty.stderr.contains("the log is empty"),
        "{}",
        empty.stderr
    );
    assert!(empty.stderr.contains("GoVector"), "{}", empty.stderr);
    let prose = spacetime_stdin(&["import", "-"], "Dear diary\n");
    assert_eq!(prose.code, 2);
    assert!(
        prose.stderr.starts_with("error: <stdin>: no events found"),
        "{}",
        prose.stderr
    );
    assert!(prose.stderr.contains("\"Dear diary\""), "{}", prose.stderr);

    let path = file("log", GOVECTOR_LOG);
    let unclosed = spacetime(&["import", &path, "--regex", "(?<host>\\S*"]);
    assert_eq!(unclosed.code, 2);
    assert!(
        unclosed.stderr.starts_with("error: --regex: the regex"),
        "{}",
        unclosed.stderr
    );
    let no_clock = spacetime(&["import", &path, "--regex", "(?<host>\\S*) (?<event>.*)"]);
    assert_eq!(no_clock.code, 2);
    assert!(
        no_clock.stderr.contains("no named group `(?<clock>...)`"),
        "{}",
        no_clock.stderr
    );
    let nothing = spacetime(&[
        "import",
        &path,
        "--regex",
        SHIVIZ_DEFAULT.replace("\\n", "\\t").as_str(),
    ]);
    assert_eq!(nothing.code, 2, "{}", nothing.stderr);
    assert!(
        nothing
            .stderr
            .contains("events that match the parser regex"),
        "{}",
        nothing.stderr
    );
    let missing = spacetime(&["import", "no-such.log"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("error: cannot read no-such.log"),
        "{}",
        missing.stderr
    );
    let usage = spacetime(&["import"]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("needs a LOG file"),
        "{}",
        usage.stderr
    );
}

/// Each event's vector clock as host -> counter, by (process name, index on its lane).
fn clocks_by_lane(trace: &Value) -> std::collections::BTreeMap<(String, u64), Vec<(String, u64)>> {
    let names: Vec<String> = trace["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    trace["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut clock: Vec<(String, u64)> = e["vector"]
                .as_array()
                .unwrap()
                .iter()
                .zip(&names)
                .filter(|(c, _)| c.as_u64() != Some(0))
                .map(|(c, n)| (n.clone(), c.as_u64().unwrap()))
                .collect();
            clock.sort();
            let process = names[e["process"].as_u64().unwrap() as usize].clone();
            ((process, e["index"].as_u64().unwrap()), clock)
        })
        .collect()
}

#[test]
fn export_then_import_redraws_the_same_order() {
    for s in protocols::examples() {
        let exported = spacetime(&["export", "--example", &s.name]);
        assert_eq!(exported.code, 0, "{}", exported.stderr);
        let first = exported.stdout.lines().next().unwrap();
        assert!(
            first.starts_with("P1 {\"P1\":1") || first.contains(" {"),
            "{first}"
        );
        let back = spacetime_stdin(&["import", "-"], &exported.stdout);
        assert_eq!(back.code, 0, "{}: {}", s.name, back.stderr);
        assert!(
            back.stderr.contains("(0 problems)"),
            "{}: {}",
            s.name,
            back.stderr
        );
        let original = json(&spacetime(&["run", "--example", &s.name]).stdout);
        // The clocks are the engine's on both sides, so equal happens-before means equal clocks.
        assert_eq!(
            clocks_by_lane(&json(&back.stdout)),
            clocks_by_lane(&original),
            "{}",
            s.name
        );
    }
    // --steps exports a prefix.
    let short = spacetime(&["export", "--example", "gossip-flood", "--steps", "3"]);
    let full = spacetime(&["export", "--example", "gossip-flood"]);
    assert!(full.stdout.starts_with(&short.stdout));
    assert!(short.stdout.len() < full.stdout.len());
    let help = spacetime(&["help"]);
    assert!(
        help.stdout.contains("spacetime import LOG"),
        "{}",
        help.stdout
    );
    assert!(help.stdout.contains("spacetime export"), "{}", help.stdout);
}

#[test]
fn previews_draws_every_lesson_and_every_run_small_enough() {
    let dir = scratch("pictures");
    std::fs::remove_file(&dir).unwrap();
    let ran = spacetime(&["previews", &dir]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let dir = PathBuf::from(dir);
    // Every lesson's first run has a picture for `?lesson=ID`, the same as its `?s=` picture.
    for lesson in spacetime_core::lessons::course() {
        let first = &lesson.scenarios()[0].name;
        let picture = std::fs::read_to_string(dir.join(format!("lesson/{}.svg", lesson.id)))
            .unwrap_or_else(|e| panic!("no picture for lesson {}: {e}", lesson.id));
        assert_eq!(
            picture,
            std::fs::read_to_string(dir.join(format!("s/{first}.svg"))).unwrap()
        );
        assert!(picture.contains("data-times="));
    }
    // Every built-in run has one, or is named as too big for one.
    let drawn = std::fs::read_dir(dir.join("s")).unwrap().count();
    let too_big = ran
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("none for "))
        .map_or(0, |l| l.split(", ").count());
    assert_eq!(
        drawn + too_big,
        protocols::examples().len(),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.starts_with(&format!("{drawn} pictures in ")));
    // Without a folder it says what it needs.
    let ran = spacetime(&["previews"]);
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("needs the DIR"), "{}", ran.stderr);
}

#[test]
fn a_run_larger_than_the_page_holds_is_refused_with_no_trace() {
    let mut s = protocols::example("gossip-busy-sixteen").unwrap();
    s.processes = (1..=64).map(|i| format!("P{i}")).collect();
    s.params["fanout"] = 4.into();
    s.params["rumours"] = 2000.into();
    s.limits.max_steps = 300_000;
    let path = file("big.json", &s.to_json());
    let ran = spacetime(&["run", &path]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stdout.is_empty(), "no trace is printed");
    assert!(
        ran.stderr.contains(&format!(
            "big.json: limits.max_steps: this run passes {} events",
            spacetime_core::words::thousands(spacetime_core::MAX_EVENTS as u64 + 1)
        )),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("the page holds at most"),
        "{}",
        ran.stderr
    );
}
