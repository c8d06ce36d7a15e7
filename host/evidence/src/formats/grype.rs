//! Grype JSON (`grype -o json`).
//!
//! Shape: `{"matches": [{"vulnerability": {...}, "relatedVulnerabilities":
//! [...], "matchDetails": [...], "artifact": {...}}], "source": {...},
//! "distro": {...}, "descriptor": {"name", "version", "db": {...}}}`, read
//! into compact structs (descriptions, URLs and match details are skipped).
//!
//! One [`Vulnerability`] per match:
//!
//! * `id` from `vulnerability.id`; `aliases` are the ids of
//!   `relatedVulnerabilities[]` (Grype relates a GHSA to its CVE).
//! * `package`, `version`, `purl` from `artifact`.
//! * Severity ([`super::vuln`]): the highest of the `vulnerability.severity`
//!   word (`Negligible` is none) and the vectors of `vulnerability.cvss[]`
//!   (those of the related vulnerabilities when it has none); without a
//!   vector, the first `metrics.baseScore` (`Primary` entries first).
//! * `fixed_versions` from `vulnerability.fix.versions`.
//! * `scanner` is `descriptor.name` (else `grype`); `database_time` is the
//!   vulnerability database's build time, `descriptor.db.built` (schema v5)
//!   or `descriptor.db.status.built` (schema v6). The descriptor comes after
//!   the matches, which does not matter: the document is read whole.
//!
//! Refused: a report without a `matches` array.

use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::vuln::{Score, SeverityInput, SeverityJudge, Text, null_default, push_alias};
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let report: RawReport = super::read_json_document(reader)?;
    let Some(matches) = report.matches else {
        return Err(FormatError::whole_file(
            "expected a \"matches\" array (grype -o json), found none",
        ));
    };
    let descriptor = report.descriptor.unwrap_or_default();
    let scanner = descriptor
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("grype")
        .to_string();
    let database_time = descriptor.db.and_then(|db| {
        db.built
            .or_else(|| db.status.and_then(|s| s.built))
            .map(|b| b.trim().to_string())
            .filter(|b| !b.is_empty())
    });
    let mut judge = SeverityJudge::default();
    for m in matches.into_iter().flatten() {
        let v = m.vulnerability;
        let id =
            v.id.as_ref()
                .and_then(Text::non_empty)
                .unwrap_or("(no id)")
                .to_string();
        let mut aliases = Vec::new();
        for r in &m.related {
            if let Some(rid) = r.id.as_ref().and_then(Text::non_empty) {
                push_alias(&mut aliases, rid, &id);
            }
        }
        let primary = |c: &&RawCvss| {
            c.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("primary"))
        };
        let own: Vec<&RawCvss> = v
            .cvss
            .iter()
            .filter(primary)
            .chain(v.cvss.iter().filter(|c| !primary(c)))
            .collect();
        let related: Vec<&RawCvss> = m.related.iter().flat_map(|r| r.cvss.iter()).collect();
        // Grype rates a match by its own record; the related ones (the CVE
        // behind a GHSA) count only when that gives no vector.
        let own_vectors: Vec<&str> = own.iter().filter_map(|c| c.vector.as_deref()).collect();
        let vectors = if own_vectors.is_empty() {
            related.iter().filter_map(|c| c.vector.as_deref()).collect()
        } else {
            own_vectors
        };
        let score = own
            .iter()
            .chain(related.iter())
            .find_map(|c| c.metrics.as_ref().and_then(|m| m.base_score.0));
        let (severity, cvss_score) = judge.judge(
            &id,
            &SeverityInput {
                vectors,
                words: v.severity.as_deref().into_iter().collect(),
                score,
                ..SeverityInput::default()
            },
        );
        let artifact = m.artifact;
        out.push(Vulnerability {
            id,
            aliases,
            package: artifact
                .name
                .map(|n| n.0.trim().to_string())
                .unwrap_or_default(),
            version: Text::opt(&artifact.version),
            purl: artifact
                .purl
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
            severity,
            cvss_score,
            fixed_versions: v
                .fix
                .map(|f| {
                    f.versions
                        .into_iter()
                        .map(|x| x.0.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            scanner: scanner.clone(),
            database_time: database_time.clone(),
            assessment: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

#[derive(Deserialize)]
struct RawReport {
    #[serde(default)]
    matches: Option<Vec<Option<RawMatch>>>,
    descriptor: Option<RawDescriptor>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMatch {
    vulnerability: RawVuln,
    #[serde(rename = "relatedVulnerabilities", deserialize_with = "null_default")]
    related: Vec<RawVuln>,
    artifact: RawArtifact,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVuln {
    id: Option<Text>,
    severity: Option<String>,
    #[serde(deserialize_with = "null_default")]
    cvss: Vec<RawCvss>,
    fix: Option<RawFix>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCvss {
    #[serde(rename = "type")]
    kind: Option<String>,
    vector: Option<String>,
    metrics: Option<RawMetrics>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMetrics {
    #[serde(rename = "baseScore")]
    base_score: Score,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFix {
    #[serde(deserialize_with = "null_default")]
    versions: Vec<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawArtifact {
    name: Option<Text>,
    version: Option<Text>,
    purl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDescriptor {
    name: Option<String>,
    db: Option<RawDb>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDb {
    built: Option<String>,
    status: Option<RawDbStatus>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDbStatus {
    built: Option<String>,
}
