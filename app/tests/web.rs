//! Component tests in headless Chromium: `cargo test -p spacetime-app --target wasm32-unknown-unknown`
//! (runner: wasm-bindgen-test-runner, see .cargo/config.toml; browser flags: app/webdriver.json).
//!
//! These checks hold for any version of the app (it mounts, renders, survives a click); add the
//! component-specific tests beside them.
#![cfg(target_arch = "wasm32")]

use spacetime_app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh `<div>` in the test page and returns that container.
fn mount_app() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    // Keep the view mounted for the rest of the test page's life.
    std::mem::forget(leptos::mount::mount_to(container.clone(), App));
    container
}

/// Leptos applies signal changes to the DOM asynchronously (on its task queue): poll `cond`
/// every 10 ms, for up to a second.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting until {what}");
}

fn text(el: &web_sys::HtmlElement) -> String {
    el.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn app_mounts_renders_and_survives_a_click() {
    let root = mount_app();
    wait_until("the app shows its name", || text(&root).contains("Spacetime")).await;

    let button: web_sys::HtmlElement = root
        .query_selector("button[data-testid]")
        .unwrap()
        .expect("a button with a data-testid")
        .unchecked_into();
    button.click();
    // A panic in a handler or an effect fails the test through the panic hook.
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert!(text(&root).contains("Spacetime"));
}
