//! Importing vector-clock logs (GoVector, ShiViz) and exporting any run as one.
//!
//! The core turns log records into a scripted scenario and reports what was wrong where; this
//! panel reads the text (pasted, picked or dropped), and, for a ShiViz-style regular expression,
//! matches it with the browser's own `RegExp`, so that no regex engine has to ship in the wasm
//! bundle.

use js_sys::{Array, Function, JsString, Reflect, RegExp};
use leptos::prelude::*;
use spacetime_core::log::{self, LogRecord, Problem, SHIVIZ_DEFAULT_REGEX};
use spacetime_core::words::count_of;
use wasm_bindgen::{JsCast, JsValue};

use crate::store::{ClockMode, Store};

/// Python-style named groups `(?P<name>...)` (as ShiViz's docs sometimes write them) in the
/// browser's spelling `(?<name>...)`; anything else is left as the learner wrote it.
pub fn browser_regex(pattern: &str) -> String {
    pattern.replace("(?P<", "(?<")
}

/// Line numbers of UTF-16 offsets (what the browser's regex reports), visited in increasing
/// order: one walk over the text in all.
pub struct LineCounter<'a> {
    chars: std::str::Chars<'a>,
    utf16: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str, first_line: usize) -> Self {
        LineCounter {
            chars: text.chars(),
            utf16: 0,
            line: first_line,
        }
    }

    /// The line of UTF-16 offset `offset` (not before the last one asked).
    pub fn line_at(&mut self, offset: usize) -> usize {
        while self.utf16 < offset {
            match self.chars.next() {
                Some(c) => {
                    self.utf16 += c.len_utf16();
                    if c == '\n' {
                        self.line += 1;
                    }
                }
                None => break,
            }
        }
        self.line
    }
}

/// Match `pattern` over `text` with the browser's `RegExp` (flag `g`, as ShiViz does), one record
/// per match. `first_line` is the line number of the text's first line in the file.
pub fn records_by_regex(
    text: &str,
    pattern: &str,
    first_line: usize,
) -> Result<Vec<LogRecord>, String> {
    let pattern = browser_regex(pattern);
    if let Some(group) = log::missing_group(&pattern) {
        return Err(format!(
            "The regular expression needs a named group (?<{group}>...): it must capture host, clock and event."
        ));
    }
    let regex = browser_regexp(&pattern, "g")?;
    let mut lines = LineCounter::new(text, first_line);
    let mut records = Vec::new();
    let get = |obj: &JsValue, key: &str| {
        Reflect::get(obj, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    while let Some(m) = regex.exec(text) {
        let whole: JsString = m.get(0).unchecked_into();
        if whole.length() == 0 {
            // An empty match would match again at the same place forever.
            regex.set_last_index(regex.last_index() + 1);
            continue;
        }
        let index = Reflect::get(&m, &JsValue::from_str("index"))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as usize;
        let groups = Reflect::get(&m, &JsValue::from_str("groups")).unwrap_or(JsValue::UNDEFINED);
        records.push(LogRecord {
            line: lines.line_at(index),
            host: get(&groups, "host").unwrap_or_default(),
            clock: get(&groups, "clock").unwrap_or_default(),
            event: get(&groups, "event").unwrap_or_default(),
        });
    }
    Ok(records)
}

/// A browser `RegExp` from `pattern` with `flags`, or why it does not compile.
fn browser_regexp(pattern: &str, flags: &str) -> Result<RegExp, String> {
    let ctor: Function = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
        .map_err(|_| "This browser has no regular expressions.".to_string())?
        .unchecked_into();
    let args = Array::of2(&JsValue::from_str(pattern), &JsValue::from_str(flags));
    Reflect::construct(&ctor, &args)
        .map(JsCast::unchecked_into)
        .map_err(|e| {
            let why = Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "it does not compile".into());
            format!("The regular expression {pattern:?} does not work: {why}")
        })
}

/// A dropped file that is neither a scenario nor a tour, read as a log and shown to its end
/// with vector clocks; or why it cannot be read.
pub fn open_file(store: Store, name: &str, text: &str) -> Result<(), String> {
    let imported = read_log(name, text, "")?;
    crate::tour::leave(store);
    if store.load(imported.scenario) {
        store.seek(u64::MAX);
        store.clocks.set(ClockMode::Vector);
    }
    Ok(())
}

/// Read a log: with the learner's regex, the regex on a ShiViz file's first line, or GoVector's
/// own two-line format. A ShiViz file may hold several executions, split by the delimiter regex
/// on its second line; the first is drawn and a problem says the rest were left out.
pub fn read_log(name: &str, text: &str, regex: &str) -> Result<log::Imported, String> {
    let regex = regex.trim();
    if regex.is_empty() {
        if let Some(header) = log::shiviz_header(text) {
            let problems = Vec::new();
            let (body, first_line) = if header.delimiter.trim().is_empty() {
                (header.body, header.first_line)
            } else {
                let delimiter = browser_regexp(&header.delimiter, "")?;
                let (chosen, _) = log::execution(header.body, header.first_line, 0, |line| {
                    delimiter.test(line)
                });
                (chosen.text, chosen.first_line)
            };
            let records = records_by_regex(body, &header.regex, first_line)?;
            return log::from_records(name, records, problems).map_err(|e| e.to_string());
        }
        return log::import_govector(name, text).map_err(|e| e.to_string());
    }
    let records = records_by_regex(text, regex, 1)?;
    log::from_records(name, records, Vec::new()).map_err(|e| e.to_string())
}

/// Offer `text` to the learner as a file download.
fn download(file_name: &str, text: &str) -> Result<(), JsValue> {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// A file's text, read by the browser.
async fn file_text(file: web_sys::File) -> Result<String, String> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("Could not read the file {}.", file.name()))
}

