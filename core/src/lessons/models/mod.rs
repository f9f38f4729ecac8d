//! The system models lesson: what processes and links may do (crash, lose, duplicate, create),
//! and the two kinds of property every specification is made of, safety and liveness.
//!
//! Its protocols come from their own modules; this file lists what is here so far.

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

pub mod exercises;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "models",
        title: "System models",
        protocols: Vec::<ProtocolInfo>::new,
        exercises: exercises::kinds,
        draws_logs: None,
    }
}
