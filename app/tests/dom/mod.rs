//! DOM helpers shared by the component test files.
#![allow(dead_code)]

use wasm_bindgen::JsCast;

pub fn find(root: &web_sys::HtmlElement, id: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(&format!("[data-testid='{id}']"))
        .unwrap()
        .map(JsCast::unchecked_into)
}

pub fn count(root: &web_sys::HtmlElement, class: &str) -> u32 {
    root.get_elements_by_class_name(class).length()
}

/// A bubbling event named `name` (Leptos delegates most events to the document).
pub fn bubbling(name: &str) -> web_sys::Event {
    let document = web_sys::window().unwrap().document().unwrap();
    let ev = document.create_event("Event").unwrap();
    ev.init_event_with_bubbles(name, true);
    ev
}

/// Leptos applies signal changes to the DOM on its task queue: poll `ok` for up to a second.
pub async fn until(what: &str, mut ok: impl FnMut() -> bool) {
    for _ in 0..100 {
        if ok() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting for {what}");
}

pub async fn element(root: &web_sys::HtmlElement, id: &str) -> web_sys::HtmlElement {
    until(&format!("data-testid={id}"), || find(root, id).is_some()).await;
    find(root, id).unwrap()
}

/// Clicks an element (SVG elements have no `click()`, so dispatch the event).
pub fn click(el: &web_sys::Element) {
    el.dispatch_event(&bubbling("click")).unwrap();
}

/// Types `value` into an input and commits it (a `change` event), as Enter or leaving it would.
pub fn commit(input: &web_sys::HtmlElement, value: &str) {
    let input: &web_sys::HtmlInputElement = input.unchecked_ref();
    input.set_value(value);
    for name in ["input", "change"] {
        input.dispatch_event(&bubbling(name)).unwrap();
    }
}

pub fn has_class(el: &web_sys::Element, class: &str) -> bool {
    el.get_attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// Mounts the whole page (`Shell`, without the App's listeners) over a store running the example
/// `name`, in a fresh `<div>`; returns the container and the store, so that a test can move the
/// cursor itself.
pub fn mount_page(name: &str) -> (web_sys::HtmlElement, spacetime_app::store::Store) {
    mount_with(name, || leptos::prelude::view! { <spacetime_app::Shell/> })
}

/// Mounts `view` in a fresh `<div>`, under a store running the example `name` provided by
/// context.
pub fn mount_with<V: leptos::prelude::IntoView + 'static>(
    name: &str,
    view: impl FnOnce() -> V + 'static,
) -> (web_sys::HtmlElement, spacetime_app::store::Store) {
    use std::cell::Cell;
    use std::rc::Rc;
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let slot = Rc::new(Cell::new(None));
    let scenario = spacetime_core::protocols::example(name).expect("the example exists");
    let handle = leptos::mount::mount_to(root.clone(), {
        let slot = slot.clone();
        move || {
            let store = spacetime_app::store::Store::new(scenario).provide();
            slot.set(Some(store));
            view()
        }
    });
    std::mem::forget(handle);
    (root, slot.get().expect("the store was made"))
}
