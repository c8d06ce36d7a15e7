//! JUnit XML from Java producers, each read as the producer itself reported
//! it: Maven Surefire 2.22.3 (JUnit Platform and JUnit 4 providers, with
//! reruns), the JUnit Platform Console Launcher 1.9.1 (Jupiter and Vintage
//! engines) and Ant 1.10.13 (`<junit>` and `<junitlauncher>`).
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the tool, the version, the commands and what the tool printed,
//! which is what each test holds regops to.

mod common;

use common::{case, statuses};
use regops_evidence::{Evidence, EvidenceKind, Format, Input, Options, TestStatus, load};
use std::path::Path;

/// Loads `files` (relative to `dir` under tests/fixtures) as one run.
fn tests(dir: &str, files: &[&str]) -> Evidence {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let inputs: Vec<Input> = files
        .iter()
        .map(|f| {
            let rel = format!("{dir}/{f}");
            Input {
                path: root.join(&rel),
                display: rel,
                kind: EvidenceKind::Tests,
                format: None,
            }
        })
        .collect();
    let e = load(&inputs, &Options::default()).unwrap_or_else(|e| panic!("{dir} should load: {e}"));
    for f in &e.files {
        assert_eq!(f.format, Format::Junit, "{dir}");
    }
    e
}

fn flaky_ids(e: &Evidence) -> Vec<&str> {
    let mut ids: Vec<&str> = e
        .tests
        .iter()
        .filter(|t| t.flaky)
        .map(|t| t.id.as_str())
        .collect();
    ids.sort_unstable();
    ids
}

fn warnings(e: &Evidence) -> Vec<&String> {
    e.files.iter().flat_map(|f| &f.warnings).collect()
}

const PUMP: &str = "com.example.pump.PumpTest";
const FLAKY: &str = "com.example.pump.FlakyTest";
const RATES: &str = "com.example.pump.RateParamTest";

fn surefire_jupiter() -> Evidence {
    tests(
        "surefire/jupiter/reports",
        &[
            "TEST-com.example.pump.FlakyTest.xml",
            "TEST-com.example.pump.PumpTest.xml",
        ],
    )
}

fn surefire_junit4() -> Evidence {
    tests(
        "surefire/junit4/reports",
        &[
            "TEST-com.example.pump.FlakyTest.xml",
            "TEST-com.example.pump.PumpTest.xml",
            "TEST-com.example.pump.RateParamTest.xml",
        ],
    )
}

// ---------------------------------------------------------------- Surefire

#[test]
fn surefire_jupiter_counts_match_maven_and_an_aborted_assumption_is_skipped() {
    // Maven: "Tests run: 14, Failures: 4, Errors: 1, Skipped: 2".
    let e = surefire_jupiter();
    assert_eq!(e.tests.len(), 14);
    assert_eq!(statuses(&e), [7, 4, 1, 2]);
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup"));
    assert_eq!(aborted.status, TestStatus::Skipped);
    assert_eq!(
        aborted.message.as_deref(),
        Some("Assumption failed: only on the target device")
    );
    let disabled = case(&e, &format!("{PUMP}::req070_motorStall"));
    assert_eq!(disabled.status, TestStatus::Skipped);
    assert_eq!(
        disabled.message.as_deref(),
        Some("REQ-070 hardware bench not available")
    );
    // From the method name, not from the skip reason.
    assert_eq!(disabled.requirements, ["REQ070"]);
    let error = case(&e, &format!("{PUMP}::req033_doseRejectsNegativeDuration"));
    assert_eq!(error.status, TestStatus::Errored);
    assert_eq!(error.message.as_deref(), Some("negative duration: -1.0"));
    let failed = case(&e, &format!("{PUMP}::req032_occlusionAlarmAtLimit"));
    assert_eq!(failed.status, TestStatus::Failed);
    assert!(
        failed
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("alarm at the occlusion limit ==> expected: <true>")),
        "{failed:?}"
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn surefire_jupiter_parameterised_and_nested_tests_have_distinct_ids() {
    let e = surefire_jupiter();
    // Surefire 2.22 names an invocation `method{paramTypes}[index]`.
    for (i, status) in [
        (1, TestStatus::Passed),
        (2, TestStatus::Passed),
        (3, TestStatus::Failed),
    ] {
        let t = case(&e, &format!("{PUMP}::req040_ratesAccepted{{double}}[{i}]"));
        assert_eq!(t.status, status, "{i}");
        assert_eq!(t.requirements, ["REQ040"], "{i}");
    }
    assert_eq!(
        case(&e, &format!("{PUMP}::req040_ratesAccepted{{double}}[1]")).duration_ms,
        Some(25)
    );
    // The same method name in the outer and a @Nested class: two tests,
    // told apart by the `$`-joined binary class name.
    let outer = case(&e, &format!("{PUMP}::req012_rateWithinRange"));
    let inner = case(&e, &format!("{PUMP}$WhenOccluded::req012_rateWithinRange"));
    assert_eq!(outer.suite, PUMP);
    assert_eq!(inner.suite, format!("{PUMP}$WhenOccluded"));
    let deeper = case(&e, &format!("{PUMP}$WhenOccluded$Deeper::alarmAboveLimit"));
    assert_eq!(deeper.status, TestStatus::Passed);
    let mut ids: Vec<&str> = e.tests.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), e.tests.len(), "ids repeat");
}

