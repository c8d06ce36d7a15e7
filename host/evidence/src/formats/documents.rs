//! Controlled documents (SOPs, plans, release records) kept as markdown in
//! the repository, and the approvals tables they are signed in.
//!
//! A document has YAML front matter the way quality teams write it
//! (`../shared/seeds/SOP-014-production-control.md`):
//!
//! ```markdown
//! ---
//! id: SOP-014
//! title: Production Control (Build and Deployment)
//! status: approved
//! revision: 3
//! approvers: [quality-lead]
//! training: { required_departments: [Engineering] }
//! ---
//! ```
//!
//! and may carry an **approvals table**: a table under a heading that
//! names approvals (`# Approvals`, `## Approval`, `## Sign-off`) with a
//! name column (`Name`, `Approver`, `Signed by`), and optionally `Role`,
//! `Date` and `Commit` (the commit the approval is for). Each approver
//! signs by adding their row in a signed commit; the host finds that
//! commit with `git blame` and checks its signature (docs/release.md).
//!
//! * `id` is the front matter's, else the file name's leading `ABC-123`,
//!   else the file name.
//! * `status` is the front matter's; without one, a document whose
//!   approvals table has at least one sign-off is `approved`, any other
//!   `draft` — never approved by default.
//!
//! The same reader serves `[evidence] approvals`: a markdown file's
//! approvals table (a release's sign-off sheet) becomes approvals.

use std::io::BufRead;

use super::{ParseContext, front_matter, read_text, yaml_strings};
use crate::error::FormatError;
use crate::model::{Approval, ControlledDocument, Decision};

/// Reads one controlled document.
pub fn parse_document(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<ControlledDocument>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    let (value, body) = front_matter(&text)?;
    let value = value.unwrap_or(serde_norway::Value::Null);
    let text_of = |key: &str| -> Option<String> {
        match value.get(key)? {
            serde_norway::Value::String(s) => Some(s.trim().to_string()),
            serde_norway::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
        .filter(|s| !s.is_empty())
    };
    let signoffs = approvals_table(&text, ctx)?;
    let file_name = ctx
        .evidence_path
        .rsplit('/')
        .next()
        .unwrap_or(ctx.evidence_path);
    let id = text_of("id")
        .or_else(|| id_prefix(file_name))
        .unwrap_or_else(|| file_name.trim_end_matches(".md").to_string());
    let title = text_of("title")
        .or_else(|| first_heading(body))
        .unwrap_or_else(|| id.clone());
    let status = text_of("status").unwrap_or_else(|| {
        if signoffs.is_empty() {
            "draft"
        } else {
            "approved"
        }
        .to_string()
    });
    let approvers = yaml_strings(value.get("approvers"));
    out.push(ControlledDocument {
        id,
        title,
        status: status.to_ascii_lowercase(),
        revision: text_of("revision").or_else(|| text_of("version")),
        approvers,
        signoffs,
        path: ctx.evidence_path.to_string(),
    });
    Ok(())
}

/// Reads the approvals table of a markdown file as approvals.
pub fn parse_approvals(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Approval>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    let approvals = approvals_table(&text, ctx)?;
    if approvals.is_empty() {
        return Err(FormatError::whole_file(
            "no signed row in an approvals table: add a table with a `Name` column under an \
             `# Approvals` heading, one row per approver",
        ));
    }
    out.extend(approvals);
    Ok(())
}

fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| h.trim().to_string())
}

/// `SOP-014-production-control.md` → `SOP-014`.
fn id_prefix(file_name: &str) -> Option<String> {
    let letters = file_name
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    let rest = file_name.get(letters..)?.strip_prefix('-')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (letters > 0 && digits > 0).then(|| file_name[..letters + 1 + digits].to_string())
}

/// Cells of a markdown table row (`| a | b |`), trimmed.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

fn is_approvals_heading(line: &str) -> bool {
    let t = line.trim_start();
    if !t.starts_with('#') {
        return false;
    }
    let h = t.trim_start_matches('#').trim().to_ascii_lowercase();
    h.starts_with("approval") || h.starts_with("sign-off") || h.starts_with("signoff")
}

