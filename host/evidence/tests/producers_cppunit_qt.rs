//! C++ unit-test frameworks' own XML: CppUnit 1.15.1's `XmlOutputter` and
//! Qt Test 5.15.8's `xml` / `lightxml`, each read as the framework itself
//! reported the run.
//!
//! Every fixture is real output of the Debian packages (`libcppunit-dev`,
//! `qtbase5-dev`) over the small project kept beside it; its directory's
//! PROVENANCE.md gives the commands and what the framework printed on its
//! console, which is what each test holds regops to.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

/// Status, message, source file and line of one record.
type Record<'a> = (TestStatus, Option<&'a str>, Option<(&'a str, Option<u32>)>);

fn record<'e>(e: &'e Evidence, id: &str) -> Record<'e> {
    let t = case(e, id);
    assert_eq!(cases(e, id).len(), 1, "{id} repeats");
    (
        t.status,
        t.message.as_deref(),
        t.source.as_ref().map(|s| (s.file.as_str(), s.line)),
    )
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

// ---- CppUnit 1.15.1 ---------------------------------------------------------

#[test]
fn cppunit_records_are_read_as_cppunit_reported_them() {
    let e = producer("cppunit/cppunit.xml", EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::CppUnit);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // FailedTests first, then SuccessfulTests, as the outputter writes them.
    assert_eq!(
        ids(&e),
        [
            "RateTest::testRounding",
            "RateTest::testCalibration",
            "RateTest::testPumpBus",
            "RateTest::testRejectsZeroMinutes",
            "pump::DropsTest::testUnknownError",
            "pump::DropsTest::testTemperature",
            "RateTest::testBasic",
            "RateTest::testReq012_rateLimit",
            "pump::DropsTest::testBasic",
        ]
    );
    // Console: "Run: 9   Failure total: 6   Failures: 4   Errors: 2".
    assert_eq!(statuses(&e), [3, 4, 2, 0]);
    for (id, want) in [
        (
            "RateTest::testRounding",
            (
                Failed,
                Some(
                    "equality assertion failed; Expected: 337; Actual  : 336; drops for 1010 mL/h",
                ),
                Some(("InfusionTest.cpp", Some(20))),
            ),
        ),
        (
            "RateTest::testCalibration",
            (
                Failed,
                Some("forced failure; pump model VP-200 not calibrated"),
                Some(("InfusionTest.cpp", Some(22))),
            ),
        ),
        (
            "RateTest::testPumpBus",
            (
                Errored,
                Some(
                    "uncaught exception of type std::exception (or derived).; no pump bus on the \
                     CI runner",
                ),
                None,
            ),
        ),
        (
            "RateTest::testRejectsZeroMinutes",
            (Failed, Some("expected exception not thrown"), None),
        ),
        (
            "pump::DropsTest::testUnknownError",
            (Errored, Some("uncaught exception of unknown type"), None),
        ),
        (
            "pump::DropsTest::testTemperature",
            (
                Failed,
                Some(
                    "assertion failed; Expression: infusion_rate_ml_h(1, 1) > 60; Lösung über 37 °C",
                ),
                Some(("InfusionTest.cpp", Some(38))),
            ),
        ),
        ("RateTest::testBasic", (Passed, None, None)),
        ("RateTest::testReq012_rateLimit", (Passed, None, None)),
        ("pump::DropsTest::testBasic", (Passed, None, None)),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
    let t = case(&e, "pump::DropsTest::testBasic");
    assert_eq!(
        (t.suite.as_str(), t.name.as_str()),
        ("pump::DropsTest", "testBasic")
    );
    assert_eq!(t.duration_ms, None);
    assert_eq!(
        case(&e, "RateTest::testReq012_rateLimit").requirements,
        ["REQ012"]
    );
    assert!(
        e.tests
            .iter()
            .filter(|t| t.id != "RateTest::testReq012_rateLimit")
            .all(|t| t.requirements.is_empty())
    );
}

#[test]
fn cppunit_statistics_that_disagree_and_unknown_types_are_warned_of() {
    let xml = b"<?xml version=\"1.0\" encoding='ISO-8859-1' standalone='yes' ?>\n<TestRun>\n\
  <FailedTests><FailedTest id=\"1\"><Name>A::b</Name><FailureType>Timeout</FailureType>\
  <Message>too slow \xB0C</Message></FailedTest></FailedTests>\n\
  <SuccessfulTests><Test id=\"2\"><Name>plain</Name></Test></SuccessfulTests>\n\
  <Statistics><Tests>3</Tests><FailuresTotal>1</FailuresTotal><Errors>0</Errors>\
  <Failures>1</Failures></Statistics>\n</TestRun>\n";
    let e = try_bytes("stats.xml", xml, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(e.files[0].format, Format::CppUnit);
    // ISO-8859-1 bytes that are not UTF-8 are read as Latin-1.
    assert_eq!(record(&e, "A::b"), (Errored, Some("too slow °C"), None));
    let plain = case(&e, "plain");
    assert_eq!((plain.suite.as_str(), plain.status), ("", Passed));
    let w = warnings(&e);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].contains("Tests 3 (found 2), Failures 1 (found 0), Errors 0 (found 1)"),
        "{w:?}"
    );
    assert!(
        w[1].contains("1 failed test(s) with a <FailureType> other than"),
        "{w:?}"
    );
}

