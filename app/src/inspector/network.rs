//! The network's loss, duplication, latency and FIFO, and the seed: the controls and the
//! parsing of what the learner types into them.

use super::*;

/// The largest latency the controls accept (the core's limit).
pub const MAX_LATENCY: Time = 1_000_000;

/// A probability as a percentage for an input: `0.125` → `"12.5"`.
pub fn format_percent(p: f64) -> String {
    let s = format!("{:.2}", p * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.into()
    }
}

/// A percentage typed by the learner, as a probability from 0 to 1.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Err("enter a number from 0 to 100".into());
    }
    let v: f64 = t
        .parse()
        .map_err(|_| format!("\"{}\" is not a number: enter 0 to 100", text.trim()))?;
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return Err(format!("{t}% is out of range: enter 0 to 100"));
    }
    Ok(v / 100.0)
}

/// A latency in ticks typed by the learner.
pub fn parse_ticks(text: &str) -> Result<Time, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("enter a whole number of ticks".into());
    }
    if let Ok(v) = t.parse::<Time>() {
        return if v > MAX_LATENCY {
            Err(format!("at most {MAX_LATENCY} ticks"))
        } else {
            Ok(v)
        };
    }
    match t.parse::<f64>() {
        Ok(v) if v < 0.0 => Err("a latency cannot be negative".into()),
        Ok(v) if v.is_finite() && v > MAX_LATENCY as f64 => {
            Err(format!("at most {MAX_LATENCY} ticks"))
        }
        Ok(_) => Err(format!("\"{t}\": give a whole number of ticks")),
        Err(_) => Err(format!("\"{t}\" is not a number")),
    }
}

/// Both ends of the latency range, checked together.
pub fn parse_latency(min: &str, max: &str) -> Result<Latency, String> {
    let lo = parse_ticks(min).map_err(|e| format!("min: {e}"))?;
    let hi = parse_ticks(max).map_err(|e| format!("max: {e}"))?;
    if lo > hi {
        return Err(format!("min ({lo}) is larger than max ({hi})"));
    }
    Ok(Latency { min: lo, max: hi })
}

/// The timing models the picker offers: its value and its words.
pub const TIMING_CHOICES: [(&str, &str); 4] = [
    ("plain", "not stated"),
    ("synchronous", "synchronous (rounds)"),
    ("asynchronous", "asynchronous"),
    ("partial", "partially synchronous"),
];

/// The picker's value for a timing model.
pub fn timing_choice(timing: &Timing) -> &'static str {
    match timing {
        Timing::Plain => "plain",
        Timing::Synchronous { .. } => "synchronous",
        Timing::Asynchronous { .. } => "asynchronous",
        Timing::PartiallySynchronous { .. } => "partial",
    }
}

/// The timing model the picker's `choice` asks for over `network`, keeping what the current
/// model already says (its round, its GST, its hold-ups) and otherwise starting from values that
/// show the model at work: a round as long as the bound, a message in four held up by up to four
/// bounds, a GST at tick 300.
pub fn timing_for(choice: &str, network: &NetworkModel) -> Timing {
    let bound = network.latency.max.max(1);
    let (stall, longest) = match network.timing {
        Timing::Asynchronous { stall, longest }
        | Timing::PartiallySynchronous { stall, longest, .. } => (stall, longest),
        _ => (0.25, 4 * bound),
    };
    match choice {
        "synchronous" => Timing::Synchronous {
            round: network.timing.round().unwrap_or(bound).max(bound),
        },
        "asynchronous" => Timing::Asynchronous { stall, longest },
        "partial" => Timing::PartiallySynchronous {
            gst: network.timing.gst().unwrap_or(300),
            stall,
            longest,
        },
        _ => Timing::Plain,
    }
}

/// A round length or a GST typed by the learner into the timing model: a round must hold the
/// bound, so that what is sent as a round starts arrives before it ends.
pub fn with_timing_number(network: &NetworkModel, text: &str) -> Result<Timing, String> {
    let v = parse_ticks(text)?;
    match network.timing {
        Timing::Synchronous { .. } if v < network.latency.max.max(1) => Err(format!(
            "a round must be at least the bound, {} ticks",
            network.latency.max.max(1)
        )),
        Timing::Synchronous { .. } => Ok(Timing::Synchronous { round: v }),
        Timing::PartiallySynchronous { stall, longest, .. } => Ok(Timing::PartiallySynchronous {
            gst: v,
            stall,
            longest,
        }),
        other => Ok(other),
    }
}

/// A seed typed by the learner.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("enter a whole number".into());
    }
    t.parse::<u64>().map_err(|_| {
        if t.starts_with('-') {
            "a seed cannot be negative".into()
        } else {
            format!("\"{t}\" is not a whole number from 0 to {}", u64::MAX)
        }
    })
}

