//! The normalised evidence model converted to the contract's records, and
//! the contract's verdict converted back. One place, so the two stay in step.

use regops_evidence as ev;

use super::bindings::types as wit;

pub fn location(l: &ev::Location) -> wit::Location {
    wit::Location {
        file: l.file.clone(),
        line: l.line,
        column: l.column,
    }
}

pub fn test_status(s: ev::TestStatus) -> wit::TestStatus {
    match s {
        ev::TestStatus::Passed => wit::TestStatus::Passed,
        ev::TestStatus::Failed => wit::TestStatus::Failed,
        ev::TestStatus::Errored => wit::TestStatus::Errored,
        ev::TestStatus::Skipped => wit::TestStatus::Skipped,
    }
}

pub fn test_status_from(s: wit::TestStatus) -> ev::TestStatus {
    match s {
        wit::TestStatus::Passed => ev::TestStatus::Passed,
        wit::TestStatus::Failed => ev::TestStatus::Failed,
        wit::TestStatus::Errored => ev::TestStatus::Errored,
        wit::TestStatus::Skipped => ev::TestStatus::Skipped,
    }
}

pub fn test_level(l: ev::TestLevel) -> wit::TestLevel {
    match l {
        ev::TestLevel::Unit => wit::TestLevel::Unit,
        ev::TestLevel::Integration => wit::TestLevel::Integration,
        ev::TestLevel::System => wit::TestLevel::System,
        ev::TestLevel::Unspecified => wit::TestLevel::Unspecified,
    }
}

pub fn test_case(t: &ev::TestCase) -> wit::TestCase {
    wit::TestCase {
        id: t.id.clone(),
        suite: t.suite.clone(),
        name: t.name.clone(),
        source: t.source.as_ref().map(location),
        status: test_status(t.status),
        duration_ms: t.duration_ms,
        message: t.message.clone(),
        flaky: t.flaky,
        requirements: t.requirements.clone(),
        level: test_level(t.level),
        evidence: t.evidence.clone(),
    }
}

pub fn counts(c: ev::CoverageCounts) -> wit::CoverageCounts {
    wit::CoverageCounts {
        covered: c.covered,
        total: c.total,
    }
}

pub fn file_coverage(f: &ev::FileCoverage) -> wit::FileCoverage {
    wit::FileCoverage {
        path: f.path.clone(),
        lines: counts(f.lines),
        branches: f.branches.map(counts),
    }
}

pub fn finding_level(l: ev::FindingLevel) -> wit::FindingLevel {
    match l {
        ev::FindingLevel::Error => wit::FindingLevel::Error,
        ev::FindingLevel::Warning => wit::FindingLevel::Warning,
        ev::FindingLevel::Note => wit::FindingLevel::Note,
        ev::FindingLevel::None => wit::FindingLevel::None,
    }
}

pub fn finding_level_from(l: wit::FindingLevel) -> ev::FindingLevel {
    match l {
        wit::FindingLevel::Error => ev::FindingLevel::Error,
        wit::FindingLevel::Warning => ev::FindingLevel::Warning,
        wit::FindingLevel::Note => ev::FindingLevel::Note,
        wit::FindingLevel::None => ev::FindingLevel::None,
    }
}

pub fn finding(f: &ev::Finding) -> wit::Finding {
    wit::Finding {
        tool: f.tool.clone(),
        rule: f.rule.clone(),
        level: finding_level(f.level),
        message: f.message.clone(),
        security_severity: f.security_severity,
        location: f.location.as_ref().map(location),
        fingerprint: f.fingerprint.clone(),
        baseline: match f.baseline {
            ev::BaselineState::New => wit::BaselineState::New,
            ev::BaselineState::Unchanged => wit::BaselineState::Unchanged,
            ev::BaselineState::Updated => wit::BaselineState::Updated,
            ev::BaselineState::Absent => wit::BaselineState::Absent,
            ev::BaselineState::Unknown => wit::BaselineState::Unknown,
        },
        suppressions: f
            .suppressions
            .iter()
            .map(|s| wit::Suppression {
                kind: s.kind.clone(),
                status: match s.status {
                    ev::SuppressionStatus::Accepted => wit::SuppressionStatus::Accepted,
                    ev::SuppressionStatus::UnderReview => wit::SuppressionStatus::UnderReview,
                    ev::SuppressionStatus::Rejected => wit::SuppressionStatus::Rejected,
                },
                justification: s.justification.clone(),
            })
            .collect(),
        evidence: f.evidence.clone(),
    }
}

pub fn component(c: &ev::Component) -> wit::Component {
    wit::Component {
        name: c.name.clone(),
        version: c.version.clone(),
        purl: c.purl.clone(),
        licences: c.licences.clone(),
        hashes: c
            .hashes
            .iter()
            .map(|h| wit::Hash {
                algorithm: h.algorithm.clone(),
                value: h.value.clone(),
            })
            .collect(),
        supplier: c.supplier.clone(),
        direct: c.direct,
        evidence: c.evidence.clone(),
    }
}

