//! Promises stay honest under every timing model a learner can pick. Every prepared scenario of
//! every protocol is run asynchronously, partially synchronously (with the GST early and late)
//! and synchronously, on several seeds: no property that its badge calls promised may break.
//! A protocol that does not read the timing model itself keeps only the promises it makes with
//! latencies as long as the hold-ups (`protocol::held_up`), so this holds for lessons written
//! before the timing models existed too.

use spacetime_core::{protocols, Run, Scenario, Timing};

fn timings(s: &Scenario, seed: u64) -> Vec<Timing> {
    let bound = s.network.latency.max.max(1);
    vec![
        Timing::Asynchronous {
            stall: 0.3,
            longest: 4 * bound + seed * 7,
        },
        Timing::PartiallySynchronous {
            gst: 50 + seed * 40,
            stall: 0.5,
            longest: 3 * bound,
        },
        Timing::Synchronous {
            round: bound + seed,
        },
    ]
}

#[test]
fn no_promise_breaks_under_any_timing_model() {
    let mut runs = 0;
    let mut withdrawn = 0;
    for protocol in protocols::all() {
        for example in (protocol.examples)() {
            // The biggest runs are for scrubbing and benchmarks; they teach nothing new here.
            if example.limits.max_steps > 50_000 {
                continue;
            }
            for seed in 0..3 {
                for timing in timings(&example, seed) {
                    let mut s = example.clone();
                    s.seed = example.seed.wrapping_add(seed);
                    s.network.timing = timing;
                    let Ok(run) = Run::complete(&s) else {
                        continue; // a round shorter than a per-link bound, say
                    };
                    if run.variant().broken {
                        continue; // it promises what it was built to break
                    }
                    runs += 1;
                    for r in run.check(run.trace()) {
                        if !r.promised {
                            withdrawn += 1;
                        }
                        assert!(
                            !r.is_broken_promise(),
                            "{} (seed {}, {timing:?}): {} is promised and broken: {:?}",
                            s.name,
                            s.seed,
                            r.name,
                            r.verdict
                        );
                    }
                }
            }
        }
    }
    assert!(runs > 300, "only {runs} runs");
    assert!(withdrawn > 0);
}
