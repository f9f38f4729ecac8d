//! The property badges: one per property of the run as far as the cursor.

use std::cell::Cell;
use std::rc::Rc;

use super::*;

/// How a property's badge looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeState {
    /// Promised and holds so far: green.
    Ok,
    /// Promised and violated: red.
    Bad,
    /// Not promised by this variant: grey.
    Off,
    /// A liveness property not met yet, part way through the run: grey, "not yet".
    Pending,
}

impl BadgeState {
    /// The badge for a report on a run shown up to its end (`finished`) or only part way: part
    /// way, a liveness property that is not met yet may still be met, so it is pending, not red.
    pub fn of(report: &PropertyReport, finished: bool) -> BadgeState {
        match (report.promised, report.verdict.holds()) {
            (true, false) if !finished && report.kind == PropertyKind::Liveness => {
                BadgeState::Pending
            }
            (false, _) => BadgeState::Off,
            (true, true) => BadgeState::Ok,
            (true, false) => BadgeState::Bad,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            BadgeState::Ok => "badge ok",
            BadgeState::Bad => "badge bad",
            BadgeState::Off => "badge off",
            BadgeState::Pending => "badge pending",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            BadgeState::Ok => "✓",
            BadgeState::Bad => "✗",
            BadgeState::Off => "–",
            BadgeState::Pending => "…",
        }
    }
}

/// A name made safe for a `data-testid`: lowercase letters, digits and dashes.
pub fn testid_slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The first event that shows a violation, if the verdict names one.
pub fn first_violating_event(report: &PropertyReport) -> Option<EventId> {
    match &report.verdict {
        Verdict::Violated { events, .. } => events.first().copied(),
        Verdict::Holds => None,
    }
}

/// What a badge's kind word opens: the definition of its kind of property, and the shape a
/// counterexample takes, said of this property on this run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub term: &'static str,
    pub says: &'static str,
    pub counterexample: &'static str,
    pub here: String,
}

/// The definition a badge of `report` opens, with what this run shows of it so far.
pub fn definition(report: &PropertyReport, finished: bool) -> Definition {
    let violated = !report.verdict.holds();
    match report.kind {
        PropertyKind::Safety => Definition {
            term: "Safety",
            says: "Something bad never happens. It must hold at every point of every run: the \
                   empty run is safe, and a run that is safe so far stays safe until the bad \
                   thing happens.",
            counterexample: "A finite bad prefix: the run up to the event where the bad thing \
                             happens. Nothing that comes later can undo it.",
            here: if violated {
                format!(
                    "Here it is broken: the bad prefix ends at the event \"show\" selects. {}",
                    if report.promised {
                        "This variant promised it."
                    } else {
                        "This variant does not promise it."
                    }
                )
            } else {
                "No prefix of the run so far is bad.".into()
            },
        },
        PropertyKind::Liveness => Definition {
            term: "Liveness",
            says: "Something good eventually happens. No finite prefix can break it: whatever \
                   has not happened yet might still happen if the run goes on.",
            counterexample: "A whole run in which the good thing never happens. On screen a run \
                             is finite, so a liveness badge is only \"not yet\" part way \
                             through, and red only at the end of a run that stops without it.",
            here: match (violated, finished) {
                (false, _) => "It has happened in this run.".into(),
                (true, false) => "Not yet: the run so far has not got there.".into(),
                (true, true) => "The run ended without it.".into(),
            },
        },
    }
}

/// Past this many events, the badges follow the cursor at most every [`BIG_RUN_CHECK_MS`]:
/// checking a big run's properties as far as the cursor takes milliseconds (it reads the whole
/// prefix), too much for each frame of a scrub.
const CHECKED_EVERY_MOVE_UP_TO: usize = 20_000;
const BIG_RUN_CHECK_MS: u32 = 100;

