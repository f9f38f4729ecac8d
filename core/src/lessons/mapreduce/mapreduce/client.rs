//! The client: it submits the job, polls the coordinator, and outputs the result (or gives up).

use super::*;

#[derive(Clone, Debug, PartialEq, Eq)]
enum ClientJob {
    NotSubmitted,
    Waiting,
    Completed(usize),
    Aborted,
}

#[derive(Clone, Debug)]
pub(super) struct Client {
    job: ClientJob,
    /// Whether a poll is waiting for its answer (its timer runs).
    awaiting: bool,
}

impl Client {
    pub(super) fn new() -> Self {
        Client {
            job: ClientJob::NotSubmitted,
            awaiting: false,
        }
    }

    pub(super) fn start(&mut self, s: &Shared, ctx: Ctx) {
        self.job = ClientJob::Waiting;
        ctx.note(format!(
            "The client submits a {} job over {} to {}, then polls it every {} ticks",
            s.job.describe(),
            count_of(s.maps(), "split"),
            s.name(COORDINATOR),
            s.poll
        ));
        ctx.send(
            COORDINATOR,
            MapReduceMessage::Submit {
                job: s.job.describe(),
            },
        );
        ctx.set_pacing_timer(POLL_TIMER, s.poll);
    }

    pub(super) fn on_timer(&mut self, s: &Shared, ctx: Ctx, timer: &str) {
        if self.job != ClientJob::Waiting {
            return;
        }
        if timer == POLL_TIMER {
            ctx.send(COORDINATOR, MapReduceMessage::StatusRequest);
            if !self.awaiting {
                self.awaiting = true;
                ctx.set_timer(s.timeout_timer(COORDINATOR), s.timeout);
            }
            ctx.set_pacing_timer(POLL_TIMER, s.poll);
        } else if timer == s.timeout_timer(COORDINATOR) {
            self.awaiting = false;
            self.abort(
                s,
                ctx,
                format!(
                    "{} did not answer for {} ticks",
                    s.name(COORDINATOR),
                    s.timeout
                ),
            );
            ctx.note(format!(
                "{} has not answered the client's poll for {} ticks: the client takes it for \
                 crashed, and with it the job, since only the coordinator knew which tasks were \
                 done and where their output is",
                s.name(COORDINATOR),
                s.timeout
            ));
        }
    }

    fn abort(&mut self, s: &Shared, ctx: Ctx, reason: String) {
        self.job = ClientJob::Aborted;
        ctx.output_fact("job", JobOutcome::Aborted { reason });
        ctx.cancel_timer(POLL_TIMER);
        ctx.cancel_timer(s.timeout_timer(COORDINATOR));
    }

    fn answered(&mut self, s: &Shared, ctx: Ctx) {
        if self.awaiting {
            self.awaiting = false;
            ctx.cancel_timer(s.timeout_timer(COORDINATOR));
        }
    }

    pub(super) fn on_message(&mut self, s: &Shared, ctx: Ctx, message: MapReduceMessage) {
        if self.job != ClientJob::Waiting {
            return;
        }
        match message {
            MapReduceMessage::Status { .. } => self.answered(s, ctx),
            MapReduceMessage::NoJob { restarted } => {
                self.answered(s, ctx);
                if restarted {
                    self.abort(
                        s,
                        ctx,
                        format!("{} restarted and lost the job", s.name(COORDINATOR)),
                    );
                    ctx.note(format!(
                        "{} has crashed and come back knowing nothing of the job: the client \
                         gives up on it",
                        s.name(COORDINATOR)
                    ));
                } else {
                    ctx.note(format!(
                        "{} has not heard of the job yet: the client submits it again",
                        s.name(COORDINATOR)
                    ));
                    ctx.send(
                        COORDINATOR,
                        MapReduceMessage::Submit {
                            job: s.job.describe(),
                        },
                    );
                }
            }
            MapReduceMessage::Result { lines } => {
                self.answered(s, ctx);
                ctx.cancel_timer(POLL_TIMER);
                for (key, value) in lines.iter() {
                    ctx.output_fact(
                        "emit",
                        Emitted {
                            key: key.clone(),
                            value: value.clone(),
                        },
                    );
                }
                let at = ctx.now();
                ctx.output_fact(
                    "job",
                    JobOutcome::Completed {
                        at,
                        lines: lines.len(),
                    },
                );
                self.job = ClientJob::Completed(lines.len());
                ctx.note(format!(
                    "The job is done: the client outputs its {}, in key order",
                    count_of(lines.len(), "line")
                ));
            }
            _ => {}
        }
    }

    pub(super) fn on_recover(&mut self, s: &Shared, ctx: Ctx) {
        if self.job == ClientJob::Waiting {
            self.awaiting = false;
            ctx.set_pacing_timer(POLL_TIMER, s.poll);
        }
    }

    pub(super) fn fields(&self) -> Vec<Field> {
        let job = match self.job {
            ClientJob::NotSubmitted => "not submitted".to_string(),
            ClientJob::Waiting => "waiting".to_string(),
            ClientJob::Completed(n) => format!("completed ({})", count_of(n, "line")),
            ClientJob::Aborted => "aborted".to_string(),
        };
        vec![Field::new("role", "client"), Field::new("job", job)]
    }
}
