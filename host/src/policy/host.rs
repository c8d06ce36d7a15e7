//! The host side of the contract: answers a gate's evidence queries from an
//! index built once per run and shared by every gate, enforces that a gate
//! reads only the kinds it declared, and collects its log lines.

use std::sync::{Arc, OnceLock};

use regops_evidence::{self as ev, EvidenceKind};
use wasmtime::{ResourceLimiter, bail};

use super::bindings::regops::gate::{evidence, host};
use super::bindings::types as wit;
use super::convert;

/// Evidence plus the aggregates gates ask for, computed at most once per run.
pub struct EvidenceIndex {
    pub evidence: ev::Evidence,
    test_summary: OnceLock<wit::TestCounts>,
    coverage_summary: OnceLock<wit::CoverageTotals>,
    finding_summary: OnceLock<wit::FindingCounts>,
}

impl EvidenceIndex {
    pub fn new(evidence: ev::Evidence) -> Self {
        EvidenceIndex {
            evidence,
            test_summary: OnceLock::new(),
            coverage_summary: OnceLock::new(),
            finding_summary: OnceLock::new(),
        }
    }

    fn test_summary(&self) -> wit::TestCounts {
        *self.test_summary.get_or_init(|| {
            let mut s = wit::TestCounts {
                passed: 0,
                failed: 0,
                errored: 0,
                skipped: 0,
                flaky: 0,
            };
            for t in &self.evidence.tests {
                match t.status {
                    ev::TestStatus::Passed => s.passed += 1,
                    ev::TestStatus::Failed => s.failed += 1,
                    ev::TestStatus::Errored => s.errored += 1,
                    ev::TestStatus::Skipped => s.skipped += 1,
                }
                s.flaky += u32::from(t.flaky);
            }
            s
        })
    }

    fn coverage_summary(&self) -> wit::CoverageTotals {
        *self.coverage_summary.get_or_init(|| {
            let mut lines = ev::CoverageCounts::default();
            let mut branches: Option<ev::CoverageCounts> = None;
            for f in &self.evidence.coverage {
                lines.add(f.lines);
                if let Some(b) = f.branches {
                    branches.get_or_insert_default().add(b);
                }
            }
            wit::CoverageTotals {
                files: self.evidence.coverage.len() as u32,
                lines: convert::counts(lines),
                branches: branches.map(convert::counts),
            }
        })
    }

    fn finding_summary(&self) -> wit::FindingCounts {
        *self.finding_summary.get_or_init(|| {
            let mut s = wit::FindingCounts {
                error: 0,
                warning: 0,
                note: 0,
                none: 0,
                suppressed: 0,
            };
            for f in &self.evidence.findings {
                if f.is_suppressed() {
                    s.suppressed += 1;
                    continue;
                }
                match f.level {
                    ev::FindingLevel::Error => s.error += 1,
                    ev::FindingLevel::Warning => s.warning += 1,
                    ev::FindingLevel::Note => s.note += 1,
                    ev::FindingLevel::None => s.none += 1,
                }
            }
            s
        })
    }
}

/// Largest memory and table a gate may grow to.
#[derive(Debug, Clone, Copy)]
pub struct MemoryLimits {
    pub memory_bytes: usize,
    pub table_elements: usize,
}

/// A [`ResourceLimiter`] that remembers what it refused, so a trap can be
/// explained as "exceeded its memory limit" rather than a bare trap.
pub struct Limiter {
    limits: MemoryLimits,
    pub refused_memory: Option<usize>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limits.memory_bytes {
            self.refused_memory = Some(desired);
            bail!(
                "the gate tried to grow its memory to {desired} bytes, above its limit of {} bytes",
                self.limits.memory_bytes
            );
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limits.table_elements {
            bail!(
                "the gate tried to grow a table to {desired} elements, above its limit of {}",
                self.limits.table_elements
            );
        }
        Ok(true)
    }
}

/// Lines a gate may log before further lines are dropped.
const MAX_LOG_LINES: usize = 200;

