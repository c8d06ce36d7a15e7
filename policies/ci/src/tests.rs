//! G1 logic, natively: evidence in, checks out, at each safety class where
//! the defaults differ.

use regops_kit::testing::{FixedEvidence, context, test_case};
use regops_kit::*;

use super::CiGate;

const ALL_KINDS: &[EvidenceKind] = &[
    EvidenceKind::Tests,
    EvidenceKind::Coverage,
    EvidenceKind::Findings,
    EvidenceKind::Vulnerabilities,
    EvidenceKind::Components,
    EvidenceKind::Soup,
    EvidenceKind::Vex,
];

fn component(name: &str, version: &str) -> Component {
    Component {
        name: name.to_string(),
        version: Some(version.to_string()),
        purl: Some(format!("pkg:pypi/{name}@{version}")),
        licences: vec!["MIT".to_string()],
        hashes: vec![Hash {
            algorithm: "SHA-256".to_string(),
            value: "9a".repeat(32),
        }],
        supplier: None,
        direct: Some(true),
        evidence: "sbom.cdx.json".to_string(),
    }
}

fn soup_item(package: &str, version: &str) -> SoupItem {
    SoupItem {
        package: package.to_string(),
        version: version.to_string(),
        purpose: "Data classes for sensor readings".to_string(),
        risk_level: Some("low".to_string()),
        requirements: vec!["REQ-001".to_string()],
        reviewed_by: vec!["carol".to_string()],
        anomalies_reviewed: true,
        source: Location {
            file: "SOUP.yaml".to_string(),
            line: Some(3),
            column: None,
        },
    }
}

fn file(path: &str, covered: u64, total: u64, branches: Option<(u64, u64)>) -> FileCoverage {
    FileCoverage {
        path: path.to_string(),
        lines: CoverageCounts { covered, total },
        branches: branches.map(|(covered, total)| CoverageCounts { covered, total }),
    }
}

fn finding(rule: &str, level: FindingLevel, suppressions: Vec<Suppression>) -> Finding {
    Finding {
        tool: "Bandit".to_string(),
        rule: rule.to_string(),
        level,
        message: "Possible problem".to_string(),
        security_severity: None,
        location: Some(Location {
            file: "src/cardiosense/alarms.py".to_string(),
            line: Some(42),
            column: Some(5),
        }),
        fingerprint: None,
        baseline: BaselineState::Unknown,
        suppressions,
        evidence: "bandit.sarif".to_string(),
    }
}

fn vulnerability(id: &str, severity: Severity, assessment: Option<Assessment>) -> Vulnerability {
    Vulnerability {
        id: id.to_string(),
        aliases: vec![],
        package: "jinja2".to_string(),
        version: Some("2.10".to_string()),
        purl: Some("pkg:pypi/jinja2@2.10".to_string()),
        severity,
        cvss_score: None,
        fixed_versions: vec!["2.10.1".to_string()],
        scanner: "pip-audit".to_string(),
        database_time: None,
        assessment,
        evidence: "pip-audit.json".to_string(),
    }
}

/// A healthy project: 20 passing tests, 86% lines and 78% branches covered,
/// one low-severity note, a clean vulnerability scan, one SBOM component
/// registered and reviewed as SOUP.
fn healthy() -> FixedEvidence {
    FixedEvidence {
        tests: (0..20)
            .map(|i| test_case("tests.test_bpm", &format!("test_{i}"), TestStatus::Passed))
            .collect(),
        coverage: vec![
            file("src/cardiosense/bpm.py", 40, 44, Some((14, 18))),
            file("src/cardiosense/alarms.py", 46, 56, Some((17, 22))),
        ],
        findings: vec![finding("B311", FindingLevel::Note, vec![])],
        components: vec![component("attrs", "26.1.0")],
        soup: vec![soup_item("attrs", "26.1.0")],
        ..FixedEvidence::default()
    }
}

fn evaluate(class: SafetyClass, evidence: &FixedEvidence) -> Verdict {
    evaluate_with(class, &[], evidence)
}

