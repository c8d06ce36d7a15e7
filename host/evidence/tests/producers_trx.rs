//! Visual Studio test results (TRX): jest-trx-results-processor 3.0.2 and
//! mocha-trx-reporter 3.3.1 (real output, npm), and vstest's TrxLogger
//! (hand-made after its source: no dotnet SDK here) for an xUnit.net run,
//! an MSTest run and a run whose test host crashed.
//!
//! Each fixture directory's PROVENANCE.md gives the commands and what the
//! tool printed (or, for the hand-made files, what the file's own counters
//! say), which is what each test holds regops to.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

/// Status, message, source file, duration and requirement ids of one record.
type Record<'a> = (
    TestStatus,
    Option<&'a str>,
    Option<&'a str>,
    Option<u64>,
    Vec<&'a str>,
);

fn record<'e>(e: &'e Evidence, id: &str) -> Record<'e> {
    let t = case(e, id);
    assert_eq!(cases(e, id).len(), 1, "{id} repeats");
    (
        t.status,
        t.message.as_deref(),
        t.source.as_ref().map(|s| s.file.as_str()),
        t.duration_ms,
        t.requirements.iter().map(String::as_str).collect(),
    )
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

fn trx(rel: &str) -> Evidence {
    let e = producer(rel, EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::Trx, "{rel}");
    e
}

fn trx_bytes(text: &str) -> Evidence {
    match try_bytes("t.trx", text.as_bytes(), EvidenceKind::Tests, None) {
        Ok(e) => {
            assert_eq!(e.files[0].format, Format::Trx);
            e
        }
        Err(err) => panic!("should load: {err}\n{text}"),
    }
}

// ---- jest-trx-results-processor 3.0.2 ---------------------------------------

