//! The lesson's prepared scenarios, and the helpers that build them (the exercises build theirs
//! with the same ones). Their seeds and fault times are chosen so that each shows what its
//! description says; `core/tests/raft.rs` checks every claim on the trace.

use crate::faults::{self, crash, recover};
use crate::process::Time;
use crate::scenario::{Fault, Latency, Limits, NetworkModel, Scenario};

use super::raft::{process_names, RaftParams};

/// The seeds and times the examples depend on.
pub(crate) const CALM_SEED: u64 = 1;
pub(crate) const SPLIT_SEED: u64 = 1;
pub(crate) const CRASH_SEED: u64 = 1;
pub(crate) const PARTITION_SEED: u64 = 1;
pub(crate) const REPAIR_SEED: u64 = 1;
pub(crate) const FIGURE_8_SEED: u64 = 12;

pub(crate) fn all() -> Vec<Scenario> {
    let mut calm = scenario(
        "raft-calm",
        "A calm election",
        "All five servers start as followers, each with an election timeout drawn at random. \
         S2's runs out first: it starts term 1, votes for itself and asks the others; with \
         the votes of a majority it leads. As leader it sends heartbeats, and C1's commands x=1, y=2 and z=3 are \
         each appended to its log, copied to every follower, committed once a majority stores \
         them, and applied by every server in the same order.",
        "correct",
        RaftParams::default(),
        1_200,
    );
    calm.seed = CALM_SEED;

    let mut split = scenario(
        "raft-split-vote",
        "A split vote",
        "Four servers whose election timeouts are drawn from a narrow range. In term 1 two \
         servers become candidates almost together and split the votes, so that neither has \
         the three it needs. Their next timeouts are drawn anew and differ: S2 starts term 2 \
         first, wins it, and commits C1's commands.",
        "correct",
        RaftParams {
            servers: 4,
            election_min: 150,
            election_max: 210,
            ..RaftParams::default()
        },
        1_400,
    );
    split.seed = SPLIT_SEED;

    let mut leader_crash = scenario(
        "raft-leader-crash",
        "The leader crashes",
        "S2 leads term 1 and commits x=1. It crashes at tick 600 with C1's y=2 in its log, \
         copied to some followers but not committed. The followers hear no heartbeat, S3's \
         timeout runs out first and it wins term 2. C1 gets no answer, sends y=2 to the next \
         server and is sent on to S3, which commits it (with the old copy before it, now that \
         an entry of its own term is stored on a majority). S2 recovers at tick 1000 with its \
         term, its vote and its log, and follows S3.",
        "correct",
        RaftParams::default(),
        2_400,
    );
    leader_crash.seed = CRASH_SEED;
    leader_crash.faults = vec![crash(600, "S2"), recover(1_000, "S2")];

    let mut partition = scenario(
        "raft-partitioned-leader",
        "A partitioned old leader",
        "S2 leads term 1. At tick 560 its links to the other servers are cut, but the two \
         clients still reach it: it appends their commands b=2 and y=2, which can never reach \
         a majority and never commit. The other four elect S3 in term 2; the clients time out, \
         find S3, and their commands commit there. At tick 1200 the links heal: S2 hears of \
         term 2, steps down, and its uncommitted entries are replaced by the leader's.",
        "correct",
        RaftParams {
            clients: 2,
            ..RaftParams::default()
        },
        2_600,
    );
    partition.seed = PARTITION_SEED;
    partition.faults = isolate(560, "S2", 5, false);
    partition.faults.extend(isolate(1_200, "S2", 5, true));

    let mut repair = scenario(
        "raft-follower-repair",
        "A follower that missed entries is repaired",
        "S5 crashes at tick 300 and misses x=1, y=2 and z=3, which the others commit. The \
         leader S2 crashes at tick 850 and S4 wins term 2, assuming every follower's log ends \
         where its own does. When S5 recovers at tick 1150, the consistency check fails at \
         index 3, then 2, then 1, as S4 backs off one index at a time; from index 0 on \
         there is nothing to disagree about, and S5 takes all three entries and applies them.",
        "correct",
        RaftParams::default(),
        2_500,
    );
    repair.seed = REPAIR_SEED;
    repair.faults = vec![crash(300, "S5"), crash(850, "S2"), recover(1_150, "S5")];

    let mut figure_8 = figure_8_base("correct");
    figure_8.faults.push(crash(FIGURE_8_CRASH, "S1"));
    figure_8.description = "Three servers act out the paper's Figure 8. S1 leads term 1 and \
        commits x=1; its links are cut as it appends y=2 at index 2, and it crashes with that \
        entry of term 1 on no other server. S2 wins term 2, appends the client's y=2 again at \
        index 2, in term 2, reaches no one and crashes. S1 comes back and wins term 4; it \
        copies its index 2 to S3, so that a majority stores it, but the entry is of an earlier \
        term and S1 does not commit it. S1 crashes at tick 1450. S2 comes back and wins (its \
        last entry, of term 2, is more up to date than S3's), and replaces S3's index 2 with its \
        own. Nothing committed was lost. Switch to broken-commit (or open raft-broken-commit) \
        to see a leader commit the entry by counting, and the entry lost."
        .into();
    let mut broken_commit = figure_8.clone();
    broken_commit.name = "raft-broken-commit".into();
    broken_commit.title = "Committing an earlier term's entry".into();
    broken_commit.variant = "broken-commit".into();
    broken_commit.description = "The schedule of raft-figure-8 with the broken-commit variant: \
        when S3 stores index 2, S1, the leader of term 4, counts two of three servers and \
        commits the entry of term 1, applies it and answers the client. After S1 crashes, S2 \
        wins term 6 without that entry and replaces it on S3: leader completeness and state \
        machine safety are broken."
        .into();

    vec![
        calm,
        split,
        leader_crash,
        partition,
        repair,
        figure_8,
        broken_commit,
    ]
}

