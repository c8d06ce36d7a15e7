//! The JavaScript runtimes' own test runners: `bun test --reporter=junit`
//! and `deno test --reporter=junit`, each read as the runner itself
//! reported the run. Fixtures in tests/fixtures/bun-test/ and
//! tests/fixtures/deno-test/: real output, the test project beside it, and
//! a PROVENANCE.md with the commands and what each runner printed.

mod common;

use common::*;
use regops_evidence::{Evidence, EvidenceKind, Location, TestCase, TestStatus};

/// One record, as (id, status, message, source file, line, requirement
/// ids), to compare whole.
type Row<'a> = (
    &'a str,
    TestStatus,
    Option<&'a str>,
    Option<&'a str>,
    Option<u32>,
    Vec<&'a str>,
);

fn row(t: &TestCase) -> Row<'_> {
    (
        t.id.as_str(),
        t.status,
        t.message.as_deref(),
        t.source.as_ref().map(|s| s.file.as_str()),
        t.source.as_ref().and_then(|s| s.line),
        t.requirements.iter().map(String::as_str).collect(),
    )
}

fn rows(e: &Evidence) -> Vec<Row<'_>> {
    e.tests.iter().map(row).collect()
}

use TestStatus::{Errored, Failed, Passed, Skipped};

const DOSE: Option<&str> = Some("test/dose.test.ts");
const BUN_ASSERT: &str = "expect(received).toBe(expected)\n\nExpected: true\nReceived: false";

// ---------------------------------------------------------------- bun

#[test]
fn bun_reads_as_bun_counted_the_run() {
    // bun: "10 pass, 1 skip, 2 todo, 6 fail, 1 error; Ran 19 tests across 4
    // files". The sixth failure and the error are test/broken.test.ts,
    // which fails to load and is not in the report at all (see
    // `a_file_that_fails_to_load_leaves_no_trace`).
    let e = junit("bun-test/junit.xml");
    assert_eq!(statuses(&e), [10, 5, 0, 3]);
    // The report's summary agrees with its cases: no warning.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert!(e.tests.iter().all(|t| !t.flaky));
    let hooks = Some("test/hooks.test.ts");
    let top = Some("test/top-level.test.ts");
    assert_eq!(
        rows(&e),
        [
            // A beforeAll that throws: bun writes one nameless case for the
            // block, without a line, and leaves its test out.
            (
                "pump connection::(unnamed)",
                Failed,
                Some("pump simulator not reachable"),
                hooks,
                None,
                vec![]
            ),
            // Failed once, passed on its retry: bun writes a plain pass,
            // and nothing in the file says it was retried.
            (
                "test/hooks.test.ts::settles after a retry",
                Passed,
                None,
                hooks,
                Some(16),
                vec![]
            ),
            (
                "test/hooks.test.ts::finishes within the time limit",
                Failed,
                Some("test timed out"),
                hooks,
                Some(22),
                vec![]
            ),
            // Tests outside any describe: classname="", the file's suite.
            (
                "test/top-level.test.ts::a top-level test outside any describe",
                Passed,
                None,
                top,
                Some(4),
                vec![]
            ),
            // A todo with a body is not run (without --todo): skipped.
            (
                "test/top-level.test.ts::a top-level todo with a body",
                Skipped,
                Some("TODO"),
                top,
                Some(8),
                vec![]
            ),
            (
                "rateMlPerHour::REQ-012 computes the hourly rate",
                Passed,
                None,
                DOSE,
                Some(5),
                vec!["REQ-012"]
            ),
            (
                "rateMlPerHour::rejects a zero duration",
                Passed,
                None,
                DOSE,
                Some(9),
                vec![]
            ),
            // bun writes classname="rounding > rateMlPerHour"; the suite is
            // the describe blocks outermost first, as bun's console has it.
            (
                "rateMlPerHour > rounding::keeps fractions",
                Passed,
                None,
                DOSE,
                Some(14),
                vec![]
            ),
            (
                "rateMlPerHour > rounding::handles equal inputs",
                Passed,
                None,
                DOSE,
                Some(18),
                vec![]
            ),
            // test.skip: a bare <skipped/>.
            (
                "rateMlPerHour::supports micro-litre units",
                Skipped,
                None,
                DOSE,
                Some(23),
                vec![]
            ),
            // test.todo: <skipped message="TODO"/>.
            (
                "rateMlPerHour::accepts a duration in seconds",
                Skipped,
                Some("TODO"),
                DOSE,
                Some(27),
                vec![]
            ),
            (
                "occlusionAlarm::REQ-031 alarms at the pressure limit",
                Failed,
                Some(BUN_ASSERT),
                DOSE,
                Some(31),
                vec!["REQ-031"]
            ),
            (
                "occlusionAlarm::stays silent below the limit",
                Passed,
                None,
                DOSE,
                Some(35),
                vec![]
            ),
            // The same title in another block is another test.
            (
                "occlusionAlarm > rounding::handles equal inputs",
                Passed,
                None,
                DOSE,
                Some(40),
                vec![]
            ),
            // test.failing that failed, as expected: bun passes it.
            (
                "occlusionAlarm::alarms exactly at a custom limit",
                Passed,
                None,
                DOSE,
                Some(46),
                vec![]
            ),
            // test.failing that passed: bun fails it.
            (
                "occlusionAlarm::is silent far below the limit",
                Failed,
                Some("test marked with .failing() did not throw"),
                DOSE,
                Some(51),
                vec![]
            ),
            (
                "parseRate::reads a decimal rate",
                Passed,
                None,
                DOSE,
                Some(57),
                vec![]
            ),
            // A thrown TypeError is a <failure> too, and bun counts it as
            // a fail like an assertion: failed, not errored.
            (
                "parseRate::reads a rate with units",
                Failed,
                Some("not a rate: \"\""),
                DOSE,
                Some(61),
                vec![]
            ),
        ]
    );
    // Durations: `time` in seconds, to the millisecond.
    assert_eq!(
        case(&e, "test/hooks.test.ts::finishes within the time limit").duration_ms,
        Some(50)
    );
}

