//! C and C++ producers: GoogleTest, Catch2, Boost.Test and LLVM's
//! source-based coverage, each read as the tool itself reported it.
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the tool, the version, the commands and what the tool printed,
//! which is what each test holds regops to.

mod common;

use common::{
    case, junit as tests, lines_and_branches as coverage, producer as load_fixture, statuses,
    try_producer,
};
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

/// The error regops gives for a file it must refuse.
fn refusal(rel: &str, kind: EvidenceKind) -> String {
    match try_producer(rel, kind) {
        Ok(e) => panic!("{rel} should be refused, read as {:?}", e.files[0].format),
        Err(e) => e.to_string(),
    }
}

fn message<'e>(e: &'e Evidence, id: &str) -> &'e str {
    case(e, id)
        .message
        .as_deref()
        .unwrap_or_else(|| panic!("{id} has no message"))
}

// ---- GoogleTest 1.12.1 ------------------------------------------------------

#[test]
fn gtest_skip_reads_as_skipped_and_disabled_tests_are_not_counted_as_passed() {
    // gtest: "[  PASSED  ] 8 tests", "[  SKIPPED ] 1 test", "4 FAILED TESTS",
    // "YOU HAVE 1 DISABLED TEST".
    let e = tests("gtest/gtest.xml");
    assert_eq!(statuses(&e), [8, 4, 0, 2]);
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);

    // GTEST_SKIP(): status="run" result="skipped" plus <skipped message>.
    let skipped = case(&e, "Rate::SkippedWithMessage");
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("pump_test.cpp:35\npump hardware not attached")
    );
    // DISABLED_: status="notrun" result="suppressed", no child element.
    let disabled = case(&e, "Rate::DISABLED_NotYetImplemented");
    assert_eq!(disabled.status, TestStatus::Skipped);
}

#[test]
fn gtest_failing_expects_a_failed_setup_and_an_uncaught_exception_are_failures() {
    let e = tests("gtest/gtest.xml");
    // Two EXPECT failures: two <failure> elements, one record; the first wins.
    let two = case(&e, "Rate::TwoFailingExpects");
    assert_eq!(two.status, TestStatus::Failed);
    assert!(
        message(&e, "Rate::TwoFailingExpects")
            .starts_with("pump_test.cpp:30\nExpected equality of these values:"),
        "{:?}",
        two.message
    );
    // An ASSERT in the fixture's SetUp fails the test; its body never runs.
    assert_eq!(
        case(&e, "PumpFixture::NeverRunsBodyBecauseSetUpFailed").status,
        TestStatus::Failed
    );
    assert!(
        message(&e, "PumpFixture::NeverRunsBodyBecauseSetUpFailed")
            .ends_with("pump simulator did not start")
    );
    // gtest catches the exception and writes a <failure> from "unknown file".
    assert_eq!(
        case(&e, "Rate::ThrowsUncaughtException").status,
        TestStatus::Failed
    );
    assert_eq!(
        message(&e, "Rate::ThrowsUncaughtException"),
        "unknown file\nC++ exception with description \"minutes must be positive\" \
         thrown in the test body."
    );
}

#[test]
fn gtest_parameterised_and_typed_tests_keep_their_instance_ids_and_source_lines() {
    let e = tests("gtest/gtest.xml");
    for (id, status) in [
        (
            "Volumes/RateParam::PositiveForPositiveVolume/0",
            TestStatus::Passed,
        ),
        (
            "Volumes/RateParam::PositiveForPositiveVolume/1",
            TestStatus::Passed,
        ),
        (
            "Volumes/RateParam::PositiveForPositiveVolume/2",
            TestStatus::Failed,
        ),
        ("TypedRate/0::ZeroVolumeIsZero", TestStatus::Passed),
        ("TypedRate/1::ZeroVolumeIsZero", TestStatus::Passed),
    ] {
        assert_eq!(case(&e, id).status, status, "{id}");
    }
    // gtest 1.12 writes file= and line= (1-based, the TEST line) on cases.
    for (id, line) in [
        ("Rate::ComputesHourlyRate", 13),
        ("Rate::DISABLED_NotYetImplemented", 39),
        ("PumpFixture::NeverRunsBodyBecauseSetUpFailed", 50),
        ("Volumes/RateParam::PositiveForPositiveVolume/2", 54),
        ("TypedRate/1::ZeroVolumeIsZero", 65),
    ] {
        let src = case(&e, id).source.as_ref().expect("source");
        assert_eq!((src.file.as_str(), src.line), ("pump_test.cpp", Some(line)));
    }
    // time="0.025" on the test that slept 25 ms.
    assert_eq!(case(&e, "Rate::SlowPrimingTakes25ms").duration_ms, Some(25));
}

