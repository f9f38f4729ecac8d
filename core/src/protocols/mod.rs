//! The protocols Spacetime ships. A new protocol is one file here and one line in [`all`].

use crate::protocol::ProtocolInfo;
use crate::scenario::Scenario;

pub mod broadcast;
pub mod generals;
pub mod gossip;
pub mod mapreduce;
pub mod multipaxos;
pub mod paxos;
pub mod rpc;
pub mod scripted;
pub mod tcp;
pub mod udp;

/// Every protocol, in the order the lessons come.
pub fn all() -> Vec<ProtocolInfo> {
    vec![
        ProtocolInfo::of::<scripted::Scripted>(),
        ProtocolInfo::of::<broadcast::Broadcast>(),
        ProtocolInfo::of::<gossip::Gossip>(),
        ProtocolInfo::of::<tcp::Tcp>(),
        ProtocolInfo::of::<udp::Udp>(),
        ProtocolInfo::of::<rpc::Rpc>(),
        ProtocolInfo::of::<generals::Generals>(),
        ProtocolInfo::of::<paxos::Paxos>(),
        ProtocolInfo::of::<multipaxos::MultiPaxos>(),
        ProtocolInfo::of::<mapreduce::MapReduce>(),
    ]
}

/// The protocol a scenario names.
pub fn find(name: &str) -> Option<ProtocolInfo> {
    all().into_iter().find(|p| p.name == name)
}

/// Every built-in scenario, in lesson order.
pub fn examples() -> Vec<Scenario> {
    all().iter().flat_map(|p| (p.examples)()).collect()
}

/// The built-in scenario called `name`.
pub fn example(name: &str) -> Option<Scenario> {
    examples().into_iter().find(|s| s.name == name)
}
