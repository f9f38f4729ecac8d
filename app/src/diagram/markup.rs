//! Shapes drawn as markup: groups of dots or arrows written as SVG text and handed to the browser
//! in one piece (see [`super::events_markup`]), remembered between frames so that a frame writes
//! only the groups that changed.

use std::sync::Arc;

use leptos::prelude::*;

/// Dots and arrows are drawn in groups of this many ids, so that a new frame re-writes only the
/// groups that changed (while playing, usually just the last one). Small, because a frame of a
/// playing run adds a dot or two and lands an arrow or two: with 96 a group, each frame wrote
/// some 25 KB of markup again and the browser styled and laid out all its text anew (measured on
/// `gossip-busy-sixteen`); a group is always the same ids, so a step shows the same markup
/// however the cursor got there.
pub const CHUNK: usize = 16;

/// The markup of groups of shapes, remembered between frames: a group whose shapes did not change
/// keeps its markup and its version, so it is neither written again nor handed to the browser
/// again. While a run plays, only the newest group of dots and the groups holding moving arrows
/// change.
#[derive(Debug)]
pub struct MarkupCache<S> {
    groups: std::collections::BTreeMap<usize, (Vec<S>, u64, Arc<str>)>,
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
    /// The groups of `shapes` (sorted by `id`) as (group, version, markup), rendering only the
    /// groups that changed since the last call.
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
        for (i, group) in chunks(shapes, &id) {
            match self.groups.get(&i) {
                Some((old, version, markup)) if old.as_slice() == group => {
                    out.push((i, *version, markup.clone()))
                }
                _ => {
                    self.next_version += 1;
                    let markup: Arc<str> = render(group, labelled).into();
                    self.groups
                        .insert(i, (group.to_vec(), self.next_version, markup.clone()));
                    out.push((i, self.next_version, markup));
                }
            }
        }
        self.groups
            .retain(|i, _| out.iter().any(|(j, _, _)| j == i));
        out
    }
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
