//! Trivy JSON (`trivy fs|image|rootfs --format json`, `SchemaVersion` 2).
//!
//! Shape: `{"SchemaVersion": 2, "CreatedAt", "ArtifactName", "ArtifactType",
//! "Metadata", "Results": [{"Target", "Class", "Type", "Vulnerabilities":
//! [...]}]}`. `Results` and a result's `Vulnerabilities` may be absent or
//! `null` (nothing found, or a result holding only secrets or
//! misconfigurations): that is no vulnerability, not an error.
//!
//! One [`Vulnerability`] per entry of `Vulnerabilities`:
//!
//! * `id` from `VulnerabilityID`; `aliases` from `VendorIDs` (distribution
//!   advisories such as `DSA-...`).
//! * `package` `PkgName`, `version` `InstalledVersion`; purl from
//!   `PkgIdentifier.PURL`, else built from the result's `Type` for language
//!   ecosystems (`pip`, `npm`, `cargo`, `gomod`, `jar`...; OS packages get
//!   none, their purls need the distribution).
//! * Severity ([`super::vuln`]): the highest of the `Severity` word
//!   (`UNKNOWN` is unknown) and the `V3Vector`/`V40Vector` of the `CVSS`
//!   entry of the vendor named by `SeveritySource` (the vendor whose rating
//!   Trivy reports); when that vendor gives no vector, every vendor's
//!   vectors count. Without any vector, the first stated `V3Score` (the
//!   `SeveritySource` vendor's, then `nvd`'s, `ghsa`'s, the others').
//! * `fixed_versions`: `FixedVersion` split at commas (`"2.0.6, 1.26.17"`).
//! * `scanner` is `trivy`; Trivy's JSON report does not record its
//!   database's time.
//!
//! Warned: a `SchemaVersion` other than 2 (read the same way). Refused: a
//! report without `SchemaVersion`.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::vuln::{Score, SeverityInput, SeverityJudge, Text, null_default, purl_for, push_alias};
use crate::error::FormatError;
use crate::model::Vulnerability;

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    let report: RawReport = super::read_json_document(reader)?;
    match report.schema_version.as_ref().and_then(Text::non_empty) {
        None => {
            return Err(FormatError::whole_file(
                "no \"SchemaVersion\"; expected a Trivy JSON report (trivy --format json)",
            ));
        }
        Some("2") => {}
        Some(other) => ctx.warnings.push(format!(
            "Trivy SchemaVersion {other} is not the version 2 regops knows; the report was read as version 2"
        )),
    }
    let mut judge = SeverityJudge::default();
    for result in report.results {
        let kind = result.kind.as_deref().unwrap_or("").to_string();
        for v in result.vulnerabilities.into_iter().flatten() {
            out.push(convert(v, &kind, ctx.evidence_path, &mut judge));
        }
    }
    judge.report(&mut ctx.warnings);
    Ok(())
}

fn convert(v: RawVuln, kind: &str, evidence: &str, judge: &mut SeverityJudge) -> Vulnerability {
    let id =
        v.id.as_ref()
            .and_then(Text::non_empty)
            .unwrap_or("(no id)")
            .to_string();
    let mut aliases = Vec::new();
    for a in &v.vendor_ids {
        push_alias(&mut aliases, a, &id);
    }
    let name = Text::or_empty(&v.pkg_name);
    let version = Text::opt(&v.installed_version);
    let purl = v
        .pkg_identifier
        .as_ref()
        .and_then(|p| p.purl.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| purl_for(kind, &name, version.as_deref()));

    // Vendors in order of preference.
    let source = v
        .severity_source
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut vendors: Vec<(&String, &RawCvss)> = v.cvss.iter().collect();
    vendors.sort_by_key(|(vendor, _)| {
        let vendor = vendor.to_ascii_lowercase();
        let rank = if !source.is_empty() && vendor == source {
            0
        } else if vendor == "nvd" {
            1
        } else if vendor == "ghsa" {
            2
        } else {
            3
        };
        (rank, vendor)
    });
    // The rating Trivy reports is its SeveritySource vendor's; other
    // vendors' vectors count only when that vendor gives none.
    let own: Vec<&str> = vendors
        .iter()
        .filter(|(vendor, _)| !source.is_empty() && vendor.eq_ignore_ascii_case(&source))
        .flat_map(|(_, c)| [c.v3_vector.as_deref(), c.v40_vector.as_deref()])
        .flatten()
        .collect();
    let vectors: Vec<&str> = if own.is_empty() {
        vendors
            .iter()
            .flat_map(|(_, c)| [c.v3_vector.as_deref(), c.v40_vector.as_deref()])
            .flatten()
            .collect()
    } else {
        own
    };
    let score = vendors
        .iter()
        .find_map(|(_, c)| c.v3_score.0.or(c.v40_score.0));
    let (severity, cvss_score) = judge.judge(
        &id,
        &SeverityInput {
            vectors,
            words: v.severity.as_deref().into_iter().collect(),
            score,
            ..SeverityInput::default()
        },
    );
    let fixed_versions = v
        .fixed_version
        .as_ref()
        .map(|f| {
            f.0.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Vulnerability {
        id,
        aliases,
        package: name,
        version,
        purl,
        severity,
        cvss_score,
        fixed_versions,
        scanner: "trivy".to_string(),
        database_time: None,
        assessment: None,
        evidence: evidence.to_string(),
    }
}

#[derive(Deserialize)]
struct RawReport {
    #[serde(rename = "SchemaVersion")]
    schema_version: Option<Text>,
    #[serde(default, rename = "Results", deserialize_with = "null_default")]
    results: Vec<RawResult>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawResult {
    #[serde(rename = "Type")]
    kind: Option<String>,
    #[serde(rename = "Vulnerabilities")]
    vulnerabilities: Option<Vec<RawVuln>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVuln {
    #[serde(rename = "VulnerabilityID")]
    id: Option<Text>,
    #[serde(rename = "VendorIDs", deserialize_with = "null_default")]
    vendor_ids: Vec<String>,
    #[serde(rename = "PkgName")]
    pkg_name: Option<Text>,
    #[serde(rename = "PkgIdentifier")]
    pkg_identifier: Option<RawPkgIdentifier>,
    #[serde(rename = "InstalledVersion")]
    installed_version: Option<Text>,
    #[serde(rename = "FixedVersion")]
    fixed_version: Option<Text>,
    #[serde(rename = "SeveritySource")]
    severity_source: Option<String>,
    #[serde(rename = "Severity")]
    severity: Option<String>,
    #[serde(rename = "CVSS", deserialize_with = "null_default")]
    cvss: BTreeMap<String, RawCvss>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPkgIdentifier {
    #[serde(rename = "PURL")]
    purl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCvss {
    #[serde(rename = "V3Vector")]
    v3_vector: Option<String>,
    #[serde(rename = "V3Score")]
    v3_score: Score,
    #[serde(rename = "V40Vector")]
    v40_vector: Option<String>,
    #[serde(rename = "V40Score")]
    v40_score: Score,
}
