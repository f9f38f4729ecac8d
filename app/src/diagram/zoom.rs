//! Zooming about a point: the moment under the pointer (or between two fingers) stays put.
//!
//! The zoom is a factor over the fitted scale (1 shows the whole run). Zooming in stops where a
//! tick is [`MAX_PX_PER_TICK`] wide, which is past where every label can be read; zooming out
//! stops at half the fitted width.

/// The widest a tick of virtual time is drawn.
pub const MAX_PX_PER_TICK: f64 = 200.0;
/// The furthest out: the whole run in half the pane.
pub const MIN_ZOOM: f64 = 0.5;
/// One press of a zoom button or key.
pub const STEP: f64 = 1.5;

/// The zoom after multiplying `zoom` by `factor`, where the fitted scale is `fit_px_per_tick`.
pub fn next_zoom(zoom: f64, factor: f64, fit_px_per_tick: f64) -> f64 {
    let most = (MAX_PX_PER_TICK / fit_px_per_tick.max(1e-9)).max(1.0);
    (zoom * factor).clamp(MIN_ZOOM, most)
}

/// The pane's new scroll position after the scale changes from `old_px_per_tick` to
/// `new_px_per_tick`, so that the moment `pointer` pixels from the pane's left edge stays there.
/// `margin_left` is where time 0 is drawn.
pub fn anchored_scroll(
    scroll_left: f64,
    pointer: f64,
    margin_left: f64,
    old_px_per_tick: f64,
    new_px_per_tick: f64,
) -> f64 {
    let time = (scroll_left + pointer - margin_left) / old_px_per_tick;
    (margin_left + time * new_px_per_tick - pointer).max(0.0)
}

/// The zoom factor a wheel turn asks for: `delta_y` in pixels (lines count as 16), up to zoom
/// in. A trackpad's pinch arrives as small deltas with the control key held.
pub fn wheel_factor(delta_y: f64, lines: bool) -> f64 {
    let pixels = if lines { delta_y * 16.0 } else { delta_y };
    (-pixels.clamp(-400.0, 400.0) * 0.0025).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moment_under_the_pointer_stays_under_it() {
        let (margin, old, new) = (80.0, 0.25, 0.75);
        for (scroll, pointer) in [(0.0, 300.0), (1200.0, 20.0), (40.0, 900.0)] {
            let before = (scroll + pointer - margin) / old;
            let left = anchored_scroll(scroll, pointer, margin, old, new);
            let after = (left + pointer - margin) / new;
            if left > 0.0 {
                assert!((before - after).abs() < 1e-9, "{before} {after}");
            }
        }
        // Zooming out near the start cannot scroll before it.
        assert_eq!(anchored_scroll(10.0, 500.0, 80.0, 1.0, 0.1), 0.0);
    }

    #[test]
    fn zoom_stays_between_half_the_fit_and_readable_ticks() {
        assert_eq!(next_zoom(1.0, 0.1, 0.5), MIN_ZOOM);
        assert_eq!(next_zoom(1.0, 1e6, 0.5), MAX_PX_PER_TICK / 0.5);
        assert!((next_zoom(1.0, STEP, 0.5) - STEP).abs() < 1e-12);
        // A run that already fits at more than the widest scale zooms in no further than fit.
        assert_eq!(next_zoom(1.0, 2.0, 400.0), 1.0);
    }

    #[test]
    fn a_wheel_turn_up_zooms_in_and_down_zooms_out_by_the_same_factor() {
        let up = wheel_factor(-100.0, false);
        let down = wheel_factor(100.0, false);
        assert!(up > 1.0 && down < 1.0);
        assert!((up * down - 1.0).abs() < 1e-12);
        assert_eq!(wheel_factor(-3.0, true), wheel_factor(-48.0, false));
    }
}
