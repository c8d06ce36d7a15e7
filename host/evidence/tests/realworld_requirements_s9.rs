//! Requirement files in two shapes session 8's sweep left misread
//! (tests/fixtures/handmade-requirements-s9; PROVENANCE.md there gives each
//! tool, version and command): sphinx-needs projects whose needs include
//! tests (sphinx-test-reports' `testfile`/`testsuite`/`testcase`,
//! sphinx-needs' own default `test`), and doorstop documents whose
//! `.doorstop.yml` adds item attributes to the review stamp (`attributes:
//! reviewed`). Read wrong, the first fails a correct project (every test
//! need wants a passing test) and the second calls every reviewed item
//! unreviewed and its links suspect.

mod common;

use std::path::PathBuf;

use common::{fixtures_in, repo, try_bytes, warnings};
use regops_evidence::{Evidence, EvidenceKind, Format, Input, Options, Requirement, load};

const DIR: &str = "tests/fixtures/handmade-requirements-s9";

/// The fixture files under `DIR`, loaded together.
fn fixtures(files: &[&str]) -> Evidence {
    fixtures_in(DIR, files, EvidenceKind::Requirements)
}

/// A hand-written needs.json.
fn needs_json(text: &str) -> Evidence {
    try_bytes(
        "needs.json",
        text.as_bytes(),
        EvidenceKind::Requirements,
        None,
    )
    .unwrap_or_else(|e| panic!("needs.json should load: {e}"))
}

fn ids(e: &Evidence) -> Vec<&str> {
    let mut ids: Vec<&str> = e.requirements.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

fn req<'e>(e: &'e Evidence, id: &str) -> &'e Requirement {
    e.requirements
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(e)))
}

fn all_warnings(e: &Evidence) -> Vec<&str> {
    e.files
        .iter()
        .flat_map(|f| f.warnings.iter().map(String::as_str))
        .collect()
}

// ---------------------------------------------------------------------------
// sphinx-needs: tests are not requirements

#[test]
fn sphinx_test_reports_needs_and_the_default_test_type_are_not_requirements() {
    let e = fixtures(&["sphinx-needs-9.1.0-test-reports-3.0.1/needs.json"]);
    // Ten needs: two requirements, a specification, a risk control, and six
    // tests (TC-001 of type `test`; the test file, suite and three cases
    // `test-file` imported from results.xml).
    assert_eq!(ids(&e), ["RC-001", "REQ-001", "REQ-002", "SPEC-001"]);
    assert_eq!(
        warnings(&e),
        [
            "6 need(s) of a test type left out: tests, not requirements \
          (`test`: 1, `testcase`: 3, `testfile`: 1, `testsuite`: 1)"
        ]
    );
    // A specification is a software requirement, kept as one.
    let spec = req(&e, "SPEC-001");
    assert_eq!(
        (
            spec.kind.as_str(),
            spec.parents.as_slice(),
            spec.risk_control
        ),
        ("spec", ["REQ-002".to_string()].as_slice(), false)
    );
    assert!(req(&e, "RC-001").risk_control);
}

#[test]
fn a_needs_json_test_reports_wrote_from_junit_holds_tests_only() {
    // `test-reports build needs`: every need a `testcase`, without a
    // `type_name`, two of them `verifies` a requirement.
    let e = fixtures(&["test-reports-1.1.0-build-needs/needs.json"]);
    assert_eq!(e.files[0].format, Format::SphinxNeeds);
    assert!(e.requirements.is_empty(), "{:?}", ids(&e));
    assert_eq!(
        warnings(&e),
        ["3 need(s) of a test type left out: tests, not requirements (`testcase`: 3)"]
    );
}

