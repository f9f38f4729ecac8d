use super::clock::*;
use super::export::*;
use super::read::*;
use super::*;

fn record(line: usize, host: &str, clock: &str, event: &str) -> LogRecord {
    LogRecord {
        line,
        host: host.into(),
        clock: clock.into(),
        event: event.into(),
    }
}

#[test]
fn line_of_counts_newlines_before_the_offset() {
    let text = "a\nbc\n\nd";
    assert_eq!(line_of(text, 0), 1);
    assert_eq!(line_of(text, 1), 1);
    assert_eq!(line_of(text, 2), 2);
    assert_eq!(line_of(text, 6), 4);
    assert_eq!(line_of(text, 99), 4);
}

#[test]
fn host_lines_split_at_the_first_space_and_end_at_the_last_brace() {
    assert_eq!(
        split_host_line("alice {\"alice\":1} "),
        Some(("alice", "{\"alice\":1}"))
    );
    assert_eq!(split_host_line("alice"), None);
    assert_eq!(split_host_line(" {\"a\":1}"), None);
    assert_eq!(split_host_line("Sending a message"), None);
    assert!(is_clearly_host_line("bob {\"bob\":2, \"alice\":1}"));
    assert!(!is_clearly_host_line("bob {\"alice\":1}"));
}

#[test]
fn the_header_needs_all_three_groups() {
    let text = format!("{SHIVIZ_DEFAULT_REGEX}\n\nev\nh {{\"h\":1}}\n");
    let header = shiviz_header(&text).unwrap();
    assert_eq!(header.regex, SHIVIZ_DEFAULT_REGEX);
    assert_eq!(header.delimiter, "");
    assert_eq!(header.first_line, 3);
    assert_eq!(header.body, "ev\nh {\"h\":1}\n");
    assert!(shiviz_header("(?<host>\\S*) (?<clock>{.*})\nx").is_none());
    assert_eq!(missing_group("(?<host>.*)(?<event>.*)"), Some("clock"));
    assert_eq!(missing_group(GOVECTOR_REGEX), None);
}

#[test]
fn matches_become_records_and_the_gaps_are_skipped() {
    let text = "junk\na {\"a\":1}\nhello\n\nmore junk\n";
    let m = RegexMatch {
        start: 5,
        end: 20,
        host: "a",
        clock: "{\"a\":1}",
        event: "hello",
    };
    let found = records_from_matches(text, 10, [m]);
    assert_eq!(found.records, [record(11, "a", "{\"a\":1}", "hello")]);
    // The text before and after the record is skipped and counted, not a problem.
    assert!(found.problems.is_empty());
    assert_eq!(found.skipped, 2);
}

#[test]
fn executions_split_at_the_delimiter() {
    let body = "=== one\na\nb\n=== two\nc\n";
    let all = executions(body, 3, |l| l.starts_with("==="));
    let texts: Vec<(&str, usize)> = all.iter().map(|e| (e.text, e.first_line)).collect();
    assert_eq!(texts, [("a\nb\n", 4), ("c\n", 7)]);
    assert_eq!(
        execution(body, 3, 1, |l| l.starts_with("===")).0.text,
        "c\n"
    );
    // Past the last: the last; no delimiter at all: one execution, the whole body.
    assert_eq!(execution(body, 3, 9, |l| l.starts_with("===")), (all[1], 2));
    assert_eq!(executions("x\n", 1, |_| false).len(), 1);
}

