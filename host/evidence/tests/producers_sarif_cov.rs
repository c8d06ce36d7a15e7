//! SARIF from the converters of the sarif-rs family (clang-tidy-sarif,
//! shellcheck-sarif) and coverage from cargo-tarpaulin (Cobertura and LCOV,
//! both engines), each held to what the tool itself reported.
//!
//! Every fixture here is real tool output; its directory's PROVENANCE.md
//! gives the versions, the commands and what the tool printed.

mod common;
use common::*;

use regops_evidence::{Evidence, EvidenceKind, Finding, FindingLevel, Format};

use FindingLevel::{Error, Note, Warning};

/// Rule, level, file, line and column of a finding.
fn row(f: &Finding) -> (&str, FindingLevel, &str, u32, u32) {
    let loc = f.location.as_ref().expect("a location");
    (
        f.rule.as_str(),
        f.level,
        loc.file.as_str(),
        loc.line.expect("a line"),
        loc.column.expect("a column"),
    )
}

fn rows(e: &Evidence) -> Vec<(&str, FindingLevel, &str, u32, u32)> {
    e.findings.iter().map(row).collect()
}

/// The findings at `file:line`, by rule.
fn at<'e>(e: &'e Evidence, file: &str, line: u32) -> Vec<&'e str> {
    e.findings
        .iter()
        .filter(|f| {
            f.location
                .as_ref()
                .is_some_and(|l| l.file == file && l.line == Some(line))
        })
        .map(|f| f.rule.as_str())
        .collect()
}

// ---------------------------------------------------------------------------
// clang-tidy 14 through clang-tidy-sarif 0.8.0

const CT: &str = "/tmp/regops-producers/clang-tidy";

/// What clang-tidy printed for pump.c, alarm.c and broken.c in one call
/// (`clang-tidy.txt`): 17 warnings, 2 compiler errors, and the use after
/// free made an error by `WarningsAsErrors` ("1 warning treated as error").
/// Paths as clang-tidy printed them: `src/alarm.c:5:20` alone is relative
/// (a diagnostic without a fix, spelt as the compilation database names the
/// file).
fn clang_tidy_rows() -> Vec<(&'static str, FindingLevel, String, u32, u32)> {
    let ring = format!("{CT}/include/ring.h");
    let alarm = format!("{CT}/src/alarm.c");
    let broken = format!("{CT}/src/broken.c");
    let pump = format!("{CT}/src/pump.c");
    let braces = "readability-braces-around-statements";
    let magic = "readability-magic-numbers";
    let else_return = "readability-else-after-return";
    vec![
        (braces, Warning, ring.clone(), 15, 21),
        (else_return, Warning, ring.clone(), 17, 5),
        (braces, Warning, ring.clone(), 17, 9),
        (magic, Warning, ring, 25, 35),
        (magic, Warning, "src/alarm.c".to_string(), 5, 20),
        (braces, Warning, alarm.clone(), 5, 23),
        (magic, Warning, alarm.clone(), 7, 23),
        ("bugprone-integer-division", Warning, alarm, 12, 20),
        ("clang-diagnostic-error", Error, broken.clone(), 5, 15),
        ("clang-diagnostic-error", Error, broken, 5, 23),
        ("bugprone-macro-parentheses", Warning, pump.clone(), 5, 25),
        (
            "clang-analyzer-deadcode.DeadStores",
            Warning,
            pump.clone(),
            17,
            9,
        ),
        (braces, Warning, pump.clone(), 17, 18),
        (braces, Warning, pump.clone(), 25, 12),
        (
            "clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling",
            Warning,
            pump.clone(),
            27,
            5,
        ),
        ("clang-analyzer-unix.Malloc", Error, pump.clone(), 35, 12),
        (magic, Warning, pump.clone(), 40, 24),
        (magic, Warning, pump.clone(), 41, 13),
        (magic, Warning, pump.clone(), 42, 16),
        (else_return, Warning, pump, 43, 7),
    ]
}

fn owned(e: &Evidence) -> Vec<(&str, FindingLevel, String, u32, u32)> {
    rows(e)
        .into_iter()
        .map(|(r, l, f, n, c)| (r, l, f.to_string(), n, c))
        .collect()
}

#[test]
fn clang_tidy_sarif_keeps_each_check_its_level_and_place() {
    let e = sarif("clang-tidy-sarif/clang-tidy.sarif");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert_eq!(levels(&e), [3, 17, 0]);
    assert_eq!(owned(&e), clang_tidy_rows());
    assert!(e.findings.iter().all(|f| f.tool == "clang-tidy"
        && f.fingerprint.is_none()
        && f.suppressions.is_empty()
        && f.security_severity.is_none()));
    // `-warnings-as-errors` adds itself to the check list
    // (`[clang-analyzer-unix.Malloc,-warnings-as-errors]`): the rule is the
    // check, and the message the warning's, not its path notes'
    // ("Memory is allocated", ... are relatedLocations).
    let malloc = &e.findings[15];
    assert_eq!(malloc.rule, "clang-analyzer-unix.Malloc");
    assert_eq!(malloc.message, "Use of memory after it is freed");
    assert_eq!(
        e.findings[16].message,
        "5 is a magic number; consider replacing it with a named constant"
    );
    // The dead store on line 40 is silenced by its NOLINT: no result at all,
    // only the magic number clang-tidy still reports there.
    assert_eq!(
        at(&e, &format!("{CT}/src/pump.c"), 40),
        ["readability-magic-numbers"]
    );
    // The note that follows a fix ("this fix will not be applied because it
    // overlaps with another fix") has no place and is no result.
    assert!(e.findings.iter().all(|f| !f.message.contains("this fix")));
}

