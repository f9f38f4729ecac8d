//! Shapes drawn as markup: groups of dots or arrows written as SVG text and handed to the browser
//! in one piece (see [`super::events_markup`]), remembered between frames so that a frame writes
//! only the groups that changed.

use std::sync::Arc;

use leptos::prelude::*;

/// Dots and arrows are drawn in groups of this many ids, so that a new frame re-writes only the
/// groups that changed (while playing, usually just the last one).
pub const CHUNK: usize = 96;

/// Part of a group's markup, written at once: the shapes it draws, its version and its text.
#[derive(Debug)]
struct Piece<S> {
    shapes: Vec<S>,
    version: u64,
    markup: Arc<str>,
}

/// The markup of groups of shapes, remembered between frames: a group whose shapes did not change
/// keeps its markup and its version, so it is neither written again nor handed to the browser
/// again.
///
/// A group that only gained shapes keeps what it had and gets one more piece holding just the new
/// ones: while a run plays, every frame adds a dot or two and lands an arrow or two, and writing
/// their whole group again (up to [`CHUNK`] shapes, their text laid out again) cost most of a
/// frame. A group one of whose shapes changed or went is written again as one piece. Within a
/// group, pieces come in the order they were written, so a shape added later is drawn over the
/// group's older ones whatever its id.
#[derive(Debug)]
pub struct MarkupCache<S> {
    groups: std::collections::BTreeMap<usize, Vec<Piece<S>>>,
    labelled: bool,
    next_version: u64,
}

impl<S> Default for MarkupCache<S> {
    fn default() -> Self {
        MarkupCache {
            groups: Default::default(),
            labelled: false,
            next_version: 0,
        }
    }
}

impl<S: PartialEq + Clone> MarkupCache<S> {
    /// The pieces of the groups of `shapes` (sorted by `id`) as (group, version, markup), in
    /// order, rendering only what changed since the last call.
    pub fn update(
        &mut self,
        shapes: &[S],
        labelled: bool,
        id: impl Fn(&S) -> usize,
        render: impl Fn(&[S], bool) -> String,
    ) -> Vec<(usize, u64, Arc<str>)> {
        if labelled != self.labelled {
            self.groups.clear();
            self.labelled = labelled;
        }
        let mut out = Vec::new();
        let mut kept = std::collections::BTreeMap::new();
        for (i, group) in chunks(shapes, &id) {
            let mut pieces = self.groups.remove(&i).unwrap_or_default();
            match added(&pieces, group, &id) {
                Some(new) if new.is_empty() => {}
                Some(new) => pieces.push(self.piece(new, labelled, &render)),
                None => pieces = vec![self.piece(group.to_vec(), labelled, &render)],
            }
            out.extend(pieces.iter().map(|p| (i, p.version, p.markup.clone())));
            kept.insert(i, pieces);
        }
        self.groups = kept;
        out
    }

    fn piece(
        &mut self,
        shapes: Vec<S>,
        labelled: bool,
        render: impl Fn(&[S], bool) -> String,
    ) -> Piece<S> {
        self.next_version += 1;
        Piece {
            markup: render(&shapes, labelled).into(),
            shapes,
            version: self.next_version,
        }
    }
}

/// The shapes of `group` (sorted by id) that `pieces` do not draw, when every shape they draw is
/// still in it unchanged; `None` when one changed or went (or there are no pieces).
fn added<S: PartialEq + Clone>(
    pieces: &[Piece<S>],
    group: &[S],
    id: impl Fn(&S) -> usize,
) -> Option<Vec<S>> {
    if pieces.is_empty() {
        return None;
    }
    // The common case, a group as it was, costs one comparison.
    if let [only] = pieces {
        if only.shapes == group {
            return Some(Vec::new());
        }
    }
    let mut drawn = vec![false; group.len()];
    for s in pieces.iter().flat_map(|p| &p.shapes) {
        let at = group.binary_search_by_key(&id(s), &id).ok()?;
        if group[at] != *s {
            return None;
        }
        drawn[at] = true;
    }
    Some(
        group
            .iter()
            .zip(drawn)
            .filter(|(_, drawn)| !drawn)
            .map(|(s, _)| s.clone())
            .collect(),
    )
}

/// Shapes split into groups by id (each list must be sorted by id), keyed by their group index.
pub fn chunks<T>(shapes: &[T], id: impl Fn(&T) -> usize) -> Vec<(usize, &[T])> {
    shapes
        .chunk_by(|a, b| id(a) / CHUNK == id(b) / CHUNK)
        .map(|c| (id(&c[0]) / CHUNK, c))
        .collect()
}

