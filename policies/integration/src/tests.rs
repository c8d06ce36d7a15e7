//! G4 logic, natively, at each class where the defaults differ.

use regops_kit::testing::{FixedEvidence, context, test_case};
use regops_kit::*;

use super::IntegrationGate;

const KINDS: &[EvidenceKind] = &[EvidenceKind::Tests, EvidenceKind::Requirements];

fn requirement(id: &str, risk_control: bool) -> Requirement {
    Requirement {
        id: id.to_string(),
        title: format!("{id} title"),
        kind: if risk_control { "RC" } else { "REQ" }.to_string(),
        status: Some("reviewed".to_string()),
        parents: vec![],
        risk_control,
        verified_by: vec![],
        suspect_links: vec![],
        source: Location {
            file: format!("reqs/{id}.yml"),
            line: Some(8),
            column: None,
        },
    }
}

fn test(name: &str, status: TestStatus, level: TestLevel, requirements: &[&str]) -> TestCase {
    let mut t = test_case("tests.test_monitor", name, status);
    t.level = level;
    t.requirements = requirements.iter().map(|r| r.to_string()).collect();
    t
}

fn measurement(name: &str, value: Option<f64>, budget_max: f64) -> Measurement {
    Measurement {
        name: name.to_string(),
        statistic: "median".to_string(),
        value,
        unit: "s".to_string(),
        budget_max: Some(budget_max),
        budget_min: None,
        source: Location {
            file: "reports/benchmark.json".to_string(),
            line: None,
            column: None,
        },
    }
}

fn approval(who: &str, role: &str, commit: Option<&str>) -> Approval {
    Approval {
        who: who.to_string(),
        roles: vec![role.to_string()],
        decision: Decision::Approved,
        commit: commit.map(str::to_string),
        timestamp: None,
        source: "releases/3.2.0.md:9".to_string(),
        signature_verified: false,
    }
}

/// Two requirements and a risk control, each named by a passing test, one
/// of them an integration test; a capacity test within budget, and the
/// test lead's approval.
fn traced() -> FixedEvidence {
    FixedEvidence {
        requirements: vec![
            requirement("REQ-001", false),
            requirement("REQ-002", false),
            requirement("RC-001", true),
        ],
        tests: vec![
            test(
                "test_req_001_rate",
                TestStatus::Passed,
                TestLevel::Unit,
                &["REQ-001"],
            ),
            test(
                "test_alarm_path",
                TestStatus::Passed,
                TestLevel::Integration,
                &["req_002", "RC-001"],
            ),
        ],
        measurements: vec![measurement(
            "tests/test_perf.py::test_dose_calculation",
            Some(0.004),
            0.010,
        )],
        approvals: vec![approval("tess@acme.example", "test-lead", None)],
        ..FixedEvidence::default()
    }
}

fn run_at(class: SafetyClass, evidence: &FixedEvidence) -> Verdict {
    run::<IntegrationGate>(&context::<IntegrationGate>(class, &[], KINDS), evidence)
}

fn check<'a>(verdict: &'a Verdict, id: &str) -> &'a Check {
    verdict
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id}: {verdict:#?}"))
}

#[test]
fn a_fully_traced_project_passes_at_every_class() {
    for class in [SafetyClass::A, SafetyClass::B, SafetyClass::C] {
        let verdict = run_at(class, &traced());
        assert_eq!(verdict.outcome, Outcome::Pass, "{class:?}: {verdict:#?}");
    }
}

#[test]
fn an_untested_requirement_fails_at_b_and_c_and_is_reported_at_a() {
    let mut ev = traced();
    ev.requirements.push(requirement("REQ-003", false));
    for class in [SafetyClass::B, SafetyClass::C] {
        let verdict = run_at(class, &ev);
        let c = check(&verdict, "requirement-coverage");
        assert_eq!(c.outcome, Outcome::Fail);
        assert_eq!(c.subjects, ["REQ-003"]);
        assert!(
            c.message.contains("REQ-003 (no test names it)"),
            "{}",
            c.message
        );
    }
    let at_a = run_at(SafetyClass::A, &ev);
    let c = check(&at_a, "requirement-coverage");
    assert_eq!(c.outcome, Outcome::Pass);
    assert!(c.message.contains("report-only"), "{}", c.message);
}

