//! Requirements and risk controls in the shapes real versions of doorstop,
//! sphinx-needs and StrictDoc write, found by a sweep over those versions
//! (tests/fixtures/requirements-versions, each directory's PROVENANCE.md
//! gives the tool, version and command), and hand-written files for what
//! people write by hand (YAML 1.1 booleans, front matter habits). A
//! requirement that is not read is one the gates never check: every case
//! either reads it or says why not.

mod common;

use common::{fixture, fixtures_in, try_bytes, warnings};
use regops_evidence::{Evidence, EvidenceKind, Format, Requirement};

const DIR: &str = "tests/fixtures/requirements-versions";

fn versions(files: &[&str]) -> Evidence {
    fixtures_in(DIR, files, EvidenceKind::Requirements)
}

fn version(file: &str) -> Evidence {
    fixture(&format!("{DIR}/{file}"), EvidenceKind::Requirements)
}

/// A hand-written file, named `name` (doorstop takes the UID from it).
fn written(name: &str, text: &str) -> Evidence {
    try_bytes(name, text.as_bytes(), EvidenceKind::Requirements, None)
        .unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn ids(e: &Evidence) -> Vec<&str> {
    e.requirements.iter().map(|r| r.id.as_str()).collect()
}

fn req<'e>(e: &'e Evidence, id: &str) -> &'e Requirement {
    e.requirements
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(e)))
}

/// What the gates read of a requirement: id, kind, risk control, parents,
/// status.
fn record<'e>(
    e: &'e Evidence,
    id: &str,
) -> (&'e str, &'e str, bool, Vec<&'e str>, Option<&'e str>) {
    let r = req(e, id);
    (
        r.id.as_str(),
        r.kind.as_str(),
        r.risk_control,
        r.parents.iter().map(String::as_str).collect(),
        r.status.as_deref(),
    )
}

fn all_warnings(e: &Evidence) -> Vec<&str> {
    e.files
        .iter()
        .flat_map(|f| f.warnings.iter().map(String::as_str))
        .collect()
}

// ---------------------------------------------------------------------------
// doorstop

const MARKDOWN_DOCUMENT_WARNING: &str = "doorstop document SWD keeps its items as markdown \
     (`itemformat: markdown`): they are the `.md` files beside this file, and are read only \
     when listed too (e.g. `reqs/**/*.md`)";

#[test]
fn doorstop_3_markdown_items_are_items_of_their_document() {
    let e = versions(&[
        "doorstop-3.2/reqs/srs/.doorstop.yml",
        "doorstop-3.2/reqs/srs/SRS002.yml",
        "doorstop-3.2/reqs/srs/SRS006.yml",
        "doorstop-3.2/reqs/swd/.doorstop.yml",
        "doorstop-3.2/reqs/swd/SWD001.md",
        "doorstop-3.2/reqs/swd/SWD002.md",
    ]);
    assert!(e.files.iter().all(|f| f.format == Format::Doorstop));
    // SWD002 is a heading (`normative: false`).
    assert_eq!(ids(&e), ["SRS002", "SRS006", "SWD001"]);
    // doorstop's review stamp of a markdown item covers the text after the
    // `# Alarm latch` header line, not the header.
    assert_eq!(
        record(&e, "SWD001"),
        ("SWD001", "SWD", false, vec!["SRS002"], Some("reviewed"))
    );
    let swd = req(&e, "SWD001");
    assert_eq!(swd.title, "The alarm module shall use a latch flag.");
    assert_eq!(
        swd.source.file,
        format!("{DIR}/doorstop-3.2/reqs/swd/SWD001.md")
    );
    assert_eq!(swd.source.line, Some(14));
    // SRS002 was edited after the review: doorstop itself reports both.
    let check = std::fs::read_to_string(
        common::repo()
            .join(DIR)
            .join("doorstop-3.2/doorstop-check.txt"),
    )
    .expect("doorstop-check.txt");
    assert!(
        check.contains("SWD: SWD001: suspect link: SRS002"),
        "{check}"
    );
    assert!(check.contains("SRS: SRS002: unreviewed changes"), "{check}");
    assert_eq!(swd.suspect_links, ["SRS002"]);
    assert_eq!(req(&e, "SRS002").status.as_deref(), Some("unreviewed"));
    assert_eq!(all_warnings(&e), [MARKDOWN_DOCUMENT_WARNING]);
}