#[test]
fn jest_records_are_read_as_jest_reported_them() {
    let e = trx("trx/jest/jest.trx");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // Console: "Tests: 5 failed, 1 skipped, 1 todo, 4 passed, 11 total" and
    // "Test Suites: 2 failed": alarm.test.js did not run, one errored record
    // (jest's Counters: total 12, failed 5, error 1).
    assert_eq!(statuses(&e), [4, 5, 1, 2]);
    assert_eq!(e.tests.len(), 12);
    let suite_ids: Vec<&str> = e.tests.iter().map(|t| t.suite.as_str()).collect();
    assert_eq!(
        suite_ids.iter().filter(|s| **s == "Infusion rate").count(),
        9
    );
    for (id, want) in [
        (
            "Infusion rate::REQ-012 limits the rate to the pump maximum",
            (
                Passed,
                None,
                Some("infusion.test.js"),
                Some(2),
                vec!["REQ-012"],
            ),
        ),
        (
            "Infusion rate::rounds drops per minute",
            (
                Failed,
                Some(
                    "Error: expect(received).toBe(expected) // Object.is equality; Expected: 336; \
                     Received: 337",
                ),
                Some("infusion.test.js"),
                Some(13),
                vec![],
            ),
        ),
        (
            "Infusion rate::reads a rate typed by the nurse",
            (
                Failed,
                Some("TypeError: Cannot read properties of null (reading 'toFixed')"),
                Some("infusion.test.js"),
                Some(0),
                vec![],
            ),
        ),
        (
            "Infusion rate::converts 100 mL/h at 60 gtt/mL to 99 drops",
            (
                Failed,
                Some(
                    "Error: expect(received).toBe(expected) // Object.is equality; Expected: 99; \
                     Received: 100",
                ),
                Some("infusion.test.js"),
                Some(0),
                vec![],
            ),
        ),
        (
            "Infusion rate::converts 90 mL/h at 15 gtt/mL to 23 drops",
            (Passed, None, Some("infusion.test.js"), Some(1), vec![]),
        ),
        (
            "Infusion rate::alarms when the bag is empty",
            (Skipped, None, Some("infusion.test.js"), Some(0), vec![]),
        ),
        (
            "Infusion rate::logs the nurse's badge",
            (Skipped, None, Some("infusion.test.js"), Some(0), vec![]),
        ),
        (
            "Infusion rate::Überwachung – Druck / zeigt den Druck in mmHg an ✓",
            (Passed, None, Some("infusion.test.js"), Some(0), vec![]),
        ),
        // beforeAll threw: jest fails every test of the block.
        (
            "Pump bus::sends the rate to the pump",
            (
                Failed,
                Some("Error: pump bus not connected (setup)"),
                Some("infusion.test.js"),
                Some(0),
                vec![],
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
    // The test file that failed to load: jest-trx's made-up record, errored.
    let (status, message, source, _, _) = record(&e, "alarm.test.js::alarm.test.js");
    assert_eq!((status, source), (Errored, Some("alarm.test.js")));
    assert!(
        message.is_some_and(|m| m.starts_with("Error: Cannot find module './alarm'")),
        "{message:?}"
    );
}

// ---- mocha-trx-reporter 3.3.1 -------------------------------------------------

#[test]
fn mocha_records_are_read_as_mocha_reported_them() {
    let e = trx("trx/mocha/mocha.trx");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // Console: "4 passing, 2 pending, 4 failing" (the hook's failure once);
    // the TRX fails both tests under the hook: Counters passed 4, failed 5,
    // pending 2.
    assert_eq!(statuses(&e), [4, 5, 0, 2]);
    // mocha-trx writes className="none": the id is the full title.
    assert!(e.tests.iter().all(|t| t.suite.is_empty()));
    assert_eq!(
        ids(&e),
        [
            "Infusion rate REQ-012 limits the rate to the pump maximum",
            "Infusion rate rounds drops per minute",
            "Infusion rate reads a rate typed by the nurse",
            "Infusion rate converts 60 mL/h at 20 gtt/mL to 20 drops",
            "Infusion rate converts 90 mL/h at 15 gtt/mL to 23 drops",
            "Infusion rate converts 100 mL/h at 60 gtt/mL to 99 drops",
            "Infusion rate alarms when the bag is empty",
            "Infusion rate logs the nurse's badge",
            "Infusion rate Überwachung – Druck zeigt den Druck in mmHg an ✓",
            "Pump bus sends the rate to the pump",
            "Pump bus reads the pump status",
        ]
    );
    for (id, want) in [
        (
            "Infusion rate REQ-012 limits the rate to the pump maximum",
            (
                Passed,
                None,
                Some("infusion.spec.js"),
                Some(0),
                vec!["REQ-012"],
            ),
        ),
        (
            "Infusion rate rounds drops per minute",
            (
                Failed,
                Some("Expected values to be strictly equal: 337 !== 336"),
                Some("infusion.spec.js"),
                Some(15),
                vec![],
            ),
        ),
        (
            "Infusion rate alarms when the bag is empty",
            (Skipped, None, Some("infusion.spec.js"), Some(0), vec![]),
        ),
        (
            "Pump bus reads the pump status",
            (
                Failed,
                Some(
                    "Not executed due to \"before all\" hook for \"sends the rate to the pump\" \
                     on \"Pump bus\"",
                ),
                Some("infusion.spec.js"),
                Some(0),
                vec![],
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
}

// ---- vstest's TrxLogger (hand-made) -------------------------------------------

#[test]
fn xunit_ids_match_the_junit_loggers_classname_and_name() {
    let e = trx("trx/vstest/xunit.trx");
    // A run-level warning (a filter that matched nothing) is a warning.
    assert_eq!(
        warnings(&e),
        [
            "the test run warns: No test matches the given testcase filter `Category=Nightly` in \
          /src/Pump.Tests/bin/Debug/net8.0/Pump.Tests.dll"
        ]
    );
    // Counters: total 9, passed 4, failed 4, notExecuted 1.
    assert_eq!(statuses(&e), [4, 4, 0, 1]);
    // xUnit writes testName as Namespace.Class.Method(args): the class is cut
    // off, so the id is JunitXml.TestLogger's classname::name.
    assert_eq!(
        ids(&e),
        [
            "Pump.Tests.RateTests::REQ_012_LimitsRateToPumpMaximum",
            "Pump.Tests.RateTests::RoundsDropsPerMinute",
            "Pump.Tests.RateTests::Converts(ml: 60, factor: 20, drops: 20)",
            "Pump.Tests.RateTests::Converts(ml: 90, factor: 15, drops: 23)",
            "Pump.Tests.RateTests::Converts(ml: 100, factor: 60, drops: 99)",
            "Pump.Tests.RateTests::AlarmsWhenBagIsEmpty",
            "Pump.Tests.PumpBusTests::SendsRateToPump",
            "Pump.Tests.PumpBusTests::ReadsPumpStatus",
            "Pump.Tests.ÜberwachungTests::ZeigtDruck(einheit: \"mmHg ✓\")",
        ]
    );
    let t = case(&e, "Pump.Tests.RateTests::RoundsDropsPerMinute");
    assert_eq!(
        (t.suite.as_str(), t.name.as_str()),
        ("Pump.Tests.RateTests", "RoundsDropsPerMinute")
    );
    for (id, want) in [
        (
            "Pump.Tests.RateTests::REQ_012_LimitsRateToPumpMaximum",
            (Passed, None, None, Some(3), vec!["REQ-012"]),
        ),
        (
            "Pump.Tests.RateTests::RoundsDropsPerMinute",
            (
                Failed,
                Some("Assert.Equal() Failure: Values differ; Expected: 336; Actual:   337"),
                None,
                Some(12),
                vec![],
            ),
        ),
        (
            "Pump.Tests.RateTests::AlarmsWhenBagIsEmpty",
            (
                Skipped,
                Some("Pump not on the bench yet"),
                None,
                Some(0),
                vec![],
            ),
        ),
        // The class fixture threw: every test of the class failed.
        (
            "Pump.Tests.PumpBusTests::SendsRateToPump",
            (
                Failed,
                Some(
                    "System.AggregateException : One or more errors occurred. (pump bus not \
                     connected); ---- System.InvalidOperationException : pump bus not connected",
                ),
                None,
                Some(0),
                vec![],
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
}

#[test]
fn mstest_rows_ignored_tests_class_init_failures_and_categories() {
    let e = trx("trx/vstest/mstest.trx");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // Counters: total 10 (the data rows, not their parent), passed 4,
    // failed 4, notExecuted 2 ([Ignore] and Assert.Inconclusive).
    assert_eq!(statuses(&e), [4, 4, 0, 2]);
    assert_eq!(
        ids(&e),
        [
            "Pump.MSTests.RateTests::LimitsRateToPumpMaximum",
            "Pump.MSTests.RateTests::RoundsDropsPerMinute",
            "Pump.MSTests.RateTests::ConvertsRates (60,20,20)",
            "Pump.MSTests.RateTests::ConvertsRates (90,15,23)",
            "Pump.MSTests.RateTests::ConvertsRates (100,60,99)",
            "Pump.MSTests.RateTests::AlarmsWhenBagIsEmpty",
            "Pump.MSTests.RateTests::ChecksBattery",
            "Pump.MSTests.PumpBusTests::SendsRateToPump",
            "Pump.MSTests.PumpBusTests::ReadsPumpStatus",
            "Pump.MSTests.ÜberwachungTests::ZeigtDruckInMmHg",
        ]
    );
    let class_init = Some(
        "Class Initialization method Pump.MSTests.PumpBusTests.Connect threw exception. \
         System.InvalidOperationException: pump bus not connected.",
    );
    for (id, want) in [
        // [TestCategory("REQ-012")]
        (
            "Pump.MSTests.RateTests::LimitsRateToPumpMaximum",
            (Passed, None, None, Some(4), vec!["REQ-012"]),
        ),
        // [TestProperty("Requirement", "REQ-031")]
        (
            "Pump.MSTests.RateTests::RoundsDropsPerMinute",
            (
                Failed,
                Some("Assert.AreEqual failed. Expected:<336>. Actual:<337>."),
                None,
                Some(15),
                vec!["REQ-031"],
            ),
        ),
        (
            "Pump.MSTests.RateTests::ConvertsRates (100,60,99)",
            (
                Failed,
                Some("Assert.AreEqual failed. Expected:<99>. Actual:<100>."),
                None,
                Some(1),
                vec![],
            ),
        ),
        (
            "Pump.MSTests.RateTests::ConvertsRates (60,20,20)",
            (Passed, None, None, Some(0), vec![]),
        ),
        (
            "Pump.MSTests.RateTests::AlarmsWhenBagIsEmpty",
            (
                Skipped,
                Some(
                    "Test method Pump.MSTests.RateTests.AlarmsWhenBagIsEmpty was ignored. Pump \
                     not on the bench yet",
                ),
                None,
                Some(0),
                vec![],
            ),
        ),
        (
            "Pump.MSTests.RateTests::ChecksBattery",
            (
                Skipped,
                Some("Assert.Inconclusive failed. battery sensor not wired"),
                None,
                Some(1),
                vec![],
            ),
        ),
        (
            "Pump.MSTests.PumpBusTests::ReadsPumpStatus",
            (Failed, class_init, None, Some(0), vec![]),
        ),
        (
            "Pump.MSTests.ÜberwachungTests::ZeigtDruckInMmHg",
            (Passed, None, None, Some(2), vec![]),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
}

#[test]
fn a_crashed_test_host_is_an_errored_record() {
    let e = trx("trx/vstest/crash.trx");
    // Both tests that ran passed, but the host crashed: the run is not clean.
    assert_eq!(statuses(&e), [2, 0, 1, 0]);
    assert_eq!(
        record(&e, "(test run)::run error 1"),
        (
            Errored,
            Some(
                "The active test run was aborted. Reason: Test host process crashed : Stack overflow."
            ),
            None,
            None,
            vec![]
        )
    );
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].contains("1 run-level error(s)"));
}

#[test]
fn a_byte_order_mark_and_crlf_read_like_the_plain_file() {
    let whole =
        std::fs::read(repo().join("tests/fixtures/trx/vstest/mstest.trx")).expect("fixture");
    assert!(whole.starts_with(b"\xEF\xBB\xBF<?xml"));
    assert!(whole.windows(2).any(|w| w == b"\r\n"));
    let plain = String::from_utf8(whole[3..].to_vec())
        .expect("utf-8")
        .replace("\r\n", "\n");
    let a = trx("trx/vstest/mstest.trx");
    let b = trx_bytes(&plain);
    let view = |e: &Evidence| {
        e.tests
            .iter()
            .map(|t| {
                (
                    t.id.clone(),
                    t.status,
                    t.message.clone(),
                    t.requirements.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(view(&a), view(&b));
}

#[test]
fn each_producers_head_is_detected() {
    for rel in [
        "trx/jest/jest.trx",
        "trx/mocha/mocha.trx",
        "trx/vstest/xunit.trx",
        "trx/vstest/mstest.trx",
        "trx/vstest/crash.trx",
    ] {
        trx(rel);
    }
}

// ---- mapping details, on small files ------------------------------------------

const NS: &str = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

fn run(results: &str, rest: &str) -> String {
    format!("<TestRun xmlns=\"{NS}\"><Results>{results}</Results>{rest}</TestRun>")
}

fn result(id: &str, name: &str, outcome: &str) -> String {
    format!("<UnitTestResult testId=\"{id}\" testName=\"{name}\" outcome=\"{outcome}\"/>")
}

fn definition(id: &str, class: &str, method: &str, inside: &str) -> String {
    format!(
        "<UnitTest id=\"{id}\" name=\"{method}\">{inside}<TestMethod codeBase=\"T.dll\" \
         className=\"{class}\" name=\"{method}\"/></UnitTest>"
    )
}

#[test]
fn every_trx_outcome_maps_fail_closed() {
    let outcomes = [
        ("Passed", Passed),
        ("PassedButRunAborted", Passed),
        ("Failed", Failed),
        ("Warning", Failed),
        ("Error", Errored),
        ("Timeout", Errored),
        ("Aborted", Errored),
        ("NotRunnable", Errored),
        ("Disconnected", Errored),
        ("InProgress", Errored),
        ("NotExecuted", Skipped),
        ("Inconclusive", Skipped),
        ("Pending", Skipped),
        ("Completed", Skipped),
        ("Exploded", Errored),
    ];
    let results: String = outcomes
        .iter()
        .map(|(o, _)| result(o, o, o))
        .chain(std::iter::once(
            "<UnitTestResult testId=\"none\" testName=\"none\"/>".to_string(),
        ))
        .collect();
    let e = trx_bytes(&run(&results, ""));
    for (outcome, status) in outcomes {
        assert_eq!(case(&e, outcome).status, status, "{outcome}");
    }
    assert_eq!(case(&e, "none").status, Errored);
    assert_eq!(
        case(&e, "Timeout").message.as_deref(),
        Some("outcome Timeout")
    );
    assert_eq!(case(&e, "Warning").message.as_deref(), Some("warning"));
    assert!(
        warnings(&e).contains(
            &"2 result(s) with an outcome TRX does not define (or none) were read as errored"
                .to_string()
        ),
        "{:?}",
        warnings(&e)
    );
    assert!(
        warnings(&e)
            .iter()
            .any(|w| w.contains("16 result(s) have no definition")),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn counters_that_disagree_are_a_warning() {
    let e = trx_bytes(&run(
        &[result("a", "A", "Passed"), result("b", "B", "Failed")].concat(),
        "<ResultSummary outcome=\"Failed\"><Counters total=\"3\" passed=\"1\" failed=\"1\" \
         notExecuted=\"1\"/></ResultSummary>",
    ));
    // The test counted as not executed but not listed is a skipped record.
    assert_eq!(statuses(&e), [1, 1, 0, 1]);
    assert!(
        warnings(&e).contains(
            &"the <Counters> disagree with the results listed: total 3 (found 2), not run 1 \
              (found 0); the results listed are used"
                .to_string()
        ),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn failures_counted_but_not_listed_are_records() {
    // A root that counts failures it does not list must not read as clean
    // (the summary's outcome is vstest's `Completed` only when nothing
    // failed, but a hand-trimmed or foreign file may say so anyway).
    let e = trx_bytes(&run(
        &result("a", "A", "Passed"),
        "<ResultSummary outcome=\"Completed\"><Counters total=\"6\" passed=\"1\" \
         failed=\"2\" error=\"1\" notExecuted=\"2\"/></ResultSummary>",
    ));
    let failing = case(&e, "(test run)::(3 failing test(s) counted but not listed)");
    assert_eq!(failing.status, Errored);
    let skipped = case(&e, "(test run)::(2 not run test(s) counted but not listed)");
    assert_eq!(skipped.status, Skipped);
    assert_eq!(statuses(&e), [1, 0, 1, 1]);
    assert!(
        warnings(&e)
            .iter()
            .any(|w| w.starts_with("the <Counters> count 3 failing test(s) that are not listed")),
        "{:?}",
        warnings(&e)
    );
    // No results at all, and a root that says it failed: one record, not
    // also the run outcome's.
    let e = trx_bytes(&format!(
        "<TestRun xmlns=\"{NS}\"><ResultSummary outcome=\"Failed\"><Counters total=\"3\" \
         failed=\"3\"/></ResultSummary></TestRun>"
    ));
    let ids: Vec<_> = e.tests.iter().map(|t| (t.id.as_str(), t.status)).collect();
    assert_eq!(
        ids,
        [(
            "(test run)::(3 failing test(s) counted but not listed)",
            Errored
        )]
    );
}

#[test]
fn a_run_that_did_not_complete_is_an_errored_record() {
    for (outcome, results) in [
        ("Aborted", result("a", "A", "Passed")),
        ("Error", result("a", "A", "Passed")),
        ("Failed", result("a", "A", "Passed")),
        ("Something", String::new()),
    ] {
        let e = trx_bytes(&run(
            &results,
            &format!("<ResultSummary outcome=\"{outcome}\"/>"),
        ));
        let t = case(&e, "(test run)::run outcome");
        assert_eq!(t.status, Errored, "{outcome}");
        assert!(
            t.message.as_deref().is_some_and(|m| m.contains(outcome)),
            "{outcome}: {:?}",
            t.message
        );
    }
    for outcome in ["Completed", "Passed", "Warning"] {
        let e = trx_bytes(&run(
            &result("a", "A", "Passed"),
            &format!("<ResultSummary outcome=\"{outcome}\"/>"),
        ));
        assert_eq!(statuses(&e), [1, 0, 0, 0], "{outcome}");
    }
}

#[test]
fn a_parent_failing_beyond_its_rows_is_a_record_too() {
    let rows = [
        result("d", "Rows (1)", "Passed"),
        result("d", "Rows (2)", "Passed"),
    ]
    .concat();
    let e = trx_bytes(&run(
        &format!(
            "<UnitTestResult testId=\"d\" testName=\"Rows\" outcome=\"Failed\"><Output>\
             <ErrorInfo><Message>Class Cleanup method threw</Message></ErrorInfo></Output>\
             <InnerResults>{rows}</InnerResults></UnitTestResult>"
        ),
        &format!(
            "<TestDefinitions>{}</TestDefinitions><ResultSummary outcome=\"Failed\">\
             <Counters total=\"2\" passed=\"2\" failed=\"0\"/></ResultSummary>",
            definition("d", "N.C", "Rows", "")
        ),
    ));
    assert_eq!(
        ids(&e),
        ["N.C::Rows (1)", "N.C::Rows (2)", "N.C::Rows"],
        "{:?}",
        warnings(&e)
    );
    assert_eq!(case(&e, "N.C::Rows").status, Failed);
    assert_eq!(
        case(&e, "N.C::Rows").message.as_deref(),
        Some("Class Cleanup method threw")
    );
    // The parent is not counted against the Counters.
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].contains("failed beyond their rows"));
}

#[test]
fn requirement_ids_from_properties_categories_names_and_classes() {
    let inside = "<TestCategory><TestCategoryItem TestCategory=\"REQ-003\"/>\
                  <TestCategoryItem TestCategory=\"Smoke\"/></TestCategory>\
                  <Properties><Property><Key>Verifies</Key><Value>REQ-001, REQ-002</Value>\
                  </Property><Property Key=\"requirement\" Value=\"REQ-004\"/>\
                  <Property><Key>Owner</Key><Value>REQ-999</Value></Property></Properties>";
    // Definitions first (as jest writes them) and after (as vstest does).
    for defs_first in [true, false] {
        let defs = format!(
            "<TestDefinitions>{}</TestDefinitions>",
            definition("t", "Pump.Req010Tests", "Req_005_Limits", inside)
        );
        let results = format!(
            "<Results>{}</Results>",
            result("t", "Req_005_Limits", "Passed")
        );
        let text = if defs_first {
            format!("<TestRun xmlns=\"{NS}\">{defs}{results}</TestRun>")
        } else {
            format!("<TestRun xmlns=\"{NS}\">{results}{defs}</TestRun>")
        };
        let e = trx_bytes(&text);
        assert_eq!(
            case(&e, "Pump.Req010Tests::Req_005_Limits").requirements,
            [
                "REQ-001", "REQ-002", "REQ-004", "REQ-003", "REQ-005", "REQ010"
            ],
            "definitions first: {defs_first}"
        );
        assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    }
}

#[test]
fn repeated_ids_are_kept_with_a_warning() {
    let e = trx_bytes(&run(
        &[result("a", "Same", "Passed"), result("b", "Same", "Failed")].concat(),
        "",
    ));
    assert_eq!(cases(&e, "Same").len(), 2);
    assert!(
        warnings(&e).contains(&"1 test id(s) repeat in the file; each record is kept".to_string()),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn a_file_without_results_is_empty() {
    let e = trx_bytes(&format!("<TestRun xmlns=\"{NS}\"><Results/></TestRun>"));
    assert!(e.tests.is_empty());
    assert!(warnings(&e).is_empty());
}

// ---- refusals -------------------------------------------------------------------

fn refused(text: &str) -> regops_evidence::Error {
    try_bytes(
        "bad.trx",
        text.as_bytes(),
        EvidenceKind::Tests,
        Some(Format::Trx),
    )
    .expect_err("refused")
}

#[test]
fn malformed_files_are_refused_where_they_go_wrong() {
    let err = refused("<TestRun>\n<Results>\n<UnitTestResult outcome=\"Passed\">\n</Results>");
    assert_eq!(malformed_at(&err), (Some(4), Some(1)), "{err}");
    let err = refused(&format!("<TestRun xmlns=\"{NS}\"/>\n<TestRun/>"));
    assert!(err.to_string().contains("second root"), "{err}");
    assert_eq!(malformed_at(&err).0, Some(2), "{err}");
    let err = refused("<testsuites/>");
    assert!(err.to_string().contains("expected <TestRun>"), "{err}");
    let err = refused("<!DOCTYPE TestRun [<!ENTITY x \"boom\">]>\n<TestRun><Results/></TestRun>");
    assert!(
        err.to_string().contains("DOCTYPE declares entities"),
        "{err}"
    );
    let err = refused("<TestRun><Results>");
    assert!(err.to_string().contains("truncated"), "{err}");
    let err = refused("");
    assert!(err.to_string().contains("no root element"), "{err}");
}

#[test]
fn every_cut_is_refused() {
    // The tail: the last element's end tag and the CRLF after it.
    let tail = "</TestRun>\r\n".len();
    refuses_every_cut("trx/mocha/mocha.trx", tail, 97, Format::Trx);
    refuses_every_cut("trx/vstest/mstest.trx", tail, 89, Format::Trx);
    refuses_every_cut("trx/vstest/crash.trx", tail, 13, Format::Trx);
}

#[test]
fn run_infos_are_records_or_bounded_warnings() {
    let infos: String = (1..=7)
        .map(|n| format!("<RunInfo outcome=\"Warning\"><Text>warning {n}</Text></RunInfo>"))
        .chain(std::iter::once("<RunInfo outcome=\"Error\"/>".to_string()))
        .collect();
    let e = trx_bytes(&run(
        &result("a", "A", "Passed"),
        &format!("<ResultSummary outcome=\"Failed\"><RunInfos>{infos}</RunInfos></ResultSummary>"),
    ));
    assert_eq!(statuses(&e), [1, 0, 1, 0]);
    assert_eq!(
        case(&e, "(test run)::run error 1").message.as_deref(),
        Some("run error (outcome Error) without text")
    );
    let w = warnings(&e);
    assert!(
        w.contains(&"the test run warns: warning 5".to_string()),
        "{w:?}"
    );
    assert!(
        !w.contains(&"the test run warns: warning 6".to_string()),
        "{w:?}"
    );
    assert!(
        w.contains(&"the test run warns 2 more time(s)".to_string()),
        "{w:?}"
    );
}

#[test]
fn mangled_files_never_panic() {
    // Bytes replaced one at a time with markup and non-UTF-8 bytes, all
    // over each fixture: every result is a load or an error, never a panic.
    for fixture in ["trx/jest/jest.trx", "trx/vstest/mstest.trx"] {
        let whole = std::fs::read(repo().join("tests/fixtures").join(fixture)).expect("fixture");
        for (i, at) in (0..whole.len()).step_by(37).enumerate() {
            let mut bytes = whole.clone();
            let with: &[u8] = match i % 6 {
                0 => b"<",
                1 => b"\"",
                2 => b"\xFF",
                3 => b"<UnitTestResult outcome=\"",
                4 => b"</InnerResults>",
                _ => b"&#0;",
            };
            bytes.splice(at..(at + 1).min(bytes.len()), with.iter().copied());
            let _ = try_bytes("m.trx", &bytes, EvidenceKind::Tests, Some(Format::Trx));
        }
    }
}

#[test]
fn many_requirement_ids_are_kept_once_each() {
    // Requirement ids were kept without repeats by looking through the
    // list for each one: 50,000 properties of one definition took 10 s
    // (release), 50,000 results waiting for a definition of 2,000
    // categories over a minute. Now repeats go once per list (the timings:
    // docs/performance.md, session 12).
    let props: String = (0..20_000)
        .map(|i| format!("<Property><Key>Requirement</Key><Value>REQ-{i}</Value></Property>"))
        .collect();
    let cats: String = (0..2_000)
        .map(|i| format!("<TestCategoryItem TestCategory=\"REQ-{}\"/>", i % 1_000))
        .collect();
    let results: String = (0..200)
        .map(|i| result("d", &format!("T.C.m{i}"), "Passed"))
        .collect();
    let text = run(
        &results,
        &format!(
            "<TestDefinitions>{}</TestDefinitions>",
            definition(
                "d",
                "T.C",
                "m",
                &format!(
                    "<TestCategory>{cats}</TestCategory><Properties>{props}<Property><Key>Requirement</Key><Value>REQ-0</Value></Property></Properties>"
                )
            )
        ),
    );
    let e = trx_bytes(&text);
    assert_eq!(e.tests.len(), 200);
    // 20,000 property ids, then the categories' 1,000 (all among them).
    assert_eq!(e.tests[0].requirements.len(), 20_000);
    assert_eq!(e.tests[0].requirements[1], "REQ-1");
}

#[test]
fn test_elements_nested_off_the_structure_are_an_errored_record() {
    // A test element under an element the reader does not read was
    // dropped without a word: a file of failures nested one level off
    // read as no tests at all.
    let e = try_bytes(
        "t.trx",
        br#"<TestRun><UnitTestResult testId="a" testName="C.m" outcome="Failed"/><ResultSummary outcome="Completed"/></TestRun>"#,
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    let id = "(file)::(1 <UnitTestResult> element(s) outside the report's structure)";
    assert_eq!(case(&e, id).status, TestStatus::Errored);
    assert!(
        e.files[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("1 <UnitTestResult> element(s) are nested")),
        "{:?}",
        e.files[0].warnings
    );
}
