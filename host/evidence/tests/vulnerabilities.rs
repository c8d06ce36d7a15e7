//! Vulnerability reports: cargo-audit (real, against a hand-made advisory
//! database), OSV-Scanner, Grype, Trivy, npm audit (hand-made after each
//! tool's schema) and CycloneDX `vulnerabilities[]`.

mod common;

use common::*;
use regops_evidence::{Error, EvidenceKind, Format, Severity, Vulnerability};

fn vuln<'a>(vulns: &'a [Vulnerability], id: &str) -> &'a Vulnerability {
    vulns
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no vulnerability {id}"))
}

fn ids(vulns: &[Vulnerability]) -> Vec<&str> {
    vulns.iter().map(|v| v.id.as_str()).collect()
}

// ---------------------------------------------------------------------------
// cargo-audit

#[test]
fn cargo_audit_vulnerabilities_unsound_and_unmaintained() {
    let e = fixture(
        "tests/fixtures/cargo-audit/cargo-audit.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::CargoAudit);
    // The vulnerability, then the unsound warning; unmaintained is not a
    // vulnerability.
    assert_eq!(
        ids(&e.vulnerabilities),
        ["RUSTSEC-2021-0003", "RUSTSEC-2022-0040"]
    );

    let smallvec = vuln(&e.vulnerabilities, "RUSTSEC-2021-0003");
    assert_eq!(smallvec.aliases, ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"]);
    assert_eq!(smallvec.package, "smallvec");
    assert_eq!(smallvec.version.as_deref(), Some("1.6.0"));
    assert_eq!(smallvec.purl.as_deref(), Some("pkg:cargo/smallvec@1.6.0"));
    // Computed from CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.
    assert_eq!(smallvec.severity, Severity::Critical);
    assert_eq!(smallvec.cvss_score, Some(9.8));
    assert_eq!(smallvec.fixed_versions, [">=0.6.14, <1.0.0", ">=1.6.1"]);
    assert_eq!(smallvec.scanner, "cargo-audit");
    // The time of the advisory database's last commit.
    assert_eq!(
        smallvec.database_time.as_deref(),
        Some("2026-01-05T12:00:00Z")
    );

    // Unsound, no CVSS: unknown severity, the worst case for gates.
    let owning_ref = vuln(&e.vulnerabilities, "RUSTSEC-2022-0040");
    assert_eq!(owning_ref.severity, Severity::Unknown);
    assert_eq!(owning_ref.cvss_score, None);
    assert_eq!(owning_ref.aliases, ["GHSA-9qxh-258v-666c"]);
    assert!(owning_ref.fixed_versions.is_empty());

    assert_eq!(
        warnings(&e),
        [
            "cargo-audit: difference 2.0.0 is unmaintained (RUSTSEC-2020-0095): difference is unmaintained"
        ]
    );
}

#[test]
fn cargo_audit_without_a_fetched_database_has_no_database_time() {
    // `--no-fetch` on a local database: cargo-audit writes "last-updated": null.
    let e = fixture(
        "tests/fixtures/cargo-audit/cargo-audit-no-fetch.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.vulnerabilities.len(), 2);
    assert!(e.vulnerabilities.iter().all(|v| v.database_time.is_none()));
}

#[test]
fn cargo_audit_yanked_and_notice_warnings_are_file_warnings() {
    let e = try_bytes(
        "audit.json",
        br#"{"database": {"advisory-count": 1, "last-commit": null, "last-updated": "2026-01-05T12:00:00Z"},
             "lockfile": {"dependency-count": 2}, "settings": {},
             "vulnerabilities": {"found": false, "count": 0, "list": []},
             "warnings": {"yanked": [{"kind": "yanked", "package": {"name": "cookie", "version": "0.15.0"}, "advisory": null, "affected": null, "versions": null}],
                          "notice": [{"kind": "notice", "package": {"name": "atty", "version": "0.2.14"}, "advisory": {"id": "RUSTSEC-2024-0375", "title": "atty is unmaintained"}}]}}"#,
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("loads");
    assert!(e.vulnerabilities.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "cargo-audit: atty 0.2.14 has a notice (RUSTSEC-2024-0375): atty is unmaintained",
            "cargo-audit: cookie 0.15.0 is a yanked version",
        ]
    );
}

// ---------------------------------------------------------------------------
// OSV-Scanner

#[test]
fn osv_scanner_groups_make_one_record_per_vulnerability() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/osv-scanner.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::OsvScanner);
    // smallvec has a GHSA and a RUSTSEC entry, grouped: one record.
    assert_eq!(
        ids(&e.vulnerabilities),
        [
            "GHSA-43w2-9j62-hq99",
            "GHSA-462w-v97r-4m45",
            "GHSA-q2x7-8rv6-6q7h"
        ]
    );
    let smallvec = vuln(&e.vulnerabilities, "GHSA-43w2-9j62-hq99");
    assert_eq!(smallvec.aliases, ["RUSTSEC-2021-0003", "CVE-2021-25900"]);
    assert_eq!(smallvec.purl.as_deref(), Some("pkg:cargo/smallvec@1.6.0"));
    assert_eq!(smallvec.severity, Severity::Critical);
    assert_eq!(smallvec.cvss_score, Some(9.8));
    // `fixed` events of both entries, for this package, once each.
    assert_eq!(smallvec.fixed_versions, ["0.6.14", "1.6.1"]);
    assert_eq!(smallvec.scanner, "osv-scanner");
    assert_eq!(smallvec.database_time, None);

    // No CVSS vector: GHSA's database_specific severity word.
    let sandbox = vuln(&e.vulnerabilities, "GHSA-462w-v97r-4m45");
    assert_eq!(sandbox.package, "jinja2");
    assert_eq!(sandbox.purl.as_deref(), Some("pkg:pypi/jinja2@2.10"));
    assert_eq!(sandbox.severity, Severity::High);
    assert_eq!(sandbox.cvss_score, None);
    assert_eq!(sandbox.fixed_versions, ["2.10.1"]);

    // Only a CVSS v4 vector: scored too.
    let v4 = vuln(&e.vulnerabilities, "GHSA-q2x7-8rv6-6q7h");
    assert_eq!(v4.severity, Severity::High);
    assert_eq!(v4.cvss_score, Some(7.3));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// Grype

#[test]
fn grype_matches_with_scanner_and_database_time() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/grype.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::Grype);
    assert_eq!(
        ids(&e.vulnerabilities),
        [
            "GHSA-v845-jxx5-vc9f",
            "GHSA-g4mx-q9vg-27p4",
            "CVE-2024-0727"
        ]
    );
    for v in &e.vulnerabilities {
        assert_eq!(v.scanner, "grype");
        // descriptor.db.built, after the matches in the file.
        assert_eq!(v.database_time.as_deref(), Some("2024-02-27T01:24:32Z"));
    }
    let cookie = vuln(&e.vulnerabilities, "GHSA-v845-jxx5-vc9f");
    assert_eq!(cookie.aliases, ["CVE-2023-43804"]);
    assert_eq!(cookie.purl.as_deref(), Some("pkg:pypi/urllib3@1.26.4"));
    // The GHSA's own vector comes before the related NVD one.
    assert_eq!(cookie.cvss_score, Some(5.7));
    assert_eq!(cookie.severity, Severity::Medium);
    assert_eq!(cookie.fixed_versions, ["1.26.17"]);
    assert_eq!(
        vuln(&e.vulnerabilities, "GHSA-g4mx-q9vg-27p4").fixed_versions,
        ["1.26.18", "2.0.7"]
    );

    // Debian says Negligible; the NVD vector of the related record scores
    // 5.5: the computed severity wins, with a warning.
    let openssl = vuln(&e.vulnerabilities, "CVE-2024-0727");
    assert_eq!(openssl.severity, Severity::Medium);
    assert_eq!(openssl.cvss_score, Some(5.5));
    assert!(openssl.aliases.is_empty());
    assert!(openssl.fixed_versions.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "1 vulnerability has a severity from the scanner that differs from the one computed from \
          the CVSS vector; the higher of the two is used (first: CVE-2024-0727: stated none, \
          CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H scores 5.5 (medium))"
        ]
    );
}

