//! SARIF shapes found in public repositories that regops once misread: runs
//! that did not analyse the code read as clean, large logs whose `$schema`
//! and `version` come last, fingerprints shared by unrelated results,
//! fingerprint objects, results gone since the baseline, `file:/` uris.
//!
//! The fixtures are hand-made, each in the shape one producer writes; the
//! directory's PROVENANCE.md names the producer and where the shape was seen.

mod common;

use regops_evidence::{
    BaselineState, Evidence, EvidenceKind, Finding, FindingLevel, Format, Location,
};

use FindingLevel::{Error, Note, Warning};

const DIR: &str = "tests/fixtures/handmade-realworld-sarif";

fn sarif(name: &str) -> Evidence {
    let e = common::fixture(&format!("{DIR}/{name}"), EvidenceKind::Findings);
    assert_eq!(e.files[0].format, Format::Sarif, "{name}");
    e
}

fn text(name: &str) -> String {
    std::fs::read_to_string(common::repo().join(DIR).join(name)).expect("fixture")
}

/// Tool, rule, level, file and line of a finding.
type Row<'e> = (&'e str, &'e str, FindingLevel, Option<&'e str>, Option<u32>);

/// Each finding's [`Row`], in file order.
fn rows(e: &Evidence) -> Vec<Row<'_>> {
    e.findings
        .iter()
        .map(|f| {
            let loc = f.location.as_ref();
            (
                f.tool.as_str(),
                f.rule.as_str(),
                f.level,
                loc.map(|l| l.file.as_str()),
                loc.and_then(|l| l.line),
            )
        })
        .collect()
}

fn fingerprints(e: &Evidence) -> Vec<Option<&str>> {
    e.findings
        .iter()
        .map(|f| f.fingerprint.as_deref())
        .collect()
}

/// The one finding that stands for what a run did not analyse.
fn analysis_failed(e: &Evidence) -> &Finding {
    let failed: Vec<&Finding> = e
        .findings
        .iter()
        .filter(|f| f.rule == "regops/analysis-failed")
        .collect();
    assert_eq!(failed.len(), 1, "{:#?}", e.findings);
    let f = failed[0];
    assert_eq!(f.level, Error);
    assert!(!f.is_suppressed());
    assert_eq!(
        (f.fingerprint.as_deref(), f.baseline),
        (None, BaselineState::Unknown)
    );
    f
}

/// The warning for a failed run of `tool`, listing `reasons`, read as one
/// finding.
fn failed_run_warning(tool: &str, reasons: &str) -> String {
    format!(
        "the run of {tool} did not analyse the code ({reasons}); it is read as 1 error-level \
         finding(s) regops/analysis-failed"
    )
}

// ---------------------------------------------------------------------------
// Runs that did not analyse the code.

#[test]
fn eslint_parse_error_written_only_as_a_notification_fails_the_run() {
    // @microsoft/eslint-formatter-sarif writes a file ESLint could not parse
    // as a toolConfigurationNotification, not a result, and says
    // executionSuccessful false. Its other results still count.
    let e = sarif("eslint-fatal.sarif");
    let reasons = "1 error notification(s), the first: \"Parsing error: Unexpected token ;\"; \
                   invocations[].executionSuccessful is false";
    assert_eq!(
        rows(&e),
        [
            (
                "ESLint",
                "no-unused-vars",
                Warning,
                Some("/ci/pump-ui/src/alarm.js"),
                Some(8)
            ),
            (
                "ESLint",
                "regops/analysis-failed",
                Error,
                Some("/ci/pump-ui/src/dose-form.js"),
                Some(31)
            ),
        ]
    );
    // The notification is the finding: its message and its location.
    let failed = analysis_failed(&e);
    assert_eq!(
        failed.message,
        "ESLint could not analyse the code: Parsing error: Unexpected token ;"
    );
    assert_eq!(
        failed.location,
        Some(Location {
            file: "/ci/pump-ui/src/dose-form.js".to_string(),
            line: Some(31),
            column: Some(17),
        })
    );
    assert_eq!(
        failed.evidence,
        "tests/fixtures/handmade-realworld-sarif/eslint-fatal.sarif"
    );
    assert_eq!(
        common::warnings(&e),
        [failed_run_warning("ESLint", reasons)]
    );
}

