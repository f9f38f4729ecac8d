//! The arrows of a log's diagram, chosen as ShiViz chooses them: an event `a` is drawn before
//! an event `b` exactly when the log's vector clocks say `VC(a) < VC(b)`.
//!
//! Each lane is a chain whose clocks grow (the reader makes sure of it). For an event `e`, its
//! latest predecessor on another lane `k` is the last event of `k` whose clock is below `e`'s;
//! since clocks grow along the lane, that is a binary search. Such a predecessor needs an arrow
//! into `e` unless something else already leads from it to `e`: `e`'s own previous event (then
//! the lane implies it), or another predecessor later than it (then that one's arrow does). What
//! is left is the transitive reduction of the clocks' order: the fewest arrows that say exactly
//! what the clocks say, whether a receipt also sends, one send reaches many hosts, or an event
//! heard from several hosts at once.
//!
//! Why that is exact: every arrow and every lane step goes from a smaller clock to a larger one,
//! so nothing is drawn that the log does not say. Conversely, if `VC(a) < VC(e)` and `a` is on
//! another lane, `a` is at or before `e`'s latest predecessor `s` on that lane; `s` is below
//! `e`'s previous event, or below a predecessor that keeps its arrow, or keeps its own; by
//! induction on the clocks' order, a path leads from `a` to `e`.

/// The clocks of a log's events, one row of `width` counters each.
pub(super) struct Clocks<'c> {
    pub rows: &'c [u64],
    pub width: usize,
}

impl Clocks<'_> {
    pub fn of(&self, e: usize) -> &[u64] {
        &self.rows[e * self.width..(e + 1) * self.width]
    }

    /// `VC(a) <= VC(b)`, entry by entry.
    fn at_most(&self, a: usize, b: usize) -> bool {
        self.of(a).iter().zip(self.of(b)).all(|(x, y)| x <= y)
    }

    /// `VC(a) < VC(b)`: at most, and not equal.
    pub fn below(&self, a: usize, b: usize) -> bool {
        self.at_most(a, b) && self.of(a) != self.of(b)
    }
}

/// The arrows of the diagram of events whose clocks are `clocks`, laid out on `lanes` (event
/// indices in lane order) where lane `l` belongs to host column `column[l]` of the clocks. Each
/// lane's clocks must grow strictly along it. Arrows are `(from, to)`, grouped by `to`.
#[cfg(test)]
pub(super) fn arrows(
    clocks: &Clocks<'_>,
    lanes: &[Vec<usize>],
    column: &[usize],
) -> Vec<(usize, usize)> {
    let mut finder = ArrowFinder::new(lanes.len());
    finder.step(clocks, lanes, column, &mut usize::MAX.clone());
    finder.arrows()
}

/// [`arrows`] a few events at a time: where it is, lane by lane, and what it has found.
pub(super) struct ArrowFinder {
    /// The lane and the position on it of the next event to look at.
    lane: usize,
    at: usize,
    /// For the event before the current one on its lane: per other lane, how many of that lane's
    /// events have a counter within its clock, and which of them (a position) is its latest
    /// predecessor there.
    known: Vec<usize>,
    latest: Vec<Option<usize>>,
    candidates: Vec<usize>,
    found: Vec<(usize, usize)>,
}

impl ArrowFinder {
    pub fn new(lanes: usize) -> ArrowFinder {
        ArrowFinder {
            lane: 0,
            at: 0,
            known: vec![0; lanes],
            latest: vec![None; lanes],
            candidates: Vec::new(),
            found: Vec::new(),
        }
    }

    /// The events looked at so far.
    pub fn events_done(&self, lanes: &[Vec<usize>]) -> usize {
        lanes[..self.lane.min(lanes.len())]
            .iter()
            .map(Vec::len)
            .sum::<usize>()
            + self.at
    }

    /// Look at events, one unit of `budget` each, until it is spent or every event is done;
    /// whether every event is done. Called again with the same arguments, it goes on.
    pub fn step(
        &mut self,
        clocks: &Clocks<'_>,
        lanes: &[Vec<usize>],
        column: &[usize],
        budget: &mut usize,
    ) -> bool {
        while self.lane < lanes.len() {
            let (l, lane) = (self.lane, &lanes[self.lane]);
            while self.at < lane.len() {
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                self.event(clocks, lanes, column, l, self.at);
                self.at += 1;
            }
            self.lane += 1;
            self.at = 0;
            self.known.fill(0);
            self.latest.fill(None);
        }
        true
    }

    /// The arrows found, once [`ArrowFinder::step`] has said it is done.
    pub fn arrows(self) -> Vec<(usize, usize)> {
        let mut arrows = self.found;
        arrows.sort_by_key(|&(from, to)| (to, from));
        arrows
    }

