//! JavaScript package managers' audit reports beyond npm 7's: npm 6's and
//! pnpm's report version 1, yarn 1's JSON lines and yarn 2+'s, bun's. Fixtures in
//! tests/fixtures/handmade-js-audit/ (PROVENANCE.md there).

mod common;

use common::*;
use regops_evidence::{Error, EvidenceKind, Format, Severity, Vulnerability};

const DIR: &str = "handmade-js-audit";

fn audit(name: &str) -> regops_evidence::Evidence {
    let e = producer(&format!("{DIR}/{name}"), EvidenceKind::Vulnerabilities);
    assert_eq!(e.files[0].format, Format::NpmAudit, "{name}");
    e
}

/// (id, package, version, purl) of every record, in order.
fn rows(vulns: &[Vulnerability]) -> Vec<(&str, &str, Option<&str>, Option<&str>)> {
    vulns
        .iter()
        .map(|v| {
            (
                v.id.as_str(),
                v.package.as_str(),
                v.version.as_deref(),
                v.purl.as_deref(),
            )
        })
        .collect()
}

fn by<'a>(vulns: &'a [Vulnerability], id: &str) -> &'a Vulnerability {
    vulns
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn pnpm_report_names_each_installed_version() {
    let e = audit("pnpm-audit.json");
    let v = &e.vulnerabilities;
    assert_eq!(
        rows(v),
        [
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                Some("4.17.15"),
                Some("pkg:npm/lodash@4.17.15")
            ),
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                Some("4.17.11"),
                Some("pkg:npm/lodash@4.17.11")
            ),
            (
                "GHSA-xvch-5gv4-984h",
                "minimist",
                Some("1.2.0"),
                Some("pkg:npm/minimist@1.2.0")
            ),
            // No github_advisory_id: the id ending its url.
            (
                "GHSA-4f8q-9m2x-v7rc",
                "@pump/telemetry-shim",
                Some("0.2.1"),
                Some("pkg:npm/%40pump/telemetry-shim@0.2.1")
            ),
        ]
    );
    let lodash = by(v, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(lodash.aliases, ["CVE-2021-23337"]);
    assert_eq!(lodash.severity, Severity::High);
    assert_eq!(lodash.cvss_score, Some(7.2));
    assert_eq!(lodash.fixed_versions, ["4.17.21"]);
    assert_eq!(lodash.scanner, "npm audit");

    let minimist = by(v, "GHSA-xvch-5gv4-984h");
    assert_eq!(minimist.severity, Severity::Critical);
    assert_eq!(minimist.cvss_score, Some(9.8));
    // `>=0.2.4 <1.0.0 || >=1.2.6`: the first patched version of each line.
    assert_eq!(minimist.fixed_versions, ["0.2.4", "1.2.6"]);

    // No vector and a score of 0: the word, no score; `<0.0.0` is no fix.
    let shim = by(v, "GHSA-4f8q-9m2x-v7rc");
    assert_eq!(shim.severity, Severity::Medium);
    assert_eq!(shim.cvss_score, None);
    assert!(shim.fixed_versions.is_empty());
    assert!(shim.aliases.is_empty());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn yarn1_lines_repeat_an_advisory_per_path_and_count_once() {
    let e = audit("yarn1-audit.jsonl");
    assert_eq!(
        rows(&e.vulnerabilities),
        [
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                Some("4.17.15"),
                Some("pkg:npm/lodash@4.17.15")
            ),
            (
                "GHSA-xvch-5gv4-984h",
                "minimist",
                Some("1.2.0"),
                Some("pkg:npm/minimist@1.2.0")
            ),
        ]
    );
    let minimist = by(&e.vulnerabilities, "GHSA-xvch-5gv4-984h");
    assert_eq!(minimist.severity, Severity::Critical);
    assert_eq!(minimist.scanner, "yarn audit");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn yarn_berry_lines_give_a_record_per_tree_version_and_warn_deprecations() {
    let e = audit("yarn-berry-audit.jsonl");
    assert_eq!(
        rows(&e.vulnerabilities),
        [
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                Some("4.17.15"),
                Some("pkg:npm/lodash@4.17.15")
            ),
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                Some("4.17.11"),
                Some("pkg:npm/lodash@4.17.11")
            ),
            (
                "GHSA-xvch-5gv4-984h",
                "minimist",
                Some("1.2.0"),
                Some("pkg:npm/minimist@1.2.0")
            ),
        ]
    );
    let lodash = by(&e.vulnerabilities, "GHSA-35jh-r3h4-6jhm");
    // yarn gives the word only.
    assert_eq!(lodash.severity, Severity::High);
    assert_eq!(lodash.cvss_score, None);
    assert_eq!(lodash.scanner, "yarn npm audit");
    assert_eq!(
        warnings(&e),
        ["1 deprecated package(s) reported, not vulnerabilities: request"]
    );
}

#[test]
fn a_clean_yarn_berry_run_reads_as_no_vulnerabilities() {
    let e = audit("yarn-berry-clean.jsonl");
    assert!(e.vulnerabilities.is_empty());
}

