//! G3 logic, natively: deployment records and the release in, checks out.

use regops_kit::testing::{FixedEvidence, check, context};
use regops_kit::*;

use super::DeploymentGate;

const BUILT: &str = "5f1e8a43c6b2d9e07a3f4c1b8d2e6a9f0c7b3d5e1a8f4c2b6d9e0a3f7c1b5d8e";
const OTHER: &str = "0000000000000000000000000000000000000000000000000000000000000001";
const KINDS: &[EvidenceKind] = &[EvidenceKind::Deployments, EvidenceKind::Release];

fn release() -> ReleaseInfo {
    ReleaseInfo {
        product: "InfuSense".into(),
        version: Some("3.2.0".into()),
        tag: Some("v3.2.0".into()),
        commit: Some("4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f".into()),
        timestamp: None,
        udi_di: None,
        artifacts: vec![Artifact {
            name: "dist/infusense-3.2.0.tar.gz".into(),
            sha256: BUILT.into(),
        }],
        lockfiles: vec![],
        cited_documents: vec![],
    }
}

fn deployment(env: &str, digest: &str) -> Deployment {
    Deployment {
        environment: env.into(),
        version: "3.2.0".into(),
        artifact_name: Some("infusense-3.2.0.tar.gz".into()),
        artifact_sha256: Some(digest.into()),
        smoke_tests_passed: Some(true),
        rollback_plan: Some("Redeploy 3.1.4".into()),
        timestamp: Some("2026-11-20T10:02:11Z".into()),
        evidence: format!("deploy/{env}.json"),
    }
}

fn run_at(class: SafetyClass, deployments: Vec<Deployment>) -> Verdict {
    let evidence = FixedEvidence {
        deployments,
        release: Some(release()),
        ..FixedEvidence::default()
    };
    run::<DeploymentGate>(&context::<DeploymentGate>(class, &[], KINDS), &evidence)
}

#[test]
fn the_built_artefact_deployed_and_smoke_tested_passes_at_c() {
    let verdict = run_at(SafetyClass::C, vec![deployment("production", BUILT)]);
    assert_eq!(verdict.outcome, Outcome::Pass, "{:?}", verdict.checks);
}

#[test]
fn another_digest_fails_naming_both() {
    let verdict = run_at(SafetyClass::A, vec![deployment("production", OTHER)]);
    let c = check(&verdict, "artifact-digest");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("sha256:000000000000"), "{}", c.message);
    assert!(c.message.contains("sha256:5f1e8a43c6b2"), "{}", c.message);
    assert_eq!(c.subjects, vec!["production".to_string()]);
}

#[test]
fn a_missing_rollback_plan_is_advisory_at_a_and_fails_at_b() {
    let mut d = deployment("production", BUILT);
    d.rollback_plan = None;
    assert_eq!(
        check(&run_at(SafetyClass::A, vec![d.clone()]), "rollback-plan").outcome,
        Outcome::Warn
    );
    assert_eq!(
        check(&run_at(SafetyClass::B, vec![d]), "rollback-plan").outcome,
        Outcome::Fail
    );
}

#[test]
fn failed_or_absent_smoke_tests_fail() {
    let mut failed = deployment("staging", BUILT);
    failed.smoke_tests_passed = Some(false);
    let mut none = deployment("production", BUILT);
    none.smoke_tests_passed = None;
    let verdict = run_at(SafetyClass::B, vec![failed, none]);
    let c = check(&verdict, "smoke-tests");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message.contains("staging (smoke tests failed)"),
        "{}",
        c.message
    );
    assert!(
        c.message.contains("production (no smoke tests recorded)"),
        "{}",
        c.message
    );
}

#[test]
fn another_version_deployed_fails() {
    let mut d = deployment("production", BUILT);
    d.version = "3.1.4".into();
    let c = run_at(SafetyClass::A, vec![d]);
    assert_eq!(check(&c, "deployed-version").outcome, Outcome::Fail);
}

#[test]
fn without_built_artefacts_or_records_the_gate_cannot_pass() {
    let evidence = FixedEvidence {
        deployments: vec![deployment("production", BUILT)],
        release: Some(ReleaseInfo {
            artifacts: vec![],
            ..release()
        }),
        ..FixedEvidence::default()
    };
    let verdict = run::<DeploymentGate>(
        &context::<DeploymentGate>(SafetyClass::A, &[], KINDS),
        &evidence,
    );
    assert_eq!(check(&verdict, "artifact-digest").outcome, Outcome::Error);
    assert_eq!(run_at(SafetyClass::A, vec![]).outcome, Outcome::Error);
}

#[test]
fn a_required_environment_without_a_record_is_an_error() {
    let evidence = FixedEvidence {
        deployments: vec![deployment("staging", BUILT)],
        release: Some(release()),
        ..FixedEvidence::default()
    };
    let ctx = context::<DeploymentGate>(
        SafetyClass::B,
        &[("environments", Value::Text("staging, production".into()))],
        KINDS,
    );
    let verdict = run::<DeploymentGate>(&ctx, &evidence);
    assert_eq!(verdict.outcome, Outcome::Error);
    assert!(
        verdict.checks[0].message.contains("`production`"),
        "{}",
        verdict.checks[0].message
    );
}
