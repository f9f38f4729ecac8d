//! A Raft client: it sends its commands one at a time to the server it believes leads, follows
//! redirects, and tries the next server when no answer comes. It is kept simple on purpose: the
//! lesson is the servers, and a client only has to keep them busy and notice what commits.

use std::sync::Arc;

use super::data::{Command, Ctx, Msg, Replied, NEXT_COMMAND, REPLY_TIMEOUT};
use super::params::{check_command, Setup, MAX_CLIENT_COMMANDS};
use crate::process::{Field, ProcessId, Time};

/// One client: sends its commands one at a time, each until it is answered.
#[derive(Clone, Debug)]
pub struct Client {
    me: ProcessId,
    servers: usize,
    names: Arc<[String]>,
    commands: Vec<Arc<str>>,
    start: Time,
    interval: Time,
    retry_after: Time,
    /// The command being sent, or to send next (an index into `commands`).
    current: usize,
    /// Whether `current` has been sent and not yet answered.
    waiting: bool,
    /// The server this client believes leads.
    guess: ProcessId,
    /// Redirects followed for the current attempt (a cap keeps the client from bouncing for
    /// ever between confused servers).
    redirects: usize,
}

impl Client {
    /// Client `me`, with its `commands`, none of them sent yet.
    pub(super) fn new(
        me: ProcessId,
        setup: &Setup,
        names: Arc<[String]>,
        commands: &[String],
    ) -> Client {
        let p = &setup.params;
        Client {
            me,
            servers: p.servers,
            names,
            commands: commands.iter().map(|c| Arc::from(c.as_str())).collect(),
            start: p.start,
            interval: p.interval,
            retry_after: p.retry_after,
            current: 0,
            waiting: false,
            guess: 0,
            redirects: 0,
        }
    }

    pub(super) fn on_start(&mut self, ctx: Ctx<'_, '_>) {
        if !self.commands.is_empty() {
            ctx.set_pacing_timer(NEXT_COMMAND, self.start);
        }
    }

    fn name(&self, p: ProcessId) -> &str {
        self.names.get(p).map_or("?", String::as_str)
    }

    fn command(&self) -> Command {
        Command::new(
            self.me,
            self.current as u32 + 1,
            &self.commands[self.current],
        )
    }

    fn send(&mut self, ctx: Ctx<'_, '_>) {
        ctx.send(self.guess, Msg::Request(self.command()));
        ctx.set_timer(REPLY_TIMEOUT, self.retry_after);
    }

    fn try_next(&mut self, ctx: Ctx<'_, '_>, why: String) {
        let tried = self.guess;
        self.guess = (self.guess + 1) % self.servers;
        self.redirects = 0;
        ctx.note(format!(
            "{why}: {} sends {} again, to the next server, {}",
            self.name(self.me),
            self.commands[self.current],
            self.name(self.guess)
        ));
        let _ = tried;
        self.send(ctx);
    }

    /// Send the next command, the first time.
    fn submit(&mut self, ctx: Ctx<'_, '_>) {
        self.waiting = true;
        self.redirects = 0;
        ctx.note(format!(
            "{} sends {} to {}, the server it believes leads",
            self.name(self.me),
            self.commands[self.current],
            self.name(self.guess)
        ));
        self.send(ctx);
        ctx.output_fact("submit", self.command());
    }

    /// The learner's command joins the client's list: sent now if the client is idle, else
    /// after the commands before it.
    pub(super) fn on_request(&mut self, ctx: Ctx<'_, '_>, text: &str) {
        let me = self.name(self.me).to_string();
        if let Err(why) = check_command(text) {
            ctx.note(format!("{me} cannot send it: {why}"));
            return;
        }
        if self.commands.len() >= MAX_CLIENT_COMMANDS {
            ctx.note(format!(
                "{me} already has {MAX_CLIENT_COMMANDS} commands and takes no more"
            ));
            return;
        }
        self.commands.push(text.into());
        if self.waiting || self.current + 1 < self.commands.len() {
            ctx.note(format!(
                "{me} sends one command at a time: {text} waits for the ones before it"
            ));
        } else {
            ctx.cancel_timer(NEXT_COMMAND);
            self.submit(ctx);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: Ctx<'_, '_>, timer: &str) {
        match timer {
            NEXT_COMMAND if !self.waiting && self.current < self.commands.len() => self.submit(ctx),
            REPLY_TIMEOUT if self.waiting => {
                let why = format!(
                    "No answer from {} in {} ticks",
                    self.name(self.guess),
                    self.retry_after
                );
                self.try_next(ctx, why);
            }
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: Ctx<'_, '_>, from: ProcessId, message: Msg) {
        let seq = self.current as u32 + 1;
        match message {
            Msg::Reply { seq: s, index } if self.waiting && s == seq => {
                let command = self.command();
                self.waiting = false;
                self.current += 1;
                self.guess = from;
                ctx.cancel_timer(REPLY_TIMEOUT);
                ctx.note(format!(
                    "{}'s command {command} is committed at index {index} and applied",
                    self.name(self.me)
                ));
                ctx.output_fact("reply", Replied { command, index });
                if self.current < self.commands.len() {
                    ctx.set_pacing_timer(NEXT_COMMAND, self.interval);
                }
            }
            Msg::Redirect {
                seq: s,
                leader: Some(leader),
                ..
            } if self.waiting
                && s == seq
                && leader != from
                && leader < self.servers
                && self.redirects < self.servers =>
            {
                self.redirects += 1;
                self.guess = leader;
                ctx.note(format!(
                    "{} does not lead: {} sends {} to {}, as told",
                    self.name(from),
                    self.name(self.me),
                    self.commands[self.current],
                    self.name(leader)
                ));
                self.send(ctx);
            }
            Msg::Redirect { seq: s, .. } if self.waiting && s == seq && from == self.guess => {
                let why = format!("{} knows no leader", self.name(from));
                self.try_next(ctx, why);
            }
            _ => {}
        }
    }

    pub(super) fn on_recover(&mut self, ctx: Ctx<'_, '_>) {
        if self.waiting {
            self.send(ctx);
        } else if self.current < self.commands.len() {
            ctx.set_pacing_timer(NEXT_COMMAND, self.interval);
        }
    }

    pub(super) fn fields(&self) -> Vec<Field> {
        let waiting = if self.waiting {
            self.commands[self.current].to_string()
        } else {
            "none".to_string()
        };
        vec![
            Field::new("role", "client"),
            Field::new("waiting", waiting),
            Field::new("done", self.current),
        ]
    }
}