#[test]
fn surefire_requirement_ids_are_found_in_java_method_names() {
    let e = surefire_jupiter();
    // `req050_doseLimit`: the id is spelled as found (traceability ignores
    // the missing separator).
    assert_eq!(
        case(&e, &format!("{PUMP}::req050_doseLimit")).requirements,
        ["REQ050"]
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req012_rateWithinRange")).requirements,
        ["REQ012"]
    );
    assert_eq!(
        case(&e, &format!("{FLAKY}::req081_alwaysFails")).requirements,
        ["REQ081"]
    );
    // Surefire 2.22 ignores @DisplayName: "REQ-060 alarm is silent below the
    // limit" and the nested class's "REQ-061 deeply nested" are not in the
    // file, so no id can be found.
    assert!(
        case(&e, &format!("{PUMP}::silentBelowLimit"))
            .requirements
            .is_empty()
    );
    assert!(
        case(&e, &format!("{PUMP}$WhenOccluded$Deeper::alarmAboveLimit"))
            .requirements
            .is_empty()
    );
}

#[test]
fn surefire_jupiter_provider_ignores_reruns_so_the_flaky_test_is_a_plain_failure() {
    // Surefire 2.22.3's JUnit Platform provider does not rerun
    // (-Dsurefire.rerunFailingTestsCount=2 had no effect; no "Flakes:").
    let e = surefire_jupiter();
    for name in ["req080_flakyOnce", "req081_alwaysFails"] {
        let t = case(&e, &format!("{FLAKY}::{name}"));
        assert_eq!(t.status, TestStatus::Failed, "{name}");
        assert!(!t.flaky, "{name}");
    }
    assert!(flaky_ids(&e).is_empty());
}

#[test]
fn surefire_reruns_count_as_maven_printed_them_flaky_passes_and_rerun_failures() {
    // Maven: "Tests run: 13, Failures: 2, Errors: 2, Skipped: 2, Flakes: 2".
    let e = surefire_junit4();
    assert_eq!(
        flaky_ids(&e),
        [
            format!("{FLAKY}::req080_flakyOnce"),
            format!("{FLAKY}::req082_flakyError"),
        ]
    );
    let once = case(&e, &format!("{FLAKY}::req080_flakyOnce"));
    assert_eq!(once.status, TestStatus::Passed);
    assert_eq!(once.message.as_deref(), Some("first attempt fails"));
    let error = case(&e, &format!("{FLAKY}::req082_flakyError"));
    assert_eq!(error.status, TestStatus::Passed);
    assert_eq!(
        error.message.as_deref(),
        Some("sensor not ready on first attempt")
    );
    // Failed on the first run and on both reruns.
    let always = case(&e, &format!("{FLAKY}::req081_alwaysFails"));
    assert_eq!(always.status, TestStatus::Failed);
    assert!(!always.flaky);
    assert_eq!(always.message.as_deref(), Some("fails every time"));
    let errors = case(&e, &format!("{FLAKY}::req083_alwaysErrors"));
    assert_eq!(errors.status, TestStatus::Errored);
    assert!(!errors.flaky);
    assert_eq!(
        case(&e, &format!("{PUMP}::req032_occlusionAlarmAtLimit")).status,
        TestStatus::Failed
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req033_doseRejectsNegativeDuration")).status,
        TestStatus::Errored
    );
    assert_eq!(e.tests.len(), 13);
    assert_eq!(statuses(&e), [7, 2, 2, 2]);
}

