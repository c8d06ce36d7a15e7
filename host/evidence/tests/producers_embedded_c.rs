//! Embedded-C unit-test frameworks: cmocka 1.1.5 and CppUTest 4.0, each
//! read as the framework itself reported the run.
//!
//! Every fixture here is real output of the Debian packages
//! (`libcmocka-dev`, `cpputest`) over the small infusion-rate project kept
//! beside it; its directory's PROVENANCE.md gives the commands and what the
//! framework printed on its console, which is what each test holds regops to.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, TestStatus};

use TestStatus::{Errored, Failed, Passed, Skipped};

/// The fields of one record a test checks: status, message, source file
/// and line.
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

/// Every file's warnings, in load order.
fn all_warnings(e: &Evidence) -> Vec<&str> {
    e.files
        .iter()
        .flat_map(|f| f.warnings.iter().map(String::as_str))
        .collect()
}

// ---- cmocka 1.1.5 -----------------------------------------------------------

/// cmocka's three groups in the order it ran them (and wrote them).
const CMOCKA_IDS: [&str; 13] = [
    "rate::test_rate_basic",
    "rate::test_REQ_012_rate_limit",
    "rate::test_rate_zero_minutes",
    "rate::test_rate_rounding",
    "rate::test_rate_on_pump_hardware",
    "rate::test_rate_calibration",
    "drops::test_drops_basic",
    "drops::test_drops_rounding",
    "drops::test_drops_needs_set",
    "drops::test_drops_release",
    "drops::test_drops_history_leak",
    "drops::test_drops_null_state_crash",
    "pump_hw::(1 errors outside any test case)",
];

/// What cmocka's console said of each test, and the message its XML holds.
/// cmocka writes no `file`/`line` on a case: the place of a failed
/// assertion is only in the failure's text, so no record has a source.
fn check_cmocka_records(e: &Evidence) {
    assert_eq!(ids(e), CMOCKA_IDS);
    // Console: rate "[  PASSED  ] 3", "[  SKIPPED ] 1", "[  FAILED  ] 2";
    // drops "[  PASSED  ] 1", three FAILED and two "[  ERROR   ]" ("5
    // FAILED TEST(S)"); pump_hw "[  FAILED  ] GROUP SETUP", "[  ERROR   ]
    // pump_hw".
    assert_eq!(statuses(e), [4, 5, 3, 1]);
    for (id, want) in [
        ("rate::test_rate_basic", (Passed, None, None)),
        ("rate::test_REQ_012_rate_limit", (Passed, None, None)),
        ("rate::test_rate_zero_minutes", (Passed, None, None)),
        // assert_int_equal: "0x56 != 0x55" then the place, in CDATA.
        (
            "rate::test_rate_rounding",
            (Failed, Some("0x56 != 0x55"), None),
        ),
        // skip(): a bare <skipped/>.
        ("rate::test_rate_on_pump_hardware", (Skipped, None, None)),
        // fail_msg("pump model %s not calibrated"): cmocka prints the text
        // on stderr only; the XML keeps the place.
        (
            "rate::test_rate_calibration",
            (
                Failed,
                Some("cmocka/test_infusion.c:58: error: Failure!"),
                None,
            ),
        ),
        ("drops::test_drops_basic", (Passed, None, None)),
        (
            "drops::test_drops_rounding",
            (Failed, Some("0x21 != 0x22"), None),
        ),
        // A setup or teardown that returns non-zero: cmocka prints "Could
        // not run test: Test setup failed" / "[  ERROR   ]" and counts it in
        // `errors`, though it writes a <failure>.
        (
            "drops::test_drops_needs_set",
            (Errored, Some("Test setup failed"), None),
        ),
        (
            "drops::test_drops_release",
            (Errored, Some("Test teardown failed"), None),
        ),
        // test_malloc without test_free: cmocka's leak check fails the test.
        (
            "drops::test_drops_history_leak",
            (Failed, Some("Blocks allocated..."), None),
        ),
        // A SIGSEGV cmocka catches: "[  FAILED  ]".
        (
            "drops::test_drops_null_state_crash",
            (
                Failed,
                Some("Test failed with exception: Segmentation fault(11)"),
                None,
            ),
        ),
        // The group setup failed: no case, only the suite's errors="1".
        (
            "pump_hw::(1 errors outside any test case)",
            (
                Errored,
                Some(
                    "the summary counts 1 more errors than its test cases hold; see the tool's \
                     console output for what failed",
                ),
                None,
            ),
        ),
    ] {
        assert_eq!(record(e, id), want, "{id}");
    }
    // time="0.000" on every case.
    assert!(
        e.tests[..12].iter().all(|t| t.duration_ms == Some(0)),
        "{:#?}",
        e.tests
    );
    assert!(e.tests.iter().all(|t| !t.flaky));
}

