//! StrictDoc's JSON export (`strictdoc export --formats json`):
//! `DOCUMENTS[].NODES[]`, sections nesting further `NODES`.
//!
//! - Every node with a `UID` that is not a section or free text is a
//!   requirement; its kind is the node type (`REQUIREMENT`, or a custom
//!   grammar element), lower-cased.
//! - Parents are `RELATIONS` of type `Parent` (their `VALUE`).
//! - A risk control when the node type, or the UID's prefix (`RC` of
//!   `RC-001`), is one of the risk-control kinds.
//! - The export has no line numbers: the location is the JSON file.

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
    let documents = doc
        .get("DOCUMENTS")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            FormatError::whole_file("no `DOCUMENTS` array: not a StrictDoc JSON export")
        })?;
    let before = out.len();
    for document in documents {
        nodes(document, ctx.evidence_path, out);
    }
    if out.len() == before {
        ctx.warnings
            .push("the export holds no requirement with a UID".to_string());
    }
    Ok(())
}

fn nodes(parent: &Value, file: &str, out: &mut Vec<Requirement>) {
    for node in parent
        .get("NODES")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = node
            .get("_NODE_TYPE")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let uid = node.get("UID").and_then(Value::as_str).unwrap_or("");
        if !uid.is_empty() && !matches!(kind.as_str(), "SECTION" | "TEXT" | "DOCUMENT") {
            let prefix = uid
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches(['-', '_', '.']);
            let risk_control = RISK_CONTROL_KINDS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&kind) || k.eq_ignore_ascii_case(prefix));
            let parents = node
                .get("RELATIONS")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|r| r.get("TYPE").and_then(Value::as_str) == Some("Parent"))
                .filter_map(|r| r.get("VALUE").and_then(Value::as_str).map(str::to_string))
                .collect();
            let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
            out.push(Requirement {
                id: uid.to_string(),
                title: text("TITLE")
                    .or_else(|| {
                        text("STATEMENT").map(|s| s.lines().next().unwrap_or("").to_string())
                    })
                    .unwrap_or_default(),
                kind: kind.to_ascii_lowercase(),
                status: text("STATUS"),
                parents,
                risk_control,
                verified_by: Vec::new(),
                suspect_links: Vec::new(),
                stamp: None,
                link_stamps: Vec::new(),
                source: Location {
                    file: file.to_string(),
                    line: None,
                    column: None,
                },
            });
        }
        nodes(node, file, out);
    }
}
