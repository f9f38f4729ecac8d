//! The clocks lesson: happens-before, Lamport and vector clocks, on diagrams written event by
//! event (the scripted protocol), drawn by hand, or imported from a real log.

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
    }
}
