//! # System models: what an algorithm may assume about time, processes and links
//!
//! Every algorithm of the course is correct only under a *system model*: assumptions about how
//! long a message may take, how a process may fail and what a link may do. This lesson makes
//! each assumption something to switch on and off and watch.
//!
//! **Timing** is the engine's ([`crate::scenario::Timing`], for every protocol): a synchronous
//! system has a known bound on every message (and moves in rounds), an asynchronous one has
//! none, and a partially synchronous one has a bound only from an unknown global stabilisation
//! time (GST) on.
//!
//! **Processes** fail by crashing (fail-stop when crashes can be detected reliably, fail-noisy
//! when only eventually, fail-silent when never), by crashing and coming back (fail-recovery),
//! by omitting messages, or arbitrarily (Byzantine).
//!
//! **Properties** are safety (nothing bad ever happens: a counterexample is a finite prefix) or
//! liveness (something good eventually happens: a counterexample is a whole run); the
//! [`exercises`] ask the learner to tell them apart.
//!
//! [`links`] stacks link layers: fair-loss (the network itself), stubborn (send again
//! forever) and perfect (stubborn, and deliver each message once).
//!
//! [`detector`] shows the difference the timing model makes: the same heartbeats and timeouts
//! make a perfect failure detector in a synchronous system, only an eventually perfect one under
//! partial synchrony, and neither in an asynchronous one; and a leader election on top of them.
//!
//! ```
//! use spacetime_core::lessons;
//!
//! let models = lessons::find("models").unwrap();
//! assert!(models.scenarios().len() >= 8);
//! assert!(models.exercises().iter().any(|k| k.id() == "safety-or-liveness"));
//! ```

pub mod detector;
pub mod exercises;
pub mod links;

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "models",
        title: "System models",
        protocols: || {
            vec![
                ProtocolInfo::of::<links::Links>(),
                ProtocolInfo::of::<detector::Detector>(),
            ]
        },
        exercises: exercises::kinds,
        draws_logs: None,
    }
}
