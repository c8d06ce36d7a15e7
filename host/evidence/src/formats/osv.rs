//! OSV-Scanner JSON (`osv-scanner --format json`, v1 and v2).
//!
//! Shape: `{"results": [{"source": {path, type}, "packages": [{"package":
//! {name, version, ecosystem}, "vulnerabilities": [<OSV entries>], "groups":
//! [{ids, aliases, max_severity}]}]}]}`. Each result (one lockfile or
//! directory) is read whole into compact structs (descriptions and
//! references are skipped).
//!
//! One [`Vulnerability`] per (package, group): OSV-Scanner lists the same
//! vulnerability once per database that knows it (a GHSA and a RUSTSEC
//! entry, say) and ties them together in `groups[].ids`. The record's id is
//! the group's first id; `aliases` are its other ids and every `aliases`
//! entry of the OSV entries in the group. Without `groups` (old versions),
//! each OSV entry is its own group. Entries that no group names get a group
//! of their own.
//!
//! * `package`, `version` from `package`; purl from `package.purl` when
//!   given, else built from the ecosystem (`crates.io` → `pkg:cargo`, `PyPI`
//!   → `pkg:pypi`, `npm`, `Go`, `Maven`, `RubyGems`, `NuGet`, `Packagist`,
//!   `Pub`, `Hex`; distribution ecosystems get none).
//! * Severity ([`super::vuln`]): the highest of the CVSS vectors in
//!   `severity[] {type, score}` of every entry in the group (`CVSS_V3`,
//!   `CVSS_V4`), their `database_specific.severity` words (GHSA writes
//!   `MODERATE`) and the group's `max_severity` (a numeric string, the
//!   highest score OSV-Scanner found).
//! * `fixed_versions`: the `fixed` events of `affected[].ranges[]` (not of
//!   `GIT` ranges, whose events are commits) of the
//!   `affected[]` entries for this package (name and ecosystem, compared
//!   without case; all entries when none names it), duplicates dropped.
//! * `scanner` is `osv-scanner`; the report has no database time.
//!
//! Refused: a report without a `results` array.

