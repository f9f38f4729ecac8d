//! The gossip lesson's plot: how far one rumour gets, against the size of the network, for a
//! fanout of 2, 3 and 4, measured on demand. Each point is many runs of the protocol's random
//! choices ([`sweep::measure_model`], which a core test holds to the engine's runs): the average
//! share of processes that heard the rumour, and the share of runs in which every process did.
//! The plot shows what the lesson text says: the average settles (about 80% with a fanout of 2,
//! 94% with 3) while full coverage falls away as the network grows.
//!
//! The sweep is cut into one cell (a size and a fanout) per task, so the page never stalls
//! while it runs.

use std::time::Duration;

use leptos::prelude::*;
use plotters::prelude::{
    BindKeyPoints, ChartBuilder, Circle, Color, IntoLogRange, PathElement, TriangleMarker,
};
use spacetime_core::lessons::gossip::sweep::{self, CoveragePoint};

use crate::plots::{
    label_style, rgb, svg, Area, DrawResult, Drawn, GRID, INK, MARGIN, PLOT_HEIGHT, PLOT_WIDTH,
};
use crate::store::Store;

/// The network sizes swept, doubling.
pub const SIZES: [usize; 7] = [4, 8, 16, 32, 64, 128, 256];
/// The fanouts swept, one colour each.
pub const FANOUTS: [usize; 3] = [2, 3, 4];
/// Runs (seeds) per point.
pub const RUNS: usize = 60;
/// Each fanout's colour.
const COLOURS: [&str; 3] = ["#d1495b", "#00798c", "#6a4c93"];

/// The cells of the sweep in the order they are measured: every fanout at one size, then the
/// next size.
pub fn cells() -> Vec<(usize, usize)> {
    SIZES
        .iter()
        .flat_map(|&n| FANOUTS.iter().map(move |&k| (n, k)))
        .collect()
}

/// The marks a plot of `points` draws: two per point.
pub fn marks(points: &[CoveragePoint]) -> usize {
    2 * points.len()
}

/// Share against processes (a log scale), for each fanout: the average reach with circles on a
/// thick line, the share of runs that reached everyone with triangles on a thin one.
pub fn coverage_plot(points: &[CoveragePoint], width: u32, height: u32) -> String {
    let lo = SIZES[0] as f64;
    let hi = SIZES[SIZES.len() - 1] as f64;
    let keys: Vec<f64> = SIZES.iter().map(|&n| n as f64).collect();
    svg(
        width,
        height,
        "How far one rumour gets, against the number of processes, for fanouts 2, 3 and 4",
        |root: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(52)
                .build_cartesian_2d(
                    ((lo / 1.2)..(hi * 1.2)).log_scale().with_key_points(keys),
                    -0.03f64..1.03,
                )?;
            chart
                .configure_mesh()
                .y_labels(6)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("processes")
                .y_desc("share")
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
                .draw()?;
            for (i, &fanout) in FANOUTS.iter().enumerate() {
                let colour = rgb(COLOURS[i]);
                let line = |value: fn(&CoveragePoint) -> f64| -> Vec<(f64, f64)> {
                    points
                        .iter()
                        .filter(|p| p.fanout == fanout)
                        .map(|p| (p.n as f64, value(p)))
                        .collect()
                };
                let reach = line(|p| p.mean_reach);
                let full = line(|p| p.full);
                chart.draw_series(std::iter::once(PathElement::new(
                    reach.clone(),
                    colour.stroke_width(3),
                )))?;
                chart.draw_series(
                    reach
                        .into_iter()
                        .map(|p| Circle::new(p, 4, colour.filled())),
                )?;
                chart.draw_series(std::iter::once(PathElement::new(
                    full.clone(),
                    colour.stroke_width(1),
                )))?;
                chart.draw_series(
                    full.into_iter()
                        .map(|p| TriangleMarker::new(p, 5, colour.filled())),
                )?;
            }
            Ok(())
        },
    )
}

/// The plot's note for the measured points: each fanout's average reach and full coverage at
/// the largest size measured.
pub fn summary(points: &[CoveragePoint]) -> Vec<String> {
    FANOUTS
        .iter()
        .filter_map(|&k| {
            let p = points
                .iter()
                .filter(|p| p.fanout == k)
                .max_by_key(|p| p.n)?;
            Some(format!(
                "fanout {k}: {:.0}% reached on average among {}, everyone in {:.0}% of runs",
                p.mean_reach * 100.0,
                p.n,
                p.full * 100.0
            ))
        })
        .collect()
}