#[test]
fn a_failing_test_leaves_its_risk_control_untraced() {
    let mut ev = traced();
    ev.tests[1].status = TestStatus::Failed;
    let verdict = run_at(SafetyClass::B, &ev);
    let rc = check(&verdict, "risk-control-coverage");
    assert_eq!(rc.outcome, Outcome::Fail);
    assert!(rc.message.contains("failed"), "{}", rc.message);
    assert_eq!(
        check(&verdict, "integration-tests-pass").outcome,
        Outcome::Fail
    );
}

#[test]
fn draft_requirements_are_out_of_scope() {
    let mut ev = traced();
    let mut draft = requirement("REQ-009", false);
    draft.status = Some("Draft".to_string());
    ev.requirements.push(draft);
    assert_eq!(
        check(&run_at(SafetyClass::C, &ev), "requirement-coverage").outcome,
        Outcome::Pass
    );
}

#[test]
fn excluded_kinds_are_out_of_scope_but_never_risk_controls() {
    let mut ev = traced();
    let mut implementation = requirement("IMPL-001", false);
    implementation.kind = "impl".to_string();
    let mut control = requirement("RC-009", true);
    control.kind = "Impl".to_string();
    ev.requirements.push(implementation);
    ev.requirements.push(control);
    // By default every kind is in scope: the untested item fails coverage,
    // and the message says where to take such kinds out.
    let verdict = run_at(SafetyClass::B, &ev);
    let c = check(&verdict, "requirement-coverage");
    assert_eq!(c.outcome, Outcome::Fail);
    assert_eq!(c.subjects, ["IMPL-001"]);
    assert!(c.message.contains("`excluded-kinds`"), "{}", c.message);
    let excluded = [("excluded-kinds", Value::Text(" IMPL , arch".to_string()))];
    let verdict = run::<IntegrationGate>(
        &context::<IntegrationGate>(SafetyClass::B, &excluded, KINDS),
        &ev,
    );
    assert_eq!(
        check(&verdict, "requirement-coverage").outcome,
        Outcome::Pass
    );
    // The risk control of an excluded kind is still judged.
    let rc = check(&verdict, "risk-control-coverage");
    assert_eq!(rc.outcome, Outcome::Fail);
    assert_eq!(rc.subjects, ["RC-009"]);
}

#[test]
fn integration_results_are_required_at_b_and_c_only() {
    let mut ev = traced();
    ev.tests[1].level = TestLevel::Unspecified;
    assert_eq!(
        check(&run_at(SafetyClass::A, &ev), "integration-tests-pass").outcome,
        Outcome::Pass
    );
    for class in [SafetyClass::B, SafetyClass::C] {
        let c = check(&run_at(class, &ev), "integration-tests-pass").clone();
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(
            c.message.contains("level = \"integration\""),
            "{}",
            c.message
        );
    }
}

#[test]
fn suspect_links_fail_at_b_and_c_and_warn_at_a() {
    let mut ev = traced();
    ev.requirements[2].parents = vec!["REQ-002".to_string()];
    ev.requirements[2].suspect_links = vec!["REQ-002".to_string()];
    assert_eq!(
        check(&run_at(SafetyClass::A, &ev), "suspect-links").outcome,
        Outcome::Warn
    );
    let at_b = run_at(SafetyClass::B, &ev);
    assert_eq!(check(&at_b, "suspect-links").outcome, Outcome::Fail);
    assert_eq!(check(&at_b, "suspect-links").subjects, ["RC-001 → REQ-002"]);
}

#[test]
fn tests_naming_unknown_requirements_fail_at_c_and_warn_below() {
    let mut ev = traced();
    ev.tests.push(test(
        "test_latency",
        TestStatus::Passed,
        TestLevel::System,
        &["REQ-404"],
    ));
    assert_eq!(
        check(&run_at(SafetyClass::B, &ev), "unknown-requirements").outcome,
        Outcome::Warn
    );
    let at_c = run_at(SafetyClass::C, &ev);
    assert_eq!(check(&at_c, "unknown-requirements").outcome, Outcome::Fail);
    assert_eq!(check(&at_c, "unknown-requirements").subjects, ["REQ-404"]);
}

