//! JavaScript package-manager audit reports: npm audit JSON (report
//! version 2 of npm 7 and later, and version 1 of npm 6, which pnpm writes
//! too), the JSON lines of `yarn audit --json` (yarn 1) and `yarn npm audit
//! --json` (yarn 2 and later), and `bun audit --json`.
//!
//! **Report version 2** (`npm audit --json`, npm 7+): `{"auditReportVersion":
//! 2, "vulnerabilities": {"<package>": {name, severity, isDirect, via: [...],
//! effects, range, nodes, fixAvailable}}, "metadata": {...}}`.
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
//!
//! **Report version 1** (`npm audit --json` of npm 6, `pnpm audit --json`):
//! `{"actions": [...], "advisories": {"<id>": {id, module_name, severity,
//! github_advisory_id, cves, cvss, url, patched_versions, findings:
//! [{version, paths}]}}, "muted": [], "metadata": {...}}`. yarn 1 writes the
//! same advisory objects, one JSON line per dependency path: `{"type":
//! "auditAdvisory", "data": {"resolution": {...}, "advisory": {...}}}`, then
//! an `auditSummary` line. Unlike version 2 these name the installed
//! versions, so one record per (advisory, installed version in `findings`):
//!
//! * `id`: `github_advisory_id`, else the GHSA id ending `url`, else
//!   `npm-<id>`; `aliases` are the `cves`.
//! * `package` is `module_name`, `version` the finding's, `purl`
//!   `pkg:npm/<name>@<version>`; an advisory without findings gives one
//!   record without a version.
//! * Severity as in version 2, from the advisory's `cvss` and `severity`.
//! * `fixed_versions`: the version each `>=` comparator of
//!   `patched_versions` names (`>=4.17.19`, `>=1.2.6 <2.0.0 || >=2.1.0`);
//!   `<0.0.0` (npm's "no fix") gives none.
//!
//! **yarn 2+** (`yarn npm audit --json`, with `--recursive` for transitive
//! dependencies): one JSON line per advisory, `{"value": "<package>",
//! "children": {ID, Issue, URL, Severity, "Vulnerable Versions", "Tree
//! Versions": [...], Dependents}}`. One record per tree version; `id` is the
//! GHSA id ending `URL`, else `npm-<ID>`; severity from the word; no fixed
//! versions. An `ID` ending in ` (deprecation)` is a deprecated package, not
//! a vulnerability: a file warning names it.
//!
//! **bun** (`bun audit --json`): the registry's bulk-advisory response as
//! is, `{"<package>": [{id, url, title, severity, vulnerable_versions, cwe,
//! cvss}]}`, and `{}` when nothing was found (read, with a warning saying
//! so). Like version 2 it names no installed version: one record per
//! (package, advisory), `id` the GHSA id ending `url` (else `npm-<id>`),
//! severity as in version 2, no fixed versions.
//!
//! `scanner` is `npm audit` (versions 1 and 2; pnpm's report cannot be told
//! from npm 6's), `yarn audit`, `yarn npm audit` or `bun audit`; no
//! database time.
//!
//! Refused: `auditReportVersion` other than 2; a JSON-lines file with no
//! line yarn writes.

use std::collections::HashSet;
use std::io::BufRead;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::ParseContext;
use super::vuln::{Score, SeverityInput, SeverityJudge, Text, null_default, ordered_map, purl_for};
use crate::error::FormatError;
use crate::model::{Severity, Vulnerability};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let bytes = super::read_json(reader)?;
    // A report is one JSON document; yarn writes one JSON value per line.
    let mut values = serde_json::Deserializer::from_slice(&bytes).into_iter::<Probe>();
    let first = values.next().transpose()?.unwrap_or_default();
    let one_document = values.next().is_none();
    if one_document && first.audit_report_version {
        report_v2(serde_json::from_slice(&bytes)?, ctx, out)
    } else if one_document && first.advisories {
        let report: RawReportV1 = serde_json::from_slice(&bytes)?;
        let mut judge = SeverityJudge::default();
        let mut seen = HashSet::new();
        for (_, advisory) in &report.advisories.0 {
            advisory_records(advisory, "npm audit", &mut judge, &mut seen, ctx, out);
        }
        judge.report(&mut ctx.warnings);
        Ok(())
    } else if one_document && !first.kind && !first.children {
        bun(serde_json::from_slice(&bytes)?, ctx, out);
        Ok(())
    } else {
        yarn_lines(&bytes, ctx, out)
    }
}

