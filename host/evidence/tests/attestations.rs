//! Evidence inside in-toto attestations: bare statements, DSSE envelopes
//! (one per file, or JSON lines as `cosign download attestation` prints
//! them), Sigstore bundles, and cosign's vulnerability predicate. Fixtures in
//! tests/fixtures/attestations/ (gen.py and PROVENANCE.md there): each wraps
//! another fixture, so every record must equal that fixture's.

mod common;

use base64::Engine as _;
use common::*;
use regops_evidence::{Error, Evidence, EvidenceKind, Format};
use serde::Serialize;

const DIR: &str = "attestations";

/// Records as JSON, without `evidence` paths (the only fields that may
/// differ between the attestation and the file it wraps).
fn records<T: Serialize>(items: &[T]) -> Vec<serde_json::Value> {
    fn strip(value: &mut serde_json::Value) {
        if let Some(object) = value.as_object_mut() {
            object.remove("evidence");
            object.values_mut().for_each(strip);
        }
    }
    items
        .iter()
        .map(|item| {
            let mut value = serde_json::to_value(item).expect("serialisable");
            strip(&mut value);
            value
        })
        .collect()
}

fn attestation(name: &str, kind: EvidenceKind) -> Evidence {
    let e = producer(&format!("{DIR}/{name}"), kind);
    assert_eq!(e.files[0].format, Format::InToto, "{name}");
    e
}

fn refused(name: &str, kind: EvidenceKind) -> String {
    match try_producer(&format!("{DIR}/{name}"), kind) {
        Err(Error::Malformed { message, .. }) => message,
        other => panic!("{name} should be refused as malformed, got {other:?}"),
    }
}

fn refused_bytes(bytes: &[u8], kind: EvidenceKind) -> (String, (Option<u64>, Option<u64>)) {
    match try_bytes("attestation.json", bytes, kind, None) {
        Err(e @ Error::Malformed { .. }) => {
            let at = malformed_at(&e);
            let Error::Malformed { message, .. } = e else {
                unreachable!()
            };
            (message, at)
        }
        other => panic!("should be refused as malformed, got {other:?}"),
    }
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(repo().join(format!("tests/fixtures/{DIR}/{name}"))).expect(name)
}

fn envelope_of(statement: &str) -> String {
    serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64::engine::general_purpose::STANDARD.encode(statement),
        "signatures": [{"keyid": "", "sig": "MEUCIQ=="}],
    })
    .to_string()
}

#[test]
fn a_bare_statement_reads_as_the_sbom_it_holds_and_says_nobody_signed_it() {
    let wrapped = attestation("cyclonedx.intoto.json", EvidenceKind::Components);
    let plain = producer("cyclonedx-py/bom.cdx.json", EvidenceKind::Components);
    assert!(!plain.components.is_empty());
    assert_eq!(records(&wrapped.components), records(&plain.components));
    assert_eq!(
        wrapped.components[0].evidence,
        "tests/fixtures/attestations/cyclonedx.intoto.json"
    );
    let w = warnings(&wrapped);
    assert!(
        w.iter().any(|w| w.contains(
            "read cyclonedx-json from 1 unsigned in-toto statement(s), which nobody signed"
        )),
        "{w:?}"
    );
}

#[test]
fn a_dsse_envelope_reads_as_its_statement_and_says_the_signature_is_not_verified() {
    let wrapped = attestation("cyclonedx.dsse.json", EvidenceKind::Components);
    let plain = producer("cyclonedx-py/bom.cdx.json", EvidenceKind::Components);
    assert_eq!(records(&wrapped.components), records(&plain.components));
    let w = warnings(&wrapped);
    assert!(
        w.iter().any(
            |w| w.contains("read cyclonedx-json from 1 DSSE envelope(s)")
                && w.contains("regops does not verify attestation signatures")
                && w.contains("cosign verify-attestation")
        ),
        "{w:?}"
    );
}

#[test]
fn a_sigstore_bundle_of_an_spdx_statement_reads_as_the_spdx_document() {
    let wrapped = attestation("spdx.sigstore.jsonl", EvidenceKind::Components);
    let plain = producer("npm-sbom/npm-sbom.spdx.json", EvidenceKind::Components);
    assert!(!plain.components.is_empty());
    assert_eq!(records(&wrapped.components), records(&plain.components));
    let w = warnings(&wrapped);
    assert!(
        w.iter()
            .any(|w| w.contains("read spdx-json from 1 Sigstore bundle(s)")),
        "{w:?}"
    );
}

