//! G1 Continuous integration: tests, coverage, static analysis, SOUP
//! identification and vulnerabilities judged against per-safety-class
//! thresholds.
//!
//! IEC 62304 sets no numbers; the defaults here are regops' and every one of
//! them can be overridden per class in `regops.toml`.

use regops_kit::*;

mod analysis;
mod coverage;
mod supply;
mod verification;

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
            uses: vec![
                EvidenceKind::Vulnerabilities,
                EvidenceKind::Vex,
                EvidenceKind::Components,
                EvidenceKind::Soup,
            ],
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
                param_spec(
                    "allow-flaky-tests",
                    "Tests that passed only on a rerun are acceptable",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(false)],
                ),
                param_spec(
                    "require-sbom",
                    "An SBOM must be present",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "require-component-hashes",
                    "Every SBOM component must carry a hash",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(false), Value::Flag(true)],
                ),
                param_spec(
                    "require-soup-register",
                    "Every SBOM component must be in the SOUP register (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "require-soup-review",
                    "Every shipped SOUP item must name a reviewer and record its anomaly-list review (advisory when false)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
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
                    "tests-flaky",
                    "Tests that passed only on a rerun are allowed at this class",
                    UNIT_VERIFICATION,
                ),
                check_spec(
                    "sbom-identification",
                    "Every SBOM component has a name, version and purl (and a hash where required)",
                    &["IEC 62304 8.1.2"],
                ),
                check_spec(
                    "soup-register",
                    "Every SBOM component is in the SOUP register at the version shipped",
                    &["IEC 62304 8.1.2"],
                ),
                check_spec(
                    "soup-reviewed",
                    "Every shipped SOUP item was reviewed, including its anomaly list",
                    &["IEC 62304 7.1.3"],
                ),
                check_spec(
                    "vex-justified",
                    "Every not_affected VEX statement states a justification",
                    &["IEC 62304 7.1.3"],
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
            verification::tests_pass(evidence),
            verification::tests_skipped(evidence, params.flag("allow-skipped-tests")?),
            verification::tests_flaky(evidence, params.flag("allow-flaky-tests")?),
            coverage::line_coverage(evidence, params.ratio("line-coverage")?),
            coverage::branch_coverage(evidence, params.ratio("branch-coverage")?),
            analysis::static_analysis(evidence, params.count("max-error-findings")?),
            analysis::suppressions_justified(
                evidence,
                params.flag("require-suppression-justification")?,
            ),
            supply::sbom_identification(
                ctx,
                evidence,
                params.flag("require-sbom")?,
                params.flag("require-component-hashes")?,
            ),
            supply::soup_register(ctx, evidence, params.flag("require-soup-register")?),
            supply::soup_reviewed(ctx, evidence, params.flag("require-soup-review")?),
            supply::vulnerabilities(
                ctx,
                evidence,
                params.flag("require-vulnerability-scan")?,
                params.severity("vulnerability-severity")?,
            ),
            supply::vex_justified(ctx, evidence),
        ])
    }
}

#[cfg(test)]
mod tests;
