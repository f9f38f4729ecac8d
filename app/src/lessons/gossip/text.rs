//! The text of the gossip lesson: one paragraph per entry, in our own words.

/// The lesson drawer's paragraphs.
pub const TEXT: &[&str] = &[
    "One process starts a rumour. Whoever hears it for the first time passes it on to a \
     few peers picked at random, and then stays quiet about it.",
    "With a fanout of two or three the rumour reaches everyone in a handful of rounds, \
     most of the time: a process can be missed by every random pick. Flooding (telling \
     everyone) never misses anyone on a reliable network, at the price of many more \
     messages.",
    "Try it: drop a message, crash a process or cut a link, and watch whether the rumour \
     still gets through. The coverage badge says who never heard it.",
];
