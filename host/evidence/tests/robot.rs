//! Robot Framework's own `output.xml`, read through [`load`] as users do.
//!
//! Every fixture is real Robot output; tests/fixtures/robot/PROVENANCE.md
//! gives the version, the commands and what Robot printed, which is what
//! each test holds regops to.

mod common;

use common::{fixture, malformed_at, statuses, try_bytes, warnings};
use regops_evidence::{Evidence, EvidenceKind, Format, TestStatus};

const DIR: &str = "tests/fixtures/robot";

fn robot(name: &str) -> Evidence {
    let e = fixture(&format!("{DIR}/{name}"), EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::RobotOutput, "{name}");
    e
}

/// Each test's id, status and requirement ids, in file order.
fn summary(e: &Evidence) -> Vec<(String, TestStatus, Vec<String>)> {
    e.tests
        .iter()
        .map(|t| (t.id.clone(), t.status, t.requirements.clone()))
        .collect()
}

fn owned(expected: &[(&str, TestStatus, &[&str])]) -> Vec<(String, TestStatus, Vec<String>)> {
    expected
        .iter()
        .map(|(id, status, reqs)| {
            (
                id.to_string(),
                *status,
                reqs.iter().map(|r| r.to_string()).collect(),
            )
        })
        .collect()
}

/// The run of `src/tests/` as Robot 7.5 printed it: 8 tests, 3 passed,
/// 2 failed, 3 skipped.
const RUN: &[(&str, TestStatus, &[&str])] = &[
    (
        "Tests.Alarms.Thresholds::High Rate Triggers Alarm",
        TestStatus::Passed,
        &["REQ-012"],
    ),
    (
        "Tests.Alarms.Thresholds::Low Rate Triggers Alarm",
        TestStatus::Failed,
        &["REQ-013"],
    ),
    (
        "Tests.Alarms.Thresholds::Occlusion Alarm Not Yet Implemented",
        TestStatus::Skipped,
        &["REQ-014"],
    ),
    (
        "Tests.Dosing::REQ-020 Dose Is Computed",
        TestStatus::Passed,
        &["REQ-020"],
    ),
    (
        "Tests.Dosing::Dose Limit Enforced",
        TestStatus::Failed,
        &["REQ-021", "REQ-022"],
    ),
    (
        "Tests.Dosing::Skipped On Failure",
        TestStatus::Skipped,
        &["REQ-023"],
    ),
    ("Tests.Dosing::Skipped By Tag", TestStatus::Skipped, &[]),
    ("Tests.Dosing::Dose Is Computed", TestStatus::Passed, &[]),
];

#[test]
fn output_xml_reads_as_robot_printed_it_with_requirement_ids_from_tags() {
    let e = robot("output.xml");
    assert_eq!(e.tests.len(), 8);
    assert_eq!(statuses(&e), [3, 2, 0, 3]);
    assert_eq!(summary(&e), owned(RUN));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));

    let low = &e.tests[1];
    assert_eq!(low.suite, "Tests.Alarms.Thresholds");
    assert_eq!(low.name, "Low Rate Triggers Alarm");
    assert_eq!(low.message.as_deref(), Some("Low rate alarm not raised"));
    assert_eq!(low.duration_ms, Some(1));
    let source = low.source.as_ref().expect("source");
    assert_eq!(
        source.file,
        "/workspace/robot/tests/alarms/thresholds.robot"
    );
    assert_eq!(source.line, Some(11));
    assert!(!low.flaky);
    assert_eq!(low.evidence, format!("{DIR}/output.xml"));

    // robot:skip-on-failure: skipped, as Robot says, with its message lines.
    assert_eq!(
        e.tests[5].message.as_deref(),
        Some(
            "Failed test skipped using 'robot:skip-on-failure' tag.; Original failure:; flaky sensor"
        )
    );
}

