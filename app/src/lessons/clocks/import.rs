//! Importing vector-clock logs (GoVector, ShiViz) and exporting any run as one.
//!
//! The core turns log records into a scripted scenario and reports what was wrong where; this
//! panel reads the text (pasted, picked or dropped), and, for a ShiViz-style regular expression,
//! matches it with the browser's own `RegExp` (`find`), so that no regex engine has to ship in
//! the wasm bundle; `choice` picks what of the log to draw.

use js_sys::Array;
use leptos::prelude::*;
use spacetime_core::log::{
    self, Choice, HostSummary, ImportError, LaneOrder, Lanes, Problem, SHIVIZ_DEFAULT_REGEX,
};
use spacetime_core::words::{count_of, thousands};
use spacetime_core::MAX_EVENTS;
use wasm_bindgen::{JsCast, JsValue};

use crate::slices;
use crate::store::{ClockMode, Running, Store};

mod choice;
mod find;

use find::browser_regexp;
pub use find::{browser_regex, records_by_regex, ByteOffsets};

/// A dropped file that is neither a scenario nor a tour, read as a log (in slices, the progress
/// card saying how far) and shown to its end with vector clocks; or why it cannot be read.
pub fn open_file(store: Store, name: &str, text: &str) -> Result<(), String> {
    let import = start_log(name, text.to_string(), "", &Choice::default())?;
    crate::tour::leave(store);
    let name = name.to_string();
    read_in_slices(store, import, move |store, result| match result {
        Ok(imported) => store.load_in_slices(imported.scenario, |store, loaded| {
            if loaded {
                store.seek(u64::MAX);
                store.clocks.set(ClockMode::Vector);
            }
        }),
        // As the page says it of a file no lesson reads (this is the only lesson that reads them).
        Err(why) => store.error.set(Some(format!(
            "{name} is neither a scenario, a tour nor a log this page reads: {why}"
        ))),
    });
    Ok(())
}

/// Read a log as the CLI does: with the learner's regex or the regex on a ShiViz file's first
/// line, else as GoVector's own two-line format; drawing what `choice` says. A ShiViz file may
/// hold several executions, split by the delimiter regex on its second line: the chosen one is
/// drawn, and [`log::Imported::executions`] says how many there are.
pub fn read_log(
    name: &str,
    text: &str,
    regex: &str,
    choice: &Choice,
) -> Result<log::Imported, String> {
    start_log(name, text.to_string(), regex, choice)?
        .finish()
        .map_err(|e| e.to_string())
}

/// [`read_log`], ready to go a step at a time ([`read_in_slices`]). A regex is matched here, in
/// one go, by the browser's `RegExp`; what it found is then drawn in steps.
fn start_log(
    name: &str,
    text: String,
    regex: &str,
    choice: &Choice,
) -> Result<log::LogImport<String>, String> {
    let bare = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let header = log::shiviz_header(bare);
    let pattern = match (regex.trim(), &header) {
        ("", Some(header)) => header.regex.clone(),
        ("", None) => return Ok(log::LogImport::new(name, text, choice.clone())),
        (regex, _) => regex.to_string(),
    };
    let (body, first_line) = header
        .as_ref()
        .map_or((bare, 1), |h| (h.body, h.first_line));
    let delimiter = match header.as_ref().map(|h| h.delimiter.trim()) {
        Some(d) if !d.is_empty() => Some(browser_regexp(&browser_regex(d), "")?),
        _ => None,
    };
    let is_delimiter = |line: &str| delimiter.as_ref().is_some_and(|d| d.test(line));
    let split: Option<&dyn Fn(&str) -> bool> = delimiter.as_ref().map(|_| &is_delimiter as _);
    let find = |body: &str, first_line: usize| -> Result<log::Found, String> {
        let found = records_by_regex(body, &pattern, first_line)?;
        if found.records.is_empty() {
            let expected = format!("events that match the parser regex `{pattern}`");
            return Err(ImportError::no_events(expected, body).to_string());
        }
        Ok(found)
    };
    let (runs, count) = log::found_executions(body, first_line, choice, split, find)?;
    Ok(log::LogImport::found(
        name,
        String::new(),
        runs,
        choice.clone(),
        count,
    ))
}

