//! Split points: code that loads when first used.
//!
//! `split_point!(chunk, build, load -> Type { value })` defines `build`, whose body is the only
//! way to reach `value` (a lesson, a component function, a renderer), and `load`, an async way
//! to get it. In the split release build (`--features split`) the wasm splitter
//! (scripts/split.sh) puts everything only `build` reaches into the wasm chunk `chunk`, which
//! `load` fetches the first time it is called; a chunk that cannot arrive gives a [`LoadError`]
//! instead of stopping the page. In other builds `load` is ready at once.
//!
//! The first visit then carries the shell only; each lesson (`lazy_lesson!` in its `mod.rs`) and
//! each rare feature (the exercise panel, SVG and PNG export) comes when first needed.

use std::future::Future;
use std::pin::Pin;

/// Something on its way from a chunk.
pub type Loading<T> = Pin<Box<dyn Future<Output = Result<T, LoadError>>>>;

/// Why a chunk's code did not arrive (offline and not cached, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The splitter's error says only that the chunk did not arrive (the browser logs why).
impl From<leptos::wasm_split::SplitLoaderError> for LoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LoadError("its code did not arrive".into())
    }
}

/// See the module docs.
// rustfmt indents the attribute further on every run (it is not idempotent inside
// macro_rules): kept as written.
#[rustfmt::skip]
macro_rules! split_point {
    ($chunk:ident, $build:ident, $load:ident -> $ty:ty $body:block) => {
        #[cfg_attr(
            feature = "split",
            ::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $build() -> Result<$ty, $crate::lazy::LoadError> {
            Ok($body)
        }

        /// Fetch (in the split build) and build it.
        pub fn $load() -> $crate::lazy::Loading<$ty> {
            #[cfg(feature = "split")]
            return Box::pin($build());
            #[cfg(not(feature = "split"))]
            return Box::pin(std::future::ready($build()));
        }
    };
}

/// A component function, as a chunk gives it.
pub type Component = fn() -> leptos::prelude::AnyView;

/// A component function from a chunk, shown once it has arrived (after a short wait, a note says
/// it is loading; if it cannot arrive, a note says why).
pub fn view_of(
    load: fn() -> Loading<Component>,
    what: &'static str,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    let ready = RwSignal::new(None::<Result<crate::lazy::Component, LoadError>>);
    leptos::task::spawn_local(async move {
        let loaded = load().await;
        // The view may be gone by now (another tab chosen): then nothing is shown.
        let _ = ready.try_set(Some(loaded));
    });
    move || {
        match ready.get() {
        None => view! { <p class="lazy-loading">{format!("Loading {what}…")}</p> }.into_any(),
        Some(Ok(component)) => component(),
        Some(Err(e)) => view! {
            <p class="lazy-failed" role="alert">
                {format!("The {what} could not be loaded ({e}). Are you offline? Try again once connected.")}
            </p>
        }
        .into_any(),
    }
    }
}
