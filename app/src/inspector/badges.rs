//! The property badges: one per property of the run as far as the cursor.

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

/// One badge per property of the run as far as the cursor: green holds, red violated (with the
/// explanation and a button that selects the violating event), grey not promised.
#[component]
pub fn PropertyBadges() -> impl IntoView {
    let store = Store::get();
    let reports = Memo::new(move |_| store.reports());
    let finished = Memo::new(move |_| store.cursor.get() >= store.trace.with(|t| t.step_count()));
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
                                <span class="badge-kind">{kind}</span>
                                <span class="badge-detail">{detail}</span>
                                {show}
                            </div>
                        }
                    })
                    .collect_view()
            }}
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
    fn testids_are_slugs() {
        assert_eq!(testid_slug("coverage"), "coverage");
        assert_eq!(testid_slug("clock-condition"), "clock-condition");
        assert_eq!(
            testid_slug("In order, exactly once!"),
            "in-order-exactly-once"
        );
    }
}
