//! The report: one data model that every output channel renders.

pub mod github;
pub mod json;
pub mod text;

use regops_evidence::{EvidenceKind, Format};
use serde::Serialize;

use crate::config::{GateConfig, SafetyClass};
use crate::params::EffectiveParam;
use crate::verdict::{Check, Outcome, Verdict};

/// The JSON report's schema id; bumped on any incompatible change.
pub const SCHEMA: &str = "regops.report/v1";

/// Everything one `regops check` decided, and on what evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub regops_version: &'static str,
    /// The wasmtime that ran the gates (compiled code can differ by version).
    pub wasmtime_version: &'static str,
    pub product: String,
    pub safety_class: SafetyClass,
    /// The commit judged (`GITHUB_SHA`, else git's `HEAD`), when known:
    /// gate G5 reads it back to see that G1–G4 passed on the released commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The date waivers were judged against.
    pub date: String,
    pub outcome: Outcome,
    /// The configuration file and every file it extends, with digests.
    pub config: Vec<FileDigest>,
    pub gates: Vec<GateReport>,
    pub evidence: Vec<EvidenceEntry>,
    /// The waiver file that excused failures, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waivers: Option<FileDigest>,
}

/// A configuration or waiver file that fed the verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct FileDigest {
    pub path: String,
    pub sha256: String,
}

impl Report {
    /// 0 when every gate passed (warnings allowed), 1 when a gate failed,
    /// 2 when a gate could not be evaluated.
    pub fn exit_code(&self) -> i32 {
        match self.outcome {
            Outcome::Off | Outcome::Pass | Outcome::Warn => 0,
            Outcome::Fail => 1,
            Outcome::Error => 2,
        }
    }
}

/// Which component judged a gate.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRef {
    /// The reference as configured: `builtin:ci` or a path.
    pub source: String,
    /// SHA-256 of the component bytes; absent only when they could not be read.
    pub sha256: Option<String>,
}

/// One gate's verdict and how it was reached.
#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub id: String,
    pub name: String,
    /// The policy's own version, when it could describe itself.
    pub version: Option<String>,
    pub policy: PolicyRef,
    pub outcome: Outcome,
    /// Every parameter's effective value and where it came from.
    pub params: Vec<EffectiveParam>,
    /// SHA-256 of the parameters' canonical form (`crate::replay::params_sha256`);
    /// absent when the gate could not be loaded.
    pub params_sha256: Option<String>,
    /// Fuel the evaluation consumed: deterministic, so it replays exactly.
    pub fuel_consumed: Option<u64>,
    pub checks: Vec<Check>,
}

impl GateReport {
    /// A gate whose component could not be loaded.
    pub fn unloaded(gate: &GateConfig, sha256: Option<String>, verdict: Verdict) -> GateReport {
        GateReport {
            id: gate.id.get_ref().clone(),
            name: gate.id.get_ref().clone(),
            version: None,
            policy: PolicyRef {
                source: gate.policy.get_ref().clone(),
                sha256,
            },
            outcome: verdict.outcome,
            params: Vec::new(),
            params_sha256: None,
            fuel_consumed: None,
            checks: verdict.checks,
        }
    }
}

/// One evidence file that fed the verdicts.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceEntry {
    pub path: String,
    pub kind: EvidenceKind,
    pub format: Format,
    pub sha256: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}
