//! The evidence bundle (`regops.evidence/v1`): normalised evidence saved as
//! JSON, so one job can gather it and another judge or publish it. A bundle
//! is data only: reading one runs nothing.

use std::path::Path;

use anyhow::{Context, bail};
use regops_evidence::Evidence;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "regops.evidence/v1";

#[derive(Serialize)]
struct BundleOut<'a> {
    schema: &'static str,
    #[serde(flatten)]
    evidence: &'a Evidence,
}

#[derive(Deserialize)]
struct BundleIn {
    schema: String,
    #[serde(flatten)]
    evidence: Evidence,
}

/// The bundle's JSON text, schema id first, with a trailing newline.
pub fn render(evidence: &Evidence) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&BundleOut {
        schema: SCHEMA,
        evidence,
    })?;
    text.push('\n');
    Ok(text)
}

/// Reads a bundle written by `regops evidence`.
pub fn read(path: &Path) -> anyhow::Result<Evidence> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("{}: cannot read the evidence bundle", path.display()))?;
    let bundle: BundleIn = serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a regops evidence bundle: {e}; write one with `regops evidence --config regops.toml > bundle.json`",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if bundle.schema != SCHEMA {
        bail!(
            "{}: evidence bundle schema `{}` is not supported; this regops reads `{SCHEMA}`",
            path.display(),
            bundle.schema
        );
    }
    Ok(bundle.evidence)
}
