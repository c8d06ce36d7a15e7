//! The evidence normalisers, end to end: files in, typed records out.
//!
//! Fixtures under `tests/fixtures/handmade/` each exercise one awkward case
//! (see its PROVENANCE.md); the other fixture directories hold real tool
//! output (see regen.sh). Every test goes through [`load`], so detection,
//! hashing and error positions are covered as users see them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use regops_evidence::{
    BaselineState, Error, Evidence, EvidenceKind, FindingLevel, Format, Input, Options, Severity,
    SuppressionStatus, TestCase, TestStatus, load,
};

// ---------------------------------------------------------------------------
// Helpers

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn input(path: PathBuf, display: &str, kind: EvidenceKind, format: Option<Format>) -> Input {
    Input {
        path,
        display: display.to_string(),
        kind,
        format,
    }
}

/// Loads a fixture by its path from the repository root, detecting its format.
fn try_fixture(rel: &str, kind: EvidenceKind) -> Result<Evidence, Error> {
    load(
        &[input(repo().join(rel), rel, kind, None)],
        &Options::default(),
    )
}

fn fixture(rel: &str, kind: EvidenceKind) -> Evidence {
    match try_fixture(rel, kind) {
        Ok(e) => e,
        Err(e) => panic!("{rel} should load: {e}"),
    }
}

/// Whether a real-tool fixture is present (another helper produces them).
fn present(rel: &str) -> bool {
    repo().join(rel).is_file()
}

/// Writes `bytes` to a fresh temporary file and loads it.
fn try_bytes(
    name: &str,
    bytes: &[u8],
    kind: EvidenceKind,
    format: Option<Format>,
) -> Result<Evidence, Error> {
    let dir = std::env::temp_dir().join(format!("regops-evidence-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!("{}-{name}", SEQ.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, bytes).expect("write temp file");
    let result = load(
        &[input(path.clone(), name, kind, format)],
        &Options::default(),
    );
    let _ = std::fs::remove_file(&path);
    result
}

fn case<'a>(e: &'a Evidence, id: &str) -> &'a TestCase {
    e.tests
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no test case {id}; have {:?}", ids(e)))
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.tests.iter().map(|t| t.id.as_str()).collect()
}

fn warnings(e: &Evidence) -> &[String] {
    &e.files[0].warnings
}

fn count(e: &Evidence, status: TestStatus) -> usize {
    e.tests.iter().filter(|t| t.status == status).count()
}

