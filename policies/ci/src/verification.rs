//! Verification checks: every test ran and passed; skips and flaky tests per class.

use regops_kit::*;

use crate::{ACCEPTANCE, MAX_LOCATIONS, UNIT_VERIFICATION};

pub(crate) fn test_location(test: &TestCase) -> Location {
    test.source.clone().unwrap_or_else(|| Location {
        file: test.evidence.clone(),
        line: None,
        column: None,
    })
}

pub(crate) fn tests_pass(evidence: &dyn Evidence) -> Check {
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
        quoted(&names)
    ))
}

pub(crate) fn tests_skipped(evidence: &dyn Evidence, allowed: bool) -> Check {
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
        quoted(&names)
    ))
}

/// A test that passed only on a rerun hides an intermittent fault; at the
/// classes where that matters it counts as a failure.
pub(crate) fn tests_flaky(evidence: &dyn Evidence, allowed: bool) -> Check {
    let check = CheckBuilder::new("tests-flaky", UNIT_VERIFICATION);
    // The summary counts them: without any, do not fetch every passing case
    // (100k records to lower on a large run).
    if evidence.test_summary().flaky == 0 {
        return check
            .measured(Value::Count(0))
            .pass("No test case needed a rerun to pass.");
    }
    let flaky: Vec<TestCase> = evidence
        .test_cases(&TestFilter {
            statuses: vec![TestStatus::Passed],
            levels: vec![],
            requirement: None,
        })
        .into_iter()
        .filter(|t| t.flaky)
        .collect();
    let check = check.measured(Value::Count(flaky.len() as u64));
    if flaky.is_empty() {
        return check.pass("No test case needed a rerun to pass.");
    }
    let names: Vec<String> = flaky.iter().map(|t| t.id.clone()).collect();
    if allowed {
        return check.pass(format!(
            "{} test cases passed only on a rerun ({}), which this safety class allows.",
            flaky.len(),
            quoted(&names)
        ));
    }
    check
        .threshold(Value::Count(0))
        .locations(flaky.iter().take(MAX_LOCATIONS).map(test_location))
        .subjects(names.iter().cloned())
        .fail(format!(
            "{} test cases passed only on a rerun: {}. At this safety class a flaky test counts as a \
             failure; find the intermittent fault.",
            flaky.len(),
            quoted(&names)
        ))
}
