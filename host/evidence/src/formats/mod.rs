//! One module per evidence format. Each exposes
//! `parse(reader, ctx, evidence) -> Result<(), FormatError>`, streaming its
//! records into the shared [`Evidence`].

use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::error::FormatError;
use crate::{Evidence, EvidenceKind, Options};

pub mod cobertura;
pub mod junit;
pub mod pip_audit;
pub mod sarif;
mod xml;

/// Every format regops reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// JUnit XML, any common dialect.
    Junit,
    /// Cobertura XML coverage.
    Cobertura,
    /// SARIF 2.1.0.
    Sarif,
    /// pip-audit `--format json`.
    PipAudit,
}

impl Format {
    pub const ALL: &[Format] = &[
        Format::Junit,
        Format::Cobertura,
        Format::Sarif,
        Format::PipAudit,
    ];

    /// The name used by `--as` and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Junit => "junit",
            Format::Cobertura => "cobertura",
            Format::Sarif => "sarif",
            Format::PipAudit => "pip-audit",
        }
    }

    /// The kind of evidence the format carries.
    pub fn kind(self) -> EvidenceKind {
        match self {
            Format::Junit => EvidenceKind::Tests,
            Format::Cobertura => EvidenceKind::Coverage,
            Format::Sarif => EvidenceKind::Findings,
            Format::PipAudit => EvidenceKind::Vulnerabilities,
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The formats accepted for a kind, for error messages.
    pub fn names_for(kind: EvidenceKind) -> String {
        let names: Vec<&str> = Format::ALL
            .iter()
            .filter(|f| f.kind() == kind)
            .map(|f| f.name())
            .collect();
        if names.is_empty() {
            "none yet".to_string()
        } else {
            names.join(", ")
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a parser knows about the file it reads.
pub struct ParseContext<'a> {
    /// The file's display path, stored in each record's `evidence` field.
    pub evidence_path: &'a str,
    pub options: &'a Options,
    /// Inconsistencies resolved while parsing, reported to the user.
    pub warnings: Vec<String>,
}

pub(crate) fn parse(
    format: Format,
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    evidence: &mut Evidence,
) -> Result<(), FormatError> {
    match format {
        Format::Junit => junit::parse(reader, ctx, &mut evidence.tests),
        Format::Cobertura => cobertura::parse(reader, ctx, &mut evidence.coverage),
        Format::Sarif => sarif::parse(reader, ctx, &mut evidence.findings),
        Format::PipAudit => pip_audit::parse(reader, ctx, &mut evidence.vulnerabilities),
    }
}

/// At most `max` characters of `s`, cut on a character boundary.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}
