//! SPDX 3.0.1 JSON-LD SBOMs: documents written with the official bindings
//! (spdx-python-model), one in the shape of a Yocto image SBOM, and the same
//! SBOM as SPDX 2.3 read by the SPDX 2 reader. Fixtures in
//! tests/fixtures/spdx3/ (PROVENANCE.md there).

mod common;

use common::*;
use regops_evidence::{Component, Error, EvidenceKind, Format, Hash, Options, load};

const DIR: &str = "tests/fixtures/spdx3";

fn sbom(file: &str) -> regops_evidence::Evidence {
    fixture(&format!("{DIR}/{file}"), EvidenceKind::Components)
}

fn sha(algorithm: &str, value: String) -> Hash {
    Hash {
        algorithm: algorithm.to_string(),
        value,
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    name: &str,
    version: Option<&str>,
    purl: Option<&str>,
    licences: &[&str],
    hashes: Vec<Hash>,
    supplier: Option<&str>,
    direct: Option<bool>,
    evidence: &str,
) -> Component {
    Component {
        name: name.to_string(),
        version: version.map(str::to_string),
        purl: purl.map(str::to_string),
        licences: licences.iter().map(|l| l.to_string()).collect(),
        hashes,
        supplier: supplier.map(str::to_string),
        direct,
        evidence: evidence.to_string(),
    }
}

/// The packages of pump-fw.spdx3.json, as each reader should give them.
fn pump_fw(evidence: &str) -> Vec<Component> {
    vec![
        record(
            "cjson",
            Some("1.7.17"),
            Some("pkg:github/davegamble/cjson@1.7.17"),
            &["MIT"],
            vec![],
            None,
            Some(true),
            evidence,
        ),
        record(
            "libusb",
            Some("1.0.27"),
            None,
            &[],
            vec![],
            None,
            Some(false),
            evidence,
        ),
        record(
            "mbedtls",
            Some("3.6.0"),
            Some("pkg:generic/mbedtls@3.6.0"),
            &["Apache-2.0 OR GPL-2.0-or-later"],
            vec![],
            None,
            Some(true),
            evidence,
        ),
        record(
            "openssl",
            Some("3.0.13"),
            Some("pkg:generic/openssl@3.0.13"),
            &["Apache-2.0"],
            vec![sha("SHA256", format!("{:064x}", 1))],
            Some("OpenSSL Software Foundation"),
            Some(true),
            evidence,
        ),
        record(
            "zlib",
            Some("1.3.1"),
            Some("pkg:generic/zlib@1.3.1"),
            &["Zlib"],
            vec![
                sha("SHA256", format!("{:064x}", 2)),
                sha("SHA1", "a".repeat(40)),
            ],
            Some("Jane Doe"),
            Some(true),
            evidence,
        ),
    ]
}

fn sorted(mut components: Vec<Component>) -> Vec<Component> {
    components.sort_by(|a, b| a.name.cmp(&b.name));
    components
}

const SOURCE_WARNING: &str = "1 package(s) are source archives or patches fetched for the build \
     (software_primaryPurpose source or patch), not what ships, and are not read as components \
     (first: pump-fw-2.4.0.tar.gz)";

#[test]
fn bindings_sbom_reads_every_record() {
    for file in ["pump-fw.spdx3.json", "pump-fw-inline.spdx3.json"] {
        let e = sbom(file);
        assert_eq!(e.files[0].format, Format::Spdx3Json, "{file}");
        let path = format!("{DIR}/{file}");
        assert_eq!(e.components, pump_fw(&path), "{file}");
        assert_eq!(warnings(&e), [SOURCE_WARNING], "{file}");
    }
}

#[test]
fn spdx_3_and_spdx_2_3_of_the_same_sbom_agree() {
    let three = sbom("pump-fw.spdx3.json");
    let two = sbom("pump-fw.spdx23.json");
    assert_eq!(two.files[0].format, Format::SpdxJson);
    let strip = |c: &[Component]| {
        sorted(
            c.iter()
                .cloned()
                .map(|mut c| {
                    c.evidence.clear();
                    c
                })
                .collect(),
        )
    };
    assert_eq!(strip(&three.components), strip(&two.components));
    assert_eq!(strip(&two.components), strip(&pump_fw("")));
    assert!(warnings(&two).is_empty(), "{:?}", warnings(&two));
}

#[test]
fn yocto_image_sbom_reads_the_installed_packages_as_direct() {
    let e = sbom("yocto-image.spdx3.json");
    let path = format!("{DIR}/yocto-image.spdx3.json");
    let oe = Some("OpenEmbedded ()");
    let busybox = ["GPL-2.0-only AND bzip2-1.0.4"];
    assert_eq!(
        e.components,
        [
            record(
                "base-files",
                Some("3.0.14"),
                None,
                &["GPL-2.0-only"],
                vec![],
                oe,
                Some(true),
                &path
            ),
            record(
                "busybox",
                Some("1.36.1"),
                None,
                &busybox,
                vec![],
                oe,
                Some(true),
                &path
            ),
            record(
                "busybox-syslog",
                Some("1.36.1"),
                None,
                &busybox,
                vec![],
                oe,
                Some(true),
                &path
            ),
            record(
                "libc6",
                Some("2.39+git"),
                None,
                &["GPL-2.0-only AND LGPL-2.1-or-later"],
                vec![],
                oe,
                Some(true),
                &path
            ),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "3 package(s) are source archives or patches fetched for the build \
          (software_primaryPurpose source or patch), not what ships, and are not read as \
          components (first: base-files-3.0.14.tar.bz2)"
        ]
    );
}

#[test]
fn a_document_whose_only_package_is_the_product_lists_no_component() {
    let e = sbom("product-only.spdx3.json");
    assert!(e.components.is_empty());
    assert_eq!(
        warnings(&e),
        [
            "the document's 1 package(s) are the product it is about or build inputs; it lists \
          no component"
        ]
    );
}

#[test]
fn pyspdxtools3_prototype_output_is_refused_by_name() {
    let err = try_fixture(
        &format!("{DIR}/pyspdxtools3-prototype.jsonld"),
        EvidenceKind::Components,
    )
    .expect_err("prototype");
    match err {
        Error::UnknownFormat { detected, .. } => {
            assert!(detected.contains("not SPDX 3.0"), "{detected}")
        }
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
    // Forced, the reader says why.
    let bytes = std::fs::read(repo().join(DIR).join("pyspdxtools3-prototype.jsonld")).unwrap();
    let err = try_bytes(
        "p.jsonld",
        &bytes,
        EvidenceKind::Components,
        Some(Format::Spdx3Json),
    )
    .expect_err("prototype");
    assert!(err.to_string().contains("is not SPDX 3.0"), "{err}");
}

const CONTEXT: &str = r#""@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld""#;

fn doc(graph: &str) -> Vec<u8> {
    format!("{{{CONTEXT}, \"@graph\": [{graph}]}}").into_bytes()
}

fn read(bytes: &[u8]) -> regops_evidence::Evidence {
    try_bytes("x.spdx3.json", bytes, EvidenceKind::Components, None).expect("loads")
}

#[test]
fn dangling_references_are_tolerated() {
    // The product depends on a package not in the file; a package the
    // product does not reach is not connected; a supplier and a licence
    // are defined nowhere.
    let e = read(&doc(r#"
        {"type": "software_Sbom", "spdxId": "urn:sbom", "rootElement": ["urn:app"]},
        {"type": "software_Package", "spdxId": "urn:app", "name": "app"},
        {"type": "software_Package", "spdxId": "urn:lib", "name": "lib",
         "suppliedBy": "urn:nobody"},
        {"type": "Relationship", "spdxId": "urn:r1", "from": "urn:app",
         "relationshipType": "dependsOn", "to": ["urn:elsewhere"]},
        {"type": "Relationship", "spdxId": "urn:r2", "from": "urn:lib",
         "relationshipType": "hasConcludedLicense", "to": ["urn:licence-elsewhere"]},
        {"type": "Relationship", "spdxId": "urn:r3", "from": "urn:gone",
         "relationshipType": "dependsOn", "to": ["urn:lib"]}
    "#));
    assert_eq!(
        e.components,
        [record(
            "lib",
            None,
            None,
            &[],
            vec![],
            None,
            None,
            "x.spdx3.json"
        )]
    );
    assert_eq!(
        warnings(&e),
        [
            "1 licence relationship(s) name a licence that is not a LicenseExpression in this \
             document (defined elsewhere, or expanded licensing): those licences are not read",
            "1 package(s) name a supplier or originator not defined in this document; their \
             supplier is not read",
            "1 component(s) are not connected to the product in the dependency graph (first: \
             lib); whether they are direct or transitive is unknown",
        ]
    );
}

#[test]
fn iri_types_at_ids_and_listed_licences_are_read() {
    let e = read(&doc(r#"
        {"@type": "https://spdx.org/rdf/3.0.1/terms/Software/Sbom", "@id": "urn:sbom",
         "rootElement": "urn:app"},
        {"@type": "https://spdx.org/rdf/3.0.1/terms/Software/Package", "@id": "urn:app",
         "name": "app"},
        {"@type": "https://spdx.org/rdf/3.0.1/terms/Software/Package", "@id": "urn:lib",
         "name": "lib", "software_packageVersion": "1.0", "x_vendor_extension": {"a": [1]},
         "suppliedBy": {"type": "Organization", "spdxId": "urn:org", "name": "Org"},
         "verifiedUsing": [{"type": "Hash",
           "algorithm": "https://spdx.org/rdf/3.0.1/terms/Core/HashAlgorithm/sha3_256",
           "hashValue": "ab"}]},
        {"@type": "https://spdx.org/rdf/3.0.1/terms/Core/Relationship", "@id": "urn:r1",
         "from": "urn:app",
         "relationshipType": "https://spdx.org/rdf/3.0.1/terms/Core/RelationshipType/dependsOn",
         "to": "urn:lib"},
        {"type": "Relationship", "spdxId": "urn:r2", "from": "urn:lib",
         "relationshipType": "hasDeclaredLicense",
         "to": ["https://spdx.org/licenses/MIT",
                "https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense"]}
    "#));
    assert_eq!(
        e.components,
        [record(
            "lib",
            Some("1.0"),
            None,
            &["MIT"],
            vec![sha("SHA3-256", "ab".to_string())],
            Some("Org"),
            Some(true),
            "x.spdx3.json"
        )]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn configured_product_entries_stand_for_the_product() {
    let bytes = doc(r#"
        {"type": "software_Package", "spdxId": "urn:main", "name": "pump-gateway"},
        {"type": "software_Package", "spdxId": "urn:lib", "name": "lib"},
        {"type": "Relationship", "spdxId": "urn:r1", "from": "urn:main",
         "relationshipType": "dependsOn", "to": ["urn:lib"]}
    "#);
    let dir = std::env::temp_dir().join(format!("regops-spdx3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("named.spdx3.json");
    std::fs::write(&path, &bytes).unwrap();
    let options = Options {
        product_components: vec!["pump-gateway".to_string()],
        ..Options::default()
    };
    let e = load(
        &[regops_evidence::Input {
            path: path.clone(),
            display: "named.spdx3.json".to_string(),
            kind: EvidenceKind::Components,
            format: None,
        }],
        &options,
    )
    .expect("loads");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        e.components
            .iter()
            .map(|c| (c.name.as_str(), c.direct))
            .collect::<Vec<_>>(),
        [("lib", Some(true))]
    );
}

#[test]
fn a_large_image_sbom_of_files_streams() {
    // @graph before @context, 40 000 files contained by two packages.
    let mut graph = String::from(
        r#"{"type": "software_Sbom", "spdxId": "urn:sbom", "rootElement": ["urn:img"],
            "creationInfo": "_:c"},
           {"type": "CreationInfo", "@id": "_:c", "specVersion": "3.0.1"},
           {"type": "software_Package", "spdxId": "urn:img", "name": "img",
            "creationInfo": "_:c"},
           {"type": "software_Package", "spdxId": "urn:a", "name": "a",
            "software_packageVersion": "1", "creationInfo": "_:c"},
           {"type": "software_Package", "spdxId": "urn:b", "name": "b",
            "software_packageVersion": "2", "creationInfo": "_:c"},
           {"type": "Relationship", "spdxId": "urn:r0", "from": "urn:img",
            "relationshipType": "contains", "to": ["urn:a"], "creationInfo": "_:c"},
           {"type": "Relationship", "spdxId": "urn:r1", "from": "urn:a",
            "relationshipType": "dependsOn", "to": ["urn:b"], "creationInfo": "_:c"}"#,
    );
    let files = 40_000;
    let mut contains = Vec::new();
    for i in 0..files {
        graph.push_str(&format!(
            r#",{{"type": "software_File", "spdxId": "urn:f{i}", "name": "/usr/lib/f{i}",
                "creationInfo": "_:c", "verifiedUsing": [{{"type": "Hash",
                "algorithm": "sha256", "hashValue": "{i:064x}"}}]}}"#
        ));
        contains.push(format!("\"urn:f{i}\""));
    }
    graph.push_str(&format!(
        r#",{{"type": "Relationship", "spdxId": "urn:r2", "from": "urn:a",
            "relationshipType": "contains", "to": [{}], "creationInfo": "_:c"}}"#,
        contains.join(",")
    ));
    let bytes = format!("{{\"@graph\": [{graph}], {CONTEXT}}}").into_bytes();
    assert!(bytes.len() > 8_000_000, "{}", bytes.len());
    let e = read(&bytes);
    assert_eq!(e.files[0].format, Format::Spdx3Json);
    assert_eq!(
        e.components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref(), c.direct))
            .collect::<Vec<_>>(),
        [("a", Some("1"), Some(true)), ("b", Some("2"), Some(false))]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn malformed_documents_say_where() {
    let text = std::fs::read_to_string(repo().join(DIR).join("pump-fw.spdx3.json")).unwrap();
    let broken = text.replacen(r#""name": "openssl""#, r#""name": openssl"#, 1);
    let line = text
        .lines()
        .position(|l| l.contains(r#""name": "openssl""#))
        .unwrap() as u64
        + 1;
    let err = try_bytes(
        "b.spdx3.json",
        broken.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect_err("broken");
    assert_eq!(malformed_at(&err).0, Some(line), "{err}");
    assert!(malformed_at(&err).1.is_some(), "{err}");
    // A package with no id; a document with no @graph.
    for (bytes, says) in [
        (
            doc(r#"{"type": "software_Package", "name": "x"}"#),
            "1 software_Package element(s) have no spdxId",
        ),
        (format!("{{{CONTEXT}}}").into_bytes(), "no \"@graph\""),
    ] {
        let err = try_bytes(
            "b.spdx3.json",
            &bytes,
            EvidenceKind::Components,
            Some(Format::Spdx3Json),
        )
        .expect_err(says);
        assert!(err.to_string().contains(says), "{err}");
    }
    // A @graph that is not an array of objects.
    let err = try_bytes(
        "b.spdx3.json",
        format!("{{{CONTEXT}, \"@graph\": {{}}}}").as_bytes(),
        EvidenceKind::Components,
        Some(Format::Spdx3Json),
    )
    .expect_err("graph object");
    assert_eq!(malformed_at(&err).0, Some(1), "{err}");
}

#[test]
fn every_prefix_fails_cleanly() {
    let bytes = std::fs::read(repo().join(DIR).join("pump-fw-inline.spdx3.json")).unwrap();
    let step = (bytes.len() / 120).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        let prefix = &bytes[..cut];
        let _ = try_bytes("prefix", prefix, EvidenceKind::Components, None);
        let result = try_bytes(
            "prefix",
            prefix,
            EvidenceKind::Components,
            Some(Format::Spdx3Json),
        );
        assert!(result.is_err(), "cut at {cut} should not parse");
    }
}
