//! Lasting elements for things that come and go as the cursor moves: the arrows in flight, the
//! envelopes on the ring.
//!
//! A scrub or a jump replaces most of what is in the air at once. Made afresh as views, each
//! such thing costs an element, its attributes and their reactive updates built and then torn
//! down again, dozens of times a frame. Here a fixed set of elements (the slots) is reused: what
//! is still in the air keeps its slot, so that while a run plays only its coordinates change; a
//! newcomer takes a free slot and rewrites a few attributes and texts; a slot with nothing to
//! show is hidden.
//!
//! [`Slots`] decides who sits where (plain Rust, tested natively); [`Written`] writes only the
//! attributes whose value changed. A layer of slots is marked `data-slots`: the order of its
//! children, and which hidden ones it keeps, depend on the path the cursor took, not on what is
//! drawn (the end-to-end tests compare such layers sorted).

use std::collections::HashMap;
use std::hash::Hash;

/// What sits in each slot.
#[derive(Clone, Debug)]
pub struct Slots<K> {
    keys: Vec<Option<K>>,
}

impl<K> Default for Slots<K> {
    fn default() -> Self {
        Slots { keys: Vec::new() }
    }
}

/// What a slot shows after [`Slots::assign`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seat {
    /// Nothing: hidden.
    Empty,
    /// The item at this index of the list given, which it already showed.
    Kept(usize),
    /// The item at this index, new to the slot: its still parts are to be written.
    New(usize),
}

impl<K: Clone + Eq + Hash> Slots<K> {
    /// Seats the items `next`: one already seated keeps its slot, the others take the free
    /// slots in order, then new slots at the end. Returns what every slot shows now, the slots
    /// in order (never fewer than before: an emptied slot stays, hidden, for later).
    pub fn assign(&mut self, next: &[K]) -> Vec<Seat> {
        let index: HashMap<&K, usize> = next.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let mut seated = vec![false; next.len()];
        let mut seats: Vec<Seat> = self
            .keys
            .iter()
            .map(|k| match k.as_ref().and_then(|k| index.get(k)) {
                Some(&i) if !seated[i] => {
                    seated[i] = true;
                    Seat::Kept(i)
                }
                _ => Seat::Empty,
            })
            .collect();
        let mut free = 0;
        for (i, _) in next.iter().enumerate().filter(|(i, _)| !seated[*i]) {
            while free < seats.len() && seats[free] != Seat::Empty {
                free += 1;
            }
            if free == seats.len() {
                seats.push(Seat::New(i));
            } else {
                seats[free] = Seat::New(i);
            }
        }
        self.keys = seats
            .iter()
            .map(|s| match s {
                Seat::Empty => None,
                Seat::Kept(i) | Seat::New(i) => Some(next[*i].clone()),
            })
            .collect();
        seats
    }
}

/// The elements of one slot.
pub trait Slot: Sized {
    /// The slot's elements, made and appended to `layer`.
    fn new(layer: &web_sys::Element) -> Option<Self>;
    /// Hidden, and found by nothing (no test id, no class).
    fn hide(&mut self);
}

/// A layer's slots: who sits where, and their elements.
pub struct Pool<K, S> {
    layer: Option<web_sys::Element>,
    seats: Slots<K>,
    slots: Vec<S>,
}

impl<K, S> Default for Pool<K, S> {
    fn default() -> Self {
        Pool {
            layer: None,
            seats: Slots::default(),
            slots: Vec::new(),
        }
    }
}

