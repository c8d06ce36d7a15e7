//! What the fuzz targets share: options, a parser per format family, and the
//! properties every normaliser must keep whatever bytes it is given.
//!
//! Properties checked (a violated one aborts, so libFuzzer saves the input):
//!
//! * No panic, no hang, bounded memory (the last two through libFuzzer's
//!   `-timeout` and `-rss_limit_mb`).
//! * The result does not depend on how the input arrives: parsing from one
//!   contiguous buffer and from a reader handing out a few bytes at a time
//!   gives the same records, warnings and error (message and position).
//!   Streaming parsers are where chunk-boundary bugs live.
//! * Output keeps the model's documented contracts: covered ≤ total for lines
//!   and branches, `security-severity` and CVSS scores within 0–10, test
//!   messages cut to 500 characters, every record naming its evidence file.

use std::io::{BufRead, BufReader};
use std::sync::LazyLock;

use regops_evidence::formats::{self, ParseContext};
use regops_evidence::{Evidence, Options};

/// The display path given to every record.
pub const EVIDENCE_PATH: &str = "fuzz/input";

/// Built once: the default requirement pattern compiles a regex.
pub static OPTIONS: LazyLock<Options> = LazyLock::new(Options::default);

/// The parser families with a dedicated target.
#[derive(Debug, Clone, Copy)]
pub enum Family {
    Junit,
    Cobertura,
    Sarif,
    PipAudit,
}

/// What one parse produced, comparable across runs.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub evidence: Evidence,
    pub warnings: Vec<String>,
    /// The error's message and position, rendered.
    pub error: Option<String>,
}

/// Parses `input` as `family`, reading through `reader`.
pub fn parse_with(family: Family, reader: &mut dyn BufRead) -> Outcome {
    let mut ctx = ParseContext {
        evidence_path: EVIDENCE_PATH,
        options: &OPTIONS,
        warnings: Vec::new(),
    };
    let mut evidence = Evidence::default();
    let result = match family {
        Family::Junit => formats::junit::parse(reader, &mut ctx, &mut evidence.tests),
        Family::Cobertura => formats::cobertura::parse(reader, &mut ctx, &mut evidence.coverage),
        Family::Sarif => formats::sarif::parse(reader, &mut ctx, &mut evidence.findings),
        Family::PipAudit => {
            formats::pip_audit::parse(reader, &mut ctx, &mut evidence.vulnerabilities)
        }
    };
    Outcome {
        evidence,
        warnings: ctx.warnings,
        error: result.err().map(|e| format!("{:?}: {}", e.at, e.message)),
    }
}

/// The per-family target: parse whole and chunked, compare, check contracts.
pub fn check_family(family: Family, data: &[u8]) {
    let whole = parse_with(family, &mut &data[..]);
    check_contracts(&whole.evidence);
    // A capacity of at least 3 bytes so the BOM check in the XML reader sees a
    // whole BOM in its first fill, as it always does behind the loader's
    // 64 KiB buffer; the chunk size varies with the input to move boundaries.
    let capacity = 3 + data.len() % 13;
    let chunked = parse_with(family, &mut BufReader::with_capacity(capacity, data));
    assert_eq!(
        whole, chunked,
        "{family:?}: parsing from one buffer and from {capacity}-byte chunks differ"
    );
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
