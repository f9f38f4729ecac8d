//! Every variant of the scenario's protocol on the same scenario, and the properties each keeps.

use super::*;

/// How one variant fares on a scenario: for each property, whether it promises it and whether it
/// holds on the whole run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantRow {
    pub variant: String,
    /// (property, promised, holds), in the order of [`variant_table`]'s columns; empty with an
    /// error when the variant does not run this scenario.
    pub cells: Vec<(String, bool, bool)>,
    pub error: Option<String>,
}

/// Every variant of the scenario's protocol run on the same scenario (its faults and built-in
/// interventions included), and the properties each keeps: the table beside the diagram.
pub fn variant_table(scenario: &spacetime_core::Scenario) -> (Vec<String>, Vec<VariantRow>) {
    let mut job = TableJob::new(scenario);
    loop {
        if let Some(table) = job.work(f64::INFINITY) {
            return table;
        }
    }
}

/// [`variant_table`] worked out a slice at a time ([`crate::slices`]): the runs of a big scenario
/// take as long as the run on screen, one per variant.
struct TableJob {
    scenario: spacetime_core::Scenario,
    variants: Vec<&'static str>,
    /// The variant being run, and its run.
    running: Option<spacetime_core::Run>,
    columns: Vec<String>,
    rows: Vec<VariantRow>,
}