fn evaluate_with(
    class: SafetyClass,
    overrides: &[(&str, Value)],
    evidence: &FixedEvidence,
) -> Verdict {
    let ctx = context::<CiGate>(class, overrides, ALL_KINDS);
    run::<CiGate>(&ctx, evidence)
}

fn check<'a>(verdict: &'a Verdict, id: &str) -> &'a Check {
    verdict
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check `{id}` in {verdict:?}"))
}

#[test]
fn healthy_project_passes_at_every_class() {
    for class in [SafetyClass::A, SafetyClass::B, SafetyClass::C] {
        let verdict = evaluate(class, &healthy());
        assert_eq!(
            verdict.outcome,
            Outcome::Pass,
            "class {class:?}: {verdict:#?}"
        );
    }
}

#[test]
fn every_check_names_its_clauses() {
    let verdict = evaluate(SafetyClass::C, &healthy());
    assert_eq!(verdict.checks.len(), CiGate::describe().checks.len());
    let declared: Vec<String> = CiGate::describe()
        .clauses
        .into_iter()
        .map(|c| c.id)
        .collect();
    for c in &verdict.checks {
        assert!(!c.clauses.is_empty(), "check {} has no clause", c.id);
        for clause in &c.clauses {
            assert!(
                declared.contains(clause),
                "check {} cites undeclared clause {clause}",
                c.id
            );
        }
    }
}

#[test]
fn a_failed_test_fails_the_gate_and_is_named() {
    let mut evidence = healthy();
    let mut failing = test_case(
        "tests.test_alarms",
        "test_req_002_alarm_on_tachycardia",
        TestStatus::Failed,
    );
    failing.source = Some(Location {
        file: "tests/test_alarms.py".to_string(),
        line: Some(31),
        column: None,
    });
    evidence.tests.push(failing);
    let verdict = evaluate(SafetyClass::A, &evidence);
    assert_eq!(verdict.outcome, Outcome::Fail);
    let c = check(&verdict, "tests-pass");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("tests.test_alarms::test_req_002_alarm_on_tachycardia"),
        "{}",
        c.message
    );
    assert_eq!(c.measured, Some(Value::Count(1)));
    assert_eq!(c.locations[0].file, "tests/test_alarms.py");
    assert_eq!(c.locations[0].line, Some(31));
    assert_eq!(
        c.subjects,
        ["tests.test_alarms::test_req_002_alarm_on_tachycardia"],
        "a waiver can name it"
    );
}

#[test]
fn an_errored_test_counts_as_a_failure() {
    let mut evidence = healthy();
    evidence.tests.push(test_case(
        "tests.test_bpm",
        "test_fixture_broken",
        TestStatus::Errored,
    ));
    let c = check(&evaluate(SafetyClass::A, &evidence), "tests-pass").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("1 errored"), "{}", c.message);
}

#[test]
fn no_test_cases_at_all_fails() {
    let mut evidence = healthy();
    evidence.tests.clear();
    let c = check(&evaluate(SafetyClass::A, &evidence), "tests-pass").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("no test case"), "{}", c.message);
}

#[test]
fn skipped_tests_pass_at_a_and_fail_at_b_and_c() {
    let mut evidence = healthy();
    evidence.tests.push(test_case(
        "tests.test_bpm",
        "test_needs_hardware",
        TestStatus::Skipped,
    ));
    assert_eq!(
        check(&evaluate(SafetyClass::A, &evidence), "tests-skipped").outcome,
        Outcome::Pass
    );
    for class in [SafetyClass::B, SafetyClass::C] {
        let c = check(&evaluate(class, &evidence), "tests-skipped").clone();
        assert_eq!(c.outcome, Outcome::Fail, "class {class:?}");
        assert!(c.message.contains("test_needs_hardware"), "{}", c.message);
    }
}

