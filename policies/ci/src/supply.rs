//! Supply-chain checks: known vulnerabilities and their assessments.

use regops_kit::*;

use crate::{MAX_LOCATIONS, SOUP_ANOMALIES, list_names};

pub(crate) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::None => "none",
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
        Severity::Unknown => "unknown",
    }
}

/// Unknown severity ranks as the worst case: nobody showed it is less.
pub(crate) fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::None => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical | Severity::Unknown => 4,
    }
}

/// VEX `not_affected` (with a justification) and `fixed` clear a vulnerability.
pub(crate) fn is_cleared(v: &Vulnerability) -> bool {
    v.assessment.as_ref().is_some_and(|a| match a.status {
        VexStatus::Fixed => true,
        VexStatus::NotAffected => a
            .justification
            .as_deref()
            .is_some_and(|j| !j.trim().is_empty()),
        VexStatus::Affected | VexStatus::UnderInvestigation => false,
    })
}

pub(crate) fn vulnerabilities(
    ctx: &Context,
    evidence: &dyn Evidence,
    required: bool,
    limit: Severity,
) -> Check {
    let check =
        CheckBuilder::new("vulnerabilities", SOUP_ANOMALIES).threshold(Value::Severity(limit));
    if !ctx.available.contains(&EvidenceKind::Vulnerabilities) {
        let message = "No vulnerability scan report was provided";
        return if required {
            check.fail(format!(
                "{message}; this class requires one. Add a scanner's report under `vulnerabilities` in [evidence]."
            ))
        } else {
            check.pass(format!("{message}; not required at this class."))
        };
    }
    let all = evidence.vulnerabilities();
    let open: Vec<&Vulnerability> = all
        .iter()
        .filter(|v| severity_rank(v.severity) >= severity_rank(limit) && !is_cleared(v))
        .collect();
    let check = check.measured(Value::Count(open.len() as u64));
    if open.is_empty() {
        return check.pass(format!(
            "{} known vulnerabilities; none at or above {} is unassessed.",
            all.len(),
            severity_word(limit)
        ));
    }
    let names: Vec<String> = open
        .iter()
        .map(|v| {
            let version = v
                .version
                .as_deref()
                .map(|x| format!("@{x}"))
                .unwrap_or_default();
            format!(
                "{} in {}{version} ({})",
                v.id,
                v.package,
                severity_word(v.severity)
            )
        })
        .collect();
    let unknown = if open.iter().any(|v| v.severity == Severity::Unknown) {
        " A vulnerability whose scanner gives no severity counts as the worst case."
    } else {
        ""
    };
    check
        .locations(open.iter().take(MAX_LOCATIONS).map(|v| Location {
            file: v.evidence.clone(),
            line: None,
            column: None,
        }))
        .subjects(open.iter().map(|v| v.id.clone()))
        .fail(format!(
            "{} unassessed vulnerabilities at or above {}: {}. Upgrade to a fixed version, or record a VEX \
             statement (`not_affected` with a justification, or `fixed`).{unknown}",
            open.len(),
            severity_word(limit),
            list_names(&names, 5)
        ))
}