#[test]
fn semgrep_error_notification_fails_the_run_although_it_says_successful() {
    // Semgrep: an invalid scanning root is an error notification while
    // executionSuccessful stays true. A warning-level notification (a file
    // it could only partly parse) does not fail the run.
    let e = sarif("semgrep-invalid-root.sarif");
    let reasons =
        "1 error notification(s), the first: \"Invalid scanning root: services/infusion\"";
    assert_eq!(
        rows(&e),
        [
            (
                "Semgrep OSS",
                "python.lang.security.audit.eval-detected.eval-detected",
                Warning,
                Some("tools/report.py"),
                Some(22)
            ),
            ("Semgrep OSS", "regops/analysis-failed", Error, None, None),
        ]
    );
    // Logged out, semgrep's fingerprint is a placeholder: none.
    assert_eq!(fingerprints(&e), [None, None]);
    assert_eq!(
        analysis_failed(&e).message,
        "Semgrep OSS could not analyse the code: Invalid scanning root: services/infusion"
    );
    assert_eq!(
        common::warnings(&e),
        [failed_run_warning("Semgrep OSS", reasons)]
    );
}

#[test]
fn pmd_execution_not_successful_fails_the_run() {
    // PMD's crash: no results, executionSuccessful false and a notification
    // without a level (a warning, so not where the finding points).
    let e = sarif("pmd-crash.sarif");
    let reasons = "invocations[].executionSuccessful is false";
    assert_eq!(
        rows(&e),
        [("PMD", "regops/analysis-failed", Error, None, None)]
    );
    assert_eq!(
        analysis_failed(&e).message,
        format!("PMD did not analyse the code: {reasons}")
    );
    assert_eq!(common::warnings(&e), [failed_run_warning("PMD", reasons)]);
}

#[test]
fn spotbugs_missing_classes_fail_the_run_and_its_results_stay() {
    // SpotBugs exits 3 when classes are missing: an error notification and
    // executionSuccessful false, next to the bugs it did find.
    let e = sarif("spotbugs-missing-classes.sarif");
    let reasons = "1 error notification(s), the first: \"Classes needed for analysis were \
                   missing: [com.example.telemetry.Frame, com.example.telemetry.Channel]\"; \
                   invocations[].executionSuccessful is false";
    assert_eq!(
        rows(&e),
        [
            (
                "SpotBugs",
                "DM_DEFAULT_ENCODING",
                Note,
                Some("LogExporter.java"),
                Some(41)
            ),
            (
                "SpotBugs",
                "EI_EXPOSE_REP",
                Warning,
                Some("DoseTable.java"),
                Some(19)
            ),
            ("SpotBugs", "regops/analysis-failed", Error, None, None),
        ]
    );
    assert_eq!(
        e.findings[1].message,
        "DoseTable.rows() may expose internal representation by returning DoseTable.rows."
    );
    assert_eq!(
        analysis_failed(&e).message,
        "SpotBugs could not analyse the code: Classes needed for analysis were missing: \
         [com.example.telemetry.Frame, com.example.telemetry.Channel]"
    );
    assert_eq!(
        common::warnings(&e),
        [failed_run_warning("SpotBugs", reasons)]
    );
}

#[test]
fn a_run_without_results_fails() {
    // A CI step's fallback when the scanner left no file: no `results` at
    // all, which SARIF §3.14.23 reads as a tool that did not complete.
    let e = sarif("snyk-fallback.sarif");
    assert_eq!(
        rows(&e),
        [(
            "Snyk Open Source",
            "regops/analysis-failed",
            Error,
            None,
            None
        )]
    );
    assert_eq!(
        analysis_failed(&e).message,
        "Snyk Open Source did not analyse the code: the run has no results"
    );
    assert_eq!(
        common::warnings(&e),
        [
            "the log has no \"version\"; it was read as SARIF 2.1.0".to_string(),
            failed_run_warning("Snyk Open Source", "the run has no results"),
        ]
    );
}