/// `bun audit --json`: the registry's bulk-advisory response, advisories by
/// package name, without installed versions; `{}` when none was found.
fn bun(report: BunReport, ctx: &mut ParseContext<'_>, out: &mut Vec<Vulnerability>) {
    if report.0.is_empty() {
        ctx.warnings.push(
            "an empty JSON object, read as `bun audit --json` finding no vulnerable package"
                .to_string(),
        );
    }
    let mut judge = SeverityJudge::default();
    let mut seen = HashSet::new();
    for (name, advisories) in report.0 {
        for a in advisories {
            let id = advisory_id(a.url.as_deref(), &Text::or_empty(&a.id));
            if !seen.insert((id.clone(), name.clone())) {
                continue;
            }
            let (severity, cvss_score) =
                judge_advisory(&mut judge, &id, a.cvss.as_ref(), a.severity.as_deref());
            out.push(Vulnerability {
                id,
                aliases: Vec::new(),
                purl: purl_for("npm", &name, None),
                package: name.clone(),
                version: None,
                severity,
                cvss_score,
                fixed_versions: Vec::new(),
                scanner: "bun audit".to_string(),
                database_time: None,
                assessment: None,
                evidence: ctx.evidence_path.to_string(),
            });
        }
    }
    judge.report(&mut ctx.warnings);
}

/// Advisories by package name, in document order.
#[derive(Deserialize)]
struct BunReport(#[serde(deserialize_with = "ordered_map")] Vec<(String, Vec<BunAdvisory>)>);

#[derive(Deserialize, Default)]
#[serde(default)]
struct BunAdvisory {
    id: Option<Text>,
    url: Option<String>,
    severity: Option<String>,
    cvss: Option<RawCvss>,
}

/// Which shape a JSON value has: which of these keys it has, whatever
/// their values (`null` included).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Probe {
    #[serde(rename = "auditReportVersion", deserialize_with = "present")]
    audit_report_version: bool,
    #[serde(deserialize_with = "present")]
    advisories: bool,
    /// yarn's lines: `type` (yarn 1), `children` (yarn 2+).
    #[serde(rename = "type", deserialize_with = "present")]
    kind: bool,
    #[serde(deserialize_with = "present")]
    children: bool,
}

/// A key that is there, whatever its value.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(d).map(|_| true)
}

