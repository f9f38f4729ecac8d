//! Paints a dense view's [`Frame`](super::dense::Frame) onto the pane-sized canvas.
//!
//! Calls are batched by style: one path per kind of line and per colour of dot, one rectangle
//! per run of equal cells in a band. A frame is a few hundred canvas calls at most, however big
//! the run.
//!
//! The whole run's frame is painted once per view onto a canvas off the page (the *base*);
//! each move of the cursor copies the base left of the frontier's cut and paints the frontier
//! ([`paint_frontier`]), so that scrubbing and playing rasterise a strip, not the view.

use spacetime_core::layout::{process_colour, ArrowEnd};
use spacetime_core::EventKind;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::dense::{dot_radius, line_alpha, Band, Dot, Frame, Frontier, Line, BIN_PX};
use super::Highlight;

/// The theme's colours, read from the page's CSS variables (the SVG's colours), so the canvas
/// follows the dark theme and presentation mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub fg: String,
    pub bg: String,
    pub arrow: String,
    pub accent: String,
    pub danger: String,
}

impl Palette {
    pub fn of(el: &web_sys::Element) -> Palette {
        let style = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let read = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            fg: read("--fg", "#0f172a"),
            bg: read("--bg", "#ffffff"),
            arrow: read("--arrow", "#3d4756"),
            accent: read("--accent", "#0a5fc2"),
            danger: read("--danger", "#c0262d"),
        }
    }
}

/// The screen's pixels per CSS pixel, as the canvases use it.
pub fn pixel_ratio() -> f64 {
    web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0)
}

/// The 2D context of `canvas`, sized to `width` x `height` CSS pixels at the screen's pixel
/// ratio, cleared and scaled so that drawing is in CSS pixels.
pub fn prepare(
    canvas: &HtmlCanvasElement,
    width: f64,
    height: f64,
) -> Option<CanvasRenderingContext2d> {
    let ratio = pixel_ratio();
    let (w, h) = (
        (width * ratio).round() as u32,
        (height * ratio).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
        let style = canvas.style();
        let _ = style.set_property("width", &format!("{width}px"));
        let _ = style.set_property("height", &format!("{height}px"));
    }
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, height);
    Some(ctx)
}

/// Paint the whole of `frame` (the base).
pub fn paint(ctx: &CanvasRenderingContext2d, frame: &Frame, palette: &Palette) {
    lines(ctx, &frame.lines, line_alpha(frame), palette);
    for band in &frame.bands {
        band_cells(ctx, band, frame.shaded, palette);
    }
    dots(ctx, &frame.dots, dot_radius(frame), palette);
    ctx.set_global_alpha(1.0);
}

/// Paint a cursor's view: `base` (the canvas `paint` drew `frame` on) left of the frontier's cut,
/// then the frontier, with `hovered` (a dot in pane pixels and its caption) ringed and named.
pub fn paint_frontier(
    ctx: &CanvasRenderingContext2d,
    base: &HtmlCanvasElement,
    frame: &Frame,
    front: &Frontier,
    palette: &Palette,
    hovered: Option<((f64, f64), &str)>,
) {
    let ratio = pixel_ratio();
    let (width, height) = (f64::from(base.width()), f64::from(base.height()));
    // The pane's size in CSS pixels, in which the context draws.
    let (pane_w, pane_h) = (width / ratio, height / ratio);
    if front.cut > 0.0 {
        let cut = (front.cut * ratio).min(width);
        let _ = ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            base,
            0.0,
            0.0,
            cut,
            height,
            0.0,
            0.0,
            cut / ratio,
            height / ratio,
        );
    }
    let radius = dot_radius(frame);
    let alpha = line_alpha(frame);
    // Left of the cut the base draws the messages in the air as they end (received, or lost):
    // painted over in the background's colour, short of the dot they leave from.
    if !front.covered.is_empty() {
        ctx.save();
        ctx.begin_path();
        ctx.rect(0.0, 0.0, front.cut, pane_h);
        ctx.clip();
        ctx.begin_path();
        for l in &front.covered {
            let (dx, dy) = (l.to.0 - l.from.0, l.to.1 - l.from.1);
            let length = dx.hypot(dy);
            if length <= radius + 1.0 {
                continue;
            }
            let skip = (radius + 1.0) / length;
            ctx.move_to(l.from.0 + dx * skip, l.from.1 + dy * skip);
            ctx.line_to(l.to.0, l.to.1);
        }
        ctx.set_stroke_style_str(&palette.bg);
        ctx.set_line_width(3.0);
        ctx.stroke();
        ctx.restore();
    }
    // Messages that ended by the cursor: the base has them left of the cut.
    ctx.save();
    ctx.begin_path();
    ctx.rect(front.cut, 0.0, pane_w, pane_h);
    ctx.clip();
    lines(ctx, &front.settled, alpha, palette);
    ctx.restore();
    lines(ctx, &front.in_air, alpha, palette);
    for band in &front.bands {
        band_cells(ctx, band, frame.shaded, palette);
    }
    dots(ctx, &front.dots, radius, palette);
    if let Some(((x, y), caption)) = hovered {
        hover(ctx, (x, y), caption, palette);
    }
    ctx.set_global_alpha(1.0);
}