/// Units of work (lines, events) between two looks at the clock.
const UNITS_PER_LOOK: usize = 512;

/// Run `import` in slices of the page's time, the progress card saying how far it has got
/// ("Reading the log: 40,000 of 100,000 lines"); `then` gets the result. A load begun meanwhile
/// drops it. Off the browser it runs to its end at once.
fn read_in_slices(
    store: Store,
    mut import: log::LogImport<String>,
    then: impl FnOnce(Store, Result<log::Imported, String>) + 'static,
) {
    let mut stage = None;
    let mut first = true;
    let work = move |deadline: f64| {
        let started = slices::now_ms();
        loop {
            // The press that started it has had its share of the slice (the text copied): the
            // card shows at once, and the log is read from the next slice on.
            if std::mem::take(&mut first) && cfg!(target_arch = "wasm32") {
                return match import.step(1) {
                    log::Step::Working(progress) => Err(card(progress)),
                    log::Step::Done(result) => Ok(result.map_err(|e| e.to_string())),
                };
            }
            match import.step(UNITS_PER_LOOK) {
                log::Step::Done(result) => return Ok(result.map_err(|e| e.to_string())),
                log::Step::Working(progress) => {
                    let now = slices::now_ms();
                    // A new stage gets a slice of its own once this one has run a while: making
                    // the scenario is one step that cannot be cut.
                    let new = stage.replace(progress.stage) != Some(progress.stage);
                    if now >= deadline || (new && now - started > slices::SLICE_MS / 3.0) {
                        return Err(card(progress));
                    }
                }
            }
        }
    };
    store.prepare_in_slices(work, then);
}