#[test]
fn a_yml_only_glob_over_a_markdown_document_says_its_items_are_elsewhere() {
    let e = version("doorstop-3.2/reqs/swd/.doorstop.yml");
    assert!(e.requirements.is_empty());
    assert_eq!(warnings(&e), [MARKDOWN_DOCUMENT_WARNING]);
    // A YAML document's settings say nothing.
    assert!(warnings(&version("doorstop-3.2/reqs/srs/.doorstop.yml")).is_empty());
}

#[test]
fn doorstop_references_enter_the_review_stamp_as_python_prints_them() {
    // SRS006 has `references`; doorstop reports it reviewed (its stamp
    // hashes "[{'type': 'file', 'path': 'src/alarm.c'}]").
    let e = version("doorstop-3.2/reqs/srs/SRS006.yml");
    assert_eq!(
        record(&e, "SRS006"),
        ("SRS006", "SRS", false, vec!["SYS002"], Some("reviewed"))
    );
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
}

#[test]
fn doorstop_references_regops_cannot_print_leave_the_item_unreviewed_with_a_warning() {
    let e = written(
        "SRS009.yml",
        "active: true\nlevel: 1.0\nlinks: []\nnormative: true\nref: ''\n\
         references:\n- path: src/a.c\n  type: [file]\nreviewed: x\ntext: |\n  Alarm.\n",
    );
    assert_eq!(req(&e, "SRS009").status.as_deref(), Some("unreviewed"));
    assert_eq!(
        warnings(&e),
        [
            "SRS009 has `references` in a form whose doorstop stamp regops does not reproduce; \
          links to SRS009 are not checked for suspicion"
        ]
    );
}

#[test]
fn a_markdown_item_is_told_from_a_markdown_requirement_by_its_keys() {
    let item = "---\nactive: true\nderived: false\nlevel: 1.0\nlinks: []\nnormative: true\n\
                ref: ''\nreviewed: null\n---\n\n# Alarm latch\n\nThe alarm module shall latch.\n";
    let e = written("SWD001.md", item);
    assert_eq!(e.files[0].format, Format::Doorstop);
    assert_eq!(
        record(&e, "SWD001"),
        ("SWD001", "SWD", false, vec![], Some("unreviewed"))
    );
    // With an `id`, the same keys are a markdown requirement's.
    let requirement =
        "---\nid: REQ-014\nlevel: 1.0\nlinks: [SYS-003]\nactive: true\n---\n# Alarm\n";
    let e = written("REQ-014.md", requirement);
    assert_eq!(e.files[0].format, Format::MarkdownRequirement);
    assert_eq!(
        record(&e, "REQ-014"),
        ("REQ-014", "requirement", false, vec!["SYS-003"], None)
    );
}

/// A doorstop item with `key: value` among its attributes.
fn doorstop_item(key: &str, value: &str) -> String {
    let mut item = "active: true\nderived: false\nheader: ''\nlevel: 1.0\nlinks: []\n\
                    normative: true\nref: ''\nreviewed: null\n\
                    text: |\n  The monitor shall detect a disconnected lead.\n"
        .replace(&format!("{key}: true\n"), "");
    item.push_str(&format!("{key}: {value}\n"));
    item
}

#[test]
fn doorstop_booleans_are_read_as_pyyaml_reads_them() {
    // Hand-edited items: PyYAML (YAML 1.1) reads yes/no/on/off as booleans.
    for (key, value, read) in [
        ("active", "no", false),
        ("active", "Off", false),
        ("active", "yes", true),
        ("active", "ON", true),
        ("normative", "off", false),
        ("normative", "NO", false),
        ("normative", "True", true),
    ] {
        let e = written("SRS001.yml", &doorstop_item(key, value));
        assert_eq!(!e.requirements.is_empty(), read, "{key}: {value}");
        assert!(
            warnings(&e).is_empty(),
            "{key}: {value}: {:?}",
            warnings(&e)
        );
    }
    for value in ["yes", "on", "YES", "true"] {
        let e = written("SRS003.yml", &doorstop_item("risk-control", value));
        assert!(req(&e, "SRS003").risk_control, "risk-control: {value}");
    }
    for value in ["no", "off", "false"] {
        let e = written("SRS003.yml", &doorstop_item("risk-control", value));
        assert!(!req(&e, "SRS003").risk_control, "risk-control: {value}");
    }
}

