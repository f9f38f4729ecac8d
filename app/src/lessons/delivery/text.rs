//! The text of the delivery lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "The teaser: two generals on either side of a valley win only if they attack at the \
     same time, and can talk only through messengers who may be caught. \"Attack at \
     dawn\" needs an acknowledgement, which needs one of its own, and so on. The theorem: \
     no rule both guarantees that nobody ever attacks alone and has them attack whenever \
     every messenger gets through. (Never attacking keeps the first promise by breaking \
     the second.) Take a rule that attacks when all goes well and look at the last \
     messenger of such a run: its sender cannot tell whether it arrived, so if it is \
     caught, the sender still attacks, and the other general acts without it. Either the \
     other attacks anyway, and the last messenger was not needed, or one attacks alone. \
     Over a channel that can lose any message this is impossible, unless we make more \
     assumptions (a bound on losses, or settling for \"very probably\"). \
     [Show me the last messenger caught](s=generals-last-messenger-lost&step=12).",
    "The network under every protocol here is best-effort: a packet can be lost, \
     duplicated, or overtaken by a later one. UDP hands that network to the application \
     almost as it is: each datagram is sent once, and whatever arrives is delivered, in \
     the order it arrives. Watch the receiver's text for gaps, repeats and swaps. In the \
     course's terms UDP gives roughly a fair-loss link: any one message may be lost, but \
     one sent again and again gets through eventually, a finite number of sends is not \
     repeated forever, and nothing arrives that was not sent. \
     [Show me UDP on a lossy network](s=udp-lossy-network&step=7).",
    "TCP builds a reliable byte stream on top: roughly the course's perfect link, where \
     everything one process sends another that stays up arrives, exactly once and in \
     order (for as long as the connection lasts). A three-way handshake (SYN, SYN-ACK, \
     ACK) agrees on initial sequence numbers; the SYN uses up one number and carries no \
     data. Every data byte has a number; the receiver answers each segment with a \
     cumulative ACK, the number of the next byte it expects, which acknowledges every \
     byte before it. A segment not acknowledged in time is sent again when the \
     retransmission timer fires: [show me](s=tcp-lost-segment&step=9).",
    "If the ACK is lost rather than the data, the retransmission is a duplicate: the \
     receiver recognises its sequence numbers, throws it away and acknowledges again, so \
     the application still gets every byte once, in order. \
     [Show me](s=tcp-lost-ack&step=9).",
    "The timeout adapts to the network: each round-trip sample updates a smoothed RTT and \
     its variation, and the timeout is the smoothed RTT plus four variations (RFC 6298). \
     Samples from retransmitted segments are ignored, since it is unclear which copy was \
     answered (Karn's rule), and each timeout doubles the next one.",
    "A window lets several segments travel at once: stop-and-wait is a window of one; \
     Go-Back-N resends everything after a loss, Selective Repeat only what was lost. The \
     congestion window, how much the sender lets travel unacknowledged, doubles every \
     round trip at first (slow start) until it reaches the slow-start threshold, \
     ssthresh; above it, it grows by one segment per round trip. A loss is read as a \
     full network: ssthresh drops to half of what was in flight, and after a timeout the \
     window starts again from one segment.",
    "A receiver that gets a segment past a gap cannot acknowledge it, since an ACK is \
     cumulative, so it repeats its last ACK, naming the first byte still missing: a \
     duplicate ACK. Each one tells the sender that a later segment got through while one \
     is missing. After three, the sender resends the missing segment at once (fast \
     retransmit) without waiting for its timer, and halves its window rather than \
     starting again from one.",
    "Remote procedure calls (RPC) make a request to another machine look like a local \
     call. Over UDP they use the reply as the acknowledgement: the client \
     repeats a request until a reply comes. At-least-once servers run every copy, so a \
     lost reply can run a deposit twice; at-most-once servers remember request ids and \
     answer a repeat from their cache.",
];
