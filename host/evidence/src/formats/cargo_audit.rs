//! cargo-audit JSON (`cargo audit --json`), the RustSec report.
//!
//! Shape: `{"database": {"advisory-count", "last-commit", "last-updated"},
//! "lockfile": {"dependency-count"}, "settings": {...}, "vulnerabilities":
//! {"found", "count", "list": [{"advisory": {...}, "versions": {"patched",
//! "unaffected"}, "affected", "package": {name, version, source, ...}}]},
//! "warnings": {"unmaintained": [...], "unsound": [...], "yanked": [...],
//! "notice": [...]}}`.
//!
//! * Each entry of `vulnerabilities.list` is a [`Vulnerability`]: `id` and
//!   `aliases` from the advisory, `package`/`version` from `package`, purl
//!   `pkg:cargo/<name>@<version>`, `fixed_versions` are `versions.patched`
//!   as RustSec writes them (semver requirements such as `>=0.2.23`).
//!   Severity from the advisory's `cvss` vector ([`super::vuln`]); RustSec
//!   advisories carry no severity word, so without a vector it is unknown.
//! * `warnings.unsound` entries (informational `unsound` advisories: the
//!   crate's safe API can cause undefined behaviour) are vulnerabilities
//!   too, scored the same way: memory unsafety in a medical device is a
//!   hazard whether or not RustSec calls it informational.
//! * `warnings.unmaintained`, `warnings.notice` and `warnings.yanked` are
//!   not vulnerabilities (an unmaintained crate has no flaw to fix, a yanked
//!   version has no advisory to assess): each becomes a file warning naming
//!   the crate, version and advisory id, for the SOUP review to weigh.
//!   Warnings of kinds unknown to regops are reported the same way.
//! * `scanner` is `cargo-audit`; `database_time` is
//!   `database.last-updated`, the time of the advisory database's last
//!   commit.
//!
//! Refused: a report without `database` or `vulnerabilities`.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::vuln::{SeverityInput, SeverityJudge, Text, null_default, purl_for, push_alias};
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let report: RawReport = super::read_json_document(reader)?;
    let Some(database) = report.database else {
        return Err(FormatError::whole_file(
            "no \"database\" object; expected cargo audit --json output",
        ));
    };
    let Some(vulnerabilities) = report.vulnerabilities else {
        return Err(FormatError::whole_file(
            "no \"vulnerabilities\" object; expected cargo audit --json output",
        ));
    };
    let database_time = Text::opt(&database.last_updated);
    let mut judge = SeverityJudge::default();
    for entry in vulnerabilities.list {
        out.push(convert(
            entry.advisory.unwrap_or_default(),
            &entry.package,
            entry.versions.as_ref(),
            database_time.as_deref(),
            ctx.evidence_path,
            &mut judge,
        ));
    }
    for (kind, entries) in report.warnings {
        for w in entries {
            let name = w.package.name.as_ref().map(|n| n.0.trim()).unwrap_or("");
            let version = w.package.version.as_ref().and_then(Text::non_empty);
            let crate_text = match version {
                Some(v) => format!("{name} {v}"),
                None => name.to_string(),
            };
            if kind == "unsound" {
                out.push(convert(
                    w.advisory.unwrap_or_default(),
                    &w.package,
                    w.versions.as_ref(),
                    database_time.as_deref(),
                    ctx.evidence_path,
                    &mut judge,
                ));
                continue;
            }
            let advisory = w.advisory.as_ref();
            let id = advisory
                .and_then(|a| a.id.as_ref())
                .and_then(Text::non_empty);
            let title = advisory.and_then(|a| a.title.as_deref()).map(str::trim);
            let what = match kind.as_str() {
                "unmaintained" => "is unmaintained",
                "yanked" => "is a yanked version",
                "notice" => "has a notice",
                other => {
                    ctx.warnings.push(format!(
                        "cargo-audit warning `{other}` for {crate_text}{}",
                        id.map(|i| format!(" ({i})")).unwrap_or_default()
                    ));
                    continue;
                }
            };
            ctx.warnings.push(format!(
                "cargo-audit: {crate_text} {what}{}{}",
                id.map(|i| format!(" ({i})")).unwrap_or_default(),
                title
                    .filter(|t| !t.is_empty())
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default()
            ));
        }
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

fn convert(
    advisory: RawAdvisory,
    package: &RawPackage,
    versions: Option<&RawVersions>,
    database_time: Option<&str>,
    evidence: &str,
    judge: &mut SeverityJudge,
) -> Vulnerability {
    let id = advisory
        .id
        .as_ref()
        .and_then(Text::non_empty)
        .unwrap_or("(no id)")
        .to_string();
    let mut aliases = Vec::new();
    for a in &advisory.aliases {
        push_alias(&mut aliases, a, &id);
    }
    let name = package
        .name
        .as_ref()
        .map(|n| n.0.trim().to_string())
        .or_else(|| advisory.package.clone())
        .unwrap_or_default();
    let version = Text::opt(&package.version);
    let (severity, cvss_score) = judge.judge(
        &id,
        &SeverityInput {
            vectors: advisory.cvss.as_deref().into_iter().collect(),
            ..SeverityInput::default()
        },
    );
    Vulnerability {
        purl: purl_for("cargo", &name, version.as_deref()),
        id,
        aliases,
        package: name,
        version,
        severity,
        cvss_score,
        fixed_versions: versions
            .map(|v| {
                v.patched
                    .iter()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        scanner: "cargo-audit".to_string(),
        database_time: database_time.map(str::to_string),
        assessment: None,
        evidence: evidence.to_string(),
    }
}

#[derive(Deserialize)]
struct RawReport {
    database: Option<RawDatabase>,
    vulnerabilities: Option<RawVulnerabilities>,
    #[serde(default, deserialize_with = "null_default")]
    warnings: BTreeMap<String, Vec<RawWarning>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawDatabase {
    #[serde(rename = "last-updated")]
    last_updated: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVulnerabilities {
    #[serde(deserialize_with = "null_default")]
    list: Vec<RawEntry>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEntry {
    advisory: Option<RawAdvisory>,
    versions: Option<RawVersions>,
    package: RawPackage,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawWarning {
    advisory: Option<RawAdvisory>,
    versions: Option<RawVersions>,
    package: RawPackage,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAdvisory {
    id: Option<Text>,
    package: Option<String>,
    title: Option<String>,
    #[serde(deserialize_with = "null_default")]
    aliases: Vec<String>,
    cvss: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVersions {
    #[serde(deserialize_with = "null_default")]
    patched: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPackage {
    name: Option<Text>,
    version: Option<Text>,
}
