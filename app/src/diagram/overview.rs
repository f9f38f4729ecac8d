//! The overview: the whole run in one strip under the diagram, with the part the pane shows
//! marked. Dragging the mark, or pressing anywhere on the strip, scrolls the pane there.
//!
//! The strip is a histogram of events over time, drawn on a small canvas. It is built once per
//! trace ([`Histogram`]); a frame reads only its bins, so scrubbing a run of 100,000 events
//! redraws a few hundred bars.

use std::sync::Arc;

use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use spacetime_core::layout::Layout;
use spacetime_core::Trace;
use wasm_bindgen::JsCast;

use super::Window;
use crate::store::Store;

/// How many bars the strip has.
pub const BINS: usize = 320;

/// Events per slice of time, for the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Histogram {
    /// `starts[b]` is the first event id in bin `b` (events are in time order); one more entry
    /// closes the last bin.
    starts: Vec<usize>,
    /// The moment the last bin ends: the run's end time (scanning messages to find it is not a
    /// question for every frame).
    pub end: spacetime_core::Time,
}

impl Histogram {
    pub fn new(trace: &Trace) -> Histogram {
        let end_time = spacetime_core::layout::end_time(trace).max(1);
        let end = end_time as f64;
        let mut starts = Vec::with_capacity(BINS + 1);
        for b in 0..=BINS {
            let t = end * b as f64 / BINS as f64;
            starts.push(trace.events.partition_point(|e| (e.time as f64) < t));
        }
        *starts.last_mut().expect("BINS + 1 entries") = trace.events.len();
        Histogram {
            starts,
            end: end_time,
        }
    }

    /// How many of the first `shown` events fall in each bin.
    pub fn counts(&self, shown: usize) -> Vec<usize> {
        self.starts
            .windows(2)
            .map(|w| shown.clamp(w[0], w[1]) - w[0])
            .collect()
    }

    /// The fullest bin of the whole run, to scale the bars by.
    pub fn most(&self) -> usize {
        self.starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0)
    }
}

/// Where the mark of the pane's window sits on a strip `strip_width` wide: (left, width).
pub fn mark(window: Window, run_width: f64, strip_width: f64) -> (f64, f64) {
    let strip_width = strip_width.max(6.0);
    let scale = strip_width / run_width.max(1.0);
    let width = (window.width * scale).clamp(6.0, strip_width);
    (
        (window.left * scale).min(strip_width - width).max(0.0),
        width,
    )
}

/// The pane's scroll position that centres its window on `x` pixels along the strip.
pub fn scroll_for(x: f64, window: Window, run_width: f64, strip_width: f64) -> f64 {
    let centre = x / strip_width.max(1.0) * run_width;
    (centre - window.width / 2.0).clamp(0.0, (run_width - window.width).max(0.0))
}

