//! `regops check`: gather evidence, load and validate every gate, evaluate
//! each in the sandbox, and assemble one report.

use std::sync::Arc;

use anyhow::Context as _;
use regops_evidence::{self as ev, EvidenceKind};

use crate::collect;
use crate::config::{Config, ConfigErrors, GateConfig};
use crate::levels;
use crate::lock::{Lockfile, Refused};
use crate::params::{self, EffectiveParam};
use crate::policy::bindings::types as wit;
use crate::policy::reference::Reference;
use crate::policy::{EvidenceIndex, Policy, Sandbox, evidence_kind_to, value_to};
use crate::report::{EvidenceEntry, FileDigest, GateReport, PolicyRef, Report};
use crate::verdict::{Outcome, Verdict};
use crate::waivers::{Date, Waivers};

/// What a run depends on besides the configuration and the evidence.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The date waivers are judged against (today, unless replaying).
    pub date: Date,
    /// The gates to run (`--gate`); empty: those the configuration names.
    pub gates: Vec<String>,
}

/// Runs the gates of a loaded configuration over the files it names, and
/// the change under review when a gate reads it.
pub fn check(config: &Config, options: RunOptions) -> anyhow::Result<Report> {
    evaluate(config, |kinds| gather(config, kinds), options)
}

/// The evidence the configuration names, test levels applied, plus the
/// change under review when `kinds` (what the gates to run read) include it:
/// the API is asked only then.
pub fn gather(config: &Config, kinds: &[EvidenceKind]) -> anyhow::Result<ev::Evidence> {
    // Only what the gates to run read: a release job's saved reports are
    // not required of the CI job that writes them, nor parsed there.
    // The change's SOUP diff compares the SBOM and the register with the
    // base branch's, whether or not a gate reads them itself.
    let reads = |kind: EvidenceKind| {
        kinds.contains(&kind)
            || (kinds.contains(&EvidenceKind::Change)
                && matches!(kind, EvidenceKind::Components | EvidenceKind::Soup))
    };
    let groups: Vec<_> = config
        .evidence
        .iter()
        .filter(|g| reads(g.kind))
        .cloned()
        .collect();
    let collected = collect::inputs_of(config, &groups)?;
    let timer = crate::timings::start();
    let mut evidence = ev::load(&collected.inputs, &config.evidence_options())?;
    crate::timings::done("evidence: files parsed", timer);
    collected.apply_test_levels(&mut evidence);
    crate::release::sign_offs(config, &mut evidence);
    if kinds.contains(&EvidenceKind::Change) || kinds.contains(&EvidenceKind::Approvals) {
        crate::change::gather(config, &mut evidence)?;
    }
    if kinds.contains(&EvidenceKind::Documents) {
        let signoffs = evidence
            .documents
            .iter_mut()
            .flat_map(|d| d.signoffs.iter_mut());
        crate::change::assign_roles(&config.roles, signoffs);
    }
    if kinds.contains(&EvidenceKind::Release) {
        evidence.release = Some(crate::release::info(config)?);
    }
    if kinds.contains(&EvidenceKind::Anomalies)
        && let Some(label) = &config.anomaly_label
    {
        crate::release::anomalies_from_github(label, &mut evidence)?;
    }
    if kinds.contains(&EvidenceKind::Measurements) {
        crate::release::apply_budgets(config, &mut evidence.measurements);
    }
    Ok(evidence)
}

/// Joins scoped threads in order, passing a panic on.
fn join_all<T>(handles: Vec<std::thread::ScopedJoinHandle<'_, T>>) -> Vec<T> {
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}

/// Judges evidence with the configured gates. `evidence` is called once
/// every gate is loaded and validated, with the kinds they need or use.
pub fn evaluate(
    config: &Config,
    evidence: impl FnOnce(&[EvidenceKind]) -> anyhow::Result<ev::Evidence>,
    options: RunOptions,
) -> anyhow::Result<Report> {
    Ok(evaluate_keeping(config, evidence, options)?.into_report())
}

