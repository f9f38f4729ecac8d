//! What the engine runs: a process with its types erased.
//!
//! The [`Simulation`](crate::Simulation) is compiled once for every protocol. It holds each
//! process as a `Box<dyn Node>` and each message as a [`Content`] (the typed message behind an
//! `Arc`). A protocol never implements [`Node`] itself: it writes a [`Process`] with typed
//! handlers, and [`node()`] wraps it in the one generic piece, a thin adapter that downcasts an
//! incoming message to the protocol's type, calls the typed handler with a typed [`Context`],
//! and hands the effects it recorded on with their messages erased.

use std::any::Any;
use std::sync::Arc;

use crate::process::{Content, Context, Effect, Field, Process, ProcessId};

/// A process as the engine sees it: handlers over erased messages, and what checkpoints and
/// typed access need. Object safe; made by [`node()`].
pub trait Node {
    /// [`Process::on_start`].
    fn on_start(&mut self, ctx: &mut Context<'_, Content>);
    /// [`Process::on_message`], with the message still erased.
    fn on_message(&mut self, ctx: &mut Context<'_, Content>, from: ProcessId, message: &Content);
    /// [`Process::on_timer`].
    fn on_timer(&mut self, ctx: &mut Context<'_, Content>, timer: &str);
    /// [`Process::on_request`].
    fn on_request(&mut self, ctx: &mut Context<'_, Content>, request: &str);
    /// [`Process::on_crash`].
    fn on_crash(&mut self);
    /// [`Process::on_recover`].
    fn on_recover(&mut self, ctx: &mut Context<'_, Content>);
    /// [`Process::summary`].
    fn summary(&self) -> String;
    /// [`Process::fields`].
    fn fields(&self) -> Vec<Field>;
    /// A copy, for a checkpoint.
    fn clone_box(&self) -> Box<dyn Node>;
    /// The process itself, to downcast to its type: see
    /// [`Simulation::process`](crate::Simulation::process).
    fn as_any(&self) -> &dyn Any;
}

impl Clone for Box<dyn Node> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// The process `process`, ready for the engine.
pub fn node<P: Process + 'static>(process: P) -> Box<dyn Node> {
    Box::new(Typed {
        process,
        buffer: Vec::new(),
    })
}

/// The adapter: a typed process and a buffer for the effects it records (kept between steps so
/// that a step allocates none).
struct Typed<P: Process> {
    process: P,
    buffer: Vec<Effect<P::Message>>,
}

impl<P: Process + 'static> Typed<P> {
    /// Run a typed handler with a typed context made from `ctx`, then pass its effects on to
    /// `ctx`, their messages erased (each behind one `Arc`) and their facts kept.
    fn relay(
        &mut self,
        ctx: &mut Context<'_, Content>,
        handler: impl FnOnce(&mut P, &mut Context<'_, P::Message>),
    ) {
        let buffer = std::mem::take(&mut self.buffer);
        let mut typed =
            Context::with_buffer(ctx.me, ctx.process_count, ctx.now, &mut *ctx.rng, buffer);
        handler(&mut self.process, &mut typed);
        let Context {
            mut effects, facts, ..
        } = typed;
        let offset = ctx.effects.len();
        ctx.facts
            .extend(facts.into_iter().map(|(i, fact)| (offset + i, fact)));
        ctx.effects
            .extend(effects.drain(..).map(|e| e.map(|m| Arc::new(m) as Content)));
        self.buffer = effects;
    }
}

impl<P: Process + 'static> Node for Typed<P> {
    fn on_start(&mut self, ctx: &mut Context<'_, Content>) {
        self.relay(ctx, |p, ctx| p.on_start(ctx));
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Content>, from: ProcessId, message: &Content) {
        match message.as_any().downcast_ref::<P::Message>() {
            Some(m) => {
                let m = m.clone();
                self.relay(ctx, |p, ctx| p.on_message(ctx, from, m));
            }
            // Only a simulation of nodes of different protocols can get here.
            None => ctx.note(format!(
                "The message is no {}, so it cannot be read",
                std::any::type_name::<P::Message>()
            )),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Content>, timer: &str) {
        self.relay(ctx, |p, ctx| p.on_timer(ctx, timer));
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Content>, request: &str) {
        self.relay(ctx, |p, ctx| p.on_request(ctx, request));
    }

    fn on_crash(&mut self) {
        self.process.on_crash();
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Content>) {
        self.relay(ctx, |p, ctx| p.on_recover(ctx));
    }

    fn summary(&self) -> String {
        self.process.summary()
    }

    fn fields(&self) -> Vec<Field> {
        self.process.fields()
    }

    fn clone_box(&self) -> Box<dyn Node> {
        node(self.process.clone())
    }

    fn as_any(&self) -> &dyn Any {
        &self.process
    }
}
