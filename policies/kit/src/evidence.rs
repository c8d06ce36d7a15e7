//! Evidence as a gate sees it: a trait over the host's queries.

use crate::bindings::regops::gate::evidence as host;
use crate::*;

/// How many records one host query returns at most.
const PAGE: u32 = 1024;

/// Read access to the normalised evidence. [`HostEvidence`] asks the host;
/// [`crate::testing::FixedEvidence`] serves records from memory in tests.
pub trait Evidence {
    fn test_summary(&self) -> TestCounts;
    fn test_cases(&self, filter: &TestFilter) -> Vec<TestCase>;
    fn coverage_summary(&self) -> CoverageTotals;
    fn coverage_files(&self) -> Vec<FileCoverage>;
    fn finding_summary(&self) -> FindingCounts;
    fn findings(&self, filter: &FindingFilter) -> Vec<Finding>;
    fn components(&self) -> Vec<Component>;
    fn vulnerabilities(&self) -> Vec<Vulnerability>;
    fn vex_statements(&self) -> Vec<VexStatement>;
    fn requirements(&self) -> Vec<Requirement>;
    fn soup(&self) -> Vec<SoupItem>;
    fn approvals(&self) -> Vec<Approval>;
    fn anomalies(&self) -> Vec<Anomaly>;
    fn release(&self) -> Option<ReleaseInfo>;
    fn deployments(&self) -> Vec<Deployment>;
    fn documents(&self) -> Vec<ControlledDocument>;
    fn change(&self) -> Option<ChangeRequest>;
    fn gate_results(&self) -> Vec<GateResult>;
    fn measurements(&self) -> Vec<Measurement>;
}

/// The evidence the host holds for this evaluation.
pub struct HostEvidence;

/// Collects a paged query into one list.
fn all_pages<T>(mut page: impl FnMut(u32, u32) -> Vec<T>) -> Vec<T> {
    let mut out = Vec::new();
    loop {
        let batch = page(out.len() as u32, PAGE);
        let last = (batch.len() as u32) < PAGE;
        out.extend(batch);
        if last {
            return out;
        }
    }
}

impl Evidence for HostEvidence {
    fn test_summary(&self) -> TestCounts {
        host::test_summary()
    }
    fn test_cases(&self, filter: &TestFilter) -> Vec<TestCase> {
        all_pages(|start, limit| host::test_cases(filter, start, limit))
    }
    fn coverage_summary(&self) -> CoverageTotals {
        host::coverage_summary()
    }
    fn coverage_files(&self) -> Vec<FileCoverage> {
        all_pages(host::coverage_files)
    }
    fn finding_summary(&self) -> FindingCounts {
        host::finding_summary()
    }
    fn findings(&self, filter: &FindingFilter) -> Vec<Finding> {
        all_pages(|start, limit| host::findings(filter, start, limit))
    }
    fn components(&self) -> Vec<Component> {
        all_pages(host::components)
    }
    fn vulnerabilities(&self) -> Vec<Vulnerability> {
        host::vulnerabilities()
    }
    fn vex_statements(&self) -> Vec<VexStatement> {
        host::vex_statements()
    }
    fn requirements(&self) -> Vec<Requirement> {
        host::requirements()
    }
    fn soup(&self) -> Vec<SoupItem> {
        host::soup()
    }
    fn approvals(&self) -> Vec<Approval> {
        host::approvals()
    }
    fn anomalies(&self) -> Vec<Anomaly> {
        host::anomalies()
    }
    fn release(&self) -> Option<ReleaseInfo> {
        host::release()
    }
    fn deployments(&self) -> Vec<Deployment> {
        host::deployments()
    }
    fn documents(&self) -> Vec<ControlledDocument> {
        host::documents()
    }
    fn change(&self) -> Option<ChangeRequest> {
        host::change()
    }
    fn gate_results(&self) -> Vec<GateResult> {
        host::gate_results()
    }
    fn measurements(&self) -> Vec<Measurement> {
        host::measurements()
    }
}
