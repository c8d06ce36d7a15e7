//! Native testing of gate logic: evidence held in memory, and the context
//! the host would build from a gate's own defaults.

use crate::*;

/// Evidence served from memory, with the host's filter semantics.
#[derive(Default, Clone)]
pub struct FixedEvidence {
    pub tests: Vec<TestCase>,
    pub coverage: Vec<FileCoverage>,
    pub findings: Vec<Finding>,
    pub components: Vec<Component>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub vex: Vec<VexStatement>,
    pub requirements: Vec<Requirement>,
    pub soup: Vec<SoupItem>,
    pub approvals: Vec<Approval>,
    pub anomalies: Vec<Anomaly>,
    pub release: Option<ReleaseInfo>,
    pub deployments: Vec<Deployment>,
    pub documents: Vec<ControlledDocument>,
    pub change: Option<ChangeRequest>,
    pub gate_results: Vec<GateResult>,
    pub measurements: Vec<Measurement>,
}

fn matches<T: PartialEq>(allowed: &[T], value: &T) -> bool {
    allowed.is_empty() || allowed.contains(value)
}

/// SARIF §3.34: suppressed when every suppression is accepted.
pub fn is_suppressed(finding: &Finding) -> bool {
    !finding.suppressions.is_empty()
        && finding
            .suppressions
            .iter()
            .all(|s| s.status == SuppressionStatus::Accepted)
}

impl Evidence for FixedEvidence {
    fn test_summary(&self) -> TestCounts {
        let mut s = TestCounts {
            passed: 0,
            failed: 0,
            errored: 0,
            skipped: 0,
            flaky: 0,
        };
        for t in &self.tests {
            match t.status {
                TestStatus::Passed => s.passed += 1,
                TestStatus::Failed => s.failed += 1,
                TestStatus::Errored => s.errored += 1,
                TestStatus::Skipped => s.skipped += 1,
            }
            s.flaky += u32::from(t.flaky);
        }
        s
    }

    fn test_cases(&self, filter: &TestFilter) -> Vec<TestCase> {
        self.tests
            .iter()
            .filter(|t| matches(&filter.statuses, &t.status) && matches(&filter.levels, &t.level))
            .filter(|t| {
                filter
                    .requirement
                    .as_ref()
                    .is_none_or(|r| t.requirements.contains(r))
            })
            .cloned()
            .collect()
    }

    fn coverage_summary(&self) -> CoverageTotals {
        let mut lines = CoverageCounts {
            covered: 0,
            total: 0,
        };
        let mut branches: Option<CoverageCounts> = None;
        for f in &self.coverage {
            lines.covered += f.lines.covered;
            lines.total += f.lines.total;
            if let Some(b) = f.branches {
                let acc = branches.get_or_insert(CoverageCounts {
                    covered: 0,
                    total: 0,
                });
                acc.covered += b.covered;
                acc.total += b.total;
            }
        }
        CoverageTotals {
            files: self.coverage.len() as u32,
            lines,
            branches,
        }
    }

    fn coverage_files(&self) -> Vec<FileCoverage> {
        self.coverage.clone()
    }

    fn finding_summary(&self) -> FindingCounts {
        let mut s = FindingCounts {
            error: 0,
            warning: 0,
            note: 0,
            none: 0,
            suppressed: 0,
        };
        for f in &self.findings {
            if is_suppressed(f) {
                s.suppressed += 1;
                continue;
            }
            match f.level {
                FindingLevel::Error => s.error += 1,
                FindingLevel::Warning => s.warning += 1,
                FindingLevel::Note => s.note += 1,
                FindingLevel::None => s.none += 1,
            }
        }
        s
    }

    fn findings(&self, filter: &FindingFilter) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| matches(&filter.levels, &f.level))
            .filter(|f| filter.suppressed.is_none_or(|s| s == is_suppressed(f)))
            .cloned()
            .collect()
    }

    fn components(&self) -> Vec<Component> {
        self.components.clone()
    }
    fn vulnerabilities(&self) -> Vec<Vulnerability> {
        self.vulnerabilities.clone()
    }
    fn vex_statements(&self) -> Vec<VexStatement> {
        self.vex.clone()
    }
    fn requirements(&self) -> Vec<Requirement> {
        self.requirements.clone()
    }
    fn soup(&self) -> Vec<SoupItem> {
        self.soup.clone()
    }
    fn approvals(&self) -> Vec<Approval> {
        self.approvals.clone()
    }
    fn anomalies(&self) -> Vec<Anomaly> {
        self.anomalies.clone()
    }
    fn release(&self) -> Option<ReleaseInfo> {
        self.release.clone()
    }
    fn deployments(&self) -> Vec<Deployment> {
        self.deployments.clone()
    }
    fn documents(&self) -> Vec<ControlledDocument> {
        self.documents.clone()
    }
    fn change(&self) -> Option<ChangeRequest> {
        self.change.clone()
    }
    fn gate_results(&self) -> Vec<GateResult> {
        self.gate_results.clone()
    }
    fn measurements(&self) -> Vec<Measurement> {
        self.measurements.clone()
    }
}

/// The context the host builds for `class`: every declared parameter at its
/// class default, then `overrides` applied.
pub fn context<G: Gate>(
    class: SafetyClass,
    overrides: &[(&str, Value)],
    available: &[EvidenceKind],
) -> Context {
    let info = G::describe();
    let params = info
        .params
        .iter()
        .map(|spec| {
            let value = overrides
                .iter()
                .find(|(name, _)| *name == spec.name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| match class {
                    SafetyClass::A => spec.defaults.a.clone(),
                    SafetyClass::B => spec.defaults.b.clone(),
                    SafetyClass::C => spec.defaults.c.clone(),
                });
            Param {
                name: spec.name.clone(),
                value,
            }
        })
        .collect();
    Context {
        product: "test-product".to_string(),
        safety_class: class,
        params,
        available: available.to_vec(),
    }
}

/// A test case with the given suite, name and status.
pub fn test_case(suite: &str, name: &str, status: TestStatus) -> TestCase {
    TestCase {
        id: format!("{suite}::{name}"),
        suite: suite.to_string(),
        name: name.to_string(),
        source: None,
        status,
        duration_ms: None,
        message: None,
        flaky: false,
        requirements: Vec::new(),
        level: TestLevel::Unspecified,
        evidence: "junit.xml".to_string(),
    }
}

/// The check `id` of a verdict; panics naming the checks there are.
pub fn check<'a>(verdict: &'a Verdict, id: &str) -> &'a Check {
    verdict
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {:#?}", verdict.checks))
}
