//! `regops trace`: the requirements traceability matrix — each requirement
//! and risk control, the test cases that name it, and what they show.
//!
//! Ids match without regard to case or `-`/`_` separators (`REQ-002`,
//! `req_002` and `REQ002` are one id), because test names and property
//! values spell them however the team's tools allow.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use regops_evidence::{Evidence, Requirement, TestCase, TestStatus};
use serde::Serialize;

/// What the tests show for one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    /// At least one test names it and every one that ran passed.
    Covered,
    /// A test that names it failed or errored.
    Failing,
    /// Tests name it but none ran (all skipped).
    Skipped,
    /// No test names it.
    Uncovered,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Covered => "covered",
            Coverage::Failing => "covered but failing",
            Coverage::Skipped => "only skipped tests",
            Coverage::Uncovered => "uncovered",
        }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub risk_control: bool,
    pub status: Option<String>,
    pub parents: Vec<String>,
    pub suspect_links: Vec<String>,
    pub coverage: Coverage,
    /// `(test id, status)` of every test naming it.
    pub tests: Vec<(String, TestStatus)>,
}

/// The matrix: rows in requirement order, and tests naming unknown ids.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub rows: Vec<Row>,
    /// `(test id, the unknown ids it names)`.
    pub orphans: Vec<(String, Vec<String>)>,
}

/// The id as matched: upper case, without `-`, `_`, `.` or spaces.
pub fn canonical(id: &str) -> String {
    id.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_uppercase)
        .collect()
}

pub fn build(evidence: &Evidence) -> Matrix {
    let known: BTreeSet<String> = evidence
        .requirements
        .iter()
        .map(|r| canonical(&r.id))
        .collect();
    let mut by_id: BTreeMap<String, Vec<&TestCase>> = BTreeMap::new();
    let mut orphans = Vec::new();
    for test in &evidence.tests {
        let mut unknown = Vec::new();
        for id in &test.requirements {
            let key = canonical(id);
            if known.contains(&key) {
                by_id.entry(key).or_default().push(test);
            } else if !unknown.contains(id) {
                unknown.push(id.clone());
            }
        }
        if !unknown.is_empty() {
            orphans.push((test.id.clone(), unknown));
        }
    }
    // A requirement's own `verified-by` links count like tests naming it.
    for requirement in evidence
        .requirements
        .iter()
        .filter(|r| !r.verified_by.is_empty())
    {
        let entry = by_id.entry(canonical(&requirement.id)).or_default();
        for test in evidence
            .tests
            .iter()
            .filter(|t| requirement.verified_by.contains(&t.id))
        {
            if !entry.iter().any(|t| t.id == test.id) {
                entry.push(test);
            }
        }
    }
    let rows = evidence
        .requirements
        .iter()
        .map(|r| {
            row(
                r,
                by_id.get(&canonical(&r.id)).map_or(&[][..], Vec::as_slice),
            )
        })
        .collect();
    Matrix { rows, orphans }
}

fn row(requirement: &Requirement, tests: &[&TestCase]) -> Row {
    let coverage = if tests.is_empty() {
        Coverage::Uncovered
    } else if tests
        .iter()
        .any(|t| matches!(t.status, TestStatus::Failed | TestStatus::Errored))
    {
        Coverage::Failing
    } else if tests.iter().all(|t| t.status == TestStatus::Skipped) {
        Coverage::Skipped
    } else {
        Coverage::Covered
    };
    Row {
        id: requirement.id.clone(),
        kind: requirement.kind.clone(),
        title: requirement.title.clone(),
        risk_control: requirement.risk_control,
        status: requirement.status.clone(),
        parents: requirement.parents.clone(),
        suspect_links: requirement.suspect_links.clone(),
        coverage,
        tests: tests.iter().map(|t| (t.id.clone(), t.status)).collect(),
    }
}

impl Matrix {
    fn count(&self, coverage: Coverage) -> usize {
        self.rows.iter().filter(|r| r.coverage == coverage).count()
    }

    fn headline(&self) -> String {
        format!(
            "{} requirements and risk controls: {} covered, {} covered but failing, {} only skipped, {} uncovered; \
             {} suspect links; {} tests naming unknown ids",
            self.rows.len(),
            self.count(Coverage::Covered),
            self.count(Coverage::Failing),
            self.count(Coverage::Skipped),
            self.count(Coverage::Uncovered),
            self.rows
                .iter()
                .map(|r| r.suspect_links.len())
                .sum::<usize>(),
            self.orphans.len()
        )
    }

