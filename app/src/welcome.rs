//! The welcome: what a first visit without a link shows. In one screen it says what Spacetime
//! is, lists the lessons in the order the course takes them (each with a line and a sketch of its
//! first run, drawn from the lesson index, so that no lesson's code has to load), and offers the
//! first lesson's guided tour. Choosing loads that lesson and opens the page on it.

use leptos::prelude::*;

use crate::lessons::{catalog, CATALOG};
use crate::link::Link;

/// The welcome; `choose` opens what the reader picked.
#[component]
pub fn Welcome(choose: impl Fn(Link) + Copy + Send + Sync + 'static) -> impl IntoView {
    let first = CATALOG[0];
    view! {
        <main class="welcome" data-testid="welcome">
            <header class="welcome-head">
                <h1>"Spacetime"</h1>
                <p class="welcome-what">
                    "Distributed algorithms, run before your eyes. Each process is a line across "
                    "time and each message an arrow between them: drop a message, crash a process "
                    "or cut the network, and watch what the algorithm does about it."
                </p>
                <div class="welcome-start">
                    <button class="welcome-tour" data-testid="welcome-tour"
                        on:click=move |_| choose(Link {
                            lesson: Some(first.id.to_string()),
                            tour: Some(first.id.to_string()),
                            ..Link::default()
                        })>
                        "New here? Take the tour"
                    </button>
                    <span class="welcome-path">
                        "The lessons follow the course: start at 1, each builds on the ones before."
                    </span>
                </div>
            </header>
            <ol class="welcome-lessons" aria-label="Lessons, in the suggested order">
                {CATALOG.iter().map(|entry| {
                    let id = entry.id;
                    let sketch = catalog::lesson(id).map(|l| l.sketch);
                    view! {
                        <li>
                            <button class="welcome-lesson" data-testid=format!("welcome-{id}")
                                on:pointerenter=move |_| crate::lessons::loader::hover(id)
                                on:pointerleave=move |_| crate::lessons::loader::unhover()
                                on:pointerdown=move |_| crate::lessons::loader::warm(id)
                                on:click=move |_| choose(Link { lesson: Some(id.to_string()), ..Link::default() })>
                                {sketch.map(|s| view! { <SketchView sketch=s/> })}
                                <span class="welcome-title">{entry.title()}</span>
                                <span class="welcome-summary">{entry.summary}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </main>
    }
}

/// A lesson's first run in miniature: its lanes and delivered messages, no labels.
#[component]
fn SketchView(sketch: catalog::Sketch) -> impl IntoView {
    let lanes = sketch.lanes.max(1);
    let lane_y = move |i: usize| {
        if lanes == 1 {
            20.0
        } else {
            4.0 + 32.0 * i as f64 / (lanes - 1) as f64
        }
    };
    view! {
        <svg class="welcome-sketch" viewBox="0 0 104 40" preserveAspectRatio="none" aria-hidden="true">
            {(0..lanes).map(|i| view! {
                <line class="sketch-lane" x1="2" x2="102" y1=lane_y(i) y2=lane_y(i)></line>
            }).collect_view()}
            {sketch.arrows.iter().map(|&(from, t0, to, t1)| view! {
                <line class="sketch-arrow" x1=2.0 + f64::from(t0) y1=lane_y(from)
                    x2=2.0 + f64::from(t1) y2=lane_y(to)></line>
            }).collect_view()}
        </svg>
    }
}
