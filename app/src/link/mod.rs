//! Links that reproduce a view exactly: the scenario, its seed, network and interventions, the
//! step, the event labels and the selection live in the page's query string.
//!
//! The grammar (every parameter optional; `&` between them):
//!
//! | parameter | value | meaning |
//! | --- | --- | --- |
//! | `s` | a built-in scenario's name | `s=clocks-three-events` |
//! | `sc` | base64url of a scenario's JSON (no padding) | a scenario built by hand or imported |
//! | `lesson` | a lesson id | its first scenario, when no `s`/`sc` is given |
//! | `variant` | a variant name | when it differs from the scenario's own |
//! | `seed` | a whole number | when it differs |
//! | `net` | `lat:MIN-MAX,loss:P,dup:P,fifo:0\|1` | the network, when it differs |
//! | `iv` | `STEP:KIND:ARGS,...` | the interventions, when they differ (`iv=` for none) |
//! | `step` | a whole number | the step shown (the cursor) |
//! | `labels` | `none`, `names`, `lamport`, `vector` | the event labels (default `lamport`) |
//! | `sel` | `e12`, `m5`, `p2`, `e3,e7`, `l0-1` | the selection: event, message, process, pair, link |
//! | `embed` | (a flag) | the compact view for an iframe |
//! | `present` | (a flag) | presentation mode |
//! | `tour` | a lesson id or a relative URL | start that lesson's tour, or fetch a tour file |
//!
//! An intervention is `STEP:drop:M`, `STEP:dup:M`, `STEP:delay:M:BY`, `STEP:crash:P`,
//! `STEP:recover:P`, `STEP:cut:P-Q`, `STEP:heal:P-Q`, `STEP:fire:P:TIMER` (run a timeout out
//! now) or `STEP:req:P:REQUEST` (a client's request), where `M` is a message number and `P`,
//! `Q` a process name (`A1`) or number (from 0). A timer's name or a request is the rest of the
//! item, with `%`, `,` and `+` percent-escaped.
//!
//! The module is split by concern:
//!
//! * [`codec`]: the grammar: what a link says ([`Link`]), [`parse`] and [`encode`], and the small
//!   codecs (base64url, percent coding, the text of interventions, networks and selections).
//!   Plain Rust, no Leptos and no browser, tested natively.
//! * [`resolve`]: what a link shows, checked against the lessons and the simulator ([`View`],
//!   [`resolve`](resolve::resolve), [`applicable`]): whatever a link holds, a view that loads,
//!   and a list of what was ignored. Pure and tested natively.
//! * [`page`]: the browser's side: the address bar kept up to date, the page's query,
//!   [`CopyLink`].
//!
//! Links written before a change to this module must open the same view: `golden` tests pin
//! links in the format as it stands.

pub mod codec;
pub mod page;
pub mod resolve;

#[cfg(test)]
mod golden;

pub use codec::*;
pub use page::*;
pub use resolve::*;