#[test]
fn line_coverage_below_the_class_b_default_fails_at_b_and_passes_at_a() {
    let mut evidence = healthy();
    // 62 of 100 lines: below B's 70%.
    evidence.coverage = vec![file("src/cardiosense/bpm.py", 62, 100, Some((10, 20)))];
    let at_a = check(&evaluate(SafetyClass::A, &evidence), "line-coverage").clone();
    assert_eq!(at_a.outcome, Outcome::Pass);
    assert!(at_a.message.contains("report-only"), "{}", at_a.message);
    let at_b = check(&evaluate(SafetyClass::B, &evidence), "line-coverage").clone();
    assert_eq!(at_b.outcome, Outcome::Fail);
    assert_eq!(at_b.measured, Some(Value::Ratio(0.62)));
    assert_eq!(at_b.threshold, Some(Value::Ratio(0.70)));
    assert!(
        at_b.message.contains("62.0%") && at_b.message.contains("70.0%"),
        "{}",
        at_b.message
    );
}

#[test]
fn line_coverage_between_b_and_c_defaults_passes_b_fails_c() {
    let mut evidence = healthy();
    evidence.coverage = vec![file("src/cardiosense/bpm.py", 75, 100, Some((80, 100)))];
    assert_eq!(
        check(&evaluate(SafetyClass::B, &evidence), "line-coverage").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&evaluate(SafetyClass::C, &evidence), "line-coverage").outcome,
        Outcome::Fail
    );
}

#[test]
fn a_configured_threshold_overrides_the_class_default() {
    let mut evidence = healthy();
    evidence.coverage = vec![file("src/cardiosense/bpm.py", 75, 100, None)];
    let verdict = evaluate_with(
        SafetyClass::B,
        &[("line-coverage", Value::Ratio(0.9))],
        &evidence,
    );
    let c = check(&verdict, "line-coverage");
    assert_eq!(c.outcome, Outcome::Fail);
    assert_eq!(c.threshold, Some(Value::Ratio(0.9)));
}

#[test]
fn branch_coverage_is_required_only_at_c() {
    let mut evidence = healthy();
    evidence.coverage = vec![file("src/cardiosense/bpm.py", 90, 100, Some((6, 10)))];
    assert_eq!(
        check(&evaluate(SafetyClass::B, &evidence), "branch-coverage").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&evaluate(SafetyClass::C, &evidence), "branch-coverage").outcome,
        Outcome::Fail
    );
}

#[test]
fn branch_coverage_not_measured_fails_at_c() {
    let mut evidence = healthy();
    evidence.coverage = vec![file("src/cardiosense/bpm.py", 90, 100, None)];
    let c = check(&evaluate(SafetyClass::C, &evidence), "branch-coverage").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("measured no branches"), "{}", c.message);
}

#[test]
fn an_unsuppressed_error_finding_fails_and_is_located() {
    let mut evidence = healthy();
    evidence
        .findings
        .push(finding("B602", FindingLevel::Error, vec![]));
    let verdict = evaluate(SafetyClass::A, &evidence);
    assert_eq!(verdict.outcome, Outcome::Fail);
    let c = check(&verdict, "static-analysis");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("Bandit/B602"), "{}", c.message);
    assert_eq!(c.locations[0].file, "src/cardiosense/alarms.py");
    assert_eq!(c.locations[0].line, Some(42));
    assert_eq!(
        c.subjects,
        ["Bandit/B602@src/cardiosense/alarms.py:42"],
        "no fingerprint: named by place"
    );
}

#[test]
fn a_finding_subject_keeps_its_file_and_rule_beside_the_fingerprint() {
    // flawfinder's contextHash is the line's text alone: the same line in
    // two files has one fingerprint, and a waiver for one must not cover
    // the other.
    let mut evidence = healthy();
    for file in ["src/pump.c", "src/valve.c"] {
        let mut f = finding("FF1001", FindingLevel::Error, vec![]);
        f.tool = "Flawfinder".to_string();
        f.fingerprint = Some("contextHash/v1=9a1f".to_string());
        f.location = Some(Location {
            file: file.to_string(),
            line: Some(12),
            column: None,
        });
        evidence.findings.push(f);
    }
    let verdict = evaluate(SafetyClass::A, &evidence);
    assert_eq!(
        check(&verdict, "static-analysis").subjects,
        [
            "Flawfinder/FF1001@src/pump.c#contextHash/v1=9a1f",
            "Flawfinder/FF1001@src/valve.c#contextHash/v1=9a1f",
        ]
    );
}

