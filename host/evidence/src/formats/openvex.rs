//! OpenVEX JSON (`@context` `https://openvex.dev/ns/v0.2.0`, and the older
//! v0.0.x shape), as vexctl and hand-written VEX documents have it.
//!
//! One [`VexStatement`] per entry of `statements[]`:
//!
//! * `vulnerability`: `vulnerability.name`, else the last path segment of
//!   `vulnerability.@id` (an NVD or GHSA URL); v0.0.x writes the id as a
//!   plain string. `aliases` from `vulnerability.aliases`.
//! * `products`: each product's `@id` and `identifiers.purl`; for a
//!   product with `subcomponents`, the subcomponents' instead (the packages
//!   inside the product the statement is about: the product itself is not
//!   covered). v0.0.x writes products and statement-level `subcomponents` as
//!   strings; statement-level subcomponents replace the products. No
//!   products: the statement covers every product. Products none of which
//!   has an `@id` or purl identify nothing: the statement is ignored, with a
//!   warning.
//! * `status`: `not_affected`, `affected`, `fixed` or `under_investigation`
//!   (anything else is refused, naming the value).
//! * `justification`: the `justification` label
//!   (`vulnerable_code_not_in_execute_path`...); without one, a not-affected
//!   statement's `impact_statement` (OpenVEX requires one or the other). A
//!   not-affected statement with neither keeps its status, and one warning
//!   per file counts them.
//! * `detail`: `impact_statement`, else `action_statement`, else
//!   `status_notes`.
//! * `author`: the document's `author`; `timestamp`: the statement's
//!   `timestamp`, else its `last_updated`, else the document's `timestamp`.
//!
//! The statements are merged onto vulnerabilities by [`crate::apply_vex`]
//! once every file is loaded.
//!
//! Refused: a document without a `statements` array, and a statement with
//! `vul_id` or `product_id` (the names of `vulnerability` and `products`
//! before OpenVEX 0.0.1, in vexctl's 2022 test data): unread, they would
//! make a statement about nothing, or about every product.

use std::io::BufRead;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::ParseContext;
use super::vuln::{Text, null_default, present_list, push_alias, push_unique};
use crate::error::FormatError;
use crate::model::{Assessment, VexStatement, VexStatus};

