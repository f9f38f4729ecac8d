//! The system models lesson: what a process may assume about the links between processes, and
//! how a stronger link is built on a weaker one.

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

pub mod links;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "models",
        title: "System models",
        protocols: || vec![ProtocolInfo::of::<links::Links>()],
        exercises: super::no_exercises,
        draws_logs: None,
    }
}
