//! The JSON report (`regops.report/v1`), documented in docs/report.md.

use super::Report;

/// Pretty-printed JSON with a trailing newline; byte-identical for the same
/// inputs (fields in declaration order, no maps with random order, no clock).
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .expect("the report serialises: it holds no maps with non-string keys");
    text.push('\n');
    text
}
