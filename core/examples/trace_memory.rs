//! Measures what a run costs in memory, per event: the figures behind
//! [`MAX_EVENTS`](spacetime_core::MAX_EVENTS). It runs a 64-process gossip (fanout 4, 400
//! rumours, the busiest shape of run the page makes) for a number of steps and counts the bytes
//! held, with a counting allocator:
//!
//! ```text
//! cargo run --release -p spacetime-core --example trace_memory [steps] [processes] [rumours]
//! ```
//!
//! It prints the bytes live once the run is over (the simulation with its checkpoints and its
//! trace), the bytes of the trace alone (what the page copies once to share with its views), the
//! peak while running, and each per event.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use spacetime_core::{protocols, Run};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A reallocation holds both blocks for a moment, as a growing Vec does in wasm.
        let now = LIVE.fetch_add(new_size, Relaxed) + new_size;
        PEAK.fetch_max(now, Relaxed);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The figures of one measurement, in bytes.
struct Measured {
    events: usize,
    messages: usize,
    steps: usize,
    /// Live once the run is over: the simulation, its checkpoints and its trace.
    live: usize,
    /// A copy of the trace.
    trace: usize,
    /// The most held at once while running.
    peak: usize,
}

fn measure(steps: u64, n: usize, rumours: u64) -> Measured {
    let mut scenario = protocols::example("gossip-busy-sixteen").expect("the example ships");
    scenario.processes = (1..=n).map(|i| format!("P{i}")).collect();
    scenario.params["fanout"] = 4.into();
    scenario.params["rumours"] = rumours.into();
    scenario.limits.max_steps = steps;

    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let mut run = Run::new(&scenario).expect("the scenario loads");
    run.run();
    let live = LIVE.load(Relaxed) - before;
    let peak = PEAK.load(Relaxed) - before;
    let (events, messages, taken) = (
        run.trace().events.len(),
        run.trace().messages.len(),
        run.trace().steps.len(),
    );
    let at = LIVE.load(Relaxed);
    let copy = run.trace().clone();
    let trace = LIVE.load(Relaxed) - at;
    drop(copy);
    Measured {
        events,
        messages,
        steps: taken,
        live,
        trace,
        peak,
    }
}

/// The same measurement in WebAssembly, where pointers are half as wide. This package's
/// dev-dependencies do not build for `wasm32-unknown-unknown`, so make a scratch `cdylib` crate
/// that depends on `spacetime-core` by path and holds only
/// `#[path = "<repo>/core/examples/trace_memory.rs"] pub mod tm;`, build it with
/// `cargo build --release --target wasm32-unknown-unknown`, and call this from Node:
///
/// ```text
/// const { instance } = await WebAssembly.instantiate(readFileSync(wasm), {});
/// instance.exports.measure_wasm(500000n, 64, 2000n, 4) // the module's memory, in bytes
/// ```
///
/// It returns one figure, `what`: 0 events, 1 live, 2 trace, 3 peak, 4 the module's memory (a
/// fresh instance for each, since memory only grows).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn measure_wasm(steps: u64, n: u32, rumours: u64, what: u32) -> f64 {
    let m = measure(steps, n as usize, rumours);
    (match what {
        0 => m.events,
        1 => m.live,
        2 => m.trace,
        3 => m.peak,
        _ => core::arch::wasm32::memory_size(0) * 65536,
    }) as f64
}

fn main() {
    let mut args = std::env::args().skip(1);
    let steps: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60_000);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let rumours: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(400);
    let Measured {
        events,
        messages,
        steps: taken,
        live,
        trace,
        peak,
    } = measure(steps, n, rumours);
    let per = |bytes: usize| bytes as f64 / events.max(1) as f64;
    println!("{n} processes, {taken} steps: {events} events, {messages} messages");
    println!(
        "run (simulation, checkpoints, trace): {} live, {:.0} bytes per event",
        mb(live),
        per(live)
    );
    println!(
        "trace alone (a copy):                 {}, {:.0} bytes per event",
        mb(trace),
        per(trace)
    );
    println!(
        "peak while running:                   {}, {:.0} bytes per event",
        mb(peak),
        per(peak)
    );
    println!(
        "run plus the page's copy of the trace: {:.0} bytes per event",
        per(live + trace)
    );
}
