//! Paints a dense view's [`Frame`](super::dense::Frame) onto the pane-sized canvas.
//!
//! Calls are batched by style: one path per kind of line and per colour of dot, one rectangle
//! per run of equal cells in a band. A frame is a few hundred canvas calls at most, however big
//! the run.
//!
//! The whole run's frame is painted once per view onto a canvas of its own (the *base*), which
//! the page shows left of the frontier's cut only; each move of the cursor paints the frontier
//! ([`paint_frontier`]) on a second canvas just as wide as what it draws, so that scrubbing and
//! playing give the browser a strip of new pixels to composite, not the pane's.

use spacetime_core::layout::{process_colour, ArrowEnd};
use spacetime_core::EventKind;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::dense::{dot_radius, line_alpha, Band, Cell, Dot, Frame, Frontier, Line, BIN_PX};
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

thread_local! {
    /// The 2D contexts of the last few canvases drawn on: asking a canvas for its context costs
    /// about a millisecond, several times a frame.
    static CONTEXTS: std::cell::RefCell<Vec<(HtmlCanvasElement, CanvasRenderingContext2d)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The 2D context of `canvas`.
fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    CONTEXTS.with(|contexts| {
        let mut contexts = contexts.borrow_mut();
        if let Some((_, ctx)) = contexts.iter().find(|(c, _)| c == canvas) {
            return Some(ctx.clone());
        }
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        // A diagram has three canvases (the view, its base, the bands' strip); an old diagram's
        // are let go.
        if contexts.len() >= 6 {
            contexts.remove(0);
        }
        contexts.push((canvas.clone(), ctx.clone()));
        Some(ctx)
    })
}

/// How much bigger than the view a canvas's bitmap may stay, in device pixels: a scroll bar
/// coming and going (zooming in from the fitted view) must not make a new bitmap each time,
/// which costs the frame several milliseconds.
const SLACK_PX: u32 = 64;

/// The 2D context of `canvas`, cleared and scaled so that drawing is in CSS pixels, with a
/// bitmap covering `width` x `height` CSS pixels at the screen's pixel ratio. The bitmap is kept
/// while it is at most [`SLACK_PX`] bigger than that; what lies past the view is clipped by the
/// canvas's container.
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
    let (bw, bh) = bitmap_size((canvas.width(), canvas.height()), (w, h));
    if (bw, bh) != (canvas.width(), canvas.height()) {
        canvas.set_width(bw);
        canvas.set_height(bh);
        let style = canvas.style();
        let _ = style.set_property("width", &format!("{}px", f64::from(bw) / ratio));
        let _ = style.set_property("height", &format!("{}px", f64::from(bh) / ratio));
    }
    let ctx = context(canvas)?;
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, f64::from(bw) / ratio, f64::from(bh) / ratio);
    Some(ctx)
}

/// The bitmap for a view of `need` device pixels, given the one a canvas has: kept if it covers
/// the view with no more than [`SLACK_PX`] to spare on either side, else exactly the view.
pub fn bitmap_size(have: (u32, u32), need: (u32, u32)) -> (u32, u32) {
    let fits = |have: u32, need: u32| have >= need && have - need <= SLACK_PX;
    if fits(have.0, need.0) && fits(have.1, need.1) {
        have
    } else {
        need
    }
}

/// Paint the whole of `frame` (the base).
pub fn paint(ctx: &CanvasRenderingContext2d, frame: &Frame, palette: &Palette) {
    lines(ctx, &frame.lines, line_alpha(frame), palette);
    bands(ctx, &frame.bands, frame.shaded, palette);
    dots(ctx, &frame.dots, dot_radius(frame), palette);
    ctx.set_global_alpha(1.0);
}

