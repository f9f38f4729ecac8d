//! Protocols as the rest of Spacetime sees them: a named family of processes, its variants, its
//! properties and its prepared scenarios, and [`Run`], which runs any scenario whatever its
//! protocol.

use serde::Serialize;

use crate::process::{Field, Process, ProcessId};
use crate::scenario::{Action, Intervention, Scenario, ScenarioError};
use crate::sim::{Simulation, TooManyEvents};
use crate::trace::{EventId, Trace};

/// Safety: nothing bad ever happens (a violation is a finite prefix). Liveness: something good
/// eventually happens (on a finite run it can only be "not yet").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKind {
    Safety,
    Liveness,
}

/// The outcome of checking one property over a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Holds,
    Violated {
        /// The events that show the violation, for the diagram to highlight.
        events: Vec<EventId>,
        explanation: String,
    },
}

impl Verdict {
    /// A violation shown by `events`.
    pub fn violated(events: Vec<EventId>, explanation: impl Into<String>) -> Self {
        Verdict::Violated {
            events,
            explanation: explanation.into(),
        }
    }

    pub fn holds(&self) -> bool {
        matches!(self, Verdict::Holds)
    }
}

type Check = Box<dyn Fn(&Trace) -> Verdict>;

/// A named check over a trace that a protocol declares. The engine checks nothing itself.
pub struct Property {
    pub name: String,
    pub kind: PropertyKind,
    pub description: String,
    /// Whether the scenario's variant promises it (a broken variant promises what the correct
    /// one does; a probabilistic one may promise less).
    pub promised: bool,
    /// Why it is withdrawn on this scenario, when [`Property::withdrawn`] said so.
    pub why_not: Option<String>,
    check: Check,
}

impl Property {
    pub fn new(
        name: impl Into<String>,
        kind: PropertyKind,
        description: impl Into<String>,
        check: impl Fn(&Trace) -> Verdict + 'static,
    ) -> Self {
        Property {
            name: name.into(),
            kind,
            description: description.into(),
            promised: true,
            why_not: None,
            check: Box::new(check),
        }
    }

    /// Mark the property as one this variant does not promise.
    pub fn not_promised(mut self) -> Self {
        self.promised = false;
        self
    }

    /// Mark the property as not promised on this scenario, saying why in its description.
    pub fn withdrawn(mut self, why: &str) -> Self {
        self.promised = false;
        self.description = format!("{} (not promised here: {why})", self.description);
        self.why_not = Some(why.to_string());
        self
    }

    pub fn check(&self, trace: &Trace) -> Verdict {
        (self.check)(trace)
    }
}

/// Why a property is withdrawn when a process omits messages, before the lossy scenario's own
/// reason.
const OMITS: &str = "a process omits messages, which is as if its links lost them";

/// The properties `protocol` declares for `scenario`, less the promises no protocol can keep on
/// it: a timer hurried or a request handed in comes whenever the learner makes it, perhaps too
/// late for the run to finish what it starts, so liveness is not promised after one.
///
/// A process with omission faults is, for everyone else, a process behind lossy links: what it
/// omits is lost on the way out or on the way in. So a scenario with omissions promises only
/// what the protocol also promises on [`as_lossy`]'s scenario, where the links lose as often as
/// the most omitting process omits and nothing is omitted.
fn properties_of(
    protocol: &ProtocolInfo,
    scenario: &Scenario,
    variant: &str,
) -> Result<Vec<Property>, ScenarioError> {
    let properties = plain_properties_of(protocol, scenario, variant)?;
    let Some(lossy) = as_lossy(scenario) else {
        return Ok(properties);
    };
    let lossy = plain_properties_of(protocol, &lossy, variant)?;
    Ok(properties
        .into_iter()
        .map(|p| {
            let Some(q) = lossy.iter().find(|q| q.name == p.name) else {
                return p;
            };
            if !p.promised || q.promised {
                return p;
            }
            match q.why_not.as_deref() {
                Some(why) => p.withdrawn(&format!("{OMITS}: {why}")),
                None => p.withdrawn(OMITS),
            }
        })
        .collect())
}

