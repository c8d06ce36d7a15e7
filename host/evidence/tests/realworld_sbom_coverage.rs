//! Coverage reports and SBOMs in shapes a sweep over real files found
//! misread (see tests/fixtures/handmade-realworld-sbom-coverage/PROVENANCE.md):
//! lines only under methods, branch totals only on the root, SPDX documents
//! that DESCRIBE their dependencies, nested CycloneDX XML dependencies, and
//! version ranges where a version belongs. Each is read so that no gate
//! passes on what the file does not say.

mod common;

use common::*;
use regops_evidence::{Component, Evidence, EvidenceKind, Format};

const DIR: &str = "tests/fixtures/handmade-realworld-sbom-coverage";

fn coverage(name: &str) -> Evidence {
    producer(
        &format!("handmade-realworld-sbom-coverage/{name}"),
        EvidenceKind::Coverage,
    )
}

fn sbom(name: &str) -> Evidence {
    producer(
        &format!("handmade-realworld-sbom-coverage/{name}"),
        EvidenceKind::Components,
    )
}

/// (name, version, direct) of every component, in order.
fn summary(components: &[Component]) -> Vec<(&str, Option<&str>, Option<bool>)> {
    components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_deref(), c.direct))
        .collect()
}

/// Lines and branches (covered, total) summed over every file, as the
/// coverage gate sums them.
fn totals(e: &Evidence) -> ((u64, u64), Option<(u64, u64)>) {
    let mut lines = (0, 0);
    let mut branches: Option<(u64, u64)> = None;
    for f in &e.coverage {
        lines.0 += f.lines.covered;
        lines.1 += f.lines.total;
        if let Some(b) = f.branches {
            let sum = branches.get_or_insert_default();
            sum.0 += b.covered;
            sum.1 += b.total;
        }
    }
    (lines, branches)
}

// ---------------------------------------------------------------------------
// Cobertura

#[test]
fn xcresultparser_lines_only_under_methods_are_read() {
    // Alarm.swift has no <lines> of its own: its methods give lines 1-5 and
    // 5, 7-11; line 5 is in both and covered by the second.
    let e = coverage("xcresultparser-method-lines.xml");
    assert_eq!(e.files[0].format, Format::Cobertura);
    assert_eq!(
        file(&e.coverage, "Sources/Pump/Alarm.swift").lines,
        counts(1, 10)
    );
    // Dose.swift's class-level lines, as before.
    assert_eq!(
        file(&e.coverage, "Sources/Pump/Dose.swift").lines,
        counts(9, 10)
    );
    // 10 of 20, as the root says; not the 9 of 10 that passed a 70% gate.
    assert_eq!(totals(&e), ((10, 20), None));
    assert_eq!(
        warnings(&e),
        [
            "1 <class> element(s) have no <line> of their own; their methods' lines were read \
             instead (a line in several methods counts once)"
        ]
    );
}

#[test]
fn phpunit_branch_totals_only_on_the_root_are_the_only_files() {
    // PHPUnit path coverage: branches-covered="3" branches-valid="7" on the
    // root, no condition-coverage on any line. Method lines repeat the
    // class's and are ignored.
    let e = coverage("phpunit-path-coverage-one-file.xml");
    assert_eq!(e.coverage.len(), 1);
    assert_eq!(lines_and_branches(&e, "Reservoir.php"), ((5, 8), (3, 7)));
    assert_eq!(
        warnings(&e),
        [
            "no <line> carries condition-coverage; the <coverage> root's branches-covered=3 \
             branches-valid=7 are read as the branches of Reservoir.php, the report's only \
             source file"
        ]
    );
    // Beside a report with per-line branches, they enter the total: 12 of
    // 17 (70.6%), not gcovr's 9 of 10 alone.
    let both = load_all(&[
        (
            &format!("{DIR}/phpunit-path-coverage-one-file.xml"),
            EvidenceKind::Coverage,
        ),
        (&format!("{DIR}/gcovr-branches.xml"), EvidenceKind::Coverage),
    ]);
    assert_eq!(totals(&both), ((14, 18), Some((12, 17))));
}

#[test]
fn phpunit_branch_totals_only_on_the_root_of_several_files_are_refused() {
    let err = try_producer(
        "handmade-realworld-sbom-coverage/phpunit-path-coverage-two-files.xml",
        EvidenceKind::Coverage,
    )
    .expect_err("per-file branches unknown");
    let message = err.to_string();
    assert!(
        message.contains(
            "branch totals only on the root: <coverage> declares branches-covered=1 \
             branches-valid=6, but no <line> carries condition-coverage, so the branches of \
             each of the 2 source files are unknown"
        ),
        "{message}"
    );
    // At the root element (line 2).
    assert_eq!(malformed_at(&err).0, Some(2));
}

