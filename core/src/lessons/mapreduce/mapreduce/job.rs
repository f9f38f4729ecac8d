//! The three jobs MapReduce runs here, as plain functions: how the input is cut into splits, what
//! a map task emits, what a combiner and a reduce task make of it, which reduce task a key goes
//! to, and the same job computed in one pass on one machine ([`sequential`]) to check the
//! distributed answer against. The app reuses them for its stage view and its exercises.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// An intermediate or final key/value pair.
pub type Pair = (String, String);

/// Which job the scenario runs, as the `job` parameter names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobKind {
    /// Count how often each word occurs.
    #[default]
    WordCount,
    /// Keep the lines that contain a pattern.
    Grep,
    /// For each word, the lines it occurs on.
    InvertedIndex,
}

impl JobKind {
    /// The name as scenarios spell it: `word-count`, `grep`, `inverted-index`.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::WordCount => "word-count",
            JobKind::Grep => "grep",
            JobKind::InvertedIndex => "inverted-index",
        }
    }
}

/// A job, ready to run: grep carries its pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    WordCount,
    /// Lines that contain this text (case-sensitive, plain text, no wildcards).
    Grep(String),
    InvertedIndex,
}

impl Job {
    /// The job's kind.
    pub fn kind(&self) -> JobKind {
        match self {
            Job::WordCount => JobKind::WordCount,
            Job::Grep(_) => JobKind::Grep,
            Job::InvertedIndex => JobKind::InvertedIndex,
        }
    }

    /// Whether the input is cut on line boundaries (grep and the inverted index read whole
    /// lines) rather than between any two words (word count).
    pub fn reads_lines(&self) -> bool {
        !matches!(self, Job::WordCount)
    }

    /// The job in a few words, for the narration: `word count`, `grep "fox"`.
    pub fn describe(&self) -> String {
        match self {
            Job::WordCount => "word count".into(),
            Job::Grep(p) => format!("grep \"{p}\""),
            Job::InvertedIndex => "inverted index".into(),
        }
    }
}

/// A word as the jobs see it: lower-cased, with the punctuation at either end removed
/// (`"Word,"` is `word`, `"don't"` stays `don't`). `None` if nothing is left (`"--"`).
pub fn normalize(token: &str) -> Option<String> {
    let word = token.trim_matches(|c: char| !c.is_alphanumeric());
    (!word.is_empty()).then(|| word.to_lowercase())
}

/// The words of a text, in order, as [`normalize`] makes them.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace().filter_map(normalize)
}

/// One split: a contiguous piece of the input that one map task reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The lines the split covers: each line's number (from 1) and the part of it in this split
    /// (a whole line for grep and the inverted index; a run of its words for word count).
    pub pieces: Vec<(usize, String)>,
    /// How many whitespace-separated tokens it holds: the size its map task's time follows.
    pub tokens: usize,
}

impl Split {
    /// `lines 3–4` or `line 2`, for the narration.
    pub fn lines(&self) -> String {
        match (self.pieces.first(), self.pieces.last()) {
            (Some((a, _)), Some((b, _))) if a != b => format!("lines {a}–{b}"),
            (Some((a, _)), _) => format!("line {a}"),
            _ => "nothing".into(),
        }
    }
}

/// The records the input is cut between: each whitespace-separated token with its line number
/// (word count), or each line that is not blank with its number (grep, inverted index).
fn records<'a>(job: &Job, input: &'a str) -> Vec<(usize, &'a str)> {
    let lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
    if job.reads_lines() {
        lines.filter(|(_, l)| !l.trim().is_empty()).collect()
    } else {
        lines
            .flat_map(|(n, l)| l.split_whitespace().map(move |t| (n, t)))
            .collect()
    }
}

/// How many records the input has: the most splits it can be cut into.
pub fn record_count(job: &Job, input: &str) -> usize {
    records(job, input).len()
}

