//! Finding a log's records with the browser's own `RegExp`, so that no regex engine has to ship
//! in the wasm bundle, the records then read as the CLI reads its regex's matches.

use js_sys::{Array, Function, JsString, Reflect, RegExp};
use spacetime_core::log::{self, Found, RegexMatch};
use wasm_bindgen::{JsCast, JsValue};

/// Python-style named groups `(?P<name>...)` (as ShiViz's docs sometimes write them) in the
/// browser's spelling `(?<name>...)`; anything else is left as the learner wrote it.
pub fn browser_regex(pattern: &str) -> String {
    pattern.replace("(?P<", "(?<")
}

/// Byte offsets of UTF-16 offsets (what the browser's regex reports), asked in increasing order:
/// one walk over the text in all.
pub struct ByteOffsets<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    utf16: usize,
    byte: usize,
}

impl<'a> ByteOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        ByteOffsets {
            text,
            chars: text.char_indices(),
            utf16: 0,
            byte: 0,
        }
    }

    /// The byte offset of UTF-16 offset `offset` (the next character's start when it falls
    /// inside one; the text's end past it). An offset before the last one asked walks again.
    pub fn byte_at(&mut self, offset: usize) -> usize {
        if offset < self.utf16 {
            *self = ByteOffsets::new(self.text);
        }
        while self.utf16 < offset {
            match self.chars.next() {
                Some((i, c)) => {
                    self.utf16 += c.len_utf16();
                    self.byte = i + c.len_utf8();
                }
                None => break,
            }
        }
        self.byte
    }
}

/// Match `pattern` over `text` with the browser's `RegExp` (flag `g`, as ShiViz does), one record
/// per match, found wherever they are in the text as the CLI finds them
/// ([`log::records_from_matches`]: the lines of other text between them are counted as skipped).
/// `first_line` is the line number of the text's first line in the file.
pub fn records_by_regex(text: &str, pattern: &str, first_line: usize) -> Result<Found, String> {
    let pattern = browser_regex(pattern);
    if let Some(group) = log::missing_group(&pattern) {
        return Err(format!(
            "The regular expression needs a named group (?<{group}>...): it must capture host, clock and event."
        ));
    }
    let regex = browser_regexp(&pattern, "g")?;
    // The text crosses into JavaScript once, not once a match.
    let js_text = JsValue::from_str(text);
    let exec: Function = Reflect::get(&regex, &JsValue::from_str("exec"))
        .map_err(|_| "This browser's regular expressions cannot search.".to_string())?
        .unchecked_into();
    let get = |obj: &JsValue, key: &str| {
        Reflect::get(obj, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let mut bytes = ByteOffsets::new(text);
    // (start, end, host, clock, event), byte offsets into `text`.
    let mut found: Vec<(usize, usize, String, String, String)> = Vec::new();
    loop {
        let m = exec.call1(&regex, &js_text).unwrap_or(JsValue::NULL);
        if m.is_null() || m.is_undefined() {
            break;
        }
        let whole: JsString = Reflect::get(&m, &JsValue::from_f64(0.0))
            .unwrap_or(JsValue::UNDEFINED)
            .unchecked_into();
        let length = whole.length() as usize;
        if length == 0 {
            // An empty match would match again at the same place forever.
            regex.set_last_index(regex.last_index() + 1);
            continue;
        }
        let index = Reflect::get(&m, &JsValue::from_str("index"))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as usize;
        let groups = Reflect::get(&m, &JsValue::from_str("groups")).unwrap_or(JsValue::UNDEFINED);
        let start = bytes.byte_at(index);
        let end = bytes.byte_at(index + length);
        found.push((
            start,
            end,
            get(&groups, "host"),
            get(&groups, "clock"),
            get(&groups, "event"),
        ));
    }
    let matches = found
        .iter()
        .map(|(start, end, host, clock, event)| RegexMatch {
            start: *start,
            end: *end,
            host,
            clock,
            event,
        });
    Ok(log::records_from_matches(text, first_line, matches))
}

/// A browser `RegExp` from `pattern` with `flags`, or why it does not compile.
pub(super) fn browser_regexp(pattern: &str, flags: &str) -> Result<RegExp, String> {
    let ctor: Function = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
        .map_err(|_| "This browser has no regular expressions.".to_string())?
        .unchecked_into();
    let args = Array::of2(&JsValue::from_str(pattern), &JsValue::from_str(flags));
    Reflect::construct(&ctor, &args)
        .map(JsCast::unchecked_into)
        .map_err(|e| {
            let why = Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "it does not compile".into());
            format!("The regular expression {pattern:?} does not work: {why}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_style_groups_read_as_the_browser_writes_them() {
        let pattern = browser_regex(r"(?P<host>\S*) (?P<clock>{.*})\n(?P<event>.*)");
        assert_eq!(pattern, log::GOVECTOR_REGEX);
        assert_eq!(log::missing_group(&pattern), None);
    }

    #[test]
    fn utf16_offsets_map_to_bytes() {
        let text = "é1\nline two 😀\nthree";
        let mut bytes = ByteOffsets::new(text);
        assert_eq!(bytes.byte_at(0), 0);
        // "é" is 1 UTF-16 unit and 2 bytes; the emoji 2 units and 4 bytes.
        assert_eq!(bytes.byte_at(1), 2);
        assert_eq!(bytes.byte_at(3), 4);
        assert_eq!(&text[bytes.byte_at(12)..], "😀\nthree");
        assert_eq!(&text[bytes.byte_at(14)..], "\nthree");
        assert_eq!(bytes.byte_at(1000), text.len());
        // Asking again from the start walks again.
        assert_eq!(bytes.byte_at(1), 2);
    }
}
