//! A change under review with its approvals, `regops.change/v1`
//! (docs/change.md): what a forge other than GitHub, or a saved run,
//! provides for gate G2. regops reads GitHub pull requests from the API
//! itself.
//!
//! Roles written in the file are ignored: the host gives each approver the
//! roles `[roles]` grants them, so a role is never taken on a file's word.

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, read_json_document};
use crate::error::FormatError;
use crate::model::{Approval, ChangeRequest, Decision};

/// The value of `schema`.
pub const SCHEMA: &str = "regops.change/v1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Document {
    schema: String,
    id: String,
    title: String,
    #[serde(default)]
    url: Option<String>,
    author: String,
    #[serde(default)]
    co_authors: Vec<String>,
    head_commit: String,
    #[serde(default)]
    base_ref: Option<String>,
    #[serde(default)]
    changed_files: Vec<String>,
    #[serde(default)]
    linked_issues: Vec<String>,
    #[serde(default)]
    approvals: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    who: String,
    decision: Decision,
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// Reads one change record into `evidence.change` and its approvals into
/// `evidence.approvals`. A second change record is an error: one run judges
/// one change.
pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    evidence: &mut crate::Evidence,
) -> Result<(), FormatError> {
    let doc: Document = read_json_document(reader)?;
    if doc.schema != SCHEMA {
        return Err(FormatError::whole_file(format!(
            "`schema` is `{}`; this version of regops reads `{SCHEMA}`",
            doc.schema
        )));
    }
    if let Some(earlier) = &evidence.change {
        return Err(FormatError::whole_file(format!(
            "a second change record (the first is {}, from {}); list one change file",
            earlier.id, earlier.source
        )));
    }
    if doc.head_commit.trim().is_empty() {
        return Err(FormatError::whole_file(
            "`head-commit` is empty; it names the commit under review, which approvals must be on",
        ));
    }
    let source = ctx.evidence_path.to_string();
    evidence
        .approvals
        .extend(doc.approvals.into_iter().map(|a| Approval {
            who: a.who,
            roles: Vec::new(),
            decision: a.decision,
            commit: a.commit,
            timestamp: a.timestamp,
            source: a.source.unwrap_or_else(|| source.clone()),
            signature_verified: false,
        }));
    evidence.change = Some(ChangeRequest {
        id: doc.id,
        title: doc.title,
        url: doc.url,
        author: doc.author,
        co_authors: doc.co_authors,
        head_commit: doc.head_commit,
        base_ref: doc.base_ref,
        changed_files: doc.changed_files,
        linked_issues: doc.linked_issues,
        soup_changes: None,
        source,
    });
    Ok(())
}
