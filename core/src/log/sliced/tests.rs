//! A log imported in steps of any size is the log imported in one go.

use super::*;

/// Logs of every shape the readers know, and some they do not: GoVector's, ShiViz's with its
/// header (both regexes, with and without executions), broken lines, clocks that go back or
/// forget, hosts with no events, an empty log, a regex that needs an engine.
fn logs() -> Vec<(&'static str, String, Choice)> {
    let govector = "alice {\"alice\":1}\nInitialization Complete\nbob {\"bob\":1}\nhello\n\
                    alice {\"alice\":2}\nSending ping\nbob {\"alice\":2, \"bob\":2}\nReceived ping\n\
                    bob {\"alice\":2, \"bob\":3}\nSending pong\nalice {\"alice\":3}\nIdle\n\
                    alice {\"alice\":4, \"bob\":3}\nReceived pong\n";
    let broken = "garbage first\nmore garbage\nalice {\"alice\":1}\nstart\nbob {\"bob\":1}\n\
                  bob {\"bob\":2, \"alice\":1}\nheard\nalice {\"alice\":1}\nrepeat\n\
                  carol {\"carol\":1, \"dave\":4}\nunknown host\nalice {\"alice\":3, \"bob\":1}\n\
                  alice {\"alice\":4}\nforgets bob\nalice {not json}\nbad\n\
                  bob {\"bob\":\"x\"}\nnot a counter\n\r\n  \nbob {\"alice\":4}\nno own counter\n\
                  trailing garbage\nbob {\"bob\":5, \"alice\":4}\r\nlast, no newline";
    let shiviz = format!(
        "{SHIVIZ_DEFAULT_REGEX}\n\nstart\na {{\"a\":1}}\nsend\na {{\"a\":2}}\nnoise\nrecv\n\
         b {{\"a\":2, \"b\":1}}\n\nend\nb {{\"a\":2, \"b\":2}}\nlonely event line\n"
    );
    let executions = format!(
        "{GOVECTOR_REGEX}\n=== run ===\n=== run ===\na {{\"a\":1}}\nx\nb {{\"a\":1, \"b\":1}}\ny\n\
         === run ===\n\n=== run ===\nb {{\"b\":1}}\ny\na {{\"a\":1, \"b\":1}}\nx\n\
         a {{\"a\":2, \"b\":1}}\nz\n=== run ===\nc {{\"c\":1}}\nonly c\n"
    );
    let many = (1..=300)
        .map(|i| {
            let h = i % 7;
            format!(
                "h{h} {{\"h{h}\":{i}, \"h{}\":{}}}\nevent {i}\n",
                (h + 1) % 7,
                i / 2
            )
        })
        .collect::<String>();
    let choose = |execution, compare, order, hidden: &[&str]| Choice {
        execution,
        compare,
        lanes: Lanes {
            order,
            hidden: hidden.iter().map(|h| h.to_string()).collect(),
        },
    };
    let plain = Choice::default();
    vec![
        ("govector", govector.to_string(), plain.clone()),
        (
            "govector by name, bob hidden",
            govector.to_string(),
            choose(0, None, LaneOrder::Name, &["bob"]),
        ),
        (
            "all hidden",
            govector.into(),
            choose(0, None, LaneOrder::Log, &["alice", "bob"]),
        ),
        ("broken", broken.to_string(), plain.clone()),
        ("with a BOM", format!("\u{FEFF}{govector}"), plain.clone()),
        ("shiviz", shiviz, plain.clone()),
        (
            "executions",
            executions.clone(),
            choose(1, None, LaneOrder::Events, &[]),
        ),
        (
            "compared",
            executions.clone(),
            choose(0, Some(2), LaneOrder::Log, &[]),
        ),
        (
            "compared with itself",
            executions.clone(),
            choose(1, Some(1), LaneOrder::Name, &[]),
        ),
        (
            "past the last",
            executions,
            choose(9, Some(0), LaneOrder::Log, &["c"]),
        ),
        (
            "compare, one execution",
            govector.to_string(),
            choose(0, Some(1), LaneOrder::Log, &[]),
        ),
        ("many", many, choose(0, None, LaneOrder::Events, &["h3"])),
        ("empty", String::new(), plain.clone()),
        ("nothing but garbage", "one\ntwo\n".into(), plain.clone()),
        (
            "needs a regex",
            "(?<host>\\w+)(?<clock>x)(?<event>y)\n\nab".into(),
            plain.clone(),
        ),
        (
            "a header of two groups is text",
            "(?<host>\\w+)(?<event>y)\n\nab".into(),
            plain,
        ),
    ]
}

/// Everything an import says, to compare two of them whole.
fn said(result: &Result<Imported, ImportError>) -> String {
    format!("{result:?}")
}

