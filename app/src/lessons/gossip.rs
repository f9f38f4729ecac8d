//! Gossip: the engine's workhorse, and a first look at spreading information without a plan.

use super::Lesson;

pub fn lesson() -> Lesson {
    Lesson {
        id: "gossip",
        title: "Gossip",
        core: spacetime_core::lessons::gossip::lesson(),
        actions: &[],
        tour: include_str!("tours/gossip.json"),
        panel: None,
        playground: false,
        text: &[
            "One process starts a rumour. Whoever hears it for the first time passes it on to a \
             few peers picked at random, and then stays quiet about it.",
            "With a fanout of two or three the rumour reaches everyone in a handful of rounds, \
             most of the time: a process can be missed by every random pick. Flooding (telling \
             everyone) never misses anyone on a reliable network, at the price of many more \
             messages.",
            "Try it: drop a message, crash a process or cut a link, and watch whether the rumour \
             still gets through. The coverage badge says who never heard it.",
        ],
    }
}
