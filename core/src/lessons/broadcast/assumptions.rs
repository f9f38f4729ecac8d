//! What a broadcast scenario does to the model's perfect links, read once when the properties are
//! declared: which links may lose a message (network loss, a lossy link, a cut), whether the
//! learner drops or delays messages, and who crashes or comes back. The protocol's `properties`
//! turns this into what each variant can still promise, and into the words that say why not.
//!
//! Duplication (the network's or the learner's) is missing on purpose: every variant recognises a
//! copy it has already seen and ignores it, so no promise hangs on it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::process::ProcessId;
use crate::scenario::{Action, ProcessRef, Scenario};

/// Why a link may lose a message.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Loses {
    /// The network's loss, which this link keeps.
    Network(f64),
    /// The link's own loss.
    Link(f64),
    /// The link is cut; `mended` if it is healed afterwards.
    Cut { mended: bool },
}

/// The scenario's settings that break the perfect-link model, and its crashes.
pub(super) struct Setting<'a> {
    names: &'a [String],
    /// The links (lower index first) that may lose a message, and why.
    bad: BTreeMap<(ProcessId, ProcessId), Vec<Loses>>,
    /// How many messages the learner drops.
    drops: usize,
    /// How many messages the learner delays.
    delays: usize,
    /// The processes some fault or intervention crashes.
    crashed: BTreeSet<ProcessId>,
    /// The processes some fault or intervention brings back.
    recovered: BTreeSet<ProcessId>,
    /// Whether the links are first-in first-out.
    fifo: bool,
}

impl<'a> Setting<'a> {
    pub(super) fn of(scenario: &'a Scenario) -> Self {
        let names = &scenario.processes[..];
        let n = names.len();
        let resolve = |p: &ProcessRef| p.resolve(names, "").ok();
        let link = |between: &[ProcessRef; 2]| {
            let (a, b) = (resolve(&between[0])?, resolve(&between[1])?);
            (a != b).then_some((a.min(b), a.max(b)))
        };
        let net = &scenario.network;
        let mut own: BTreeMap<(ProcessId, ProcessId), f64> = BTreeMap::new();
        for l in &net.links {
            if let (Some(key), Some(loss)) = (link(&l.between), l.loss) {
                own.insert(key, loss);
            }
        }
        let mut bad: BTreeMap<(ProcessId, ProcessId), Vec<Loses>> = BTreeMap::new();
        for a in 0..n {
            for b in a + 1..n {
                let loses = match own.get(&(a, b)) {
                    Some(&loss) => Loses::Link(loss),
                    None => Loses::Network(net.loss),
                };
                if matches!(loses, Loses::Link(l) | Loses::Network(l) if l > 0.0) {
                    bad.entry((a, b)).or_default().push(loses);
                }
            }
        }
        // Cuts: a link is mended if a heal follows its last cut among the faults (by time) or
        // the interventions (by step), or if the other list heals it at all (the two lists keep
        // different clocks). Either way, what was on the link while it was cut is lost.
        let mut faults: Vec<_> = scenario.faults.iter().collect();
        faults.sort_by_key(|f| f.at);
        let mut interventions: Vec<_> = scenario.interventions.iter().collect();
        interventions.sort_by_key(|i| i.step);
        let lists = [
            faults.iter().map(|f| &f.action).collect::<Vec<_>>(),
            interventions.iter().map(|i| &i.action).collect(),
        ];
        let mut open: [BTreeSet<(ProcessId, ProcessId)>; 2] = Default::default();
        let mut healed: [BTreeSet<(ProcessId, ProcessId)>; 2] = Default::default();
        let mut cut: BTreeSet<(ProcessId, ProcessId)> = BTreeSet::new();
        let (mut drops, mut delays) = (0, 0);
        let (mut crashed, mut recovered) = (BTreeSet::new(), BTreeSet::new());
        for (list, actions) in lists.iter().enumerate() {
            for action in actions {
                match action {
                    Action::Cut { between } => {
                        if let Some(key) = link(between) {
                            cut.insert(key);
                            open[list].insert(key);
                        }
                    }
                    Action::Heal { between } => {
                        if let Some(key) = link(between) {
                            open[list].remove(&key);
                            healed[list].insert(key);
                        }
                    }
                    Action::Drop { .. } => drops += 1,
                    Action::Delay { .. } => delays += 1,
                    // A copy again, a timer run out early or a request no process reads loses
                    // nothing (and the engine withdraws liveness after the last two anyway).
                    Action::Duplicate { .. } | Action::Fire { .. } | Action::Request { .. } => {}
                    // Omissions are weighed by the engine for every protocol, as lossy links.
                    Action::Omit { .. } => {}
                    Action::Crash { process } => crashed.extend(resolve(process)),
                    Action::Recover { process } => recovered.extend(resolve(process)),
                }
            }
        }
        for key in cut {
            let never = (open[0].contains(&key) && !healed[1].contains(&key))
                || (open[1].contains(&key) && !healed[0].contains(&key));
            bad.entry(key)
                .or_default()
                .push(Loses::Cut { mended: !never });
        }
        Setting {
            names,
            bad,
            drops,
            delays,
            crashed,
            recovered,
            fifo: net.fifo,
        }
    }