/// Why statements with `vul_id` / `product_id` are refused, and the fix.
pub(crate) const PRE_RELEASE_FIELDS: &str = "VEX statements naming the vulnerability `vul_id` \
     and the products `product_id`, field names from before OpenVEX 0.0.1; rename them \
     `vulnerability` and `products`, or write the document again with vexctl";

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<VexStatement>,
) -> Result<(), FormatError> {
    let doc: RawDocument = super::read_json_document(reader)?;
    let Some(statements) = doc.statements else {
        return Err(FormatError::whole_file(
            "expected a \"statements\" array (OpenVEX), found none",
        ));
    };
    let context = doc
        .context
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_default();
    if !context.contains("openvex") {
        ctx.warnings.push(
            "the @context does not name an OpenVEX namespace (https://openvex.dev/ns/...); the \
             document was read as OpenVEX"
                .to_string(),
        );
    }
    let author = non_empty(doc.author.as_deref());
    let doc_time = non_empty(doc.timestamp.as_deref());
    let mut unjustified = Vec::new();
    let mut nameless = 0u64;
    let mut unidentified = 0u64;
    if statements.is_empty() {
        ctx.warnings
            .push("the document has no statements".to_string());
    }
    for s in statements {
        // Read around, they would leave a statement about nothing or, with
        // its products unread, about every product.
        if s.vul_id.is_some() || s.product_id.is_some() {
            return Err(FormatError::whole_file(PRE_RELEASE_FIELDS));
        }
        let (id, aliases) = match &s.vulnerability {
            Some(RawVulnRef::Id(id)) => (id.trim().to_string(), Vec::new()),
            Some(RawVulnRef::Object(v)) => {
                let id = non_empty(v.name.as_ref().map(|n| n.0.as_str()))
                    .or_else(|| {
                        v.id.as_deref()
                            .map(|i| i.trim().trim_end_matches('/'))
                            .and_then(|i| i.rsplit('/').next())
                            .filter(|i| !i.is_empty())
                            .map(str::to_string)
                    })
                    .unwrap_or_default();
                let mut aliases = Vec::new();
                for a in &v.aliases {
                    push_alias(&mut aliases, a, &id);
                }
                (id, aliases)
            }
            None => (String::new(), Vec::new()),
        };
        if id.is_empty() {
            nameless += 1;
            continue;
        }
        let status = match s.status.as_deref().map(str::trim) {
            Some("not_affected") => VexStatus::NotAffected,
            Some("affected") => VexStatus::Affected,
            Some("fixed") => VexStatus::Fixed,
            Some("under_investigation") => VexStatus::UnderInvestigation,
            other => {
                return Err(FormatError::whole_file(format!(
                    "statement for {id}: status {} is not an OpenVEX status; expected \
                     not_affected, affected, fixed or under_investigation",
                    other.map_or_else(|| "(missing)".to_string(), |o| format!("`{o}`"))
                )));
            }
        };
        // A product's subcomponents are where in it the statement applies:
        // the statement is about them, not about the product itself.
        let mut products = Vec::new();
        for p in &s.products {
            match p {
                RawProduct::Object(o) if !o.subcomponents.is_empty() => {
                    o.subcomponents
                        .iter()
                        .for_each(|sub| sub.push_ids(&mut products));
                }
                p => p.push_ids(&mut products),
            }
        }
        // v0.0.x: subcomponents beside the products, for all of them.
        if !s.subcomponents.is_empty() {
            products.clear();
            s.subcomponents
                .iter()
                .for_each(|sub| sub.push_ids(&mut products));
        }
        // Products none of which has an id cover nothing, not everything.
        if products.is_empty() && !(s.products.is_empty() && s.subcomponents.is_empty()) {
            unidentified += 1;
            continue;
        }
        let impact = non_empty(s.impact_statement.as_deref());
        let justification = non_empty(s.justification.as_deref()).or_else(|| {
            (status == VexStatus::NotAffected)
                .then(|| impact.clone())
                .flatten()
        });
        if status == VexStatus::NotAffected && justification.is_none() {
            unjustified.push(id.clone());
        }
        let detail = impact
            .or_else(|| non_empty(s.action_statement.as_deref()))
            .or_else(|| non_empty(s.status_notes.as_deref()));
        out.push(VexStatement {
            vulnerability: id,
            aliases,
            products,
            assessment: Assessment {
                status,
                justification,
                detail,
                author: author.clone(),
                timestamp: non_empty(s.timestamp.as_deref())
                    .or_else(|| non_empty(s.last_updated.as_deref()))
                    .or_else(|| doc_time.clone()),
                evidence: ctx.evidence_path.to_string(),
            },
        });
    }
    if let Some(first) = unjustified.first() {
        ctx.warnings.push(format!(
            "{} not_affected statement(s) give neither a justification nor an impact_statement \
             (first: {first}), which OpenVEX requires; the status is kept",
            unjustified.len()
        ));
    }
    if nameless > 0 {
        ctx.warnings.push(format!(
            "{nameless} statement(s) name no vulnerability and were ignored"
        ));
    }
    if unidentified > 0 {
        ctx.warnings.push(format!(
            "{unidentified} statement(s) list products or subcomponents without an `@id` or \
             purl, so they identify no package, and were ignored"
        ));
    }
    Ok(())
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "@context")]
    context: Option<serde_json::Value>,
    author: Option<String>,
    timestamp: Option<String>,
    #[serde(default, deserialize_with = "present_list")]
    statements: Option<Vec<RawStatement>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStatement {
    vulnerability: Option<RawVulnRef>,
    #[serde(deserialize_with = "null_default")]
    products: Vec<RawProduct>,
    #[serde(deserialize_with = "null_default")]
    subcomponents: Vec<RawProduct>,
    status: Option<String>,
    justification: Option<String>,
    impact_statement: Option<String>,
    action_statement: Option<String>,
    status_notes: Option<String>,
    timestamp: Option<String>,
    last_updated: Option<String>,
    /// Pre-0.0.1 names of `vulnerability` and `products` (refused).
    vul_id: Option<IgnoredAny>,
    product_id: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVulnRef {
    Id(String),
    Object(RawVuln),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVuln {
    #[serde(rename = "@id")]
    id: Option<String>,
    name: Option<Text>,
    #[serde(deserialize_with = "null_default")]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawProduct {
    Id(String),
    Object(RawProductObject),
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawProductObject {
    #[serde(rename = "@id")]
    id: Option<String>,
    identifiers: Option<RawIdentifiers>,
    #[serde(deserialize_with = "null_default")]
    subcomponents: Vec<RawProduct>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawIdentifiers {
    purl: Option<String>,
}

impl RawProduct {
    /// The product's `@id` and `identifiers.purl`, whichever it gives.
    fn push_ids(&self, out: &mut Vec<String>) {
        match self {
            RawProduct::Id(id) => push_unique(out, id),
            RawProduct::Object(o) => {
                if let Some(id) = &o.id {
                    push_unique(out, id);
                }
                if let Some(purl) = o.identifiers.as_ref().and_then(|i| i.purl.as_deref()) {
                    push_unique(out, purl);
                }
            }
        }
    }
}