fn lines(ctx: &CanvasRenderingContext2d, lines: &[Line], alpha: f64, palette: &Palette) {
    let styles = [
        (ArrowEnd::Received, palette.arrow.as_str(), 1.0, &[][..]),
        (
            ArrowEnd::InFlight,
            palette.accent.as_str(),
            1.6,
            &[6.0, 4.0][..],
        ),
        (
            ArrowEnd::Died,
            palette.danger.as_str(),
            1.2,
            &[2.0, 3.0][..],
        ),
    ];
    for (end, colour, width, dash) in styles {
        ctx.begin_path();
        let mut any = false;
        for l in lines.iter().filter(|l| l.end == end) {
            ctx.move_to(l.from.0, l.from.1);
            ctx.line_to(l.to.0, l.to.1);
            any = true;
        }
        if any {
            ctx.set_global_alpha(alpha);
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(width);
            let _ = ctx.set_line_dash(&dash_array(dash));
            ctx.stroke();
        }
    }
    let _ = ctx.set_line_dash(&dash_array(&[]));
}

fn dash_array(dash: &[f64]) -> JsValue {
    dash.iter()
        .map(|&d| JsValue::from_f64(d))
        .collect::<js_sys::Array>()
        .into()
}

/// A band's cells, merged into runs of equal look: how full (four levels) and how they stand to
/// the selection. Past runs get a solid line under them, future runs a dashed one: shapes, as
/// the SVG's rings are, not hues.
fn band_cells(ctx: &CanvasRenderingContext2d, band: &Band, shaded: bool, palette: &Palette) {
    let height = 10.0;
    let top = band.y - height / 2.0;
    ctx.set_fill_style_str(process_colour(band.process));
    let look = |c: &super::dense::Cell| -> Option<(u8, u8)> {
        if c.events == 0 {
            return None;
        }
        let level = match c.events {
            1 => 0,
            2..=3 => 1,
            4..=8 => 2,
            _ => 3,
        };
        let class = if !shaded {
            0
        } else if c.past * 2 >= c.events {
            1
        } else if c.future * 2 >= c.events {
            2
        } else {
            3
        };
        Some((level, class))
    };
    let mut marks: Vec<(f64, f64, u8)> = Vec::new();
    let mut i = 0;
    while i < band.cells.len() {
        let Some(l) = look(&band.cells[i]) else {
            i += 1;
            continue;
        };
        let start = i;
        while i < band.cells.len() && look(&band.cells[i]) == Some(l) {
            i += 1;
        }
        let (x, w) = (start as f64 * BIN_PX, (i - start) as f64 * BIN_PX);
        let alpha = [0.45, 0.65, 0.85, 1.0][usize::from(l.0)];
        ctx.set_global_alpha(if l.1 == 3 { alpha * 0.28 } else { alpha });
        ctx.fill_rect(x, top, w, height);
        if l.1 == 1 || l.1 == 2 {
            marks.push((x, w, l.1));
        }
    }
    ctx.set_global_alpha(1.0);
    ctx.set_stroke_style_str(&palette.fg);
    ctx.set_line_width(2.0);
    for class in [1u8, 2] {
        ctx.begin_path();
        for &(x, w, _) in marks.iter().filter(|m| m.2 == class) {
            ctx.move_to(x, top + height + 2.0);
            ctx.line_to(x + w, top + height + 2.0);
        }
        let dash: &[f64] = if class == 2 { &[3.0, 2.0] } else { &[] };
        let _ = ctx.set_line_dash(&dash_array(dash));
        ctx.stroke();
    }
    let _ = ctx.set_line_dash(&dash_array(&[]));
}