impl TableJob {
    fn new(scenario: &spacetime_core::Scenario) -> TableJob {
        let variants = spacetime_core::protocols::find(&scenario.protocol)
            .map(|p| p.variants.iter().map(|v| v.name).collect())
            .unwrap_or_default();
        TableJob {
            scenario: scenario.clone(),
            variants,
            running: None,
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Work until `deadline`; the table once every variant has run.
    fn work(&mut self, deadline: f64) -> Option<(Vec<String>, Vec<VariantRow>)> {
        loop {
            let variant = *self.variants.get(self.rows.len())?;
            let run = match self.running.as_mut() {
                Some(run) => run,
                None => {
                    let mut s = self.scenario.clone();
                    s.variant = variant.to_string();
                    match spacetime_core::Run::new(&s) {
                        Ok(run) => self.running.insert(run),
                        Err(e) => {
                            self.rows.push(VariantRow {
                                variant: variant.to_string(),
                                cells: Vec::new(),
                                error: Some(e.to_string()),
                            });
                            continue;
                        }
                    }
                }
            };
            if !crate::slices::step_until(run, deadline) {
                return None;
            }
            let run = self.running.take().expect("a run just stepped");
            let row = match run.too_big() {
                Some(e) => VariantRow {
                    variant: variant.to_string(),
                    cells: Vec::new(),
                    error: Some(e.to_string()),
                },
                None => {
                    let cells: Vec<(String, bool, bool)> = run
                        .check(run.trace())
                        .into_iter()
                        .map(|r| (r.name.clone(), r.promised, r.verdict.holds()))
                        .collect();
                    for (name, _, _) in &cells {
                        if !self.columns.contains(name) {
                            self.columns.push(name.clone());
                        }
                    }
                    VariantRow {
                        variant: variant.to_string(),
                        cells,
                        error: None,
                    }
                }
            };
            self.rows.push(row);
            if self.rows.len() == self.variants.len() {
                return Some((
                    std::mem::take(&mut self.columns),
                    std::mem::take(&mut self.rows),
                ));
            }
        }
    }
}

/// The table of variants: which property each keeps on this scenario. Shown for protocols with
/// more than one variant; a click on a row switches to that variant.
#[component]
pub fn VariantTable() -> impl IntoView {
    let store = Store::get();
    // Only the scenario's own definition matters, not the learner's position in it.
    let key = Memo::new(move |_| {
        store.scenario.with(|s| {
            let mut s = s.clone();
            s.variant.clear();
            s
        })
    });
    // Worked out in slices behind the learner's back, once the run on screen is whole: for a big
    // scenario it means running it again per variant.
    let table = RwSignal::new(None::<(Vec<String>, Vec<VariantRow>)>);
    let jobs = StoredValue::new(0u64);
    let busy = Memo::new(move |_| store.run.running.with(Option::is_some));
    Effect::new(move |_| {
        let s = key.get();
        jobs.update_value(|n| *n += 1);
        let job = jobs.get_value();
        table.set(None);
        let variants = spacetime_core::protocols::find(&s.protocol).map_or(0, |p| p.variants.len());
        if variants < 2 || busy.get() {
            return;
        }
        let mut work = TableJob::new(&s);
        crate::slices::run_sliced_later(
            crate::slices::BACKGROUND_SLICE_MS,
            move |deadline| work.work(deadline),
            move || jobs.try_get_value() == Some(job),
            move |done| table.set(Some(done)),
        );
    });
    let current = move || store.scenario.with(|s| s.variant.clone());
    view! {
        {move || table.get().map(|(columns, rows)| {
            let header = columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view();
            let body = rows.into_iter().map(|row| {
                let variant = row.variant.clone();
                let is_current = {
                    let variant = variant.clone();
                    move || {
                        let c = current();
                        c == variant
                    }
                };
                let cells = columns.iter().map(|c| {
                    let cell = row.cells.iter().find(|(n, _, _)| n == c).cloned();
                    match cell {
                        None => view! { <td class="na">"–"</td> }.into_any(),
                        Some((name, promised, holds)) => view! {
                            <td class:promised=promised class:holds=holds class:breaks=!holds
                                data-testid=format!("variant-{}-{}", row.variant, testid_slug(&name))
                                data-holds=holds.to_string()
                                title=if promised { "promised by this variant" } else { "not promised by this variant" }>
                                {if holds { "✓" } else { "✗" }}
                            </td>
                        }.into_any(),
                    }
                }).collect_view();
                let error = row.error.clone().map(|e| view! { <td class="na" colspan="99">{e}</td> });
                let pick = variant.clone();
                view! {
                    <tr class:current=is_current>
                        <th scope="row">
                            <button class="link-button" on:click=move |_| store.set_variant(pick.clone())>{variant.clone()}</button>
                        </th>
                        {cells}
                        {error}
                    </tr>
                }
            }).collect_view();
            view! {
                <details class="panel variant-table" open data-testid="variant-table">
                    <summary class="panel-title">"Each variant on this scenario"</summary>
                    <p class="panel-hint">"✓ holds, ✗ breaks, on the whole run with the scenario's own faults; bold: the variant promises it. Click a variant to switch."</p>
                    <div class="table-scroll">
                        <table>
                            <thead><tr><th></th>{header}</tr></thead>
                            <tbody>{body}</tbody>
                        </table>
                    </div>
                </details>
            }
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variant_table_shows_which_variant_keeps_agreement_when_the_sender_crashes() {
        let scenario =
            spacetime_core::protocols::example("broadcast-best-effort-sender-crash").unwrap();
        let (columns, rows) = variant_table(&scenario);
        assert!(columns.iter().any(|c| c == "agreement"));
        let agreement = |variant: &str| {
            rows.iter()
                .find(|r| r.variant == variant)
                .and_then(|r| r.cells.iter().find(|(n, _, _)| n == "agreement").cloned())
                .unwrap()
        };
        assert_eq!(agreement("best-effort"), ("agreement".into(), false, false));
        assert_eq!(agreement("reliable"), ("agreement".into(), true, true));
        assert_eq!(rows.len(), 7);
        // One variant: no table is needed, but the function still answers.
        let scripted = spacetime_core::protocols::example("clocks-three-events").unwrap();
        assert_eq!(variant_table(&scripted).1.len(), 1);
    }

    /// The table is made of verdicts, which read typed facts: the same on scrambled runs.
    #[test]
    fn the_variant_table_is_the_same_with_display_texts_scrambled() {
        use spacetime_core::testing::scrambled;
        for scenario in spacetime_core::protocols::examples()
            .into_iter()
            .filter(|s| s.protocol == "broadcast" || s.protocol == "gossip")
        {
            let plain = variant_table(&scenario);
            assert!(!plain.1.is_empty());
            assert_eq!(
                plain,
                scrambled(|| variant_table(&scenario)),
                "{}",
                scenario.name
            );
        }
    }
}
