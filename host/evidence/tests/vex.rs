//! VEX: OpenVEX and CycloneDX VEX statements, and how `load` merges them
//! onto the vulnerabilities of every scanner; format detection and kinds;
//! the evidence bundle round trip.

mod common;

use common::*;
use regops_evidence::{Error, Evidence, EvidenceKind, Format, VexStatus, Vulnerability, apply_vex};

const OPENVEX: &str = "tests/fixtures/handmade-supply-chain/openvex.json";
const CDX_VEX: &str = "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.json";

fn find<'a>(e: &'a Evidence, scanner: &str, id: &str) -> &'a Vulnerability {
    e.vulnerabilities
        .iter()
        .find(|v| v.scanner == scanner && v.id == id)
        .unwrap_or_else(|| panic!("no {scanner} vulnerability {id}"))
}

fn status(v: &Vulnerability) -> Option<VexStatus> {
    v.assessment.as_ref().map(|a| a.status)
}

fn merged() -> Evidence {
    load_all(&[
        (
            "tests/fixtures/cargo-audit/cargo-audit.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/osv-scanner.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/grype.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/trivy.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/npm-audit.json",
            EvidenceKind::Vulnerabilities,
        ),
        (OPENVEX, EvidenceKind::Vex),
    ])
}

// ---------------------------------------------------------------------------
// Parsing

