//! Prints the coverage of one-shot push gossip against the size and the fanout, measured by
//! running the protocol up to 64 processes and its model beyond (the numbers the gossip lesson
//! states):
//!
//! ```text
//! cargo run --release -p spacetime-core --example gossip_coverage [runs]
//! ```

use spacetime_core::lessons::gossip::sweep;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let ns = [4, 8, 12, 20, 50, 64, 100, 200, 500, 1000, 10000];
    let fanouts = [1, 2, 3, 4, 5, 6, 8];
    println!("{runs} runs per cell; each cell: mean share reached / share of runs reaching all");
    print!("{:>6}", "n");
    for k in fanouts {
        print!("  {:>13}", format!("fanout {k}"));
    }
    println!();
    for &n in &ns {
        print!("{n:>6}");
        for &k in &fanouts {
            let p = sweep::sweep(&[n], &[k], runs)[0];
            print!("  {:>5.1}% /{:>5.1}%", 100.0 * p.mean_reach, 100.0 * p.full);
        }
        println!();
    }
    print!("{:>6}", "∞");
    for &k in &fanouts {
        print!(
            "  {:>5.1}%       ",
            100.0 * sweep::predicted_reach(k as f64)
        );
    }
    println!();
}