impl<K: Clone + Eq + Hash, S: Slot> Pool<K, S> {
    /// Seats the items `keys` in the slots of `layer` ([`Slots::assign`]), making slots as
    /// needed and hiding those left empty; `show(slot, i, new)` writes item `i` into its slot,
    /// `new` when the slot did not show it before.
    pub fn draw(
        &mut self,
        layer: &web_sys::Element,
        keys: &[K],
        mut show: impl FnMut(&mut S, usize, bool),
    ) {
        if self.layer.as_ref() != Some(layer) {
            // A new layer (its view drawn afresh): its slots are made anew.
            *self = Pool {
                layer: Some(layer.clone()),
                ..Pool::default()
            };
        }
        for (n, seat) in self.seats.assign(keys).into_iter().enumerate() {
            if n == self.slots.len() {
                match S::new(layer) {
                    Some(slot) => self.slots.push(slot),
                    None => return,
                }
            }
            let slot = &mut self.slots[n];
            match seat {
                Seat::Empty => slot.hide(),
                Seat::New(i) => show(slot, i, true),
                Seat::Kept(i) => show(slot, i, false),
            }
        }
    }
}

/// The values last written to an element's attributes, so that only changes reach the DOM.
#[derive(Clone, Debug, Default)]
pub struct Written {
    values: Vec<(&'static str, Option<String>)>,
}

impl Written {
    /// Sets attribute `name` of `el` to `value` (removes it for `None`), unless it already is.
    pub fn set(&mut self, el: &web_sys::Element, name: &'static str, value: Option<&str>) {
        self.write(name, value, |v| {
            let _ = match v {
                Some(v) => el.set_attribute(name, v),
                None => el.remove_attribute(name),
            };
        });
    }

    /// Hides `el`, a slot's group, so that nothing finds it: not its test id, not its class.
    pub fn hide(&mut self, el: &web_sys::Element) {
        self.set(el, "display", Some("none"));
        self.set(el, "data-testid", None);
        self.set(el, "class", None);
    }

    /// Sets the text of `el`, unless it already is.
    pub fn text(&mut self, el: &web_sys::Element, value: &str) {
        // Not an attribute's name: an element's text has no name of its own.
        self.write("\u{0}text", Some(value), |v| el.set_text_content(v));
    }

    /// Calls `apply` with `value` unless it is what was last given under `key`.
    fn write(&mut self, key: &'static str, value: Option<&str>, apply: impl FnOnce(Option<&str>)) {
        let at = self.values.iter().position(|(n, _)| *n == key);
        if at.is_some_and(|at| self.values[at].1.as_deref() == value) {
            return;
        }
        apply(value);
        let value = value.map(str::to_owned);
        match at {
            Some(at) => self.values[at].1 = value,
            None => self.values.push((key, value)),
        }
    }
}

/// A new SVG element `tag` with the attributes `attrs`.
pub fn svg_element(tag: &str, attrs: &[(&str, &str)]) -> Option<web_sys::Element> {
    let el = web_sys::window()?
        .document()?
        .create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
        .ok()?;
    for (name, value) in attrs {
        let _ = el.set_attribute(name, value);
    }
    Some(el)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_stays_in_the_air_keeps_its_slot_and_newcomers_fill_the_gaps() {
        let mut slots = Slots::default();
        assert_eq!(
            slots.assign(&[10, 11, 12]),
            vec![Seat::New(0), Seat::New(1), Seat::New(2)]
        );
        // 11 lands, 13 takes off: 13 takes 11's slot; 10 and 12 stay put though their places
        // in the list moved.
        assert_eq!(
            slots.assign(&[10, 12, 13]),
            vec![Seat::Kept(0), Seat::New(2), Seat::Kept(1)]
        );
        // Fewer: the emptied slots stay, hidden; more: new slots at the end.
        assert_eq!(
            slots.assign(&[12]),
            vec![Seat::Empty, Seat::Empty, Seat::Kept(0)]
        );
        assert_eq!(
            slots.assign(&[1, 2, 12, 3]),
            vec![Seat::New(0), Seat::New(1), Seat::Kept(2), Seat::New(3)]
        );
    }

    #[test]
    fn a_key_given_twice_is_seated_twice() {
        let mut slots = Slots::default();
        slots.assign(&["a"]);
        assert_eq!(slots.assign(&["a", "a"]), vec![Seat::Kept(1), Seat::New(0)]);
    }
}
