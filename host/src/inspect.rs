//! `regops policy inspect`: what a gate is — its metadata, the contract
//! version it was built against, its imports and exports — and what it
//! declares: clauses, evidence, parameters with their per-class defaults,
//! checks.

use std::fmt::Write;

use anyhow::Context as _;

use crate::policy::bindings::types as wit;
use crate::policy::reference::Reference;
use crate::policy::{BUILTINS, Policy, Sandbox, contract, find_builtin, value_from};

/// Loads a gate by built-in id (`ci`), `builtin:<id>`, component file, or
/// `https://` / `oci://` reference (fetched to be reviewed before it is
/// pinned: it runs only `describe()`, in the sandbox).
pub fn load(gate: &str) -> anyhow::Result<Policy> {
    let sandbox = Sandbox::new(Default::default())?;
    let id = gate.strip_prefix("builtin:").unwrap_or(gate);
    match find_builtin(id) {
        Some(builtin) => sandbox.load_builtin(builtin),
        None if gate.contains("://") => {
            let resolved = Reference::parse(gate, std::path::Path::new("."))
                .and_then(|reference| reference.resolve())
                .map_err(anyhow::Error::msg)?;
            sandbox.load_component(gate.to_string(), resolved.sha256, &resolved.bytes)
        }
        None => {
            let bytes = std::fs::read(gate).with_context(|| {
                let known: Vec<&str> = BUILTINS.iter().map(|b| b.id).collect();
                format!(
                    "`{gate}` is neither a built-in gate ({}) nor a readable component file",
                    known.join(", ")
                )
            })?;
            let sha256 = crate::digest::sha256_hex(&bytes);
            sandbox.load_component(gate.to_string(), sha256, &bytes)
        }
    }
    .map_err(anyhow::Error::msg)
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

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
    let facts = &policy.facts;
    let _ = writeln!(out, "- source: {}", policy.source);
    let _ = writeln!(out, "- sha256: {}", policy.sha256);
    let _ = writeln!(out, "- size: {} bytes", facts.size);
    let _ = writeln!(
        out,
        "- contract: {} (this regops implements regops:gate@{})",
        facts.wit_package().as_deref().unwrap_or("unknown"),
        contract::CONTRACT_VERSION
    );
    let _ = writeln!(out, "- needs: {}", kinds(&info.needs));
    let _ = writeln!(out, "- uses when present: {}", kinds(&info.uses));
    let _ = writeln!(out, "- imports: {}", policy.imports.join(", "));
    let _ = writeln!(out, "- exports: {}", list(&facts.exports));

    let _ = writeln!(out, "\n## Metadata (`{}`)\n", contract::METADATA_SECTION);
    match &facts.metadata {
        None => {
            let _ = writeln!(
                out,
                "none: the component has no `{}` section",
                contract::METADATA_SECTION
            );
        }
        Some(m) => {
            let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
            let _ = writeln!(out, "- gate: {}", or_none(&m.gate));
            let _ = writeln!(out, "- version: {}", or_none(&m.version));
            let authors = if m.authors.is_empty() {
                "—".to_string()
            } else {
                m.authors.join(", ")
            };
            let _ = writeln!(out, "- authors: {authors}");
            let _ = writeln!(out, "- source: {}", or_none(&m.source));
            let _ = writeln!(out, "- minimum regops: {}", or_none(&m.min_regops));
        }
    }

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
