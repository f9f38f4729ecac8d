//! `spacetime previews DIR`: a picture of every built-in scenario's whole run, for the page to
//! show while its code is still arriving.
//!
//! A student who follows a link (`?s=paxos-calm&step=8`, `?lesson=raft`) on a phone waits
//! seconds for the lesson's WebAssembly. The release build runs this command, and the page's
//! `assets/preview.js` fetches the one picture the link names and cuts it at the link's step
//! (the SVG's step data, [`SvgOptions::step_data`]) until the live diagram replaces it. The
//! pictures come from the same simulator and layout as the page, so they show the same run.
//!
//! It writes `DIR/s/NAME.svg` for every built-in scenario and `DIR/lesson/ID.svg` for every
//! lesson (its first scenario, which `?lesson=ID` opens). A run whose picture would be larger
//! than `max_bytes` gets none: the page then simply waits for its code.

use std::io;
use std::path::Path;

use spacetime_core::lessons;
use spacetime_core::svg::{render_svg, Clocks, SvgOptions};
use spacetime_core::{Run, Scenario};

/// The largest picture written, in bytes before compression (about a tenth of it gzipped): a
/// preview that takes longer to arrive than the code it stands in for is no use.
pub const MAX_BYTES: usize = 640 * 1024;

/// What was written: pictures, and the runs too big for one.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub pictures: usize,
    pub too_big: Vec<String>,
}

/// The picture of `scenario`'s whole run, with its step data, or `None` if it is larger than
/// `max_bytes` or does not run.
pub fn picture(scenario: &Scenario, max_bytes: usize) -> Option<String> {
    let run = Run::complete(scenario).ok()?;
    let options = SvgOptions {
        clocks: Clocks::Lamport,
        title: (!scenario.title.is_empty()).then(|| scenario.title.clone()),
        timing: scenario.network.timing,
        step_data: true,
        ..SvgOptions::default()
    };
    let svg = render_svg(run.trace(), &options);
    (svg.len() <= max_bytes).then_some(svg)
}

/// Writes every lesson's scenarios' pictures under `dir`.
pub fn write_all(dir: &Path, max_bytes: usize) -> io::Result<Written> {
    let mut written = Written::default();
    std::fs::create_dir_all(dir.join("s"))?;
    std::fs::create_dir_all(dir.join("lesson"))?;
    for lesson in lessons::course() {
        for (i, scenario) in lesson.scenarios().iter().enumerate() {
            let Some(svg) = picture(scenario, max_bytes) else {
                written.too_big.push(scenario.name.clone());
                continue;
            };
            std::fs::write(dir.join("s").join(format!("{}.svg", scenario.name)), &svg)?;
            written.pictures += 1;
            if i == 0 {
                std::fs::write(dir.join("lesson").join(format!("{}.svg", lesson.id)), &svg)?;
            }
        }
    }
    Ok(written)
}
