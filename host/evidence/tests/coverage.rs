//! Coverage beyond Cobertura: LCOV and JaCoCo, from real producers
//! (coverage.py, c8, JaCoCo) and hand-made awkward cases.

mod common;

use common::*;
use regops_evidence::{CoverageCounts, Error, Evidence, EvidenceKind, Format};

// ---------------------------------------------------------------------------
// LCOV

#[test]
fn lcov_records_for_one_file_are_merged_by_path() {
    let e = fixture(
        "tests/fixtures/handmade-coverage/lcov-split-records.info",
        EvidenceKind::Coverage,
    );
    assert_eq!(e.files[0].format, Format::Lcov);
    let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
    // First-seen order; dose.c's two records (test names `unit` and
    // `integration`) are one file.
    assert_eq!(paths, ["src/pump/dose.c", "src/pump/alarm.c"]);

    // Lines 3-7 from the first record, 5, 6, 9, 10 from the second: line 5
    // is covered by the second run only; 9 and 10 by neither.
    let dose = file(&e.coverage, "src/pump/dose.c");
    assert_eq!(dose.lines, counts(5, 7));
    // Branches (4,0,0) taken only in the second run, (4,0,1) in the first,
    // (8,0,0) and (8,0,1) never ran ("-").
    assert_eq!(dose.branches, Some(counts(2, 4)));

    // The report measured branches, so a file without any has 0 of 0.
    let alarm = file(&e.coverage, "src/pump/alarm.c");
    assert_eq!(alarm.lines, counts(2, 3));
    assert_eq!(alarm.branches, Some(counts(0, 0)));

    // alarm.c's record claims LH=3; its DA lines cover 2.
    assert_eq!(
        warnings(&e),
        [
            "the record for src/pump/alarm.c (line 20) says LF=3 LH=3 but its DA lines give 2 of 3; \
          the counted values are used"
        ]
    );
}

