//! What the fuzz targets share: options, one check for every format
//! ([`check_format`]), and the properties every normaliser must keep
//! whatever bytes it is given.
//!
//! Properties checked (a violated one aborts, so libFuzzer saves the input):
//!
//! * No panic, no hang, bounded memory (the last two through libFuzzer's
//!   `-timeout` and `-rss_limit_mb`).
//! * The result does not depend on how the input arrives: parsing from one
//!   contiguous buffer and from a reader handing out a few bytes at a time
//!   gives the same records, warnings and error (message and position).
//!   Streaming parsers are where chunk-boundary bugs live.
//! * Error positions are 1-based and within the input; a parser asked for
//!   one kind of evidence produces only records of that kind.
//! * Output keeps the model's documented contracts: covered ≤ total for lines
//!   and branches, `security-severity` and CVSS scores within 0–10, no score
//!   behind an unknown severity, test messages cut to 500 characters, every
//!   record naming its evidence file.
//! * And what some formats promise: one record per path for LCOV and
//!   JaCoCo, consistent branch data, SBOM direct flags consistent with the
//!   dependency graph's warning.

use std::io::{BufRead, BufReader};
use std::sync::LazyLock;

use regops_evidence::error::At;
use regops_evidence::formats::{self, ParseContext};
use regops_evidence::{Component, Evidence, EvidenceKind, Format, Options, Severity};

/// The display path given to every record.
pub const EVIDENCE_PATH: &str = "fuzz/input";

/// Built once: the default requirement pattern compiles a regex.
pub static OPTIONS: LazyLock<Options> = LazyLock::new(Options::default);

/// What one parse produced, comparable across runs.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub evidence: Evidence,
    pub warnings: Vec<String>,
    /// The error's message and position, rendered.
    pub error: Option<String>,
}

/// Parses the input behind `reader` as `format`, for evidence of `kind`
/// (one the format [accepts](Format::accepts)), through the loader's own
/// dispatch ([`formats::parse`]), so every format is reached the same way.
/// Checks on the way that an error's position lies within the input of
/// `len` bytes and is 1-based.
pub fn parse_with(
    format: Format,
    kind: EvidenceKind,
    reader: &mut dyn BufRead,
    len: usize,
) -> Outcome {
    let mut ctx = ParseContext {
        evidence_path: EVIDENCE_PATH,
        options: &OPTIONS,
        warnings: Vec::new(),
    };
    let mut evidence = Evidence::default();
    let result = formats::parse(format, kind, reader, &mut ctx, &mut evidence);
    if let Err(e) = &result {
        check_position(format, e.at, len);
    }
    Outcome {
        evidence,
        warnings: ctx.warnings,
        error: result.err().map(|e| format!("{:?}: {}", e.at, e.message)),
    }
}

/// Whether the format's parser consumes its input piece by piece (XML
/// events, LCOV and Go coverage profile lines, CSV records, SPDX 3's
/// `@graph` elements), where chunk
/// boundaries matter. The JSON formats read the whole document into memory
/// first (`read_json`), so reading them twice would only halve the speed.
pub fn streams(format: Format) -> bool {
    matches!(
        format,
        Format::Junit
            | Format::RobotOutput
            | Format::CppUnit
            | Format::QtTestXml
            | Format::Trx
            | Format::NunitXml
            | Format::XunitXml
            | Format::TestngXml
            | Format::Spdx3Json
            | Format::Cobertura
            | Format::Jacoco
            | Format::SonarCoverage
            | Format::CycloneDxXml
            | Format::Lcov
            | Format::GoCoverprofile
            | Format::SoupCsv
    )
}

