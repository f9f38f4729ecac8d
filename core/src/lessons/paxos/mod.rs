//! The Paxos lesson: single-decree Paxos (and two deliberately broken variants), and
//! Multi-Paxos with a stable leader.

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::ProtocolInfo;

pub mod exercises;
pub mod multipaxos;
#[allow(clippy::module_inception)]
pub mod paxos;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "paxos",
        title: "Paxos",
        protocols: || {
            vec![
                ProtocolInfo::of::<paxos::Paxos>(),
                ProtocolInfo::of::<multipaxos::MultiPaxos>(),
            ]
        },
        exercises: || {
            let kinds: [&'static dyn ExerciseKind; 3] = [
                &exercises::BreakAgreement,
                &exercises::WhichValue,
                &exercises::Quorum,
            ];
            kinds.to_vec()
        },
    }
}