#[test]
fn gtest_requirement_ids_come_from_record_property_and_test_names() {
    let e = tests("gtest/gtest.xml");
    assert_eq!(
        case(&e, "Rate::RecordsRequirementProperty").requirements,
        ["REQ-010"]
    );
    assert_eq!(
        case(&e, "Rate::REQ_011_RejectsZeroMinutes").requirements,
        ["REQ-011"]
    );
    assert!(case(&e, "Rate::ComputesHourlyRate").requirements.is_empty());
}

#[test]
fn gtest_json_output_is_refused_with_a_clear_error() {
    let err = refusal("gtest/gtest.json", EvidenceKind::Tests);
    assert!(
        err.contains("not a recognised tests format") && err.contains("junit"),
        "{err}"
    );
}

#[test]
fn gtest_failure_in_a_global_environment_is_a_failed_case_and_counts_disagree() {
    // gtest: "1 FAILED TEST" (NeedsHardware: GTEST_SKIP in SetUpTestSuite
    // does not skip in 1.12), "2 FAILED TEST SUITES" (PumpBus's
    // SetUpTestSuite, Logger's TearDownTestSuite) and a failing global
    // Environment::TearDown. The XML keeps only the last, as a nameless case
    // in a made-up suite `NonTestSuiteFailure` that the root's counts leave out.
    let e = tests("gtest/gtest-suite-setup.xml");
    assert_eq!(statuses(&e), [1, 2, 0, 2]);
    let env = case(&e, "NonTestSuiteFailure::");
    assert_eq!(env.status, TestStatus::Failed);
    assert_eq!(
        env.message.as_deref(),
        Some("suite_setup_test.cpp:29\nFailed\n2 allocations leaked")
    );
    assert!(
        e.files[0].warnings[0].contains("tests=4 failures=1")
            && e.files[0].warnings[0].contains("5 cases (2 failed"),
        "{:?}",
        e.files[0].warnings
    );
    // gtest 1.12 writes the tests of a suite whose SetUpTestSuite failed as
    // skipped (message only "file:line"), dropping the failure: the file
    // gives nothing else to read. They must at least not read as passed.
    let bus = case(&e, "PumpBus::REQ_040_ReadsPressure");
    assert_eq!(bus.status, TestStatus::Skipped);
    assert_eq!(bus.requirements, ["REQ-040"]);
    assert_eq!(
        case(&e, "SkippedSuite::NeedsHardware").status,
        TestStatus::Failed
    );
}

// ---- Catch2 2.13.10 ---------------------------------------------------------

#[test]
fn catch2_sections_are_cases_and_exceptions_are_errors() {
    // Catch2: "test cases: 8 | 3 passed | 5 failed", "assertions: 11 | 5
    // passed | 6 failed". The JUnit reporter writes one case per leaf
    // section (`alarm thresholds/above the limit/fires`), so the 8 test
    // cases are 10 records; the suite's tests/failures/errors count
    // assertions, which regops overrides with a warning.
    let e = tests("catch2/catch2.xml");
    assert_eq!(statuses(&e), [5, 3, 2, 0]);
    assert!(
        e.files[0].warnings[0].contains("tests=11 failures=4 errors=2"),
        "{:?}",
        e.files[0].warnings
    );
    for (name, status) in [
        ("alarm thresholds/below the limit", TestStatus::Passed),
        ("alarm thresholds/above the limit/fires", TestStatus::Failed),
        (
            "alarm thresholds/above the limit/latches",
            TestStatus::Passed,
        ),
        ("REQUIRE stops at the first failure", TestStatus::Failed),
        ("CHECK goes on after a failure", TestStatus::Failed),
        ("an unexpected exception", TestStatus::Errored),
        ("an exception outside any assertion", TestStatus::Errored),
    ] {
        let t = case(&e, &format!("pump_catch.global::{name}"));
        assert_eq!((t.suite.as_str(), t.status), ("pump_catch.global", status));
    }
    // The failing expression is the message (message= on <failure>/<error>).
    assert_eq!(
        message(&e, "pump_catch.global::CHECK goes on after a failure"),
        "rate_ml_per_hour(10, 60) == 11"
    );
    assert_eq!(
        case(&e, "pump_catch.global::REQ-022 priming takes 25 ms").duration_ms,
        Some(25)
    );
    // Hidden tests ([.], [.integration]) are neither run nor written.
    assert!(e.tests.iter().all(|t| !t.name.contains("hidden")));
}

#[test]
fn catch2_tags_are_not_in_its_junit_so_only_names_carry_requirements() {
    let e = tests("catch2/catch2.xml");
    assert_eq!(
        case(&e, "pump_catch.global::REQ-022 priming takes 25 ms").requirements,
        ["REQ-022"]
    );
    // Tagged [REQ-020] / [REQ-021]: Catch2 2.x's JUnit reporter drops tags.
    let tagged = case(&e, "pump_catch.global::rate meets the infusion requirement");
    assert!(tagged.requirements.is_empty());
}