/// The step the badges are checked at: the cursor, or on a big run the cursor as it was at
/// most [`BIG_RUN_CHECK_MS`] ago.
fn checked_step(store: Store) -> ReadSignal<u64> {
    let (checked, set_checked) = signal(store.cursor.get_untracked());
    let pending = Rc::new(Cell::new(false));
    Effect::new(move |_| {
        let cursor = store.cursor.get();
        let big = store
            .trace
            .with(|t| t.events.len() > CHECKED_EVERY_MOVE_UP_TO);
        if !big {
            if checked.get_untracked() != cursor {
                set_checked.set(cursor);
            }
            return;
        }
        if pending.replace(true) {
            return;
        }
        let pending = pending.clone();
        gloo_timers::callback::Timeout::new(BIG_RUN_CHECK_MS, move || {
            pending.set(false);
            // The badges may be gone (another lesson): then there is nothing to update.
            if let Some(now) = store.cursor.try_get_untracked() {
                if checked.try_get_untracked().is_some_and(|c| c != now) {
                    set_checked.try_set(now);
                }
            }
        })
        .forget();
    });
    checked
}

/// One badge per property of the run as far as the cursor: green holds, red violated (with the
/// explanation and a button that selects the violating event), grey not promised.
#[component]
pub fn PropertyBadges() -> impl IntoView {
    let store = Store::get();
    let checked = checked_step(store);
    let reports = Memo::new(move |_| store.reports_at(checked.get()));
    let finished = Memo::new(move |_| checked.get() >= store.trace.with(|t| t.step_count()));
    // The property whose definition is open, by name.
    let defining = RwSignal::new(None::<String>);
    let definition_view = move || {
        let name = defining.get()?;
        let report = reports.with(|rs| rs.iter().find(|r| r.name == name).cloned())?;
        let d = definition(&report, finished.get());
        Some(view! {
            <div class="badge-definition" data-testid="badge-definition" role="note">
                <button class="badge-definition-close" data-testid="badge-definition-close"
                    aria-label="Close the definition" on:click=move |_| defining.set(None)>"✕"</button>
                <p><strong>{format!("{} property. ", d.term)}</strong>{d.says}</p>
                <p><em>"A counterexample: "</em>{d.counterexample}</p>
                <p data-testid="badge-definition-here">
                    <strong>{report.name.clone()}</strong>": "{report.description.clone()}". "{d.here}
                </p>
            </div>
        })
    };
    view! {
        <section class="badges" data-testid="badges" aria-label="Properties">
            {move || {
                reports
                    .get()
                    .into_iter()
                    .map(|r| {
                        let state = BadgeState::of(&r, finished.get());
                        let slug = testid_slug(&r.name);
                        let first = first_violating_event(&r);
                        let explanation = match &r.verdict {
                            Verdict::Violated { explanation, .. } => Some(explanation.clone()),
                            Verdict::Holds => None,
                        };
                        let detail = match (state, &explanation) {
                            (BadgeState::Ok, _) => "holds".to_string(),
                            (BadgeState::Bad, Some(e)) => e.clone(),
                            (BadgeState::Bad, None) => "violated".to_string(),
                            (BadgeState::Off, Some(e)) => format!("not promised; here: {e}"),
                            (BadgeState::Off, None) => "not promised".to_string(),
                            (BadgeState::Pending, Some(e)) => format!("not yet: {e}"),
                            (BadgeState::Pending, None) => "not yet".to_string(),
                        };
                        let kind = match r.kind {
                            PropertyKind::Safety => "safety",
                            PropertyKind::Liveness => "liveness",
                        };
                        let name = r.name.clone();
                        let toggle = r.name.clone();
                        let show = first
                            .map(|e| {
                                view! {
                                    <button
                                        class="badge-show"
                                        data-testid=format!("badge-show-{slug}")
                                        title="Select the event that shows it"
                                        on:click=move |_| {
                                            store.playing.set(false);
                                            store.selection.set(Selection::Event(e));
                                        }
                                    >
                                        "show"
                                    </button>
                                }
                            });
                        view! {
                            <div
                                class=state.class()
                                // Not promised, yet broken in this run: the point of the lesson.
                                class:broken=state == BadgeState::Off && explanation.is_some()
                                data-holds=explanation.is_none().to_string()
                                data-testid=format!("badge-{slug}")
                                data-state=match state {
                                    BadgeState::Ok => "ok",
                                    BadgeState::Bad => "bad",
                                    BadgeState::Off => "off",
                                    BadgeState::Pending => "pending",
                                }
                                title=r.description.clone()
                            >
                                <span class="badge-icon" aria-hidden="true">
                                    {state.icon()}
                                </span>
                                <span class="badge-name">{r.name.clone()}</span>
                                <button
                                    class="badge-kind"
                                    data-testid=format!("badge-kind-{slug}")
                                    title=format!("What a {kind} property is, and what breaks one")
                                    aria-expanded=move || (defining.get().as_deref() == Some(name.as_str())).to_string()
                                    on:click=move |_| defining.update(|d| {
                                        *d = if d.as_deref() == Some(toggle.as_str()) { None } else { Some(toggle.clone()) };
                                    })
                                >
                                    {kind}
                                </button>
                                <span class="badge-detail">{detail}</span>
                                {show}
                            </div>
                        }
                    })
                    .collect_view()
            }}
            {definition_view}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_are_green_red_or_grey() {
        let report = |promised, verdict| PropertyReport {
            name: "in order".into(),
            kind: PropertyKind::Safety,
            description: String::new(),
            promised,
            verdict,
        };
        let ok = report(true, Verdict::Holds);
        let bad = report(true, Verdict::violated(vec![4, 9], "P2 got 3 before 2"));
        let off = report(false, Verdict::violated(vec![], "whatever"));
        assert_eq!(BadgeState::of(&ok, true), BadgeState::Ok);
        assert_eq!(BadgeState::of(&bad, true), BadgeState::Bad);
        assert_eq!(BadgeState::of(&off, true), BadgeState::Off);
        let mut liveness = bad.clone();
        liveness.kind = PropertyKind::Liveness;
        assert_eq!(BadgeState::of(&liveness, false), BadgeState::Pending);
        assert_eq!(BadgeState::of(&liveness, true), BadgeState::Bad);
        assert_eq!(
            BadgeState::of(&bad, false),
            BadgeState::Bad,
            "safety breaks at once"
        );
        assert_eq!(BadgeState::Bad.class(), "badge bad");
        assert_eq!(first_violating_event(&bad), Some(4));
        assert_eq!(first_violating_event(&ok), None);
        assert_eq!(first_violating_event(&off), None);
    }

    #[test]
    fn a_definition_gives_the_counterexample_shape_of_its_kind() {
        let mut r = PropertyReport {
            name: "no-duplication".into(),
            kind: PropertyKind::Safety,
            description: String::new(),
            promised: true,
            verdict: Verdict::Holds,
        };
        let d = definition(&r, false);
        assert!(d.counterexample.contains("finite bad prefix"));
        assert!(d.here.contains("No prefix"));
        r.verdict = Verdict::violated(vec![3], "twice");
        assert!(definition(&r, false).here.contains("bad prefix ends"));
        r.kind = PropertyKind::Liveness;
        let d = definition(&r, false);
        assert!(d.counterexample.contains("never happens"));
        assert!(d.here.starts_with("Not yet"));
        assert!(definition(&r, true).here.contains("ended without it"));
        r.verdict = Verdict::Holds;
        assert!(definition(&r, true).here.contains("has happened"));
    }

    #[test]
    fn testids_are_slugs() {
        assert_eq!(testid_slug("coverage"), "coverage");
        assert_eq!(testid_slug("clock-condition"), "clock-condition");
        assert_eq!(
            testid_slug("In order, exactly once!"),
            "in-order-exactly-once"
        );
    }
}