#[test]
fn bun_1_2_reads_with_the_same_ids_as_bun_1_4() {
    // bun 1.2.20 on the same project: "9 pass, 1 skip, 2 todo, 7 fail, 2
    // errors". It escaped the describe path twice (classname="rounding
    // &amp;gt; rateMlPerHour"), wrote every failure as an empty
    // <failure type="AssertionError"/>, blamed a failing beforeAll on the
    // block's first test and did not know `retry`.
    let old = junit("bun-test/junit-1.2.20.xml");
    assert_eq!(statuses(&old), [9, 6, 0, 3]);
    assert!(warnings(&old).is_empty(), "{:?}", warnings(&old));
    for t in &old.tests {
        if t.status == Failed {
            assert_eq!(t.message.as_deref(), Some("AssertionError"), "{}", t.id);
        }
    }
    assert_eq!(
        row(case(
            &old,
            "pump connection::reads the pump's firmware version"
        )),
        (
            "pump connection::reads the pump's firmware version",
            Failed,
            Some("AssertionError"),
            Some("test/hooks.test.ts"),
            Some(10),
            vec![]
        )
    );
    assert_eq!(
        case(&old, "test/hooks.test.ts::settles after a retry").status,
        Failed
    );
    // The nested blocks' tests have the ids bun 1.4.5 gives them.
    for id in [
        "rateMlPerHour > rounding::keeps fractions",
        "rateMlPerHour > rounding::handles equal inputs",
        "occlusionAlarm > rounding::handles equal inputs",
    ] {
        assert_eq!(case(&old, id).status, Passed, "{id}");
    }
    let new = junit("bun-test/junit.xml");
    let in_dose = |e: &Evidence| {
        let mut ids: Vec<String> = e
            .tests
            .iter()
            .filter(|t| t.source.as_ref().map(|s| s.file.as_str()) == DOSE)
            .map(|t| format!("{} {:?}", t.id, t.status))
            .collect();
        ids.sort();
        ids
    };
    // Same tests, same outcomes, same ids; bun 1.2 wrote nested blocks
    // before their siblings' tests.
    assert_eq!(in_dose(&old), in_dose(&new));
    assert!(old.tests.iter().all(|t| !t.suite.contains("&gt;")));
}

