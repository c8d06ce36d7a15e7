//! npm audit JSON, report version 2 (`npm audit --json`, npm 7 and later).
//!
//! Shape: `{"auditReportVersion": 2, "vulnerabilities": {"<package>":
//! {name, severity, isDirect, via: [...], effects, range, nodes,
//! fixAvailable}}, "metadata": {...}}`.
//!
//! A package's `via[]` holds two kinds of item: an advisory object
//! (`{source, name, dependency, title, url, severity, cwe, cvss: {score,
//! vectorString}, range}`), and a package name string saying the package is
//! vulnerable only because it depends on that one. Strings are causal links,
//! not vulnerabilities: only advisory objects become records, one
//! [`Vulnerability`] per (package, advisory `source`), so a transitive chain
//! is not counted once per link.
//!
//! * `id`: the GitHub advisory id ending the advisory's `url`
//!   (`https://github.com/advisories/GHSA-...`), else `npm-<source>`.
//! * `package`: the advisory's `name` (else the entry's); `version` is
//!   `None`, because npm's report gives only the vulnerable `range`, not the
//!   installed version; `purl` is `pkg:npm/<name>` without a version.
//! * Severity ([`super::vuln`]): `cvss.vectorString` (npm writes `""` or
//!   `null` when there is none), else the advisory's `severity` word
//!   (`moderate` is medium, `info` is none) with `cvss.score` (`0` is read
//!   as no score when there is no vector), else the entry's `severity`.
//! * `fixed_versions`: the version of `fixAvailable` when it is an object
//!   naming this same package; `fixAvailable: true` (a fix within the
//!   declared range) and fixes through another package name no version.
//! * `scanner` is `npm audit`; no database time.
//!
//! Refused: `auditReportVersion` other than 2 (npm 6's version 1 report has
//! `advisories` instead; run a newer npm), a report without it.

use std::collections::HashSet;
use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::vuln::{Score, SeverityInput, SeverityJudge, Text, null_default, ordered_map, purl_for};
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let report: RawReport = super::read_json_document(reader)?;
    match report.version.as_ref().and_then(Text::non_empty) {
        Some("2") => {}
        Some(v) => {
            return Err(FormatError::whole_file(format!(
                "npm audit report version {v} is not supported; regops reads auditReportVersion 2 (npm 7 and later)"
            )));
        }
        None => {
            return Err(FormatError::whole_file(
                "no \"auditReportVersion\"; expected npm audit --json output from npm 7 or later",
            ));
        }
    }
    let mut judge = SeverityJudge::default();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (key, entry) in report.vulnerabilities {
        let entry_name = entry
            .name
            .as_ref()
            .and_then(Text::non_empty)
            .unwrap_or(&key)
            .to_string();
        for via in entry.via {
            let Via::Advisory(a) = via else {
                continue;
            };
            let name = a
                .name
                .as_ref()
                .and_then(Text::non_empty)
                .unwrap_or(&entry_name)
                .to_string();
            let source = Text::or_empty(&a.source);
            let url_id = a
                .url
                .as_deref()
                .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
                .filter(|s| s.starts_with("GHSA-"))
                .map(str::to_string);
            let id = url_id
                .or_else(|| (!source.is_empty()).then(|| format!("npm-{source}")))
                .unwrap_or_else(|| "(no id)".to_string());
            if !seen.insert((
                name.clone(),
                if source.is_empty() {
                    id.clone()
                } else {
                    source
                },
            )) {
                continue;
            }
            let cvss = a.cvss.unwrap_or_default();
            let vector = cvss
                .vector
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty());
            let score = cvss.score.0.filter(|s| vector.is_some() || *s > 0.0);
            let (severity, cvss_score) = judge.judge(
                &id,
                &SeverityInput {
                    vectors: vector.into_iter().collect(),
                    words: a
                        .severity
                        .as_deref()
                        .or(entry.severity.as_deref())
                        .into_iter()
                        .collect(),
                    score,
                    ..SeverityInput::default()
                },
            );
            let fixed_versions = match &entry.fix_available {
                Some(FixAvailable::Fix(f))
                    if f.name.as_deref().is_some_and(|n| n.trim() == name) =>
                {
                    f.version
                        .as_ref()
                        .and_then(Text::non_empty)
                        .map(|v| vec![v.to_string()])
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            };
            out.push(Vulnerability {
                id,
                aliases: Vec::new(),
                purl: purl_for("npm", &name, None),
                package: name,
                version: None,
                severity,
                cvss_score,
                fixed_versions,
                scanner: "npm audit".to_string(),
                database_time: None,
                assessment: None,
                evidence: ctx.evidence_path.to_string(),
            });
        }
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

#[derive(Deserialize)]
struct RawReport {
    #[serde(rename = "auditReportVersion")]
    version: Option<Text>,
    #[serde(default, deserialize_with = "ordered_map")]
    vulnerabilities: Vec<(String, RawEntry)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEntry {
    name: Option<Text>,
    severity: Option<String>,
    #[serde(deserialize_with = "null_default")]
    via: Vec<Via>,
    #[serde(rename = "fixAvailable")]
    fix_available: Option<FixAvailable>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Via {
    /// A dependency through which the package is vulnerable.
    Package(#[allow(dead_code)] String),
    Advisory(RawAdvisory),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAdvisory {
    source: Option<Text>,
    name: Option<Text>,
    url: Option<String>,
    severity: Option<String>,
    cvss: Option<RawCvss>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCvss {
    score: Score,
    #[serde(rename = "vectorString")]
    vector: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FixAvailable {
    Flag(#[allow(dead_code)] bool),
    Fix(RawFix),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFix {
    name: Option<String>,
    version: Option<Text>,
}
