//! G4 Integration verification: integration and system tests pass, and
//! every requirement and risk control in scope is traced to a passing test.
//!
//! Requirement ids match without regard to case or `-`/`_`/`.` separators,
//! as `regops trace` matches them, so the gate and the matrix agree.

use std::collections::{BTreeMap, BTreeSet};

use regops_kit::*;

/// The built-in G4 gate.
pub struct IntegrationGate;

regops_kit::gate!(IntegrationGate);

const INTEGRATION: &[&str] = &[
    "IEC 62304 5.6.4",
    "IEC 62304 5.6.5",
    "IEC 62304 5.6.7",
    "IEC 62304 9.8",
];
const SYSTEM: &[&str] = &["IEC 62304 5.7.1", "IEC 62304 5.7.4", "IEC 62304 5.7.5"];
const RISK: &[&str] = &["IEC 62304 7.3.1", "IEC 62304 7.3.3", "IEC 62304 5.7.1"];
const TRACE: &[&str] = &["IEC 62304 5.7.1", "IEC 62304 8.1.3"];
const CAPACITY: &[&str] = &["IEC 62304 5.7.1", "IEC 62304 5.7.4", "IEC 62304 9.8"];
const APPROVAL: &[&str] = &["IEC 62304 5.6.6", "IEC 62304 5.7.4", "IEC 62304 9.8"];

/// Statuses that take a requirement out of scope by default.
const EXCLUDED: &str = "draft, proposed, rejected, obsolete, deprecated, deleted";

