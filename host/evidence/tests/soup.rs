//! The SOUP register, YAML and CSV: entries in, located records out.

use std::path::PathBuf;

use regops_evidence::{Error, EvidenceKind, Input, Options, load};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/soup")
        .join(name)
}

fn load_soup(name: &str) -> Result<regops_evidence::Evidence, Error> {
    load(
        &[Input {
            path: fixture(name),
            display: format!("soup/{name}"),
            kind: EvidenceKind::Soup,
            format: None,
        }],
        &Options::default(),
    )
}

#[test]
fn a_yaml_register_is_read_with_each_entry_located() {
    let evidence = load_soup("SOUP.yaml").unwrap();
    assert_eq!(evidence.files[0].format.name(), "soup-yaml");
    let attrs = &evidence.soup[0];
    assert_eq!(attrs.package, "attrs");
    assert_eq!(attrs.version, "26.1.0");
    assert_eq!(attrs.risk_level.as_deref(), Some("low"));
    assert_eq!(attrs.requirements, ["REQ-001", "REQ-003"]);
    assert_eq!(attrs.reviewed_by, ["carol"]);
    assert!(attrs.anomalies_reviewed);
    assert_eq!(attrs.source.file, "soup/SOUP.yaml");
    assert_eq!(attrs.source.line, Some(6), "the line of `- package: attrs`");
}

#[test]
fn a_csv_register_is_read_with_lists_and_booleans() {
    let evidence = load_soup("SOUP.csv").unwrap();
    assert_eq!(evidence.files[0].format.name(), "soup-csv");
    assert_eq!(evidence.soup.len(), 2);
    let numpy = &evidence.soup[1];
    assert_eq!(numpy.package, "pkg:pypi/numpy");
    assert_eq!(numpy.reviewed_by, ["carol", "dave"]);
    assert!(!numpy.anomalies_reviewed);
    assert_eq!(numpy.source.line, Some(3));
}

#[test]
fn a_misspelt_key_is_an_error_not_a_missing_review() {
    let err = load_soup("bad-key.yaml").unwrap_err().to_string();
    assert!(err.contains("soup/bad-key.yaml:"), "{err}");
    assert!(err.contains("reviewed_by"), "{err}");
}
