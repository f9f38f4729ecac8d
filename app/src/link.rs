//! Links that reproduce a view exactly: the scenario, its seed, network and interventions, the
//! step, the event labels and the selection live in the page's query string.
//!
//! The grammar (every parameter optional; `&` between them):
//!
//! | parameter | value | meaning |
//! | --- | --- | --- |
//! | `s` | a built-in scenario's name | `s=clocks-three-events` |
//! | `sc` | base64url of a scenario's JSON (no padding) | a scenario built by hand or imported |
//! | `lesson` | a lesson id | its first scenario, when no `s`/`sc` is given |
//! | `variant` | a variant name | when it differs from the scenario's own |
//! | `seed` | a whole number | when it differs |
//! | `net` | `lat:MIN-MAX,loss:P,dup:P,fifo:0\|1` | the network, when it differs |
//! | `iv` | `STEP:KIND:ARGS,...` | the interventions, when they differ (`iv=` for none) |
//! | `step` | a whole number | the step shown (the cursor) |
//! | `labels` | `none`, `names`, `lamport`, `vector` | the event labels (default `lamport`) |
//! | `sel` | `e12`, `m5`, `p2`, `e3,e7`, `l0-1` | the selection: event, message, process, pair, link |
//! | `embed` | (a flag) | the compact view for an iframe |
//! | `present` | (a flag) | presentation mode |
//! | `tour` | a lesson id or a relative URL | start that lesson's tour, or fetch a tour file |
//!
//! An intervention is `STEP:drop:M`, `STEP:dup:M`, `STEP:delay:M:BY`, `STEP:crash:P`,
//! `STEP:recover:P`, `STEP:cut:P-Q` or `STEP:heal:P-Q`, where `M` is a message number and `P`,
//! `Q` a process name (`A1`) or number (from 0).
//!
//! Parsing ([`parse`]) and resolving against the simulator ([`resolve`]) are pure and tested
//! natively: whatever a link holds, they give a view that loads, and a list of what was ignored.

use spacetime_core::{protocols, Action, Intervention, NetworkModel, ProcessRef, Run, Scenario};

use leptos::prelude::*;

use crate::lessons;
use crate::store::{ClockMode, Selection, Store};

/// A scenario as a link names it.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkScenario {
    /// A built-in example, by name.
    Named(String),
    /// A scenario of the learner's own (built by hand, imported, dropped on the page).
    Custom(Box<Scenario>),
}

/// The network settings a link can carry; `None` keeps the scenario's own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkPatch {
    pub latency: Option<(u64, u64)>,
    pub loss: Option<f64>,
    pub duplicate: Option<f64>,
    pub fifo: Option<bool>,
}

/// What a link says, read from the query string, before it is checked against a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    pub scenario: Option<LinkScenario>,
    pub lesson: Option<String>,
    pub variant: Option<String>,
    pub seed: Option<u64>,
    pub network: Option<NetworkPatch>,
    /// `Some(vec![])`: no interventions at all (the example's own are taken back too).
    pub interventions: Option<Vec<Intervention>>,
    pub step: Option<u64>,
    pub clocks: Option<ClockMode>,
    pub selection: Option<Selection>,
    pub embed: bool,
    pub present: bool,
    pub tour: Option<String>,
}

/// A view to show: what [`resolve`] makes of a link.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub scenario: Scenario,
    pub cursor: u64,
    pub clocks: ClockMode,
    pub selection: Selection,
}

// ------------------------------------------------------------------------------------------
// Small codecs
// ------------------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..chunk.len() + 1 {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url (or standard base64), with or without padding; `None` if a character is not one.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `%XX` and `+` decoded; a malformed escape is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with everything but letters, digits and `-._~:/,@!` percent-encoded.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/,@!".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The query string's pairs, decoded, in order (a flag has an empty value).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

pub fn clock_mode_name(mode: ClockMode) -> &'static str {
    match mode {
        ClockMode::Off => "none",
        ClockMode::Names => "names",
        ClockMode::Lamport => "lamport",
        ClockMode::Vector => "vector",
    }
}

pub fn clock_mode_of(name: &str) -> Option<ClockMode> {
    match name.to_ascii_lowercase().as_str() {
        "none" | "off" => Some(ClockMode::Off),
        "names" => Some(ClockMode::Names),
        "lamport" => Some(ClockMode::Lamport),
        "vector" => Some(ClockMode::Vector),
        _ => None,
    }
}

/// A selection as `sel=` writes it; `None` for nothing selected.
pub fn selection_text(selection: Selection) -> Option<String> {
    Some(match selection {
        Selection::Nothing => return None,
        Selection::Event(e) => format!("e{e}"),
        Selection::Pair(a, b) => format!("e{a},e{b}"),
        Selection::Message(m) => format!("m{m}"),
        Selection::Process(p) => format!("p{p}"),
        Selection::Link(a, b) => format!("l{a}-{b}"),
    })
}

/// The selection `sel=` names, or why it names none.
pub fn selection_of(text: &str) -> Result<Selection, String> {
    let bad = || {
        format!(
            "selection \"{text}\" is not one of e<event>, m<message>, p<process>, e<a>,e<b> or l<a>-<b>"
        )
    };
    let number = |s: &str, prefix: char| -> Option<usize> { s.strip_prefix(prefix)?.parse().ok() };
    if let Some((a, b)) = text.split_once(',') {
        return match (number(a, 'e'), number(b, 'e')) {
            (Some(a), Some(b)) if a != b => Ok(Selection::Pair(a, b)),
            _ => Err(bad()),
        };
    }
    if let Some(rest) = text.strip_prefix('l') {
        let (a, b) = rest.split_once('-').ok_or_else(bad)?;
        return match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) if a != b => Ok(Selection::Link(a, b)),
            _ => Err(bad()),
        };
    }
    number(text, 'e')
        .map(Selection::Event)
        .or_else(|| number(text, 'm').map(Selection::Message))
        .or_else(|| number(text, 'p').map(Selection::Process))
        .ok_or_else(bad)
}

/// A process as an intervention names it: its name when that reads unambiguously, else its
/// number.
fn process_text(process: &ProcessRef, processes: &[String]) -> String {
    let index = match process {
        ProcessRef::Index(i) => *i,
        ProcessRef::Name(n) => match processes.iter().position(|p| p == n) {
            Some(i) => i,
            None => return n.clone(),
        },
    };
    match processes.get(index) {
        Some(name) if plain_name(name) => name.clone(),
        _ => index.to_string(),
    }
}

/// A name that cannot be mistaken for a number or split by the grammar's separators.
fn plain_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn process_ref_of(text: &str) -> Option<ProcessRef> {
    if text.is_empty() {
        return None;
    }
    Some(match text.parse() {
        Ok(i) => ProcessRef::Index(i),
        Err(_) => ProcessRef::Name(text.to_string()),
    })
}

