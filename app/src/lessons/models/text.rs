//! The text of the System models lesson: one paragraph per entry, in our own words. Every term
//! is defined before a later paragraph leans on it.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "Every distributed algorithm is correct only under assumptions about the world it runs in: \
     how long a message may take, what can go wrong with a process, and what can go wrong with \
     a link. Together these assumptions are the system model. The same algorithm can be right \
     in one model and wrong in another, so a property is always promised under a model.",
    "A system is synchronous when there are known upper bounds on how long a message takes to \
     arrive and on how long a process takes to handle it (and on how fast local clocks drift). \
     Then processes can move in rounds: in each round every process receives what was sent to \
     it, computes, and sends. Set Timing to synchronous in Network and seed: dashed lines mark \
     the rounds, every message arrives within the bound, and a delay by hand past the bound is \
     refused ([show me rounds](s=models-sync-detector&step=4)).",
    "A system is asynchronous when nothing is assumed about time: a message may take any finite \
     time, and a process may be arbitrarily slow. With Timing set to asynchronous, some messages \
     are held up far beyond the latency range. A process that has heard nothing for a while \
     cannot tell whether the sender crashed, is slow, or sits behind a slow or broken network: \
     silence looks the same in all three cases \
     ([show me](s=models-async-false-suspicion&step=35&sel=e62)).",
    "Real networks are asynchronous most of the time, yet behave well for long stretches. \
     Partial synchrony (or eventual synchrony) captures that: the system is asynchronous until \
     an unknown moment, the global stabilisation time (GST), and synchronous after it. No \
     process knows when the GST comes. The diagram marks it; move it in Network and seed \
     ([show me the GST](s=models-partial-sync&step=648)).",
    "A fault is an accidental condition that makes a component unable to do its job, such as a \
     damaged disk sector. An error is a developer's mistake that puts a fault into software. A \
     failure is a component not doing what its specification says: the sector is read, and a \
     file is lost. One component's failure can be a fault of the component above it. A process \
     that never fails is correct; properties are usually promised to the correct processes.",
    "Process fault models say how a process may fail. Crash: it stops, and sends nothing from \
     then on. Omission: it fails to send or to receive some messages, for instance when a \
     buffer overflows. Fail-stop: it crashes, and the others can reliably detect the crash. \
     Byzantine (arbitrary): it may do anything, such as send invented, changed or duplicated \
     messages, which covers bugs, memory corruption and attackers. Three more names describe \
     what the others can know: fail-silent (crashes can never be reliably detected), \
     fail-noisy (they can be detected, but accurately only in the end) and fail-recovery (a \
     crashed process may come back and take part again).",
    "Network models say what links may do. A fair-loss link may lose messages, but fairly: a \
     message sent infinitely often is delivered infinitely often (fair loss); one sent a \
     finite number of times is not delivered infinitely often (finite duplication); and \
     nothing is delivered that was not sent (no creation). UDP behaves roughly like this \
     ([show me](s=channels-fair-loss&step=6)).",
    "A stubborn link is built on a fair-loss one: the sender retransmits every message it has \
     sent, forever. A message sent once to a correct process is then delivered again and \
     again ([show me](s=channels-stubborn&step=82)). A perfect (reliable) link adds one thing on the receiving side: it delivers each \
     message only the first time and drops later copies. Its properties are reliable delivery \
     (a message sent by a correct process to a correct process is delivered), no duplication \
     and no creation ([show me](s=channels-perfect&step=86)). TCP gives roughly this, with \
     acknowledgements and retransmission, until a connection breaks because the other side \
     stays silent.",
    "Properties come in two kinds. A safety property says that something bad never happens: \
     the empty run is safe, and a counterexample is a finite prefix that ends where the bad \
     thing happens; nothing later can repair it. A liveness property says that something good \
     eventually happens: no finite prefix breaks it, because the good thing may still come, \
     and a counterexample is a whole run in which it never does. Click the kind word on any \
     badge to read its definition and what this run shows. Some properties mix both, and are \
     split into a safety part and a liveness part.",
    "A failure detector tells each process which others it suspects of having crashed. Here \
     every process sends a heartbeat to every other one at a fixed period, and suspects a peer \
     when nothing has come from it for a timeout. Two properties describe a detector. \
     Completeness: every process that crashes is eventually suspected, for good, by every \
     correct process. Accuracy: correct processes are not suspected.",
    "A perfect detector has strong accuracy: a process is suspected only after it has crashed. \
     It needs synchrony: with a timeout of at least one heartbeat period plus the message \
     bound, a heartbeat from a live process always arrives in time \
     ([show me a crash detected](s=models-sync-detector&step=102&sel=e148)). In an \
     asynchronous system a held-up heartbeat makes the same detector suspect a live process: \
     a false suspicion ([show me](s=models-async-false-suspicion&step=35&sel=e62)).",
    "An eventually perfect detector accepts false suspicions and learns from them: when a \
     heartbeat arrives from a suspected process, it trusts the process again and lengthens the \
     timeout for it. Under partial synchrony, once the GST has passed, the timeouts grow past \
     the real bound and the false suspicions stop: eventual strong accuracy, a liveness \
     property ([show me](s=models-partial-sync&step=32&sel=e59)).",
    "A leader election can be built on a detector: each process trusts, as leader, the \
     highest-numbered process it does not suspect, itself included (the idea behind the bully \
     algorithm). With a perfect detector, a new leader is chosen only after the old one has \
     crashed. With an eventually perfect detector, a false suspicion can make some processes \
     trust different leaders for a while \
     ([show me](s=models-election&step=148&sel=e257)); once the suspicions stop, every \
     correct process trusts the same correct leader again, even after the leader crashes \
     ([show me](s=models-election&step=574&sel=e914)).",
    "A Byzantine process breaks this election. A process that sends heartbeats to some \
     processes and not to others is trusted by the first and suspected by the second, for as \
     long as it likes: the correct processes never agree on a leader \
     ([show me](s=models-two-faced&step=174&sel=e254)). Tolerating such \
     processes takes Byzantine agreement, with more messages and more processes.",
    "The other lessons' badges are promises made under a model. The broadcast lesson assumes \
     perfect links: on a lossy network, or with a cut that is never healed, its badges say \
     which promise is withdrawn and why, instead of promising what the network does not give.",
];