#[test]
fn bun_describe_paths_are_reordered_only_when_they_are_the_blocks_reversed() {
    let report = |root: &str, classname: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="{root}" tests="1" failures="0" skipped="0">
  <testsuite name="a.test.ts" file="a.test.ts" tests="1" failures="0" skipped="0">
    <testsuite name="outer &amp; co" file="a.test.ts" line="1" tests="1" failures="0" skipped="0">
      <testsuite name="middle" file="a.test.ts" line="2" tests="1" failures="0" skipped="0">
        <testsuite name="inner" file="a.test.ts" line="3" tests="1" failures="0" skipped="0">
          <testcase name="works" classname="{classname}" file="a.test.ts" line="4" />
        </testsuite>
      </testsuite>
    </testsuite>
  </testsuite>
</testsuites>
"#
        )
    };
    let suite = |root: &str, classname: &str| {
        let e = try_bytes(
            "junit.xml",
            report(root, classname).as_bytes(),
            EvidenceKind::Tests,
            None,
        )
        .expect("loads");
        e.tests[0].suite.clone()
    };
    let path = "outer & co > middle > inner";
    // bun 1.4 (innermost first), bun 1.2 (and the names escaped twice), and
    // the order bun's console uses, which a fixed bun would write: one id.
    assert_eq!(
        suite("bun test", "inner &gt; middle &gt; outer &amp; co"),
        path
    );
    assert_eq!(
        suite(
            "bun test",
            "inner &amp;gt; middle &amp;gt; outer &amp;amp; co"
        ),
        path
    );
    assert_eq!(
        suite("bun test", "outer &amp; co &gt; middle &gt; inner"),
        path
    );
    // A classname that is not the blocks' path is bun's to choose: kept.
    assert_eq!(suite("bun test", "middle &gt; inner"), "middle > inner");
    // Another producer's classname is never reordered.
    assert_eq!(
        suite("jest tests", "inner &gt; middle &gt; outer &amp; co"),
        "inner > middle > outer & co"
    );
}

#[test]
fn a_file_that_fails_to_load_leaves_no_trace() {
    // test/broken.test.ts throws while loading. bun prints "Unhandled error
    // between tests", counts a fail and an error and exits 1, but writes
    // neither a suite nor a case for it, and the report's summary
    // (tests="18" failures="5") leaves it out too. deno likewise (its
    // test/broken_test.ts): only the runners' exit codes tell. Nothing here
    // can be read as that file; a gate must not take this as a full run.
    let bun = junit("bun-test/junit.xml");
    let deno = junit("deno-test/junit.xml");
    for (e, file) in [(&bun, "broken.test.ts"), (&deno, "broken_test.ts")] {
        assert!(
            e.tests.iter().all(|t| !t.id.contains(file)
                && t.source.as_ref().is_none_or(|s| !s.file.contains(file))),
            "{file}"
        );
    }
}

// ---------------------------------------------------------------- deno

fn at(file: &str, line: u32) -> Option<Location> {
    Some(Location {
        file: file.to_string(),
        line: Some(line),
        column: None,
    })
}