fn malformed_line(err: &Error) -> Option<u64> {
    match err {
        Error::Malformed { position, .. } => position.line,
        other => panic!("expected Error::Malformed, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Detection

#[test]
fn formats_are_detected_from_content_not_names() {
    let cases = [
        (
            "tests/fixtures/handmade/junit-surefire-flaky.xml",
            EvidenceKind::Tests,
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/junit-gtest-notrun.xml",
            EvidenceKind::Tests,
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/cobertura-split-class.xml",
            EvidenceKind::Coverage,
            Format::Cobertura,
        ),
        (
            "tests/fixtures/handmade/sarif-awkward.sarif",
            EvidenceKind::Findings,
            Format::Sarif,
        ),
        (
            "tests/fixtures/handmade/pip-audit-skip.json",
            EvidenceKind::Vulnerabilities,
            Format::PipAudit,
        ),
        (
            "tests/fixtures/handmade/pip-audit-legacy.json",
            EvidenceKind::Vulnerabilities,
            Format::PipAudit,
        ),
    ];
    for (rel, kind, format) in cases {
        let e = fixture(rel, kind);
        assert_eq!(e.files[0].format, format, "{rel}");
        assert_eq!(e.files[0].sha256.len(), 64);
    }
}

#[test]
fn json_that_is_not_sarif_is_an_unknown_format() {
    let err = try_fixture(
        "tests/fixtures/handmade/not-sarif.json",
        EvidenceKind::Findings,
    )
    .expect_err("a package.json is not SARIF");
    match err {
        Error::UnknownFormat { detected, .. } => assert_eq!(
            detected,
            "JSON object with keys name, version, scripts, devDependencies"
        ),
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
}

#[test]
fn xml_with_another_root_is_an_unknown_format() {
    let err = try_bytes(
        "pom.xml",
        b"<?xml version=\"1.0\"?>\n<project><modelVersion>4.0.0</modelVersion></project>",
        EvidenceKind::Tests,
        None,
    )
    .expect_err("a pom is not JUnit");
    match err {
        Error::UnknownFormat { detected, .. } => {
            assert_eq!(detected, "XML with root element <project>")
        }
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
}

#[test]
fn a_forced_format_with_the_wrong_root_names_what_was_expected() {
    let err = try_bytes(
        "pom.xml",
        b"<project/>",
        EvidenceKind::Tests,
        Some(Format::Junit),
    )
    .expect_err("a pom is not JUnit");
    let text = err.to_string();
    assert!(
        text.contains("expected <testsuite> or <testsuites> as the root element, found <project>"),
        "{text}"
    );
}

#[test]
fn a_file_of_another_kind_is_refused_with_the_right_kind() {
    let err = try_fixture(
        "tests/fixtures/handmade/cobertura-split-class.xml",
        EvidenceKind::Tests,
    )
    .expect_err("coverage listed as tests");
    assert!(
        matches!(
            err,
            Error::WrongKind {
                actual: EvidenceKind::Coverage,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn non_utf8_garbage_is_an_error_not_a_panic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for kind in [
        EvidenceKind::Tests,
        EvidenceKind::Coverage,
        EvidenceKind::Findings,
        EvidenceKind::Vulnerabilities,
    ] {
        let err = try_bytes("garbage.bin", &garbage, kind, None).expect_err("garbage");
        assert!(matches!(err, Error::UnknownFormat { .. }), "{err:?}");
    }
    for format in [
        Format::Junit,
        Format::Cobertura,
        Format::Sarif,
        Format::PipAudit,
    ] {
        let err = try_bytes("garbage.bin", &garbage, format.kind(), Some(format))
            .expect_err("garbage forced into a format");
        assert!(matches!(err, Error::Malformed { .. }), "{format}: {err:?}");
    }
}

/// A one-case JUnit file with `declaration` and a failure message of `message` bytes.
fn junit_with(declaration: &str, name: &[u8], message: &[u8]) -> Vec<u8> {
    let mut xml =
        format!("{declaration}\n<testsuite name=\"pump\" tests=\"1\" failures=\"1\">").into_bytes();
    xml.extend_from_slice(b"<testcase classname=\"PumpTest\" name=\"");
    xml.extend_from_slice(name);
    xml.extend_from_slice(b"\"><failure message=\"");
    xml.extend_from_slice(message);
    xml.extend_from_slice(b"\">x</failure></testcase></testsuite>\n");
    xml
}

#[test]
fn xml_declared_latin1_or_windows_1252_is_decoded_as_declared() {
    // CppUnit's XmlOutputter, older Ant and .NET writers declare
    // ISO-8859-1 / windows-1252 and write those bytes.
    let xml = junit_with(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\" ?>",
        b"testD\xe9bit",
        b"D\xe9bit \x80 5 \x93hors plage\x94",
    );
    let e = try_bytes("cppunit.xml", &xml, EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests[0].id, "PumpTest::testDébit");
    assert_eq!(
        e.tests[0].message.as_deref(),
        Some("Débit € 5 “hors plage”")
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // Cobertura's file names go through the same decoding.
    let cobertura = b"<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<coverage lines-valid=\"1\" \
        lines-covered=\"1\" line-rate=\"1\" branch-rate=\"0\" version=\"1\"><packages><package \
        name=\"p\"><classes><class name=\"d\" filename=\"src/d\xe9bit.c\"><lines><line number=\"1\" \
        hits=\"1\"/></lines></class></classes></package></packages></coverage>\n";
    let e = try_bytes("coverage.xml", cobertura, EvidenceKind::Coverage, None).expect("loads");
    assert_eq!(e.coverage[0].path, "src/débit.c");
}

#[test]
fn utf8_text_under_a_latin1_declaration_is_read_as_utf8() {
    // CppUnit declares ISO-8859-1 but writes the UTF-8 of its sources.
    let xml = junit_with(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
        "testDébit".as_bytes(),
        "Débit".as_bytes(),
    );
    let e = try_bytes("cppunit.xml", &xml, EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests[0].id, "PumpTest::testDébit");
    assert_eq!(e.tests[0].message.as_deref(), Some("Débit"));
}

#[test]
fn bytes_that_are_not_utf8_under_another_declaration_are_replaced_and_the_encoding_named() {
    let xml = junit_with(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>",
        b"testRate",
        b"P\xf8\xedtok",
    );
    let e = try_bytes("report.xml", &xml, EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests[0].message.as_deref(), Some("P\u{FFFD}\u{FFFD}tok"));
    assert_eq!(
        warnings(&e),
        [
            "the file declares encoding=\"iso-8859-2\", which regops does not decode, and has bytes \
          that are not valid UTF-8; they were replaced with U+FFFD (write the report as UTF-8)"
        ]
    );
    // Undeclared: XML's default is UTF-8.
    let xml = junit_with("<?xml version=\"1.0\"?>", b"testRate", b"D\xe9bit");
    let e = try_bytes("report.xml", &xml, EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests[0].message.as_deref(), Some("D\u{FFFD}bit"));
    assert_eq!(
        warnings(&e),
        ["the file has bytes that are not valid UTF-8; they were replaced with U+FFFD"]
    );
}

#[test]
fn an_empty_file_is_described_as_empty() {
    let err = try_bytes("empty.xml", b"", EvidenceKind::Tests, None).expect_err("empty");
    match err {
        Error::UnknownFormat { detected, .. } => assert_eq!(detected, "empty file"),
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// JUnit: hand-made dialect cases

#[test]
fn surefire_reruns_make_flaky_passes_and_persistent_failures() {
    let e = fixture(
        "tests/fixtures/handmade/junit-surefire-flaky.xml",
        EvidenceKind::Tests,
    );
    assert_eq!(e.tests.len(), 5);
    let suite = "com.example.pump.InfusionPumpTest";

    let flaky = case(&e, &format!("{suite}::flowRateIsStable"));
    assert_eq!(flaky.status, TestStatus::Passed);
    assert!(flaky.flaky);
    assert_eq!(
        flaky.message.as_deref(),
        Some("expected: <5.0> but was: <5.1>")
    );
    assert_eq!(flaky.duration_ms, Some(512));

    // Failed on the first run and on every rerun.
    let failed = case(&e, &format!("{suite}::occlusionAlarmLatency"));
    assert_eq!(failed.status, TestStatus::Failed);
    assert!(!failed.flaky);
    assert_eq!(
        failed.message.as_deref(),
        Some("alarm after 2300 ms, limit 2000 ms")
    );
    // "1,001.25" seconds: a thousands separator.
    assert_eq!(failed.duration_ms, Some(1_001_250));

    // flakyError without a message: the first line of its text.
    let flaky_error = case(&e, &format!("{suite}::bolusLimit"));
    assert_eq!(flaky_error.status, TestStatus::Passed);
    assert!(flaky_error.flaky);
    assert_eq!(
        flaky_error.message.as_deref(),
        Some("java.lang.NullPointerException")
    );

    let errored = case(&e, &format!("{suite}::batteryMonitor"));
    assert_eq!(errored.status, TestStatus::Errored);
    assert_eq!(
        errored.message.as_deref(),
        Some("Cannot invoke \"Battery.level()\" because \"battery\" is null")
    );

    let skipped = case(&e, &format!("{suite}::wirelessSync"));
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("requires the hospital network simulator")
    );
    assert_eq!(skipped.duration_ms, Some(0));

    // The declared counts agree with the cases, so nothing to report.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert!(e.tests.iter().all(|t| t.source.is_none()));
    assert!(
        e.tests
            .iter()
            .all(|t| t.evidence == "tests/fixtures/handmade/junit-surefire-flaky.xml")
    );
}

#[test]
fn gtest_notrun_and_skipped_results_are_skips() {
    let e = fixture(
        "tests/fixtures/handmade/junit-gtest-notrun.xml",
        EvidenceKind::Tests,
    );
    assert_eq!(e.tests.len(), 4);
    assert_eq!(case(&e, "DoseMath::AddsDoses").status, TestStatus::Passed);

    let disabled = case(&e, "DoseMath::DISABLED_Calibrates");
    assert_eq!(disabled.status, TestStatus::Skipped);
    let source = disabled
        .source
        .as_ref()
        .expect("gtest records file and line");
    assert_eq!(source.file, "test/dose_math_test.cc");
    assert_eq!(source.line, Some(20));

    let skipped = case(&e, "DoseMath::NeedsPumpHardware");
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("test/dose_math_test.cc:26\nno pump attached")
    );

    let failed = case(&e, "DoseMath::RejectsNegativeDose");
    assert_eq!(failed.status, TestStatus::Failed);
    assert!(
        failed
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("test/dose_math_test.cc:32\nExpected equality"))
    );

    // skipped="1" disabled="1" on the suite match the two skips; the root has
    // no `skipped`, so its skip count is not checked.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn nested_suites_name_cases_by_the_nearest_suite_and_aggregate_counts() {
    let e = fixture(
        "tests/fixtures/handmade/junit-nested-suites.xml",
        EvidenceKind::Tests,
    );
    assert_eq!(
        ids(&e),
        [
            "pump.Bolus::delivers a bolus",
            "pump.Bolus::refuses an overdose",
            "integration.Smoke::boots",
            "deeper::leaf",
            "deeper::leaf skipped",
        ]
    );
    let overdose = case(&e, "pump.Bolus::refuses an overdose");
    assert_eq!(overdose.suite, "pump.Bolus");
    assert_eq!(overdose.name, "refuses an overdose");
    assert_eq!(overdose.status, TestStatus::Failed);
    assert_eq!(
        overdose.message.as_deref(),
        Some("delivered 12 ml, limit 10 ml")
    );
    assert_eq!(case(&e, "integration.Smoke::boots").duration_ms, None);
    // "1,5" seconds: a decimal comma.
    assert_eq!(case(&e, "deeper::leaf").duration_ms, Some(1500));
    let skipped = case(&e, "deeper::leaf skipped");
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(skipped.message, None);
    // tests="5" on <integration> and the root count the nested cases too.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn failures_recorded_on_a_suite_become_a_case_named_after_it() {
    let e = fixture(
        "tests/fixtures/handmade/junit-suite-level-failure.xml",
        EvidenceKind::Tests,
    );
    assert_eq!(e.tests.len(), 3);
    let import = case(&e, "tests.test_pump_import::tests.test_pump_import");
    assert_eq!(import.status, TestStatus::Errored);
    assert_eq!(
        import.message.as_deref(),
        Some("ImportError while importing test module tests/test_pump_import.py")
    );
    let selftest = case(&e, "firmware_selftest::firmware_selftest");
    assert_eq!(selftest.status, TestStatus::Failed);
    assert_eq!(
        selftest.message.as_deref(),
        Some("selftest exited with code 3")
    );
    assert_eq!(
        case(&e, "tests.test_ok::test_works").status,
        TestStatus::Passed
    );
    assert_eq!(
        warnings(&e),
        [
            "testsuite 'tests.test_pump_import' records an error outside any test case; it is \
             reported as test case 'tests.test_pump_import::tests.test_pump_import' with status errored",
            "testsuite 'firmware_selftest' records a failure outside any test case; it is \
             reported as test case 'firmware_selftest::firmware_selftest' with status failed",
        ]
    );
}

#[test]
fn requirement_ids_come_from_properties_and_the_configured_pattern() {
    let e = fixture(
        "tests/fixtures/handmade/junit-property-requirements.xml",
        EvidenceKind::Tests,
    );
    // Several ids in one value, separated by commas, semicolons and spaces,
    // duplicates dropped; then the suite's `Verifies` property (name compared
    // without case).
    assert_eq!(
        case(&e, "tests.test_pump::test_bolus_limit").requirements,
        ["REQ-001", "REQ-002", "REQ-003", "SRS-9"]
    );
    // pytest's record_property with a Python list.
    assert_eq!(
        case(&e, "tests.test_pump::test_python_list").requirements,
        ["REQ-004", "REQ-005", "SRS-9"]
    );
    // The value as element text; a property of another name is not a requirement.
    assert_eq!(
        case(&e, "tests.test_pump::test_text_value").requirements,
        ["REQ-006", "SRS-9"]
    );
    // The default pattern finds ids in the name, then in the classname.
    assert_eq!(
        case(
            &e,
            "tests.RC-12.alarms::test REQ-007 and REQ-001 in the name"
        )
        .requirements,
        ["SRS-9", "REQ-007", "REQ-001", "RC-12"]
    );
    let located = case(&e, "tests.test_pump::test_bolus_limit")
        .source
        .clone()
        .expect("file attribute");
    assert_eq!(located.file, "tests/test_pump.py");
    // A suite named `pytest`: pytest's 0-based line="10" is line 11.
    assert_eq!(located.line, Some(11));
}

#[test]
fn requirement_property_names_come_from_the_options() {
    let options = Options {
        requirement_properties: vec!["owner".to_string()],
        ..Options::default()
    };
    let rel = "tests/fixtures/handmade/junit-property-requirements.xml";
    let e = load(
        &[input(repo().join(rel), rel, EvidenceKind::Tests, None)],
        &options,
    )
    .expect("loads");
    assert_eq!(
        case(&e, "tests.test_pump::test_text_value").requirements,
        ["REQ-999"]
    );
    assert!(
        case(&e, "tests.test_pump::test_bolus_limit")
            .requirements
            .is_empty()
    );
}

#[test]
fn summary_counts_that_disagree_are_overridden_by_the_cases_with_one_warning() {
    let e = fixture(
        "tests/fixtures/handmade/junit-count-mismatch.xml",
        EvidenceKind::Tests,
    );
    assert_eq!(e.tests.len(), 6);
    assert_eq!(count(&e, TestStatus::Failed), 1);
    assert_eq!(
        warnings(&e),
        [
            "testsuite 'x' says tests=5 failures=0 errors=0 but 6 cases (1 failed, 0 errored, 0 skipped) \
          were found; the counted values are used"
        ]
    );
}

#[test]
fn a_report_without_cases_is_empty_with_a_warning() {
    let e = fixture(
        "tests/fixtures/handmade/junit-empty.xml",
        EvidenceKind::Tests,
    );
    assert!(e.tests.is_empty());
    assert_eq!(warnings(&e), ["the report holds no test cases"]);
}

#[test]
fn truncated_xml_is_malformed_at_a_line() {
    let err = try_fixture(
        "tests/fixtures/handmade/junit-truncated.xml",
        EvidenceKind::Tests,
    )
    .expect_err("truncated");
    assert_eq!(malformed_line(&err), Some(7));
    let text = err.to_string();
    assert!(text.contains("junit-truncated.xml:7:"), "{text}");
    assert!(
        text.contains("the file ends inside <failure> (truncated?)"),
        "{text}"
    );
}

#[test]
fn a_doctype_declaring_entities_is_refused() {
    // The error points at the first <!ENTITY declaration.
    let err = try_fixture(
        "tests/fixtures/handmade/junit-billion-laughs.xml",
        EvidenceKind::Tests,
    )
    .expect_err("entities are refused");
    assert_eq!(malformed_line(&err), Some(3));
    assert!(
        err.to_string().contains("the DOCTYPE declares entities"),
        "{err}"
    );
}

#[test]
fn undeclared_entities_are_refused() {
    let err = try_bytes(
        "entity.xml",
        b"<testsuite name=\"s\">\n<testcase classname=\"c\" name=\"&bogus;\"/>\n</testsuite>",
        EvidenceKind::Tests,
        None,
    )
    .expect_err("undeclared entity");
    assert_eq!(malformed_line(&err), Some(2));
    assert!(
        err.to_string()
            .contains("in attribute 'name' of <testcase>"),
        "{err}"
    );
}

#[test]
fn mismatched_end_tags_are_malformed_at_their_line() {
    let err = try_bytes(
        "mismatch.xml",
        b"<testsuite name=\"s\">\n<testcase name=\"a\">\n</testsuite>",
        EvidenceKind::Tests,
        None,
    )
    .expect_err("mismatched end tag");
    assert_eq!(malformed_line(&err), Some(3));
    assert!(err.to_string().contains("invalid XML"), "{err}");
}

#[test]
fn deeply_nested_suites_are_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let mut xml = String::with_capacity(depth * 30);
    for _ in 0..depth {
        xml.push_str("<testsuite name=\"n\">");
    }
    for _ in 0..depth {
        xml.push_str("</testsuite>");
    }
    let err =
        try_bytes("deep.xml", xml.as_bytes(), EvidenceKind::Tests, None).expect_err("too deep");
    assert!(err.to_string().contains("nested more than"), "{err}");
}

#[test]
fn a_utf8_bom_and_declaration_are_accepted() {
    let e = try_bytes(
        "bom.xml",
        b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"s\"><testcase classname=\"c\" name=\"t\"/></testsuite>\n",
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    assert_eq!(ids(&e), ["c::t"]);
}

#[test]
fn error_positions_count_the_bom() {
    let err = try_bytes(
        "bom-broken.xml",
        b"\xEF\xBB\xBF<testsuite name=\"s\">\n\n<testcase name=\"t\" name=\"dup\"/></testsuite>",
        EvidenceKind::Tests,
        None,
    )
    .expect_err("duplicate attribute");
    assert_eq!(malformed_line(&err), Some(3));
}

#[test]
fn long_messages_are_cut_on_a_character_boundary() {
    let long = "é".repeat(2000);
    let xml = format!(
        "<testsuite name=\"s\"><testcase classname=\"c\" name=\"t\"><failure message=\"{long}\"/></testcase></testsuite>"
    );
    let e = try_bytes("long.xml", xml.as_bytes(), EvidenceKind::Tests, None).expect("loads");
    let message = e.tests[0].message.as_deref().expect("message");
    assert_eq!(message.chars().count(), 501); // 500 characters and an ellipsis
    assert!(message.ends_with('…'));
}

#[test]
fn one_hundred_thousand_generated_cases_parse() {
    let n = 100_000;
    let mut xml = String::with_capacity(n * 120);
    xml.push_str(
        "<?xml version=\"1.0\"?>\n<testsuites>\n<testsuite name=\"big\" tests=\"100000\">\n",
    );
    for i in 0..n {
        if i % 1000 == 0 {
            xml.push_str(&format!(
                "<testcase classname=\"big.Module{}\" name=\"test_{i}\" time=\"0.001\"><failure message=\"m{i}\">trace</failure><system-out>out</system-out></testcase>\n",
                i % 7
            ));
        } else {
            xml.push_str(&format!(
                "<testcase classname=\"big.Module{}\" name=\"test_{i}\" time=\"0.001\"/>\n",
                i % 7
            ));
        }
    }
    xml.push_str("</testsuite>\n</testsuites>\n");
    let e = try_bytes("big.xml", xml.as_bytes(), EvidenceKind::Tests, None).expect("loads");
    assert_eq!(e.tests.len(), n);
    assert_eq!(count(&e, TestStatus::Failed), 100);
    assert_eq!(e.tests[99_999].id, "big.Module4::test_99999");
    assert_eq!(e.tests[5000].message.as_deref(), Some("m5000"));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// JUnit: real tool output

#[test]
fn pytest_xunit1_report() {
    let rel = "tests/fixtures/pytest-failing/junit.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::Junit);
    assert_eq!(e.tests.len(), 36);
    assert_eq!(count(&e, TestStatus::Failed), 1);
    assert_eq!(count(&e, TestStatus::Errored), 1);
    assert_eq!(count(&e, TestStatus::Skipped), 1);

    let failed = case(
        &e,
        "tests.test_alarms::test_normal_range_inclusive_bounds[120]",
    );
    assert_eq!(failed.status, TestStatus::Failed);
    assert!(
        failed
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("AssertionError: assert"))
    );
    let source = failed
        .source
        .as_ref()
        .expect("xunit1 records file and line");
    assert_eq!(source.file, "tests/test_alarms.py");
    // pytest writes line="14", 0-based: the decorator on line 15.
    assert_eq!(source.line, Some(15));

    let errored = case(
        &e,
        "tests.test_monitor::test_req_007_calibrated_monitor_rate",
    );
    assert_eq!(errored.status, TestStatus::Errored);
    assert!(
        errored
            .message
            .as_deref()
            .is_some_and(|m| m.contains("sensor calibration file not found"))
    );

    let skipped = case(
        &e,
        "tests.test_monitor::test_req_008_alarm_latency_on_hardware",
    );
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("needs the ECG simulator bench (HIL)")
    );

    // record_property("requirements", ...) inside the testcase.
    assert_eq!(
        case(&e, "tests.test_alarms::test_req_002_alarm_on_bradycardia").requirements,
        ["REQ-002"]
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn pytest_xunit2_report_has_no_source_locations() {
    let rel = "tests/fixtures/pytest-xunit2/junit.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Tests);
    assert_eq!(e.tests.len(), 36);
    assert!(e.tests.iter().all(|t| t.source.is_none()));
    assert_eq!(count(&e, TestStatus::Failed), 1);
    assert_eq!(count(&e, TestStatus::Errored), 1);
    assert_eq!(count(&e, TestStatus::Skipped), 1);
    assert_eq!(
        case(&e, "tests.test_alarms::test_pediatric_thresholds").requirements,
        ["REQ-005"]
    );
}

#[test]
fn nextest_report() {
    let rel = "tests/fixtures/nextest/junit.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Tests);
    assert_eq!(e.tests.len(), 3);
    let failed = case(&e, "nextest-demo::tests::req_020_no_alarm_at_threshold");
    assert_eq!(failed.suite, "nextest-demo");
    assert_eq!(failed.name, "tests::req_020_no_alarm_at_threshold");
    assert_eq!(failed.status, TestStatus::Failed);
    assert!(
        failed
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("thread 'tests::req_020_no_alarm_at_threshold'"))
    );
    assert!(failed.source.is_none());
    assert_eq!(
        case(&e, "nextest-demo::tests::bpm_regular_rhythm").status,
        TestStatus::Passed
    );
    // One <testsuite> per test binary; classname repeats the binary id.
    assert_eq!(
        case(&e, "nextest-demo::rate::bpm_empty_is_none").suite,
        "nextest-demo::rate"
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn jest_junit_report() {
    let rel = "tests/fixtures/jest/junit.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Tests);
    assert_eq!(e.tests.len(), 3);
    assert_eq!(count(&e, TestStatus::Failed), 1);
    let failed = e
        .tests
        .iter()
        .find(|t| t.status == TestStatus::Failed)
        .expect("one failure");
    // jest-junit writes the failure without a message attribute: first line of the text.
    assert_eq!(
        failed.message.as_deref(),
        Some("Error: expect(received).toBe(expected) // Object.is equality")
    );
    // Requirement ids in jest test titles match the default pattern.
    assert_eq!(failed.requirements, ["REQ-031"]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn example_project_junit_loads() {
    let rel = "examples/cardiosense/evidence/junit.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Tests);
    assert!(!e.tests.is_empty());
    assert!(
        e.tests
            .iter()
            .all(|t| t.id == format!("{}::{}", t.suite, t.name))
    );
}

// ---------------------------------------------------------------------------
// Cobertura

#[test]
fn cobertura_classes_sharing_a_file_are_merged_by_line() {
    let e = fixture(
        "tests/fixtures/handmade/cobertura-split-class.xml",
        EvidenceKind::Coverage,
    );
    let paths: Vec<&str> = e.coverage.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "com/example/pump/Pump.java",
            "/abs/src/com/example/pump/Alarm.java"
        ]
    );

    // Lines 1, 2, 3, 4 and 10, 11 of the inner class; method lines (900) ignored.
    // Line 2 is covered by the inner class; hits="-1" does not cover; a hit
    // count beyond u64 does.
    let pump = &e.coverage[0];
    assert_eq!((pump.lines.covered, pump.lines.total), (4, 6));
    // Line 3: 1/2 in one class and 2/2 in the other: the larger counts.
    let branches = pump.branches.expect("branches measured");
    assert_eq!((branches.covered, branches.total), (2, 2));

    // A line number of 4294967295 is just another line.
    let alarm = &e.coverage[1];
    assert_eq!((alarm.lines.covered, alarm.lines.total), (1, 2));
    let branches = alarm.branches.expect("branches measured");
    assert_eq!((branches.covered, branches.total), (0, 4));

    assert_eq!(
        warnings(&e),
        [
            "the <coverage> root says lines-covered=5 lines-valid=10 but the <line> elements give 5 of 8 \
          (after merging classes that share a file); the counted values are used"
        ]
    );
    assert_eq!(
        e.coverage[0].evidence,
        "tests/fixtures/handmade/cobertura-split-class.xml"
    );
}

#[test]
fn cobertura_without_branch_data_has_no_branches() {
    let e = fixture(
        "tests/fixtures/handmade/cobertura-no-branches.xml",
        EvidenceKind::Coverage,
    );
    assert_eq!(e.coverage.len(), 1);
    assert_eq!(e.coverage[0].path, "dose.py");
    assert_eq!(
        (e.coverage[0].lines.covered, e.coverage[0].lines.total),
        (3, 4)
    );
    assert_eq!(e.coverage[0].branches, None);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn coverage_py_report() {
    let rel = "tests/fixtures/pytest-failing/coverage.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::Cobertura);
    let paths: Vec<&str> = e.coverage.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "src/cardiosense/__init__.py",
            "src/cardiosense/alarms.py",
            "src/cardiosense/monitor.py",
            "src/cardiosense/rr.py",
            "src/cardiosense/validation.py",
        ]
    );
    // The root's totals agree with the per-line counts: no warning.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // A branch-measuring report gives every file branch counts, even 0 of 0.
    assert!(e.coverage.iter().all(|c| c.branches.is_some()));
    let init = &e.coverage[0];
    assert_eq!((init.lines.covered, init.lines.total), (6, 6));
    assert_eq!(init.branches.map(|b| b.total), Some(0));
}

#[test]
fn coverage_py_low_coverage_report() {
    let rel = "tests/fixtures/low-coverage/coverage.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Coverage);
    let monitor = e
        .coverage
        .iter()
        .find(|c| c.path == "src/cardiosense/monitor.py")
        .expect("monitor.py");
    assert!(monitor.lines.covered < monitor.lines.total / 2);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn example_project_coverage_loads() {
    let rel = "examples/cardiosense/evidence/coverage.xml";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Coverage);
    assert!(!e.coverage.is_empty());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn truncated_cobertura_is_malformed() {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/handmade/cobertura-split-class.xml"))
            .expect("fixture");
    let cut = text
        .find("<class name=\"com.example.pump.Alarm\"")
        .expect("marker");
    let err = try_bytes(
        "cut.xml",
        &text.as_bytes()[..cut],
        EvidenceKind::Coverage,
        None,
    )
    .expect_err("truncated");
    assert!(malformed_line(&err).is_some());
    assert!(
        err.to_string().contains("the file ends inside <classes>"),
        "{err}"
    );
}

#[test]
fn a_million_line_elements_are_counted() {
    // 20 files of 50k lines (the parser's cost per line is constant; a debug
    // build makes more a slow test rather than a stronger one).
    let files = 20;
    let lines = 50_000;
    let mut xml = String::with_capacity(files * lines * 40);
    xml.push_str("<coverage line-rate=\"0.5\"><packages><package name=\"p\"><classes>\n");
    for f in 0..files {
        xml.push_str(&format!(
            "<class name=\"c{f}\" filename=\"src/f{f}.c\"><lines>\n"
        ));
        for n in 1..=lines {
            xml.push_str(&format!("<line number=\"{n}\" hits=\"{}\"/>\n", n % 2));
        }
        xml.push_str("</lines></class>\n");
    }
    xml.push_str("</classes></package></packages></coverage>\n");
    let e = try_bytes("huge.xml", xml.as_bytes(), EvidenceKind::Coverage, None).expect("loads");
    assert_eq!(e.coverage.len(), files);
    assert!(
        e.coverage
            .iter()
            .all(|c| c.lines.total == lines as u64 && c.lines.covered == lines as u64 / 2)
    );
}

// ---------------------------------------------------------------------------
// SARIF

#[test]
fn sarif_levels_rules_messages_and_suppressions() {
    let e = fixture(
        "tests/fixtures/handmade/sarif-awkward.sarif",
        EvidenceKind::Findings,
    );
    assert_eq!(e.findings.len(), 8);
    let f = &e.findings;

    // ruleIndex → the rule's default level, messageStrings with arguments,
    // artifact index → uri, first of several locations, CodeQL's line hash
    // preferred among partial fingerprints.
    assert_eq!(f[0].tool, "PyScan");
    assert_eq!(f[0].rule, "PY001");
    assert_eq!(f[0].level, FindingLevel::Error);
    assert_eq!(f[0].message, "Use of eval at line 3");
    assert_eq!(f[0].security_severity, Some(8.8));
    let location = f[0].location.as_ref().expect("location");
    assert_eq!(
        (location.file.as_str(), location.line, location.column),
        ("src/b.py", Some(3), Some(5))
    );
    assert_eq!(
        f[0].fingerprint.as_deref(),
        Some("primaryLocationLineHash=abc:1")
    );
    assert_eq!(f[0].baseline, BaselineState::Unknown);
    assert!(f[0].suppressions.is_empty());

    // kind "pass" without a level → none, whatever the rule's default.
    assert_eq!(f[1].level, FindingLevel::None);
    assert_eq!(f[1].location, None);

    // No kind, no level → the rule's defaultConfiguration.level.
    assert_eq!(f[2].level, FindingLevel::Note);
    assert_eq!(f[2].baseline, BaselineState::Unchanged);
    assert_eq!(f[2].fingerprint.as_deref(), Some("v1=f1"));

    // A rule without defaultConfiguration → warning; markdown-only message;
    // security-severity as a string on the result wins over the rule's.
    assert_eq!(f[3].level, FindingLevel::Warning);
    assert_eq!(f[3].message, "**hard-coded** key");
    assert_eq!(f[3].security_severity, Some(7.5));
    assert_eq!(f[3].suppressions.len(), 1);
    assert_eq!(f[3].suppressions[0].kind, "inSource");
    assert_eq!(f[3].suppressions[0].status, SuppressionStatus::Accepted);
    assert_eq!(
        f[3].suppressions[0].justification.as_deref(),
        Some("test key, reviewed in RA-12")
    );
    assert!(f[3].is_suppressed());

    // An explicit level wins; placeholders in text; file:// and %20 decoded.
    assert_eq!(f[4].level, FindingLevel::Warning);
    assert_eq!(f[4].message, "x is y {literally}");
    assert_eq!(f[4].baseline, BaselineState::New);
    assert_eq!(
        f[4].location.as_ref().map(|l| l.file.as_str()),
        Some("/repo/src/a b.py")
    );
    assert_eq!(f[4].location.as_ref().and_then(|l| l.line), None);
    assert_eq!(f[4].suppressions[0].status, SuppressionStatus::UnderReview);
    assert!(!f[4].is_suppressed());

    // A rule of a tool extension; message from the extension's globalMessageStrings.
    assert_eq!(f[5].rule, "EXT1");
    assert_eq!(f[5].level, FindingLevel::Error);
    assert_eq!(f[5].message, "AWS secret found");
    assert_eq!(f[5].security_severity, Some(9.1));
    assert_eq!(f[5].suppressions[0].status, SuppressionStatus::Rejected);
    assert!(!f[5].is_suppressed());

    // Second run: ruleIndex past the rules falls back to the id; uriBaseId kept relative.
    assert_eq!(f[6].tool, "Second");
    assert_eq!(f[6].rule, "S1");
    assert_eq!(f[6].level, FindingLevel::Warning);
    let location = f[6].location.as_ref().expect("location");
    assert_eq!(
        (location.file.as_str(), location.line),
        ("lib/x.js", Some(10))
    );

    // An artifact index resolved although the artifacts follow the results.
    let location = f[7].location.as_ref().expect("location");
    assert_eq!(
        (location.file.as_str(), location.line, location.column),
        ("lib/y.js", Some(7), Some(2))
    );

    assert_eq!(
        warnings(&e),
        [
            "the run of PyScan has ruleConfigurationOverrides, which regops does not apply; levels \
             come from the results and the rules' defaultConfiguration",
            "1 result(s) have a ruleIndex beyond the tool's rules; their rule is looked up by id",
        ]
    );
}

#[test]
fn sarif_other_versions_are_refused() {
    let err = try_fixture(
        "tests/fixtures/handmade/sarif-version-2.0.sarif",
        EvidenceKind::Findings,
    )
    .expect_err("2.0.0");
    assert!(
        err.to_string()
            .contains("SARIF version 2.0.0 is not supported; regops reads 2.1.0"),
        "{err}"
    );
    assert_eq!(malformed_line(&err), Some(3));
}

#[test]
fn sarif_levels_outside_the_vocabulary_are_errors_naming_the_value() {
    let err = try_fixture(
        "tests/fixtures/handmade/sarif-bad-level.sarif",
        EvidenceKind::Findings,
    )
    .expect_err("critical is not a level");
    assert!(
        err.to_string()
            .contains("`critical` is not a SARIF level; expected error, warning, note or none"),
        "{err}"
    );
    assert_eq!(malformed_line(&err), Some(8));
}

#[test]
fn sarif_without_runs_is_malformed() {
    let err = try_bytes(
        "noruns.sarif",
        br#"{"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json"}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect_err("no runs");
    assert!(err.to_string().contains("no \"runs\" array"), "{err}");
}

#[test]
fn sarif_deep_nesting_does_not_overflow_the_stack() {
    // Deeply nested values where regops reads nothing are skipped iteratively.
    let depth = 100_000;
    let mut json = String::from(
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[],"properties":"#,
    );
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push_str("}]}");
    let e = try_bytes("deep.sarif", json.as_bytes(), EvidenceKind::Findings, None).expect("loads");
    assert!(e.findings.is_empty());

    // Where a value is read, nesting is a type error at once.
    let mut json = String::from(
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":"#,
    );
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push_str("}]}]}");
    let err =
        try_bytes("deep2.sarif", json.as_bytes(), EvidenceKind::Findings, None).expect_err("deep");
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
}

#[test]
fn bandit_sarif_report() {
    let rel = "tests/fixtures/bandit-high/bandit.sarif";
    if !present(rel) {
        return;
    }
    // Bandit writes "runs" first and "version" last.
    let e = fixture(rel, EvidenceKind::Findings);
    assert_eq!(e.files[0].format, Format::Sarif);
    assert!(!e.findings.is_empty());
    assert!(e.findings.iter().all(|f| f.tool == "Bandit"));
    let b602 = e
        .findings
        .iter()
        .find(|f| f.rule == "B602")
        .expect("B602 shell=True");
    assert_eq!(b602.level, FindingLevel::Error);
    let location = b602.location.as_ref().expect("location");
    assert_eq!(location.file, "src/firmware_tool/upload.py");
    assert!(location.line.is_some());
    assert!(e.findings.iter().any(|f| f.level == FindingLevel::Note));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn eslint_sarif_report() {
    let rel = "tests/fixtures/eslint/eslint.sarif";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Findings);
    assert!(e.findings.iter().all(|f| f.tool == "ESLint"));
    let undef = e
        .findings
        .iter()
        .find(|f| f.rule == "no-undef")
        .expect("no-undef");
    assert_eq!(undef.level, FindingLevel::Error);
    // ESLint writes absolute file:// URIs.
    let location = undef.location.as_ref().expect("location");
    assert!(
        location.file.starts_with('/') && location.file.ends_with("src/display.js"),
        "{}",
        location.file
    );
    assert!(location.line.is_some() && location.column.is_some());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn semgrep_sarif_levels_come_from_the_rules() {
    let rel = "tests/fixtures/semgrep-error/semgrep.sarif";
    if !present(rel) {
        return;
    }
    // Minified, results before the tool, no level and no ruleIndex.
    let e = fixture(rel, EvidenceKind::Findings);
    assert_eq!(e.findings.len(), 2);
    let shell = e
        .findings
        .iter()
        .find(|f| f.rule == "subprocess-shell-true")
        .expect("shell=True finding");
    assert_eq!(shell.level, FindingLevel::Error);
    let location = shell.location.as_ref().expect("location");
    assert_eq!(
        (location.file.as_str(), location.line, location.column),
        ("src/therapy.py", Some(6), Some(12))
    );
    // "requires login" is semgrep's placeholder, not a fingerprint.
    assert_eq!(shell.fingerprint, None);
    let print = e
        .findings
        .iter()
        .find(|f| f.rule == "print-left-in-code")
        .expect("print finding");
    assert_eq!(print.level, FindingLevel::Warning);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn example_project_sarif_loads() {
    let rel = "examples/cardiosense/evidence/bandit.sarif";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Findings);
    assert!(e.findings.iter().all(|f| !f.tool.is_empty()));
}

// ---------------------------------------------------------------------------
// pip-audit

#[test]
fn pip_audit_vulnerabilities_and_skipped_dependencies() {
    let e = fixture(
        "tests/fixtures/handmade/pip-audit-skip.json",
        EvidenceKind::Vulnerabilities,
    );
    let ids: Vec<&str> = e.vulnerabilities.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        ["PYSEC-2019-217", "GHSA-h5c8-rqwp-cp95", "PYSEC-2021-142"]
    );
    let v = &e.vulnerabilities[0];
    assert_eq!(v.package, "Jinja2");
    assert_eq!(v.version.as_deref(), Some("2.10"));
    assert_eq!(v.purl.as_deref(), Some("pkg:pypi/jinja2@2.10"));
    assert_eq!(v.aliases, ["CVE-2019-10906", "GHSA-462w-v97r-4m45"]);
    assert_eq!(v.fixed_versions, ["2.10.1"]);
    // pip-audit states no severity: unknown, the worst case for gates.
    assert_eq!(v.severity, Severity::Unknown);
    assert_eq!(v.cvss_score, None);
    assert_eq!(v.scanner, "pip-audit");
    assert_eq!(v.assessment, None);
    assert_eq!(v.evidence, "tests/fixtures/handmade/pip-audit-skip.json");
    assert_eq!(
        e.vulnerabilities[2].purl.as_deref(),
        Some("pkg:pypi/pyyaml@5.3.1")
    );
    assert_eq!(
        warnings(&e),
        [
            "pip-audit skipped cardiosense: Dependency not found on PyPI and could not be audited: cardiosense (0.1.0)"
        ]
    );
}

#[test]
fn pip_audit_legacy_bare_array() {
    let e = fixture(
        "tests/fixtures/handmade/pip-audit-legacy.json",
        EvidenceKind::Vulnerabilities,
    );
    assert_eq!(e.vulnerabilities.len(), 1);
    let v = &e.vulnerabilities[0];
    assert_eq!(
        (v.id.as_str(), v.package.as_str()),
        ("PYSEC-2021-108", "urllib3")
    );
    assert!(v.aliases.is_empty());
    assert_eq!(v.fixed_versions, ["1.26.5"]);
    assert!(warnings(&e).is_empty());
}

#[test]
fn pip_audit_with_every_dependency_skipped_says_nothing_was_audited() {
    let rel = "tests/fixtures/pip-audit-unreachable/pip-audit.json";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Vulnerabilities);
    assert_eq!(e.files[0].format, Format::PipAudit);
    assert!(e.vulnerabilities.is_empty());
    let w = warnings(&e);
    assert_eq!(
        w[0],
        "pip-audit audited none of the 8 dependencies (all were skipped), so this report says \
         nothing about their vulnerabilities"
    );
    assert_eq!(w.len(), 9);
    assert_eq!(
        w[1],
        "pip-audit skipped jinja2: Dependency not found on PyPI and could not be audited: jinja2 (2.10)"
    );
}

#[test]
fn pip_audit_real_report_with_vulnerabilities() {
    // Produced only when the vulnerability service is reachable (see
    // tests/fixtures/vulnerable/PROVENANCE.md).
    let rel = "tests/fixtures/vulnerable/pip-audit.json";
    if !present(rel) {
        return;
    }
    let e = fixture(rel, EvidenceKind::Vulnerabilities);
    assert!(!e.vulnerabilities.is_empty());
    for v in &e.vulnerabilities {
        assert_eq!(v.scanner, "pip-audit");
        assert_eq!(v.severity, Severity::Unknown);
        assert!(
            v.purl
                .as_deref()
                .is_some_and(|p| p.starts_with("pkg:pypi/"))
        );
    }
}

// ---------------------------------------------------------------------------
// Malformed real-world input

#[test]
fn a_junit_report_cut_inside_an_attribute_is_malformed() {
    let rel = "tests/fixtures/malformed/truncated-junit.xml";
    if !present(rel) {
        return;
    }
    let err = try_fixture(rel, EvidenceKind::Tests).expect_err("truncated");
    // The whole pytest report is one line after the declaration.
    assert_eq!(malformed_line(&err), Some(1));
    assert!(err.to_string().contains("malformed junit"), "{err}");
}

#[test]
fn a_package_json_is_not_sarif() {
    let rel = "tests/fixtures/malformed/not-sarif.json";
    if !present(rel) {
        return;
    }
    let err = try_fixture(rel, EvidenceKind::Findings).expect_err("not SARIF");
    match err {
        Error::UnknownFormat {
            detected,
            supported,
            ..
        } => {
            assert!(detected.starts_with("JSON object with keys "), "{detected}");
            assert_eq!(supported, "sarif");
        }
        other => panic!("expected UnknownFormat, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Robustness: every prefix of every fixture loads or fails cleanly.

#[test]
fn truncated_fixtures_never_panic() {
    let fixtures = [
        (
            "tests/fixtures/handmade/junit-surefire-flaky.xml",
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/junit-gtest-notrun.xml",
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/junit-nested-suites.xml",
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/junit-property-requirements.xml",
            Format::Junit,
        ),
        (
            "tests/fixtures/handmade/cobertura-split-class.xml",
            Format::Cobertura,
        ),
        ("tests/fixtures/handmade/sarif-awkward.sarif", Format::Sarif),
        (
            "tests/fixtures/handmade/pip-audit-skip.json",
            Format::PipAudit,
        ),
    ];
    for (rel, format) in fixtures {
        let bytes = std::fs::read(repo().join(rel)).expect("fixture");
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let prefix = &bytes[..cut];
            // Detected and forced, both must return rather than panic.
            let _ = try_bytes("prefix", prefix, format.kind(), None);
            let result = try_bytes("prefix", prefix, format.kind(), Some(format));
            if cut + 2 < bytes.len() {
                assert!(result.is_err(), "{rel} cut at {cut} should not parse");
            }
        }
    }
}

#[test]
fn truncated_json_says_the_file_ends_early() {
    let text =
        std::fs::read(repo().join("tests/fixtures/handmade/sarif-awkward.sarif")).expect("fixture");
    let err = try_bytes(
        "cut.sarif",
        &text[..text.len() / 2],
        EvidenceKind::Findings,
        None,
    )
    .expect_err("truncated");
    assert!(malformed_line(&err).is_some());
    assert!(
        err.to_string()
            .contains("the file ends early (truncated?): EOF while parsing"),
        "{err}"
    );
}

#[test]
fn cobertura_with_another_root_names_what_was_expected() {
    let err = try_bytes(
        "report.xml",
        b"<?xml version=\"1.0\"?>\n<report name=\"jacoco\"/>",
        EvidenceKind::Coverage,
        Some(Format::Cobertura),
    )
    .expect_err("JaCoCo is not Cobertura");
    // Positioned at the start of the offending element.
    let Error::Malformed { position, .. } = &err else {
        panic!("expected Malformed, got {err:?}");
    };
    assert_eq!((position.line, position.column), (Some(2), Some(1)));
    assert!(
        err.to_string()
            .contains("expected <coverage> as the root element, found <report>"),
        "{err}"
    );
}

#[test]
fn sarif_runs_that_did_not_complete_are_reported() {
    let e = try_bytes(
        "failed-run.sarif",
        br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scanner"}},
            "invocations": [{"executionSuccessful": false}], "results": null}]}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect("loads");
    // One error-level finding, so that no gate passes on a run that did
    // not analyse the code.
    assert_eq!(e.findings.len(), 1);
    assert_eq!(e.findings[0].rule, "regops/analysis-failed");
    assert_eq!(e.findings[0].level, FindingLevel::Error);
    assert_eq!(
        e.findings[0].message,
        "Scanner did not analyse the code: invocations[].executionSuccessful is false; \
         \"results\" is null"
    );
    assert_eq!(
        warnings(&e),
        [
            "the run of Scanner did not analyse the code (invocations[].executionSuccessful is \
             false; \"results\" is null); it is read as 1 error-level finding(s) \
             regops/analysis-failed",
        ]
    );

    let err = try_bytes(
        "null-runs.sarif",
        br#"{"version": "2.1.0", "runs": null}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect_err("runs: null");
    assert!(err.to_string().contains("\"runs\" is null"), "{err}");
}