/// The scenario's omissions as loss: the same scenario with the network's loss (and each link's
/// own) raised to the largest omission rate of any omission fault or intervention, and no
/// omissions. `None` if nothing is omitted.
pub(crate) fn as_lossy(scenario: &Scenario) -> Option<Scenario> {
    let is_omit = |a: &Action| matches!(a, Action::Omit { .. });
    let rate = scenario
        .faults
        .iter()
        .map(|f| &f.action)
        .chain(scenario.interventions.iter().map(|i| &i.action))
        .filter_map(|a| match *a {
            Action::Omit { send, receive, .. } => Some(send.max(receive)),
            _ => None,
        })
        .fold(0.0_f64, f64::max);
    if rate <= 0.0 {
        return None;
    }
    let mut lossy = scenario.clone();
    lossy.faults.retain(|f| !is_omit(&f.action));
    lossy.interventions.retain(|i| !is_omit(&i.action));
    lossy.network.loss = lossy.network.loss.max(rate);
    for link in &mut lossy.network.links {
        if let Some(loss) = &mut link.loss {
            *loss = loss.max(rate);
        }
    }
    Some(lossy)
}

/// [`properties_of`] without the omissions' share.
fn plain_properties_of(
    protocol: &ProtocolInfo,
    scenario: &Scenario,
    variant: &str,
) -> Result<Vec<Property>, ScenarioError> {
    let properties = held_up(
        protocol,
        scenario,
        variant,
        (protocol.properties)(scenario, variant)?,
    )?;
    let hurried = scenario
        .faults
        .iter()
        .map(|f| &f.action)
        .chain(scenario.interventions.iter().map(|i| &i.action))
        .any(|a| matches!(a, Action::Fire { .. } | Action::Request { .. }));
    if !hurried {
        return Ok(properties);
    }
    Ok(properties
        .into_iter()
        .map(|p| {
            if p.promised && p.kind == PropertyKind::Liveness {
                p.withdrawn(
                    "a timer hurried or a request handed in by hand may come too late for the \
                     run to finish what it starts",
                )
            } else {
                p
            }
        })
        .collect())
}

/// The promises a protocol that does not read the timing model can keep when the network may
/// hold messages up (an asynchronous network, or a partially synchronous one before its GST):
/// only those it makes when every latency may run `longest` ticks past the range, which is what
/// the hold-ups do. A protocol that reads the timing itself ([`Protocol::READS_TIMING`]) decides
/// alone.
fn held_up(
    protocol: &ProtocolInfo,
    scenario: &Scenario,
    variant: &str,
    properties: Vec<Property>,
) -> Result<Vec<Property>, ScenarioError> {
    let Some((_, longest)) = (!protocol.reads_timing)
        .then(|| scenario.network.timing.stall(0))
        .flatten()
    else {
        return Ok(properties);
    };
    let mut slow = scenario.clone();
    slow.network.timing = crate::scenario::Timing::Plain;
    slow.network.latency.max = slow.network.latency.max.saturating_add(longest);
    for link in &mut slow.network.links {
        if let Some(l) = &mut link.latency {
            l.max = l.max.saturating_add(longest);
        }
    }
    let slow = (protocol.properties)(&slow, variant)?;
    Ok(properties
        .into_iter()
        .map(|p| match slow.iter().find(|s| s.name == p.name) {
            Some(s) if p.promised && !s.promised => {
                let why = match &s.why_not {
                    Some(why) => format!(
                        "the network holds messages up by as much as {longest} ticks past the \
                         latency range, and then {why}"
                    ),
                    None => format!(
                        "the network holds messages up by as much as {longest} ticks past the \
                         latency range, and with latencies that long it is not promised"
                    ),
                };
                p.withdrawn(&why)
            }
            _ => p,
        })
        .collect())
}

/// A property's status on one trace, as the CLI prints it and the badges show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyReport {
    pub name: String,
    pub kind: PropertyKind,
    pub description: String,
    pub promised: bool,
    #[serde(flatten)]
    pub verdict: Verdict,
}

impl PropertyReport {
    /// A promised property that does not hold.
    pub fn is_broken_promise(&self) -> bool {
        self.promised && !self.verdict.holds()
    }
}

/// One variant of a protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// Deliberately broken, for the learner to hunt down the schedule that breaks it: it
    /// promises what the correct variant does, and fails to keep it.
    pub broken: bool,
}

