//! Output of more producers, each read as the producer itself reported it.
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the tool, the version, the commands and what the tool printed,
//! which is what each test holds regops to.

mod common;

use common::{
    case, junit as tests, lines_and_branches as coverage, producer as load_fixture, statuses,
};
use regops_evidence::{EvidenceKind, FindingLevel, Format, TestCase, TestStatus};

#[test]
fn ctest_counts_a_test_it_could_not_run_as_failed_and_a_skip_as_skipped() {
    let e = tests("ctest/ctest-junit.xml");
    // CTest: "6 tests failed out of 10" (3 failed, 3 Not Run), 1 skipped,
    // 1 disabled; disabled and skipped tests are not failures.
    assert_eq!(statuses(&e), [3, 3, 3, 2]);
    for (id, reason) in [
        ("REQ-035_missing_exe", "Unable to find executable"),
        ("REQ-036_needs_fixture", "Fixture dependency failed"),
        ("REQ-037_required_file", "Required Files Missing"),
    ] {
        let t = case(&e, &format!("{id}::{id}"));
        assert_eq!(t.status, TestStatus::Errored, "{id}");
        assert_eq!(t.message.as_deref(), Some(&*format!("not run: {reason}")));
    }
    let skipped = case(&e, "REQ-014_skipped::REQ-014_skipped");
    assert_eq!(skipped.status, TestStatus::Skipped);
    assert_eq!(skipped.message.as_deref(), Some("SKIP_RETURN_CODE=77"));
    assert_eq!(
        case(&e, "REQ-034_disabled::REQ-034_disabled").status,
        TestStatus::Skipped
    );
    // The root's counts (CTest counts Not Run under `skipped`) agree.
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
}

#[test]
fn pending_tests_mocha_leaves_out_are_reported_from_its_summary() {
    // mocha: 3 passing, 2 pending, 1 failing; the default reporter options
    // write no test case for the pending ones.
    let e = tests("mocha/mocha-junit.xml");
    assert_eq!(statuses(&e), [3, 1, 0, 2]);
    let unlisted: Vec<&TestCase> = e
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Skipped)
        .collect();
    assert_eq!(
        unlisted[1].id,
        "Mocha Tests::(skipped test not listed in the report, 2 of 2)"
    );
    assert!(unlisted.iter().all(|t| t.requirements.is_empty()));
    assert!(
        e.files[0].warnings[0].contains("tests=6 but lists 4 test cases")
            && e.files[0].warnings[0].contains("includePending"),
        "{:?}",
        e.files[0].warnings
    );
    // With `includePending` every test is listed, and nothing is added.
    let e = tests("mocha/mocha-junit-pending.xml");
    assert_eq!(statuses(&e), [3, 1, 0, 2]);
    assert!(e.tests.iter().all(|t| !t.name.contains("not listed")));
}

#[test]
fn node_test_cases_are_told_apart_by_their_describe_blocks() {
    // node:test writes classname="test" on every case.
    let e = tests("node-test/node-junit-dup.xml");
    let failed = case(&e, "REQ-050 occlusion alarm::fires above limit");
    assert_eq!(failed.status, TestStatus::Failed);
    assert_eq!(failed.requirements, ["REQ-050"]);
    let passed = case(&e, "REQ-051 air-in-line alarm::fires above limit");
    assert_eq!(passed.status, TestStatus::Passed);
    assert_eq!(passed.requirements, ["REQ-051"]);

    // node: pass 4, fail 3 (one the parent of a failing subtest, which is
    // a suite in the XML), skipped 1, todo 2 (one of them fails: failed here).
    let e = tests("node-test/node-junit.xml");
    assert_eq!(statuses(&e), [4, 3, 0, 2]);
    assert_eq!(
        case(&e, "occlusion > nested::REQ-033 nested pass").requirements,
        ["REQ-033"]
    );
    let sub = case(&e, "top-level REQ-034 with subtests::sub fail");
    assert_eq!(
        (sub.status, sub.requirements.as_slice()),
        (TestStatus::Failed, &["REQ-034".to_string()][..])
    );
    assert_eq!(
        case(&e, "rate::REQ-016 todo that fails").status,
        TestStatus::Failed
    );
}