/// Cut `input` into `m` splits, in order, each of consecutive records: the first `n mod m`
/// splits get `n / m + 1` records and the others `n / m` (for `n` records). Word count cuts
/// between any two words; grep and the inverted index keep lines whole. With fewer than `m`
/// records the last splits are empty (the protocol refuses such a scenario).
pub fn make_splits(job: &Job, input: &str, m: usize) -> Vec<Split> {
    let records = records(job, input);
    let m = m.max(1);
    let (base, extra) = (records.len() / m, records.len() % m);
    let mut rest = &records[..];
    (0..m)
        .map(|i| {
            let take = base + usize::from(i < extra);
            let (mine, later) = rest.split_at(take);
            rest = later;
            let mut pieces: Vec<(usize, String)> = Vec::new();
            let mut tokens = 0;
            for &(line, text) in mine {
                tokens += text.split_whitespace().count();
                match pieces.last_mut() {
                    Some((l, piece)) if *l == line && !job.reads_lines() => {
                        piece.push(' ');
                        piece.push_str(text);
                    }
                    _ => pieces.push((line, text.to_string())),
                }
            }
            Split { pieces, tokens }
        })
        .collect()
}

/// What the map function emits for a split, in order: `(word, "1")` for every word (word
/// count); `(line number, line)` for every line that contains the pattern (grep; the line is
/// trimmed); `(word, line number)` for every word (inverted index).
pub fn map_split(job: &Job, split: &Split) -> Vec<Pair> {
    let mut out = Vec::new();
    for (line, text) in &split.pieces {
        match job {
            Job::WordCount => out.extend(words(text).map(|w| (w, "1".to_string()))),
            Job::Grep(pattern) => {
                if text.contains(pattern.as_str()) {
                    out.push((line.to_string(), text.trim().to_string()));
                }
            }
            Job::InvertedIndex => out.extend(words(text).map(|w| (w, line.to_string()))),
        }
    }
    out
}

/// The combiner: the reduce work a map task can do on its own output before it is written,
/// so that less crosses the network. Word count sums each word's ones (`(fox, 3)` instead of
/// three `(fox, 1)`), the inverted index keeps each `(word, line)` once, grep has nothing to
/// combine. The result is sorted by key.
pub fn combine(job: &Job, pairs: Vec<Pair>) -> Vec<Pair> {
    match job {
        Job::WordCount => {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for (k, v) in pairs {
                *counts.entry(k).or_default() += v.parse::<u64>().unwrap_or(0);
            }
            counts
                .into_iter()
                .map(|(k, n)| (k, n.to_string()))
                .collect()
        }
        Job::Grep(_) => pairs,
        Job::InvertedIndex => {
            let unique: BTreeSet<Pair> = pairs.into_iter().collect();
            unique.into_iter().collect()
        }
    }
}

/// The reduce function, for one key and all its values: the sum (word count), the line itself
/// (grep: each line number has one line), or the line numbers in increasing order without
/// repeats, joined by commas (inverted index: `3,7`).
pub fn reduce(job: &Job, _key: &str, values: &[String]) -> String {
    match job {
        Job::WordCount => values
            .iter()
            .map(|v| v.parse::<u64>().unwrap_or(0))
            .sum::<u64>()
            .to_string(),
        Job::Grep(_) => values.first().cloned().unwrap_or_default(),
        Job::InvertedIndex => {
            let lines: BTreeSet<u64> = values.iter().filter_map(|v| v.parse().ok()).collect();
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            lines.join(",")
        }
    }
}

/// The order of keys in a reduce task's sort and in the final output: words in code-point
/// order, grep's line numbers as numbers (2 before 10).
pub fn key_order(job: &Job, a: &str, b: &str) -> Ordering {
    match job {
        // Decimal numbers without leading zeros: shorter is smaller.
        Job::Grep(_) => (a.len(), a).cmp(&(b.len(), b)),
        _ => a.cmp(b),
    }
}

/// What a reduce task does once it has its region of every map output: sort the pairs by key,
/// group each key's values, and reduce each group. The result is in key order.
pub fn reduce_region(job: &Job, mut pairs: Vec<Pair>) -> Vec<Pair> {
    pairs.sort_by(|a, b| key_order(job, &a.0, &b.0));
    let mut out: Vec<Pair> = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let key = pairs[i].0.clone();
        let mut values = Vec::new();
        while i < pairs.len() && pairs[i].0 == key {
            values.push(pairs[i].1.clone());
            i += 1;
        }
        let value = reduce(job, &key, &values);
        out.push((key, value));
    }
    out
}

/// FNV-1a, 64 bits: start from 14695981039346656037 and, for each byte, XOR it in and multiply
/// by 1099511628211 (wrapping). Simple, stable on every platform and in every run, and good
/// enough to spread words over a few reduce tasks.
///
/// ```
/// use spacetime_core::lessons::mapreduce::mapreduce::fnv1a;
/// assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
/// assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The reduce task (from 0) that intermediate key `key` goes to when there are `r` of them:
/// `fnv1a(key) mod r`, over the key's UTF-8 bytes. 0 if `r` is 0.
pub fn partition(key: &str, r: usize) -> usize {
    if r == 0 {
        0
    } else {
        (fnv1a(key.as_bytes()) % r as u64) as usize
    }
}

