//! The broadcast lesson's plots, for runs of its `broadcast` protocol (nothing otherwise): how
//! far each message has spread under the gossip variant, and messages sent per broadcast against
//! the number of processes, for each variant, swept on demand.

use leptos::prelude::*;
use plotters::prelude::{BindKeyPoints, ChartBuilder, Circle, Color, IntoLogRange, PathElement};
use spacetime_core::layout::PALETTE;
use spacetime_core::lessons::broadcast::broadcast::{key_text, MessageKey, Tag};
use spacetime_core::{Run, Scenario, Trace};

use crate::plots::{
    label_style, on_demand, rgb, svg, Area, DrawResult, Drawn, GRID, INK, MARGIN, PLOT_HEIGHT,
    PLOT_WIDTH,
};
use crate::store::Store;

// ---------------------------------------------------------------------------------------------
// The broadcast lesson: what each variant costs
// ---------------------------------------------------------------------------------------------

/// The numbers of processes the broadcast sweep tries.
pub const BROADCAST_SIZES: [usize; 8] = [3, 4, 5, 6, 7, 8, 9, 10];
/// The seeds gossip (the one variant that draws random numbers) is run with: its cost is their
/// average. Every other variant is run once, with the first.
pub const BROADCAST_SEEDS: [u64; 3] = [1, 2, 3];
/// The broadcasts each run of the sweep makes (see [`broadcast_sweep_scenario`]).
pub const SWEEP_BROADCASTS: usize = 2;
/// The fewest steps a sweep run is allowed, whatever the scenario's limit: the dearest run
/// (`total-lamport` among ten) takes well under a thousand.
const SWEEP_MIN_STEPS: u64 = 5_000;

/// The scenario the broadcast sweep runs for `variant` among `n` processes named `P1` to `Pn`:
/// the scenario's latency (and FIFO links, which `total-lamport` always gets, as it assumes
/// them), with no faults, no interventions, no loss or duplication, no per-link settings, and
/// its own parameters, so that it costs the same whichever example it starts from: P2 broadcasts
/// twice (at 10 and 30), nobody replies, and gossip pushes to 2 peers a round for 3 rounds of
/// 10 ticks. The sender is P2 rather than P1 because P1 is `total-sequencer`'s sequencer: from
/// any other sender that variant pays one request and then the sequencer's copies, as a
/// sequencer usually does.
pub fn broadcast_sweep_scenario(
    scenario: &Scenario,
    variant: &str,
    n: usize,
    seed: u64,
) -> Scenario {
    let mut s = scenario.clone();
    s.protocol = "broadcast".into();
    s.variant = variant.into();
    s.processes = (1..=n).map(|i| format!("P{i}")).collect();
    s.faults.clear();
    s.interventions.clear();
    s.seed = seed;
    s.network.loss = 0.0;
    s.network.duplicate = 0.0;
    s.network.links.clear();
    s.network.fifo |= variant == "total-lamport";
    s.limits.max_steps = s.limits.max_steps.max(SWEEP_MIN_STEPS);
    s.limits.max_time = None;
    s.params = serde_json::json!({
        "broadcasts": [{ "at": 10, "from": "P2" }, { "at": 30, "from": "P2" }],
        "fanout": 2,
        "rounds": 3,
        "round_length": 10,
    });
    s
}

/// One variant's line: its name and (processes, messages sent per broadcast) for each size.
pub type CostSeries = (String, Vec<(usize, f64)>);

