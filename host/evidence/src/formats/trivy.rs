//! Trivy JSON (`trivy fs|image|rootfs --format json`, `SchemaVersion` 2, and
//! `trivy k8s --format json`, below).
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
//!
//! `trivy k8s --format json` (`--report all`, the default with JSON) writes
//! `{"ClusterName", "Resources": [{"Namespace", "Kind", "Name", "Results",
//! "Error"}]}` (Trivy 0.28 wrote them under `"Vulnerabilities"`, read too):
//! each resource is one image of one workload, its `Results` those of an
//! image report, read as above. The records carry no resource (the model
//! has no place for one); the same image in several workloads repeats
//! every finding, so a record identical to one already read is one record.
//! Refused: a resource with an `Error` (Trivy could not scan its image: its
//! vulnerabilities are unknown), and the summary report (`--report
//! summary`, `"Findings"`): Trivy merges the resources per workload there,
//! leaving out those it could not scan, and its older versions dropped some
//! images' findings (aquasecurity/trivy#7937).

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;

use serde::Deserialize;
use serde::de::IgnoredAny;

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
    if report.cluster_name.is_some() || report.findings.is_some() {
        return parse_kubernetes(report, ctx, out);
    }
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

/// Why a `trivy k8s --report summary` file is refused, and what to write
/// instead.
pub(crate) const KUBERNETES_SUMMARY: &str = "a Trivy Kubernetes summary report (`--report \
     summary`, \"Findings\"), which leaves out the resources Trivy could not scan; write the \
     full report with `trivy k8s --report all --format json`";

/// A `trivy k8s` report: every resource's results, as an image report's.
fn parse_kubernetes(
    report: RawReport,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Vulnerability>,
) -> Result<(), FormatError> {
    if report.findings.is_some() {
        return Err(FormatError::whole_file(KUBERNETES_SUMMARY));
    }
    let resources: Vec<RawResource> = report
        .resources
        .into_iter()
        .chain(report.vulnerabilities)
        .collect();
    let unscanned: Vec<(String, &str)> = resources
        .iter()
        .filter_map(|r| {
            let error = r
                .error
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())?;
            Some((r.name(), error))
        })
        .collect();
    if let Some((name, error)) = unscanned.first() {
        return Err(FormatError::whole_file(format!(
            "{} Kubernetes resource(s) were not scanned (first: {name}: {}), so their \
             vulnerabilities are unknown; fix the scan (the registry's credentials, ...) or \
             leave them out of it (`trivy k8s --exclude-namespaces ...` / `--exclude-kinds ...`)",
            unscanned.len(),
            super::truncate_chars(error, 200)
        )));
    }
    let mut judge = SeverityJudge::default();
    let mut seen = HashSet::new();
    for resource in resources {
        for result in resource.results {
            let kind = result.kind.as_deref().unwrap_or("").to_string();
            for v in result.vulnerabilities.into_iter().flatten() {
                if seen.insert(v.key(&kind)) {
                    out.push(convert(v, &kind, ctx.evidence_path, &mut judge));
                }
            }
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
    /// `trivy k8s` only, as are the three below.
    #[serde(rename = "ClusterName")]
    cluster_name: Option<Text>,
    #[serde(default, rename = "Resources", deserialize_with = "null_default")]
    resources: Vec<RawResource>,
    /// Trivy 0.28's name for the resources scanned for vulnerabilities.
    #[serde(default, rename = "Vulnerabilities", deserialize_with = "null_default")]
    vulnerabilities: Vec<RawResource>,
    /// The summary report's consolidated resources (refused).
    #[serde(rename = "Findings")]
    findings: Option<IgnoredAny>,
}

/// One image of one Kubernetes workload (or a node or control-plane
/// component), with its scan results.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawResource {
    #[serde(rename = "Namespace")]
    namespace: Option<String>,
    #[serde(rename = "Kind")]
    kind: Option<String>,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Results", deserialize_with = "null_default")]
    results: Vec<RawResult>,
    #[serde(rename = "Error")]
    error: Option<String>,
}

impl RawResource {
    /// `namespace/Kind/name`, as Trivy's own summary names it.
    fn name(&self) -> String {
        let parts: Vec<&str> = [&self.namespace, &self.kind, &self.name]
            .into_iter()
            .filter_map(|p| p.as_deref().map(str::trim).filter(|p| !p.is_empty()))
            .collect();
        if parts.is_empty() {
            "(a resource without a name)".to_string()
        } else {
            parts.join("/")
        }
    }
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

impl RawVuln {
    /// Everything of the entry its record is made of (with the result's
    /// `Type`), so that equal keys make equal records.
    fn key(&self, kind: &str) -> String {
        let text = |t: &Option<Text>| t.as_ref().map_or("", |t| t.0.as_str()).to_string();
        let mut key = [
            text(&self.id),
            self.vendor_ids.join(","),
            text(&self.pkg_name),
            text(&self.installed_version),
            self.pkg_identifier
                .as_ref()
                .and_then(|p| p.purl.clone())
                .unwrap_or_default(),
            kind.to_string(),
            text(&self.fixed_version),
            self.severity_source.clone().unwrap_or_default(),
            self.severity.clone().unwrap_or_default(),
        ]
        .join("\u{0}");
        for (vendor, c) in &self.cvss {
            key.push_str(&format!(
                "\u{0}{vendor}:{:?}:{:?}:{:?}:{:?}",
                c.v3_vector, c.v3_score.0, c.v40_vector, c.v40_score.0
            ));
        }
        key
    }
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