#[test]
fn cmocka_one_xml_file_holds_every_group_as_a_document_of_its_own() {
    // CMOCKA_XML_FILE=cmocka.xml with three groups: cmocka writes the
    // first group's <?xml ...?><testsuites> and then appends each further
    // group as another <testsuites> root: not well-formed XML, but the
    // whole run. Refusing it would lose the run; reading only the first
    // would lose two groups.
    let e = junit("cmocka/cmocka.xml");
    check_cmocka_records(&e);
    let w = warnings(&e);
    assert_eq!(w.len(), 2, "{w:#?}");
    assert_eq!(
        w[0],
        "testsuite 'pump_hw' says failures=0 errors=1 but its test cases hold 0 failed and 0 \
         errored; the excess is reported as 'pump_hw::(1 errors outside any test case)' with \
         status errored (a producer may count a failure that no test case holds only in the \
         summary, as gotestsum does for a Go package that fails to build)"
    );
    assert_eq!(
        w[1],
        "the file holds 3 <testsuites> roots one after another, as cmocka writes every test \
         group to one CMOCKA_XML_FILE; all were read (a file name with %g, one file per group, \
         is well-formed XML that other JUnit readers accept)"
    );
}

#[test]
fn cmocka_one_file_per_group_reads_the_same_run() {
    // CMOCKA_XML_FILE=cmocka_%g.xml: one well-formed file per group.
    let e = fixtures_in(
        "tests/fixtures/cmocka",
        &["cmocka_rate.xml", "cmocka_drops.xml", "cmocka_pump_hw.xml"],
        EvidenceKind::Tests,
    );
    check_cmocka_records(&e);
    // Only the group whose setup failed says anything: the summaries of
    // the others agree with their cases once setup and teardown failures
    // are errors.
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert!(e.files[1].warnings.is_empty(), "{:?}", e.files[1].warnings);
    assert_eq!(e.files[2].warnings.len(), 1, "{:?}", e.files[2].warnings);
    assert!(e.files[2].warnings[0].starts_with("testsuite 'pump_hw' says failures=0 errors=1"));
}

#[test]
fn cmocka_requirement_ids_come_from_test_names() {
    let e = junit("cmocka/cmocka.xml");
    assert_eq!(
        case(&e, "rate::test_REQ_012_rate_limit").requirements,
        ["REQ-012"]
    );
    let others: Vec<&str> = e
        .tests
        .iter()
        .filter(|t| !t.requirements.is_empty())
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(others, ["rate::test_REQ_012_rate_limit"]);
}

#[test]
fn cmocka_concatenated_roots_are_read_only_as_cmocka_writes_them() {
    // Two bare <testsuites> roots: cmocka's shape, read.
    let two = b"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<testsuites>\n  <testsuite \
        name=\"a\" time=\"0.000\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" >\n    \
        <testcase name=\"t\" time=\"0.000\" >\n    </testcase>\n  </testsuite>\n</testsuites>\n\
        <testsuites>\n  <testsuite name=\"b\" time=\"0.000\" tests=\"1\" failures=\"1\" \
        errors=\"0\" skipped=\"0\" >\n    <testcase name=\"t\" time=\"0.000\" >\n      \
        <failure><![CDATA[0x1 != 0x2\nx.c:3: error: Failure!]]></failure>\n    </testcase>\n  \
        </testsuite>\n</testsuites>\n";
    let e = try_bytes("two.xml", two, EvidenceKind::Tests, None).expect("cmocka's shape reads");
    assert_eq!(ids(&e), ["a::t", "b::t"]);
    assert_eq!(statuses(&e), [1, 1, 0, 0]);
    assert_eq!(all_warnings(&e).len(), 1, "{:?}", all_warnings(&e));

    // Any other second root is still refused: a <testsuite> after a
    // <testsuites>, a second <testsuite>, a second <testsuites> with
    // attributes (no cmocka writes them).
    for (name, bytes) in [
        (
            "suite-after-suites.xml",
            &b"<testsuites><testsuite name=\"a\"/></testsuites><testsuite name=\"b\"/>"[..],
        ),
        (
            "two-suites.xml",
            &b"<testsuite name=\"a\"></testsuite><testsuite name=\"b\"></testsuite>"[..],
        ),
        (
            "attributes.xml",
            &b"<testsuites tests=\"0\"></testsuites><testsuites tests=\"0\"></testsuites>"[..],
        ),
        (
            "attributes-later.xml",
            &b"<testsuites></testsuites><testsuites name=\"x\"></testsuites>"[..],
        ),
    ] {
        let err = try_bytes(name, bytes, EvidenceKind::Tests, None)
            .expect_err(name)
            .to_string();
        assert!(err.contains("a second root element"), "{name}: {err}");
    }
}

