use spacetime_core::{protocols, Run};

#[test]
fn every_example_runs_and_prints() {
    for s in protocols::examples() {
        let mut run = Run::new(&s).unwrap();
        let t = run.run().clone();
        eprintln!("{}: {} steps, {} events, {} messages", s.name, t.steps.len(), t.events.len(), t.messages.len());
        for st in t.steps.iter().take(4) { eprintln!("   {}", st.narration); }
        for r in run.check(&t) { eprintln!("   {} {:?}", r.name, r.verdict); }
    }
}
