//! Earlier `regops check` reports (`regops.report/v1`, docs/report.md),
//! read back as gate results: gate G5 asks whether G1–G4 passed on the
//! commit being released, and the reports the pipeline saved from those
//! runs are the evidence.
//!
//! Only what G5 needs is read: each gate's id, outcome and policy digest,
//! and the report's commit and date. The rest of the report is allowed
//! and ignored (it is the earlier run's business).

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::model::{GateOutcome, GateResult};

/// The value of `schema`.
pub const SCHEMA: &str = "regops.report/v1";

#[derive(Deserialize)]
struct Report {
    schema: String,
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    date: Option<String>,
    gates: Vec<Gate>,
}

#[derive(Deserialize)]
struct Gate {
    id: String,
    outcome: GateOutcome,
    policy: Policy,
}

#[derive(Deserialize)]
struct Policy {
    sha256: String,
}

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<GateResult>,
) -> Result<(), FormatError> {
    let report: Report = read_json_document(reader)?;
    if report.schema != SCHEMA {
        return Err(FormatError::whole_file(format!(
            "`schema` is `{}`; this regops reads `{SCHEMA}` reports",
            report.schema
        )));
    }
    if report.commit.is_none() {
        ctx.warnings.push(
            "the report names no commit (written by a regops before 0.1 or outside git), \
             so it cannot show which commit its gates judged"
                .to_string(),
        );
    }
    for gate in report.gates {
        out.push(GateResult {
            gate: gate.id,
            outcome: gate.outcome,
            commit: report.commit.clone(),
            policy_sha256: gate.policy.sha256,
            timestamp: report.date.clone(),
            report: ctx.evidence_path.to_string(),
        });
    }
    Ok(())
}
