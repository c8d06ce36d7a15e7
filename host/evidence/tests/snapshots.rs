//! What each real tool's output normalises to, pinned as a snapshot: any
//! change in how a producer's file is read shows up in review as a diff of
//! `tests/snapshots/*.snap`. Regenerate with `INSTA_UPDATE=always cargo test
//! -p regops-evidence --test snapshots` and review the diff.

use std::path::PathBuf;

use regops_evidence::{EvidenceKind, Input, Options, load};

fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Every file produced by a real tool (hand-made cases have their own tests).
const REAL_TOOL_OUTPUT: &[(&str, &str, EvidenceKind)] = &[
    (
        "pytest_xunit1",
        "examples/cardiosense/evidence/junit.xml",
        EvidenceKind::Tests,
    ),
    (
        "pytest_failing",
        "tests/fixtures/pytest-failing/junit.xml",
        EvidenceKind::Tests,
    ),
    (
        "pytest_xunit2",
        "tests/fixtures/pytest-xunit2/junit.xml",
        EvidenceKind::Tests,
    ),
    (
        "cargo_nextest",
        "tests/fixtures/nextest/junit.xml",
        EvidenceKind::Tests,
    ),
    (
        "jest_junit",
        "tests/fixtures/jest/junit.xml",
        EvidenceKind::Tests,
    ),
    (
        "coveragepy_cobertura",
        "examples/cardiosense/evidence/coverage.xml",
        EvidenceKind::Coverage,
    ),
    (
        "coveragepy_low",
        "tests/fixtures/low-coverage/coverage.xml",
        EvidenceKind::Coverage,
    ),
    (
        "coveragepy_lcov",
        "tests/fixtures/lcov-coveragepy/coverage.lcov",
        EvidenceKind::Coverage,
    ),
    (
        "c8_lcov",
        "tests/fixtures/lcov-c8/lcov.info",
        EvidenceKind::Coverage,
    ),
    (
        "jacoco",
        "tests/fixtures/jacoco/jacoco.xml",
        EvidenceKind::Coverage,
    ),
    (
        "bandit_low",
        "examples/cardiosense/evidence/bandit.sarif",
        EvidenceKind::Findings,
    ),
    (
        "bandit_high",
        "tests/fixtures/bandit-high/bandit.sarif",
        EvidenceKind::Findings,
    ),
    (
        "semgrep",
        "tests/fixtures/semgrep-error/semgrep.sarif",
        EvidenceKind::Findings,
    ),
    (
        "eslint",
        "tests/fixtures/eslint/eslint.sarif",
        EvidenceKind::Findings,
    ),
    (
        "cyclonedx_py_json",
        "tests/fixtures/cyclonedx-py/bom.cdx.json",
        EvidenceKind::Components,
    ),
    (
        "cyclonedx_py_xml",
        "tests/fixtures/cyclonedx-py/bom.cdx.xml",
        EvidenceKind::Components,
    ),
    (
        "cargo_cyclonedx_json",
        "tests/fixtures/cargo-cyclonedx/pump-firmware-tools.cdx.json",
        EvidenceKind::Components,
    ),
    (
        "cargo_cyclonedx_xml",
        "tests/fixtures/cargo-cyclonedx/pump-firmware-tools.cdx14.xml",
        EvidenceKind::Components,
    ),
    (
        "cyclonedx_npm_json",
        "tests/fixtures/cyclonedx-npm/cyclonedx-npm.cdx.json",
        EvidenceKind::Components,
    ),
    (
        "cyclonedx_npm_xml",
        "tests/fixtures/cyclonedx-npm/cyclonedx-npm.cdx.xml",
        EvidenceKind::Components,
    ),
    (
        "npm_sbom_cyclonedx",
        "tests/fixtures/npm-sbom/npm-sbom.cdx.json",
        EvidenceKind::Components,
    ),
    (
        "npm_sbom_spdx",
        "tests/fixtures/npm-sbom/npm-sbom.spdx.json",
        EvidenceKind::Components,
    ),
    (
        "cargo_audit",
        "tests/fixtures/cargo-audit/cargo-audit.json",
        EvidenceKind::Vulnerabilities,
    ),
    (
        "pip_audit_unreachable",
        "tests/fixtures/pip-audit-unreachable/pip-audit.json",
        EvidenceKind::Vulnerabilities,
    ),
];

#[test]
fn real_tool_output_normalises_to_its_snapshot() {
    for (name, path, kind) in REAL_TOOL_OUTPUT {
        let evidence = load(
            &[Input {
                path: repo(path),
                display: path.to_string(),
                kind: *kind,
                format: None,
            }],
            &Options::default(),
        )
        .unwrap_or_else(|e| panic!("{path}: {e}"));
        insta::assert_json_snapshot!(*name, evidence);
    }
}