#[test]
fn gh_attestation_verify_results_read_as_the_statements_they_verified() {
    let wrapped = attestation("spdx.gh-verify.json", EvidenceKind::Components);
    let plain = producer("npm-sbom/npm-sbom.spdx.json", EvidenceKind::Components);
    assert_eq!(records(&wrapped.components), records(&plain.components));
    let w = warnings(&wrapped);
    assert!(
        w.iter().any(
            |w| w.contains("read spdx-json from 1 `gh attestation verify` result(s)")
                && w.contains("cannot tell that this file is what `gh attestation verify` wrote")
        ),
        "{w:?}"
    );
}

#[test]
fn cosign_download_lines_give_the_vex_and_leave_out_the_provenance() {
    let wrapped = attestation("provenance-and-openvex.dsse.jsonl", EvidenceKind::Vex);
    let plain = producer("handmade-supply-chain/openvex.json", EvidenceKind::Vex);
    assert!(!plain.vex.is_empty());
    assert_eq!(records(&wrapped.vex), records(&plain.vex));
    let w = warnings(&wrapped);
    assert!(
        w.iter().any(|w| w.starts_with(
            "left out 1 attestation(s) that hold no vex evidence: attestation 1 \
             (https://slsa.dev/provenance/v1) holds JSON object with keys buildDefinition, \
             runDetails"
        )),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("read openvex from 2 DSSE envelope(s)")),
        "{w:?}"
    );
}

#[test]
fn a_file_with_no_attestation_of_the_listed_kind_is_refused_naming_what_it_holds() {
    let message = refused(
        "provenance-and-openvex.dsse.jsonl",
        EvidenceKind::Components,
    );
    assert!(
        message
            .starts_with("no attestation in the file holds components evidence that regops reads"),
        "{message}"
    );
    assert!(
        message.contains(
            "attestation 2 (https://openvex.dev/ns/v0.2.0) holds openvex, which is `vex` evidence"
        ),
        "{message}"
    );
    assert!(
        message.contains("attestation 1 (https://slsa.dev/provenance/v1)"),
        "{message}"
    );
}

#[test]
fn cosign_vuln_predicate_reads_the_scanners_own_report() {
    let wrapped = attestation("trivy.cosign-vuln.dsse.json", EvidenceKind::Vulnerabilities);
    let plain = producer(
        "handmade-supply-chain/trivy.json",
        EvidenceKind::Vulnerabilities,
    );
    assert!(!plain.vulnerabilities.is_empty());
    assert_eq!(
        records(&wrapped.vulnerabilities),
        records(&plain.vulnerabilities)
    );
    let w = warnings(&wrapped);
    assert!(
        w.iter()
            .any(|w| w.contains("read trivy from 1 DSSE envelope(s)")),
        "{w:?}"
    );
}

#[test]
fn an_envelope_whose_payload_fills_the_head_is_still_detected() {
    // securesystemslib writes `payload` first: a large SBOM's base64 runs far
    // past the 64 KiB detection reads before `payloadType` appears.
    let components: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            serde_json::json!({
                "type": "library", "bom-ref": format!("pkg:pypi/p{i}@1.0.{i}"),
                "name": format!("p{i}"), "version": format!("1.0.{i}"),
                "purl": format!("pkg:pypi/p{i}@1.0.{i}"),
            })
        })
        .collect();
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "a.tar.gz", "digest": {"sha256": "00"}}],
        "predicateType": "https://cyclonedx.org/bom",
        "predicate": {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components},
    });
    let payload = base64::engine::general_purpose::STANDARD.encode(statement.to_string());
    assert!(payload.len() > 64 * 1024);
    let file = format!(
        "{{\"payload\": \"{payload}\", \"payloadType\": \"application/vnd.in-toto+json\", \
         \"signatures\": []}}"
    );
    let e = try_bytes(
        "big.dsse.json",
        file.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    assert_eq!(e.files[0].format, Format::InToto);
    assert_eq!(e.components.len(), 3000);
    assert_eq!(
        e.components[2999].purl.as_deref(),
        Some("pkg:pypi/p2999@1.0.2999")
    );
}

