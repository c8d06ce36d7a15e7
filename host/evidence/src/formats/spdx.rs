//! SPDX 2.2 and 2.3 JSON, as `npm sbom --sbom-format spdx`, syft, Trivy,
//! the spdx-sbom-generator, GitHub's dependency graph export and
//! pyspdxtools write it. (SPDX tag-value, RDF and YAML are not read: convert
//! them to JSON with `pyspdxtools -i x.spdx -o x.spdx.json`. SPDX 3.0 is a
//! different, JSON-LD model and is refused by detection.)
//!
//! The document is read with serde into compact structs keeping only what a
//! [`Component`] needs; `files[]`, `snippets[]` and annotations are skipped
//! without being built.
//!
//! * The product is every package the document DESCRIBES: the targets of
//!   `documentDescribes[]` (SPDX 2.2) and of relationships `SPDXRef-DOCUMENT
//!   DESCRIBES x` (and `x DESCRIBED_BY SPDXRef-DOCUMENT`). Those packages
//!   are not components; every other entry of `packages[]` is one.
//! * `name`, `versionInfo` → version; the purl is the first
//!   `externalRefs[]` entry with `referenceType` `purl` (category
//!   `PACKAGE-MANAGER` or `PACKAGE_MANAGER`); `checksums[] {algorithm,
//!   checksumValue}` → hashes with the algorithm as SPDX names it (`SHA256`).
//! * Licences: `licenseConcluded`, then `licenseDeclared` when it differs;
//!   `NOASSERTION` and `NONE` say nothing and are skipped.
//! * Supplier: `supplier` with its `Organization: ` / `Person: ` / `Tool: `
//!   prefix removed (`NOASSERTION` skipped), else `originator` likewise.
//! * Direct versus transitive, from relationships: `A DEPENDS_ON B` and
//!   `A CONTAINS B` are edges A → B; `B DEPENDENCY_OF A` (and the
//!   `DEV_`, `BUILD_`, `RUNTIME_`, `TEST_`, `OPTIONAL_`, `PROVIDED_`
//!   variants) and `B CONTAINED_BY A` are edges A → B too. Seen from the
//!   described packages, as [`super::sbom`] explains; with no such
//!   relationship at all, `direct` is `None`.
//!
//! Refused: an `spdxVersion` other than `SPDX-2.x`, a package without
//! `SPDXID`.

use std::collections::HashSet;
use std::io::BufRead;

use serde::Deserialize;

