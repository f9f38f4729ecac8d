//! The broadcast lesson: best-effort, reliable, FIFO, causal and total-order broadcast, and
//! the sender crash that shows why each exists.

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::ProtocolInfo;

mod assumptions;
#[allow(clippy::module_inception)]
pub mod broadcast;
pub mod exercises;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "broadcast",
        title: "Broadcast",
        protocols: || vec![ProtocolInfo::of::<broadcast::Broadcast>()],
        exercises: || {
            let kinds: [&'static dyn ExerciseKind; 3] = [
                &exercises::Violations,
                &exercises::CausalOrder,
                &exercises::HoldBack,
            ];
            kinds.to_vec()
        },
        draws_logs: None,
    }
}
