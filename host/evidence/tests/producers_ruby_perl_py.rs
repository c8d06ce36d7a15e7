//! Ruby, Perl and Python JUnit writers: RSpec (rspec_junit_formatter),
//! Minitest (minitest-reporters' JUnitReporter), Perl's TAP through
//! `prove --formatter TAP::Formatter::JUnit` and `prove --harness
//! TAP::Harness::JUnit`, and Python's `junit-xml` library and
//! `junitparser merge`. Fixtures in tests/fixtures/rspec/, minitest/,
//! tap-perl/ and junit-xml-py/: real output, the sources beside it, and a
//! PROVENANCE.md with the versions, the commands and what each tool
//! printed. Each record is compared whole, against what the tool itself
//! counted.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestCase, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

/// One record, as (suite, name, status, message, source file, line,
/// requirement ids), to compare whole; the id is checked to be
/// `suite::name` on the way.
type Row<'a> = (
    &'a str,
    &'a str,
    TestStatus,
    Option<&'a str>,
    Option<&'a str>,
    Option<u32>,
    Vec<&'a str>,
);

fn row(t: &TestCase) -> Row<'_> {
    assert_eq!(t.id, format!("{}::{}", t.suite, t.name));
    (
        t.suite.as_str(),
        t.name.as_str(),
        t.status,
        t.message.as_deref(),
        t.source.as_ref().map(|s| s.file.as_str()),
        t.source.as_ref().and_then(|s| s.line),
        t.requirements.iter().map(String::as_str).collect(),
    )
}

fn rows(e: &Evidence) -> Vec<Row<'_>> {
    assert!(e.tests.iter().all(|t| !t.flaky), "{:#?}", e.tests);
    e.tests.iter().map(row).collect()
}

fn bytes(xml: &str) -> Evidence {
    try_bytes("report.xml", xml.as_bytes(), EvidenceKind::Tests, None).expect("loads")
}

// ---------------------------------------------------------------- RSpec

