//! The sandbox: loads gate components, refuses those that reach outside the
//! contract, and evaluates each in a fresh store with a memory cap, a
//! deterministic fuel budget and a wall-clock backstop.

pub mod bindings;
mod builtin;
pub mod contract;
mod convert;
pub mod custom_section;
mod engine_config;
pub mod fetch;
pub mod host;
pub mod oci;
pub mod reference;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use regops_evidence::EvidenceKind;
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{CallHook, Engine, Store, Trap};

use crate::verdict::{Check, Outcome, Value, Verdict};
use bindings::types as wit;
use bindings::{Gate, GatePre};
pub use builtin::{BUILTINS, Builtin, find as find_builtin};
pub use contract::{Facts, Metadata};
use host::GateState;
pub use host::{EvidenceIndex, MemoryLimits};

/// How often the wall-clock backstop advances.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// What one gate evaluation may consume.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deterministic execution budget, in wasmtime fuel units (~ instructions).
    pub fuel: u64,
    /// Largest linear memory, in bytes.
    pub memory_bytes: usize,
    /// Wall-clock backstop for one call into the gate.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 20_000_000_000,
            memory_bytes: 512 << 20,
            timeout: Duration::from_secs(60),
        }
    }
}

/// A loaded gate component, described and ready to instantiate.
pub struct Policy {
    /// Where it came from, as configured (`builtin:ci`, a path...).
    pub source: String,
    /// SHA-256 of the component bytes.
    pub sha256: String,
    /// The gate's self-description.
    pub info: wit::GateInfo,
    /// The interfaces the component imports (all within the contract).
    pub imports: Vec<String>,
    /// What it exports, its contract version, metadata and size.
    pub facts: Facts,
    pre: GatePre<GateState>,
}

impl Policy {
    /// Kinds the gate may query.
    pub fn declared_kinds(&self) -> Vec<EvidenceKind> {
        self.info
            .needs
            .iter()
            .chain(&self.info.uses)
            .map(|k| convert::evidence_kind_from(*k))
            .collect()
    }

    pub fn needs(&self) -> Vec<EvidenceKind> {
        self.info
            .needs
            .iter()
            .map(|k| convert::evidence_kind_from(*k))
            .collect()
    }

    /// The evidence kinds the gate reads when present.
    pub fn uses(&self) -> Vec<EvidenceKind> {
        self.info
            .uses
            .iter()
            .map(|k| convert::evidence_kind_from(*k))
            .collect()
    }
}

/// One evaluation's result and what it cost.
pub struct Evaluation {
    pub verdict: Verdict,
    pub fuel_consumed: u64,
    pub logs: Vec<String>,
    /// Time spent in host calls, evidence lowering included (only with
    /// `REGOPS_TIMINGS`).
    pub host_time: Option<Duration>,
}

/// The wasmtime engine, linker and limits shared by every gate of a run.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<GateState>,
    limits: Limits,
    ticker: Option<EpochTicker>,
    /// Components compiled by this sandbox, by SHA-256: a component named
    /// twice (or judged by many fixtures, `regops policy test`) compiles once.
    /// In memory only, so no precompiled code is ever read back from disk.
    compiled: Mutex<HashMap<String, Component>>,
}

impl Sandbox {
    pub fn new(limits: Limits) -> anyhow::Result<Sandbox> {
        // wasmtime's error type does not convert into anyhow by itself.
        let engine =
            Engine::new(&engine_config::engine_config()).map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let mut linker = Linker::new(&engine);
        Gate::add_to_linker::<GateState, HasSelf<GateState>>(&mut linker, |state| state)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let ticker = Some(EpochTicker::start(engine.clone()));
        Ok(Sandbox {
            engine,
            linker,
            limits,
            ticker,
            compiled: Mutex::new(HashMap::new()),
        })
    }

    /// Loads a built-in gate from its embedded, precompiled code.
    pub fn load_builtin(&self, builtin: &Builtin) -> Result<Policy, String> {
        let source = format!("builtin:{}", builtin.id);
        let facts = contract::read(&source, builtin.component)?;
        contract::check(&source, &facts)?;
        // SAFETY: the precompiled bytes were produced by our own build script
        // with this engine configuration and are embedded in this binary;
        // they are never read from anywhere else.
        let component = match unsafe { Component::deserialize(&self.engine, builtin.precompiled) } {
            Ok(component) => component,
            // Built on a CPU with features this one lacks: compile instead.
            Err(_) => Component::new(&self.engine, builtin.component)
                .map_err(|e| format!("the built-in component does not compile: {e:#}"))?,
        };
        self.prepare(source, builtin.sha256.to_string(), facts, component)
    }

