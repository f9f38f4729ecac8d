//! The MapReduce lesson's plot: each worker's tasks over time, drawn in its panel.

use plotters::prelude::{ChartBuilder, Color, Rectangle};
use spacetime_core::layout::process_colour;
use spacetime_core::Trace;

use super::panel::{Bar, Phase};
use crate::plots::{label_style, rgb, svg, time_range, whole, Area, DrawResult, GRID, INK, MARGIN};

/// The MapReduce lesson's task timeline: a row per worker (in lane order, top to bottom), a bar
/// per run of a task in the worker's colour: solid for the run that completed its task, pale for
/// one that was cut short (its worker died, or another copy won), map bars lower and reduce bars
/// higher in the row. The time axis spans the whole run.
pub fn timeline_plot(trace: &Trace, bars: &[Bar], width: u32, height: u32) -> String {
    let workers: Vec<(usize, &String)> = trace
        .processes
        .iter()
        .enumerate()
        .filter(|(_, name)| bars.iter().any(|b| &b.worker == *name))
        .collect();
    let rows = workers.len().max(1) as f64;
    svg(
        width,
        height,
        "Tasks per worker over time",
        |root: &Area| -> DrawResult {
            let x = time_range(trace);
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(40)
                .y_label_area_size(44)
                .build_cartesian_2d(x, 0.0..rows)?;
            let names: Vec<String> = workers.iter().map(|(_, n)| (*n).clone()).collect();
            let label = move |v: &f64| {
                let row = v.floor() as usize;
                // Rows run top to bottom in lane order; the axis counts up from the bottom.
                names
                    .len()
                    .checked_sub(row + 1)
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default()
            };
            chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(workers.len() * 2 + 1)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("time (ticks)")
                .x_label_formatter(&whole)
                .y_label_formatter(&|v: &f64| {
                    if (v.fract() - 0.5).abs() < 0.01 {
                        label(v)
                    } else {
                        String::new()
                    }
                })
                .draw()?;
            for bar in bars {
                let Some(row) = workers.iter().position(|(_, n)| **n == bar.worker) else {
                    continue;
                };
                let base = rows - 1.0 - row as f64;
                let (low, high) = match bar.phase {
                    Phase::Map => (base + 0.12, base + 0.48),
                    Phase::Reduce => (base + 0.52, base + 0.88),
                };
                let p = workers[row].0;
                let colour = rgb(process_colour(p));
                let end = (bar.end as f64).max(bar.start as f64 + 1.0);
                let style = if bar.completed {
                    colour.filled()
                } else {
                    colour.mix(0.35).filled()
                };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(bar.start as f64, low), (end, high)],
                    style,
                )))?;
            }
            Ok(())
        },
    )
}