// ---------------------------------------------------------------------------
// Trivy

#[test]
fn trivy_vulnerabilities_with_vendor_vectors() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/trivy.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::Trivy);
    assert_eq!(
        ids(&e.vulnerabilities),
        [
            "CVE-2023-43804",
            "CVE-2024-37891",
            "CVE-2019-10906",
            "RUSTSEC-2022-0040"
        ]
    );
    // SeveritySource is ghsa: its vector (5.7), not NVD's (7.4).
    let cookie = vuln(&e.vulnerabilities, "CVE-2023-43804");
    assert_eq!(cookie.cvss_score, Some(5.7));
    assert_eq!(cookie.severity, Severity::Medium);
    // FixedVersion is a comma-separated list.
    assert_eq!(cookie.fixed_versions, ["2.0.6", "1.26.17"]);
    assert_eq!(cookie.purl.as_deref(), Some("pkg:pypi/urllib3@1.26.4"));
    assert_eq!(cookie.scanner, "trivy");

    // Trivy says HIGH, the vector scores 4.4: the scanner's word is not
    // lowered, and the disagreement is warned.
    let proxy = vuln(&e.vulnerabilities, "CVE-2024-37891");
    assert_eq!(proxy.severity, Severity::High);
    assert_eq!(proxy.cvss_score, Some(4.4));
    // No PkgIdentifier: the purl is built from the result's Type (pip).
    assert_eq!(proxy.purl.as_deref(), Some("pkg:pypi/urllib3@1.26.4"));

    let jinja = vuln(&e.vulnerabilities, "CVE-2019-10906");
    assert_eq!(jinja.severity, Severity::Unknown);
    assert_eq!(jinja.aliases, ["DSA-4438-1"]);
    assert_eq!(jinja.purl.as_deref(), Some("pkg:pypi/jinja2@2.10"));

    let owning_ref = vuln(&e.vulnerabilities, "RUSTSEC-2022-0040");
    assert_eq!(owning_ref.severity, Severity::Low);
    assert_eq!(
        owning_ref.purl.as_deref(),
        Some("pkg:cargo/owning_ref@0.4.1")
    );
    assert_eq!(
        warnings(&e),
        [
            "1 vulnerability has a severity from the scanner that differs from the one computed from \
          the CVSS vector; the higher of the two is used (first: CVE-2024-37891: stated high, \
          CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N scores 4.4 (medium))"
        ]
    );
}