#[test]
fn deno_reads_as_deno_counted_the_run() {
    // deno: "5 passed (6 steps) | 7 failed (2 steps) | 1 ignored (3 steps)".
    // Tests and steps are each a case; of the 7 failed tests, 2 are the
    // modules with uncaught errors (test/broken_test.ts, not in the report,
    // and test/late_test.ts, whose two cancelled tests are).
    let e = junit("deno-test/junit.xml");
    assert_eq!(statuses(&e), [11, 5, 2, 4]);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    let bdd = Some("test/bdd_test.ts");
    let dose = Some("test/dose_test.ts");
    let late = Some("test/late_test.ts");
    let polyfill = "ext:deno_node/testing.ts";
    let deno_assert = "Uncaught AssertionError: Expected values to be strictly equal:\n\nfalse \
                       !== true";
    assert_eq!(
        rows(&e),
        [
            // node:test's describe runs as a deno test in the file...
            (
                "./test/bdd_test.ts::parseRate",
                Passed,
                None,
                bdd,
                Some(6),
                vec![]
            ),
            (
                "./test/bdd_test.ts::a top-level node:test test",
                Passed,
                None,
                bdd,
                Some(19),
                vec![]
            ),
            // ...and its `it`s as steps that deno places in its own
            // polyfill: their suite is that module, and they have no
            // source (line 1 of deno's code is nowhere in the project).
            (
                "ext:deno_node/testing.ts::parseRate > reads a decimal rate",
                Passed,
                None,
                None,
                None,
                vec![]
            ),
            (
                "ext:deno_node/testing.ts::parseRate > reads a rate with a comma",
                Skipped,
                None,
                None,
                None,
                vec![]
            ),
            // it.todo: skipped, like it.skip (deno writes no difference).
            (
                "ext:deno_node/testing.ts::parseRate > reads a rate in ml/min",
                Skipped,
                None,
                None,
                None,
                vec![]
            ),
            (
                "ext:deno_node/testing.ts::parseRate > REQ-040 rejects text",
                Passed,
                None,
                None,
                None,
                vec!["REQ-040"]
            ),
            (
                "./test/dose_test.ts::REQ-012 computes the hourly rate",
                Passed,
                None,
                dose,
                Some(4),
                vec!["REQ-012"]
            ),
            (
                "./test/dose_test.ts::rejects a zero duration",
                Passed,
                None,
                dose,
                Some(8),
                vec![]
            ),
            (
                "./test/dose_test.ts::REQ-031 alarms at the pressure limit",
                Failed,
                Some(deno_assert),
                dose,
                Some(12),
                vec!["REQ-031"]
            ),
            // A thrown TypeError: a <failure>, and a FAILED test to deno.
            (
                "./test/dose_test.ts::reads a rate with units",
                Failed,
                Some("Uncaught TypeError: not a rate: \"\""),
                dose,
                Some(16),
                vec![]
            ),
            // ignore: true.
            (
                "./test/dose_test.ts::supports micro-litre units",
                Skipped,
                None,
                dose,
                Some(21),
                vec![]
            ),
            (
                "./test/dose_test.ts::rateMlPerHour",
                Passed,
                None,
                dose,
                Some(29),
                vec![]
            ),
            // A test whose step failed fails itself, as deno says
            // ("FAILED (due to 1 failed step)").
            (
                "./test/dose_test.ts::occlusionAlarm",
                Failed,
                Some("1 test step failed"),
                dose,
                Some(45),
                vec![]
            ),
            // Steps follow the tests, named by their path with ` > `.
            (
                "./test/dose_test.ts::rateMlPerHour > rounding",
                Passed,
                None,
                dose,
                Some(30),
                vec![]
            ),
            (
                "./test/dose_test.ts::rateMlPerHour > rounding > keeps fractions",
                Passed,
                None,
                dose,
                Some(31),
                vec![]
            ),
            (
                "./test/dose_test.ts::rateMlPerHour > rounding > handles equal inputs",
                Passed,
                None,
                dose,
                Some(34),
                vec![]
            ),
            (
                "./test/dose_test.ts::rateMlPerHour > accepts a duration in seconds",
                Skipped,
                None,
                dose,
                Some(38),
                vec![]
            ),
            (
                "./test/dose_test.ts::occlusionAlarm > stays silent below the limit",
                Passed,
                None,
                dose,
                Some(46),
                vec![]
            ),
            (
                "./test/dose_test.ts::occlusionAlarm > rounding",
                Failed,
                Some("1 test step failed"),
                dose,
                Some(49),
                vec![]
            ),
            // The same step title under another test is another case.
            (
                "./test/dose_test.ts::occlusionAlarm > rounding > handles equal inputs",
                Failed,
                Some(deno_assert),
                dose,
                Some(50),
                vec![]
            ),
            // An uncaught error from the module: deno cancels its tests,
            // written as <error message="Cancelled"/>.
            (
                "./test/late_test.ts::schedules a dose reminder",
                Errored,
                Some("Cancelled"),
                late,
                Some(4),
                vec![]
            ),
            (
                "./test/late_test.ts::computes the next dose",
                Errored,
                Some("Cancelled"),
                late,
                Some(13),
                vec![]
            ),
        ]
    );
    assert!(e.tests.iter().all(|t| !t.flaky));
    assert_eq!(
        e.tests
            .iter()
            .filter(|t| t.suite == polyfill)
            .map(|t| t.source.clone())
            .collect::<Vec<_>>(),
        [None, None, None, None]
    );
    assert_eq!(
        case(&e, "./test/dose_test.ts::REQ-012 computes the hourly rate").source,
        at("test/dose_test.ts", 4)
    );
}

#[test]
fn only_deno_reports_take_the_source_from_the_classname() {
    let report = |root: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="{root}" tests="2" failures="0" errors="0">
    <testsuite name="https://example.com/remote_test.ts" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="remote" classname="https://example.com/remote_test.ts" time="0.000" line="3" col="6">
        </testcase>
    </testsuite>
    <testsuite name="./a_test.ts" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="local" classname="./a_test.ts" time="0.000" line="0" col="6">
        </testcase>
    </testsuite>
</testsuites>
"#
        )
    };
    let load = |root: &str| {
        try_bytes(
            "junit.xml",
            report(root).as_bytes(),
            EvidenceKind::Tests,
            None,
        )
        .expect("loads")
    };
    let deno = load("deno test");
    // A remote module is named by its URL; a line 0 is no line.
    assert_eq!(
        deno.tests[0].source,
        at("https://example.com/remote_test.ts", 3)
    );
    assert_eq!(
        deno.tests[1].source,
        Some(Location {
            file: "a_test.ts".to_string(),
            line: None,
            column: None
        })
    );
    // Elsewhere a classname is a class, not a file.
    assert!(load("other").tests.iter().all(|t| t.source.is_none()));
}
