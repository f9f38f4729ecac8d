//! Faults, as protocols ask about them and as prepared scenarios plan them.
//!
//! A protocol promises liveness only on scenarios where it can keep the promise, and the
//! questions it asks of a scenario are the same whatever the protocol: does this process ever
//! crash, is every cut link healed again, can the network lose a message, how slow can a message
//! be. Each is answered once, here, so that two protocols never read the same scenario two
//! ways. The builders at the end make the planned faults prepared scenarios are written with.

use std::collections::BTreeSet;

use crate::process::{ProcessId, Time};
use crate::scenario::{Action, Fault, NetworkModel, ProcessRef, Scenario};

/// Whether the scenario crashes process `p`, as a planned fault or by the learner's hand.
pub(crate) fn crashes(scenario: &Scenario, p: ProcessId) -> bool {
    let hits = |action: &Action| match action {
        Action::Crash { process } => process.resolve(&scenario.processes, "") == Ok(p),
        _ => false,
    };
    scenario.faults.iter().any(|f| hits(&f.action))
        || scenario.interventions.iter().any(|i| hits(&i.action))
}

/// Whether every link the scenario cuts is healed later: the planned faults are read in time
/// order and the learner's interventions in step order, each on its own, since a time and a step
/// cannot be compared before the run.
pub(crate) fn cuts_healed(scenario: &Scenario) -> bool {
    let mut faults: Vec<&Fault> = scenario.faults.iter().collect();
    faults.sort_by_key(|f| f.at);
    let mut interventions: Vec<_> = scenario.interventions.iter().collect();
    interventions.sort_by_key(|i| i.step);
    all_healed(scenario, faults.iter().map(|f| &f.action))
        && all_healed(scenario, interventions.iter().map(|i| &i.action))
}

/// Whether every link cut in a list of actions (in order) is healed later in it.
fn all_healed<'a>(scenario: &Scenario, actions: impl Iterator<Item = &'a Action>) -> bool {
    let mut cut: BTreeSet<(ProcessId, ProcessId)> = BTreeSet::new();
    for action in actions {
        if let Action::Cut { between } | Action::Heal { between } = action {
            let a = between[0].resolve(&scenario.processes, "");
            let b = between[1].resolve(&scenario.processes, "");
            let (Ok(a), Ok(b)) = (a, b) else {
                continue;
            };
            let link = (a.min(b), a.max(b));
            if matches!(action, Action::Cut { .. }) {
                cut.insert(link);
            } else {
                cut.remove(&link);
            }
        }
    }
    cut.is_empty()
}

/// The longest a message can take, on the slowest link: what a timeout has to outlast.
pub(crate) fn slowest_latency(network: &NetworkModel) -> Time {
    network
        .links
        .iter()
        .filter_map(|l| l.latency)
        .chain([network.latency])
        .map(|l| l.max)
        .max()
        .unwrap_or(0)
}

/// Whether the network may lose a message, on any link.
pub(crate) fn loses_messages(network: &NetworkModel) -> bool {
    network.loss > 0.0 || network.links.iter().any(|l| l.loss.unwrap_or(0.0) > 0.0)
}

/// A planned crash of the process named `who`.
pub(crate) fn crash(at: Time, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Crash {
            process: ProcessRef::Name(who.into()),
        },
    }
}

/// A planned recovery of the process named `who`.
pub(crate) fn recover(at: Time, who: &str) -> Fault {
    Fault {
        at,
        action: Action::Recover {
            process: ProcessRef::Name(who.into()),
        },
    }
}

/// A planned cut of the link between the processes named `a` and `b`.
pub(crate) fn cut(at: Time, a: &str, b: &str) -> Fault {
    Fault {
        at,
        action: Action::Cut {
            between: [ProcessRef::Name(a.into()), ProcessRef::Name(b.into())],
        },
    }
}

