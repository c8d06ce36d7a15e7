//! govulncheck: its OpenVEX under `vex` (and whether it clears an
//! OSV-Scanner report of the same module), its SARIF under `findings`, and
//! its JSON refused with a hint. Fixtures: `tests/fixtures/govulncheck/`
//! (see its PROVENANCE.md: the text and pre-v1 JSON are real runs, the
//! OpenVEX and SARIF are hand-made in govulncheck v1's shape).

mod common;

use common::*;
use regops_evidence::{
    Assessment, BaselineState, Error, Evidence, EvidenceKind, Finding, FindingLevel, Location,
    VexStatement, VexStatus,
};

const DIR: &str = "tests/fixtures/govulncheck";

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn status(e: &Evidence, id: &str) -> Option<VexStatus> {
    e.vulnerabilities
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no vulnerability {id}"))
        .assessment
        .as_ref()
        .map(|a| a.status)
}

#[test]
fn openvex_statements_are_read_exactly() {
    let e = load_all(&[(&path("govulncheck-openvex.json"), EvidenceKind::Vex)]);
    let file = e.files[0].path.clone();
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    let assessment = |status, justification: Option<&str>, detail: Option<&str>| Assessment {
        status,
        justification: justification.map(str::to_string),
        detail: detail.map(str::to_string),
        author: Some("Unknown Author".to_string()),
        timestamp: Some("2026-11-23T05:01:09.123456789Z".to_string()),
        evidence: file.clone(),
    };
    // The product is govulncheck's placeholder ("Unknown Product"); the
    // statement is about its subcomponent, the vulnerable module's purl,
    // whose slashes govulncheck percent-escapes and whose version keeps Go's
    // `v`.
    let products = vec!["pkg:golang/example.com%2Fthirdparty@v1.2.0".to_string()];
    assert_eq!(
        e.vex,
        [
            VexStatement {
                vulnerability: "GO-2026-0001".to_string(),
                aliases: vec![
                    "CVE-2026-10001".to_string(),
                    "GHSA-aaaa-bbbb-cccc".to_string()
                ],
                products: products.clone(),
                assessment: assessment(VexStatus::Affected, None, None),
            },
            VexStatement {
                vulnerability: "GO-2026-0002".to_string(),
                aliases: vec![
                    "CVE-2026-10002".to_string(),
                    "GHSA-dddd-eeee-ffff".to_string()
                ],
                products,
                assessment: assessment(
                    VexStatus::NotAffected,
                    Some("vulnerable_code_not_in_execute_path"),
                    Some("Govulncheck determined that the vulnerable code isn't called"),
                ),
            },
        ]
    );
}

#[test]
fn govulncheck_vex_clears_the_scanner_records_of_the_same_module() {
    let e = load_all(&[
        (&path("osv-scanner.json"), EvidenceKind::Vulnerabilities),
        (&path("govulncheck-openvex.json"), EvidenceKind::Vex),
    ]);
    // OSV-Scanner writes Go versions without the `v` (pkg:golang/...@1.2.0),
    // govulncheck with it (@v1.2.0): the same module version.
    assert_eq!(
        e.vulnerabilities
            .iter()
            .map(|v| (v.id.as_str(), v.purl.as_deref()))
            .collect::<Vec<_>>(),
        [
            (
                "GO-2026-0001",
                Some("pkg:golang/example.com/thirdparty@1.2.0")
            ),
            (
                "GO-2026-0002",
                Some("pkg:golang/example.com/thirdparty@1.2.0")
            ),
            (
                "GO-2026-0003",
                Some("pkg:golang/example.com/unusedvuln@0.3.0")
            ),
        ]
    );
    assert_eq!(status(&e, "GO-2026-0001"), Some(VexStatus::Affected));
    assert_eq!(status(&e, "GO-2026-0002"), Some(VexStatus::NotAffected));
    // The module required but never imported: govulncheck (this version)
    // says nothing about it, so the scanner's record stays unassessed.
    assert_eq!(status(&e, "GO-2026-0003"), None);
}