#[test]
fn rspec_reads_as_rspec_counted_the_run() {
    // RSpec: "20 examples, 6 failures, 5 pending, 1 error occurred outside
    // of examples". rspec_junit_formatter 0.4.1 writes one <testsuite
    // name="rspec">, classname the spec file's path with dots, the full
    // description as the name, `file` the top group's file (with `./`),
    // never a line, and `errors="0"` always.
    let e = junit("rspec/rspec.xml");
    assert_eq!(statuses(&e), [9, 6, 0, 5]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    let alarm = Some("./spec/alarm_spec.rb");
    let hooks = Some("./spec/hooks_spec.rb");
    let rate = Some("./spec/rate_spec.rb");
    let a = "spec.alarm_spec";
    let h = "spec.hooks_spec";
    let r = "spec.rate_spec";
    let oa = "Occlusion alarm";
    assert_eq!(
        rows(&e),
        [
            // `describe "Occlusion alarm", req: "RC-7"`: metadata tags are
            // not written; no id reaches the file.
            (
                a,
                &*format!("{oa} alarms above the pressure limit"),
                Passed,
                None,
                alarm,
                None,
                vec![]
            ),
            (
                a,
                &*format!("{oa} stays quiet at the limit"),
                Passed,
                None,
                alarm,
                None,
                vec![]
            ),
            // Pending without a block, `pending` in a block that fails as
            // expected, `skip`, `xit`, and an `it` without a block: RSpec's
            // "pending", each a bare <skipped/> (the reason is dropped).
            (
                a,
                &*format!("{oa} alarms on a rising pressure trend"),
                Skipped,
                None,
                alarm,
                None,
                vec![]
            ),
            (
                a,
                &*format!("{oa} alarms within 2 s of occlusion"),
                Skipped,
                None,
                alarm,
                None,
                vec![]
            ),
            // A pending block that passes: RSpec fails it ("FIXED").
            (
                a,
                &*format!("{oa} pending with a block that passes"),
                Failed,
                Some("Expected example to fail since it is pending, but it passed."),
                alarm,
                None,
                vec![]
            ),
            (
                a,
                &*format!("{oa} logs the alarm to the audit trail"),
                Skipped,
                None,
                alarm,
                None,
                vec![]
            ),
            (
                a,
                &*format!("{oa} silences after acknowledge"),
                Skipped,
                None,
                alarm,
                None,
                vec![]
            ),
            (
                a,
                &*format!("{oa} is not implemented yet"),
                Skipped,
                None,
                alarm,
                None,
                vec![]
            ),
            // `:requirement_id => "REQ-031"` on the nested group: dropped too.
            (
                a,
                &*format!("{oa} with a custom limit uses the configured limit"),
                Passed,
                None,
                alarm,
                None,
                vec![]
            ),
            // An `after` hook that raises fails its example.
            (
                h,
                "Pump self-test hooks an after hook that raises passes its own expectation",
                Failed,
                Some("valve did not close"),
                hooks,
                None,
                vec![]
            ),
            // A `before(:context)` hook that raises fails every example of
            // the group, each with the hook's error.
            (
                h,
                "Pump self-test hooks a before(:context) hook that raises REQ-040 primes the line",
                Failed,
                Some("simulator not reachable"),
                hooks,
                None,
                vec!["REQ-040"]
            ),
            (
                h,
                "Pump self-test hooks a before(:context) hook that raises REQ-041 purges air",
                Failed,
                Some("simulator not reachable"),
                hooks,
                None,
                vec!["REQ-041"]
            ),
            // An `after(:context)` hook that raises is RSpec's "1 error
            // occurred outside of examples": the formatter writes it
            // nowhere (errors="0"), so the example reads as it ran.
            (
                h,
                "Pump self-test hooks an after(:context) hook that raises records the self-test result",
                Passed,
                None,
                hooks,
                None,
                vec![]
            ),
            (
                r,
                "Infusion.rate_ml_per_hour REQ-012 computes the hourly rate",
                Passed,
                None,
                rate,
                None,
                vec!["REQ-012"]
            ),
            // `requirements: "REQ-013"` metadata: not written. The message
            // starts with a line break, trimmed.
            (
                r,
                "Infusion.rate_ml_per_hour rounds to one decimal place",
                Failed,
                Some("expected: 85.7\n     got: 85.71428571428571\n\n(compared using ==)"),
                rate,
                None,
                vec![]
            ),
            (
                r,
                "Infusion.rate_ml_per_hour rejects a zero duration",
                Passed,
                None,
                rate,
                None,
                vec![]
            ),
            // An exception outside any expectation: RSpec counts it a
            // failure like any other, and so does its formatter.
            (
                r,
                "Infusion.rate_ml_per_hour reads the pump's calibration table",
                Failed,
                Some("No such file or directory @ rb_sysopen - /nonexistent/calibration.csv"),
                rate,
                None,
                vec![]
            ),
            // `include_examples` inlines; `it_behaves_like` nests.
            (
                r,
                "Infusion.rate_ml_per_hour is positive for 1 ml over 60 min",
                Passed,
                None,
                rate,
                None,
                vec![]
            ),
            (
                r,
                "Infusion.rate_ml_per_hour behaves like a positive rate is positive for 50 ml over 10 min",
                Passed,
                None,
                rate,
                None,
                vec![]
            ),
            (
                r,
                "Infusion.rate_ml_per_hour when the duration is in hours with a fractional hour handles 90 minutes",
                Passed,
                None,
                rate,
                None,
                vec![]
            ),
        ]
    );
}

#[test]
fn rspec_a_spec_file_that_fails_to_load_leaves_an_empty_report() {
    // "0 examples, 0 failures, 1 error occurred outside of examples": RSpec
    // runs nothing when a file fails to load, and the formatter writes an
    // empty suite with errors="0". Only the warning and the exit code
    // tell.
    let e = junit("rspec/rspec-load-error.xml");
    assert!(e.tests.is_empty());
    assert_eq!(warnings(&e), ["the report holds no test cases"]);
}

// ---------------------------------------------------------------- Minitest

#[test]
fn minitest_reporters_reads_as_minitest_counted_the_run() {
    // Minitest: "9 tests, 6 assertions, 2 failures, 1 errors, 2 skips".
    // minitest-reporters 1.0.19 over minitest 5.15 puts every test in one
    // suite named Minitest::Result (see the warning), names spec-style
    // tests `test_000N_<description>`, writes no file or line, and the
    // test's own name as the `type` of each outcome.
    let e = junit("minitest/TEST-Minitest-Result.xml");
    assert_eq!(statuses(&e), [4, 2, 1, 2]);
    let m = "Minitest::Result";
    assert_eq!(
        rows(&e),
        [
            // `skip` without a message, `<skipped type="<name>"/>`: the
            // name is no reason.
            (
                m,
                "test_0003_is not wired to the nurse call yet",
                Skipped,
                None,
                None,
                None,
                vec![]
            ),
            (
                m,
                "test_0002_stays quiet at the limit",
                Failed,
                Some("Expected: true..."),
                None,
                None,
                vec![]
            ),
            (
                m,
                "test_0001_RC-7 alarms above the pressure limit",
                Passed,
                None,
                None,
                None,
                vec!["RC-7"]
            ),
            (
                m,
                "test_req_012_hourly_rate",
                Passed,
                None,
                None,
                None,
                vec!["REQ-012"]
            ),
            // `skip "audit trail not in this build"`: the reason is not
            // written either.
            (
                m,
                "test_logs_to_audit_trail",
                Skipped,
                None,
                None,
                None,
                vec![]
            ),
            (
                m,
                "test_rounds_to_one_decimal",
                Failed,
                Some("Expected: 85.7..."),
                None,
                None,
                vec![]
            ),
            (
                m,
                "test_zero_duration_rejected",
                Passed,
                None,
                None,
                None,
                vec![]
            ),
            // An exception outside any assertion: Minitest's error.
            (
                m,
                "test_reads_calibration_table",
                Errored,
                Some(
                    "Errno::ENOENT: No such file or directory @ rb_sysopen - \
                     /nonexistent/calibration.csv..."
                ),
                None,
                None,
                vec![]
            ),
            (
                m,
                "test_0001_uses the configured limit REQ-031",
                Passed,
                None,
                None,
                None,
                vec!["REQ-031"]
            ),
        ]
    );
    assert_eq!(
        warnings(&e),
        [
            "test cases are written with classname 'Minitest::Result', the class of minitest's \
             result objects, not of the tests (minitest-reporters before 1.1 with minitest 5.11 \
             or later): the test classes are lost, and one method name in two classes gives one \
             id; upgrade minitest-reporters"
        ]
    );
}

#[test]
fn a_type_that_only_repeats_the_test_name_is_no_message_elsewhere_a_type_still_is() {
    let e = bytes(
        r#"<testsuite name="s" tests="3" skipped="2" failures="1">
             <testcase classname="c" name="a"><skipped type="a"/></testcase>
             <testcase classname="c" name="b"><skipped type="pytest.skip"/></testcase>
             <testcase classname="c" name="d"><failure type="AssertionError"/></testcase>
           </testsuite>"#,
    );
    let messages: Vec<_> = e.tests.iter().map(|t| t.message.as_deref()).collect();
    assert_eq!(
        messages,
        [None, Some("pytest.skip"), Some("AssertionError")]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------- Perl TAP

const DUBIOUS_1: Option<&str> = Some("Dubious, test returned 1 (wstat 256, 0x100)");
const DUBIOUS_255: Option<&str> = Some("Dubious, test returned 255 (wstat 65280, 0xff00)");

fn rate_t_rows(suite: &str) -> Vec<Row<'_>> {
    vec![
        (
            suite,
            "1 - REQ-012 computes the hourly rate",
            Passed,
            None,
            None,
            None,
            vec!["REQ-012"],
        ),
        (
            suite,
            "2 - rounds to one decimal place",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        (
            suite,
            "3 - exact rate for 10 ml over 7 min",
            Failed,
            Some("not ok 3 - exact rate for 10 ml over 7 min"),
            None,
            None,
            vec![],
        ),
        (
            suite,
            "4 - rejects a zero duration",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        // `not ok 5 - rounds half up # TODO …`: an expected failure, which
        // TAP does not count as failed; the formatter writes a bare pass,
        // only the TAP in <system-out> says TODO. Skipped, as node-tap's
        // todo is.
        (
            suite,
            "5 - rounds half up",
            Skipped,
            Some("todo: rounding mode not specified yet"),
            None,
            None,
            vec![],
        ),
        // `ok 6 # skip no pump simulator attached`: prove says "1 skipped
        // subtest"; the formatter writes a bare pass named `6`.
        (
            suite,
            "6",
            Skipped,
            Some("skip: no pump simulator attached"),
            None,
            None,
            vec![],
        ),
        // The script exited 1: the formatter's <error> on the suite.
        (suite, suite, Errored, DUBIOUS_1, None, None, vec![]),
    ]
}

fn raw_t_rows() -> Vec<Row<'static>> {
    let s = "06-raw_t";
    vec![
        (
            s,
            "1 - SRS-101 reads the config",
            Passed,
            None,
            None,
            None,
            vec!["SRS-101"],
        ),
        (
            s,
            "2",
            Skipped,
            Some("todo: write the parser"),
            None,
            None,
            vec![],
        ),
        (
            s,
            "3",
            Skipped,
            Some("skip: no network"),
            None,
            None,
            vec![],
        ),
    ]
}

fn suite_error_warning(suite: &str) -> String {
    format!(
        "testsuite '{suite}' records an error outside any test case; it is reported as test \
         case '{suite}::{suite}' with status errored"
    )
}

#[test]
fn tap_formatter_junit_reads_as_prove_counted_the_run() {
    // prove: 01-rate.t failed 1/6 (1 skipped, 1 TODO), 02-alarm.t died
    // after 3 tests (1 TODO unexpectedly succeeded), 03-plan.t planned 4
    // and ran 2, 05-skipall.t skipped whole, 06-raw.t ok (1 TODO, 1 skip).
    let e = junit("tap-perl/formatter-junit.xml");
    let mut want = rate_t_rows("01-rate_t");
    let alarm = "02-alarm_t";
    want.extend([
        (
            alarm,
            "1 - RC-7 alarms above the pressure limit",
            Passed,
            None,
            None,
            None,
            vec!["RC-7"],
        ),
        (
            alarm,
            "2 - stays quiet at the limit",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        // A TODO test that passed: the formatter's documented default
        // (unless ALLOW_PASSING_TODOS is set) is an error; kept.
        (
            alarm,
            "3 - alarms on a rising trend",
            Errored,
            Some("trend detection not implemented"),
            None,
            None,
            vec![],
        ),
        (alarm, alarm, Errored, DUBIOUS_255, None, None, vec![]),
        (
            "03-plan_t",
            "1 - primes the line",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        (
            "03-plan_t",
            "2 - purges air",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        (
            "03-plan_t",
            "03-plan_t",
            Errored,
            DUBIOUS_255,
            None,
            None,
            vec![],
        ),
    ]);
    // 05-skipall.t (`skip_all`) is a suite with no case: nothing to record.
    want.extend(raw_t_rows());
    assert_eq!(rows(&e), want);
    assert_eq!(
        warnings(&e),
        [
            suite_error_warning("01-rate_t"),
            suite_error_warning("02-alarm_t"),
            suite_error_warning("03-plan_t"),
            // The formatter's `tests` counts TAP tests, not its <error>;
            // its `errors` adds the tests a script planned and did not run.
            "testsuite '01-rate_t' says tests=6 failures=1 errors=1 but 7 cases (1 failed, 1 \
             errored, 2 skipped) were found (2 more suites disagree likewise); the counted \
             values are used"
                .to_string(),
        ]
    );
}

#[test]
fn tap_formatter_junit_bail_out_is_a_warning() {
    // `BAIL_OUT` in 04-bail.t: prove stops, 06-raw.t never runs and is not
    // in the file; the TAP in 04-bail_t's <system-out> says `Bail out!`.
    let e = junit("tap-perl/formatter-bailout.xml");
    let mut want = rate_t_rows("01-rate_t");
    want.extend([
        (
            "04-bail_t",
            "1 - self-test starts",
            Passed,
            None,
            None,
            None,
            vec![],
        ),
        (
            "04-bail_t",
            "04-bail_t",
            Errored,
            DUBIOUS_255,
            None,
            None,
            vec![],
        ),
    ]);
    assert_eq!(rows(&e), want);
    assert_eq!(
        warnings(&e),
        [
            suite_error_warning("01-rate_t"),
            "TAP test script '04-bail_t' bailed out ('Bail out! watchdog did not respond'): \
             prove stopped there, so the scripts after it did not run and are not in the report"
                .to_string(),
            suite_error_warning("04-bail_t"),
            "testsuite '01-rate_t' says tests=6 failures=1 errors=1 but 7 cases (1 failed, 1 \
             errored, 2 skipped) were found (1 more suite disagrees likewise); the counted \
             values are used"
                .to_string(),
        ]
    );
}

#[test]
fn tap_formatter_junit_timer_cases_are_not_tests() {
    // `prove --timer` adds an `(init)` and a `(teardown)` case to every
    // script (its start-up and exit time); the suite's `tests` leaves them
    // out, and so does the reading.
    let e = junit("tap-perl/formatter-timer.xml");
    let mut want = rate_t_rows("01-rate_t");
    want.extend(raw_t_rows());
    assert_eq!(rows(&e), want);
    assert!(e.tests[0].duration_ms.is_some());
    assert_eq!(
        warnings(&e),
        [
            suite_error_warning("01-rate_t"),
            "testsuite '01-rate_t' says tests=6 failures=1 errors=1 but 7 cases (1 failed, 1 \
             errored, 2 skipped) were found; the counted values are used"
                .to_string(),
        ]
    );
}

#[test]
fn tap_directives_are_read_only_in_tap_formatter_junit_suites() {
    // A suite whose cases have a classname, or are not named by TAP test
    // numbers, is not TAP::Formatter::JUnit's: its <system-out> is output,
    // and an `(init)` case there is a test.
    let e = bytes(
        "<testsuites><testsuite name=\"s\">\
           <testcase classname=\"c\" name=\"1 - a\"/>\
           <system-out><![CDATA[ok 1 - a # SKIP not really\n]]></system-out>\
         </testsuite><testsuite name=\"t\">\
           <testcase name=\"(init)\"/><testcase name=\"boots\"/>\
           <system-out><![CDATA[1..1\nok 1 # SKIP printed by the test\n]]></system-out>\
         </testsuite></testsuites>",
    );
    let got: Vec<_> = e.tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        got,
        [
            ("c::1 - a", Passed),
            ("t::(init)", Passed),
            ("t::boots", Passed)
        ]
    );
    // Not under a bare <testsuites> root either.
    let e = bytes(
        "<testsuites name=\"x\"><testsuite name=\"s\"><testcase name=\"1\"/>\
           <system-out>ok 1 # SKIP no</system-out></testsuite></testsuites>",
    );
    assert_eq!(e.tests[0].status, Passed);
    // TAP's own rules: `\#` is no directive, `# skipped` is, a TODO test
    // that passed is not touched, a test line without a number takes the
    // next one, indented lines are a subtest's.
    let e = bytes(
        "<testsuites><testsuite name=\"t\">\
           <testcase name=\"1 - a \\# SKIP\"/><testcase name=\"2\"/>\
           <testcase name=\"3 - c\"/><testcase name=\"4\"/><testcase name=\"5\"/>\
           <system-out><![CDATA[1..5\nok 1 - a \\# SKIP\nok 2 # skipped: no rig\n\
             ok 3 - c # TODO later\nok # Skip\n    ok 1 # SKIP sub\nok 5\n]]></system-out>\
         </testsuite></testsuites>",
    );
    let got: Vec<_> = e
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.status, t.message.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("1 - a \\# SKIP", Passed, None),
            ("2", Skipped, Some("skip: no rig")),
            ("3 - c", Passed, None),
            ("4", Skipped, Some("skip")),
            ("5", Passed, None),
        ]
    );
}

#[test]
fn tap_is_read_from_a_suites_first_system_out_only() {
    // TAP::Formatter::JUnit writes one <system-out> per suite. Looking for
    // TAP walks the suite's records, so looking in every <system-out> of a
    // suite of n cases and n <system-out>s took time in n² (found by
    // fuzzing: fuzz/regressions/junit/many-system-outs-quadratic.xml, 107 KB,
    // 25 s): only the first is read.
    let e = bytes(
        "<testsuites><testsuite name=\"t\">\
           <testcase name=\"1 - a\"/><testcase name=\"2 - b\"/>\
           <system-out><![CDATA[1..2\nok 1 - a # SKIP no rig\nok 2 - b\n]]></system-out>\
           <system-out><![CDATA[ok 2 - b # SKIP not the script's TAP\n]]></system-out>\
         </testsuite><testsuite name=\"u\">\
           <testcase name=\"1\"/><system-out/>\
           <system-out><![CDATA[ok 1 # SKIP after an empty one\n]]></system-out>\
         </testsuite></testsuites>",
    );
    let got: Vec<_> = e.tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        got,
        [
            ("t::1 - a", Skipped),
            ("t::2 - b", Passed),
            ("u::1", Passed)
        ]
    );
}

#[test]
fn tap_harness_junit_reads_as_prove_counted_the_run() {
    // The same scripts through TAP::Harness::JUnit 0.42: TODO tests are
    // left out altogether ("JUnit can't express these"), skips are
    // <skipped> cases named `Unnamed test case N`, the suite order is
    // Perl's hash order, and a script that died or ran short of its plan
    // is a made-up case with `<failure type="Plan">`, counted in `errors`.
    let e = junit("tap-perl/harness-junit.xml");
    let (al, pl, raw, rate) = ("t_02_alarm_t", "t_03_plan_t", "t_06_raw_t", "t_01_rate_t");
    assert_eq!(
        rows(&e),
        [
            (
                al,
                "RC-7 alarms above the pressure limit",
                Passed,
                None,
                None,
                None,
                vec!["RC-7"]
            ),
            (
                al,
                "stays quiet at the limit",
                Passed,
                None,
                None,
                None,
                vec![]
            ),
            // `ok 3 # TODO` is missing; the script died before a plan.
            (
                al,
                "Test died too soon, even before plan.",
                Errored,
                Some("The test suite died before a plan was produced. You need to have a plan."),
                None,
                None,
                vec![]
            ),
            (pl, "primes the line", Passed, None, None, None, vec![]),
            (pl, "purges air", Passed, None, None, None, vec![]),
            (
                pl,
                "Number of runned tests does not match plan.",
                Errored,
                Some("Some test were not executed, The test died prematurely."),
                None,
                None,
                vec![]
            ),
            (
                raw,
                "SRS-101 reads the config",
                Passed,
                None,
                None,
                None,
                vec!["SRS-101"]
            ),
            (
                raw,
                "Unnamed test case 1",
                Skipped,
                Some("ok 3 # SKIP no network"),
                None,
                None,
                vec![]
            ),
            (
                rate,
                "REQ-012 computes the hourly rate",
                Passed,
                None,
                None,
                None,
                vec!["REQ-012"]
            ),
            (
                rate,
                "rounds to one decimal place",
                Passed,
                None,
                None,
                None,
                vec![]
            ),
            (
                rate,
                "exact rate for 10 ml over 7 min",
                Failed,
                Some("not ok 3 - exact rate for 10 ml over 7 min"),
                None,
                None,
                vec![]
            ),
            (
                rate,
                "rejects a zero duration",
                Passed,
                None,
                None,
                None,
                vec![]
            ),
            (
                rate,
                "Unnamed test case 2",
                Skipped,
                Some("ok 6 # skip no pump simulator attached"),
                None,
                None,
                vec![]
            ),
        ]
    );
    // Its `tests` is the plan (0 without one) and leaves TODO tests in:
    // every suite but one disagrees with its cases.
    assert_eq!(
        warnings(&e),
        [
            "testsuite 't_02_alarm_t' says tests=0 failures=0 errors=1 skipped=0 but 3 cases (0 \
             failed, 1 errored, 0 skipped) were found (3 more suites disagree likewise); the \
             counted values are used"
        ]
    );
}

#[test]
fn a_plan_failure_is_errored_only_as_tap_harness_junit_names_it() {
    let e = bytes(
        r#"<testsuites><testsuite name="s">
             <testcase name="Test returned failure"><failure type="Died" message="Test died with return code 2"/></testcase>
             <testcase name="checks the plan"><failure type="Plan" message="x"/></testcase>
             <testcase name="Test died too soon, even before plan."><failure type="AssertionError" message="y"/></testcase>
           </testsuite></testsuites>"#,
    );
    let got: Vec<_> = e.tests.iter().map(|t| t.status).collect();
    assert_eq!(got, [Errored, Failed, Failed]);
}

// ---------------------------------------------------------------- Python

#[test]
fn junit_xml_library_reads_as_written() {
    // junit-xml 1.9 as its README shows it: one suite with properties,
    // failures and errors with a message or only output, skips, a case
    // without classname. An error with only a type (`add_error_info(
    // error_type=…)`) junit-xml drops itself, from the case and the
    // counts: "watchdog" is written as a pass.
    let e = junit("junit-xml-py/junit-xml.xml");
    let req = vec!["REQ-001", "REQ-002"];
    // The suite's `requirements` property first, then ids in the name.
    let with = |id| vec!["REQ-001", "REQ-002", id];
    assert_eq!(
        rows(&e),
        [
            (
                "bench.rate",
                "REQ-012 hourly rate",
                Passed,
                None,
                None,
                None,
                with("REQ-012")
            ),
            (
                "bench.rate",
                "rounding",
                Failed,
                Some("expected 85.7, got 85.714"),
                Some("bench/rate_check.py"),
                Some(42),
                req.clone()
            ),
            (
                "bench.rate",
                "calibration table",
                Errored,
                Some("FileNotFoundError: calibration.csv"),
                None,
                None,
                req.clone()
            ),
            (
                "bench.alarm",
                "audit trail",
                Skipped,
                Some("audit trail not in this build"),
                None,
                None,
                req.clone()
            ),
            (
                "bench.alarm",
                "occlusion RC-7 alarm",
                Failed,
                Some("pressure 81 kPa: no alarm within 2 s"),
                None,
                None,
                with("RC-7")
            ),
            (
                "bench.alarm",
                "watchdog",
                Passed,
                None,
                None,
                None,
                req.clone()
            ),
            // A skip without a message: junit-xml's `type="skipped"`.
            (
                "bench.alarm",
                "nurse call",
                Skipped,
                Some("skipped"),
                None,
                None,
                req.clone()
            ),
            (
                "hil-bench",
                "power-on self test",
                Passed,
                None,
                None,
                None,
                req.clone()
            ),
        ]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    let e = junit("junit-xml-py/junit-xml-to-file.xml");
    assert_eq!(
        rows(&e),
        [("smoke", "boots", Passed, None, None, None, vec![])]
    );
    assert_eq!(e.tests[0].duration_ms, Some(2000));
}

fn pytest_rows() -> Vec<Row<'static>> {
    let (rate, alarm) = ("tests.test_rate", "tests.test_alarm");
    let (rate_py, alarm_py) = (Some("tests/test_rate.py"), Some("tests/test_alarm.py"));
    vec![
        (
            rate,
            "test_req_012_hourly_rate",
            Passed,
            None,
            rate_py,
            Some(10),
            vec!["REQ-012"],
        ),
        (
            rate,
            "test_positive[10]",
            Passed,
            None,
            rate_py,
            Some(15),
            vec![],
        ),
        (
            rate,
            "test_positive[60]",
            Passed,
            None,
            rate_py,
            Some(15),
            vec![],
        ),
        (
            rate,
            "test_rounding",
            Failed,
            Some("assert 85.71428571428571 == 85.7\n +  where 85.71428571428571 = rate(10, 7)"),
            rate_py,
            Some(20),
            vec![],
        ),
        (
            rate,
            "test_pump_link",
            Skipped,
            Some("no pump simulator"),
            rate_py,
            Some(24),
            vec![],
        ),
        (
            alarm,
            "test_rc_7_alarm_above_limit",
            Passed,
            None,
            alarm_py,
            Some(9),
            vec!["RC-7"],
        ),
        (
            alarm,
            "test_alarm_on_rig",
            Errored,
            Some("failed on setup with \"RuntimeError: rig not connected\""),
            alarm_py,
            Some(13),
            vec![],
        ),
        (
            alarm,
            "test_trend",
            Skipped,
            Some("trend detection not implemented"),
            alarm_py,
            Some(17),
            vec![],
        ),
    ]
}

#[test]
fn junitparser_merge_of_two_pytest_reports_counts_each_test_once() {
    // pytest: "1 failed, 3 passed, 1 skipped" and "1 passed, 1 xfailed, 1
    // error". junitparser 5.0.3 merges them under a new <testsuites
    // tests="8" …> root, keeping each <testsuite name="pytest">: still
    // pytest's suites (0-based lines made 1-based).
    let e = junit("junit-xml-py/merged.xml");
    assert_eq!(rows(&e), pytest_rows());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // The two reports read alone give the same records.
    let apart = fixtures_in(
        "tests/fixtures/junit-xml-py",
        &["pytest-unit.xml", "pytest-alarm.xml"],
        EvidenceKind::Tests,
    );
    assert_eq!(rows(&apart), pytest_rows());
    // Merged again with a rerun of test_rounding: a third suite; the test
    // is there twice, as two runs, with the repeated-id warning.
    let e = junit("junit-xml-py/merged-again.xml");
    let mut want = pytest_rows();
    want.push(want[3].clone());
    assert_eq!(rows(&e), want);
    assert_eq!(
        warnings(&e),
        ["1 test case(s) repeat the id of an earlier one (first: \
             'tests.test_rate::test_rounding'), so their records cannot be told apart by id; the \
             producer wrote the same suite and name twice (the same test in two configurations \
             or projects, or a repeated title)"]
    );
}

#[test]
fn junitparser_merge_of_two_matrix_legs_is_two_runs_not_a_rerun() {
    // Two legs of a CI matrix each ran one test; merged, the one suite's
    // last case and the next suite's first share an id. pytest writes a
    // rerun (pytest-rerunfailures) or a teardown error as a second case
    // in the same <testsuite>; across suites it is another run: two
    // passes, not a flaky pass after a failed attempt.
    let e = junit("junit-xml-py/merged-smoke.xml");
    let one = pytest_rows()[5].clone();
    assert_eq!(rows(&e), [one.clone(), one]);
    assert_eq!(
        warnings(&e),
        ["1 test case(s) repeat the id of an earlier one (first: \
             'tests.test_alarm::test_rc_7_alarm_above_limit'), so their records cannot be told \
             apart by id; the producer wrote the same suite and name twice (the same test in two \
             configurations or projects, or a repeated title)"]
    );
}

#[test]
fn junitparser_merge_of_pytest_and_junit_xml_keeps_each_writers_lines() {
    // pytest's `line` is 0-based, junit-xml's as given: in one merged
    // file, only the cases in pytest's suites are moved by one.
    let e = junit("junit-xml-py/merged-mixed.xml");
    let records = rows(&e);
    assert_eq!(records[..5], pytest_rows()[..5]);
    let alone = junit("junit-xml-py/junit-xml.xml");
    assert_eq!(records[5..], rows(&alone)[..]);
    assert_eq!(
        case(&e, "bench.rate::rounding")
            .source
            .as_ref()
            .and_then(|s| s.line),
        Some(42)
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert_eq!(e.files[0].format, Format::Junit);
}