/// A report and the evidence it was judged on, for a caller that decides
/// when the evidence is freed: freeing a large model takes tens of
/// milliseconds (6% of the large benchmark's CPU), and a process about to
/// exit need not spend them at all.
pub struct Judged {
    pub report: Report,
    pub evidence: Arc<EvidenceIndex>,
}

impl Judged {
    /// The report; the evidence is freed on a thread of its own.
    pub fn into_report(self) -> Report {
        let Judged { report, evidence } = self;
        std::thread::spawn(move || drop(evidence));
        report
    }
}

/// [`evaluate`], keeping the evidence.
pub fn evaluate_keeping(
    config: &Config,
    evidence: impl FnOnce(&[EvidenceKind]) -> anyhow::Result<ev::Evidence>,
    options: RunOptions,
) -> anyhow::Result<Judged> {
    let timer = crate::timings::start();
    let sandbox = Sandbox::new(config.limits).context("starting the WebAssembly sandbox")?;
    crate::timings::done("engine", timer);
    evaluate_in_keeping(&sandbox, config, evidence, options)
}

/// [`evaluate`] in a sandbox the caller keeps, so components it already
/// compiled are not compiled again (`regops policy test` runs one gate over
/// many fixtures). The sandbox's limits apply, not `config.limits`.
pub fn evaluate_in(
    sandbox: &Sandbox,
    config: &Config,
    evidence: impl FnOnce(&[EvidenceKind]) -> anyhow::Result<ev::Evidence>,
    options: RunOptions,
) -> anyhow::Result<Report> {
    Ok(evaluate_in_keeping(sandbox, config, evidence, options)?.into_report())
}

