//! SARIF from more real producers: the SARIF Multitool's converters
//! (CppCheck XML, Pylint JSON, FlawFinder CSV, a ClangAnalyzer plist it
//! crashed on) and its `merge`, pylint2sarif, flake8-sarif,
//! markdownlint-cli2's SARIF formatter, secretlint, HTMLHint and
//! stylelint-sarif-formatter, each held to what the tool itself printed.
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the versions, the commands and what the tool printed.

mod common;
use common::*;

use regops_evidence::{Evidence, EvidenceKind, Finding, FindingLevel};

use FindingLevel::{Error, Note, Warning};

type Row<'a> = (&'a str, FindingLevel, &'a str, Option<u32>, Option<u32>);

/// Rule, level, file, line and column of a finding.
fn row(f: &Finding) -> Row<'_> {
    let loc = f.location.as_ref().expect("a location");
    (
        f.rule.as_str(),
        f.level,
        loc.file.as_str(),
        loc.line,
        loc.column,
    )
}

fn rows(e: &Evidence) -> Vec<Row<'_>> {
    e.findings.iter().map(row).collect()
}

/// No producer here writes suppressions or baselines: every tool drops what
/// an in-source directive silences.
fn nothing_suppressed(e: &Evidence) {
    assert!(
        e.findings
            .iter()
            .all(|f| f.suppressions.is_empty() && !f.is_suppressed())
    );
}

fn load_str(log: &str) -> Evidence {
    try_bytes("x.sarif", log.as_bytes(), EvidenceKind::Findings, None).expect("loads")
}

// ---------------------------------------------------------------------------
// SARIF Multitool 5.7.0 `convert -t CppCheck` (cppcheck 2.10 `--xml`)

const MT: &str = "sarif-multitool";

/// What cppcheck printed (`cppcheck.console.txt` in PROVENANCE.md): 3
/// `error`, 1 `warning`, 9 `style`, 1 `information`; the `memleak` under
/// `// cppcheck-suppress memleak` is not reported. cppcheck's own SARIF
/// reads error as `error`, warning and style as `warning`, information as
/// `note`. The converter drops columns.
fn cppcheck_rows() -> Vec<Row<'static>> {
    let unused_fn = "unusedFunction";
    vec![
        ("getsCalled", Warning, "src/alarm.c", Some(9), None),
        ("unusedVariable", Warning, "src/alarm.c", Some(5), None),
        ("syntaxError", Error, "src/broken.c", Some(1), None),
        ("arrayIndexOutOfBounds", Error, "src/pump.c", Some(8), None),
        ("deallocuse", Error, "src/pump.c", Some(28), None),
        ("unreadVariable", Warning, "src/pump.c", Some(8), None),
        ("unreadVariable", Warning, "src/pump.c", Some(33), None),
        (
            "unusedAllocatedMemory",
            Warning,
            "src/pump.c",
            Some(33),
            None,
        ),
        (unused_fn, Warning, "src/alarm.c", Some(3), None),
        (unused_fn, Warning, "src/pump.c", Some(5), None),
        (unused_fn, Warning, "src/pump.c", Some(12), None),
        (unused_fn, Warning, "src/pump.c", Some(21), None),
        (unused_fn, Warning, "src/pump.c", Some(31), None),
    ]
}

#[test]
fn multitool_cppcheck_levels_come_from_cppchecks_severity() {
    let e = sarif(&format!("{MT}/cppcheck-multitool.sarif"));
    assert_eq!(levels(&e), [3, 10, 1]);
    let (located, unlocated): (Vec<&Finding>, Vec<&Finding>) =
        e.findings.iter().partition(|f| f.location.is_some());
    assert_eq!(
        located.iter().map(|f| row(f)).collect::<Vec<_>>(),
        cppcheck_rows()
    );
    // `nofile:0:0: information: ... [missingIncludeSystem]`: no location.
    assert_eq!(unlocated.len(), 1);
    assert_eq!(unlocated[0].rule, "missingIncludeSystem");
    assert_eq!(unlocated[0].level, Note);
    assert!(
        e.findings.iter().all(|f| f.tool == "CppCheck"
            && f.fingerprint.is_none()
            && f.security_severity.is_none())
    );
    // The converter writes cppcheck's `verbose` text, not its `msg`.
    assert_eq!(
        e.findings[0].message,
        "The obsolete function 'gets' is called. With 'gets' you'll get a buffer overrun if \
         the input data exceeds the size of the buffer. It is recommended to use the functions \
         'fgets' or 'gets_s' instead."
    );
    assert_eq!(
        e.findings[4].message,
        "Dereferencing 'q' after it is deallocated / released"
    );
    nothing_suppressed(&e);
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(
        warnings(&e)[0].starts_with("14 Cppcheck result(s) converted by the SARIF Multitool"),
        "{:?}",
        warnings(&e)
    );
}

