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
    let Some(protocol) = spacetime_core::protocols::find(&scenario.protocol) else {
        return (Vec::new(), Vec::new());
    };
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for v in protocol.variants {
        let mut s = scenario.clone();
        s.variant = v.name.to_string();
        match spacetime_core::Run::complete(&s) {
            Ok(run) => {
                let cells: Vec<(String, bool, bool)> = run
                    .check(run.trace())
                    .into_iter()
                    .map(|r| (r.name.clone(), r.promised, r.verdict.holds()))
                    .collect();
                for (name, _, _) in &cells {
                    if !columns.contains(name) {
                        columns.push(name.clone());
                    }
                }
                rows.push(VariantRow {
                    variant: v.name.to_string(),
                    cells,
                    error: None,
                });
            }
            Err(e) => rows.push(VariantRow {
                variant: v.name.to_string(),
                cells: Vec::new(),
                error: Some(e.to_string()),
            }),
        }
    }
    (columns, rows)
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
    let table = Memo::new(move |_| {
        let s = key.get();
        let variants = spacetime_core::protocols::find(&s.protocol).map_or(0, |p| p.variants.len());
        (variants > 1).then(|| variant_table(&s))
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
}