#[test]
fn no_risk_control_in_scope_fails_where_coverage_is_required() {
    let mut ev = traced();
    ev.requirements.retain(|r| !r.risk_control);
    for class in [SafetyClass::B, SafetyClass::C] {
        let c = check(&run_at(class, &ev), "risk-control-coverage").clone();
        assert_eq!(c.outcome, Outcome::Fail, "{class:?}");
        assert!(
            c.message.contains("no risk controls in scope"),
            "{}",
            c.message
        );
    }
    assert_eq!(
        check(&run_at(SafetyClass::A, &ev), "risk-control-coverage").outcome,
        Outcome::Pass
    );
}

#[test]
fn requirements_that_are_all_drafts_fail_at_b() {
    let mut ev = traced();
    for r in &mut ev.requirements {
        r.status = Some("draft".to_string());
    }
    assert_eq!(
        check(&run_at(SafetyClass::B, &ev), "requirement-coverage").outcome,
        Outcome::Fail
    );
}

#[test]
fn a_verified_by_link_traces_a_requirement_no_test_names() {
    let mut ev = traced();
    let mut rc = requirement("RC-002", true);
    rc.verified_by = vec!["tests.test_monitor::test_req_001_rate".to_string()];
    ev.requirements.push(rc);
    assert_eq!(
        check(&run_at(SafetyClass::C, &ev), "risk-control-coverage").outcome,
        Outcome::Pass
    );
    ev.tests[0].status = TestStatus::Failed;
    assert_eq!(
        check(&run_at(SafetyClass::C, &ev), "risk-control-coverage").outcome,
        Outcome::Fail
    );
}

#[test]
fn a_capacity_test_over_budget_or_missing_fails() {
    let mut ev = traced();
    ev.measurements = vec![
        measurement(
            "tests/test_perf.py::test_dose_calculation",
            Some(0.0125),
            0.010,
        ),
        measurement("test_alarm_latency", None, 0.2),
    ];
    let verdict = run_at(SafetyClass::A, &ev);
    let c = check(&verdict, "capacity");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("test_dose_calculation (median): 0.0125 s over the budget of 0.01 s"),
        "{}",
        c.message
    );
    assert!(
        c.message.contains("test_alarm_latency (median): no result"),
        "{}",
        c.message
    );
}

#[test]
fn class_c_requires_capacity_budgets() {
    let mut ev = traced();
    ev.measurements.clear();
    assert_eq!(
        check(&run_at(SafetyClass::B, &ev), "capacity").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&run_at(SafetyClass::C, &ev), "capacity").outcome,
        Outcome::Fail
    );
}

#[test]
fn integration_approval_by_the_test_lead_on_this_commit() {
    let mut ev = traced();
    ev.release = Some(ReleaseInfo {
        product: "InfuSense".into(),
        version: None,
        tag: None,
        commit: Some("4f2c9a1e7b3d5c8f0a6e2d9b1c4f7a3e5d8b0c2f".into()),
        timestamp: None,
        udi_di: None,
        artifacts: vec![],
        lockfiles: vec![],
        cited_documents: vec![],
    });
    ev.approvals = vec![
        approval("tess@acme.example", "test-lead", Some("9b1c4f7a3e5d")),
        approval("dev@acme.example", "reviewer", None),
    ];
    assert_eq!(
        check(&run_at(SafetyClass::A, &ev), "integration-approval").outcome,
        Outcome::Pass
    );
    let verdict = run_at(SafetyClass::B, &ev);
    let c = check(&verdict, "integration-approval");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("0 of 1 approvals"), "{}", c.message);
    ev.approvals[0].commit = Some("4f2c9a1e7b3d".into());
    assert_eq!(
        check(&run_at(SafetyClass::C, &ev), "integration-approval").outcome,
        Outcome::Pass
    );
}
