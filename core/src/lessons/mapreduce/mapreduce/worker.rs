//! A worker: it runs map and reduce tasks, keeps map output on its local disk, and serves
//! regions to reducers.
//!
//! A worker has two slots, one for a map task and one for a reduce task, as Hadoop's workers
//! had: a reduce task that waits for a region does not stop its worker from running a map task,
//! which matters when the map output it waits for must be made again.

use super::*;

/// A reduce task in a worker's reduce slot.
#[derive(Clone, Debug)]
struct Reducing {
    r: usize,
    /// The regions fetched so far, by map task.
    got: BTreeMap<usize, Arc<[Pair]>>,
    /// Whether every region is in and the reduce work has begun.
    started: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Worker {
    /// How often it has restarted (kept on stable storage).
    incarnation: u32,
    /// The number of the latest map and reduce assignment it took (kept on stable storage):
    /// older or repeated ones are ignored. Each kind has its own count, so that a map
    /// assignment overtaken by a reduce assignment on the way is still taken.
    seq: [u64; 2],
    /// Map outputs on the local disk: map task → its R regions. Lost in a crash.
    disk: BTreeMap<usize, Vec<Arc<[Pair]>>>,
    /// The map task in the map slot.
    map: Option<usize>,
    /// The reduce task in the reduce slot.
    reduce: Option<Reducing>,
}

const MAP_TIMER: &str = "map work";
const REDUCE_TIMER: &str = "reduce work";

impl Worker {
    pub(super) fn new() -> Self {
        Worker {
            incarnation: 0,
            seq: [0, 0],
            disk: BTreeMap::new(),
            map: None,
            reduce: None,
        }
    }

    /// The tasks it is running.
    fn doing(&self) -> Vec<Task> {
        self.map
            .map(Task::Map)
            .into_iter()
            .chain(self.reduce.as_ref().map(|r| Task::Reduce(r.r)))
            .collect()
    }

    pub(super) fn on_message(
        &mut self,
        s: &Shared,
        ctx: Ctx,
        me: ProcessId,
        from: ProcessId,
        message: MapReduceMessage,
    ) {
        use MapReduceMessage::*;
        match message {
            Ping => ctx.send(
                from,
                Pong {
                    incarnation: self.incarnation,
                    doing: self.doing(),
                },
            ),
            Map { m, seq } if m < s.maps() => self.start_map(s, ctx, me, m, seq),
            Reduce { r, seq, locations } if r < s.reducers => {
                self.start_reduce(s, ctx, me, r, seq, locations)
            }
            Fetch { m, r } => match self.disk.get(&m).and_then(|regions| regions.get(r)) {
                Some(pairs) => ctx.send(
                    from,
                    Region {
                        m,
                        r,
                        pairs: pairs.clone(),
                    },
                ),
                None => {
                    ctx.note(format!(
                        "{} has no output of map {m} on its disk: it restarted since",
                        s.name(me)
                    ));
                    ctx.send(from, Missing { m, r });
                }
            },
            Region { m, r, pairs } => {
                let Some(reducing) = &mut self.reduce else {
                    return;
                };
                if reducing.r != r || m >= s.maps() || reducing.got.contains_key(&m) {
                    return;
                }
                reducing.got.insert(m, pairs);
                let n = reducing.got.len();
                if n < s.maps() {
                    ctx.note(format!(
                        "{} now has region {r} from {n} of the {} map outputs",
                        s.name(me),
                        s.maps()
                    ));
                }
                self.maybe_reduce(s, ctx, me);
            }
            Missing { m, .. } if self.reduce.is_some() => ctx.note(format!(
                "{} waits for the coordinator to say where map {m}'s output is now",
                s.name(me)
            )),
            Location { locations } => {
                if let Some(reducing) = &self.reduce {
                    let wanted: Vec<String> = locations
                        .iter()
                        .filter(|&&(m, holder, _)| holder != me && !reducing.got.contains_key(&m))
                        .map(|(m, _, holder)| format!("map {m} from {holder}"))
                        .collect();
                    if !wanted.is_empty() {
                        ctx.note(format!(
                            "{} learns where to fetch {} now",
                            s.name(me),
                            and_list(&wanted)
                        ));
                    }
                    for (m, holder, _) in locations {
                        self.fetch(s, ctx, me, m, holder);
                    }
                    self.maybe_reduce(s, ctx, me);
                }
            }
            _ => {}
        }
    }

