//! Shapes a sweep over real JUnit and Robot Framework files found misread,
//! read through [`load`](regops_evidence::load) as users do. The fixtures
//! are hand-made after each producer's shape, except the Robot run under
//! `robot-suite-teardown/`, which is real Robot 7.5 output;
//! tests/fixtures/handmade-realworld-junit/PROVENANCE.md says which
//! producer writes each shape and where it was seen.

mod common;

use common::{case, junit, producer, statuses, try_bytes, try_producer, warnings};
use regops_evidence::{Error, Evidence, EvidenceKind, Format, Location, TestCase, TestStatus};

const DIR: &str = "handmade-realworld-junit";

fn fixture(name: &str) -> Evidence {
    junit(&format!("{DIR}/{name}"))
}

fn robot(name: &str) -> Evidence {
    let e = producer(&format!("{DIR}/{name}"), EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::RobotOutput, "{name}");
    e
}

/// Each record's id, status and message, in file order.
fn outcomes(e: &Evidence) -> Vec<(&str, TestStatus, Option<&str>)> {
    e.tests
        .iter()
        .map(|t| (t.id.as_str(), t.status, t.message.as_deref()))
        .collect()
}

/// The run as Robot 7.5 printed it: 5 tests, 0 passed, 3 failed, 2
/// skipped. `Alarms` has a failing suite setup, `Logs` a skipping suite
/// teardown, `Pump` and the top suite failing suite teardowns.
const TEARDOWN_RUN: &[(&str, TestStatus, Option<&str>)] = &[
    (
        "Suite.Alarms::Alarm Sounds",
        TestStatus::Failed,
        Some(
            "Parent suite setup failed:; alarm panel offline; Also parent suite teardown \
             failed:; rig left powered",
        ),
    ),
    (
        "Suite.Logs::Log Written",
        TestStatus::Skipped,
        Some(
            "Skipped in parent suite teardown:; log server down; Also parent suite teardown \
             failed:; rig left powered",
        ),
    ),
    (
        "Suite.Pump.Dose::Dose Delivered",
        TestStatus::Failed,
        Some(
            "Parent suite teardown failed:; pump not primed; Also parent suite teardown \
             failed:; rig left powered",
        ),
    ),
    (
        "Suite.Pump.Dose::Dose Limit",
        TestStatus::Failed,
        Some(
            "limit exceeded; Also parent suite teardown failed:; pump not primed; Also parent \
             suite teardown failed:; rig left powered",
        ),
    ),
    (
        "Suite.Pump.Dose::Dose Skipped",
        TestStatus::Skipped,
        Some(
            "no rig; Also parent suite teardown failed:; pump not primed; Also parent suite \
             teardown failed:; rig left powered",
        ),
    ),
];

#[test]
fn robot_suite_teardowns_fail_and_skip_the_tests_robot_wrote_as_passed() {
    // `robot` wrote Dose Delivered and Log Written as PASS: their suites'
    // teardowns ran after that.
    let e = robot("robot-suite-teardown/output.xml");
    assert_eq!(outcomes(&e), TEARDOWN_RUN);
    assert_eq!(statuses(&e), [0, 3, 0, 2]);
    assert_eq!(
        case(&e, "Suite.Pump.Dose::Dose Delivered").requirements,
        ["REQ-101"]
    );
    assert!(e.tests.iter().all(|t| !t.flaky));
    assert_eq!(
        warnings(&e),
        [
            "1 test Robot marks PASS failed in a parent suite's teardown, which `robot` writes \
             after the tests' own status; reported as failed, as Robot itself reports them",
            "1 test Robot marks PASS skipped in a parent suite's teardown, which `robot` writes \
             after the tests' own status; reported as skipped, as Robot itself reports them",
        ]
    );
}

#[test]
fn robot_suite_teardowns_read_the_same_from_robot_rebot_and_xunit_output() {
    // rebot applied the teardowns when it rewrote the file: not twice.
    let written = robot("robot-suite-teardown/output.xml");
    let rewritten = robot("robot-suite-teardown/rebot.xml");
    let without_path = |e: &Evidence| -> Vec<TestCase> {
        e.tests
            .iter()
            .cloned()
            .map(|t| TestCase {
                evidence: String::new(),
                ..t
            })
            .collect()
    };
    assert_eq!(without_path(&rewritten), without_path(&written));
    assert!(
        warnings(&rewritten).is_empty(),
        "{:?}",
        warnings(&rewritten)
    );

    let xunit = fixture("robot-suite-teardown/xunit.xml");
    let statuses_of = |e: &Evidence| -> Vec<(String, TestStatus)> {
        e.tests.iter().map(|t| (t.id.clone(), t.status)).collect()
    };
    assert_eq!(statuses_of(&xunit), statuses_of(&written));
}