#[test]
fn pytest_legacy_writes_a_failure_then_a_teardown_error_as_one_test() {
    // pytest: 2 failed, 2 passed, 1 skipped, 1 xfailed, 1 xpassed, 2 errors
    // (one test passed, one failed; both then errored in teardown).
    let e = tests("pytest-legacy/pytest-legacy.xml");
    assert_eq!(statuses(&e), [2, 1, 2, 2]);
    let both = case(&e, "test_x::test_req_045_fail_and_teardown");
    assert_eq!(both.status, TestStatus::Errored);
    assert_eq!(
        both.message.as_deref(),
        Some("assert False; then failed on teardown with \"RuntimeError: teardown boom\"")
    );
    assert_eq!(both.requirements, ["REQ-045"]);
    assert_eq!(
        case(&e, "test_x::test_req_043_xpass_strict").status,
        TestStatus::Failed
    );
    assert_eq!(
        case(&e, "test_x::test_req_041_xfail").status,
        TestStatus::Skipped
    );
    // pytest's line is 0-based: the test function is on line 26.
    let source = both.source.as_ref().expect("source");
    assert_eq!((source.file.as_str(), source.line), ("test_x.py", Some(26)));
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
}

#[test]
fn vitest_xmlrunner_and_mypy_reports_read_as_their_tools_counted() {
    // vitest: 2 failed | 4 passed | 1 skipped | 1 todo.
    let e = tests("vitest/vitest-junit.xml");
    assert_eq!(statuses(&e), [4, 2, 0, 2]);
    // unittest-xml-reporting: ran 9; failures=2, errors=1 (+1 unexpected success,
    // written as an error), skipped=1 (+1 expected failure, a skip).
    let e = tests("xmlrunner/xmlrunner.xml");
    assert_eq!(statuses(&e), [3, 2, 2, 2]);
    // mypy: "Found 2 errors in 1 file", one failed case per format.
    for rel in ["mypy/mypy-junit.xml", "mypy/mypy-junit-perfile.xml"] {
        let e = tests(rel);
        assert_eq!(statuses(&e), [0, 1, 0, 0], "{rel}");
    }
}

#[test]
fn gcovr_coverage_reads_alike_in_every_format_it_writes() {
    // gcovr's summary: pump.c lines 9/14, branches 5/10; test_main.c 7/9,
    // 10/14 -- in Cobertura, in JaCoCo (whose <line> elements carry no
    // mi/ci) and in LCOV, and lcov's own geninfo agrees.
    let cases = [
        ("gcovr/gcovr-cobertura.xml", Format::Cobertura, ""),
        ("gcovr/gcovr-jacoco.xml", Format::Jacoco, ""),
        ("gcovr/gcovr.lcov", Format::Lcov, "/workspace/pump-c/"),
        (
            "lcov-geninfo/lcov-geninfo.info",
            Format::Lcov,
            "/workspace/pump-c/",
        ),
    ];
    for (rel, format, root) in cases {
        let e = load_fixture(rel, EvidenceKind::Coverage);
        assert_eq!(e.files[0].format, format, "{rel}");
        assert_eq!(
            coverage(&e, &format!("{root}pump.c")),
            ((9, 14), (5, 10)),
            "{rel}"
        );
        assert_eq!(
            coverage(&e, &format!("{root}test_main.c")),
            ((7, 9), (10, 14)),
            "{rel}"
        );
        assert!(
            e.files[0].warnings.is_empty(),
            "{rel}: {:?}",
            e.files[0].warnings
        );
    }
    // Sources in a subdirectory: gcovr's JaCoCo package `src.drv` is the
    // directory src/drv, as its Cobertura says.
    for rel in [
        "gcovr/gcovr-jacoco-subdir.xml",
        "gcovr/gcovr-cob-subdir.xml",
    ] {
        let e = load_fixture(rel, EvidenceKind::Coverage);
        assert_eq!(coverage(&e, "src/drv/pump.c"), ((7, 14), (3, 10)), "{rel}");
        assert_eq!(coverage(&e, "test_main.c"), ((6, 9), (6, 14)), "{rel}");
    }
}

