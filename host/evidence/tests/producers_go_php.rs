//! Go (gotestsum over `go test`) and PHP (PHPUnit) output, each read as
//! the producer itself reported it.
//!
//! Every fixture here is real tool output; `tests/fixtures/gotestsum/` and
//! `tests/fixtures/phpunit/` hold the projects, a `regen.sh` with the exact
//! commands, and a PROVENANCE.md with what the tools printed, which is what
//! each test holds regops to.

mod common;

use common::{case, cases, junit as tests, producer as load_fixture, statuses};
use regops_evidence::{Error, Evidence, EvidenceKind, Format, TestCase, TestStatus};

fn try_load(rel: &str, kind: EvidenceKind) -> Result<Evidence, Error> {
    common::try_producer(rel, kind)
}

const DOSE: &str = "example.com/pump/dose";

// ---------------------------------------------------------------- gotestsum

#[test]
fn gotestsum_subtests_are_cases_and_counts_match_its_summary() {
    // gotestsum: "DONE 21 tests, 2 skipped, 5 failures, 1 error" (the error
    // is the package that does not build; see the next test).
    let e = tests("gotestsum/gotestsum.xml");
    let [passed, failed, _, skipped] = statuses(&e);
    assert_eq!((passed, failed, skipped), (14, 5, 2));
    // A parent whose subtest fails fails too, as `go test` says; every
    // subtest and nesting level is its own case.
    for id in [
        "TestRateWrong",
        "TestRateTable/wrong_expectation",
        "TestRateTable",
        "TestParallelB",
    ] {
        assert_eq!(
            case(&e, &format!("{DOSE}::{id}")).status,
            TestStatus::Failed
        );
    }
    assert_eq!(
        case(&e, &format!("{DOSE}::TestRateTable/nested")).status,
        TestStatus::Passed
    );
    // gotestsum writes message="Failed" on every failure; the t.Errorf
    // text is only in the element's body.
    assert_eq!(
        case(&e, &format!("{DOSE}::TestRateWrong"))
            .message
            .as_deref(),
        Some("Failed")
    );
    // No file or line attributes; durations from `time` (t.Parallel tests
    // slept 20 ms and 10 ms).
    assert!(e.tests.iter().all(|t| t.source.is_none()));
    assert_eq!(
        case(&e, &format!("{DOSE}::TestParallelA")).duration_ms,
        Some(20)
    );
    assert_eq!(
        case(&e, &format!("{DOSE}::TestParallelB")).duration_ms,
        Some(10)
    );
    // A package without test files is an empty <testsuite>: no cases.
    assert!(e.tests.iter().all(|t| !t.suite.ends_with("/notests")));
}

#[test]
fn gotestsum_a_package_that_fails_to_build_is_an_errored_record() {
    // `broken/broken_test.go` has a type error. gotestsum prints it under
    // "=== Errors" and counts "1 error", but writes no <testsuite> and no
    // <testcase> for the package: only the root's errors="1" (its tests="21"
    // does not count it) says it exists. A gate must not read this run as
    // one without errors.
    let e = tests("gotestsum/gotestsum.xml");
    assert!(
        e.tests.iter().all(|t| !t.suite.contains("broken")),
        "gotestsum names no broken package in its XML"
    );
    assert_eq!(
        statuses(&e),
        [14, 5, 1, 2],
        "the root's errors=\"1\" is one errored record {:?}",
        e.files[0].warnings
    );
}

#[test]
fn gotestsum_panic_fails_its_test_and_the_tests_after_it_never_appear() {
    let e = tests("gotestsum/gotestsum.xml");
    let panicked = case(&e, "example.com/pump/alarm::TestLookupPanics");
    assert_eq!(panicked.status, TestStatus::Failed);
    // The panic ends the test binary: TestOccludedBelow never ran, and
    // neither `go test` nor gotestsum mentions it.
    assert!(e.tests.iter().all(|t| t.name != "TestOccludedBelow"));
    assert_eq!(
        case(&e, "example.com/pump/alarm::TestOccludedAbove").status,
        TestStatus::Passed
    );
}

#[test]
fn gotestsum_skip_message_is_the_whole_test_output_with_the_reason() {
    let e = tests("gotestsum/gotestsum.xml");
    let skipped = case(&e, &format!("{DOSE}::TestRateSkipped"));
    assert_eq!(skipped.status, TestStatus::Skipped);
    let message = skipped.message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with("=== RUN   TestRateSkipped"),
        "{message}"
    );
    assert!(message.contains("pump hardware not attached"), "{message}");
    assert_eq!(
        case(&e, &format!("{DOSE}::TestRateTable/nested/inner_skip")).status,
        TestStatus::Skipped
    );
}

