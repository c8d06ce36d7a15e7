//! TestNG's own `testng-results.xml` (XMLReporter), TestNG 6.9.12 and 7.5,
//! each read as TestNG itself reported the run, and against the JUnit
//! files (`junitreports/TEST-<class>.xml`) the same run wrote.
//!
//! Every fixture is real output of the Debian packages (`testng`,
//! `libtestng7-java`) on Java 17 over the small project in
//! `tests/fixtures/testng/project/` (its `run.sh` gives the commands);
//! PROVENANCE.md gives what TestNG printed on its console, which is what
//! each test holds regops to.

mod common;

use std::collections::BTreeMap;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

const DIR_7: &str = "tests/fixtures/testng/testng-7.5";
const DIR_6: &str = "tests/fixtures/testng/testng-6.9.12";
const DIR_SUREFIRE: &str = "tests/fixtures/testng/surefire-2.22.3";
/// The warning for the failed `@BeforeClass` (and any failed configuration).
const CONFIG_WARNING: &str = "1 configuration method(s) (@Before…/@After…) failed; each is an \
                              errored record of its own, and the tests they stopped are skipped";
const JUNIT_FILES: [&str; 3] = [
    "junitreports/TEST-pump.AlarmTest.xml",
    "junitreports/TEST-pump.RateTest.xml",
    "junitreports/TEST-pump.RetryTest.xml",
];

fn results(dir: &str) -> Evidence {
    let e = fixture(&format!("{dir}/testng-results.xml"), EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::TestngXml, "{dir}");
    e
}

fn junit_reports(dir: &str) -> Evidence {
    let e = fixtures_in(dir, &JUNIT_FILES, EvidenceKind::Tests);
    for f in &e.files {
        assert_eq!(f.format, Format::Junit, "{}", f.path);
    }
    e
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

/// Status, message and flakiness of the one record of `id`.
fn record<'e>(e: &'e Evidence, id: &str) -> (TestStatus, Option<&'e str>, bool) {
    assert_eq!(cases(e, id).len(), 1, "{id} repeats");
    let t = case(e, id);
    (t.status, t.message.as_deref(), t.flaky)
}

/// How many records of each (id, status).
fn tally(e: &Evidence) -> BTreeMap<(String, TestStatus), usize> {
    let mut m = BTreeMap::new();
    for t in &e.tests {
        *m.entry((t.id.clone(), t.status)).or_default() += 1;
    }
    m
}

fn requirements<'e>(e: &'e Evidence, id: &str) -> Vec<&'e str> {
    case(e, id)
        .requirements
        .iter()
        .map(String::as_str)
        .collect()
}

// ---- TestNG 7.5 -------------------------------------------------------------