    /// Whether some fault or intervention crashes `p`.
    pub(super) fn crashes(&self, p: ProcessId) -> bool {
        self.crashed.contains(&p)
    }

    /// The processes some fault or intervention crashes, in words: `P2 crashes`, `P2 and P3
    /// crash`.
    pub(super) fn crash_text(&self) -> Option<String> {
        let names: Vec<&str> = self.crashed.iter().map(|&p| &self.names[p][..]).collect();
        match names.len() {
            0 => None,
            1 => Some(format!("{} crashes", names[0])),
            _ => Some(format!("{} crash", and_list(&names))),
        }
    }

    pub(super) fn fifo(&self) -> bool {
        self.fifo
    }

    pub(super) fn delays(&self) -> bool {
        self.delays > 0
    }

    /// What loses messages on the links `used` says the variant sends on (every dropped message
    /// counts, as it may be on any link), in words; empty if nothing does.
    pub(super) fn losses(&self, used: impl Fn(ProcessId, ProcessId) -> bool) -> Vec<String> {
        let mut said = Vec::new();
        let mut network = None;
        for (&(a, b), why) in self.bad.iter().filter(|(&(a, b), _)| used(a, b)) {
            for &loses in why {
                let link = format!("{}–{}", self.names[a], self.names[b]);
                match loses {
                    Loses::Network(loss) => network = Some(loss),
                    Loses::Link(loss) => said.push(format!(
                        "the link {link} loses {} of messages",
                        percent(loss)
                    )),
                    Loses::Cut { mended: false } => {
                        said.push(format!("the link {link} is cut and never mended"))
                    }
                    Loses::Cut { mended: true } => said.push(format!(
                        "the link {link} is cut for a while (whatever is on it then is lost)"
                    )),
                }
            }
        }
        if let Some(loss) = network {
            said.insert(
                0,
                format!("the network loses {} of messages", percent(loss)),
            );
        }
        match self.drops {
            0 => {}
            1 => said.push("you dropped a message".into()),
            d => said.push(format!("you dropped {d} messages")),
        }
        said
    }

    /// The processes brought back after a crash, in words, for a protocol whose safety hangs on
    /// a process that keeps going having missed nothing: `P2 crashes and comes back, missing
    /// what is sent to it meanwhile`.
    pub(super) fn recover_text(&self) -> Option<String> {
        let names: Vec<&str> = self.recovered.iter().map(|&p| &self.names[p][..]).collect();
        match names.len() {
            0 => None,
            1 => Some(format!(
                "{} crashes and comes back, missing what is sent to it meanwhile",
                names[0]
            )),
            _ => Some(format!(
                "{} crash and come back, missing what is sent to them meanwhile",
                and_list(&names)
            )),
        }
    }

