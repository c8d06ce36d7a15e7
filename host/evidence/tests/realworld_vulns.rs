//! Vulnerability reports and VEX documents in the shapes real scanners and
//! VEX tools write, found by a sweep over real files (see
//! tests/fixtures/handmade-realworld-vulns/PROVENANCE.md): severities never
//! lower than the scanner's, fixes that are versions, and VEX statements
//! that cover only what they name.

mod common;

use common::{load_all, producer, warnings};
use regops_evidence::{Evidence, EvidenceKind, Severity, VexStatus, Vulnerability};

const DIR: &str = "tests/fixtures/handmade-realworld-vulns";

fn vulns(name: &str) -> Evidence {
    producer(
        &format!("handmade-realworld-vulns/{name}"),
        EvidenceKind::Vulnerabilities,
    )
}

fn find<'a>(e: &'a Evidence, id: &str, version: &str) -> &'a Vulnerability {
    e.vulnerabilities
        .iter()
        .find(|v| v.id == id && v.version.as_deref() == Some(version))
        .unwrap_or_else(|| panic!("{id} {version} in {:?}", e.vulnerabilities))
}

fn status(e: &Evidence, id: &str, version: &str) -> Option<VexStatus> {
    find(e, id, version).assessment.as_ref().map(|a| a.status)
}

#[test]
fn grype_critical_is_not_lowered_by_a_weaker_vector() {
    let e = vulns("grype-stated-higher.json");
    let v = find(&e, "CVE-2099-0006", "1.0");
    // Grype says Critical; its own vector scores 8.5 (high).
    assert_eq!((v.severity, v.cvss_score), (Severity::Critical, Some(8.5)));
    assert_eq!(
        warnings(&e),
        [
            "1 vulnerability has a severity from the scanner that differs from the one computed \
          from the CVSS vector; the higher of the two is used (first: CVE-2099-0006: stated \
          critical, CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:H scores 8.5 (high))"
        ]
    );
}

#[test]
fn osv_scanner_groups_take_their_highest_severity_and_no_commit_as_a_fix() {
    let e = vulns("osv-scanner-group.json");
    assert_eq!(e.vulnerabilities.len(), 2);
    // GHSA's vector scores 5.3 and PYSEC's 9.8; max_severity says 9.8.
    let grouped = find(&e, "GHSA-aaaa-bbbb-cccc", "1.0");
    assert_eq!(
        (grouped.severity, grouped.cvss_score),
        (Severity::Critical, Some(9.8))
    );
    // The GIT range's fixed event is a commit, not a version.
    assert_eq!(grouped.fixed_versions, ["1.1"]);
    // A v3 vector scoring 7.4 beside the same advisory's v4 at 9.3.
    let both = find(&e, "GHSA-dddd-eeee-ffff", "1.0");
    assert_eq!(
        (both.severity, both.cvss_score),
        (Severity::Critical, Some(9.3))
    );
}

#[test]
fn trivy_rates_by_its_severity_source_vendor() {
    let e = vulns("trivy-severity-source.json");
    // ghsa (the SeveritySource) gives a v4 vector at 9.3; redhat's v3 at 7.4
    // is another vendor's opinion and does not count.
    let sourced = find(&e, "CVE-2099-0005", "1.0");
    assert_eq!(
        (sourced.severity, sourced.cvss_score),
        (Severity::Critical, Some(9.3))
    );
    // The SeveritySource vendor gives no vector: every vendor's counts, and
    // NVD's 9.8 is higher than Debian's LOW.
    let unsourced = find(&e, "CVE-2099-0008", "2.0");
    assert_eq!(
        (unsourced.severity, unsourced.cvss_score),
        (Severity::Critical, Some(9.8))
    );
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].contains("CVE-2099-0008: stated low"));
}

#[test]
fn cyclonedx_vex_covers_only_the_versions_it_lists() {
    let e = load_all(&[
        (
            &format!("{DIR}/osv-scanner-hl7.json"),
            EvidenceKind::Vulnerabilities,
        ),
        (
            &format!("{DIR}/cdx-vex-versions.cdx.json"),
            EvidenceKind::Vex,
        ),
    ]);
    // 2.4 is listed `affected` by the exploitable analysis; the not-affected
    // one lists 2.5 and a range, not 2.4.
    assert_eq!(
        status(&e, "CVE-2099-0002", "2.4"),
        Some(VexStatus::Affected)
    );
    assert_eq!(
        status(&e, "CVE-2099-0002", "2.5"),
        Some(VexStatus::NotAffected)
    );
    // A statement naming only a range is not applied (ranges are not
    // evaluated), rather than applied to every version.
    assert_eq!(status(&e, "CVE-2099-0009", "2.4"), None);
    // No affects[]: about the document's product, not about bash.
    assert_eq!(status(&e, "CVE-2022-3715", "5.2.15-2"), None);

    let products: Vec<&[String]> = e.vex.iter().map(|s| s.products.as_slice()).collect();
    assert_eq!(
        products,
        [
            &["pkg:pypi/hl7-lite@2.4", "pkg:pypi/hl7-lite@2.6"][..],
            &["pkg:pypi/hl7-lite@2.5"][..],
            &["pump-ui"][..],
        ]
    );
    let vex_warnings = &e.files[1].warnings;
    assert_eq!(
        vex_warnings[..2],
        [
            "3 affects[].versions range(s) are not evaluated, so a statement covers only the \
             exact versions it lists (first: CVE-2099-0002: vers:pypi/>=2.9|<=4.1)",
            "1 analysed vulnerabilit(ies) cover no component or version regops can match (no \
             affects[] and no metadata.component, or only version ranges), so they make no VEX \
             statement (first: CVE-2099-0009)",
        ],
        "{vex_warnings:?}"
    );
}

#[test]
fn cyclonedx_xml_vex_reads_affected_versions() {
    let e = load_all(&[
        (
            &format!("{DIR}/osv-scanner-hl7.json"),
            EvidenceKind::Vulnerabilities,
        ),
        (
            &format!("{DIR}/cdx-vex-versions.cdx.xml"),
            EvidenceKind::Vex,
        ),
    ]);
    assert_eq!(e.vex.len(), 1);
    assert_eq!(e.vex[0].products, ["pkg:pypi/hl7-lite@2.5"]);
    assert_eq!(
        status(&e, "CVE-2099-0002", "2.5"),
        Some(VexStatus::NotAffected)
    );
    assert_eq!(status(&e, "CVE-2099-0002", "2.4"), None);
}

#[test]
fn openvex_subcomponents_are_what_a_statement_is_about() {
    let e = load_all(&[
        (
            &format!("{DIR}/osv-scanner-go.json"),
            EvidenceKind::Vulnerabilities,
        ),
        (
            &format!("{DIR}/openvex-subcomponents.json"),
            EvidenceKind::Vex,
        ),
    ]);
    // The statement is about transitive inside direct: direct's own finding
    // stays unassessed.
    assert_eq!(
        status(&e, "GO-2099-0007", "4.0.0"),
        Some(VexStatus::NotAffected)
    );
    assert_eq!(status(&e, "GO-2099-0007", "2.0.0"), None);
    // A subcomponent with neither @id nor purl identifies nothing: the
    // statement is dropped, not applied to every product.
    assert_eq!(status(&e, "CVE-2099-0010", "1.0"), None);
    assert_eq!(e.vex.len(), 1);
    assert_eq!(
        e.files[1].warnings,
        [
            "1 statement(s) list products or subcomponents without an `@id` or purl, so they \
          identify no package, and were ignored"
        ]
    );
}
