//! Zoom gestures on the diagram's pane: ctrl + wheel (how a trackpad's pinch arrives) and a
//! two-finger pinch on a touch screen. Each reports a zoom factor and the point to zoom about,
//! in pixels from the pane's left edge.
//!
//! The listeners are registered on the pane itself and not passive: only then may they keep the
//! browser from zooming the whole page. A plain wheel turn or a one-finger drag is left alone,
//! so the pane still scrolls as usual.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, HtmlElement, TouchEvent, WheelEvent};

/// Start listening on `pane`; `zoom(factor, x)` is called for each gesture step.
pub fn listen(pane: &HtmlElement, zoom: impl Fn(f64, f64) + Copy + 'static) {
    let options = AddEventListenerOptions::new();
    options.set_passive(false);
    let el = pane.clone();
    let wheel = Closure::<dyn Fn(WheelEvent)>::new(move |ev: WheelEvent| {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        ev.prevent_default();
        let left = el.get_bounding_client_rect().left();
        let lines = ev.delta_mode() == WheelEvent::DOM_DELTA_LINE;
        zoom(
            super::zoom::wheel_factor(ev.delta_y(), lines),
            f64::from(ev.client_x()) - left,
        );
    });
    let _ = pane.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        wheel.as_ref().unchecked_ref(),
        &options,
    );
    // The distance between the two fingers at the last step of a pinch.
    let spread = std::rc::Rc::new(std::cell::Cell::new(None::<f64>));
    let el = pane.clone();
    let last = spread.clone();
    let touch = Closure::<dyn Fn(TouchEvent)>::new(move |ev: TouchEvent| {
        let touches = ev.touches();
        let (Some(a), Some(b)) = (touches.get(0), touches.get(1)) else {
            last.set(None);
            return;
        };
        if touches.length() != 2 {
            last.set(None);
            return;
        }
        ev.prevent_default();
        let (ax, ay) = (f64::from(a.client_x()), f64::from(a.client_y()));
        let (bx, by) = (f64::from(b.client_x()), f64::from(b.client_y()));
        let distance = (ax - bx).hypot(ay - by).max(1.0);
        if let Some(before) = last.get() {
            let left = el.get_bounding_client_rect().left();
            zoom(distance / before, (ax + bx) / 2.0 - left);
        }
        last.set(Some(distance));
    });
    for kind in ["touchstart", "touchmove", "touchend", "touchcancel"] {
        let _ = pane.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            touch.as_ref().unchecked_ref(),
            &options,
        );
    }
    // The pane lives as long as the page's diagram; so do its listeners.
    wheel.forget();
    touch.forget();
}
