//! The Paxos lesson: single-decree Paxos (and two deliberately broken variants), and
//! Multi-Paxos with a stable leader.
//!
//! ## Exercises
//!
//! [`exercises`] gives three kinds, on runs of single-decree Paxos with proposers `P1`,
//! ..., acceptors `A1`, ... and a learner `L1` (levels and details in [`exercises`]):
//!
//! | id                | asks for                                                 | form         |
//! |-------------------|----------------------------------------------------------|--------------|
//! | `break-agreement` | a schedule that makes a broken variant choose two values | `Intervene`  |
//! | `which-value`     | the value a proposer must propose after its promises     | `Choice`     |
//! | `quorum`          | the acceptances of a majority, in one ballot             | `PickEvents` |
//!
//! `break-agreement` is judged by running the learner's interventions: right when `agreement`
//! fails. Its solution is a schedule [`crate::search::find_violation`] found.

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
        draws_logs: None,
    }
}