#[test]
fn cppcheck_severity_is_read_only_from_the_multitools_levelless_results() {
    let log = |driver: &str, level: &str, default: &str| {
        format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"{driver}",
            "rules":[{{"id":"r"{default}}}]}}}},
            "results":[{{"ruleId":"r"{level},"message":{{"text":"m"}},
            "properties":{{"Severity":"error"}}}}]}}]}}"#
        )
    };
    let read = |driver: &str, level: &str, default: &str| {
        let e = load_str(&log(driver, level, default));
        (e.findings[0].level, warnings(&e).len())
    };
    assert_eq!(read("CppCheck", "", ""), (Error, 1));
    // cppcheck's own SARIF (driver `Cppcheck`) writes a level: kept.
    assert_eq!(read("Cppcheck", r#","level":"note""#, ""), (Note, 0));
    // A rule default wins, as SARIF says.
    let default = r#","defaultConfiguration":{"level":"note"}"#;
    assert_eq!(read("CppCheck", "", default), (Note, 0));
    // Another tool's `Severity` property is not cppcheck's.
    assert_eq!(read("Pylint", "", ""), (Warning, 0));
    assert_eq!(read("semgrep", "", ""), (Warning, 0));
    // A severity cppcheck does not have, or not a string: the SARIF default.
    let odd = load_str(
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"CppCheck"}},"results":[
        {"ruleId":"a","message":{"text":"m"},"properties":{"Severity":"fatal"}},
        {"ruleId":"b","message":{"text":"m"},"properties":{"Severity":3}},
        {"ruleId":"c","message":{"text":"m"},"properties":{"Severity":"information"}},
        {"ruleId":"d","message":{"text":"m"},"properties":{"Severity":"performance"}}]}]}"#,
    );
    let got: Vec<FindingLevel> = odd.findings.iter().map(|f| f.level).collect();
    assert_eq!(got, [Warning, Warning, Note, Warning]);
}

// ---------------------------------------------------------------------------
// SARIF Multitool `convert -t Pylint` and pylint2sarif (pylint 4.1.4)

/// The places pylint printed (`pylint.txt`), 0-based columns as pylint
/// gives them, made 1-based (`9:15` is the 16th character: `undefined_rate`
/// after 8 spaces and `return `), in pylint's order; its category letter.
fn pylint_places() -> Vec<(&'static str, &'static str, u32, u32)> {
    let dose = "infusion/dose.py";
    let alarm = "infusion/alarm.py";
    vec![
        ("E0001", "infusion/broken.py", 4, 13),
        ("E0602", dose, 9, 16),
        ("W0102", dose, 13, 1),
        ("W0613", dose, 13, 24),
        ("W0612", dose, 15, 5),
        ("E1306", dose, 23, 11),
        ("C0209", dose, 23, 11),
        ("W0123", dose, 25, 9),
        ("W0611", dose, 2, 1),
        ("W0611", dose, 3, 1),
        ("C0115", alarm, 4, 1),
        ("C0103", alarm, 4, 1),
        ("C0116", alarm, 5, 5),
        ("C0103", alarm, 5, 5),
        ("R1705", alarm, 6, 9),
        ("C0121", alarm, 6, 12),
        ("R0903", alarm, 4, 1),
    ]
}

#[test]
fn multitool_pylint_columns_read_one_based() {
    let e = sarif(&format!("{MT}/pylint-multitool.sarif"));
    // pylint: 3 errors (E), exit 30 = error + warning + refactor +
    // convention. The converter writes E as error, R as note, and W and C
    // without a level (warning).
    assert_eq!(levels(&e), [3, 12, 2]);
    let got: Vec<(String, &str, u32, u32)> = e
        .findings
        .iter()
        .map(|f| {
            let (rule, _, file, line, column) = row(f);
            (
                rule[..5].to_string(),
                file,
                line.expect("line"),
                column.expect("column"),
            )
        })
        .collect();
    let want: Vec<(String, &str, u32, u32)> = pylint_places()
        .into_iter()
        .map(|(r, f, l, c)| (r.to_string(), f, l, c))
        .collect();
    assert_eq!(got, want);
    for f in &e.findings {
        let want = match f.rule.as_bytes()[0] {
            b'E' => Error,
            b'R' => Note,
            _ => Warning,
        };
        assert_eq!(f.level, want, "{}", f.rule);
        assert_eq!(f.tool, "Pylint");
        assert!(f.fingerprint.is_none());
    }
    // Rule ids as the converter writes them: code and symbol.
    assert_eq!(e.findings[1].rule, "E0602(undefined-variable)");
    assert_eq!(e.findings[1].message, "Undefined variable 'undefined_rate'");
    nothing_suppressed(&e);
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].starts_with("17 Pylint result column(s)"));
}

