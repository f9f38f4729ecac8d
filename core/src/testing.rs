//! Helpers for tests in other crates; not part of the API.
//!
//! [`scramble_display`] proves that nothing reads meaning from display text: while it is on, every
//! simulation made on this thread writes each display text a protocol gives it (message labels,
//! payload texts, output values, local-event labels, state summaries and field values) through
//! [`scramble`], while the typed facts (message contents, output facts, field names, output
//! kinds) stay as they are. A property, exercise or panel that reads only typed facts gives the
//! same answer either way.

use std::cell::Cell;

thread_local! {
    static SCRAMBLE: Cell<bool> = const { Cell::new(false) };
}

/// Scramble the display texts of every simulation set up on this thread from now on (the flag
/// is read when a simulation is made), or stop doing so.
pub fn scramble_display(on: bool) {
    SCRAMBLE.with(|s| s.set(on));
}

/// Whether [`scramble_display`] is on for this thread.
pub fn scrambling() -> bool {
    SCRAMBLE.with(Cell::get)
}

/// `text` reversed, in «»: `rumour 3` becomes `«3 ruomur»`. Nothing is lost, so the texts stay
/// told apart, but nothing that parses them reads them.
pub fn scramble(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    out.push('«');
    out.extend(text.chars().rev());
    out.push('»');
    out
}

/// Scramble `text` with [`scramble`] only while [`scramble_display`] is on: for display texts
/// made outside a simulation.
pub fn display(text: &str) -> String {
    if scrambling() {
        scramble(text)
    } else {
        text.to_string()
    }
}

/// Runs `f` with scrambling on, and turns it off again after (even if `f` panics).
pub fn scrambled<T>(f: impl FnOnce() -> T) -> T {
    struct Off(bool);
    impl Drop for Off {
        fn drop(&mut self) {
            scramble_display(self.0);
        }
    }
    let _off = Off(scrambling());
    scramble_display(true);
    f()
}