#[test]
fn only_error_level_notifications_fail_a_run() {
    // Warnings, notes and notifications without a level (warning) are the
    // tool's remarks; an empty `results` is a run that found nothing.
    let e = common::try_bytes(
        "remarks.sarif",
        br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scanner"}},
            "invocations": [{"executionSuccessful": true,
              "toolExecutionNotifications": [{"level": "warning", "message": {"text": "slow"}},
                                             {"message": {"text": "no level"}}],
              "toolConfigurationNotifications": [{"level": "note", "message": {"text": "n"}}]}],
            "results": []}]}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect("loads");
    assert!(e.findings.is_empty(), "{:#?}", e.findings);
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );

    // Notifications in several invocations are counted together; without
    // a message the descriptor's id names the first.
    let e = common::try_bytes(
        "errors.sarif",
        br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scanner"}},
            "invocations": [
              {"toolExecutionNotifications": [{"level": "error", "descriptor": {"id": "E1"}}]},
              {"toolConfigurationNotifications": [{"level": "ERROR", "message": {"text": "b"}}]}],
            "results": []}]}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect("loads");
    // One finding per notification, so that a waiver names one of them.
    let messages: Vec<&str> = e.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Scanner could not analyse the code: E1",
            "Scanner could not analyse the code: b"
        ]
    );
    assert!(e.findings.iter().all(|f| f.level == Error));
    assert_eq!(
        common::warnings(&e),
        [
            "the run of Scanner did not analyse the code (2 error notification(s), the first: \
          \"E1\"); it is read as 2 error-level finding(s) regops/analysis-failed"
        ]
    );
}

// ---------------------------------------------------------------------------
// Detection of logs whose head holds neither `$schema` nor `version`.

/// `text` with `copies` of `filler` inserted at the start of its first
/// `results` array, so that what follows is beyond detection's 64 KiB head.
fn padded(text: &str, filler: &str, copies: usize) -> String {
    let at = text.find("\"results\": [").expect("a results array") + "\"results\": [".len();
    let padded = format!("{}{}{}", &text[..at], filler.repeat(copies), &text[at..]);
    for late in ["\"tool\"", "\"$schema\"", "\"version\""] {
        assert!(
            padded.find(late).is_none_or(|i| i > 64 * 1024),
            "{late} within the head"
        );
    }
    padded
}

#[test]
fn gosec_results_before_tool_and_schema_last_is_sarif_at_any_size() {
    // gosec 2.22 writes `runs` → `results` first, `tool` after them, and
    // `$schema` and `version` last.
    let e = sarif("gosec-results-first.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "gosec",
                "G115",
                Error,
                Some("internal/pump/rate.go"),
                Some(57)
            ),
            (
                "gosec",
                "G304",
                Warning,
                Some("cmd/pumpctl/export.go"),
                Some(88)
            ),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );

    let filler = r#"{"level": "error", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "internal/pump/gen.go"}, "region": {"endColumn": 20, "endLine": 3, "snippet": {"text": "n := int32(v)"}, "sourceLanguage": "go", "startColumn": 7, "startLine": 3}}}], "message": {"text": "integer overflow conversion int -\u003e int32"}, "ruleId": "G115"},
"#;
    let big = padded(&text("gosec-results-first.sarif"), filler, 300);
    let e = common::try_bytes("gosec.sarif", big.as_bytes(), EvidenceKind::Findings, None)
        .expect("detected as SARIF");
    assert_eq!(e.files[0].format, Format::Sarif);
    assert_eq!(e.findings.len(), 302);
    assert!(
        e.findings
            .iter()
            .take(300)
            .all(|f| f.rule == "G115" && f.level == Error)
    );
}

#[test]
fn codeql_2_0_sorted_keys_is_sarif_at_any_size() {
    // CodeQL 2.0 sorts every object's keys and writes no `$schema`: the
    // head of a large log holds `runs` → `artifacts` and results only.
    let e = sarif("codeql-2.0-sorted-keys.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "CodeQL command-line toolchain",
                "cpp/missing-header-guard",
                Warning,
                Some("firmware/alarm.h"),
                None
            ),
            (
                "CodeQL command-line toolchain",
                "cpp/comparison-with-wider-type",
                Error,
                Some("firmware/bolus.c"),
                Some(140)
            ),
        ]
    );
    // The line hash follows the code; the column alone would not.
    assert_eq!(
        fingerprints(&e),
        [
            Some("primaryLocationLineHash=5d1c7e0a93b2f416:1"),
            Some("primaryLocationLineHash=a04f19b2c7d3e855:2"),
        ]
    );
    assert_eq!(e.findings[1].security_severity, Some(7.8));

    let filler = r#"{"locations": [{"physicalLocation": {"artifactLocation": {"index": 1, "uri": "firmware/bolus.c", "uriBaseId": "%SRCROOT%"}, "region": {"endColumn": 9, "endLine": 2, "startColumn": 5, "startLine": 2}}}], "message": {"text": "padding"}, "partialFingerprints": {"primaryLocationLineHash": "00:1", "primaryLocationStartColumnFingerprint": "4"}, "ruleId": "cpp/comparison-with-wider-type", "ruleIndex": 1},
