//! The text of the clocks lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "Each lane is one process, and time runs to the right. A dot is an event: a step the \
     process takes on its own, the sending of a message, or the receipt of one. An arrow \
     joins a send to its receipt.",
    "Without a shared clock, a process can only tell which events could have influenced \
     which. Event a happens before event b, written a → b, when one of three rules says \
     so: (1) a and b are on the same lane and a comes first; (2) a sends a message and b \
     receives that same message; (3) a → c and c → b for some event c, so chains of the \
     first two rules count too.",
    "Two different events with no chain either way are concurrent, written a ∥ b: neither \
     could have known about the other, whatever a wall clock said.",
    "A Lamport clock is one counter per process, starting at 0. An event that is not a \
     receipt adds 1 to it, and a message carries the sender's value. A receipt sets the \
     counter to the larger of its own value and the carried one, plus 1. So a → b always \
     gives L(a) < L(b). [Show me a receipt](s=clocks-busy-four&step=6&labels=lamport&sel=e5): \
     P2 had 0 and m1 carries 2, so the receipt gets 3.",
    "The converse fails: L(a) < L(b) may hold for concurrent events, because counters on \
     lanes that never talk still grow. [Show me one](s=clocks-concurrent-pair&step=5&labels=lamport&sel=e4): \
     a on P1 has L(a) = 1 and b on P3 has L(b) = 3, yet no chain of events joins them.",
    "A vector clock keeps one counter per process. An event adds 1 to its own entry; a \
     receipt first takes the larger of each pair of entries, its own and the carried ones. \
     Now the order is exact: a → b exactly when V(a) ≤ V(b) in every entry and the two \
     differ; when each is ahead somewhere, a ∥ b. [Show me](s=clocks-busy-four&step=14&labels=vector&sel=e13): \
     d on P1, [4,0,0,0], is concurrent with every event on P4 so far: it is ahead in \
     P1's entry and behind in P4's.",
    "Build draws a diagram of your own: click a lane for an event, drag between lanes \
     for a message. Click an event to light up its past and future, and shift-click a \
     second one to see how the two relate. Exercises checks your clocks with instant \
     feedback, and Import draws real GoVector or ShiViz logs.",
];