// ---------------------------------------------------------------------------
// SPDX

#[test]
fn fossa_described_dependencies_are_components() {
    // DESCRIBES lists the product and two of its dependencies; only the
    // product, which no other described package reaches, is left out.
    let e = sbom("fossa-describes-root-and-dependency.spdx.json");
    assert_eq!(e.files[0].format, Format::SpdxJson);
    assert_eq!(
        summary(&e.components),
        [
            ("chart.js", Some("4.4.0"), Some(true)),
            ("@kurkle/color", Some("0.3.2"), Some(false)),
            ("date-fns", Some("2.30.0"), Some(true)),
        ]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn fuchsia_described_packages_the_root_contains_are_components() {
    let e = sbom("fuchsia-describes-contained.spdx.json");
    assert_eq!(
        summary(&e.components),
        [
            ("zlib", None, Some(true)),
            ("mbedtls", None, Some(true)),
            ("cJSON", None, Some(true)),
        ]
    );
    assert_eq!(e.components[0].licences, ["LicenseRef-zlib-a1b2"]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn a_document_whose_packages_are_all_described_and_unrelated_says_so() {
    // Every package described, no relationship: each is a product, so no
    // component is read; two warnings say why.
    let e = try_bytes(
        "all-described.spdx.json",
        br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
             "documentDescribes": ["SPDXRef-a", "SPDXRef-b"],
             "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1"},
                          {"SPDXID": "SPDXRef-b", "name": "b", "versionInfo": "2"}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert!(e.components.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "the document DESCRIBES 2 packages that no other described package depends on or \
             contains; all are read as the product, not as components: SPDXRef-a, SPDXRef-b",
            "the document's 2 package(s) are all the product it DESCRIBES; it lists no component"
        ]
    );
    // Trivy 0.43's samples: the described root is the only package.
    let e = try_bytes(
        "root-only.spdx.json",
        br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
             "packages": [{"SPDXID": "SPDXRef-root", "name": "app"}],
             "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT",
               "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-root"}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert!(e.components.is_empty());
    assert_eq!(
        warnings(&e),
        ["the document's 1 package(s) are all the product it DESCRIBES; it lists no component"]
    );
}

#[test]
fn described_packages_reaching_each_other_leave_no_product() {
    // a DEPENDS_ON b DEPENDS_ON a, both described: neither is the product,
    // so both are components (of unknown depth), never dropped.
    let e = try_bytes(
        "cycle.spdx.json",
        br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
             "documentDescribes": ["SPDXRef-a", "SPDXRef-b"],
             "packages": [{"SPDXID": "SPDXRef-a", "name": "a"},
                          {"SPDXID": "SPDXRef-b", "name": "b"}],
             "relationships": [
               {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-b"},
               {"spdxElementId": "SPDXRef-b", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-a"}]}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert_eq!(
        summary(&e.components),
        [("a", None, None), ("b", None, None)]
    );
    assert_eq!(
        warnings(&e),
        [
            "each of the 2 package(s) the document DESCRIBES is reached from another one, so \
             none is the product: all are read as components, and direct and transitive \
             dependencies cannot be told apart"
        ]
    );
}

#[test]
fn github_version_ranges_are_no_version_and_confirmed_prefixes_go() {
    let e = sbom("github-dependency-graph.spdx.json");
    assert_eq!(
        summary(&e.components),
        [
            // No purl confirms `pip:`, so the name stays as written.
            ("pip:numpy", None, Some(true)),
            ("scipy", None, Some(true)),
            ("pip:pyserial", None, Some(true)),
            ("left-pad", Some("1.3.0"), Some(true)),
            ("actions/checkout", Some("4"), Some(true)),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "2 package(s) give a version range, not a version, as versionInfo (first: pip:numpy \
             >= 1.24.0); they are read as having no version"
        ]
    );
}

// ---------------------------------------------------------------------------
// CycloneDX XML

#[test]
fn cyclonedx_xml_nested_dependencies_are_edges_from_their_parent() {
    let xml = sbom("cdx-python-lib-nested-dependencies.cdx.xml");
    assert_eq!(xml.files[0].format, Format::CycloneDxXml);
    let expected = [
        ("crc-lib", Some("1.0.0"), Some(true)),
        ("frame-lib", Some("2.1.0"), Some(true)),
        ("bits-lib", Some("0.4.0"), Some(false)),
        ("util-lib", Some("3.0.1"), Some(false)),
    ];
    assert_eq!(summary(&xml.components), expected);
    assert!(warnings(&xml).is_empty(), "{:?}", warnings(&xml));
    // The JSON twin says the same.
    let json = sbom("cdx-python-lib-nested-dependencies.cdx.json");
    assert_eq!(summary(&json.components), expected);
}