"#;
    let big = padded(&text("codeql-2.0-sorted-keys.sarif"), filler, 300);
    let e = common::try_bytes("codeql.sarif", big.as_bytes(), EvidenceKind::Findings, None)
        .expect("detected as SARIF");
    assert_eq!(e.files[0].format, Format::Sarif);
    assert_eq!(e.findings.len(), 302);
}

#[test]
fn a_top_level_runs_without_run_properties_is_not_sarif() {
    for json in [
        r#"{"runs": [{"name": "nightly", "passed": 3}]}"#,
        r#"{"runs": 3, "name": "x"}"#,
    ] {
        let err = common::try_bytes("runs.json", json.as_bytes(), EvidenceKind::Findings, None)
            .expect_err(json);
        assert!(
            err.to_string().contains("JSON object with keys runs"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------
// Fingerprints.

#[test]
fn gitleaks_fingerprint_is_every_partial_fingerprint_together() {
    // gitleaks v8 writes who committed the secret, not where it is: `author`
    // alone is the same for every secret one person commits, so one waiver
    // would cover the next. All of them together differ.
    let e = sarif("gitleaks-v8.sarif");
    assert_eq!(
        fingerprints(&e),
        [
            Some(
                "author=Rita Weber;commitMessage=Add telemetry endpoint;\
                 commitSha=3f2a9c1e8b7d6054a1c2e3f405162738495a6b7c;\
                 date=2024-03-02T09:14:55Z;email=r.weber@example.org"
            ),
            Some(
                "author=Rita Weber;commitMessage=Staging credentials;\
                 commitSha=9e8d7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b;\
                 date=2024-05-21T16:02:10Z;email=r.weber@example.org"
            ),
        ]
    );
    // No level and no rule default: warning, as SARIF says.
    assert_eq!(
        rows(&e),
        [
            (
                "gitleaks",
                "generic-api-key",
                Warning,
                Some("config/telemetry.yaml"),
                Some(4)
            ),
            (
                "gitleaks",
                "generic-api-key",
                Warning,
                Some("config/telemetry.yaml"),
                Some(19)
            ),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );
}

#[test]
fn qodana_equal_indicator_is_the_fingerprint() {
    let e = sarif("qodana-baseline.sarif");
    assert_eq!(
        fingerprints(&e),
        [
            Some(
                "equalIndicator/v1=4e0f9d1c2b3a59687766554433221100ffeeddccbbaa99887766554433221100"
            ),
            Some(
                "equalIndicator/v1=91a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80"
            ),
        ]
    );
}

#[test]
fn black_duck_fingerprint_objects_are_read_by_their_value() {
    // Black Duck writes `"csvRowSha256": {"value": "..."}`; the file used to
    // be refused whole.
    let e = sarif("blackduck-fingerprint-objects.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "Infusion-Gateway",
                "BDSA-2021-1002 (CVE-2021-23337)",
                Error,
                Some("npm/lodash@4.17.20"),
                None
            ),
            (
                "Infusion-Gateway",
                "BDSA-2023-1005 (CVE-2023-26115)",
                Error,
                Some("npm/word-wrap@1.2.3"),
                None
            ),
        ]
    );
    assert_eq!(
        fingerprints(&e),
        [
            Some("csvRowSha256=6b1f0c3e9d2a47f58c0e1b2d3f4a5c6e7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"),
            Some("csvRowSha256=0a9b8c7d6e5f40312a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091"),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );
}

#[test]
fn other_fingerprint_values_are_ignored_with_one_warning() {
    let e = common::try_bytes(
        "odd-fingerprints.sarif",
        br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scanner"}}, "results": [
            {"ruleId": "R1", "message": {"text": "a"},
             "fingerprints": {"a": 7, "b": {"value": 8}, "c": {"value": {"value": "x"}}},
             "partialFingerprints": {"n": null, "z": "kept"}},
            {"ruleId": "R1", "message": {"text": "b"}, "fingerprints": {"a": ["x"], "b": true}}
        ]}]}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect("loads");
    assert_eq!(fingerprints(&e), [Some("z=kept"), None]);
    assert_eq!(
        common::warnings(&e),
        [
            "6 fingerprint value(s) are neither a string nor an object with a string \"value\" and \
          were ignored"
        ]
    );
}

// ---------------------------------------------------------------------------
// Baseline, locations, levels, versions.

#[test]
fn qodana_results_absent_since_the_baseline_are_left_out() {
    // `absent`: in the baseline, not found by this run. The error among them
    // is fixed, not live.
    let e = sarif("qodana-baseline.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "qodana-intellij",
                "ConstantConditions",
                Warning,
                Some("src/main/java/pump/RateGuard.java"),
                Some(27)
            ),
            (
                "qodana-intellij",
                "ConstantConditions",
                Warning,
                Some("src/main/java/pump/Limits.java"),
                Some(64)
            ),
        ]
    );
    let baselines: Vec<BaselineState> = e.findings.iter().map(|f| f.baseline).collect();
    assert_eq!(baselines, [BaselineState::Unchanged, BaselineState::New]);
    assert!(e.findings[1].message.starts_with("Value 'limit' is always"));
    assert_eq!(
        common::warnings(&e),
        [
            "1 result(s) have baselineState absent (in the baseline, no longer found by this run) \
          and were left out"
        ]
    );
}

