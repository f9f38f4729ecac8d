//! The delivery lesson: the Two Generals, UDP, TCP and RPC over a network that loses, delays
//! and duplicates.

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::ProtocolInfo;

pub mod exercises;
pub mod generals;
pub mod rpc;
pub mod tcp;
pub mod udp;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "delivery",
        title: "Delivery",
        protocols: || {
            vec![
                ProtocolInfo::of::<generals::Generals>(),
                ProtocolInfo::of::<udp::Udp>(),
                ProtocolInfo::of::<tcp::Tcp>(),
                ProtocolInfo::of::<rpc::Rpc>(),
            ]
        },
        exercises: || {
            let kinds: [&'static dyn ExerciseKind; 3] = [
                &exercises::NextSegment,
                &exercises::Retransmissions,
                &exercises::Rto,
            ];
            kinds.to_vec()
        },
        draws_logs: None,
    }
}

pub(crate) use crate::protocol::variant_of;