impl Gate for IntegrationGate {
    fn describe() -> GateInfo {
        GateInfo {
            id: "integration".into(),
            name: "G4 Integration verification".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            summary: "Integration and system tests pass, and every requirement and risk control in scope is \
                      traced to a passing test."
                .into(),
            clauses: vec![
                clause("IEC 62304 5.6.4", "Software integration testing content"),
                clause("IEC 62304 5.6.5", "Evaluate software integration test procedures"),
                clause("IEC 62304 5.6.6", "Conduct regression tests"),
                clause("IEC 62304 5.6.7", "Software integration test record contents"),
                clause("IEC 62304 5.7.1", "Establish tests for each software requirement"),
                clause("IEC 62304 5.7.4", "Evaluate software system testing"),
                clause("IEC 62304 5.7.5", "Software system test record contents"),
                clause("IEC 62304 7.3.1", "Verify risk control measures"),
                clause("IEC 62304 7.3.3", "Document traceability"),
                clause("IEC 62304 8.1.3", "Identify system configuration documentation"),
                clause("IEC 62304 9.8", "Test documentation contents"),
            ],
            needs: vec![EvidenceKind::Tests, EvidenceKind::Requirements],
            uses: vec![
                EvidenceKind::Measurements,
                EvidenceKind::Approvals,
                EvidenceKind::Release,
            ],
            params: vec![
                param_spec(
                    "require-integration-tests",
                    "Results of tests marked integration or system (`level` on the [evidence] entry) must be present",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(true), Value::Flag(true)],
                ),
                param_spec(
                    "requirement-coverage",
                    "Fraction of requirements in scope traced to passing tests (0 makes it report-only)",
                    ValueType::Ratio,
                    None,
                    [Value::Ratio(0.0), Value::Ratio(1.0), Value::Ratio(1.0)],
                ),
                param_spec(
                    "risk-control-coverage",
                    "Fraction of risk controls in scope traced to passing tests (0 makes it report-only)",
                    ValueType::Ratio,
                    None,
                    [Value::Ratio(0.0), Value::Ratio(1.0), Value::Ratio(1.0)],
                ),
                param_spec(
                    "allow-suspect-links",
                    "Links whose parent changed since they were reviewed are acceptable",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(false), Value::Flag(false)],
                ),
                param_spec(
                    "allow-unknown-requirements",
                    "Tests may name requirement ids that no requirement file defines",
                    ValueType::Flag,
                    None,
                    [Value::Flag(true), Value::Flag(true), Value::Flag(false)],
                ),
                param_spec(
                    "excluded-statuses",
                    "Comma-separated requirement statuses that are out of scope",
                    ValueType::Text,
                    None,
                    [Value::Text(EXCLUDED.into()), Value::Text(EXCLUDED.into()), Value::Text(EXCLUDED.into())],
                ),
                param_spec(
                    "excluded-kinds",
                    "Comma-separated requirement kinds that are out of scope (e.g. sphinx-needs `impl`); never risk controls",
                    ValueType::Text,
                    None,
                    [Value::Text(String::new()), Value::Text(String::new()), Value::Text(String::new())],
                ),
                param_spec(
                    "require-capacity-tests",
                    "Capacity budgets ([capacity]) must be set and results given (when false, budgets set are still enforced)",
                    ValueType::Flag,
                    None,
                    [Value::Flag(false), Value::Flag(false), Value::Flag(true)],
                ),
                param_spec(
                    "approval-role",
                    "The [roles] role that approves integration testing",
                    ValueType::Text,
                    None,
                    [Value::Text("test-lead".into()), Value::Text("test-lead".into()), Value::Text("test-lead".into())],
                ),
                param_spec(
                    "min-approvals",
                    "Approvals of the integration test results by holders of the approval role",
                    ValueType::Count,
                    Some("approvals"),
                    [Value::Count(0), Value::Count(1), Value::Count(1)],
                ),
            ],
            checks: vec![
                check_spec("integration-tests-pass", "Integration and system tests ran and passed", INTEGRATION),
                check_spec("requirement-coverage", "Requirements in scope are traced to passing tests", SYSTEM),
                check_spec("risk-control-coverage", "Risk controls in scope are traced to passing tests", RISK),
                check_spec("suspect-links", "No trace link is suspect (its parent changed since review)", TRACE),
                check_spec("unknown-requirements", "Tests name only requirements that exist", TRACE),
                check_spec("capacity", "Capacity tests ran and stayed within their budgets", CAPACITY),
                check_spec("integration-approval", "The test lead approved the integration test results", APPROVAL),
            ],
        }
    }

    fn evaluate(
        _ctx: &Context,
        params: &Params,
        evidence: &dyn Evidence,
    ) -> Result<Vec<Check>, ParamError> {
        let tests = evidence.test_cases(&TestFilter {
            statuses: vec![],
            levels: vec![],
            requirement: None,
        });
        let excluded = lowercase_list(params.text("excluded-statuses")?);
        let excluded_kinds = lowercase_list(params.text("excluded-kinds")?);
        let requirements: Vec<Requirement> = evidence
            .requirements()
            .into_iter()
            .filter(|r| {
                !r.status
                    .as_ref()
                    .is_some_and(|s| excluded.contains(&s.to_ascii_lowercase()))
            })
            // A risk control stays in scope whatever its kind.
            .filter(|r| r.risk_control || !excluded_kinds.contains(&r.kind.to_ascii_lowercase()))
            .collect();
        let trace = Trace::new(&tests, &requirements);
        Ok(vec![
            integration_tests(&tests, params.flag("require-integration-tests")?),
            coverage(
                "requirement-coverage",
                SYSTEM,
                "requirements",
                requirements.iter().filter(|r| !r.risk_control),
                &trace,
                params.ratio("requirement-coverage")?,
            ),
            coverage(
                "risk-control-coverage",
                RISK,
                "risk controls",
                requirements.iter().filter(|r| r.risk_control),
                &trace,
                params.ratio("risk-control-coverage")?,
            ),
            suspect_links(&requirements, params.flag("allow-suspect-links")?),
            unknown_requirements(
                &evidence.requirements(),
                &tests,
                params.flag("allow-unknown-requirements")?,
            ),
            capacity(
                &evidence.measurements(),
                params.flag("require-capacity-tests")?,
            ),
            integration_approval(
                &evidence.approvals(),
                evidence.release().and_then(|r| r.commit),
                params.text("approval-role")?,
                params.count("min-approvals")?,
            ),
        ])
    }
}

