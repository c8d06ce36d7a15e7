//! Deployment records, `regops.deployment/v1` (docs/release.md): the
//! file a pipeline's deploy step writes once the release is installed in
//! an environment, for gate G3. One record per file, or a JSON array of
//! them (one per environment).
//!
//! ```json
//! {
//!   "schema": "regops.deployment/v1",
//!   "environment": "production",
//!   "version": "2.1.0",
//!   "artifact": { "name": "cardiosense-2.1.0.tar.gz", "sha256": "…" },
//!   "deployed-at": "2026-11-20T10:02:11Z",
//!   "smoke-tests": { "passed": 12, "failed": 0, "report": "reports/smoke.xml" },
//!   "rollback-plan": "Redeploy 2.0.3 with `deploy.sh 2.0.3`; data is forward compatible."
//! }
//! ```
//!
//! Unknown keys are errors: a misspelt `smoke-tests` must not read as "no
//! smoke tests ran" without a word.

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, read_json};
use crate::error::FormatError;
use crate::model::Deployment;

/// The value of `schema`.
pub const SCHEMA: &str = "regops.deployment/v1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Record {
    #[serde(default)]
    schema: Option<String>,
    environment: String,
    version: String,
    #[serde(default)]
    artifact: Option<Artifact>,
    #[serde(default)]
    deployed_at: Option<String>,
    #[serde(default)]
    deployed_by: Option<String>,
    #[serde(default)]
    smoke_tests: Option<SmokeTests>,
    #[serde(default)]
    rollback_plan: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Artifact {
    #[serde(default)]
    name: Option<String>,
    sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmokeTests {
    passed: u64,
    failed: u64,
    /// Where the smoke tests' own results are; informative (list the file
    /// under `tests` to have it judged).
    #[serde(default)]
    #[allow(dead_code)]
    report: Option<String>,
}

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Deployment>,
) -> Result<(), FormatError> {
    let bytes = read_json(reader)?;
    let explain = |e: serde_json::Error| {
        let e = FormatError::from(e);
        FormatError {
            message: format!("not a {SCHEMA} record (see docs/release.md): {}", e.message),
            at: e.at,
        }
    };
    let records: Vec<Record> = if bytes.trim_ascii_start().starts_with(b"[") {
        serde_json::from_slice(&bytes).map_err(explain)?
    } else {
        vec![serde_json::from_slice(&bytes).map_err(explain)?]
    };
    for record in records {
        if let Some(schema) = &record.schema
            && schema != SCHEMA
        {
            return Err(FormatError::whole_file(format!(
                "`schema` is `{schema}`; this regops reads `{SCHEMA}`"
            )));
        }
        let sha256 = match &record.artifact {
            Some(a) => {
                let digest = a
                    .sha256
                    .trim()
                    .trim_start_matches("sha256:")
                    .to_ascii_lowercase();
                if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(FormatError::whole_file(format!(
                        "{}: `artifact.sha256` is `{}`, not a SHA-256 (64 hex digits)",
                        record.environment, a.sha256
                    )));
                }
                Some(digest)
            }
            None => None,
        };
        if record.deployed_by.as_deref().is_some_and(str::is_empty) {
            ctx.warnings
                .push(format!("{}: `deployed-by` is empty", record.environment));
        }
        let smoke = record.smoke_tests.as_ref();
        out.push(Deployment {
            environment: record.environment,
            version: record.version,
            artifact_name: record.artifact.and_then(|a| a.name),
            artifact_sha256: sha256,
            // No test that ran cannot be a pass.
            smoke_tests_passed: smoke.map(|s| s.failed == 0 && s.passed > 0),
            rollback_plan: record.rollback_plan.filter(|p| !p.trim().is_empty()),
            timestamp: record.deployed_at,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    Ok(())
}