/// The per-format target: `data` parsed as `format` under every kind the
/// format is accepted for (CycloneDX: components, vulnerabilities and VEX);
/// for a streaming parser, parsed again from small chunks and compared; the
/// model's contracts and the format's own invariants checked on the result.
pub fn check_format(format: Format, data: &[u8]) {
    for &kind in EvidenceKind::ALL.iter().filter(|k| format.accepts(**k)) {
        let whole = parse_with(format, kind, &mut &data[..], data.len());
        check_contracts(&whole.evidence);
        check_kind(format, kind, &whole.evidence);
        check_format_invariants(format, kind, &whole);
        if streams(format) {
            // A capacity of at least 3 bytes so the BOM check in the XML
            // reader sees a whole BOM in its first fill, as it always does
            // behind the loader's 64 KiB buffer; the chunk size varies with
            // the input to move boundaries. `Trickle` keeps the pieces that
            // small for readers that buffer again behind this one (the XML
            // reader does), which would otherwise read around the buffer.
            let capacity = 3 + data.len() % 13;
            let chunked = parse_with(
                format,
                kind,
                &mut BufReader::with_capacity(
                    capacity,
                    regops_evidence::testing::Trickle::new(data, capacity),
                ),
                data.len(),
            );
            assert_eq!(
                whole, chunked,
                "{format} as {kind}: parsing from one buffer and from {capacity}-byte chunks differ"
            );
        }
    }
}

/// Error positions are 1-based (finding 1: serde_json's column 0 at the
/// start of a line), and a byte offset lies within the input.
pub fn check_position(format: Format, at: At, len: usize) {
    match at {
        At::LineColumn(line, column) => {
            assert!(
                line >= 1 && column >= 1,
                "{format}: error at line {line}, column {column}; both are 1-based"
            );
        }
        At::Offset(offset) => assert!(
            offset <= len as u64,
            "{format}: error at byte {offset} of a {len}-byte input"
        ),
        At::File => {}
    }
}

/// A parser asked for `kind` fills only that kind's records.
pub fn check_kind(format: Format, kind: EvidenceKind, evidence: &Evidence) {
    let filled = [
        (EvidenceKind::Tests, evidence.tests.len()),
        (EvidenceKind::Coverage, evidence.coverage.len()),
        (EvidenceKind::Findings, evidence.findings.len()),
        (EvidenceKind::Components, evidence.components.len()),
        (
            EvidenceKind::Vulnerabilities,
            evidence.vulnerabilities.len(),
        ),
        (EvidenceKind::Vex, evidence.vex.len()),
        (EvidenceKind::Soup, evidence.soup.len()),
    ];
    for (k, n) in filled {
        assert!(
            k == kind || n == 0,
            "{format} as {kind} produced {n} {k} record(s)"
        );
    }
    assert!(
        evidence.files.is_empty(),
        "{format}: a parser listed a file"
    );
}

/// What only some formats promise, beyond [`check_contracts`].
fn check_format_invariants(format: Format, kind: EvidenceKind, outcome: &Outcome) {
    let evidence = &outcome.evidence;
    match format {
        // JaCoCo always measures branches; LCOV gives every file branches
        // as soon as one record has branch data.
        Format::Jacoco => {
            for c in &evidence.coverage {
                assert!(c.branches.is_some(), "jacoco: {} without branches", c.path);
            }
        }
        Format::Lcov => {
            let with = evidence
                .coverage
                .iter()
                .filter(|c| c.branches.is_some())
                .count();
            assert!(
                with == 0 || with == evidence.coverage.len(),
                "lcov: {with} of {} files have branches",
                evidence.coverage.len()
            );
        }
        _ => {}
    }
    if matches!(format, Format::Lcov | Format::Jacoco) {
        // One record per path: records of the same file are merged.
        let mut paths: Vec<&str> = evidence.coverage.iter().map(|c| c.path.as_str()).collect();
        paths.sort_unstable();
        let n = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), n, "{format}: a path reported twice");
    }
    if kind == EvidenceKind::Components {
        check_dependency_graph(format, &evidence.components, &outcome.warnings);
    }
}