/// One intervention as `iv=` writes it.
pub fn intervention_text(i: &Intervention, processes: &[String]) -> String {
    let p = |r: &ProcessRef| process_text(r, processes);
    let what = match &i.action {
        Action::Drop { message } => format!("drop:{message}"),
        Action::Duplicate { message } => format!("dup:{message}"),
        Action::Delay { message, by } => format!("delay:{message}:{by}"),
        Action::Crash { process } => format!("crash:{}", p(process)),
        Action::Recover { process } => format!("recover:{}", p(process)),
        Action::Cut { between } => format!("cut:{}-{}", p(&between[0]), p(&between[1])),
        Action::Heal { between } => format!("heal:{}-{}", p(&between[0]), p(&between[1])),
    };
    format!("{}:{what}", i.step)
}

/// One intervention from its `iv=` text, or what is wrong with it.
pub fn intervention_of(text: &str) -> Result<Intervention, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let step: u64 = parts[0]
        .parse()
        .map_err(|_| format!("\"{}\" is not a step number", parts[0]))?;
    let kind = parts.get(1).copied().unwrap_or("");
    let args = &parts[parts.len().min(2)..];
    let want = |n: usize, form: &str| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("{kind} is written STEP:{form}"))
        }
    };
    let message = |s: &str| {
        s.parse::<usize>()
            .map_err(|_| format!("\"{s}\" is not a message number"))
    };
    let process = |s: &str| process_ref_of(s).ok_or_else(|| "a process is missing".to_string());
    let pair = |s: &str| -> Result<[ProcessRef; 2], String> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("\"{s}\" is not a link: write it P-Q"))?;
        Ok([process(a)?, process(b)?])
    };
    let action = match kind {
        "drop" => {
            want(1, "drop:MESSAGE")?;
            Action::Drop {
                message: message(args[0])?,
            }
        }
        "dup" | "duplicate" => {
            want(1, "dup:MESSAGE")?;
            Action::Duplicate {
                message: message(args[0])?,
            }
        }
        "delay" => {
            want(2, "delay:MESSAGE:TICKS")?;
            Action::Delay {
                message: message(args[0])?,
                by: args[1]
                    .parse()
                    .map_err(|_| format!("\"{}\" is not a number of ticks", args[1]))?,
            }
        }
        "crash" => {
            want(1, "crash:PROCESS")?;
            Action::Crash {
                process: process(args[0])?,
            }
        }
        "recover" => {
            want(1, "recover:PROCESS")?;
            Action::Recover {
                process: process(args[0])?,
            }
        }
        "cut" => {
            want(1, "cut:P-Q")?;
            Action::Cut {
                between: pair(args[0])?,
            }
        }
        "heal" => {
            want(1, "heal:P-Q")?;
            Action::Heal {
                between: pair(args[0])?,
            }
        }
        other => {
            return Err(format!(
                "\"{other}\" is not a kind of intervention; the kinds are drop, dup, delay, crash, recover, cut, heal"
            ))
        }
    };
    Ok(Intervention { step, action })
}

/// The network as `net=` writes it.
pub fn network_text(n: &NetworkModel) -> String {
    format!(
        "lat:{}-{},loss:{},dup:{},fifo:{}",
        n.latency.min,
        n.latency.max,
        n.loss,
        n.duplicate,
        u8::from(n.fifo)
    )
}

/// The network settings of a `net=` value; each item that does not read is a problem and is
/// left out.
pub fn network_of(text: &str, problems: &mut Vec<String>) -> NetworkPatch {
    let mut patch = NetworkPatch::default();
    for item in text.split(',').filter(|s| !s.is_empty()) {
        let (key, value) = item.split_once(':').unwrap_or((item, ""));
        let probability = |v: &str| v.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p));
        let ok = match key {
            "lat" => value
                .split_once('-')
                .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                .filter(|(a, b)| a <= b)
                .map(|l| patch.latency = Some(l))
                .is_some(),
            "loss" => probability(value).map(|p| patch.loss = Some(p)).is_some(),
            "dup" => probability(value)
                .map(|p| patch.duplicate = Some(p))
                .is_some(),
            "fifo" => match value {
                "1" | "true" | "" => {
                    patch.fifo = Some(true);
                    true
                }
                "0" | "false" => {
                    patch.fifo = Some(false);
                    true
                }
                _ => false,
            },
            _ => {
                problems.push(format!(
                    "network setting \"{item}\" is not one of lat:MIN-MAX, loss:P, dup:P, fifo:0|1"
                ));
                continue;
            }
        };
        if !ok {
            let form = match key {
                "lat" => "lat:MIN-MAX with MIN no larger than MAX",
                "fifo" => "fifo:0 or fifo:1",
                _ => "a probability from 0 to 1",
            };
            problems.push(format!("network setting \"{item}\" should be {form}"));
        }
    }
    patch
}

// ------------------------------------------------------------------------------------------
// Query string <-> Link
// ------------------------------------------------------------------------------------------

/// Read a query string (with or without its `?`). Whatever does not read is left out of the
/// link and described in the returned problems; nothing here panics.
pub fn parse(query: &str) -> (Link, Vec<String>) {
    let mut link = Link::default();
    let mut problems = Vec::new();
    for (key, value) in query_pairs(query) {
        match key.as_str() {
            "s" | "scenario" => {
                if value.trim().is_empty() {
                    problems.push("the scenario name (s=) is empty".into());
                } else {
                    link.scenario = Some(LinkScenario::Named(value.trim().to_string()));
                }
            }
            "sc" => match custom_scenario_of(&value) {
                Ok(s) => link.scenario = Some(LinkScenario::Custom(Box::new(s))),
                Err(why) => problems.push(why),
            },
            "lesson" => link.lesson = Some(value),
            "variant" => link.variant = Some(value),
            "seed" => match value.parse() {
                Ok(seed) => link.seed = Some(seed),
                Err(_) => problems.push(format!("seed \"{value}\" is not a whole number")),
            },
            "net" => link.network = Some(network_of(&value, &mut problems)),
            "iv" => {
                let mut list = Vec::new();
                for item in value.split(',').filter(|s| !s.is_empty()) {
                    match intervention_of(item) {
                        Ok(i) => list.push(i),
                        Err(why) => {
                            problems.push(format!("intervention \"{item}\" was ignored: {why}"))
                        }
                    }
                }
                link.interventions = Some(list);
            }
            "step" => match value.parse() {
                Ok(step) => link.step = Some(step),
                Err(_) => problems.push(format!("step \"{value}\" is not a whole number")),
            },
            "labels" => match clock_mode_of(&value) {
                Some(mode) => link.clocks = Some(mode),
                None => problems.push(format!(
                    "labels \"{value}\" is not one of none, names, lamport, vector"
                )),
            },
            "sel" => match selection_of(&value) {
                Ok(s) => link.selection = Some(s),
                Err(why) => problems.push(why),
            },
            "embed" => link.embed = value != "0",
            "present" => link.present = value != "0",
            "tour" => {
                if value.trim().is_empty() {
                    problems.push("the tour (tour=) is empty".into());
                } else {
                    link.tour = Some(value.trim().to_string());
                }
            }
            other => problems.push(format!("the parameter \"{other}\" means nothing here")),
        }
    }
    (link, problems)
}