/// The id as matched: upper case, without `-`, `_`, `.` or spaces.
/// Every budgeted measurement ran and is within its budget.
fn capacity(measurements: &[Measurement], required: bool) -> Check {
    let budgeted: Vec<&Measurement> = measurements
        .iter()
        .filter(|m| m.budget_max.is_some() || m.budget_min.is_some())
        .collect();
    let check = CheckBuilder::new("capacity", CAPACITY);
    if budgeted.is_empty() {
        let message = "No capacity budget is set: name each capacity test's limit under [capacity] in \
                       regops.toml and list its results (pytest-benchmark or hyperfine JSON) under \
                       `measurements` in [evidence].";
        return if required {
            check.fail(message)
        } else {
            check.pass(format!("Not required at this class. {message}"))
        };
    }
    let mut problems = Vec::new();
    let mut subjects = Vec::new();
    let mut locations = Vec::new();
    for m in &budgeted {
        let label = format!("{} ({})", m.name, m.statistic);
        let problem = match m.value {
            None => Some(format!(
                "{label}: no result (the capacity test did not run or is named differently)"
            )),
            Some(v) if m.budget_max.is_some_and(|max| v > max) => Some(format!(
                "{label}: {} {} over the budget of {} {}",
                fmt(v),
                m.unit,
                fmt(m.budget_max.unwrap_or_default()),
                m.unit
            )),
            Some(v) if m.budget_min.is_some_and(|min| v < min) => Some(format!(
                "{label}: {} {} under the minimum of {} {}",
                fmt(v),
                m.unit,
                fmt(m.budget_min.unwrap_or_default()),
                m.unit
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            problems.push(problem);
            subjects.push(m.name.clone());
            locations.push(m.source.clone());
        }
    }
    let check = check
        .measured(Value::Count((budgeted.len() - problems.len()) as u64))
        .threshold(Value::Count(budgeted.len() as u64))
        .subjects(subjects)
        .locations(locations);
    if problems.is_empty() {
        return check.pass(format!(
            "All {} budgeted capacity measurements are within budget.",
            budgeted.len()
        ));
    }
    check.fail(format!("{}.", problems.join("; ")))
}

/// A number without needless digits: 0.0123 → `0.0123`, 12.5 → `12.5`.
fn fmt(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The test lead approved the integration results of this commit.
fn integration_approval(
    approvals: &[Approval],
    commit: Option<String>,
    role: &str,
    min: u64,
) -> Check {
    let counted: Vec<String> = approvals
        .iter()
        .filter(|a| a.decision == Decision::Approved && a.roles.iter().any(|r| r == role))
        // An approval naming another commit approved other results.
        .filter(|a| match (&a.commit, &commit) {
            (Some(c), Some(head)) => same_commit(c, head),
            _ => true,
        })
        .map(|a| a.who.clone())
        .fold(Vec::new(), |mut people: Vec<String>, who| {
            if !people.iter().any(|p| same_person(p, &who)) {
                people.push(who);
            }
            people
        });
    let check = CheckBuilder::new("integration-approval", APPROVAL)
        .measured(Value::Count(counted.len() as u64))
        .threshold(Value::Count(min))
        .subjects(counted.clone());
    if min == 0 {
        return check.pass("Integration approval is not required at this class.");
    }
    if counted.len() as u64 >= min {
        return check.pass(format!(
            "Integration test results approved by {}.",
            quoted(&counted)
        ));
    }
    check.fail(format!(
        "{} of {min} approvals of the integration results by the `{role}` role{}. The test lead signs \
         the approvals table listed under `approvals` in [evidence] (or an `Approved-by:` trailer), \
         and [roles] grants them `{role}`.",
        counted.len(),
        commit.map(|c| format!(" for commit {}", short(&c))).unwrap_or_default()
    ))
}

fn canonical(id: &str) -> String {
    id.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Test statuses by requirement: the tests naming it, and those its
/// `verified-by` links name.
struct Trace {
    by_id: BTreeMap<String, Vec<(String, TestStatus)>>,
}

impl Trace {
    fn new(tests: &[TestCase], requirements: &[Requirement]) -> Trace {
        let mut by_id: BTreeMap<String, Vec<(String, TestStatus)>> = BTreeMap::new();
        for test in tests {
            for id in &test.requirements {
                by_id
                    .entry(canonical(id))
                    .or_default()
                    .push((test.id.clone(), test.status));
            }
        }
        for requirement in requirements.iter().filter(|r| !r.verified_by.is_empty()) {
            let entry = by_id.entry(canonical(&requirement.id)).or_default();
            for test in tests
                .iter()
                .filter(|t| requirement.verified_by.contains(&t.id))
            {
                if !entry.iter().any(|(id, _)| *id == test.id) {
                    entry.push((test.id.clone(), test.status));
                }
            }
        }
        Trace { by_id }
    }

    /// Covered: named by a test, none of which failed, at least one passed.
    fn verdict(&self, id: &str) -> Result<(), String> {
        let Some(tests) = self.by_id.get(&canonical(id)) else {
            return Err("no test names it".to_string());
        };
        if let Some((test, status)) = tests
            .iter()
            .find(|(_, s)| matches!(s, TestStatus::Failed | TestStatus::Errored))
        {
            return Err(format!(
                "`{test}` {}",
                if *status == TestStatus::Failed {
                    "failed"
                } else {
                    "errored"
                }
            ));
        }
        if tests.iter().all(|(_, s)| *s == TestStatus::Skipped) {
            return Err("its tests were all skipped".to_string());
        }
        Ok(())
    }
}

fn integration_tests(tests: &[TestCase], required: bool) -> Check {
    let check = CheckBuilder::new("integration-tests-pass", INTEGRATION);
    let levelled: Vec<&TestCase> = tests
        .iter()
        .filter(|t| matches!(t.level, TestLevel::Integration | TestLevel::System))
        .collect();
    let bad: Vec<&TestCase> = levelled
        .iter()
        .copied()
        .filter(|t| matches!(t.status, TestStatus::Failed | TestStatus::Errored))
        .collect();
    let check = check
        .measured(Value::Count(bad.len() as u64))
        .threshold(Value::Count(0));
    if levelled.is_empty() {
        let message = "No test results are marked integration or system: add `level = \"integration\"` (or \
                       \"system\") to their entry under `tests` in [evidence].";
        return if required {
            check.fail(message)
        } else {
            check.pass(format!("{message} Not required at this class."))
        };
    }
    if bad.is_empty() {
        return check.pass(format!(
            "All {} integration and system test cases passed or were skipped.",
            levelled.len()
        ));
    }
    let names: Vec<String> = bad.iter().map(|t| t.id.clone()).collect();
    check
        .subjects(names.iter().cloned())
        .locations(bad.iter().filter_map(|t| t.source.clone()).take(100))
        .fail(format!(
            "{} of {} integration and system test cases failed or errored: {}.",
            bad.len(),
            levelled.len(),
            quoted(&names)
        ))
}

fn coverage<'a>(
    id: &str,
    clauses: &[&str],
    what: &str,
    items: impl Iterator<Item = &'a Requirement>,
    trace: &Trace,
    min: f64,
) -> Check {
    let items: Vec<&Requirement> = items.collect();
    let problems: Vec<(String, String, Location)> = items
        .iter()
        .filter_map(|r| {
            trace
                .verdict(&r.id)
                .err()
                .map(|why| (r.id.clone(), why, r.source.clone()))
        })
        .collect();
    let total = items.len();
    let covered = total - problems.len();
    let ratio = if total == 0 {
        1.0
    } else {
        covered as f64 / total as f64
    };
    let check = CheckBuilder::new(id, clauses)
        .measured(Value::Ratio(ratio))
        .threshold(Value::Ratio(min))
        .subjects(problems.iter().map(|(id, ..)| id.clone()))
        .locations(problems.iter().map(|(.., at)| at.clone()).take(100));
    if total == 0 {
        // Nothing to trace is not evidence of tracing: where coverage is
        // required, an empty or all-draft set fails rather than passes.
        let message = format!(
            "The requirement files hold no {what} in scope (none, or all excluded by `excluded-statuses` or `excluded-kinds`)"
        );
        return if min > 0.0 {
            check.fail(format!(
                "{message}; this class requires them traced to passing tests."
            ))
        } else {
            check.pass(format!("{message}; report-only at this class."))
        };
    }
    let detail: Vec<String> = problems
        .iter()
        .map(|(id, why, _)| format!("{id} ({why})"))
        .collect();
    if ratio + 1e-9 >= min {
        return check.pass(format!(
            "{covered} of {total} {what} traced to passing tests ({}){}.",
            percent(ratio),
            if min == 0.0 && !detail.is_empty() {
                format!(
                    "; report-only at this class; not traced: {}",
                    first_five(&detail)
                )
            } else {
                String::new()
            }
        ));
    }
    check.fail(format!(
        "{covered} of {total} {what} traced to passing tests ({}), below the required {}: {}. \
         Name each in a test (a `requirements` property or the id in the test name) and make it pass; \
         kinds that are not requirements (e.g. sphinx-needs `impl`) go in `excluded-kinds`.",
        percent(ratio),
        percent(min),
        first_five(&detail)
    ))
}

/// A comma-separated parameter's items, trimmed and lowercased.
fn lowercase_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn suspect_links(requirements: &[Requirement], allowed: bool) -> Check {
    let suspect: Vec<String> = requirements
        .iter()
        .flat_map(|r| {
            r.suspect_links
                .iter()
                .map(move |p| format!("{} → {p}", r.id))
        })
        .collect();
    let check = CheckBuilder::new("suspect-links", TRACE)
        .measured(Value::Count(suspect.len() as u64))
        .subjects(suspect.iter().cloned());
    if suspect.is_empty() {
        return check.pass("No trace link is suspect.");
    }
    let message = format!(
        "{} links are suspect (the parent changed since the link was reviewed): {}. Review each child against \
         its changed parent, then `doorstop clear`.",
        suspect.len(),
        first_five(&suspect)
    );
    if allowed {
        check.warn(message)
    } else {
        check.threshold(Value::Count(0)).fail(message)
    }
}

fn unknown_requirements(requirements: &[Requirement], tests: &[TestCase], allowed: bool) -> Check {
    let known: BTreeSet<String> = requirements.iter().map(|r| canonical(&r.id)).collect();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for test in tests {
        for id in &test.requirements {
            if !known.contains(&canonical(id)) {
                unknown.insert(id.clone());
            }
        }
    }
    let unknown: Vec<String> = unknown.into_iter().collect();
    let check = CheckBuilder::new("unknown-requirements", TRACE)
        .measured(Value::Count(unknown.len() as u64))
        .subjects(unknown.iter().cloned());
    if unknown.is_empty() {
        return check.pass("Every requirement id the tests name exists.");
    }
    let message = format!(
        "Tests name {} requirement ids that no requirement file defines: {}. Fix the id in the test, or add \
         the requirement.",
        unknown.len(),
        quoted(&unknown)
    );
    if allowed {
        check.warn(message)
    } else {
        check.threshold(Value::Count(0)).fail(message)
    }
}

#[cfg(test)]
mod tests;
