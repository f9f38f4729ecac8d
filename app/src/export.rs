//! Export and drop: the diagram as SVG or PNG (for slides and exam sheets), the trace and the
//! scenario as JSON; and a file dropped anywhere on the page: a scenario, a tour, or a log.
//!
//! The SVG is the core's static rendering of the run as far as the cursor
//! (`spacetime_core::svg::render_svg`, the same picture as `spacetime render`): a standalone
//! document with its styles written as attributes, so it draws the same outside the page. The PNG
//! is that SVG drawn into a canvas at twice its size.

use leptos::prelude::*;
use spacetime_core::svg::{Clocks, SvgOptions};
use spacetime_core::tour::{looks_like_tour, Tour};
use spacetime_core::{Run, Scenario, Trace};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::store::{ClockMode, Store};

/// The core's static renderer.
pub type Renderer = fn(&Trace, &SvgOptions) -> String;

// The renderer is needed only to export: it loads then.
split_point!(export, build_renderer, load_renderer -> Renderer {
    spacetime_core::svg::render_svg
});

/// [`diagram_svg_with`] the core's renderer, linked in (not in the split build, where it loads
/// when first needed: [`load_renderer`]).
#[cfg(not(feature = "split"))]
pub fn diagram_svg(store: Store) -> String {
    diagram_svg_with(store, spacetime_core::svg::render_svg)
}

/// The diagram on screen as a standalone SVG document: the run as far as the cursor, with the
/// labels the page shows (names, which the static renderer has not, show no timestamps).
pub fn diagram_svg_with(store: Store, render_svg: Renderer) -> String {
    let cursor = store.cursor.get_untracked();
    let clocks = match store.clocks.get_untracked() {
        ClockMode::Vector => Clocks::Vector,
        ClockMode::Lamport => Clocks::Lamport,
        ClockMode::Off | ClockMode::Names => Clocks::None,
    };
    let timing = store.scenario.with_untracked(|s| s.network.timing);
    let title = store.scenario.with_untracked(|s| {
        if s.title.is_empty() {
            s.name.clone()
        } else {
            s.title.clone()
        }
    });
    store.trace.with_untracked(|t| {
        let end = t.step_count();
        render_svg(
            t,
            &SvgOptions {
                clocks,
                title: Some(format!("{title} — step {} of {end}", cursor.min(end))),
                steps: (cursor < end).then_some(cursor),
                timing,
                ..SvgOptions::default()
            },
        )
    })
}

/// A file name from the scenario's name and a suffix.
fn file_name(store: Store, suffix: &str) -> String {
    let name = store.scenario.with_untracked(|s| s.name.clone());
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}{suffix}", if clean.is_empty() { "run" } else { &clean })
}

/// Offer a blob to the learner as a file download.
pub fn download_blob(file_name: &str, blob: &web_sys::Blob) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    // The browser may start the download after this returns: let go of the URL later.
    gloo_timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// A blob holding `text` of type `mime`.
fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
}

/// Offer `text` as a download.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    download_blob(file_name, &text_blob(text, mime)?)
}

fn report(store: Store, what: &str, result: Result<(), JsValue>) {
    if result.is_err() {
        store.error.set(Some(format!(
            "The browser did not let the {what} be saved."
        )));
    }
}

/// Run `then` with the SVG renderer once it has loaded; if it cannot, the banner says so.
fn with_renderer(store: Store, then: impl FnOnce(Renderer) + 'static) {
    leptos::task::spawn_local(async move {
        match load_renderer().await {
            Ok(render) => then(render),
            Err(e) => store.error.set(Some(format!(
                "The picture could not be made: its code did not load ({e}). Are you offline?"
            ))),
        }
    });
}

pub fn export_svg(store: Store) {
    with_renderer(store, move |render| {
        let svg = diagram_svg_with(store, render);
        report(
            store,
            "SVG",
            download_text(&file_name(store, ".svg"), "image/svg+xml", &svg),
        );
    });
}

pub fn export_trace(store: Store) {
    let json = store
        .trace
        .with_untracked(|t| serde_json::to_string_pretty(&**t).unwrap_or_default());
    report(
        store,
        "trace",
        download_text(&file_name(store, "-trace.json"), "application/json", &json),
    );
}

pub fn export_scenario(store: Store) {
    let json = store.scenario.with_untracked(Scenario::to_json);
    report(
        store,
        "scenario",
        download_text(&file_name(store, ".json"), "application/json", &json),
    );
}

