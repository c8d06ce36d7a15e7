//! The terminal rendering: one block per gate, one line per check.

use std::fmt::Write;

use super::Report;
use crate::verdict::{Check, Outcome};

fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Off => "OFF",
        Outcome::Pass => "PASS",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Error => "ERROR",
    }
}

/// Locations shown per check before "and N more".
const SHOWN_LOCATIONS: usize = 5;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "regops {} · {} · safety class {}",
        report.regops_version, report.product, report.safety_class
    );
    for gate in &report.gates {
        let digest = gate
            .policy
            .sha256
            .as_deref()
            .map(|d| format!(" sha256:{}", &d[..d.len().min(12)]))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n{} {} ({}{digest})",
            label(gate.outcome),
            gate.name,
            gate.policy.source
        );
        for check in &gate.checks {
            render_check(&mut out, check);
        }
    }
    let failing = report
        .gates
        .iter()
        .filter(|g| !g.outcome.is_success())
        .count();
    let _ = writeln!(
        out,
        "\n{}: {} of {} gates passed; {} evidence files",
        label(report.outcome),
        report.gates.len() - failing,
        report.gates.len(),
        report.evidence.len()
    );
    out
}

fn render_check(out: &mut String, check: &Check) {
    let clauses = if check.clauses.is_empty() {
        String::new()
    } else {
        format!(" [{}]", check.clauses.join(", "))
    };
    let _ = writeln!(out, "  {:<5} {}{clauses}", label(check.outcome), check.id);
    let _ = writeln!(out, "        {}", check.message);
    if check.outcome.is_success() {
        return;
    }
    for location in check.locations.iter().take(SHOWN_LOCATIONS) {
        let mut at = location.file.clone();
        if let Some(line) = location.line {
            let _ = write!(at, ":{line}");
            if let Some(column) = location.column {
                let _ = write!(at, ":{column}");
            }
        }
        let _ = writeln!(out, "        at {at}");
    }
    if check.locations.len() > SHOWN_LOCATIONS {
        let _ = writeln!(
            out,
            "        and {} more",
            check.locations.len() - SHOWN_LOCATIONS
        );
    }
}