#[test]
fn a_test_type_is_known_by_its_name_or_title_in_any_spelling() {
    // Types projects declare in `needs_types`, by directive or by title.
    let e = needs_json(
        r#"{"current_version": "1.0", "versions": {"1.0": {"needs": {
            "T-1": {"id": "T-1", "type": "tsc", "type_name": "Test Case", "links": ["R-1"]},
            "T-2": {"id": "T-2", "type": "test_case", "type_name": "Test Case"},
            "T-3": {"id": "T-3", "type": "test_spec", "type_name": "Test Specification"},
            "T-4": {"id": "T-4", "type": "test_run", "type_name": "Test Run"},
            "T-5": {"id": "T-5", "type": "TestSuite", "type_name": "Test-Suite"},
            "T-6": {"id": "T-6", "type": "sys_test", "type_name": "System Test"},
            "R-1": {"id": "R-1", "type": "req", "type_name": "Requirement"},
            "R-2": {"id": "R-2", "type": "spec", "type_name": "Specification"},
            "R-3": {"id": "R-3", "type": "testability", "type_name": "Testability requirement"},
            "R-4": {"id": "R-4", "type": "sw_req", "type_name": "Software Requirement"},
            "R-5": {"id": "R-5", "type": "impl", "type_name": "Implementation"}
        }}}}"#,
    );
    assert_eq!(ids(&e), ["R-1", "R-2", "R-3", "R-4", "R-5"]);
    assert_eq!(
        warnings(&e),
        [
            "6 need(s) of a test type left out: tests, not requirements (`TestSuite`: 1, \
          `sys_test`: 1, `test_case`: 1, `test_run`: 1, `test_spec`: 1, `tsc`: 1)"
        ]
    );
}

#[test]
fn a_test_need_marked_as_a_risk_control_stays_a_risk_control() {
    // Dropping it would drop a risk control from the checks.
    let e = needs_json(
        r#"{"current_version": "", "versions": {"": {"needs": {
            "TC-9": {"id": "TC-9", "type": "test", "type_name": "Test Case",
                     "risk_control": true, "links": ["REQ-1"]}
        }}}}"#,
    );
    assert_eq!(ids(&e), ["TC-9"]);
    assert!(req(&e, "TC-9").risk_control);
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn a_link_to_a_need_part_keeps_the_part() {
    // (Pinned on TC-001 of the sphinx-needs 2.0.0 fixture before session 9
    // read it as the test it is.)
    let e = needs_json(
        r#"{"current_version": "", "versions": {"": {"needs": {
            "REQ-3": {"id": "REQ-3", "type": "req", "links": ["REQ-2.1", "REQ-1"]}
        }}}}"#,
    );
    assert_eq!(req(&e, "REQ-3").parents, ["REQ-2.1", "REQ-1"]);
}

// ---------------------------------------------------------------------------
// doorstop: reviewed attributes

const TREE: &str = "doorstop-3.2-reviewed-attributes";

/// Every file of the doorstop 3.2 tree, document files first.
const TREE_FILES: &[&str] = &[
    "reqs/srs/.doorstop.yml",
    "reqs/srs/rc/.doorstop.yml",
    "reqs/swd/.doorstop.yml",
    "reqs/srs/SRS001.yml",
    "reqs/srs/SRS002.yml",
    "reqs/srs/SRS003.yml",
    "reqs/srs/SRS004.yml",
    "reqs/srs/SRS005.yml",
    "reqs/srs/alarms/SRS006.yml",
    "reqs/srs/rc/RC001.yml",
    "reqs/srs/rc/RC002.yml",
    "reqs/swd/SWD001.md",
];