    fn start_map(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, m: usize, seq: u64) {
        if !self.take(s, ctx, me, seq, Task::Map(m)) {
            return;
        }
        self.map = Some(m);
        let split = &s.splits[m];
        let time = s.work(me, split.tokens);
        ctx.set_pacing_timer(MAP_TIMER, time);
        ctx.note(format!(
            "{} reads split {m} ({}, {}) and runs the map function over it: {time} ticks{}",
            s.name(me),
            split.lines(),
            count_of(split.tokens, "word"),
            slow_note(s, me)
        ));
    }

    fn start_reduce(
        &mut self,
        s: &Shared,
        ctx: Ctx,
        me: ProcessId,
        r: usize,
        seq: u64,
        locations: Vec<(usize, ProcessId, String)>,
    ) {
        if !self.take(s, ctx, me, seq, Task::Reduce(r)) {
            return;
        }
        self.reduce = Some(Reducing {
            r,
            got: BTreeMap::new(),
            started: false,
        });
        ctx.note(format!(
            "{} starts reduce {r}: first it fetches region {r} of every map task's output",
            s.name(me)
        ));
        for (m, holder, _) in locations {
            self.fetch(s, ctx, me, m, holder);
        }
        self.maybe_reduce(s, ctx, me);
    }

    /// Take assignment number `seq`, unless it is old news.
    fn take(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, seq: u64, t: Task) -> bool {
        let slot = usize::from(!t.is_map());
        if seq <= self.seq[slot] {
            ctx.note(format!(
                "{} has had this assignment of {t} already and ignores the copy",
                s.name(me)
            ));
            return false;
        }
        self.seq[slot] = seq;
        let old = match t {
            Task::Map(_) => self.map.take().map(Task::Map),
            Task::Reduce(_) => self.reduce.take().map(|r| Task::Reduce(r.r)),
        };
        if let Some(old) = old {
            ctx.note(format!(
                "{} drops {old} to do as the coordinator now says",
                s.name(me)
            ));
            ctx.cancel_timer(match t {
                Task::Map(_) => MAP_TIMER,
                Task::Reduce(_) => REDUCE_TIMER,
            });
        }
        true
    }

    /// Get region r of map task `m` from `holder` (from the local disk if that is this worker).
    fn fetch(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, m: usize, holder: ProcessId) {
        let Some(reducing) = &mut self.reduce else {
            return;
        };
        let r = reducing.r;
        if m >= s.maps() || reducing.got.contains_key(&m) || holder >= s.names.len() {
            return;
        }
        if holder == me {
            if let Some(pairs) = self.disk.get(&m).and_then(|regions| regions.get(r)) {
                reducing.got.insert(m, pairs.clone());
                ctx.note(format!(
                    "{} has map {m}'s output on its own disk and reads region {r} from there",
                    s.name(me)
                ));
            }
        } else {
            ctx.send(holder, MapReduceMessage::Fetch { m, r });
        }
    }

    /// Once every region is in: sort, group and reduce (which takes time).
    fn maybe_reduce(&mut self, s: &Shared, ctx: Ctx, me: ProcessId) {
        let Some(reducing) = &mut self.reduce else {
            return;
        };
        if reducing.started || reducing.got.len() < s.maps() {
            return;
        }
        reducing.started = true;
        let r = reducing.r;
        let pairs: usize = reducing.got.values().map(|p| p.len()).sum();
        let time = s.work(me, pairs);
        ctx.set_pacing_timer(REDUCE_TIMER, time);
        ctx.local(format!("sort region {r}"));
        ctx.note(format!(
            "{} has region {r} of every map output: it sorts the {} by key, groups each key's \
             values and reduces each group: {time} ticks{}",
            s.name(me),
            count_of(pairs, "pair"),
            slow_note(s, me)
        ));
    }

    pub(super) fn on_timer(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, timer: &str) {
        if timer == MAP_TIMER {
            if let Some(m) = self.map.take() {
                self.finish_map(s, ctx, me, m);
            }
        } else if timer == REDUCE_TIMER {
            match self.reduce.take() {
                Some(reducing) if reducing.started => self.finish_reduce(s, ctx, me, reducing),
                other => self.reduce = other,
            }
        }
    }