#[test]
fn catch2_exception_outside_an_assertion_is_reported_by_its_text() {
    // <error type="TEST_CASE"> with no message=; its text is
    // "FAILED:\nminutes must be positive\nat pump_catch.cpp:49". The first
    // line alone says nothing about what failed.
    let e = tests("catch2/catch2.xml");
    let m = message(&e, "pump_catch.global::an exception outside any assertion");
    assert!(m.contains("minutes must be positive"), "{m:?}");
}

// ---- Boost.Test 1.74 --------------------------------------------------------

#[test]
fn boost_test_disabled_and_dependency_skipped_cases_are_skipped() {
    // Boost's --report_level=detailed: 5 passed, 3 failed (2 of them
    // aborted: a BOOST_REQUIRE and an uncaught exception), 2 skipped (one
    // disabled(), one depends_on a failed test). Both log levels write the
    // same cases; --log_level=all adds <system-out> to passing ones.
    for rel in ["boost-test/boost.xml", "boost-test/boost-default-level.xml"] {
        let e = tests(rel);
        assert_eq!(statuses(&e), [5, 2, 1, 2], "{rel}");
        // The root counts tests=8 (skipped left out) and an aborted
        // BOOST_REQUIRE as an error though it writes <failure>.
        assert!(
            e.files[0].warnings[0].contains("tests=8 failures=1 errors=2 skipped=2"),
            "{:?}",
            e.files[0].warnings
        );
        assert_eq!(case(&e, "rate::not_ready").status, TestStatus::Skipped);
        assert_eq!(
            case(&e, "alarms::depends_on_failed").status,
            TestStatus::Skipped
        );
        assert_eq!(
            case(&e, "rate::two_failing_checks").status,
            TestStatus::Failed
        );
        assert_eq!(case(&e, "rate::require_stops").status, TestStatus::Failed);
        let exc = case(&e, "rate::uncaught_exception");
        assert_eq!(
            (exc.status, exc.message.as_deref()),
            (TestStatus::Errored, Some("unexpected exception"))
        );
        // Boost writes message="failure" on every failed assertion.
        assert_eq!(message(&e, "rate::two_failing_checks"), "failure");
        // Nested suites are the classname, dotted.
        assert_eq!(
            case(&e, "alarms.nested::latches").status,
            TestStatus::Passed
        );
        // Requirement ids only where they are in a name: labels and
        // descriptions are not written to the JUnit log.
        assert_eq!(
            case(&e, "rate::req_030_rejects_zero_minutes").requirements,
            ["REQ-030"]
        );
        assert!(case(&e, "rate::priming_takes_25ms").requirements.is_empty());
        assert!(case(&e, "rate::require_stops").requirements.is_empty());
        let slow = case(&e, "rate::priming_takes_25ms").duration_ms.unwrap();
        assert!((25..40).contains(&slow), "{rel}: {slow}");
    }
}

// ---- LLVM source-based coverage (clang/llvm-cov 14) -------------------------

#[test]
fn llvm_cov_lcov_export_reads_as_llvm_cov_report_printed_it() {
    // llvm-cov report: alarms.c lines 22/9 missed, branches 12/5 missed;
    // main.c 9/0, 2/0. Regions (20/6 for alarms.c) are not in LCOV.
    let e = load_fixture("llvm-cov/llvm-cov.lcov", EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::Lcov);
    assert_eq!(e.coverage.len(), 3);
    let root = "/workspace/pump-llvm/";
    assert_eq!(
        coverage(&e, &format!("{root}alarms.c")),
        ((13, 22), (7, 12))
    );
    assert_eq!(coverage(&e, &format!("{root}main.c")), ((9, 9), (2, 2)));
}

#[test]
fn llvm_cov_branches_of_an_inline_header_function_count_once_per_instance() {
    // `static inline clamp_percent` in alarms.h is compiled into both
    // main.c and alarms.c. llvm-cov report: alarms.h lines 5/0 missed,
    // branches 4/2 missed (50 %), and the LCOV record says BRF:4 BRH:2 --
    // but it lists 8 BRDA lines, one set per instance (blocks 0 and 1),
    // 4 of them taken. lcov 1.16 reads the file as 4 of 8 (50 %); regops
    // counts the BRDA lines the same way and warns about BRF/BRH.
    let e = load_fixture("llvm-cov/llvm-cov.lcov", EvidenceKind::Coverage);
    let header = "/workspace/pump-llvm/alarms.h";
    assert_eq!(coverage(&e, header), ((5, 5), (4, 8)));
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.contains(header) && w.contains("BRF=4 BRH=2")),
        "{:?}",
        e.files[0].warnings
    );
}

#[test]
fn llvm_cov_json_export_is_refused_with_a_clear_error() {
    let err = refusal("llvm-cov/llvm-cov-summary.json", EvidenceKind::Coverage);
    assert!(
        err.contains("not a recognised coverage format") && err.contains("lcov"),
        "{err}"
    );
}