fn tree(files: &[&str]) -> Evidence {
    let paths: Vec<String> = files.iter().map(|f| format!("{TREE}/{f}")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    fixtures(&paths)
}

/// Status and suspect links of each requirement, by id.
fn verdicts(e: &Evidence) -> Vec<(&str, Option<&str>, Vec<&str>)> {
    let mut verdicts: Vec<(&str, Option<&str>, Vec<&str>)> = e
        .requirements
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.status.as_deref(),
                r.suspect_links.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    verdicts.sort_unstable();
    verdicts
}

#[test]
fn doorstop_review_stamps_cover_the_attributes_the_document_reviews() {
    let e = tree(TREE_FILES);
    assert_eq!(
        all_warnings(&e),
        [
            "doorstop document SWD keeps its items as markdown (`itemformat: markdown`): they are \
          the `.md` files beside this file, and are read only when listed too (e.g. \
          `reqs/**/*.md`)"
        ]
    );
    assert!(e.files.iter().all(|f| f.format == Format::Doorstop));
    // doorstop's verdict (doorstop-check.txt): SRS004's reviewed
    // `verification-method` changed after the review, so it is unreviewed
    // and RC001's link to it suspect. SRS003's `invented-by` changed too,
    // but SRS reviews no such attribute; RC001's `type` changed, but RC (a
    // document nested in SRS's directory) reviews none. SRS006, in a
    // subdirectory without a .doorstop.yml, is SRS's. The document files
    // stand for no requirement.
    assert_eq!(
        verdicts(&e),
        [
            ("RC001", Some("reviewed"), vec!["SRS004"]),
            ("RC002", Some("reviewed"), vec![]),
            ("SRS001", Some("reviewed"), vec![]),
            // A list, an int, a bool and a date.
            ("SRS002", Some("reviewed"), vec![]),
            ("SRS003", Some("reviewed"), vec![]),
            // A dict and a null.
            ("SRS004", Some("unreviewed"), vec![]),
            // A quoted 'yes' (a string, not a boolean).
            ("SRS005", Some("reviewed"), vec![]),
            // A float.
            ("SRS006", Some("reviewed"), vec![]),
            // A markdown item of a document reviewing `verification-method`.
            ("SWD001", Some("reviewed"), vec![]),
        ]
    );
    let check = std::fs::read_to_string(repo().join(DIR).join(TREE).join("doorstop-check.txt"))
        .expect("doorstop-check.txt");
    let flagged: Vec<&str> = check
        .lines()
        .filter(|l| l.contains("unreviewed") || l.contains("suspect"))
        .collect();
    assert_eq!(
        flagged,
        [
            "WARNING: SRS: SRS004: unreviewed changes",
            "WARNING: RC: RC001: suspect link: SRS004"
        ]
    );
}

#[test]
fn the_items_read_the_same_whatever_order_the_files_come_in() {
    // Items before their document files, as a hand-written list may give them.
    let mut files = TREE_FILES.to_vec();
    files.reverse();
    assert_eq!(verdicts(&tree(&files)), verdicts(&tree(TREE_FILES)));
}

#[test]
fn without_its_document_file_an_item_stamped_with_attributes_reads_unreviewed() {
    // The glob missed reqs/srs/.doorstop.yml: regops cannot know SRS
    // reviews attributes, so SRS001 (stamped with three) reads unreviewed
    // and RC002's link to it suspect -- never reviewed on a guess.
    let e = tree(&[
        "reqs/srs/rc/.doorstop.yml",
        "reqs/srs/SRS001.yml",
        "reqs/srs/rc/RC002.yml",
    ]);
    assert_eq!(
        verdicts(&e),
        [
            ("RC002", Some("reviewed"), vec!["SRS001"]),
            ("SRS001", Some("unreviewed"), vec![]),
        ]
    );
}

/// Files written to a fresh directory (display path, text) and loaded
/// together under their display paths.
fn written_tree(name: &str, files: &[(&str, String)]) -> Evidence {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("regops-evidence-s9-{}-{name}", std::process::id()));
    let inputs: Vec<Input> = files
        .iter()
        .map(|(display, text)| {
            let path = dir.join(display);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("temp dir");
            }
            std::fs::write(&path, text).expect("write");
            Input {
                path,
                display: display.to_string(),
                kind: EvidenceKind::Requirements,
                format: None,
            }
        })
        .collect();
    let e = load(&inputs, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    e
}