#[test]
fn pylint2sarif_levels_come_from_pylints_categories() {
    let e = sarif("pylint2sarif/pylint2sarif.sarif");
    // pylint's categories as pylint2sarif's rules give them: E error,
    // W warning, C and R note. Every result says `warning`.
    assert_eq!(levels(&e), [3, 6, 8]);
    let got: Vec<(&str, FindingLevel, &str, u32, u32)> = e
        .findings
        .iter()
        .map(|f| {
            let (rule, level, file, line, column) = row(f);
            (rule, level, file, line.expect("line"), column.expect("col"))
        })
        .collect();
    let want: Vec<(&str, FindingLevel, String, u32, u32)> = pylint_places()
        .into_iter()
        .map(|(r, f, l, c)| {
            let level = match r.as_bytes()[0] {
                b'E' => Error,
                b'W' => Warning,
                _ => Note,
            };
            (r, level, format!("/tmp/sr3/py/{f}"), l, c)
        })
        .collect();
    let got: Vec<(&str, FindingLevel, String, u32, u32)> = got
        .into_iter()
        .map(|(r, l, f, n, c)| (r, l, f.to_string(), n, c))
        .collect();
    assert_eq!(got, want);
    assert!(e.findings.iter().all(|f| f.tool == "pylint"));
    assert_eq!(
        e.findings[0].message,
        "Parsing failed: 'invalid syntax (infusion.broken, line 4)'."
    );
    nothing_suppressed(&e);
    // `ruleIndex: -1` and artifact `index: -1` (sarif-om's "unset") beside
    // the ids and uris: no warning about them.
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].starts_with("11 pylint result(s) written by pylint2sarif"));
}

#[test]
fn pylint_corrections_touch_only_their_converters() {
    let log = |driver: &str, rule: &str, level: &str| {
        format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"{driver}",
            "rules":[{{"id":"E0602","defaultConfiguration":{{"level":"error"}}}}]}}}},
            "results":[{{"ruleId":"{rule}"{level},"message":{{"text":"m"}},
            "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"a.py"}},
            "region":{{"startLine":9,"startColumn":15}}}}}}]}}]}}]}}"#
        )
    };
    let read = |driver: &str, rule: &str, level: &str| {
        let e = load_str(&log(driver, rule, level));
        let f = &e.findings[0];
        (f.level, f.location.as_ref().and_then(|l| l.column))
    };
    let warning = r#","level":"warning""#;
    assert_eq!(read("pylint", "E0602", warning), (Error, Some(15)));
    // Other drivers (flake8-sarif, any tool) keep their explicit level.
    assert_eq!(read("flake8", "E0602", warning), (Warning, Some(15)));
    assert_eq!(read("Pylint", "E0602", warning), (Warning, Some(15)));
    assert_eq!(
        read("pylint", "E0602", r#","level":"note""#),
        (Note, Some(15))
    );
    assert_eq!(read("pylint", "E0602", ""), (Error, Some(15)));
    // The Multitool's ids `E0602(symbol)` under `Pylint` alone are shifted.
    assert_eq!(
        read("Pylint", "E0602(undefined-variable)", ""),
        (Warning, Some(16))
    );
    assert_eq!(
        read("pylint", "E0602(undefined-variable)", ""),
        (Warning, Some(15))
    );
    assert_eq!(
        read("ruff", "E0602(undefined-variable)", ""),
        (Warning, Some(15))
    );
}

// ---------------------------------------------------------------------------
// SARIF Multitool `convert -t FlawFinder` (flawfinder 2.0.19 `--csv`)

