//! The delivery lesson: the Two Generals, UDP, TCP and RPC over a network that loses, delays
//! and duplicates.

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::{Protocol, ProtocolInfo, VariantInfo};
use crate::scenario::ScenarioError;

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

/// The variant of `P` named `variant` (the first, its default, if `variant` is empty); an
/// unknown name is an error on the field `variant` that lists the known ones.
pub(crate) fn variant_of<P: Protocol>(
    variant: &str,
) -> Result<&'static VariantInfo, ScenarioError> {
    let variants = P::variants();
    if variant.is_empty() {
        return Ok(&variants[0]);
    }
    variants.iter().find(|v| v.name == variant).ok_or_else(|| {
        let known: Vec<&str> = variants.iter().map(|v| v.name).collect();
        ScenarioError::invalid(
            "variant",
            format!(
                "{} has no variant \"{variant}\"; its variants are {}",
                P::NAME,
                known.join(", ")
            ),
        )
    })
}
