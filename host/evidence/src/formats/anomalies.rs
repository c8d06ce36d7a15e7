//! Known anomalies (open defects), from the issue tracker the team already
//! keeps:
//!
//! * **GitHub issues JSON** — the REST API's list of issues
//!   (`GET /repos/{owner}/{repo}/issues?labels=anomaly&state=open`, as `gh api`
//!   saves it) or `gh issue list --label anomaly --json
//!   number,title,labels,body,url,state`. Closed issues and pull requests
//!   (which the REST list mixes in) are not anomalies and are left out.
//! * **An anomaly list in YAML** — `anomalies:` followed by items with `id`,
//!   `title`, `severity` and `evaluation`, for trackers regops cannot read.
//!
//! The evaluation IEC 62304 5.8.3 asks for is read from the issue itself:
//! the severity from a label `severity:<level>` (also `severity/<level>`,
//! `severity: <level>`), the rationale from a body section headed
//! `Evaluation`, `Anomaly evaluation` or `Rationale` (any heading level),
//! up to the next heading. An issue without them is an anomaly not yet
//! evaluated — which gate G5 judges, not the parser.

use std::io::BufRead;

use serde::Deserialize;

use super::{ParseContext, from_yaml, read_json_document, read_text};
use crate::error::FormatError;
use crate::model::Anomaly;

#[derive(Deserialize)]
struct Issue {
    number: u64,
    title: String,
    #[serde(default)]
    labels: Vec<Label>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    state: Option<String>,
    /// The REST API's web address (`gh` writes `url`).
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    url: Option<String>,
    /// Present when the "issue" is a pull request (REST list only).
    #[serde(default)]
    pull_request: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Label {
    Named { name: String },
    Bare(String),
}

impl Label {
    fn name(&self) -> &str {
        match self {
            Label::Named { name } | Label::Bare(name) => name,
        }
    }
}

/// Reads a GitHub issue list.
pub fn parse_github(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Anomaly>,
) -> Result<(), FormatError> {
    let issues: Vec<Issue> = read_json_document(reader)?;
    for issue in issues {
        if issue.pull_request.is_some()
            || issue
                .state
                .as_deref()
                .is_some_and(|s| !s.eq_ignore_ascii_case("open"))
        {
            continue;
        }
        let severity = issue.labels.iter().find_map(|l| severity_label(l.name()));
        let evaluation = issue.body.as_deref().and_then(evaluation_section);
        let web = issue
            .html_url
            .or(issue.url.filter(|u| !u.contains("api.")))
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        out.push(Anomaly {
            id: format!("#{}", issue.number),
            title: issue.title,
            severity,
            evaluation,
            source: format!("{}{web}", ctx.evidence_path),
        });
    }
    Ok(())
}

/// `severity:high`, `severity/high`, `Severity: High` → `high`.
pub fn severity_label(label: &str) -> Option<String> {
    let lower = label.trim().to_ascii_lowercase();
    let rest = ["severity", "sev"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))?;
    // A separator must follow: `several` is no severity label.
    let level = rest.strip_prefix([':', '/', '-', '=', ' '])?;
    let level = level.trim_start_matches([':', ' ']).trim();
    (!level.is_empty()).then(|| level.to_string())
}

/// The text under an `Evaluation` / `Rationale` heading, up to the next
/// heading; `None` when there is no such section or it is empty.
pub fn evaluation_section(body: &str) -> Option<String> {
    let mut lines = body.lines();
    lines.by_ref().find(|l| {
        heading(l).is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h == "evaluation" || h == "anomaly evaluation" || h == "rationale"
        })
    })?;
    let text: Vec<&str> = lines
        .take_while(|l| heading(l).is_none())
        .map(str::trim_end)
        .collect();
    let text = text.join("\n").trim().to_string();
    // An unfilled template section ("<!-- … -->", "TODO") is no evaluation.
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with("<!--") && l.trim() != "TODO");
    meaningful.then_some(text)
}

/// A markdown ATX heading's text.
fn heading(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    (1..=6)
        .contains(&hashes)
        .then(|| t[hashes..].trim().trim_end_matches('#').trim())
        .filter(|h| !h.is_empty() && t[hashes..].starts_with(' '))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnomalyList {
    anomalies: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: serde_norway::Value,
    title: String,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    evaluation: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// Reads an anomaly list in YAML.
pub fn parse_yaml(
    reader: &mut dyn BufRead,
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<Anomaly>,
) -> Result<(), FormatError> {
    let text = read_text(reader)?;
    let list: AnomalyList = from_yaml(&text, "not an anomaly list", 0)?;
    for entry in list.anomalies {
        let id = match entry.id {
            serde_norway::Value::String(s) => s,
            serde_norway::Value::Number(n) => n.to_string(),
            other => {
                return Err(FormatError::whole_file(format!(
                    "anomaly `{}`: `id` must be text or a number, not {other:?}",
                    entry.title
                )));
            }
        };
        let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        out.push(Anomaly {
            id,
            title: entry.title,
            severity: blank(entry.severity),
            evaluation: blank(entry.evaluation),
            source: match entry.url {
                Some(url) => format!("{} ({url})", ctx.evidence_path),
                None => ctx.evidence_path.to_string(),
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_comes_from_the_label_in_its_common_spellings() {
        assert_eq!(severity_label("severity:high").as_deref(), Some("high"));
        assert_eq!(severity_label("Severity: Minor").as_deref(), Some("minor"));
        assert_eq!(severity_label("severity/low").as_deref(), Some("low"));
        assert_eq!(severity_label("sev-2").as_deref(), Some("2"));
        assert_eq!(severity_label("severity"), None);
        assert_eq!(severity_label("bug"), None);
        assert_eq!(severity_label("several"), None);
    }

    #[test]
    fn the_evaluation_is_the_section_under_its_heading() {
        let body = "Steps to reproduce\n\n## Evaluation\nNo harm: the alarm still fires.\nChecked by QA.\n\n## Workaround\nRestart.";
        assert_eq!(
            evaluation_section(body).as_deref(),
            Some("No harm: the alarm still fires.\nChecked by QA.")
        );
        assert_eq!(
            evaluation_section("### Rationale\n\n<!-- fill in -->\n"),
            None
        );
        assert_eq!(evaluation_section("#Evaluation\ntext"), None);
        assert_eq!(evaluation_section("no sections"), None);
    }
}