#[test]
fn gotestsum_subtest_names_keep_go_underscores_for_spaces_and_slashes() {
    // t.Run("rate 5 mL/h") is `TestRateTable/rate_5_mL/h`: a slash in a
    // subtest name cannot be told from a nesting level.
    let e = tests("gotestsum/gotestsum.xml");
    for name in [
        "TestRateTable/rate_5_mL/h",
        "TestRateTable/high/over_limit",
        "TestRateTable/nested/inner_pass",
    ] {
        let t = case(&e, &format!("{DOSE}::{name}"));
        assert_eq!((t.suite.as_str(), t.status), (DOSE, TestStatus::Passed));
    }
}

#[test]
fn gotestsum_requirement_ids_in_subtest_and_underscored_names_are_found() {
    let e = tests("gotestsum/gotestsum.xml");
    assert_eq!(
        case(&e, &format!("{DOSE}::TestRateTable/REQ-032_low_dose")).requirements,
        ["REQ-032"]
    );
    assert_eq!(
        case(&e, &format!("{DOSE}::Test_REQ_031_ZeroMinutes")).requirements,
        ["REQ-031"]
    );
}

#[test]
fn camel_case_requirement_ids_in_go_and_phpunit_test_names_are_found() {
    // Go test functions must start `Test` and an upper-case letter, so
    // `TestREQ030_DoseLimit` is how a Go project names a requirement in a
    // test; PHPUnit projects write `testReq042...`. The default pattern
    // refuses a match preceded by a letter (to keep `test_prereq_002` out)
    // unless a capital follows a small letter, as camel case starts a word.
    let norm = |t: &TestCase| -> Vec<String> {
        t.requirements.iter().map(|r| r.replace('-', "")).collect()
    };
    let go = tests("gotestsum/gotestsum.xml");
    assert_eq!(
        norm(case(&go, &format!("{DOSE}::TestREQ030_DoseLimit"))),
        ["REQ030"]
    );
    let php = tests("phpunit/phpunit-junit.xml");
    assert_eq!(
        norm(case(&php, "Pump.Tests.DoseTest::testReq042CamelCase")),
        ["REQ042"]
    );
}

#[test]
fn gotestsum_relative_names_drop_the_module_path_and_short_names_collide() {
    let e = tests("gotestsum/gotestsum-relative.xml");
    assert_eq!(case(&e, "dose/limits::TestMax").status, TestStatus::Passed);
    assert_eq!(case(&e, "alarm/limits::TestMax").status, TestStatus::Passed);
    assert_eq!(
        case(&e, "dose::TestRateTable/REQ-032_low_dose").requirements,
        ["REQ-032"]
    );
    // `short` keeps the last path element: two packages named `limits`
    // give one id twice; both records are kept, with a warning.
    let e = tests("gotestsum/gotestsum-short.xml");
    assert_eq!(cases(&e, "limits::TestMax").len(), 2);
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.contains("repeat the id") && w.contains("limits::TestMax")),
        "{:?}",
        e.files[0].warnings
    );
}

#[test]
fn gotestsum_rerun_fails_last_attempt_decides_and_a_pass_after_a_failure_is_flaky() {
    // `--rerun-fails=2`: gotestsum writes every attempt as another
    // <testcase> with the same classname and name, not next to each other
    // (the rerun of TestFlakyOnce comes after TestStable). Its rerun report:
    // "retry.TestFlakyOnce: 2 runs, 1 failures" (the package shows ✓ on
    // the rerun), and four dose tests "3 runs, 3 failures".
    let e = tests("gotestsum/gotestsum-rerun.xml");
    let flaky = cases(&e, "example.com/pump/retry::TestFlakyOnce");
    assert_eq!(flaky.len(), 1, "one test, one record: {flaky:#?}");
    assert_eq!(
        (flaky[0].status, flaky[0].flaky),
        (TestStatus::Passed, true)
    );
    let failing = cases(&e, &format!("{DOSE}::TestRateWrong"));
    assert_eq!(failing.len(), 1, "{failing:#?}");
    assert_eq!(failing[0].status, TestStatus::Failed);
    // 18 distinct tests: dose 15 (4 failed, 2 skipped), dose/limits 1, retry 2.
    assert_eq!(statuses(&e), [12, 4, 0, 2]);
}

#[test]
fn gotestsum_count_2_repeats_are_not_reruns_and_a_failed_run_stays_failed() {
    // `go test -count=2` writes the same shape as --rerun-fails: every test
    // twice, by name. Here TestFlakyOnce failed in the first run and passed
    // in the second, and go/gotestsum report a failure ("DONE 4 tests, 1
    // failure", exit 1): whatever reads reruns must not make this a pass.
    let e = tests("gotestsum/gotestsum-count2.xml");
    let runs = cases(&e, "example.com/pump/retry::TestFlakyOnce");
    assert!(
        runs.iter().any(|t| t.status == TestStatus::Failed),
        "{runs:#?}"
    );
    assert!(e.tests.iter().all(|t| !t.flaky));
}

