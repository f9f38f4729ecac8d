//! Lesson 1: happens-before and logical clocks.

use super::Lesson;

pub fn lesson() -> Lesson {
    Lesson {
        id: "clocks",
        title: "Clocks",
        text: &[
            "Each lane is one process; time runs to the right. A dot is an event: a local step, \
             the sending of a message, or its receipt. An arrow joins a send to its receipt.",
            "Event a happens before event b (a → b) when a comes earlier on the same lane, when a \
             sends the message that b receives, or when a chain of such steps leads from a to b. \
             Two events with no such chain either way are concurrent (a ∥ b).",
            "A Lamport clock is a counter per process, starting at 0. Every event that is not a \
             receipt adds one to it; a message carries the sender's value; a receipt sets the \
             counter to the larger of its own value and the carried one, plus one. So a → b \
             always gives L(a) < L(b), but L(a) < L(b) does not tell you that a → b.",
            "A vector clock keeps one counter per process and merges entry by entry on receipt. \
             Now the order is exact: a → b exactly when V(a) ≤ V(b) in every entry and they differ.",
        ],
    }
}
