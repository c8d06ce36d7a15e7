//! G5 logic, natively: a release, earlier gate results, anomalies,
//! documents and approvals in; checks out, at the classes where the
//! defaults differ.

use regops_kit::testing::{FixedEvidence, check, context};
use regops_kit::*;

use super::{ReleaseGate, gs1_check_digit_ok, is_semver};

const COMMIT: &str = "4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f";
const DIGEST: &str = "5f1e8a43c6b2d9e07a3f4c1b8d2e6a9f0c7b3d5e1a8f4c2b6d9e0a3f7c1b5d8e";
const ALL: &[EvidenceKind] = &[
    EvidenceKind::Release,
    EvidenceKind::GateResults,
    EvidenceKind::Anomalies,
    EvidenceKind::Approvals,
    EvidenceKind::Documents,
];

fn release() -> ReleaseInfo {
    ReleaseInfo {
        product: "InfuSense".into(),
        version: Some("3.2.0".into()),
        tag: Some("v3.2.0".into()),
        commit: Some(COMMIT.into()),
        timestamp: Some("2026-11-20T09:00:00+00:00".into()),
        udi_di: Some("04012345000016".into()),
        artifacts: vec![Artifact {
            name: "dist/infusense-3.2.0.tar.gz".into(),
            sha256: DIGEST.into(),
        }],
        lockfiles: vec![],
        cited_documents: vec!["SOP-014".into()],
    }
}

fn result(gate: &str, outcome: Outcome, commit: &str) -> GateResult {
    GateResult {
        gate: gate.into(),
        outcome,
        commit: Some(commit.into()),
        policy_sha256: DIGEST.into(),
        timestamp: Some("2026-11-20".into()),
        report: format!("reports/{gate}.json"),
    }
}

fn approval(who: &str, roles: &[&str]) -> Approval {
    Approval {
        who: who.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        decision: Decision::Approved,
        commit: None,
        timestamp: Some("2026-11-21".into()),
        source: "releases/3.2.0.md:9".into(),
        signature_verified: true,
    }
}

fn evidence() -> FixedEvidence {
    FixedEvidence {
        release: Some(release()),
        gate_results: ["ci", "change", "deployment", "integration"]
            .iter()
            .map(|g| result(g, Outcome::Pass, COMMIT))
            .collect(),
        anomalies: vec![Anomaly {
            id: "#31".into(),
            title: "Flow graph flickers on resize".into(),
            severity: Some("minor".into()),
            evaluation: Some("Cosmetic; no effect on dosing.".into()),
            source: "anomalies.json".into(),
        }],
        documents: vec![ControlledDocument {
            id: "SOP-014".into(),
            title: "Production Control".into(),
            status: "approved".into(),
            revision: Some("3".into()),
            approvers: vec!["quality-lead".into()],
            signoffs: vec![],
            path: "docs/SOP-014.md".into(),
        }],
        approvals: vec![
            approval("qa@acme.example", &["release-authority"]),
            approval("ra@acme.example", &["release-authority", "regulatory"]),
        ],
        ..FixedEvidence::default()
    }
}

fn run_at(class: SafetyClass, evidence: &FixedEvidence) -> Verdict {
    run::<ReleaseGate>(&context::<ReleaseGate>(class, &[], ALL), evidence)
}

#[test]
fn a_complete_release_passes_at_c() {
    let verdict = run_at(SafetyClass::C, &evidence());
    assert_eq!(verdict.outcome, Outcome::Pass, "{:#?}", verdict.checks);
}

#[test]
fn a_gate_that_failed_or_ran_on_another_commit_fails_the_release() {
    let mut e = evidence();
    e.gate_results[1] = result("change", Outcome::Fail, COMMIT);
    e.gate_results[3] = result("integration", Outcome::Pass, "9b1c4f7a3e5d8b0c");
    let c = run_at(SafetyClass::A, &e);
    let c = check(&c, "gates-passed");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("`change` was `fail` in reports/change.json"),
        "{}",
        c.message
    );
    assert!(
        c.message.contains("only judged on other commits"),
        "{}",
        c.message
    );
    assert_eq!(
        c.subjects,
        vec!["change".to_string(), "integration".to_string()]
    );
}

#[test]
fn a_later_passing_report_on_the_same_commit_counts() {
    let mut e = evidence();
    let mut failed = result("ci", Outcome::Fail, COMMIT);
    failed.timestamp = Some("2026-11-19".into());
    e.gate_results.insert(0, failed);
    assert_eq!(
        check(&run_at(SafetyClass::B, &e), "gates-passed").outcome,
        Outcome::Pass
    );
}

