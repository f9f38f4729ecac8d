//! Any trace written out as a GoVector log.

use std::fmt::Write as _;

use crate::trace::{EventKind, Trace};

/// The process names as GoVector hosts: no whitespace (a host is one word), and distinct.
pub(super) fn host_names(processes: &[String]) -> Vec<String> {
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
pub(super) fn one_line(text: &str, or: &str) -> String {
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
pub(super) fn bare_label<'a>(label: &'a str, to: &str) -> &'a str {
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
