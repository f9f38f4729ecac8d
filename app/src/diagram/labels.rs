//! Where the diagram's text goes. Every timestamp and message label on screen is placed with the
//! core's [`Placer`] so that none covers another or a dot: a timestamp above its dot, or else
//! below it; a message label on its arrow near its natural spot, or a little along it. Text that
//! finds no room is still written, marked `crowded`: the stylesheet hides it until the pointer
//! is on its event or arrow (or the reader zooms in, which makes room).
//!
//! Placement is by priority, then id: the selected event's timestamp and the selected arrows'
//! labels first (they are always shown), then the rest in the run's order (the labels of arrows
//! still in flight last), so that while a run plays the text already placed stays where it is.

use spacetime_core::labels::{along, text_width, Placer, Rect};
use spacetime_core::layout::{ArrowEnd, Point};

use super::{ArrowShape, EventShape, Highlight, MAX_LABELLED_ARROWS, MAX_LABELLED_EVENTS};

/// Where a timestamp sits: above its dot, below it, or nowhere free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaptionSpot {
    Above,
    Below,
    Crowded,
}

/// A dot's box, with a little room around it.
const DOT: f64 = 16.0;
/// The measures below are for text of this size, in pixels; [`text_scale`] says how much bigger
/// the diagram draws it.
pub const BASE_TEXT_PX: f64 = 11.0;
/// The timestamps' font (`.clock-label`: monospace, bold): a character's width, the height.
const CAPTION_CHAR: f64 = 6.8;
const CAPTION_HIGH: f64 = 13.0;
/// The message labels' font (`.msg-label`: medium weight), whose text the browsers we measured
/// draw about a fifth wider than [`text_width`]'s estimate for a plain sans-serif.
const LABEL_WIDER: f64 = 1.2;
const LABEL_HIGH: f64 = 14.0;

/// How much bigger than [`BASE_TEXT_PX`] the diagram's text is drawn: bigger on a big screen,
/// bigger still when presenting to a room. The diagram sets its font size from this
/// (`--label-px`), and places the text with it, so what is placed is what is drawn.
pub fn text_scale(presenting: bool, viewport_width: f64) -> f64 {
    let px = if presenting {
        21.0
    } else if viewport_width >= 1600.0 {
        12.5
    } else {
        BASE_TEXT_PX
    };
    px / BASE_TEXT_PX
}

/// From the centre found for a text to its baseline, in tenths of a pixel.
fn baseline_drop(scale: f64) -> i32 {
    super::px(4.0 * scale)
}

/// From a dot's centre to its timestamp's centre, at `spot` (a crowded one is written above).
pub fn caption_dy(spot: CaptionSpot, scale: f64) -> f64 {
    let half = CAPTION_HIGH * scale / 2.0;
    match spot {
        CaptionSpot::Above | CaptionSpot::Crowded => -(9.5 + half),
        CaptionSpot::Below => 10.5 + half,
    }
}

fn label_width(text: &str, scale: f64) -> f64 {
    text_width(text, BASE_TEXT_PX * scale) * LABEL_WIDER + 4.0
}

fn point(x: i32, y: i32) -> Point {
    Point {
        x: f64::from(x) / 10.0,
        y: f64::from(y) / 10.0,
    }
}

fn caption_width(text: &str, scale: f64) -> f64 {
    text.chars().count() as f64 * CAPTION_CHAR * scale + 2.0
}

/// The box of `e`'s timestamp were it at `spot`.
fn caption_box(e: &EventShape, spot: CaptionSpot, scale: f64) -> Option<Rect> {
    if spot == CaptionSpot::Crowded {
        return None;
    }
    let at = point(e.x, e.y);
    let centre = Point {
        x: at.x,
        y: at.y + caption_dy(spot, scale),
    };
    Some(Rect::centred(
        centre,
        caption_width(&e.clock, scale),
        CAPTION_HIGH * scale,
    ))
}

/// The placer with every dot taken.
fn with_dots(events: &[EventShape]) -> Placer {
    let mut placer = Placer::default();
    for e in events {
        placer.reserve(Rect::centred(point(e.x, e.y), DOT, DOT));
    }
    placer
}