#[test]
fn lcov_from_coverage_py_with_branch_expressions() {
    // coverage.py writes "jump to line 8" as the branch field and `-` for
    // branches of code that never ran.
    let e = fixture(
        "tests/fixtures/lcov-coveragepy/coverage.lcov",
        EvidenceKind::Coverage,
    );
    assert_eq!(e.files[0].format, Format::Lcov);
    assert_eq!(e.coverage.len(), 3);
    let dose = file(&e.coverage, "pump/dose.py");
    // `coverage report`: 16 statements, 6 missed, 8 branches, 4 taken.
    assert_eq!(dose.lines, counts(10, 16));
    assert_eq!(dose.branches, Some(counts(4, 8)));
    // An empty record (a file with no statements).
    assert_eq!(file(&e.coverage, "pump/__init__.py").lines, counts(0, 0));
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn lcov_from_c8() {
    let e = fixture("tests/fixtures/lcov-c8/lcov.info", EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::Lcov);
    let alarm = file(&e.coverage, "src/alarm.js");
    assert_eq!(alarm.lines, counts(8, 16));
    assert_eq!(alarm.branches, Some(counts(3, 4)));
    assert_eq!(alarm.evidence, "tests/fixtures/lcov-c8/lcov.info");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn lcov_without_branch_data_has_no_branches() {
    let e = try_bytes(
        "lines-only.info",
        b"SF:a.rs\r\nDA:1,3\r\nDA:2,0\r\nDA:2,5\r\nLF:2\r\nLH:2\r\nend_of_record\r\n",
        EvidenceKind::Coverage,
        None,
    )
    .expect("loads");
    // CRLF line ends; line 2 is listed twice and covered by one entry.
    assert_eq!(e.coverage[0].lines, counts(2, 2));
    assert_eq!(e.coverage[0].branches, None);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn lcov_unreadable_lines_are_skipped_with_one_warning() {
    let e = try_bytes(
        "bad.info",
        b"TN:\nSF:a.c\nDA:x,1\nDA:2,lots\nDA:3,1\nBRDA:3,0,0,?\nend_of_record\n",
        EvidenceKind::Coverage,
        None,
    )
    .expect("loads");
    assert_eq!(e.coverage[0].lines, counts(1, 1));
    assert_eq!(
        warnings(&e),
        ["3 DA/BRDA/LF/LH/BRF/BRH line(s) could not be read and were ignored (first: line 3)"]
    );
}

#[test]
fn lcov_cut_before_end_of_record_is_malformed() {
    let text =
        std::fs::read(repo().join("tests/fixtures/handmade-coverage/lcov-split-records.info"))
            .expect("fixture");
    let cut = &text[..text.len() - "end_of_record\n".len()];
    let err = try_bytes("cut.info", cut, EvidenceKind::Coverage, None).expect_err("truncated");
    assert_eq!(malformed_at(&err), (Some(47), Some(1)));
    assert!(
        err.to_string().contains(
            "the file ends inside the record for src/pump/dose.c (truncated?): expected end_of_record"
        ),
        "{err}"
    );
}

#[test]
fn lcov_structure_errors_name_the_line() {
    let cases: [(&[u8], u64, &str); 4] = [
        (
            b"SF:a\nDA:1,1\nSF:b\n",
            3,
            "SF: while the record for a (line 1) is still open",
        ),
        (b"TN:\nDA:1,1\n", 2, "DA: outside a source-file record"),
        (
            b"SF:a\nthis is not lcov\n",
            2,
            "expected KEY:VALUE or end_of_record",
        ),
        (
            b"TN:\nend_of_record\n",
            2,
            "end_of_record without an open record",
        ),
    ];
    for (bytes, line, message) in cases {
        let err = try_bytes(
            "bad.info",
            bytes,
            EvidenceKind::Coverage,
            Some(Format::Lcov),
        )
        .expect_err("malformed");
        assert_eq!(malformed_at(&err).0, Some(line), "{err}");
        assert!(err.to_string().contains(message), "{err}");
    }
}

#[test]
fn lcov_hostile_input_fails_cleanly() {
    // A line of 2 MiB: refused without buffering it all.
    let mut long = b"SF:".to_vec();
    long.extend(std::iter::repeat_n(b'a', 2 << 20));
    let err = try_bytes("long.info", &long, EvidenceKind::Coverage, None).expect_err("too long");
    assert!(err.to_string().contains("longer than"), "{err}");

    // Absurd line numbers and counts allocate nothing in proportion.
    let e = try_bytes(
        "huge.info",
        b"SF:a\nDA:18446744073709551615,1\nDA:4294967295,99999999999999999999999\nLF:18446744073709551615\nLH:2\nend_of_record\n",
        EvidenceKind::Coverage,
        None,
    )
    .expect("loads");
    assert_eq!(e.coverage[0].lines, counts(2, 2));
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
}

// ---------------------------------------------------------------------------
// JaCoCo

#[test]
fn jacoco_report_from_the_jacoco_api() {
    // Real JaCoCo 0.8.6 output: one line, DOCTYPE with a SYSTEM id.
    let e = fixture("tests/fixtures/jacoco/jacoco.xml", EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::Jacoco);
    let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["com/example/pump/Main.java", "com/example/pump/Dose.java"]
    );
    // Dose.java: Dose and its nested Audit class, 11 lines, 1 missed (the
    // throw); 12 branches, 7 covered.
    let dose = file(&e.coverage, "com/example/pump/Dose.java");
    assert_eq!(dose.lines, counts(10, 11));
    assert_eq!(dose.branches, Some(counts(7, 12)));
    let main = file(&e.coverage, "com/example/pump/Main.java");
    assert_eq!(main.lines, counts(10, 12));
    assert_eq!(main.branches, Some(counts(4, 8)));
    // The <line> elements agree with every sourcefile's counters.
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn jacoco_groups_default_package_and_counter_fallback() {
    let e = fixture(
        "tests/fixtures/handmade-coverage/jacoco-groups.xml",
        EvidenceKind::Coverage,
    );
    let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "com/example/pump/Dose.java",
            "Launcher.java",
            "com/example/ui/Screen.kt"
        ]
    );
    // Dose.java appears in two groups: lines unioned (line 11 is covered in
    // the second), branches per line (10: 2/2, 13: 1/2, 20: 2/4).
    let dose = file(&e.coverage, "com/example/pump/Dose.java");
    assert_eq!(dose.lines, counts(6, 6));
    assert_eq!(dose.branches, Some(counts(5, 8)));
    // The default package: the file name alone; no branches measured is 0 of 0.
    let launcher = file(&e.coverage, "Launcher.java");
    assert_eq!(launcher.lines, counts(1, 2));
    assert_eq!(launcher.branches, Some(counts(0, 0)));
    // No <line> elements: the LINE and BRANCH counters.
    let screen = file(&e.coverage, "com/example/ui/Screen.kt");
    assert_eq!(screen.lines, counts(6, 10));
    assert_eq!(screen.branches, Some(counts(2, 4)));
    assert_eq!(
        warnings(&e),
        [
            "com/example/pump/Dose.java has BRANCH counter 2 of 3 but its <line> elements give 2 \
             of 4; the <line> elements are used",
            "1 class(es) have no sourcefilename (compiled without debug information); their \
             coverage belongs to no source file and is not counted",
        ]
    );
}

#[test]
fn jacoco_doctype_with_entities_is_refused() {
    let err = try_bytes(
        "evil.xml",
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE report [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n<report name=\"&x;\"/>",
        EvidenceKind::Coverage,
        None,
    )
    .expect_err("entities");
    assert!(
        err.to_string().contains("the DOCTYPE declares entities"),
        "{err}"
    );
    assert_eq!(malformed_at(&err).0, Some(3));
}

#[test]
fn jacoco_truncated_and_wrong_root() {
    let text = std::fs::read(repo().join("tests/fixtures/jacoco/jacoco.xml")).expect("fixture");
    let err = try_bytes(
        "cut.xml",
        &text[..text.len() / 2],
        EvidenceKind::Coverage,
        None,
    )
    .expect_err("truncated");
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");

    let err = try_bytes(
        "pom.xml",
        b"<project/>",
        EvidenceKind::Coverage,
        Some(Format::Jacoco),
    )
    .expect_err("not JaCoCo");
    assert!(
        err.to_string()
            .contains("expected <report> as the root element, found <project>"),
        "{err}"
    );
}

#[test]
fn every_prefix_of_the_coverage_fixtures_fails_cleanly() {
    for (rel, format) in [
        (
            "tests/fixtures/handmade-coverage/lcov-split-records.info",
            Format::Lcov,
        ),
        ("tests/fixtures/lcov-coveragepy/coverage.lcov", Format::Lcov),
        (
            "tests/fixtures/handmade-coverage/jacoco-groups.xml",
            Format::Jacoco,
        ),
        ("tests/fixtures/jacoco/jacoco.xml", Format::Jacoco),
    ] {
        let bytes = std::fs::read(repo().join(rel)).expect("fixture");
        let step = (bytes.len() / 120).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let prefix = &bytes[..cut];
            let _ = try_bytes("prefix", prefix, EvidenceKind::Coverage, None);
            let result = try_bytes("prefix", prefix, EvidenceKind::Coverage, Some(format));
            // A cut right after an end_of_record line is a complete LCOV file.
            if format == Format::Jacoco && cut + 2 < bytes.len() {
                assert!(result.is_err(), "{rel} cut at {cut} should not parse");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Several coverage files measuring one source file

const RUNS: &str = "tests/fixtures/coverage-py-runs";

/// (path, lines, branches) of every record, sorted by path.
fn per_file(e: &Evidence) -> Vec<(String, CoverageCounts, Option<CoverageCounts>)> {
    let mut rows: Vec<_> = e
        .coverage
        .iter()
        .map(|f| (f.path.clone(), f.lines, f.branches))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[test]
fn two_runs_of_one_package_merge_to_what_coverage_combine_reports() {
    let combined = fixture(&format!("{RUNS}/combined.xml"), EvidenceKind::Coverage);
    // coverage.py's own totals (combined.console): dose.py 12 statements,
    // 1 missed; alarm.py 7 statements, 3 missed.
    assert_eq!(
        file(&combined.coverage, "pump/dose.py").lines,
        counts(11, 12)
    );
    assert_eq!(
        file(&combined.coverage, "pump/alarm.py").lines,
        counts(4, 7)
    );

    // The two runs' own files read as their union, in either format
    // (coverage.py's LCOV also lists a module's docstring line, so each
    // format is compared with its own combined report).
    for (unit, integration, union) in [
        ("unit.xml", "integration.xml", &combined),
        (
            "unit.lcov",
            "integration.lcov",
            &fixture(&format!("{RUNS}/combined.lcov"), EvidenceKind::Coverage),
        ),
    ] {
        let e = fixtures_in(RUNS, &[unit, integration], EvidenceKind::Coverage);
        assert_eq!(per_file(&e), per_file(union), "{unit} + {integration}");
        // One record per source file, named after the file that first had it.
        let dose: Vec<_> = e
            .coverage
            .iter()
            .filter(|f| f.path == "pump/dose.py")
            .collect();
        assert_eq!(dose.len(), 1);
        assert_eq!(dose[0].evidence, format!("{RUNS}/{unit}"));
        // The merge is told on the later file, not the first.
        let told = &e.files[1].warnings;
        assert!(
            !e.files[0]
                .warnings
                .iter()
                .any(|w| w.contains("line by line")),
            "{:?}",
            e.files[0].warnings
        );
        assert_eq!(
            told.iter().filter(|w| w.contains("line by line")).count(),
            1,
            "{told:?}"
        );
        let told: Vec<_> = told.iter().filter(|w| w.contains("line by line")).collect();
        assert!(
            told[0].starts_with("2 source file(s) it measures were also measured by an earlier")
                && told[0].contains(&format!("also in {RUNS}/{unit}"))
                && told[0].contains("line by line"),
            "{told:?}"
        );
    }
}

#[test]
fn the_runs_alone_would_have_counted_dose_py_twice() {
    // What each run measured alone: the merge is not one of them.
    let unit = fixture(&format!("{RUNS}/unit.xml"), EvidenceKind::Coverage);
    let integration = fixture(&format!("{RUNS}/integration.xml"), EvidenceKind::Coverage);
    assert_eq!(file(&unit.coverage, "pump/dose.py").lines, counts(8, 12));
    assert_eq!(
        file(&integration.coverage, "pump/dose.py").lines,
        counts(9, 12)
    );
    // Branches: the unit run took both ways of `minutes <= 0` and
    // `rate > 999`, the integration run one way of each and of
    // `weight_kg <= 0`; together 5 of 6, as coverage.py combines them.
    let both = fixtures_in(
        RUNS,
        &["unit.xml", "integration.xml"],
        EvidenceKind::Coverage,
    );
    assert_eq!(
        file(&both.coverage, "pump/dose.py").branches,
        Some(counts(5, 6))
    );
}

#[test]
fn a_windows_jobs_paths_match_a_linux_jobs() {
    // The integration run as a Windows job of the matrix would write it.
    let xml = std::fs::read_to_string(repo().join(format!("{RUNS}/integration.xml"))).unwrap();
    let windows = xml
        .replace("filename=\"pump/dose.py\"", "filename=\"pump\\dose.py\"")
        .replace(
            "filename=\"pump/alarm.py\"",
            "filename=\".\\pump\\alarm.py\"",
        );
    assert_ne!(windows, xml);
    let dir = std::env::temp_dir().join(format!("regops-merge-win-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("integration.xml"), windows).expect("write");
    let inputs = [
        common::input(&format!("{RUNS}/unit.xml"), EvidenceKind::Coverage),
        regops_evidence::Input {
            path: dir.join("integration.xml"),
            display: "windows/integration.xml".into(),
            kind: EvidenceKind::Coverage,
            format: None,
        },
    ];
    let e = regops_evidence::load(&inputs, &regops_evidence::Options::default()).expect("loads");
    let combined = fixture(&format!("{RUNS}/combined.xml"), EvidenceKind::Coverage);
    // The first spelling names the record: alarm.py only the Windows job measured.
    let mut rows: Vec<_> = per_file(&e)
        .into_iter()
        .map(|(p, l, b)| (p.replace(".\\", "").replace('\\', "/"), l, b))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(rows, per_file(&combined));
    assert_eq!(file(&e.coverage, "pump/dose.py").lines, counts(11, 12));
    assert_eq!(file(&e.coverage, ".\\pump\\alarm.py").lines, counts(4, 7));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn one_report_loaded_twice_counts_once() {
    let once = fixture(&format!("{RUNS}/combined.xml"), EvidenceKind::Coverage);
    let twice = fixtures_in(
        RUNS,
        &["combined.xml", "combined.xml"],
        EvidenceKind::Coverage,
    );
    assert_eq!(per_file(&twice), per_file(&once));
}

#[test]
fn one_run_in_three_formats_reads_as_any_one_of_them() {
    // gcovr wrote the same run as Cobertura, JaCoCo and SonarQube XML, with
    // the same relative paths.
    let dir = "tests/fixtures/gcovr";
    let cobertura = fixture(
        &format!("{dir}/gcovr-cobertura.xml"),
        EvidenceKind::Coverage,
    );
    let all = fixtures_in(
        dir,
        &["gcovr-cobertura.xml", "gcovr-jacoco.xml", "gcovr-sonar.xml"],
        EvidenceKind::Coverage,
    );
    assert_eq!(per_file(&all), per_file(&cobertura));
    assert_eq!(file(&all.coverage, "pump.c").lines, counts(9, 14));
    assert_eq!(file(&all.coverage, "pump.c").branches, Some(counts(5, 10)));
}

#[test]
fn a_file_measured_without_lines_merges_as_the_larger_counts() {
    // A JaCoCo <sourcefile> with counters but no <line> elements cannot be
    // matched line by line: the merge keeps the larger covered and total,
    // and says so.
    let counters_only = br#"<?xml version="1.0" encoding="UTF-8"?>
<report name="pump"><package name="pump"><sourcefile name="dose.py">
<counter type="LINE" missed="2" covered="10"/>
<counter type="BRANCH" missed="3" covered="3"/>
</sourcefile></package></report>"#;
    let dir = std::env::temp_dir().join(format!("regops-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let jacoco = dir.join("jacoco.xml");
    std::fs::write(&jacoco, counters_only).expect("write");
    let inputs = [
        common::input(&format!("{RUNS}/unit.xml"), EvidenceKind::Coverage),
        regops_evidence::Input {
            path: jacoco.clone(),
            display: "jacoco.xml".into(),
            kind: EvidenceKind::Coverage,
            format: None,
        },
    ];
    let e = regops_evidence::load(&inputs, &regops_evidence::Options::default()).expect("loads");
    // JaCoCo names the file `pump/dose.py` (package/sourcefile).
    let dose = file(&e.coverage, "pump/dose.py");
    // Lines: 10 of 12 (JaCoCo) against the unit run's 8 of 12; branches: 3
    // of 6 against the unit run's 4 of 6.
    assert_eq!(dose.lines, counts(10, 12));
    assert_eq!(dose.branches, Some(counts(4, 6)));
    let told = &e.files[1].warnings;
    assert!(
        told.iter()
            .any(|w| w.contains("for 1 of them a file gave counts without lines")),
        "{told:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
