//! StrictDoc's JSON export (`strictdoc export --formats json`):
//! `DOCUMENTS[].NODES[]`, sections nesting further `NODES`.
//!
//! - Every node with a `UID` that is not a section or free text is a
//!   requirement; its kind is the node type (`REQUIREMENT`, or a custom
//!   grammar element such as `RISK_CONTROL`), lower-cased. The node type is
//!   `_NODE_TYPE` from StrictDoc 0.9.0, `TYPE` up to 0.8.0.
//! - Parents are `RELATIONS` of type `Parent` (their `VALUE`); a `Child`
//!   relation on X naming Y makes X a parent of Y.
//! - A risk control when the node type, or the UID's prefix (`RC` of
//!   `RC-001`), is one of the risk-control kinds.
//! - A UID is read once. StrictDoc 0.0.49–0.0.52 write every sectioned node
//!   twice (in the document's flat list and nested in its section), and
//!   `--included-documents` writes an included document on its own as well
//!   as inside the document that includes it: the copies are dropped, the
//!   latter with a warning, and so is a UID repeated with other content.
//! - What cannot be read is warned about, never dropped silently:
//!   requirement nodes without a UID, and the empty objects `{}` StrictDoc
//!   ≤0.8 writes for composite requirements.
//! - The export has no line numbers: the location is the JSON file.

use std::collections::HashMap;
use std::io::BufRead;

use serde_json::Value;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::formats::doorstop::RISK_CONTROL_KINDS;
use crate::model::{Location, Requirement};

/// Node types that are not requirements.
const NOT_REQUIREMENTS: &[&str] = &["SECTION", "TEXT", "FREETEXT", "DOCUMENT"];

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
    let mut export = Export::default();
    for (index, document) in documents.iter().enumerate() {
        export.nodes(document, index, ctx.evidence_path);
    }
    export.finish(ctx, out);
    Ok(())
}

/// What the walk over the documents gathers.
#[derive(Default)]
struct Export<'a> {
    requirements: Vec<Requirement>,
    /// Each UID read: its index in `requirements`, its content (without
    /// `_TOC`, which differs between copies) and the document it is in.
    seen: HashMap<&'a str, (usize, Value, usize)>,
    /// (X, Y) for each `Child` relation on X naming Y.
    children: Vec<(String, String)>,
    /// Requirement nodes without a UID, each counted once.
    without_uid: Vec<Value>,
    empty_nodes: usize,
    /// UIDs found again in another document with the same content.
    repeated: Vec<&'a str>,
    /// UIDs found again with other content.
    conflicting: Vec<&'a str>,
}

impl<'a> Export<'a> {
    fn nodes(&mut self, parent: &'a Value, document: usize, file: &str) {
        for node in parent
            .get("NODES")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.node(node, document, file);
            self.nodes(node, document, file);
        }
    }

    fn node(&mut self, node: &'a Value, document: usize, file: &str) {
        if node.as_object().is_some_and(serde_json::Map::is_empty) {
            self.empty_nodes += 1;
            return;
        }
        let kind = ["_NODE_TYPE", "TYPE"]
            .iter()
            .find_map(|k| node.get(k).and_then(Value::as_str))
            .unwrap_or("");
        if NOT_REQUIREMENTS.contains(&kind) {
            return;
        }
        let content = without_toc(node);
        let uid = match node.get("UID").and_then(Value::as_str) {
            Some(uid) if !uid.is_empty() => uid,
            _ => {
                if !self.without_uid.contains(&content) {
                    self.without_uid.push(content);
                }
                return;
            }
        };
        if let Some((_, first, first_document)) = self.seen.get(uid) {
            let found = if *first != content {
                &mut self.conflicting
            } else if *first_document != document {
                &mut self.repeated
            } else {
                return;
            };
            if !found.contains(&uid) {
                found.push(uid);
            }
            return;
        }
        let relations = || {
            node.get("RELATIONS")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        };
        let related = |relation: &'static str| {
            relations()
                .filter(move |r| r.get("TYPE").and_then(Value::as_str) == Some(relation))
                .filter_map(|r| r.get("VALUE").and_then(Value::as_str).map(str::to_string))
        };
        self.children
            .extend(related("Child").map(|child| (uid.to_string(), child)));
        let prefix = uid
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches(['-', '_', '.']);
        let risk_control = RISK_CONTROL_KINDS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(kind) || k.eq_ignore_ascii_case(prefix));
        let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
        self.seen
            .insert(uid, (self.requirements.len(), content, document));
        self.requirements.push(Requirement {
            id: uid.to_string(),
            title: text("TITLE")
                .or_else(|| text("STATEMENT").map(|s| s.lines().next().unwrap_or("").to_string()))
                .unwrap_or_default(),
            kind: kind.to_ascii_lowercase(),
            status: text("STATUS"),
            parents: related("Parent").collect(),
            risk_control,
            verified_by: Vec::new(),
            suspect_links: Vec::new(),
            doorstop: None,
            link_stamps: Vec::new(),
            source: Location {
                file: file.to_string(),
                line: None,
                column: None,
            },
        });
    }

    /// Applies the `Child` relations and reports what was not read.
    fn finish(mut self, ctx: &mut ParseContext<'_>, out: &mut Vec<Requirement>) {
        for (parent, child) in &self.children {
            let found = self.seen.get(child.as_str());
            match found.and_then(|(index, _, _)| self.requirements.get_mut(*index)) {
                Some(requirement) => {
                    if !requirement.parents.contains(parent) {
                        requirement.parents.push(parent.clone());
                    }
                }
                None => ctx.warnings.push(format!(
                    "{parent} names {child} as its child, but {child} is not a requirement in this export"
                )),
            }
        }
        if self.requirements.is_empty() {
            ctx.warnings
                .push("the export holds no requirement with a UID".to_string());
        }
        if !self.without_uid.is_empty() {
            ctx.warnings.push(format!(
                "{} requirement node(s) have no UID and are not read: give each a UID",
                self.without_uid.len()
            ));
        }
        if self.empty_nodes > 0 {
            ctx.warnings.push(format!(
                "{} node(s) are empty objects: StrictDoc ≤0.8 writes composite requirements \
                 as {{}}: they are lost (StrictDoc 0.10.0 exports them)",
                self.empty_nodes
            ));
        }
        if !self.repeated.is_empty() {
            ctx.warnings.push(format!(
                "{} requirement(s) appear in more than one document ({}): StrictDoc's \
                 `--included-documents` writes an included document on its own and inside the \
                 document that includes it; each is read once",
                self.repeated.len(),
                self.repeated.join(", ")
            ));
        }
        for uid in self.conflicting {
            ctx.warnings.push(format!(
                "{uid} appears more than once with different content; the first is read"
            ));
        }
        out.append(&mut self.requirements);
    }
}

/// A node without its `_TOC` numbers (its own and its nested nodes'),
/// which differ between copies of it.
fn without_toc(node: &Value) -> Value {
    let mut node = node.clone();
    strip_toc(&mut node);
    node
}

fn strip_toc(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.remove("_TOC");
            fields.values_mut().for_each(strip_toc);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_toc),
        _ => {}
    }
}
