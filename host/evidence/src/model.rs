//! The normalised evidence model.
//!
//! These types mirror the records of `wit/gate.wit` one to one (the WIT file
//! documents every field); the host converts them at the component boundary.
//! They serialise to the `regops.evidence/v1` JSON schema with snake_case
//! names, so a saved bundle reads back into exactly the same evidence.

use serde::{Deserialize, Serialize};

/// The kinds of evidence the host normalises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Tests,
    Coverage,
    Findings,
    Components,
    Vulnerabilities,
    Vex,
    Requirements,
    Soup,
    Approvals,
    Anomalies,
    Release,
    Deployments,
    Documents,
    Change,
    GateResults,
    Measurements,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 16] = [
        EvidenceKind::Tests,
        EvidenceKind::Coverage,
        EvidenceKind::Findings,
        EvidenceKind::Components,
        EvidenceKind::Vulnerabilities,
        EvidenceKind::Vex,
        EvidenceKind::Requirements,
        EvidenceKind::Soup,
        EvidenceKind::Approvals,
        EvidenceKind::Anomalies,
        EvidenceKind::Release,
        EvidenceKind::Deployments,
        EvidenceKind::Documents,
        EvidenceKind::Change,
        EvidenceKind::GateResults,
        EvidenceKind::Measurements,
    ];

    /// The name used in `[evidence]` config keys and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Tests => "tests",
            EvidenceKind::Coverage => "coverage",
            EvidenceKind::Findings => "findings",
            EvidenceKind::Components => "components",
            EvidenceKind::Vulnerabilities => "vulnerabilities",
            EvidenceKind::Vex => "vex",
            EvidenceKind::Requirements => "requirements",
            EvidenceKind::Soup => "soup",
            EvidenceKind::Approvals => "approvals",
            EvidenceKind::Anomalies => "anomalies",
            EvidenceKind::Release => "release",
            EvidenceKind::Deployments => "deployments",
            EvidenceKind::Documents => "documents",
            EvidenceKind::Change => "change",
            EvidenceKind::GateResults => "gate-results",
            EvidenceKind::Measurements => "measurements",
        }
    }
}

