//! Coverage of one C build (gcc 12 `--coverage -O0`) through grcov 0.10.7
//! (Cobertura and LCOV, with and without `--branch`; covdir and Coveralls
//! JSON, refused) and through gcc's own `gcov --json-format` (refused), each
//! held to what gcov printed for the same `.gcda` files.
//!
//! Every fixture here is real tool output; `tests/fixtures/grcov/PROVENANCE.md`
//! gives the versions, the commands and what the tools printed.

mod common;
use common::*;

use regops_evidence::{CoverageCounts, Error, Evidence, EvidenceKind, Format};

/// Covered, total.
type Pair = (u64, u64);

/// Per file: path, lines, branches (covered, total), as gcov printed them
/// (`gcov-json.console`) and as counted by hand from the sources.
const GCOV: [(&str, Pair, Pair); 3] = [
    // Line 12 (`return 1`) and dose_unused (16, 18–20) never run; line 11's
    // `rate > limit && limit > 0` has 4 branches, only "first operand
    // false" taken; line 18's `if (x)` has 2, neither taken.
    ("dose.c", (6, 11), (1, 6)),
    // The inline `clamp`: `v < lo` never true (line 7 uncovered, 1 of 2),
    // `v > hi` both ways (2 of 2).
    ("dose.h", (5, 6), (3, 4)),
    // The three `fails++` (8, 10, 12) never run; each `if` and line 13's
    // `fails ? ... : ...` take one of their two branches.
    ("test_dose.c", (7, 10), (4, 8)),
];

type Row = (String, CoverageCounts, Option<CoverageCounts>);

fn coverage_rows(e: &Evidence) -> Vec<Row> {
    e.coverage
        .iter()
        .map(|f| (f.path.clone(), f.lines, f.branches))
        .collect()
}

fn expected(with_branches: bool) -> Vec<Row> {
    GCOV.iter()
        .map(|&(path, (lc, lt), (bc, bt))| {
            (
                path.to_string(),
                counts(lc, lt),
                with_branches.then(|| counts(bc, bt)),
            )
        })
        .collect()
}

#[test]
fn grcov_with_branch_reads_as_gcov_counted_in_both_formats() {
    for (rel, format) in [
        ("grcov/cobertura-branch.xml", Format::Cobertura),
        ("grcov/lcov-branch.info", Format::Lcov),
    ] {
        let e = producer(rel, EvidenceKind::Coverage);
        assert_eq!(e.files[0].format, format, "{rel}");
        assert!(warnings(&e).is_empty(), "{rel}: {:?}", warnings(&e));
        // Paths as grcov wrote them: relative to `-s .` (Cobertura's
        // `<source>` is absolute and not joined; LCOV's `SF:dose.c`).
        assert_eq!(coverage_rows(&e), expected(true), "{rel}");
    }
}

#[test]
fn grcov_without_branch_measures_no_branches_in_both_formats() {
    // Without `--branch` grcov still writes `branches-valid="0"` on the
    // Cobertura root and `BRF:0`/`BRH:0` in every LCOV record, with no
    // `condition-coverage` and no `BRDA`: branches not measured, not 0 of 0
    // (a branch gate then fails with "measured no branches").
    for (rel, format) in [
        ("grcov/cobertura.xml", Format::Cobertura),
        ("grcov/lcov.info", Format::Lcov),
    ] {
        let e = producer(rel, EvidenceKind::Coverage);
        assert_eq!(e.files[0].format, format, "{rel}");
        assert!(warnings(&e).is_empty(), "{rel}: {:?}", warnings(&e));
        assert_eq!(coverage_rows(&e), expected(false), "{rel}");
    }
}

#[test]
fn grcov_lcov_taken_flag_of_one_counts_as_covered_and_dash_as_not() {
    // grcov writes `BRDA:...,1` for a taken branch (a flag, not a count)
    // and `-` for one not taken; the declared BRF/BRH agree (no warning).
    let e = producer("grcov/lcov-branch.info", EvidenceKind::Coverage);
    let total: (u64, u64) = e.coverage.iter().fold((0, 0), |(c, t), f| {
        let b = f.branches.expect("branches");
        (c + b.covered, t + b.total)
    });
    // The Cobertura root's branches-covered="8" branches-valid="18".
    assert_eq!(total, (8, 18));
    assert_eq!(lines_and_branches(&e, "dose.h"), ((5, 6), (3, 4)));
}

fn refusal(rel: &str) -> String {
    match try_producer(rel, EvidenceKind::Coverage) {
        Err(Error::UnknownFormat { detected, .. }) => detected,
        other => panic!("{rel} should be refused, got {other:?}"),
    }
}

#[test]
fn grcov_covdir_and_coveralls_json_are_refused_naming_them_and_what_to_write() {
    assert_eq!(
        refusal("grcov/covdir.json"),
        "grcov's covdir JSON (`grcov -t covdir`), which regops does not read; write \
         `grcov -t cobertura` or `grcov -t lcov` (with `--branch` for branches)"
    );
    assert_eq!(
        refusal("grcov/coveralls.json"),
        "Coveralls JSON (`grcov -t coveralls`, a Coveralls upload), which regops does not \
         read; write `grcov -t cobertura` or `grcov -t lcov` (with `--branch` for branches)"
    );
}

#[test]
fn gcov_json_is_refused_naming_it_and_what_to_write_compressed_or_not() {
    for name in ["dose.gcov.json", "test_dose.gcov.json"] {
        assert_eq!(
            refusal(&format!("grcov/gcov-json/{name}")),
            "gcov's JSON (`gcov --json-format`), which regops does not read; write \
             Cobertura (`gcovr --cobertura`) or LCOV (`lcov --capture`, or `gcovr --lcov`) \
             from the same .gcda files",
            "{name}"
        );
        // What gcov itself writes: the same JSON, gzipped.
        assert_eq!(
            refusal(&format!("grcov/gcov-json/{name}.gz")),
            "gzip-compressed data (`gcov --json-format` writes `.gcov.json.gz`, which \
             regops does not read even uncompressed); regops reads evidence uncompressed",
            "{name}.gz"
        );
    }
}

#[test]
fn the_refusals_need_their_tools_keys_and_leave_other_json_undescribed() {
    // gcov's JSON with `gcc_version` beyond the head: `files` of `lines`
    // and `functions` is enough.
    let gcov_late = br#"{"files": [{"file": "a.c", "lines": [], "functions": []}]}"#;
    // Lookalikes: `files` without gcov's keys, `children` without covdir's
    // totals, `source_files` without `coverage`.
    let others: [(&[u8], &str); 3] = [
        (
            br#"{"files": [{"name": "a.c", "lines": 3}]}"#,
            "JSON object with keys files",
        ),
        (
            br#"{"children": {"a.c": {}}, "name": ""}"#,
            "JSON object with keys children, name",
        ),
        (
            br#"{"source_files": [{"name": "a.c"}]}"#,
            "JSON object with keys source_files",
        ),
    ];
    let detected = |bytes: &[u8]| match try_bytes("x.json", bytes, EvidenceKind::Coverage, None) {
        Err(Error::UnknownFormat { detected, .. }) => detected,
        other => panic!("should be refused, got {other:?}"),
    };
    assert!(detected(gcov_late).starts_with("gcov's JSON"));
    for (bytes, want) in others {
        assert_eq!(detected(bytes), want);
    }
}