fn fixture_text(path: &str) -> String {
    std::fs::read_to_string(repo().join(DIR).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn reviewed_attributes_regops_cannot_reproduce_leave_items_unreviewed_and_links_suspect() {
    for (reviewed, why) in [
        (
            "  reviewed:\n  - level\n  - type\n",
            "names doorstop's own `level`",
        ),
        ("  reviewed: type\n", "is not a list of attribute names"),
    ] {
        let document = format!(
            "settings:\n  digits: 3\n  itemformat: yaml\n  prefix: SRS\n  sep: ''\nattributes:\n{reviewed}"
        );
        let e = written_tree(
            "unreproduced",
            &[
                ("reqs/srs/.doorstop.yml", document),
                (
                    "reqs/srs/SRS001.yml",
                    fixture_text(&format!("{TREE}/reqs/srs/SRS001.yml")),
                ),
                (
                    "reqs/srs/rc/.doorstop.yml",
                    fixture_text(&format!("{TREE}/reqs/srs/rc/.doorstop.yml")),
                ),
                (
                    "reqs/srs/rc/RC002.yml",
                    fixture_text(&format!("{TREE}/reqs/srs/rc/RC002.yml")),
                ),
            ],
        );
        assert_eq!(
            all_warnings(&e),
            [format!(
                "doorstop document SRS: `attributes: reviewed` {why}, whose stamps regops does \
                 not reproduce; its items read unreviewed and links to them suspect"
            )]
        );
        assert_eq!(
            verdicts(&e),
            [
                ("RC002", Some("reviewed"), vec!["SRS001"]),
                ("SRS001", Some("unreviewed"), vec![]),
            ],
            "{reviewed}"
        );
    }
}

#[test]
fn a_reviewed_attribute_value_regops_cannot_render_is_said_and_read_unreviewed() {
    // doorstop 3.2 reports this tree clean: SRS001's `approved: 2024-03-01
    // 10:00:00` is a datetime to PyYAML, whose stamp regops does not
    // reproduce. It says so, and reads the item unreviewed and RC001's
    // link to it suspect rather than trust what it cannot check.
    let e = fixtures(&[
        "doorstop-3.2-timestamp-attribute/reqs/srs/.doorstop.yml",
        "doorstop-3.2-timestamp-attribute/reqs/rc/.doorstop.yml",
        "doorstop-3.2-timestamp-attribute/reqs/srs/SRS001.yml",
        "doorstop-3.2-timestamp-attribute/reqs/rc/RC001.yml",
    ]);
    assert_eq!(
        all_warnings(&e),
        [
            "SRS001: regops does not reproduce doorstop's stamp of `approved` (a tagged value, a \
          YAML 1.1 form such as a timestamp with a time or `1_000`, or an ambiguous nested \
          scalar); if its document lists it under `attributes: reviewed`, SRS001 reads \
          unreviewed and links to it suspect"
        ]
    );
    assert_eq!(
        verdicts(&e),
        [
            ("RC001", Some("reviewed"), vec!["SRS001"]),
            ("SRS001", Some("unreviewed"), vec![]),
        ]
    );
}

#[test]
fn an_attribute_a_document_does_not_review_changes_no_stamp() {
    // The same timestamp in a document that reviews no attribute: SRS001's
    // stamp is then its text alone, which regops reproduces; no warning,
    // since the recorded stamp leaves the attribute out (`doorstop review`
    // wrote it, doorstop 3.2).
    let document = "settings:\n  digits: 3\n  itemformat: yaml\n  prefix: SRS\n  sep: ''\n";
    let item = "active: true\napproved: 2024-03-01 10:00:00\nderived: false\nheader: ''\n\
                level: 1.0\nlinks: []\nnormative: true\nref: ''\n\
                reviewed: woDoQZCYyjB92QDihEokfNti8CFhKNMuLb6JjwQFtHU=\ntext: |\n  \
                The monitor shall compute the heart rate from R-R intervals.\n";
    let e = written_tree(
        "not-reviewed",
        &[
            ("reqs/srs/.doorstop.yml", document.to_string()),
            ("reqs/srs/SRS001.yml", item.to_string()),
        ],
    );
    assert!(all_warnings(&e).is_empty(), "{:?}", all_warnings(&e));
    assert_eq!(verdicts(&e), [("SRS001", Some("reviewed"), vec![])]);
}
