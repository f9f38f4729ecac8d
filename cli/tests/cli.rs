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