#[test]
fn an_error_inside_a_bare_statements_predicate_is_placed_in_the_file() {
    let text = fixture_text("cyclonedx.intoto.json");
    // A component's version as an object: CycloneDX's reader refuses it.
    let at = text.find("\"version\": \"").expect("a version");
    let line = text[..at].matches('\n').count() as u64 + 1;
    let end = text[at..].find(",\n").expect("end of the version") + at;
    let broken = format!("{}\"version\": {{}}{}", &text[..at], &text[end..]);
    let (message, (reported_line, _)) = refused_bytes(broken.as_bytes(), EvidenceKind::Components);
    assert!(
        message.starts_with("attestation 1 (https://cyclonedx.org/bom): "),
        "{message}"
    );
    assert_eq!(reported_line, Some(line), "{message}");
}

#[test]
fn an_error_inside_an_envelopes_payload_names_the_attestation_and_the_payload_line() {
    let statement = "{\"_type\": \"https://in-toto.io/Statement/v1\",\n\
                     \"predicateType\": \"https://openvex.dev/ns/v0.2.0\",\n\
                     \"predicate\": {\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n\
                     \"statements\": 3}}";
    let file = format!(
        "{}\n{}\n",
        fixture_text("cyclonedx.dsse.json").trim(),
        envelope_of(statement)
    );
    let (message, (line, _)) = refused_bytes(file.as_bytes(), EvidenceKind::Vex);
    assert!(
        message.starts_with("attestation 2: in the predicate (https://openvex.dev/ns/v0.2.0), line 4, column 15 of the decoded payload: invalid type: integer `3`"),
        "{message}"
    );
    assert_eq!(line, Some(2), "the second line of the file: {message}");
}

#[test]
fn wrappers_that_hold_no_statement_are_refused_with_what_they_are() {
    let cases: [(&str, &str); 6] = [
        (
            r#"{"payloadType": "application/vnd.in-toto+json", "payload": "not base64!", "signatures": []}"#,
            "attestation 1: the envelope's payload is not base64",
        ),
        (
            r#"{"payloadType": "application/vnd.cncf.notary.payload.v1+json", "payload": "e30=", "signatures": []}"#,
            "attestation 1: a DSSE envelope whose payloadType is \"application/vnd.cncf.notary.payload.v1+json\"",
        ),
        (
            r#"{"payloadType": "application/vnd.in-toto+json", "payload": "e30="}"#,
            "attestation 1: a DSSE envelope without signatures",
        ),
        (
            r#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "verificationMaterial": {}, "messageSignature": {"messageDigest": {}, "signature": ""}}"#,
            "attestation 1: a Sigstore bundle that signs a file (messageSignature), not an attestation",
        ),
        (
            r#"{"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "https://cyclonedx.org/bom"}"#,
            "attestation 1: the statement (https://cyclonedx.org/bom) has no predicate",
        ),
        (
            r#"{"_type": "https://example.com/Other", "predicateType": "x", "predicate": {}}"#,
            "attestation 1: _type is \"https://example.com/Other\", not an in-toto statement's",
        ),
    ];
    for (file, expected) in cases {
        let (message, _) = refused_bytes(file.as_bytes(), EvidenceKind::Components);
        assert!(message.starts_with(expected), "{file}\n{message}");
    }
}

#[test]
fn a_payload_that_is_not_a_statement_is_refused_at_the_envelope() {
    let file = envelope_of("[1, 2]");
    let (message, (line, column)) = refused_bytes(file.as_bytes(), EvidenceKind::Components);
    assert!(
        message.starts_with(
            "attestation 1: the envelope's payload is not an in-toto statement (line 1, column"
        ),
        "{message}"
    );
    assert_eq!((line, column), (Some(1), Some(1)));
}