#[test]
fn javascript_coverage_reads_as_the_tools_summarised_it() {
    // vitest (v8): lines 13/21, branches 4/5, in Cobertura and LCOV.
    for rel in ["vitest/cobertura-coverage.xml", "vitest/lcov.info"] {
        let e = load_fixture(rel, EvidenceKind::Coverage);
        let lines = e.coverage.iter().map(|f| f.lines.covered).sum::<u64>();
        let total = e.coverage.iter().map(|f| f.lines.total).sum::<u64>();
        assert_eq!((lines, total), (13, 21), "{rel}");
    }
    // nyc (istanbul): lines 8/12, branches 5/8.
    let e = load_fixture("nyc/cobertura-coverage.xml", EvidenceKind::Coverage);
    assert_eq!(coverage(&e, "src/pump.js"), ((8, 12), (5, 8)));
}

#[test]
fn sarif_from_linters_and_analysers_keeps_each_tools_levels() {
    let findings = |rel: &str| {
        let e = load_fixture(rel, EvidenceKind::Findings);
        assert_eq!(e.files[0].format, Format::Sarif, "{rel}");
        e.findings
    };
    let levels = |rel: &str, level| {
        findings(rel)
            .iter()
            .filter(|f| f.level == level && f.suppressions.is_empty())
            .count()
    };
    // ruff: "Found 6 errors."
    assert_eq!(levels("ruff/ruff.sarif", FindingLevel::Error), 6);
    // clippy: 8 warnings; with -D needless_return, 1 of them an error.
    assert_eq!(
        levels("clippy-sarif/clippy.sarif", FindingLevel::Warning),
        8
    );
    assert_eq!(
        levels("clippy-sarif/clippy-deny.sarif", FindingLevel::Error),
        1
    );
    // clang's analyzer: 3 warnings, at lines 7, 17 and 22.
    let clang = findings("clang-analyzer/clang-analyzer.sarif");
    let lines: Vec<Option<u32>> = clang
        .iter()
        .map(|f| f.location.as_ref().and_then(|l| l.line))
        .collect();
    assert_eq!(lines, [Some(7), Some(17), Some(22)]);
    // checkov: 12 failed checks; then 3, and the one skipped in the source
    // as a suppressed result.
    assert_eq!(levels("checkov/checkov.sarif", FindingLevel::Error), 12);
    let skipped = findings("checkov/checkov-skip.sarif");
    assert_eq!(skipped.len(), 4);
    assert_eq!(skipped.iter().filter(|f| f.is_suppressed()).count(), 1);
}

#[test]
fn sboms_from_cdxgen_and_sbom4python_list_the_installed_packages() {
    // cdxgen: debug (-> ms), semver and the devDependency is-number.
    let e = load_fixture("cdxgen/cdxgen.cdx.json", EvidenceKind::Components);
    let mut direct: Vec<(&str, Option<bool>)> = e
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.direct))
        .collect();
    direct.sort();
    assert_eq!(
        direct,
        [
            ("debug", Some(true)),
            ("is-number", Some(true)),
            ("ms", Some(false)),
            ("semver", Some(true)),
        ]
    );
    // sbom4python over pytest: its four requirements (SPDX: pytest is the
    // product the document describes).
    let e = load_fixture("sbom4python/pytest.spdx.json", EvidenceKind::Components);
    let mut names: Vec<&str> = e.components.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["iniconfig", "packaging", "pluggy", "pygments"]);
}

#[test]
fn a_test_pytest_reran_until_it_passed_is_flaky() {
    // pytest-rerunfailures: `2 failed, 4 passed, 1 skipped, 1 error, 5 rerun`;
    // test_req_015 failed once, then passed. Each failed attempt is an
    // empty <testcase> just before the last one.
    for rel in [
        "pytest-rerunfailures/rerun.xml",
        "pytest-rerunfailures/rerun-xdist.xml",
    ] {
        let e = tests(rel);
        let flaky = case(&e, "tests.test_pump::test_req_015_flaky_sensor");
        assert_eq!(
            (flaky.status, flaky.flaky),
            (TestStatus::Passed, true),
            "{rel}"
        );
        assert!(
            flaky
                .message
                .as_deref()
                .unwrap_or_default()
                .contains("1 failed attempt")
        );
        let always = case(&e, "tests.test_pump::test_req_017_always_fails");
        assert_eq!((always.status, always.flaky), (TestStatus::Failed, false));
        assert_eq!(
            always.message.as_deref(),
            Some("AssertionError: always fails\nassert False")
        );
        assert_eq!(
            case(&e, "tests.test_pump::test_req_016_teardown").status,
            TestStatus::Errored
        );
        assert_eq!(e.tests.iter().filter(|t| t.flaky).count(), 1, "{rel}");
    }
    assert_eq!(
        statuses(&tests("pytest-rerunfailures/rerun.xml")),
        [2, 2, 1, 1]
    );
}

