//! Helpers shared by the integration tests: load fixtures through
//! [`load`], as users do, and read the results.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use regops_evidence::{
    CoverageCounts, Error, Evidence, EvidenceKind, FileCoverage, FindingLevel, Format, Input,
    Options, TestCase, TestStatus, load,
};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn input(rel: &str, kind: EvidenceKind) -> Input {
    Input {
        path: repo().join(rel),
        display: rel.to_string(),
        kind,
        format: None,
    }
}

/// Loads fixtures (path from the repository root, kind) together.
pub fn try_load(files: &[(&str, EvidenceKind)]) -> Result<Evidence, Error> {
    let inputs: Vec<Input> = files.iter().map(|(rel, kind)| input(rel, *kind)).collect();
    load(&inputs, &Options::default())
}

pub fn load_all(files: &[(&str, EvidenceKind)]) -> Evidence {
    match try_load(files) {
        Ok(e) => e,
        Err(e) => panic!("{files:?} should load: {e}"),
    }
}

/// Files of one fixture directory (`dir` from the repository root), loaded
/// together as `kind`.
pub fn fixtures_in(dir: &str, files: &[&str], kind: EvidenceKind) -> Evidence {
    let paths: Vec<String> = files.iter().map(|f| format!("{dir}/{f}")).collect();
    let inputs: Vec<(&str, EvidenceKind)> = paths.iter().map(|p| (p.as_str(), kind)).collect();
    load_all(&inputs)
}

pub fn fixture(rel: &str, kind: EvidenceKind) -> Evidence {
    load_all(&[(rel, kind)])
}

pub fn try_fixture(rel: &str, kind: EvidenceKind) -> Result<Evidence, Error> {
    try_load(&[(rel, kind)])
}

/// Writes `bytes` to a fresh temporary file and loads it.
pub fn try_bytes(
    name: &str,
    bytes: &[u8],
    kind: EvidenceKind,
    format: Option<Format>,
) -> Result<Evidence, Error> {
    let dir = std::env::temp_dir().join(format!(
        "regops-evidence-it-{}-{}",
        std::process::id(),
        module_path!().replace("::", "-")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(format!("{}-{name}", SEQ.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, bytes).expect("write temp file");
    let result = load(
        &[Input {
            path: path.clone(),
            display: name.to_string(),
            kind,
            format,
        }],
        &Options::default(),
    );
    let _ = std::fs::remove_file(&path);
    result
}

pub fn warnings(e: &Evidence) -> &[String] {
    &e.files[0].warnings
}

/// The position of a Malformed error.
pub fn malformed_at(err: &Error) -> (Option<u64>, Option<u64>) {
    match err {
        Error::Malformed { position, .. } => (position.line, position.column),
        other => panic!("expected Error::Malformed, got {other:?}"),
    }
}

/// A producer's fixture: `rel` under `tests/fixtures/`.
pub fn producer(rel: &str, kind: EvidenceKind) -> Evidence {
    fixture(&format!("tests/fixtures/{rel}"), kind)
}

pub fn try_producer(rel: &str, kind: EvidenceKind) -> Result<Evidence, Error> {
    try_fixture(&format!("tests/fixtures/{rel}"), kind)
}

/// A producer's JUnit report (`rel` under `tests/fixtures/`), which must be
/// detected as JUnit.
pub fn junit(rel: &str) -> Evidence {
    let e = producer(rel, EvidenceKind::Tests);
    assert_eq!(e.files[0].format, Format::Junit, "{rel}");
    e
}

/// A SARIF producer's fixture (`tests/fixtures/<rel>`), read as findings.
pub fn sarif(rel: &str) -> Evidence {
    let e = producer(rel, EvidenceKind::Findings);
    assert_eq!(e.files[0].format, Format::Sarif, "{rel}");
    e
}

/// Errors, warnings, notes.
pub fn levels(e: &Evidence) -> [usize; 3] {
    let n = |l| e.findings.iter().filter(|f| f.level == l).count();
    [
        n(FindingLevel::Error),
        n(FindingLevel::Warning),
        n(FindingLevel::Note),
    ]
}

/// Passed, failed, errored, skipped.
pub fn statuses(e: &Evidence) -> [usize; 4] {
    let n = |s| e.tests.iter().filter(|t| t.status == s).count();
    [
        n(TestStatus::Passed),
        n(TestStatus::Failed),
        n(TestStatus::Errored),
        n(TestStatus::Skipped),
    ]
}

/// The one test with this id.
pub fn case<'e>(e: &'e Evidence, id: &str) -> &'e TestCase {
    e.tests
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no test {id} in {:#?}", e.tests))
}

/// Every record with this id.
pub fn cases<'e>(e: &'e Evidence, id: &str) -> Vec<&'e TestCase> {
    e.tests.iter().filter(|t| t.id == id).collect()
}

/// Lines and branches (covered, total) of the file at `path`.
pub fn lines_and_branches(e: &Evidence, path: &str) -> ((u64, u64), (u64, u64)) {
    let f = e
        .coverage
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:#?}", e.coverage));
    let b = f.branches.expect("branches");
    ((f.lines.covered, f.lines.total), (b.covered, b.total))
}

pub fn counts(covered: u64, total: u64) -> CoverageCounts {
    CoverageCounts { covered, total }
}

/// The coverage record of the file at `path`.
pub fn file<'a>(files: &'a [FileCoverage], path: &str) -> &'a FileCoverage {
    files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no coverage for {path}"))
}

/// Every `step`-th prefix of a fixture (path under `tests/fixtures`), from
/// byte 50 to `tail` bytes before its end, is refused as truncated or
/// invalid XML when read as `format`.
pub fn refuses_every_cut(fixture: &str, tail: usize, step: usize, format: Format) {
    let whole = std::fs::read(repo().join("tests/fixtures").join(fixture)).expect("fixture");
    for cut in (50..whole.len() - tail).step_by(step) {
        let err = try_bytes("cut.xml", &whole[..cut], EvidenceKind::Tests, Some(format))
            .expect_err("truncated");
        assert!(
            err.to_string().contains("truncated") || err.to_string().contains("invalid XML"),
            "{fixture} cut at {cut}: {err}"
        );
    }
}

/// Loads `bytes` as test results (`format` forced, or detected) and
/// returns the error, which must say `says`.
pub fn refused(bytes: &[u8], format: Option<Format>, says: &str) -> Error {
    let err = try_bytes("refused.xml", bytes, EvidenceKind::Tests, format)
        .expect_err("the file is refused");
    assert!(err.to_string().contains(says), "{err}");
    err
}