fn custom_scenario_of(value: &str) -> Result<Scenario, String> {
    let bytes = base64url_decode(value.trim())
        .ok_or("the scenario in the link (sc=) is not base64url text")?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the scenario in the link (sc=) is not text")?;
    Scenario::from_json(&text)
        .map_err(|e| format!("the scenario in the link (sc=) does not read: {e}"))
}

/// The longest scenario JSON a link carries (`sc=`). A log of thousands of events would make an
/// address of megabytes, which browsers and chat programs cut or choke on (rewriting such an
/// address stalled the page for half a second): such a run is shared as an exported file.
pub const MAX_LINK_SCENARIO_BYTES: usize = 24 * 1024;

/// Whether `scenario`'s JSON fits in `cap` bytes, found without writing more than that: an
/// imported log of 10,000 events is recognised as too big for a link at the cost of a small one.
fn json_fits(scenario: &Scenario, cap: usize) -> bool {
    struct Capped(usize, usize);
    impl std::io::Write for Capped {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            if self.0 > self.1 {
                Err(std::io::Error::other("past the cap"))
            } else {
                Ok(bytes.len())
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Capped(0, cap), scenario).is_ok()
}

/// The size of a custom scenario's JSON when it is too big for a link.
pub fn too_big_for_a_link(link: &Link) -> Option<usize> {
    match &link.scenario {
        Some(LinkScenario::Custom(s)) => {
            let size = serde_json::to_vec(&**s).map_or(0, |v| v.len());
            (size > MAX_LINK_SCENARIO_BYTES).then_some(size)
        }
        _ => None,
    }
}

/// The query string (without `?`) for a link; only what is set is written. A custom scenario too
/// big for a link ([`MAX_LINK_SCENARIO_BYTES`]) is left out, with its interventions.
pub fn encode(link: &Link) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut put = |k: &str, v: &str| parts.push(format!("{k}={}", percent_encode(v)));
    let processes: Vec<String> = match &link.scenario {
        Some(LinkScenario::Custom(s)) => s.processes.clone(),
        Some(LinkScenario::Named(n)) => protocols::example(n)
            .map(|s| s.processes)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    match &link.scenario {
        Some(LinkScenario::Named(n)) => put("s", n),
        Some(LinkScenario::Custom(s)) => {
            if !json_fits(s, MAX_LINK_SCENARIO_BYTES) {
                return String::new();
            }
            let json = serde_json::to_string(&**s).expect("a scenario always serialises");
            put("sc", &base64url_encode(json.as_bytes()))
        }
        None => {}
    }
    if let Some(l) = &link.lesson {
        put("lesson", l);
    }
    if let Some(v) = &link.variant {
        put("variant", v);
    }
    if let Some(seed) = link.seed {
        put("seed", &seed.to_string());
    }
    if let Some(n) = &link.network {
        let mut items = Vec::new();
        if let Some((a, b)) = n.latency {
            items.push(format!("lat:{a}-{b}"));
        }
        if let Some(p) = n.loss {
            items.push(format!("loss:{p}"));
        }
        if let Some(p) = n.duplicate {
            items.push(format!("dup:{p}"));
        }
        if let Some(f) = n.fifo {
            items.push(format!("fifo:{}", u8::from(f)));
        }
        put("net", &items.join(","));
    }
    if let Some(list) = &link.interventions {
        let items: Vec<String> = list
            .iter()
            .map(|i| intervention_text(i, &processes))
            .collect();
        put("iv", &items.join(","));
    }
    if let Some(step) = link.step {
        put("step", &step.to_string());
    }
    if let Some(mode) = link.clocks {
        put("labels", clock_mode_name(mode));
    }
    if let Some(sel) = link.selection.and_then(selection_text) {
        put("sel", &sel);
    }
    if let Some(t) = &link.tour {
        put("tour", t);
    }
    if link.embed {
        parts.push("embed".into());
    }
    if link.present {
        parts.push("present".into());
    }
    parts.join("&")
}

// ------------------------------------------------------------------------------------------
// View <-> Link
// ------------------------------------------------------------------------------------------

/// Interventions with their processes named by number, so that two lists that say the same
/// thing compare equal.
fn normalised(list: &[Intervention], processes: &[String]) -> Vec<Intervention> {
    let fix = |r: &ProcessRef| match r {
        ProcessRef::Name(n) => processes
            .iter()
            .position(|p| p == n)
            .map(ProcessRef::Index)
            .unwrap_or_else(|| r.clone()),
        i => i.clone(),
    };
    list.iter()
        .map(|i| Intervention {
            step: i.step,
            action: match &i.action {
                Action::Crash { process } => Action::Crash {
                    process: fix(process),
                },
                Action::Recover { process } => Action::Recover {
                    process: fix(process),
                },
                Action::Cut { between } => Action::Cut {
                    between: [fix(&between[0]), fix(&between[1])],
                },
                Action::Heal { between } => Action::Heal {
                    between: [fix(&between[0]), fix(&between[1])],
                },
                other => other.clone(),
            },
        })
        .collect()
}

/// The shortest link that shows this view: a built-in example by name with what was changed,
/// or, for a scenario of the learner's own, the whole scenario.
pub fn link_of(scenario: &Scenario, cursor: u64, clocks: ClockMode, selection: Selection) -> Link {
    let mut link = scenario_link(scenario);
    link.step = (cursor > 0).then_some(cursor);
    link.clocks = (clocks != ClockMode::Lamport).then_some(clocks);
    link.selection = Some(selection).filter(|s| *s != Selection::Nothing);
    link
}

/// The scenario part of [`link_of`] (it does not change with the cursor).
pub fn scenario_link(scenario: &Scenario) -> Link {
    let mut link = Link::default();
    let base = protocols::example(&scenario.name);
    let same_but_settings = base.as_ref().is_some_and(|base| {
        let mut s = scenario.clone();
        s.seed = base.seed;
        s.variant = base.variant.clone();
        s.interventions = base.interventions.clone();
        s.network.latency = base.network.latency;
        s.network.loss = base.network.loss;
        s.network.duplicate = base.network.duplicate;
        s.network.fifo = base.network.fifo;
        s == *base
    });
    let ivs = |list: &[Intervention]| normalised(list, &scenario.processes);
    match base {
        Some(base) if same_but_settings => {
            link.scenario = Some(LinkScenario::Named(scenario.name.clone()));
            let variant = |v: &str| -> String {
                if v.is_empty() {
                    protocols::find(&scenario.protocol)
                        .and_then(|p| p.variants.first().map(|v| v.name.to_string()))
                        .unwrap_or_default()
                } else {
                    v.to_string()
                }
            };
            if variant(&scenario.variant) != variant(&base.variant) {
                link.variant = Some(scenario.variant.clone());
            }
            link.seed = (scenario.seed != base.seed).then_some(scenario.seed);
            if scenario.network != base.network {
                let n = &scenario.network;
                link.network = Some(NetworkPatch {
                    latency: Some((n.latency.min, n.latency.max)),
                    loss: Some(n.loss),
                    duplicate: Some(n.duplicate),
                    fifo: Some(n.fifo),
                });
            }
            if ivs(&scenario.interventions) != ivs(&base.interventions) {
                link.interventions = Some(scenario.interventions.clone());
            }
        }
        _ => {
            let mut own = scenario.clone();
            own.interventions.clear();
            link.scenario = Some(LinkScenario::Custom(Box::new(own)));
            if !scenario.interventions.is_empty() {
                link.interventions = Some(scenario.interventions.clone());
            }
        }
    }
    link
}

/// Whether a mistyped scenario name looks like `known`: they share a first word of at least
/// three letters (`tcp-lost-segmnt` and `tcp-lost-segment`).
fn similar_names(hint: &str, known: &str) -> bool {
    let first = |s: &str| s.split('-').next().unwrap_or("").to_string();
    let word = first(known);
    word.len() >= 3 && first(hint) == word
}

/// The lesson with this id.
fn lesson_by_id(id: &str) -> Option<lessons::Lesson> {
    lessons::all().into_iter().find(|l| l.id == id)
}

/// What a link shows: everything it says that applies, and in `problems` each thing it says
/// that does not, in words. It always gives a view that loads.
pub fn resolve(link: &Link, problems: &mut Vec<String>) -> View {
    let first_lesson = || lessons::all().into_iter().next().expect("a lesson ships");
    // The lesson to fall back on: the one the link names, or whose scenarios' names the
    // unknown one starts like, or the first.
    let fallback = |hint: Option<&str>, problems: &mut Vec<String>| -> Scenario {
        let named = link.lesson.as_deref().and_then(lesson_by_id);
        let lesson = named
            .or_else(|| {
                let hint = hint?;
                lessons::all().into_iter().find(|l| {
                    hint.starts_with(&format!("{}-", l.id))
                        || l.scenarios().iter().any(|s| similar_names(hint, &s.name))
                })
            })
            .unwrap_or_else(first_lesson);
        if let Some(l) = &link.lesson {
            if lesson_by_id(l).is_none() {
                let ids: Vec<&str> = lessons::all().iter().map(|l| l.id).collect();
                problems.push(format!(
                    "there is no lesson \"{l}\"; the lessons are {}",
                    ids.join(", ")
                ));
            }
        }
        lesson.scenarios().remove(0)
    };
    let mut scenario_applies = true;
    let mut scenario = match &link.scenario {
        Some(LinkScenario::Named(name)) => match protocols::example(name) {
            Some(s) => s,
            None => {
                let s = fallback(Some(name), problems);
                problems.push(format!(
                    "there is no scenario \"{name}\", so \"{}\" opened instead",
                    s.name
                ));
                scenario_applies = false;
                s
            }
        },
        Some(LinkScenario::Custom(s)) => match Run::new(s) {
            Ok(_) => (**s).clone(),
            Err(e) => {
                let f = fallback(None, problems);
                problems.push(format!(
                    "the scenario in the link does not run ({e}), so \"{}\" opened instead",
                    f.name
                ));
                scenario_applies = false;
                f
            }
        },
        None => fallback(None, problems),
    };
    if !scenario_applies {
        let mut ignored = Vec::new();
        if link.variant.is_some() {
            ignored.push("variant");
        }
        if link.seed.is_some() {
            ignored.push("seed");
        }
        if link.network.is_some() {
            ignored.push("network");
        }
        if link.interventions.as_ref().is_some_and(|l| !l.is_empty()) {
            ignored.push("interventions");
        }
        if link.step.is_some() {
            ignored.push("step");
        }
        if link.selection.is_some() {
            ignored.push("selection");
        }
        if !ignored.is_empty() {
            problems.push(format!(
                "the {} given for it {} ignored",
                ignored.join(", "),
                if ignored.len() == 1 { "was" } else { "were" }
            ));
        }
        return View {
            scenario,
            cursor: 0,
            clocks: link.clocks.unwrap_or(ClockMode::Lamport),
            selection: Selection::Nothing,
        };
    }

    if let Some(v) = &link.variant {
        let mut s = scenario.clone();
        s.variant = v.clone();
        match Run::new(&s) {
            Ok(_) => scenario = s,
            Err(e) => problems.push(format!("variant \"{v}\" was ignored: {e}")),
        }
    }
    if let Some(seed) = link.seed {
        scenario.seed = seed;
    }
    if let Some(n) = &link.network {
        let mut s = scenario.clone();
        if let Some((min, max)) = n.latency {
            s.network.latency = spacetime_core::Latency { min, max };
        }
        if let Some(p) = n.loss {
            s.network.loss = p;
        }
        if let Some(p) = n.duplicate {
            s.network.duplicate = p;
        }
        if let Some(f) = n.fifo {
            s.network.fifo = f;
        }
        match s.validate() {
            Ok(()) => scenario = s,
            Err(e) => problems.push(format!("the network settings were ignored: {e}")),
        }
    }
    if let Some(list) = &link.interventions {
        scenario.interventions = applicable(&scenario, list, problems);
    }

    let trace = Run::complete(&scenario)
        .map(|r| r.trace().clone())
        .unwrap_or_default();
    let end = trace.step_count();
    let mut cursor = link.step.unwrap_or(0);
    if cursor > end {
        problems.push(format!(
            "step {cursor} is past the end of the run ({end} steps), so the end is shown"
        ));
        cursor = end;
    }
    let selection = match link.selection {
        None => Selection::Nothing,
        Some(sel) => {
            let (events, messages, processes) = (
                trace.events.len(),
                trace.messages.len(),
                trace.processes.len(),
            );
            let missing = match sel {
                Selection::Event(e) if e >= events => Some(format!("there is no event {e}")),
                Selection::Pair(a, b) if a.max(b) >= events => {
                    Some(format!("there is no event {}", a.max(b)))
                }
                Selection::Message(m) if m >= messages => Some(format!("there is no message {m}")),
                Selection::Process(p) if p >= processes => Some(format!("there is no process {p}")),
                Selection::Link(a, b) if a.max(b) >= processes => {
                    Some(format!("there is no process {}", a.max(b)))
                }
                _ => None,
            };
            match missing {
                Some(why) => {
                    problems.push(format!(
                        "the selection \"{}\" was ignored: {why}",
                        selection_text(sel).unwrap_or_default()
                    ));
                    Selection::Nothing
                }
                None => sel,
            }
        }
    };
    View {
        scenario,
        cursor,
        clocks: link.clocks.unwrap_or(ClockMode::Lamport),
        selection,
    }
}

/// The interventions of `list` that apply to a run of `scenario`, in order: each is kept only
/// if it names processes that exist and changes the run where it stands (its message still in
/// flight, its process not already down...). Each one left out is a problem.
pub fn applicable(
    scenario: &Scenario,
    list: &[Intervention],
    problems: &mut Vec<String>,
) -> Vec<Intervention> {
    let text = |i: &Intervention| intervention_text(i, &scenario.processes);
    let mut ok = Vec::with_capacity(list.len());
    let mut named = Vec::with_capacity(list.len());
    for i in list {
        let one = normalised(std::slice::from_ref(i), &scenario.processes).remove(0);
        let mut s = scenario.clone();
        s.interventions = vec![one.clone()];
        match s.validate() {
            Ok(()) => named.push(one),
            Err(e) => problems.push(format!(
                "intervention \"{}\" was ignored: {}",
                text(i),
                plain_error(&e)
            )),
        }
    }
    let runs_clean = |ivs: &[Intervention]| -> Result<(), String> {
        let mut s = scenario.clone();
        s.interventions = ivs.to_vec();
        let run = Run::complete(&s).map_err(|e| plain_error(&e))?;
        match run
            .trace()
            .warnings
            .iter()
            .find(|w| w.starts_with("intervention"))
        {
            Some(w) => Err(w
                .split_once("ignored: ")
                .map(|(_, why)| why.to_string())
                .unwrap_or_else(|| w.clone())),
            None => Ok(()),
        }
    };
    if runs_clean(&named).is_ok() {
        return named;
    }
    // Some do not apply: add them one at a time, keeping those that do. Later ones name the
    // messages of the run the earlier ones made, so each is tried after those kept before it.
    for i in named {
        let mut with = ok.clone();
        with.push(i.clone());
        match runs_clean(&with) {
            Ok(()) => ok = with,
            Err(why) => problems.push(format!(
                "intervention \"{}\" no longer applies and was ignored: {why}",
                text(&i)
            )),
        }
    }
    ok
}

/// A scenario error without the field path of a single-item list ("interventions[0].process:").
fn plain_error(e: &spacetime_core::ScenarioError) -> String {
    match e {
        spacetime_core::ScenarioError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The banner text for what a link said that was ignored.
pub fn problems_message(problems: &[String]) -> Option<String> {
    (!problems.is_empty())
        .then(|| format!("Parts of this link were ignored: {}.", problems.join("; ")))
}

// ------------------------------------------------------------------------------------------
// The page: read the link at start, keep the address bar up to date, copy the link
// ------------------------------------------------------------------------------------------

/// The query string for a view; the scenario part (`scenario_query`, from [`scenario_link`])
/// is made apart because it changes far less often than the cursor.
pub fn view_query(
    scenario_query: &str,
    cursor: u64,
    clocks: ClockMode,
    selection: Selection,
    flags: (bool, bool),
) -> String {
    let rest = encode(&Link {
        step: (cursor > 0).then_some(cursor),
        clocks: (clocks != ClockMode::Lamport).then_some(clocks),
        selection: Some(selection).filter(|s| *s != Selection::Nothing),
        embed: flags.0,
        present: flags.1,
        ..Link::default()
    });
    match (scenario_query.is_empty(), rest.is_empty()) {
        (_, true) => scenario_query.to_string(),
        (true, false) => rest,
        (false, false) => format!("{scenario_query}&{rest}"),
    }
}

/// The query string of a tour's link (a tour dropped as a file has none: then `None`).
fn tour_query(store: Store, flags: (bool, bool)) -> Option<String> {
    let source = store
        .tour
        .with_untracked(|t| t.as_ref().and_then(|t| t.source.clone()))?;
    Some(encode(&Link {
        tour: Some(source),
        embed: flags.0,
        present: flags.1,
        ..Link::default()
    }))
}

/// The query string for what the store shows now (read without subscribing).
pub fn query_now(store: Store, embed: bool) -> String {
    let flags = (embed, store.presenting.get_untracked());
    if let Some(q) = tour_query(store, flags) {
        return q;
    }
    let scenario = store.scenario.with_untracked(|s| encode(&scenario_link(s)));
    view_query(
        &scenario,
        store.cursor.get_untracked(),
        store.clocks.get_untracked(),
        store.selection.get_untracked(),
        flags,
    )
}

/// Apply what a link resolved to, to a fresh store: the step, the labels, the selection, the
/// view flags, and the banner listing what was ignored.
pub fn show(store: Store, view: &View, link: &Link, problems: &[String]) {
    store.seek(view.cursor);
    store.clocks.set(view.clocks);
    store.selection.set(view.selection);
    store.embed.set(link.embed);
    if link.present {
        store.set_presenting(true);
    }
    if let Some(message) = problems_message(problems) {
        store.error.set(Some(message));
    }
}

/// Keep the address bar describing the view, so that a bookmark or a copied address reopens
/// it. A playing run moves the cursor many times a second: the address is written at most
/// every quarter second (browsers throttle faster rewrites).
pub fn keep_address(store: Store) {
    let scenario_query = Memo::new(move |_| store.scenario.with(|s| encode(&scenario_link(s))));
    let query = Memo::new(move |_| {
        let flags = (store.embed.get(), store.presenting.get());
        store.tour.track();
        if let Some(q) = tour_query(store, flags) {
            return q;
        }
        view_query(
            &scenario_query.get(),
            store.cursor.get(),
            store.clocks.get(),
            store.selection.get(),
            flags,
        )
    });
    provide_context(Address(query));
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        query.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        gloo_timers::callback::Timeout::new(250, move || {
            pending.set_value(false);
            write_address(&query.get_untracked());
        })
        .forget();
    });
}

/// The query string describing the view, as [`keep_address`] keeps it (in context).
#[derive(Clone, Copy)]
pub struct Address(pub Memo<String>);

/// This page's address up to its query string.
fn page_base() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let end = href.find(['?', '#']).unwrap_or(href.len());
    Some(href[..end].to_string())
}