#[test]
fn an_unevaluated_anomaly_warns_at_a_and_fails_at_b() {
    let mut e = evidence();
    e.anomalies.push(Anomaly {
        id: "#35".into(),
        title: "Occlusion alarm delayed under load".into(),
        severity: Some("major".into()),
        evaluation: None,
        source: "anomalies.json".into(),
    });
    assert_eq!(
        check(&run_at(SafetyClass::A, &e), "anomalies-evaluated").outcome,
        Outcome::Warn
    );
    let verdict = run_at(SafetyClass::B, &e);
    let c = check(&verdict, "anomalies-evaluated");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("#35 \"Occlusion alarm delayed under load\" (no evaluation)"),
        "{}",
        c.message
    );
}

#[test]
fn the_version_must_be_semver_and_the_tags() {
    assert!(is_semver("3.2.0") && is_semver("1.0.0-rc.1+build.5"));
    assert!(!is_semver("3.2") && !is_semver("03.2.0") && !is_semver("3.2.0-"));
    let mut e = evidence();
    e.release.as_mut().unwrap().tag = Some("v3.1.9".into());
    let c = run_at(SafetyClass::A, &e);
    assert_eq!(check(&c, "version").outcome, Outcome::Fail);
    e.release.as_mut().unwrap().version = Some("3.2".into());
    assert!(
        check(&run_at(SafetyClass::A, &e), "version")
            .message
            .contains("not a semantic version")
    );
}

#[test]
fn udi_di_is_required_at_b_and_its_gs1_check_digit_is_checked() {
    assert!(gs1_check_digit_ok("04012345000016"));
    assert!(!gs1_check_digit_ok("04012345000017"));
    let mut e = evidence();
    e.release.as_mut().unwrap().udi_di = None;
    assert_eq!(
        check(&run_at(SafetyClass::A, &e), "udi-di").outcome,
        Outcome::Warn
    );
    assert_eq!(
        check(&run_at(SafetyClass::B, &e), "udi-di").outcome,
        Outcome::Fail
    );
    e.release.as_mut().unwrap().udi_di = Some("04012345000017".into());
    assert!(
        check(&run_at(SafetyClass::A, &e), "udi-di")
            .message
            .contains("check digit")
    );
}

#[test]
fn a_cited_draft_document_fails() {
    let mut e = evidence();
    e.documents[0].status = "draft".into();
    let verdict = run_at(SafetyClass::A, &e);
    let c = check(&verdict, "documents-approved");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("SOP-014 is `draft`"), "{}", c.message);
}

#[test]
fn class_c_needs_two_authorisations_one_regulatory() {
    let mut e = evidence();
    e.approvals[1].roles = vec!["release-authority".into()];
    assert_eq!(
        check(&run_at(SafetyClass::B, &e), "release-authorised").outcome,
        Outcome::Pass
    );
    let verdict = run_at(SafetyClass::C, &e);
    let c = check(&verdict, "release-authorised");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("0 of 1 by holders of the `regulatory` role"),
        "{}",
        c.message
    );
    e.approvals.pop();
    assert_eq!(
        check(&run_at(SafetyClass::A, &e), "release-authorised").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&run_at(SafetyClass::B, &e), "release-authorised").outcome,
        Outcome::Fail
    );
}

#[test]
fn an_approval_of_another_commit_does_not_authorise_this_one() {
    let mut e = evidence();
    e.approvals[0].commit = Some("9b1c4f7a3e5d8b0c".into());
    let verdict = run_at(SafetyClass::B, &e);
    let c = check(&verdict, "release-authorised");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("qa@acme.example approved another commit"),
        "{}",
        c.message
    );
}

#[test]
fn no_required_gate_is_an_error_not_a_pass() {
    let ctx = context::<ReleaseGate>(
        SafetyClass::A,
        &[("required-gates", Value::Text(" , ".into()))],
        ALL,
    );
    let verdict = run::<ReleaseGate>(&ctx, &evidence());
    assert_eq!(check(&verdict, "gates-passed").outcome, Outcome::Error);
    assert_eq!(verdict.outcome, Outcome::Error);
}

#[test]
fn without_a_commit_or_a_release_the_gate_cannot_pass() {
    let mut e = evidence();
    e.release.as_mut().unwrap().commit = None;
    assert_eq!(
        check(&run_at(SafetyClass::A, &e), "gates-passed").outcome,
        Outcome::Error
    );
    e.release = None;
    assert_eq!(run_at(SafetyClass::A, &e).outcome, Outcome::Error);
}