pub fn severity(s: ev::Severity) -> wit::Severity {
    match s {
        ev::Severity::None => wit::Severity::None,
        ev::Severity::Low => wit::Severity::Low,
        ev::Severity::Medium => wit::Severity::Medium,
        ev::Severity::High => wit::Severity::High,
        ev::Severity::Critical => wit::Severity::Critical,
        ev::Severity::Unknown => wit::Severity::Unknown,
    }
}

pub fn severity_from(s: wit::Severity) -> ev::Severity {
    match s {
        wit::Severity::None => ev::Severity::None,
        wit::Severity::Low => ev::Severity::Low,
        wit::Severity::Medium => ev::Severity::Medium,
        wit::Severity::High => ev::Severity::High,
        wit::Severity::Critical => ev::Severity::Critical,
        wit::Severity::Unknown => ev::Severity::Unknown,
    }
}

pub fn assessment(a: &ev::Assessment) -> wit::Assessment {
    wit::Assessment {
        status: match a.status {
            ev::VexStatus::NotAffected => wit::VexStatus::NotAffected,
            ev::VexStatus::Affected => wit::VexStatus::Affected,
            ev::VexStatus::Fixed => wit::VexStatus::Fixed,
            ev::VexStatus::UnderInvestigation => wit::VexStatus::UnderInvestigation,
        },
        justification: a.justification.clone(),
        author: a.author.clone(),
        timestamp: a.timestamp.clone(),
        detail: a.detail.clone(),
        evidence: a.evidence.clone(),
    }
}

pub fn vulnerability(v: &ev::Vulnerability) -> wit::Vulnerability {
    wit::Vulnerability {
        id: v.id.clone(),
        aliases: v.aliases.clone(),
        package: v.package.clone(),
        version: v.version.clone(),
        purl: v.purl.clone(),
        severity: severity(v.severity),
        cvss_score: v.cvss_score,
        fixed_versions: v.fixed_versions.clone(),
        scanner: v.scanner.clone(),
        database_time: v.database_time.clone(),
        assessment: v.assessment.as_ref().map(assessment),
        evidence: v.evidence.clone(),
    }
}

pub fn vex_statement(s: &ev::VexStatement) -> wit::VexStatement {
    wit::VexStatement {
        vulnerability: s.vulnerability.clone(),
        aliases: s.aliases.clone(),
        products: s.products.clone(),
        assessment: assessment(&s.assessment),
    }
}

pub fn requirement(r: &ev::Requirement) -> wit::Requirement {
    wit::Requirement {
        id: r.id.clone(),
        title: r.title.clone(),
        kind: r.kind.clone(),
        status: r.status.clone(),
        parents: r.parents.clone(),
        risk_control: r.risk_control,
        verified_by: r.verified_by.clone(),
        suspect_links: r.suspect_links.clone(),
        source: location(&r.source),
    }
}

pub fn soup_item(s: &ev::SoupItem) -> wit::SoupItem {
    wit::SoupItem {
        package: s.package.clone(),
        version: s.version.clone(),
        purpose: s.purpose.clone(),
        risk_level: s.risk_level.clone(),
        requirements: s.requirements.clone(),
        reviewed_by: s.reviewed_by.clone(),
        anomalies_reviewed: s.anomalies_reviewed,
        source: location(&s.source),
    }
}

pub fn approval(a: &ev::Approval) -> wit::Approval {
    wit::Approval {
        who: a.who.clone(),
        roles: a.roles.clone(),
        decision: match a.decision {
            ev::Decision::Approved => wit::Decision::Approved,
            ev::Decision::ChangesRequested => wit::Decision::ChangesRequested,
            ev::Decision::Commented => wit::Decision::Commented,
            ev::Decision::Dismissed => wit::Decision::Dismissed,
        },
        commit: a.commit.clone(),
        timestamp: a.timestamp.clone(),
        source: a.source.clone(),
        signature_verified: a.signature_verified,
    }
}

pub fn change_request(c: &ev::ChangeRequest) -> wit::ChangeRequest {
    wit::ChangeRequest {
        id: c.id.clone(),
        title: c.title.clone(),
        url: c.url.clone(),
        author: c.author.clone(),
        co_authors: c.co_authors.clone(),
        head_commit: c.head_commit.clone(),
        base_ref: c.base_ref.clone(),
        changed_files: c.changed_files.clone(),
        linked_issues: c.linked_issues.clone(),
        soup_changes: c.soup_changes.as_ref().map(|changes| {
            changes
                .iter()
                .map(|s| wit::SoupChange {
                    name: s.name.clone(),
                    before: s.before.clone(),
                    after: s.after.clone(),
                })
                .collect()
        }),
        source: c.source.clone(),
    }
}