/// A layer of the diagram drawn from groups of markup (see [`MarkupCache`]): a group is
/// replaced only when its version changes.
#[component]
pub fn MarkupGroups(
    class: &'static str,
    groups: impl Fn() -> Vec<(usize, u64, Arc<str>)> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <g class=class>
            <For
                each=groups
                key=|(group, version, _)| (*group, *version)
                children=|(_, _, markup)| view! { <g inner_html=markup.to_string()></g> }
            />
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shape: its id and what it looks like.
    type Shape = (usize, u32);

    fn render(shapes: &[Shape], labelled: bool) -> String {
        let l = if labelled { "L" } else { "" };
        shapes.iter().map(|(i, v)| format!("{l}{i}:{v};")).collect()
    }

    fn update(cache: &mut MarkupCache<Shape>, shapes: &[Shape]) -> Vec<(usize, u64, Arc<str>)> {
        cache.update(shapes, false, |s| s.0, render)
    }

    /// The pieces of `after` that `before` did not have.
    fn written<'a>(
        before: &[(usize, u64, Arc<str>)],
        after: &'a [(usize, u64, Arc<str>)],
    ) -> Vec<&'a str> {
        after
            .iter()
            .filter(|(_, v, _)| !before.iter().any(|(_, w, _)| v == w))
            .map(|(_, _, m)| &**m)
            .collect()
    }

    #[test]
    fn shapes_added_to_a_group_are_written_alone_and_the_rest_is_kept() {
        let mut cache = MarkupCache::default();
        let first: Vec<Shape> = (0..10).map(|i| (i, 0)).collect();
        let a = update(&mut cache, &first);
        assert_eq!(a.len(), 1);
        // Two dots more, as a frame of a playing run adds them.
        let mut more = first.clone();
        more.extend([(10, 0), (11, 0)]);
        let b = update(&mut cache, &more);
        assert_eq!(written(&a, &b), vec!["10:0;11:0;"]);
        assert_eq!(b[0], a[0], "the first piece is kept as it was");
        // An arrow landing in the middle of its group: it too is written alone, after the others.
        let mut landed = more.clone();
        landed.remove(5);
        let c = update(&mut cache, &landed);
        assert_eq!(written(&b, &c).len(), 1, "a shape going rewrites its group");
        let d = update(&mut cache, &more);
        assert_eq!(written(&c, &d), vec!["5:0;"]);
        let whole: String = d.iter().map(|(_, _, m)| &**m).collect();
        assert_eq!(whole, format!("{}5:0;", render(&landed, false)));
        // Nothing new: nothing written.
        assert_eq!(update(&mut cache, &more), d);
    }

    #[test]
    fn a_changed_shape_rewrites_its_group_as_one_piece_and_only_its_group() {
        let mut cache = MarkupCache::default();
        let mut shapes: Vec<Shape> = (0..CHUNK + 5).map(|i| (i, 0)).collect();
        let a = update(&mut cache, &shapes);
        shapes.push((CHUNK + 5, 0));
        let b = update(&mut cache, &shapes);
        assert_eq!(b.iter().filter(|p| p.0 == 1).count(), 2);
        shapes[CHUNK + 1].1 = 7;
        let c = update(&mut cache, &shapes);
        assert_eq!(c.len(), 2, "one piece a group");
        assert_eq!(c[0], a[0], "the untouched group is kept");
        assert_eq!(&*c[1].2, render(&shapes[CHUNK..], false));
        // Labels on or off: everything is written again.
        let d = cache.update(&shapes, true, |s| s.0, render);
        assert!(d.iter().all(|(_, v, _)| !c.iter().any(|(_, w, _)| v == w)));
        assert!(d[0].2.starts_with("L0:0;"));
    }

    #[test]
    fn groups_that_go_are_forgotten() {
        let mut cache = MarkupCache::default();
        let shapes: Vec<Shape> = (0..3 * CHUNK).map(|i| (i, 0)).collect();
        update(&mut cache, &shapes);
        let later = update(&mut cache, &shapes[2 * CHUNK..]);
        assert_eq!(later.len(), 1);
        assert_eq!(cache.groups.len(), 1);
        // Coming back, a forgotten group is written afresh.
        let again = update(&mut cache, &shapes);
        assert_eq!(written(&later, &again).len(), 2);
    }
}