#[test]
fn a_clock_may_be_json_inside_a_string() {
    let expected = Some(r#"{"n1":1,"n2":0}"#.to_string());
    assert_eq!(quoted_clock(r#""{\"n1\":1,\"n2\":0}""#), expected);
    assert_eq!(quoted_clock(r#"{\"n1\":1,\"n2\":0}"#), expected);
    assert_eq!(quoted_clock(r#"{"n1":1}"#), None);
}

#[test]
fn a_gap_in_the_counters_is_fine_and_a_repeat_is_not() {
    let records = vec![
        record(1, "a", r#"{"a":1}"#, "one"),
        record(3, "a", r#"{"a":5}"#, "five"),
        record(5, "a", r#"{"a":5}"#, "five again"),
    ];
    let imported = from_records("t", records, Vec::new()).unwrap();
    assert_eq!(imported.events, 2);
    assert_eq!(imported.problems.len(), 1);
    assert_eq!(imported.problems[0].line, 5);
    assert!(imported.problems[0].message.contains("repeats 5"));
}

#[test]
fn plain_clocks_are_scanned_and_the_rest_left_to_serde() {
    let mut entries = Vec::new();
    assert!(scan_clock(r#" { "a" : 1,"b":20 } "#, &mut entries));
    assert_eq!(entries, [("a", 1), ("b", 20)]);
    assert!(scan_clock("{}", &mut entries));
    assert!(entries.is_empty());
    for other in [
        r#"{"a":1,}"#,
        r#"{"a":01}"#,
        r#"{"a":-1}"#,
        r#"{"a":1.5}"#,
        r#"{"a\"b":1}"#,
        r#"{"a":1} x"#,
        r#"{"a":99999999999999999999}"#,
        r#"{"a":1"#,
        "[1]",
    ] {
        assert!(!scan_clock(other, &mut entries), "{other}");
    }
    // Both readers agree on what they both read.
    let escaped = LogRecord {
        line: 1,
        host: "a\"b".into(),
        clock: r#"{"a\"b": 3}"#.into(),
        event: String::new(),
    };
    let mut hosts = HostIndex::default();
    hosts.insert("a\"b".to_string(), 0);
    let mut row = [0];
    let mut problems = Vec::new();
    let ok = parse_clock(
        &escaped,
        &hosts,
        &mut row,
        &mut entries,
        &mut Vec::new(),
        &mut problems,
    );
    assert!(ok && problems.is_empty());
    assert_eq!(row, [3]);
}

#[test]
fn bare_labels_are_not_said_twice() {
    assert_eq!(bare_label("send ping to bob", "bob"), "ping");
    assert_eq!(bare_label("send ping to bob", "carol"), "send ping to bob");
    assert_eq!(bare_label("send  to bob", "bob"), "send  to bob");
    assert_eq!(bare_label("ping", "bob"), "ping");
}

#[test]
fn host_names_are_one_word_and_distinct() {
    let names = host_names(&["a b".into(), "a_b".into(), "c".into()]);
    assert_eq!(names, ["a_b", "a_b_", "c"]);
}

/// `n` events on two hosts taking turns, each hearing from the other: GoVector's text.
fn ping_pong_log(n: usize) -> String {
    let mut text = String::with_capacity(n * 40);
    let (mut a, mut b) = (0u64, 0u64);
    for i in 0..n {
        if i % 2 == 0 {
            a += 1;
            text.push_str(&format!("a {{\"a\":{a}, \"b\":{b}}}\nping\n"));
        } else {
            b += 1;
            text.push_str(&format!("b {{\"a\":{a}, \"b\":{b}}}\npong\n"));
        }
    }
    text
}

#[test]
fn a_log_larger_than_the_page_holds_is_refused_with_its_size() {
    let text = ping_pong_log(crate::MAX_EVENTS + 1);
    let error = import_govector("huge", &text).unwrap_err();
    assert_eq!(
        error,
        ImportError::TooManyEvents {
            events: crate::MAX_EVENTS + 1,
            both: false
        }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "this log has {} events; the page holds at most {}",
            crate::words::thousands(crate::MAX_EVENTS as u64 + 1),
            crate::words::thousands(crate::MAX_EVENTS as u64)
        )
    );
    // A small one of the same shape draws.
    let imported = import_govector("small", &ping_pong_log(40)).unwrap();
    assert_eq!(imported.events, 40);
}

#[test]
fn two_executions_side_by_side_count_together() {
    let half = crate::MAX_EVENTS / 2 + 1;
    let records = |host: &str| {
        (1..=half)
            .map(|i| record(i, host, &format!("{{\"{host}\":{i}}}"), "e"))
            .collect::<Vec<_>>()
    };
    let found = |host: &str| Found {
        records: records(host),
        problems: Vec::new(),
        skipped: 0,
    };
    let error = compare("two", [found("a"), found("b")], [0, 1], &Lanes::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the two executions have {} events; the page holds at most {}",
            crate::words::thousands(2 * half as u64),
            crate::words::thousands(crate::MAX_EVENTS as u64)
        )
    );
}
