//! G1 Continuous integration: tests, coverage, static analysis and
//! vulnerabilities judged against per-safety-class thresholds.
//!
//! IEC 62304 sets no numbers; the defaults here are regops' and every one of
//! them can be overridden per class in `regops.toml`.

use regops_kit::*;

/// The built-in G1 gate.
pub struct CiGate;

regops_kit::gate!(CiGate);

const UNIT_VERIFICATION: &[&str] = &[
    "IEC 62304 5.5.5",
    "IEC 62304 5.6.3",
    "IEC 62304 5.6.7",
    "IEC 62304 9.8",
];
const ACCEPTANCE: &[&str] = &["IEC 62304 5.5.3", "IEC 62304 5.5.4"];
const DEFECTS: &[&str] = &["IEC 62304 5.1.12"];
const SOUP_ANOMALIES: &[&str] = &["IEC 62304 7.1.3", "IEC 62304 8.1.2"];

/// At most this many locations are attached to one check.
const MAX_LOCATIONS: usize = 100;

impl Gate for CiGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "ci".into(),
            name: "G1 Continuous integration".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Every automated test passed, coverage meets the safety class's bar, static analysis \
                      reports no unsuppressed error, and no unassessed vulnerability at or above the class's \
                      severity limit."
                .into(),
            clauses: vec![
                clause("IEC 62304 5.1.12", "Identification and avoidance of common software defects"),
                clause("IEC 62304 5.5.3", "Software unit acceptance criteria"),
                clause("IEC 62304 5.5.4", "Additional software unit acceptance criteria"),
                clause("IEC 62304 5.5.5", "Software unit verification"),
                clause("IEC 62304 5.6.3", "Software integration testing"),
                clause("IEC 62304 5.6.7", "Software integration test record contents"),
                clause("IEC 62304 7.1.3", "Evaluation of published SOUP anomaly lists"),
                clause("IEC 62304 8.1.2", "Identify SOUP"),
                clause("IEC 62304 9.8", "Test documentation contents"),
            ],
            needs: vec![EvidenceKind::Tests, EvidenceKind::Coverage, EvidenceKind::Findings],
            uses: vec![EvidenceKind::Vulnerabilities],
            params: vec![
                param_spec(
                    "line-coverage",
                    "Minimum fraction of executable lines covered (0 makes it report-only)",
                    ValueType::Ratio,
                    None,
                    [Value::Ratio(0.0), Value::Ratio(0.70), Value::Ratio(0.80)],
                ),
                param_spec(
                    "branch-coverage",
                    "Minimum fraction of branches covered (0 makes it report-only)",
                    ValueType::Ratio,
                    None,
                    [Value::Ratio(0.0), Value::Ratio(0.0), Value::Ratio(0.70)],
                ),
                param_spec(
                    "allow-skipped-tests",
                    "Skipped tests are acceptable without a waiver",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(false), Value::Flag(false)],
                ),
                param_spec(
                    "max-error-findings",
                    "Unsuppressed static-analysis results of level `error` allowed",
                    ValueType::Count,
                    None,
                    [Value::Count(0), Value::Count(0), Value::Count(0)],
                ),
                param_spec(
                    "require-suppression-justification",
                    "Every suppressed static-analysis result must state a justification",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(false), Value::Flag(true)],
                ),
                param_spec(
                    "require-vulnerability-scan",
                    "A vulnerability scan report must be present",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "vulnerability-severity",
                    "Unassessed vulnerabilities at or above this severity fail the gate",
                    ValueType::Severity,
                    None,
                    [
                        Value::Severity(Severity::Critical),
                        Value::Severity(Severity::High),
                        Value::Severity(Severity::Medium),
                    ],
                ),
            ],
            checks: vec![
                check_spec("tests-pass", "Every test case ran and passed", UNIT_VERIFICATION),
                check_spec("tests-skipped", "Skipped test cases are allowed at this class", ACCEPTANCE),
                check_spec("line-coverage", "Line coverage meets the class threshold", ACCEPTANCE),
                check_spec("branch-coverage", "Branch coverage meets the class threshold", ACCEPTANCE),
                check_spec("static-analysis", "No unsuppressed static-analysis error", DEFECTS),
                check_spec(
                    "suppressions-justified",
                    "Every suppressed static-analysis result is justified",
                    DEFECTS,
                ),
                check_spec(
                    "vulnerabilities",
                    "No unassessed vulnerability at or above the class severity limit",
                    SOUP_ANOMALIES,
                ),
            ],
        }
    }

    fn evaluate(
        ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        Ok(vec![
            tests_pass(evidence),
            tests_skipped(evidence, params.flag("allow-skipped-tests")?),
            line_coverage(evidence, params.ratio("line-coverage")?),
            branch_coverage(evidence, params.ratio("branch-coverage")?),
            static_analysis(evidence, params.count("max-error-findings")?),
            suppressions_justified(evidence, params.flag("require-suppression-justification")?),
            vulnerabilities(
                ctx,
                evidence,
                params.flag("require-vulnerability-scan")?,
                params.severity("vulnerability-severity")?,
            ),
        ])
    }
}

