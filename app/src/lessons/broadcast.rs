//! Lesson 3: broadcast, from best-effort to total order.

use super::Lesson;

pub fn lesson() -> Lesson {
    Lesson {
        id: "broadcast",
        title: "Broadcast",
        core: spacetime_core::lessons::broadcast::lesson(),
        actions: &[],
        tour: include_str!("tours/broadcast.json"),
        panel: None,
        playground: false,
        text: &[
            "One process has a message that every process must get. We assume the set of \
             processes is known, links are perfect (nothing is lost, duplicated or made up \
             between two correct processes), processes fail only by crashing, and there are no \
             rounds or timeouts to lean on.",
            "Best-effort broadcast sends the message to each process once. If the sender \
             crashes half way, some processes have it and others never will: agreement (if one \
             correct process delivers m, all do) breaks. Reliable broadcast fixes this: each \
             process relays a message to everyone the first time it receives it, before \
             delivering it, so one correct copy is enough.",
            "Order is a separate question. FIFO broadcast numbers each sender's messages and \
             holds back one that arrives before its predecessors. Causal broadcast also holds \
             back a reply until the post it answers has been delivered: it carries a vector of \
             how many messages from each sender were delivered before it was sent.",
            "Total order makes every process deliver all messages in the same order, whoever \
             sent them. A fixed sequencer can number every message; without one, messages carry \
             Lamport timestamps, everyone acknowledges, and a process delivers the smallest \
             timestamp once every process has shown it is past it.",
            "Gossip trades guarantees for load: each process forwards a new message to a few \
             random peers for a few rounds, and it reaches everyone with high probability.",
            "The properties: validity (a correct sender's message is delivered by every correct \
             process), agreement, integrity (nothing delivered twice, nothing made up), and \
             FIFO, causal and total order. Each prepared scenario breaks one of them under a \
             weaker variant: switch the variant and watch the badge, or read the table of \
             variants beside the diagram.",
        ],
    }
}