/// The diagram as a PNG at twice its size (crisp on a projector and in print).
pub fn export_png(store: Store) {
    with_renderer(store, move |render| {
        let svg = diagram_svg_with(store, render);
        let name = file_name(store, ".png");
        leptos::task::spawn_local(async move {
            if let Err(e) = png(&svg, &name).await {
                let why = e
                    .as_string()
                    .unwrap_or_else(|| "the picture could not be drawn".into());
                store
                    .error
                    .set(Some(format!("The PNG could not be made: {why}.")));
            }
        });
    });
}

async fn png(svg: &str, name: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(&text_blob(svg, "image/svg+xml")?)?;
    let image = web_sys::HtmlImageElement::new()?;
    image.set_src(&url);
    let loaded = JsFuture::from(image.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    loaded?;
    let (w, h) = (image.natural_width().max(1), image.natural_height().max(1));
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas")?.unchecked_into();
    canvas.set_width(w * 2);
    canvas.set_height(h * 2);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d canvas"))?
        .unchecked_into();
    context.draw_image_with_html_image_element_and_dw_and_dh(
        &image,
        0.0,
        0.0,
        f64::from(w * 2),
        f64::from(h * 2),
    )?;
    let blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
        if canvas.to_blob_with_type(&resolve, "image/png").is_err() {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the canvas refused"));
        }
    }))
    .await?;
    let blob: web_sys::Blob = blob
        .dyn_into()
        .map_err(|_| JsValue::from_str("the canvas gave no picture"))?;
    download_blob(name, &blob)
}

/// What a file dropped on the page turned out to be.
#[derive(Debug)]
pub enum Dropped {
    Scenario(Box<Scenario>),
    Tour(Box<Tour>),
}

/// Read a JSON file: a scenario or a tour. `None` when the text is not JSON at all (it may be
/// a log); otherwise the file, or what is wrong with it and where.
pub fn read_json(name: &str, text: &str) -> Option<Result<Dropped, String>> {
    let looks_json = text.trim_start().starts_with(['{', '[']) || name.ends_with(".json");
    if !looks_json {
        return None;
    }
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let m = e.to_string();
            let m = m
                .rfind(" at line ")
                .map_or(m.as_str(), |i| &m[..i])
                .to_string();
            return Some(Err(format!(
                "{name} is not valid JSON: line {}, column {}: {m}",
                e.line(),
                e.column()
            )));
        }
    };
    let trace = ["events", "messages", "steps"]
        .iter()
        .all(|k| value.get(k).is_some());
    Some(if looks_like_tour(&value) {
        Tour::load(text)
            .map(|t| Dropped::Tour(Box::new(t)))
            .map_err(|e| format!("The tour {name} could not start: {e}"))
    } else if !trace && (value.get("protocol").is_some() || value.get("processes").is_some()) {
        Scenario::from_json(text)
            .and_then(|s| Run::new(&s).map(|_| s))
            .map(|s| Dropped::Scenario(Box::new(s)))
            .map_err(|e| format!("The scenario {name} did not load: {e}"))
    } else if trace {
        Err(format!(
            "{name} is a trace, which records a run but cannot replay it: drop the scenario's JSON instead (Export → Scenario)"
        ))
    } else {
        Err(format!(
            "{name} is JSON, but neither a scenario (it has no \"protocol\") nor a tour (it has no \"stops\")"
        ))
    })
}

/// Open a file's text: a scenario JSON loads, a tour starts, anything else goes to the lessons
/// that read files (`Lesson::open_file`: the clocks lesson reads logs). On any error the banner says what is wrong and the run on screen stays.
pub fn open_file(store: Store, name: &str, text: &str) {
    // A scenario or tour of a lesson not loaded yet reads once that lesson has loaded.
    let needed = crate::lessons::catalog::needed_by_json(text);
    let (name, text) = (name.to_string(), text.to_string());
    crate::lessons::loader::then_all(store, needed, move |store| {
        open_file_now(store, &name, &text)
    });
}

fn open_file_now(store: Store, name: &str, text: &str) {
    match read_json(name, text) {
        Some(Ok(Dropped::Scenario(s))) => {
            crate::tour::leave(store);
            if store.load(*s) {
                store.clocks.set(ClockMode::Lamport);
            }
        }
        Some(Ok(Dropped::Tour(t))) => crate::tour::start(store, *t, None),
        Some(Err(why)) => store.error.set(Some(why)),
        None => crate::lessons::open_file(store, name.to_string(), text.to_string()),
    }
}

