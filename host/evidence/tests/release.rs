//! The release-side formats, read through `load` with detection: the
//! InfuSense example's real files (pytest-benchmark 5.3.1 output, a `gh
//! issue list` export, a deployment record, SOPs, a signed approvals
//! sheet, saved regops reports), hyperfine 1.15.0 output
//! (`hyperfine -N --runs 5 --export-json … 'sleep 0.01'`) and an anomaly
//! list in YAML (tests/fixtures/release).

use std::path::PathBuf;

use regops_evidence::{EvidenceKind, GateOutcome, Input, Options, load};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn input(rel: &str, kind: EvidenceKind) -> Input {
    Input {
        path: root().join(rel),
        display: rel.to_string(),
        kind,
        format: None,
    }
}

fn load_one(rel: &str, kind: EvidenceKind) -> regops_evidence::Evidence {
    load(&[input(rel, kind)], &Options::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn benchmarks_from_pytest_benchmark_and_hyperfine() {
    let e = load_one(
        "examples/infusense/evidence/benchmark.json",
        EvidenceKind::Measurements,
    );
    assert_eq!(e.files[0].format.name(), "pytest-benchmark");
    let median = e
        .measurements
        .iter()
        .find(|m| {
            m.name == "tests/perf/test_capacity.py::test_dose_calculation_throughput"
                && m.statistic == "median"
        })
        .expect("the dose benchmark's median");
    assert!(
        median.value.is_some_and(|v| v > 0.0 && v < 1.0),
        "{median:?}"
    );
    assert_eq!(median.unit, "s");
    let e = load_one(
        "tests/fixtures/release/hyperfine.json",
        EvidenceKind::Measurements,
    );
    assert_eq!(e.files[0].format.name(), "hyperfine");
    let mean = e
        .measurements
        .iter()
        .find(|m| m.statistic == "mean")
        .unwrap();
    assert_eq!(mean.name, "sleep 0.01");
    assert!(
        mean.value.is_some_and(|v| (0.005..0.5).contains(&v)),
        "{mean:?}"
    );
}

#[test]
fn anomalies_from_a_gh_export_and_a_yaml_list() {
    let e = load_one(
        "examples/infusense/anomalies/issues.json",
        EvidenceKind::Anomalies,
    );
    assert_eq!(e.files[0].format.name(), "github-issues");
    assert_eq!(e.anomalies.len(), 2);
    assert_eq!(e.anomalies[1].severity.as_deref(), Some("low"));
    assert!(
        e.anomalies[1]
            .evaluation
            .as_deref()
            .unwrap()
            .starts_with("The low-battery alarm")
    );
    let e = load_one(
        "tests/fixtures/release/anomalies.yaml",
        EvidenceKind::Anomalies,
    );
    assert_eq!(e.files[0].format.name(), "anomalies-yaml");
    assert_eq!(e.anomalies[1].id, "77");
    assert_eq!(e.anomalies[1].severity, None, "a blank severity is none");
}

#[test]
fn deployment_records_documents_approvals_and_reports() {
    let e = load_one(
        "examples/infusense/deploy/production.json",
        EvidenceKind::Deployments,
    );
    let d = &e.deployments[0];
    assert_eq!(
        (d.environment.as_str(), d.smoke_tests_passed),
        ("production", Some(true))
    );
    assert_eq!(d.artifact_sha256.as_deref().map(str::len), Some(64));

    let e = load_one(
        "examples/infusense/docs/SOP-014-production-control.md",
        EvidenceKind::Documents,
    );
    assert_eq!(e.files[0].format.name(), "markdown-document");
    let sop = &e.documents[0];
    assert_eq!(
        (sop.id.as_str(), sop.status.as_str()),
        ("SOP-014", "approved")
    );
    assert_eq!(sop.approvers, ["quality-lead"]);

    let e = load_one(
        "examples/infusense/releases/3.2.0.md",
        EvidenceKind::Approvals,
    );
    assert_eq!(e.files[0].format.name(), "approvals-markdown");
    let who: Vec<&str> = e.approvals.iter().map(|a| a.who.as_str()).collect();
    assert_eq!(
        who,
        [
            "tess@infusense.example",
            "quinn@infusense.example",
            "rhea@infusense.example"
        ]
    );

    let e = load_one(
        "examples/infusense/reports/g1-ci.json",
        EvidenceKind::GateResults,
    );
    assert_eq!(e.files[0].format.name(), "regops-report");
    let r = &e.gate_results[0];
    assert_eq!((r.gate.as_str(), r.outcome), ("ci", GateOutcome::Pass));
    assert_eq!(
        r.commit.as_deref(),
        Some("8d3f5a2c9e1b7d4f6a0c3e5b8d2f4a6c1e9b7d3f")
    );
}

/// The error loading `content`, written to a file named `name`, as `kind`.
fn load_error(name: &str, kind: EvidenceKind, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("regops-release-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    let input = Input {
        path,
        display: name.into(),
        kind,
        format: None,
    };
    let err = load(&[input], &Options::default()).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).ok();
    err
}

#[test]
fn a_deployment_record_with_a_misspelt_key_is_refused_naming_it() {
    let err = load_error(
        "deploy.json",
        EvidenceKind::Deployments,
        r#"{"environment": "production", "version": "1.0.0", "smoke-test": {"passed": 1, "failed": 0}}"#,
    );
    assert!(
        err.contains("deploy.json") && err.contains("smoke-test"),
        "{err}"
    );
}

#[test]
fn a_report_of_another_schema_is_refused_naming_it() {
    let err = load_error(
        "report.json",
        EvidenceKind::GateResults,
        r#"{"schema": "regops.report/v2", "outcome": "pass", "gates": []}"#,
    );
    assert!(
        err.contains("report.json") && err.contains("`regops.report/v2`"),
        "{err}"
    );
}
