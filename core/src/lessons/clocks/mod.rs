//! The clocks lesson: happens-before, Lamport and vector clocks, on diagrams written event by
//! event (the scripted protocol), drawn by hand, or imported from a real log.
//!
//! ## Exercises
//!
//! [`exercises`] gives five kinds, each on a random scripted run whose size the level
//! sets (easy: 2–3 processes, 4–6 events, 1–2 messages; medium: 3 processes, 7–10 events, 3–4
//! messages; hard: 4 processes, 11–16 events, 5–7 messages, whose arrows may cross):
//!
//! | id                   | asks for                                          | form         |
//! |----------------------|---------------------------------------------------|--------------|
//! | `lamport`            | the Lamport timestamp of every event              | `Fill`       |
//! | `vector`             | the vector clock of every event                   | `Fill`       |
//! | `relation`           | how two marked events relate: →, ← or ∥           | `Choice`     |
//! | `lamport-not-causal` | a and b with L(a) < L(b) and yet a ∥ b            | `PickEvents` |
//! | `missing-message`    | the send and receipt of the one hidden arrow      | `PickEvents` |

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::ProtocolInfo;

pub mod exercises;
pub mod import;
pub mod scripted;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "clocks",
        title: "Clocks",
        protocols: || vec![ProtocolInfo::of::<scripted::Scripted>()],
        exercises: || {
            let kinds: [&'static dyn ExerciseKind; 5] = [
                &exercises::Lamport,
                &exercises::Vector,
                &exercises::RelationKind,
                &exercises::LamportNotCausal,
                &exercises::MissingMessage,
            ];
            kinds.to_vec()
        },
        draws_logs: Some(import::draw),
    }
}
