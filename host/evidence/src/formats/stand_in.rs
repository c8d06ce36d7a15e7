//! Records that stand for tests a report says exist but does not list
//! (counted in its totals, nested where the format puts none, a run-level
//! error). They are errored (or skipped, for tests counted as not run),
//! never passed: what a report lost must not read as clean.

use super::ParseContext;
use crate::model::{TestCase, TestLevel, TestStatus};

/// A record of `suite::name` with only a status and a message.
pub(crate) fn record(
    suite: &str,
    name: String,
    status: TestStatus,
    message: String,
    evidence: &str,
) -> TestCase {
    TestCase {
        id: format!("{suite}::{name}"),
        suite: suite.to_string(),
        name,
        source: None,
        status,
        duration_ms: None,
        message: Some(message),
        flaky: false,
        requirements: Vec::new(),
        level: TestLevel::Unspecified,
        evidence: evidence.to_string(),
    }
}

/// One errored record, and a warning, for `n` test elements (`<element>`)
/// found where the format puts none (under an element the reader does not
/// read): not read, and not vanished either, or a file of failures nested
/// one level off would read as no tests at all. Nothing when `n` is 0.
pub(crate) fn misplaced(
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<TestCase>,
    n: u64,
    element: &str,
) {
    if n == 0 {
        return;
    }
    out.push(record(
        "(file)",
        format!("({n} <{element}> element(s) outside the report's structure)"),
        TestStatus::Errored,
        format!("{n} <{element}> element(s) are nested where the format puts no test: not read"),
        ctx.evidence_path,
    ));
    ctx.warnings.push(format!(
        "{n} <{element}> element(s) are nested where the format puts no test and were not \
         read: recorded as one errored record"
    ));
}

/// One record of `status`, and a warning, for `missing` tests of a kind
/// (`what`: `failing`, `skipped`, ...) that the report's totals count
/// beyond those it lists (`counter` says whose totals: `the root counts`).
/// Nothing when `missing` is 0.
pub(crate) fn unlisted(
    ctx: &mut ParseContext<'_>,
    out: &mut Vec<TestCase>,
    suite: &str,
    counter: &str,
    missing: u64,
    what: &str,
    status: TestStatus,
) {
    if missing == 0 {
        return;
    }
    out.push(record(
        suite,
        format!("({missing} {what} test(s) counted but not listed)"),
        status,
        format!("{counter} {missing} more {what} test(s) than the report lists"),
        ctx.evidence_path,
    ));
    let kind = if status == TestStatus::Skipped {
        "skipped"
    } else {
        "errored"
    };
    ctx.warnings.push(format!(
        "{counter} {missing} {what} test(s) that are not listed: recorded as one {kind} record"
    ));
}
