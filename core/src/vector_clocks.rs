//! The vector clocks of a trace's events, stored in chunks.
//!
//! A run of 64 processes holds 64 entries per event: 120,000 events make 30 MB of clocks. Kept
//! in one `Vec`, every doubling of it copies all it holds so far (in the browser's wasm, where a
//! reallocation cannot remap pages, a copy of up to 30 MB inside one step of the simulation).
//! Kept in chunks of [`CHUNK_EVENTS`] events, a growing run copies at most one chunk at a time,
//! and a trace's prefix shares nothing it has to move.

use std::ops::Range;

/// Events per chunk: a chunk of a 64-process run holds half a megabyte.
const CHUNK_EVENTS: usize = 2048;

/// One vector clock per event, in event order, each `width` entries long (the number of
/// processes).
#[derive(Clone, Debug, Default)]
pub(crate) struct VectorClocks {
    width: usize,
    len: usize,
    chunks: Vec<Vec<u32>>,
}

impl VectorClocks {
    /// The clock of event `e`, if it has one.
    pub(crate) fn get(&self, e: usize) -> Option<&[u32]> {
        if e >= self.len {
            return None;
        }
        let at = (e % CHUNK_EVENTS) * self.width;
        Some(&self.chunks[e / CHUNK_EVENTS][at..at + self.width])
    }

    /// Add the next event's clock. Every clock of a trace has the same width.
    pub(crate) fn push(&mut self, clock: &[u32]) {
        if self.len == 0 {
            self.width = clock.len();
        }
        debug_assert_eq!(clock.len(), self.width);
        if self.chunks.len() * CHUNK_EVENTS == self.len {
            // Every chunk is full.
            self.chunks.push(Vec::new());
        }
        self.chunks[self.len / CHUNK_EVENTS].extend_from_slice(clock);
        self.len += 1;
    }

    /// Keep the first `events` clocks.
    pub(crate) fn truncate(&mut self, events: usize) {
        if events >= self.len {
            return;
        }
        self.len = events;
        self.chunks.truncate(events.div_ceil(CHUNK_EVENTS));
        let full = self.chunks.len().saturating_sub(1);
        if let Some(last) = self.chunks.last_mut() {
            last.truncate((events - full * CHUNK_EVENTS) * self.width);
        }
    }

    /// Add the clocks of `other`'s events `range`.
    pub(crate) fn extend_from(&mut self, other: &VectorClocks, range: Range<usize>) {
        for e in range {
            if let Some(clock) = other.get(e) {
                self.push(clock);
            }
        }
    }

    /// The first `events` clocks, as a store of their own.
    pub(crate) fn prefix(&self, events: usize) -> VectorClocks {
        let mut out = VectorClocks::default();
        out.extend_from(self, 0..events.min(self.len));
        out
    }
}

/// Two stores are equal when they hold the same clocks (an emptied one forgets its width).
impl PartialEq for VectorClocks {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && (self.len == 0 || self.chunks == other.chunks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(e: usize) -> [u32; 3] {
        [e as u32, 2 * e as u32, 7]
    }

    fn filled(events: usize) -> VectorClocks {
        let mut v = VectorClocks::default();
        for e in 0..events {
            v.push(&clock(e));
        }
        v
    }

    #[test]
    fn clocks_read_back_across_chunks() {
        let v = filled(2 * CHUNK_EVENTS + 5);
        for e in [0, 1, CHUNK_EVENTS - 1, CHUNK_EVENTS, 2 * CHUNK_EVENTS + 4] {
            assert_eq!(v.get(e), Some(&clock(e)[..]), "event {e}");
        }
        assert_eq!(v.get(2 * CHUNK_EVENTS + 5), None);
    }

    #[test]
    fn truncating_then_pushing_matches_pushing_the_shorter_run() {
        for (events, kept) in [
            (5, 0),
            (5, 3),
            (CHUNK_EVENTS, CHUNK_EVENTS - 1),
            (2 * CHUNK_EVENTS + 3, CHUNK_EVENTS),
            (2 * CHUNK_EVENTS + 3, CHUNK_EVENTS + 1),
        ] {
            let mut v = filled(events);
            v.truncate(kept);
            assert_eq!(v, filled(kept), "{events} cut to {kept}");
            v.push(&clock(kept));
            assert_eq!(v, filled(kept + 1), "{events} cut to {kept}, then one more");
        }
    }

    #[test]
    fn a_prefix_and_an_extension_hold_the_same_clocks() {
        let v = filled(CHUNK_EVENTS + 10);
        assert_eq!(v.prefix(CHUNK_EVENTS + 3), filled(CHUNK_EVENTS + 3));
        let mut p = v.prefix(4);
        p.extend_from(&v, 4..CHUNK_EVENTS + 10);
        assert_eq!(p, v);
        assert_eq!(v.prefix(0), VectorClocks::default());
    }
}