#[test]
fn run_clang_tidy_repeats_header_diagnostics_per_file_and_they_count_once() {
    // run-clang-tidy runs one clang-tidy per file of the compilation
    // database, so the four diagnostics in ring.h come three times (28
    // results); clang-tidy over the same files in one call reports them once.
    // One defect in a header must not count as three errors.
    let e = sarif("clang-tidy-sarif/run-clang-tidy-nocolor.sarif");
    assert_eq!(levels(&e), [3, 17, 0]);
    let mut read = owned(&e);
    let mut once = clang_tidy_rows();
    read.sort();
    once.sort();
    assert_eq!(read, once);
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(
        warnings(&e)[0].starts_with("8 clang-tidy result(s) repeat one already read"),
        "{:?}",
        warnings(&e)
    );
    // In the file's order, the first copy kept: pump.c's run came first,
    // its copy of the header before its own diagnostics.
    assert_eq!(row(&e.findings[0]).2, format!("{CT}/include/ring.h"));
    assert_eq!(e.findings[4].rule, "bugprone-macro-parentheses");
}

#[test]
fn run_clang_tidy_colours_leave_clang_tidy_sarif_nothing_to_read() {
    // run-clang-tidy 14 always passes --use-color; clang-tidy-sarif's
    // pattern then matches no line and it writes a run with `"results": []`,
    // which SARIF reads as a run that found nothing (§3.14.23). Nothing in
    // the log tells it from a clean run: the pipeline has to strip the
    // colours (PROVENANCE.md, docs/evidence.md).
    let e = sarif("clang-tidy-sarif/run-clang-tidy.sarif");
    assert!(e.findings.is_empty());
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn clang_tidy_repeats_are_left_out_only_for_clang_tidy_and_only_when_equal() {
    let log = |driver: &str| {
        let result = |line: u32, message: &str| {
            format!(
                r#"{{"ruleId":"readability-magic-numbers","level":"warning","message":{{"text":"{message}"}},
                "locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"include/ring.h"}},"region":{{"startLine":{line},"startColumn":35}}}}}}]}}"#
            )
        };
        let run = |results: &[String]| {
            format!(
                r#"{{"results":[{}],"tool":{{"driver":{{"name":"{driver}"}}}}}}"#,
                results.join(",")
            )
        };
        let seven = result(25, "7 is a magic number");
        format!(
            r#"{{"version":"2.1.0","runs":[{},{}]}}"#,
            run(&[
                seven.clone(),
                seven.clone(),
                result(26, "7 is a magic number"),
                result(25, "8 is a magic number"),
            ]),
            // A second run of the same log repeats it too.
            run(std::slice::from_ref(&seven)),
        )
    };
    let load = |driver: &str| {
        try_bytes(
            "x.sarif",
            log(driver).as_bytes(),
            EvidenceKind::Findings,
            None,
        )
        .expect("loads")
    };
    let tidy = load("clang-tidy");
    assert_eq!(tidy.findings.len(), 3);
    assert!(warnings(&tidy)[0].starts_with("2 clang-tidy result(s) repeat"));
    // Another tool's equal results are its own business.
    let other = load("cppcheck");
    assert_eq!(other.findings.len(), 5);
    assert!(warnings(&other).is_empty(), "{:?}", warnings(&other));
}

// ---------------------------------------------------------------------------
// ShellCheck 0.9.0 through shellcheck-sarif 0.8.0

#[test]
fn shellcheck_sarif_codes_read_as_shellchecks_own_and_levels_as_its_severities() {
    // ShellCheck (exit 1): broken.sh cannot be parsed (SC1046, SC1073,
    // SC1047, SC1072, all errors); deploy.sh has 1 error, 4 warnings, 5
    // infos and 3 styles. shellcheck-sarif maps info and style to note. The
    // `# shellcheck disable=SC2086` on line 17 leaves no result on line 18.
    let e = sarif("shellcheck-sarif/shellcheck.sarif");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    assert_eq!(levels(&e), [5, 4, 8]);
    let broken = "scripts/broken.sh";
    let deploy = "scripts/deploy.sh";
    assert_eq!(
        rows(&e),
        [
            ("SC1046", Error, broken, 2, 1),
            ("SC1073", Error, broken, 2, 1),
            ("SC1047", Error, broken, 4, 1),
            ("SC1072", Error, broken, 4, 1),
            ("SC2086", Note, deploy, 10, 8),
            ("SC2070", Error, deploy, 13, 9),
            ("SC2086", Note, deploy, 13, 9),
            ("SC2046", Warning, deploy, 20, 6),
            ("SC2005", Note, deploy, 20, 6),
            ("SC2006", Note, deploy, 20, 6),
            ("SC2002", Note, deploy, 22, 5),
            ("SC2162", Note, deploy, 22, 26),
            ("SC2034", Warning, deploy, 22, 31),
            ("SC2030", Note, deploy, 23, 5),
            ("SC2031", Note, deploy, 25, 7),
            ("SC2034", Warning, deploy, 27, 1),
            ("SC2166", Warning, deploy, 28, 35),
        ]
    );
    assert!(at(&e, deploy, 18).is_empty());
    assert_eq!(
        e.findings[5].message,
        "-n doesn't work with unquoted arguments. Quote or use [[ ]]."
    );
    assert_eq!(
        e.findings[12].message,
        "line appears unused. Verify use (or export if used externally)."
    );
    assert!(
        e.findings.iter().all(|f| f.tool == "shellcheck"
            && f.fingerprint.is_none()
            && f.suppressions.is_empty())
    );
}

#[test]
fn only_shellchecks_bare_numbers_gain_the_sc_prefix() {
    let log = |driver: &str, rule: &str| {
        format!(
            r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"{driver}"}}}},
            "results":[{{"ruleId":"{rule}","level":"warning","message":{{"text":"m"}}}}]}}]}}"#
        )
    };
    let rule = |driver: &str, rule: &str| {
        let e = try_bytes(
            "x.sarif",
            log(driver, rule).as_bytes(),
            EvidenceKind::Findings,
            None,
        )
        .expect("loads");
        e.findings[0].rule.clone()
    };
    assert_eq!(rule("shellcheck", "2086"), "SC2086");
    assert_eq!(rule("ShellCheck", "SC2086"), "SC2086");
    assert_eq!(rule("shellcheck", "2086x"), "2086x");
    assert_eq!(rule("hadolint", "2086"), "2086");
}