/// The "new seed" button's choice: a short number that follows from the current seed (so the
/// page never needs a source of randomness) and differs from it.
pub fn next_seed(seed: u64) -> u64 {
    // SplitMix64.
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let next = z % 100_000;
    if next == seed {
        (next + 1) % 100_000
    } else {
        next
    }
}

/// The network's loss, duplication, latency and FIFO, and the seed. A value applies when the
/// field is committed (Enter, or leaving it); a bad value says why next to its field and does not
/// apply.
#[component]
pub fn NetworkControls() -> impl IntoView {
    let store = Store::get();
    let network = Memo::new(move |_| store.scenario.with(|s| s.network.clone()));
    let seed = Memo::new(move |_| store.scenario.with(|s| s.seed));

    let initial = network.get_untracked();
    let loss = RwSignal::new(format_percent(initial.loss));
    let dup = RwSignal::new(format_percent(initial.duplicate));
    let lat_min = RwSignal::new(initial.latency.min.to_string());
    let lat_max = RwSignal::new(initial.latency.max.to_string());
    let seed_text = RwSignal::new(seed.get_untracked().to_string());
    let loss_err = RwSignal::new(None::<String>);
    let dup_err = RwSignal::new(None::<String>);
    let lat_err = RwSignal::new(None::<String>);
    let seed_err = RwSignal::new(None::<String>);
    let timing_number = move |n: &NetworkModel| match n.timing {
        Timing::Synchronous { round } => round.to_string(),
        Timing::PartiallySynchronous { gst, .. } => gst.to_string(),
        _ => String::new(),
    };
    let timing_text = RwSignal::new(timing_number(&initial));
    let timing_err = RwSignal::new(None::<String>);

    // When the scenario's network or seed changes (another scenario, an applied value), the
    // fields show it again. Not on the first run: the fields already start from it.
    Effect::watch(
        move || network.get(),
        move |n, _, _| {
            loss.set(format_percent(n.loss));
            dup.set(format_percent(n.duplicate));
            lat_min.set(n.latency.min.to_string());
            lat_max.set(n.latency.max.to_string());
            timing_text.set(timing_number(n));
            timing_err.set(None);
            loss_err.set(None);
            dup_err.set(None);
            lat_err.set(None);
        },
        false,
    );
    Effect::watch(
        move || seed.get(),
        move |s, _, _| {
            seed_text.set(s.to_string());
            seed_err.set(None);
        },
        false,
    );

    let apply = move |change: &dyn Fn(&mut NetworkModel)| {
        let mut n = network.get_untracked();
        change(&mut n);
        if n != network.get_untracked() {
            store.set_network(n);
        }
    };
    let apply_loss = move || match parse_percent(&loss.get_untracked()) {
        Ok(p) => {
            loss_err.set(None);
            apply(&|n| n.loss = p);
        }
        Err(e) => loss_err.set(Some(e)),
    };
    let apply_dup = move || match parse_percent(&dup.get_untracked()) {
        Ok(p) => {
            dup_err.set(None);
            apply(&|n| n.duplicate = p);
        }
        Err(e) => dup_err.set(Some(e)),
    };
    let apply_latency =
        move || match parse_latency(&lat_min.get_untracked(), &lat_max.get_untracked()) {
            Ok(l) => {
                lat_err.set(None);
                apply(&|n| n.latency = l);
            }
            Err(e) => lat_err.set(Some(e)),
        };
    let apply_timing_number =
        move || match with_timing_number(&network.get_untracked(), &timing_text.get_untracked()) {
            Ok(t) => {
                timing_err.set(None);
                apply(&|n| n.timing = t);
            }
            Err(e) => timing_err.set(Some(e)),
        };
    let apply_seed = move || match parse_seed(&seed_text.get_untracked()) {
        Ok(s) => {
            seed_err.set(None);
            if s != seed.get_untracked() {
                store.set_seed(s);
            }
        }
        Err(e) => seed_err.set(Some(e)),
    };
    let error = move |signal: RwSignal<Option<String>>, testid: &'static str| {
        view! {
            <Show when=move || signal.with(Option::is_some)>
                <span class="field-error" role="alert" data-testid=testid>
                    {move || signal.get().unwrap_or_default()}
                </span>
            </Show>
        }
    };

    view! {
        <div class="network-controls" data-testid="network-controls">
            <div class="field">
                <label for="net-loss">"Loss"</label>
                <span class="input-unit">
                    <input
                        id="net-loss"
                        type="text"
                        inputmode="decimal"
                        size="5"
                        data-testid="net-loss"
                        aria-invalid=move || loss_err.with(Option::is_some).to_string()
                        prop:value=move || loss.get()
                        on:input=move |ev| loss.set(event_target_value(&ev))
                        on:change=move |_| apply_loss()
                    />
                    "%"
                </span>
                {error(loss_err, "net-loss-error")}
            </div>
            <div class="field">
                <label for="net-dup">"Duplication"</label>
                <span class="input-unit">
                    <input
                        id="net-dup"
                        type="text"
                        inputmode="decimal"
                        size="5"
                        data-testid="net-dup"
                        aria-invalid=move || dup_err.with(Option::is_some).to_string()
                        prop:value=move || dup.get()
                        on:input=move |ev| dup.set(event_target_value(&ev))
                        on:change=move |_| apply_dup()
                    />
                    "%"
                </span>
                {error(dup_err, "net-dup-error")}
            </div>
            <div class="field">
                <label for="net-lat-min">"Latency"</label>
                <span class="input-unit">
                    <input
                        id="net-lat-min"
                        type="text"
                        inputmode="numeric"
                        size="5"
                        aria-label="Latency minimum, ticks"
                        data-testid="net-lat-min"
                        aria-invalid=move || lat_err.with(Option::is_some).to_string()
                        prop:value=move || lat_min.get()
                        on:input=move |ev| lat_min.set(event_target_value(&ev))
                        on:change=move |_| apply_latency()
                    />
                    "to"
                    <input
                        type="text"
                        inputmode="numeric"
                        size="5"
                        aria-label="Latency maximum, ticks"
                        data-testid="net-lat-max"
                        aria-invalid=move || lat_err.with(Option::is_some).to_string()
                        prop:value=move || lat_max.get()
                        on:input=move |ev| lat_max.set(event_target_value(&ev))
                        on:change=move |_| apply_latency()
                    />
                    "ticks"
                </span>
                {error(lat_err, "net-lat-error")}
            </div>
            <div class="field">
                <label for="net-fifo">"FIFO links"</label>
                <span class="input-unit">
                    <input
                        id="net-fifo"
                        type="checkbox"
                        data-testid="net-fifo"
                        prop:checked=move || network.with(|n| n.fifo)
                        on:change=move |ev| {
                            let fifo = event_target_checked(&ev);
                            apply(&|n| n.fifo = fifo);
                        }
                    />
                    <span class="hint">"no overtaking on a link"</span>
                </span>
            </div>
            <div class="field">
                <label for="net-timing">"Timing"</label>
                <span class="input-unit">
                    <select
                        id="net-timing"
                        data-testid="net-timing"
                        title="The timing assumption: is there a known bound on how long a message takes?"
                        on:change=move |ev| {
                            let choice = event_target_value(&ev);
                            let t = timing_for(&choice, &network.get_untracked());
                            apply(&|n| n.timing = t);
                        }
                    >
                        {TIMING_CHOICES
                            .iter()
                            .map(|&(value, words)| {
                                view! {
                                    <option
                                        value=value
                                        selected=move || network.with(|n| timing_choice(&n.timing) == value)
                                    >
                                        {words}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <Show when=move || network.with(|n| n.timing.round().is_some() || n.timing.gst().is_some())>
                        <label for="net-timing-number" class="hint">
                            {move || if network.with(|n| n.timing.round().is_some()) { "round" } else { "GST at" }}
                        </label>
                        <input
                            id="net-timing-number"
                            type="text"
                            inputmode="numeric"
                            size="5"
                            data-testid="net-timing-number"
                            aria-invalid=move || timing_err.with(Option::is_some).to_string()
                            prop:value=move || timing_text.get()
                            on:input=move |ev| timing_text.set(event_target_value(&ev))
                            on:change=move |_| apply_timing_number()
                        />
                        "ticks"
                    </Show>
                </span>
                <span class="hint" data-testid="net-timing-hint">
                    {move || network.with(timing_hint)}
                </span>
                {error(timing_err, "net-timing-error")}
            </div>
            <div class="field">
                <label for="seed-input">"Seed"</label>
                <span class="input-unit">
                    <input
                        id="seed-input"
                        type="text"
                        inputmode="numeric"
                        size="10"
                        data-testid="seed-input"
                        aria-invalid=move || seed_err.with(Option::is_some).to_string()
                        prop:value=move || seed_text.get()
                        on:input=move |ev| seed_text.set(event_target_value(&ev))
                        on:change=move |_| apply_seed()
                    />
                    <button
                        data-testid="btn-new-seed"
                        title="Run again with another seed"
                        on:click=move |_| store.set_seed(next_seed(seed.get_untracked()))
                    >
                        "New seed"
                    </button>
                </span>
                {error(seed_err, "seed-error")}
            </div>
            <p class="note">"Changing the network or the seed re-runs the scenario and clears your interventions."</p>
        </div>
    }
}

/// One line on what the timing model does to this network's messages.
pub fn timing_hint(n: &NetworkModel) -> String {
    let bound = n.latency.max;
    match n.timing {
        Timing::Plain => "latencies drawn from the range; nothing is promised about a bound".into(),
        Timing::Synchronous { round } => format!(
            "every message arrives within {bound} ticks; rounds of {round} ticks"
        ),
        Timing::Asynchronous { stall, longest } => format!(
            "no bound: {}% of messages are held up by up to {longest} ticks more",
            format_percent(stall)
        ),
        Timing::PartiallySynchronous { gst, stall, longest } => format!(
            "until tick {gst}, {}% of messages are held up by up to {longest} ticks; from then on every message arrives within {bound}",
            format_percent(stall)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_trip_and_bad_ones_say_why() {
        assert_eq!(format_percent(0.0), "0");
        assert_eq!(format_percent(0.1), "10");
        assert_eq!(format_percent(0.125), "12.5");
        assert_eq!(format_percent(1.0), "100");
        assert_eq!(parse_percent("10"), Ok(0.1));
        assert_eq!(parse_percent(" 12.5 % "), Ok(0.125));
        assert_eq!(parse_percent("0"), Ok(0.0));
        assert_eq!(parse_percent("100"), Ok(1.0));
        assert!(parse_percent("abc").unwrap_err().contains("not a number"));
        assert!(parse_percent("101").unwrap_err().contains("0 to 100"));
        assert!(parse_percent("-1").unwrap_err().contains("0 to 100"));
        assert!(parse_percent("").is_err());
        assert!(parse_percent("NaN").is_err());
        assert!(parse_percent("inf").is_err());
    }

    #[test]
    fn latencies_are_whole_ticks_with_min_at_most_max() {
        assert_eq!(parse_ticks("15"), Ok(15));
        assert_eq!(parse_ticks(" 0 "), Ok(0));
        assert!(parse_ticks("1.5").unwrap_err().contains("whole"));
        assert!(parse_ticks("-3").unwrap_err().contains("negative"));
        assert!(parse_ticks("lots").unwrap_err().contains("not a number"));
        assert!(parse_ticks("2000000").unwrap_err().contains("at most"));
        assert_eq!(parse_latency("10", "30"), Ok(Latency { min: 10, max: 30 }));
        assert_eq!(parse_latency("5", "5"), Ok(Latency { min: 5, max: 5 }));
        assert_eq!(
            parse_latency("50", "30"),
            Err("min (50) is larger than max (30)".into())
        );
        assert!(parse_latency("x", "30").unwrap_err().starts_with("min:"));
        assert!(parse_latency("3", "").unwrap_err().starts_with("max:"));
    }

    #[test]
    fn the_timing_picker_keeps_what_the_model_says_and_rounds_hold_the_bound() {
        let mut n = NetworkModel::default();
        assert_eq!(timing_choice(&n.timing), "plain");
        n.timing = timing_for("synchronous", &n);
        assert_eq!(n.timing, Timing::Synchronous { round: 30 });
        assert_eq!(
            with_timing_number(&n, "20"),
            Err("a round must be at least the bound, 30 ticks".into())
        );
        assert_eq!(
            with_timing_number(&n, "50"),
            Ok(Timing::Synchronous { round: 50 })
        );
        n.timing = timing_for("partial", &n);
        assert_eq!(n.timing.gst(), Some(300));
        n.timing = with_timing_number(&n, "120").unwrap();
        assert_eq!(n.timing.gst(), Some(120));
        n.timing = timing_for("asynchronous", &n);
        assert_eq!(
            n.timing,
            Timing::Asynchronous {
                stall: 0.25,
                longest: 120
            }
        );
        assert!(timing_hint(&n).contains("25% of messages"));
        for (value, _) in TIMING_CHOICES {
            let mut m = NetworkModel::default();
            m.timing = timing_for(value, &m);
            assert_eq!(timing_choice(&m.timing), value);
            let mut s = spacetime_core::Scenario::from_json(
                r#"{"name":"x","protocol":"p","processes":["A","B"]}"#,
            )
            .unwrap();
            s.network = m;
            assert!(s.validate().is_ok(), "{value}");
        }
    }

    #[test]
    fn seeds_are_whole_numbers_and_new_ones_differ() {
        assert_eq!(parse_seed("7"), Ok(7));
        assert_eq!(parse_seed(" 18446744073709551615 "), Ok(u64::MAX));
        assert!(parse_seed("-1").unwrap_err().contains("negative"));
        assert!(parse_seed("1e3").is_err());
        assert!(parse_seed("").is_err());
        let mut seed = 7;
        for _ in 0..1000 {
            let next = next_seed(seed);
            assert_ne!(next, seed);
            assert!(next < 100_000);
            assert_eq!(next, next_seed(seed), "deterministic");
            seed = next;
        }
    }
}
