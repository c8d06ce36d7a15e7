//! How `load` reads: several files at once (one parser per core, records
//! appended in input order), large files read and hashed on a thread of
//! their own, Cobertura lines read on a second thread. None of it may show:
//! loading files together gives what loading each alone gives, in order,
//! and the error reported is the first in input order.

mod common;

use std::path::PathBuf;

use common::*;
use regops_evidence::{Error, Evidence, EvidenceKind, Input, Options, load};
use sha2::{Digest, Sha256};

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regops-evidence-loading-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

fn temp_input(name: &str, bytes: &[u8], kind: EvidenceKind) -> Input {
    Input {
        path: temp_file(name, bytes),
        display: name.to_string(),
        kind,
        format: None,
    }
}

/// A JUnit file of `cases` cases, some failing, some skipped.
fn junit(suite: &str, cases: usize) -> Vec<u8> {
    let mut xml = format!("<testsuites><testsuite name=\"{suite}\" tests=\"{cases}\">\n");
    for i in 0..cases {
        let outcome = match i % 50 {
            0 => "<failure message=\"boom\">trace &amp; more</failure>",
            1 => "<skipped/>",
            _ => "",
        };
        xml.push_str(&format!(
            "  <testcase classname=\"{suite}.mod_{}\" name=\"test_{i}\" time=\"0.0{}\" file=\"src/m.py\" line=\"{i}\">{outcome}</testcase>\n",
            i % 17,
            i % 9
        ));
    }
    xml.push_str("</testsuite></testsuites>\n");
    xml.into_bytes()
}

/// A Cobertura report of `files` files × `lines` lines.
fn cobertura(files: usize, lines: usize) -> Vec<u8> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" ?>\n<coverage lines-valid=\"1\" lines-covered=\"1\">\n<packages><package name=\"p\"><classes>\n",
    );
    for f in 0..files {
        xml.push_str(&format!(
            "<class name=\"m{f}.py\" filename=\"src/m{f}.py\"><methods/><lines>\n"
        ));
        for l in 1..=lines {
            let branch = if l % 10 == 0 {
                " branch=\"true\" condition-coverage=\"50% (1/2)\" missing-branches=\"9\""
            } else {
                ""
            };
            xml.push_str(&format!(
                "\t<line number=\"{l}\" hits=\"{}\"{branch}/>\n",
                (l + f) % 3
            ));
        }
        xml.push_str("</lines></class>\n");
    }
    xml.push_str("</classes></package></packages></coverage>\n");
    xml.into_bytes()
}

/// What loading each input alone, one after another, and concatenating
/// gives.
fn one_by_one(inputs: &[Input]) -> Evidence {
    let mut all = Evidence::default();
    for input in inputs {
        let one = load(std::slice::from_ref(input), &Options::default())
            .unwrap_or_else(|e| panic!("{} alone: {e}", input.display));
        all.files.extend(one.files);
        all.tests.extend(one.tests);
        all.coverage.extend(one.coverage);
        all.findings.extend(one.findings);
        all.vulnerabilities.extend(one.vulnerabilities);
        all.vex.extend(one.vex);
    }
    all
}

#[test]
fn files_loaded_together_give_what_each_gives_alone_in_order() {
    let big_junit = junit("big", 12_000);
    let big_cobertura = cobertura(400, 200);
    assert!(big_junit.len() > 1 << 20 && big_cobertura.len() > 1 << 20);
    let inputs = vec![
        input(
            "tests/fixtures/bandit-high/bandit.sarif",
            EvidenceKind::Findings,
        ),
        temp_input("big-junit.xml", &big_junit, EvidenceKind::Tests),
        temp_input("small-junit.xml", &junit("small", 30), EvidenceKind::Tests),
        temp_input("coverage.xml", &big_cobertura, EvidenceKind::Coverage),
        input(
            "tests/fixtures/handmade/cobertura-split-class.xml",
            EvidenceKind::Coverage,
        ),
        input(
            "tests/fixtures/handmade-supply-chain/osv-scanner.json",
            EvidenceKind::Vulnerabilities,
        ),
        input(
            "tests/fixtures/handmade-supply-chain/openvex.json",
            EvidenceKind::Vex,
        ),
    ];
    let together = load(&inputs, &Options::default()).expect("loads");
    let mut expected = one_by_one(&inputs);
    regops_evidence::apply_vex(&mut expected);
    assert_eq!(together, expected);
    assert_eq!(together.tests.len(), 12_030);
    assert_eq!(together.coverage.len(), 400 + 2);
    // Read on a thread of its own, the large file is hashed whole.
    let digest: String = Sha256::digest(&big_junit)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(together.files[1].sha256, digest);
    assert_eq!(together.files[1].path, "big-junit.xml");
}

fn error_path(e: &Error) -> &str {
    match e {
        Error::Malformed { path, .. } | Error::Io { path, .. } => path,
        other => panic!("unexpected error {other}"),
    }
}

#[test]
fn the_error_reported_is_the_first_in_input_order() {
    let big_junit = junit("big", 12_000);
    let mut broken_cobertura = cobertura(400, 200);
    broken_cobertura.truncate(broken_cobertura.len() / 2);
    let inputs = vec![
        temp_input("fine.xml", &big_junit, EvidenceKind::Tests),
        input(
            "tests/fixtures/malformed/truncated-junit.xml",
            EvidenceKind::Tests,
        ),
        temp_input(
            "broken-coverage.xml",
            &broken_cobertura,
            EvidenceKind::Coverage,
        ),
    ];
    let err = load(&inputs, &Options::default()).expect_err("fails");
    assert_eq!(
        error_path(&err),
        "tests/fixtures/malformed/truncated-junit.xml"
    );
    // Alone, each broken file reports what it reports among the others.
    let alone = load(&inputs[1..2], &Options::default()).expect_err("fails");
    assert_eq!(err.to_string(), alone.to_string());
    let err =
        load(&[inputs[0].clone(), inputs[2].clone()], &Options::default()).expect_err("fails");
    let alone = load(&inputs[2..], &Options::default()).expect_err("fails");
    assert_eq!(err.to_string(), alone.to_string());
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn a_cobertura_error_found_by_the_lines_thread_is_placed_in_the_file() {
    // A bad entity in a line far past the point where lines go to their
    // own thread, then a structural error after it: the earlier one counts.
    let mut xml = String::from_utf8(cobertura(400, 200)).expect("utf-8");
    let at = xml.len() * 3 / 4;
    let line = xml[at..].find("<line ").map(|i| at + i).expect("a line");
    xml.insert_str(line, "<line number=\"5\" hits=\"&nope;\"/>");
    xml = xml.replace("</packages></coverage>", "</packages></wrong>");
    let err =
        try_bytes("coverage.xml", xml.as_bytes(), EvidenceKind::Coverage, None).expect_err("fails");
    let text = err.to_string();
    assert!(text.contains("in attribute 'hits' of <line>"), "{text}");
    let (line_no, _) = malformed_at(&err);
    let expected = xml[..line].matches('\n').count() as u64 + 1;
    assert_eq!(line_no, Some(expected), "{text}");
}