fn evaluate_in_keeping(
    sandbox: &Sandbox,
    config: &Config,
    evidence: impl FnOnce(&[EvidenceKind]) -> anyhow::Result<ev::Evidence>,
    options: RunOptions,
) -> anyhow::Result<Judged> {
    let lockfile = Lockfile::load(&config.dir)?;
    let waivers = match &config.waivers {
        Some(path) => {
            let display = collect::relative_display(&config.dir, &config.dir.join(path.get_ref()));
            Waivers::load(&config.dir.join(path.get_ref()), display)?
        }
        None => Waivers::default(),
    };
    let gates = config.effective_gates(&options.gates)?;

    // Load every gate first: digest pins and parameters are checked for all
    // of them before any evaluates, and all config errors come out together.
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    // Compiling is the slow part: every gate's component loads in parallel.
    let policies: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = gates
            .iter()
            .map(|gate| {
                scope.spawn(|| {
                    let timer = crate::timings::start();
                    let loaded = load(sandbox, &lockfile, config, gate);
                    crate::timings::done(&format!("load {}", gate.id.get_ref()), timer);
                    loaded
                })
            })
            .collect();
        join_all(handles)
    });
    for (gate, policy) in gates.iter().zip(policies) {
        let policy = policy?;
        let (params, levels) = match &policy {
            Ok(policy) => {
                let class = config.safety_class;
                let params = params::resolve(&policy.info, gate, class, &config.source)
                    .unwrap_or_else(|mut e| {
                        errors.append(&mut e);
                        Vec::new()
                    });
                let levels = levels::resolve(&policy.info, gate, class, &config.source)
                    .unwrap_or_else(|mut e| {
                        errors.append(&mut e);
                        Vec::new()
                    });
                (params, levels)
            }
            Err(_) => (Vec::new(), Vec::new()),
        };
        loaded.push(Loaded {
            gate,
            policy,
            params,
            levels,
        });
    }
    let gate_checks: Vec<(String, Vec<String>)> = loaded
        .iter()
        .filter_map(|l| {
            let checks = l.policy.as_ref().ok()?.info.checks.iter();
            Some((
                l.gate.id.get_ref().clone(),
                checks.map(|c| c.id.clone()).collect(),
            ))
        })
        .collect();
    errors.extend(waivers.validate(&gate_checks));
    if !errors.is_empty() {
        return Err(ConfigErrors(errors).into());
    }

    let mut kinds: Vec<EvidenceKind> = loaded
        .iter()
        .filter_map(|l| l.policy.as_ref().ok())
        .flat_map(|p| p.needs().into_iter().chain(p.uses()))
        .collect();
    kinds.sort();
    kinds.dedup();
    let timer = crate::timings::start();
    let evidence = evidence(&kinds)?;
    crate::timings::done("evidence", timer);
    let available = evidence.available();
    let index = Arc::new(EvidenceIndex::new(evidence));
    // Gates are independent: evaluate them in parallel, report in order.
    let reports: Vec<GateReport> = std::thread::scope(|scope| {
        let handles: Vec<_> = loaded
            .iter()
            .map(|loaded| {
                let (index, available, waivers, date) =
                    (index.clone(), &available, &waivers, options.date);
                scope.spawn(move || {
                    let mut report = evaluate_gate(sandbox, config, loaded, available, index);
                    // Waivers excuse subjects first; levels then weigh what is left.
                    let mut verdict = Verdict {
                        outcome: report.outcome,
                        checks: std::mem::take(&mut report.checks),
                    };
                    waivers.apply(&report.id, &mut verdict, date);
                    levels::apply(&mut verdict, &loaded.levels);
                    verdict.recompute();
                    report.outcome = verdict.outcome;
                    report.checks = verdict.checks;
                    report
                })
            })
            .collect();
        join_all(handles)
    });

    let outcome = reports
        .iter()
        .map(|g| g.outcome)
        .max()
        .unwrap_or(Outcome::Error);
    let report = Report {
        schema: crate::report::SCHEMA,
        regops_version: env!("CARGO_PKG_VERSION"),
        wasmtime_version: crate::policy::contract::WASMTIME_VERSION,
        product: config.product.clone(),
        safety_class: config.safety_class,
        commit: crate::release::commit(config),
        date: options.date.to_string(),
        outcome,
        config: config
            .source
            .files()
            .map(|(path, sha256)| FileDigest {
                path: path.to_string(),
                sha256: sha256.to_string(),
            })
            .collect(),
        gates: reports,
        evidence: index
            .evidence
            .files
            .iter()
            .map(|f| EvidenceEntry {
                path: f.path.clone(),
                kind: f.kind,
                format: f.format,
                sha256: f.sha256.clone(),
                warnings: f.warnings.clone(),
            })
            .collect(),
        waivers: waivers.sha256.as_ref().map(|sha256| FileDigest {
            path: waivers
                .source
                .as_ref()
                .map(|s| s.display.clone())
                .unwrap_or_default(),
            sha256: sha256.clone(),
        }),
    };
    Ok(Judged {
        report,
        evidence: index,
    })
}

/// A configured gate, loaded (or not), with its validated settings.
struct Loaded<'a> {
    gate: &'a GateConfig,
    policy: Result<Policy, (String, Option<String>)>,
    params: Vec<EffectiveParam>,
    levels: Vec<levels::LevelSetting>,
}