use super::ParseContext;
use super::sbom::Graph;
use super::vuln::{Text, null_default, push_unique};
use crate::error::FormatError;
use crate::model::{Component, Hash};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Component>,
) -> Result<(), FormatError> {
    let doc: RawDocument = super::read_json_document(reader)?;
    let version = doc.spdx_version.as_deref().map(str::trim).unwrap_or("");
    if version.is_empty() {
        return Err(FormatError::whole_file(
            "no \"spdxVersion\"; an SPDX 2.x JSON document starts with \"spdxVersion\": \"SPDX-2.3\"",
        ));
    }
    if !version.starts_with("SPDX-2.") {
        return Err(FormatError::whole_file(format!(
            "spdxVersion {version} is not supported; regops reads SPDX 2.2 and 2.3 JSON"
        )));
    }
    let document_id = doc
        .spdx_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("SPDXRef-DOCUMENT")
        .to_string();

    let mut described: Vec<String> = Vec::new();
    for d in &doc.document_describes {
        push_unique(&mut described, d);
    }
    let mut graph = Graph::default();
    for r in &doc.relationships {
        let (Some(a), Some(b), Some(kind)) = (
            r.element.as_deref().map(str::trim),
            r.related.as_deref().map(str::trim),
            r.kind.as_deref().map(|k| k.trim().to_ascii_uppercase()),
        ) else {
            continue;
        };
        match kind.as_str() {
            "DESCRIBES" if a == document_id => push_unique(&mut described, b),
            "DESCRIBED_BY" if b == document_id => push_unique(&mut described, a),
            "DEPENDS_ON" | "CONTAINS" => graph.edge(a, b),
            "CONTAINED_BY" => graph.edge(b, a),
            k if k.ends_with("DEPENDENCY_OF") => graph.edge(b, a),
            _ => {}
        }
    }

    let described_set: HashSet<&str> = described.iter().map(String::as_str).collect();
    let mut components = Vec::new();
    let mut refs = Vec::new();
    let mut missing_ids = 0u64;
    for p in &doc.packages {
        let id = p.spdx_id.as_deref().map(str::trim).unwrap_or("");
        if id.is_empty() {
            missing_ids += 1;
        }
        if described_set.contains(id) {
            continue;
        }
        let mut licences = Vec::new();
        for l in [&p.license_concluded, &p.license_declared]
            .into_iter()
            .flatten()
        {
            let l = l.trim();
            if !l.eq_ignore_ascii_case("NOASSERTION") && !l.eq_ignore_ascii_case("NONE") {
                push_unique(&mut licences, l);
            }
        }
        let purl = p.external_refs.iter().find_map(|r| {
            let t = r.reference_type.as_deref()?.trim();
            if t.eq_ignore_ascii_case("purl") {
                r.locator
                    .as_deref()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
            } else {
                None
            }
        });
        let hashes = p
            .checksums
            .iter()
            .filter_map(|c| {
                Some(Hash {
                    algorithm: c.algorithm.as_deref()?.trim().to_string(),
                    value: c.value.as_deref()?.trim().to_string(),
                })
            })
            .filter(|h| !h.algorithm.is_empty() && !h.value.is_empty())
            .collect();
        let supplier = party(p.supplier.as_deref()).or_else(|| party(p.originator.as_deref()));
        refs.push((!id.is_empty()).then(|| id.to_string()));
        components.push(Component {
            name: Text::or_empty(&p.name),
            version: p
                .version_info
                .as_ref()
                .and_then(Text::non_empty)
                .filter(|v| !v.eq_ignore_ascii_case("NOASSERTION"))
                .map(str::to_string),
            purl,
            licences,
            hashes,
            supplier,
            direct: None,
            evidence: ctx.evidence_path.to_string(),
        });
    }
    if missing_ids > 0 {
        return Err(FormatError::whole_file(format!(
            "{missing_ids} package(s) have no SPDXID; SPDX 2.x requires one per package"
        )));
    }
    if described.is_empty() && !graph.is_empty() {
        ctx.warnings.push(
            "the document DESCRIBES no package, so the product is unknown and direct and \
             transitive dependencies cannot be told apart"
                .to_string(),
        );
    }
    let names: Vec<String> = components
        .iter()
        .map(|c| match &c.version {
            Some(v) => format!("{} {v}", c.name),
            None => c.name.clone(),
        })
        .collect();
    let ref_strs: Vec<Option<&str>> = refs.iter().map(|r| r.as_deref()).collect();
    let flags = if described.is_empty() {
        vec![None; components.len()]
    } else {
        graph.direct_flags(&described, &ref_strs, &names, &mut ctx.warnings)
    };
    for (mut c, direct) in components.into_iter().zip(flags) {
        c.direct = direct;
        out.push(c);
    }
    if doc.packages.is_empty() {
        ctx.warnings.push("the SBOM lists no packages".to_string());
    }
    Ok(())
}

/// `Organization: ACME (x@y)` → `ACME (x@y)`; `NOASSERTION` → none.
fn party(value: Option<&str>) -> Option<String> {
    let v = value?.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("NOASSERTION") || v.eq_ignore_ascii_case("NONE") {
        return None;
    }
    let stripped = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
        .unwrap_or(v)
        .trim();
    (!stripped.is_empty()).then(|| stripped.to_string())
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<String>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(
        default,
        rename = "documentDescribes",
        deserialize_with = "null_default"
    )]
    document_describes: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    packages: Vec<RawPackage>,
    #[serde(default, deserialize_with = "null_default")]
    relationships: Vec<RawRelationship>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPackage {
    name: Option<Text>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(rename = "versionInfo")]
    version_info: Option<Text>,
    #[serde(rename = "licenseConcluded")]
    license_concluded: Option<String>,
    #[serde(rename = "licenseDeclared")]
    license_declared: Option<String>,
    supplier: Option<String>,
    originator: Option<String>,
    #[serde(rename = "externalRefs", deserialize_with = "null_default")]
    external_refs: Vec<RawExternalRef>,
    #[serde(deserialize_with = "null_default")]
    checksums: Vec<RawChecksum>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExternalRef {
    #[serde(rename = "referenceType")]
    reference_type: Option<String>,
    #[serde(rename = "referenceLocator")]
    locator: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawChecksum {
    algorithm: Option<String>,
    #[serde(rename = "checksumValue")]
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRelationship {
    #[serde(rename = "spdxElementId")]
    element: Option<String>,
    #[serde(rename = "relatedSpdxElement")]
    related: Option<String>,
    #[serde(rename = "relationshipType")]
    kind: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties() {
        assert_eq!(
            party(Some("Organization: ACME Inc.")).as_deref(),
            Some("ACME Inc.")
        );
        assert_eq!(
            party(Some("Person: Jane Doe (jane@example.com)")).as_deref(),
            Some("Jane Doe (jane@example.com)")
        );
        assert_eq!(party(Some("NOASSERTION")), None);
    }
}
