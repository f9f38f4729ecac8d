//! The "System models" lesson: what a distributed algorithm may assume about time and failures,
//! and what those assumptions buy. A synchronous system has a known bound on every message, an
//! asynchronous one has none, and a partially synchronous one has a bound only from an unknown
//! global stabilisation time (GST) on. Processes fail by crashing (fail-stop when crashes can be
//! detected reliably, fail-noisy when only eventually, fail-silent when never), by crashing and
//! coming back (fail-recovery), or arbitrarily (fail-arbitrary, Byzantine).
//!
//! [`detector`] shows the difference the timing model makes: the same heartbeats and timeouts
//! make a perfect failure detector in a synchronous system, only an eventually perfect one under
//! partial synchrony, and neither in an asynchronous one; and a leader election on top of them.

pub mod detector;

use super::LessonInfo;
use crate::protocol::ProtocolInfo;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "models",
        title: "System models",
        protocols: || vec![ProtocolInfo::of::<detector::Detector>()],
        exercises: super::no_exercises,
        draws_logs: None,
    }
}