// ---------------------------------------------------------------------------
// cargo-tarpaulin 0.37.5

#[test]
fn tarpaulin_ptrace_reports_lines_only_in_both_formats() {
    // Console: "src/alarm.rs: 4/6", "src/lib.rs: 8/12", "66.67% coverage,
    // 12/18 lines covered". By hand: lib.rs leaves line 10 (`1`, no test
    // asks for rate 0) and bolus (23–25, never called) uncovered; alarm.rs
    // leaves `silenced` (10–11). Tarpaulin measures no branches (`--branch`
    // changes nothing); its Cobertura root says branches-valid="0", which is
    // no branch data, not 0 of 0.
    let cob = producer("tarpaulin/cobertura.xml", EvidenceKind::Coverage);
    assert_eq!(cob.files[0].format, Format::Cobertura);
    assert!(warnings(&cob).is_empty(), "{:?}", warnings(&cob));
    let lcov = producer("tarpaulin/lcov.info", EvidenceKind::Coverage);
    assert_eq!(lcov.files[0].format, Format::Lcov);
    assert!(warnings(&lcov).is_empty(), "{:?}", warnings(&lcov));
    // Cobertura's filename is relative to the crate; LCOV's SF is absolute.
    let base = "/tmp/regops-producers/tarpaulin/";
    for (e, prefix) in [(&cob, ""), (&lcov, base)] {
        let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                format!("{prefix}src/alarm.rs"),
                format!("{prefix}src/lib.rs")
            ]
        );
        let alarm = file(&e.coverage, &format!("{prefix}src/alarm.rs"));
        assert_eq!(alarm.lines, counts(4, 6));
        assert_eq!(alarm.branches, None);
        let lib = file(&e.coverage, &format!("{prefix}src/lib.rs"));
        assert_eq!(lib.lines, counts(8, 12));
        assert_eq!(lib.branches, None);
    }
}

#[test]
fn tarpaulin_llvm_engine_counts_the_match_line_too() {
    // `--engine llvm`: "src/alarm.rs: 5/7", "src/lib.rs: 8/12", 13/19. The
    // LLVM regions make `match pressure {` (alarm.rs line 3) a line of its
    // own; the ptrace engine has no breakpoint there.
    for rel in ["tarpaulin/cobertura-llvm.xml", "tarpaulin/lcov-llvm.info"] {
        let e = producer(rel, EvidenceKind::Coverage);
        assert!(warnings(&e).is_empty(), "{rel}: {:?}", warnings(&e));
        let lines: Vec<_> = e.coverage.iter().map(|f| (f.lines, f.branches)).collect();
        assert_eq!(
            lines,
            [(counts(5, 7), None), (counts(8, 12), None)],
            "{rel}"
        );
    }
}
