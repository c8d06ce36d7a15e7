//! The GitHub Actions channels that need no API: the job summary
//! (`$GITHUB_STEP_SUMMARY`), step outputs (`$GITHUB_OUTPUT`) and
//! workflow-command annotations. Text from evidence is untrusted: it is
//! escaped so it can neither break the markdown nor inject a command.

use std::fmt::Write;

use super::{GateReport, Report};
use crate::verdict::{Check, Outcome};

/// GitHub refuses a step summary over 1 MiB; stay below with room for the marker.
pub const SUMMARY_LIMIT: usize = 1024 * 1024 - 1024;
/// GitHub shows at most this many annotations of each kind per step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// The outcome with an emoji, for markdown.
pub fn symbol(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Off => "⏸️ off",
        Outcome::Pass => "✅ pass",
        Outcome::Warn => "⚠️ warn",
        Outcome::Fail => "❌ fail",
        Outcome::Error => "⛔ error",
    }
}

/// Text from evidence inside a markdown table cell: no pipes, no HTML, one line.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '`' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A mermaid label: quotes and brackets would end it.
fn label(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '"' | '[' | ']' | '{' | '}' | '<' | '>' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One gate as markdown: policy and digest, then a table of its checks.
pub fn gate_section(gate: &GateReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {} {}\n", symbol(gate.outcome), cell(&gate.name));
    let digest = gate.policy.sha256.as_deref().unwrap_or("unknown");
    let _ = writeln!(
        out,
        "Policy `{}` · sha256 `{digest}`\n",
        cell(&gate.policy.source)
    );
    let _ = writeln!(
        out,
        "| outcome | check | clauses | measured | required | finding |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for check in &gate.checks {
        let value = |v: &Option<crate::verdict::Value>| {
            v.as_ref().map(|v| cell(&v.to_string())).unwrap_or_default()
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            symbol(check.outcome),
            cell(&check.id),
            cell(&check.clauses.join(", ")),
            value(&check.measured),
            value(&check.threshold),
            cell(&check.message)
        );
    }
    out.push('\n');
    out
}

/// The job summary: outcome, the gate pipeline as a diagram, one section
/// per gate, and the evidence with its digests. Kept under GitHub's limit.
pub fn job_summary(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## regops: {} · {} · safety class {}\n",
        symbol(report.outcome),
        cell(&report.product),
        report.safety_class
    );
    let _ = writeln!(out, "```mermaid\nflowchart LR");
    for (i, gate) in report.gates.iter().enumerate() {
        let _ = writeln!(
            out,
            "  g{i}[\"{}<br/>{}\"]:::{}",
            label(&gate.name),
            gate.outcome.as_str(),
            gate.outcome.as_str()
        );
        if i > 0 {
            let _ = writeln!(out, "  g{} --> g{i}", i - 1);
        }
    }
    let _ = writeln!(
        out,
        "  classDef pass fill:#d4edda,stroke:#28a745\n  classDef warn fill:#fff3cd,stroke:#ffc107\n  \
         classDef fail fill:#f8d7da,stroke:#dc3545\n  classDef error fill:#f8d7da,stroke:#721c24\n```\n"
    );
    let tail = evidence_section(report);
    let marker = "\n> ✂️ The summary was cut here to stay under GitHub's 1 MiB limit; the JSON report has everything.\n\n";
    let mut cut = false;
    for gate in &report.gates {
        let section = gate_section(gate);
        if out.len() + section.len() + tail.len() + marker.len() > SUMMARY_LIMIT {
            cut = true;
            break;
        }
        out.push_str(&section);
    }
    if cut {
        out.push_str(marker);
    }
    if out.len() + tail.len() <= SUMMARY_LIMIT {
        out.push_str(&tail);
    }
    out
}

/// The evidence files with their digests, as a markdown table.
pub fn evidence_section(report: &Report) -> String {
    let mut out = String::from(
        "### Evidence\n\n| file | kind | format | sha256 |\n| --- | --- | --- | --- |\n",
    );
    for file in &report.evidence {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | `{}` |",
            cell(&file.path),
            file.kind,
            file.format,
            file.sha256
        );
    }
    out
}

/// Lines for `$GITHUB_OUTPUT`: `outcome`, `gate-<id>` per gate, `report`.
/// Each value uses the heredoc form with a delimiter the value cannot hold.
pub fn outputs(report: &Report, report_path: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = vec![("outcome".into(), report.outcome.as_str().into())];
    for gate in &report.gates {
        pairs.push((format!("gate-{}", gate.id), gate.outcome.as_str().into()));
    }
    if let Some(path) = report_path {
        pairs.push(("report".into(), path.to_string()));
    }
    let mut out = String::new();
    for (name, value) in pairs {
        let mut delimiter = String::from("REGOPS_EOF");
        while value.contains(&delimiter) || name.contains(&delimiter) {
            delimiter.push('_');
        }
        let _ = write!(out, "{name}<<{delimiter}\n{value}\n{delimiter}\n");
    }
    out
}

/// Escapes workflow-command data (the message).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `::error`/`::warning` commands for the locations of checks not met,
/// worst first, at most [`ANNOTATIONS_PER_KIND`] of each kind; a last
/// notice says how many were left out.
pub fn annotations(report: &Report) -> Vec<String> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut left_out = 0usize;
    for gate in &report.gates {
        for check in &gate.checks {
            let (kind, list) = match check.outcome {
                Outcome::Fail | Outcome::Error => ("error", &mut errors),
                Outcome::Warn => ("warning", &mut warnings),
                Outcome::Off | Outcome::Pass => continue,
            };
            for command in check_commands(kind, gate, check) {
                if list.len() < ANNOTATIONS_PER_KIND {
                    list.push(command);
                } else {
                    left_out += 1;
                }
            }
        }
    }
    errors.append(&mut warnings);
    if left_out > 0 {
        errors.push(format!(
            "::notice title=regops::{left_out} more annotations were not shown (GitHub shows {ANNOTATIONS_PER_KIND} of each kind per step); see the job summary or the JSON report"
        ));
    }
    errors
}

fn check_commands(kind: &str, gate: &GateReport, check: &Check) -> Vec<String> {
    let title = escape_property(&format!("{}: {}", gate.name, check.id));
    let message = escape_data(&check.message);
    if check.locations.is_empty() {
        return vec![format!("::{kind} title={title}::{message}")];
    }
    check
        .locations
        .iter()
        .map(|l| {
            let mut props = format!("file={}", escape_property(&l.file));
            if let Some(line) = l.line {
                let _ = write!(props, ",line={line}");
                if let Some(column) = l.column {
                    let _ = write!(props, ",col={column}");
                }
            }
            format!("::{kind} {props},title={title}::{message}")
        })
        .collect()
}

/// Wraps untrusted text so the runner treats every line as plain output:
/// `::stop-commands::` with a token the text does not contain.
pub fn without_commands(text: &str, token: &str) -> String {
    format!("::stop-commands::{token}\n{text}::{token}::\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_data_cannot_start_a_new_line() {
        assert_eq!(
            escape_data("50% done\n::set-env name=X::1"),
            "50%25 done%0A::set-env name=X::1"
        );
        assert_eq!(escape_property("a.py:3,4"), "a.py%3A3%2C4");
    }

    #[test]
    fn table_cells_keep_the_table_intact() {
        assert_eq!(cell("a|b\n<script>`x`"), "a\\|b &lt;script&gt;'x'");
    }

    #[test]
    fn mermaid_labels_lose_what_would_end_them() {
        assert_eq!(label("G1 \"CI\" [x]"), "G1  CI   x ");
    }
}