/// Loads one gate's component. The outer error aborts the run (a pin
/// mismatch, a missing file); the inner one makes just this gate `error`.
fn load(
    sandbox: &Sandbox,
    lockfile: &Lockfile,
    config: &Config,
    gate: &GateConfig,
) -> anyhow::Result<Result<Policy, (String, Option<String>)>> {
    let reference = gate.policy.get_ref();
    let config_error = |message: String| -> anyhow::Error {
        ConfigErrors(vec![config.source.error_at(gate.policy.span(), message)]).into()
    };
    let external = match Reference::parse(reference, &config.dir).map_err(config_error)? {
        Reference::Builtin(builtin) => {
            lockfile
                .verify_builtin(gate.id.get_ref(), reference, builtin.sha256)
                .map_err(anyhow::Error::msg)?;
            return Ok(sandbox
                .load_builtin(builtin)
                .map_err(|e| (e, Some(builtin.sha256.to_string()))));
        }
        external => external,
    };
    // Read or fetched, then checked against its pin: nothing unpinned compiles.
    let resolved = lockfile
        .fetch_verified(gate.id.get_ref(), reference, &external)
        .map_err(|refused| match refused {
            Refused::Unavailable(message) => config_error(message),
            Refused::Pin(message) => anyhow::Error::msg(message),
        })?;
    Ok(sandbox
        .load_component(reference.clone(), resolved.sha256.clone(), &resolved.bytes)
        .map_err(|e| (e, Some(resolved.sha256))))
}

fn evaluate_gate(
    sandbox: &Sandbox,
    config: &Config,
    loaded: &Loaded<'_>,
    available: &[EvidenceKind],
    index: Arc<EvidenceIndex>,
) -> GateReport {
    let (gate, params) = (loaded.gate, &loaded.params);
    let policy = match &loaded.policy {
        Ok(policy) => policy,
        Err((message, sha256)) => {
            return GateReport::unloaded(
                gate,
                sha256.clone(),
                Verdict::error("load", message.clone()),
            );
        }
    };
    let missing: Vec<EvidenceKind> = policy
        .needs()
        .into_iter()
        .filter(|k| !available.contains(k))
        .collect();
    let (verdict, fuel) = if missing.is_empty() {
        let context = wit::Context {
            product: config.product.clone(),
            safety_class: match config.safety_class {
                crate::config::SafetyClass::A => wit::SafetyClass::A,
                crate::config::SafetyClass::B => wit::SafetyClass::B,
                crate::config::SafetyClass::C => wit::SafetyClass::C,
            },
            params: params
                .iter()
                .map(|p| wit::Param {
                    name: p.name.clone(),
                    value: value_to(&p.value),
                })
                .collect(),
            available: available.iter().map(|k| evidence_kind_to(*k)).collect(),
        };
        let timer = crate::timings::start();
        let evaluation = sandbox.evaluate(policy, context, index);
        let id = gate.id.get_ref();
        crate::timings::done(&format!("evaluate {id}"), timer);
        if let Some(host) = evaluation.host_time {
            crate::timings::report(
                &format!("evaluate {id}: host calls (evidence lifted and lowered)"),
                host,
            );
        }
        for line in &evaluation.logs {
            eprintln!("[{}] {line}", gate.id.get_ref());
        }
        (evaluation.verdict, Some(evaluation.fuel_consumed))
    } else {
        let keys: Vec<String> = missing
            .iter()
            .map(|k| format!("`{}`", config_key(*k)))
            .collect();
        let message = format!(
            "{} needs {} evidence, and none was configured; add {} under [evidence] in {}",
            policy.info.name,
            keys.join(" and "),
            keys.iter()
                .map(|k| format!("{} = [\"path/to/file\"]", k.trim_matches('`')))
                .collect::<Vec<_>>()
                .join(", "),
            config.source.display
        );
        (Verdict::error("evidence", message), None)
    };
    GateReport {
        id: gate.id.get_ref().clone(),
        name: policy.info.name.clone(),
        version: Some(policy.info.version.clone()),
        policy: PolicyRef {
            source: policy.source.clone(),
            sha256: Some(policy.sha256.clone()),
        },
        outcome: verdict.outcome,
        params: params.to_vec(),
        params_sha256: Some(crate::replay::params_sha256(params)),
        fuel_consumed: fuel,
        checks: verdict.checks,
    }
}

/// The `[evidence]` key of a kind.
fn config_key(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Components => "sbom",
        other => other.as_str(),
    }
}