/// The variant of `P` named `name` (the first, its default, if `name` is empty); an unknown name
/// is an error on the field `variant` that lists the known ones.
pub fn variant_of<P: Protocol>(name: &str) -> Result<&'static VariantInfo, ScenarioError> {
    find_variant(P::NAME, P::variants(), name)
}

/// The error for a variant `P` does not have, naming the ones it has.
pub fn unknown_variant<P: Protocol>(name: &str) -> ScenarioError {
    unknown(P::NAME, P::variants(), name)
}

fn find_variant(
    protocol: &str,
    variants: &'static [VariantInfo],
    name: &str,
) -> Result<&'static VariantInfo, ScenarioError> {
    if name.is_empty() {
        return Ok(&variants[0]);
    }
    variants
        .iter()
        .find(|v| v.name == name)
        .ok_or_else(|| unknown(protocol, variants, name))
}

fn unknown(protocol: &str, variants: &[VariantInfo], name: &str) -> ScenarioError {
    let known: Vec<&str> = variants.iter().map(|v| v.name).collect();
    ScenarioError::invalid(
        "variant",
        format!(
            "{protocol} has no variant \"{name}\"; its variants are {}",
            known.join(", ")
        ),
    )
}

/// A protocol: a module of its lesson's folder implements this, and its lesson lists it (see
/// [`crate::lessons`]).
pub trait Protocol {
    /// The name scenarios use in their `protocol` field.
    const NAME: &'static str;
    /// One line for pickers and `--help`.
    const DESCRIPTION: &'static str;
    type Node: Process + 'static;

    /// The variants; the first is the default.
    fn variants() -> &'static [VariantInfo];

    /// The processes for a scenario, one per name, with the protocol's parameters checked.
    fn build(scenario: &Scenario, variant: &str) -> Result<Vec<Self::Node>, ScenarioError>;

    /// Whether [`Protocol::properties`] reads the scenario's timing model (`network.timing`)
    /// itself. If not, the engine keeps a promise on a network that holds messages up only if
    /// the protocol makes it with latencies as long as the hold-ups.
    const READS_TIMING: bool = false;

    /// The properties this protocol declares for the scenario.
    fn properties(scenario: &Scenario, variant: &str) -> Result<Vec<Property>, ScenarioError>;

    /// The prepared scenarios that ship with it.
    fn examples() -> Vec<Scenario>;
}

/// A protocol as an entry in the registry.
#[derive(Clone, Copy)]
pub struct ProtocolInfo {
    pub name: &'static str,
    pub description: &'static str,
    pub variants: &'static [VariantInfo],
    build: fn(&Scenario, &str) -> Result<Simulation, ScenarioError>,
    properties: fn(&Scenario, &str) -> Result<Vec<Property>, ScenarioError>,
    pub examples: fn() -> Vec<Scenario>,
    /// [`Protocol::READS_TIMING`].
    pub reads_timing: bool,
}

impl ProtocolInfo {
    /// The registry entry for protocol `P`.
    pub fn of<P: Protocol>() -> Self {
        fn build<P: Protocol>(
            scenario: &Scenario,
            variant: &str,
        ) -> Result<Simulation, ScenarioError> {
            Simulation::new(scenario, P::build(scenario, variant)?)
        }
        ProtocolInfo {
            name: P::NAME,
            description: P::DESCRIPTION,
            variants: P::variants(),
            build: build::<P>,
            properties: P::properties,
            examples: P::examples,
            reads_timing: P::READS_TIMING,
        }
    }

    /// The variant a scenario asks for: its `variant` field, or the first one if that is empty.
    pub fn variant(&self, scenario: &Scenario) -> Result<&'static VariantInfo, ScenarioError> {
        find_variant(self.name, self.variants, &scenario.variant)
    }
}

/// A scenario of any protocol, being run. This is what the app, the CLI and the tests hold.
pub struct Run {
    scenario: Scenario,
    protocol: ProtocolInfo,
    variant: &'static VariantInfo,
    engine: Simulation,
    properties: Vec<Property>,
}