#[test]
fn other_shapes_and_empty_predicates_are_refused_naming_the_attestation() {
    let cosign_vuln_without_result = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://cosign.sigstore.dev/attestation/vuln/v1",
        "subject": [],
        "predicate": {"scanner": {"uri": "pkg:github/aquasecurity/trivy@0.58.1", "result": null}},
    })
    .to_string();
    let nested = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "predicateType": "https://example.com/wrapped",
        "predicate": {"_type": "https://in-toto.io/Statement/v1", "predicateType": "x", "predicate": {}},
    })
    .to_string();
    let statement = fixture_text("cyclonedx.intoto.json").replace('\n', " ");
    let cases: Vec<(String, EvidenceKind, &str)> = vec![
        (
            r#"[{"attestation": {"bundle": {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}}, "verificationResult": {}}]"#.to_string(),
            EvidenceKind::Components,
            "attestation 1: a `gh attestation verify` result without attestation.bundle.dsseEnvelope",
        ),
        (
            r#"{"mediaType": "application/vnd.example+json", "dsseEnvelope": {}}"#.to_string(),
            EvidenceKind::Components,
            "attestation 1: mediaType is \"application/vnd.example+json\", not a Sigstore bundle's",
        ),
        (
            r#"{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "verificationMaterial": {}}"#.to_string(),
            EvidenceKind::Components,
            "attestation 1: a Sigstore bundle without a dsseEnvelope",
        ),
        (
            cosign_vuln_without_result,
            EvidenceKind::Vulnerabilities,
            "no attestation in the file holds vulnerabilities evidence that regops reads: \
             attestation 1 (https://cosign.sigstore.dev/attestation/vuln/v1) has no scanner.result",
        ),
        (
            nested,
            EvidenceKind::Components,
            "no attestation in the file holds components evidence that regops reads: \
             attestation 1 (https://example.com/wrapped) holds another attestation",
        ),
        (
            format!("{statement}\n{{\"bomFormat\": \"CycloneDX\"}}\n"),
            EvidenceKind::Components,
            "attestation 2: neither an in-toto statement",
        ),
    ];
    for (file, kind, expected) in cases {
        let (message, _) = refused_bytes(file.as_bytes(), kind);
        assert!(message.starts_with(expected), "{file}\n{message}");
    }

    // Forced onto a file with nothing in it.
    match try_bytes(
        "empty.json",
        b" \n",
        EvidenceKind::Vex,
        Some(Format::InToto),
    ) {
        Err(Error::Malformed { message, .. }) => {
            assert_eq!(message, "the file holds no attestation (it is empty)")
        }
        other => panic!("an empty file should be refused, got {other:?}"),
    }
}

#[test]
fn an_unpadded_url_safe_payload_is_decoded() {
    // Some signers write DSSE's base64 URL-safe and without padding.
    // A subject name whose bytes encode to the alphabets' last two digits.
    let statement = fixture_text("cyclonedx.intoto.json")
        .replace("cardiosense-1.4.0.tar.gz", "cardiosense ???>>>~~~.tar.gz");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&statement);
    // The URL-safe alphabet's own characters are in it: standard base64
    // alone could not decode it.
    assert!(payload.contains(['-', '_']));
    let file = serde_json::json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": payload,
        "signatures": [],
    })
    .to_string();
    let e = try_bytes(
        "urlsafe.dsse.json",
        file.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .expect("loads");
    let plain = producer("cyclonedx-py/bom.cdx.json", EvidenceKind::Components);
    assert_eq!(records(&e.components), records(&plain.components));
}

#[test]
fn cosign_1_data_wrapper_around_a_cyclonedx_bom_reads_as_the_bom() {
    let wrapped = attestation("cyclonedx.cosign-v1.dsse.json", EvidenceKind::Components);
    let plain = producer("cyclonedx-py/bom.cdx.json", EvidenceKind::Components);
    assert_eq!(records(&wrapped.components), records(&plain.components));
    let w = warnings(&wrapped);
    assert!(
        w.iter()
            .any(|w| w.contains("read cyclonedx-json from 1 DSSE envelope(s)")),
        "{w:?}"
    );
    // The predicate type and the document agree: no word about it.
    assert!(!w.iter().any(|w| w.contains("predicateType")), "{w:?}");
}

#[test]
fn cosign_custom_predicate_reads_the_file_text_in_data_whatever_its_format() {
    let wrapped = attestation(
        "cyclonedx-xml.cosign-custom.dsse.json",
        EvidenceKind::Components,
    );
    let plain = producer("cyclonedx-py/bom.cdx.xml", EvidenceKind::Components);
    assert!(!plain.components.is_empty());
    assert_eq!(records(&wrapped.components), records(&plain.components));
    let w = warnings(&wrapped);
    assert!(
        w.iter()
            .any(|w| w.contains("read cyclonedx-xml from 1 DSSE envelope(s)")),
        "{w:?}"
    );
}