fn report_v2(
    report: RawReport,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    match report.version.as_ref().and_then(Text::non_empty) {
        Some("2") => {}
        Some(v) => {
            return Err(FormatError::whole_file(format!(
                "npm audit report version {v} is not supported; regops reads auditReportVersion 2 (npm 7 and later) \
                 and npm 6's or pnpm's report with `advisories`"
            )));
        }
        None => {
            return Err(FormatError::whole_file(
                "\"auditReportVersion\" is null; expected npm audit --json output",
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
            let id = advisory_id(a.url.as_deref(), &source);
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
            let word = a.severity.as_deref().or(entry.severity.as_deref());
            let (severity, cvss_score) = judge_advisory(&mut judge, &id, a.cvss.as_ref(), word);
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

/// An advisory's id: the GitHub advisory id ending its URL
/// (`https://github.com/advisories/GHSA-...`), else `npm-<number>` (the
/// registry's advisory number).
fn advisory_id(url: Option<&str>, number: &str) -> String {
    url.and_then(|u| u.trim().trim_end_matches('/').rsplit('/').next())
        .filter(|s| s.starts_with("GHSA-"))
        .map(str::to_string)
        .or_else(|| (!number.is_empty()).then(|| format!("npm-{number}")))
        .unwrap_or_else(|| "(no id)".to_string())
}

/// An advisory's severity ([`super::vuln`]): its `cvss.vectorString` (npm
/// writes `""` or `null` when there is none), its severity `word`, and
/// `cvss.score` (`0` without a vector is no score).
fn judge_advisory(
    judge: &mut SeverityJudge,
    id: &str,
    cvss: Option<&RawCvss>,
    word: Option<&str>,
) -> (Severity, Option<f64>) {
    let vector = cvss
        .and_then(|c| c.vector.as_deref())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let score = cvss
        .and_then(|c| c.score.0)
        .filter(|s| vector.is_some() || *s > 0.0);
    judge.judge(
        id,
        &SeverityInput {
            vectors: vector.into_iter().collect(),
            words: word.into_iter().collect(),
            score,
            ..SeverityInput::default()
        },
    )
}

/// The records of one report-version-1 advisory (npm 6, pnpm, yarn 1): one
/// per installed version its findings name. `seen` holds (id, package,
/// version) already recorded, since yarn 1 repeats an advisory per path.
fn advisory_records(
    advisory: &RawAdvisoryV1,
    scanner: &str,
    judge: &mut SeverityJudge,
    seen: &mut HashSet<(String, String, String)>,
    ctx: &ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) {
    let name = Text::or_empty(&advisory.module_name);
    let id = Text::opt(&advisory.github_advisory_id)
        .unwrap_or_else(|| advisory_id(advisory.url.as_deref(), &Text::or_empty(&advisory.id)));
    let mut versions: Vec<Option<String>> = Vec::new();
    for finding in &advisory.findings {
        let version = Text::opt(&finding.version);
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    if versions.is_empty() {
        versions.push(None);
    }
    let (severity, cvss_score) = judge_advisory(
        judge,
        &id,
        advisory.cvss.as_ref(),
        advisory.severity.as_deref(),
    );
    let aliases: Vec<String> = advisory
        .cves
        .iter()
        .filter_map(Text::non_empty)
        .filter(|cve| *cve != id)
        .map(str::to_string)
        .collect();
    let fixed_versions = advisory
        .patched_versions
        .as_deref()
        .map(lower_bounds)
        .unwrap_or_default();
    for version in versions {
        let key = (
            id.clone(),
            name.clone(),
            version.clone().unwrap_or_default(),
        );
        if !seen.insert(key) {
            continue;
        }
        out.push(Vulnerability {
            id: id.clone(),
            aliases: aliases.clone(),
            purl: purl_for("npm", &name, version.as_deref()),
            package: name.clone(),
            version,
            severity,
            cvss_score,
            fixed_versions: fixed_versions.clone(),
            scanner: scanner.to_string(),
            database_time: None,
            assessment: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
}

/// The versions the `>=` comparators of a node-semver range name: the first
/// patched version of each alternative (`>=1.2.6 <2.0.0 || >=2.1.0` gives
/// 1.2.6 and 2.1.0; npm's `<0.0.0`, no fix, gives none).
fn lower_bounds(range: &str) -> Vec<String> {
    let mut out = Vec::new();
    for alternative in range.split("||") {
        for comparator in alternative.split_whitespace() {
            if let Some(version) = comparator.strip_prefix(">=") {
                let version = version.trim_start_matches(['=', 'v']);
                if !version.is_empty() && !out.iter().any(|v| v == version) {
                    out.push(version.to_string());
                }
            }
        }
    }
    out
}

/// The JSON lines of `yarn audit --json` (yarn 1) or `yarn npm audit
/// --json` (yarn 2+).
fn yarn_lines(
    bytes: &[u8],
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let mut judge = SeverityJudge::default();
    let mut seen = HashSet::new();
    let mut yarn_shaped = false;
    let mut deprecated = Vec::new();
    for line in serde_json::Deserializer::from_slice(bytes).into_iter::<YarnLine>() {
        let line = line?;
        // yarn 2 and 3 write the registry's report-version-1 response as
        // one line, then an info line when it found nothing.
        if let Some(advisories) = &line.advisories {
            yarn_shaped = true;
            for (_, advisory) in &advisories.0 {
                advisory_records(advisory, "yarn npm audit", &mut judge, &mut seen, ctx, out);
            }
        }
        match (line.kind.as_deref(), line.data, line.children) {
            (Some("auditAdvisory"), Some(data), _) => {
                yarn_shaped = true;
                let data: YarnAdvisoryData = serde_json::from_value(data)?;
                advisory_records(
                    &data.advisory,
                    "yarn audit",
                    &mut judge,
                    &mut seen,
                    ctx,
                    out,
                );
            }
            // Summaries, actions, and the info line of a clean run.
            (Some("auditSummary" | "auditAction" | "info" | "warning"), ..) => yarn_shaped = true,
            (_, _, Some(children)) => {
                yarn_shaped = true;
                let name = Text::or_empty(&line.value);
                berry_records(
                    &name,
                    &children,
                    &mut judge,
                    &mut seen,
                    &mut deprecated,
                    ctx,
                    out,
                );
            }
            _ => {}
        }
    }
    if !yarn_shaped {
        return Err(FormatError::whole_file(
            "neither an npm audit report (\"auditReportVersion\" or \"advisories\") nor the JSON lines \
             of `yarn audit --json` or `yarn npm audit --json`",
        ));
    }
    if !deprecated.is_empty() {
        ctx.warnings.push(format!(
            "{} deprecated package(s) reported, not vulnerabilities: {}",
            deprecated.len(),
            deprecated.join(", ")
        ));
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

/// The records of one `yarn npm audit --json` line: one per tree version.
#[allow(clippy::too_many_arguments)]
fn berry_records(
    name: &str,
    advisory: &BerryAdvisory,
    judge: &mut SeverityJudge,
    seen: &mut HashSet<(String, String, String)>,
    deprecated: &mut Vec<String>,
    ctx: &ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) {
    let number = Text::or_empty(&advisory.id);
    if number.ends_with("(deprecation)") {
        deprecated.push(name.to_string());
        return;
    }
    let id = advisory_id(advisory.url.as_deref(), &number);
    let (severity, cvss_score) = judge_advisory(judge, &id, None, advisory.severity.as_deref());
    let mut versions: Vec<Option<String>> = advisory
        .tree_versions
        .iter()
        .filter_map(Text::non_empty)
        .map(|v| Some(v.to_string()))
        .collect();
    if versions.is_empty() {
        versions.push(None);
    }
    for version in versions {
        if !seen.insert((
            id.clone(),
            name.to_string(),
            version.clone().unwrap_or_default(),
        )) {
            continue;
        }
        out.push(Vulnerability {
            id: id.clone(),
            aliases: Vec::new(),
            purl: purl_for("npm", name, version.as_deref()),
            package: name.to_string(),
            version,
            severity,
            cvss_score,
            fixed_versions: Vec::new(),
            scanner: "yarn npm audit".to_string(),
            database_time: None,
            assessment: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawReportV1 {
    advisories: Advisories,
}

/// Report version 1's advisories by number, in document order.
#[derive(Deserialize, Default)]
struct Advisories(#[serde(deserialize_with = "ordered_map")] Vec<(String, RawAdvisoryV1)>);

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAdvisoryV1 {
    id: Option<Text>,
    github_advisory_id: Option<Text>,
    module_name: Option<Text>,
    url: Option<String>,
    severity: Option<String>,
    #[serde(deserialize_with = "null_default")]
    cves: Vec<Text>,
    cvss: Option<RawCvss>,
    patched_versions: Option<String>,
    #[serde(deserialize_with = "null_default")]
    findings: Vec<RawFinding>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFinding {
    version: Option<Text>,
}

/// One line of yarn's output: yarn 1's `{type, data}` or yarn 2+'s
/// `{value, children}`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct YarnLine {
    #[serde(rename = "type")]
    kind: Option<String>,
    data: Option<serde_json::Value>,
    value: Option<Text>,
    children: Option<BerryAdvisory>,
    advisories: Option<Advisories>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YarnAdvisoryData {
    advisory: RawAdvisoryV1,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BerryAdvisory {
    #[serde(rename = "ID")]
    id: Option<Text>,
    #[serde(rename = "URL")]
    url: Option<String>,
    #[serde(rename = "Severity")]
    severity: Option<String>,
    #[serde(rename = "Tree Versions", deserialize_with = "null_default")]
    tree_versions: Vec<Text>,
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