#[test]
fn openvex_statements() {
    let e = fixture(OPENVEX, EvidenceKind::Vex);
    assert_eq!(e.files[0].format, Format::OpenVex);
    assert_eq!(e.vex.len(), 6);
    let later = &e.vex[1];
    assert_eq!(later.vulnerability, "CVE-2021-25900");
    assert_eq!(later.aliases, ["RUSTSEC-2021-0003"]);
    assert_eq!(
        later.products,
        ["pkg:cargo/smallvec@1.6.0?checksum=sha256:1a55ca5f"]
    );
    let a = &later.assessment;
    assert_eq!(a.status, VexStatus::NotAffected);
    assert_eq!(
        a.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        a.detail.as_deref(),
        Some("The firmware tools never call SmallVec::insert_many.")
    );
    assert_eq!(
        a.author.as_deref(),
        Some("Example Medical Product Security <psirt@example.com>")
    );
    assert_eq!(a.timestamp.as_deref(), Some("2026-02-01T09:00:00+01:00"));
    assert_eq!(a.evidence, OPENVEX);

    // The id from the last segment of vulnerability.@id; a product with
    // subcomponents stands for them, not for itself; the document's
    // timestamp when the statement has none.
    let lodash = &e.vex[2];
    assert_eq!(lodash.vulnerability, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(lodash.products, ["pkg:npm/lodash@4.17.20"]);
    assert_eq!(lodash.assessment.status, VexStatus::Affected);
    assert_eq!(
        lodash.assessment.detail.as_deref(),
        Some("Upgrade lodash to 4.17.21 in pump-display 0.3.1.")
    );
    assert_eq!(
        lodash.assessment.timestamp.as_deref(),
        Some("2026-01-20T09:00:00Z")
    );
    // A statement without products covers every product.
    assert!(e.vex[5].products.is_empty());

    // not_affected with neither justification nor impact statement.
    assert_eq!(e.vex[3].assessment.status, VexStatus::NotAffected);
    assert_eq!(e.vex[3].assessment.justification, None);
    assert_eq!(
        warnings(&e),
        [
            "1 not_affected statement(s) give neither a justification nor an impact_statement \
          (first: GHSA-xvch-5gv4-984h), which OpenVEX requires; the status is kept"
        ]
    );
}

#[test]
fn openvex_v0_0_1_strings_and_impact_statement_as_justification() {
    let e = try_bytes(
        "old.openvex.json",
        br#"{"@context": "https://openvex.dev/ns", "author": "PSIRT", "timestamp": "2023-01-09T21:23:03Z",
             "statements": [{"vulnerability": "CVE-2023-1234", "products": ["pkg:npm/a@1.0.0"],
                             "subcomponents": ["pkg:npm/b@2.0.0"], "status": "not_affected",
                             "impact_statement": "b is only used at build time"}]}"#,
        EvidenceKind::Vex,
        None,
    )
    .expect("loads");
    let s = &e.vex[0];
    assert_eq!(s.vulnerability, "CVE-2023-1234");
    // Statement-level subcomponents are what it is about, in the products.
    assert_eq!(s.products, ["pkg:npm/b@2.0.0"]);
    // OpenVEX accepts an impact statement instead of a justification label.
    assert_eq!(
        s.assessment.justification.as_deref(),
        Some("b is only used at build time")
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn openvex_unknown_status_is_refused() {
    let err = try_bytes(
        "bad.openvex.json",
        br#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "wont_fix"}]}"#,
        EvidenceKind::Vex,
        None,
    )
    .expect_err("status");
    assert!(
        err.to_string()
            .contains("status `wont_fix` is not an OpenVEX status"),
        "{err}"
    );
}

#[test]
fn cyclonedx_analysis_states_map_to_openvex_statuses() {
    for rel in [
        CDX_VEX,
        "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.xml",
    ] {
        let e = fixture(rel, EvidenceKind::Vex);
        let got: Vec<(&str, VexStatus, Option<&str>)> = e
            .vex
            .iter()
            .map(|s| {
                (
                    s.vulnerability.as_str(),
                    s.assessment.status,
                    s.assessment.justification.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("GHSA-35jh-r3h4-6jhm", VexStatus::Affected, None), // exploitable
                (
                    "GHSA-xvch-5gv4-984h",
                    VexStatus::NotAffected,
                    Some("code_not_reachable")
                ),
                (
                    "CVE-2022-24999",
                    VexStatus::NotAffected,
                    Some("false_positive")
                ),
                ("CVE-2024-0001", VexStatus::UnderInvestigation, None), // in_triage
                ("CVE-2023-0002", VexStatus::Fixed, None),              // resolved
            ],
            "{rel}"
        );
        // Products are the affected components' purls.
        assert_eq!(e.vex[0].products, ["pkg:npm/lodash@4.17.20"]);
        assert_eq!(e.vex[0].aliases, ["CVE-2021-23337"]);
        // No affects[]: the document's product, not every product.
        assert_eq!(e.vex[3].products, ["pkg:npm/pump-display@0.3.0"]);
        let a = &e.vex[0].assessment;
        assert_eq!(a.author.as_deref(), Some("Example Medical PSIRT"));
        // analysis.lastUpdated; without one, metadata.timestamp.
        assert_eq!(a.timestamp.as_deref(), Some("2026-01-05T11:00:00Z"));
        assert_eq!(
            e.vex[1].assessment.timestamp.as_deref(),
            Some("2026-01-05T12:00:00Z")
        );
        assert_eq!(
            a.detail.as_deref(),
            Some("The template function is reachable from the settings screen.")
        );
        assert_eq!(
            warnings(&e),
            ["1 vulnerability has no analysis, so no VEX statement"],
            "{rel}"
        );
    }
}

// ---------------------------------------------------------------------------
// Merging

#[test]
fn vex_matches_by_alias_and_the_latest_statement_wins() {
    let e = merged();
    // Two statements about CVE-2021-25900 for smallvec 1.6.0: under
    // investigation on 10 January, not affected on 1 February (08:00 UTC).
    // cargo-audit calls it RUSTSEC-2021-0003, OSV-Scanner GHSA-43w2-9j62-hq99:
    // both have CVE-2021-25900 among their aliases.
    for (scanner, id) in [
        ("cargo-audit", "RUSTSEC-2021-0003"),
        ("osv-scanner", "GHSA-43w2-9j62-hq99"),
    ] {
        let v = find(&e, scanner, id);
        let a = v.assessment.as_ref().expect("assessed");
        assert_eq!(a.status, VexStatus::NotAffected, "{scanner}");
        assert_eq!(
            a.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
        assert_eq!(a.evidence, OPENVEX);
    }
}

#[test]
fn vex_products_match_purls_without_qualifiers_and_versions_when_absent() {
    let e = merged();
    // Product pkg:pypi/urllib3@1.26.4?repository_url=...: qualifiers ignored.
    assert_eq!(
        status(find(&e, "grype", "GHSA-v845-jxx5-vc9f")),
        Some(VexStatus::Fixed)
    );
    assert_eq!(
        status(find(&e, "trivy", "CVE-2023-43804")),
        Some(VexStatus::Fixed)
    );
    // npm audit knows no version (pkg:npm/lodash); the statement's
    // subcomponent pkg:npm/lodash@4.17.20 covers it.
    assert_eq!(
        status(find(&e, "npm audit", "GHSA-35jh-r3h4-6jhm")),
        Some(VexStatus::Affected)
    );
    // Product pkg:npm/minimist, no version: every version.
    assert_eq!(
        status(find(&e, "npm audit", "GHSA-xvch-5gv4-984h")),
        Some(VexStatus::NotAffected)
    );
    // No products: every product, matched through an alias in OSV's record.
    assert_eq!(
        status(find(&e, "trivy", "CVE-2019-10906")),
        Some(VexStatus::UnderInvestigation)
    );
    assert_eq!(
        status(find(&e, "osv-scanner", "GHSA-462w-v97r-4m45")),
        Some(VexStatus::UnderInvestigation)
    );
    // Nothing says anything about these.
    assert_eq!(status(find(&e, "grype", "GHSA-g4mx-q9vg-27p4")), None);
    assert_eq!(status(find(&e, "cargo-audit", "RUSTSEC-2022-0040")), None);
    assert_eq!(status(find(&e, "npm audit", "GHSA-29mw-wpgm-hmr9")), None);
}

#[test]
fn vex_statements_for_other_products_do_not_apply() {
    let mut e = Evidence::default();
    let v = find(&merged(), "cargo-audit", "RUSTSEC-2021-0003").clone();
    e.vulnerabilities.push(v);
    e.vulnerabilities[0].assessment = None;
    let mut s = fixture(OPENVEX, EvidenceKind::Vex).vex[1].clone();
    // Another version of smallvec.
    s.products = vec!["pkg:cargo/smallvec@1.6.1".to_string()];
    e.vex.push(s.clone());
    apply_vex(&mut e);
    assert_eq!(e.vulnerabilities[0].assessment, None);
    // Another package.
    e.vex[0].products = vec!["pkg:cargo/smallvec-fork@1.6.0".to_string()];
    apply_vex(&mut e);
    assert_eq!(e.vulnerabilities[0].assessment, None);
    // The same package, any version.
    e.vex[0].products = vec!["pkg:cargo/smallvec".to_string()];
    apply_vex(&mut e);
    assert_eq!(status(&e.vulnerabilities[0]), Some(VexStatus::NotAffected));
}

#[test]
fn vex_later_timestamps_win_across_time_zones_and_files() {
    let mut e = Evidence::default();
    let mut v = find(&merged(), "trivy", "CVE-2023-43804").clone();
    v.assessment = None;
    e.vulnerabilities.push(v);
    let base = fixture(OPENVEX, EvidenceKind::Vex).vex[4].clone();
    let statement = |status, timestamp: Option<&str>, file: &str| {
        let mut s = base.clone();
        s.assessment.status = status;
        s.assessment.timestamp = timestamp.map(str::to_string);
        s.assessment.evidence = file.to_string();
        s
    };
    e.vex = vec![
        // 12:00 UTC, loaded first.
        statement(
            VexStatus::Affected,
            Some("2026-03-01T13:00:00+01:00"),
            "a.json",
        ),
        // 11:30 UTC: earlier, although written later in the day.
        statement(
            VexStatus::Fixed,
            Some("2026-03-01T06:30:00-05:00"),
            "b.json",
        ),
        // No timestamp: loses to every dated statement.
        statement(VexStatus::UnderInvestigation, None, "c.json"),
    ];
    apply_vex(&mut e);
    let a = e.vulnerabilities[0].assessment.as_ref().expect("assessed");
    assert_eq!(
        (a.status, a.evidence.as_str()),
        (VexStatus::Affected, "a.json")
    );
    // The same instant: the statement loaded last wins.
    e.vex.push(statement(
        VexStatus::NotAffected,
        Some("2026-03-01T12:00:00Z"),
        "d.json",
    ));
    apply_vex(&mut e);
    assert_eq!(status(&e.vulnerabilities[0]), Some(VexStatus::NotAffected));
}

#[test]
fn vex_with_unreadable_timestamps_warns_on_its_file() {
    // Written to a temporary file: a statement dated "last Tuesday".
    let dir = std::env::temp_dir().join(format!("regops-vex-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("vex.json");
    std::fs::write(
        &path,
        br#"{"@context": "https://openvex.dev/ns/v0.2.0", "author": "PSIRT",
             "statements": [{"vulnerability": {"name": "CVE-2023-43804"}, "status": "fixed", "timestamp": "last Tuesday"}]}"#,
    )
    .expect("write");
    let inputs = [
        input(
            "tests/fixtures/handmade-supply-chain/trivy.json",
            EvidenceKind::Vulnerabilities,
        ),
        regops_evidence::Input {
            path: path.clone(),
            display: "vex.json".to_string(),
            kind: EvidenceKind::Vex,
            format: None,
        },
    ];
    let e = regops_evidence::load(&inputs, &regops_evidence::Options::default()).expect("loads");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        status(find(&e, "trivy", "CVE-2023-43804")),
        Some(VexStatus::Fixed)
    );
    assert_eq!(
        e.files[1].warnings,
        [
            "1 statement timestamp(s) are not RFC 3339 (first: \"last Tuesday\"); such statements \
          lose to every dated statement about the same vulnerability"
        ]
    );
}

#[test]
fn one_cyclonedx_file_serves_three_kinds() {
    // The same document as SBOM, vulnerability report and VEX.
    let e = load_all(&[
        (CDX_VEX, EvidenceKind::Components),
        (CDX_VEX, EvidenceKind::Vulnerabilities),
        (CDX_VEX, EvidenceKind::Vex),
    ]);
    assert!(e.files.iter().all(|f| f.format == Format::CycloneDxJson));
    assert_eq!(
        e.files.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [
            EvidenceKind::Components,
            EvidenceKind::Vulnerabilities,
            EvidenceKind::Vex
        ]
    );
    assert_eq!(e.components.len(), 3);
    // Five affected components, and one vulnerability without affects[]
    // reported against the document's product.
    assert_eq!(e.vulnerabilities.len(), 6);
    assert_eq!(e.vex.len(), 5);
    let by_id = |id: &str| {
        e.vulnerabilities
            .iter()
            .find(|v| v.id == id)
            .and_then(|v| v.assessment.as_ref())
            .map(|a| a.status)
    };
    assert_eq!(by_id("GHSA-35jh-r3h4-6jhm"), Some(VexStatus::Affected));
    assert_eq!(by_id("GHSA-xvch-5gv4-984h"), Some(VexStatus::NotAffected));
    assert_eq!(by_id("CVE-2022-24999"), Some(VexStatus::NotAffected));
    assert_eq!(by_id("CVE-2023-0002"), Some(VexStatus::Fixed));
    assert_eq!(by_id("GHSA-gxpj-cx7g-858c"), None);
}

// ---------------------------------------------------------------------------
// Formats and kinds

#[test]
fn every_new_format_is_detected_from_content() {
    let cases = [
        (
            "tests/fixtures/lcov-coveragepy/coverage.lcov",
            EvidenceKind::Coverage,
            Format::Lcov,
        ),
        (
            "tests/fixtures/lcov-c8/lcov.info",
            EvidenceKind::Coverage,
            Format::Lcov,
        ),
        (
            "tests/fixtures/jacoco/jacoco.xml",
            EvidenceKind::Coverage,
            Format::Jacoco,
        ),
        (
            "tests/fixtures/cyclonedx-py/bom.cdx.json",
            EvidenceKind::Components,
            Format::CycloneDxJson,
        ),
        (
            "tests/fixtures/cyclonedx-py/bom.cdx.xml",
            EvidenceKind::Components,
            Format::CycloneDxXml,
        ),
        (
            "tests/fixtures/cargo-cyclonedx/pump-firmware-tools.cdx14.xml",
            EvidenceKind::Components,
            Format::CycloneDxXml,
        ),
        (
            "tests/fixtures/npm-sbom/npm-sbom.spdx.json",
            EvidenceKind::Components,
            Format::SpdxJson,
        ),
        (
            "tests/fixtures/spdx3/yocto-image.spdx3.json",
            EvidenceKind::Components,
            Format::Spdx3Json,
        ),
        (
            "tests/fixtures/handmade-supply-chain/osv-scanner.json",
            EvidenceKind::Vulnerabilities,
            Format::OsvScanner,
        ),
        (
            "tests/fixtures/handmade-supply-chain/grype.json",
            EvidenceKind::Vulnerabilities,
            Format::Grype,
        ),
        (
            "tests/fixtures/handmade-supply-chain/trivy.json",
            EvidenceKind::Vulnerabilities,
            Format::Trivy,
        ),
        (
            "tests/fixtures/cargo-audit/cargo-audit.json",
            EvidenceKind::Vulnerabilities,
            Format::CargoAudit,
        ),
        (
            "tests/fixtures/handmade-supply-chain/npm-audit.json",
            EvidenceKind::Vulnerabilities,
            Format::NpmAudit,
        ),
        (OPENVEX, EvidenceKind::Vex, Format::OpenVex),
        (CDX_VEX, EvidenceKind::Vex, Format::CycloneDxJson),
    ];
    for (rel, kind, format) in cases {
        let e = fixture(rel, kind);
        assert_eq!(e.files[0].format, format, "{rel}");
    }
}

#[test]
fn cyclonedx_with_components_beyond_the_detection_head_is_still_detected() {
    // cyclonedx-py puts bomFormat last; with enough components it is beyond
    // the 64 KiB detection looks at.
    let mut json = String::from(r#"{"components": ["#);
    for i in 0..2000 {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            r#"{{"bom-ref": "pkg:pypi/p{i}@1.0", "name": "p{i}", "purl": "pkg:pypi/p{i}@1.0", "type": "library", "version": "1.0"}}"#
        ));
    }
    json.push_str(r#"], "dependencies": [], "bomFormat": "CycloneDX", "specVersion": "1.6"}"#);
    assert!(json.len() > 64 * 1024);
    let e = try_bytes(
        "big.cdx.json",
        json.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert_eq!(e.files[0].format, Format::CycloneDxJson);
    assert_eq!(e.components.len(), 2000);
}

#[test]
fn formats_are_accepted_for_every_kind_they_carry() {
    for kind in [
        EvidenceKind::Components,
        EvidenceKind::Vulnerabilities,
        EvidenceKind::Vex,
    ] {
        assert!(Format::CycloneDxJson.accepts(kind));
        assert!(Format::CycloneDxXml.accepts(kind));
        // An attestation's predicate is any of the three.
        assert!(Format::InToto.accepts(kind));
    }
    assert!(!Format::InToto.accepts(EvidenceKind::Tests));
    assert!(!Format::CycloneDxJson.accepts(EvidenceKind::Tests));
    assert_eq!(Format::CycloneDxJson.kind(), EvidenceKind::Components);
    assert!(!Format::SpdxJson.accepts(EvidenceKind::Vulnerabilities));
    assert!(!Format::Spdx3Json.accepts(EvidenceKind::Vulnerabilities));
    assert_eq!(
        Format::names_for(EvidenceKind::Components),
        "cyclonedx-json, cyclonedx-xml, spdx-json, spdx3-json, in-toto"
    );
    assert!(!Format::OpenVex.accepts(EvidenceKind::Vulnerabilities));
    assert_eq!(
        Format::names_for(EvidenceKind::Vex),
        "cyclonedx-json, cyclonedx-xml, openvex, in-toto"
    );
    assert_eq!(
        Format::names_for(EvidenceKind::Coverage),
        "cobertura, lcov, jacoco, sonar-coverage, go-coverprofile"
    );
    assert_eq!(
        Format::names_for(EvidenceKind::Tests),
        "junit, robot, cppunit, qttest-xml, trx, nunit-xml, xunit-xml, testng-xml"
    );
    // Names round-trip, through from_name and through serde.
    for &format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Some(format));
        let json = serde_json::to_string(&format).expect("serialises");
        assert_eq!(json, format!("\"{}\"", format.name()));
        assert_eq!(
            serde_json::from_str::<Format>(&json).expect("parses"),
            format
        );
    }

    // An SBOM listed as a vulnerability report is still the wrong kind.
    let err = try_fixture(
        "tests/fixtures/npm-sbom/npm-sbom.spdx.json",
        EvidenceKind::Vulnerabilities,
    )
    .expect_err("SPDX carries no vulnerabilities");
    assert!(
        matches!(
            err,
            Error::WrongKind {
                actual: EvidenceKind::Components,
                expected: EvidenceKind::Vulnerabilities,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// The evidence bundle

#[test]
fn a_loaded_evidence_set_round_trips_through_json() {
    let e = load_all(&[
        (
            "tests/fixtures/handmade-coverage/lcov-split-records.info",
            EvidenceKind::Coverage,
        ),
        ("tests/fixtures/jacoco/jacoco.xml", EvidenceKind::Coverage),
        (
            "tests/fixtures/handmade-supply-chain/cyclonedx-nested.cdx.json",
            EvidenceKind::Components,
        ),
        (
            "tests/fixtures/handmade-supply-chain/spdx-relationships.spdx.json",
            EvidenceKind::Components,
        ),
        (
            "tests/fixtures/cargo-audit/cargo-audit.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/grype.json",
            EvidenceKind::Vulnerabilities,
        ),
        (
            "tests/fixtures/handmade-supply-chain/npm-audit.json",
            EvidenceKind::Vulnerabilities,
        ),
        (OPENVEX, EvidenceKind::Vex),
        (CDX_VEX, EvidenceKind::Vex),
        (
            "tests/fixtures/handmade/sarif-awkward.sarif",
            EvidenceKind::Findings,
        ),
        (
            "tests/fixtures/handmade/junit-surefire-flaky.xml",
            EvidenceKind::Tests,
        ),
    ]);
    assert!(e.vulnerabilities.iter().any(|v| v.assessment.is_some()));
    assert!(e.vulnerabilities.iter().any(|v| v.database_time.is_some()));
    let json = serde_json::to_string_pretty(&e).expect("serialises");
    let back: Evidence = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, e);
    // Optional fields left out of the JSON read back as absent.
    assert!(!json.contains("\"database_time\": null"));
}

#[test]
fn garbage_forced_into_any_new_format_is_malformed_not_a_panic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for &format in Format::ALL {
        let kind = format.kind();
        let err = try_bytes("garbage.bin", &garbage, kind, Some(format))
            .expect_err("garbage forced into a format");
        assert!(matches!(err, Error::Malformed { .. }), "{format}: {err:?}");
        let err = try_bytes("garbage.bin", &garbage, kind, None).expect_err("garbage");
        assert!(
            matches!(err, Error::UnknownFormat { .. }),
            "{format}: {err:?}"
        );
    }
}