/// The log text and regex of the import panel, kept while the learner does something else: the
/// page provides them above the panel, so that closing it loses neither.
#[derive(Clone, Copy)]
pub struct LogDraft {
    pub text: RwSignal<String>,
    pub regex: RwSignal<String>,
}

impl LogDraft {
    /// Empty ones, in context for every view below.
    pub fn provide() -> LogDraft {
        let draft = LogDraft {
            text: RwSignal::new(String::new()),
            regex: RwSignal::new(String::new()),
        };
        provide_context(draft);
        draft
    }

    /// The ones in context (or new ones, for a panel shown on its own).
    pub fn get() -> LogDraft {
        use_context().unwrap_or_else(LogDraft::provide)
    }
}

/// Paste, pick or drop a log; export the run on screen.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let store = Store::get();
    let LogDraft { text, regex } = LogDraft::get();
    let name = RwSignal::new("pasted log".to_string());
    let summary = RwSignal::new(None::<String>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let dragging = RwSignal::new(false);

    let run_import = move || {
        let result =
            text.with_untracked(|t| read_log(&name.get_untracked(), t, &regex.get_untracked()));
        match result {
            Ok(imported) => {
                let hosts = imported.scenario.processes.len();
                if store.load(imported.scenario) {
                    store.seek(u64::MAX);
                    store.clocks.set(ClockMode::Vector);
                    summary.set(Some(format!(
                        "Imported {} on {}, {}{}.",
                        count_of(imported.events, "event"),
                        count_of(hosts, "host"),
                        count_of(imported.messages, "message"),
                        match imported.problems.len() {
                            0 => String::new(),
                            1 => ", with 1 problem".into(),
                            n => format!(", with {n} problems"),
                        }
                    )));
                    problems.set(imported.problems);
                }
            }
            // The run on screen stays; the banner says what is wrong.
            Err(why) => {
                summary.set(None);
                problems.set(Vec::new());
                store.error.set(Some(format!(
                    "Could not import {}: {why}",
                    name.get_untracked()
                )));
            }
        }
    };
    let take_file = move |file: web_sys::File| {
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            match file_text(file).await {
                Ok(t) => {
                    name.set(file_name);
                    text.set(t);
                    run_import();
                }
                Err(why) => store.error.set(Some(why)),
            }
        });
    };
    let export = move || {
        let (log, file) = store.trace.with_untracked(|t| {
            let name = store.scenario.with_untracked(|s| s.name.clone());
            (log::to_govector(t), format!("{name}.log"))
        });
        if download(&file, &log).is_err() {
            store
                .error
                .set(Some("The browser did not let the log be saved.".into()));
        }
    };

    view! {
        <section class="panel import-panel" data-testid="import-panel" aria-label="Import and export"
            class:dragging=move || dragging.get()
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                    take_file(file);
                }
            }>
            <h2 class="panel-title">"Import a vector-clock log"</h2>
            <p class="panel-hint">
                "Paste a log, or drop or pick a file: GoVector's format (a line "
                <code>"host {\"host\":1}"</code>
                " then the event's line) or any format a ShiViz regular expression reads."
            </p>
            <textarea data-testid="import-text" rows="6" spellcheck="false" aria-label="Log text"
                placeholder="alice {\"alice\":1}\nInitialization Complete\nalice {\"alice\":2}\nsend ping"
                prop:value=move || text.get()
                on:input=move |ev| { text.set(event_target_value(&ev)); name.set("pasted log".into()); }></textarea>
            <label class="regex-field">
                <span>"ShiViz regex (empty: GoVector, or the file's own first line)"</span>
                <input type="text" data-testid="import-regex" spellcheck="false" placeholder=SHIVIZ_DEFAULT_REGEX
                    prop:value=move || regex.get()
                    on:input=move |ev| regex.set(event_target_value(&ev))/>
            </label>
            <div class="button-row">
                <button class="primary" data-testid="import-run" on:click=move |_| run_import()>"Import"</button>
                <button data-testid="import-shiviz-default" title="ShiViz's default: an event line, then host and clock"
                    on:click=move |_| regex.set(SHIVIZ_DEFAULT_REGEX.into())>"ShiViz default"</button>
                <label class="file-button">
                    "Open file…"
                    <input type="file" data-testid="import-file" accept=".log,.txt,text/plain"
                        on:change=move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                take_file(file);
                            }
                            input.set_value("");
                        }/>
                </label>
            </div>
            {move || summary.get().map(|s| view! { <p class="panel-status" data-testid="import-summary">{s}</p> })}
            <Show when=move || problems.with(|p| !p.is_empty())>
                <ul class="problems" data-testid="import-problems">
                    {move || problems.get().into_iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                </ul>
            </Show>
            <h2 class="panel-title">"Export this run"</h2>
            <p class="panel-hint">
                "Any run, simulated or imported, as a GoVector log. To open it in ShiViz, give ShiViz GoVector's regex: "
                <code data-testid="govector-regex">{spacetime_core::log::GOVECTOR_REGEX}</code>
            </p>
            <div class="button-row">
                <button data-testid="export-govector" on:click=move |_| export()>"Download log"</button>
                <button data-testid="export-to-text" title="Show the log in the box above"
                    on:click=move |_| {
                        text.set(store.trace.with_untracked(|t| log::to_govector(t)));
                        regex.set(String::new());
                    }>"Show as text"</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_style_groups_read_as_the_browser_writes_them() {
        let pattern = browser_regex(r"(?P<host>\S*) (?P<clock>{.*})\n(?P<event>.*)");
        assert_eq!(pattern, log::GOVECTOR_REGEX);
        assert_eq!(log::missing_group(&pattern), None);
    }

    #[test]
    fn utf16_offsets_map_to_lines() {
        let text = "é1\nline two 😀\nthree";
        let mut lines = LineCounter::new(text, 3);
        assert_eq!(lines.line_at(0), 3);
        // "é1\n" is 3 UTF-16 units; "line two 😀\n" is 12 more (the emoji takes two).
        assert_eq!(lines.line_at(3), 4);
        assert_eq!(lines.line_at(15), 5);
        assert_eq!(lines.line_at(1000), 5);
    }
}