/// The gossip lesson's plot, for runs of its `gossip` protocol.
#[component]
pub fn GossipPlots() -> impl IntoView {
    let store = Store::get();
    let is_gossip = Memo::new(move |_| store.scenario.with(|s| s.protocol == "gossip"));
    let points = RwSignal::new(Vec::<CoveragePoint>::new());
    let sweeping = RwSignal::new(false);
    let drawn = Memo::new(move |_| {
        points.with(|p| {
            (!p.is_empty()).then(|| Drawn {
                svg: coverage_plot(p, PLOT_WIDTH, PLOT_HEIGHT),
                points: marks(p),
            })
        })
    });
    let run = move |_| {
        if sweeping.get_untracked() {
            return;
        }
        sweeping.set(true);
        points.set(Vec::new());
        measure_next(points, sweeping, cells(), 0);
    };
    view! {
        <Show when=move || is_gossip.get()>
            <details class="plot" data-testid="plots-gossip">
                <summary>"How far one rumour gets"</summary>
                <p class="plot-note">
                    "One rumour, each process telling a fanout of others once, among 4 to 256 "
                    "processes; " {RUNS} " runs a point. Circles: the average share that heard "
                    "it. Triangles: the share of runs in which everyone did."
                </p>
                <button class="plot-sweep" data-testid="plot-gossip-sweep"
                    disabled=move || sweeping.get() on:click=run>
                    {move || if sweeping.get() {
                        format!("Measuring… {} of {}", points.with(Vec::len), cells().len())
                    } else {
                        "Measure 4 to 256 processes".to_string()
                    }}
                </button>
                {move || drawn.get().map(|d| view! {
                    <div class="plot-svg" data-testid="plot-gossip-coverage"
                        data-points=d.points.to_string() inner_html=d.svg></div>
                    <ul class="plot-legend">
                        {FANOUTS.iter().enumerate().map(|(i, k)| view! {
                            <li>
                                <span class="plot-key line" style=format!("--c: {}", COLOURS[i])
                                    aria-hidden="true"></span>
                                {format!("fanout {k}")}
                            </li>
                        }).collect_view()}
                    </ul>
                    <ul class="plot-summary" data-testid="plot-gossip-summary">
                        {summary(&points.get()).into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                    </ul>
                })}
            </details>
        </Show>
    }
}

/// Measure cell `i` of `cells`, show it, and leave the next one to a later task.
fn measure_next(
    points: RwSignal<Vec<CoveragePoint>>,
    sweeping: RwSignal<bool>,
    cells: Vec<(usize, usize)>,
    i: usize,
) {
    let Some(&(n, k)) = cells.get(i) else {
        sweeping.set(false);
        return;
    };
    set_timeout(
        move || {
            let point = sweep::measure_model(n, k, RUNS);
            points.update(|p| p.push(point));
            measure_next(points, sweeping, cells, i + 1);
        },
        Duration::from_millis(0),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::testing::{count, keep};

    #[test]
    fn the_plot_shows_reach_settling_and_full_coverage_falling() {
        let points: Vec<CoveragePoint> = cells()
            .into_iter()
            .map(|(n, k)| sweep::measure_model(n, k, RUNS))
            .collect();
        let svg = coverage_plot(&points, PLOT_WIDTH, PLOT_HEIGHT);
        keep("gossip-coverage", &svg);
        assert_eq!(count(&svg, "circle"), SIZES.len() * FANOUTS.len());
        assert_eq!(marks(&points), 2 * SIZES.len() * FANOUTS.len());
        let at = |n: usize, k: usize| *points.iter().find(|p| p.n == n && p.fanout == k).unwrap();
        // What the lesson text says: about 80% with a fanout of two and 94% with three in a
        // large network, and full coverage rare there.
        assert!(
            (at(256, 2).mean_reach - 0.80).abs() < 0.04,
            "{:?}",
            at(256, 2)
        );
        assert!(
            (at(256, 3).mean_reach - 0.94).abs() < 0.03,
            "{:?}",
            at(256, 3)
        );
        assert!(at(256, 2).full < 0.05 && at(4, 2).full > at(256, 2).full);
        assert!(at(256, 4).full > at(256, 2).full);
        let lines = summary(&points);
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("fanout 2: 8") && lines[0].contains("among 256"),
            "{lines:?}"
        );
    }
}
