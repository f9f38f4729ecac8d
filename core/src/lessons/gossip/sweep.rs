//! How far one rumour gets: the coverage of push gossip, measured by running the protocol.
//!
//! In the `push` variant each process that hears the rumour for the first time tells `fanout`
//! peers picked at random and then stays quiet: one round per process. Such a rumour dies out
//! once it keeps landing on processes that have heard it already, and in a large network that
//! happens before everyone has it. If a fraction `r` of the processes hear it, a given process is
//! missed by all the `fanout · r · n` picks with probability about `e^(-fanout · r)`, so `r`
//! settles where `1 - r = e^(-fanout · r)`: about 80% for fanout 2 and 94% for fanout 3,
//! whatever the size ([`predicted_reach`]). Full coverage of `n` processes needs every one of them
//! hit, which for large `n` takes a fanout near `ln n + c` (everyone is then reached with
//! probability about `e^(-e^(-c))`), or repeated rounds of pushing (the broadcast lesson's gossip
//! variant), or flooding.
//!
//! [`measure`] runs the real protocol over many seeds and counts. A scenario has at most
//! [`MAX_PROCESSES`] processes, so for larger networks [`measure_model`] plays the same random
//! choices without the engine: on a network that loses nothing, when a process hears the rumour
//! does not matter, only whom each process picks, so the set reached is the set the origin's
//! picks lead to, picks of picks included. A test checks that the two agree where both run.
//! [`sweep`] measures a grid of sizes and fanouts. The lesson text's numbers come from here, and
//! a test holds them; `cargo run --release -p spacetime-core --example gossip_coverage` prints
//! the table.
//!
//! ```
//! use spacetime_core::lessons::gossip::sweep;
//! let p = sweep::measure(6, 2, 20);
//! assert_eq!((p.n, p.fanout, p.runs), (6, 2, 20));
//! assert!(p.mean_reach > 0.5 && p.mean_reach <= 1.0);
//! ```

use rand::{Rng as _, SeedableRng as _};

use crate::process::Rng;
use crate::protocol::Run;
use crate::scenario::{NetworkModel, Scenario, MAX_PROCESSES};

use super::gossip::GossipParams;

/// What many runs of one rumour gave, at one size and fanout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoveragePoint {
    /// Processes.
    pub n: usize,
    /// Peers each process tells.
    pub fanout: usize,
    /// Runs (seeds 0 to `runs - 1`).
    pub runs: usize,
    /// The share of the processes that heard the rumour, averaged over the runs.
    pub mean_reach: f64,
    /// The share of the runs in which every process heard it.
    pub full: f64,
}

/// One rumour from P1 among `n` processes with push gossip at `fanout`, on a network that loses
/// nothing, with the given seed.
pub fn scenario(n: usize, fanout: usize, seed: u64) -> Scenario {
    Scenario {
        name: format!("gossip-coverage-{n}-{fanout}"),
        title: format!("One rumour among {n}, fanout {fanout}"),
        description: String::new(),
        protocol: "gossip".into(),
        variant: "push".into(),
        params: serde_json::to_value(GossipParams {
            fanout,
            ..GossipParams::default()
        })
        .expect("serialisable"),
        processes: (1..=n).map(|i| format!("P{i}")).collect(),
        network: NetworkModel::default(),
        faults: Vec::new(),
        seed,
        interventions: Vec::new(),
        limits: Default::default(),
    }
}

/// How many of the `n` processes heard the rumour in one run.
pub fn reached(n: usize, fanout: usize, seed: u64) -> usize {
    let run = Run::complete(&scenario(n, fanout, seed)).expect("a valid gossip scenario");
    let mut heard = vec![false; n];
    for o in run.trace().outputs.iter().filter(|o| o.kind == "deliver") {
        heard[o.process] = true;
    }
    heard.iter().filter(|&&h| h).count()
}