/// Everything one gate evaluation's store holds.
pub struct GateState {
    evidence: Arc<EvidenceIndex>,
    /// Kinds the gate declared in `needs` or `uses`.
    allowed: Vec<EvidenceKind>,
    pub limiter: Limiter,
    pub logs: Vec<(host::LogLevel, String)>,
    /// The last filtered test query's matching indices, so paging through
    /// it costs one scan, not one per page.
    test_query: Option<(wit::TestFilter, Vec<u32>)>,
    finding_query: Option<(wit::FindingFilter, Vec<u32>)>,
    /// `REGOPS_TIMINGS`: when the current host call began, and the total.
    pub host_entered: Option<std::time::Instant>,
    pub host_time: std::time::Duration,
}

impl GateState {
    pub fn new(
        evidence: Arc<EvidenceIndex>,
        allowed: Vec<EvidenceKind>,
        limits: MemoryLimits,
    ) -> Self {
        GateState {
            evidence,
            allowed,
            limiter: Limiter {
                limits,
                refused_memory: None,
            },
            logs: Vec::new(),
            test_query: None,
            finding_query: None,
            host_entered: None,
            host_time: std::time::Duration::ZERO,
        }
    }

    fn require(&self, kind: EvidenceKind) -> wasmtime::Result<&ev::Evidence> {
        if !self.allowed.contains(&kind) {
            bail!(
                "the gate queried `{kind}` evidence, which it did not declare in `needs` or `uses` of describe()"
            );
        }
        Ok(&self.evidence.evidence)
    }
}

fn page<T, U>(items: &[T], start: u32, limit: u32, convert: impl Fn(&T) -> U) -> Vec<U> {
    items
        .iter()
        .skip(start as usize)
        .take(limit as usize)
        .map(convert)
        .collect()
}

fn matches<T: PartialEq>(allowed: &[T], value: &T) -> bool {
    allowed.is_empty() || allowed.contains(value)
}

impl wit::Host for GateState {}

impl host::Host for GateState {
    fn log(&mut self, level: host::LogLevel, message: String) {
        if self.logs.len() < MAX_LOG_LINES {
            self.logs.push((level, message));
        }
    }
}

impl evidence::Host for GateState {
    fn test_summary(&mut self) -> wasmtime::Result<wit::TestCounts> {
        self.require(EvidenceKind::Tests)?;
        Ok(self.evidence.test_summary())
    }

    fn test_cases(
        &mut self,
        filter: wit::TestFilter,
        start: u32,
        limit: u32,
    ) -> wasmtime::Result<Vec<wit::TestCase>> {
        self.require(EvidenceKind::Tests)?;
        let index = Arc::clone(&self.evidence);
        let tests = &index.evidence.tests;
        let cached = matches!(&self.test_query, Some((f, _)) if *f == filter);
        if !cached {
            let statuses: Vec<ev::TestStatus> = filter
                .statuses
                .iter()
                .map(|s| convert::test_status_from(*s))
                .collect();
            let indices = tests
                .iter()
                .enumerate()
                .filter(|(_, t)| matches(&statuses, &t.status))
                .filter(|(_, t)| matches(&filter.levels, &convert::test_level(t.level)))
                .filter(|(_, t)| {
                    filter
                        .requirement
                        .as_ref()
                        .is_none_or(|r| t.requirements.contains(r))
                })
                .map(|(i, _)| i as u32)
                .collect();
            self.test_query = Some((filter, indices));
        }
        let indices = self
            .test_query
            .as_ref()
            .map(|(_, i)| i.as_slice())
            .unwrap_or_default();
        Ok(page(indices, start, limit, |&i| {
            convert::test_case(&tests[i as usize])
        }))
    }

    fn coverage_summary(&mut self) -> wasmtime::Result<wit::CoverageTotals> {
        self.require(EvidenceKind::Coverage)?;
        Ok(self.evidence.coverage_summary())
    }

    fn coverage_files(
        &mut self,
        start: u32,
        limit: u32,
    ) -> wasmtime::Result<Vec<wit::FileCoverage>> {
        let files = &self.require(EvidenceKind::Coverage)?.coverage;
        Ok(page(files, start, limit, convert::file_coverage))
    }

    fn finding_summary(&mut self) -> wasmtime::Result<wit::FindingCounts> {
        self.require(EvidenceKind::Findings)?;
        Ok(self.evidence.finding_summary())
    }