/// Places the timestamps of `events` (the dots on screen), drawn `scale` times
/// [`BASE_TEXT_PX`]. Beyond [`MAX_LABELLED_EVENTS`] dots only the selected event's is drawn:
/// above its dot, and nothing is placed (a dense view costs no placing).
pub fn place_captions(events: &mut [EventShape], scale: f64) {
    let baseline = |e: &mut EventShape| {
        e.caption_y = e.y + super::px(caption_dy(e.caption, scale)) + baseline_drop(scale);
    };
    if events.len() > MAX_LABELLED_EVENTS {
        for e in events.iter_mut() {
            e.caption = if e.highlight == Highlight::Selected {
                CaptionSpot::Above
            } else {
                CaptionSpot::Crowded
            };
            baseline(e);
        }
        return;
    }
    let mut placer = with_dots(events);
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].highlight != Highlight::Selected, events[i].id));
    for i in order {
        let e = &mut events[i];
        let selected = e.highlight == Highlight::Selected;
        e.caption = if e.clock.is_empty() {
            CaptionSpot::Crowded
        } else {
            let free = [CaptionSpot::Above, CaptionSpot::Below]
                .into_iter()
                .find(|&spot| caption_box(e, spot, scale).is_some_and(|b| placer.is_free(&b)));
            match free {
                Some(spot) => spot,
                None if selected => CaptionSpot::Above,
                None => CaptionSpot::Crowded,
            }
        };
        baseline(e);
        if let Some(b) = caption_box(e, e.caption, scale) {
            placer.reserve(b);
        }
    }
}

/// Places the labels of `arrows`, drawn `scale` times [`BASE_TEXT_PX`], clear of the dots and
/// timestamps of `events` (already placed at the same scale) and of each other. Beyond
/// [`MAX_LABELLED_ARROWS`] arrows only the selected ones are labelled.
pub fn place_labels(arrows: &mut [ArrowShape], events: &[EventShape], scale: f64) {
    let crowded = arrows.len() > MAX_LABELLED_ARROWS;
    let drop = baseline_drop(scale);
    if crowded && !arrows.iter().any(|a| a.selected) {
        // A dense view labels nothing: nothing to place.
        arrows.iter_mut().for_each(|a| {
            a.label_at = None;
            a.label_drop = drop;
        });
        return;
    }
    let (high, mut placer) = (LABEL_HIGH * scale, with_dots(events));
    for b in events
        .iter()
        .filter_map(|e| caption_box(e, e.caption, scale))
    {
        placer.reserve(b);
    }
    // Arrows in flight come after those that landed: their labels move every frame, and were
    // they placed first, a label on a still arrow could be pushed along by one flying past (and
    // its whole group of markup written again, see `markup::MarkupCache`).
    let mut order: Vec<usize> = (0..arrows.len()).collect();
    order.sort_by_key(|&i| {
        let a = &arrows[i];
        (!a.selected, a.end == ArrowEnd::InFlight, a.id)
    });
    for i in order {
        let a = &mut arrows[i];
        a.label_at = None;
        a.label_drop = drop;
        if a.label.is_empty() || (crowded && !a.selected) {
            continue;
        }
        let (from, to) = (point(a.x1, a.y1), point(a.x2, a.y2));
        let w = label_width(&a.label, scale);
        let t = natural_spot(a.id);
        a.label_at = placer
            .place(along(from, to, t, high), w, high)
            .or_else(|| {
                a.selected.then(|| {
                    let at = from.lerp(to, t);
                    placer.reserve(Rect::centred(at, w, high));
                    at
                })
            })
            .map(|p| (super::px(p.x), super::px(p.y)));
    }
}