    pub fn markdown(&self, product: &str) -> String {
        let cell = |t: &str| t.replace('|', "\\|").replace(['\n', '\r'], " ");
        let mut out = format!(
            "# Traceability matrix: {}\n\n{}.\n\n",
            cell(product),
            self.headline()
        );
        out.push_str("| id | kind | title | result | tests | suspect links |\n| --- | --- | --- | --- | --- | --- |\n");
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| {}{} | {} | {} | {} | {} | {} |",
                cell(&r.id),
                if r.risk_control {
                    " (risk control)"
                } else {
                    ""
                },
                cell(&r.kind),
                cell(&r.title),
                r.coverage.as_str(),
                r.tests
                    .iter()
                    .map(|(t, s)| format!("`{}` {}", cell(t), status_word(*s)))
                    .collect::<Vec<_>>()
                    .join("<br>"),
                cell(&r.suspect_links.join(", "))
            );
        }
        if !self.orphans.is_empty() {
            out.push_str(
                "\n## Tests naming unknown requirements\n\n| test | ids |\n| --- | --- |\n",
            );
            for (test, ids) in &self.orphans {
                let _ = writeln!(out, "| `{}` | {} |", cell(test), cell(&ids.join(", ")));
            }
        }
        out
    }

    pub fn csv(&self) -> anyhow::Result<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record([
            "id",
            "kind",
            "title",
            "risk_control",
            "status",
            "result",
            "tests",
            "suspect_links",
        ])?;
        for r in &self.rows {
            writer.write_record([
                r.id.as_str(),
                &r.kind,
                &r.title,
                if r.risk_control { "true" } else { "false" },
                r.status.as_deref().unwrap_or(""),
                r.coverage.as_str(),
                &r.tests
                    .iter()
                    .map(|(t, s)| format!("{t} ({})", status_word(*s)))
                    .collect::<Vec<_>>()
                    .join("; "),
                &r.suspect_links.join("; "),
            ])?;
        }
        for (test, ids) in &self.orphans {
            writer.write_record([
                "",
                "",
                "",
                "",
                "",
                "orphan test",
                &format!("{test} names {}", ids.join(", ")),
                "",
            ])?;
        }
        Ok(String::from_utf8(writer.into_inner()?)?)
    }

    /// One self-contained page: inline CSS, no script, no external fetch.
    pub fn html(&self, product: &str) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Traceability matrix: {p}</title><style>\
             body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b1f23}}\
             table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}}\
             th{{background:#f6f8fa}}td:first-child{{white-space:nowrap}}.covered{{background:#dafbe1}}.failing{{background:#ffebe9}}\
             .uncovered{{background:#fff8c5}}.skipped{{background:#eaeef2}}.rc{{font-size:11px;color:#8250df;display:block}}\
             .suspect{{color:#cf222e;font-weight:600}}code{{font-size:12px}}.legend span{{padding:2px 8px;margin-right:8px}}\
             </style></head><body>\n<h1>Traceability matrix: {p}</h1>\n<p>{h}.</p>\n\
             <p class=\"legend\"><span class=\"covered\">covered</span><span class=\"failing\">covered but failing</span>\
             <span class=\"skipped\">only skipped tests</span><span class=\"uncovered\">uncovered</span></p>\n\
             <table><thead><tr><th>id</th><th>title</th><th>result</th><th>tests</th><th>links</th></tr></thead><tbody>\n",
            p = escape(product),
            h = escape(&self.headline())
        );
        for r in &self.rows {
            let class = match r.coverage {
                Coverage::Covered => "covered",
                Coverage::Failing => "failing",
                Coverage::Skipped => "skipped",
                Coverage::Uncovered => "uncovered",
            };
            let tests = r
                .tests
                .iter()
                .map(|(t, s)| format!("<code>{}</code> {}", escape(t), status_word(*s)))
                .collect::<Vec<_>>()
                .join("<br>");
            let links = r
                .parents
                .iter()
                .map(|p| {
                    if r.suspect_links.contains(p) {
                        format!("<span class=\"suspect\">{} (suspect)</span>", escape(p))
                    } else {
                        escape(p)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "<tr class=\"{class}\"><td><strong>{}</strong>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&r.id),
                if r.risk_control {
                    "<span class=\"rc\">risk control</span>"
                } else {
                    ""
                },
                escape(&r.title),
                r.coverage.as_str(),
                tests,
                links
            );
        }
        out.push_str("</tbody></table>\n");
        if !self.orphans.is_empty() {
            out.push_str("<h2>Tests naming unknown requirements</h2>\n<ul>\n");
            for (test, ids) in &self.orphans {
                let _ = writeln!(
                    out,
                    "<li><code>{}</code>: {}</li>",
                    escape(test),
                    escape(&ids.join(", "))
                );
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</body></html>\n");
        out
    }
}

fn status_word(status: TestStatus) -> &'static str {
    match status {
        TestStatus::Passed => "passed",
        TestStatus::Failed => "failed",
        TestStatus::Errored => "errored",
        TestStatus::Skipped => "skipped",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_across_case_and_separators() {
        assert_eq!(canonical("REQ-002"), canonical("req_002"));
        assert_eq!(canonical("SRS001"), canonical("srs-001"));
        assert_ne!(canonical("REQ-002"), canonical("REQ-020"));
    }

    #[test]
    fn html_escapes_text_from_evidence() {
        assert_eq!(escape("<script>\"&"), "&lt;script&gt;&quot;&amp;");
    }
}
