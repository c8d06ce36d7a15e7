//! `regops policy inspect`: what a gate declares — clauses, evidence,
//! parameters with their per-class defaults, checks — and what it imports.

use std::fmt::Write;

use crate::policy::bindings::types as wit;
use crate::policy::{Policy, value_from};

fn kinds(kinds: &[wit::EvidenceKind]) -> String {
    if kinds.is_empty() {
        return "none".to_string();
    }
    kinds
        .iter()
        .map(|k| crate::policy::evidence_kind_from(*k).as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_name(t: wit::ValueType) -> &'static str {
    match t {
        wit::ValueType::Flag => "flag",
        wit::ValueType::Count => "count",
        wit::ValueType::Ratio => "ratio",
        wit::ValueType::Number => "number",
        wit::ValueType::Text => "text",
        wit::ValueType::Severity => "severity",
    }
}

/// A markdown rendering of a gate's declaration, readable in a terminal.
pub fn render(policy: &Policy) -> String {
    let info = &policy.info;
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({} {})\n", info.name, info.id, info.version);
    let _ = writeln!(out, "{}\n", info.summary);
    let _ = writeln!(out, "- source: {}", policy.source);
    let _ = writeln!(out, "- sha256: {}", policy.sha256);
    let _ = writeln!(out, "- needs: {}", kinds(&info.needs));
    let _ = writeln!(out, "- uses when present: {}", kinds(&info.uses));
    let _ = writeln!(out, "- imports: {}", policy.imports.join(", "));

    let _ = writeln!(out, "\n## Parameters\n");
    let _ = writeln!(out, "| name | type | A | B | C | description |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for p in &info.params {
        let unit = p
            .unit
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{}` | {}{unit} | {} | {} | {} | {} |",
            p.name,
            type_name(p.type_),
            value_from(&p.defaults.a),
            value_from(&p.defaults.b),
            value_from(&p.defaults.c),
            p.doc
        );
    }

    let _ = writeln!(out, "\n## Checks\n");
    let _ = writeln!(out, "| id | what | clauses |");
    let _ = writeln!(out, "| --- | --- | --- |");
    for c in &info.checks {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            c.id,
            c.title,
            c.clauses.join(", ")
        );
    }

    let _ = writeln!(out, "\n## Clauses\n");
    for c in &info.clauses {
        let _ = writeln!(out, "- {} — {}", c.id, c.title);
    }
    out
}
