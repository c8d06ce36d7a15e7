//! Files in shapes real tools write that regops used to refuse with a
//! generic "not a recognised format" (see
//! tests/fixtures/handmade-detect-hints/PROVENANCE.md): `trivy k8s` reports
//! are read, vexctl's OpenVEX of 2022 is detected, and what regops does not
//! read (Trivy's summaries, CSAF, pre-0.0.1 OpenVEX, OpenVEX YAML, SPDX
//! outside JSON) is refused saying what it is and what to give instead.

mod common;

use common::{load_all, producer, repo, try_bytes, try_producer, warnings};
use regops_evidence::{Error, EvidenceKind, Format, Severity, VexStatus, Vulnerability};

const DIR: &str = "tests/fixtures/handmade-detect-hints";

/// What detection said a refused fixture is.
fn refused(name: &str, kind: EvidenceKind) -> String {
    match try_producer(&format!("handmade-detect-hints/{name}"), kind) {
        Err(Error::UnknownFormat { detected, .. }) => detected,
        other => panic!("{name} should be refused by detection, got {other:?}"),
    }
}

/// The message of a fixture forced to `format` and refused by its parser.
fn malformed(name: &str, kind: EvidenceKind, format: Format) -> String {
    let bytes = std::fs::read(repo().join(DIR).join(name)).expect("fixture");
    match try_bytes(name, &bytes, kind, Some(format)) {
        Err(Error::Malformed { message, .. }) => message,
        other => panic!("{name} as {format:?} should be refused, got {other:?}"),
    }
}

fn vuln(
    id: &str,
    package: &str,
    version: &str,
    purl: Option<&str>,
    (severity, cvss_score): (Severity, Option<f64>),
    fixed: &[&str],
    evidence: &str,
) -> Vulnerability {
    Vulnerability {
        id: id.to_string(),
        aliases: Vec::new(),
        package: package.to_string(),
        version: Some(version.to_string()),
        purl: purl.map(str::to_string),
        severity,
        cvss_score,
        fixed_versions: fixed.iter().map(|f| f.to_string()).collect(),
        scanner: "trivy".to_string(),
        database_time: None,
        assessment: None,
        evidence: format!("{DIR}/{evidence}"),
    }
}

// ---------------------------------------------------------------------------
// trivy k8s

