//! Error positions: every parser reports 1-based lines and columns.

use std::path::PathBuf;

use regops_evidence::{EvidenceKind, Input, Options, load};

/// Found by fuzzing (fuzz/regressions/any_format): a JSON file that ends at
/// the start of a line was reported at column 0; columns are 1-based.
#[test]
fn a_json_file_ending_at_a_line_start_is_located_at_column_1() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/any_format/json-eof-column-0-after-newline.json");
    let err = load(
        &[Input {
            path,
            display: "truncated.sarif".to_string(),
            kind: EvidenceKind::Findings,
            format: Some(regops_evidence::Format::Sarif),
        }],
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("truncated.sarif:2:1:"), "{err}");
    assert!(err.contains("truncated"), "{err}");
}