#[test]
fn a_suppressed_error_finding_does_not_fail_static_analysis() {
    let mut evidence = healthy();
    let accepted = Suppression {
        kind: "inSource".to_string(),
        status: SuppressionStatus::Accepted,
        justification: Some("input is a constant".to_string()),
    };
    evidence
        .findings
        .push(finding("B602", FindingLevel::Error, vec![accepted]));
    assert_eq!(evaluate(SafetyClass::C, &evidence).outcome, Outcome::Pass);
}

#[test]
fn a_rejected_suppression_leaves_the_finding_unsuppressed() {
    let mut evidence = healthy();
    let rejected = Suppression {
        kind: "external".to_string(),
        status: SuppressionStatus::Rejected,
        justification: None,
    };
    evidence
        .findings
        .push(finding("B602", FindingLevel::Error, vec![rejected]));
    assert_eq!(
        check(&evaluate(SafetyClass::A, &evidence), "static-analysis").outcome,
        Outcome::Fail
    );
}

#[test]
fn unjustified_suppressions_fail_only_at_c() {
    let mut evidence = healthy();
    let bare = Suppression {
        kind: "inSource".to_string(),
        status: SuppressionStatus::Accepted,
        justification: None,
    };
    evidence
        .findings
        .push(finding("B602", FindingLevel::Error, vec![bare]));
    assert_eq!(
        check(
            &evaluate(SafetyClass::B, &evidence),
            "suppressions-justified"
        )
        .outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(
            &evaluate(SafetyClass::C, &evidence),
            "suppressions-justified"
        )
        .outcome,
        Outcome::Fail
    );
}

#[test]
fn vulnerability_limits_follow_the_class() {
    let mut evidence = healthy();
    evidence.vulnerabilities = vec![vulnerability("CVE-2024-0001", Severity::High, None)];
    assert_eq!(
        check(&evaluate(SafetyClass::A, &evidence), "vulnerabilities").outcome,
        Outcome::Pass
    );
    let c = check(&evaluate(SafetyClass::B, &evidence), "vulnerabilities").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message.contains("CVE-2024-0001 in jinja2@2.10 (high)"),
        "{}",
        c.message
    );
    assert_eq!(c.subjects, ["CVE-2024-0001"]);
    evidence.vulnerabilities = vec![vulnerability("CVE-2024-0002", Severity::Medium, None)];
    assert_eq!(
        check(&evaluate(SafetyClass::B, &evidence), "vulnerabilities").outcome,
        Outcome::Pass
    );
    assert_eq!(
        check(&evaluate(SafetyClass::C, &evidence), "vulnerabilities").outcome,
        Outcome::Fail
    );
}

#[test]
fn a_vulnerability_without_severity_counts_as_the_worst_case() {
    let mut evidence = healthy();
    evidence.vulnerabilities = vec![vulnerability("PYSEC-2019-217", Severity::Unknown, None)];
    let c = check(&evaluate(SafetyClass::A, &evidence), "vulnerabilities").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("no severity"), "{}", c.message);
}

