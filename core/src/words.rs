//! Small helpers for the sentences the core and the page write: counts with their nouns.

/// `1 message`, `2 messages`, `0 messages`: a count with its noun, plural unless it is one.
///
/// ```
/// use spacetime_core::words::count_of;
/// assert_eq!(count_of(1, "message"), "1 message");
/// assert_eq!(count_of(3, "lane"), "3 lanes");
/// ```
pub fn count_of(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