#[test]
fn multitool_flawfinder_keeps_flawfinders_levels_and_context_hashes() {
    let e = sarif(&format!("{MT}/flawfinder-multitool.sarif"));
    // flawfinder: "Hits = 7": four at risk 4–5, three at 2; the `strcpy`
    // under `/* flawfinder: ignore */` is not a hit.
    assert_eq!(levels(&e), [4, 0, 3]);
    assert_eq!(
        rows(&e),
        vec![
            ("FF1014", Error, "src/alarm.c", Some(9), Some(5)),
            ("FF1001", Error, "src/pump.c", Some(17), Some(5)),
            ("FF1015", Error, "src/pump.c", Some(24), Some(5)),
            ("FF1016", Error, "src/pump.c", Some(25), Some(5)),
            ("FF1013", Note, "src/alarm.c", Some(8), Some(5)),
            ("FF1013", Note, "src/pump.c", Some(14), Some(5)),
            ("FF1013", Note, "src/pump.c", Some(23), Some(5)),
        ]
    );
    assert_eq!(
        e.findings[0].fingerprint.as_deref(),
        Some("contextHash/v1=29c49adceef807d8aa1ee1b21471b5bffea3dcdc1cf1ad1e3de4feeb8f31a8ad")
    );
    assert_eq!(
        e.findings[0].message,
        "buffer/gets: Does not check for buffer overflows (CWE-120, CWE-20)."
    );
    assert!(e.findings.iter().all(|f| f.tool == "Flawfinder"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// SARIF Multitool `convert -t ClangAnalyzer` crashing on clang 14's plist

#[test]
fn multitool_crash_leaves_a_run_that_did_not_analyse() {
    // The converter threw ArgumentNullException (exit 1) and left
    // `"tool":{"driver":null}` and no `results`: not a clean run.
    let e = sarif(&format!("{MT}/clang-analyzer-multitool-crashed.sarif"));
    assert_eq!(e.findings.len(), 1);
    let f = &e.findings[0];
    assert_eq!(f.rule, "regops/analysis-failed");
    assert_eq!(f.level, Error);
    assert_eq!(f.tool, "");
    assert!(f.location.is_none());
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].contains("did not analyse the code (the run has no results)"));
}

// ---------------------------------------------------------------------------
// SARIF Multitool `merge` of cppcheck, flawfinder and flake8 logs

#[test]
fn multitool_merge_keeps_one_run_per_tool_and_each_runs_levels() {
    let e = sarif(&format!("{MT}/merged.sarif"));
    let by = |tool: &str| {
        let n = |l| {
            e.findings
                .iter()
                .filter(|f| f.tool == tool && f.level == l)
                .count()
        };
        [n(Error), n(Warning), n(Note)]
    };
    // merge adds `rules` (ids only) and `ruleIndex` to the CppCheck run.
    assert_eq!(by("CppCheck"), [3, 10, 1]);
    assert_eq!(by("Flawfinder"), [4, 0, 3]);
    assert_eq!(by("flake8"), [2, 5, 0]);
    assert_eq!(e.findings.len(), 14 + 7 + 7);
    let cppcheck: Vec<Row> = e
        .findings
        .iter()
        .filter(|f| f.tool == "CppCheck" && f.location.is_some())
        .map(row)
        .collect();
    assert_eq!(cppcheck, cppcheck_rows());
    nothing_suppressed(&e);
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(warnings(&e)[0].starts_with("14 Cppcheck result(s)"));
}

// ---------------------------------------------------------------------------
// flake8 7.5.0 with flake8-sarif 1.0.15

#[test]
fn flake8_sarif_levels_are_its_rules_defaults() {
    let e = sarif("flake8-sarif/flake8.sarif");
    // flake8 printed 7 violations and exits 1 for any; it has no severity.
    // flake8-sarif gives pycodestyle's E codes `error` and pyflakes' F codes
    // no level (warning) in the rules; the `# noqa: F841` line is absent.
    assert_eq!(levels(&e), [2, 5, 0]);
    assert_eq!(
        rows(&e),
        vec![
            ("E711", Error, "infusion/alarm.py", Some(6), Some(18)),
            ("E999", Error, "infusion/broken.py", Some(4), Some(13)),
            ("F401", Warning, "infusion/dose.py", Some(2), Some(1)),
            ("F401", Warning, "infusion/dose.py", Some(3), Some(1)),
            ("F821", Warning, "infusion/dose.py", Some(9), Some(16)),
            ("F841", Warning, "infusion/dose.py", Some(15), Some(5)),
            ("F507", Warning, "infusion/dose.py", Some(23), Some(11)),
        ]
    );
    assert_eq!(e.findings[1].message, "SyntaxError: invalid syntax");
    assert!(e.findings.iter().all(|f| f.tool == "flake8"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// markdownlint-cli2 0.22.1 with markdownlint-cli2-formatter-sarif 0.0.4

#[test]
fn markdownlint_sarif_keeps_configured_warnings() {
    let e = sarif("markdownlint-cli2/markdownlint.sarif");
    // Its console: "Summary: 9 error(s)", then 7 lines `error` and 2
    // `warning` (MD041 and MD004 set to warning in .markdownlint.jsonc):
    // the summary counts both.
    assert_eq!(levels(&e), [7, 2, 0]);
    assert_eq!(
        rows(&e),
        vec![
            ("MD041", Warning, "docs.md", Some(1), None),
            ("MD040", Error, "docs.md", Some(3), None),
            ("MD022", Error, "README.md", Some(1), None),
            ("MD009", Error, "README.md", Some(2), Some(31)),
            ("MD022", Error, "README.md", Some(3), None),
            ("MD032", Error, "README.md", Some(5), None),
            ("MD004", Warning, "README.md", Some(6), Some(1)),
            ("MD032", Error, "README.md", Some(6), None),
            ("MD033", Error, "README.md", Some(11), Some(1)),
        ]
    );
    assert_eq!(
        e.findings[3].message,
        "Trailing spaces, Expected: 0 or 2; Actual: 3"
    );
    assert!(e.findings.iter().all(|f| f.tool == "markdownlint-cli2"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// secretlint 12.0.0 with @secretlint/secretlint-formatter-sarif 13.0.5

#[test]
fn secretlint_sarif_names_the_rule_by_its_preset_path() {
    let e = sarif("secretlint/secretlint.sarif");
    // "✖ 3 problems (3 errors, 0 warnings, 0 infos)"; the token under
    // `# secretlint-disable-next-line` is not reported.
    assert_eq!(levels(&e), [3, 0, 0]);
    let preset = "@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-";
    let aws = format!("{preset}aws");
    let slack = format!("{preset}slack");
    let basic = format!("{preset}basicauth");
    // The console's `2:0`, `1:15`, `2:13` are 0-based columns.
    assert_eq!(
        rows(&e),
        vec![
            (aws.as_str(), Error, "sec/config.env", Some(2), Some(1)),
            (slack.as_str(), Error, "sec/deploy.js", Some(1), Some(16)),
            (basic.as_str(), Error, "sec/deploy.js", Some(2), Some(14)),
        ]
    );
    // The secret is masked in the message.
    assert_eq!(
        e.findings[0].message,
        "found AWS Secret Access Key: ****************************************"
    );
    assert!(e.findings.iter().all(|f| f.tool == "secretlint"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// HTMLHint 1.9.2 `--format sarif`

#[test]
fn htmlhint_sarif_counts_its_warnings_apart() {
    let e = sarif("htmlhint/htmlhint.sarif");
    // "Scanned 2 files, found 9 errors in 2 files": its count includes
    // alt-require, a rule of type warning.
    assert_eq!(levels(&e), [8, 1, 0]);
    let index = "html/index.html";
    let broken = "html/broken.html";
    assert_eq!(
        rows(&e),
        vec![
            ("id-unique", Error, index, Some(7), Some(17)),
            ("alt-require", Warning, index, Some(8), Some(5)),
            ("tagname-lowercase", Error, index, Some(9), Some(1)),
            ("tagname-lowercase", Error, index, Some(9), Some(9)),
            ("attr-lowercase", Error, index, Some(11), Some(6)),
            ("attr-value-double-quotes", Error, index, Some(11), Some(16)),
            ("doctype-first", Error, broken, Some(1), Some(1)),
            ("tag-pair", Error, broken, Some(1), Some(18)),
            ("tag-pair", Error, broken, Some(3), Some(1)),
        ]
    );
    assert!(e.findings.iter().all(|f| f.tool == "HTMLHint"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// stylelint 17.16.0 with stylelint-sarif-formatter 1.0.7

#[test]
fn stylelint_sarif_reads_its_syntax_error_as_an_error() {
    let e = sarif("stylelint-sarif/stylelint.sarif");
    // "✖ 6 problems (4 errors, 2 warnings)", the CssSyntaxError among the
    // errors; the line under `stylelint-disable-next-line` is not reported.
    assert_eq!(levels(&e), [4, 2, 0]);
    let pump = "/tmp/sr3/css/pump.css";
    assert_eq!(
        rows(&e),
        vec![
            (
                "CssSyntaxError",
                Error,
                "/tmp/sr3/css/broken.css",
                Some(2),
                Some(1)
            ),
            ("block-no-empty", Error, pump, Some(2), Some(8)),
            ("color-no-invalid-hex", Error, pump, Some(1), Some(16)),
            (
                "declaration-block-no-duplicate-properties",
                Error,
                pump,
                Some(4),
                Some(9)
            ),
            ("length-zero-no-unit", Warning, pump, Some(3), Some(21)),
            ("selector-max-id", Warning, pump, Some(3), Some(1)),
        ]
    );
    assert_eq!(e.findings[0].message, "Unclosed block (CssSyntaxError)");
    assert!(e.findings.iter().all(|f| f.tool == "stylelint"));
    nothing_suppressed(&e);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}