/// The job computed in one pass on one machine, the answer MapReduce must reproduce: the output
/// lines as `(key, value)` in key order ([`key_order`]).
///
/// * word count: `(word, count)` for every word of the input ([`words`]);
/// * grep: `(line number, line)` for every line (not blank) that contains the pattern, the
///   line trimmed, numbers from 1;
/// * inverted index: `(word, "3,7")`, the numbers of the lines the word occurs on; each line
///   is a document, named by its number.
///
/// ```
/// use spacetime_core::lessons::mapreduce::mapreduce::{sequential, Job};
/// let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
///     v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
/// };
/// assert_eq!(sequential(&Job::WordCount, "the cat\nThe dog."),
///            pairs(&[("cat", "1"), ("dog", "1"), ("the", "2")]));
/// assert_eq!(sequential(&Job::Grep("dog".into()), "the cat\nThe dog."),
///            pairs(&[("2", "The dog.")]));
/// assert_eq!(sequential(&Job::InvertedIndex, "the cat\nThe dog."),
///            pairs(&[("cat", "1"), ("dog", "2"), ("the", "1,2")]));
/// ```
pub fn sequential(job: &Job, input: &str) -> Vec<Pair> {
    let lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
    match job {
        Job::WordCount => {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for w in words(input) {
                *counts.entry(w).or_default() += 1;
            }
            counts
                .into_iter()
                .map(|(w, n)| (w, n.to_string()))
                .collect()
        }
        Job::Grep(pattern) => lines
            .filter(|(_, l)| !l.trim().is_empty() && l.contains(pattern.as_str()))
            .map(|(n, l)| (n.to_string(), l.trim().to_string()))
            .collect(),
        Job::InvertedIndex => {
            let mut index: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
            for (n, l) in lines {
                for w in words(l) {
                    index.entry(w).or_default().insert(n);
                }
            }
            index
                .into_iter()
                .map(|(w, ns)| {
                    let ns: Vec<String> = ns.iter().map(usize::to_string).collect();
                    (w, ns.join(","))
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cover_the_input_in_order() {
        let input = "a b c\nd e\n\nf g h i";
        let splits = make_splits(&Job::WordCount, input, 3);
        let sizes: Vec<usize> = splits.iter().map(|s| s.tokens).collect();
        assert_eq!(sizes, [3, 3, 3]);
        assert_eq!(
            splits[1].pieces,
            [(2, "d e".to_string()), (4, "f".to_string())]
        );
        let lines = make_splits(&Job::InvertedIndex, input, 2);
        assert_eq!(
            lines[0].pieces,
            [(1, "a b c".to_string()), (2, "d e".to_string())]
        );
        assert_eq!(lines[1].pieces, [(4, "f g h i".to_string())]);
        assert_eq!(record_count(&Job::Grep("x".into()), input), 3);
    }

    #[test]
    fn map_then_reduce_is_the_sequential_job() {
        let input = "Red fish, blue fish.\nOne fish two fish\n\nred red RED";
        for job in [Job::WordCount, Job::Grep("fish".into()), Job::InvertedIndex] {
            for m in 1..=3 {
                for r in 1..=3 {
                    for combiner in [false, true] {
                        let mut regions = vec![Vec::new(); r];
                        for split in make_splits(&job, input, m) {
                            let mut pairs = map_split(&job, &split);
                            if combiner {
                                pairs = combine(&job, pairs);
                            }
                            for p in pairs {
                                regions[partition(&p.0, r)].push(p);
                            }
                        }
                        let mut out: Vec<Pair> = regions
                            .into_iter()
                            .flat_map(|region| reduce_region(&job, region))
                            .collect();
                        out.sort_by(|a, b| key_order(&job, &a.0, &b.0));
                        assert_eq!(out, sequential(&job, input), "{job:?} m={m} r={r}");
                    }
                }
            }
        }
    }

    #[test]
    fn grep_keys_sort_as_numbers() {
        let job = Job::Grep("x".into());
        assert_eq!(key_order(&job, "2", "10"), Ordering::Less);
        assert_eq!(key_order(&job, "10", "9"), Ordering::Greater);
    }
}