/// Replace the address bar's query (no new history entry).
fn write_address(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let current = location.search().unwrap_or_default();
    let wanted = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    if current == wanted {
        return;
    }
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        // A page opened from a file may refuse: the link is still there to copy.
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{wanted}{hash}")),
        );
    }
}

/// The full address of the view on screen.
pub fn share_url(store: Store) -> String {
    let query = query_now(store, store.embed.get_untracked());
    with_query(&page_base().unwrap_or_default(), &query)
}

/// The full page (not the embedded view) showing this run, for the embed's "open" link.
pub fn full_page_url(store: Store) -> String {
    // Follow the run, so that the link opens what the embedded view shows now.
    let query = match use_context::<Address>() {
        Some(Address(query)) => query
            .get()
            .split('&')
            .filter(|p| *p != "embed")
            .collect::<Vec<_>>()
            .join("&"),
        None => query_now(store, false),
    };
    with_query(&page_base().unwrap_or_default(), &query)
}

fn with_query(base: &str, query: &str) -> String {
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

/// Put `text` on the clipboard; false if the browser does not let the page (no permission, an
/// insecure page, an old browser).
async fn copy_to_clipboard(text: &str) -> bool {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let get = |o: &JsValue, k: &str| {
        Reflect::get(o, &JsValue::from_str(k))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let Some(clipboard) = get(&window, "navigator").and_then(|n| get(&n, "clipboard")) else {
        return false;
    };
    let Some(write) = get(&clipboard, "writeText").and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return false;
    };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(Promise::from(p))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// "Copy link": copies the address of exactly this view, and shows it in a field, selected,
/// for browsers that keep the clipboard from the page.
#[component]
pub fn CopyLink() -> impl IntoView {
    let store = Store::get();
    // The link shown, and whether it reached the clipboard (None: still trying).
    let shown = RwSignal::new(None::<(String, Option<bool>)>);
    let field = NodeRef::<leptos::html::Input>::new();
    let select = move || {
        if let Some(input) = field.get_untracked() {
            let _ = input.focus();
            input.select();
        }
    };
    let copy = move |_| {
        if let Some(size) = store
            .scenario
            .with_untracked(|s| too_big_for_a_link(&scenario_link(s)))
        {
            store.error.set(Some(format!(
                "This run's scenario is {} KB, too big for a link (the most is {} KB). Share it as \
                 a file instead: Export, then Scenario (JSON); it opens when dropped on the page.",
                size / 1024,
                MAX_LINK_SCENARIO_BYTES / 1024
            )));
            return;
        }
        let url = share_url(store);
        shown.set(Some((url.clone(), None)));
        leptos::task::spawn_local(async move {
            let copied = copy_to_clipboard(&url).await;
            shown.update(|s| {
                if let Some(s) = s {
                    s.1 = Some(copied);
                }
            });
            select();
        });
    };
    view! {
        <div class="copy-link">
            <button data-testid="copy-link" title="Copy a link that opens exactly this view" aria-label="Copy link" on:click=copy>
                <svg class="icon share-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a3 3 0 1 1 4.2 4.2l-2 2-1.4-1.4 2-2a1 1 0 1 0-1.4-1.4L12 13.4a1 1 0 0 1-1.4 0z M13.4 10.6a1 1 0 0 1 0 1.4l-3.5 3.5a3 3 0 1 1-4.2-4.2l2-2 1.4 1.4-2 2a1 1 0 1 0 1.4 1.4L12 10.6a1 1 0 0 1 1.4 0z" fill="currentColor"></path>
                </svg>
                <span class="share-label">"Copy link"</span>
            </button>
            <Show when=move || shown.with(Option::is_some)>
                <div class="link-popover" data-testid="link-popover" role="group" aria-label="Link to this view"
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            ev.stop_propagation();
                            shown.set(None);
                        }
                    }>
                    <input type="text" readonly data-testid="link-field" node_ref=field aria-label="Link to this view"
                        prop:value=move || shown.with(|s| s.as_ref().map(|s| s.0.clone()).unwrap_or_default())
                        on:focus=move |_| select() />
                    <span class="link-status" data-testid="link-status" aria-live="polite">
                        {move || match shown.with(|s| s.as_ref().and_then(|s| s.1)) {
                            Some(true) => "Copied to the clipboard.",
                            Some(false) => "Copy it with Ctrl+C (⌘C).",
                            None => "",
                        }}
                    </span>
                    <button class="link-close" data-testid="link-close" aria-label="Close" on:click=move |_| shown.set(None)>"×"</button>
                </div>
            </Show>
        </div>
    }
}