#[test]
fn go_test_json_is_refused_with_a_clear_error() {
    // `go test -json` (test2json events, one JSON object a line) is not a
    // supported format: gotestsum or go-junit-report turn it into JUnit.
    let err = try_load("gotestsum/go-test.json", EvidenceKind::Tests)
        .expect_err("go test -json is not a tests format");
    assert!(matches!(err, Error::UnknownFormat { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("Action") && text.contains("junit"), "{text}");
}

// ------------------------------------------------------------------ PHPUnit

const DOSE_PHP: &str = "Pump.Tests.DoseTest";

#[test]
fn phpunit_failures_errors_risky_and_skips_are_counted_as_phpunit_counts_them() {
    // PHPUnit: "Tests: 19, Assertions: 14, Errors: 2, Failures: 2,
    // Warnings: 2, Skipped: 1, Incomplete: 1, Risky: 1." Its XML writes the
    // risky test as an <error> (errors="3") and the incomplete one as a
    // <skipped/> (skipped="2"); its two warnings read as failed (see
    // phpunit_warning_is_not_a_pass), checked against the suites'
    // `failures` plus `warnings`.
    let e = tests("phpunit/phpunit-junit.xml");
    let [_, failed, errored, skipped] = statuses(&e);
    assert_eq!((failed, errored, skipped), (2 + 2, 3, 2));
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    // classname is the class with dots; file (absolute) and the method's
    // 1-based line are written.
    let t = case(&e, &format!("{DOSE_PHP}::testSummaryWrong"));
    assert_eq!(t.status, TestStatus::Failed);
    let source = t.source.as_ref().expect("file and line");
    assert!(source.file.ends_with("/tests/DoseTest.php"), "{source:?}");
    assert_eq!(source.line, Some(16));
    assert_eq!(
        case(&e, &format!("{DOSE_PHP}::testZeroMinutesThrows")).status,
        TestStatus::Errored
    );
}

#[test]
fn phpunit_incomplete_test_is_never_a_pass() {
    // markTestIncomplete() and markTestSkipped() are both an empty
    // <skipped/>: no message, nothing tells them apart. Skipped is right
    // for a gate: an incomplete test verified nothing.
    let e = tests("phpunit/phpunit-junit.xml");
    for name in ["testBolusNotWrittenYet", "testNeedsHardware"] {
        let t = case(&e, &format!("{DOSE_PHP}::{name}"));
        assert_eq!(
            (t.status, t.message.as_deref()),
            (TestStatus::Skipped, None)
        );
    }
}

#[test]
fn phpunit_risky_test_without_assertions_is_errored() {
    // PHPUnit calls it "risky" ("OK, but incomplete, skipped, or risky
    // tests!", exit 0 alone) but writes <error type="...RiskyTestError">.
    // A test that asserts nothing verifies nothing: errored fails closed.
    let e = tests("phpunit/phpunit-junit.xml");
    assert_eq!(
        case(&e, &format!("{DOSE_PHP}::testRiskyNoAssertions")).status,
        TestStatus::Errored
    );
}

#[test]
fn phpunit_warning_is_not_a_pass() {
    // PHPUnit writes <warning type="PHPUnit\Framework\Warning"> (suites
    // count them in `warnings`, not in errors or failures) for a test's own
    // addWarning() and for "No tests found in class", where no test ran at
    // all (a case named "Warning"). PHPUnit prints "WARNINGS!" rather than
    // "OK"; both read as failed.
    let e = tests("phpunit/phpunit-junit.xml");
    for id in [
        format!("{DOSE_PHP}::testWarningCalibration"),
        r"Pump\Tests\EmptyTest::Warning".to_string(),
    ] {
        let t = case(&e, &id);
        assert_ne!(t.status, TestStatus::Passed, "{id}");
    }
    assert!(
        case(&e, r"Pump\Tests\EmptyTest::Warning")
            .message
            .as_deref()
            .is_some_and(|m| m.contains("No tests found")),
    );
}

#[test]
fn phpunit_failure_message_is_the_assertion_not_the_test_name() {
    // PHPUnit writes no `message` attribute; the element's text starts with
    // the test's name (or "Error"/"Warning" for a synthesised case), and
    // the reason is the second line.
    let e = tests("phpunit/phpunit-junit.xml");
    let message = |id: &str| case(&e, id).message.clone().unwrap_or_default();
    let m = message(&format!("{DOSE_PHP}::testSummaryWrong"));
    assert!(
        m.starts_with("Failed asserting that two arrays are identical."),
        "{m}"
    );
    let m = message(&format!("{DOSE_PHP}::testZeroMinutesThrows"));
    assert!(
        m.starts_with("InvalidArgumentException: minutes must be positive"),
        "{m}"
    );
    let m = message(r"Pump\Tests\ProviderTest::testRateFromTable::Error");
    assert!(m.starts_with("The data provider specified for"), "{m}");
}

#[test]
fn phpunit_data_sets_are_cases_of_a_nested_suite_with_the_method_line() {
    // PHPUnit nests a <testsuite name="Class::method"> per data-provided
    // method; its cases keep the class as classname.
    let e = tests("phpunit/phpunit-junit.xml");
    let failed = case(&e, &format!("{DOSE_PHP}::testRateTable with data set #2"));
    assert_eq!(failed.status, TestStatus::Failed);
    assert_eq!(failed.source.as_ref().and_then(|s| s.line), Some(78));
    assert_eq!(
        case(&e, &format!("{DOSE_PHP}::testRateTable with data set #0")).status,
        TestStatus::Passed
    );
    let named = case(
        &e,
        &format!("{DOSE_PHP}::testLimitTable with data set \"REQ-043 high dose\""),
    );
    assert_eq!(named.requirements, ["REQ-043"]);
    assert_eq!(
        case(
            &e,
            &format!("{DOSE_PHP}::testLimitTable with data set \"over/limit\"")
        )
        .status,
        TestStatus::Passed
    );
}

#[test]
fn phpunit_data_provider_that_throws_is_an_errored_case_named_error() {
    // The test never ran: PHPUnit writes a case "Error" without classname
    // or file, in a suite named after the method.
    let e = tests("phpunit/phpunit-junit.xml");
    let t = case(&e, r"Pump\Tests\ProviderTest::testRateFromTable::Error");
    assert_eq!(t.status, TestStatus::Errored);
    assert!(t.source.is_none());
}

#[test]
fn phpunit_requirement_ids_come_from_names_and_group_annotations_are_lost() {
    let e = tests("phpunit/phpunit-junit.xml");
    assert_eq!(
        case(&e, &format!("{DOSE_PHP}::test_REQ_041_limitIsInclusive")).requirements,
        ["REQ-041"]
    );
    // `@group REQ-040` is not written to PHPUnit 9's JUnit XML.
    assert!(
        case(&e, &format!("{DOSE_PHP}::testGroupedByRequirement"))
            .requirements
            .is_empty()
    );
}

#[test]
fn phpunit_cobertura_matches_its_coverage_text_summary() {
    // --coverage-text: "Lines: 50.00% (6/12)"; Pump\Alarm 0/1, Pump\Dose
    // 6/11. PCOV measures no branches (branches-valid="0", no
    // condition-coverage). Paths are relative to <source>.
    let e = load_fixture("phpunit/cobertura.xml", EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::Cobertura);
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    let lines = |path: &str| {
        let f = e
            .coverage
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path} in {:#?}", e.coverage));
        assert!(f.branches.is_none(), "{path}");
        (f.lines.covered, f.lines.total)
    };
    assert_eq!(lines("Dose.php"), (6, 11));
    assert_eq!(lines("Alarm.php"), (0, 1));
    assert_eq!(e.coverage.len(), 2);
}

#[test]
fn phpunit_xdebug_branch_totals_only_at_the_root_are_refused_for_several_files() {
    // Xdebug with --path-coverage: "Branches: 50.00% (5/10)" in the text
    // report, but the Cobertura file carries it only as the root's
    // branches-covered/valid and per-class rates; no line has
    // condition-coverage. Which of its two files has which branches is
    // unknown, and leaving the 10 out would overstate any branch total,
    // so the file is refused.
    let err = try_load("phpunit/cobertura-xdebug-path.xml", EvidenceKind::Coverage)
        .expect_err("root-only branches over two files");
    let message = err.to_string();
    assert!(
        message.contains("branch totals only on the root")
            && message.contains("branches-covered=5 branches-valid=10")
            && message.contains("--path-coverage"),
        "{message}"
    );
}

#[test]
fn phpunit_clover_is_refused_as_clover_not_read_as_empty_cobertura() {
    // php-code-coverage's Clover root is <coverage generated="..."> with a
    // <project> child and no `clover` attribute (gcovr and OpenClover write
    // one): it is refused as Clover, not read as a Cobertura report of
    // two empty "files" named by class (`Pump\Dose`).
    match try_load("phpunit/clover.xml", EvidenceKind::Coverage) {
        Err(err) => {
            assert!(matches!(err, Error::UnknownFormat { .. }), "{err}");
            assert!(err.to_string().contains("Clover"), "{err}");
        }
        Ok(e) => {
            let total: u64 = e.coverage.iter().map(|f| f.lines.total).sum();
            let covered: u64 = e.coverage.iter().map(|f| f.lines.covered).sum();
            assert_eq!(
                (covered, total),
                (6, 12),
                "read as {:?}: {:#?}",
                e.files[0].format,
                e.coverage
            );
        }
    }
}
