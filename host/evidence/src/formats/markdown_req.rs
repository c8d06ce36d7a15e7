//! Requirements kept as markdown files with YAML front matter, one item per
//! file, the way docs-as-code teams write them:
//!
//! ```markdown
//! ---
//! id: REQ-014
//! type: requirement        # or risk-control, …
//! status: approved
//! parents: [SYS-003]       # also `fulfills`, `links`
//! ---
//! # Alarm latency
//! The monitor shall …
//! ```
//!
//! `id` is required (a whole number is read as written: `id: 12` is "12");
//! the title is `title` or the first `#` heading; the kind is `type`
//! (default `requirement`); a risk control when the type, lower-cased with
//! spaces as `-` (`Risk Control`), is a risk-control kind, or
//! `risk-control` is true (YAML 1.1's `yes`/`on` too, a common habit).
//! Other keys are kept out of the model but allowed (documents carry
//! authors, reviewers, training…).

use std::io::BufRead;

use super::{ParseContext, front_matter, read_text, yaml_strings};
use crate::error::FormatError;
use crate::formats::doorstop::{RISK_CONTROL_KINDS, yaml11_bool};
use crate::model::{Location, Requirement};

pub fn parse(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Requirement>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    let (Some(value), after) = front_matter(&text)? else {
        return Err(FormatError::whole_file(
            "no YAML front matter: the file must start with `---`",
        ));
    };
    let get = |key: &str| value.get(key);
    let text_of = |key: &str| {
        get(key)
            .and_then(serde_norway::Value::as_str)
            .map(str::to_string)
    };
    let id = match get("id") {
        Some(serde_norway::Value::Number(n)) => number_id(n, &text)?,
        _ => text_of("id"),
    }
    .filter(|id| !id.trim().is_empty())
    .ok_or_else(|| {
        FormatError::whole_file("the front matter has no `id`; a requirement file names its id")
    })?;
    let kind = text_of("type").unwrap_or_else(|| "requirement".to_string());
    let mut parents = Vec::new();
    for key in ["parents", "parent", "fulfills", "links"] {
        for p in yaml_strings(get(key)) {
            if !parents.contains(&p) {
                parents.push(p);
            }
        }
    }
    let title = text_of("title").unwrap_or_else(|| {
        after
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or("")
            .trim()
            .to_string()
    });
    let type_name = kind.trim().to_lowercase().replace(' ', "-");
    let risk_control = RISK_CONTROL_KINDS.contains(&type_name.as_str())
        || ["risk-control", "risk_control"]
            .iter()
            .any(|k| match get(k) {
                Some(serde_norway::Value::Bool(b)) => *b,
                Some(serde_norway::Value::String(s)) => yaml11_bool(s) == Some(true),
                _ => false,
            });
    out.push(Requirement {
        id,
        title,
        kind,
        status: text_of("status"),
        parents,
        risk_control,
        verified_by: yaml_strings(get("verified-by")),
        suspect_links: Vec::new(),
        doorstop: None,
        link_stamps: Vec::new(),
        source: Location {
            file: ctx.evidence_path.to_string(),
            line: Some(1),
            column: None,
        },
    });
    Ok(())
}

/// A numeric `id` as the file writes it. YAML reads `id: 012` as 12 (and
/// PyYAML as 10): an id whose text is not the number's is refused rather
/// than guessed.
fn number_id(n: &serde_norway::Number, text: &str) -> Result<Option<String>, FormatError> {
    let written = text
        .lines()
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| v.split(" #").next().unwrap_or(v).trim());
    match (n.as_i64().map(|i| i.to_string()), written) {
        (Some(id), Some(w)) if id == w => Ok(Some(id)),
        _ => Err(FormatError::whole_file(format!(
            "`id: {}` is read as the number {n}; quote it (`id: \"…\"`) to keep it as written",
            written.unwrap_or_default()
        ))),
    }
}
