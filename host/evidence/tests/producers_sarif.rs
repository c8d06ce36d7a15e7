//! SARIF 2.1.0 from more producers, each read as the producer itself
//! reported it: ansible-lint, zizmor, cfn-lint, Biome, oxlint and
//! staticcheck.
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the tool, the version, the commands and what the tool printed,
//! which is what each test holds regops to.

mod common;
use common::{levels, sarif};

use regops_evidence::{Evidence, EvidenceKind, Finding, FindingLevel, SuppressionStatus};

/// Rule, level, file and line of each finding, in file order.
fn rows(e: &Evidence) -> Vec<(&str, FindingLevel, &str, u32)> {
    e.findings.iter().map(row).collect()
}

fn row(f: &Finding) -> (&str, FindingLevel, &str, u32) {
    let loc = f.location.as_ref().expect("a location");
    (
        f.rule.as_str(),
        f.level,
        loc.file.as_str(),
        loc.line.expect("a line"),
    )
}

fn column(f: &Finding) -> Option<u32> {
    f.location.as_ref().and_then(|l| l.column)
}

use FindingLevel::{Error, Note, Warning};

#[test]
fn ansible_lint_levels_follow_its_warn_list_over_the_rules_defaults() {
    // ansible-lint: "9 failure(s), 1 warning(s)"; name[casing] is on the
    // warn_list. package-latest's rule says defaultConfiguration "warning"
    // and the result says "error": the result wins.
    let e = sarif("ansible-lint/ansible-lint.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(levels(&e), [9, 1, 0]);
    let pump = "playbooks/pump.yml";
    assert_eq!(
        rows(&e),
        [
            ("name[casing]", Warning, pump, 5),
            ("package-latest", Error, pump, 5),
            ("command-instead-of-module", Error, pump, 10),
            ("command-instead-of-shell", Error, pump, 10),
            ("fqcn[action-core]", Error, pump, 10),
            ("name[missing]", Error, pump, 10),
            ("no-changed-when", Error, pump, 10),
            ("risky-octal", Error, pump, 12),
            ("command-instead-of-module", Error, pump, 22),
            ("ignore-errors", Error, pump, 22),
        ]
    );
    // Columns only where ansible-lint knows one.
    assert_eq!(column(&e.findings[0]), Some(13));
    assert_eq!(column(&e.findings[1]), None);
    // The message is the match's detail, not the rule's description.
    assert_eq!(
        e.findings[2].message,
        "Task/Handler: shell systemctl restart pump-gateway"
    );
    // The `# noqa: no-changed-when` at line 18 leaves no result at all.
    assert!(
        e.findings
            .iter()
            .all(|f| f.suppressions.is_empty() && row(f).3 != 18)
    );
    assert!(
        e.findings
            .iter()
            .all(|f| f.tool == "ansible-lint" && f.fingerprint.is_none())
    );
}

#[test]
fn ansible_lint_load_failure_reads_as_the_warning_its_sarif_writes() {
    // ansible-lint printed "load-failure[yaml]: ... (warning)" yet counted it
    // "1 failure(s), 0 warning(s)" and exited 2. The SARIF result says
    // "warning" (its rule's defaultConfiguration says "error"); regops can
    // only follow the result.
    let e = sarif("ansible-lint/ansible-lint-broken.sarif");
    assert_eq!(
        rows(&e),
        [("load-failure[yaml]", Warning, "broken/broken.yml", 9)]
    );
    assert_eq!(e.findings[0].message, "found unexpected end of stream");
}

#[test]
fn zizmor_severities_become_levels_and_paths_stay_repository_relative() {
    // zizmor (regular persona): "13 findings (7 suppressed ...): 0
    // informational, 0 low, 2 medium, 4 high" — medium is warning, high
    // error. Persona-suppressed findings are not written.
    let e = sarif("zizmor/zizmor.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(levels(&e), [4, 2, 0]);
    let wf = ".github/workflows/release.yml";
    assert_eq!(
        rows(&e),
        [
            ("zizmor/artipacked", Warning, wf, 10),
            ("zizmor/excessive-permissions", Warning, wf, 7),
            ("zizmor/dangerous-triggers", Error, wf, 3),
            ("zizmor/template-injection", Error, wf, 14),
            ("zizmor/unpinned-uses", Error, wf, 10),
            ("zizmor/unpinned-uses", Error, wf, 15),
        ]
    );
    // The primary location comes first (release.yml:14:30 in the console).
    assert_eq!(column(&e.findings[3]), Some(30));
    assert!(
        e.findings[3]
            .message
            .starts_with("code injection via template expansion: may expand")
    );
}

#[test]
fn zizmor_informational_findings_are_notes_despite_their_review_kind() {
    // zizmor --persona auditor on ci.yml: 1 high, 1 informational, 1 ignored
    // by `# zizmor: ignore[concurrency-limits]` (absent from the log). The
    // informational result is written `kind: review` with `level: note`,
    // which SARIF does not allow together; the level is kept, with a warning.
    let e = sarif("zizmor/zizmor-auditor.sarif");
    let ci = ".github/workflows/ci.yml";
    assert_eq!(
        rows(&e),
        [
            ("zizmor/excessive-permissions", Error, ci, 3),
            ("zizmor/anonymous-definition", Note, ci, 5),
        ]
    );
    assert_eq!(e.files[0].warnings.len(), 1, "{:?}", e.files[0].warnings);
    assert!(e.files[0].warnings[0].contains("kind other than fail"));
}

#[test]
fn zizmor_skipping_a_workflow_it_cannot_parse_leaves_a_clean_log() {
    // zizmor logged "failed to parse input" for bad.yml on stderr, audited
    // ci.yml and exited 0. The log says executionSuccessful: true with no
    // notification and no results: nothing in it tells the skip.
    let e = sarif("zizmor/zizmor-unparsed.sarif");
    assert!(e.findings.is_empty());
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
}

#[test]
fn cfn_lint_warnings_without_a_level_read_as_warnings() {
    // cfn-lint --include-checks I: E3030, E3012, E2531, E1010; W2001; I3011
    // twice, I3013 (exit 14 = 2|4|8). Its serializer drops level "warning",
    // the SARIF default, and the rules have no defaultConfiguration.
    let e = sarif("cfn-lint/cfn-lint.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(levels(&e), [4, 1, 3]);
    let t = "templates/gateway.yaml";
    assert_eq!(
        rows(&e),
        [
            ("W2001", Warning, t, 7),
            ("E3030", Error, t, 15),
            ("I3011", Note, t, 16),
            ("I3011", Note, t, 16),
            ("I3013", Note, t, 18),
            ("E3012", Error, t, 19),
            ("E2531", Error, t, 23),
            ("E1010", Error, t, 25),
        ]
    );
    // The console's "templates/gateway.yaml:15:9".
    assert_eq!(column(&e.findings[1]), Some(9));
    // The I3011 ignored in the Topic's Metadata is not written.
    assert!(e.findings.iter().all(|f| f.suppressions.is_empty()));
}

#[test]
fn cfn_lint_parse_errors_are_error_findings_and_an_empty_log_is_refused() {
    // A template cfn-lint cannot parse: E0000 at the line after the last.
    let e = sarif("cfn-lint/cfn-lint-broken.sarif");
    assert_eq!(rows(&e), [("E0000", Error, "templates/broken.yaml", 6)]);
    // Without the `sarif` extra, cfn-lint raised ImportError, exit 1, and
    // the redirected output file is empty: refused, not read as clean.
    let err = common::try_producer(
        "cfn-lint/cfn-lint-no-sarif-extra.sarif",
        EvidenceKind::Findings,
    )
    .expect_err("an empty file is no SARIF log");
    assert!(err.to_string().contains("empty file"), "{err}");
}

#[test]
fn biome_levels_match_its_errors_warnings_and_infos_and_keep_absolute_paths() {
    // Biome: "Found 2 errors. Found 2 warnings. Found 2 infos."
    let e = sarif("biome/biome.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(levels(&e), [2, 2, 2]);
    // Biome writes absolute paths without a scheme; regops keeps them.
    let rate = "/workspace/pump-biome/src/rate.js";
    let util = "/workspace/pump-biome/src/util.ts";
    assert_eq!(
        rows(&e),
        [
            ("lint/correctness/noUnusedVariables", Note, rate, 2),
            ("lint/correctness/useParseIntRadix", Note, util, 2),
            ("lint/style/useConst", Warning, rate, 15),
            ("lint/suspicious/noExplicitAny", Warning, util, 1),
            ("lint/suspicious/noDoubleEquals", Error, rate, 5),
            ("lint/suspicious/noDebugger", Error, rate, 6),
        ]
    );
    assert_eq!(e.findings[0].tool, "Biome");
    // The `biome-ignore` at line 13 suppresses line 14: no result.
    assert!(e.findings.iter().all(|f| row(f).3 != 14));
}

#[test]
fn biome_syntax_errors_are_parse_errors() {
    // Biome: "Found 7 errors. Found 2 warnings.", 5 of the errors `parse`.
    let e = sarif("biome/biome-parse.sarif");
    assert_eq!(levels(&e), [7, 2, 0]);
    let parse: Vec<_> = e.findings.iter().filter(|f| f.rule == "parse").collect();
    assert_eq!(parse.len(), 5);
    assert!(parse.iter().all(|f| f.level == Error));
    assert_eq!(
        row(parse[0]),
        (
            "parse",
            Error,
            "/workspace/pump-biome-broken/src/broken.js",
            1
        )
    );
    assert_eq!(parse[0].message, "expected `,` but instead found `{`");
}

#[test]
fn oxlint_rule_and_artifact_indices_resolve() {
    // oxlint: "Found 3 warnings and 2 errors."
    let e = sarif("oxlint/oxlint.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(levels(&e), [2, 3, 0]);
    assert_eq!(
        rows(&e),
        [
            ("typescript(no-explicit-any)", Warning, "src/util.ts", 1),
            ("eslint(radix)", Warning, "src/util.ts", 2),
            ("eslint(no-unused-vars)", Warning, "src/rate.js", 2),
            ("eslint(eqeqeq)", Error, "src/rate.js", 5),
            ("eslint(no-debugger)", Error, "src/rate.js", 6),
        ]
    );
    assert_eq!(column(&e.findings[3]), Some(13));
    // `oxlint-disable-next-line eqeqeq` on line 13: no result for line 14.
    assert!(e.findings.iter().all(|f| row(f).3 != 14));
}

#[test]
fn staticcheck_levels_come_from_each_checks_default_configuration() {
    // staticcheck -checks all: 5 problems. Its own severity depends on
    // `-fail` ("5 errors, 0 warnings" with the default `-fail all`, "1
    // errors, 4 warnings" with `-fail SA5009`), but its SARIF writer drops
    // it: results carry no level, and each check's documented severity is
    // the rule's defaultConfiguration (SA5009 "error", the others
    // "warning"), which is all regops can read. Every result has
    // `"suppressions": []`, which is not a suppression.
    let e = sarif("staticcheck/staticcheck.sarif");
    assert!(e.files[0].warnings.is_empty(), "{:?}", e.files[0].warnings);
    assert_eq!(
        rows(&e),
        [
            ("U1000", Warning, "rate.go", 10),
            ("ST1005", Warning, "rate.go", 15),
            ("ST1005", Warning, "rate.go", 15),
            ("SA5009", Error, "rate.go", 22),
            ("S1003", Warning, "rate.go", 23),
        ]
    );
    assert!(e.findings.iter().all(|f| !f.is_suppressed()));
    assert_eq!(e.findings[0].tool, "Staticcheck");
}

#[test]
fn staticcheck_lint_ignore_is_an_in_source_suppression() {
    // -show-ignored: the `//lint:ignore S1003 ...` problem at 35:9 too, as
    // an inSource suppression; its reason is not written (justification "").
    let e = sarif("staticcheck/staticcheck-show-ignored.sarif");
    assert_eq!(e.findings.len(), 6);
    let suppressed: Vec<_> = e.findings.iter().filter(|f| f.is_suppressed()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(row(suppressed[0]), ("S1003", Warning, "rate.go", 35));
    let s = &suppressed[0].suppressions[0];
    assert_eq!(
        (s.kind.as_str(), s.status, s.justification.as_deref()),
        ("inSource", SuppressionStatus::Accepted, None)
    );
}

#[test]
fn staticcheck_code_that_does_not_compile_is_an_error() {
    // staticcheck could not type-check the package: two `compile` problems,
    // severity "error" in its JSON output and exit 1 even with `-fail none`
    // (nothing in the package was analysed). The SARIF results have no
    // level and `compile` is not among the driver's rules, so SARIF's
    // default would make them warnings; the log also says
    // executionSuccessful: true.
    let e = sarif("staticcheck/staticcheck-compile.sarif");
    assert_eq!(e.findings.len(), 2);
    assert!(e.findings.iter().all(|f| f.rule == "compile"));
    assert_eq!(
        rows(&e),
        [
            ("compile", Error, "dose.go", 4),
            ("compile", Error, "dose.go", 8),
        ]
    );
}
