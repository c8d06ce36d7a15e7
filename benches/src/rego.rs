//! The G1 gate in Rego (`benches/rego/g1.rego`) evaluated by regorus, and a
//! comparison of its verdict with a regops JSON report: the alternative a
//! user would pick instead of regops, run over the same evidence bundle.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The policy text, embedded so the runner and the tests use the same file.
pub const G1_REGO: &str = include_str!("../rego/g1.rego");

/// The rule holding the verdict: `{outcome, checks: {id: {outcome, measured, subjects}}}`.
pub const REPORT_RULE: &str = "data.regops.g1.report";

/// Where one evaluation spent its time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// JSON text to a regorus value (the bundle).
    pub parse_input: Duration,
    /// Parsing the policy and the data document.
    pub load_policy: Duration,
    /// `eval_rule` of [`REPORT_RULE`].
    pub eval: Duration,
}

/// Evaluates `policy` over the bundle's JSON text with `config`
/// (`{"safety_class", "params"}`) as `data.config`; returns the report rule's
/// value as JSON.
pub fn evaluate(policy: &str, bundle_json: &str, config: &Json) -> anyhow::Result<(Json, Timings)> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let mut engine = regorus::Engine::new();
    engine.add_policy("g1.rego".to_string(), policy.to_string())?;
    engine.add_data_json(&serde_json::json!({ "config": config }).to_string())?;
    timings.load_policy = start.elapsed();

    let start = Instant::now();
    let input = regorus::Value::from_json_str(bundle_json)?;
    timings.parse_input = start.elapsed();
    engine.set_input(input);

    let start = Instant::now();
    let report = engine.eval_rule(REPORT_RULE.to_string())?;
    timings.eval = start.elapsed();
    if report == regorus::Value::Undefined {
        anyhow::bail!("{REPORT_RULE} is undefined for this input");
    }
    Ok((serde_json::from_str(&report.to_json_str()?)?, timings))
}

/// The ids of the checks whose outcome is `fail`, sorted.
pub fn failing(report: &Json) -> Vec<String> {
    let mut ids: Vec<String> = report["checks"]
        .as_object()
        .map(|checks| {
            checks
                .iter()
                .filter(|(_, c)| c["outcome"] == "fail")
                .map(|(id, _)| id.clone())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// Differences between the Rego verdict and gate `gate` of a regops
/// `regops.report/v1` report, check by check: outcome, measured value (numbers
/// equal to 1e-9) and the set of subjects. Empty: they agree.
pub fn compare(rego: &Json, regops_report: &Json, gate: &str) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(ours) = regops_report["gates"]
        .as_array()
        .and_then(|gates| gates.iter().find(|g| g["id"] == gate))
    else {
        return vec![format!("the regops report has no gate `{gate}`")];
    };
    let theirs = rego["checks"].as_object().cloned().unwrap_or_default();
    let empty = Vec::new();
    let mut seen = BTreeSet::new();
    for c in ours["checks"].as_array().unwrap_or(&empty) {
        let id = c["id"].as_str().unwrap_or_default();
        seen.insert(id.to_string());
        let Some(r) = theirs.get(id) else {
            diffs.push(format!("{id}: not in the Rego verdict"));
            continue;
        };
        if c["outcome"] != r["outcome"] {
            diffs.push(format!(
                "{id}: outcome regops {} vs Rego {}",
                c["outcome"], r["outcome"]
            ));
        }
        let same_measure = match (&c["measured"], &r["measured"]) {
            (Json::Number(a), Json::Number(b)) => {
                (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(f64::NAN)).abs() < 1e-9
            }
            (a, b) => a == b,
        };
        if !same_measure {
            diffs.push(format!(
                "{id}: measured regops {} vs Rego {}",
                c["measured"], r["measured"]
            ));
        }
        let set = |v: &Json| -> BTreeSet<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (a, b) = (set(&c["subjects"]), set(&r["subjects"]));
        if a != b {
            let only_regops: Vec<&String> = a.difference(&b).take(3).collect();
            let only_rego: Vec<&String> = b.difference(&a).take(3).collect();
            diffs.push(format!(
                "{id}: subjects differ ({} vs {}; only in regops: {only_regops:?}; only in Rego: {only_rego:?})",
                a.len(),
                b.len()
            ));
        }
    }
    for id in theirs.keys().filter(|id| !seen.contains(*id)) {
        diffs.push(format!("{id}: only in the Rego verdict"));
    }
    diffs
}