/// When S1, the leader of term 3, crashes in `raft-figure-8`.
pub(crate) const FIGURE_8_CRASH: crate::process::Time = 1_450;

/// The Figure 8 schedule up to the moment the leader of term 3 crashes (the counterexample
/// search finds that moment by itself, `core/tests/raft.rs`).
pub(crate) fn figure_8_base(variant: &str) -> Scenario {
    let mut s = scenario(
        "raft-figure-8",
        "The paper's Figure 8",
        "",
        variant,
        RaftParams {
            servers: 3,
            retry_after: 500,
            ..RaftParams::default()
        },
        2_600,
    );
    s.seed = FIGURE_8_SEED;
    s.faults = isolate(550, "S1", 3, false);
    s.faults.push(crash(620, "S1"));
    s.faults.extend(isolate(620, "S1", 3, true));
    s.faults.extend(isolate(940, "S2", 3, false));
    s.faults.push(crash(1_050, "S2"));
    s.faults.extend(isolate(1_050, "S2", 3, true));
    s.faults.push(recover(1_100, "S1"));
    s.faults.push(recover(1_700, "S2"));
    s
}

/// A scenario of the lesson, before its tuning: `S1..`, `C1..`, the default network.
pub(crate) fn scenario(
    name: &str,
    title: &str,
    description: &str,
    variant: &str,
    params: RaftParams,
    max_time: Time,
) -> Scenario {
    Scenario {
        name: name.into(),
        title: title.into(),
        description: description.into(),
        protocol: "raft".into(),
        variant: variant.into(),
        processes: process_names(params.servers, params.clients),
        params: serde_json::to_value(params).expect("serialisable"),
        network: NetworkModel {
            latency: Latency { min: 10, max: 30 },
            ..NetworkModel::default()
        },
        faults: Vec::new(),
        seed: 1,
        interventions: Vec::new(),
        limits: Limits {
            max_steps: 20_000,
            max_time: Some(max_time),
        },
    }
}

/// Cut (or heal) every link between `who` and the other servers.
pub(crate) fn isolate(at: Time, who: &str, servers: usize, heal: bool) -> Vec<Fault> {
    (1..=servers)
        .map(|i| format!("S{i}"))
        .filter(|other| other != who)
        .map(|other| {
            if heal {
                faults::heal(at, who, &other)
            } else {
                faults::cut(at, who, &other)
            }
        })
        .collect()
}