/// Where along its arrow a message's label would go: messages sent close together would all put
/// theirs at mid-height, so consecutive ones start a quarter, a half and three quarters along.
pub fn natural_spot(id: usize) -> f64 {
    [0.25, 0.5, 0.75][id % 3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use spacetime_core::EventKind;

    fn dot(id: usize, x: i32, clock: &str) -> EventShape {
        EventShape {
            id,
            x: x * 10,
            y: 1000,
            kind: EventKind::Local,
            colour: "#000",
            highlight: Highlight::None,
            clock: clock.into(),
            marked: false,
            caption: CaptionSpot::Crowded,
            caption_y: 0,
        }
    }

    #[test]
    fn close_timestamps_go_above_then_below_then_wait_for_the_pointer() {
        // Three events a few pixels apart on one lane, as a busy tick spreads them.
        let mut events = vec![dot(0, 100, "12"), dot(1, 106, "13"), dot(2, 112, "14")];
        place_captions(&mut events, 1.0);
        let spots: Vec<_> = events.iter().map(|e| e.caption).collect();
        assert_eq!(
            spots,
            vec![CaptionSpot::Above, CaptionSpot::Below, CaptionSpot::Crowded]
        );
        // Selecting the last one shows its timestamp first; another gives way.
        events[2].highlight = Highlight::Selected;
        place_captions(&mut events, 1.0);
        assert_eq!(events[2].caption, CaptionSpot::Above);
        assert_eq!(
            events
                .iter()
                .filter(|e| e.caption == CaptionSpot::Crowded)
                .count(),
            1
        );
    }

    /// At every size the diagram draws its text (11 px, a big screen's 12.5 px, presenting's
    /// 21 px), no two pieces of text cover each other or a dot.
    #[test]
    fn no_two_pieces_of_text_overlap() {
        assert_eq!(text_scale(false, 1000.0), 1.0);
        assert!((text_scale(false, 1920.0) * BASE_TEXT_PX - 12.5).abs() < 1e-9);
        assert!((text_scale(true, 800.0) * BASE_TEXT_PX - 21.0).abs() < 1e-9);
        for scale in [
            text_scale(false, 800.0),
            text_scale(false, 1920.0),
            text_scale(true, 1920.0),
        ] {
            let mut events: Vec<_> = (0..60)
                .map(|i| dot(i, 40 + (i as i32) * 9, &format!("[{i},{i},2]")))
                .collect();
            place_captions(&mut events, scale);
            let mut arrows: Vec<_> = (0..40)
                .map(|i| ArrowShape {
                    id: i,
                    x1: (40 + i as i32 * 9) * 10,
                    y1: 1000,
                    x2: (90 + i as i32 * 9) * 10,
                    y2: 2000,
                    end: ArrowEnd::Received,
                    label: format!("message {i}"),
                    selected: false,
                    again: false,
                    label_at: None,
                    label_drop: 0,
                })
                .collect();
            place_labels(&mut arrows, &events, scale);
            let mut boxes: Vec<Rect> = events
                .iter()
                .filter_map(|e| caption_box(e, e.caption, scale))
                .collect();
            let dots: Vec<Rect> = events
                .iter()
                .map(|e| Rect::centred(point(e.x, e.y), 14.0, 14.0))
                .collect();
            for (b, d) in boxes.iter().flat_map(|b| dots.iter().map(move |d| (b, d))) {
                assert!(!b.overlaps(d), "at x{scale}: {b:?} covers the dot {d:?}");
            }
            boxes.extend(arrows.iter().filter_map(|a| {
                a.label_at.map(|(x, y)| {
                    Rect::centred(
                        point(x, y),
                        label_width(&a.label, scale),
                        LABEL_HIGH * scale,
                    )
                })
            }));
            // Bigger text finds less room.
            assert!(
                boxes.len() as f64 > 20.0 / scale,
                "text finds room at x{scale}: {}",
                boxes.len()
            );
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    assert!(!a.overlaps(b), "at x{scale}: {a:?} covers {b:?}");
                }
            }
            // Each text is written where it was placed: its baseline below its centre.
            for e in events.iter().filter(|e| e.caption != CaptionSpot::Crowded) {
                let b = caption_box(e, e.caption, scale).unwrap();
                let centre = b.y + b.h / 2.0;
                let below = f64::from(e.caption_y) / 10.0 - centre;
                assert!(
                    (below - 4.0 * scale).abs() < 0.2,
                    "baseline {below} below the centre"
                );
            }
            assert!(arrows
                .iter()
                .all(|a| a.label_drop == super::super::px(4.0 * scale)));
        }
    }

    #[test]
    fn a_label_in_flight_never_pushes_a_landed_one() {
        // Two arrows down from one dot: the second landed, the first still flying further down,
        // its label (a quarter along) passing the second's (half way). Wherever the first's head
        // is, the second's label stays where it is.
        let arrow = |id, end, y2| ArrowShape {
            id,
            x1: 1000,
            y1: 1000,
            x2: 1000,
            y2,
            end,
            label: format!("message {id}"),
            selected: false,
            again: false,
            label_at: None,
            label_drop: 0,
        };
        let spots: Vec<_> = (0..20)
            .map(|i| {
                let mut arrows = vec![
                    arrow(0, ArrowEnd::InFlight, 3000 + i * 300),
                    arrow(1, ArrowEnd::Received, 3000),
                ];
                place_labels(&mut arrows, &[], 1.0);
                arrows[1].label_at
            })
            .collect();
        assert!(spots[0].is_some());
        assert!(spots.iter().all(|s| *s == spots[0]), "{spots:?}");
    }
}
