//! A run is a pure function of (scenario, seed, interventions): running it again gives the same
//! trace, byte for byte, whatever the protocol, network or checkpoint interval.

mod common;

use common::{gossip_with_interventions, json, run, scripted_scenario};
use proptest::prelude::*;
use spacetime_core::lessons::gossip::gossip::Gossip;
use spacetime_core::protocols;
use spacetime_core::{Protocol, Simulation};

#[test]
fn every_example_runs_the_same_twice() {
    let examples = protocols::examples();
    assert!(examples.len() >= 8, "the built-in examples went missing");
    for scenario in examples {
        let first = json(&run(&scenario));
        let second = json(&run(&scenario));
        assert_eq!(
            first, second,
            "example {} is not deterministic",
            scenario.name
        );
        // Through the scenario's JSON form as well, as the CLI and the URL carry it.
        let reparsed = spacetime_core::Scenario::from_json(&scenario.to_json()).unwrap();
        assert_eq!(json(&run(&reparsed)), first, "example {}", scenario.name);
    }
}

#[test]
fn the_seed_matters() {
    // Not a tautology check: determinism must not come from ignoring the seed.
    let mut scenario = protocols::example("gossip-many-rumours").unwrap();
    let traces: std::collections::BTreeSet<String> = (0..8)
        .map(|seed| {
            scenario.seed = seed;
            json(&run(&scenario))
        })
        .collect();
    assert!(traces.len() > 1, "eight seeds gave one and the same trace");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_gossip_runs_are_deterministic(scenario in gossip_with_interventions(12, 6, 3_000, 4)) {
        let first = json(&run(&scenario));
        let second = json(&run(&scenario));
        prop_assert_eq!(&first, &second);

        // The checkpoint interval is an implementation detail: it must not show in the trace.
        let nodes = Gossip::build(&scenario, &scenario.variant).unwrap();
        let mut sim = Simulation::new(&scenario, nodes).unwrap().with_checkpoint_every(3);
        prop_assert_eq!(json(sim.run()), first);
    }

    #[test]
    fn random_scripts_are_deterministic(scenario in scripted_scenario(6, 24)) {
        let first = json(&run(&scenario));
        prop_assert_eq!(json(&run(&scenario)), first);
    }
}
