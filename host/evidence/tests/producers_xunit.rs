//! xUnit.net's XML: real output of the npm reporters that write its schema
//! (jest-xunit 1.0.11, mocha-xunit-reporter 2.3.0) and files hand-made
//! after xUnit.net's own writers (v1, v2, v3), each read as the tool
//! reported the run. Each fixture directory's PROVENANCE.md gives the
//! commands, what the tool printed, or the source a hand-made file follows.

mod common;

use std::collections::BTreeSet;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

fn xunit(rel: &str) -> Evidence {
    let e = producer(rel, EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::XunitXml, "{rel}");
    e
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

/// Status, message and requirement ids of the one record with this id.
fn record<'e>(e: &'e Evidence, id: &str) -> (TestStatus, Option<&'e str>, Vec<&'e str>) {
    assert_eq!(cases(e, id).len(), 1, "{id} repeats");
    let t = case(e, id);
    (
        t.status,
        t.message.as_deref(),
        t.requirements.iter().map(String::as_str).collect(),
    )
}

// ---- jest-xunit 1.0.11 ------------------------------------------------------

#[test]
fn jest_xunit_skips_written_as_undefined_are_errored() {
    let e = xunit("jest-xunit/jest-xunit.xml");
    // jest: "5 failed, 1 skipped, 1 todo, 4 passed, 11 total"; the skip and
    // the todo are `result="undefined"`.
    assert_eq!(e.tests.len(), 11);
    assert_eq!(statuses(&e), [4, 5, 2, 0]);
    assert_eq!(
        record(
            &e,
            "rateMlPerHour [REQ-012]::handles bolus doses (not implemented)"
        ),
        (
            Errored,
            Some("result \"undefined\" is not an xUnit.net result"),
            vec!["REQ-012"]
        )
    );
    assert_eq!(
        case(&e, "rateMlPerHour [REQ-012]::limits the rate to 999 mL/h").status,
        Errored
    );
    // A failure has no <failure> (jest's message is in <output>): no message.
    assert_eq!(
        record(
            &e,
            "rateMlPerHour [REQ-012]::rate for 1000 mL over 480 min is 126 mL/h"
        ),
        (Failed, None, vec!["REQ-012"])
    );
    // The beforeAll failure fails both tests behind it, as jest says.
    for id in [
        "occlusionAlarm [REQ-031]::alarms at the pressure limit",
        "occlusionAlarm [REQ-031]::is quiet below the limit",
    ] {
        assert_eq!(record(&e, id), (Failed, None, vec!["REQ-031"]));
    }
    let t = case(
        &e,
        "dropsPerMinute [REQ-020]::macro set: 20 gtt/mL — Tropfen pro Minute",
    );
    assert_eq!((t.status, t.duration_ms), (Passed, Some(0)));
    assert_eq!(
        case(&e, "rateMlPerHour [REQ-012]::computes the rate").duration_ms,
        Some(7)
    );
    assert_eq!(
        warnings(&e),
        [
            "the file's totals disagree with the tests it lists: <collection \
             name=\"/tmp/xunit-work/proj/jtest/pump.test.js\"> says total 10 (found 11), \
             skipped 1 (found 0) (and 1 more element(s)); the tests listed are used",
            "2 test(s) have a result other than Pass, Fail, Skip or NotRun (e.g. \
             \"undefined\"): read as errored",
        ]
    );
}

// ---- mocha-xunit-reporter 2.3.0 ---------------------------------------------

