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

/// `500,000`: a number with its thousands marked, as the page states its limits.
///
/// ```
/// use spacetime_core::words::thousands;
/// assert_eq!(thousands(500_000), "500,000");
/// assert_eq!(thousands(1_234_567), "1,234,567");
/// assert_eq!(thousands(999), "999");
/// ```
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}