#[test]
fn vex_not_affected_with_justification_or_fixed_clears_a_vulnerability() {
    let assessment = |status, justification: Option<&str>| Assessment {
        status,
        justification: justification.map(str::to_string),
        author: Some("quality@example.com".to_string()),
        timestamp: None,
        detail: None,
        evidence: "vex.json".to_string(),
    };
    let mut evidence = healthy();
    evidence.vulnerabilities = vec![
        vulnerability(
            "CVE-1",
            Severity::Critical,
            Some(assessment(
                VexStatus::NotAffected,
                Some("vulnerable_code_not_in_execute_path"),
            )),
        ),
        vulnerability(
            "CVE-2",
            Severity::Critical,
            Some(assessment(VexStatus::Fixed, None)),
        ),
    ];
    assert_eq!(
        check(&evaluate(SafetyClass::C, &evidence), "vulnerabilities").outcome,
        Outcome::Pass
    );
    evidence.vulnerabilities.push(vulnerability(
        "CVE-3",
        Severity::Critical,
        Some(assessment(VexStatus::NotAffected, None)),
    ));
    evidence.vulnerabilities.push(vulnerability(
        "CVE-4",
        Severity::Critical,
        Some(assessment(VexStatus::UnderInvestigation, None)),
    ));
    let c = check(&evaluate(SafetyClass::C, &evidence), "vulnerabilities").clone();
    assert_eq!(c.outcome, Outcome::Fail);
    assert_eq!(c.measured, Some(Value::Count(2)));
}

#[test]
fn a_missing_vulnerability_scan_fails_at_b_but_not_at_a() {
    let evidence = healthy();
    let without: Vec<EvidenceKind> = ALL_KINDS
        .iter()
        .copied()
        .filter(|k| *k != EvidenceKind::Vulnerabilities)
        .collect();
    let at = |class| {
        let ctx = context::<CiGate>(class, &[], &without);
        check(&run::<CiGate>(&ctx, &evidence), "vulnerabilities").outcome
    };
    assert_eq!(at(SafetyClass::A), Outcome::Pass);
    assert_eq!(at(SafetyClass::B), Outcome::Fail);
}

#[test]
fn a_parameter_missing_from_the_context_makes_the_gate_error() {
    let mut ctx = context::<CiGate>(SafetyClass::B, &[], ALL_KINDS);
    ctx.params.retain(|p| p.name != "line-coverage");
    let verdict = run::<CiGate>(&ctx, &healthy());
    assert_eq!(verdict.outcome, Outcome::Error);
    assert!(verdict.checks[0].message.contains("line-coverage"));
}

fn at(class: SafetyClass, evidence: &FixedEvidence, id: &str) -> Check {
    check(&evaluate(class, evidence), id).clone()
}

fn without(kind: EvidenceKind) -> Vec<EvidenceKind> {
    ALL_KINDS.iter().copied().filter(|k| *k != kind).collect()
}

fn at_with(
    class: SafetyClass,
    available: &[EvidenceKind],
    evidence: &FixedEvidence,
    id: &str,
) -> Check {
    let ctx = context::<CiGate>(class, &[], available);
    check(&run::<CiGate>(&ctx, evidence), id).clone()
}

#[test]
fn a_flaky_test_passes_at_b_and_fails_at_c() {
    let mut evidence = healthy();
    evidence.tests[3].flaky = true;
    assert_eq!(
        at(SafetyClass::B, &evidence, "tests-flaky").outcome,
        Outcome::Pass
    );
    let c = at(SafetyClass::C, &evidence, "tests-flaky");
    assert_eq!(c.outcome, Outcome::Fail);
    assert_eq!(c.subjects, ["tests.test_bpm::test_3"]);
}

#[test]
fn a_missing_sbom_fails_at_every_class() {
    let evidence = healthy();
    for class in [SafetyClass::A, SafetyClass::B, SafetyClass::C] {
        let c = at_with(
            class,
            &without(EvidenceKind::Components),
            &evidence,
            "sbom-identification",
        );
        assert_eq!(c.outcome, Outcome::Fail, "{class:?}");
        assert!(c.message.contains("No SBOM"), "{}", c.message);
    }
}

#[test]
fn a_component_without_purl_fails_identification() {
    let mut evidence = healthy();
    let mut bare = component("numpy", "2.1.0");
    bare.purl = None;
    evidence.components.push(bare);
    evidence.soup.push(soup_item("numpy", "2.1.0"));
    let c = at(SafetyClass::A, &evidence, "sbom-identification");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("numpy@2.1.0 (no purl)"), "{}", c.message);
    assert_eq!(c.subjects, ["numpy@2.1.0"]);
}

