//! Reading a record's clock: the JSON object `{"host": counter, ...}` as a dense row, scanned
//! without allocating when it is plain and left to serde_json when it is not.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{shorten, LogRecord, Problem};

/// A clock's entries as the log writes them, names borrowed from the text where they can be.
pub(super) struct Entries<'a>(pub(super) Vec<(Cow<'a, str>, serde_json::Value)>);

/// A host name in a clock: borrowed unless it has escapes.
pub(super) struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a host name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of host: counter")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(Name(name)) = map.next_key()? {
                    entries.push((name, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// A clock in its plainest form, `{"name": 12, ...}` (no escapes, whole numbers without sign,
/// fraction or leading zero), read without building anything: the entries go to `entries`.
/// `false` for anything else, which serde_json then reads or explains.
pub(super) fn scan_clock<'t>(text: &'t str, entries: &mut Vec<(&'t str, u64)>) -> bool {
    entries.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    skip(&mut i);
    if bytes.get(i) != Some(&b'{') {
        return false;
    }
    i += 1;
    skip(&mut i);
    if bytes.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if bytes.get(i) != Some(&b'"') {
                return false;
            }
            let start = i + 1;
            let Some(len) = bytes[start..].iter().position(|&b| b == b'"') else {
                return false;
            };
            let name = &text[start..start + len];
            if name.contains('\\') || name.chars().any(char::is_control) {
                return false;
            }
            i = start + len + 1;
            skip(&mut i);
            if bytes.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
            skip(&mut i);
            let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || (digits > 1 && bytes[i] == b'0') {
                return false;
            }
            let Ok(counter) = text[i..i + digits].parse::<u64>() else {
                return false;
            };
            entries.push((name, counter));
            i += digits;
            skip(&mut i);
            match bytes.get(i) {
                Some(b',') => {
                    i += 1;
                    skip(&mut i);
                }
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return false,
            }
        }
    }
    skip(&mut i);
    i == bytes.len()
}

/// Parse a record's clock into `row` (dense: one counter per host, zeroed first). Reports what is
/// wrong with it; `false` when the event must be left out. `plain` is scratch space.
pub(super) fn parse_clock<'t>(
    record: &'t LogRecord,
    hosts: &HostIndex,
    row: &mut [u64],
    plain: &mut Vec<(&'t str, u64)>,
    unknown: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> bool {
    row.iter_mut().for_each(|c| *c = 0);
    let mut set = |host: &str, counter: u64| match hosts.get(host) {
        Some(&k) => row[k] = counter,
        None if counter == 0 => {}
        None => {
            if !unknown.iter().any(|u| u == host) {
                problems.push(Problem::new(
                    record.line,
                    format!(
                        "the clock names host \"{host}\", which logs no event; its entries are \
                         ignored (this is said once)"
                    ),
                ));
                unknown.push(host.to_string());
            }
        }
    };
    let unquoted = quoted_clock(&record.clock);
    let text = match &unquoted {
        Some(inner) => inner.as_str(),
        None if scan_clock(&record.clock, plain) => {
            for &(host, counter) in plain.iter() {
                set(host, counter);
            }
            return true;
        }
        None => record.clock.as_str(),
    };
    let entries = match serde_json::from_str::<Entries<'_>>(text) {
        Ok(Entries(entries)) => entries,
        Err(e) => {
            problems.push(Problem::new(
                record.line,
                format!(
                    "the clock {} is not a JSON object of host: counter: {e}",
                    shorten(&record.clock)
                ),
            ));
            return false;
        }
    };
    if let Some((host, value)) = entries.iter().find(|(_, v)| v.as_u64().is_none()) {
        problems.push(Problem::new(
            record.line,
            format!(
                "the clock gives \"{host}\" the value {}, which is not a counter (a whole number \
                 from 0 up)",
                shorten(&value.to_string())
            ),
        ));
        return false;
    }
    for (host, value) in &entries {
        set(host, value.as_u64().unwrap_or_default());
    }
    true
}

/// A clock written as JSON inside a JSON string, as TLC prints one (`"{\"n1\":1}"`, or the
/// same without its outer quotes): the object inside, unescaped.
pub(super) fn quoted_clock(clock: &str) -> Option<String> {
    let clock = clock.trim();
    if clock.starts_with('"') {
        return serde_json::from_str::<String>(clock).ok();
    }
    if clock.starts_with('{') && clock.contains("\\\"") {
        return serde_json::from_str::<String>(&format!("\"{clock}\"")).ok();
    }
    None
}

/// FNV-1a: host names are short, and SipHash's protection is not needed for a log one reads.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Host name -> index among the hosts.
pub(super) type HostIndex = HashMap<String, usize, std::hash::BuildHasherDefault<Fnv>>;