fn test_location(test: &TestCase) -> Location {
    test.source.clone().unwrap_or_else(|| Location {
        file: test.evidence.clone(),
        line: None,
        column: None,
    })
}

/// Names the first few items and says how many more there are.
fn list_names(names: &[String], shown: usize) -> String {
    let mut text = names
        .iter()
        .take(shown)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > shown {
        text.push_str(&format!(" and {} more", names.len() - shown));
    }
    text
}

fn tests_pass(evidence: &dyn Evidence) -> Check {
    let check = CheckBuilder::new("tests-pass", UNIT_VERIFICATION);
    let summary = evidence.test_summary();
    let total = summary.passed + summary.failed + summary.errored + summary.skipped;
    let bad = summary.failed + summary.errored;
    let check = check
        .measured(Value::Count(bad.into()))
        .threshold(Value::Count(0));
    if total == 0 {
        return check.fail(
            "The test reports contain no test case; a run that tested nothing verifies nothing.",
        );
    }
    if bad == 0 {
        let flaky = match summary.flaky {
            0 => String::new(),
            n => format!(" ({n} passed only on rerun)"),
        };
        return check.pass(format!(
            "All {} of {total} test cases that ran passed{flaky}.",
            summary.passed
        ));
    }
    let failing = evidence.test_cases(&TestFilter {
        statuses: vec![TestStatus::Failed, TestStatus::Errored],
        levels: vec![],
        requirement: None,
    });
    let names: Vec<String> = failing.iter().map(|t| t.id.clone()).collect();
    check
        .locations(failing.iter().take(MAX_LOCATIONS).map(test_location))
        .subjects(names.iter().cloned())
        .fail(format!(
        "{} failed and {} errored of {total} test cases: {}. Fix them or the code they test, then rerun the pipeline.",
        summary.failed,
        summary.errored,
        list_names(&names, 5)
    ))
}

fn tests_skipped(evidence: &dyn Evidence, allowed: bool) -> Check {
    let check = CheckBuilder::new("tests-skipped", ACCEPTANCE);
    let skipped = evidence.test_summary().skipped;
    let check = check.measured(Value::Count(skipped.into()));
    if skipped == 0 {
        return check.pass("No test case was skipped.");
    }
    if allowed {
        return check.pass(format!(
            "{skipped} test cases were skipped, which this safety class allows."
        ));
    }
    let cases = evidence.test_cases(&TestFilter {
        statuses: vec![TestStatus::Skipped],
        levels: vec![],
        requirement: None,
    });
    let names: Vec<String> = cases.iter().map(|t| t.id.clone()).collect();
    check
        .threshold(Value::Count(0))
        .locations(cases.iter().take(MAX_LOCATIONS).map(test_location))
        .subjects(names.iter().cloned())
        .fail(format!(
        "{skipped} test cases were skipped: {}. At this safety class every skip needs a waiver; run them or record one.",
        list_names(&names, 5)
    ))
}

fn coverage_check(id: &str, what: &str, counts: Option<CoverageCounts>, threshold: f64) -> Check {
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

fn line_coverage(evidence: &dyn Evidence, threshold: f64) -> Check {
    coverage_check(
        "line-coverage",
        "lines",
        Some(evidence.coverage_summary().lines),
        threshold,
    )
}

fn branch_coverage(evidence: &dyn Evidence, threshold: f64) -> Check {
    coverage_check(
        "branch-coverage",
        "branches",
        evidence.coverage_summary().branches,
        threshold,
    )
}

fn finding_location(f: &Finding) -> Location {
    f.location.clone().unwrap_or_else(|| Location {
        file: f.evidence.clone(),
        line: None,
        column: None,
    })
}

/// What a waiver names to cover a finding: its fingerprint, else where it is.
fn finding_subject(f: &Finding) -> String {
    if let Some(fingerprint) = &f.fingerprint {
        return fingerprint.clone();
    }
    let at = finding_location(f);
    match at.line {
        Some(line) => format!("{}/{}@{}:{line}", f.tool, f.rule, at.file),
        None => format!("{}/{}@{}", f.tool, f.rule, at.file),
    }
}

fn static_analysis(evidence: &dyn Evidence, allowed: u64) -> Check {
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
        list_names(&rules, 5)
    ))
}

fn suppressions_justified(evidence: &dyn Evidence, required: bool) -> Check {
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

fn severity_word(s: Severity) -> &'static str {
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
fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::None => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical | Severity::Unknown => 4,
    }
}

/// VEX `not_affected` (with a justification) and `fixed` clear a vulnerability.
fn is_cleared(v: &Vulnerability) -> bool {
    v.assessment.as_ref().is_some_and(|a| match a.status {
        VexStatus::Fixed => true,
        VexStatus::NotAffected => a
            .justification
            .as_deref()
            .is_some_and(|j| !j.trim().is_empty()),
        VexStatus::Affected | VexStatus::UnderInvestigation => false,
    })
}

fn vulnerabilities(
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

#[cfg(test)]
mod tests;