#[test]
fn cmocka_setup_failure_wording_elsewhere_is_only_an_errored_case_in_a_bare_failure() {
    // The words alone, as another writer's message attribute or in a
    // longer text, say nothing about a fixture: failed as written.
    let xml = b"<testsuite name=\"s\" tests=\"3\" failures=\"3\" errors=\"0\">\
        <testcase name=\"a\"><failure message=\"Test setup failed\"/></testcase>\
        <testcase name=\"b\"><failure>Test setup failed: db down</failure></testcase>\
        <testcase name=\"c\"><failure type=\"x\">Test teardown failed</failure></testcase>\
        </testsuite>";
    let e = try_bytes("other.xml", xml, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(statuses(&e), [0, 3, 0, 0]);
    assert!(all_warnings(&e).is_empty(), "{:?}", all_warnings(&e));
}

// ---- CppUTest 4.0 -----------------------------------------------------------

const CPPUTEST_FILES: [&str; 3] = [
    "cpputest_Rate.xml",
    "cpputest_Drops.xml",
    "cpputest_PumpBus.xml",
];

fn cpputest() -> Evidence {
    fixtures_in(
        "tests/fixtures/cpputest",
        &CPPUTEST_FILES,
        EvidenceKind::Tests,
    )
}

#[test]
fn cpputest_junit_per_group_reads_as_its_console_reported_the_run() {
    // CppUTest: "Errors (5 failures, 10 tests, 9 ran, 10 checks, 1 ignored,
    // 0 filtered out, 1 ms)". It runs (and writes) the tests of a group in
    // reverse order of definition.
    let e = cpputest();
    assert_eq!(
        ids(&e),
        [
            "Rate::ExitsEarly",
            "Rate::Calibration",
            "Rate::OnPumpHardware",
            "Rate::Rounding",
            "Rate::REQ_012_rate_limit",
            "Rate::Basic",
            "Drops::LeaksHistoryBuffer",
            "Drops::Rounding",
            "Drops::Basic",
            "PumpBus::Ping",
        ]
    );
    assert_eq!(statuses(&e), [4, 5, 0, 1]);
    let file = "cpputest/InfusionTest.cpp";
    for (id, want) in [
        // TEST_EXIT ends a test early, passed (CppUTest 4.0 has no skip).
        ("Rate::ExitsEarly", (Passed, None, Some((file, Some(47))))),
        // FAIL("..."): message "file:line: text", the line of the FAIL;
        // the case's own line is the TEST's.
        (
            "Rate::Calibration",
            (
                Failed,
                Some("cpputest/InfusionTest.cpp:44: pump model VP-200 not calibrated"),
                Some((file, Some(42))),
            ),
        ),
        // IGNORE_TEST: "1 ignored", written <skipped />.
        (
            "Rate::OnPumpHardware",
            (Skipped, None, Some((file, Some(37)))),
        ),
        // CppUTest writes each line break of a message as `{newline}`.
        (
            "Rate::Rounding",
            (
                Failed,
                Some(
                    "cpputest/InfusionTest.cpp:34: LONGS_EQUAL(85, rate) failed\n\texpected <85 \
                     (0x55)>\n\tbut was  <86 (0x56)>",
                ),
                Some((file, Some(30))),
            ),
        ),
        (
            "Rate::REQ_012_rate_limit",
            (Passed, None, Some((file, Some(24)))),
        ),
        ("Rate::Basic", (Passed, None, Some((file, Some(18))))),
        (
            "Drops::Rounding",
            (
                Failed,
                Some(
                    "cpputest/InfusionTest.cpp:71: LONGS_EQUAL(34, infusion_drops_per_min(1005, factor)) \
                     failed\n\texpected <34 (0x22)>\n\tbut was  <33 (0x21)>",
                ),
                Some((file, Some(68))),
            ),
        ),
        ("Drops::Basic", (Passed, None, Some((file, Some(63))))),
        // A FAIL in the group's setup() fails every test of the group.
        (
            "PumpBus::Ping",
            (
                Failed,
                Some("cpputest/InfusionTest.cpp:86: no pump bus on the CI runner"),
                Some((file, Some(89))),
            ),
        ),
    ] {
        assert_eq!(record(&e, id), want, "{id}");
    }
    // Every summary (errors="0", no skipped attribute) agrees.
    assert!(all_warnings(&e).is_empty(), "{:?}", all_warnings(&e));
}

#[test]
fn cpputest_memory_leak_is_a_failure_whose_message_keeps_its_lines() {
    // "Memory leak(s) found." after the test's body passed: a failure.
    let e = cpputest();
    let (status, message, source) = record(&e, "Drops::LeaksHistoryBuffer");
    assert_eq!(status, Failed);
    assert_eq!(source, Some(("cpputest/InfusionTest.cpp", Some(74))));
    let message = message.expect("message");
    assert!(
        message.starts_with(
            "cpputest/InfusionTest.cpp:74: Memory leak(s) found.\nAlloc num (11) Leak size: 32 \
             Allocated at: cpputest/InfusionTest.cpp and line: 76. Type: \"malloc\"\n\tMemory: \
             <0x"
        ),
        "{message:?}"
    );
    assert!(!message.contains("{newline}"), "{message:?}");
    // Cut after 500 characters, marked with an ellipsis.
    assert_eq!(message.chars().count(), 501, "{message:?}");
    assert!(message.ends_with("\n\tbut deallocate us…"), "{message:?}");
    assert!(message.contains("\nTotal number of leaks:  1\nNOTE:\n"));
}

#[test]
fn cpputest_requirement_ids_come_from_test_names() {
    let e = cpputest();
    let with: Vec<(&str, &[String])> = e
        .tests
        .iter()
        .filter(|t| !t.requirements.is_empty())
        .map(|t| (t.id.as_str(), t.requirements.as_slice()))
        .collect();
    assert_eq!(
        with,
        [("Rate::REQ_012_rate_limit", &["REQ-012".to_string()][..])]
    );
}

#[test]
fn cpputest_crashes_in_a_separate_process_are_failures() {
    // `-p` runs each test in a forked process: "Failed in separate process
    // - killed by signal 11" (NULL dereference) and "signal 6" (an uncaught
    // C++ exception: std::terminate aborts); CppUTest counts both as
    // failures ("Errors (2 failures, 3 tests, 3 ran ...)").
    let e = junit("cpputest/cpputest_Crash.xml");
    assert_eq!(
        ids(&e),
        [
            "Crash::StillRuns",
            "Crash::ThrowsOnBadSet",
            "Crash::NullDripFactor"
        ]
    );
    assert_eq!(statuses(&e), [1, 2, 0, 0]);
    let file = "cpputest/CrashTest.cpp";
    assert_eq!(
        record(&e, "Crash::StillRuns"),
        (Passed, None, Some((file, Some(24))))
    );
    assert_eq!(
        record(&e, "Crash::ThrowsOnBadSet"),
        (
            Failed,
            Some("cpputest/CrashTest.cpp:19: Failed in separate process - killed by signal 6"),
            Some((file, Some(19)))
        )
    );
    assert_eq!(
        record(&e, "Crash::NullDripFactor"),
        (
            Failed,
            Some("cpputest/CrashTest.cpp:13: Failed in separate process - killed by signal 11"),
            Some((file, Some(13)))
        )
    );
    // time="0.006" on the test that ran in its own process.
    assert_eq!(case(&e, "Crash::StillRuns").duration_ms, Some(6));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn cpputest_newline_marks_are_read_only_in_cpputest_failures() {
    // `{newline}` in another writer's message (no type="AssertionFailedError")
    // is text, kept as written.
    let xml = b"<testsuite name=\"s\" tests=\"2\" failures=\"2\">\
        <testcase classname=\"s\" name=\"a\"><failure message=\"a{newline}b\" \
        type=\"AssertionError\"/></testcase>\
        <testcase classname=\"s\" name=\"b\"><failure message=\"x.cpp:1: c{newline}d\" \
        type=\"AssertionFailedError\"/></testcase></testsuite>";
    let e = try_bytes("newline.xml", xml, EvidenceKind::Tests, None).expect("reads");
    assert_eq!(case(&e, "s::a").message.as_deref(), Some("a{newline}b"));
    assert_eq!(case(&e, "s::b").message.as_deref(), Some("x.cpp:1: c\nd"));
}