/// Messages sent per broadcast against the number of processes, for every variant of the
/// `broadcast` protocol in lesson order: for each size in `sizes`, a complete run of
/// [`broadcast_sweep_scenario`] (the average of [`BROADCAST_SEEDS`] for gossip), counting every
/// message handed to the network (`trace.messages`: originals, relays, requests, orders and
/// acknowledgements) over [`SWEEP_BROADCASTS`]. A run that does not load is left out; a size none
/// of whose runs loads has no point.
///
/// What comes out, for `n` processes: best-effort `n − 1`; reliable, fifo and causal between
/// `(n − 1)(n − 2)` and `(n − 1)²` (the sender's `n − 1` copies, then each receiver relays to
/// everyone but itself, the sender and whoever it heard from: `n − 2` others if that was the
/// sender, `n − 3` if a relay overtook the sender's copy); total-sequencer `n` (one request,
/// `n − 1` orders);
/// total-lamport `n (n − 1)` (`n − 1` copies, and each receiver acknowledges to its `n − 1`
/// peers); gossip `fanout × rounds × n = 6n` when everyone hears the message.
///
/// Cost: 7 variants × 8 sizes, gossip three times, is 72 complete runs of 4 to 180 messages
/// each. Measured natively in a debug build on a 2-core machine
/// (`cargo test -p spacetime-app --lib broadcast_sweep_timing -- --nocapture`): 32 to 35 ms for
/// the whole sweep. That is still too much work for every scenario change, so the component
/// runs it only when asked.
pub fn broadcast_cost_sweep(scenario: &Scenario, sizes: &[usize]) -> Vec<CostSeries> {
    let Some(protocol) = spacetime_core::protocols::find("broadcast") else {
        return Vec::new();
    };
    protocol
        .variants
        .iter()
        .map(|variant| {
            let seeds: &[u64] = if variant.name == "gossip" {
                &BROADCAST_SEEDS
            } else {
                &BROADCAST_SEEDS[..1]
            };
            let points = sizes
                .iter()
                .filter_map(|&n| {
                    let runs: Vec<f64> = seeds
                        .iter()
                        .filter_map(|&seed| {
                            let s = broadcast_sweep_scenario(scenario, variant.name, n, seed);
                            Run::complete(&s).ok()
                        })
                        .map(|run| run.trace().messages.len() as f64 / SWEEP_BROADCASTS as f64)
                        .collect();
                    (!runs.is_empty()).then(|| (n, runs.iter().sum::<f64>() / runs.len() as f64))
                })
                .collect();
            (variant.name.to_string(), points)
        })
        .collect()
}

/// The colour of the `i`th series of a plot: the lanes' palette, in order.
pub fn series_colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// How many marks [`broadcast_cost_plot`] draws: one per point.
pub fn cost_points(series: &[CostSeries]) -> usize {
    series.iter().map(|(_, points)| points.len()).sum()
}