#[test]
fn yarn3_writes_the_registry_report_as_one_line() {
    // yarn 2 and 3 print the report-version-1 response as one JSON line, and
    // an info line after it when nothing was found.
    let report =
        std::fs::read_to_string(repo().join(format!("tests/fixtures/{DIR}/pnpm-audit.json")))
            .expect("fixture");
    let value: serde_json::Value = serde_json::from_str(&report).expect("json");
    let clean = serde_json::json!({"actions": [], "advisories": {}, "muted": [], "metadata": value["metadata"]});
    let mut lines = format!("{value}\n");
    let e = try_bytes(
        "yarn3.json",
        lines.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("one line");
    assert_eq!(e.vulnerabilities.len(), 4);
    lines = format!(
        "{clean}\n{}\n",
        r#"{"type":"info","name":null,"displayName":"YN0001","indent":"","data":"No audit suggestions"}"#
    );
    let e = try_bytes(
        "yarn3.json",
        lines.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("clean");
    assert!(e.vulnerabilities.is_empty());
    // The report and a finding line after it: the report's records count.
    lines = format!(
        "{value}\n{}\n",
        r#"{"type":"info","name":null,"displayName":"YN0001","indent":"","data":"done"}"#
    );
    let e = try_bytes(
        "yarn3.json",
        lines.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("report and info");
    assert_eq!(e.vulnerabilities.len(), 4);
}

#[test]
fn broken_lines_are_malformed_at_their_line() {
    let text = std::fs::read_to_string(
        repo().join(format!("tests/fixtures/{DIR}/yarn-berry-audit.jsonl")),
    )
    .expect("fixture");
    let cut: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 1 { &l[..40] } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let err = try_bytes(
        "berry.jsonl",
        cut.as_bytes(),
        EvidenceKind::Vulnerabilities,
        Some(Format::NpmAudit),
    )
    .expect_err("cut line");
    assert_eq!(malformed_at(&err).0, Some(3), "{err}");
    // JSON lines that are no audit output are refused, naming what was expected.
    let err = try_bytes(
        "other.jsonl",
        b"{\"a\": 1}\n{\"b\": 2}\n",
        EvidenceKind::Vulnerabilities,
        Some(Format::NpmAudit),
    )
    .expect_err("not audit lines");
    assert!(err.to_string().contains("yarn npm audit --json"), "{err}");
    assert!(!matches!(err, Error::UnknownFormat { .. }), "{err:?}");
}

#[test]
fn bun_names_no_installed_version_and_counts_a_ghsa_once_per_package() {
    let e = audit("bun-audit.json");
    assert_eq!(
        rows(&e.vulnerabilities),
        [
            (
                "GHSA-35jh-r3h4-6jhm",
                "lodash",
                None,
                Some("pkg:npm/lodash")
            ),
            (
                "GHSA-29mw-wpgm-hmr9",
                "lodash",
                None,
                Some("pkg:npm/lodash")
            ),
            // Listed twice, for its two vulnerable ranges.
            (
                "GHSA-xvch-5gv4-984h",
                "minimist",
                None,
                Some("pkg:npm/minimist")
            ),
            (
                "GHSA-4f8q-9m2x-v7rc",
                "@pump/telemetry-shim",
                None,
                Some("pkg:npm/%40pump/telemetry-shim")
            ),
        ]
    );
    let v = &e.vulnerabilities;
    assert_eq!(by(v, "GHSA-xvch-5gv4-984h").severity, Severity::Critical);
    assert_eq!(by(v, "GHSA-29mw-wpgm-hmr9").cvss_score, Some(5.3));
    let shim = by(v, "GHSA-4f8q-9m2x-v7rc");
    assert_eq!((shim.severity, shim.cvss_score), (Severity::Medium, None));
    assert_eq!(shim.scanner, "bun audit");
    assert!(v.iter().all(|r| r.fixed_versions.is_empty()));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn an_empty_object_is_a_clean_bun_report_only_as_vulnerabilities() {
    let e = audit("bun-audit-clean.json");
    assert!(e.vulnerabilities.is_empty());
    assert_eq!(
        warnings(&e),
        ["an empty JSON object, read as `bun audit --json` finding no vulnerable package"]
    );
    // Listed as anything else, `{}` is no report.
    let err = try_producer(
        &format!("{DIR}/bun-audit-clean.json"),
        EvidenceKind::Components,
    )
    .expect_err("not an SBOM");
    assert!(matches!(err, Error::UnknownFormat { .. }), "{err:?}");
}

#[test]
fn a_report_version_other_than_2_is_refused_with_what_is_read() {
    for (text, expected) in [
        (
            r#"{"auditReportVersion": 3, "vulnerabilities": {}}"#,
            "npm audit report version 3 is not supported",
        ),
        // A key that is there but null is not another format's file.
        (
            r#"{"auditReportVersion": null, "vulnerabilities": {}}"#,
            "\"auditReportVersion\" is null",
        ),
    ] {
        let err = try_bytes(
            "npm-audit.json",
            text.as_bytes(),
            EvidenceKind::Vulnerabilities,
            None,
        )
        .expect_err(text);
        assert!(err.to_string().contains(expected), "{text}: {err}");
        assert!(err.to_string().contains("npm-audit.json"), "{err}");
    }
}