    /// The arrows into the event at position `i` of lane `l`.
    fn event(
        &mut self,
        clocks: &Clocks<'_>,
        lanes: &[Vec<usize>],
        column: &[usize],
        l: usize,
        i: usize,
    ) {
        let lane = &lanes[l];
        let e = lane[i];
        let prev = i.checked_sub(1).map(|i| lane[i]);
        let ArrowFinder {
            known,
            latest,
            candidates,
            found: arrows,
            ..
        } = self;
        candidates.clear();
        for (k, other) in lanes.iter().enumerate() {
            if k == l {
                continue;
            }
            let h = column[k];
            let counter = clocks.of(e)[h];
            // Unchanged news from lane k: the same predecessor, which the lane implies.
            if prev.is_some_and(|p| clocks.of(p)[h] == counter)
                && latest[k].is_some_and(|s| s + 1 == known[k])
            {
                continue;
            }
            let within = other.partition_point(|&a| clocks.of(a)[h] <= counter);
            let found = match within.checked_sub(1) {
                Some(top) if clocks.below(other[top], e) => Some(top),
                Some(top) => other[..top]
                    .partition_point(|&a| clocks.below(a, e))
                    .checked_sub(1),
                None => None,
            };
            let before = latest[k];
            known[k] = within;
            latest[k] = found;
            let Some(s) = found else { continue };
            if before == Some(s) || prev.is_some_and(|p| clocks.below(other[s], p)) {
                continue;
            }
            candidates.push(other[s]);
        }
        for &s in candidates.iter() {
            if !candidates.iter().any(|&t| t != s && clocks.below(s, t)) {
                arrows.push((s, e));
            }
        }
    }
}

/// Each event's depth: one more than the deepest event it depends on (its lane's previous event
/// and the sources of its arrows). `prev` gives the previous event on each event's lane.
#[cfg(test)]
pub(super) fn depths(
    clocks: &Clocks<'_>,
    prev: &[Option<usize>],
    arrows: &[(usize, usize)],
) -> Vec<u64> {
    let mut depths = Depths::new(clocks, arrows);
    depths.step(prev, arrows, &mut usize::MAX.clone());
    depths.depth
}

/// [`depths`] a few events at a time.
pub(super) struct Depths {
    /// The events in an order that puts every event after those it depends on.
    order: Vec<(u128, usize)>,
    /// Where each event's arrows start in the arrows (grouped by the event they point at).
    first_in: Vec<usize>,
    /// How many of `order` are done.
    done: usize,
    pub depth: Vec<u64>,
}

impl Depths {
    /// Ready to go: the order found (one sort, which cannot be cut; a few milliseconds for
    /// 100,000 events).
    pub fn new(clocks: &Clocks<'_>, arrows: &[(usize, usize)]) -> Depths {
        let n = clocks.rows.len() / clocks.width.max(1);
        // Clocks grow along every lane step and arrow, and so do their sums: an order to go by.
        let mut order: Vec<(u128, usize)> = (0..n)
            .map(|e| (clocks.of(e).iter().map(|&c| u128::from(c)).sum(), e))
            .collect();
        order.sort_unstable();
        let mut first_in = vec![usize::MAX; n];
        for (i, &(_, to)) in arrows.iter().enumerate().rev() {
            first_in[to] = i;
        }
        Depths {
            order,
            first_in,
            done: 0,
            depth: vec![0; n],
        }
    }

    pub fn done(&self) -> usize {
        self.done
    }

    /// Place events, one unit of `budget` each; whether all are placed.
    pub fn step(
        &mut self,
        prev: &[Option<usize>],
        arrows: &[(usize, usize)],
        budget: &mut usize,
    ) -> bool {
        while let Some(&(_, e)) = self.order.get(self.done) {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            let depth = &mut self.depth;
            let mut d = prev[e].map_or(0, |p| depth[p]);
            if self.first_in[e] != usize::MAX {
                for &(from, _) in arrows[self.first_in[e]..]
                    .iter()
                    .take_while(|&&(_, to)| to == e)
                {
                    d = d.max(depth[from]);
                }
            }
            depth[e] = d + 1;
            self.done += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two hosts, `a` sends to `b` and to `c` in one event, `b` then forwards to `c`.
    #[test]
    fn a_multicast_and_a_forward_keep_only_the_arrows_nothing_else_implies() {
        // columns: a, b, c
        let rows = [
            1, 0, 0, // 0: a1, the multicast
            1, 1, 0, // 1: b1, receives it and forwards
            1, 1, 1, // 2: c1, receives both: the arrow from a1 is implied through b1
        ];
        let clocks = Clocks {
            rows: &rows,
            width: 3,
        };
        let lanes = vec![vec![0], vec![1], vec![2]];
        let got = arrows(&clocks, &lanes, &[0, 1, 2]);
        assert_eq!(got, [(0, 1), (1, 2)]);
        let depth = depths(&clocks, &[None, None, None], &got);
        assert_eq!(depth, [1, 2, 3]);
    }

    #[test]
    fn an_event_that_heard_from_two_hosts_gets_two_arrows() {
        let rows = [
            1, 0, 0, // 0: a1
            0, 1, 0, // 1: b1
            1, 1, 1, // 2: c1 heard of both
        ];
        let clocks = Clocks {
            rows: &rows,
            width: 3,
        };
        let lanes = vec![vec![0], vec![1], vec![2]];
        assert_eq!(arrows(&clocks, &lanes, &[0, 1, 2]), [(0, 2), (1, 2)]);
    }
}