#[test]
fn a_doorstop_value_that_is_not_a_boolean_keeps_the_item_checked() {
    // doorstop reads `active: maybe` as false; dropping the item would
    // shrink the set the gates check.
    let e = written("SRS001.yml", &doorstop_item("active", "maybe"));
    assert_eq!(ids(&e), ["SRS001"]);
    assert_eq!(
        warnings(&e),
        [
            "SRS001: `active: maybe` is not a boolean; doorstop reads it as false, \
          regops keeps the item as a requirement"
        ]
    );
    let e = written("SRS003.yml", &doorstop_item("risk-control", "y"));
    assert!(req(&e, "SRS003").risk_control);
    assert_eq!(
        warnings(&e),
        ["SRS003: `risk-control: y` is not a boolean; regops reads the item as a risk control"]
    );
}

// ---------------------------------------------------------------------------
// Markdown front matter

#[test]
fn a_risk_control_type_is_read_whatever_its_case_and_spaces() {
    let e = written(
        "RC-9.md",
        "---\nid: RC-9\ntype: Risk Control\nstatus: approved\nfulfills: [REQ-7]\n---\n# Cross-check\n",
    );
    // The kind stays as the file names it.
    assert_eq!(
        record(&e, "RC-9"),
        (
            "RC-9",
            "Risk Control",
            true,
            vec!["REQ-7"],
            Some("approved")
        )
    );
}

#[test]
fn risk_control_yes_in_front_matter_is_a_risk_control() {
    for (value, risk_control) in [("yes", true), ("On", true), ("true", true), ("no", false)] {
        let e = written(
            "REQ-7.md",
            &format!("---\nid: REQ-7\nstatus: approved\nrisk-control: {value}\n---\n# Lead-off\n"),
        );
        assert_eq!(req(&e, "REQ-7").risk_control, risk_control, "{value}");
    }
}

#[test]
fn a_numeric_id_is_read_as_written_or_refused() {
    for id in ["12", "012"] {
        let e = written("REQ.md", &format!("---\nid: {id}\n---\n# Alarm\n"));
        assert_eq!(ids(&e), [id]);
    }
    // YAML reads 0x1F as 31: refused, not guessed.
    let error = try_bytes(
        "REQ.md",
        b"---\nid: 0x1F\n---\n# Alarm\n",
        EvidenceKind::Requirements,
        None,
    )
    .expect_err("a number written otherwise");
    assert!(
        error
            .to_string()
            .contains("`id: 0x1F` is read as the number 31; quote it"),
        "{error}"
    );
}

// ---------------------------------------------------------------------------
// StrictDoc

const NO_UID_WARNING: &str = "1 requirement node(s) have no UID and are not read: give each a UID";

#[test]
fn strictdoc_0_0_58_names_node_types_type_and_writes_composites_as_empty_objects() {
    let e = version("strictdoc-0.0.58/index.json");
    // SEC-HR is a section with a UID; the free text is not a requirement.
    assert_eq!(
        ids(&e),
        [
            "RC-001", "MIT-002", "REQ-001", "REQ-003", "REQ-002", "REQ-004", "REQ-006", "REQ-007",
            "SYS-001"
        ]
    );
    // MIT-002 is a risk control by its grammar element, not its prefix.
    assert_eq!(
        record(&e, "MIT-002"),
        (
            "MIT-002",
            "risk_control",
            true,
            vec!["REQ-003"],
            Some("Draft")
        )
    );
    assert_eq!(
        record(&e, "REQ-001"),
        (
            "REQ-001",
            "requirement",
            false,
            vec!["SYS-001"],
            Some("Approved")
        )
    );
    // MIT-002's `Child` relation to REQ-006.
    assert_eq!(
        record(&e, "REQ-006"),
        (
            "REQ-006",
            "requirement",
            false,
            vec!["MIT-002"],
            Some("Approved")
        )
    );
    assert_eq!(
        warnings(&e),
        [
            NO_UID_WARNING,
            "1 node(s) are empty objects: StrictDoc ≤0.8 writes composite requirements as {}: \
             they are lost (StrictDoc 0.10.0 exports them)",
        ]
    );
}