/// Direct versus transitive from the dependency graph (`formats::sbom`):
/// a component the graph leaves unknown while others are placed is counted
/// in the one "not connected" warning, whose count is exactly the number of
/// components left unknown (for in-toto, per attestation: see below).
fn check_dependency_graph(format: Format, components: &[Component], warnings: &[String]) {
    const NOT_CONNECTED: &str = " component(s) are not connected to the product";
    let unknown = components.iter().filter(|c| c.direct.is_none()).count();
    let placed = components.len() - unknown;
    let counted: Vec<&str> = warnings
        .iter()
        // The count is the word before it (an attestation's warning starts
        // `attestation N: `).
        .filter_map(|w| {
            w.find(NOT_CONNECTED)
                .and_then(|i| w[..i].rsplit(' ').next())
        })
        .collect();
    if format == Format::InToto {
        // One SBOM per attestation, and a file may hold several (JSON
        // lines): each predicate's reader warns of its own graph, and one
        // without a graph leaves all its components unknown unwarned. So
        // only: the warnings count no more than are unknown.
        let sum: usize = counted
            .iter()
            .map(|n| {
                n.parse::<usize>()
                    .unwrap_or_else(|_| panic!("{format}: not-connected warning counts {n:?}"))
            })
            .sum();
        assert!(
            sum <= unknown,
            "{format}: the warnings count {sum} unconnected components, {unknown} have no direct flag"
        );
        return;
    }
    assert!(
        counted.len() <= 1,
        "{format}: {counted:?} not-connected warnings"
    );
    match counted.first() {
        Some(n) => assert_eq!(
            *n,
            unknown.to_string(),
            "{format}: the warning counts {n} unconnected components, {unknown} have no direct flag"
        ),
        None => assert!(
            placed == 0 || unknown == 0,
            "{format}: {unknown} component(s) without a direct flag beside {placed} placed, and no warning"
        ),
    }
}

/// Contracts of the model that hold for every successfully parsed record.
pub fn check_contracts(evidence: &Evidence) {
    for t in &evidence.tests {
        assert_eq!(t.evidence, EVIDENCE_PATH);
        if let Some(m) = &t.message {
            // 500 characters, plus the ellipsis that marks a cut.
            assert!(m.chars().count() <= 501, "test message not cut: {m:?}");
        }
    }
    for c in &evidence.coverage {
        assert_eq!(c.evidence, EVIDENCE_PATH);
        assert!(
            c.lines.covered <= c.lines.total,
            "{}: {} of {} lines covered",
            c.path,
            c.lines.covered,
            c.lines.total
        );
        if let Some(b) = c.branches {
            assert!(
                b.covered <= b.total,
                "{}: {} of {} branches covered",
                c.path,
                b.covered,
                b.total
            );
        }
    }
    for f in &evidence.findings {
        assert_eq!(f.evidence, EVIDENCE_PATH);
        if let Some(s) = f.security_severity {
            assert!((0.0..=10.0).contains(&s), "security-severity {s}");
        }
    }
    for v in &evidence.vulnerabilities {
        assert_eq!(v.evidence, EVIDENCE_PATH);
        if let Some(s) = v.cvss_score {
            assert!((0.0..=10.0).contains(&s), "CVSS score {s}");
        }
        // The severity rule (`formats::vuln`) gives `unknown` only when
        // nothing, not even a score, was stated.
        assert!(
            v.severity != Severity::Unknown || v.cvss_score.is_none(),
            "{}: unknown severity with CVSS score {:?}",
            v.id,
            v.cvss_score
        );
        if let Some(a) = &v.assessment {
            assert_eq!(a.evidence, EVIDENCE_PATH);
        }
    }
    for s in &evidence.vex {
        assert_eq!(s.assessment.evidence, EVIDENCE_PATH);
    }
    for c in &evidence.components {
        assert_eq!(c.evidence, EVIDENCE_PATH);
    }
}

/// A file in a per-process directory that each input overwrites, for the
/// targets that go through [`regops_evidence::load`] (which reads paths).
pub fn scratch_file(data: &[u8]) -> std::path::PathBuf {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(|| {
        let dir = std::env::temp_dir().join(format!("regops-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        dir
    });
    let path = DIR.join("input");
    std::fs::write(&path, data).expect("write the scratch file");
    path
}

/// Lowercase hex SHA-256, to check the loader's digest.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
