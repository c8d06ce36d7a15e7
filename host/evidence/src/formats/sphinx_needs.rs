//! sphinx-needs `needs.json` (the `needs` builder, or `needs_build_json =
//! True`): `versions[current_version].needs`, one object per need.
//!
//! - Parents are every outgoing link: the `links` list and each configured
//!   extra link type (`fulfills`, `implements`, …), recognised as a list
//!   whose `<name>_back` list also exists, plus `parent_needs` (a need
//!   nested in another).
//! - Kind is the need's `type`; a risk control when the type or its
//!   `type_name` is one of the risk-control kinds, or the need has a
//!   `risk_control` option set to a true value.
//! - The location is `docname` + its `doctype` and `lineno` in the sources.

use std::io::BufRead;

use serde_json::Value;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::formats::doorstop::RISK_CONTROL_KINDS;
use crate::model::{Location, Requirement};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let doc: Value = read_json_document(reader)?;
    let version = match doc.get("current_version") {
        Some(Value::String(v)) => v.clone(),
        _ => String::new(),
    };
    let needs = doc
        .pointer(&format!(
            "/versions/{}/needs",
            version.replace('~', "~0").replace('/', "~1")
        ))
        .or_else(|| {
            // No current version named: the only one there is.
            doc.get("versions")
                .and_then(Value::as_object)
                .filter(|v| v.len() == 1)
                .and_then(|v| v.values().next())
                .and_then(|v| v.get("needs"))
        })
        .and_then(Value::as_object)
        .ok_or_else(|| {
            FormatError::whole_file(format!(
                "no `versions.{version}.needs` object: not a sphinx-needs needs.json"
            ))
        })?;
    if needs.is_empty() {
        ctx.warnings.push("needs.json holds no need".to_string());
    }
    for (key, need) in needs {
        let text = |k: &str| {
            need.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let id = match need.get("id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => key.clone(),
        };
        let mut parents: Vec<String> = Vec::new();
        if let Some(fields) = need.as_object() {
            for (name, value) in fields {
                let outgoing = name == "links"
                    || name == "parent_needs"
                    || (!name.ends_with("_back") && fields.contains_key(&format!("{name}_back")));
                if !outgoing {
                    continue;
                }
                for parent in value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if !parents.iter().any(|p| p == parent) {
                        parents.push(parent.to_string());
                    }
                }
            }
        }
        let kind = text("type");
        let type_name = text("type_name");
        let risk_control = RISK_CONTROL_KINDS.iter().any(|k| {
            k.eq_ignore_ascii_case(&kind) || k.eq_ignore_ascii_case(&type_name.replace(' ', "-"))
        }) || matches!(need.get("risk_control"), Some(Value::Bool(true)))
            || need
                .get("risk_control")
                .and_then(Value::as_str)
                .is_some_and(|s| matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "1"));
        let file = match (
            need.get("docname").and_then(Value::as_str),
            need.get("doctype").and_then(Value::as_str),
        ) {
            (Some(doc), Some(ext)) => format!("{doc}{ext}"),
            (Some(doc), None) => doc.to_string(),
            _ => ctx.evidence_path.to_string(),
        };
        out.push(Requirement {
            id,
            title: text("title"),
            kind,
            status: need
                .get("status")
                .and_then(Value::as_str)
                .map(str::to_string),
            parents,
            risk_control,
            verified_by: Vec::new(),
            suspect_links: Vec::new(),
            stamp: None,
            link_stamps: Vec::new(),
            source: Location {
                file,
                line: need.get("lineno").and_then(Value::as_u64).map(|l| l as u32),
                column: None,
            },
        });
    }
    Ok(())
}
