//! The text of the gossip lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "One process starts a rumour. Whoever hears it for the first time passes it on to a \
     few peers picked at random (the fanout), and then stays quiet about it. Unless you \
     drop a message yourself, the links lose nothing here: they are the course's perfect \
     links, as in the broadcast lesson, so whatever is missed is missed by chance. \
     [Show me a rumour spreading](s=gossip-one-rumour&step=6).",
    "Each process passes the rumour on once, so the rumour dies out when it keeps landing \
     on processes that have heard it already, and that can happen before everyone has. \
     Running this protocol over many seeds: with a fanout of two, every process hears it \
     in about half the runs among 8 processes, one run in twenty among 20, and practically \
     never among 100. In a large network it reaches about 80% of the processes with a \
     fanout of two and 94% with three, whatever the size. Measure it yourself: open \
     \"How far one rumour gets\" under the badges.",
    "To reach everyone with high probability, the fanout has to grow with the network, to \
     about ln n + c for n processes (the larger c, the likelier), or each process keeps \
     pushing for several rounds, as the broadcast lesson's gossip variant does. Flooding \
     (telling everyone) never misses anyone on a reliable network, at the price of n - 1 \
     messages per process.",
    "Try it: drop a message, crash a process or cut a link, and watch whether the rumour \
     still gets through. The coverage badge says who never heard it.",
];