#[test]
fn surefire_suite_counts_that_include_rerun_attempts_add_no_invented_cases() {
    // With reruns Surefire's <testsuite> counts every attempt
    // (FlakyTest: tests="10" errors="4" failures="4" for 4 test cases), the
    // same figures as its per-class "Tests run: 10" line; the run summary
    // counts each test once. No test is missing from the file.
    let e = surefire_junit4();
    assert!(
        e.tests.iter().all(|t| !t.name.contains("not listed")),
        "{:#?}",
        e.tests
    );
    assert_eq!(e.tests.len(), 13);
}

#[test]
fn surefire_junit4_parameterised_runs_have_distinct_ids_and_assumptions_skip() {
    let e = surefire_junit4();
    for rate in ["1", "500", "999"] {
        let t = case(&e, &format!("{RATES}::req040_rateAccepted[rate={rate}]"));
        assert_eq!(t.status, TestStatus::Passed, "{rate}");
        assert_eq!(t.requirements, ["REQ040"], "{rate}");
    }
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup"));
    assert_eq!(aborted.status, TestStatus::Skipped);
    assert_eq!(
        aborted.message.as_deref(),
        Some("only on the target device")
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req070_motorStall")).status,
        TestStatus::Skipped
    );
}

// ------------------------------------------------- JUnit Console Launcher

