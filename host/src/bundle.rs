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

/// The value of `schema` when it is the document's first key, as
/// [`render`] writes it, read without parsing the rest: skipping the rest
/// of a large bundle took a fifth of the time reading it.
fn leading_schema(bytes: &[u8]) -> Option<String> {
    struct First<'a>(&'a mut Option<String>);
    impl<'de> serde::de::Visitor<'de> for First<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            if map.next_key::<String>()?.as_deref() == Some("schema") {
                *self.0 = Some(map.next_value::<String>()?);
            }
            Ok(())
        }
    }
    let mut schema = None;
    // serde_json reports the entries left unread as an error once the
    // visitor returns; the value is taken before that, so the error is moot.
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let _ = serde::Deserializer::deserialize_map(&mut json, First(&mut schema));
    schema
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
    let schema = match leading_schema(&bytes) {
        Some(schema) => schema,
        // Not the first key (edited by hand?): find it the slow way.
        None => {
            serde_json::from_slice::<SchemaOnly>(&bytes)
                .map_err(malformed)?
                .schema
        }
    };
    if schema != SCHEMA {
        bail!(
            "{}: evidence bundle schema `{schema}` is not supported; this regops reads `{SCHEMA}`",
            path.display(),
        );
    }
    // `schema` is the one key the evidence model does not have; it is ignored.
    serde_json::from_slice(&bytes).map_err(malformed)
}
