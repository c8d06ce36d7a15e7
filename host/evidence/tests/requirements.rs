//! Requirements and risk controls from doorstop items and sphinx-needs'
//! needs.json, as the tools wrote them (tests/fixtures/requirements, made by
//! doorstop 3.2 and sphinx-needs 9.1.0: see README.md there).

use std::path::PathBuf;

use regops_evidence::{EvidenceKind, Input, Options, load};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/requirements")
}

fn input(rel: &str) -> Input {
    Input {
        path: fixtures().join(rel),
        display: rel.to_string(),
        kind: EvidenceKind::Requirements,
        format: None,
    }
}

#[test]
fn a_doorstop_tree_gives_requirements_risk_controls_and_suspect_links() {
    let inputs: Vec<Input> = [
        "doorstop/srs/.doorstop.yml",
        "doorstop/srs/SRS001.yml",
        "doorstop/srs/SRS002.yml",
        "doorstop/srs/SRS003.yml",
        "doorstop/rc/.doorstop.yml",
        "doorstop/rc/RC001.yml",
    ]
    .into_iter()
    .map(input)
    .collect();
    let evidence = load(&inputs, &Options::default()).expect("loads");
    assert!(evidence.files.iter().all(|f| f.format.name() == "doorstop"));
    let ids: Vec<&str> = evidence
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, ["SRS001", "SRS002", "SRS003", "RC001"]);
    let srs2 = &evidence.requirements[1];
    assert_eq!(srs2.kind, "SRS");
    assert!(!srs2.risk_control);
    assert!(
        srs2.title
            .starts_with("The monitor shall raise a high-priority alarm within 2 s")
    );
    // Edited after `doorstop review`: its stamp no longer matches.
    assert_eq!(srs2.status.as_deref(), Some("unreviewed"));
    let rc = &evidence.requirements[3];
    assert!(rc.risk_control, "the RC document holds risk controls");
    assert_eq!(rc.parents, ["SRS002"]);
    // SRS002 changed since RC001's link to it was reviewed: doorstop itself
    // reports "RC001: suspect link: SRS002".
    assert_eq!(rc.suspect_links, ["SRS002"]);
    assert_eq!(rc.status.as_deref(), Some("reviewed"));
}

#[test]
fn an_unchanged_parent_leaves_the_link_sound() {
    // Without SRS002 loaded, nothing is known to be suspect.
    let evidence = load(&[input("doorstop/rc/RC001.yml")], &Options::default()).expect("loads");
    assert!(evidence.requirements[0].suspect_links.is_empty());
}

#[test]
fn sphinx_needs_json_gives_needs_with_every_link_type_as_parents() {
    let evidence = load(&[input("sphinx-needs/needs.json")], &Options::default()).expect("loads");
    assert_eq!(evidence.files[0].format.name(), "sphinx-needs");
    let mut ids: Vec<&str> = evidence
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    ids.sort();
    assert_eq!(ids, ["RC-001", "REQ-001", "REQ-002", "REQ-003"]);
    let rc = evidence
        .requirements
        .iter()
        .find(|r| r.id == "RC-001")
        .expect("RC-001");
    assert!(rc.risk_control);
    assert_eq!(rc.kind, "rc");
    assert_eq!(rc.parents, ["REQ-002"], "from the `fulfills` extra link");
    assert_eq!(rc.status.as_deref(), Some("approved"));
    assert_eq!(rc.source.file, "index.rst");
    assert_eq!(rc.source.line, Some(22));
    let draft = evidence
        .requirements
        .iter()
        .find(|r| r.id == "REQ-003")
        .expect("REQ-003");
    assert_eq!(draft.status.as_deref(), Some("draft"));
    assert!(!draft.risk_control);
}

#[test]
fn a_strictdoc_export_gives_requirements_with_parent_relations() {
    let evidence = load(&[input("strictdoc/index.json")], &Options::default()).expect("loads");
    assert_eq!(evidence.files[0].format.name(), "strictdoc-json");
    let ids: Vec<&str> = evidence
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, ["REQ-001", "REQ-002", "RC-001"]);
    let rc = &evidence.requirements[2];
    assert!(rc.risk_control, "RC- prefix");
    assert_eq!(rc.parents, ["REQ-002"]);
    assert_eq!(rc.kind, "requirement");
    assert_eq!(rc.status.as_deref(), Some("Approved"));
    assert_eq!(
        evidence.requirements[0].title,
        "Heart rate from R-R intervals"
    );
}

#[test]
fn a_markdown_file_with_front_matter_is_one_requirement() {
    let evidence = load(&[input("markdown/RC-002.md")], &Options::default()).expect("loads");
    assert_eq!(evidence.files[0].format.name(), "markdown-requirement");
    let rc = &evidence.requirements[0];
    assert_eq!(rc.id, "RC-002");
    assert!(rc.risk_control);
    assert_eq!(rc.parents, ["REQ-004"]);
    assert_eq!(rc.title, "Asystole alarm cannot be silenced below 30 s");
    assert_eq!(rc.status.as_deref(), Some("approved"));
}

/// Loads `text` written to a temporary `reqs/<name>` as requirements.
fn load_text(name: &str, text: &str) -> Result<regops_evidence::Evidence, regops_evidence::Error> {
    let dir = std::env::temp_dir().join(format!("regops-req-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    let result = load(
        &[Input {
            path,
            display: format!("reqs/{name}"),
            kind: EvidenceKind::Requirements,
            format: None,
        }],
        &Options::default(),
    );
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[test]
fn a_markdown_file_without_an_id_is_refused_naming_the_fix() {
    let error = load_text(
        "REQ-x.md",
        "---\nid: \ntype: requirement\n---\n# Untitled\n",
    )
    .expect_err("no id");
    let message = error.to_string();
    assert!(
        message.contains("reqs/REQ-x.md") && message.contains("no `id`"),
        "{message}"
    );
}

#[test]
fn broken_front_matter_is_located_on_its_line_in_the_file() {
    // serde_norway stops at the front matter's line 3 (its end), which is
    // the file's line 4: the opening `---` counts.
    let error = load_text(
        "REQ-y.md",
        "---\nid: REQ-014\nparents: [SYS-003\n---\n# Alarm latency\n",
    )
    .expect_err("unclosed flow sequence");
    let message = error.to_string();
    assert!(message.contains("reqs/REQ-y.md:"), "{message}");
    assert!(message.contains("front matter is not YAML"), "{message}");
    let line: u64 = message["reqs/REQ-y.md:".len()..]
        .split(':')
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("no line in {message}"));
    assert_eq!(line, 4, "{message}");
}

#[test]
fn a_doorstop_item_that_is_not_yaml_is_refused_with_its_line() {
    let error = load_text(
        "SRS009.yml",
        "active: true\nlinks: [SRS001\ntext: |\n  x\nnormative: true\nlevel: 1.0\n",
    )
    .expect_err("broken YAML");
    let message = error.to_string();
    assert!(
        message.contains("reqs/SRS009.yml:") && message.contains("not a doorstop file"),
        "{message}"
    );
}
