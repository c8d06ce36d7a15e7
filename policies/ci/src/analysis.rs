//! Static-analysis checks: unsuppressed errors, justified suppressions.

use regops_kit::*;

use crate::{DEFECTS, MAX_LOCATIONS};

pub(crate) fn finding_location(f: &Finding) -> Location {
    f.location.clone().unwrap_or_else(|| Location {
        file: f.evidence.clone(),
        line: None,
        column: None,
    })
}

/// What a waiver names to cover a finding: tool, rule and file, then the
/// producer's fingerprint (`tool/rule@file#fingerprint`), else the line
/// (`tool/rule@file:line`). The fingerprint keeps a waiver on its finding
/// when lines move; tool, rule and file keep it off a copy of the same code
/// elsewhere, since some fingerprints hash the line's text alone
/// (flawfinder's `contextHash`, cppcheck's `hash`) and SARIF calls
/// `partialFingerprints` partial for that reason.
pub(crate) fn finding_subject(f: &Finding) -> String {
    let at = finding_location(f);
    match (&f.fingerprint, at.line) {
        (Some(fingerprint), _) => format!("{}/{}@{}#{fingerprint}", f.tool, f.rule, at.file),
        (None, Some(line)) => format!("{}/{}@{}:{line}", f.tool, f.rule, at.file),
        (None, None) => format!("{}/{}@{}", f.tool, f.rule, at.file),
    }
}

pub(crate) fn static_analysis(evidence: &dyn Evidence, allowed: u64) -> Check {
    let check = CheckBuilder::new("static-analysis", DEFECTS).threshold(Value::Count(allowed));
    let summary = evidence.finding_summary();
    let errors = u64::from(summary.error);
    let check = check.measured(Value::Count(errors));
    if errors <= allowed {
        return check.pass(format!(
            "{errors} unsuppressed error-level results ({} warnings, {} notes, {} suppressed).",
            summary.warning, summary.note, summary.suppressed
        ));
    }
    let findings = evidence.findings(&FindingFilter {
        levels: vec![FindingLevel::Error],
        suppressed: Some(false),
    });
    let rules: Vec<String> = findings
        .iter()
        .map(|f| format!("{}/{}", f.tool, f.rule))
        .collect();
    check
        .locations(findings.iter().take(MAX_LOCATIONS).map(finding_location))
        .subjects(findings.iter().map(finding_subject))
        .fail(format!(
        "{errors} unsuppressed error-level static-analysis results (at most {allowed} allowed): {}. \
         Fix them, or suppress each with a justification in the source.",
        quoted(&rules)
    ))
}

pub(crate) fn suppressions_justified(evidence: &dyn Evidence, required: bool) -> Check {
    let check = CheckBuilder::new("suppressions-justified", DEFECTS);
    let suppressed = evidence.findings(&FindingFilter {
        levels: vec![],
        suppressed: Some(true),
    });
    let unjustified: Vec<&Finding> = suppressed
        .iter()
        .filter(|f| {
            f.suppressions.iter().any(|s| {
                s.justification
                    .as_deref()
                    .is_none_or(|j| j.trim().is_empty())
            })
        })
        .collect();
    let check = check.measured(Value::Count(unjustified.len() as u64));
    if unjustified.is_empty() {
        return check.pass(format!(
            "All {} suppressed results state a justification.",
            suppressed.len()
        ));
    }
    let message = format!(
        "{} of {} suppressed results state no justification.",
        unjustified.len(),
        suppressed.len()
    );
    let check = check
        .locations(
            unjustified
                .iter()
                .take(MAX_LOCATIONS)
                .map(|f| finding_location(f)),
        )
        .subjects(unjustified.iter().map(|f| finding_subject(f)));
    if required {
        check.threshold(Value::Count(0)).fail(format!(
            "{message} This class requires one for each; add it to the suppression."
        ))
    } else {
        check.pass(format!("{message} Not required at this class."))
    }
}
