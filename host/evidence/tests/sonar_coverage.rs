//! SonarQube's generic test coverage XML (`gcovr --sonarqube`): detected
//! apart from Cobertura, whose root is also `<coverage>`, and read to the
//! numbers the producing tool reports.

mod common;

use std::path::Path;

use common::*;
use regops_evidence::{CoverageCounts, Error, EvidenceKind, FileCoverage, Format, detect};

const GCOVR_SONAR: &str = "tests/fixtures/gcovr/gcovr-sonar.xml";

/// What detection makes of a file's head, as the loader reads it.
fn detected(path: &Path) -> Result<Format, String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    detect::detect(&bytes[..bytes.len().min(64 * 1024)])
}

#[test]
fn gcovr_sonarqube_report_gives_gcovr_numbers() {
    let e = fixture(GCOVR_SONAR, EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::SonarCoverage);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["pump.c", "test_main.c"]);

    // gcovr's own summary of the same run (tests/fixtures/gcovr/PROVENANCE.md).
    let pump = file(&e.coverage, "pump.c");
    assert_eq!(pump.lines, counts(9, 14));
    assert_eq!(pump.branches, Some(counts(5, 10)));
    assert_eq!(pump.evidence, GCOVR_SONAR);
    let main = file(&e.coverage, "test_main.c");
    assert_eq!(main.lines, counts(7, 9));
    assert_eq!(main.branches, Some(counts(10, 14)));

    let mut lines = CoverageCounts::default();
    let mut branches = CoverageCounts::default();
    for f in &e.coverage {
        lines.add(f.lines);
        branches.add(f.branches.unwrap_or_default());
    }
    assert_eq!(lines, counts(16, 23));
    assert_eq!(branches, counts(15, 24));
}

#[test]
fn gcovr_sonarqube_and_cobertura_reports_of_one_run_agree() {
    let sonar = fixture(GCOVR_SONAR, EvidenceKind::Coverage);
    let cobertura = fixture(
        "tests/fixtures/gcovr/gcovr-cobertura.xml",
        EvidenceKind::Coverage,
    );
    assert_eq!(cobertura.files[0].format, Format::Cobertura);
    let numbers = |files: &[FileCoverage]| {
        let mut numbers: Vec<_> = files
            .iter()
            .map(|f| (f.path.clone(), f.lines, f.branches))
            .collect();
        numbers.sort_by(|a, b| a.0.cmp(&b.0));
        numbers
    };
    assert_eq!(numbers(&sonar.coverage), numbers(&cobertura.coverage));
}

/// Every Cobertura report among the fixtures and examples, from
/// coverage.py, gcovr, istanbul/nyc, vitest and by hand.
const COBERTURA_FIXTURES: &[&str] = &[
    "tests/fixtures/gcovr/gcovr-cobertura.xml",
    "tests/fixtures/gcovr/gcovr-cob-subdir.xml",
    "tests/fixtures/vitest/cobertura-coverage.xml",
    "tests/fixtures/nyc/cobertura-coverage.xml",
    "tests/fixtures/pytest-failing/coverage.xml",
    "tests/fixtures/low-coverage/coverage.xml",
    "tests/fixtures/handmade/cobertura-no-branches.xml",
    "tests/fixtures/handmade/cobertura-split-class.xml",
    "examples/infusense/evidence/coverage.xml",
    "examples/cardiosense/evidence/coverage.xml",
];

#[test]
fn cobertura_reports_are_still_cobertura() {
    for rel in COBERTURA_FIXTURES {
        assert_eq!(detected(&repo().join(rel)), Ok(Format::Cobertura), "{rel}");
        let e = fixture(rel, EvidenceKind::Coverage);
        assert_eq!(e.files[0].format, Format::Cobertura, "{rel}");
        assert!(!e.coverage.is_empty(), "{rel}");
    }
    // Clover's <coverage clover=...> is still refused.
    let clover = try_fixture(
        "tests/fixtures/gcovr/gcovr-clover.xml",
        EvidenceKind::Coverage,
    )
    .expect_err("Clover");
    assert!(matches!(clover, Error::UnknownFormat { .. }), "{clover}");
}

/// Walks `dir`, collecting the files named `*.xml`.
fn xml_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            xml_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "xml") {
            found.push(path);
        }
    }
}

#[test]
fn no_other_fixture_is_read_as_sonarqube_coverage() {
    let mut files = Vec::new();
    xml_files(&repo().join("tests/fixtures"), &mut files);
    xml_files(&repo().join("examples"), &mut files);
    let sonar: Vec<String> = files
        .iter()
        .filter(|path| detected(path) == Ok(Format::SonarCoverage))
        .filter_map(|path| path.strip_prefix(repo()).ok())
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(sonar, [GCOVR_SONAR]);
}

#[test]
fn the_format_is_named_sonar_coverage() {
    assert_eq!(Format::SonarCoverage.name(), "sonar-coverage");
    assert_eq!(
        Format::from_name("sonar-coverage"),
        Some(Format::SonarCoverage)
    );
    assert_eq!(Format::SonarCoverage.kind(), EvidenceKind::Coverage);
    assert!(Format::names_for(EvidenceKind::Coverage).contains("sonar-coverage"));

    // Listed under another kind, the error names the right one.
    let err = try_fixture(GCOVR_SONAR, EvidenceKind::Tests).expect_err("not tests");
    assert!(matches!(err, Error::WrongKind { .. }), "{err}");
}

#[test]
fn another_version_is_refused_with_its_position() {
    let err = try_bytes(
        "sonar.xml",
        b"<?xml version=\"1.0\"?>\n<coverage version=\"2\">\n  <file path=\"a.c\"/>\n</coverage>\n",
        EvidenceKind::Coverage,
        None,
    )
    .expect_err("version 2");
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    assert!(
        err.to_string().contains(
            "malformed sonar-coverage (the <coverage> root has version=\"2\"; only \
             version=\"1\" of SonarQube's generic coverage format is read"
        ),
        "{err}"
    );

    // A Cobertura report forced through this format says what to do.
    let err = try_bytes(
        "coverage.xml",
        &std::fs::read(repo().join(COBERTURA_FIXTURES[4])).expect("fixture"),
        EvidenceKind::Coverage,
        Some(Format::SonarCoverage),
    )
    .expect_err("Cobertura is not SonarQube coverage");
    assert!(
        err.to_string()
            .contains("if this is a Cobertura report, read it as cobertura"),
        "{err}"
    );
}

#[test]
fn every_prefix_of_the_gcovr_report_fails_cleanly() {
    let bytes = std::fs::read(repo().join(GCOVR_SONAR)).expect("fixture");
    let end = bytes.len() - usize::from(bytes.ends_with(b"\n"));
    for cut in 0..end {
        let prefix = &bytes[..cut];
        let _ = try_bytes("prefix", prefix, EvidenceKind::Coverage, None);
        let result = try_bytes(
            "prefix",
            prefix,
            EvidenceKind::Coverage,
            Some(Format::SonarCoverage),
        );
        assert!(result.is_err(), "cut at {cut} should not parse");
    }
}
