//! The MapReduce lesson: a coordinator and workers running a job through map, shuffle and
//! reduce, with worker crashes, re-execution and backup tasks.

use super::LessonInfo;
use crate::exercise::ExerciseKind;
use crate::protocol::ProtocolInfo;

pub mod exercises;
#[allow(clippy::module_inception)]
pub mod mapreduce;

pub fn lesson() -> LessonInfo {
    LessonInfo {
        id: "mapreduce",
        title: "MapReduce",
        protocols: || vec![ProtocolInfo::of::<mapreduce::MapReduce>()],
        exercises: || {
            let kinds: [&'static dyn ExerciseKind; 3] = [
                &exercises::RerunTasks,
                &exercises::WhichReducer,
                &exercises::BackupTime,
            ];
            kinds.to_vec()
        },
    }
}