#[test]
fn strictdoc_0_0_49_writes_sectioned_nodes_twice_and_each_is_read_once() {
    let e = version("strictdoc-0.0.49/index.json");
    assert_eq!(
        ids(&e),
        [
            "RC-001",
            "MIT-002",
            "REQ-001",
            "REQ-003",
            "REQ-008.1",
            "REQ-002",
            "REQ-004",
            "REQ-006",
            "REQ-007",
            "SYS-001"
        ]
    );
    assert_eq!(
        record(&e, "REQ-003"),
        (
            "REQ-003",
            "requirement",
            false,
            vec!["REQ-001"],
            Some("Draft")
        )
    );
    // The copies are the same node: nothing to warn about but the UID-less
    // one (counted once).
    assert_eq!(warnings(&e), [NO_UID_WARNING]);
}

#[test]
fn strictdoc_included_documents_are_read_once_with_a_warning() {
    let e = version("strictdoc-0.30.4-included-documents/index.json");
    let mut sorted = ids(&e);
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "MIT-002", "RC-001", "RC-003", "REQ-001", "REQ-002", "REQ-003", "REQ-004", "REQ-006",
            "REQ-007", "SAF-001", "SYS-001"
        ]
    );
    // The composite's `Child` relation; its nested risk control.
    assert_eq!(
        record(&e, "REQ-006"),
        (
            "REQ-006",
            "requirement",
            false,
            vec!["SAF-001"],
            Some("Approved")
        )
    );
    assert_eq!(
        record(&e, "SAF-001"),
        (
            "SAF-001",
            "safety_requirement",
            false,
            vec!["REQ-001"],
            Some("Approved")
        )
    );
    assert_eq!(
        record(&e, "RC-003"),
        ("RC-003", "risk_control", true, vec![], Some("Approved"))
    );
    assert_eq!(
        warnings(&e),
        [
            NO_UID_WARNING,
            "2 requirement(s) appear in more than one document (REQ-006, REQ-007): StrictDoc's \
             `--included-documents` writes an included document on its own and inside the \
             document that includes it; each is read once",
        ]
    );
}

#[test]
fn a_strictdoc_uid_repeated_with_other_content_is_read_once_with_a_warning() {
    let e = written(
        "index.json",
        r#"{"DOCUMENTS": [{"TITLE": "A", "NODES": [
            {"_NODE_TYPE": "REQUIREMENT", "UID": "REQ-1", "STATUS": "Approved",
             "RELATIONS": [{"TYPE": "Child", "VALUE": "REQ-9"}]},
            {"_NODE_TYPE": "REQUIREMENT", "UID": "REQ-1", "STATUS": "Draft"}]}]}"#,
    );
    assert_eq!(
        record(&e, "REQ-1"),
        ("REQ-1", "requirement", false, vec![], Some("Approved"))
    );
    assert_eq!(e.requirements.len(), 1);
    assert_eq!(
        warnings(&e),
        [
            "REQ-1 names REQ-9 as its child, but REQ-9 is not a requirement in this export",
            "REQ-1 appears more than once with different content; the first is read",
        ]
    );
}

// ---------------------------------------------------------------------------
// sphinx-needs