impl Run {
    /// Check a scenario and set up its run (nothing runs yet).
    pub fn new(scenario: &Scenario) -> Result<Run, ScenarioError> {
        scenario.validate()?;
        let protocol = crate::protocols::find(&scenario.protocol).ok_or_else(|| {
            let known: Vec<&str> = crate::protocols::all().iter().map(|p| p.name).collect();
            ScenarioError::invalid(
                "protocol",
                format!(
                    "there is no protocol \"{}\"; the protocols are {}",
                    scenario.protocol,
                    known.join(", ")
                ),
            )
        })?;
        let variant = protocol.variant(scenario)?;
        let engine = (protocol.build)(scenario, variant.name)?;
        let properties = properties_of(&protocol, scenario, variant.name)?;
        Ok(Run {
            scenario: scenario.clone(),
            protocol,
            variant,
            engine,
            properties,
        })
    }

    /// Set up a scenario and run it to its end; a run that grows past [`MAX_EVENTS`] is refused
    /// ([`Run::finish`]).
    ///
    /// [`MAX_EVENTS`]: crate::MAX_EVENTS
    pub fn complete(scenario: &Scenario) -> Result<Run, ScenarioError> {
        let mut run = Run::new(scenario)?;
        run.finish()?;
        Ok(run)
    }

    /// Stop once the run has made more than `cap` events (at most [`MAX_EVENTS`]): see
    /// [`Simulation::with_max_events`]. Call it before running.
    ///
    /// [`MAX_EVENTS`]: crate::MAX_EVENTS
    pub fn with_max_events(mut self, cap: usize) -> Run {
        self.engine = self.engine.with_max_events(cap);
        self
    }

    /// Run to the end, or say why the run is no run to show: it grew past the events it may
    /// make, and stopped there ([`Simulation::too_big`]).
    pub fn finish(&mut self) -> Result<&Trace, TooManyEvents> {
        self.engine.run();
        match self.engine.too_big() {
            Some(e) => Err(e),
            None => Ok(self.engine.trace()),
        }
    }

    /// Whether the run stopped because it grew too big ([`Simulation::too_big`]).
    pub fn too_big(&self) -> Option<TooManyEvents> {
        self.engine.too_big()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn protocol(&self) -> &ProtocolInfo {
        &self.protocol
    }

    pub fn variant(&self) -> &'static VariantInfo {
        self.variant
    }

    pub fn trace(&self) -> &Trace {
        self.engine.trace()
    }

    /// The trace as a shared handle, not a copy ([`Simulation::shared_trace`]).
    pub fn shared_trace(&self) -> std::sync::Arc<Trace> {
        self.engine.shared_trace()
    }

    pub fn step(&mut self) -> bool {
        self.engine.step()
    }

    pub fn run_to_step(&mut self, steps: u64) {
        self.engine.run_to_step(steps)
    }

    /// Run until finished.
    pub fn run(&mut self) -> &Trace {
        self.engine.run()
    }

    pub fn steps_taken(&self) -> u64 {
        self.engine.steps_taken()
    }

    pub fn is_finished(&self) -> bool {
        self.engine.is_finished()
    }

    /// Every process's state summary as it is now.
    pub fn summaries(&self) -> Vec<String> {
        self.engine.summaries()
    }

    /// Every process's state fields as they are now ([`Process::fields`]).
    pub fn fields(&self) -> Vec<Vec<Field>> {
        self.engine.fields()
    }

    /// Process `i` as it is now, if it is a `P`.
    pub fn process<P: 'static>(&self, i: ProcessId) -> Option<&P> {
        self.engine.process(i)
    }

    /// The simulation itself.
    pub fn simulation(&self) -> &Simulation {
        &self.engine
    }

    /// Replace the learner's interventions: the run rewinds to the first change and replays to
    /// where it was. On error nothing changes.
    pub fn set_interventions(
        &mut self,
        interventions: Vec<Intervention>,
    ) -> Result<(), ScenarioError> {
        self.engine.set_interventions(&interventions)?;
        self.scenario.interventions = interventions;
        // What a variant promises may hang on the run's faults (a total order waits for every
        // process, so it promises progress only while none crashes): the learner's crashes count.
        self.properties = properties_of(&self.protocol, &self.scenario, self.variant.name)?;
        Ok(())
    }

    /// The properties the protocol declares.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// Every property's status on `trace` (the whole run, or a prefix of it).
    pub fn check(&self, trace: &Trace) -> Vec<PropertyReport> {
        self.properties
            .iter()
            .map(|p| PropertyReport {
                name: p.name.clone(),
                kind: p.kind,
                description: p.description.clone(),
                promised: p.promised,
                verdict: p.check(trace),
            })
            .collect()
    }
}
