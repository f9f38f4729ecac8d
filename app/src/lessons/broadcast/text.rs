//! The text of the broadcast lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "One process has a message that every process must get. Two words matter. A process \
     receives a message when the network hands it over, and delivers it when it passes it \
     up to the application; in between it may relay it or hold it back. A correct process \
     is one that never crashes during the run. We assume the course's model for \
     broadcast: the set of processes is known, links are perfect (a message sent from one \
     correct process to another arrives, once, and nothing arrives that was not sent), \
     processes fail only by crashing, and there are no rounds or timeouts to lean on.",
    "Best-effort broadcast sends the message to each process once. If the sender \
     crashes half way, some processes have it and others never will: agreement (if one \
     correct process delivers m, all do) breaks \
     ([show me](s=broadcast-best-effort-sender-crash&step=3)). Reliable broadcast fixes this: each \
     process relays a message to everyone the first time it receives it, so a copy that \
     reached one correct process reaches all of them.",
    "Relay, then deliver, or the other way round? The textbook's eager algorithm delivers \
     first and relays after, and agreement holds either way: it speaks only of correct \
     processes, and a process that crashes right after delivering is not correct, so its \
     lone delivery breaks nothing. Relaying first buys more, uniform agreement: if any \
     process delivers m, even one that crashes later, every correct process delivers m. \
     Here that holds because a copy handed to the network before a crash still arrives; \
     over perfect links, which promise nothing for a sender that crashes, uniform \
     agreement needs acknowledgements: deliver only once every correct process (or a \
     majority) is known to have the message.",
    "Order is a separate question. FIFO broadcast numbers each sender's messages and \
     holds back one that arrives before its predecessors \
     ([show me](s=broadcast-fifo-overtake&step=6)). Causal broadcast also holds \
     back a reply until the post it answers has been delivered: it carries a vector of \
     how many messages from each sender were delivered before it was sent \
     ([show me](s=broadcast-causal-reply-overtakes&step=6)).",
    "Total order makes every process deliver all messages in the same order, whoever \
     sent them. A fixed sequencer can number every message, as long as it never crashes. \
     Without one, each message carries a Lamport timestamp, every process acknowledges \
     it to everyone, and a process delivers the message with the smallest timestamp once \
     every other process has sent it something later. Equal timestamps are ordered by \
     the sender's id: in \"Two senders at once\" both messages carry timestamp 1, and \
     P1's goes first everywhere ([show me](s=broadcast-total-order-needed&step=25)). This algorithm is safe only over FIFO links (otherwise \
     a later acknowledgement could overtake an earlier message) and live only if no \
     process crashes (a crashed one is waited for forever).",
    "Total order that survives crashes is as hard as consensus: the processes must agree \
     on which message comes next. It is what state machine replication needs (replicas \
     that apply the same requests in the same order stay the same), and the Paxos lesson \
     builds it.",
    "Gossip trades guarantees for load: each process pushes a new message to a few \
     random peers in each of a few rounds. With enough rounds it very probably reaches \
     everyone, never certainly; the Gossip lesson measures how often.",
    "The properties: validity (a correct sender's message is delivered by every correct \
     process), agreement, integrity (nothing delivered twice, nothing made up), and \
     FIFO, causal and total order. Each prepared scenario breaks one of them under a \
     weaker variant: switch the variant and watch the badge, or read the table of \
     variants beside the diagram.",
];