#[test]
fn ids_and_statuses_agree_with_the_xunit_output_of_the_same_run() {
    let native = robot("output.xml");
    let xunit = fixture(&format!("{DIR}/xunit.xml"), EvidenceKind::Tests);
    assert_eq!(xunit.files[0].format, Format::Junit);
    let pairs = |e: &Evidence| {
        let mut v: Vec<(String, TestStatus)> =
            e.tests.iter().map(|t| (t.id.clone(), t.status)).collect();
        v.sort();
        v
    };
    assert_eq!(pairs(&native), pairs(&xunit));
    // What xUnit loses: six of the seven requirement ids.
    let ids = |e: &Evidence| {
        let mut v: Vec<String> = e
            .tests
            .iter()
            .flat_map(|t| t.requirements.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(ids(&xunit), ["REQ-020"]);
    assert_eq!(
        ids(&native),
        [
            "REQ-012", "REQ-013", "REQ-014", "REQ-020", "REQ-021", "REQ-022", "REQ-023"
        ]
    );
}

#[test]
fn robot_6_output_reads_the_same_with_durations_from_start_and_end_times() {
    let e = robot("output-rf6.xml");
    assert_eq!(summary(&e), owned(RUN));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    // 20261122 17:53:19.933 to 17:53:19.946.
    assert_eq!(e.tests[0].duration_ms, Some(13));
    assert!(e.tests.iter().all(|t| t.duration_ms.is_some()));
}

#[test]
fn dry_runs_are_skipped_not_passed() {
    for name in ["output-dryrun.xml", "output-dryrun-rf6.xml"] {
        let e = robot(name);
        // Robot printed 7 passed, 1 skipped; nothing was executed.
        assert_eq!(statuses(&e), [0, 0, 0, 8], "{name}");
        let dry = e
            .tests
            .iter()
            .filter(|t| t.message.as_deref() == Some("dry run: not executed"))
            .count();
        assert_eq!(dry, 7, "{name}");
        assert_eq!(
            e.tests[6].message.as_deref(),
            Some("Test skipped using 'robot:skip' tag."),
            "{name}"
        );
        // Requirement ids are still read: the dry run names what would be verified.
        assert_eq!(e.tests[0].requirements, ["REQ-012"], "{name}");
        let w = warnings(&e);
        assert_eq!(w.len(), 1, "{name}: {w:?}");
        assert!(
            w[0].contains("7 tests Robot marks PASS were not executed"),
            "{w:?}"
        );
    }
}

#[test]
fn suite_setup_failure_and_duplicate_names() {
    let e = robot("output-setup-fail.xml");
    // Robot: 5 tests, 1 passed, 4 failed.
    assert_eq!(statuses(&e), [1, 4, 0, 0]);
    let ids: Vec<&str> = e.tests.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "Tests2.Dups::Same Name",
            "Tests2.Dups::Same Name",
            "Tests2.Dups::Teardown Fails",
            "Tests2.Setupfail::Pump Starts",
            "Tests2.Setupfail::Pump Stops",
        ]
    );
    assert_eq!(
        e.tests[2].message.as_deref(),
        Some("Teardown failed:; cleanup broke")
    );
    assert_eq!(
        e.tests[3].message.as_deref(),
        Some("Parent suite setup failed:; rig not connected")
    );
    assert_eq!(e.tests[3].requirements, ["REQ-030"]);
}

#[test]
fn suite_metadata_names_requirements_for_its_tests() {
    let e = robot("output-metadata.xml");
    assert_eq!(statuses(&e), [1, 1, 0, 0]);
    for t in &e.tests {
        assert_eq!(t.requirements, ["REQ-040", "REQ-041"], "{}", t.id);
    }
}

#[test]
fn a_rerun_merged_by_rebot_is_passed_and_flaky() {
    let first = robot("output-first-run.xml");
    assert_eq!(statuses(&first), [1, 1, 0, 0]);
    let rerun = robot("output-rerun.xml");
    assert_eq!(statuses(&rerun), [1, 0, 0, 0]);

    let merged = robot("output-rebot-merged.xml");
    assert_eq!(statuses(&merged), [2, 0, 0, 0]);
    let sensor = &merged.tests[0];
    assert_eq!(sensor.id, "Tests4.Flaky::Sensor Reads Stable REQ-050");
    assert_eq!(sensor.requirements, ["REQ-050"]);
    assert!(sensor.flaky);
    assert_eq!(
        sensor.message.as_deref(),
        Some(
            "Test has been re-executed and results merged.; New status: PASS; Old status: FAIL; \
             Old message: first attempt fails"
        )
    );
    assert!(!merged.tests[1].flaky);
}

#[test]
fn keywords_nested_past_the_element_limit_and_execution_errors() {
    // Robot 7.5 stopped a recursion itself; its keywords nest about 300
    // elements deep.
    let e = robot("output-deep.xml");
    let got: Vec<_> = e
        .tests
        .iter()
        .map(|t| (t.name.as_str(), t.status, t.message.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Deeply Nested Keywords", TestStatus::Passed, None),
            (
                "Recursion Until Robot Stops It",
                TestStatus::Failed,
                Some("Recursive execution stopped.")
            ),
        ]
    );
    // Tags first, then the suite's `Metadata  Requirements  REQ-060; REQ-061`.
    assert_eq!(e.tests[0].requirements, ["REQ-062", "REQ-060", "REQ-061"]);
    assert_eq!(e.tests[1].requirements, ["REQ-063", "REQ-060", "REQ-061"]);
    let w = warnings(&e);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("Robot recorded 1 execution error")
            && w[0].contains("Importing library 'NoSuchLibraryForRegops' failed"),
        "{w:?}"
    );
}

#[test]
fn other_roots_and_truncated_files_are_refused_with_their_position() {
    let err = try_bytes(
        "junit-as-robot.xml",
        b"<?xml version=\"1.0\"?>\n<testsuite name=\"x\"/>",
        EvidenceKind::Tests,
        Some(Format::RobotOutput),
    )
    .expect_err("not Robot's output");
    assert!(err.to_string().contains("expected <robot>"), "{err}");
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));

    let whole = std::fs::read(common::repo().join(DIR).join("output.xml")).expect("fixture");
    let cut = whole.get(..whole.len() / 2).expect("half");
    let err = try_bytes("cut.xml", cut, EvidenceKind::Tests, None).expect_err("truncated");
    assert!(err.to_string().contains("truncated"), "{err}");
}