#[test]
fn sphinx_needs_2_extra_links_count_without_back_links() {
    let e = version("sphinx-needs-2.0.0/needs.json");
    // TC-001 (type `test`, sphinx-needs' default test type) is a test, not
    // a requirement (session 9; it used to be read as one): nine needs.
    assert_eq!(e.requirements.len(), 9);
    assert!(!ids(&e).contains(&"TC-001"));
    assert_eq!(
        warnings(&e),
        ["1 need(s) of a test type left out: tests, not requirements (`test`: 1)"]
    );
    assert_eq!(
        record(&e, "RC-001"),
        ("RC-001", "rc", true, vec!["REQ-002"], Some("approved"))
    );
    assert_eq!(
        record(&e, "RC-002"),
        (
            "RC-002",
            "rc",
            true,
            vec!["REQ-003", "RC-001"],
            Some("draft")
        )
    );
    // `risk_control: yes`, an extra option.
    assert_eq!(
        record(&e, "REQ-005"),
        ("REQ-005", "req", true, vec!["REQ-001"], Some("approved"))
    );
    // A link to a need part keeping the part (TC-001's, here) is pinned in
    // realworld_requirements_s9.rs.
    // Nested: `parent_needs`; sphinx-needs 2.0 writes its doctype as "".
    let nested = req(&e, "REQ-001A");
    assert_eq!(nested.parents, ["REQ-001"]);
    assert_eq!(nested.source.file, "index.rst");
    // Sections and (empty) tags are not links.
    assert!(
        e.requirements
            .iter()
            .all(|r| !r.parents.iter().any(|p| p.contains(' ')))
    );
}

#[test]
fn without_a_schema_tags_and_back_links_are_not_parents() {
    let e = written(
        "needs.json",
        r#"{"current_version": "", "versions": {"": {"needs": {
            "RC-1": {"id": "RC-1", "type": "rc", "docname": "index", "doctype": ".rst",
                     "tags": ["REQ-7", "safety"], "sections": ["Risk controls"],
                     "constraints": ["REQ-8"], "mitigates": ["REQ-1"], "links_back": ["TC-1"],
                     "implements": ["REQ-2"], "lineno": 99999999999}}}}}"#,
    );
    assert_eq!(
        record(&e, "RC-1"),
        ("RC-1", "rc", true, vec!["REQ-2", "REQ-1"], None)
    );
    assert_eq!(req(&e, "RC-1").source.line, Some(u32::MAX));
}

#[test]
fn sphinx_needs_without_defaults_takes_links_and_doctype_from_the_schema() {
    let e = version("sphinx-needs-4.2.0-remove-defaults/needs.json");
    // Ten needs, one of them the test TC-001.
    assert_eq!(e.requirements.len(), 9);
    let rc = req(&e, "RC-001");
    assert_eq!(
        record(&e, "RC-001"),
        ("RC-001", "rc", true, vec!["REQ-002"], Some("approved"))
    );
    assert_eq!(
        (rc.source.file.as_str(), rc.source.line),
        ("safety/risks.rst", Some(4))
    );
    assert_eq!(
        record(&e, "RC-002"),
        (
            "RC-002",
            "rc",
            true,
            vec!["REQ-003", "RC-001"],
            Some("draft")
        )
    );
    assert_eq!(
        record(&e, "REQ-001A"),
        ("REQ-001A", "req", false, vec!["REQ-001"], Some("approved"))
    );
    assert!(
        e.requirements
            .iter()
            .all(|r| r.source.file.ends_with(".rst"))
    );
}

#[test]
fn a_conditional_link_names_its_target_without_the_condition() {
    let e = version("sphinx-needs-9.1.0-v9config/needs.json");
    // `:mitigates: REQ-002[status=="approved"]`.
    assert_eq!(
        record(&e, "RC-001"),
        ("RC-001", "rc", true, vec!["REQ-002"], Some("approved"))
    );
    // `risk_control` is a boolean field in 9.x.
    assert_eq!(
        record(&e, "REQ-005"),
        ("REQ-005", "req", true, vec!["REQ-001"], Some("approved"))
    );
    assert!(
        e.requirements
            .iter()
            .all(|r| r.parents.iter().all(|p| !p.contains('['))),
        "{:?}",
        e.requirements
    );
    let myst = req(&e, "REQ-006");
    assert_eq!(
        (myst.source.file.as_str(), myst.source.line),
        ("alarms.md", Some(3))
    );
}

#[test]
fn a_needs_json_without_versions_holds_no_need_and_says_so() {
    let e = version("sphinx-needs-1.3.0-no-needs/needs.json");
    assert_eq!(e.files[0].format, Format::SphinxNeeds);
    assert!(e.requirements.is_empty());
    assert_eq!(
        warnings(&e),
        ["needs.json holds no need (`versions` is empty)"]
    );
}
