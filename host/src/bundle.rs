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

/// Just the schema id, read first so a bundle of another version is named
/// as such rather than as malformed.
#[derive(Deserialize)]
struct SchemaOnly {
    schema: String,
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

/// Reads a bundle written by `regops evidence`. The file is read whole and
/// parsed from memory, without `#[serde(flatten)]`, which would buffer every
/// record as a generic value first (profiled: 4× the time, 2× the memory).
pub fn read(path: &Path) -> anyhow::Result<Evidence> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("{}: cannot read the evidence bundle", path.display()))?;
    let malformed = |e: serde_json::Error| {
        anyhow::anyhow!(
            "{}:{}:{}: not a regops evidence bundle: {e}; write one with `regops evidence --config regops.toml > bundle.json`",
            path.display(),
            e.line(),
            e.column().max(1)
        )
    };
    let schema: SchemaOnly = serde_json::from_slice(&bytes).map_err(malformed)?;
    if schema.schema != SCHEMA {
        bail!(
            "{}: evidence bundle schema `{}` is not supported; this regops reads `{SCHEMA}`",
            path.display(),
            schema.schema
        );
    }
    // `schema` is the one key the evidence model does not have; it is ignored.
    serde_json::from_slice(&bytes).map_err(malformed)
}