/// A number of messages as a tick label or in the legend: whole when it is, else one decimal.
fn messages(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Messages per broadcast against the number of processes, one line with a dot per point for
/// each series, in [`series_colour`]s, on a logarithmic scale (the variants span 2 to 90
/// messages: on a linear one the cheap ones would lie flat along the bottom). Lines that
/// coincide (reliable, fifo and causal cost the same) are drawn each thinner than the one
/// before, so every one shows as a stripe.
pub fn broadcast_cost_plot(series: &[CostSeries], width: u32, height: u32) -> String {
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let x_lo = all().map(|p| p.0).min().unwrap_or(3) as f64;
    let x_hi = all()
        .map(|p| p.0)
        .max()
        .unwrap_or(10)
        .max(x_lo as usize + 1) as f64;
    let pad = (x_hi - x_lo) * 0.04;
    let y_lo = all()
        .map(|p| p.1)
        .filter(|&v| v > 0.0)
        .fold(f64::MAX, f64::min);
    let y_lo = if y_lo == f64::MAX { 1.0 } else { y_lo };
    let y_hi = all().map(|p| p.1).fold(y_lo * 2.0, f64::max);
    let y = (y_lo / 1.3)..(y_hi * 1.3);
    // Ticks at 1, 2 and 5 times each power of ten.
    let ticks: Vec<f64> = (0..6)
        .flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e)))
        .filter(|t| y.contains(t))
        .collect();
    // How many later series coincide with each: that many stripes lie on top of it.
    let under: Vec<usize> = series
        .iter()
        .enumerate()
        .map(|(i, (_, p))| series[i + 1..].iter().filter(|(_, q)| q == p).count())
        .collect();
    svg(
        width,
        height,
        "Messages sent per broadcast against the number of processes",
        |root: &Area| -> DrawResult {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .x_label_area_size(44)
                .y_label_area_size(56)
                .build_cartesian_2d(x_lo - pad..x_hi + pad, y.log_scale().with_key_points(ticks))?;
            chart
                .configure_mesh()
                .x_labels((x_hi - x_lo) as usize + 1)
                .y_labels(6)
                .max_light_lines(0)
                .bold_line_style(GRID)
                .axis_style(INK)
                .label_style(label_style())
                .axis_desc_style(label_style())
                .x_desc("processes")
                .y_desc("messages / broadcast")
                .x_label_formatter(&|v| {
                    if (v - v.round()).abs() < 1e-6 {
                        format!("{v:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|v| messages(*v))
                .draw()?;
            for (i, (_, points)) in series.iter().enumerate() {
                let colour = rgb(series_colour(i));
                let line: Vec<(f64, f64)> = points.iter().map(|&(n, v)| (n as f64, v)).collect();
                chart.draw_series(std::iter::once(PathElement::new(
                    line.clone(),
                    colour.stroke_width(2 + 3 * under[i] as u32),
                )))?;
                chart.draw_series(
                    line.into_iter()
                        .map(|p| Circle::new(p, 3 + under[i] as u32, colour.filled())),
                )?;
            }
            Ok(())
        },
    )
}

/// A drawn cost sweep and its legend: each variant's colour, name and cost at the most processes.
#[derive(Clone, Debug, PartialEq)]
struct CostDrawn {
    drawn: Drawn,
    legend: Vec<(&'static str, String)>,
}

/// What makes two scenarios give the same cost sweep: what the sweep keeps of them.
fn cost_key(scenario: &Scenario) -> Scenario {
    broadcast_sweep_scenario(scenario, "", 0, 0)
}

fn cost_drawn(series: &[CostSeries]) -> CostDrawn {
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, (name, points))| {
            // Black would vanish on the dark theme: the legend takes the text colour instead,
            // as the stylesheet does for the line.
            let colour = match series_colour(i) {
                "#000000" => "var(--fg)",
                c => c,
            };
            let text = match points.last() {
                Some(&(n, v)) => format!("{name}: {} at {n}", messages(v)),
                None => name.clone(),
            };
            (colour, text)
        })
        .collect();
    CostDrawn {
        drawn: Drawn {
            svg: broadcast_cost_plot(series, PLOT_WIDTH, PLOT_HEIGHT),
            points: cost_points(series),
        },
        legend,
    }
}

/// How far one gossiped message has spread after some steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub message: String,
    /// Processes that delivered it, and processes in all.
    pub reached: usize,
    pub processes: usize,
    /// When everyone had it: the rounds (of `round` ticks) since it was broadcast.
    pub rounds: Option<u64>,
}

impl Coverage {
    pub fn sentence(&self) -> String {
        match self.rounds {
            Some(r) => format!(
                "{} reached all {} processes within {r} round{}",
                self.message,
                self.processes,
                if r == 1 { "" } else { "s" }
            ),
            None => format!(
                "{} has reached {} of {} processes",
                self.message, self.reached, self.processes
            ),
        }
    }
}

/// For each message broadcast in the first `steps` steps: how many processes delivered it, and
/// in how many rounds of `round` ticks it reached all of them (gossip's rounds to full
/// coverage), from the trace's `broadcast` and `deliver` outputs. A message is the output's
/// typed fact (its [`Tag`]: sender and number), named from the trace's process names; the
/// outputs' display values are not read. (A trace read back from JSON has no facts, and so
/// nothing to report.)
pub fn coverage_rounds(trace: &Trace, steps: u64, round: u64) -> Vec<Coverage> {
    let shown = trace.events.partition_point(|e| e.step < steps);
    let time = |event: usize| trace.events[event].time;
    let visible = trace
        .outputs
        .iter()
        .filter(|o| o.event < shown)
        .filter_map(|o| Some((o, o.fact::<Tag>()?.key())));
    let mut out: Vec<(MessageKey, Coverage, u64, u64)> = Vec::new();
    for (o, key) in visible.clone().filter(|(o, _)| o.kind == "broadcast") {
        out.push((
            key,
            Coverage {
                message: key_text(&trace.processes, key),
                reached: 0,
                processes: trace.processes.len(),
                rounds: None,
            },
            time(o.event),
            0,
        ));
    }
    for (o, key) in visible.filter(|(o, _)| o.kind == "deliver") {
        if let Some((_, c, _, last)) = out.iter_mut().find(|(k, ..)| *k == key) {
            c.reached += 1;
            *last = (*last).max(time(o.event));
        }
    }
    out.into_iter()
        .map(|(_, mut c, start, last)| {
            if c.reached >= c.processes {
                c.rounds = Some((last.saturating_sub(start)).div_ceil(round.max(1)));
            }
            c
        })
        .collect()
}

/// The broadcast lesson's plots, for a run of the `broadcast` protocol (nothing otherwise): gossip
/// coverage under the gossip variant, and messages per broadcast against processes, on demand.
#[component]
pub fn BroadcastPlots() -> impl IntoView {
    let store = Store::get();
    let is_broadcast = Memo::new(move |_| store.scenario.with(|s| s.protocol == "broadcast"));
    let coverage = Memo::new(move |_| {
        let gossip = store
            .scenario
            .with(|s| s.protocol == "broadcast" && s.variant == "gossip");
        if !gossip {
            return Vec::new();
        }
        let round = store.scenario.with(|s| {
            s.params
                .get("round_length")
                .and_then(|v| v.as_u64())
                .unwrap_or(10)
        });
        let cursor = store.cursor.get();
        store.trace.with(|t| coverage_rounds(t, cursor, round))
    });
    // A sweep of another latency is not shown; 72 runs, 32 to 35 ms natively in a debug build
    // (see `broadcast_cost_sweep`).
    let (current, sweeping, run_sweep) = on_demand(store, cost_key, |scenario| {
        cost_drawn(&broadcast_cost_sweep(scenario, &BROADCAST_SIZES))
    });
    view! {
        <Show when=move || is_broadcast.get()>
            <div class="plots" data-testid="plots-broadcast">
                <Show when=move || coverage.with(|c| !c.is_empty())>
                    <div class="plot coverage" data-testid="gossip-coverage">
                        <strong>"Gossip coverage"</strong>
                        <ul>
                            {move || coverage.get().into_iter().map(|c| view! { <li>{c.sentence()}</li> }).collect_view()}
                        </ul>
                    </div>
                </Show>
                <details class="plot">
                    <summary>"Messages per broadcast"</summary>
                    <p class="plot-note">
                        "What each variant sends for one broadcast among 3 to 10 processes, "
                        "from runs without faults: P2 broadcasts twice; gossip pushes to 2 peers "
                        "a round for 3 rounds (the average of three runs)."
                    </p>
                    <button class="plot-sweep" data-testid="plot-broadcast-sweep"
                        disabled=move || sweeping.get()
                        on:click=run_sweep>
                        {move || if sweeping.get() { "Sweeping…" } else { "Sweep 3 to 10 processes" }}
                    </button>
                    {move || current.get().map(|d| view! {
                        <div class="plot-svg" data-testid="plot-broadcast-cost"
                            data-points=d.drawn.points.to_string() inner_html=d.drawn.svg></div>
                        <ul class="plot-legend">
                            {d.legend.into_iter().map(|(colour, text)| view! {
                                <li>
                                    <span class="plot-key line" style=format!("--c: {colour}")
                                        aria-hidden="true"></span>
                                    {text}
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                </details>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plots::testing::{count, keep, texts, trace};
    use spacetime_core::protocols::example;

    #[test]
    fn gossip_coverage_counts_rounds_to_reach_everyone() {
        let t = trace("broadcast-gossip-coverage");
        let all = coverage_rounds(&t, t.step_count(), 10);
        assert!(!all.is_empty());
        for c in &all {
            assert_eq!(c.processes, t.processes.len());
            assert!(c.reached <= c.processes);
            assert_eq!(c.rounds.is_some(), c.reached == c.processes, "{c:?}");
            assert!(c.sentence().starts_with(&c.message));
        }
        // Before anything is broadcast there is nothing to report; part way, fewer have it.
        assert!(coverage_rounds(&t, 0, 10).is_empty());
        let early = coverage_rounds(&t, t.step_count() / 4, 10);
        assert!(early.iter().zip(&all).all(|(e, a)| e.reached <= a.reached));
    }

    fn series<'a>(sweep: &'a [CostSeries], name: &str) -> &'a [(usize, f64)] {
        &sweep.iter().find(|(v, _)| v == name).unwrap().1
    }

    #[test]
    fn the_broadcast_sweep_has_the_expected_shapes() {
        let scenario = example("broadcast-best-effort-sender-crash").unwrap();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        let names: Vec<&str> = sweep.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            names,
            [
                "best-effort",
                "reliable",
                "fifo",
                "causal",
                "total-sequencer",
                "total-lamport",
                "gossip"
            ]
        );
        for (variant, points) in &sweep {
            let sizes: Vec<usize> = points.iter().map(|p| p.0).collect();
            assert_eq!(sizes, BROADCAST_SIZES, "{variant}");
        }
        for &(n, v) in series(&sweep, "best-effort") {
            assert_eq!(v, (n - 1) as f64, "best-effort at {n}");
        }
        // Eager reliable broadcast: the sender's n − 1 copies, then each receiver relays to the
        // n − 2 others that are not the sender, or n − 3 if it first heard from a relay.
        for name in ["reliable", "fifo", "causal"] {
            for &(n, v) in series(&sweep, name) {
                let (lo, hi) = ((n - 1) * (n - 2), (n - 1) * (n - 1));
                assert!(lo as f64 <= v && v <= hi as f64, "{name} at {n}: {v}");
            }
            assert_eq!(series(&sweep, name), series(&sweep, "reliable"), "{name}");
        }
        for &(n, v) in series(&sweep, "total-sequencer") {
            assert_eq!(v, n as f64, "sequencer at {n}: a request and n − 1 orders");
        }
        for &(n, v) in series(&sweep, "total-lamport") {
            assert_eq!(
                v,
                (n * (n - 1)) as f64,
                "lamport at {n}: copies and acknowledgements"
            );
        }
        for &(n, v) in series(&sweep, "gossip") {
            // Two peers a round, three rounds, by at most every process.
            assert!(v > 0.0 && v <= 6.0 * n as f64, "gossip at {n}: {v}");
        }
        // Every line rises with the number of processes.
        for (variant, points) in &sweep {
            assert!(
                points[0].1 < points[points.len() - 1].1,
                "{variant}: {points:?}"
            );
        }
        // The same sweep again gives the same numbers, whatever the scenario's seed and faults.
        let mut other = example("broadcast-gossip-coverage").unwrap();
        other.seed = 42;
        assert_eq!(broadcast_cost_sweep(&other, &BROADCAST_SIZES), sweep);
        assert_eq!(broadcast_cost_sweep(&scenario, &BROADCAST_SIZES), sweep);
    }

    #[test]
    fn the_broadcast_sweep_scenario_is_clean() {
        let mut scenario = example("broadcast-causal-reply-overtakes").unwrap();
        scenario.network.loss = 0.5;
        let s = broadcast_sweep_scenario(&scenario, "gossip", 5, 3);
        assert_eq!(s.processes, ["P1", "P2", "P3", "P4", "P5"]);
        assert_eq!((s.variant.as_str(), s.seed), ("gossip", 3));
        assert!(s.faults.is_empty() && s.interventions.is_empty() && s.network.links.is_empty());
        assert_eq!((s.network.loss, s.network.duplicate), (0.0, 0.0));
        assert!(s.params.get("replies").is_none());
        assert_eq!(
            s.params["broadcasts"].as_array().unwrap().len(),
            SWEEP_BROADCASTS
        );
        assert!(
            broadcast_sweep_scenario(&scenario, "total-lamport", 3, 1)
                .network
                .fifo
        );
        assert!(Run::complete(&s).is_ok());
    }

    /// How long the sweep takes: run with `-- --nocapture` to see it.
    #[test]
    fn broadcast_sweep_timing() {
        let scenario = example("broadcast-fifo-overtake").unwrap();
        let start = std::time::Instant::now();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        eprintln!(
            "broadcast sweep: {} points in {:?}",
            cost_points(&sweep),
            start.elapsed()
        );
        assert_eq!(cost_points(&sweep), 7 * BROADCAST_SIZES.len());
    }

    #[test]
    fn the_cost_plot_has_a_line_per_variant() {
        let scenario = example("broadcast-best-effort-sender-crash").unwrap();
        let sweep = broadcast_cost_sweep(&scenario, &BROADCAST_SIZES);
        let svg = broadcast_cost_plot(&sweep, PLOT_WIDTH, PLOT_HEIGHT);
        keep("broadcast-cost", &svg);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        let words = texts(&svg);
        assert!(words.iter().any(|t| t == "processes"), "{words:?}");
        assert!(
            words.iter().any(|t| t == "messages / broadcast"),
            "{words:?}"
        );
        assert!(words.iter().any(|t| t == "10"), "{words:?}");
        for size in svg.split("font-size=\"").skip(1) {
            let px: f64 = size.split('"').next().unwrap().parse().unwrap();
            assert!(px >= 14.0, "{px}px");
        }
        // One line per variant, in its colour, and a dot per point.
        for (i, (variant, _)) in sweep.iter().enumerate() {
            let line = format!(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\"",
                series_colour(i)
            );
            assert_eq!(svg.matches(&line).count(), 1, "{variant}: {svg}");
        }
        assert_eq!(count(&svg, "circle"), cost_points(&sweep));
        // Coinciding lines are stripes: reliable under fifo under causal.
        let width = |i: usize| {
            let at = svg
                .find(&format!("stroke=\"{}\" stroke-width=\"", series_colour(i)))
                .unwrap();
            let rest = &svg[at..];
            let rest = &rest[rest.find("stroke-width=\"").unwrap() + 14..];
            rest.split('"').next().unwrap().parse::<u32>().unwrap()
        };
        assert!(width(1) > width(2) && width(2) > width(3), "{svg}");
        // Empty input still draws a plot.
        let empty = broadcast_cost_plot(&[], PLOT_WIDTH, PLOT_HEIGHT);
        assert!(
            empty.contains("<svg") && !empty.contains("could not be drawn"),
            "{empty}"
        );
    }

    /// Coverage and the cost sweep read typed facts and counts, not display texts: a run with
    /// every label and output value scrambled gives the same numbers and names.
    #[test]
    fn coverage_and_cost_are_the_same_on_a_scrambled_run() {
        use spacetime_core::testing::scrambled;
        for seed in 0..20 {
            let mut s = spacetime_core::protocols::example("broadcast-gossip-coverage").unwrap();
            s.seed = seed;
            s.network.loss = 0.1;
            let plain = Run::complete(&s).unwrap().trace().clone();
            let shown = scrambled(|| Run::complete(&s).unwrap().trace().clone());
            assert_ne!(plain.outputs[0].value, shown.outputs[0].value);
            for steps in [plain.step_count() / 3, plain.step_count()] {
                let a = coverage_rounds(&plain, steps, 10);
                assert_eq!(a, coverage_rounds(&shown, steps, 10), "seed {seed}");
                assert!(a.iter().all(|c| c.message == "P1#1"), "{a:?}");
            }
        }
        let s = spacetime_core::protocols::example("broadcast-best-effort-sender-crash").unwrap();
        let sizes = [3, 5];
        assert_eq!(
            broadcast_cost_sweep(&s, &sizes),
            scrambled(|| broadcast_cost_sweep(&s, &sizes))
        );
    }
}