#[test]
fn go_versions_match_only_the_same_version_and_other_ecosystems_keep_their_v() {
    // A statement about another version of the module clears nothing.
    let vex = std::fs::read_to_string(repo().join(path("govulncheck-openvex.json")))
        .expect("fixture")
        .replace("@v1.2.0", "@v1.2.1");
    let scanner = std::fs::read(repo().join(path("osv-scanner.json"))).expect("fixture");
    let mut e = try_bytes(
        "osv-scanner.json",
        &scanner,
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("scanner report");
    let statements = try_bytes("vex.json", vex.as_bytes(), EvidenceKind::Vex, None)
        .expect("vex")
        .vex;
    e.vex = statements;
    regops_evidence::apply_vex(&mut e);
    assert_eq!(status(&e, "GO-2026-0002"), None);

    // npm keeps a `v` as part of the version: `v1.0.0` is not `1.0.0`.
    let npm_vex = r#"{"@context": "https://openvex.dev/ns/v0.2.0",
        "statements": [{"vulnerability": {"name": "GHSA-xxxx-yyyy-zzzz"},
          "products": [{"@id": "pkg:npm/left-pad@v1.0.0"}],
          "status": "not_affected", "justification": "component_not_present"}]}"#;
    let npm_scan = r#"{"results": [{"source": {"path": "package-lock.json", "type": "lockfile"},
        "packages": [{"package": {"name": "left-pad", "version": "1.0.0", "ecosystem": "npm"},
          "vulnerabilities": [{"id": "GHSA-xxxx-yyyy-zzzz"}]}]}]}"#;
    let mut e = try_bytes(
        "osv-npm.json",
        npm_scan.as_bytes(),
        EvidenceKind::Vulnerabilities,
        None,
    )
    .expect("npm scan");
    e.vex = try_bytes("npm-vex.json", npm_vex.as_bytes(), EvidenceKind::Vex, None)
        .expect("npm vex")
        .vex;
    regops_evidence::apply_vex(&mut e);
    assert_eq!(status(&e, "GHSA-xxxx-yyyy-zzzz"), None);
}

#[test]
fn sarif_findings_are_one_per_vulnerability_on_go_mod() {
    let e = load_all(&[(&path("govulncheck-sarif.json"), EvidenceKind::Findings)]);
    let file = e.files[0].path.clone();
    let finding = |rule: &str, level, message: &str| Finding {
        tool: "govulncheck".to_string(),
        rule: rule.to_string(),
        level,
        message: message.to_string(),
        security_severity: None,
        location: Some(Location {
            file: "go.mod".to_string(),
            line: Some(1),
            column: None,
        }),
        fingerprint: None,
        baseline: BaselineState::Unknown,
        suppressions: Vec::new(),
        evidence: file.clone(),
    };
    // Called: error; imported but not called: warning (a symbol scan). Every
    // result points at go.mod line 1, and govulncheck writes no fingerprints.
    assert_eq!(
        e.findings,
        [
            finding(
                "GO-2026-0001",
                FindingLevel::Error,
                "Your code calls vulnerable functions in 1 package (example.com/thirdparty/codec)."
            ),
            finding(
                "GO-2026-0002",
                FindingLevel::Warning,
                "Your code imports 1 vulnerable package (example.com/thirdparty/codec), but \
                 doesn\u{2019}t appear to call any of the vulnerable symbols."
            ),
        ]
    );
}

#[test]
fn json_output_is_refused_naming_govulncheck_and_what_to_write() {
    for name in [
        "govulncheck-0.0.2023.json",
        "govulncheck-stream-handmade.json",
    ] {
        for kind in [EvidenceKind::Vex, EvidenceKind::Findings] {
            match try_producer(&format!("govulncheck/{name}"), kind) {
                Err(Error::UnknownFormat { detected, .. }) => assert_eq!(
                    detected,
                    "govulncheck's JSON output (`-json` / `-format json`), which regops does not \
                     read; write `govulncheck -format openvex` for `vex` or `-format sarif` for \
                     `findings`",
                    "{name}"
                ),
                other => panic!("{name} should be refused, got {other:?}"),
            }
        }
    }
}