#[test]
fn console_launcher_jupiter_counts_match_its_summary_and_skips_carry_no_message_attribute() {
    // Console: 12 tests found, 1 skipped, 1 aborted, 7 successful, 3 failed
    // (the exception among them; the XML writes it as <error>).
    let e = tests("junit5-console/jupiter", &["TEST-junit-jupiter.xml"]);
    assert_eq!(e.tests.len(), 12);
    assert_eq!(statuses(&e), [7, 2, 1, 2]);
    // <skipped> without a message attribute: the reason is the text (for an
    // aborted test, the stack trace, whose first line names it).
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup()"));
    assert_eq!(aborted.status, TestStatus::Skipped);
    assert_eq!(
        aborted.message.as_deref(),
        Some("org.opentest4j.TestAbortedException: Assumption failed: only on the target device")
    );
    let disabled = case(&e, &format!("{PUMP}::req070_motorStall()"));
    assert_eq!(disabled.status, TestStatus::Skipped);
    assert_eq!(
        disabled.message.as_deref(),
        Some("REQ-070 hardware bench not available")
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req033_doseRejectsNegativeDuration()")).status,
        TestStatus::Errored
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn console_launcher_parameterised_and_nested_ids_are_distinct_and_carry_requirements() {
    let e = tests("junit5-console/jupiter", &["TEST-junit-jupiter.xml"]);
    for (i, status) in [
        (1, TestStatus::Passed),
        (2, TestStatus::Passed),
        (3, TestStatus::Failed),
    ] {
        let t = case(&e, &format!("{PUMP}::req040_ratesAccepted(double)[{i}]"));
        assert_eq!(t.status, status, "{i}");
        assert_eq!(t.requirements, ["REQ040"], "{i}");
    }
    assert_eq!(
        case(&e, &format!("{PUMP}::req040_ratesAccepted(double)[1]")).duration_ms,
        Some(28)
    );
    let outer = case(&e, &format!("{PUMP}::req012_rateWithinRange()"));
    let inner = case(
        &e,
        &format!("{PUMP}$WhenOccluded::req012_rateWithinRange()"),
    );
    assert_eq!(outer.requirements, ["REQ012"]);
    assert_eq!(inner.requirements, ["REQ012"]);
    assert_eq!(
        case(&e, &format!("{PUMP}::req050_doseLimit()")).requirements,
        ["REQ050"]
    );
    // The display name ("REQ-060 alarm is silent below the limit") is only
    // in <system-out> ("display-name: ..."); the name is the method's.
    assert!(
        case(&e, &format!("{PUMP}::silentBelowLimit()"))
            .requirements
            .is_empty()
    );
}

#[test]
fn console_launcher_engine_report_without_tests_loads_empty_with_a_warning() {
    // A Jupiter-only run still writes TEST-junit-vintage.xml, tests="0".
    let e = tests("junit5-console/jupiter", &["TEST-junit-vintage.xml"]);
    assert!(e.tests.is_empty());
    assert!(
        warnings(&e).iter().any(|w| w.contains("no test cases")),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn console_launcher_vintage_counts_match_and_junit4_parameters_keep_their_names() {
    // Console: 9 tests found, 1 skipped, 1 aborted, 5 successful, 2 failed.
    let e = tests("junit5-console/vintage", &["TEST-junit-vintage.xml"]);
    assert_eq!(e.tests.len(), 9);
    assert_eq!(statuses(&e), [5, 1, 1, 2]);
    for rate in ["1", "500", "999"] {
        let t = case(&e, &format!("{RATES}::req040_rateAccepted[rate={rate}]"));
        assert_eq!(t.status, TestStatus::Passed, "{rate}");
        assert_eq!(t.requirements, ["REQ040"], "{rate}");
    }
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup"));
    assert_eq!(aborted.status, TestStatus::Skipped);
    assert_eq!(
        aborted.message.as_deref(),
        Some("org.junit.AssumptionViolatedException: only on the target device")
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req033_doseRejectsNegativeDuration")).status,
        TestStatus::Errored
    );
}

// -------------------------------------------------------------------- Ant

#[test]
fn ant_junit_counts_match_each_suite_ant_printed() {
    // Ant <junit>: FlakyTest "Tests run: 4, Failures: 2, Errors: 2,
    // Skipped: 0"; PumpTest "Tests run: 6, Failures: 1, Errors: 1,
    // Skipped: 2"; RateParamTest "Tests run: 3, Failures: 0, Errors: 0".
    let e = tests(
        "ant-junit/junit/reports",
        &[
            "TEST-com.example.pump.FlakyTest.xml",
            "TEST-com.example.pump.PumpTest.xml",
            "TEST-com.example.pump.RateParamTest.xml",
        ],
    );
    assert_eq!(e.tests.len(), 13);
    assert_eq!(statuses(&e), [5, 3, 3, 2]);
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup"));
    assert_eq!(aborted.status, TestStatus::Skipped);
    assert_eq!(
        aborted.message.as_deref(),
        Some("only on the target device")
    );
    let failed = case(&e, &format!("{PUMP}::req032_occlusionAlarmAtLimit"));
    assert_eq!(failed.status, TestStatus::Failed);
    assert_eq!(
        failed.message.as_deref(),
        Some("alarm at the occlusion limit")
    );
    assert_eq!(failed.requirements, ["REQ032"]);
    assert_eq!(
        case(&e, &format!("{RATES}::req040_rateAccepted[rate=500]")).status,
        TestStatus::Passed
    );
    // Ant's javac compiles without debug information by default: the stack
    // traces say "Unknown Source" and there is no file or line to read.
    assert!(e.tests.iter().all(|t| t.source.is_none()));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn ant_junitlauncher_aborted_assumption_reads_as_skipped() {
    // Ant <junitlauncher> legacy-xml: "Tests run: 11, Failures: 3,
    // Aborted: 1, Skipped: 1". It writes an aborted assumption as
    // <aborted message= type=>, an element no other dialect has, and the
    // IllegalStateException as <failure>. 12 test cases (the disabled one
    // is not in `tests`).
    let e = tests(
        "ant-junit/junitlauncher/reports",
        &["TEST-com.example.pump.PumpTest.xml"],
    );
    assert_eq!(e.tests.len(), 12);
    let aborted = case(&e, &format!("{PUMP}::req071_batteryBackup()"));
    assert_eq!(aborted.status, TestStatus::Skipped, "{aborted:?}");
    assert_eq!(
        aborted.message.as_deref(),
        Some("Assumption failed: only on the target device")
    );
    assert_eq!(statuses(&e), [7, 3, 0, 2]);
}

#[test]
fn ant_junitlauncher_nested_and_parameterised_ids_are_distinct() {
    let e = tests(
        "ant-junit/junitlauncher/reports",
        &["TEST-com.example.pump.PumpTest.xml"],
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req040_ratesAccepted(double)[3]")).status,
        TestStatus::Failed
    );
    assert_eq!(
        case(&e, &format!("{PUMP}::req070_motorStall()")).status,
        TestStatus::Skipped
    );
    let inner = case(
        &e,
        &format!("{PUMP}$WhenOccluded::req012_rateWithinRange()"),
    );
    assert_eq!(inner.status, TestStatus::Passed);
    assert_eq!(
        case(&e, &format!("{PUMP}::req033_doseRejectsNegativeDuration()")).status,
        TestStatus::Failed
    );
    let mut ids: Vec<&str> = e.tests.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}