#[test]
fn polyspace_file_uris_with_one_slash_are_paths() {
    // Java's URI writes `file:/path`; RFC 8089 allows it beside `file:///path`.
    let e = sarif("polyspace-file-uri.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "Polyspace ",
                "NON_INIT_VAR",
                Error,
                Some("/builds/pump/src/flow_ctrl.c"),
                Some(58)
            ),
            (
                "Polyspace ",
                "INT_OVFL",
                Warning,
                Some("/builds/pump/src/rate_calc.c"),
                Some(21)
            ),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );
}

#[test]
fn swiftlint_empty_uri_is_no_location() {
    let e = sarif("swiftlint-empty-uri.sarif");
    assert_eq!(
        rows(&e),
        [
            (
                "SwiftLint",
                "line_length",
                Warning,
                Some("PumpApp/Views/DoseView.swift"),
                Some(44)
            ),
            ("SwiftLint", "custom_rules", Error, None, None),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );
}

#[test]
fn roslyn_overrides_need_no_warning_when_every_result_has_its_level() {
    // Roslyn writes the .editorconfig severities as ruleConfigurationOverrides
    // and the effective level on every result: nothing is left to apply.
    let e = sarif("roslyn-errorlog-v2.sarif");
    let compiler = "Microsoft (R) Visual C# Compiler";
    assert_eq!(
        rows(&e),
        [
            (
                compiler,
                "CA1822",
                Error,
                Some("/builds/pump/src/Pump.Core/RateLimiter.cs"),
                Some(17)
            ),
            (
                compiler,
                "CS8618",
                Warning,
                Some("/builds/pump/src/Pump.Core/Dose.cs"),
                Some(9)
            ),
        ]
    );
    assert!(
        common::warnings(&e).is_empty(),
        "{:?}",
        common::warnings(&e)
    );

    // A result without a level takes the rule's default, which the override
    // would have changed: then the warning says so.
    let e = common::try_bytes(
        "override.sarif",
        br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Analyzer",
              "rules": [{"id": "R1", "defaultConfiguration": {"level": "warning"}}]}},
            "invocations": [{"executionSuccessful": true, "ruleConfigurationOverrides":
              [{"descriptor": {"id": "R1", "index": 0}, "configuration": {"level": "error"}}]}],
            "results": [{"ruleId": "R1", "ruleIndex": 0, "message": {"text": "no level"}}]}]}"#,
        EvidenceKind::Findings,
        None,
    )
    .expect("loads");
    assert_eq!(e.findings[0].level, Warning);
    assert_eq!(
        common::warnings(&e),
        [
            "the run of Analyzer has ruleConfigurationOverrides, which regops does not apply; levels \
          come from the results and the rules' defaultConfiguration"
        ]
    );
}

#[test]
fn roslyn_sarif_1_is_refused_naming_the_switch_for_2_1() {
    let err = common::try_fixture(
        &format!("{DIR}/roslyn-errorlog-v1.sarif"),
        EvidenceKind::Findings,
    )
    .expect_err("SARIF 1.0.0");
    assert!(
        err.to_string().contains(
            "SARIF version 1.0.0 is not supported; regops reads 2.1.0 \
             (Roslyn: /errorlog:file,version=2.1)"
        ),
        "{err}"
    );
}
