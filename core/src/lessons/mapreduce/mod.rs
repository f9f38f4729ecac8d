//! The MapReduce lesson: a coordinator and workers running a job through map, shuffle and
//! reduce, with worker crashes, re-execution and backup tasks.
//!
//! ## Exercises
//!
//! [`exercises`] gives three kinds, on word counts run by a coordinator and workers
//! `W1`, ... (levels and details in [`exercises`]):
//!
//! | id              | asks for                                                   | form     |
//! |-----------------|------------------------------------------------------------|----------|
//! | `rerun-tasks`   | the tasks that run again if a worker crashed at the cursor | `Choice` |
//! | `which-reducer` | the reduce task that gets every pair of a word             | `Choice` |
//! | `backup-time`   | the job's completion time with backup tasks and without    | `Choice` |

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
        draws_logs: None,
    }
}