/// What the progress card says of an import.
fn card(progress: log::Progress) -> Running {
    let (doing, unit) = match progress.stage {
        log::Stage::Reading => ("Reading the log", "lines"),
        log::Stage::Clocks => ("Reading the clocks", "events"),
        log::Stage::Arrows => ("Finding the messages", "events"),
        log::Stage::Placing => ("Placing the events", "events"),
        log::Stage::Drawing => ("Drawing the log", "events"),
    };
    Running::Work {
        doing: doing.into(),
        done: progress.done as u64,
        total: progress.total as u64,
        unit: unit.into(),
    }
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

/// The log text and regex of the import panel, and what to draw of the log, kept while the
/// learner does something else: the page provides them above the panel, so that closing it loses
/// none of them. A new text resets the choice.
#[derive(Clone, Copy)]
pub struct LogDraft {
    pub text: RwSignal<String>,
    pub regex: RwSignal<String>,
    /// The execution drawn (from 0), of a ShiViz file that holds several.
    pub execution: RwSignal<usize>,
    /// Another execution drawn beside it, with what differs marked.
    pub compare: RwSignal<Option<usize>>,
    /// The hosts left out of the drawing.
    pub hidden: RwSignal<Vec<String>>,
    pub order: RwSignal<LaneOrder>,
}

impl LogDraft {
    /// Empty ones, in context for every view below.
    pub fn provide() -> LogDraft {
        let draft = LogDraft {
            text: RwSignal::new(String::new()),
            regex: RwSignal::new(String::new()),
            execution: RwSignal::new(0),
            compare: RwSignal::new(None),
            hidden: RwSignal::new(Vec::new()),
            order: RwSignal::new(LaneOrder::Log),
        };
        provide_context(draft);
        draft
    }

    /// The ones in context (or new ones, for a panel shown on its own).
    pub fn get() -> LogDraft {
        use_context().unwrap_or_else(LogDraft::provide)
    }

    /// What to draw of the log, as last chosen.
    pub fn choice(&self) -> Choice {
        Choice {
            execution: self.execution.get_untracked(),
            compare: self.compare.get_untracked(),
            lanes: Lanes {
                order: self.order.get_untracked(),
                hidden: self.hidden.get_untracked(),
            },
        }
    }

    /// Remember `choice` for the next import.
    pub fn keep(&self, choice: Choice) {
        self.execution.set(choice.execution);
        self.compare.set(choice.compare);
        self.order.set(choice.lanes.order);
        self.hidden.set(choice.lanes.hidden);
    }

    /// A new log text: the choice made for the last one does not apply to it.
    pub fn set_text(&self, text: String) {
        self.text.set(text);
        self.keep(Choice::default());
    }
}

/// What the panel shows of the log it last imported.
#[derive(Clone, Debug)]
pub struct Shown {
    pub summary: String,
    pub problems: Vec<Problem>,
    /// Every host of the log (of the execution drawn), in the log's order.
    pub hosts: Vec<HostSummary>,
    pub executions: usize,
    pub skipped: usize,
    /// What was drawn of the log.
    pub choice: Choice,
}

impl Shown {
    fn of(imported: &log::Imported, choice: Choice) -> Shown {
        let shown = imported.scenario.processes.len();
        let hidden = imported.hosts.len().saturating_sub(shown);
        Shown {
            summary: format!(
                "Imported {} on {}{}, {}{}.",
                count_of(imported.events, "event"),
                count_of(shown, "host"),
                if hidden > 0 {
                    format!(" ({hidden} hidden)")
                } else {
                    String::new()
                },
                count_of(imported.messages, "message"),
                match imported.problems.len() {
                    0 => String::new(),
                    1 => ", with 1 problem".into(),
                    n => format!(", with {n} problems"),
                }
            ),
            problems: imported.problems.clone(),
            hosts: imported.hosts.clone(),
            executions: imported.executions,
            skipped: imported.skipped,
            choice,
        }
    }
}

/// The longest log text the panel's text box shows; a longer one is kept and imported, not shown.
pub const SHOWN_TEXT_BYTES: usize = 512 * 1024;

/// Paste, pick or drop a log; choose what of it to draw; export the run on screen.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let store = Store::get();
    let draft = LogDraft::get();
    let LogDraft { text, regex, .. } = draft;
    let name = RwSignal::new("pasted log".to_string());
    let shown = RwSignal::new(None::<Shown>);
    let dragging = RwSignal::new(false);
    // A log of megabytes stays out of the text box: the page would lay its text out again on
    // every frame of the run it draws (a quarter of a second a frame for 20 MB).
    let in_box = move || {
        text.with(|t| {
            if t.len() > SHOWN_TEXT_BYTES {
                String::new()
            } else {
                t.clone()
            }
        })
    };
    let too_long = move || text.with(|t| (t.len() > SHOWN_TEXT_BYTES).then_some(t.len()));

    // Show what was imported, drawing `choice`, which is kept for the next import once drawn.
    let show = move |imported: log::Imported, choice: Choice| {
        let seen = Shown::of(&imported, choice.clone());
        // A log of 100,000 events is replayed in slices, a progress bar showing.
        store.load_in_slices(imported.scenario, move |store, loaded| {
            if loaded {
                store.seek(u64::MAX);
                store.clocks.set(ClockMode::Vector);
                shown.set(Some(seen));
                draft.keep(choice);
            }
        });
    };
    // Import the draft's text drawing `choice` (another execution, other lanes), at once. On an
    // error the run on screen stays, the banner says what is wrong, and this says false.
    let import = move |choice: Choice| -> bool {
        let result = text.with_untracked(|t| {
            read_log(&name.get_untracked(), t, &regex.get_untracked(), &choice)
        });
        match result {
            Ok(imported) => {
                show(imported, choice);
                true
            }
            Err(why) => {
                store.error.set(Some(format!(
                    "Could not import {}: {why}",
                    name.get_untracked()
                )));
                false
            }
        }
    };
    // The Import button and a dropped or picked file: the log read in slices, the progress card
    // showing (a 20 MB log takes most of a second to read); then drawn as `import` draws it.
    let run_import = move || {
        let choice = draft.choice();
        let start = text.with_untracked(|t| {
            start_log(
                &name.get_untracked(),
                t.clone(),
                &regex.get_untracked(),
                &choice,
            )
        });
        let import = match start {
            Ok(import) => import,
            Err(why) => {
                store.error.set(Some(format!(
                    "Could not import {}: {why}",
                    name.get_untracked()
                )));
                shown.set(None);
                return;
            }
        };
        read_in_slices(store, import, move |store, result| match result {
            Ok(imported) => show(imported, choice),
            Err(why) => {
                store.error.set(Some(format!(
                    "Could not import {}: {why}",
                    name.get_untracked()
                )));
                shown.set(None);
            }
        });
    };
    let take_file = move |file: web_sys::File| {
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            match file_text(file).await {
                Ok(t) => {
                    name.set(file_name);
                    draft.set_text(t);
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
                " then the event's line) or any format a ShiViz regular expression reads. "
                <span data-testid="import-limits">{format!(
                    "Up to {} events from up to {} hosts.",
                    thousands(MAX_EVENTS as u64),
                    spacetime_core::scenario::MAX_PROCESSES
                )}</span>
            </p>
            // autocomplete="off": else the browser copies the whole text into the history entry
            // each time the address is rewritten (350 ms a scrub with a 20 MB log pasted).
            <textarea data-testid="import-text" rows="6" spellcheck="false" aria-label="Log text"
                autocomplete="off"
                placeholder="alice {\"alice\":1}\nInitialization Complete\nalice {\"alice\":2}\nsend ping"
                prop:value=in_box
                on:input=move |ev| { draft.set_text(event_target_value(&ev)); name.set("pasted log".into()); }></textarea>
            {move || too_long().map(|bytes| view! {
                <p class="panel-hint" data-testid="import-too-long">
                    {format!(
                        "The log ({:.1} MB) is kept, but too long to show here: Import draws it. Paste or drop another to replace it.",
                        bytes as f64 / 1e6
                    )}
                </p>
            })}
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
            {move || shown.with(|s| s.as_ref().map(|s| s.summary.clone()))
                .map(|s| view! { <p class="panel-status" data-testid="import-summary">{s}</p> })}
            {move || shown.with(|s| s.as_ref().map(|s| s.skipped).filter(|&n| n > 0)).map(|n| view! {
                <p class="panel-hint" data-testid="import-skipped">
                    {format!("Skipped {} of other text between the records.", count_of(n, "line"))}
                </p>
            })}
            <Show when=move || shown.with(|s| s.as_ref().is_some_and(|s| !s.problems.is_empty()))>
                <ul class="problems" data-testid="import-problems">
                    {move || shown.with(|s| s.as_ref().map(|s| s.problems.clone()).unwrap_or_default())
                        .into_iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                </ul>
            </Show>
            {choice::controls(shown, import)}
            <h2 class="panel-title">"Export this run"</h2>
            <p class="panel-hint">
                "Any run, simulated or imported, as a GoVector log. To open it in ShiViz, give ShiViz GoVector's regex: "
                <code data-testid="govector-regex">{spacetime_core::log::GOVECTOR_REGEX}</code>
            </p>
            <div class="button-row">
                <button data-testid="export-govector" on:click=move |_| export()>"Download log"</button>
                <button data-testid="export-to-text" title="Show the log in the box above"
                    on:click=move |_| {
                        draft.set_text(store.trace.with_untracked(|t| log::to_govector(t)));
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
    fn a_govector_log_reads_the_execution_and_lanes_chosen() {
        let text = "b {\"b\":1}\nhi\na {\"a\":1}\nho\n";
        let choice = Choice {
            execution: 0,
            compare: None,
            lanes: Lanes {
                order: LaneOrder::Name,
                hidden: vec!["b".into()],
            },
        };
        let imported = read_log("t", text, "  ", &choice).unwrap();
        assert_eq!(imported.executions, 1);
        assert_eq!(imported.events, 1);
        let hidden: Vec<_> = imported
            .hosts
            .iter()
            .map(|h| (h.name.as_str(), h.hidden))
            .collect();
        assert_eq!(hidden, [("b", true), ("a", false)]);
        let all = Choice {
            lanes: Lanes {
                hidden: vec!["a".into(), "b".into()],
                ..Lanes::default()
            },
            ..Choice::default()
        };
        assert!(read_log("t", text, "", &all)
            .unwrap_err()
            .contains("hidden"));
    }
}
