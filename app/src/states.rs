//! Process states as tables: a protocol whose processes list their state as named fields
//! ([`spacetime_core::Process::fields`]: `role`, `promised`, `accepted`) gets one table per role,
//! a row per process and a column per field, at the cursor. The fields are read as the trace
//! recorded them, never parsed out of a summary; lesson panels (the acceptors of Paxos) draw the
//! tables.

use leptos::prelude::*;
use spacetime_core::Field;

use crate::store::Store;

/// The value of field `name`, if the state has one.
pub fn field<'a>(fields: &'a [Field], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
}

/// The processes of one role, as rows under the union of their fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleTable {
    pub role: String,
    /// Field names, in the order they first appear; `role` itself is left out.
    pub columns: Vec<String>,
    /// Per row: the process index, its name, and one cell per column ("" where it has none).
    pub rows: Vec<(usize, String, Vec<String>)>,
}

/// One table per role, in the order the roles first appear among the processes. Processes
/// without a `role` field are left out (a protocol that lists no fields has no tables).
pub fn role_tables(names: &[String], states: &[Vec<Field>]) -> Vec<RoleTable> {
    let mut tables: Vec<RoleTable> = Vec::new();
    for (p, parts) in states.iter().enumerate() {
        let Some(role) = field(parts, "role") else {
            continue;
        };
        let at = match tables.iter().position(|t| t.role == role) {
            Some(i) => i,
            None => {
                tables.push(RoleTable {
                    role: role.to_string(),
                    columns: Vec::new(),
                    rows: Vec::new(),
                });
                tables.len() - 1
            }
        };
        let table = &mut tables[at];
        for f in parts {
            if f.name != "role" && !table.columns.iter().any(|c| *c == f.name) {
                table.columns.push(f.name.to_string());
            }
        }
        let name = names.get(p).cloned().unwrap_or_else(|| format!("#{p}"));
        table.rows.push((p, name, Vec::new()));
    }
    // Cells once every column is known, so a field that only some rows have lines up.
    for table in &mut tables {
        for (p, _, cells) in &mut table.rows {
            *cells = table
                .columns
                .iter()
                .map(|c| field(&states[*p], c).unwrap_or_default().to_string())
                .collect();
        }
    }
    tables
}

/// The state tables of the run at the cursor, for the roles in `roles` (every role if empty).
/// Rows whose process is in `marked` are highlighted (a quorum, say), with `mark` as their note.
#[component]
pub fn StateTables(
    #[prop(into)] roles: Vec<&'static str>,
    #[prop(into)] marked: Signal<Vec<usize>>,
    #[prop(into)] mark: String,
) -> impl IntoView {
    let store = Store::get();
    let tables = Memo::new(move |_| {
        let states = store.fields_at_cursor();
        let names = store.trace.with(|t| t.processes.clone());
        role_tables(&names, &states)
    });
    let up = move || store.up_at_cursor();
    move || {
        let marked = marked.get();
        let up = up();
        tables
            .get()
            .into_iter()
            .filter(|t| roles.is_empty() || roles.contains(&t.role.as_str()))
            .map(|t| {
                let mark = mark.clone();
                let marked = marked.clone();
                let up = up.clone();
                // A table wider than its card scrolls in it, the page does not.
                view! {
                    <div class="table-scroll">
                    <table class="state-table" data-testid=format!("state-table-{}", t.role)>
                        <caption>{format!("{}s", t.role)}</caption>
                        <thead><tr>
                            <th scope="col">{t.role.clone()}</th>
                            {t.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {t.rows.into_iter().map(|(p, name, cells)| {
                                let in_mark = marked.contains(&p);
                                let down = !up.get(p).copied().unwrap_or(true);
                                let testid = format!("state-row-{name}");
                                view! {
                                    <tr class:marked=in_mark class:down=down data-testid=testid>
                                        <th scope="row" style=format!("--c: {}", spacetime_core::layout::process_colour(p))>
                                            {name}
                                            {down.then(|| view! { <small>" (down)"</small> })}
                                            {in_mark.then(|| view! { <small class="mark">{format!(" {mark}")}</small> })}
                                        </th>
                                        {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            })
            .collect_view()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(parts: &[(&'static str, &str)]) -> Vec<Field> {
        parts.iter().map(|(k, v)| Field::new(*k, v)).collect()
    }

    #[test]
    fn a_field_is_read_by_name() {
        let learner = state(&[("role", "learner"), ("learned", "x")]);
        assert_eq!(field(&learner, "learned"), Some("x"));
        assert_eq!(field(&learner, "promised"), None);
    }

    #[test]
    fn one_table_per_role_with_every_field_as_a_column() {
        let names: Vec<String> = ["P1", "A1", "A2", "L1", "X"].map(String::from).to_vec();
        let states = vec![
            state(&[("role", "proposer"), ("ballot", "1.P1")]),
            state(&[
                ("role", "acceptor"),
                ("promised", "1.P1"),
                ("accepted", "none"),
            ]),
            state(&[
                ("role", "acceptor"),
                ("promised", "none"),
                ("accepted", "none"),
                ("note", "rebooted"),
            ]),
            state(&[("role", "learner"), ("learned", "nothing")]),
            Vec::new(),
        ];
        let tables = role_tables(&names, &states);
        let roles: Vec<&str> = tables.iter().map(|t| t.role.as_str()).collect();
        assert_eq!(roles, ["proposer", "acceptor", "learner"]);
        let acceptors = &tables[1];
        assert_eq!(acceptors.columns, ["promised", "accepted", "note"]);
        assert_eq!(acceptors.rows[0].2, ["1.P1", "none", ""]);
        assert_eq!(acceptors.rows[1].0, 2);
        assert_eq!(acceptors.rows[1].2[2], "rebooted");
    }
}
