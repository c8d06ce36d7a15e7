//! NUnit's result XML, both generations: NUnit 2.6.4's console and
//! jasmine-reporters' NUnitXmlReporter (`<test-results>`), pytest-nunit
//! 1.0.7 and a hand-made NUnit 3 file (`<test-run>`), each read as the tool
//! itself reported the run.
//!
//! `tests/fixtures/nunit/PROVENANCE.md` gives the commands, the small
//! projects kept beside the files and what each tool printed, which is
//! what each test holds regops to.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

/// Status, message, duration and requirement ids of the one record `id`.
fn record<'e>(
    e: &'e Evidence,
    id: &str,
) -> (TestStatus, Option<&'e str>, Option<u64>, Vec<&'e str>) {
    let t = case(e, id);
    assert_eq!(cases(e, id).len(), 1, "{id} repeats");
    (
        t.status,
        t.message.as_deref(),
        t.duration_ms,
        t.requirements.iter().map(String::as_str).collect(),
    )
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

fn sorted_ids(e: &Evidence) -> Vec<&str> {
    let mut ids = ids(e);
    ids.sort_unstable();
    ids
}

fn nunit(rel: &str) -> Evidence {
    let e = producer(rel, EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::NunitXml, "{rel}");
    e
}

const SUITE_RECORD: &str = "1 suite(s) failed outside their test cases (a fixture setup or \
                            teardown failure): each is recorded as an errored `suite::suite` record";

// ---- NUnit 2.6.4 -------------------------------------------------------------

#[test]
fn nunit2_console_records_are_read_as_nunit_reported_them() {
    let e = nunit("nunit/nunit2.xml");
    // The totals agree (no warning about them); the teardown failure is
    // recorded.
    assert_eq!(warnings(&e), [SUITE_RECORD]);
    assert_eq!(
        ids(&e),
        [
            "Pump.Tests.AlarmTests::Loud",
            "Pump.Tests.AlarmTests::Silent",
            "Pump.Tests.LogTests::Writes",
            "Pump.Tests.LogTests::Pump.Tests.LogTests",
            "Pump.Tests.RateTests::Add(1,2,3)",
            "Pump.Tests.RateTests::Add(2,2,5)",
            "Pump.Tests.RateTests::Basic",
            "Pump.Tests.RateTests::BusError",
            "Pump.Tests.RateTests::Calibrated",
            "Pump.Tests.RateTests::Dosage",
            "Pump.Tests.RateTests::Hardware",
            "Pump.Tests.RateTests::RateLimit",
            "Pump.Tests.RateTests::Req031_Occlusion",
        ]
    );
    // Console: "Tests run: 10, Errors: 1, Failures: 4, Inconclusive: 1;
    // Not run: 2, Invalid: 1, Ignored: 1". Its 4 failures are Add(2,2,5),
    // RateLimit and the two tests the fixture setup stopped (errored here);
    // its error BusError; Invalid (NotRunnable) is errored; Ignored and
    // Inconclusive are skipped; the 10 run less 1 error, 4 failures and 1
    // inconclusive leave 4 passed. The fixture teardown is the fifth error.
    assert_eq!(statuses(&e), [4, 2, 5, 2]);
    let setup = "TestFixtureSetUp failed in AlarmTests: SetUp : \
                 System.InvalidOperationException : alarm simulator not found";
    for (id, want) in [
        (
            "Pump.Tests.AlarmTests::Loud",
            (Errored, Some(setup), Some(0), vec![]),
        ),
        (
            "Pump.Tests.LogTests::Pump.Tests.LogTests",
            (
                Errored,
                Some(
                    "the suite's result is Failure though no test in it failed: a fixture \
                     teardown failure, which NUnit 2 writes without a message",
                ),
                None,
                vec![],
            ),
        ),
        (
            "Pump.Tests.LogTests::Writes",
            (Passed, None, Some(17), vec![]),
        ),
        (
            "Pump.Tests.RateTests::Add(2,2,5)",
            (
                Failed,
                Some("Expected: 5; But was:  4"),
                Some(6),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::BusError",
            (
                Errored,
                Some("System.InvalidOperationException : pump bus offline"),
                Some(0),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Calibrated",
            (
                Skipped,
                Some("calibration data missing"),
                Some(1),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Dosage",
            (
                Errored,
                Some("Category name must not contain ',', '!', '+' or '-'"),
                None,
                vec!["REQ-013", "REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Hardware",
            (
                Skipped,
                Some("hardware not attached"),
                None,
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::RateLimit",
            (
                Failed,
                Some("débit hors limite µ; Expected: 999; But was:  1000"),
                Some(0),
                vec!["REQ-020", "REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Req031_Occlusion",
            (
                Passed,
                Some("occlusion detected"),
                Some(0),
                vec!["REQ-012", "REQ031"],
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
    let t = case(&e, "Pump.Tests.RateTests::Add(1,2,3)");
    assert_eq!(
        (t.suite.as_str(), t.name.as_str()),
        ("Pump.Tests.RateTests", "Add(1,2,3)")
    );
    assert!(t.source.is_none());
}

// ---- jasmine-reporters 2.5.2 NUnitXmlReporter (NUnit 2.5) -------------------

#[test]
fn jasmine_nunit_reporter_is_read_by_executed_and_success() {
    let e = nunit("nunit/jasmine-nunit.xml");
    // total="5" counts the pending spec too: not a disagreement.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // The same run's JUnitXmlReporter gives the same ids.
    let junit_ids = junit("nunit/jasmine-junit.xml");
    assert_eq!(sorted_ids(&e), sorted_ids(&junit_ids));
    assert_eq!(
        sorted_ids(&e),
        [
            "Pump rate.Alarm::is loud — très fort",
            "Pump rate::REQ-012 limits the rate",
            "Pump rate::adds drops",
            "Pump rate::needs hardware",
            "Pump rate::talks to the bus",
        ]
    );
    // Console: "5 specs, 2 failures, 1 pending spec".
    assert_eq!(statuses(&e), [2, 2, 0, 1]);
    assert_eq!(
        record(&e, "Pump rate::REQ-012 limits the rate"),
        (
            Failed,
            Some("Expected 1000 to be less than 999."),
            Some(1),
            vec!["REQ-012"]
        )
    );
    assert_eq!(
        record(&e, "Pump rate::needs hardware"),
        (Skipped, None, Some(0), vec![])
    );
}

// ---- pytest-nunit 1.0.7 (NUnit 3) ---------------------------------------------

#[test]
fn pytest_nunit_ids_are_pytest_junit_ids() {
    let e = nunit("nunit/pytest-nunit.xml");
    assert_eq!(
        warnings(&e),
        [
            "1 test case(s) written as Passed carry a failure message (pytest-nunit writes an \
          expected failure, xfail, so): read as skipped"
        ]
    );
    // The ids pytest's own junitxml gives the same tests in the same run.
    let junit_ids = junit("nunit/pytest-junit.xml");
    assert_eq!(sorted_ids(&e), sorted_ids(&junit_ids));
    assert_eq!(
        sorted_ids(&e),
        [
            "test_pump.TestDosage::test_dose",
            "test_pump.TestDosage::test_teardown_fails",
            "test_pump::test_alarm_loud",
            "test_pump::test_basic",
            "test_pump::test_bus_error",
            "test_pump::test_drift",
            "test_pump::test_hardware",
            "test_pump::test_rate_limit[10-999]",
            "test_pump::test_rate_limit[1000-999]",
            "test_pump::test_req_012_occlusion",
        ]
    );
    // pytest: "2 failed, 5 passed, 1 skipped, 1 xfailed, 2 errors"; its
    // passed count test_teardown_fails, which also errored in teardown;
    // pytest-nunit writes both errors as Failed without a message, so 4
    // failed; the xfail is skipped.
    assert_eq!(statuses(&e), [4, 4, 0, 2]);
    for (id, want) in [
        (
            "test_pump::test_rate_limit[1000-999]",
            (
                Failed,
                Some("AssertionError: débit hors limite µ; assert 1000 <= 999"),
                Some(31),
                vec![],
            ),
        ),
        (
            "test_pump::test_req_012_occlusion",
            (Passed, None, Some(1), vec!["REQ-020", "REQ-012"]),
        ),
        (
            "test_pump::test_hardware",
            (
                Skipped,
                Some("Skipped: hardware not attached"),
                Some(0),
                vec![],
            ),
        ),
        (
            "test_pump::test_drift",
            (Skipped, Some("assert 1 == 2"), Some(3), vec![]),
        ),
        (
            "test_pump::test_alarm_loud",
            (Failed, None, Some(0), vec![]),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
}

// ---- NUnit 3 (hand-made) ------------------------------------------------------

#[test]
fn nunit3_results_labels_and_sites_fail_closed() {
    let e = nunit("nunit/nunit3.xml");
    assert_eq!(warnings(&e), [SUITE_RECORD]);
    assert_eq!(
        ids(&e),
        [
            "Pump.Tests.AlarmTests::Loud",
            "Pump.Tests.AlarmTests::Silent",
            "Pump.Tests.LogTests::Writes",
            "Pump.Tests.LogTests::Pump.Tests.LogTests",
            "Pump.Tests.RateTests::Add(1,2,3)",
            "Pump.Tests.RateTests::Add(2,2,5)",
            "Pump.Tests.RateTests::Basic",
            "Pump.Tests.RateTests::BusError",
            "Pump.Tests.RateTests::Calibrated",
            "Pump.Tests.RateTests::Dose(1)",
            "Pump.Tests.RateTests::Drift",
            "Pump.Tests.RateTests::Hardware",
            "Pump.Tests.RateTests::Manual",
            "Pump.Tests.RateTests::RateLimit",
        ]
    );
    // Written: passed 3, failed 6 (2 parent, Error, Invalid, 2 assertions),
    // warnings 1, inconclusive 1, skipped 2; plus the OneTimeTearDown.
    assert_eq!(statuses(&e), [3, 3, 5, 3]);
    for (id, want) in [
        (
            "Pump.Tests.AlarmTests::Silent",
            (
                Errored,
                Some("OneTimeSetUp: System.InvalidOperationException : alarm simulator not found"),
                Some(0),
                vec![],
            ),
        ),
        (
            "Pump.Tests.LogTests::Pump.Tests.LogTests",
            (
                Errored,
                Some("TearDown : System.InvalidOperationException : log file still locked"),
                None,
                vec![],
            ),
        ),
        (
            "Pump.Tests.RateTests::Dose(1)",
            (
                Errored,
                Some("Not enough arguments provided, provide at least 2 arguments."),
                Some(0),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Drift",
            (
                Failed,
                Some("warning: drift of 0,4 % — recalibrate soon"),
                Some(2),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Manual",
            (Skipped, Some("manual run only"), Some(0), vec!["REQ-012"]),
        ),
        (
            "Pump.Tests.RateTests::Calibrated",
            (
                Skipped,
                Some("calibration data missing"),
                Some(1),
                vec!["REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::RateLimit",
            (
                Failed,
                Some("débit hors limite µ; Expected: 999; But was:  1000"),
                Some(456),
                vec!["REQ-020", "REQ-012"],
            ),
        ),
        (
            "Pump.Tests.RateTests::Basic",
            (Passed, None, Some(1), vec!["REQ-012"]),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
}

#[test]
fn nunit3_ids_are_those_of_nunits_own_junit_transform() {
    let e = nunit("nunit/nunit3.xml");
    let from_junit = junit("nunit/nunit3-junit.xml");
    // Every case has the id the JUnit reader gives it after NUnit's
    // nunit3-junit.xslt; the transform drops the OneTimeTearDown failure,
    // which only the NUnit reader records.
    let mut nunit_ids = sorted_ids(&e);
    nunit_ids.retain(|id| *id != "Pump.Tests.LogTests::Pump.Tests.LogTests");
    assert_eq!(nunit_ids, sorted_ids(&from_junit));
}

/// A NUnit 3 file of one fixture holding `cases`, the fixture's own
/// attributes `fixture` and the root's `totals`.
fn nunit3(totals: &str, fixture: &str, cases: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<test-run id=\"0\" {totals}>\n\
         <test-suite type=\"TestFixture\" name=\"F\" fullname=\"Ns.F\" classname=\"Ns.F\" \
         {fixture}>\n{cases}</test-suite>\n</test-run>\n"
    )
    .into_bytes()
}

#[test]
fn teardown_failure_beside_a_failing_test_is_still_recorded() {
    let bytes = nunit3(
        "total=\"1\" failed=\"1\"",
        "result=\"Failed\" label=\"Error\" site=\"TearDown\"><failure><message>boom \
         TearDown : System.Exception : locked</message></failure",
        "<test-case name=\"T\" classname=\"Ns.F\" result=\"Failed\"><failure><message>no\
         </message></failure></test-case>\n",
    );
    let e = try_bytes("t.xml", &bytes, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(ids(&e), ["Ns.F::T", "Ns.F::Ns.F"]);
    assert_eq!(statuses(&e), [0, 1, 1, 0]);
    assert_eq!(warnings(&e), [SUITE_RECORD]);
}

#[test]
fn unknown_results_totals_and_repeats_are_warned_of() {
    let bytes = nunit3(
        "total=\"4\" passed=\"3\" failed=\"0\"",
        "result=\"Passed\"",
        "<test-case name=\"A\" classname=\"Ns.F\" result=\"Passed\" duration=\"1,5\"/>\n\
         <test-case name=\"A\" classname=\"Ns.F\" result=\"Passed\"/>\n\
         <test-case name=\"B\" fullname=\"Ns.F.B\" result=\"Exploded\"/>\n\
         <test-case name=\"C\" classname=\"Ns.F\">\n\
         <properties><property name=\"Requirement\" value=\"['REQ-1', 'REQ-2']\"/>\
         <property name=\"Category\" value=\"risk_7\"/></properties></test-case>\n",
    );
    let e = try_bytes("u.xml", &bytes, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(ids(&e), ["Ns.F::A", "Ns.F::A", "Ns.F::B", "Ns.F::C"]);
    assert_eq!(statuses(&e), [2, 0, 2, 0]);
    assert_eq!(case(&e, "Ns.F::B").suite, "Ns.F");
    assert_eq!(cases(&e, "Ns.F::A")[0].duration_ms, Some(1500));
    assert_eq!(
        case(&e, "Ns.F::C").requirements,
        ["REQ-1", "REQ-2", "RISK-7"]
    );
    assert_eq!(
        warnings(&e),
        [
            "the root's totals disagree with the test cases listed: passed=\"3\" (found 2); \
             the test cases listed are used",
            "2 test case(s) with an unknown or missing result were read as errored",
            "1 test id(s) repeat in the file; each record is kept",
        ]
    );
}

#[test]
fn nunit2_fixture_failing_without_tests_is_recorded() {
    // A NotRunnable fixture (no default constructor) lists no test.
    let bytes = b"<test-results name=\"x\" total=\"0\" errors=\"0\" failures=\"0\" not-run=\"0\">\
        <test-suite type=\"Namespace\" name=\"Ns\" result=\"Failure\"><results>\
        <test-suite type=\"TestFixture\" name=\"Bad\" executed=\"False\" result=\"NotRunnable\">\
        <reason><message><![CDATA[No suitable constructor was found]]></message></reason>\
        <results/></test-suite></results></test-suite></test-results>";
    let e = try_bytes("n.xml", bytes, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(ids(&e), ["Ns.Bad::Ns.Bad"]);
    assert_eq!(
        record(&e, "Ns.Bad::Ns.Bad"),
        (
            Errored,
            Some("No suitable constructor was found"),
            None,
            vec![]
        )
    );
    assert_eq!(warnings(&e), [SUITE_RECORD]);
    // A parameterised fixture keeps its arguments in the class.
    let bytes = b"<test-results name=\"x\"><test-suite type=\"Namespace\" name=\"Ns\">\
        <results><test-suite type=\"ParameterizedFixture\" name=\"P\"><results>\
        <test-suite type=\"TestFixture\" name=\"P(1.5)\"><results>\
        <test-case name=\"Ns.P(1.5).Run(&quot;a.b&quot;)\" executed=\"True\" result=\"Success\"/>\
        </results></test-suite></results></test-suite></results></test-suite></test-results>";
    let e = try_bytes("p.xml", bytes, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(ids(&e), ["Ns.P(1.5)::Run(\"a.b\")"]);
}

#[test]
fn failures_counted_but_not_listed_are_errored() {
    let bytes = nunit3(
        "total=\"3\" passed=\"1\" failed=\"2\"",
        "result=\"Failed\"",
        "<test-case name=\"A\" classname=\"Ns.F\" result=\"Passed\"/>\n",
    );
    let e = try_bytes("m.xml", &bytes, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(
        ids(&e),
        [
            "Ns.F::A",
            "Ns.F::Ns.F",
            "test-run::(2 failing test(s) counted but not listed)"
        ]
    );
    assert_eq!(statuses(&e), [1, 0, 2, 0]);
    assert!(
        warnings(&e).contains(
            &"the root counts 2 failing test(s) that are not listed: recorded as one errored \
              record"
                .to_string()
        ),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn malformed_and_truncated_files_are_refused_with_their_position() {
    refuses_every_cut("nunit/nunit2.xml", 16, 89, Format::NunitXml);
    refuses_every_cut("nunit/nunit3.xml", 12, 97, Format::NunitXml);
    refuses_every_cut("nunit/pytest-nunit.xml", 12, 251, Format::NunitXml);
    refuses_every_cut("nunit/jasmine-nunit.xml", 16, 37, Format::NunitXml);
    let err = try_bytes(
        "other.xml",
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        EvidenceKind::Tests,
        Some(Format::NunitXml),
    )
    .expect_err("not NUnit");
    assert!(
        err.to_string()
            .contains("expected <test-run> (NUnit 3) or <test-results> (NUnit 2)"),
        "{err}"
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE test-run [<!ENTITY x \"y\">]>\n<test-run/>",
        Some(Format::NunitXml),
        "<!ENTITY",
    );
    let err = refused(
        b"<test-run total=\"0\"/>\n<test-results/>",
        None,
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<test-results>\n<test-suite type=\"TestFixture\" name=\"F\"><results>\n",
        None,
        "ends inside <results>",
    );
    // An empty root is a file of zero tests, not an error.
    let e = try_bytes(
        "empty.xml",
        b"<test-run total=\"0\"/>",
        EvidenceKind::Tests,
        None,
    )
    .expect("reads");
    assert!(e.tests.is_empty() && warnings(&e).is_empty());
}

// ---- jest-nunit-reporter 1.3.1 (NUnit 2.5) ------------------------------------

#[test]
fn jest_nunit_reporter_skips_it_drops_are_still_counted() {
    let e = nunit("nunit/jest-nunit.xml");
    assert_eq!(
        warnings(&e),
        [
            "the root counts 1 skipped test(s) that are not listed: recorded as one skipped \
             record",
            "the root's totals disagree with the test cases listed: skipped=\"1\" (found 0), \
             total=\"5\" (found 4 run, 4 in all); the test cases listed are used",
        ]
    );
    let file = "/tmp/nunit-work/jest/pump.test.js";
    assert_eq!(
        ids(&e),
        [
            format!("{file}::Pump rate adds drops"),
            format!("{file}::Pump rate REQ-012 limits the rate"),
            format!("{file}::Pump rate talks to the bus"),
            format!("{file}::Pump rate/Alarm is loud — très fort"),
            "jest results::(1 skipped test(s) counted but not listed)".to_string(),
        ]
    );
    // jest: "Tests: 2 failed, 1 skipped, 2 passed, 5 total".
    assert_eq!(statuses(&e), [2, 2, 0, 1]);
    assert_eq!(
        record(&e, &format!("{file}::Pump rate REQ-012 limits the rate")),
        (
            Failed,
            Some(
                "Error: expect(received).toBeLessThan(expected); Expected: < 999; Received:   1000"
            ),
            Some(0),
            vec!["REQ-012"]
        )
    );
    // jest-junit's default templates repeat the title in classname and
    // name: no id to share with (see PROVENANCE.md).
    assert_eq!(
        junit("nunit/jest-junit.xml").tests[0].id,
        "Pump rate adds drops::Pump rate adds drops"
    );
}

#[test]
fn many_requirement_ids_are_kept_once_each() {
    // Requirement ids were kept without repeats by looking through the
    // list for each one: 100,000 properties of one case took 46 s
    // (release). Now repeats go once per list (the timings:
    // docs/performance.md, session 12).
    let props = |n: usize| -> String {
        (0..n)
            .map(|i| format!("<property name=\"Requirement\" value=\"REQ-{i}\"/>"))
            .collect()
    };
    let cases: String = (0..100)
        .map(|i| format!("<test-case name=\"t{i}\" fullname=\"N.S.t{i}\" result=\"Passed\"/>"))
        .collect();
    let text = format!(
        "<test-run><test-suite type=\"TestFixture\" name=\"S\" fullname=\"N.S\"><properties>{}{}</properties>{cases}<test-case name=\"u\" fullname=\"N.S.u\" result=\"Passed\"><properties>{}</properties></test-case></test-suite></test-run>",
        props(5_000),
        props(5_000),
        props(20_000),
    );
    let e = try_bytes("r.xml", text.as_bytes(), EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests.len(), 101);
    assert_eq!(e.tests[0].requirements.len(), 5_000);
    assert_eq!(case(&e, "N.S::u").requirements.len(), 20_000);
}

#[test]
fn test_elements_nested_off_the_structure_are_an_errored_record() {
    // A test element under an element the reader does not read was
    // dropped without a word: a file of failures nested one level off
    // read as no tests at all.
    let e = try_bytes(
        "t.xml",
        br#"<test-run><foo><test-case name="t" fullname="N.t" result="Failed"/><test-case name="u" fullname="N.u" result="Failed"/></foo></test-run>"#,
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    let id = "(file)::(2 <test-case> element(s) outside the report's structure)";
    assert_eq!(case(&e, id).status, TestStatus::Errored);
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("2 <test-case> element(s) are nested")),
        "{:?}",
        e.files[0].warnings
    );
}
