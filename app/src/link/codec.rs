//! The grammar of a link and its codecs: what a query string says, read ([`parse`]) and written
//! ([`encode`]). Plain Rust: no Leptos, no browser.

use spacetime_core::{protocols, Action, Intervention, NetworkModel, ProcessRef, Scenario, Timing};

use crate::store::{ClockMode, Selection};

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
    pub timing: Option<Timing>,
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
        Action::Fire { process, timer } => format!("fire:{}:{}", p(process), item_text(timer)),
        Action::Request { process, request } => {
            format!("req:{}:{}", p(process), item_text(request))
        }
        Action::Omit {
            process,
            send,
            receive,
        } => format!("omit:{}:{send}:{receive}", p(process)),
    };
    format!("{}:{what}", i.step)
}

/// Free text inside one `iv=` item (a timer's name, a request): the characters that separate
/// items, or would be read as an escape or a space, escaped. [`percent_decode`] reads it back.
fn item_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            ',' => out.push_str("%2C"),
            '+' => out.push_str("%2B"),
            c => out.push(c),
        }
    }
    out
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
        "omit" => {
            want(3, "omit:PROCESS:SEND:RECEIVE")?;
            let rate = |s: &str| {
                s.parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| format!("\"{s}\" is not a rate from 0 to 1"))
            };
            Action::Omit {
                process: process(args[0])?,
                send: rate(args[1])?,
                receive: rate(args[2])?,
            }
        }
        // The text is the rest of the item: it may hold colons.
        "fire" | "req" if args.len() < 2 || args[0].is_empty() || args[1..].join(":").is_empty() => {
            return Err(if kind == "fire" {
                "fire is written STEP:fire:PROCESS:TIMER".into()
            } else {
                "req is written STEP:req:PROCESS:REQUEST".into()
            })
        }
        "fire" => Action::Fire {
            process: process(args[0])?,
            timer: percent_decode(&args[1..].join(":")),
        },
        "req" => Action::Request {
            process: process(args[0])?,
            request: percent_decode(&args[1..].join(":")),
        },
        other => {
            return Err(format!(
                "\"{other}\" is not a kind of intervention; the kinds are drop, dup, delay, crash, recover, cut, heal, fire, req, omit"
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

/// A timing model as `net=` writes it: `plain`, `sync-ROUND`, `async-STALL-LONGEST` or
/// `partial-GST-STALL-LONGEST`.
pub fn timing_text(t: &Timing) -> String {
    match *t {
        Timing::Plain => "plain".into(),
        Timing::Synchronous { round } => format!("sync-{round}"),
        Timing::Asynchronous { stall, longest } => format!("async-{stall}-{longest}"),
        Timing::PartiallySynchronous {
            gst,
            stall,
            longest,
        } => format!("partial-{gst}-{stall}-{longest}"),
    }
}

/// The timing model [`timing_text`] wrote, if `text` is one.
pub fn timing_of(text: &str) -> Option<Timing> {
    let parts: Vec<&str> = text.split('-').collect();
    let probability = |v: &str| v.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p));
    Some(match parts[..] {
        ["plain"] => Timing::Plain,
        ["sync", round] => Timing::Synchronous {
            round: round.parse().ok()?,
        },
        ["async", stall, longest] => Timing::Asynchronous {
            stall: probability(stall)?,
            longest: longest.parse().ok()?,
        },
        ["partial", gst, stall, longest] => Timing::PartiallySynchronous {
            gst: gst.parse().ok()?,
            stall: probability(stall)?,
            longest: longest.parse().ok()?,
        },
        _ => return None,
    })
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
            "timing" => timing_of(value).map(|t| patch.timing = Some(t)).is_some(),
            _ => {
                problems.push(format!(
                    "network setting \"{item}\" is not one of lat:MIN-MAX, loss:P, dup:P, fifo:0|1, timing:MODEL"
                ));
                continue;
            }
        };
        if !ok {
            let form = match key {
                "lat" => "lat:MIN-MAX with MIN no larger than MAX",
                "fifo" => "fifo:0 or fifo:1",
                "timing" => {
                    "timing:plain, timing:sync-ROUND, timing:async-P-LONGEST or \
                     timing:partial-GST-P-LONGEST"
                }
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
        if let Some(t) = &n.timing {
            items.push(format!("timing:{}", timing_text(t)));
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
pub(crate) fn normalised(list: &[Intervention], processes: &[String]) -> Vec<Intervention> {
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
                Action::Fire { process, timer } => Action::Fire {
                    process: fix(process),
                    timer: timer.clone(),
                },
                Action::Request { process, request } => Action::Request {
                    process: fix(process),
                    request: request.clone(),
                },
                Action::Omit {
                    process,
                    send,
                    receive,
                } => Action::Omit {
                    process: fix(process),
                    send: *send,
                    receive: *receive,
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
        s.network.timing = base.network.timing;
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
                    timing: (n.timing != base.network.timing).then_some(n.timing),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn omissions_go_both_ways() {
        let names: Vec<String> = vec!["P1".into(), "P2".into(), "P3".into()];
        for (send, receive) in [(0.5, 0.5), (0.0, 0.0), (0.125, 1.0), (0.3, 0.0)] {
            let iv = Intervention {
                step: 7,
                action: Action::Omit {
                    process: ProcessRef::Index(1),
                    send,
                    receive,
                },
            };
            let text = intervention_text(&iv, &names);
            assert_eq!(text, format!("7:omit:P2:{send}:{receive}"));
            let back = intervention_of(&text).unwrap();
            assert_eq!(normalised(&[back], &names), vec![iv]);
        }
        assert_eq!(
            intervention_of("3:omit:P2:0.5:0.25").unwrap().action,
            Action::Omit {
                process: ProcessRef::Name("P2".into()),
                send: 0.5,
                receive: 0.25
            }
        );
        assert!(intervention_of("3:omit:P2:1.5:0")
            .unwrap_err()
            .contains("rate"));
        assert!(intervention_of("3:omit:P2:0.5")
            .unwrap_err()
            .contains("omit:PROCESS:SEND:RECEIVE"));
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
    fn a_hurried_timer_and_a_request_round_trip_with_any_text() {
        let processes: Vec<String> = ["S1", "C1"].map(String::from).into();
        for action in [
            Action::Fire {
                process: ProcessRef::Index(0),
                timer: "election timeout".into(),
            },
            Action::Request {
                process: ProcessRef::Index(1),
                request: "a,b:c=1+2 %20".into(),
            },
        ] {
            let i = Intervention { step: 7, action };
            let text = intervention_text(&i, &processes);
            let encoded = percent_encode(&text);
            // One intervention stays one item of the comma-separated list.
            assert!(!percent_decode(&encoded).contains(','), "{text}");
            let back = intervention_of(&percent_decode(&encoded)).unwrap();
            assert_eq!(normalised(&[back], &processes), [i]);
        }
        let (link, problems) = parse("s=raft-calm&iv=3:fire:S2:election%20timeout,4:req:C1:x%3D1");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            link.interventions.unwrap()[1].action,
            Action::Request {
                process: ProcessRef::Name("C1".into()),
                request: "x=1".into()
            }
        );
        let (_, problems) = parse("s=raft-calm&iv=3:fire:S2");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("STEP:fire:PROCESS:TIMER"),
            "{problems:?}"
        );
    }

    #[test]
    fn timing_models_round_trip_and_bad_ones_say_the_forms() {
        for t in [
            Timing::Plain,
            Timing::Synchronous { round: 30 },
            Timing::Asynchronous {
                stall: 0.5,
                longest: 90,
            },
            Timing::PartiallySynchronous {
                gst: 200,
                stall: 0.125,
                longest: 60,
            },
        ] {
            assert_eq!(timing_of(&timing_text(&t)), Some(t));
        }
        let mut problems = Vec::new();
        let patch = network_of("timing:sync-x,timing:async-2-10", &mut problems);
        assert_eq!(patch.timing, None);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("timing:sync-ROUND"), "{problems:?}");
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
                timing: Some(Timing::PartiallySynchronous {
                    gst: 300,
                    stall: 0.25,
                    longest: 120,
                }),
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
}