fn dots(ctx: &CanvasRenderingContext2d, dots: &[Dot], radius: f64, palette: &Palette) {
    let circle = |d: &Dot| {
        ctx.move_to(d.x + radius, d.y);
        let _ = ctx.arc(d.x, d.y, radius, 0.0, std::f64::consts::TAU);
    };
    // Fills by lane colour, the concurrent ones faded.
    let mut processes: Vec<usize> = dots.iter().map(|d| d.process).collect();
    processes.sort_unstable();
    processes.dedup();
    for faded in [false, true] {
        ctx.set_global_alpha(if faded { 0.28 } else { 1.0 });
        for &p in &processes {
            ctx.begin_path();
            let mut any = false;
            for d in dots
                .iter()
                .filter(|d| d.process == p && (d.highlight == Highlight::Concurrent) == faded)
            {
                circle(d);
                any = true;
            }
            if any {
                ctx.set_fill_style_str(process_colour(p));
                ctx.fill();
            }
        }
    }
    ctx.set_global_alpha(1.0);
    // Rings: past solid, future dashed, crashes and recoveries in their colours.
    type Ring<'a> = (&'a dyn Fn(&Dot) -> bool, &'a str, &'a [f64]);
    let rings: [Ring; 4] = [
        (&|d| d.highlight == Highlight::Past, &palette.fg, &[]),
        (
            &|d| d.highlight == Highlight::Future,
            &palette.fg,
            &[3.0, 2.0],
        ),
        (&|d| d.kind == EventKind::Crash, &palette.danger, &[]),
        (&|d| d.kind == EventKind::Recover, "#1a7f37", &[]),
    ];
    ctx.set_line_width(1.8);
    for (pick, colour, dash) in rings {
        ctx.begin_path();
        let mut any = false;
        for d in dots.iter().filter(|d| pick(d)) {
            circle(d);
            any = true;
        }
        if any {
            ctx.set_stroke_style_str(colour);
            let _ = ctx.set_line_dash(&dash_array(dash));
            ctx.stroke();
        }
    }
    let _ = ctx.set_line_dash(&dash_array(&[]));
}

fn hover(ctx: &CanvasRenderingContext2d, (x, y): (f64, f64), caption: &str, palette: &Palette) {
    ctx.begin_path();
    let _ = ctx.arc(x, y, 8.0, 0.0, std::f64::consts::TAU);
    ctx.set_stroke_style_str(&palette.fg);
    ctx.set_line_width(2.5);
    ctx.stroke();
    if caption.is_empty() {
        return;
    }
    ctx.set_font("600 12px ui-monospace, SFMono-Regular, Menlo, monospace");
    let width = ctx.measure_text(caption).map_or(80.0, |m| m.width());
    let (bx, by) = (x - width / 2.0 - 5.0, y - 32.0);
    ctx.set_fill_style_str(&palette.bg);
    ctx.set_global_alpha(0.92);
    ctx.fill_rect(bx, by, width + 10.0, 18.0);
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(&palette.fg);
    let _ = ctx.fill_text(caption, bx + 5.0, by + 13.0);
}