#[test]
fn node_tap_skip_and_todo_properties_are_skips() {
    // tap: `Asserts: 2 pass 2 fail 1 skip 1 todo`; the skip and the todo
    // carry a property, no <skipped>.
    let e = tests("node-tap/junit.xml");
    let skip = case(&e, "taptest/pump.test.js::unit conversion");
    assert_eq!(skip.status, TestStatus::Skipped);
    assert_eq!(skip.message.as_deref(), Some("skip: rig unavailable"));
    let todo = case(&e, "taptest/pump.test.js::REQ-014 latency");
    assert_eq!(
        (todo.status, todo.message.as_deref()),
        (TestStatus::Skipped, Some("todo: not implemented"))
    );
    assert_eq!(statuses(&e)[3], 2);
}

#[test]
fn robot_suite_metadata_written_after_its_tests_reaches_them() {
    // Robot writes the suite's `Metadata  Requirements  REQ-040, REQ-041`
    // as a property after the test cases.
    let e = tests("robot/xunit-suite-metadata.xml");
    assert_eq!(e.tests.len(), 2);
    for t in &e.tests {
        assert_eq!(t.requirements, ["REQ-040", "REQ-041"], "{}", t.id);
    }
}

#[test]
fn an_id_written_twice_is_warned_about() {
    // Playwright: one test in two projects, the project only in the
    // suite's hostname; Robot: a test name repeated in a suite.
    for (rel, id) in [
        (
            "playwright/pw-projects.xml",
            "projects.spec.js::REQ-060 pump calibrates",
        ),
        (
            "robot/xunit-setup-fail-duplicates.xml",
            "Tests2.Dups::Same Name",
        ),
    ] {
        let e = tests(rel);
        assert_eq!(e.tests.iter().filter(|t| t.id == id).count(), 2, "{rel}");
        assert!(
            e.files[0]
                .warnings
                .iter()
                .any(|w| w.starts_with("1 test case(s) repeat the id") && w.contains(id)),
            "{rel}: {:?}",
            e.files[0].warnings
        );
    }
    // Distinct ids give no such warning, however many cases.
    assert!(
        tests("ctest/ctest-junit.xml").files[0]
            .warnings
            .iter()
            .all(|w| !w.contains("repeat the id"))
    );
}

#[test]
fn a_summary_far_beyond_the_file_fails_closed_without_a_record_per_case() {
    // Shaped like mocha's (missing = skipped beyond the cases), but four
    // billion cases: one errored record, not four billion skipped ones.
    let e = common::try_bytes(
        "junit.xml",
        b"<testsuites name=\"Mocha Tests\" tests=\"4000000001\" skipped=\"4000000000\">\
          <testsuite name=\"rate\"><testcase classname=\"rate\" name=\"works\"/></testsuite>\
          </testsuites>",
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    assert_eq!(statuses(&e), [1, 0, 1, 0]);
    let unlisted = case(
        &e,
        "Mocha Tests::(4000000000 tests not listed in the report)",
    );
    assert!(
        unlisted
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("cannot be read as complete")
    );
}

#[test]
fn errors_a_summary_counts_outside_its_cases_are_one_record_however_many() {
    // Shaped like gotestsum's build failure (tests agree, errors do not),
    // with a hostile count: one errored record, not one per error.
    let e = common::try_bytes(
        "junit.xml",
        b"<testsuites tests=\"1\" failures=\"0\" errors=\"18446744073709551615\">\
          <testsuite name=\"rate\"><testcase classname=\"rate\" name=\"works\"/></testsuite>\
          </testsuites>",
        EvidenceKind::Tests,
        None,
    )
    .expect("loads");
    assert_eq!(statuses(&e), [1, 0, 1, 0]);
    let record = case(
        &e,
        "(report)::(18446744073709551615 errors outside any test case)",
    );
    assert_eq!(record.status, TestStatus::Errored);
}