#[test]
fn mocha_xunit_reporter_titles_split_after_their_collection() {
    let e = xunit("mocha-xunit-reporter/mocha-xunit-reporter.xml");
    // mocha: "3 passing, 2 pending, 4 failing" (the failing hook counted).
    assert_eq!(statuses(&e), [3, 4, 0, 2]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert_eq!(
        ids(&e),
        [
            "rateMlPerHour::computes the rate",
            "rateMlPerHour::rate for 500 mL over 240 min is 125 mL/h",
            "rateMlPerHour::rate for 1000 mL over 480 min is 126 mL/h",
            "rateMlPerHour::rejects negative volume",
            "rateMlPerHour::handles bolus doses (not implemented)",
            "rateMlPerHour::limits the rate to 999 mL/h",
            "dropsPerMinute::macro set: 20 gtt/mL — Tropfen pro Minute",
            "dropsPerMinute micro set::60 gtt/mL",
            "occlusionAlarm::\"before all\" hook for \"alarms at the pressure limit \"",
        ]
    );
    assert_eq!(
        record(
            &e,
            "rateMlPerHour::rate for 1000 mL over 480 min is 126 mL/h"
        ),
        (
            Failed,
            Some("Expected values to be strictly equal:; 125 !== 126"),
            vec!["REQ-012"]
        )
    );
    assert_eq!(
        record(&e, "dropsPerMinute micro set::60 gtt/mL"),
        (Failed, Some("Tropfenzahl für 30 mL/h; 30 !== 31"), vec![])
    );
    // The failing hook stands for the tests behind it, its trait kept.
    assert_eq!(
        record(
            &e,
            "occlusionAlarm::\"before all\" hook for \"alarms at the pressure limit \""
        ),
        (
            Failed,
            Some("pressure sensor not connected"),
            vec!["REQ-031"]
        )
    );
    assert_eq!(
        record(&e, "rateMlPerHour::handles bolus doses (not implemented)"),
        (Skipped, None, vec![])
    );
}

// ---- xUnit.net v2 (hand-made after DelegatingXmlCreationSink) --------------

#[test]
fn xunit_v2_two_assemblies_theories_skips_and_cleanup_failures() {
    let e = xunit("handmade-xunit/xunit-v2.xml");
    // 11 tests (6 pass, 3 fail, 2 skip) and 2 <error>s.
    assert_eq!(statuses(&e), [6, 3, 2, 2]);
    assert_eq!(
        ids(&e),
        [
            "Pump.Tests.RateTests::ComputesRate",
            "Pump.Tests.RateTests::RateFor(volumeMl: 500, minutes: 240, expected: 125)",
            "Pump.Tests.RateTests::RateFor(volumeMl: 1000, minutes: 480, expected: 126)",
            "Pump.Tests.RateTests::ParsesUnit(unit: \"mL/h\")",
            "Pump.Tests.RateTests::RateLabel(label: \"Dosis für Kinder\")",
            "Pump.Tests.RateTests::Bolus",
            "Pump.Tests.OcclusionTests::AlarmsAtLimit",
            "Pump.Tests.OcclusionTests::QuietBelowLimit",
            "Pump.Tests.OcclusionTests::(test-class-cleanup error)",
            "Alarm.Tests.LimitTests::HighPriorityFor(kPa: 120)",
            "Alarm.Tests.LimitTests::HighPriorityFor(kPa: 80)",
            "Alarm.Tests.LimitTests::Mute",
            "Alarm collection::(test-collection-cleanup error)",
        ]
    );
    let t = case(
        &e,
        "Pump.Tests.RateTests::RateFor(volumeMl: 500, minutes: 240, expected: 125)",
    );
    assert_eq!(
        (t.suite.as_str(), t.duration_ms),
        ("Pump.Tests.RateTests", Some(1))
    );
    // xunit's `\n` in the message is a line break again.
    assert_eq!(
        record(
            &e,
            "Pump.Tests.RateTests::RateFor(volumeMl: 1000, minutes: 480, expected: 126)"
        ),
        (
            Failed,
            Some("Assert.Equal() Failure: Values differ; Expected: 126; Actual:   125"),
            vec!["REQ-012"]
        )
    );
    assert_eq!(
        record(&e, "Pump.Tests.RateTests::Bolus"),
        (
            Skipped,
            Some("Bolus dosing is not implemented yet — planned for 2.1"),
            vec![]
        )
    );
    assert_eq!(
        record(&e, "Pump.Tests.OcclusionTests::QuietBelowLimit"),
        (
            Failed,
            Some("System.InvalidOperationException : Pressure sensor not connected"),
            vec!["REQ-031"]
        )
    );
    // The custom display name: named by its method, as the JUnit logger.
    assert_eq!(
        record(&e, "Pump.Tests.OcclusionTests::AlarmsAtLimit"),
        (Passed, None, vec!["REQ-031"])
    );
    // A Category trait carrying an id.
    assert_eq!(
        record(&e, "Alarm.Tests.LimitTests::HighPriorityFor(kPa: 80)"),
        (
            Failed,
            Some("80 kPa must raise a high-priority alarm; Expected: True; Actual:   False"),
            vec!["REQ-040"]
        )
    );
    // Fixture cleanup failures are errored records carrying the ids of the
    // tests they name, so those requirements are not shown verified.
    assert_eq!(
        record(&e, "Pump.Tests.OcclusionTests::(test-class-cleanup error)"),
        (
            Errored,
            Some("System.IO.IOException : Sensor port /dev/ttyUSB0 could not be closed"),
            vec!["REQ-031"]
        )
    );
    assert_eq!(
        record(&e, "Alarm collection::(test-collection-cleanup error)"),
        (
            Errored,
            Some("System.TimeoutException : Audio board did not power down within 5 s"),
            vec!["REQ-040"]
        )
    );
    assert_eq!(
        warnings(&e),
        [
            "1 test(s) have a custom display name and are named by their method, as \
             JunitXml.TestLogger names them (\"Occlusion alarm sounds at the pressure limit\" \
             is AlarmsAtLimit)",
            "2 failure(s) outside any test (test-class-cleanup, test-collection-cleanup) are \
             errored records: xUnit.net fails the run for them",
        ]
    );
}

/// The same tests as JunitXml.TestLogger writes them get the same ids from
/// regops' JUnit reader: a team switching report format keeps its trace.
#[test]
fn xunit_ids_equal_the_junit_loggers() {
    let x = xunit("handmade-xunit/xunit-v2.xml");
    let j = junit("handmade-xunit/junit-testlogger.xml");
    let of_assembly = |e: &Evidence| -> BTreeSet<String> {
        e.tests
            .iter()
            .filter(|t| t.suite.starts_with("Pump.Tests.") && !t.name.starts_with('('))
            .map(|t| t.id.clone())
            .collect()
    };
    assert_eq!(of_assembly(&x).len(), 8);
    assert_eq!(of_assembly(&x), of_assembly(&j));
    for t in &j.tests {
        assert_eq!(case(&x, &t.id).status, t.status, "{}", t.id);
    }
}

// ---- xUnit.net v3 (hand-made after its DelegatingXmlCreationSink) ----------

#[test]
fn xunit_v3_not_run_is_skipped_and_a_fatal_error_errored() {
    let e = xunit("handmade-xunit/xunit-v3.xml");
    assert_eq!(statuses(&e), [1, 1, 1, 2]);
    let t = case(&e, "Pump.V3.Tests.DoseTests::MaxDoseIsEnforced");
    let source = t.source.as_ref().expect("source");
    assert_eq!(
        (source.file.as_str(), source.line, t.duration_ms),
        (
            "/home/ci/pump/tests/Pump.V3.Tests/DoseTests.cs",
            Some(14),
            Some(8)
        )
    );
    assert_eq!(
        record(&e, "Pump.V3.Tests.DoseTests::SoakForEightHours"),
        (Skipped, Some("not run"), vec!["REQ-051"])
    );
    assert_eq!(
        record(
            &e,
            "Pump.V3.Tests.DoseTests::DoseFor(weightKg: 12.5, mgPerKg: 0.1)"
        ),
        (
            Failed,
            Some("Assert.Equal() Failure: Values differ; Expected: 1.25; Actual:   1.2"),
            vec!["REQ-052", "REQ-053"]
        )
    );
    assert_eq!(
        record(&e, "Pump.V3.Tests.DoseTests::DoseForNeonates"),
        (
            Skipped,
            Some("Neonatal dose table awaits clinical sign-off"),
            vec![]
        )
    );
    // A fatal error names nothing: the assembly is its suite.
    let fatal =
        "/home/ci/pump/tests/Pump.V3.Tests/bin/Release/net8.0/Pump.V3.Tests.dll::(fatal error)";
    let (status, message, _) = record(&e, fatal);
    assert_eq!(status, Errored);
    assert!(
        message.is_some_and(|m| m.starts_with("System.IO.FileNotFoundException : Could not load")),
        "{message:?}"
    );
    assert_eq!(
        warnings(&e),
        [
            "1 failure(s) outside any test (fatal) are errored records: xUnit.net fails the run for them"
        ]
    );
}

// ---- xUnit.net v1 (hand-made after its Sdk/Results) ------------------------

#[test]
fn xunit_v1_class_fixture_failure_is_errored() {
    let e = xunit("handmade-xunit/xunit-v1.xml");
    assert_eq!(
        ids(&e),
        [
            "Legacy.Tests.RateTests::ComputesRate",
            "Legacy.Tests.RateTests::DosePerKilogram",
            "Legacy.Tests.RateTests::HardwareLoop",
            "Legacy.Tests.AlarmTests::(class fixture error)",
        ]
    );
    // The file: total 4, passed 1, failed 2 (the fixture's counted), skipped 1.
    assert_eq!(statuses(&e), [1, 1, 1, 1]);
    assert_eq!(
        record(&e, "Legacy.Tests.RateTests::ComputesRate"),
        (Passed, None, vec!["REQ-012"])
    );
    assert_eq!(
        record(&e, "Legacy.Tests.RateTests::DosePerKilogram"),
        (
            Failed,
            Some("Assert.Equal() Failure; Expected: 25 µg; Actual:   24 µg"),
            vec![]
        )
    );
    let t = case(&e, "Legacy.Tests.RateTests::HardwareLoop");
    assert_eq!(
        (t.status, t.message.as_deref(), t.duration_ms),
        (Skipped, Some("Hardware in the loop only"), None)
    );
    assert_eq!(
        record(&e, "Legacy.Tests.AlarmTests::(class fixture error)"),
        (
            Errored,
            Some("System.InvalidOperationException : Alarm board not found"),
            vec![]
        )
    );
    assert_eq!(
        warnings(&e),
        [
            "1 failure(s) outside any test (class fixture) are errored records: xUnit.net fails \
             the run for them"
        ]
    );
}

// ---- shapes no fixture has ---------------------------------------------------

fn read(xml: &str) -> Evidence {
    match try_bytes("x.xml", xml.as_bytes(), EvidenceKind::Tests, None) {
        Ok(e) => {
            assert_eq!(e.files[0].format, Format::XunitXml);
            e
        }
        Err(err) => panic!("{xml}: {err}"),
    }
}

#[test]
fn unknown_results_and_contradictions_fail_closed() {
    let e = read(
        r#"<assemblies><assembly name="a.dll" test-framework="xUnit.net 2.9.3.0" total="4" passed="2" failed="0" skipped="0" errors="0">
<collection name="c" total="4" passed="2" failed="0" skipped="0">
<test name="N.C.A" type="N.C" method="A" result="Timeout" time="1"/>
<test name="N.C.B" type="N.C" method="B" time="1"/>
<test name="N.C.P" type="N.C" method="P" result="Pass" time="0.5"><failure exception-type="X"><message>boom</message></failure></test>
<test name="N.C.Q" type="N.C" method="Q" result="Pass" time="0.5"/>
</collection></assembly></assemblies>"#,
    );
    assert_eq!(statuses(&e), [1, 1, 2, 0]);
    assert_eq!(
        record(&e, "N.C::A"),
        (
            Errored,
            Some("result \"Timeout\" is not an xUnit.net result"),
            vec![]
        )
    );
    assert_eq!(case(&e, "N.C::B").status, Errored);
    assert_eq!(record(&e, "N.C::P"), (Failed, Some("boom"), vec![]));
    assert_eq!(
        warnings(&e),
        [
            "2 test(s) have a result other than Pass, Fail, Skip or NotRun (e.g. \"Timeout\"): \
             read as errored",
            "1 test(s) written as passed hold a <failure>: read as failed",
        ]
    );
}

#[test]
fn failures_counted_but_not_listed_are_a_record() {
    // An assembly that counts failures it does not list must not read as
    // clean.
    let e = read(
        r#"<assemblies><assembly name="a.dll" test-framework="xUnit.net 2.9.3.0" total="4" passed="1" failed="2" skipped="0" errors="1">
<collection name="c"><test name="N.C.Q" type="N.C" method="Q" result="Pass" time="0.5"/></collection>
</assembly></assemblies>"#,
    );
    assert_eq!(
        ids(&e),
        [
            "N.C::Q",
            "a.dll::(3 failing test(s) counted but not listed)"
        ]
    );
    assert_eq!(statuses(&e), [1, 0, 1, 0]);
    // Counted failures that are listed make no record.
    let e = read(
        r#"<assembly name="a.dll" total="1" failed="1"><class name="N.C"><test name="N.C.Q" type="N.C" method="Q" result="Fail"/></class></assembly>"#,
    );
    assert_eq!(statuses(&e), [0, 1, 0, 0]);
}

#[test]
fn names_follow_the_junit_logger() {
    let e = read(
        r#"<assemblies><assembly name="a.dll" test-framework="xUnit.net 2.9.3.0">
<collection name="c">
<test name="M(x: 1)" type="N.C" method="M" result="Pass"/>
<test name="Rate (mL/h) is clamped" type="N.C" method="Clamp" result="Pass"/>
<test name="REQ-077 limits" type="N.C" method="Limits" result="Pass"><traits><trait name="verifies" value="SRS-1;SRS-2"/><trait name="Category" value="smoke REQ-9"/></traits></test>
<test name="N.C.T(s: \&quot;a\\b\&quot;)" type="N.C" method="T" result="Skip"><reason><![CDATA[line\nnext]]></reason></test>
</collection></assembly></assemblies>"#,
    );
    assert_eq!(
        ids(&e),
        [
            "N.C::M(x: 1)",
            "N.C::Clamp(mL/h) is clamped",
            "N.C::Limits",
            "N.C::T(s: \"a\\b\")",
        ]
    );
    // Trait ids first, then the pattern in the display name.
    assert_eq!(
        case(&e, "N.C::Limits").requirements,
        ["SRS-1", "SRS-2", "REQ-9", "REQ-077"]
    );
    assert_eq!(
        case(&e, "N.C::T(s: \"a\\b\")").message.as_deref(),
        Some("line; next")
    );
    // Not xUnit.net's own file: names and text as written.
    let e = read(
        r#"<assemblies><assembly test-framework="Jest"><collection name="c">
<test name="a \n b" type="Suite" method="Test" result="Pass"/></collection></assembly></assemblies>"#,
    );
    assert_eq!(ids(&e), ["Suite::a \\n b"]);
}

#[test]
fn error_records_gather_the_ids_of_what_they_name() {
    let e = read(
        r#"<assemblies><assembly name="a.dll" test-framework="xUnit.net 2.9.3.0" errors="3">
<errors>
<error type="test-method-cleanup" name="M"><failure exception-type="E1"/></error>
<error type="test-cleanup" name="N.D.Other"><failure><message>x</message></failure></error>
<error type="assembly-cleanup" name="a.dll"><failure exception-type="E3"/></error>
</errors>
<collection name="c">
<test name="N.C.M" type="N.C" method="M" result="Pass"><traits><trait name="Requirement" value="REQ-1"/></traits></test>
<test name="N.D.Other" type="N.D" method="Other" result="Pass"><traits><trait name="Requirement" value="REQ-2"/></traits></test>
</collection></assembly></assemblies>"#,
    );
    assert_eq!(
        record(&e, "M::(test-method-cleanup error)"),
        (Errored, Some("E1"), vec!["REQ-1"])
    );
    assert_eq!(
        record(&e, "N.D.Other::(test-cleanup error)"),
        (Errored, Some("x"), vec!["REQ-2"])
    );
    assert_eq!(
        record(&e, "a.dll::(assembly-cleanup error)"),
        (Errored, Some("E3"), vec![])
    );
    // `errors="3"` agrees with the three <error>s: no totals warning.
    assert!(
        !warnings(&e).iter().any(|w| w.contains("totals")),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn an_empty_run_is_no_error() {
    let e = read("<assemblies/>");
    assert!(e.tests.is_empty());
    let e = read(r#"<assembly name="a.dll" total="0"></assembly>"#);
    assert!(e.tests.is_empty() && warnings(&e).is_empty());
}

// ---- refusals -----------------------------------------------------------------

#[test]
fn malformed_files_are_refused_where_they_break() {
    refuses_every_cut("handmade-xunit/xunit-v2.xml", 14, 97, Format::XunitXml);
    refuses_every_cut("handmade-xunit/xunit-v1.xml", 12, 53, Format::XunitXml);
    refuses_every_cut("jest-xunit/jest-xunit.xml", 14, 211, Format::XunitXml);
    let err = refused(
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        Some(Format::XunitXml),
        "expected <assemblies>",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE assemblies [<!ENTITY x \"y\">]>\n<assemblies/>",
        Some(Format::XunitXml),
        "<!ENTITY",
    );
    let err = refused(
        b"<assemblies></assemblies>\n<assemblies/>",
        None,
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    let err = refused(
        b"<assembly/>\n<assembly/>",
        Some(Format::XunitXml),
        "second root",
    );
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    refused(
        b"<assemblies><assembly><collection><test name=\"a\" result=\"Pass\">",
        Some(Format::XunitXml),
        "ends inside <test>",
    );
}

/// Each producer's real head is detected as xUnit.net XML.
#[test]
fn each_producers_head_is_detected() {
    for (rel, head) in [
        ("jest-xunit/jest-xunit.xml", "<assemblies timestamp="),
        (
            "mocha-xunit-reporter/mocha-xunit-reporter.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<assemblies>",
        ),
        (
            "handmade-xunit/xunit-v1.xml",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<assembly ",
        ),
    ] {
        let bytes = std::fs::read(repo().join("tests/fixtures").join(rel)).expect("fixture");
        assert!(bytes.starts_with(head.as_bytes()), "{rel}");
        let e = try_bytes("head.xml", &bytes, EvidenceKind::Tests, None).expect(rel);
        assert_eq!(e.files[0].format, Format::XunitXml, "{rel}");
    }
}

/// An `<assembly>` root that is not xUnit.net's (a Maven assembly
/// descriptor, a Windows manifest) is not read as a run of no tests.
#[test]
fn other_assembly_roots_are_not_xunit() {
    for xml in [
        "<?xml version=\"1.0\"?>\n<assembly xmlns=\"http://maven.apache.org/ASSEMBLY/2.1.0\">\n  \
         <id>bin</id>\n  <formats><format>zip</format></formats>\n</assembly>\n",
        "<assembly xmlns=\"urn:schemas-microsoft-com:asm.v1\" manifestVersion=\"1.0\">\
         <assemblyIdentity version=\"1.0.0.0\" name=\"Pump.App\"/></assembly>",
    ] {
        let err = try_bytes("assembly.xml", xml.as_bytes(), EvidenceKind::Tests, None)
            .expect_err("not xUnit.net");
        assert!(
            err.to_string().contains("XML with root element <assembly>"),
            "{err}"
        );
    }
    // A v1 file cut after its root's start tag still reads as xUnit.net.
    let v1 = "<assembly name=\"T.dll\" total=\"0\" passed=\"0\" failed=\"0\" skipped=\"0\" \
              test-framework=\"xUnit.net 1.9.2.1705\"></assembly>";
    let e = try_bytes("v1.xml", v1.as_bytes(), EvidenceKind::Tests, None).expect("v1");
    assert_eq!(e.files[0].format, Format::XunitXml);
}

#[test]
fn many_requirement_ids_are_kept_once_each() {
    // Requirement ids were kept without repeats by looking through the
    // list for each one: 100,000 traits of one test took 20 s (release),
    // 20,000 tests of a class named by 5,000 cleanup errors over a minute.
    // Now repeats go once per list, and the ids of what errors name are
    // gathered once per thing named (the timings: docs/performance.md,
    // session 12).
    let traits: String = (0..20_000)
        .map(|i| format!("<trait name=\"Requirement\" value=\"REQ-{i}\"/>"))
        .collect();
    let errors: String = (0..200)
        .map(|_| "<error type=\"test-class-cleanup\" name=\"N.C\"><failure><message>m</message></failure></error>")
        .collect();
    let tests: String = (0..5_000)
        .map(|i| format!("<test name=\"N.C.t{i}\" type=\"N.C\" method=\"t{i}\" result=\"Pass\"><traits><trait name=\"Requirement\" value=\"REQ-{i}\"/></traits></test>"))
        .collect();
    let text = format!(
        "<assemblies><assembly name=\"a.dll\" test-framework=\"xUnit.net 2.9.3.0\"><errors>{errors}</errors><collection name=\"c\">{tests}<test name=\"N.D.u\" type=\"N.D\" method=\"u\" result=\"Pass\"><traits>{traits}{traits}</traits></test></collection></assembly></assemblies>"
    );
    let e = read(&text);
    assert_eq!(case(&e, "N.D::u").requirements.len(), 20_000);
    let errors: Vec<_> = e.tests.iter().filter(|t| t.status == Errored).collect();
    assert_eq!(errors.len(), 200);
    assert!(errors.iter().all(|t| t.requirements.len() == 5_000));
}

#[test]
fn test_elements_nested_off_the_structure_are_an_errored_record() {
    // A test element under an element the reader does not read was
    // dropped without a word: a file of failures nested one level off
    // read as no tests at all.
    let e = try_bytes(
        "t.xml",
        br#"<assemblies><assembly name="a"><collection name="c"><class name="X"><test name="X.t" type="X" method="t" result="Fail"/></class></collection></assembly></assemblies>"#,
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    let id = "(file)::(1 <test> element(s) outside the report's structure)";
    assert_eq!(case(&e, id).status, TestStatus::Errored);
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("1 <test> element(s) are nested")),
        "{:?}",
        e.files[0].warnings
    );
}