#[test]
fn cppunit_malformed_and_truncated_files_are_refused_with_their_position() {
    refuses_every_cut("cppunit/cppunit.xml", 12, 97, Format::CppUnit);
    let err = refused(
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        Some(Format::CppUnit),
        "expected <TestRun>",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE TestRun [<!ENTITY x \"y\">]>\n<TestRun/>",
        Some(Format::CppUnit),
        "<!ENTITY",
    );
    let err = refused(
        b"<TestRun><Statistics/></TestRun>\n<TestRun/>",
        None,
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    // An empty root closes the root too.
    let err = refused(
        b"<TestRun/>\n<TestRun/>",
        Some(Format::CppUnit),
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
}

// ---- Qt Test 5.15.8 ---------------------------------------------------------

const QT_IDS: [&str; 16] = [
    "TestInfusion::initTestCase",
    "TestInfusion::testBasic",
    "TestInfusion::testReq042_rateLimit",
    "TestInfusion::testRounding",
    "TestInfusion::testVerify",
    "TestInfusion::testPumpHardware",
    "TestInfusion::testKnownBug",
    "TestInfusion::testFixedBug",
    "TestInfusion::testDrops(60 mL/h)",
    "TestInfusion::testDrops(1010 mL/h)",
    "TestInfusion::testDrops(skip row)",
    "TestInfusion::testDrops(120 mL/h)",
    "TestInfusion::testWarns",
    "TestInfusion::testBench",
    "TestInfusion::cleanupTestCase",
    "",
];

fn check_qt_records(e: &Evidence, suite: &str) {
    let prefix = |id: &str| {
        id.strip_prefix("TestInfusion::")
            .map(|rest| {
                if suite.is_empty() {
                    rest.to_string()
                } else {
                    format!("{suite}::{rest}")
                }
            })
            .unwrap_or_default()
    };
    let want: Vec<String> = QT_IDS[..15].iter().map(|id| prefix(id)).collect();
    assert_eq!(ids(e), want);
    // Console: "Totals: 9 passed, 4 failed, 2 skipped, 0 blacklisted".
    assert_eq!(statuses(e), [9, 4, 0, 2]);
    let compared = "Compared values are not the same; Actual   (infusion_drops_per_min(1010, 20)): \
                    336; Expected (337)                             : 337";
    let row = "Compared values are not the same; Actual   (infusion_drops_per_min(rate, 20)): \
               336; Expected (expected)                        : 337";
    for (id, want) in [
        ("TestInfusion::initTestCase", (Passed, None, None)),
        ("TestInfusion::testBasic", (Passed, None, None)),
        ("TestInfusion::testReq042_rateLimit", (Passed, None, None)),
        (
            "TestInfusion::testRounding",
            (Failed, Some(compared), Some(("tst_infusion.cpp", Some(12)))),
        ),
        (
            "TestInfusion::testVerify",
            (
                Failed,
                Some("'infusion_rate_ml_h(1, 1) > 60' returned FALSE. (Lösung über 37 °C)"),
                Some(("tst_infusion.cpp", Some(13))),
            ),
        ),
        (
            "TestInfusion::testPumpHardware",
            (
                Skipped,
                Some("no pump bus on the CI runner"),
                Some(("tst_infusion.cpp", Some(14))),
            ),
        ),
        (
            "TestInfusion::testKnownBug",
            (
                Passed,
                Some("expected failure: truncation bug #17"),
                Some(("tst_infusion.cpp", Some(17))),
            ),
        ),
        (
            "TestInfusion::testFixedBug",
            (
                Failed,
                Some("QCOMPARE(infusion_rate_ml_h(100, 50), 120) returned TRUE unexpectedly."),
                Some(("tst_infusion.cpp", Some(21))),
            ),
        ),
        ("TestInfusion::testDrops(60 mL/h)", (Passed, None, None)),
        (
            "TestInfusion::testDrops(1010 mL/h)",
            (Failed, Some(row), Some(("tst_infusion.cpp", Some(36)))),
        ),
        (
            "TestInfusion::testDrops(skip row)",
            (
                Skipped,
                Some("zero rate not applicable"),
                Some(("tst_infusion.cpp", Some(34))),
            ),
        ),
        ("TestInfusion::testDrops(120 mL/h)", (Passed, None, None)),
        ("TestInfusion::testWarns", (Passed, None, None)),
        ("TestInfusion::testBench", (Passed, None, None)),
        ("TestInfusion::cleanupTestCase", (Passed, None, None)),
    ] {
        assert_eq!(record(e, &prefix(id)), want, "{id}");
    }
    let req = case(e, &prefix("TestInfusion::testReq042_rateLimit"));
    assert_eq!(req.requirements, ["REQ042"]);
    assert_eq!(req.suite, suite);
    assert_eq!(req.name, "testReq042_rateLimit");
    // Durations: a function's, on its single record; none on rows.
    assert!(
        case(e, &prefix("TestInfusion::testBench"))
            .duration_ms
            .is_some()
    );
    assert_eq!(
        case(e, &prefix("TestInfusion::testDrops(60 mL/h)")).duration_ms,
        None
    );
    let drop = case(e, &prefix("TestInfusion::testDrops(1010 mL/h)"));
    assert_eq!(drop.name, "testDrops(1010 mL/h)");
}

#[test]
fn qt_xml_records_are_read_as_qt_reported_them() {
    let e = producer("qttest/qttest.xml", EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::QtTestXml);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    check_qt_records(&e, "TestInfusion");
    assert_eq!(case(&e, "TestInfusion::testBasic").duration_ms, Some(0));
}

#[test]
fn qt_lightxml_has_no_class_and_says_so() {
    let e = producer("qttest/qttest-lightxml.xml", EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::QtTestXml);
    check_qt_records(&e, "");
    let w = warnings(&e);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("no <TestCase> root"), "{w:?}");
}

#[test]
fn qt_crash_is_errored_and_warned_of() {
    let e = producer("qttest/qttest-crash.xml", EvidenceKind::Tests);
    assert_eq!(
        ids(&e),
        [
            "TestCrash::initTestCase",
            "TestCrash::testBefore",
            "TestCrash::testCrash"
        ]
    );
    // Console: "Totals: 2 passed, 1 failed" (the crash).
    assert_eq!(statuses(&e), [2, 0, 1, 0]);
    assert_eq!(
        record(&e, "TestCrash::testCrash"),
        (
            Errored,
            Some("Received signal 11; Function time: 0ms Total time: 0ms"),
            None
        )
    );
    let w = warnings(&e);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("fatal error (a crash) in testCrash"), "{w:?}");
}

#[test]
fn qt6_skips_blacklisting_and_unknown_results() {
    let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TestCase name=\"T\">\n\
<Environment><QtVersion>6.5.0</QtVersion><QTestVersion>6.5.0</QTestVersion></Environment>\n\
<TestFunction name=\"a\"><Incident type=\"skip\" file=\"t.cpp\" line=\"3\">\
<Description><![CDATA[later]]></Description></Incident><Duration msecs=\"1.6\"/></TestFunction>\n\
<TestFunction name=\"b\"><Incident type=\"bfail\" file=\"t.cpp\" line=\"4\">\
<Description><![CDATA[flaky]]></Description></Incident></TestFunction>\n\
<TestFunction name=\"c\"><Incident type=\"bpass\" file=\"\" line=\"0\"/></TestFunction>\n\
<TestFunction name=\"d\"><Incident type=\"weird\" file=\"\" line=\"0\"/></TestFunction>\n\
<TestFunction name=\"e\"></TestFunction>\n\
<Duration msecs=\"3\"/>\n</TestCase>\n";
    let e = try_bytes("qt6.xml", xml, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(e.files[0].format, Format::QtTestXml);
    assert_eq!(
        record(&e, "T::a"),
        (Skipped, Some("later"), Some(("t.cpp", Some(3))))
    );
    assert_eq!(case(&e, "T::a").duration_ms, Some(2));
    assert_eq!(
        record(&e, "T::b"),
        (
            Skipped,
            Some("blacklisted: flaky"),
            Some(("t.cpp", Some(4)))
        )
    );
    assert_eq!(record(&e, "T::c"), (Passed, None, None));
    assert_eq!(record(&e, "T::d").0, Errored);
    assert_eq!(record(&e, "T::e").0, Errored);
    let w = warnings(&e);
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w[0].contains("2 blacklisted"), "{w:?}");
    assert!(
        w[1].contains("1 Qt Test result(s) of an unknown type"),
        "{w:?}"
    );
    assert!(
        w[2].contains("1 Qt Test function(s) without any result"),
        "{w:?}"
    );
}

#[test]
fn qt_malformed_and_truncated_files_are_refused_with_their_position() {
    refuses_every_cut("qttest/qttest.xml", 16, 131, Format::QtTestXml);
    let err = refused(
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        Some(Format::QtTestXml),
        "expected <TestCase>",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    let err = refused(
        b"<TestCase name=\"A\"><TestFunction name=\"x\"/></TestCase>\n<TestCase name=\"B\"/>",
        Some(Format::QtTestXml),
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(b"<?xml version=\"1.0\"?>\n<!DOCTYPE TestCase [<!ENTITY x \"y\">]>\n<TestCase name=\"A\"><TestFunction name=\"x\"/></TestCase>", None, "<!ENTITY");
}

#[test]
fn detection_tells_cppunit_and_qt_from_other_roots() {
    let err = try_bytes(
        "x.xml",
        b"<TestRun><Other/></TestRun>",
        EvidenceKind::Tests,
        None,
    )
    .expect_err("not recognised");
    assert!(
        err.to_string().contains("XML with root element <TestRun>"),
        "{err}"
    );
    for (head, want) in [
        (&b"<?xml version=\"1.0\" encoding='ISO-8859-1' standalone='yes' ?>\n<TestRun>\n  <FailedTests>"[..], Some(Format::CppUnit)),
        (b"<TestRun>\n  <SuccessfulTests>\n", Some(Format::CppUnit)),
        (b"<TestRun><Statistics>", Some(Format::CppUnit)),
        (b"<TestRun><Other/></TestRun>", None),
        (b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TestCase name=\"T\">\n<Environment>\n<QTestVersion>5.15.8</QTestVersion>", Some(Format::QtTestXml)),
        (b"<Environment>\n    <QtVersion>5.15.8</QtVersion>\n    <QTestVersion>5.15.8</QTestVersion>\n</Environment>", Some(Format::QtTestXml)),
        (b"<TestFunction name=\"x\">\n<Incident type=\"pass\"", Some(Format::QtTestXml)),
        (b"<TestCase name=\"x\"><step/></TestCase>", None),
    ] {
        let got = regops_evidence::detect::detect(head);
        match want {
            Some(format) => assert_eq!(got, Ok(format), "{}", String::from_utf8_lossy(head)),
            None => assert!(got.is_err(), "{}", String::from_utf8_lossy(head)),
        }
    }
}