/// Files dropped anywhere on the page (except on a panel that takes them itself).
pub fn listen_for_drops(store: Store) {
    let has_files = |ev: &web_sys::DragEvent| {
        ev.data_transfer()
            .map(|d| d.types().includes(&JsValue::from_str("Files"), 0))
            .unwrap_or(false)
    };
    let over = window_event_listener(leptos::ev::dragover, move |ev| {
        if has_files(&ev) {
            ev.prevent_default();
        }
    });
    let dropped = window_event_listener(leptos::ev::drop, move |ev| {
        if ev.default_prevented() {
            return;
        }
        let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        ev.prevent_default();
        let name = file.name();
        leptos::task::spawn_local(async move {
            match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(text) => open_file(store, &name, &text),
                None => store
                    .error
                    .set(Some(format!("Could not read the file {name}."))),
            }
        });
    });
    on_cleanup(move || {
        over.remove();
        dropped.remove();
    });
}

/// The header's Export menu.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let store = Store::get();
    let menu = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(d) = menu.get_untracked() {
            d.set_open(false);
        }
    };
    view! {
        <details class="menu export-menu" data-testid="export-menu" node_ref=menu>
            <summary data-testid="export-button" title="Export: save the diagram, the trace or the scenario" aria-label="Export">
                <svg class="icon share-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path d="M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16 6.3 10.3l1.4-1.4 3.3 3.3z M4 18h16v2H4z" fill="currentColor"></path>
                </svg>
                <span class="share-label">"Export"</span>
            </summary>
            <div class="menu-body" role="group" aria-label="Export">
                <button data-testid="export-svg" title="The diagram as far as the cursor, as a standalone SVG"
                    on:click=move |_| { export_svg(store); close(); }>"Diagram as SVG"</button>
                <button data-testid="export-png" title="The diagram as far as the cursor, as a picture"
                    on:click=move |_| { export_png(store); close(); }>"Diagram as PNG"</button>
                <button data-testid="export-trace" title="Every event and message of the run"
                    on:click=move |_| { export_trace(store); close(); }>"Trace as JSON"</button>
                <button data-testid="export-scenario" title="The scenario with its seed and interventions: drop it on the page to open it again"
                    on:click=move |_| { export_scenario(store); close(); }>"Scenario as JSON"</button>
                <p class="menu-hint">"Drop a scenario, a tour or a log file anywhere on the page to open it."</p>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::protocols::example;

    #[test]
    fn a_scenario_json_reads_as_a_scenario() {
        let s = example("clocks-three-events").unwrap();
        match read_json("s.json", &s.to_json()) {
            Some(Ok(Dropped::Scenario(back))) => assert_eq!(*back, s),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_tour_reads_as_a_tour() {
        let tour = r#"{"title": "t", "scenario": "clocks-three-events",
            "stops": [{"step": 1, "say": "hello"}]}"#;
        assert!(matches!(
            read_json("t.json", tour),
            Some(Ok(Dropped::Tour(_)))
        ));
        let bad = r#"{"title": "t", "scenario": "clocks-three-events",
            "stops": [{"step": 2, "say": "b"}, {"step": 1, "say": "a"}]}"#;
        let e = read_json("t.json", bad).unwrap().unwrap_err();
        assert!(
            e.starts_with(
                "The tour t.json could not start: stop 2 (step 1): the stops are out of order"
            ),
            "{e}"
        );
    }

    #[test]
    fn malformed_files_say_what_and_where() {
        let e = read_json("x.json", "{\n  \"name\": \"a\",\n  oops\n}")
            .unwrap()
            .unwrap_err();
        assert!(
            e.starts_with("x.json is not valid JSON: line 3, column 3"),
            "{e}"
        );
        let e = read_json(
            "s.json",
            r#"{"name": "a", "protocol": "nope", "processes": ["A"]}"#,
        )
        .unwrap()
        .unwrap_err();
        assert!(e.contains("there is no protocol \"nope\""), "{e}");
        let e = read_json(
            "s.json",
            r#"{"name": "a", "protocol": "scripted", "processes": ["A"], "colour": 1}"#,
        )
        .unwrap()
        .unwrap_err();
        assert!(
            e.contains("1:") && e.contains("unknown field `colour`"),
            "{e}"
        );
        let e = read_json("w.json", r#"{"hello": 1}"#).unwrap().unwrap_err();
        assert!(e.contains("neither a scenario"), "{e}");
        let trace = Run::complete(&example("clocks-three-events").unwrap())
            .unwrap()
            .trace()
            .clone();
        let e = read_json("t.json", &serde_json::to_string(&trace).unwrap())
            .unwrap()
            .unwrap_err();
        assert!(e.contains("is a trace"), "{e}");
    }

    #[test]
    fn a_log_is_not_json() {
        assert!(read_json("a.log", "alice {\"alice\":1}\nstart").is_none());
    }
}