#[test]
fn robot_suite_setup_failures_are_already_written_on_the_tests() {
    // Robot fails the tests of a suite whose setup failed as it runs them,
    // so output.xml says FAIL itself; nothing is added but the teardown.
    let e = robot("robot-suite-teardown/output.xml");
    let alarm = case(&e, "Suite.Alarms::Alarm Sounds");
    assert_eq!(alarm.status, TestStatus::Failed);
    assert!(
        alarm
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("Parent suite setup failed:; alarm panel offline")),
        "{:?}",
        alarm.message
    );
    assert_eq!(alarm.requirements, ["REQ-104"]);
}

#[test]
fn robot_2_suite_teardown_keyword_fails_its_tests_with_the_suites_message() {
    // `<kw type="teardown">` with an empty status: the suite's own status
    // quotes the message.
    let e = robot("robot-rf2-suite-teardown.xml");
    assert_eq!(
        outcomes(&e),
        [(
            "Infusion::Bolus Within Limit",
            TestStatus::Failed,
            Some("Parent suite teardown failed:; occlusion sensor stuck")
        )]
    );
    assert_eq!(e.tests[0].requirements, ["REQ-201"]);
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
}

#[test]
fn robot_output_without_a_generator_gets_the_teardown_too() {
    // Fail closed: only a file rebot says it wrote is taken as applied.
    let e = try_bytes(
        "output.xml",
        b"<robot><suite name=\"S\"><test name=\"T\"><status status=\"PASS\"/></test>\
          <kw name=\"Fail\" type=\"TEARDOWN\"><status status=\"FAIL\">rig lost</status></kw>\
          <status status=\"FAIL\">Suite teardown failed:\nrig lost</status></suite></robot>",
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    assert_eq!(
        outcomes(&e),
        [(
            "S::T",
            TestStatus::Failed,
            Some("Parent suite teardown failed:; rig lost")
        )]
    );
}

#[test]
fn tap_error_counted_only_on_a_nested_suite_is_an_errored_record() {
    // TAP::Formatter::JUnit: the script planned 4 tests and ran 3; only
    // the suite's errors="1" says so.
    let e = fixture("tap-nested-suite-error.xml");
    assert_eq!(
        outcomes(&e),
        [
            (
                "t_occlusion_t::1 - pressure rises",
                TestStatus::Passed,
                None
            ),
            ("t_occlusion_t::2 - alarm raised", TestStatus::Passed, None),
            ("t_occlusion_t::3 - pump halted", TestStatus::Passed, None),
            (
                "t_occlusion_t::(1 errors outside any test case)",
                TestStatus::Errored,
                Some(
                    "the summary counts 1 more errors than its test cases hold; see the tool's \
                     console output for what failed"
                ),
            ),
            (
                "t_battery_t::1 - battery reported",
                TestStatus::Passed,
                None
            ),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "testsuite 't_occlusion_t' says failures=0 errors=1 but its test cases hold 0 \
             failed and 0 errored; the excess is reported as 't_occlusion_t::(1 errors outside \
             any test case)' with status errored (a producer may count a failure that no test \
             case holds only in the summary, as gotestsum does for a Go package that fails to \
             build)"
        ]
    );
}

#[test]
fn a_root_summing_its_suites_does_not_count_their_excess_again() {
    let e = fixture("tap-summed-root.xml");
    assert_eq!(statuses(&e), [2, 0, 1, 0]);
    assert_eq!(e.tests[2].id, "t_door_t::(1 errors outside any test case)");
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
}

#[test]
fn a_failure_the_summary_counts_as_an_error_is_not_counted_twice() {
    // An old Ruby writer: errors="1" for the case's <failure>.
    let e = fixture("error-count-for-failure.xml");
    assert_eq!(
        outcomes(&e),
        [
            (
                "checkout flow::pays with a saved card",
                TestStatus::Failed,
                Some("timed out after 30 seconds")
            ),
            ("checkout flow::shows the basket", TestStatus::Passed, None),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "testsuite 'checkout flow' says tests=2 failures=0 errors=1 skipped=0 but 2 cases \
             (1 failed, 0 errored, 0 skipped) were found; the counted values are used"
        ]
    );

    // Nette Tester writes no `failures` at all.
    let e = fixture("nette-tester-errors.xml");
    assert_eq!(statuses(&e), [1, 1, 0, 1]);
    assert_eq!(
        case(&e, "tests/Dose.limit.phpt::tests/Dose.limit.phpt")
            .message
            .as_deref(),
        Some("Failed: 12.5 should be less than 10")
    );
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
}

#[test]
fn gotestsum_build_failure_is_still_one_errored_record() {
    let e = fixture("gotestsum-build-failure.xml");
    assert_eq!(statuses(&e), [1, 0, 1, 0]);
    let record = case(&e, "(report)::(1 errors outside any test case)");
    assert_eq!(record.status, TestStatus::Errored);
    assert_eq!(
        warnings(&e),
        [
            "the report's summary says failures=0 errors=1 but its test cases hold 0 failed and \
             0 errored; the excess is reported as '(report)::(1 errors outside any test case)' \
             with status errored (a producer may count a failure that no test case holds only \
             in the summary, as gotestsum does for a Go package that fails to build)"
        ]
    );
}

#[test]
fn decimal_comma_durations() {
    let e = fixture("decimal-comma-time.xml");
    let ms = |name: &str| case(&e, &format!("Sensor::{name}")).duration_ms;
    assert_eq!(ms("reads zero"), Some(123));
    assert_eq!(ms("reads span"), Some(12_500));
    // A thousands separator beside a decimal point stays one.
    assert_eq!(ms("soak"), Some(1_234_500));
    assert_eq!(ms("settles"), Some(250));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn rc_needs_a_separator_and_a_release_candidate_is_no_risk_control() {
    let e = fixture("rc-tokens.xml");
    let named: Vec<(&str, &[String])> = e
        .tests
        .iter()
        .filter(|t| !t.requirements.is_empty())
        .map(|t| (t.name.as_str(), t.requirements.as_slice()))
        .collect();
    assert_eq!(
        named,
        [("test_rc_7_occlusion_alarm", &["RC-7".to_string()][..])]
    );
}

#[test]
fn messages_lose_surrounding_whitespace_and_a_phpt_name_glued_to_them() {
    let e = fixture("surefire-message-newline.xml");
    assert_eq!(
        e.tests[0].message.as_deref(),
        Some("Expected: <2.50>\n     but: was <2.51>")
    );

    let e = fixture("phpunit-phpt.xml");
    assert_eq!(statuses(&e), [1, 1, 0, 0]);
    assert_eq!(
        case(&e, "end-to-end::dose-limit-is-enforced.phpt")
            .message
            .as_deref(),
        Some("Failed asserting that string matches format description.")
    );
}

#[test]
fn failsafe_summary_is_refused_with_what_to_list_instead() {
    let err = try_producer(&format!("{DIR}/failsafe-summary.xml"), EvidenceKind::Tests)
        .expect_err("not a test report");
    assert!(matches!(err, Error::UnknownFormat { .. }), "{err:?}");
    assert!(
        err.to_string().contains(
            "Maven Failsafe's summary (root element <failsafe-summary>), not a test report: \
             list the TEST-*.xml files instead"
        ),
        "{err}"
    );
}

#[test]
fn qt_skip_in_init_test_case_written_as_a_comment_is_a_skip() {
    let e = fixture("qt-skip-in-init.xml");
    assert_eq!(
        outcomes(&e),
        [
            (
                "tst_PumpRig::initTestCase",
                TestStatus::Skipped,
                Some("Rig 'bench-2' not connected; skipping the class")
            ),
            ("tst_PumpRig::cleanupTestCase", TestStatus::Passed, None),
        ]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn catch2_failure_location_is_the_cases_when_it_has_none() {
    let e = fixture("catch2-failure-location.xml");
    let clamped = case(&e, "pump_tests.global::dose is clamped");
    assert_eq!(clamped.status, TestStatus::Failed);
    assert_eq!(
        clamped.message.as_deref(),
        Some("REQUIRE(dose <= 10.0) expands to 12.5 <= 10.0")
    );
    assert_eq!(
        clamped.source,
        Some(Location {
            file: "tests/dose.cpp".into(),
            line: Some(27),
            column: None,
        })
    );
    assert_eq!(case(&e, "pump_tests.global::rate is positive").source, None);
}