    /// Whether eager relaying gets every message to every process that never crashes, whatever
    /// the lossy links, cut links and dropped messages do: for every two processes (both may
    /// turn out never to crash) there must be more than `drops` paths between them that share no
    /// link, over links that lose nothing and through processes that certainly never crash.
    ///
    /// Why that is enough: a process that never crashes relays a message to everyone the first
    /// time it receives it (the sender sends it to everyone), so the message walks along any such
    /// path; each dropped message blocks at most one path for one message.
    pub(super) fn relays_connect(&self) -> bool {
        let n = self.names.len();
        if self.bad.is_empty() && self.drops == 0 {
            return true;
        }
        let need = self.drops + 1;
        if n >= 2 && need > n - 1 {
            return false;
        }
        let good = |a: ProcessId, b: ProcessId| !self.bad.contains_key(&(a.min(b), a.max(b)));
        let through = |p: ProcessId| !self.crashed.contains(&p);
        (0..n).all(|u| (u + 1..n).all(|v| paths(n, u, v, need, &good, &through) >= need))
    }
}

/// How many link-disjoint paths from `u` to `v` there are (counting up to `need`), over links
/// `good` says carry messages and through inner processes `through` allows: a unit-capacity
/// maximum flow, one shortest augmenting path at a time.
fn paths(
    n: usize,
    u: ProcessId,
    v: ProcessId,
    need: usize,
    good: &impl Fn(ProcessId, ProcessId) -> bool,
    through: &impl Fn(ProcessId) -> bool,
) -> usize {
    let usable = |p: ProcessId| p == u || p == v || through(p);
    // flow[a][b] = 1 if one unit goes a -> b along the undirected link.
    let mut flow = vec![vec![0i8; n]; n];
    let mut found = 0;
    while found < need {
        let mut prev: Vec<Option<ProcessId>> = vec![None; n];
        prev[u] = Some(u);
        let mut queue = VecDeque::from([u]);
        while let Some(a) = queue.pop_front() {
            if a == v {
                break;
            }
            for b in 0..n {
                if b == a || prev[b].is_some() || !usable(b) || !good(a, b) {
                    continue;
                }
                // Residual capacity of an undirected unit link: 1 - flow(a -> b).
                if flow[a][b] < 1 {
                    prev[b] = Some(a);
                    queue.push_back(b);
                }
            }
        }
        if prev[v].is_none() {
            break;
        }
        let mut b = v;
        while b != u {
            let a = prev[b].expect("on the path");
            flow[a][b] += 1;
            flow[b][a] -= 1;
            b = a;
        }
        found += 1;
    }
    found
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// A probability as a share of messages: `10%`, `2.5%`, `0.01%`.
fn percent(p: f64) -> String {
    let pct = p * 100.0;
    let text = if pct >= 10.0 {
        format!("{pct:.1}")
    } else {
        format!("{pct:.2}")
    };
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "0" {
        "a tiny share".into()
    } else {
        format!("{text}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(percent(0.1), "10%");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.333), "33.3%");
        assert_eq!(percent(0.00001), "a tiny share");
    }

    #[test]
    fn disjoint_paths_are_counted() {
        let all = |_: ProcessId, _: ProcessId| true;
        let anyone = |_: ProcessId| true;
        // Four processes, all linked: three disjoint paths between any two.
        assert_eq!(paths(4, 0, 1, 5, &all, &anyone), 3);
        // Without the direct link 0–1, two remain.
        let no01 = |a: ProcessId, b: ProcessId| (a.min(b), a.max(b)) != (0, 1);
        assert_eq!(paths(4, 0, 1, 5, &no01, &anyone), 2);
        // And none if the others may crash.
        let nobody = |_: ProcessId| false;
        assert_eq!(paths(4, 0, 1, 5, &no01, &nobody), 0);
        assert_eq!(paths(4, 0, 1, 5, &all, &nobody), 1);
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list(&["P1"]), "P1");
        assert_eq!(and_list(&["P1", "P2"]), "P1 and P2");
        assert_eq!(and_list(&["P1", "P2", "P3"]), "P1, P2 and P3");
    }
}