/// The import in steps of `budget` units, checking that the progress never goes back within a
/// stage and that stages come in order.
fn in_steps(
    name: &str,
    text: &str,
    choice: &Choice,
    budget: usize,
) -> Result<Imported, ImportError> {
    let mut import = LogImport::new(name, text.to_string(), choice.clone());
    let mut last: Option<Progress> = None;
    for _ in 0..1_000_000 {
        match import.step(budget) {
            Step::Done(result) => return result,
            Step::Working(p) => {
                assert!(
                    p.done <= p.total || p.stage == Stage::Reading,
                    "{name}: {p:?}"
                );
                if let Some(l) = last {
                    let order = |s: Stage| s as u8;
                    // Stages come in order, but for the next execution read or inferred.
                    let again = p.done == 0 || p.stage == Stage::Reading;
                    assert!(
                        order(p.stage) >= order(l.stage) || again,
                        "{name}: {l:?} then {p:?}"
                    );
                    if p.stage == l.stage && p.total == l.total && p.stage != Stage::Reading {
                        assert!(p.done >= l.done, "{name}: {l:?} then {p:?}");
                    }
                }
                last = Some(p);
            }
        }
    }
    panic!("{name}: no end in sight");
}

#[test]
fn any_budget_gives_what_one_go_gives() {
    for (name, text, choice) in logs() {
        let whole = import_govector_with(name, &text, &choice);
        for budget in [1, 2, 3, 7, 64, 1000] {
            let sliced = in_steps(name, &text, &choice, budget);
            assert_eq!(said(&sliced), said(&whole), "{name}, {budget} a step");
        }
    }
}

#[test]
fn the_logs_above_say_what_they_should() {
    let results: Vec<(&str, Result<Imported, ImportError>)> = logs()
        .into_iter()
        .map(|(name, text, choice)| (name, import_govector_with(name, &text, &choice)))
        .collect();
    let get = |name: &str| &results.iter().find(|(n, _)| *n == name).unwrap().1;
    let ok = |name: &str| get(name).as_ref().unwrap();
    assert_eq!((ok("govector").events, ok("govector").messages), (7, 2));
    assert!(
        ok("broken").problems.len() >= 8,
        "{:?}",
        ok("broken").problems
    );
    assert_eq!(ok("executions").executions, 3);
    assert_eq!(ok("compared").scenario.processes, ["a #1", "b #1", "c #3"]);
    assert_eq!(ok("shiviz").events, 4);
    assert_eq!(ok("many").events, 300 - 300 / 7 - 1);
    assert!(matches!(
        get("all hidden"),
        Err(ImportError::AllHidden { .. })
    ));
    assert!(matches!(get("empty"), Err(ImportError::NoEvents { .. })));
    assert!(matches!(
        get("nothing but garbage"),
        Err(ImportError::NoEvents { .. })
    ));
    assert!(matches!(
        get("needs a regex"),
        Err(ImportError::NeedsRegex { .. })
    ));
    assert!(matches!(
        get("a header of two groups is text"),
        Err(ImportError::NoEvents { .. })
    ));
}

#[test]
fn records_found_elsewhere_are_drawn_in_steps_too() {
    let runs = || {
        let (a, _) = govector_records("a {\"a\":1}\nx\nb {\"a\":1, \"b\":1}\ny\n");
        let (b, problems) = govector_records("b {\"b\":1}\ny\na {\"a\":1, \"b\":1}\nx\nz\n");
        vec![
            Found {
                records: a,
                problems: Vec::new(),
                skipped: 2,
            },
            Found {
                records: b,
                problems,
                skipped: 0,
            },
        ]
    };
    let choice = Choice {
        execution: 0,
        compare: Some(1),
        lanes: Lanes::default(),
    };
    let whole = LogImport::found("f", "", runs(), choice.clone(), 2).finish();
    assert_eq!(whole.as_ref().unwrap().skipped, 2);
    for budget in [1, 5, 50] {
        let mut import = LogImport::found("f", "", runs(), choice.clone(), 2);
        let result = loop {
            if let Step::Done(result) = import.step(budget) {
                break result;
            }
        };
        assert_eq!(said(&result), said(&whole));
    }
}

#[test]
fn reading_counts_the_lines() {
    let text = "a {\"a\":1}\nx\na {\"a\":2}\ny";
    let mut import = LogImport::new("t", text, Choice::default());
    let mut seen = Vec::new();
    while let Step::Working(p) = import.step(1) {
        if p.stage == Stage::Reading && p.total > 0 {
            seen.push((p.done, p.total));
        }
    }
    assert_eq!(seen, [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]);
}

#[test]
fn newlines_are_counted_eight_bytes_at_a_time_as_one_at_a_time() {
    let texts = [
        String::new(),
        "\n".into(),
        "a\nb".into(),
        "\n\n\n\n\n\n\n\n\n".into(),
        "é\n\u{a0a}\r\n\x0b\x09\u{8a}".into(),
        (0..1000)
            .map(|i| {
                if i % 7 == 0 {
                    '\n'
                } else {
                    char::from(b'a' + (i % 26) as u8)
                }
            })
            .collect(),
    ];
    for text in texts {
        assert_eq!(count_lines(&text), text.lines().count(), "{text:?}");
    }
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    assert_eq!(
        count_newlines(&bytes),
        bytes.iter().filter(|&&b| b == b'\n').count()
    );
}