/// Run seeds `0..runs` at one size and fanout, and average.
pub fn measure(n: usize, fanout: usize, runs: usize) -> CoveragePoint {
    let (mut sum, mut full) = (0.0, 0);
    for seed in 0..runs as u64 {
        let k = reached(n, fanout, seed);
        sum += k as f64 / n as f64;
        full += usize::from(k == n);
    }
    let runs_f = runs.max(1) as f64;
    CoveragePoint {
        n,
        fanout,
        runs,
        mean_reach: sum / runs_f,
        full: full as f64 / runs_f,
    }
}

/// How many of the `n` processes one rumour reaches when each process that hears it tells
/// `fanout` distinct others picked uniformly at random: the protocol's choices without the
/// engine, for networks larger than a scenario may be.
pub fn reached_model(n: usize, fanout: usize, seed: u64) -> usize {
    let mut rng = Rng::seed_from_u64(seed);
    let mut heard = vec![false; n];
    let mut pool: Vec<usize> = (0..n).collect();
    let mut todo = vec![0];
    heard[0] = true;
    let mut count = 1;
    while let Some(p) = todo.pop() {
        // The others are every process but p: swap p to the end and sample from the rest.
        let at = pool
            .iter()
            .position(|&x| x == p)
            .expect("every process is in the pool");
        pool.swap(at, n - 1);
        let others = n - 1;
        let k = fanout.min(others);
        for i in 0..k {
            let j = rng.random_range(i..others);
            pool.swap(i, j);
            let q = pool[i];
            if !heard[q] {
                heard[q] = true;
                count += 1;
                todo.push(q);
            }
        }
    }
    count
}

/// [`measure`], by [`reached_model`] rather than the engine: any size.
pub fn measure_model(n: usize, fanout: usize, runs: usize) -> CoveragePoint {
    let (mut sum, mut full) = (0.0, 0);
    for seed in 0..runs as u64 {
        let k = reached_model(n, fanout, seed);
        sum += k as f64 / n as f64;
        full += usize::from(k == n);
    }
    let runs_f = runs.max(1) as f64;
    CoveragePoint {
        n,
        fanout,
        runs,
        mean_reach: sum / runs_f,
        full: full as f64 / runs_f,
    }
}

/// Coverage at every size and fanout, sizes in the outer loop: by the engine ([`measure`]) up to
/// [`MAX_PROCESSES`] processes, by the model ([`measure_model`]) beyond.
pub fn sweep(ns: &[usize], fanouts: &[usize], runs: usize) -> Vec<CoveragePoint> {
    ns.iter()
        .flat_map(|&n| {
            fanouts.iter().map(move |&k| {
                if n <= MAX_PROCESSES {
                    measure(n, k, runs)
                } else {
                    measure_model(n, k, runs)
                }
            })
        })
        .collect()
}

/// The share of a large network a one-shot push rumour reaches: the root `r` in `(0, 1]` of
/// `1 - r = e^(-fanout · r)` (0 for a fanout of 1 or less, where the rumour dies out).
pub fn predicted_reach(fanout: f64) -> f64 {
    if fanout <= 1.0 {
        return 0.0;
    }
    // Fixed-point iteration from 1 converges to the positive root.
    let mut r = 1.0;
    for _ in 0..200 {
        r = 1.0 - (-fanout * r).exp();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_predicted_reach_solves_its_equation() {
        for k in [2.0, 3.0, 5.0] {
            let r = predicted_reach(k);
            assert!((1.0 - r - (-k * r).exp()).abs() < 1e-9);
        }
        assert!((predicted_reach(2.0) - 0.797).abs() < 0.001);
        assert!((predicted_reach(3.0) - 0.940).abs() < 0.001);
        assert_eq!(predicted_reach(1.0), 0.0);
    }

    #[test]
    fn a_fanout_of_everyone_always_covers() {
        for p in [measure(5, 4, 10), measure_model(5, 4, 10)] {
            assert_eq!(p.full, 1.0);
            assert_eq!(p.mean_reach, 1.0);
        }
    }
}