    fn findings(
        &mut self,
        filter: wit::FindingFilter,
        start: u32,
        limit: u32,
    ) -> wasmtime::Result<Vec<wit::Finding>> {
        self.require(EvidenceKind::Findings)?;
        let index = Arc::clone(&self.evidence);
        let findings = &index.evidence.findings;
        let cached = matches!(&self.finding_query, Some((f, _)) if *f == filter);
        if !cached {
            let levels: Vec<ev::FindingLevel> = filter
                .levels
                .iter()
                .map(|l| convert::finding_level_from(*l))
                .collect();
            let indices = findings
                .iter()
                .enumerate()
                .filter(|(_, f)| matches(&levels, &f.level))
                .filter(|(_, f)| filter.suppressed.is_none_or(|s| s == f.is_suppressed()))
                .map(|(i, _)| i as u32)
                .collect();
            self.finding_query = Some((filter, indices));
        }
        let indices = self
            .finding_query
            .as_ref()
            .map(|(_, i)| i.as_slice())
            .unwrap_or_default();
        Ok(page(indices, start, limit, |&i| {
            convert::finding(&findings[i as usize])
        }))
    }

    fn components(&mut self, start: u32, limit: u32) -> wasmtime::Result<Vec<wit::Component>> {
        let components = &self.require(EvidenceKind::Components)?.components;
        Ok(page(components, start, limit, convert::component))
    }

    fn vulnerabilities(&mut self) -> wasmtime::Result<Vec<wit::Vulnerability>> {
        Ok(self
            .require(EvidenceKind::Vulnerabilities)?
            .vulnerabilities
            .iter()
            .map(convert::vulnerability)
            .collect())
    }

    fn vex_statements(&mut self) -> wasmtime::Result<Vec<wit::VexStatement>> {
        Ok(self
            .require(EvidenceKind::Vex)?
            .vex
            .iter()
            .map(convert::vex_statement)
            .collect())
    }

    fn requirements(&mut self) -> wasmtime::Result<Vec<wit::Requirement>> {
        Ok(self
            .require(EvidenceKind::Requirements)?
            .requirements
            .iter()
            .map(convert::requirement)
            .collect())
    }

    fn soup(&mut self) -> wasmtime::Result<Vec<wit::SoupItem>> {
        Ok(self
            .require(EvidenceKind::Soup)?
            .soup
            .iter()
            .map(convert::soup_item)
            .collect())
    }

    fn approvals(&mut self) -> wasmtime::Result<Vec<wit::Approval>> {
        Ok(self
            .require(EvidenceKind::Approvals)?
            .approvals
            .iter()
            .map(convert::approval)
            .collect())
    }

    fn anomalies(&mut self) -> wasmtime::Result<Vec<wit::Anomaly>> {
        Ok(self
            .require(EvidenceKind::Anomalies)?
            .anomalies
            .iter()
            .map(convert::anomaly)
            .collect())
    }

    fn release(&mut self) -> wasmtime::Result<Option<wit::ReleaseInfo>> {
        Ok(self
            .require(EvidenceKind::Release)?
            .release
            .as_ref()
            .map(convert::release))
    }

    fn deployments(&mut self) -> wasmtime::Result<Vec<wit::Deployment>> {
        Ok(self
            .require(EvidenceKind::Deployments)?
            .deployments
            .iter()
            .map(convert::deployment)
            .collect())
    }

    fn documents(&mut self) -> wasmtime::Result<Vec<wit::ControlledDocument>> {
        Ok(self
            .require(EvidenceKind::Documents)?
            .documents
            .iter()
            .map(convert::document)
            .collect())
    }

    fn change(&mut self) -> wasmtime::Result<Option<wit::ChangeRequest>> {
        Ok(self
            .require(EvidenceKind::Change)?
            .change
            .as_ref()
            .map(convert::change_request))
    }

    fn gate_results(&mut self) -> wasmtime::Result<Vec<wit::GateResult>> {
        Ok(self
            .require(EvidenceKind::GateResults)?
            .gate_results
            .iter()
            .map(convert::gate_result)
            .collect())
    }

    fn measurements(&mut self) -> wasmtime::Result<Vec<wit::Measurement>> {
        Ok(self
            .require(EvidenceKind::Measurements)?
            .measurements
            .iter()
            .map(convert::measurement)
            .collect())
    }
}
