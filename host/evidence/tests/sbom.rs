//! SBOM components: CycloneDX (JSON and XML) and SPDX JSON from
//! cyclonedx-py, cargo-cyclonedx, cyclonedx-npm and `npm sbom`, plus
//! hand-made nested components and relationship graphs.

mod common;

use common::*;
use regops_evidence::{Component, Error, EvidenceKind, Format, Hash};

fn component<'a>(components: &'a [Component], name: &str) -> &'a Component {
    components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn names(components: &[Component]) -> Vec<&str> {
    components.iter().map(|c| c.name.as_str()).collect()
}

/// Components without the evidence path, to compare two encodings.
fn without_evidence(components: &[Component]) -> Vec<Component> {
    components
        .iter()
        .cloned()
        .map(|mut c| {
            c.evidence.clear();
            c
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Real producers

#[test]
fn cyclonedx_py_environment_with_bom_format_last() {
    // cyclonedx-py sorts keys: components and dependencies come before
    // metadata, and bomFormat is the last key.
    let e = fixture(
        "tests/fixtures/cyclonedx-py/bom.cdx.json",
        EvidenceKind::Components,
    );
    assert_eq!(e.files[0].format, Format::CycloneDxJson);
    assert_eq!(
        names(&e.components),
        [
            "certifi",
            "charset-normalizer",
            "idna",
            "pip",
            "requests",
            "setuptools",
            "urllib3"
        ]
    );
    // The product (infusion-monitor, metadata.component) is not a component.
    assert!(e.components.iter().all(|c| c.name != "infusion-monitor"));
    let requests = component(&e.components, "requests");
    assert_eq!(requests.version.as_deref(), Some("2.31.0"));
    assert_eq!(requests.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
    assert_eq!(requests.direct, Some(true));
    assert_eq!(
        requests.licences,
        ["License :: OSI Approved :: Apache Software License"]
    );
    let certifi = component(&e.components, "certifi");
    assert_eq!(certifi.direct, Some(false));
    // A licence id and a licence name.
    assert_eq!(
        certifi.licences,
        [
            "MPL-2.0",
            "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"
        ]
    );
    // pip and setuptools are in the venv but nothing depends on them.
    assert_eq!(component(&e.components, "pip").direct, None);
    assert_eq!(component(&e.components, "setuptools").direct, None);
    assert_eq!(
        warnings(&e),
        [
            "2 component(s) are not connected to the product in the dependency graph (first: pip \
          23.2.1); whether they are direct or transitive is unknown"
        ]
    );
}

#[test]
fn cyclonedx_xml_gives_the_same_components_as_json() {
    let json = fixture(
        "tests/fixtures/cyclonedx-py/bom.cdx.json",
        EvidenceKind::Components,
    );
    let xml = fixture(
        "tests/fixtures/cyclonedx-py/bom.cdx.xml",
        EvidenceKind::Components,
    );
    assert_eq!(xml.files[0].format, Format::CycloneDxXml);
    assert_eq!(
        without_evidence(&xml.components),
        without_evidence(&json.components)
    );
    assert_eq!(xml.files[0].warnings, json.files[0].warnings);

    let json = fixture(
        "tests/fixtures/cyclonedx-npm/cyclonedx-npm.cdx.json",
        EvidenceKind::Components,
    );
    let xml = fixture(
        "tests/fixtures/cyclonedx-npm/cyclonedx-npm.cdx.xml",
        EvidenceKind::Components,
    );
    assert_eq!(
        without_evidence(&xml.components),
        without_evidence(&json.components)
    );
}

#[test]
fn cargo_cyclonedx_json_and_xml() {
    for rel in [
        "tests/fixtures/cargo-cyclonedx/pump-firmware-tools.cdx.json",
        "tests/fixtures/cargo-cyclonedx/pump-firmware-tools.cdx14.xml",
    ] {
        let e = fixture(rel, EvidenceKind::Components);
        assert_eq!(
            names(&e.components),
            ["difference", "owning_ref", "smallvec", "stable_deref_trait"],
            "{rel}"
        );
        let smallvec = component(&e.components, "smallvec");
        assert_eq!(smallvec.purl.as_deref(), Some("pkg:cargo/smallvec@1.6.0"));
        assert_eq!(smallvec.licences, ["MIT OR Apache-2.0"]);
        assert_eq!(
            smallvec.supplier.as_deref(),
            Some("The Servo Project Developers")
        );
        assert_eq!(
            smallvec.hashes,
            [Hash {
                algorithm: "SHA-256".to_string(),
                value: "1a55ca5f3b68e41c979bf8c46a6f1da892ca4db8f94023ce0bd32407573b1ac0"
                    .to_string()
            }]
        );
        assert_eq!(smallvec.direct, Some(true));
        // stable_deref_trait comes in through owning_ref.
        assert_eq!(
            component(&e.components, "stable_deref_trait").direct,
            Some(false)
        );
        assert!(warnings(&e).is_empty(), "{rel}: {:?}", warnings(&e));
    }
}

#[test]
fn npm_sbom_cyclonedx_and_spdx_agree() {
    let cdx = fixture(
        "tests/fixtures/npm-sbom/npm-sbom.cdx.json",
        EvidenceKind::Components,
    );
    let spdx = fixture(
        "tests/fixtures/npm-sbom/npm-sbom.spdx.json",
        EvidenceKind::Components,
    );
    assert_eq!(spdx.files[0].format, Format::SpdxJson);
    for e in [&cdx, &spdx] {
        assert_eq!(names(&e.components), ["debug", "lodash", "minimist", "ms"]);
        assert_eq!(
            e.components.iter().map(|c| c.direct).collect::<Vec<_>>(),
            [Some(true), Some(true), Some(true), Some(false)]
        );
        let lodash = component(&e.components, "lodash");
        assert_eq!(lodash.purl.as_deref(), Some("pkg:npm/lodash@4.17.20"));
        assert_eq!(lodash.licences, ["MIT"]);
        assert_eq!(lodash.hashes.len(), 1);
        assert!(warnings(e).is_empty(), "{:?}", warnings(e));
    }
    // CycloneDX names the algorithm SHA-512, SPDX SHA512: kept as written.
    assert_eq!(
        component(&cdx.components, "ms").hashes[0].algorithm,
        "SHA-512"
    );
    assert_eq!(
        component(&spdx.components, "ms").hashes[0].algorithm,
        "SHA512"
    );
    assert_eq!(
        component(&spdx.components, "ms").hashes[0].value,
        component(&cdx.components, "ms").hashes[0].value
    );
    // npm writes the author into CycloneDX only.
    assert_eq!(
        component(&cdx.components, "debug").supplier.as_deref(),
        Some("TJ Holowaychuk <tj@vision-media.ca>")
    );
}

// ---------------------------------------------------------------------------
// Hand-made awkward cases

#[test]
fn cyclonedx_nested_components_are_flattened_with_direct_flags() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/cyclonedx-nested.cdx.json",
        EvidenceKind::Components,
    );
    // Parents before their children; the product and its own nested part
    // (infusion-monitor-ui) are not components.
    assert_eq!(
        names(&e.components),
        [
            "express",
            "body-parser",
            "raw-body",
            "org.apache.commons:commons-text",
            "@types/node",
            "vendored-crc32",
            "pip"
        ]
    );
    let flags: Vec<Option<bool>> = e.components.iter().map(|c| c.direct).collect();
    assert_eq!(
        flags,
        [
            Some(true),  // product → express
            Some(false), // express → body-parser
            Some(false), // body-parser → raw-body
            Some(true),  // product → commons-text
            Some(false), // express → @types/node (percent-encoded ref)
            None,        // no bom-ref
            None,        // in the graph, but nothing leads to it
        ]
    );
    let express = component(&e.components, "express");
    assert_eq!(express.supplier.as_deref(), Some("OpenJS Foundation"));
    assert_eq!(express.hashes.len(), 2);
    assert_eq!(express.hashes[1].algorithm, "SHA-256");
    // Licence id, expression, name; duplicates dropped.
    assert_eq!(express.licences, ["MIT"]);
    let body_parser = component(&e.components, "body-parser");
    assert_eq!(body_parser.licences, ["MIT OR Apache-2.0"]);
    assert_eq!(
        body_parser.supplier.as_deref(),
        Some("Douglas Christopher Wilson")
    );
    assert_eq!(
        component(&e.components, "raw-body").supplier.as_deref(),
        Some("npm registry")
    );
    let text = component(&e.components, "org.apache.commons:commons-text");
    assert_eq!(text.licences, ["Apache-2.0", "Apache License, Version 2.0"]);
    assert_eq!(
        text.supplier.as_deref(),
        Some("The Apache Software Foundation")
    );
    assert_eq!(
        component(&e.components, "vendored-crc32").licences,
        ["Public Domain"]
    );
    assert_eq!(
        warnings(&e),
        [
            "2 component(s) are not connected to the product in the dependency graph (first: \
          vendored-crc32 0.3); whether they are direct or transitive is unknown"
        ]
    );
}

#[test]
fn cyclonedx_without_a_dependency_graph_has_unknown_direct_flags() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/cyclonedx-vdr-vex.cdx.json",
        EvidenceKind::Components,
    );
    assert_eq!(names(&e.components), ["lodash", "minimist", "express"]);
    assert!(e.components.iter().all(|c| c.direct.is_none()));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn spdx_relationships_decide_direct_and_transitive() {
    let e = fixture(
        "tests/fixtures/handmade-supply-chain/spdx-relationships.spdx.json",
        EvidenceKind::Components,
    );
    // The DESCRIBES target (infusion-monitor) is the product.
    assert_eq!(
        names(&e.components),
        ["requests", "urllib3", "certifi", "zlib", "left-pad"]
    );
    let flags: Vec<Option<bool>> = e.components.iter().map(|c| c.direct).collect();
    assert_eq!(
        flags,
        [
            Some(true),  // app DEPENDS_ON requests
            Some(false), // urllib3 DEPENDENCY_OF requests
            Some(false), // requests DEPENDS_ON certifi
            Some(true),  // app CONTAINS zlib
            None,        // no relationship
        ]
    );
    let requests = component(&e.components, "requests");
    // licenseConcluded NOASSERTION is skipped; licenseDeclared kept.
    assert_eq!(requests.licences, ["Apache-2.0"]);
    assert_eq!(requests.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
    assert_eq!(
        requests.supplier.as_deref(),
        Some("Kenneth Reitz (me@kennethreitz.org)")
    );
    assert_eq!(requests.hashes[0].algorithm, "SHA256");
    let urllib3 = component(&e.components, "urllib3");
    // The same licence concluded and declared once; supplier NOASSERTION,
    // so the originator; category written PACKAGE_MANAGER.
    assert_eq!(urllib3.licences, ["MIT"]);
    assert_eq!(urllib3.supplier.as_deref(), Some("urllib3 maintainers"));
    assert_eq!(urllib3.purl.as_deref(), Some("pkg:pypi/urllib3@1.26.4"));
    // licenseDeclared NONE says nothing.
    assert_eq!(component(&e.components, "certifi").licences, ["MPL-2.0"]);
    let left_pad = component(&e.components, "left-pad");
    assert_eq!(left_pad.version, None);
    assert!(left_pad.licences.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "1 component(s) are not connected to the product in the dependency graph (first: \
          left-pad); whether they are direct or transitive is unknown"
        ]
    );
}

#[test]
fn spdx_other_versions_are_refused() {
    let err = try_bytes(
        "old.spdx.json",
        br#"{"spdxVersion": "SPDX-1.2", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}"#,
        EvidenceKind::Components,
        None,
    )
    .expect_err("SPDX 1.2");
    assert!(
        err.to_string()
            .contains("spdxVersion SPDX-1.2 is not supported; regops reads SPDX 2.2 and 2.3 JSON"),
        "{err}"
    );
    // SPDX 3.0 JSON-LD is told apart by detection and read by its own
    // reader (tests/spdx3.rs); an empty graph lists no packages.
    let e = try_bytes(
        "v3.spdx.json",
        br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#,
        EvidenceKind::Components,
        None,
    )
    .expect("SPDX 3");
    assert_eq!(e.files[0].format, Format::Spdx3Json);
    assert_eq!(warnings(&e), ["the SBOM lists no packages"]);
    // Other SPDX JSON-LD (pyspdxtools3's prototype) is refused by name.
    let err = try_bytes(
        "proto.jsonld",
        br#"{"@context": {"core": "https://spdx.org/rdf/Core/"}, "@graph": []}"#,
        EvidenceKind::Components,
        None,
    )
    .expect_err("prototype");
    match err {
        Error::UnknownFormat { detected, .. } => {
            assert!(detected.contains("not SPDX 3.0"), "{detected}")
        }
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
}

#[test]
fn cyclonedx_hostile_nesting_is_an_error_not_a_stack_overflow() {
    // JSON: components nested 10 000 deep.
    let depth = 10_000;
    let mut json = String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":"#);
    for _ in 0..depth {
        json.push_str(r#"[{"name":"x","components":"#);
    }
    json.push_str("[]");
    for _ in 0..depth {
        json.push_str("}]");
    }
    json.push('}');
    let err = try_bytes(
        "deep.cdx.json",
        json.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect_err("too deep");
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("nested more than"), "{err}");

    // XML: the same, in elements.
    let mut xml = String::from(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>"#);
    for _ in 0..depth {
        xml.push_str("<component><name>x</name><components>");
    }
    let err = try_bytes(
        "deep.cdx.xml",
        xml.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect_err("too deep");
    assert!(err.to_string().contains("nested more than"), "{err}");

    // Nesting within the cap is fine: 20 levels, 20 components.
    let mut json = String::from(r#"{"bomFormat":"CycloneDX","components":"#);
    for i in 0..20 {
        json.push_str(&format!(r#"[{{"name":"c{i}","components":"#));
    }
    json.push_str("[]");
    for _ in 0..20 {
        json.push_str("}]");
    }
    json.push('}');
    let e = try_bytes(
        "ok.cdx.json",
        json.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert_eq!(e.components.len(), 20);
    assert_eq!(e.components[19].name, "c19");
}

#[test]
fn cyclonedx_other_bom_formats_and_versions_are_refused() {
    let err = try_bytes(
        "x.json",
        br#"{"bomFormat": "SPDX", "specVersion": "1.5", "components": []}"#,
        EvidenceKind::Components,
        Some(Format::CycloneDxJson),
    )
    .expect_err("not CycloneDX");
    assert!(err.to_string().contains("bomFormat is \"SPDX\""), "{err}");
    let err = try_bytes(
        "x.json",
        br#"{"bomFormat": "CycloneDX", "specVersion": "2.0"}"#,
        EvidenceKind::Components,
        None,
    )
    .expect_err("CycloneDX 2");
    assert!(
        err.to_string().contains("specVersion 2.0 is not supported"),
        "{err}"
    );
}

#[test]
fn truncated_sbom_json_is_malformed_with_a_position() {
    let text =
        std::fs::read(repo().join("tests/fixtures/npm-sbom/npm-sbom.spdx.json")).expect("fixture");
    let err = try_bytes(
        "cut.spdx.json",
        &text[..text.len() / 2],
        EvidenceKind::Components,
        None,
    )
    .expect_err("truncated");
    let (line, column) = malformed_at(&err);
    assert!(line.is_some() && column.is_some(), "{err}");
    assert!(
        err.to_string().contains("the file ends early (truncated?)"),
        "{err}"
    );
}

#[test]
fn every_prefix_of_the_sbom_fixtures_fails_cleanly() {
    for (rel, format) in [
        (
            "tests/fixtures/handmade-supply-chain/cyclonedx-nested.cdx.json",
            Format::CycloneDxJson,
        ),
        (
            "tests/fixtures/cyclonedx-py/bom.cdx.xml",
            Format::CycloneDxXml,
        ),
        (
            "tests/fixtures/handmade-supply-chain/spdx-relationships.spdx.json",
            Format::SpdxJson,
        ),
    ] {
        let bytes = std::fs::read(repo().join(rel)).expect("fixture");
        let step = (bytes.len() / 120).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let prefix = &bytes[..cut];
            let _ = try_bytes("prefix", prefix, EvidenceKind::Components, None);
            let result = try_bytes("prefix", prefix, EvidenceKind::Components, Some(format));
            if cut + 2 < bytes.len() {
                assert!(result.is_err(), "{rel} cut at {cut} should not parse");
            }
        }
    }
}
