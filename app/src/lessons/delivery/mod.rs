//! Lesson 2: reliable delivery over an unreliable network.

use spacetime_core::lessons::delivery::generals;

use leptos::prelude::*;

use super::{Entry, Lesson, LessonAction, LessonPlots};

pub mod plots;
mod text;

/// The lesson before its code has loaded.
pub const ENTRY: Entry = Entry {
    id: "delivery",
    summary: "TCP's handshake and retransmission, UDP, RPC and the Two Generals: getting a message across a network that loses some.",
    everywhere: &[],
    reads_files: false,
    load,
};

lazy_lesson!(lesson_delivery);

pub fn lesson() -> Lesson {
    Lesson {
        id: "delivery",
        title: "Delivery",
        core: spacetime_core::lessons::delivery::lesson(),
        tour: include_str!("tour.json"),
        panel: None,
        plots: Some(LessonPlots(|| view! { <plots::TcpPlots/> }.into_any())),
        activities: &[],
        open_file: None,
        actions: &[LessonAction {
            id: "kill-last-messenger",
            label: "Kill the last messenger",
            help: "Drop the messenger whose arrival let the second general commit: the first \
                   has committed already and will never learn it was lost.",
            protocol: "generals",
            message: generals::last_messenger,
        }],
        text: text::TEXT,
    }
}

#[cfg(test)]
mod tests {
    use spacetime_core::protocols::example;
    use spacetime_core::testing::{scramble, scrambled};
    use spacetime_core::Run;

    /// The action reads the generals' typed decisions, not their display texts: it finds the
    /// same messenger with every label and output value scrambled.
    #[test]
    fn the_last_messenger_is_found_the_same_scrambled() {
        let action = &super::lesson().actions[0];
        assert_eq!(action.protocol, "generals");
        let mut found = 0;
        for name in ["generals-one-messenger", "generals-acknowledge"] {
            let scenario = example(name).unwrap();
            let plain = Run::complete(&scenario).unwrap();
            let shown = scrambled(|| Run::complete(&scenario).unwrap());
            let (plain, shown) = (plain.trace(), shown.trace());
            assert_eq!(shown.messages[0].label, scramble(&plain.messages[0].label));
            let message = (action.message)(plain);
            assert_eq!(message, (action.message)(shown), "{name}");
            found += usize::from(message.is_some());
        }
        assert_eq!(found, 2, "both generals attack in these examples");
    }
}
