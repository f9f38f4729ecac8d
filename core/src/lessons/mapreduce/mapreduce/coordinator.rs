//! The coordinator: it tracks every task as idle, in progress or completed, hands tasks to free
//! workers, pings them to learn of crashes, re-runs what a crash lost, starts backup copies near
//! the end, and keeps the finished output files (the global file system).

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobState {
    None,
    Running,
    Done,
}

/// One running copy of a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Attempt {
    worker: ProcessId,
    since: Time,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Idle,
    Running(Vec<Attempt>),
    /// Completed on this worker (for a map task, where its output is).
    Completed(ProcessId),
}

/// What the coordinator believes about a worker.
#[derive(Clone, Debug)]
struct WorkerView {
    alive: bool,
    incarnation: u32,
    /// What it runs: at most one map task and one reduce task (a slot for each).
    busy: BTreeSet<Task>,
    /// Whether a ping waits for its pong (the timeout runs).
    awaiting: bool,
    /// How many map and reduce tasks it has been given; assignments carry the number.
    seq: [u64; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hearing {
    /// From an incarnation that has since restarted: ignore.
    Stale,
    Current,
    /// From a worker counted as dead, which is alive after all.
    Revived,
    /// From a newer incarnation: the worker restarted.
    Restarted,
}

#[derive(Clone, Debug)]
pub(super) struct Coordinator {
    job: JobState,
    /// How often it has crashed (kept on stable storage).
    restarts: u32,
    /// How many rounds of pings it has sent.
    pings: u32,
    maps: Vec<Status>,
    reduces: Vec<Status>,
    /// How many copies of each task have been started, to say "again" in the narration.
    started: BTreeMap<Task, u32>,
    /// The finished output files `mr-out-r` (the global file system).
    files: BTreeMap<usize, Arc<[Pair]>>,
    workers: Vec<WorkerView>,
    result: Option<Arc<[Pair]>>,
}

impl Coordinator {
    pub(super) fn new(s: &Shared) -> Self {
        Coordinator {
            job: JobState::None,
            restarts: 0,
            pings: 0,
            maps: vec![Status::Idle; s.maps()],
            reduces: vec![Status::Idle; s.reducers],
            started: BTreeMap::new(),
            files: BTreeMap::new(),
            workers: s
                .workers()
                .map(|_| WorkerView {
                    alive: true,
                    incarnation: 0,
                    busy: BTreeSet::new(),
                    awaiting: false,
                    seq: [0, 0],
                })
                .collect(),
            result: None,
        }
    }

    /// A crash: everything is forgotten but how often it happened.
    pub(super) fn crash(&mut self, s: &Shared) {
        let restarts = self.restarts + 1;
        *self = Coordinator::new(s);
        self.restarts = restarts;
    }

    fn status(&self, t: Task) -> &Status {
        match t {
            Task::Map(m) => &self.maps[m],
            Task::Reduce(r) => &self.reduces[r],
        }
    }

    fn status_mut(&mut self, t: Task) -> &mut Status {
        match t {
            Task::Map(m) => &mut self.maps[m],
            Task::Reduce(r) => &mut self.reduces[r],
        }
    }

    fn view(&mut self, w: ProcessId) -> &mut WorkerView {
        &mut self.workers[w - FIRST_WORKER]
    }

    fn maps_done(&self) -> usize {
        self.maps
            .iter()
            .filter(|s| matches!(s, Status::Completed(_)))
            .count()
    }

    fn reduces_done(&self) -> usize {
        self.reduces
            .iter()
            .filter(|s| matches!(s, Status::Completed(_)))
            .count()
    }

    fn all_maps_done(&self) -> bool {
        self.maps_done() == self.maps.len()
    }

    /// Where every completed map task's output is.
    fn locations(&self, s: &Shared) -> Vec<(usize, ProcessId, String)> {
        self.maps
            .iter()
            .enumerate()
            .filter_map(|(m, st)| match st {
                Status::Completed(w) => Some((m, *w, s.name(*w).to_string())),
                _ => None,
            })
            .collect()
    }

    /// The workers running a copy of some reduce task.
    fn reducers(&self) -> BTreeSet<ProcessId> {
        self.reduces
            .iter()
            .filter_map(|st| match st {
                Status::Running(copies) => Some(copies.iter().map(|c| c.worker)),
                _ => None,
            })
            .flatten()
            .collect()
    }

    pub(super) fn on_message(
        &mut self,
        s: &Shared,
        ctx: Ctx,
        from: ProcessId,
        message: MapReduceMessage,
    ) {
        use MapReduceMessage::*;
        let from_worker = from >= FIRST_WORKER && from < s.names.len();
        match message {
            Submit { .. } if from == CLIENT => self.submit(s, ctx),
            StatusRequest if from == CLIENT => self.status_request(s, ctx),
            Pong { incarnation, doing } if from_worker => {
                self.pong(s, ctx, from, incarnation, doing)
            }
            MapDone {
                m,
                incarnation,
                sizes,
            } if from_worker && m < s.maps() => self.map_done(s, ctx, from, m, incarnation, &sizes),
            ReduceDone {
                r,
                incarnation,
                output,
            } if from_worker && r < s.reducers => {
                self.reduce_done(s, ctx, from, r, incarnation, output)
            }
            _ => {}
        }
        self.schedule(s, ctx);
    }

    fn submit(&mut self, s: &Shared, ctx: Ctx) {
        if self.job != JobState::None {
            ctx.note("The coordinator already has this job and ignores the second submission");
            return;
        }
        self.job = JobState::Running;
        ctx.note(format!(
            "The coordinator takes the job: {} over {} and {}, every task idle for now. It \
             will ping the workers every {} ticks to learn of crashes",
            s.job.describe(),
            count_of(s.maps(), "map task"),
            count_of(s.reducers, "reduce task"),
            s.heartbeat
        ));
        ctx.set_pacing_timer(HEARTBEAT_TIMER, s.heartbeat);
    }

    fn status_request(&mut self, s: &Shared, ctx: Ctx) {
        let answer = match self.job {
            JobState::None => MapReduceMessage::NoJob {
                restarted: self.restarts > 0,
            },
            JobState::Running => MapReduceMessage::Status {
                maps_done: self.maps_done(),
                maps: s.maps(),
                reduces_done: self.reduces_done(),
                reduces: s.reducers,
            },
            JobState::Done => MapReduceMessage::Result {
                lines: self.result.clone().unwrap_or_else(|| Arc::from([])),
            },
        };
        ctx.send(CLIENT, answer);
    }

    /// Make sense of a message from worker `w` sent in `incarnation`.
    fn hear(&mut self, s: &Shared, ctx: Ctx, w: ProcessId, incarnation: u32) -> Hearing {
        let view = self.view(w);
        if incarnation < view.incarnation {
            return Hearing::Stale;
        }
        if incarnation > view.incarnation {
            let was_alive = view.alive;
            ctx.note(format!(
                "{} has restarted since the coordinator last heard from it: whatever was on its \
                 local disk is gone",
                s.name(w)
            ));
            if was_alive {
                self.lose_worker(s, ctx, w);
            }
            let view = self.view(w);
            view.incarnation = incarnation;
            view.alive = true;
            view.busy.clear();
            return Hearing::Restarted;
        }
        if !view.alive {
            view.alive = true;
            ctx.note(format!(
                "{} answers after all: it was slow, not dead. The coordinator counts on it \
                 again; the tasks it had were already put back to be run elsewhere",
                s.name(w)
            ));
            return Hearing::Revived;
        }
        Hearing::Current
    }

    fn pong(&mut self, s: &Shared, ctx: Ctx, w: ProcessId, incarnation: u32, doing: Vec<Task>) {
        if self.job != JobState::Running {
            return;
        }
        let hearing = self.hear(s, ctx, w, incarnation);
        if hearing == Hearing::Stale {
            return;
        }
        let view = self.view(w);
        if view.awaiting {
            view.awaiting = false;
            ctx.cancel_timer(s.timeout_timer(w));
        }
        for t in doing {
            self.adopt(s, ctx, w, t);
        }
    }

    /// Worker `w` says it runs task `t`. If the coordinator thought that slot of `w` free (it
    /// had written `w` off, or `w` took an assignment sent just before it was written off), and
    /// `t` is not completed, it counts that copy (again). A report that crossed a newer
    /// assignment, or a finished task's report, changes nothing.
    fn adopt(&mut self, s: &Shared, ctx: Ctx, w: ProcessId, t: Task) {
        let now = ctx.now();
        let view = self.view(w);
        if view.busy.iter().any(|b| b.is_map() == t.is_map()) {
            return;
        }
        if matches!(self.status(t), Status::Completed(_)) {
            return;
        }
        self.view(w).busy.insert(t);
        let copy = Attempt {
            worker: w,
            since: now,
        };
        match self.status_mut(t) {
            Status::Running(copies) => {
                if copies.iter().any(|c| c.worker == w) {
                    return;
                }
                copies.push(copy);
            }
            status => *status = Status::Running(vec![copy]),
        }
        report(s, ctx, t, TaskChange::InProgress, Some(w));
        ctx.note(format!(
            "{} says it is working on {t}: the coordinator counts that copy again",
            s.name(w)
        ));
        if let Task::Reduce(_) = t {
            let locations = self.locations(s);
            if !locations.is_empty() {
                ctx.send(w, MapReduceMessage::Location { locations });
            }
        }
    }

    /// Worker `w` is dead, or has restarted: what it was doing, and the map output on its disk,
    /// must be done again.
    fn lose_worker(&mut self, s: &Shared, ctx: Ctx, w: ProcessId) {
        let name = s.name(w).to_string();
        let mut running = Vec::new();
        let mut outputs = Vec::new();
        for t in s.all_tasks() {
            let status = self.status_mut(t);
            let mut idle = false;
            match status {
                Status::Running(copies) => {
                    if let Some(i) = copies.iter().position(|c| c.worker == w) {
                        copies.remove(i);
                        report(s, ctx, t, TaskChange::Lost, Some(w));
                        running.push(t.to_string());
                        idle = copies.is_empty();
                    }
                }
                Status::Completed(holder) if *holder == w && matches!(t, Task::Map(_)) => {
                    outputs.push(t.to_string());
                    idle = true;
                }
                _ => {}
            }
            if idle {
                *status = Status::Idle;
                report(s, ctx, t, TaskChange::Idle, None);
            }
        }
        self.view(w).busy.clear();
        let mut said = Vec::new();
        if !running.is_empty() {
            said.push(format!(
                "what it was running ({}) must run elsewhere",
                and_list(&running)
            ));
        }
        if !outputs.is_empty() {
            said.push(format!(
                "its completed {} must run again too, because {} on {name}'s local disk, \
                 which nobody can read now",
                and_list(&outputs),
                if outputs.len() == 1 {
                    "the output was"
                } else {
                    "their output was"
                }
            ));
        }
        if said.is_empty() {
            ctx.note(format!("{name} had nothing the job still needs"));
        } else {
            ctx.note(format!("{}{}", upper_first(&said.join("; ")), {
                if self.reduces_done() > 0 {
                    ". Finished reduce output is safe in the global file system"
                } else {
                    ""
                }
            }));
        }
    }

    fn map_done(
        &mut self,
        s: &Shared,
        ctx: Ctx,
        w: ProcessId,
        m: usize,
        incarnation: u32,
        sizes: &[usize],
    ) {
        if self.job != JobState::Running {
            return;
        }
        let t = Task::Map(m);
        let name = s.name(w).to_string();
        if self.hear(s, ctx, w, incarnation) == Hearing::Stale {
            ctx.note(format!(
                "This report of {t} comes from before {name} restarted: the output it announces \
                 was lost in the crash, so the coordinator ignores it"
            ));
            return;
        }
        self.view(w).busy.remove(&t);
        if let Status::Completed(first) = self.maps[m] {
            report(s, ctx, t, TaskChange::Discarded, Some(w));
            ctx.note(format!(
                "{} was already done by {}: the coordinator ignores {name}'s copy",
                upper_first(&t.to_string()),
                s.name(first)
            ));
            return;
        }
        let before = self.all_maps_done();
        let others = self.complete(s, t, w);
        report(s, ctx, t, TaskChange::Completed, Some(w));
        let sizes: Vec<String> = sizes.iter().map(usize::to_string).collect();
        let mut note = format!(
            "{} is completed: its output sits on {name}'s disk in regions of {} pairs, one per \
             reduce task",
            upper_first(&t.to_string()),
            and_list(&sizes)
        );
        if !others.is_empty() {
            note.push_str(&format!(
                ". The copy on {} has lost the race: the coordinator will ignore its result, and \
                 counts that slot as free",
                and_list(&others)
            ));
        }
        ctx.note(note);
        let reducers = self.reducers();
        if !reducers.is_empty() {
            let names: Vec<String> = reducers.iter().map(|&r| s.name(r).to_string()).collect();
            ctx.note(format!(
                "The coordinator tells the running reduce tasks ({}) where {t}'s output is now",
                and_list(&names)
            ));
            for r in reducers {
                ctx.send(
                    r,
                    MapReduceMessage::Location {
                        locations: vec![(m, w, name.clone())],
                    },
                );
            }
        }
        if !before && self.all_maps_done() {
            ctx.note(if self.reduces_done() + self.reducers().len() == 0 {
                "Every map task is completed: the reduce tasks may start"
            } else {
                "Every map task is completed again"
            });
        }
    }

    fn reduce_done(
        &mut self,
        s: &Shared,
        ctx: Ctx,
        w: ProcessId,
        r: usize,
        incarnation: u32,
        output: Arc<[Pair]>,
    ) {
        if self.job != JobState::Running {
            return;
        }
        let t = Task::Reduce(r);
        let name = s.name(w).to_string();
        if self.hear(s, ctx, w, incarnation) != Hearing::Stale {
            self.view(w).busy.remove(&t);
        }
        if let Status::Completed(first) = self.reduces[r] {
            report(s, ctx, t, TaskChange::Discarded, Some(w));
            ctx.note(format!(
                "mr-out-{r} already exists, written by {}: {name}'s rename changes nothing, the \
                 two files being identical",
                s.name(first)
            ));
            return;
        }
        let others = self.complete(s, t, w);
        self.files.insert(r, output);
        report(s, ctx, t, TaskChange::Completed, Some(w));
        let mut note = format!(
            "Reduce {r} is completed: mr-out-{r} is in the global file system and stays there, \
             whatever happens to {name} now"
        );
        if !others.is_empty() {
            note.push_str(&format!(
                ". The copy on {} has lost the race: the coordinator will ignore it, and counts \
                 that slot as free",
                and_list(&others)
            ));
        }
        ctx.note(note);
        if self.reduces_done() == s.reducers {
            self.finish(s, ctx);
        }
    }

    /// Mark `t` completed by `w`. The other copies still running are ignored from now on: their
    /// workers' slots count as free (a new assignment replaces the pointless copy). Returns
    /// those workers' names.
    fn complete(&mut self, s: &Shared, t: Task, w: ProcessId) -> Vec<String> {
        let status = std::mem::replace(self.status_mut(t), Status::Completed(w));
        let mut others = Vec::new();
        if let Status::Running(copies) = status {
            for c in copies.into_iter().filter(|c| c.worker != w) {
                self.view(c.worker).busy.remove(&t);
                others.push(s.name(c.worker).to_string());
            }
        }
        others
    }

    fn finish(&mut self, s: &Shared, ctx: Ctx) {
        self.job = JobState::Done;
        let mut lines: Vec<Pair> = self
            .files
            .values()
            .flat_map(|f| f.iter().cloned())
            .collect();
        lines.sort_by(|a, b| key_order(&s.job, &a.0, &b.0));
        let lines: Arc<[Pair]> = Arc::from(lines);
        self.result = Some(lines.clone());
        ctx.cancel_timer(HEARTBEAT_TIMER);
        for w in s.workers() {
            let view = self.view(w);
            if view.awaiting {
                view.awaiting = false;
                ctx.cancel_timer(s.timeout_timer(w));
            }
        }
        ctx.note(format!(
            "Every reduce task is completed: the job is done. The coordinator sends the client \
             the {} of the output files and stops pinging the workers",
            count_of(lines.len(), "line")
        ));
        ctx.send(CLIENT, MapReduceMessage::Result { lines });
    }

    fn heartbeat(&mut self, s: &Shared, ctx: Ctx) {
        if self.job != JobState::Running {
            return;
        }
        for w in s.workers() {
            ctx.send(w, MapReduceMessage::Ping);
            let view = self.view(w);
            if view.alive && !view.awaiting {
                view.awaiting = true;
                ctx.set_timer(s.timeout_timer(w), s.timeout);
            }
        }
        self.pings += 1;
        if self.pings == 1 {
            ctx.note(format!(
                "The coordinator pings every worker: one that has not answered within {} ticks \
                 is counted as dead",
                s.timeout
            ));
        } else {
            ctx.note("The coordinator pings every worker again");
        }
        ctx.set_pacing_timer(HEARTBEAT_TIMER, s.heartbeat);
    }

    fn timed_out(&mut self, s: &Shared, ctx: Ctx, w: ProcessId) {
        let running = self.job == JobState::Running;
        let view = self.view(w);
        view.awaiting = false;
        if !running || !view.alive {
            return;
        }
        view.alive = false;
        ctx.note(format!(
            "{} has not answered its ping for {} ticks: the coordinator counts it as dead",
            s.name(w),
            s.timeout
        ));
        self.lose_worker(s, ctx, w);
        self.schedule(s, ctx);
    }

    pub(super) fn on_timer(&mut self, s: &Shared, ctx: Ctx, timer: &str) {
        if timer == HEARTBEAT_TIMER {
            self.heartbeat(s, ctx);
        } else if let Some(w) = s.workers().find(|&w| s.timeout_timer(w) == timer) {
            self.timed_out(s, ctx, w);
        }
    }

    /// Give every free slot something to do. A free map slot takes an idle map task, or near
    /// the end of the map phase a backup copy; a free reduce slot, once every map task is
    /// completed, takes an idle reduce task, or near the end a backup copy.
    fn schedule(&mut self, s: &Shared, ctx: Ctx) {
        if self.job != JobState::Running {
            return;
        }
        for w in s.workers() {
            for maps in [true, false] {
                let view = &self.workers[w - FIRST_WORKER];
                if !view.alive || view.busy.iter().any(|t| t.is_map() == maps) {
                    continue;
                }
                if let Some(t) = self.next_idle(maps) {
                    self.assign(s, ctx, w, t, false);
                } else if s.backups {
                    if let Some(t) = self.backup_candidate(s, w, maps) {
                        self.assign(s, ctx, w, t, true);
                    }
                }
            }
        }
    }

    /// The first idle map task, or the first idle reduce task if every map task is completed.
    fn next_idle(&self, maps: bool) -> Option<Task> {
        if maps {
            let m = self.maps.iter().position(|st| *st == Status::Idle)?;
            return Some(Task::Map(m));
        }
        if !self.all_maps_done() {
            return None;
        }
        let r = self.reduces.iter().position(|st| *st == Status::Idle)?;
        Some(Task::Reduce(r))
    }

    /// The in-progress map (or reduce) task that most deserves a backup copy on `w`, if the
    /// phase is nearly done: the one whose only copy has run longest.
    fn backup_candidate(&self, s: &Shared, w: ProcessId, maps: bool) -> Option<Task> {
        // The map phase runs while any map task is not completed, then the reduce phase.
        if maps == self.all_maps_done() {
            return None;
        }
        let (phase, make): (&[Status], fn(usize) -> Task) = if maps {
            (&self.maps, Task::Map)
        } else {
            (&self.reduces, Task::Reduce)
        };
        if phase.contains(&Status::Idle) {
            return None;
        }
        let unfinished = phase
            .iter()
            .filter(|st| !matches!(st, Status::Completed(_)))
            .count();
        if unfinished == 0 || unfinished > s.backup_limit(phase.len()) {
            return None;
        }
        phase
            .iter()
            .enumerate()
            .filter_map(|(i, st)| match st {
                Status::Running(copies) if copies.len() == 1 && copies[0].worker != w => {
                    Some((copies[0].since, i))
                }
                _ => None,
            })
            .min()
            .map(|(_, i)| make(i))
    }

    fn assign(&mut self, s: &Shared, ctx: Ctx, w: ProcessId, t: Task, backup: bool) {
        let now = ctx.now();
        let name = s.name(w).to_string();
        let restarts = self.restarts;
        let view = self.view(w);
        view.busy.retain(|b| b.is_map() != t.is_map());
        view.busy.insert(t);
        let slot = usize::from(!t.is_map());
        view.seq[slot] += 1;
        // A coordinator that restarted counts from 0 again, above anything it sent before.
        let seq = (u64::from(restarts) << 32) + view.seq[slot];
        let copy = Attempt {
            worker: w,
            since: now,
        };
        let mut original = None;
        match self.status_mut(t) {
            Status::Running(copies) => {
                original = copies.first().copied();
                copies.push(copy);
            }
            status => *status = Status::Running(vec![copy]),
        }
        let runs = self.started.entry(t).or_insert(0);
        *runs += 1;
        let again = *runs > 1;
        if backup {
            report(s, ctx, t, TaskChange::Backup, Some(w));
            let (holder, since) = original.map_or(("?", 0), |c| (s.name(c.worker), c.since));
            ctx.note(format!(
                "The phase is nearly done and {name} is free, so the coordinator starts a \
                 backup copy of {t}, running on {holder} since tick {since}: whichever copy \
                 finishes first wins"
            ));
        } else {
            report(s, ctx, t, TaskChange::InProgress, Some(w));
        }
        match t {
            Task::Map(m) => {
                if !backup {
                    let split = &s.splits[m];
                    ctx.note(format!(
                        "The coordinator gives {t}{} to {name}, which is free: split {m} is {} \
                         ({})",
                        if again { " (again)" } else { "" },
                        split.lines(),
                        count_of(split.tokens, "word")
                    ));
                }
                ctx.send(w, MapReduceMessage::Map { m, seq });
            }
            Task::Reduce(r) => {
                let locations = self.locations(s);
                if !backup {
                    let at: Vec<String> = locations
                        .iter()
                        .map(|(m, _, holder)| format!("map {m} on {holder}"))
                        .collect();
                    ctx.note(format!(
                        "The coordinator gives {t}{} to {name}, with where each map output is: \
                         {}",
                        if again { " (again)" } else { "" },
                        and_list(&at)
                    ));
                }
                ctx.send(w, MapReduceMessage::Reduce { r, seq, locations });
            }
        }
    }

    pub(super) fn fields(&self, s: &Shared) -> Vec<Field> {
        let mut fields = vec![
            Field::new("role", "coordinator"),
            Field::new(
                "maps",
                format!("{}/{} done", self.maps_done(), self.maps.len()),
            ),
            Field::new(
                "reduces",
                format!("{}/{} done", self.reduces_done(), self.reduces.len()),
            ),
        ];
        let running: Vec<String> = s
            .all_tasks()
            .filter_map(|t| match self.status(t) {
                Status::Running(copies) => {
                    let on: Vec<&str> = copies.iter().map(|c| s.name(c.worker)).collect();
                    Some(format!("{t} ({})", on.join(", ")))
                }
                _ => None,
            })
            .collect();
        if self.job == JobState::Running && !running.is_empty() {
            fields.push(Field::new("running", running.join(", ")));
        }
        let down: Vec<&str> = s
            .workers()
            .filter(|&w| !self.workers[w - FIRST_WORKER].alive)
            .map(|w| s.name(w))
            .collect();
        if self.job == JobState::Running && !down.is_empty() {
            fields.push(Field::new("down", down.join(", ")));
        }
        match self.job {
            JobState::None => fields.push(Field::new("job", "none")),
            JobState::Done => fields.push(Field::new("job", "done")),
            JobState::Running => {}
        }
        fields
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
