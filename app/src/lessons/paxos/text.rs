//! The text of the paxos lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "Consensus: several processes each propose a value, and they must settle on one. \
     Safety asks that at most one value is chosen (agreement), that it was proposed by \
     someone (validity), and that a learner learns only a value that was chosen. \
     Liveness asks that some value is eventually chosen. The model is harsher than \
     broadcast's: links may lose, duplicate, delay and reorder messages (roughly the \
     course's fair-loss links), and processes may crash and later recover with what they \
     wrote to stable storage. Paxos keeps safety whatever the network and the crashes \
     do, and makes progress whenever a majority of acceptors can talk to one proposer \
     for long enough.",
    "The roles: proposers suggest values, acceptors vote, learners find out what was \
     chosen. Every attempt carries a ballot, a round number paired with the proposer's \
     id, so that any two ballots are ordered and no two proposers share one.",
    "Phase 1. A proposer sends Prepare(b) to the acceptors. An acceptor that has promised \
     nothing higher promises b: it will never again accept a ballot below b. With its \
     promise it reports the highest-ballot proposal it has accepted, if any.",
    "Phase 2. With promises from a majority, the proposer must propose the value of the \
     highest-ballot proposal reported among them, and may use its own value only if none \
     reported one. It sends Accept(b, v); an acceptor accepts unless it has promised a \
     higher ballot, and tells the learners. A value is chosen once a majority of acceptors \
     accepted it in the same ballot. [Show me a proposer adopting an earlier \
     value](s=paxos-adopt-accepted&step=20).",
    "Why it is safe: any two majorities share an acceptor. Once v is chosen in ballot b, \
     every later proposer hears of v from that shared acceptor in phase 1 and proposes v \
     again. That argument leans on two things the broken variants take away: the \
     proposer must heed the reported value, and an acceptor must remember its promise \
     across a crash (on stable storage).",
    "Liveness is promised only in calm conditions: one proposer, no lost messages, and a \
     majority of acceptors that stays up. With a majority down nothing can be chosen, \
     though nothing wrong is chosen either: the progress badge says \"not promised\". \
     Two proposers can also duel forever, each preempting the other: starting a higher \
     ballot, whose promises make the acceptors refuse the other's Accept, so the other \
     starts a higher one still ([show me a duel](s=paxos-dueling&step=25)). Random backoff before a retry makes a long duel ever less \
     likely. Some such risk is unavoidable: the FLP theorem (Fischer, Lynch and Paterson, \
     1985) says that in an asynchronous system, with no bound on how long a message or a \
     step may take, so that a slow process cannot be told from a crashed one, no \
     deterministic consensus protocol can guarantee that it terminates if even one process \
     may crash. Paxos always keeps safety and gives up guaranteed termination; randomised \
     protocols sidestep FLP, terminating with probability 1 rather than surely.",
    "Multi-Paxos runs one instance per slot of a replicated log. A leader runs phase 1 \
     once for every future slot, then only phase 2 per client command. Each server runs \
     a failure detector: a module that tells it which others it suspects have crashed, \
     here by heartbeats and a timeout, so it can suspect one that is only slow. When the \
     leader is suspected, the next server runs phase 1 with a higher ballot, re-proposes \
     what it learns for each slot, and fills each gap with a no-op, a command that \
     changes nothing, so the log has no holes. Every server applies the log in slot \
     order, so every replica of the state machine goes through the same states. \
     [Show me a new leader filling a gap](s=multipaxos-leader-crash&step=98).",
];
