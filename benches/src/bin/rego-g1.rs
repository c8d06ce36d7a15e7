//! `rego-g1 --bundle BUNDLE.json [--policy FILE.rego] [--class A|B|C]
//! [--param NAME=VALUE]... [--json] [--compare REPORT.json]`
//!
//! Evaluates the G1 gate written in Rego (`benches/rego/g1.rego`, embedded
//! unless `--policy` names another file) with regorus over a regops evidence
//! bundle (`regops evidence --config regops.toml > bundle.json`) and prints
//! the ids of the failing checks, one a line (`--json`: the whole verdict).
//! `--param` overrides a class default as `[gates.ci.params.X]` does (VALUE is
//! JSON: `false`, `0.8`, `"high"`; a bare word is a string).
//!
//! `--compare REPORT.json` also reads a regops JSON report
//! (`regops check --format json`) and exits 1 unless its `ci` gate agrees
//! with the Rego verdict check by check (outcome, measured, subjects).
//!
//! The last line on stderr is machine-readable:
//! `TIMING read_ms=.. parse_ms=.. policy_ms=.. eval_ms=..`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use regops_bench::rego;
use serde_json::{Map, Value as Json};

const USAGE: &str = "usage: rego-g1 --bundle BUNDLE.json [--policy FILE.rego] [--class A|B|C] \
                     [--param NAME=VALUE]... [--json] [--compare REPORT.json]";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rego-g1: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let (mut bundle, mut policy, mut compare) = (None, None, None);
    let mut class = "B".to_string();
    let mut params = Map::new();
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--bundle" => bundle = Some(PathBuf::from(value()?)),
            "--policy" => policy = Some(PathBuf::from(value()?)),
            "--compare" => compare = Some(PathBuf::from(value()?)),
            "--class" => class = value()?,
            "--param" => {
                let v = value()?;
                let Some((name, raw)) = v.split_once('=') else {
                    anyhow::bail!("--param {v}: expected NAME=VALUE");
                };
                let parsed =
                    serde_json::from_str(raw).unwrap_or_else(|_| Json::String(raw.to_string()));
                params.insert(name.to_string(), parsed);
            }
            "--json" => json = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => anyhow::bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let Some(bundle) = bundle else {
        anyhow::bail!("--bundle is required\n{USAGE}");
    };
    let policy_text = match &policy {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => rego::G1_REGO.to_string(),
    };
    let start = Instant::now();
    let text = std::fs::read_to_string(&bundle)
        .map_err(|e| anyhow::anyhow!("{}: {e}", bundle.display()))?;
    let read = start.elapsed();
    let config = serde_json::json!({ "safety_class": class, "params": params });
    let (report, timings) = rego::evaluate(&policy_text, &text, &config)?;
    drop(text);

    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for id in rego::failing(&report) {
            println!("{id}");
        }
    }
    eprintln!(
        "TIMING read_ms={:.1} parse_ms={:.1} policy_ms={:.1} eval_ms={:.1}",
        read.as_secs_f64() * 1e3,
        timings.parse_input.as_secs_f64() * 1e3,
        timings.load_policy.as_secs_f64() * 1e3,
        timings.eval.as_secs_f64() * 1e3
    );
    if let Some(path) = compare {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let regops: Json = serde_json::from_str(&text)?;
        let diffs = rego::compare(&report, &regops, "ci");
        if !diffs.is_empty() {
            for d in &diffs {
                eprintln!("rego-g1: disagree: {d}");
            }
            return Ok(ExitCode::FAILURE);
        }
        eprintln!(
            "rego-g1: regops and Rego agree on all {} checks; failing: {:?}",
            report["checks"].as_object().map_or(0, |c| c.len()),
            rego::failing(&report)
        );
    }
    Ok(ExitCode::SUCCESS)
}