/// Every signed row of the first table under an approvals heading.
fn approvals_table(text: &str, ctx: &mut ParseContext<'_>) -> Result<Vec<Approval>, FormatError> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(heading) = lines.iter().position(|l| is_approvals_heading(l)) else {
        return Ok(Vec::new());
    };
    let mut i = heading + 1;
    while i < lines.len() && !lines[i].trim_start().starts_with('|') {
        if lines[i].trim_start().starts_with('#') {
            return Ok(Vec::new());
        }
        i += 1;
    }
    let Some(header) = lines.get(i) else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = cells(header)
        .into_iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let column = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let Some(name_col) = column(&["name", "approver", "signed by", "signatory"]) else {
        return Err(FormatError {
            message: format!(
                "the approvals table has no name column (its columns: {}); name one `Name`",
                header.join(", ")
            ),
            at: crate::error::At::LineColumn(i as u64 + 1, 1),
        });
    };
    let role_col = column(&["role", "roles", "function"]);
    let date_col = column(&["date", "signed", "signed on"]);
    let commit_col = column(&["commit", "approves commit", "for commit"]);
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate().skip(i + 1) {
        if !line.trim_start().starts_with('|') {
            break;
        }
        let row = cells(line);
        if row
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue; // the separator row
        }
        let get = |col: Option<usize>| {
            col.and_then(|c| row.get(c))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let Some(who) = get(Some(name_col)) else {
            continue; // an empty row left for the next signatory
        };
        let role = get(role_col);
        let line_no = n + 1;
        let mut source = format!("{}:{line_no}", ctx.evidence_path);
        if let Some(role) = &role {
            // What the row claims; the roles that count are `[roles]`'s.
            source.push_str(&format!(" (as {role})"));
        }
        out.push(Approval {
            who,
            roles: Vec::new(),
            decision: Decision::Approved,
            commit: get(commit_col),
            timestamp: get(date_col),
            source,
            signature_verified: false,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    fn ctx(options: &Options) -> ParseContext<'_> {
        ParseContext {
            evidence_path: "docs/SOP-020-release.md",
            options,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn the_seed_release_template_with_no_signature_is_a_draft() {
        let options = Options::default();
        let text = "---\nrevision: 1\ntitle: Release SOP\n---\n\n# Approvals\n\nAll approvers shall sign.\n\n| Name | Role | Date |\n|---|---|---|\n|      |      |      |\n|      |      ||\n\n# Purpose\n";
        let mut out = Vec::new();
        parse_document(&mut text.as_bytes(), &mut ctx(&options), &mut out).unwrap();
        let doc = &out[0];
        assert_eq!(doc.id, "SOP-020");
        assert_eq!(doc.title, "Release SOP");
        assert_eq!(doc.status, "draft");
        assert_eq!(doc.revision.as_deref(), Some("1"));
        assert!(doc.signoffs.is_empty());
    }

    #[test]
    fn signed_rows_become_signoffs_with_their_line() {
        let options = Options::default();
        let text = "# Release 2.1.0\n\n## Approvals\n\n| Name | Role | Date | Commit |\n| --- | --- | --- | --- |\n| Alice Q | Quality | 2026-11-20 | 1a2b3c4d |\n|  |  |  |  |\n| Bob R | Regulatory | 2026-11-21 | |\n\n## Notes\n| x |\n";
        let mut out = Vec::new();
        parse_approvals(&mut text.as_bytes(), &mut ctx(&options), &mut out).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].who, "Alice Q");
        assert_eq!(out[0].commit.as_deref(), Some("1a2b3c4d"));
        assert_eq!(out[0].source, "docs/SOP-020-release.md:7 (as Quality)");
        assert_eq!(out[1].timestamp.as_deref(), Some("2026-11-21"));
        assert_eq!(out[1].commit, None);
    }

    #[test]
    fn a_sheet_without_signatures_is_an_error_naming_the_fix() {
        let options = Options::default();
        let mut out = Vec::new();
        let err = parse_approvals(
            &mut "# Approvals\n\n| Who | When |\n|--|--|\n| a | b |\n".as_bytes(),
            &mut ctx(&options),
            &mut out,
        )
        .unwrap_err();
        assert!(err.message.contains("no name column"), "{}", err.message);
    }
}