pub fn anomaly(a: &ev::Anomaly) -> wit::Anomaly {
    wit::Anomaly {
        id: a.id.clone(),
        title: a.title.clone(),
        severity: a.severity.clone(),
        evaluation: a.evaluation.clone(),
        source: a.source.clone(),
    }
}

fn artifact(a: &ev::Artifact) -> wit::Artifact {
    wit::Artifact {
        name: a.name.clone(),
        sha256: a.sha256.clone(),
    }
}

pub fn release(r: &ev::ReleaseInfo) -> wit::ReleaseInfo {
    wit::ReleaseInfo {
        product: r.product.clone(),
        version: r.version.clone(),
        tag: r.tag.clone(),
        commit: r.commit.clone(),
        timestamp: r.timestamp.clone(),
        udi_di: r.udi_di.clone(),
        artifacts: r.artifacts.iter().map(artifact).collect(),
        lockfiles: r.lockfiles.iter().map(artifact).collect(),
        cited_documents: r.cited_documents.clone(),
    }
}

pub fn deployment(d: &ev::Deployment) -> wit::Deployment {
    wit::Deployment {
        environment: d.environment.clone(),
        version: d.version.clone(),
        artifact_name: d.artifact_name.clone(),
        artifact_sha256: d.artifact_sha256.clone(),
        smoke_tests_passed: d.smoke_tests_passed,
        rollback_plan: d.rollback_plan.clone(),
        timestamp: d.timestamp.clone(),
        evidence: d.evidence.clone(),
    }
}

pub fn document(d: &ev::ControlledDocument) -> wit::ControlledDocument {
    wit::ControlledDocument {
        id: d.id.clone(),
        title: d.title.clone(),
        status: d.status.clone(),
        revision: d.revision.clone(),
        approvers: d.approvers.clone(),
        signoffs: d.signoffs.iter().map(approval).collect(),
        path: d.path.clone(),
    }
}

pub fn gate_result(g: &ev::GateResult) -> wit::GateResult {
    wit::GateResult {
        gate: g.gate.clone(),
        outcome: match g.outcome {
            ev::GateOutcome::Pass => wit::Outcome::Pass,
            ev::GateOutcome::Fail => wit::Outcome::Fail,
            ev::GateOutcome::Warn => wit::Outcome::Warn,
            ev::GateOutcome::Error => wit::Outcome::Error,
        },
        commit: g.commit.clone(),
        policy_sha256: g.policy_sha256.clone(),
        timestamp: g.timestamp.clone(),
        report: g.report.clone(),
    }
}

pub fn measurement(m: &ev::Measurement) -> wit::Measurement {
    wit::Measurement {
        name: m.name.clone(),
        statistic: m.statistic.clone(),
        value: m.value,
        unit: m.unit.clone(),
        budget_max: m.budget_max,
        budget_min: m.budget_min,
        source: location(&m.source),
    }
}

pub fn evidence_kind(k: ev::EvidenceKind) -> wit::EvidenceKind {
    match k {
        ev::EvidenceKind::Tests => wit::EvidenceKind::Tests,
        ev::EvidenceKind::Coverage => wit::EvidenceKind::Coverage,
        ev::EvidenceKind::Findings => wit::EvidenceKind::Findings,
        ev::EvidenceKind::Components => wit::EvidenceKind::Components,
        ev::EvidenceKind::Vulnerabilities => wit::EvidenceKind::Vulnerabilities,
        ev::EvidenceKind::Vex => wit::EvidenceKind::Vex,
        ev::EvidenceKind::Requirements => wit::EvidenceKind::Requirements,
        ev::EvidenceKind::Soup => wit::EvidenceKind::Soup,
        ev::EvidenceKind::Approvals => wit::EvidenceKind::Approvals,
        ev::EvidenceKind::Anomalies => wit::EvidenceKind::Anomalies,
        ev::EvidenceKind::Release => wit::EvidenceKind::Release,
        ev::EvidenceKind::Deployments => wit::EvidenceKind::Deployments,
        ev::EvidenceKind::Documents => wit::EvidenceKind::Documents,
        ev::EvidenceKind::Change => wit::EvidenceKind::Change,
        ev::EvidenceKind::GateResults => wit::EvidenceKind::GateResults,
        ev::EvidenceKind::Measurements => wit::EvidenceKind::Measurements,
    }
}

pub fn evidence_kind_from(k: wit::EvidenceKind) -> ev::EvidenceKind {
    ev::EvidenceKind::ALL
        .into_iter()
        .find(|e| evidence_kind(*e) == k)
        .expect("every contract evidence kind has a model kind")
}