/// The page's query string, without `?` (empty off the web).
pub fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
        .trim_start_matches('?')
        .to_string()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_scenario_too_big_for_a_link_is_left_out_of_it() {
        let mut big = protocols::example("clocks-busy-four").unwrap();
        big.name = "imported-log".into();
        big.description = "x".repeat(MAX_LINK_SCENARIO_BYTES + 1);
        let link = scenario_link(&big);
        assert!(too_big_for_a_link(&link).is_some_and(|n| n > MAX_LINK_SCENARIO_BYTES));
        assert_eq!(encode(&link), "");
        big.description = "small".into();
        let link = scenario_link(&big);
        assert_eq!(too_big_for_a_link(&link), None);
        assert!(encode(&link).starts_with("sc="));
    }

    use super::*;

    fn roundtrip(link: &Link) -> Link {
        let (back, problems) = parse(&encode(link));
        assert!(problems.is_empty(), "{problems:?} in {}", encode(link));
        back
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n)
                .map(|i| i.wrapping_mul(37).wrapping_add(200))
                .collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['=', '+', '/']));
            assert_eq!(base64url_decode(&text).unwrap(), bytes);
        }
        assert_eq!(base64url_encode(b"Man"), "TWFu");
        assert_eq!(base64url_decode("TWE=").unwrap(), b"Ma");
        assert!(base64url_decode("a*b").is_none());
    }

    #[test]
    fn percent_coding_round_trips() {
        let text = "a b&c=d/é:1,2%";
        assert_eq!(percent_decode(&percent_encode(text)), text);
        assert_eq!(percent_decode("12%3Adrop%3A5"), "12:drop:5");
        assert_eq!(percent_decode("bad%zzescape%"), "bad%zzescape%");
    }

    #[test]
    fn the_hand_written_intervention_form_reads() {
        let (link, problems) =
            parse("s=broadcast-best-effort-sender-crash&iv=12:drop:5,14:crash:A1,20:recover:A1,9:delay:4:50,5:cut:P1-P2,6:heal:0-1,7:dup:3");
        assert!(problems.is_empty(), "{problems:?}");
        let list = link.interventions.unwrap();
        assert_eq!(list.len(), 7);
        assert_eq!(
            list[0],
            Intervention {
                step: 12,
                action: Action::Drop { message: 5 }
            }
        );
        assert_eq!(
            list[1].action,
            Action::Crash {
                process: ProcessRef::Name("A1".into())
            }
        );
        assert_eq!(list[3].action, Action::Delay { message: 4, by: 50 });
        assert_eq!(
            list[4].action,
            Action::Cut {
                between: [ProcessRef::Name("P1".into()), ProcessRef::Name("P2".into())]
            }
        );
        assert_eq!(
            list[5].action,
            Action::Heal {
                between: [ProcessRef::Index(0), ProcessRef::Index(1)]
            }
        );
        assert_eq!(list[6].action, Action::Duplicate { message: 3 });
    }

    #[test]
    fn every_field_of_a_link_round_trips_through_the_query_string() {
        let link = Link {
            scenario: Some(LinkScenario::Named("tcp-lost-ack".into())),
            lesson: Some("delivery".into()),
            variant: Some("go-back-n".into()),
            seed: Some(42),
            network: Some(NetworkPatch {
                latency: Some((5, 40)),
                loss: Some(0.125),
                duplicate: Some(0.0),
                fifo: Some(true),
            }),
            interventions: Some(vec![
                Intervention {
                    step: 3,
                    action: Action::Drop { message: 1 },
                },
                Intervention {
                    step: 9,
                    action: Action::Cut {
                        between: [ProcessRef::Index(0), ProcessRef::Index(1)],
                    },
                },
            ]),
            step: Some(17),
            clocks: Some(ClockMode::Vector),
            selection: Some(Selection::Pair(2, 5)),
            embed: true,
            present: true,
            tour: Some("tours/my tour.json".into()),
        };
        let back = roundtrip(&link);
        // Processes named by number come back named (the example's names read better).
        let mut expected = link.clone();
        let names = protocols::example("tcp-lost-ack").unwrap().processes;
        expected.interventions = Some(vec![
            link.interventions.as_ref().unwrap()[0].clone(),
            Intervention {
                step: 9,
                action: Action::Cut {
                    between: [
                        ProcessRef::Name(names[0].clone()),
                        ProcessRef::Name(names[1].clone()),
                    ],
                },
            },
        ]);
        assert_eq!(back, expected);
        for sel in [
            Selection::Event(4),
            Selection::Message(0),
            Selection::Process(2),
            Selection::Link(0, 3),
            Selection::Pair(1, 9),
        ] {
            assert_eq!(selection_of(&selection_text(sel).unwrap()), Ok(sel));
        }
    }

    /// Every built-in example, with interventions a learner could make (a drop, a crash, a
    /// recovery), a changed seed, a step and a selection: its link opens the same view, with
    /// the same trace.
    #[test]
    fn every_example_with_interventions_round_trips() {
        for example in protocols::examples() {
            let mut s = example.clone();
            // A first run to find a message in flight and a process to crash.
            let trace = Run::complete(&s).unwrap().trace().clone();
            if let Some(m) = trace
                .messages
                .iter()
                .find(|m| m.settled_step.is_some_and(|x| x > m.created_step + 1))
            {
                s.interventions.push(Intervention {
                    step: m.created_step + 1,
                    action: Action::Drop { message: m.id },
                });
            }
            let at = trace.step_count() / 2;
            s.interventions.push(Intervention {
                step: at.max(s.interventions.last().map_or(0, |i| i.step)),
                action: Action::Crash {
                    process: ProcessRef::Index(s.processes.len() - 1),
                },
            });
            s.interventions.sort_by_key(|i| i.step);
            let run = Run::complete(&s).unwrap();
            let kept: Vec<_> = s.interventions.clone();
            let trace = run.trace().clone();
            let clean = !trace.warnings.iter().any(|w| w.starts_with("intervention"));
            if !clean {
                continue;
            }
            let cursor = trace.step_count() * 2 / 3;
            let selection = if trace.messages.is_empty() {
                Selection::Process(0)
            } else {
                Selection::Message(0)
            };
            let link = link_of(&s, cursor, ClockMode::Vector, selection);
            let query = encode(&link);
            assert!(query.starts_with(&format!("s={}", s.name)), "{query}");
            let (back, problems) = parse(&query);
            assert!(problems.is_empty(), "{}: {problems:?}", s.name);
            let mut problems = Vec::new();
            let view = resolve(&back, &mut problems);
            assert!(problems.is_empty(), "{}: {problems:?} from {query}", s.name);
            assert_eq!(view.cursor, cursor);
            assert_eq!(view.clocks, ClockMode::Vector);
            assert_eq!(view.selection, selection);
            assert_eq!(
                normalised(&view.scenario.interventions, &s.processes),
                normalised(&kept, &s.processes),
                "{}",
                s.name
            );
            assert_eq!(view.scenario.name, s.name);
            let again = Run::complete(&view.scenario).unwrap();
            assert_eq!(
                *again.trace(),
                trace,
                "{}: another trace from {query}",
                s.name
            );
        }
    }

    #[test]
    fn a_changed_seed_variant_and_network_are_written_and_read_back() {
        let mut s = protocols::example("tcp-lost-segment").unwrap();
        s.seed += 5;
        s.network.loss = 0.25;
        s.network.fifo = !s.network.fifo;
        let variants = protocols::find(&s.protocol).unwrap().variants;
        let own = if s.variant.is_empty() {
            variants[0].name
        } else {
            s.variant.as_str()
        };
        s.variant = variants
            .iter()
            .find(|v| v.name != own)
            .unwrap()
            .name
            .to_string();
        let query = encode(&link_of(&s, 0, ClockMode::Lamport, Selection::Nothing));
        assert!(
            query.contains("seed=") && query.contains("net=") && query.contains("variant="),
            "{query}"
        );
        let (link, problems) = parse(&query);
        assert!(problems.is_empty());
        let mut problems = Vec::new();
        let view = resolve(&link, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(view.scenario, s);
    }

    #[test]
    fn an_untouched_example_has_a_short_link() {
        let s = protocols::example("clocks-three-events").unwrap();
        assert_eq!(
            encode(&link_of(&s, 0, ClockMode::Lamport, Selection::Nothing)),
            "s=clocks-three-events"
        );
        assert_eq!(
            encode(&link_of(&s, 4, ClockMode::Names, Selection::Event(1))),
            "s=clocks-three-events&step=4&labels=names&sel=e1"
        );
    }

    #[test]
    fn a_scenario_of_ones_own_travels_whole() {
        let mut s = protocols::example("clocks-crossing-messages").unwrap();
        s.name = "my-own".into();
        s.processes.push("Zed".into());
        s.interventions = vec![Intervention {
            step: 2,
            action: Action::Crash {
                process: ProcessRef::Name("Zed".into()),
            },
        }];
        let query = encode(&link_of(&s, 3, ClockMode::Lamport, Selection::Nothing));
        assert!(query.starts_with("sc="), "{query}");
        assert!(query.contains("iv=2:crash:Zed"), "{query}");
        let (link, problems) = parse(&query);
        assert!(problems.is_empty(), "{problems:?}");
        let mut problems = Vec::new();
        let view = resolve(&link, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(view.scenario.processes, s.processes);
        assert_eq!(
            normalised(&view.scenario.interventions, &s.processes),
            normalised(&s.interventions, &s.processes)
        );
        assert_eq!(view.cursor, 3);
    }

    /// Resolve a query; the view and the problems.
    fn open(query: &str) -> (View, Vec<String>) {
        let (link, mut problems) = parse(query);
        let view = resolve(&link, &mut problems);
        (view, problems)
    }

    fn first_scenario_name() -> String {
        lessons::all()[0].scenarios()[0].name.clone()
    }

    #[test]
    fn an_empty_link_opens_the_first_lesson() {
        let (view, problems) = open("");
        assert!(problems.is_empty());
        assert_eq!(view.scenario.name, first_scenario_name());
        assert_eq!(view.cursor, 0);
    }

    #[test]
    fn an_unknown_scenario_opens_its_lessons_default_and_says_so() {
        let (view, problems) = open("s=delivery-nothing-like-it&seed=3&step=9&iv=2:drop:0");
        let delivery = lessons::all()
            .into_iter()
            .find(|l| l.id == "delivery")
            .unwrap();
        assert_eq!(view.scenario, delivery.scenarios()[0]);
        assert_eq!(view.cursor, 0);
        assert!(
            problems[0].contains("there is no scenario \"delivery-nothing-like-it\""),
            "{problems:?}"
        );
        assert_eq!(
            problems[1],
            "the seed, interventions, step given for it were ignored"
        );
        let (view, problems) = open("s=zzz");
        assert_eq!(view.scenario.name, first_scenario_name());
        assert_eq!(problems.len(), 1);
        let (view, problems) = open("s=zzz&lesson=broadcast");
        assert!(view.scenario.name.starts_with("broadcast-"));
        assert_eq!(problems.len(), 1);
        let (view, problems) = open("lesson=nope");
        assert_eq!(view.scenario.name, first_scenario_name());
        assert!(problems[0].contains("there is no lesson \"nope\""));
    }

    #[test]
    fn a_bad_seed_step_or_label_is_ignored_with_a_message() {
        let (view, problems) = open("s=clocks-three-events&seed=x7&step=-1&labels=sparkly");
        assert_eq!(
            view.scenario,
            protocols::example("clocks-three-events").unwrap()
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("seed \"x7\" is not a whole number"));
        assert!(problems[1].contains("step \"-1\""));
        assert!(problems[2].contains("labels \"sparkly\""));
    }

    #[test]
    fn a_step_past_the_end_shows_the_end() {
        let (view, problems) = open("s=clocks-three-events&step=100000");
        let end = Run::complete(&view.scenario).unwrap().trace().step_count();
        assert_eq!(view.cursor, end);
        assert!(problems[0].contains("past the end"), "{problems:?}");
    }

    #[test]
    fn interventions_that_no_longer_apply_are_dropped_one_by_one() {
        let s = protocols::example("clocks-three-events").unwrap();
        let trace = Run::complete(&s).unwrap().trace().clone();
        let m = &trace.messages[0];
        let at = m.created_step + 1;
        let end = trace.step_count();
        let (p, q) = (&s.processes[0], &s.processes[1]);
        let query = format!(
            "s=clocks-three-events&iv={at}:drop:0,{at}:drop:0,{end}:crash:{q},{end}:crash:{q},3:crash:Nobody,4:zap:1,5:cut:{p}-{p}"
        );
        let (view, problems) = open(&query);
        let joined = problems.join("\n");
        assert_eq!(view.scenario.interventions.len(), 2, "{joined}");
        assert!(
            joined.contains("intervention \"4:zap:1\" was ignored: \"zap\" is not a kind"),
            "{joined}"
        );
        assert!(
            joined.contains(
                "intervention \"3:crash:Nobody\" was ignored: there is no process named \"Nobody\""
            ),
            "{joined}"
        );
        assert!(
            joined.contains(&format!(
                "intervention \"5:cut:{p}-{p}\" was ignored: a link joins two different processes"
            )),
            "{joined}"
        );
        assert!(joined.contains(&format!("intervention \"{at}:drop:0\" no longer applies and was ignored: message 0 (m1) is not in flight")), "{joined}");
        assert!(joined.contains(&format!("intervention \"{end}:crash:{q}\" no longer applies and was ignored: {q} is already down")), "{joined}");
        assert_eq!(problems.len(), 5, "{joined}");
    }

    #[test]
    fn garbage_never_panics_and_always_opens_something() {
        for query in [
            "%%%&&&==",
            "s=&sc=&iv=&step=&sel=&net=",
            "sc=not*base64",
            "sc=e30",
            "iv=::::,1:drop,2:delay:1,3:cut:a,x:crash:P1",
            "sel=e1,e1&sel=l2&sel=q9",
            "net=lat:30-10,loss:2,dup:-1,fifo:maybe,warp:9",
            "s=clocks-three-events&sel=m999&variant=nonsense",
            "\u{0}\u{1}=\u{2}",
            "s=clocks-three-events&iv=99999999999999999999:drop:1",
        ] {
            let (view, problems) = open(query);
            assert!(Run::complete(&view.scenario).is_ok(), "{query}");
            assert!(!problems.is_empty(), "{query} gave no message");
        }
        let (_, problems) = open("sc=e30");
        assert!(
            problems[0].contains("the scenario in the link (sc=) does not read"),
            "{problems:?}"
        );
        let (_, problems) = open("net=lat:30-10,loss:2,warp:9");
        assert_eq!(problems.len(), 3, "{problems:?}");
        let (view, problems) = open("s=clocks-three-events&sel=m999&variant=nonsense");
        assert_eq!(view.selection, Selection::Nothing);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("variant \"nonsense\" was ignored")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("there is no message 999")),
            "{problems:?}"
        );
        let (_, problems) = open("flavour=mint");
        assert_eq!(
            problems,
            vec!["the parameter \"flavour\" means nothing here".to_string()]
        );
    }

    #[test]
    fn the_banner_lists_every_problem() {
        assert_eq!(problems_message(&[]), None);
        assert_eq!(
            problems_message(&["a".into(), "b".into()]).unwrap(),
            "Parts of this link were ignored: a; b."
        );
    }
}