    fn finish_map(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, m: usize) {
        let emitted = map_split(&s.job, &s.splits[m]);
        let count = emitted.len();
        let pairs = if s.combiner {
            combine(&s.job, emitted)
        } else {
            emitted
        };
        let mut regions: Vec<Vec<Pair>> = vec![Vec::new(); s.reducers];
        for pair in pairs {
            regions[partition(&pair.0, s.reducers)].push(pair);
        }
        let regions: Vec<Arc<[Pair]>> = regions.into_iter().map(Arc::from).collect();
        let sizes: Vec<usize> = regions.iter().map(|p| p.len()).collect();
        let kept: usize = sizes.iter().sum();
        self.disk.insert(m, regions);
        let combined = if s.combiner && kept != count {
            format!(", which the combiner folds into {kept}")
        } else {
            String::new()
        };
        ctx.note(format!(
            "{} finishes map {m}: it emitted {}{combined}. Each pair goes to region \
             hash(key) mod {} of its local disk, one region per reduce task",
            s.name(me),
            count_of(count, "pair"),
            s.reducers
        ));
        ctx.send(
            COORDINATOR,
            MapReduceMessage::MapDone {
                m,
                incarnation: self.incarnation,
                sizes,
            },
        );
    }

    fn finish_reduce(&mut self, s: &Shared, ctx: Ctx, me: ProcessId, reducing: Reducing) {
        let r = reducing.r;
        let pairs: Vec<Pair> = reducing
            .got
            .values()
            .flat_map(|p| p.iter().cloned())
            .collect();
        let output: Arc<[Pair]> = Arc::from(reduce_region(&s.job, pairs));
        ctx.local(format!("write mr-out-{r}.tmp"));
        ctx.local(format!("rename mr-out-{r}"));
        ctx.note(format!(
            "{} finishes reduce {r}: {}, written to a temporary file and then renamed to \
             mr-out-{r} in one atomic step, so that nobody ever reads half a file",
            s.name(me),
            count_of(output.len(), "output line")
        ));
        ctx.send(
            COORDINATOR,
            MapReduceMessage::ReduceDone {
                r,
                incarnation: self.incarnation,
                output,
            },
        );
    }

    /// A crash wipes the local disk and whatever was running; the incarnation and the last
    /// assignment number are on stable storage.
    pub(super) fn crash(&mut self) {
        self.disk.clear();
        self.map = None;
        self.reduce = None;
    }

    pub(super) fn on_recover(&mut self, s: &Shared, ctx: Ctx, me: ProcessId) {
        self.incarnation += 1;
        ctx.note(format!(
            "{} comes back with an empty disk, as incarnation {}: the map output it held is gone",
            s.name(me),
            self.incarnation
        ));
    }

    pub(super) fn fields(&self, s: &Shared, me: ProcessId) -> Vec<Field> {
        let mut fields = vec![Field::new("role", "worker")];
        let doing: Vec<String> = self.doing().iter().map(Task::to_string).collect();
        if doing.is_empty() {
            fields.push(Field::new("doing", "nothing"));
        } else {
            fields.push(Field::new("doing", doing.join(", ")));
        }
        if let Some(reducing) = &self.reduce {
            fields.push(Field::new(
                "fetched",
                format!("{}/{}", reducing.got.len(), s.maps()),
            ));
        }
        if self.disk.is_empty() {
            fields.push(Field::new("disk", "empty"));
        } else {
            let disk: Vec<String> = self
                .disk
                .iter()
                .map(|(m, regions)| format!("map {m} ({})", count_of(regions.len(), "region")))
                .collect();
            fields.push(Field::new("disk", disk.join(", ")));
        }
        if s.slowdown[me] > 1 {
            fields.push(Field::new("slowdown", format!("{}x", s.slowdown[me])));
        }
        fields
    }
}

fn slow_note(s: &Shared, me: ProcessId) -> String {
    if s.slowdown[me] > 1 {
        format!(" ({} times as long as a normal worker)", s.slowdown[me])
    } else {
        String::new()
    }
}
