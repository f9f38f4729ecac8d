//! The protocol registry: every protocol of every lesson, as [`crate::lessons::all`] lists
//! them. A new protocol lives in its lesson's folder and is listed by its lesson; nothing here
//! changes.

use crate::protocol::ProtocolInfo;
use crate::scenario::Scenario;

/// Every protocol, in the order the lessons come.
pub fn all() -> Vec<ProtocolInfo> {
    crate::lessons::all()
        .iter()
        .flat_map(|l| l.protocols())
        .collect()
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