#[test]
fn testng_7_records_are_read_as_testng_reported_them() {
    let e = results(DIR_7);
    assert_eq!(
        ids(&e),
        [
            "pump.AlarmTest::connectAlarmBoard",
            "pump.AlarmTest::alarmSounds",
            "pump.AlarmTest::alarmSilences",
            "pump.RetryTest::brokenSensor",
            "pump.RetryTest::flakySensor",
            "pump.RateTest::basicRate",
            "pump.RateTest::calibrationPending",
            "pump.RateTest::divideByZeroThrows",
            "pump.RateTest::doseIsPositive",
            "pump.RateTest::doseIsPositive",
            "pump.RateTest::doseIsPositive",
            "pump.RateTest::negativeRateThrows",
            "pump.RateTest::rounding",
            "pump.RateTest::pumpBus",
            "pump.RateTest::rateLimit",
            "pump.RateTest::req014_bolusCap",
            "pump.RateTest::dependsOnRounding",
        ]
    );
    // Console: "Total tests run: 19, Passes: 7, Failures: 5, Skips: 4,
    // Retries: 3" and "Configuration Failures: 1": the 3 retried attempts
    // are folded into their tests; the failed @BeforeClass is an errored
    // record of its own; TestNG's 5 failures are 3 assertion failures and
    // 2 other exceptions.
    assert_eq!(statuses(&e), [7, 3, 2 + 1, 4]);
    assert_eq!(
        warnings(&e),
        [
            CONFIG_WARNING,
            "2 retried test(s) (retried=\"true\" attempts) are one record each, the last \
             attempt deciding: 1 passed on a retry and are marked flaky",
            "2 test id(s) repeat in the file (data-provider invocations, or one class in \
             several <test>s); each record is kept",
        ]
    );
    for (id, want) in [
        (
            "pump.AlarmTest::connectAlarmBoard",
            (
                Errored,
                Some("configuration method failed: alarm board not found on /dev/ttyUSB0"),
                false,
            ),
        ),
        (
            "pump.AlarmTest::alarmSounds",
            (
                Skipped,
                Some("alarm board not found on /dev/ttyUSB0"),
                false,
            ),
        ),
        (
            "pump.RetryTest::brokenSensor",
            (Failed, Some("sensor always broken"), false),
        ),
        (
            "pump.RetryTest::flakySensor",
            (
                Passed,
                Some(
                    "passed after 1 failed attempt(s); first: sensor read 1 timed out expected \
                     [true] but found [false]",
                ),
                true,
            ),
        ),
        (
            "pump.RateTest::calibrationPending",
            (Skipped, Some("calibration rig unavailable"), false),
        ),
        // expectedExceptions met: the exception TestNG records is no failure.
        ("pump.RateTest::divideByZeroThrows", (Passed, None, false)),
        (
            "pump.RateTest::rounding",
            (
                Failed,
                Some("drops for 1010 mL/h expected [337] but found [336]"),
                false,
            ),
        ),
        (
            "pump.RateTest::pumpBus",
            (
                Errored,
                Some("pump bus not connected: Pumpe nicht verbunden ü"),
                false,
            ),
        ),
        (
            "pump.RateTest::negativeRateThrows",
            (
                Errored,
                Some(
                    "Method RateTest.negativeRateThrows()[pri:0, instance:pump.RateTest@43738a82] \
                     should have thrown an exception of type class \
                     java.lang.IllegalArgumentException",
                ),
                false,
            ),
        ),
        (
            "pump.RateTest::dependsOnRounding",
            (
                Skipped,
                Some(
                    "Method pump.RateTest.dependsOnRounding() on instance pump.RateTest@43738a82 \
                     depends on not successfully finished methods [pump.RateTest.rounding() on \
                     instance pump.RateTest@43738a82]",
                ),
                false,
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
    // Data-provider invocations: one record each, the failing one naming
    // its (non-ASCII) parameters.
    let doses: Vec<_> = cases(&e, "pump.RateTest::doseIsPositive")
        .iter()
        .map(|t| (t.status, t.message.as_deref(), t.duration_ms))
        .collect();
    assert_eq!(
        doses,
        [
            (Passed, None, Some(2)),
            (
                Failed,
                Some(
                    "dose for Insulin µ-Einheit expected [true] but found [false] (parameters: \
                     Insulin µ-Einheit, 0)"
                ),
                Some(6)
            ),
            (Passed, None, Some(0)),
        ]
    );
    assert_eq!(case(&e, "pump.RateTest::basicRate").duration_ms, Some(49));
    assert_eq!(
        case(&e, "pump.AlarmTest::connectAlarmBoard").duration_ms,
        Some(18)
    );
    // Groups, then the description, then the name.
    assert_eq!(
        requirements(&e, "pump.RateTest::rateLimit"),
        ["REQ-012", "REQ-013"]
    );
    assert_eq!(requirements(&e, "pump.AlarmTest::alarmSounds"), ["REQ-030"]);
    assert_eq!(
        requirements(&e, "pump.RateTest::req014_bolusCap"),
        ["REQ014"]
    );
    for t in cases(&e, "pump.RateTest::doseIsPositive") {
        assert_eq!(t.requirements, ["REQ-020"]);
    }
    assert!(requirements(&e, "pump.AlarmTest::alarmSilences").is_empty());
    for t in &e.tests {
        assert_eq!(t.suite, t.id.rsplit_once("::").unwrap().0);
        assert!(t.source.is_none(), "{}", t.id);
        assert_eq!(t.evidence, format!("{DIR_7}/testng-results.xml"));
    }
}

/// The ids and statuses TestNG 7.5's own JUnit files give the same run:
/// the same, but for the retried attempts, which the JUnit files write as
/// skipped cases of the test's id and testng-results.xml folds into it.
#[test]
fn testng_7_ids_and_statuses_match_its_junit_reports() {
    let ng = results(DIR_7);
    let junit = junit_reports(DIR_7);
    let mut expected = tally(&junit);
    for (id, attempts) in [
        ("pump.RetryTest::brokenSensor", 2),
        ("pump.RetryTest::flakySensor", 1),
    ] {
        let skipped = expected.entry((id.to_string(), Skipped)).or_default();
        assert_eq!(*skipped, attempts, "{id}");
        expected.remove(&(id.to_string(), Skipped));
    }
    assert_eq!(tally(&ng), expected);
    // The requirement ids of the names agree too; the groups are only in
    // testng-results.xml.
    assert_eq!(
        requirements(&junit, "pump.RateTest::req014_bolusCap"),
        requirements(&ng, "pump.RateTest::req014_bolusCap")
    );
}

// ---- TestNG 6.9.12 ----------------------------------------------------------

#[test]
fn testng_6_records_are_read_as_testng_reported_them() {
    let e = results(DIR_6);
    // Console: "Total tests run: 19, Failures: 5, Skips: 7" and
    // "Configuration Failures: 1". TestNG 6 does not mark retried
    // attempts: they are the skips of brokenSensor (2) and flakySensor (1),
    // read as written.
    assert_eq!(e.tests.len(), 19 + 1);
    assert_eq!(statuses(&e), [7, 3, 2 + 1, 7]);
    assert_eq!(
        warnings(&e),
        [
            CONFIG_WARNING,
            "5 test id(s) repeat in the file (data-provider invocations, or one class in \
             several <test>s); each record is kept",
        ]
    );
    assert_eq!(
        record(&e, "pump.AlarmTest::connectAlarmBoard"),
        (
            Errored,
            Some("configuration method failed: alarm board not found on /dev/ttyUSB0"),
            false
        )
    );
    // TestNG 6 writes no exception on a test its configuration skipped.
    assert_eq!(
        record(&e, "pump.AlarmTest::alarmSounds"),
        (Skipped, None, false)
    );
    let flaky: Vec<_> = cases(&e, "pump.RetryTest::flakySensor")
        .iter()
        .map(|t| (t.status, t.flaky))
        .collect();
    assert_eq!(flaky, [(Skipped, false), (Passed, false)]);
    assert_eq!(
        record(&e, "pump.RateTest::pumpBus"),
        (
            Errored,
            Some("pump bus not connected: Pumpe nicht verbunden ü"),
            false
        )
    );
    assert_eq!(
        requirements(&e, "pump.RateTest::rateLimit"),
        ["REQ-012", "REQ-013"]
    );
    assert_eq!(requirements(&e, "pump.AlarmTest::alarmSounds"), ["REQ-030"]);
}

/// TestNG 6.9.12's JUnit reporter writes every test that did not pass as
/// `<failure>` (an AssertionError) or `<error>`, skips included, and no
/// case for the failed configuration method: the ids are the same, and the
/// statuses but where TestNG 6 wrote a skip as an error or failure.
#[test]
fn testng_6_ids_and_statuses_match_its_junit_reports() {
    let ng = results(DIR_6);
    let junit = junit_reports(DIR_6);
    let mut expected = tally(&junit);
    let mut moved = |id: &str, from: TestStatus, n: usize| {
        let key = (id.to_string(), from);
        let have = expected.get(&key).copied().unwrap_or_default();
        assert!(have >= n, "{id}: {have} {from:?}");
        if have == n {
            expected.remove(&key);
        } else {
            expected.insert(key, have - n);
        }
        *expected.entry((id.to_string(), Skipped)).or_default() += n;
    };
    for id in [
        "pump.AlarmTest::alarmSounds",
        "pump.AlarmTest::alarmSilences",
        "pump.RateTest::calibrationPending",
        "pump.RateTest::dependsOnRounding",
    ] {
        moved(id, Errored, 1);
    }
    // The retried attempts.
    moved("pump.RetryTest::brokenSensor", Failed, 2);
    moved("pump.RetryTest::flakySensor", Failed, 1);
    expected.insert(
        ("pump.AlarmTest::connectAlarmBoard".to_string(), Errored),
        1,
    );
    assert_eq!(tally(&ng), expected);
}

// ---- Maven Surefire 2.22.3 running TestNG 7.5 -------------------------------

/// Under Surefire, testng-results.xml is TestNG's own (the same records as
/// a TestNG 7.5 run from the command line), and Surefire's
/// `TEST-TestSuite.xml` gives the same ids. Surefire writes every TestNG
/// failure as `<failure>` (no `<error>`), the failed configuration method
/// as a case, and each retried attempt as a skipped case.
#[test]
fn surefire_ids_and_statuses_match_its_junit_report() {
    let ng = results(DIR_SUREFIRE);
    assert_eq!(warnings(&ng), warnings(&results(DIR_7)));
    // Console: "Tests run: 20, Failures: 6, Errors: 0, Skipped: 7" (the
    // configuration method and the 3 retried attempts counted as tests),
    // then "Tests run: 15, Failures: 6, Errors: 0, Skipped: 4" by test.
    assert_eq!(statuses(&ng), [7, 3, 3, 4]);
    assert_eq!(ng.tests.len(), 20 - 3);
    let junit = fixture(
        &format!("{DIR_SUREFIRE}/TEST-TestSuite.xml"),
        EvidenceKind::Tests,
    );
    assert_eq!(junit.files[0].format, Format::Junit);
    assert_eq!(statuses(&junit), [7, 6, 0, 7]);
    let mut expected = tally(&junit);
    expected.remove(&("pump.RetryTest::brokenSensor".to_string(), Skipped));
    expected.remove(&("pump.RetryTest::flakySensor".to_string(), Skipped));
    let mut got = BTreeMap::new();
    for ((id, status), n) in tally(&ng) {
        let status = if status == Errored { Failed } else { status };
        *got.entry((id, status)).or_default() += n;
    }
    assert_eq!(got, expected);
}

// ---- XMLReporter options: split class names, groups attribute -------------

/// `splitClassAndPackageNames` writes `<class package="pump"
/// name="DoseTest">`: the ids are still the JUnit files' `pump.DoseTest::…`.
/// The invocation that failed within `successPercentage` is a failed record
/// that TestNG's JUnit reporter leaves out.
#[test]
fn reporter_options_keep_the_ids_and_a_tolerated_failure_fails() {
    for v in ["6.9.12", "7.5"] {
        let dir = format!("tests/fixtures/testng/testng-{v}-options");
        let ng = results(&dir);
        // Console: "Total tests run: 5, Failures: 1, Skips: 0"; the root:
        // total="4" passed="4" failed="0".
        assert_eq!(statuses(&ng), [4, 1, 0, 0], "{v}");
        assert_eq!(
            warnings(&ng),
            [
                "1 invocation(s) failed within their test's successPercentage: TestNG \
                 tolerates them (its JUnit report leaves them out), regops reads them as failed",
                "3 test id(s) repeat in the file (data-provider invocations, or one class in \
                 several <test>s); each record is kept",
            ],
            "{v}"
        );
        let failed: Vec<_> = ng.tests.iter().filter(|t| t.status == Failed).collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, "pump.DoseTest::sensorMostlyReads");
        assert_eq!(failed[0].suite, "pump.DoseTest");
        assert_eq!(
            failed[0].message.as_deref(),
            Some(
                "failed within the test's successPercentage: read 2 dropped expected [true] but \
                 found [false]"
            )
        );
        // The groups attribute (no <groups> entry needed).
        assert_eq!(requirements(&ng, "pump.DoseTest::doseLimit"), ["REQ-040"]);
        let junit = fixtures_in(
            &dir,
            &["junitreports/TEST-pump.DoseTest.xml"],
            EvidenceKind::Tests,
        );
        let mut expected = tally(&junit);
        expected.insert(("pump.DoseTest::sensorMostlyReads".to_string(), Failed), 1);
        assert_eq!(tally(&ng), expected, "{v}");
    }
}

// ---- Hand-made shapes -------------------------------------------------------

fn read(xml: &str) -> Evidence {
    try_bytes(
        "testng-results.xml",
        xml.as_bytes(),
        EvidenceKind::Tests,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn unknown_statuses_and_failed_configurations_fail_closed() {
    let e = read(
        r#"<testng-results total="3" passed="1" failed="0" skipped="0" ignored="2">
  <suite name="s"><test name="t"><class name="a.B">
    <test-method status="PASS" name="first" duration-ms="3"/>
    <test-method status="WEIRD" name="second"/>
    <test-method status="PASS" name="setUp" is-config="true"/>
    <test-method status="SKIP" name="setUpMethod" is-config="true"/>
    <test-method status="FAIL" name="tearDown" is-config="true">
      <exception class="java.io.IOException"><message><![CDATA[disk full]]></message></exception>
    </test-method>
    <test-method status="FAIL" name="third" groups="REQ-7, smoke">
      <exception class="org.opentest4j.AssertionFailedError"/>
    </test-method>
    <test-method status="FAIL" name="fourth"/>
  </class></test></suite>
</testng-results>"#,
    );
    assert_eq!(
        ids(&e),
        [
            "a.B::first",
            "a.B::second",
            "a.B::tearDown",
            "a.B::third",
            "a.B::fourth"
        ]
    );
    assert_eq!(record(&e, "a.B::second").0, Errored);
    assert_eq!(
        record(&e, "a.B::tearDown"),
        (
            Errored,
            Some("configuration method failed: disk full"),
            false
        )
    );
    assert_eq!(
        record(&e, "a.B::third"),
        (Failed, Some("org.opentest4j.AssertionFailedError"), false)
    );
    assert_eq!(requirements(&e, "a.B::third"), ["REQ-7"]);
    assert_eq!(
        record(&e, "a.B::fourth"),
        (Errored, Some("TestNG status \"FAIL\""), false)
    );
    assert_eq!(
        warnings(&e),
        [
            "the <testng-results> totals disagree with the test methods listed: total=3 \
             (found 4), failed=0 (found 3); the test methods listed are used",
            "TestNG counts 2 ignored test(s) (disabled or @Ignore) that the file does not list; \
             they have no record",
            CONFIG_WARNING,
            "1 test method(s) with a status other than PASS, FAIL or SKIP were read as errored",
        ]
    );
}

#[test]
fn failures_counted_but_not_listed_are_records() {
    // A root that counts failures it does not list must not read as clean.
    let e = read(
        r#"<testng-results total="6" passed="1" failed="3" skipped="2">
  <suite name="s"><test name="t"><class name="a.B">
    <test-method status="PASS" name="first"/>
    <test-method status="FAIL" name="second">
      <exception class="java.lang.AssertionError"/>
    </test-method>
  </class></test></suite>
</testng-results>"#,
    );
    assert_eq!(
        ids(&e),
        [
            "a.B::first",
            "a.B::second",
            "testng-results::(2 failing test(s) counted but not listed)",
            "testng-results::(2 skipped test(s) counted but not listed)",
        ]
    );
    assert_eq!(
        record(
            &e,
            "testng-results::(2 failing test(s) counted but not listed)"
        )
        .0,
        Errored
    );
    assert_eq!(
        record(
            &e,
            "testng-results::(2 skipped test(s) counted but not listed)"
        )
        .0,
        Skipped
    );
    // A root alone that counts a failure.
    let e = read(r#"<testng-results total="1" failed="1"></testng-results>"#);
    assert_eq!(statuses(&e), [0, 0, 1, 0]);
}

#[test]
fn retried_attempts_without_a_last_result_stay_failed() {
    let e = read(
        r#"<testng-results total="2" passed="0" failed="0" skipped="0" retried="2">
  <suite name="s"><test name="t"><class name="a.B">
    <test-method status="SKIP" retried="true" name="x">
      <exception class="java.lang.IllegalStateException"><message>bus</message></exception>
    </test-method>
    <test-method status="SKIP" retried="true" name="x"/>
  </class></test></suite>
</testng-results>"#,
    );
    assert_eq!(record(&e, "a.B::x"), (Errored, Some("bus"), false));
    assert_eq!(
        warnings(&e),
        ["1 test(s) have retried attempts but no last result; each is one failed record"]
    );
}

#[test]
fn groups_apply_per_suite() {
    let e = read(
        r#"<testng-results>
  <suite name="one">
    <groups><group name="REQ-1"><method name="m" class="a.B"/></group></groups>
    <test name="t"><class name="a.B"><test-method status="PASS" name="m"/></class></test>
  </suite>
  <suite name="two">
    <test name="t"><class name="a.B"><test-method status="PASS" name="m"/></class></test>
  </suite>
</testng-results>"#,
    );
    let reqs: Vec<_> = e.tests.iter().map(|t| t.requirements.clone()).collect();
    assert_eq!(reqs, [vec!["REQ-1".to_string()], vec![]]);
}

#[test]
fn a_class_in_the_default_package_has_no_prefix() {
    let e = read(
        r#"<testng-results><suite name="s"><test name="t">
  <class package="[default]" name="Top"><test-method status="PASS" name="m"/></class>
  <class package="a.b" name="C"><test-method status="PASS" name="m"/></class>
</test></suite></testng-results>"#,
    );
    assert_eq!(ids(&e), ["Top::m", "a.b.C::m"]);
}

#[test]
fn many_parameters_are_elided() {
    let params: String = (0..10)
        .map(|i| format!("<param index=\"{i}\"><value><![CDATA[p{i}]]></value></param>"))
        .collect();
    let e = read(&format!(
        r#"<testng-results><suite name="s"><test name="t"><class name="a.B">
  <test-method status="FAIL" name="m" data-provider="d"><params>{params}</params>
    <exception class="java.lang.AssertionError"><message>no</message></exception>
  </test-method>
</class></test></suite></testng-results>"#
    ));
    assert_eq!(
        record(&e, "a.B::m"),
        (
            Failed,
            Some("no (parameters: p0, p1, p2, p3, p4, p5, p6, p7, …)"),
            false
        )
    );
}

#[test]
fn an_empty_run_is_no_error() {
    let e = read(
        "<?xml version=\"1.0\"?>\n<testng-results skipped=\"0\" failed=\"0\" total=\"0\" \
         passed=\"0\"><reporter-output/></testng-results>",
    );
    assert!(e.tests.is_empty());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn malformed_files_are_refused_where_they_break() {
    refuses_every_cut(
        "testng/testng-7.5/testng-results.xml",
        20,
        211,
        Format::TestngXml,
    );
    refuses_every_cut(
        "testng/testng-6.9.12/testng-results.xml",
        20,
        307,
        Format::TestngXml,
    );
    let err = try_bytes(
        "other.xml",
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        EvidenceKind::Tests,
        Some(Format::TestngXml),
    )
    .expect_err("not TestNG");
    assert!(
        err.to_string().contains("expected <testng-results>"),
        "{err}"
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY x \"y\">]>\n<testng-results/>",
        Some(Format::TestngXml),
        "<!ENTITY",
    );
    let err = refused(b"<testng-results/>\n<testng-results/>", None, "second root");
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    let err = try_bytes(
        "cut.xml",
        b"<testng-results>\n<suite name=\"s\"><test name=\"t\"><class name=\"a\">\n\
          <test-method status=\"PASS\" name=\"m\">",
        EvidenceKind::Tests,
        Some(Format::TestngXml),
    )
    .expect_err("truncated");
    assert!(
        err.to_string()
            .contains("the file ends inside <test-method> (truncated?)"),
        "{err}"
    );
}

/// Bytes of the fixture overwritten one at a time, every 97th byte,
/// with characters that break XML: never a panic, whatever comes.
#[test]
fn damaged_files_never_panic() {
    let whole = std::fs::read(repo().join(DIR_7).join("testng-results.xml")).expect("fixture");
    for (i, at) in (0..whole.len()).step_by(97).enumerate() {
        let mut bytes = whole.clone();
        bytes[at] = [b'<', b'>', b'"', b'&', b'/', 0xff, b' '][i % 7];
        let _ = try_bytes(
            "damaged.xml",
            &bytes,
            EvidenceKind::Tests,
            Some(Format::TestngXml),
        );
    }
}

#[test]
fn many_requirement_ids_are_kept_once_each() {
    // Requirement ids were kept without repeats by looking through the
    // list for each one: a `groups` attribute of 100,000 ids took 21 s
    // (release), a method in 50,000 requirement groups 16 s. Now repeats
    // go once per list (the timings: docs/performance.md, session 12).
    let groups: String = (0..20_000)
        .map(|i| format!("<group name=\"REQ-{i}\"><method class=\"a.B\" name=\"m\"/><method class=\"a.B\" name=\"m\"/></group>"))
        .collect();
    let attribute: Vec<String> = (0..20_000).map(|i| format!("REQ-{i}")).collect();
    let text = format!(
        "<testng-results><suite name=\"s\"><groups>{groups}</groups><test name=\"t\"><class name=\"a.B\"><test-method status=\"PASS\" name=\"m\"/><test-method status=\"PASS\" name=\"n\" groups=\"{} {}\"/></class></test></suite></testng-results>",
        attribute.join(" "),
        attribute.join(","),
    );
    let e = read(&text);
    assert_eq!(requirements(&e, "a.B::m").len(), 20_000);
    assert_eq!(requirements(&e, "a.B::n").len(), 20_000);
}

#[test]
fn test_elements_nested_off_the_structure_are_an_errored_record() {
    // A test element under an element the reader does not read was
    // dropped without a word: a file of failures nested one level off
    // read as no tests at all.
    let e = try_bytes(
        "testng-results.xml",
        br#"<testng-results><suite><class name="a.B"><test-method status="FAIL" name="m"/></class></suite></testng-results>"#,
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    let id = "(file)::(1 <test-method> element(s) outside the report's structure)";
    assert_eq!(case(&e, id).status, TestStatus::Errored);
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("1 <test-method> element(s) are nested")),
        "{:?}",
        e.files[0].warnings
    );
}
