//! Plots: the shared mechanism a lesson draws its plots with.
//!
//! Each plot is drawn by `plotters` into an SVG string by a pure function of the trace and the
//! cursor (so it is tested natively, and shows the run only as far as the diagram does); the
//! component puts the string into the page with `inner_html`. Titles and legends are plain HTML
//! around the SVG, and the SVG's text is only axis labels: plotters' SVG backend writes those as
//! `<text>` elements with an anchor and never measures them, so nothing here needs a font file
//! (on wasm, plotters would measure text in the DOM for captions, legends and right-hand axes:
//! none are used).
//!
//! Every plot's container carries `data-points`, the number of marks drawn, so an end-to-end
//! test can check a plot against the run on screen.
//!
//! A lesson declares its plots (`Lesson::plots`, a component in its own `plots.rs`, which
//! decides for which of its runs it draws anything); [`Plots`] mounts the current lesson's.

use std::time::Duration;

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{
    DrawingArea, IntoDrawingArea, PathElement, RGBColor, SVGBackend, TextStyle,
};
use plotters::style::Color;
use spacetime_core::layout::end_time;
use spacetime_core::{Scenario, Trace};

use crate::lessons;
use crate::store::Store;

/// The size of each plot in the side column, in pixels.
pub const PLOT_WIDTH: u32 = 360;
pub const PLOT_HEIGHT: u32 = 220;

/// Font size of every label, in plotters' units: its SVG backend writes `size / 1.24` pixels,
/// so 18 gives 14.5 px, readable on a projector.
const FONT: f64 = 18.0;
const FONT_FAMILY: &str = "sans-serif";
/// Axes, ticks and labels: the diagram's arrow colour. The stylesheet recolours exactly this
/// colour (and the grid's) for the dark theme.
pub const INK: RGBColor = RGBColor(0x3d, 0x47, 0x56);
/// The grid: the stylesheet's border colour.
pub const GRID: RGBColor = RGBColor(0xd5, 0xda, 0xe1);
/// How far marks sit from a plot's edges, in pixels.
pub const MARGIN: u32 = 10;

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
pub type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A `#RRGGBB` colour of the palette, for plotters.
pub fn rgb(hex: &str) -> RGBColor {
    let hex = hex.trim_start_matches('#');
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(byte(0), byte(2), byte(4))
}

pub fn label_style() -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, FONT)).color(&INK)
}

/// Draw into an SVG of `width` × `height` described by `title` (for screen readers). A drawing
/// that fails says so in the SVG instead.
pub fn svg(width: u32, height: u32, title: &str, draw: impl FnOnce(&Area) -> DrawResult) -> String {
    let mut out = String::new();
    let failed = {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let result = draw(&root).and_then(|()| Ok(root.present()?));
        result.err().map(|e| e.to_string())
    };
    if let Some(e) = failed {
        out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             viewBox=\"0 0 {width} {height}\"><text x=\"8\" y=\"24\" font-size=\"14\">\
             This plot could not be drawn: {}</text></svg>",
            escape(&e)
        );
    }
    out.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    )
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole-number tick label.
pub fn whole(v: &f64) -> String {
    format!("{v:.0}")
}

/// The range of a plot's time axis: the whole run, so the axes stay put while the cursor moves.
pub fn time_range(trace: &Trace) -> std::ops::Range<f64> {
    0.0..(end_time(trace) as f64).max(1.0)
}

/// A thin vertical line at the cursor's time, as the diagram's "now".
pub fn now_line(time: f64, y: &std::ops::Range<f64>) -> PathElement<(f64, f64)> {
    PathElement::new(vec![(time, y.start), (time, y.end)], INK.mix(0.45))
}

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

/// A drawn plot and the number of marks in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    pub svg: String,
    pub points: usize,
}

/// One entry of a plot's legend.
pub fn legend_entry(
    shape: &'static str,
    colour: &'static str,
    text: &'static str,
) -> impl IntoView {
    view! {
        <li>
            <span class=format!("plot-key {shape}") style=format!("--c: {colour}") aria-hidden="true"></span>
            {text}
        </li>
    }
}

/// The current lesson's plots, if it declares any; remounted only when the lesson changes.
#[component]
pub fn Plots() -> impl IntoView {
    let store = Store::get();
    let plots = Memo::new(move |_| {
        store
            .scenario
            .with(|s| lessons::lesson_of(s).and_then(|l| l.plots.map(|p| (l.id, p))))
    });
    move || plots.get().map(|(_, p)| (p.0)())
}

/// A sweep of runs computed only when the learner asks, and shown only while the scenario still
/// matches the one it was made for (`key` keeps what the sweep depends on). Returns the result,
/// whether it is being computed, and the button's handler.
pub fn on_demand<T: Clone + PartialEq + Send + Sync + 'static>(
    store: Store,
    key: fn(&Scenario) -> Scenario,
    compute: fn(&Scenario) -> T,
) -> (
    Memo<Option<T>>,
    RwSignal<bool>,
    impl Fn(leptos::ev::MouseEvent) + Copy + 'static,
) {
    let sweep = RwSignal::new(None::<(Scenario, T)>);
    let sweeping = RwSignal::new(false);
    let current = Memo::new(move |_| {
        let now = store.scenario.with(key);
        sweep.with(|s| {
            s.as_ref()
                .filter(|(k, _)| *k == now)
                .map(|(_, d)| d.clone())
        })
    });
    let run = move |_| {
        if sweeping.get_untracked() {
            return;
        }
        sweeping.set(true);
        let scenario = store.scenario.get_untracked();
        // Let the button show that it is working before the runs take the thread.
        set_timeout(
            move || {
                let result = compute(&scenario);
                sweep.set(Some((key(&scenario), result)));
                sweeping.set(false);
            },
            Duration::from_millis(30),
        );
    };
    (current, sweeping, run)
}

/// What the lessons' plot tests share: a prepared run, and a look inside an SVG.
#[cfg(test)]
pub mod testing {
    use spacetime_core::protocols::example;
    use spacetime_core::{Run, Trace};

    /// The whole run of a prepared scenario.
    pub fn trace(name: &str) -> Trace {
        Run::complete(&example(name).unwrap())
            .unwrap()
            .trace()
            .clone()
    }

    pub fn count(svg: &str, tag: &str) -> usize {
        svg.matches(&format!("<{tag} ")).count()
    }

    /// The words of every `<text>` element.
    pub fn texts(svg: &str) -> Vec<String> {
        svg.split("<text ")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split("</text>").next()?.trim().to_string())
            })
            .collect()
    }

    /// Write plots to `$PLOTS_OUT/name.svg` when that is set, to look at them.
    pub fn keep(name: &str, svg: &str) {
        if let Ok(dir) = std::env::var("PLOTS_OUT") {
            std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
        }
    }
}