#[test]
fn trivy_kubernetes_report_reads_every_resource_once_per_finding() {
    let e = producer(
        "handmade-detect-hints/trivy-k8s-all.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::Trivy);
    let libssl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4";
    let mut first = vuln(
        "CVE-2099-1001",
        "libssl3",
        "3.0.11-1~deb12u2",
        Some(libssl),
        (Severity::High, Some(7.5)),
        &["3.0.13-1~deb12u1"],
        "trivy-k8s-all.json",
    );
    first.aliases = vec!["DSA-9999-1".to_string()];
    // The CronJob runs the Deployment's image: its CVE-2099-1001 is the same
    // record and is not repeated; its own CVE-2099-1003 is read. The
    // Deployment's misconfiguration-only resource gives nothing.
    assert_eq!(
        e.vulnerabilities,
        [
            first,
            vuln(
                "CVE-2099-1002",
                "urllib3",
                "2.0.6",
                Some("pkg:pypi/urllib3@2.0.6"),
                (Severity::Medium, Some(5.3)),
                &["2.0.7", "1.26.18"],
                "trivy-k8s-all.json",
            ),
            vuln(
                "CVE-2099-1003",
                "libssl3",
                "3.0.11-1~deb12u2",
                Some(libssl),
                (Severity::Low, None),
                &[],
                "trivy-k8s-all.json",
            ),
        ]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn trivy_kubernetes_records_take_vex_statements_like_an_image_report() {
    let e = load_all(&[
        (
            &format!("{DIR}/trivy-k8s-all.json"),
            EvidenceKind::Vulnerabilities,
        ),
        (
            &format!("{DIR}/openvex-vexctl-2022.json"),
            EvidenceKind::Vex,
        ),
        (&format!("{DIR}/openvex-schema-ld.json"), EvidenceKind::Vex),
    ]);
    let status = |id: &str| {
        e.vulnerabilities
            .iter()
            .find(|v| v.id == id)
            .and_then(|v| v.assessment.as_ref())
            .map(|a| a.status)
    };
    assert_eq!(status("CVE-2099-1001"), Some(VexStatus::UnderInvestigation));
    assert_eq!(status("CVE-2099-1002"), Some(VexStatus::NotAffected));
    // Products with `arch` qualifiers cover the purl with the distro's.
    assert_eq!(status("CVE-2099-1003"), Some(VexStatus::Fixed));
}

#[test]
fn trivy_0_28_kubernetes_report_lists_its_resources_under_vulnerabilities() {
    let e = producer(
        "handmade-detect-hints/trivy-k8s-0.28.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.files[0].format, Format::Trivy);
    // Ubuntu packages get no purl; the SeveritySource (ubuntu) gives no
    // vector, so NVD's 6.5 counts over the stated LOW.
    assert_eq!(
        e.vulnerabilities,
        [vuln(
            "CVE-2099-2001",
            "coreutils",
            "8.32-4.1ubuntu1",
            None,
            (Severity::Medium, Some(6.5)),
            &[],
            "trivy-k8s-0.28.json",
        )]
    );
    assert_eq!(
        warnings(&e),
        [
            "1 vulnerability has a severity from the scanner that differs from the one computed \
             from the CVSS vector; the higher of the two is used (first: CVE-2099-2001: stated \
             low, CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:N scores 6.5 (medium))"
        ]
    );
}

#[test]
fn trivy_kubernetes_report_with_an_unscanned_resource_is_refused() {
    let message = producer_error("trivy-k8s-unscanned.json");
    assert!(
        message.starts_with(
            "1 Kubernetes resource(s) were not scanned (first: payments/StatefulSet/ledger: \
             scan error: unable to initialize a scan service: "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(
            "so their vulnerabilities are unknown; fix the scan (the registry's credentials, ...) \
             or leave them out of it (`trivy k8s --exclude-namespaces ...` / `--exclude-kinds ...`)"
        ),
        "{message}"
    );
}

/// The parser's message for a detected fixture it refuses.
fn producer_error(name: &str) -> String {
    match try_producer(
        &format!("handmade-detect-hints/{name}"),
        EvidenceKind::Vulnerabilities,
    ) {
        Err(Error::Malformed {
            format, message, ..
        }) => {
            assert_eq!(format, Format::Trivy);
            message
        }
        other => panic!("{name} should be refused by its parser, got {other:?}"),
    }
}

#[test]
fn trivy_kubernetes_summary_is_refused_with_the_command_for_the_full_report() {
    let hint = "a Trivy Kubernetes summary report (`--report summary`, \"Findings\"), which leaves \
                out the resources Trivy could not scan; write the full report with `trivy k8s \
                --report all --format json`";
    assert_eq!(
        refused("trivy-k8s-summary.json", EvidenceKind::Vulnerabilities),
        hint
    );
    // Forced, the parser says the same.
    assert_eq!(
        malformed(
            "trivy-k8s-summary.json",
            EvidenceKind::Vulnerabilities,
            Format::Trivy
        ),
        hint
    );
}

#[test]
fn trivy_compliance_summary_is_refused() {
    assert_eq!(
        refused(
            "trivy-compliance-summary.json",
            EvidenceKind::Vulnerabilities
        ),
        "a Trivy compliance report (`--compliance`), which holds only what its controls check; \
         scan without `--compliance` for a vulnerability report"
    );
}

// ---------------------------------------------------------------------------
// CSAF

#[test]
fn csaf_vex_is_refused_naming_csaf_and_what_regops_reads() {
    assert_eq!(
        refused("csaf-vex.json", EvidenceKind::Vex),
        "a CSAF VEX document (document.category csaf_vex); regops reads VEX as OpenVEX or \
         CycloneDX: write the statements about your product as OpenVEX (`vexctl merge` converts \
         CSAF VEX, but not its justifications, which a not_affected statement needs to clear a \
         finding)"
    );
}

#[test]
fn csaf_advisory_is_refused_as_a_vulnerability_report() {
    assert_eq!(
        refused("csaf-advisory.json", EvidenceKind::Vulnerabilities),
        "a CSAF security advisory (document.category csaf_security_advisory): a vendor's notice \
         about its products, not a scan of yours; list a scanner's report under `vulnerabilities`"
    );
}

// ---------------------------------------------------------------------------
// OpenVEX before 0.0.1

#[test]
fn vexctl_2022_openvex_without_context_is_detected_and_read() {
    let e = producer(
        "handmade-detect-hints/openvex-vexctl-2022.json",
        EvidenceKind::Vex,
    );
    assert_eq!(e.files[0].format, Format::OpenVex);
    let read: Vec<_> = e
        .vex
        .iter()
        .map(|s| {
            (
                s.vulnerability.as_str(),
                s.products.clone(),
                s.assessment.status,
                s.assessment.justification.as_deref(),
                s.assessment.timestamp.as_deref(),
                s.assessment.author.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "CVE-2099-1001",
                vec!["pkg:deb/debian/libssl3@3.0.11-1~deb12u2".to_string()],
                VexStatus::UnderInvestigation,
                None,
                Some("2022-12-22T16:36:43-05:00"),
                Some("Example Corp PSIRT"),
            ),
            (
                "CVE-2099-1002",
                vec!["pkg:pypi/urllib3@2.0.6".to_string()],
                VexStatus::NotAffected,
                Some("vulnerable_code_not_in_execute_path"),
                Some("2022-12-22T20:56:05-05:00"),
                Some("Example Corp PSIRT"),
            ),
        ]
    );
    // An empty status_notes is no detail; the impact statement is.
    assert_eq!(e.vex[0].assessment.detail, None);
    assert_eq!(
        e.vex[1].assessment.detail.as_deref(),
        Some("The service never follows redirects.")
    );
    assert_eq!(
        warnings(&e),
        [
            "the @context does not name an OpenVEX namespace (https://openvex.dev/ns/...); the \
             document was read as OpenVEX"
        ]
    );
}

#[test]
fn openvex_spec_0_0_0_context_is_read() {
    let e = producer(
        "handmade-detect-hints/openvex-schema-ld.json",
        EvidenceKind::Vex,
    );
    assert_eq!(e.files[0].format, Format::OpenVex);
    assert_eq!(e.vex.len(), 1);
    assert_eq!(
        e.vex[0].products,
        [
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64",
            "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64"
        ]
    );
    assert_eq!(e.vex[0].assessment.status, VexStatus::Fixed);
    assert_eq!(
        e.vex[0].assessment.timestamp.as_deref(),
        Some("2023-01-08T18:02:03.647787998-06:00")
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn pre_0_0_1_field_names_are_refused_by_detection_and_by_the_reader() {
    let hint = "VEX statements naming the vulnerability `vul_id` and the products `product_id`, \
                field names from before OpenVEX 0.0.1; rename them `vulnerability` and \
                `products`, or write the document again with vexctl";
    assert_eq!(refused("openvex-pre-0.0.1.json", EvidenceKind::Vex), hint);
    // Forced, they would otherwise be a statement about nothing.
    assert_eq!(
        malformed("openvex-pre-0.0.1.json", EvidenceKind::Vex, Format::OpenVex),
        hint
    );
    // `product_id` beside a `vulnerability`: unread, the statement would
    // cover every product.
    let err = try_bytes(
        "mixed.openvex.json",
        br#"{"@context": "https://openvex.dev/ns", "statements": [{"vulnerability": "CVE-2099-1002",
             "product_id": ["pkg:pypi/urllib3@2.0.6"], "status": "not_affected",
             "justification": "component_not_present"}]}"#,
        EvidenceKind::Vex,
        None,
    )
    .expect_err("refused");
    assert!(err.to_string().contains(hint), "{err}");
}

#[test]
fn openvex_yaml_is_refused_not_read_as_a_markdown_requirement() {
    assert_eq!(
        refused("openvex.yaml", EvidenceKind::Vex),
        "OpenVEX as YAML; regops reads OpenVEX JSON: convert it (`yq -o=json . vex.yaml > \
         vex.openvex.json`)"
    );
}

// ---------------------------------------------------------------------------
// SPDX outside JSON

#[test]
fn spdx_serializations_other_than_json_are_named_with_the_conversion() {
    for (name, serialization, example) in [
        ("sbom.spdx", "tag-value text", "sbom.spdx"),
        ("sbom.spdx.rdf.xml", "RDF/XML", "sbom.spdx.rdf.xml"),
        ("sbom.spdx.xml", "XML", "sbom.spdx.xml"),
        ("sbom.spdx.yaml", "YAML", "sbom.spdx.yaml"),
    ] {
        assert_eq!(
            refused(name, EvidenceKind::Components),
            format!(
                "SPDX {serialization}; regops reads SPDX JSON: convert it with `pyspdxtools -i \
                 {example} -o sbom.spdx.json`"
            ),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------
// What the new rules must not catch

#[test]
fn lookalikes_are_not_taken_for_the_new_shapes() {
    use regops_evidence::detect::detect;
    // A markdown requirement whose front matter has `statements` and
    // `author` keys: closed by `---`, it is not OpenVEX YAML.
    assert_eq!(
        detect(
            b"---\nid: REQ-7\nauthor: QA\nstatements:\n  - shall log\n---\nThe device shall log.\n"
        ),
        Ok(Format::MarkdownRequirement)
    );
    // `ClusterName` beside keys Trivy does not write is some other tool's.
    assert_eq!(
        detect(br#"{"ClusterName": "prod", "Nodes": [], "Score": 71}"#),
        Err("JSON object with keys ClusterName, Nodes, Score".to_string())
    );
    // Statements without a vulnerability and a status, and without
    // `@context`, are not OpenVEX.
    assert_eq!(
        detect(br#"{"statements": [{"sql": "select 1", "status": "ok"}]}"#),
        Err("JSON object with keys statements".to_string())
    );
    // A `document` without `csaf_version` is not CSAF.
    assert_eq!(
        detect(br#"{"document": {"category": "memo"}, "pages": 3}"#),
        Err("JSON object with keys document, pages".to_string())
    );
    // An XML `<Document>` that is not SPDX, and RDF that is not SPDX.
    assert_eq!(
        detect(b"<?xml version=\"1.0\"?>\n<Document><Title>Plan</Title></Document>"),
        Err("XML with root element <Document>".to_string())
    );
    assert_eq!(
        detect(b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description/></rdf:RDF>"),
        Err("XML with root element <rdf:RDF>".to_string())
    );
    // A markdown document quoting SPDX YAML in its body is not SPDX: its
    // front matter closes the YAML.
    assert_eq!(
        detect(b"---\nid: REQ-9\n---\nThe SBOM has\n\nspdxVersion: SPDX-2.3\n"),
        Ok(Format::MarkdownRequirement)
    );
}