#[component]
pub fn Overview(
    layout: Memo<Arc<Layout>>,
    window: RwSignal<Window>,
    pane: NodeRef<Div>,
) -> impl IntoView {
    let store = Store::get();
    let histogram = Memo::new(move |_| Arc::new(Histogram::new(&store.trace.get())));
    // Shown at every zoom, at fit too (its window then spans the strip): a strip that came and
    // went with the zoom would change the pane's height on every zoom in from fit, and the
    // lanes, fitted to that height, would jump. Only a small screen takes its room back at fit
    // (`at-fit`, in the style sheet), where it shows nothing the pane does not.
    let at_fit = Memo::new(move |_| layout.with(|l| l.width) <= window.with(|w| w.width) + 1.0);
    let strip = NodeRef::<Div>::new();
    let canvas = NodeRef::<Canvas>::new();
    let strip_width = RwSignal::new(0.0f64);
    // The strip is measured when it appears or the pane changes width, not on every frame:
    // reading a size makes the browser lay the page out first, in the middle of a zoom's or a
    // scroll's changes. (A memo of the width would still wake this on every scroll.)
    let measured = StoredValue::new_local(None::<(f64, web_sys::HtmlDivElement)>);
    Effect::new(move |_| {
        let pane_width = window.with(|w| w.width);
        if let Some(s) = strip.get() {
            let same = |(w, el): &(f64, web_sys::HtmlDivElement)| *w == pane_width && *el == s;
            if measured.with_value(|m| m.as_ref().is_some_and(same)) {
                return;
            }
            measured.set_value(Some((pane_width, s.clone())));
            let width = f64::from(s.client_width()).max(1.0);
            if strip_width.get_untracked() != width {
                strip_width.set(width);
            }
        }
    });
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        let width = strip_width.get();
        if width < 2.0 {
            return;
        }
        let height = 28.0;
        let Some(ctx) = super::canvas::prepare(&el, width, height) else {
            return;
        };
        let shown = store
            .trace
            .with(|t| Layout::visible_event_count(t, store.cursor.get()));
        let h = histogram.get();
        let most = h.most().max(1) as f64;
        let layout = layout.get();
        // The bars span the run's time, drawn where the diagram draws it.
        let scale = width / layout.width.max(1.0);
        let x0 = layout.options.margin_left * scale;
        let end = h.end as f64;
        let bar = (layout.time_x(end) - layout.options.margin_left) * scale / BINS as f64;
        ctx.set_fill_style_str("#8a94a3");
        for (b, n) in h.counts(shown).into_iter().enumerate() {
            if n > 0 {
                let tall = (n as f64 / most).sqrt() * (height - 4.0) + 2.0;
                ctx.fill_rect(x0 + b as f64 * bar, height - tall, bar.max(1.0), tall);
            }
        }
    });
    let dragging = RwSignal::new(false);
    let scroll_to = move |ev: &web_sys::PointerEvent| {
        let (Some(s), Some(p)) = (strip.get_untracked(), pane.get_untracked()) else {
            return;
        };
        let rect = s.get_bounding_client_rect();
        let x = f64::from(ev.client_x()) - rect.left();
        let left = scroll_for(
            x,
            window.get_untracked(),
            layout.get_untracked().width,
            rect.width(),
        );
        p.set_scroll_left(left.round() as i32);
    };
    let mark_style = move || {
        let (left, width) = mark(window.get(), layout.get().width, strip_width.get());
        format!("left:{left:.1}px;width:{width:.1}px")
    };
    view! {
        <div class="overview" class:at-fit=move || at_fit.get() node_ref=strip data-testid="overview"
            title="The whole run: drag the window, or press where to look"
            on:pointerdown=move |ev| {
                if ev.button() != 0 {
                    return;
                }
                if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
                dragging.set(true);
                scroll_to(&ev);
            }
            on:pointermove=move |ev| if dragging.get_untracked() { scroll_to(&ev) }
            on:pointerup=move |_| dragging.set(false)
            on:pointercancel=move |_| dragging.set(false)
        >
            <canvas node_ref=canvas aria-hidden="true"></canvas>
            <div class="overview-window" data-testid="overview-window" style=mark_style></div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::{protocols::example, Run};

    #[test]
    fn the_bins_hold_every_event_shown_and_only_those() {
        let t = Run::complete(&example("gossip-busy-sixteen").unwrap())
            .unwrap()
            .trace()
            .clone();
        let h = Histogram::new(&t);
        for shown in [0, 1, 500, t.events.len()] {
            assert_eq!(h.counts(shown).iter().sum::<usize>(), shown);
        }
        assert!(h.most() > 0);
    }

    #[test]
    fn the_mark_and_the_scroll_agree() {
        let window = Window {
            left: 3000.0,
            width: 1000.0,
        };
        let (left, width) = mark(window, 10_000.0, 500.0);
        assert_eq!((left, width), (150.0, 50.0));
        // Pressing the mark's centre keeps the window where it is.
        assert_eq!(scroll_for(175.0, window, 10_000.0, 500.0), 3000.0);
        // Pressing past either end stops at that end.
        assert_eq!(scroll_for(0.0, window, 10_000.0, 500.0), 0.0);
        assert_eq!(scroll_for(500.0, window, 10_000.0, 500.0), 9_000.0);
        // Before the strip is measured, nothing breaks.
        let (left, width) = mark(window, 10_000.0, 0.0);
        assert!(left >= 0.0 && width >= 6.0);
    }
}