/// A planned heal of the link between the processes named `a` and `b`.
pub(crate) fn heal(at: Time, a: &str, b: &str) -> Fault {
    Fault {
        at,
        action: Action::Heal {
            between: [ProcessRef::Name(a.into()), ProcessRef::Name(b.into())],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Intervention, Latency, LinkModel};

    fn three() -> Scenario {
        Scenario::from_json(r#"{"name": "t", "protocol": "p", "processes": ["A", "B", "C"]}"#)
            .unwrap()
    }

    fn by_hand(step: u64, action: Action) -> Intervention {
        Intervention { step, action }
    }

    #[test]
    fn a_crash_counts_planned_or_by_hand_by_name_or_index() {
        let mut s = three();
        assert!(!crashes(&s, 0));
        s.faults.push(crash(10, "B"));
        s.faults.push(recover(20, "B"));
        s.interventions.push(by_hand(
            3,
            Action::Crash {
                process: ProcessRef::Index(2),
            },
        ));
        assert_eq!(
            (0..3).map(|p| crashes(&s, p)).collect::<Vec<_>>(),
            [false, true, true]
        );
        // A recovery alone is no crash.
        s.faults = vec![recover(5, "A")];
        assert!(!crashes(&s, 0));
    }

    #[test]
    fn a_cut_is_healed_only_later_and_either_way_round() {
        let mut s = three();
        assert!(cuts_healed(&s));
        s.faults = vec![cut(10, "A", "B")];
        assert!(!cuts_healed(&s));
        // Written in any order, the faults are read in time order; the link has no direction.
        s.faults = vec![heal(20, "B", "A"), cut(10, "A", "B")];
        assert!(cuts_healed(&s));
        // A heal before the cut heals nothing.
        s.faults = vec![heal(5, "A", "B"), cut(10, "A", "B")];
        assert!(!cuts_healed(&s));
        // Another link's heal does not count.
        s.faults = vec![cut(10, "A", "B"), heal(20, "A", "C")];
        assert!(!cuts_healed(&s));
    }

    #[test]
    fn a_cut_by_hand_must_be_healed_by_hand() {
        let mut s = three();
        let between = || [ProcessRef::Name("A".into()), ProcessRef::Index(1)];
        s.interventions = vec![
            by_hand(9, Action::Heal { between: between() }),
            by_hand(4, Action::Cut { between: between() }),
        ];
        assert!(cuts_healed(&s));
        // A planned heal does not mend a cut made by hand: the two orders cannot be compared.
        s.interventions = vec![by_hand(4, Action::Cut { between: between() })];
        s.faults = vec![heal(1_000, "A", "B")];
        assert!(!cuts_healed(&s));
    }

    #[test]
    fn the_slowest_latency_and_loss_look_at_every_link() {
        let mut s = three();
        s.network.latency = Latency { min: 1, max: 20 };
        assert_eq!(slowest_latency(&s.network), 20);
        assert!(!loses_messages(&s.network));
        s.network.links.push(LinkModel {
            between: [ProcessRef::Index(0), ProcessRef::Index(1)],
            latency: Some(Latency { min: 5, max: 70 }),
            loss: Some(0.0),
        });
        assert_eq!(slowest_latency(&s.network), 70);
        assert!(!loses_messages(&s.network));
        s.network.links[0].latency = Some(Latency { min: 1, max: 3 });
        s.network.links[0].loss = Some(0.5);
        assert_eq!(slowest_latency(&s.network), 20);
        assert!(loses_messages(&s.network));
        s.network.links.clear();
        s.network.loss = 0.01;
        assert!(loses_messages(&s.network));
    }

    #[test]
    fn the_builders_name_processes_as_given() {
        let s = three();
        for fault in [
            crash(1, "C"),
            recover(2, "C"),
            cut(3, "A", "C"),
            heal(4, "C", "A"),
        ] {
            let mut planned = s.clone();
            planned.faults.push(fault);
            assert!(planned.validate().is_ok(), "{:?}", planned.faults);
        }
        assert_eq!(
            cut(3, "A", "C").action,
            Action::Cut {
                between: [ProcessRef::Name("A".into()), ProcessRef::Name("C".into())]
            }
        );
    }
}