#[test]
fn an_error_inside_a_data_string_names_its_line_in_the_string() {
    let xml = "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n\
               <components><component type=\"library\"><name>a</name></components>\n</bom>\n";
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://cosign.sigstore.dev/attestation/v1",
        "subject": [],
        "predicate": {"Data": xml, "Timestamp": "2026-11-20T10:05:00Z"},
    })
    .to_string();
    let (message, (line, _)) = refused_bytes(statement.as_bytes(), EvidenceKind::Components);
    assert!(
        message.starts_with(
            "attestation 1: in the predicate (https://cosign.sigstore.dev/attestation/v1, in \
             cosign's Data wrapper), line 3"
        ),
        "{message}"
    );
    assert_eq!(line, Some(1), "{message}");
}

#[test]
fn a_data_member_beside_other_members_is_not_cosigns_wrapper() {
    // A predicate with `Data` among other keys is a document of its own
    // (here one regops does not read): it is not unwrapped.
    let statement = serde_json::json!({
        "_type": "https://in-toto.io/Statement/v1",
        "predicateType": "https://example.com/custom/v1",
        "subject": [],
        "predicate": {"Data": {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}, "Owner": "x"},
    })
    .to_string();
    let (message, _) = refused_bytes(statement.as_bytes(), EvidenceKind::Components);
    assert!(
        message.contains("attestation 1 (https://example.com/custom/v1) holds"),
        "{message}"
    );
}

#[test]
fn a_predicate_type_that_names_another_format_is_read_by_content_with_a_warning() {
    let bom = fixture_text("../cyclonedx-py/bom.cdx.json");
    let statement = format!(
        "{{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [], \
         \"predicateType\": \"https://spdx.dev/Document/v2.3\", \"predicate\": {bom}}}"
    );
    let e = match try_bytes(
        "attestation.json",
        statement.as_bytes(),
        EvidenceKind::Components,
        None,
    ) {
        Ok(e) => e,
        Err(e) => panic!("{e}"),
    };
    let plain = producer("cyclonedx-py/bom.cdx.json", EvidenceKind::Components);
    assert_eq!(records(&e.components), records(&plain.components));
    let w = warnings(&e);
    assert!(
        w.iter().any(|w| w
            == "attestation 1: its predicateType (https://spdx.dev/Document/v2.3) names \
                spdx-json, but the predicate is cyclonedx-json; it was read as cyclonedx-json, \
                by its content"),
        "{w:?}"
    );
}

#[test]
fn an_spdx_3_predicate_reads_as_spdx_3_without_a_mismatch_warning() {
    let document = fixture_text("../spdx3/pump-fw.spdx3.json");
    let statement = format!(
        "{{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [], \
         \"predicateType\": \"https://spdx.dev/Document/v3.0\", \"predicate\": {document}}}"
    );
    let e = try_bytes(
        "attestation.json",
        statement.as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let plain = producer("spdx3/pump-fw.spdx3.json", EvidenceKind::Components);
    assert!(!plain.components.is_empty());
    assert_eq!(records(&e.components), records(&plain.components));
    let w = warnings(&e);
    assert!(
        w.iter()
            .any(|w| w.contains("read spdx3-json from 1 unsigned in-toto statement(s)")),
        "{w:?}"
    );
    assert!(!w.iter().any(|w| w.contains("predicateType")), "{w:?}");
}

#[test]
fn a_predicates_own_warnings_name_its_attestation() {
    // Two SBOM statements as JSON lines, each with components its graph
    // does not connect to the product: each warning says which one.
    let statement: serde_json::Value =
        serde_json::from_str(&fixture_text("cyclonedx.intoto.json")).expect("JSON");
    let line = statement.to_string();
    let e = try_bytes(
        "attestations.jsonl",
        format!("{line}\n{line}\n").as_bytes(),
        EvidenceKind::Components,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let w = warnings(&e);
    for n in [1, 2] {
        let prefix = format!("attestation {n}: 2 component(s) are not connected to the product");
        assert!(w.iter().any(|w| w.starts_with(&prefix)), "{prefix}: {w:?}");
    }
}