use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::vuln::{
    Score, SeverityInput, SeverityJudge, Text, null_default, present_list, purl_for, push_alias,
    push_unique,
};
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let report: RawReport = super::read_json_document(reader)?;
    let Some(results) = report.results else {
        return Err(FormatError::whole_file(
            "expected a \"results\" array (osv-scanner --format json), found none",
        ));
    };
    let mut judge = SeverityJudge::default();
    for result in results {
        for package in result.packages {
            convert(package, ctx.evidence_path, &mut judge, out);
        }
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

fn convert(
    package: RawPackageVulns,
    evidence: &str,
    judge: &mut SeverityJudge,
    out: &mut Vec<Vulnerability>,
) {
    let info = package.package;
    let name = Text::or_empty(&info.name);
    let version = Text::opt(&info.version);
    let ecosystem = info
        .ecosystem
        .as_ref()
        .map(|e| e.0.clone())
        .unwrap_or_default();
    let purl = info
        .purl
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| {
            purl_for(
                ecosystem.split(':').next().unwrap_or(""),
                &name,
                version.as_deref(),
            )
        });

    // Groups of entry indices.
    let vulns = package.vulnerabilities;
    let mut grouped = vec![false; vulns.len()];
    let mut groups: Vec<(Vec<String>, Vec<usize>, Option<f64>)> = Vec::new();
    for g in &package.groups {
        let ids: Vec<String> = g
            .ids
            .iter()
            .filter_map(|i| i.non_empty().map(str::to_string))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let members: Vec<usize> = vulns
            .iter()
            .enumerate()
            .filter(|(_, v)| {
                v.id.as_ref()
                    .and_then(Text::non_empty)
                    .is_some_and(|id| ids.iter().any(|g| g.eq_ignore_ascii_case(id)))
            })
            .map(|(i, _)| i)
            .collect();
        for &i in &members {
            if let Some(slot) = grouped.get_mut(i) {
                *slot = true;
            }
        }
        let mut all_ids = ids;
        for a in &g.aliases {
            if let Some(a) = a.non_empty() {
                push_unique(&mut all_ids, a);
            }
        }
        groups.push((all_ids, members, g.max_severity.0));
    }
    for (i, v) in vulns.iter().enumerate() {
        if grouped.get(i) == Some(&false)
            && let Some(id) = v.id.as_ref().and_then(Text::non_empty)
        {
            groups.push((vec![id.to_string()], vec![i], None));
        }
    }

    for (ids, members, max_severity) in groups {
        let Some(id) = ids.first().cloned() else {
            continue;
        };
        let entries: Vec<&RawOsv> = members.iter().filter_map(|&i| vulns.get(i)).collect();
        let mut aliases = Vec::new();
        for other in ids.iter().skip(1) {
            push_alias(&mut aliases, other, &id);
        }
        for e in &entries {
            if let Some(eid) = e.id.as_ref().and_then(Text::non_empty) {
                push_alias(&mut aliases, eid, &id);
            }
            for a in &e.aliases {
                push_alias(&mut aliases, a, &id);
            }
        }
        let mut vectors = Vec::new();
        for kind in ["CVSS_V3", "CVSS_V4"] {
            for e in &entries {
                for s in &e.severity {
                    if s.kind
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case(kind))
                        && let Some(score) = s.score.as_deref()
                    {
                        vectors.push(score);
                    }
                }
            }
        }
        let words = entries
            .iter()
            .filter_map(|e| e.database_specific.as_ref()?.severity.as_ref()?.as_str())
            .collect();
        let (severity, cvss_score) = judge.judge(
            &id,
            &SeverityInput {
                vectors,
                words,
                highest_score: max_severity,
                ..SeverityInput::default()
            },
        );
        let mut fixed = Vec::new();
        for e in &entries {
            let matching: Vec<&RawAffected> =
                e.affected
                    .iter()
                    .filter(|a| {
                        a.package.as_ref().is_some_and(|p| {
                            p.name
                                .as_ref()
                                .is_some_and(|n| n.0.trim().eq_ignore_ascii_case(&name))
                                && p.ecosystem.as_ref().is_none_or(|eco| {
                                    eco.0.split(':').next().unwrap_or("").eq_ignore_ascii_case(
                                        ecosystem.split(':').next().unwrap_or(""),
                                    )
                                })
                        })
                    })
                    .collect();
            let affected: Vec<&RawAffected> = if matching.is_empty() {
                e.affected.iter().collect()
            } else {
                matching
            };
            for a in affected {
                // A GIT range's events are commits, not versions of the package.
                let version_ranges = a.ranges.iter().filter(|r| {
                    !r.kind
                        .as_deref()
                        .is_some_and(|k| k.trim().eq_ignore_ascii_case("GIT"))
                });
                for r in version_ranges {
                    for ev in &r.events {
                        if let Some(f) = ev.fixed.as_ref().and_then(Text::non_empty) {
                            push_unique(&mut fixed, f);
                        }
                    }
                }
            }
        }
        out.push(Vulnerability {
            id,
            aliases,
            package: name.clone(),
            version: version.clone(),
            purl: purl.clone(),
            severity,
            cvss_score,
            fixed_versions: fixed,
            scanner: "osv-scanner".to_string(),
            database_time: None,
            assessment: None,
            evidence: evidence.to_string(),
        });
    }
}

#[derive(Deserialize)]
struct RawReport {
    #[serde(default, deserialize_with = "present_list")]
    results: Option<Vec<RawResult>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawResult {
    #[serde(deserialize_with = "null_default")]
    packages: Vec<RawPackageVulns>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPackageVulns {
    package: RawPackageInfo,
    #[serde(deserialize_with = "null_default")]
    vulnerabilities: Vec<RawOsv>,
    #[serde(deserialize_with = "null_default")]
    groups: Vec<RawGroup>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPackageInfo {
    name: Option<Text>,
    version: Option<Text>,
    ecosystem: Option<Text>,
    purl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawGroup {
    #[serde(deserialize_with = "null_default")]
    ids: Vec<Text>,
    #[serde(deserialize_with = "null_default")]
    aliases: Vec<Text>,
    max_severity: Score,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawOsv {
    id: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    aliases: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    severity: Vec<RawSeverity>,
    #[serde(deserialize_with = "null_default")]
    affected: Vec<RawAffected>,
    database_specific: Option<RawDatabaseSpecific>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: Option<String>,
    score: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDatabaseSpecific {
    /// Free-form in OSV; GHSA and most databases write a word.
    severity: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAffected {
    package: Option<RawAffectedPackage>,
    #[serde(deserialize_with = "null_default")]
    ranges: Vec<RawRange>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAffectedPackage {
    name: Option<Text>,
    ecosystem: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRange {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(deserialize_with = "null_default")]
    events: Vec<RawEvent>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEvent {
    fixed: Option<Text>,
}