#[test]
fn component_hashes_are_required_only_at_c() {
    let mut evidence = healthy();
    evidence.components[0].hashes.clear();
    assert_eq!(
        at(SafetyClass::B, &evidence, "sbom-identification").outcome,
        Outcome::Pass
    );
    let c = at(SafetyClass::C, &evidence, "sbom-identification");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("(no hash)"), "{}", c.message);
}

#[test]
fn an_unregistered_component_is_advisory_at_a_and_fails_at_b() {
    let mut evidence = healthy();
    evidence.components.push(component("requests", "2.32.3"));
    let at_a = at(SafetyClass::A, &evidence, "soup-register");
    assert_eq!(at_a.outcome, Outcome::Warn);
    assert!(at_a.message.contains("Advisory"), "{}", at_a.message);
    let at_b = at(SafetyClass::B, &evidence, "soup-register");
    assert_eq!(at_b.outcome, Outcome::Fail);
    assert!(
        at_b.message
            .contains("pkg:pypi/requests@2.32.3 (not registered)"),
        "{}",
        at_b.message
    );
    assert_eq!(
        evaluate(SafetyClass::A, &evidence).outcome,
        Outcome::Warn,
        "warnings do not fail the gate"
    );
}

#[test]
fn a_component_registered_at_another_version_needs_review() {
    let mut evidence = healthy();
    evidence.soup = vec![soup_item("attrs", "25.3.0")];
    let c = at(SafetyClass::B, &evidence, "soup-register");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("(register has 25.3.0)"), "{}", c.message);
}

#[test]
fn register_entries_match_by_purl_or_normalised_name() {
    let mut evidence = healthy();
    evidence.components = vec![
        component("Typing_Extensions", "4.12.2"),
        component("attrs", "26.1.0"),
    ];
    evidence.soup = vec![
        soup_item("typing-extensions", "4.12.2"),
        soup_item("pkg:pypi/attrs", "26.1.0"),
    ];
    assert_eq!(
        at(SafetyClass::C, &evidence, "soup-register").outcome,
        Outcome::Pass
    );
}

#[test]
fn a_missing_soup_register_fails_at_b() {
    let evidence = healthy();
    let c = at_with(
        SafetyClass::B,
        &without(EvidenceKind::Soup),
        &evidence,
        "soup-register",
    );
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(c.message.contains("No SOUP register"), "{}", c.message);
}

#[test]
fn an_unreviewed_anomaly_list_fails_at_b_and_warns_at_a() {
    let mut evidence = healthy();
    evidence.soup[0].anomalies_reviewed = false;
    let c = at(SafetyClass::B, &evidence, "soup-reviewed");
    assert_eq!(c.outcome, Outcome::Fail);
    assert!(
        c.message
            .contains("attrs@26.1.0 (anomaly list not reviewed)"),
        "{}",
        c.message
    );
    assert_eq!(c.locations[0].file, "SOUP.yaml");
    assert_eq!(
        at(SafetyClass::A, &evidence, "soup-reviewed").outcome,
        Outcome::Warn
    );
}

#[test]
fn a_not_affected_statement_without_justification_fails() {
    let mut evidence = healthy();
    evidence.vex = vec![VexStatement {
        vulnerability: "CVE-2024-3651".to_string(),
        aliases: vec![],
        products: vec!["pkg:pypi/idna@3.6".to_string()],
        assessment: Assessment {
            status: VexStatus::NotAffected,
            justification: None,
            author: Some("quality@example.com".to_string()),
            timestamp: None,
            detail: None,
            evidence: ".vex/idna.json".to_string(),
        },
    }];
    let c = at(SafetyClass::A, &evidence, "vex-justified");
    assert_eq!(c.outcome, Outcome::Fail);
    assert_eq!(c.subjects, ["CVE-2024-3651"]);
    evidence.vex[0].assessment.justification =
        Some("vulnerable_code_not_in_execute_path".to_string());
    assert_eq!(
        at(SafetyClass::A, &evidence, "vex-justified").outcome,
        Outcome::Pass
    );
}
