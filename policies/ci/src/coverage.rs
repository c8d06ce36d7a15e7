//! Coverage checks: lines and branches against the class thresholds.

use regops_kit::*;

use crate::ACCEPTANCE;

pub(crate) fn coverage_check(
    id: &str,
    what: &str,
    counts: Option<CoverageCounts>,
    threshold: f64,
) -> Check {
    let check = CheckBuilder::new(id, ACCEPTANCE).threshold(Value::Ratio(threshold));
    let Some(counts) = counts.filter(|c| c.total > 0) else {
        if threshold > 0.0 {
            return check.fail(format!(
                "The coverage reports measured no {what}; the class requires {}. Measure {what} (e.g. `coverage run --branch`).",
                percent(threshold)
            ));
        }
        return check.pass(format!("No {what} measured; report-only at this class."));
    };
    let ratio = counts.covered as f64 / counts.total as f64;
    let check = check.measured(Value::Ratio(ratio));
    let numbers = format!(
        "{} of {} {what} covered ({})",
        counts.covered,
        counts.total,
        percent(ratio)
    );
    if threshold <= 0.0 {
        check.pass(format!("{numbers}; report-only at this class."))
    } else if ratio >= threshold {
        check.pass(format!(
            "{numbers}, at least the required {}.",
            percent(threshold)
        ))
    } else {
        check.fail(format!(
            "{numbers}, below the required {}. Add tests for the uncovered code.",
            percent(threshold)
        ))
    }
}

pub(crate) fn line_coverage(evidence: &dyn Evidence, threshold: f64) -> Check {
    coverage_check(
        "line-coverage",
        "lines",
        Some(evidence.coverage_summary().lines),
        threshold,
    )
}

pub(crate) fn branch_coverage(evidence: &dyn Evidence, threshold: f64) -> Check {
    coverage_check(
        "branch-coverage",
        "branches",
        evidence.coverage_summary().branches,
        threshold,
    )
}
