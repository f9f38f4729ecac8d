//! Text on a diagram, placed so that no two pieces cover each other.
//!
//! A busy run puts events a few pixels apart and arrows across each other; their timestamps and
//! message labels, each drawn where it would naturally go, pile up into unreadable smudges
//! ("1:1:2"). Both renderers, the page's and the static SVG's, place text with a [`Placer`]: each
//! piece in turn tries a few spots near its natural one and takes the first that nothing placed
//! before it covers, or none. What gets no spot is the caller's to leave out (the page then shows
//! it on hover).
//!
//! ```
//! use spacetime_core::labels::{Placer, Rect};
//! use spacetime_core::layout::Point;
//!
//! let mut placer = Placer::default();
//! // Two dots 10 px apart, each wanting its label above it, then below.
//! let spots = |x: f64| [Point { x, y: -12.0 }, Point { x, y: 20.0 }];
//! assert_eq!(placer.place(spots(0.0), 16.0, 12.0), Some(Point { x: 0.0, y: -12.0 }));
//! assert_eq!(placer.place(spots(10.0), 16.0, 12.0), Some(Point { x: 10.0, y: 20.0 }));
//! // A third finds both spots taken.
//! assert_eq!(placer.place(spots(5.0), 16.0, 12.0), None);
//! assert!(!placer.is_free(&Rect::centred(Point { x: 4.0, y: -10.0 }, 4.0, 4.0)));
//! ```

use std::collections::BTreeMap;

use crate::layout::Point;

/// An axis-aligned box: its top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The box of `w` by `h` centred on `p`.
    pub fn centred(p: Point, w: f64, h: f64) -> Rect {
        Rect {
            x: p.x - w / 2.0,
            y: p.y - h / 2.0,
            w,
            h,
        }
    }

    /// Whether the two boxes share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// The boxes taken so far, and where the next piece of text may go.
///
/// Boxes are kept by the columns of the diagram they cross, [`COLUMN`] pixels wide, so that a
/// question looks only at its neighbours: placing the text of a screenful of events stays a
/// fraction of a frame however many there are.
#[derive(Clone, Debug, Default)]
pub struct Placer {
    columns: BTreeMap<i64, Vec<Rect>>,
}

/// The width of a [`Placer`]'s columns, in pixels.
pub const COLUMN: f64 = 64.0;

fn columns(r: &Rect) -> std::ops::RangeInclusive<i64> {
    let first = (r.x / COLUMN).floor() as i64;
    let last = ((r.x + r.w) / COLUMN).floor() as i64;
    first..=last.max(first)
}

impl Placer {
    /// Marks `r` as taken (a dot, or text that must be drawn where it is).
    pub fn reserve(&mut self, r: Rect) {
        for c in columns(&r) {
            self.columns.entry(c).or_default().push(r);
        }
    }

    /// Whether nothing taken covers any of `r`.
    pub fn is_free(&self, r: &Rect) -> bool {
        !self
            .columns
            .range(columns(r))
            .any(|(_, taken)| taken.iter().any(|t| t.overlaps(r)))
    }

    /// The first of `spots` where a `w` by `h` box centred there is free, now taken; `None` if
    /// every one is covered.
    pub fn place(
        &mut self,
        spots: impl IntoIterator<Item = Point>,
        w: f64,
        h: f64,
    ) -> Option<Point> {
        let spot = spots
            .into_iter()
            .find(|&p| self.is_free(&Rect::centred(p, w, h)))?;
        self.reserve(Rect::centred(spot, w, h));
        Some(spot)
    }
}

/// Spots along the segment from `from` to `to` for a label `h` high that would sit at fraction
/// `t` of it: `t` first, then a label's height (and a little) before and after it, then twice
/// and three times that, keeping clear of the ends (where the dots are).
pub fn along(from: Point, to: Point, t: f64, h: f64) -> impl Iterator<Item = Point> {
    let length = ((to.x - from.x).powi(2) + (to.y - from.y).powi(2))
        .sqrt()
        .max(1.0);
    [0.0, -1.0, 1.0, -2.0, 2.0, -3.0, 3.0]
        .into_iter()
        .map(move |k| t + k * (h + 4.0) / length)
        .enumerate()
        .filter(|&(i, tk)| i == 0 || (0.12..=0.88).contains(&tk))
        .map(move |(_, tk)| from.lerp(to, tk))
}

/// About how wide `text` is in a sans-serif font of `size` pixels: close enough to keep labels
/// apart without measuring them in a browser.
pub fn text_width(text: &str, size: f64) -> f64 {
    let units: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '[' | ']' | '(' | ')'
            | ' ' => 0.3,
            'm' | 'w' | 'M' | 'W' => 0.85,
            c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.62,
            c if c.is_ascii() => 0.54,
            _ => 0.9,
        })
        .sum();
    units * size
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: Point = Point { x: 0.0, y: 0.0 };

    #[test]
    fn spots_along_a_segment_start_at_t_and_keep_off_its_ends() {
        let to = Point { x: 100.0, y: 0.0 };
        let xs: Vec<f64> = along(O, to, 0.5, 6.0).map(|p| p.x).collect();
        assert_eq!(xs, vec![50.0, 40.0, 60.0, 30.0, 70.0, 20.0, 80.0]);
        // On a short arrow only the natural spot is left.
        let xs: Vec<f64> = along(O, Point { x: 20.0, y: 0.0 }, 0.5, 6.0)
            .map(|p| p.x)
            .collect();
        assert_eq!(xs, vec![10.0]);
    }

    #[test]
    fn placed_text_never_overlaps() {
        let mut placer = Placer::default();
        let mut placed = Vec::new();
        for i in 0..200 {
            let x = f64::from(i % 17) * 7.0;
            let y = f64::from(i % 5) * 9.0;
            let spots = [Point { x, y }, Point { x, y: y + 14.0 }];
            if let Some(p) = placer.place(spots, 20.0, 10.0) {
                placed.push(Rect::centred(p, 20.0, 10.0));
            }
        }
        assert!(placed.len() > 5);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} and {b:?}");
            }
        }
    }
}
