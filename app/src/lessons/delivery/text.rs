//! The text of the delivery lesson: one paragraph per entry, in our own words.

/// The lesson drawer's paragraphs.
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
     assumptions (a bound on losses, or settling for \"very probably\").",
    "The network under every protocol here is best-effort: a packet can be lost, \
     duplicated, or overtaken by a later one. UDP hands that network to the application \
     almost as it is: each datagram is sent once, and whatever arrives is delivered, in \
     the order it arrives. Watch the receiver's text for gaps, repeats and swaps.",
    "TCP builds a reliable byte stream on top. A three-way handshake (SYN, SYN-ACK, ACK) \
     agrees on initial sequence numbers. Every byte has a number; the receiver answers \
     each segment with a cumulative ACK, the number of the next byte it expects. A \
     segment not acknowledged in time is sent again when the retransmission timer fires.",
    "If the ACK is lost rather than the data, the retransmission is a duplicate: the \
     receiver recognises its sequence numbers, throws it away and acknowledges again, so \
     the application still gets every byte once, in order.",
    "The timeout adapts to the network: each round-trip sample updates a smoothed RTT and \
     its variation, and the timeout is the smoothed RTT plus four variations (RFC 6298). \
     Samples from retransmitted segments are ignored, since it is unclear which copy was \
     answered (Karn's rule), and each timeout doubles the next one.",
    "A window lets several segments travel at once: stop-and-wait is a window of one; \
     Go-Back-N resends everything after a loss, Selective Repeat only what was lost. The \
     congestion window grows quickly at first (slow start), then by one segment per round \
     trip, and shrinks when a loss shows the network is full; three duplicate ACKs \
     trigger a fast retransmit without waiting for the timer.",
    "Remote procedure calls over UDP use the reply as the acknowledgement: the client \
     repeats a request until a reply comes. At-least-once servers run every copy, so a \
     lost reply can run a deposit twice; at-most-once servers remember request ids and \
     answer a repeat from their cache.",
];