    /// Compiles and loads a component whose digest the caller has verified.
    /// Its contract version and metadata are checked before it compiles.
    pub fn load_component(
        &self,
        source: String,
        sha256: String,
        bytes: &[u8],
    ) -> Result<Policy, String> {
        let facts = contract::read(&source, bytes)?;
        contract::check(&source, &facts)?;
        // The guard is dropped at the end of this statement, before any compile.
        let memoised = self
            .compiled
            .lock()
            .ok()
            .and_then(|compiled| compiled.get(&sha256).cloned());
        let component = match memoised {
            Some(component) => component,
            None => {
                let component = Component::new(&self.engine, bytes)
                    .map_err(|e| format!("{source} is not a valid WebAssembly component: {e:#}"))?;
                if let Ok(mut compiled) = self.compiled.lock() {
                    compiled.insert(sha256.clone(), component.clone());
                }
                component
            }
        };
        self.prepare(source, sha256, facts, component)
    }

    fn prepare(
        &self,
        source: String,
        sha256: String,
        facts: Facts,
        component: Component,
    ) -> Result<Policy, String> {
        let imports: Vec<String> = component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        let foreign: Vec<&String> = imports
            .iter()
            .filter(|name| !contract::is_contract_import(name))
            .collect();
        if !foreign.is_empty() {
            let track = contract::CONTRACT_VERSION
                .rsplit_once('.')
                .map_or(contract::CONTRACT_VERSION, |(track, _)| track);
            return Err(format!(
                "{source} imports {}, outside the regops:gate@{track} contract; gates get no filesystem, \
                 network, clock or randomness. Build it for wasm32-unknown-unknown and componentise it, \
                 or remove what pulls these imports in",
                foreign
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let pre = self
            .linker
            .instantiate_pre(&component)
            .and_then(GatePre::new)
            .map_err(|e| format!("{source} does not implement the regops:gate world: {e:#}"))?;
        let mut store = self.store(Arc::new(EvidenceIndex::new(Default::default())), Vec::new());
        let info = pre
            .instantiate(&mut store)
            .and_then(|gate| gate.call_describe(&mut store))
            .map_err(|e| format!("{source}: describe() failed: {}", self.explain(&e, &store)))?;
        Ok(Policy {
            source,
            sha256,
            info,
            imports,
            facts,
            pre,
        })
    }

    fn store(&self, evidence: Arc<EvidenceIndex>, allowed: Vec<EvidenceKind>) -> Store<GateState> {
        let limits = MemoryLimits {
            memory_bytes: self.limits.memory_bytes,
            table_elements: 1 << 20,
        };
        let mut store = Store::new(&self.engine, GateState::new(evidence, allowed, limits));
        store.limiter(|state| &mut state.limiter);
        // Fuel is set before any call; it cannot fail on an engine that consumes fuel.
        let _ = store.set_fuel(self.limits.fuel);
        store.set_epoch_deadline(ticks(self.limits.timeout));
        store.epoch_deadline_trap();
        if crate::timings::enabled() {
            store.call_hook(|mut store, hook| {
                let state = store.data_mut();
                match hook {
                    CallHook::CallingHost => state.host_entered = Some(Instant::now()),
                    CallHook::ReturningFromHost => {
                        if let Some(entered) = state.host_entered.take() {
                            state.host_time += entered.elapsed();
                        }
                    }
                    _ => {}
                }
                Ok(())
            });
        }
        store
    }

    /// Runs a gate's `evaluate` in a fresh store. Never fails: a gate that
    /// cannot be evaluated gets an `error` verdict saying why.
    pub fn evaluate(
        &self,
        policy: &Policy,
        context: wit::Context,
        evidence: Arc<EvidenceIndex>,
    ) -> Evaluation {
        let mut store = self.store(evidence, policy.declared_kinds());
        let result = policy
            .pre
            .instantiate(&mut store)
            .and_then(|gate| gate.call_evaluate(&mut store, &context));
        let fuel_consumed = self
            .limits
            .fuel
            .saturating_sub(store.get_fuel().unwrap_or(0));
        let verdict = match result {
            Ok(verdict) => verdict_from(verdict),
            Err(e) => Verdict::error(
                "evaluation",
                format!("the gate failed: {}", self.explain(&e, &store)),
            ),
        };
        let logs = store
            .data()
            .logs
            .iter()
            .map(|(_, line)| line.clone())
            .collect();
        Evaluation {
            verdict,
            fuel_consumed,
            logs,
            host_time: crate::timings::enabled().then(|| store.data().host_time),
        }
    }

    /// Turns a trap into a sentence a user can act on.
    fn explain(&self, error: &wasmtime::Error, store: &Store<GateState>) -> String {
        let last_log = store
            .data()
            .logs
            .last()
            .map(|(_, line)| format!(" (its last log line: {line})"))
            .unwrap_or_default();
        if let Some(bytes) = store.data().limiter.refused_memory {
            return format!(
                "it tried to grow its memory to {bytes} bytes, above the limit of {} bytes",
                self.limits.memory_bytes
            );
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => format!(
                "it ran out of its execution budget of {} fuel units; it may loop forever",
                self.limits.fuel
            ),
            Some(Trap::Interrupt) => format!(
                "it ran longer than the wall-clock limit of {} s",
                self.limits.timeout.as_secs_f64()
            ),
            Some(trap) => format!("it trapped: {trap}{last_log}"),
            None => format!("{}{last_log}", error.root_cause()),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.stop();
        }
    }
}

fn ticks(timeout: Duration) -> u64 {
    (timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
}

/// Advances the engine's epoch so a runaway gate is interrupted even if
/// its fuel budget is set very high.
struct EpochTicker {
    /// Dropping it wakes the ticker at once: stopping never waits a tick.
    stop: std::sync::mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl EpochTicker {
    fn start(engine: Engine) -> EpochTicker {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            // A tick on each timeout; the sender's drop ends the loop.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(EPOCH_TICK)
            {
                engine.increment_epoch();
            }
        });
        EpochTicker { stop, thread }
    }

    fn stop(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

fn outcome_from(o: wit::Outcome) -> Outcome {
    match o {
        wit::Outcome::Pass => Outcome::Pass,
        wit::Outcome::Warn => Outcome::Warn,
        wit::Outcome::Fail => Outcome::Fail,
        wit::Outcome::Error => Outcome::Error,
    }
}

pub fn value_from(v: &wit::Value) -> Value {
    match v {
        wit::Value::Flag(b) => Value::Flag(*b),
        wit::Value::Count(n) => Value::Count(*n),
        wit::Value::Ratio(r) => Value::Ratio(*r),
        wit::Value::Number(n) => Value::Number(*n),
        wit::Value::Text(t) => Value::Text(t.clone()),
        wit::Value::Severity(s) => Value::Severity(convert::severity_from(*s)),
    }
}

pub fn value_to(v: &Value) -> wit::Value {
    match v {
        Value::Flag(b) => wit::Value::Flag(*b),
        Value::Count(n) => wit::Value::Count(*n),
        Value::Ratio(r) => wit::Value::Ratio(*r),
        Value::Number(n) => wit::Value::Number(*n),
        Value::Text(t) => wit::Value::Text(t.clone()),
        Value::Severity(s) => wit::Value::Severity(convert::severity(*s)),
    }
}

pub fn evidence_kind_to(k: EvidenceKind) -> wit::EvidenceKind {
    convert::evidence_kind(k)
}

pub fn evidence_kind_from(k: wit::EvidenceKind) -> EvidenceKind {
    convert::evidence_kind_from(k)
}

fn verdict_from(v: wit::Verdict) -> Verdict {
    let checks: Vec<Check> = v
        .checks
        .into_iter()
        .map(|c| Check {
            id: c.id,
            clauses: c.clauses,
            outcome: outcome_from(c.outcome),
            message: c.message,
            measured: c.measured.as_ref().map(value_from),
            threshold: c.threshold.as_ref().map(value_from),
            locations: c
                .locations
                .into_iter()
                .map(|l| regops_evidence::Location {
                    file: l.file,
                    line: l.line,
                    column: l.column,
                })
                .collect(),
            subjects: c.subjects,
            level: crate::verdict::Level::Error,
            level_origin: None,
            waived: Vec::new(),
        })
        .collect();
    if checks.is_empty() {
        return Verdict::error(
            "evaluation",
            "the gate reported no check; a gate that checks nothing cannot pass",
        );
    }
    Verdict::from_gate(outcome_from(v.outcome), checks)
}