impl std::fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in an evidence or source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// The single status of one test case. Order matters: when a producer
/// records several outcomes for one case, the greatest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    Skipped,
    Failed,
    Errored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestLevel {
    Unit,
    Integration,
    System,
    #[default]
    Unspecified,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    pub id: String,
    pub suite: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Location>,
    pub status: TestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub flaky: bool,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub level: TestLevel,
    pub evidence: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageCounts {
    pub covered: u64,
    pub total: u64,
}

impl CoverageCounts {
    pub fn add(&mut self, other: CoverageCounts) {
        self.covered += other.covered;
        self.total += other.total;
    }

    /// Covered fraction; `None` when there is nothing to cover.
    pub fn ratio(&self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 / self.total as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileCoverage {
    pub path: String,
    pub lines: CoverageCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branches: Option<CoverageCounts>,
    pub evidence: String,
    /// The lines behind the counts, while a load merges several coverage
    /// files (`crate::coverage`); always `None` in a loaded model.
    #[serde(skip)]
    pub(crate) measured: Option<Box<crate::coverage::MeasuredLines>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingLevel {
    Error,
    Warning,
    Note,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    New,
    Unchanged,
    Updated,
    Absent,
    #[default]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionStatus {
    Accepted,
    UnderReview,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppression {
    pub kind: String,
    pub status: SuppressionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub tool: String,
    pub rule: String,
    pub level: FindingLevel,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub baseline: BaselineState,
    #[serde(default)]
    pub suppressions: Vec<Suppression>,
    pub evidence: String,
}

impl Finding {
    /// SARIF §3.34: a result is suppressed when it has at least one
    /// suppression and none of them is rejected or under review.
    pub fn is_suppressed(&self) -> bool {
        !self.suppressions.is_empty()
            && self
                .suppressions
                .iter()
                .all(|s| s.status == SuppressionStatus::Accepted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    pub algorithm: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(default)]
    pub licences: Vec<String>,
    #[serde(default)]
    pub hashes: Vec<Hash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    pub evidence: String,
}

/// Qualitative severity. Order is by how bad it is; `Unknown` sorts last
/// because gates must treat a severity nobody stated as the worst case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
    Unknown,
}

impl Severity {
    /// The CVSS v3/v4 qualitative rating of a base score.
    pub fn from_cvss_score(score: f64) -> Severity {
        match score {
            s if s <= 0.0 => Severity::None,
            s if s < 4.0 => Severity::Low,
            s if s < 7.0 => Severity::Medium,
            s if s < 9.0 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// Parses the words scanners use (`moderate` is npm's and GitHub's `medium`).
    pub fn from_word(word: &str) -> Option<Severity> {
        match word.trim().to_ascii_lowercase().as_str() {
            "none" | "negligible" | "info" | "informational" => Some(Severity::None),
            "low" => Some(Severity::Low),
            "medium" | "moderate" => Some(Severity::Medium),
            "high" | "important" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            "unknown" | "" => Some(Severity::Unknown),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: VexStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Free-text explanation: OpenVEX `impact_statement` (not affected) or
    /// `action_statement` (affected), CycloneDX `analysis.detail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub package: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    pub scanner: String,
    /// When the scanner's vulnerability database was built or last updated
    /// (RFC 3339 as the scanner wrote it), when the report says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VexStatement {
    pub vulnerability: String,
    /// Other identifiers the statement gives for the vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Product and subcomponent identifiers (purls, or CycloneDX bom-refs
    /// that name no component); empty: every product.
    #[serde(default)]
    pub products: Vec<String>,
    pub assessment: Assessment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub parents: Vec<String>,
    #[serde(default)]
    pub risk_control: bool,
    #[serde(default)]
    pub verified_by: Vec<String>,
    /// Parents whose link is suspect: the parent changed since the link
    /// was last reviewed (doorstop's link stamps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspect_links: Vec<String>,
    /// What doorstop's stamps of the record are made of, while loading
    /// (taken by [`crate::formats::doorstop::finish`]).
    #[serde(skip)]
    pub doorstop: Option<Box<crate::formats::doorstop::Loading>>,
    /// Each parent's stamp as recorded on the link, while loading.
    #[serde(skip)]
    pub link_stamps: Vec<(String, String)>,
    pub source: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SoupItem {
    pub package: String,
    pub version: String,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub reviewed_by: Vec<String>,
    #[serde(default)]
    pub anomalies_reviewed: bool,
    pub source: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    ChangesRequested,
    Commented,
    Dismissed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub who: String,
    #[serde(default)]
    pub roles: Vec<String>,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    pub source: String,
    #[serde(default)]
    pub signature_verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseInfo {
    pub product: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udi_di: Option<String>,
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
    #[serde(default)]
    pub lockfiles: Vec<Artifact>,
    /// Ids of the controlled documents the release cites.
    #[serde(default)]
    pub cited_documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub environment: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smoke_tests_passed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlledDocument {
    pub id: String,
    pub title: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Roles or people the document requires to approve it.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// Sign-offs from its approvals table.
    #[serde(default)]
    pub signoffs: Vec<Approval>,
    pub path: String,
}

/// A gate's outcome as an earlier report recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateOutcome {
    Pass,
    Fail,
    Warn,
    Error,
}

/// One gate's verdict read from an earlier `regops check` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    pub gate: String,
    pub outcome: GateOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub policy_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The report file it came from.
    pub report: String,
}

/// One capacity or performance measurement, with its budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub name: String,
    /// Which statistic `value` is (`mean`, `median`, `max`...).
    pub statistic: String,
    /// `None` when a budget names a measurement no result contains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_min: Option<f64>,
    pub source: Location,
}

/// The change under review: a pull request (or merge request), for gate G2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRequest {
    /// `owner/repo#N`, or the forge's own identifier.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Who opened it.
    pub author: String,
    /// Everyone else who authored part of it.
    #[serde(default)]
    pub co_authors: Vec<String>,
    /// The commit under review (approvals must be on it).
    pub head_commit: String,
    /// The branch it merges into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_ref: Option<String>,
    /// Every path it touches.
    #[serde(default)]
    pub changed_files: Vec<String>,
    /// Issues or change requests it resolves.
    #[serde(default)]
    pub linked_issues: Vec<String>,
    /// SOUP the change adds, updates or removes, from the base branch's SBOM
    /// or SOUP register; `None` when no base was given to compare with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soup_changes: Option<Vec<SoupChange>>,
    /// Where the record came from (`github:owner/repo#N`, or a file).
    pub source: String,
}

/// One SOUP item the change adds, updates or removes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SoupChange {
    /// Package name.
    pub name: String,
    /// Version on the base branch; `None` when the change adds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Version after the change; `None` when the change removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}