#[test]
fn trivy_results_without_vulnerabilities_are_clean_not_malformed() {
    // "Vulnerabilities": null, and a result without the key.
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/trivy-no-vulnerabilities.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::Trivy);
    assert!(e.vulnerabilities.is_empty());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // And a report with "Results": null.
    let e = try_bytes(
        "trivy.json",
        br#"{"SchemaVersion": 2, "ArtifactName": ".", "Results": null}"#,
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("loads");
    assert!(e.vulnerabilities.is_empty());
}

// ---------------------------------------------------------------------------
// npm audit

#[test]
fn npm_audit_records_advisories_not_causal_links() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/npm-audit.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::NpmAudit);
    // @pump/cli-kit is vulnerable only via minimist (a string in `via`): no
    // record of its own. Document order is kept.
    assert_eq!(
        ids(&e.vulnerabilities),
        [
            "GHSA-35jh-r3h4-6jhm",
            "GHSA-29mw-wpgm-hmr9",
            "GHSA-xvch-5gv4-984h",
            "GHSA-gxpj-cx7g-858c"
        ]
    );
    let injection = vuln(&e.vulnerabilities, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(injection.package, "lodash");
    // npm audit does not report installed versions.
    assert_eq!(injection.version, None);
    assert_eq!(injection.purl.as_deref(), Some("pkg:npm/lodash"));
    assert_eq!(injection.severity, Severity::High);
    assert_eq!(injection.cvss_score, Some(7.2));
    assert_eq!(injection.fixed_versions, ["4.17.21"]);
    assert_eq!(injection.scanner, "npm audit");

    let minimist = vuln(&e.vulnerabilities, "GHSA-xvch-5gv4-984h");
    assert_eq!(minimist.severity, Severity::Critical);
    // fixAvailable: true names no version.
    assert!(minimist.fixed_versions.is_empty());

    // No vector and a score of 0: the word (moderate), no score.
    let debug = vuln(&e.vulnerabilities, "GHSA-gxpj-cx7g-858c");
    assert_eq!(debug.severity, Severity::Medium);
    assert_eq!(debug.cvss_score, None);
    assert_eq!(debug.fixed_versions, ["2.6.9"]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn npm_audit_error_output_is_not_a_report() {
    // Real npm 11 output when the audit endpoint refused the request.
    let err = try_fixture(
        "tests/fixtures/npm-audit-unreachable/npm-audit.json",
        EvidenceKind::Vulnerabilities,
    )
    .expect_err("an error response");
    match err {
        Error::UnknownFormat { detected, .. } => assert!(
            detected.starts_with("JSON object with keys message, method, uri"),
            "{detected}"
        ),
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
    // npm 6's (and pnpm's) report version 1 is read: here, one without
    // advisories (host/evidence/tests/js_audit.rs reads ones with).
    let e = try_bytes(
        "audit-v1.json",
        br#"{"actions": [], "advisories": {}, "muted": [], "metadata": {}}"#,
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("v1");
    assert_eq!(e.files[0].format, Format::NpmAudit);
    assert!(e.vulnerabilities.is_empty());
}

// ---------------------------------------------------------------------------
// CycloneDX vulnerabilities

#[test]
fn cyclonedx_vulnerabilities_resolve_affected_components() {
    for rel in [
        "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.json",
        "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.xml",
    ] {
        let e = fixture(rel, EvidenceKind::Vulnerabilities);
        assert_eq!(
            ids(&e.vulnerabilities),
            [
                "GHSA-35jh-r3h4-6jhm",
                "GHSA-xvch-5gv4-984h",
                "CVE-2022-24999",
                "CVE-2024-0001",
                "GHSA-gxpj-cx7g-858c",
                "CVE-2023-0002"
            ],
            "{rel}"
        );
        // No affects[]: reported against the document's product, not dropped.
        let unaffecting = vuln(&e.vulnerabilities, "CVE-2024-0001");
        assert_eq!(
            (unaffecting.package.as_str(), unaffecting.purl.as_deref()),
            ("pump-display", Some("pkg:npm/pump-display@0.3.0"))
        );
        let lodash = vuln(&e.vulnerabilities, "GHSA-35jh-r3h4-6jhm");
        assert_eq!(lodash.package, "lodash");
        assert_eq!(lodash.version.as_deref(), Some("4.17.20"));
        assert_eq!(lodash.purl.as_deref(), Some("pkg:npm/lodash@4.17.20"));
        assert_eq!(lodash.aliases, ["CVE-2021-23337"]);
        // The rating's vector lacks its prefix (method CVSSv31) and scores
        // 7.2; the rating says critical, and the higher of the two counts.
        assert_eq!(lodash.severity, Severity::Critical);
        assert_eq!(lodash.cvss_score, Some(7.2));
        assert_eq!(lodash.scanner, "Dependency-Track");
        // Analysis is VEX: not applied from the vulnerabilities kind.
        assert_eq!(lodash.assessment, None);
        // A ref that is a purl naming no component.
        let qs = vuln(&e.vulnerabilities, "CVE-2022-24999");
        assert_eq!(
            (
                qs.package.as_str(),
                qs.version.as_deref(),
                qs.purl.as_deref()
            ),
            ("qs", Some("6.5.2"), Some("pkg:npm/qs@6.5.2"))
        );
        assert_eq!(qs.severity, Severity::High);
        // A component without a purl.
        let express = vuln(&e.vulnerabilities, "GHSA-gxpj-cx7g-858c");
        assert_eq!(
            (express.package.as_str(), express.purl.as_deref()),
            ("express", None)
        );
        assert_eq!(express.severity, Severity::Low);
        assert_eq!(
            vuln(&e.vulnerabilities, "CVE-2023-0002").severity,
            Severity::Unknown
        );
        assert_eq!(
            warnings(&e),
            [
                "1 vulnerability has a severity from the scanner that differs from the one \
                 computed from the CVSS vector; the higher of the two is used (first: \
                 GHSA-35jh-r3h4-6jhm: stated critical, CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H \
                 scores 7.2 (high))",
                "1 vulnerability has no affects[], so no affected component; reported against \
                 the document's product (metadata.component), else as \"(no affected component \
                 stated)\"",
                "5 vulnerabilities have an analysis (VEX), which is not applied from a file listed \
                 under `vulnerabilities`; list the file under `vex` as well to apply it",
            ],
            "{rel}"
        );
    }
}

// ---------------------------------------------------------------------------
// Errors

#[test]
fn truncated_scanner_json_is_malformed_with_line_and_column() {
    for rel in [
        "tests/fixtures/handmade-supply-chain/grype.json",
        "tests/fixtures/handmade-supply-chain/trivy.json",
        "tests/fixtures/handmade-supply-chain/osv-scanner.json",
        "tests/fixtures/handmade-supply-chain/npm-audit.json",
        "tests/fixtures/cargo-audit/cargo-audit.json",
    ] {
        let text = std::fs::read(repo().join(rel)).expect("fixture");
        let err = try_bytes(
            "cut.json",
            &text[..text.len() * 2 / 3],
            EvidenceKind::Vulnerabilities,
            None,
        )
        .expect_err("truncated");
        let (line, column) = malformed_at(&err);
        assert!(line.is_some() && column.is_some(), "{rel}: {err}");
        assert!(
            err.to_string().contains("the file ends early (truncated?)"),
            "{rel}: {err}"
        );
    }
}

#[test]
fn scanner_json_nested_absurdly_deep_is_an_error_not_a_crash() {
    let depth = 100_000;
    let mut json = String::from(
        r#"{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "#,
    );
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push_str("}]}]}");
    let err = try_bytes(
        "deep.json",
        json.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect_err("deep");
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    // Deep values nobody reads are skipped.
    let mut json = String::from(r#"{"SchemaVersion": 2, "Metadata": "#);
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push_str(r#", "Results": []}"#);
    let e = try_bytes(
        "deep2.json",
        json.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("loads");
    assert!(e.vulnerabilities.is_empty());
}

#[test]
fn a_file_above_the_size_limit_is_refused_before_reading() {
    let options = regops_evidence::Options {
        max_file_size: 100,
        ..regops_evidence::Options::default()
    };
    let rel = "tests/fixtures/handmade-supply-chain/grype.json";
    let err = regops_evidence::load(&[input(rel, EvidenceKind::Vulnerabilities)], &options)
        .expect_err("too large");
    assert!(matches!(err, Error::TooLarge { limit: 100, .. }), "{err:?}");
}

#[test]
fn every_prefix_of_the_scanner_fixtures_fails_cleanly() {
    for (rel, format) in [
        (
            "tests/fixtures/handmade-supply-chain/grype.json",
            Format::Grype,
        ),
        (
            "tests/fixtures/handmade-supply-chain/trivy.json",
            Format::Trivy,
        ),
        (
            "tests/fixtures/handmade-supply-chain/osv-scanner.json",
            Format::OsvScanner,
        ),
        (
            "tests/fixtures/handmade-supply-chain/npm-audit.json",
            Format::NpmAudit,
        ),
        (
            "tests/fixtures/cargo-audit/cargo-audit.json",
            Format::CargoAudit,
        ),
        (
            "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.xml",
            Format::CycloneDxXml,
        ),
    ] {
        let bytes = std::fs::read(repo().join(rel)).expect("fixture");
        let step = (bytes.len() / 100).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let prefix = &bytes[..cut];
            let _ = try_bytes("prefix", prefix, EvidenceKind::Vulnerabilities, None);
            let result = try_bytes(
                "prefix",
                prefix,
                EvidenceKind::Vulnerabilities,
                Some(format),
            );
            if cut + 2 < bytes.len() {
                assert!(result.is_err(), "{rel} cut at {cut} should not parse");
            }
        }
    }
}
