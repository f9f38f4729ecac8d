//! The gossip lesson: epidemic dissemination, each process passing a rumour to a few peers
//! picked at random.

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

#[allow(clippy::module_inception)]
pub mod gossip;
pub mod sweep;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "gossip",
        title: "Gossip",
        protocols: || vec![ProtocolInfo::of::<gossip::Gossip>()],
        exercises: super::no_exercises,
        draws_logs: None,
    }
}