/// Paint what a cursor's view draws over its base (which the page shows left of the frontier's
/// cut on a canvas of its own): the frontier, with `hovered` (a dot in pane pixels and its
/// caption) ringed and named. The canvas's left edge is at pane x `left`; `pane` is the view's
/// size in CSS pixels.
pub fn paint_frontier(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    front: &Frontier,
    palette: &Palette,
    hovered: Option<((f64, f64), &str)>,
    pane: (f64, f64),
    left: f64,
) {
    let (pane_w, pane_h) = pane;
    let _ = ctx.translate(-left, 0.0);
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
    bands(ctx, &front.bands, frame.shaded, palette);
    dots(ctx, &front.dots, radius, palette);
    if let Some(((x, y), caption)) = hovered {
        hover(ctx, (x, y), caption, palette, pane_w);
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

/// How a cell looks: how full (four levels) and how it stands to the selection (0 none, 1 past,
/// 2 future, 3 neither: faded); `None` when empty.
fn look(c: &Cell, shaded: bool) -> Option<(u8, u8)> {
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
}

/// The bands as a picture with a pixel per cell and a row per band: each cell in its lane's
/// colour, as opaque as it is full (and faded when outside the selection's causal past and
/// future). Returns the picture's width in cells and its RGBA bytes.
pub fn band_pixels(bands: &[Band], shaded: bool) -> (usize, Vec<u8>) {
    let cells = bands.iter().map(|b| b.cells.len()).max().unwrap_or(0);
    let mut data = vec![0u8; cells * bands.len() * 4];
    for (row, band) in bands.iter().enumerate() {
        let (r, g, b) = rgb(process_colour(band.process));
        for (i, cell) in band.cells.iter().enumerate() {
            let Some((level, class)) = look(cell, shaded) else {
                continue;
            };
            let alpha: f64 = [0.45, 0.65, 0.85, 1.0][usize::from(level)];
            let alpha = if class == 3 { alpha * 0.28 } else { alpha };
            let at = (row * cells + i) * 4;
            data[at..at + 4].copy_from_slice(&[r, g, b, (alpha * 255.0).round() as u8]);
        }
    }
    (cells, data)
}

/// The red, green and blue of a colour written `#rrggbb`.
fn rgb(colour: &str) -> (u8, u8, u8) {
    let part = |i: usize| {
        colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (part(1), part(3), part(5))
}

thread_local! {
    /// The small canvas the bands' picture is put on, kept between frames.
    static STRIP: std::cell::RefCell<Option<HtmlCanvasElement>> = const { std::cell::RefCell::new(None) };
}

/// The small canvas the bands' picture is put on.
fn strip_canvas() -> Option<HtmlCanvasElement> {
    STRIP.with(|s| {
        let mut s = s.borrow_mut();
        if s.is_none() {
            let document = web_sys::window()?.document()?;
            *s = document.create_element("canvas").ok()?.dyn_into().ok();
        }
        s.clone()
    })
}

/// The bands' cells, painted as one picture ([`band_pixels`]) blown up a row per lane: a few
/// dozen copies, where a rectangle per run of equal cells made tens of thousands of calls and
/// as many shapes to rasterise on a big run. Past runs get a solid line under them, future
/// runs a dashed one: shapes, as the SVG's rings are, not hues.
fn bands(ctx: &CanvasRenderingContext2d, bands: &[Band], shaded: bool, palette: &Palette) {
    let height = 10.0;
    let (cells, data) = band_pixels(bands, shaded);
    // Cells left of the first filled one are empty in every band (the frontier's, mostly).
    let first = (0..cells)
        .find(|&i| {
            bands
                .iter()
                .any(|b| b.cells.get(i).is_some_and(|c| c.events > 0))
        })
        .unwrap_or(cells);
    if first < cells {
        let Some(strip) = strip_canvas() else {
            return;
        };
        let (w, h) = (cells as u32, bands.len() as u32);
        if strip.width() < w || strip.height() < h {
            strip.set_width(w.max(strip.width()));
            strip.set_height(h.max(strip.height()));
        }
        let put = context(&strip)
            .zip(
                web_sys::ImageData::new_with_u8_clamped_array_and_sh(
                    wasm_bindgen::Clamped(&data),
                    w,
                    h,
                )
                .ok(),
            )
            .map(|(strip_ctx, image)| strip_ctx.put_image_data(&image, 0.0, 0.0));
        if put.is_some() {
            ctx.set_image_smoothing_enabled(false);
            for (row, band) in bands.iter().enumerate() {
                let _ = ctx
                    .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                        &strip,
                        first as f64,
                        row as f64,
                        (cells - first) as f64,
                        1.0,
                        first as f64 * BIN_PX,
                        band.y - height / 2.0,
                        (cells - first) as f64 * BIN_PX,
                        height,
                    );
            }
            ctx.set_image_smoothing_enabled(true);
        }
    }
    if shaded {
        for band in bands {
            selection_marks(ctx, band, height, palette);
        }
    }
}

/// The lines under a band's runs of cells mostly in the selection's past (solid) or future
/// (dashed).
fn selection_marks(ctx: &CanvasRenderingContext2d, band: &Band, height: f64, palette: &Palette) {
    let top = band.y - height / 2.0;
    let mut marks: Vec<(f64, f64, u8)> = Vec::new();
    let mut i = 0;
    while i < band.cells.len() {
        let Some(l) = look(&band.cells[i], true) else {
            i += 1;
            continue;
        };
        let start = i;
        while i < band.cells.len() && look(&band.cells[i], true) == Some(l) {
            i += 1;
        }
        if l.1 == 1 || l.1 == 2 {
            let (x, w) = (start as f64 * BIN_PX, (i - start) as f64 * BIN_PX);
            marks.push((x, w, l.1));
        }
    }
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

/// The left edge and width of the caption box over a dot at pane x `x`, for a caption
/// `text_width` wide: centred over the dot, and moved into a pane `pane_width` wide when the dot
/// is near its edge.
pub fn caption_box(x: f64, text_width: f64, pane_width: f64) -> (f64, f64) {
    let width = text_width + 10.0;
    let left = (x - width / 2.0).min(pane_width - width - 2.0).max(2.0);
    (left, width)
}

fn hover(
    ctx: &CanvasRenderingContext2d,
    (x, y): (f64, f64),
    caption: &str,
    palette: &Palette,
    pane_width: f64,
) {
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
    let (bx, box_width) = caption_box(x, width, pane_width);
    let by = y - 32.0;
    ctx.set_fill_style_str(&palette.bg);
    ctx.set_global_alpha(0.92);
    ctx.fill_rect(bx, by, box_width, 18.0);
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(&palette.fg);
    let _ = ctx.fill_text(caption, bx + 5.0, by + 13.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(events: u16, past: u16, future: u16) -> Cell {
        Cell {
            events,
            past,
            future,
        }
    }

    #[test]
    fn a_band_pixel_is_its_lane_colour_as_opaque_as_the_cell_is_full() {
        let band = |process, cells| Band {
            process,
            y: 0.0,
            cells,
        };
        let bands = [
            band(0, vec![cell(0, 0, 0), cell(1, 0, 0), cell(9, 0, 0)]),
            band(1, vec![cell(3, 0, 0)]),
        ];
        let (cells, data) = band_pixels(&bands, false);
        assert_eq!(cells, 3);
        assert_eq!(data.len(), 3 * 2 * 4);
        let pixel = |row: usize, i: usize| &data[(row * cells + i) * 4..(row * cells + i) * 4 + 4];
        // An empty cell shows what lies under it.
        assert_eq!(pixel(0, 0)[3], 0);
        let (r, g, b) = rgb(process_colour(0));
        assert_eq!(pixel(0, 1), &[r, g, b, 115]);
        assert_eq!(pixel(0, 2), &[r, g, b, 255]);
        let (r, g, b) = rgb(process_colour(1));
        assert_eq!(pixel(1, 0), &[r, g, b, 166]);
        // The shorter band's missing cells are empty.
        assert_eq!(pixel(1, 2)[3], 0);
        // With a selection, cells neither in its past nor its future fade.
        let mixed = [band(0, vec![cell(9, 9, 0), cell(9, 0, 0)])];
        let (_, data) = band_pixels(&mixed, true);
        assert_eq!((data[3], data[7]), (255, 71));
    }

    #[test]
    fn a_caption_is_centred_over_its_dot_and_kept_in_the_pane() {
        assert_eq!(caption_box(500.0, 90.0, 1000.0), (450.0, 100.0));
        // Near the left edge, and near the right one.
        assert_eq!(caption_box(10.0, 90.0, 1000.0), (2.0, 100.0));
        assert_eq!(caption_box(990.0, 90.0, 1000.0), (898.0, 100.0));
    }

    #[test]
    fn colours_are_read_from_their_hex() {
        assert_eq!(rgb("#0072B2"), (0x00, 0x72, 0xB2));
        assert_eq!(rgb("oops"), (0, 0, 0));
    }

    #[test]
    fn a_scroll_bar_coming_and_going_keeps_the_bitmap() {
        let fitted = (1600, 800);
        // Zooming in adds a horizontal scroll bar (15 px), zooming out takes it away.
        let scrolled = bitmap_size(fitted, (1600, 785));
        assert_eq!(scrolled, fitted);
        assert_eq!(bitmap_size(scrolled, (1600, 800)), fitted);
    }

    #[test]
    fn a_bitmap_too_small_or_far_too_big_is_made_to_the_view() {
        assert_eq!(bitmap_size((0, 0), (1600, 800)), (1600, 800));
        assert_eq!(bitmap_size((1600, 785), (1600, 800)), (1600, 800));
        assert_eq!(bitmap_size((1600, 800), (800, 580)), (800, 580));
        assert_eq!(bitmap_size((1600, 800), (1600, 700)), (1600, 700));
    }
}
